/*
 * validator/val_crypto.c - DNSSEC cryptography on OpenSSL 3.
 *
 * The digests are fetched once (EVP_MD_fetch) at the first use and kept
 * for the life of the process: OpenSSL 3 otherwise looks an algorithm up
 * again on every implicit use, which costs more than a short digest.
 * The same first use probes which DNSSEC algorithms can be verified: it
 * builds a throwaway public key of each kind and checks that a
 * verification can be set up with it.  For SHA-1 it verifies a whole
 * RSA signature made for the purpose, since a system crypto policy
 * refusing SHA-1 signatures (RHEL 9 style) may fail either the setup or
 * the final check.  Where refused, algorithms 5 and 7 are reported
 * unsupported and the validator treats zones signed only with them as
 * insecure (RFC 4035 section 5.2), with one log line.
 *
 * A DNSKEY is decoded into an EVP_PKEY once, by val_key_decode(); a
 * verification then only sets up a digest context on that key.  ECDSA
 * signatures in DNSSEC are the raw r | s of RFC 6605 section 4 while
 * OpenSSL wants DER, so they are re-encoded on the stack (no allocation).
 * OpenSSL errors left on the thread's error queue by a failed check are
 * cleared, so they cannot show up in an unrelated later report.
 */
#include "config.h"
#include "validator/val_crypto.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include "util/rdata.h"
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/** A decoded DNSKEY public key. */
struct val_key {
	/** DNSSEC algorithm number. */
	uint8_t alg;
	/** The OpenSSL public key; owned. */
	EVP_PKEY *pkey;
	/** Digest of the signature scheme (one of the fetched ones, not
	 * owned); NULL for EdDSA, which hashes internally. */
	const EVP_MD *md;
	/** Length a signature must have: the modulus length for RSA, twice
	 * the field length for ECDSA, 64 or 114 for EdDSA. */
	size_t siglen;
	/** Key size in bits. */
	int bits;
};

/** Longest DER form of an ECDSA P-384 signature: SEQUENCE of two
 * INTEGERs of up to 48 octets plus a leading zero each. */
#define ECDSA_DER_MAX (2 + 2 * (2 + 49))

/** Runs the probe once. */
static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;
/** Result of the probe for val_crypto_init(). */
static int crypto_result;
/** The fetched digests; NULL where not available. */
static EVP_MD *md_sha1, *md_sha256, *md_sha384, *md_sha512;
/** Per algorithm: OpenSSL can verify it (SHA-1 policy aside). */
static uint8_t algo_ok[256];
/** The probe found SHA-1 signatures refused. */
static int sha1_probe_refused;
/** Forced SHA-1 policy for tests: -1 none, else 0 or 1. */
static volatile int sha1_forced = -1;

/** Fetch a digest and check it works; NULL if not available. */
static EVP_MD *
md_fetch(const char *name)
{
	EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int n;

	if (md && EVP_Digest("", 0, out, &n, md, NULL) != 1) {
		EVP_MD_free(md);
		md = NULL;
	}
	ERR_clear_error();
	return md;
}

/** 1 when a verification with this key and digest can be set up. */
static int
probe_verify(EVP_PKEY *pkey, const EVP_MD *md)
{
	EVP_MD_CTX *ctx;
	int ok;

	if (!pkey) {
		return 0;
	}
	if (!(ctx = EVP_MD_CTX_new())) {
		return 0;
	}
	ok = EVP_DigestVerifyInit(ctx, NULL, md, NULL, pkey) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/**
 * Build an RSA public key from big-endian modulus and exponent.
 * @return the key or NULL (out of memory, or OpenSSL refused it).
 */
static EVP_PKEY *
rsa_pkey(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen)
{
	BIGNUM *bn = BN_bin2bn(n, (int)nlen, NULL);
	BIGNUM *be = BN_bin2bn(e, (int)elen, NULL);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;

	if (!bn || !be || !bld ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) ||
	    !(pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) ||
	    EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	ERR_clear_error();
	return pkey;
}

/**
 * Build an EC public key from raw x | y on a named curve.  OpenSSL
 * decodes the point with a check that it lies on the curve.
 * @return the key or NULL.
 */
static EVP_PKEY *
ec_pkey(const char *group, const uint8_t *xy, size_t len)
{
	uint8_t pt[1 + 2 * 48];
	OSSL_PARAM_BLD *bld;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;

	if (len > sizeof(pt) - 1 || !(bld = OSSL_PARAM_BLD_new())) {
		return NULL;
	}
	/* SEC 1 section 2.3.3: uncompressed point = 0x04 | x | y. */
	pt[0] = 0x04;
	memcpy(pt + 1, xy, len);
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pt, len + 1) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) ||
	    !(pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) ||
	    EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	ERR_clear_error();
	return pkey;
}

