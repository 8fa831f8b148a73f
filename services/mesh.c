/*
 * services/mesh.c - queries in progress, their subqueries, their upstream
 * queries and the module chain (see mesh.h).
 *
 * Lists a state is on:
 *	the hash (by key, for joining) and the list of all states;
 *	the client list, in the order the states got their first network
 *	client, while they have one: its head is the oldest, the state a
 *	full mesh replaces;
 *	the run queue while it waits to run;
 *	its upstream list, the upstream queries it has in flight (struct
 *	upstream, region memory, unlinked when they end).
 */
#include "config.h"
#include "services/mesh.h"
#include "services/outside_network.h"
#include "util/answer.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include "util/msg.h"
#include "util/netevent.h"
#include "util/region.h"
#include "util/reply.h"
#include "util/rrtype.h"
#include "cache/dns.h"
#include "cache/rrset.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/** Fewest ms between two runs of the clients' deadlines. */
#define MESH_TICK_MIN_MS 10
/** Seconds a query may take in all before it gives up (SERVFAIL). */
#define MESH_QUERY_DEADLINE 12
/** Subqueries of one state deleted with it (mesh_state_delete_tree());
 * more are left to finish. */
#define MESH_MAX_ORPHANS 16
/** Deepest subquery nesting. */
#define MESH_MAX_DEPTH 12
/** Default num-queries-per-thread. */
#define MESH_DEFAULT_STATES 1024
/** Fewest hash buckets. */
#define MESH_MIN_BUCKETS 64

/** A client waiting for a state's answer: a network client or, with cb
 * set, a function. */
struct mesh_reply {
	/** Next client of the same state. */
	struct mesh_reply *next;
	/** A callback client's function, or NULL for a network client. */
	mesh_cb_func cb;
	/** Its argument. */
	void *cbarg;
	/** Where to send (the reply function). */
	struct comm_reply rep;
	/** The client, as the answer encoder needs it (util/answer.h);
	 * to.qname points to qname. */
	struct answer_to to;
	/** The client's qname as sent (case kept, for the echo). */
	uint8_t qname[DNAME_MAXLEN];
	/** When the query arrived. */
	struct timeval start;
	/** 1 once the cache had no expired data for it at
	 * serve-expired-client-timeout. */
	int stale_tried;
};

/** A link between a state and a sub- or superquery. */
struct mesh_ref {
	/** Next link. */
	struct mesh_ref *next;
	/** The other state. */
	struct mesh_state *s;
};

/** An upstream query of a state: the handle modules get. */
struct upstream {
	/** The state that sent it. */
	struct mesh_state *ms;
	/** The module that sent it. */
	int module;
	/** Its callback and argument. */
	module_reply_cb cb;
	/** The argument. */
	void *arg;
	/** The outside network's handle; NULL once it ended. */
	struct outnet_query *oq;
	/** Doubly linked list of the state's queries in flight. */
	struct upstream *prev, *next;
};

/** A query in progress. */
struct mesh_state {
	/** The module query state; first, so a qstate pointer converts. */
	struct module_qstate s;
	/** The mesh. */
	struct mesh_area *mesh;
	/** Next in the hash chain. */
	struct mesh_state *hnext;
	/** Hash of the key. */
	uint32_t hash;
	/** All states list. */
	struct mesh_state *prev, *next;
	/** Clients waiting, network and callback. */
	struct mesh_reply *replies;
	/** How many of them are network clients. */
	size_t nclients;
	/** The client list (while nclients > 0). */
	struct mesh_state *cprev, *cnext;
	/** When it got its first network client (its place in the list). */
	struct timeval client_since;
	/** States waiting for this one. */
	struct mesh_ref *supers;
	/** States this one waits for. */
	struct mesh_ref *subs;
	/** Upstream queries in flight. */
	struct upstream *upstreams;
	/** 1 while on the run queue. */
	int queued;
	/** Event to run with when dequeued. */
	enum module_ev queued_ev;
	/** Next on the run queue. */
	struct mesh_state *run_next;
	/** 1 once finished (answered and being deleted). */
	int done;
};

struct mesh_area {
	/** The environment. */
	struct module_env *env;
	/** The chain. */
	struct module_func_block *mods[MODULE_MAX];
	/** Modules in the chain. */
	int num_mods;
	/** Upstream network. */
	struct outside_network *outnet;
	/** Event base, for the clock. */
	struct comm_base *base;
	/** How network clients are answered. */
	mesh_reply_func reply;
	/** Its argument. */
	void *reply_arg;
	/** Hash buckets. */
	struct mesh_state **buckets;
	/** Their number, a power of two. */
	size_t nbuckets;
	/** All states. */
	struct mesh_state *all;
	/** States now. */
	size_t count;
	/** Client list: head (oldest) and tail. */
	struct mesh_state *chead, *ctail;
	/** States with network clients now (the length of that list). */
	size_t client_count;
	/** num-queries-per-thread. */
	size_t max_states;
	/** jostle-timeout, ms. */
	int jostle_ms;
	/** Run queue, FIFO. */
	struct mesh_state *run_head, *run_tail;
	/** 1 while draining the run queue. */
	int running;
	/** Encoding buffer for replies. */
	uint8_t *buf;
	/** 1 when the chain validates (unvalidated cache entries then
	 * answer only CD clients). */
	int validating;
	/** 1 when a module of the chain has a finished() function. */
	int has_finished;
	/** The clients' deadlines (mesh_tick()); NULL without a base. */
	struct comm_timer *timer;
	/** 1 while it is armed. */
	int timer_armed;
	/** Counters. */
	struct mesh_stats stats;
};

static void mesh_run_queue(struct mesh_area *m);
static void mesh_state_delete(struct mesh_state *ms);
static void mesh_clock(struct mesh_area *m);
static void mesh_timer_cb(void *arg);
static int mesh_reply_stale(struct mesh_area *m, struct mesh_reply *mr);

/** The time now, as the worker's event loop last read it. */
static struct timeval
mesh_now_tv(const struct mesh_area *m)
{
	struct timeval tv;

	if (m->base) {
		return *comm_base_timeval(m->base);
	}
	gettimeofday(&tv, NULL);
	return tv;
}

