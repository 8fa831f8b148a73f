/*
 * cache/dns.c - storing and finding replies in the RRset and message
 * caches (see dns.h).
 */
#include "config.h"
#include "cache/dns.h"
#include "cache/msgcache.h"
#include "cache/rrset.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/module.h"
#include "util/msg.h"
#include "util/region.h"
#include "util/reply.h"
#include <string.h>

/** RRs (with RRSIGs) of one RRset the fast path writes; larger sets are
 * answered through the slow path. */
#define DNS_FAST_MAX_RR 128

int
dns_cache_store_rrset(struct module_env *env, const struct reply_rrset *s,
    uint64_t *id)
{
	struct rrset_rr rrs[DNS_FAST_MAX_RR * 2];
	struct rrset_store in;
	size_t i, n = s->count + s->sigcount;

	if (id) {
		*id = 0;
	}
	if (n > sizeof(rrs) / sizeof(rrs[0]) || s->count == 0) {
		return RES_ELIMIT;
	}
	for (i = 0; i < n; i++) {
		rrs[i].data = s->rd[i];
		rrs[i].len = s->rdlen[i];
	}
	memset(&in, 0, sizeof(in));
	in.rrs = rrs;
	in.count = s->count;
	in.rrsigs = s->sigcount ? rrs + s->count : NULL;
	in.rrsig_count = s->sigcount;
	in.ttl = s->ttl;
	in.trust = (enum rrset_trust)s->trust;
	in.security = (enum rrset_sec)s->security;
	if (s->security == RRSET_SEC_BOGUS) {
		in.ede = s->ede;
		in.bogus_reason = s->reason;
	}
	return rrset_cache_store(env->rrset_cache, s->owner, s->type,
	    s->rclass, &in, *env->now, id);
}

/**
 * Write the sections of a cached message: each RRset with its remaining
 * TTL, RRSIGs when do_bit, and RFC 4035 section 3.2.1: no NSEC, NSEC3 or
 * RRSIG RRsets outside the answer section for clients without DO.
 * @return 0, or -1 when an RRset has more RRs than the fast path writes.
 */
static int
dns_write_sections(struct msg_writer *w, const struct rrset_ref *refs,
    struct rrset_entry *const *rrsets, size_t an, size_t ns, size_t n,
    int do_bit, time_t now)
{
	const uint8_t *rd[DNS_FAST_MAX_RR];
	uint16_t rdlen[DNS_FAST_MAX_RR];
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct rrset_ref *ref = &refs[i];
		const struct rrset_data *d = &rrsets[i]->d;
		size_t cnt = (size_t)d->count + d->rrsig_count;
		int sec = i < an ? MSG_SEC_ANSWER : i < an + ns ?
		    MSG_SEC_AUTHORITY : MSG_SEC_ADDITIONAL;

		if (cnt > DNS_FAST_MAX_RR) {
			return -1;
		}
		if (!do_bit && sec != MSG_SEC_ANSWER &&
		    (ref->type == RR_TYPE_NSEC || ref->type == RR_TYPE_NSEC3 ||
		    ref->type == RR_TYPE_RRSIG)) {
			continue;
		}
		for (j = 0; j < cnt; j++) {
			rd[j] = rrset_data_rr(d, j, &rdlen[j]);
		}
		reply_write_rrset(w, sec, ref->owner, ref->type, ref->rclass,
		    rrset_data_ttl_left(d, now), rd, rdlen, d->count,
		    d->rrsig_count, do_bit, sec == MSG_SEC_ANSWER ||
		    (sec == MSG_SEC_AUTHORITY && ref->type == RR_TYPE_SOA));
	}
	return 0;
}

/**
 * Encode the sections of a message for the wire fast path (struct
 * msg_wire): written as a reply would be, then walked to find the TTL
 * fields.  Only a complete encoding is kept: nothing left out for room,
 * nothing truncated.
 * @param buf: DNS_WIRE_BUF octets; out->data points into it.
 * @param ttl_off: MSG_WIRE_MAX_TTLS slots; out->ttl_off points to it.
 * @return 1 with out filled, 0 when this message gets no encoded form.
 */
