/*
 * test/test_valnsec.c - unit tests for validator/val_nsec.c.
 *
 * The published examples come first: the NSEC records of the RFC 4035
 * appendix B responses (zone "example." of appendix A) and the NSEC3
 * records of the RFC 5155 appendix B responses, with the appendix A
 * hashes for the hash function.  Signatures are left out: these functions
 * judge records whose signatures were already checked.  Each proof then
 * meets its failures: a missing record, one that does not cover, the
 * wrong zone, mixed NSEC3 parameters, too many iterations, an exhausted
 * hash budget, the NS/DS/SOA bits of a delegation, opt-out, and
 * malformed RDATA.  Records marked "synthetic" are made for a case the
 * RFC examples do not show; they are not published vectors.
 */
#include "config.h"
#include "test/unit.h"
#include "validator/val_nsec.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/rdata.h"
#include "util/reply.h"
#include <stdlib.h>
#include <string.h>

/** Most RRsets one test case builds. */
#define SET_MAX 16

/** RRsets made from text for one case; freed with set_free(). */
struct set {
	/** the RRsets (one RR each) */
	struct reply_rrset *s[SET_MAX];
	/** how many */
	size_t n;
};

/** Scratch for rr_from_str() (too large for the stack). */
static struct rr_text rr_scratch;

/** Append an RRset of one RR with raw RDATA. */
static void
set_add_raw(struct set *t, const uint8_t *owner, uint16_t type,
    const uint8_t *rd, size_t rdlen)
{
	struct reply_rrset *s;
	uint8_t *o, *d;
	size_t olen = dname_len(owner);

	if (!UNIT_CHECK(t->n < SET_MAX)) {
		return;
	}
	s = calloc(1, sizeof(*s));
	o = malloc(olen);
	d = malloc(rdlen ? rdlen : 1);
	s->rd = calloc(1, sizeof(*s->rd));
	s->rdlen = calloc(1, sizeof(*s->rdlen));
	if (!UNIT_CHECK(s && o && d && s->rd && s->rdlen)) {
		abort();
	}
	memcpy(o, owner, olen);
	if (rdlen) {
		memcpy(d, rd, rdlen);
	}
	s->owner = o;
	s->type = type;
	s->rclass = RR_CLASS_IN;
	s->ttl = 3600;
	s->count = 1;
	s->rd[0] = d;
	s->rdlen[0] = (uint16_t)rdlen;
	t->s[t->n++] = s;
}

/** Append an RRset read from one RR in presentation format. */
static void
set_add(struct set *t, const char *line)
{
	if (!UNIT_CHECK(rr_from_str(line, NULL, 3600, &rr_scratch) == 0)) {
		printf("#   bad RR: %s\n", line);
		return;
	}
	set_add_raw(t, rr_scratch.owner, rr_scratch.type, rr_scratch.rdata,
	    rr_scratch.rdlen);
}

/** Free every RRset of a case. */
static void
set_free(struct set *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free((void *)t->s[i]->owner);
		free((void *)t->s[i]->rd[0]);
		free(t->s[i]->rd);
		free(t->s[i]->rdlen);
		free(t->s[i]);
	}
	t->n = 0;
}

/** A wire name from text, in one of a few rotating buffers. */
static const uint8_t *
N(const char *s)
{
	static uint8_t buf[8][DNAME_MAXLEN];
	static int next;
	uint8_t *b = buf[next++ & 7];

	if (dname_from_str(s, NULL, b, NULL) != 0) {
		printf("# bad name %s\n", s);
		abort();
	}
	return b;
}

/** "example.", set up by main(): N() buffers get reused. */
static uint8_t ex_zone[DNAME_MAXLEN];

/** A fresh context with the defaults. */
static struct val_nsec_ctx
ctx_new(void)
{
	struct val_nsec_ctx c = { VAL_NSEC3_MAX_ITERATIONS,
	    VAL_NSEC3_HASH_BUDGET, 0 };

	return c;
}

/** Lower-case unpadded base32hex of octets (RFC 4648 section 7). */
static void
b32hex(const uint8_t *in, size_t len, char *out)
{
	static const char dig[] = "0123456789abcdefghijklmnopqrstuv";
	unsigned acc = 0, bits = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			*out++ = dig[(acc >> bits) & 31];
		}
	}
	if (bits) {
		*out++ = dig[(acc << (5 - bits)) & 31];
	}
	*out = 0;
}

/* RFC 4035 appendix B responses (zone "example." of appendix A). */

/** B.2: the NSEC covering ml.example. */
#define R4035_B "b.example. 3600 NSEC ns1.example. NS RRSIG NSEC"
/** B.2 and B.8: the apex NSEC (covers *.example). */
#define R4035_APEX "example. 3600 NSEC a.example. NS SOA MX RRSIG NSEC DNSKEY"
/** B.3: the NSEC at ns1.example. */
#define R4035_NS1 "ns1.example. 3600 NSEC ns2.example. A RRSIG NSEC"
/** B.6 and B.7: the NSEC covering a.z.w.example. */
#define R4035_XYW "x.y.w.example. 3600 NSEC xx.example. MX RRSIG NSEC"
/** B.7: the NSEC at the wildcard *.w.example. */
#define R4035_WILD "*.w.example. 3600 NSEC x.w.example. MX RRSIG NSEC"

/* RFC 5155 appendix B responses: NSEC3 1 (SHA-1), flags 1 (opt-out, as in
 * the RFC's zone), 12 iterations, salt aabbccdd. */

/** H(example): the apex; covers H(c.x.w.example) and H(c.example). */
#define R5155_APEX "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. NSEC3 1 1 12 " \
	"aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS SOA " \
	"NSEC3PARAM RRSIG"
/** H(x.w.example): B.1's closest encloser. */
#define R5155_XW "b4um86eghhds6nea196smvmlo4ors995.example. NSEC3 1 1 12 " \
	"aabbccdd gjeqe526plbf1g8mklp59enfd789njgi MX RRSIG"
/** H(a.example): covers H(*.x.w.example) and H(c.example). */
#define R5155_A "35mthgpgcu1qg68fab165klnsnk3dpvl.example. NSEC3 1 1 12 " \
	"aabbccdd b4um86eghhds6nea196smvmlo4ors995 NS DS RRSIG"
/** H(ns1.example): B.2. */
#define R5155_NS1 "2t7b4g4vsa5smi47k61mv5bv1a22bojr.example. NSEC3 1 1 12 " \
	"aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG"
/** H(y.w.example), an empty non-terminal: B.2.1. */
#define R5155_YW "ji6neoaepv8b5o6k4ev33abha8ht9fgc.example. NSEC3 1 1 12 " \
	"aabbccdd k8udemvp1j2f7eg6jebps17vp3n8i58h"
