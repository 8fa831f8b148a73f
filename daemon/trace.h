/*
 * daemon/trace.h - the chain-of-trust tracer behind
 * "resolute-control trace NAME [TYPE]".
 *
 * The tracer walks from the root servers down to NAME like dig +trace,
 * with its own blocking queries (UDP, TCP after a truncated answer,
 * short timeouts), not through the workers and not through the cache,
 * so what it shows is what the servers publish now.  From the closest
 * trust anchor down it checks each zone cut the way the validator does
 * (RFC 4035 section 5): the DS set (from the anchor or the parent,
 * signed by the parent's keys), a DNSKEY that matches it and signs the
 * DNSKEY RRset, then the answer signed by the last zone's keys.  It
 * prints the DS, DNSKEYs with key tags, RRSIGs with their validity
 * windows and a verdict per level; the first broken level is named with
 * the reason in the validator's words and its EDE code (RFC 8914).
 *
 * Everything it needs (root addresses, the anchor) is copied into a
 * struct trace_params first, so the tracer can run in a thread of its
 * own while the daemon reloads.  Every trace is bounded in queries
 * (TRACE_MAX_QUERIES) and time (TRACE_MAX_SECONDS).
 */
#ifndef DAEMON_TRACE_H
#define DAEMON_TRACE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include "util/dname.h"

struct trust_anchor;

/** Most queries one trace sends. */
#define TRACE_MAX_QUERIES 64
/** Most seconds one trace takes. */
#define TRACE_MAX_SECONDS 30
/** Timeout of one query, ms. */
#define TRACE_QUERY_TIMEOUT_MS 1500
/** Most root server addresses kept. */
#define TRACE_MAX_ROOTS 16
/** Most anchor records kept. */
#define TRACE_MAX_ANCHOR_RRS 16

/** What a trace needs, copied so it outlives a reload. */
struct trace_params {
	/** The name to trace to, wire form. */
	uint8_t qname[DNAME_MAXLEN];
	/** The type asked for at the end. */
	uint16_t qtype;
	/** Root server addresses. */
	struct sockaddr_storage roots[TRACE_MAX_ROOTS];
	/** Their lengths. */
	socklen_t rootlen[TRACE_MAX_ROOTS];
	/** Their number. */
	int nroots;
	/** 1 when an anchor covers qname. */
	int have_anchor;
	/** The anchor point, wire form. */
	uint8_t anchor[DNAME_MAXLEN];
	/** Its DS and DNSKEY RDATA (malloced; trace_params_clear()). */
	uint8_t *ds[TRACE_MAX_ANCHOR_RRS], *key[TRACE_MAX_ANCHOR_RRS];
	/** Their lengths. */
	uint16_t dslen[TRACE_MAX_ANCHOR_RRS], keylen[TRACE_MAX_ANCHOR_RRS];
	/** Their numbers. */
	size_t nds, nkey;
	/** Signature clock skew bounds, seconds (val-sig-skew-min/max). */
	int skew_min, skew_max;
	/** Port of every server (53; another for tests). */
	uint16_t port;
};

/**
 * Copy an anchor into the parameters (records beyond
 * TRACE_MAX_ANCHOR_RRS are left out).
 * @param p: the parameters.
 * @param ta: the anchor; NULL leaves none.
 * @return 0, RES_ENOMEM, RES_EINVAL for NULL p.
 */
int trace_params_set_anchor(struct trace_params *p,
	const struct trust_anchor *ta);

/** Free what trace_params_set_anchor() copied.  NULL ok. */
void trace_params_clear(struct trace_params *p);

/**
 * Run a trace and write it to out as text, one line per fact; the last
 * line is "result: secure", "result: insecure ...", "result: bogus at
 * ZONE: REASON (EDE n)", "result: indeterminate ..." (no anchor) or
 * "result: error: ..." (servers unreachable, limits).
 * @param p: the parameters (not changed).
 * @param out: where to write.
 * @return 0 when a verdict was reached (whatever it is), RES_ELIMIT for
 *	a trace stopped by its limits, RES_ENOTFOUND when no server
 *	answered, RES_EINVAL for NULL arguments or no root addresses.
 */
int trace_run(const struct trace_params *p, FILE *out);

#endif /* DAEMON_TRACE_H */
