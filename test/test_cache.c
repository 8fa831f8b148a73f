/*
 * test/test_cache.c - unit tests for the sharded table and the RRset
 * cache (cache/slabhash.c, cache/rrset.c).
 */
#include "config.h"
#include "test/unit.h"
#include "cache/slabhash.h"
#include "cache/rrset.h"
#include "util/dname.h"
#include "util/error.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/** A test entry: an integer key and a payload. */
struct tent {
	/** header */
	struct slabhash_entry he;
	/** key */
	int key;
	/** payload, key * 3 */
	int val;
};

/** Entries freed so far. */
static int tent_freed;

static int
tent_match(const void *key, const struct slabhash_entry *e)
{
	return *(const int *)key == ((const struct tent *)e)->key;
}

static void
tent_free(struct slabhash_entry *e, void *arg)
{
	(void)arg;
	tent_freed++;
	free(e);
}

/** Refuse replacement when the new value is negative. */
static int
tent_may_replace(const struct slabhash_entry *o,
    const struct slabhash_entry *n, void *arg)
{
	(void)o;
	(void)arg;
	return ((const struct tent *)n)->val >= 0;
}

static const struct slabhash_type tent_type = {
	tent_match, tent_free, tent_may_replace
};

static uint32_t
tent_hash(int k)
{
	uint32_t h = (uint32_t)k * 2654435761u;

	return h ^ (h >> 15);
}

static struct tent *
tent_new(int key, int val, size_t size)
{
	struct tent *t = calloc(1, sizeof(*t));

	t->key = key;
	t->val = val;
	t->he.hash = tent_hash(key);
	t->he.size = size;
	return t;
}

static int
tent_insert(struct slabhash *h, int key, int val, size_t size)
{
	return slabhash_insert(h, &tent_new(key, val, size)->he, &key, NULL);
}

static struct tent *
tent_get(struct slabhash *h, int key)
{
	return (struct tent *)slabhash_lookup(h, tent_hash(key), &key);
}

/** Creation with bad arguments; NULL everywhere. */
static void
test_slabhash_args(void)
{
	struct slabhash_stats st;
	int k = 1;

	UNIT_CHECK(slabhash_create(3, 1000, &tent_type, NULL) == NULL);
	UNIT_CHECK(slabhash_create(512, 100000, &tent_type, NULL) == NULL);
	UNIT_CHECK(slabhash_create(4, 3, &tent_type, NULL) == NULL);
	UNIT_CHECK(slabhash_create(4, 1000, NULL, NULL) == NULL);
	slabhash_delete(NULL);
	UNIT_CHECK(slabhash_lookup(NULL, 1, &k) == NULL);
	UNIT_CHECK_INT(slabhash_insert(NULL, NULL, &k, NULL), RES_EINVAL);
	UNIT_CHECK_INT(slabhash_remove(NULL, 1, &k), RES_ENOTFOUND);
	slabhash_release(NULL, NULL);
	slabhash_get_stats(NULL, &st);
	UNIT_CHECK_INT(st.used, 0);
	UNIT_CHECK_INT(slabhash_memory(NULL), 0);
	UNIT_CHECK_INT(slabhash_shards_for_threads(0), 2);
	UNIT_CHECK_INT(slabhash_shards_for_threads(3), 8);
	UNIT_CHECK_INT(slabhash_shards_for_threads(100000), 256);
	UNIT_CHECK_INT(slabhash_alloc_size(1), 32);
	UNIT_CHECK_INT(slabhash_alloc_size(100), 112);
}

/** Insert, lookup, replace, remove. */
static void
test_slabhash_basic(void)
{
	struct slabhash *h = slabhash_create(4, 100000, &tent_type, NULL);
	struct slabhash_stats st;
	struct tent *t;
	int i, k;

	UNIT_CHECK(h != NULL);
	tent_freed = 0;
	for (i = 0; i < 1000; i++)
		UNIT_CHECK_INT(tent_insert(h, i, i * 3, 64), 0);
	for (i = 0; i < 1000; i++) {
		t = tent_get(h, i);
		if (!UNIT_CHECK(t != NULL))
			continue;
		UNIT_CHECK_INT(t->val, i * 3);
		slabhash_release(h, &t->he);
	}
	UNIT_CHECK(tent_get(h, 5000) == NULL);
	/* Replace: the new one is seen, the old one freed. */
	UNIT_CHECK_INT(tent_insert(h, 7, 100, 64), 0);
	UNIT_CHECK_INT(tent_freed, 1);
	t = tent_get(h, 7);
	UNIT_CHECK(t && t->val == 100);
	slabhash_release(h, t ? &t->he : NULL);
	/* Refused replacement keeps the old one, frees the new one. */
	UNIT_CHECK_INT(tent_insert(h, 7, -1, 64), RES_EEXIST);
	UNIT_CHECK_INT(tent_freed, 2);
	t = tent_get(h, 7);
	UNIT_CHECK(t && t->val == 100);
	slabhash_release(h, t ? &t->he : NULL);
	k = 7;
	UNIT_CHECK_INT(slabhash_remove(h, tent_hash(7), &k), 0);
	UNIT_CHECK_INT(slabhash_remove(h, tent_hash(7), &k), RES_ENOTFOUND);
	UNIT_CHECK(tent_get(h, 7) == NULL);
	slabhash_get_stats(h, &st);
	UNIT_CHECK_INT(st.count, 999);
	UNIT_CHECK_INT(st.used, 999 * 64);
	UNIT_CHECK_INT(st.hits, 1002);
	UNIT_CHECK_INT(st.misses, 2);
	UNIT_CHECK_INT(st.evictions, 0);
	UNIT_CHECK(slabhash_memory(h) > st.used);
	slabhash_clear(h);
	slabhash_get_stats(h, &st);
	UNIT_CHECK_INT(st.count, 0);
	UNIT_CHECK_INT(st.used, 0);
	UNIT_CHECK_INT(tent_freed, 1002);
	slabhash_delete(h);
}

