/*
 * iterator/delegpt.h - a delegation point: a zone cut, the names of its
 * name servers and the addresses known for them.
 *
 * Built per query in the query's region, from the cache, from a referral,
 * or from the root hints.  Addresses carry per-query bookkeeping
 * (attempts, lame) used by server selection; what is learnt across
 * queries (RTT, EDNS, lameness) lives in the infra cache instead.
 */
#ifndef ITERATOR_DELEGPT_H
#define ITERATOR_DELEGPT_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct region;

/** A name server of the delegation. */
struct delegpt_ns {
	/** Next name server. */
	struct delegpt_ns *next;
	/** Its name, wire form. */
	uint8_t *name;
	/** Length of name. */
	size_t namelen;
	/** 1 once an A lookup was started (or is not wanted). */
	int tried_a;
	/** 1 once an AAAA lookup was started (or is not wanted). */
	int tried_aaaa;
	/** 1 when its addresses came from the cache (they may have moved
	 * within their TTL). */
	int cached_addrs;
	/** 1 once its addresses were looked up afresh, past the cache. */
	int refetched;
};

/** An address to send queries to. */
struct delegpt_addr {
	/** Next address. */
	struct delegpt_addr *next;
	/** The address, port 53. */
	struct sockaddr_storage addr;
	/** Its length. */
	socklen_t addrlen;
	/** Queries sent to it for this query. */
	int attempts;
	/** 1 when it gave a lame or broken answer for this query. */
	int lame;
	/** 1 when it answered FORMERR to EDNS, or is probed without
	 * EDNS after lost EDNS queries. */
	int no_edns;
	/** 1 while a query without EDNS probes it after lost EDNS
	 * queries. */
	int edns_probe;
	/** 1 while a query to it is in flight. */
	int inflight;
	/** 1 when asked although the infra cache has it lame for the zone
	 * (no other server was left); a good reply clears that. */
	int infra_lame;
};

/** A delegation point. */
struct delegpt {
	/** Zone name, wire form. */
	uint8_t *name;
	/** Its length. */
	size_t namelen;
	/** Name servers. */
	struct delegpt_ns *ns;
	/** Addresses. */
	struct delegpt_addr *addrs;
	/** 1 when made from the root hints. */
	int from_hints;
	/** Name server names whose addresses were looked up for it. */
	int targets;
};

/**
 * Create an empty delegation point for a zone.
 * @return it, or NULL when out of memory.
 */
struct delegpt *delegpt_create(struct region *r, const uint8_t *zone);

/**
 * Add a name server name (duplicates ignored).
 * @return 0 or RES_ENOMEM.
 */
int delegpt_add_ns(struct delegpt *dp, struct region *r, const uint8_t *name);

/** Find a name server by name, or NULL. */
struct delegpt_ns *delegpt_find_ns(const struct delegpt *dp,
	const uint8_t *name);

/**
 * Add an address (duplicates ignored).
 * @return 0 or RES_ENOMEM.
 */
int delegpt_add_addr(struct delegpt *dp, struct region *r,
	const struct sockaddr_storage *addr, socklen_t addrlen);

/**
 * Add an address from A or AAAA RDATA, port 53.
 * @param type: 1 (A, 4 octets) or 28 (AAAA, 16 octets).
 * @return 0, RES_EINVAL (wrong length), RES_ENOMEM.
 */
int delegpt_add_rdata(struct delegpt *dp, struct region *r, uint16_t type,
	const uint8_t *rd, size_t len);

/** Number of addresses. */
size_t delegpt_count_addrs(const struct delegpt *dp);

/** 1 if the address is 127.0.0.0/8 or ::1 (do-not-query-localhost). */
int delegpt_addr_is_localhost(const struct sockaddr_storage *addr);

#endif /* ITERATOR_DELEGPT_H */
