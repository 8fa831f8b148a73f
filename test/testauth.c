/*
 * test/testauth.c - a small authoritative server that misbehaves on cue.
 *
 * The test world needs servers that do what no real authoritative server
 * can be told to do: never answer, truncate every UDP answer, reject EDNS
 * with FORMERR, or answer from the wrong source address.  This program
 * listens on the addresses named in a scenario file, each with one mode,
 * and answers from a short list of records in the same file.
 *
 * Scenario file, one directive a line, '#' starts a comment:
 *
 *	listen ADDRESS MODE [OTHER-ADDRESS]
 *	record OWNER TTL TYPE RDATA...
 *
 * MODE is one of
 *	normal		answer over UDP and TCP;
 *	silent		read UDP queries and drop them; TCP connections are
 *			completed by the kernel but never accepted or read;
 *	tc		UDP answers carry TC and no records, TCP answers fully;
 *	formerr-edns	FORMERR to any query with an OPT record (RFC 6891
 *			section 7, a server without EDNS), full answers to
 *			queries without one;
 *	wrong-source	UDP answers are sent from OTHER-ADDRESS, which the
 *			resolver must reject; TCP is never answered.
 * Records: A, AAAA, NS, CNAME, SOA and TXT (one string without spaces)
 * in presentation format with absolute names.  The SOA whose owner is the
 * closest enclosing one makes a zone: names under it that have no record
 * get NXDOMAIN, types a name lacks get NODATA (RFC 2308 section 2), both
 * with the SOA in the authority section; names under no SOA get REFUSED.
 *
 * The server is one poll() loop over every socket, serving TCP one
 * connection at a time with a short receive timeout: it is a test tool,
 * not a server for load.  It writes a pid file after binding and exits
 * cleanly on SIGTERM or SIGINT.
 */
#include "config.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/** Most listen directives and records a scenario may hold. */
#define TA_MAXLISTEN 16
#define TA_MAXRECORDS 256
/** Largest message handled; UDP answers beyond 512 octets without EDNS
 * are truncated (RFC 1035 section 4.2.1). */
#define TA_MAXMSG 4096
/** DNS header length (RFC 1035 section 4.1.1). */
#define TA_HDR 12

/** What one address does. */
enum ta_mode {
	TA_NORMAL,
	TA_SILENT,
	TA_TC,
	TA_FORMERR_EDNS,
	TA_WRONG_SOURCE
};

/** One address the server listens on. */
struct ta_listen {
	/** mode of this address */
	enum ta_mode mode;
	/** the address queries arrive at */
	struct sockaddr_in addr;
	/** wrong-source: the address answers leave from */
	struct sockaddr_in other;
	/** UDP socket bound to addr */
	int udp;
	/** TCP listening socket bound to addr, -1 if none */
	int tcp;
	/** wrong-source: UDP socket bound to other */
	int out;
};

/** One record of the answer data, rdata already in wire format. */
struct ta_record {
	/** owner, wire format */
	uint8_t owner[DNAME_MAXLEN];
	/** RR type */
	uint16_t type;
	/** TTL */
	uint32_t ttl;
	/** rdata length */
	uint16_t rdlen;
	/** rdata, wire format, names uncompressed */
	uint8_t rdata[512];
};

/** The whole scenario. */
struct ta_scenario {
	/** listen directives */
	struct ta_listen listen[TA_MAXLISTEN];
	/** number of them */
	int nlisten;
	/** records */
	struct ta_record rec[TA_MAXRECORDS];
	/** number of them */
	int nrec;
};

/** Set by the signal handler; the loop ends when set. */
static volatile sig_atomic_t ta_quit;

static void
ta_on_signal(int sig)
{
	(void)sig;
	ta_quit = 1;
}

/**
 * Append a name to rdata.
 * @return 0, or -1 on a bad name or no room.
 */
static int
ta_put_name(struct ta_record *r, const char *s)
{
	uint8_t d[DNAME_MAXLEN];
	size_t len;

	if (dname_from_str(s, NULL, d, &len) != 0 ||
	    r->rdlen + len > sizeof(r->rdata)) {
		return -1;
	}
	memcpy(r->rdata + r->rdlen, d, len);
	r->rdlen += (uint16_t)len;
	return 0;
}

