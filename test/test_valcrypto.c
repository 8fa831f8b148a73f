/*
 * test/test_valcrypto.c - unit tests for validator/val_crypto.c and
 * validator/val_canon.c.
 *
 * Published vectors come from testdata/crypto/ (each file names the RFC
 * section it transcribes): DS digests, NSEC3 hashes and whole RRSIGs
 * that must verify through val_canon_signed_data() + val_key_verify().
 * Every supported algorithm is also checked round trip: a key pair made
 * here with OpenSSL, its DNSKEY RDATA built from the public key, the
 * canonical data signed with the private key through OpenSSL directly,
 * and verified by val_key_verify(); a flipped bit in signature, data or
 * key must then fail.  The files are found under $top_srcdir (set by
 * the test driver), else under the current directory.
 */
#include "config.h"
#include "test/unit.h"
#include "validator/val_canon.h"
#include "validator/val_crypto.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/rdata.h"
#include "util/reply.h"
#include "util/rrtype.h"
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Most records a vector file holds. */
#define MAXRR 16

/** Records read from a vector file. */
struct zone {
	/** the records */
	struct rr_text *rr[MAXRR];
	/** how many */
	int n;
};

/** Path of a file in testdata/crypto. */
static void
vector_path(const char *name, char *buf, size_t sz)
{
	const char *top = getenv("top_srcdir");

	snprintf(buf, sz, "%s/testdata/crypto/%s", top && *top ? top : ".",
	    name);
}

/** Read a vector zone file; returns 0 and fills z, or -1. */
static int
zone_load(const char *name, struct zone *z)
{
	char path[1024], line[4096];
	FILE *f;

	memset(z, 0, sizeof(*z));
	vector_path(name, path, sizeof(path));
	if (!(f = fopen(path, "r"))) {
		printf("# cannot open %s\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == ';' || line[0] == '\n') {
			continue;
		}
		if (z->n >= MAXRR || !(z->rr[z->n] = malloc(sizeof(
		    struct rr_text)))) {
			break;
		}
		if (rr_from_str(line, NULL, 3600, z->rr[z->n]) != 0) {
			printf("# bad line in %s: %s", name, line);
			free(z->rr[z->n]);
			fclose(f);
			return -1;
		}
		z->n++;
	}
	fclose(f);
	return 0;
}

/** Free what zone_load() read. */
static void
zone_free(struct zone *z)
{
	int i;

	for (i = 0; i < z->n; i++) {
		free(z->rr[i]);
	}
	z->n = 0;
}

/** Fill an RRset of count RRs, no RRSIGs. */
static void
rrset_init(struct reply_rrset *s, const uint8_t *owner, uint16_t type,
    const uint8_t **rd, uint16_t *rdlen, size_t count)
{
	memset(s, 0, sizeof(*s));
	s->owner = owner;
	s->type = type;
	s->rclass = RR_CLASS_IN;
	s->ttl = 3600;
	s->count = count;
	s->rd = rd;
	s->rdlen = rdlen;
}

/**
 * Check an RRSIG over a one-RR RRset with a DNSKEY, all from a vector
 * file: canonical data, key, verify.
 * @return the result of val_key_verify() or the first error.
 */
static int
verify_one(const struct rr_text *key, const struct rr_text *rr,
    const struct rr_text *sig, int flip_data)
{
	struct reply_rrset s;
	const uint8_t *rd[1] = { rr->rdata };
	uint16_t rdlen[1] = { (uint16_t)rr->rdlen };
	struct val_key *k = NULL;
	uint8_t *data = NULL;
	size_t len, sigoff;
	int r;

	rrset_init(&s, rr->owner, rr->type, rd, rdlen, 1);
	if ((r = val_canon_rrsig_sigoff(sig->rdata, sig->rdlen, &sigoff)) ||
	    (r = val_canon_signed_data_alloc(&s, sig->rdata, sig->rdlen,
	    &data, &len)) ||
	    (r = val_key_decode(key->rdata[3], key->rdata, key->rdlen, &k))) {
		free(data);
		return r;
	}
	if (flip_data) {
		data[len - 1] ^= 0x01;
	}
	r = val_key_verify(k, data, len, sig->rdata + sigoff,
	    sig->rdlen - sigoff);
	free(data);
	val_key_delete(k);
	return r;
}

/** RFC 4034 section 5.4 (SHA-1) and RFC 4509 section 2.3 (SHA-256). */
static void
test_rfc4034_ds(void)
{
	struct zone z;
	uint8_t d[VAL_DS_DIGEST_MAX], upper[DNAME_MAXLEN], ds[64];
	const struct rr_text *key, *ds1, *ds2;
	size_t dl;

	if (!UNIT_CHECK(zone_load("rfc4034-ds.zone", &z) == 0 && z.n == 3)) {
		return;
	}
	key = z.rr[0];
	ds1 = z.rr[1];
	ds2 = z.rr[2];
	UNIT_CHECK_INT(rdata_dnskey_keytag(key->rdata, key->rdlen), 60485);
	UNIT_CHECK_INT(val_ds_digest(VAL_DS_SHA1, key->owner, key->rdata,
	    key->rdlen, d, &dl), 0);
	UNIT_CHECK_INT(dl, 20);
	UNIT_CHECK(memcmp(d, ds1->rdata + 4, 20) == 0);
	UNIT_CHECK_INT(val_ds_matches(ds1->rdata, ds1->rdlen, key->owner,
	    key->rdata, key->rdlen), 1);
	UNIT_CHECK_INT(val_ds_matches(ds2->rdata, ds2->rdlen, key->owner,
	    key->rdata, key->rdlen), 1);
	/* The owner is canonicalised: case does not matter. */
	UNIT_CHECK_INT(dname_from_str("DSKEY.Example.COM.", NULL, upper, NULL),
	    0);
	UNIT_CHECK_INT(val_ds_matches(ds1->rdata, ds1->rdlen, upper,
	    key->rdata, key->rdlen), 1);
	/* A changed digest, key tag, algorithm, or a short digest. */
	memcpy(ds, ds1->rdata, ds1->rdlen);
	ds[10] ^= 0x40;
	UNIT_CHECK_INT(val_ds_matches(ds, ds1->rdlen, key->owner, key->rdata,
	    key->rdlen), 0);
	memcpy(ds, ds1->rdata, ds1->rdlen);
	ds[1] ^= 1;
	UNIT_CHECK_INT(val_ds_matches(ds, ds1->rdlen, key->owner, key->rdata,
	    key->rdlen), 0);
	memcpy(ds, ds1->rdata, ds1->rdlen);
	ds[2] = 8;
	UNIT_CHECK_INT(val_ds_matches(ds, ds1->rdlen, key->owner, key->rdata,
	    key->rdlen), 0);
	UNIT_CHECK_INT(val_ds_matches(ds1->rdata, ds1->rdlen - 1, key->owner,
	    key->rdata, key->rdlen), 0);
	/* Another owner gives another digest. */
	UNIT_CHECK_INT(dname_from_str("other.example.com.", NULL, upper, NULL),
	    0);
	UNIT_CHECK_INT(val_ds_matches(ds1->rdata, ds1->rdlen, upper,
	    key->rdata, key->rdlen), 0);
	/* GOST and unknown digest types are not supported. */
	memcpy(ds, ds1->rdata, ds1->rdlen);
	ds[3] = VAL_DS_GOST;
	UNIT_CHECK_INT(val_ds_matches(ds, ds1->rdlen, key->owner, key->rdata,
	    key->rdlen), RES_ENOTSUP);
	ds[3] = 200;
	UNIT_CHECK_INT(val_ds_matches(ds, ds1->rdlen, key->owner, key->rdata,
	    key->rdlen), RES_ENOTSUP);
	UNIT_CHECK_INT(val_ds_digest(VAL_DS_GOST, key->owner, key->rdata,
	    key->rdlen, d, &dl), RES_ENOTSUP);
	zone_free(&z);
}

