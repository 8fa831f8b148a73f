/*
 * daemon/worker.h - a worker thread: one event base, its own sockets, and
 * the handling of every client query that arrives on them.
 *
 * Each worker owns a struct comm_base and one UDP and one TCP service
 * point per interface (its own SO_REUSEPORT sockets, so the kernel spreads
 * clients over workers).  worker_work() is the worker's whole life: the
 * event loop.  Workers share only read-only state (the daemon's config,
 * access list and local zones) which the daemon replaces only while every
 * worker is stopped, and later the caches, which lock themselves.
 */
#ifndef DAEMON_WORKER_H
#define DAEMON_WORKER_H
#include <pthread.h>
#include <stdint.h>
#include <stddef.h>
#include <time.h>
#include "services/mesh.h"

struct daemon;
struct comm_base;
struct comm_notify;
struct comm_point;
struct comm_reply;
struct dns_msg;
struct dnstap;
struct modstack_thread;
struct outnet_io;
struct worker;
struct worker_job;

struct worker_stats;

/**
 * Put the TCP points' counters of a worker (kept by util/netevent.c)
 * into a copy of its stats.  For the statistics reader, in any thread.
 */
void worker_tcp_stats(const struct worker *w, struct worker_stats *out);

/** Per-worker counters; summed over workers on demand, never locked. */
struct worker_stats {
	/** Messages received (valid or not). */
	uint64_t num_queries;
	/** Of those, over TCP. */
	uint64_t num_tcp;
	/** Too short to hold a header, or a response: dropped. */
	uint64_t num_dropped_malformed;
	/** Answered FORMERR (header readable, rest malformed). */
	uint64_t num_formerr;
	/** Dropped by access control. */
	uint64_t num_acl_dropped;
	/** Refused by access control. */
	uint64_t num_acl_refused;
	/** Answered from local zones. */
	uint64_t num_local;
	/** Answered NOTIMP (opcode other than QUERY). */
	uint64_t num_notimp;
	/** Answers by rcode (0..15). */
	uint64_t ans_rcode[16];
	/** Answered from the cache on the fast path. */
	uint64_t num_cache_hits;
	/** Handed to the mesh (cache misses). */
	uint64_t num_cache_misses;
	/** Dropped or SERVFAIL because the mesh was full. */
	uint64_t num_requestlist_exceeded;
	/** Answered from expired data at once (serve-expired with
	 * serve-expired-client-timeout 0). */
	uint64_t num_stale;
	/** TCP connections closed at accept by access control, at accept
	 * because the address held its share of the slots, and for a
	 * message not whole within its window (copied from the service
	 * points when statistics are read). */
	uint64_t tcp_acl_closed, tcp_limit_closed, tcp_timeout_closed;
	/** Queries with a valid server cookie (RFC 7873), and allow_cookie
	 * queries over UDP turned away (BADCOOKIE or REFUSED). */
	uint64_t num_cookie_valid, num_badcookie;
	/** The counters of the mesh and the modules (copied from the
	 * module environment when statistics are read). */
	struct module_counters mod;
	/** Parsed queries by type (0..255; larger types in qtype_big). */
	uint64_t qtype[256];
	/** Parsed queries of a type above 255. */
	uint64_t qtype_big;
	/** Parsed queries by class (0..255; larger in qclass_big). */
	uint64_t qclass[256];
	/** Parsed queries of a class above 255. */
	uint64_t qclass_big;
	/** Queries by opcode (header readable). */
	uint64_t qopcode[16];
	/** Queries with the header bit set: QR, AA, TC, RD, RA, Z, AD, CD. */
	uint64_t qbit_qr, qbit_aa, qbit_tc, qbit_rd, qbit_ra, qbit_z,
	    qbit_ad, qbit_cd;
	/** Queries with EDNS (RFC 6891), and of those with DO set. */
	uint64_t qedns, qedns_do;
	/** UDP replies over the interface MTU, sent cut to the question
	 * with TC set (ip-dont-fragment). */
	uint64_t num_mtu_truncated;
	/** UDP queries over ip-ratelimit: dropped, and answered empty
	 * with TC instead (1 in ip-ratelimit-factor). */
	uint64_t num_ip_ratelimited, num_ip_ratelimited_tc;
	/** Error answers the worker wrote with an Extended DNS Error, by
	 * info code (as mesh_stats.ans_ede). */
	uint64_t ans_ede[MESH_EDE_SLOTS];
};

