/*
 * test/test_cookie.c - unit tests for daemon/cookie.c: SipHash-2-4
 * against the reference vector, server cookies made and checked (the
 * client's address, the age limits of RFC 9018, a rotation of the secret
 * that keeps cookies valid, a second one that does not).
 */
#include "config.h"
#include "test/unit.h"
#include "daemon/cookie.h"
#include "util/error.h"
#include "util/siphash.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

/** The vector of the SipHash paper (appendix A): key 00..0f, message
 * 00..0e, output a129ca6149be45e5. */
static void
test_cookie_siphash(void)
{
	uint8_t key[16], msg[15];
	int i;

	for (i = 0; i < 16; i++) {
		key[i] = (uint8_t)i;
	}
	for (i = 0; i < 15; i++) {
		msg[i] = (uint8_t)i;
	}
	UNIT_CHECK(siphash24(key, msg, 15) == 0xa129ca6149be45e5ULL);
	/* The empty message, from the reference implementation's list. */
	UNIT_CHECK(siphash24(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
}

/** An IPv4 client address. */
static void
addr4(struct sockaddr_storage *ss, const char *a)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	(void)inet_pton(AF_INET, a, &sin->sin_addr);
}

/** Made, checked; another address, another client cookie, a flipped
 * octet, too old, too far ahead: invalid; old but alive: to refresh. */
static void
test_cookie_check(void)
{
	struct cookie_secrets s;
	struct sockaddr_storage a, b;
	uint8_t client[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, other[8] = { 0 };
	uint8_t sc[COOKIE_SERVER_LEN];
	time_t now = 1790000000;

	UNIT_CHECK_INT(cookie_secrets_init(&s, now), 0);
	addr4(&a, "192.0.2.1");
	addr4(&b, "192.0.2.2");
	cookie_make(&s, client, &a, now, sc);
	UNIT_CHECK_INT(sc[0], 1);
	UNIT_CHECK_INT(cookie_check(&s, client, sc, sizeof(sc), &a, now),
	    COOKIE_VALID);
	UNIT_CHECK_INT(cookie_check(&s, client, sc, sizeof(sc), &b, now),
	    COOKIE_INVALID);
	UNIT_CHECK_INT(cookie_check(&s, other, sc, sizeof(sc), &a, now),
	    COOKIE_INVALID);
	UNIT_CHECK_INT(cookie_check(&s, client, sc, 8, &a, now),
	    COOKIE_INVALID);
	sc[12] ^= 1;
	UNIT_CHECK_INT(cookie_check(&s, client, sc, sizeof(sc), &a, now),
	    COOKIE_INVALID);
	sc[12] ^= 1;
	UNIT_CHECK_INT(cookie_check(&s, client, sc, sizeof(sc), &a,
	    now + 1801), COOKIE_VALID_OLD);
	UNIT_CHECK_INT(cookie_check(&s, client, sc, sizeof(sc), &a,
	    now + 3601), COOKIE_INVALID);
	UNIT_CHECK_INT(cookie_check(&s, client, sc, sizeof(sc), &a,
	    now - 301), COOKIE_INVALID);
	UNIT_CHECK_INT(cookie_check(&s, client, sc, sizeof(sc), &a,
	    now - 299), COOKIE_VALID);
}

/** A cookie made just before a rotation is still valid after it; after
 * a second rotation it is not (it would be too old by then anyway). */
static void
test_cookie_rotate(void)
{
	struct cookie_secrets s;
	struct sockaddr_storage a;
	uint8_t client[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
	uint8_t sc[COOKIE_SERVER_LEN], fresh[COOKIE_SERVER_LEN];
	time_t now = 1790000000;

	UNIT_CHECK_INT(cookie_secrets_init(&s, now), 0);
	addr4(&a, "198.51.100.7");
	cookie_make(&s, client, &a, now + 3599, sc);
	cookie_secrets_rotate(&s, now + 10);
	UNIT_CHECK_INT(s.made, now);	/* too early: not rotated */
	cookie_secrets_rotate(&s, now + COOKIE_ROTATE_SECONDS);
	UNIT_CHECK_INT(s.made, now + COOKIE_ROTATE_SECONDS);
	UNIT_CHECK_INT(cookie_check(&s, client, sc, sizeof(sc), &a,
	    now + 3600), COOKIE_VALID);
	cookie_make(&s, client, &a, now + 3600, fresh);
	UNIT_CHECK(memcmp(fresh + 8, sc + 8, 8) != 0);
	cookie_secrets_rotate(&s, now + 2 * COOKIE_ROTATE_SECONDS);
	UNIT_CHECK_INT(cookie_check(&s, client, sc, sizeof(sc), &a,
	    now + 3600), COOKIE_INVALID);
	UNIT_CHECK_INT(cookie_check(&s, client, fresh, sizeof(fresh), &a,
	    now + 3600), COOKIE_VALID);
}

int
main(void)
{
	unit_init("cookie");
	UNIT_RUN(test_cookie_siphash);
	UNIT_RUN(test_cookie_check);
	UNIT_RUN(test_cookie_rotate);
	return unit_done();
}
