/*
 * test/test_negcache.c - unit tests of the NSEC index (cache/negcache.h):
 * the range holding a name, the closest zone, expiry, refresh, removal,
 * the budget.
 */
#include "config.h"
#include "test/unit.h"
#include "cache/negcache.h"
#include "util/dname.h"
#include "util/error.h"
#include <stdlib.h>
#include <string.h>

/** Make a wire name (rotating static buffers). */
static const uint8_t *
N(const char *s)
{
	static uint8_t buf[32][DNAME_MAXLEN];
	static int i;
	uint8_t *b = buf[i++ % 32];

	if (dname_from_str(s, NULL, b, NULL) != 0) {
		abort();
	}
	return b;
}

/** The owner found for a name, as text ("-" for none). */
static const char *
owner_of(struct neg_cache *nc, const char *name, time_t now, char *zone)
{
	static char out[DNAME_MAXSTR];
	uint8_t z[DNAME_MAXLEN], o[DNAME_MAXLEN];

	if (!neg_cache_lookup(nc, N(name), now, z, o)) {
		return "-";
	}
	if (zone) {
		dname_to_str(z, zone, DNAME_MAXSTR);
	}
	dname_to_str(o, out, sizeof(out));
	return out;
}

/** Ranges in canonical order; the greatest owner at or before a name. */
static void
test_neg_ranges(void)
{
	struct neg_cache *nc = neg_cache_create(1 << 20);
	char zone[DNAME_MAXSTR];

	UNIT_CHECK(nc != NULL);
	/* Inserted out of order: example. -> a -> m -> z -> example. */
	UNIT_CHECK_INT(neg_cache_insert(nc, N("example."), N("m.example."),
	    N("z.example."), 100, 0), 0);
	UNIT_CHECK_INT(neg_cache_insert(nc, N("example."), N("example."),
	    N("a.example."), 100, 0), 0);
	UNIT_CHECK_INT(neg_cache_insert(nc, N("example."), N("z.example."),
	    N("example."), 100, 0), 0);
	UNIT_CHECK_INT(neg_cache_insert(nc, N("example."), N("a.example."),
	    N("m.example."), 100, 0), 0);
	UNIT_CHECK_STR(owner_of(nc, "b.example.", 1, zone), "a.example.");
	UNIT_CHECK_STR(zone, "example.");
	UNIT_CHECK_STR(owner_of(nc, "M.EXAMPLE.", 1, NULL), "m.example.");
	UNIT_CHECK_STR(owner_of(nc, "x.m.example.", 1, NULL), "m.example.");
	UNIT_CHECK_STR(owner_of(nc, "*.example.", 1, NULL), "example.");
	UNIT_CHECK_STR(owner_of(nc, "zz.example.", 1, NULL), "z.example.");
	UNIT_CHECK_STR(owner_of(nc, "example.", 1, NULL), "example.");
	/* Another zone, and names outside every zone. */
	UNIT_CHECK_STR(owner_of(nc, "b.example.net.", 1, NULL), "-");
	UNIT_CHECK_STR(owner_of(nc, "net.", 1, NULL), "-");
	/* The closest zone with ranges wins. */
	UNIT_CHECK_INT(neg_cache_insert(nc, N("sub.m.example."),
	    N("sub.m.example."), N("k.sub.m.example."), 100, 0), 0);
	UNIT_CHECK_STR(owner_of(nc, "b.sub.m.example.", 1, zone),
	    "sub.m.example.");
	UNIT_CHECK_STR(zone, "sub.m.example.");
	/* An NSEC3 chain: hashed owners only.  A hash before the first
	 * owner is covered by the last record (the chain wraps). */
	UNIT_CHECK_INT(neg_cache_insert(nc, N("n3.example."), N("h5.n3.example."),
	    N("h9.n3.example."), 100, 0), 0);
	UNIT_CHECK_INT(neg_cache_insert(nc, N("n3.example."), N("h9.n3.example."),
	    N("h5.n3.example."), 100, 0), 0);
	UNIT_CHECK_STR(owner_of(nc, "h7.n3.example.", 1, zone),
	    "h5.n3.example.");
	UNIT_CHECK_STR(owner_of(nc, "h1.n3.example.", 1, zone),
	    "h9.n3.example.");
	UNIT_CHECK_STR(zone, "n3.example.");
	/* Names outside the zone are refused. */
	UNIT_CHECK_INT(neg_cache_insert(nc, N("example."), N("a.example.net."),
	    N("b.example."), 100, 0), RES_EINVAL);
	neg_cache_delete(nc);
}

/** Expiry, refresh with another next name, removal below a zone. */
static void
test_neg_expiry_remove(void)
{
	struct neg_cache *nc = neg_cache_create(1 << 20);
	struct neg_cache_stats st;

	neg_cache_insert(nc, N("example."), N("a.example."), N("m.example."),
	    50, 0);
	UNIT_CHECK_STR(owner_of(nc, "b.example.", 49, NULL), "a.example.");
	UNIT_CHECK_STR(owner_of(nc, "b.example.", 50, NULL), "-");
	/* Refreshed: a later expiry, the same owner, one range. */
	neg_cache_insert(nc, N("example."), N("a.example."), N("c.example."),
	    90, 60);
	UNIT_CHECK_STR(owner_of(nc, "b.example.", 60, NULL), "a.example.");
	neg_cache_get_stats(nc, &st);
	UNIT_CHECK_INT(st.entries, 1);
	UNIT_CHECK_INT(st.zones, 1);
	neg_cache_insert(nc, N("sub.example."), N("sub.example."),
	    N("x.sub.example."), 90, 60);
	neg_cache_insert(nc, N("example.net."), N("example.net."),
	    N("x.example.net."), 90, 60);
	UNIT_CHECK_INT(neg_cache_remove_below(nc, N("example.")), 2);
	UNIT_CHECK_STR(owner_of(nc, "b.example.", 60, NULL), "-");
	UNIT_CHECK_STR(owner_of(nc, "y.example.net.", 60, NULL),
	    "example.net.");
	UNIT_CHECK_INT(neg_cache_remove_below(nc, NULL), 1);
	neg_cache_get_stats(nc, &st);
	UNIT_CHECK_INT(st.entries, 0);
	UNIT_CHECK_INT(st.zones, 0);
	neg_cache_delete(nc);
	neg_cache_delete(NULL);
}

/** The budget holds: the zone used longest ago goes first. */
static void
test_neg_budget(void)
{
	struct neg_cache *nc = neg_cache_create(20000);
	struct neg_cache_stats st;
	char a[64], b[64];
	int i;

	/* An old zone, then a flood of ranges in a new one. */
	neg_cache_insert(nc, N("old.example."), N("old.example."),
	    N("x.old.example."), 10000, 1);
	for (i = 0; i < 2000; i++) {
		snprintf(a, sizeof(a), "n%05d.flood.example.", i);
		snprintf(b, sizeof(b), "n%05dx.flood.example.", i);
		UNIT_CHECK_INT(neg_cache_insert(nc, N("flood.example."), N(a),
		    N(b), 10000, 100 + i), 0);
	}
	neg_cache_get_stats(nc, &st);
	UNIT_CHECK(neg_cache_memory(nc) <= 20000 + 4096);
	UNIT_CHECK(st.evicted > 0);
	UNIT_CHECK_STR(owner_of(nc, "y.old.example.", 5000, NULL), "-");
	neg_cache_delete(nc);
}

int
main(void)
{
	unit_init("negcache");
	UNIT_RUN(test_neg_ranges);
	UNIT_RUN(test_neg_expiry_remove);
	UNIT_RUN(test_neg_budget);
	return unit_done();
}
