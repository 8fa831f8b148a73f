/*
 * test/test_cache_upper.c - unit tests for the caches built on the table:
 * message cache (with negative caching), infra cache, key cache.
 */
#include "config.h"
#include "test/unit.h"
#include "cache/msgcache.h"
#include "cache/rrset.h"
#include "cache/infra.h"
#include "cache/keycache.h"
#include "util/dname.h"
#include "util/error.h"
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/** Make a wire name (rotating static buffers). */
static const uint8_t *
N(const char *s)
{
	static uint8_t buf[64][DNAME_MAXLEN];
	static int i;
	uint8_t *d = buf[i++ % 64];

	if (dname_from_str(s, NULL, d, NULL) != 0)
		abort();
	return d;
}

/** RDATA put() stores; change it to store different data. */
static const uint8_t *put_rdata = (const uint8_t *)"\300\0\2\1";

/** Store a one-RR RRset of a type and fill a reference to it. */
static int
put(struct rrset_cache *rc, const char *name, uint16_t type, uint32_t ttl,
    time_t now, struct rrset_ref *ref)
{
	struct rrset_rr rr;
	struct rrset_store in;

	rr.data = put_rdata;
	rr.len = 4;
	memset(&in, 0, sizeof(in));
	in.rrs = &rr;
	in.count = 1;
	in.ttl = ttl;
	in.trust = RRSET_TRUST_ANSWER_AUTH;
	ref->owner = N(name);
	ref->type = type;
	ref->rclass = 1;
	return rrset_cache_store(rc, ref->owner, type, 1, &in, now, &ref->id);
}

/** A positive answer: CNAME + A; hit, then replaced RRset, then expiry. */
static void
test_msg_positive(void)
{
	struct rrset_cache *rc = rrset_cache_create(1 << 20, 4, NULL);
	struct msg_cache *mc = msg_cache_create(1 << 20, 4, NULL);
	struct msg_cache_stats st;
	struct rrset_ref refs[2];
	struct msg_store in;
	struct msg_answer ans;

	UNIT_CHECK_INT(put(rc, "www.example.", 5, 300, 0, &refs[0]), 0);
	UNIT_CHECK_INT(put(rc, "web.example.", 1, 100, 0, &refs[1]), 0);
	memset(&in, 0, sizeof(in));
	in.rcode = 0;
	in.flags = 0x8180;
	in.refs = refs;
	in.an = 2;
	in.ttl = 100;
	UNIT_CHECK_INT(msg_cache_store(mc, N("WWW.example."), 1, 1,
	    MSG_QFLAG_DO, &in, 0), 0);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("www.EXAMPLE."), 1, 1,
	    MSG_QFLAG_DO, 10, &ans), 0);
	UNIT_CHECK(ans.msg != NULL);
	UNIT_CHECK_INT(ans.n, 2);
	UNIT_CHECK_INT(ans.flags, 0);
	if (ans.msg) {
		UNIT_CHECK_INT(ans.msg->d.flags, 0x8180);
		UNIT_CHECK_INT(ans.msg->d.an, 2);
		UNIT_CHECK_INT(ans.msg->d.negative, 0);
		UNIT_CHECK(ans.msg->d.wire[0].len == 0 && ans.msg->d.wire[1].len == 0);
	}
	UNIT_CHECK(ans.n == 2 && ans.rrsets[1]->key.type == 1);
	msg_cache_answer_release(mc, rc, &ans);
	UNIT_CHECK(ans.msg == NULL && ans.n == 0);
	/* DO and CD change the key. */
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("www.example."), 1, 1, 0,
	    10, &ans), RES_ENOTFOUND);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("www.example."), 1, 1,
	    MSG_QFLAG_DO | MSG_QFLAG_CD, 10, &ans), RES_ENOTFOUND);
	/* The same A RRset stored again keeps its version: still a hit. */
	UNIT_CHECK_INT(put(rc, "web.example.", 1, 100, 20, &refs[1]), 0);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("www.example."), 1, 1,
	    MSG_QFLAG_DO, 30, &ans), 0);
	msg_cache_answer_release(mc, rc, &ans);
	/* The A RRset is replaced by other data: the message is a miss. */
	put_rdata = (const uint8_t *)"\300\0\2\2";
	UNIT_CHECK_INT(put(rc, "web.example.", 1, 100, 20, &refs[1]), 0);
	put_rdata = (const uint8_t *)"\300\0\2\1";
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("www.example."), 1, 1,
	    MSG_QFLAG_DO, 30, &ans), RES_ENOTFOUND);
	UNIT_CHECK(ans.msg == NULL && ans.n == 0);
	/* Stored again with the new reference: a hit until expiry. */
	UNIT_CHECK_INT(msg_cache_store(mc, N("www.example."), 1, 1,
	    MSG_QFLAG_DO, &in, 30), 0);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("www.example."), 1, 1,
	    MSG_QFLAG_DO, 119, &ans), 0);
	msg_cache_answer_release(mc, rc, &ans);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("www.example."), 1, 1,
	    MSG_QFLAG_DO, 130, &ans), RES_ENOTFOUND);
	/* An evicted RRset makes the message a miss as well. */
	UNIT_CHECK_INT(msg_cache_store(mc, N("www.example."), 1, 1,
	    MSG_QFLAG_DO, &in, 40), 0);
	UNIT_CHECK_INT(rrset_cache_remove(rc, N("www.example."), 5, 1), 0);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("www.example."), 1, 1,
	    MSG_QFLAG_DO, 50, &ans), RES_ENOTFOUND);
	msg_cache_get_stats(mc, &st);
	UNIT_CHECK_INT(st.hits, 3);
	UNIT_CHECK_INT(st.misses, 5);
	UNIT_CHECK(msg_cache_memory(mc) > 0);
	UNIT_CHECK_INT(msg_cache_remove(mc, N("www.example."), 1, 1,
	    MSG_QFLAG_DO), 0);
	msg_cache_delete(mc);
	rrset_cache_delete(rc);
}

