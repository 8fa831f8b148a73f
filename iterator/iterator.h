/*
 * iterator/iterator.h - the iterator module: resolution from the root
 * (RFC 1034 section 5.3.3).
 *
 * For a query it looks in the cache, finds the closest known delegation
 * (cache, else the primed root hints), picks a server by smoothed RTT from
 * the infra cache, sends the question, scrubs the reply (question echo,
 * bailiwick), and classifies it: answer, CNAME to chase, referral to
 * follow, negative answer, or a lame/broken server to skip.  A UDP query
 * still unanswered after the server's RTO gets company: a second server
 * of the zone is asked while the first stays in flight, and the first
 * reply that moves the query on wins.  Name server addresses missing from
 * glue and cache are resolved as subqueries, a few at a time
 * (NXNSAttack).  TC=1 leads to a TCP retry, FORMERR to a retry without
 * EDNS, a 0x20 mismatch to a retry without 0x20.  Everything learnt goes
 * to the caches with its RFC 2181 trust rank.
 *
 * QNAME minimisation (RFC 9156) asks for one label more than the zone at
 * a time: a referral is followed, a name that exists lets the next query
 * add a label, and anything else (NXDOMAIN, a CNAME, an error) turns it
 * off for the query and the full name is asked (with
 * qname-minimisation-strict an NXDOMAIN is final, RFC 8020).  Forwarders,
 * DS queries and priming get the full name.  A DNAME that comes without
 * the CNAME the server should have synthesized gets that CNAME
 * synthesized here (RFC 6672 section 3.2).  A forward-zone sends its
 * queries with RD to the forwarders and takes their answers as final; a
 * stub-zone asks the listed authoritative servers instead of those found
 * by recursion; forward-first and stub-first fall back to recursion.
 *
 * Limits bound the work per query: upstream queries sent, referrals,
 * CNAME chain length, an overall deadline, and the upstream budget a
 * client query shares with its subqueries (util/module.h); the mesh
 * bounds the subquery depth.
 *
 * Not yet: the dual-server comparison (one question asked of two servers
 * of the zone, the answers compared).
 */
#ifndef ITERATOR_ITERATOR_H
#define ITERATOR_ITERATOR_H

struct module_func_block;

/** The iterator's function block. */
struct module_func_block *iter_get_funcblock(void);

#endif /* ITERATOR_ITERATOR_H */
