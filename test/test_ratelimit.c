/*
 * test/test_ratelimit.c - unit tests of the ratelimit counters
 * (cache/ratelimit.h): counting per key and second, expiry at the next
 * second, address keys (IPv4 /32, IPv6 /64, mapped IPv4), zone keys,
 * the 1-in-N rule, the per-zone limits, the memory bound, and threads
 * counting one key together.
 */
#include "config.h"
#include "test/unit.h"
#include "cache/ratelimit.h"
#include "util/config_file.h"
#include "util/dname.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/** Make a wire name (rotating static buffers). */
static const uint8_t *
N(const char *s)
{
	static uint8_t buf[8][DNAME_MAXLEN];
	static int i;
	uint8_t *b = buf[i++ % 8];

	if (dname_from_str(s, NULL, b, NULL) != 0) {
		abort();
	}
	return b;
}

/** The key of an address in text form; its length in *len. */
static const uint8_t *
addr_key(const char *text, size_t *len)
{
	static uint8_t key[8][RATE_KEY_MAX];
	static int i;
	uint8_t *k = key[i++ % 8];
	struct sockaddr_storage ss;
	socklen_t sl;

	memset(&ss, 0, sizeof(ss));
	if (strchr(text, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(53);
		if (inet_pton(AF_INET6, text, &s6->sin6_addr) != 1) {
			abort();
		}
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(53);
		if (inet_pton(AF_INET, text, &s4->sin_addr) != 1) {
			abort();
		}
		sl = sizeof(*s4);
	}
	*len = rate_key_addr(&ss, sl, k);
	return k;
}

/** Counts per key and second; a new second starts again at one. */
static void
test_rate_count_expiry(void)
{
	struct rate_table *t = rate_table_create(64 * 1024, 4);
	const uint8_t *a, *b;
	size_t al, bl;
	int i;

	UNIT_CHECK(t != NULL);
	a = addr_key("192.0.2.1", &al);
	b = addr_key("192.0.2.2", &bl);
	for (i = 1; i <= 5; i++) {
		UNIT_CHECK_INT(rate_table_count(t, a, al, 100), i);
	}
	UNIT_CHECK_INT(rate_table_count(t, b, bl, 100), 1);
	UNIT_CHECK_INT(rate_table_peek(t, a, al, 100), 5);
	UNIT_CHECK_INT(rate_table_peek(t, b, bl, 100), 1);
	/* The next second: the old count is worth nothing. */
	UNIT_CHECK_INT(rate_table_peek(t, a, al, 101), 0);
	UNIT_CHECK_INT(rate_table_count(t, a, al, 101), 1);
	UNIT_CHECK_INT(rate_table_count(t, a, al, 101), 2);
	/* And much later too. */
	UNIT_CHECK_INT(rate_table_count(t, b, bl, 5000), 1);
	/* NULL, empty and oversized keys count nothing. */
	UNIT_CHECK_INT(rate_table_count(NULL, a, al, 100), 0);
	UNIT_CHECK_INT(rate_table_count(t, a, 0, 100), 0);
	UNIT_CHECK_INT(rate_table_count(t, a, RATE_KEY_MAX + 1, 100), 0);
	UNIT_CHECK_INT(rate_table_peek(t, NULL, 1, 100), 0);
	UNIT_CHECK(rate_table_memory(t) > 0);
	UNIT_CHECK_INT(rate_table_memory(NULL), 0);
	rate_table_delete(t);
	rate_table_delete(NULL);
}

/** IPv4 per /32; IPv6 per /64; a mapped IPv4 is the IPv4 address. */
static void
test_rate_addr_keys(void)
{
	struct rate_table *t = rate_table_create(64 * 1024, 4);
	const uint8_t *k;
	size_t l;
	struct sockaddr_storage ss;
	uint8_t key[RATE_KEY_MAX];

	k = addr_key("192.0.2.1", &l);
	UNIT_CHECK_INT(l, RATE_KEY_IP4_LEN);
	UNIT_CHECK_INT(rate_table_count(t, k, l, 7), 1);
	k = addr_key("192.0.2.1", &l);
	UNIT_CHECK_INT(rate_table_count(t, k, l, 7), 2);
	k = addr_key("192.0.2.3", &l);
	UNIT_CHECK_INT(rate_table_count(t, k, l, 7), 1);
	k = addr_key("::ffff:192.0.2.1", &l);
	UNIT_CHECK_INT(l, RATE_KEY_IP4_LEN);
	UNIT_CHECK_INT(rate_table_count(t, k, l, 7), 3);
	/* Two hosts of one /64 are one client; another /64 is not. */
	k = addr_key("2001:db8:1:2::1", &l);
	UNIT_CHECK_INT(l, RATE_KEY_IP6_LEN);
	UNIT_CHECK_INT(rate_table_count(t, k, l, 7), 1);
	k = addr_key("2001:db8:1:2:ffff:ffff:ffff:ffff", &l);
	UNIT_CHECK_INT(rate_table_count(t, k, l, 7), 2);
	k = addr_key("2001:db8:1:3::1", &l);
	UNIT_CHECK_INT(rate_table_count(t, k, l, 7), 1);
	/* Another family has no key. */
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	UNIT_CHECK_INT(rate_key_addr(&ss, sizeof(ss), key), 0);
	/* A short length is no address. */
	ss.ss_family = AF_INET;
	UNIT_CHECK_INT(rate_key_addr(&ss, 2, key), 0);
	rate_table_delete(t);
}

/** Zone keys ignore case. */
static void
test_rate_zone_keys(void)
{
	struct rate_table *t = rate_table_create(64 * 1024, 4);
	uint8_t k1[RATE_KEY_MAX], k2[RATE_KEY_MAX];
	size_t l1, l2;

	l1 = rate_key_zone(N("Example.COM"), k1);
	l2 = rate_key_zone(N("example.com"), k2);
	UNIT_CHECK_INT(l1, l2);
	UNIT_CHECK(memcmp(k1, k2, l1) == 0);
	UNIT_CHECK_INT(rate_table_count(t, k1, l1, 1), 1);
	UNIT_CHECK_INT(rate_table_count(t, k2, l2, 1), 2);
	l1 = rate_key_zone(N("."), k1);
	UNIT_CHECK_INT(l1, 1);
	UNIT_CHECK_INT(rate_table_count(t, k1, l1, 1), 1);
	rate_table_delete(t);
}

/** Up to the limit all pass; over it every factor-th. */
static void
test_rate_slip(void)
{
	UNIT_CHECK_INT(rate_slip(1, 2, 10), 0);
	UNIT_CHECK_INT(rate_slip(2, 2, 10), 0);
	UNIT_CHECK_INT(rate_slip(3, 2, 10), -1);
	UNIT_CHECK_INT(rate_slip(11, 2, 10), -1);
	UNIT_CHECK_INT(rate_slip(12, 2, 10), 1);
	UNIT_CHECK_INT(rate_slip(22, 2, 10), 1);
	UNIT_CHECK_INT(rate_slip(3, 2, 1), 1);
	UNIT_CHECK_INT(rate_slip(3, 2, 0), -1);
	UNIT_CHECK_INT(rate_slip(1000000, 2, 0), -1);
}

/** ratelimit-for-domain is exact; ratelimit-below-domain is for the
 * names strictly below, the closest one counting. */
static void
test_rate_domains(void)
{
	struct cfg_str2list e2 = { NULL, "bad..name", "5", "f", 3 };
	struct cfg_str2list e1 = { &e2, "example.com", "7", "f", 1 };
	struct cfg_str2list b3 = { NULL, "org", "x", "f", 6 };
	struct cfg_str2list b2 = { &b3, "sub.example.com", "0", "f", 5 };
	struct cfg_str2list b1 = { &b2, "com", "3", "f", 4 };
	struct rate_domains *d = rate_domains_create(&e1, &b1);
	struct rate_domains *none = rate_domains_create(NULL, NULL);

	UNIT_CHECK(d != NULL && none != NULL);
	UNIT_CHECK(rate_domains_has_any(d));
	UNIT_CHECK(!rate_domains_has_any(none));
	UNIT_CHECK(!rate_domains_has_any(NULL));
	UNIT_CHECK_INT(rate_domains_limit(d, N("example.com"), 100), 7);
	UNIT_CHECK_INT(rate_domains_limit(d, N("EXAMPLE.com"), 100), 7);
	UNIT_CHECK_INT(rate_domains_limit(d, N("other.com"), 100), 3);
	UNIT_CHECK_INT(rate_domains_limit(d, N("a.example.com"), 100), 3);
	/* below-domain does not cover the name itself. */
	UNIT_CHECK_INT(rate_domains_limit(d, N("com"), 100), 100);
	UNIT_CHECK_INT(rate_domains_limit(d, N("sub.example.com"), 100), 3);
	UNIT_CHECK_INT(rate_domains_limit(d, N("x.sub.example.com"), 100), 0);
	/* The unparsable "org x" was left out. */
	UNIT_CHECK_INT(rate_domains_limit(d, N("a.org"), 100), 100);
	UNIT_CHECK_INT(rate_domains_limit(d, N("."), 100), 100);
	UNIT_CHECK_INT(rate_domains_limit(NULL, N("a.com"), 9), 9);
	rate_domains_delete(d);
	rate_domains_delete(none);
	rate_domains_delete(NULL);
}

/** The budget holds: many keys, memory stays bounded, recent ones
 * counted right. */
static void
test_rate_budget(void)
{
	size_t budget = 16 * 1024;
	struct rate_table *t = rate_table_create(budget, 2);
	uint8_t key[RATE_KEY_IP4_LEN];
	uint32_t i;

	for (i = 0; i < 100000; i++) {
		key[0] = 4;
		memcpy(key + 1, &i, 4);
		UNIT_CHECK_INT(rate_table_count(t, key, sizeof(key), 1), 1);
	}
	/* Entries within the budget, plus the table's own structures. */
	UNIT_CHECK(rate_table_memory(t) < budget + 16 * 1024);
	/* The last key is still there. */
	i = 99999;
	memcpy(key + 1, &i, 4);
	UNIT_CHECK_INT(rate_table_count(t, key, sizeof(key), 1), 2);
	/* A size too small for the shards makes no table. */
	UNIT_CHECK(rate_table_create(1, 4) == NULL);
	rate_table_delete(t);
}

/** Threads counting one key. */
struct rate_thr {
	/** the table */
	struct rate_table *t;
	/** events to count */
	int n;
};

/** Count n events of one key. */
static void *
rate_thread(void *arg)
{
	struct rate_thr *r = arg;
	static const uint8_t key[] = { 4, 10, 0, 0, 1 };
	int i;

	for (i = 0; i < r->n; i++) {
		(void)rate_table_count(r->t, key, sizeof(key), 42);
	}
	return NULL;
}

/** No event is lost between threads. */
static void
test_rate_threads(void)
{
	static const uint8_t key[] = { 4, 10, 0, 0, 1 };
	struct rate_thr r;
	pthread_t th[4];
	int i;

	r.t = rate_table_create(64 * 1024, 4);
	r.n = 20000;
	for (i = 0; i < 4; i++) {
		UNIT_CHECK(pthread_create(&th[i], NULL, rate_thread, &r) == 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
	}
	UNIT_CHECK_INT(rate_table_peek(r.t, key, sizeof(key), 42), 80000);
	rate_table_delete(r.t);
}

int
main(void)
{
	unit_init("ratelimit");
	UNIT_RUN(test_rate_count_expiry);
	UNIT_RUN(test_rate_addr_keys);
	UNIT_RUN(test_rate_zone_keys);
	UNIT_RUN(test_rate_slip);
	UNIT_RUN(test_rate_domains);
	UNIT_RUN(test_rate_budget);
	UNIT_RUN(test_rate_threads);
	return unit_done();
}
