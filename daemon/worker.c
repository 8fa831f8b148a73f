/*
 * daemon/worker.c - worker threads and client query handling.
 *
 * worker_handle_query() is the per-packet path: header sanity, access
 * control, a parse of header + question + OPT only, then local zones,
 * CHAOS, the cache and, on a miss, the resolver (the mesh).  It runs on
 * the worker's thread, allocates nothing, and writes the reply straight
 * into the service point's buffer.  Every early exit is counted in
 * struct worker_stats.  The replay harness calls it too, with the
 * worker's network replaced (struct worker_seams).
 *
 * Order of checks, following RFC 1035 and RFC 6891 and Unbound's
 * behaviour: shorter than a header or QR set -> dropped (answering a
 * response invites reflection loops); access control deny -> dropped,
 * refuse -> REFUSED; unparseable -> FORMERR; opcode other than QUERY ->
 * NOTIMP; qdcount != 1 -> FORMERR; EDNS version > 0 -> BADVERS
 * (RFC 6891 section 6.1.3); OPT or zone-transfer qtypes -> FORMERR /
 * REFUSED.  ip-ratelimit comes right after the parse, before any of
 * these replies: a UDP query over its client's rate is dropped or, 1 in
 * ip-ratelimit-factor, answered empty with TC (cache/ratelimit.h).
 */
#include "config.h"
#include "daemon/worker.h"
#include "daemon/acl.h"
#include "daemon/daemon.h"
#include "daemon/diag.h"
#include "daemon/dnstap.h"
#include "daemon/localzone.h"
#include "services/anchor_probe.h"
#include "services/mesh.h"
#include "services/modstack.h"
#include "services/outside_network.h"
#include "cache/dns.h"
#include "cache/ratelimit.h"
#include "util/answer.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include "util/msg.h"
#include "util/netevent.h"
#include "util/rrtype.h"
#include "validator/trust_anchor.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/**
 * A UDP reply the kernel would not send unfragmented: send the header,
 * question and OPT with TC, so the client asks again over TCP.
 */
static size_t
worker_too_big(void *arg, uint8_t *pkt, size_t len)
{
	struct worker *w = arg;
	size_t n;

	if (msg_truncate_reply(pkt, len, &n) != RES_OK) {
		return 0;
	}
	w->stats.num_mtu_truncated++;
	return n;
}

/**
 * Prefetch the cache entries of a batch of queries about to be handled.
 * Reads only the header and an uncompressed question of each; anything
 * else is left to the full parse.
 */
static void
worker_prefetch(void *arg, const uint8_t *const *pkts, const size_t *lens,
    int n)
{
	struct worker *w = arg;
	struct msg_prefetch keys[COMM_PREFETCH_MAX];
	size_t nk = 0;
	int k;

	for (k = 0; k < n && k < COMM_PREFETCH_MAX; k++) {
		const uint8_t *pkt = pkts[k];
		size_t len = lens[k], i = MSG_HEADER_LEN;

		/* A query (QR clear) with one question. */
		if (len < MSG_HEADER_LEN + 5 || (pkt[2] & 0x80) ||
		    pkt[4] != 0 || pkt[5] != 1) {
			continue;
		}
		while (i < len && pkt[i] != 0 && pkt[i] <= 63 &&
		    i + pkt[i] + 1 - MSG_HEADER_LEN < DNAME_MAXLEN) {
			i += (size_t)pkt[i] + 1;
		}
		if (i + 5 > len || pkt[i] != 0) {
			continue;
		}
		keys[nk].qname = pkt + MSG_HEADER_LEN;
		keys[nk].qlen = i + 1 - MSG_HEADER_LEN;
		keys[nk].qtype = wire_get16(pkt + i + 1);
		keys[nk].qclass = wire_get16(pkt + i + 3);
		/* The key of the fast path: CD is its only query flag. */
		keys[nk].qflags = (pkt[3] & 0x10) ? MSG_QFLAG_CD : 0;
		nk++;
	}
	msg_cache_prefetch(w->daemon->msg_cache, keys, nk);
}

/**
 * comm_accept_check_type of the TCP points: access control at accept
 * (deny and refuse close at once), then the share of the slots one
 * address may hold.
 */
static int
worker_tcp_accept(void *arg, const struct sockaddr *sa, socklen_t len)
{
	struct worker *w = arg;
	struct sockaddr_storage ss;
	enum acl_action a;

	if ((size_t)len > sizeof(ss)) {
		return 0;
	}
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, sa, (size_t)len);
	a = acl_list_lookup(w->daemon->acl, &ss);
	if (a == ACL_DENY || a == ACL_REFUSE) {
		return 0;
	}
	return w->tcp_per_client;
}

void
worker_tcp_stats(const struct worker *w, struct worker_stats *out)
{
	struct comm_tcp_stats st;
	int i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < w->num_points; i++) {
		comm_point_tcp_stats(w->points[i], &st);
	}
	out->tcp_acl_closed = st.acl_closed;
	out->tcp_limit_closed = st.limit_closed;
	out->tcp_timeout_closed = st.timeout_closed;
}

