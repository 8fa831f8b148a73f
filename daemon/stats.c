/*
 * daemon/stats.c - the statistics: reading and summing the threads'
 * counters, the series, the rolling rings and the output forms.  See
 * stats.h.
 */
#include "config.h"
#include "daemon/stats.h"
#include "daemon/daemon.h"
#include "daemon/dnstap.h"
#include "services/modstack.h"
#include "cache/infra.h"
#include "cache/keycache.h"
#include "cache/msgcache.h"
#include "cache/rrset.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/netevent.h"
#include "util/rrtype.h"
#include "util/strbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/*
 * Reading and summing.
 */

/* stats_thread_add() treats worker_stats as an array of counters. */
_Static_assert(sizeof(struct worker_stats) % sizeof(uint64_t) == 0,
    "worker_stats holds 64-bit counters only");

void
stats_thread_read(const struct worker *w, struct stats_thread *out)
{
	memcpy(&out->w, &w->stats, sizeof(out->w));
	worker_tcp_stats(w, &out->w);
	out->w.mod = w->res->env.ctr;
	mesh_get_stats(w->res->mesh, &out->m);
	outnet_stats(w->res->outnet, &out->o);
}

void
stats_thread_add(struct stats_thread *a, const struct stats_thread *b,
    int sign)
{
	uint64_t k = sign < 0 ? (uint64_t)-1 : 1;
	uint64_t *x = (uint64_t *)&a->w;
	const uint64_t *y = (const uint64_t *)&b->w;
	size_t i;

	for (i = 0; i < sizeof(a->w) / sizeof(uint64_t); i++) {
		x[i] += k * y[i];
	}
	a->m.num_client_states += k * b->m.num_client_states;
	a->m.num_joined += k * b->m.num_joined;
	a->m.num_sub_states += k * b->m.num_sub_states;
	a->m.num_replies += k * b->m.num_replies;
	a->m.num_dropped_full += k * b->m.num_dropped_full;
	a->m.num_jostled += k * b->m.num_jostled;
	a->m.num_budget_exceeded += k * b->m.num_budget_exceeded;
	a->m.num_stale += k * b->m.num_stale;
	a->m.num_answer_timeout += k * b->m.num_answer_timeout;
	a->m.num_prefetch += k * b->m.num_prefetch;
	a->m.num_background_dropped += k * b->m.num_background_dropped;
	a->m.sum_rec_time_us += k * b->m.sum_rec_time_us;
	for (i = 0; i < 16; i++) {
		a->m.ans_rcode[i] += k * b->m.ans_rcode[i];
	}
	for (i = 0; i < MESH_HIST_BUCKETS; i++) {
		a->m.rec_hist[i] += k * b->m.rec_hist[i];
	}
	for (i = 0; i < MESH_EDE_SLOTS; i++) {
		a->m.ans_ede[i] += k * b->m.ans_ede[i];
	}
	a->o.queries_udp += k * b->o.queries_udp;
	a->o.queries_tcp += k * b->o.queries_tcp;
	a->o.shared += k * b->o.shared;
	a->o.replies += k * b->o.replies;
	a->o.timeouts += k * b->o.timeouts;
	a->o.caps_mismatch += k * b->o.caps_mismatch;
	a->o.suspect += k * b->o.suspect;
	a->o.errors += k * b->o.errors;
	a->o.unwanted += k * b->o.unwanted;
	a->o.spoof_alerts += k * b->o.spoof_alerts;
	a->o.cookie_mismatch += k * b->o.cookie_mismatch;
	a->o.cookie_bad += k * b->o.cookie_bad;
	a->o.refused += k * b->o.refused;
}

double
stats_hist_quantile(const uint64_t *hist, double q)
{
	uint64_t total = 0, seen = 0;
	double lo, hi, want;
	int b;

	for (b = 0; b < MESH_HIST_BUCKETS; b++) {
		total += hist[b];
	}
	if (total == 0) {
		return 0.0;
	}
	want = q * (double)total;
	if (want < 1.0) {
		want = 1.0;
	}
	for (b = 0; b < MESH_HIST_BUCKETS - 1; b++) {
		if ((double)(seen + hist[b]) >= want) {
			break;
		}
		seen += hist[b];
	}
	lo = b == 0 ? 0.0 : (double)(1ULL << b);
	hi = (double)(1ULL << (b + 1));
	if (hist[b] == 0) {
		return hi / 1e6;
	}
	return (lo + (hi - lo) * ((want - (double)seen) / (double)hist[b])) /
	    1e6;
}