/** Milliseconds from a to b (0 when b is earlier). */
static long
mesh_ms_between(const struct timeval *a, const struct timeval *b)
{
	long ms = (long)(b->tv_sec - a->tv_sec) * 1000 +
	    (long)(b->tv_usec - a->tv_usec) / 1000;

	return ms < 0 ? 0 : ms;
}

/** Key hash: name without case, type, class, CD, priming, trace. */
static uint32_t
mesh_hash(const struct query_info *qi, uint16_t qflags, int prime,
    const struct query_trace *trace)
{
	uint32_t h = dname_hash(qi->qname, 0x5eed);

	h ^= ((uint32_t)qi->qtype << 16) ^ qi->qclass;
	h ^= (uint32_t)(qflags & MSG_FLAG_CD) << 8;
	h ^= (uint32_t)(prime & MODULE_SUB_PRIME) * 0x9e3779b1u;
	h ^= (uint32_t)((uintptr_t)trace >> 4) * 0x27d4eb2fu;
	h *= 0x85ebca6bu;
	return h ^ (h >> 15);
}

/**
 * 1 when state ms has the key.  how is MODULE_SUB_PRIME for a priming
 * query; with MODULE_SUB_REFETCH only a state that does not answer from
 * the cache matches (it shares the hash of the plain question).
 */
static int
mesh_key_equal(const struct mesh_state *ms, const struct query_info *qi,
    uint16_t qflags, int how, const struct query_trace *trace)
{
	return ms->s.qinfo.qtype == qi->qtype &&
	    ms->s.qinfo.qclass == qi->qclass &&
	    ms->s.is_priming == ((how & MODULE_SUB_PRIME) != 0) &&
	    (!(how & MODULE_SUB_REFETCH) || ms->s.no_answer_cache) &&
	    ms->s.trace == trace &&
	    (ms->s.query_flags & MSG_FLAG_CD) == (qflags & MSG_FLAG_CD) &&
	    dname_equal(ms->s.qinfo.qname, qi->qname);
}

/** Find a state by key. */
static struct mesh_state *
mesh_find(struct mesh_area *m, const struct query_info *qi, uint16_t qflags,
    int prime, const struct query_trace *trace, uint32_t h)
{
	struct mesh_state *s = m->buckets[h & (m->nbuckets - 1)];

	for (; s; s = s->hnext) {
		if (s->hash == h && !s->done &&
		    mesh_key_equal(s, qi, qflags, prime, trace)) {
			return s;
		}
	}
	return NULL;
}

/** Put a state on the run queue (once). */
static void
mesh_schedule(struct mesh_state *ms, enum module_ev ev)
{
	struct mesh_area *m = ms->mesh;

	if (ms->queued || ms->done) {
		return;
	}
	ms->queued = 1;
	ms->queued_ev = ev;
	ms->run_next = NULL;
	if (m->run_tail) {
		m->run_tail->run_next = ms;
	} else {
		m->run_head = ms;
	}
	m->run_tail = ms;
}

/** A new budget for a client query (NULL when out of memory). */
static struct query_budget *
mesh_budget_new(int upstream, int subs)
{
	struct query_budget *b = calloc(1, sizeof(*b));

	if (b) {
		b->refs = 1;
		b->upstream_left = upstream;
		b->subs_left = subs;
	}
	return b;
}

/** Release a state's hold on its budget. */
static void
mesh_budget_release(struct query_budget *b)
{
	if (b && --b->refs == 0) {
		free(b);
	}
}

/**
 * Spend one unit of a budget counter.
 * @return 1 when spent, 0 when it ran out (the budget is marked and the
 *	first refusal of a budget counted).
 */
static int
mesh_budget_spend(struct mesh_area *m, struct query_budget *b, int *left)
{
	if (*left > 0) {
		(*left)--;
		return 1;
	}
	if (!b->exceeded) {
		b->exceeded = 1;
		m->stats.num_budget_exceeded++;
	}
	return 0;
}

/**
 * Create a state (not yet run).
 * @param budget: the budget to share (a reference is taken), or NULL
 *	for a new one of the given size.
 */
static struct mesh_state *
mesh_state_create(struct mesh_area *m, const struct query_info *qi,
    uint16_t qflags, int prime, const struct query_trace *trace,
    uint32_t h, struct query_budget *budget, int up, int subs)
{
	struct region *r = region_create();
	struct mesh_state *ms;

	if (!r) {
		return NULL;
	}
	ms = region_zalloc(r, sizeof(*ms));
	if (!ms || !(ms->s.qinfo.qname = region_copy(r, qi->qname,
	    qi->qname_len))) {
		region_delete(r);
		return NULL;
	}
	if (budget) {
		budget->refs++;
		ms->s.budget = budget;
	} else if (!(ms->s.budget = mesh_budget_new(up, subs))) {
		region_delete(r);
		return NULL;
	}
	ms->s.region = r;
	ms->s.qinfo.qname_len = qi->qname_len;
	ms->s.qinfo.qtype = qi->qtype;
	ms->s.qinfo.qclass = qi->qclass;
	ms->s.query_flags = qflags & (MSG_FLAG_RD | MSG_FLAG_CD);
	ms->s.is_priming = (prime & MODULE_SUB_PRIME) != 0;
	ms->s.no_answer_cache = (prime & MODULE_SUB_REFETCH) != 0;
	ms->s.trace = trace;
	ms->s.no_cache = trace != NULL;
	ms->s.env = m->env;
	ms->s.return_rcode = MSG_RCODE_SERVFAIL;
	ms->s.ede = -1;
	ms->s.mesh_info = ms;
	ms->s.deadline = *m->env->now + MESH_QUERY_DEADLINE;
	ms->mesh = m;
	ms->hash = h;
	ms->hnext = m->buckets[h & (m->nbuckets - 1)];
	m->buckets[h & (m->nbuckets - 1)] = ms;
	ms->next = m->all;
	if (m->all) {
		m->all->prev = ms;
	}
	m->all = ms;
	m->count++;
	if (m->count > m->stats.max_states) {
		m->stats.max_states = m->count;
	}
	return ms;
}

