/*
 * util/region.c - arena allocator (see region.h).
 */
#include "config.h"
#include "util/region.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/** Size of a normal chunk. */
#define REGION_CHUNK 8192
/** Allocations above this get their own chunk. */
#define REGION_LARGE 2048
/** Alignment of every allocation. */
#define REGION_ALIGN 16

/** A chunk of memory; data follows the header. */
struct region_chunk {
	/** Next chunk in the list. */
	struct region_chunk *next;
	/** Padding so data is aligned. */
	uint8_t pad[REGION_ALIGN - sizeof(void *)];
};

struct region {
	/** All chunks, newest first. */
	struct region_chunk *chunks;
	/** Free space in the current normal chunk. */
	uint8_t *cur;
	/** Octets left at cur. */
	size_t left;
	/** Total allocated. */
	size_t total;
};

struct region *
region_create(void)
{
	return calloc(1, sizeof(struct region));
}

void
region_delete(struct region *r)
{
	struct region_chunk *c, *next;

	if (!r) {
		return;
	}
	for (c = r->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(r);
}

void *
region_alloc(struct region *r, size_t size)
{
	struct region_chunk *c;
	void *p;

	size = (size + REGION_ALIGN - 1) & ~(size_t)(REGION_ALIGN - 1);
	if (size == 0) {
		size = REGION_ALIGN;
	}
	if (size > REGION_LARGE) {
		c = malloc(sizeof(*c) + size);
		if (!c) {
			return NULL;
		}
		/* Behind the head so the current chunk stays in use. */
		if (r->chunks) {
			c->next = r->chunks->next;
			r->chunks->next = c;
		} else {
			c->next = NULL;
			r->chunks = c;
		}
		r->total += size;
		return (uint8_t *)c + sizeof(*c);
	}
	if (size > r->left) {
		c = malloc(sizeof(*c) + REGION_CHUNK);
		if (!c) {
			return NULL;
		}
		c->next = r->chunks;
		r->chunks = c;
		r->cur = (uint8_t *)c + sizeof(*c);
		r->left = REGION_CHUNK;
	}
	p = r->cur;
	r->cur += size;
	r->left -= size;
	r->total += size;
	return p;
}

void *
region_zalloc(struct region *r, size_t size)
{
	void *p = region_alloc(r, size);

	if (p) {
		memset(p, 0, size);
	}
	return p;
}

void *
region_copy(struct region *r, const void *src, size_t size)
{
	void *p = region_alloc(r, size);

	if (p && size) {
		memcpy(p, src, size);
	}
	return p;
}

size_t
region_size(const struct region *r)
{
	return r->total;
}
