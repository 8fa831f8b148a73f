/*
 * util/msg.h - DNS messages: a parsed view and a reply encoder.
 *
 * Parsing.  msg_parse() turns a packet into a struct dns_msg that refers
 * into the packet: RDATA is never copied, each RR is an entry of offsets
 * (owner, RDATA) plus its type, class, TTL and RDLENGTH.  The caller keeps
 * the packet alive and unchanged as long as the view is used.  The entries
 * live in a fixed array inside the view (MSG_MAX_RR), so parsing allocates
 * nothing; a message with more RRs than that is refused with RES_ELIMIT.
 * The view is large (about 4 KB); embed it in a per-thread or per-query
 * structure rather than on a small stack.
 *
 * msg_parse_query() is the cheap entry point the server uses for every
 * client packet: it reads the header, the question and the OPT record and
 * only walks over the other RRs (their names and lengths are still
 * checked, so both entry points accept and refuse the same packets), and
 * it never touches the RR array.
 *
 * Both refuse, with RES_EMALFORMED (the caller answers FORMERR or drops):
 * a header shorter than 12 octets, a packet over 65535 octets, bad names
 * (see dname_unpack(): pointer loops, forward pointers, labels over 63,
 * names over 255), a truncated question or RR header, RDLENGTH past the
 * end, counts that claim more RRs than present, octets left after the last
 * RR (trailing garbage: a sender that pads its packets outside EDNS
 * padding is broken), and EDNS errors of RFC 6891 section 6.1.1 (an OPT
 * outside the additional section, more than one OPT, an OPT owner other
 * than the root) and malformed options.  On an error the fields that had
 * been parsed stay valid (have_header, have_question, edns.present), so a
 * FORMERR can echo the ID and, when it parsed, the question.
 *
 * Encoding.  struct msg_writer builds a message into a caller's buffer of
 * fixed capacity, section by section: header, question, EDNS settings,
 * then RRs or whole RRsets to the answer, authority and additional
 * sections in that order, then msg_writer_finish() appends the OPT record
 * and fixes the counts.  Owner names (and, on request, names inside RDATA)
 * are compressed (RFC 1035 section 4.1.4) against a small fixed table of
 * names written earlier; matching ignores ASCII case, so owners take the
 * case of the question as the client sent it.
 *
 * Truncation follows RFC 2181 section 9.  The writer has a limit (the
 * client's EDNS payload size, or 512 without EDNS; msg_client_limit()),
 * and the OPT record's room is reserved as soon as msg_writer_edns() is
 * called, so the OPT record is never cut.  RRs are added per RRset: an
 * RRset that does not fit entirely is rolled back.  In the answer section,
 * or when the caller says the RRset is needed (the NS set of a referral,
 * the SOA of a negative answer), TC is set and nothing more is added.  An
 * RRset that is not needed (extra authority data, additional data) is
 * dropped silently without TC, and later, smaller RRsets may still be
 * added.  msg_writer_mark() / msg_writer_rollback() let callers treat
 * their own groups (an RRset with its RRSIGs) the same way.
 *
 * Usage:
 *	struct msg_writer w;
 *	msg_writer_init(&w, buf, sizeof(buf));
 *	msg_writer_set_limit(&w, msg_client_limit(query));
 *	msg_writer_header(&w, query->id, MSG_FLAG_QR | MSG_FLAG_RD, 0);
 *	msg_writer_question(&w, query->qname, query->qtype, query->qclass);
 *	msg_writer_edns(&w, &edns);
 *	msg_writer_rrset(&w, MSG_SEC_ANSWER, owner, type, class, ttl, rd,
 *	    n, 1);
 *	msg_writer_finish(&w, &len);
 */
#ifndef UTIL_MSG_H
#define UTIL_MSG_H
#include <stddef.h>
#include <stdint.h>
#include "util/dname.h"
#include "util/dnsdef.h"

/** RR entries a parsed view holds in itself; a message with more is
 * refused (RES_ELIMIT) unless the caller gives room for them
 * (msg_parse_big(): a 64 KiB message holds at most MSG_MAX_RR_ANY). */
#define MSG_MAX_RR 256
/** The most RRs a message can hold: a 64 KiB message of RRs of 11
 * octets (a compressed owner of 2, no RDATA). */
