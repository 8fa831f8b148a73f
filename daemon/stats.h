/*
 * daemon/stats.h - the statistics: every thread's counters read and
 * summed on demand, the rolling rates, and their text, JSON and
 * Prometheus forms.
 *
 * The counters are each thread's own (struct worker_stats, the mesh's,
 * the outside network's, the module environment's); nothing on the query
 * path takes a lock or does more than add one.  A reader copies them
 * without locks: every 64-bit word is read whole, and a count may lag by
 * the queries in progress.
 *
 * The series.  stats_series_values() flattens a thread's counters into
 * STATS_SERIES cumulative values: the scalars (queries, cache hits and
 * misses, validation results, upstream queries, the defences, the
 * shared cache), then per query type (0..255 and "other"), per rcode,
 * per EDE info code, and the latency histogram.  The rolling statistics,
 * the JSON and the Prometheus page all walk that one vector, so a series
 * added there shows everywhere.
 *
 * The rolling statistics (rolling-statistics: yes, or the HTTP
 * endpoint) keep the series' increments in three rings: 60 slots of a
 * second, 60 of a minute and 24 of an hour.  A timer on the main thread
 * reads the counters once a second (stats_roll_tick()); the workers do
 * nothing for it.  The minute and hour rings also show the slot in
 * progress, so a window is never empty after the first second.
 */
#ifndef DAEMON_STATS_H
#define DAEMON_STATS_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "daemon/worker.h"
#include "services/mesh.h"
#include "services/outside_network.h"

struct daemon;
struct strbuf;

/** One thread's counters at one moment (or a sum of them). */
struct stats_thread {
	/** The worker's, with the module counters in w.mod. */
	struct worker_stats w;
	/** Its mesh's. */
	struct mesh_stats m;
	/** Its outside network's. */
	struct outnet_stats o;
};

/**
 * Read a worker's counters, without locks (see the top of this file).
 * @param w: the worker, running or stopped.
 * @param out: receives them.
 */
void stats_thread_read(const struct worker *w, struct stats_thread *out);

/**
 * a += b, or a -= b with sign -1, for every counter (max_states, a
 * high-water mark, is left alone).
 */
void stats_thread_add(struct stats_thread *a, const struct stats_thread *b,
	int sign);

/**
 * Estimate a quantile from a histogram of MESH_HIST_BUCKETS buckets
 * (bucket 0: below 2 us, bucket b: [2^b, 2^(b+1)) us), interpolating
 * linearly inside the bucket that holds it.
 * @param hist: the buckets.
 * @param q: the quantile, 0 < q < 1 (0.5 for the median).
 * @return seconds; 0 for an empty histogram.
 */
double stats_hist_quantile(const uint64_t *hist, double q);

/*
 * The series.
 */

/** The scalar series, in the order of the vector. */
enum stats_scalar {
	STATS_QUERIES = 0,
	STATS_CACHE_HITS,
	STATS_CACHE_MISSES,
	STATS_LOCAL,
	STATS_RECURSIVE,
	STATS_SECURE,
	STATS_INSECURE,
	STATS_BOGUS,
	STATS_UPSTREAM_UDP,
	STATS_UPSTREAM_TCP,
	STATS_UPSTREAM_TIMEOUTS,
	STATS_UNWANTED,
	STATS_CAPS_MISMATCH,
	STATS_SUSPECT,
	STATS_TCP_ESCALATED,
	STATS_COMPARE_FAILED,
	STATS_RATELIMITED,
	STATS_IP_RATELIMITED,
	STATS_COOKIE_BAD,
	STATS_ACL_DROPPED,
	STATS_ACL_REFUSED,
	STATS_MALFORMED,
	STATS_FORMERR,
	STATS_CACHEDB_HITS,
	STATS_CACHEDB_MISSES,
	STATS_PREFETCH,
	STATS_STALE,
	STATS_ANSWER_TIMEOUT,
	STATS_SCALARS
};

