/*
 * cache/rrset.c - the RRset cache (see rrset.h).
 *
 * An entry is built in one malloc: struct rrset_entry, the offset table,
 * the owner name, the rdata, the reason string.  Its size for the budget
 * is slabhash_alloc_size() of that block, so the budget counts what the
 * allocator really hands out.
 */
#include "config.h"
#include "cache/rrset.h"
#include "util/dname.h"
#include "util/error.h"
#include <stdlib.h>
#include <string.h>

/** Key comparison for the table: type, class, then the owner name,
 * case-insensitively (RFC 4343). */
static int
rrset_match(const void *key, const struct slabhash_entry *he)
{
	const struct rrset_key *k = key;
	const struct rrset_entry *e = (const struct rrset_entry *)he;

	return k->type == e->key.type && k->rclass == e->key.rclass &&
	    dname_equal(k->owner, e->key.owner);
}

/** Free an entry: it is one block. */
static void
rrset_free(struct slabhash_entry *he, void *arg)
{
	(void)arg;
	free(he);
}

/** The same RRs and RRSIGs, octet for octet, in the same order. */
static int
rrset_data_equal(const struct rrset_data *a, const struct rrset_data *b)
{
	size_t nrr = (size_t)a->count + a->rrsig_count;

	return a->count == b->count && a->rrsig_count == b->rrsig_count &&
	    memcmp(a->off, b->off, (nrr + 1) * sizeof(*a->off)) == 0 &&
	    memcmp(a->rdata, b->rdata, a->off[nrr]) == 0;
}

/**
 * The replacement rule, RFC 2181 section 5.4.1: "data should not be
 * replaced by data of lower credibility", while data of equal or higher
 * credibility replaces it (the newer copy wins).  Expired data carries no
 * credibility any more and is always replaced.  One exception keeps a
 * verdict: the same data again, not validated and no more credible, does
 * not replace a copy the validator has judged (secure, insecure, bogus,
 * indeterminate); the verdict stays until that copy expires.  A second
 * fetch of a zone's DNSKEY RRset, by a query that then takes the key
 * cache's verdict, would otherwise leave the set unchecked.
 */
static int
rrset_may_replace(const struct slabhash_entry *oldhe,
    const struct slabhash_entry *newhe, void *arg)
{
	const struct rrset_entry *o = (const struct rrset_entry *)oldhe;
	const struct rrset_entry *n = (const struct rrset_entry *)newhe;

	(void)arg;
	if (n->d.cached_at >= o->d.expiry) {
		return 1;
	}
	if (n->d.security == RRSET_SEC_UNCHECKED &&
	    o->d.security != RRSET_SEC_UNCHECKED &&
	    n->d.trust <= o->d.trust && rrset_data_equal(&o->d, &n->d)) {
		return 0;
	}
	return n->d.trust >= o->d.trust;
}

/** Table callbacks of the RRset cache. */
static const struct slabhash_type rrset_type = {
	rrset_match, rrset_free, rrset_may_replace
};

struct rrset_cache *
rrset_cache_create(size_t bytes, size_t slabs,
    const struct cache_policy *policy)
{
	struct rrset_cache *c;

	if (!(c = calloc(1, sizeof(*c)))) {
		return NULL;
	}
	if (policy) {
		c->policy = *policy;
	} else {
		cache_policy_default(&c->policy);
	}
	c->seed = slabhash_seed();
	if (!(c->table = slabhash_create(slabs, bytes, &rrset_type, c))) {
		free(c);
		return NULL;
	}
	return c;
}

void
rrset_cache_delete(struct rrset_cache *c)
{
	if (!c) {
		return;
	}
	slabhash_delete(c->table);
	free(c);
}

uint32_t
rrset_cache_hash(const struct rrset_cache *c, const struct rrset_key *k)
{
	return dname_hash(k->owner,
	    c->seed ^ (((uint32_t)k->type << 16) | k->rclass));
}

/** Add up a set of RRs; 0 or RES_ELIMIT / RES_EINVAL. */
static int
rr_total(const struct rrset_rr *rr, size_t n, size_t *total)
{
	size_t i;

	if (n > 0 && !rr) {
		return RES_EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (rr[i].len > 0 && !rr[i].data) {
			return RES_EINVAL;
		}
		*total += rr[i].len;
		if (*total > RRSET_MAX_RDATA) {
			return RES_ELIMIT;
		}
	}
	return 0;
}

