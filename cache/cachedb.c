/*
 * cache/cachedb.c - the cachedb module (see cachedb.h).
 */
#include "config.h"
#include "cache/cachedb.h"
#include "cache/dns.h"
#include "cache/redis.h"
#include "cache/rrset.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include "util/module.h"
#include "util/msg.h"
#include "util/netevent.h"
#include "util/region.h"
#include "util/reply.h"
#include "util/siphash.h"
#include "util/rrtype.h"
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ */
/* Keys and values (also without Redis: the unit tests use them). */

void
cachedb_seed_keys(const char *seed, uint8_t out[32])
{
	unsigned len = 32;

	if (!EVP_Digest(seed, strlen(seed), out, &len, EVP_sha256(), NULL)) {
		/* Cannot happen with the default provider; a fixed key is
		 * still a key, and the keys stay one deployment's. */
		memset(out, 0x5a, 32);
	}
}

void
cachedb_key(const uint8_t keys[32], const struct query_info *qi,
    uint16_t qflags, char *out)
{
	uint8_t in[DNAME_MAXLEN + 5];
	size_t n = qi->qname_len < DNAME_MAXLEN ? qi->qname_len : DNAME_MAXLEN;
	uint64_t h1, h2;

	memcpy(in, qi->qname, n);
	dname_tolower(in);
	in[n] = (uint8_t)(qi->qtype >> 8);
	in[n + 1] = (uint8_t)qi->qtype;
	in[n + 2] = (uint8_t)(qi->qclass >> 8);
	in[n + 3] = (uint8_t)qi->qclass;
	in[n + 4] = (qflags & MSG_FLAG_CD) ? 1 : 0;
	h1 = siphash24(keys, in, n + 5);
	h2 = siphash24(keys + 16, in, n + 5);
	snprintf(out, CACHEDB_KEY_LEN + 1, "rs1:%016llx%016llx",
	    (unsigned long long)h1, (unsigned long long)h2);
}

size_t
cachedb_encode(const struct query_info *qi, const struct reply *rep,
    time_t now, uint32_t ttl, uint8_t *buf, size_t cap)
{
	size_t n = rep->an + rep->ns + rep->ar, i, head, len = 0;
	struct msg_writer w;
	uint64_t t = (uint64_t)now;
	uint8_t sec = RRSET_SEC_SECURE;

	head = CACHEDB_HEAD_LEN + n + 4;
	if (n > 0xffff || cap <= head) {
		return 0;
	}
	for (i = 0; i < n; i++) {
		uint8_t s = rep->rrsets[i]->security;

		/* The worst status (bogus > insecure > unchecked). */
		if (s == RRSET_SEC_BOGUS || (s == RRSET_SEC_INSECURE && sec !=
		    RRSET_SEC_BOGUS) || (s == RRSET_SEC_UNCHECKED && sec ==
		    RRSET_SEC_SECURE)) {
			sec = s;
		}
		buf[CACHEDB_HEAD_LEN + i] = rep->rrsets[i]->trust;
	}
	msg_writer_init(&w, buf + head, cap - head);
	if (msg_writer_header(&w, 0, rep->flags | MSG_FLAG_QR, rep->rcode) !=
	    RES_OK || msg_writer_question(&w, qi->qname, qi->qtype,
	    qi->qclass) != RES_OK || reply_write(&w, rep, 1, 0) != RES_OK ||
	    msg_writer_is_truncated(&w) || msg_writer_finish(&w, &len) !=
	    RES_OK || len == 0) {
		return 0;
	}
	buf[0] = 'R';
	buf[1] = 'S';
	buf[2] = CACHEDB_VERSION;
	buf[3] = n ? sec : RRSET_SEC_UNCHECKED;
	wire_put32(buf + 4, (uint32_t)(t >> 32));
	wire_put32(buf + 8, (uint32_t)t);
	wire_put32(buf + 12, ttl);
	wire_put16(buf + 16, (uint16_t)n);
	wire_put32(buf + CACHEDB_HEAD_LEN + n, (uint32_t)len);
	return head + len;
}