/*
 * A 2048-bit RSA public key (exponent 65537) and its PKCS #1 v1.5
 * SHA-1 signature over PROBE_MSG, made once for this probe: a crypto
 * policy that refuses SHA-1 signatures may do so when a verification is
 * set up or only when it is finished, so the probe does a whole one.
 */
#define PROBE_MSG "SHA-1 signature probe"
static const uint8_t probe_n[] = {
	0xdb, 0x88, 0xba, 0xea, 0x6c, 0xf1, 0xf5, 0x6f, 0xde, 0x34, 0x3b, 0x58,
	0x89, 0x3d, 0x60, 0xd5, 0xed, 0xdf, 0xcb, 0x78, 0x3d, 0x73, 0xbb, 0x89,
	0x75, 0xa9, 0x2d, 0x2e, 0x4f, 0x40, 0x24, 0x93, 0x7f, 0x03, 0xe8, 0x14,
	0xec, 0x2c, 0x85, 0x2c, 0x99, 0x53, 0x23, 0xa4, 0x51, 0xa5, 0x2e, 0x89,
	0xc0, 0x49, 0x57, 0x5f, 0xb8, 0xdf, 0x4d, 0x79, 0xe8, 0x69, 0x3b, 0xd4,
	0x7a, 0x4d, 0xbe, 0xd6, 0xc3, 0x3b, 0xf7, 0xee, 0x82, 0x53, 0x38, 0xa5,
	0xea, 0x00, 0xa0, 0x90, 0x19, 0xdb, 0x95, 0x69, 0x19, 0x14, 0x3e, 0xa9,
	0xf7, 0x4e, 0x3f, 0xf6, 0x1b, 0xf3, 0x16, 0x33, 0xe2, 0xdb, 0x79, 0x3a,
	0x32, 0x61, 0x90, 0x8b, 0xcb, 0xf7, 0x31, 0xa6, 0x9c, 0x8c, 0x20, 0x5c,
	0xa7, 0x27, 0xb2, 0xec, 0x32, 0xb4, 0x5f, 0xf4, 0x8f, 0x58, 0xfd, 0x30,
	0x63, 0x3e, 0xd8, 0x80, 0x4c, 0x4a, 0x95, 0xd1, 0x44, 0x6b, 0x8f, 0x1f,
	0x10, 0xb4, 0x1b, 0xb9, 0xe0, 0xe5, 0xbe, 0xf0, 0xdf, 0x60, 0xd4, 0x00,
	0xc8, 0xa4, 0x9b, 0x9c, 0x71, 0xbb, 0xec, 0xbc, 0x89, 0xc6, 0xe8, 0x5a,
	0xee, 0x6d, 0x73, 0x78, 0xbf, 0xd0, 0xee, 0x63, 0x57, 0x8b, 0x22, 0xe0,
	0x06, 0x95, 0x4c, 0x4a, 0xdd, 0x37, 0xd6, 0xc3, 0x18, 0xe0, 0x81, 0xd6,
	0x74, 0x1d, 0x26, 0xb2, 0xbd, 0x22, 0x53, 0x3c, 0xa2, 0x01, 0xa5, 0x7e,
	0x88, 0x99, 0xb1, 0x6d, 0xe8, 0x24, 0xfe, 0x35, 0x3a, 0x0b, 0xf4, 0x42,
	0xae, 0x03, 0x9a, 0x31, 0x43, 0x89, 0xbe, 0xaa, 0xe4, 0xb8, 0x4a, 0x93,
	0x5f, 0xcc, 0x13, 0xf1, 0xa5, 0x71, 0xc5, 0xb6, 0x69, 0x12, 0x9c, 0x5f,
	0xcc, 0xbe, 0x4e, 0x06, 0xfa, 0xb5, 0x3c, 0x65, 0x5b, 0x69, 0x68, 0x77,
	0x8f, 0xdb, 0xc1, 0x1a, 0xdb, 0x18, 0x6b, 0xa2, 0x4f, 0xd1, 0x72, 0xee,
	0x32, 0x0f, 0x81, 0x87,
};
static const uint8_t probe_sig[] = {
	0x81, 0x7f, 0x0d, 0x19, 0x2b, 0x02, 0xd7, 0xfc, 0x85, 0x43, 0xc0, 0x23,
	0xfe, 0x8f, 0xc3, 0xa2, 0x88, 0x68, 0x79, 0xec, 0x00, 0x67, 0x43, 0x48,
	0xc3, 0xf5, 0xea, 0x43, 0xf1, 0xe7, 0xae, 0x15, 0xa5, 0x89, 0xec, 0x5b,
	0x02, 0xbe, 0xb3, 0xc4, 0x46, 0x00, 0x61, 0x44, 0x3b, 0x58, 0xcc, 0xef,
	0xe8, 0x6a, 0x80, 0x20, 0x87, 0xec, 0xa1, 0xa5, 0xa1, 0xf3, 0x46, 0xf6,
	0xf3, 0x40, 0xf8, 0xbd, 0x9f, 0x8f, 0x69, 0xd0, 0x36, 0xd8, 0x46, 0x00,
	0x7b, 0x9c, 0x8a, 0xdc, 0x4f, 0x74, 0xbe, 0x2f, 0x2e, 0x60, 0x4c, 0x08,
	0xe1, 0x71, 0xef, 0xaf, 0xfd, 0x3b, 0x80, 0x75, 0x19, 0xb6, 0x1d, 0xa1,
	0x2f, 0x55, 0xf7, 0x5d, 0xf7, 0x39, 0x31, 0xff, 0x98, 0x99, 0xb9, 0xa3,
	0xf7, 0xb4, 0x5a, 0xe2, 0x2c, 0x99, 0xb0, 0xc0, 0xc9, 0xea, 0x66, 0xc5,
	0x8b, 0xb9, 0x98, 0x67, 0x90, 0xa7, 0xfc, 0xb8, 0x1f, 0x5e, 0x8b, 0x4b,
	0x88, 0x64, 0x8f, 0x58, 0xd8, 0x4c, 0x5c, 0x9e, 0xbb, 0xab, 0xf4, 0x87,
	0x5a, 0x79, 0x00, 0x21, 0x3c, 0xd2, 0x9e, 0x28, 0x0b, 0x4c, 0x70, 0x89,
	0x23, 0xe6, 0x20, 0x44, 0x66, 0x6b, 0x39, 0x1b, 0xba, 0xb6, 0x14, 0x06,
	0xc4, 0x61, 0xaa, 0x4b, 0xdf, 0x29, 0xc1, 0x62, 0xfc, 0xa0, 0xa2, 0xce,
	0x7d, 0x2d, 0x58, 0x9d, 0xc9, 0x85, 0x4d, 0x59, 0x18, 0xfb, 0xdc, 0x35,
	0xa4, 0x16, 0x3c, 0x54, 0x4b, 0x12, 0x79, 0x96, 0x57, 0x54, 0x0e, 0xc1,
	0x91, 0xa7, 0xb8, 0x80, 0x3d, 0x7b, 0x10, 0x95, 0xed, 0xbf, 0x17, 0x04,
	0x77, 0x6c, 0x1c, 0x4b, 0x5a, 0x6e, 0xde, 0x6b, 0x0e, 0x9a, 0x25, 0x99,
	0xa1, 0x2d, 0x82, 0x50, 0xcd, 0xee, 0xa0, 0xdb, 0xbf, 0x47, 0x66, 0x33,
	0xdd, 0x22, 0x28, 0x10, 0x80, 0x77, 0x3b, 0x1f, 0x8c, 0x76, 0x37, 0xcd,
	0x17, 0xf0, 0x1d, 0xf1,
};

