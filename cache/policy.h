/*
 * cache/policy.h - TTL, serve-expired and prefetch policy shared by the
 * RRset and message caches, and the flags their lookups return.
 *
 * The daemon fills a struct cache_policy from the configuration
 * (cache-min-ttl, cache-max-ttl, cache-max-negative-ttl, serve-expired,
 * serve-expired-ttl, prefetch) and passes it to the create functions,
 * which copy it.  Everything is plain values so the caches do not depend
 * on the configuration code.  Time is always given by the caller as a
 * time_t "now"; the caches never read the clock.
 */
#ifndef CACHE_POLICY_H
#define CACHE_POLICY_H
#include <stdint.h>
#include <time.h>

/** Unbound's default of cache-max-ttl: one day. */
#define CACHE_DEFAULT_MAX_TTL 86400
/** Default of cache-max-negative-ttl: one hour. */
#define CACHE_DEFAULT_MAX_NEGATIVE_TTL 3600
/** TTL to put in an answer built from expired data, RFC 8767 section 4
 * ("a TTL of 30 seconds" is recommended). */
#define CACHE_STALE_ANSWER_TTL 30

/** Lookup result flag: the entry is expired, returned because
 * serve-expired is on (RFC 8767); use it only when upstream fails. */
#define CACHE_FLAG_STALE 0x01
/** Lookup result flag: the entry was hit in the last 10% of its TTL
 * and prefetch is on; the caller should refresh it in the background.
 * Given to one caller only per entry. */
#define CACHE_FLAG_PREFETCH 0x02

/** The TTL policy of a cache. */
struct cache_policy {
	/** cache-min-ttl: positive TTLs are raised to this */
	uint32_t min_ttl;
	/** cache-max-ttl: TTLs are lowered to this */
	uint32_t max_ttl;
	/** cache-max-negative-ttl: negative answers' TTL limit */
	uint32_t max_negative_ttl;
	/** serve-expired: keep and return expired entries, flagged */
	int serve_expired;
	/** serve-expired-ttl: seconds after expiry an entry may still be
	 * served; 0 is no limit */
	uint32_t serve_expired_ttl;
	/** prefetch: flag hits in the last 10% of the TTL */
	int prefetch;
};

/**
 * Fill a policy with the defaults: min 0, max CACHE_DEFAULT_MAX_TTL,
 * negative max CACHE_DEFAULT_MAX_NEGATIVE_TTL, serve-expired and prefetch
 * off, serve-expired-ttl 0.
 */
static inline void
cache_policy_default(struct cache_policy *p)
{
	p->min_ttl = 0;
	p->max_ttl = CACHE_DEFAULT_MAX_TTL;
	p->max_negative_ttl = CACHE_DEFAULT_MAX_NEGATIVE_TTL;
	p->serve_expired = 0;
	p->serve_expired_ttl = 0;
	p->prefetch = 0;
}

/**
 * Clamp a positive TTL: raise to min_ttl, then lower to max_ttl.
 * @return the TTL to cache.
 */
static inline uint32_t
cache_policy_ttl(const struct cache_policy *p, uint32_t ttl)
{
	if (ttl < p->min_ttl) {
		ttl = p->min_ttl;
	}
	if (ttl > p->max_ttl) {
		ttl = p->max_ttl;
	}
	return ttl;
}

/**
 * Classify an entry at time now.
 * @param p: the policy.
 * @param expiry: absolute expiry of the entry.
 * @param ttl: the TTL it was cached with.
 * @param now: the current time.
 * @return -1 if the entry must not be used, else 0 or CACHE_FLAG_STALE
 *	(expired but within serve-expired-ttl, RFC 8767 section 5), or'ed
 *	with CACHE_FLAG_PREFETCH when live with at most 10% of ttl left.
 */
static inline int
cache_policy_state(const struct cache_policy *p, time_t expiry,
    uint32_t ttl, time_t now)
{
	if (now >= expiry) {
		if (!p->serve_expired) {
			return -1;
		}
		if (p->serve_expired_ttl != 0 &&
		    now - expiry >= (time_t)p->serve_expired_ttl) {
			return -1;
		}
		return CACHE_FLAG_STALE;
	}
	if (p->prefetch && (expiry - now) * 10 <= (time_t)ttl) {
		return CACHE_FLAG_PREFETCH;
	}
	return 0;
}

#endif /* CACHE_POLICY_H */
