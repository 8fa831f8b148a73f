/*
 * iterator/iterator.c - the iterator module (see iterator.h).
 *
 * Per query the module keeps a struct iter_qstate in the query's region
 * and moves it through three states:
 *	ITER_INIT		answer from the cache, or find the closest
 *				delegation (priming the root first if needed);
 *	ITER_QUERY_TARGETS	pick a server and send, or start subqueries for
 *				name server addresses, or give up;
 *	ITER_QUERY_RESP		handle the reply (operate() is called with
 *				MODULE_EVENT_REPLY and the packet).
 * A CNAME restarts at ITER_INIT with the target name, the chain kept in
 * front of the final answer.  A referral replaces the delegation point
 * and goes back to ITER_QUERY_TARGETS.
 *
 * Upstream queries.  Each query sent is a struct iter_send, the argument
 * of its callback iter_reply().  A UDP query asks to hear when it has
 * waited as long as the server's RTO (UPSTREAM_SLOW): then a second
 * server of the zone is asked while the first one stays in flight (at
 * most ITER_MAX_INFLIGHT at once), and the first reply that moves the
 * query on wins; the others are cancelled.  A late reply is still a
 * reply, and a slow server no longer costs a whole timeout.
 *
 * Name server addresses (NXNSAttack, Shafir, Afek and Bremler-Barr,
 * 2020).  Names of a delegation without glue are looked up as
 * subqueries only when no address is left to try, ITER_TARGETS_PARALLEL
 * subqueries at a time (the paper's MaxFetch(k) with k = 2 names, each
 * A and AAAA) and ITER_TARGETS_PER_REFERRAL names per delegation in all;
 * the client query's budget (util/module.h) bounds the rest.
 */
#include "config.h"
#include "iterator/iterator.h"
#include "cache/dns.h"
#include "cache/infra.h"
#include "cache/keycache.h"
#include "cache/ratelimit.h"
#include "cache/rrset.h"
#include "iterator/delegpt.h"
#include "iterator/hints.h"
#include "iterator/iter_compare.h"
#include "iterator/iter_fwd.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include "util/module.h"
#include "util/msg.h"
#include "util/netevent.h"
#include "util/random.h"
#include "util/region.h"
#include "util/reply.h"
#include "util/rrtype.h"
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/** Upstream queries one query may send in all. */
#define ITER_MAX_SENT 64
/** Referrals one query may follow. */
#define ITER_MAX_REFERRALS 32
/** CNAMEs one query may follow (Unbound allows 11 restarts). */
#define ITER_MAX_CNAME 11
/** Tries of one server address per query while others are left. */
#define ITER_MAX_TRIES 2
/** Tries of one address when every address used its ITER_MAX_TRIES
 * (a zone with one server that drops a packet must not fail at once). */
#define ITER_MAX_TRIES_LAST 5
/** Consecutive timeouts (infra cache) after which a server counts as
 * dead: a cached delegation whose servers all are is not asked before
 * the parent's side of it (iter_parent_fallback()). */
#define ITER_DEAD_TIMEOUTS 3
/** Subqueries for name server addresses in flight at once: two names,
 * each A and AAAA. */
#define ITER_TARGETS_PARALLEL 4
/** Name server names of one delegation whose addresses may be looked up:
 * a referral that needs more is given up (NXNSAttack). */
#define ITER_TARGETS_PER_REFERRAL 6
/** Upstream queries of one query state in flight at once. */
#define ITER_MAX_INFLIGHT 2
/** Longest wait for one reply, ms: the infra RTO is capped at this. */
#define ITER_MAX_TIMEOUT 3000
/** Virtual RTO added to IPv4 servers under prefer-ip6, ms. */
#define ITER_PREFER_IP6_PENALTY 1000
/** Timeout of a second try of one server, doubled for each later try. */
#define ITER_MIN_RETRY_TIMEOUT 200
/** Most minimised queries for one name (RFC 9156 section 2.3
 * MAX_MINIMISE_COUNT); past it the full name is sent. */
#define ITER_MAX_MINIMISE 10
/** One in this many server choices explores an untried server. */
#define ITER_EXPLORE 8

/** States of the iterator. */
enum iter_state {
	ITER_INIT = 0,
	ITER_QUERY_TARGETS,
	ITER_QUERY_RESP,
	ITER_FINISHED
};

/** What a reply is. */
enum iter_resp {
	ITER_RESP_ANSWER,
	ITER_RESP_NEGATIVE,
	ITER_RESP_CNAME,
	ITER_RESP_REFERRAL,
	ITER_RESP_LAME,
	ITER_RESP_THROWAWAY
};

/** One upstream query in flight: the argument of its callback. */
struct iter_send {
	/** Next in the query's list. */
	struct iter_send *next;
	/** The mesh's handle. */
	struct upstream *h;
	/** The server. */
	struct delegpt_addr *a;
	/** The name sent (minimised or not). */
	uint8_t *name;
	/** The type sent. */
	uint16_t type;
	/** Sent over TCP. */
	int tcp;
	/** Sent with EDNS. */
	int edns;
	/** Sent with 0x20. */
	int caps;
	/** The server's 0x20 mismatch count is to be reset by an echo. */
	int caps_reset;
};

/** Replies a query-compare round keeps: two, and a third over TCP. */
#define ITER_CMP_MAX 3

/**
 * query-compare of one question (iterator/iter_compare.h): the replies
 * gathered from different servers of the zone until they can be judged.
 * The round belongs to a question (delegation, name sent, type); a reply
 * to another question ends it.
 */
struct iter_cmp {
	/** 1 while a round is open. */
	int on;
	/** Its question: the delegation, the name sent and the type. */
	const struct delegpt *dp;
	const uint8_t *name;
	uint16_t type;
	/** Replies needed before judging: 2, then 3 after a disagreement. */
	int want;
	/** Replies kept, and the sends they came from. */
	int n;
	struct reply *rep[ITER_CMP_MAX];
	const struct iter_send *from[ITER_CMP_MAX];
	/** The first difference found (for the log and the EDE). */
	char why[128];
};

/** Per-query state of the iterator. */
struct iter_qstate {
	/** Where the query is. */
	enum iter_state state;
	/** The name being resolved now (the query name or a CNAME target). */
	uint8_t *qchase;
	/** The delegation being asked. */
	struct delegpt *dp;
	/** CNAME RRsets followed so far, for the front of the answer. */
	struct reply_rrset *chain[ITER_MAX_CNAME + 1];
	/** Number of them. */
	int num_chain;
	/** Upstream queries sent. */
	int sent;
	/** Referrals followed. */
	int referrals;
	/** Subqueries for name server addresses outstanding. */
	int target_subs;
	/** 1 once root priming was tried. */
	int primed;
	/** 1 while waiting for the priming subquery. */
	int wait_prime;
	/** Upstream queries in flight. */
	struct iter_send *sends;
	/** How many. */
	int nsends;
	/** Ask this server next (after TC, or FORMERR to EDNS), or NULL. */
	struct delegpt_addr *retry_addr;
	/** Ask it over TCP. */
	int retry_tcp;
	/** 1 once a sign of spoofing was seen for this query (a 0x20
	 * mismatch, a packet that was not the reply): from then on it is
	 * asked over TCP, and no UDP answer is taken. */
	int attacked;
	/** harden-spoofing: no: 0x20 off for the rest of this query after
	 * a mismatch. */
	int caps_off;
	/** Parse view of the reply (large: region). */
	struct dns_msg *msg;
	/** The forward or stub zone in use, or NULL. */
	const struct iter_fwd_zone *fwd;
	/** 1 while asking forwarders (RD set, their answers are final). */
	int forwarding;
	/** 1 once a forward-first / stub-first zone failed: iterate. */
	int fwd_failed;
	/** 1 once the stub zone's NS set was asked (stub-prime). */
	int stub_primed;
	/** QNAME minimisation (RFC 9156): labels of the longest name known
	 * to exist below the zone without a cut; 0 when not started. */
	int qmin_labels;
	/** Minimised queries sent for the current delegation. */
	int qmin_count;
	/** 1 when minimisation is off for this query (relaxed fallback). */
	int qmin_off;
	/** 1 when dp came from the cache (not from a referral in this
	 * query): when its servers all fail, the parent is asked again
	 * for its side of the delegation (iter_parent_fallback()). */
	int dp_cached;
	/** 1 once the parent's side of the delegation was asked for. */
	int parent_tried;
	/** query-compare of the current question. */
	struct iter_cmp cmp;
	/** 1 once a query over a ratelimit was let through (1 in
	 * ratelimit-factor): the rest of this query's work goes on
	 * unlimited, or the one let through would have been for nothing. */
	int ratelimit_ok;
};

/** query-compare modes. */
enum iter_cmp_mode {
	ITER_CMP_NO = 0,
	ITER_CMP_UNSIGNED,
	ITER_CMP_ALL
};

/** The iterator's part of a thread's environment (env->modinfo[id]). */
struct iter_env {
	/** caps-exempt: the domains, wire form. */
	uint8_t (*caps_exempt)[DNAME_MAXLEN];
	/** How many. */
	size_t num_caps_exempt;
	/** query-compare, an enum iter_cmp_mode. */
	int cmp_mode;
	/** query-compare-exempt: the domains, wire form. */
	uint8_t (*cmp_exempt)[DNAME_MAXLEN];
	/** How many. */
	size_t num_cmp_exempt;
	/** 1 when the validator runs in front (module-config). */
	int validating;
};

/** Is name at or below one of n domains? */
static int
iter_below_any(const uint8_t (*doms)[DNAME_MAXLEN], size_t n,
    const uint8_t *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (dname_is_subdomain(name, doms[i])) {
			return 1;
		}
	}
	return 0;
}

/** Is name at or below a caps-exempt domain? */
static int
iter_caps_exempt(const struct module_env *env, int id, const uint8_t *name)
{
	const struct iter_env *ie = env->modinfo[id];

	return ie && iter_below_any((const uint8_t (*)[DNAME_MAXLEN])
	    ie->caps_exempt, ie->num_caps_exempt, name);
}

/**
 * RFC 2181 section 5.4.1 ranks, as cache/rrset.h numbers them.  The
 * authority section of a non-authoritative answer that is not a referral
 * ranks with additional data, the lowest, below the NS set and glue of a
 * referral: its NS set must not replace a cached delegation (an answer
 * that is not authoritative comes from a cache, a lame server or a
 * forger), and delegations are never taken from that rank
 * (iter_find_delegation()).
 */
static uint8_t
iter_trust(int section, int aa, int referral, uint16_t type)
{
	if (referral) {
		/* The DS RRset of a referral is the parent's own,
		 * authoritative data (RFC 4035 section 3.1.4): it answers a
		 * DS question from the cache, and the validator checks it
		 * with the parent's keys. */
		if (section == MSG_SEC_AUTHORITY && type == RR_TYPE_DS) {
			return RRSET_TRUST_AUTHORITY_AUTH;
		}
		return section == MSG_SEC_ADDITIONAL ? RRSET_TRUST_GLUE :
		    RRSET_TRUST_AUTHORITY_NONAUTH;
	}
	switch (section) {
	case MSG_SEC_ANSWER:
		return aa ? RRSET_TRUST_ANSWER_AUTH :
		    RRSET_TRUST_ANSWER_NONAUTH;
	case MSG_SEC_AUTHORITY:
		return aa ? RRSET_TRUST_AUTHORITY_AUTH :
		    RRSET_TRUST_ADDITIONAL;
	default:
		return RRSET_TRUST_ADDITIONAL;
	}
}

/** A type's name (A, AAAA, TYPE65280) for log lines; returns buf. */
static const char *
iter_type_str(uint16_t type, char *buf, size_t len)
{
	if (rrtype_to_str(type, buf, len) < 0) {
		snprintf(buf, len, "TYPE%u", (unsigned)type);
	}
	return buf;
}

/** Log a name with a message at a verbosity level. */
static void
iter_log(int level, const char *what, const uint8_t *name, uint16_t type)
{
	char s[DNAME_MAXSTR], t[16];

	if (level > log_verbosity) {
		return;
	}
	dname_to_str(name, s, sizeof(s));
	verbose(level, "iterator: %s %s %s", what, s, iter_type_str(type, t,
	    sizeof(t)));
}

/** Fail the query with SERVFAIL and an EDE (the text is copied into the
 * query's region). */
static void
iter_error(struct module_qstate *q, int id, int ede, const char *text)
{
	const char *t = text ? region_copy(q->region, text, strlen(text) + 1) :
	    NULL;

	q->return_msg = NULL;
	q->return_rcode = MSG_RCODE_SERVFAIL;
	q->ede = ede;
	q->ede_text = t ? t : "out of memory";
	q->ext_state[id] = MODULE_ERROR;
	iter_log(VERB_DETAIL, text, q->qinfo.qname, q->qinfo.qtype);
}

/** Add cached addresses of a name server to a delegation point. */
static void
iter_add_cached_addrs(struct module_env *env, struct region *r,
    struct delegpt *dp, const uint8_t *nsname)
{
	static const uint16_t types[2] = { RR_TYPE_A, RR_TYPE_AAAA };
	size_t t, i;

