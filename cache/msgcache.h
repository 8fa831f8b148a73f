/*
 * cache/msgcache.h - the message cache: question -> reply skeleton that
 * refers to RRsets in the RRset cache.
 *
 * The key is (qname, qtype, qclass, the CD and DO bits of the query),
 * since those bits change the answer (RFC 4035 sections 3.2.1-3.2.2).
 * The data is the rcode, the header flags and, per section, references
 * (owner, type, class, id) to RRset versions; no RRset data is copied.
 * A lookup fetches each referenced RRset; if one has expired (outside
 * serve-expired), was evicted or was replaced by a newer version, the
 * whole message is a miss.  The hit path takes one lock for the message
 * and one per RRset, and allocates nothing: the caller passes a struct
 * msg_answer (on its stack) that receives the references.
 *
 * Negative answers (NXDOMAIN, and NODATA: NOERROR with an empty answer
 * section) are cached per RFC 2308 with the SOA in the authority section;
 * their TTL is min(SOA TTL, SOA MINIMUM) (RFC 2308 section 5), limited by
 * cache-max-negative-ttl; msg_cache_negative_ttl() computes it.
 *
 * The wire fast path: an entry may also hold the reply encoded, once
 * for clients without DO and once for clients with DO (struct
 * msg_wire): the answer, authority and additional sections exactly as
 * the RRsets were when stored, with compression pointers that assume the
 * header and the question come first, and the offsets of every TTL
 * field.  A hit then copies the header and question from the query,
 * copies the sections, lowers each TTL by the seconds since the encoding
 * and appends OPT: no RRset lookup, one lock.  The encoded form is kept
 * only while every TTL in it is above zero (msg_wire_live()); the
 * RRsets it came from may be replaced or evicted meanwhile, as with any
 * cached answer that is served until its TTL runs out.
 */
#ifndef CACHE_MSGCACHE_H
#define CACHE_MSGCACHE_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "cache/slabhash.h"
#include "cache/policy.h"
#include "cache/rrset.h"

/** Query flag in the key: CD was set (RFC 4035 section 3.2.2). */
#define MSG_QFLAG_CD 0x01
/** Query flag in the key: DO was set (RFC 3225). */
#define MSG_QFLAG_DO 0x02

/** RRsets one message may refer to; larger replies are not cached. */
#define MSG_CACHE_MAX_RRSETS 64

/** Reply code NXDOMAIN (RFC 1035 section 4.1.1). */
#define MSG_RCODE_NXDOMAIN 3

/** Most octets of one encoded variant (struct msg_wire). */
#define MSG_WIRE_MAX 4096
/** Most TTL fields in one encoded variant. */
#define MSG_WIRE_MAX_TTLS 256

/** The sections of a reply, encoded for the fast path. */
struct msg_wire {
	/** answer, authority and additional sections as sent, compression
	 * pointers counted from the start of the message (header and a
	 * question of the same name length first) */
	const uint8_t *data;
	/** length of data; 0 when there is no encoded form */
	uint16_t len;
	/** RR counts of the three sections */
	uint16_t an, ns, ar;
	/** number of TTL fields */
	uint16_t nttl;
	/** offsets of the TTL fields in data */
	const uint16_t *ttl_off;
	/** time of the encoding: each TTL in data was the remaining TTL
	 * then */
	time_t at;
	/** the smallest TTL in data: the encoding is good until at + this */
	uint32_t min_ttl;
};

/** What to store for a reply. */
struct msg_store {
	/** reply code (RFC 1035 section 4.1.1, extended codes allowed) */
	uint16_t rcode;
	/** header flags of the reply (QR, AA, TC, RD, RA, AD, CD bits) */
	uint16_t flags;
	/** references to answer, authority, additional RRsets, in order;
	 * owners are copied */
	const struct rrset_ref *refs;
	/** number of answer section references */
	size_t an;
	/** number of authority section references */
	size_t ns;
	/** number of additional section references */
	size_t ar;
	/** TTL of the message: the smallest TTL of its RRsets, or for a
	 * negative answer the result of msg_cache_negative_ttl() */
	uint32_t ttl;
	/** validation status of the whole reply (enum rrset_sec) */
	uint8_t security;
	/** Extended DNS Error (RFC 8914) to send with it, or -1 */
	int ede;
	/** EDE text (copied), or NULL */
	const char *reason;
	/** encoded sections without DO and with DO (copied); len 0 for
	 * none */
	struct msg_wire wire[2];
};

