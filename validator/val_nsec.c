/*
 * validator/val_nsec.c - what NSEC and NSEC3 records prove.
 *
 * NSEC (RFC 4034 section 4, RFC 4035 section 5.4): each record names the
 * next owner name of its zone in canonical order, so one record "covers"
 * every name strictly between its owner and its next name and "matches"
 * its owner, whose types its bitmap lists.  The closest encloser of a
 * covered name is the deeper of its common ancestors with the owner and
 * with the next name: those are the existing names nearest to it.  An
 * NSEC at a delegation (NS without SOA) or with DNAME says nothing about
 * names below its owner (RFC 6840 section 4.1), so it never covers them
 * here.
 *
 * NSEC3 (RFC 5155): owner names are base32hex(hash).zone and the chain
 * is ordered by the raw hash.  Owner labels are decoded once into octets
 * and hashes compared with memcmp, which makes the comparison
 * independent of the letter case of the label.  Every proof first walks
 * the usable records without hashing: an iteration count above the
 * limit ends it with VAL_NSEC_ITERATIONS (RFC 9276), records with other
 * parameters than the first usable one make it bogus (one proof, one
 * chain: RFC 5155 section 8.2 and the consistency the NSEC3PARAM
 * implies).  Only then are names hashed, each one counted against the
 * caller's budget.  The closest encloser walk hashes qname and its
 * ancestors up to the zone; the hash of the previous (child) name is the
 * next closer name's, so nothing is hashed twice.
 *
 * No memory is allocated: records are parsed in place from the RRsets on
 * each pass, names built here live on the stack (at most DNAME_MAXLEN).
 */
#include "config.h"
#include "validator/val_nsec.h"
#include "validator/val_crypto.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/reply.h"
#include <string.h>

/** Defaults used when a proof is called without a context. */
static void
ctx_default(struct val_nsec_ctx *c)
{
	c->max_iterations = VAL_NSEC3_MAX_ITERATIONS;
	c->hash_budget = VAL_NSEC3_HASH_BUDGET;
	c->hashes_done = 0;
}

const char *
val_nsec_result_str(enum val_nsec_result r)
{
	switch (r) {
	case VAL_NSEC_PROVEN:
		return "proven";
	case VAL_NSEC_NOT_PROVEN:
		return "not proven";
	case VAL_NSEC_INSECURE:
		return "opt-out: insecure";
	case VAL_NSEC_ITERATIONS:
		return "NSEC3 iterations above the limit";
	case VAL_NSEC_BUDGET:
		return "NSEC3 hash budget exhausted";
	}
	return "unknown";
}

/* Type bitmaps, RFC 4034 section 4.1.2 */

int
val_nsec_bitmap_valid(const uint8_t *bitmap, size_t len)
{
	size_t p = 0;
	int prev = -1;

	if (!bitmap) {
		return len == 0;
	}
	while (p < len) {
		uint8_t win, wlen;

		if (len - p < 2) {
			return 0;
		}
		win = bitmap[p];
		wlen = bitmap[p + 1];
		/* Windows ascending, each 1..32 octets. */
		if ((int)win <= prev || wlen < 1 || wlen > 32 ||
		    len - p - 2 < wlen) {
			return 0;
		}
		prev = win;
		p += 2 + (size_t)wlen;
	}
	return 1;
}

int
val_nsec_bitmap_has(const uint8_t *bitmap, size_t len, uint16_t type)
{
	size_t p = 0;
	uint8_t want = (uint8_t)(type >> 8), octet = (uint8_t)((type & 0xff)
	    >> 3);

	if (!bitmap || !val_nsec_bitmap_valid(bitmap, len)) {
		return 0;
	}
	while (p < len) {
		uint8_t win = bitmap[p], wlen = bitmap[p + 1];

		if (win == want) {
			return octet < wlen && (bitmap[p + 2 + octet] &
			    (0x80 >> (type & 7))) != 0;
		}
		if (win > want) {
			return 0;
		}
		p += 2 + (size_t)wlen;
	}
	return 0;
}

/* Names */

/**
 * The deepest common ancestor of two names.
 * @return a pointer into a (the root at worst).
 */
static const uint8_t *
common_ancestor(const uint8_t *a, const uint8_t *b)
{
	int na = dname_count_labels(a), nb = dname_count_labels(b);

	while (na > nb) {
		a = dname_parent(a);
		na--;
	}
	while (nb > na) {
		b = dname_parent(b);
		nb--;
	}
	while (!dname_equal(a, b)) {
		a = dname_parent(a);
		b = dname_parent(b);
	}
	return a;
}

/**
 * Build "*." + name.
 * @param name: a checked name.
 * @param out: DNAME_MAXLEN octets.
 * @return 0 or RES_ELIMIT when the result would be too long.
 */
