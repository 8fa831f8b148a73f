/*
 * cache/dns.c - storing and finding replies in the RRset and message
 * caches (see dns.h).
 */
#include "config.h"
#include "cache/dns.h"
#include "cache/msgcache.h"
#include "cache/rrset.h"
#include "util/dname.h"
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

int
dns_cache_store_msg(struct module_env *env, const struct query_info *qi,
    uint16_t qflags, const struct reply *rep, int negative)
{
	struct rrset_ref refs[MSG_CACHE_MAX_RRSETS];
	struct msg_store in;
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
			uint32_t min = ((uint32_t)p[0] << 24) |
			    ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
			    p[3];

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

int
dns_cache_answer(struct msg_cache *mc, struct rrset_cache *rc,
    const struct dns_msg *q, uint8_t *buf, size_t cap, size_t limit,
    uint16_t edns_size, int validating, time_t now, size_t *len)
{
	struct msg_answer ans;
	struct msg_writer w;
	struct msg_edns_out eo;
	const uint8_t *rd[DNS_FAST_MAX_RR];
	uint16_t rdlen[DNS_FAST_MAX_RR];
	uint16_t flags;
	size_t i, j;
	int ok = 0, sec, cd, bogus;

	if (msg_cache_lookup(mc, rc, q->qname, q->qtype, q->qclass,
	    (q->flags & MSG_FLAG_CD) ? MSG_QFLAG_CD : 0, now, &ans) != RES_OK) {
		return 0;
	}
	if (ans.flags & CACHE_FLAG_STALE) {
		goto out;
	}
	sec = ans.msg->d.security;
	cd = (q->flags & MSG_FLAG_CD) != 0;
	if (validating && !cd && sec == RRSET_SEC_UNCHECKED) {
		/* Not validated yet: the validator must see it first. */
		goto out;
	}
	flags = MSG_FLAG_QR | MSG_FLAG_RA |
	    (q->flags & (MSG_FLAG_RD | MSG_FLAG_CD));
	/* RFC 4035 section 3.2.3 / RFC 6840 section 5.8: AD for secure
	 * data when the client asked with DO or AD. */
	if (validating && !cd && sec == RRSET_SEC_SECURE &&
	    (q->edns.do_bit || (q->flags & MSG_FLAG_AD))) {
		flags |= MSG_FLAG_AD;
	}
	bogus = validating && !cd && sec == RRSET_SEC_BOGUS;
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
	for (i = 0; i < ans.n && !bogus; i++) {
		const struct rrset_ref *ref = &ans.msg->d.refs[i];
		const struct rrset_data *d = &ans.rrsets[i]->d;
		size_t n = (size_t)d->count + d->rrsig_count;
		int sec = i < ans.msg->d.an ? MSG_SEC_ANSWER :
		    i < (size_t)ans.msg->d.an + ans.msg->d.ns ?
		    MSG_SEC_AUTHORITY : MSG_SEC_ADDITIONAL;

		if (n > DNS_FAST_MAX_RR) {
			goto out;
		}
		/* RFC 4035 section 3.2.1, as in reply_write(). */
		if (!q->edns.do_bit && sec != MSG_SEC_ANSWER &&
		    (ref->type == RR_TYPE_NSEC || ref->type == RR_TYPE_NSEC3 ||
		    ref->type == RR_TYPE_RRSIG)) {
			continue;
		}
		for (j = 0; j < n; j++) {
			rd[j] = rrset_data_rr(d, j, &rdlen[j]);
		}
		reply_write_rrset(&w, sec, ref->owner, ref->type, ref->rclass,
		    rrset_data_ttl_left(d, now), rd, rdlen, d->count,
		    d->rrsig_count, q->edns.do_bit, sec == MSG_SEC_ANSWER ||
		    (sec == MSG_SEC_AUTHORITY && ref->type == RR_TYPE_SOA));
	}
	if (msg_writer_finish(&w, len) == RES_OK) {
		ok = 1;
	}
out:
	msg_cache_answer_release(mc, rc, &ans);
	return ok;
}