/** The cached data of a message; immutable after insertion except
 * prefetch_mark. */
struct msg_data {
	/** absolute expiry */
	time_t expiry;
	/** time stored */
	time_t cached_at;
	/** TTL stored (after clamping) */
	uint32_t ttl;
	/** reply code */
	uint16_t rcode;
	/** header flags */
	uint16_t flags;
	/** answer, authority, additional reference counts */
	uint16_t an, ns, ar;
	/** 1 for NXDOMAIN / NODATA (RFC 2308) */
	uint8_t negative;
	/** enum rrset_sec of the reply */
	uint8_t security;
	/** set once when a prefetch was requested (atomic) */
	uint8_t prefetch_mark;
	/** Extended DNS Error to send with it, or -1 (0 when stored by a
	 * caller that did not set it: treat 0 with security not bogus as
	 * none) */
	int ede;
	/** EDE text in this entry, or NULL */
	const char *reason;
	/** the references, an + ns + ar of them; owners in this entry */
	const struct rrset_ref *refs;
	/** the encoded sections, [0] without DO, [1] with DO; len 0 when
	 * absent */
	struct msg_wire wire[2];
};

/** Key of a message; also the lookup key. */
struct msg_key {
	/** query name, wire form */
	const uint8_t *qname;
	/** query type */
	uint16_t qtype;
	/** query class */
	uint16_t qclass;
	/** MSG_QFLAG_CD | MSG_QFLAG_DO */
	uint8_t qflags;
};

/** A cached message. */
struct msg_entry {
	/** table header; must be first */
	struct slabhash_entry he;
	/** the key; qname points into this allocation */
	struct msg_key key;
	/** the data; pointers point into this allocation */
	struct msg_data d;
};

/** A message hit: the message and its RRsets, all referenced. */
struct msg_answer {
	/** the message entry, referenced; NULL when nothing is held */
	struct msg_entry *msg;
	/** the RRsets, in the order of d.refs */
	struct rrset_entry *rrsets[MSG_CACHE_MAX_RRSETS];
	/** number of RRsets held */
	size_t n;
	/** CACHE_FLAG_STALE if the message or an RRset is expired (serve
	 * it only when upstream fails), CACHE_FLAG_PREFETCH */
	int flags;
};

/** Counters of the message cache. */
struct msg_cache_stats {
	/** table counters */
	struct slabhash_stats table;
	/** complete hits through msg_cache_lookup() and
	 * msg_cache_answer_from(); hits of the wire fast path
	 * (msg_cache_apply_msg()) are counted by its callers only */
	uint64_t hits;
	/** misses, including messages whose RRsets were gone */
	uint64_t misses;
	/** hits on stale data */
	uint64_t stale;
	/** prefetches requested */
	uint64_t prefetch;
};

/** The message cache. */
struct msg_cache {
	/** the entries: struct msg_entry, keyed by struct msg_key */
	struct slabhash *table;
	/** TTL policy, copied at creation (or the defaults) */
	struct cache_policy policy;
	/** random seed mixed into every key hash (slabhash_seed()) */
	uint32_t seed;
	/** counters (atomic) */
	uint64_t hits, misses, stale, prefetch;
};

/**
 * Create a message cache.
 * @param bytes: budget (msg-cache-size).
 * @param slabs: shards (msg-cache-slabs), power of two or 0 for default.
 * @param policy: TTL policy, copied; NULL for the defaults.
 * @return the cache or NULL.
 */
struct msg_cache *msg_cache_create(size_t bytes, size_t slabs,
	const struct cache_policy *policy);

/**
 * Delete the cache and its entries; no answer may be held.
 * @param c: the cache; NULL is accepted.
 */
void msg_cache_delete(struct msg_cache *c);

/**
 * RFC 2308 section 5: the TTL of a negative answer is the smaller of the
 * SOA's TTL and its MINIMUM field, here limited by max_negative_ttl.
 * @param c: the cache (its policy); NULL applies no limit.
 * @param soa_ttl: TTL of the SOA record.
 * @param soa_minimum: the SOA's MINIMUM field.
 * @return the TTL to pass in struct msg_store.
 */
uint32_t msg_cache_negative_ttl(const struct msg_cache *c, uint32_t soa_ttl,
	uint32_t soa_minimum);