static int
dns_wire_encode(const struct query_info *qi, const struct rrset_ref *refs,
    struct rrset_entry *const *rrsets, size_t an, size_t ns, size_t n,
    int do_bit, time_t now, uint8_t *buf, uint16_t *ttl_off,
    struct msg_wire *out)
{
	struct msg_writer w;
	size_t len, pos, body, want = 0, i, k;
	uint32_t min = 0xffffffffu;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		const struct rrset_data *d = &rrsets[i]->d;

		if (!do_bit && i >= an && (refs[i].type == RR_TYPE_NSEC ||
		    refs[i].type == RR_TYPE_NSEC3 ||
		    refs[i].type == RR_TYPE_RRSIG)) {
			continue;
		}
		want += d->count + (do_bit ? d->rrsig_count : 0);
	}
	msg_writer_init(&w, buf, DNS_WIRE_BUF);
	if (msg_writer_header(&w, 0, 0, 0) != RES_OK ||
	    msg_writer_question(&w, qi->qname, qi->qtype, qi->qclass) !=
	    RES_OK || dns_write_sections(&w, refs, rrsets, an, ns, n, do_bit,
	    now) != 0 || msg_writer_finish(&w, &len) != RES_OK) {
		return 0;
	}
	body = 12 + qi->qname_len + 4;
	k = (size_t)wire_get16(buf + 6) + (size_t)wire_get16(buf + 8) +
	    (size_t)wire_get16(buf + 10);
	if ((wire_get16(buf + 2) & MSG_FLAG_TC) || k != want ||
	    k > MSG_WIRE_MAX_TTLS || len < body || len - body > MSG_WIRE_MAX) {
		return 0;
	}
	/* Walk the RRs: owner (labels ending in a root label or a
	 * pointer), type, class, TTL, RDLENGTH, RDATA. */
	for (pos = body, i = 0; i < k; i++) {
		uint32_t ttl;

		while (pos < len && buf[pos] != 0 && (buf[pos] & 0xc0) !=
		    0xc0) {
			pos += (size_t)buf[pos] + 1;
		}
		pos += pos < len && buf[pos] != 0 ? 2 : 1;
		if (pos + 10 > len) {
			return 0;
		}
		ttl_off[i] = (uint16_t)(pos + 4 - body);
		ttl = wire_get32(buf + pos + 4);
		if (ttl < min) {
			min = ttl;
		}
		pos += 10 + (size_t)wire_get16(buf + pos + 8);
	}
	if (pos != len || min == 0) {
		return 0;
	}
	out->data = buf + body;
	out->len = (uint16_t)(len - body);
	out->an = wire_get16(buf + 6);
	out->ns = wire_get16(buf + 8);
	out->ar = wire_get16(buf + 10);
	out->nttl = (uint16_t)k;
	out->ttl_off = ttl_off;
	out->at = now;
	out->min_ttl = k ? min : 0xffffffffu;
	return 1;
}

void
dns_cache_wire_prepare(struct rrset_cache *rc, const uint8_t *qname,
    uint16_t qtype, uint16_t qclass, time_t now, struct msg_store *in,
    struct dns_wire_bufs *b)
{
	struct rrset_entry *rrsets[MSG_CACHE_MAX_RRSETS];
	size_t i, n = in->an + in->ns + in->ar, got = 0;
	struct query_info qi;
	int f, v;

