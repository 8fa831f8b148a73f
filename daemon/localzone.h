/*
 * daemon/localzone.h - local zones and local data: answers the server
 * gives from its own configuration, without recursion.
 *
 * unbound.conf's "local-zone: NAME TYPE" and "local-data: RR" with the
 * same meaning of each type:
 *	static		local data, else NXDOMAIN / NODATA (with the zone's
 *			SOA when it has one);
 *	transparent	local data, else resolve normally (a name with
 *			local data but not of the asked type gets NODATA);
 *	typetransparent	local data of the asked type, else resolve;
 *	redirect	the zone apex's data answers for every name below;
 *	refuse / deny	local data, else REFUSED / dropped;
 *	always_nxdomain, always_refuse: regardless of local data;
 *	always_transparent: always resolve;
 *	inform		as transparent, and the query is logged;
 *	nodefault / noview: removes a built-in default zone of that name.
 * Local data without an enclosing local-zone creates a transparent zone
 * at its own name.  The built-in defaults are the zones of RFC 6761
 * (localhost, test, invalid), RFC 7686 (onion), RFC 8375 (home.arpa)
 * and RFC 6303 (the reverse zones of private, loopback, link-local and
 * documentation addresses); each is static with an SOA and NS, and is
 * left out when the config names a local-zone of the same name.
 *
 * The structure is built once per (re)load and read by all workers with
 * no locks.  Lookups walk the query name's ancestors with one hash probe
 * each (closest enclosing zone), then one probe for the exact name.
 */
#ifndef DAEMON_LOCALZONE_H
#define DAEMON_LOCALZONE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct answer_opts;
struct answer_to;
struct config;
struct dns_msg;

/** Local zone types, as in unbound.conf. */
enum local_zone_type {
	LOCAL_ZONE_STATIC = 0,
	LOCAL_ZONE_TRANSPARENT,
	LOCAL_ZONE_TYPETRANSPARENT,
	LOCAL_ZONE_REDIRECT,
	LOCAL_ZONE_REFUSE,
	LOCAL_ZONE_DENY,
	LOCAL_ZONE_ALWAYS_NXDOMAIN,
	LOCAL_ZONE_ALWAYS_REFUSE,
	LOCAL_ZONE_ALWAYS_TRANSPARENT,
	LOCAL_ZONE_INFORM,
	LOCAL_ZONE_NODEFAULT,
	LOCAL_ZONE_NOVIEW
};

/** What local_zones_answer() decided. */
enum local_result {
	/** Not a local answer: go on (cache, recursion). */
	LOCAL_RESULT_NONE = 0,
	/** A reply was written. */
	LOCAL_RESULT_ANSWER,
	/** Drop the query. */
	LOCAL_RESULT_DROP
};

struct local_zones;

/** Create an empty set of local zones.  NULL when out of memory. */
struct local_zones *local_zones_create(void);

/** Delete.  NULL ok. */
void local_zones_delete(struct local_zones *lz);

/**
 * Load local-zone:, local-data: and local-data-ptr: of a config, then
 * the built-in default zones.
 * @return 0, or RES_ESYNTAX after logging "file:line: ..." for each bad
 *	entry, RES_ENOMEM.
 */
int local_zones_apply_config(struct local_zones *lz, const struct config *cfg);

/**
 * Add a zone.
 * @param name: presentation name.
 * @param type: its type.
 * @return 0, RES_ESYNTAX (bad name), RES_EEXIST (zone already there),
 *	RES_ENOMEM.
 */
int local_zones_add_zone(struct local_zones *lz, const char *name,
	enum local_zone_type type);

/**
 * Add one RR of local data, given in presentation format.
 * @return 0, RES_ESYNTAX (does not parse), RES_ENOMEM.
 */
int local_zones_add_data(struct local_zones *lz, const char *rr);

/**
 * Remove all local data of a name (resolute-control local_data_remove).
 * A name left with nothing at or below it that is not a zone apex goes
 * from the table, and so do the empty non-terminals above it that held
 * only it, so it answers as absent (NXDOMAIN in a static zone).  Zones
 * stay.  Not thread-safe: the workers must be paused.
 * @param lz: the zones.
 * @param name: a checked wire-format name (any case).
 * @return 0, RES_ENOTFOUND when the name has no data, RES_EINVAL for
 *	NULL arguments.
 */
int local_zones_remove_data(struct local_zones *lz, const uint8_t *name);

/**
 * Answer a query from local zones.
 * @param lz: the zones.
 * @param q: the parsed query (have_question set, qdcount 1).
 * @param to: the client (util/answer.h: its limit, EDNS, flags).
 * @param ao: the server's side of a reply.
 * @param buf: reply buffer.
 * @param cap: its capacity.
 * @param len: receives the reply length when an answer was written.
 * @return an enum local_result.
 */
enum local_result local_zones_answer(const struct local_zones *lz,
	const struct dns_msg *q, const struct answer_to *to,
	const struct answer_opts *ao, uint8_t *buf, size_t cap, size_t *len);

/**
 * Parse a zone type keyword.
 * @return 0 or RES_ESYNTAX.
 */
int local_zone_type_from_str(const char *s, enum local_zone_type *type);

/** The keyword of a zone type. */
const char *local_zone_type_to_str(enum local_zone_type type);

/** Print every zone as "name type" lines (list_local_zones). */
void local_zones_print(const struct local_zones *lz, FILE *out);

#endif /* DAEMON_LOCALZONE_H */