/*
 * The series.
 */

/** What the output forms say of a scalar series. */
struct stats_scalar_info {
	/** The series name (JSON, rates). */
	const char *name;
	/** The Prometheus metric; consecutive entries may share it. */
	const char *metric;
	/** Its label and the label's value for this series, or NULL; the
	 * label "thread" gives one sample per thread instead. */
	const char *label, *value;
	/** The metric's help text (of the first entry of a metric). */
	const char *help;
};

/** In the order of enum stats_scalar. */
static const struct stats_scalar_info stats_scalars[STATS_SCALARS] = {
	{ "queries", "resolute_queries_total", "thread", NULL,
	    "Messages received from clients." },
	{ "cache_hits", "resolute_cache_hits_total", "thread", NULL,
	    "Queries answered from the cache." },
	{ "cache_misses", "resolute_cache_misses_total", "thread", NULL,
	    "Queries handed to recursion (cache misses)." },
	{ "local", "resolute_local_answers_total", NULL, NULL,
	    "Queries answered from local zones." },
	{ "recursive_replies", "resolute_recursive_replies_total", "thread",
	    NULL,
	    "Answers sent after recursion." },
	{ "secure", "resolute_validation_total", "result", "secure",
	    "DNSSEC validation results." },
	{ "insecure", "resolute_validation_total", "result", "insecure",
	    NULL },
	{ "bogus", "resolute_validation_total", "result", "bogus", NULL },
	{ "upstream_udp", "resolute_upstream_queries_total", "protocol",
	    "udp", "Queries sent to authoritative servers." },
	{ "upstream_tcp", "resolute_upstream_queries_total", "protocol",
	    "tcp", NULL },
	{ "upstream_timeouts", "resolute_upstream_timeouts_total", NULL,
	    NULL, "Queries to authoritative servers that timed out." },
	{ "unwanted_replies", "resolute_unwanted_replies_total", NULL, NULL,
	    "Replies that matched no query sent (possible spoofing)." },
	{ "caps_mismatch", "resolute_defence_events_total", "event",
	    "caps_mismatch", "Events of the spoofing and abuse defences." },
	{ "suspect", "resolute_defence_events_total", "event", "suspect",
	    NULL },
	{ "tcp_escalated", "resolute_defence_events_total", "event",
	    "tcp_escalated", NULL },
	{ "compare_failed", "resolute_defence_events_total", "event",
	    "compare_failed", NULL },
	{ "ratelimited", "resolute_defence_events_total", "event",
	    "ratelimited", NULL },
	{ "ip_ratelimited", "resolute_defence_events_total", "event",
	    "ip_ratelimited", NULL },
	{ "cookie_bad", "resolute_defence_events_total", "event",
	    "cookie_bad", NULL },
	{ "acl_dropped", "resolute_rejected_queries_total", "reason",
	    "acl_dropped", "Client queries dropped or refused unanswered "
	    "by policy, or malformed." },
	{ "acl_refused", "resolute_rejected_queries_total", "reason",
	    "acl_refused", NULL },
	{ "malformed", "resolute_rejected_queries_total", "reason",
	    "malformed", NULL },
	{ "formerr", "resolute_rejected_queries_total", "reason", "formerr",
	    NULL },
	{ "cachedb_hits", "resolute_cachedb_lookups_total", "result", "hit",
	    "Lookups in the shared cache (Redis)." },
	{ "cachedb_misses", "resolute_cachedb_lookups_total", "result",
	    "miss", NULL },
	{ "prefetch", "resolute_prefetches_total", NULL, NULL,
	    "Background refreshes of cached answers." },
	{ "stale", "resolute_stale_answers_total", NULL, NULL,
	    "Answers from expired data (serve-expired)." },
	{ "answer_timeout", "resolute_answer_timeouts_total", NULL, NULL,
	    "Clients answered SERVFAIL at answer-timeout." }
};