/** Parse the rdata words of a record; 0 or -1. */
static int
ta_parse_rdata(struct ta_record *r, const char *type, char **w, int nw)
{
	int i;

	r->rdlen = 0;
	if (strcasecmp(type, "A") == 0 && nw == 1) {
		r->type = RR_TYPE_A;
		r->rdlen = 4;
		return inet_pton(AF_INET, w[0], r->rdata) == 1 ? 0 : -1;
	}
	if (strcasecmp(type, "AAAA") == 0 && nw == 1) {
		r->type = RR_TYPE_AAAA;
		r->rdlen = 16;
		return inet_pton(AF_INET6, w[0], r->rdata) == 1 ? 0 : -1;
	}
	if ((strcasecmp(type, "NS") == 0 || strcasecmp(type, "CNAME") == 0) &&
	    nw == 1) {
		r->type = strcasecmp(type, "NS") == 0 ? RR_TYPE_NS :
		    RR_TYPE_CNAME;
		return ta_put_name(r, w[0]);
	}
	if (strcasecmp(type, "TXT") == 0 && nw == 1) {
		const char *s = w[0];
		size_t n;

		if (s[0] == '"') {
			s++;
		}
		n = strlen(s);
		if (n > 0 && s[n - 1] == '"') {
			n--;
		}
		if (n > 255) {
			return -1;
		}
		r->type = RR_TYPE_TXT;
		r->rdata[0] = (uint8_t)n;
		memcpy(r->rdata + 1, s, n);
		r->rdlen = (uint16_t)(n + 1);
		return 0;
	}
	if (strcasecmp(type, "SOA") == 0 && nw == 7) {
		r->type = RR_TYPE_SOA;
		if (ta_put_name(r, w[0]) != 0 || ta_put_name(r, w[1]) != 0) {
			return -1;
		}
		for (i = 2; i < 7; i++) {
			uint32_t v = htonl((uint32_t)strtoul(w[i], NULL, 10));

			memcpy(r->rdata + r->rdlen, &v, 4);
			r->rdlen += 4;
		}
		return 0;
	}
	return -1;
}

/** Mode by name; -1 if unknown. */
static int
ta_mode_parse(const char *s)
{
	static const char *names[] = { "normal", "silent", "tc",
	    "formerr-edns", "wrong-source" };
	int i;

	for (i = 0; i < 5; i++) {
		if (strcmp(s, names[i]) == 0) {
			return i;
		}
	}
	return -1;
}

/** IPv4 address text to a sockaddr on port; 0 or -1. */
static int
ta_addr(const char *s, int port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, s, &sa->sin_addr) == 1 ? 0 : -1;
}

/**
 * Read a scenario file.
 * @param path: the file.
 * @param port: port of every listen address.
 * @param sc: filled in.
 * @return 0, or -1 after printing file:line of the first error.
 */
static int
ta_read(const char *path, int port, struct ta_scenario *sc)
{
	char line[2048], *w[16], *save, *t;
	int lineno = 0, nw;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		fprintf(stderr, "testauth: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if ((t = strchr(line, '#')) != NULL) {
			*t = '\0';
		}
		nw = 0;
		for (t = strtok_r(line, " \t\r\n", &save); t != NULL && nw < 16;
		    t = strtok_r(NULL, " \t\r\n", &save)) {
			w[nw++] = t;
		}
		if (nw == 0) {
			continue;
		}
		if (strcmp(w[0], "listen") == 0 && (nw == 3 || nw == 4) &&
		    sc->nlisten < TA_MAXLISTEN) {
			struct ta_listen *l = &sc->listen[sc->nlisten];
			int m = ta_mode_parse(w[2]);

			if (m < 0 || ta_addr(w[1], port, &l->addr) != 0 ||
			    (m == TA_WRONG_SOURCE) != (nw == 4) ||
			    (nw == 4 && ta_addr(w[3], 0, &l->other) != 0)) {
				goto bad;
			}
			l->mode = (enum ta_mode)m;
			l->udp = l->tcp = l->out = -1;
			sc->nlisten++;
		} else if (strcmp(w[0], "record") == 0 && nw >= 5 &&
		    sc->nrec < TA_MAXRECORDS) {
			struct ta_record *r = &sc->rec[sc->nrec];
			size_t len;

			if (dname_from_str(w[1], NULL, r->owner, &len) != 0 ||
			    ta_parse_rdata(r, w[3], w + 4, nw - 4) != 0) {
				goto bad;
			}
			r->ttl = (uint32_t)strtoul(w[2], NULL, 10);
			sc->nrec++;
		} else {
			goto bad;
		}
	}
	fclose(f);
	if (sc->nlisten == 0) {
		fprintf(stderr, "testauth: %s: no listen directive\n", path);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "testauth: %s:%d: syntax error\n", path, lineno);
	fclose(f);
	return -1;
}