/** NXDOMAIN and NODATA with the SOA, RFC 2308. */
static void
test_msg_negative(void)
{
	struct cache_policy p;
	struct rrset_cache *rc;
	struct msg_cache *mc;
	struct rrset_ref soa;
	struct msg_store in;
	struct msg_answer ans;
	uint32_t ttl;

	cache_policy_default(&p);
	p.max_negative_ttl = 900;
	rc = rrset_cache_create(1 << 20, 2, &p);
	mc = msg_cache_create(1 << 20, 2, &p);
	UNIT_CHECK_INT(put(rc, "example.", 6, 3600, 0, &soa), 0);
	/* RFC 2308 section 5: min(SOA TTL, MINIMUM), here capped at 900. */
	UNIT_CHECK_INT(msg_cache_negative_ttl(mc, 3600, 600), 600);
	UNIT_CHECK_INT(msg_cache_negative_ttl(mc, 300, 600), 300);
	ttl = msg_cache_negative_ttl(mc, 3600, 86400);
	UNIT_CHECK_INT(ttl, 900);
	memset(&in, 0, sizeof(in));
	in.rcode = MSG_RCODE_NXDOMAIN;
	in.refs = &soa;
	in.ns = 1;
	in.ttl = ttl;
	UNIT_CHECK_INT(msg_cache_store(mc, N("nope.example."), 1, 1, 0, &in,
	    0), 0);
	/* NODATA: NOERROR, no answer; TTL above the cap is capped. */
	in.rcode = 0;
	in.ttl = 5000;
	UNIT_CHECK_INT(msg_cache_store(mc, N("example."), 28, 1, 0, &in, 0),
	    0);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("nope.example."), 1, 1, 0,
	    899, &ans), 0);
	UNIT_CHECK(ans.msg && ans.msg->d.negative &&
	    ans.msg->d.rcode == MSG_RCODE_NXDOMAIN && ans.msg->d.ns == 1);
	UNIT_CHECK(ans.n == 1 && ans.rrsets[0]->key.type == 6);
	msg_cache_answer_release(mc, rc, &ans);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("nope.example."), 1, 1, 0,
	    900, &ans), RES_ENOTFOUND);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("example."), 28, 1, 0,
	    899, &ans), 0);
	UNIT_CHECK(ans.msg && ans.msg->d.negative && ans.msg->d.ttl == 900);
	msg_cache_answer_release(mc, rc, &ans);
	msg_cache_delete(mc);
	rrset_cache_delete(rc);
}