/** H(ns2.example): covers H(z.w.example) in B.4 and B.5. */
#define R5155_NS2 "q04jkcevqvmu85r014c7dkba38o0ji5r.example. NSEC3 1 1 12 " \
	"aabbccdd r53bq7cc2uvmubfu5ocmm6pers9tk9en A RRSIG"
/** R5155_NS2 without the Opt-Out flag (its RRSIG is not checked here). */
#define R5155_NS2_NOOPT "q04jkcevqvmu85r014c7dkba38o0ji5r.example. NSEC3 " \
	"1 0 12 aabbccdd r53bq7cc2uvmubfu5ocmm6pers9tk9en A RRSIG"
/** H(w.example): B.5's closest encloser. */
#define R5155_W "k8udemvp1j2f7eg6jebps17vp3n8i58h.example. NSEC3 1 1 12 " \
	"aabbccdd kohar7mbb8dc2ce8a9qvl8hon4k53uhi"
/** H(*.w.example): B.5's wildcard. */
#define R5155_WILD "r53bq7cc2uvmubfu5ocmm6pers9tk9en.example. NSEC3 1 1 12 " \
	"aabbccdd t644ebqk9bibcna874givr6joj62mlhv MX RRSIG"

/* Hashes */

/** RFC 5155 appendix A (and the hashes quoted in appendix B). */
static void
test_hash_rfc5155(void)
{
	static const struct {
		const char *name, *hash;
	} v[] = {
		{ "example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom" },
		{ "a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl" },
		{ "ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi" },
		{ "ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr" },
		{ "ns2.example.", "q04jkcevqvmu85r014c7dkba38o0ji5r" },
		{ "w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h" },
		{ "*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en" },
		{ "x.w.example.", "b4um86eghhds6nea196smvmlo4ors995" },
		{ "y.w.example.", "ji6neoaepv8b5o6k4ev33abha8ht9fgc" },
		{ "x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s" },
		{ "xx.example.", "t644ebqk9bibcna874givr6joj62mlhv" },
		{ "c.x.w.example.", "0va5bpr2ou0vk0lbqeeljri88laipsfh" },
		{ "*.x.w.example.", "92pqneegtaue7pjatc3l3qnk738c6v5m" },
		{ "c.example.", "4g6p9u5gvfshp30pqecj98b3maqbn1ck" },
		{ "EXAMPLE.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom" },
	};
	static const uint8_t salt[] = { 0xaa, 0xbb, 0xcc, 0xdd };
	uint8_t h[VAL_NSEC3_SHA1_LEN];
	char txt[64];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		UNIT_CHECK_INT(val_nsec3_hash_name(N(v[i].name), 1, salt,
		    sizeof(salt), 12, h, sizeof(h)), VAL_NSEC3_SHA1_LEN);
		b32hex(h, sizeof(h), txt);
		UNIT_CHECK_STR(txt, v[i].hash);
	}
}

/** Bad arguments to the hash function. */
static void
test_hash_args(void)
{
	static const uint8_t salt[] = { 0xaa };
	uint8_t h[VAL_NSEC3_SHA1_LEN], a[VAL_NSEC3_SHA1_LEN];

	UNIT_CHECK_INT(val_nsec3_hash_name(NULL, 1, NULL, 0, 0, h, sizeof(h)),
	    RES_EINVAL);
	UNIT_CHECK_INT(val_nsec3_hash_name(N("example."), 1, NULL, 0, 0, NULL,
	    sizeof(h)), RES_EINVAL);
	UNIT_CHECK_INT(val_nsec3_hash_name(N("example."), 1, NULL, 1, 0, h,
	    sizeof(h)), RES_EINVAL);
	UNIT_CHECK_INT(val_nsec3_hash_name(N("example."), 1, salt, 256, 0, h,
	    sizeof(h)), RES_EINVAL);
	UNIT_CHECK_INT(val_nsec3_hash_name(N("example."), 1, NULL, 0, 65536,
	    h, sizeof(h)), RES_EINVAL);
	UNIT_CHECK_INT(val_nsec3_hash_name(N("example."), 2, NULL, 0, 0, h,
	    sizeof(h)), RES_ENOTSUP);
	UNIT_CHECK_INT(val_nsec3_hash_name(N("example."), 1, NULL, 0, 0, h,
	    19), RES_ESPACE);
	/* No salt, no extra round; the root; different salts differ. */
	UNIT_CHECK_INT(val_nsec3_hash_name(N("."), 1, NULL, 0, 0, h,
	    sizeof(h)), VAL_NSEC3_SHA1_LEN);
	UNIT_CHECK_INT(val_nsec3_hash_name(N("example."), 1, NULL, 0, 0, h,
	    sizeof(h)), VAL_NSEC3_SHA1_LEN);
	UNIT_CHECK_INT(val_nsec3_hash_name(N("example."), 1, salt, 1, 0, a,
	    sizeof(a)), VAL_NSEC3_SHA1_LEN);
	UNIT_CHECK(memcmp(h, a, sizeof(h)) != 0);
}

/* Bitmaps and covering */

/** Type bitmaps, well formed and not. */
static void
test_bitmap(void)
{
	uint8_t rd[256];
	size_t len, nlen;
	/* Window 0 length 0; length 33; truncated; windows descending. */
	static const uint8_t zero[] = { 0, 0 };
	static const uint8_t big[35] = { 0, 33 };
	static const uint8_t trunc[] = { 0, 4, 0x40 };
	static const uint8_t desc[] = { 1, 1, 0x40, 0, 1, 0x40 };
	static const uint8_t one[] = { 0 };

	UNIT_CHECK(rdata_from_str(47, "a.example. A MX RRSIG NSEC TYPE1234",
	    NULL, rd, sizeof(rd), &len) == 0);
	UNIT_CHECK(dname_check(rd, len, &nlen) == 0);
	UNIT_CHECK(val_nsec_bitmap_valid(rd + nlen, len - nlen));
	UNIT_CHECK(val_nsec_bitmap_has(rd + nlen, len - nlen, RR_TYPE_A));
	UNIT_CHECK(val_nsec_bitmap_has(rd + nlen, len - nlen, RR_TYPE_MX));
	UNIT_CHECK(val_nsec_bitmap_has(rd + nlen, len - nlen, 1234));
	UNIT_CHECK(!val_nsec_bitmap_has(rd + nlen, len - nlen, RR_TYPE_NS));
	UNIT_CHECK(!val_nsec_bitmap_has(rd + nlen, len - nlen, RR_TYPE_DS));
	UNIT_CHECK(!val_nsec_bitmap_has(rd + nlen, len - nlen, 1235));
	UNIT_CHECK(!val_nsec_bitmap_has(rd + nlen, len - nlen, 65535));
	/* Beyond the last octet of a window. */
	UNIT_CHECK(!val_nsec_bitmap_has(rd + nlen, len - nlen, 255));
	UNIT_CHECK(val_nsec_bitmap_valid(NULL, 0));
	UNIT_CHECK(!val_nsec_bitmap_valid(NULL, 2));
	UNIT_CHECK(!val_nsec_bitmap_has(NULL, 0, RR_TYPE_A));
	UNIT_CHECK(!val_nsec_bitmap_valid(zero, sizeof(zero)));
	UNIT_CHECK(!val_nsec_bitmap_valid(big, sizeof(big)));
	UNIT_CHECK(!val_nsec_bitmap_valid(trunc, sizeof(trunc)));
	UNIT_CHECK(!val_nsec_bitmap_valid(desc, sizeof(desc)));
	UNIT_CHECK(!val_nsec_bitmap_valid(one, sizeof(one)));
	UNIT_CHECK(!val_nsec_bitmap_has(desc, sizeof(desc), RR_TYPE_NS));
	UNIT_CHECK(!val_nsec_bitmap_has(trunc, sizeof(trunc), RR_TYPE_A));
}

