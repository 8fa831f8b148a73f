/*
 * validator/validator.h - the validator module: DNSSEC (RFC 4033-4035,
 * RFC 5155, RFC 6840) in front of the iterator.
 *
 * For every answer the iterator produces, the validator finds the
 * closest trust anchor, builds the chain of trust down to the zone that
 * signed each RRset (DS and DNSKEY fetched as subqueries with CD set,
 * results kept in the key cache), verifies the RRSIGs, and checks the
 * NSEC/NSEC3 proofs of negative and wildcard answers.  The verdict is
 * secure (AD for clients that ask), insecure (a proven unsigned
 * delegation, an unsupported algorithm or digest, a negative trust
 * anchor, NSEC3 iterations above the limit), indeterminate (no anchor
 * covers the name: treated as insecure) or bogus: SERVFAIL with an
 * Extended DNS Error (RFC 8914) whose text names the zone and the failing
 * record, also logged at val-log-level 2 / verbosity 2.  Bogus answers are
 * cached for val-bogus-ttl.  Clients that set CD get the data unchecked.
 *
 * Work per query is bounded (KeyTrap, CVE-2023-50387 / CVE-2023-50868):
 * signature verifications, key tag collisions tried per signature, and
 * NSEC3 hash computations; past a budget the answer is SERVFAIL with an
 * EDE, and nothing else waits on it.
 */
#ifndef VALIDATOR_VALIDATOR_H
#define VALIDATOR_VALIDATOR_H
#include <stdint.h>

struct module_func_block;

/** The validator's function block. */
struct module_func_block *val_get_funcblock(void);

/**
 * The next hashed owner of an NSEC3 record as a name of its zone (for
 * the NSEC index, neg_next3_func of cache/negcache.h).
 * @param rd, len: the NSEC3 RDATA.
 * @param zone: the zone.
 * @param out: receives the name (DNAME_MAXLEN octets).
 * @return 0, or -1 for a malformed record.
 */
int val_nsec3_next_name(const uint8_t *rd, uint16_t len,
	const uint8_t *zone, uint8_t *out);

#endif /* VALIDATOR_VALIDATOR_H */