/** Serve-expired and prefetch through the message cache. */
static void
test_msg_stale_prefetch(void)
{
	struct cache_policy p;
	struct rrset_cache *rc;
	struct msg_cache *mc;
	struct rrset_ref a;
	struct msg_store in;
	struct msg_answer ans;

	cache_policy_default(&p);
	p.serve_expired = 1;
	p.serve_expired_ttl = 86400;
	p.prefetch = 1;
	rc = rrset_cache_create(1 << 20, 2, &p);
	mc = msg_cache_create(1 << 20, 2, &p);
	put(rc, "a.example.", 1, 100, 0, &a);
	memset(&in, 0, sizeof(in));
	in.refs = &a;
	in.an = 1;
	in.ttl = 100;
	UNIT_CHECK_INT(msg_cache_store(mc, N("a.example."), 1, 1, 0, &in, 0),
	    0);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("a.example."), 1, 1, 0, 50,
	    &ans), 0);
	UNIT_CHECK_INT(ans.flags, 0);
	msg_cache_answer_release(mc, rc, &ans);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("a.example."), 1, 1, 0, 95,
	    &ans), 0);
	UNIT_CHECK_INT(ans.flags, CACHE_FLAG_PREFETCH);
	msg_cache_answer_release(mc, rc, &ans);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("a.example."), 1, 1, 0,
	    1000, &ans), 0);
	UNIT_CHECK_INT(ans.flags, CACHE_FLAG_STALE);
	msg_cache_answer_release(mc, rc, &ans);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("a.example."), 1, 1, 0,
	    100 + 86400, &ans), RES_ENOTFOUND);
	msg_cache_delete(mc);
	rrset_cache_delete(rc);
}

/** NULL and oversized input to the message cache. */
static void
test_msg_bad_input(void)
{
	struct rrset_cache *rc = rrset_cache_create(1 << 20, 2, NULL);
	struct msg_cache *mc = msg_cache_create(1 << 20, 2, NULL);
	struct rrset_ref refs[MSG_CACHE_MAX_RRSETS + 1];
	struct msg_store in;
	struct msg_answer ans;
	int i;

	memset(&in, 0, sizeof(in));
	in.ttl = 10;
	UNIT_CHECK(msg_cache_create(1 << 20, 5, NULL) == NULL);
	msg_cache_delete(NULL);
	UNIT_CHECK_INT(msg_cache_store(NULL, N("a."), 1, 1, 0, &in, 0),
	    RES_EINVAL);
	UNIT_CHECK_INT(msg_cache_store(mc, NULL, 1, 1, 0, &in, 0),
	    RES_EINVAL);
	UNIT_CHECK_INT(msg_cache_store(mc, N("a."), 1, 1, 0, NULL, 0),
	    RES_EINVAL);
	in.an = 1;
	UNIT_CHECK_INT(msg_cache_store(mc, N("a."), 1, 1, 0, &in, 0),
	    RES_EINVAL);
	for (i = 0; i <= MSG_CACHE_MAX_RRSETS; i++) {
		refs[i].owner = N("a.");
		refs[i].type = 1;
		refs[i].rclass = 1;
		refs[i].id = 1;
	}
	in.refs = refs;
	in.an = MSG_CACHE_MAX_RRSETS + 1;
	UNIT_CHECK_INT(msg_cache_store(mc, N("a."), 1, 1, 0, &in, 0),
	    RES_ELIMIT);
	in.an = (size_t)-1;
	in.ns = 2;
	UNIT_CHECK_INT(msg_cache_store(mc, N("a."), 1, 1, 0, &in, 0),
	    RES_ELIMIT);
	in.an = 1;
	in.ns = 0;
	refs[0].id = 0;
	UNIT_CHECK_INT(msg_cache_store(mc, N("a."), 1, 1, 0, &in, 0),
	    RES_EINVAL);
	in.an = 0;
	in.ttl = 0;
	UNIT_CHECK_INT(msg_cache_store(mc, N("a."), 1, 1, 0, &in, 0),
	    RES_EINVAL);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, N("a."), 1, 1, 0, 0, NULL),
	    RES_EINVAL);
	UNIT_CHECK_INT(msg_cache_lookup(NULL, rc, N("a."), 1, 1, 0, 0, &ans),
	    RES_EINVAL);
	UNIT_CHECK_INT(msg_cache_lookup(mc, NULL, N("a."), 1, 1, 0, 0, &ans),
	    RES_EINVAL);
	UNIT_CHECK_INT(msg_cache_lookup(mc, rc, NULL, 1, 1, 0, 0, &ans),
	    RES_EINVAL);
	msg_cache_answer_release(mc, rc, &ans);
	msg_cache_answer_release(NULL, NULL, NULL);
	UNIT_CHECK_INT(msg_cache_remove(NULL, N("a."), 1, 1, 0),
	    RES_ENOTFOUND);
	UNIT_CHECK_INT(msg_cache_memory(NULL), 0);
	msg_cache_delete(mc);
	rrset_cache_delete(rc);
}

