/*
 * test/testauth.c - a small authoritative server that misbehaves on cue.
 *
 * The test world needs servers that do what no real authoritative server
 * can be told to do: never answer, truncate every UDP answer, reject EDNS
 * with FORMERR, answer from the wrong source address, answer late,
 * truncate without a question section, or refer upward; or that serve
 * a real zone with one fault added: never answer DS questions, or call a
 * name that exists NXDOMAIN.
 * This program listens on the addresses named in a scenario file, each
 * with one mode, and answers from a short list of records in the same
 * file, or relays to a real server.
 *
 * Scenario file, one directive a line, '#' starts a comment:
 *
 *	listen ADDRESS MODE [OTHER-ADDRESS | UPSTREAM | DELAY_MS]
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
 *			resolver must reject; TCP is never answered;
 *	slow		answer over UDP and TCP, each answer DELAY_MS
 *			milliseconds after its query arrived (the window in
 *			which the attack bench, bench/attack, races forged
 *			answers against the real one);
 *	any-tc-noquestion
 *			UDP queries of type ANY get TC and nothing else: no
 *			question section (QDCOUNT 0), no records, as some
 *			servers truncate ANY; other types are answered over
 *			UDP, and TCP answers everything, ANY included;
 *	upward		every query, UDP or TCP, gets an upward referral:
 *			NOERROR without AA and without an answer, the NS
 *			records of the highest owner above the query name
 *			that has any (the root, when the scenario lists
 *			root NS records) in the authority section and the
 *			A records of those names in the additional section.
 *			The server is lame for every zone it is named for.
 *	drop-ds		a relay: every query, UDP or TCP, is sent on
 *			unchanged to UPSTREAM (an address, the port the
 *			server listens on) over the same transport and the
 *			answer is relayed back unchanged, except that
 *			queries of type DS are dropped, never answered (a
 *			TCP connection carrying one is closed): a parent
 *			whose referrals carry the DS records but which
 *			gives no answer to a DS question;
 *	nxdomain-ds	a relay like drop-ds, except that it answers DS
 *			questions too: an answer to one that is NOERROR
 *			with an empty answer section (NODATA, as at an
 *			empty non-terminal) gets rcode NXDOMAIN, its
 *			records (the denial proof) relayed unchanged.
 *			Everything else is relayed as it came.
 * A relay asks UPSTREAM with a new socket per query and waits for its
 * answer TA_RELAY_MS at most (no answer: nothing is sent); it is meant
 * for loopback addresses.
 * Records: A, AAAA, NS, CNAME, SOA and TXT (one string without spaces)
 * in presentation format with absolute names.  A question of type ANY is
 * answered with every record of the name.  The SOA whose owner is the
 * closest enclosing one makes a zone: names under it that have no record
 * get NXDOMAIN, types a name lacks get NODATA (RFC 2308 section 2), both
 * with the SOA in the authority section; names under no SOA get REFUSED.
 * An owner whose first label is "*" is a wildcard (RFC 4592): a name that
 * does not exist (no records at or below it) is answered from the
 * wildcard at its closest encloser (RFC 4592 section 3.3.1), with the
 * query name as asked, case kept, as the owner of the answer records.
 *
 * The server is one poll() loop over every socket.  It serves TCP one
 * connection at a time with a short receive timeout: it is a test tool,
 * not a server for load.  Slow addresses are the exception, since a
 * resolver keeps several queries open against them: their answers wait
 * in a bounded queue (TA_MAXPENDING, in arrival order per address) that
 * the loop sends from when they are due, and their TCP connections stay
 * open in the poll set (at most TA_MAXCONN, closed after TA_TCP_IDLE_MS
 * without a query or an answer), each query read from one answered late
 * like a UDP one.  A query that finds the queue full is dropped.  The
 * server writes a pid file after binding and exits cleanly on SIGTERM or
 * SIGINT.
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
#include <time.h>
#include <unistd.h>

/** Most listen directives and records a scenario may hold. */
#define TA_MAXLISTEN 16
#define TA_MAXRECORDS 256
/** Largest message handled; UDP answers beyond 512 octets without EDNS
 * are truncated (RFC 1035 section 4.2.1). */
#define TA_MAXMSG 4096
/** DNS header length (RFC 1035 section 4.1.1). */
#define TA_HDR 12
/** Most delayed answers waiting at once (slow mode); a resolver under
 * test has a few queries open per lookup, so this is ample. */