/** A bound socket of the given type, or -1 (with a message). */
static int
ta_socket(int type, const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, type, 0), on = 1;
	char buf[INET_ADDRSTRLEN];

	if (fd < 0) {
		perror("testauth: socket");
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) != 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) != 0)) {
		inet_ntop(AF_INET, &sa->sin_addr, buf, sizeof(buf));
		fprintf(stderr, "testauth: bind %s port %d: %s\n", buf,
		    ntohs(sa->sin_port), strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/** Parsed parts of a query. */
struct ta_query {
	/** query name, wire format */
	uint8_t qname[DNAME_MAXLEN];
	/** its length */
	size_t qnamelen;
	/** end of the question section */
	size_t qend;
	/** qtype */
	uint16_t qtype;
	/** 1 if an OPT record came along */
	int edns;
};

/**
 * Check a query and find its question and OPT record.
 * @return 0, or -1 for anything malformed (the query is then dropped).
 */
static int
ta_parse_query(const uint8_t *p, size_t len, struct ta_query *q)
{
	size_t pos = TA_HDR, n, i;
	uint16_t type, rdlen;

	memset(q, 0, sizeof(*q));
	if (len < TA_HDR || (p[2] & 0x80) != 0 ||
	    p[4] != 0 || p[5] != 1) {
		return -1;
	}
	if (dname_unpack(p, len, &pos, q->qname, &q->qnamelen) != 0 ||
	    pos + 4 > len) {
		return -1;
	}
	q->qtype = wire_get16(p + pos);
	pos += 4;
	q->qend = pos;
	n = (size_t)wire_get16(p + 6) + (size_t)wire_get16(p + 8) +
	    (size_t)wire_get16(p + 10);
	for (i = 0; i < n; i++) {
		if (dname_unpack(p, len, &pos, NULL, NULL) != 0 ||
		    pos + 10 > len) {
			return -1;
		}
		type = wire_get16(p + pos);
		rdlen = wire_get16(p + pos + 8);
		pos += 10;
		if (pos + rdlen > len) {
			return -1;
		}
		pos += rdlen;
		if (type == RR_TYPE_OPT) {
			q->edns = 1;
		}
	}
	return 0;
}

/** Append one record to an answer; 0, or -1 when it does not fit. */
static int
ta_put_rr(uint8_t *out, size_t max, size_t *pos, const uint8_t *owner,
    const struct ta_record *r)
{
	size_t ol = dname_len(owner);

	if (*pos + ol + 10 + r->rdlen > max) {
		return -1;
	}
	memcpy(out + *pos, owner, ol);
	*pos += ol;
	out[(*pos)++] = (uint8_t)(r->type >> 8);
	out[(*pos)++] = (uint8_t)r->type;
	out[(*pos)++] = 0;
	out[(*pos)++] = 1;
	out[(*pos)++] = (uint8_t)(r->ttl >> 24);
	out[(*pos)++] = (uint8_t)(r->ttl >> 16);
	out[(*pos)++] = (uint8_t)(r->ttl >> 8);
	out[(*pos)++] = (uint8_t)r->ttl;
	out[(*pos)++] = (uint8_t)(r->rdlen >> 8);
	out[(*pos)++] = (uint8_t)r->rdlen;
	memcpy(out + *pos, r->rdata, r->rdlen);
	*pos += r->rdlen;
	return 0;
}

/** Bump a 16-bit section count in the header. */
static void
ta_count(uint8_t *out, int off)
{
	uint16_t c = wire_get16(out + off);

	c++;
	out[off] = (uint8_t)(c >> 8);
	out[off + 1] = (uint8_t)c;
}

/**
 * Build the answer to a query.
 * @param sc: the scenario.
 * @param mode: mode of the address asked.
 * @param tcp: 1 if the query came over TCP.
 * @param p: the query, len octets, already parsed into q.
 * @param out: the answer; max octets.
 * @return the answer's length, or 0 to send nothing.
 */
static size_t
ta_answer(const struct ta_scenario *sc, enum ta_mode mode, int tcp,
    const uint8_t *p, const struct ta_query *q, uint8_t *out, size_t max)
{
	const struct ta_record *soa = NULL;
	size_t pos, limit = max, soalen = 0;
	int i, found = 0, answered = 0, full = 0;

	if (q->qend > max) {
		return 0;
	}
	memcpy(out, p, q->qend);
	out[2] = (uint8_t)((p[2] & 0x79) | 0x80);	/* QR, opcode, RD */
	out[3] = 0;
	memset(out + 6, 0, 6);
	pos = q->qend;
	if (mode == TA_FORMERR_EDNS && q->edns) {
		out[3] = 1;					/* FORMERR */
		return pos;
	}
	if (!tcp && mode == TA_TC) {
		out[2] |= 0x02;					/* TC */
		return pos;
	}
	if (!tcp) {
		limit = q->edns ? 1232 : 512;
		if (limit > max) {
			limit = max;
		}
	}
	if (q->edns) {
		limit -= 11;		/* room for our OPT record */
	}
	/* The zone: the closest enclosing SOA owner. */
	for (i = 0; i < sc->nrec; i++) {
		const struct ta_record *r = &sc->rec[i];
		size_t l = dname_len(r->owner);

		if (r->type == RR_TYPE_SOA && l > soalen &&
		    dname_is_subdomain(q->qname, r->owner)) {
			soa = r;
			soalen = l;
		}
	}
	if (soa == NULL) {
		out[3] = 5;					/* REFUSED */
		return pos;
	}
	out[2] |= 0x04;						/* AA */
	for (i = 0; i < sc->nrec; i++) {
		const struct ta_record *r = &sc->rec[i];

		if (!dname_equal(r->owner, q->qname)) {
			continue;
		}
		found = 1;
		if (r->type == q->qtype || (r->type == RR_TYPE_CNAME &&
		    q->qtype != RR_TYPE_CNAME)) {
			if (ta_put_rr(out, limit, &pos, q->qname, r) != 0) {
				full = 1;
				break;
			}
			ta_count(out, 6);
			answered = 1;
		}
	}
	if (!found) {
		/* A name with records below it is an empty non-terminal. */
		for (i = 0; i < sc->nrec; i++) {
			if (dname_is_strict_subdomain(sc->rec[i].owner,
			    q->qname)) {
				found = 1;
			}
		}
		if (!found) {
			out[3] = 3;				/* NXDOMAIN */
		}
	}
	if (!answered && !full) {
		if (ta_put_rr(out, limit, &pos, soa->owner, soa) == 0) {
			ta_count(out, 8);
		} else {
			full = 1;
		}
	}
	if (full) {
		out[2] |= 0x02;
		pos = q->qend;
		memset(out + 6, 0, 6);
	}
	if (q->edns) {
		/* OPT: root owner, type 41, payload 1232, no options
		 * (RFC 6891 section 6.1.2). */
		static const uint8_t opt[11] = { 0, 0, 41, 0x04, 0xd0, 0, 0,
		    0, 0, 0, 0 };

		memcpy(out + pos, opt, sizeof(opt));
		pos += sizeof(opt);
		ta_count(out, 10);
	}
	return pos;
}

/** Serve one UDP datagram on listen entry l. */
static void
ta_udp(const struct ta_scenario *sc, const struct ta_listen *l)
{
	uint8_t in[TA_MAXMSG], out[TA_MAXMSG];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	struct ta_query q;
	ssize_t n;
	size_t len;

	n = recvfrom(l->udp, in, sizeof(in), 0, (struct sockaddr *)&from,
	    &fl);
	if (n <= 0 || l->mode == TA_SILENT ||
	    ta_parse_query(in, (size_t)n, &q) != 0) {
		return;
	}
	len = ta_answer(sc, l->mode, 0, in, &q, out, sizeof(out));
	if (len == 0) {
		return;
	}
	(void)sendto(l->mode == TA_WRONG_SOURCE ? l->out : l->udp, out, len,
	    0, (struct sockaddr *)&from, fl);
}

/** Read exactly n octets from a blocking socket with a timeout; 0/-1. */
static int
ta_read_full(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, buf + got, n - got);
		if (r <= 0) {
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

/** Accept and serve one TCP connection (one or more queries). */
static void
ta_tcp(const struct ta_scenario *sc, const struct ta_listen *l)
{
	uint8_t in[TA_MAXMSG], out[TA_MAXMSG + 2];
	struct timeval tv = { 2, 0 };
	struct ta_query q;
	size_t len, ql;
	int fd, count;

	fd = accept(l->tcp, NULL, NULL);
	if (fd < 0) {
		return;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	/* A bounded number of pipelined queries per connection. */
	for (count = 0; count < 16 && !ta_quit; count++) {
		if (ta_read_full(fd, in, 2) != 0) {
			break;
		}
		ql = (size_t)wire_get16(in);
		if (ql > sizeof(in) || ta_read_full(fd, in, ql) != 0 ||
		    ta_parse_query(in, ql, &q) != 0) {
			break;
		}
		len = ta_answer(sc, l->mode, 1, in, &q, out + 2,
		    sizeof(out) - 2);
		if (len == 0) {
			break;
		}
		out[0] = (uint8_t)(len >> 8);
		out[1] = (uint8_t)len;
		if (write(fd, out, len + 2) != (ssize_t)(len + 2)) {
			break;
		}
		/* Further pipelined queries must already be on their way:
		 * a client keeping an idle connection open must not stall
		 * the UDP service of this single-threaded server. */
		tv.tv_sec = 0;
		tv.tv_usec = 100000;
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	close(fd);
}

static void
usage(void)
{
	fprintf(stderr, "usage: testauth -c scenario [-p pidfile] "
	    "[-P port]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct ta_scenario sc;
	struct pollfd pfd[TA_MAXLISTEN * 2];
	int who[TA_MAXLISTEN * 2];
	const char *conf = NULL, *pidfile = NULL;
	struct sigaction sa;
	int c, i, n, port = 53, ret = 1;

	while ((c = getopt(argc, argv, "c:p:P:")) != -1) {
		switch (c) {
		case 'c':
			conf = optarg;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'P':
			port = atoi(optarg);
			if (port <= 0 || port > 65535) {
				usage();
			}
			break;
		default:
			usage();
		}
	}
	if (conf == NULL || optind != argc) {
		usage();
	}
	if (ta_read(conf, port, &sc) != 0) {
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ta_on_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	n = 0;
	for (i = 0; i < sc.nlisten; i++) {
		struct ta_listen *l = &sc.listen[i];

		if ((l->udp = ta_socket(SOCK_DGRAM, &l->addr)) < 0 ||
		    (l->tcp = ta_socket(SOCK_STREAM, &l->addr)) < 0) {
			goto out;
		}
		if (l->mode == TA_WRONG_SOURCE &&
		    (l->out = ta_socket(SOCK_DGRAM, &l->other)) < 0) {
			goto out;
		}
		pfd[n].fd = l->udp;
		pfd[n].events = POLLIN;
		who[n++] = i;
		/* silent and wrong-source never accept TCP connections. */
		if (l->mode != TA_SILENT && l->mode != TA_WRONG_SOURCE) {
			pfd[n].fd = l->tcp;
			pfd[n].events = POLLIN;
			who[n++] = i;
		}
	}
	if (pidfile != NULL) {
		FILE *f = fopen(pidfile, "w");

		if (f == NULL) {
			fprintf(stderr, "testauth: %s: %s\n", pidfile,
			    strerror(errno));
			goto out;
		}
		fprintf(f, "%ld\n", (long)getpid());
		fclose(f);
	}
	while (!ta_quit) {
		if (poll(pfd, (nfds_t)n, 1000) < 0) {
			if (errno == EINTR) {
				continue;
			}
			perror("testauth: poll");
			goto out;
		}
		for (i = 0; i < n; i++) {
			const struct ta_listen *l = &sc.listen[who[i]];

			if (!(pfd[i].revents & POLLIN)) {
				continue;
			}
			if (pfd[i].fd == l->udp) {
				ta_udp(&sc, l);
			} else {
				ta_tcp(&sc, l);
			}
		}
	}
	ret = 0;
out:
	for (i = 0; i < sc.nlisten; i++) {
		if (sc.listen[i].udp >= 0) {
			close(sc.listen[i].udp);
		}
		if (sc.listen[i].tcp >= 0) {
			close(sc.listen[i].tcp);
		}
		if (sc.listen[i].out >= 0) {
			close(sc.listen[i].out);
		}
	}
	if (pidfile != NULL && ret == 0) {
		(void)unlink(pidfile);
	}
	return ret;
}
