/*
 * validator/val_crypto.h - DNSSEC cryptography: public keys, signature
 * checks, DS digests and NSEC3 hashes, on top of OpenSSL 3.
 *
 * This is the only place the validator touches OpenSSL.  It knows the
 * algorithms that RFC 8624 section 3.1 says a validator MUST or SHOULD
 * support: RSASHA1 (5), RSASHA1-NSEC3-SHA1 (7), RSASHA256 (8), RSASHA512
 * (10), ECDSAP256SHA256 (13), ECDSAP384SHA384 (14), ED25519 (15) and
 * ED448 (16).  RSAMD5 (1) MUST NOT be used for validation, DSA (3, 6)
 * and ECC-GOST (12) are not implemented: for those val_algo_supported()
 * says 0 and RRsets signed only with them are treated as insecure by the
 * validator (RFC 4035 section 5.2).  The same goes for DS digest types:
 * SHA-1 (1), SHA-256 (2) and SHA-384 (4); GOST (3) is not supported.
 *
 * SHA-1 is special: some systems (RHEL 9 style crypto policies) refuse
 * SHA-1 in signatures while still computing SHA-1 digests.
 * val_crypto_init() probes this once, logs it at verbosity 1, and from
 * then on algorithms 5 and 7 are "not supported" there.  NSEC3 hashing
 * and DS digest type 1 use the plain digest, which such policies allow.
 *
 * Keys: a DNSKEY's public key is decoded once into an OpenSSL key object
 * (struct val_key) that the validator keeps with its key set; verifying a
 * signature then costs no decoding.  A struct val_key is immutable after
 * creation, so one key may be used by many threads at once.
 *
 * Usage:
 *	val_crypto_init();
 *	struct val_key *k = val_key_create(alg, dnskey_rdata, dnskey_len);
 *	if (k && val_canon_rrsig_sigoff(rrsig, rrsig_len, &off) == 0 &&
 *	    val_canon_signed_data(rrset, rrsig, rrsig_len, buf, sizeof(buf),
 *	    &n) == 0)
 *		r = val_key_verify(k, buf, n, rrsig + off, rrsig_len - off);
 *	val_key_delete(k);
 * where RES_OK means a valid signature and RES_EBOGUS a bad one (the
 * canonical form is in validator/val_canon.h).
 */
#ifndef VALIDATOR_VAL_CRYPTO_H
#define VALIDATOR_VAL_CRYPTO_H
#include <stddef.h>
#include <stdint.h>

/** DNSSEC algorithm numbers (IANA "DNS Security Algorithm Numbers"). */
#define VAL_ALG_RSAMD5 1
#define VAL_ALG_DSA 3
#define VAL_ALG_RSASHA1 5
#define VAL_ALG_DSA_NSEC3_SHA1 6
#define VAL_ALG_RSASHA1_NSEC3_SHA1 7
#define VAL_ALG_RSASHA256 8
#define VAL_ALG_RSASHA512 10
#define VAL_ALG_ECC_GOST 12
#define VAL_ALG_ECDSAP256SHA256 13
#define VAL_ALG_ECDSAP384SHA384 14
#define VAL_ALG_ED25519 15
#define VAL_ALG_ED448 16

/** DS digest types (IANA "Delegation Signer Digest Algorithms"). */
#define VAL_DS_SHA1 1
#define VAL_DS_SHA256 2
#define VAL_DS_GOST 3
#define VAL_DS_SHA384 4

/** Room a DS digest needs (SHA-384, the longest supported). */
#define VAL_DS_DIGEST_MAX 48
/** Length of an NSEC3 SHA-1 hash (RFC 5155 section 5). */
#define VAL_NSEC3_HASHLEN 20
/** Length of the base32hex text of an NSEC3 hash, without NUL. */
#define VAL_NSEC3_B32LEN 32

/** RSA modulus limits in bits.  RFC 3110 section 2 and RFC 5702
 * section 2 bound RSA keys to 4096 bits, which also bounds the work one
 * signature check can cost; RFC 5702 section 2 sets the floor at 512
 * bits (1024 for RSASHA512), and RFC 8624 section 3.1 notes that keys
 * that short give little protection, so nothing shorter is accepted. */
#define VAL_RSA_MIN_BITS 512
#define VAL_RSA512_MIN_BITS 1024
#define VAL_RSA_MAX_BITS 4096

/** A decoded DNSKEY public key; opaque, immutable after creation. */
struct val_key;

