/*
 * cache/keycache.h - the key cache of the validator: zone -> DNSKEY set
 * with its status (secure, insecure or bogus) and expiry.
 *
 * A secure entry holds the validated DNSKEY rdata of the zone; an
 * insecure entry records a proven absence of DS (RFC 4035 section 5.2),
 * so names below it are not validated; a bogus entry records a failed
 * chain (with its EDE code and reason) so the failure is not retried on
 * every query until it expires.  Entries are immutable and reference
 * counted like RRsets (see cache/slabhash.h); storing replaces.
 *
 * Usage:
 *	struct key_entry *k = key_cache_lookup_closest(kc, qname, 1, now);
 *	if (k) {
 *		... k->d.status, key_data_key(&k->d, i, &len) ...
 *		key_cache_release(kc, k);
 *	}
 */
#ifndef CACHE_KEYCACHE_H
#define CACHE_KEYCACHE_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "cache/slabhash.h"
#include "cache/rrset.h"

/** Status of a zone's keys. */
enum key_status {
	/** DNSKEY set validated from a trust anchor */
	KEY_STATUS_SECURE = 1,
	/** provably unsigned zone (no DS at the parent) */
	KEY_STATUS_INSECURE = 2,
	/** the chain of trust failed */
	KEY_STATUS_BOGUS = 3
};

/** What to store for a zone. */
struct key_store {
	/** the verdict on the zone's keys */
	enum key_status status;
	/** the DNSKEY rdata (secure entries); may be NULL with count 0 */
	const struct rrset_rr *keys;
	/** number of keys */
	size_t count;
	/** TTL in seconds (for bogus data a short retry time) */
	uint32_t ttl;
	/** EDE code for bogus, else 0 */
	int ede;
	/** reason for bogus, copied, or NULL */
	const char *reason;
};

/** The data of an entry; immutable. */
struct key_data {
	/** the verdict on the zone's keys, an enum key_status */
	int status;
	/** absolute expiry */
	time_t expiry;
	/** TTL stored */
	uint32_t ttl;
	/** number of keys */
	uint16_t count;
	/** EDE code for bogus */
	int ede;
	/** reason for bogus, or NULL */
	const char *reason;
	/** count + 1 offsets into rdata; key i spans [off[i], off[i+1]) */
	const uint32_t *off;
	/** the DNSKEY rdata of all keys, one after another */
	const uint8_t *rdata;
};

/** An entry. */
struct key_entry {
	/** table header; must be first */
	struct slabhash_entry he;
	/** zone name, wire form, in this allocation */
	const uint8_t *zone;
	/** class */
	uint16_t rclass;
	/** the data; pointers point into this allocation */
	struct key_data d;
};

/** The key cache. */
struct key_cache {
	/** the entries: struct key_entry, keyed by zone and class */
	struct slabhash *table;
	/** random seed mixed into every key hash (slabhash_seed()) */
	uint32_t seed;
};

/**
 * Create a key cache.
 * @param bytes: budget (key-cache-size).
 * @param slabs: shards (key-cache-slabs), power of two or 0.
 * @return the cache or NULL.
 */
struct key_cache *key_cache_create(size_t bytes, size_t slabs);

/**
 * Delete the cache and its entries; no reference may be held.
 * @param c: the cache; NULL is accepted.
 */
void key_cache_delete(struct key_cache *c);

/**
 * Store a zone's keys, replacing what was there.  Everything is copied.
 * @param c: the cache.
 * @param zone: zone name, wire form; checked with dname_check() over
 *	DNAME_MAXLEN octets, so an unchecked name must sit in a buffer of
 *	that size.
 * @param rclass: class.
 * @param in: status, keys, TTL, EDE and reason.
 * @param now: current time.
 * @return 0; RES_EINVAL (NULL, bad status, TTL 0); RES_EMALFORMED (zone);
 *	RES_ELIMIT (too large); RES_ENOMEM.
 */
int key_cache_store(struct key_cache *c, const uint8_t *zone,
	uint16_t rclass, const struct key_store *in, time_t now);

/**
 * Look up a zone's live entry.  One shard lock, no allocation.
 * @param c: the cache (NULL gives NULL).
 * @param zone: zone name, wire form, checked.
 * @param rclass: class.
 * @param now: current time.
 * @return the entry, referenced (release with key_cache_release()), or
 *	NULL when absent or expired.
 */
struct key_entry *key_cache_lookup(struct key_cache *c, const uint8_t *zone,
	uint16_t rclass, time_t now);

/**
 * Find the entry of the closest enclosing zone of name (name itself,
 * then its parents up to the root).
 * @param c: the cache (NULL gives NULL).
 * @param name: a name, wire form, checked; NULL gives NULL.
 * @param rclass: class.
 * @param now: current time.
 * @return the entry, referenced, or NULL.
 */
struct key_entry *key_cache_lookup_closest(struct key_cache *c,
	const uint8_t *name, uint16_t rclass, time_t now);

/**
 * Release an entry returned by a lookup.
 * @param c: the cache.
 * @param e: the entry; NULL is accepted.
 */
void key_cache_release(struct key_cache *c, struct key_entry *e);

/**
 * Remove a zone's entry (it is freed at its last release).
 * @param c: the cache.
 * @param zone: zone name, wire form, checked.
 * @param rclass: class.
 * @return 0 or RES_ENOTFOUND.
 */
int key_cache_remove(struct key_cache *c, const uint8_t *zone,
	uint16_t rclass);

/**
 * The rdata of key i.
 * @param d: the entry's data.
 * @param i: index below d->count.
 * @param len: receives the length; may be NULL.
 * @return pointer into the entry, valid while it is referenced, or NULL
 * 	for NULL or an index out of range.
 */
const uint8_t *key_data_key(const struct key_data *d, size_t i,
	uint16_t *len);

/**
 * Memory in use: entries, table structures and the cache object.
 * @param c: the cache; NULL gives 0.
 * @return bytes.
 */
size_t key_cache_memory(struct key_cache *c);

/**
 * Read the table counters (hits, misses, evictions, entries).
 * @param c: the cache; NULL gives zeroes.
 * @param st: receives the counters.
 */
void key_cache_get_stats(struct key_cache *c, struct slabhash_stats *st);

/**
 * Walk every entry shard by shard under the shard lock (see
 * slabhash_walk()), expired ones included.
 * @param c: the cache.
 * @param fn: called per entry; must not call into the cache; non-zero
 * 	stops the walk.
 * @param arg: passed to fn.
 * @return 0 or the value that stopped the walk.
 */
int key_cache_walk(struct key_cache *c,
	int (*fn)(const struct key_entry *e, void *arg), void *arg);

/**
 * Remove every entry (flush); entries still referenced are freed at
 * their release.
 * @param c: the cache; NULL is accepted.
 */
void key_cache_clear(struct key_cache *c);

/**
 * Remove the entries of a zone and of every zone below it (flush_zone,
 * flush_keys, a reload that changes the zone's trust anchor), in every
 * class.
 * @param c: the cache.
 * @param zone: the zone, wire form.
 * @return the number of entries removed.
 */
size_t key_cache_remove_below(struct key_cache *c, const uint8_t *zone);

#endif /* CACHE_KEYCACHE_H */