/** answer-timeout in ms, 0 for none. */
static long
mesh_answer_timeout(const struct mesh_area *m)
{
	return m->env->cfg ? m->env->cfg->answer_timeout : 0;
}

/** serve-expired-client-timeout in ms when serve-expired is on and it is
 * set, else 0. */
static long
mesh_stale_timeout(const struct mesh_area *m)
{
	const struct config *cfg = m->env->cfg;

	return cfg && cfg->serve_expired ? cfg->serve_expired_client_timeout :
	    0;
}

/** The ms after its arrival at which a network client is next due, or
 * -1 when it never is. */
static long
mesh_client_due(const struct mesh_area *m, const struct mesh_reply *mr)
{
	long st = mesh_stale_timeout(m), at = mesh_answer_timeout(m);

	if (st > 0 && !mr->stale_tried && (at <= 0 || st < at)) {
		return st;
	}
	return at > 0 ? at : -1;
}

/** The earliest deadline of a state's network clients, in ms from now
 * (0 when passed), or -1 for none. */
static long
mesh_state_due(const struct mesh_state *ms, const struct timeval *now)
{
	const struct mesh_reply *mr;
	long best = -1;

	for (mr = ms->replies; mr; mr = mr->next) {
		long due, left;

		if (mr->cb || (due = mesh_client_due(ms->mesh, mr)) < 0) {
			continue;
		}
		left = due - mesh_ms_between(&mr->start, now);
		if (left < 0) {
			left = 0;
		}
		if (best < 0 || left < best) {
			best = left;
		}
	}
	return best;
}

/** The earliest deadline of all network clients in ms from now, or -1. */
static long
mesh_first_deadline(const struct mesh_area *m)
{
	struct timeval now = mesh_now_tv(m);
	const struct mesh_state *ms;
	long best = -1;

	if (mesh_answer_timeout(m) <= 0 && mesh_stale_timeout(m) <= 0) {
		return -1;
	}
	for (ms = m->chead; ms; ms = ms->cnext) {
		long d = mesh_state_due(ms, &now);

		if (d >= 0 && (best < 0 || d < best)) {
			best = d;
		}
		if (best == 0) {
			break;
		}
	}
	return best;
}

/** Arm the deadline timer ms from now, or leave it off for -1. */
static void
mesh_timer_arm(struct mesh_area *m, long ms)
{
	if (!m->timer || ms < 0) {
		return;
	}
	/* Deadlines close together share one wake-up. */
	if (ms < MESH_TICK_MIN_MS) {
		ms = MESH_TICK_MIN_MS;
	}
	if (comm_timer_set(m->timer, ms > INT_MAX ? INT_MAX : (int)ms) ==
	    RES_OK) {
		m->timer_armed = 1;
	}
}

/** Put a state at the tail of the client list (its first client). */
static void
mesh_client_list_add(struct mesh_state *ms)
{
	struct mesh_area *m = ms->mesh;

	ms->client_since = mesh_now_tv(m);
	ms->cnext = NULL;
	ms->cprev = m->ctail;
	if (m->ctail) {
		m->ctail->cnext = ms;
	} else {
		m->chead = ms;
	}
	m->ctail = ms;
	m->client_count++;
	if (!m->timer_armed) {
		mesh_timer_arm(m, mesh_first_deadline(m));
	}
}

/** Take a state off the client list (its last client is gone). */
static void
mesh_client_list_remove(struct mesh_state *ms)
{
	struct mesh_area *m = ms->mesh;

	if (ms->cprev) {
		ms->cprev->cnext = ms->cnext;
	} else {
		m->chead = ms->cnext;
	}
	if (ms->cnext) {
		ms->cnext->cprev = ms->cprev;
	} else {
		m->ctail = ms->cprev;
	}
	ms->cprev = ms->cnext = NULL;
	m->client_count--;
}

/**
 * Remove the clients of a state: network clients get no answer, callback
 * clients are told the state was cancelled.
 * @param ms: the state.
 * @param callbacks: 1 to remove callback clients too, 0 to keep them.
 */
static void
mesh_drop_clients(struct mesh_state *ms, int callbacks)
{
	struct mesh_reply **pp = &ms->replies;

	while (*pp) {
		struct mesh_reply *mr = *pp;

		if (mr->cb && !callbacks) {
			pp = &mr->next;
			continue;
		}
		*pp = mr->next;
		if (mr->cb) {
			struct mesh_result res;

			memset(&res, 0, sizeof(res));
			res.cancelled = 1;
			res.rcode = MSG_RCODE_SERVFAIL;
			res.ede = -1;
			mr->cb(mr->cbarg, &res);
		} else if (--ms->nclients == 0) {
			mesh_client_list_remove(ms);
		}
		free(mr);
	}
}

/** Cancel every upstream query a state has in flight. */
static void
mesh_cancel_upstreams(struct mesh_state *ms)
{
	while (ms->upstreams) {
		struct upstream *u = ms->upstreams;

		ms->upstreams = u->next;
		outnet_cancel(u->oq);
		u->oq = NULL;
		u->prev = u->next = NULL;
	}
}

/** Unlink a state from the hash and list, cancel its upstream queries,
 * clear its modules and free it.  Links and clients must be gone. */
static void
mesh_state_free(struct mesh_state *ms)
{
	struct mesh_area *m = ms->mesh;
	struct mesh_state **pp;
	int i;

	for (pp = &m->buckets[ms->hash & (m->nbuckets - 1)]; *pp;
	    pp = &(*pp)->hnext) {
		if (*pp == ms) {
			*pp = ms->hnext;
			break;
		}
	}
	if (ms->prev) {
		ms->prev->next = ms->next;
	} else {
		m->all = ms->next;
	}
	if (ms->next) {
		ms->next->prev = ms->prev;
	}
	m->count--;
	mesh_cancel_upstreams(ms);
	for (i = 0; i < m->num_mods; i++) {
		if (m->mods[i]->clear) {
			m->mods[i]->clear(&ms->s, i);
		}
	}
	mesh_budget_release(ms->s.budget);
	region_delete(ms->s.region);
}

