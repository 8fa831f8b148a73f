/*
 * util/dname.h - domain names in wire format.
 *
 * A "dname" here is an uncompressed wire-format name: length-prefixed
 * labels ending with the zero-length root label, at most DNAME_MAXLEN (255)
 * octets in all and labels of at most DNAME_MAXLABEL (63) octets
 * (RFC 1035 section 3.1).  Functions taking a plain "const uint8_t *"
 * name require a name already checked by dname_unpack(), dname_check() or
 * dname_from_str(); they do not re-check bounds.
 *
 * Comparison and hashing are case-insensitive for ASCII letters only
 * (RFC 4343); the canonical order is that of RFC 4034 section 6.1.
 */
#ifndef UTIL_DNAME_H
#define UTIL_DNAME_H
#include <stddef.h>
#include <stdint.h>

/** Maximum length of a wire-format name, root label included. */
#define DNAME_MAXLEN 255
/** Maximum length of one label. */
#define DNAME_MAXLABEL 63
/** Longest presentation form: every octet as \DDD plus dots and NUL. */
#define DNAME_MAXSTR (DNAME_MAXLEN * 4 + 2)

/**
 * Read a possibly compressed name out of a packet (RFC 1035 section 4.1.4).
 * Compression pointers must point strictly backwards to an earlier label
 * start; forward pointers, self pointers and loops are malformed.
 * @param pkt: the whole packet (pointers are offsets into it).
 * @param pktlen: its length.
 * @param pos: in: offset of the name; out: offset just after it (after the
 *	first pointer if the name is compressed).
 * @param out: receives the uncompressed name; DNAME_MAXLEN octets.  May be
 *	NULL to only skip and check the name.
 * @param outlen: receives the name's length; may be NULL.
 * @return 0, or RES_EMALFORMED for any malformed name (over-long label or
 *	name, bad pointer, the packet ends inside the name, label types 01/10),
 *	RES_EINVAL when pos is NULL or pkt is NULL with a nonzero pktlen.
 */
int dname_unpack(const uint8_t *pkt, size_t pktlen, size_t *pos,
	uint8_t *out, size_t *outlen);

/**
 * Check an uncompressed name in a buffer.
 * @param buf: the name.
 * @param max: octets available in buf.
 * @param len: receives the name's length; may be NULL.
 * @return 0 or RES_EMALFORMED (no pointers are allowed here; an empty or
 *	NULL buffer is malformed too).
 */
int dname_check(const uint8_t *buf, size_t max, size_t *len);

/** Length of a checked name, root label included (1 for the root). */
size_t dname_len(const uint8_t *d);

/**
 * Convert presentation format to a wire name.
 * Handles "\." and "\DDD" escapes (RFC 1035 section 5.1), a trailing dot
 * for absolute names, "@" for the origin, and "." for the root.
 * @param str: the text, NUL-terminated.
 * @param origin: appended to relative names; NULL makes every name
 *	absolute (the root is appended).
 * @param out: receives the name; DNAME_MAXLEN octets.
 * @param outlen: receives its length; may be NULL.
 * @return 0, RES_ESYNTAX for bad escapes or empty labels, RES_ELIMIT when
 *	a label or the name is too long, RES_EINVAL when str or out is NULL.
 */
int dname_from_str(const char *str, const uint8_t *origin, uint8_t *out,
	size_t *outlen);

/**
 * Convert a wire name to presentation format, absolute with trailing dot.
 * Characters special in zone files (". ; ( ) \" \\ @ $" and space) are
 * escaped with a backslash, other non-printable octets as \DDD.
 * @param d: a checked name.
 * @param buf: output buffer; DNAME_MAXSTR is always enough.
 * @param bufsz: its size.
 * @return the length written (without NUL), RES_ESPACE when buf is too
 *	small (the exact length plus the NUL is enough), RES_EINVAL for NULL.
 */
int dname_to_str(const uint8_t *d, char *buf, size_t bufsz);

/** Number of labels, the root not counted (RRSIG "labels", RFC 4034 3.1.3).
 * A leading "*" label is counted; callers subtract it where needed. */
int dname_count_labels(const uint8_t *d);

/** Case-insensitive equality of two checked names; returns 0 or 1. */
int dname_equal(const uint8_t *a, const uint8_t *b);

/**
 * Canonical ordering, RFC 4034 section 6.1: labels compared from the root
 * down, each as lowercased octet strings.
 * @return <0, 0 or >0 as a sorts before, equal to, or after b.
 */
int dname_canonical_compare(const uint8_t *a, const uint8_t *b);

/** Case-insensitive hash of a checked name with a seed. */
uint32_t dname_hash(const uint8_t *d, uint32_t seed);

/** 1 if child equals parent or is below it, else 0. */
int dname_is_subdomain(const uint8_t *child, const uint8_t *parent);

/** 1 if child is strictly below parent, else 0. */
int dname_is_strict_subdomain(const uint8_t *child, const uint8_t *parent);

/** The name without its first label, pointing into d; NULL for the root. */
const uint8_t *dname_parent(const uint8_t *d);

/** Lowercase the ASCII letters of a checked name in place. */
void dname_tolower(uint8_t *d);

/** 1 if the first label is "*" (a wildcard owner), else 0. */
int dname_is_wildcard(const uint8_t *d);

/** 1 if the name is the root, else 0. */
int dname_is_root(const uint8_t *d);

#endif /* UTIL_DNAME_H */