/** RFC 5155 appendix A: NSEC3 hashes, salt aabbccdd, 12 iterations. */
static void
test_rfc5155_hashes(void)
{
	static const uint8_t salt[] = { 0xaa, 0xbb, 0xcc, 0xdd };
	char path[1024], line[512], name[300], want[64], got[64];
	uint8_t d[DNAME_MAXLEN], h[VAL_NSEC3_HASHLEN], back[32];
	FILE *f;
	int n = 0, i;

	vector_path("rfc5155-hashes.txt", path, sizeof(path));
	if (!UNIT_CHECK((f = fopen(path, "r")) != NULL)) {
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || sscanf(line, "%299s %63s", name, want)
		    != 2) {
			continue;
		}
		UNIT_CHECK_INT(dname_from_str(name, NULL, d, NULL), 0);
		UNIT_CHECK_INT(val_nsec3_hash(d, salt, sizeof(salt), 12, h), 0);
		UNIT_CHECK_INT(val_b32hex_encode(h, sizeof(h), got,
		    sizeof(got)), VAL_NSEC3_B32LEN);
		UNIT_CHECK_STR(got, want);
		/* Upper case names hash the same (lowercased first). */
		for (i = 0; name[i]; i++) {
			if (name[i] >= 'a' && name[i] <= 'z') {
				name[i] = (char)(name[i] - 'a' + 'A');
			}
		}
		UNIT_CHECK_INT(dname_from_str(name, NULL, d, NULL), 0);
		UNIT_CHECK_INT(val_nsec3_hash(d, salt, sizeof(salt), 12, h), 0);
		UNIT_CHECK_INT(val_b32hex_decode(want, strlen(want), back,
		    sizeof(back)), VAL_NSEC3_HASHLEN);
		UNIT_CHECK(memcmp(back, h, VAL_NSEC3_HASHLEN) == 0);
		n++;
	}
	fclose(f);
	UNIT_CHECK_INT(n, 12);
	/* Other salt or iterations give other hashes. */
	UNIT_CHECK_INT(dname_from_str("example.", NULL, d, NULL), 0);
	UNIT_CHECK_INT(val_nsec3_hash(d, salt, sizeof(salt), 11, h), 0);
	val_b32hex_encode(h, sizeof(h), got, sizeof(got));
	UNIT_CHECK(strcmp(got, "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom") != 0);
	UNIT_CHECK_INT(val_nsec3_hash(d, NULL, 0, 0, h), 0);
	UNIT_CHECK_INT(val_nsec3_hash(d, salt, 256, 0, h), RES_EINVAL);
}

/** Check one signed RRset of a vector file: DNSKEY at i, then RRset
 * and RRSIG at j, j + 1; the DS at i + 1 when has_ds. */
static void
check_signed(struct zone *z, int i, int has_ds, int j)
{
	const struct rr_text *key = z->rr[i];
	const uint8_t *rd[1] = { z->rr[j]->rdata };
	uint16_t rdlen[1] = { (uint16_t)z->rr[j]->rdlen };
	struct reply_rrset s;
	struct val_key *k;
	uint8_t bad[1024];

	if (has_ds) {
		UNIT_CHECK_INT(val_ds_matches(z->rr[i + 1]->rdata,
		    z->rr[i + 1]->rdlen, key->owner, key->rdata, key->rdlen),
		    1);
	}
	UNIT_CHECK_INT(verify_one(key, z->rr[j], z->rr[j + 1], 0), RES_OK);
	UNIT_CHECK_INT(verify_one(key, z->rr[j], z->rr[j + 1], 1),
	    RES_EBOGUS);
	/* The same in one call. */
	rrset_init(&s, z->rr[j]->owner, z->rr[j]->type, rd, rdlen, 1);
	k = val_key_create(key->rdata[3], key->rdata, key->rdlen);
	UNIT_CHECK(k != NULL);
	UNIT_CHECK_INT(val_canon_verify_rrsig(k, &s, z->rr[j + 1]->rdata,
	    z->rr[j + 1]->rdlen), RES_OK);
	/* An RRSIG of another algorithm than the key's. */
	memcpy(bad, z->rr[j + 1]->rdata, z->rr[j + 1]->rdlen);
	bad[2] ^= 0x02;
	UNIT_CHECK_INT(val_canon_verify_rrsig(k, &s, bad,
	    z->rr[j + 1]->rdlen), RES_EBOGUS);
	UNIT_CHECK_INT(val_canon_verify_rrsig(NULL, &s, bad,
	    z->rr[j + 1]->rdlen), RES_EINVAL);
	val_key_delete(k);
}

/** RFC 6605 section 6: ECDSA P-256 and P-384. */
static void
test_rfc6605(void)
{
	struct zone z;

	if (!UNIT_CHECK(zone_load("rfc6605.zone", &z) == 0 && z.n == 8)) {
		return;
	}
	UNIT_CHECK_INT(rdata_dnskey_keytag(z.rr[0]->rdata, z.rr[0]->rdlen),
	    55648);
	UNIT_CHECK_INT(rdata_dnskey_keytag(z.rr[4]->rdata, z.rr[4]->rdlen),
	    10771);
	check_signed(&z, 0, 1, 2);
	check_signed(&z, 4, 1, 6);
	/* The P-256 signature does not verify with the P-384 key. */
	UNIT_CHECK(verify_one(z.rr[4], z.rr[2], z.rr[3], 0) != RES_OK);
	zone_free(&z);
}

/** RFC 8080 section 6: Ed25519 (both examples), Ed448 DS. */
static void
test_rfc8080(void)
{
	struct zone z;

	if (!UNIT_CHECK(zone_load("rfc8080.zone", &z) == 0 && z.n == 10)) {
		return;
	}
	check_signed(&z, 0, 1, 2);
	check_signed(&z, 4, 1, 6);
	UNIT_CHECK_INT(val_ds_matches(z.rr[9]->rdata, z.rr[9]->rdlen,
	    z.rr[8]->owner, z.rr[8]->rdata, z.rr[8]->rdlen), 1);
	/* The second key does not verify the first signature. */
	UNIT_CHECK_INT(verify_one(z.rr[4], z.rr[2], z.rr[3], 0), RES_EBOGUS);
	zone_free(&z);
}

/** RFC 5702 section 6: RSASHA256 (512-bit key) and RSASHA512. */
static void
test_rfc5702(void)
{
	struct zone z;
	struct val_key *k;
	uint8_t rd[512];

	if (!UNIT_CHECK(zone_load("rfc5702.zone", &z) == 0 && z.n == 6)) {
		return;
	}
	UNIT_CHECK_INT(rdata_dnskey_keytag(z.rr[0]->rdata, z.rr[0]->rdlen),
	    9033);
	UNIT_CHECK_INT(rdata_dnskey_keytag(z.rr[3]->rdata, z.rr[3]->rdlen),
	    3740);
	check_signed(&z, 0, 0, 1);
	check_signed(&z, 3, 0, 4);
	UNIT_CHECK_INT(val_key_decode(8, z.rr[0]->rdata, z.rr[0]->rdlen, &k),
	    0);
	UNIT_CHECK_INT(val_key_bits(k), 512);
	UNIT_CHECK_INT(val_key_algo(k), 8);
	val_key_delete(k);
	/* RFC 5702 section 2: 512 bits is too short for RSASHA512. */
	memcpy(rd, z.rr[0]->rdata, z.rr[0]->rdlen);
	rd[3] = 10;
	UNIT_CHECK_INT(val_key_decode(10, rd, z.rr[0]->rdlen, &k), RES_ELIMIT);
	UNIT_CHECK(k == NULL);
	zone_free(&z);
}

/* ------------------------------------------------------------------ */
/* Round trips with keys made here.                                   */

/** Make a key pair for an algorithm. */
static EVP_PKEY *
gen_key(uint8_t alg, int rsa_bits)
{
	switch (alg) {
	case 5: case 7: case 8: case 10:
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)rsa_bits);
	case 13:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	case 14:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	case 15:
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	case 16:
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
	}
	return NULL;
}

/** The digest an algorithm signs with (NULL for EdDSA). */
static const EVP_MD *
alg_md(uint8_t alg)
{
	switch (alg) {
	case 5: case 7:
		return EVP_sha1();
	case 8: case 13:
		return EVP_sha256();
	case 14:
		return EVP_sha384();
	case 10:
		return EVP_sha512();
	}
	return NULL;
}

