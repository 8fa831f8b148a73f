/*
 * cache/msgcache.c - the message cache (see msgcache.h).
 *
 * An entry is one malloc, laid out in the order a cache hit reads it:
 * struct msg_entry, the query name (the key compare), the TTL offsets and
 * the encoded answers (the wire fast path), then what only the RRset path
 * reads: the owner names of the references, the EDE text and, 8-aligned,
 * the reference array.
 */
#include "config.h"
#include "cache/msgcache.h"
#include "util/dname.h"
#include "util/error.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/** Key comparison: type, class, flags, then the name (RFC 4343). */
static int
msg_match(const void *key, const struct slabhash_entry *he)
{
	const struct msg_key *k = key;
	const struct msg_entry *e = (const struct msg_entry *)he;

	return k->qtype == e->key.qtype && k->qclass == e->key.qclass &&
	    k->qflags == e->key.qflags && dname_equal(k->qname, e->key.qname);
}

/** Free an entry: one block. */
static void
msg_free(struct slabhash_entry *he, void *arg)
{
	(void)arg;
	free(he);
}

/** Table callbacks: a newer reply always replaces the older one. */
static const struct slabhash_type msg_type = { msg_match, msg_free, NULL };

/** Hash of a key. */
static uint32_t
msg_hash(const struct msg_cache *c, const struct msg_key *k)
{
	return dname_hash(k->qname, c->seed ^ (((uint32_t)k->qtype << 16) |
	    k->qclass) ^ ((uint32_t)k->qflags << 29));
}

struct msg_cache *
msg_cache_create(size_t bytes, size_t slabs,
    const struct cache_policy *policy)
{
	struct msg_cache *c;

	if (!(c = calloc(1, sizeof(*c)))) {
		return NULL;
	}
	if (policy) {
		c->policy = *policy;
	} else {
		cache_policy_default(&c->policy);
	}
	c->seed = slabhash_seed();
	if (!(c->table = slabhash_create(slabs, bytes, &msg_type, c))) {
		free(c);
		return NULL;
	}
	return c;
}

void
msg_cache_delete(struct msg_cache *c)
{
	if (!c) {
		return;
	}
	slabhash_delete(c->table);
	free(c);
}

uint32_t
msg_cache_negative_ttl(const struct msg_cache *c, uint32_t soa_ttl,
    uint32_t soa_minimum)
{
	uint32_t ttl = soa_ttl < soa_minimum ? soa_ttl : soa_minimum;

	if (c && ttl > c->policy.max_negative_ttl) {
		ttl = c->policy.max_negative_ttl;
	}
	return ttl;
}

