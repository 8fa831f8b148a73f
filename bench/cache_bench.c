/*
 * bench/cache_bench.c - micro-benchmark of the cache hit path and of the
 * memory an RRset costs.  Not a test: it prints figures.
 *
 * Usage: cache_bench [rrsets [seconds]]
 *	rrsets	RRsets in the warm cache (default 200000)
 *	seconds	time per lookup measurement (default 1, at most 60)
 *
 * 1. Fills an RRset cache with one A record per name (names like
 *    "host12345.example.com."), budget large enough to keep them all,
 *    and reports bytes per RRset as accounted and as resident memory
 *    (RSS from /proc/self/statm, where present).
 * 2. Looks up random cached names with 1 and 2 threads (RRset cache),
 *    the message cache path (message + its RRset), and the daemon's
 *    cache-hit fast path (dns_cache_answer(): the encoded answer copied
 *    into a reply buffer).
 * 3. Fills a cache of a fixed budget far past its size and reports the
 *    process's resident growth against the budget.
 */
#include "config.h"
#include "cache/rrset.h"
#include "cache/msgcache.h"
#include "cache/dns.h"
#include "util/answer.h"
#include "util/msg.h"
#include "util/dname.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

/** Shards of the wire fast path's caches (build with -DSHARDS=N to
 * see how contention changes with them). */
#ifndef SHARDS
#define SHARDS 8
#endif
/** The names, wire form, one allocation. */
static uint8_t (*names)[32];
/** How many. */
static long nnames;
/** The caches under test. */
static struct rrset_cache *rc;
static struct msg_cache *mc;
/** Seconds per measurement. */
static double secs = 1.0;
/** 1 to measure the message path, 2 the wire fast path, 0 the RRset
 * path. */
static int use_msg;

/** Monotonic time in seconds. */
static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/** Resident set size in bytes, or 0 when unknown. */
static size_t
rss(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size, res = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &res) != 2)
		res = 0;
	fclose(f);
	return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

/** Store one A RRset for name i. */
static void
store(long i, time_t now)
{
	uint8_t a[4] = { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8),
	    (uint8_t)i };
	struct rrset_rr rr = { a, 4 };
	struct rrset_store in;
	struct rrset_ref ref;
	struct msg_store ms;

	memset(&in, 0, sizeof(in));
	in.rrs = &rr;
	in.count = 1;
	in.ttl = 3600;
	in.trust = RRSET_TRUST_ANSWER_AUTH;
	rrset_cache_store(rc, names[i], 1, 1, &in, now, &ref.id);
	if (mc) {
		ref.owner = names[i];
		ref.type = 1;
		ref.rclass = 1;
		memset(&ms, 0, sizeof(ms));
		ms.refs = &ref;
		ms.an = 1;
		ms.ttl = 3600;
		if (use_msg == 2) {
			/* The A record as sent: owner compressed to the
			 * question (offset 12), TTL at offset 6. */
			static const uint16_t ttl_off[1] = { 6 };
			uint8_t w[16] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10,
			    0, 4, a[0], a[1], a[2], a[3] };

			ms.wire[0].data = w;
			ms.wire[0].len = sizeof(w);
			ms.wire[0].an = 1;
			ms.wire[0].nttl = 1;
			ms.wire[0].ttl_off = ttl_off;
			ms.wire[0].at = now;
			ms.wire[0].min_ttl = 3600;
		}
		msg_cache_store(mc, names[i], 1, 1, 0, &ms, now);
	}
}

/** A lookup thread; returns its count through arg. */
static void *
looker(void *arg)
{
	long *count = arg, n = 0, k;
	uint32_t s = (uint32_t)(uintptr_t)arg | 1;
	double end = mono() + secs;
	struct msg_answer ans;
	struct dns_msg *q = calloc(1, sizeof(*q));
	uint8_t reply[512];
	const struct answer_opts ao = { .edns_size = 1232, .ede = 1 };
	struct answer_to to;
	size_t len;

	if (q == NULL)
		return NULL;
	q->id = 7;
	q->flags = MSG_FLAG_RD;
	q->qtype = 1;
	q->qclass = 1;
	while (mono() < end) {
		for (k = 0; k < 4096; k++) {
			long i;

			s ^= s << 13;
			s ^= s >> 17;
			s ^= s << 5;
			i = (long)(s % (uint32_t)nnames);
			if (use_msg == 2) {
				q->qname_len = dname_len(names[i]);
				memcpy(q->qname, names[i], q->qname_len);
				answer_to_query(&to, q, sizeof(reply));
				if (dns_cache_answer(mc, rc, &to, &ao, 0, 10,
				    reply, sizeof(reply), &len, NULL) && len > 12)
					n++;
			} else if (use_msg) {
				if (msg_cache_lookup(mc, rc, names[i], 1, 1, 0,
				    10, &ans) == 0) {
					n++;
					msg_cache_answer_release(mc, rc, &ans);
				}
			} else {
				struct rrset_entry *e = rrset_cache_lookup(rc,
				    names[i], 1, 1, 10, NULL);

				if (e) {
					n++;
					rrset_cache_release(rc, e);
				}
			}
		}
	}
	*count = n;
	free(q);
	return NULL;
}