int
cachedb_decode(struct region *r, const uint8_t *val, size_t len,
    const struct query_info *qi, time_t now, struct dns_msg *m,
    struct msg_rr *room, struct reply **out)
{
	size_t n, mlen, i;
	uint64_t stored, age;
	uint32_t ttl;
	struct reply *rep;
	int ret;

	if (len < CACHEDB_HEAD_LEN + 4 || val[0] != 'R' || val[1] != 'S' ||
	    val[2] != CACHEDB_VERSION) {
		return RES_EMALFORMED;
	}
	stored = (uint64_t)wire_get32(val + 4) << 32 | wire_get32(val + 8);
	ttl = wire_get32(val + 12);
	n = wire_get16(val + 16);
	if (len < CACHEDB_HEAD_LEN + n + 4) {
		return RES_EMALFORMED;
	}
	mlen = wire_get32(val + CACHEDB_HEAD_LEN + n);
	if (mlen != len - CACHEDB_HEAD_LEN - n - 4 || mlen > MSG_MAX_LEN) {
		return RES_EMALFORMED;
	}
	if (stored > (uint64_t)now + 60) {
		/* Written in the future: a clock that is far off, or not
		 * our value. */
		return RES_EMALFORMED;
	}
	age = (uint64_t)now > stored ? (uint64_t)now - stored : 0;
	if (age >= ttl) {
		return RES_ENOTFOUND;
	}
	ret = msg_parse_big(m, val + CACHEDB_HEAD_LEN + n + 4, mlen, room,
	    MSG_MAX_RR_ANY);
	if (ret != RES_OK || !m->have_question || m->qdcount != 1 ||
	    !(m->flags & MSG_FLAG_QR) || m->qtype != qi->qtype ||
	    m->qclass != qi->qclass || !dname_equal(m->qname, qi->qname)) {
		return RES_EMALFORMED;
	}
	ret = reply_from_msg(r, m, &rep);
	if (ret != RES_OK) {
		return ret == RES_ENOMEM ? RES_ENOMEM : RES_EMALFORMED;
	}
	if (rep->an + rep->ns + rep->ar != n) {
		return RES_EMALFORMED;
	}
	for (i = 0; i < n; i++) {
		struct reply_rrset *s = rep->rrsets[i];
		uint8_t t = val[CACHEDB_HEAD_LEN + i];

		if (t > RRSET_TRUST_VALIDATED) {
			return RES_EMALFORMED;
		}
		/* Checked again here: never more than the network gives. */
		s->trust = t > RRSET_TRUST_ANSWER_AUTH ?
		    RRSET_TRUST_ANSWER_AUTH : t;
		s->security = RRSET_SEC_UNCHECKED;
		s->ede = 0;
		s->reason = NULL;
		s->ttl = s->ttl > age ? s->ttl - (uint32_t)age : 0;
	}
	rep->security = RRSET_SEC_UNCHECKED;
	rep->ede = -1;
	rep->ede_text = NULL;
	*out = rep;
	return RES_OK;
}

/** Is an option of the cachedb: clause written in the config? */
static int
cdb_opt_set(const struct config *cfg, const char *name)
{
	size_t n, i;
	const struct cfg_option *t = config_option_table(&n);

	for (i = 0; cfg->where && i < n; i++) {
		if (strcmp(t[i].name, name) == 0) {
			return cfg->where[i].file != NULL;
		}
	}
	return 0;
}

/**
 * Read "address" or "address@port" of redis-server-host (the parser of
 * interface:, so no name is ever looked up).
 * @return 1 when it is a numeric IPv4 or IPv6 address (and port).
 */
static int
cdb_host_parse(const char *s, int defport, char *host, size_t hlen,
    int *port)
{
	struct sockaddr_storage a;
	socklen_t alen;

	if (comm_addr_from_str(s, defport, &a, &alen) != RES_OK) {
		return 0;
	}
	(void)comm_addr_to_str(&a, alen, 0, host, hlen);
	*port = a.ss_family == AF_INET6 ?
	    ntohs(((struct sockaddr_in6 *)&a)->sin6_port) :
	    ntohs(((struct sockaddr_in *)&a)->sin_port);
	return *port > 0;
}

