/*
 * test/test_answer.c - unit tests for util/answer.c, the one answer
 * encoder: the header flags and the AD rule, which RRsets a client
 * without DO gets, error replies (also to queries that did not parse
 * whole), replies from a struct reply, and the cache's wire replies with
 * their TTLs counted down.
 */
#include "config.h"
#include "test/unit.h"
#include "util/answer.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/msg.h"
#include "util/region.h"
#include "util/reply.h"
#include <stdlib.h>
#include <string.h>

/** The views are large: static instances shared by the cases. */
static struct dns_msg q, r;

/** The server's side used by most cases. */
static const struct answer_opts opts = { .edns_size = 1232, .ede = 1 };

/** A name in wire form (static buffer; one at a time). */
static const uint8_t *
wn(const char *s)
{
	static uint8_t d[DNAME_MAXLEN];

	if (dname_from_str(s, NULL, d, NULL) != RES_OK) {
		abort();
	}
	return d;
}

/**
 * Build and parse a query for www.Example.com A (the client's case).
 * @param flags: header flags (RD, AD, CD).
 * @param edns: add an OPT record; do_bit its DO.
 * @return its length in pkt.
 */
static size_t
make_query(uint8_t *pkt, size_t cap, uint16_t flags, int edns, int do_bit)
{
	struct msg_writer w;
	struct msg_edns_out eo;
	size_t len = 0;

	msg_writer_init(&w, pkt, cap);
	msg_writer_header(&w, 0x4242, flags, 0);
	msg_writer_question(&w, wn("www.Example.com."), RR_TYPE_A,
	    RR_CLASS_IN);
	if (edns) {
		memset(&eo, 0, sizeof(eo));
		eo.udp_size = 4096;
		eo.do_bit = do_bit;
		msg_writer_edns(&w, &eo);
	}
	if (msg_writer_finish(&w, &len) != RES_OK ||
	    msg_parse_query(&q, pkt, len) != RES_OK) {
		abort();
	}
	return len;
}

/** The flags of a reply, and AD by RFC 4035 3.2.3 / RFC 6840 5.7-5.8. */
static void
test_answer_flags(void)
{
	struct answer_to to;
	uint8_t pkt[512];
	uint16_t f;

	make_query(pkt, sizeof(pkt), MSG_FLAG_RD, 1, 1);
	answer_to_query(&to, &q, 1232);
	f = answer_flags(&to, 1, 0);
	UNIT_CHECK_INT(f, MSG_FLAG_QR | MSG_FLAG_RA | MSG_FLAG_RD |
	    MSG_FLAG_AD);
	UNIT_CHECK_INT(answer_flags(&to, 0, 0), MSG_FLAG_QR | MSG_FLAG_RA |
	    MSG_FLAG_RD);
	UNIT_CHECK_INT(answer_flags(&to, 0, 1), MSG_FLAG_QR | MSG_FLAG_RA |
	    MSG_FLAG_RD | MSG_FLAG_AA);
	/* No DO, no AD bit: no AD. */
	make_query(pkt, sizeof(pkt), MSG_FLAG_RD, 1, 0);
	answer_to_query(&to, &q, 1232);
	UNIT_CHECK(!(answer_flags(&to, 1, 0) & MSG_FLAG_AD));
	make_query(pkt, sizeof(pkt), MSG_FLAG_RD, 0, 0);
	answer_to_query(&to, &q, 512);
	UNIT_CHECK(!(answer_flags(&to, 1, 0) & MSG_FLAG_AD));
	/* The AD bit in the query asks for it (RFC 6840 5.7). */
	make_query(pkt, sizeof(pkt), MSG_FLAG_RD | MSG_FLAG_AD, 0, 0);
	answer_to_query(&to, &q, 512);
	UNIT_CHECK(answer_flags(&to, 1, 0) & MSG_FLAG_AD);
	/* CD: echoed, and no AD. */
	make_query(pkt, sizeof(pkt), MSG_FLAG_RD | MSG_FLAG_CD, 1, 1);
	answer_to_query(&to, &q, 1232);
	f = answer_flags(&to, 1, 0);
	UNIT_CHECK(f & MSG_FLAG_CD);
	UNIT_CHECK(!(f & MSG_FLAG_AD));
}

