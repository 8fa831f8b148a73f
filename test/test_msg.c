/*
 * test/test_msg.c - unit tests for util/msg.c: parsing, encoding, name
 * compression, truncation, EDNS, and one case per kind of malformed input,
 * plus a bounded loop of random and bit-flipped packets (run it under
 * ASan/UBSan to show that nothing over-reads).
 *
 * Packets are built by hand with a tiny appender (struct pb) so that each
 * malformed case says exactly which octets are wrong.
 */
#include "config.h"
#include "test/unit.h"
#include "util/answer.h"
#include "util/msg.h"
#include "util/dname.h"
#include "util/error.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

/** A packet being built by a test. */
struct pb {
	/** The octets. */
	uint8_t b[70000];
	/** Length so far. */
	size_t n;
};

/** The view is large: one static instance shared by the cases. */
static struct dns_msg msg;

/** The server's side of the error replies made from random input. */
static const struct answer_opts fuzz_opts = { .edns_size = 1232, .ede = 1 };

static void
pb_u8(struct pb *p, uint8_t v)
{
	p->b[p->n++] = v;
}

static void
pb_u16(struct pb *p, uint16_t v)
{
	pb_u8(p, (uint8_t)(v >> 8));
	pb_u8(p, (uint8_t)v);
}

static void
pb_u32(struct pb *p, uint32_t v)
{
	pb_u16(p, (uint16_t)(v >> 16));
	pb_u16(p, (uint16_t)v);
}

static void
pb_mem(struct pb *p, const void *d, size_t len)
{
	if (len) {
		memcpy(p->b + p->n, d, len);
	}
	p->n += len;
}

/** Append a name given in presentation format, uncompressed. */
static void
pb_name(struct pb *p, const char *s)
{
	uint8_t d[DNAME_MAXLEN];
	size_t len;

	if (dname_from_str(s, NULL, d, &len) != 0) {
		abort();
	}
	pb_mem(p, d, len);
}

static void
pb_header(struct pb *p, uint16_t id, uint16_t flags, uint16_t qd,
    uint16_t an, uint16_t ns, uint16_t ar)
{
	p->n = 0;
	pb_u16(p, id);
	pb_u16(p, flags);
	pb_u16(p, qd);
	pb_u16(p, an);
	pb_u16(p, ns);
	pb_u16(p, ar);
}

/** Append the fixed part and RDATA of an RR (owner already appended). */
static void
pb_rrtail(struct pb *p, uint16_t type, uint16_t rclass, uint32_t ttl,
    const void *rd, uint16_t rdlen)
{
	pb_u16(p, type);
	pb_u16(p, rclass);
	pb_u32(p, ttl);
	pb_u16(p, rdlen);
	pb_mem(p, rd, rdlen);
}

/** Append an OPT record with the given option octets. */
static void
pb_opt(struct pb *p, uint16_t size, uint32_t ttl, const void *opts,
    uint16_t olen)
{
	pb_u8(p, 0);
	pb_rrtail(p, RR_TYPE_OPT, size, ttl, opts, olen);
}

/** A query for www.example.com A with RD, optionally with an OPT. */
static void
pb_query(struct pb *p, int edns)
{
	pb_header(p, 0x1234, MSG_FLAG_RD, 1, 0, 0, edns ? 1 : 0);
	pb_name(p, "www.example.com.");
	pb_u16(p, 1);
	pb_u16(p, 1);
	if (edns) {
		pb_opt(p, 4096, EDNS_FLAG_DO, NULL, 0);
	}
}

/** Both parsers must refuse the packet as malformed. */
static void
check_malformed(const struct pb *p, int line)
{
	int r1 = msg_parse(&msg, p->b, p->n);
	int r2 = msg_parse_query(&msg, p->b, p->n);

	if (r1 != RES_EMALFORMED || r2 != RES_EMALFORMED) {
		printf("# line %d: msg_parse %d, msg_parse_query %d\n", line,
		    r1, r2);
	}
	UNIT_CHECK_INT(r1, RES_EMALFORMED);
	UNIT_CHECK_INT(r2, RES_EMALFORMED);
}
#define CHECK_MALFORMED(p) check_malformed((p), __LINE__)

/** Wire form of a name in presentation format (static buffer). */
static const uint8_t *
wn(const char *s)
{
	static uint8_t d[4][DNAME_MAXLEN];
	static int i;

	i = (i + 1) % 4;
	if (dname_from_str(s, NULL, d[i], NULL) != 0) {
		abort();
	}
	return d[i];
}

/* ------------------------------------------------------------------ */

/** NULL, empty and oversized input to every entry point. */
static void
test_msg_null_and_empty(void)
{
	struct msg_writer w;
	struct msg_mark mk;
	uint8_t buf[512], out[DNAME_MAXLEN];
	static uint8_t big[MSG_MAX_LEN + 1];
	size_t len;

	memset(buf, 0, sizeof(buf));
	UNIT_CHECK_INT(msg_parse(NULL, buf, 12), RES_EINVAL);
	UNIT_CHECK_INT(msg_parse(&msg, NULL, 12), RES_EINVAL);
	UNIT_CHECK_INT(msg_parse(&msg, NULL, 0), RES_EMALFORMED);
	UNIT_CHECK_INT(msg_parse_query(NULL, buf, 12), RES_EINVAL);
	UNIT_CHECK_INT(msg_parse_query(&msg, buf, 0), RES_EMALFORMED);
	UNIT_CHECK(!msg.have_header);
	/* An otherwise valid empty message one octet over the maximum. */
	memset(big, 0, sizeof(big));
	UNIT_CHECK_INT(msg_parse(&msg, big, sizeof(big)), RES_EMALFORMED);
	UNIT_CHECK_INT(msg_parse(&msg, big, 12), 0);
	UNIT_CHECK_INT(msg.nrr, 0);
	UNIT_CHECK(!msg.have_question);
	UNIT_CHECK_INT(msg_rr_owner(NULL, 0, out, &len), RES_EINVAL);
	UNIT_CHECK_INT(msg_rr_owner(&msg, 0, out, &len), RES_EINVAL);
	UNIT_CHECK_INT(msg_rr_owner(&msg, 0, NULL, &len), RES_EINVAL);
	UNIT_CHECK_INT(msg_section_count(NULL, 0), 0);
	UNIT_CHECK_INT(msg_section_count(&msg, 7), 0);
	UNIT_CHECK_INT(msg_client_limit(NULL), 512);
	UNIT_CHECK_INT(msg_client_limit(&msg), 512);

	msg_writer_init(NULL, buf, sizeof(buf));
	UNIT_CHECK_INT(msg_writer_header(NULL, 1, 0, 0), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_question(NULL, wn("a."), 1, 1),
	    RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_edns(NULL, NULL), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_rr(NULL, 0, wn("a."), 1, 1, 0, NULL, 0,
	    NULL, 0), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_rrset(NULL, 0, wn("a."), 1, 1, 0, NULL, 0,
	    0), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_finish(NULL, &len), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_set_limit(NULL, 512), RES_EINVAL);
	UNIT_CHECK(!msg_writer_is_truncated(NULL));
	msg_writer_mark(NULL, &mk);
	msg_writer_rollback(NULL, &mk);
	msg_writer_truncated(NULL, 0, 1);

	/* A NULL or tiny buffer: nothing fits. */
	msg_writer_init(&w, NULL, 512);
	UNIT_CHECK_INT(msg_writer_header(&w, 1, 0, 0), RES_ESPACE);
	msg_writer_init(&w, buf, 11);
	UNIT_CHECK_INT(msg_writer_header(&w, 1, 0, 0), RES_ESPACE);
	/* Order: nothing before the header, no finish without it. */
	msg_writer_init(&w, buf, sizeof(buf));
	UNIT_CHECK_INT(msg_writer_finish(&w, &len), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_question(&w, wn("a."), 1, 1), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_rr(&w, 0, wn("a."), 1, 1, 0, NULL, 0,
	    NULL, 0), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_header(&w, 1, 0, 4096), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_header(&w, 1, 0, -1), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_header(&w, 1, 0, 0), 0);
	UNIT_CHECK_INT(msg_writer_header(&w, 1, 0, 0), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_question(&w, NULL, 1, 1), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_rr(&w, 3, wn("a."), 1, 1, 0, NULL, 0,
	    NULL, 0), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_rr(&w, -1, wn("a."), 1, 1, 0, NULL, 0,
	    NULL, 0), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_rr(&w, 0, wn("a."), 1, 1, 0, NULL, 4,
	    NULL, 0), RES_EINVAL);
	/* An empty RRset writes nothing. */
	UNIT_CHECK_INT(msg_writer_rrset(&w, 0, wn("a."), 1, 1, 0, NULL, 0,
	    1), 0);
	UNIT_CHECK_INT(msg_writer_finish(&w, &len), 0);
	UNIT_CHECK_INT(len, 12);
	UNIT_CHECK_INT(msg_parse(&msg, buf, len), 0);
	/* Patch helpers refuse short packets. */
	UNIT_CHECK_INT(msg_set_id(NULL, 12, 1), RES_EINVAL);
	UNIT_CHECK_INT(msg_set_id(buf, 11, 1), RES_EINVAL);
	UNIT_CHECK_INT(msg_set_flags(NULL, 12, 1, 0), RES_EINVAL);
	UNIT_CHECK_INT(msg_set_flags(buf, 0, 1, 0), RES_EINVAL);
}

