/*
 * cache/redis.h - a non-blocking Redis client for the shared cache: one
 * Redis server or a Redis Cluster, on hiredis's asynchronous API and the
 * worker's libevent base.
 *
 * One client per worker thread (a client is used by one thread only).
 * redis_get() sends GET and returns at once; its callback runs later from
 * the event loop, exactly once: with the value, with "no such key", or
 * with an error (connection down, an error reply, too many redirections).
 * redis_set() sends SET and forgets it.  Nothing ever waits: a command
 * for a server that is not connected fails at once, so the caller goes on
 * without Redis.
 *
 * Connections.  A server is connected at start; it is "up" once it
 * answered PING (after AUTH and SELECT when configured).  A connection
 * that fails, or a server that leaves a command unanswered for hang_ms,
 * is dropped (its pending commands fail) and connected again after a
 * backoff that doubles from REDIS_BACKOFF_MIN_MS to REDIS_BACKOFF_MAX_MS.
 * One log line per change of state (down, up), never one per command.
 *
 * Cluster (Redis Cluster specification, "Redis cluster specification" in
 * the Redis documentation).  The seed nodes are connected and asked
 * CLUSTER SLOTS; each key goes to the master of its slot (CRC16 of the
 * key, or of its {hash tag}, modulo 16384).  MOVED sends the command to
 * the node named and refreshes the map; ASK sends ASKING and the command
 * to the node named, once, without changing the map.  At most
 * REDIS_MAX_REDIRECTS redirections per command.  The map is refreshed
 * every REDIS_MAP_REFRESH_MS, and sooner when a node goes down (a master
 * replaced by its replica after a failover).
 */
#ifndef CACHE_REDIS_H
#define CACHE_REDIS_H
#include <stddef.h>
#include <stdint.h>

struct comm_base;
struct redis_client;

/** Most seed nodes (redis-server-host lines). */
#define REDIS_MAX_SEEDS 16
/** Backoff before connecting again after a failure, doubling. */
#define REDIS_BACKOFF_MIN_MS 100
/** Its upper bound. */
#define REDIS_BACKOFF_MAX_MS 4000
/** Redirections (MOVED, ASK) one command may follow. */
#define REDIS_MAX_REDIRECTS 3
/** Cluster slot map refresh interval. */
#define REDIS_MAP_REFRESH_MS 10000
/** Slots of a Redis Cluster. */
#define REDIS_SLOTS 16384

/** Results of a GET. */
enum redis_result {
	/** A reply: the value, or NULL for no such key. */
	REDIS_R_OK = 0,
	/** No reply: not connected, connection lost, an error reply, too
	 * many redirections. */
	REDIS_R_ERROR = 1
};

/**
 * The callback of a GET.
 * @param arg: as given to redis_get().
 * @param result: an enum redis_result.
 * @param val: the value (REDIS_R_OK and the key exists), else NULL;
 *	valid during the call only.
 * @param len: its length.
 */
typedef void (*redis_get_cb)(void *arg, int result, const uint8_t *val,
	size_t len);

/** Where Redis is and how to talk to it. */
struct redis_settings {
	/** Seed nodes (one for a single server): numeric address and
	 * port. */
	char host[REDIS_MAX_SEEDS][64];
	/** Their ports. */
	int port[REDIS_MAX_SEEDS];
	/** How many (at least 1 unless path is set). */
	int nhosts;
	/** Unix socket of a single server, or NULL (then host[0]). */
	const char *path;
	/** AUTH password, or NULL. */
	const char *password;
	/** SELECT this database when not 0 (not with cluster). */
	int logical_db;
	/** 1 for Redis Cluster. */
	int cluster;
	/** Milliseconds a connection may take to come up, and a command
	 * may stay unanswered before its connection counts as hung. */
	int hang_ms;
	/** Name for log lines ("thread 0"). */
	const char *name;
	/** Counters bumped (may be NULL): MOVED and ASK redirections
	 * followed, cluster slot maps read. */
	uint64_t *moved, *ask, *map_reads;
};

/**
 * Create a client and start connecting (nothing blocks).
 * @param base: the worker's event base.
 * @param s: the settings; copied.
 * @return the client or NULL (out of memory, logged).
 */
struct redis_client *redis_client_create(struct comm_base *base,
	const struct redis_settings *s);

/**
 * Delete a client: every pending GET's callback runs with REDIS_R_ERROR
 * first.  NULL is ok.
 */
void redis_client_delete(struct redis_client *c);

/**
 * Send GET key.
 * @return 0 when sent: the callback follows, once, from the event loop;
 *	else RES_ESYSTEM (no connection up for the key) or RES_ENOMEM: no
 *	callback.
 */
int redis_get(struct redis_client *c, const uint8_t *key, size_t klen,
	redis_get_cb cb, void *arg);

/**
 * Send SET key value [EX ttl], without waiting for the reply.
 * @param ttl: seconds until Redis drops the key; 0 for never.
 * @return 0 when sent, else RES_ESYSTEM or RES_ENOMEM.
 */
int redis_set(struct redis_client *c, const uint8_t *key, size_t klen,
	const uint8_t *val, size_t vlen, uint32_t ttl);

/**
 * The cluster slot of a key: CRC16 (XMODEM) of the key, or of the part
 * between the first '{' and the next '}' when that part is not empty,
 * modulo 16384.
 */
unsigned redis_key_slot(const uint8_t *key, size_t len);

#endif /* CACHE_REDIS_H */
