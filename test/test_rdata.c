/*
 * test/test_rdata.c - unit tests for util/rrtype.c and util/rdata.c.
 *
 * Every type in the table is read from text, written back and read again
 * (text -> wire -> text -> wire), with published examples where an RFC
 * has them: the RFC 4034 section 5.4 DS and its DNSKEY (key tag 60485),
 * the RFC 5155 appendix B NSEC3, the RFC 9460 appendix D SVCB vectors.
 * Then each kind of bad input is refused with its code.
 */
#include "config.h"
#include "test/unit.h"
#include "util/rdata.h"
#include "util/rrtype.h"
#include "util/dname.h"
#include "util/error.h"
#include <stdlib.h>
#include <string.h>

/** UNIT_CHECK_INT as an expression: 1 if equal, else 0 (and reported). */
static int
check_int(long long a, long long b, const char *expr, int line)
{
	if (!unit_check(a == b, expr, __FILE__, line)) {
		printf("#   %lld != %lld\n", a, b);
		return 0;
	}
	return 1;
}

#define CHECK_INT(a, b) check_int((long long)(a), (long long)(b), \
	#a " == " #b, __LINE__)

/** Hex (blanks allowed) to octets; returns the length. */
static size_t
unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	int half = -1;

	for (; *s; s++) {
		int v;

		if (*s == ' ') {
			continue;
		}
		v = (*s >= '0' && *s <= '9') ? *s - '0' :
		    (*s >= 'a' && *s <= 'f') ? *s - 'a' + 10 : *s - 'A' + 10;
		if (half < 0) {
			half = v;
		} else {
			out[n++] = (uint8_t)(half << 4 | v);
			half = -1;
		}
	}
	return n;
}

/** RFC 4034 section 5.4: the DNSKEY of dskey.example.com. */
#define RFC4034_KEY "256 3 5 AQOeiiR0GOMYkDshWoSKz9Xz " \
	"fwJr1AYtsmx3TGkJaNXVbfi/ " \
	"2pHm822aJ5iI9BMzNXxeYCmZ DRD99WYwYqUSdjMmmAphXdvx " \
	"egXd/M5+X7OrzKBaMbCVdFLU Uh6DhweJBjEVv5f2wwjM9Xzc " \
	"nOf+EPbtG9DMBmADjFDc2w/r ljwvFw=="
#define RFC4034_KEY_OUT "256 3 5 AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJa" \
	"NXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7Or" \
	"zKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw=="

/** A round-trip case: input text and the expected output (NULL: same). */
struct rt_case {
	/** type */
	uint16_t type;
	/** presentation input */
	const char *in;
	/** expected presentation output, NULL when equal to in */
	const char *out;
};

static const struct rt_case rt_cases[] = {
	{ RR_TYPE_A, "192.0.2.1", NULL },
	{ RR_TYPE_NS, "ns1.example.com.", NULL },
	{ RR_TYPE_MD, "md.example.", NULL },
	{ RR_TYPE_MF, "mf.example.", NULL },
	{ RR_TYPE_CNAME, "Target.Example.", NULL },
	{ RR_TYPE_SOA, "ns.example. hostmaster.example. 2024010101 7200 "
	    "3600 1209600 300", NULL },
	{ RR_TYPE_SOA, "ns.example. hm.example. 1 1h 15m 1w2d 1D",
	    "ns.example. hm.example. 1 3600 900 777600 86400" },
	{ RR_TYPE_MB, "mb.example.", NULL },
	{ RR_TYPE_MG, "mg.example.", NULL },
	{ RR_TYPE_MR, "mr.example.", NULL },
	{ RR_TYPE_NULL, "\\# 3 010203", NULL },
	{ RR_TYPE_PTR, "host.example.", NULL },
	{ RR_TYPE_HINFO, "\"PC\" \"Linux 6\"", NULL },
	{ RR_TYPE_MINFO, "a.example. b.example.", NULL },
	{ RR_TYPE_MX, "10 mail.example.", NULL },
	{ RR_TYPE_TXT, "\"hello world\" \"a\\\"b\\\\c\\255\\009\" \"\"",
	    NULL },
	{ RR_TYPE_TXT, "plain \"x\"", "\"plain\" \"x\"" },
	{ RR_TYPE_RP, "mbox.example. txt.example.", NULL },
	{ RR_TYPE_AFSDB, "1 afs.example.", NULL },
	{ RR_TYPE_RT, "10 relay.example.", NULL },
	{ RR_TYPE_SIG, "A 5 2 3600 20300101000000 20200101000000 12345 "
	    "example. AQIDBA==", NULL },
	{ RR_TYPE_KEY, "256 3 5 AQID", NULL },
	{ RR_TYPE_PX, "10 map822.example. mapx400.example.", NULL },
	{ RR_TYPE_AAAA, "2001:db8::1", NULL },
	{ RR_TYPE_LOC, "\\# 16 00121616898B1F9A80B1E9A0000186A0", NULL },
	{ RR_TYPE_SRV, "0 5 5060 sip.example.", NULL },
	{ RR_TYPE_NAPTR, "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.",
	    NULL },
	{ RR_TYPE_KX, "10 kx.example.", NULL },
	{ RR_TYPE_CERT, "1 0 0 AQIDBA==", NULL },
	{ RR_TYPE_CERT, "PGP 0 rsasha256 AQIDBA==", "3 0 8 AQIDBA==" },
	{ RR_TYPE_DNAME, "target.example.", NULL },
	/* RFC 4034 section 5.4. */
	{ RR_TYPE_DS, "60485 5 1 ( 2BB183AF5F22588179A53B0A\n"
	    "98631FAD1A292118 )",
	    "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118" },
	{ RR_TYPE_SSHFP, "1 1 0123456789abcdef0123456789abcdef01234567",
	    "1 1 0123456789ABCDEF0123456789ABCDEF01234567" },
	{ RR_TYPE_RRSIG, "A 8 2 3600 20300101000000 20200101000000 12345 "
	    "example. AQIDBA==", NULL },
	{ RR_TYPE_RRSIG, "TYPE1234 8 2 3600 1893456000 1577836800 1 . AQ==",
	    "TYPE1234 8 2 3600 20300101000000 20200101000000 1 . AQ==" },
	{ RR_TYPE_NSEC, "host.example. A MX RRSIG NSEC TYPE1234", NULL },
	{ RR_TYPE_NSEC, "host.example. nsec a", "host.example. A NSEC" },
	{ RR_TYPE_DNSKEY, RFC4034_KEY, RFC4034_KEY_OUT },
	{ RR_TYPE_DHCID, "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=",
	    NULL },
	/* RFC 5155 appendix B. */
	{ RR_TYPE_NSEC3, "1 1 12 aabbccdd ( 2t7b4g4vsa5smi47k61mv5bv1a22bojr "
	    "MX DNSKEY NS SOA NSEC3PARAM RRSIG )", "1 1 12 AABBCCDD "
	    "2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA MX RRSIG DNSKEY "
	    "NSEC3PARAM" },
	{ RR_TYPE_NSEC3, "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR",
	    "1 0 0 - 2t7b4g4vsa5smi47k61mv5bv1a22bojr" },
	{ RR_TYPE_NSEC3PARAM, "1 0 12 AABBCCDD", NULL },
	{ RR_TYPE_NSEC3PARAM, "1 0 0 -", NULL },
	{ RR_TYPE_TLSA, "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB"
	    "23E5B514B56664C5D3D6", NULL },
	{ RR_TYPE_SMIMEA, "3 0 1 0C72AC70B745AC19998811B131D662C9", NULL },
	{ RR_TYPE_CDS, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
	    NULL },
	{ RR_TYPE_CDNSKEY, "257 3 15 AQIDBAUG", NULL },
	{ RR_TYPE_DNSKEY, "257 3 ED25519 AQIDBAUG", "257 3 15 AQIDBAUG" },
	{ RR_TYPE_DS, "1 ECDSAP256SHA256 2 ABCD", "1 13 2 ABCD" },
	{ RR_TYPE_OPENPGPKEY, "AQIDBAUGBwg=", NULL },
	{ RR_TYPE_CSYNC, "66 3 A NS AAAA", NULL },
	{ RR_TYPE_ZONEMD, "2018031900 1 1 FEBE3D4CE2EC2FFA4BA99D46CD69D6D29"
	    "711E55217057BEE7EB1A7B641A47BA7FED2DD5B97AE499FAFA4F22C6BD647DE",
	    NULL },
	{ RR_TYPE_SVCB, "1 foo.example.com. alpn=\"h2,h3\" port=8443 "
	    "ipv4hint=192.0.2.1,192.0.2.2", NULL },
	{ RR_TYPE_HTTPS, "1 . alpn=\"h2\" no-default-alpn ech=AEj+CgBE "
	    "ipv6hint=2001:db8::1 key65000 key7=\"x y\"",
	    "1 . alpn=\"h2\" no-default-alpn ech=AEj+CgBE ipv6hint=2001:db8::1 "
	    "key7=\"x y\" key65000" },
	{ RR_TYPE_SPF, "\"v=spf1 -all\"", NULL },
	{ RR_TYPE_URI, "10 1 \"ftp://ftp1.example.com/public\"", NULL },
	{ RR_TYPE_CAA, "0 issue \"ca.example.net; account=230123\"", NULL },
	{ RR_TYPE_CAA, "128 tbs Unknown", "128 tbs \"Unknown\"" },
	{ RR_TYPE_DLV, "60485 5 2 0123456789ABCDEF", NULL },
	{ 65534, "\\# 3 ABCDEF", NULL },
	{ 65534, "\\# 0", NULL },
};