/** RFC 4035 3.2.1: what a client without DO does not get. */
static void
test_answer_keeps_rrset(void)
{
	UNIT_CHECK(answer_keeps_rrset(MSG_SEC_ANSWER, RR_TYPE_A, 0));
	/* Asked for by type: kept. */
	UNIT_CHECK(answer_keeps_rrset(MSG_SEC_ANSWER, RR_TYPE_RRSIG, 0));
	UNIT_CHECK(!answer_keeps_rrset(MSG_SEC_AUTHORITY, RR_TYPE_RRSIG, 0));
	UNIT_CHECK(answer_keeps_rrset(MSG_SEC_ANSWER, RR_TYPE_NSEC, 0));
	UNIT_CHECK(!answer_keeps_rrset(MSG_SEC_AUTHORITY, RR_TYPE_NSEC, 0));
	UNIT_CHECK(!answer_keeps_rrset(MSG_SEC_AUTHORITY, RR_TYPE_NSEC3, 0));
	UNIT_CHECK(!answer_keeps_rrset(MSG_SEC_ADDITIONAL, RR_TYPE_NSEC, 0));
	UNIT_CHECK(answer_keeps_rrset(MSG_SEC_AUTHORITY, RR_TYPE_SOA, 0));
	UNIT_CHECK(answer_keeps_rrset(MSG_SEC_AUTHORITY, RR_TYPE_NSEC3, 1));
	UNIT_CHECK(answer_keeps_rrset(MSG_SEC_ADDITIONAL, RR_TYPE_RRSIG, 1));
}