/** A query with EDNS: header fields, question, OPT. */
static void
test_msg_parse_query(void)
{
	struct pb p;
	uint8_t name[DNAME_MAXLEN];
	size_t len;

	pb_header(&p, 0xbeef, MSG_FLAG_RD | MSG_FLAG_CD | MSG_FLAG_AD, 1, 0,
	    0, 1);
	pb_name(&p, "Example.ORG.");
	pb_u16(&p, 28);
	pb_u16(&p, 1);
	pb_opt(&p, 1232, EDNS_FLAG_DO, NULL, 0);

	UNIT_CHECK_INT(msg_parse_query(&msg, p.b, p.n), 0);
	UNIT_CHECK_INT(msg.id, 0xbeef);
	UNIT_CHECK(msg.flags & MSG_FLAG_RD);
	UNIT_CHECK(msg.flags & MSG_FLAG_CD);
	UNIT_CHECK(msg.flags & MSG_FLAG_AD);
	UNIT_CHECK(!(msg.flags & MSG_FLAG_QR));
	UNIT_CHECK_INT(msg.opcode, 0);
	UNIT_CHECK_INT(msg.rcode, 0);
	UNIT_CHECK_INT(msg.qdcount, 1);
	UNIT_CHECK_INT(msg.arcount, 1);
	UNIT_CHECK(msg.have_question);
	UNIT_CHECK_INT(msg.qtype, 28);
	UNIT_CHECK_INT(msg.qclass, 1);
	UNIT_CHECK_INT(msg.qoff, 12);
	UNIT_CHECK_INT(msg.qname_len, 13);
	UNIT_CHECK_INT(msg.qlen, 17);
	UNIT_CHECK(memcmp(msg.qname, "\7Example\3ORG", 13) == 0);
	UNIT_CHECK(msg.edns.present);
	UNIT_CHECK(msg.edns.do_bit);
	UNIT_CHECK_INT(msg.edns.udp_size, 1232);
	UNIT_CHECK_INT(msg.edns.version, 0);
	UNIT_CHECK_INT(msg.edns.nopts, 0);
	UNIT_CHECK(!msg.have_rrs);
	UNIT_CHECK_INT(msg.nrr, 0);
	UNIT_CHECK_INT(msg_client_limit(&msg), 1232);

	/* The full parser sees the OPT as an additional RR. */
	UNIT_CHECK_INT(msg_parse(&msg, p.b, p.n), 0);
	UNIT_CHECK(msg.have_rrs);
	UNIT_CHECK_INT(msg.nrr, 1);
	UNIT_CHECK_INT(msg.rr[0].type, RR_TYPE_OPT);
	UNIT_CHECK_INT(msg.rr[0].section, MSG_SEC_ADDITIONAL);
	UNIT_CHECK_INT(msg_section_count(&msg, MSG_SEC_ADDITIONAL), 1);
	UNIT_CHECK_INT(msg.sec_first[MSG_SEC_ADDITIONAL], 0);
	UNIT_CHECK_INT(msg_rr_owner(&msg, 0, name, &len), 0);
	UNIT_CHECK_INT(len, 1);
	UNIT_CHECK_INT(msg_rr_owner(&msg, 1, name, &len), RES_EINVAL);

	/* qdcount 0 and 2 are reported, not refused. */
	pb_header(&p, 1, 0, 0, 0, 0, 0);
	UNIT_CHECK_INT(msg_parse_query(&msg, p.b, p.n), 0);
	UNIT_CHECK(!msg.have_question);
	pb_header(&p, 1, 0, 2, 0, 0, 0);
	pb_name(&p, "a.");
	pb_u32(&p, 0x00010001);
	pb_name(&p, "b.");
	pb_u32(&p, 0x00100001);
	UNIT_CHECK_INT(msg_parse_query(&msg, p.b, p.n), 0);
	UNIT_CHECK(msg.have_question);
	UNIT_CHECK_INT(msg.qdcount, 2);
	UNIT_CHECK_INT(msg.qtype, 1);
	/* Payload sizes under 512 count as 512 (RFC 6891 6.2.5). */
	pb_header(&p, 1, 0, 0, 0, 0, 1);
	pb_opt(&p, 100, 0, NULL, 0);
	UNIT_CHECK_INT(msg_parse_query(&msg, p.b, p.n), 0);
	UNIT_CHECK_INT(msg.edns.udp_size, 100);
	UNIT_CHECK_INT(msg_client_limit(&msg), 512);
	/* Opcode and the extended rcode. */
	pb_header(&p, 1, MSG_FLAG_QR | MSG_OPCODE_FLAGS(4) | 0x6, 0, 0, 0,
	    1);
	pb_opt(&p, 512, 0x01000000, NULL, 0);
	UNIT_CHECK_INT(msg_parse(&msg, p.b, p.n), 0);
	UNIT_CHECK_INT(msg.opcode, 4);
	UNIT_CHECK_INT(msg.rcode, 0x16);
	UNIT_CHECK_INT(msg.edns.ext_rcode, 1);
}

