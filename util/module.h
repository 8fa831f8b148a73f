/*
 * util/module.h - the module interface: how the resolver's modules
 * (validator, iterator) work on a query.
 *
 * A query in progress is a struct module_qstate, owned by the mesh
 * (services/mesh.h).  The mesh calls the current module's operate() with
 * an event; the module does what it can without blocking and leaves its
 * verdict in qstate->ext_state[id]:
 *	MODULE_WAIT_REPLY	it has upstream queries in flight (sent with
 *				env->send_query) and waits for them; each
 *				result is handed to the query's own callback,
 *				then operate() runs with MODULE_EVENT_REPLY;
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
 * The chain is "validator iterator" or "iterator" (module-config), with
 * "cachedb" (the shared cache in Redis) before the iterator if wanted.  A
 * module keeps its per-query state in qstate->minfo[id] (allocated in
 * qstate->region) and its global state in env->modinfo[id].
 *
 * Upstream queries.  A query state may have several upstream queries in
 * flight at once (a second server asked while the first is slow; the
 * same question to two servers).  Each is described by one struct
 * upstream_query and has its own completion callback and argument:
 *
 *	struct upstream_query uq = { ... };
 *	h = env->send_query(q, &uq, my_reply_cb, my_send_record);
 *	...
 *	static void my_reply_cb(struct module_qstate *q, int id, void *arg,
 *	    const struct upstream_reply *r)
 *	{	look at r->result and r->pkt (valid during the call only) }
 *
 * The callback runs from the event loop, never from inside send_query;
 * then the mesh runs operate(MODULE_EVENT_REPLY) for the module that
 * sent the query, so its state machine goes on.  A result of
 * UPSTREAM_SLOW leaves the query in flight (the server is slower than
 * the soft timeout the query asked for); every other result ends it.
 * env->cancel_query ends one early (no callback follows).  The mesh
 * cancels what is left when the query state ends.
 *
 * Budget.  Every client query has one struct query_budget, shared by all
 * the subqueries it causes (name server addresses, DS and DNSKEY, CNAME
 * targets): the mesh refuses an upstream query or a subquery past it
 * (send_query returns NULL, attach_sub RES_ELIMIT) and sets its
 * "exceeded" flag, and the module fails the query with an EDE.  This
 * bounds what one query can make the resolver send (NXNSAttack, Shafir,
 * Afek and Bremler-Barr, 2020).
 *
 * Tracing.  When q->trace is set (resolute-control trace), the mesh and
 * the modules report what they do as struct trace_event values through
 * module_trace(); subqueries inherit the hook.  With q->no_cache the
 * modules neither read answers, delegations nor keys from the caches,
 * so the trace shows what the servers publish now.
 *
 * Everything runs on one worker thread; nothing here is locked.  The
 * network and the clock are reached only through env (send_query, now),
 * so the replay harness can run the real modules against a script.
 */
#ifndef UTIL_MODULE_H
#define UTIL_MODULE_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

struct region;
struct reply;
struct reply_rrset;
struct config;
struct rrset_cache;
struct msg_cache;
struct infra_cache;
struct key_cache;
struct neg_cache;
struct rate_table;
struct rate_domains;
struct module_qstate;
struct mesh_area;
struct random_state;
struct iter_hints;
struct iter_forwards;
struct anchor_set;
struct upstream;
struct comm_base;

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
	/** An upstream query's callback ran (a reply, a timeout, ...). */
	MODULE_EVENT_REPLY,
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

/**
 * One upstream query: everything the module decides about it, carried
 * unchanged from the module through the mesh to the outside network.
 */
struct upstream_query {
	/** The server: address and port. */
	struct sockaddr_storage addr;
	/** Length of addr. */
	socklen_t addrlen;
	/** The question name, wire form; copied when sent. */
	const uint8_t *qname;
	/** Question type and class. */
	uint16_t qtype, qclass;
	/** Header flags to set: MSG_FLAG_RD (forwarders), MSG_FLAG_CD. */
	uint16_t flags;
	/** Add an OPT record (EDNS0, RFC 6891). */
	int edns;
	/** Set DO in it (RFC 3225). */
	int do_bit;
	/** Apply 0x20 to the name (when use-caps-for-id allows it). */
	int caps;
	/** Over TCP. */
	int tcp;
	/** Give up after this many ms (at least 1). */
	int timeout_ms;
	/** Report UPSTREAM_SLOW once after this many ms and keep waiting;
	 * 0 (or not below timeout_ms) for no such report. */
	int slow_ms;
};

