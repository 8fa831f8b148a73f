/*
 * cache/dns.h - the resolver's view of the caches: store a reply's RRsets
 * and its skeleton, find them again, and answer a client straight from
 * the cache.
 * A message is stored with its sections also encoded (once without and
 * once with RRSIGs), so that most hits copy those instead of fetching
 * and writing each RRset (see cache/msgcache.h).
 *
 * Messages are keyed by question and CD only: the DO bit changes only
 * whether RRSIGs are sent, which is decided when encoding, so DO and
 * non-DO clients share one entry.
 */
#ifndef CACHE_DNS_H
#define CACHE_DNS_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "cache/msgcache.h"
#include "util/dname.h"

struct answer_opts;
struct answer_to;
struct module_env;
struct query_info;
struct reply;
struct reply_rrset;
struct region;
struct rrset_cache;
struct msg_cache;

/** Room for the header, a question and one encoded variant. */
#define DNS_WIRE_BUF (12 + DNAME_MAXLEN + 4 + MSG_WIRE_MAX)

/** Scratch space for dns_cache_wire_prepare() (large: not for small
 * stacks). */
struct dns_wire_bufs {
	/** the two encodings */
	uint8_t buf[2][DNS_WIRE_BUF];
	/** their TTL offsets */
	uint16_t off[2][MSG_WIRE_MAX_TTLS];
};

/**
 * Store one RRset with its trust (s->trust) and status (s->security).
 * @param id: receives the id of the version in the cache, 0 when not
 *	cached; may be NULL.
 * @return 0, RES_EEXIST (a more trusted live RRset was kept: *id names
 *	it), or another cache error (not cached).
 */
int dns_cache_store_rrset(struct module_env *env, const struct reply_rrset *s,
	uint64_t *id);

/**
 * Store a whole reply: every RRset, then the message referring to them.
 * @param negative: 1 for NXDOMAIN/NODATA (RFC 2308 TTL from the SOA).
 * @return 0 or a cache error (the RRsets stored so far stay).
 */
int dns_cache_store_msg(struct module_env *env, const struct query_info *qi,
	uint16_t qflags, const struct reply *rep, int negative);

/**
 * Look up an RRset and copy it into a region, TTL counted down.
 * @return the copy or NULL (miss, expired, out of memory).
 */
struct reply_rrset *dns_cache_lookup_rrset(struct module_env *env,
	struct region *r, const uint8_t *owner, uint16_t type, uint16_t rclass);

/**
 * Look up a message and copy it with its RRsets into a region.
 * @return the reply or NULL.
 */
struct reply *dns_cache_lookup_msg(struct module_env *env, struct region *r,
	const struct query_info *qi, uint16_t qflags);

/**
 * Answer a client from the message cache without building anything: the
 * encoded sections of the message copied after the client's header and
 * question, TTLs counted down (util/answer.h, answer_wire()); when the
 * message has no encoding that fits, dns_cache_answer_rrsets().
 * @param mc, rc: the caches.
 * @param to: the client (question, flags, EDNS, DO, size limit).
 * @param o: the server's side of the reply.
 * @param validating: 1 when the validator runs: unvalidated entries are
 *	misses for clients without CD, secure ones get AD (DO or AD set),
 *	bogus ones give SERVFAIL with their EDE (the data for CD clients).
 * @param now: current time.
 * @param buf, cap: the reply buffer.
 * @param len: receives the reply length.
 * @param prefetch: receives 1 when the answer came from an entry in the
 *	last 10% of its TTL, with prefetch on (once per entry): the caller
 *	refreshes it in the background.  NULL ok.
 * @return 1 when answered, 0 on a miss (buf unspecified).
 */
int dns_cache_answer(struct msg_cache *mc, struct rrset_cache *rc,
	const struct answer_to *to, const struct answer_opts *o, int validating,
	time_t now, uint8_t *buf, size_t cap, size_t *len, int *prefetch);

/**
 * The same answer written from the cached RRsets, one by one, truncated
 * at the client's limit: what dns_cache_answer() does for messages
 * without an encoding; the tests compare the two paths with it.
 * Parameters and return as dns_cache_answer().
 */
int dns_cache_answer_rrsets(struct msg_cache *mc, struct rrset_cache *rc,
	const struct answer_to *to, const struct answer_opts *o, int validating,
	time_t now, uint8_t *buf, size_t cap, size_t *len);

/**
 * Answer from the cache, expired data included (serve-expired, RFC 8767):
 * an expired message answers with its expired RRsets at stale_ttl and
 * EDE 3 (Stale Answer; 19, Stale NXDOMAIN Answer, for NXDOMAIN).  Bogus
 * entries never answer.  Only entries the cache kept past their expiry
 * (serve-expired on, within serve-expired-ttl) are there to be found.
 * @param stale_ttl: the TTL of expired RRsets (serve-expired-reply-ttl).
 * Other parameters and return as dns_cache_answer().
 */
int dns_cache_answer_stale(struct msg_cache *mc, struct rrset_cache *rc,
	const struct answer_to *to, const struct answer_opts *o, int validating,
	time_t now, uint32_t stale_ttl, uint8_t *buf, size_t cap, size_t *len);

/**
 * Encode a message about to be stored for the wire fast path (both
 * variants, see cache/msgcache.h), from the RRset versions its
 * references name.  Bogus answers, answers with an EDE, extended rcodes
 * and messages whose RRsets are gone get none.
 * @param rc: the RRset cache the references point into.
 * @param qname: the question name, wire form.
 * @param qtype, qclass: the rest of the question.
 * @param now: current time.
 * @param in: the message to store; in->wire[] is set (empty when no
 *	encoding is made) and points into b.
 * @param b: scratch space that must live until msg_cache_store().
 */
void dns_cache_wire_prepare(struct rrset_cache *rc, const uint8_t *qname,
	uint16_t qtype, uint16_t qclass, time_t now, struct msg_store *in,
	struct dns_wire_bufs *b);

#endif /* CACHE_DNS_H */