/** Remove the link to other from a list. */
static void
mesh_unlink(struct mesh_ref **list, struct mesh_state *other)
{
	struct mesh_ref **pp;

	for (pp = list; *pp; pp = &(*pp)->next) {
		if ((*pp)->s == other) {
			struct mesh_ref *r = *pp;

			*pp = r->next;
			free(r);
			return;
		}
	}
}

/** Delete a state: drop its links both ways and its clients, then free
 * it. */
static void
mesh_state_delete(struct mesh_state *ms)
{
	struct mesh_ref *r, *next;
	struct mesh_area *m = ms->mesh;
	struct mesh_state **pp;

	for (r = ms->subs; r; r = next) {
		next = r->next;
		mesh_unlink(&r->s->supers, ms);
		free(r);
	}
	ms->subs = NULL;
	for (r = ms->supers; r; r = next) {
		next = r->next;
		mesh_unlink(&r->s->subs, ms);
		free(r);
	}
	ms->supers = NULL;
	/* Off the run queue (rarely on it: a finished state is deleted
	 * while it runs, so the walk is only for deletes from outside). */
	if (ms->queued) {
		for (pp = &m->run_head; *pp; pp = &(*pp)->run_next) {
			if (*pp == ms) {
				*pp = ms->run_next;
				break;
			}
		}
		m->run_tail = NULL;
		for (pp = &m->run_head; *pp; pp = &(*pp)->run_next) {
			m->run_tail = *pp;
		}
		ms->queued = 0;
	}
	mesh_drop_clients(ms, 1);
	mesh_state_free(ms);
}

/** Count a reply to a network client and its resolution time. */
static void
mesh_count_reply(struct mesh_area *m, const struct mesh_reply *mr, int rcode)
{
	struct timeval now = mesh_now_tv(m);
	int64_t us;
	int b;

	m->stats.num_replies++;
	m->stats.ans_rcode[rcode & 0xf]++;
	us = (int64_t)(now.tv_sec - mr->start.tv_sec) * 1000000 +
	    (now.tv_usec - mr->start.tv_usec);
	if (us < 0) {
		us = 0;
	}
	m->stats.sum_rec_time_us += (uint64_t)us;
	for (b = 0; b < MESH_HIST_BUCKETS - 1 && (us >> (b + 1)) != 0; b++) {
		;
	}
	m->stats.rec_hist[b]++;
}

/** Encode and send the answer to one network client. */
static void
mesh_send_reply(struct mesh_state *ms, struct mesh_reply *mr)
{
	struct mesh_area *m = ms->mesh;
	const struct reply *rep = ms->s.return_msg;
	const struct config *cfg = m->env->cfg;
	struct answer_opts ao;
	size_t len = 0;
	int rcode = rep ? rep->rcode : ms->s.return_rcode;
	int ede = rep && rep->ede >= 0 ? rep->ede : ms->s.ede;
	const char *ede_text = rep && rep->ede >= 0 ? rep->ede_text :
	    ms->s.ede_text;

	if ((rcode & 0xf) == MSG_RCODE_SERVFAIL && (!rep ||
	    rep->security != RRSET_SEC_BOGUS) && mesh_reply_stale(m, mr)) {
		/* Upstream failed: expired data, if kept (RFC 8767). */
		return;
	}
	memset(&ao, 0, sizeof(ao));
	ao.edns_size = (uint16_t)cfg->edns_buffer_size;
	ao.ede = cfg->ede;
	if (answer_reply(&mr->to, &ao, rep, rcode & 0xfff, rep &&
	    rep->security == RRSET_SEC_SECURE, ede, ede_text, m->buf,
	    MSG_MAX_LEN, &len) != RES_OK) {
		return;
	}
	(void)m->reply(m->reply_arg, &mr->rep, m->buf, len);
	mesh_count_reply(m, mr, rcode);
	if (ede >= 0) {
		m->stats.ans_ede[mesh_ede_slot(ede)]++;
	}
}

/**
 * Answer one network client from expired data in the cache, if there is
 * some (serve-expired).
 * @return 1 when answered.
 */
static int
mesh_reply_stale(struct mesh_area *m, struct mesh_reply *mr)
{
	const struct config *cfg = m->env->cfg;
	struct answer_opts ao;
	size_t len = 0;

	if (!cfg || !cfg->serve_expired || mr->cb) {
		return 0;
	}
	memset(&ao, 0, sizeof(ao));
	ao.edns_size = (uint16_t)cfg->edns_buffer_size;
	ao.ede = cfg->ede;
	if (!dns_cache_answer_stale(m->env->msg_cache, m->env->rrset_cache,
	    &mr->to, &ao, m->validating, *m->env->now,
	    (uint32_t)cfg->serve_expired_reply_ttl, m->buf, MSG_MAX_LEN,
	    &len)) {
		return 0;
	}
	(void)m->reply(m->reply_arg, &mr->rep, m->buf, len);
	mesh_count_reply(m, mr, m->buf[3] & 0xf);
	m->stats.num_stale++;
	return 1;
}

/** Hand the outcome to a callback client. */
static void
mesh_send_callback(struct mesh_state *ms, struct mesh_reply *mr)
{
	const struct reply *rep = ms->s.return_msg;
	struct mesh_result res;

	memset(&res, 0, sizeof(res));
	res.rcode = rep ? rep->rcode : ms->s.return_rcode;
	res.rep = rep;
	res.ede = rep && rep->ede >= 0 ? rep->ede : ms->s.ede;
	res.ede_text = rep && rep->ede >= 0 ? rep->ede_text : ms->s.ede_text;
	mr->cb(mr->cbarg, &res);
}