/** Results of an upstream query. */
enum upstream_result {
	/** A reply that matches the query (any rcode, TC or not). */
	UPSTREAM_OK = 0,
	/** No reply within the timeout. */
	UPSTREAM_TIMEOUT = 1,
	/** The reply did not echo the 0x20 case of the query name: the
	 * server does not keep case, or a forger guessed the ID but not
	 * the case. */
	UPSTREAM_CAPS_MISMATCH = 2,
	/** The query could not be sent, its TCP connection failed, or the
	 * server's port is closed (ICMP port unreachable). */
	UPSTREAM_ERROR = 3,
	/** slow_ms passed without a reply; the query stays in flight. */
	UPSTREAM_SLOW = 4,
	/** A UDP query's socket received a packet from the server's address
	 * and port that is not its reply (another ID or question): a sign
	 * of an off-path forger guessing.  The query ended there, without
	 * waiting for a reply it could no longer trust; ask over TCP. */
	UPSTREAM_SUSPECT = 5
};

/** What an upstream query's callback gets. */
struct upstream_reply {
	/** An enum upstream_result. */
	int result;
	/** The reply (UPSTREAM_OK, UPSTREAM_CAPS_MISMATCH), else NULL;
	 * valid during the callback only. */
	const uint8_t *pkt;
	/** Its length. */
	size_t len;
	/** Milliseconds from sending to now. */
	int rtt_ms;
	/** 1 when it went over TCP. */
	int is_tcp;
	/** The local port and the ID the query used (0 when never sent;
	 * for logs and for the tests of their randomness). */
	uint16_t port, id;
};

/**
 * The completion callback of one upstream query.
 * @param q: the query state that sent it.
 * @param id: the module that sent it.
 * @param arg: the argument given to send_query.
 * @param r: the result; valid during the call only.
 */
typedef void (*module_reply_cb)(struct module_qstate *q, int id, void *arg,
	const struct upstream_reply *r);

/**
 * The upstream budget of a client query and every subquery it causes;
 * reference counted by the query states that share it (mesh memory).
 */
struct query_budget {
	/** Query states holding it. */
	int refs;
	/** Upstream queries that may still be sent. */
	int upstream_left;
	/** Subqueries that may still be created. */
	int subs_left;
	/** 1 once something was refused for lack of budget. */
	int exceeded;
};

/** What a struct trace_event reports. */
enum trace_kind {
	/** An upstream query was sent: addr, name, type, zone (the zone
	 * whose server it is), num (1 for TCP). */
	TRACE_SEND = 0,
	/** Its result: addr, name, type, num (enum upstream_result),
	 * rcode, count (answer RRs). */
	TRACE_REPLY,
	/** A referral from zone down to name (the child zone). */
	TRACE_REFERRAL,
	/** The iterator's final reply from zone: rep. */
	TRACE_ANSWER,
	/** The DNSKEY RRset of zone checked against the DS (rrset2) or,
	 * for the trust anchor, against the anchor (num 1): rrset is the
	 * DNSKEY RRset or NULL when none came; status and, when bogus,
	 * ede and text. */
	TRACE_DNSKEY,
	/** The DS RRset of name checked with the keys of zone: rrset (NULL
	 * when the reply denied it), status (secure: a DS; insecure: a
	 * signed denial, an insecure delegation; -1: not a zone cut),
	 * ede and text when bogus. */
	TRACE_DS,
	/** One RRSIG checked: rrset (the RRset), tag, alg, inception,
	 * expiration of the RRSIG, zone (signer), num (0 verified, else
	 * the EDE of the failure). */
	TRACE_SIG,
	/** A denial proof for name and type: num (1 NSEC3), status (secure
	 * proven, else not), text says what it proves. */
	TRACE_DENIAL,
	/** The verdict on the whole answer: status, and when bogus, zone
	 * (where the chain broke), ede and text. */
	TRACE_VERDICT
};