/**
 * The verdict on a query's server cookie, when cookies are answered at
 * all (answer-cookie, or an allow_cookie client) and the query has a
 * COOKIE option.  No side effects.
 * @return an enum cookie_verdict, or -1 when cookies do not apply.
 */
static int
worker_cookie_verdict(struct worker *w, const struct dns_msg *q,
    const struct comm_reply *rep, enum acl_action acl)
{
	struct daemon *d = w->daemon;

	if ((!d->cfg->answer_cookie && acl != ACL_ALLOW_COOKIE) ||
	    !q->edns.present || !q->edns.has_cookie) {
		return -1;
	}
	return (int)cookie_check(&d->cookies, q->edns.client_cookie,
	    q->edns.server_cookie, q->edns.server_cookie_len, &rep->addr,
	    comm_base_now(w->base));
}

/**
 * DNS Cookies (RFC 7873) of a query, with answer-cookie or for an
 * allow_cookie client: the reply's COOKIE option goes into ao (the client
 * cookie, and the server cookie sent back when it is valid and fresh,
 * else a new one, RFC 9018 section 4.3), made in buf (40 octets).
 * @return 1 when the query carried a valid server cookie.
 */
static int
worker_cookie(struct worker *w, const struct dns_msg *q,
    const struct comm_reply *rep, enum acl_action acl, uint8_t *buf,
    struct answer_opts *ao)
{
	struct daemon *d = w->daemon;
	int v = worker_cookie_verdict(w, q, rep, acl);

	if (v < 0) {
		return 0;
	}
	memcpy(buf, q->edns.client_cookie, 8);
	if (v == COOKIE_VALID) {
		memcpy(buf + 8, q->edns.server_cookie, COOKIE_SERVER_LEN);
	} else {
		cookie_make(&d->cookies, q->edns.client_cookie, &rep->addr,
		    comm_base_now(w->base), buf + 8);
	}
	ao->cookie = buf;
	ao->cookie_len = 8 + COOKIE_SERVER_LEN;
	if (v != COOKIE_INVALID) {
		w->stats.num_cookie_valid++;
		return 1;
	}
	return 0;
}

/** Worker 0's timer: rotate the cookie secrets (a no-op until the
 * current one is COOKIE_ROTATE_SECONDS old). */
static void
worker_cookie_rotate(void *arg)
{
	struct worker *w = arg;

	cookie_secrets_rotate(&w->daemon->cookies, comm_base_now(w->base));
	(void)comm_timer_set(w->cookie_timer, 60 * 1000);
}

/** A job posted by another thread. */
struct worker_job {
	/** Next job, newer. */
	struct worker_job *next;
	/** The function. */
	worker_job_func fn;
	/** Its argument. */
	void *arg;
};

/** The comm_reply_send() of the daemon, as the mesh's reply function. */
static int
worker_reply_later(void *arg, const struct comm_reply *rep,
    const uint8_t *msg, size_t len)
{
	struct worker *w = arg;

	if (w->dt_reply) {
		dnstap_client_response(w->dt_reply, rep, msg, len);
	}
	return comm_reply_send(rep, msg, len);
}

/**
 * worker_handle_query() with the reply logged to dnstap: the handler of
 * the service points when client responses are logged, so that without
 * it the per-packet path has no test for it at all.
 */
static int
worker_handle_query_tap(void *arg, struct comm_reply *rep)
{
	struct worker *w = arg;
	int r = worker_handle_query(arg, rep);

	if (r == COMM_REPLY_SEND) {
		dnstap_client_response(w->dt_reply, rep, rep->reply,
		    rep->reply_len);
	}
	return r;
}

/** The shared parts of the module environment, from the daemon. */
static void
worker_shared_env(const struct daemon *d, struct module_env *env)
{
	memset(env, 0, sizeof(*env));
	env->cfg = d->cfg;
	env->rrset_cache = d->rrset_cache;
	env->msg_cache = d->msg_cache;
	env->infra_cache = d->infra_cache;
	env->key_cache = d->key_cache;
	env->neg_cache = d->neg_cache;
	env->hints = d->hints;
	env->fwds = d->fwds;
	env->anchors = d->anchors;
	env->zone_rate = d->zone_rate;
	env->rate_domains = d->rate_domains;
	env->note_bogus = diag_ring_note;
	env->note_bogus_arg = d->bogus_ring;
}

/** Run the jobs other threads posted (the notify's callback). */
static void
worker_run_jobs(void *arg)
{
	struct worker *w = arg;
	struct worker_job *j;

	pthread_mutex_lock(&w->jobs_lock);
	j = w->jobs_head;
	w->jobs_head = w->jobs_tail = NULL;
	pthread_mutex_unlock(&w->jobs_lock);
	while (j) {
		struct worker_job *next = j->next;

		w->res->now = comm_base_now(w->base);
		j->fn(w, j->arg);
		free(j);
		j = next;
	}
}

