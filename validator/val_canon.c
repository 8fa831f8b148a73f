/*
 * validator/val_canon.c - the data an RRSIG signs, in canonical form.
 *
 * The RRs are first put in canonical form one by one: RDATA of a type
 * whose names are lowercased is copied and lowercased, other RDATA is
 * used where it lies.  The (pointer, length) pairs are then sorted
 * (RFC 4034 section 6.3) and written out with equal neighbours skipped.
 * Small RRsets, the common case, need no allocation: the index and the
 * lowercased copies live on the stack up to CANON_STACK_RRS RRs and
 * CANON_STACK_BUF octets, and only bigger sets go to the heap.
 */
#include "config.h"
#include "validator/val_canon.h"
#include "validator/val_crypto.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/rdata.h"
#include "util/reply.h"
#include "util/rrtype.h"
#include <stdlib.h>
#include <string.h>

/** RRs whose index fits on the stack. */
#define CANON_STACK_RRS 32
/** Octets of lowercased RDATA that fit on the stack. */
#define CANON_STACK_BUF 4096
/** Types of RFC 4034 section 6.2 missing from util/rrtype.h: NXT (RFC
 * 2535, obsolete) and A6 (RFC 2874, historic). */
#define CANON_TYPE_A6 38

/** One RR's canonical RDATA. */
struct canon_rr {
	/** The RDATA: the RR's own or a lowercased copy. */
	const uint8_t *rd;
	/** Its length. */
	size_t len;
};

int
val_canon_lowercase_type(uint16_t type)
{
	/* RFC 4034 section 6.2 item 3, as corrected by RFC 6840 section
	 * 5.1: NSEC is taken off the list (its next name keeps its case)
	 * and HINFO too (it holds no names); RRSIG stays on it. */
	switch (type) {
	case RR_TYPE_NS:
	case RR_TYPE_MD:
	case RR_TYPE_MF:
	case RR_TYPE_CNAME:
	case RR_TYPE_SOA:
	case RR_TYPE_MB:
	case RR_TYPE_MG:
	case RR_TYPE_MR:
	case RR_TYPE_PTR:
	case RR_TYPE_MINFO:
	case RR_TYPE_MX:
	case RR_TYPE_RP:
	case RR_TYPE_AFSDB:
	case RR_TYPE_RT:
	case RR_TYPE_SIG:
	case RR_TYPE_PX:
	case RR_TYPE_NXT:
	case RR_TYPE_NAPTR:
	case RR_TYPE_KX:
	case RR_TYPE_SRV:
	case RR_TYPE_DNAME:
	case CANON_TYPE_A6:
	case RR_TYPE_RRSIG:
		return 1;
	default:
		return 0;
	}
}

/**
 * Lowercase the names inside RDATA of a lowercased type, in place.
 * @return 0 or RES_EMALFORMED.
 */
static int
canon_lower_names(uint16_t type, uint8_t *rd, size_t len)
{
	size_t offs[4], slen, nlen;
	int n, i;

	switch (type) {
	case RR_TYPE_NXT:
		/* RFC 2535 section 5.2: next domain name, then a bitmap. */
		if (dname_check(rd, len, NULL) != RES_OK) {
			return RES_EMALFORMED;
		}
		dname_tolower(rd);
		return RES_OK;
	case CANON_TYPE_A6:
		/* RFC 2874 section 3.1: prefix length P (0..128), the
		 * (128 - P) / 8 octets (rounded up) of address suffix, and
		 * a prefix name only when P > 0. */
		if (len < 1 || rd[0] > 128) {
			return RES_EMALFORMED;
		}
		slen = (size_t)(128 - rd[0] + 7) / 8;
		if (1 + slen > len) {
			return RES_EMALFORMED;
		}
		if (rd[0] == 0) {
			return 1 + slen == len ? RES_OK : RES_EMALFORMED;
		}
		if (dname_check(rd + 1 + slen, len - 1 - slen, &nlen) !=
		    RES_OK || 1 + slen + nlen != len) {
			return RES_EMALFORMED;
		}
		dname_tolower(rd + 1 + slen);
		return RES_OK;
	default:
		n = rdata_name_offsets(type, rd, len, offs,
		    (int)(sizeof(offs) / sizeof(offs[0])), NULL);
		if (n < 0) {
			return RES_EMALFORMED;
		}
		for (i = 0; i < n; i++) {
			dname_tolower(rd + offs[i]);
		}
		return RES_OK;
	}
}