/**
 * Build DNSKEY RDATA (flags 257, protocol 3) for a public key: RFC 3110
 * for RSA, RFC 6605 x | y for ECDSA, RFC 8080 raw for EdDSA.
 * @return its length, 0 on failure.
 */
static size_t
dnskey_of(EVP_PKEY *pk, uint8_t alg, uint8_t *rd, size_t cap)
{
	size_t p = 4, len = 0;
	BIGNUM *n = NULL, *e = NULL;
	uint8_t pt[200];
	int nl, el;

	rd[0] = 1;
	rd[1] = 1;
	rd[2] = 3;
	rd[3] = alg;
	switch (alg) {
	case 5: case 7: case 8: case 10:
		if (!EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) ||
		    !EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e)) {
			break;
		}
		nl = BN_num_bytes(n);
		el = BN_num_bytes(e);
		if (el > 255 || (size_t)(1 + el + nl) > cap - p) {
			break;
		}
		rd[p++] = (uint8_t)el;
		BN_bn2bin(e, rd + p);
		p += (size_t)el;
		BN_bn2bin(n, rd + p);
		p += (size_t)nl;
		len = p;
		break;
	case 13: case 14:
		if (!EVP_PKEY_get_octet_string_param(pk,
		    OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &len) ||
		    pt[0] != 0x04 || len - 1 > cap - p) {
			len = 0;
			break;
		}
		memcpy(rd + p, pt + 1, len - 1);
		len = p + len - 1;
		break;
	case 15: case 16:
		len = cap - p;
		if (!EVP_PKEY_get_raw_public_key(pk, rd + p, &len)) {
			len = 0;
			break;
		}
		len += p;
		break;
	}
	BN_free(n);
	BN_free(e);
	return len;
}

/**
 * Sign data with OpenSSL directly, DNSSEC wire form: ECDSA DER turned
 * into r | s.
 * @return the signature length, 0 on failure.
 */
static size_t
sign_raw(EVP_PKEY *pk, uint8_t alg, const uint8_t *data, size_t len,
    uint8_t *sig, size_t cap)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t der[1024];
	size_t dl = sizeof(der), half;
	const unsigned char *p = der;
	ECDSA_SIG *es;
	int ok;

	ok = ctx && EVP_DigestSignInit(ctx, NULL, alg_md(alg), NULL, pk) == 1
	    && EVP_DigestSign(ctx, der, &dl, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		return 0;
	}
	if (alg != 13 && alg != 14) {
		if (dl > cap) {
			return 0;
		}
		memcpy(sig, der, dl);
		return dl;
	}
	half = alg == 13 ? 32 : 48;
	if (2 * half > cap || !(es = d2i_ECDSA_SIG(NULL, &p, (long)dl))) {
		return 0;
	}
	ok = BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, (int)half) ==
	    (int)half && BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + half,
	    (int)half) == (int)half;
	ECDSA_SIG_free(es);
	return ok ? 2 * half : 0;
}

/** Fill the fixed part of RRSIG RDATA and the signer; returns length. */
static size_t
rrsig_head(uint8_t *rd, uint16_t type, uint8_t alg, uint8_t labels,
    uint16_t tag, const uint8_t *signer)
{
	static const uint8_t times[8] = { 0x70, 0, 0, 0, 0x60, 0, 0, 0 };

	rd[0] = (uint8_t)(type >> 8);
	rd[1] = (uint8_t)type;
	rd[2] = alg;
	rd[3] = labels;
	rd[4] = 0;			/* original TTL 3600 */
	rd[5] = 0;
	rd[6] = 0x0e;
	rd[7] = 0x10;
	memcpy(rd + 8, times, 8);	/* expiration, inception */
	rd[16] = (uint8_t)(tag >> 8);
	rd[17] = (uint8_t)tag;
	memcpy(rd + 18, signer, dname_len(signer));
	return 18 + dname_len(signer);
}

/**
 * Sign an RRset with pk: RRSIG RDATA with the signature appended.
 * @return the RRSIG length, 0 on failure.
 */
static size_t
sign_rrset(EVP_PKEY *pk, uint8_t alg, const struct reply_rrset *s,
    uint8_t labels, uint16_t tag, const uint8_t *signer, uint8_t *rrsig,
    size_t cap)
{
	static uint8_t data[65536];
	size_t head, len, sl;

	head = rrsig_head(rrsig, s->type, alg, labels, tag, signer);
	if (val_canon_signed_data(s, rrsig, head, data, sizeof(data), &len)
	    != 0) {
		return 0;
	}
	sl = sign_raw(pk, alg, data, len, rrsig + head, cap - head);
	return sl ? head + sl : 0;
}

/** Verify an RRSIG over an RRset with a key; val_key_verify()'s code. */
static int
check_rrsig(const struct val_key *k, const struct reply_rrset *s,
    const uint8_t *rrsig, size_t len)
{
	uint8_t data[8192];
	size_t dl, off;
	int r;

	if ((r = val_canon_rrsig_sigoff(rrsig, len, &off)) != 0 ||
	    (r = val_canon_signed_data(s, rrsig, len, data, sizeof(data),
	    &dl)) != 0) {
		return r;
	}
	return val_key_verify(k, data, dl, rrsig + off, len - off);
}

/** The round trip of one algorithm. */
static void
roundtrip(uint8_t alg, int rsa_bits)
{
	static const uint8_t a1[] = { 192, 0, 2, 1 }, a2[] = { 192, 0, 2, 2 };
	const uint8_t *rd[2] = { a2, a1 };
	uint16_t rdlen[2] = { 4, 4 };
	uint8_t owner[DNAME_MAXLEN], zone[DNAME_MAXLEN], key[1200];
	uint8_t rrsig[1200], data[2048], bad[1200];
	struct reply_rrset s;
	struct val_key *k = NULL, *k2 = NULL;
	EVP_PKEY *pk = gen_key(alg, rsa_bits);
	size_t klen, slen, dl, off;
	uint16_t tag;
	int r;

	if (!UNIT_CHECK(pk != NULL)) {
		return;
	}
	UNIT_CHECK_INT(dname_from_str("www.Example.ORG.", NULL, owner, NULL),
	    0);
	UNIT_CHECK_INT(dname_from_str("example.org.", NULL, zone, NULL), 0);
	rrset_init(&s, owner, RR_TYPE_A, rd, rdlen, 2);
	klen = dnskey_of(pk, alg, key, sizeof(key));
	if (!UNIT_CHECK(klen > 4)) {
		EVP_PKEY_free(pk);
		return;
	}
	tag = rdata_dnskey_keytag(key, klen);
	slen = sign_rrset(pk, alg, &s, 3, tag, zone, rrsig, sizeof(rrsig));
	if (!UNIT_CHECK(slen > 0)) {
		EVP_PKEY_free(pk);
		return;
	}
	UNIT_CHECK_INT(val_key_decode(alg, key, klen, &k), 0);
	UNIT_CHECK_INT(check_rrsig(k, &s, rrsig, slen), RES_OK);
	if (alg <= 10) {
		UNIT_CHECK_INT(val_key_bits(k), rsa_bits);
	}

	/* One bit of the signature. */
	UNIT_CHECK_INT(val_canon_rrsig_sigoff(rrsig, slen, &off), 0);
	memcpy(bad, rrsig, slen);
	bad[off + (slen - off) / 2] ^= 0x08;
	UNIT_CHECK_INT(check_rrsig(k, &s, bad, slen), RES_EBOGUS);
	/* One bit of the data: here the RRSIG's inception. */
	memcpy(bad, rrsig, slen);
	bad[12] ^= 0x01;
	UNIT_CHECK_INT(check_rrsig(k, &s, bad, slen), RES_EBOGUS);
	/* Or of the signed data handed over directly. */
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, slen, data,
	    sizeof(data), &dl), 0);
	data[dl - 1] ^= 0x80;
	UNIT_CHECK_INT(val_key_verify(k, data, dl, rrsig + off, slen - off),
	    RES_EBOGUS);
	/* A truncated or overlong signature. */
	UNIT_CHECK_INT(val_key_verify(k, data, dl, rrsig + off,
	    slen - off - 1), RES_EBOGUS);
	UNIT_CHECK_INT(val_key_verify(k, data, dl, rrsig + off, 0),
	    RES_EBOGUS);
	/* One bit of the key: refused when decoded, or no match. */
	memcpy(bad, key, klen);
	bad[4 + (klen - 4) / 2] ^= 0x10;
	r = val_key_decode(alg, bad, klen, &k2);
	if (r == RES_OK) {
		UNIT_CHECK_INT(check_rrsig(k2, &s, rrsig, slen), RES_EBOGUS);
	} else {
		UNIT_CHECK(r == RES_EMALFORMED || r == RES_ELIMIT);
	}
	val_key_delete(k2);
	/* The RRSIG does not cover another RRset, nor another type. */
	rdlen[0] = 3;
	UNIT_CHECK_INT(check_rrsig(k, &s, rrsig, slen), RES_EBOGUS);
	rdlen[0] = 4;
	s.type = RR_TYPE_AAAA;
	UNIT_CHECK_INT(check_rrsig(k, &s, rrsig, slen), RES_EBOGUS);
	s.type = RR_TYPE_A;
	/* The RRs in another order and case still verify. */
	rd[0] = a1;
	rd[1] = a2;
	UNIT_CHECK_INT(dname_from_str("WWW.example.org.", NULL, owner, NULL),
	    0);
	UNIT_CHECK_INT(check_rrsig(k, &s, rrsig, slen), RES_OK);
	val_key_delete(k);
	EVP_PKEY_free(pk);
}

