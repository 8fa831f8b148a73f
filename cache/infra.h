/*
 * cache/infra.h - the infrastructure cache: what we know about each
 * authoritative server, per (server address, zone).
 *
 * Per host and zone it keeps the smoothed round-trip time and its variance
 * with the retransmission timeout computed from them (RFC 6298 section 2,
 * milliseconds), exponential backoff of that timeout on timeouts (RFC 6298
 * section 5.5), whether the server speaks EDNS and the UDP size seen to
 * work, lameness for the zone, and what spoof resistance learned: whether
 * the server keeps 0x20 case, and whether forged packets in its name call
 * for TCP only.  An entry expires infra-host-ttl
 * seconds after it was created; an expired entry reads as unknown and is
 * started afresh by the next update.
 *
 * Entries have a fixed size (address and zone stored inline), so the
 * budget infra-cache-numhosts entries is numhosts times that size, and
 * LRU eviction beyond it works as in every other table.  Updates change
 * the entry in place under its shard lock (slabhash_apply()); readers get
 * a copy (struct infra_info), so no reference is held.  When two threads
 * create the same missing entry at once, one creation wins and the other
 * sample is lost; that costs one RTT sample, never consistency.
 *
 * Addresses are compared byte for byte: callers pass a struct sockaddr_in
 * or sockaddr_in6 with its padding zeroed.
 */
#ifndef CACHE_INFRA_H
#define CACHE_INFRA_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "cache/slabhash.h"
#include "util/dname.h"

/** Largest address accepted: a struct sockaddr_in6. */
#define INFRA_ADDR_MAX 28
/** Timeout for a server never measured, in ms.  Below RFC 6298's 1 s
 * (section 2.1) because DNS round trips are short, and above typical
 * RTTs so a measured server is preferred to an unknown one. */
#define INFRA_RTO_INIT 400
/** Lowest timeout (ms); the clock granularity G of RFC 6298 is small
 * next to it. */
#define INFRA_RTO_MIN 50
/** Highest timeout (ms) the backoff reaches (RFC 6298 section 2.5 allows
 * a maximum of at least 60 s; two minutes here). */
#define INFRA_RTO_MAX 120000
/** EDNS status: not yet known. */
#define INFRA_EDNS_UNKNOWN -2
/** EDNS status: the server does not do EDNS (RFC 6891 section 7). */
#define INFRA_EDNS_NONE -1

/** What a lookup returns: a copy of the entry. */
struct infra_info {
	/** smoothed RTT, ms (0 when not measured) */
	int srtt;
	/** RTT variance, ms */
	int rttvar;
	/** retransmission timeout, ms, with backoff applied */
	int rto;
	/** consecutive timeouts */
	int timeouts;
	/** 1 once an RTT was measured */
	int measured;
	/** INFRA_EDNS_UNKNOWN, INFRA_EDNS_NONE or the EDNS version */
	int edns_version;
	/** largest UDP reply size that worked, 0 unknown */
	uint16_t udp_size;
	/** 1 if lame for the zone */
	int lame;
	/** 0x20 mismatches in a row (a reply that echoed the case resets
	 * it) */
	int caps_mismatches;
	/** 1 once the server is known not to keep 0x20 case (after
	 * INFRA_CAPS_MISMATCHES mismatches in a row) */
	int no_caps;
	/** queries ended by unwanted packets in the current window */
	unsigned unwanted;
	/** start of that window */
	time_t unwanted_start;
	/** ask this server over TCP only until then (0: no) */
	time_t tcp_until;
	/** 1 once the server gave data that failed validation for the
	 * zone: it is asked only when no other server is left, until the
	 * entry expires */
	int dnssec_lame;
	/** absolute expiry of the entry */
	time_t expiry;
};

/** 0x20 mismatches in a row after which a server is asked without 0x20
 * until its entry expires.  More than one: a forger who hit an ID once
 * cannot turn 0x20 off for a server (and every mismatch is asked again
 * over TCP anyway). */
#define INFRA_CAPS_MISMATCHES 2
/** The window in which unwanted packets from a server are counted
 * (seconds). */
#define INFRA_UNWANTED_WINDOW 60
/** How long a server that reached unwanted-reply-threshold is asked
 * over TCP only (seconds; bounded by the entry's life). */
#define INFRA_TCP_HOLD 300

/** Stored key of an entry. */
struct infra_key {
	/** the server's sockaddr, as given to the cache */
	uint8_t addr[INFRA_ADDR_MAX];
	/** octets of addr in use */
	uint8_t addrlen;
	/** the zone, wire form */
	uint8_t zone[DNAME_MAXLEN];
};

/** An entry. */
struct infra_entry {
	/** table header; must be first */
	struct slabhash_entry he;
	/** the key, copied into the entry */
	struct infra_key key;
	/** the data, changed under the shard lock only */
	struct infra_info info;
};

/** The infra cache. */
struct infra_cache {
	/** the entries: struct infra_entry, one per server and zone */
	struct slabhash *table;
	/** seconds an entry lives (infra-host-ttl) */
	uint32_t host_ttl;
	/** random seed mixed into every key hash (slabhash_seed()) */
	uint32_t seed;
};

/**
 * Create an infra cache.
 * @param numhosts: entries to keep (infra-cache-numhosts), at least
 *	one per shard.
 * @param host_ttl: lifetime of an entry in seconds (infra-host-ttl), >0.
 * @param slabs: shards (infra-cache-slabs); 0 for the default.
 * @return the cache or NULL.
 */
struct infra_cache *infra_cache_create(size_t numhosts, uint32_t host_ttl,
	size_t slabs);

/**
 * Delete the cache and its entries.
 * @param c: the cache; NULL is accepted.
 */
void infra_cache_delete(struct infra_cache *c);

