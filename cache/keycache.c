/*
 * cache/keycache.c - the validator's key cache (see keycache.h).
 *
 * Each entry is one malloc: struct key_entry, the offset table, the zone
 * name, the key rdata and the reason.
 */
#include "config.h"
#include "cache/keycache.h"
#include "util/dname.h"
#include "util/error.h"
#include <stdlib.h>
#include <string.h>

/** Lookup key: zone and class. */
struct key_lookup {
	/** zone, wire form */
	const uint8_t *zone;
	/** class */
	uint16_t rclass;
};

/** Key comparison (RFC 4343 case-insensitive names). */
static int
key_match(const void *key, const struct slabhash_entry *he)
{
	const struct key_lookup *k = key;
	const struct key_entry *e = (const struct key_entry *)he;

	return k->rclass == e->rclass && dname_equal(k->zone, e->zone);
}

/** Free an entry: one block. */
static void
key_free(struct slabhash_entry *he, void *arg)
{
	(void)arg;
	free(he);
}

/** Table callbacks: the validator's newest result replaces the old. */
static const struct slabhash_type key_type = { key_match, key_free, NULL };

/** Hash of a lookup key. */
static uint32_t
key_hash(const struct key_cache *c, const struct key_lookup *k)
{
	return dname_hash(k->zone, c->seed ^ k->rclass);
}

struct key_cache *
key_cache_create(size_t bytes, size_t slabs)
{
	struct key_cache *c;

	if (!(c = calloc(1, sizeof(*c)))) {
		return NULL;
	}
	c->seed = slabhash_seed();
	if (!(c->table = slabhash_create(slabs, bytes, &key_type, c))) {
		free(c);
		return NULL;
	}
	return c;
}

void
key_cache_delete(struct key_cache *c)
{
	if (!c) {
		return;
	}
	slabhash_delete(c->table);
	free(c);
}

int
key_cache_store(struct key_cache *c, const uint8_t *zone, uint16_t rclass,
    const struct key_store *in, time_t now)
{
	struct key_entry *e;
	struct key_lookup k;
	size_t zlen, rdlen = 0, reasonlen = 0, blk, i, pos;
	uint32_t *off;
	uint8_t *p;

	if (!c || !zone || !in || in->ttl == 0 ||
	    in->status < KEY_STATUS_SECURE || in->status > KEY_STATUS_BOGUS ||
	    (in->count > 0 && !in->keys)) {
		return RES_EINVAL;
	}
	if (dname_check(zone, DNAME_MAXLEN, &zlen) != 0) {
		return RES_EMALFORMED;
	}
	if (in->count > RRSET_MAX_RRS) {
		return RES_ELIMIT;
	}
	for (i = 0; i < in->count; i++) {
		if (in->keys[i].len > 0 && !in->keys[i].data) {
			return RES_EINVAL;
		}
		rdlen += in->keys[i].len;
		if (rdlen > RRSET_MAX_RDATA) {
			return RES_ELIMIT;
		}
	}
	if (in->reason) {
		reasonlen = strlen(in->reason) + 1;
	}
	blk = sizeof(*e) + (in->count + 1) * sizeof(uint32_t) + zlen + rdlen +
	    reasonlen;
	if (!(e = malloc(blk))) {
		return RES_ENOMEM;
	}
	memset(e, 0, sizeof(*e));
	off = (uint32_t *)(e + 1);
	p = (uint8_t *)(off + in->count + 1);
	memcpy(p, zone, zlen);
	e->zone = p;
	e->rclass = rclass;
	p += zlen;
	e->d.rdata = p;
	for (i = 0, pos = 0; i < in->count; i++) {
		off[i] = (uint32_t)pos;
		if (in->keys[i].len) {
			memcpy(p + pos, in->keys[i].data, in->keys[i].len);
		}
		pos += in->keys[i].len;
	}
	off[in->count] = (uint32_t)pos;
	p += pos;
	if (reasonlen) {
		memcpy(p, in->reason, reasonlen);
		e->d.reason = (const char *)p;
	}
	e->d.off = off;
	e->d.count = (uint16_t)in->count;
	e->d.status = in->status;
	e->d.ttl = in->ttl;
	e->d.expiry = now + (time_t)in->ttl;
	e->d.ede = in->ede;
	k.zone = zone;
	k.rclass = rclass;
	e->he.hash = key_hash(c, &k);
	e->he.size = slabhash_alloc_size(blk);
	return slabhash_insert(c->table, &e->he, &k, NULL);
}