	memset(in->wire, 0, sizeof(in->wire));
	if (!msg_wire_allowed(in) || n > MSG_CACHE_MAX_RRSETS ||
	    dname_check(qname, DNAME_MAXLEN, &qi.qname_len) != RES_OK) {
		return;
	}
	qi.qname = (uint8_t *)qname;
	qi.qtype = qtype;
	qi.qclass = qclass;
	for (i = 0; i < n; i++) {
		if (!(rrsets[i] = rrset_cache_lookup_ref(rc, &in->refs[i],
		    now, &f))) {
			goto out;
		}
		got++;
	}
	for (v = 0; v < 2; v++) {
		if (!dns_wire_encode(&qi, in->refs, rrsets, in->an, in->ns, n,
		    v, now, b->buf[v], b->off[v], &in->wire[v])) {
			memset(in->wire, 0, sizeof(in->wire));
			break;
		}
	}
out:
	for (i = 0; i < got; i++) {
		rrset_cache_release(rc, rrsets[i]);
	}
}

int
dns_cache_store_msg(struct module_env *env, const struct query_info *qi,
    uint16_t qflags, const struct reply *rep, int negative)
{
	struct rrset_ref refs[MSG_CACHE_MAX_RRSETS];
	struct msg_store in;
	struct dns_wire_bufs wb;
	size_t i, n = rep->an + rep->ns + rep->ar, k = 0;
	size_t cnt[3] = { 0, 0, 0 };
	uint32_t ttl = 0xffffffffu;
	int ret;

	if (n > MSG_CACHE_MAX_RRSETS) {
		return RES_ELIMIT;
	}
	for (i = 0; i < n; i++) {
		const struct reply_rrset *s = rep->rrsets[i];
		uint64_t id = 0;

		if (s->type == RR_TYPE_RRSIG) {
			continue;
		}
		ret = dns_cache_store_rrset(env, s, &id);
		if (id == 0) {
			/* Not cacheable (TTL 0, too large): so is the
			 * message. */
			return ret != RES_OK ? ret : RES_EINVAL;
		}
		refs[k].owner = s->owner;
		refs[k].type = s->type;
		refs[k].rclass = s->rclass;
		refs[k].id = id;
		k++;
		cnt[s->section]++;
		if (negative && s->type == RR_TYPE_SOA && s->count == 1 &&
		    s->rdlen[0] >= 4) {
			const uint8_t *p = s->rd[0] + s->rdlen[0] - 4;
			uint32_t min = wire_get32(p);

			ttl = msg_cache_negative_ttl(env->msg_cache, s->ttl,
			    min);
		} else if (!negative && s->ttl < ttl) {
			ttl = s->ttl;
		}
	}
	if (ttl == 0xffffffffu) {
		/* A negative answer without SOA is not cached (RFC 2308
		 * section 5). */
		if (negative) {
			return RES_EINVAL;
		}
		ttl = 0;
	}
	memset(&in, 0, sizeof(in));
	in.rcode = rep->rcode;
	in.flags = rep->flags;
	in.refs = refs;
	in.an = cnt[0];
	in.ns = cnt[1];
	in.ar = cnt[2];
	in.ttl = ttl;
	in.security = rep->security;
	in.ede = rep->ede;
	in.reason = rep->ede_text;
	dns_cache_wire_prepare(env->rrset_cache, qi->qname, qi->qtype,
	    qi->qclass, *env->now, &in, &wb);
	return msg_cache_store(env->msg_cache, qi->qname, qi->qtype,
	    qi->qclass, (qflags & MSG_FLAG_CD) ? MSG_QFLAG_CD : 0, &in,
	    *env->now);
}