/** Error replies echo ID, question and EDNS as the query allows. */
static void
test_answer_error(void)
{
	const struct answer_opts noede = { .edns_size = 1232, .ede = 0 };
	uint8_t pkt[512], buf[1024];
	/* Header (ID 77, RD, one question) and a question name that is a
	 * pointer to itself: the question does not parse. */
	static const uint8_t badq[] = { 0, 77, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
	    0xc0, 0x0c };
	/* qdcount 2, opcode 2 (STATUS). */
	static const uint8_t twoq[] = { 0, 5, 0x10, 0, 0, 2, 0, 0, 0, 0, 0, 0,
	    1, 'a', 0, 0, 1, 0, 1, 1, 'b', 0, 0, 1, 0, 1 };
	size_t len, qlen;

	/* EDNS with DO: REFUSED with RA, the OPT (DO) and an EDE. */
	qlen = make_query(pkt, sizeof(pkt), MSG_FLAG_RD, 1, 1);
	UNIT_CHECK_INT(answer_error(&q, &opts, MSG_RCODE_REFUSED,
	    EDE_PROHIBITED, "prohibited", buf, sizeof(buf), &len), 0);
	UNIT_CHECK_INT(msg_parse(&r, buf, len), 0);
	UNIT_CHECK_INT(r.id, 0x4242);
	UNIT_CHECK_INT(r.flags, MSG_FLAG_QR | MSG_FLAG_RA | MSG_FLAG_RD |
	    MSG_RCODE_REFUSED);
	UNIT_CHECK(r.have_question);
	UNIT_CHECK(memcmp(r.qname, q.qname, q.qname_len) == 0);
	UNIT_CHECK(r.edns.present && r.edns.do_bit);
	UNIT_CHECK_INT(r.edns.udp_size, 1232);
	UNIT_CHECK(r.edns.has_ede);
	UNIT_CHECK_INT(r.edns.ede_code, EDE_PROHIBITED);
	UNIT_CHECK_INT(r.edns.ede_text_len, 10);
	/* ede: no: no EDE option. */
	UNIT_CHECK_INT(answer_error(&q, &noede, MSG_RCODE_REFUSED,
	    EDE_PROHIBITED, "prohibited", buf, sizeof(buf), &len), 0);
	UNIT_CHECK_INT(msg_parse(&r, buf, len), 0);
	UNIT_CHECK(r.edns.present && !r.edns.has_ede);
	/* BADVERS needs the OPT record: fine with EDNS. */
	UNIT_CHECK_INT(answer_error(&q, &opts, MSG_RCODE_BADVERS, -1, NULL,
	    buf, sizeof(buf), &len), 0);
	UNIT_CHECK_INT(msg_parse(&r, buf, len), 0);
	UNIT_CHECK_INT(r.rcode, MSG_RCODE_BADVERS);
	/* No room, no buffer. */
	UNIT_CHECK_INT(answer_error(&q, &opts, MSG_RCODE_FORMERR, -1, NULL,
	    buf, 20, &len), RES_ESPACE);
	UNIT_CHECK_INT(answer_error(&q, &opts, MSG_RCODE_FORMERR, -1, NULL,
	    NULL, 512, &len), RES_EINVAL);
	UNIT_CHECK_INT(answer_error(&q, NULL, MSG_RCODE_FORMERR, -1, NULL,
	    buf, 512, &len), RES_EINVAL);

	/* Without EDNS: no OPT; the EDE has nowhere to go. */
	make_query(pkt, sizeof(pkt), MSG_FLAG_RD, 0, 0);
	UNIT_CHECK_INT(answer_error(&q, &opts, MSG_RCODE_SERVFAIL,
	    EDE_OTHER, NULL, buf, sizeof(buf), &len), 0);
	UNIT_CHECK_INT(msg_parse(&r, buf, len), 0);
	UNIT_CHECK_INT(r.rcode, MSG_RCODE_SERVFAIL);
	UNIT_CHECK(!r.edns.present);
	UNIT_CHECK_INT(r.arcount, 0);
	UNIT_CHECK_INT(r.qdcount, 1);

	/* A query that failed after its question: FORMERR echoes it. */
	qlen = make_query(pkt, sizeof(pkt), MSG_FLAG_RD, 0, 0);
	pkt[qlen] = 0xff;
	UNIT_CHECK_INT(msg_parse_query(&q, pkt, qlen + 1), RES_EMALFORMED);
	UNIT_CHECK(q.have_question);
	UNIT_CHECK_INT(answer_error(&q, &opts, MSG_RCODE_FORMERR, -1, NULL,
	    buf, sizeof(buf), &len), 0);
	UNIT_CHECK_INT(msg_parse(&r, buf, len), 0);
	UNIT_CHECK_INT(r.rcode, MSG_RCODE_FORMERR);
	UNIT_CHECK_INT(r.qdcount, 1);

	/* A broken question: FORMERR without a question. */
	UNIT_CHECK_INT(msg_parse_query(&q, badq, sizeof(badq)),
	    RES_EMALFORMED);
	UNIT_CHECK(q.have_header && !q.have_question);
	UNIT_CHECK_INT(answer_error(&q, &opts, MSG_RCODE_FORMERR, -1, NULL,
	    buf, sizeof(buf), &len), 0);
	UNIT_CHECK_INT(len, MSG_HEADER_LEN);
	UNIT_CHECK_INT(msg_parse(&r, buf, len), 0);
	UNIT_CHECK_INT(r.id, 77);
	UNIT_CHECK_INT(r.qdcount, 0);

	/* qdcount 2: NOTIMP with the opcode kept, no question echoed. */
	UNIT_CHECK_INT(msg_parse_query(&q, twoq, sizeof(twoq)), 0);
	UNIT_CHECK_INT(answer_error(&q, &opts, MSG_RCODE_NOTIMP, -1, NULL,
	    buf, sizeof(buf), &len), 0);
	UNIT_CHECK_INT(msg_parse(&r, buf, len), 0);
	UNIT_CHECK_INT(r.opcode, 2);
	UNIT_CHECK_INT(r.qdcount, 0);

	/* No header. */
	UNIT_CHECK_INT(msg_parse_query(&q, twoq, 5), RES_EMALFORMED);
	UNIT_CHECK_INT(answer_error(&q, &opts, MSG_RCODE_FORMERR, -1, NULL,
	    buf, sizeof(buf), &len), RES_EINVAL);
}

/**
 * A reply for www.example.com A: the A RRset with an RRSIG in the
 * answer, an NSEC in the authority section.
 */