int
worker_post(struct worker *w, worker_job_func fn, void *arg)
{
	struct worker_job *j = calloc(1, sizeof(*j));

	if (!j) {
		return RES_ENOMEM;
	}
	j->fn = fn;
	j->arg = arg;
	pthread_mutex_lock(&w->jobs_lock);
	if (w->jobs_tail) {
		w->jobs_tail->next = j;
	} else {
		w->jobs_head = j;
	}
	w->jobs_tail = j;
	pthread_mutex_unlock(&w->jobs_lock);
	comm_notify_raise(w->notify);
	return RES_OK;
}

/** Set up the resolver of a worker (services/modstack.h). */
static int
worker_setup_resolver(struct worker *w, const struct worker_seams *seams)
{
	struct module_env shared;

	worker_shared_env(w->daemon, &shared);
	w->res = modstack_thread_create(&w->daemon->stack, &shared, w->base,
	    seams ? seams->io : NULL, seams ? seams->reply :
	    worker_reply_later, seams ? seams->reply_arg : w,
	    seams ? seams->deterministic : 0);
	if (!w->res) {
		log_err("cannot create the resolver of worker %d",
		    w->thread_num);
		return RES_ENOMEM;
	}
	return RES_OK;
}

/** Arm the statistics timer for statistics-interval, or disarm it. */
static void
worker_stats_arm(struct worker *w)
{
	int secs = w->daemon->cfg->statistics_interval;

	if (secs <= 0) {
		comm_timer_disable(w->stats_timer);
		return;
	}
	if (secs > INT_MAX / 1000) {
		secs = INT_MAX / 1000;
	}
	(void)comm_timer_set(w->stats_timer, secs * 1000);
}

/** Longest wait between two looks at the RFC 5011 probes, s. */
#define WORKER_ANCHOR_MAX_WAIT 300

/** Worker 0's timer: start the RFC 5011 probes that are due and wait
 * for the next one. */
static void
worker_anchor_probe(void *arg)
{
	struct worker *w = arg;
	time_t now, next, secs;

	w->res->now = comm_base_now(w->base);
	now = w->res->now;
	next = anchor_probe_tick(w->res->mesh, &w->res->env,
	    w->res->env.anchors, now);
	if (next == 0) {
		return;
	}
	secs = next > now ? next - now : 1;
	if (secs > WORKER_ANCHOR_MAX_WAIT) {
		secs = WORKER_ANCHOR_MAX_WAIT;
	}
	(void)comm_timer_set(w->anchor_timer, (int)secs * 1000);
}

/** The counter's growth since the last line (a "stats" command may have
 * reset it in between: then all of it). */
static uint64_t
worker_stats_delta(uint64_t now, uint64_t *last)
{
	uint64_t d = now >= *last ? now - *last : now;

	*last = now;
	return d;
}

/** statistics-interval: one log line of this thread's counters since the
 * last one, in the worker's own thread (no lock). */
static void
worker_stats_log(void *arg)
{
	struct worker *w = arg;
	struct mesh_stats ms;
	uint64_t q, h, m, r;

	mesh_get_stats(w->res->mesh, &ms);
	q = worker_stats_delta(w->stats.num_queries, &w->stats_last[0]);
	h = worker_stats_delta(w->stats.num_cache_hits, &w->stats_last[1]);
	m = worker_stats_delta(w->stats.num_cache_misses,
	    &w->stats_last[2]);
	r = worker_stats_delta(ms.num_replies, &w->stats_last[3]);
	log_info("server stats for thread %d: %llu queries, %llu answered "
	    "from cache, %llu recursions, %llu replies from recursion, %zu "
	    "in the request list", w->thread_num, (unsigned long long)q,
	    (unsigned long long)h, (unsigned long long)m,
	    (unsigned long long)r, mesh_count(w->res->mesh));
	worker_stats_arm(w);
}

