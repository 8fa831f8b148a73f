/*
 * cache/redis.c - the non-blocking Redis client (see redis.h).
 */
#include "config.h"
#include "cache/redis.h"
#include "util/error.h"
#include "util/log.h"
#include "util/netevent.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef USE_REDIS
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include <hiredis/adapters/libevent.h>
#pragma GCC diagnostic pop

/** State of a node's connection. */
enum node_state {
	/** No connection; retry_at says when to try again. */
	NODE_DOWN = 0,
	/** Connecting, or waiting for the answer to PING. */
	NODE_CONNECTING,
	/** Answered PING: commands go to it. */
	NODE_UP
};

/** One Redis server: a single server, a seed or a cluster node. */
struct redis_node {
	/** The client. */
	struct redis_client *c;
	/** Numeric address and port, or the Unix socket path. */
	char host[108];
	/** Port; 0 for a Unix socket. */
	int port;
	/** The connection, or NULL. */
	redisAsyncContext *ac;
	/** An enum node_state. */
	int state;
	/** When the state last changed, or the last reply came (ms). */
	uint64_t progress;
	/** When to connect again (ms, NODE_DOWN). */
	uint64_t retry_at;
	/** The next backoff. */
	int backoff_ms;
	/** Commands sent and not answered. */
	int pending;
	/** 1 once its going down was logged (until it is up again). */
	int told_down;
	/** Next node of the client. */
	struct redis_node *next;
};

/** What a command in flight is. */
enum req_kind {
	REQ_GET = 0,
	REQ_SET,
	/** PING, AUTH, SELECT at connection set-up. */
	REQ_SETUP,
	/** CLUSTER SLOTS. */
	REQ_SLOTS
};

/** A command in flight (the privdata of its hiredis callback). */
struct redis_req {
	/** The client. */
	struct redis_client *c;
	/** The node it went to. */
	struct redis_node *node;
	/** An enum req_kind. */
	int kind;
	/** For REQ_SETUP: 1 on the PING that ends the set-up. */
	int last_setup;
	/** GET: the caller's callback and argument. */
	redis_get_cb cb;
	/** Its argument. */
	void *arg;
	/** Redirections followed so far. */
	int redirects;
	/** GET: the key (for a redirection). */
	size_t klen;
	/** The key; klen octets follow the struct. */
	uint8_t key[];
};

struct redis_client {
	/** The worker's base. */
	struct comm_base *base;
	/** The settings. */
	struct redis_settings s;
	/** Copies of the strings of s. */
	char *path, *password, *name;
	/** Every node: the seeds first, then cluster nodes as learnt. */
	struct redis_node *nodes;
	/** Cluster: the master of each slot, or NULL. */
	struct redis_node **map;
	/** Cluster: a CLUSTER SLOTS is in flight. */
	int map_pending;
	/** Cluster: when to read the map again (ms). */
	uint64_t map_due;
	/** The housekeeping timer (connections, hangs, the map). */
	struct comm_timer *timer;
	/** Its period. */
	int tick_ms;
	/** 1 while redis_client_delete() runs. */
	int deleting;
};

/** Bump a counter the caller gave (NULL: none). */
#define REDIS_COUNT(p) do { if (p) { (*(p))++; } } while (0)

/** Milliseconds on the monotonic clock. */
static uint64_t
redis_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/** "host:port" or the path of a node, for log lines. */
static const char *
node_name(const struct redis_node *n, char *buf, size_t len)
{
	if (n->port) {
		snprintf(buf, len, "%s:%d", n->host, n->port);
	} else {
		snprintf(buf, len, "%s", n->host);
	}
	return buf;
}

static void node_connect(struct redis_node *n);
static void redis_reply_cb(redisAsyncContext *ac, void *r, void *priv);

/** A node's connection is gone (or never came): mark it down and set
 * when to try again.  The context is hiredis's to free, or freed. */
