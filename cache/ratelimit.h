/*
 * cache/ratelimit.h - per-second query counters for ip-ratelimit and
 * ratelimit, and the per-zone limits of ratelimit-for-domain and
 * ratelimit-below-domain.
 *
 * A struct rate_table counts events per key (a client address prefix, a
 * zone name) in the current second.  It is a sharded hash table
 * (cache/slabhash.h) shared by every worker thread: a count takes one
 * shard lock for a bucket walk and an increment, so threads counting
 * different keys rarely meet.  Each entry holds the second it counts and
 * the count; a count for another second starts again at one, so an entry
 * expires by itself when its second is over.  The table's byte budget
 * bounds the memory: inserting past it evicts the least recently counted
 * keys of the shard (a forgotten key simply starts again at zero).
 *
 * The window is the calendar second of the resolver's clock (env->now),
 * not a sliding one: a burst that straddles two seconds may see up to
 * twice the limit.  That is the price of one word of state per key, and
 * of tests that can say exactly which query is the first over the limit.
 *
 * Who is limited over the limit, and which 1 in N passes anyway, is the
 * caller's choice; rate_slip() is the shared rule for the second.
 */
#ifndef CACHE_RATELIMIT_H
#define CACHE_RATELIMIT_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/socket.h>

struct rate_table;
struct cfg_str2list;

/** Longest key: a domain name in wire form. */
#define RATE_KEY_MAX 255
/** Key length of an IPv4 client (/32): a family octet and 4 octets. */
#define RATE_KEY_IP4_LEN 5
/** Key length of an IPv6 client (/64): a family octet and 8 octets. */
#define RATE_KEY_IP6_LEN 9

/**
 * Create a table.
 * @param budget: bytes the entries may take (ratelimit-size); at least
 *	nshards times a few hundred bytes to be useful.
 * @param nshards: shards (ratelimit-slabs), a power of two.
 * @return the table, or NULL (out of memory, bad arguments).
 */
struct rate_table *rate_table_create(size_t budget, size_t nshards);

/**
 * Delete a table.
 * @param t: the table; NULL is accepted.
 */
void rate_table_delete(struct rate_table *t);

/**
 * Count one event for a key in the second now.  Thread-safe.
 * @param t: the table.
 * @param key: the key octets (see rate_key_addr(), rate_key_zone()).
 * @param len: their number, 1..RATE_KEY_MAX.
 * @param now: the current time, seconds.
 * @return the events of this key in this second, this one included; 0
 *	when it could not be counted (NULL table, bad key, out of memory):
 *	callers treat that as within every limit.
 */
uint32_t rate_table_count(struct rate_table *t, const uint8_t *key,
	size_t len, time_t now);

/**
 * The events of a key in the second now, without counting one.
 * @return the count; 0 for an unknown key or another second.
 */
uint32_t rate_table_peek(struct rate_table *t, const uint8_t *key,
	size_t len, time_t now);

/**
 * Memory in use.
 * @param t: the table; NULL gives 0.
 * @return bytes of the entries and the table.
 */
size_t rate_table_memory(struct rate_table *t);

/**
 * The key of a client address: IPv4 /32, IPv6 /64 (a host's whole
 * subnet, as one customer usually gets at least a /64); an IPv4-mapped
 * IPv6 address counts as the IPv4 address.  The port is not part of it.
 * @param a: the address.
 * @param len: its length.
 * @param key: receives the key, at least RATE_KEY_IP6_LEN octets.
 * @return the key length, or 0 for another address family.
 */
size_t rate_key_addr(const struct sockaddr_storage *a, socklen_t len,
	uint8_t *key);

/**
 * The key of a zone: its wire form in lower case (RFC 4343).
 * @param zone: the name, wire form, valid.
 * @param key: receives the key, RATE_KEY_MAX octets.
 * @return the key length.
 */
size_t rate_key_zone(const uint8_t *zone, uint8_t *key);

/**
 * Does the count-th event of a second, with limit lim, pass?  Events up
 * to the limit pass; of those over it, every factor-th passes (the
 * limit + factor-th, limit + 2 * factor-th, ...), none when factor is 0.
 * Counting rather than drawing at random keeps the rate exact and the
 * replay tests deterministic.
 * @param count: as rate_table_count() returned.
 * @param lim: the limit, above 0.
 * @param factor: ratelimit-factor or ip-ratelimit-factor.
 * @return 0 pass within the limit, 1 pass over it (a slip), -1 limited.
 */
int rate_slip(uint32_t count, uint32_t lim, uint32_t factor);

/** The per-zone limits of ratelimit-for-domain and ratelimit-below-domain,
 * read-only once made (shared by the threads). */
struct rate_domains;

/**
 * Make the per-zone limits from the config lists; entries that do not
 * parse are skipped (config_check() reports them).
 * @param exact: ratelimit-for-domain, "name qps" pairs.
 * @param below: ratelimit-below-domain, "name qps" pairs.
 * @return the limits (empty when both lists are), or NULL when out of
 *	memory.
 */
struct rate_domains *rate_domains_create(const struct cfg_str2list *exact,
	const struct cfg_str2list *below);

/**
 * Delete the limits.
 * @param d: NULL is accepted.
 */
void rate_domains_delete(struct rate_domains *d);

/**
 * Is any per-zone limit configured?
 * @param d: the limits, or NULL.
 * @return 1 or 0.
 */
int rate_domains_has_any(const struct rate_domains *d);

/**
 * The limit of a zone: its ratelimit-for-domain if it has one, else the
 * ratelimit-below-domain of its closest strict ancestor that has one,
 * else dflt (ratelimit), as Unbound picks it.
 * @param d: the limits, or NULL.
 * @param zone: the zone, wire form.
 * @param dflt: the global ratelimit.
 * @return queries per second, 0 for no limit.
 */
int rate_domains_limit(const struct rate_domains *d, const uint8_t *zone,
	int dflt);

#endif /* CACHE_RATELIMIT_H */
