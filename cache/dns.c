/*
 * cache/dns.c - storing and finding replies in the RRset and message
 * caches (see dns.h).
 */
#include "config.h"
#include "cache/dns.h"
#include "cache/msgcache.h"
#include "cache/rrset.h"
#include "util/answer.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/module.h"
#include "util/msg.h"
#include "util/region.h"
#include "util/reply.h"
#include <stdlib.h>
#include <string.h>

/** RRs (with RRSIGs) of one RRset handled on the stack; larger sets
 * (up to what a 64 KiB message holds) take memory from the heap. */
#define DNS_FAST_MAX_RR 128

int
dns_cache_store_rrset(struct module_env *env, const struct reply_rrset *s,
    uint64_t *id)
{
	struct rrset_rr stack[DNS_FAST_MAX_RR * 2], *rrs = stack;
	struct rrset_store in;
	size_t i, n = s->count + s->sigcount;
	int r;

	if (id) {
		*id = 0;
	}
	if (s->count == 0) {
		return RES_ELIMIT;
	}
	if (n > sizeof(stack) / sizeof(stack[0]) &&
	    !(rrs = malloc(n * sizeof(*rrs)))) {
		return RES_ENOMEM;
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
	r = rrset_cache_store(env->rrset_cache, s->owner, s->type,
	    s->rclass, &in, *env->now, id);
	if (rrs != stack) {
		free(rrs);
	}
	return r;
}

/**
 * Write the sections of a cached message: each RRset with its remaining
 * TTL, RRSIGs when do_bit, only the RRsets answer_keeps_rrset() keeps.
 * @param stale_ttl: the TTL of an expired RRset (serve-expired-reply-ttl),
 *	0 when none is served.
 * @return 0, or -1 when out of memory for a large RRset.
 */
static int
dns_write_sections(struct msg_writer *w, const struct rrset_ref *refs,
    struct rrset_entry *const *rrsets, size_t an, size_t ns, size_t n,
    int do_bit, time_t now, uint32_t stale_ttl)
{
	const uint8_t *rd_stack[DNS_FAST_MAX_RR], **rd;
	uint16_t rdlen_stack[DNS_FAST_MAX_RR], *rdlen;
	uint32_t ttl;
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct rrset_ref *ref = &refs[i];
		const struct rrset_data *d = &rrsets[i]->d;
		size_t cnt = (size_t)d->count + d->rrsig_count;
		int sec = i < an ? MSG_SEC_ANSWER : i < an + ns ?
		    MSG_SEC_AUTHORITY : MSG_SEC_ADDITIONAL;

		if (!answer_keeps_rrset(sec, ref->type, do_bit)) {
			continue;
		}
		rd = rd_stack;
		rdlen = rdlen_stack;
		if (cnt > DNS_FAST_MAX_RR) {
			rd = malloc(cnt * sizeof(*rd));
			rdlen = malloc(cnt * sizeof(*rdlen));
			if (!rd || !rdlen) {
				free(rd);
				free(rdlen);
				return -1;
			}
		}
		for (j = 0; j < cnt; j++) {
			rd[j] = rrset_data_rr(d, j, &rdlen[j]);
		}
		ttl = rrset_data_ttl_left(d, now);
		if (ttl == 0 && stale_ttl) {
			ttl = stale_ttl;
		}
		reply_write_rrset(w, sec, ref->owner, ref->type, ref->rclass,
		    ttl, rd, rdlen, d->count,
		    d->rrsig_count, do_bit, sec == MSG_SEC_ANSWER ||
		    (sec == MSG_SEC_AUTHORITY && ref->type == RR_TYPE_SOA));
		if (rd != rd_stack) {
			free(rd);
			free(rdlen);
		}
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

		if (!answer_keeps_rrset(i < an ? MSG_SEC_ANSWER :
		    MSG_SEC_AUTHORITY, refs[i].type, do_bit)) {
			continue;
		}
		want += d->count + (do_bit ? d->rrsig_count : 0);
	}
	msg_writer_init(&w, buf, DNS_WIRE_BUF);
	if (msg_writer_header(&w, 0, 0, 0) != RES_OK ||
	    msg_writer_question(&w, qi->qname, qi->qtype, qi->qclass) !=
	    RES_OK || dns_write_sections(&w, refs, rrsets, an, ns, n, do_bit,
	    now, 0) != 0 || msg_writer_finish(&w, &len) != RES_OK) {
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

/** The message cache key of a client's question: name, type, class, CD. */
#define DNS_KEY_FLAGS(to) (((to)->qflags & MSG_FLAG_CD) ? MSG_QFLAG_CD : 0)

/** Can a cached message answer this client now?  Stale entries wait for
 * an upstream failure; unvalidated ones for the validator, unless the
 * client set CD. */
static int
dns_answerable(const struct answer_to *to, int st, int sec, int validating)
{
	return !(st & CACHE_FLAG_STALE) && !(validating &&
	    !(to->qflags & MSG_FLAG_CD) && sec == RRSET_SEC_UNCHECKED);
}

/** The wire fast path's query, for dns_wire_one(). */
struct dns_wire_arg {
	/** the client and the server's side */
	const struct answer_to *to;
	const struct answer_opts *o;
	/** 1 when the validator runs */
	int validating;
	/** current time */
	time_t now;
	/** the reply buffer and its capacity */
	uint8_t *buf;
	size_t cap;
	/** receives the reply length */
	size_t *len;
	/** receives 1 when the entry asks for a prefetch */
	int *prefetch;
};

/**
 * Under the message's shard lock (msg_cache_apply_msg()): answer from the
 * encoded variant (see cache/msgcache.h), or say why not.
 * @return 1 answered, -1 a miss, 0 for the RRset path.
 */
static int
dns_wire_one(const struct msg_entry *e, int st, void *arg)
{
	struct dns_wire_arg *a = arg;
	const struct msg_wire *w = &e->d.wire[a->to->do_bit ? 1 : 0];
	int sec = e->d.security;

	if (!dns_answerable(a->to, st, sec, a->validating)) {
		return -1;
	}
	/* No variant is stored for bogus, EDE or extended-rcode messages
	 * (msg_wire_allowed()); a variant that does not fit the client
	 * takes the RRset path too, which truncates. */
	if ((a->validating && !(a->to->qflags & MSG_FLAG_CD) &&
	    sec == RRSET_SEC_BOGUS) || !msg_wire_live(w, a->now)) {
		return 0;
	}
	if (answer_wire(a->to, a->o, answer_flags(a->to, a->validating &&
	    sec == RRSET_SEC_SECURE, 0), e->d.rcode, w->data, w->len, w->an,
	    w->ns, w->ar, w->ttl_off, w->nttl, (uint32_t)(a->now - w->at),
	    a->buf, a->cap, a->len) != RES_OK) {
		/* Does not fit: the RRset path truncates. */
		return 0;
	}
	*a->prefetch = (st & CACHE_FLAG_PREFETCH) != 0;
	return 1;
}

/**
 * Answer from a cached message through its RRsets (the slow path of
 * dns_cache_answer(), and stale answers).
 * @param stale_ttl: 0: an expired message is a miss; else it answers,
 *	its expired RRsets with this TTL, with EDE 3 (RFC 8767).
 * @param prefetch: receives 1 when the entry asks for a prefetch.
 * @return 1 answered, 0 not.
 */
static int
dns_answer_rrsets(struct msg_cache *mc, struct rrset_cache *rc,
    const struct answer_to *to, const struct answer_opts *o, int validating,
    time_t now, uint32_t stale_ttl, uint8_t *buf, size_t cap, size_t *len,
    int *prefetch)
{
	struct msg_answer ans;
	struct msg_writer w;
	struct msg_entry *e;
	int ok = 0, sec, bogus, st, ede;
	const char *ede_text;

	if ((e = msg_cache_lookup_msg(mc, to->qname, to->qtype, to->qclass,
	    DNS_KEY_FLAGS(to), now, &st)) == NULL) {
		return 0;
	}
	sec = e->d.security;
	if (!dns_answerable(to, stale_ttl ? st & ~CACHE_FLAG_STALE : st,
	    sec, validating)) {
		msg_cache_release(mc, e);
		return 0;
	}
	bogus = validating && !(to->qflags & MSG_FLAG_CD) &&
	    sec == RRSET_SEC_BOGUS;
	if (bogus && stale_ttl) {
		/* A failure is not served again as a stale answer. */
		msg_cache_release(mc, e);
		return 0;
	}
	if (msg_cache_answer_from(mc, rc, e, st, now, &ans) != RES_OK) {
		return 0;
	}
	if ((ans.flags & CACHE_FLAG_STALE) && !stale_ttl) {
		goto out;
	}
	/* A bogus answer is a SERVFAIL with its reason; an answer may carry
	 * an EDE of its own.  EDE 0 is "other": sent with a bogus answer
	 * only.  A stale answer says so (EDE 3). */
	ede = (bogus && ans.msg->d.ede >= 0) || ans.msg->d.ede > 0 ?
	    ans.msg->d.ede : -1;
	ede_text = ans.msg->d.reason;
	if (ans.flags & CACHE_FLAG_STALE) {
		ede = ans.msg->d.rcode == MSG_RCODE_NXDOMAIN ?
		    EDE_STALE_NXDOMAIN : EDE_STALE_ANSWER;
		ede_text = NULL;
	}
	if (answer_begin(&w, buf, cap, to, o, answer_flags(to, validating &&
	    sec == RRSET_SEC_SECURE, 0), bogus ? MSG_RCODE_SERVFAIL :
	    ans.msg->d.rcode, ede, ede_text) != RES_OK) {
		goto out;
	}
	if (!bogus && dns_write_sections(&w, ans.msg->d.refs, ans.rrsets,
	    ans.msg->d.an, ans.msg->d.ns, ans.n, to->do_bit, now,
	    (ans.flags & CACHE_FLAG_STALE) ? stale_ttl : 0) != 0) {
		goto out;
	}
	if (answer_finish(&w, len) == RES_OK) {
		ok = 1;
		*prefetch = (st & CACHE_FLAG_PREFETCH) != 0;
	}
out:
	msg_cache_answer_release(mc, rc, &ans);
	return ok;
}

int
dns_cache_answer_rrsets(struct msg_cache *mc, struct rrset_cache *rc,
    const struct answer_to *to, const struct answer_opts *o, int validating,
    time_t now, uint8_t *buf, size_t cap, size_t *len)
{
	int prefetch;

	return dns_answer_rrsets(mc, rc, to, o, validating, now, 0, buf, cap,
	    len, &prefetch);
}

int
dns_cache_answer_stale(struct msg_cache *mc, struct rrset_cache *rc,
    const struct answer_to *to, const struct answer_opts *o, int validating,
    time_t now, uint32_t stale_ttl, uint8_t *buf, size_t cap, size_t *len)
{
	int prefetch;

	return dns_answer_rrsets(mc, rc, to, o, validating, now,
	    stale_ttl ? stale_ttl : 1, buf, cap, len, &prefetch);
}

int
dns_cache_answer(struct msg_cache *mc, struct rrset_cache *rc,
    const struct answer_to *to, const struct answer_opts *o, int validating,
    time_t now, uint8_t *buf, size_t cap, size_t *len, int *prefetch)
{
	int pf = 0;
	struct dns_wire_arg a = { to, o, validating, now, buf, cap, len,
	    &pf };
	int st;

	st = msg_cache_apply_msg(mc, to->qname, to->qtype, to->qclass,
	    DNS_KEY_FLAGS(to), now, dns_wire_one, &a);
	if (st == 0) {
		st = dns_answer_rrsets(mc, rc, to, o, validating, now, 0, buf,
		    cap, len, &pf);
	}
	if (prefetch) {
		*prefetch = st > 0 && pf;
	}
	return st > 0;
}