static void
node_lost(struct redis_node *n, const char *why)
{
	struct redis_client *c = n->c;
	char nb[160];
	uint64_t now = redis_now_ms();

	if (!n->told_down && !c->deleting) {
		log_warn("cachedb: Redis %s is down (%s)%s%s; going on "
		    "without it, retrying", node_name(n, nb, sizeof(nb)),
		    why, c->name ? ", " : "", c->name ? c->name : "");
		n->told_down = 1;
	}
	n->ac = NULL;
	n->state = NODE_DOWN;
	n->retry_at = now + (uint64_t)n->backoff_ms;
	n->backoff_ms *= 2;
	if (n->backoff_ms > REDIS_BACKOFF_MAX_MS) {
		n->backoff_ms = REDIS_BACKOFF_MAX_MS;
	}
	if (c->s.cluster && c->map_due > now + 200) {
		/* A master may have been replaced by its replica. */
		c->map_due = now + 200;
	}
}

/** Drop a node's connection ourselves (it hangs, or set-up failed):
 * its pending commands fail now. */
static void
node_drop(struct redis_node *n, const char *why)
{
	redisAsyncContext *ac = n->ac;

	/* First, so the disconnect callback knows it is not news. */
	node_lost(n, why);
	if (ac) {
		redisAsyncFree(ac);
	}
}

/** hiredis: the connection is up (status REDIS_OK) or failed. */
static void
redis_connect_cb(const redisAsyncContext *ac, int status)
{
	struct redis_node *n = ac->data;

	if (!n || n->ac != ac) {
		return;
	}
	if (status != REDIS_OK) {
		/* hiredis frees the context. */
		node_lost(n, ac->errstr[0] ? ac->errstr : "cannot connect");
	}
}

/** hiredis: the connection is gone. */
static void
redis_disconnect_cb(const redisAsyncContext *ac, int status)
{
	struct redis_node *n = ac->data;

	(void)status;
	if (!n || n->ac != ac) {
		return;
	}
	node_lost(n, ac->errstr[0] ? ac->errstr : "connection closed");
}

/** Send a command on a node's connection with our reply callback. */
static int
node_send(struct redis_node *n, struct redis_req *rq, int argc,
    const char **argv, const size_t *argvlen)
{
	if (!n->ac || redisAsyncCommandArgv(n->ac, redis_reply_cb, rq, argc,
	    argv, argvlen) != REDIS_OK) {
		return RES_ESYSTEM;
	}
	if (n->pending++ == 0) {
		n->progress = redis_now_ms();
	}
	return RES_OK;
}

/** A request without key. */
static struct redis_req *
req_new(struct redis_client *c, struct redis_node *n, int kind)
{
	struct redis_req *rq = calloc(1, sizeof(*rq));

	if (rq) {
		rq->c = c;
		rq->node = n;
		rq->kind = kind;
	}
	return rq;
}

/** Send a set-up command (AUTH, SELECT, PING). */
static int
node_setup_cmd(struct redis_node *n, int argc, const char **argv, int last)
{
	struct redis_req *rq = req_new(n->c, n, REQ_SETUP);
	size_t lens[2];
	int i;

	if (!rq) {
		return RES_ENOMEM;
	}
	for (i = 0; i < argc; i++) {
		lens[i] = strlen(argv[i]);
	}
	rq->last_setup = last;
	if (node_send(n, rq, argc, argv, lens) != RES_OK) {
		free(rq);
		return RES_ESYSTEM;
	}
	return RES_OK;
}