#define NRT (sizeof(rt_cases) / sizeof(rt_cases[0]))

/** text -> wire -> text and wire -> text -> wire for every case. */
static void
test_rdata_roundtrip(void)
{
	uint8_t w1[RDATA_MAXLEN], w2[RDATA_MAXLEN];
	char s1[4096], s2[4096];
	size_t i, l1, l2;

	for (i = 0; i < NRT; i++) {
		const struct rt_case *c = &rt_cases[i];
		const char *want = c->out ? c->out : c->in;
		int r;

		r = rdata_from_str(c->type, c->in, NULL, w1, sizeof(w1), &l1);
		if (!CHECK_INT(r, 0)) {
			printf("#   case %zu: %s\n", i, c->in);
			continue;
		}
		UNIT_CHECK_INT(rdata_check(c->type, w1, l1), 0);
		r = rdata_to_str(c->type, w1, l1, s1, sizeof(s1));
		UNIT_CHECK_INT(r, (int)strlen(s1));
		UNIT_CHECK_STR(s1, want);
		UNIT_CHECK_INT(rdata_from_str(c->type, s1, NULL, w2,
		    sizeof(w2), &l2), 0);
		UNIT_CHECK_INT(l1, l2);
		UNIT_CHECK(memcmp(w1, w2, l1) == 0);
		UNIT_CHECK(rdata_to_str(c->type, w2, l2, s2, sizeof(s2)) > 0);
		UNIT_CHECK_STR(s2, s1);
	}
}

/** Every non-meta type of the table has a round-trip case. */
static void
test_rdata_coverage(void)
{
	const struct rrtype_info *ti;
	size_t i, j;

	for (i = 0; (ti = rrtype_at(i)) != NULL; i++) {
		int found = 0;

		if (ti->flags & RRTYPE_F_META) {
			continue;
		}
		for (j = 0; j < NRT; j++) {
			found |= rt_cases[j].type == ti->type;
		}
		if (!UNIT_CHECK(found)) {
			printf("#   no case for %s\n", ti->name);
		}
	}
}

/** Any strict prefix of RDATA without a to-end field is refused, and no
 * prefix of any case crashes or over-reads (run under ASan). */
static void
test_rdata_truncated(void)
{
	uint8_t w[RDATA_MAXLEN], *cut;
	size_t i, l, k;

	for (i = 0; i < NRT; i++) {
		const struct rrtype_info *ti = rrtype_lookup(rt_cases[i].type);
		int toend = 0, f;

		if (rdata_from_str(rt_cases[i].type, rt_cases[i].in, NULL, w,
		    sizeof(w), &l) != 0) {
			continue;
		}
		for (f = 0; ti && ti->fields[f] != RDF_END; f++) {
			int kd = ti->fields[f];

			toend |= kd == RDF_STRS || kd == RDF_B64 ||
			    kd == RDF_HEX || kd == RDF_BITMAP ||
			    kd == RDF_SVCPARAMS || kd == RDF_LONGSTR;
		}
		if (!ti || ti->fields[0] == RDF_END) {
			toend = 1;
		}
		for (k = 0; k < l; k++) {
			int r;

			/* Exact-size heap copy so ASan sees over-reads. */
			cut = malloc(k ? k : 1);
			memcpy(cut, w, k);
			r = rdata_check(rt_cases[i].type, cut, k);
			if (!toend && !CHECK_INT(r, RES_EMALFORMED)) {
				printf("#   case %zu cut at %zu\n", i, k);
			}
			free(cut);
		}
	}
}