#define TA_MAXPENDING 1024
/** Most TCP connections a slow address keeps open at once; more are
 * accepted and closed at once. */
#define TA_MAXCONN 64
/** A slow address's TCP connection is closed after this long without a
 * query or an answer, so a client that never closes cannot fill the
 * table. */
#define TA_TCP_IDLE_MS 5000
/** Longest delay a slow address accepts, milliseconds. */
#define TA_MAXDELAY 60000
/** Largest relayed answer (a TCP message at most). */
#define TA_MAXRELAY 65535
/** How long a relay waits for the upstream's answer, milliseconds. */
#define TA_RELAY_MS 1000

/** Whether a mode relays to an upstream server. */
#define TA_RELAY(m) ((m) == TA_DROP_DS || (m) == TA_NXDOMAIN_DS)

/** What one address does. */
enum ta_mode {
	TA_NORMAL,
	TA_SILENT,
	TA_TC,
	TA_FORMERR_EDNS,
	TA_WRONG_SOURCE,
	TA_SLOW,
	TA_ANY_TC_NOQUESTION,
	TA_UPWARD,
	TA_DROP_DS,
	TA_NXDOMAIN_DS
};

/** One address the server listens on. */
struct ta_listen {
	/** mode of this address */
	enum ta_mode mode;
	/** the address queries arrive at */
	struct sockaddr_in addr;
	/** wrong-source: the address answers leave from; drop-ds and
	 * nxdomain-ds: the upstream server queries are relayed to */
	struct sockaddr_in other;
	/** UDP socket bound to addr */
	int udp;
	/** TCP listening socket bound to addr, -1 if none */
	int tcp;
	/** wrong-source: UDP socket bound to other */
	int out;
	/** slow: milliseconds between a query and its answer */
	int delay_ms;
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

/** An answer of a slow address, waiting until it is due. */
struct ta_pending {
	/** when to send it, CLOCK_MONOTONIC milliseconds */
	long long due;
	/** the listen entry the query arrived at */
	int listen;
	/** TCP: slot of the connection in struct ta_slow; -1 for UDP */
	int conn;
	/** UDP: the query's source, where the answer goes */
	struct sockaddr_in to;
	/** the answer (TCP: with its two-octet length first); malloc'ed,
	 * owned by the queue and freed when sent or dropped */
	uint8_t *msg;
	/** octets in msg */
	size_t len;
};

/** A TCP connection to a slow address, kept open in the poll set. */
struct ta_conn {
	/** the connected socket; -1 for a free slot */
	int fd;
	/** the listen entry it was accepted on */
	int listen;
	/** last query read or answer written, CLOCK_MONOTONIC ms; the
	 * idle limit counts from here */
	long long last;
};

/** What slow addresses hold between loop turns. */
struct ta_slow {
	/** answers not yet due, in arrival order */
	struct ta_pending q[TA_MAXPENDING];
	/** number of them */
	int nq;
	/** open TCP connections */
	struct ta_conn conn[TA_MAXCONN];
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
	    "formerr-edns", "wrong-source", "slow", "any-tc-noquestion",
	    "upward", "drop-ds", "nxdomain-ds" };
	int i;

	for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
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
			char *end;

