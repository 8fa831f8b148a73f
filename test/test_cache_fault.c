/*
 * test/test_cache_fault.c - allocation failures in the caches.
 *
 * The program is linked with the linker's --wrap for the allocation
 * functions, so every allocation of the cache code goes through the
 * wrappers of test/fault_wrap.c.  A scenario that touches every cache is
 * run again and again, failing the Nth allocation for N = 1, 2, ...
 * until a run does not reach N.  Each run must end cleanly: calls report RES_ENOMEM or
 * NULL (or a miss), nothing crashes, and under ASan nothing leaks.
 */
#include "config.h"
#include "test/unit.h"
#include "test/fault_wrap.h"
#include "cache/rrset.h"
#include "cache/msgcache.h"
#include "cache/infra.h"
#include "cache/keycache.h"
#include "util/dname.h"
#include "util/error.h"
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/** Results that are acceptable under a failed allocation. */
static int
ok_or_enomem(int r)
{
	return r == 0 || r == RES_ENOMEM;
}

/** One scenario over all caches; returns the number of bad results. */
static int
scenario(void)
{
	uint8_t name[DNAME_MAXLEN], zone[DNAME_MAXLEN];
	struct rrset_cache *rc = NULL;
	struct msg_cache *mc = NULL;
	struct infra_cache *ic = NULL;
	struct key_cache *kc = NULL;
	struct rrset_rr rr = { (const uint8_t *)"\300\0\2\1", 4 };
	struct rrset_store in;
	struct rrset_ref ref;
	struct msg_store ms;
	struct msg_answer ans;
	struct key_store ks;
	struct key_entry *ke;
	struct sockaddr_in sa;
	struct infra_info ii;
	int bad = 0, i;

	dname_from_str("www.example.", NULL, name, NULL);
	dname_from_str("example.", NULL, zone, NULL);
	rc = rrset_cache_create(1 << 16, 2, NULL);
	mc = msg_cache_create(1 << 16, 2, NULL);
	ic = infra_cache_create(100, 900, 2);
	kc = key_cache_create(1 << 16, 2);
	if (rc == NULL || mc == NULL || ic == NULL || kc == NULL)
		goto out;
	memset(&in, 0, sizeof(in));
	in.rrs = &rr;
	in.count = 1;
	in.ttl = 100;
	in.trust = RRSET_TRUST_ANSWER_AUTH;
	in.bogus_reason = "x";
	/* Enough entries to make the buckets grow. */
	for (i = 0; i < 300; i++) {
		uint8_t n2[DNAME_MAXLEN];
		char s[32];

		snprintf(s, sizeof(s), "h%d.example.", i);
		dname_from_str(s, NULL, n2, NULL);
		bad += !ok_or_enomem(rrset_cache_store(rc, n2, 1, 1, &in, 0,
		    NULL));
	}
	bad += !ok_or_enomem(rrset_cache_store(rc, name, 1, 1, &in, 0,
	    &ref.id));
	ref.owner = name;
	ref.type = 1;
	ref.rclass = 1;
	memset(&ms, 0, sizeof(ms));
	ms.refs = &ref;
	ms.an = ref.id ? 1 : 0;
	ms.rcode = ref.id ? 0 : 3;
	ms.ttl = 100;
	bad += !ok_or_enomem(msg_cache_store(mc, name, 1, 1, 0, &ms, 0));
	if (msg_cache_lookup(mc, rc, name, 1, 1, 0, 1, &ans) == 0)
		msg_cache_answer_release(mc, rc, &ans);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	bad += !ok_or_enomem(infra_cache_rtt_update(ic, &sa, sizeof(sa),
	    zone, 0, 20));
	bad += !ok_or_enomem(infra_cache_set_lame(ic, &sa, sizeof(sa), zone,
	    0, 1));
	infra_cache_lookup(ic, &sa, sizeof(sa), zone, 1, &ii);
	memset(&ks, 0, sizeof(ks));
	ks.status = KEY_STATUS_SECURE;
	ks.keys = &rr;
	ks.count = 1;
	ks.ttl = 100;
	bad += !ok_or_enomem(key_cache_store(kc, zone, 1, &ks, 0));
	if ((ke = key_cache_lookup_closest(kc, name, 1, 1)) != NULL)
		key_cache_release(kc, ke);
out:
	rrset_cache_delete(rc);
	msg_cache_delete(mc);
	infra_cache_delete(ic);
	key_cache_delete(kc);
	return bad;
}

/** Fail each allocation in turn. */
static void
test_cache_alloc_failures(void)
{
	long n;
	int bad = 0;

	for (n = 1; n < 100000; n++) {
		fault_count = 0;
		fault_hit = 0;
		fault_at = n;
		bad += scenario();
		if (!fault_hit)
			break;
	}
	fault_at = 0;
	printf("# %ld allocation points failed in turn\n", n - 1);
	UNIT_CHECK(n > 10);
	UNIT_CHECK(n < 100000);
	UNIT_CHECK_INT(bad, 0);
	/* Without failures everything succeeds. */
	UNIT_CHECK_INT(scenario(), 0);
}

int
main(void)
{
	unit_init("cache_fault");
	UNIT_RUN(test_cache_alloc_failures);
	return unit_done();
}