/** val_nsec_covers(), wrap-around included. */
static void
test_covers(void)
{
	const uint8_t *zone = ex_zone;

	UNIT_CHECK(val_nsec_covers(N("b.example."), N("ns1.example."),
	    N("ml.example."), zone));
	UNIT_CHECK(val_nsec_covers(N("b.example."), N("ns1.example."),
	    N("ML.EXAMPLE."), NULL));
	UNIT_CHECK(!val_nsec_covers(N("b.example."), N("ns1.example."),
	    N("b.example."), zone));
	UNIT_CHECK(!val_nsec_covers(N("b.example."), N("ns1.example."),
	    N("ns1.example."), zone));
	UNIT_CHECK(!val_nsec_covers(N("b.example."), N("ns1.example."),
	    N("a.example."), zone));
	/* Below b.example sorts between b.example and ns1.example. */
	UNIT_CHECK(val_nsec_covers(N("b.example."), N("ns1.example."),
	    N("mc.b.example."), zone));
	/* The last NSEC: next is the apex. */
	UNIT_CHECK(val_nsec_covers(N("xx.example."), N("example."),
	    N("zz.example."), zone));
	UNIT_CHECK(val_nsec_covers(N("xx.example."), N("example."),
	    N("a.zz.example."), NULL));
	UNIT_CHECK(!val_nsec_covers(N("xx.example."), N("example."),
	    N("zz."), NULL));
	UNIT_CHECK(!val_nsec_covers(N("xx.example."), N("example."),
	    N("a.example."), zone));
	/* Wrong zone. */
	UNIT_CHECK(!val_nsec_covers(N("b.example."), N("ns1.example."),
	    N("ml.example."), N("com.")));
	UNIT_CHECK(!val_nsec_covers(NULL, N("a."), N("b."), NULL));
	UNIT_CHECK(!val_nsec_covers(N("a."), NULL, N("b."), NULL));
	UNIT_CHECK(!val_nsec_covers(N("a."), N("c."), NULL, NULL));
}

/* NSEC: RFC 4035 appendix B */

/** B.2 name error: ml.example. */
static void
test_4035_b2_nxdomain(void)
{
	struct set t = { { 0 }, 0 };
	const uint8_t *zone = ex_zone;

	set_add(&t, R4035_B);
	set_add(&t, R4035_APEX);
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, t.n, N("ml.example."), zone),
	    VAL_NSEC_PROVEN);
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, t.n, N("ML.Example."), zone),
	    VAL_NSEC_PROVEN);
	/* Order does not matter. */
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s + 1, 1, N("ml.example."), zone),
	    VAL_NSEC_NOT_PROVEN);
	/* Without the wildcard proof. */
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, 1, N("ml.example."), zone),
	    VAL_NSEC_NOT_PROVEN);
	/* Wrong zone; qname outside the zone; the apex itself. */
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, t.n, N("ml.example."),
	    N("com.")), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, t.n, N("ml.com."), zone),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, t.n, zone, zone),
	    VAL_NSEC_NOT_PROVEN);
	/* A name that exists (matched, not covered). */
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, t.n, N("b.example."), zone),
	    VAL_NSEC_NOT_PROVEN);
	/* A name the NSEC does not cover. */
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, t.n, N("zz.example."), zone),
	    VAL_NSEC_NOT_PROVEN);
	/* Below the unsigned delegation b.example (RFC 4035 B.5): the
	 * parent's NSEC there does not deny the child's names. */
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, t.n, N("mc.b.example."), zone),
	    VAL_NSEC_NOT_PROVEN);
	/* NULL and empty input. */
	UNIT_CHECK_INT(val_nsec_nxdomain(NULL, 2, N("ml.example."), zone),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, 0, N("ml.example."), zone),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, t.n, NULL, zone),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, t.n, N("ml.example."), NULL),
	    VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	/* The wildcard exists: then ml.example would have been expanded
	 * (synthetic). */
	set_add(&t, R4035_B);
	set_add(&t, "*.example. 3600 NSEC a.example. TXT RRSIG NSEC");
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, t.n, N("ml.example."), zone),
	    VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	/* An NSEC that does not cover qname: B.3's record (the covering
	 * record replaced, as in the Dnsruby-style negative cases). */
	set_add(&t, R4035_NS1);
	set_add(&t, R4035_APEX);
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, t.n, N("ml.example."), zone),
	    VAL_NSEC_NOT_PROVEN);
	set_free(&t);
}