/** A round-trip case for one algorithm (and RSA modulus size). */
#define ROUNDTRIP(name, alg, bits) \
static void name(void) { roundtrip(alg, bits); }

ROUNDTRIP(test_roundtrip_rsasha1, 5, 1024)
ROUNDTRIP(test_roundtrip_rsasha1_nsec3, 7, 1024)
ROUNDTRIP(test_roundtrip_rsasha256, 8, 2048)
ROUNDTRIP(test_roundtrip_rsasha512, 10, 1024)
ROUNDTRIP(test_roundtrip_ecdsap256, 13, 0)
ROUNDTRIP(test_roundtrip_ecdsap384, 14, 0)
ROUNDTRIP(test_roundtrip_ed25519, 15, 0)
ROUNDTRIP(test_roundtrip_ed448, 16, 0)

/* ------------------------------------------------------------------ */
/* Canonical form.                                                    */

/** Wildcard expansion: the owner as signed, and a signature made over
 * the wildcard RRset verifies for the expanded name. */
static void
test_canon_wildcard(void)
{
	static const uint8_t a1[] = { 192, 0, 2, 7 };
	const uint8_t *rd[1] = { a1 };
	uint16_t rdlen[1] = { 4 };
	uint8_t owner[DNAME_MAXLEN], wild[DNAME_MAXLEN], zone[DNAME_MAXLEN];
	uint8_t rrsig[600], data[1024], key[200];
	struct reply_rrset s;
	struct val_key *k = NULL;
	EVP_PKEY *pk;
	size_t head, dl, slen, klen;

	UNIT_CHECK_INT(dname_from_str("A.b.Example.org.", NULL, owner, NULL),
	    0);
	UNIT_CHECK_INT(dname_from_str("*.example.org.", NULL, wild, NULL), 0);
	UNIT_CHECK_INT(dname_from_str("example.org.", NULL, zone, NULL), 0);
	rrset_init(&s, owner, RR_TYPE_A, rd, rdlen, 1);
	/* labels 2 < 4: "*." + "example.org". */
	head = rrsig_head(rrsig, RR_TYPE_A, 15, 2, 1, zone);
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), 0);
	UNIT_CHECK_INT(dl, head + 15 + 10 + 4);
	UNIT_CHECK(memcmp(data + head, "\001*\007example\003org", 15) == 0);
	/* labels 3: "*." + "b.example.org". */
	rrsig[3] = 3;
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), 0);
	UNIT_CHECK(memcmp(data + head, "\001*\001b\007example\003org", 17) ==
	    0);
	/* labels 4: the owner itself, lowercased. */
	rrsig[3] = 4;
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), 0);
	UNIT_CHECK(memcmp(data + head, "\001a\001b\007example\003org", 17) ==
	    0);
	/* labels 5 exceeds the owner's 4. */
	rrsig[3] = 5;
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), RES_EBOGUS);
	/* A wildcard owner itself: its "*" is not counted (RFC 4034
	 * 3.1.3), so labels 2 is right and 3 too many. */
	s.owner = wild;
	rrsig[3] = 2;
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), 0);
	UNIT_CHECK(memcmp(data + head, "\001*\007example\003org", 15) == 0);
	rrsig[3] = 3;
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), RES_EBOGUS);

	/* Sign the wildcard RRset as its zone would, verify the expansion. */
	if (!UNIT_CHECK((pk = gen_key(15, 0)) != NULL)) {
		return;
	}
	klen = dnskey_of(pk, 15, key, sizeof(key));
	slen = sign_rrset(pk, 15, &s, 2, rdata_dnskey_keytag(key, klen), zone,
	    rrsig, sizeof(rrsig));
	UNIT_CHECK(slen > 0);
	UNIT_CHECK_INT(val_key_decode(15, key, klen, &k), 0);
	s.owner = owner;
	UNIT_CHECK_INT(check_rrsig(k, &s, rrsig, slen), RES_OK);
	/* Claiming no expansion (labels 4) breaks it. */
	rrsig[3] = 4;
	UNIT_CHECK_INT(check_rrsig(k, &s, rrsig, slen), RES_EBOGUS);
	val_key_delete(k);
	EVP_PKEY_free(pk);
}

/** Canonical order (RFC 4034 section 6.3) and duplicate removal. */
static void
test_canon_order(void)
{
	static const uint8_t t1[] = "\003abc", t2[] = "\002ab",
	    t3[] = "\003abd", t4[] = "\004abc\000";
	/* TXT RDATA: abc, ab, abc (duplicate), abd, abc\0, ab (duplicate) */
	const uint8_t *rd[6] = { t1, t2, t1, t3, t4, t2 };
	uint16_t rdlen[6] = { 4, 3, 4, 4, 5, 3 };
	uint8_t owner[DNAME_MAXLEN], zone[DNAME_MAXLEN], rrsig[300];
	uint8_t data[1024], want[1024];
	struct reply_rrset s;
	size_t head, dl, w, i, olen;
	/* Expected order: "\2ab" < "\3abc" < "\3abd" < "\4abc\0". */
	const uint8_t *order[4] = { t2, t1, t3, t4 };
	size_t olens[4] = { 3, 4, 4, 5 };

	UNIT_CHECK_INT(dname_from_str("T.Example.", NULL, owner, &olen), 0);
	UNIT_CHECK_INT(dname_from_str("EXAMPLE.", NULL, zone, NULL), 0);
	rrset_init(&s, owner, RR_TYPE_TXT, rd, rdlen, 6);
	s.ttl = 10;	/* not what is signed: the original TTL is */
	head = rrsig_head(rrsig, RR_TYPE_TXT, 13, 2, 99, zone);
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), 0);
	/* RRSIG part with the signer lowercased. */
	memcpy(want, rrsig, 18);
	memcpy(want + 18, "\007example", 9);
	w = head;
	for (i = 0; i < 4; i++) {
		memcpy(want + w, "\001t\007example", olen);
		w += olen;
		memcpy(want + w, "\000\020\000\001\000\000\016\020", 8);
		w += 8;
		want[w++] = 0;
		want[w++] = (uint8_t)olens[i];
		memcpy(want + w, order[i], olens[i]);
		w += olens[i];
	}
	UNIT_CHECK_INT(dl, w);
	UNIT_CHECK(memcmp(data, want, w) == 0);
	/* The same in any input order. */
	rd[0] = t4;
	rdlen[0] = 5;
	rd[4] = t1;
	rdlen[4] = 4;
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), 0);
	UNIT_CHECK_INT(dl, w);
	UNIT_CHECK(memcmp(data, want, w) == 0);
	/* Too small an output buffer, at every length. */
	for (i = 0; i < w; i++) {
		UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data, i,
		    &dl), RES_ESPACE);
	}
	UNIT_CHECK(val_canon_signed_size(&s, head) >= w);
}

