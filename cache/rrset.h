/*
 * cache/rrset.h - the RRset cache: (owner, type, class) -> the RRs, their
 * RRSIGs, expiry, trust and validation status.
 *
 * Each RRset is one allocation: the slabhash entry header, the key, the
 * struct rrset_data below, an offset table, the owner name (wire form),
 * the uncompressed rdata of the RRs then of the RRSIGs, and the optional
 * bogus reason.  Entries never change after insertion; storing an RRset
 * makes a new entry that replaces the old one (subject to the trust rule)
 * and gets a new id from a per-cache counter.  The message cache refers to
 * RRsets by (owner, type, class, id), a struct rrset_ref, so a replaced
 * RRset is noticed instead of dangling.
 *
 * Replacement, RFC 2181 section 5.4.1: data of lower rank never replaces
 * data of higher rank that is still live; equal or higher rank replaces
 * (the newer data wins), except that the same data again, unvalidated,
 * leaves a validator's verdict in place.  Expired data is always
 * replaced.  The whole rule is rrset_may_replace() in rrset.c.
 *
 * Usage:
 *	struct rrset_entry *e = rrset_cache_lookup(c, name, 1, 1, now, &f);
 *	if (e) {
 *		... read e->d (immutable) ...
 *		rrset_cache_release(c, e);
 *	}
 */
#ifndef CACHE_RRSET_H
#define CACHE_RRSET_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "cache/slabhash.h"
#include "cache/policy.h"

/**
 * Trust (credibility) of data, lowest first; a higher value is more
 * credible.  The order follows RFC 2181 section 5.4.1 (authoritative
 * answer data above authoritative authority data above non-authoritative
 * answer data above the rest).  RFC 2181 puts additional data, the
 * authority section of non-authoritative answers and referral data in one
 * bottom rank; here they are split as ADDITIONAL < GLUE <
 * AUTHORITY_NONAUTH, so incidental additional data never overwrites the
 * glue a referral gave for its own servers.
 */
enum rrset_trust {
	/** not set */
	RRSET_TRUST_NONE = 0,
	/** additional section of a reply */
	RRSET_TRUST_ADDITIONAL = 1,
	/** glue: non-authoritative data in a referral's authority or
	 * additional section */
	RRSET_TRUST_GLUE = 2,
	/** authority section of a non-authoritative answer */
	RRSET_TRUST_AUTHORITY_NONAUTH = 3,
	/** answer section of a non-authoritative answer */
	RRSET_TRUST_ANSWER_NONAUTH = 4,
	/** authority section of an authoritative answer */
	RRSET_TRUST_AUTHORITY_AUTH = 5,
	/** answer section of an authoritative answer (AA set) */
	RRSET_TRUST_ANSWER_AUTH = 6,
	/** validated secure by DNSSEC: beats every unsigned rank */
	RRSET_TRUST_VALIDATED = 7
};

/** Validation status (RFC 4035 section 4.3). */
enum rrset_sec {
	/** not (yet) validated */
	RRSET_SEC_UNCHECKED = 0,
	/** chain of trust verified */
	RRSET_SEC_SECURE = 1,
	/** provably unsigned */
	RRSET_SEC_INSECURE = 2,
	/** validation failed; see bogus_reason and ede */
	RRSET_SEC_BOGUS = 3,
	/** no trust anchor covers it */
	RRSET_SEC_INDETERMINATE = 4
};

/** Maximum RRs plus RRSIGs in one RRset. */
#define RRSET_MAX_RRS 65535
/** Maximum rdata bytes of one RRset (RRs and RRSIGs). */
#define RRSET_MAX_RDATA (1024 * 1024)

/** One RR's rdata, uncompressed wire form, for storing. */
struct rrset_rr {
	/** rdata in uncompressed wire form, without the RDLENGTH field */
	const uint8_t *data;
	/** octets at data: the RR's RDLENGTH */
	uint16_t len;
};

/** What to store: the caller's view, copied by rrset_cache_store(). */
struct rrset_store {
	/** rdata of the RRs, count of them (may be NULL with count 0) */
	const struct rrset_rr *rrs;
	/** number of RRs */
	size_t count;
	/** the RRSIGs covering them (may be NULL with rrsig_count 0) */
	const struct rrset_rr *rrsigs;
	/** number of RRSIGs */
	size_t rrsig_count;
	/** TTL of the set as received (clamped by the cache policy) */
	uint32_t ttl;
	/** rank of the data; decides whether it replaces a cached copy */
	enum rrset_trust trust;
	/** validation status; RRSET_SEC_UNCHECKED when not validated */
	enum rrset_sec security;
	/** Extended DNS Error code (RFC 8914) for bogus data, else 0 */
	int ede;
	/** reason text for bogus data, copied; NULL for none */
	const char *bogus_reason;
};

