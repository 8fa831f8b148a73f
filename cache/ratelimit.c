/*
 * cache/ratelimit.c - per-second query counters and per-zone limits (see
 * ratelimit.h).
 *
 * An entry is one allocation: the slabhash header, the second counted,
 * the count and the key octets.  A count is a slabhash_apply() that
 * updates the entry in place under its shard lock; a key not in the table
 * is inserted with a count of one.  Two threads inserting the same key at
 * once: may_replace keeps the first entry, and the loser counts on it, so
 * no event is lost.
 */
#include "config.h"
#include "cache/ratelimit.h"
#include "cache/slabhash.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/error.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/** The table: counters in a slabhash, and the seed of its key hash. */
struct rate_table {
	/** the entries (struct rate_entry) */
	struct slabhash *table;
	/** hash seed, random per process (slabhash_seed()) */
	uint32_t seed;
};

/** One key's counter. */
struct rate_entry {
	/** table header; first, so the entry is its slabhash_entry */
	struct slabhash_entry he;
	/** the second counted in; a count of another second is stale */
	time_t second;
	/** events in that second, saturating at UINT32_MAX */
	uint32_t count;
	/** key octets used */
	uint16_t len;
	/** the key: an address prefix or a lower-case zone name */
	uint8_t key[];
};

/** A lookup key, the caller's octets. */
struct rate_lookup {
	/** the key */
	const uint8_t *key;
	/** its length */
	size_t len;
	/** in: the current second; out: the count after the update */
	time_t now;
	/** the count (out) */
	uint32_t count;
};

/** Key comparison: the octets (keys are lower-cased when made). */
static int
rate_match(const void *key, const struct slabhash_entry *he)
{
	const struct rate_lookup *k = key;
	const struct rate_entry *e = (const struct rate_entry *)he;

	return k->len == e->len && memcmp(k->key, e->key, k->len) == 0;
}

/** Free an entry. */
static void
rate_free(struct slabhash_entry *he, void *arg)
{
	(void)arg;
	free(he);
}

/** The first of two entries inserted at once stays (see the top). */
static int
rate_keep_old(const struct slabhash_entry *old,
    const struct slabhash_entry *new_entry, void *arg)
{
	(void)old;
	(void)new_entry;
	(void)arg;
	return 0;
}

/** Table callbacks. */
static const struct slabhash_type rate_type = {
	rate_match, rate_free, rate_keep_old
};

struct rate_table *
rate_table_create(size_t budget, size_t nshards)
{
	struct rate_table *t = calloc(1, sizeof(*t));

	if (!t) {
		return NULL;
	}
	t->seed = slabhash_seed();
	t->table = slabhash_create(nshards, budget, &rate_type, NULL);
	if (!t->table) {
		free(t);
		return NULL;
	}
	return t;
}

void
rate_table_delete(struct rate_table *t)
{
	if (!t) {
		return;
	}
	slabhash_delete(t->table);
	free(t);
}

/** FNV-1a of the key octets with the table's seed. */
static uint32_t
rate_hash(const struct rate_table *t, const uint8_t *key, size_t len)
{
	uint32_t h = t->seed ^ 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h = (h ^ key[i]) * 16777619u;
	}
	return h;
}

/** Count one event, under the shard lock. */
static void
rate_inc(struct slabhash_entry *he, void *arg)
{
	struct rate_entry *e = (struct rate_entry *)he;
	struct rate_lookup *k = arg;

	if (e->second != k->now) {
		e->second = k->now;
		e->count = 0;
	}
	if (e->count < UINT32_MAX) {
		e->count++;
	}
	k->count = e->count;
}

/** Read the count, under the shard lock. */
static void
rate_read(struct slabhash_entry *he, void *arg)
{
	const struct rate_entry *e = (const struct rate_entry *)he;
	struct rate_lookup *k = arg;

	k->count = e->second == k->now ? e->count : 0;
}

uint32_t
rate_table_count(struct rate_table *t, const uint8_t *key, size_t len,
    time_t now)
{
	struct rate_lookup k;
	struct rate_entry *e;
	uint32_t h;
	int r;

	if (!t || !key || len == 0 || len > RATE_KEY_MAX) {
		return 0;
	}
	k.key = key;
	k.len = len;
	k.now = now;
	k.count = 0;
	h = rate_hash(t, key, len);
	if (slabhash_apply(t->table, h, &k, rate_inc, &k) == 0) {
		return k.count;
	}
	if (!(e = calloc(1, sizeof(*e) + len))) {
		return 0;
	}
	e->second = now;
	e->count = 1;
	e->len = (uint16_t)len;
	memcpy(e->key, key, len);
	e->he.hash = h;
	e->he.size = slabhash_alloc_size(sizeof(*e) + len);
	r = slabhash_insert(t->table, &e->he, &k, NULL);
	if (r == RES_EEXIST) {
		/* Another thread inserted it meanwhile: count on its. */
		if (slabhash_apply(t->table, h, &k, rate_inc, &k) == 0) {
			return k.count;
		}
		return 0;
	}
	return r == 0 ? 1 : 0;
}