int
msg_cache_store(struct msg_cache *c, const uint8_t *qname, uint16_t qtype,
    uint16_t qclass, uint8_t qflags, const struct msg_store *in, time_t now)
{
	struct msg_entry *e;
	struct rrset_ref *refs;
	size_t qlen, nref, names = 0, wires = 0, blk, i, l;
	uint8_t *p, *owners;
	uint32_t ttl;
	int negative, wire_ok;

	if (!c || !qname || !in) {
		return RES_EINVAL;
	}
	if (dname_check(qname, DNAME_MAXLEN, &qlen) != 0) {
		return RES_EMALFORMED;
	}
	nref = in->an + in->ns + in->ar;
	if (in->an > MSG_CACHE_MAX_RRSETS || in->ns > MSG_CACHE_MAX_RRSETS ||
	    in->ar > MSG_CACHE_MAX_RRSETS || nref > MSG_CACHE_MAX_RRSETS) {
		return RES_ELIMIT;
	}
	if (nref > 0 && !in->refs) {
		return RES_EINVAL;
	}
	for (i = 0; i < nref; i++) {
		if (!in->refs[i].owner || in->refs[i].id == 0) {
			return RES_EINVAL;
		}
		if (dname_check(in->refs[i].owner, DNAME_MAXLEN, &l) != 0) {
			return RES_EMALFORMED;
		}
		names += l;
	}
	/* RFC 2308 section 2: NXDOMAIN, or NODATA (NOERROR, no answer). */
	negative = in->rcode == MSG_RCODE_NXDOMAIN ||
	    (in->rcode == 0 && in->an == 0);
	if (negative) {
		ttl = in->ttl < c->policy.max_negative_ttl ? in->ttl :
		    c->policy.max_negative_ttl;
	} else {
		ttl = cache_policy_ttl(&c->policy, in->ttl);
	}
	if (ttl == 0) {
		return RES_EINVAL;
	}
	wire_ok = msg_wire_allowed(in);
	for (i = 0; i < 2 && wire_ok; i++) {
		const struct msg_wire *w = &in->wire[i];

		if (w->len == 0) {
			continue;
		}
		if (!w->data || w->len > MSG_WIRE_MAX ||
		    w->nttl > MSG_WIRE_MAX_TTLS || (w->nttl && !w->ttl_off)) {
			return RES_EINVAL;
		}
		wires += w->nttl * sizeof(uint16_t) + w->len;
	}
	/* Up to 1 octet to 2-align the TTL offsets, 7 to 8-align refs. */
	blk = sizeof(*e) + qlen + 1 + wires + names +
	    (in->reason ? strlen(in->reason) + 1 : 0) + 7 +
	    nref * sizeof(*refs);
	if (!(e = malloc(blk))) {
		return RES_ENOMEM;
	}
	memset(e, 0, sizeof(*e));
	p = (uint8_t *)(e + 1);
	memcpy(p, qname, qlen);
	e->key.qname = p;
	e->key.qtype = qtype;
	e->key.qclass = qclass;
	e->key.qflags = qflags & (MSG_QFLAG_CD | MSG_QFLAG_DO);
	p += qlen + (qlen & 1);
	for (i = 0; i < 2 && wire_ok; i++) {
		const struct msg_wire *w = &in->wire[i];

		if (w->len == 0) {
			continue;
		}
		e->d.wire[i] = *w;
		memcpy(p, w->ttl_off, w->nttl * sizeof(uint16_t));
		e->d.wire[i].ttl_off = (const uint16_t *)p;
		p += w->nttl * sizeof(uint16_t);
	}
	for (i = 0; i < 2 && wire_ok; i++) {
		const struct msg_wire *w = &in->wire[i];

		if (w->len == 0) {
			continue;
		}
		memcpy(p, w->data, w->len);
		e->d.wire[i].data = p;
		p += w->len;
	}
	owners = p;
	for (i = 0; i < nref; i++) {
		l = dname_len(in->refs[i].owner);
		p += l;
	}
	if (in->reason) {
		l = strlen(in->reason) + 1;
		memcpy(p, in->reason, l);
		e->d.reason = (const char *)p;
		p += l;
	}
	refs = (struct rrset_ref *)(void *)(((uintptr_t)p + 7) &
	    ~(uintptr_t)7);
	for (i = 0; i < nref; i++) {
		l = dname_len(in->refs[i].owner);
		memcpy(owners, in->refs[i].owner, l);
		refs[i] = in->refs[i];
		refs[i].owner = owners;
		owners += l;
	}
	e->d.ede = in->ede;
	e->d.refs = refs;
	e->d.an = (uint16_t)in->an;
	e->d.ns = (uint16_t)in->ns;
	e->d.ar = (uint16_t)in->ar;
	e->d.rcode = in->rcode;
	e->d.flags = in->flags;
	e->d.security = in->security;
	e->d.negative = (uint8_t)negative;
	e->d.ttl = ttl;
	e->d.cached_at = now;
	e->d.expiry = now + (time_t)ttl;
	e->he.size = slabhash_alloc_size(blk);
	e->he.hash = msg_hash(c, &e->key);
	{
		struct msg_key k = e->key;

		k.qname = qname;
		return slabhash_insert(c->table, &e->he, &k, NULL);
	}
}

void
msg_cache_answer_release(struct msg_cache *c, struct rrset_cache *rc,
    struct msg_answer *ans)
{
	size_t i;

	if (!ans) {
		return;
	}
	for (i = 0; i < ans->n; i++) {
		rrset_cache_release(rc, ans->rrsets[i]);
	}
	if (ans->msg && c) {
		slabhash_release(c->table, &ans->msg->he);
	}
	ans->msg = NULL;
	ans->n = 0;
	ans->flags = 0;
}

void
msg_cache_prefetch(struct msg_cache *c, struct msg_prefetch *keys, size_t n)
{
	struct msg_key k;
	size_t i;

	if (!c || !keys) {
		return;
	}
	for (i = 0; i < n; i++) {
		k.qname = keys[i].qname;
		k.qtype = keys[i].qtype;
		k.qclass = keys[i].qclass;
		k.qflags = keys[i].qflags & (MSG_QFLAG_CD | MSG_QFLAG_DO);
		keys[i].hash = msg_hash(c, &k);
		slabhash_prefetch_bucket(c->table, keys[i].hash);
	}
	/* The header, the data and the key name that follows them (see
	 * msg_cache_store()), and the start of the encoded answer: what a
	 * hit reads. */
	for (i = 0; i < n; i++) {
		slabhash_prefetch(c->table, keys[i].hash,
		    sizeof(struct msg_entry) + keys[i].qlen + 64);
	}
}

