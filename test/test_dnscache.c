/*
 * test/test_dnscache.c - unit tests for cache/dns.c: the cache-hit fast
 * path.  Every reply the wire fast path writes is compared octet for
 * octet with the one the RRset path writes for the same query, across
 * DO, EDNS, CD, AD, the client's case, time passing and size limits.
 */
#include "config.h"
#include "test/unit.h"
#include "cache/dns.h"
#include "cache/msgcache.h"
#include "cache/rrset.h"
#include "util/answer.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/module.h"
#include "util/msg.h"
#include "util/rdata.h"
#include "util/region.h"
#include "util/reply.h"
#include <stdlib.h>
#include <string.h>

/** The caches and the clock of one test. */
struct fixture {
	struct module_env env;
	struct region *region;
	time_t now;
};

static void
fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->now = 1800000000;
	f->env.now = &f->now;
	f->env.rrset_cache = rrset_cache_create(1 << 20, 2, NULL);
	f->env.msg_cache = msg_cache_create(1 << 20, 2, NULL);
	f->region = region_create();
	if (!f->env.rrset_cache || !f->env.msg_cache || !f->region)
		abort();
}

static void
fixture_done(struct fixture *f)
{
	msg_cache_delete(f->env.msg_cache);
	rrset_cache_delete(f->env.rrset_cache);
	region_delete(f->region);
}

/**
 * An RRset from presentation lines (one RR or RRSIG per line, the RRSIGs
 * after the RRs).
 */
static struct reply_rrset *
mkset(struct fixture *f, int section, int security, const char **lines,
    size_t n)
{
	struct reply_rrset *s = region_zalloc(f->region, sizeof(*s));
	struct rr_text *rr = malloc(sizeof(*rr));
	size_t i;

	if (!s || !rr)
		abort();
	s->rd = region_alloc(f->region, sizeof(*s->rd) * n);
	s->rdlen = region_alloc(f->region, sizeof(*s->rdlen) * n);
	s->ttl = 0xffffffffu;
	for (i = 0; i < n; i++) {
		if (rr_from_str(lines[i], NULL, 3600, rr) != 0)
			abort();
		if (rr->type == RR_TYPE_RRSIG) {
			s->sigcount++;
		} else {
			s->owner = region_copy(f->region, rr->owner,
			    rr->owner_len);
			s->type = rr->type;
			s->rclass = rr->rrclass;
			s->count++;
			if (rr->ttl < s->ttl)
				s->ttl = rr->ttl;
		}
		s->rd[i] = region_copy(f->region, rr->rdata, rr->rdlen);
		s->rdlen[i] = (uint16_t)rr->rdlen;
	}
	free(rr);
	s->section = section;
	s->trust = 5;
	s->security = (uint8_t)security;
	return s;
}

/** A query packet parsed into q. */
static void
mkquery(struct dns_msg *q, uint8_t *pkt, const char *name, uint16_t type,
    uint16_t flags, int edns, int do_bit, uint16_t size)
{
	struct msg_writer w;
	struct msg_edns_out eo;
	uint8_t qn[DNAME_MAXLEN];
	size_t len;

	if (dname_from_str(name, NULL, qn, NULL) != 0)
		abort();
	msg_writer_init(&w, pkt, 512);
	msg_writer_header(&w, 0x1234, flags, 0);
	msg_writer_question(&w, qn, type, RR_CLASS_IN);
	if (edns) {
		memset(&eo, 0, sizeof(eo));
		eo.udp_size = size;
		eo.do_bit = do_bit;
		msg_writer_edns(&w, &eo);
	}
	if (msg_writer_finish(&w, &len) != 0 ||
	    msg_parse_query(q, pkt, len) != 0)
		abort();
}

/**
 * Answer q both ways and compare.
 * @return the wire path's result (1 answered, 0 miss); -1 when the two
 *	paths disagree (reported).
 */
