/*
 * util/msg.c - DNS messages: a parsed view and a reply encoder.
 *
 * The parser reads every field through one bounds check against the
 * packet length before the read; names go through dname_unpack(), which
 * refuses loops and forward pointers.  Both entry points share one walk
 * (msg_walk) that differs only in whether RR entries are stored, so the
 * cheap query path cannot drift from the full parser in what it accepts.
 *
 * The writer keeps one invariant: pos + reserve <= limit, where reserve is
 * the room of the OPT record to be appended at finish.  Every write checks
 * against limit - reserve first, so a write that does not fit changes
 * nothing but the position, and callers roll back by restoring a mark.
 * The compression table only grows by appending entries at increasing
 * offsets, so restoring its count on rollback is exact.
 */
#include "config.h"
#include "util/msg.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

/** Writer stages, in the order a message is built. */
enum {
	STAGE_INIT = -3,	/* nothing written */
	STAGE_HEADER = -2,	/* header written */
	STAGE_QUESTION = -1	/* questions being written */
	/* 0, 1, 2: the RR section being written (enum msg_section) */
};

/**
 * Parse the RDATA of an OPT record: a list of (code, length, data)
 * options (RFC 6891 section 6.1.2).
 * @param e: receives the options.
 * @param pkt: the packet.
 * @param off: offset of the RDATA.
 * @param rdlen: its length; off + rdlen is inside the packet.
 * @return 0, RES_EMALFORMED (an option past the end, a bad COOKIE or EDE
 *	length), RES_ELIMIT (more than MSG_MAX_OPTS options).
 */
static int
parse_opt_rdata(struct msg_edns *e, const uint8_t *pkt, size_t off,
    size_t rdlen)
{
	size_t p = off, end = off + rdlen;

	while (p < end) {
		uint16_t code, olen;

		if (end - p < 4) {
			return RES_EMALFORMED;
		}
		code = wire_get16(pkt + p);
		olen = wire_get16(pkt + p + 2);
		p += 4;
		if (olen > end - p) {
			return RES_EMALFORMED;
		}
		switch (code) {
		case EDNS_OPT_COOKIE:
			/* RFC 7873 section 5.2.2: a client cookie of 8 octets
			 * and an optional server cookie of 8 to 32. */
			if (olen != 8 && (olen < 16 || olen > 40)) {
				return RES_EMALFORMED;
			}
			if (!e->has_cookie) {
				e->has_cookie = 1;
				memcpy(e->client_cookie, pkt + p, 8);
				e->server_cookie_len = (uint8_t)(olen - 8);
				memcpy(e->server_cookie, pkt + p + 8,
				    (size_t)olen - 8);
			}
			break;
		case EDNS_OPT_EDE:
			/* RFC 8914 section 2: info code, then text. */
			if (olen < 2) {
				return RES_EMALFORMED;
			}
			if (!e->has_ede) {
				e->has_ede = 1;
				e->ede_code = wire_get16(pkt + p);
				e->ede_text_off = (uint16_t)(p + 2);
				e->ede_text_len = (uint16_t)(olen - 2);
			}
			break;
		case EDNS_OPT_KEEPALIVE:
			/* RFC 7828 section 3.1: empty in a query, a 2-octet
			 * TIMEOUT in a response. */
			if (olen != 0 && olen != 2) {
				return RES_EMALFORMED;
			}
			e->has_keepalive = 1;
			break;
		case EDNS_OPT_PADDING:
			if (!e->has_padding) {
				e->has_padding = 1;
				e->padding_len = olen;
			}
			break;
		case EDNS_OPT_ECS:
			if (!e->has_ecs) {
				e->has_ecs = 1;
				e->ecs_off = (uint16_t)p;
				e->ecs_len = olen;
			}
			break;
		default:
			break;
		}
		if (e->nopts >= MSG_MAX_OPTS) {
			return RES_ELIMIT;
		}
		e->opts[e->nopts].code = code;
		e->opts[e->nopts].len = olen;
		e->opts[e->nopts].off = (uint16_t)p;
		e->nopts++;
		p += olen;
	}
	return RES_OK;
}