	struct delegpt_ns *ns = delegpt_find_ns(dp, nsname);

	for (t = 0; t < 2; t++) {
		struct reply_rrset *s = dns_cache_lookup_rrset(env, r, nsname,
		    types[t], RR_CLASS_IN);

		for (i = 0; s && i < s->count; i++) {
			delegpt_add_rdata(dp, r, types[t], s->rd[i],
			    s->rdlen[i]);
		}
		/* An address known for this type: no lookup needed. */
		if (s && s->count && ns) {
			ns->cached_addrs = 1;
			if (types[t] == RR_TYPE_A) {
				ns->tried_a = 1;
			} else {
				ns->tried_aaaa = 1;
			}
		}
	}
}

/**
 * The closest delegation in the cache for a name: the deepest cached NS
 * RRset at or above it, with the cached addresses of its servers.  A cut
 * whose servers all lie inside it with no address known is skipped (it
 * cannot be reached from here).
 */
static struct delegpt *
iter_find_delegation(struct module_env *env, struct region *r,
    const uint8_t *name)
{
	const uint8_t *p;

	for (p = name; p; p = dname_parent(p)) {
		struct reply_rrset *ns = dns_cache_lookup_rrset(env, r, p,
		    RR_TYPE_NS, RR_CLASS_IN);
		struct delegpt *dp;
		struct delegpt_ns *n;
		size_t i;
		int reachable = 0;

		/* An NS set from an additional section or from the
		 * authority section of a non-authoritative answer is not
		 * a delegation (iter_trust()). */
		if (!ns || ns->trust < RRSET_TRUST_GLUE) {
			continue;
		}
		dp = delegpt_create(r, p);
		if (!dp) {
			return NULL;
		}
		for (i = 0; i < ns->count; i++) {
			if (dname_check(ns->rd[i], ns->rdlen[i], NULL) ==
			    RES_OK) {
				delegpt_add_ns(dp, r, ns->rd[i]);
			}
		}
		for (n = dp->ns; n; n = n->next) {
			iter_add_cached_addrs(env, r, dp, n->name);
			if (!dname_is_subdomain(n->name, p)) {
				reachable = 1;
			}
		}
		if (dp->addrs || reachable) {
			return dp;
		}
	}
	return NULL;
}

/** Drop addresses the config forbids (do-not-query-localhost, do-ip*);
 * an address family that is off needs no lookup either. */
static void
iter_filter_addrs(const struct config *cfg, struct delegpt *dp)
{
	struct delegpt_addr **pp = &dp->addrs;
	struct delegpt_ns *ns;

	for (ns = dp->ns; ns; ns = ns->next) {
		ns->tried_a |= !cfg->do_ip4;
		ns->tried_aaaa |= !cfg->do_ip6;
	}

	while (*pp) {
		struct delegpt_addr *a = *pp;

		if ((cfg->do_not_query_localhost &&
		    delegpt_addr_is_localhost(&a->addr)) ||
		    (a->addr.ss_family == AF_INET && !cfg->do_ip4) ||
		    (a->addr.ss_family == AF_INET6 && !cfg->do_ip6)) {
			*pp = a->next;
			continue;
		}
		pp = &a->next;
	}
}

/** Finish with a reply built from a cached message plus the chain. */
static void
iter_finish_reply(struct module_qstate *q, int id, struct iter_qstate *iq,
    struct reply *tail)
{
	size_t n = (size_t)iq->num_chain + (tail ? tail->an + tail->ns +
	    tail->ar : 0);
	struct reply *rep = reply_create(q->region, n);
	size_t i;
	int c;

	if (!rep) {
		iter_error(q, id, EDE_OTHER, "out of memory");
		return;
	}
	rep->flags = tail ? tail->flags : 0;
	rep->rcode = tail ? tail->rcode : MSG_RCODE_NOERROR;
	/* A cached verdict holds for the cached reply alone, not for a
	 * chain in front of it. */
	if (tail && iq->num_chain == 0) {
		rep->security = tail->security;
		rep->ede = tail->ede;
		rep->ede_text = tail->ede_text;
	}
	for (c = 0; c < iq->num_chain; c++) {
		reply_add(rep, n, iq->chain[c], MSG_SEC_ANSWER);
	}
	for (i = 0; tail && i < tail->an + tail->ns + tail->ar; i++) {
		struct reply_rrset *s = tail->rrsets[i];
		int dup = 0;

		for (c = 0; c < iq->num_chain && s->section == MSG_SEC_ANSWER;
		    c++) {
			if (iq->chain[c]->type == s->type &&
			    dname_equal(iq->chain[c]->owner, s->owner)) {
				dup = 1;
			}
		}
		if (!dup) {
			reply_add(rep, n, s, s->section);
		}
	}
	q->return_msg = rep;
	q->return_rcode = rep->rcode;
	q->ext_state[id] = MODULE_FINISHED;
	iq->state = ITER_FINISHED;
}

/**
 * ITER_INIT's look in the cache: the whole reply, the RRset asked for,
 * or a CNAME to follow.
 * @return 0 when answered (or failed), 1 to go on with a CNAME target
 *	(state still ITER_INIT), -1 when the cache has nothing.
 */
static int
iter_init_cache(struct module_qstate *q, int id, struct iter_qstate *iq)
{
	struct module_env *env = q->env;
	struct query_info qi;
	struct reply *cached;
	struct reply_rrset *s;

	qi = q->qinfo;
	qi.qname = iq->qchase;
	qi.qname_len = dname_len(iq->qchase);
	/* A whole cached reply (positive or negative). */
	cached = dns_cache_lookup_msg(env, q->region, &qi, q->query_flags);
	if (cached) {
		iter_log(VERB_ALGO, "answer from cache", iq->qchase,
		    qi.qtype);
		iter_finish_reply(q, id, iq, cached);
		return 0;
	}
	/* The RRset itself, or a CNAME to follow. */
	s = dns_cache_lookup_rrset(env, q->region, iq->qchase, qi.qtype,
	    qi.qclass);
	/* Glue and additional data are not answers (RFC 2181 section
	 * 5.4.1): only RRsets learnt from an answer section are used. */
	if (s && s->trust < RRSET_TRUST_ANSWER_NONAUTH) {
		s = NULL;
	}
	if (s && qi.qtype != RR_TYPE_CNAME) {
		struct reply *rep = reply_create(q->region, 1);

		if (rep) {
			rep->flags = MSG_FLAG_QR;
			reply_add(rep, 1, s, MSG_SEC_ANSWER);
			iter_finish_reply(q, id, iq, rep);
			return 0;
		}
	}
	if (qi.qtype != RR_TYPE_CNAME && qi.qtype != RR_TYPE_ANY &&
	    (s = dns_cache_lookup_rrset(env, q->region, iq->qchase,
	    RR_TYPE_CNAME, qi.qclass)) != NULL && s->count == 1 &&
	    s->trust >= RRSET_TRUST_ANSWER_NONAUTH &&
	    dname_check(s->rd[0], s->rdlen[0], NULL) == RES_OK) {
		const uint8_t *p;

		if (iq->num_chain + 1 >= ITER_MAX_CNAME) {
			iter_error(q, id, EDE_OTHER, "CNAME chain too long");
			return 0;
		}
		/* A CNAME synthesized from a DNAME goes with the DNAME
		 * (RFC 6672 section 3.4), which is cached at an ancestor. */
		for (p = dname_parent(iq->qchase); p && !dname_is_root(p);
		    p = dname_parent(p)) {
			struct reply_rrset *dn = dns_cache_lookup_rrset(env,
			    q->region, p, RR_TYPE_DNAME, qi.qclass);

			if (dn) {
				iq->chain[iq->num_chain++] = dn;
				break;
			}
		}
		iq->chain[iq->num_chain++] = s;
		iq->qchase = (uint8_t *)s->rd[0];
		env->ctr.cname_chains++;
		return 1;
	}
	return -1;
}

/**
 * ITER_INIT: answer from the cache, or set up the delegation point.  A
 * query that reads no cache (a trace) starts at the root hints.
 * @return 1 to go on to the next state, 0 when the module waits or is
 *	done.
 */
static int
iter_init(struct module_qstate *q, int id, struct iter_qstate *iq)
{
	struct module_env *env = q->env;
	const uint8_t *start;
	int r;

	if (q->is_priming) {
		iq->dp = hints_root(env->hints, q->region);
		if (!iq->dp) {
			iter_error(q, id, EDE_OTHER, "no root hints");
			return 0;
		}
		iter_filter_addrs(env->cfg, iq->dp);
		iq->state = ITER_QUERY_TARGETS;
		return 1;
	}
	if (!q->no_cache && !q->no_answer_cache &&
	    (r = iter_init_cache(q, id, iq)) >= 0) {
		return r;
	}
	/* DS lives in the parent zone (RFC 4035 section 3.1.4.1). */
	start = iq->qchase;
	if (q->qinfo.qtype == RR_TYPE_DS && !dname_is_root(start)) {
		start = dname_parent(start);
	}
	iq->dp = q->no_cache ? NULL : iter_find_delegation(env, q->region,
	    start);
	iq->forwarding = 0;
	iq->fwd = iq->fwd_failed ? NULL : iter_fwd_lookup(env->fwds, start);
	if (iq->fwd && !iq->fwd->is_forward && iq->fwd->prime) {
		/* stub-prime: the zone's own NS set, asked of the stub
		 * servers once (a subquery for "zone NS"), then used as a
		 * cached delegation like any other. */
		if (iq->dp && dname_equal(iq->dp->name, iq->fwd->name) &&
		    (iq->dp->addrs || iq->stub_primed)) {
			iq->fwd = NULL;
		} else if (!iq->stub_primed && !(q->qinfo.qtype ==
		    RR_TYPE_NS && dname_equal(q->qinfo.qname,
		    iq->fwd->name))) {
			struct query_info pq;

			pq.qname = iq->fwd->name;
			pq.qname_len = dname_len(iq->fwd->name);
			pq.qtype = RR_TYPE_NS;
			pq.qclass = RR_CLASS_IN;
			iq->stub_primed = 1;
			if (env->attach_sub(q, &pq, MSG_FLAG_RD |
			    (q->query_flags & MSG_FLAG_CD), 0) == RES_OK) {
				iq->wait_prime = 1;
				q->ext_state[id] = MODULE_WAIT_SUBQUERY;
				return 0;
			}
		}
	}
	if (iq->fwd && (iq->fwd->is_forward || !iq->dp ||
	    dname_count_labels(iq->dp->name) <=
	    dname_count_labels(iq->fwd->name))) {
		/* A forward zone always; a stub zone unless the cache knows
		 * a delegation below it. */
		iq->dp = iter_fwd_delegpt(iq->fwd, q->region);
		if (!iq->dp) {
			iter_error(q, id, EDE_OTHER, "out of memory");
			return 0;
		}
		iq->forwarding = iq->fwd->is_forward;
		iter_filter_addrs(env->cfg, iq->dp);
		iq->qmin_labels = 0;
		iq->qmin_count = 0;
		iq->state = ITER_QUERY_TARGETS;
		return 1;
	}
	iq->fwd = NULL;
	if (!iq->dp || dname_is_root(iq->dp->name)) {
		/* Only the root (or nothing) is known: prime it once (a
		 * trace asks the root servers of the hints directly). */
		if (!iq->dp && !iq->primed && !q->no_cache) {
			struct query_info pq;

			pq.qname = (uint8_t *)"";
			pq.qname_len = 1;
			pq.qtype = RR_TYPE_NS;
			pq.qclass = RR_CLASS_IN;
			iq->primed = 1;
			if (env->attach_sub(q, &pq, 0, 1) == RES_OK) {
				iq->wait_prime = 1;
				q->ext_state[id] = MODULE_WAIT_SUBQUERY;
				return 0;
			}
		}
		if (!iq->dp) {
			iq->dp = hints_root(env->hints, q->region);
		}
		if (!iq->dp) {
			iter_error(q, id, EDE_OTHER, "no root hints");
			return 0;
		}
	}
	iter_filter_addrs(env->cfg, iq->dp);
	iq->dp_cached = 1;
	iq->qmin_labels = 0;
	iq->qmin_count = 0;
	iq->state = ITER_QUERY_TARGETS;
	return 1;
}

/**
 * The name to send for QNAME minimisation (RFC 9156 section 2): one label
 * more than the zone (or than the last name found to exist), with type A
 * (section 2.1); the full name and type once it is reached, or when
 * minimisation is off, or for forwarders, DS and priming.
 */
static void
iter_qmin_name(struct module_qstate *q, struct iter_qstate *iq,
    struct iter_send *s)
{
	int want, have = dname_count_labels(iq->qchase), zl;
	const uint8_t *p = iq->qchase;