void
stats_series_values(const struct stats_thread *t, uint64_t *v)
{
	const struct worker_stats *w = &t->w;
	const struct module_counters *mod = &t->w.mod;
	int i;

	memset(v, 0, STATS_SERIES * sizeof(*v));
	v[STATS_QUERIES] = w->num_queries;
	v[STATS_CACHE_HITS] = w->num_cache_hits;
	v[STATS_CACHE_MISSES] = w->num_cache_misses;
	v[STATS_LOCAL] = w->num_local;
	v[STATS_RECURSIVE] = t->m.num_replies;
	v[STATS_SECURE] = mod->secure;
	v[STATS_INSECURE] = mod->insecure;
	v[STATS_BOGUS] = mod->bogus;
	v[STATS_UPSTREAM_UDP] = t->o.queries_udp;
	v[STATS_UPSTREAM_TCP] = t->o.queries_tcp;
	v[STATS_UPSTREAM_TIMEOUTS] = t->o.timeouts;
	v[STATS_UNWANTED] = t->o.unwanted;
	v[STATS_CAPS_MISMATCH] = mod->caps_mismatch;
	v[STATS_SUSPECT] = mod->suspect;
	v[STATS_TCP_ESCALATED] = mod->tcp_escalated;
	v[STATS_COMPARE_FAILED] = mod->cmp_failed;
	v[STATS_RATELIMITED] = mod->ratelimited;
	v[STATS_IP_RATELIMITED] = w->num_ip_ratelimited +
	    w->num_ip_ratelimited_tc;
	v[STATS_COOKIE_BAD] = w->num_badcookie;
	v[STATS_ACL_DROPPED] = w->num_acl_dropped;
	v[STATS_ACL_REFUSED] = w->num_acl_refused;
	v[STATS_MALFORMED] = w->num_dropped_malformed;
	v[STATS_FORMERR] = w->num_formerr;
	v[STATS_CACHEDB_HITS] = mod->cachedb_hits;
	v[STATS_CACHEDB_MISSES] = mod->cachedb_misses;
	v[STATS_PREFETCH] = t->m.num_prefetch;
	v[STATS_STALE] = w->num_stale + t->m.num_stale;
	v[STATS_ANSWER_TIMEOUT] = t->m.num_answer_timeout;
	for (i = 0; i < 256; i++) {
		v[STATS_QTYPE + i] = w->qtype[i];
	}
	v[STATS_QTYPE + 256] = w->qtype_big;
	for (i = 0; i < 16; i++) {
		v[STATS_RCODE + i] = w->ans_rcode[i] + t->m.ans_rcode[i];
	}
	for (i = 0; i < MESH_EDE_SLOTS; i++) {
		v[STATS_EDE + i] = w->ans_ede[i] + t->m.ans_ede[i];
	}
	for (i = 0; i < MESH_HIST_BUCKETS; i++) {
		v[STATS_LAT + i] = t->m.rec_hist[i];
	}
	v[STATS_LAT] += w->num_cache_hits + w->num_local + w->num_stale;
}

const char *
stats_series_name(int i, char *buf, size_t len)
{
	char t[32];

	if (i < STATS_SCALARS) {
		snprintf(buf, len, "%s", stats_scalars[i].name);
	} else if (i < STATS_RCODE) {
		if (i - STATS_QTYPE == 256 || rrtype_to_str(
		    (uint16_t)(i - STATS_QTYPE), t, sizeof(t)) < 0) {
			snprintf(t, sizeof(t), "other");
		}
		snprintf(buf, len, "qtype.%s", t);
	} else if (i < STATS_EDE) {
		if (rcode_to_str(i - STATS_RCODE, t, sizeof(t)) < 0) {
			snprintf(t, sizeof(t), "RCODE%d", i - STATS_RCODE);
		}
		snprintf(buf, len, "rcode.%s", t);
	} else if (i < STATS_LAT) {
		if (i - STATS_EDE == MESH_EDE_SLOTS - 1) {
			snprintf(buf, len, "ede.other");
		} else {
			snprintf(buf, len, "ede.%d", i - STATS_EDE);
		}
	} else {
		snprintf(buf, len, "latency.%d", i - STATS_LAT);
	}
	return buf;
}

/** Read and sum every worker's counters.
 * @param d: the daemon.
 * @param total: receives the sum.
 * @param per: receives each thread's (num_workers of them), or NULL. */