/** A big RRset: the index and the lowercased copies on the heap. */
static void
test_canon_large(void)
{
	enum { NRR = 300 };
	static uint8_t ns[NRR][40];
	const uint8_t *rd[NRR];
	uint16_t rdlen[NRR];
	uint8_t zone[DNAME_MAXLEN], key[200], rrsig[400], *data;
	struct reply_rrset s;
	struct val_key *k = NULL;
	EVP_PKEY *pk;
	size_t i, n, klen, slen, dl;
	char name[64];

	UNIT_CHECK_INT(dname_from_str("Example.", NULL, zone, NULL), 0);
	for (i = 0; i < NRR; i++) {
		/* Every tenth a duplicate of its neighbour, in another case. */
		snprintf(name, sizeof(name), "%s%zu.example.",
		    i % 2 ? "NS-server" : "ns-server", i % 10 ? i : i + 1);
		UNIT_CHECK_INT(dname_from_str(name, NULL, ns[i], &n), 0);
		rd[i] = ns[i];
		rdlen[i] = (uint16_t)n;
	}
	rrset_init(&s, zone, RR_TYPE_NS, rd, rdlen, NRR);
	if (!UNIT_CHECK((pk = gen_key(15, 0)) != NULL)) {
		return;
	}
	klen = dnskey_of(pk, 15, key, sizeof(key));
	slen = sign_rrset(pk, 15, &s, 1, rdata_dnskey_keytag(key, klen), zone,
	    rrsig, sizeof(rrsig));
	UNIT_CHECK(slen > 0);
	UNIT_CHECK_INT(val_key_decode(15, key, klen, &k), 0);
	UNIT_CHECK_INT(val_canon_verify_rrsig(k, &s, rrsig, slen), RES_OK);
	/* Duplicates were dropped: 30 fewer RRs than given. */
	UNIT_CHECK_INT(val_canon_signed_data_alloc(&s, rrsig, slen, &data,
	    &dl), 0);
	n = 0;
	for (i = 0; i + 9 <= dl; i++) {
		if (memcmp(data + i, "ns-server", 9) == 0) {
			n++;
		}
		/* and all were lowercased */
		UNIT_CHECK(memcmp(data + i, "NS-server", 4) != 0);
	}
	UNIT_CHECK_INT(n, NRR - 30);
	free(data);
	/* Reversed input order verifies the same. */
	for (i = 0; i < NRR / 2; i++) {
		const uint8_t *t = rd[i];
		uint16_t l = rdlen[i];

		rd[i] = rd[NRR - 1 - i];
		rdlen[i] = rdlen[NRR - 1 - i];
		rd[NRR - 1 - i] = t;
		rdlen[NRR - 1 - i] = l;
	}
	UNIT_CHECK_INT(val_canon_verify_rrsig(k, &s, rrsig, slen), RES_OK);
	/* Without the last two (both "ns-server1") it does not. */
	s.count -= 2;
	UNIT_CHECK_INT(val_canon_verify_rrsig(k, &s, rrsig, slen), RES_EBOGUS);
	val_key_delete(k);
	EVP_PKEY_free(pk);
}

/** Names in RDATA: lowercased for MX, NS, RRSIG...; kept for NSEC
 * (RFC 6840 section 5.1); the order follows the lowercased form. */
static void
test_canon_lowercase(void)
{
	uint8_t mx1[40], mx2[40], zone[DNAME_MAXLEN], rrsig[300], data[1024];
	uint8_t nsec[40];
	const uint8_t *rd[2] = { mx1, mx2 };
	uint16_t rdlen[2];
	struct reply_rrset s;
	size_t head, dl, n;

	/* MX 10 B.example. and MX 10 a.EXAMPLE.: lowercased, "a" first. */
	mx1[0] = 0;
	mx1[1] = 10;
	UNIT_CHECK_INT(dname_from_str("B.example.", NULL, mx1 + 2, &n), 0);
	rdlen[0] = (uint16_t)(n + 2);
	mx2[0] = 0;
	mx2[1] = 10;
	UNIT_CHECK_INT(dname_from_str("a.EXAMPLE.", NULL, mx2 + 2, &n), 0);
	rdlen[1] = (uint16_t)(n + 2);
	UNIT_CHECK_INT(dname_from_str("example.", NULL, zone, NULL), 0);
	rrset_init(&s, zone, RR_TYPE_MX, rd, rdlen, 2);
	head = rrsig_head(rrsig, RR_TYPE_MX, 13, 1, 1, zone);
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), 0);
	/* owner(9) type class ttl rdlen(10) then the RDATA */
	UNIT_CHECK(memcmp(data + head + 19, "\000\012\001a\007example", 12)
	    == 0);
	UNIT_CHECK(memcmp(data + head + 19 + 13 + 19,
	    "\000\012\001b\007example", 12) == 0);
	/* The caller's RDATA is left as it was. */
	UNIT_CHECK(mx1[3] == 'B' && mx2[5] == 'E');
	/* NSEC keeps the case of its next name. */
	UNIT_CHECK_INT(dname_from_str("Next.EXAMPLE.", NULL, nsec, &n), 0);
	memcpy(nsec + n, "\000\001\100", 3);	/* bitmap: A */
	rd[0] = nsec;
	rdlen[0] = (uint16_t)(n + 3);
	rrset_init(&s, zone, RR_TYPE_NSEC, rd, rdlen, 1);
	head = rrsig_head(rrsig, RR_TYPE_NSEC, 13, 1, 1, zone);
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), 0);
	UNIT_CHECK(memcmp(data + head + 19, "\004Next\007EXAMPLE", 13) == 0);
	/* Lowercased types are listed exactly. */
	UNIT_CHECK(val_canon_lowercase_type(RR_TYPE_NS));
	UNIT_CHECK(val_canon_lowercase_type(RR_TYPE_SOA));
	UNIT_CHECK(val_canon_lowercase_type(RR_TYPE_RRSIG));
	UNIT_CHECK(val_canon_lowercase_type(RR_TYPE_SRV));
	UNIT_CHECK(val_canon_lowercase_type(RR_TYPE_DNAME));
	UNIT_CHECK(val_canon_lowercase_type(30));	/* NXT */
	UNIT_CHECK(val_canon_lowercase_type(38));	/* A6 */
	UNIT_CHECK(!val_canon_lowercase_type(RR_TYPE_NSEC));
	UNIT_CHECK(!val_canon_lowercase_type(RR_TYPE_HINFO));
	UNIT_CHECK(!val_canon_lowercase_type(RR_TYPE_SVCB));
	UNIT_CHECK(!val_canon_lowercase_type(RR_TYPE_TXT));
	/* Malformed RDATA of a lowercased type is an error. */
	rd[0] = mx1;
	rdlen[0] = 3;
	rrset_init(&s, zone, RR_TYPE_MX, rd, rdlen, 1);
	head = rrsig_head(rrsig, RR_TYPE_MX, 13, 1, 1, zone);
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), RES_EMALFORMED);
}