/** Lookups per second with nthreads threads. */
static double
measure(int nthreads)
{
	pthread_t th[2];
	long counts[2] = { 0, 0 };
	double t0 = mono(), t;
	int i;

	for (i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, looker, &counts[i]);
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	t = mono() - t0;
	return (counts[0] + counts[1]) / t;
}

/**
 * A full cache of a fixed budget against resident memory, run in a child
 * process so the parent's heap does not blur the figure.
 */
static void
full_cache(void)
{
	size_t rss0, rss1, budget;
	long i;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) < 0)
		return;
	if (pid > 0) {
		waitpid(pid, NULL, 0);
		return;
	}
	budget = 16 * 1024 * 1024;
	rss0 = rss();
	rc = rrset_cache_create(budget, 8, NULL);
	for (i = 0; i < nnames; i++)
		store(i, 0);
	for (i = 0; i < nnames; i++)
		store(i, 1);	/* replacements: churn through the heap */
	rss1 = rss();
	printf("budget %zu bytes, accounted %zu, resident growth %zu "
	    "(factor %.2f)\n", budget, rrset_cache_memory(rc),
	    rss1 > rss0 ? rss1 - rss0 : 0,
	    rss1 > rss0 ? (double)(rss1 - rss0) / budget : 0.0);
	rrset_cache_delete(rc);
	fflush(stdout);
	_exit(0);
}

int
main(int argc, char **argv)
{
	size_t rss0, rss1;
	long i;
	char s[64];

	nnames = argc > 1 ? atol(argv[1]) : 200000;
	if (nnames < 1000 || nnames > 10000000)
		nnames = 200000;
	if (argc > 2)
		secs = atof(argv[2]);
	if (secs <= 0 || secs > 60)
		secs = 1.0;
	if ((names = calloc((size_t)nnames, sizeof(*names))) == NULL)
		return 1;
	for (i = 0; i < nnames; i++) {
		snprintf(s, sizeof(s), "host%ld.example.com.", i);
		dname_from_str(s, NULL, names[i], NULL);
	}

	/* 3 first, in a child: a full cache against its budget. */
	full_cache();

	/* 1. Bytes per RRset. */
	rss0 = rss();
	rc = rrset_cache_create((size_t)nnames * 1024, 8, NULL);
	for (i = 0; i < nnames; i++)
		store(i, 0);
	rss1 = rss();
	printf("rrsets cached:            %ld\n", nnames);
	printf("accounted bytes/RRset:    %.1f (entries and table)\n",
	    (double)rrset_cache_memory(rc) / nnames);
	if (rss0 && rss1)
		printf("resident bytes/RRset:     %.1f\n",
		    (double)(rss1 - rss0) / nnames);

	/* 2. Hit path. */
	printf("rrset lookups/s, 1 thread:  %.0f\n", measure(1));
	printf("rrset lookups/s, 2 threads: %.0f\n", measure(2));
	rrset_cache_delete(rc);
	rc = rrset_cache_create((size_t)nnames * 1024, 8, NULL);
	mc = msg_cache_create((size_t)nnames * 1024, 8, NULL);
	for (i = 0; i < nnames; i++)
		store(i, 0);
	use_msg = 1;
	printf("msg+rrset hits/s, 1 thread:  %.0f\n", measure(1));
	printf("msg+rrset hits/s, 2 threads: %.0f\n", measure(2));
	msg_cache_delete(mc);
	rrset_cache_delete(rc);
	rc = rrset_cache_create((size_t)nnames * 1024, 8, NULL);
	mc = msg_cache_create((size_t)nnames * 1024, SHARDS, NULL);
	use_msg = 2;
	for (i = 0; i < nnames; i++)
		store(i, 0);
	printf("wire fast path hits/s, 1 thread:  %.0f\n", measure(1));
	printf("wire fast path hits/s, 2 threads: %.0f\n", measure(2));
	msg_cache_delete(mc);
	rrset_cache_delete(rc);
	mc = NULL;

	free(names);
	return 0;
}
