/*
 * daemon/dnstap.h - dnstap query logs: the messages a worker receives
 * and sends, as dnstap frames (https://dnstap.info) on a Frame Streams
 * Unix socket.
 *
 * The daemon creates one struct dnstap_env when dnstap-enable is yes:
 * the I/O thread of libfstrm (fstrm_iothr) that owns the socket and
 * writes the frames, with one input queue per worker thread.  A worker
 * takes its own struct dnstap (dnstap_worker()) and hands it messages:
 * each is encoded (protobuf-c, daemon/dnstap.proto) into a buffer of its
 * own and put on the worker's queue.  Nothing here blocks or locks: a
 * full queue (a reader that is slow, stopped, or gone while frames pile
 * up) drops the frame and counts it; the I/O thread reconnects to the
 * socket by itself.
 *
 * Usage:
 *	env = dnstap_env_create(cfg, num_workers);	(after daemonizing)
 *	w->dt_query = dnstap_worker(env, i, DNSTAP_CLIENT_QUERY);
 *	...	if (w->dt_query) dnstap_client_query(w->dt_query, rep);
 *	(stop the workers)
 *	dnstap_env_delete(env);		(writes out what is queued)
 * dnstap_worker() returns NULL when the kinds asked for are not logged,
 * so a hook costs one branch when its messages are off.
 *
 * The settings are read once, at dnstap_env_create(): a reload keeps
 * them (daemon_reload() warns when they changed).  A build without
 * libfstrm and protobuf-c (configure --disable-dnstap) has the same
 * functions; dnstap_check_config() then refuses dnstap-enable: yes.
 */
#ifndef DAEMON_DNSTAP_H
#define DAEMON_DNSTAP_H
#include <stddef.h>
#include <stdint.h>

struct config;
struct comm_reply;
struct outnet_tap_msg;
struct dnstap_env;
struct dnstap;

/** The kinds of messages, one bit each (dnstap-log-*-messages). */
#define DNSTAP_CLIENT_QUERY	0x1	/**< CLIENT_QUERY */
#define DNSTAP_CLIENT_RESPONSE	0x2	/**< CLIENT_RESPONSE */
#define DNSTAP_RESOLVER_QUERY	0x4	/**< RESOLVER_QUERY */
#define DNSTAP_RESOLVER_RESPONSE 0x8	/**< RESOLVER_RESPONSE */

/** The counters of all workers together. */
struct dnstap_counts {
	/** Frames put on a queue for the I/O thread. */
	uint64_t sent;
	/** Frames dropped: the queue was full, or out of memory. */
	uint64_t dropped;
};

/**
 * Check the dnstap: clause, for daemon_setup_build(): dnstap-enable
 * needs dnstap-socket-path, and a build without dnstap refuses it.
 * @param cfg: the config.
 * @return 0, or RES_ESYNTAX with the errors logged (file:line).
 */
int dnstap_check_config(const struct config *cfg);

/**
 * Do two configs have the same dnstap settings?  (A reload cannot
 * change them.)
 * @return 1 or 0.
 */
int dnstap_config_equal(const struct config *a, const struct config *b);

/**
 * Start dnstap for a config with dnstap-enable: the I/O thread, which
 * connects to dnstap-socket-path (now and, while it cannot, again every
 * few seconds).  Call after the daemon has forked: the thread does not
 * survive a fork.
 * @param cfg: the config; what is needed is copied.
 * @param num_queues: the number of worker threads (one queue each).
 * @return the environment, or NULL (logged): out of memory, or a build
 *	without dnstap.
 */
struct dnstap_env *dnstap_env_create(const struct config *cfg,
	int num_queues);

/**
 * Stop dnstap: the I/O thread writes what is queued (while the reader
 * takes it) and ends.  Every worker must have stopped.  NULL ok.
 */
void dnstap_env_delete(struct dnstap_env *env);

/**
 * The handle of one worker, to log kinds of messages.
 * @param env: the environment, or NULL.
 * @param idx: the worker's number, 0..num_queues-1.
 * @param kinds: DNSTAP_* bits.
 * @return the worker's handle (owned by env) when any of the kinds is
 *	logged, else NULL.
 */
struct dnstap *dnstap_worker(struct dnstap_env *env, int idx,
	unsigned kinds);

/**
 * Log a query received from a client (CLIENT_QUERY), on the worker's
 * thread.
 * @param dt: the worker's handle.
 * @param rep: the query as received.
 */
void dnstap_client_query(struct dnstap *dt, const struct comm_reply *rep);

/**
 * Log a reply sent to a client (CLIENT_RESPONSE), on the worker's
 * thread.
 * @param dt: the worker's handle.
 * @param rep: the client (its query pointers are not read: a later
 *	reply has none).
 * @param msg: the reply.
 * @param len: its length.
 */
void dnstap_client_response(struct dnstap *dt, const struct comm_reply *rep,
	const uint8_t *msg, size_t len);

/**
 * The tap of the outside network (outnet_set_tap()): RESOLVER_QUERY and
 * RESOLVER_RESPONSE, as configured.
 * @param arg: the worker's struct dnstap.
 * @param m: the message on the wire.
 */
void dnstap_resolver_tap(void *arg, const struct outnet_tap_msg *m);

/**
 * Sum the counters of the workers (for stats; read without locks, as
 * the workers' own counters).
 * @param env: the environment, or NULL (all 0).
 * @param c: receives the sums.
 */
void dnstap_env_counts(const struct dnstap_env *env,
	struct dnstap_counts *c);

#endif /* DAEMON_DNSTAP_H */
