/*
 * validator/val_nsec.h - what NSEC and NSEC3 records prove: denial of
 * existence for the validator.
 *
 * The validator checks the signatures of the NSEC or NSEC3 RRsets of a
 * reply itself and then asks the functions here what those records
 * prove: that a name does not exist (NXDOMAIN), that a name has no data
 * of a type (NODATA), that a wildcard answer was expanded correctly, or
 * that a delegation has no DS (an insecure delegation).  Nothing here
 * does I/O or checks signatures; every function is a pure decision over
 * RRsets already checked, apart from the NSEC3 hash (SHA-1 through
 * OpenSSL) and its counter.
 *
 * Usage:
 *	struct val_nsec_ctx ctx = { VAL_NSEC3_MAX_ITERATIONS,
 *	    VAL_NSEC3_HASH_BUDGET, 0 };
 *	switch (val_nsec3_nxdomain(&ctx, nsec3, n, qname, zone)) {
 *	case VAL_NSEC_PROVEN:     the reply is secure
 *	case VAL_NSEC_INSECURE:   opt-out: insecure, no AD
 *	case VAL_NSEC_ITERATIONS: insecure, EDE 27 (RFC 9276 section 3.2)
 *	case VAL_NSEC_BUDGET:     SERVFAIL (too much hashing work)
 *	default:                  bogus
 *	}
 *
 * Input rules: names (qname, zone, ...) are checked wire names
 * (util/dname.h).  The RRset arrays may hold NULL entries and RRsets of
 * other types; both are skipped.  RDATA is not trusted: malformed NSEC
 * or NSEC3 RDATA makes that record unusable, never a crash or an
 * over-read.  Records outside the zone, NSEC3 records with an unknown
 * hash algorithm or flags other than 0 and 1 are ignored (RFC 5155
 * section 8.2).  A proof that cannot be made from the remaining records
 * is VAL_NSEC_NOT_PROVEN.
 *
 * NSEC3 work is bounded (CVE-2023-50868, CPU exhaustion through closest
 * encloser proofs): records whose iteration count is above
 * ctx->max_iterations make the answer VAL_NSEC_ITERATIONS before anything
 * is hashed (RFC 9276), and each name hashed counts one against
 * ctx->hash_budget; when the budget is spent the result is
 * VAL_NSEC_BUDGET.  The counter accumulates over
 * calls so one budget can cover all proofs of one query.
 */
#ifndef VALIDATOR_VAL_NSEC_H
#define VALIDATOR_VAL_NSEC_H
#include <stddef.h>
#include <stdint.h>

struct reply_rrset;

/** Default nsec3-max-iterations (RFC 9276 section 3.2 allows 0..150;
 * 50 is the value common resolvers settled on). */
#define VAL_NSEC3_MAX_ITERATIONS 50
/** Default number of NSEC3 name hashes allowed for one query: a proof
 * needs at most a few per label of the query name, far below this. */
#define VAL_NSEC3_HASH_BUDGET 150
/** SHA-1 output length, the only NSEC3 hash (RFC 5155 section 11). */
#define VAL_NSEC3_SHA1_LEN 20
/** NSEC3 hash algorithm number of SHA-1 (RFC 5155 section 11). */
#define VAL_NSEC3_ALGO_SHA1 1
/** NSEC3 flag: Opt-Out (RFC 5155 section 3.1.2.1). */
#define VAL_NSEC3_FLAG_OPTOUT 0x01

/** What a set of NSEC or NSEC3 records proves. */
enum val_nsec_result {
	/** The denial is proven: secure. */
	VAL_NSEC_PROVEN = 0,
	/** The records do not prove it: bogus. */
	VAL_NSEC_NOT_PROVEN,
	/** Proven only up to an opt-out span (RFC 5155 section 6): the
	 * name may be an unsigned delegation; the answer is insecure. */
	VAL_NSEC_INSECURE,
	/** NSEC3 iterations above the limit: insecure, EDE 27
	 * (RFC 9276 section 3.2, RFC 8914). */
	VAL_NSEC_ITERATIONS,
	/** The hash budget is exhausted: SERVFAIL (CVE-2023-50868). */
	VAL_NSEC_BUDGET
};