	s->name = iq->qchase;
	s->type = q->qinfo.qtype;
	if (!q->env->cfg->qname_minimisation || iq->qmin_off ||
	    iq->forwarding || q->is_priming || q->qinfo.qtype == RR_TYPE_DS ||
	    iq->qmin_count >= ITER_MAX_MINIMISE) {
		return;
	}
	zl = dname_count_labels(iq->dp->name);
	if (iq->qmin_labels < zl) {
		iq->qmin_labels = zl;
	}
	want = iq->qmin_labels + 1;
	if (want >= have) {
		return;
	}
	while (have-- > want) {
		p = dname_parent(p);
	}
	s->name = (uint8_t *)p;
	s->type = RR_TYPE_A;
}

/* ---------------------------------------------------------------- */
/* query-compare (iterator/iter_compare.h): the question goes to two
 * servers of the zone, and a reply is used only when they agree; when
 * they do not, a third server is asked over TCP and what two of the
 * three say is used; with no such two, SERVFAIL.  Every reply of a
 * server to the question of the open round (NOERROR or NXDOMAIN, after
 * the checks and the scrub) is kept until enough are in; servers that
 * fail are replaced as for any query; when no other server is left, the
 * one reply there is is used (counted). */

/** Has server a given a reply to the open round? */
static int
iter_cmp_answered(const struct iter_qstate *iq, const struct delegpt_addr *a)
{
	int k;

	if (!iq->cmp.on || iq->cmp.dp != iq->dp) {
		return 0;
	}
	for (k = 0; k < iq->cmp.n; k++) {
		if (iq->cmp.from[k]->a == a) {
			return 1;
		}
	}
	return 0;
}

/** Is send s asking the question of the open round? */
static int
iter_cmp_is_round(const struct iter_qstate *iq, const struct iter_send *s)
{
	return iq->cmp.on && iq->cmp.dp == iq->dp &&
	    iq->cmp.type == s->type && dname_equal(iq->cmp.name, s->name);
}

/** Open a round for the question of send s. */
static void
iter_cmp_start(struct iter_qstate *iq, const struct iter_send *s)
{
	memset(&iq->cmp, 0, sizeof(iq->cmp));
	iq->cmp.on = 1;
	iq->cmp.dp = iq->dp;
	iq->cmp.name = s->name;
	iq->cmp.type = s->type;
	iq->cmp.want = 2;
}

/** query-compare's mode for the current question: off for forwarders
 * (they are not the zone's servers), priming and exempt names. */
static int
iter_cmp_mode(const struct module_qstate *q, int id,
    const struct iter_qstate *iq)
{
	const struct iter_env *ie = q->env->modinfo[id];

	if (!ie || ie->cmp_mode == ITER_CMP_NO || iq->forwarding ||
	    q->is_priming || iter_below_any((const uint8_t
	    (*)[DNAME_MAXLEN])ie->cmp_exempt, ie->num_cmp_exempt,
	    iq->qchase)) {
		return ITER_CMP_NO;
	}
	return ie->cmp_mode;
}

/** Can DNSSEC prove nothing for this question: no validator, or the
 * closest zone with known keys is provably unsigned (a negative trust
 * anchor included)? */
static int
iter_cmp_unsigned_zone(const struct module_qstate *q, int id,
    const struct iter_qstate *iq)
{
	const struct iter_env *ie = q->env->modinfo[id];
	struct key_entry *e;
	int r;

	if (!ie || !ie->validating) {
		return 1;
	}
	e = key_cache_lookup_closest(q->env->key_cache, iq->qchase,
	    q->qinfo.qclass, *q->env->now);
	r = e && e->d.status == KEY_STATUS_INSECURE;
	if (e) {
		key_cache_release(q->env->key_cache, e);
	}
	return r;
}

/** Is there an RRset of a type (signed, when sig) in the answer or
 * authority section of rep? */
static int
iter_has_set(const struct reply *rep, int section, uint16_t type, int sig)
{
	size_t i;

	for (i = 0; i < rep->an + rep->ns; i++) {
		const struct reply_rrset *x = rep->rrsets[i];

		if (x->section == section && x->type == type &&
		    (!sig || x->sigcount > 0)) {
			return 1;
		}
	}
	return 0;
}

/**
 * Will the validator be able to prove this reply (query-compare:
 * unsigned)?  Its answer RRsets must all be signed; a referral must carry
 * the child's DS RRset, signed (the NS set of a referral is never signed:
 * without a DS the child is unsigned, and its servers are whoever the
 * referral names); a negative answer its signed SOA and NSEC or NSEC3
 * records.  An attacker who strips the signatures only gets compared.
 */
static int
iter_reply_provable(const struct module_qstate *q, int id,
    const struct iter_qstate *iq, const struct reply *rep)
{
	size_t i;

	if (iter_cmp_unsigned_zone(q, id, iq)) {
		return 0;
	}
	if (rep->an > 0) {
		for (i = 0; i < rep->an; i++) {
			if (rep->rrsets[i]->type != RR_TYPE_RRSIG &&
			    rep->rrsets[i]->sigcount == 0) {
				return 0;
			}
		}
		return 1;
	}
	if (!iter_has_set(rep, MSG_SEC_AUTHORITY, RR_TYPE_SOA, 0) &&
	    iter_has_set(rep, MSG_SEC_AUTHORITY, RR_TYPE_NS, 0)) {
		return iter_has_set(rep, MSG_SEC_AUTHORITY, RR_TYPE_DS, 1);
	}
	return iter_has_set(rep, MSG_SEC_AUTHORITY, RR_TYPE_SOA, 1) &&
	    (iter_has_set(rep, MSG_SEC_AUTHORITY, RR_TYPE_NSEC, 1) ||
	    iter_has_set(rep, MSG_SEC_AUTHORITY, RR_TYPE_NSEC3, 1));
}

/** A server the infra cache had lame for the zone answered well: it is
 * not lame any more. */
static void
iter_lame_cleared(struct module_env *env, struct iter_qstate *iq,
    struct delegpt_addr *a)
{
	if (a->infra_lame) {
		a->infra_lame = 0;
		infra_cache_set_lame(env->infra_cache, &a->addr, a->addrlen,
		    iq->dp->name, *env->now, 0);
	}
}

/** 1 when the server is known to answer EDNS queries for the zone. */
static int
iter_edns_known(struct module_env *env, struct iter_qstate *iq,
    const struct delegpt_addr *a)
{
	struct infra_info info;

	return infra_cache_lookup(env->infra_cache, &a->addr, a->addrlen,
	    iq->dp->name, *env->now, &info) == RES_OK &&
	    info.edns_version >= 0;
}

/** Pick the server to ask: lowest RTO, sometimes an untried one. */
static struct delegpt_addr *
iter_select(struct module_qstate *q, struct iter_qstate *iq)
{
	struct module_env *env = q->env;
	struct delegpt_addr *a, *best = NULL;
	struct infra_info info;
	int best_rto = 0, untried = 0, pass, max_tries;

	for (pass = 0; pass < 2 && !best; pass++) {
	max_tries = pass == 0 ? ITER_MAX_TRIES : ITER_MAX_TRIES_LAST;
	for (a = iq->dp->addrs; a; a = a->next) {
		if (a->lame || a->inflight || a->attempts >= max_tries ||
		    iter_cmp_answered(iq, a) ||
		    module_avoids(q, &a->addr, a->addrlen)) {
			continue;
		}
		if (infra_cache_lookup(env->infra_cache, &a->addr, a->addrlen,
		    iq->dp->name, *env->now, &info) == RES_OK && pass == 0 &&
		    (info.lame || info.dnssec_lame)) {
			/* Lame for the zone, or its data failed validation:
			 * only when no other server is left (one odd reply
			 * does not take out a whole zone until the entry
			 * expires). */
			continue;
		}
		a->infra_lame = pass == 1 && info.lame;
		if (a->attempts == 0) {
			untried++;
		}
		/* Each attempt already made counts as a doubled RTO. */
		info.rto <<= a->attempts;
		/* A server that timed out ITER_DEAD_TIMEOUTS times in a row
		 * comes after every other, unknown ones too. */
		if (info.timeouts >= ITER_DEAD_TIMEOUTS) {
			info.rto += ITER_MAX_TIMEOUT;
		}
		/* prefer-ip6: an IPv4 server must be clearly faster to be
		 * chosen over an IPv6 one. */
		if (env->cfg->prefer_ip6 && a->addr.ss_family == AF_INET) {
			info.rto += ITER_PREFER_IP6_PENALTY;
		}
		if (!best || info.rto < best_rto) {
			best = a;
			best_rto = info.rto;
		}
	}
	}
	if (best && untried > 1 && env->rnd &&
	    random_uniform(env->rnd, ITER_EXPLORE) == 0) {
		uint32_t k = random_uniform(env->rnd, (uint32_t)untried);

		for (a = iq->dp->addrs; a; a = a->next) {
			if (!a->lame && !a->inflight && a->attempts == 0 &&
			    !iter_cmp_answered(iq, a) &&
			    !module_avoids(q, &a->addr, a->addrlen) &&
			    k-- == 0) {
				return a;
			}
		}
	}
	return best;
}

/**
 * Start subqueries for name server addresses: names of the delegation
 * without a known address, at most ITER_TARGETS_PARALLEL subqueries in
 * flight and ITER_TARGETS_PER_REFERRAL names per delegation.
 * @return how many were started.
 */
static int
iter_start_targets(struct module_qstate *q, struct iter_qstate *iq)
{
	struct module_env *env = q->env;
	struct delegpt_ns *ns;
	int started = 0;

	for (ns = iq->dp->ns; ns && iq->target_subs < ITER_TARGETS_PARALLEL;
	    ns = ns->next) {
		struct query_info qi;

		if (ns->tried_a && ns->tried_aaaa) {
			continue;
		}
		if (iq->dp->targets >= ITER_TARGETS_PER_REFERRAL) {
			break;
		}
		iq->dp->targets++;
		qi.qname = ns->name;
		qi.qname_len = ns->namelen;
		qi.qclass = RR_CLASS_IN;
		if (!ns->tried_a) {
			ns->tried_a = 1;
			qi.qtype = RR_TYPE_A;
			if (env->cfg->do_ip4 &&
			    env->attach_sub(q, &qi, MSG_FLAG_RD, 0) ==
			    RES_OK) {
				iq->target_subs++;
				started++;
			}
		}
		if (!ns->tried_aaaa) {
			ns->tried_aaaa = 1;
			qi.qtype = RR_TYPE_AAAA;
			if (env->cfg->do_ip6 &&
			    env->attach_sub(q, &qi, MSG_FLAG_RD, 0) ==
			    RES_OK) {
				iq->target_subs++;
				started++;
			}
		}
	}
	return started;
}

/** 1 when an address has ITER_DEAD_TIMEOUTS consecutive timeouts for
 * the zone in the infra cache. */
static int
iter_addr_dead(struct module_env *env, const struct delegpt *dp,
    const struct delegpt_addr *a)
{
	struct infra_info info;

	return infra_cache_lookup(env->infra_cache, &a->addr, a->addrlen,
	    dp->name, *env->now, &info) == RES_OK &&
	    info.timeouts >= ITER_DEAD_TIMEOUTS;
}

/**
 * Every address of the delegation timed out: look up afresh, past the
 * cache, the addresses of its names outside the zone that came from the
 * cache (a server that moved keeps its old address cached until the TTL
 * runs out).  Each name once per delegation, within
 * ITER_TARGETS_PARALLEL and ITER_TARGETS_PER_REFERRAL.
 * @return how many subqueries were started.
 */
static int
iter_refetch_targets(struct module_qstate *q, struct iter_qstate *iq)
{
	struct module_env *env = q->env;
	const struct delegpt_addr *a;
	struct delegpt_ns *ns;
	struct query_info qi;
	int started = 0;

	if (q->no_cache || iq->fwd) {
		return 0;
	}
	/* Only when every address was asked and none answered at all: a
	 * lame or bogus server is not a moved one. */
	for (a = iq->dp->addrs; a; a = a->next) {
		if ((a->attempts == 0 && !iter_addr_dead(env, iq->dp, a)) ||
		    a->lame || module_avoids(q, &a->addr, a->addrlen)) {
			return 0;
		}
	}
	for (ns = iq->dp->ns; ns && iq->target_subs < ITER_TARGETS_PARALLEL;
	    ns = ns->next) {
		/* A name inside the zone gets its address from the parent's
		 * glue: the parent fallback looked there. */
		if (!ns->cached_addrs || ns->refetched ||
		    dname_is_subdomain(ns->name, iq->dp->name)) {
			continue;
		}
		if (iq->dp->targets >= ITER_TARGETS_PER_REFERRAL) {
			break;
		}
		iq->dp->targets++;
		ns->refetched = 1;
		qi.qname = ns->name;
		qi.qname_len = ns->namelen;
		qi.qclass = RR_CLASS_IN;
		qi.qtype = RR_TYPE_A;
		if (env->cfg->do_ip4 && env->attach_sub(q, &qi, MSG_FLAG_RD,
		    MODULE_SUB_REFETCH) == RES_OK) {
			iq->target_subs++;
			started++;
		}
		qi.qtype = RR_TYPE_AAAA;
		if (env->cfg->do_ip6 && env->attach_sub(q, &qi, MSG_FLAG_RD,
		    MODULE_SUB_REFETCH) == RES_OK) {
			iq->target_subs++;
			started++;
		}
	}
	if (started > 0) {
		env->ctr.target_refetch++;
		iter_log(VERB_ALGO, "servers failed; their cached addresses "
		    "looked up afresh for", iq->dp->name, q->qinfo.qtype);
	}
	return started;
}