/** Deterministic pseudo-random numbers for the mutation test. */
static uint32_t
rnd(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

/**
 * Mutate the wire form of every case (flip, insert, delete octets) a
 * bounded number of times.  Whatever rdata_check() accepts must print,
 * and the text must read back to the very same octets; whatever it
 * refuses must not print.  Under ASan this also shows that no mutation
 * makes a check over-read.
 */
static void
test_rdata_mutations(void)
{
	uint8_t w[1024], *m, back[RDATA_MAXLEN];
	char *s = malloc(65536);
	uint32_t st = 42;
	size_t i, l, bl;
	int n, accepted = 0, fails = 0;

	for (i = 0; i < NRT; i++) {
		uint16_t type = rt_cases[i].type;

		if (rdata_from_str(type, rt_cases[i].in, NULL, w, 512, &l)
		    != 0) {
			continue;
		}
		for (n = 0; n < 3000; n++) {
			size_t ml = l, k, pos;
			int r;

			m = malloc(l + 8);
			memcpy(m, w, l);
			for (k = 0; k < 1 + rnd(&st) % 3; k++) {
				pos = ml ? rnd(&st) % ml : 0;
				switch (rnd(&st) % 4) {
				case 0:
				case 1:
					if (ml) {
						m[pos] ^= (uint8_t)(1 <<
						    (rnd(&st) % 8));
					}
					break;
				case 2:
					if (ml < l + 8) {
						memmove(m + pos + 1, m + pos,
						    ml - pos);
						m[pos] = (uint8_t)rnd(&st);
						ml++;
					}
					break;
				default:
					if (ml) {
						memmove(m + pos, m + pos + 1,
						    ml - pos - 1);
						ml--;
					}
					break;
				}
			}
			r = rdata_check(type, m, ml);
			if (r == 0) {
				accepted++;
				if (rdata_to_str(type, m, ml, s, 65536) < 0 ||
				    rdata_from_str(type, s, NULL, back,
				    sizeof(back), &bl) != 0 || bl != ml ||
				    memcmp(back, m, ml) != 0) {
					if (fails++ < 5) {
						printf("#   type %u: %s\n",
						    type, s);
					}
				}
			} else if (rdata_to_str(type, m, ml, s, 65536) !=
			    RES_EMALFORMED) {
				fails++;
			}
			free(m);
		}
	}
	UNIT_CHECK_INT(fails, 0);
	UNIT_CHECK(accepted > 1000);
	free(s);
}

/** Truncation and leftovers, one per field kind. */
static void
test_rdata_bad_wire(void)
{
	static const struct {
		uint16_t type;
		const char *hex;
	} bad[] = {
		{ RR_TYPE_NS, "03777777" },		/* name without root */
		{ RR_TYPE_NS, "00 00" },			/* leftover */
		{ RR_TYPE_A, "C00002" },			/* A short */
		{ RR_TYPE_A, "C000020101" },		/* A long */
		{ RR_TYPE_AAAA, "20010db8000000000000000000000001 00" },
		{ RR_TYPE_AAAA, "20010db80000000000000000000000" },
		{ RR_TYPE_MX, "00" },			/* u16 short */
		{ RR_TYPE_MX, "000a" },			/* name missing */
		{ RR_TYPE_SOA, "00 00 00000001 00000002 00000003 00000004 "
		    "000005" },				/* u32 short */
		{ RR_TYPE_DS, "0001 05" },		/* u8 missing */
		{ RR_TYPE_HINFO, "05 6162 00" },	/* string short */
		{ RR_TYPE_HINFO, "01 61" },		/* 2nd string missing */
		{ RR_TYPE_TXT, "" },			/* no string */
		{ RR_TYPE_TXT, "03 6162" },		/* string short */
		{ RR_TYPE_NSEC3PARAM, "01 00 0000 04 aabb" },	/* salt */
		{ RR_TYPE_NSEC3PARAM, "01 00 0000" },	/* salt length */
		{ RR_TYPE_NSEC3, "01 00 0000 00 00" },	/* empty hash */
		{ RR_TYPE_NSEC3, "01 00 0000 00 05 0102" },	/* short hash */
		{ RR_TYPE_NSEC, "00 00 01 40 00" },	/* bitmap leftover */
		{ RR_TYPE_NSEC, "00 00 02 40" },	/* bitmap short */
		{ RR_TYPE_NSEC, "00 00" },		/* window, no length */
		{ RR_TYPE_NSEC, "00 00 00" },		/* length 0 */
		{ RR_TYPE_NSEC, "00 00 01 00" },	/* empty window */
		{ RR_TYPE_NSEC, "00 00 02 40 00" },	/* trailing zero */
		{ RR_TYPE_NSEC, "00 01 01 40 00 01 40" },	/* order */
		{ RR_TYPE_NSEC, "00 01 01 40 01 01 40" },	/* repeat */
		{ RR_TYPE_NSEC, "00 00 21 "
		    "4000000000000000000000000000000000000000000000000000000000"
		    "00000001" },			/* 33 octets */
		{ RR_TYPE_RRSIG, "00" },			/* type short */
		{ RR_TYPE_RRSIG, "0001 08 02 00000e10 000000" }, /* time */
		{ RR_TYPE_RRSIG, "0001 08 02 00000e10 00000001 00000000 0001 "
		    "c00c" },				/* pointer */
		{ RR_TYPE_CAA, "00 05 6973" },		/* tag short */
		{ RR_TYPE_CAA, "00 00" },		/* empty tag */
		{ RR_TYPE_CAA, "00 02 692d 61" },	/* tag not alnum */
		{ RR_TYPE_SVCB, "0001 00 0003 00" },	/* param header */
		{ RR_TYPE_SVCB, "0001 00 0003 0002 00" }, /* value short */
		{ RR_TYPE_SVCB, "0001 00 0003 0001 00" }, /* port length */
		{ RR_TYPE_SVCB, "0001 00 0003 0002 0035 0001 0003 026832" },
		{ RR_TYPE_SVCB, "0001 00 0003 0002 0035 0003 0002 0035" },
		{ RR_TYPE_SVCB, "0001 00 ffff 0000" },	/* key65535 */
		{ RR_TYPE_SVCB, "0001 00 0000 0002 0003" },	/* mandatory */
		{ RR_TYPE_SVCB, "0001 00 0000 0002 0000" },
		{ RR_TYPE_SVCB, "0001 00 0001 0002 0061" },	/* alpn */
		{ RR_TYPE_SVCB, "0001 00 0001 0001 00" },
		{ RR_TYPE_SVCB, "0001 00 0002 0001 00" },	/* no-def */
		{ RR_TYPE_SVCB, "0001 00 0004 0003 c00002" },	/* v4 */
		{ RR_TYPE_SVCB, "0001 00 0006 0004 20010db8" },	/* v6 */
		{ RR_TYPE_SVCB, "0001 00 0005 0000" },	/* ech */
		{ RR_TYPE_SVCB, "0001" },		/* name missing */
		{ RR_TYPE_LOC, "00 00" },		/* LOC fields */
	};
	uint8_t w[512];
	size_t i, l;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char s[256];

		l = unhex(bad[i].hex, w);
		if (!CHECK_INT(rdata_check(bad[i].type, w, l),
		    RES_EMALFORMED)) {
			printf("#   bad case %zu\n", i);
		}
		UNIT_CHECK_INT(rdata_to_str(bad[i].type, w, l, s, sizeof(s)),
		    RES_EMALFORMED);
	}
	/* A name over 255 octets inside RDATA. */
	memset(w, 0, sizeof(w));
	for (i = 0; i < 5; i++) {
		w[i * 64] = 63;
		memset(w + i * 64 + 1, 'a', 63);
	}
	UNIT_CHECK_INT(rdata_check(RR_TYPE_NS, w, 321), RES_EMALFORMED);
	UNIT_CHECK_INT(rdata_check(RR_TYPE_A, NULL, 4), RES_EMALFORMED);
	UNIT_CHECK_INT(rdata_check(RR_TYPE_OPT, NULL, 0), 0);
	UNIT_CHECK_INT(rdata_check(65534, (const uint8_t *)"x", 1), 0);
}