			/* wrong-source, the relays and slow take a
			 * fourth word. */
			if (m < 0 || ta_addr(w[1], port, &l->addr) != 0 ||
			    (m == TA_WRONG_SOURCE || m == TA_SLOW ||
			    TA_RELAY(m)) != (nw == 4) ||
			    (m == TA_WRONG_SOURCE &&
			    ta_addr(w[3], 0, &l->other) != 0) ||
			    (TA_RELAY(m) &&
			    ta_addr(w[3], port, &l->other) != 0)) {
				goto bad;
			}
			if (m == TA_SLOW) {
				long d = strtol(w[3], &end, 10);

				if (*end != '\0' || d < 0 ||
				    d > TA_MAXDELAY) {
					goto bad;
				}
				l->delay_ms = (int)d;
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
 * Whether a name exists: it owns a record, or records are below it (an
 * empty non-terminal, RFC 4592 section 2.2.2).
 * @return 1 or 0.
 */
static int
ta_exists(const struct ta_scenario *sc, const uint8_t *name)
{
	int i;

	for (i = 0; i < sc->nrec; i++) {
		if (dname_is_subdomain(sc->rec[i].owner, name)) {
			return 1;
		}
	}
	return 0;
}

/**
 * The wildcard that answers for a name that does not exist (RFC 4592
 * section 3.3.1): "*" prepended to the closest encloser, the longest
 * ancestor of the name that exists, if that wildcard owns records.  The
 * zone's apex exists (it owns the SOA), so the search ends there.
 * @param sc: the scenario.
 * @param qname: the name asked, which does not exist.
 * @param apex: owner of the zone's SOA; qname is below it.
 * @param wild: receives the wildcard name; DNAME_MAXLEN octets.
 * @return wild, or NULL when no wildcard applies (NXDOMAIN).
 */
static const uint8_t *
ta_wildcard(const struct ta_scenario *sc, const uint8_t *qname,
    const uint8_t *apex, uint8_t *wild)
{
	const uint8_t *ce = dname_parent(qname);
	size_t cel;
	int i;

	while (ce != NULL && !ta_exists(sc, ce)) {
		if (dname_equal(ce, apex)) {
			return NULL;
		}
		ce = dname_parent(ce);
	}
	if (ce == NULL || (cel = dname_len(ce)) + 2 > DNAME_MAXLEN) {
		return NULL;
	}
	wild[0] = 1;
	wild[1] = '*';
	memcpy(wild + 2, ce, cel);
	for (i = 0; i < sc->nrec; i++) {
		if (dname_equal(sc->rec[i].owner, wild)) {
			return wild;
		}
	}
	return NULL;
}

/**
 * Write an upward referral (upward mode) after the question: the NS
 * records of the highest owner at or above the query name that has any,
 * in the authority section, and the A records of their names in the
 * additional section.  The header's counts are updated.
 * @param sc: the scenario.
 * @param q: the query.
 * @param out: the answer, with its header and question written.
 * @param limit: room in out.
 * @param pos: in: end of the question; out: end of the records.
 * @return 0, or -1 when the records do not fit (nothing is then added).
 */
static int
ta_upward(const struct ta_scenario *sc, const struct ta_query *q,
    uint8_t *out, size_t limit, size_t *pos)
{
	const uint8_t *top = NULL;
	size_t toplen = 0, start = *pos;
	int i, j;

	for (i = 0; i < sc->nrec; i++) {
		const struct ta_record *r = &sc->rec[i];
		size_t l = dname_len(r->owner);

		if (r->type == RR_TYPE_NS && (top == NULL || l < toplen) &&
		    dname_is_subdomain(q->qname, r->owner)) {
			top = r->owner;
			toplen = l;
		}
	}
	for (i = 0; top != NULL && i < sc->nrec; i++) {
		if (sc->rec[i].type != RR_TYPE_NS ||
		    !dname_equal(sc->rec[i].owner, top)) {
			continue;
		}
		if (ta_put_rr(out, limit, pos, top, &sc->rec[i]) != 0) {
			goto full;
		}
		ta_count(out, 8);
	}
	for (i = 0; top != NULL && i < sc->nrec; i++) {
		if (sc->rec[i].type != RR_TYPE_NS ||
		    !dname_equal(sc->rec[i].owner, top)) {
			continue;
		}
		for (j = 0; j < sc->nrec; j++) {
			const struct ta_record *a = &sc->rec[j];

			if (a->type != RR_TYPE_A ||
			    !dname_equal(a->owner, sc->rec[i].rdata)) {
				continue;
			}
			if (ta_put_rr(out, limit, pos, a->owner, a) != 0) {
				goto full;
			}
			ta_count(out, 10);
		}
	}
	return 0;
full:
	*pos = start;
	memset(out + 6, 0, 6);
	return -1;
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
	const uint8_t *match;
	uint8_t wild[DNAME_MAXLEN];
	size_t pos, limit = max, soalen = 0;
	int i, answered = 0, full = 0;

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
	if (!tcp && mode == TA_ANY_TC_NOQUESTION &&
	    q->qtype == RR_TYPE_ANY) {
		out[2] |= 0x02;					/* TC */
		out[4] = out[5] = 0;			/* QDCOUNT 0 */
		return TA_HDR;
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
	if (mode == TA_UPWARD) {
		/* No AA: a referral, to servers above the zone. */
		full = ta_upward(sc, q, out, limit, &pos) != 0;
		goto opt;
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
	/* The records answered from are those of the name itself or, for
	 * a name that does not exist, of the wildcard that covers it;
	 * either way they are written under the query name as asked. */
	match = q->qname;
	if (!ta_exists(sc, q->qname)) {
		match = ta_wildcard(sc, q->qname, soa->owner, wild);
		if (match == NULL) {
			out[3] = 3;				/* NXDOMAIN */
		}
	}
	for (i = 0; match != NULL && i < sc->nrec; i++) {
		const struct ta_record *r = &sc->rec[i];

		if (!dname_equal(r->owner, match)) {
			continue;
		}
		if (r->type == q->qtype || q->qtype == RR_TYPE_ANY ||
		    (r->type == RR_TYPE_CNAME && q->qtype != RR_TYPE_CNAME)) {
			if (ta_put_rr(out, limit, &pos, q->qname, r) != 0) {
				full = 1;
				break;
			}
			ta_count(out, 6);
			answered = 1;
		}
	}
	if (!answered && !full) {
		if (ta_put_rr(out, limit, &pos, soa->owner, soa) == 0) {
			ta_count(out, 8);
		} else {
			full = 1;
		}
	}
opt:
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

/** CLOCK_MONOTONIC in milliseconds. */
static long long
ta_now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

/**
 * Ask the upstream server of a relay address and read its answer.
 * UDP: the query in one datagram from a new socket connected to the
 * upstream, the first answer with the query's ID taken; TCP: one
 * length-prefixed message each way over a new connection.
 * @param l: the listen entry; other is the upstream.
 * @param tcp: 1 to ask over TCP.
 * @param p: the query, len octets, relayed as it is.
 * @param out: the answer; max octets.
 * @return the answer's length, or 0 when none came in TA_RELAY_MS.
 */
static size_t
ta_relay(const struct ta_listen *l, int tcp, const uint8_t *p, size_t len,
    uint8_t *out, size_t max)
{
	struct timeval tv = { TA_RELAY_MS / 1000, (TA_RELAY_MS % 1000) * 1000 };
	uint8_t lenbuf[2];
	long long end = ta_now() + TA_RELAY_MS;
	size_t n = 0;
	ssize_t r;
	int fd;

	if (len < TA_HDR || len > 65535) {
		return 0;
	}
	fd = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (fd < 0) {
		return 0;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)&l->other,
	    sizeof(l->other)) != 0) {
		goto out;
	}
	if (tcp) {
		wire_put16(lenbuf, (uint16_t)len);
		if (write(fd, lenbuf, 2) != 2 ||
		    write(fd, p, len) != (ssize_t)len ||
		    ta_read_full(fd, lenbuf, 2) != 0) {
			goto out;
		}
		n = wire_get16(lenbuf);
		if (n < TA_HDR || n > max || ta_read_full(fd, out, n) != 0) {
			n = 0;
		}
		goto out;
	}
	if (send(fd, p, len, 0) != (ssize_t)len) {
		goto out;
	}
	/* A connected socket takes datagrams from the upstream only; a
	 * stray one with another ID is skipped until the time is up. */
	while (ta_now() < end) {
		r = recv(fd, out, max, MSG_TRUNC);
		if (r < 0) {
			break;
		}
		if ((size_t)r >= TA_HDR && (size_t)r <= max &&
		    out[0] == p[0] && out[1] == p[1] && (out[2] & 0x80)) {
			n = (size_t)r;
			break;
		}
	}
out:
	close(fd);
	return n;
}

/**
 * The answer of a relay address (drop-ds, nxdomain-ds) to a query.
 * @return its length, or 0 to send nothing.
 */
static size_t
ta_relay_answer(const struct ta_listen *l, int tcp, const uint8_t *p,
    size_t len, const struct ta_query *q, uint8_t *out, size_t max)
{
	size_t n;

	if (l->mode == TA_DROP_DS && q->qtype == RR_TYPE_DS) {
		return 0;
	}
	n = ta_relay(l, tcp, p, len, out, max);
	/* NODATA to a DS question becomes NXDOMAIN, its proof kept. */
	if (n > 0 && l->mode == TA_NXDOMAIN_DS && q->qtype == RR_TYPE_DS &&
	    (out[3] & 0x0f) == 0 && wire_get16(out + 6) == 0) {
		out[3] = (uint8_t)((out[3] & 0xf0) | 3);
	}
	return n;
}

/**
 * The answer to a query at listen entry l: relayed, or made here.
 * @return its length, or 0 to send nothing.
 */
static size_t
ta_reply(const struct ta_scenario *sc, const struct ta_listen *l, int tcp,
    const uint8_t *p, size_t len, const struct ta_query *q, uint8_t *out,
    size_t max)
{
	if (TA_RELAY(l->mode)) {
		return ta_relay_answer(l, tcp, p, len, q, out, max);
	}
	return ta_answer(sc, l->mode, tcp, p, q, out,
	    max < TA_MAXMSG ? max : TA_MAXMSG);
}

/**
 * Queue an answer of a slow address.
 * @param sl: the queue.
 * @param sc: the scenario.
 * @param li: index of the listen entry; its delay applies.
 * @param conn: TCP connection slot, or -1 for UDP.
 * @param to: UDP: where the answer goes; NULL for TCP.
 * @param msg: the answer, len octets; copied.
 * @return 0, or -1 when the queue is full or out of memory (the query
 *	is then dropped, as an overloaded server would).
 */
static int
ta_slow_queue(struct ta_slow *sl, const struct ta_scenario *sc, int li,
    int conn, const struct sockaddr_in *to, const uint8_t *msg, size_t len)
{
	struct ta_pending *e;

	if (sl->nq >= TA_MAXPENDING) {
		return -1;
	}
	e = &sl->q[sl->nq];
	if ((e->msg = malloc(len)) == NULL) {
		return -1;
	}
	memcpy(e->msg, msg, len);
	e->len = len;
	e->due = ta_now() + sc->listen[li].delay_ms;
	e->listen = li;
	e->conn = conn;
	if (to != NULL) {
		e->to = *to;
	}
	sl->nq++;
	return 0;
}

/** Serve one UDP datagram on listen entry li. */
static void
ta_udp(const struct ta_scenario *sc, struct ta_slow *sl, int li)
{
	const struct ta_listen *l = &sc->listen[li];
	static uint8_t out[TA_MAXRELAY];
	uint8_t in[TA_MAXMSG];
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
	len = ta_reply(sc, l, 0, in, (size_t)n, &q, out, sizeof(out));
	if (len == 0) {
		return;
	}
	if (l->mode == TA_SLOW) {
		(void)ta_slow_queue(sl, sc, li, -1, &from, out, len);
		return;
	}
	(void)sendto(l->mode == TA_WRONG_SOURCE ? l->out : l->udp, out, len,
	    0, (struct sockaddr *)&from, fl);
}

/** Accept and serve one TCP connection (one or more queries). */
static void
ta_tcp(const struct ta_scenario *sc, const struct ta_listen *l)
{
	static uint8_t out[TA_MAXRELAY + 2];
	uint8_t in[TA_MAXMSG];
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
		len = ta_reply(sc, l, 1, in, ql, &q, out + 2,
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

/** Close a slow address's connection and drop the answers queued for
 * it (its slot may be reused before they fall due). */
static void
ta_conn_close(struct ta_slow *sl, int ci)
{
	int i, j;

	close(sl->conn[ci].fd);
	sl->conn[ci].fd = -1;
	for (i = 0, j = 0; i < sl->nq; i++) {
		if (sl->q[i].conn == ci) {
			free(sl->q[i].msg);
		} else {
			sl->q[j++] = sl->q[i];
		}
	}
	sl->nq = j;
}

/** Accept a TCP connection on slow listen entry li into a free slot;
 * with none free it is closed at once. */
static void
ta_slow_accept(const struct ta_scenario *sc, struct ta_slow *sl, int li)
{
	struct timeval rtv = { 1, 0 }, stv = { 2, 0 };
	int fd, ci;

	fd = accept(sc->listen[li].tcp, NULL, NULL);
	if (fd < 0) {
		return;
	}
	for (ci = 0; ci < TA_MAXCONN && sl->conn[ci].fd >= 0; ci++) {
	}
	if (ci == TA_MAXCONN) {
		close(fd);
		return;
	}
	/* Reads start only when poll() saw data, so the receive timeout
	 * only bounds a query that arrives in pieces. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rtv, sizeof(rtv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &stv, sizeof(stv));
	sl->conn[ci].fd = fd;
	sl->conn[ci].listen = li;
	sl->conn[ci].last = ta_now();
}

/** Read one query from a slow address's connection and queue its
 * answer; at the end of the stream or on any error the connection is
 * closed. */
static void
ta_slow_read(const struct ta_scenario *sc, struct ta_slow *sl, int ci)
{
	struct ta_conn *c = &sl->conn[ci];
	uint8_t in[TA_MAXMSG], out[TA_MAXMSG + 2];
	struct ta_query q;
	size_t len, ql;

	if (ta_read_full(c->fd, in, 2) != 0) {
		ta_conn_close(sl, ci);
		return;
	}
	ql = (size_t)wire_get16(in);
	if (ql > sizeof(in) || ta_read_full(c->fd, in, ql) != 0 ||
	    ta_parse_query(in, ql, &q) != 0) {
		ta_conn_close(sl, ci);
		return;
	}
	c->last = ta_now();
	len = ta_answer(sc, TA_SLOW, 1, in, &q, out + 2, sizeof(out) - 2);
	if (len == 0) {
		return;
	}
	wire_put16(out, (uint16_t)len);
	(void)ta_slow_queue(sl, sc, c->listen, ci, NULL, out, len + 2);
}

/**
 * Send the answers that are due, close idle connections.
 * @param now: the current time, ms.
 * @return milliseconds until the next answer is due, at most 1000.
 */
static int
ta_slow_run(const struct ta_scenario *sc, struct ta_slow *sl,
    long long now)
{
	long long next = now + 1000;
	int i, j, ci, busy[TA_MAXCONN];

	for (i = 0, j = 0; i < sl->nq; i++) {
		struct ta_pending *e = &sl->q[i];

		if (e->due > now) {
			if (e->due < next) {
				next = e->due;
			}
			sl->q[j++] = *e;
			continue;
		}
		if (e->conn < 0) {
			(void)sendto(sc->listen[e->listen].udp, e->msg,
			    e->len, 0, (struct sockaddr *)&e->to,
			    sizeof(e->to));
		} else if (sl->conn[e->conn].fd >= 0) {
			/* A failed write is seen at the next read. */
			(void)write(sl->conn[e->conn].fd, e->msg, e->len);
			sl->conn[e->conn].last = now;
		}
		free(e->msg);
	}
	sl->nq = j;
	memset(busy, 0, sizeof(busy));
	for (i = 0; i < sl->nq; i++) {
		if (sl->q[i].conn >= 0) {
			busy[sl->q[i].conn] = 1;
		}
	}
	for (ci = 0; ci < TA_MAXCONN; ci++) {
		if (sl->conn[ci].fd >= 0 && !busy[ci] &&
		    now - sl->conn[ci].last > TA_TCP_IDLE_MS) {
			ta_conn_close(sl, ci);
		}
	}
	return (int)(next - now);
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
	static struct ta_slow sl;
	/* The listeners' sockets first (nl of them), then the open
	 * connections of slow addresses; who[] holds the listen entry of
	 * a listener, -1 - slot for a connection. */
	struct pollfd pfd[TA_MAXLISTEN * 2 + TA_MAXCONN];
	int who[TA_MAXLISTEN * 2 + TA_MAXCONN];
	const char *conf = NULL, *pidfile = NULL;
	struct sigaction sa;
	int c, i, n, nl, wait, port = 53, ret = 1;

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
	for (i = 0; i < TA_MAXCONN; i++) {
		sl.conn[i].fd = -1;
	}

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
	nl = n;
	while (!ta_quit) {
		wait = ta_slow_run(&sc, &sl, ta_now());
		n = nl;
		for (i = 0; i < TA_MAXCONN; i++) {
			if (sl.conn[i].fd >= 0) {
				pfd[n].fd = sl.conn[i].fd;
				pfd[n].events = POLLIN;
				who[n++] = -1 - i;
			}
		}
		if (poll(pfd, (nfds_t)n, wait) < 0) {
			if (errno == EINTR) {
				continue;
			}
			perror("testauth: poll");
			goto out;
		}
		for (i = 0; i < n; i++) {
			const struct ta_listen *l;

			if (who[i] < 0) {
				/* A connection: data, or its end. */
				if (pfd[i].revents &
				    (POLLIN | POLLHUP | POLLERR)) {
					ta_slow_read(&sc, &sl, -1 - who[i]);
				}
				continue;
			}
			if (!(pfd[i].revents & POLLIN)) {
				continue;
			}
			l = &sc.listen[who[i]];
			if (pfd[i].fd == l->udp) {
				ta_udp(&sc, &sl, who[i]);
			} else if (l->mode == TA_SLOW) {
				ta_slow_accept(&sc, &sl, who[i]);
			} else {
				ta_tcp(&sc, l);
			}
		}
	}
	ret = 0;
out:
	for (i = 0; i < TA_MAXCONN; i++) {
		if (sl.conn[i].fd >= 0) {
			ta_conn_close(&sl, i);
		}
	}
	for (i = 0; i < sl.nq; i++) {
		free(sl.q[i].msg);
	}
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