struct worker *
worker_create(struct daemon *daemon, int num, const int *udp_fds,
    int num_udp, const int *tcp_fds, int num_tcp,
    const struct worker_seams *seams)
{
	struct worker *w = calloc(1, sizeof(*w));
	const struct config *cfg = daemon->cfg;
	/* A UDP reply never exceeds max-udp-size, so each reply slot of a
	 * batch needs only that much: the slots of a batch then share a
	 * few pages instead of taking one 64 KiB slot each.  (A reload that
	 * raises max-udp-size takes effect at the next restart.) */
	size_t udp_cap = cfg->max_udp_size > MSG_UDP_MIN ?
	    (size_t)cfg->max_udp_size : MSG_UDP_MIN;
	comm_handler_type handler;
	struct dnstap *dt;
	int i, fd;

	if (!w) {
		log_err("out of memory");
		return NULL;
	}
	w->thread_num = num;
	w->daemon = daemon;
	w->dt_query = dnstap_worker(daemon->dtenv, num, DNSTAP_CLIENT_QUERY);
	w->dt_reply = dnstap_worker(daemon->dtenv, num,
	    DNSTAP_CLIENT_RESPONSE);
	handler = w->dt_reply ? worker_handle_query_tap : worker_handle_query;
	pthread_mutex_init(&w->jobs_lock, NULL);
	w->base = comm_base_create();
	w->points = calloc((size_t)(num_udp + num_tcp) + 1,
	    sizeof(*w->points));
	w->qmsg = malloc(sizeof(*w->qmsg));
	w->notify = w->base ? comm_notify_create(w->base, worker_run_jobs,
	    w) : NULL;
	w->stats_timer = w->base ? comm_timer_create(w->base,
	    worker_stats_log, w) : NULL;
	w->anchor_timer = w->base && num == 0 ? comm_timer_create(w->base,
	    worker_anchor_probe, w) : NULL;
	w->cookie_timer = w->base && num == 0 ? comm_timer_create(w->base,
	    worker_cookie_rotate, w) : NULL;
	if (!w->base || !w->points || !w->qmsg || !w->notify ||
	    !w->stats_timer || (num == 0 && (!w->anchor_timer ||
	    !w->cookie_timer))) {
		log_err("out of memory creating worker %d", num);
		worker_delete(w);
		return NULL;
	}
	for (i = 0; i < num_udp; i++) {
		if (udp_fds[i] == -1) {
			continue;
		}
		fd = dup(udp_fds[i]);
		w->points[w->num_points] = fd == -1 ? NULL :
		    comm_point_create_udp(w->base, fd, udp_cap, handler, w);
		comm_point_set_too_big(w->points[w->num_points],
		    worker_too_big, w);
		comm_point_set_prefetch(w->points[w->num_points],
		    worker_prefetch, w);
		if (!w->points[w->num_points]) {
			if (fd != -1) {
				close(fd);
			}
			worker_delete(w);
			return NULL;
		}
		w->num_points++;
	}
	/* One client address may hold half the slots of a point. */
	w->tcp_per_client = cfg->incoming_num_tcp / 2 > 1 ?
	    cfg->incoming_num_tcp / 2 : 1;
	for (i = 0; i < num_tcp; i++) {
		if (tcp_fds[i] == -1) {
			continue;
		}
		fd = dup(tcp_fds[i]);
		w->points[w->num_points] = fd == -1 ? NULL :
		    comm_point_create_tcp(w->base, fd, cfg->incoming_num_tcp,
		    cfg->tcp_idle_timeout, handler, w);
		comm_point_set_accept_check(w->points[w->num_points],
		    worker_tcp_accept, w);
		if (!w->points[w->num_points]) {
			if (fd != -1) {
				close(fd);
			}
			worker_delete(w);
			return NULL;
		}
		w->num_points++;
	}
	if (worker_setup_resolver(w, seams) != RES_OK) {
		worker_delete(w);
		return NULL;
	}
	/* dnstap of upstream queries: a tap of the outside network. */
	dt = dnstap_worker(daemon->dtenv, num, DNSTAP_RESOLVER_QUERY |
	    DNSTAP_RESOLVER_RESPONSE);
	if (dt) {
		outnet_set_tap(w->res->outnet, dnstap_resolver_tap, dt);
	}
	return w;
}

void
worker_delete(struct worker *w)
{
	int i;

	if (!w) {
		return;
	}
	/* Queries first: they hold outside network queries and client
	 * reply handles that point into the service points. */
	modstack_thread_delete(w->res);
	for (i = 0; i < w->num_points; i++) {
		comm_point_delete(w->points[i]);
	}
	free(w->points);
	comm_timer_delete(w->stats_timer);
	comm_timer_delete(w->anchor_timer);
	comm_timer_delete(w->cookie_timer);
	/* Jobs never run are told so their arguments can go. */
	while (w->jobs_head) {
		struct worker_job *j = w->jobs_head;

		w->jobs_head = j->next;
		j->fn(NULL, j->arg);
		free(j);
	}
	comm_notify_delete(w->notify);
	comm_base_delete(w->base);
	pthread_mutex_destroy(&w->jobs_lock);
	free(w->qmsg);
	free(w);
}

/** Thread entry. */
static void *
worker_thread(void *arg)
{
	struct worker *w = arg;

	log_thread_set(w->thread_num + 1);
	worker_work(w);
	return NULL;
}

int
worker_start(struct worker *w)
{
	struct module_env shared;

	/* The config and hints may have been replaced by a reload. */
	worker_shared_env(w->daemon, &shared);
	modstack_thread_update(w->res, &shared);
	worker_stats_arm(w);
	if (w->cookie_timer) {
		(void)comm_timer_set(w->cookie_timer, 60 * 1000);
	}
	if (w->anchor_timer && anchors_has_autr(shared.anchors)) {
		/* The probes due now, with the anchors of this config. */
		(void)comm_timer_set(w->anchor_timer, 1);
	}
	if (pthread_create(&w->thr, NULL, worker_thread, w) != 0) {
		log_err("cannot start worker thread %d", w->thread_num);
		return RES_ESYSTEM;
	}
	w->running = 1;
	return RES_OK;
}

void
worker_stop(struct worker *w)
{
	if (!w || !w->running) {
		return;
	}
	comm_base_exit(w->base);
	pthread_join(w->thr, NULL);
	w->running = 0;
}