/** B.3 no data: ns1.example MX. */
static void
test_4035_b3_nodata(void)
{
	struct set t = { { 0 }, 0 };
	const uint8_t *zone = ex_zone;

	set_add(&t, R4035_NS1);
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("ns1.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_PROVEN);
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("NS1.example."),
	    RR_TYPE_AAAA, zone), VAL_NSEC_PROVEN);
	/* The type exists. */
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("ns1.example."),
	    RR_TYPE_A, zone), VAL_NSEC_NOT_PROVEN);
	/* Wrong zone, other name, NULL. */
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("ns1.example."),
	    RR_TYPE_MX, N("com.")), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("ns2.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_nodata(NULL, 1, N("ns1.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, NULL, RR_TYPE_MX, zone),
	    VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	/* The bitmap has MX (synthetic): not proven. */
	set_add(&t, "ns1.example. 3600 NSEC ns2.example. A RRSIG MX NSEC");
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("ns1.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	/* A CNAME at the name answers every type (synthetic). */
	set_add(&t, "ns1.example. 3600 NSEC ns2.example. CNAME RRSIG NSEC");
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("ns1.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
}

/** B.5 referral to an unsigned zone: no DS at b.example. */
static void
test_4035_b5_no_ds(void)
{
	struct set t = { { 0 }, 0 };
	const uint8_t *zone = ex_zone;

	set_add(&t, R4035_B);
	UNIT_CHECK_INT(val_nsec_no_ds(t.s, t.n, N("b.example.")),
	    VAL_NSEC_PROVEN);
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("b.example."), RR_TYPE_DS,
	    zone), VAL_NSEC_PROVEN);
	/* At a delegation other types live in the child zone. */
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("b.example."), RR_TYPE_MX,
	    zone), VAL_NSEC_NOT_PROVEN);
	/* Another name; NULL. */
	UNIT_CHECK_INT(val_nsec_no_ds(t.s, t.n, N("mc.b.example.")),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_no_ds(NULL, 1, N("b.example.")),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_no_ds(t.s, t.n, NULL), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	/* The apex record has SOA: the child's NSEC cannot deny the
	 * parent's DS. */
	set_add(&t, R4035_APEX);
	UNIT_CHECK_INT(val_nsec_no_ds(t.s, t.n, N("example.")),
	    VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	/* DS bit set; NS bit missing (synthetic). */
	set_add(&t, "b.example. 3600 NSEC ns1.example. NS DS RRSIG NSEC");
	UNIT_CHECK_INT(val_nsec_no_ds(t.s, t.n, N("b.example.")),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("b.example."), RR_TYPE_DS,
	    zone), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	set_add(&t, R4035_NS1);
	UNIT_CHECK_INT(val_nsec_no_ds(t.s, t.n, N("ns1.example.")),
	    VAL_NSEC_NOT_PROVEN);
	set_free(&t);
}

/** B.6 wildcard expansion: a.z.w.example MX from *.w.example. */
static void
test_4035_b6_wildcard(void)
{
	struct set t = { { 0 }, 0 };

	set_add(&t, R4035_XYW);
	UNIT_CHECK_INT(val_nsec_wildcard_answer(t.s, t.n, N("a.z.w.example."),
	    N("w.example.")), VAL_NSEC_PROVEN);
	/* The wrong wildcard: *.example would not be the one. */
	UNIT_CHECK_INT(val_nsec_wildcard_answer(t.s, t.n, N("a.z.w.example."),
	    N("example.")), VAL_NSEC_NOT_PROVEN);
	/* Not below the wildcard's parent; NULL; empty. */
	UNIT_CHECK_INT(val_nsec_wildcard_answer(t.s, t.n, N("w.example."),
	    N("w.example.")), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_wildcard_answer(NULL, 1, N("a.z.w.example."),
	    N("w.example.")), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_wildcard_answer(t.s, 0, N("a.z.w.example."),
	    N("w.example.")), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_wildcard_answer(t.s, t.n, NULL,
	    N("w.example.")), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	/* An NSEC that does not cover qname (its next name sorts first). */
	set_add(&t, "x.y.w.example. 3600 NSEC z.w.example. MX RRSIG NSEC");
	UNIT_CHECK_INT(val_nsec_wildcard_answer(t.s, t.n, N("a.z.w.example."),
	    N("w.example.")), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	/* A closer name exists (synthetic: z.w.example has data). */
	set_add(&t, "x.y.w.example. 3600 NSEC b.z.w.example. MX RRSIG NSEC");
	UNIT_CHECK_INT(val_nsec_wildcard_answer(t.s, t.n, N("a.z.w.example."),
	    N("w.example.")), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
}

/** B.7 wildcard no data: a.z.w.example AAAA. */
static void
test_4035_b7_wildcard_nodata(void)
{
	struct set t = { { 0 }, 0 };
	const uint8_t *zone = ex_zone;

	set_add(&t, R4035_XYW);
	set_add(&t, R4035_WILD);
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("a.z.w.example."),
	    RR_TYPE_AAAA, zone), VAL_NSEC_PROVEN);
	/* The wildcard has MX. */
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("a.z.w.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_NOT_PROVEN);
	/* Without the NSEC covering qname; without the wildcard's NSEC. */
	UNIT_CHECK_INT(val_nsec_nodata(t.s + 1, 1, N("a.z.w.example."),
	    RR_TYPE_AAAA, zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_nodata(t.s, 1, N("a.z.w.example."),
	    RR_TYPE_AAAA, zone), VAL_NSEC_NOT_PROVEN);
	/* Wrong zone. */
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("a.z.w.example."),
	    RR_TYPE_AAAA, N("w.example.")), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
}

/** B.8 DS child zone no data: example DS answered by the child. */
static void
test_4035_b8_ds_child(void)
{
	struct set t = { { 0 }, 0 };

	set_add(&t, R4035_APEX);
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("example."), RR_TYPE_DS,
	    N("example.")), VAL_NSEC_PROVEN);
	/* As a proof from the parent (root) zone it fails: SOA bit. */
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("example."), RR_TYPE_DS,
	    N(".")), VAL_NSEC_NOT_PROVEN);
	/* The apex has MX. */
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("example."), RR_TYPE_MX,
	    N("example.")), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
}

/** Empty non-terminal with NSEC (synthetic zone "ent.test."). */
static void
test_nsec_ent(void)
{
	struct set t = { { 0 }, 0 };
	uint8_t zone[DNAME_MAXLEN];

	memcpy(zone, N("ent.test."), 10);

	set_add(&t, "a.ent.test. 3600 NSEC x.y.ent.test. A RRSIG NSEC");
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("y.ent.test."), RR_TYPE_A,
	    zone), VAL_NSEC_PROVEN);
	/* An empty non-terminal exists: no name error for it. */
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, t.n, N("y.ent.test."), zone),
	    VAL_NSEC_NOT_PROVEN);
	/* b.ent.test is covered but not an empty non-terminal. */
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("b.ent.test."), RR_TYPE_A,
	    zone), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
}

/** Malformed NSEC RDATA is ignored, never read past its end. */
static void
test_nsec_malformed(void)
{
	struct set t = { { 0 }, 0 };
	const uint8_t *zone = ex_zone;
	/* next name with a label running off the end */
	static const uint8_t badname[] = { 3, 'n', 's', '1', 7, 'e', 'x' };
	/* good next name, window length 33 */
	static const uint8_t badmap[] = { 3, 'n', 's', '2', 7, 'e', 'x', 'a',
	    'm', 'p', 'l', 'e', 0, 0, 33, 0x40 };
	uint8_t full[64];
	size_t len, cut;

	set_add_raw(&t, N("ns1.example."), RR_TYPE_NSEC, badname,
	    sizeof(badname));
	set_add_raw(&t, N("ns1.example."), RR_TYPE_NSEC, badmap,
	    sizeof(badmap));
	set_add_raw(&t, N("ns1.example."), RR_TYPE_NSEC, NULL, 0);
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("ns1.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec_no_ds(t.s, t.n, N("ns1.example.")),
	    VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	/* Every truncation of a good record: no crash, and never a
	 * proof unless the cut keeps a whole bitmap window. */
	UNIT_CHECK(rdata_from_str(RR_TYPE_NSEC, "ns2.example. A RRSIG NSEC",
	    NULL, full, sizeof(full), &len) == 0);
	for (cut = 0; cut < len; cut++) {
		set_add_raw(&t, N("ns1.example."), RR_TYPE_NSEC, full, cut);
		UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, N("ns1.example."),
		    RR_TYPE_MX, zone), VAL_NSEC_NOT_PROVEN);
		set_free(&t);
	}
	/* Other types and NULL entries in the array are skipped. */
	set_add(&t, "ns1.example. 3600 A 192.0.2.1");
	set_add(&t, R4035_NS1);
	{
		struct reply_rrset *arr[3] = { NULL, t.s[0], t.s[1] };

		UNIT_CHECK_INT(val_nsec_nodata(arr, 3, N("ns1.example."),
		    RR_TYPE_MX, zone), VAL_NSEC_PROVEN);
	}
	set_free(&t);
}

