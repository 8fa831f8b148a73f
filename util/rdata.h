/*
 * util/rdata.h - RDATA in wire and presentation format, and whole RRs in
 * presentation format.
 *
 * Everything here is driven by the layouts of util/rrtype.h.  Wire RDATA
 * handed around inside resolute is always uncompressed: rdata_unpack()
 * turns the (possibly compressed) RDATA of a received packet into that
 * form and checks it field by field; rdata_check() checks RDATA from any
 * other source (cache files, tests).  Unknown types and meta types are
 * opaque octets.
 *
 * The presentation format is that of zone files (RFC 1035 section 5.1)
 * with each type's own RFC for its fields.  Every type, known or not,
 * also reads and (where its text form cannot express the data, or for
 * LOC and unknown types) writes the RFC 3597 section 5 generic form
 * "\# <length> <hex>".
 *
 * Text-producing functions return the number of characters written
 * (without the terminating NUL, which they always write on success) or a
 * negative util/error.h code; RES_ESPACE means the buffer was too small
 * and its content is then unspecified.
 */
#ifndef UTIL_RDATA_H
#define UTIL_RDATA_H
#include <stddef.h>
#include <stdint.h>
#include "util/dname.h"

/** Longest RDATA (the RDLENGTH field is 16 bits). */
#define RDATA_MAXLEN 65535

/**
 * Read RDATA out of a packet: decompress names where the type allows it
 * (RFC 3597 section 4), check the layout (every field complete, nothing
 * left over, names valid), and write the uncompressed RDATA (case kept)
 * to out.  Unknown and meta types are copied as opaque octets.
 * @param type: the RR type.
 * @param pkt: the whole packet; compression pointers are offsets in it.
 * @param pktlen: its length.
 * @param pos: offset of the RDATA in pkt.
 * @param rdlen: the RDLENGTH; pos + rdlen must lie inside the packet.
 * @param out: receives the RDATA; owned by the caller.
 * @param outsz: its size (RDATA_MAXLEN is always enough).
 * @param outlen: receives the length written.
 * @return 0, RES_EMALFORMED for bad wire data, RES_ESPACE when out is
 *	too small, RES_EINVAL for NULL arguments.
 */
int rdata_unpack(uint16_t type, const uint8_t *pkt, size_t pktlen,
	size_t pos, size_t rdlen, uint8_t *out, size_t outsz, size_t *outlen);

/**
 * Check uncompressed RDATA against the type's layout, strictly: each
 * field complete, nothing left over, names without pointers, TXT with at
 * least one string, type bitmaps per RFC 4034 section 4.1.2, SvcParams
 * per RFC 9460 section 2.2.
 * @param type: the RR type; unknown and meta types always pass.
 * @param rdata: the RDATA (may be NULL when rdlen is 0).
 * @param rdlen: its length.
 * @return 0 or RES_EMALFORMED.
 */
int rdata_check(uint16_t type, const uint8_t *rdata, size_t rdlen);

/**
 * Find the domain names inside uncompressed RDATA, for name compression
 * by the encoder and canonical lowercasing (RFC 4034 section 6.2).
 * @param type: the RR type.
 * @param rdata: checked or unchecked RDATA; it is checked here.
 * @param rdlen: its length.
 * @param offs: receives up to max offsets of names in rdata; may be NULL
 *	when max is 0.
 * @param max: room in offs.
 * @param compressible: receives 1 if these names may be compressed when
 *	sent (RFC 1035 types), else 0; may be NULL.
 * @return the number of names (0 for unknown types), RES_EMALFORMED for
 *	bad RDATA, RES_ESPACE if there are more than max names.
 */
int rdata_name_offsets(uint16_t type, const uint8_t *rdata, size_t rdlen,
	size_t *offs, int max, int *compressible);

/**
 * Presentation format of uncompressed RDATA.  Unknown types, LOC and data
 * the type's own form cannot express (an empty key, say) are written in
 * the generic form "\# len hex".
 * @param type: the RR type.
 * @param rdata: the RDATA; checked here.
 * @param rdlen: its length.
 * @param buf: output buffer, NUL-terminated.
 * @param bufsz: its size.
 * @return the length written, RES_EMALFORMED for RDATA that fails
 *	rdata_check(), RES_ESPACE, or RES_EINVAL for NULL arguments.
 */
int rdata_to_str(uint16_t type, const uint8_t *rdata, size_t rdlen,
	char *buf, size_t bufsz);