void
worker_work(struct worker *w)
{
	verbose(VERB_ALGO, "worker %d running", w->thread_num);
	comm_base_dispatch(w->base);
}

/** Is the first label root-key-sentinel-is-ta-NNNNN or -not-ta-NNNNN
 * (RFC 8509)?  One length test for almost every name. */
static int
worker_sentinel_name(const uint8_t *qname)
{
	return (qname[0] == 29 || qname[0] == 30) &&
	    strncasecmp((const char *)qname + 1, "root-key-sentinel-", 18) == 0;
}

/** Write an error reply and count its rcode. */
static int
worker_error(struct worker *w, const struct dns_msg *q, struct comm_reply *rep,
    const struct answer_opts *ao, int rcode, int ede, const char *text)
{
	if (answer_error(q, ao, rcode, ede, text, rep->reply, rep->reply_cap,
	    &rep->reply_len) != RES_OK) {
		return 0;
	}
	w->stats.ans_rcode[rcode & 0xf]++;
	if (ede >= 0) {
		w->stats.ans_ede[mesh_ede_slot(ede)]++;
	}
	return 1;
}

/** CHAOS TXT id.server / version.server and their .bind names.
 * @return -1 when not such a query, else as worker_handle_query(). */
static int
worker_chaos(struct worker *w, const struct dns_msg *q, struct comm_reply *rep,
    const struct answer_to *to, const struct answer_opts *ao)
{
	static const uint8_t id_server[] = "\2id\6server";
	static const uint8_t hostname_bind[] = "\10hostname\4bind";
	static const uint8_t version_server[] = "\7version\6server";
	static const uint8_t version_bind[] = "\7version\4bind";
	const struct config *cfg = w->daemon->cfg;
	struct msg_writer mw;
	struct msg_rdata rd;
	uint8_t txt[256];
	char host[256];
	const char *s;
	int is_id;
	size_t sl;

	if (q->qclass != RR_CLASS_CH || q->qtype != RR_TYPE_TXT) {
		return -1;
	}
	if (dname_equal(q->qname, id_server) ||
	    dname_equal(q->qname, hostname_bind)) {
		is_id = 1;
	} else if (dname_equal(q->qname, version_server) ||
	    dname_equal(q->qname, version_bind)) {
		is_id = 0;
	} else {
		return -1;
	}
	if (is_id ? cfg->hide_identity : cfg->hide_version) {
		return worker_error(w, q, rep, ao, MSG_RCODE_REFUSED, -1, NULL);
	}
	if (is_id) {
		s = cfg->identity;
		if (!s || !*s) {
			if (gethostname(host, sizeof(host)) != 0) {
				host[0] = 0;
			}
			host[sizeof(host) - 1] = 0;
			s = host;
		}
	} else {
		s = cfg->version && *cfg->version ? cfg->version :
		    PACKAGE_STRING;
	}
	sl = strlen(s) > 255 ? 255 : strlen(s);
	txt[0] = (uint8_t)sl;
	memcpy(txt + 1, s, sl);
	rd.data = txt;
	rd.len = (uint16_t)(sl + 1);
	rd.names = NULL;
	rd.nnames = 0;
	if (answer_begin(&mw, rep->reply, rep->reply_cap, to, ao,
	    answer_flags(to, 0, 1), MSG_RCODE_NOERROR, -1, NULL) != RES_OK) {
		return 0;
	}
	msg_writer_rrset(&mw, MSG_SEC_ANSWER, q->qname, RR_TYPE_TXT,
	    RR_CLASS_CH, 0, &rd, 1, 1);
	if (answer_finish(&mw, &rep->reply_len) != RES_OK) {
		return 0;
	}
	w->stats.ans_rcode[0]++;
	return 1;
}

/**
 * Has the client shown a valid server cookie (DNS Cookies, RFC 7873)?
 * Such a client's address is not forged, so it is exempt from
 * ip-ratelimit, as in Unbound.  Only when cookies are answered at all
 * (answer-cookie, or an allow_cookie client), as worker_cookie() does;
 * no side effects (worker_cookie() counts and fills the reply later).
 * @param ok: the parse of q succeeded.
 * @return 1 or 0.
 */
static int
worker_cookie_verified(struct worker *w, const struct dns_msg *q, int ok,
    const struct comm_reply *rep, enum acl_action acl)
{
	return ok && worker_cookie_verdict(w, q, rep, acl) > COOKIE_INVALID;
}

/** What ip-ratelimit does with a UDP query. */
enum worker_ip_rl {
	/** within the limit: answer */
	WORKER_IP_RL_PASS = 0,
	/** over it: drop */
	WORKER_IP_RL_DROP,
	/** over it, 1 in ip-ratelimit-factor: an empty reply with TC */
	WORKER_IP_RL_TC
};

/**
 * ip-ratelimit: count a UDP query of its client address (IPv4 /32,
 * IPv6 /64) in this second, over all threads.  TCP is not limited (a
 * completed handshake is no spoofed address).  A query with a valid
 * server cookie is counted but never limited: the address's forged
 * queries are, its real client is not.  The cookie is checked only over
 * the limit, so the usual query costs no hash.
 * @param ok: the parse of q succeeded.
 * @param acl: the client's access control action.
 * @return an enum worker_ip_rl.
 */