/** A reply with every section and EDNS: encode, parse, compare. */
static void
test_msg_roundtrip(void)
{
	static const uint8_t a1[4] = { 192, 0, 2, 1 }, a2[4] = { 192, 0, 2,
	    2 }, a3[4] = { 198, 51, 100, 53 };
	static const uint8_t cookie[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	    11, 12, 13, 14, 15, 16 };
	uint8_t buf[4096], ns[DNAME_MAXLEN], out[DNAME_MAXLEN];
	struct msg_rdata rd[2], nsrd;
	struct msg_edns_out eo;
	struct msg_writer w;
	size_t len, nslen, olen;
	uint16_t nsname = 0;
	char s[DNAME_MAXSTR];

	msg_writer_init(&w, buf, sizeof(buf));
	UNIT_CHECK_INT(msg_writer_header(&w, 0x4242, MSG_FLAG_QR |
	    MSG_FLAG_RD | MSG_FLAG_RA | MSG_FLAG_AD, 0), 0);
	UNIT_CHECK_INT(msg_writer_question(&w, wn("www.example.com."), 1, 1),
	    0);
	memset(&eo, 0, sizeof(eo));
	eo.udp_size = 1232;
	eo.do_bit = 1;
	eo.cookie = cookie;
	eo.cookie_len = sizeof(cookie);
	UNIT_CHECK_INT(msg_writer_edns(&w, &eo), 0);
	UNIT_CHECK_INT(msg_writer_edns(&w, &eo), RES_EINVAL);
	rd[0].data = a1;
	rd[1].data = a2;
	rd[0].len = rd[1].len = 4;
	rd[0].names = rd[1].names = NULL;
	rd[0].nnames = rd[1].nnames = 0;
	UNIT_CHECK_INT(msg_writer_rrset(&w, MSG_SEC_ANSWER,
	    wn("www.example.com."), 1, 1, 300, rd, 2, 1), 0);
	dname_from_str("ns1.example.com.", NULL, ns, &nslen);
	nsrd.data = ns;
	nsrd.len = (uint16_t)nslen;
	nsrd.names = &nsname;
	nsrd.nnames = 1;
	UNIT_CHECK_INT(msg_writer_rrset(&w, MSG_SEC_AUTHORITY,
	    wn("example.com."), 2, 1, 86400, &nsrd, 1, 0), 0);
	rd[0].data = a3;
	UNIT_CHECK_INT(msg_writer_rrset(&w, MSG_SEC_ADDITIONAL,
	    wn("ns1.example.com."), 1, 1, 3600, rd, 1, 0), 0);
	/* Going back a section is refused. */
	UNIT_CHECK_INT(msg_writer_rr(&w, MSG_SEC_ANSWER, wn("x."), 1, 1, 0,
	    a1, 4, NULL, 0), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_finish(&w, &len), 0);
	UNIT_CHECK(!msg_writer_is_truncated(&w));

	UNIT_CHECK_INT(msg_parse(&msg, buf, len), 0);
	UNIT_CHECK_INT(msg.id, 0x4242);
	UNIT_CHECK_INT(msg.flags, MSG_FLAG_QR | MSG_FLAG_RD | MSG_FLAG_RA |
	    MSG_FLAG_AD);
	UNIT_CHECK_INT(msg.qdcount, 1);
	UNIT_CHECK_INT(msg.ancount, 2);
	UNIT_CHECK_INT(msg.nscount, 1);
	UNIT_CHECK_INT(msg.arcount, 2);
	UNIT_CHECK_INT(msg.nrr, 5);
	UNIT_CHECK(dname_equal(msg.qname, wn("www.example.com.")));
	UNIT_CHECK_INT(msg.rr[0].ttl, 300);
	UNIT_CHECK_INT(msg.rr[0].rdlen, 4);
	UNIT_CHECK(memcmp(buf + msg.rr[0].rdata, a1, 4) == 0);
	UNIT_CHECK(memcmp(buf + msg.rr[1].rdata, a2, 4) == 0);
	UNIT_CHECK_INT(msg_rr_owner(&msg, 1, out, &olen), 0);
	UNIT_CHECK(dname_equal(out, wn("www.example.com.")));
	UNIT_CHECK_INT(msg.sec_first[MSG_SEC_AUTHORITY], 2);
	UNIT_CHECK_INT(msg.rr[2].type, 2);
	UNIT_CHECK_INT(msg.rr[2].section, MSG_SEC_AUTHORITY);
	UNIT_CHECK_INT(msg.rr[2].ttl, 86400);
	UNIT_CHECK_INT(msg_rr_owner(&msg, 2, out, &olen), 0);
	dname_to_str(out, s, sizeof(s));
	UNIT_CHECK_STR(s, "example.com.");
	/* The NS RDATA decompresses to the name given. */
	{
		size_t pos = msg.rr[2].rdata;

		UNIT_CHECK_INT(dname_unpack(buf, len, &pos, out, &olen), 0);
		UNIT_CHECK_INT(pos, msg.rr[2].rdata + msg.rr[2].rdlen);
		dname_to_str(out, s, sizeof(s));
		UNIT_CHECK_STR(s, "ns1.example.com.");
	}
	UNIT_CHECK_INT(msg.sec_first[MSG_SEC_ADDITIONAL], 3);
	UNIT_CHECK_INT(msg_rr_owner(&msg, 3, out, &olen), 0);
	dname_to_str(out, s, sizeof(s));
	UNIT_CHECK_STR(s, "ns1.example.com.");
	UNIT_CHECK(memcmp(buf + msg.rr[3].rdata, a3, 4) == 0);
	UNIT_CHECK_INT(msg.rr[4].type, RR_TYPE_OPT);
	UNIT_CHECK(msg.edns.present);
	UNIT_CHECK(msg.edns.do_bit);
	UNIT_CHECK_INT(msg.edns.udp_size, 1232);
	UNIT_CHECK(msg.edns.has_cookie);
	UNIT_CHECK(memcmp(msg.edns.client_cookie, cookie, 8) == 0);
	UNIT_CHECK_INT(msg.edns.server_cookie_len, 8);
	UNIT_CHECK(memcmp(msg.edns.server_cookie, cookie + 8, 8) == 0);
	UNIT_CHECK_INT(msg.rcode, 0);
	/* The cheap parser agrees on the header, question and EDNS. */
	UNIT_CHECK_INT(msg_parse_query(&msg, buf, len), 0);
	UNIT_CHECK(msg.edns.present);
	UNIT_CHECK_INT(msg.ancount, 2);
}

/** Compression pointers are actually used, at the expected offsets. */
static void
test_msg_compression(void)
{
	static const uint8_t a[4] = { 10, 0, 0, 1 };
	uint8_t buf[1024], rdata[64];
	struct msg_writer w;
	size_t len, nlen, pos;
	uint16_t off;
	uint8_t out[DNAME_MAXLEN];

	msg_writer_init(&w, buf, sizeof(buf));
	msg_writer_header(&w, 1, MSG_FLAG_QR, 0);
	/* Question at 12: 3www 7example 3com 0 = 17 octets, +4. */
	msg_writer_question(&w, wn("www.example.com."), 1, 1);
	UNIT_CHECK_INT(msg_writer_rr(&w, MSG_SEC_ANSWER,
	    wn("WWW.EXAMPLE.COM."), 1, 1, 60, a, 4, NULL, 0), 0);
	/* The owner is a pointer to the question (case ignored). */
	UNIT_CHECK_INT(buf[33], 0xc0);
	UNIT_CHECK_INT(buf[34], 12);
	/* 2 + 10 + 4 = 16 octets: next RR at 49.  "mail.example.com"
	 * becomes 4mail + pointer to "example.com" at 16. */
	UNIT_CHECK_INT(msg_writer_rr(&w, MSG_SEC_ANSWER,
	    wn("mail.example.com."), 1, 1, 60, a, 4, NULL, 0), 0);
	UNIT_CHECK(memcmp(buf + 49, "\4mail\xc0\x10", 7) == 0);
	/* An MX RDATA: preference, then a name at offset 2 that gets
	 * compressed against "mail.example.com" (at 49). */
	pos = 49 + 7 + 10 + 4;
	rdata[0] = 0;
	rdata[1] = 10;
	dname_from_str("mail.example.com.", NULL, rdata + 2, &nlen);
	off = 2;
	UNIT_CHECK_INT(msg_writer_rr(&w, MSG_SEC_ANSWER, wn("example.com."),
	    15, 1, 60, rdata, (uint16_t)(2 + nlen), &off, 1), 0);
	/* Owner: pointer to 16; RDLENGTH 4: preference + pointer to 49. */
	UNIT_CHECK(memcmp(buf + pos, "\xc0\x10\0\x0f\0\1", 6) == 0);
	UNIT_CHECK_INT(buf[pos + 10], 0);
	UNIT_CHECK_INT(buf[pos + 11], 4);
	UNIT_CHECK(memcmp(buf + pos + 12, "\0\x0a\xc0\x31", 4) == 0);
	/* A name not in the message is written in full; the root too. */
	UNIT_CHECK_INT(msg_writer_rr(&w, MSG_SEC_ANSWER, wn("other.test."),
	    1, 1, 60, a, 4, NULL, 0), 0);
	UNIT_CHECK_INT(msg_writer_rr(&w, MSG_SEC_ANSWER, wn("."), 1, 1, 60,
	    a, 4, NULL, 0), 0);
	/* A second "other.test" is a pointer. */
	pos = w.pos;
	UNIT_CHECK_INT(msg_writer_rr(&w, MSG_SEC_ANSWER, wn("other.test."),
	    1, 1, 60, a, 4, NULL, 0), 0);
	UNIT_CHECK_INT(buf[pos], 0xc0);
	/* Bad RDATA name offsets are refused. */
	off = 3;
	UNIT_CHECK_INT(msg_writer_rr(&w, MSG_SEC_ANSWER, wn("x."), 15, 1, 60,
	    rdata, (uint16_t)(2 + nlen), &off, 1), RES_EINVAL);
	off = 200;
	UNIT_CHECK_INT(msg_writer_rr(&w, MSG_SEC_ANSWER, wn("x."), 15, 1, 60,
	    rdata, (uint16_t)(2 + nlen), &off, 1), RES_EINVAL);
	UNIT_CHECK_INT(msg_writer_finish(&w, &len), 0);

	/* Everything decompresses again. */
	UNIT_CHECK_INT(msg_parse(&msg, buf, len), 0);
	UNIT_CHECK_INT(msg.ancount, 6);
	UNIT_CHECK_INT(msg_rr_owner(&msg, 0, out, &nlen), 0);
	UNIT_CHECK(memcmp(out, "\3www\7example\3com", 17) == 0);
	pos = msg.rr[2].rdata + 2;
	UNIT_CHECK_INT(dname_unpack(buf, len, &pos, out, &nlen), 0);
	UNIT_CHECK(dname_equal(out, wn("mail.example.com.")));
	UNIT_CHECK_INT(msg_rr_owner(&msg, 4, out, &nlen), 0);
	UNIT_CHECK_INT(nlen, 1);
	UNIT_CHECK_INT(msg_rr_owner(&msg, 5, out, &nlen), 0);
	UNIT_CHECK(dname_equal(out, wn("other.test.")));
}