/** Copy a cached RRset into a region. */
static struct reply_rrset *
dns_copy_rrset(struct region *r, const struct rrset_entry *e,
    const uint8_t *owner, uint16_t type, uint16_t rclass, time_t now)
{
	const struct rrset_data *d = &e->d;
	struct reply_rrset *s = region_zalloc(r, sizeof(*s));
	size_t i, n;

	if (!s) {
		return NULL;
	}
	n = (size_t)d->count + d->rrsig_count;
	s->owner = region_copy(r, owner, dname_len(owner));
	s->rd = region_alloc(r, sizeof(*s->rd) * (n ? n : 1));
	s->rdlen = region_alloc(r, sizeof(*s->rdlen) * (n ? n : 1));
	if (!s->owner || !s->rd || !s->rdlen) {
		return NULL;
	}
	for (i = 0; i < n; i++) {
		uint16_t len;
		const uint8_t *p = rrset_data_rr(d, i, &len);

		s->rd[i] = region_copy(r, p, len);
		if (!s->rd[i] && len) {
			return NULL;
		}
		s->rdlen[i] = len;
	}
	s->type = type;
	s->rclass = rclass;
	s->count = d->count;
	s->sigcount = d->rrsig_count;
	s->ttl = rrset_data_ttl_left(d, now);
	s->trust = d->trust;
	s->security = d->security;
	return s;
}

struct reply_rrset *
dns_cache_lookup_rrset(struct module_env *env, struct region *r,
    const uint8_t *owner, uint16_t type, uint16_t rclass)
{
	struct rrset_entry *e;
	struct reply_rrset *s;
	int flags = 0;

	e = rrset_cache_lookup(env->rrset_cache, owner, type, rclass,
	    *env->now, &flags);
	if (!e) {
		return NULL;
	}
	if (flags & CACHE_FLAG_STALE) {
		rrset_cache_release(env->rrset_cache, e);
		return NULL;
	}
	s = dns_copy_rrset(r, e, owner, type, rclass, *env->now);
	rrset_cache_release(env->rrset_cache, e);
	return s;
}

struct reply *
dns_cache_lookup_msg(struct module_env *env, struct region *r,
    const struct query_info *qi, uint16_t qflags)
{
	struct msg_answer ans;
	struct reply *rep = NULL;
	size_t i;

	if (msg_cache_lookup(env->msg_cache, env->rrset_cache, qi->qname,
	    qi->qtype, qi->qclass, (qflags & MSG_FLAG_CD) ? MSG_QFLAG_CD : 0,
	    *env->now, &ans) != RES_OK) {
		return NULL;
	}
	if (ans.flags & CACHE_FLAG_STALE) {
		goto out;
	}
	rep = reply_create(r, ans.n);
	if (!rep) {
		goto out;
	}
	rep->flags = ans.msg->d.flags;
	rep->rcode = ans.msg->d.rcode;
	rep->security = ans.msg->d.security;
	if (ans.msg->d.ede > 0 || (ans.msg->d.security == RRSET_SEC_BOGUS &&
	    ans.msg->d.ede >= 0)) {
		rep->ede = ans.msg->d.ede;
		rep->ede_text = ans.msg->d.reason ? region_copy(r,
		    ans.msg->d.reason, strlen(ans.msg->d.reason) + 1) : NULL;
	}
	for (i = 0; i < ans.n; i++) {
		const struct rrset_ref *ref = &ans.msg->d.refs[i];
		struct reply_rrset *s = dns_copy_rrset(r, ans.rrsets[i],
		    ref->owner, ref->type, ref->rclass, *env->now);
		int sec = i < ans.msg->d.an ? MSG_SEC_ANSWER :
		    i < (size_t)ans.msg->d.an + ans.msg->d.ns ?
		    MSG_SEC_AUTHORITY : MSG_SEC_ADDITIONAL;

		if (!s) {
			rep = NULL;
			goto out;
		}
		reply_add(rep, ans.n, s, sec);
	}
out:
	msg_cache_answer_release(env->msg_cache, env->rrset_cache, &ans);
	return rep;
}

/**
 * The wire fast path: the reply from the message's encoded sections
 * (see cache/msgcache.h).
 * @return 1 when written, 0 when this query needs the RRset path.
 */
