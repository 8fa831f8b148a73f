/*
 * test/test_compare.c - unit tests of query-compare's rule
 * (iterator/iter_compare.h): which pairs of replies agree.
 */
#include "config.h"
#include "test/unit.h"
#include "iterator/iter_compare.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/msg.h"
#include "util/rdata.h"
#include "util/region.h"
#include "util/reply.h"
#include <stdlib.h>
#include <string.h>

/** Room for RRsets in a test reply. */
#define T_MAX 16

/** The region the test replies live in. */
static struct region *reg;

/**
 * A reply from RRsets written as text: each string is one RRset, its RRs
 * separated by '|', the section given by a prefix "an:", "ns:" or "ar:"
 * (sections in that order).
 */
static struct reply *
mk(int rcode, const char *const *sets)
{
	struct reply *rep = reply_create(reg, T_MAX);
	static struct rr_text rr;
	size_t k;

	if (!rep) {
		abort();
	}
	rep->rcode = (uint16_t)rcode;
	for (k = 0; sets[k]; k++) {
		struct reply_rrset *s = region_alloc(reg, sizeof(*s));
		char buf[1024], *save = NULL, *tok;
		int section = strncmp(sets[k], "an:", 3) == 0 ?
		    MSG_SEC_ANSWER : strncmp(sets[k], "ns:", 3) == 0 ?
		    MSG_SEC_AUTHORITY : MSG_SEC_ADDITIONAL;
		size_t n = 0;

		if (!s) {
			abort();
		}
		memset(s, 0, sizeof(*s));
		s->rd = region_alloc(reg, 8 * sizeof(*s->rd));
		s->rdlen = region_alloc(reg, 8 * sizeof(*s->rdlen));
		snprintf(buf, sizeof(buf), "%s", sets[k] + 3);
		for (tok = strtok_r(buf, "|", &save); tok;
		    tok = strtok_r(NULL, "|", &save)) {
			if (rr_from_str(tok, NULL, 300, &rr) != 0 || n >= 8) {
				abort();
			}
			s->owner = region_copy(reg, rr.owner, rr.owner_len);
			s->type = rr.type;
			s->rclass = rr.rrclass;
			s->ttl = rr.ttl;
			s->rd[n] = region_copy(reg, rr.rdata, rr.rdlen);
			s->rdlen[n] = (uint16_t)rr.rdlen;
			n++;
		}
		s->count = n;
		s->section = section;
		if (reply_add(rep, T_MAX, s, section) != 0) {
			abort();
		}
	}
	return rep;
}

/** Compare two replies given as texts. */
static int
cmp(int rc_a, const char *const *a, int rc_b, const char *const *b)
{
	char why[256];

	return iter_compare_replies(mk(rc_a, a), mk(rc_b, b), why,
	    sizeof(why));
}

/** Same data in another order, other TTLs, other case: the same. */
static void
test_cmp_same(void)
{
	const char *a[] = { "an:www.example.com. 300 IN A 192.0.2.1|"
	    "www.example.com. 300 IN A 198.51.100.7", NULL };
	const char *b[] = { "an:WWW.Example.COM. 60 IN A 198.51.100.7|"
	    "www.example.com. 60 IN A 192.0.2.1", NULL };
	const char *c1[] = { "an:a.example.com. 300 IN CNAME b.example.com.",
	    "an:b.example.com. 300 IN MX 10 Mail.Example.com.", NULL };
	const char *c2[] = { "an:b.example.com. 30 IN MX 10 mail.example.com.",
	    "an:a.example.com. 30 IN CNAME B.example.COM.", NULL };

	UNIT_CHECK_INT(cmp(0, a, 0, b), ITER_CMP_SAME);
	UNIT_CHECK_INT(cmp(0, c1, 0, c2), ITER_CMP_SAME);
}

/** A forged address, a missing RR, another rcode: different. */
static void
test_cmp_different(void)
{
	const char *a[] = { "an:www.example.com. 300 IN A 192.0.2.1", NULL };
	const char *f[] = { "an:www.example.com. 300 IN A 6.6.6.6", NULL };
	const char *two[] = { "an:www.example.com. 300 IN A 192.0.2.1|"
	    "www.example.com. 300 IN A 6.6.6.6", NULL };
	const char *cname[] = { "an:www.example.com. 300 IN CNAME "
	    "evil.example.net.", NULL };
	const char *none[] = { NULL };
	char why[256];

	UNIT_CHECK_INT(cmp(0, a, 0, f), ITER_CMP_DIFFERENT);
	UNIT_CHECK_INT(cmp(0, a, 0, two), ITER_CMP_DIFFERENT);
	UNIT_CHECK_INT(cmp(0, two, 0, a), ITER_CMP_DIFFERENT);
	UNIT_CHECK_INT(cmp(0, a, 0, cname), ITER_CMP_DIFFERENT);
	UNIT_CHECK_INT(cmp(0, a, MSG_RCODE_NXDOMAIN, none),
	    ITER_CMP_DIFFERENT);
	UNIT_CHECK_INT(iter_compare_replies(mk(0, a), mk(0, f), why,
	    sizeof(why)), ITER_CMP_DIFFERENT);
	UNIT_CHECK(strstr(why, "www.example.com.") != NULL);
}