static int
make_wildcard(const uint8_t *name, uint8_t *out)
{
	size_t len = dname_len(name);

	if (len + 2 > DNAME_MAXLEN) {
		return RES_ELIMIT;
	}
	out[0] = 1;
	out[1] = '*';
	memcpy(out + 2, name, len);
	return 0;
}

/** The ancestor of name (or name) that has labels labels. */
static const uint8_t *
cut_to_labels(const uint8_t *name, int labels)
{
	int n = dname_count_labels(name);

	while (n > labels) {
		name = dname_parent(name);
		n--;
	}
	return name;
}

/* NSEC */

int
val_nsec_covers(const uint8_t *owner, const uint8_t *next,
    const uint8_t *name, const uint8_t *zone)
{
	if (!owner || !next || !name) {
		return 0;
	}
	if (zone && (!dname_is_subdomain(owner, zone) ||
	    !dname_is_subdomain(name, zone))) {
		return 0;
	}
	if (dname_canonical_compare(owner, name) >= 0) {
		return 0;
	}
	if (dname_canonical_compare(next, owner) <= 0) {
		/* The last NSEC of the zone: its next name is the apex
		 * (RFC 4034 section 4.1.1) and it covers the rest of the
		 * zone after its owner. */
		return dname_is_subdomain(name, zone ? zone : next);
	}
	return dname_canonical_compare(name, next) < 0;
}

/** One NSEC RR, parsed in place. */
struct nsec_rr {
	/** owner name */
	const uint8_t *owner;
	/** Next Domain Name, checked */
	const uint8_t *next;
	/** type bitmap, checked */
	const uint8_t *bitmap;
	/** its length */
	size_t bmlen;
};

/** Walks every well-formed RR of the NSEC RRsets of an array. */
struct rr_iter {
	/** the RRsets */
	struct reply_rrset **sets;
	/** how many */
	size_t n;
	/** current RRset */
	size_t si;
	/** next RR in it */
	size_t ri;
};

/** Start a walk. */
static void
iter_init(struct rr_iter *it, struct reply_rrset **sets, size_t n)
{
	it->sets = sets;
	it->n = sets ? n : 0;
	it->si = 0;
	it->ri = 0;
}

/**
 * The next RR of a type: its owner and RDATA.
 * @return 1, or 0 at the end.
 */
static int
iter_next(struct rr_iter *it, uint16_t type, const uint8_t **owner,
    const uint8_t **rd, size_t *rdlen)
{
	while (it->si < it->n) {
		struct reply_rrset *s = it->sets[it->si];

		if (!s || s->type != type || !s->owner || !s->rd ||
		    !s->rdlen || it->ri >= s->count) {
			it->si++;
			it->ri = 0;
			continue;
		}
		*owner = s->owner;
		*rd = s->rd[it->ri];
		*rdlen = s->rdlen[it->ri];
		it->ri++;
		if (!*rd) {
			continue;
		}
		return 1;
	}
	return 0;
}

/**
 * The next usable NSEC: well-formed RDATA, owner inside zone.
 * @param zone: NULL accepts any owner.
 * @return 1, or 0 at the end.
 */
static int
nsec_next(struct rr_iter *it, const uint8_t *zone, struct nsec_rr *out)
{
	const uint8_t *owner, *rd;
	size_t rdlen, nlen;

	while (iter_next(it, RR_TYPE_NSEC, &owner, &rd, &rdlen)) {
		if (zone && !dname_is_subdomain(owner, zone)) {
			continue;
		}
		/* The bitmap always has NSEC itself (RFC 4034 section
		 * 4.1.2), so an empty one is a truncated record; the next
		 * name is in the zone (section 4.1.1). */
		if (dname_check(rd, rdlen, &nlen) != 0 || nlen == rdlen ||
		    !val_nsec_bitmap_valid(rd + nlen, rdlen - nlen) ||
		    (zone && !dname_is_subdomain(rd, zone))) {
			continue;
		}
		out->owner = owner;
		out->next = rd;
		out->bitmap = rd + nlen;
		out->bmlen = rdlen - nlen;
		return 1;
	}
	return 0;
}

/** Type present in a parsed NSEC. */
static int
nsec_has(const struct nsec_rr *r, uint16_t type)
{
	return val_nsec_bitmap_has(r->bitmap, r->bmlen, type);
}

/**
 * Does this NSEC cover name, and may it speak for it?  An NSEC at an
 * ancestor delegation (NS without SOA) or DNAME does not deny names below
 * its owner (RFC 6840 section 4.1; RFC 4035 section 5.4).
 */
