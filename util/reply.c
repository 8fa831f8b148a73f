/*
 * util/reply.c - replies as RRsets (see reply.h).
 */
#include "config.h"
#include "util/reply.h"
#include "util/answer.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/msg.h"
#include "util/rdata.h"
#include "util/rrtype.h"
#include "util/region.h"
#include <stdlib.h>
#include <limits.h>
#include <string.h>

/** Names inside one RDATA that are compressed when writing. */
#define REPLY_MAX_RDATA_NAMES 8

/** The type an RRSIG covers (first two octets of its RDATA). */
static uint16_t
rrsig_covered(const uint8_t *rd, uint16_t len)
{
	return len >= 2 ? (uint16_t)((rd[0] << 8) | rd[1]) : 0;
}

/** Grouping work item: one RR of the message, decompressed. */
struct reply_item {
	/** Owner (region). */
	const uint8_t *owner;
	/** Type, class (the covered type for RRSIGs is in cover). */
	uint16_t type, rclass, cover;
	/** TTL. */
	uint32_t ttl;
	/** RDATA (region). */
	const uint8_t *rd;
	/** Its length. */
	uint16_t rdlen;
	/** Section. */
	int section;
	/** RRset index it went to, or -1; REPLY_DUP for a duplicate. */
	long set;
};

/** The set of an RR that repeats an earlier one (left out). */
#define REPLY_DUP LONG_MAX

struct reply *
reply_create(struct region *r, size_t max)
{
	struct reply *rep = region_zalloc(r, sizeof(*rep));

	if (!rep) {
		return NULL;
	}
	rep->rrsets = region_zalloc(r, sizeof(*rep->rrsets) * (max ? max : 1));
	if (!rep->rrsets) {
		return NULL;
	}
	rep->ede = -1;
	return rep;
}

int
reply_add(struct reply *rep, size_t max, struct reply_rrset *s, int section)
{
	size_t n = rep->an + rep->ns + rep->ar;

	if (n >= max) {
		return RES_ESPACE;
	}
	rep->rrsets[n] = s;
	s->section = section;
	if (section == MSG_SEC_ANSWER) {
		rep->an++;
	} else if (section == MSG_SEC_AUTHORITY) {
		rep->ns++;
	} else {
		rep->ar++;
	}
	return RES_OK;
}

struct reply_rrset *
reply_find(const struct reply *rep, int section, const uint8_t *owner,
    uint16_t type, uint16_t rclass)
{
	size_t i, start = 0, end;

	if (section == MSG_SEC_AUTHORITY) {
		start = rep->an;
	} else if (section == MSG_SEC_ADDITIONAL) {
		start = rep->an + rep->ns;
	}
	end = start + (section == MSG_SEC_ANSWER ? rep->an :
	    section == MSG_SEC_AUTHORITY ? rep->ns : rep->ar);
	for (i = start; i < end; i++) {
		struct reply_rrset *s = rep->rrsets[i];

		if (s->type == type && s->rclass == rclass &&
		    dname_equal(s->owner, owner)) {
			return s;
		}
	}
	return NULL;
}