static enum worker_ip_rl
worker_ip_ratelimit(struct worker *w, const struct dns_msg *q, int ok,
    const struct comm_reply *rep, enum acl_action acl)
{
	const struct config *cfg = w->daemon->cfg;
	uint8_t key[RATE_KEY_IP6_LEN];
	size_t len;
	uint32_t n;

	len = rate_key_addr(&rep->addr, rep->addrlen, key);
	n = rate_table_count(w->daemon->ip_rate, key, len,
	    comm_base_now(w->base));
	if (n <= (uint32_t)cfg->ip_ratelimit ||
	    worker_cookie_verified(w, q, ok, rep, acl)) {
		return WORKER_IP_RL_PASS;
	}
	switch (rate_slip(n, (uint32_t)cfg->ip_ratelimit,
	    (uint32_t)cfg->ip_ratelimit_factor)) {
	case 0:
		return WORKER_IP_RL_PASS;
	case 1:
		return WORKER_IP_RL_TC;
	default:
		return WORKER_IP_RL_DROP;
	}
}

/** Count a query by opcode, header bits, type, class and EDNS. */
static void
worker_count_query(struct worker_stats *st, const uint8_t *hdr,
    const struct dns_msg *q)
{
	st->qopcode[(hdr[2] >> 3) & 0xf]++;
	st->qbit_qr += (hdr[2] & 0x80) != 0;
	st->qbit_aa += (hdr[2] & 0x04) != 0;
	st->qbit_tc += (hdr[2] & 0x02) != 0;
	st->qbit_rd += (hdr[2] & 0x01) != 0;
	st->qbit_ra += (hdr[3] & 0x80) != 0;
	st->qbit_z += (hdr[3] & 0x40) != 0;
	st->qbit_ad += (hdr[3] & 0x20) != 0;
	st->qbit_cd += (hdr[3] & 0x10) != 0;
	if (!q->have_question) {
		return;
	}
	if (q->qtype < 256) {
		st->qtype[q->qtype]++;
	} else {
		st->qtype_big++;
	}
	if (q->qclass < 256) {
		st->qclass[q->qclass]++;
	} else {
		st->qclass_big++;
	}
	if (q->edns.present) {
		st->qedns++;
		st->qedns_do += q->edns.do_bit != 0;
	}
}

/** log-queries: one line per client query, as Unbound writes it:
 * "query: ADDRESS NAME TYPE CLASS" and the transport. */
static void
worker_log_query(const struct dns_msg *q, const struct comm_reply *rep)
{
	char a[64], n[DNAME_MAXSTR], t[32], c[32];

	if (dname_to_str(q->qname, n, sizeof(n)) < 0) {
		snprintf(n, sizeof(n), "?");
	}
	if (rrtype_to_str(q->qtype, t, sizeof(t)) < 0) {
		snprintf(t, sizeof(t), "TYPE%u", (unsigned)q->qtype);
	}
	if (rrclass_to_str(q->qclass, c, sizeof(c)) < 0) {
		snprintf(c, sizeof(c), "CLASS%u", (unsigned)q->qclass);
	}
	log_info("query: %s %s %s %s%s", comm_addr_to_str(&rep->addr,
	    rep->addrlen, 0, a, sizeof(a)), n, t, c,
	    rep->is_tcp ? " tcp" : "");
}