static int
nsec_covers_usable(const struct nsec_rr *r, const uint8_t *name,
    const uint8_t *zone)
{
	if (!val_nsec_covers(r->owner, r->next, name, zone)) {
		return 0;
	}
	if (dname_is_strict_subdomain(name, r->owner) &&
	    (nsec_has(r, RR_TYPE_DNAME) || (nsec_has(r, RR_TYPE_NS) &&
	    !nsec_has(r, RR_TYPE_SOA)))) {
		return 0;
	}
	return 1;
}

/**
 * The closest encloser a covering NSEC shows for name: the deeper of the
 * common ancestors of name with the owner and with the next name.
 * @return a pointer into name.
 */
static const uint8_t *
nsec_closest_encloser(const struct nsec_rr *r, const uint8_t *name)
{
	const uint8_t *a = common_ancestor(name, r->owner);
	const uint8_t *b = common_ancestor(name, r->next);

	return dname_count_labels(a) >= dname_count_labels(b) ? a : b;
}

/**
 * Find an NSEC proving that name does not exist: it covers name, may
 * speak for it, and its next name is not below name (that would make
 * name an empty non-terminal, RFC 4035 section 3.1.3.2).
 * @param ce: receives the closest encloser (a pointer into name).
 * @return 1 if found, 0 if not, -1 when an NSEC shows name exists.
 */
static int
nsec_find_nonexistence(struct reply_rrset **sets, size_t n,
    const uint8_t *name, const uint8_t *zone, const uint8_t **ce)
{
	struct rr_iter it;
	struct nsec_rr r;
	int found = 0;

	iter_init(&it, sets, n);
	while (nsec_next(&it, zone, &r)) {
		if (dname_equal(r.owner, name) ||
		    (val_nsec_covers(r.owner, r.next, name, zone) &&
		    dname_is_strict_subdomain(r.next, name))) {
			return -1;
		}
		if (!found && nsec_covers_usable(&r, name, zone)) {
			*ce = nsec_closest_encloser(&r, name);
			found = 1;
		}
	}
	return found;
}

enum val_nsec_result
val_nsec_nxdomain(struct reply_rrset **nsec, size_t n, const uint8_t *qname,
    const uint8_t *zone)
{
	uint8_t wc[DNAME_MAXLEN];
	const uint8_t *ce = NULL;
	struct rr_iter it;
	struct nsec_rr r;
	int wc_covered = 0;

	if (!nsec || !qname || !zone || !dname_is_strict_subdomain(qname,
	    zone)) {
		return VAL_NSEC_NOT_PROVEN;
	}
	/* RFC 4035 section 5.4: qname is covered... */
	if (nsec_find_nonexistence(nsec, n, qname, zone, &ce) != 1 ||
	    make_wildcard(ce, wc) != 0) {
		return VAL_NSEC_NOT_PROVEN;
	}
	/* ...and so is the wildcard at its closest encloser (RFC 4035
	 * section 3.1.3.2): no wildcard could have matched. */
	iter_init(&it, nsec, n);
	while (nsec_next(&it, zone, &r)) {
		if (dname_equal(r.owner, wc)) {
			return VAL_NSEC_NOT_PROVEN;
		}
		if (nsec_covers_usable(&r, wc, zone)) {
			wc_covered = 1;
		}
	}
	return wc_covered ? VAL_NSEC_PROVEN : VAL_NSEC_NOT_PROVEN;
}

/**
 * Does a matching NSEC (or NSEC3 bitmap) deny qtype at its owner?
 * RFC 4035 section 5.4 (and RFC 5155 sections 8.5, 8.6): qtype and CNAME
 * absent; for DS below the apex SOA absent (the child's apex record
 * cannot deny the parent's DS, RFC 4035 section 5.2); for other types no
 * delegation (NS without SOA: the data lives in the child zone).
 */
static int
bitmap_denies(const uint8_t *bm, size_t bmlen, uint16_t qtype, int at_apex)
{
	if (val_nsec_bitmap_has(bm, bmlen, qtype) ||
	    val_nsec_bitmap_has(bm, bmlen, RR_TYPE_CNAME)) {
		return 0;
	}
	if (qtype == RR_TYPE_DS) {
		return at_apex || !val_nsec_bitmap_has(bm, bmlen, RR_TYPE_SOA);
	}
	if (val_nsec_bitmap_has(bm, bmlen, RR_TYPE_NS) &&
	    !val_nsec_bitmap_has(bm, bmlen, RR_TYPE_SOA)) {
		return 0;
	}
	return 1;
}