/** Validation status in trace events (worst last). */
enum trace_status {
	TRACE_SECURE = 0,
	TRACE_INSECURE = 1,
	TRACE_INDETERMINATE = 2,
	TRACE_BOGUS = 3,
	TRACE_NOT_A_CUT = 4
};

/** One event of a traced query; pointers are valid during the call. */
struct trace_event {
	/** What happened. */
	enum trace_kind kind;
	/** The zone concerned, or NULL. */
	const uint8_t *zone;
	/** A name (see the kind), or NULL. */
	const uint8_t *name;
	/** A type. */
	uint16_t type;
	/** A server, or NULL. */
	const struct sockaddr_storage *addr;
	/** Its length. */
	socklen_t addrlen;
	/** An RRset, or NULL. */
	const struct reply_rrset *rrset;
	/** A second RRset (the DS of a DNSKEY check), or NULL. */
	const struct reply_rrset *rrset2;
	/** A reply, or NULL. */
	const struct reply *rep;
	/** An enum trace_status. */
	int status;
	/** An EDE info code (RFC 8914), or -1. */
	int ede;
	/** An rcode. */
	int rcode;
	/** A number (see the kind). */
	int num;
	/** A count (see the kind). */
	size_t count;
	/** RRSIG key tag and algorithm. */
	uint16_t tag;
	/** Algorithm. */
	uint8_t alg;
	/** RRSIG inception and expiration (RFC 4034 serial form). */
	uint32_t inception, expiration;
	/** Text (a reason), or NULL. */
	const char *text;
};

/** A per-query trace hook (the control channel's trace command). */
struct query_trace {
	/**
	 * Called for every event of a traced query and its subqueries.
	 * @param arg: the arg member.
	 * @param q: the query state it happened in.
	 * @param ev: the event.
	 */
	void (*event)(void *arg, const struct module_qstate *q,
		const struct trace_event *ev);
	/** Passed to event. */
	void *arg;
};

/**
 * The counters of the mesh and the modules of one thread; all uint64_t
 * (the statistics code treats the struct as an array of them).
 */
struct module_counters {
	/** Upstream queries sent and timed out (mesh). */
	uint64_t upstream_queries, upstream_timeouts;
	/** CNAME chains followed, lame servers found (iterator). */
	uint64_t cname_chains, lame;
	/** Validation results (validator). */
	uint64_t secure, insecure, bogus;
	/** Signature verifications run (validator). */
	uint64_t sig_checks;
	/** Referrals whose name server lookups hit the per-referral limit
	 * (iterator). */
	uint64_t target_limit;
	/** Cached delegations whose servers all failed, asked again of
	 * the parent (iterator). */
	uint64_t parent_fallback;
	/** Delegations whose servers all failed, their cached addresses
	 * looked up afresh (iterator). */
	uint64_t target_refetch;
	/** Replies that did not echo the 0x20 case (iterator). */
	uint64_t caps_mismatch;
	/** UDP queries ended by a packet that was not their reply. */
	uint64_t suspect;
	/** Questions asked again over TCP after a sign of spoofing. */
	uint64_t tcp_escalated;
	/** Servers remembered as not keeping 0x20 case. */
	uint64_t caps_disabled;
	/** Servers switched to TCP by unwanted-reply-threshold. */
	uint64_t tcp_servers;
	/** query-compare: pairs of replies compared, agreeing (also within
	 * an address pool), settled by a third server over TCP, with no
	 * majority (SERVFAIL), answered by a single server (the zone has
	 * one, or no second one answered). */
	uint64_t cmp_compared, cmp_agreed, cmp_pool, cmp_majority,
		cmp_failed, cmp_single;
	/** Answers synthesized from cached validated NSEC records
	 * (aggressive-nsec): NXDOMAIN, NODATA, and answers expanded from
	 * a cached wildcard. */
	uint64_t aggressive_nxdomain, aggressive_nodata, aggressive_wildcard;
	/** ratelimit: upstream queries not sent because their zone was over
	 * its rate (SERVFAIL), and those over it sent all the same (1 in
	 * ratelimit-factor) (iterator). */
	uint64_t ratelimited, ratelimit_passed;
	/** The shared cache (cachedb module): answers found in it, not
	 * found (or expired there), answers stored, lookups that failed
	 * (Redis down, an error reply), lookups given up at redis-timeout,
	 * values that were not ours to trust (garbage, truncated, another
	 * version, another question: ignored). */
	uint64_t cachedb_hits, cachedb_misses, cachedb_stores,
		cachedb_errors, cachedb_timeouts, cachedb_bad_values;
	/** Redis Cluster: MOVED and ASK redirections followed, slot maps
	 * read. */
	uint64_t cachedb_moved, cachedb_ask, cachedb_map_reads;
	/** Time from a shared cache lookup to its reply: bucket 0 counts
	 * replies below 0.5 ms, bucket i (1-6) those in [2^(i-2), 2^(i-1))
	 * ms, bucket 7 those of 32 ms and more. */
	uint64_t cachedb_lat[8];
};

