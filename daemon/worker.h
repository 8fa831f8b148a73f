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
#include "util/module.h"

struct daemon;
struct comm_base;
struct comm_point;
struct comm_reply;
struct outside_network;
struct mesh_area;
struct random_state;

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
	/** Answered SERVFAIL. */
	uint64_t num_servfail;
	/** Answers by rcode (0..15). */
	uint64_t ans_rcode[16];
	/** Answered from the cache on the fast path. */
	uint64_t num_cache_hits;
	/** Handed to the mesh (cache misses). */
	uint64_t num_cache_misses;
	/** Dropped or SERVFAIL because the mesh was full. */
	uint64_t num_requestlist_exceeded;
	/** Answers validated secure, insecure, bogus (copied from the
	 * module environment's counters when statistics are read). */
	uint64_t num_answer_secure, num_answer_insecure, num_answer_bogus;
	/** Signature verifications the validator ran (copied likewise). */
	uint64_t num_sig_checks;
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
};

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
	/** The module environment of this thread. */
	struct module_env env;
	/** The current time, updated per event batch (env.now points here). */
	time_t now;
	/** The CSPRNG of this thread. */
	struct random_state *rnd;
	/** Outgoing queries. */
	struct outside_network *outnet;
	/** Queries in progress. */
	struct mesh_area *mesh;
	/** Modules whose init() ran for env (deinit() runs for them at
	 * worker_delete()). */
	int mods_inited;
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
 * @return the worker or NULL (reason logged).
 */
struct worker *worker_create(struct daemon *daemon, int num,
	const int *udp_fds, int num_udp, const int *tcp_fds, int num_tcp);

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

/** Add a worker's counters into a total. */
void worker_stats_add(struct worker_stats *total,
	const struct worker_stats *s);

#endif /* DAEMON_WORKER_H */