int
worker_handle_query(void *arg, struct comm_reply *rep)
{
	struct worker *w = arg;
	struct daemon *d = w->daemon;
	const struct config *cfg = d->cfg;
	struct dns_msg *q = w->qmsg;
	struct answer_opts ao;
	struct answer_to to;
	enum acl_action acl;
	enum local_result lr;
	size_t limit;
	uint8_t cookie[8 + COOKIE_SERVER_LEN];
	int ret, prefetch, fast, cookie_ok;

	w->stats.num_queries++;
	if (rep->is_tcp) {
		w->stats.num_tcp++;
	}
	/* No header, or a response (QR): never answer. */
	if (rep->query_len < MSG_HEADER_LEN || (rep->query[2] & 0x80)) {
		w->stats.num_dropped_malformed++;
		return 0;
	}
	acl = acl_list_lookup(d->acl, &rep->addr);
	if (acl == ACL_DENY) {
		w->stats.num_acl_dropped++;
		return 0;
	}
	ret = msg_parse_query(q, rep->query, rep->query_len);
	worker_count_query(&w->stats, rep->query, q);
	if (w->dt_query) {
		dnstap_client_query(w->dt_query, rep);
	}
	ao.edns_size = (uint16_t)cfg->edns_buffer_size;
	ao.ede = cfg->ede;
	ao.cookie = NULL;
	ao.cookie_len = 0;
	/* ip-ratelimit before anything is answered (one branch when off);
	 * after the parse, which the cookie check needs. */
	if (cfg->ip_ratelimit > 0 && !rep->is_tcp) {
		switch (worker_ip_ratelimit(w, q, ret == RES_OK, rep, acl)) {
		case WORKER_IP_RL_PASS:
			break;
		case WORKER_IP_RL_TC:
			if (ret == RES_OK && worker_error(w, q, rep, &ao,
			    MSG_RCODE_NOERROR, -1, NULL)) {
				/* Empty, TC: a real client asks over TCP. */
				rep->reply[2] |= MSG_FLAG_TC >> 8;
				w->stats.num_ip_ratelimited_tc++;
				return 1;
			}
			/* Unparseable: no question to echo. */
			w->stats.num_ip_ratelimited++;
			return 0;
		default:
			w->stats.num_ip_ratelimited++;
			return 0;
		}
	}
	if (acl == ACL_REFUSE) {
		w->stats.num_acl_refused++;
		return worker_error(w, q, rep, &ao,
		    MSG_RCODE_REFUSED, -1, NULL);
	}
	if (ret != RES_OK) {
		w->stats.num_formerr++;
		return worker_error(w, q, rep, &ao,
		    MSG_RCODE_FORMERR, -1, NULL);
	}
	if (q->opcode != MSG_OPCODE_QUERY) {
		w->stats.num_notimp++;
		return worker_error(w, q, rep, &ao, MSG_RCODE_NOTIMP, -1, NULL);
	}
	if (q->qdcount != 1 || q->qtype == RR_TYPE_OPT) {
		w->stats.num_formerr++;
		return worker_error(w, q, rep, &ao,
		    MSG_RCODE_FORMERR, -1, NULL);
	}
	if (cfg->log_queries) {
		worker_log_query(q, rep);
	}
	if (q->edns.present && q->edns.version > 0) {
		return worker_error(w, q, rep, &ao,
		    MSG_RCODE_BADVERS, -1, NULL);
	}
	cookie_ok = worker_cookie(w, q, rep, acl, cookie, &ao);
	if (acl == ACL_ALLOW_COOKIE && !rep->is_tcp && !cookie_ok) {
		/* allow_cookie: over UDP only with a valid server cookie
		 * (RFC 7873 section 5.2.3: BADCOOKIE with a fresh one);
		 * no cookie at all is refused.  TCP is not limited. */
		w->stats.num_badcookie++;
		if (q->edns.present && q->edns.has_cookie) {
			return worker_error(w, q, rep, &ao,
			    MSG_RCODE_BADCOOKIE, -1, NULL);
		}
		return worker_error(w, q, rep, &ao, MSG_RCODE_REFUSED,
		    EDE_PROHIBITED, "a DNS Cookie is needed over UDP");
	}
	if (q->qtype == RR_TYPE_AXFR || q->qtype == RR_TYPE_IXFR) {
		return worker_error(w, q, rep, &ao, MSG_RCODE_REFUSED,
		    EDE_NOT_SUPPORTED, "zone transfers are not served");
	}
	if (q->qtype == RR_TYPE_ANY && cfg->deny_any) {
		/* deny-any: declined with an empty answer (RFC 8482
		 * section 4 lets a server decline; Unbound's deny-any). */
		return worker_error(w, q, rep, &ao, MSG_RCODE_NOERROR, -1,
		    NULL);
	}
	if (rep->is_tcp) {
		limit = MSG_MAX_LEN;
	} else {
		limit = msg_client_limit(q);
		if (limit > (size_t)cfg->max_udp_size) {
			limit = (size_t)cfg->max_udp_size;
		}
		if (limit < MSG_UDP_MIN) {
			limit = MSG_UDP_MIN;
		}
	}
	if (limit > rep->reply_cap) {
		limit = rep->reply_cap;
	}
	answer_to_query(&to, q, limit);
	if (ao.cookie_len) {
		memcpy(to.cookie, ao.cookie, ao.cookie_len);
		to.cookie_len = ao.cookie_len;
	}
	to.any_subset = q->qtype == RR_TYPE_ANY && !rep->is_tcp;
	/* Not on the fast path: ANY over UDP (cut down by the mesh's
	 * encoder), a root key sentinel name (judged by the validator, RFC
	 * 8509, even from the cache), a TCP keepalive option (answered by
	 * the encoder, which writes the option). */
	if (rep->is_tcp && q->edns.present && q->edns.has_keepalive) {
		to.keepalive_ms = rep->tcp_window_ms;
	}
	fast = !to.any_subset && !to.keepalive_ms &&
	    !worker_sentinel_name(q->qname);
	if ((ret = worker_chaos(w, q, rep, &to, &ao)) >= 0) {
		return ret;
	}
	lr = local_zones_answer(d->local_zones, q, &to, &ao, rep->reply,
	    rep->reply_cap, &rep->reply_len);
	if (lr == LOCAL_RESULT_ANSWER) {
		w->stats.num_local++;
		w->stats.ans_rcode[rep->reply[3] & 0xf]++;
		return 1;
	}
	if (lr == LOCAL_RESULT_DROP) {
		w->stats.num_acl_dropped++;
		return 0;
	}
	if (acl == ACL_DENY_NON_LOCAL) {
		w->stats.num_acl_dropped++;
		return 0;
	}
	if (acl == ACL_REFUSE_NON_LOCAL) {
		w->stats.num_acl_refused++;
		return worker_error(w, q, rep, &ao, MSG_RCODE_REFUSED,
		    EDE_PROHIBITED, NULL);
	}
	w->res->now = comm_base_now(w->base);
	if (!(q->flags & MSG_FLAG_RD) && acl != ACL_ALLOW_SNOOP &&
	    acl != ACL_ALLOW_SETRD) {
		/* Non-recursive queries are for allow_snoop clients only. */
		w->stats.num_acl_refused++;
		return worker_error(w, q, rep, &ao,
		    MSG_RCODE_REFUSED, -1, NULL);
	}
	/* The cache fast path. */
	if (fast && dns_cache_answer(d->msg_cache, d->rrset_cache,
	    &to, &ao, d->stack.validating, w->res->now, rep->reply,
	    rep->reply_cap, &rep->reply_len, &prefetch)) {
		w->stats.num_cache_hits++;
		w->stats.ans_rcode[rep->reply[3] & 0xf]++;
		if (prefetch) {
			/* In the last 10% of its TTL: refreshed in the
			 * background, this answer goes out now. */
			mesh_new_prefetch(w->res->mesh, q);
		}
		return COMM_REPLY_SEND;
	}
	if (!(q->flags & MSG_FLAG_RD) && acl == ACL_ALLOW_SNOOP) {
		/* Snooping: the cache or nothing. */
		return worker_error(w, q, rep, &ao,
		    MSG_RCODE_REFUSED, -1, NULL);
	}
	if (cfg->serve_expired && cfg->serve_expired_client_timeout == 0 &&
	    fast &&
	    (q->flags & MSG_FLAG_RD) && dns_cache_answer_stale(d->msg_cache,
	    d->rrset_cache, &to, &ao, d->stack.validating, w->res->now,
	    (uint32_t)cfg->serve_expired_reply_ttl, rep->reply,
	    rep->reply_cap, &rep->reply_len)) {
		/* serve-expired-client-timeout 0: expired data at once,
		 * refreshed in the background (RFC 8767 section 5). */
		w->stats.num_stale++;
		w->stats.ans_rcode[rep->reply[3] & 0xf]++;
		mesh_new_prefetch(w->res->mesh, q);
		return COMM_REPLY_SEND;
	}
	w->stats.num_cache_misses++;
	if (mesh_new_client(w->res->mesh, q, rep, &to) ==
	    COMM_REPLY_LATER) {
		return COMM_REPLY_LATER;
	}
	w->stats.num_requestlist_exceeded++;
	return worker_error(w, q, rep, &ao, MSG_RCODE_SERVFAIL, -1, NULL);
}

