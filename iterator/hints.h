/*
 * iterator/hints.h - root hints: where resolution starts.
 *
 * From the "root-hints:" files (zone-file format: NS records for the
 * root and A/AAAA records for their names), or, with none configured,
 * the built-in addresses of the IANA root servers.  The hints are only a
 * starting point: the iterator primes them (asks one of them for the root
 * NS set, RFC 8109) and then uses what the root says.
 */
#ifndef ITERATOR_HINTS_H
#define ITERATOR_HINTS_H

struct config;
struct region;
struct delegpt;
struct iter_hints;

/** Create empty hints.  NULL when out of memory. */
struct iter_hints *hints_create(void);

/** Delete.  NULL ok. */
void hints_delete(struct iter_hints *h);

/**
 * Load the root hints of a config: every root-hints: file, or the
 * built-in hints when none is given.
 * @return 0, or an error after logging "file:line: ..." (bad record, a
 *	file that cannot be read, no NS for the root, an NS without address).
 */
int hints_apply_config(struct iter_hints *h, const struct config *cfg);

/**
 * A copy of the root delegation point in a region.
 * @return it, or NULL when out of memory or there are no hints.
 */
struct delegpt *hints_root(const struct iter_hints *h, struct region *r);

#endif /* ITERATOR_HINTS_H */