/* NSEC3: RFC 5155 appendix B */

/** B.1 name error: a.c.x.w.example. */
static void
test_5155_b1_nxdomain(void)
{
	struct set t = { { 0 }, 0 };
	struct val_nsec_ctx c = ctx_new();
	const uint8_t *zone = ex_zone;

	set_add(&t, R5155_APEX);
	set_add(&t, R5155_XW);
	set_add(&t, R5155_A);
	/* The RFC's zone sets opt-out on every NSEC3, so the next closer
	 * name c.x.w.example lies in an opt-out span: insecure. */
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, N("a.c.x.w.example."),
	    zone), VAL_NSEC_INSECURE);
	/* Hashes: a.c.x.w, c.x.w, x.w (the closest encloser), *.x.w. */
	UNIT_CHECK_INT(c.hashes_done, 4);
	/* NULL context: the defaults. */
	UNIT_CHECK_INT(val_nsec3_nxdomain(NULL, t.s, t.n,
	    N("A.C.X.W.EXAMPLE."), zone), VAL_NSEC_INSECURE);
	/* Without the wildcard cover; without the closest encloser. */
	c = ctx_new();
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, 2, N("a.c.x.w.example."),
	    zone), VAL_NSEC_NOT_PROVEN);
	{
		struct reply_rrset *arr[2] = { t.s[0], t.s[2] };

		UNIT_CHECK_INT(val_nsec3_nxdomain(&c, arr, 2,
		    N("a.c.x.w.example."), zone), VAL_NSEC_NOT_PROVEN);
	}
	/* Without the next closer cover. */
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s + 1, 2,
	    N("a.c.x.w.example."), zone), VAL_NSEC_NOT_PROVEN);
	/* The closest encloser exists: x.w.example is no name error. */
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, N("x.w.example."),
	    zone), VAL_NSEC_NOT_PROVEN);
	/* Wrong zone: the owners are not hash.zone. */
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n,
	    N("a.c.x.w.example."), N(".")), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n,
	    N("a.c.x.w.example."), N("w.example.")), VAL_NSEC_NOT_PROVEN);
	/* NULL and empty. */
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, NULL, 3, N("a.c.x.w.example."),
	    zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, 0, N("a.c.x.w.example."),
	    zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, NULL, zone),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, zone, zone),
	    VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	/* The same records without the opt-out flag (derived): proven. */
	set_add(&t, "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. NSEC3 1 0 12 "
	    "aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS SOA "
	    "NSEC3PARAM RRSIG");
	set_add(&t, R5155_XW);
	set_add(&t, R5155_A);
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, N("a.c.x.w.example."),
	    zone), VAL_NSEC_PROVEN);
	set_free(&t);
}

/** B.2 no data (ns1.example MX) and B.2.1 empty non-terminal. */
static void
test_5155_b2_nodata(void)
{
	struct set t = { { 0 }, 0 };
	struct val_nsec_ctx c = ctx_new();
	const uint8_t *zone = ex_zone;

	set_add(&t, R5155_NS1);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("ns1.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_PROVEN);
	UNIT_CHECK_INT(c.hashes_done, 1);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("ns1.example."),
	    RR_TYPE_A, zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("ns2.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("ns1.example."),
	    RR_TYPE_MX, N("com.")), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, NULL, 1, N("ns1.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, NULL, RR_TYPE_MX,
	    zone), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	set_add(&t, R5155_YW);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("y.w.example."),
	    RR_TYPE_A, zone), VAL_NSEC_PROVEN);
	set_free(&t);
}

/** B.3 referral to an opt-out unsigned zone: mc.c.example, no DS at
 * c.example. */
static void
test_5155_b3_optout(void)
{
	struct set t = { { 0 }, 0 };
	struct val_nsec_ctx c = ctx_new();
	const uint8_t *zone = ex_zone;

	set_add(&t, R5155_A);
	set_add(&t, R5155_APEX);
	UNIT_CHECK_INT(val_nsec3_no_ds(&c, t.s, t.n, N("c.example."), zone),
	    VAL_NSEC_INSECURE);
	UNIT_CHECK_INT(c.hashes_done, 2);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("c.example."),
	    RR_TYPE_DS, zone), VAL_NSEC_INSECURE);
	/* Another type at a name in the opt-out span (RFC 5155 errata
	 * 3441): insecure, after the wildcard *.example was tried. */
	c = ctx_new();
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("c.example."),
	    RR_TYPE_A, zone), VAL_NSEC_INSECURE);
	UNIT_CHECK_INT(c.hashes_done, 3);
	/* Without the covering record. */
	UNIT_CHECK_INT(val_nsec3_no_ds(&c, t.s + 1, 1, N("c.example."),
	    zone), VAL_NSEC_NOT_PROVEN);
	/* A matching NSEC3 with NS and DS (a.example is signed). */
	UNIT_CHECK_INT(val_nsec3_no_ds(&c, t.s, t.n, N("a.example."), zone),
	    VAL_NSEC_NOT_PROVEN);
	/* The apex: not a delegation of this zone. */
	UNIT_CHECK_INT(val_nsec3_no_ds(&c, t.s, t.n, zone, zone),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_no_ds(&c, t.s, t.n, NULL, zone),
	    VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	/* The same span without opt-out (derived): not proven. */
	set_add(&t, "35mthgpgcu1qg68fab165klnsnk3dpvl.example. NSEC3 1 0 12 "
	    "aabbccdd b4um86eghhds6nea196smvmlo4ors995 NS DS RRSIG");
	set_add(&t, R5155_APEX);
	UNIT_CHECK_INT(val_nsec3_no_ds(&c, t.s, t.n, N("c.example."), zone),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("c.example."),
	    RR_TYPE_DS, zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("c.example."),
	    RR_TYPE_A, zone), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	/* A matching NSEC3 at an unsigned delegation (synthetic: the
	 * a.example record without its DS bit), and with SOA. */
	set_add(&t, "35mthgpgcu1qg68fab165klnsnk3dpvl.example. NSEC3 1 0 12 "
	    "aabbccdd b4um86eghhds6nea196smvmlo4ors995 NS RRSIG");
	UNIT_CHECK_INT(val_nsec3_no_ds(&c, t.s, t.n, N("a.example."), zone),
	    VAL_NSEC_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("a.example."),
	    RR_TYPE_DS, zone), VAL_NSEC_PROVEN);
	set_free(&t);
	set_add(&t, "35mthgpgcu1qg68fab165klnsnk3dpvl.example. NSEC3 1 0 12 "
	    "aabbccdd b4um86eghhds6nea196smvmlo4ors995 NS SOA RRSIG");
	UNIT_CHECK_INT(val_nsec3_no_ds(&c, t.s, t.n, N("a.example."), zone),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("a.example."),
	    RR_TYPE_DS, zone), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
}