int
reply_from_msg(struct region *r, const struct dns_msg *m, struct reply **out)
{
	struct reply_item *items;
	struct reply *rep;
	uint8_t *buf;
	size_t i, j, n = 0, nsets = 0;
	int ret;

	items = region_zalloc(r, sizeof(*items) * (m->nrr ? m->nrr : 1));
	rep = reply_create(r, m->nrr);
	buf = malloc(RDATA_MAXLEN);
	if (!items || !rep || !buf) {
		free(buf);
		return RES_ENOMEM;
	}
	rep->flags = m->flags;
	rep->rcode = m->rcode;
	/* Decompress every RR (the OPT record stays out). */
	for (i = 0; i < m->nrr; i++) {
		const struct msg_rr *rr = &m->rr[i];
		uint8_t owner[DNAME_MAXLEN];
		size_t olen, rdlen;

		if (rr->type == RR_TYPE_OPT) {
			continue;
		}
		if (msg_rr_owner(m, i, owner, &olen) != RES_OK) {
			free(buf);
			return RES_EMALFORMED;
		}
		ret = rdata_unpack(rr->type, m->pkt, m->len, rr->rdata,
		    rr->rdlen, buf, RDATA_MAXLEN, &rdlen);
		if (ret != RES_OK) {
			free(buf);
			return RES_EMALFORMED;
		}
		items[n].owner = region_copy(r, owner, olen);
		items[n].rd = region_copy(r, buf, rdlen);
		if (!items[n].owner || !items[n].rd) {
			free(buf);
			return RES_ENOMEM;
		}
		items[n].type = rr->type;
		items[n].rclass = rr->rclass;
		items[n].ttl = rr->ttl > 0x7fffffffu ? 0 : rr->ttl;
		items[n].rdlen = (uint16_t)rdlen;
		items[n].section = rr->section;
		items[n].cover = rr->type == RR_TYPE_RRSIG ?
		    rrsig_covered(items[n].rd, items[n].rdlen) : 0;
		items[n].set = -1;
		n++;
	}
	free(buf);
	/* RFC 2181 section 5: an RRset has no two identical RRs; the
	 * receiver drops duplicates.  (An RRSIG repeated is one too.) */
	for (i = 0; i < n; i++) {
		if (items[i].set == REPLY_DUP) {
			continue;
		}
		for (j = i + 1; j < n; j++) {
			if (items[j].set != REPLY_DUP &&
			    items[j].type == items[i].type &&
			    items[j].rclass == items[i].rclass &&
			    items[j].section == items[i].section &&
			    items[j].rdlen == items[i].rdlen &&
			    memcmp(items[j].rd, items[i].rd, items[i].rdlen) ==
			    0 && dname_equal(items[j].owner, items[i].owner)) {
				items[j].set = REPLY_DUP;
			}
		}
	}
	/* Group RRs (not RRSIGs) into sets, in order of first appearance. */
	for (i = 0; i < n; i++) {
		struct reply_rrset *s;
		size_t cnt = 0, k;

		if (items[i].set >= 0 || items[i].type == RR_TYPE_RRSIG) {
			continue;
		}
		for (j = i; j < n; j++) {
			if (items[j].set < 0 && items[j].type == items[i].type &&
			    items[j].rclass == items[i].rclass &&
			    items[j].section == items[i].section &&
			    dname_equal(items[j].owner, items[i].owner)) {
				items[j].set = (long)nsets;
				cnt++;
			}
		}
		/* Count RRSIGs covering it in the same section. */
		for (j = 0; j < n; j++) {
			if (items[j].type == RR_TYPE_RRSIG && items[j].set < 0 &&
			    items[j].cover == items[i].type &&
			    items[j].section == items[i].section &&
			    items[j].rclass == items[i].rclass &&
			    dname_equal(items[j].owner, items[i].owner)) {
				items[j].set = (long)nsets;
			}
		}
		s = region_zalloc(r, sizeof(*s));
		if (!s) {
			return RES_ENOMEM;
		}
		s->owner = items[i].owner;
		s->type = items[i].type;
		s->rclass = items[i].rclass;
		s->ttl = items[i].ttl;
		for (j = 0, k = 0; j < n; j++) {
			if (items[j].set == (long)nsets &&
			    items[j].type != RR_TYPE_RRSIG) {
				k++;
			} else if (items[j].set == (long)nsets) {
				s->sigcount++;
			}
		}
		s->count = k;
		s->rd = region_alloc(r, sizeof(*s->rd) *
		    (s->count + s->sigcount));
		s->rdlen = region_alloc(r, sizeof(*s->rdlen) *
		    (s->count + s->sigcount));
		if (!s->rd || !s->rdlen) {
			return RES_ENOMEM;
		}
		k = 0;
		for (j = 0; j < n; j++) {
			if (items[j].set == (long)nsets &&
			    items[j].type != RR_TYPE_RRSIG) {
				s->rd[k] = items[j].rd;
				s->rdlen[k] = items[j].rdlen;
				if (items[j].ttl < s->ttl) {
					s->ttl = items[j].ttl;
				}
				k++;
			}
		}
		for (j = 0; j < n; j++) {
			if (items[j].set == (long)nsets &&
			    items[j].type == RR_TYPE_RRSIG) {
				s->rd[k] = items[j].rd;
				s->rdlen[k] = items[j].rdlen;
				k++;
			}
		}
		(void)cnt;
		reply_add(rep, m->nrr, s, items[i].section);
		nsets++;
	}
	/* RRSIGs without their RRset stay as RRSIG "sets" of their own. */
	for (i = 0; i < n; i++) {
		struct reply_rrset *s;

		if (items[i].set >= 0) {
			continue;
		}
		s = region_zalloc(r, sizeof(*s));
		if (!s) {
			return RES_ENOMEM;
		}
		s->owner = items[i].owner;
		s->type = RR_TYPE_RRSIG;
		s->rclass = items[i].rclass;
		s->ttl = items[i].ttl;
		s->count = 1;
		s->rd = region_alloc(r, sizeof(*s->rd));
		s->rdlen = region_alloc(r, sizeof(*s->rdlen));
		if (!s->rd || !s->rdlen) {
			return RES_ENOMEM;
		}
		s->rd[0] = items[i].rd;
		s->rdlen[0] = items[i].rdlen;
		items[i].set = (long)nsets++;
		reply_add(rep, m->nrr, s, items[i].section);
	}
	/* Sections must be in order for reply_add's counting: sort by
	 * section, stable. */
	{
		size_t total = rep->an + rep->ns + rep->ar, w = 0;
		struct reply_rrset **sorted = region_alloc(r,
		    sizeof(*sorted) * (total ? total : 1));
		int sec;

		if (!sorted) {
			return RES_ENOMEM;
		}
		for (sec = 0; sec < 3; sec++) {
			for (i = 0; i < total; i++) {
				if (rep->rrsets[i]->section == sec) {
					sorted[w++] = rep->rrsets[i];
				}
			}
		}
		rep->rrsets = sorted;
	}
	*out = rep;
	return RES_OK;
}