#define MSG_MAX_RR_ANY ((65535 - 12) / 11)
/** EDNS options a view records; more are refused (RES_ELIMIT). */
#define MSG_MAX_OPTS 32
/** Names the writer remembers for compression.  Each written label start
 * is one entry; later names beyond this are written without being
 * remembered (still correct, just less compressed). */
#define MSG_COMPRESS_MAX 64
/** Size of the fixed DNS header (RFC 1035 section 4.1.1). */
#define MSG_HEADER_LEN 12
/** The largest DNS message (the TCP length prefix is 16 bits). */
#define MSG_MAX_LEN 65535
/** Limit for clients without EDNS (RFC 1035 section 4.2.1). */
#define MSG_UDP_MIN 512
/** Our default EDNS payload size (DNS flag day 2020). */
#define MSG_EDNS_SIZE 1232

/** The three RR sections (the question is apart). */
enum msg_section {
	MSG_SEC_ANSWER = 0,
	MSG_SEC_AUTHORITY = 1,
	MSG_SEC_ADDITIONAL = 2
};

/** One RR of a parsed message; offsets are into the packet. */
struct msg_rr {
	/** Offset of the owner name (possibly compressed). */
	uint16_t owner;
	/** RR type. */
	uint16_t type;
	/** RR class. */
	uint16_t rclass;
	/** RDLENGTH. */
	uint16_t rdlen;
	/** Offset of the RDATA. */
	uint16_t rdata;
	/** Section, an enum msg_section. */
	uint8_t section;
	/** TTL as sent (RFC 2181 section 8: values over 2^31-1 are the
	 * reader's to treat as 0). */
	uint32_t ttl;
};

/** One EDNS option of a parsed message. */
struct msg_edns_opt {
	/** Option code. */
	uint16_t code;
	/** Option length. */
	uint16_t len;
	/** Offset of the option data in the packet. */
	uint16_t off;
};

/** The OPT record of a parsed message (RFC 6891 section 6.1.2). */
struct msg_edns {
	/** 1 when the message has a (well-formed) OPT record. */
	int present;
	/** Requestor's UDP payload size, the OPT CLASS, as sent. */
	uint16_t udp_size;
	/** Upper 8 bits of the extended rcode. */
	uint8_t ext_rcode;
	/** EDNS version. */
	uint8_t version;
	/** The 16 flag bits: DO and Z. */
	uint16_t flags;
	/** 1 when the DO bit is set (RFC 3225). */
	int do_bit;
	/** Offset of the OPT RR in the packet. */
	uint16_t rr_off;
	/** 1 when a COOKIE option is present (RFC 7873); the first one. */
	int has_cookie;
	/** The client cookie. */
	uint8_t client_cookie[8];
	/** Server cookie length: 0, or 8 to 32. */
	uint8_t server_cookie_len;
	/** The server cookie. */
	uint8_t server_cookie[32];
	/** 1 when an EDE option is present (RFC 8914); the first one. */
	int has_ede;
	/** EDE info code. */
	uint16_t ede_code;
	/** Offset and length of the EDE text (UTF-8, not NUL-terminated). */
	uint16_t ede_text_off, ede_text_len;
	/** 1 when an edns-tcp-keepalive option is present (RFC 7828). */
	int has_keepalive;
	/** 1 when a PADDING option is present (RFC 7830). */
	int has_padding;
	/** Length of the (first) padding option. */
	uint16_t padding_len;
	/** 1 when a CLIENT-SUBNET option is present (RFC 7871). */
	int has_ecs;
	/** Offset and length of its data, kept opaque. */
	uint16_t ecs_off, ecs_len;
	/** Number of options, known ones included, in order. */
	size_t nopts;
	/** The options. */
	struct msg_edns_opt opts[MSG_MAX_OPTS];
};