int
cachedb_check_config(const struct config *cfg, int in_chain)
{
	static const char *opts[] = { "backend", "secret-seed",
	    "redis-server-host", "redis-server-port", "redis-server-path",
	    "redis-server-password", "redis-timeout", "redis-expire-records",
	    "redis-logical-db", "redis-cluster" };
	const struct cfg_strlist *l;
	char where[512], host[64];
	int errors = 0, port, nhosts = 0;
	size_t i;

	if (!in_chain) {
		for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
			if (cdb_opt_set(cfg, opts[i]) || (i == 2 &&
			    cfg->redis_server_host)) {
				log_err("%s: cachedb: %s is set but "
				    "module-config has no cachedb module "
				    "(\"validator cachedb iterator\")",
				    i == 2 && cfg->redis_server_host ?
				    cfg->redis_server_host->file : config_where(
				    cfg, opts[i], where, sizeof(where)),
				    opts[i]);
				return RES_ESYNTAX;
			}
		}
		return RES_OK;
	}
	if (!cachedb_get_funcblock()) {
		log_err("%s: module-config: this build has no cachedb module "
		    "(configure found no libhiredis)", config_where(cfg,
		    "module-config", where, sizeof(where)));
		return RES_ESYNTAX;
	}
	if (!cfg->backend || strcmp(cfg->backend, "redis") != 0) {
		log_err("%s: backend: '%s': the backend resolute has is "
		    "redis", config_where(cfg, "backend", where,
		    sizeof(where)), cfg->backend ? cfg->backend : "");
		errors++;
	}
	for (l = cfg->redis_server_host; l; l = l->next) {
		if (!cdb_host_parse(l->str, cfg->redis_server_port, host,
		    sizeof(host), &port)) {
			log_err("%s:%d: redis-server-host: '%s' is not a "
			    "numeric address[@port] (no name is looked up "
			    "on the query path)", l->file, l->line, l->str);
			errors++;
		}
		nhosts++;
	}
	if (nhosts > REDIS_MAX_SEEDS) {
		log_err("%s:%d: redis-server-host: more than %d of them",
		    cfg->redis_server_host->file,
		    cfg->redis_server_host->line, REDIS_MAX_SEEDS);
		errors++;
	}
	if (nhosts > 1 && !cfg->redis_cluster) {
		log_err("%s:%d: redis-server-host: several servers need "
		    "redis-cluster: yes (one Redis, or the seed nodes of a "
		    "cluster)", cfg->redis_server_host->next->file,
		    cfg->redis_server_host->next->line);
		errors++;
	}
	if (cfg->redis_cluster && cfg->redis_logical_db != 0) {
		log_err("%s: redis-logical-db: %d: a Redis Cluster has only "
		    "database 0", config_where(cfg, "redis-logical-db", where,
		    sizeof(where)), cfg->redis_logical_db);
		errors++;
	}
	if (cfg->redis_cluster && cfg->redis_server_path) {
		log_err("%s: redis-server-path: a Redis Cluster is reached "
		    "over TCP (redis-server-host)", config_where(cfg,
		    "redis-server-path", where, sizeof(where)));
		errors++;
	}
	if (cfg->redis_server_path && strlen(cfg->redis_server_path) >= 100) {
		log_err("%s: redis-server-path: too long for a Unix socket",
		    config_where(cfg, "redis-server-path", where,
		    sizeof(where)));
		errors++;
	}
	return errors ? RES_ESYNTAX : RES_OK;
}

#ifndef USE_REDIS
struct module_func_block *
cachedb_get_funcblock(void)
{
	return NULL;
}
#else
/* ------------------------------------------------------------------ */
/* The module. */

/** A GET in flight: owned by the Redis client until its callback. */
struct cdb_lookup {
	/** The module's thread state. */
	struct cdb_env *ce;
	/** The query waiting, or NULL once it no longer waits (timed out,
	 * deleted). */
	struct module_qstate *q;
	/** The module's id. */
	int id;
	/** When it was sent (us), and when the query stops waiting
	 * (ms). */
	uint64_t sent_us, deadline_ms;
	/** The list of lookups waiting, oldest first. */
	struct cdb_lookup *prev, *next;
};

