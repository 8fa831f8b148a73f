/*
 * util/answer.h - the one answer encoder: every reply a client gets goes
 * through here, so the rules of a reply are written once.
 *
 * A reply is made for a struct answer_to (what the client asked and how:
 * its ID, flags, question as it wrote it, EDNS, DO, size limit) with the
 * server's struct answer_opts (our EDNS payload size, whether EDE
 * options are sent).  The rules kept here:
 *	- the header: QR and RA set (a recursive server), opcode, RD and CD
 *	  echoed (RFC 1035 section 4.1.1, RFC 6840 section 5.9), AA only for
 *	  the server's own data (local zones, CHAOS), and AD by
 *	  answer_flags(): for data validated as secure, to a client that
 *	  asked with DO or AD and did not set CD (RFC 4035 section 3.2.3,
 *	  RFC 6840 sections 5.7 and 5.8);
 *	- the question echoed with the client's letter case (RFC 1035
 *	  section 7.3, and what 0x20 clients check);
 *	- an OPT record only to a client that sent one (RFC 6891 section 7),
 *	  with our payload size and DO echoed (RFC 3225 section 3), and an
 *	  Extended DNS Error (RFC 8914) when there is one and ede is on;
 *	- which RRsets a client without DO gets (answer_keeps_rrset(): no
 *	  RRSIG, NSEC or NSEC3 RRset outside the answer section, RFC 4035
 *	  section 3.2.1);
 *	- truncation at the client's limit (RFC 2181 section 9, in the
 *	  writer of util/msg.h).
 * The four kinds of reply: answer_reply() for a struct reply (the mesh),
 * answer_wire() for the encoded sections the message cache keeps (the
 * cache-hit fast path), answer_begin()/answer_finish() around the RRsets
 * a caller writes itself (local zones, CHAOS), answer_error() for an
 * error, also to a query that did not parse whole.
 */
#ifndef UTIL_ANSWER_H
#define UTIL_ANSWER_H
#include <stddef.h>
#include <stdint.h>
#include "util/dnsdef.h"
#include "util/msg.h"

struct reply;

/** The client a reply goes to, and what the reply echoes. */
struct answer_to {
	/** The query's ID. */
	uint16_t id;
	/** The query's header flags word (opcode, RD, AD and CD read). */
	uint16_t qflags;
	/** The question name as the client wrote it (case kept). */
	const uint8_t *qname;
	/** Question type and class. */
	uint16_t qtype, qclass;
	/** 1 when the query had an OPT record. */
	int edns;
	/** 1 when it set DO. */
	int do_bit;
	/** The size the reply may have (the client's UDP limit, or the
	 * TCP maximum). */
	size_t limit;
	/** The COOKIE option of the reply (RFC 7873: the client cookie and
	 * our server cookie), cookie_len octets; 0 for none. */
	uint8_t cookie[40];
	/** Its length. */
	uint8_t cookie_len;
	/** Over TCP, to a query with an edns-tcp-keepalive option: the
	 * connection's window in ms, sent as the option's TIMEOUT (RFC 7828:
	 * what the server will really wait); 0 for no option. */
	int keepalive_ms;
	/** 1 for an ANY query over UDP: the reply carries one RRset of
	 * the answer (RFC 8482 section 4.1), and over TCP all of it
	 * (section 4.4).  0 from answer_to_query(); the caller, who knows
	 * the transport, sets it. */
	int any_subset;
};

/** The server's side of every reply (from the config). */
struct answer_opts {
	/** Our EDNS payload size (edns-buffer-size). */
	uint16_t edns_size;
	/** 1 to send Extended DNS Errors (ede: yes). */
	int ede;
	/** The COOKIE option of an error reply (answer_error()), as in
	 * struct answer_to (it must outlive the call), or NULL. */
	const uint8_t *cookie;
	/** Its length. */
	uint8_t cookie_len;
};

/**
 * Fill an answer_to from a parsed query.
 * @param to: receives it; it points into q (qname), which must outlive it.
 * @param q: the query (header and question parsed).
 * @param limit: the reply size limit for this client.
 */
void answer_to_query(struct answer_to *to, const struct dns_msg *q,
	size_t limit);

/**
 * The header flags of a reply (the AD rule lives here).
 * @param to: the client.
 * @param secure: 1 when every RRset of the reply was validated secure.
 * @param aa: 1 for the server's own data (local zones, CHAOS).
 * @return QR, RA, the opcode, RD and CD echoed, AA, AD when due.
 */
static inline uint16_t
answer_flags(const struct answer_to *to, int secure, int aa)
{
	uint16_t flags = MSG_FLAG_QR | MSG_FLAG_RA |
	    MSG_OPCODE_FLAGS(MSG_OPCODE(to->qflags)) |
	    (to->qflags & (MSG_FLAG_RD | MSG_FLAG_CD));

	if (aa) {
		flags |= MSG_FLAG_AA;
	}
	/* RFC 4035 section 3.2.3, RFC 6840 sections 5.7 and 5.8: AD for
	 * authentic data, to a client that asked with DO or AD; a client
	 * that set CD checks the data itself. */
	if (secure && !(to->qflags & MSG_FLAG_CD) && (to->do_bit ||
	    (to->qflags & MSG_FLAG_AD))) {
		flags |= MSG_FLAG_AD;
	}
	return flags;
}