/** RFC 4034 section 6.3: RDATA as left-justified unsigned octet
 * strings, where a missing octet sorts before a zero octet. */
static int
canon_cmp(const void *a, const void *b)
{
	const struct canon_rr *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = n > 0 ? memcmp(x->rd, y->rd, n) : 0;

	if (c != 0) {
		return c;
	}
	return x->len < y->len ? -1 : (x->len > y->len ? 1 : 0);
}

int
val_canon_rrsig_sigoff(const uint8_t *rrsig, size_t len, size_t *sigoff)
{
	size_t nlen;

	if (!rrsig || !sigoff) {
		return RES_EINVAL;
	}
	if (len < VAL_RRSIG_FIXED + 1 ||
	    dname_check(rrsig + VAL_RRSIG_FIXED, len - VAL_RRSIG_FIXED,
	    &nlen) != RES_OK) {
		return RES_EMALFORMED;
	}
	*sigoff = VAL_RRSIG_FIXED + nlen;
	return RES_OK;
}

size_t
val_canon_signed_size(const struct reply_rrset *s, size_t rrsig_len)
{
	size_t i, n;

	if (!s || !s->rdlen) {
		return 0;
	}
	n = rrsig_len;
	for (i = 0; i < s->count; i++) {
		/* owner, type, class, TTL, RDLENGTH, RDATA */
		n += DNAME_MAXLEN + 10 + s->rdlen[i];
	}
	return n;
}

/**
 * The owner name as signed: lowercased, and for a wildcard expansion
 * "*." plus the rightmost labels (RFC 4034 section 3.1.8.1, RFC 4035
 * section 5.3.2).
 * @return 0 or RES_EBOGUS (labels larger than the owner's count).
 */
static int
canon_owner(const uint8_t *owner, unsigned labels, uint8_t *out,
    size_t *outlen)
{
	int nlab = dname_count_labels(owner), have = nlab;
	const uint8_t *p = owner;
	size_t o = 0;

	/* RFC 4034 section 3.1.3: a leading "*" is not counted. */
	if (dname_is_wildcard(owner)) {
		have--;
	}
	if ((int)labels > have) {
		return RES_EBOGUS;
	}
	if ((int)labels < nlab) {
		while (nlab > (int)labels) {
			p += *p + 1;
			nlab--;
		}
		out[o++] = 1;
		out[o++] = '*';
	}
	memcpy(out + o, p, dname_len(p));
	o += dname_len(p);
	dname_tolower(out);
	*outlen = o;
	return RES_OK;
}