/** A referenced entry survives removal, replacement and eviction. */
static void
test_slabhash_refs(void)
{
	struct slabhash *h = slabhash_create(1, 1000, &tent_type, NULL);
	struct slabhash_entry *ref;
	struct tent *a, *b;
	int k = 1, i;

	tent_freed = 0;
	UNIT_CHECK_INT(slabhash_insert(h, &tent_new(1, 3, 100)->he, &k,
	    &ref), 0);
	UNIT_CHECK(ref != NULL);
	slabhash_release(h, ref);
	a = tent_get(h, 1);
	b = tent_get(h, 1);
	UNIT_CHECK(a != NULL && a == b);
	UNIT_CHECK_INT(slabhash_remove(h, tent_hash(1), &k), 0);
	UNIT_CHECK_INT(tent_freed, 0);
	UNIT_CHECK_INT(a->val, 3);
	slabhash_release(h, &a->he);
	UNIT_CHECK_INT(tent_freed, 0);
	slabhash_release(h, &b->he);
	UNIT_CHECK_INT(tent_freed, 1);
	/* Evicted while referenced. */
	tent_insert(h, 2, 6, 500);
	a = tent_get(h, 2);
	for (i = 10; i < 20; i++)
		tent_insert(h, i, i * 3, 500);
	UNIT_CHECK(tent_get(h, 2) == NULL);
	UNIT_CHECK_INT(a->val, 6);
	UNIT_CHECK_INT(a->he.in_table, 0);
	slabhash_release(h, &a->he);
	slabhash_delete(h);
}

/** LRU order: a recently used entry survives, the coldest goes. */
static void
test_slabhash_lru(void)
{
	struct slabhash *h = slabhash_create(1, 1000, &tent_type, NULL);
	struct slabhash_stats st;
	struct tent *t;
	int i;

	for (i = 0; i < 10; i++)
		tent_insert(h, i, i, 100);
	t = tent_get(h, 0);
	slabhash_release(h, &t->he);
	tent_insert(h, 10, 10, 100);
	t = tent_get(h, 0);
	UNIT_CHECK(t != NULL);
	slabhash_release(h, t ? &t->he : NULL);
	UNIT_CHECK(tent_get(h, 1) == NULL);
	t = tent_get(h, 2);
	UNIT_CHECK(t != NULL);
	slabhash_release(h, t ? &t->he : NULL);
	/* One big entry evicts many. */
	UNIT_CHECK_INT(tent_insert(h, 11, 11, 950), 0);
	slabhash_get_stats(h, &st);
	UNIT_CHECK_INT(st.count, 1);
	UNIT_CHECK_INT(st.used, 950);
	UNIT_CHECK_INT(st.evictions, 11);
	/* Larger than the shard's share, or of no size: refused. */
	UNIT_CHECK_INT(tent_insert(h, 12, 12, 1001), RES_ELIMIT);
	UNIT_CHECK_INT(tent_insert(h, 13, 13, 0), RES_EINVAL);
	UNIT_CHECK(tent_get(h, 13) == NULL);
	slabhash_delete(h);
}

/** Per-shard accounting checked by a walk. */
struct budget_walk {
	/** bytes seen */
	size_t used;
	/** entries seen */
	size_t count;
};

static int
budget_walk_fn(const struct slabhash_entry *e, void *arg)
{
	struct budget_walk *w = arg;

	w->used += e->size;
	w->count++;
	return 0;
}

