/*
 * validator/val_memo.c - per-thread memory of decoded keys and verified
 * signatures (see val_memo.h).
 *
 * Both tables are arrays of slots indexed by a hash: FNV-1a of the
 * algorithm and RDATA for keys (then the whole RDATA is compared), the
 * first four octets of the SHA-256 digest for signatures (the whole
 * digest is compared).  A new entry replaces whatever held its slot.
 */
#include "config.h"
#include "validator/val_memo.h"
#include "util/error.h"
#include "validator/val_crypto.h"
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/** One decoded key. */
struct memo_key {
	/** The DNSKEY RDATA (owned), NULL for an empty slot. */
	uint8_t *rdata;
	/** Its length. */
	size_t len;
	/** The algorithm it was decoded for. */
	uint8_t alg;
	/** The key (owned). */
	struct val_key *key;
};

/** One remembered verification. */
struct memo_sig {
	/** 1 when the slot holds a digest. */
	int used;
	/** The digest. */
	uint8_t digest[VAL_MEMO_DIGEST];
};

struct val_memo {
	/** Key slots. */
	struct memo_key *keys;
	/** Their number minus one (a power of two minus one). */
	size_t kmask;
	/** Signature slots. */
	struct memo_sig *sigs;
	/** Their number minus one. */
	size_t smask;
	/** SHA-256, fetched once. */
	EVP_MD *sha256;
	/** A digest context reused for every digest. */
	EVP_MD_CTX *ctx;
};

/** The power of two at or above n (at least 1, at most 2^20). */
static size_t
memo_pow2(size_t n)
{
	size_t p = 1;

	while (p < n && p < ((size_t)1 << 20)) {
		p <<= 1;
	}
	return p;
}

struct val_memo *
val_memo_create(size_t keys, size_t sigs)
{
	struct val_memo *m = calloc(1, sizeof(*m));

	if (!m) {
		return NULL;
	}
	keys = memo_pow2(keys);
	sigs = memo_pow2(sigs);
	m->keys = calloc(keys, sizeof(*m->keys));
	m->sigs = calloc(sigs, sizeof(*m->sigs));
	m->kmask = keys - 1;
	m->smask = sigs - 1;
	m->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	m->ctx = EVP_MD_CTX_new();
	if (!m->keys || !m->sigs || !m->sha256 || !m->ctx) {
		val_memo_delete(m);
		return NULL;
	}
	return m;
}

void
val_memo_delete(struct val_memo *m)
{
	size_t i;

	if (!m) {
		return;
	}
	if (m->keys) {
		for (i = 0; i <= m->kmask; i++) {
			free(m->keys[i].rdata);
			val_key_delete(m->keys[i].key);
		}
	}
	free(m->keys);
	free(m->sigs);
	EVP_MD_CTX_free(m->ctx);
	EVP_MD_free(m->sha256);
	free(m);
}

/** FNV-1a over the algorithm and the RDATA. */
static uint32_t
memo_key_hash(uint8_t alg, const uint8_t *rdata, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	h = (h ^ alg) * 16777619u;
	for (i = 0; i < len; i++) {
		h = (h ^ rdata[i]) * 16777619u;
	}
	return h;
}

const struct val_key *
val_memo_key(struct val_memo *m, uint8_t alg, const uint8_t *rdata,
    size_t len)
{
	struct memo_key *slot;
	struct val_key *k;
	uint8_t *copy;

	if (!m || !rdata || len == 0) {
		return NULL;
	}
	slot = &m->keys[memo_key_hash(alg, rdata, len) & m->kmask];
	if (slot->rdata && slot->alg == alg && slot->len == len &&
	    memcmp(slot->rdata, rdata, len) == 0) {
		return slot->key;
	}
	if (!(k = val_key_create(alg, rdata, len))) {
		return NULL;
	}
	if (!(copy = malloc(len))) {
		val_key_delete(k);
		return NULL;
	}
	memcpy(copy, rdata, len);
	free(slot->rdata);
	val_key_delete(slot->key);
	slot->rdata = copy;
	slot->len = len;
	slot->alg = alg;
	slot->key = k;
	return k;
}

/** Feed a length (4 octets) and then the octets to the digest. */
static int
memo_feed(EVP_MD_CTX *ctx, const uint8_t *p, size_t len)
{
	uint8_t l[4];

	l[0] = (uint8_t)(len >> 24);
	l[1] = (uint8_t)(len >> 16);
	l[2] = (uint8_t)(len >> 8);
	l[3] = (uint8_t)len;
	return EVP_DigestUpdate(ctx, l, sizeof(l)) == 1 &&
	    (len == 0 || EVP_DigestUpdate(ctx, p, len) == 1);
}

int
val_memo_digest(struct val_memo *m, const uint8_t *key, size_t keylen,
    const uint8_t *rrsig, size_t rrsiglen, const uint8_t *data,
    size_t datalen, uint8_t *out)
{
	unsigned int n = 0;

	if (!m || !out || (!key && keylen) || (!rrsig && rrsiglen) ||
	    (!data && datalen)) {
		return RES_EINVAL;
	}
	/* Each part with its length, so no two different triples feed the
	 * same octets. */
	if (EVP_DigestInit_ex(m->ctx, m->sha256, NULL) != 1 ||
	    !memo_feed(m->ctx, key, keylen) ||
	    !memo_feed(m->ctx, rrsig, rrsiglen) ||
	    !memo_feed(m->ctx, data, datalen) ||
	    EVP_DigestFinal_ex(m->ctx, out, &n) != 1 ||
	    n != VAL_MEMO_DIGEST) {
		return RES_ENOMEM;
	}
	return RES_OK;
}

/** The slot of a digest. */
static size_t
memo_sig_slot(const struct val_memo *m, const uint8_t *digest)
{
	return ((size_t)digest[0] << 24 | (size_t)digest[1] << 16 |
	    (size_t)digest[2] << 8 | digest[3]) & m->smask;
}

int
val_memo_sig_known(const struct val_memo *m, const uint8_t *digest)
{
	const struct memo_sig *s;

	if (!m || !digest) {
		return 0;
	}
	s = &m->sigs[memo_sig_slot(m, digest)];
	return s->used && memcmp(s->digest, digest, VAL_MEMO_DIGEST) == 0;
}

void
val_memo_sig_add(struct val_memo *m, const uint8_t *digest)
{
	struct memo_sig *s;

	if (!m || !digest) {
		return;
	}
	s = &m->sigs[memo_sig_slot(m, digest)];
	memcpy(s->digest, digest, VAL_MEMO_DIGEST);
	s->used = 1;
}
