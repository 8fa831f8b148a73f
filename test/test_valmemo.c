/*
 * test/test_valmemo.c - unit tests for validator/val_memo.c.
 */
#include "config.h"
#include "test/unit.h"
#include "util/error.h"
#include "validator/val_crypto.h"
#include "validator/val_memo.h"
#include <openssl/evp.h>
#include <string.h>

/** A fresh Ed25519 key: its DNSKEY RDATA (36 octets) and the private
 * key (free with EVP_PKEY_free()). */
static EVP_PKEY *
make_ed25519(uint8_t *rdata)
{
	EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	size_t n = 32;

	if (!pk) {
		return NULL;
	}
	rdata[0] = 1;		/* flags 257: zone, SEP */
	rdata[1] = 1;
	rdata[2] = 3;		/* protocol */
	rdata[3] = 15;		/* Ed25519 */
	if (EVP_PKEY_get_raw_public_key(pk, rdata + 4, &n) != 1 || n != 32) {
		EVP_PKEY_free(pk);
		return NULL;
	}
	return pk;
}

/** Ed25519 signature over data. */
static int
sign(EVP_PKEY *pk, const uint8_t *data, size_t len, uint8_t *sig)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t n = 64;
	int ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, pk) == 1 &&
	    EVP_DigestSign(ctx, sig, &n, data, len) == 1 && n == 64;

	EVP_MD_CTX_free(ctx);
	return ok;
}

/** A key decodes once and is then the same object; another key is not
 * mixed up with it; a bad key gives NULL and keeps nothing. */
static void
test_memo_keys(void)
{
	struct val_memo *m = val_memo_create(4, 4);
	uint8_t a[36], b[36], bad[10];
	EVP_PKEY *pa = make_ed25519(a), *pb = make_ed25519(b);
	const struct val_key *ka, *kb;

	UNIT_CHECK(m != NULL);
	UNIT_CHECK(pa != NULL && pb != NULL);
	ka = val_memo_key(m, 15, a, sizeof(a));
	UNIT_CHECK(ka != NULL);
	UNIT_CHECK(val_memo_key(m, 15, a, sizeof(a)) == ka);
	UNIT_CHECK_INT(val_key_algo(ka), 15);
	kb = val_memo_key(m, 15, b, sizeof(b));
	UNIT_CHECK(kb != NULL);
	UNIT_CHECK_INT(val_key_algo(kb), 15);
	/* Whichever slots they took, looking a up again gives a key that
	 * verifies a's signatures, never b's. */
	{
		uint8_t sig[64], data[] = "some data";

		UNIT_CHECK(sign(pa, data, sizeof(data), sig));
		UNIT_CHECK_INT(val_key_verify(val_memo_key(m, 15, a,
		    sizeof(a)), data, sizeof(data), sig, 64), RES_OK);
		UNIT_CHECK(val_key_verify(val_memo_key(m, 15, b, sizeof(b)),
		    data, sizeof(data), sig, 64) != RES_OK);
	}
	/* Wrong algorithm for the RDATA, short RDATA, NULL. */
	UNIT_CHECK(val_memo_key(m, 13, a, sizeof(a)) == NULL);
	memcpy(bad, a, sizeof(bad));
	UNIT_CHECK(val_memo_key(m, 15, bad, sizeof(bad)) == NULL);
	UNIT_CHECK(val_memo_key(m, 15, NULL, 36) == NULL);
	UNIT_CHECK(val_memo_key(m, 15, a, 0) == NULL);
	UNIT_CHECK(val_memo_key(NULL, 15, a, sizeof(a)) == NULL);
	/* Many keys through a 4-slot table: each still the right one. */
	{
		int i;

		for (i = 0; i < 20; i++) {
			uint8_t c[36];
			EVP_PKEY *pc = make_ed25519(c);
			uint8_t sig[64], data[] = "x";

			UNIT_CHECK(pc != NULL);
			UNIT_CHECK(sign(pc, data, sizeof(data), sig));
			UNIT_CHECK_INT(val_key_verify(val_memo_key(m, 15, c,
			    sizeof(c)), data, sizeof(data), sig, 64), RES_OK);
			EVP_PKEY_free(pc);
		}
	}
	EVP_PKEY_free(pa);
	EVP_PKEY_free(pb);
	val_memo_delete(m);
	val_memo_delete(NULL);
}