/**
 * Walk a message.  Shared by msg_parse() and msg_parse_query().
 * @param m: the view.
 * @param pkt, len: the packet.
 * @param store: 1 to build RR entries.
 * @return see msg_parse().
 */
static int
msg_walk(struct dns_msg *m, const uint8_t *pkt, size_t len, int store,
    struct msg_rr *room, size_t max)
{
	uint16_t counts[3];
	size_t pos, i, nlen;
	int sec, r;

	if (!m) {
		return RES_EINVAL;
	}
	m->rr = room ? room : m->rr_inline;
	m->max_rr = room ? max : MSG_MAX_RR;
	m->pkt = pkt;
	m->len = len;
	m->have_header = 0;
	m->have_question = 0;
	m->have_rrs = 0;
	m->nrr = 0;
	m->qname_len = 0;
	m->sec_first[0] = m->sec_first[1] = m->sec_first[2] = 0;
	memset(&m->edns, 0, offsetof(struct msg_edns, opts));
	if (!pkt && len) {
		return RES_EINVAL;
	}
	if (len < MSG_HEADER_LEN || len > MSG_MAX_LEN) {
		return RES_EMALFORMED;
	}
	/* RFC 1035 section 4.1.1. */
	m->id = wire_get16(pkt);
	m->flags = wire_get16(pkt + 2);
	m->opcode = (uint8_t)MSG_OPCODE(m->flags);
	m->rcode = m->flags & 0xf;
	m->qdcount = wire_get16(pkt + 4);
	m->ancount = wire_get16(pkt + 6);
	m->nscount = wire_get16(pkt + 8);
	m->arcount = wire_get16(pkt + 10);
	m->have_header = 1;

	/* Questions (RFC 1035 section 4.1.2); all are checked, the first
	 * is kept. */
	pos = MSG_HEADER_LEN;
	for (i = 0; i < m->qdcount; i++) {
		size_t start = pos;

		if (dname_unpack(pkt, len, &pos, i == 0 ? m->qname : NULL,
		    &nlen) != RES_OK) {
			return RES_EMALFORMED;
		}
		if (len - pos < 4) {
			return RES_EMALFORMED;
		}
		if (i == 0) {
			m->qname_len = nlen;
			m->qoff = (uint16_t)start;
			m->qlen = (uint16_t)(pos + 4 - start);
			m->qtype = wire_get16(pkt + pos);
			m->qclass = wire_get16(pkt + pos + 2);
			m->have_question = 1;
		}
		pos += 4;
	}

	/* Resource records (RFC 1035 section 4.1.3). */
	counts[0] = m->ancount;
	counts[1] = m->nscount;
	counts[2] = m->arcount;
	for (sec = 0; sec < 3; sec++) {
		if (store) {
			m->sec_first[sec] = m->nrr;
		}
		for (i = 0; i < counts[sec]; i++) {
			size_t owner = pos, rdata;
			uint16_t type, rclass, rdlen;
			uint32_t ttl;

			if (dname_unpack(pkt, len, &pos, NULL, &nlen) !=
			    RES_OK) {
				return RES_EMALFORMED;
			}
			if (len - pos < 10) {
				return RES_EMALFORMED;
			}
			type = wire_get16(pkt + pos);
			rclass = wire_get16(pkt + pos + 2);
			ttl = wire_get32(pkt + pos + 4);
			rdlen = wire_get16(pkt + pos + 8);
			pos += 10;
			if (rdlen > len - pos) {
				return RES_EMALFORMED;
			}
			rdata = pos;
			pos += rdlen;
			if (type == RR_TYPE_OPT) {
				/* RFC 6891 section 6.1.1: only in the
				 * additional section, at most one, and its
				 * owner is the root (section 6.1.2). */
				if (sec != MSG_SEC_ADDITIONAL ||
				    m->edns.present || nlen != 1) {
					return RES_EMALFORMED;
				}
				r = parse_opt_rdata(&m->edns, pkt, rdata,
				    rdlen);
				if (r != RES_OK) {
					return r;
				}
				m->edns.udp_size = rclass;
				m->edns.ext_rcode = (uint8_t)(ttl >> 24);
				m->edns.version = (uint8_t)(ttl >> 16);
				m->edns.flags = (uint16_t)ttl;
				m->edns.do_bit = (ttl & EDNS_FLAG_DO) != 0;
				m->edns.rr_off = (uint16_t)owner;
				m->edns.present = 1;
			}
			if (store) {
				struct msg_rr *rr;

				if (m->nrr >= m->max_rr) {
					return RES_ELIMIT;
				}
				rr = &m->rr[m->nrr++];
				rr->owner = (uint16_t)owner;
				rr->type = type;
				rr->rclass = rclass;
				rr->ttl = ttl;
				rr->rdata = (uint16_t)rdata;
				rr->rdlen = rdlen;
				rr->section = (uint8_t)sec;
			}
		}
	}
	/* Octets after the last RR: refused, see util/msg.h. */
	if (pos != len) {
		return RES_EMALFORMED;
	}
	if (m->edns.present) {
		/* RFC 6891 section 6.1.3: the upper 8 bits of 12. */
		m->rcode |= (uint16_t)(m->edns.ext_rcode << 4);
	}
	m->have_rrs = store;
	return RES_OK;
}