/**
 * Does a reply to a client include an RRset?  Without DO no RRSIG, NSEC
 * or NSEC3 RRset outside the answer section; in the answer section only
 * when the client asked for that type (RFC 4035 section 3.2.1, RFC 3225
 * section 3).  The RRSIGs that cover an RRset go with it or not by DO
 * (reply_write_rrset()).
 * @param section: an enum msg_section.
 * @param type: the RRset's type.
 * @param do_bit: the client's DO.
 * @return 1 to include it.
 */
static inline int
answer_keeps_rrset(int section, uint16_t type, int do_bit)
{
	return do_bit || section == MSG_SEC_ANSWER ||
	    (type != RR_TYPE_RRSIG && type != RR_TYPE_NSEC &&
	    type != RR_TYPE_NSEC3);
}

/**
 * Start a reply in a writer: header, question, and the OPT record's
 * room when the client sent EDNS.  The caller adds RRsets with
 * msg_writer_rrset() or reply_write(), then calls answer_finish().
 * @param w: the writer.
 * @param buf, cap: the output buffer.
 * @param to: the client.
 * @param o: the server's side.
 * @param flags: from answer_flags().
 * @param rcode: the rcode (0 to 4095).
 * @param ede: an EDE info code, or -1; sent when o->ede is on.
 * @param ede_text: its text or NULL; must live until answer_finish().
 * @return 0 or a writer error.
 */
int answer_begin(struct msg_writer *w, uint8_t *buf, size_t cap,
	const struct answer_to *to, const struct answer_opts *o,
	uint16_t flags, int rcode, int ede, const char *ede_text);

/**
 * Finish a reply started by answer_begin().
 * @param w: the writer.
 * @param len: receives the length.
 * @return 0 or a writer error.
 */
int answer_finish(struct msg_writer *w, size_t *len);

/**
 * A whole reply from a struct reply (the mesh's answers).
 * @param to: the client.
 * @param o: the server's side.
 * @param rep: the answer, or NULL for an error without data.
 * @param rcode: the rcode; the RRsets of rep are written for NOERROR and
 *	NXDOMAIN only.
 * @param secure: 1 when rep was validated secure.
 * @param ede, ede_text: an EDE, or -1 and NULL.
 * @param buf, cap: the output buffer.
 * @param len: receives the length.
 * @return 0 or a writer error.
 */
int answer_reply(const struct answer_to *to, const struct answer_opts *o,
	const struct reply *rep, int rcode, int secure, int ede,
	const char *ede_text, uint8_t *buf, size_t cap, size_t *len);

/**
 * A reply from sections encoded earlier (the message cache's wire fast
 * path): header and question from the client, the sections copied with
 * every TTL lowered by age, the OPT record appended.  Nothing is parsed
 * or compressed; a reply that would pass the client's limit is not made.
 * @param to: the client.
 * @param o: the server's side.
 * @param flags: from answer_flags().
 * @param rcode: 0 to 15.
 * @param body: the encoded sections; their compression pointers assume
 *	the question right after the header, as written here.
 * @param blen: their length.
 * @param an, ns, ar: the RR counts of the sections.
 * @param ttl_off: offsets of the TTL fields in body.
 * @param nttl: how many.
 * @param age: seconds to take off every TTL (each is above it).
 * @param buf, cap: the output buffer.
 * @param len: receives the length.
 * @return 0, or RES_ESPACE when it does not fit the buffer or the limit.
 */
int answer_wire(const struct answer_to *to, const struct answer_opts *o,
	uint16_t flags, int rcode, const uint8_t *body, size_t blen,
	uint16_t an, uint16_t ns, uint16_t ar, const uint16_t *ttl_off,
	size_t nttl, uint32_t age, uint8_t *buf, size_t cap, size_t *len);

/**
 * An error reply (FORMERR, SERVFAIL, NOTIMP, REFUSED, or BADVERS with
 * EDNS) to a query view, also one whose parse failed: the ID, opcode, RD
 * and CD are copied, the question is echoed when it parsed and qdcount
 * was 1, an OPT record is added when the query had one (DO echoed) and,
 * with ede on, the EDE.  The reply fits the query's msg_client_limit().
 * @param q: the query view; have_header must be 1.
 * @param o: the server's side.
 * @param rcode: the rcode, 0 to 4095.
 * @param ede: an EDE info code, or -1.
 * @param ede_text: its text or NULL.
 * @param buf, cap: the output buffer.
 * @param len: receives the length.
 * @return 0, RES_EINVAL (no header), RES_ESPACE (buffer too small).
 */
int answer_error(const struct dns_msg *q, const struct answer_opts *o,
	int rcode, int ede, const char *ede_text, uint8_t *buf, size_t cap,
	size_t *len);

#endif /* UTIL_ANSWER_H */