/** A state finished: answer clients, inform supers, delete it. */
static void
mesh_state_done(struct mesh_state *ms)
{
	struct mesh_area *m = ms->mesh;
	struct mesh_reply *mr;
	struct mesh_ref *r;

	ms->done = 1;
	if (m->has_finished) {
		int i;

		for (i = 0; i < m->num_mods; i++) {
			if (m->mods[i]->finished) {
				m->mods[i]->finished(&ms->s, i);
			}
		}
	}
	while ((mr = ms->replies) != NULL) {
		ms->replies = mr->next;
		if (mr->cb) {
			mesh_send_callback(ms, mr);
		} else {
			mesh_send_reply(ms, mr);
			if (--ms->nclients == 0) {
				mesh_client_list_remove(ms);
			}
		}
		free(mr);
	}
	for (r = ms->supers; r; r = r->next) {
		struct mesh_state *sup = r->s;
		int id = sup->s.curmod;

		if (m->mods[id]->inform_super) {
			m->mods[id]->inform_super(&ms->s, id, &sup->s);
		}
		mesh_schedule(sup, MODULE_EVENT_PASS);
	}
	mesh_state_delete(ms);
}

/** Run the module chain on a state until it waits or finishes. */
static void
mesh_run(struct mesh_state *ms, enum module_ev ev)
{
	struct mesh_area *m = ms->mesh;

	for (;;) {
		int id = ms->s.curmod;

		m->mods[id]->operate(&ms->s, ev, id);
		switch (ms->s.ext_state[id]) {
		case MODULE_WAIT_MODULE:
			if (id + 1 >= m->num_mods) {
				log_err("mesh: module %s passed on from the "
				    "end of the chain", m->mods[id]->name);
				ms->s.ext_state[id] = MODULE_ERROR;
				ms->s.return_msg = NULL;
				mesh_state_done(ms);
				return;
			}
			ms->s.curmod = id + 1;
			ev = MODULE_EVENT_PASS;
			continue;
		case MODULE_FINISHED:
		case MODULE_ERROR:
			if (ms->s.ext_state[id] == MODULE_ERROR) {
				ms->s.return_msg = NULL;
				ms->s.return_rcode = MSG_RCODE_SERVFAIL;
			}
			/* Nothing of a finished module stays in flight. */
			mesh_cancel_upstreams(ms);
			if (id > 0) {
				ms->s.curmod = id - 1;
				ev = MODULE_EVENT_MODDONE;
				continue;
			}
			mesh_state_done(ms);
			return;
		default:
			return;
		}
	}
}

/** Drain the run queue. */
static void
mesh_run_queue(struct mesh_area *m)
{
	if (m->running) {
		return;
	}
	m->running = 1;
	while (m->run_head) {
		struct mesh_state *ms = m->run_head;

		m->run_head = ms->run_next;
		if (!m->run_head) {
			m->run_tail = NULL;
		}
		ms->queued = 0;
		mesh_run(ms, ms->queued_ev);
	}
	m->running = 0;
}

/** Refresh the clock before running modules from an event. */
static void
mesh_clock(struct mesh_area *m)
{
	if (m->base) {
		comm_base_update_time(m->base);
		*m->env->now = comm_base_now(m->base);
	}
}

/** The outside network's callback for one upstream query of a state. */
static void
mesh_upstream_done(void *arg, const struct upstream_reply *r)
{
	struct upstream *u = arg;
	struct mesh_state *ms = u->ms;
	struct mesh_area *m = ms->mesh;

	if (r->result != UPSTREAM_SLOW) {
		/* Ended: off the state's list; the handle stays valid
		 * memory (region) but is no longer in flight. */
		if (u->prev) {
			u->prev->next = u->next;
		} else {
			ms->upstreams = u->next;
		}
		if (u->next) {
			u->next->prev = u->prev;
		}
		u->prev = u->next = NULL;
		u->oq = NULL;
		if (r->result == UPSTREAM_TIMEOUT) {
			m->env->ctr.upstream_timeouts++;
		}
	}
	mesh_clock(m);
	ms->s.curmod = u->module;
	u->cb(&ms->s, u->module, u->arg, r);
	/* ms may be deleted by this run. */
	mesh_run(ms, MODULE_EVENT_REPLY);
	mesh_run_queue(m);
}

/** env->wake: a module's wait on something other than an upstream query
 * ended (from the event loop). */
static void
mesh_wake(struct module_qstate *q, int id)
{
	struct mesh_state *ms = q->mesh_info;
	struct mesh_area *m = ms->mesh;

	ms->s.curmod = id;
	if (m->running) {
		/* Called while the queue runs: queued, never recursive. */
		mesh_schedule(ms, MODULE_EVENT_REPLY);
		return;
	}
	mesh_clock(m);
	/* ms may be deleted by this run. */
	mesh_run(ms, MODULE_EVENT_REPLY);
	mesh_run_queue(m);
}

/** env->send_query. */
static struct upstream *
mesh_send_query(struct module_qstate *q, const struct upstream_query *uq,
    module_reply_cb cb, void *arg)
{
	struct mesh_state *ms = q->mesh_info;
	struct mesh_area *m = ms->mesh;
	struct upstream *u;

	if (!mesh_budget_spend(m, q->budget, &q->budget->upstream_left)) {
		return NULL;
	}
	u = region_zalloc(q->region, sizeof(*u));
	if (!u) {
		return NULL;
	}
	u->ms = ms;
	u->module = q->curmod;
	u->cb = cb;
	u->arg = arg;
	u->oq = outnet_query(m->outnet, uq, mesh_upstream_done, u);
	if (!u->oq) {
		return NULL;
	}
	m->env->ctr.upstream_queries++;
	u->next = ms->upstreams;
	if (ms->upstreams) {
		ms->upstreams->prev = u;
	}
	ms->upstreams = u;
	return u;
}

/** env->cancel_query. */
static void
mesh_cancel_query(struct module_qstate *q, struct upstream *u)
{
	struct mesh_state *ms = q->mesh_info;

	if (!u || !u->oq) {
		return;
	}
	if (u->prev) {
		u->prev->next = u->next;
	} else {
		ms->upstreams = u->next;
	}
	if (u->next) {
		u->next->prev = u->prev;
	}
	u->prev = u->next = NULL;
	outnet_cancel(u->oq);
	u->oq = NULL;
}