enum val_nsec_result
val_nsec_nodata(struct reply_rrset **nsec, size_t n, const uint8_t *qname,
    uint16_t qtype, const uint8_t *zone)
{
	uint8_t wc[DNAME_MAXLEN];
	const uint8_t *ce = NULL;
	struct rr_iter it;
	struct nsec_rr r;
	int at_apex;

	if (!nsec || !qname || !zone || !dname_is_subdomain(qname, zone)) {
		return VAL_NSEC_NOT_PROVEN;
	}
	at_apex = dname_equal(qname, zone);
	/* An NSEC at qname (RFC 4035 section 3.1.3.1). */
	iter_init(&it, nsec, n);
	while (nsec_next(&it, zone, &r)) {
		if (dname_equal(r.owner, qname)) {
			return bitmap_denies(r.bitmap, r.bmlen, qtype,
			    at_apex) ? VAL_NSEC_PROVEN : VAL_NSEC_NOT_PROVEN;
		}
	}
	/* Empty non-terminal: the NSEC before qname points below it. */
	iter_init(&it, nsec, n);
	while (nsec_next(&it, zone, &r)) {
		if (nsec_covers_usable(&r, qname, zone) &&
		    dname_is_strict_subdomain(r.next, qname)) {
			return VAL_NSEC_PROVEN;
		}
	}
	/* Wildcard no data (RFC 4035 section 3.1.3.4): qname does not
	 * exist, and the wildcard at its closest encloser lacks qtype. */
	if (nsec_find_nonexistence(nsec, n, qname, zone, &ce) != 1 ||
	    make_wildcard(ce, wc) != 0) {
		return VAL_NSEC_NOT_PROVEN;
	}
	iter_init(&it, nsec, n);
	while (nsec_next(&it, zone, &r)) {
		if (dname_equal(r.owner, wc)) {
			return bitmap_denies(r.bitmap, r.bmlen, qtype, 0) ?
			    VAL_NSEC_PROVEN : VAL_NSEC_NOT_PROVEN;
		}
	}
	return VAL_NSEC_NOT_PROVEN;
}

enum val_nsec_result
val_nsec_wildcard_answer(struct reply_rrset **nsec, size_t n,
    const uint8_t *qname, const uint8_t *wildcard_parent)
{
	const uint8_t *ce = NULL;

	if (!nsec || !qname || !wildcard_parent ||
	    !dname_is_strict_subdomain(qname, wildcard_parent)) {
		return VAL_NSEC_NOT_PROVEN;
	}
	/* RFC 4035 section 5.3.4: qname does not exist, and no name
	 * closer to it than the wildcard's parent does. */
	if (nsec_find_nonexistence(nsec, n, qname, NULL, &ce) != 1) {
		return VAL_NSEC_NOT_PROVEN;
	}
	return dname_equal(ce, wildcard_parent) ? VAL_NSEC_PROVEN :
	    VAL_NSEC_NOT_PROVEN;
}

enum val_nsec_result
val_nsec_no_ds(struct reply_rrset **nsec, size_t n, const uint8_t *name)
{
	struct rr_iter it;
	struct nsec_rr r;

	if (!nsec || !name) {
		return VAL_NSEC_NOT_PROVEN;
	}
	iter_init(&it, nsec, n);
	while (nsec_next(&it, NULL, &r)) {
		if (!dname_equal(r.owner, name)) {
			continue;
		}
		/* RFC 4035 section 5.2: a delegation (NS) without DS, and
		 * from the parent side (no SOA: RFC 6840 section 4.4). */
		if (nsec_has(&r, RR_TYPE_NS) && !nsec_has(&r, RR_TYPE_DS) &&
		    !nsec_has(&r, RR_TYPE_SOA)) {
			return VAL_NSEC_PROVEN;
		}
		return VAL_NSEC_NOT_PROVEN;
	}
	return VAL_NSEC_NOT_PROVEN;
}

/* NSEC3 hashing, RFC 5155 section 5 */

int
val_nsec3_hash_name(const uint8_t *name, uint8_t algo, const uint8_t *salt,
    size_t saltlen, unsigned iterations, uint8_t *out, size_t outsz)
{
	int r;

	if (!name || !out || (!salt && saltlen) || saltlen > 255 ||
	    iterations > 65535) {
		return RES_EINVAL;
	}
	if (algo != VAL_NSEC3_ALGO_SHA1) {
		return RES_ENOTSUP;
	}
	if (outsz < VAL_NSEC3_SHA1_LEN) {
		return RES_ESPACE;
	}
	/* One implementation of RFC 5155 section 5: val_crypto's. */
	r = val_nsec3_hash(name, salt, saltlen, (uint16_t)iterations, out);
	if (r != RES_OK) {
		return r == RES_EINVAL ? r : RES_ENOMEM;
	}
	return VAL_NSEC3_SHA1_LEN;
}

/* NSEC3 records */

/** One usable NSEC3 RR, parsed in place. */
struct nsec3_rr {
	/** owner name */
	const uint8_t *owner;
	/** the owner's first label decoded: the hashed name */
	uint8_t hash[VAL_NSEC3_SHA1_LEN];
	/** Flags field */
	uint8_t flags;
	/** Iterations field */
	uint16_t iterations;
	/** Salt Length field */
	uint8_t saltlen;
	/** the salt */
	const uint8_t *salt;
	/** Next Hashed Owner Name, VAL_NSEC3_SHA1_LEN octets */
	const uint8_t *next;
	/** type bitmap, checked */
	const uint8_t *bitmap;
	/** its length */
	size_t bmlen;
};