/**
 * Read what is known about a server for a zone.
 * @param c: the cache.
 * @param addr: a sockaddr, padding zeroed; addrlen at most INFRA_ADDR_MAX.
 * @param addrlen: octets of addr.
 * @param zone: the zone, wire form (checked by the caller).
 * @param now: current time.
 * @param out: receives the entry, or the defaults (rto INFRA_RTO_INIT,
 *	EDNS unknown) when there is none.
 * @return 0 found, RES_ENOTFOUND none or expired, RES_EINVAL.
 */
int infra_cache_lookup(struct infra_cache *c, const void *addr,
	size_t addrlen, const uint8_t *zone, time_t now,
	struct infra_info *out);

/**
 * Record a round trip or a timeout (creating the entry if needed).
 * @param c, addr, addrlen, zone, now: as for infra_cache_lookup().
 * RFC 6298 section 2: the first sample sets SRTT = R, RTTVAR = R/2; later
 * ones RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, SRTT = 7/8 SRTT + 1/8 R; then
 * RTO = SRTT + 4 RTTVAR, clamped.  A timeout doubles the RTO (section
 * 5.5) up to INFRA_RTO_MAX; the next sample ends the backoff.
 * @param rtt_ms: the measured RTT in ms, or a negative value for a
 *	timeout.
 * @return 0, RES_EINVAL, RES_ENOMEM.
 */
int infra_cache_rtt_update(struct infra_cache *c, const void *addr,
	size_t addrlen, const uint8_t *zone, time_t now, int rtt_ms);

/**
 * Record the EDNS capability seen (creating the entry if needed).
 * @param c, addr, addrlen, zone, now: as for infra_cache_lookup().
 * @param edns_version: INFRA_EDNS_NONE or a version (0 for EDNS0).
 * @param udp_size: a UDP reply size that worked, 0 to leave as is.
 * @return 0, RES_EINVAL, RES_ENOMEM.
 */
int infra_cache_edns_update(struct infra_cache *c, const void *addr,
	size_t addrlen, const uint8_t *zone, time_t now, int edns_version,
	uint16_t udp_size);

/**
 * Mark a server lame (or not) for a zone (creating the entry if needed).
 * @param c, addr, addrlen, zone, now: as for infra_cache_lookup().
 * @param lame: 1 lame, 0 not.
 * @return 0, RES_EINVAL, RES_ENOMEM.
 */
int infra_cache_set_lame(struct infra_cache *c, const void *addr,
	size_t addrlen, const uint8_t *zone, time_t now, int lame);

/**
 * Mark a server as having given data that failed validation for a zone
 * (creating the entry if needed); see struct infra_info dnssec_lame.
 * @param c, addr, addrlen, zone, now: as for infra_cache_lookup().
 * @return 0, RES_EINVAL, RES_ENOMEM.
 */
int infra_cache_set_dnssec_lame(struct infra_cache *c, const void *addr,
	size_t addrlen, const uint8_t *zone, time_t now);

/**
 * Record whether a reply echoed the 0x20 case of a query (creating the
 * entry if needed).
 * @param c, addr, addrlen, zone, now: as for infra_cache_lookup().
 * @param mismatch: 1 when it did not, 0 when it did.
 * @param marked: set to 1 when this update marked the server no_caps,
 *	else 0; may be NULL.
 * @return 0, RES_EINVAL, RES_ENOMEM.
 */
int infra_cache_caps_update(struct infra_cache *c, const void *addr,
	size_t addrlen, const uint8_t *zone, time_t now, int mismatch,
	int *marked);

/**
 * Count a query to the server that an unwanted packet ended (creating
 * the entry if needed).  When threshold such queries fall within
 * INFRA_UNWANTED_WINDOW seconds, the server is asked over TCP only for
 * INFRA_TCP_HOLD seconds.
 * @param c, addr, addrlen, zone, now: as for infra_cache_lookup().
 * @param threshold: unwanted-reply-threshold; 0 never switches.
 * @param switched: set to 1 when this update switched the server to TCP,
 *	else 0; may be NULL.
 * @return 0, RES_EINVAL, RES_ENOMEM.
 */
int infra_cache_unwanted(struct infra_cache *c, const void *addr,
	size_t addrlen, const uint8_t *zone, time_t now, unsigned threshold,
	int *switched);

/**
 * Remove what is known about a server for a zone (flush_infra IP).
 * @param c, addr, addrlen, zone: as for infra_cache_lookup().
 * @return 0, RES_ENOTFOUND when there is no entry, RES_EINVAL.
 */
int infra_cache_remove(struct infra_cache *c, const void *addr,
	size_t addrlen, const uint8_t *zone);

/**
 * Memory in use: entries, table structures and the cache object.
 * @param c: the cache; NULL gives 0.
 * @return bytes.
 */
size_t infra_cache_memory(struct infra_cache *c);

/**
 * Read the table counters (hits, misses, evictions, entries).
 * @param c: the cache; NULL gives zeroes.
 * @param st: receives the counters.
 */
void infra_cache_get_stats(struct infra_cache *c, struct slabhash_stats *st);

/**
 * Walk every entry shard by shard under the shard lock (see
 * slabhash_walk()), expired ones included.
 * @param c: the cache.
 * @param fn: called per entry; must not call into the cache; non-zero
 * 	stops the walk.
 * @param arg: passed to fn.
 * @return 0 or the value that stopped the walk.
 */
int infra_cache_walk(struct infra_cache *c,
	int (*fn)(const struct infra_entry *e, void *arg), void *arg);

/**
 * Remove every entry (flush); entries still referenced are freed at
 * their release.
 * @param c: the cache; NULL is accepted.
 */
void infra_cache_clear(struct infra_cache *c);

#endif /* CACHE_INFRA_H */