/** A6 and NXT names, which util/rrtype.h has no layout for. */
static void
test_canon_a6_nxt(void)
{
	uint8_t a6[40], zone[DNAME_MAXLEN], rrsig[300], data[1024];
	const uint8_t *rd[1] = { a6 };
	uint16_t rdlen[1];
	struct reply_rrset s;
	size_t head, dl, n;

	UNIT_CHECK_INT(dname_from_str("example.", NULL, zone, NULL), 0);
	/* A6 64, 8 octets of suffix, prefix name "PFX.example." */
	memset(a6, 0x11, sizeof(a6));
	a6[0] = 64;
	UNIT_CHECK_INT(dname_from_str("PFX.example.", NULL, a6 + 9, &n), 0);
	rdlen[0] = (uint16_t)(9 + n);
	rrset_init(&s, zone, 38, rd, rdlen, 1);
	head = rrsig_head(rrsig, 38, 13, 1, 1, zone);
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), 0);
	UNIT_CHECK(memcmp(data + dl - n, "\003pfx\007example", n) == 0);
	/* A6 with a prefix length over 128, or a name too long. */
	a6[0] = 129;
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), RES_EMALFORMED);
	a6[0] = 64;
	rdlen[0]--;
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), RES_EMALFORMED);
	/* A6 0: the full address, no name. */
	a6[0] = 0;
	rdlen[0] = 17;
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), 0);
	/* NXT: the next name first. */
	UNIT_CHECK_INT(dname_from_str("NeXT.example.", NULL, a6, &n), 0);
	a6[n] = 0x40;
	rdlen[0] = (uint16_t)(n + 1);
	s.type = 30;
	rrsig[1] = 30;
	UNIT_CHECK_INT(val_canon_signed_data(&s, rrsig, head, data,
	    sizeof(data), &dl), 0);
	UNIT_CHECK(memcmp(data + head + 19, "\004next\007example", 14) == 0);
}

/* ------------------------------------------------------------------ */
/* Bad input.                                                         */

/** Malformed keys are errors, never crashes. */
static void
test_malformed_keys(void)
{
	uint8_t rd[700];
	struct val_key *k = (struct val_key *)&k;
	size_t i;

	/* RSA exponent length 0 in the long form. */
	memcpy(rd, "\001\001\003\010\000\000\000", 7);
	memset(rd + 7, 0xc3, 128);
	UNIT_CHECK_INT(val_key_decode(8, rd, 7 + 128, &k), RES_EMALFORMED);
	UNIT_CHECK(k == NULL);
	/* Long form cut short. */
	UNIT_CHECK_INT(val_key_decode(8, rd, 6, &k), RES_EMALFORMED);
	UNIT_CHECK_INT(val_key_decode(8, rd, 5, &k), RES_EMALFORMED);
	UNIT_CHECK_INT(val_key_decode(8, rd, 4, &k), RES_EMALFORMED);
	/* Exponent longer than the rest, or no modulus at all. */
	rd[4] = 3;
	UNIT_CHECK_INT(val_key_decode(8, rd, 7, &k), RES_EMALFORMED);
	UNIT_CHECK_INT(val_key_decode(8, rd, 8, &k), RES_EMALFORMED);
	/* Long form exponent length of 300: more than the key holds. */
	rd[4] = 0;
	rd[5] = 1;
	rd[6] = 44;
	UNIT_CHECK_INT(val_key_decode(8, rd, 7 + 128, &k), RES_EMALFORMED);
	/* Short form, exponent 65537, modulus 511, 512, 4096, 4097 bits. */
	memcpy(rd + 4, "\003\001\000\001", 4);
	memset(rd + 8, 0xc3, 600);
	rd[8] = 0x7f;
	UNIT_CHECK_INT(val_key_decode(8, rd, 8 + 64, &k), RES_ELIMIT);
	rd[8] = 0xc3;
	UNIT_CHECK_INT(val_key_decode(8, rd, 8 + 64, &k), 0);
	UNIT_CHECK_INT(val_key_bits(k), 512);
	val_key_delete(k);
	UNIT_CHECK_INT(val_key_decode(8, rd, 8 + 512, &k), 0);
	UNIT_CHECK_INT(val_key_bits(k), 4096);
	val_key_delete(k);
	rd[8] = 0x01;
	UNIT_CHECK_INT(val_key_decode(8, rd, 8 + 513, &k), RES_ELIMIT);
	/* Leading zeros do not count as bits. */
	rd[8] = 0;
	UNIT_CHECK_INT(val_key_decode(8, rd, 8 + 64, &k), RES_ELIMIT);
	/* RSASHA512 needs 1024 bits. */
	rd[3] = 10;
	rd[8] = 0xc3;
	UNIT_CHECK_INT(val_key_decode(10, rd, 8 + 64, &k), RES_ELIMIT);
	UNIT_CHECK_INT(val_key_decode(10, rd, 8 + 128, &k), 0);
	val_key_delete(k);
	/* Algorithm field and argument differ. */
	UNIT_CHECK_INT(val_key_decode(8, rd, 8 + 128, &k), RES_EMALFORMED);
	/* ECDSA: wrong lengths, a point not on the curve. */
	rd[3] = 13;
	for (i = 0; i < 140; i++) {
		if (i == 64) {
			continue;
		}
		UNIT_CHECK_INT(val_key_decode(13, rd, 4 + i, &k),
		    RES_EMALFORMED);
	}
	memset(rd + 4, 0x01, 64);
	UNIT_CHECK_INT(val_key_decode(13, rd, 4 + 64, &k), RES_EMALFORMED);
	rd[3] = 14;
	UNIT_CHECK_INT(val_key_decode(14, rd, 4 + 64, &k), RES_EMALFORMED);
	memset(rd + 4, 0x01, 96);
	UNIT_CHECK_INT(val_key_decode(14, rd, 4 + 96, &k), RES_EMALFORMED);
	/* EdDSA: wrong lengths. */
	rd[3] = 15;
	UNIT_CHECK_INT(val_key_decode(15, rd, 4 + 31, &k), RES_EMALFORMED);
	UNIT_CHECK_INT(val_key_decode(15, rd, 4 + 33, &k), RES_EMALFORMED);
	UNIT_CHECK_INT(val_key_decode(15, rd, 4, &k), RES_EMALFORMED);
	rd[3] = 16;
	UNIT_CHECK_INT(val_key_decode(16, rd, 4 + 56, &k), RES_EMALFORMED);
	UNIT_CHECK_INT(val_key_decode(16, rd, 4 + 32, &k), RES_EMALFORMED);
	/* Algorithms not supported. */
	rd[3] = 1;
	UNIT_CHECK_INT(val_key_decode(1, rd, 4 + 64, &k), RES_ENOTSUP);
	UNIT_CHECK_INT(val_key_decode(3, rd, 4 + 64, &k), RES_ENOTSUP);
	UNIT_CHECK_INT(val_key_decode(6, rd, 4 + 64, &k), RES_ENOTSUP);
	UNIT_CHECK_INT(val_key_decode(12, rd, 4 + 64, &k), RES_ENOTSUP);
	UNIT_CHECK_INT(val_key_decode(253, rd, 4 + 64, &k), RES_ENOTSUP);
	UNIT_CHECK(val_key_create(1, rd, 4 + 64) == NULL);
	/* Every truncation of a real key. */
	rd[3] = 8;
	memcpy(rd + 4, "\003\001\000\001", 4);
	memset(rd + 8, 0xc3, 128);
	for (i = 0; i < 8 + 64; i++) {
		UNIT_CHECK(val_key_create(8, rd, i) == NULL);
	}
}

