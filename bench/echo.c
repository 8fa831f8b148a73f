/*
 * bench/echo.c - the ceiling for resolver benchmarks: a UDP responder that
 * does no DNS work at all.
 *
 * Usage: echo [-a address] [-p port] [-t threads] [-P pidfile]
 *
 * Every datagram that holds at least a DNS header (12 octets) is sent
 * back to its source with the QR bit set (RFC 1035 section 4.1.1) and
 * nothing else changed; shorter ones are dropped.  A DNS load generator
 * counts those as answers to its queries, so the rate this program
 * reaches under a given load is what the kernel, the loopback path and
 * the load generator allow: no resolver on the same machine can answer
 * faster.
 *
 * Each thread owns one socket bound to the same address and port with
 * SO_REUSEPORT (the kernel spreads clients over them, as resolvers with
 * one socket per thread do) and loops on recvmmsg()/sendmmsg() in batches
 * of ECHO_BATCH, so the per-datagram system call cost is as low as Linux
 * allows.  The main thread writes the pid file once every socket is
 * bound, then waits for SIGTERM or SIGINT and exits; the workers die with
 * the process.  Loopback only by default (127.0.0.1).
 */
#define _GNU_SOURCE 1
#include "config.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/** Datagrams moved per recvmmsg()/sendmmsg() call. */
#define ECHO_BATCH 64
/** Largest datagram kept; longer ones are truncated by the kernel. */
#define ECHO_BUFSZ 4096
/** Most worker threads (and sockets) accepted by -t. */
#define ECHO_MAX_THREADS 64

/** One worker: its socket and its receive buffers. */
struct echo_worker {
	/** The bound UDP socket, owned by this worker. */
	int fd;
	/** The worker's thread. */
	pthread_t thread;
	/** Payloads of one batch. */
	unsigned char buf[ECHO_BATCH][ECHO_BUFSZ];
	/** Source addresses of one batch; replies go back to them. */
	struct sockaddr_storage from[ECHO_BATCH];
	/** One iovec per payload. */
	struct iovec iov[ECHO_BATCH];
	/** The message headers handed to the kernel. */
	struct mmsghdr msg[ECHO_BATCH];
};

/**
 * Open and bind one socket of the group.
 * @param sa: the address to bind, with its port.
 * @return the socket, or -1 after printing why.
 */
static int
echo_bind(const struct sockaddr_in *sa)
{
	int fd, on = 1;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd == -1) {
		perror("echo: socket");
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) == -1 ||
	    bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) == -1) {
		perror("echo: bind");
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * A worker's loop: receive a batch, set QR, send the batch back.
 * @param arg: the struct echo_worker.
 * @return never returns while the process lives.
 */
static void *
echo_work(void *arg)
{
	struct echo_worker *w = arg;
	int i, n, m, sent;

	for (;;) {
		for (i = 0; i < ECHO_BATCH; i++) {
			w->iov[i].iov_base = w->buf[i];
			w->iov[i].iov_len = ECHO_BUFSZ;
			memset(&w->msg[i].msg_hdr, 0,
			    sizeof(w->msg[i].msg_hdr));
			w->msg[i].msg_hdr.msg_name = &w->from[i];
			w->msg[i].msg_hdr.msg_namelen = sizeof(w->from[i]);
			w->msg[i].msg_hdr.msg_iov = &w->iov[i];
			w->msg[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(w->fd, w->msg, ECHO_BATCH, MSG_WAITFORONE, NULL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			perror("echo: recvmmsg");
			return NULL;
		}
		/* Keep the answerable ones in place, in order. */
		m = 0;
		for (i = 0; i < n; i++) {
			if (w->msg[i].msg_len < 12)
				continue;
			/* QR: this is a response. */
			w->buf[i][2] |= 0x80;
			w->iov[i].iov_len = w->msg[i].msg_len;
			if (m != i)
				w->msg[m].msg_hdr = w->msg[i].msg_hdr;
			m++;
		}
		for (sent = 0; sent < m; ) {
			n = sendmmsg(w->fd, w->msg + sent, m - sent, 0);
			if (n == -1) {
				if (errno == EINTR)
					continue;
				/* A full send buffer drops the rest, as a
				 * busy server would. */
				break;
			}
			sent += n;
		}
	}
}

/** Print the usage line and exit with status 2. */
static void
usage(void)
{
	fprintf(stderr, "usage: echo [-a address] [-p port] [-t threads] "
	    "[-P pidfile]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sa;
	struct echo_worker *w;
	const char *addr = "127.0.0.1", *pidfile = NULL;
	long port = 5353, nthreads = 1;
	sigset_t set;
	FILE *f;
	int c, i, sig;
	char *end;

	while ((c = getopt(argc, argv, "a:p:t:P:")) != -1) {
		switch (c) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = strtol(optarg, &end, 10);
			if (*end != '\0' || port < 1 || port > 65535)
				usage();
			break;
		case 't':
			nthreads = strtol(optarg, &end, 10);
			if (*end != '\0' || nthreads < 1 ||
			    nthreads > ECHO_MAX_THREADS)
				usage();
			break;
		case 'P':
			pidfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "echo: not an IPv4 address: %s\n", addr);
		return 1;
	}

	/* Workers inherit this mask: only the main thread takes signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	w = calloc((size_t)nthreads, sizeof(*w));
	if (w == NULL) {
		fprintf(stderr, "echo: out of memory\n");
		return 1;
	}
	for (i = 0; i < nthreads; i++) {
		w[i].fd = echo_bind(&sa);
		if (w[i].fd == -1)
			return 1;
	}
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&w[i].thread, NULL, echo_work, &w[i]) != 0) {
			fprintf(stderr, "echo: cannot start a thread\n");
			return 1;
		}
	}
	if (pidfile != NULL) {
		f = fopen(pidfile, "w");
		if (f == NULL || fprintf(f, "%ld\n", (long)getpid()) < 0 ||
		    fclose(f) != 0) {
			perror(pidfile);
			return 1;
		}
	}
	while (sigwait(&set, &sig) != 0)
		;
	if (pidfile != NULL)
		unlink(pidfile);
	return 0;
}