/** Build a reply with RRsets of n A records each under a limit. */
static void
add_a_sets(struct msg_writer *w, int sec, int sets, int per, int needed,
    int *written)
{
	static uint8_t addr[64][4];
	struct msg_rdata rd[64];
	char name[32];
	int i, j;

	for (j = 0; j < per; j++) {
		addr[j][0] = 10;
		addr[j][3] = (uint8_t)j;
		rd[j].data = addr[j];
		rd[j].len = 4;
		rd[j].names = NULL;
		rd[j].nnames = 0;
	}
	*written = 0;
	for (i = 0; i < sets; i++) {
		snprintf(name, sizeof(name), "host%d.example.", i);
		if (msg_writer_rrset(w, sec, wn(name), 1, 1, 60, rd,
		    (size_t)per, needed) == 0) {
			(*written)++;
		}
	}
}

/** Answer overflow: TC, whole RRsets only, the OPT record kept. */
static void
test_msg_truncation_answer(void)
{
	uint8_t buf[4096];
	struct msg_writer w;
	struct msg_edns_out eo;
	size_t len, i;
	int written;

	msg_writer_init(&w, buf, sizeof(buf));
	UNIT_CHECK_INT(msg_writer_set_limit(&w, 512), 0);
	msg_writer_header(&w, 7, MSG_FLAG_QR, 0);
	msg_writer_question(&w, wn("example."), 1, 1);
	memset(&eo, 0, sizeof(eo));
	eo.udp_size = 1232;
	eo.ede = 1;
	eo.ede_code = 3;
	eo.ede_text = "stale answer";
	UNIT_CHECK_INT(msg_writer_edns(&w, &eo), 0);
	/* 10 sets of 5 A records: far more than 512 octets. */
	add_a_sets(&w, MSG_SEC_ANSWER, 10, 5, 1, &written);
	UNIT_CHECK(written > 0 && written < 10);
	UNIT_CHECK(msg_writer_is_truncated(&w));
	/* After a cut answer nothing more goes in, even a small RRset. */
	{
		static const uint8_t a[4] = { 1, 2, 3, 4 };

		UNIT_CHECK_INT(msg_writer_rr(&w, MSG_SEC_ADDITIONAL,
		    wn("x."), 1, 1, 0, a, 4, NULL, 0), RES_ESPACE);
	}
	UNIT_CHECK_INT(msg_writer_finish(&w, &len), 0);
	UNIT_CHECK(len <= 512);
	UNIT_CHECK_INT(msg_parse(&msg, buf, len), 0);
	UNIT_CHECK(msg.flags & MSG_FLAG_TC);
	UNIT_CHECK_INT(msg.ancount, written * 5);
	UNIT_CHECK_INT(msg.ancount % 5, 0);
	UNIT_CHECK_INT(msg.arcount, 1);
	UNIT_CHECK(msg.edns.present);
	UNIT_CHECK(msg.edns.has_ede);
	UNIT_CHECK_INT(msg.edns.ede_code, 3);
	UNIT_CHECK_INT(msg.edns.ede_text_len, 12);
	UNIT_CHECK(memcmp(buf + msg.edns.ede_text_off, "stale answer", 12) ==
	    0);
	/* Each set is complete: all owners of a set are equal. */
	for (i = 0; i < msg.ancount; i += 5) {
		uint8_t o1[DNAME_MAXLEN], o2[DNAME_MAXLEN];

		msg_rr_owner(&msg, i, o1, NULL);
		msg_rr_owner(&msg, i + 4, o2, NULL);
		UNIT_CHECK(dname_equal(o1, o2));
	}
	/* A limit below what is written is refused. */
	UNIT_CHECK_INT(msg_writer_set_limit(&w, 20), RES_ESPACE);
}

/** Authority and additional overflow: dropped, TC only when needed. */
static void
test_msg_truncation_other(void)
{
	uint8_t buf[4096];
	struct msg_writer w;
	size_t len;
	int written, more;

	/* Additional data that does not fit is dropped without TC, and a
	 * later smaller RRset still goes in. */
	msg_writer_init(&w, buf, sizeof(buf));
	msg_writer_set_limit(&w, 512);
	msg_writer_header(&w, 7, MSG_FLAG_QR, 0);
	msg_writer_question(&w, wn("example."), 1, 1);
	add_a_sets(&w, MSG_SEC_ANSWER, 1, 2, 1, &written);
	UNIT_CHECK_INT(written, 1);
	add_a_sets(&w, MSG_SEC_ADDITIONAL, 1, 40, 0, &written);
	UNIT_CHECK_INT(written, 0);
	UNIT_CHECK(!msg_writer_is_truncated(&w));
	add_a_sets(&w, MSG_SEC_ADDITIONAL, 1, 2, 0, &more);
	UNIT_CHECK_INT(more, 1);
	UNIT_CHECK_INT(msg_writer_finish(&w, &len), 0);
	UNIT_CHECK_INT(msg_parse(&msg, buf, len), 0);
	UNIT_CHECK(!(msg.flags & MSG_FLAG_TC));
	UNIT_CHECK_INT(msg.ancount, 2);
	UNIT_CHECK_INT(msg.arcount, 2);

	/* A needed authority RRset (a referral's NS set) sets TC. */
	msg_writer_init(&w, buf, sizeof(buf));
	msg_writer_set_limit(&w, 512);
	msg_writer_header(&w, 7, MSG_FLAG_QR, 0);
	msg_writer_question(&w, wn("example."), 1, 1);
	add_a_sets(&w, MSG_SEC_AUTHORITY, 1, 40, 1, &written);
	UNIT_CHECK_INT(written, 0);
	UNIT_CHECK(msg_writer_is_truncated(&w));
	UNIT_CHECK_INT(msg_writer_finish(&w, &len), 0);
	UNIT_CHECK_INT(msg_parse(&msg, buf, len), 0);
	UNIT_CHECK(msg.flags & MSG_FLAG_TC);
	UNIT_CHECK_INT(msg.nscount, 0);
	UNIT_CHECK_INT(len, 12 + 9 + 4);
}

/** Mark and roll back a group (an RRset and its signatures). */
static void
test_msg_mark_rollback(void)
{
	static const uint8_t a[4] = { 1, 2, 3, 4 };
	uint8_t buf[512];
	struct msg_writer w;
	struct msg_mark mk;
	size_t len, pos, nn;

	msg_writer_init(&w, buf, sizeof(buf));
	msg_writer_header(&w, 9, MSG_FLAG_QR, 0);
	msg_writer_question(&w, wn("a.example."), 1, 1);
	msg_writer_rr(&w, MSG_SEC_ANSWER, wn("a.example."), 1, 1, 5, a, 4,
	    NULL, 0);
	msg_writer_mark(&w, &mk);
	pos = w.pos;
	nn = w.nnames;
	msg_writer_rr(&w, MSG_SEC_ANSWER, wn("b.c.example."), 1, 1, 5, a, 4,
	    NULL, 0);
	msg_writer_rr(&w, MSG_SEC_AUTHORITY, wn("d.example."), 1, 1, 5, a,
	    4, NULL, 0);
	UNIT_CHECK(w.pos > pos);
	UNIT_CHECK(w.nnames > nn);
	msg_writer_rollback(&w, &mk);
	UNIT_CHECK_INT(w.pos, pos);
	UNIT_CHECK_INT(w.nnames, nn);
	/* The answer section is writable again after the rollback. */
	UNIT_CHECK_INT(msg_writer_rr(&w, MSG_SEC_ANSWER, wn("e.example."),
	    1, 1, 5, a, 4, NULL, 0), 0);
	UNIT_CHECK_INT(msg_writer_finish(&w, &len), 0);
	UNIT_CHECK_INT(msg_parse(&msg, buf, len), 0);
	UNIT_CHECK_INT(msg.ancount, 2);
	UNIT_CHECK_INT(msg.nscount, 0);
	/* A failed RR leaves nothing behind. */
	msg_writer_init(&w, buf, 40);
	msg_writer_header(&w, 9, MSG_FLAG_QR, 0);
	pos = w.pos;
	UNIT_CHECK_INT(msg_writer_rr(&w, MSG_SEC_ANSWER,
	    wn("a-rather-long-owner-name.example."), 1, 1, 5, a, 4, NULL, 0),
	    RES_ESPACE);
	UNIT_CHECK_INT(w.pos, pos);
	UNIT_CHECK_INT(w.nnames, 0);
	UNIT_CHECK(!msg_writer_is_truncated(&w));
}