/** A zeroed IPv4 socket address. */
static struct sockaddr_in
v4(uint8_t last)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(53);
	sa.sin_addr.s_addr = htonl(0x7f000000u | last);
	return sa;
}

/** RTT smoothing (RFC 6298 section 2) and backoff (section 5.5). */
static void
test_infra_rtt(void)
{
	struct infra_cache *c = infra_cache_create(100, 900, 2);
	struct sockaddr_in a = v4(1), b = v4(2);
	struct infra_info i;

	UNIT_CHECK(c != NULL);
	UNIT_CHECK_INT(infra_cache_lookup(c, &a, sizeof(a), N("example."), 0,
	    &i), RES_ENOTFOUND);
	UNIT_CHECK_INT(i.rto, INFRA_RTO_INIT);
	UNIT_CHECK_INT(i.edns_version, INFRA_EDNS_UNKNOWN);
	UNIT_CHECK_INT(infra_cache_rtt_update(c, &a, sizeof(a),
	    N("example."), 0, 100), 0);
	UNIT_CHECK_INT(infra_cache_lookup(c, &a, sizeof(a), N("EXAMPLE."), 1,
	    &i), 0);
	UNIT_CHECK_INT(i.srtt, 100);
	UNIT_CHECK_INT(i.rttvar, 50);
	UNIT_CHECK_INT(i.rto, 300);
	/* 7/8 * 100 + 1/8 * 20 = 90; 3/4 * 50 + 1/4 * 80 = 57. */
	infra_cache_rtt_update(c, &a, sizeof(a), N("example."), 2, 20);
	infra_cache_lookup(c, &a, sizeof(a), N("example."), 2, &i);
	UNIT_CHECK_INT(i.srtt, 90);
	UNIT_CHECK_INT(i.rttvar, 57);
	UNIT_CHECK_INT(i.rto, 90 + 4 * 57);
	/* Timeouts double the RTO up to the maximum. */
	infra_cache_rtt_update(c, &a, sizeof(a), N("example."), 3, -1);
	infra_cache_lookup(c, &a, sizeof(a), N("example."), 3, &i);
	UNIT_CHECK_INT(i.rto, 2 * (90 + 4 * 57));
	UNIT_CHECK_INT(i.timeouts, 1);
	for (int k = 0; k < 20; k++)
		infra_cache_rtt_update(c, &a, sizeof(a), N("example."), 3, -1);
	infra_cache_lookup(c, &a, sizeof(a), N("example."), 3, &i);
	UNIT_CHECK_INT(i.rto, INFRA_RTO_MAX);
	UNIT_CHECK_INT(i.timeouts, 21);
	/* A reply ends the backoff. */
	infra_cache_rtt_update(c, &a, sizeof(a), N("example."), 4, 90);
	infra_cache_lookup(c, &a, sizeof(a), N("example."), 4, &i);
	UNIT_CHECK_INT(i.timeouts, 0);
	UNIT_CHECK(i.rto < 1000);
	/* A small RTT is held at the minimum RTO. */
	infra_cache_rtt_update(c, &b, sizeof(b), N("example."), 0, 1);
	infra_cache_lookup(c, &b, sizeof(b), N("example."), 0, &i);
	UNIT_CHECK_INT(i.rto, INFRA_RTO_MIN);
	/* Other zone, other entry; expiry (infra-host-ttl) resets. */
	UNIT_CHECK_INT(infra_cache_lookup(c, &a, sizeof(a), N("other."), 4,
	    &i), RES_ENOTFOUND);
	UNIT_CHECK_INT(infra_cache_lookup(c, &a, sizeof(a), N("example."),
	    900, &i), RES_ENOTFOUND);
	UNIT_CHECK_INT(i.rto, INFRA_RTO_INIT);
	infra_cache_rtt_update(c, &a, sizeof(a), N("example."), 900, 200);
	infra_cache_lookup(c, &a, sizeof(a), N("example."), 901, &i);
	UNIT_CHECK_INT(i.srtt, 200);
	UNIT_CHECK_INT(i.expiry, 1800);
	infra_cache_delete(c);
}