/**
 * Probe what this OpenSSL allows: fetch the digests once, and check for
 * every algorithm that a verification can be set up, in particular
 * whether SHA-1 signatures (algorithms 5 and 7) are refused by a system
 * crypto policy; if so log that once at verbosity 1.  Runs once per
 * process (later calls return the first result); every other function
 * here calls it itself, so calling it at startup only moves the probe
 * and the log line to a known place.  Thread-safe.
 * @return 0, or RES_ENOTSUP when not even SHA-256 is available (nothing
 *	can then be validated).
 */
int val_crypto_init(void);

/**
 * Can signatures of this algorithm be verified here?
 * @param alg: DNSSEC algorithm number.
 * @return 1 for 5, 7, 8, 10, 13, 14, 15, 16 when OpenSSL can verify
 *	them (5 and 7 only when SHA-1 signatures are allowed), else 0.
 */
int val_algo_supported(uint8_t alg);

/**
 * Can DS digests of this type be computed here?
 * @param digest_type: DS digest type.
 * @return 1 for SHA-1 (1, when the digest is available), SHA-256 (2)
 *	and SHA-384 (4); 0 for GOST (3) and everything else.
 */
int val_digest_supported(uint8_t digest_type);

/**
 * Are SHA-1 signatures refused by the system's crypto policy?
 * @return 1 when refused (algorithms 5 and 7 are then unsupported),
 *	else 0.
 */
int val_crypto_sha1_refused(void);

/**
 * Force the SHA-1 signature policy, as the probe would have found it.
 * For tests, which cannot change the system policy; a caller in the
 * daemon has no reason to use it.  Not thread-safe against concurrent
 * verifications.
 * @param refused: 1 to act as if SHA-1 signatures were refused, 0 to act
 *	as if allowed (still only if OpenSSL can do them), -1 to go back to
 *	what the probe found.
 */
void val_crypto_set_sha1_refused(int refused);

/**
 * Decode a DNSKEY's public key, with the reason for a failure.
 * RSA keys follow RFC 3110 section 2 (exponent length in one octet, or
 * zero and then two octets; then exponent, then modulus); ECDSA keys are
 * the raw x | y coordinates (RFC 6605 section 4: 64 octets for P-256, 96
 * for P-384) and must be a point on the curve; EdDSA keys are raw (RFC
 * 8080 section 3: 32 octets for Ed25519, 57 for Ed448).
 * @param alg: the algorithm, normally the DNSKEY's own algorithm field;
 *	it must equal that field.
 * @param rdata: the whole DNSKEY RDATA (flags, protocol, algorithm, key).
 * @param len: its length.
 * @param key: receives the key on success (free with val_key_delete()),
 *	NULL on failure.
 * @return 0; RES_EINVAL for NULL arguments; RES_ENOTSUP for an algorithm
 *	not supported here (val_algo_supported() is 0); RES_EMALFORMED for
 *	RDATA shorter than 4 octets, an algorithm field other than alg, or a
 *	key that does not decode (RSA exponent length 0, truncated key,
 *	ECDSA or EdDSA key of the wrong length, point not on the curve);
 *	RES_ELIMIT for an RSA modulus outside VAL_RSA_MIN_BITS (or
 *	VAL_RSA512_MIN_BITS for algorithm 10) .. VAL_RSA_MAX_BITS, or an
 *	exponent longer than the modulus; RES_ENOMEM.
 */
int val_key_decode(uint8_t alg, const uint8_t *rdata, size_t len,
	struct val_key **key);

/**
 * Decode a DNSKEY's public key (val_key_decode() without the reason).
 * @param alg: the algorithm.
 * @param dnskey_rdata: the whole DNSKEY RDATA.
 * @param len: its length.
 * @return the key, owned by the caller (free with val_key_delete()), or
 *	NULL for any failure val_key_decode() reports.
 */
struct val_key *val_key_create(uint8_t alg, const uint8_t *dnskey_rdata,
	size_t len);

/**
 * Free a key.
 * @param k: the key; NULL is allowed and does nothing.
 */
void val_key_delete(struct val_key *k);

/**
 * The algorithm of a key.
 * @param k: the key.
 * @return its algorithm number, 0 for NULL.
 */
uint8_t val_key_algo(const struct val_key *k);

/**
 * The size of a key in bits (RSA modulus, curve size).
 * @param k: the key.
 * @return the bits, 0 for NULL.
 */
int val_key_bits(const struct val_key *k);