/**
 * Does a whole SHA-1 RSA verification succeed?
 * @return 1 when it does, 0 when it is refused (or SHA-1 is missing).
 */
static int
probe_sha1(EVP_PKEY *rsa)
{
	EVP_MD_CTX *ctx;
	int ok;

	if (!rsa || !md_sha1 || !(ctx = EVP_MD_CTX_new())) {
		return 0;
	}
	ok = EVP_DigestVerifyInit(ctx, NULL, md_sha1, NULL, rsa) == 1 &&
	    EVP_DigestVerify(ctx, probe_sig, sizeof(probe_sig),
	    (const uint8_t *)PROBE_MSG, sizeof(PROBE_MSG) - 1) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

/** The probe: fetch digests, try each algorithm, log SHA-1 refusal. */
static void
crypto_probe(void)
{
	static const uint8_t e[3] = { 0x01, 0x00, 0x01 };
	EVP_PKEY *rsa, *k;

	md_sha1 = md_fetch("SHA1");
	md_sha256 = md_fetch("SHA2-256");
	md_sha384 = md_fetch("SHA2-384");
	md_sha512 = md_fetch("SHA2-512");
	crypto_result = md_sha256 ? RES_OK : RES_ENOTSUP;

	if ((rsa = rsa_pkey(probe_n, sizeof(probe_n), e, sizeof(e))) !=
	    NULL) {
		algo_ok[VAL_ALG_RSASHA256] = md_sha256 &&
		    probe_verify(rsa, md_sha256);
		algo_ok[VAL_ALG_RSASHA512] = md_sha512 &&
		    probe_verify(rsa, md_sha512);
		/* RSA itself works; whether SHA-1 may sign is policy. */
		algo_ok[VAL_ALG_RSASHA1] = 1;
		algo_ok[VAL_ALG_RSASHA1_NSEC3_SHA1] = 1;
	}
	sha1_probe_refused = !probe_sha1(rsa);
	EVP_PKEY_free(rsa);
	if ((k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) != NULL) {
		algo_ok[VAL_ALG_ECDSAP256SHA256] = md_sha256 &&
		    probe_verify(k, md_sha256);
		EVP_PKEY_free(k);
	}
	if ((k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384")) != NULL) {
		algo_ok[VAL_ALG_ECDSAP384SHA384] = md_sha384 &&
		    probe_verify(k, md_sha384);
		EVP_PKEY_free(k);
	}
	if ((k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) != NULL) {
		algo_ok[VAL_ALG_ED25519] = probe_verify(k, NULL);
		EVP_PKEY_free(k);
	}
	if ((k = EVP_PKEY_Q_keygen(NULL, NULL, "ED448")) != NULL) {
		algo_ok[VAL_ALG_ED448] = probe_verify(k, NULL);
		EVP_PKEY_free(k);
	}
	ERR_clear_error();
	if (sha1_probe_refused) {
		verbose(VERB_OPS, "SHA-1 DNSSEC algorithms are refused by the "
		    "system's crypto policy: zones signed only with them are "
		    "treated as insecure");
	}
}

int
val_crypto_init(void)
{
	(void)pthread_once(&crypto_once, crypto_probe);
	return crypto_result;
}

int
val_crypto_sha1_refused(void)
{
	int f;

	(void)val_crypto_init();
	f = sha1_forced;
	return f >= 0 ? f : sha1_probe_refused;
}

void
val_crypto_set_sha1_refused(int refused)
{
	(void)val_crypto_init();
	sha1_forced = refused < 0 ? -1 : (refused ? 1 : 0);
}

int
val_algo_supported(uint8_t alg)
{
	(void)val_crypto_init();
	switch (alg) {
	case VAL_ALG_RSASHA1:
	case VAL_ALG_RSASHA1_NSEC3_SHA1:
		return algo_ok[alg] && !val_crypto_sha1_refused();
	case VAL_ALG_RSASHA256:
	case VAL_ALG_RSASHA512:
	case VAL_ALG_ECDSAP256SHA256:
	case VAL_ALG_ECDSAP384SHA384:
	case VAL_ALG_ED25519:
	case VAL_ALG_ED448:
		return algo_ok[alg];
	default:
		/* RFC 8624 section 3.1: RSAMD5 MUST NOT be validated; DSA
		 * and ECC-GOST are not implemented; the rest is unknown. */
		return 0;
	}
}

/** The digest of a DS digest type, or NULL when not supported. */
static const EVP_MD *
ds_md(uint8_t digest_type)
{
	(void)val_crypto_init();
	switch (digest_type) {
	case VAL_DS_SHA1:
		return md_sha1;
	case VAL_DS_SHA256:
		return md_sha256;
	case VAL_DS_SHA384:
		return md_sha384;
	default:
		/* GOST (3, RFC 5933) is not implemented (RFC 8624 3.3). */
		return NULL;
	}
}

int
val_digest_supported(uint8_t digest_type)
{
	return ds_md(digest_type) != NULL;
}

/** Number of significant bits of a big-endian number; 0 when zero. */
static int
num_bits(const uint8_t *p, size_t len)
{
	int b;

	while (len > 0 && *p == 0) {
		p++;
		len--;
	}
	if (len == 0 || len > 65536) {
		return 0;
	}
	for (b = 8; b > 0 && !(p[0] & (1 << (b - 1))); b--)
		;
	return (int)(len - 1) * 8 + b;
}

/**
 * Decode an RSA key, RFC 3110 section 2.
 * @return 0, RES_EMALFORMED, RES_ELIMIT or RES_ENOMEM.
 */
static int
key_rsa(struct val_key *k, const uint8_t *pk, size_t len)
{
	size_t elen, p, nlen;
	int min;

	if (len < 1) {
		return RES_EMALFORMED;
	}
	if (pk[0] != 0) {
		elen = pk[0];
		p = 1;
	} else {
		/* A zero octet: the length follows in two octets. */
		if (len < 3) {
			return RES_EMALFORMED;
		}
		elen = wire_get16(pk + 1);
		p = 3;
	}
	if (elen == 0 || len - p <= elen) {
		/* No exponent, or nothing left for the modulus. */
		return RES_EMALFORMED;
	}
	nlen = len - p - elen;
	k->bits = num_bits(pk + p + elen, nlen);
	/* RFC 5702 section 2: RSASHA512 keys at least 1024 bits, the others
	 * (RFC 3110 section 2, RFC 5702) at least 512; all at most 4096. */
	min = k->alg == VAL_ALG_RSASHA512 ? VAL_RSA512_MIN_BITS :
	    VAL_RSA_MIN_BITS;
	if (k->bits < min || k->bits > VAL_RSA_MAX_BITS ||
	    num_bits(pk + p, elen) > k->bits) {
		return RES_ELIMIT;
	}
	if (num_bits(pk + p, elen) == 0) {
		return RES_EMALFORMED;
	}
	k->siglen = ((size_t)k->bits + 7) / 8;
	k->pkey = rsa_pkey(pk + p + elen, nlen, pk + p, elen);
	return k->pkey ? RES_OK : RES_EMALFORMED;
}

int
val_key_decode(uint8_t alg, const uint8_t *rdata, size_t len,
    struct val_key **key)
{
	struct val_key *k;
	const uint8_t *pk;
	size_t pklen;
	int r = RES_OK;

	if (!key) {
		return RES_EINVAL;
	}
	*key = NULL;
	if (!rdata) {
		return RES_EINVAL;
	}
	if (!val_algo_supported(alg)) {
		return RES_ENOTSUP;
	}
	if (len < 4 || rdata[3] != alg) {
		return RES_EMALFORMED;
	}
	pk = rdata + 4;
	pklen = len - 4;
	if (!(k = calloc(1, sizeof(*k)))) {
		return RES_ENOMEM;
	}
	k->alg = alg;
	switch (alg) {
	case VAL_ALG_RSASHA1:
	case VAL_ALG_RSASHA1_NSEC3_SHA1:
		k->md = md_sha1;
		r = key_rsa(k, pk, pklen);
		break;
	case VAL_ALG_RSASHA256:
		k->md = md_sha256;
		r = key_rsa(k, pk, pklen);
		break;
	case VAL_ALG_RSASHA512:
		k->md = md_sha512;
		r = key_rsa(k, pk, pklen);
		break;
	case VAL_ALG_ECDSAP256SHA256:
	case VAL_ALG_ECDSAP384SHA384:
		/* RFC 6605 section 4: the key is x | y, 32 or 48 octets each,
		 * and the signature r | s of the same size. */
		k->siglen = alg == VAL_ALG_ECDSAP256SHA256 ? 64 : 96;
		k->md = alg == VAL_ALG_ECDSAP256SHA256 ? md_sha256 : md_sha384;
		k->bits = alg == VAL_ALG_ECDSAP256SHA256 ? 256 : 384;
		if (pklen != k->siglen) {
			r = RES_EMALFORMED;
			break;
		}
		k->pkey = ec_pkey(alg == VAL_ALG_ECDSAP256SHA256 ? "P-256" :
		    "P-384", pk, pklen);
		if (!k->pkey) {
			r = RES_EMALFORMED;
		}
		break;
	case VAL_ALG_ED25519:
	case VAL_ALG_ED448:
		/* RFC 8080 section 3: 32 (Ed25519) or 57 (Ed448) octets;
		 * section 4: signatures of 64 or 114 octets. */
		k->siglen = alg == VAL_ALG_ED25519 ? 64 : 114;
		k->bits = alg == VAL_ALG_ED25519 ? 256 : 456;
		if (pklen != (alg == VAL_ALG_ED25519 ? 32u : 57u)) {
			r = RES_EMALFORMED;
			break;
		}
		k->pkey = EVP_PKEY_new_raw_public_key_ex(NULL,
		    alg == VAL_ALG_ED25519 ? "ED25519" : "ED448", NULL, pk,
		    pklen);
		if (!k->pkey) {
			r = RES_EMALFORMED;
		}
		break;
	default:
		r = RES_ENOTSUP;
		break;
	}
	ERR_clear_error();
	if (r != RES_OK) {
		val_key_delete(k);
		return r;
	}
	*key = k;
	return RES_OK;
}

struct val_key *
val_key_create(uint8_t alg, const uint8_t *dnskey_rdata, size_t len)
{
	struct val_key *k;

	return val_key_decode(alg, dnskey_rdata, len, &k) == RES_OK ? k :
	    NULL;
}

void
val_key_delete(struct val_key *k)
{
	if (!k) {
		return;
	}
	EVP_PKEY_free(k->pkey);
	free(k);
}

uint8_t
val_key_algo(const struct val_key *k)
{
	return k ? k->alg : 0;
}

int
val_key_bits(const struct val_key *k)
{
	return k ? k->bits : 0;
}

/**
 * Append a DER INTEGER holding the unsigned big-endian number p.
 * @return octets written, 0 when the number is zero (not a valid r or
 *	s, FIPS 186-4 section 6.4).
 */
static size_t
der_uint(uint8_t *out, const uint8_t *p, size_t len)
{
	size_t pad;

	while (len > 0 && *p == 0) {
		p++;
		len--;
	}
	if (len == 0) {
		return 0;
	}
	/* INTEGER is signed: a set top bit needs a leading zero. */
	pad = (p[0] & 0x80) ? 1 : 0;
	out[0] = 0x02;
	out[1] = (uint8_t)(len + pad);
	out[2] = 0;
	memcpy(out + 2 + pad, p, len);
	return 2 + pad + len;
}

/**
 * ECDSA r | s (RFC 6605 section 4) to DER SEQUENCE { r, s } (RFC 3279
 * section 2.2.3).  Every length is below 128, so short form throughout.
 * @return the DER length, 0 for a zero r or s.
 */
static size_t
ecdsa_der(const uint8_t *sig, size_t half, uint8_t *der)
{
	size_t a, b;

	if (!(a = der_uint(der + 2, sig, half)) ||
	    !(b = der_uint(der + 2 + a, sig + half, half))) {
		return 0;
	}
	der[0] = 0x30;
	der[1] = (uint8_t)(a + b);
	return 2 + a + b;
}

int
val_key_verify(const struct val_key *k, const uint8_t *data, size_t len,
    const uint8_t *sig, size_t siglen)
{
	static const uint8_t empty[1];
	uint8_t der[ECDSA_DER_MAX];
	EVP_MD_CTX *ctx;
	int r;

	if (!k || !k->pkey || (!data && len > 0) || (!sig && siglen > 0)) {
		return RES_EINVAL;
	}
	if (!val_algo_supported(k->alg)) {
		return RES_ENOTSUP;
	}
	if (siglen != k->siglen) {
		/* RFC 3110 section 3: an RSA signature is as long as the
		 * modulus; ECDSA and EdDSA signatures have fixed sizes. */
		return RES_EBOGUS;
	}
	if (k->alg == VAL_ALG_ECDSAP256SHA256 ||
	    k->alg == VAL_ALG_ECDSAP384SHA384) {
		if (!(siglen = ecdsa_der(sig, siglen / 2, der))) {
			return RES_EBOGUS;
		}
		sig = der;
	}
	if (!data) {
		data = empty;
	}
	if (!(ctx = EVP_MD_CTX_new())) {
		return RES_ENOMEM;
	}
	if (EVP_DigestVerifyInit(ctx, NULL, k->md, NULL, k->pkey) != 1) {
		r = RES_ENOTSUP;
	} else if (EVP_DigestVerify(ctx, sig, siglen, data, len) == 1) {
		r = RES_OK;
	} else {
		r = RES_EBOGUS;
	}
	EVP_MD_CTX_free(ctx);
	if (r != RES_OK) {
		ERR_clear_error();
	}
	return r;
}

/**
 * Digest of a lowercased name followed by data.
 * @return 0, RES_ENOMEM.
 */
static int
digest_name_data(const EVP_MD *md, const uint8_t *name, const uint8_t *d,
    size_t dlen, uint8_t *out, size_t *outlen)
{
	uint8_t lc[DNAME_MAXLEN];
	size_t nlen = dname_len(name);
	EVP_MD_CTX *ctx;
	unsigned int n = 0;
	int ok;

	memcpy(lc, name, nlen);
	dname_tolower(lc);
	if (!(ctx = EVP_MD_CTX_new())) {
		return RES_ENOMEM;
	}
	ok = EVP_DigestInit_ex2(ctx, md, NULL) == 1 &&
	    EVP_DigestUpdate(ctx, lc, nlen) == 1 &&
	    (dlen == 0 || EVP_DigestUpdate(ctx, d, dlen) == 1) &&
	    EVP_DigestFinal_ex(ctx, out, &n) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		ERR_clear_error();
		return RES_ENOMEM;
	}
	*outlen = n;
	return RES_OK;
}

int
val_ds_digest(uint8_t digest_type, const uint8_t *owner,
    const uint8_t *dnskey, size_t len, uint8_t *out, size_t *outlen)
{
	const EVP_MD *md;

	if (!owner || !dnskey || len == 0 || !out || !outlen) {
		return RES_EINVAL;
	}
	if (!(md = ds_md(digest_type))) {
		return RES_ENOTSUP;
	}
	/* RFC 4034 section 5.1.4: digest = H(owner | DNSKEY RDATA), the
	 * owner in canonical form (section 6.2: lowercased). */
	return digest_name_data(md, owner, dnskey, len, out, outlen);
}

int
val_ds_matches(const uint8_t *ds, size_t dslen, const uint8_t *owner,
    const uint8_t *dnskey, size_t keylen)
{
	uint8_t d[EVP_MAX_MD_SIZE];
	size_t dl;
	int r;

	if (!ds || !owner || !dnskey) {
		return RES_EINVAL;
	}
	if (dslen < 4 || keylen < 4) {
		return RES_EMALFORMED;
	}
	/* RFC 4034 section 5.1: key tag, algorithm, digest type, digest. */
	if (!val_digest_supported(ds[3])) {
		return RES_ENOTSUP;
	}
	if (wire_get16(ds) != rdata_dnskey_keytag(dnskey, keylen) ||
	    ds[2] != dnskey[3]) {
		return 0;
	}
	if ((r = val_ds_digest(ds[3], owner, dnskey, keylen, d, &dl)) !=
	    RES_OK) {
		return r;
	}
	return dslen - 4 == dl && CRYPTO_memcmp(ds + 4, d, dl) == 0;
}

int
val_nsec3_hash(const uint8_t *name, const uint8_t *salt, size_t saltlen,
    uint16_t iterations, uint8_t out[VAL_NSEC3_HASHLEN])
{
	EVP_MD_CTX *ctx;
	unsigned int n;
	uint32_t i;
	size_t len;
	int r, ok = 1;

	if (!name || !out || (!salt && saltlen > 0) || saltlen > 255) {
		return RES_EINVAL;
	}
	(void)val_crypto_init();
	if (!md_sha1) {
		return RES_ENOTSUP;
	}
	if (saltlen == 0) {
		salt = (const uint8_t *)"";
	}
	/* RFC 5155 section 5: IH(salt, x, 0) = H(x | salt), x the name in
	 * canonical (lowercased) wire form, ... */
	if ((r = digest_name_data(md_sha1, name, salt, saltlen, out, &len))
	    != RES_OK) {
		return r;
	}
	if (!(ctx = EVP_MD_CTX_new())) {
		return RES_ENOMEM;
	}
	/* ... and IH(salt, x, k) = H(IH(salt, x, k-1) | salt). */
	for (i = 0; ok && i < iterations; i++) {
		ok = EVP_DigestInit_ex2(ctx, md_sha1, NULL) == 1 &&
		    EVP_DigestUpdate(ctx, out, VAL_NSEC3_HASHLEN) == 1 &&
		    (saltlen == 0 ||
		    EVP_DigestUpdate(ctx, salt, saltlen) == 1) &&
		    EVP_DigestFinal_ex(ctx, out, &n) == 1;
	}
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		ERR_clear_error();
		return RES_ENOMEM;
	}
	return RES_OK;
}