/** Random workload: the budget holds after every operation. */
static void
test_slabhash_budget_random(void)
{
	struct slabhash *h = slabhash_create(8, 40000, &tent_type, NULL);
	struct slabhash_stats st;
	struct budget_walk w;
	struct tent *held[16];
	int i, j, k, ok = 1, nheld = 0;
	size_t s;

	srandom(4711);
	for (i = 0; i < 20000 && ok; i++) {
		k = (int)(random() % 2000);
		switch (random() % 4) {
		case 0:
		case 1:
			tent_insert(h, k, k * 3, 32 + random() % 900);
			break;
		case 2:
			if (nheld < 16 && (held[nheld] = tent_get(h, k)))
				nheld++;
			else if (nheld > 0)
				slabhash_release(h, &held[--nheld]->he);
			break;
		default:
			slabhash_remove(h, tent_hash(k), &k);
		}
		for (j = 0; j < nheld; j++)
			ok &= held[j]->val == held[j]->key * 3;
		for (s = 0; s < h->nshards; s++)
			ok &= h->shards[s].used <= h->shards[s].budget;
		slabhash_get_stats(h, &st);
		ok &= st.used <= 40000;
	}
	UNIT_CHECK(ok);
	UNIT_CHECK(st.evictions > 0);
	memset(&w, 0, sizeof(w));
	slabhash_walk(h, budget_walk_fn, &w);
	UNIT_CHECK_INT(w.used, st.used);
	UNIT_CHECK_INT(w.count, st.count);
	while (nheld > 0)
		slabhash_release(h, &held[--nheld]->he);
	slabhash_delete(h);
}

/* ---------------------------------------------------------------- */

/** Make a wire name. */
static const uint8_t *
N(const char *s)
{
	static uint8_t buf[8][DNAME_MAXLEN];
	static int i;
	uint8_t *d = buf[i++ % 8];

	if (dname_from_str(s, NULL, d, NULL) != 0)
		abort();
	return d;
}

/** Store an A RRset with one address and a validation status. */
static int
store_a_ttl_sec(struct rrset_cache *c, const char *name, uint8_t last,
    uint32_t ttl, enum rrset_trust trust, enum rrset_sec sec, time_t now,
    uint64_t *id)
{
	uint8_t a[4] = { 192, 0, 2, 0 };
	struct rrset_rr rr;
	struct rrset_store in;

	a[3] = last;
	rr.data = a;
	rr.len = 4;
	memset(&in, 0, sizeof(in));
	in.rrs = &rr;
	in.count = 1;
	in.ttl = ttl;
	in.trust = trust;
	in.security = sec;
	return rrset_cache_store(c, N(name), 1, 1, &in, now, id);
}

/** Store an A RRset with one address, not validated. */
static int
store_a(struct rrset_cache *c, const char *name, uint8_t last, uint32_t ttl,
    enum rrset_trust trust, time_t now, uint64_t *id)
{
	return store_a_ttl_sec(c, name, last, ttl, trust,
	    RRSET_SEC_UNCHECKED, now, id);
}

/** Store an A RRset with one address, TTL 100, and a status. */
static int
store_a_sec(struct rrset_cache *c, const char *name, uint8_t last,
    enum rrset_trust trust, enum rrset_sec sec, time_t now, uint64_t *id)
{
	return store_a_ttl_sec(c, name, last, 100, trust, sec, now, id);
}

/** The validation status of a cached RRset, or -1. */
static int
get_sec(struct rrset_cache *c, const char *name, time_t now)
{
	struct rrset_entry *e = rrset_cache_lookup(c, N(name), 1, 1, now,
	    NULL);
	int v;

	if (e == NULL)
		return -1;
	v = e->d.security;
	rrset_cache_release(c, e);
	return v;
}

/** The last address octet of a cached A RRset, or -1. */
static int
get_a(struct rrset_cache *c, const char *name, time_t now, int *flags)
{
	struct rrset_entry *e = rrset_cache_lookup(c, N(name), 1, 1, now,
	    flags);
	uint16_t len;
	const uint8_t *d;
	int v = -1;

	if (e == NULL)
		return -1;
	d = rrset_data_rr(&e->d, 0, &len);
	if (d && len == 4)
		v = d[3];
	rrset_cache_release(c, e);
	return v;
}

