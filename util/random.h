/*
 * util/random.h - the cryptographically secure random numbers of resolute.
 *
 * Everything an off-path attacker must not guess comes from here: query
 * IDs, UDP source ports, the 0x20 capitalisation of query names.  The
 * source is OpenSSL's CSPRNG (RAND_bytes(), a DRBG seeded and reseeded
 * from the operating system), so the numbers are unpredictable, not merely
 * well spread.  Nothing here is a seeded or replayable generator.
 *
 * To keep the cost of a query low, a state buffers RANDOM_BUFSZ octets
 * from RAND_bytes() and hands them out in pieces; a query (ID, port, a few
 * bits of 0x20) then costs a RAND_bytes() call only every few queries.
 * Octets handed out are wiped from the buffer.
 *
 * A state is per thread and must not be shared between threads without a
 * lock; each worker creates its own.  Passing NULL instead of a state is
 * allowed everywhere: the call then reads RAND_bytes() directly, unbuffered
 * (slower, equally secure).
 *
 * If the CSPRNG fails (it cannot be seeded), there is no safe way to go
 * on: the process stops with a fatal log line rather than send guessable
 * queries.
 */
#ifndef UTIL_RANDOM_H
#define UTIL_RANDOM_H
#include <stddef.h>
#include <stdint.h>

/** Octets fetched from RAND_bytes() at a time. */
#define RANDOM_BUFSZ 256

struct random_state;

/**
 * Create a random state for the calling thread.
 * @return the state, or NULL when out of memory or when the CSPRNG cannot
 *	produce output (logged).  Free with random_delete().
 */
struct random_state *random_create(void);

/** Delete a state, wiping its buffer.  NULL ok. */
void random_delete(struct random_state *r);

/**
 * A uniformly distributed 32-bit number.
 * @param r: the state, or NULL for an unbuffered draw.
 * @return the number.
 */
uint32_t random_u32(struct random_state *r);

/**
 * A uniformly distributed number in [0, upper), without modulo bias
 * (draws in the biased tail are rejected and drawn again).
 * @param r: the state, or NULL for an unbuffered draw.
 * @param upper: exclusive upper bound; 0 and 1 both return 0.
 * @return the number.
 */
uint32_t random_uniform(struct random_state *r, uint32_t upper);

/**
 * Fill a buffer with random octets.
 * @param r: the state, or NULL for an unbuffered draw.
 * @param buf: the buffer; may be NULL when n is 0.
 * @param n: number of octets; any size.
 */
void random_bytes(struct random_state *r, void *buf, size_t n);

#endif /* UTIL_RANDOM_H */
