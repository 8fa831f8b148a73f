/*
 * validator/val_canon.h - the data an RRSIG signs, in canonical form.
 *
 * RFC 4034 section 3.1.8.1: signature = sign(RRSIG_RDATA | RR(1) | RR(2)
 * ...), where RRSIG_RDATA is the RRSIG's RDATA without the signature
 * field (signer name lowercased) and each RR(i) is
 *	owner | type | class | original TTL | RDLENGTH | RDATA
 * in canonical form (section 6.2) and canonical order (section 6.3).
 * The owner is lowercased, and for a wildcard expansion (the RRSIG's
 * labels field smaller than the owner's label count, RFC 4035 section
 * 5.3.2) replaced by "*." and the rightmost "labels" labels.  The TTL is
 * the RRSIG's original TTL.  Names inside RDATA are lowercased for
 * exactly the types RFC 4034 section 6.2 lists as corrected by RFC 6840
 * section 5.1 (NSEC and HINFO are not lowercased; RRSIG is).  The RRs
 * are sorted by their canonical RDATA as left-justified octet strings,
 * and duplicates are dropped (RFC 4034 section 6.3).
 *
 * The result goes to val_key_verify() (validator/val_crypto.h).
 */
#ifndef VALIDATOR_VAL_CANON_H
#define VALIDATOR_VAL_CANON_H
#include <stddef.h>
#include <stdint.h>

struct reply_rrset;
struct val_key;

/** Fixed part of RRSIG RDATA before the signer's name (RFC 4034 3.1):
 * type covered, algorithm, labels, original TTL, expiration, inception,
 * key tag. */
#define VAL_RRSIG_FIXED 18

/**
 * Is this type's RDATA subject to name lowercasing in canonical form?
 * @param type: an RR type.
 * @return 1 for the types of RFC 4034 section 6.2 as corrected by RFC
 *	6840 section 5.1, else 0.
 */
int val_canon_lowercase_type(uint16_t type);

/**
 * Find the signature field of RRSIG RDATA.
 * @param rrsig: RRSIG RDATA.
 * @param len: its length.
 * @param sigoff: receives the offset of the signature (after the
 *	signer's name); the signature is len - *sigoff octets.
 * @return 0, RES_EMALFORMED (too short, bad signer name), RES_EINVAL.
 */
int val_canon_rrsig_sigoff(const uint8_t *rrsig, size_t len,
	size_t *sigoff);

/**
 * Build the signed data of an RRSIG over an RRset.
 * @param s: the RRset; its owner a checked name, its first s->count
 *	RDATAs the RRs (the RRSIGs after them are not used).
 * @param rrsig: the RRSIG's RDATA (one of s's RRSIGs, or any other).
 * @param rrsig_len: its length.
 * @param out: receives the data; owned by the caller.
 * @param cap: room in out.
 * @param len: receives the length written.
 * @return 0; RES_EBOGUS when the RRSIG cannot cover this RRset: its type
 *	covered is not s->type (RFC 4035 section 5.3.1), or its labels field
 *	exceeds the owner's label count (a leading "*" not counted, RFC 4034
 *	section 3.1.3); RES_EMALFORMED for RRSIG RDATA that is too short or
 *	has a bad signer name, or RDATA of a lowercased type that fails its
 *	layout; RES_ESPACE when out is too small (val_canon_signed_size()
 *	gives enough); RES_EINVAL for NULL arguments or an empty RRset;
 *	RES_ENOMEM.
 */
int val_canon_signed_data(const struct reply_rrset *s, const uint8_t *rrsig,
	size_t rrsig_len, uint8_t *out, size_t cap, size_t *len);

/**
 * An upper bound of the signed data's length, for sizing the buffer of
 * val_canon_signed_data().
 * @param s: the RRset.
 * @param rrsig_len: length of the RRSIG RDATA.
 * @return the bound in octets; 0 for a NULL RRset.
 */
size_t val_canon_signed_size(const struct reply_rrset *s, size_t rrsig_len);

/**
 * Build the signed data into a buffer allocated here.
 * @param s: the RRset (as for val_canon_signed_data()).
 * @param rrsig: the RRSIG RDATA.
 * @param rrsig_len: its length.
 * @param out: receives the data, allocated with malloc(); the caller
 *	frees it.  NULL on failure.
 * @param len: receives its length.
 * @return as val_canon_signed_data(), never RES_ESPACE.
 */
int val_canon_signed_data_alloc(const struct reply_rrset *s,
	const uint8_t *rrsig, size_t rrsig_len, uint8_t **out, size_t *len);

/**
 * Check one RRSIG over an RRset with a key: the RRSIG's algorithm must be
 * the key's, then the canonical signed data is built (on the stack when
 * small, else on the heap) and the signature verified.  Validity times,
 * key tag and signer name are the caller's checks (RFC 4035 section
 * 5.3.1), as is picking the key.
 * @param k: the key (validator/val_crypto.h).
 * @param s: the RRset.
 * @param rrsig: the RRSIG RDATA.
 * @param rrsig_len: its length.
 * @return RES_OK for a valid signature; RES_EBOGUS for one that does not
 *	verify, an algorithm other than the key's, or an RRSIG that cannot
 *	cover the RRset; otherwise as val_canon_signed_data() and
 *	val_key_verify() (RES_ENOTSUP, RES_EMALFORMED, RES_EINVAL,
 *	RES_ENOMEM).
 */
int val_canon_verify_rrsig(const struct val_key *k,
	const struct reply_rrset *s, const uint8_t *rrsig, size_t rrsig_len);

#endif /* VALIDATOR_VAL_CANON_H */
