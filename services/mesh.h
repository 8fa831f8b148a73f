/*
 * services/mesh.h - the queries in progress of one worker: client queries
 * joined by question, their subqueries, and the module chain run on them.
 *
 * Each worker has one mesh.  A client query that misses the cache becomes
 * (or joins) a mesh state keyed by (qname, qtype, qclass, CD, priming);
 * identical questions in flight share one state and one resolution, and
 * every waiting client gets the answer.  Modules ask for subqueries
 * (name server addresses, priming, DS/DNSKEY later), which are mesh
 * states too, linked as sub/super; a subquery that would wait on one of
 * its own ancestors is refused, so the graph has no cycles.
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

struct comm_reply;
struct dns_msg;
struct outside_network;
struct comm_base;

/** Buckets of the recursion time histogram: bucket i counts times in
 * [2^i, 2^(i+1)) microseconds (bucket 0 also holds 0). */
#define MESH_HIST_BUCKETS 32

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
	/** Of those, SERVFAIL. */
	uint64_t num_servfail;
	/** Client queries refused because the mesh was full. */
	uint64_t num_dropped_full;
	/** Most states at once. */
	size_t max_states;
	/** Sum of resolution times of answered client queries, in us. */
	uint64_t sum_rec_time_us;
	/** Replies sent from the mesh by rcode (0..15). */
	uint64_t ans_rcode[16];
	/** Histogram of resolution times, for the median estimate. */
	uint64_t rec_hist[MESH_HIST_BUCKETS];
};

struct mesh_area;
struct outnet_query;
struct outnet_query_info;
struct sockaddr_storage;

/** Callback of a mesh_net query: the outside network's outnet_cb. */
typedef void (*mesh_net_cb)(void *arg, int result, const uint8_t *reply,
	size_t len, const struct outnet_query_info *info);

/**
 * How the mesh reaches the network.  The daemon uses the outside network
 * (mesh_net_outnet()); the replay harness supplies a scripted one.  The
 * contract is that of services/outside_network.h: query() returns a
 * handle or NULL (failed at once, no callback), the callback comes
 * exactly once from the event loop unless cancel() was called.
 */
struct mesh_net {
	/** Argument for the functions. */
	void *arg;
	/** Send a query (tcp: 1 over TCP, else UDP). */
	struct outnet_query *(*query)(void *arg, int tcp,
		const struct sockaddr_storage *to, socklen_t tolen,
		const uint8_t *qname, size_t qnamelen, uint16_t qtype,
		uint16_t qclass, int rd, int cd, int edns, int do_bit, int caps,
		int timeout_ms, mesh_net_cb cb, void *cbarg);
	/** Cancel a query: no callback follows. */
	void (*cancel)(void *arg, struct outnet_query *q);
	/** Send an answer to a client (comm_reply_send() for the daemon). */
	int (*reply)(void *arg, const struct comm_reply *rep,
		const uint8_t *msg, size_t len);
};

/** A mesh_net over an outside network. */
struct mesh_net mesh_net_outnet(struct outside_network *outnet);

/**
 * Create a mesh.
 * @param env: the module environment (the mesh sets env->mesh,
 *	env->send_query and env->attach_sub).
 * @param mods: the module chain, num_mods of them.
 * @param num_mods: 1 to MODULE_MAX.
 * @param net: how upstream queries are sent; copied.
 * @param base: the worker's event base, to refresh the clock when a reply
 *	arrives; NULL when the caller keeps *env->now itself (replay).
 * @param max_states: num-queries-per-thread: client states allowed.
 * @return the mesh or NULL.
 */
struct mesh_area *mesh_create(struct module_env *env,
	struct module_func_block **mods, int num_mods,
	const struct mesh_net *net, struct comm_base *base, size_t max_states);

/** Delete a mesh and every state in it (clients get no answer). */
void mesh_delete(struct mesh_area *m);

/**
 * A client query that needs resolution.
 * @param m: the mesh.
 * @param q: the parsed query (question, flags, EDNS).
 * @param rep: the client's comm_reply; a copy is kept to answer later.
 * @param limit: the reply size limit for this client.
 * @return COMM_REPLY_LATER when the answer will be sent later, or
 *	COMM_REPLY_DROP when the mesh is full or out of memory (the caller
 *	answers SERVFAIL itself then: rep->reply is not touched).
 */
int mesh_new_client(struct mesh_area *m, const struct dns_msg *q,
	const struct comm_reply *rep, size_t limit);

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
	/** 1 while an upstream query is outstanding. */
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
 * Drop every state (flush_requestlist): waiting clients get no answer,
 * outstanding upstream queries are cancelled.  Only while the owning
 * worker is stopped (or from its own thread).
 * @param m: the mesh.
 * @return the number of states dropped.
 */
size_t mesh_clear(struct mesh_area *m);

#endif /* SERVICES_MESH_H */