/** Start connecting a node (nothing blocks: the address is numeric). */
static void
node_connect(struct redis_node *n)
{
	struct redis_client *c = n->c;
	redisAsyncContext *ac;
	char db[16];
	const char *auth[2] = { "AUTH", c->password };
	const char *sel[2] = { "SELECT", db };
	const char *ping[1] = { "PING" };

	ac = n->port ? redisAsyncConnect(n->host, n->port) :
	    redisAsyncConnectUnix(n->host);
	n->state = NODE_CONNECTING;
	n->progress = redis_now_ms();
	if (!ac) {
		node_lost(n, "out of memory");
		return;
	}
	if (ac->err) {
		char why[128];

		snprintf(why, sizeof(why), "%s", ac->errstr);
		redisAsyncFree(ac);
		node_lost(n, why);
		return;
	}
	ac->data = n;
	n->ac = ac;
	if (redisLibeventAttach(ac, comm_base_internal(c->base)) !=
	    REDIS_OK) {
		n->ac = NULL;
		redisAsyncFree(ac);
		node_lost(n, "cannot attach to the event loop");
		return;
	}
	redisAsyncSetConnectCallback(ac, redis_connect_cb);
	redisAsyncSetDisconnectCallback(ac, redis_disconnect_cb);
	snprintf(db, sizeof(db), "%d", c->s.logical_db);
	/* Queued by hiredis until the connection is made. */
	if ((c->password && node_setup_cmd(n, 2, auth, 0) != RES_OK) ||
	    (c->s.logical_db && !c->s.cluster &&
	    node_setup_cmd(n, 2, sel, 0) != RES_OK) ||
	    node_setup_cmd(n, 1, ping, 1) != RES_OK) {
		node_drop(n, "cannot send the set-up commands");
	}
}

/** The node of host:port, created (and connected) when new. */
static struct redis_node *
node_get(struct redis_client *c, const char *host, int port)
{
	struct redis_node *n, **pp;

	for (pp = &c->nodes; (n = *pp) != NULL; pp = &n->next) {
		if (n->port == port && strcmp(n->host, host) == 0) {
			return n;
		}
	}
	if (strlen(host) >= sizeof(n->host) || !(n = calloc(1, sizeof(*n)))) {
		return NULL;
	}
	n->c = c;
	snprintf(n->host, sizeof(n->host), "%s", host);
	n->port = port;
	n->backoff_ms = REDIS_BACKOFF_MIN_MS;
	*pp = n;
	node_connect(n);
	return n;
}

/** Read a CLUSTER SLOTS reply into the map. */
static void
map_read(struct redis_client *c, const redisReply *r)
{
	size_t i;
	int covered = 0;

	for (i = 0; i < r->elements; i++) {
		const redisReply *e = r->element[i], *m;
		char host[64];
		long long lo, hi, s;
		struct redis_node *n;

		if (e->type != REDIS_REPLY_ARRAY || e->elements < 3 ||
		    e->element[0]->type != REDIS_REPLY_INTEGER ||
		    e->element[1]->type != REDIS_REPLY_INTEGER ||
		    e->element[2]->type != REDIS_REPLY_ARRAY) {
			continue;
		}
		lo = e->element[0]->integer;
		hi = e->element[1]->integer;
		m = e->element[2];
		if (lo < 0 || hi >= REDIS_SLOTS || lo > hi || m->elements < 2 ||
		    m->element[0]->type != REDIS_REPLY_STRING ||
		    m->element[1]->type != REDIS_REPLY_INTEGER ||
		    m->element[0]->len == 0 ||
		    m->element[0]->len >= sizeof(host)) {
			continue;
		}
		memcpy(host, m->element[0]->str, m->element[0]->len);
		host[m->element[0]->len] = '\0';
		n = node_get(c, host, (int)m->element[1]->integer);
		if (!n) {
			continue;
		}
		for (s = lo; s <= hi; s++) {
			c->map[s] = n;
		}
		covered += (int)(hi - lo + 1);
	}
	REDIS_COUNT(c->s.map_reads);
	verbose(VERB_DETAIL, "cachedb: Redis Cluster map read: %d of %d "
	    "slots covered", covered, REDIS_SLOTS);
}

/** Ask an up node for the cluster's slot map. */
static void
map_refresh(struct redis_client *c)
{
	struct redis_node *n;
	const char *argv[2] = { "CLUSTER", "SLOTS" };
	size_t lens[2] = { 7, 5 };

	if (c->map_pending) {
		return;
	}
	for (n = c->nodes; n; n = n->next) {
		struct redis_req *rq;

		if (n->state != NODE_UP) {
			continue;
		}
		if (!(rq = req_new(c, n, REQ_SLOTS))) {
			return;
		}
		if (node_send(n, rq, 2, argv, lens) == RES_OK) {
			c->map_pending = 1;
			return;
		}
		free(rq);
	}
}

