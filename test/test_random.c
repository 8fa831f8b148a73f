/*
 * test/test_random.c - unit tests for util/random.c.
 *
 * The distribution checks are statistical: each uses a chi-square bound
 * at the 0.999 quantile, so a correct generator fails one of them about
 * once in a thousand runs; a biased or stuck one fails every time.
 */
#include "config.h"
#include "test/unit.h"
#include "util/random.h"
#include <string.h>

/** Chi-square statistic of counts against an even spread of total. */
static double
chi_square(const unsigned *count, int bins, unsigned total)
{
	double expect = (double)total / bins, chi = 0;
	int i;

	for (i = 0; i < bins; i++) {
		double d = count[i] - expect;

		chi += d * d / expect;
	}
	return chi;
}

/** random_uniform() stays within its bound, for small and odd bounds. */
static void
test_random_uniform_bounds(void)
{
	static const uint32_t uppers[] = { 2, 3, 7, 10, 1000, 65536, 64512,
	    0x80000001u, 0xffffffffu };
	struct random_state *r = random_create();
	size_t i;
	int j;

	UNIT_CHECK(r != NULL);
	UNIT_CHECK_INT(random_uniform(r, 0), 0);
	UNIT_CHECK_INT(random_uniform(r, 1), 0);
	for (i = 0; i < sizeof(uppers) / sizeof(uppers[0]); i++) {
		for (j = 0; j < 2000; j++) {
			if (!UNIT_CHECK(random_uniform(r, uppers[i]) <
			    uppers[i])) {
				break;
			}
		}
	}
	random_delete(r);
}

/** random_uniform(10) over 100000 draws: every value, chi-square ok. */
static void
test_random_uniform_spread(void)
{
	struct random_state *r = random_create();
	unsigned count[10];
	int i;

	memset(count, 0, sizeof(count));
	for (i = 0; i < 100000; i++) {
		count[random_uniform(r, 10)]++;
	}
	/* 9 degrees of freedom: 0.999 quantile is 27.88. */
	UNIT_CHECK(chi_square(count, 10, 100000) < 27.88);
	/* A bound of 3 is the worst case for rejection (2^32 mod 3 = 1);
	 * 3 bins, 2 degrees of freedom: 0.999 quantile is 13.82. */
	memset(count, 0, sizeof(count));
	for (i = 0; i < 30000; i++) {
		count[random_uniform(r, 3)]++;
	}
	UNIT_CHECK(chi_square(count, 3, 30000) < 13.82);
	random_delete(r);
}

/** Octets and 32-bit numbers: every bit set about half the time. */
static void
test_random_bits(void)
{
	struct random_state *r = random_create();
	unsigned ones[32], byteval[16];
	int i, b;

	memset(ones, 0, sizeof(ones));
	memset(byteval, 0, sizeof(byteval));
	for (i = 0; i < 20000; i++) {
		uint32_t x = random_u32(r);

		for (b = 0; b < 32; b++) {
			ones[b] += (x >> b) & 1;
		}
	}
	/* Binomial(20000, 1/2): sd 70.7; 6 sd is far outside chance. */
	for (b = 0; b < 32; b++) {
		UNIT_CHECK(ones[b] > 10000 - 425 && ones[b] < 10000 + 425);
	}
	for (i = 0; i < 1000; i++) {
		uint8_t buf[37];

		random_bytes(r, buf, sizeof(buf));
		for (b = 0; b < (int)sizeof(buf); b++) {
			byteval[buf[b] >> 4]++;
		}
	}
	/* 15 degrees of freedom: 0.999 quantile is 37.70. */
	UNIT_CHECK(chi_square(byteval, 16, 37000) < 37.70);
	random_delete(r);
}

/** Two draws of 256 octets (refill boundary) are not the same. */
static void
test_random_bytes_sizes(void)
{
	struct random_state *r = random_create();
	uint8_t a[RANDOM_BUFSZ * 3], b[RANDOM_BUFSZ * 3], zero[64];

	memset(zero, 0, sizeof(zero));
	random_bytes(r, a, 1);
	random_bytes(r, a, RANDOM_BUFSZ);
	random_bytes(r, b, RANDOM_BUFSZ);
	UNIT_CHECK(memcmp(a, b, RANDOM_BUFSZ) != 0);
	/* Oversized requests bypass the buffer. */
	random_bytes(r, a, sizeof(a));
	random_bytes(r, b, sizeof(b));
	UNIT_CHECK(memcmp(a, b, sizeof(a)) != 0);
	UNIT_CHECK(memcmp(a + sizeof(a) - 64, zero, 64) != 0);
	/* Zero octets: nothing is touched, NULL buffer allowed. */
	random_bytes(r, NULL, 0);
	memset(a, 0x5a, 8);
	random_bytes(r, a, 0);
	UNIT_CHECK(a[0] == 0x5a && a[7] == 0x5a);
	random_delete(r);
}

/** NULL states draw unbuffered; delete accepts NULL. */
static void
test_random_null(void)
{
	uint8_t a[32], b[32];
	uint32_t x, y;
	int i, same = 0;

	random_delete(NULL);
	random_bytes(NULL, a, sizeof(a));
	random_bytes(NULL, b, sizeof(b));
	UNIT_CHECK(memcmp(a, b, sizeof(a)) != 0);
	random_bytes(NULL, NULL, 0);
	UNIT_CHECK(random_uniform(NULL, 5) < 5);
	UNIT_CHECK_INT(random_uniform(NULL, 0), 0);
	x = random_u32(NULL);
	for (i = 0; i < 4; i++) {
		y = random_u32(NULL);
		same += (x == y);
	}
	UNIT_CHECK(same < 4);
}

/** Two states give independent streams. */
static void
test_random_states_differ(void)
{
	struct random_state *r1 = random_create(), *r2 = random_create();
	uint8_t a[64], b[64];

	UNIT_CHECK(r1 && r2);
	random_bytes(r1, a, sizeof(a));
	random_bytes(r2, b, sizeof(b));
	UNIT_CHECK(memcmp(a, b, sizeof(a)) != 0);
	random_delete(r1);
	random_delete(r2);
}

int
main(void)
{
	unit_init("random");
	UNIT_RUN(test_random_uniform_bounds);
	UNIT_RUN(test_random_uniform_spread);
	UNIT_RUN(test_random_bits);
	UNIT_RUN(test_random_bytes_sizes);
	UNIT_RUN(test_random_null);
	UNIT_RUN(test_random_states_differ);
	return unit_done();
}