int
rrset_cache_store(struct rrset_cache *c, const uint8_t *owner,
    uint16_t type, uint16_t rclass, const struct rrset_store *in,
    time_t now, uint64_t *id)
{
	struct rrset_entry *e, *cur;
	struct slabhash_entry *ref = NULL;
	struct rrset_key k;
	size_t namelen, rdlen = 0, reasonlen = 0, nrr, blk, i, pos;
	uint32_t ttl, *off;
	uint8_t *p;
	int r;

	if (id) {
		*id = 0;
	}
	if (!c || !owner || !in) {
		return RES_EINVAL;
	}
	if (dname_check(owner, DNAME_MAXLEN, &namelen) != 0) {
		return RES_EMALFORMED;
	}
	if (in->count + in->rrsig_count > RRSET_MAX_RRS) {
		return RES_ELIMIT;
	}
	if ((r = rr_total(in->rrs, in->count, &rdlen)) != 0 ||
	    (r = rr_total(in->rrsigs, in->rrsig_count, &rdlen)) != 0) {
		return r;
	}
	if ((ttl = cache_policy_ttl(&c->policy, in->ttl)) == 0) {
		return RES_EINVAL;
	}
	if (in->bogus_reason) {
		reasonlen = strlen(in->bogus_reason) + 1;
	}
	nrr = in->count + in->rrsig_count;
	blk = sizeof(*e) + (nrr + 1) * sizeof(uint32_t) + namelen + rdlen +
	    reasonlen;
	if (!(e = malloc(blk))) {
		return RES_ENOMEM;
	}
	memset(e, 0, sizeof(*e));
	off = (uint32_t *)(e + 1);
	p = (uint8_t *)(off + nrr + 1);
	memcpy(p, owner, namelen);
	e->key.owner = p;
	e->key.type = type;
	e->key.rclass = rclass;
	p += namelen;
	e->d.rdata = p;
	pos = 0;
	for (i = 0; i < nrr; i++) {
		const struct rrset_rr *rr = i < in->count ? &in->rrs[i] :
		    &in->rrsigs[i - in->count];

		off[i] = (uint32_t)pos;
		if (rr->len) {
			memcpy(p + pos, rr->data, rr->len);
		}
		pos += rr->len;
	}
	off[nrr] = (uint32_t)pos;
	p += pos;
	if (reasonlen) {
		memcpy(p, in->bogus_reason, reasonlen);
		e->d.bogus_reason = (const char *)p;
	}
	e->d.off = off;
	e->d.count = (uint16_t)in->count;
	e->d.rrsig_count = (uint16_t)in->rrsig_count;
	e->d.ttl = ttl;
	e->d.cached_at = now;
	e->d.expiry = now + (time_t)ttl;
	e->d.trust = (uint8_t)in->trust;
	e->d.security = (uint8_t)in->security;
	e->d.ede = in->ede;
	e->he.size = slabhash_alloc_size(blk);
	e->he.hash = rrset_cache_hash(c, &e->key);
	k = e->key;
	k.owner = owner;
	/* The same RRs again (a refresh of the TTL) keep the version id, so
	 * messages that refer to the RRset stay valid; different data is a
	 * new version and those messages become misses. */
	cur = (struct rrset_entry *)slabhash_lookup(c->table, e->he.hash, &k);
	if (cur && rrset_data_equal(&cur->d, &e->d)) {
		e->d.id = cur->d.id;
	} else {
		e->d.id = __atomic_add_fetch(&c->next_id, 1,
		    __ATOMIC_RELAXED);
	}
	if (cur) {
		slabhash_release(c->table, &cur->he);
	}
	r = slabhash_insert(c->table, &e->he, &k, id ? &ref : NULL);
	if (r == 0 && id) {
		/* Our reference keeps e alive even if another thread has
		 * replaced it meanwhile. */
		*id = e->d.id;
		slabhash_release(c->table, ref);
	} else if (r == RES_EEXIST && id) {
		/* e is freed; report the version that was kept. */
		cur = (struct rrset_entry *)slabhash_lookup(c->table,
		    rrset_cache_hash(c, &k), &k);
		if (cur) {
			*id = cur->d.id;
			slabhash_release(c->table, &cur->he);
		}
	}
	return r;
}