/** Send a GET to a node, ASKING first for an ASK redirection. */
static int
get_send(struct redis_node *n, struct redis_req *rq, int asking)
{
	const char *argv[2] = { "GET", (const char *)rq->key };
	size_t lens[2] = { 3, rq->klen };

	if (asking && (!n->ac || redisAsyncCommand(n->ac, NULL, NULL,
	    "ASKING") != REDIS_OK)) {
		return RES_ESYSTEM;
	}
	rq->node = n;
	return node_send(n, rq, 2, argv, lens);
}

/** Follow a MOVED or ASK error: 1 when the GET went on, 0 when not. */
static int
get_redirect(struct redis_req *rq, const char *err, size_t len)
{
	struct redis_client *c = rq->c;
	char buf[160], host[108];
	unsigned slot;
	int port, ask;
	struct redis_node *n;

	if (!c->s.cluster || len >= sizeof(buf) ||
	    rq->redirects >= REDIS_MAX_REDIRECTS) {
		return 0;
	}
	memcpy(buf, err, len);
	buf[len] = '\0';
	ask = strncmp(buf, "ASK ", 4) == 0;
	if (!ask && strncmp(buf, "MOVED ", 6) != 0) {
		return 0;
	}
	{
		char *sp = strchr(buf + (ask ? 4 : 6), ' '), *colon;

		if (!sp || sscanf(buf + (ask ? 4 : 6), "%u", &slot) != 1 ||
		    slot >= REDIS_SLOTS || !(colon = strrchr(sp + 1, ':')) ||
		    sscanf(colon + 1, "%d", &port) != 1 || port <= 0 ||
		    port > 65535 || (size_t)(colon - sp - 1) >= sizeof(host)) {
			return 0;
		}
		memcpy(host, sp + 1, (size_t)(colon - sp - 1));
		host[colon - sp - 1] = '\0';
	}
	if (host[0] == '\0' && rq->node->port) {
		/* An empty address: the node's own (Redis 7). */
		snprintf(host, sizeof(host), "%s", rq->node->host);
	}
	if (!(n = node_get(c, host, port))) {
		return 0;
	}
	rq->redirects++;
	if (ask) {
		REDIS_COUNT(c->s.ask);
	} else {
		REDIS_COUNT(c->s.moved);
		c->map[slot] = n;
		/* The rest of the map has probably moved too. */
		c->map_due = redis_now_ms();
	}
	return get_send(n, rq, ask) == RES_OK;
}

/** hiredis: the reply to one of our commands (NULL: the connection
 * went, or is being freed). */
static void
redis_reply_cb(redisAsyncContext *ac, void *r, void *priv)
{
	struct redis_req *rq = priv;
	struct redis_node *n = rq->node;
	struct redis_client *c = rq->c;
	redisReply *reply = r;

	(void)ac;
	n->pending--;
	if (reply) {
		n->progress = redis_now_ms();
	}
	switch (rq->kind) {
	case REQ_GET:
		if (reply && reply->type == REDIS_REPLY_ERROR &&
		    !c->deleting && get_redirect(rq, reply->str,
		    reply->len)) {
			return;
		}
		if (reply && reply->type == REDIS_REPLY_STRING) {
			rq->cb(rq->arg, REDIS_R_OK, (const uint8_t *)reply->str,
			    reply->len);
		} else if (reply && reply->type == REDIS_REPLY_NIL) {
			rq->cb(rq->arg, REDIS_R_OK, NULL, 0);
		} else {
			if (reply && reply->type == REDIS_REPLY_ERROR) {
				verbose(VERB_DETAIL, "cachedb: Redis GET: %.*s",
				    (int)reply->len, reply->str);
			}
			rq->cb(rq->arg, REDIS_R_ERROR, NULL, 0);
		}
		break;
	case REQ_SET:
		if (reply && reply->type == REDIS_REPLY_ERROR) {
			verbose(VERB_DETAIL, "cachedb: Redis SET: %.*s",
			    (int)reply->len, reply->str);
			if (c->s.cluster && strncmp(reply->str, "MOVED ", 6) ==
			    0) {
				c->map_due = redis_now_ms();
			}
		}
		break;
	case REQ_SETUP:
		if (!reply || c->deleting || n->ac != ac) {
			break;
		}
		if (reply->type == REDIS_REPLY_ERROR) {
			char why[200];

			snprintf(why, sizeof(why), "set-up refused: %.*s",
			    (int)(reply->len > 150 ? 150 : reply->len),
			    reply->str);
			free(rq);
			/* Safe inside the callback: hiredis frees after. */
			node_drop(n, why);
			return;
		}
		if (rq->last_setup) {
			char nb[160];

			n->state = NODE_UP;
			n->backoff_ms = REDIS_BACKOFF_MIN_MS;
			if (n->told_down) {
				log_info("cachedb: Redis %s is up again%s%s",
				    node_name(n, nb, sizeof(nb)),
				    c->name ? ", " : "", c->name ?
				    c->name : "");
				n->told_down = 0;
			} else {
				verbose(VERB_OPS, "cachedb: Redis %s is up",
				    node_name(n, nb, sizeof(nb)));
			}
			if (c->s.cluster) {
				c->map_due = redis_now_ms();
			}
		}
		break;
	case REQ_SLOTS:
		c->map_pending = 0;
		if (reply && reply->type == REDIS_REPLY_ARRAY && !c->deleting) {
			map_read(c, reply);
			c->map_due = redis_now_ms() + REDIS_MAP_REFRESH_MS;
		}
		break;
	}
	free(rq);
}