/** Store and read back RRs, RRSIGs and the bogus reason. */
static void
test_rrset_store(void)
{
	struct rrset_cache *c = rrset_cache_create(1 << 20, 4, NULL);
	uint8_t big[300];
	struct rrset_rr rr[3], sig[1];
	struct rrset_store in;
	struct rrset_entry *e;
	struct rrset_cache_stats st;
	const uint8_t *d;
	uint16_t len;
	uint64_t id;

	UNIT_CHECK(c != NULL);
	memset(big, 0xab, sizeof(big));
	rr[0].data = (const uint8_t *)"\1\2\3\4";
	rr[0].len = 4;
	rr[1].data = big;
	rr[1].len = sizeof(big);
	rr[2].data = NULL;
	rr[2].len = 0;
	sig[0].data = (const uint8_t *)"SIGNATURE";
	sig[0].len = 9;
	memset(&in, 0, sizeof(in));
	in.rrs = rr;
	in.count = 3;
	in.rrsigs = sig;
	in.rrsig_count = 1;
	in.ttl = 300;
	in.trust = RRSET_TRUST_ANSWER_AUTH;
	in.security = RRSET_SEC_BOGUS;
	in.ede = 6;
	in.bogus_reason = "signature expired";
	UNIT_CHECK_INT(rrset_cache_store(c, N("Www.Example.COM."), 16, 1,
	    &in, 1000, &id), 0);
	UNIT_CHECK(id != 0);
	e = rrset_cache_lookup(c, N("www.example.com."), 16, 1, 1100, NULL);
	if (UNIT_CHECK(e != NULL)) {
		UNIT_CHECK_INT(e->d.count, 3);
		UNIT_CHECK_INT(e->d.rrsig_count, 1);
		UNIT_CHECK_INT(e->d.id, id);
		UNIT_CHECK_INT(e->d.expiry, 1300);
		UNIT_CHECK_INT(rrset_data_ttl_left(&e->d, 1100), 200);
		UNIT_CHECK_INT(e->d.security, RRSET_SEC_BOGUS);
		UNIT_CHECK_INT(e->d.ede, 6);
		UNIT_CHECK_STR(e->d.bogus_reason, "signature expired");
		d = rrset_data_rr(&e->d, 1, &len);
		UNIT_CHECK(d && len == 300 && memcmp(d, big, 300) == 0);
		d = rrset_data_rr(&e->d, 2, &len);
		UNIT_CHECK(d && len == 0);
		d = rrset_data_rr(&e->d, 3, &len);
		UNIT_CHECK(d && len == 9 && memcmp(d, "SIGNATURE", 9) == 0);
		UNIT_CHECK(rrset_data_rr(&e->d, 4, &len) == NULL);
		UNIT_CHECK(dname_equal(e->key.owner, N("www.example.com.")));
		rrset_cache_release(c, e);
	}
	/* Other type, other class: misses. */
	UNIT_CHECK(rrset_cache_lookup(c, N("www.example.com."), 1, 1, 1100,
	    NULL) == NULL);
	UNIT_CHECK(rrset_cache_lookup(c, N("www.example.com."), 16, 3, 1100,
	    NULL) == NULL);
	/* Expired: a miss without serve-expired. */
	UNIT_CHECK(rrset_cache_lookup(c, N("www.example.com."), 16, 1, 1300,
	    NULL) == NULL);
	rrset_cache_get_stats(c, &st);
	UNIT_CHECK_INT(st.table.count, 1);
	UNIT_CHECK(rrset_cache_memory(c) > st.table.used);
	UNIT_CHECK_INT(rrset_cache_remove(c, N("WWW.example.com."), 16, 1),
	    0);
	UNIT_CHECK_INT(rrset_cache_remove(c, N("WWW.example.com."), 16, 1),
	    RES_ENOTFOUND);
	rrset_cache_delete(c);
}

/** NULL, malformed and oversized input. */
static void
test_rrset_bad_input(void)
{
	struct rrset_cache *c = rrset_cache_create(1 << 16, 1, NULL);
	struct rrset_rr rr[17];
	struct rrset_store in;
	static uint8_t big[65535];
	uint8_t bad[DNAME_MAXLEN];
	uint64_t id = 99;
	int i;

	memset(bad, 0, sizeof(bad));
	bad[0] = 0x40;	/* label type 01: malformed */
	memset(&in, 0, sizeof(in));
	in.ttl = 100;
	UNIT_CHECK(rrset_cache_create(1 << 16, 3, NULL) == NULL);
	rrset_cache_delete(NULL);
	UNIT_CHECK_INT(rrset_cache_store(NULL, N("a."), 1, 1, &in, 0, &id),
	    RES_EINVAL);
	UNIT_CHECK_INT(id, 0);
	UNIT_CHECK_INT(rrset_cache_store(c, NULL, 1, 1, &in, 0, NULL),
	    RES_EINVAL);
	UNIT_CHECK_INT(rrset_cache_store(c, N("a."), 1, 1, NULL, 0, NULL),
	    RES_EINVAL);
	UNIT_CHECK_INT(rrset_cache_store(c, bad, 1, 1, &in, 0, NULL),
	    RES_EMALFORMED);
	in.count = 1;
	UNIT_CHECK_INT(rrset_cache_store(c, N("a."), 1, 1, &in, 0, NULL),
	    RES_EINVAL);
	for (i = 0; i < 17; i++) {
		rr[i].data = big;
		rr[i].len = sizeof(big);
	}
	in.rrs = rr;
	in.count = 17;
	UNIT_CHECK_INT(rrset_cache_store(c, N("a."), 1, 1, &in, 0, NULL),
	    RES_ELIMIT);
	in.count = 2;	/* fits the limits, not the 64k budget */
	UNIT_CHECK_INT(rrset_cache_store(c, N("a."), 1, 1, &in, 0, NULL),
	    RES_ELIMIT);
	in.count = 70000;
	UNIT_CHECK_INT(rrset_cache_store(c, N("a."), 1, 1, &in, 0, NULL),
	    RES_ELIMIT);
	/* An empty RRset is storable (a placeholder). */
	in.count = 0;
	UNIT_CHECK_INT(rrset_cache_store(c, N("a."), 1, 1, &in, 0, NULL), 0);
	/* TTL 0 is not cached, RFC 1035 section 3.2.1. */
	in.ttl = 0;
	UNIT_CHECK_INT(rrset_cache_store(c, N("b."), 1, 1, &in, 0, NULL),
	    RES_EINVAL);
	UNIT_CHECK(rrset_cache_lookup(NULL, N("a."), 1, 1, 0, NULL) == NULL);
	UNIT_CHECK(rrset_cache_lookup(c, NULL, 1, 1, 0, NULL) == NULL);
	UNIT_CHECK(rrset_cache_lookup_ref(c, NULL, 0, NULL) == NULL);
	rrset_cache_release(c, NULL);
	rrset_cache_release(NULL, NULL);
	UNIT_CHECK_INT(rrset_cache_remove(NULL, N("a."), 1, 1),
	    RES_ENOTFOUND);
	UNIT_CHECK(rrset_data_rr(NULL, 0, NULL) == NULL);
	UNIT_CHECK_INT(rrset_data_ttl_left(NULL, 0), 0);
	UNIT_CHECK_INT(rrset_cache_memory(NULL), 0);
	rrset_cache_delete(c);
}