/** 1 if a state with this key is q itself or one of its ancestors. */
static int
mesh_is_ancestor(struct mesh_state *ms, const struct query_info *qi,
    uint16_t qflags, int prime, int depth)
{
	struct mesh_ref *r;

	if (depth > MESH_MAX_DEPTH * 2) {
		return 1;
	}
	if (mesh_key_equal(ms, qi, qflags, prime, ms->s.trace)) {
		return 1;
	}
	for (r = ms->supers; r; r = r->next) {
		if (mesh_is_ancestor(r->s, qi, qflags, prime, depth + 1)) {
			return 1;
		}
	}
	return 0;
}

/** Link sub under super. */
static int
mesh_link(struct mesh_state *super, struct mesh_state *sub)
{
	struct mesh_ref *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct mesh_ref **pp;

	if (!a || !b) {
		free(a);
		free(b);
		return RES_ENOMEM;
	}
	a->s = sub;
	a->next = super->subs;
	super->subs = a;
	/* Supers at the end: they are told in the order they asked. */
	b->s = super;
	b->next = NULL;
	pp = &sub->supers;
	while (*pp) {
		pp = &(*pp)->next;
	}
	*pp = b;
	return RES_OK;
}

/** env->attach_sub. */
static int
mesh_attach_sub(struct module_qstate *q, const struct query_info *qi,
    uint16_t qflags, int prime)
{
	struct mesh_state *ms = q->mesh_info, *sub;
	struct mesh_area *m = ms->mesh;
	uint32_t h = mesh_hash(qi, qflags, prime, q->trace);

	/* Any state of the same question above is a cycle, refetch or
	 * not. */
	if (q->depth >= MESH_MAX_DEPTH ||
	    mesh_is_ancestor(ms, qi, qflags, prime & MODULE_SUB_PRIME, 0)) {
		return RES_ELIMIT;
	}
	sub = mesh_find(m, qi, qflags, prime, q->trace, h);
	if (!sub) {
		if (!mesh_budget_spend(m, q->budget,
		    &q->budget->subs_left)) {
			return RES_ELIMIT;
		}
		sub = mesh_state_create(m, qi, qflags, prime, q->trace, h,
		    q->budget, 0, 0);
		if (!sub) {
			return RES_ENOMEM;
		}
		sub->s.depth = q->depth + 1;
		m->stats.num_sub_states++;
		mesh_schedule(sub, MODULE_EVENT_NEW);
	}
	return mesh_link(ms, sub);
}

static int mesh_signal_query(struct module_env *env,
    const struct query_info *qi);

struct mesh_area *
mesh_create(struct module_env *env, struct module_func_block *const *mods,
    int num_mods, struct outside_network *outnet, struct comm_base *base,
    mesh_reply_func reply, void *reply_arg, const struct mesh_settings *s)
{
	struct mesh_area *m;
	int i;

	if (num_mods < 1 || num_mods > MODULE_MAX || !outnet || !reply) {
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		return NULL;
	}
	m->max_states = s && s->max_states ? s->max_states :
	    MESH_DEFAULT_STATES;
	m->jostle_ms = s ? s->jostle_ms : 0;
	/* Client states and their subqueries: twice the cap keeps the
	 * chains short. */
	m->nbuckets = MESH_MIN_BUCKETS;
	while (m->nbuckets < m->max_states * 2) {
		m->nbuckets <<= 1;
	}
	m->buckets = calloc(m->nbuckets, sizeof(*m->buckets));
	m->buf = malloc(MSG_MAX_LEN);
	if (!m->buckets || !m->buf) {
		free(m->buckets);
		free(m->buf);
		free(m);
		return NULL;
	}
	m->env = env;
	for (i = 0; i < num_mods; i++) {
		m->mods[i] = mods[i];
	}
	m->num_mods = num_mods;
	m->outnet = outnet;
	m->base = base;
	m->reply = reply;
	m->reply_arg = reply_arg;
	for (i = 0; i < num_mods; i++) {
		if (strcmp(mods[i]->name, "validator") == 0) {
			m->validating = 1;
		}
		if (mods[i]->finished) {
			m->has_finished = 1;
		}
	}
	if (base && !(m->timer = comm_timer_create(base, mesh_timer_cb,
	    m))) {
		free(m->buckets);
		free(m->buf);
		free(m);
		return NULL;
	}
	env->mesh = m;
	env->send_query = mesh_send_query;
	env->cancel_query = mesh_cancel_query;
	env->attach_sub = mesh_attach_sub;
	env->signal_query = mesh_signal_query;
	env->wake = mesh_wake;
	return m;
}

void
mesh_delete(struct mesh_area *m)
{
	if (!m) {
		return;
	}
	while (m->all) {
		mesh_state_delete(m->all);
	}
	comm_timer_delete(m->timer);
	free(m->buckets);
	free(m->buf);
	free(m);
}

/**
 * Make room for a new client state: replace the oldest client state when
 * it has waited at least jostle-timeout.  Its network clients get no
 * answer; it is deleted unless other states or callbacks still need it.
 * @return 1 when there is room now, 0 when the mesh stays full.
 */
static int
mesh_make_room(struct mesh_area *m)
{
	struct mesh_state *old = m->chead;
	struct timeval now;

	if (m->client_count < m->max_states) {
		return 1;
	}
	now = mesh_now_tv(m);
	if (!old || mesh_ms_between(&old->client_since, &now) <
	    (long)m->jostle_ms) {
		return 0;
	}
	if (log_verbosity >= VERB_ALGO) {
		char n[DNAME_MAXSTR], t[16];

		dname_to_str(old->s.qinfo.qname, n, sizeof(n));
		(void)rrtype_to_str(old->s.qinfo.qtype, t, sizeof(t));
		verbose(VERB_ALGO, "mesh full: replacing %s %s, waiting %ld "
		    "ms", n, t, mesh_ms_between(&old->client_since, &now));
	}
	m->stats.num_jostled++;
	mesh_drop_clients(old, 0);
	if (!old->supers && !old->replies) {
		mesh_state_delete(old);
	}
	return 1;
}