int
msg_parse(struct dns_msg *m, const uint8_t *pkt, size_t len)
{
	return msg_walk(m, pkt, len, 1, NULL, 0);
}

int
msg_parse_big(struct dns_msg *m, const uint8_t *pkt, size_t len,
    struct msg_rr *rr, size_t max)
{
	if (!rr) {
		return RES_EINVAL;
	}
	return msg_walk(m, pkt, len, 1, rr, max);
}

int
msg_parse_query(struct dns_msg *m, const uint8_t *pkt, size_t len)
{
	return msg_walk(m, pkt, len, 0, NULL, 0);
}

int
msg_rr_owner(const struct dns_msg *m, size_t i, uint8_t *out,
    size_t *outlen)
{
	size_t pos;

	if (!m || !out || !m->have_rrs || i >= m->nrr) {
		return RES_EINVAL;
	}
	pos = m->rr[i].owner;
	/* Checked while parsing; checked again rather than trusted. */
	if (dname_unpack(m->pkt, m->len, &pos, out, outlen) != RES_OK) {
		return RES_EINVAL;
	}
	return RES_OK;
}

size_t
msg_section_count(const struct dns_msg *m, int sec)
{
	if (!m || !m->have_rrs) {
		return 0;
	}
	switch (sec) {
	case MSG_SEC_ANSWER:
		return m->ancount;
	case MSG_SEC_AUTHORITY:
		return m->nscount;
	case MSG_SEC_ADDITIONAL:
		return m->arcount;
	}
	return 0;
}

size_t
msg_client_limit(const struct dns_msg *m)
{
	if (!m || !m->edns.present || m->edns.udp_size < MSG_UDP_MIN) {
		return MSG_UDP_MIN;
	}
	return m->edns.udp_size;
}

/* ------------------------------------------------------------------ */
/* The writer. */

void
msg_writer_init(struct msg_writer *w, uint8_t *buf, size_t cap)
{
	if (!w) {
		return;
	}
	memset(w, 0, offsetof(struct msg_writer, names));
	w->buf = buf;
	w->cap = buf ? cap : 0;
	w->limit = w->cap < MSG_MAX_LEN ? w->cap : MSG_MAX_LEN;
	w->stage = STAGE_INIT;
}

int
msg_writer_set_limit(struct msg_writer *w, size_t limit)
{
	size_t max;

	if (!w) {
		return RES_EINVAL;
	}
	max = w->cap < MSG_MAX_LEN ? w->cap : MSG_MAX_LEN;
	if (limit > max) {
		limit = max;
	}
	if (w->pos + w->reserve > limit) {
		return RES_ESPACE;
	}
	w->limit = limit;
	return RES_OK;
}

/** Octets still free for RRs. */
static inline size_t
room(const struct msg_writer *w)
{
	assert(w->pos + w->reserve <= w->limit);
	return w->limit - w->reserve - w->pos;
}