/** 0x20 memory and the unwanted threshold: what spoof resistance keeps. */
static void
test_infra_spoof(void)
{
	struct infra_cache *c = infra_cache_create(16, 900, 2);
	struct sockaddr_in a = v4(1);
	struct infra_info i;
	int m, k;

	/* One mismatch, then an echo: the count starts over. */
	UNIT_CHECK_INT(infra_cache_caps_update(c, &a, sizeof(a),
	    N("example."), 0, 1, &m), 0);
	UNIT_CHECK_INT(m, 0);
	infra_cache_caps_update(c, &a, sizeof(a), N("example."), 0, 0, &m);
	infra_cache_lookup(c, &a, sizeof(a), N("example."), 0, &i);
	UNIT_CHECK_INT(i.caps_mismatches, 0);
	UNIT_CHECK_INT(i.no_caps, 0);
	/* INFRA_CAPS_MISMATCHES in a row: marked once. */
	for (k = 0; k < INFRA_CAPS_MISMATCHES; k++) {
		infra_cache_caps_update(c, &a, sizeof(a), N("example."), 1, 1,
		    &m);
	}
	UNIT_CHECK_INT(m, 1);
	infra_cache_caps_update(c, &a, sizeof(a), N("example."), 1, 1, &m);
	UNIT_CHECK_INT(m, 0);
	infra_cache_lookup(c, &a, sizeof(a), N("example."), 2, &i);
	UNIT_CHECK_INT(i.no_caps, 1);
	/* Per zone, and forgotten when the entry expires. */
	infra_cache_lookup(c, &a, sizeof(a), N("other."), 2, &i);
	UNIT_CHECK_INT(i.no_caps, 0);
	infra_cache_lookup(c, &a, sizeof(a), N("example."), 900, &i);
	UNIT_CHECK_INT(i.no_caps, 0);

	/* Threshold 3: the third unwanted within the window switches. */
	for (k = 0; k < 2; k++) {
		infra_cache_unwanted(c, &a, sizeof(a), N("example."), 10 + k,
		    3, &m);
		UNIT_CHECK_INT(m, 0);
	}
	infra_cache_unwanted(c, &a, sizeof(a), N("example."), 12, 3, &m);
	UNIT_CHECK_INT(m, 1);
	infra_cache_lookup(c, &a, sizeof(a), N("example."), 12, &i);
	UNIT_CHECK(i.tcp_until == 12 + INFRA_TCP_HOLD);
	infra_cache_unwanted(c, &a, sizeof(a), N("example."), 13, 3, &m);
	UNIT_CHECK_INT(m, 0);
	/* Spread over more than the window: no switch; 0: never. */
	a = v4(2);
	for (k = 0; k < 5; k++) {
		infra_cache_unwanted(c, &a, sizeof(a), N("example."),
		    k * INFRA_UNWANTED_WINDOW, 3, &m);
		UNIT_CHECK_INT(m, 0);
		infra_cache_unwanted(c, &a, sizeof(a), N("other."), k, 0, &m);
		UNIT_CHECK_INT(m, 0);
	}
	UNIT_CHECK_INT(infra_cache_unwanted(c, &a, 0, N("."), 0, 1, &m),
	    RES_EINVAL);
	infra_cache_delete(c);
}