/** Addresses of one /24 or /48 pool: agree, told apart. */
static void
test_cmp_pool(void)
{
	const char *a[] = { "an:lb.example.com. 60 IN A 192.0.2.10", NULL };
	const char *b[] = { "an:lb.example.com. 60 IN A 192.0.2.77|"
	    "lb.example.com. 60 IN A 192.0.2.78", NULL };
	const char *c[] = { "an:lb.example.com. 60 IN A 192.0.3.10", NULL };
	const char *a6[] = { "an:lb.example.com. 60 IN AAAA 2001:db8:1:2::1",
	    NULL };
	const char *b6[] = { "an:lb.example.com. 60 IN AAAA "
	    "2001:db8:1:ffff::9", NULL };
	const char *c6[] = { "an:lb.example.com. 60 IN AAAA 2001:db8:2::1",
	    NULL };
	const char *t1[] = { "an:lb.example.com. 60 IN TXT \"a\"", NULL };
	const char *t2[] = { "an:lb.example.com. 60 IN TXT \"b\"", NULL };

	UNIT_CHECK_INT(cmp(0, a, 0, b), ITER_CMP_POOL);
	UNIT_CHECK_INT(cmp(0, a, 0, c), ITER_CMP_DIFFERENT);
	UNIT_CHECK_INT(cmp(0, a6, 0, b6), ITER_CMP_POOL);
	UNIT_CHECK_INT(cmp(0, a6, 0, c6), ITER_CMP_DIFFERENT);
	UNIT_CHECK_INT(cmp(0, t1, 0, t2), ITER_CMP_DIFFERENT);
}

/** Referrals: the NS set and the glue both give; extra glue is fine. */
static void
test_cmp_referral(void)
{
	const char *a[] = { "ns:example.com. 86400 IN NS ns1.example.com.|"
	    "example.com. 86400 IN NS ns2.example.com.",
	    "ar:ns1.example.com. 86400 IN A 192.0.2.53",
	    "ar:ns2.example.com. 86400 IN A 192.0.2.54", NULL };
	const char *fewer_glue[] = { "ns:example.com. 3600 IN NS "
	    "ns2.example.com.|example.com. 3600 IN NS ns1.example.com.",
	    "ar:ns1.example.com. 3600 IN A 192.0.2.53", NULL };
	const char *evil_ns[] = { "ns:example.com. 86400 IN NS "
	    "ns1.example.com.|example.com. 86400 IN NS ns.evil.net.",
	    "ar:ns1.example.com. 86400 IN A 192.0.2.53", NULL };
	const char *evil_glue[] = { "ns:example.com. 86400 IN NS "
	    "ns1.example.com.|example.com. 86400 IN NS ns2.example.com.",
	    "ar:ns1.example.com. 86400 IN A 6.6.6.6", NULL };
	const char *ds[] = { "ns:example.com. 86400 IN NS ns1.example.com.|"
	    "example.com. 86400 IN NS ns2.example.com.",
	    "ns:example.com. 86400 IN DS 12345 13 2 "
	    "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
	    NULL };

	UNIT_CHECK_INT(cmp(0, a, 0, fewer_glue), ITER_CMP_SAME);
	UNIT_CHECK_INT(cmp(0, a, 0, evil_ns), ITER_CMP_DIFFERENT);
	UNIT_CHECK_INT(cmp(0, a, 0, evil_glue), ITER_CMP_DIFFERENT);
	/* A DS RRset in only one of them: the child's security differs. */
	UNIT_CHECK_INT(cmp(0, a, 0, ds), ITER_CMP_DIFFERENT);
}

/** Negative answers: rcode and the SOA's owner; the serial may skew. */
static void
test_cmp_negative(void)
{
	const char *a[] = { "ns:example.com. 300 IN SOA ns1.example.com. "
	    "h.example.com. 2026120501 7200 3600 1209600 300", NULL };
	const char *newer[] = { "ns:example.com. 300 IN SOA ns1.example.com. "
	    "h.example.com. 2026120502 7200 3600 1209600 300", NULL };
	const char *other[] = { "ns:com. 900 IN SOA a.gtld-servers.net. "
	    "n.example.net. 1 1800 900 604800 86400", NULL };
	const char *nosoa[] = { NULL };

	UNIT_CHECK_INT(cmp(MSG_RCODE_NXDOMAIN, a, MSG_RCODE_NXDOMAIN, newer),
	    ITER_CMP_SAME);
	UNIT_CHECK_INT(cmp(0, a, 0, newer), ITER_CMP_SAME);
	UNIT_CHECK_INT(cmp(MSG_RCODE_NXDOMAIN, a, 0, a), ITER_CMP_DIFFERENT);
	UNIT_CHECK_INT(cmp(MSG_RCODE_NXDOMAIN, a, MSG_RCODE_NXDOMAIN, other),
	    ITER_CMP_DIFFERENT);
	UNIT_CHECK_INT(cmp(0, a, 0, nosoa), ITER_CMP_DIFFERENT);
}

/** Authority NS in an answer, additional data: not compared. */
static void
test_cmp_ignored(void)
{
	const char *a[] = { "an:www.example.com. 300 IN A 192.0.2.1",
	    "ns:example.com. 300 IN NS ns1.example.com.",
	    "ar:ns1.example.com. 300 IN A 192.0.2.53", NULL };
	const char *b[] = { "an:www.example.com. 300 IN A 192.0.2.1", NULL };

	UNIT_CHECK_INT(cmp(0, a, 0, b), ITER_CMP_SAME);
}

int
main(void)
{
	int r;

	unit_init("compare");
	reg = region_create();
	UNIT_RUN(test_cmp_same);
	UNIT_RUN(test_cmp_different);
	UNIT_RUN(test_cmp_pool);
	UNIT_RUN(test_cmp_referral);
	UNIT_RUN(test_cmp_negative);
	UNIT_RUN(test_cmp_ignored);
	r = unit_done();
	region_delete(reg);
	return r;
}