/** Text errors: each refused with RES_ESYNTAX. */
static void
test_rdata_bad_text(void)
{
	static const struct {
		uint16_t type;
		const char *text;
	} bad[] = {
		{ RR_TYPE_A, "192.0.2.256" },
		{ RR_TYPE_A, "192.0.2" },
		{ RR_TYPE_A, "" },
		{ RR_TYPE_A, "192.0.2.1 192.0.2.2" },	/* leftover */
		{ RR_TYPE_A, "\"192.0.2.1\"" },
		{ RR_TYPE_AAAA, "2001:db8::g" },
		{ RR_TYPE_AAAA, "192.0.2.1" },
		{ RR_TYPE_MX, "65536 mx.example." },	/* u16 overflow */
		{ RR_TYPE_MX, "-1 mx.example." },
		{ RR_TYPE_MX, "10" },			/* missing name */
		{ RR_TYPE_MX, "10 a..b." },
		{ RR_TYPE_DS, "1 256 1 AB" },		/* u8 overflow */
		{ RR_TYPE_DS, "1 5 1 ABC" },		/* odd hex */
		{ RR_TYPE_DS, "1 5 1 XY" },		/* bad hex */
		{ RR_TYPE_DS, "1 5 1" },			/* no digest */
		{ RR_TYPE_DS, "1 RSASHA3 1 AB" },	/* no such algorithm */
		{ RR_TYPE_CERT, "PKIXX 0 0 AQ==" },
		{ RR_TYPE_SOA, "a. b. 4294967296 1 2 3 4" },	/* u32 */
		{ RR_TYPE_SOA, "a. b. 1 2 3 4" },
		{ RR_TYPE_SOA, "a. b. 1h 2 3 4 5" },	/* serial: digits */
		{ RR_TYPE_SOA, "a. b. 1 2 3 4 5x" },
		{ RR_TYPE_DNSKEY, "256 3 8 AQ=D" },	/* bad base64 */
		{ RR_TYPE_DNSKEY, "256 3 8 AQI" },	/* incomplete */
		{ RR_TYPE_DNSKEY, "256 3 8 A===" },
		{ RR_TYPE_DNSKEY, "256 3 8 !!!!" },
		{ RR_TYPE_DNSKEY, "256 3 8 AQ== AQ==" },
		{ RR_TYPE_DNSKEY, "256 3 8" },
		{ RR_TYPE_TXT, "\"unterminated" },
		{ RR_TYPE_TXT, "\"bad \\25 escape\"" },
		{ RR_TYPE_TXT, "\"bad \\256\"" },
		{ RR_TYPE_TXT, "" },
		{ RR_TYPE_HINFO, "\"one\"" },
		{ RR_TYPE_RRSIG, "A 8 2 3600 20301301000000 20200101000000 1 . "
		    "AQ==" },				/* month 13 */
		{ RR_TYPE_RRSIG, "A 8 2 3600 20230229000000 20200101000000 1 . "
		    "AQ==" },				/* not a leap year */
		{ RR_TYPE_RRSIG, "A 8 2 3600 21060207062816 20200101000000 1 . "
		    "AQ==" },				/* past 2^32 */
		{ RR_TYPE_RRSIG, "A 8 2 3600 19691231235959 20200101000000 1 . "
		    "AQ==" },
		{ RR_TYPE_RRSIG, "BOGUS 8 2 3600 1 2 1 . AQ==" },
		{ RR_TYPE_NSEC, "host.example. A BOGUS" },
		{ RR_TYPE_NSEC3, "1 1 12 aabbccdd "
		    "2t7b4g4vsa5smi47k61mv5bv1a22boj"
		    "w A" },				/* bad base32hex */
		{ RR_TYPE_NSEC3, "1 1 12 aabbccdd 2t A" },	/* bad length */
		{ RR_TYPE_NSEC3, "1 1 12 aabbccd 2t7b4g4v A" },	/* odd salt */
		{ RR_TYPE_NSEC3PARAM, "1 0 0 \"-\"" },
		{ RR_TYPE_CAA, "0 is-sue \"x\"" },
		{ RR_TYPE_CAA, "0 issue \"x\" \"y\"" },
		{ RR_TYPE_OPT, "0001" },		/* meta: generic only */
		{ RR_TYPE_LOC, "52 22 23.000 N 4 53 32.000 E -2.00m" },
		{ 65534, "abc" },			/* unknown: generic */
		{ 65534, "\\# 2 AB" },			/* length mismatch */
		{ 65534, "\\# 1 ABCD" },
		{ 65534, "\\# x" },
		{ 65534, "\\# 70000" },
		{ RR_TYPE_A, "\\# 5 C000020101" },	/* generic, bad A */
		{ RR_TYPE_A, "( 192.0.2.1" },		/* unbalanced */
		{ RR_TYPE_A, "192.0.2.1 )" },
	};
	uint8_t w[RDATA_MAXLEN];
	size_t i, l;
	char s[400];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!CHECK_INT(rdata_from_str(bad[i].type, bad[i].text,
		    NULL, w, sizeof(w), &l), RES_ESYNTAX)) {
			printf("#   bad text %zu: %s\n", i, bad[i].text);
		}
	}
	/* TXT strings over 255 octets are refused, not split. */
	s[0] = '"';
	memset(s + 1, 'x', 256);
	s[257] = '"';
	s[258] = 0;
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_TXT, s, NULL, w, sizeof(w), &l),
	    RES_ESYNTAX);
	s[256] = '"';
	s[257] = 0;
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_TXT, s, NULL, w, sizeof(w), &l),
	    0);
	UNIT_CHECK_INT(l, 256);
	/* A name over 255 octets. */
	for (i = 0; i < 130; i++) {
		s[2 * i] = 'a';
		s[2 * i + 1] = '.';
	}
	s[260] = 0;
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_NS, s, NULL, w, sizeof(w), &l),
	    RES_ESYNTAX);
}

/** The RFC 3597 generic form for known and unknown types. */
static void
test_rdata_generic(void)
{
	uint8_t w[64];
	char s[128];
	size_t l;

	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_A, "\\# 4 C0000201", NULL, w,
	    sizeof(w), &l), 0);
	UNIT_CHECK_INT(l, 4);
	UNIT_CHECK(rdata_to_str(RR_TYPE_A, w, l, s, sizeof(s)) > 0);
	UNIT_CHECK_STR(s, "192.0.2.1");
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_MX, "\\# 4 ( 000a\n 00 00 )",
	    NULL, w, sizeof(w), &l), RES_ESYNTAX);
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_MX, "\\# 3 ( 000a ; pref\n"
	    " 00 )", NULL, w, sizeof(w), &l), 0);
	UNIT_CHECK(rdata_to_str(RR_TYPE_MX, w, l, s, sizeof(s)) > 0);
	UNIT_CHECK_STR(s, "10 .");
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_OPT, "\\# 0", NULL, w,
	    sizeof(w), &l), 0);
	UNIT_CHECK_INT(l, 0);
	UNIT_CHECK_INT(rdata_to_str(RR_TYPE_OPT, w, 0, s, sizeof(s)), 4);
	UNIT_CHECK_STR(s, "\\# 0");
	/* An empty key has no base64 form: the generic form is used. */
	memcpy(w, "\x01\x00\x03\x08", 4);
	UNIT_CHECK(rdata_to_str(RR_TYPE_DNSKEY, w, 4, s, sizeof(s)) > 0);
	UNIT_CHECK_STR(s, "\\# 4 01000308");
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_DNSKEY, s, NULL, w, sizeof(w),
	    &l), 0);
	UNIT_CHECK_INT(l, 4);
	UNIT_CHECK(rrtype_from_str("TYPE65534", &(uint16_t){ 0 }) == 0);
}