/** RFC 2181 section 5.4.1 replacement, and ids of versions. */
static void
test_rrset_trust(void)
{
	struct rrset_cache *c = rrset_cache_create(1 << 20, 2, NULL);
	struct rrset_ref ref;
	struct rrset_entry *e;
	uint64_t id1, id2, id3;

	UNIT_CHECK_INT(store_a(c, "ns.example.", 1, 100,
	    RRSET_TRUST_ANSWER_AUTH, 1000, &id1), 0);
	/* Glue does not replace live authoritative data... */
	UNIT_CHECK_INT(store_a(c, "ns.example.", 2, 100, RRSET_TRUST_GLUE,
	    1010, &id2), RES_EEXIST);
	UNIT_CHECK_INT(id2, id1);
	UNIT_CHECK_INT(get_a(c, "ns.example.", 1020, NULL), 1);
	/* ...nor does additional-section data. */
	UNIT_CHECK_INT(store_a(c, "ns.example.", 3, 100,
	    RRSET_TRUST_ADDITIONAL, 1010, NULL), RES_EEXIST);
	/* Equal trust, newer: replaces, with a new id. */
	UNIT_CHECK_INT(store_a(c, "ns.example.", 4, 100,
	    RRSET_TRUST_ANSWER_AUTH, 1030, &id2), 0);
	UNIT_CHECK(id2 != id1);
	UNIT_CHECK_INT(get_a(c, "ns.example.", 1040, NULL), 4);
	/* A reference to the old version misses; to the new one hits. */
	ref.owner = N("ns.example.");
	ref.type = 1;
	ref.rclass = 1;
	ref.id = id1;
	UNIT_CHECK(rrset_cache_lookup_ref(c, &ref, 1040, NULL) == NULL);
	ref.id = id2;
	e = rrset_cache_lookup_ref(c, &ref, 1040, NULL);
	UNIT_CHECK(e != NULL);
	rrset_cache_release(c, e);
	/* Higher trust replaces lower. */
	UNIT_CHECK_INT(store_a(c, "glue.example.", 5, 100, RRSET_TRUST_GLUE,
	    1000, NULL), 0);
	UNIT_CHECK_INT(store_a(c, "glue.example.", 6, 100,
	    RRSET_TRUST_ANSWER_NONAUTH, 1001, NULL), 0);
	UNIT_CHECK_INT(get_a(c, "glue.example.", 1002, NULL), 6);
	/* Expired higher-trust data is replaced by glue. */
	UNIT_CHECK_INT(store_a(c, "glue.example.", 7, 100, RRSET_TRUST_GLUE,
	    1101, &id3), 0);
	UNIT_CHECK_INT(get_a(c, "glue.example.", 1102, NULL), 7);
	/* Validated data beats an authoritative unsigned copy. */
	UNIT_CHECK_INT(store_a(c, "sec.example.", 8, 100,
	    RRSET_TRUST_VALIDATED, 1000, NULL), 0);
	UNIT_CHECK_INT(store_a(c, "sec.example.", 9, 100,
	    RRSET_TRUST_ANSWER_AUTH, 1000, NULL), RES_EEXIST);
	rrset_cache_delete(c);
}

