/*
 * iterator/iter_fwd.h - forward zones and stub zones (unbound.conf's
 * "forward-zone:" and "stub-zone:").
 *
 * A forward zone sends every query for names at or below it to the given
 * servers with RD set, and takes their answers as final (they recurse).
 * A stub zone gives the authoritative servers of a zone: the iterator
 * starts there instead of following referrals from the root (RD clear).
 * With forward-first / stub-first a failure falls back to normal
 * resolution.  The closest zone (most labels) containing the name wins;
 * a delegation learnt in the cache below a stub zone is still used.
 *
 * Built once per (re)load from the config and only read afterwards.
 */
#ifndef ITERATOR_ITER_FWD_H
#define ITERATOR_ITER_FWD_H
#include <stddef.h>
#include <stdint.h>

struct config;
struct region;
struct delegpt;
struct iter_forwards;

/** One forward or stub zone, as found by iter_fwd_lookup(). */
struct iter_fwd_zone {
	/** Zone name, wire form. */
	uint8_t *name;
	/** 1 for forward-zone, 0 for stub-zone. */
	int is_forward;
	/** forward-first / stub-first. */
	int isfirst;
	/** forward-tcp-upstream. */
	int tcp;
	/** stub-prime: ask the stub servers for the zone's NS set. */
	int prime;
	/** The servers: names and addresses, as a delegation point (owned
	 * by the table; copy with iter_fwd_delegpt()). */
	struct delegpt *dp;
};

/** Create an empty table.  NULL when out of memory. */
struct iter_forwards *iter_fwd_create(void);

/** Delete.  NULL ok. */
void iter_fwd_delete(struct iter_forwards *f);

/**
 * Load every forward-zone: and stub-zone: clause of a config.
 * @return 0, or RES_ESYNTAX after logging "file:line: ..." for a bad
 *	name or address, RES_ENOMEM.
 */
int iter_fwd_apply_config(struct iter_forwards *f, const struct config *cfg);

/**
 * The closest forward or stub zone at or above a name.
 * @return the zone or NULL.
 */
const struct iter_fwd_zone *iter_fwd_lookup(const struct iter_forwards *f,
	const uint8_t *name);

/**
 * A copy of a zone's servers as a delegation point in a region.
 * @return it, or NULL when out of memory.
 */
struct delegpt *iter_fwd_delegpt(const struct iter_fwd_zone *z,
	struct region *r);

/** Number of zones (forward and stub). */
size_t iter_fwd_count(const struct iter_forwards *f);

#endif /* ITERATOR_ITER_FWD_H */