/**
 * Parse presentation RDATA.  Tokens are separated by white space;
 * parentheses are ignored (they only group lines) and ';' starts a
 * comment to the end of the line.  The generic form "\# len hex" is
 * accepted for every type; for known types its data must then pass
 * rdata_check().
 * @param type: the RR type.
 * @param text: NUL-terminated text.
 * @param origin: appended to relative names; NULL means the root.
 * @param out: receives uncompressed RDATA.
 * @param outsz: its size.
 * @param outlen: receives the length.
 * @return 0, RES_ESYNTAX for bad text (a bad number, address, encoding,
 *	name, missing or extra fields, a meta type in non-generic form),
 *	RES_ESPACE, RES_ENOMEM, or RES_EINVAL for NULL arguments.
 */
int rdata_from_str(uint16_t type, const char *text, const uint8_t *origin,
	uint8_t *out, size_t outsz, size_t *outlen);

/** One RR read from presentation format. */
struct rr_text {
	/** owner name, wire format, case kept */
	uint8_t owner[DNAME_MAXLEN];
	/** length of owner */
	size_t owner_len;
	/** RR type */
	uint16_t type;
	/** RR class */
	uint16_t rrclass;
	/** TTL in seconds */
	uint32_t ttl;
	/** uncompressed RDATA */
	uint8_t rdata[RDATA_MAXLEN];
	/** length of rdata */
	size_t rdlen;
};

/**
 * Parse one RR in presentation format: "owner [ttl] [class] type rdata",
 * ttl and class in either order as in zone files.  The ttl is decimal
 * seconds or units ("1h30m", s m h d w).  A missing ttl takes
 * default_ttl and a missing class IN.  Parentheses may span lines;
 * comments after ';' are ignored.  The owner must be present (no
 * leading blank meaning "the previous owner": there is no previous one).
 * @param line: NUL-terminated text.
 * @param origin: for relative names and "@"; NULL means the root.
 * @param default_ttl: ttl when none is given.
 * @param rr: receives the RR; owned by the caller.
 * @return 0, RES_ESYNTAX, RES_ESPACE, RES_ENOMEM or RES_EINVAL.
 */
int rr_from_str(const char *line, const uint8_t *origin,
	uint32_t default_ttl, struct rr_text *rr);

/**
 * One RR in presentation format, one line without newline:
 * "owner<TAB>ttl<TAB>class<TAB>type<TAB>rdata".
 * @param owner: a checked wire-format name.
 * @param type: RR type.
 * @param rrclass: RR class.
 * @param ttl: TTL.
 * @param rdata: uncompressed RDATA.
 * @param rdlen: its length.
 * @param buf: output buffer.
 * @param bufsz: its size.
 * @return the length written, RES_EMALFORMED, RES_ESPACE or RES_EINVAL.
 */
int rr_to_str(const uint8_t *owner, uint16_t type, uint16_t rrclass,
	uint32_t ttl, const uint8_t *rdata, size_t rdlen, char *buf,
	size_t bufsz);

/** The fields of an RRSIG RDATA (RFC 4034 section 3.1). */
struct rdata_rrsig {
	/** Type covered. */
	uint16_t covered;
	/** Algorithm. */
	uint8_t alg;
	/** Labels of the owner name, wildcard label not counted. */
	uint8_t labels;
	/** Original TTL. */
	uint32_t ottl;
	/** Expiration and inception (serial arithmetic, RFC 4034 3.1.5). */
	uint32_t expiration, inception;
	/** Key tag. */
	uint16_t tag;
	/** Signer's name: a checked wire name pointing into the RDATA. */
	const uint8_t *signer;
};

/**
 * Read the fields of an RRSIG RDATA.
 * @param rd: the RDATA.
 * @param len: its length.
 * @param sig: receives the fields (signer points into rd).
 * @return 0, or RES_EMALFORMED (too short, bad signer name).
 */
int rdata_rrsig_parse(const uint8_t *rd, size_t len, struct rdata_rrsig *sig);

/**
 * DNSKEY key tag, RFC 4034 appendix B (algorithm 1 per appendix B.1).
 * @param rdata: DNSKEY (or CDNSKEY, KEY) RDATA.
 * @param rdlen: its length.
 * @return the key tag; 0 for RDATA shorter than 4 octets.
 */
uint16_t rdata_dnskey_keytag(const uint8_t *rdata, size_t rdlen);

#endif /* UTIL_RDATA_H */
