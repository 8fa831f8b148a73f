/*
 * daemon/dnstap.c - dnstap query logs over Frame Streams.
 *
 * The frames are dnstap.Dnstap protobuf messages (daemon/dnstap.proto,
 * compiled by protoc-c at build time), one per logged DNS message,
 * written by libfstrm's I/O thread to a Unix socket with the content
 * type "protobuf:dnstap.Dnstap" (https://dnstap.info).
 *
 * Threads.  The I/O thread has one single-producer input queue per
 * worker (fstrm_iothr_get_input_queue_idx(), the queue model SPSC): a
 * worker encodes on its own thread into a malloced buffer and submits
 * it to its own queue, which never blocks; the I/O thread frees the
 * buffer once written.  A submit that fails (the queue is full because
 * the reader is slow or stopped, or the I/O thread is shutting down)
 * leaves the buffer with us: it is freed and counted as dropped.  The
 * counters belong to their worker, written on its thread only and read
 * by stats without a lock, like struct worker_stats.  While no reader is
 * connected the I/O thread takes frames off the queues and discards
 * them, trying to connect again every few seconds; those frames count as
 * sent (they were queued).
 *
 * What each message carries (fields of dnstap.Message):
 *	CLIENT_QUERY	socket family and protocol (UDP or TCP), the
 *			client's address and port (query_address/port),
 *			query_time, query_message;
 *	CLIENT_RESPONSE	the same client fields, response_time and
 *			response_message;
 *	RESOLVER_QUERY	family and protocol, the server's address and
 *			port (response_address/port), our source port over
 *			UDP (query_port), query_time, query_message (as
 *			sent, 0x20 case included);
 *	RESOLVER_RESPONSE the same, and response_time and
 *			response_message.
 * query_zone is not sent: the outside network does not know which zone
 * a query is for.  The local address is not sent either.
 */
#include "config.h"
#include "daemon/dnstap.h"
#include "services/outside_network.h"
#include "util/config_file.h"
#include "util/error.h"
#include "util/log.h"
#include "util/netevent.h"
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifdef USE_DNSTAP
#include <fstrm.h>
#include <protobuf-c/protobuf-c.h>
#include "daemon/dnstap.pb-c.h"

/** The Frame Streams content type of dnstap frames. */
#define DNSTAP_CONTENT_TYPE "protobuf:dnstap.Dnstap"

/** Seconds the daemon waits at exit for the I/O thread to write out its
 * queues.  The thread writes to a blocking socket: a reader that stopped
 * reading (SIGSTOP, a hung process) would hold the exit for ever, so
 * after this long the thread is left behind, with what it still holds. */
#define DNSTAP_STOP_WAIT 3

/** One worker's handle: its queue and its counters. */
struct dnstap {
	/** The environment. */
	struct dnstap_env *env;
	/** This worker's input queue of the I/O thread. */
	struct fstrm_iothr_queue *queue;
	/** Frames queued. */
	uint64_t sent;
	/** Frames dropped (queue full, out of memory). */
	uint64_t dropped;
};

struct dnstap_env {
	/** The I/O thread; owns the socket writer. */
	struct fstrm_iothr *iothr;
	/** The workers' handles, num of them (each allocated apart, so
	 * the counters of two workers do not share a cache line). */
	struct dnstap **workers;
	/** Number of workers. */
	int num;
	/** DNSTAP_* bits of the kinds logged. */
	unsigned kinds;
	/** identity sent in every frame (dnstap-send-identity), or NULL. */
	char *identity;
	/** version sent in every frame (dnstap-send-version), or NULL. */
	char *version;
};

/** The configured kinds of messages, as DNSTAP_* bits. */
static unsigned
dnstap_kinds(const struct config *cfg)
{
	return (cfg->dnstap_log_client_query_messages ?
	    DNSTAP_CLIENT_QUERY : 0) |
	    (cfg->dnstap_log_client_response_messages ?
	    DNSTAP_CLIENT_RESPONSE : 0) |
	    (cfg->dnstap_log_resolver_query_messages ?
	    DNSTAP_RESOLVER_QUERY : 0) |
	    (cfg->dnstap_log_resolver_response_messages ?
	    DNSTAP_RESOLVER_RESPONSE : 0);
}

/**
 * Make the I/O thread and its Unix socket writer.
 * @return the thread, or NULL (logged).
 */
