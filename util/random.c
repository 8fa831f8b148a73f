/*
 * util/random.c - buffered access to OpenSSL's CSPRNG.
 *
 * The state holds RANDOM_BUFSZ octets from RAND_bytes() and a read
 * position; octets are consumed front to back and zeroed as they go, and
 * the buffer is refilled when empty.  Requests larger than the buffer go
 * straight to RAND_bytes().  random_uniform() uses rejection sampling:
 * with t = 2^32 mod upper, draws below t are thrown away, so the remaining
 * 2^32 - t values are an exact multiple of upper and x mod upper is
 * uniform.  Fewer than half of the draws are rejected for any upper, so
 * the loop ends quickly with overwhelming probability.
 */
#include "config.h"
#include "util/random.h"
#include "util/log.h"
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

struct random_state {
	/** Octets from RAND_bytes() not handed out yet, from pos on. */
	uint8_t buf[RANDOM_BUFSZ];
	/** Read position in buf; RANDOM_BUFSZ means empty. */
	size_t pos;
};

/** Read n octets from the CSPRNG, or stop the process if it fails. */
static void
random_fill(void *buf, size_t n)
{
	while (n > 0) {
		int chunk = n > 65536 ? 65536 : (int)n;

		if (RAND_bytes(buf, chunk) != 1) {
			fatal_exit("CSPRNG failure: RAND_bytes: %s",
			    ERR_error_string(ERR_get_error(), NULL));
		}
		buf = (uint8_t *)buf + chunk;
		n -= (size_t)chunk;
	}
}

struct random_state *
random_create(void)
{
	struct random_state *r = calloc(1, sizeof(*r));

	if (!r) {
		log_err("out of memory");
		return NULL;
	}
	if (RAND_bytes(r->buf, sizeof(r->buf)) != 1) {
		log_err("CSPRNG not available: RAND_bytes: %s",
		    ERR_error_string(ERR_get_error(), NULL));
		free(r);
		return NULL;
	}
	r->pos = 0;
	return r;
}

void
random_delete(struct random_state *r)
{
	if (!r) {
		return;
	}
	OPENSSL_cleanse(r, sizeof(*r));
	free(r);
}

void
random_bytes(struct random_state *r, void *buf, size_t n)
{
	uint8_t *out = buf;

	if (n == 0) {
		return;
	}
	if (!r || n > RANDOM_BUFSZ) {
		random_fill(buf, n);
		return;
	}
	while (n > 0) {
		size_t avail, take;

		if (r->pos >= RANDOM_BUFSZ) {
			random_fill(r->buf, RANDOM_BUFSZ);
			r->pos = 0;
		}
		avail = RANDOM_BUFSZ - r->pos;
		take = n < avail ? n : avail;
		memcpy(out, r->buf + r->pos, take);
		OPENSSL_cleanse(r->buf + r->pos, take);
		r->pos += take;
		out += take;
		n -= take;
	}
}

uint32_t
random_u32(struct random_state *r)
{
	uint8_t b[4];

	random_bytes(r, b, sizeof(b));
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	    ((uint32_t)b[2] << 8) | (uint32_t)b[3];
}

uint32_t
random_uniform(struct random_state *r, uint32_t upper)
{
	uint32_t x, threshold;

	if (upper < 2) {
		return 0;
	}
	/* 2^32 mod upper, computed in 32 bits. */
	threshold = (uint32_t)(-upper) % upper;
	do {
		x = random_u32(r);
	} while (x < threshold);
	return x % upper;
}