/** Digests: every part and every boundary between parts counts. */
static void
test_memo_digest(void)
{
	struct val_memo *m = val_memo_create(1, 1);
	uint8_t d1[VAL_MEMO_DIGEST], d2[VAL_MEMO_DIGEST];
	const uint8_t *p = (const uint8_t *)"abcdef";

	UNIT_CHECK(m != NULL);
	UNIT_CHECK_INT(val_memo_digest(m, p, 2, p + 2, 2, p + 4, 2, d1), 0);
	UNIT_CHECK_INT(val_memo_digest(m, p, 2, p + 2, 2, p + 4, 2, d2), 0);
	UNIT_CHECK(memcmp(d1, d2, sizeof(d1)) == 0);
	/* The same octets split differently. */
	UNIT_CHECK_INT(val_memo_digest(m, p, 3, p + 3, 1, p + 4, 2, d2), 0);
	UNIT_CHECK(memcmp(d1, d2, sizeof(d1)) != 0);
	UNIT_CHECK_INT(val_memo_digest(m, p, 2, p + 2, 2, p + 4, 1, d2), 0);
	UNIT_CHECK(memcmp(d1, d2, sizeof(d1)) != 0);
	UNIT_CHECK_INT(val_memo_digest(m, NULL, 0, NULL, 0, NULL, 0, d2), 0);
	UNIT_CHECK_INT(val_memo_digest(m, NULL, 1, p, 1, p, 1, d2),
	    RES_EINVAL);
	UNIT_CHECK_INT(val_memo_digest(NULL, p, 1, p, 1, p, 1, d2),
	    RES_EINVAL);
	UNIT_CHECK_INT(val_memo_digest(m, p, 1, p, 1, p, 1, NULL),
	    RES_EINVAL);
	val_memo_delete(m);
}

/** Verified signatures: known after being added, only that one, and
 * forgotten when another takes its slot. */
static void
test_memo_sigs(void)
{
	struct val_memo *m = val_memo_create(1, 1);
	uint8_t d1[VAL_MEMO_DIGEST], d2[VAL_MEMO_DIGEST];
	const uint8_t *p = (const uint8_t *)"abcdef";

	UNIT_CHECK(m != NULL);
	UNIT_CHECK_INT(val_memo_digest(m, p, 1, p, 1, p, 1, d1), 0);
	UNIT_CHECK_INT(val_memo_digest(m, p, 1, p, 1, p, 2, d2), 0);
	UNIT_CHECK(!val_memo_sig_known(m, d1));
	val_memo_sig_add(m, d1);
	UNIT_CHECK(val_memo_sig_known(m, d1));
	UNIT_CHECK(!val_memo_sig_known(m, d2));
	/* One slot: d2 replaces d1. */
	val_memo_sig_add(m, d2);
	UNIT_CHECK(val_memo_sig_known(m, d2));
	UNIT_CHECK(!val_memo_sig_known(m, d1));
	UNIT_CHECK(!val_memo_sig_known(NULL, d1));
	UNIT_CHECK(!val_memo_sig_known(m, NULL));
	val_memo_sig_add(NULL, d1);
	val_memo_sig_add(m, NULL);
	val_memo_delete(m);
	/* Odd sizes are rounded; 0 still makes a usable memo. */
	m = val_memo_create(0, 3);
	UNIT_CHECK(m != NULL);
	val_memo_sig_add(m, d1);
	UNIT_CHECK(val_memo_sig_known(m, d1));
	val_memo_delete(m);
}

int
main(void)
{
	unit_init("valmemo");
	UNIT_CHECK_INT(val_crypto_init(), 0);
	UNIT_RUN(test_memo_keys);
	UNIT_RUN(test_memo_digest);
	UNIT_RUN(test_memo_sigs);
	return unit_done();
}
