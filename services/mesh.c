/*
 * services/mesh.c - queries in progress, subqueries and the module chain
 * (see mesh.h).
 */
#include "config.h"
#include "services/mesh.h"
#include "services/outside_network.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/log.h"
#include "util/msg.h"
#include "util/netevent.h"
#include "util/region.h"
#include "util/reply.h"
#include "cache/rrset.h"
#include <stdlib.h>
#include <string.h>

/** Seconds a query may take in all before it gives up (SERVFAIL). */
#define MESH_QUERY_DEADLINE 12
/** Deepest subquery nesting. */
#define MESH_MAX_DEPTH 12
/** Hash buckets (power of two). */
#define MESH_BUCKETS 1024

/** A client waiting for a state's answer. */
struct mesh_reply {
	/** Next client of the same state. */
	struct mesh_reply *next;
	/** Where to send (comm_reply_send). */
	struct comm_reply rep;
	/** The client's query ID. */
	uint16_t id;
	/** The client's RD and CD flags. */
	uint16_t qflags;
	/** 1 when the client sent EDNS. */
	int edns;
	/** The client's DO bit. */
	int do_bit;
	/** The client's AD bit (RFC 6840 section 5.7). */
	int ad;
	/** The client's qname as sent (case kept, for the echo). */
	uint8_t qname[DNAME_MAXLEN];
	/** Reply size limit. */
	size_t limit;
	/** When the query arrived. */
	struct timeval start;
};

/** A link between a state and a sub- or superquery. */
struct mesh_ref {
	/** Next link. */
	struct mesh_ref *next;
	/** The other state. */
	struct mesh_state *s;
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
	/** Clients waiting. */
	struct mesh_reply *replies;
	/** States waiting for this one. */
	struct mesh_ref *supers;
	/** States this one waits for. */
	struct mesh_ref *subs;
	/** The outstanding upstream query, or NULL. */
	struct outnet_query *outq;
	/** The module that sent it. */
	int outq_module;
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
	struct mesh_net net;
	/** Event base, for the clock. */
	struct comm_base *base;
	/** Hash buckets. */
	struct mesh_state *buckets[MESH_BUCKETS];
	/** All states. */
	struct mesh_state *all;
	/** States now. */
	size_t count;
	/** Client states now. */
	size_t client_count;
	/** num-queries-per-thread. */
	size_t max_states;
	/** Run queue, FIFO. */
	struct mesh_state *run_head, *run_tail;
	/** 1 while draining the run queue. */
	int running;
	/** Encoding buffer for replies. */
	uint8_t *buf;
	/** Counters. */
	struct mesh_stats stats;
};

static void mesh_run_queue(struct mesh_area *m);
static void mesh_state_delete(struct mesh_state *ms);

/** Key hash: name without case, type, class, CD, priming. */
static uint32_t
mesh_hash(const struct query_info *qi, uint16_t qflags, int prime)
{
	uint32_t h = dname_hash(qi->qname, 0x5eed);

	h ^= ((uint32_t)qi->qtype << 16) ^ qi->qclass;
	h ^= (uint32_t)(qflags & MSG_FLAG_CD) << 8;
	h ^= (uint32_t)prime * 0x9e3779b1u;
	h *= 0x85ebca6bu;
	return h ^ (h >> 15);
}