static int
dns_wire_answer(const struct msg_entry *e, const struct dns_msg *q,
    uint16_t flags, uint8_t *buf, size_t cap, size_t limit,
    uint16_t edns_size, time_t now, size_t *len)
{
	const struct msg_wire *w = &e->d.wire[q->edns.do_bit ? 1 : 0];
	size_t qend = 12 + q->qname_len + 4, total, i;
	uint32_t age;
	uint8_t *p;

	if (!msg_wire_live(w, now)) {
		return 0;
	}
	total = qend + w->len + (q->edns.present ? 11 : 0);
	if (total > cap || total > limit) {
		return 0;
	}
	wire_put16(buf, q->id);
	wire_put16(buf + 2, (uint16_t)(flags | e->d.rcode));
	wire_put16(buf + 4, 1);
	wire_put16(buf + 6, w->an);
	wire_put16(buf + 8, w->ns);
	wire_put16(buf + 10, (uint16_t)(w->ar + (q->edns.present ? 1 : 0)));
	/* The question as the client wrote it (its case, RFC 1035 section
	 * 7.3 and the 0x20 draft): same length as the cached name, so the
	 * compression pointers into it hold. */
	memcpy(buf + 12, q->qname, q->qname_len);
	wire_put16(buf + 12 + q->qname_len, q->qtype);
	wire_put16(buf + 14 + q->qname_len, q->qclass);
	memcpy(buf + qend, w->data, w->len);
	age = (uint32_t)(now - w->at);
	if (age > 0) {
		for (i = 0; i < w->nttl; i++) {
			const uint8_t *s = w->data + w->ttl_off[i];
			uint32_t ttl = wire_get32(s);

			ttl -= age;	/* live: every TTL is above age */
			p = buf + qend + w->ttl_off[i];
			p[0] = (uint8_t)(ttl >> 24);
			p[1] = (uint8_t)(ttl >> 16);
			p[2] = (uint8_t)(ttl >> 8);
			p[3] = (uint8_t)ttl;
		}
	}
	if (q->edns.present) {
		/* OPT (RFC 6891 section 6.1.2): root owner, our payload
		 * size, extended rcode and version 0, DO echoed (RFC 3225
		 * section 3), no options. */
		p = buf + qend + w->len;
		p[0] = 0;
		wire_put16(p + 1, RR_TYPE_OPT);
		wire_put16(p + 3, edns_size);
		p[5] = 0;
		p[6] = 0;
		wire_put16(p + 7, q->edns.do_bit ? EDNS_FLAG_DO : 0);
		wire_put16(p + 9, 0);
	}
	*len = total;
	return 1;
}

/** Test switch for the wire fast path (on unless a test turns it off). */
static int dns_wire_enabled = 1;

void
dns_cache_set_wire(int on)
{
	dns_wire_enabled = on;
}

/** The wire fast path's query, for dns_wire_one(). */
struct dns_wire_arg {
	/** the query */
	const struct dns_msg *q;
	/** the reply buffer, its capacity, the client's limit */
	uint8_t *buf;
	size_t cap, limit;
	/** our EDNS payload size */
	uint16_t edns_size;
	/** 1 when the validator runs */
	int validating;
	/** current time */
	time_t now;
	/** receives the reply length */
	size_t *len;
};

/** The reply flags of a cached message for query q. */
static uint16_t
dns_reply_flags(const struct dns_msg *q, int sec, int validating)
{
	uint16_t flags = MSG_FLAG_QR | MSG_FLAG_RA |
	    (q->flags & (MSG_FLAG_RD | MSG_FLAG_CD));

	/* RFC 4035 section 3.2.3 / RFC 6840 section 5.8: AD for secure
	 * data when the client asked with DO or AD. */
	if (validating && !(q->flags & MSG_FLAG_CD) &&
	    sec == RRSET_SEC_SECURE &&
	    (q->edns.do_bit || (q->flags & MSG_FLAG_AD))) {
		flags |= MSG_FLAG_AD;
	}
	return flags;
}

/**
 * Under the message's shard lock (msg_cache_apply_msg()): answer from the
 * encoded variant, or say why not.
 */