/** A verdict stays when the same data comes again unvalidated. */
static void
test_rrset_verdict_kept(void)
{
	struct rrset_cache *c = rrset_cache_create(1 << 20, 2, NULL);
	static const enum rrset_sec verdicts[] = { RRSET_SEC_INSECURE,
	    RRSET_SEC_BOGUS, RRSET_SEC_INDETERMINATE };
	uint64_t id1, id2;
	size_t i;

	for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		rrset_cache_clear(c);
		/* Fetched, then judged by the validator (same trust). */
		UNIT_CHECK_INT(store_a_sec(c, "k.example.", 1,
		    RRSET_TRUST_ANSWER_AUTH, RRSET_SEC_UNCHECKED, 1000,
		    &id1), 0);
		UNIT_CHECK_INT(store_a_sec(c, "k.example.", 1,
		    RRSET_TRUST_ANSWER_AUTH, verdicts[i], 1001, &id2), 0);
		UNIT_CHECK_INT(get_sec(c, "k.example.", 1002),
		    (int)verdicts[i]);
		/* Fetched again by another query: the verdict stays, and
		 * the kept version is reported. */
		UNIT_CHECK_INT(store_a_sec(c, "k.example.", 1,
		    RRSET_TRUST_ANSWER_AUTH, RRSET_SEC_UNCHECKED, 1010,
		    &id1), RES_EEXIST);
		UNIT_CHECK(id1 == id2);
		UNIT_CHECK_INT(get_sec(c, "k.example.", 1011),
		    (int)verdicts[i]);
		/* Other data replaces it as before. */
		UNIT_CHECK_INT(store_a_sec(c, "k.example.", 2,
		    RRSET_TRUST_ANSWER_AUTH, RRSET_SEC_UNCHECKED, 1020,
		    NULL), 0);
		UNIT_CHECK_INT(get_sec(c, "k.example.", 1021),
		    RRSET_SEC_UNCHECKED);
		UNIT_CHECK_INT(get_a(c, "k.example.", 1021, NULL), 2);
	}
	/* A judged copy past its expiry is replaced by the same data. */
	rrset_cache_clear(c);
	UNIT_CHECK_INT(store_a_sec(c, "k.example.", 1,
	    RRSET_TRUST_ANSWER_AUTH, RRSET_SEC_BOGUS, 1000, NULL), 0);
	UNIT_CHECK_INT(store_a_sec(c, "k.example.", 1,
	    RRSET_TRUST_ANSWER_AUTH, RRSET_SEC_UNCHECKED, 1100, NULL), 0);
	UNIT_CHECK_INT(get_sec(c, "k.example.", 1101), RRSET_SEC_UNCHECKED);
	/* A new verdict on the same data replaces the old one. */
	UNIT_CHECK_INT(store_a_sec(c, "k.example.", 1,
	    RRSET_TRUST_ANSWER_AUTH, RRSET_SEC_INSECURE, 1102, NULL), 0);
	UNIT_CHECK_INT(store_a_sec(c, "k.example.", 1,
	    RRSET_TRUST_VALIDATED, RRSET_SEC_SECURE, 1103, NULL), 0);
	UNIT_CHECK_INT(get_sec(c, "k.example.", 1104), RRSET_SEC_SECURE);
	rrset_cache_delete(c);
}

/** cache-min-ttl, cache-max-ttl, serve-expired and prefetch. */
static void
test_rrset_policy(void)
{
	struct cache_policy p;
	struct rrset_cache *c;
	struct rrset_cache_stats st;
	int f;

	cache_policy_default(&p);
	p.min_ttl = 60;
	p.max_ttl = 1000;
	c = rrset_cache_create(1 << 20, 2, &p);
	store_a(c, "short.", 1, 5, RRSET_TRUST_ANSWER_AUTH, 0, NULL);
	UNIT_CHECK_INT(get_a(c, "short.", 59, NULL), 1);
	UNIT_CHECK_INT(get_a(c, "short.", 60, NULL), -1);
	store_a(c, "long.", 2, 99999, RRSET_TRUST_ANSWER_AUTH, 0, NULL);
	UNIT_CHECK_INT(get_a(c, "long.", 999, NULL), 2);
	UNIT_CHECK_INT(get_a(c, "long.", 1000, NULL), -1);
	rrset_cache_delete(c);

	/* Serve-expired, RFC 8767: kept and flagged, until the limit. */
	cache_policy_default(&p);
	p.serve_expired = 1;
	p.serve_expired_ttl = 3600;
	c = rrset_cache_create(1 << 20, 2, &p);
	store_a(c, "stale.", 3, 100, RRSET_TRUST_ANSWER_AUTH, 0, NULL);
	UNIT_CHECK_INT(get_a(c, "stale.", 50, &f), 3);
	UNIT_CHECK_INT(f, 0);
	UNIT_CHECK_INT(get_a(c, "stale.", 100, &f), 3);
	UNIT_CHECK_INT(f, CACHE_FLAG_STALE);
	UNIT_CHECK_INT(get_a(c, "stale.", 3699, &f), 3);
	UNIT_CHECK_INT(f, CACHE_FLAG_STALE);
	UNIT_CHECK_INT(get_a(c, "stale.", 3700, &f), -1);
	UNIT_CHECK_INT(f, 0);
	rrset_cache_get_stats(c, &st);
	UNIT_CHECK_INT(st.stale, 2);
	/* Fresh data replaces the stale copy whatever its trust. */
	store_a(c, "stale.", 4, 100, RRSET_TRUST_GLUE, 200, NULL);
	UNIT_CHECK_INT(get_a(c, "stale.", 201, &f), 4);
	UNIT_CHECK_INT(f, 0);
	rrset_cache_delete(c);

	/* Prefetch: last 10% of the TTL, flagged once. */
	cache_policy_default(&p);
	p.prefetch = 1;
	c = rrset_cache_create(1 << 20, 2, &p);
	store_a(c, "pf.", 5, 100, RRSET_TRUST_ANSWER_AUTH, 0, NULL);
	UNIT_CHECK_INT(get_a(c, "pf.", 89, &f), 5);
	UNIT_CHECK_INT(f, 0);
	UNIT_CHECK_INT(get_a(c, "pf.", 90, &f), 5);
	UNIT_CHECK_INT(f, CACHE_FLAG_PREFETCH);
	UNIT_CHECK_INT(get_a(c, "pf.", 95, &f), 5);
	UNIT_CHECK_INT(f, 0);
	rrset_cache_get_stats(c, &st);
	UNIT_CHECK_INT(st.prefetch, 1);
	rrset_cache_delete(c);
}