int
msg_writer_header(struct msg_writer *w, uint16_t id, uint16_t flags,
    int rcode)
{
	if (!w || w->stage != STAGE_INIT || rcode < 0 || rcode > 0xfff) {
		return RES_EINVAL;
	}
	if (room(w) < MSG_HEADER_LEN) {
		return RES_ESPACE;
	}
	memset(w->buf, 0, MSG_HEADER_LEN);
	wire_put16(w->buf, id);
	wire_put16(w->buf + 2, (uint16_t)(flags & ~(MSG_FLAG_TC | 0xf)));
	w->rcode = (uint16_t)rcode;
	w->pos = MSG_HEADER_LEN;
	w->stage = STAGE_HEADER;
	return RES_OK;
}

/**
 * Does the name at offset off of the buffer equal the uncompressed name
 * d, ignoring ASCII case?  The buffer holds only names we wrote, whose
 * pointers go backwards, but the walk is bounded all the same.
 */
static int
name_at_equal(const uint8_t *buf, size_t end, size_t off, const uint8_t *d)
{
	int hops = 0;

	for (;;) {
		uint8_t lab, i;

		if (off >= end) {
			return 0;
		}
		lab = buf[off];
		if ((lab & 0xc0) == 0xc0) {
			if (off + 1 >= end || ++hops > DNAME_MAXLEN) {
				return 0;
			}
			off = ((size_t)(lab & 0x3f) << 8) | buf[off + 1];
			continue;
		}
		if (lab != *d) {
			return 0;
		}
		if (lab == 0) {
			return 1;
		}
		if (off + 1 + lab > end) {
			return 0;
		}
		for (i = 1; i <= lab; i++) {
			uint8_t a = buf[off + i], b = d[i];

			if (a >= 'A' && a <= 'Z') {
				a = (uint8_t)(a + 32);
			}
			if (b >= 'A' && b <= 'Z') {
				b = (uint8_t)(b + 32);
			}
			if (a != b) {
				return 0;
			}
		}
		off += (size_t)lab + 1;
		d += lab + 1;
	}
}

/**
 * Write a checked name, compressed against the table when compress is
 * set (RFC 1035 section 4.1.4), and remember its labels.
 * @return 0 or RES_ESPACE (nothing is remembered then).
 */
static int
write_name(struct msg_writer *w, const uint8_t *d, int compress)
{
	const uint8_t *s = d, *l;
	int labels = dname_count_labels(d), k = labels;
	size_t j, ptr = 0, lit;
	int found = 0;

	/* The longest suffix already in the message. */
	if (compress) {
		for (; *s && !found; s += *s + 1, k--) {
			for (j = 0; j < w->nnames; j++) {
				if (w->names[j].labels == k &&
				    name_at_equal(w->buf, w->pos,
				    w->names[j].off, s)) {
					ptr = w->names[j].off;
					found = 1;
					break;
				}
			}
			if (found) {
				break;
			}
		}
	}
	if (!found) {
		s = d + dname_len(d) - 1;	/* the root label */
	}
	lit = (size_t)(s - d);
	if (room(w) < lit + (found ? 2 : 1)) {
		return RES_ESPACE;
	}
	/* Remember the literal labels' starts while they are in pointer
	 * range and the table has room. */
	for (l = d, k = labels; l < s; l += *l + 1, k--) {
		size_t off = w->pos + (size_t)(l - d);

		if (off < 0x4000 && w->nnames < MSG_COMPRESS_MAX) {
			w->names[w->nnames].off = (uint16_t)off;
			w->names[w->nnames].labels = (uint8_t)k;
			w->nnames++;
		}
	}
	memcpy(w->buf + w->pos, d, lit);
	w->pos += lit;
	if (found) {
		wire_put16(w->buf + w->pos, (uint16_t)(0xc000 | ptr));
		w->pos += 2;
	} else {
		w->buf[w->pos++] = 0;
	}
	return RES_OK;
}

int
msg_writer_question(struct msg_writer *w, const uint8_t *qname,
    uint16_t qtype, uint16_t qclass)
{
	size_t start, nn;

	if (!w || !qname) {
		return RES_EINVAL;
	}
	start = w->pos;
	nn = w->nnames;
	if ((w->stage != STAGE_HEADER &&
	    w->stage != STAGE_QUESTION) || w->count[0] == 0xffff) {
		return RES_EINVAL;
	}
	if (dname_check(qname, DNAME_MAXLEN, NULL) != RES_OK) {
		return RES_EINVAL;
	}
	if (write_name(w, qname, w->stage == STAGE_QUESTION) != RES_OK ||
	    room(w) < 4) {
		w->pos = start;
		w->nnames = nn;
		return RES_ESPACE;
	}
	wire_put16(w->buf + w->pos, qtype);
	wire_put16(w->buf + w->pos + 2, qclass);
	w->pos += 4;
	w->count[0]++;
	w->stage = STAGE_QUESTION;
	return RES_OK;
}