static struct reply *
make_reply(struct region *rg)
{
	static const uint8_t a[4] = { 192, 0, 2, 1 };
	static uint8_t sig[40], nsec[20];
	static const uint8_t *ard[2], *nrd[1];
	static uint16_t alen[2], nlen[1];
	static struct reply_rrset as, ns;
	struct reply *rep = reply_create(rg, 2);
	size_t sl, nl;

	memset(sig, 0, sizeof(sig));
	sig[1] = RR_TYPE_A;
	sig[2] = 13;
	sig[3] = 3;
	/* Signer "example.com." after the fixed 18 octets. */
	if (dname_from_str("example.com.", NULL, sig + 18, &sl) != RES_OK ||
	    dname_from_str("z.example.com.", NULL, nsec, &nl) != RES_OK) {
		abort();
	}
	nsec[nl] = 0;
	nsec[nl + 1] = 1;
	nsec[nl + 2] = 0x40;
	ard[0] = a;
	alen[0] = 4;
	ard[1] = sig;
	alen[1] = (uint16_t)(18 + sl + 4);
	memset(&as, 0, sizeof(as));
	as.owner = region_copy(rg, wn("www.example.com."), 17);
	as.type = RR_TYPE_A;
	as.rclass = RR_CLASS_IN;
	as.ttl = 300;
	as.count = 1;
	as.sigcount = 1;
	as.rd = ard;
	as.rdlen = alen;
	nrd[0] = nsec;
	nlen[0] = (uint16_t)(nl + 3);
	memset(&ns, 0, sizeof(ns));
	ns.owner = region_copy(rg, wn("www.example.com."), 17);
	ns.type = RR_TYPE_NSEC;
	ns.rclass = RR_CLASS_IN;
	ns.ttl = 300;
	ns.count = 1;
	ns.rd = nrd;
	ns.rdlen = nlen;
	if (!rep || reply_add(rep, 2, &as, MSG_SEC_ANSWER) != RES_OK ||
	    reply_add(rep, 2, &ns, MSG_SEC_AUTHORITY) != RES_OK) {
		abort();
	}
	rep->rcode = MSG_RCODE_NOERROR;
	return rep;
}

/** Replies from a struct reply: DO decides the DNSSEC records, the
 * question keeps the client's case, errors carry no data. */
static void
test_answer_reply(void)
{
	struct region *rg = region_create();
	struct answer_to to;
	struct reply *rep;
	uint8_t pkt[512], buf[2048];
	size_t len;

	UNIT_CHECK(rg != NULL);
	if (!rg) {
		return;
	}
	rep = make_reply(rg);
	/* DO client: everything, AD for secure data. */
	make_query(pkt, sizeof(pkt), MSG_FLAG_RD, 1, 1);
	answer_to_query(&to, &q, 1232);
	UNIT_CHECK_INT(answer_reply(&to, &opts, rep, MSG_RCODE_NOERROR, 1, -1,
	    NULL, buf, sizeof(buf), &len), 0);
	UNIT_CHECK_INT(msg_parse(&r, buf, len), 0);
	UNIT_CHECK(r.flags & MSG_FLAG_AD);
	UNIT_CHECK_INT(r.ancount, 2);
	UNIT_CHECK_INT(r.nscount, 1);
	UNIT_CHECK(memcmp(r.qname, wn("www.Example.com."), 17) == 0);
	/* Plain client: no RRSIG, no NSEC in the authority section. */
	make_query(pkt, sizeof(pkt), MSG_FLAG_RD, 0, 0);
	answer_to_query(&to, &q, 512);
	UNIT_CHECK_INT(answer_reply(&to, &opts, rep, MSG_RCODE_NOERROR, 1, -1,
	    NULL, buf, sizeof(buf), &len), 0);
	UNIT_CHECK_INT(msg_parse(&r, buf, len), 0);
	UNIT_CHECK(!(r.flags & MSG_FLAG_AD));
	UNIT_CHECK_INT(r.ancount, 1);
	UNIT_CHECK_INT(r.nscount, 0);
	UNIT_CHECK(!r.edns.present);
	/* SERVFAIL with an EDE: no data, the EDE to an EDNS client. */
	make_query(pkt, sizeof(pkt), MSG_FLAG_RD, 1, 0);
	answer_to_query(&to, &q, 1232);
	UNIT_CHECK_INT(answer_reply(&to, &opts, rep, MSG_RCODE_SERVFAIL, 0,
	    EDE_DNSSEC_BOGUS, "bad", buf, sizeof(buf), &len), 0);
	UNIT_CHECK_INT(msg_parse(&r, buf, len), 0);
	UNIT_CHECK_INT(r.rcode, MSG_RCODE_SERVFAIL);
	UNIT_CHECK_INT(r.ancount + r.nscount, 0);
	UNIT_CHECK(r.edns.has_ede && r.edns.ede_code == EDE_DNSSEC_BOGUS);
	region_delete(rg);
}