static void
stats_read_all(const struct daemon *d, struct stats_thread *total,
    struct stats_thread *per)
{
	struct stats_thread s;
	int i;

	memset(total, 0, sizeof(*total));
	for (i = 0; d->workers && i < d->num_workers; i++) {
		if (!d->workers[i]) {
			continue;
		}
		stats_thread_read(d->workers[i], &s);
		stats_thread_add(total, &s, 1);
		if (s.m.max_states > total->m.max_states) {
			total->m.max_states = s.m.max_states;
		}
		if (per) {
			per[i] = s;
		}
	}
}

/*
 * The rolling rings.
 */

/** One ring of slots. */
struct stats_ring {
	/** Slots in it and seconds per slot. */
	int size, interval;
	/** Slots filled (at most size) and the next to write. */
	int count, next;
	/** size * STATS_SERIES increments. */
	uint64_t *v;
};

struct stats_roll {
	/** Seconds, minutes, hours. */
	struct stats_ring ring[STATS_WINDOWS];
	/** The minute and the hour in progress, and their seconds. */
	uint64_t part[STATS_WINDOWS][STATS_SERIES];
	int part_secs[STATS_WINDOWS];
	/** The cumulative values at the last tick. */
	uint64_t last[STATS_SERIES];
	/** The time of the last tick; 0 before the first. */
	time_t last_time;
	/** The timer and the daemon while started. */
	struct comm_timer *timer;
	struct daemon *d;
	/** Scratch for one second's increments. */
	uint64_t delta[STATS_SERIES];
};

struct stats_roll *
stats_roll_create(void)
{
	static const int size[STATS_WINDOWS] = { 60, 60, 24 };
	static const int interval[STATS_WINDOWS] = { 1, 60, 3600 };
	struct stats_roll *r = calloc(1, sizeof(*r));
	int i;

	if (!r) {
		return NULL;
	}
	for (i = 0; i < STATS_WINDOWS; i++) {
		r->ring[i].size = size[i];
		r->ring[i].interval = interval[i];
		r->ring[i].v = calloc((size_t)size[i] * STATS_SERIES,
		    sizeof(uint64_t));
		if (!r->ring[i].v) {
			stats_roll_delete(r);
			return NULL;
		}
	}
	return r;
}

void
stats_roll_delete(struct stats_roll *r)
{
	int i;

	if (!r) {
		return;
	}
	comm_timer_delete(r->timer);
	for (i = 0; i < STATS_WINDOWS; i++) {
		free(r->ring[i].v);
	}
	free(r);
}

/** Append a slot to a ring, the oldest dropping out when full. */
static void
stats_ring_push(struct stats_ring *g, const uint64_t *v)
{
	memcpy(g->v + (size_t)g->next * STATS_SERIES, v,
	    STATS_SERIES * sizeof(*v));
	g->next = (g->next + 1) % g->size;
	if (g->count < g->size) {
		g->count++;
	}
}

/** One second's increments into the rings. */
static void
stats_roll_second(struct stats_roll *r, const uint64_t *d)
{
	int w, i;

	stats_ring_push(&r->ring[STATS_W60S], d);
	for (w = STATS_W60M; w < STATS_WINDOWS; w++) {
		for (i = 0; i < STATS_SERIES; i++) {
			r->part[w][i] += d[i];
		}
		r->part_secs[w]++;
	}
	if (r->part_secs[STATS_W60M] == 60) {
		stats_ring_push(&r->ring[STATS_W60M], r->part[STATS_W60M]);
		memset(r->part[STATS_W60M], 0, sizeof(r->part[STATS_W60M]));
		r->part_secs[STATS_W60M] = 0;
	}
	if (r->part_secs[STATS_W24H] == 3600) {
		stats_ring_push(&r->ring[STATS_W24H], r->part[STATS_W24H]);
		memset(r->part[STATS_W24H], 0, sizeof(r->part[STATS_W24H]));
		r->part_secs[STATS_W24H] = 0;
	}
}