int
msg_writer_edns(struct msg_writer *w, const struct msg_edns_out *e)
{
	size_t need = MSG_OPT_LEN, tlen = 0;

	if (!w || !e || w->edns || w->stage == STAGE_INIT) {
		return RES_EINVAL;
	}
	if (e->cookie && e->cookie_len != 8 &&
	    (e->cookie_len < 16 || e->cookie_len > 40)) {
		return RES_EINVAL;
	}
	if (e->ede) {
		tlen = e->ede_text ? strlen(e->ede_text) : 0;
		if (tlen > 1024) {
			return RES_EINVAL;
		}
		need += 4 + 2 + tlen;
	}
	if (e->cookie) {
		need += 4 + e->cookie_len;
	}
	if (e->keepalive) {
		need += 4 + 2;
	}
	if (e->padding_block) {
		need += 4;
	}
	if (room(w) < need) {
		return RES_ESPACE;
	}
	w->eo = *e;
	w->ede_text_len = tlen;
	w->reserve = need;
	w->edns = 1;
	return RES_OK;
}

/**
 * Check that sec may be written now and move the stage there.
 * @return 0, RES_EINVAL (bad section, going back, no header).
 */
static int
enter_section(struct msg_writer *w, int sec)
{
	if (sec < MSG_SEC_ANSWER || sec > MSG_SEC_ADDITIONAL ||
	    w->stage == STAGE_INIT || w->stage > sec) {
		return RES_EINVAL;
	}
	w->stage = sec;
	return RES_OK;
}

int
msg_writer_rr(struct msg_writer *w, int sec, const uint8_t *owner,
    uint16_t type, uint16_t rclass, uint32_t ttl, const uint8_t *rdata,
    uint16_t rdlen, const uint16_t *names, size_t nnames)
{
	size_t start, nn, rdstart, done, i, nlen;
	int stage;

	if (!w || !owner || (!rdata && rdlen) || (!names && nnames)) {
		return RES_EINVAL;
	}
	start = w->pos;
	nn = w->nnames;
	stage = w->stage;
	if (enter_section(w, sec) != RES_OK) {
		return RES_EINVAL;
	}
	if (w->stopped) {
		w->stage = stage;
		return RES_ESPACE;
	}
	if (w->count[1 + sec] == 0xffff ||
	    dname_check(owner, DNAME_MAXLEN, NULL) != RES_OK) {
		w->stage = stage;
		return RES_EINVAL;
	}
	/* Check the RDATA names before writing anything. */
	for (i = 0, done = 0; i < nnames; i++) {
		if (names[i] < done || names[i] >= rdlen ||
		    dname_check(rdata + names[i], rdlen - names[i], &nlen) !=
		    RES_OK) {
			w->stage = stage;
			return RES_EINVAL;
		}
		done = names[i] + nlen;
	}
	if (write_name(w, owner, 1) != RES_OK || room(w) < 10) {
		goto nospace;
	}
	wire_put16(w->buf + w->pos, type);
	wire_put16(w->buf + w->pos + 2, rclass);
	wire_put32(w->buf + w->pos + 4, ttl);
	w->pos += 10;
	rdstart = w->pos;
	for (i = 0, done = 0; i < nnames; i++) {
		size_t seg = names[i] - done;

		if (room(w) < seg) {
			goto nospace;
		}
		memcpy(w->buf + w->pos, rdata + done, seg);
		w->pos += seg;
		if (write_name(w, rdata + names[i], 1) != RES_OK) {
			goto nospace;
		}
		done = names[i] + dname_len(rdata + names[i]);
	}
	if (room(w) < (size_t)rdlen - done) {
		goto nospace;
	}
	if (rdlen > done) {
		memcpy(w->buf + w->pos, rdata + done, (size_t)rdlen - done);
		w->pos += (size_t)rdlen - done;
	}
	/* Compression only shrinks the RDATA, so this fits 16 bits. */
	wire_put16(w->buf + rdstart - 2, (uint16_t)(w->pos - rdstart));
	w->count[1 + sec]++;
	return RES_OK;
nospace:
	w->pos = start;
	w->nnames = nn;
	w->stage = stage;
	return RES_ESPACE;
}