/** Limits and counters of NSEC3 work, owned and set by the caller. */
struct val_nsec_ctx {
	/** Highest NSEC3 iteration count accepted (nsec3-max-iterations);
	 * above it a proof is VAL_NSEC_ITERATIONS. */
	unsigned max_iterations;
	/** NSEC3 name hashes allowed in all (each hash of a name, with all
	 * its iterations, counts one). */
	unsigned hash_budget;
	/** Hashes done so far; incremented here, never reset here. */
	unsigned hashes_done;
};

/**
 * Name for a result, for logs.
 * @param r: a result.
 * @return a static string, never NULL.
 */
const char *val_nsec_result_str(enum val_nsec_result r);

/**
 * Does an NSEC RR cover a name (RFC 4035 section 5.4, RFC 4034 section
 * 4.1.1)?  It does when owner < name < next in canonical order (RFC 4034
 * section 6.1); for the last NSEC of a zone, whose next name is the apex
 * (next <= owner), every name after owner inside the zone is covered.
 * @param owner: the NSEC owner (checked name).
 * @param next: its Next Domain Name (checked name).
 * @param name: the name asked about.
 * @param zone: the zone of the NSEC; owner and name must be inside it.
 *	NULL skips that check.
 * @return 1 if covered, 0 if not or for NULL arguments.  A name equal to
 *	owner is matched, not covered.
 */
int val_nsec_covers(const uint8_t *owner, const uint8_t *next,
	const uint8_t *name, const uint8_t *zone);

/**
 * Is a type in an NSEC/NSEC3 type bitmap (RFC 4034 section 4.1.2)?
 * @param bitmap: the Type Bit Maps field.
 * @param len: its length.
 * @param type: the RR type.
 * @return 1 if present, 0 if absent, for NULL or for a malformed bitmap
 *	(windows out of order, a window length of 0 or above 32, truncated).
 *	Callers that need "absent" must check the bitmap with
 *	val_nsec_bitmap_valid() first; the proofs here do.
 */
int val_nsec_bitmap_has(const uint8_t *bitmap, size_t len, uint16_t type);

/**
 * Is a type bitmap well formed (RFC 4034 section 4.1.2)?  An empty
 * bitmap is valid (an NSEC3 of an empty non-terminal, RFC 5155 3.2).
 * @return 1 or 0.
 */
int val_nsec_bitmap_valid(const uint8_t *bitmap, size_t len);

/**
 * NSEC proof of a name error (RFC 4035 sections 3.1.3.2 and 5.4): an
 * NSEC covers qname (and none matches it, and none shows it to be an
 * empty non-terminal), and an NSEC covers the wildcard at the closest
 * encloser, so no wildcard could have been expanded.
 * @param nsec: the NSEC RRsets of the reply (signatures checked).
 * @param n: how many.
 * @param qname: the name that does not exist.
 * @param zone: the zone (signer name); qname must be strictly below it.
 * @return VAL_NSEC_PROVEN or VAL_NSEC_NOT_PROVEN.
 */
enum val_nsec_result val_nsec_nxdomain(struct reply_rrset **nsec, size_t n,
	const uint8_t *qname, const uint8_t *zone);