void
stats_roll_tick(struct stats_roll *r, const uint64_t *v, time_t now)
{
	time_t secs;
	uint64_t share[STATS_SERIES];
	int i, k, n;

	if (r->last_time == 0) {
		memcpy(r->last, v, sizeof(r->last));
		r->last_time = now;
		return;
	}
	secs = now - r->last_time;
	if (secs <= 0) {
		/* Early or a clock step back: wait for the next second. */
		if (secs < 0) {
			r->last_time = now;
		}
		return;
	}
	for (i = 0; i < STATS_SERIES; i++) {
		r->delta[i] = v[i] >= r->last[i] ? v[i] - r->last[i] : v[i];
	}
	memcpy(r->last, v, sizeof(r->last));
	r->last_time = now;
	n = secs > 60 ? 60 : (int)secs;
	for (k = 0; k < n; k++) {
		/* Evenly, the remainder in the last second. */
		for (i = 0; i < STATS_SERIES; i++) {
			share[i] = r->delta[i] / (uint64_t)n;
			if (k == n - 1) {
				share[i] += r->delta[i] % (uint64_t)n;
			}
		}
		stats_roll_second(r, share);
	}
}

int
stats_roll_slots(const struct stats_roll *r, int win)
{
	return r->ring[win].count + (win != STATS_W60S &&
	    r->part_secs[win] > 0);
}

const uint64_t *
stats_roll_slot(const struct stats_roll *r, int win, int i, int *seconds)
{
	const struct stats_ring *g = &r->ring[win];
	int first;

	if (i >= g->count) {
		/* The slot in progress. */
		if (seconds) {
			*seconds = r->part_secs[win];
		}
		return r->part[win];
	}
	first = (g->next - g->count + g->size) % g->size;
	if (seconds) {
		*seconds = g->interval;
	}
	return g->v + (size_t)((first + i) % g->size) * STATS_SERIES;
}

const char *
stats_window_name(int win)
{
	static const char *const names[STATS_WINDOWS] = { "60s", "60m",
	    "24h" };

	return names[win];
}

/** The timer: read the counters, tick, again in a second. */
static void
stats_roll_timer(void *arg)
{
	struct stats_roll *r = arg;
	struct stats_thread t;
	uint64_t v[STATS_SERIES];
	struct timespec ts;

	stats_read_all(r->d, &t, NULL);
	stats_series_values(&t, v);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* +1: the first tick must not look like "no tick yet". */
	stats_roll_tick(r, v, ts.tv_sec + 1);
	(void)comm_timer_set(r->timer, 1000);
}

int
stats_roll_start(struct stats_roll *r, struct daemon *d)
{
	r->d = d;
	if (!r->timer) {
		r->timer = comm_timer_create(d->base, stats_roll_timer, r);
		if (!r->timer) {
			return RES_ENOMEM;
		}
	}
	stats_roll_timer(r);
	return RES_OK;
}

void
stats_roll_stop(struct stats_roll *r)
{
	if (r && r->timer) {
		comm_timer_disable(r->timer);
	}
}

/*
 * Output.
 */

/** Sum a window: every series, and the seconds covered. */
static int
stats_window_sum(const struct stats_roll *r, int win, uint64_t *sum)
{
	int i, j, n = stats_roll_slots(r, win), secs, total = 0;
	const uint64_t *s;

	memset(sum, 0, STATS_SERIES * sizeof(*sum));
	for (i = 0; i < n; i++) {
		s = stats_roll_slot(r, win, i, &secs);
		total += secs;
		for (j = 0; j < STATS_SERIES; j++) {
			sum[j] += s[j];
		}
	}
	return total;
}

/** 1 for a series shown only when not zero (the groups). */
static int
stats_sparse(int i)
{
	return i >= STATS_SCALARS;
}

void
stats_rates_text(const struct stats_roll *r, struct strbuf *out)
{
	uint64_t sum[STATS_SERIES];
	char name[48];
	int w, i, secs;

	for (w = 0; w < STATS_WINDOWS; w++) {
		secs = stats_window_sum(r, w, sum);
		strbuf_printf(out, "rate.%s.seconds=%d\n",
		    stats_window_name(w), secs);
		for (i = 0; i < STATS_LAT; i++) {
			if (stats_sparse(i) && sum[i] == 0) {
				continue;
			}
			strbuf_printf(out, "rate.%s.%s=%.2f\n",
			    stats_window_name(w),
			    stats_series_name(i, name, sizeof(name)),
			    secs ? (double)sum[i] / secs : 0.0);
		}
		strbuf_printf(out, "rate.%s.latency.p50=%.6f\n"
		    "rate.%s.latency.p90=%.6f\nrate.%s.latency.p99=%.6f\n",
		    stats_window_name(w), stats_hist_quantile(sum +
		    STATS_LAT, 0.5), stats_window_name(w),
		    stats_hist_quantile(sum + STATS_LAT, 0.9),
		    stats_window_name(w), stats_hist_quantile(sum +
		    STATS_LAT, 0.99));
	}
}

