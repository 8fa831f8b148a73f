/*
 * test/test_cache_stress.c - all caches under concurrent use.
 *
 * Several threads insert, look up, hold, remove and evict at once for a
 * bounded time (RESOLUTE_STRESS_SECONDS, default 2, at most 600) and a
 * bounded number of operations.  Budgets are small so eviction runs all
 * the time.  Every RRset's rdata is a byte pattern derived from its name
 * and version, so a reader that saw a freed or half-written entry would
 * see a broken pattern.  Built for ThreadSanitizer and ASan runs too.
 */
#include "config.h"
#include "test/unit.h"
#include "cache/rrset.h"
#include "cache/msgcache.h"
#include "cache/infra.h"
#include "cache/keycache.h"
#include "util/dname.h"
#include "util/error.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/** Worker threads. */
#define STRESS_THREADS 4
/** Distinct names. */
#define STRESS_NAMES 2048
/** Upper bound of operations per thread. */
#define STRESS_MAX_OPS 20000000L
/** References a thread holds at most. */
#define STRESS_HELD 8
/** RRset cache budget. */
#define STRESS_RRSET_BYTES (96 * 1024)

/** The shared caches. */
static struct rrset_cache *rc;
static struct msg_cache *mc;
static struct infra_cache *ic;
static struct key_cache *kc;
/** The names, wire form. */
static uint8_t names[STRESS_NAMES][32];
/** Deadline (monotonic seconds). */
static double deadline;
/** Errors found by the threads (atomic). */
static long errors;
/** Operations done (atomic). */
static long total_ops;

/** Monotonic time in seconds. */
static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/** xorshift random, per thread. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/** Check an RRset's pattern: all rdata bytes equal (idx + ver) & 0xff,
 * where the first byte of RR 0 carries ver. */
static int
pattern_ok(const struct rrset_entry *e, int idx)
{
	const uint8_t *d;
	uint16_t len, i;
	size_t r;
	uint8_t want;

	if (e->d.count == 0)
		return 0;
	d = rrset_data_rr(&e->d, 0, &len);
	if (d == NULL || len < 2)
		return 0;
	want = (uint8_t)(idx + d[0]);
	for (r = 0; r < e->d.count; r++) {
		d = rrset_data_rr(&e->d, r, &len);
		for (i = 1; i < len; i++)
			if (d[i] != want)
				return 0;
	}
	return dname_equal(e->key.owner, names[idx]);
}

/** One worker. */
static void *
worker(void *arg)
{
	uint32_t seed = (uint32_t)(uintptr_t)arg * 2654435761u + 1;
	struct rrset_entry *held[STRESS_HELD];
	int held_idx[STRESS_HELD], nheld = 0;
	uint8_t buf[600];
	struct rrset_rr rrs[3];
	struct rrset_store in;
	struct rrset_ref ref;
	struct msg_store ms;
	struct msg_answer ans;
	struct key_store ks;
	struct key_entry *ke;
	long ops, bad = 0;
	time_t now;
	int idx, i, f;

	for (ops = 0; ops < STRESS_MAX_OPS; ops++) {
		if ((ops & 1023) == 0 && mono() > deadline)
			break;
		now = 1000 + (time_t)(ops / 4096);
		idx = (int)(rnd(&seed) % STRESS_NAMES);
		switch (rnd(&seed) % 10) {
		case 0:
		case 1:
		case 2: {
			uint8_t ver = (uint8_t)rnd(&seed);
			size_t len = 2 + rnd(&seed) % 200;

			buf[0] = ver;
			memset(buf + 1, (uint8_t)(idx + ver), sizeof(buf) - 1);
			for (i = 0; i < 3; i++) {
				rrs[i].data = buf;
				rrs[i].len = (uint16_t)len;
			}
			memset(&in, 0, sizeof(in));
			in.rrs = rrs;
			in.count = 1 + rnd(&seed) % 3;
			in.ttl = 1 + rnd(&seed) % 30;
			in.trust = (enum rrset_trust)(1 + rnd(&seed) % 6);
			rrset_cache_store(rc, names[idx], 1, 1, &in, now, NULL);
			break;
		}
		case 3:
		case 4:
		case 5: {
			struct rrset_entry *e = rrset_cache_lookup(rc,
			    names[idx], 1, 1, now, &f);

			if (e == NULL)
				break;
			if (!pattern_ok(e, idx))
				bad++;
			if (nheld < STRESS_HELD) {
				held_idx[nheld] = idx;
				held[nheld++] = e;
			} else
				rrset_cache_release(rc, e);
			break;
		}
		case 6:
			/* Re-check and drop a held reference. */
			if (nheld > 0) {
				nheld--;
				if (!pattern_ok(held[nheld], held_idx[nheld]))
					bad++;
				rrset_cache_release(rc, held[nheld]);
			} else
				rrset_cache_remove(rc, names[idx], 1, 1);
			break;
		case 7: {
			struct rrset_entry *e = rrset_cache_lookup(rc,
			    names[idx], 1, 1, now, NULL);

			if (e == NULL)
				break;
			ref.owner = names[idx];
			ref.type = 1;
			ref.rclass = 1;
			ref.id = e->d.id;
			memset(&ms, 0, sizeof(ms));
			ms.refs = &ref;
			ms.an = 1;
			ms.ttl = rrset_data_ttl_left(&e->d, now);
			rrset_cache_release(rc, e);
			if (ms.ttl > 0)
				msg_cache_store(mc, names[idx], 1, 1, 0, &ms,
				    now);
			break;
		}
		case 8:
			if (msg_cache_lookup(mc, rc, names[idx], 1, 1, 0, now,
			    &ans) == 0) {
				if (ans.n != 1 || !pattern_ok(ans.rrsets[0],
				    idx))
					bad++;
				msg_cache_answer_release(mc, rc, &ans);
			}
			break;
		default: {
			uint8_t addr[16];
			struct infra_info ii;

			memset(addr, 0, sizeof(addr));
			addr[0] = 2;
			addr[7] = (uint8_t)(idx & 63);
			if (rnd(&seed) & 1)
				infra_cache_rtt_update(ic, addr, sizeof(addr),
				    names[idx & 7], now,
				    (int)(rnd(&seed) % 500) - 50);
			else
				infra_cache_lookup(ic, addr, sizeof(addr),
				    names[idx & 7], now, &ii);
			memset(&ks, 0, sizeof(ks));
			ks.status = KEY_STATUS_INSECURE;
			ks.ttl = 5;
			if (rnd(&seed) & 1)
				key_cache_store(kc, names[idx], 1, &ks, now);
			else if ((ke = key_cache_lookup_closest(kc,
			    names[idx], 1, now)) != NULL) {
				if (ke->d.status != KEY_STATUS_INSECURE)
					bad++;
				key_cache_release(kc, ke);
			}
		}
		}
	}
	while (nheld > 0) {
		nheld--;
		if (!pattern_ok(held[nheld], held_idx[nheld]))
			bad++;
		rrset_cache_release(rc, held[nheld]);
	}
	__atomic_add_fetch(&errors, bad, __ATOMIC_RELAXED);
	__atomic_add_fetch(&total_ops, ops, __ATOMIC_RELAXED);
	return NULL;
}