/** A parsed message: a view into a packet. */
struct dns_msg {
	/** The packet; owned by the caller, must outlive the view. */
	const uint8_t *pkt;
	/** Its length. */
	size_t len;
	/** 1 once the 12-octet header was read. */
	int have_header;
	/** Message ID. */
	uint16_t id;
	/** The flags word: QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode. */
	uint16_t flags;
	/** Opcode. */
	uint8_t opcode;
	/** Rcode, extended with the OPT record's upper 8 bits (12 bits). */
	uint16_t rcode;
	/** The counts as given in the header. */
	uint16_t qdcount, ancount, nscount, arcount;
	/** 1 once the first question was read (qdcount >= 1).  A qdcount
	 * other than 1 is left for the caller to judge (queries with
	 * qdcount != 1 get FORMERR); every question is checked. */
	int have_question;
	/** The first question's name, uncompressed. */
	uint8_t qname[DNAME_MAXLEN];
	/** Its length. */
	size_t qname_len;
	/** Offset of the question in the packet (12). */
	uint16_t qoff;
	/** Length of the first question in the packet, type and class
	 * included (its name may be compressed there). */
	uint16_t qlen;
	/** Question type and class. */
	uint16_t qtype, qclass;
	/** The OPT record. */
	struct msg_edns edns;
	/** 1 when the RR entries were built (msg_parse), 0 after
	 * msg_parse_query. */
	int have_rrs;
	/** Number of RR entries: ancount + nscount + arcount, OPT included. */
	size_t nrr;
	/** First entry of each section; the answer starts at 0. */
	size_t sec_first[3];
	/** The RRs, in packet order: rr_inline, or the caller's room given
	 * to msg_parse_big(). */
	struct msg_rr *rr;
	/** Room in rr. */
	size_t max_rr;
	/** The view's own room. */
	struct msg_rr rr_inline[MSG_MAX_RR];
};

/**
 * Parse a whole message.
 * @param m: the view to fill; its previous contents are discarded.
 * @param pkt: the packet; must stay alive and unchanged while m is used.
 * @param len: its length.
 * @return 0; RES_EMALFORMED for malformed input (see the top of this
 *	file), RES_ELIMIT for more than MSG_MAX_RR RRs or MSG_MAX_OPTS EDNS
 *	options, RES_EINVAL for NULL arguments.  On failure the fields
 *	parsed so far are valid (have_header, have_question, edns.present).
 */
int msg_parse(struct dns_msg *m, const uint8_t *pkt, size_t len);

/**
 * Parse a whole message with room for more RRs than the view holds
 * (a reply of many records: msg_parse() gave RES_ELIMIT).
 * @param m, pkt, len: as for msg_parse().
 * @param rr: room for max RR entries; must live as long as the view.
 * @param max: its size; MSG_MAX_RR_ANY is enough for any message.
 * @return as msg_parse().
 */
int msg_parse_big(struct dns_msg *m, const uint8_t *pkt, size_t len,
	struct msg_rr *rr, size_t max);

/**
 * Parse the header, question and OPT record only; the other RRs are
 * walked and checked but no entries are built (have_rrs is 0).
 * @param m, pkt, len: as for msg_parse().
 * @return as msg_parse(), never RES_ELIMIT for the RR count.
 */
int msg_parse_query(struct dns_msg *m, const uint8_t *pkt, size_t len);

/**
 * The uncompressed owner name of an RR entry.
 * @param m: a view filled by msg_parse().
 * @param i: entry index, below m->nrr.
 * @param out: receives the name; DNAME_MAXLEN octets.
 * @param outlen: receives its length; may be NULL.
 * @return 0, or RES_EINVAL for a bad index or a view without entries.
 */
int msg_rr_owner(const struct dns_msg *m, size_t i, uint8_t *out,
	size_t *outlen);

/**
 * Number of entries of a section; they start at m->sec_first[sec].
 * @return the count, 0 for a view without entries or a bad section.
 */
size_t msg_section_count(const struct dns_msg *m, int sec);

/**
 * The size a reply to this query may have over UDP: 512 without EDNS,
 * else the requestor's payload size, raised to 512 when smaller
 * (RFC 6891 section 6.2.5).
 */
size_t msg_client_limit(const struct dns_msg *m);

/** RDATA of a reply RR for msg_writer_rrset(). */
struct msg_rdata {
	/** The RDATA, uncompressed. */
	const uint8_t *data;
	/** Its length. */
	uint16_t len;
	/** Offsets of names inside data to compress, ascending; NULL when
	 * none.  Only for the types of RFC 1035 (NS, CNAME, SOA, PTR, MX,
	 * ...): RFC 3597 section 4 forbids compression in other types. */
	const uint16_t *names;
	/** Number of such offsets. */
	size_t nnames;
};