/** The module's state on one thread (env->modinfo[id]). */
struct cdb_env {
	/** The Redis client. */
	struct redis_client *redis;
	/** Lookups with a query waiting, oldest (first deadline) first. */
	struct cdb_lookup *head, *tail;
	/** Fires at the first deadline. */
	struct comm_timer *timer;
	/** The SipHash keys of secret-seed. */
	uint8_t keys[32];
	/** redis-timeout (ms), redis-expire-records. */
	int timeout_ms, expire;
	/** Scratch: a message view, its room, a value buffer. */
	struct dns_msg *m;
	struct msg_rr *room;
	uint8_t *buf;
	/** Size of buf. */
	size_t bufcap;
};

/** Where a query is in the module. */
enum cdb_stage {
	/** Not looked up yet. */
	CDB_NEW = 0,
	/** GET sent, waiting. */
	CDB_WAIT,
	/** Answered from Redis. */
	CDB_HIT,
	/** Passed on to the iterator. */
	CDB_PASSED
};

/** Per query (region memory). */
struct cdb_qstate {
	/** An enum cdb_stage. */
	int stage;
	/** The lookup in flight (CDB_WAIT), or NULL. */
	struct cdb_lookup *lk;
	/** The answer found, or NULL. */
	struct reply *found;
	/** 1 when the final answer is to be stored. */
	int store;
};

/** Microseconds on the monotonic clock. */
static uint64_t
cdb_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/** Take a lookup off the waiting list. */
static void
cdb_unlink(struct cdb_env *ce, struct cdb_lookup *lk)
{
	if (lk->prev) {
		lk->prev->next = lk->next;
	} else if (ce->head == lk) {
		ce->head = lk->next;
	}
	if (lk->next) {
		lk->next->prev = lk->prev;
	} else if (ce->tail == lk) {
		ce->tail = lk->prev;
	}
	lk->prev = lk->next = NULL;
}

/** Arm the timer for the first deadline. */
static void
cdb_timer_arm(struct cdb_env *ce)
{
	uint64_t now;

	if (!ce->head) {
		comm_timer_disable(ce->timer);
		return;
	}
	now = cdb_now_us() / 1000;
	comm_timer_set(ce->timer, ce->head->deadline_ms > now ?
	    (int)(ce->head->deadline_ms - now) : 0);
}

/** The latency bucket of a reply after us microseconds. */
static int
cdb_lat_bucket(uint64_t us)
{
	int b = 1;

	if (us < 500) {
		return 0;
	}
	while (b < CACHEDB_LAT_BUCKETS - 1 && us >= (uint64_t)1000 << (b - 1)) {
		b++;
	}
	return b;
}

/** The Redis client's callback for a GET. */
static void
cdb_get_done(void *arg, int result, const uint8_t *val, size_t len)
{
	struct cdb_lookup *lk = arg;
	struct cdb_env *ce = lk->ce;
	struct module_qstate *q = lk->q;
	struct module_env *env;
	struct cdb_qstate *cq;
	int id = lk->id;
	uint64_t now = cdb_now_us();

	if (!q) {
		/* Nobody waits any more. */
		free(lk);
		return;
	}
	env = q->env;
	env->ctr.cachedb_lat[cdb_lat_bucket(now - lk->sent_us)]++;
	cdb_unlink(ce, lk);
	cdb_timer_arm(ce);
	free(lk);
	cq = q->minfo[id];
	cq->lk = NULL;
	if (result != REDIS_R_OK) {
		env->ctr.cachedb_errors++;
	} else if (!val) {
		env->ctr.cachedb_misses++;
	} else {
		struct reply *rep = NULL;
		int r = cachedb_decode(q->region, val, len, &q->qinfo,
		    *env->now, ce->m, ce->room, &rep);

		if (r == RES_OK) {
			env->ctr.cachedb_hits++;
			cq->found = rep;
		} else if (r == RES_ENOTFOUND) {
			env->ctr.cachedb_misses++;
		} else if (r != RES_ENOMEM) {
			char qn[DNAME_MAXSTR], t[16];

			env->ctr.cachedb_bad_values++;
			if (dname_to_str(q->qinfo.qname, qn, sizeof(qn)) < 0) {
				snprintf(qn, sizeof(qn), "?");
			}
			(void)rrtype_to_str(q->qinfo.qtype, t, sizeof(t));
			verbose(VERB_DETAIL, "cachedb: the Redis value of %s "
			    "%s is not a valid answer: ignored", qn, t);
		}
	}
	env->wake(q, id);
}

