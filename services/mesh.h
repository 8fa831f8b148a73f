/*
 * services/mesh.h - the queries in progress of one worker: client queries
 * joined by question, their subqueries, their upstream queries, and the
 * module chain run on them.
 *
 * Each worker has one mesh.  A client query that misses the cache becomes
 * (or joins) a mesh state keyed by (qname, qtype, qclass, CD, priming);
 * identical questions in flight share one state and one resolution, and
 * every waiting client gets the answer.  Modules ask for subqueries
 * (name server addresses, priming, DS/DNSKEY), which are mesh states too,
 * linked as sub/super; a subquery that would wait on one of its own
 * ancestors is refused, so the graph has no cycles.  Clients are network
 * clients (answered with an encoded reply) or callbacks (the tracer; later
 * the resolver's own queries); a traced state (no_cache) is never joined
 * by an untraced one.
 *
 * Upstream queries.  A state may have several upstream queries in flight,
 * each with the callback and argument its module gave (util/module.h);
 * they go through the outside network, which shares identical ones
 * between states.  The mesh cancels what a state still has in flight when
 * the state ends.
 *
 * Limits.  Every client query gets a struct query_budget that its
 * subqueries share: past MESH_BUDGET_UPSTREAM upstream queries or
 * MESH_BUDGET_SUBS subquery states the mesh refuses more, and the module
 * fails the query with an EDE (counted).  Client states are capped by
 * max_states (num-queries-per-thread): a new client query that finds the
 * mesh full replaces the oldest client state that has waited at least
 * jostle_ms (jostle-timeout; its clients get no answer, as in Unbound,
 * and a state that nothing else needs is deleted); when no state is that
 * old, the new query is refused (the caller answers SERVFAIL).
 *
 * Work is queued, never recursive: new states and states whose
 * subqueries finished are put on a run queue that mesh_run_queue()
 * drains after the current event, so a module's operate() never runs
 * while another call of it is on the stack.
 *
 * Deleting: a finished state answers its clients, informs its supers and
 * is deleted.  A state whose clients and supers are all gone keeps
 * running to completion (its results fill the cache).
 */
#ifndef SERVICES_MESH_H
#define SERVICES_MESH_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "util/module.h"

struct answer_to;
struct comm_reply;
struct comm_base;
struct dns_msg;
struct outside_network;
struct mesh_area;

/** Buckets of the recursion time histogram: bucket i counts times in
 * [2^i, 2^(i+1)) microseconds (bucket 0 also holds 0). */
#define MESH_HIST_BUCKETS 32
/** Answers counted by EDE info code: codes 0..30 each, 31 for the rest
 * (the IANA registry ends at 30). */
#define MESH_EDE_SLOTS 32

/** The slot of an EDE info code in the ans_ede counters. */
static inline int
mesh_ede_slot(int ede)
{
	return ede < MESH_EDE_SLOTS - 1 ? ede : MESH_EDE_SLOTS - 1;
}

/**
 * Upstream queries one client query may cause, its subqueries' included.
 * The figure of Unbound's global quota for the same purpose: a name at
 * the end of a long CNAME chain through signed zones with cold caches
 * needs a few dozen; the NXNSAttack referrals needed hundreds.
 */
#define MESH_BUDGET_UPSTREAM 128
/** Subquery states one client query may cause (Unbound's target count
 * limit, MAX_TARGET_COUNT, is 64). */
#define MESH_BUDGET_SUBS 64
/** The same for a trace, which reads no cache and so asks for every
 * delegation and key afresh. */
#define MESH_BUDGET_TRACE_UPSTREAM 512
/** Subquery states of a trace. */
#define MESH_BUDGET_TRACE_SUBS 256