/**
 * Decode an unpadded base32hex label into exactly outlen octets
 * (val_b32hex_decode() of validator/val_crypto.h, with the length
 * checked).
 * @return 0, or -1 for a bad digit, a wrong length or nonzero spare bits.
 */
static int
b32hex_decode(const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	if (inlen != (outlen * 8 + 4) / 5) {
		return -1;
	}
	return val_b32hex_decode((const char *)in, inlen, out, outlen) ==
	    (int)outlen ? 0 : -1;
}

/**
 * Parse an NSEC3 RR: usable when its owner is <hash>.zone, its hash
 * algorithm is SHA-1, its flags 0 or 1 (RFC 5155 section 8.2: others are
 * ignored) and the RDATA is complete (RFC 5155 section 3.2).
 * @return 1 if usable, else 0.
 */
static int
nsec3_parse(const uint8_t *owner, const uint8_t *rd, size_t rdlen,
    const uint8_t *zone, struct nsec3_rr *out)
{
	size_t p;

	if (owner[0] == 0 || !dname_equal(dname_parent(owner), zone) ||
	    b32hex_decode(owner + 1, owner[0], out->hash,
	    VAL_NSEC3_SHA1_LEN) != 0) {
		return 0;
	}
	if (rdlen < 5 || rd[0] != VAL_NSEC3_ALGO_SHA1 || rd[1] > 1) {
		return 0;
	}
	out->owner = owner;
	out->flags = rd[1];
	out->iterations = wire_get16(rd + 2);
	out->saltlen = rd[4];
	p = 5;
	if (rdlen - p < (size_t)out->saltlen + 1) {
		return 0;
	}
	out->salt = rd + p;
	p += out->saltlen;
	if (rd[p] != VAL_NSEC3_SHA1_LEN || rdlen - p - 1 <
	    VAL_NSEC3_SHA1_LEN) {
		return 0;
	}
	out->next = rd + p + 1;
	p += 1 + VAL_NSEC3_SHA1_LEN;
	out->bitmap = rd + p;
	out->bmlen = rdlen - p;
	return val_nsec_bitmap_valid(out->bitmap, out->bmlen);
}

/** The next usable NSEC3 of the walk. */
static int
nsec3_next(struct rr_iter *it, const uint8_t *zone, struct nsec3_rr *out)
{
	const uint8_t *owner, *rd;
	size_t rdlen;

	while (iter_next(it, RR_TYPE_NSEC3, &owner, &rd, &rdlen)) {
		if (nsec3_parse(owner, rd, rdlen, zone, out)) {
			return 1;
		}
	}
	return 0;
}

/** The hash parameters one proof uses. */
struct nsec3_params {
	/** Iterations */
	uint16_t iterations;
	/** Salt Length */
	uint8_t saltlen;
	/** Salt (points into a record) */
	const uint8_t *salt;
};

/** Same parameters? (The algorithm is always SHA-1 here.) */
static int
params_equal(const struct nsec3_params *p, const struct nsec3_rr *r)
{
	return p->iterations == r->iterations && p->saltlen == r->saltlen &&
	    memcmp(p->salt, r->salt, p->saltlen) == 0;
}

/** Shared state of one NSEC3 proof. */
struct nsec3_proof {
	/** limits and counters */
	struct val_nsec_ctx *ctx;
	/** the records */
	struct reply_rrset **sets;
	/** how many RRsets */
	size_t n;
	/** the zone */
	const uint8_t *zone;
	/** the chain's hash parameters */
	struct nsec3_params params;
};

/**
 * Check the records before any hashing: iterations within the limit
 * (RFC 9276 section 3.2), one parameter set (RFC 5155 section 8.2), at
 * least one usable record.
 * @return VAL_NSEC_PROVEN when hashing may start, else the result.
 */
static enum val_nsec_result
nsec3_precheck(struct nsec3_proof *pf)
{
	struct rr_iter it;
	struct nsec3_rr r;
	int found = 0, mixed = 0;

	iter_init(&it, pf->sets, pf->n);
	while (nsec3_next(&it, pf->zone, &r)) {
		if (r.iterations > pf->ctx->max_iterations) {
			return VAL_NSEC_ITERATIONS;
		}
		if (!found) {
			pf->params.iterations = r.iterations;
			pf->params.saltlen = r.saltlen;
			pf->params.salt = r.salt;
			found = 1;
		} else if (!params_equal(&pf->params, &r)) {
			mixed = 1;
		}
	}
	return (found && !mixed) ? VAL_NSEC_PROVEN : VAL_NSEC_NOT_PROVEN;
}