/** The timer: queries whose deadline passed stop waiting. */
static void
cdb_timeout(void *arg)
{
	struct cdb_env *ce = arg;
	uint64_t now = cdb_now_us() / 1000;

	while (ce->head && ce->head->deadline_ms <= now) {
		struct cdb_lookup *lk = ce->head;
		struct module_qstate *q = lk->q;
		struct cdb_qstate *cq = q->minfo[lk->id];

		cdb_unlink(ce, lk);
		/* The reply, if it comes, finds nobody (freed then). */
		lk->q = NULL;
		cq->lk = NULL;
		q->env->ctr.cachedb_timeouts++;
		q->env->wake(q, lk->id);
	}
	cdb_timer_arm(ce);
}

/** Send the GET of a query; 1 when it waits for it. */
static int
cdb_lookup_start(struct module_qstate *q, int id, struct cdb_env *ce,
    struct cdb_qstate *cq)
{
	struct cdb_lookup *lk = calloc(1, sizeof(*lk));
	char key[CACHEDB_KEY_LEN + 1];
	uint64_t us = cdb_now_us(), now = us / 1000;

	if (!lk) {
		return 0;
	}
	cachedb_key(ce->keys, &q->qinfo, q->query_flags, key);
	lk->ce = ce;
	lk->q = q;
	lk->id = id;
	lk->sent_us = us;
	lk->deadline_ms = now + (uint64_t)ce->timeout_ms;
	if (redis_get(ce->redis, (const uint8_t *)key, CACHEDB_KEY_LEN,
	    cdb_get_done, lk) != RES_OK) {
		free(lk);
		q->env->ctr.cachedb_errors++;
		return 0;
	}
	/* All deadlines are now + the same timeout: appended in order. */
	lk->prev = ce->tail;
	if (ce->tail) {
		ce->tail->next = lk;
	} else {
		ce->head = lk;
	}
	ce->tail = lk;
	if (ce->head == lk) {
		cdb_timer_arm(ce);
	}
	cq->lk = lk;
	return 1;
}

/** The answer found in Redis: into the local caches, then up. */
static void
cdb_answer(struct module_qstate *q, int id, struct reply *rep)
{
	int negative = rep->rcode == MSG_RCODE_NXDOMAIN || rep->an == 0;

	/* Unchecked: the validator's verdict replaces it; until then only
	 * CD clients are answered from it. */
	(void)dns_cache_store_msg(q->env, &q->qinfo, q->query_flags, rep,
	    negative);
	q->return_msg = rep;
	q->return_rcode = rep->rcode;
	q->ext_state[id] = MODULE_FINISHED;
}

