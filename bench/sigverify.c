/*
 * bench/sigverify.c - signature verifications per second, per DNSSEC
 * algorithm: through val_key_verify() and through a bare OpenSSL
 * EVP_DigestVerifyInit() + EVP_DigestVerify() loop on the same key and
 * data (what "openssl speed" measures), so the cost of the DNSSEC layer
 * (signature re-encoding, checks) shows as the ratio of the two.
 *
 * Keys are made at start (RSA 1024 and 2048 bits, P-256, P-384,
 * Ed25519, Ed448); the data is 256 octets, about the size of the signed
 * data of a small RRset.  Each measurement runs for a bounded time
 * (-t seconds, default 1, at most 60) and at most BENCH_MAX_ITER
 * verifications.
 *
 * Usage: bench/sigverify [-t seconds]
 */
#include "config.h"
#include "validator/val_crypto.h"
#include "util/error.h"
#include "util/rdata.h"
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/** Upper bound of verifications in one measurement. */
#define BENCH_MAX_ITER 50000000UL
/** Verifications between two looks at the clock. */
#define BENCH_BATCH 16

/** One benchmarked key. */
struct bench_case {
	/** DNSSEC algorithm. */
	uint8_t alg;
	/** RSA modulus bits, 0 for the others. */
	int bits;
	/** Name for the table. */
	const char *name;
};

/** Monotonic time in seconds. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/** The digest of an algorithm; NULL for EdDSA. */
static const EVP_MD *
bench_md(uint8_t alg)
{
	switch (alg) {
	case 5: case 7:
		return EVP_sha1();
	case 8: case 13:
		return EVP_sha256();
	case 10:
		return EVP_sha512();
	case 14:
		return EVP_sha384();
	}
	return NULL;
}

/** Make a key pair. */
static EVP_PKEY *
bench_keygen(const struct bench_case *c)
{
	switch (c->alg) {
	case 13:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	case 14:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	case 15:
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	case 16:
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
	}
	return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)c->bits);
}

/** DNSKEY RDATA of a public key; returns its length or 0. */
static size_t
bench_dnskey(EVP_PKEY *pk, uint8_t alg, uint8_t *rd, size_t cap)
{
	BIGNUM *n = NULL, *e = NULL;
	uint8_t pt[200];
	size_t len = 0;

	memcpy(rd, "\001\001\003", 3);
	rd[3] = alg;
	if (alg <= 10) {
		if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) &&
		    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) &&
		    (size_t)(5 + BN_num_bytes(e) + BN_num_bytes(n)) <= cap) {
			rd[4] = (uint8_t)BN_num_bytes(e);
			BN_bn2bin(e, rd + 5);
			BN_bn2bin(n, rd + 5 + rd[4]);
			len = 5 + (size_t)rd[4] + (size_t)BN_num_bytes(n);
		}
	} else if (alg <= 14) {
		if (EVP_PKEY_get_octet_string_param(pk,
		    OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &len) &&
		    len - 1 <= cap - 4) {
			memcpy(rd + 4, pt + 1, len - 1);
			len += 3;
		} else {
			len = 0;
		}
	} else {
		len = cap - 4;
		len = EVP_PKEY_get_raw_public_key(pk, rd + 4, &len) ? len + 4 :
		    0;
	}
	BN_free(n);
	BN_free(e);
	return len;
}

/** Sign; the native OpenSSL form (DER for ECDSA). Returns length. */
static size_t
bench_sign(EVP_PKEY *pk, uint8_t alg, const uint8_t *d, size_t len,
    uint8_t *sig, size_t cap)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t sl = cap;
	int ok;

	ok = ctx && EVP_DigestSignInit(ctx, NULL, bench_md(alg), NULL, pk) ==
	    1 && EVP_DigestSign(ctx, sig, &sl, d, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? sl : 0;
}

/** DER ECDSA signature to the r | s of RFC 6605; returns length. */
static size_t
bench_raw(const uint8_t *der, size_t dl, size_t half, uint8_t *out)
{
	const unsigned char *p = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)dl);
	int ok;

	if (!es) {
		return 0;
	}
	ok = BN_bn2binpad(ECDSA_SIG_get0_r(es), out, (int)half) ==
	    (int)half && BN_bn2binpad(ECDSA_SIG_get0_s(es), out + half,
	    (int)half) == (int)half;
	ECDSA_SIG_free(es);
	return ok ? 2 * half : 0;
}