/**
 * Hash a name with the chain's parameters, counting it.
 * @return VAL_NSEC_PROVEN (hashed), VAL_NSEC_BUDGET or
 *	VAL_NSEC_NOT_PROVEN (hashing failed).
 */
static enum val_nsec_result
nsec3_hash(struct nsec3_proof *pf, const uint8_t *name, uint8_t *out)
{
	if (pf->ctx->hashes_done >= pf->ctx->hash_budget) {
		return VAL_NSEC_BUDGET;
	}
	pf->ctx->hashes_done++;
	if (val_nsec3_hash_name(name, VAL_NSEC3_ALGO_SHA1, pf->params.salt,
	    pf->params.saltlen, pf->params.iterations, out,
	    VAL_NSEC3_SHA1_LEN) != VAL_NSEC3_SHA1_LEN) {
		return VAL_NSEC_NOT_PROVEN;
	}
	return VAL_NSEC_PROVEN;
}

/** Find the NSEC3 whose owner hash is h. */
static int
nsec3_find_match(struct nsec3_proof *pf, const uint8_t *h,
    struct nsec3_rr *out)
{
	struct rr_iter it;

	iter_init(&it, pf->sets, pf->n);
	while (nsec3_next(&it, pf->zone, out)) {
		if (memcmp(out->hash, h, VAL_NSEC3_SHA1_LEN) == 0) {
			return 1;
		}
	}
	return 0;
}

/**
 * Find an NSEC3 covering hash h: owner < h < next, or, for the last
 * record of the chain (next <= owner), h after owner or before next
 * (RFC 5155 section 8.3).
 */
static int
nsec3_find_cover(struct nsec3_proof *pf, const uint8_t *h,
    struct nsec3_rr *out)
{
	struct rr_iter it;

	iter_init(&it, pf->sets, pf->n);
	while (nsec3_next(&it, pf->zone, out)) {
		int lo = memcmp(out->hash, h, VAL_NSEC3_SHA1_LEN);
		int hi = memcmp(h, out->next, VAL_NSEC3_SHA1_LEN);

		if (memcmp(out->next, out->hash, VAL_NSEC3_SHA1_LEN) <= 0) {
			if (lo < 0 || hi < 0) {
				return 1;
			}
		} else if (lo < 0 && hi < 0) {
			return 1;
		}
	}
	return 0;
}

/** The outcome of a closest encloser search. */
struct nsec3_ce {
	/** the closest encloser: a pointer into qname */
	const uint8_t *ce;
	/** the NSEC3 matching it */
	struct nsec3_rr ce_rr;
	/** the next closer name, or NULL when qname itself matched */
	const uint8_t *nc;
	/** 1 when an NSEC3 covers the next closer name */
	int nc_covered;
	/** that NSEC3 */
	struct nsec3_rr nc_rr;
};

/**
 * Closest encloser search (RFC 5155 section 8.3): hash qname, then its
 * ancestors, until one matches an NSEC3; the name just below it toward
 * qname is the next closer name, which must be covered.
 * @param qname: a name inside the zone.
 * @return VAL_NSEC_PROVEN when a matching ancestor was found (check
 *	cp->nc and cp->nc_covered), VAL_NSEC_NOT_PROVEN when not even the
 *	apex matched, VAL_NSEC_BUDGET.
 */
static enum val_nsec_result
nsec3_closest_encloser(struct nsec3_proof *pf, const uint8_t *qname,
    struct nsec3_ce *cp)
{
	uint8_t h[VAL_NSEC3_SHA1_LEN], prev[VAL_NSEC3_SHA1_LEN];
	const uint8_t *s = qname, *prevname = NULL;
	enum val_nsec_result r;

	for (;;) {
		if ((r = nsec3_hash(pf, s, h)) != VAL_NSEC_PROVEN) {
			return r;
		}
		if (nsec3_find_match(pf, h, &cp->ce_rr)) {
			break;
		}
		if (dname_equal(s, pf->zone)) {
			return VAL_NSEC_NOT_PROVEN;
		}
		memcpy(prev, h, sizeof(prev));
		prevname = s;
		s = dname_parent(s);
	}
	cp->ce = s;
	cp->nc = prevname;
	cp->nc_covered = prevname ? nsec3_find_cover(pf, prev, &cp->nc_rr) :
	    0;
	return VAL_NSEC_PROVEN;
}

/** Bitmap test on a parsed NSEC3. */
static int
nsec3_has(const struct nsec3_rr *r, uint16_t type)
{
	return val_nsec_bitmap_has(r->bitmap, r->bmlen, type);
}

/**
 * Is the closest encloser unfit (RFC 5155 section 8.3): a delegation
 * (NS without SOA) or DNAME above the name cannot deny names below it.
 */