/** RFC 9460 appendix D vectors and failure cases. */
static void
test_rdata_svcb(void)
{
	static const struct {
		const char *text;
		const char *hex;
		const char *out;
	} vec[] = {
		{ "0 foo.example.com.",
		    "0000 03666f6f076578616d706c6503636f6d00",
		    NULL },
		{ "1 .", "0001 00", NULL },
		{ "16 foo.example.com. port=53", "0010 03666f6f076578616d706c"
		    "6503636f6d00 0003 0002 0035", NULL },
		{ "1 foo.example.com. key667=hello", "0001 03666f6f076578616d"
		    "706c6503636f6d00 029b 0005 68656c6c6f",
		    "1 foo.example.com. key667=\"hello\"" },
		{ "1 foo.example.com. key667=\"hello\\210qoo\"", "0001 03666f6f"
		    "076578616d706c6503636f6d00 029b 0009 68656c6c6fd2716f6f",
		    NULL },
		{ "1 foo.example.com. ipv6hint=\"2001:db8::1,2001:db8::53:1\"",
		    "0001 03666f6f076578616d706c6503636f6d00 0006 0020 "
		    "20010db8000000000000000000000001 "
		    "20010db8000000000000000000530001",
		    "1 foo.example.com. ipv6hint=2001:db8::1,2001:db8::53:1" },
		{ "1 example.com. ipv6hint=\"2001:db8:ffff:ffff:ffff:ffff:"
		    "198.51.100.100\"", "0001 076578616d706c6503636f6d00 0006 "
		    "0010 20010db8ffffffffffffffffc6336464",
		    "1 example.com. ipv6hint=2001:db8:ffff:ffff:ffff:ffff:"
		    "c633:6464" },
		{ "16 foo.example.org. (alpn=h2,h3-19 mandatory=ipv4hint,alpn "
		    "ipv4hint=192.0.2.1)", "0010 03666f6f076578616d706c65036f72"
		    "6700 0000 0004 0001 0004 0001 0009 02 6832 05 68332d3139 "
		    "0004 0004 c0000201", "16 foo.example.org. "
		    "mandatory=alpn,ipv4hint alpn=\"h2,h3-19\" "
		    "ipv4hint=192.0.2.1" },
		{ "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"",
		    "0010 03666f6f076578616d706c65036f726700 0001 000c "
		    "08 665c6f6f2c626172 02 6832", NULL },
		{ "16 foo.example.org. alpn=f\\\\\\092oo\\092,bar,h2",
		    "0010 03666f6f076578616d706c65036f726700 0001 000c "
		    "08 665c6f6f2c626172 02 6832",
		    "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"" },
	};
	static const char *fail[] = {
		"1 foo.example.com. key123=abc key123=def",
		"1 foo.example.com. mandatory",
		"1 foo.example.com. alpn",
		"1 foo.example.com. port",
		"1 foo.example.com. ipv4hint",
		"1 foo.example.com. ipv6hint",
		"1 foo.example.com. no-default-alpn=abc",
		"1 foo.example.com. mandatory=key123",
		"1 foo.example.com. mandatory=mandatory",
		"1 foo.example.com. mandatory=key123,key123 key123=abc",
		"1 foo.example.com. alpn=\"h2,\"",
		"1 foo.example.com. alpn=\"h2\\\\\"",
		"1 foo.example.com. port=65536",
		"1 foo.example.com. ipv4hint=192.0.2.1,,192.0.2.2",
		"1 foo.example.com. key65535=x",
		"1 foo.example.com. key0667=x",
		"1 foo.example.com. unknown=x",
		"1 foo.example.com. ech=AQ=D",
		"1 foo.example.com. \"port=53\"",
	};
	uint8_t w[512], want[512];
	char s[512];
	size_t i, l, wl;
	int t;

	for (t = 0; t < 2; t++) {
		uint16_t type = t ? RR_TYPE_HTTPS : RR_TYPE_SVCB;

		for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
			wl = unhex(vec[i].hex, want);
			if (!CHECK_INT(rdata_from_str(type, vec[i].text,
			    NULL, w, sizeof(w), &l), 0)) {
				printf("#   vector %zu\n", i);
				continue;
			}
			UNIT_CHECK_INT(l, wl);
			UNIT_CHECK(memcmp(w, want, wl) == 0);
			UNIT_CHECK(rdata_to_str(type, w, l, s, sizeof(s)) > 0);
			UNIT_CHECK_STR(s, vec[i].out ? vec[i].out :
			    vec[i].text);
		}
		for (i = 0; i < sizeof(fail) / sizeof(fail[0]); i++) {
			if (!CHECK_INT(rdata_from_str(type, fail[i], NULL,
			    w, sizeof(w), &l), RES_ESYNTAX)) {
				printf("#   failure case %zu: %s\n", i,
				    fail[i]);
			}
		}
	}
}

/** RRSIG times: dates, integers, the ends of the 32-bit range. */
static void
test_rdata_time(void)
{
	uint8_t w[64];
	char s[256];
	size_t l;

	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_RRSIG, "A 8 1 0 21060207062815 "
	    "0 0 . AA==", NULL, w, sizeof(w), &l), 0);
	UNIT_CHECK(memcmp(w + 8, "\xff\xff\xff\xff\0\0\0\0", 8) == 0);
	UNIT_CHECK(rdata_to_str(RR_TYPE_RRSIG, w, l, s, sizeof(s)) > 0);
	UNIT_CHECK_STR(s, "A 8 1 0 21060207062815 19700101000000 0 . AA==");
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_RRSIG, "A 8 1 0 20240229120000 "
	    "4294967295 0 . AA==", NULL, w, sizeof(w), &l), 0);
	/* 2024-02-29 12:00:00 UTC is 1709208000. */
	UNIT_CHECK(memcmp(w + 8, "\x65\xe0\x71\xc0", 4) == 0);
	UNIT_CHECK(memcmp(w + 12, "\xff\xff\xff\xff", 4) == 0);
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_RRSIG, "A 8 1 0 4294967296 "
	    "0 0 . AA==", NULL, w, sizeof(w), &l), RES_ESYNTAX);
}

