/*
 * daemon/cookie.c - DNS Cookies for clients (see cookie.h).
 */
#include "config.h"
#include "daemon/cookie.h"
#include "util/siphash.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

/** Seconds a server cookie lives, and how far in the future it may be
 * (RFC 9018 section 4.3). */
#define COOKIE_LIFE 3600
#define COOKIE_FUTURE 300
/** Past this age a valid cookie is replaced by a fresh one. */
#define COOKIE_REFRESH 1800

int
cookie_secrets_init(struct cookie_secrets *s, time_t now)
{
	memset(s, 0, sizeof(*s));
	if (RAND_bytes(s->slot[0], COOKIE_SECRET_LEN) != 1 ||
	    RAND_bytes(s->slot[1], COOKIE_SECRET_LEN) != 1) {
		return RES_ESYSTEM;
	}
	s->cur = 0;
	s->made = now;
	return RES_OK;
}

void
cookie_secrets_rotate(struct cookie_secrets *s, time_t now)
{
	int next = 1 - __atomic_load_n(&s->cur, __ATOMIC_ACQUIRE);
	uint8_t fresh[COOKIE_SECRET_LEN];

	if (now - s->made < COOKIE_ROTATE_SECONDS ||
	    RAND_bytes(fresh, sizeof(fresh)) != 1) {
		return;
	}
	/* The slot of the secret before the current one, which no cookie
	 * still alive was made with, becomes the new current one. */
	memcpy(s->slot[next], fresh, sizeof(fresh));
	__atomic_store_n(&s->cur, next, __ATOMIC_RELEASE);
	s->made = now;
}

/** The hash part of a server cookie (RFC 9018 section 4.2). */
static void
cookie_hash(const uint8_t *secret, const uint8_t *client,
    const uint8_t *head, const struct sockaddr_storage *addr,
    uint8_t *out)
{
	uint8_t in[8 + 8 + 16];
	size_t n = 16, i;
	uint64_t h;

	memcpy(in, client, 8);
	memcpy(in + 8, head, 8);
	if (addr->ss_family == AF_INET6) {
		memcpy(in + n, &((const struct sockaddr_in6 *)addr)->sin6_addr,
		    16);
		n += 16;
	} else {
		memcpy(in + n, &((const struct sockaddr_in *)addr)->sin_addr,
		    4);
		n += 4;
	}
	h = siphash24(secret, in, n);
	for (i = 0; i < 8; i++) {
		out[i] = (uint8_t)(h >> (8 * i));
	}
}

void
cookie_make(const struct cookie_secrets *s, const uint8_t *client,
    const struct sockaddr_storage *addr, time_t now, uint8_t *out)
{
	int cur = __atomic_load_n(&s->cur, __ATOMIC_ACQUIRE);

	out[0] = 1;		/* version */
	out[1] = out[2] = out[3] = 0;
	wire_put32(out + 4, (uint32_t)now);
	cookie_hash(s->slot[cur], client, out, addr, out + 8);
}

enum cookie_verdict
cookie_check(const struct cookie_secrets *s, const uint8_t *client,
    const uint8_t *server, size_t len, const struct sockaddr_storage *addr,
    time_t now)
{
	int cur = __atomic_load_n(&s->cur, __ATOMIC_ACQUIRE), k;
	uint8_t h[8];
	int32_t age;

	if (len != COOKIE_SERVER_LEN || server[0] != 1 || server[1] ||
	    server[2] || server[3]) {
		return COOKIE_INVALID;
	}
	age = (int32_t)((uint32_t)now - wire_get32(server + 4));
	if (age > COOKIE_LIFE || age < -COOKIE_FUTURE) {
		return COOKIE_INVALID;
	}
	for (k = 0; k < 2; k++) {
		cookie_hash(s->slot[k == 0 ? cur : 1 - cur], client, server,
		    addr, h);
		if (CRYPTO_memcmp(h, server + 8, 8) == 0) {
			return age > COOKIE_REFRESH ? COOKIE_VALID_OLD :
			    COOKIE_VALID;
		}
	}
	return COOKIE_INVALID;
}