/** operate(). */
static void
cdb_operate(struct module_qstate *q, enum module_ev ev, int id)
{
	struct cdb_env *ce = q->env->modinfo[id];
	struct cdb_qstate *cq = q->minfo[id];

	if (ev == MODULE_EVENT_NEW || ev == MODULE_EVENT_PASS) {
		if (!cq) {
			cq = region_zalloc(q->region, sizeof(*cq));
			if (!cq) {
				q->ext_state[id] = MODULE_ERROR;
				return;
			}
			q->minfo[id] = cq;
		}
		if (cq->stage != CDB_NEW) {
			/* Passed again (a restart after a bogus answer):
			 * straight on, and what it resolves replaces what
			 * Redis holds. */
			cq->stage = CDB_PASSED;
			cq->store = ce && !q->no_cache;
			q->ext_state[id] = MODULE_WAIT_MODULE;
			return;
		}
		if (q->no_cache || !ce) {
			cq->stage = CDB_PASSED;
			q->ext_state[id] = MODULE_WAIT_MODULE;
			return;
		}
		cq->store = 1;
		if (q->no_answer_cache || q->restarts > 0 ||
		    !cdb_lookup_start(q, id, ce, cq)) {
			cq->stage = CDB_PASSED;
			q->ext_state[id] = MODULE_WAIT_MODULE;
			return;
		}
		cq->stage = CDB_WAIT;
		q->ext_state[id] = MODULE_WAIT_REPLY;
		return;
	}
	if (ev == MODULE_EVENT_REPLY && cq && cq->stage == CDB_WAIT) {
		if (cq->lk) {
			/* Woken for something else: still waiting. */
			q->ext_state[id] = MODULE_WAIT_REPLY;
			return;
		}
		if (cq->found) {
			cq->stage = CDB_HIT;
			cq->store = 0;
			cdb_answer(q, id, cq->found);
			return;
		}
		cq->stage = CDB_PASSED;
		q->ext_state[id] = MODULE_WAIT_MODULE;
		return;
	}
	if (ev == MODULE_EVENT_MODDONE) {
		/* The iterator's answer goes up as it is; it is stored in
		 * finished(), once the validator has judged it. */
		q->ext_state[id] = id + 1 < MODULE_MAX && q->ext_state[id +
		    1] == MODULE_ERROR ? MODULE_ERROR : MODULE_FINISHED;
		return;
	}
	q->ext_state[id] = MODULE_ERROR;
}

/** The TTL to store an answer with: its smallest, within the cache's
 * limits; 0 for none. */
static uint32_t
cdb_store_ttl(const struct module_env *env, const struct reply *rep)
{
	size_t i, n = rep->an + rep->ns + rep->ar;
	uint32_t ttl = UINT32_MAX, max;
	int negative = rep->rcode == MSG_RCODE_NXDOMAIN || rep->an == 0;

	for (i = 0; i < n; i++) {
		if (rep->rrsets[i]->ttl < ttl) {
			ttl = rep->rrsets[i]->ttl;
		}
	}
	if (n == 0) {
		return 0;
	}
	max = (uint32_t)(negative ? env->cfg->cache_max_negative_ttl :
	    env->cfg->cache_max_ttl);
	if (ttl > max) {
		ttl = max;
	}
	return ttl;
}

/** finished(): store the final answer of a query that missed. */
static void
cdb_finished(struct module_qstate *q, int id)
{
	struct cdb_env *ce = q->env->modinfo[id];
	struct cdb_qstate *cq = q->minfo[id];
	const struct reply *rep = q->return_msg;
	char key[CACHEDB_KEY_LEN + 1];
	size_t i, len;
	uint32_t ttl;

	if (!ce || !cq || !cq->store || !rep || (rep->rcode !=
	    MSG_RCODE_NOERROR && rep->rcode != MSG_RCODE_NXDOMAIN) ||
	    (rep->flags & MSG_FLAG_TC)) {
		return;
	}
	for (i = 0; i < rep->an + rep->ns + rep->ar; i++) {
		if (rep->rrsets[i]->security == RRSET_SEC_BOGUS) {
			/* Bogus answers are not shared. */
			return;
		}
	}
	if ((ttl = cdb_store_ttl(q->env, rep)) == 0) {
		return;
	}
	len = cachedb_encode(&q->qinfo, rep, *q->env->now, ttl, ce->buf,
	    ce->bufcap);
	if (len == 0) {
		return;
	}
	cachedb_key(ce->keys, &q->qinfo, q->query_flags, key);
	if (redis_set(ce->redis, (const uint8_t *)key, CACHEDB_KEY_LEN,
	    ce->buf, len, ce->expire ? ttl : 0) == RES_OK) {
		q->env->ctr.cachedb_stores++;
	}
}

