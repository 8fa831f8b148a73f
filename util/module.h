/*
 * util/module.h - the module interface: how the resolver's modules
 * (validator, iterator) work on a query.
 *
 * A query in progress is a struct module_qstate, owned by the mesh
 * (services/mesh.h).  The mesh calls the current module's operate() with an
 * event; the module does what it can without blocking and leaves its
 * verdict in qstate->ext_state[id]:
 *	MODULE_WAIT_REPLY	it sent upstream queries (through
 *				env->send_query) and waits for a reply event;
 *	MODULE_WAIT_SUBQUERY	it attached subqueries (env->attach_sub) and
 *				waits; each finished subquery is reported to
 *				it through inform_super(), then operate() runs
 *				again with MODULE_EVENT_PASS;
 *	MODULE_WAIT_MODULE	pass the query to the next module of the chain
 *				(its result comes back as MODULE_EVENT_MODDONE);
 *	MODULE_FINISHED		done: the answer is qstate->return_msg (or
 *				return_rcode when there is no message);
 *	MODULE_ERROR		failed: the client gets SERVFAIL (with the EDE
 *				in qstate->ede / ede_text when set).
 * The chain is "validator iterator" or "iterator" (module-config).  A
 * module keeps its per-query state in qstate->minfo[id] (allocated in
 * qstate->region) and its global state in env->modinfo[id].
 *
 * Everything runs on one worker thread; nothing here is locked.  The
 * network and the clock are reached only through env (send_query, now),
 * so the replay harness can run the real modules against a script.
 */
#ifndef UTIL_MODULE_H
#define UTIL_MODULE_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

struct region;
struct reply;
struct config;
struct rrset_cache;
struct msg_cache;
struct infra_cache;
struct key_cache;
struct module_qstate;
struct mesh_area;
struct random_state;
struct iter_hints;
struct iter_forwards;
struct anchor_set;

/** Most modules in a chain. */
#define MODULE_MAX 4

/** The verdict of a module on a query. */
enum module_ext_state {
	MODULE_STATE_INITIAL = 0,
	MODULE_WAIT_REPLY,
	MODULE_WAIT_MODULE,
	MODULE_WAIT_SUBQUERY,
	MODULE_ERROR,
	MODULE_FINISHED
};

/** Why operate() is called. */
enum module_ev {
	/** A new query. */
	MODULE_EVENT_NEW = 0,
	/** Passed from the previous module, or a subquery finished. */
	MODULE_EVENT_PASS,
	/** A reply from upstream arrived (qstate->reply_*). */
	MODULE_EVENT_REPLY,
	/** An upstream query timed out or failed. */
	MODULE_EVENT_NOREPLY,
	/** The reply did not echo the 0x20 capitalisation. */
	MODULE_EVENT_CAPSFAIL,
	/** The next module finished. */
	MODULE_EVENT_MODDONE,
	/** An error (out of memory, ...). */
	MODULE_EVENT_ERROR
};

/** The question of a query. */
struct query_info {
	/** Query name, wire form (region memory). */
	uint8_t *qname;
	/** Its length. */
	size_t qname_len;
	/** Type and class. */
	uint16_t qtype, qclass;
};

/** Options of one upstream query (env->send_query). */
struct module_send {
	/** Send over TCP. */
	int tcp;
	/** Add an OPT record (EDNS0). */
	int edns;
	/** Set DO in the OPT record. */
	int do_bit;
	/** Set CD. */
	int cd;
	/** Set RD (queries to forwarders). */
	int rd;
	/** Use 0x20 on this query. */
	int caps;
	/** Timeout in ms. */
	int timeout_ms;
};