/** NULL, empty and oversized input everywhere. */
static void
test_null_inputs(void)
{
	uint8_t buf[256], name[DNAME_MAXLEN], h[VAL_NSEC3_HASHLEN];
	const uint8_t *rd[1] = { buf };
	uint16_t rdlen[1] = { 4 };
	struct reply_rrset s;
	struct val_key *k;
	size_t len;
	char txt[8];

	memset(buf, 0, sizeof(buf));
	UNIT_CHECK_INT(dname_from_str("example.", NULL, name, NULL), 0);
	UNIT_CHECK_INT(val_key_decode(8, NULL, 10, &k), RES_EINVAL);
	UNIT_CHECK_INT(val_key_decode(8, buf, 10, NULL), RES_EINVAL);
	UNIT_CHECK(val_key_create(8, NULL, 0) == NULL);
	UNIT_CHECK(val_key_create(15, buf, 0) == NULL);
	val_key_delete(NULL);
	UNIT_CHECK_INT(val_key_algo(NULL), 0);
	UNIT_CHECK_INT(val_key_bits(NULL), 0);
	UNIT_CHECK_INT(val_key_verify(NULL, buf, 1, buf, 1), RES_EINVAL);
	UNIT_CHECK_INT(val_ds_digest(2, NULL, buf, 4, h, &len), RES_EINVAL);
	UNIT_CHECK_INT(val_ds_digest(2, name, NULL, 4, h, &len), RES_EINVAL);
	UNIT_CHECK_INT(val_ds_digest(2, name, buf, 0, h, &len), RES_EINVAL);
	UNIT_CHECK_INT(val_ds_digest(2, name, buf, 4, NULL, &len), RES_EINVAL);
	UNIT_CHECK_INT(val_ds_digest(2, name, buf, 4, h, NULL), RES_EINVAL);
	UNIT_CHECK_INT(val_ds_matches(NULL, 4, name, buf, 4), RES_EINVAL);
	UNIT_CHECK_INT(val_ds_matches(buf, 4, NULL, buf, 4), RES_EINVAL);
	UNIT_CHECK_INT(val_ds_matches(buf, 4, name, NULL, 4), RES_EINVAL);
	UNIT_CHECK_INT(val_ds_matches(buf, 3, name, buf, 4), RES_EMALFORMED);
	UNIT_CHECK_INT(val_ds_matches(buf, 4, name, buf, 3), RES_EMALFORMED);
	UNIT_CHECK_INT(val_nsec3_hash(NULL, NULL, 0, 0, h), RES_EINVAL);
	UNIT_CHECK_INT(val_nsec3_hash(name, NULL, 0, 0, NULL), RES_EINVAL);
	UNIT_CHECK_INT(val_nsec3_hash(name, NULL, 4, 0, h), RES_EINVAL);
	UNIT_CHECK_INT(val_b32hex_encode(NULL, 1, txt, sizeof(txt)),
	    RES_EINVAL);
	UNIT_CHECK_INT(val_b32hex_encode(buf, 1, NULL, 0), RES_EINVAL);
	UNIT_CHECK_INT(val_b32hex_encode(buf, 5, txt, sizeof(txt)),
	    RES_ESPACE);
	UNIT_CHECK_INT(val_b32hex_encode(NULL, 0, txt, 1), 0);
	UNIT_CHECK_INT(val_b32hex_decode(NULL, 2, buf, 4), RES_EINVAL);
	UNIT_CHECK_INT(val_b32hex_decode("co", 2, NULL, 4), RES_EINVAL);
	UNIT_CHECK_INT(val_b32hex_decode("cpnmuoj1", 8, buf, 4), RES_ESPACE);
	/* Canonical data. */
	rrset_init(&s, name, RR_TYPE_A, rd, rdlen, 1);
	rrsig_head(buf + 64, RR_TYPE_A, 13, 1, 1, name);
	UNIT_CHECK_INT(val_canon_signed_data(NULL, buf + 64, 27, buf, 64,
	    &len), RES_EINVAL);
	UNIT_CHECK_INT(val_canon_signed_data(&s, NULL, 27, buf, 64, &len),
	    RES_EINVAL);
	UNIT_CHECK_INT(val_canon_signed_data(&s, buf + 64, 27, NULL, 64,
	    &len), RES_EINVAL);
	UNIT_CHECK_INT(val_canon_signed_data(&s, buf + 64, 27, buf, 64, NULL),
	    RES_EINVAL);
	s.count = 0;
	UNIT_CHECK_INT(val_canon_signed_data(&s, buf + 64, 27, buf, 64, &len),
	    RES_EINVAL);
	s.count = 1;
	/* RRSIG RDATA too short or without a signer. */
	UNIT_CHECK_INT(val_canon_signed_data(&s, buf + 64, 18, buf, 64, &len),
	    RES_EMALFORMED);
	UNIT_CHECK_INT(val_canon_signed_data(&s, buf + 64, 0, buf, 64, &len),
	    RES_EMALFORMED);
	UNIT_CHECK_INT(val_canon_signed_data(&s, buf + 64, 20, buf, 64, &len),
	    RES_EMALFORMED);
	UNIT_CHECK_INT(val_canon_rrsig_sigoff(NULL, 20, &len), RES_EINVAL);
	UNIT_CHECK_INT(val_canon_rrsig_sigoff(buf + 64, 27, NULL), RES_EINVAL);
	UNIT_CHECK_INT(val_canon_rrsig_sigoff(buf + 64, 27, &len), 0);
	UNIT_CHECK_INT(len, 27);
	UNIT_CHECK_INT(val_canon_signed_size(NULL, 10), 0);
	UNIT_CHECK_INT(val_canon_signed_data_alloc(&s, buf + 64, 27, NULL,
	    &len), RES_EINVAL);
	UNIT_CHECK_INT(val_canon_signed_data_alloc(NULL, buf + 64, 27,
	    (uint8_t **)&rd[0], &len), RES_EINVAL);
	UNIT_CHECK(rd[0] == NULL);
	/* An RDATA pointer that is NULL with a length. */
	rd[0] = NULL;
	UNIT_CHECK_INT(val_canon_signed_data(&s, buf + 64, 27, buf, 64, &len),
	    RES_EINVAL);
}

/** Signatures of the wrong shape for a key. */
static void
test_signature_shapes(void)
{
	uint8_t key[200], sig[200], data[4] = { 1, 2, 3, 4 };
	struct val_key *k;
	EVP_PKEY *pk;
	size_t klen, sl;

	if (!UNIT_CHECK((pk = gen_key(13, 0)) != NULL)) {
		return;
	}
	klen = dnskey_of(pk, 13, key, sizeof(key));
	UNIT_CHECK_INT(val_key_decode(13, key, klen, &k), 0);
	sl = sign_raw(pk, 13, data, sizeof(data), sig, sizeof(sig));
	UNIT_CHECK_INT(sl, 64);
	UNIT_CHECK_INT(val_key_verify(k, data, sizeof(data), sig, sl), 0);
	/* Empty data is allowed as input, and does not match. */
	UNIT_CHECK_INT(val_key_verify(k, NULL, 0, sig, sl), RES_EBOGUS);
	UNIT_CHECK_INT(val_key_verify(k, data, sizeof(data), NULL, 0),
	    RES_EBOGUS);
	UNIT_CHECK_INT(val_key_verify(k, NULL, 4, sig, sl), RES_EINVAL);
	/* r or s zero, or all ones. */
	memset(sig, 0, 32);
	UNIT_CHECK_INT(val_key_verify(k, data, sizeof(data), sig, 64),
	    RES_EBOGUS);
	memset(sig, 0xff, 64);
	UNIT_CHECK_INT(val_key_verify(k, data, sizeof(data), sig, 64),
	    RES_EBOGUS);
	memset(sig + 32, 0, 32);
	UNIT_CHECK_INT(val_key_verify(k, data, sizeof(data), sig, 64),
	    RES_EBOGUS);
	UNIT_CHECK_INT(val_key_verify(k, data, sizeof(data), sig, 96),
	    RES_EBOGUS);
	val_key_delete(k);
	EVP_PKEY_free(pk);
}