/** Decompression from a packet where allowed, refusal where not. */
static void
test_rdata_unpack(void)
{
	/* 12-octet header, then "example.com." at 12 (13 octets). */
	uint8_t pkt[128], out[RDATA_MAXLEN], ex[64];
	size_t hdr = 12, base = 25, l, exl;
	char s[256];

	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt + hdr, "\7example\3com\0", 13);
	exl = 13;
	memcpy(ex, pkt + hdr, exl);
	/* MX 10 mail.<ptr 12>: decompressed. */
	memcpy(pkt + base, "\0\x0a\4mail\xc0\x0c", 9);
	UNIT_CHECK_INT(rdata_unpack(RR_TYPE_MX, pkt, base + 9, base, 9, out,
	    sizeof(out), &l), 0);
	UNIT_CHECK_INT(l, 2 + 5 + exl);
	UNIT_CHECK(memcmp(out + 7, ex, exl) == 0);
	UNIT_CHECK(rdata_to_str(RR_TYPE_MX, out, l, s, sizeof(s)) > 0);
	UNIT_CHECK_STR(s, "10 mail.example.com.");
	/* Output too small. */
	UNIT_CHECK_INT(rdata_unpack(RR_TYPE_MX, pkt, base + 9, base, 9, out,
	    10, &l), RES_ESPACE);
	/* RDATA past the packet end. */
	UNIT_CHECK_INT(rdata_unpack(RR_TYPE_MX, pkt, base + 8, base, 9, out,
	    sizeof(out), &l), RES_EMALFORMED);
	UNIT_CHECK_INT(rdata_unpack(RR_TYPE_MX, pkt, 10, 20, 0, out,
	    sizeof(out), &l), RES_EMALFORMED);
	/* Leftover octet after the name. */
	memcpy(pkt + base, "\0\x0a\xc0\x0c\x01", 5);
	UNIT_CHECK_INT(rdata_unpack(RR_TYPE_MX, pkt, base + 5, base, 5, out,
	    sizeof(out), &l), RES_EMALFORMED);
	/* SRV: decompressed on receipt (RFC 3597 section 4). */
	memcpy(pkt + base, "\0\0\0\0\x13\xc4\xc0\x0c", 8);
	UNIT_CHECK_INT(rdata_unpack(RR_TYPE_SRV, pkt, base + 8, base, 8, out,
	    sizeof(out), &l), 0);
	UNIT_CHECK_INT(l, 6 + exl);
	/* NSEC and DNAME: a pointer is malformed. */
	memcpy(pkt + base, "\xc0\x0c\0\x01\x40", 5);
	UNIT_CHECK_INT(rdata_unpack(RR_TYPE_NSEC, pkt, base + 5, base, 5, out,
	    sizeof(out), &l), RES_EMALFORMED);
	UNIT_CHECK_INT(rdata_unpack(RR_TYPE_DNAME, pkt, base + 2, base, 2, out,
	    sizeof(out), &l), RES_EMALFORMED);
	UNIT_CHECK_INT(rdata_unpack(RR_TYPE_SVCB, pkt, base + 4, base - 2, 4,
	    out, sizeof(out), &l), RES_EMALFORMED);
	/* Loops: a pointer to itself, a forward pointer. */
	memcpy(pkt + base, "\0\x0a\xc0\x1b", 4);
	UNIT_CHECK_INT(rdata_unpack(RR_TYPE_MX, pkt, base + 4, base, 4, out,
	    sizeof(out), &l), RES_EMALFORMED);
	memcpy(pkt + base, "\0\x0a\xc0\x1d\0", 5);
	UNIT_CHECK_INT(rdata_unpack(RR_TYPE_MX, pkt, base + 5, base, 5, out,
	    sizeof(out), &l), RES_EMALFORMED);
	/* Unknown types are opaque; case is kept. */
	memcpy(pkt + base, "\xc0\x0c", 2);
	UNIT_CHECK_INT(rdata_unpack(65534, pkt, base + 2, base, 2, out,
	    sizeof(out), &l), 0);
	UNIT_CHECK_INT(l, 2);
	memcpy(pkt + base, "\0\x0a\1M\xc0\x0c", 6);
	UNIT_CHECK_INT(rdata_unpack(RR_TYPE_MX, pkt, base + 6, base, 6, out,
	    sizeof(out), &l), 0);
	UNIT_CHECK(out[3] == 'M');
	UNIT_CHECK_INT(rdata_unpack(RR_TYPE_MX, NULL, 0, 0, 0, out,
	    sizeof(out), &l), RES_EINVAL);
	UNIT_CHECK_INT(rdata_unpack(RR_TYPE_MX, pkt, 40, 0, 0, NULL, 0, &l),
	    RES_EINVAL);
}

/** Offsets of names for compression and canonical form. */
static void
test_rdata_name_offsets(void)
{
	uint8_t w[512];
	size_t offs[4], l;
	int comp;

	rdata_from_str(RR_TYPE_SOA, "a.example. b.example. 1 2 3 4 5", NULL,
	    w, sizeof(w), &l);
	UNIT_CHECK_INT(rdata_name_offsets(RR_TYPE_SOA, w, l, offs, 4, &comp),
	    2);
	UNIT_CHECK_INT(offs[0], 0);
	UNIT_CHECK_INT(offs[1], 11);
	UNIT_CHECK_INT(comp, 1);
	UNIT_CHECK_INT(rdata_name_offsets(RR_TYPE_SOA, w, l, offs, 1, &comp),
	    RES_ESPACE);
	UNIT_CHECK_INT(rdata_name_offsets(RR_TYPE_SOA, w, l - 1, offs, 4,
	    &comp), RES_EMALFORMED);
	rdata_from_str(RR_TYPE_SRV, "1 2 3 sip.example.", NULL, w, sizeof(w),
	    &l);
	UNIT_CHECK_INT(rdata_name_offsets(RR_TYPE_SRV, w, l, offs, 4, &comp),
	    1);
	UNIT_CHECK_INT(offs[0], 6);
	UNIT_CHECK_INT(comp, 0);
	rdata_from_str(RR_TYPE_RRSIG, "A 8 2 3600 1 2 3 Example. AQ==", NULL,
	    w, sizeof(w), &l);
	UNIT_CHECK_INT(rdata_name_offsets(RR_TYPE_RRSIG, w, l, offs, 4, NULL),
	    1);
	UNIT_CHECK_INT(offs[0], 18);
	rdata_from_str(RR_TYPE_A, "192.0.2.1", NULL, w, sizeof(w), &l);
	UNIT_CHECK_INT(rdata_name_offsets(RR_TYPE_A, w, l, NULL, 0, &comp), 0);
	UNIT_CHECK_INT(rdata_name_offsets(65534, w, l, NULL, 0, &comp), 0);
	UNIT_CHECK_INT(comp, 0);
}