/** Query types 0..255 each, then one for all larger types. */
#define STATS_QTYPES 257
/** Where the groups start in the vector. */
#define STATS_QTYPE STATS_SCALARS
#define STATS_RCODE (STATS_QTYPE + STATS_QTYPES)
#define STATS_EDE (STATS_RCODE + 16)
#define STATS_LAT (STATS_EDE + MESH_EDE_SLOTS)
/** The length of the vector. */
#define STATS_SERIES (STATS_LAT + MESH_HIST_BUCKETS)

/**
 * Flatten counters into the series vector.  The latency histogram is
 * the time from a query's arrival to its answer: answers from recursion
 * by their measured time, answers from the cache and local data in the
 * first bucket (they leave within the same event).
 * @param t: the counters.
 * @param v: receives STATS_SERIES values.
 */
void stats_series_values(const struct stats_thread *t, uint64_t *v);

/**
 * The name of a series: "queries", "qtype.A", "rcode.SERVFAIL",
 * "ede.22", "latency.3".
 * @return buf.
 */
const char *stats_series_name(int i, char *buf, size_t len);

/*
 * The rolling statistics.
 */

/** The three windows. */
enum stats_window {
	STATS_W60S = 0,
	STATS_W60M,
	STATS_W24H,
	STATS_WINDOWS
};

struct stats_roll;

/** Create the rings (about 430 KB).  NULL when out of memory. */
struct stats_roll *stats_roll_create(void);

/** Delete.  NULL ok; the timer must be stopped. */
void stats_roll_delete(struct stats_roll *r);

/**
 * Read the counters every second on the daemon's main base.
 * @return 0 or RES_ENOMEM.
 */
int stats_roll_start(struct stats_roll *r, struct daemon *d);

/** Stop the timer.  NULL ok. */
void stats_roll_stop(struct stats_roll *r);

/**
 * Record the cumulative series at a time: the increments since the
 * last call go into the rings.  The first call only sets the start.  A
 * counter smaller than before (its thread restarted) counts from zero.
 * When more than a second passed (a busy main thread), the increments
 * are spread evenly over the seconds missed, at most 60.
 * @param r: the rings.
 * @param v: STATS_SERIES cumulative values.
 * @param now: seconds (monotonic or wall clock, as long as steady).
 */
void stats_roll_tick(struct stats_roll *r, const uint64_t *v, time_t now);

/**
 * The slots of a window, oldest first: the minute and hour windows end
 * with the slot in progress.
 * @param r: the rings.
 * @param win: the window.
 * @param i: slot index, 0 .. stats_roll_slots() - 1.
 * @param seconds: receives the seconds the slot covers (NULL ok).
 * @return the slot's STATS_SERIES increments.
 */
const uint64_t *stats_roll_slot(const struct stats_roll *r, int win, int i,
	int *seconds);

/** The number of slots a window shows now. */
int stats_roll_slots(const struct stats_roll *r, int win);

/** The window's name: "60s", "60m", "24h". */
const char *stats_window_name(int win);

/*
 * Output.
 */

/**
 * The average rates per second over each window, as "stats" lines:
 * rate.60s.queries=12.50 (scalars, and the query types, rcodes and EDE
 * codes seen in the window), rate.60s.latency.p50=0.000123 (seconds).
 */
void stats_rates_text(const struct stats_roll *r, struct strbuf *out);

/**
 * Everything as one JSON object (stats_json, /api/stats): totals since
 * start, per thread, cache memory, and with rolling statistics on each
 * window's slots per series and the latency percentiles per slot.
 * @param d: the daemon.
 * @param r: the rings, or NULL when rolling statistics are off.
 * @param out: receives the text.
 */
void stats_json(struct daemon *d, const struct stats_roll *r,
	struct strbuf *out);

/**
 * The Prometheus text exposition format (version 0.0.4) of the
 * counters since start (/metrics).
 */
void stats_prometheus(struct daemon *d, struct strbuf *out);

#endif /* DAEMON_STATS_H */