/**
 * Store a reply skeleton.  Everything is copied.  Positive TTLs are
 * clamped by cache-min-ttl / cache-max-ttl; a negative answer's TTL only
 * by cache-max-negative-ttl.
 * @param c: the cache.
 * @param qname: query name, wire form; checked here with dname_check()
 *	over DNAME_MAXLEN octets, so an unchecked name must sit in a buffer
 *	of that size.
 * @param qtype, qclass: the question.
 * @param qflags: MSG_QFLAG_CD / MSG_QFLAG_DO of the query.
 * @param in: the reply.
 * @param now: current time.
 * @return 0; RES_EINVAL bad arguments or TTL 0; RES_EMALFORMED bad name;
 *	RES_ELIMIT more than MSG_CACHE_MAX_RRSETS references or over the
 *	shard budget; RES_ENOMEM.
 */
int msg_cache_store(struct msg_cache *c, const uint8_t *qname,
	uint16_t qtype, uint16_t qclass, uint8_t qflags,
	const struct msg_store *in, time_t now);

/**
 * Look up a reply and every RRset it refers to.
 * @param c: the message cache.
 * @param rc: the RRset cache the references point into.
 * @param qname: query name, wire form, checked.
 * @param qtype, qclass, qflags: the rest of the key.
 * @param now: current time.
 * @param ans: receives the message and RRsets, referenced; release with
 *	msg_cache_answer_release().  Cleared on a miss.
 * @return 0 on a hit, RES_ENOTFOUND on a miss (absent, expired, or an
 *	RRset missing, expired or replaced), RES_EINVAL for NULL arguments.
 */
int msg_cache_lookup(struct msg_cache *c, struct rrset_cache *rc,
	const uint8_t *qname, uint16_t qtype, uint16_t qclass, uint8_t qflags,
	time_t now, struct msg_answer *ans);

/** A key about to be looked up, for msg_cache_prefetch(). */
struct msg_prefetch {
	/** query name, wire form, checked */
	const uint8_t *qname;
	/** octets of qname, root label included; sizes the prefetch of the
	 * entry, which holds a copy of the name */
	size_t qlen;
	/** query type and class */
	uint16_t qtype, qclass;
	/** MSG_QFLAG_CD | MSG_QFLAG_DO */
	uint8_t qflags;
	/** set by msg_cache_prefetch() */
	uint32_t hash;
};

/**
 * Start loading the message entries of a batch of keys into the CPU cache
 * ahead of their lookups, all bucket slots first and then all entries
 * (slabhash_prefetch_bucket(), slabhash_prefetch()), so the loads of the
 * batch overlap.  Takes no lock, changes nothing in the cache.
 * @param c: the message cache; NULL is ignored.
 * @param keys: the keys; their hash fields are filled in.
 * @param n: how many.
 */
void msg_cache_prefetch(struct msg_cache *c, struct msg_prefetch *keys,
	size_t n);

/**
 * Look up a message alone, for the wire fast path: no RRset is looked
 * up, so a hit says nothing of them (use msg_cache_answer_from() to go
 * on to them).
 * @param c: the message cache.
 * @param qname: query name, wire form, checked.
 * @param qtype, qclass, qflags: the rest of the key.
 * @param now: current time.
 * @param state: receives CACHE_FLAG_STALE / CACHE_FLAG_PREFETCH of the
 *	message (the prefetch mark is taken as in msg_cache_lookup()).
 * @return the entry, referenced (release with msg_cache_release() or
 *	hand it to msg_cache_answer_from()), or NULL when absent or expired
 *	(counted as a miss).
 */
struct msg_entry *msg_cache_lookup_msg(struct msg_cache *c,
	const uint8_t *qname, uint16_t qtype, uint16_t qclass, uint8_t qflags,
	time_t now, int *state);

/**
 * Go on from msg_cache_lookup_msg() to the RRsets, as msg_cache_lookup().
 * @param c: the message cache.
 * @param rc: the RRset cache.
 * @param e: the entry; its reference passes to ans (released with it,
 *	also on a miss).
 * @param state: what msg_cache_lookup_msg() gave.
 * @param now: current time.
 * @param ans: receives the answer.
 * @return 0 on a hit, RES_ENOTFOUND when an RRset is missing, expired
 *	or replaced (then the miss is counted and ans is cleared).
 */
