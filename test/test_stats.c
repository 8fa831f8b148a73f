/*
 * test/test_stats.c - unit tests for the statistics (daemon/stats.c):
 * the rolling rings, the series, the quantiles, and util/strbuf.c.
 */
#include "config.h"
#include "test/unit.h"
#include "daemon/stats.h"
#include "util/strbuf.h"
#include <stdlib.h>
#include <string.h>

/** A cumulative vector with every series at n (queries at 2n). */
static void
fill(uint64_t *v, uint64_t n)
{
	int i;

	for (i = 0; i < STATS_SERIES; i++) {
		v[i] = n;
	}
	v[STATS_QUERIES] = 2 * n;
}

/** The first tick only sets the start; each second is one slot. */
static void
test_seconds(void)
{
	struct stats_roll *r = stats_roll_create();
	static uint64_t v[STATS_SERIES];
	int secs, t;

	UNIT_CHECK(r != NULL);
	if (!r) {
		return;
	}
	fill(v, 5);
	stats_roll_tick(r, v, 100);
	UNIT_CHECK_INT(stats_roll_slots(r, STATS_W60S), 0);
	UNIT_CHECK_INT(stats_roll_slots(r, STATS_W60M), 0);
	for (t = 1; t <= 70; t++) {
		fill(v, 5 + (uint64_t)t * 3);
		stats_roll_tick(r, v, 100 + t);
	}
	/* 70 seconds: the ring holds the last 60, each 3 (queries 6). */
	UNIT_CHECK_INT(stats_roll_slots(r, STATS_W60S), 60);
	UNIT_CHECK_INT(stats_roll_slot(r, STATS_W60S, 0, &secs)
	    [STATS_CACHE_HITS], 3);
	UNIT_CHECK_INT(secs, 1);
	UNIT_CHECK_INT(stats_roll_slot(r, STATS_W60S, 59, NULL)
	    [STATS_QUERIES], 6);
	/* One whole minute (180) and the one in progress (10 s, 30). */
	UNIT_CHECK_INT(stats_roll_slots(r, STATS_W60M), 2);
	UNIT_CHECK_INT(stats_roll_slot(r, STATS_W60M, 0, &secs)
	    [STATS_CACHE_HITS], 180);
	UNIT_CHECK_INT(secs, 60);
	UNIT_CHECK_INT(stats_roll_slot(r, STATS_W60M, 1, &secs)
	    [STATS_CACHE_HITS], 30);
	UNIT_CHECK_INT(secs, 10);
	/* The hour in progress holds all 70 seconds. */
	UNIT_CHECK_INT(stats_roll_slots(r, STATS_W24H), 1);
	UNIT_CHECK_INT(stats_roll_slot(r, STATS_W24H, 0, &secs)
	    [STATS_CACHE_HITS], 210);
	UNIT_CHECK_INT(secs, 70);
	stats_roll_delete(r);
}

/** A late tick spreads its increments over the seconds missed; a
 * counter that went down counts from zero; a clock step back adds no
 * slot. */
static void
test_gaps(void)
{
	struct stats_roll *r = stats_roll_create();
	static uint64_t v[STATS_SERIES];

	UNIT_CHECK(r != NULL);
	if (!r) {
		return;
	}
	fill(v, 0);
	stats_roll_tick(r, v, 10);
	fill(v, 11);
	stats_roll_tick(r, v, 15);
	UNIT_CHECK_INT(stats_roll_slots(r, STATS_W60S), 5);
	UNIT_CHECK_INT(stats_roll_slot(r, STATS_W60S, 0, NULL)
	    [STATS_CACHE_HITS], 2);
	/* The remainder in the last second: 2+2+2+2+3. */
	UNIT_CHECK_INT(stats_roll_slot(r, STATS_W60S, 4, NULL)
	    [STATS_CACHE_HITS], 3);
	/* Restarted counters: 4 is 4 new, not a huge wrap. */
	fill(v, 4);
	stats_roll_tick(r, v, 16);
	UNIT_CHECK_INT(stats_roll_slot(r, STATS_W60S, 5, NULL)
	    [STATS_CACHE_HITS], 4);
	/* A step back: nothing added, the next second counts again. */
	fill(v, 6);
	stats_roll_tick(r, v, 12);
	UNIT_CHECK_INT(stats_roll_slots(r, STATS_W60S), 6);
	fill(v, 7);
	stats_roll_tick(r, v, 13);
	UNIT_CHECK_INT(stats_roll_slots(r, STATS_W60S), 7);
	UNIT_CHECK_INT(stats_roll_slot(r, STATS_W60S, 6, NULL)
	    [STATS_CACHE_HITS], 3);
	/* A suspended machine: at most 60 slots for one tick. */
	fill(v, 7 + 6000);
	stats_roll_tick(r, v, 100000);
	UNIT_CHECK_INT(stats_roll_slot(r, STATS_W60S, 59, NULL)
	    [STATS_CACHE_HITS], 100);
	stats_roll_delete(r);
}