/** The housekeeping timer: connect what is due, drop what hangs, read
 * the cluster map when due. */
static void
redis_tick(void *arg)
{
	struct redis_client *c = arg;
	struct redis_node *n;
	uint64_t now = redis_now_ms();
	int any_down = 0;

	for (n = c->nodes; n; n = n->next) {
		char why[96];

		if (n->state == NODE_DOWN && now >= n->retry_at) {
			node_connect(n);
		} else if (n->state == NODE_CONNECTING && n->ac &&
		    now - n->progress > (uint64_t)c->s.hang_ms) {
			snprintf(why, sizeof(why), "no answer to PING within "
			    "%d ms", c->s.hang_ms);
			node_drop(n, why);
		} else if (n->state == NODE_UP && n->pending > 0 &&
		    now - n->progress > (uint64_t)c->s.hang_ms) {
			snprintf(why, sizeof(why), "no reply within %d ms",
			    c->s.hang_ms);
			node_drop(n, why);
		}
		any_down |= n->state != NODE_UP;
	}
	if (c->s.cluster) {
		if (any_down && c->map_due > now + 500) {
			/* Until the failover shows in the map. */
			c->map_due = now + 500;
		}
		if (now >= c->map_due) {
			map_refresh(c);
		}
	}
	comm_timer_set(c->timer, c->tick_ms);
}

struct redis_client *
redis_client_create(struct comm_base *base, const struct redis_settings *s)
{
	struct redis_client *c = calloc(1, sizeof(*c));
	int i;

	if (!c) {
		log_err("out of memory");
		return NULL;
	}
	c->base = base;
	c->s = *s;
	c->path = s->path ? strdup(s->path) : NULL;
	c->password = s->password ? strdup(s->password) : NULL;
	c->name = s->name ? strdup(s->name) : NULL;
	c->s.path = c->path;
	c->s.password = c->password;
	c->s.name = c->name;
	if (c->s.hang_ms < 100) {
		c->s.hang_ms = 100;
	}
	c->tick_ms = c->s.hang_ms / 4 < 25 ? 25 : c->s.hang_ms / 4 > 250 ?
	    250 : c->s.hang_ms / 4;
	if ((s->path && !c->path) || (s->password && !c->password) ||
	    (s->name && !c->name) || (s->cluster && !(c->map = calloc(
	    REDIS_SLOTS, sizeof(*c->map)))) || !(c->timer =
	    comm_timer_create(base, redis_tick, c))) {
		log_err("out of memory");
		redis_client_delete(c);
		return NULL;
	}
	if (c->path && !s->cluster) {
		if (!node_get(c, c->path, 0)) {
			log_err("out of memory");
			redis_client_delete(c);
			return NULL;
		}
	} else {
		for (i = 0; i < s->nhosts && i < REDIS_MAX_SEEDS; i++) {
			if (!node_get(c, s->host[i], s->port[i])) {
				log_err("out of memory");
				redis_client_delete(c);
				return NULL;
			}
		}
	}
	comm_timer_set(c->timer, c->tick_ms);
	return c;
}