/**
 * What a test puts in place of a worker's network: the replay harness
 * runs the whole per-packet path against a script.
 */
struct worker_seams {
	/** The wire under the outside network. */
	const struct outnet_io *io;
	/** How the mesh answers clients later. */
	mesh_reply_func reply;
	/** Its argument. */
	void *reply_arg;
	/** 1: the resolver makes no random choices. */
	int deterministic;
};

/**
 * Work another thread hands to a worker (worker_post()).
 * @param w: the worker, on its own thread; NULL when the worker is
 *	deleted before the job ran (free what arg holds, nothing else).
 * @param arg: the argument given to worker_post().
 */
typedef void (*worker_job_func)(struct worker *w, void *arg);

/** A worker thread. */
struct worker {
	/** Number of this worker, 0..num-threads-1 (log lines show it). */
	int thread_num;
	/** The daemon, for its shared read-only state. */
	struct daemon *daemon;
	/** The event base of this worker. */
	struct comm_base *base;
	/** Service points: UDP and TCP, per interface. */
	struct comm_point **points;
	/** Number of service points. */
	int num_points;
	/** The thread, while running. */
	pthread_t thr;
	/** 1 while the thread runs. */
	int running;
	/** Counters. */
	struct worker_stats stats;
	/** The resolver of this thread: module environment, outside
	 * network, mesh (services/modstack.h). */
	struct modstack_thread *res;
	/** The parse view of the query being handled (large: not on the
	 * stack). */
	struct dns_msg *qmsg;
	/** Jobs posted by other threads, oldest first; under jobs_lock. */
	struct worker_job *jobs_head, *jobs_tail;
	/** Protects the job queue. */
	pthread_mutex_t jobs_lock;
	/** Wakes the event loop for a posted job. */
	struct comm_notify *notify;
	/** statistics-interval: logs this thread's counters. */
	struct comm_timer *stats_timer;
	/** Worker 0: the probes of the RFC 5011 anchors. */
	struct comm_timer *anchor_timer;
	/** Worker 0: the rotation of the cookie secrets. */
	struct comm_timer *cookie_timer;
	/** TCP connections one client address may hold on a point. */
	int tcp_per_client;
	/** The counters at the last statistics line: queries, cache hits,
	 * cache misses, replies from recursion. */
	uint64_t stats_last[4];
	/** dnstap: this worker's handle when client queries are logged,
	 * else NULL (one branch per query when off). */
	struct dnstap *dt_query;
	/** Likewise when replies to clients are logged; the service
	 * points then have worker_handle_query_tap() as their handler. */
	struct dnstap *dt_reply;
};

/**
 * Create a worker and its service points on the given sockets.
 * @param daemon: the daemon.
 * @param num: the worker number.
 * @param udp_fds: UDP sockets for this worker (duplicated: the caller
 *	keeps its own descriptors).
 * @param num_udp: their number.
 * @param tcp_fds: TCP listening sockets, likewise.
 * @param num_tcp: their number.
 * @param seams: NULL for the daemon; a test's network (see struct
 *	worker_seams).
 * @return the worker or NULL (reason logged).
 */
struct worker *worker_create(struct daemon *daemon, int num,
	const int *udp_fds, int num_udp, const int *tcp_fds, int num_tcp,
	const struct worker_seams *seams);

/** Delete a stopped worker and its points.  NULL ok. */
void worker_delete(struct worker *w);

/** Start the worker's thread running worker_work().  0 or RES_ESYSTEM. */
int worker_start(struct worker *w);

/** Ask the worker to stop and wait for its thread.  Safe if not running. */
void worker_stop(struct worker *w);

/** The worker's event loop; returns when stopped. */
void worker_work(struct worker *w);

/**
 * Answer one client message (the comm_handler of every point).
 * @param arg: the worker.
 * @param rep: the message and reply buffer.
 * @return 1 to send the reply, 0 to drop.
 */
int worker_handle_query(void *arg, struct comm_reply *rep);

/**
 * Hand work to a worker from another thread: fn(w, arg) runs on the
 * worker's thread from its event loop (after a pause, when it runs
 * again).
 * @param w: the worker.
 * @param fn: the job.
 * @param arg: its argument.
 * @return 0, or RES_ENOMEM (fn is not called).
 */
int worker_post(struct worker *w, worker_job_func fn, void *arg);

/** Add a worker's counters into a total. */
void worker_stats_add(struct worker_stats *total,
	const struct worker_stats *s);

#endif /* DAEMON_WORKER_H */