static struct fstrm_iothr *
dnstap_iothr_create(const char *path, int num_queues)
{
	struct fstrm_unix_writer_options *uwopt;
	struct fstrm_writer_options *fwopt;
	struct fstrm_iothr_options *ioopt;
	struct fstrm_writer *fw = NULL;
	struct fstrm_iothr *iothr = NULL;

	uwopt = fstrm_unix_writer_options_init();
	fwopt = fstrm_writer_options_init();
	ioopt = fstrm_iothr_options_init();
	if (!uwopt || !fwopt || !ioopt) {
		log_err("dnstap: out of memory");
		goto out;
	}
	fstrm_unix_writer_options_set_socket_path(uwopt, path);
	if (fstrm_writer_options_add_content_type(fwopt, DNSTAP_CONTENT_TYPE,
	    strlen(DNSTAP_CONTENT_TYPE)) != fstrm_res_success ||
	    fstrm_iothr_options_set_num_input_queues(ioopt,
	    (unsigned)num_queues) != fstrm_res_success ||
	    fstrm_iothr_options_set_queue_model(ioopt,
	    FSTRM_IOTHR_QUEUE_MODEL_SPSC) != fstrm_res_success) {
		log_err("dnstap: cannot set the Frame Streams options");
		goto out;
	}
	fw = fstrm_unix_writer_init(uwopt, fwopt);
	if (!fw) {
		log_err("dnstap: cannot make the writer for %s", path);
		goto out;
	}
	/* The I/O thread owns the writer from here, also on failure. */
	iothr = fstrm_iothr_init(ioopt, &fw);
	if (!iothr) {
		log_err("dnstap: cannot start the Frame Streams I/O thread");
	}
out:
	if (fw) {
		fstrm_writer_destroy(&fw);
	}
	if (ioopt) {
		fstrm_iothr_options_destroy(&ioopt);
	}
	if (fwopt) {
		fstrm_writer_options_destroy(&fwopt);
	}
	if (uwopt) {
		fstrm_unix_writer_options_destroy(&uwopt);
	}
	return iothr;
}

/** The text of a frame's identity: dnstap-identity or the host name. */
static char *
dnstap_identity(const struct config *cfg)
{
	char host[256];

	if (cfg->dnstap_identity && *cfg->dnstap_identity) {
		return strdup(cfg->dnstap_identity);
	}
	if (gethostname(host, sizeof(host)) != 0) {
		host[0] = 0;
	}
	host[sizeof(host) - 1] = 0;
	return strdup(host);
}

struct dnstap_env *
dnstap_env_create(const struct config *cfg, int num_queues)
{
	struct dnstap_env *env;
	int i;

	if (num_queues < 1) {
		return NULL;
	}
	env = calloc(1, sizeof(*env));
	if (!env || !(env->workers = calloc((size_t)num_queues,
	    sizeof(*env->workers)))) {
		free(env);
		log_err("dnstap: out of memory");
		return NULL;
	}
	env->num = num_queues;
	env->kinds = dnstap_kinds(cfg);
	if (cfg->dnstap_send_identity) {
		env->identity = dnstap_identity(cfg);
	}
	if (cfg->dnstap_send_version) {
		env->version = strdup(cfg->dnstap_version &&
		    *cfg->dnstap_version ? cfg->dnstap_version :
		    PACKAGE_STRING);
	}
	if ((cfg->dnstap_send_identity && !env->identity) ||
	    (cfg->dnstap_send_version && !env->version)) {
		log_err("dnstap: out of memory");
		dnstap_env_delete(env);
		return NULL;
	}
	for (i = 0; i < num_queues; i++) {
		if (!(env->workers[i] = calloc(1, sizeof(struct dnstap)))) {
			log_err("dnstap: out of memory");
			dnstap_env_delete(env);
			return NULL;
		}
		env->workers[i]->env = env;
	}
	env->iothr = dnstap_iothr_create(cfg->dnstap_socket_path,
	    num_queues);
	if (!env->iothr) {
		dnstap_env_delete(env);
		return NULL;
	}
	for (i = 0; i < num_queues; i++) {
		env->workers[i]->queue = fstrm_iothr_get_input_queue_idx(
		    env->iothr, (size_t)i);
		if (!env->workers[i]->queue) {
			log_err("dnstap: no input queue %d", i);
			dnstap_env_delete(env);
			return NULL;
		}
	}
	verbose(VERB_OPS, "dnstap: logging to %s", cfg->dnstap_socket_path);
	return env;
}