/**
 * Read every thread for an output form: the total, its series, and each
 * thread's counters.
 * @return the threads' counters (free()), or NULL with out marked oom.
 */
static struct stats_thread *
stats_read_each(const struct daemon *d, struct stats_thread *total,
    uint64_t *v, struct strbuf *out)
{
	struct stats_thread *per = calloc((size_t)d->num_workers,
	    sizeof(*per));

	if (!per) {
		out->oom = 1;
		return NULL;
	}
	stats_read_all(d, total, per);
	stats_series_values(total, v);
	return per;
}

/** One window as a JSON object. */
static void
stats_json_window(const struct stats_roll *r, int win, struct strbuf *out)
{
	static const double pq[3] = { 0.5, 0.9, 0.99 };
	static const char *const pn[3] = { "p50", "p90", "p99" };
	uint64_t sum[STATS_SERIES];
	int n = stats_roll_slots(r, win), i, j, secs, first = 1;
	char name[48];

	(void)stats_window_sum(r, win, sum);
	strbuf_printf(out, "{\"interval\":%d,\"seconds\":[",
	    r->ring[win].interval);
	for (i = 0; i < n; i++) {
		(void)stats_roll_slot(r, win, i, &secs);
		strbuf_printf(out, "%s%d", i ? "," : "", secs);
	}
	strbuf_printf(out, "],\"series\":{");
	for (j = 0; j < STATS_LAT; j++) {
		if (stats_sparse(j) && sum[j] == 0) {
			continue;
		}
		strbuf_printf(out, "%s\"%s\":[", first ? "" : ",",
		    stats_series_name(j, name, sizeof(name)));
		first = 0;
		for (i = 0; i < n; i++) {
			strbuf_printf(out, "%s%llu", i ? "," : "",
			    (unsigned long long)stats_roll_slot(r, win, i,
			    NULL)[j]);
		}
		strbuf_printf(out, "]");
	}
	strbuf_printf(out, "},\"latency_ms\":{");
	for (j = 0; j < 3; j++) {
		strbuf_printf(out, "%s\"%s\":[", j ? "," : "", pn[j]);
		for (i = 0; i < n; i++) {
			strbuf_printf(out, "%s%.3f", i ? "," : "",
			    stats_hist_quantile(stats_roll_slot(r, win, i,
			    NULL) + STATS_LAT, pq[j]) * 1e3);
		}
		strbuf_printf(out, "]");
	}
	strbuf_printf(out, "}}");
}