/** The cache's wire replies: the sections copied, TTLs counted down, the
 * OPT appended; nothing over the client's limit. */
static void
test_answer_wire(void)
{
	struct region *rg = region_create();
	struct answer_to to;
	struct reply *rep;
	uint8_t pkt[512], enc[2048], buf[2048];
	uint16_t ttl_off[1];
	size_t elen, len, body;

	UNIT_CHECK(rg != NULL);
	if (!rg) {
		return;
	}
	rep = make_reply(rg);
	/* The sections as the cache would keep them: a plain client's
	 * reply without its header and question. */
	make_query(pkt, sizeof(pkt), MSG_FLAG_RD, 0, 0);
	answer_to_query(&to, &q, 512);
	UNIT_CHECK_INT(answer_reply(&to, &opts, rep, MSG_RCODE_NOERROR, 0, -1,
	    NULL, enc, sizeof(enc), &elen), 0);
	body = MSG_HEADER_LEN + 17 + 4;
	/* The A RR: owner is a pointer (2), type, class, then the TTL. */
	ttl_off[0] = 2 + 4;
	make_query(pkt, sizeof(pkt), MSG_FLAG_RD, 1, 1);
	answer_to_query(&to, &q, 1232);
	UNIT_CHECK_INT(answer_wire(&to, &opts, answer_flags(&to, 1, 0),
	    MSG_RCODE_NOERROR, enc + body, elen - body, 1, 0, 0, ttl_off, 1,
	    10, buf, sizeof(buf), &len), 0);
	UNIT_CHECK_INT(len, elen + MSG_OPT_LEN);
	UNIT_CHECK_INT(msg_parse(&r, buf, len), 0);
	UNIT_CHECK_INT(r.id, 0x4242);
	UNIT_CHECK(r.flags & MSG_FLAG_AD);
	UNIT_CHECK_INT(r.ancount, 1);
	UNIT_CHECK_INT(r.rr[0].ttl, 290);
	UNIT_CHECK(r.edns.present && r.edns.do_bit);
	UNIT_CHECK_INT(r.edns.udp_size, 1232);
	UNIT_CHECK(memcmp(r.qname, wn("www.Example.com."), 17) == 0);
	/* Over the limit or the buffer: not made. */
	to.limit = len - 1;
	UNIT_CHECK_INT(answer_wire(&to, &opts, 0, 0, enc + body, elen - body,
	    1, 0, 0, ttl_off, 1, 0, buf, sizeof(buf), &len), RES_ESPACE);
	to.limit = 1232;
	UNIT_CHECK_INT(answer_wire(&to, &opts, 0, 0, enc + body, elen - body,
	    1, 0, 0, ttl_off, 1, 0, buf, 40, &len), RES_ESPACE);
	/* A COOKIE option (RFC 7873) goes into the OPT record. */
	memset(to.cookie, 0xc5, 24);
	to.cookie_len = 24;
	UNIT_CHECK_INT(answer_wire(&to, &opts, answer_flags(&to, 1, 0),
	    MSG_RCODE_NOERROR, enc + body, elen - body, 1, 0, 0, ttl_off, 1,
	    10, buf, sizeof(buf), &len), 0);
	UNIT_CHECK_INT(len, elen + MSG_OPT_LEN + 4 + 24);
	UNIT_CHECK_INT(msg_parse(&r, buf, len), 0);
	UNIT_CHECK(r.edns.present && r.edns.has_cookie &&
	    r.edns.server_cookie_len == 16 && r.edns.client_cookie[0] ==
	    0xc5 && r.edns.server_cookie[15] == 0xc5);
	UNIT_CHECK_INT(r.ancount, 1);
	region_delete(rg);
}

int
main(void)
{
	unit_init("answer");
	UNIT_RUN(test_answer_flags);
	UNIT_RUN(test_answer_keeps_rrset);
	UNIT_RUN(test_answer_error);
	UNIT_RUN(test_answer_reply);
	UNIT_RUN(test_answer_wire);
	return unit_done();
}