/**
 * Verify a signature over data.
 * RSA signatures are PKCS #1 v1.5 (RFC 3110 section 3, RFC 5702 section
 * 3); ECDSA signatures arrive as raw r | s (RFC 6605 section 4) and are
 * turned into DER here; EdDSA is one-shot over the data (RFC 8080
 * section 4).  Thread-safe: the key is only read.
 * @param k: the key.
 * @param data: the signed data (val_canon_signed_data()).
 * @param len: its length.
 * @param sig: the signature field of the RRSIG.
 * @param siglen: its length.
 * @return RES_OK for a valid signature; RES_EBOGUS for a signature that
 *	does not verify or cannot be one (wrong length, r or s zero);
 *	RES_ENOTSUP when the algorithm cannot be used here (a crypto
 *	policy that refuses it); RES_EINVAL for a NULL key, or NULL data or
 *	signature with a nonzero length (an empty signature is RES_EBOGUS);
 *	RES_ENOMEM.
 */
int val_key_verify(const struct val_key *k, const uint8_t *data, size_t len,
	const uint8_t *sig, size_t siglen);

/**
 * The digest of a DS record for a DNSKEY, RFC 4034 section 5.1.4:
 * digest(canonical owner name | DNSKEY RDATA), the owner lowercased.
 * @param digest_type: VAL_DS_SHA1, VAL_DS_SHA256 or VAL_DS_SHA384.
 * @param owner: the DNSKEY's owner, a checked wire-format name.
 * @param dnskey: the DNSKEY RDATA.
 * @param len: its length.
 * @param out: receives the digest; VAL_DS_DIGEST_MAX octets of room.
 * @param outlen: receives the digest's length.
 * @return 0; RES_ENOTSUP for a digest type not supported here;
 *	RES_EINVAL for NULL arguments or an empty key; RES_ENOMEM.
 */
int val_ds_digest(uint8_t digest_type, const uint8_t *owner,
	const uint8_t *dnskey, size_t len, uint8_t *out, size_t *outlen);

/**
 * Does a DS record match a DNSKEY?  Key tag (RFC 4034 appendix B),
 * algorithm and digest are all compared (RFC 4035 section 5.2).
 * @param ds: the DS RDATA.
 * @param dslen: its length.
 * @param owner: the owner of the DNSKEY (and DS), a checked name.
 * @param dnskey: the DNSKEY RDATA.
 * @param keylen: its length.
 * @return 1 for a match, 0 for none (a digest of the wrong length is no
 *	match); RES_ENOTSUP for a digest type not supported here;
 *	RES_EMALFORMED for DS RDATA shorter than 4 octets or DNSKEY RDATA
 *	shorter than 4; RES_EINVAL for NULL arguments; RES_ENOMEM.
 */
int val_ds_matches(const uint8_t *ds, size_t dslen, const uint8_t *owner,
	const uint8_t *dnskey, size_t keylen);

/**
 * The NSEC3 hash of a name, RFC 5155 section 5 with SHA-1 (hash
 * algorithm 1, the only one defined): IH(0) = H(name | salt),
 * IH(k) = H(IH(k-1) | salt), the name lowercased first.  The work grows
 * with iterations; limiting them (RFC 9276 section 3.2) is the
 * caller's policy.
 * @param name: a checked wire-format name.
 * @param salt: the salt; may be NULL when saltlen is 0.
 * @param saltlen: its length (at most 255).
 * @param iterations: the additional iterations.
 * @param out: receives VAL_NSEC3_HASHLEN octets.
 * @return 0; RES_EINVAL for NULL arguments or saltlen over 255;
 *	RES_ENOTSUP when SHA-1 is not available; RES_ENOMEM.
 */
int val_nsec3_hash(const uint8_t *name, const uint8_t *salt,
	size_t saltlen, uint16_t iterations, uint8_t out[VAL_NSEC3_HASHLEN]);

/**
 * Base32hex text (RFC 4648 section 7, lower case, no padding), the form
 * of the first label of an NSEC3 owner (RFC 5155 section 3.3).
 * @param data: the octets.
 * @param len: their number.
 * @param buf: receives the text, NUL-terminated.
 * @param bufsz: its size; (len * 8 + 4) / 5 + 1 is enough.
 * @return the length of the text; RES_ESPACE when buf is too small;
 *	RES_EINVAL for NULL buf (or NULL data with len > 0).
 */
int val_b32hex_encode(const uint8_t *data, size_t len, char *buf,
	size_t bufsz);

/**
 * Decode base32hex without padding, either case (an NSEC3 owner label).
 * @param text: the characters (not necessarily NUL-terminated).
 * @param textlen: their number.
 * @param out: receives the octets.
 * @param outsz: its size.
 * @return the number of octets; RES_EMALFORMED for a character outside
 *	the alphabet, a length that no encoding has (1, 3 or 6 characters
 *	modulo 8) or nonzero unused trailing bits; RES_ESPACE; RES_EINVAL.
 */
int val_b32hex_decode(const char *text, size_t textlen, uint8_t *out,
	size_t outsz);

#endif /* VALIDATOR_VAL_CRYPTO_H */