/** The cached data of an RRset; immutable after insertion except
 * prefetch_mark. */
struct rrset_data {
	/** id of this version; new for every stored RRset */
	uint64_t id;
	/** absolute time the data expires */
	time_t expiry;
	/** time it was stored */
	time_t cached_at;
	/** the TTL it was stored with (after clamping) */
	uint32_t ttl;
	/** number of RRs, the RRSIGs not counted */
	uint16_t count;
	/** number of RRSIGs, stored after the RRs */
	uint16_t rrsig_count;
	/** rank of the data, an enum rrset_trust in one octet */
	uint8_t trust;
	/** validation status, an enum rrset_sec in one octet */
	uint8_t security;
	/** set once (atomically) when a prefetch was requested */
	uint8_t prefetch_mark;
	/** Extended DNS Error code for bogus data, else 0 */
	int ede;
	/** reason for bogus data, NUL-terminated, or NULL */
	const char *bogus_reason;
	/** count + rrsig_count + 1 offsets into rdata; RR i spans
	 * [off[i], off[i+1]) */
	const uint32_t *off;
	/** the rdata of all RRs then all RRSIGs */
	const uint8_t *rdata;
};

/** Key of an RRset; also the lookup key (built on the stack). */
struct rrset_key {
	/** owner name, wire form, checked */
	const uint8_t *owner;
	/** RR type */
	uint16_t type;
	/** class */
	uint16_t rclass;
};

/** A cached RRset. */
struct rrset_entry {
	/** table header; must be first */
	struct slabhash_entry he;
	/** the key; owner points into this allocation */
	struct rrset_key key;
	/** the data; pointers point into this allocation */
	struct rrset_data d;
};

/** A reference to one version of an RRset, as kept by messages. */
struct rrset_ref {
	/** owner name (wire form) */
	const uint8_t *owner;
	/** RR type */
	uint16_t type;
	/** class */
	uint16_t rclass;
	/** the version's id */
	uint64_t id;
};

/** Counters of an RRset cache. */
struct rrset_cache_stats {
	/** table counters (hits count entries found, even expired) */
	struct slabhash_stats table;
	/** lookups answered with expired data (serve-expired) */
	uint64_t stale;
	/** prefetches requested */
	uint64_t prefetch;
};

/** The RRset cache. */
struct rrset_cache {
	/** the entries: struct rrset_entry, keyed by struct rrset_key */
	struct slabhash *table;
	/** TTL policy, copied at creation (or the defaults) */
	struct cache_policy policy;
	/** random seed mixed into every key hash (slabhash_seed()) */
	uint32_t seed;
	/** last id given out; atomic */
	uint64_t next_id;
	/** stale hits and prefetch requests (struct rrset_cache_stats);
	 * atomic */
	uint64_t stale, prefetch;
};

/**
 * Create an RRset cache.
 * @param bytes: memory budget (rrset-cache-size).
 * @param slabs: shards (rrset-cache-slabs), power of two; 0 for default.
 * @param policy: TTL policy, copied; NULL for cache_policy_default().
 * @return the cache or NULL (bad arguments, out of memory).
 */
struct rrset_cache *rrset_cache_create(size_t bytes, size_t slabs,
	const struct cache_policy *policy);

/**
 * Delete the cache and every entry; no reference may be held.
 * @param c: the cache; NULL is accepted.
 */
void rrset_cache_delete(struct rrset_cache *c);

/**
 * Store an RRset, copying everything from in.  The TTL is clamped by the
 * policy; a TTL that is 0 after clamping is not cached (RFC 1035 section
 * 3.2.1).
 * @param c: the cache.
 * @param owner: owner name, wire form; checked here with dname_check()
 *	over DNAME_MAXLEN octets, so an unchecked name must sit in a buffer
 *	of that size.
 * @param type: RR type.
 * @param rclass: class.
 * @param in: the data.
 * @param now: current time.
 * @param id: if not NULL, receives the id of the version now in the cache
 *	(the new one, or the one that was kept), 0 when nothing is cached.
 * @return 0 stored; RES_EEXIST a live RRset of higher trust was kept
 *	(RFC 2181 section 5.4.1); RES_EINVAL bad arguments or TTL 0;
 *	RES_EMALFORMED bad owner; RES_ELIMIT too many or too large RRs for
 *	the limits or the shard budget; RES_ENOMEM.
 */