/** The base32hex alphabet, RFC 4648 section 7, in lower case. */
static const char b32hex_chars[] = "0123456789abcdefghijklmnopqrstuv";

int
val_b32hex_encode(const uint8_t *data, size_t len, char *buf, size_t bufsz)
{
	size_t need, i, o = 0;
	uint32_t acc = 0;
	int bits = 0;

	if (!buf || (!data && len > 0)) {
		return RES_EINVAL;
	}
	if (len > 1024 * 1024) {
		return RES_ESPACE;
	}
	need = (len * 8 + 4) / 5;
	if (bufsz < need + 1) {
		return RES_ESPACE;
	}
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | data[i];
		bits += 8;
		while (bits >= 5) {
			buf[o++] = b32hex_chars[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0) {
		buf[o++] = b32hex_chars[(acc << (5 - bits)) & 31];
	}
	buf[o] = 0;
	return (int)o;
}

/** Value of a base32hex character, either case, or -1. */
static int
b32hex_val(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'v') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'V') {
		return c - 'A' + 10;
	}
	return -1;
}

int
val_b32hex_decode(const char *text, size_t textlen, uint8_t *out,
    size_t outsz)
{
	size_t i, o = 0, rem = textlen % 8;
	uint32_t acc = 0;
	int bits = 0, v;

	if (!out || (!text && textlen > 0)) {
		return RES_EINVAL;
	}
	/* Only 0, 2, 4, 5 or 7 characters can end an encoding. */
	if (rem == 1 || rem == 3 || rem == 6 || textlen > 1024 * 1024) {
		return RES_EMALFORMED;
	}
	if (outsz < textlen * 5 / 8) {
		return RES_ESPACE;
	}
	for (i = 0; i < textlen; i++) {
		if ((v = b32hex_val(text[i])) < 0) {
			return RES_EMALFORMED;
		}
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			out[o++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	/* The unused low bits of the last character must be zero. */
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
		return RES_EMALFORMED;
	}
	return (int)o;
}
