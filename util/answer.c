/*
 * util/answer.c - the one answer encoder (see answer.h).
 */
#include "config.h"
#include "util/answer.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/reply.h"
#include <string.h>

void
answer_to_query(struct answer_to *to, const struct dns_msg *q, size_t limit)
{
	to->id = q->id;
	to->qflags = q->flags;
	to->qname = q->qname;
	to->qtype = q->qtype;
	to->qclass = q->qclass;
	to->edns = q->edns.present;
	to->do_bit = q->edns.do_bit;
	to->limit = limit;
	to->any_subset = 0;
	to->keepalive_ms = 0;
	to->cookie_len = 0;
}

/** The OPT settings of a reply: our size, DO echoed, the EDE when on. */
static void
answer_edns(struct msg_edns_out *eo, const struct answer_opts *o, int do_bit,
    int ede, const char *ede_text)
{
	memset(eo, 0, sizeof(*eo));
	eo->udp_size = o->edns_size;
	eo->do_bit = do_bit;
	if (ede >= 0 && ede <= 0xffff && o->ede) {
		eo->ede = 1;
		eo->ede_code = (uint16_t)ede;
		eo->ede_text = ede_text;
	}
}

int
answer_begin(struct msg_writer *w, uint8_t *buf, size_t cap,
    const struct answer_to *to, const struct answer_opts *o, uint16_t flags,
    int rcode, int ede, const char *ede_text)
{
	struct msg_edns_out eo;
	int r;

	msg_writer_init(w, buf, cap);
	if ((r = msg_writer_set_limit(w, to->limit)) != RES_OK ||
	    (r = msg_writer_header(w, to->id, flags, rcode)) != RES_OK ||
	    (r = msg_writer_question(w, to->qname, to->qtype,
	    to->qclass)) != RES_OK) {
		return r;
	}
	if (to->edns) {
		answer_edns(&eo, o, to->do_bit, ede, ede_text);
		if (to->cookie_len) {
			eo.cookie = to->cookie;
			eo.cookie_len = to->cookie_len;
		}
		if (to->keepalive_ms > 0) {
			/* RFC 7828 section 3.3.2: the idle timeout, in
			 * units of 100 ms, that the server will keep. */
			eo.keepalive = 1;
			eo.keepalive_100ms = (uint16_t)(to->keepalive_ms / 100 >
			    0xffff ? 0xffff : to->keepalive_ms / 100);
		}
		return msg_writer_edns(w, &eo);
	}
	return RES_OK;
}

int
answer_finish(struct msg_writer *w, size_t *len)
{
	return msg_writer_finish(w, len);
}

int
answer_reply(const struct answer_to *to, const struct answer_opts *o,
    const struct reply *rep, int rcode, int secure, int ede,
    const char *ede_text, uint8_t *buf, size_t cap, size_t *len)
{
	struct msg_writer w;
	struct reply one;
	int r;

	r = answer_begin(&w, buf, cap, to, o, answer_flags(to, secure, 0),
	    rcode, ede, ede_text);
	if (r != RES_OK) {
		return r;
	}
	if (rep && rcode == MSG_RCODE_NOERROR && to->any_subset &&
	    rep->an > 1) {
		/* RFC 8482 section 4.1: the first RRset of the answer (the
		 * CNAME when the name has one: it is alone there), with its
		 * signatures; no authority or additional section. */
		one = *rep;
		one.an = 1;
		one.ns = 0;
		one.ar = 0;
		rep = &one;
	}
	if (rep && (rcode == MSG_RCODE_NOERROR ||
	    rcode == MSG_RCODE_NXDOMAIN)) {
		r = reply_write(&w, rep, to->do_bit, 0);
		if (r != RES_OK) {
			return r;
		}
	}
	return answer_finish(&w, len);
}