/** EDNS, lameness, the numhosts bound, bad input. */
static void
test_infra_misc(void)
{
	struct infra_cache *c = infra_cache_create(16, 900, 2);
	struct sockaddr_in a = v4(1);
	struct sockaddr_in6 a6;
	struct slabhash_stats st;
	struct infra_info i;
	uint8_t big[64];
	int k;

	UNIT_CHECK_INT(infra_cache_edns_update(c, &a, sizeof(a),
	    N("example."), 0, INFRA_EDNS_NONE, 512), 0);
	UNIT_CHECK_INT(infra_cache_set_lame(c, &a, sizeof(a), N("example."),
	    0, 1), 0);
	UNIT_CHECK_INT(infra_cache_lookup(c, &a, sizeof(a), N("example."), 1,
	    &i), 0);
	UNIT_CHECK_INT(i.edns_version, INFRA_EDNS_NONE);
	UNIT_CHECK_INT(i.udp_size, 512);
	UNIT_CHECK_INT(i.lame, 1);
	UNIT_CHECK_INT(i.measured, 0);
	UNIT_CHECK_INT(infra_cache_edns_update(c, &a, sizeof(a),
	    N("example."), 0, 0, 0), 0);
	infra_cache_lookup(c, &a, sizeof(a), N("example."), 1, &i);
	UNIT_CHECK_INT(i.edns_version, 0);
	UNIT_CHECK_INT(i.udp_size, 512);
	memset(&a6, 0, sizeof(a6));
	a6.sin6_family = AF_INET6;
	UNIT_CHECK_INT(infra_cache_rtt_update(c, &a6, sizeof(a6), N("."), 0,
	    30), 0);
	UNIT_CHECK_INT(infra_cache_lookup(c, &a6, sizeof(a6), N("."), 0, &i),
	    0);
	/* Bounded by numhosts. */
	for (k = 0; k < 100; k++) {
		a = v4((uint8_t)k);
		infra_cache_rtt_update(c, &a, sizeof(a), N("example."), 0, k);
	}
	infra_cache_get_stats(c, &st);
	UNIT_CHECK(st.count <= 16);
	UNIT_CHECK(st.evictions > 0);
	UNIT_CHECK(infra_cache_memory(c) > st.used);
	/* Bad input. */
	memset(big, 0, sizeof(big));
	UNIT_CHECK(infra_cache_create(0, 900, 2) == NULL);
	UNIT_CHECK(infra_cache_create(10, 0, 2) == NULL);
	UNIT_CHECK(infra_cache_create(1, 900, 2) == NULL);
	UNIT_CHECK_INT(infra_cache_lookup(c, big, sizeof(big), N("."), 0,
	    &i), RES_EINVAL);
	UNIT_CHECK_INT(infra_cache_lookup(c, NULL, 4, N("."), 0, &i),
	    RES_EINVAL);
	UNIT_CHECK_INT(infra_cache_lookup(c, &a, sizeof(a), NULL, 0, &i),
	    RES_EINVAL);
	UNIT_CHECK_INT(infra_cache_lookup(c, &a, sizeof(a), N("."), 0, NULL),
	    RES_EINVAL);
	UNIT_CHECK_INT(infra_cache_rtt_update(NULL, &a, sizeof(a), N("."), 0,
	    1), RES_EINVAL);
	UNIT_CHECK_INT(infra_cache_edns_update(c, &a, sizeof(a), N("."), 0,
	    -5, 0), RES_EINVAL);
	UNIT_CHECK_INT(infra_cache_set_lame(c, &a, 0, N("."), 0, 1),
	    RES_EINVAL);
	UNIT_CHECK_INT(infra_cache_memory(NULL), 0);
	infra_cache_delete(c);
	infra_cache_delete(NULL);
}