/**
 * NSEC proof of no data (RFC 4035 sections 3.1.3.1, 3.1.3.4 and 5.4).
 * Any of:
 * - an NSEC at qname without qtype and without CNAME; for qtype DS below
 *   the zone apex it must not have SOA (a child apex NSEC cannot deny the
 *   parent's DS, RFC 4035 section 5.2); for another qtype it must not be
 *   a delegation (NS without SOA: the data is in the child zone);
 * - an NSEC covering qname whose next name is below qname: qname is an
 *   empty non-terminal (RFC 4035 section 3.1.3.2, RFC 8020 reading);
 * - wildcard no data: an NSEC covers qname and an NSEC at the wildcard
 *   of the closest encloser lacks qtype and CNAME (RFC 4035 3.1.3.4).
 * @param nsec: the NSEC RRsets (signatures checked).
 * @param n: how many.
 * @param qname: the query name.
 * @param qtype: the query type.
 * @param zone: the zone; qname must be inside it.
 * @return VAL_NSEC_PROVEN or VAL_NSEC_NOT_PROVEN.
 */
enum val_nsec_result val_nsec_nodata(struct reply_rrset **nsec, size_t n,
	const uint8_t *qname, uint16_t qtype, const uint8_t *zone);

/**
 * NSEC proof for an answer synthesized from the wildcard
 * *.wildcard_parent (RFC 4035 sections 3.1.3.3 and 5.3.4): an NSEC
 * covers qname and its closest encloser is wildcard_parent, so no closer
 * name exists that would have stopped the expansion.
 * @param nsec: the NSEC RRsets (signatures checked).
 * @param n: how many.
 * @param qname: the query name.
 * @param wildcard_parent: the wildcard's parent (the RRSIG labels field
 *	tells how many labels it has); strictly above qname.
 * @return VAL_NSEC_PROVEN or VAL_NSEC_NOT_PROVEN.
 */
enum val_nsec_result val_nsec_wildcard_answer(struct reply_rrset **nsec,
	size_t n, const uint8_t *qname, const uint8_t *wildcard_parent);

/**
 * NSEC proof of an insecure delegation (RFC 4035 section 5.2, RFC 6840
 * section 4.4): an NSEC at name whose bitmap has NS and lacks DS and SOA.
 * @param nsec: the NSEC RRsets (signatures checked).
 * @param n: how many.
 * @param name: the delegation point.
 * @return VAL_NSEC_PROVEN or VAL_NSEC_NOT_PROVEN.
 */
enum val_nsec_result val_nsec_no_ds(struct reply_rrset **nsec, size_t n,
	const uint8_t *name);

/**
 * The NSEC3 hash of a name (RFC 5155 section 5): IH(salt, x, 0) =
 * H(x || salt), IH(salt, x, k) = H(IH(salt, x, k - 1) || salt), over the
 * lowercased wire form of the name, with iterations extra rounds.
 * Counts nothing; the proofs do their own accounting.
 * @param name: a checked wire name.
 * @param algo: the hash algorithm; only 1 (SHA-1) is known.
 * @param salt: the salt (may be NULL when saltlen is 0).
 * @param saltlen: its length (at most 255).
 * @param iterations: extra rounds (at most 65535).
 * @param out: receives the hash.
 * @param outsz: its size; VAL_NSEC3_SHA1_LEN is enough.
 * @return the hash length, RES_ENOTSUP for an unknown algorithm,
 *	RES_ESPACE when out is too small, RES_EINVAL for NULL arguments or
 *	out-of-range lengths, RES_ENOMEM when OpenSSL fails.
 */
int val_nsec3_hash_name(const uint8_t *name, uint8_t algo,
	const uint8_t *salt, size_t saltlen, unsigned iterations,
	uint8_t *out, size_t outsz);

/**
 * NSEC3 proof of a name error (RFC 5155 section 8.4): the closest
 * encloser proof (section 8.3: an NSEC3 matches the closest encloser,
 * one covers the next closer name) and an NSEC3 covering the wildcard
 * at the closest encloser.  When the NSEC3 covering the next closer name
 * has Opt-Out, an unsigned delegation may hide there: VAL_NSEC_INSECURE
 * (RFC 5155 section 9.2).
 * @param ctx: limits and counters; NULL uses the defaults.
 * @param nsec3: the NSEC3 RRsets (signatures checked).
 * @param n: how many.
 * @param qname: the name that does not exist.
 * @param zone: the zone (the NSEC3 owners are hash.zone).
 * @return any enum val_nsec_result.
 */