/** Counters of a mesh. */
struct mesh_stats {
	/** States created for client queries. */
	uint64_t num_client_states;
	/** Client queries that joined a state already in flight. */
	uint64_t num_joined;
	/** Subquery states created. */
	uint64_t num_sub_states;
	/** Replies sent to clients from the mesh. */
	uint64_t num_replies;
	/** Client queries refused because the mesh was full and no state
	 * was old enough to replace (the caller answers SERVFAIL). */
	uint64_t num_dropped_full;
	/** Client states replaced by newer queries (jostled out). */
	uint64_t num_jostled;
	/** Client queries whose upstream or subquery budget ran out. */
	uint64_t num_budget_exceeded;
	/** Clients answered with expired data (serve-expired). */
	uint64_t num_stale;
	/** Clients answered SERVFAIL at answer-timeout, the resolution
	 * going on without them. */
	uint64_t num_answer_timeout;
	/** Background refreshes started (prefetch, and after a stale
	 * answer). */
	uint64_t num_prefetch;
	/** Resolutions ended with their last client at answer-timeout
	 * because more than twice num-queries-per-thread states were in
	 * the mesh. */
	uint64_t num_background_dropped;
	/** Most states at once. */
	size_t max_states;
	/** Sum of resolution times of answered client queries, in us. */
	uint64_t sum_rec_time_us;
	/** Replies sent from the mesh by rcode (0..15). */
	uint64_t ans_rcode[16];
	/** Histogram of resolution times, for the median estimate. */
	uint64_t rec_hist[MESH_HIST_BUCKETS];
	/** Replies sent from the mesh with an Extended DNS Error, by info
	 * code (counted whether or not ede: lets it go out). */
	uint64_t ans_ede[MESH_EDE_SLOTS];
};

/** Settings of a mesh (from num-queries-per-thread, jostle-timeout).
 * answer-timeout, serve-expired and its client timeout and reply TTL are
 * read from env->cfg when used (a reload changes them). */
struct mesh_settings {
	/** Client states allowed at once; 0 means 1024. */
	size_t max_states;
	/** A full mesh replaces a client state that waited this long (ms). */
	int jostle_ms;
};

/**
 * How the mesh answers a network client later: comm_reply_send() in the
 * daemon, a capture in the replay harness.
 * @param arg: the reply_arg given to mesh_create().
 * @param rep: the client's kept comm_reply.
 * @param msg, len: the reply.
 * @return 0 or an error (the reply was not sent; counted all the same).
 */
typedef int (*mesh_reply_func)(void *arg, const struct comm_reply *rep,
	const uint8_t *msg, size_t len);

/** The outcome handed to a callback client. */
struct mesh_result {
	/** 1 when the state was deleted without finishing (flush, shutdown,
	 * replaced): the rest is unset. */
	int cancelled;
	/** The rcode (SERVFAIL when the resolution failed). */
	int rcode;
	/** The answer, or NULL; valid during the callback only. */
	const struct reply *rep;
	/** EDE info code, or -1; and its text or NULL. */
	int ede;
	/** The EDE text. */
	const char *ede_text;
};

/**
 * A callback client's function.  It runs from inside the mesh: it may
 * start new queries (they are queued) but must not delete the mesh.
 * @param arg: the argument given to mesh_new_callback().
 * @param res: the outcome; valid during the call only.
 */
typedef void (*mesh_cb_func)(void *arg, const struct mesh_result *res);

/**
 * Create a mesh.
 * @param env: the module environment (the mesh sets env->mesh,
 *	env->send_query, env->cancel_query and env->attach_sub).
 * @param mods: the module chain, num_mods of them.
 * @param num_mods: 1 to MODULE_MAX.
 * @param outnet: the outside network upstream queries go to.
 * @param base: the worker's event base, for the clock.
 * @param reply: how network clients are answered.
 * @param reply_arg: its argument.
 * @param s: the settings; copied.
 * @return the mesh or NULL.
 */
struct mesh_area *mesh_create(struct module_env *env,
	struct module_func_block *const *mods, int num_mods,
	struct outside_network *outnet, struct comm_base *base,
	mesh_reply_func reply, void *reply_arg, const struct mesh_settings *s);