void
msg_writer_mark(const struct msg_writer *w, struct msg_mark *mk)
{
	if (!w || !mk) {
		return;
	}
	mk->pos = w->pos;
	memcpy(mk->count, w->count, sizeof(mk->count));
	mk->nnames = w->nnames;
	mk->stage = w->stage;
	mk->tc = w->tc;
	mk->stopped = w->stopped;
}

void
msg_writer_rollback(struct msg_writer *w, const struct msg_mark *mk)
{
	if (!w || !mk) {
		return;
	}
	assert(mk->pos <= w->pos && mk->nnames <= w->nnames);
	w->pos = mk->pos;
	memcpy(w->count, mk->count, sizeof(w->count));
	w->nnames = mk->nnames;
	w->stage = mk->stage;
	w->tc = mk->tc;
	w->stopped = mk->stopped;
}

void
msg_writer_truncated(struct msg_writer *w, int sec, int needed)
{
	/* RFC 2181 section 9: TC only when data required for the reply
	 * could not be included; the answer section always is. */
	if (!w) {
		return;
	}
	if (sec == MSG_SEC_ANSWER || needed) {
		w->tc = 1;
		w->stopped = 1;
	}
}

int
msg_writer_is_truncated(const struct msg_writer *w)
{
	return w && w->tc;
}

int
msg_writer_rrset(struct msg_writer *w, int sec, const uint8_t *owner,
    uint16_t type, uint16_t rclass, uint32_t ttl,
    const struct msg_rdata *rd, size_t n, int needed)
{
	struct msg_mark mk;
	size_t i;
	int r;

	if (!w || (!rd && n)) {
		return RES_EINVAL;
	}
	msg_writer_mark(w, &mk);
	for (i = 0; i < n; i++) {
		r = msg_writer_rr(w, sec, owner, type, rclass, ttl,
		    rd[i].data, rd[i].len, rd[i].names, rd[i].nnames);
		if (r != RES_OK) {
			msg_writer_rollback(w, &mk);
			if (r == RES_ESPACE) {
				msg_writer_truncated(w, sec, needed);
			}
			return r;
		}
	}
	return RES_OK;
}

void
msg_write_opt(uint8_t *p, uint16_t udp_size, uint16_t rcode, uint8_t version,
    int do_bit)
{
	/* RFC 6891 section 6.1.2: root owner, type OPT, class the payload
	 * size, TTL the extended rcode (the upper 8 of 12 bits), version
	 * and flags (DO, RFC 3225 section 3), no options yet. */
	p[0] = 0;
	wire_put16(p + 1, RR_TYPE_OPT);
	wire_put16(p + 3, udp_size);
	wire_put32(p + 5, ((uint32_t)(rcode >> 4) << 24) |
	    ((uint32_t)version << 16) | (do_bit ? EDNS_FLAG_DO : 0));
	wire_put16(p + 9, 0);
}