/** B.4 wildcard expansion: a.z.w.example MX from *.w.example. */
static void
test_5155_b4_wildcard(void)
{
	struct set t = { { 0 }, 0 };
	struct val_nsec_ctx c = ctx_new();
	const uint8_t *zone = ex_zone;

	/* The RFC's NSEC3 records all have Opt-Out: the cover of the next
	 * closer name z.w.example does not rule out an unsigned delegation
	 * there (RFC 5155 section 9.2): insecure.  Without the flag, the
	 * same proof is secure. */
	set_add(&t, R5155_NS2);
	UNIT_CHECK_INT(val_nsec3_wildcard_answer(&c, t.s, t.n,
	    N("a.z.w.example."), N("w.example."), zone), VAL_NSEC_INSECURE);
	UNIT_CHECK_INT(c.hashes_done, 1);
	set_free(&t);
	set_add(&t, R5155_NS2_NOOPT);
	UNIT_CHECK_INT(val_nsec3_wildcard_answer(&c, t.s, t.n,
	    N("a.z.w.example."), N("w.example."), zone), VAL_NSEC_PROVEN);
	/* The wrong wildcard parent: next closer w.example not covered. */
	UNIT_CHECK_INT(val_nsec3_wildcard_answer(&c, t.s, t.n,
	    N("a.z.w.example."), zone, zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_wildcard_answer(&c, t.s, t.n,
	    N("w.example."), N("w.example."), zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_wildcard_answer(&c, t.s, t.n,
	    N("a.z.w.example."), N("w.example."), N("com.")),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_wildcard_answer(&c, NULL, 1,
	    N("a.z.w.example."), N("w.example."), zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_wildcard_answer(&c, t.s, t.n, NULL,
	    N("w.example."), zone), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	/* The next closer name matches: it exists (H(w.example) record). */
	set_add(&t, R5155_W);
	UNIT_CHECK_INT(val_nsec3_wildcard_answer(&c, t.s, t.n,
	    N("a.w.example."), zone, zone), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
}

/** B.5 wildcard no data: a.z.w.example AAAA. */
static void
test_5155_b5_wildcard_nodata(void)
{
	struct set t = { { 0 }, 0 };
	struct val_nsec_ctx c = ctx_new();
	const uint8_t *zone = ex_zone;

	set_add(&t, R5155_W);
	set_add(&t, R5155_NS2);
	set_add(&t, R5155_WILD);
	/* The next closer name is in an Opt-Out span (RFC 5155 section
	 * 9.2): insecure; secure without the flag. */
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("a.z.w.example."),
	    RR_TYPE_AAAA, zone), VAL_NSEC_INSECURE);
	/* a.z.w, z.w, w (closest encloser), *.w. */
	UNIT_CHECK_INT(c.hashes_done, 4);
	{
		struct set u = { { 0 }, 0 };

		set_add(&u, R5155_W);
		set_add(&u, R5155_NS2_NOOPT);
		set_add(&u, R5155_WILD);
		UNIT_CHECK_INT(val_nsec3_nodata(&c, u.s, u.n,
		    N("a.z.w.example."), RR_TYPE_AAAA, zone),
		    VAL_NSEC_PROVEN);
		set_free(&u);
	}
	/* The wildcard has MX. */
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("a.z.w.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_NOT_PROVEN);
	/* Missing the wildcard: only the opt-out span is left (the RFC's
	 * records all have opt-out), insecure; then missing the next
	 * closer cover, and missing the closest encloser: bogus. */
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, 2, N("a.z.w.example."),
	    RR_TYPE_AAAA, zone), VAL_NSEC_INSECURE);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s + 1, 2, N("a.z.w.example."),
	    RR_TYPE_AAAA, zone), VAL_NSEC_NOT_PROVEN);
	{
		struct reply_rrset *arr[2] = { t.s[0], t.s[2] };

		UNIT_CHECK_INT(val_nsec3_nodata(&c, arr, 2,
		    N("a.z.w.example."), RR_TYPE_AAAA, zone),
		    VAL_NSEC_NOT_PROVEN);
	}
	set_free(&t);
}

/** B.6 DS child zone no data: example DS answered by the child. */
static void
test_5155_b6_ds_child(void)
{
	struct set t = { { 0 }, 0 };
	struct val_nsec_ctx c = ctx_new();

	set_add(&t, R5155_APEX);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("example."),
	    RR_TYPE_DS, N("example.")), VAL_NSEC_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("example."),
	    RR_TYPE_MX, N("example.")), VAL_NSEC_NOT_PROVEN);
	/* Hash owners are relative to the zone: not proof for ".". */
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("example."),
	    RR_TYPE_DS, N(".")), VAL_NSEC_NOT_PROVEN);
	set_free(&t);
}

/* NSEC3 limits and bad input */

