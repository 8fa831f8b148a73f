/*
 * daemon/cookie.h - DNS Cookies for clients (RFC 7873), with the
 * interoperable server cookie of RFC 9018.
 *
 * A server cookie is 16 octets: version 1, three reserved zero octets, a
 * 32-bit timestamp (seconds, serial arithmetic), and the 8-octet
 * SipHash-2-4 of the client cookie, those eight octets and the client's
 * address, keyed with a 16-octet server secret (RFC 9018 section 4).
 *
 * Secrets rotate without breaking clients: the current secret makes new
 * cookies, and the one before it is still accepted, so a cookie made just
 * before a rotation stays valid for its whole life (RFC 9018 section 4.4:
 * an hour, at most five minutes in the future).  The two secrets live in
 * two slots and an index says which is current; a rotation writes the
 * other slot and then flips the index, so readers take no lock (a check
 * that overlaps a rotation may fail once: the client then gets a fresh
 * cookie, as for any invalid one).
 */
#ifndef DAEMON_COOKIE_H
#define DAEMON_COOKIE_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

/** Length of a server cookie made here. */
#define COOKIE_SERVER_LEN 16
/** Length of a secret. */
#define COOKIE_SECRET_LEN 16
/** Seconds between rotations of the secret. */
#define COOKIE_ROTATE_SECONDS 3600

/** The server's secrets. */
struct cookie_secrets {
	/** Two slots. */
	uint8_t slot[2][COOKIE_SECRET_LEN];
	/** Which slot is current (0 or 1; read and written atomically). */
	int cur;
	/** When the current one was made. */
	time_t made;
};

/** What a client's COOKIE option is worth. */
enum cookie_verdict {
	/** No valid server cookie: a fresh one goes back. */
	COOKIE_INVALID = 0,
	/** A valid server cookie, fresh enough to be sent back as it is. */
	COOKIE_VALID,
	/** Valid, but older than half an hour: a fresh one goes back
	 * (RFC 9018 section 4.3). */
	COOKIE_VALID_OLD
};

/**
 * Make fresh secrets from the CSPRNG.
 * @return 0, or RES_ESYSTEM when no random octets could be had.
 */
int cookie_secrets_init(struct cookie_secrets *s, time_t now);

/**
 * Rotate the secrets when the current one is COOKIE_ROTATE_SECONDS old.
 * One thread calls this.
 */
void cookie_secrets_rotate(struct cookie_secrets *s, time_t now);

/**
 * Make a server cookie with the current secret.
 * @param client: the 8-octet client cookie.
 * @param addr: the client's address.
 * @param out: COOKIE_SERVER_LEN octets.
 */
void cookie_make(const struct cookie_secrets *s, const uint8_t *client,
	const struct sockaddr_storage *addr, time_t now, uint8_t *out);

/**
 * Check a server cookie against both secrets.
 * @param server, len: the server cookie the client sent (len 0: none).
 * @return the verdict.
 */
enum cookie_verdict cookie_check(const struct cookie_secrets *s,
	const uint8_t *client, const uint8_t *server, size_t len,
	const struct sockaddr_storage *addr, time_t now);

#endif /* DAEMON_COOKIE_H */