/** Buckets of module_counters.cachedb_lat. */
#define CACHEDB_LAT_BUCKETS 8

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
	/** NSEC index for aggressive use of the cache (validator), or
	 * NULL when aggressive-nsec is off. */
	struct neg_cache *neg_cache;
	/** Root hints. */
	struct iter_hints *hints;
	/** Forward and stub zones. */
	struct iter_forwards *fwds;
	/** Trust anchors and negative trust anchors (validator). */
	struct anchor_set *anchors;
	/** ratelimit counters per zone, shared by the threads (they lock
	 * themselves). */
	struct rate_table *zone_rate;
	/** ratelimit-for-domain and ratelimit-below-domain. */
	const struct rate_domains *rate_domains;
	/** The current time (seconds), updated per event batch. */
	time_t *now;
	/** CSPRNG of this thread; NULL where choices must be fixed (the
	 * replay harness): then no server is picked at random. */
	struct random_state *rnd;
	/** The mesh of this worker. */
	struct mesh_area *mesh;
	/** 1 when the validator is in the chain (module-config). */
	int validating;
	/** The event base of this worker, or NULL (the replay harness):
	 * for modules that talk to something else than DNS servers (the
	 * cachedb module's Redis connections). */
	struct comm_base *base;
	/**
	 * Send an upstream query for a query state (see the top of this
	 * file).
	 * @param q: the query state; the current module is the sender.
	 * @param uq: what to send; copied.
	 * @param cb: its completion callback.
	 * @param arg: passed to cb.
	 * @return a handle for cancel_query, valid until cb is called with
	 *	a final result; NULL when it was not sent (budget spent: then
	 *	q->budget->exceeded is set; address family off, no socket,
	 *	out of memory): no callback follows.
	 */
	struct upstream *(*send_query)(struct module_qstate *q,
		const struct upstream_query *uq, module_reply_cb cb, void *arg);
	/**
	 * Cancel an upstream query of q: no callback follows.
	 * @param q: the query state that sent it.
	 * @param h: its handle.
	 */
	void (*cancel_query)(struct module_qstate *q, struct upstream *h);
	/**
	 * Attach a subquery to q: an existing state for the same question
	 * is joined, else one is created and started.  A subquery that would
	 * wait on one of its own ancestors (a cycle) is refused.
	 * @param prime: 0, or MODULE_SUB_PRIME for a priming query (root
	 *	NS from the hints), MODULE_SUB_REFETCH for a question to be
	 *	resolved afresh, not answered from the cache (an address of a
	 *	name server that did not answer at its cached address).
	 * @return 0, RES_ELIMIT (cycle, depth or budget), RES_ENOMEM.
	 */
	int (*attach_sub)(struct module_qstate *q, const struct query_info *qi,
		uint16_t qflags, int prime);
	/**
	 * Send a question nobody waits for (RFC 8145 key tags): resolved
	 * later, past the cache, with CD.  May be NULL.
	 * @return 1 when queued, 0 when not.
	 */
	int (*signal_query)(struct module_env *env,
		const struct query_info *qi);
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
	/**
	 * Resume a query state that waits in module id (MODULE_WAIT_REPLY)
	 * for something that is not an upstream query (the cachedb
	 * module's Redis lookups): operate() runs with MODULE_EVENT_REPLY.
	 * Call it from the event loop only, never from inside operate().
	 */
	void (*wake)(struct module_qstate *q, int id);
	/** Per-module global state. */
	void *modinfo[MODULE_MAX];
	/** Counters the mesh and the modules bump (summed into stats). */
	struct module_counters ctr;
};