/** Key cache: statuses, closest enclosing zone, expiry, bad input. */
static void
test_keycache(void)
{
	struct key_cache *c = key_cache_create(1 << 16, 2);
	struct rrset_rr keys[2];
	struct key_store in;
	struct key_entry *e;
	const uint8_t *d;
	uint16_t len;

	keys[0].data = (const uint8_t *)"\1\1\3\10KEYDATA-ONE";
	keys[0].len = 16;
	keys[1].data = (const uint8_t *)"\1\0\3\10KEYDATA-2";
	keys[1].len = 14;
	memset(&in, 0, sizeof(in));
	in.status = KEY_STATUS_SECURE;
	in.keys = keys;
	in.count = 2;
	in.ttl = 3600;
	UNIT_CHECK_INT(key_cache_store(c, N("example."), 1, &in, 0), 0);
	memset(&in, 0, sizeof(in));
	in.status = KEY_STATUS_BOGUS;
	in.ttl = 60;
	in.ede = 9;
	in.reason = "no DNSKEY matches the DS";
	UNIT_CHECK_INT(key_cache_store(c, N("bad.example."), 1, &in, 0), 0);
	in.status = KEY_STATUS_INSECURE;
	in.ede = 0;
	in.reason = NULL;
	UNIT_CHECK_INT(key_cache_store(c, N("unsigned.example."), 1, &in, 0),
	    0);
	e = key_cache_lookup(c, N("EXAMPLE."), 1, 10);
	if (UNIT_CHECK(e != NULL)) {
		UNIT_CHECK_INT(e->d.status, KEY_STATUS_SECURE);
		UNIT_CHECK_INT(e->d.count, 2);
		d = key_data_key(&e->d, 1, &len);
		UNIT_CHECK(d && len == 14 && memcmp(d + 4, "KEYDATA-2", 9) ==
		    0);
		UNIT_CHECK(key_data_key(&e->d, 2, &len) == NULL);
		key_cache_release(c, e);
	}
	e = key_cache_lookup_closest(c, N("www.deep.example."), 1, 10);
	UNIT_CHECK(e && dname_equal(e->zone, N("example.")));
	key_cache_release(c, e);
	e = key_cache_lookup_closest(c, N("x.bad.example."), 1, 10);
	UNIT_CHECK(e && e->d.status == KEY_STATUS_BOGUS && e->d.ede == 9);
	if (e)
		UNIT_CHECK_STR(e->d.reason, "no DNSKEY matches the DS");
	key_cache_release(c, e);
	/* The bogus entry expires; then the parent's keys apply. */
	e = key_cache_lookup_closest(c, N("x.bad.example."), 1, 60);
	UNIT_CHECK(e && e->d.status == KEY_STATUS_SECURE);
	key_cache_release(c, e);
	UNIT_CHECK(key_cache_lookup_closest(c, N("org."), 1, 10) == NULL);
	UNIT_CHECK(key_cache_lookup(c, N("example."), 3, 10) == NULL);
	UNIT_CHECK_INT(key_cache_remove(c, N("example."), 1), 0);
	UNIT_CHECK_INT(key_cache_remove(c, N("example."), 1), RES_ENOTFOUND);
	/* At and below a zone: bad. and unsigned. go, a sibling stays. */
	in.status = KEY_STATUS_INSECURE;
	in.count = 0;
	in.keys = NULL;
	UNIT_CHECK_INT(key_cache_store(c, N("other."), 1, &in, 0), 0);
	UNIT_CHECK_INT(key_cache_remove_below(c, N("example.")), 2);
	UNIT_CHECK(key_cache_lookup(c, N("unsigned.example."), 1, 10) ==
	    NULL);
	e = key_cache_lookup(c, N("other."), 1, 10);
	UNIT_CHECK(e != NULL);
	key_cache_release(c, e);
	UNIT_CHECK_INT(key_cache_remove_below(c, N(".")), 1);
	UNIT_CHECK_INT(key_cache_remove_below(NULL, N(".")), 0);
	/* Bad input. */
	in.status = 0;
	UNIT_CHECK_INT(key_cache_store(c, N("a."), 1, &in, 0), RES_EINVAL);
	in.status = KEY_STATUS_SECURE;
	in.ttl = 0;
	UNIT_CHECK_INT(key_cache_store(c, N("a."), 1, &in, 0), RES_EINVAL);
	in.ttl = 10;
	in.count = 1;
	UNIT_CHECK_INT(key_cache_store(c, N("a."), 1, &in, 0), RES_EINVAL);
	UNIT_CHECK_INT(key_cache_store(NULL, N("a."), 1, &in, 0), RES_EINVAL);
	UNIT_CHECK(key_cache_lookup(NULL, N("a."), 1, 0) == NULL);
	UNIT_CHECK(key_cache_lookup(c, NULL, 1, 0) == NULL);
	UNIT_CHECK(key_cache_lookup_closest(c, NULL, 1, 0) == NULL);
	key_cache_release(c, NULL);
	UNIT_CHECK(key_cache_memory(c) > 0);
	UNIT_CHECK_INT(key_cache_memory(NULL), 0);
	key_cache_delete(c);
	key_cache_delete(NULL);
}

int
main(void)
{
	unit_init("cache_upper");
	UNIT_RUN(test_msg_positive);
	UNIT_RUN(test_msg_negative);
	UNIT_RUN(test_msg_stale_prefetch);
	UNIT_RUN(test_msg_bad_input);
	UNIT_RUN(test_infra_rtt);
	UNIT_RUN(test_infra_misc);
	UNIT_RUN(test_infra_spoof);
	UNIT_RUN(test_keycache);
	return unit_done();
}