int
answer_wire(const struct answer_to *to, const struct answer_opts *o,
    uint16_t flags, int rcode, const uint8_t *body, size_t blen,
    uint16_t an, uint16_t ns, uint16_t ar, const uint16_t *ttl_off,
    size_t nttl, uint32_t age, uint8_t *buf, size_t cap, size_t *len)
{
	size_t qlen = dname_len(to->qname);
	size_t qend = MSG_HEADER_LEN + qlen + 4, total, i;
	size_t optlen = to->edns ? MSG_OPT_LEN + (to->cookie_len ? 4 +
	    (size_t)to->cookie_len : 0) : 0;
	uint8_t *p;

	total = qend + blen + optlen;
	if (total > cap || total > to->limit || rcode < 0 || rcode > 0xf) {
		return RES_ESPACE;
	}
	wire_put16(buf, to->id);
	wire_put16(buf + 2, (uint16_t)(flags | rcode));
	wire_put16(buf + 4, 1);
	wire_put16(buf + 6, an);
	wire_put16(buf + 8, ns);
	wire_put16(buf + 10, (uint16_t)(ar + (to->edns ? 1 : 0)));
	/* The question as the client wrote it: same length as the name the
	 * sections were encoded after, so their compression pointers hold. */
	memcpy(buf + MSG_HEADER_LEN, to->qname, qlen);
	wire_put16(buf + MSG_HEADER_LEN + qlen, to->qtype);
	wire_put16(buf + MSG_HEADER_LEN + qlen + 2, to->qclass);
	memcpy(buf + qend, body, blen);
	for (i = 0; age > 0 && i < nttl; i++) {
		p = buf + qend + ttl_off[i];
		wire_put32(p, wire_get32(p) - age);
	}
	if (to->edns) {
		p = buf + qend + blen;
		msg_write_opt(p, o->edns_size, (uint16_t)rcode, 0, to->do_bit);
		if (to->cookie_len) {
			/* The COOKIE option (RFC 7873 section 4). */
			wire_put16(p + 9, (uint16_t)(4 + to->cookie_len));
			wire_put16(p + MSG_OPT_LEN, EDNS_OPT_COOKIE);
			wire_put16(p + MSG_OPT_LEN + 2, to->cookie_len);
			memcpy(p + MSG_OPT_LEN + 4, to->cookie,
			    to->cookie_len);
		}
	}
	*len = total;
	return RES_OK;
}

int
answer_error(const struct dns_msg *q, const struct answer_opts *o, int rcode,
    int ede, const char *ede_text, uint8_t *buf, size_t cap, size_t *len)
{
	struct msg_writer w;
	struct msg_edns_out eo;
	uint16_t flags;
	int r;

	if (!q || !q->have_header || !buf || !o) {
		return RES_EINVAL;
	}
	msg_writer_init(&w, buf, cap);
	if ((r = msg_writer_set_limit(&w, msg_client_limit(q))) != RES_OK) {
		return r;
	}
	/* RFC 1035 4.1.1: ID, opcode and RD copied; RFC 6840 5.9: CD; RA
	 * as in every reply of a recursive server. */
	flags = MSG_FLAG_QR | MSG_FLAG_RA | MSG_OPCODE_FLAGS(q->opcode) |
	    (q->flags & (MSG_FLAG_RD | MSG_FLAG_CD));
	if ((r = msg_writer_header(&w, q->id, flags, rcode)) != RES_OK) {
		return r;
	}
	if (q->have_question && q->qdcount == 1) {
		if ((r = msg_writer_question(&w, q->qname, q->qtype,
		    q->qclass)) != RES_OK) {
			return r;
		}
	}
	if (q->edns.present) {
		answer_edns(&eo, o, q->edns.do_bit, ede, ede_text);
		if (o->cookie_len) {
			eo.cookie = o->cookie;
			eo.cookie_len = o->cookie_len;
		}
		if ((r = msg_writer_edns(&w, &eo)) != RES_OK) {
			return r;
		}
	}
	return msg_writer_finish(&w, len);
}