static int
nsec3_ce_unfit(const struct nsec3_ce *cp)
{
	return nsec3_has(&cp->ce_rr, RR_TYPE_DNAME) ||
	    (nsec3_has(&cp->ce_rr, RR_TYPE_NS) &&
	    !nsec3_has(&cp->ce_rr, RR_TYPE_SOA));
}

/** Set up a proof; checks the common arguments. */
static enum val_nsec_result
nsec3_setup(struct nsec3_proof *pf, struct val_nsec_ctx *ctx,
    struct val_nsec_ctx *deflt, struct reply_rrset **sets, size_t n,
    const uint8_t *zone)
{
	if (!ctx) {
		ctx_default(deflt);
		ctx = deflt;
	}
	if (!sets || !zone) {
		return VAL_NSEC_NOT_PROVEN;
	}
	pf->ctx = ctx;
	pf->sets = sets;
	pf->n = n;
	pf->zone = zone;
	return nsec3_precheck(pf);
}

enum val_nsec_result
val_nsec3_nxdomain(struct val_nsec_ctx *ctx, struct reply_rrset **nsec3,
    size_t n, const uint8_t *qname, const uint8_t *zone)
{
	uint8_t wc[DNAME_MAXLEN], h[VAL_NSEC3_SHA1_LEN];
	struct val_nsec_ctx deflt;
	struct nsec3_proof pf;
	struct nsec3_ce cp;
	struct nsec3_rr r;
	enum val_nsec_result res;

	if (!qname || !zone || !dname_is_strict_subdomain(qname, zone)) {
		return VAL_NSEC_NOT_PROVEN;
	}
	if ((res = nsec3_setup(&pf, ctx, &deflt, nsec3, n, zone)) !=
	    VAL_NSEC_PROVEN) {
		return res;
	}
	/* RFC 5155 section 8.4: closest encloser proof... */
	if ((res = nsec3_closest_encloser(&pf, qname, &cp)) !=
	    VAL_NSEC_PROVEN) {
		return res;
	}
	if (!cp.nc || !cp.nc_covered || nsec3_ce_unfit(&cp) ||
	    make_wildcard(cp.ce, wc) != 0) {
		return VAL_NSEC_NOT_PROVEN;
	}
	/* ...and the wildcard at the closest encloser is covered. */
	if ((res = nsec3_hash(&pf, wc, h)) != VAL_NSEC_PROVEN) {
		return res;
	}
	if (nsec3_find_match(&pf, h, &r) || !nsec3_find_cover(&pf, h, &r)) {
		return VAL_NSEC_NOT_PROVEN;
	}
	/* An opt-out span may hide an unsigned delegation at the next
	 * closer name (RFC 5155 section 9.2). */
	if (cp.nc_rr.flags & VAL_NSEC3_FLAG_OPTOUT) {
		return VAL_NSEC_INSECURE;
	}
	return VAL_NSEC_PROVEN;
}

enum val_nsec_result
val_nsec3_nodata(struct val_nsec_ctx *ctx, struct reply_rrset **nsec3,
    size_t n, const uint8_t *qname, uint16_t qtype, const uint8_t *zone)
{
	uint8_t wc[DNAME_MAXLEN], h[VAL_NSEC3_SHA1_LEN];
	struct val_nsec_ctx deflt;
	struct nsec3_proof pf;
	struct nsec3_ce cp;
	struct nsec3_rr r;
	enum val_nsec_result res;

	if (!qname || !zone || !dname_is_subdomain(qname, zone)) {
		return VAL_NSEC_NOT_PROVEN;
	}
	if ((res = nsec3_setup(&pf, ctx, &deflt, nsec3, n, zone)) !=
	    VAL_NSEC_PROVEN) {
		return res;
	}
	if ((res = nsec3_closest_encloser(&pf, qname, &cp)) !=
	    VAL_NSEC_PROVEN) {
		return res;
	}
	if (!cp.nc) {
		/* An NSEC3 matches qname (RFC 5155 sections 8.5, 8.6; an
		 * empty non-terminal has an empty bitmap). */
		return bitmap_denies(cp.ce_rr.bitmap, cp.ce_rr.bmlen, qtype,
		    dname_equal(qname, zone)) ? VAL_NSEC_PROVEN :
		    VAL_NSEC_NOT_PROVEN;
	}
	if (!cp.nc_covered || nsec3_ce_unfit(&cp)) {
		return VAL_NSEC_NOT_PROVEN;
	}
	if (qtype == RR_TYPE_DS) {
		/* RFC 5155 section 8.6: no DS proven only through an
		 * opt-out span: insecure. */
		return (cp.nc_rr.flags & VAL_NSEC3_FLAG_OPTOUT) ?
		    VAL_NSEC_INSECURE : VAL_NSEC_NOT_PROVEN;
	}
	/* RFC 5155 section 8.7: wildcard no data. */
	if (make_wildcard(cp.ce, wc) != 0) {
		return VAL_NSEC_NOT_PROVEN;
	}
	if ((res = nsec3_hash(&pf, wc, h)) != VAL_NSEC_PROVEN) {
		return res;
	}
	if (nsec3_find_match(&pf, h, &r)) {
		if (!bitmap_denies(r.bitmap, r.bmlen, qtype, 0)) {
			return VAL_NSEC_NOT_PROVEN;
		}
		/* RFC 5155 section 9.2: the next closer name in an
		 * opt-out span may be an unsigned delegation that no NSEC3
		 * speaks for: insecure, never secure. */
		return (cp.nc_rr.flags & VAL_NSEC3_FLAG_OPTOUT) ?
		    VAL_NSEC_INSECURE : VAL_NSEC_PROVEN;
	}
	/* RFC 5155 errata 3441 (sections 7.2.3, 8.5): an empty
	 * non-terminal above an unsigned delegation has no NSEC3 in an
	 * opt-out span; only the opt-out cover speaks for it: insecure. */
	return (cp.nc_rr.flags & VAL_NSEC3_FLAG_OPTOUT) ? VAL_NSEC_INSECURE :
	    VAL_NSEC_NOT_PROVEN;
}

