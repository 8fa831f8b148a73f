/*
 * util/region.h - an arena for per-query memory.
 *
 * Everything a query state allocates lives in its region and is freed at
 * once with the query (region_delete) — no per-object free, no leaks on
 * error paths.  Small allocations come from 8 KB chunks; large ones get a
 * chunk of their own.  Not thread-safe: a region belongs to one query on
 * one worker.  Allocation failure returns NULL (callers answer SERVFAIL).
 */
#ifndef UTIL_REGION_H
#define UTIL_REGION_H
#include <stddef.h>

struct region;

/** Create an empty region.  NULL when out of memory. */
struct region *region_create(void);

/** Free the region and everything allocated in it.  NULL ok. */
void region_delete(struct region *r);

/**
 * Allocate size octets, aligned for any type.
 * @return the memory, or NULL when out of memory.
 */
void *region_alloc(struct region *r, size_t size);

/** Allocate and zero. */
void *region_zalloc(struct region *r, size_t size);

/** Allocate a copy of size octets of p.  NULL when out of memory. */
void *region_copy(struct region *r, const void *p, size_t size);

/** Octets allocated so far (for statistics and limits). */
size_t region_size(const struct region *r);

#endif /* UTIL_REGION_H */
