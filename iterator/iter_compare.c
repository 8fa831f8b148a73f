/*
 * iterator/iter_compare.c - query-compare: do the replies of two servers
 * of a zone say the same thing? (see iter_compare.h).
 */
#include "config.h"
#include "iterator/iter_compare.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/msg.h"
#include "util/rdata.h"
#include "util/reply.h"
#include "util/rrtype.h"
#include <stdio.h>
#include <string.h>

/** Most names inside one RDATA that the comparison lowercases. */
#define CMP_MAX_NAMES 8
/** Longest RDATA compared without case in its names (longer RDATA with
 * names does not occur in practice; it compares octet for octet). */
#define CMP_MAX_RDATA 1024

/**
 * Is RDATA x the same as y?  Octet for octet, except that the domain
 * names inside compare without case (RFC 4343).
 */
static int
cmp_rdata_same(uint16_t type, const uint8_t *x, size_t xlen,
    const uint8_t *y, size_t ylen)
{
	uint8_t a[CMP_MAX_RDATA], b[CMP_MAX_RDATA];
	size_t offs[CMP_MAX_NAMES];
	int n, i;

	if (xlen != ylen) {
		return 0;
	}
	if (memcmp(x, y, xlen) == 0) {
		return 1;
	}
	if (xlen > sizeof(a)) {
		return 0;
	}
	n = rdata_name_offsets(type, x, xlen, offs, CMP_MAX_NAMES, NULL);
	if (n <= 0) {
		return 0;
	}
	memcpy(a, x, xlen);
	memcpy(b, y, ylen);
	for (i = 0; i < n; i++) {
		dname_tolower(a + offs[i]);
	}
	n = rdata_name_offsets(type, y, ylen, offs, CMP_MAX_NAMES, NULL);
	for (i = 0; i < n; i++) {
		dname_tolower(b + offs[i]);
	}
	return n > 0 && memcmp(a, b, xlen) == 0;
}

/** Does RRset y hold every RR of x (RRSIGs left out)? */
static int
cmp_rrs_within(const struct reply_rrset *x, const struct reply_rrset *y)
{
	size_t i, j;

	for (i = 0; i < x->count; i++) {
		for (j = 0; j < y->count; j++) {
			if (cmp_rdata_same(x->type, x->rd[i], x->rdlen[i],
			    y->rd[j], y->rdlen[j])) {
				break;
			}
		}
		if (j == y->count) {
			return 0;
		}
	}
	return 1;
}

/** Is every address of x and y in one /24 (A) or /48 (AAAA)? */
static int
cmp_one_pool(const struct reply_rrset *x, const struct reply_rrset *y)
{
	const struct reply_rrset *s[2] = { x, y };
	size_t plen = x->type == RR_TYPE_A ? 3 : 6;
	size_t alen = x->type == RR_TYPE_A ? 4 : 16;
	const uint8_t *first = NULL;
	size_t i, k;

	if (x->type != y->type || (x->type != RR_TYPE_A &&
	    x->type != RR_TYPE_AAAA)) {
		return 0;
	}
	for (k = 0; k < 2; k++) {
		for (i = 0; i < s[k]->count; i++) {
			if (s[k]->rdlen[i] != alen) {
				return 0;
			}
			if (!first) {
				first = s[k]->rd[i];
			} else if (memcmp(first, s[k]->rd[i], plen) != 0) {
				return 0;
			}
		}
	}
	return first != NULL;
}

/**
 * Compare two RRsets: the same RDATA set, or addresses of one pool.
 * @return an enum iter_cmp_result.
 */
static int
cmp_rrset(const struct reply_rrset *x, const struct reply_rrset *y)
{
	if (cmp_rrs_within(x, y) && cmp_rrs_within(y, x)) {
		return ITER_CMP_SAME;
	}
	return cmp_one_pool(x, y) ? ITER_CMP_POOL : ITER_CMP_DIFFERENT;
}

/** The RRset of rep in section with x's owner, type and class. */
static const struct reply_rrset *
cmp_find(const struct reply *rep, int section, const struct reply_rrset *x)
{
	return reply_find(rep, section, x->owner, x->type, x->rclass);
}

/** Should RRsets of this type in this section be compared? */
typedef int (*cmp_pick_fn)(const struct reply_rrset *s);

/** Answer section: everything but standalone RRSIG sets. */
static int
cmp_pick_answer(const struct reply_rrset *s)
{
	return s->type != RR_TYPE_RRSIG;
}

/** Authority section of a referral or negative answer: NS and DS. */
static int
cmp_pick_authority(const struct reply_rrset *s)
{
	return s->type == RR_TYPE_NS || s->type == RR_TYPE_DS;
}