enum val_nsec_result
val_nsec3_wildcard_answer(struct val_nsec_ctx *ctx,
    struct reply_rrset **nsec3, size_t n, const uint8_t *qname,
    const uint8_t *wildcard_parent, const uint8_t *zone)
{
	uint8_t h[VAL_NSEC3_SHA1_LEN];
	struct val_nsec_ctx deflt;
	struct nsec3_proof pf;
	struct nsec3_rr r;
	const uint8_t *nc;
	enum val_nsec_result res;

	if (!qname || !wildcard_parent || !zone ||
	    !dname_is_strict_subdomain(qname, wildcard_parent) ||
	    !dname_is_subdomain(wildcard_parent, zone)) {
		return VAL_NSEC_NOT_PROVEN;
	}
	if ((res = nsec3_setup(&pf, ctx, &deflt, nsec3, n, zone)) !=
	    VAL_NSEC_PROVEN) {
		return res;
	}
	/* RFC 5155 section 8.8: the wildcard's parent is the closest
	 * encloser; the next closer name must be covered. */
	nc = cut_to_labels(qname, dname_count_labels(wildcard_parent) + 1);
	if ((res = nsec3_hash(&pf, nc, h)) != VAL_NSEC_PROVEN) {
		return res;
	}
	if (nsec3_find_match(&pf, h, &r) || !nsec3_find_cover(&pf, h, &r)) {
		return VAL_NSEC_NOT_PROVEN;
	}
	/* RFC 5155 section 9.2: an opt-out cover does not prove that no
	 * closer name (an unsigned delegation) exists: insecure. */
	return (r.flags & VAL_NSEC3_FLAG_OPTOUT) ? VAL_NSEC_INSECURE :
	    VAL_NSEC_PROVEN;
}

enum val_nsec_result
val_nsec3_no_ds(struct val_nsec_ctx *ctx, struct reply_rrset **nsec3,
    size_t n, const uint8_t *name, const uint8_t *zone)
{
	struct val_nsec_ctx deflt;
	struct nsec3_proof pf;
	struct nsec3_ce cp;
	enum val_nsec_result res;

	if (!name || !zone || !dname_is_strict_subdomain(name, zone)) {
		return VAL_NSEC_NOT_PROVEN;
	}
	if ((res = nsec3_setup(&pf, ctx, &deflt, nsec3, n, zone)) !=
	    VAL_NSEC_PROVEN) {
		return res;
	}
	if ((res = nsec3_closest_encloser(&pf, name, &cp)) !=
	    VAL_NSEC_PROVEN) {
		return res;
	}
	if (!cp.nc) {
		/* A matching NSEC3: NS without DS and SOA (RFC 5155
		 * section 8.9, RFC 4035 section 5.2). */
		return (nsec3_has(&cp.ce_rr, RR_TYPE_NS) &&
		    !nsec3_has(&cp.ce_rr, RR_TYPE_DS) &&
		    !nsec3_has(&cp.ce_rr, RR_TYPE_SOA)) ? VAL_NSEC_PROVEN :
		    VAL_NSEC_NOT_PROVEN;
	}
	/* RFC 5155 section 8.6: the delegation lies in an opt-out span. */
	if (cp.nc_covered && !nsec3_ce_unfit(&cp) &&
	    (cp.nc_rr.flags & VAL_NSEC3_FLAG_OPTOUT)) {
		return VAL_NSEC_INSECURE;
	}
	return VAL_NSEC_NOT_PROVEN;
}