/** The stop of an I/O thread, shared by the stopping thread and the
 * thread that waits for it; the last of the two frees it. */
struct dnstap_stop {
	/** Protects done and abandoned. */
	pthread_mutex_t lock;
	/** Signalled when done. */
	pthread_cond_t cond;
	/** 1 once fstrm_iothr_destroy() returned. */
	int done;
	/** 1 when the waiter gave up: the stopping thread frees this. */
	int abandoned;
	/** The I/O thread to stop. */
	struct fstrm_iothr *iothr;
};

/** Free a struct dnstap_stop. */
static void
dnstap_stop_free(struct dnstap_stop *st)
{
	pthread_cond_destroy(&st->cond);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

/** Thread: stop the I/O thread (it writes out its queues first). */
static void *
dnstap_stop_thread(void *arg)
{
	struct dnstap_stop *st = arg;
	int abandoned;

	fstrm_iothr_destroy(&st->iothr);
	pthread_mutex_lock(&st->lock);
	st->done = 1;
	abandoned = st->abandoned;
	pthread_cond_signal(&st->cond);
	pthread_mutex_unlock(&st->lock);
	if (abandoned) {
		dnstap_stop_free(st);
	}
	return NULL;
}

/**
 * Stop the I/O thread, waiting DNSTAP_STOP_WAIT seconds at most for it
 * to write what is queued.
 * @param iothr: the I/O thread; it is gone or left behind afterwards.
 */
static void
dnstap_iothr_stop(struct fstrm_iothr *iothr)
{
	struct dnstap_stop *st = calloc(1, sizeof(*st));
	struct timespec until;
	pthread_t thr;
	int done;

	if (!st) {
		/* No memory for the bounded wait: the plain one. */
		fstrm_iothr_destroy(&iothr);
		return;
	}
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->cond, NULL);
	st->iothr = iothr;
	if (pthread_create(&thr, NULL, dnstap_stop_thread, st) != 0) {
		fstrm_iothr_destroy(&st->iothr);
		dnstap_stop_free(st);
		return;
	}
	pthread_detach(thr);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += DNSTAP_STOP_WAIT;
	pthread_mutex_lock(&st->lock);
	while (!st->done && pthread_cond_timedwait(&st->cond, &st->lock,
	    &until) != ETIMEDOUT) {
		/* a wakeup without done: wait on */
	}
	done = st->done;
	st->abandoned = !done;
	pthread_mutex_unlock(&st->lock);
	if (done) {
		dnstap_stop_free(st);
	} else {
		log_warn("dnstap: the reader takes no more frames; the ones "
		    "still queued are lost");
	}
}

void
dnstap_env_delete(struct dnstap_env *env)
{
	int i;

	if (!env) {
		return;
	}
	if (env->iothr) {
		dnstap_iothr_stop(env->iothr);
		env->iothr = NULL;
	}
	for (i = 0; env->workers && i < env->num; i++) {
		free(env->workers[i]);
	}
	free(env->workers);
	free(env->identity);
	free(env->version);
	free(env);
}

struct dnstap *
dnstap_worker(struct dnstap_env *env, int idx, unsigned kinds)
{
	if (!env || idx < 0 || idx >= env->num || !(env->kinds & kinds)) {
		return NULL;
	}
	return env->workers[idx];
}

void
dnstap_env_counts(const struct dnstap_env *env, struct dnstap_counts *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; env && i < env->num; i++) {
		c->sent += env->workers[i]->sent;
		c->dropped += env->workers[i]->dropped;
	}
}

/**
 * Wrap a message in a frame, encode it and queue it on the worker's
 * queue; a frame that cannot be queued is freed and counted.
 * @param dt: the worker's handle.
 * @param m: the message.
 */