/** 1 when the delegation still has names without an address lookup. */
static int
iter_targets_left(const struct delegpt *dp)
{
	const struct delegpt_ns *ns;

	for (ns = dp->ns; ns; ns = ns->next) {
		if (!ns->tried_a || !ns->tried_aaaa) {
			return 1;
		}
	}
	return 0;
}

/** 1 when a name of the delegation still without an address lookup is
 * outside the zone (its address comes from elsewhere). */
static int
iter_targets_outside(const struct delegpt *dp)
{
	const struct delegpt_ns *ns;

	for (ns = dp->ns; ns; ns = ns->next) {
		if ((!ns->tried_a || !ns->tried_aaaa) &&
		    !dname_is_subdomain(ns->name, dp->name)) {
			return 1;
		}
	}
	return 0;
}

/** 1 when the delegation has a server other than a left to ask. */
static int
iter_other_server(const struct iter_qstate *iq, const struct delegpt_addr *a)
{
	const struct delegpt_addr *b;

	for (b = iq->dp->addrs; b; b = b->next) {
		if (b != a && !b->lame && !b->inflight &&
		    b->attempts < ITER_MAX_TRIES_LAST) {
			return 1;
		}
	}
	return 0;
}

/** Take a send off the query's list (it ended or was cancelled). */
static void
iter_send_unlink(struct iter_qstate *iq, struct iter_send *s)
{
	struct iter_send **pp;

	for (pp = &iq->sends; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			s->next = NULL;
			s->a->inflight = 0;
			iq->nsends--;
			return;
		}
	}
}

/** Cancel every send still in flight (the query moved on). */
static void
iter_cancel_sends(struct module_qstate *q, struct iter_qstate *iq)
{
	while (iq->sends) {
		struct iter_send *s = iq->sends;

		iter_send_unlink(iq, s);
		q->env->cancel_query(q, s->h);
	}
}