/** Parameters: mixed, too many iterations, unknown algorithm, flags. */
static void
test_nsec3_params(void)
{
	struct set t = { { 0 }, 0 };
	struct val_nsec_ctx c = ctx_new();
	const uint8_t *zone = ex_zone;

	/* B.1's records, one with another salt: bogus, nothing hashed. */
	set_add(&t, R5155_APEX);
	set_add(&t, "b4um86eghhds6nea196smvmlo4ors995.example. NSEC3 1 1 12 "
	    "aabbccde gjeqe526plbf1g8mklp59enfd789njgi MX RRSIG");
	set_add(&t, R5155_A);
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, N("a.c.x.w.example."),
	    zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(c.hashes_done, 0);
	set_free(&t);
	/* Another iteration count. */
	set_add(&t, R5155_APEX);
	set_add(&t, "b4um86eghhds6nea196smvmlo4ors995.example. NSEC3 1 1 11 "
	    "aabbccdd gjeqe526plbf1g8mklp59enfd789njgi MX RRSIG");
	set_add(&t, R5155_A);
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, N("a.c.x.w.example."),
	    zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(c.hashes_done, 0);
	set_free(&t);
	/* Iterations above the limit: insecure, before any hashing. */
	set_add(&t, R5155_NS1);
	c.max_iterations = 11;
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("ns1.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_ITERATIONS);
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, N("q.example."),
	    zone), VAL_NSEC_ITERATIONS);
	UNIT_CHECK_INT(val_nsec3_no_ds(&c, t.s, t.n, N("q.example."), zone),
	    VAL_NSEC_ITERATIONS);
	UNIT_CHECK_INT(val_nsec3_wildcard_answer(&c, t.s, t.n,
	    N("a.q.example."), N("q.example."), zone), VAL_NSEC_ITERATIONS);
	UNIT_CHECK_INT(c.hashes_done, 0);
	c.max_iterations = 12;
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("ns1.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_PROVEN);
	set_free(&t);
	/* Unknown hash algorithm and unknown flags: ignored. */
	c = ctx_new();
	set_add(&t, "2t7b4g4vsa5smi47k61mv5bv1a22bojr.example. NSEC3 2 1 12 "
	    "aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG");
	set_add(&t, "2t7b4g4vsa5smi47k61mv5bv1a22bojr.example. NSEC3 1 2 12 "
	    "aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG");
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("ns1.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(c.hashes_done, 0);
	/* An ignored record with a huge iteration count changes nothing. */
	set_add(&t, "2t7b4g4vsa5smi47k61mv5bv1a22bojr.example. NSEC3 2 1 500 "
	    "aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG");
	set_add(&t, R5155_NS1);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("ns1.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_PROVEN);
	set_free(&t);
}

/** The hash budget (CVE-2023-50868). */
static void
test_nsec3_budget(void)
{
	struct set t = { { 0 }, 0 };
	struct val_nsec_ctx c = ctx_new();
	const uint8_t *zone = ex_zone;
	char longname[DNAME_MAXSTR];
	size_t i;

	set_add(&t, R5155_APEX);
	set_add(&t, R5155_XW);
	set_add(&t, R5155_A);
	c.hash_budget = 3;
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, N("a.c.x.w.example."),
	    zone), VAL_NSEC_BUDGET);
	UNIT_CHECK_INT(c.hashes_done, 3);
	c.hashes_done = 0;
	c.hash_budget = 4;
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, N("a.c.x.w.example."),
	    zone), VAL_NSEC_INSECURE);
	/* The counter accumulates over calls: nothing left now. */
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, N("a.c.x.w.example."),
	    zone), VAL_NSEC_BUDGET);
	UNIT_CHECK_INT(c.hashes_done, 4);
	c.hash_budget = 0;
	c.hashes_done = 0;
	UNIT_CHECK_INT(val_nsec3_wildcard_answer(&c, t.s, t.n,
	    N("a.z.w.example."), N("w.example."), zone), VAL_NSEC_BUDGET);
	UNIT_CHECK_INT(c.hashes_done, 0);
	/* A name of 120 labels: the default budget bounds the walk. */
	longname[0] = 0;
	for (i = 0; i < 120; i++) {
		strcat(longname, "a.");
	}
	strcat(longname, "example.");
	c = ctx_new();
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, N(longname), zone),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK(c.hashes_done <= VAL_NSEC3_HASH_BUDGET);
	/* 120 names: the walk stops at a.example, H(a.example) has a
	 * record; the next closer a.a.example is not covered. */
	UNIT_CHECK_INT(c.hashes_done, 120);
	c = ctx_new();
	c.hash_budget = 10;
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, N(longname), zone),
	    VAL_NSEC_BUDGET);
	UNIT_CHECK_INT(c.hashes_done, 10);
	set_free(&t);
}

/** The last NSEC3 of the chain wraps around (synthetic record made from
 * the RFC 5155 hashes: H(xx.example) is the largest, H(example) the
 * smallest). */
static void
test_nsec3_wrap(void)
{
	struct set t = { { 0 }, 0 };
	struct val_nsec_ctx c = ctx_new();
	const uint8_t *zone = ex_zone;
	static const uint8_t salt[] = { 0xaa, 0xbb, 0xcc, 0xdd };
	uint8_t h[VAL_NSEC3_SHA1_LEN];
	char name[32], txt[64];
	int i, found = -1;

	/* A delegation name whose hash sorts after H(xx.example) or before
	 * H(example): only the wrapping record covers it. */
	for (i = 0; i < 1000 && found < 0; i++) {
		snprintf(name, sizeof(name), "d%d.example.", i);
		UNIT_CHECK_INT(val_nsec3_hash_name(N(name), 1, salt, 4, 12, h,
		    sizeof(h)), VAL_NSEC3_SHA1_LEN);
		b32hex(h, sizeof(h), txt);
		if (strcmp(txt, "t644ebqk9bibcna874givr6joj62mlhv") > 0 ||
		    strcmp(txt, "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom") < 0) {
			found = i;
		}
	}
	if (!UNIT_CHECK(found >= 0)) {
		return;
	}
	set_add(&t, R5155_APEX);
	set_add(&t, "t644ebqk9bibcna874givr6joj62mlhv.example. NSEC3 1 1 12 "
	    "aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom A HINFO AAAA RRSIG");
	UNIT_CHECK_INT(val_nsec3_no_ds(&c, t.s, t.n, N(name), zone),
	    VAL_NSEC_INSECURE);
	set_free(&t);
	/* The same record without opt-out, in upper case. */
	set_add(&t, R5155_APEX);
	set_add(&t, "T644EBQK9BIBCNA874GIVR6JOJ62MLHV.EXAMPLE. NSEC3 1 0 12 "
	    "aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom A HINFO AAAA RRSIG");
	UNIT_CHECK_INT(val_nsec3_no_ds(&c, t.s, t.n, N(name), zone),
	    VAL_NSEC_NOT_PROVEN);
	set_free(&t);
	/* H(ns1.example) lies inside the chain: the wrap does not cover. */
	set_add(&t, R5155_APEX);
	set_add(&t, "t644ebqk9bibcna874givr6joj62mlhv.example. NSEC3 1 1 12 "
	    "aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom A HINFO AAAA RRSIG");
	UNIT_CHECK_INT(val_nsec3_no_ds(&c, t.s, t.n, N("ns1.example."), zone),
	    VAL_NSEC_NOT_PROVEN);
	set_free(&t);
}

