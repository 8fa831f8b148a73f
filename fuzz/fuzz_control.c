/*
 * fuzz/fuzz_control.c - fuzz target: the control channel's request
 * parser and commands (daemon/remote.c), against a daemon's real tables
 * and caches.
 *
 * The input is what resolute-control sends: a request line
 * "RESOLUTE1 <command> [args]", followed for load_cache by its text up
 * to "%end".  Where a connection carries one request, the input may
 * carry up to FUZZ_MAX_REQUESTS, served one after another on the same
 * daemon, so that a load_cache can fill the caches that a later
 * lookup, flush or dump_cache walks.  The input is the text the daemon
 * reads on its event loop before a command runs (struct rc_conn's body,
 * which rc_read_line() reads: request lines and the load_cache text
 * alike); the server writes its output to one end of a socket pair, and
 * what it writes is read off the other end and dropped.
 *
 * The daemon is made by daemon_create() from a fixed config (local zones,
 * a stub zone, a trust anchor, small caches; the test harness's way, no
 * socket opened) for each input, so an input never sees what an earlier
 * one changed.  It has no worker threads: the commands that read the
 * workers' counters or requests see none, and pausing and resuming them
 * does nothing.  Three commands are not run: stop and reload (they act
 * on the daemon's main loop, which does not run here) and trace (it
 * hands the question to a worker thread).  Their argument parsing is
 * all the fuzzer would reach, and they would need a running daemon.
 *
 * The functions of the channel are static in daemon/remote.c, so that
 * file is compiled into this one; nothing of it is changed for the
 * fuzzer.  (The program links the rest of the daemon from the library;
 * the library's copy of remote.c is not linked in, as every symbol it
 * defines is defined here.)
 */
#include "config.h"
#include "fuzz/fuzz.h"
#include "daemon/remote.c"
#include <fcntl.h>

/** Requests served for one input, at most. */
#define FUZZ_MAX_REQUESTS 8

/** The config of the daemon. */
static const char config_text[] =
	"server:\n"
	"\tmodule-config: \"validator iterator\"\n"
	"\tnum-threads: 1\n"
	"\trrset-cache-size: 1m\n"
	"\tmsg-cache-size: 1m\n"
	"\tkey-cache-size: 1m\n"
	"\trrset-cache-slabs: 1\n"
	"\tmsg-cache-slabs: 1\n"
	"\tkey-cache-slabs: 1\n"
	"\tinfra-cache-slabs: 1\n"
	"\tlocal-zone: \"example.org.\" static\n"
	"\tlocal-data: \"www.example.org. 3600 IN A 192.0.2.1\"\n"
	"\tlocal-zone: \"test.\" redirect\n"
	"\tlocal-data: \"test. 3600 IN AAAA 2001:db8::1\"\n"
	"\tdomain-insecure: \"corp.internal.\"\n"
	"\ttrust-anchor: \". IN DS 20326 8 2 "
	"e06d44b80b8f1d39a95c0b0d7c65d08458e880409bbc683457104237c7f8ec8d\"\n"
	"stub-zone:\n"
	"\tname: \"lab.example.\"\n"
	"\tstub-addr: 192.0.2.53\n";

/** 1 for the commands that are not run (see the top of the file). */
static int
skipped(const char *line)
{
	static const char *const skip[] = { "stop", "reload", "trace" };
	char word[32];
	size_t i, n;

	line += strspn(line, " \t");
	line += strcspn(line, " \t");
	line += strspn(line, " \t");
	n = strcspn(line, " \t");
	if (n >= sizeof(word)) {
		return 0;
	}
	memcpy(word, line, n);
	word[n] = '\0';
	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		if (strcmp(word, skip[i]) == 0) {
			return 1;
		}
	}
	return 0;
}

/** Read and drop what the server wrote. */
static void
drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0) {
	}
}

/**
 * Serve the requests of an input.
 * @param rc: the channel, its daemon attached.
 * @param fd: the server's end of the socket pair.
 * @param peer: the client's end (output is drained from it).
 * @param line: a buffer of RC_LINE_MAX.
 */
static void
serve(struct daemon_remote *rc, int fd, int peer, char *line,
    const uint8_t *data, size_t size)
{
	struct rc_conn *c = calloc(1, sizeof(*c));
	int i, verb = log_verbosity;

	if (!c) {
		return;
	}
	c->fd = fd;
	strbuf_add(&c->body, (const char *)data, size);
	if (c->body.oom) {
		strbuf_free(&c->body);
		free(c);
		return;
	}
	for (i = 0; i < FUZZ_MAX_REQUESTS && !c->failed; i++) {
		if (rc_read_line(c, line, RC_LINE_MAX) < 0) {
			break;
		}
		if (skipped(line)) {
			continue;
		}
		rc_execute(c, rc, line);
		(void)rc_flush(c);
		drain(peer);
		/* "verbosity" sets the process's level: take it back. */
		log_verbosity = verb;
	}
	free(c->spillbuf);
	strbuf_free(&c->body);
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct daemon_remote *rc = NULL;
	struct daemon *d = NULL;
	struct config *cfg;
	char *line = NULL;
	int sv[2] = { -1, -1 };

	fuzz_quiet();
	/* Inputs up to 64 KB (-max_len of fuzz/run). */
	if (size > 65536 || !(cfg = config_create())) {
		return 0;
	}
	if (config_read_string(cfg, config_text, "fuzz.conf") != RES_OK) {
		/* The fixed config must read. */
		abort();
	}
	/* The daemon owns the config from here, also on failure. */
	if (!(d = daemon_create(cfg, NULL))) {
		return 0;
	}
	/* No worker threads (see the top of the file). */
	d->num_workers = 0;
	if (!(rc = calloc(1, sizeof(*rc))) || !(line = malloc(RC_LINE_MAX)) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		goto out;
	}
	rc->d = d;
	gettimeofday(&rc->last_reset, NULL);
	/* Neither end ever waits: the server's output is drained after
	 * each request. */
	(void)fcntl(sv[0], F_SETFL, O_NONBLOCK);
	(void)fcntl(sv[1], F_SETFL, O_NONBLOCK);
	(void)shutdown(sv[1], SHUT_WR);
	serve(rc, sv[0], sv[1], line, data, size);
out:
	if (sv[0] != -1) {
		close(sv[0]);
		close(sv[1]);
	}
	free(line);
	daemon_remote_delete(rc);
	daemon_delete(d);
	return 0;
}