void
worker_stats_add(struct worker_stats *total, const struct worker_stats *s)
{
	size_t i;

	total->num_queries += s->num_queries;
	total->num_tcp += s->num_tcp;
	total->num_dropped_malformed += s->num_dropped_malformed;
	total->num_formerr += s->num_formerr;
	total->num_acl_dropped += s->num_acl_dropped;
	total->num_acl_refused += s->num_acl_refused;
	total->tcp_acl_closed += s->tcp_acl_closed;
	total->num_cookie_valid += s->num_cookie_valid;
	total->num_badcookie += s->num_badcookie;
	total->tcp_limit_closed += s->tcp_limit_closed;
	total->tcp_timeout_closed += s->tcp_timeout_closed;
	total->num_local += s->num_local;
	total->num_notimp += s->num_notimp;
	for (i = 0; i < 16; i++) {
		total->ans_rcode[i] += s->ans_rcode[i];
	}
	total->num_cache_hits += s->num_cache_hits;
	total->num_cache_misses += s->num_cache_misses;
	total->num_requestlist_exceeded += s->num_requestlist_exceeded;
	total->num_stale += s->num_stale;
	for (i = 0; i < 256; i++) {
		total->qtype[i] += s->qtype[i];
		total->qclass[i] += s->qclass[i];
	}
	total->qtype_big += s->qtype_big;
	total->qclass_big += s->qclass_big;
	for (i = 0; i < 16; i++) {
		total->qopcode[i] += s->qopcode[i];
	}
	total->qbit_qr += s->qbit_qr;
	total->qbit_aa += s->qbit_aa;
	total->qbit_tc += s->qbit_tc;
	total->qbit_rd += s->qbit_rd;
	total->qbit_ra += s->qbit_ra;
	total->qbit_z += s->qbit_z;
	total->qbit_ad += s->qbit_ad;
	total->qbit_cd += s->qbit_cd;
	total->qedns += s->qedns;
	total->qedns_do += s->qedns_do;
	total->num_mtu_truncated += s->num_mtu_truncated;
	total->num_ip_ratelimited += s->num_ip_ratelimited;
	total->num_ip_ratelimited_tc += s->num_ip_ratelimited_tc;
}