/** EDNS options: COOKIE, EDE, PADDING, CLIENT-SUBNET, unknown. */
static void
test_msg_edns_options(void)
{
	static const uint8_t opts[] = {
		0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8,		/* cookie */
		0, 15, 0, 5, 0, 6, 'a', 'b', 'c',		/* EDE 6 */
		0, 12, 0, 3, 0, 0, 0,				/* padding */
		0, 8, 0, 7, 0, 1, 24, 0, 192, 0, 2,		/* ECS */
		0xfd, 0xe9, 0, 2, 0xaa, 0xbb,			/* 65001 */
		0, 15, 0, 2, 0, 9				/* EDE 9 */
	};
	struct pb p;

	pb_header(&p, 1, 0, 1, 0, 0, 1);
	pb_name(&p, "example.");
	pb_u32(&p, 0x00010001);
	pb_opt(&p, 4096, 0x00007fff, opts, sizeof(opts));
	UNIT_CHECK_INT(msg_parse_query(&msg, p.b, p.n), 0);
	UNIT_CHECK(msg.edns.present);
	UNIT_CHECK(!msg.edns.do_bit);
	UNIT_CHECK_INT(msg.edns.flags, 0x7fff);
	UNIT_CHECK(msg.edns.has_cookie);
	UNIT_CHECK_INT(msg.edns.server_cookie_len, 0);
	UNIT_CHECK(memcmp(msg.edns.client_cookie, opts + 4, 8) == 0);
	UNIT_CHECK(msg.edns.has_ede);
	UNIT_CHECK_INT(msg.edns.ede_code, 6);
	UNIT_CHECK_INT(msg.edns.ede_text_len, 3);
	UNIT_CHECK(memcmp(p.b + msg.edns.ede_text_off, "abc", 3) == 0);
	UNIT_CHECK(msg.edns.has_padding);
	UNIT_CHECK_INT(msg.edns.padding_len, 3);
	UNIT_CHECK(msg.edns.has_ecs);
	UNIT_CHECK_INT(msg.edns.ecs_len, 7);
	UNIT_CHECK(memcmp(p.b + msg.edns.ecs_off, opts + 32, 7) == 0);
	UNIT_CHECK_INT(msg.edns.nopts, 6);
	UNIT_CHECK_INT(msg.edns.opts[4].code, 65001);
	UNIT_CHECK_INT(msg.edns.opts[4].len, 2);
	UNIT_CHECK_INT(p.b[msg.edns.opts[4].off], 0xaa);
	UNIT_CHECK_INT(msg.edns.opts[5].code, EDNS_OPT_EDE);
	/* The first EDE is the one kept in the summary fields. */
	UNIT_CHECK_INT(msg.edns.ede_code, 6);

	/* A zero-length option list and a server cookie of 32 octets. */
	{
		uint8_t c[44];

		memset(c, 7, sizeof(c));
		c[0] = 0;
		c[1] = 10;
		c[2] = 0;
		c[3] = 40;
		pb_header(&p, 1, 0, 0, 0, 0, 1);
		pb_opt(&p, 4096, 0, c, sizeof(c));
		UNIT_CHECK_INT(msg_parse(&msg, p.b, p.n), 0);
		UNIT_CHECK_INT(msg.edns.server_cookie_len, 32);
	}
}

