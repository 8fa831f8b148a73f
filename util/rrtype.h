/*
 * util/rrtype.h - the RR type and class table: names, codes and RDATA
 * layouts.
 *
 * Every RR type resolute knows is described in exactly one place, a static
 * table in util/rrtype.c; the codes are those of util/dnsdef.h.  An entry
 * gives the type's code, its mnemonic, flags (may its names be compressed,
 * is it a DNSSEC type, is it a meta or question-only type) and the layout
 * of its RDATA as a list of field kinds terminated by RDF_END.  The wire
 * parser, the encoder's name compression, canonical lowercasing in the
 * validator and the presentation format in util/rdata.c all walk these
 * layouts, so adding a type means adding one line to the table.
 *
 * Names in RDATA come in three kinds (RFC 3597 section 4): RDF_NAME_C in
 * the well-known RFC 1035 types may be compressed when sent and are
 * decompressed when received; RDF_NAME_D (RP, AFSDB, RT, SIG, PX, NXT,
 * NAPTR, SRV) is never compressed when sent but a compressed one is
 * accepted on receipt; RDF_NAME is never compressed at all, and a
 * compression pointer inside it is malformed.
 *
 * Usage:
 *	const struct rrtype_info *ti = rrtype_lookup(RR_TYPE_MX);
 *	if (ti && (ti->flags & RRTYPE_F_COMPRESS)) ...
 */
#ifndef UTIL_RRTYPE_H
#define UTIL_RRTYPE_H
#include <stddef.h>
#include <stdint.h>
#include "util/dnsdef.h"

/** Kinds of RDATA fields; a layout is a list of these ending in RDF_END.
 * "To end" kinds consume the rest of the RDATA and come last. */
enum rdf_kind {
	RDF_END = 0,	/**< end of the layout */
	RDF_NAME_C,	/**< name, compressible (RFC 1035 types) */
	RDF_NAME_D,	/**< name, decompressed on receipt only */
	RDF_NAME,	/**< name, never compressed (RFC 3597 section 4) */
	RDF_U8,		/**< 8-bit unsigned integer */
	RDF_U16,	/**< 16-bit unsigned integer, network order */
	RDF_U32,	/**< 32-bit unsigned integer, network order */
	RDF_A,		/**< IPv4 address, 4 octets */
	RDF_AAAA,	/**< IPv6 address, 16 octets */
	RDF_STR,	/**< one <character-string> (RFC 1035 section 3.3) */
	RDF_STRS,	/**< one or more character-strings, to end */
	RDF_B64,	/**< binary shown in base64, to end */
	RDF_HEX,	/**< binary shown in hex, to end */
	RDF_HEX_L8,	/**< length octet + binary in hex, "-" if empty */
	RDF_B32_L8,	/**< length octet + binary in base32hex (RFC 4648) */
	RDF_BITMAP,	/**< NSEC type bitmap, to end (RFC 4034 4.1.2) */
	RDF_TIME,	/**< 32-bit time, YYYYMMDDHHmmSS (RFC 4034 3.2) */
	RDF_TYPE,	/**< 16-bit RR type shown as a mnemonic */
	RDF_SVCPARAMS,	/**< SVCB SvcParams, to end (RFC 9460 2.2) */
	RDF_TAG,	/**< CAA tag: length octet + letters/digits */
	RDF_LONGSTR,	/**< octets to end shown as one quoted string */
	RDF_PERIOD,	/**< 32-bit seconds; text also as units ("1h30m") */
	RDF_ALG,	/**< DNSSEC algorithm, 8 bits; text also mnemonic */
	RDF_CERTTYPE	/**< CERT type, 16 bits; text also mnemonic */
};

/** Names in this type's RDATA may be compressed when sent (RFC 1035
 * types only, RFC 3597 section 4). */
#define RRTYPE_F_COMPRESS	0x01
/** A DNSSEC type (RFC 4034, RFC 5155 and successors). */
#define RRTYPE_F_DNSSEC		0x02
/** A meta or question-only type (OPT, TSIG, AXFR, ANY...): never stored
 * in a zone or cache; its RDATA is treated as opaque. */
#define RRTYPE_F_META		0x04
/** Known type without a type-specific text form: presentation uses the
 * RFC 3597 generic "\# len hex" form (LOC). */
#define RRTYPE_F_GENERIC	0x08

/** Most fields any layout has, RDF_END included. */
#define RRTYPE_MAXFIELDS 10

/** Description of one RR type; entries are static and read-only. */
struct rrtype_info {
	/** the type code */
	uint16_t type;
	/** the mnemonic, upper case ("AAAA") */
	const char *name;
	/** RRTYPE_F_* flags */
	unsigned flags;
	/** RDATA layout, enum rdf_kind values ending in RDF_END; a layout
	 * that is only RDF_END for a meta type means opaque data */
	uint8_t fields[RRTYPE_MAXFIELDS];
};

/**
 * Find a type in the table.
 * @param type: the type code.
 * @return the static entry, or NULL if the type is unknown.
 */
const struct rrtype_info *rrtype_lookup(uint16_t type);

/**
 * Parse a type mnemonic ("A", "aaaa") or the RFC 3597 form "TYPEnnn",
 * case-insensitively.
 * @param s: NUL-terminated text; NULL is refused.
 * @param type: receives the code.
 * @return 0, RES_ESYNTAX for an unknown name or a number over 65535,
 *	RES_EINVAL for NULL arguments.
 */
int rrtype_from_str(const char *s, uint16_t *type);

/**
 * Text of a type: its mnemonic, or "TYPEnnn" (RFC 3597 section 5).
 * @param type: the code.
 * @param buf: output buffer, NUL-terminated on success; 16 octets are
 *	always enough.
 * @param bufsz: its size.
 * @return the length written (without the NUL), RES_ESPACE when buf is
 *	too small, RES_EINVAL for NULL buf.
 */
int rrtype_to_str(uint16_t type, char *buf, size_t bufsz);

/**
 * Text of an rcode (RFC 1035, 2136, 6891, 7873): NOERROR, SERVFAIL,
 * NXDOMAIN, ..., BADVERS, BADCOOKIE, or "RCODEnnn".
 * @param rcode: the (extended) rcode.
 * @param buf, bufsz: as rrtype_to_str(); 16 octets are always enough.
 * @return as rrtype_to_str().
 */
int rcode_to_str(int rcode, char *buf, size_t bufsz);

/**
 * Parse a class: "IN", "CH", "HS", "NONE", "ANY" or "CLASSnnn",
 * case-insensitively.
 * @param s: NUL-terminated text.
 * @param cls: receives the code.
 * @return 0, RES_ESYNTAX or RES_EINVAL (NULL arguments).
 */
int rrclass_from_str(const char *s, uint16_t *cls);

/**
 * Text of a class: its mnemonic or "CLASSnnn".
 * @param cls: the code.
 * @param buf: output buffer; 16 octets are always enough.
 * @param bufsz: its size.
 * @return the length written, RES_ESPACE or RES_EINVAL.
 */
int rrclass_to_str(uint16_t cls, char *buf, size_t bufsz);

/**
 * Iterate over the table, for tests and listings.
 * @param i: index from 0.
 * @return the i-th entry, or NULL past the end.
 */
const struct rrtype_info *rrtype_at(size_t i);

#endif /* UTIL_RRTYPE_H */
