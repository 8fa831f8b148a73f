/*
 * cache/cachedb.h - the cachedb module: a cache shared by a fleet of
 * resolute instances, in Redis or Redis Cluster (cache/redis.h).
 *
 * Place: "validator cachedb iterator" (module-config), as in Unbound.
 * Order of lookups: the local caches (the worker's fast path and the
 * iterator), then Redis, then recursion:
 *	- a query state that reaches the module sends GET for its key and
 *	  waits (MODULE_WAIT_REPLY) at most redis-timeout; the worker serves
 *	  other queries meanwhile;
 *	- a hit: the answer goes into the local caches, unvalidated, and up
 *	  to the validator, which checks it as it checks an answer from the
 *	  network (its RRSIGs are stored with it);
 *	- a miss, an error, no reply in time: on to the iterator; when the
 *	  whole chain is done (finished()), the final answer is stored with
 *	  SET ... EX <its TTL>, without waiting.  Only NOERROR and NXDOMAIN
 *	  answers, never one with bogus data: the validator's verdict is in
 *	  by then.
 * Traces (no_cache) skip the module; refreshes and restarts after a bogus
 * answer (no_answer_cache) skip the lookup but store what they resolve.
 *
 * Never trusted: a value read from Redis is data from the network.  Its
 * RRsets come back with the status "unchecked" whatever the writer
 * thought, and at most the trust of an authoritative answer, so the
 * validator decides again; an answer that no longer validates is bogus,
 * and the validator's restart resolves it afresh past Redis.
 *
 * Keys: "rs1:" and 32 hex digits: two SipHash-2-4 values of (lower-case
 * qname, qtype, qclass, CD) under keys derived from secret-seed (SHA-256),
 * so deployments sharing a Redis do not read each other's entries.
 *
 * Values (version 1), all numbers big-endian:
 *	0	2	magic "RS"
 *	2	1	version (1)
 *	3	1	status of the answer when stored (enum rrset_sec),
 *			for people reading Redis; ignored when read
 *	4	8	time stored (POSIX seconds)
 *	12	4	TTL when stored (seconds); expired after
 *	16	2	number of RRsets N
 *	18	N	trust of each RRset (enum rrset_trust), in message order
 *	18+N	4	length L of the message
 *	22+N	L	the answer as a DNS message (question, sections, RRSIGs,
 *			TTLs as stored)
 * A value of another magic or version, with lengths that do not add up,
 * a message that does not parse, another question or another number of
 * RRsets is ignored and counted (cachedb_bad_values), never used.
 */
#ifndef CACHE_CACHEDB_H
#define CACHE_CACHEDB_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct config;
struct dns_msg;
struct module_func_block;
struct msg_rr;
struct query_info;
struct region;
struct reply;

/** Version of the value format. */
#define CACHEDB_VERSION 1
/** Length of a key: "rs1:" and 32 hex digits. */
#define CACHEDB_KEY_LEN 36
/** Octets of a value before the trust list. */
#define CACHEDB_HEAD_LEN 18

/**
 * The module, or NULL in a build without Redis.
 */
struct module_func_block *cachedb_get_funcblock(void);

/**
 * Check the cachedb: clause against the chain (the daemon and
 * resolute-checkconf both run this): backend, addresses, options that
 * go together.  Errors are logged with file and line.
 * @param in_chain: 1 when module-config has cachedb.
 * @return 0 or RES_ESYNTAX.
 */
int cachedb_check_config(const struct config *cfg, int in_chain);

/**
 * The two SipHash keys of a secret-seed.
 * @param seed: the secret-seed text.
 * @param out: 32 octets.
 */
void cachedb_seed_keys(const char *seed, uint8_t out[32]);

/**
 * The Redis key of a question.
 * @param keys: from cachedb_seed_keys().
 * @param qi: the question (any case).
 * @param qflags: the query flags; only CD counts.
 * @param out: CACHEDB_KEY_LEN + 1 octets (NUL-terminated).
 */
void cachedb_key(const uint8_t keys[32], const struct query_info *qi,
	uint16_t qflags, char *out);

/**
 * Encode an answer as a value.
 * @param qi: its question.
 * @param rep: the answer.
 * @param now: the time.
 * @param ttl: its TTL.
 * @param buf, cap: where it goes.
 * @return its length, 0 when it does not fit (or cannot be written).
 */
size_t cachedb_encode(const struct query_info *qi, const struct reply *rep,
	time_t now, uint32_t ttl, uint8_t *buf, size_t cap);

/**
 * Decode a value for a question.
 * @param r: region for the answer.
 * @param val, len: the value.
 * @param qi: the question it must answer.
 * @param now: the time; TTLs are lowered by the value's age.
 * @param m: scratch message view; room: MSG_MAX_RR_ANY entries.
 * @param out: receives the answer (RRsets unchecked).
 * @return 0; RES_ENOTFOUND when it expired; RES_EMALFORMED for a value
 *	that is not ours to use; RES_ENOMEM.
 */
int cachedb_decode(struct region *r, const uint8_t *val, size_t len,
	const struct query_info *qi, time_t now, struct dns_msg *m,
	struct msg_rr *room, struct reply **out);

#endif /* CACHE_CACHEDB_H */