/**
 * The mesh key of a client's question: its name lowercased into lname,
 * type, class.
 * @return its hash.
 */
static uint32_t
mesh_client_key(const struct dns_msg *q, uint16_t qflags, uint8_t *lname,
    struct query_info *qi)
{
	memcpy(lname, q->qname, q->qname_len);
	dname_tolower(lname);
	qi->qname = lname;
	qi->qname_len = q->qname_len;
	qi->qtype = q->qtype;
	qi->qclass = q->qclass;
	return mesh_hash(qi, qflags, 0, NULL);
}

int
mesh_new_client(struct mesh_area *m, const struct dns_msg *q,
    const struct comm_reply *rep, const struct answer_to *to)
{
	struct query_info qi;
	struct mesh_state *ms;
	struct mesh_reply *mr;
	uint8_t lname[DNAME_MAXLEN];
	uint16_t qflags = q->flags & (MSG_FLAG_RD | MSG_FLAG_CD);
	uint32_t h;
	int isnew = 0;

	h = mesh_client_key(q, qflags, lname, &qi);
	ms = mesh_find(m, &qi, qflags, 0, NULL, h);
	if (!ms || ms->nclients == 0) {
		if (!mesh_make_room(m)) {
			m->stats.num_dropped_full++;
			return COMM_REPLY_DROP;
		}
		/* Replacing may have deleted the state found. */
		ms = mesh_find(m, &qi, qflags, 0, NULL, h);
	}
	if (!ms) {
		ms = mesh_state_create(m, &qi, qflags, 0, NULL, h, NULL,
		    MESH_BUDGET_UPSTREAM, MESH_BUDGET_SUBS);
		if (!ms) {
			return COMM_REPLY_DROP;
		}
		isnew = 1;
		m->stats.num_client_states++;
	} else {
		m->stats.num_joined++;
	}
	mr = calloc(1, sizeof(*mr));
	if (!mr) {
		if (isnew) {
			mesh_state_delete(ms);
		}
		return COMM_REPLY_DROP;
	}
	mr->rep = *rep;
	mr->rep.query = NULL;
	mr->rep.reply = NULL;
	mr->to = *to;
	memcpy(mr->qname, q->qname, q->qname_len);
	mr->to.qname = mr->qname;
	mr->start = mesh_now_tv(m);
	mr->next = ms->replies;
	ms->replies = mr;
	/* After the reply is linked: the list arms the deadline timer. */
	if (ms->nclients++ == 0) {
		mesh_client_list_add(ms);
	}
	if (isnew) {
		if (m->base) {
			*m->env->now = comm_base_now(m->base);
		}
		mesh_schedule(ms, MODULE_EVENT_NEW);
		mesh_run_queue(m);
	}
	return COMM_REPLY_LATER;
}

/**
 * A network client's deadline passed: expired data when the cache has it,
 * else (at answer-timeout) SERVFAIL with EDE 22.  The client is taken off
 * the state, which goes on resolving.
 * @return 1 when the client was answered (and freed).
 */
static int
mesh_client_expire(struct mesh_state *ms, struct mesh_reply *mr,
    struct mesh_reply **pp, const struct timeval *now)
{
	struct mesh_area *m = ms->mesh;
	long waited = mesh_ms_between(&mr->start, now);
	long at = mesh_answer_timeout(m);
	int answered;

	if (mesh_client_due(m, mr) < 0 || waited < mesh_client_due(m, mr)) {
		return 0;
	}
	answered = mesh_reply_stale(m, mr);
	if (!answered && (at <= 0 || waited < at)) {
		/* Nothing expired to give at serve-expired-client-timeout:
		 * wait for the answer, up to answer-timeout. */
		mr->stale_tried = 1;
		return 0;
	}
	if (!answered) {
		const struct config *cfg = m->env->cfg;
		struct answer_opts ao;
		char text[96];
		size_t len = 0;

		memset(&ao, 0, sizeof(ao));
		ao.edns_size = (uint16_t)cfg->edns_buffer_size;
		ao.ede = cfg->ede;
		snprintf(text, sizeof(text), "no answer from the authorities "
		    "within %ld ms; still trying", at);
		if (answer_reply(&mr->to, &ao, NULL, MSG_RCODE_SERVFAIL, 0,
		    EDE_NO_REACHABLE_AUTHORITY, text, m->buf, MSG_MAX_LEN,
		    &len) == RES_OK) {
			(void)m->reply(m->reply_arg, &mr->rep, m->buf, len);
			mesh_count_reply(m, mr, MSG_RCODE_SERVFAIL);
			m->stats.ans_ede[EDE_NO_REACHABLE_AUTHORITY]++;
		}
		m->stats.num_answer_timeout++;
	}
	*pp = mr->next;
	free(mr);
	if (--ms->nclients == 0) {
		mesh_client_list_remove(ms);
	}
	return 1;
}

/** Delete a state and the subqueries only it was waiting for (they have
 * no client and no other superquery), theirs too. */
static void
mesh_state_delete_tree(struct mesh_state *ms)
{
	struct mesh_state *orphan[MESH_MAX_ORPHANS];
	struct mesh_ref *r;
	size_t n = 0, i;

	for (r = ms->subs; r && n < MESH_MAX_ORPHANS; r = r->next) {
		struct mesh_state *sub = r->s;

		if (!sub->replies && sub->supers && !sub->supers->next) {
			orphan[n++] = sub;
		}
	}
	mesh_state_delete(ms);
	for (i = 0; i < n; i++) {
		mesh_state_delete_tree(orphan[i]);
	}
}

void
mesh_tick(struct mesh_area *m)
{
	struct mesh_state *ms, *next;
	struct timeval now;

	mesh_clock(m);
	now = mesh_now_tv(m);
	m->timer_armed = 0;
	for (ms = m->chead; ms; ms = next) {
		struct mesh_reply **pp = &ms->replies;

		next = ms->cnext;
		while (*pp) {
			struct mesh_reply *mr = *pp;

			if (mr->cb || !mesh_client_expire(ms, mr, pp, &now)) {
				pp = &mr->next;
			}
		}
		if (!ms->replies && !ms->supers &&
		    m->count > 2 * m->max_states) {
			/* Too many resolutions already go on without clients
			 * (a flood of names whose servers do not answer):
			 * this one ends with its last client. */
			m->stats.num_background_dropped++;
			mesh_state_delete_tree(ms);
		}
	}
	if (!m->timer_armed) {
		mesh_timer_arm(m, mesh_first_deadline(m));
	}
}