int msg_cache_answer_from(struct msg_cache *c, struct rrset_cache *rc,
	struct msg_entry *e, int state, time_t now, struct msg_answer *ans);

/**
 * Called by msg_cache_apply_msg() under the shard lock.
 * @param e: the message, valid only during the call.
 * @param state: CACHE_FLAG_STALE / CACHE_FLAG_PREFETCH of the message.
 * @param arg: the caller's argument.
 * @return 1 when it answered from the message, 0 when the caller must
 *	take the RRset path, -1 to treat the message as a miss.
 */
typedef int (*msg_apply_type)(const struct msg_entry *e, int state,
	void *arg);

/**
 * The wire fast path's lookup: run fn on a message under its shard lock,
 * without taking a reference.  The lock keeps the entry alive while fn
 * copies its encoded answer out, so a hit writes nothing in the entry (no
 * reference count) and in the cache (no shared counter): CPUs answering
 * the same names keep sharing the entry's memory instead of passing it
 * back and forth.  fn must be short and must not call into the cache.
 * The table counts the lookup; the message cache's own counters count
 * only the misses.
 * @param c: the message cache.
 * @param qname, qtype, qclass, qflags: the key, as for
 *	msg_cache_lookup_msg().
 * @param now: current time.
 * @param fn, arg: the function and its argument.
 * @return fn's result, or -1 when the message is absent or expired.
 */
int msg_cache_apply_msg(struct msg_cache *c, const uint8_t *qname,
	uint16_t qtype, uint16_t qclass, uint8_t qflags, time_t now,
	msg_apply_type fn, void *arg);

/**
 * Release an entry from msg_cache_lookup_msg().
 * @param c: the message cache.
 * @param e: the entry; NULL is accepted.
 */
void msg_cache_release(struct msg_cache *c, struct msg_entry *e);

/**
 * May a message carry encoded variants?  Not when it is bogus, has an
 * EDE to send or an extended rcode: those are always written by the
 * RRset path.  msg_cache_store() drops the variants of a message that
 * may not, so a hit that finds one needs no such check.
 * @param in: the message to store.
 * @return 1 or 0.
 */
int msg_wire_allowed(const struct msg_store *in);

/**
 * Is an encoded variant there and still good at now (every TTL in it
 * above zero)?
 * @param w: the variant.
 * @param now: current time.
 * @return 1 or 0.
 */
int msg_wire_live(const struct msg_wire *w, time_t now);

/**
 * Release the message and RRsets a hit holds, and clear the answer.
 * @param c: the message cache.
 * @param rc: the RRset cache of the lookup.
 * @param ans: the answer; NULL and a cleared answer are accepted.
 */
void msg_cache_answer_release(struct msg_cache *c, struct rrset_cache *rc,
	struct msg_answer *ans);

/**
 * Remove a message (it is freed at its last release).
 * @param c: the cache.
 * @param qname: query name, wire form, checked.
 * @param qtype: query type.
 * @param qclass: query class.
 * @param qflags: MSG_QFLAG_CD / MSG_QFLAG_DO.
 * @return 0 or RES_ENOTFOUND.
 */
int msg_cache_remove(struct msg_cache *c, const uint8_t *qname,
	uint16_t qtype, uint16_t qclass, uint8_t qflags);

/**
 * Memory in use: entries, table structures and the cache object.
 * @param c: the cache; NULL gives 0.
 * @return bytes.
 */
size_t msg_cache_memory(struct msg_cache *c);

/**
 * Read the counters.
 * @param c: the cache; NULL gives zeroes.
 * @param st: receives the counters.
 */
void msg_cache_get_stats(struct msg_cache *c, struct msg_cache_stats *st);

/**
 * Walk every message shard by shard under the shard lock (see
 * slabhash_walk()), expired ones included.
 * @param c: the cache.
 * @param fn: called per entry; must not call into the cache; non-zero
 *	stops the walk.
 * @param arg: passed to fn.
 * @return 0 or the value that stopped the walk.
 */
int msg_cache_walk(struct msg_cache *c,
	int (*fn)(const struct msg_entry *e, void *arg), void *arg);

/**
 * Remove every entry (flush); entries still referenced are freed at
 * their release.
 * @param c: the cache; NULL is accepted.
 */
void msg_cache_clear(struct msg_cache *c);

#endif /* CACHE_MSGCACHE_H */