int
val_canon_signed_data(const struct reply_rrset *s, const uint8_t *rrsig,
    size_t rrsig_len, uint8_t *out, size_t cap, size_t *len)
{
	struct canon_rr stack_rr[CANON_STACK_RRS], *rrs = stack_rr;
	uint8_t stack_buf[CANON_STACK_BUF], *buf = stack_buf;
	uint8_t owner[DNAME_MAXLEN + 2];
	size_t i, sigoff, olen, total = 0, o, used = 0;
	int lower, r;

	if (!s || !rrsig || !out || !len || !s->owner || s->count == 0 ||
	    !s->rd || !s->rdlen) {
		return RES_EINVAL;
	}
	if ((r = val_canon_rrsig_sigoff(rrsig, rrsig_len, &sigoff)) !=
	    RES_OK) {
		return r;
	}
	/* RFC 4035 section 5.3.1: the type covered is the RRset's type. */
	if (wire_get16(rrsig) != s->type) {
		return RES_EBOGUS;
	}
	if ((r = canon_owner(s->owner, rrsig[3], owner, &olen)) != RES_OK) {
		return r;
	}
	lower = val_canon_lowercase_type(s->type);
	for (i = 0; i < s->count; i++) {
		if (!s->rd[i] && s->rdlen[i] > 0) {
			return RES_EINVAL;
		}
		total += s->rdlen[i];
	}
	if (s->count > CANON_STACK_RRS &&
	    !(rrs = malloc(s->count * sizeof(*rrs)))) {
		return RES_ENOMEM;
	}
	if (lower && total > sizeof(stack_buf) && !(buf = malloc(total))) {
		r = RES_ENOMEM;
		goto out;
	}
	for (i = 0; i < s->count; i++) {
		rrs[i].len = s->rdlen[i];
		rrs[i].rd = s->rd[i];
		if (lower) {
			if (rrs[i].len > 0) {
				memcpy(buf + used, s->rd[i], rrs[i].len);
			}
			if (canon_lower_names(s->type, buf + used,
			    rrs[i].len) != RES_OK) {
				r = RES_EMALFORMED;
				goto out;
			}
			rrs[i].rd = buf + used;
			used += rrs[i].len;
		}
	}
	if (s->count > 1) {
		qsort(rrs, s->count, sizeof(*rrs), canon_cmp);
	}
	/* RRSIG RDATA without the signature, signer name lowercased (RFC
	 * 4034 section 3.1.8.1 and 6.2). */
	if (cap < sigoff) {
		r = RES_ESPACE;
		goto out;
	}
	memcpy(out, rrsig, sigoff);
	dname_tolower(out + VAL_RRSIG_FIXED);
	o = sigoff;
	for (i = 0; i < s->count; i++) {
		/* RFC 4034 section 6.3: duplicates are dropped. */
		if (i > 0 && canon_cmp(&rrs[i - 1], &rrs[i]) == 0) {
			continue;
		}
		if (cap - o < olen + 10 + rrs[i].len) {
			r = RES_ESPACE;
			goto out;
		}
		memcpy(out + o, owner, olen);
		o += olen;
		wire_put16(out + o, s->type);
		wire_put16(out + o + 2, s->rclass);
		/* The original TTL of the RRSIG, not the RR's own. */
		memcpy(out + o + 4, rrsig + 4, 4);
		wire_put16(out + o + 8, (uint16_t)rrs[i].len);
		o += 10;
		if (rrs[i].len > 0) {
			memcpy(out + o, rrs[i].rd, rrs[i].len);
		}
		o += rrs[i].len;
	}
	*len = o;
	r = RES_OK;
out:
	if (rrs != stack_rr) {
		free(rrs);
	}
	if (buf != stack_buf) {
		free(buf);
	}
	return r;
}

int
val_canon_signed_data_alloc(const struct reply_rrset *s,
    const uint8_t *rrsig, size_t rrsig_len, uint8_t **out, size_t *len)
{
	size_t cap;
	int r;

	if (!out) {
		return RES_EINVAL;
	}
	*out = NULL;
	if (!s || !rrsig || !len) {
		return RES_EINVAL;
	}
	cap = val_canon_signed_size(s, rrsig_len);
	if (cap == 0 || !(*out = malloc(cap))) {
		return cap == 0 ? RES_EINVAL : RES_ENOMEM;
	}
	if ((r = val_canon_signed_data(s, rrsig, rrsig_len, *out, cap, len))
	    != RES_OK) {
		free(*out);
		*out = NULL;
	}
	return r;
}

int
val_canon_verify_rrsig(const struct val_key *k, const struct reply_rrset *s,
    const uint8_t *rrsig, size_t rrsig_len)
{
	uint8_t stack_data[CANON_STACK_BUF], *data = stack_data;
	size_t off, len, cap;
	int r;

	if (!k || !s || !rrsig) {
		return RES_EINVAL;
	}
	if ((r = val_canon_rrsig_sigoff(rrsig, rrsig_len, &off)) != RES_OK) {
		return r;
	}
	/* RFC 4035 section 5.3.1: the RRSIG's algorithm is the key's. */
	if (rrsig[2] != val_key_algo(k)) {
		return RES_EBOGUS;
	}
	cap = val_canon_signed_size(s, rrsig_len);
	if (cap > sizeof(stack_data) && !(data = malloc(cap))) {
		return RES_ENOMEM;
	}
	if (cap > sizeof(stack_data)) {
		r = val_canon_signed_data(s, rrsig, rrsig_len, data, cap, &len);
	} else {
		r = val_canon_signed_data(s, rrsig, rrsig_len, data,
		    sizeof(stack_data), &len);
	}
	if (r == RES_OK) {
		r = val_key_verify(k, data, len, rrsig + off, rrsig_len - off);
	}
	if (data != stack_data) {
		free(data);
	}
	return r;
}
