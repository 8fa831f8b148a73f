/*
 * iterator/iterator.h - the iterator module: resolution from the root
 * (RFC 1034 section 5.3.3).
 *
 * For a query it looks in the cache, finds the closest known delegation
 * (cache, else the primed root hints), picks a server by smoothed RTT from
 * the infra cache, sends the question, scrubs the reply (question echo,
 * bailiwick), and classifies it: answer, CNAME to chase, referral to
 * follow, negative answer, or a lame/broken server to skip.  Name server
 * addresses missing from glue and cache are resolved as subqueries.
 * TC=1 leads to a TCP retry, FORMERR to a retry without EDNS, a 0x20
 * mismatch to a retry without 0x20.  Everything learnt goes to the
 * caches with its RFC 2181 trust rank.  Limits bound the work per query:
 * upstream queries sent, referrals, CNAME chain length, subquery depth,
 * and an overall deadline.
 *
 * Not yet: QNAME minimisation (RFC 9156), forward-zone/stub-zone, DNAME
 * synthesis when a server omits the CNAME, the dual-server comparison.
 */
#ifndef ITERATOR_ITERATOR_H
#define ITERATOR_ITERATOR_H

struct module_func_block;

/** The iterator's function block. */
struct module_func_block *iter_get_funcblock(void);

#endif /* ITERATOR_ITERATOR_H */