static void
dnstap_send(struct dnstap *dt, Dnstap__Message *m)
{
	struct dnstap_env *env = dt->env;
	Dnstap__Dnstap d = DNSTAP__DNSTAP__INIT;
	uint8_t *buf;
	size_t len;

	d.type = DNSTAP__DNSTAP__TYPE__MESSAGE;
	d.message = m;
	if (env->identity) {
		d.identity.data = (uint8_t *)env->identity;
		d.identity.len = strlen(env->identity);
		d.has_identity = 1;
	}
	if (env->version) {
		d.version.data = (uint8_t *)env->version;
		d.version.len = strlen(env->version);
		d.has_version = 1;
	}
	len = dnstap__dnstap__get_packed_size(&d);
	if (!(buf = malloc(len))) {
		dt->dropped++;
		return;
	}
	(void)dnstap__dnstap__pack(&d, buf);
	if (fstrm_iothr_submit(env->iothr, dt->queue, buf, len,
	    fstrm_free_wrapper, NULL) != fstrm_res_success) {
		free(buf);
		dt->dropped++;
		return;
	}
	dt->sent++;
}

/**
 * Put an address into a message: socket family, address and port.
 * @param ss: the address; other families than IPv4 and IPv6 are left
 *	out.
 * @param m: the message.
 * @param is_query: 1 for query_address/port, 0 for response_*.
 */
static void
dnstap_addr(const struct sockaddr_storage *ss, Dnstap__Message *m,
    int is_query)
{
	ProtobufCBinaryData a;
	uint32_t port;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		a.data = (uint8_t *)&s4->sin_addr;
		a.len = sizeof(s4->sin_addr);
		port = ntohs(s4->sin_port);
		m->socket_family = DNSTAP__SOCKET_FAMILY__INET;
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 =
		    (const struct sockaddr_in6 *)ss;

		a.data = (uint8_t *)&s6->sin6_addr;
		a.len = sizeof(s6->sin6_addr);
		port = ntohs(s6->sin6_port);
		m->socket_family = DNSTAP__SOCKET_FAMILY__INET6;
	} else {
		return;
	}
	m->has_socket_family = 1;
	if (is_query) {
		m->query_address = a;
		m->has_query_address = 1;
		m->query_port = port;
		m->has_query_port = 1;
	} else {
		m->response_address = a;
		m->has_response_address = 1;
		m->response_port = port;
		m->has_response_port = 1;
	}
}

/** Set the transport of a message. */
static void
dnstap_proto(Dnstap__Message *m, int is_tcp)
{
	m->socket_protocol = is_tcp ? DNSTAP__SOCKET_PROTOCOL__TCP :
	    DNSTAP__SOCKET_PROTOCOL__UDP;
	m->has_socket_protocol = 1;
}

/** The time now, for a message. */
static void
dnstap_now(uint64_t *sec, uint32_t *nsec)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	*sec = (uint64_t)ts.tv_sec;
	*nsec = (uint32_t)ts.tv_nsec;
}

void
dnstap_client_query(struct dnstap *dt, const struct comm_reply *rep)
{
	Dnstap__Message m = DNSTAP__MESSAGE__INIT;

	m.type = DNSTAP__MESSAGE__TYPE__CLIENT_QUERY;
	dnstap_addr(&rep->addr, &m, 1);
	dnstap_proto(&m, rep->is_tcp);
	dnstap_now(&m.query_time_sec, &m.query_time_nsec);
	m.has_query_time_sec = m.has_query_time_nsec = 1;
	m.query_message.data = (uint8_t *)rep->query;
	m.query_message.len = rep->query_len;
	m.has_query_message = 1;
	dnstap_send(dt, &m);
}

void
dnstap_client_response(struct dnstap *dt, const struct comm_reply *rep,
    const uint8_t *msg, size_t len)
{
	Dnstap__Message m = DNSTAP__MESSAGE__INIT;

	m.type = DNSTAP__MESSAGE__TYPE__CLIENT_RESPONSE;
	dnstap_addr(&rep->addr, &m, 1);
	dnstap_proto(&m, rep->is_tcp);
	dnstap_now(&m.response_time_sec, &m.response_time_nsec);
	m.has_response_time_sec = m.has_response_time_nsec = 1;
	m.response_message.data = (uint8_t *)msg;
	m.response_message.len = len;
	m.has_response_message = 1;
	dnstap_send(dt, &m);
}