/** Malformed NSEC3 RDATA and owners: ignored, never a crash. */
static void
test_nsec3_malformed(void)
{
	struct set t = { { 0 }, 0 };
	struct val_nsec_ctx c = ctx_new();
	const uint8_t *zone = ex_zone;
	uint8_t full[128];
	size_t len, cut;

	UNIT_CHECK(rdata_from_str(RR_TYPE_NSEC3, "1 1 12 aabbccdd "
	    "2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG", NULL, full,
	    sizeof(full), &len) == 0);
	/* Every cut but the one that leaves an empty bitmap (an empty
	 * non-terminal's NSEC3 is like that): unusable. */
	for (cut = 0; cut < len; cut++) {
		if (cut == len - 8) {
			continue;
		}
		set_add_raw(&t, N("2t7b4g4vsa5smi47k61mv5bv1a22bojr.example."),
		    RR_TYPE_NSEC3, full, cut);
		UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("ns1.example."),
		    RR_TYPE_MX, zone), VAL_NSEC_NOT_PROVEN);
		set_free(&t);
	}
	/* Hash length 19, salt length past the end. */
	full[9] = 19;
	set_add_raw(&t, N("2t7b4g4vsa5smi47k61mv5bv1a22bojr.example."),
	    RR_TYPE_NSEC3, full, len);
	full[9] = 20;
	full[4] = 200;
	set_add_raw(&t, N("2t7b4g4vsa5smi47k61mv5bv1a22bojr.example."),
	    RR_TYPE_NSEC3, full, len);
	full[4] = 4;
	/* Owner labels that are not a base32hex SHA-1 hash. */
	set_add_raw(&t, N("2t7b4g4vsa5smi47k61mv5bv1a22boj.example."),
	    RR_TYPE_NSEC3, full, len);
	set_add_raw(&t, N("2t7b4g4vsa5smi47k61mv5bv1a22bojz.example."),
	    RR_TYPE_NSEC3, full, len);
	set_add_raw(&t, N("2t7b4g4vsa5smi47k61mv5bv1a22bojr7.example."),
	    RR_TYPE_NSEC3, full, len);
	set_add_raw(&t, N("example."), RR_TYPE_NSEC3, full, len);
	set_add_raw(&t, N("."), RR_TYPE_NSEC3, full, len);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("ns1.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, N("q.example."),
	    zone), VAL_NSEC_NOT_PROVEN);
	/* The good record next to them still proves B.2. */
	set_add_raw(&t, N("2t7b4g4vsa5smi47k61mv5bv1a22bojr.example."),
	    RR_TYPE_NSEC3, full, len);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, N("ns1.example."),
	    RR_TYPE_MX, zone), VAL_NSEC_PROVEN);
	set_free(&t);
}

/** The longest possible query name (255 octets) through every proof. */
static void
test_longest_name(void)
{
	struct set t = { { 0 }, 0 };
	struct val_nsec_ctx c = ctx_new();
	const uint8_t *zone = ex_zone;
	char txt[DNAME_MAXSTR], *p = txt;
	uint8_t q[DNAME_MAXLEN], h[VAL_NSEC3_SHA1_LEN];
	size_t qlen = 0;
	int i, l;

	/* Three labels of 63, one of 53, then "example.": 255 octets,
	 * sorting between b.example and ns1.example. */
	for (l = 0; l < 4; l++) {
		for (i = 0; i < (l < 3 ? 63 : 53); i++) {
			*p++ = 'm';
		}
		*p++ = '.';
	}
	strcpy(p, "example.");
	UNIT_CHECK(dname_from_str(txt, NULL, q, &qlen) == 0);
	UNIT_CHECK_INT(qlen, DNAME_MAXLEN);
	UNIT_CHECK_INT(val_nsec3_hash_name(q, 1, (const uint8_t *)"\xaa",
	    1, 0, h, sizeof(h)), VAL_NSEC3_SHA1_LEN);
	set_add(&t, R4035_B);
	set_add(&t, R4035_APEX);
	set_add(&t, R5155_APEX);
	set_add(&t, R5155_A);
	UNIT_CHECK_INT(val_nsec_nxdomain(t.s, t.n, q, zone), VAL_NSEC_PROVEN);
	UNIT_CHECK_INT(val_nsec_nodata(t.s, t.n, q, RR_TYPE_A, zone),
	    VAL_NSEC_NOT_PROVEN);
	/* qname does not exist and example is its closest encloser: an
	 * answer from *.example would be justified (the signature on it
	 * shows the wildcard exists; that is not judged here). */
	UNIT_CHECK_INT(val_nsec_wildcard_answer(t.s, t.n, q, zone),
	    VAL_NSEC_PROVEN);
	UNIT_CHECK_INT(val_nsec_no_ds(t.s, t.n, q), VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nxdomain(&c, t.s, t.n, q, zone),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_nodata(&c, t.s, t.n, q, RR_TYPE_A, zone),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_wildcard_answer(&c, t.s, t.n, q, zone, zone),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK_INT(val_nsec3_no_ds(&c, t.s, t.n, q, zone),
	    VAL_NSEC_NOT_PROVEN);
	UNIT_CHECK(c.hashes_done <= 20);
	set_free(&t);
}

/** Result names. */
static void
test_result_str(void)
{
	UNIT_CHECK_STR(val_nsec_result_str(VAL_NSEC_PROVEN), "proven");
	UNIT_CHECK(val_nsec_result_str(VAL_NSEC_BUDGET) != NULL);
	UNIT_CHECK_STR(val_nsec_result_str((enum val_nsec_result)99),
	    "unknown");
}

int
main(void)
{
	unit_init("valnsec");
	if (dname_from_str("example.", NULL, ex_zone, NULL) != 0) {
		return 1;
	}
	UNIT_RUN(test_hash_rfc5155);
	UNIT_RUN(test_hash_args);
	UNIT_RUN(test_bitmap);
	UNIT_RUN(test_covers);
	UNIT_RUN(test_4035_b2_nxdomain);
	UNIT_RUN(test_4035_b3_nodata);
	UNIT_RUN(test_4035_b5_no_ds);
	UNIT_RUN(test_4035_b6_wildcard);
	UNIT_RUN(test_4035_b7_wildcard_nodata);
	UNIT_RUN(test_4035_b8_ds_child);
	UNIT_RUN(test_nsec_ent);
	UNIT_RUN(test_nsec_malformed);
	UNIT_RUN(test_5155_b1_nxdomain);
	UNIT_RUN(test_5155_b2_nodata);
	UNIT_RUN(test_5155_b3_optout);
	UNIT_RUN(test_5155_b4_wildcard);
	UNIT_RUN(test_5155_b5_wildcard_nodata);
	UNIT_RUN(test_5155_b6_ds_child);
	UNIT_RUN(test_nsec3_params);
	UNIT_RUN(test_nsec3_budget);
	UNIT_RUN(test_nsec3_wrap);
	UNIT_RUN(test_nsec3_malformed);
	UNIT_RUN(test_longest_name);
	UNIT_RUN(test_result_str);
	return unit_done();
}