/** Common tail of the lookups: policy check, flags, counters. */
static struct rrset_entry *
rrset_check(struct rrset_cache *c, struct rrset_entry *e, uint64_t id,
    time_t now, int *flags)
{
	int st;

	if (flags) {
		*flags = 0;
	}
	if (!e) {
		return NULL;
	}
	if ((id != 0 && e->d.id != id) || (st = cache_policy_state(
	    &c->policy, e->d.expiry, e->d.ttl, now)) < 0) {
		slabhash_release(c->table, &e->he);
		return NULL;
	}
	if (st & CACHE_FLAG_STALE) {
		__atomic_add_fetch(&c->stale, 1, __ATOMIC_RELAXED);
	}
	if (st & CACHE_FLAG_PREFETCH) {
		/* Only the first hit in the window asks for a refresh. */
		if (__atomic_exchange_n(&e->d.prefetch_mark, 1,
		    __ATOMIC_RELAXED)) {
			st &= ~CACHE_FLAG_PREFETCH;
		} else {
			__atomic_add_fetch(&c->prefetch, 1, __ATOMIC_RELAXED);
		}
	}
	if (flags) {
		*flags = st;
	}
	return e;
}

struct rrset_entry *
rrset_cache_lookup(struct rrset_cache *c, const uint8_t *owner,
    uint16_t type, uint16_t rclass, time_t now, int *flags)
{
	struct rrset_key k;

	if (flags) {
		*flags = 0;
	}
	if (!c || !owner) {
		return NULL;
	}
	k.owner = owner;
	k.type = type;
	k.rclass = rclass;
	return rrset_check(c, (struct rrset_entry *)slabhash_lookup(c->table,
	    rrset_cache_hash(c, &k), &k), 0, now, flags);
}

struct rrset_entry *
rrset_cache_lookup_ref(struct rrset_cache *c, const struct rrset_ref *ref,
    time_t now, int *flags)
{
	struct rrset_key k;

	if (flags) {
		*flags = 0;
	}
	if (!c || !ref || !ref->owner || ref->id == 0) {
		return NULL;
	}
	k.owner = ref->owner;
	k.type = ref->type;
	k.rclass = ref->rclass;
	return rrset_check(c, (struct rrset_entry *)slabhash_lookup(c->table,
	    rrset_cache_hash(c, &k), &k), ref->id, now, flags);
}

void
rrset_cache_release(struct rrset_cache *c, struct rrset_entry *e)
{
	if (!c || !e) {
		return;
	}
	slabhash_release(c->table, &e->he);
}

int
rrset_cache_remove(struct rrset_cache *c, const uint8_t *owner,
    uint16_t type, uint16_t rclass)
{
	struct rrset_key k;

	if (!c || !owner) {
		return RES_ENOTFOUND;
	}
	k.owner = owner;
	k.type = type;
	k.rclass = rclass;
	return slabhash_remove(c->table, rrset_cache_hash(c, &k), &k);
}

const uint8_t *
rrset_data_rr(const struct rrset_data *d, size_t i, uint16_t *len)
{
	if (!d || i >= (size_t)d->count + d->rrsig_count) {
		return NULL;
	}
	if (len) {
		*len = (uint16_t)(d->off[i + 1] - d->off[i]);
	}
	return d->rdata + d->off[i];
}

uint32_t
rrset_data_ttl_left(const struct rrset_data *d, time_t now)
{
	if (!d || now >= d->expiry) {
		return 0;
	}
	return (uint32_t)(d->expiry - now);
}

size_t
rrset_cache_memory(struct rrset_cache *c)
{
	if (!c) {
		return 0;
	}
	return slabhash_alloc_size(sizeof(*c)) + slabhash_memory(c->table);
}

void
rrset_cache_get_stats(struct rrset_cache *c, struct rrset_cache_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!c) {
		return;
	}
	slabhash_get_stats(c->table, &st->table);
	st->stale = __atomic_load_n(&c->stale, __ATOMIC_RELAXED);
	st->prefetch = __atomic_load_n(&c->prefetch, __ATOMIC_RELAXED);
}

/** Adapter from slabhash_walk() to an RRset walk function. */
struct rrset_walk_arg {
	/** the caller's function */
	int (*fn)(const struct rrset_entry *e, void *arg);
	/** passed to fn with each entry */
	void *arg;
};

/** Call the caller's function with the RRset entry. */
static int
rrset_walk_one(const struct slabhash_entry *he, void *arg)
{
	struct rrset_walk_arg *w = arg;

	return w->fn((const struct rrset_entry *)he, w->arg);
}

int
rrset_cache_walk(struct rrset_cache *c,
    int (*fn)(const struct rrset_entry *e, void *arg), void *arg)
{
	struct rrset_walk_arg w;

	if (!c || !fn) {
		return 0;
	}
	w.fn = fn;
	w.arg = arg;
	return slabhash_walk(c->table, rrset_walk_one, &w);
}

void
rrset_cache_clear(struct rrset_cache *c)
{
	if (c) {
		slabhash_clear(c->table);
	}
}