/** EDNS settings of a reply, for msg_writer_edns(). */
struct msg_edns_out {
	/** Our UDP payload size (MSG_EDNS_SIZE is the usual). */
	uint16_t udp_size;
	/** EDNS version, 0. */
	uint8_t version;
	/** Set the DO bit (RFC 3225: echo the query's). */
	int do_bit;
	/** Add an EDE option (RFC 8914). */
	int ede;
	/** Its info code. */
	uint16_t ede_code;
	/** Its text, NUL-terminated, or NULL; must stay alive until
	 * msg_writer_finish(). */
	const char *ede_text;
	/** COOKIE option data (client cookie, then server cookie), or NULL;
	 * must stay alive until msg_writer_finish(). */
	const uint8_t *cookie;
	/** Its length: 8, or 16 to 40. */
	size_t cookie_len;
	/** Add an edns-tcp-keepalive option (RFC 7828) with keepalive_100ms
	 * as its TIMEOUT (over TCP only). */
	int keepalive;
	/** The idle timeout it gives, in units of 100 ms. */
	uint16_t keepalive_100ms;
	/** Pad the message to a multiple of this (RFC 7830; RFC 8467
	 * recommends 468 for responses), 0 for no padding.  The padding
	 * never makes the message exceed the limit. */
	uint16_t padding_block;
};

/** Room an RRset group leaves to roll back to; see msg_writer_mark(). */
struct msg_mark {
	/** Write position. */
	size_t pos;
	/** Section counts. */
	uint16_t count[4];
	/** Compression table entries. */
	size_t nnames;
	/** Writing stage. */
	int stage;
	/** TC and stop state. */
	int tc, stopped;
};

/** A compression table entry: a name written earlier in the buffer. */
struct msg_cname {
	/** Offset of its first label (below 0x4000, pointer range). */
	uint16_t off;
	/** Number of labels to the root. */
	uint8_t labels;
};

/** The encoder.  All fields are private to util/msg.c. */
struct msg_writer {
	/** The output buffer, owned by the caller. */
	uint8_t *buf;
	/** Its capacity. */
	size_t cap;
	/** Size the finished message may have: min(cap, client limit). */
	size_t limit;
	/** Write position (length so far). */
	size_t pos;
	/** Octets reserved for the OPT record at the end. */
	size_t reserve;
	/** Counts: question, answer, authority, additional. */
	uint16_t count[4];
	/** Stage: what was written last (see util/msg.c). */
	int stage;
	/** 1 when TC is to be set. */
	int tc;
	/** 1 once a needed RRset was cut: nothing more is added. */
	int stopped;
	/** The full 12-bit rcode given to msg_writer_header(). */
	uint16_t rcode;
	/** 1 when msg_writer_edns() was called. */
	int edns;
	/** The EDNS settings. */
	struct msg_edns_out eo;
	/** Length of the EDE text. */
	size_t ede_text_len;
	/** Compression table entries in use. */
	size_t nnames;
	/** The compression table. */
	struct msg_cname names[MSG_COMPRESS_MAX];
};

/**
 * Start a message in buf.
 * @param w: the writer.
 * @param buf: output buffer, owned by the caller, at least as long as w.
 * @param cap: its capacity; the limit starts as min(cap, MSG_MAX_LEN).
 */
void msg_writer_init(struct msg_writer *w, uint8_t *buf, size_t cap);

/**
 * Set the size the message may have (the client's limit); clamped to the
 * capacity.  Call before writing RRs.
 * @return 0, or RES_ESPACE when what is written already exceeds it.
 */
int msg_writer_set_limit(struct msg_writer *w, size_t limit);

/**
 * Write the header; counts are filled by msg_writer_finish().
 * @param id: message ID.
 * @param flags: flags word (QR, opcode, AA, RD, RA, AD, CD...); the
 *	rcode bits and TC are ignored here (TC comes from truncation).
 * @param rcode: the full rcode, 0 to 4095; above 15 needs EDNS.
 * @return 0, RES_ESPACE (limit below 12), RES_EINVAL (called twice, or
 *	a bad rcode).
 */
int msg_writer_header(struct msg_writer *w, uint16_t id, uint16_t flags,
	int rcode);

/**
 * Add a question.  Only after the header and before any RR.
 * @param qname: a checked uncompressed name; written uncompressed and
 *	remembered for compression of later names.
 * @return 0, RES_ESPACE, RES_EINVAL (wrong order, bad name).
 */
int msg_writer_question(struct msg_writer *w, const uint8_t *qname,
	uint16_t qtype, uint16_t qclass);

/**
 * Add an OPT record at finish and reserve its room now, so it is never
 * cut: call it before adding RRs.  e is copied; the strings it points to
 * must stay alive until msg_writer_finish().
 * @return 0, RES_ESPACE when the room is not left, RES_EINVAL (called
 *	twice, bad cookie length, EDE text over 1024 octets).
 */