/** The timer's callback. */
static void
mesh_timer_cb(void *arg)
{
	struct mesh_area *m = arg;

	m->timer_armed = 0;
	mesh_tick(m);
}

/**
 * A state without a client for a question, resolved afresh (not from
 * the cache); nothing when one exists already or the list is full.
 * @return 1 when started.
 */
static int
mesh_new_background(struct mesh_area *m, const struct query_info *qi,
    uint16_t qflags, uint32_t h, int run)
{
	struct mesh_state *ms;

	if (!(qflags & MSG_FLAG_RD) || m->client_count >= m->max_states ||
	    mesh_find(m, qi, qflags, 0, NULL, h)) {
		return 0;
	}
	ms = mesh_state_create(m, qi, qflags, 0, NULL, h, NULL,
	    MESH_BUDGET_UPSTREAM, MESH_BUDGET_SUBS);
	if (!ms) {
		return 0;
	}
	ms->s.no_answer_cache = 1;
	mesh_schedule(ms, MODULE_EVENT_NEW);
	if (run) {
		if (m->base) {
			*m->env->now = comm_base_now(m->base);
		}
		mesh_run_queue(m);
	}
	return 1;
}

void
mesh_new_prefetch(struct mesh_area *m, const struct dns_msg *q)
{
	struct query_info qi;
	uint8_t lname[DNAME_MAXLEN];
	uint16_t qflags = q->flags & (MSG_FLAG_RD | MSG_FLAG_CD);
	uint32_t h = mesh_client_key(q, qflags, lname, &qi);

	if (mesh_new_background(m, &qi, qflags, h, 1)) {
		m->stats.num_prefetch++;
	}
}

/** env->signal_query: from inside a module, so the state is queued and
 * runs when the mesh's run of the queue gets to it. */
static int
mesh_signal_query(struct module_env *env, const struct query_info *qi)
{
	struct query_info lq = *qi;
	uint8_t lname[DNAME_MAXLEN];
	uint16_t qflags = MSG_FLAG_RD | MSG_FLAG_CD;

	if (!env->mesh || qi->qname_len > DNAME_MAXLEN) {
		return 0;
	}
	memcpy(lname, qi->qname, qi->qname_len);
	dname_tolower(lname);
	lq.qname = lname;
	return mesh_new_background(env->mesh, &lq, qflags, mesh_hash(&lq,
	    qflags, 0, NULL), 0);
}

int
mesh_new_callback(struct mesh_area *m, const struct query_info *qi,
    uint16_t qflags, const struct query_trace *trace, mesh_cb_func cb,
    void *arg)
{
	struct query_info lq;
	struct mesh_state *ms;
	struct mesh_reply *mr;
	uint8_t lname[DNAME_MAXLEN];
	uint32_t h;
	int isnew = 0;

	if (!qi || !cb || qi->qname_len > DNAME_MAXLEN) {
		return RES_EINVAL;
	}
	memcpy(lname, qi->qname, qi->qname_len);
	dname_tolower(lname);
	lq = *qi;
	lq.qname = lname;
	qflags &= MSG_FLAG_RD | MSG_FLAG_CD;
	h = mesh_hash(&lq, qflags, 0, trace);
	ms = mesh_find(m, &lq, qflags, 0, trace, h);
	if (!ms) {
		ms = mesh_state_create(m, &lq, qflags, 0, trace, h, NULL,
		    trace ? MESH_BUDGET_TRACE_UPSTREAM : MESH_BUDGET_UPSTREAM,
		    trace ? MESH_BUDGET_TRACE_SUBS : MESH_BUDGET_SUBS);
		if (!ms) {
			return RES_ENOMEM;
		}
		isnew = 1;
	}
	mr = calloc(1, sizeof(*mr));
	if (!mr) {
		if (isnew) {
			mesh_state_delete(ms);
		}
		return RES_ENOMEM;
	}
	mr->cb = cb;
	mr->cbarg = arg;
	mr->start = mesh_now_tv(m);
	mr->next = ms->replies;
	ms->replies = mr;
	if (isnew) {
		if (m->base) {
			*m->env->now = comm_base_now(m->base);
		}
		mesh_schedule(ms, MODULE_EVENT_NEW);
		mesh_run_queue(m);
	}
	return RES_OK;
}

size_t
mesh_count(const struct mesh_area *m)
{
	return m->count;
}

void
mesh_get_stats(const struct mesh_area *m, struct mesh_stats *st)
{
	*st = m->stats;
}

void
mesh_walk(const struct mesh_area *m,
    void (*fn)(void *arg, const struct mesh_state_info *info), void *arg)
{
	const struct mesh_state *ms;
	const struct mesh_reply *mr;
	const struct mesh_ref *r;
	const struct upstream *u;
	struct mesh_state_info info;
	struct timeval now = mesh_now_tv(m);

	for (ms = m->all; ms; ms = ms->next) {
		memset(&info, 0, sizeof(info));
		info.qinfo = &ms->s.qinfo;
		info.is_priming = ms->s.is_priming;
		for (u = ms->upstreams; u; u = u->next) {
			info.waiting++;
		}
		info.age_ms = -1;
		for (mr = ms->replies; mr; mr = mr->next) {
			long age = mesh_ms_between(&mr->start, &now);

			info.clients++;
			if (age > info.age_ms) {
				info.age_ms = age;
			}
		}
		for (r = ms->supers; r; r = r->next) {
			info.supers++;
		}
		fn(arg, &info);
	}
}

size_t
mesh_clear(struct mesh_area *m)
{
	size_t n = 0;

	while (m->all) {
		mesh_state_delete(m->all);
		n++;
	}
	return n;
}