void
dnstap_resolver_tap(void *arg, const struct outnet_tap_msg *t)
{
	struct dnstap *dt = arg;
	Dnstap__Message m = DNSTAP__MESSAGE__INIT;

	if (!(dt->env->kinds & (t->is_reply ? DNSTAP_RESOLVER_RESPONSE :
	    DNSTAP_RESOLVER_QUERY))) {
		return;
	}
	dnstap_addr(t->addr, &m, 0);
	dnstap_proto(&m, t->is_tcp);
	if (t->port) {
		m.query_port = t->port;
		m.has_query_port = 1;
	}
	m.query_time_sec = (uint64_t)t->sent.tv_sec;
	m.query_time_nsec = (uint32_t)t->sent.tv_usec * 1000;
	m.has_query_time_sec = m.has_query_time_nsec = 1;
	if (t->is_reply) {
		m.type = DNSTAP__MESSAGE__TYPE__RESOLVER_RESPONSE;
		dnstap_now(&m.response_time_sec, &m.response_time_nsec);
		m.has_response_time_sec = m.has_response_time_nsec = 1;
		m.response_message.data = (uint8_t *)t->pkt;
		m.response_message.len = t->len;
		m.has_response_message = 1;
	} else {
		m.type = DNSTAP__MESSAGE__TYPE__RESOLVER_QUERY;
		m.query_message.data = (uint8_t *)t->pkt;
		m.query_message.len = t->len;
		m.has_query_message = 1;
	}
	dnstap_send(dt, &m);
}

#else /* !USE_DNSTAP */

/* A build without dnstap: dnstap_check_config() refuses dnstap-enable,
 * so none of these is reached with a handle. */

struct dnstap_env *
dnstap_env_create(const struct config *cfg, int num_queues)
{
	(void)cfg;
	(void)num_queues;
	log_err("dnstap: this build has no dnstap");
	return NULL;
}

void
dnstap_env_delete(struct dnstap_env *env)
{
	(void)env;
}

struct dnstap *
dnstap_worker(struct dnstap_env *env, int idx, unsigned kinds)
{
	(void)env;
	(void)idx;
	(void)kinds;
	return NULL;
}

void
dnstap_env_counts(const struct dnstap_env *env, struct dnstap_counts *c)
{
	(void)env;
	memset(c, 0, sizeof(*c));
}

void
dnstap_client_query(struct dnstap *dt, const struct comm_reply *rep)
{
	(void)dt;
	(void)rep;
}

void
dnstap_client_response(struct dnstap *dt, const struct comm_reply *rep,
    const uint8_t *msg, size_t len)
{
	(void)dt;
	(void)rep;
	(void)msg;
	(void)len;
}

void
dnstap_resolver_tap(void *arg, const struct outnet_tap_msg *t)
{
	(void)arg;
	(void)t;
}

#endif /* USE_DNSTAP */

int
dnstap_check_config(const struct config *cfg)
{
	char where[512];

	if (!cfg->dnstap_enable) {
		return RES_OK;
	}
#ifndef USE_DNSTAP
	log_err("%s: dnstap-enable: yes, but this build has no dnstap "
	    "(configure found no libfstrm, libprotobuf-c or protoc-c, or "
	    "was given --disable-dnstap)", config_where(cfg, "dnstap-enable",
	    where, sizeof(where)));
	return RES_ESYNTAX;
#else
	if (!cfg->dnstap_socket_path || !*cfg->dnstap_socket_path) {
		log_err("%s: dnstap-enable: yes needs dnstap-socket-path (the "
		    "Unix socket of the dnstap reader)", config_where(cfg,
		    "dnstap-enable", where, sizeof(where)));
		return RES_ESYNTAX;
	}
	return RES_OK;
#endif /* USE_DNSTAP */
}

/** Two strings equal, NULL as "". */
static int
dnstap_str_equal(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

int
dnstap_config_equal(const struct config *a, const struct config *b)
{
	return a->dnstap_enable == b->dnstap_enable &&
	    dnstap_str_equal(a->dnstap_socket_path, b->dnstap_socket_path) &&
	    a->dnstap_send_identity == b->dnstap_send_identity &&
	    a->dnstap_send_version == b->dnstap_send_version &&
	    dnstap_str_equal(a->dnstap_identity, b->dnstap_identity) &&
	    dnstap_str_equal(a->dnstap_version, b->dnstap_version) &&
	    a->dnstap_log_client_query_messages ==
	    b->dnstap_log_client_query_messages &&
	    a->dnstap_log_client_response_messages ==
	    b->dnstap_log_client_response_messages &&
	    a->dnstap_log_resolver_query_messages ==
	    b->dnstap_log_resolver_query_messages &&
	    a->dnstap_log_resolver_response_messages ==
	    b->dnstap_log_resolver_response_messages;
}