struct msg_entry *
msg_cache_lookup_msg(struct msg_cache *c, const uint8_t *qname,
    uint16_t qtype, uint16_t qclass, uint8_t qflags, time_t now, int *state)
{
	struct msg_key k;
	struct msg_entry *e;
	int st;

	if (!c || !qname || !state) {
		return NULL;
	}
	*state = 0;
	k.qname = qname;
	k.qtype = qtype;
	k.qclass = qclass;
	k.qflags = qflags & (MSG_QFLAG_CD | MSG_QFLAG_DO);
	e = (struct msg_entry *)slabhash_lookup(c->table, msg_hash(c, &k), &k);
	if (!e) {
		goto miss;
	}
	if ((st = cache_policy_state(&c->policy, e->d.expiry, e->d.ttl,
	    now)) < 0) {
		slabhash_release(c->table, &e->he);
		goto miss;
	}
	if (st & CACHE_FLAG_PREFETCH) {
		if (__atomic_exchange_n(&e->d.prefetch_mark, 1,
		    __ATOMIC_RELAXED)) {
			st &= ~CACHE_FLAG_PREFETCH;
		} else {
			__atomic_add_fetch(&c->prefetch, 1, __ATOMIC_RELAXED);
		}
	}
	*state = st;
	return e;
miss:
	__atomic_add_fetch(&c->misses, 1, __ATOMIC_RELAXED);
	return NULL;
}

void
msg_cache_release(struct msg_cache *c, struct msg_entry *e)
{
	if (c && e) {
		slabhash_release(c->table, &e->he);
	}
}

int
msg_wire_allowed(const struct msg_store *in)
{
	return in->rcode <= 15 && in->ede <= 0 &&
	    in->security != RRSET_SEC_BOGUS;
}

int
msg_wire_live(const struct msg_wire *w, time_t now)
{
	return w->len > 0 && now >= w->at &&
	    now - w->at < (time_t)w->min_ttl;
}

/** Count a hit (with its stale flag). */
static void
msg_count_hit(struct msg_cache *c, int st)
{
	if (st & CACHE_FLAG_STALE) {
		__atomic_add_fetch(&c->stale, 1, __ATOMIC_RELAXED);
	}
	__atomic_add_fetch(&c->hits, 1, __ATOMIC_RELAXED);
}

int
msg_cache_answer_from(struct msg_cache *c, struct rrset_cache *rc,
    struct msg_entry *e, int st, time_t now, struct msg_answer *ans)
{
	size_t i, nref;
	int f;

	ans->msg = e;
	ans->n = 0;
	ans->flags = 0;
	nref = (size_t)e->d.an + e->d.ns + e->d.ar;
	for (i = 0; i < nref; i++) {
		struct rrset_entry *r = rrset_cache_lookup_ref(rc,
		    &e->d.refs[i], now, &f);

		if (!r) {
			msg_cache_answer_release(c, rc, ans);
			__atomic_add_fetch(&c->misses, 1, __ATOMIC_RELAXED);
			return RES_ENOTFOUND;
		}
		ans->rrsets[ans->n++] = r;
		/* Prefetch is decided on the message, not its RRsets. */
		st |= f & CACHE_FLAG_STALE;
	}
	msg_count_hit(c, st);
	ans->flags = st;
	return 0;
}

int
msg_cache_lookup(struct msg_cache *c, struct rrset_cache *rc,
    const uint8_t *qname, uint16_t qtype, uint16_t qclass, uint8_t qflags,
    time_t now, struct msg_answer *ans)
{
	struct msg_entry *e;
	int st;

	if (!ans) {
		return RES_EINVAL;
	}
	ans->msg = NULL;
	ans->n = 0;
	ans->flags = 0;
	if (!c || !rc || !qname) {
		return RES_EINVAL;
	}
	if (!(e = msg_cache_lookup_msg(c, qname, qtype, qclass, qflags, now,
	    &st))) {
		return RES_ENOTFOUND;
	}
	return msg_cache_answer_from(c, rc, e, st, now, ans);
}

