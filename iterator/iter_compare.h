/*
 * iterator/iter_compare.h - query-compare: do the replies of two servers
 * of a zone say the same thing?
 *
 * With query-compare on, the iterator asks one question of two servers
 * of the zone (different addresses) and uses the reply only when they
 * agree; when they do not, a third server is asked over TCP and the
 * reply two of the three give is used (iterator/iterator.c).  An
 * off-path forger then has to win two races against two servers, with
 * the same forged data, instead of one.
 *
 * Two scrubbed replies (iter_scrub()) agree when, with TTLs, the order
 * of RRs and RRsets, letter case and RRSIGs left out:
 *  - their rcodes are the same;
 *  - their answer sections hold the same RRsets (owner, type, class and
 *    the same set of RDATA), except that two A (or AAAA) RRsets that
 *    differ agree when every address of both lies in one /24 (IPv4) or
 *    /48 (IPv6): the pool rule, for load balancers that answer with a
 *    different member of the same address pool per server (counted
 *    apart, see enum iter_cmp_result);
 *  - with empty answer sections (a referral or a negative answer): the
 *    NS RRsets of their authority sections are the same, their DS
 *    RRsets are the same (or absent from both), the owners of their SOA
 *    RRsets are the same (the SOA's data is not compared: two servers in
 *    the middle of a zone update differ in the serial, and the client
 *    gets the same NXDOMAIN or NODATA either way), and the glue both
 *    give for a name server name is the same (pool rule included); glue
 *    that only one of them gives is not held against it (servers leave
 *    glue out for room).
 * What is not compared cannot change the answer or the delegation: an NS
 * RRset in the authority section of an answer is ranked below what is
 * cached and never used as a delegation (iter_trust()), and NSEC/NSEC3
 * records are for the validator, which checks them.
 */
#ifndef ITERATOR_ITER_COMPARE_H
#define ITERATOR_ITER_COMPARE_H
#include <stddef.h>

struct reply;

/** What iter_compare_replies() found. */
enum iter_cmp_result {
	/** The same answer. */
	ITER_CMP_SAME = 0,
	/** The same but for addresses within one pool (/24, /48). */
	ITER_CMP_POOL = 1,
	/** Different. */
	ITER_CMP_DIFFERENT = 2
};

/**
 * Compare two scrubbed replies to the same question.
 * @param a, b: the replies.
 * @param why: receives, for ITER_CMP_DIFFERENT, the first difference
 *	found ("answer: www.example.com. A differs"); may be NULL.
 * @param whylen: its size.
 * @return an enum iter_cmp_result.
 */
int iter_compare_replies(const struct reply *a, const struct reply *b,
	char *why, size_t whylen);

#endif /* ITERATOR_ITER_COMPARE_H */