static int
both_ways(struct fixture *f, const struct dns_msg *q, int validating,
    size_t limit, uint8_t *out, size_t *outlen)
{
	static uint8_t a[65535], b[65535];
	const struct answer_opts o = { .edns_size = 1232, .ede = 1 };
	struct answer_to to;
	size_t la = 0, lb = 0;
	int ra, rb;

	answer_to_query(&to, q, limit);
	ra = dns_cache_answer(f->env.msg_cache, f->env.rrset_cache, &to, &o,
	    validating, f->now, a, sizeof(a), &la, NULL);
	rb = dns_cache_answer_rrsets(f->env.msg_cache, f->env.rrset_cache,
	    &to, &o, validating, f->now, b, sizeof(b), &lb);
	if (ra != rb || (ra && (la != lb || memcmp(a, b, la) != 0))) {
		unit_check(0, "wire path == RRset path", __FILE__, __LINE__);
		return -1;
	}
	if (out && ra) {
		memcpy(out, a, la);
		*outlen = la;
	}
	return ra;
}

/** The signed positive answer the tests store. */
static const char *ans_a[] = {
	"www.example.com. 300 IN A 192.0.2.1",
	"www.example.com. 300 IN A 192.0.2.2",
	"www.example.com. 300 IN RRSIG A 13 3 300 20361231000000 "
	    "20260101000000 12345 example.com. "
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss"
	    "LS4vMDEyMzQ1Njc4OTo7PD0+Pw=="
};
static const char *ans_ns[] = {
	"example.com. 3600 IN NS ns1.example.com.",
	"example.com. 3600 IN NS ns2.example.net.",
	"example.com. 3600 IN RRSIG NS 13 2 3600 20361231000000 "
	    "20260101000000 12345 example.com. "
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss"
	    "LS4vMDEyMzQ1Njc4OTo7PD0+Pw=="
};
static const char *ans_glue[] = {
	"ns1.example.com. 120 IN A 192.0.2.53"
};

/** Store the positive answer with a given status. */
static void
store_positive(struct fixture *f, int security)
{
	struct reply *rep = reply_create(f->region, 3);
	struct query_info qi;
	uint8_t qn[DNAME_MAXLEN];

	reply_add(rep, 3, mkset(f, 0, security, ans_a, 3), 0);
	reply_add(rep, 3, mkset(f, 1, security, ans_ns, 3), 1);
	reply_add(rep, 3, mkset(f, 2, security, ans_glue, 1), 2);
	rep->security = (uint8_t)security;
	rep->ede = -1;
	dname_from_str("www.example.com.", NULL, qn, &qi.qname_len);
	qi.qname = qn;
	qi.qtype = RR_TYPE_A;
	qi.qclass = RR_CLASS_IN;
	UNIT_CHECK_INT(dns_cache_store_msg(&f->env, &qi, MSG_FLAG_RD, rep,
	    0), 0);
}

/** Positive answer: every client kind, both paths the same; the wire
 * form is really used (the message's encodings exist). */
static void
test_wire_equals_rrset_path(void)
{
	struct fixture f;
	struct dns_msg q;
	uint8_t pkt[512], out[65535];
	size_t len;
	int edns, dob, ad, cd, val, st;
	struct msg_entry *e;
	uint8_t qn[DNAME_MAXLEN];

	fixture_init(&f);
	store_positive(&f, RRSET_SEC_SECURE);
	dname_from_str("www.example.com.", NULL, qn, NULL);
	e = msg_cache_lookup_msg(f.env.msg_cache, qn, RR_TYPE_A, RR_CLASS_IN,
	    0, f.now, &st);
	UNIT_CHECK(e != NULL);
	if (e) {
		UNIT_CHECK(e->d.wire[0].len > 0 && e->d.wire[1].len > 0);
		/* Without DO: no RRSIGs, so shorter. */
		UNIT_CHECK(e->d.wire[0].len < e->d.wire[1].len);
		UNIT_CHECK_INT(e->d.wire[0].nttl, 5);
		UNIT_CHECK_INT(e->d.wire[1].nttl, 7);
		UNIT_CHECK_INT(e->d.wire[0].min_ttl, 120);
		msg_cache_release(f.env.msg_cache, e);
	}
	for (edns = 0; edns < 2; edns++)
	for (dob = 0; dob < 2; dob++)
	for (ad = 0; ad < 2; ad++)
	for (cd = 0; cd < 2; cd++)
	for (val = 0; val < 2; val++) {
		if (dob && !edns)
			continue;
		mkquery(&q, pkt, "wWw.ExAmple.cOm.", RR_TYPE_A, MSG_FLAG_RD |
		    (ad ? MSG_FLAG_AD : 0) | (cd ? MSG_FLAG_CD : 0), edns,
		    dob, 4096);
		st = both_ways(&f, &q, val, 65535, out, &len);
		/* CD queries have their own key: not stored here. */
		UNIT_CHECK_INT(st, cd ? 0 : 1);
		if (st == 1) {
			/* The client's case in the question. */
			UNIT_CHECK(memcmp(out + 12, q.qname, q.qname_len) ==
			    0);
			UNIT_CHECK(memcmp(out + 13, "wWw", 3) == 0);
			UNIT_CHECK_INT(out[0] << 8 | out[1], 0x1234);
			UNIT_CHECK_INT(!!(out[3] & 0x20), val && (dob || ad));
		}
	}
	/* Time passes: the TTLs go down alike; after 120 s the glue has
	 * expired and both paths miss. */
	f.now += 119;
	mkquery(&q, pkt, "www.example.com.", RR_TYPE_A, MSG_FLAG_RD, 1, 1,
	    4096);
	UNIT_CHECK_INT(both_ways(&f, &q, 1, 65535, out, &len), 1);
	/* The first answer RR's TTL: 300 - 119. */
	{
		size_t p = 12 + q.qname_len + 4 + 2 + 4;

		UNIT_CHECK_INT((uint32_t)out[p] << 24 | out[p + 1] << 16 |
		    out[p + 2] << 8 | out[p + 3], 181);
	}
	f.now += 1;
	UNIT_CHECK_INT(both_ways(&f, &q, 1, 65535, NULL, NULL), 0);
	fixture_done(&f);
}