int
reply_write_rrset(struct msg_writer *w, int section, const uint8_t *owner,
    uint16_t type, uint16_t rclass, uint32_t ttl, const uint8_t **rd,
    const uint16_t *rdlen, size_t count, size_t sigcount, int with_sigs,
    int needed)
{
	struct msg_mark mk;
	size_t i, total = count + (with_sigs ? sigcount : 0);
	const struct rrtype_info *ti = rrtype_lookup(type);
	/* Only RFC 1035 types carry names that may be compressed (RFC 3597
	 * section 4): the others need no RDATA parsing on this path. */
	int compress = ti && (ti->flags & RRTYPE_F_COMPRESS);
	int ret;

	msg_writer_mark(w, &mk);
	for (i = 0; i < total; i++) {
		size_t offs[REPLY_MAX_RDATA_NAMES];
		uint16_t names[REPLY_MAX_RDATA_NAMES];
		int nn = 0, comp = 0, k;
		uint16_t t = i < count ? type : RR_TYPE_RRSIG;

		if (compress && i < count) {
			nn = rdata_name_offsets(t, rd[i], rdlen[i], offs,
			    REPLY_MAX_RDATA_NAMES, &comp);
			if (nn < 0 || !comp) {
				nn = 0;
			}
			for (k = 0; k < nn; k++) {
				names[k] = (uint16_t)offs[k];
			}
		}
		ret = msg_writer_rr(w, section, owner, t, rclass, ttl, rd[i],
		    rdlen[i], nn ? names : NULL, (size_t)nn);
		if (ret != RES_OK) {
			msg_writer_rollback(w, &mk);
			if (ret == RES_ESPACE) {
				msg_writer_truncated(w, section, needed ||
				    section == MSG_SEC_ANSWER);
			}
			return ret;
		}
	}
	return RES_OK;
}

int
reply_write(struct msg_writer *w, const struct reply *rep, int with_sigs,
    uint32_t age)
{
	size_t i, total = rep->an + rep->ns + rep->ar;
	int ret;

	for (i = 0; i < total; i++) {
		const struct reply_rrset *s = rep->rrsets[i];
		uint32_t ttl = s->ttl > age ? s->ttl - age : 0;

		if (!answer_keeps_rrset(s->section, s->type, with_sigs)) {
			continue;
		}
		/* The SOA of a negative answer is needed (RFC 2308). */
		ret = reply_write_rrset(w, s->section, s->owner, s->type,
		    s->rclass, ttl, s->rd, s->rdlen, s->count, s->sigcount,
		    with_sigs, s->section != MSG_SEC_ADDITIONAL &&
		    (s->section == MSG_SEC_ANSWER || s->type == RR_TYPE_SOA));
		if (ret == RES_EINVAL) {
			return ret;
		}
	}
	return RES_OK;
}

/** Deep copy of one RRset into a region. */
static struct reply_rrset *
reply_copy_rrset(struct region *r, const struct reply_rrset *s)
{
	struct reply_rrset *c = region_alloc(r, sizeof(*c));
	size_t i, n = s->count + s->sigcount;

	if (!c) {
		return NULL;
	}
	*c = *s;
	c->owner = region_copy(r, s->owner, dname_len(s->owner));
	c->reason = s->reason ? region_copy(r, s->reason,
	    strlen(s->reason) + 1) : NULL;
	c->rd = region_alloc(r, sizeof(*c->rd) * (n ? n : 1));
	c->rdlen = region_alloc(r, sizeof(*c->rdlen) * (n ? n : 1));
	if (!c->owner || !c->rd || !c->rdlen) {
		return NULL;
	}
	for (i = 0; i < n; i++) {
		c->rd[i] = region_copy(r, s->rd[i], s->rdlen[i]);
		if (!c->rd[i] && s->rdlen[i]) {
			return NULL;
		}
		c->rdlen[i] = s->rdlen[i];
	}
	return c;
}

struct reply *
reply_copy(struct region *r, const struct reply *rep)
{
	size_t i, n = rep->an + rep->ns + rep->ar;
	struct reply *c = reply_create(r, n);

	if (!c) {
		return NULL;
	}
	c->flags = rep->flags;
	c->rcode = rep->rcode;
	c->security = rep->security;
	c->ede = rep->ede;
	c->ede_text = rep->ede_text ? region_copy(r, rep->ede_text,
	    strlen(rep->ede_text) + 1) : NULL;
	for (i = 0; i < n; i++) {
		struct reply_rrset *s = reply_copy_rrset(r, rep->rrsets[i]);

		if (!s) {
			return NULL;
		}
		reply_add(c, n, s, rep->rrsets[i]->section);
	}
	return c;
}