enum val_nsec_result val_nsec3_nxdomain(struct val_nsec_ctx *ctx,
	struct reply_rrset **nsec3, size_t n, const uint8_t *qname,
	const uint8_t *zone);

/**
 * NSEC3 proof of no data (RFC 5155 sections 8.5, 8.6 and 8.7):
 * - an NSEC3 matches qname and lacks qtype and CNAME (an empty
 *   non-terminal has an empty bitmap); for qtype DS below the apex it
 *   must lack SOA too, for other types it must not be a delegation;
 * - qtype DS without a matching NSEC3: the closest encloser proof with
 *   the next closer name covered by an Opt-Out NSEC3 gives
 *   VAL_NSEC_INSECURE (section 8.6);
 * - wildcard no data: the closest encloser proof and an NSEC3 matching
 *   the wildcard at the closest encloser lacking qtype and CNAME (with
 *   the next closer name covered by an Opt-Out NSEC3: VAL_NSEC_INSECURE,
 *   RFC 5155 section 9.2);
 * - otherwise a closest encloser proof whose next closer name is covered
 *   by an Opt-Out NSEC3 is VAL_NSEC_INSECURE (an empty non-terminal in an
 *   opt-out span, RFC 5155 errata 3441).
 * @param ctx: limits and counters; NULL uses the defaults.
 * @param nsec3: the NSEC3 RRsets (signatures checked).
 * @param n: how many.
 * @param qname: the query name.
 * @param qtype: the query type.
 * @param zone: the zone.
 * @return any enum val_nsec_result.
 */
enum val_nsec_result val_nsec3_nodata(struct val_nsec_ctx *ctx,
	struct reply_rrset **nsec3, size_t n, const uint8_t *qname,
	uint16_t qtype, const uint8_t *zone);

/**
 * NSEC3 proof for a wildcard answer (RFC 5155 section 8.8): the next
 * closer name (qname cut to one label below wildcard_parent, which is
 * the closest encloser) is covered by an NSEC3; covered by an Opt-Out
 * NSEC3 it is VAL_NSEC_INSECURE (RFC 5155 section 9.2: an unsigned
 * delegation may hide there).
 * @param ctx: limits and counters; NULL uses the defaults.
 * @param nsec3: the NSEC3 RRsets (signatures checked).
 * @param n: how many.
 * @param qname: the query name.
 * @param wildcard_parent: the wildcard's parent, strictly above qname and
 *	inside the zone.
 * @param zone: the zone.
 * @return any enum val_nsec_result.
 */
enum val_nsec_result val_nsec3_wildcard_answer(struct val_nsec_ctx *ctx,
	struct reply_rrset **nsec3, size_t n, const uint8_t *qname,
	const uint8_t *wildcard_parent, const uint8_t *zone);

/**
 * NSEC3 proof of an insecure delegation (RFC 5155 sections 8.6 and 8.9):
 * an NSEC3 matching name with NS and without DS and SOA is
 * VAL_NSEC_PROVEN; else the closest encloser proof with the next closer
 * name covered by an Opt-Out NSEC3 is VAL_NSEC_INSECURE (the delegation
 * is in an opt-out span, RFC 5155 section 6).
 * @param ctx: limits and counters; NULL uses the defaults.
 * @param nsec3: the NSEC3 RRsets (signatures checked).
 * @param n: how many.
 * @param name: the delegation point, strictly below zone.
 * @param zone: the parent zone.
 * @return any enum val_nsec_result.
 */
enum val_nsec_result val_nsec3_no_ds(struct val_nsec_ctx *ctx,
	struct reply_rrset **nsec3, size_t n, const uint8_t *name,
	const uint8_t *zone);

#endif /* VALIDATOR_VAL_NSEC_H */