/** Verifications per second through val_key_verify(); -1 on error. */
static double
run_val(const struct val_key *k, const uint8_t *d, size_t len,
    const uint8_t *sig, size_t sl, double secs)
{
	double t0 = now(), t;
	unsigned long n = 0;
	int i;

	do {
		for (i = 0; i < BENCH_BATCH; i++) {
			if (val_key_verify(k, d, len, sig, sl) != RES_OK) {
				return -1;
			}
		}
		n += BENCH_BATCH;
		t = now() - t0;
	} while (t < secs && n < BENCH_MAX_ITER);
	return (double)n / t;
}

/** Verifications per second, bare EVP; -1 on error. */
static double
run_evp(EVP_PKEY *pk, const EVP_MD *md, const uint8_t *d, size_t len,
    const uint8_t *sig, size_t sl, double secs)
{
	double t0 = now(), t;
	unsigned long n = 0;
	EVP_MD_CTX *ctx;
	int i, ok;

	do {
		for (i = 0; i < BENCH_BATCH; i++) {
			if (!(ctx = EVP_MD_CTX_new())) {
				return -1;
			}
			ok = EVP_DigestVerifyInit(ctx, NULL, md, NULL, pk) ==
			    1 && EVP_DigestVerify(ctx, sig, sl, d, len) == 1;
			EVP_MD_CTX_free(ctx);
			if (!ok) {
				return -1;
			}
		}
		n += BENCH_BATCH;
		t = now() - t0;
	} while (t < secs && n < BENCH_MAX_ITER);
	return (double)n / t;
}

int
main(int argc, char **argv)
{
	static const struct bench_case cases[] = {
		{ 8, 1024, "RSASHA256 1024" },
		{ 8, 2048, "RSASHA256 2048" },
		{ 10, 2048, "RSASHA512 2048" },
		{ 5, 2048, "RSASHA1 2048" },
		{ 13, 0, "ECDSAP256SHA256" },
		{ 14, 0, "ECDSAP384SHA384" },
		{ 15, 0, "ED25519" },
		{ 16, 0, "ED448" },
	};
	uint8_t data[256], key[700], sig[700], raw[200];
	double secs = 1.0, a, b;
	const uint8_t *vs;
	size_t i, klen, sl, vl;
	int ch;

	while ((ch = getopt(argc, argv, "t:")) != -1) {
		if (ch == 't') {
			secs = atof(optarg);
		} else {
			fprintf(stderr, "usage: %s [-t seconds]\n", argv[0]);
			return 1;
		}
	}
	if (secs <= 0 || secs > 60) {
		secs = 1.0;
	}
	if (val_crypto_init() != RES_OK) {
		fprintf(stderr, "no usable OpenSSL digests\n");
		return 1;
	}
	for (i = 0; i < sizeof(data); i++) {
		data[i] = (uint8_t)(i * 7 + 3);
	}
	printf("%-16s %14s %14s %7s\n", "algorithm", "val_key_verify/s",
	    "EVP verify/s", "ratio");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bench_case *c = &cases[i];
		EVP_PKEY *pk;
		struct val_key *k;

		if (!val_algo_supported(c->alg)) {
			printf("%-16s %14s\n", c->name, "not supported");
			continue;
		}
		if (!(pk = bench_keygen(c)) ||
		    !(klen = bench_dnskey(pk, c->alg, key, sizeof(key))) ||
		    !(sl = bench_sign(pk, c->alg, data, sizeof(data), sig,
		    sizeof(sig))) ||
		    !(k = val_key_create(c->alg, key, klen))) {
			printf("%-16s %14s\n", c->name, "setup failed");
			EVP_PKEY_free(pk);
			continue;
		}
		/* DNSSEC carries ECDSA signatures as r | s, not DER. */
		vs = sig;
		vl = sl;
		if (c->alg == 13 || c->alg == 14) {
			vl = bench_raw(sig, sl, c->alg == 13 ? 32 : 48, raw);
			vs = raw;
		}
		a = run_val(k, data, sizeof(data), vs, vl, secs);
		b = run_evp(pk, bench_md(c->alg), data, sizeof(data), sig, sl,
		    secs);
		if (a < 0 || b < 0) {
			printf("%-16s %14s\n", c->name, "verify failed");
		} else {
			printf("%-16s %14.0f %14.0f %7.2f\n", c->name, a, b,
			    a / b);
		}
		val_key_delete(k);
		EVP_PKEY_free(pk);
	}
	return 0;
}