/** attach_sub: a priming query. */
#define MODULE_SUB_PRIME 1
/** attach_sub: resolve afresh, not from the cache. */
#define MODULE_SUB_REFETCH 2

/** Most servers one query avoids after bogus answers. */
#define MODULE_MAX_AVOID 8

/** Servers a query does not ask again (see module_qstate avoid). */
struct module_avoid {
	/** The addresses and their lengths. */
	struct sockaddr_storage addr[MODULE_MAX_AVOID];
	socklen_t len[MODULE_MAX_AVOID];
	/** How many. */
	int n;
};

/** A query in progress. */
struct module_qstate {
	/** The question. */
	struct query_info qinfo;
	/** Query flags that change the answer: MSG_FLAG_RD, MSG_FLAG_CD. */
	uint16_t query_flags;
	/** 1 for a root priming query. */
	int is_priming;
	/** 1 when the modules must not read the caches (a trace). */
	int no_cache;
	/** 1 when the iterator must not answer from the caches (it still
	 * uses cached delegations): a restart after a bogus answer. */
	int no_answer_cache;
	/** Restarts so far (the validator's, after bogus answers). */
	int restarts;
	/** Servers this query does not ask again (they gave bogus data),
	 * or NULL (region memory). */
	struct module_avoid *avoid;
	/** The validator's state of the first bogus answer, kept across
	 * restarts for the final verdict, or NULL. */
	void *val_saved;
	/** The server whose reply ended the iterator's work (answer,
	 * negative answer), and the zone it was asked for; addrlen 0 when
	 * the answer came from the cache.  Set by the iterator, read by the
	 * validator to avoid that server after a bogus answer. */
	struct sockaddr_storage answer_addr;
	socklen_t answer_addrlen;
	const uint8_t *answer_zone;
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
	/** The upstream budget shared with the client query's other
	 * states; never NULL while the state lives. */
	struct query_budget *budget;
	/** The trace hook, or NULL (almost always). */
	const struct query_trace *trace;
	/** Absolute time after which the query gives up. */
	time_t deadline;
	/** Nesting depth: 0 for client queries, +1 per subquery level. */
	int depth;
};

/**
 * Is an address among those a query avoids?
 * @return 1 or 0.
 */
static inline int
module_avoids(const struct module_qstate *q,
    const struct sockaddr_storage *a, socklen_t len)
{
	int i;

	for (i = 0; q->avoid && i < q->avoid->n; i++) {
		if (q->avoid->len[i] == len &&
		    memcmp(&q->avoid->addr[i], a, len) == 0) {
			return 1;
		}
	}
	return 0;
}

/**
 * Report an event of a traced query (nothing when q is not traced).
 * @param q: the query state.
 * @param ev: the event.
 */
static inline void
module_trace(const struct module_qstate *q, const struct trace_event *ev)
{
	if (q->trace) {
		q->trace->event(q->trace->arg, q, ev);
	}
}

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
	/** The whole chain is done with the query (q->return_msg, with the
	 * validator's verdict, or NULL for SERVFAIL), just before the
	 * answer goes out; NULL for modules that need not know (the
	 * cachedb module stores the final answer here, so a bogus one is
	 * never shared). */
	void (*finished)(struct module_qstate *q, int id);
};

#endif /* UTIL_MODULE_H */