/** Note the first difference for the log. */
static void
cmp_why(char *why, size_t whylen, const char *where,
    const struct reply_rrset *s, const char *what)
{
	char n[DNAME_MAXSTR], t[16];

	if (!why || whylen == 0) {
		return;
	}
	if (dname_to_str(s->owner, n, sizeof(n)) < 0) {
		snprintf(n, sizeof(n), "?");
	}
	if (rrtype_to_str(s->type, t, sizeof(t)) < 0) {
		snprintf(t, sizeof(t), "?");
	}
	snprintf(why, whylen, "%s: %s %s %s", where, n, t, what);
}

/**
 * Compare the picked RRsets of one section both ways.
 * @return an enum iter_cmp_result.
 */
static int
cmp_section(const struct reply *a, const struct reply *b, int section,
    cmp_pick_fn pick, const char *where, char *why, size_t whylen)
{
	const struct reply *r[2] = { a, b };
	size_t start[2], end[2], i;
	int k, res = ITER_CMP_SAME;

	for (k = 0; k < 2; k++) {
		start[k] = section == MSG_SEC_ANSWER ? 0 : r[k]->an;
		end[k] = section == MSG_SEC_ANSWER ? r[k]->an :
		    r[k]->an + r[k]->ns;
	}
	for (k = 0; k < 2; k++) {
		for (i = start[k]; i < end[k]; i++) {
			const struct reply_rrset *x = r[k]->rrsets[i];
			const struct reply_rrset *y;
			int c;

			if (!pick(x)) {
				continue;
			}
			if (!(y = cmp_find(r[1 - k], section, x))) {
				cmp_why(why, whylen, where, x, k == 0 ?
				    "only in the first reply" :
				    "only in the second reply");
				return ITER_CMP_DIFFERENT;
			}
			if (k == 1) {
				continue;	/* compared from the first */
			}
			if ((c = cmp_rrset(x, y)) == ITER_CMP_DIFFERENT) {
				cmp_why(why, whylen, where, x,
				    "has other data");
				return ITER_CMP_DIFFERENT;
			}
			if (c == ITER_CMP_POOL) {
				res = ITER_CMP_POOL;
			}
		}
	}
	return res;
}

/** The owner of the first SOA RRset of the authority section, or NULL. */
static const uint8_t *
cmp_soa_owner(const struct reply *r)
{
	size_t i;

	for (i = r->an; i < r->an + r->ns; i++) {
		if (r->rrsets[i]->type == RR_TYPE_SOA) {
			return r->rrsets[i]->owner;
		}
	}
	return NULL;
}

/** Glue both replies give for the same name must agree (pool rule). */
static int
cmp_glue(const struct reply *a, const struct reply *b, char *why,
    size_t whylen)
{
	size_t i;
	int res = ITER_CMP_SAME;

	for (i = a->an + a->ns; i < a->an + a->ns + a->ar; i++) {
		const struct reply_rrset *x = a->rrsets[i];
		const struct reply_rrset *y;
		int c;

		if (x->type != RR_TYPE_A && x->type != RR_TYPE_AAAA) {
			continue;
		}
		if (!(y = cmp_find(b, MSG_SEC_ADDITIONAL, x))) {
			continue;
		}
		if ((c = cmp_rrset(x, y)) == ITER_CMP_DIFFERENT) {
			cmp_why(why, whylen, "glue", x, "has other addresses");
			return ITER_CMP_DIFFERENT;
		}
		if (c == ITER_CMP_POOL) {
			res = ITER_CMP_POOL;
		}
	}
	return res;
}

int
iter_compare_replies(const struct reply *a, const struct reply *b,
    char *why, size_t whylen)
{
	const uint8_t *sa, *sb;
	int res, c;

	if (why && whylen) {
		why[0] = 0;
	}
	if (a->rcode != b->rcode) {
		if (why && whylen) {
			char ra[16], rb[16];

			(void)rcode_to_str(a->rcode, ra, sizeof(ra));
			(void)rcode_to_str(b->rcode, rb, sizeof(rb));
			snprintf(why, whylen, "%s against %s", ra, rb);
		}
		return ITER_CMP_DIFFERENT;
	}
	res = cmp_section(a, b, MSG_SEC_ANSWER, cmp_pick_answer, "answer",
	    why, whylen);
	if (res == ITER_CMP_DIFFERENT || a->an > 0 || b->an > 0) {
		return res;
	}
	/* A referral or a negative answer. */
	c = cmp_section(a, b, MSG_SEC_AUTHORITY, cmp_pick_authority,
	    "authority", why, whylen);
	if (c == ITER_CMP_DIFFERENT) {
		return c;
	}
	sa = cmp_soa_owner(a);
	sb = cmp_soa_owner(b);
	if ((sa == NULL) != (sb == NULL) || (sa && !dname_equal(sa, sb))) {
		if (why && whylen) {
			snprintf(why, whylen, "authority: the SOA differs");
		}
		return ITER_CMP_DIFFERENT;
	}
	if (c == ITER_CMP_POOL) {
		res = c;
	}
	c = cmp_glue(a, b, why, whylen);
	return c == ITER_CMP_SAME ? res : c;
}