/** Find a state by key. */
static struct mesh_state *
mesh_find(struct mesh_area *m, const struct query_info *qi, uint16_t qflags,
    int prime, uint32_t h)
{
	struct mesh_state *s = m->buckets[h & (MESH_BUCKETS - 1)];

	for (; s; s = s->hnext) {
		if (s->hash == h && !s->done && s->s.qinfo.qtype == qi->qtype &&
		    s->s.qinfo.qclass == qi->qclass &&
		    s->s.is_priming == prime &&
		    (s->s.query_flags & MSG_FLAG_CD) == (qflags & MSG_FLAG_CD) &&
		    dname_equal(s->s.qinfo.qname, qi->qname)) {
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

/** Create a state (not yet run). */
static struct mesh_state *
mesh_state_create(struct mesh_area *m, const struct query_info *qi,
    uint16_t qflags, int prime, uint32_t h)
{
	struct region *r = region_create();
	struct mesh_state *ms;

	if (!r) {
		return NULL;
	}
	ms = region_zalloc(r, sizeof(*ms));
	if (!ms) {
		region_delete(r);
		return NULL;
	}
	ms->s.region = r;
	ms->s.qinfo.qname = region_copy(r, qi->qname, qi->qname_len);
	if (!ms->s.qinfo.qname) {
		region_delete(r);
		return NULL;
	}
	ms->s.qinfo.qname_len = qi->qname_len;
	ms->s.qinfo.qtype = qi->qtype;
	ms->s.qinfo.qclass = qi->qclass;
	ms->s.query_flags = qflags & (MSG_FLAG_RD | MSG_FLAG_CD);
	ms->s.is_priming = prime;
	ms->s.env = m->env;
	ms->s.return_rcode = MSG_RCODE_SERVFAIL;
	ms->s.ede = -1;
	ms->s.mesh_info = ms;
	ms->s.deadline = *m->env->now + MESH_QUERY_DEADLINE;
	ms->mesh = m;
	ms->hash = h;
	ms->hnext = m->buckets[h & (MESH_BUCKETS - 1)];
	m->buckets[h & (MESH_BUCKETS - 1)] = ms;
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

/** Unlink a state from the hash and list, cancel its network query,
 * clear its modules and free it.  Links must be gone already. */
static void
mesh_state_free(struct mesh_state *ms)
{
	struct mesh_area *m = ms->mesh;
	struct mesh_state **pp;
	int i;

	for (pp = &m->buckets[ms->hash & (MESH_BUCKETS - 1)]; *pp;
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
	if (ms->replies) {
		m->client_count--;
	}
	if (ms->outq) {
		m->net.cancel(m->net.arg, ms->outq);
		ms->outq = NULL;
	}
	for (i = 0; i < m->num_mods; i++) {
		if (m->mods[i]->clear) {
			m->mods[i]->clear(&ms->s, i);
		}
	}
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

/** Delete a state: drop its links both ways, then free it. */
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
	while (ms->replies) {
		struct mesh_reply *mr = ms->replies;

		ms->replies = mr->next;
		free(mr);
		if (!ms->replies) {
			/* client_count is decremented once per state. */
			m->client_count--;
		}
	}
	mesh_state_free(ms);
}

/** Encode and send the answer to one client. */
static void
mesh_send_reply(struct mesh_state *ms, struct mesh_reply *mr)
{
	struct mesh_area *m = ms->mesh;
	const struct reply *rep = ms->s.return_msg;
	struct msg_writer w;
	struct msg_edns_out eo;
	size_t len = 0;
	int rcode = rep ? rep->rcode : ms->s.return_rcode;
	int ede = rep && rep->ede >= 0 ? rep->ede : ms->s.ede;
	const char *ede_text = rep && rep->ede >= 0 ? rep->ede_text :
	    ms->s.ede_text;
	uint16_t flags = MSG_FLAG_QR | MSG_FLAG_RA | (mr->qflags &
	    (MSG_FLAG_RD | MSG_FLAG_CD));
	const struct config *cfg = m->env->cfg;
	struct timeval now;
	int64_t us;
	int b;

	/* AD for validated data, to clients that asked with DO or AD and
	 * did not set CD (RFC 4035 section 3.2.3, RFC 6840 section 5.7). */
	if (rep && rep->security == RRSET_SEC_SECURE &&
	    !(mr->qflags & MSG_FLAG_CD) && (mr->do_bit || mr->ad)) {
		flags |= MSG_FLAG_AD;
	}

	msg_writer_init(&w, m->buf, MSG_MAX_LEN);
	msg_writer_set_limit(&w, mr->limit);
	if (msg_writer_header(&w, mr->id, flags, rcode & 0xfff) != RES_OK ||
	    msg_writer_question(&w, mr->qname, ms->s.qinfo.qtype,
	    ms->s.qinfo.qclass) != RES_OK) {
		return;
	}
	if (mr->edns) {
		memset(&eo, 0, sizeof(eo));
		eo.udp_size = (uint16_t)cfg->edns_buffer_size;
		eo.do_bit = mr->do_bit;
		if (ede >= 0 && cfg->ede) {
			eo.ede = 1;
			eo.ede_code = (uint16_t)ede;
			eo.ede_text = ede_text;
		}
		msg_writer_edns(&w, &eo);
	}
	if (rep && (rcode == MSG_RCODE_NOERROR ||
	    rcode == MSG_RCODE_NXDOMAIN)) {
		reply_write(&w, rep, mr->do_bit, 0);
	}
	if (msg_writer_finish(&w, &len) != RES_OK) {
		return;
	}
	m->net.reply(m->net.arg, &mr->rep, m->buf, len);
	m->stats.num_replies++;
	if ((rcode & 0xf) == MSG_RCODE_SERVFAIL) {
		m->stats.num_servfail++;
	}
	m->stats.ans_rcode[rcode & 0xf]++;
	gettimeofday(&now, NULL);
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

/** A state finished: answer clients, inform supers, delete it. */
static void
mesh_state_done(struct mesh_state *ms)
{
	struct mesh_area *m = ms->mesh;
	struct mesh_reply *mr;
	struct mesh_ref *r;

	ms->done = 1;
	for (mr = ms->replies; mr; mr = mr->next) {
		mesh_send_reply(ms, mr);
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

/** The outside network's callback. */
static void
mesh_outnet_cb(void *arg, int result, const uint8_t *pkt, size_t len,
    const struct outnet_query_info *info)
{
	struct mesh_state *ms = arg;
	struct mesh_area *m = ms->mesh;
	enum module_ev ev;

	ms->outq = NULL;
	if (m->base) {
		comm_base_update_time(m->base);
		*m->env->now = comm_base_now(m->base);
	}
	ms->s.reply_pkt = pkt;
	ms->s.reply_len = len;
	ms->s.reply_rtt = info ? info->rtt_ms : 0;
	if (result == OUTNET_OK) {
		ev = MODULE_EVENT_REPLY;
	} else if (result == OUTNET_CAPS_MISMATCH) {
		ev = MODULE_EVENT_CAPSFAIL;
	} else {
		ev = MODULE_EVENT_NOREPLY;
		if (result == OUTNET_TIMEOUT) {
			m->env->num_upstream_timeouts++;
		}
	}
	ms->s.curmod = ms->outq_module;
	/* ms may be deleted by this run. */
	mesh_run(ms, ev);
	mesh_run_queue(m);
}

/** env->send_query. */
static int
mesh_send_query(struct module_qstate *q, const struct sockaddr_storage *addr,
    socklen_t addrlen, const uint8_t *qname, uint16_t qtype, uint16_t qclass,
    const struct module_send *opt)
{
	struct mesh_state *ms = q->mesh_info;
	struct mesh_area *m = ms->mesh;

	if (ms->outq) {
		m->net.cancel(m->net.arg, ms->outq);
		ms->outq = NULL;
	}
	m->env->num_upstream_queries++;
	ms->outq = m->net.query(m->net.arg, opt->tcp, addr, addrlen, qname,
	    dname_len(qname), qtype, qclass, opt->rd, opt->cd, opt->edns,
	    opt->do_bit, opt->caps, opt->timeout_ms, mesh_outnet_cb, ms);
	if (!ms->outq) {
		return RES_ESYSTEM;
	}
	ms->outq_module = q->curmod;
	return RES_OK;
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
	if (ms->s.qinfo.qtype == qi->qtype && ms->s.qinfo.qclass ==
	    qi->qclass && ms->s.is_priming == prime &&
	    (ms->s.query_flags & MSG_FLAG_CD) == (qflags & MSG_FLAG_CD) &&
	    dname_equal(ms->s.qinfo.qname, qi->qname)) {
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

	if (!a || !b) {
		free(a);
		free(b);
		return RES_ENOMEM;
	}
	a->s = sub;
	a->next = super->subs;
	super->subs = a;
	b->s = super;
	b->next = sub->supers;
	sub->supers = b;
	return RES_OK;
}

/** env->attach_sub. */
static int
mesh_attach_sub(struct module_qstate *q, const struct query_info *qi,
    uint16_t qflags, int prime)
{
	struct mesh_state *ms = q->mesh_info, *sub;
	struct mesh_area *m = ms->mesh;
	uint32_t h = mesh_hash(qi, qflags, prime);

	if (q->depth >= MESH_MAX_DEPTH ||
	    mesh_is_ancestor(ms, qi, qflags, prime, 0)) {
		return RES_ELIMIT;
	}
	sub = mesh_find(m, qi, qflags, prime, h);
	if (!sub) {
		sub = mesh_state_create(m, qi, qflags, prime, h);
		if (!sub) {
			return RES_ENOMEM;
		}
		sub->s.depth = q->depth + 1;
		m->stats.num_sub_states++;
		mesh_schedule(sub, MODULE_EVENT_NEW);
	}
	return mesh_link(ms, sub);
}

/** mesh_net query over the outside network. */
static struct outnet_query *
mesh_outnet_query(void *arg, int tcp, const struct sockaddr_storage *to,
    socklen_t tolen, const uint8_t *qname, size_t qnamelen, uint16_t qtype,
    uint16_t qclass, int rd, int cd, int edns, int do_bit, int caps,
    int timeout_ms, mesh_net_cb cb, void *cbarg)
{
	if (tcp) {
		return outnet_query_tcp(arg, to, tolen, qname, qnamelen, qtype,
		    qclass, rd, cd, edns, do_bit, caps, timeout_ms, cb, cbarg);
	}
	return outnet_query_udp(arg, to, tolen, qname, qnamelen, qtype,
	    qclass, rd, cd, edns, do_bit, caps, timeout_ms, cb, cbarg);
}

/** mesh_net cancel over the outside network. */
static void
mesh_outnet_cancel(void *arg, struct outnet_query *q)
{
	(void)arg;
	outnet_cancel(q);
}

/** mesh_net reply to a client through its service point. */
static int
mesh_outnet_reply(void *arg, const struct comm_reply *rep,
    const uint8_t *msg, size_t len)
{
	(void)arg;
	return comm_reply_send(rep, msg, len);
}

struct mesh_net
mesh_net_outnet(struct outside_network *outnet)
{
	struct mesh_net n;

	n.arg = outnet;
	n.query = mesh_outnet_query;
	n.cancel = mesh_outnet_cancel;
	n.reply = mesh_outnet_reply;
	return n;
}

struct mesh_area *
mesh_create(struct module_env *env, struct module_func_block **mods,
    int num_mods, const struct mesh_net *net, struct comm_base *base,
    size_t max_states)
{
	struct mesh_area *m;
	int i;

	if (num_mods < 1 || num_mods > MODULE_MAX) {
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		return NULL;
	}
	m->buf = malloc(MSG_MAX_LEN);
	if (!m->buf) {
		free(m);
		return NULL;
	}
	m->env = env;
	for (i = 0; i < num_mods; i++) {
		m->mods[i] = mods[i];
	}
	m->num_mods = num_mods;
	m->net = *net;
	m->base = base;
	m->max_states = max_states ? max_states : 1024;
	env->mesh = m;
	env->send_query = mesh_send_query;
	env->attach_sub = mesh_attach_sub;
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
	free(m->buf);
	free(m);
}

int
mesh_new_client(struct mesh_area *m, const struct dns_msg *q,
    const struct comm_reply *rep, size_t limit)
{
	struct query_info qi;
	struct mesh_state *ms;
	struct mesh_reply *mr;
	uint8_t lname[DNAME_MAXLEN];
	uint16_t qflags = q->flags & (MSG_FLAG_RD | MSG_FLAG_CD);
	uint32_t h;
	int isnew = 0;

	memcpy(lname, q->qname, q->qname_len);
	dname_tolower(lname);
	qi.qname = lname;
	qi.qname_len = q->qname_len;
	qi.qtype = q->qtype;
	qi.qclass = q->qclass;
	h = mesh_hash(&qi, qflags, 0);
	ms = mesh_find(m, &qi, qflags, 0, h);
	if (!ms) {
		if (m->client_count >= m->max_states) {
			m->stats.num_dropped_full++;
			return COMM_REPLY_DROP;
		}
		ms = mesh_state_create(m, &qi, qflags, 0, h);
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
	mr->id = q->id;
	mr->qflags = qflags;
	mr->edns = q->edns.present;
	mr->do_bit = q->edns.do_bit;
	mr->ad = (q->flags & MSG_FLAG_AD) != 0;
	memcpy(mr->qname, q->qname, q->qname_len);
	mr->limit = limit;
	gettimeofday(&mr->start, NULL);
	if (!ms->replies) {
		m->client_count++;
	}
	mr->next = ms->replies;
	ms->replies = mr;
	if (isnew) {
		if (m->base) {
			*m->env->now = comm_base_now(m->base);
		}
		mesh_schedule(ms, MODULE_EVENT_NEW);
		mesh_run_queue(m);
	}
	return COMM_REPLY_LATER;
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
	struct mesh_state_info info;
	struct timeval now;

	gettimeofday(&now, NULL);
	for (ms = m->all; ms; ms = ms->next) {
		memset(&info, 0, sizeof(info));
		info.qinfo = &ms->s.qinfo;
		info.is_priming = ms->s.is_priming;
		info.waiting = ms->outq != NULL;
		info.age_ms = -1;
		for (mr = ms->replies; mr; mr = mr->next) {
			long age = (long)(now.tv_sec - mr->start.tv_sec) *
			    1000 + (long)(now.tv_usec - mr->start.tv_usec) /
			    1000;

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
