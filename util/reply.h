/*
 * util/reply.h - a DNS reply as RRsets: what the resolver modules work on.
 *
 * An upstream reply is parsed (util/msg.h) and then grouped here into
 * RRsets per section: RRs of the same owner (ignoring case), type and
 * class in one section form one RRset, and each RRSIG is attached to the
 * RRset of its owner and covered type in the same section (RFC 4035
 * section 3.1.1 puts them together).  All RDATA is decompressed (names
 * inside RDATA stand alone) and copied into the query's region, so a
 * struct reply outlives the packet.  RRsets are also what the cache
 * stores and what replies to clients are encoded from.
 */
#ifndef UTIL_REPLY_H
#define UTIL_REPLY_H
#include <stddef.h>
#include <stdint.h>
#include "util/dnsdef.h"

struct region;
struct dns_msg;
struct msg_writer;

/** One RRset of a reply. */
struct reply_rrset {
	/** Owner name, uncompressed wire form (region memory). */
	const uint8_t *owner;
	/** Type and class. */
	uint16_t type, rclass;
	/** TTL: the smallest TTL of its RRs (RFC 2181 section 5.2). */
	uint32_t ttl;
	/** Number of RRs. */
	size_t count;
	/** Number of RRSIGs covering it. */
	size_t sigcount;
	/** RDATA of the RRs then the RRSIGs: count + sigcount entries. */
	const uint8_t **rd;
	/** Their lengths. */
	uint16_t *rdlen;
	/** Section: 0 answer, 1 authority, 2 additional. */
	int section;
	/** Trust (enum rrset_trust of cache/rrset.h). */
	uint8_t trust;
	/** Validation status (enum rrset_sec of cache/rrset.h). */
	uint8_t security;
	/** For bogus data: the EDE code (RFC 8914) and reason (region
	 * memory), kept with the RRset in the cache; 0 / NULL otherwise. */
	int ede;
	/** The reason text, or NULL. */
	const char *reason;
};

/** A reply. */
struct reply {
	/** Header flags (QR, AA, TC, RD, RA, AD, CD). */
	uint16_t flags;
	/** Rcode (extended with EDNS). */
	uint16_t rcode;
	/** RRsets per section. */
	size_t an, ns, ar;
	/** The RRsets: an, then ns, then ar of them. */
	struct reply_rrset **rrsets;
	/** Validation status of the whole reply (enum rrset_sec). */
	uint8_t security;
	/** EDE info code to send (RFC 8914), or -1 for none. */
	int ede;
	/** EDE text, or NULL. */
	const char *ede_text;
};

/**
 * Group a parsed message into RRsets.  The OPT record is left out.
 * @param r: region for everything allocated.
 * @param m: a view filled by msg_parse() (have_rrs set).
 * @param out: receives the reply.
 * @return 0, RES_EMALFORMED (RDATA that fails its type's layout),
 *	RES_ENOMEM.
 */
int reply_from_msg(struct region *r, const struct dns_msg *m,
	struct reply **out);

/**
 * Create an empty reply with room for max RRsets.
 * @return the reply or NULL (out of memory).
 */
struct reply *reply_create(struct region *r, size_t max);

/**
 * Deep copy of a reply (RRsets and RDATA) into a region, for a reply that
 * must outlive the query whose region holds it.
 * @return the copy or NULL (out of memory).
 */
struct reply *reply_copy(struct region *r, const struct reply *rep);

/**
 * Append an RRset to a section of a reply made by reply_create() (the
 * sections must be filled in order).  The RRset is not copied.
 * @return 0 or RES_ESPACE.
 */
int reply_add(struct reply *rep, size_t max, struct reply_rrset *s,
	int section);

/** The RRset of a section matching owner/type/class, or NULL. */
struct reply_rrset *reply_find(const struct reply *rep, int section,
	const uint8_t *owner, uint16_t type, uint16_t rclass);

/**
 * Write a reply's RRsets into a writer: each section in turn, RRSIGs
 * included when with_sigs (the client set DO), TTLs lowered by age.
 * RRsets are added with the truncation rule of msg_writer_rrset().
 * @param w: a writer with header, question and EDNS already written.
 * @param rep: the reply.
 * @param with_sigs: include RRSIGs.
 * @param age: seconds to subtract from every TTL (0 for fresh data).
 * @return 0 or a writer error.
 */
int reply_write(struct msg_writer *w, const struct reply *rep, int with_sigs,
	uint32_t age);

/**
 * Write one RRset (and optionally its RRSIGs, as one group that is added
 * or rolled back whole).
 * @return 0, RES_ESPACE (left out; TC set if needed), RES_EINVAL.
 */
int reply_write_rrset(struct msg_writer *w, int section, const uint8_t *owner,
	uint16_t type, uint16_t rclass, uint32_t ttl, const uint8_t **rd,
	const uint16_t *rdlen, size_t count, size_t sigcount, int with_sigs,
	int needed);

#endif /* UTIL_REPLY_H */