/** Whole RRs: ttl and class in either order, defaults, comments, parens. */
static void
test_rr_from_str(void)
{
	struct rr_text *rr = malloc(sizeof(*rr));
	uint8_t origin[DNAME_MAXLEN];
	char s[1024];

	dname_from_str("example.com.", NULL, origin, NULL);
	UNIT_CHECK_INT(rr_from_str("www.example.com. 3600 IN A 192.0.2.1",
	    NULL, 60, rr), 0);
	UNIT_CHECK_INT(rr->ttl, 3600);
	UNIT_CHECK_INT(rr->rrclass, RR_CLASS_IN);
	UNIT_CHECK_INT(rr->type, RR_TYPE_A);
	UNIT_CHECK_INT(rr->rdlen, 4);
	UNIT_CHECK(rr_to_str(rr->owner, rr->type, rr->rrclass, rr->ttl,
	    rr->rdata, rr->rdlen, s, sizeof(s)) > 0);
	UNIT_CHECK_STR(s, "www.example.com.\t3600\tIN\tA\t192.0.2.1");
	UNIT_CHECK_INT(rr_from_str("www IN 300 MX 10 mail", origin, 60, rr),
	    0);
	UNIT_CHECK_INT(rr->ttl, 300);
	rr_to_str(rr->owner, rr->type, rr->rrclass, rr->ttl, rr->rdata,
	    rr->rdlen, s, sizeof(s));
	UNIT_CHECK_STR(s,
	    "www.example.com.\t300\tIN\tMX\t10 mail.example.com.");
	UNIT_CHECK_INT(rr_from_str("@ TXT \"x\" ; comment", origin, 60, rr),
	    0);
	UNIT_CHECK_INT(rr->ttl, 60);
	UNIT_CHECK_INT(rr->rrclass, RR_CLASS_IN);
	UNIT_CHECK_INT(rr->owner_len, 13);
	UNIT_CHECK_INT(rr->rdlen, 2);
	UNIT_CHECK_INT(rr_from_str("x. CH 1h30m TXT \"a;b\"", NULL, 60, rr),
	    0);
	UNIT_CHECK_INT(rr->rrclass, RR_CLASS_CH);
	UNIT_CHECK_INT(rr->ttl, 5400);
	UNIT_CHECK_INT(rr->rdlen, 4);
	UNIT_CHECK_INT(rr_from_str("@ 1d IN SOA ns hostmaster ( 2024010101 ; "
	    "serial\n\t7200 ; refresh\n\t3600 1209600\n\t300 )", origin, 0,
	    rr), 0);
	UNIT_CHECK_INT(rr->ttl, 86400);
	UNIT_CHECK_INT(rr->type, RR_TYPE_SOA);
	rr_to_str(rr->owner, rr->type, rr->rrclass, rr->ttl, rr->rdata,
	    rr->rdlen, s, sizeof(s));
	UNIT_CHECK_STR(s, "example.com.\t86400\tIN\tSOA\tns.example.com. "
	    "hostmaster.example.com. 2024010101 7200 3600 1209600 300");
	UNIT_CHECK_INT(rr_from_str("x. ( 60 IN\n A 192.0.2.1 )", NULL, 0, rr),
	    0);
	UNIT_CHECK_INT(rr_from_str("x. ANY A 192.0.2.1", NULL, 0, rr), 0);
	UNIT_CHECK_INT(rr->rrclass, RR_CLASS_ANY);
	UNIT_CHECK_INT(rr_from_str("x. IN ANY \\# 0", NULL, 0, rr), 0);
	UNIT_CHECK_INT(rr->type, RR_TYPE_ANY);
	UNIT_CHECK_INT(rr_from_str("x. CLASS32 TYPE65534 \\# 1 00", NULL, 0,
	    rr), 0);
	UNIT_CHECK_INT(rr->rrclass, 32);
	rr_to_str(rr->owner, rr->type, rr->rrclass, rr->ttl, rr->rdata,
	    rr->rdlen, s, sizeof(s));
	UNIT_CHECK_STR(s, "x.\t0\tCLASS32\tTYPE65534\t\\# 1 00");
	/* Errors. */
	UNIT_CHECK_INT(rr_from_str(" A 192.0.2.1", NULL, 0, rr), RES_ESYNTAX);
	UNIT_CHECK_INT(rr_from_str("x. 60 60 A 192.0.2.1", NULL, 0, rr),
	    RES_ESYNTAX);
	UNIT_CHECK_INT(rr_from_str("x. IN CH A 192.0.2.1", NULL, 0, rr),
	    RES_ESYNTAX);
	UNIT_CHECK_INT(rr_from_str("x. 1h30 A 192.0.2.1", NULL, 0, rr),
	    RES_ESYNTAX);
	UNIT_CHECK_INT(rr_from_str("x. 4294967296 A 192.0.2.1", NULL, 0, rr),
	    RES_ESYNTAX);
	UNIT_CHECK_INT(rr_from_str("x. ( A 192.0.2.1", NULL, 0, rr),
	    RES_ESYNTAX);
	UNIT_CHECK_INT(rr_from_str("x. A", NULL, 0, rr), RES_ESYNTAX);
	UNIT_CHECK_INT(rr_from_str("x.", NULL, 0, rr), RES_ESYNTAX);
	UNIT_CHECK_INT(rr_from_str("", NULL, 0, rr), RES_ESYNTAX);
	UNIT_CHECK_INT(rr_from_str("x. BOGUS 1", NULL, 0, rr), RES_ESYNTAX);
	UNIT_CHECK_INT(rr_from_str(NULL, NULL, 0, rr), RES_EINVAL);
	UNIT_CHECK_INT(rr_from_str("x. A 192.0.2.1", NULL, 0, NULL),
	    RES_EINVAL);
	/* Small output buffers. */
	rr_from_str("x. 1 A 192.0.2.1", NULL, 0, rr);
	UNIT_CHECK_INT(rr_to_str(rr->owner, rr->type, rr->rrclass, rr->ttl,
	    rr->rdata, rr->rdlen, s, 10), RES_ESPACE);
	UNIT_CHECK_INT(rr_to_str(rr->owner, rr->type, rr->rrclass, rr->ttl,
	    rr->rdata, rr->rdlen, s, 14), RES_ESPACE);
	UNIT_CHECK_INT(rr_to_str(rr->owner, rr->type, rr->rrclass, rr->ttl,
	    rr->rdata, rr->rdlen, s, 19), RES_ESPACE);
	UNIT_CHECK_INT(rr_to_str(rr->owner, rr->type, rr->rrclass, rr->ttl,
	    rr->rdata, rr->rdlen, s, 20), 19);
	UNIT_CHECK_INT(rr_to_str(NULL, 1, 1, 0, NULL, 0, s, sizeof(s)),
	    RES_EINVAL);
	free(rr);
}

/** Key tags: RFC 4034 section 5.4 key (60485), algorithm 1. */
static void
test_rdata_keytag(void)
{
	uint8_t w[512];
	size_t l;

	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_DNSKEY, RFC4034_KEY, NULL, w,
	    sizeof(w), &l), 0);
	UNIT_CHECK_INT(rdata_dnskey_keytag(w, l), 60485);
	/* RFC 4034 appendix B.1: RSA/MD5 takes octets len-3 and len-2. */
	memcpy(w, "\x01\x00\x03\x01\x03\x01\x00\x01\xab\xcd\xef", 11);
	UNIT_CHECK_INT(rdata_dnskey_keytag(w, 11), 0xabcd);
	UNIT_CHECK_INT(rdata_dnskey_keytag(w, 3), 0);
	UNIT_CHECK_INT(rdata_dnskey_keytag(NULL, 10), 0);
}