struct key_entry *
key_cache_lookup(struct key_cache *c, const uint8_t *zone, uint16_t rclass,
    time_t now)
{
	struct key_lookup k;
	struct key_entry *e;

	if (!c || !zone) {
		return NULL;
	}
	k.zone = zone;
	k.rclass = rclass;
	e = (struct key_entry *)slabhash_lookup(c->table, key_hash(c, &k), &k);
	if (e && now >= e->d.expiry) {
		slabhash_release(c->table, &e->he);
		return NULL;
	}
	return e;
}

struct key_entry *
key_cache_lookup_closest(struct key_cache *c, const uint8_t *name,
    uint16_t rclass, time_t now)
{
	struct key_entry *e;

	while (name) {
		if ((e = key_cache_lookup(c, name, rclass, now))) {
			return e;
		}
		name = dname_parent(name);
	}
	return NULL;
}

void
key_cache_release(struct key_cache *c, struct key_entry *e)
{
	if (c && e) {
		slabhash_release(c->table, &e->he);
	}
}

int
key_cache_remove(struct key_cache *c, const uint8_t *zone, uint16_t rclass)
{
	struct key_lookup k;

	if (!c || !zone) {
		return RES_ENOTFOUND;
	}
	k.zone = zone;
	k.rclass = rclass;
	return slabhash_remove(c->table, key_hash(c, &k), &k);
}

const uint8_t *
key_data_key(const struct key_data *d, size_t i, uint16_t *len)
{
	if (!d || i >= d->count) {
		return NULL;
	}
	if (len) {
		*len = (uint16_t)(d->off[i + 1] - d->off[i]);
	}
	return d->rdata + d->off[i];
}

size_t
key_cache_memory(struct key_cache *c)
{
	if (!c) {
		return 0;
	}
	return slabhash_alloc_size(sizeof(*c)) + slabhash_memory(c->table);
}

void
key_cache_get_stats(struct key_cache *c, struct slabhash_stats *st)
{
	slabhash_get_stats(c ? c->table : NULL, st);
}

/** Adapter from slabhash_walk() to a key walk function. */
struct key_walk_arg {
	/** the caller's function */
	int (*fn)(const struct key_entry *e, void *arg);
	/** passed to fn with each entry */
	void *arg;
};

/** Call the caller's function with the key entry. */
static int
key_walk_one(const struct slabhash_entry *he, void *arg)
{
	struct key_walk_arg *w = arg;

	return w->fn((const struct key_entry *)he, w->arg);
}

int
key_cache_walk(struct key_cache *c,
    int (*fn)(const struct key_entry *e, void *arg), void *arg)
{
	struct key_walk_arg w;

	if (!c || !fn) {
		return 0;
	}
	w.fn = fn;
	w.arg = arg;
	return slabhash_walk(c->table, key_walk_one, &w);
}

/** One zone to remove, for key_cache_remove_below(). */
struct key_doomed {
	/** Next. */
	struct key_doomed *next;
	/** Class. */
	uint16_t rclass;
	/** The zone. */
	uint8_t zone[DNAME_MAXLEN];
};

/** What key_cache_remove_below() collects. */
struct key_below_arg {
	/** The top zone. */
	const uint8_t *zone;
	/** The entries found. */
	struct key_doomed *list;
	/** 1 when out of memory (some are then left). */
	int nomem;
};

/** Walk callback: collect entries at or below the zone. */
static int
key_below_one(const struct key_entry *e, void *arg)
{
	struct key_below_arg *a = arg;
	struct key_doomed *k;

	if (!dname_is_subdomain(e->zone, a->zone)) {
		return 0;
	}
	if (!(k = malloc(sizeof(*k)))) {
		a->nomem = 1;
		return 1;
	}
	memcpy(k->zone, e->zone, dname_len(e->zone));
	k->rclass = e->rclass;
	k->next = a->list;
	a->list = k;
	return 0;
}

size_t
key_cache_remove_below(struct key_cache *c, const uint8_t *zone)
{
	struct key_below_arg a;
	struct key_doomed *k, *n;
	size_t count = 0;

	if (!c || !zone) {
		return 0;
	}
	memset(&a, 0, sizeof(a));
	a.zone = zone;
	(void)key_cache_walk(c, key_below_one, &a);
	for (k = a.list; k; k = n) {
		n = k->next;
		count += key_cache_remove(c, k->zone, k->rclass) == 0;
		free(k);
	}
	return count;
}

void
key_cache_clear(struct key_cache *c)
{
	if (c) {
		slabhash_clear(c->table);
	}
}