/** Quantiles from the doubling histogram. */
static void
test_quantile(void)
{
	uint64_t h[MESH_HIST_BUCKETS];
	double m;

	memset(h, 0, sizeof(h));
	UNIT_CHECK(stats_hist_quantile(h, 0.5) == 0.0);
	/* All in [8, 16) us: the median halfway, 12 us. */
	h[3] = 10;
	m = stats_hist_quantile(h, 0.5);
	UNIT_CHECK(m > 11.9e-6 && m < 12.1e-6);
	/* 90 fast, 10 in [1024, 2048) us: p50 fast, p99 slow. */
	memset(h, 0, sizeof(h));
	h[0] = 90;
	h[10] = 10;
	UNIT_CHECK(stats_hist_quantile(h, 0.5) < 2e-6);
	m = stats_hist_quantile(h, 0.99);
	UNIT_CHECK(m >= 1024e-6 && m <= 2048e-6);
}

/** Names and the flattening of counters. */
static void
test_series(void)
{
	struct stats_thread t;
	static uint64_t v[STATS_SERIES];
	char b[48];

	UNIT_CHECK(strcmp(stats_series_name(STATS_QUERIES, b, sizeof(b)),
	    "queries") == 0);
	UNIT_CHECK(strcmp(stats_series_name(STATS_QTYPE + 28, b, sizeof(b)),
	    "qtype.AAAA") == 0);
	UNIT_CHECK(strcmp(stats_series_name(STATS_QTYPE + 256, b,
	    sizeof(b)), "qtype.other") == 0);
	UNIT_CHECK(strcmp(stats_series_name(STATS_RCODE + 2, b, sizeof(b)),
	    "rcode.SERVFAIL") == 0);
	UNIT_CHECK(strcmp(stats_series_name(STATS_EDE + 22, b, sizeof(b)),
	    "ede.22") == 0);
	UNIT_CHECK(strcmp(stats_series_name(STATS_EDE + MESH_EDE_SLOTS - 1,
	    b, sizeof(b)), "ede.other") == 0);
	memset(&t, 0, sizeof(t));
	t.w.num_cache_hits = 7;
	t.w.num_local = 1;
	t.w.ans_rcode[3] = 2;
	t.m.ans_rcode[3] = 3;
	t.w.ans_ede[18] = 1;
	t.m.ans_ede[18] = 4;
	t.m.rec_hist[5] = 9;
	t.w.mod.bogus = 6;
	t.o.queries_tcp = 8;
	stats_series_values(&t, v);
	UNIT_CHECK_INT(v[STATS_RCODE + 3], 5);
	UNIT_CHECK_INT(v[STATS_EDE + 18], 5);
	UNIT_CHECK_INT(v[STATS_BOGUS], 6);
	UNIT_CHECK_INT(v[STATS_UPSTREAM_TCP], 8);
	/* Cache and local answers in the first latency bucket. */
	UNIT_CHECK_INT(v[STATS_LAT], 8);
	UNIT_CHECK_INT(v[STATS_LAT + 5], 9);
	/* Sums and differences. */
	{
		struct stats_thread a = t;

		stats_thread_add(&a, &t, 1);
		UNIT_CHECK_INT(a.w.num_cache_hits, 14);
		UNIT_CHECK_INT(a.m.ans_ede[18], 8);
		UNIT_CHECK_INT(a.o.queries_tcp, 16);
		stats_thread_add(&a, &t, -1);
		UNIT_CHECK(memcmp(&a.w, &t.w, sizeof(a.w)) == 0);
		UNIT_CHECK_INT(a.m.rec_hist[5], 9);
	}
}

/** The text buffer: growth and JSON strings. */
static void
test_strbuf(void)
{
	struct strbuf b = { 0 };
	int i;

	for (i = 0; i < 1000; i++) {
		strbuf_printf(&b, "%d,", i);
	}
	UNIT_CHECK(!b.oom);
	UNIT_CHECK_INT(b.len, strlen(b.p));
	UNIT_CHECK(strncmp(b.p, "0,1,2,", 6) == 0);
	UNIT_CHECK(strcmp(b.p + b.len - 4, "999,") == 0);
	strbuf_free(&b);
	strbuf_json_str(&b, "a\"b\\c\n");
	UNIT_CHECK(strcmp(b.p, "\"a\\\"b\\\\c\\u000a\"") == 0);
	strbuf_free(&b);
	UNIT_CHECK(b.p == NULL && b.len == 0);
}

int
main(void)
{
	unit_init("stats");
	UNIT_RUN(test_seconds);
	UNIT_RUN(test_gaps);
	UNIT_RUN(test_quantile);
	UNIT_RUN(test_series);
	UNIT_RUN(test_strbuf);
	return unit_done();
}
