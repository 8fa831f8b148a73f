/*
 * cache/negcache.h - the NSEC index for aggressive use of the validated
 * cache (RFC 8198): per zone, the owner and next name of every validated
 * NSEC record the resolver has seen, in canonical order, so that the
 * record covering a name can be found without asking.
 *
 * Only the ranges are kept here; the NSEC RRsets themselves (with their
 * RRSIGs and their secure verdict) stay in the RRset cache, where the
 * validator looks them up again when it synthesizes an answer.  An entry
 * lives until its expiry (the NSEC's TTL, capped by the zone's SOA
 * minimum: RFC 8198 section 5.4) or until the budget (neg-cache-size)
 * needs its room: expired entries go first, then the zone used longest
 * ago.  NSEC3 records are indexed the same way (owner hash.zone, next the
 * next hashed owner under the zone): their owners sort in hash order.
 *
 * Threads: one lock for the whole index.  It is used on cache misses
 * only (a lookup before a query would go upstream, an insert after a
 * negative answer was validated), never on the cache-hit path.
 */
#ifndef CACHE_NEGCACHE_H
#define CACHE_NEGCACHE_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "util/dname.h"

struct neg_cache;
struct rrset_cache;

/** Counters. */
struct neg_cache_stats {
	/** Zones and ranges held now. */
	size_t zones, entries;
	/** Bytes in use. */
	size_t bytes;
	/** Lookups that found a range, and that did not. */
	uint64_t hits, misses;
	/** Ranges evicted for room (expired ones not counted). */
	uint64_t evicted;
};

/**
 * Create the index.
 * @param max_bytes: the budget (neg-cache-size); at least room for one
 *	zone and a few ranges is enforced.
 * @return the index or NULL (out of memory).
 */
struct neg_cache *neg_cache_create(size_t max_bytes);

/** Free the index.  NULL ok. */
void neg_cache_delete(struct neg_cache *nc);

/**
 * Add (or refresh) the range of one validated NSEC record.
 * @param nc: the index.
 * @param zone: the zone that signed it (wire form).
 * @param owner: the NSEC's owner, at or below zone.
 * @param next: its next name (for the last record, the apex).
 * @param expiry: absolute time it goes.
 * @param now: the current time.
 * @return 0, RES_EINVAL (names not in the zone), RES_ENOMEM.
 */
int neg_cache_insert(struct neg_cache *nc, const uint8_t *zone,
	const uint8_t *owner, const uint8_t *next, time_t expiry, time_t now);

/**
 * The NSEC record whose range holds a name: in the closest zone at or
 * above the name that has ranges, the record with the greatest owner at
 * or before the name (canonical order), or the greatest of all when none
 * is before it (the chain wraps), if it has not expired.  Whether
 * it covers or matches the name, and whether it may speak for it (a
 * delegation point does not), is for the caller to check with the
 * record's data.
 * @param nc: the index.
 * @param name: the name (wire form).
 * @param now: the current time.
 * @param zone: receives the zone (DNAME_MAXLEN octets).
 * @param owner: receives the record's owner (DNAME_MAXLEN octets).
 * @return 1 found, 0 not.
 */
int neg_cache_lookup(struct neg_cache *nc, const uint8_t *name, time_t now,
	uint8_t *zone, uint8_t *owner);

/**
 * Forget the ranges of a zone and every zone below it (flush_zone, a
 * reload that changes anchors); NULL for all.
 * @return the number of ranges removed.
 */
size_t neg_cache_remove_below(struct neg_cache *nc, const uint8_t *zone);

/**
 * The owner name of the next hashed owner of an NSEC3 record (its base32
 * label under the zone), for the index; the validator provides it.
 * @param rd, len: the NSEC3 RDATA.
 * @param zone: the zone.
 * @param out: receives the name (DNAME_MAXLEN octets).
 * @return 0, or -1 for a malformed record.
 */
typedef int (*neg_next3_func)(const uint8_t *rd, uint16_t len,
	const uint8_t *zone, uint8_t *out);

/**
 * Index the validated NSEC and NSEC3 RRsets an RRset cache holds (after
 * load_cache filled a fresh cache): each secure RRset with one record and
 * a signature, under its signer's zone, until the RRset expires.
 * @param nc: the index.
 * @param rc: the RRset cache.
 * @param now: the current time.
 * @param next3: the next owner of an NSEC3 record; NULL: NSEC only.
 * @return the number of ranges added.
 */
size_t neg_cache_index_rrsets(struct neg_cache *nc, struct rrset_cache *rc,
	time_t now, neg_next3_func next3);

/** Read the counters. */
void neg_cache_get_stats(struct neg_cache *nc, struct neg_cache_stats *st);

/** Bytes in use, the index itself included. */
size_t neg_cache_memory(struct neg_cache *nc);

#endif /* CACHE_NEGCACHE_H */