/** What a module can reach: caches, network, clock, configuration. */
struct module_env {
	/** The configuration. */
	const struct config *cfg;
	/** Shared caches (they lock themselves). */
	struct rrset_cache *rrset_cache;
	/** Message cache. */
	struct msg_cache *msg_cache;
	/** Infra cache: RTT, EDNS, lameness per server and zone. */
	struct infra_cache *infra_cache;
	/** Key cache (validator). */
	struct key_cache *key_cache;
	/** Root hints. */
	struct iter_hints *hints;
	/** Forward and stub zones. */
	struct iter_forwards *fwds;
	/** Trust anchors and negative trust anchors (validator). */
	struct anchor_set *anchors;
	/** The current time (seconds), updated per event batch. */
	time_t *now;
	/** CSPRNG of this thread. */
	struct random_state *rnd;
	/** The mesh of this worker. */
	struct mesh_area *mesh;
	/**
	 * Send a query upstream for a qstate; the reply comes back as
	 * MODULE_EVENT_REPLY / NOREPLY / CAPSFAIL to the module that sent it.
	 * One outstanding query per qstate.
	 * @return 0, or an error (the module treats it as NOREPLY at once).
	 */
	int (*send_query)(struct module_qstate *q,
		const struct sockaddr_storage *addr, socklen_t addrlen,
		const uint8_t *qname, uint16_t qtype, uint16_t qclass,
		const struct module_send *opt);
	/**
	 * Attach a subquery to q: an existing state for the same question
	 * is joined, else one is created and started.  A subquery that would
	 * wait on one of its own ancestors (a cycle) is refused.
	 * @param prime: 1 for a priming query (root NS from the hints).
	 * @return 0, RES_ELIMIT (cycle or limit), RES_ENOMEM.
	 */
	int (*attach_sub)(struct module_qstate *q, const struct query_info *qi,
		uint16_t qflags, int prime);
	/**
	 * Told of every bogus result (dump_diag's ring), or NULL.
	 * @param arg: note_bogus_arg.
	 * @param qname, qtype: the question.
	 * @param ede: its Extended DNS Error code (RFC 8914).
	 * @param reason: the reason text, valid during the call.
	 */
	void (*note_bogus)(void *arg, const uint8_t *qname, uint16_t qtype,
		int ede, const char *reason);
	/** Passed to note_bogus. */
	void *note_bogus_arg;
	/** Per-module global state. */
	void *modinfo[MODULE_MAX];
	/** Counters the modules bump (summed into stats). */
	uint64_t num_upstream_queries, num_upstream_timeouts, num_cname_chains,
		num_lame;
	/** Validation results (validator). */
	uint64_t num_secure, num_insecure, num_bogus, num_sig_checks;
};

/** A query in progress. */
struct module_qstate {
	/** The question. */
	struct query_info qinfo;
	/** Query flags that change the answer: MSG_FLAG_RD, MSG_FLAG_CD. */
	uint16_t query_flags;
	/** 1 for a root priming query. */
	int is_priming;
	/** Memory freed with the query. */
	struct region *region;
	/** The answer, when finished. */
	struct reply *return_msg;
	/** Rcode when there is no return_msg (SERVFAIL mostly). */
	int return_rcode;
	/** EDE info code for the client (RFC 8914), or -1. */
	int ede;
	/** EDE text, or NULL (region memory). */
	const char *ede_text;
	/** The environment. */
	struct module_env *env;
	/** Verdicts per module. */
	enum module_ext_state ext_state[MODULE_MAX];
	/** Per-module state. */
	void *minfo[MODULE_MAX];
	/** The module now working on the query. */
	int curmod;
	/** The mesh's state for this query. */
	struct mesh_state *mesh_info;
	/** The upstream reply of a MODULE_EVENT_REPLY (valid in the call). */
	const uint8_t *reply_pkt;
	/** Its length. */
	size_t reply_len;
	/** Round-trip time of that reply, ms. */
	int reply_rtt;
	/** Absolute time after which the query gives up. */
	time_t deadline;
	/** Nesting depth: 0 for client queries, +1 per subquery level. */
	int depth;
};

/** A module. */
struct module_func_block {
	/** Name, as in module-config. */
	const char *name;
	/** Set up env->modinfo[id]; 0 or an error (logged). */
	int (*init)(struct module_env *env, int id);
	/** Free env->modinfo[id]. */
	void (*deinit)(struct module_env *env, int id);
	/** Work on a query (see the top of this file). */
	void (*operate)(struct module_qstate *q, enum module_ev ev, int id);
	/** A subquery of super finished; q is the subquery. */
	void (*inform_super)(struct module_qstate *q, int id,
		struct module_qstate *super);
	/** The query is being deleted: cancel what the module holds. */
	void (*clear)(struct module_qstate *q, int id);
};

#endif /* UTIL_MODULE_H */