void
stats_json(struct daemon *d, const struct stats_roll *r, struct strbuf *out)
{
	struct stats_thread t, *per;
	uint64_t v[STATS_SERIES];
	struct timeval now;
	char name[48];
	int i, first;

	if (!(per = stats_read_each(d, &t, v, out))) {
		return;
	}
	gettimeofday(&now, NULL);
	strbuf_printf(out, "{\"version\":1,\"server\":\"resolute %s\","
	    "\"time\":%lld.%03d,\"uptime\":%ld,\"threads\":%d,"
	    "\"rolling\":%s,\"totals\":{", PACKAGE_VERSION,
	    (long long)now.tv_sec, (int)(now.tv_usec / 1000),
	    (long)now.tv_sec - d->start_time, d->num_workers,
	    r ? "true" : "false");
	for (i = 0, first = 1; i < STATS_LAT; i++) {
		if (stats_sparse(i) && v[i] == 0) {
			continue;
		}
		strbuf_printf(out, "%s\"%s\":%llu", first ? "" : ",",
		    stats_series_name(i, name, sizeof(name)),
		    (unsigned long long)v[i]);
		first = 0;
	}
	strbuf_printf(out, "},\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,"
	    "\"p99\":%.3f},\"ede_names\":{",
	    stats_hist_quantile(v + STATS_LAT, 0.5) * 1e3,
	    stats_hist_quantile(v + STATS_LAT, 0.9) * 1e3,
	    stats_hist_quantile(v + STATS_LAT, 0.99) * 1e3);
	for (i = 0; i < MESH_EDE_SLOTS - 1; i++) {
		strbuf_printf(out, "%s\"%d\":", i ? "," : "", i);
		strbuf_json_str(out, ede_name(i));
	}
	strbuf_printf(out, "},\"thread\":[");
	for (i = 0; i < d->num_workers; i++) {
		strbuf_printf(out, "%s{\"queries\":%llu,\"cache_hits\":%llu,"
		    "\"cache_misses\":%llu,\"recursive_replies\":%llu,"
		    "\"requestlist\":%zu}", i ? "," : "",
		    (unsigned long long)per[i].w.num_queries,
		    (unsigned long long)per[i].w.num_cache_hits,
		    (unsigned long long)per[i].w.num_cache_misses,
		    (unsigned long long)per[i].m.num_replies,
		    d->workers && d->workers[i] ?
		    mesh_count(d->workers[i]->res->mesh) : (size_t)0);
	}
	free(per);
	strbuf_printf(out, "],\"memory\":{\"rrset\":%zu,\"message\":%zu,"
	    "\"infra\":%zu,\"key\":%zu}",
	    rrset_cache_memory(d->rrset_cache),
	    msg_cache_memory(d->msg_cache),
	    infra_cache_memory(d->infra_cache),
	    key_cache_memory(d->key_cache));
	if (r) {
		strbuf_printf(out, ",\"windows\":{");
		for (i = 0; i < STATS_WINDOWS; i++) {
			strbuf_printf(out, "%s\"%s\":", i ? "," : "",
			    stats_window_name(i));
			stats_json_window(r, i, out);
		}
		strbuf_printf(out, "}");
	}
	strbuf_printf(out, "}\n");
}

/** A metric's HELP and TYPE lines. */
static void
stats_prom_head(struct strbuf *out, const char *metric, const char *type,
    const char *help)
{
	strbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", metric, help,
	    metric, type);
}