/** Walk counter. */
static int
count_rrsets(const struct rrset_entry *e, void *arg)
{
	(void)e;
	(*(int *)arg)++;
	return 0;
}

/** RRset cache under a small budget, with a walk. */
static void
test_rrset_budget(void)
{
	struct rrset_cache *c = rrset_cache_create(16384, 4, NULL);
	struct rrset_cache_stats st;
	char name[64];
	int i, n = 0, ok = 1;

	for (i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "h%d.example.", i);
		store_a(c, name, (uint8_t)i, 300, RRSET_TRUST_ANSWER_AUTH,
		    0, NULL);
		rrset_cache_get_stats(c, &st);
		ok &= st.table.used <= 16384;
	}
	UNIT_CHECK(ok);
	UNIT_CHECK(st.table.evictions > 0);
	UNIT_CHECK_INT(get_a(c, "h1999.example.", 1, NULL), 1999 % 256);
	rrset_cache_walk(c, count_rrsets, &n);
	UNIT_CHECK_INT(n, st.table.count);
	rrset_cache_clear(c);
	UNIT_CHECK_INT(get_a(c, "h1999.example.", 1, NULL), -1);
	rrset_cache_delete(c);
}


/** A held RRset stays readable after replacement and removal. */
static void
test_rrset_held(void)
{
	struct rrset_cache *c = rrset_cache_create(1 << 20, 2, NULL);
	struct rrset_entry *e;
	const uint8_t *d;
	uint16_t len;

	store_a(c, "held.", 1, 100, RRSET_TRUST_ANSWER_AUTH, 0, NULL);
	e = rrset_cache_lookup(c, N("held."), 1, 1, 1, NULL);
	UNIT_CHECK(e != NULL);
	store_a(c, "held.", 2, 100, RRSET_TRUST_ANSWER_AUTH, 2, NULL);
	UNIT_CHECK_INT(get_a(c, "held.", 3, NULL), 2);
	rrset_cache_remove(c, N("held."), 1, 1);
	if (e) {
		d = rrset_data_rr(&e->d, 0, &len);
		UNIT_CHECK(d && len == 4 && d[3] == 1);
		UNIT_CHECK(dname_equal(e->key.owner, N("held.")));
		rrset_cache_release(c, e);
	}
	rrset_cache_delete(c);
}

/** Add *arg to an entry's value. */
static void
apply_fn(struct slabhash_entry *e, void *arg)
{
	((struct tent *)e)->val += *(int *)arg;
}

/** Stop the walk at the third entry. */
static int
stop_walk(const struct slabhash_entry *e, void *arg)
{
	(void)e;
	return ++*(int *)arg == 3 ? 42 : 0;
}

/** slabhash_apply and a walk that stops early. */
static void
test_slabhash_apply_walk(void)
{
	struct slabhash *h = slabhash_create(2, 10000, &tent_type, NULL);
	struct tent *t;
	int i, k = 5, add = 10, n = 0;

	for (i = 0; i < 10; i++)
		tent_insert(h, i, i, 10);
	UNIT_CHECK_INT(slabhash_apply(h, tent_hash(5), &k, apply_fn, &add),
	    0);
	k = 99;
	UNIT_CHECK_INT(slabhash_apply(h, tent_hash(99), &k, apply_fn, &add),
	    RES_ENOTFOUND);
	UNIT_CHECK_INT(slabhash_apply(NULL, 0, &k, apply_fn, &add),
	    RES_ENOTFOUND);
	t = tent_get(h, 5);
	UNIT_CHECK(t && t->val == 15);
	slabhash_release(h, t ? &t->he : NULL);
	UNIT_CHECK_INT(slabhash_walk(h, stop_walk, &n), 42);
	UNIT_CHECK_INT(n, 3);
	UNIT_CHECK_INT(slabhash_walk(NULL, stop_walk, &n), 0);
	slabhash_delete(h);
}