/** clear(): a query is deleted; its lookup, if any, finds nobody. */
static void
cdb_clear(struct module_qstate *q, int id)
{
	struct cdb_env *ce = q->env->modinfo[id];
	struct cdb_qstate *cq = q->minfo[id];

	if (cq && cq->lk && ce) {
		cdb_unlink(ce, cq->lk);
		cq->lk->q = NULL;
		cq->lk = NULL;
		cdb_timer_arm(ce);
	}
}

/** deinit(). */
static void
cdb_deinit(struct module_env *env, int id)
{
	struct cdb_env *ce = env->modinfo[id];

	if (!ce) {
		return;
	}
	/* Pending GETs end here, finding nobody. */
	redis_client_delete(ce->redis);
	comm_timer_delete(ce->timer);
	free(ce->m);
	free(ce->room);
	free(ce->buf);
	free(ce);
	env->modinfo[id] = NULL;
}

/** init(): one Redis client per thread. */
static int
cdb_init(struct module_env *env, int id)
{
	const struct config *cfg = env->cfg;
	struct redis_settings rs;
	struct cdb_env *ce;
	const struct cfg_strlist *l;

	if (!env->base) {
		/* No event loop (the replay harness): the module passes
		 * every query on. */
		env->modinfo[id] = NULL;
		return RES_OK;
	}
	ce = calloc(1, sizeof(*ce));
	if (!ce) {
		return RES_ENOMEM;
	}
	env->modinfo[id] = ce;
	ce->timeout_ms = cfg->redis_timeout;
	ce->expire = cfg->redis_expire_records;
	cachedb_seed_keys(cfg->secret_seed ? cfg->secret_seed : "", ce->keys);
	ce->bufcap = MSG_MAX_LEN + CACHEDB_HEAD_LEN + MSG_MAX_RR_ANY + 4;
	ce->m = malloc(sizeof(*ce->m));
	ce->room = malloc(MSG_MAX_RR_ANY * sizeof(*ce->room));
	ce->buf = malloc(ce->bufcap);
	ce->timer = comm_timer_create(env->base, cdb_timeout, ce);
	if (!ce->m || !ce->room || !ce->buf || !ce->timer) {
		cdb_deinit(env, id);
		return RES_ENOMEM;
	}
	memset(&rs, 0, sizeof(rs));
	for (l = cfg->redis_server_host; l && rs.nhosts < REDIS_MAX_SEEDS;
	    l = l->next) {
		if (cdb_host_parse(l->str, cfg->redis_server_port,
		    rs.host[rs.nhosts], sizeof(rs.host[0]),
		    &rs.port[rs.nhosts])) {
			rs.nhosts++;
		}
	}
	if (rs.nhosts == 0) {
		snprintf(rs.host[0], sizeof(rs.host[0]), "127.0.0.1");
		rs.port[0] = cfg->redis_server_port;
		rs.nhosts = 1;
	}
	/* Connected by the workers, after chroot(2). */
	rs.path = cfg->redis_server_path ? config_path(cfg,
	    cfg->redis_server_path) : NULL;
	rs.password = cfg->redis_server_password;
	rs.logical_db = cfg->redis_logical_db;
	rs.cluster = cfg->redis_cluster;
	/* A server that leaves a command unanswered this long is taken
	 * for hung: its connection is made again. */
	rs.hang_ms = ce->timeout_ms * 5 < 500 ? 500 : ce->timeout_ms * 5;
	rs.moved = &env->ctr.cachedb_moved;
	rs.ask = &env->ctr.cachedb_ask;
	rs.map_reads = &env->ctr.cachedb_map_reads;
	ce->redis = redis_client_create(env->base, &rs);
	if (!ce->redis) {
		cdb_deinit(env, id);
		return RES_ENOMEM;
	}
	return RES_OK;
}

/** The module's function block. */
static struct module_func_block cdb_block = {
	"cachedb", cdb_init, cdb_deinit, cdb_operate, NULL, cdb_clear,
	cdb_finished
};

struct module_func_block *
cachedb_get_funcblock(void)
{
	return &cdb_block;
}
#endif /* USE_REDIS */