void
redis_client_delete(struct redis_client *c)
{
	struct redis_node *n;

	if (!c) {
		return;
	}
	c->deleting = 1;
	comm_timer_delete(c->timer);
	for (n = c->nodes; n; n = n->next) {
		if (n->ac) {
			redisAsyncContext *ac = n->ac;

			n->ac = NULL;
			/* The pending callbacks run now, with no reply. */
			redisAsyncFree(ac);
		}
	}
	while ((n = c->nodes) != NULL) {
		c->nodes = n->next;
		free(n);
	}
	free(c->map);
	free(c->path);
	free(c->password);
	free(c->name);
	free(c);
}

/** The node a key goes to now, or NULL. */
static struct redis_node *
key_node(struct redis_client *c, const uint8_t *key, size_t klen)
{
	struct redis_node *n;

	if (!c->s.cluster) {
		n = c->nodes;
	} else {
		n = c->map[redis_key_slot(key, klen)];
	}
	return n && n->state == NODE_UP ? n : NULL;
}

int
redis_get(struct redis_client *c, const uint8_t *key, size_t klen,
    redis_get_cb cb, void *arg)
{
	struct redis_node *n = key_node(c, key, klen);
	struct redis_req *rq;

	if (!n) {
		return RES_ESYSTEM;
	}
	rq = malloc(sizeof(*rq) + klen);
	if (!rq) {
		return RES_ENOMEM;
	}
	memset(rq, 0, sizeof(*rq));
	rq->c = c;
	rq->kind = REQ_GET;
	rq->cb = cb;
	rq->arg = arg;
	rq->klen = klen;
	memcpy(rq->key, key, klen);
	if (get_send(n, rq, 0) != RES_OK) {
		free(rq);
		return RES_ESYSTEM;
	}
	return RES_OK;
}

int
redis_set(struct redis_client *c, const uint8_t *key, size_t klen,
    const uint8_t *val, size_t vlen, uint32_t ttl)
{
	struct redis_node *n = key_node(c, key, klen);
	struct redis_req *rq;
	char ex[16];
	const char *argv[5] = { "SET", (const char *)key, (const char *)val,
	    "EX", ex };
	size_t lens[5] = { 3, klen, vlen, 2, 0 };

	if (!n) {
		return RES_ESYSTEM;
	}
	if (!(rq = req_new(c, n, REQ_SET))) {
		return RES_ENOMEM;
	}
	snprintf(ex, sizeof(ex), "%u", (unsigned)ttl);
	lens[4] = strlen(ex);
	if (node_send(n, rq, ttl ? 5 : 3, argv, lens) != RES_OK) {
		free(rq);
		return RES_ESYSTEM;
	}
	return RES_OK;
}
#endif /* USE_REDIS */

/** CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), the hash of
 * Redis Cluster's key slots. */
static uint16_t
redis_crc16(const uint8_t *p, size_t len)
{
	uint16_t crc = 0;
	size_t i;
	int b;

	for (i = 0; i < len; i++) {
		crc ^= (uint16_t)(p[i] << 8);
		for (b = 0; b < 8; b++) {
			crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 :
			    crc << 1);
		}
	}
	return crc;
}

unsigned
redis_key_slot(const uint8_t *key, size_t len)
{
	size_t s, e;

	for (s = 0; s < len && key[s] != '{'; s++) {
	}
	if (s < len) {
		for (e = s + 1; e < len && key[e] != '}'; e++) {
		}
		if (e < len && e > s + 1) {
			return redis_crc16(key + s + 1, e - s - 1) &
			    (REDIS_SLOTS - 1);
		}
	}
	return redis_crc16(key, len) & (REDIS_SLOTS - 1);
}