/** Count a wire fast-path hit (no RRsets were looked up). */
/** msg_cache_apply_msg()'s state inside slabhash_apply(). */
struct msg_apply_arg {
	/** the cache */
	struct msg_cache *c;
	/** current time */
	time_t now;
	/** the caller's function and argument */
	msg_apply_type fn;
	void *arg;
	/** the result */
	int r;
};

/** Under the shard lock: expiry, the prefetch mark, then the caller. */
static void
msg_apply_one(struct slabhash_entry *he, void *arg)
{
	struct msg_apply_arg *a = arg;
	struct msg_entry *e = (struct msg_entry *)he;
	int st = cache_policy_state(&a->c->policy, e->d.expiry, e->d.ttl,
	    a->now);

	if (st < 0) {
		a->r = -1;
		return;
	}
	if (st & CACHE_FLAG_PREFETCH) {
		/* The first to see it near expiry asks for the prefetch;
		 * the load first keeps a marked entry's line shared. */
		if (__atomic_load_n(&e->d.prefetch_mark, __ATOMIC_RELAXED) ||
		    __atomic_exchange_n(&e->d.prefetch_mark, 1,
		    __ATOMIC_RELAXED)) {
			st &= ~CACHE_FLAG_PREFETCH;
		} else {
			__atomic_add_fetch(&a->c->prefetch, 1,
			    __ATOMIC_RELAXED);
		}
	}
	a->r = a->fn(e, st, a->arg);
}

int
msg_cache_apply_msg(struct msg_cache *c, const uint8_t *qname,
    uint16_t qtype, uint16_t qclass, uint8_t qflags, time_t now,
    msg_apply_type fn, void *arg)
{
	struct msg_apply_arg a;
	struct msg_key k;

	if (!c || !qname || !fn) {
		return -1;
	}
	k.qname = qname;
	k.qtype = qtype;
	k.qclass = qclass;
	k.qflags = qflags & (MSG_QFLAG_CD | MSG_QFLAG_DO);
	a.c = c;
	a.now = now;
	a.fn = fn;
	a.arg = arg;
	a.r = -1;
	if (slabhash_apply(c->table, msg_hash(c, &k), &k, msg_apply_one,
	    &a) != RES_OK || a.r < 0) {
		__atomic_add_fetch(&c->misses, 1, __ATOMIC_RELAXED);
		return -1;
	}
	return a.r;
}

int
msg_cache_remove(struct msg_cache *c, const uint8_t *qname, uint16_t qtype,
    uint16_t qclass, uint8_t qflags)
{
	struct msg_key k;

	if (!c || !qname) {
		return RES_ENOTFOUND;
	}
	k.qname = qname;
	k.qtype = qtype;
	k.qclass = qclass;
	k.qflags = qflags & (MSG_QFLAG_CD | MSG_QFLAG_DO);
	return slabhash_remove(c->table, msg_hash(c, &k), &k);
}

size_t
msg_cache_memory(struct msg_cache *c)
{
	if (!c) {
		return 0;
	}
	return slabhash_alloc_size(sizeof(*c)) + slabhash_memory(c->table);
}

void
msg_cache_get_stats(struct msg_cache *c, struct msg_cache_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!c) {
		return;
	}
	slabhash_get_stats(c->table, &st->table);
	st->hits = __atomic_load_n(&c->hits, __ATOMIC_RELAXED);
	st->misses = __atomic_load_n(&c->misses, __ATOMIC_RELAXED);
	st->stale = __atomic_load_n(&c->stale, __ATOMIC_RELAXED);
	st->prefetch = __atomic_load_n(&c->prefetch, __ATOMIC_RELAXED);
}

/** Adapter from slabhash_walk() to a message walk function. */
struct msg_walk_arg {
	/** the caller's function */
	int (*fn)(const struct msg_entry *e, void *arg);
	/** passed to fn with each entry */
	void *arg;
};

/** Call the caller's function with the message entry. */
static int
msg_walk_one(const struct slabhash_entry *he, void *arg)
{
	struct msg_walk_arg *w = arg;

	return w->fn((const struct msg_entry *)he, w->arg);
}

int
msg_cache_walk(struct msg_cache *c,
    int (*fn)(const struct msg_entry *e, void *arg), void *arg)
{
	struct msg_walk_arg w;

	if (!c || !fn) {
		return 0;
	}
	w.fn = fn;
	w.arg = arg;
	return slabhash_walk(c->table, msg_walk_one, &w);
}

void
msg_cache_clear(struct msg_cache *c)
{
	if (c) {
		slabhash_clear(c->table);
	}
}