/** Run the workers and check the result. */
static void
test_cache_stress(void)
{
	pthread_t th[STRESS_THREADS];
	struct cache_policy p;
	struct rrset_cache_stats rs;
	struct msg_cache_stats ms;
	struct slabhash_stats is, ks;
	const char *env = getenv("RESOLUTE_STRESS_SECONDS");
	double secs = env ? atof(env) : 2.0;
	long i;
	char s[32];

	if (secs <= 0 || secs > 600)
		secs = 2.0;
	for (i = 0; i < STRESS_NAMES; i++) {
		snprintf(s, sizeof(s), "n%ld.s%ld.test.", i, i % 7);
		if (dname_from_str(s, NULL, names[i], NULL) != 0)
			abort();
	}
	cache_policy_default(&p);
	p.serve_expired = 1;
	p.serve_expired_ttl = 20;
	p.prefetch = 1;
	rc = rrset_cache_create(STRESS_RRSET_BYTES, 4, &p);
	mc = msg_cache_create(32 * 1024, 4, &p);
	ic = infra_cache_create(64, 30, 2);
	kc = key_cache_create(16 * 1024, 2);
	UNIT_CHECK(rc && mc && ic && kc);
	if (!(rc && mc && ic && kc))
		return;
	deadline = mono() + secs;
	for (i = 0; i < STRESS_THREADS; i++)
		UNIT_CHECK_INT(pthread_create(&th[i], NULL, worker,
		    (void *)(uintptr_t)(i + 1)), 0);
	for (i = 0; i < STRESS_THREADS; i++)
		pthread_join(th[i], NULL);
	UNIT_CHECK_INT(errors, 0);
	rrset_cache_get_stats(rc, &rs);
	msg_cache_get_stats(mc, &ms);
	infra_cache_get_stats(ic, &is);
	key_cache_get_stats(kc, &ks);
	UNIT_CHECK(rs.table.used <= STRESS_RRSET_BYTES);
	UNIT_CHECK(ms.table.used <= 32 * 1024);
	UNIT_CHECK(is.count <= 64);
	UNIT_CHECK(ks.used <= 16 * 1024);
	UNIT_CHECK(rs.table.evictions > 0);
	UNIT_CHECK(total_ops > 0);
	printf("# %ld operations in %.1f s by %d threads; rrset hits %llu "
	    "evictions %llu; msg hits %llu misses %llu\n", total_ops, secs,
	    STRESS_THREADS, (unsigned long long)rs.table.hits,
	    (unsigned long long)rs.table.evictions,
	    (unsigned long long)ms.hits, (unsigned long long)ms.misses);
	msg_cache_delete(mc);
	rrset_cache_delete(rc);
	infra_cache_delete(ic);
	key_cache_delete(kc);
}

int
main(void)
{
	unit_init("cache_stress");
	UNIT_RUN(test_cache_stress);
	return unit_done();
}