/** The type and class tables and their text forms. */
static void
test_rrtype(void)
{
	const struct rrtype_info *ti, *prev = NULL;
	uint16_t t;
	char s[32];
	size_t i;

	for (i = 0; (ti = rrtype_at(i)) != NULL; i++) {
		if (prev) {
			UNIT_CHECK(prev->type < ti->type);
		}
		UNIT_CHECK(rrtype_lookup(ti->type) == ti);
		UNIT_CHECK(rrtype_to_str(ti->type, s, sizeof(s)) > 0);
		UNIT_CHECK_STR(s, ti->name);
		UNIT_CHECK_INT(rrtype_from_str(ti->name, &t), 0);
		UNIT_CHECK_INT(t, ti->type);
		prev = ti;
	}
	UNIT_CHECK(i > 50);
	UNIT_CHECK(rrtype_lookup(65534) == NULL);
	UNIT_CHECK(rrtype_lookup(0) == NULL);
	UNIT_CHECK(rrtype_lookup(RR_TYPE_MX)->flags & RRTYPE_F_COMPRESS);
	UNIT_CHECK(!(rrtype_lookup(RR_TYPE_SRV)->flags & RRTYPE_F_COMPRESS));
	UNIT_CHECK(rrtype_lookup(RR_TYPE_RRSIG)->flags & RRTYPE_F_DNSSEC);
	UNIT_CHECK(rrtype_lookup(RR_TYPE_OPT)->flags & RRTYPE_F_META);
	UNIT_CHECK(rrtype_lookup(RR_TYPE_AXFR)->flags & RRTYPE_F_META);
	UNIT_CHECK_INT(rrtype_from_str("aaaa", &t), 0);
	UNIT_CHECK_INT(t, RR_TYPE_AAAA);
	UNIT_CHECK_INT(rrtype_from_str("type65534", &t), 0);
	UNIT_CHECK_INT(t, 65534);
	UNIT_CHECK_INT(rrtype_from_str("TYPE1", &t), 0);
	UNIT_CHECK_INT(t, RR_TYPE_A);
	UNIT_CHECK_INT(rrtype_from_str("TYPE65536", &t), RES_ESYNTAX);
	UNIT_CHECK_INT(rrtype_from_str("TYPE", &t), RES_ESYNTAX);
	UNIT_CHECK_INT(rrtype_from_str("TYPE1x", &t), RES_ESYNTAX);
	UNIT_CHECK_INT(rrtype_from_str("TYPE000001", &t), RES_ESYNTAX);
	UNIT_CHECK_INT(rrtype_from_str("", &t), RES_ESYNTAX);
	UNIT_CHECK_INT(rrtype_from_str(NULL, &t), RES_EINVAL);
	UNIT_CHECK_INT(rrtype_from_str("A", NULL), RES_EINVAL);
	UNIT_CHECK_INT(rrtype_to_str(65534, s, sizeof(s)), 9);
	UNIT_CHECK_STR(s, "TYPE65534");
	UNIT_CHECK_INT(rrtype_to_str(65534, s, 9), RES_ESPACE);
	UNIT_CHECK_INT(rrtype_to_str(1, s, 0), RES_ESPACE);
	UNIT_CHECK_INT(rrtype_to_str(1, NULL, 10), RES_EINVAL);
	UNIT_CHECK_INT(rcode_to_str(3, s, sizeof(s)), 8);
	UNIT_CHECK_STR(s, "NXDOMAIN");
	(void)rcode_to_str(0, s, sizeof(s));
	UNIT_CHECK_STR(s, "NOERROR");
	(void)rcode_to_str(2, s, sizeof(s));
	UNIT_CHECK_STR(s, "SERVFAIL");
	(void)rcode_to_str(16, s, sizeof(s));
	UNIT_CHECK_STR(s, "BADVERS");
	(void)rcode_to_str(23, s, sizeof(s));
	UNIT_CHECK_STR(s, "BADCOOKIE");
	(void)rcode_to_str(4000, s, sizeof(s));
	UNIT_CHECK_STR(s, "RCODE4000");
	UNIT_CHECK_INT(rrclass_from_str("in", &t), 0);
	UNIT_CHECK_INT(t, RR_CLASS_IN);
	UNIT_CHECK_INT(rrclass_from_str("CH", &t), 0);
	UNIT_CHECK_INT(t, RR_CLASS_CH);
	UNIT_CHECK_INT(rrclass_from_str("HS", &t), 0);
	UNIT_CHECK_INT(t, RR_CLASS_HS);
	UNIT_CHECK_INT(rrclass_from_str("NONE", &t), 0);
	UNIT_CHECK_INT(t, RR_CLASS_NONE);
	UNIT_CHECK_INT(rrclass_from_str("ANY", &t), 0);
	UNIT_CHECK_INT(t, RR_CLASS_ANY);
	UNIT_CHECK_INT(rrclass_from_str("class1", &t), 0);
	UNIT_CHECK_INT(t, RR_CLASS_IN);
	UNIT_CHECK_INT(rrclass_from_str("CLASS65535", &t), 0);
	UNIT_CHECK_INT(t, 65535);
	UNIT_CHECK_INT(rrclass_from_str("CLASS65536", &t), RES_ESYNTAX);
	UNIT_CHECK_INT(rrclass_from_str("A", &t), RES_ESYNTAX);
	UNIT_CHECK_INT(rrclass_from_str(NULL, &t), RES_EINVAL);
	UNIT_CHECK_INT(rrclass_to_str(RR_CLASS_CH, s, sizeof(s)), 2);
	UNIT_CHECK_STR(s, "CH");
	UNIT_CHECK_INT(rrclass_to_str(42, s, sizeof(s)), 7);
	UNIT_CHECK_STR(s, "CLASS42");
	UNIT_CHECK_INT(rrclass_to_str(42, s, 3), RES_ESPACE);
}

/** NULL, empty and oversized input; small buffers. */
static void
test_rdata_limits(void)
{
	uint8_t w[RDATA_MAXLEN];
	char s[64], *big;
	size_t l, i;

	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_A, NULL, NULL, w, sizeof(w), &l),
	    RES_EINVAL);
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_A, "1.2.3.4", NULL, NULL, 0, &l),
	    RES_EINVAL);
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_A, "1.2.3.4", NULL, w, 3, &l),
	    RES_ESPACE);
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_NS, "a.example.", NULL, w, 5,
	    &l), RES_ESPACE);
	UNIT_CHECK_INT(rdata_to_str(RR_TYPE_A, NULL, 4, s, sizeof(s)),
	    RES_EINVAL);
	UNIT_CHECK_INT(rdata_to_str(RR_TYPE_A, w, 4, NULL, 10), RES_EINVAL);
	memcpy(w, "\xc0\0\2\1", 4);
	UNIT_CHECK_INT(rdata_to_str(RR_TYPE_A, w, 4, s, 9), RES_ESPACE);
	UNIT_CHECK_INT(rdata_to_str(RR_TYPE_A, w, 4, s, 10), 9);
	UNIT_CHECK_INT(rdata_to_str(65534, w, 4, s, 12), RES_ESPACE);
	UNIT_CHECK_INT(rdata_check(RR_TYPE_TXT, w, RDATA_MAXLEN + 1),
	    RES_EMALFORMED);
	UNIT_CHECK_INT(rdata_check(RR_TYPE_NS, NULL, 0), RES_EMALFORMED);
	UNIT_CHECK_INT(rdata_to_str(RR_TYPE_NS, NULL, 0, s, sizeof(s)),
	    RES_EMALFORMED);
	UNIT_CHECK_INT(rdata_to_str(65534, NULL, 0, s, sizeof(s)), 4);
	UNIT_CHECK_INT(rdata_name_offsets(RR_TYPE_NS, NULL, 0, NULL, 0, NULL),
	    RES_EMALFORMED);
	UNIT_CHECK_INT(rdata_to_str(RR_TYPE_A, w, 4, s, 0), RES_EINVAL);
	/* Oversized: 65535 octets of TXT in 257 strings is too long for
	 * RDATA; text of 300 strings of 255 octets is refused. */
	big = malloc(300 * 258 + 1);
	for (i = 0; i < 300; i++) {
		big[i * 258] = '"';
		memset(big + i * 258 + 1, 'y', 255);
		big[i * 258 + 256] = '"';
		big[i * 258 + 257] = ' ';
	}
	big[300 * 258] = 0;
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_TXT, big, NULL, w, sizeof(w),
	    &l), RES_ESPACE);
	/* The largest: 257 strings fit 65535 octets only as 256 + rest. */
	big[256 * 258] = 0;
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_TXT, big, NULL, w, sizeof(w),
	    &l), RES_ESPACE);
	big[255 * 258] = 0;
	UNIT_CHECK_INT(rdata_from_str(RR_TYPE_TXT, big, NULL, w, sizeof(w),
	    &l), 0);
	UNIT_CHECK_INT(l, 255 * 256);
	free(big);
}

int
main(void)
{
	unit_init("rdata");
	UNIT_RUN(test_rrtype);
	UNIT_RUN(test_rdata_roundtrip);
	UNIT_RUN(test_rdata_coverage);
	UNIT_RUN(test_rdata_truncated);
	UNIT_RUN(test_rdata_mutations);
	UNIT_RUN(test_rdata_bad_wire);
	UNIT_RUN(test_rdata_bad_text);
	UNIT_RUN(test_rdata_generic);
	UNIT_RUN(test_rdata_svcb);
	UNIT_RUN(test_rdata_time);
	UNIT_RUN(test_rdata_unpack);
	UNIT_RUN(test_rdata_name_offsets);
	UNIT_RUN(test_rr_from_str);
	UNIT_RUN(test_rdata_keytag);
	UNIT_RUN(test_rdata_limits);
	return unit_done();
}