static int
dns_wire_one(const struct msg_entry *e, int st, void *arg)
{
	struct dns_wire_arg *a = arg;
	int cd = (a->q->flags & MSG_FLAG_CD) != 0;
	int sec = e->d.security;

	/* Stale: only when upstream fails.  Not validated yet: the
	 * validator must see it first. */
	if ((st & CACHE_FLAG_STALE) || (a->validating && !cd &&
	    sec == RRSET_SEC_UNCHECKED)) {
		return -1;
	}
	/* No variant is stored for bogus, EDE or extended-rcode messages
	 * (msg_wire_allowed()): those take the RRset path. */
	if (a->validating && !cd && sec == RRSET_SEC_BOGUS) {
		return 0;
	}
	return dns_wire_answer(e, a->q, dns_reply_flags(a->q, sec,
	    a->validating), a->buf, a->cap, a->limit, a->edns_size, a->now,
	    a->len);
}

int
dns_cache_answer(struct msg_cache *mc, struct rrset_cache *rc,
    const struct dns_msg *q, uint8_t *buf, size_t cap, size_t limit,
    uint16_t edns_size, int validating, time_t now, size_t *len)
{
	struct msg_answer ans;
	struct msg_writer w;
	struct msg_edns_out eo;
	struct msg_entry *e;
	uint16_t flags;
	int ok = 0, sec, cd, bogus, st;

	cd = (q->flags & MSG_FLAG_CD) != 0;
	if (dns_wire_enabled) {
		struct dns_wire_arg a = { q, buf, cap, limit, edns_size,
		    validating, now, len };

		st = msg_cache_apply_msg(mc, q->qname, q->qtype, q->qclass,
		    cd ? MSG_QFLAG_CD : 0, now, dns_wire_one, &a);
		if (st != 0) {
			return st > 0;
		}
	}
	/* The RRset path: no encoded variant, or one that does not fit. */
	if ((e = msg_cache_lookup_msg(mc, q->qname, q->qtype, q->qclass,
	    cd ? MSG_QFLAG_CD : 0, now, &st)) == NULL) {
		return 0;
	}
	sec = e->d.security;
	if ((st & CACHE_FLAG_STALE) || (validating && !cd &&
	    sec == RRSET_SEC_UNCHECKED)) {
		msg_cache_release(mc, e);
		return 0;
	}
	flags = dns_reply_flags(q, sec, validating);
	bogus = validating && !cd && sec == RRSET_SEC_BOGUS;
	if (msg_cache_answer_from(mc, rc, e, st, now, &ans) != RES_OK) {
		return 0;
	}
	if (ans.flags & CACHE_FLAG_STALE) {
		goto out;
	}
	msg_writer_init(&w, buf, cap);
	msg_writer_set_limit(&w, limit);
	if (msg_writer_header(&w, q->id, flags, bogus ? MSG_RCODE_SERVFAIL :
	    ans.msg->d.rcode) != RES_OK ||
	    msg_writer_question(&w, q->qname, q->qtype, q->qclass) !=
	    RES_OK) {
		goto out;
	}
	if (q->edns.present) {
		memset(&eo, 0, sizeof(eo));
		eo.udp_size = edns_size;
		eo.do_bit = q->edns.do_bit;
		if ((bogus && ans.msg->d.ede >= 0) || ans.msg->d.ede > 0) {
			eo.ede = 1;
			eo.ede_code = (uint16_t)ans.msg->d.ede;
			eo.ede_text = ans.msg->d.reason;
		}
		if (msg_writer_edns(&w, &eo) != RES_OK) {
			goto out;
		}
	}
	if (!bogus && dns_write_sections(&w, ans.msg->d.refs, ans.rrsets,
	    ans.msg->d.an, ans.msg->d.ns, ans.n, q->edns.do_bit, now) != 0) {
		goto out;
	}
	if (msg_writer_finish(&w, len) == RES_OK) {
		ok = 1;
	}
out:
	msg_cache_answer_release(mc, rc, &ans);
	return ok;
}