/** Prefetching reads nothing and counts nothing; the bucket arrays
 * replaced by growth stay allocated (and accounted) until the end. */
static void
test_slabhash_prefetch(void)
{
	struct slabhash *h = slabhash_create(1, 1000000, &tent_type, NULL);
	struct slabhash_stats st;
	struct tent *t;
	size_t want, n;
	int i;

	for (i = 0; i < 1000; i++)
		UNIT_CHECK_INT(tent_insert(h, i, i, 64), 0);
	for (i = 0; i < 2000; i++) {
		slabhash_prefetch_bucket(h, tent_hash(i));
		slabhash_prefetch(h, tent_hash(i), 256);
	}
	slabhash_prefetch_bucket(NULL, 1);
	slabhash_prefetch(NULL, 1, 64);
	slabhash_get_stats(h, &st);
	UNIT_CHECK_INT(st.hits, 0);
	UNIT_CHECK_INT(st.misses, 0);
	UNIT_CHECK_INT(st.count, 1000);
	/* 64 buckets grew to 1024 at 1000 entries: the arrays of 64, 128,
	 * 256 and 512 are kept beside it, each with its link slot. */
	want = slabhash_alloc_size(sizeof(struct slabhash)) +
	    slabhash_alloc_size(sizeof(struct slabhash_shard));
	for (n = 64; n <= 1024; n *= 2)
		want += slabhash_alloc_size((n + 1) * sizeof(void *));
	UNIT_CHECK_INT(st.overhead, want);
	t = tent_get(h, 999);
	UNIT_CHECK(t && t->val == 999);
	slabhash_release(h, t ? &t->he : NULL);
	slabhash_delete(h);
}

/** Shared by the concurrent prefetch test. */
static struct slabhash *pf_table;
/** Set when the inserter is done (atomic). */
static int pf_done;

/** Fill the table, growing its buckets over and over. */
static void *
pf_inserter(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 100000; i++)
		tent_insert(pf_table, i, i, 16);
	__atomic_store_n(&pf_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/** Prefetch anything, without a lock, until the inserter is done. */
static void *
pf_prefetcher(void *arg)
{
	uint32_t x = (uint32_t)(uintptr_t)arg;
	long n;

	for (n = 0; n < 50000000L &&
	    !__atomic_load_n(&pf_done, __ATOMIC_ACQUIRE); n++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		slabhash_prefetch_bucket(pf_table, x);
		slabhash_prefetch(pf_table, tent_hash((int)(x % 100000)),
		    128);
	}
	return NULL;
}

/** Prefetch races with growth: no access to a freed bucket array (ASan)
 * and no data race (TSan). */
static void
test_slabhash_prefetch_concurrent(void)
{
	pthread_t ins, pf[2];
	struct tent *t;
	int i, k;

	pf_table = slabhash_create(2, (size_t)1 << 30, &tent_type, NULL);
	UNIT_CHECK(pf_table != NULL);
	if (pf_table == NULL)
		return;
	pf_done = 0;
	for (i = 0; i < 2; i++)
		UNIT_CHECK_INT(pthread_create(&pf[i], NULL, pf_prefetcher,
		    (void *)(uintptr_t)(2463534242u + (unsigned)i)), 0);
	UNIT_CHECK_INT(pthread_create(&ins, NULL, pf_inserter, NULL), 0);
	pthread_join(ins, NULL);
	for (i = 0; i < 2; i++)
		pthread_join(pf[i], NULL);
	for (i = 0, k = 0; i < 100000; i += 997) {
		t = tent_get(pf_table, i);
		k += t != NULL && t->val == i;
		slabhash_release(pf_table, t ? &t->he : NULL);
	}
	UNIT_CHECK_INT(k, 101);
	slabhash_delete(pf_table);
}

int
main(void)
{
	unit_init("cache");
	UNIT_RUN(test_slabhash_args);
	UNIT_RUN(test_slabhash_basic);
	UNIT_RUN(test_slabhash_refs);
	UNIT_RUN(test_slabhash_lru);
	UNIT_RUN(test_slabhash_budget_random);
	UNIT_RUN(test_slabhash_apply_walk);
	UNIT_RUN(test_slabhash_prefetch);
	UNIT_RUN(test_slabhash_prefetch_concurrent);
	UNIT_RUN(test_rrset_store);
	UNIT_RUN(test_rrset_bad_input);
	UNIT_RUN(test_rrset_trust);
	UNIT_RUN(test_rrset_verdict_kept);
	UNIT_RUN(test_rrset_policy);
	UNIT_RUN(test_rrset_budget);
	UNIT_RUN(test_rrset_held);
	return unit_done();
}