uint32_t
rate_table_peek(struct rate_table *t, const uint8_t *key, size_t len,
    time_t now)
{
	struct rate_lookup k;

	if (!t || !key || len == 0 || len > RATE_KEY_MAX) {
		return 0;
	}
	k.key = key;
	k.len = len;
	k.now = now;
	k.count = 0;
	if (slabhash_apply(t->table, rate_hash(t, key, len), &k, rate_read,
	    &k) != 0) {
		return 0;
	}
	return k.count;
}

size_t
rate_table_memory(struct rate_table *t)
{
	if (!t) {
		return 0;
	}
	return slabhash_alloc_size(sizeof(*t)) + slabhash_memory(t->table);
}

size_t
rate_key_addr(const struct sockaddr_storage *a, socklen_t len, uint8_t *key)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	if (a->ss_family == AF_INET &&
	    len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)a;

		key[0] = 4;
		memcpy(key + 1, &s->sin_addr, 4);
		return RATE_KEY_IP4_LEN;
	}
	if (a->ss_family == AF_INET6 &&
	    len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)a;
		const uint8_t *b = s->sin6_addr.s6_addr;

		if (memcmp(b, mapped, sizeof(mapped)) == 0) {
			/* ::ffff:a.b.c.d is the IPv4 client a.b.c.d. */
			key[0] = 4;
			memcpy(key + 1, b + 12, 4);
			return RATE_KEY_IP4_LEN;
		}
		key[0] = 6;
		memcpy(key + 1, b, 8);
		return RATE_KEY_IP6_LEN;
	}
	return 0;
}

size_t
rate_key_zone(const uint8_t *zone, uint8_t *key)
{
	size_t len = dname_len(zone), i;

	if (len > RATE_KEY_MAX) {
		len = RATE_KEY_MAX;
	}
	for (i = 0; i < len; i++) {
		key[i] = (uint8_t)tolower(zone[i]);
	}
	return len;
}

int
rate_slip(uint32_t count, uint32_t lim, uint32_t factor)
{
	if (count <= lim) {
		return 0;
	}
	if (factor != 0 && (count - lim) % factor == 0) {
		return 1;
	}
	return -1;
}

/** One ratelimit-for-domain or ratelimit-below-domain entry. */
struct rate_domain {
	/** the zone, wire form */
	uint8_t name[DNAME_MAXLEN];
	/** its labels, for the closest ancestor */
	int labels;
	/** queries per second, 0 for none */
	int lim;
};

struct rate_domains {
	/** ratelimit-for-domain entries */
	struct rate_domain *exact;
	/** how many */
	size_t nexact;
	/** ratelimit-below-domain entries */
	struct rate_domain *below;
	/** how many */
	size_t nbelow;
};

/** Parse a list into an array; bad entries are left out. */
static int
rate_domains_parse(const struct cfg_str2list *l, struct rate_domain **out,
    size_t *n)
{
	const struct cfg_str2list *p;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	for (p = l; p; p = p->next) {
		k++;
	}
	if (k == 0) {
		return RES_OK;
	}
	if (!(*out = calloc(k, sizeof(**out)))) {
		return RES_ENOMEM;
	}
	for (p = l; p; p = p->next) {
		struct rate_domain *d = &(*out)[*n];
		char *end;
		long v;

		errno = 0;
		v = p->str2 ? strtol(p->str2, &end, 10) : -1;
		if (v < 0 || v > INT_MAX || errno != 0 || *end != 0 ||
		    dname_from_str(p->str, NULL, d->name, NULL) != 0) {
			continue;
		}
		d->labels = dname_count_labels(d->name);
		d->lim = (int)v;
		(*n)++;
	}
	return RES_OK;
}

struct rate_domains *
rate_domains_create(const struct cfg_str2list *exact,
    const struct cfg_str2list *below)
{
	struct rate_domains *d = calloc(1, sizeof(*d));

	if (!d || rate_domains_parse(exact, &d->exact, &d->nexact) !=
	    RES_OK || rate_domains_parse(below, &d->below, &d->nbelow) !=
	    RES_OK) {
		rate_domains_delete(d);
		return NULL;
	}
	return d;
}

void
rate_domains_delete(struct rate_domains *d)
{
	if (!d) {
		return;
	}
	free(d->exact);
	free(d->below);
	free(d);
}

int
rate_domains_has_any(const struct rate_domains *d)
{
	return d && (d->nexact > 0 || d->nbelow > 0);
}

int
rate_domains_limit(const struct rate_domains *d, const uint8_t *zone,
    int dflt)
{
	const struct rate_domain *best = NULL;
	size_t i;

	if (!d) {
		return dflt;
	}
	/* Linear: the lists are a handful of operator-written lines, and
	 * this runs once per upstream query only when limits are on. */
	for (i = 0; i < d->nexact; i++) {
		if (dname_equal(zone, d->exact[i].name)) {
			return d->exact[i].lim;
		}
	}
	for (i = 0; i < d->nbelow; i++) {
		if ((!best || d->below[i].labels > best->labels) &&
		    dname_is_strict_subdomain(zone, d->below[i].name)) {
			best = &d->below[i];
		}
	}
	return best ? best->lim : dflt;
}