int msg_writer_edns(struct msg_writer *w, const struct msg_edns_out *e);

/**
 * Add one RR.  On failure nothing of it stays in the buffer.  This does
 * not apply the truncation policy; msg_writer_rrset() does.
 * @param sec: the section; sections go in order, never back.
 * @param owner: a checked uncompressed name; compressed when possible.
 * @param names, nnames: offsets of uncompressed names inside rdata to
 *	compress (see struct msg_rdata); NULL and 0 for none.
 * @return 0, RES_ESPACE (does not fit under the limit minus the OPT
 *	room, or the writer was stopped by truncation), RES_EINVAL (wrong
 *	section order, before the header, bad name offsets).
 */
int msg_writer_rr(struct msg_writer *w, int sec, const uint8_t *owner,
	uint16_t type, uint16_t rclass, uint32_t ttl, const uint8_t *rdata,
	uint16_t rdlen, const uint16_t *names, size_t nnames);

/**
 * Add a whole RRset, applying the truncation policy of RFC 2181
 * section 9 (see the top of this file).
 * @param rd, n: the RDATAs (n may be 0: nothing is written).
 * @param needed: 1 when the RRset is required for the reply to be
 *	correct; always 1 in the answer section.
 * @return 0 when written; RES_ESPACE when it was left out (TC set if it
 *	was needed, and the writer stopped); RES_EINVAL as msg_writer_rr().
 */
int msg_writer_rrset(struct msg_writer *w, int sec, const uint8_t *owner,
	uint16_t type, uint16_t rclass, uint32_t ttl,
	const struct msg_rdata *rd, size_t n, int needed);

/** Remember the current state, to roll back to it. */
void msg_writer_mark(const struct msg_writer *w, struct msg_mark *mk);

/** Forget everything written since the mark (RRs, counts, names). */
void msg_writer_rollback(struct msg_writer *w, const struct msg_mark *mk);

/**
 * Record that a group of RRs in section sec was left out for lack of
 * room, after rolling it back: sets TC and stops the writer when sec is
 * the answer or needed is 1 (RFC 2181 section 9), else does nothing.
 */
void msg_writer_truncated(struct msg_writer *w, int sec, int needed);

/** 1 when TC will be set, else 0. */
int msg_writer_is_truncated(const struct msg_writer *w);

/**
 * Finish: append the OPT record if asked, write the counts, TC and the
 * rcode.  The writer must not be used after.
 * @param len: receives the message length.
 * @return 0, RES_EINVAL (NULL, no header, rcode over 15 without EDNS).
 */
int msg_writer_finish(struct msg_writer *w, size_t *len);

/** Length of an OPT record without options. */
#define MSG_OPT_LEN 11

/**
 * Write an OPT record without options (RFC 6891 section 6.1.2); its
 * RDLENGTH is 0 until options are appended after it.
 * @param p: where; MSG_OPT_LEN octets.
 * @param udp_size: our payload size.
 * @param rcode: the reply's full rcode (its upper 8 bits go here).
 * @param version: the EDNS version, 0.
 * @param do_bit: DO (RFC 3225: echo the query's).
 */
void msg_write_opt(uint8_t *p, uint16_t udp_size, uint16_t rcode,
	uint8_t version, int do_bit);

/**
 * Patch the ID of a finished message (cache fast path).
 * @return 0, or RES_EINVAL when pkt is NULL or shorter than a header.
 */
int msg_set_id(uint8_t *pkt, size_t len, uint16_t id);

/**
 * Patch flag bits of a finished message: first clear, then set.
 * @return 0, or RES_EINVAL when pkt is NULL or shorter than a header.
 */
int msg_set_flags(uint8_t *pkt, size_t len, uint16_t set, uint16_t clear);

/**
 * Cut a finished reply down to its header, question and OPT record, with
 * TC set (RFC 1035 section 4.2.1, RFC 6891 section 7): what is sent when
 * the whole reply cannot go out over UDP.  The OPT record is kept as it
 * was, options included; the rcode is unchanged.
 * @param pkt: the reply, rewritten in place.
 * @param len: its length.
 * @param newlen: receives the new length.
 * @return 0, RES_EINVAL for NULL arguments, RES_EMALFORMED when the reply
 *	does not parse or has no single question.
 */
int msg_truncate_reply(uint8_t *pkt, size_t len, size_t *newlen);

#endif /* UTIL_MSG_H */