/** Delete a mesh and every state in it: network clients get no answer,
 * callback clients are told (cancelled). */
void mesh_delete(struct mesh_area *m);

/**
 * A client query that needs resolution.
 * @param m: the mesh.
 * @param q: the parsed query (question, flags, EDNS).
 * @param rep: the client's comm_reply; a copy is kept to answer later.
 * @param to: how the client is answered (util/answer.h: its limit, ANY
 *	subset, keepalive, cookie); copied, its qname too.
 * @return COMM_REPLY_LATER when the answer will be sent later, or
 *	COMM_REPLY_DROP when the mesh is full or out of memory (the caller
 *	answers SERVFAIL itself then: rep->reply is not touched).
 */
int mesh_new_client(struct mesh_area *m, const struct dns_msg *q,
	const struct comm_reply *rep, const struct answer_to *to);

/**
 * Refresh a client's question in the background, without a client: a
 * cache hit near the end of its TTL (prefetch) or a stale answer just
 * sent (serve-expired).  The iterator does not answer it from the cache.
 * Nothing is started when the question is already being resolved or the
 * request list is full.
 * @param m: the mesh.
 * @param q: the parsed query (question and flags).
 */
void mesh_new_prefetch(struct mesh_area *m, const struct dns_msg *q);

/**
 * The clients' deadlines (the mesh's timer runs this; the replay harness
 * calls it after it moves the clock): a network client that has waited
 * serve-expired-client-timeout gets expired data if the cache has it,
 * one that has waited answer-timeout gets expired data or SERVFAIL with
 * EDE 22, and the resolution goes on without it to fill the cache.
 * @param m: the mesh.
 */
void mesh_tick(struct mesh_area *m);

/**
 * A query whose answer goes to a function (the tracer).  It does not
 * count as a client state and is never replaced.
 * @param m: the mesh.
 * @param qi: the question (copied).
 * @param qflags: MSG_FLAG_RD, MSG_FLAG_CD as a client would set them.
 * @param trace: a trace hook for the state and its subqueries, or NULL;
 *	it must outlive the state (the callback says when it ended).  A
 *	traced state reads no cache (module_qstate no_cache).
 * @param cb: called once with the outcome, also when the state is
 *	deleted before it finishes.
 * @param arg: passed to cb.
 * @return 0 (started; cb will be called), RES_ENOMEM.
 */
int mesh_new_callback(struct mesh_area *m, const struct query_info *qi,
	uint16_t qflags, const struct query_trace *trace, mesh_cb_func cb,
	void *arg);

/** Number of states in the mesh. */
size_t mesh_count(const struct mesh_area *m);

/** Read the counters. */
void mesh_get_stats(const struct mesh_area *m, struct mesh_stats *st);

/** What mesh_walk() shows of one state. */
struct mesh_state_info {
	/** The question (lower case). */
	const struct query_info *qinfo;
	/** Clients waiting for it. */
	size_t clients;
	/** States waiting for it (it is their subquery). */
	size_t supers;
	/** 1 for a priming query. */
	int is_priming;
	/** Upstream queries in flight. */
	int waiting;
	/** Milliseconds since its oldest client asked; -1 without clients. */
	long age_ms;
};

/**
 * Call fn for every state, for dump_requestlist.  Only while the
 * worker owning the mesh is stopped (or from its own thread).
 * @param m: the mesh.
 * @param fn: called per state; must not change the mesh.
 * @param arg: passed to fn.
 */
void mesh_walk(const struct mesh_area *m,
	void (*fn)(void *arg, const struct mesh_state_info *info), void *arg);

/**
 * Drop every state (flush_requestlist): waiting network clients get no
 * answer, callback clients are told, upstream queries are cancelled.
 * Only while the owning worker is stopped (or from its own thread).
 * @param m: the mesh.
 * @return the number of states dropped.
 */
size_t mesh_clear(struct mesh_area *m);

#endif /* SERVICES_MESH_H */