int
msg_writer_finish(struct msg_writer *w, size_t *len)
{
	uint16_t flags;

	if (!w || w->stage == STAGE_INIT || (w->rcode > 0xf && !w->edns)) {
		return RES_EINVAL;
	}
	if (w->edns) {
		uint8_t *p = w->buf + w->pos;
		size_t rdlen = w->reserve - MSG_OPT_LEN, o = MSG_OPT_LEN;

		assert(w->pos + w->reserve <= w->limit);
		msg_write_opt(p, w->eo.udp_size, w->rcode, w->eo.version,
		    w->eo.do_bit);
		if (w->eo.cookie) {
			wire_put16(p + o, EDNS_OPT_COOKIE);
			wire_put16(p + o + 2, (uint16_t)w->eo.cookie_len);
			memcpy(p + o + 4, w->eo.cookie, w->eo.cookie_len);
			o += 4 + w->eo.cookie_len;
		}
		if (w->eo.ede) {
			wire_put16(p + o, EDNS_OPT_EDE);
			wire_put16(p + o + 2, (uint16_t)(2 + w->ede_text_len));
			wire_put16(p + o + 4, w->eo.ede_code);
			if (w->ede_text_len) {
				memcpy(p + o + 6, w->eo.ede_text,
				    w->ede_text_len);
			}
			o += 6 + w->ede_text_len;
		}
		if (w->eo.keepalive) {
			wire_put16(p + o, EDNS_OPT_KEEPALIVE);
			wire_put16(p + o + 2, 2);
			wire_put16(p + o + 4, w->eo.keepalive_100ms);
			o += 6;
		}
		if (w->eo.padding_block) {
			/* RFC 7830: pad to a multiple of the block, within
			 * the limit. */
			size_t total = w->pos + w->reserve, b, pad;

			b = w->eo.padding_block;
			pad = (b - total % b) % b;
			if (pad > w->limit - total) {
				pad = w->limit - total;
			}
			wire_put16(p + o, EDNS_OPT_PADDING);
			wire_put16(p + o + 2, (uint16_t)pad);
			memset(p + o + 4, 0, pad);
			o += 4 + pad;
			rdlen += pad;
		}
		assert(o == MSG_OPT_LEN + rdlen);
		wire_put16(p + 9, (uint16_t)rdlen);
		w->pos += o;
		w->reserve = 0;
		w->edns = 0;
		w->count[3]++;
	}
	flags = wire_get16(w->buf + 2) & (uint16_t)~(MSG_FLAG_TC | 0xf);
	if (w->tc) {
		flags |= MSG_FLAG_TC;
	}
	flags |= w->rcode & 0xf;
	wire_put16(w->buf + 2, flags);
	wire_put16(w->buf + 4, w->count[0]);
	wire_put16(w->buf + 6, w->count[1]);
	wire_put16(w->buf + 8, w->count[2]);
	wire_put16(w->buf + 10, w->count[3]);
	if (len) {
		*len = w->pos;
	}
	return RES_OK;
}

int
msg_set_id(uint8_t *pkt, size_t len, uint16_t id)
{
	if (!pkt || len < MSG_HEADER_LEN) {
		return RES_EINVAL;
	}
	wire_put16(pkt, id);
	return RES_OK;
}

int
msg_set_flags(uint8_t *pkt, size_t len, uint16_t set, uint16_t clear)
{
	if (!pkt || len < MSG_HEADER_LEN) {
		return RES_EINVAL;
	}
	wire_put16(pkt + 2, (uint16_t)((wire_get16(pkt + 2) & ~clear) | set));
	return RES_OK;
}

int
msg_truncate_reply(uint8_t *pkt, size_t len, size_t *newlen)
{
	struct dns_msg *m;
	size_t end, optlen = 0;
	int r;

	if (!pkt || !newlen) {
		return RES_EINVAL;
	}
	/* Rare path (a reply the kernel would not send): the view is too
	 * big for the stack of a worker that may be deep in a callback. */
	if ((m = malloc(sizeof(*m))) == NULL) {
		return RES_ENOMEM;
	}
	if ((r = msg_parse_query(m, pkt, len)) != RES_OK ||
	    m->qdcount != 1 || !m->have_question) {
		free(m);
		return r != RES_OK ? r : RES_EMALFORMED;
	}
	end = (size_t)m->qoff + m->qlen;
	if (m->edns.present) {
		/* Root owner (1), type, class, TTL, RDLENGTH, RDATA. */
		optlen = MSG_OPT_LEN + wire_get16(pkt + m->edns.rr_off + 9);
		memmove(pkt + end, pkt + m->edns.rr_off, optlen);
	}
	wire_put16(pkt + 2, (uint16_t)(wire_get16(pkt + 2) | MSG_FLAG_TC));
	wire_put16(pkt + 6, 0);
	wire_put16(pkt + 8, 0);
	wire_put16(pkt + 10, m->edns.present ? 1 : 0);
	*newlen = end + optlen;
	free(m);
	return RES_OK;
}