int rrset_cache_store(struct rrset_cache *c, const uint8_t *owner,
	uint16_t type, uint16_t rclass, const struct rrset_store *in,
	time_t now, uint64_t *id);

/**
 * Look up an RRset.  Takes one shard lock, allocates nothing.
 * @param c: the cache (NULL gives NULL).
 * @param owner: owner name, wire form, already checked.
 * @param type: RR type.
 * @param rclass: class.
 * @param now: current time; expired entries are returned only under
 *	serve-expired, flagged.
 * @param flags: if not NULL, receives CACHE_FLAG_STALE and/or
 *	CACHE_FLAG_PREFETCH (see cache/policy.h).
 * @return the entry, referenced, or NULL.  It stays owned by the cache;
 *	release it with rrset_cache_release().
 */
struct rrset_entry *rrset_cache_lookup(struct rrset_cache *c,
	const uint8_t *owner, uint16_t type, uint16_t rclass, time_t now,
	int *flags);

/**
 * Look up the exact version named by a reference: like
 * rrset_cache_lookup(), but a different id (the RRset was replaced) is
 * a miss.  One shard lock, no allocation.
 * @param c: the cache (NULL gives NULL).
 * @param ref: owner, type, class and id; NULL or id 0 gives NULL.
 * @param now: current time.
 * @param flags: if not NULL, receives CACHE_FLAG_STALE / _PREFETCH.
 * @return the entry, referenced (release with rrset_cache_release()), or
 *	NULL.
 */
struct rrset_entry *rrset_cache_lookup_ref(struct rrset_cache *c,
	const struct rrset_ref *ref, time_t now, int *flags);

/**
 * Release an entry returned by a lookup.
 * @param c: the cache.
 * @param e: the entry; NULL is accepted.
 */
void rrset_cache_release(struct rrset_cache *c, struct rrset_entry *e);

/**
 * Remove an RRset (flush_type); it is freed at its last release.
 * @param c: the cache.
 * @param owner: owner name, wire form, checked.
 * @param type: RR type.
 * @param rclass: class.
 * @return 0 or RES_ENOTFOUND.
 */
int rrset_cache_remove(struct rrset_cache *c, const uint8_t *owner,
	uint16_t type, uint16_t rclass);

/**
 * The rdata of RR i: RRs first (0 .. count-1), then RRSIGs.
 * @param d: the data.
 * @param i: index below count + rrsig_count.
 * @param len: receives the length.
 * @return pointer into the entry, valid while it is referenced, or NULL
 *	for an index out of range.
 */
const uint8_t *rrset_data_rr(const struct rrset_data *d, size_t i,
	uint16_t *len);

/**
 * TTL left, counting down from the time of caching.
 * @param d: the data; NULL gives 0.
 * @param now: current time.
 * @return seconds left; 0 when expired.
 */
uint32_t rrset_data_ttl_left(const struct rrset_data *d, time_t now);

/**
 * Memory in use: entries, table structures and the cache object.
 * @param c: the cache; NULL gives 0.
 * @return bytes.
 */
size_t rrset_cache_memory(struct rrset_cache *c);

/**
 * Read the counters.
 * @param c: the cache; NULL gives zeroes.
 * @param st: receives the counters.
 */
void rrset_cache_get_stats(struct rrset_cache *c,
	struct rrset_cache_stats *st);

/**
 * Walk every RRset, shard by shard under the shard lock (see
 * slabhash_walk()); expired ones included.
 * @param c: the cache.
 * @param arg: passed to fn.
 * @param fn: called per entry; non-zero stops the walk; must not call
 *	into the cache.
 * @return 0 or the value that stopped the walk.
 */
int rrset_cache_walk(struct rrset_cache *c,
	int (*fn)(const struct rrset_entry *e, void *arg), void *arg);

/**
 * Remove every entry (flush); entries still referenced are freed at
 * their release.
 * @param c: the cache; NULL is accepted.
 */
void rrset_cache_clear(struct rrset_cache *c);

/**
 * Hash of an RRset key in a cache (its seed mixed in).
 * @param c: the cache.
 * @param k: the key; owner checked.
 * @return the 32-bit hash.
 */
uint32_t rrset_cache_hash(const struct rrset_cache *c,
	const struct rrset_key *k);

#endif /* CACHE_RRSET_H */
