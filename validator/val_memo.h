/*
 * validator/val_memo.h - per-thread memory of decoded keys and of
 * signatures already verified.
 *
 * Two small direct-mapped tables, one set per worker thread (kept in the
 * validator's env->modinfo slot, so no lock is ever taken):
 *	- decoded DNSKEYs: a DNSKEY RDATA is turned into an OpenSSL key
 *	  object once and then reused while it stays in its slot; a slot is
 *	  matched on the whole RDATA, so a lookup never returns another key;
 *	- verified signatures: the SHA-256 of (DNSKEY RDATA, RRSIG RDATA,
 *	  signed data) of each signature that verified.  The same signature
 *	  by the same key over the same data verifies again, so a hit skips
 *	  the public-key operation.  Only successes are remembered; the
 *	  RRSIG's time window, key flags and tag are checked by the caller
 *	  every time, the memo only stands in for the arithmetic.
 * When many queries for one zone wait on the same DS or DNSKEY subquery,
 * each of them checks the same records: the memo turns all but the first
 * check into a hash.  Nothing is timed out: an entry is replaced when its
 * slot is needed by another one.
 */
#ifndef VALIDATOR_VAL_MEMO_H
#define VALIDATOR_VAL_MEMO_H

#include <stddef.h>
#include <stdint.h>

struct val_key;
struct val_memo;

/** Length of a memo digest (SHA-256). */
#define VAL_MEMO_DIGEST 32

/**
 * Create a memo.
 * @param keys: slots for decoded keys (rounded up to a power of two,
 *	at least 1).
 * @param sigs: slots for verified signatures (likewise).
 * @return the memo, or NULL when out of memory or SHA-256 is missing.
 */
struct val_memo *val_memo_create(size_t keys, size_t sigs);

/**
 * Delete a memo and the keys it holds.
 * @param m: the memo; NULL is accepted.
 */
void val_memo_delete(struct val_memo *m);

/**
 * The decoded key of a DNSKEY RDATA, from the memo or decoded now (and
 * kept).
 * @param m: the memo.
 * @param alg: the algorithm (val_key_create()).
 * @param rdata: the DNSKEY RDATA.
 * @param len: its length.
 * @return the key, owned by the memo and valid until the next call of
 *	val_memo_key() or val_memo_delete() on m; NULL when the key does
 *	not decode (nothing is kept then) or memory runs out.
 */
const struct val_key *val_memo_key(struct val_memo *m, uint8_t alg,
	const uint8_t *rdata, size_t len);

/**
 * The digest that names one verification.
 * @param m: the memo.
 * @param key: the DNSKEY RDATA.
 * @param keylen: its length.
 * @param rrsig: the RRSIG RDATA.
 * @param rrsiglen: its length.
 * @param data: the signed data (val_canon_signed_data()).
 * @param datalen: its length.
 * @param out: receives VAL_MEMO_DIGEST octets.
 * @return 0, or RES_ENOMEM (out is then unusable).
 */
int val_memo_digest(struct val_memo *m, const uint8_t *key, size_t keylen,
	const uint8_t *rrsig, size_t rrsiglen, const uint8_t *data,
	size_t datalen, uint8_t *out);

/**
 * Was the verification named by digest a success before?
 * @param m: the memo (NULL gives 0).
 * @param digest: VAL_MEMO_DIGEST octets from val_memo_digest().
 * @return 1 when remembered, else 0.
 */
int val_memo_sig_known(const struct val_memo *m, const uint8_t *digest);

/**
 * Remember a verification that succeeded.
 * @param m: the memo (NULL does nothing).
 * @param digest: VAL_MEMO_DIGEST octets from val_memo_digest().
 */
void val_memo_sig_add(struct val_memo *m, const uint8_t *digest);

#endif /* VALIDATOR_VAL_MEMO_H */