/** Small client limits: the wire path steps aside and the RRset path
 * truncates; both give the same. */
static void
test_wire_limits(void)
{
	struct fixture f;
	struct dns_msg q;
	uint8_t pkt[512], out[65535];
	size_t len, lim;

	fixture_init(&f);
	store_positive(&f, RRSET_SEC_SECURE);
	mkquery(&q, pkt, "www.example.com.", RR_TYPE_A, MSG_FLAG_RD, 1, 1,
	    512);
	for (lim = 40; lim <= 400; lim += 7) {
		UNIT_CHECK(both_ways(&f, &q, 1, lim, out, &len) >= 0);
	}
	fixture_done(&f);
}

/** Unvalidated data for a validating resolver: a miss both ways; bogus
 * data: SERVFAIL from the RRset path, never the wire. */
static void
test_wire_security(void)
{
	struct fixture f;
	struct dns_msg q;
	uint8_t pkt[512], out[65535];
	size_t len = 0;

	fixture_init(&f);
	store_positive(&f, RRSET_SEC_UNCHECKED);
	mkquery(&q, pkt, "www.example.com.", RR_TYPE_A, MSG_FLAG_RD, 1, 0,
	    1232);
	UNIT_CHECK_INT(both_ways(&f, &q, 1, 65535, out, &len), 0);
	UNIT_CHECK_INT(both_ways(&f, &q, 0, 65535, out, &len), 1);
	fixture_done(&f);

	fixture_init(&f);
	store_positive(&f, RRSET_SEC_BOGUS);
	UNIT_CHECK_INT(both_ways(&f, &q, 1, 65535, out, &len), 1);
	UNIT_CHECK_INT(out[3] & 0xf, MSG_RCODE_SERVFAIL);
	/* A bogus message carries no encoded variant at all. */
	{
		uint8_t qn[DNAME_MAXLEN];
		struct msg_entry *e;
		int st;

		dname_from_str("www.example.com.", NULL, qn, NULL);
		e = msg_cache_lookup_msg(f.env.msg_cache, qn, RR_TYPE_A,
		    RR_CLASS_IN, 0, f.now, &st);
		UNIT_CHECK(e != NULL && e->d.wire[0].len == 0 &&
		    e->d.wire[1].len == 0);
		msg_cache_release(f.env.msg_cache, e);
	}
	fixture_done(&f);
}

/** A wire hit runs under the shard lock: it leaves no reference behind
 * and counts in the table, not in the message cache's own counters; an
 * absent name is one miss. */