void
stats_prometheus(struct daemon *d, struct strbuf *out)
{
	struct stats_thread t, *per;
	uint64_t v[STATS_SERIES], cum, *pv;
	const struct stats_scalar_info *s;
	char name[48];
	int i, j;

	if (!(per = stats_read_each(d, &t, v, out))) {
		return;
	}
	/* Each thread's series, for the metrics given per thread. */
	pv = calloc((size_t)d->num_workers, STATS_SERIES * sizeof(*pv));
	if (!pv) {
		free(per);
		out->oom = 1;
		return;
	}
	for (j = 0; j < d->num_workers; j++) {
		stats_series_values(&per[j], pv + (size_t)j * STATS_SERIES);
	}
	free(per);
	for (i = 0; i < STATS_SCALARS; i++) {
		s = &stats_scalars[i];
		if (s->help) {
			stats_prom_head(out, s->metric, "counter", s->help);
		}
		if (s->label && strcmp(s->label, "thread") == 0) {
			/* The sum over the threads is the total. */
			for (j = 0; j < d->num_workers; j++) {
				strbuf_printf(out, "%s{thread=\"%d\"} %llu\n",
				    s->metric, j, (unsigned long long)
				    pv[(size_t)j * STATS_SERIES + i]);
			}
		} else if (s->label) {
			strbuf_printf(out, "%s{%s=\"%s\"} %llu\n", s->metric,
			    s->label, s->value, (unsigned long long)v[i]);
		} else {
			strbuf_printf(out, "%s %llu\n", s->metric,
			    (unsigned long long)v[i]);
		}
	}
	free(pv);
	stats_prom_head(out, "resolute_query_types_total", "counter",
	    "Parsed client queries by query type.");
	for (i = STATS_QTYPE; i < STATS_RCODE; i++) {
		if (v[i]) {
			strbuf_printf(out,
			    "resolute_query_types_total{qtype=\"%s\"} %llu\n",
			    stats_series_name(i, name, sizeof(name)) + 6,
			    (unsigned long long)v[i]);
		}
	}
	stats_prom_head(out, "resolute_answers_total", "counter",
	    "Answers sent to clients by rcode.");
	for (i = STATS_RCODE; i < STATS_EDE; i++) {
		if (v[i] || i - STATS_RCODE <= MSG_RCODE_REFUSED) {
			strbuf_printf(out,
			    "resolute_answers_total{rcode=\"%s\"} %llu\n",
			    stats_series_name(i, name, sizeof(name)) + 6,
			    (unsigned long long)v[i]);
		}
	}
	stats_prom_head(out, "resolute_extended_errors_total", "counter",
	    "Answers with an Extended DNS Error (RFC 8914) by info code.");
	for (i = STATS_EDE; i < STATS_LAT; i++) {
		if (v[i]) {
			strbuf_printf(out, "resolute_extended_errors_total{"
			    "code=\"%s\",name=\"%s\"} %llu\n",
			    stats_series_name(i, name, sizeof(name)) + 4,
			    i - STATS_EDE < MESH_EDE_SLOTS - 1 ?
			    ede_name(i - STATS_EDE) : "Other codes",
			    (unsigned long long)v[i]);
		}
	}
	stats_prom_head(out, "resolute_answer_duration_seconds", "histogram",
	    "Time from a query's arrival to its answer (cache and local "
	    "answers in the first bucket).");
	for (i = 0, cum = 0; i < MESH_HIST_BUCKETS; i++) {
		cum += v[STATS_LAT + i];
		if (i == MESH_HIST_BUCKETS - 1) {
			strbuf_printf(out, "resolute_answer_duration_seconds_"
			    "bucket{le=\"+Inf\"} %llu\n",
			    (unsigned long long)cum);
		} else if (i < 26) {
			strbuf_printf(out, "resolute_answer_duration_seconds_"
			    "bucket{le=\"%g\"} %llu\n",
			    (double)(1ULL << (i + 1)) / 1e6,
			    (unsigned long long)cum);
		}
	}
	strbuf_printf(out, "resolute_answer_duration_seconds_sum %.6f\n"
	    "resolute_answer_duration_seconds_count %llu\n",
	    (double)t.m.sum_rec_time_us / 1e6, (unsigned long long)cum);
	stats_prom_head(out, "resolute_cache_memory_bytes", "gauge",
	    "Memory used by each cache.");
	strbuf_printf(out, "resolute_cache_memory_bytes{cache=\"rrset\"} %zu\n"
	    "resolute_cache_memory_bytes{cache=\"message\"} %zu\n"
	    "resolute_cache_memory_bytes{cache=\"infra\"} %zu\n"
	    "resolute_cache_memory_bytes{cache=\"key\"} %zu\n",
	    rrset_cache_memory(d->rrset_cache),
	    msg_cache_memory(d->msg_cache),
	    infra_cache_memory(d->infra_cache),
	    key_cache_memory(d->key_cache));
	stats_prom_head(out, "resolute_requestlist", "gauge",
	    "Queries being resolved now, per thread.");
	for (i = 0; d->workers && i < d->num_workers; i++) {
		strbuf_printf(out, "resolute_requestlist{thread=\"%d\"} %zu\n",
		    i, d->workers[i] ?
		    mesh_count(d->workers[i]->res->mesh) : (size_t)0);
	}
	if (d->dtenv) {
		struct dnstap_counts dc;

		dnstap_env_counts(d->dtenv, &dc);
		stats_prom_head(out, "resolute_dnstap_frames_total", "counter",
		    "dnstap frames queued for the socket, and dropped (the "
		    "reader slow or gone).");
		strbuf_printf(out, "resolute_dnstap_frames_total{result=\"sent\"}"
		    " %llu\nresolute_dnstap_frames_total{result=\"dropped\"} "
		    "%llu\n", (unsigned long long)dc.sent,
		    (unsigned long long)dc.dropped);
	}
	stats_prom_head(out, "resolute_start_time_seconds", "gauge",
	    "Start time of the daemon since the Unix epoch.");
	strbuf_printf(out, "resolute_start_time_seconds %ld\n",
	    d->start_time);
	stats_prom_head(out, "resolute_build_info", "gauge",
	    "The version running (always 1).");
	strbuf_printf(out, "resolute_build_info{version=\"%s\"} 1\n",
	    PACKAGE_VERSION);
}