/** Writer EDNS: padding to the block within the limit, cookie, BADVERS. */
static void
test_msg_edns_writer(void)
{
	static const uint8_t cookie[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
	uint8_t buf[2048];
	struct msg_writer w;
	struct msg_edns_out eo;
	size_t len;

	msg_writer_init(&w, buf, sizeof(buf));
	msg_writer_header(&w, 3, MSG_FLAG_QR, MSG_RCODE_BADVERS);
	msg_writer_question(&w, wn("pad.example."), 1, 1);
	memset(&eo, 0, sizeof(eo));
	eo.udp_size = 1232;
	eo.padding_block = 468;
	eo.cookie = cookie;
	eo.cookie_len = 8;
	UNIT_CHECK_INT(msg_writer_edns(&w, &eo), 0);
	UNIT_CHECK_INT(msg_writer_finish(&w, &len), 0);
	UNIT_CHECK_INT(len, 468);
	UNIT_CHECK_INT(msg_parse(&msg, buf, len), 0);
	UNIT_CHECK(msg.edns.has_padding);
	UNIT_CHECK(msg.edns.has_cookie);
	UNIT_CHECK_INT(msg.rcode, MSG_RCODE_BADVERS);
	UNIT_CHECK_INT(msg.flags & 0xf, 0);
	UNIT_CHECK_INT(msg.edns.ext_rcode, 1);

	/* Padding never passes the limit. */
	msg_writer_init(&w, buf, sizeof(buf));
	msg_writer_set_limit(&w, 100);
	msg_writer_header(&w, 3, MSG_FLAG_QR, 0);
	UNIT_CHECK_INT(msg_writer_edns(&w, &eo), 0);
	UNIT_CHECK_INT(msg_writer_finish(&w, &len), 0);
	UNIT_CHECK_INT(len, 100);
	UNIT_CHECK_INT(msg_parse(&msg, buf, len), 0);

	/* Bad settings and no room. */
	msg_writer_init(&w, buf, sizeof(buf));
	UNIT_CHECK_INT(msg_writer_edns(&w, &eo), RES_EINVAL);
	msg_writer_header(&w, 3, MSG_FLAG_QR, 0);
	eo.cookie_len = 12;
	UNIT_CHECK_INT(msg_writer_edns(&w, &eo), RES_EINVAL);
	eo.cookie_len = 41;
	UNIT_CHECK_INT(msg_writer_edns(&w, &eo), RES_EINVAL);
	eo.cookie_len = 8;
	msg_writer_init(&w, buf, 30);
	msg_writer_header(&w, 3, MSG_FLAG_QR, 0);
	UNIT_CHECK_INT(msg_writer_edns(&w, &eo), RES_ESPACE);
	/* An extended rcode without EDNS cannot be finished. */
	msg_writer_init(&w, buf, sizeof(buf));
	msg_writer_header(&w, 3, MSG_FLAG_QR, MSG_RCODE_BADVERS);
	UNIT_CHECK_INT(msg_writer_finish(&w, &len), RES_EINVAL);
}

/** ID and flag patching for the cache fast path. */
static void
test_msg_patch(void)
{
	uint8_t buf[512];
	struct msg_writer w;
	size_t len;

	msg_writer_init(&w, buf, sizeof(buf));
	msg_writer_header(&w, 1, MSG_FLAG_QR | MSG_FLAG_AD, 3);
	msg_writer_question(&w, wn("x.example."), 1, 1);
	msg_writer_finish(&w, &len);
	UNIT_CHECK_INT(msg_set_id(buf, len, 0xabcd), 0);
	UNIT_CHECK_INT(msg_set_flags(buf, len, MSG_FLAG_RD | MSG_FLAG_CD,
	    MSG_FLAG_AD), 0);
	UNIT_CHECK_INT(msg_parse(&msg, buf, len), 0);
	UNIT_CHECK_INT(msg.id, 0xabcd);
	UNIT_CHECK_INT(msg.flags, MSG_FLAG_QR | MSG_FLAG_RD | MSG_FLAG_CD |
	    3);
	UNIT_CHECK_INT(msg.rcode, 3);
}

/** A reply cut at the MTU keeps header, question and OPT, with TC. */
static void
test_msg_truncate_reply(void)
{
	static const uint8_t a[4] = { 192, 0, 2, 1 };
	uint8_t buf[1024];
	struct msg_writer w;
	struct msg_edns_out eo;
	size_t len, cut, i;

	for (i = 0; i < 2; i++) {
		msg_writer_init(&w, buf, sizeof(buf));
		msg_writer_header(&w, 0x4242, MSG_FLAG_QR | MSG_FLAG_RD |
		    MSG_FLAG_AD, MSG_RCODE_NXDOMAIN);
		msg_writer_question(&w, wn("Big.Example."), 16, 1);
		UNIT_CHECK_INT(msg_writer_rr(&w, MSG_SEC_ANSWER,
		    wn("big.example."), 1, 1, 60, a, 4, NULL, 0), 0);
		UNIT_CHECK_INT(msg_writer_rr(&w, MSG_SEC_AUTHORITY,
		    wn("example."), 1, 1, 60, a, 4, NULL, 0), 0);
		if (i == 0) {
			memset(&eo, 0, sizeof(eo));
			eo.udp_size = 1232;
			eo.do_bit = 1;
			eo.ede = 1;
			eo.ede_code = 22;
			eo.ede_text = "why";
			UNIT_CHECK_INT(msg_writer_edns(&w, &eo), 0);
		}
		UNIT_CHECK_INT(msg_writer_finish(&w, &len), 0);
		UNIT_CHECK_INT(msg_truncate_reply(buf, len, &cut), 0);
		UNIT_CHECK(cut < len);
		UNIT_CHECK_INT(msg_parse(&msg, buf, cut), 0);
		UNIT_CHECK_INT(msg.id, 0x4242);
		UNIT_CHECK_INT(msg.flags & ~0xf, MSG_FLAG_QR | MSG_FLAG_RD |
		    MSG_FLAG_AD | MSG_FLAG_TC);
		UNIT_CHECK_INT(msg.rcode, MSG_RCODE_NXDOMAIN);
		UNIT_CHECK_INT(msg.qdcount, 1);
		UNIT_CHECK_INT(msg.ancount, 0);
		UNIT_CHECK_INT(msg.nscount, 0);
		UNIT_CHECK_INT(msg.qtype, 16);
		/* The question as sent, case kept. */
		UNIT_CHECK(memcmp(buf + 12, "\003Big\007Example", 13) == 0);
		if (i == 0) {
			UNIT_CHECK_INT(msg.arcount, 1);
			UNIT_CHECK(msg.edns.present);
			UNIT_CHECK(msg.edns.do_bit);
			UNIT_CHECK_INT(msg.edns.udp_size, 1232);
			UNIT_CHECK(msg.edns.has_ede);
			UNIT_CHECK_INT(msg.edns.ede_code, 22);
			UNIT_CHECK_INT(msg.edns.ede_text_len, 3);
		} else {
			UNIT_CHECK_INT(msg.arcount, 0);
			UNIT_CHECK(!msg.edns.present);
			UNIT_CHECK_INT(cut, 12 + 13 + 4);
		}
	}
	/* Garbage and a reply without a question are refused. */
	UNIT_CHECK_INT(msg_truncate_reply(buf, 5, &cut), RES_EMALFORMED);
	msg_writer_init(&w, buf, sizeof(buf));
	msg_writer_header(&w, 1, MSG_FLAG_QR, 0);
	UNIT_CHECK_INT(msg_writer_finish(&w, &len), 0);
	UNIT_CHECK_INT(msg_truncate_reply(buf, len, &cut), RES_EMALFORMED);
	UNIT_CHECK_INT(msg_truncate_reply(NULL, len, &cut), RES_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Malformed input: one case each. */

static void
test_bad_truncated_header(void)
{
	struct pb p;
	size_t n;

	pb_query(&p, 0);
	for (n = 0; n < 12; n++) {
		UNIT_CHECK_INT(msg_parse(&msg, p.b, n), RES_EMALFORMED);
		UNIT_CHECK_INT(msg_parse_query(&msg, p.b, n), RES_EMALFORMED);
		UNIT_CHECK(!msg.have_header);
	}
}

static void
test_bad_truncated_question(void)
{
	struct pb p;
	size_t full, n;

	pb_query(&p, 0);
	full = p.n;
	/* Every cut inside the name or the type/class is malformed. */
	for (n = 12; n < full; n++) {
		p.n = n;
		CHECK_MALFORMED(&p);
	}
	p.n = full;
	UNIT_CHECK_INT(msg_parse(&msg, p.b, p.n), 0);
}

static void
test_bad_pointer_loop_question(void)
{
	struct pb p;

	/* 1a, then a pointer to itself's start: a loop. */
	pb_header(&p, 1, 0, 1, 0, 0, 0);
	pb_mem(&p, "\1a\xc0\x0c", 4);
	pb_u32(&p, 0x00010001);
	CHECK_MALFORMED(&p);
	/* A pointer to itself. */
	pb_header(&p, 1, 0, 1, 0, 0, 0);
	pb_mem(&p, "\xc0\x0c", 2);
	pb_u32(&p, 0x00010001);
	CHECK_MALFORMED(&p);
}

static void
test_bad_forward_pointer_question(void)
{
	struct pb p;

	pb_header(&p, 1, 0, 1, 0, 0, 0);
	pb_mem(&p, "\1a\xc0\x12", 4);		/* -> offset 18 */
	pb_u32(&p, 0x00010001);
	pb_mem(&p, "\0", 1);			/* ... */
	CHECK_MALFORMED(&p);
}

static void
test_bad_pointer_loop_owner(void)
{
	struct pb p;
	size_t own;

	pb_query(&p, 0);
	p.b[7] = 1;				/* ancount 1 */
	own = p.n;
	/* 1b, pointer back to its own start. */
	pb_mem(&p, "\1b", 2);
	pb_u8(&p, (uint8_t)(0xc0 | (own >> 8)));
	pb_u8(&p, (uint8_t)own);
	pb_rrtail(&p, 1, 1, 0, "\1\2\3\4", 4);
	CHECK_MALFORMED(&p);
}

static void
test_bad_forward_pointer_owner(void)
{
	struct pb p;
	size_t own;

	pb_query(&p, 0);
	p.b[7] = 1;
	own = p.n;
	/* A pointer into the RR's own RDATA, which holds a valid name. */
	pb_u8(&p, (uint8_t)(0xc0 | ((own + 12) >> 8)));
	pb_u8(&p, (uint8_t)(own + 12));
	pb_rrtail(&p, 5, 1, 0, "\1x\0", 3);
	CHECK_MALFORMED(&p);
}

static void
test_bad_label_over_63(void)
{
	struct pb p;
	uint8_t lab[65];

	memset(lab, 'a', sizeof(lab));
	lab[0] = 64;
	pb_header(&p, 1, 0, 1, 0, 0, 0);
	pb_mem(&p, lab, 65);
	pb_u8(&p, 0);
	pb_u32(&p, 0x00010001);
	CHECK_MALFORMED(&p);
	/* 63 is fine. */
	lab[0] = 63;
	pb_header(&p, 1, 0, 1, 0, 0, 0);
	pb_mem(&p, lab, 64);
	pb_u8(&p, 0);
	pb_u32(&p, 0x00010001);
	UNIT_CHECK_INT(msg_parse(&msg, p.b, p.n), 0);
	/* In an owner name. */
	pb_query(&p, 0);
	p.b[7] = 1;
	lab[0] = 64;
	pb_mem(&p, lab, 65);
	pb_u8(&p, 0);
	pb_rrtail(&p, 1, 1, 0, "\1\2\3\4", 4);
	CHECK_MALFORMED(&p);
}

static void
test_bad_name_over_255(void)
{
	struct pb p;
	uint8_t lab[64];
	int i;

	memset(lab, 'x', sizeof(lab));
	lab[0] = 63;
	/* 4 x 64 = 256 octets before the root label. */
	pb_header(&p, 1, 0, 1, 0, 0, 0);
	for (i = 0; i < 4; i++) {
		pb_mem(&p, lab, 64);
	}
	pb_u8(&p, 0);
	pb_u32(&p, 0x00010001);
	CHECK_MALFORMED(&p);
	/* 255 through a pointer: 3 labels of 63 in the question (193
	 * octets), an owner of one 62-octet label + pointer = 256. */
	pb_header(&p, 1, 0, 1, 1, 0, 0);
	for (i = 0; i < 3; i++) {
		pb_mem(&p, lab, 64);
	}
	pb_u8(&p, 0);
	pb_u32(&p, 0x00010001);
	lab[0] = 62;
	pb_mem(&p, lab, 63);
	pb_mem(&p, "\xc0\x0c", 2);
	pb_rrtail(&p, 1, 1, 0, "\1\2\3\4", 4);
	CHECK_MALFORMED(&p);
	/* 61 octets make 255 exactly: accepted.  The owner starts after
	 * the header, the 193-octet qname and type/class: at 209. */
	p.b[209] = 61;
	memmove(p.b + 209 + 62, p.b + 209 + 63, p.n - (209 + 63));
	p.n--;
	UNIT_CHECK_INT(msg_parse(&msg, p.b, p.n), 0);
	{
		uint8_t o[DNAME_MAXLEN];
		size_t olen;

		UNIT_CHECK_INT(msg_rr_owner(&msg, 0, o, &olen), 0);
		UNIT_CHECK_INT(olen, 255);
	}
}

static void
test_bad_truncated_rr_header(void)
{
	struct pb p;
	size_t base, n;

	pb_query(&p, 0);
	p.b[7] = 1;
	base = p.n;
	pb_mem(&p, "\xc0\x0c", 2);
	pb_rrtail(&p, 1, 1, 0, "\1\2\3\4", 4);
	for (n = base; n < base + 12; n++) {
		p.n = n;
		CHECK_MALFORMED(&p);
	}
}

static void
test_bad_rdlength_past_end(void)
{
	struct pb p;

	pb_query(&p, 0);
	p.b[7] = 1;
	pb_mem(&p, "\xc0\x0c", 2);
	pb_rrtail(&p, 1, 1, 0, "\1\2\3\4", 4);
	/* RDLENGTH 5 with 4 octets present. */
	p.b[p.n - 5] = 5;
	CHECK_MALFORMED(&p);
	/* RDLENGTH 65535. */
	p.b[p.n - 6] = 0xff;
	p.b[p.n - 5] = 0xff;
	CHECK_MALFORMED(&p);
	/* Truncated RDATA. */
	p.b[p.n - 6] = 0;
	p.b[p.n - 5] = 4;
	p.n -= 1;
	CHECK_MALFORMED(&p);
}

static void
test_bad_count_more(void)
{
	struct pb p;

	pb_query(&p, 0);
	p.b[7] = 2;			/* two answers claimed, one present */
	pb_mem(&p, "\xc0\x0c", 2);
	pb_rrtail(&p, 1, 1, 0, "\1\2\3\4", 4);
	CHECK_MALFORMED(&p);
	p.b[7] = 1;
	p.b[11] = 1;			/* an additional claimed */
	CHECK_MALFORMED(&p);
	p.b[11] = 0;
	p.b[5] = 2;			/* two questions claimed */
	CHECK_MALFORMED(&p);
	p.b[4] = 0xff;			/* 65281 questions */
	p.b[5] = 1;
	CHECK_MALFORMED(&p);
}

static void
test_bad_count_fewer(void)
{
	struct pb p;

	pb_query(&p, 0);
	p.b[7] = 2;
	pb_mem(&p, "\xc0\x0c", 2);
	pb_rrtail(&p, 1, 1, 0, "\1\2\3\4", 4);
	pb_mem(&p, "\xc0\x0c", 2);
	pb_rrtail(&p, 1, 1, 0, "\1\2\3\5", 4);
	UNIT_CHECK_INT(msg_parse(&msg, p.b, p.n), 0);
	p.b[7] = 1;			/* one answer claimed, two present */
	CHECK_MALFORMED(&p);
	p.b[7] = 0;
	p.b[5] = 0;			/* no question claimed */
	CHECK_MALFORMED(&p);
}

static void
test_bad_trailing_garbage(void)
{
	struct pb p;

	pb_query(&p, 1);
	UNIT_CHECK_INT(msg_parse(&msg, p.b, p.n), 0);
	pb_u8(&p, 0);
	CHECK_MALFORMED(&p);
	/* The fields before the garbage stay usable for FORMERR. */
	UNIT_CHECK(msg.have_header);
	UNIT_CHECK(msg.have_question);
	UNIT_CHECK(msg.edns.present);
}

static void
test_bad_two_opt(void)
{
	struct pb p;

	pb_query(&p, 1);
	p.b[11] = 2;
	pb_opt(&p, 4096, 0, NULL, 0);
	CHECK_MALFORMED(&p);
}

static void
test_bad_opt_not_additional(void)
{
	struct pb p;

	/* In the answer section. */
	pb_query(&p, 0);
	p.b[7] = 1;
	pb_opt(&p, 4096, 0, NULL, 0);
	CHECK_MALFORMED(&p);
	/* In the authority section. */
	pb_query(&p, 0);
	p.b[9] = 1;
	pb_opt(&p, 4096, 0, NULL, 0);
	CHECK_MALFORMED(&p);
	/* With an owner other than the root. */
	pb_query(&p, 0);
	p.b[11] = 1;
	pb_mem(&p, "\xc0\x0c", 2);
	pb_rrtail(&p, RR_TYPE_OPT, 4096, 0, NULL, 0);
	CHECK_MALFORMED(&p);
}

static void
test_bad_opt_option_length(void)
{
	struct pb p;

	/* Option length past the RDATA. */
	pb_query(&p, 0);
	p.b[11] = 1;
	pb_opt(&p, 4096, 0, "\0\x0a\0\x09" "12345678", 12);
	CHECK_MALFORMED(&p);
	/* Half an option header. */
	pb_query(&p, 0);
	p.b[11] = 1;
	pb_opt(&p, 4096, 0, "\0\x0a\0", 3);
	CHECK_MALFORMED(&p);
	/* Cookie of 9 and of 41 octets. */
	{
		uint8_t c[45];

		memset(c, 1, sizeof(c));
		c[0] = 0;
		c[1] = 10;
		c[2] = 0;
		c[3] = 9;
		pb_query(&p, 0);
		p.b[11] = 1;
		pb_opt(&p, 4096, 0, c, 13);
		CHECK_MALFORMED(&p);
		c[3] = 41;
		pb_query(&p, 0);
		p.b[11] = 1;
		pb_opt(&p, 4096, 0, c, 45);
		CHECK_MALFORMED(&p);
	}
	/* EDE shorter than its info code. */
	pb_query(&p, 0);
	p.b[11] = 1;
	pb_opt(&p, 4096, 0, "\0\x0f\0\x01\x05", 5);
	CHECK_MALFORMED(&p);
}

/** More RRs than MSG_MAX_RR: RES_ELIMIT; the query parser is fine. */
static void
test_limit_rr_count(void)
{
	struct pb p;
	int i;

	pb_query(&p, 0);
	p.b[6] = (MSG_MAX_RR + 1) >> 8;
	p.b[7] = (MSG_MAX_RR + 1) & 0xff;
	for (i = 0; i < MSG_MAX_RR + 1; i++) {
		pb_mem(&p, "\xc0\x0c", 2);
		pb_rrtail(&p, 1, 1, 0, "\1\2\3\4", 4);
	}
	UNIT_CHECK_INT(msg_parse(&msg, p.b, p.n), RES_ELIMIT);
	UNIT_CHECK_INT(msg_parse_query(&msg, p.b, p.n), 0);
	p.b[7]--;
	p.n -= 16;
	UNIT_CHECK_INT(msg_parse(&msg, p.b, p.n), 0);
	UNIT_CHECK_INT(msg.nrr, MSG_MAX_RR);
}

/** More EDNS options than MSG_MAX_OPTS: RES_ELIMIT. */
static void
test_limit_opts(void)
{
	uint8_t o[4 * (MSG_MAX_OPTS + 1)];
	struct pb p;

	memset(o, 0, sizeof(o));
	pb_query(&p, 0);
	p.b[11] = 1;
	pb_opt(&p, 4096, 0, o, 4 * MSG_MAX_OPTS);
	UNIT_CHECK_INT(msg_parse_query(&msg, p.b, p.n), 0);
	UNIT_CHECK_INT(msg.edns.nopts, MSG_MAX_OPTS);
	pb_query(&p, 0);
	p.b[11] = 1;
	pb_opt(&p, 4096, 0, o, sizeof(o));
	UNIT_CHECK_INT(msg_parse_query(&msg, p.b, p.n), RES_ELIMIT);
}

/**
 * Re-encode the parsed view msg RR by RR (owners decompressed, RDATA as
 * is) and parse the result again: the writer must produce what the
 * parser accepts, with the same counts.
 */
static void
reencode_check(void)
{
	static uint8_t out[MSG_MAX_LEN];
	static struct dns_msg again;
	uint8_t owner[DNAME_MAXLEN];
	struct msg_writer w;
	struct msg_edns_out eo;
	size_t i, len;
	int r;

	msg_writer_init(&w, out, sizeof(out));
	UNIT_CHECK_INT(msg_writer_header(&w, msg.id, msg.flags,
	    msg.edns.present ? msg.rcode : (msg.rcode & 0xf)), 0);
	if (msg.have_question) {
		UNIT_CHECK_INT(msg_writer_question(&w, msg.qname, msg.qtype,
		    msg.qclass), 0);
	}
	if (msg.edns.present) {
		memset(&eo, 0, sizeof(eo));
		eo.udp_size = msg.edns.udp_size;
		eo.do_bit = msg.edns.do_bit;
		UNIT_CHECK_INT(msg_writer_edns(&w, &eo), 0);
	}
	for (i = 0; i < msg.nrr; i++) {
		const struct msg_rr *rr = &msg.rr[i];

		if (rr->type == RR_TYPE_OPT) {
			continue;
		}
		UNIT_CHECK_INT(msg_rr_owner(&msg, i, owner, NULL), 0);
		r = msg_writer_rr(&w, rr->section, owner, rr->type,
		    rr->rclass, rr->ttl, msg.pkt + rr->rdata, rr->rdlen, NULL,
		    0);
		UNIT_CHECK_INT(r, 0);
	}
	UNIT_CHECK_INT(msg_writer_finish(&w, &len), 0);
	UNIT_CHECK_INT(msg_parse(&again, out, len), 0);
	UNIT_CHECK_INT(again.nrr, msg.nrr);
	UNIT_CHECK_INT(again.rcode, msg.rcode);
	UNIT_CHECK_INT(again.edns.present, msg.edns.present);
	UNIT_CHECK_INT(again.id, msg.id);
}

/** xorshift64*: a reproducible generator for the garbage loop. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/**
 * 100000 packets, random and bit-flipped valid ones, through both parsers
 * and the error reply builder, and the ones that parse are re-encoded
 * and parsed again; each packet is copied into a buffer of
 * exactly its length so ASan catches any over-read.  Bounded by count and
 * by 60 seconds.
 */
static void
test_msg_random_garbage(void)
{
	uint8_t seedpkt[3][2048], out[1024], name[DNAME_MAXLEN];
	size_t seedlen[3], i, len, olen;
	struct msg_writer w;
	struct msg_rdata rd;
	struct msg_edns_out eo;
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	time_t start = time(NULL);
	long ok = 0, bad = 0;
	uint16_t noff = 2;
	uint8_t mx[32];
	struct pb p;

	/* Seeds: a query with EDNS options, a compressed reply, and a
	 * FORMERR with EDE. */
	pb_query(&p, 0);
	p.b[11] = 1;
	pb_opt(&p, 4096, EDNS_FLAG_DO, "\0\x0a\0\x08" "abcdefgh"
	    "\0\x0f\0\x03\0\x01z", 19);
	memcpy(seedpkt[0], p.b, p.n);
	seedlen[0] = p.n;
	msg_writer_init(&w, seedpkt[1], sizeof(seedpkt[1]));
	msg_writer_header(&w, 5, MSG_FLAG_QR, 0);
	msg_writer_question(&w, wn("a.b.example."), 15, 1);
	mx[0] = 0;
	mx[1] = 5;
	dname_from_str("mx.b.example.", NULL, mx + 2, &olen);
	rd.data = mx;
	rd.len = (uint16_t)(2 + olen);
	rd.names = &noff;
	rd.nnames = 1;
	msg_writer_rrset(&w, 0, wn("a.b.example."), 15, 1, 60, &rd, 1, 1);
	rd.data = (const uint8_t *)"\1\2\3\4";
	rd.len = 4;
	rd.names = NULL;
	rd.nnames = 0;
	msg_writer_rrset(&w, 2, wn("mx.b.example."), 1, 1, 60, &rd, 1, 0);
	memset(&eo, 0, sizeof(eo));
	eo.udp_size = 1232;
	msg_writer_edns(&w, &eo);
	msg_writer_finish(&w, &seedlen[1]);
	msg_parse_query(&msg, seedpkt[0], seedlen[0]);
	answer_error(&msg, &fuzz_opts, 1, 22, "x", seedpkt[2],
	    sizeof(seedpkt[2]), &seedlen[2]);
	for (i = 0; i < 3; i++) {
		UNIT_CHECK_INT(msg_parse(&msg, seedpkt[i], seedlen[i]), 0);
	}

	for (i = 0; i < 100000 && time(NULL) - start < 60; i++) {
		uint8_t *pkt;
		int r, k, flips;

		if (i % 4 == 0) {
			len = (size_t)(rnd(&s) % 600);
			pkt = malloc(len ? len : 1);
			for (k = 0; k < (int)len; k++) {
				pkt[k] = (uint8_t)rnd(&s);
			}
			/* Mostly small counts so parsing gets past them. */
			if (len >= 12) {
				for (k = 4; k < 12; k += 2) {
					pkt[k] = 0;
					pkt[k + 1] &= 3;
				}
			}
		} else {
			size_t which = (size_t)(rnd(&s) % 3);

			len = seedlen[which];
			if (rnd(&s) % 8 == 0) {
				len = (size_t)(rnd(&s) % (len + 1));
			}
			pkt = malloc(len ? len : 1);
			memcpy(pkt, seedpkt[which], len);
			flips = 1 + (int)(rnd(&s) % 4);
			for (k = 0; k < flips && len; k++) {
				size_t at = (size_t)(rnd(&s) % len);

				pkt[at] ^= (uint8_t)(1u << (rnd(&s) % 8));
			}
		}
		r = msg_parse(&msg, pkt, len);
		if (r == 0) {
			size_t j;

			ok++;
			for (j = 0; j < msg.nrr; j++) {
				UNIT_CHECK_INT(msg_rr_owner(&msg, j, name,
				    &olen), 0);
				UNIT_CHECK(msg.rr[j].rdata + msg.rr[j].rdlen
				    <= len);
			}
			if (msg.qdcount <= 1) {
				reencode_check();
			}
		} else {
			bad++;
			UNIT_CHECK(r == RES_EMALFORMED || r == RES_ELIMIT);
		}
		r = msg_parse_query(&msg, pkt, len);
		UNIT_CHECK(r == 0 || r == RES_EMALFORMED || r == RES_ELIMIT);
		if (msg.have_header) {
			r = answer_error(&msg, &fuzz_opts, MSG_RCODE_FORMERR,
			    0, "e", out, sizeof(out), &olen);
			UNIT_CHECK(r == 0 || r == RES_EINVAL);
			if (r == 0) {
				UNIT_CHECK_INT(msg_parse(&msg, out, olen), 0);
			}
		}
		free(pkt);
	}
	printf("# %zu packets, %ld parsed, %ld refused\n", i, ok, bad);
	UNIT_CHECK(ok > 0 && bad > 0);
}

int
main(void)
{
	unit_init("msg");
	UNIT_RUN(test_msg_null_and_empty);
	UNIT_RUN(test_msg_parse_query);
	UNIT_RUN(test_msg_roundtrip);
	UNIT_RUN(test_msg_compression);
	UNIT_RUN(test_msg_truncation_answer);
	UNIT_RUN(test_msg_truncation_other);
	UNIT_RUN(test_msg_mark_rollback);
	UNIT_RUN(test_msg_edns_options);
	UNIT_RUN(test_msg_edns_writer);
	UNIT_RUN(test_msg_patch);
	UNIT_RUN(test_msg_truncate_reply);
	UNIT_RUN(test_bad_truncated_header);
	UNIT_RUN(test_bad_truncated_question);
	UNIT_RUN(test_bad_pointer_loop_question);
	UNIT_RUN(test_bad_forward_pointer_question);
	UNIT_RUN(test_bad_pointer_loop_owner);
	UNIT_RUN(test_bad_forward_pointer_owner);
	UNIT_RUN(test_bad_label_over_63);
	UNIT_RUN(test_bad_name_over_255);
	UNIT_RUN(test_bad_truncated_rr_header);
	UNIT_RUN(test_bad_rdlength_past_end);
	UNIT_RUN(test_bad_count_more);
	UNIT_RUN(test_bad_count_fewer);
	UNIT_RUN(test_bad_trailing_garbage);
	UNIT_RUN(test_bad_two_opt);
	UNIT_RUN(test_bad_opt_not_additional);
	UNIT_RUN(test_bad_opt_option_length);
	UNIT_RUN(test_limit_rr_count);
	UNIT_RUN(test_limit_opts);
	UNIT_RUN(test_msg_random_garbage);
	return unit_done();
}