static void
test_wire_no_reference(void)
{
	struct fixture f;
	struct dns_msg q;
	const struct answer_opts o = { .edns_size = 1232, .ede = 1 };
	struct answer_to to;
	struct msg_cache_stats st;
	struct msg_entry *e;
	uint8_t pkt[512], out[4096], qn[DNAME_MAXLEN];
	size_t len = 0;
	int i, state;

	fixture_init(&f);
	store_positive(&f, RRSET_SEC_SECURE);
	mkquery(&q, pkt, "www.example.com.", RR_TYPE_A, MSG_FLAG_RD, 1, 0,
	    1232);
	answer_to_query(&to, &q, sizeof(out));
	for (i = 0; i < 3; i++) {
		UNIT_CHECK_INT(dns_cache_answer(f.env.msg_cache,
		    f.env.rrset_cache, &to, &o, 1, f.now + 5, out,
		    sizeof(out), &len, NULL), 1);
	}
	msg_cache_get_stats(f.env.msg_cache, &st);
	UNIT_CHECK_INT(st.hits, 0);
	UNIT_CHECK_INT(st.misses, 0);
	UNIT_CHECK_INT(st.table.hits, 3);
	dname_from_str("www.example.com.", NULL, qn, NULL);
	e = msg_cache_lookup_msg(f.env.msg_cache, qn, RR_TYPE_A, RR_CLASS_IN,
	    0, f.now, &state);
	/* The table's reference and this lookup's: none left by the hits. */
	UNIT_CHECK(e != NULL && e->he.refs == 2);
	msg_cache_release(f.env.msg_cache, e);
	mkquery(&q, pkt, "nothere.example.com.", RR_TYPE_A, MSG_FLAG_RD, 1,
	    0, 1232);
	answer_to_query(&to, &q, sizeof(out));
	UNIT_CHECK_INT(dns_cache_answer(f.env.msg_cache, f.env.rrset_cache,
	    &to, &o, 1, f.now, out, sizeof(out), &len, NULL), 0);
	msg_cache_get_stats(f.env.msg_cache, &st);
	UNIT_CHECK_INT(st.misses, 1);
	fixture_done(&f);
}

/** A negative answer (NXDOMAIN with SOA and NSEC): same both ways. */
static void
test_wire_negative(void)
{
	static const char *soa[] = {
		"example.com. 900 IN SOA ns1.example.com. h.example.com. "
		    "1 3600 600 86400 300"
	};
	static const char *nsec[] = {
		"example.com. 300 IN NSEC www.example.com. A NS SOA RRSIG "
		    "NSEC"
	};
	struct fixture f;
	struct reply *rep;
	struct query_info qi;
	struct dns_msg q;
	uint8_t qn[DNAME_MAXLEN], pkt[512], out[65535];
	size_t len;
	int dob;

	fixture_init(&f);
	rep = reply_create(f.region, 2);
	reply_add(rep, 2, mkset(&f, 1, RRSET_SEC_SECURE, soa, 1), 1);
	reply_add(rep, 2, mkset(&f, 1, RRSET_SEC_SECURE, nsec, 1), 1);
	rep->rcode = MSG_RCODE_NXDOMAIN;
	rep->security = RRSET_SEC_SECURE;
	rep->ede = -1;
	dname_from_str("nx.example.com.", NULL, qn, &qi.qname_len);
	qi.qname = qn;
	qi.qtype = RR_TYPE_A;
	qi.qclass = RR_CLASS_IN;
	UNIT_CHECK_INT(dns_cache_store_msg(&f.env, &qi, MSG_FLAG_RD, rep, 1),
	    0);
	for (dob = 0; dob < 2; dob++) {
		mkquery(&q, pkt, "NX.example.com.", RR_TYPE_A, MSG_FLAG_RD, 1,
		    dob, 1232);
		UNIT_CHECK_INT(both_ways(&f, &q, 1, 65535, out, &len), 1);
		UNIT_CHECK_INT(out[3] & 0xf, MSG_RCODE_NXDOMAIN);
		/* NSEC only for DO clients (RFC 4035 section 3.2.1). */
		UNIT_CHECK_INT(out[8] << 8 | out[9], dob ? 2 : 1);
	}
	fixture_done(&f);
}

int
main(void)
{
	unit_init("dnscache");
	UNIT_RUN(test_wire_equals_rrset_path);
	UNIT_RUN(test_wire_limits);
	UNIT_RUN(test_wire_security);
	UNIT_RUN(test_wire_negative);
	UNIT_RUN(test_wire_no_reference);
	return unit_done();
}