/** Report a query sent or its result to a trace. */
static void
iter_trace_send(struct module_qstate *q, struct iter_qstate *iq,
    const struct iter_send *s, enum trace_kind kind, int result, int rcode)
{
	struct trace_event ev;

	if (!q->trace) {
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.zone = iq->dp ? iq->dp->name : NULL;
	ev.name = s->name;
	ev.type = s->type;
	ev.addr = &s->a->addr;
	ev.addrlen = s->a->addrlen;
	ev.num = kind == TRACE_SEND ? s->tcp : result;
	ev.rcode = rcode;
	ev.ede = -1;
	module_trace(q, &ev);
}

static void iter_reply(struct module_qstate *q, int id, void *arg,
	const struct upstream_reply *r);
static int iter_use_reply(struct module_qstate *q, int id,
	struct iter_qstate *iq, const struct iter_send *s, struct reply *rep);
static int iter_cmp_collect(struct module_qstate *q, int id,
	struct iter_qstate *iq, const struct iter_send *s, struct reply *rep);
static void iter_cmp_exhausted(struct module_qstate *q, int id,
	struct iter_qstate *iq);

/**
 * Every server of a cached delegation failed: ask the parent zone's
 * servers again, once, for their side of it.  Their referral brings the
 * parent-side NS set and fresh glue, which may differ from the child's
 * own NS set the cache holds (a zone whose NS RRset names servers that
 * are gone, or addresses that moved); the referral's servers are then
 * asked (as Unbound falls back to the parent-side NS set).
 * @return 1 when the query goes on that way.
 */
static int
iter_parent_fallback(struct module_qstate *q, struct iter_qstate *iq)
{
	struct delegpt *pdp;

	if (iq->parent_tried || !iq->dp_cached || iq->forwarding ||
	    iq->fwd || q->no_cache || dname_is_root(iq->dp->name)) {
		return 0;
	}
	iq->parent_tried = 1;
	pdp = iter_find_delegation(q->env, q->region,
	    dname_parent(iq->dp->name));
	if (!pdp) {
		pdp = hints_root(q->env->hints, q->region);
	}
	if (!pdp) {
		return 0;
	}
	iter_filter_addrs(q->env->cfg, pdp);
	iter_log(VERB_ALGO, "servers failed; the parent side of the "
	    "delegation from", pdp->name, q->qinfo.qtype);
	q->env->ctr.parent_fallback++;
	iq->dp = pdp;
	iq->dp_cached = 0;
	iq->qmin_labels = 0;
	iq->qmin_count = 0;
	iq->state = ITER_QUERY_TARGETS;
	q->ext_state[q->curmod] = MODULE_STATE_INITIAL;
	return 1;
}

/**
 * Is every server of a delegation dead: each address with
 * ITER_DEAD_TIMEOUTS consecutive timeouts for the zone in the infra
 * cache, and no name outside the zone left whose address could give
 * another?
 */
static int
iter_dp_dead(struct module_env *env, const struct delegpt *dp)
{
	const struct delegpt_addr *a;

	if (!dp->addrs || iter_targets_outside(dp)) {
		return 0;
	}
	for (a = dp->addrs; a; a = a->next) {
		if (!iter_addr_dead(env, dp, a)) {
			return 0;
		}
	}
	return 1;
}

/** No server is left to ask: look addresses up, or fall back, or fail. */
static void
iter_no_server(struct module_qstate *q, int id, struct iter_qstate *iq)
{
	struct module_env *env = q->env;

	if (iq->nsends > 0) {
		/* A query is still out: wait for it. */
		iq->state = ITER_QUERY_RESP;
		q->ext_state[id] = MODULE_WAIT_REPLY;
		return;
	}
	if (iq->target_subs == 0 && iter_targets_left(iq->dp) &&
	    !iter_targets_outside(iq->dp) && iter_parent_fallback(q, iq)) {
		/* The names left are inside the zone whose servers just
		 * failed: only those servers could give their addresses. */
		return;
	}
	if (iter_start_targets(q, iq) > 0 || iq->target_subs > 0) {
		q->ext_state[id] = MODULE_WAIT_SUBQUERY;
		return;
	}
	if (iq->cmp.on && iq->cmp.dp == iq->dp && iq->cmp.n > 0) {
		/* No other server for the round. */
		iter_cmp_exhausted(q, id, iq);
		return;
	}
	if (iq->fwd && iq->fwd->isfirst && !iq->fwd_failed) {
		/* forward-first / stub-first: resolve normally. */
		iq->fwd_failed = 1;
		iq->state = ITER_INIT;
		q->ext_state[id] = MODULE_STATE_INITIAL;
		return;
	}
	if (q->budget->exceeded) {
		iter_error(q, id, EDE_OTHER, "the upstream query budget of "
		    "this query is spent");
		return;
	}
	if (iter_parent_fallback(q, iq)) {
		return;
	}
	if (iter_refetch_targets(q, iq) > 0) {
		q->ext_state[id] = MODULE_WAIT_SUBQUERY;
		return;
	}
	if (iq->dp->targets >= ITER_TARGETS_PER_REFERRAL &&
	    iter_targets_left(iq->dp)) {
		env->ctr.target_limit++;
		iter_error(q, id, EDE_NO_REACHABLE_AUTHORITY, "the name "
		    "servers of the zone have no address: too many names "
		    "without glue");
		return;
	}
	iter_error(q, id, EDE_NO_REACHABLE_AUTHORITY,
	    "no server of the zone could be reached");
}

/**
 * ratelimit: count an upstream query for the zone asked (the delegation
 * point's name) and say whether it may go.  Over the zone's limit it
 * fails with SERVFAIL and an EDE, except 1 in ratelimit-factor (the
 * counted rule of rate_slip()).  A root priming query is exempt: it is
 * one query per root NS TTL, and nothing resolves without it.
 * @return 1 when the query was failed (do not send), else 0.
 */
static int
iter_ratelimited(struct module_qstate *q, int id, struct iter_qstate *iq)
{
	struct module_env *env = q->env;
	uint8_t key[RATE_KEY_MAX];
	char z[DNAME_MAXSTR], text[DNAME_MAXSTR + 80];
	uint32_t n;
	int lim;

	if ((env->cfg->ratelimit == 0 &&
	    !rate_domains_has_any(env->rate_domains)) || q->is_priming) {
		return 0;
	}
	lim = rate_domains_limit(env->rate_domains, iq->dp->name,
	    env->cfg->ratelimit);
	if (lim <= 0) {
		return 0;
	}
	n = rate_table_count(env->zone_rate, key, rate_key_zone(iq->dp->name,
	    key), *env->now);
	if (iq->ratelimit_ok) {
		return 0;
	}
	switch (rate_slip(n, (uint32_t)lim,
	    (uint32_t)env->cfg->ratelimit_factor)) {
	case 0:
		return 0;
	case 1:
		iq->ratelimit_ok = 1;
		env->ctr.ratelimit_passed++;
		return 0;
	default:
		break;
	}
	env->ctr.ratelimited++;
	if (dname_to_str(iq->dp->name, z, sizeof(z)) < 0) {
		snprintf(z, sizeof(z), "?");
	}
	snprintf(text, sizeof(text), "the upstream query rate limit of "
	    "zone %s (%d per second) is exceeded", z, lim);
	iter_error(q, id, EDE_OTHER, text);
	return 1;
}

/** ITER_QUERY_TARGETS: send to a server, or wait, or give up. */
static void
iter_query_targets(struct module_qstate *q, int id, struct iter_qstate *iq)
{
	struct module_env *env = q->env;
	struct upstream_query uq;
	struct infra_info info;
	struct delegpt_addr *a;
	struct iter_send *s;
	int t, cmp_mode;

	if (*env->now > q->deadline) {
		iter_error(q, id, EDE_NO_REACHABLE_AUTHORITY,
		    "resolution took too long");
		return;
	}
	if (iq->sent >= ITER_MAX_SENT) {
		iter_error(q, id, EDE_OTHER, "too many upstream queries");
		return;
	}
	if (iq->nsends >= ITER_MAX_INFLIGHT) {
		iq->state = ITER_QUERY_RESP;
		q->ext_state[id] = MODULE_WAIT_REPLY;
		return;
	}
	if (iq->nsends == 0 && iter_dp_dead(env, iq->dp)) {
		/* Every server of the delegation is known dead: the
		 * parent's side of it first, then the addresses afresh,
		 * not more timeouts. */
		if (iq->dp_cached && !iq->parent_tried &&
		    iter_parent_fallback(q, iq)) {
			return;
		}
		if (iq->target_subs == 0 && iter_refetch_targets(q, iq) > 0) {
			q->ext_state[id] = MODULE_WAIT_SUBQUERY;
			return;
		}
	}
	a = iq->retry_addr && !iq->retry_addr->inflight ? iq->retry_addr :
	    iter_select(q, iq);
	if (!a) {
		iter_no_server(q, id, iq);
		return;
	}
	if (iter_ratelimited(q, id, iq)) {
		return;
	}
	s = region_zalloc(q->region, sizeof(*s));
	if (!s) {
		iter_error(q, id, EDE_OTHER, "out of memory");
		return;
	}
	memset(&uq, 0, sizeof(uq));
	infra_cache_lookup(env->infra_cache, &a->addr, a->addrlen,
	    iq->dp->name, *env->now, &info);
	s->a = a;
	iter_qmin_name(q, iq, s);
	/* query-compare: a round for this question, from the first query
	 * when every answer is to be compared (all, or unsigned for a zone
	 * DNSSEC cannot speak for); with unsigned elsewhere, a round opens
	 * when a reply turns out unprovable (iter_handle_reply()). */
	if (iq->cmp.on && !iter_cmp_is_round(iq, s)) {
		iq->cmp.on = 0;
	}
	cmp_mode = iter_cmp_mode(q, id, iq);
	if (!iq->cmp.on && (cmp_mode == ITER_CMP_ALL ||
	    (cmp_mode == ITER_CMP_UNSIGNED &&
	    iter_cmp_unsigned_zone(q, id, iq)))) {
		iter_cmp_start(iq, s);
	}
	/* TCP after TC, for forward-tcp-upstream, and against spoofing:
	 * for the rest of a query that saw a sign of it, and to a server
	 * that unwanted-reply-threshold switched to TCP. */
	s->tcp = (a == iq->retry_addr && iq->retry_tcp) ||
	    (iq->fwd && iq->fwd->tcp) || iq->attacked ||
	    info.tcp_until > *env->now || (iq->cmp.on && iq->cmp.want > 2);
	s->edns = !a->no_edns && info.edns_version != INFRA_EDNS_NONE;
	s->caps = env->cfg->use_caps_for_id && !s->tcp && !info.no_caps &&
	    !iq->caps_off &&
	    !iter_caps_exempt(env, id, iq->qchase);
	s->caps_reset = s->caps && info.caps_mismatches > 0;
	t = info.rto > ITER_MAX_TIMEOUT ? ITER_MAX_TIMEOUT : info.rto;
	/* A retry of the same server waits longer each time, whatever its
	 * past RTT: a lost packet is not a dead server. */
	if (a->attempts > 0 && t < (ITER_MIN_RETRY_TIMEOUT << a->attempts)) {
		t = ITER_MIN_RETRY_TIMEOUT << a->attempts;
		if (t > ITER_MAX_TIMEOUT) {
			t = ITER_MAX_TIMEOUT;
		}
	}
	if (s->tcp) {
		uq.timeout_ms = t < 1000 ? 1000 : t;
	} else if (iter_other_server(iq, a)) {
		/* After the RTO another server is asked as well; this one
		 * is heard until twice that (see the top of this file). */
		uq.slow_ms = t;
		uq.timeout_ms = 2 * t > ITER_MAX_TIMEOUT ? ITER_MAX_TIMEOUT :
		    2 * t;
	} else {
		uq.timeout_ms = t;
	}
	iq->retry_addr = NULL;
	iq->retry_tcp = 0;
	a->attempts++;
	iq->sent++;
	memcpy(&uq.addr, &a->addr, a->addrlen);
	uq.addrlen = a->addrlen;
	uq.qname = s->name;
	uq.qtype = s->type;
	uq.qclass = q->qinfo.qclass;
	uq.flags = iq->forwarding ? MSG_FLAG_RD : 0;
	uq.edns = s->edns;
	uq.do_bit = s->edns;
	uq.caps = s->caps;
	uq.tcp = s->tcp;
	if (log_verbosity >= VERB_ALGO) {
		char n[DNAME_MAXSTR], z[DNAME_MAXSTR], ad[64];

		dname_to_str(s->name, n, sizeof(n));
		dname_to_str(iq->dp->name, z, sizeof(z));
		comm_addr_to_str(&a->addr, a->addrlen, 0, ad, sizeof(ad));
		verbose(VERB_ALGO, "iterator: ask %s (zone %s) for %s type "
		    "%u%s%s", ad, z, n, (unsigned)s->type,
		    s->tcp ? " over TCP" : "", iq->forwarding ?
		    " (forward)" : "");
	}
	iter_trace_send(q, iq, s, TRACE_SEND, 0, 0);
	s->h = env->send_query(q, &uq, iter_reply, s);
	if (!s->h) {
		if (q->budget->exceeded) {
			iter_error(q, id, EDE_OTHER, "the upstream query "
			    "budget of this query is spent");
			return;
		}
		/* Could not send (address family off, no socket): next. */
		a->lame = 1;
		q->ext_state[id] = MODULE_STATE_INITIAL;
		return;
	}
	a->inflight = 1;
	s->next = iq->sends;
	iq->sends = s;
	iq->nsends++;
	if (iq->cmp.on && iq->cmp.n + iq->nsends < iq->cmp.want) {
		/* The round wants another server asked at the same time. */
		iq->state = ITER_QUERY_TARGETS;
		q->ext_state[id] = MODULE_STATE_INITIAL;
		return;
	}
	iq->state = ITER_QUERY_RESP;
	q->ext_state[id] = MODULE_WAIT_REPLY;
}

/**
 * Does a reply refer up or sideways: no answer, no SOA, an NS RRset in
 * the authority section that is not at or below the zone asked (a lame
 * server's referral to the root or a parent, with AA or without)?
 */
static int
iter_refers_up(const struct reply *rep, const uint8_t *zone)
{
	size_t i;
	int up = 0;

	if (rep->an > 0 || (rep->rcode != MSG_RCODE_NOERROR &&
	    rep->rcode != MSG_RCODE_NXDOMAIN)) {
		return 0;
	}
	for (i = rep->an; i < rep->an + rep->ns; i++) {
		const struct reply_rrset *s = rep->rrsets[i];

		if (s->type == RR_TYPE_SOA) {
			return 0;
		}
		if (s->type == RR_TYPE_NS && !dname_is_subdomain(s->owner,
		    zone)) {
			up = 1;
		}
	}
	return up;
}

/** Is a name one of the NS targets of the reply's NS RRsets? */
static int
iter_is_ns_target(const struct reply *rep, const uint8_t *name)
{
	size_t i, j;

	for (i = 0; i < rep->an + rep->ns; i++) {
		const struct reply_rrset *s = rep->rrsets[i];

		if (s->type != RR_TYPE_NS) {
			continue;
		}
		for (j = 0; j < s->count; j++) {
			if (dname_check(s->rd[j], s->rdlen[j], NULL) ==
			    RES_OK && dname_equal(s->rd[j], name)) {
				return 1;
			}
		}
	}
	return 0;
}

/**
 * Scrub a reply (in place): drop what the server has no authority to
 * say.  Everything must be at or below the zone asked (bailiwick); the
 * class must be the query's; in the authority section only NS, SOA and
 * DNSSEC denial/DS records are kept; in the additional section only
 * addresses of name servers the reply names.
 */
static void
iter_scrub(struct reply *rep, const uint8_t *zone, uint16_t qclass)
{
	size_t i, w = 0, an = 0, ns = 0, ar = 0;
	size_t total = rep->an + rep->ns + rep->ar;
	struct reply_rrset *addl[MSG_MAX_RR];
	size_t naddl = 0;

	/* Answer and authority first, so that the additional section is
	 * judged against the NS sets that survived the scrub. */
	for (i = 0; i < total; i++) {
		struct reply_rrset *s = rep->rrsets[i];
		int keep = s->rclass == qclass &&
		    dname_is_subdomain(s->owner, zone);

		if (s->section == MSG_SEC_ADDITIONAL) {
			if (keep && (s->type == RR_TYPE_A ||
			    s->type == RR_TYPE_AAAA) && naddl < MSG_MAX_RR) {
				addl[naddl++] = s;
			}
			continue;
		}
		if (keep && s->section == MSG_SEC_AUTHORITY) {
			keep = s->type == RR_TYPE_NS || s->type == RR_TYPE_SOA ||
			    s->type == RR_TYPE_DS || s->type == RR_TYPE_NSEC ||
			    s->type == RR_TYPE_NSEC3 ||
			    s->type == RR_TYPE_RRSIG;
		}
		if (!keep) {
			continue;
		}
		rep->rrsets[w++] = s;
		if (s->section == MSG_SEC_ANSWER) {
			an++;
		} else {
			ns++;
		}
	}
	rep->an = an;
	rep->ns = ns;
	rep->ar = 0;
	for (i = 0; i < naddl; i++) {
		if (iter_is_ns_target(rep, addl[i]->owner)) {
			rep->rrsets[w++] = addl[i];
			ar++;
		}
	}
	rep->ar = ar;
}

/**
 * Classify a scrubbed reply for (qchase, qtype) asked of zone.  Follows
 * a CNAME chain inside the answer section; *chain_end receives the name
 * the chain ends at (qchase when there is none).
 */
static enum iter_resp
iter_classify(const struct reply *rep, const uint8_t *qchase, uint16_t qtype,
    const uint8_t *zone, const uint8_t **chain_end,
    struct reply_rrset **referral)
{
	const uint8_t *name = qchase;
	size_t i;
	int hops = 0;

	*chain_end = qchase;
	*referral = NULL;
	if (rep->rcode != MSG_RCODE_NOERROR &&
	    rep->rcode != MSG_RCODE_NXDOMAIN) {
		return ITER_RESP_THROWAWAY;
	}
	/* Follow the chain in the answer section. */
	for (;;) {
		struct reply_rrset *s;

		if (reply_find(rep, MSG_SEC_ANSWER, name, qtype, RR_CLASS_IN) &&
		    qtype != RR_TYPE_CNAME) {
			*chain_end = name;
			return ITER_RESP_ANSWER;
		}
		if (qtype == RR_TYPE_CNAME &&
		    reply_find(rep, MSG_SEC_ANSWER, name, RR_TYPE_CNAME,
		    RR_CLASS_IN)) {
			*chain_end = name;
			return ITER_RESP_ANSWER;
		}
		s = reply_find(rep, MSG_SEC_ANSWER, name, RR_TYPE_CNAME,
		    RR_CLASS_IN);
		if (!s || s->count != 1 || qtype == RR_TYPE_ANY ||
		    dname_check(s->rd[0], s->rdlen[0], NULL) != RES_OK ||
		    ++hops > ITER_MAX_CNAME) {
			break;
		}
		name = s->rd[0];
	}
	*chain_end = name;
	if (rep->rcode == MSG_RCODE_NXDOMAIN) {
		return ITER_RESP_NEGATIVE;
	}
	if (name != qchase) {
		/* The chain leaves what this server can answer. */
		if (qtype == RR_TYPE_ANY) {
			return ITER_RESP_ANSWER;
		}
		return ITER_RESP_CNAME;
	}
	if (rep->an > 0 && qtype == RR_TYPE_ANY) {
		return ITER_RESP_ANSWER;
	}
	/* A referral: an NS set strictly below the zone asked, at or above
	 * the name, and no SOA (RFC 1034 section 4.3.2). */
	for (i = rep->an; i < rep->an + rep->ns; i++) {
		struct reply_rrset *s = rep->rrsets[i];

		if (s->type == RR_TYPE_SOA) {
			return ITER_RESP_NEGATIVE;
		}
	}
	for (i = rep->an; i < rep->an + rep->ns; i++) {
		struct reply_rrset *s = rep->rrsets[i];

		if (s->type != RR_TYPE_NS) {
			continue;
		}
		if (dname_is_strict_subdomain(s->owner, zone) &&
		    dname_is_subdomain(qchase, s->owner)) {
			*referral = s;
			return ITER_RESP_REFERRAL;
		}
		/* NS for the zone itself or elsewhere: not a referral.  A
		 * referral up (to the root or a parent) or sideways is a
		 * server that does not serve the zone, AA or not. */
		if (!(rep->flags & MSG_FLAG_AA) ||
		    !dname_equal(s->owner, zone)) {
			return ITER_RESP_LAME;
		}
	}
	if (rep->flags & MSG_FLAG_AA) {
		return ITER_RESP_NEGATIVE;
	}
	return ITER_RESP_LAME;
}

/** Store the RRsets of a reply in the cache with their trust. */
static void
iter_store_rrsets(struct module_env *env, struct reply *rep, int referral)
{
	size_t i;
	int aa = (rep->flags & MSG_FLAG_AA) != 0;

	for (i = 0; i < rep->an + rep->ns + rep->ar; i++) {
		struct reply_rrset *s = rep->rrsets[i];

		if (s->type == RR_TYPE_RRSIG) {
			continue;
		}
		s->trust = iter_trust(s->section, aa, referral, s->type);
		dns_cache_store_rrset(env, s, NULL);
	}
}

/**
 * Is an answer-section RRset part of the answer to (name, qtype): a
 * CNAME on the chain from name, a DNAME above a name on it, or an RRset
 * of the type asked (any type for ANY) at its end.
 */
static int
iter_in_chain(const struct reply *rep, const uint8_t *name, uint16_t qtype,
    const struct reply_rrset *s)
{
	int hops = 0;

	for (;;) {
		struct reply_rrset *c;

		if (dname_equal(s->owner, name) && (s->type == qtype ||
		    qtype == RR_TYPE_ANY || s->type == RR_TYPE_CNAME)) {
			return 1;
		}
		if (s->type == RR_TYPE_DNAME &&
		    dname_is_strict_subdomain(name, s->owner)) {
			return 1;
		}
		c = reply_find(rep, MSG_SEC_ANSWER, name, RR_TYPE_CNAME,
		    RR_CLASS_IN);
		if (!c || c->count != 1 || qtype == RR_TYPE_CNAME ||
		    dname_check(c->rd[0], c->rdlen[0], NULL) != RES_OK ||
		    ++hops > ITER_MAX_CNAME) {
			return 0;
		}
		name = c->rd[0];
	}
}

/**
 * RFC 2308 section 3: the SOA of a negative answer carries the lesser of
 * its TTL and its MINIMUM field, here also capped by
 * cache-max-negative-ttl, so caches downstream keep it no longer.
 */
static void
iter_negative_ttl(struct module_env *env, struct reply *rep)
{
	size_t i;

	for (i = rep->an; i < rep->an + rep->ns; i++) {
		struct reply_rrset *s = rep->rrsets[i];
		uint32_t min;
		const uint8_t *p;

		if (s->type != RR_TYPE_SOA || s->count != 1 ||
		    s->rdlen[0] < 20) {
			continue;
		}
		p = s->rd[0] + s->rdlen[0] - 4;
		min = wire_get32(p);
		if (min < s->ttl) {
			s->ttl = min;
		}
		if ((uint32_t)env->cfg->cache_max_negative_ttl < s->ttl) {
			s->ttl = (uint32_t)env->cfg->cache_max_negative_ttl;
		}
	}
}

/** Build and store the final reply for an answer or negative reply. */
static void
iter_handle_final(struct module_qstate *q, int id, struct iter_qstate *iq,
    struct reply *rep, int negative)
{
	struct module_env *env = q->env;
	size_t i, total = rep->an + rep->ns + rep->ar;
	struct reply *out = reply_create(q->region, total);
	struct query_info qi;

	if (!out) {
		iter_error(q, id, EDE_OTHER, "out of memory");
		return;
	}
	if (negative) {
		iter_negative_ttl(env, rep);
	}
	iter_store_rrsets(env, rep, 0);
	out->flags = rep->flags;
	out->rcode = rep->rcode;
	/* minimal-responses: the answer (the chain from the name asked and
	 * the RRsets answering it, nothing unrelated), and for negative
	 * answers the authority section (SOA and denial proofs). */
	for (i = 0; i < total; i++) {
		struct reply_rrset *s = rep->rrsets[i];

		/* NSEC/NSEC3 of a positive answer prove a wildcard
		 * expansion (RFC 4035 section 5.3.4): kept for the
		 * validator. */
		if ((s->section == MSG_SEC_ANSWER &&
		    iter_in_chain(rep, iq->qchase, q->qinfo.qtype, s)) ||
		    (negative && s->section == MSG_SEC_AUTHORITY &&
		    s->type != RR_TYPE_NS) ||
		    (s->section == MSG_SEC_AUTHORITY &&
		    (s->type == RR_TYPE_NSEC || s->type == RR_TYPE_NSEC3))) {
			reply_add(out, total, s, s->section);
		}
	}
	if (q->trace) {
		struct trace_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.kind = TRACE_ANSWER;
		ev.zone = iq->dp ? iq->dp->name : NULL;
		ev.name = iq->qchase;
		ev.type = q->qinfo.qtype;
		ev.rep = out;
		ev.rcode = out->rcode;
		ev.ede = -1;
		module_trace(q, &ev);
	}
	/* Cache the reply for the name it answers (the chase target). */
	qi = q->qinfo;
	qi.qname = iq->qchase;
	qi.qname_len = dname_len(iq->qchase);
	dns_cache_store_msg(env, &qi, q->query_flags, out, negative);
	iter_finish_reply(q, id, iq, out);
	if (iq->num_chain > 0 && q->return_msg) {
		/* And the whole chain under the original name. */
		dns_cache_store_msg(env, &q->qinfo, q->query_flags,
		    q->return_msg, negative);
	}
}

/** Handle a referral: new delegation point from NS and glue. */
static void
iter_handle_referral(struct module_qstate *q, int id, struct iter_qstate *iq,
    struct reply *rep, struct reply_rrset *nsset)
{
	struct module_env *env = q->env;
	struct delegpt *dp;
	struct delegpt_ns *n;
	size_t i, j;

	iter_store_rrsets(env, rep, 1);
	if (++iq->referrals > ITER_MAX_REFERRALS) {
		iter_error(q, id, EDE_OTHER, "too many referrals");
		return;
	}
	dp = delegpt_create(q->region, nsset->owner);
	if (!dp) {
		iter_error(q, id, EDE_OTHER, "out of memory");
		return;
	}
	for (i = 0; i < nsset->count; i++) {
		if (dname_check(nsset->rd[i], nsset->rdlen[i], NULL) ==
		    RES_OK) {
			delegpt_add_ns(dp, q->region, nsset->rd[i]);
		}
	}
	/* Glue, in bailiwick of the zone that referred us (scrubbed). */
	for (i = rep->an + rep->ns; i < rep->an + rep->ns + rep->ar; i++) {
		struct reply_rrset *s = rep->rrsets[i];
		struct delegpt_ns *gns = delegpt_find_ns(dp, s->owner);

		if (!gns) {
			continue;
		}
		if (s->type == RR_TYPE_A) {
			gns->tried_a = 1;
		} else if (s->type == RR_TYPE_AAAA) {
			gns->tried_aaaa = 1;
		}
		for (j = 0; j < s->count; j++) {
			delegpt_add_rdata(dp, q->region, s->type, s->rd[j],
			    s->rdlen[j]);
		}
	}
	for (n = dp->ns; n && !q->no_cache; n = n->next) {
		iter_add_cached_addrs(env, q->region, dp, n->name);
	}
	iter_filter_addrs(env->cfg, dp);
	iter_log(VERB_ALGO, "referral to", dp->name, q->qinfo.qtype);
	if (q->trace) {
		struct trace_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.kind = TRACE_REFERRAL;
		ev.zone = iq->dp->name;
		ev.name = dp->name;
		ev.rrset = nsset;
		ev.ede = -1;
		module_trace(q, &ev);
	}
	iq->dp = dp;
	iq->dp_cached = 0;
	iq->qmin_labels = 0;
	iq->qmin_count = 0;
	iq->state = ITER_QUERY_TARGETS;
}

/**
 * RFC 6672 section 3.2: a DNAME above the name without the CNAME the
 * server should have synthesized: synthesize it (TTL of the DNAME), so
 * the chain is followed.  A name that would grow past 255 octets gets no
 * CNAME (the server should have said YXDOMAIN).
 * @return 0 or RES_ENOMEM.
 */
static int
iter_synth_dname(struct region *r, struct reply *rep, const uint8_t *name,
    uint16_t qtype)
{
	struct reply_rrset *dn = NULL, *cn, **sets;
	uint8_t target[DNAME_MAXLEN];
	size_t i, plen, tlen, total;

	if (qtype == RR_TYPE_DNAME ||
	    reply_find(rep, MSG_SEC_ANSWER, name, RR_TYPE_CNAME,
	    RR_CLASS_IN)) {
		return RES_OK;
	}
	for (i = 0; i < rep->an; i++) {
		struct reply_rrset *s = rep->rrsets[i];

		if (s->type == RR_TYPE_DNAME && s->count == 1 &&
		    dname_is_strict_subdomain(name, s->owner) &&
		    dname_check(s->rd[0], s->rdlen[0], &tlen) == RES_OK) {
			dn = s;
			break;
		}
	}
	if (!dn) {
		return RES_OK;
	}
	/* The labels of name above the DNAME owner, then the target. */
	plen = dname_len(name) - dname_len(dn->owner);
	if (plen + tlen > DNAME_MAXLEN) {
		return RES_OK;
	}
	memcpy(target, name, plen);
	memcpy(target + plen, dn->rd[0], tlen);
	cn = region_zalloc(r, sizeof(*cn));
	total = rep->an + rep->ns + rep->ar;
	sets = region_alloc(r, sizeof(*sets) * (total + 1));
	if (!cn || !sets) {
		return RES_ENOMEM;
	}
	cn->owner = region_copy(r, name, dname_len(name));
	cn->rd = region_alloc(r, sizeof(*cn->rd));
	cn->rdlen = region_alloc(r, sizeof(*cn->rdlen));
	if (!cn->owner || !cn->rd || !cn->rdlen) {
		return RES_ENOMEM;
	}
	cn->rd[0] = region_copy(r, target, plen + tlen);
	if (!cn->rd[0]) {
		return RES_ENOMEM;
	}
	cn->rdlen[0] = (uint16_t)(plen + tlen);
	cn->count = 1;
	cn->type = RR_TYPE_CNAME;
	cn->rclass = dn->rclass;
	cn->ttl = dn->ttl;
	cn->section = MSG_SEC_ANSWER;
	/* Insert right after the answer section's RRsets. */
	memcpy(sets, rep->rrsets, sizeof(*sets) * rep->an);
	sets[rep->an] = cn;
	memcpy(sets + rep->an + 1, rep->rrsets + rep->an,
	    sizeof(*sets) * (total - rep->an));
	rep->rrsets = sets;
	rep->an++;
	return RES_OK;
}

/**
 * The reply to a minimised query (RFC 9156 section 3).  A referral
 * below the zone is followed like any; a name that exists without a cut
 * (an answer or NODATA) lets the next query add a label.  Anything else
 * (NXDOMAIN, a CNAME, an error) turns minimisation off for this query
 * and the full name is asked: the relaxed behaviour, since servers that
 * mishandle empty non-terminals answer NXDOMAIN wrongly.  With
 * qname-minimisation-strict an NXDOMAIN is final (RFC 8020).
 */
static void
iter_handle_minimised(struct module_qstate *q, int id,
    struct iter_qstate *iq, const struct iter_send *s, struct reply *rep)
{
	struct module_env *env = q->env;
	struct reply_rrset *nsset;
	const uint8_t *end;
	enum iter_resp type;

	iq->qmin_count++;
	type = iter_classify(rep, s->name, s->type, iq->dp->name, &end,
	    &nsset);
	if (type == ITER_RESP_REFERRAL) {
		iter_handle_referral(q, id, iq, rep, nsset);
		return;
	}
	/* Not the server's fault: this try does not count against it. */
	s->a->attempts--;
	if ((type == ITER_RESP_ANSWER || type == ITER_RESP_NEGATIVE) &&
	    rep->rcode == MSG_RCODE_NOERROR && end == s->name) {
		iter_store_rrsets(env, rep, 0);
		iq->qmin_labels = dname_count_labels(s->name);
		return;
	}
	if (type == ITER_RESP_NEGATIVE && rep->rcode == MSG_RCODE_NXDOMAIN &&
	    env->cfg->qname_minimisation_strict) {
		iter_handle_final(q, id, iq, rep, 1);
		return;
	}
	iter_log(VERB_ALGO, "qname minimisation off for", iq->qchase,
	    q->qinfo.qtype);
	iq->qmin_off = 1;
}

/**
 * A reply to send s (UPSTREAM_OK).
 * @return 1 when the reply moved the query on (an answer, a referral, a
 *	CNAME, a minimisation step: other queries in flight are stale), 0
 *	when this server failed it (lame, broken, truncated, FORMERR).
 */
static int
iter_handle_reply(struct module_qstate *q, int id, struct iter_qstate *iq,
    const struct iter_send *s, const struct upstream_reply *r)
{
	struct module_env *env = q->env;
	struct delegpt_addr *a = s->a;
	struct reply *rep;
	int pr;

	iq->state = ITER_QUERY_TARGETS;
	if (!iq->msg) {
		iq->msg = region_alloc(q->region, sizeof(*iq->msg));
		if (!iq->msg) {
			iter_error(q, id, EDE_OTHER, "out of memory");
			return 1;
		}
	}
	infra_cache_rtt_update(env->infra_cache, &a->addr, a->addrlen,
	    iq->dp->name, *env->now, r->rtt_ms > 0 ? r->rtt_ms : 1);
	pr = msg_parse(iq->msg, r->pkt, r->len);
	if (pr == RES_ELIMIT) {
		/* More records than the view holds (a big RRset over TCP):
		 * room for as many as the message can hold.  The limit is
		 * the message's 64 KiB, not a count. */
		size_t max = r->len / 11 + 1;
		struct msg_rr *room = region_alloc(q->region, max *
		    sizeof(*room));

		pr = room ? msg_parse_big(iq->msg, r->pkt, r->len, room,
		    max) : RES_ENOMEM;
	}
	if (pr == RES_OK && iq->msg->rcode == MSG_RCODE_FORMERR && s->edns) {
		/* RFC 6891 section 7: retry without EDNS, and remember.
		 * (Such a FORMERR often has no question section.) */
		iter_trace_send(q, iq, s, TRACE_REPLY, r->result,
		    iq->msg->rcode);
		a->no_edns = 1;
		a->attempts--;
		infra_cache_edns_update(env->infra_cache, &a->addr,
		    a->addrlen, iq->dp->name, *env->now, INFRA_EDNS_NONE, 0);
		iq->retry_addr = a;
		iq->retry_tcp = s->tcp;
		return 0;
	}
	iter_trace_send(q, iq, s, TRACE_REPLY, r->result,
	    iq->msg->have_header ? (int)iq->msg->rcode : -1);
	if (!iq->msg->have_header || !iq->msg->have_rrs ||
	    !iq->msg->have_question || iq->msg->qdcount != 1 ||
	    iq->msg->qtype != s->type ||
	    iq->msg->qclass != q->qinfo.qclass ||
	    !dname_equal(iq->msg->qname, s->name)) {
		/* Malformed or not our question: this server is broken. */
		if (iq->msg->have_header && (iq->msg->flags & MSG_FLAG_TC) &&
		    !s->tcp) {
			iq->retry_addr = a;
			iq->retry_tcp = 1;
			return 0;
		}
		a->lame = 1;
		return 0;
	}
	if (s->edns && iq->msg->edns.present) {
		/* The server speaks EDNS: remember it (and its size). */
		infra_cache_edns_update(env->infra_cache, &a->addr,
		    a->addrlen, iq->dp->name, *env->now,
		    iq->msg->edns.version, iq->msg->edns.udp_size);
	}
	if (a->edns_probe && !s->edns) {
		/* The probe without EDNS was answered: remember it. */
		a->edns_probe = 0;
		infra_cache_edns_update(env->infra_cache, &a->addr,
		    a->addrlen, iq->dp->name, *env->now, INFRA_EDNS_NONE, 0);
	}
	if ((iq->msg->flags & MSG_FLAG_TC) && !s->tcp) {
		/* RFC 1035 section 4.2.1 / RFC 7766: retry over TCP. */
		iq->retry_addr = a;
		iq->retry_tcp = 1;
		return 0;
	}
	if (reply_from_msg(q->region, iq->msg, &rep) != RES_OK) {
		a->lame = 1;
		return 0;
	}
	if (!iq->forwarding && iter_refers_up(rep, iq->dp->name)) {
		/* A server that does not serve the zone (the scrubber would
		 * leave an empty answer that looks like NODATA). */
		env->ctr.lame++;
		infra_cache_set_lame(env->infra_cache, &a->addr, a->addrlen,
		    iq->dp->name, *env->now, 1);
		a->lame = 1;
		return 0;
	}
	iter_scrub(rep, iq->dp->name, q->qinfo.qclass);
	if (iter_synth_dname(q->region, rep, s->name, q->qinfo.qtype) !=
	    RES_OK) {
		iter_error(q, id, EDE_OTHER, "out of memory");
		return 1;
	}
	if (rep->rcode == MSG_RCODE_NOERROR ||
	    rep->rcode == MSG_RCODE_NXDOMAIN) {
		int mode = iter_cmp_mode(q, id, iq);

		if (iter_cmp_is_round(iq, s) || mode == ITER_CMP_ALL ||
		    (mode == ITER_CMP_UNSIGNED &&
		    !iter_reply_provable(q, id, iq, rep))) {
			if (!iter_cmp_is_round(iq, s)) {
				iter_cmp_start(iq, s);
			}
			return iter_cmp_collect(q, id, iq, s, rep);
		}
	}
	return iter_use_reply(q, id, iq, s, rep);
}

/** Does a CNAME target lead back into the chain (the question or a
 * name the chain has passed)? */
static int
iter_chain_loops(const struct module_qstate *q, const struct iter_qstate *iq,
    const uint8_t *target)
{
	int k;

	if (dname_equal(target, q->qinfo.qname)) {
		return 1;
	}
	for (k = 0; k < iq->num_chain; k++) {
		if (iq->chain[k]->type == RR_TYPE_CNAME &&
		    dname_equal(iq->chain[k]->owner, target)) {
			return 1;
		}
	}
	return 0;
}

/**
 * Act on a checked and scrubbed reply to send s: a minimisation step, an
 * answer, a negative answer, a CNAME, a referral, or a lame server.
 * @return as iter_handle_reply().
 */
static int
iter_use_reply(struct module_qstate *q, int id, struct iter_qstate *iq,
    const struct iter_send *s, struct reply *rep)
{
	struct module_env *env = q->env;
	struct delegpt_addr *a = s->a;
	struct reply_rrset *nsset;
	const uint8_t *end;
	enum iter_resp type;

	iq->state = ITER_QUERY_TARGETS;
	if (s->name != iq->qchase) {
		iter_handle_minimised(q, id, iq, s, rep);
		return 1;
	}
	type = iter_classify(rep, iq->qchase, q->qinfo.qtype, iq->dp->name,
	    &end, &nsset);
	if (iq->forwarding) {
		/* Forwarders recurse: an empty NOERROR is NODATA even
		 * without SOA, and a referral means a broken forwarder. */
		if (type == ITER_RESP_LAME && rep->rcode == MSG_RCODE_NOERROR &&
		    rep->an == 0) {
			type = ITER_RESP_NEGATIVE;
		} else if (type == ITER_RESP_REFERRAL) {
			type = ITER_RESP_THROWAWAY;
		}
	}
	switch (type) {
	case ITER_RESP_ANSWER:
	case ITER_RESP_NEGATIVE:
		iter_lame_cleared(env, iq, a);
		/* The server the answer came from, for the validator. */
		memcpy(&q->answer_addr, &a->addr, a->addrlen);
		q->answer_addrlen = a->addrlen;
		q->answer_zone = iq->dp->name;
		iter_handle_final(q, id, iq, rep, type == ITER_RESP_NEGATIVE);
		return 1;
	case ITER_RESP_CNAME: {
		const uint8_t *name = iq->qchase;

		iter_lame_cleared(env, iq, a);
		iter_store_rrsets(env, rep, 0);
		/* Keep the chain links of this reply in order, each CNAME
		 * after the DNAME it was synthesized from (RFC 6672). */
		while (!dname_equal(name, end)) {
			struct reply_rrset *c = reply_find(rep,
			    MSG_SEC_ANSWER, name, RR_TYPE_CNAME, RR_CLASS_IN);
			size_t k;

			for (k = 0; k < rep->an; k++) {
				struct reply_rrset *dn = rep->rrsets[k];

				if (dn->type == RR_TYPE_DNAME &&
				    dname_is_strict_subdomain(name,
				    dn->owner) && iq->num_chain <
				    ITER_MAX_CNAME) {
					iq->chain[iq->num_chain++] = dn;
				}
			}

			if (!c || iq->num_chain >= ITER_MAX_CNAME) {
				iter_error(q, id, EDE_OTHER,
				    "CNAME chain too long");
				return 1;
			}
			if (iter_chain_loops(q, iq, c->rd[0])) {
				char ln[DNAME_MAXSTR], t[DNAME_MAXSTR + 64];

				dname_to_str(c->rd[0], ln, sizeof(ln));
				snprintf(t, sizeof(t), "CNAME or DNAME loop: %s "
				    "comes back", ln);
				iter_error(q, id, EDE_OTHER, t);
				return 1;
			}
			iq->chain[iq->num_chain++] = c;
			name = c->rd[0];
		}
		iq->qchase = (uint8_t *)end;
		env->ctr.cname_chains++;
		iq->state = ITER_INIT;
		return 1;
	}
	case ITER_RESP_REFERRAL:
		iter_lame_cleared(env, iq, a);
		iter_handle_referral(q, id, iq, rep, nsset);
		return 1;
	case ITER_RESP_LAME:
		env->ctr.lame++;
		infra_cache_set_lame(env->infra_cache, &a->addr, a->addrlen,
		    iq->dp->name, *env->now, 1);
		a->lame = 1;
		return 0;
	case ITER_RESP_THROWAWAY:
	default:
		a->lame = 1;
		return 0;
	}
}

/** Servers of a round as text, for the log: "a, b and c". */
static void
iter_cmp_servers(const struct iter_qstate *iq, char *buf, size_t len)
{
	char ad[64];
	size_t used = 0;
	int k;

	buf[0] = 0;
	for (k = 0; k < iq->cmp.n && used < len; k++) {
		comm_addr_to_str(&iq->cmp.from[k]->a->addr,
		    iq->cmp.from[k]->a->addrlen, 0, ad, sizeof(ad));
		used += (size_t)snprintf(buf + used, len - used, "%s%s%s",
		    k == 0 ? "" : k + 1 == iq->cmp.n ? " and " : ", ", ad,
		    iq->cmp.from[k]->tcp ? " (TCP)" : "");
	}
}

/** Close the round and act on its reply k. */
static int
iter_cmp_use(struct module_qstate *q, int id, struct iter_qstate *iq, int k)
{
	const struct iter_send *s = iq->cmp.from[k];
	struct reply *rep = iq->cmp.rep[k];

	iq->cmp.on = 0;
	return iter_use_reply(q, id, iq, s, rep);
}

/** A server not yet in the round for the tie-break, else its first. */
static struct delegpt_addr *
iter_cmp_third(struct module_qstate *q, struct iter_qstate *iq)
{
	struct delegpt_addr *a;

	for (a = iq->dp->addrs; a; a = a->next) {
		if (!a->lame && !iter_cmp_answered(iq, a) &&
		    (a->addr.ss_family != AF_INET || q->env->cfg->do_ip4) &&
		    (a->addr.ss_family != AF_INET6 || q->env->cfg->do_ip6)) {
			return a;
		}
	}
	return iq->cmp.from[0]->a;
}

/**
 * Judge a round with enough replies: two that agree are used; two that
 * disagree call for a third over TCP; then the reply two of the three
 * give, or SERVFAIL.
 * @return as iter_handle_reply().
 */
static int
iter_cmp_judge(struct module_qstate *q, int id, struct iter_qstate *iq)
{
	struct module_env *env = q->env;
	struct iter_cmp *c = &iq->cmp;
	char n[DNAME_MAXSTR], sv[256], text[512], tn[16];
	int r, k;

	if (c->want == 2) {
		env->ctr.cmp_compared++;
		r = iter_compare_replies(c->rep[0], c->rep[1], c->why,
		    sizeof(c->why));
		if (r != ITER_CMP_DIFFERENT) {
			if (r == ITER_CMP_POOL) {
				env->ctr.cmp_pool++;
			} else {
				env->ctr.cmp_agreed++;
			}
			return iter_cmp_use(q, id, iq, 0);
		}
		dname_to_str(c->name, n, sizeof(n));
		iter_cmp_servers(iq, sv, sizeof(sv));
		verbose(VERB_OPS, "query-compare: %s disagree on %s %s "
		    "(%s): asking a third server over TCP", sv, n,
		    iter_type_str(c->type, tn, sizeof(tn)), c->why);
		c->want = 3;
		iq->retry_addr = iter_cmp_third(q, iq);
		iq->retry_tcp = 1;
		iq->state = ITER_QUERY_TARGETS;
		return 0;
	}
	/* The third reply came over TCP: with which does it agree? */
	for (k = 0; k < 2; k++) {
		if (iter_compare_replies(c->rep[2], c->rep[k], NULL, 0) !=
		    ITER_CMP_DIFFERENT) {
			env->ctr.cmp_majority++;
			return iter_cmp_use(q, id, iq, 2);
		}
	}
	env->ctr.cmp_failed++;
	dname_to_str(c->name, n, sizeof(n));
	iter_cmp_servers(iq, sv, sizeof(sv));
	log_warn("query-compare: no two of %s agree on %s %s (%s)", sv,
	    n, iter_type_str(c->type, tn, sizeof(tn)), c->why);
	snprintf(text, sizeof(text), "the zone's servers disagree (%s): %s",
	    sv, c->why);
	c->on = 0;
	iter_error(q, id, EDE_OTHER, text);
	return 1;
}

/**
 * Keep a reply of the open round; judge when enough are in.
 * @return as iter_handle_reply().
 */
static int
iter_cmp_collect(struct module_qstate *q, int id, struct iter_qstate *iq,
    const struct iter_send *s, struct reply *rep)
{
	struct iter_cmp *c = &iq->cmp;

	if (c->n >= ITER_CMP_MAX) {
		return iter_cmp_use(q, id, iq, c->n - 1);
	}
	c->rep[c->n] = rep;
	c->from[c->n] = s;
	c->n++;
	if (c->n < c->want) {
		/* Wait for the other server; ask one when none is out. */
		iq->state = iq->nsends > 0 ? ITER_QUERY_RESP :
		    ITER_QUERY_TARGETS;
		return 0;
	}
	return iter_cmp_judge(q, id, iq);
}

/**
 * No server is left for the open round: one reply is used as it is
 * (a zone with a single server, or none other answered: counted); two
 * that disagree with no tie-break possible are a failure.
 */
static void
iter_cmp_exhausted(struct module_qstate *q, int id, struct iter_qstate *iq)
{
	struct iter_cmp *c = &iq->cmp;
	char n[DNAME_MAXSTR], sv[256], text[512], tn[16];

	q->ext_state[id] = MODULE_STATE_INITIAL;
	if (c->n == 1) {
		q->env->ctr.cmp_single++;
		(void)iter_cmp_use(q, id, iq, 0);
		return;
	}
	q->env->ctr.cmp_failed++;
	dname_to_str(c->name, n, sizeof(n));
	iter_cmp_servers(iq, sv, sizeof(sv));
	log_warn("query-compare: %s disagree on %s %s (%s) and no "
	    "server settles it", sv, n, iter_type_str(c->type, tn,
	    sizeof(tn)), c->why);
	snprintf(text, sizeof(text), "the zone's servers disagree (%s): %s",
	    sv, c->why);
	c->on = 0;
	iter_error(q, id, EDE_OTHER, text);
}

/** The priming reply: store the root NS set and its addresses. */
static void
iter_prime_done(struct module_qstate *q, int id, struct iter_qstate *iq)
{
	struct reply *rep = q->return_msg;

	(void)iq;
	if (!rep || !reply_find(rep, MSG_SEC_ANSWER, (const uint8_t *)"",
	    RR_TYPE_NS, RR_CLASS_IN)) {
		iter_error(q, id, EDE_NO_REACHABLE_AUTHORITY,
		    "root priming failed");
	}
}

/** Run the state machine until it waits or finishes. */
static void
iter_run(struct module_qstate *q, int id, struct iter_qstate *iq)
{
	for (;;) {
		switch (iq->state) {
		case ITER_INIT:
			if (!iter_init(q, id, iq)) {
				return;
			}
			break;
		case ITER_QUERY_TARGETS:
			q->ext_state[id] = MODULE_STATE_INITIAL;
			iter_query_targets(q, id, iq);
			if (q->ext_state[id] != MODULE_STATE_INITIAL) {
				return;
			}
			break;
		case ITER_QUERY_RESP:
			/* Waiting for the network. */
			q->ext_state[id] = MODULE_WAIT_REPLY;
			return;
		case ITER_FINISHED:
		default:
			q->ext_state[id] = MODULE_FINISHED;
			return;
		}
	}
}

/**
 * The priming query keeps the whole reply (glue included).
 * @return 1 when primed (finished), 0 when this server failed it.
 */
static int
iter_prime_store(struct module_qstate *q, int id, struct iter_qstate *iq,
    const struct iter_send *s, const struct upstream_reply *r)
{
	struct reply *rep;

	iq->state = ITER_QUERY_TARGETS;
	if (!iq->msg) {
		iq->msg = region_alloc(q->region, sizeof(*iq->msg));
	}
	if (!iq->msg || msg_parse(iq->msg, r->pkt, r->len) != RES_OK ||
	    !iq->msg->have_question ||
	    iq->msg->qtype != RR_TYPE_NS || !dname_is_root(iq->msg->qname) ||
	    iq->msg->rcode != MSG_RCODE_NOERROR ||
	    reply_from_msg(q->region, iq->msg, &rep) != RES_OK) {
		s->a->lame = 1;
		return 0;
	}
	iter_trace_send(q, iq, s, TRACE_REPLY, r->result, iq->msg->rcode);
	if ((iq->msg->flags & MSG_FLAG_TC) && !s->tcp) {
		iq->retry_addr = s->a;
		iq->retry_tcp = 1;
		return 0;
	}
	iter_scrub(rep, (const uint8_t *)"", RR_CLASS_IN);
	if (!reply_find(rep, MSG_SEC_ANSWER, (const uint8_t *)"",
	    RR_TYPE_NS, RR_CLASS_IN)) {
		s->a->lame = 1;
		return 0;
	}
	iter_store_rrsets(q->env, rep, 0);
	q->return_msg = rep;
	q->return_rcode = MSG_RCODE_NOERROR;
	q->ext_state[id] = MODULE_FINISHED;
	iq->state = ITER_FINISHED;
	iter_prime_done(q, id, iq);
	return 1;
}

/** Ask server a again at once, over TCP (not counted as an attempt). */
static void
iter_ask_tcp(struct module_qstate *q, struct iter_qstate *iq,
    struct delegpt_addr *a)
{
	q->env->ctr.tcp_escalated++;
	a->attempts--;
	iq->retry_addr = a;
	iq->retry_tcp = 1;
	iq->state = ITER_QUERY_TARGETS;
}

/**
 * A sign of spoofing on send s: a 0x20 mismatch (the server may not keep
 * case, or a forger guessed the ID but not the case) or a packet from
 * the server's address that was not the reply (a forger guessing IDs).
 * Nothing from this UDP query is used; the question goes to the same
 * server over TCP, which an off-path forger cannot answer, and so do the
 * rest of this query's questions.  The infra cache learns: a server that
 * does not keep case is asked without 0x20 after INFRA_CAPS_MISMATCHES
 * mismatches in a row; a server in whose name unwanted-reply-threshold
 * queries were spoiled within a minute is asked over TCP only for a
 * while (logged once, counted).
 */
static void
iter_spoof_sign(struct module_qstate *q, struct iter_qstate *iq,
    const struct iter_send *s, int result)
{
	struct module_env *env = q->env;
	struct delegpt_addr *a = s->a;
	char ad[64], z[DNAME_MAXSTR];
	int changed = 0;

	if (result == UPSTREAM_CAPS_MISMATCH) {
		env->ctr.caps_mismatch++;
		infra_cache_caps_update(env->infra_cache, &a->addr, a->addrlen,
		    iq->dp->name, *env->now, 1, &changed);
		if (changed) {
			env->ctr.caps_disabled++;
		}
	} else {
		env->ctr.suspect++;
		infra_cache_unwanted(env->infra_cache, &a->addr, a->addrlen,
		    iq->dp->name, *env->now,
		    (unsigned)env->cfg->unwanted_reply_threshold, &changed);
		if (changed) {
			env->ctr.tcp_servers++;
		}
	}
	if (changed) {
		comm_addr_to_str(&a->addr, a->addrlen, 0, ad, sizeof(ad));
		dname_to_str(iq->dp->name, z, sizeof(z));
		if (result == UPSTREAM_CAPS_MISMATCH) {
			verbose(VERB_OPS, "server %s (zone %s) does not keep "
			    "0x20 case: asked without it from now on", ad, z);
		} else {
			log_warn("possible spoofing: %d queries to %s (zone "
			    "%s) spoiled by forged packets within %d s: "
			    "asking it over TCP for %d s",
			    env->cfg->unwanted_reply_threshold, ad, z,
			    INFRA_UNWANTED_WINDOW, INFRA_TCP_HOLD);
		}
	}
	iq->attacked = 1;
	iter_ask_tcp(q, iq, a);
}

/**
 * The callback of every upstream query (util/module.h): handle the
 * result of send s; operate() runs right after and goes on from the
 * state this leaves.
 */
static void
iter_reply(struct module_qstate *q, int id, void *arg,
    const struct upstream_reply *r)
{
	struct iter_qstate *iq = q->minfo[id];
	struct iter_send *s = arg;
	struct delegpt_addr *a = s->a;
	int progress = 0;

	if (!iq) {
		return;
	}
	if (r->result == UPSTREAM_SLOW) {
		/* Slower than its RTO: ask another server too, while this
		 * one stays in flight. */
		if (iq->state == ITER_QUERY_RESP) {
			iq->state = ITER_QUERY_TARGETS;
		}
		return;
	}
	iter_send_unlink(iq, s);
	if (iq->state != ITER_QUERY_RESP && iq->state != ITER_QUERY_TARGETS) {
		return;
	}
	switch (r->result) {
	case UPSTREAM_OK:
		if (iq->attacked && !s->tcp) {
			/* Spoofing was seen for this question: a UDP
			 * answer is not taken, however well it matches. */
			iter_trace_send(q, iq, s, TRACE_REPLY, r->result, -1);
			iter_ask_tcp(q, iq, a);
			break;
		}
		if (s->caps_reset) {
			infra_cache_caps_update(q->env->infra_cache, &a->addr,
			    a->addrlen, iq->dp->name, *q->env->now, 0, NULL);
		}
		progress = q->is_priming ? iter_prime_store(q, id, iq, s, r) :
		    iter_handle_reply(q, id, iq, s, r);
		break;
	case UPSTREAM_CAPS_MISMATCH:
	case UPSTREAM_SUSPECT:
		iter_trace_send(q, iq, s, TRACE_REPLY, r->result, -1);
		if (!q->env->cfg->harden_spoofing) {
			/* Asked again without 0x20, over UDP. */
			q->env->ctr.caps_mismatch++;
			iq->caps_off = 1;
			a->attempts--;
			iq->state = ITER_QUERY_TARGETS;
			break;
		}
		iter_spoof_sign(q, iq, s, r->result);
		break;
	default:
		iter_trace_send(q, iq, s, TRACE_REPLY, r->result, -1);
		infra_cache_rtt_update(q->env->infra_cache, &a->addr,
		    a->addrlen, iq->dp->name, *q->env->now, -1);
		/* Two EDNS queries lost: probe without EDNS, for
		 * middleboxes that drop EDNS (RFC 6891 section 7); a reply
		 * to the probe records the server as EDNS-less.  Not for a
		 * server that has answered EDNS: its losses are losses (a
		 * rate limit, a busy link), and without EDNS a signed zone
		 * cannot validate (as Unbound keeps edns_lame_known). */
		if (s->edns && a->attempts >= 2 && !a->no_edns &&
		    !iter_edns_known(q->env, iq, a)) {
			a->no_edns = 1;
			a->edns_probe = 1;
		}
		iq->state = ITER_QUERY_TARGETS;
		break;
	}
	if (progress) {
		iter_cancel_sends(q, iq);
	}
}

/** module operate(). */
static void
iter_operate(struct module_qstate *q, enum module_ev ev, int id)
{
	struct iter_qstate *iq = q->minfo[id];

	if (ev == MODULE_EVENT_NEW || (ev == MODULE_EVENT_PASS && !iq)) {
		iq = region_zalloc(q->region, sizeof(*iq));
		if (!iq) {
			iter_error(q, id, EDE_OTHER, "out of memory");
			return;
		}
		q->minfo[id] = iq;
		iq->qchase = q->qinfo.qname;
		iq->state = ITER_INIT;
		iter_log(VERB_QUERY, "resolve", q->qinfo.qname,
		    q->qinfo.qtype);
	}
	if (!iq) {
		iter_error(q, id, EDE_OTHER, "internal error");
		return;
	}
	switch (ev) {
	case MODULE_EVENT_REPLY:
		/* iter_reply() handled the result. */
		break;
	case MODULE_EVENT_PASS:
		/* A subquery finished (inform_super did the bookkeeping). */
		if (iq->wait_prime) {
			iq->wait_prime = 0;
			iq->state = ITER_INIT;
		} else if (iq->state == ITER_QUERY_RESP) {
			/* A name server address came while a query is out:
			 * it is there for the next choice. */
			return;
		}
		break;
	case MODULE_EVENT_MODDONE:
	case MODULE_EVENT_NEW:
		break;
	case MODULE_EVENT_ERROR:
	default:
		iter_error(q, id, EDE_OTHER, "internal error");
		return;
	}
	if (q->ext_state[id] == MODULE_FINISHED ||
	    q->ext_state[id] == MODULE_ERROR) {
		return;
	}
	iter_run(q, id, iq);
}

/** module inform_super(): a target or priming subquery finished. */
static void
iter_inform_super(struct module_qstate *q, int id, struct module_qstate *super)
{
	struct iter_qstate *siq = super->minfo[id];
	const struct reply *rep = q->return_msg;
	size_t i, j;

	if (!siq || q->is_priming) {
		return;
	}
	if (siq->target_subs > 0) {
		siq->target_subs--;
	}
	if (!rep || !siq->dp || (q->qinfo.qtype != RR_TYPE_A &&
	    q->qinfo.qtype != RR_TYPE_AAAA) ||
	    !delegpt_find_ns(siq->dp, q->qinfo.qname)) {
		return;
	}
	for (i = 0; i < rep->an; i++) {
		const struct reply_rrset *s = rep->rrsets[i];

		if (s->type != q->qinfo.qtype) {
			continue;
		}
		for (j = 0; j < s->count; j++) {
			delegpt_add_rdata(siq->dp, super->region, s->type,
			    s->rd[j], s->rdlen[j]);
		}
	}
	iter_filter_addrs(q->env->cfg, siq->dp);
}

/** module clear(): nothing to release (the mesh cancels the network). */
static void
iter_clear(struct module_qstate *q, int id)
{
	q->minfo[id] = NULL;
}

/**
 * A config list of domain names in wire form (config_check() has
 * checked them).
 * @param l: the list.
 * @param out: receives the array (malloced; NULL for an empty list).
 * @param n: receives its length.
 * @return 0 or RES_ENOMEM.
 */
static int
iter_domain_list(const struct cfg_strlist *l, uint8_t (**out)[DNAME_MAXLEN],
    size_t *n)
{
	const struct cfg_strlist *p;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	for (p = l; p; p = p->next) {
		k++;
	}
	if (k == 0) {
		return RES_OK;
	}
	if (!(*out = calloc(k, sizeof(**out)))) {
		return RES_ENOMEM;
	}
	for (p = l; p; p = p->next) {
		if (dname_from_str(p->str, NULL, (*out)[*n], NULL) == 0) {
			(*n)++;
		}
	}
	return RES_OK;
}

/** module deinit(). */
static void
iter_deinit(struct module_env *env, int id)
{
	struct iter_env *ie = env->modinfo[id];

	if (ie) {
		free(ie->caps_exempt);
		free(ie->cmp_exempt);
		free(ie);
	}
	env->modinfo[id] = NULL;
}

/** module init(): the config's settings in the form the queries use. */
static int
iter_init_module(struct module_env *env, int id)
{
	struct iter_env *ie = calloc(1, sizeof(*ie));
	const struct config *cfg = env->cfg;
	const char *mode;

	env->modinfo[id] = ie;
	if (!ie || (cfg && (iter_domain_list(cfg->caps_exempt,
	    &ie->caps_exempt, &ie->num_caps_exempt) != RES_OK ||
	    iter_domain_list(cfg->query_compare_exempt, &ie->cmp_exempt,
	    &ie->num_cmp_exempt) != RES_OK))) {
		iter_deinit(env, id);
		log_err("out of memory");
		return RES_ENOMEM;
	}
	mode = cfg && cfg->query_compare ? cfg->query_compare : "no";
	ie->cmp_mode = strcmp(mode, "all") == 0 ? ITER_CMP_ALL :
	    strcmp(mode, "unsigned") == 0 ? ITER_CMP_UNSIGNED : ITER_CMP_NO;
	/* Whether the validator is in the chain (services/modstack.c). */
	ie->validating = env->validating;
	return RES_OK;
}

/** The function block. */
static struct module_func_block iter_block = {
	"iterator", iter_init_module, iter_deinit, iter_operate,
	iter_inform_super, iter_clear, NULL
};

struct module_func_block *
iter_get_funcblock(void)
{
	return &iter_block;
}