/** Algorithm and digest support, and the SHA-1 policy switch. */
static void
test_support(void)
{
	static const uint8_t yes[] = { 5, 7, 8, 10, 13, 14, 15, 16 };
	static const uint8_t no[] = { 0, 1, 2, 3, 4, 6, 9, 11, 12, 17, 252,
	    253, 254, 255 };
	uint8_t key[700];
	struct val_key *k = NULL;
	EVP_PKEY *pk;
	size_t i, klen;
	int refused;

	UNIT_CHECK_INT(val_crypto_init(), 0);
	UNIT_CHECK_INT(val_crypto_init(), 0);
	refused = val_crypto_sha1_refused();
	if (refused) {
		printf("# SHA-1 signatures are refused here\n");
	}
	for (i = 0; i < sizeof(yes); i++) {
		if (!UNIT_CHECK(val_algo_supported(yes[i]) ==
		    !(refused && (yes[i] == 5 || yes[i] == 7)))) {
			printf("#   algorithm %d\n", yes[i]);
		}
	}
	for (i = 0; i < sizeof(no); i++) {
		UNIT_CHECK(!val_algo_supported(no[i]));
	}
	UNIT_CHECK(val_digest_supported(1));
	UNIT_CHECK(val_digest_supported(2));
	UNIT_CHECK(!val_digest_supported(3));
	UNIT_CHECK(val_digest_supported(4));
	UNIT_CHECK(!val_digest_supported(0));
	UNIT_CHECK(!val_digest_supported(5));
	/* The probe agrees with OpenSSL: SHA-1 signing works exactly where
	 * SHA-1 verification was found to work. */
	if (!UNIT_CHECK((pk = gen_key(5, 1024)) != NULL)) {
		return;
	}
	UNIT_CHECK((sign_raw(pk, 5, key, 16, key + 16, sizeof(key) - 16) ==
	    0) == refused);
	/* Act as if the system's policy refused SHA-1 signatures.  The key
	 * is decoded while they are allowed, so only where they are. */
	if (refused) {
		val_crypto_set_sha1_refused(1);
		UNIT_CHECK(!val_algo_supported(5));
		val_crypto_set_sha1_refused(-1);
		EVP_PKEY_free(pk);
		return;
	}
	klen = dnskey_of(pk, 5, key, sizeof(key));
	UNIT_CHECK_INT(val_key_decode(5, key, klen, &k), 0);
	val_crypto_set_sha1_refused(1);
	UNIT_CHECK_INT(val_crypto_sha1_refused(), 1);
	UNIT_CHECK(!val_algo_supported(5));
	UNIT_CHECK(!val_algo_supported(7));
	UNIT_CHECK(val_algo_supported(8));
	UNIT_CHECK(val_key_create(5, key, klen) == NULL);
	UNIT_CHECK_INT(val_key_verify(k, key, klen, key, 128), RES_ENOTSUP);
	/* SHA-1 digests (DS type 1, NSEC3) are not signatures. */
	UNIT_CHECK(val_digest_supported(1));
	val_crypto_set_sha1_refused(-1);
	UNIT_CHECK(val_algo_supported(5));
	UNIT_CHECK_INT(val_key_verify(k, key, klen, key, 128), RES_EBOGUS);
	val_key_delete(k);
	EVP_PKEY_free(pk);
}

/** Random bytes into every decoder: errors or results, never a crash
 * or an over-read (the sanitizer build checks the latter).  The
 * generator is seeded, so a failure repeats. */
static void
test_garbage(void)
{
	static const uint8_t algs[] = { 5, 8, 10, 13, 14, 15, 16 };
	uint8_t rd[600], rrsig[300], out[2048], owner[DNAME_MAXLEN];
	const uint8_t *rdp[2] = { rd, rd + 100 };
	uint16_t rdlen[2];
	struct reply_rrset s;
	struct val_key *k;
	uint32_t x = 12345;
	size_t i, j, len, dl;
	int r;

	UNIT_CHECK_INT(dname_from_str("a.b.example.", NULL, owner, NULL), 0);
	for (i = 0; i < 3000; i++) {
		for (j = 0; j < sizeof(rd); j++) {
			x = x * 1103515245u + 12345u;
			rd[j] = (uint8_t)(x >> 16);
		}
		len = (x >> 8) % sizeof(rd);
		rd[3] = algs[i % sizeof(algs)];
		r = val_key_decode(rd[3], rd, len, &k);
		UNIT_CHECK(r == RES_OK || r == RES_EMALFORMED ||
		    r == RES_ELIMIT);
		if (r == RES_OK) {
			r = val_key_verify(k, rd, len, rd + 4, len / 2);
			UNIT_CHECK(r == RES_EBOGUS);
			val_key_delete(k);
		}
		/* RRSIG RDATA of random length and content over random
		 * RDATA of a type with names in it. */
		memcpy(rrsig, rd + 200, sizeof(rrsig));
		rrsig[0] = 0;
		rrsig[1] = (uint8_t)(i % 2 ? RR_TYPE_MX : RR_TYPE_SOA);
		rrsig[3] = (uint8_t)(i % 5);
		if (i % 3 == 0) {
			memcpy(rrsig + 18, "\007example", 9);
		}
		rdlen[0] = (uint16_t)(x % 100);
		rdlen[1] = (uint16_t)((x >> 4) % 100);
		rrset_init(&s, owner, rrsig[1], rdp, rdlen, 2);
		r = val_canon_signed_data(&s, rrsig, (x >> 12) % sizeof(rrsig),
		    out, sizeof(out), &dl);
		UNIT_CHECK(r == RES_OK || r == RES_EMALFORMED ||
		    r == RES_EBOGUS);
		r = val_b32hex_decode((const char *)rd, len % 64, out,
		    sizeof(out));
		UNIT_CHECK(r >= 0 || r == RES_EMALFORMED);
	}
}

/** Base32hex, RFC 4648 section 10 (lower case, no padding). */
static void
test_b32hex(void)
{
	static const char *in[] = { "", "f", "fo", "foo", "foob", "fooba",
	    "foobar" };
	static const char *out[] = { "", "co", "cpng", "cpnmu", "cpnmuog",
	    "cpnmuoj1", "cpnmuoj1e8" };
	uint8_t back[16];
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		UNIT_CHECK_INT(val_b32hex_encode((const uint8_t *)in[i],
		    strlen(in[i]), buf, sizeof(buf)), strlen(out[i]));
		UNIT_CHECK_STR(buf, out[i]);
		UNIT_CHECK_INT(val_b32hex_decode(out[i], strlen(out[i]), back,
		    sizeof(back)), strlen(in[i]));
		UNIT_CHECK(memcmp(back, in[i], strlen(in[i])) == 0);
	}
	UNIT_CHECK_INT(val_b32hex_decode("CPNMUOJ1E8", 10, back,
	    sizeof(back)), 6);
	UNIT_CHECK(memcmp(back, "foobar", 6) == 0);
	/* Bad characters, impossible lengths, trailing bits. */
	UNIT_CHECK_INT(val_b32hex_decode("cw", 2, back, sizeof(back)),
	    RES_EMALFORMED);
	UNIT_CHECK_INT(val_b32hex_decode("c=", 2, back, sizeof(back)),
	    RES_EMALFORMED);
	UNIT_CHECK_INT(val_b32hex_decode("c", 1, back, sizeof(back)),
	    RES_EMALFORMED);
	UNIT_CHECK_INT(val_b32hex_decode("cpn", 3, back, sizeof(back)),
	    RES_EMALFORMED);
	UNIT_CHECK_INT(val_b32hex_decode("cpnmuo", 6, back, sizeof(back)),
	    RES_EMALFORMED);
	UNIT_CHECK_INT(val_b32hex_decode("cp", 2, back, sizeof(back)),
	    RES_EMALFORMED);
	UNIT_CHECK_INT(val_b32hex_decode("", 0, back, 0), 0);
}

int
main(void)
{
	unit_init("valcrypto");
	UNIT_RUN(test_support);
	UNIT_RUN(test_rfc4034_ds);
	UNIT_RUN(test_rfc5155_hashes);
	UNIT_RUN(test_rfc6605);
	UNIT_RUN(test_rfc8080);
	UNIT_RUN(test_rfc5702);
	if (val_algo_supported(5)) {
		UNIT_RUN(test_roundtrip_rsasha1);
		UNIT_RUN(test_roundtrip_rsasha1_nsec3);
	} else {
		unit_skip("test_roundtrip_rsasha1", "SHA-1 signatures are "
		    "refused by the system's crypto policy");
		unit_skip("test_roundtrip_rsasha1_nsec3", "SHA-1 signatures "
		    "are refused by the system's crypto policy");
	}
	UNIT_RUN(test_roundtrip_rsasha256);
	UNIT_RUN(test_roundtrip_rsasha512);
	UNIT_RUN(test_roundtrip_ecdsap256);
	UNIT_RUN(test_roundtrip_ecdsap384);
	UNIT_RUN(test_roundtrip_ed25519);
	UNIT_RUN(test_roundtrip_ed448);
	UNIT_RUN(test_canon_wildcard);
	UNIT_RUN(test_canon_order);
	UNIT_RUN(test_canon_large);
	UNIT_RUN(test_canon_lowercase);
	UNIT_RUN(test_canon_a6_nxt);
	UNIT_RUN(test_malformed_keys);
	UNIT_RUN(test_null_inputs);
	UNIT_RUN(test_signature_shapes);
	UNIT_RUN(test_b32hex);
	UNIT_RUN(test_garbage);
	return unit_done();
}
