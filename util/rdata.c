/*
 * util/rdata.c - RDATA in wire and presentation format.
 *
 * One walker over the layouts of util/rrtype.h serves every direction.
 * field_scan() checks one field of uncompressed RDATA and gives its
 * length; rdata_check(), rdata_unpack() and rdata_name_offsets() are
 * loops over it.  Checks are strict and bounded: every read is preceded
 * by a length test against what is left of the RDATA, never of the
 * packet, so a field cannot run into the next record.
 *
 * Text is read by a small lexer that yields tokens (quoted strings keep
 * their escapes until a field decodes them), ignores parentheses and
 * comments, and counts parenthesis depth so a whole RR may span lines.
 * Each field kind has one reader and one writer; after reading, the
 * result goes through rdata_check() once more, so text can never produce
 * RDATA the wire checks would refuse.
 */
#include "config.h"
#include "util/rdata.h"
#include "util/dnsdef.h"
#include "util/rrtype.h"
#include "util/dname.h"
#include "util/error.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* Wire checks                                                         */

/**
 * Check an NSEC/NSEC3/CSYNC type bitmap, RFC 4034 section 4.1.2: window
 * blocks in strictly increasing order, each 1..32 octets long, no
 * trailing zero octet (so no empty window either).  Empty is allowed
 * (NSEC3 of an empty non-terminal, RFC 5155 section 3.2).
 */
static int
bitmap_check(const uint8_t *d, size_t n)
{
	size_t p = 0;
	int prev = -1;

	while (p < n) {
		uint8_t win, len;

		if (n - p < 2) {
			return RES_EMALFORMED;
		}
		win = d[p];
		len = d[p + 1];
		if ((int)win <= prev || len < 1 || len > 32 ||
		    (size_t)len > n - p - 2 || d[p + 1 + len] == 0) {
			return RES_EMALFORMED;
		}
		prev = win;
		p += 2 + (size_t)len;
	}
	return RES_OK;
}

/** SvcParamKeys of RFC 9460 section 14.3.2. */
enum svc_key {
	SVC_MANDATORY = 0,
	SVC_ALPN = 1,
	SVC_NODEFALPN = 2,
	SVC_PORT = 3,
	SVC_IPV4HINT = 4,
	SVC_ECH = 5,
	SVC_IPV6HINT = 6,
	SVC_INVALID = 65535
};

/** Find key in SvcParams already checked for framing; 1 if present. */
static int
svc_has_key(const uint8_t *d, size_t n, uint16_t key)
{
	size_t p = 0;

	while (p + 4 <= n) {
		if (wire_get16(d + p) == key) {
			return 1;
		}
		p += 4 + wire_get16(d + p + 2);
	}
	return 0;
}

/**
 * Check SvcParams, RFC 9460 section 2.2: keys strictly increasing, the
 * registered keys with well-formed values (section 7), and every key in
 * "mandatory" present and not "mandatory" itself (section 8).
 */
static int
svc_check(const uint8_t *d, size_t n)
{
	size_t p = 0, i;
	long prev = -1;

	while (p < n) {
		uint16_t key, len;
		const uint8_t *v;

		if (n - p < 4) {
			return RES_EMALFORMED;
		}
		key = wire_get16(d + p);
		len = wire_get16(d + p + 2);
		if ((long)key <= prev || key == SVC_INVALID ||
		    (size_t)len > n - p - 4) {
			return RES_EMALFORMED;
		}
		v = d + p + 4;
		switch (key) {
		case SVC_MANDATORY:
			if (len == 0 || len % 2) {
				return RES_EMALFORMED;
			}
			for (i = 0; i < len; i += 2) {
				uint16_t k = wire_get16(v + i);

				if (k == SVC_MANDATORY ||
				    (i > 0 && k <= wire_get16(v + i - 2))) {
					return RES_EMALFORMED;
				}
			}
			break;
		case SVC_ALPN:
			if (len == 0) {
				return RES_EMALFORMED;
			}
			for (i = 0; i < len; i += 1 + (size_t)v[i]) {
				if (v[i] == 0 || i + 1 + v[i] > len) {
					return RES_EMALFORMED;
				}
			}
			break;
		case SVC_NODEFALPN:
			if (len != 0) {
				return RES_EMALFORMED;
			}
			break;
		case SVC_PORT:
			if (len != 2) {
				return RES_EMALFORMED;
			}
			break;
		case SVC_IPV4HINT:
			if (len == 0 || len % 4) {
				return RES_EMALFORMED;
			}
			break;
		case SVC_ECH:
			if (len == 0) {
				return RES_EMALFORMED;
			}
			break;
		case SVC_IPV6HINT:
			if (len == 0 || len % 16) {
				return RES_EMALFORMED;
			}
			break;
		default:
			break;
		}
		prev = key;
		p += 4 + (size_t)len;
	}
	/* Mandatory keys must be present (RFC 9460 section 8). */
	p = 0;
	while (p < n) {
		uint16_t key = wire_get16(d + p), len = wire_get16(d + p + 2);

		if (key == SVC_MANDATORY) {
			for (i = 0; i < len; i += 2) {
				if (!svc_has_key(d, n,
				    wire_get16(d + p + 4 + i))) {
					return RES_EMALFORMED;
				}
			}
		}
		p += 4 + (size_t)len;
	}
	return RES_OK;
}

/**
 * Check one field of uncompressed RDATA.
 * @param kind: the field kind.
 * @param d: start of the field.
 * @param left: octets left in the RDATA from d.
 * @param flen: receives the field's length.
 * @return 0 or RES_EMALFORMED.
 */
static int
field_scan(int kind, const uint8_t *d, size_t left, size_t *flen)
{
	size_t p, need = 0;

	switch (kind) {
	case RDF_NAME_C:
	case RDF_NAME_D:
	case RDF_NAME:
		return dname_check(d, left, flen) == RES_OK ? RES_OK :
		    RES_EMALFORMED;
	case RDF_U8:
	case RDF_ALG:
		need = 1;
		break;
	case RDF_U16:
	case RDF_CERTTYPE:
	case RDF_TYPE:
		need = 2;
		break;
	case RDF_U32:
	case RDF_PERIOD:
	case RDF_TIME:
	case RDF_A:
		need = 4;
		break;
	case RDF_AAAA:
		need = 16;
		break;
	case RDF_STR:
	case RDF_HEX_L8:
		if (left < 1 || (size_t)d[0] + 1 > left) {
			return RES_EMALFORMED;
		}
		need = (size_t)d[0] + 1;
		break;
	case RDF_B32_L8:
		if (left < 1 || d[0] == 0 || (size_t)d[0] + 1 > left) {
			return RES_EMALFORMED;
		}
		need = (size_t)d[0] + 1;
		break;
	case RDF_TAG:
		/* RFC 8659 section 4.1: non-empty, letters and digits. */
		if (left < 1 || d[0] == 0 || (size_t)d[0] + 1 > left) {
			return RES_EMALFORMED;
		}
		for (p = 1; p <= d[0]; p++) {
			uint8_t c = d[p];

			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
			    || (c >= '0' && c <= '9'))) {
				return RES_EMALFORMED;
			}
		}
		need = (size_t)d[0] + 1;
		break;
	case RDF_STRS:
		/* RFC 1035 section 3.3.14: one or more strings. */
		if (left < 1) {
			return RES_EMALFORMED;
		}
		for (p = 0; p < left; p += 1 + (size_t)d[p]) {
			if (p + 1 + d[p] > left) {
				return RES_EMALFORMED;
			}
		}
		need = left;
		break;
	case RDF_B64:
	case RDF_HEX:
	case RDF_LONGSTR:
		need = left;
		break;
	case RDF_BITMAP:
		if (bitmap_check(d, left) != RES_OK) {
			return RES_EMALFORMED;
		}
		need = left;
		break;
	case RDF_SVCPARAMS:
		if (svc_check(d, left) != RES_OK) {
			return RES_EMALFORMED;
		}
		need = left;
		break;
	default:
		return RES_EMALFORMED;
	}
	if (need > left) {
		return RES_EMALFORMED;
	}
	*flen = need;
	return RES_OK;
}

/** 1 if the type's RDATA is laid out field by field, 0 if opaque. */
static int
has_layout(const struct rrtype_info *ti)
{
	return ti && ti->fields[0] != RDF_END;
}

int
rdata_check(uint16_t type, const uint8_t *rdata, size_t rdlen)
{
	const struct rrtype_info *ti = rrtype_lookup(type);
	size_t p = 0, flen;
	int i;

	if (!rdata && rdlen) {
		return RES_EMALFORMED;
	}
	if (rdlen > RDATA_MAXLEN) {
		return RES_EMALFORMED;
	}
	if (!has_layout(ti)) {
		return RES_OK;
	}
	for (i = 0; i < RRTYPE_MAXFIELDS && ti->fields[i] != RDF_END; i++) {
		if (field_scan(ti->fields[i], rdata + p, rdlen - p, &flen)
		    != RES_OK) {
			return RES_EMALFORMED;
		}
		p += flen;
	}
	return p == rdlen ? RES_OK : RES_EMALFORMED;
}

int
rdata_unpack(uint16_t type, const uint8_t *pkt, size_t pktlen, size_t pos,
    size_t rdlen, uint8_t *out, size_t outsz, size_t *outlen)
{
	const struct rrtype_info *ti = rrtype_lookup(type);
	size_t end, q, w = 0, flen;
	int i;

	if (!pkt || !out || !outlen) {
		return RES_EINVAL;
	}
	if (pos > pktlen || rdlen > pktlen - pos || rdlen > RDATA_MAXLEN) {
		return RES_EMALFORMED;
	}
	end = pos + rdlen;
	if (!has_layout(ti)) {
		if (rdlen > outsz) {
			return RES_ESPACE;
		}
		memcpy(out, pkt + pos, rdlen);
		*outlen = rdlen;
		return RES_OK;
	}
	q = pos;
	for (i = 0; i < RRTYPE_MAXFIELDS && ti->fields[i] != RDF_END; i++) {
		int k = ti->fields[i];

		if (k == RDF_NAME_C || k == RDF_NAME_D) {
			/* RFC 3597 section 4: decompress these.  The packet
			 * is cut at the end of the RDATA so the name cannot
			 * run past it; pointers go backwards anyway. */
			uint8_t name[DNAME_MAXLEN];

			if (dname_unpack(pkt, end, &q, name, &flen)
			    != RES_OK) {
				return RES_EMALFORMED;
			}
			if (flen > outsz - w) {
				return RES_ESPACE;
			}
			memcpy(out + w, name, flen);
			w += flen;
			continue;
		}
		if (field_scan(k, pkt + q, end - q, &flen) != RES_OK) {
			return RES_EMALFORMED;
		}
		if (flen > outsz - w) {
			return RES_ESPACE;
		}
		memcpy(out + w, pkt + q, flen);
		w += flen;
		q += flen;
	}
	if (q != end) {
		return RES_EMALFORMED;
	}
	if (w > RDATA_MAXLEN) {
		/* Decompression grew it past what RDLENGTH can carry. */
		return RES_EMALFORMED;
	}
	*outlen = w;
	return RES_OK;
}

int
rdata_name_offsets(uint16_t type, const uint8_t *rdata, size_t rdlen,
    size_t *offs, int max, int *compressible)
{
	const struct rrtype_info *ti = rrtype_lookup(type);
	size_t p = 0, flen;
	int i, n = 0;

	if (compressible) {
		*compressible = ti && (ti->flags & RRTYPE_F_COMPRESS) ? 1 : 0;
	}
	if (rdata_check(type, rdata, rdlen) != RES_OK) {
		return RES_EMALFORMED;
	}
	if (!has_layout(ti)) {
		return 0;
	}
	for (i = 0; i < RRTYPE_MAXFIELDS && ti->fields[i] != RDF_END; i++) {
		int k = ti->fields[i];

		(void)field_scan(k, rdata + p, rdlen - p, &flen);
		if (k == RDF_NAME_C || k == RDF_NAME_D || k == RDF_NAME) {
			if (n >= max || !offs) {
				return RES_ESPACE;
			}
			offs[n++] = p;
		}
		p += flen;
	}
	return n;
}

int
rdata_rrsig_parse(const uint8_t *rd, size_t len, struct rdata_rrsig *sig)
{
	if (!rd || !sig || len < 19 || dname_check(rd + 18, len - 18,
	    NULL) != RES_OK) {
		return RES_EMALFORMED;
	}
	sig->covered = wire_get16(rd);
	sig->alg = rd[2];
	sig->labels = rd[3];
	sig->ottl = wire_get32(rd + 4);
	sig->expiration = wire_get32(rd + 8);
	sig->inception = wire_get32(rd + 12);
	sig->tag = wire_get16(rd + 16);
	sig->signer = rd + 18;
	return RES_OK;
}

uint16_t
rdata_dnskey_keytag(const uint8_t *rdata, size_t rdlen)
{
	uint32_t ac = 0;
	size_t i;

	if (!rdata || rdlen < 4) {
		return 0;
	}
	if (rdata[3] == 1) {
		/* RFC 4034 appendix B.1: RSA/MD5 uses the most significant
		 * 16 of the low 24 bits of the modulus. */
		if (rdlen < 7) {
			return 0;
		}
		return wire_get16(rdata + rdlen - 3);
	}
	for (i = 0; i < rdlen; i++) {
		ac += (i & 1) ? rdata[i] : (uint32_t)rdata[i] << 8;
	}
	ac += (ac >> 16) & 0xffff;
	return (uint16_t)(ac & 0xffff);
}

/* ------------------------------------------------------------------ */
/* Encodings: base64 (RFC 4648 section 4), base32hex (section 7), hex  */

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b32hex[] = "0123456789abcdefghijklmnopqrstuv";
static const char hexchars[] = "0123456789ABCDEF";

/** Value of a base64 digit or -1. */
static int
b64val(char c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	if (c == '+') {
		return 62;
	}
	if (c == '/') {
		return 63;
	}
	return -1;
}

/** Value of a hex digit or -1. */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/** Value of a base32hex digit (either case) or -1. */
static int
b32val(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'v') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'V') {
		return c - 'A' + 10;
	}
	return -1;
}

/** Incremental base64 decoder: digits may come in several tokens. */
struct b64dec {
	/** bits collected, not yet output */
	uint32_t acc;
	/** number of digits in the current quantum (0..3) */
	int n;
	/** '=' seen: only more '=' may follow */
	int pad;
	/** '=' count in the last quantum */
	int npad;
};

/**
 * Feed base64 text to the decoder, appending octets to out.
 * @return 0, RES_ESYNTAX for a bad digit or padding, RES_ESPACE.
 */
static int
b64_feed(struct b64dec *st, const char *s, size_t n, uint8_t *out,
    size_t outsz, size_t *w)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int v;

		if (s[i] == '=') {
			/* Padding only completes a quantum of 2 or 3. */
			if ((!st->pad && st->n < 2) || st->npad >= 2 ||
			    (st->pad && st->n + st->npad >= 4)) {
				return RES_ESYNTAX;
			}
			st->pad = 1;
			st->npad++;
			if (st->n + st->npad == 4) {
				if (st->n == 2) {
					if (*w + 1 > outsz) {
						return RES_ESPACE;
					}
					out[(*w)++] = (uint8_t)(st->acc >> 4);
				} else {
					if (*w + 2 > outsz) {
						return RES_ESPACE;
					}
					out[(*w)++] = (uint8_t)(st->acc >> 10);
					out[(*w)++] = (uint8_t)(st->acc >> 2);
				}
				st->n = 4;
			}
			continue;
		}
		if (st->pad || (v = b64val(s[i])) < 0) {
			return RES_ESYNTAX;
		}
		st->acc = (st->acc << 6) | (uint32_t)v;
		if (++st->n == 4) {
			if (*w + 3 > outsz) {
				return RES_ESPACE;
			}
			out[(*w)++] = (uint8_t)(st->acc >> 16);
			out[(*w)++] = (uint8_t)(st->acc >> 8);
			out[(*w)++] = (uint8_t)st->acc;
			st->n = 0;
			st->acc = 0;
		}
	}
	return RES_OK;
}

/** End of base64 input: the last quantum must be complete. */
static int
b64_done(const struct b64dec *st)
{
	if (st->pad) {
		return st->n == 4 ? RES_OK : RES_ESYNTAX;
	}
	return st->n == 0 ? RES_OK : RES_ESYNTAX;
}

/* ------------------------------------------------------------------ */
/* Text output                                                         */

/** A bounded, always NUL-terminated text buffer. */
struct sbuf {
	/** the buffer */
	char *buf;
	/** its size, at least 1 */
	size_t sz;
	/** characters written */
	size_t w;
	/** set when something did not fit */
	int full;
};

/** Append n characters. */
static void
sb_add(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->full || n >= sb->sz - sb->w) {
		sb->full = 1;
		return;
	}
	memcpy(sb->buf + sb->w, s, n);
	sb->w += n;
	sb->buf[sb->w] = 0;
}

/** Append a C string. */
static void
sb_str(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

/** Append a character. */
static void
sb_chr(struct sbuf *sb, char c)
{
	sb_add(sb, &c, 1);
}

/** Append an unsigned decimal. */
static void
sb_uint(struct sbuf *sb, unsigned long v)
{
	char t[24];

	snprintf(t, sizeof(t), "%lu", v);
	sb_str(sb, t);
}

/** Append octets as a character-string body: '"' and '\' escaped with a
 * backslash, non-printable octets as \DDD (RFC 1035 section 5.1). */
static void
sb_cstr(struct sbuf *sb, const uint8_t *s, size_t n)
{
	size_t i;
	char t[5];

	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\') {
			t[0] = '\\';
			t[1] = (char)s[i];
			sb_add(sb, t, 2);
		} else if (s[i] < 0x20 || s[i] > 0x7e) {
			snprintf(t, sizeof(t), "\\%03u", s[i]);
			sb_add(sb, t, 4);
		} else {
			sb_chr(sb, (char)s[i]);
		}
	}
}

/** Append a quoted character-string. */
static void
sb_qstr(struct sbuf *sb, const uint8_t *s, size_t n)
{
	sb_chr(sb, '"');
	sb_cstr(sb, s, n);
	sb_chr(sb, '"');
}

/** Append octets in upper-case hex. */
static void
sb_hex(struct sbuf *sb, const uint8_t *d, size_t n)
{
	size_t i;
	char t[2];

	for (i = 0; i < n; i++) {
		t[0] = hexchars[d[i] >> 4];
		t[1] = hexchars[d[i] & 15];
		sb_add(sb, t, 2);
	}
}

/** Append octets in base64 with padding, no line breaks. */
static void
sb_b64(struct sbuf *sb, const uint8_t *d, size_t n)
{
	size_t i;
	char t[4];

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = ((uint32_t)d[i] << 16) | ((uint32_t)d[i + 1] << 8)
		    | d[i + 2];

		t[0] = b64chars[v >> 18];
		t[1] = b64chars[(v >> 12) & 63];
		t[2] = b64chars[(v >> 6) & 63];
		t[3] = b64chars[v & 63];
		sb_add(sb, t, 4);
	}
	if (n - i == 1) {
		t[0] = b64chars[d[i] >> 2];
		t[1] = b64chars[(d[i] & 3) << 4];
		t[2] = t[3] = '=';
		sb_add(sb, t, 4);
	} else if (n - i == 2) {
		uint32_t v = ((uint32_t)d[i] << 8) | d[i + 1];

		t[0] = b64chars[v >> 10];
		t[1] = b64chars[(v >> 4) & 63];
		t[2] = b64chars[(v << 2) & 63];
		t[3] = '=';
		sb_add(sb, t, 4);
	}
}

/** Append octets in lower-case base32hex without padding (RFC 5155
 * section 3.3). */
static void
sb_b32(struct sbuf *sb, const uint8_t *d, size_t n)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | d[i];
		bits += 8;
		while (bits >= 5) {
			sb_chr(sb, b32hex[(acc >> (bits - 5)) & 31]);
			bits -= 5;
		}
	}
	if (bits > 0) {
		sb_chr(sb, b32hex[(acc << (5 - bits)) & 31]);
	}
}

/** Append a type mnemonic. */
static void
sb_type(struct sbuf *sb, uint16_t t)
{
	char s[16];

	if (rrtype_to_str(t, s, sizeof(s)) > 0) {
		sb_str(sb, s);
	}
}

/** Days since 1970-01-01 of a proleptic Gregorian date. */
static long
days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

/** Append a time as YYYYMMDDHHmmSS, RFC 4034 section 3.2. */
static void
sb_time(struct sbuf *sb, uint32_t t)
{
	long z = (long)(t / 86400) + 719468, era, y;
	unsigned doe, yoe, doy, mp, d, m, s = t % 86400;
	char buf[32];

	era = z / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(buf, sizeof(buf), "%04ld%02u%02u%02u%02u%02u", y, m, d,
	    s / 3600, (s / 60) % 60, s % 60);
	sb_str(sb, buf);
}

/** Names of the registered SvcParamKeys, indexed by key. */
static const char *const svc_names[] = { "mandatory", "alpn",
    "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint" };

#define SVC_NNAMES (sizeof(svc_names) / sizeof(svc_names[0]))

/** Append a SvcParamKey name. */
static void
sb_svckey(struct sbuf *sb, uint16_t key)
{
	if (key < SVC_NNAMES) {
		sb_str(sb, svc_names[key]);
	} else {
		sb_str(sb, "key");
		sb_uint(sb, key);
	}
}

/** Append checked SvcParams, each as " key=value" (RFC 9460 2.1). */
static void
sb_svcparams(struct sbuf *sb, const uint8_t *d, size_t n)
{
	size_t p = 0, i;
	char a[INET6_ADDRSTRLEN];

	while (p < n) {
		uint16_t key = wire_get16(d + p), len = wire_get16(d + p + 2);
		const uint8_t *v = d + p + 4;

		sb_chr(sb, ' ');
		sb_svckey(sb, key);
		switch (key) {
		case SVC_MANDATORY:
			sb_chr(sb, '=');
			for (i = 0; i < len; i += 2) {
				if (i) {
					sb_chr(sb, ',');
				}
				sb_svckey(sb, wire_get16(v + i));
			}
			break;
		case SVC_ALPN:
			/* A value list (appendix A.1): ',' and '\' inside
			 * an item get a backslash, then the whole value is
			 * written as a character-string. */
			sb_add(sb, "=\"", 2);
			for (i = 0; i < len; i += 1 + (size_t)v[i]) {
				size_t j;

				if (i) {
					sb_chr(sb, ',');
				}
				for (j = 1; j <= v[i]; j++) {
					uint8_t c = v[i + j];

					if (c == ',' || c == '\\') {
						sb_add(sb, "\\\\", 2);
					}
					sb_cstr(sb, &c, 1);
				}
			}
			sb_chr(sb, '"');
			break;
		case SVC_NODEFALPN:
			break;
		case SVC_PORT:
			sb_chr(sb, '=');
			sb_uint(sb, wire_get16(v));
			break;
		case SVC_IPV4HINT:
		case SVC_IPV6HINT:
			sb_chr(sb, '=');
			for (i = 0; i < len;
			    i += key == SVC_IPV4HINT ? 4 : 16) {
				if (i) {
					sb_chr(sb, ',');
				}
				inet_ntop(key == SVC_IPV4HINT ? AF_INET :
				    AF_INET6, v + i, a, sizeof(a));
				sb_str(sb, a);
			}
			break;
		case SVC_ECH:
			sb_chr(sb, '=');
			sb_b64(sb, v, len);
			break;
		default:
			if (len) {
				sb_chr(sb, '=');
				sb_qstr(sb, v, len);
			}
			break;
		}
		p += 4 + (size_t)len;
	}
}

/** Append the RFC 3597 generic form. */
static void
sb_generic(struct sbuf *sb, const uint8_t *d, size_t n)
{
	sb_str(sb, "\\# ");
	sb_uint(sb, n);
	if (n) {
		sb_chr(sb, ' ');
		sb_hex(sb, d, n);
	}
}

/**
 * Append one checked field.
 * @return its length in the RDATA.
 */
static size_t
sb_field(struct sbuf *sb, int kind, const uint8_t *d, size_t left)
{
	size_t flen = 0, p;
	char a[INET6_ADDRSTRLEN];
	uint8_t name[DNAME_MAXLEN];
	char ns[DNAME_MAXSTR];

	(void)field_scan(kind, d, left, &flen);
	switch (kind) {
	case RDF_NAME_C:
	case RDF_NAME_D:
	case RDF_NAME:
		memcpy(name, d, flen);
		if (dname_to_str(name, ns, sizeof(ns)) < 0) {
			sb->full = 1;
		} else {
			sb_str(sb, ns);
		}
		break;
	case RDF_U8:
	case RDF_ALG:
		sb_uint(sb, d[0]);
		break;
	case RDF_U16:
	case RDF_CERTTYPE:
		sb_uint(sb, wire_get16(d));
		break;
	case RDF_U32:
	case RDF_PERIOD:
		sb_uint(sb, wire_get32(d));
		break;
	case RDF_TYPE:
		sb_type(sb, wire_get16(d));
		break;
	case RDF_TIME:
		sb_time(sb, wire_get32(d));
		break;
	case RDF_A:
	case RDF_AAAA:
		inet_ntop(kind == RDF_A ? AF_INET : AF_INET6, d, a, sizeof(a));
		sb_str(sb, a);
		break;
	case RDF_STR:
		sb_qstr(sb, d + 1, d[0]);
		break;
	case RDF_STRS:
		for (p = 0; p < flen; p += 1 + (size_t)d[p]) {
			if (p) {
				sb_chr(sb, ' ');
			}
			sb_qstr(sb, d + p + 1, d[p]);
		}
		break;
	case RDF_B64:
		sb_b64(sb, d, flen);
		break;
	case RDF_HEX:
		sb_hex(sb, d, flen);
		break;
	case RDF_HEX_L8:
		if (d[0] == 0) {
			sb_chr(sb, '-');
		} else {
			sb_hex(sb, d + 1, d[0]);
		}
		break;
	case RDF_B32_L8:
		sb_b32(sb, d + 1, d[0]);
		break;
	case RDF_TAG:
		sb_add(sb, (const char *)d + 1, d[0]);
		break;
	case RDF_LONGSTR:
		sb_qstr(sb, d, flen);
		break;
	case RDF_BITMAP:
		/* RFC 4034 section 4.1.2: window w, bit i of octet j is
		 * type w * 256 + j * 8 + i, most significant bit first. */
		for (p = 0; p < flen; p += 2 + (size_t)d[p + 1]) {
			size_t j;
			int b;

			for (j = 0; j < d[p + 1]; j++) {
				for (b = 0; b < 8; b++) {
					if (d[p + 2 + j] & (0x80 >> b)) {
						sb_chr(sb, ' ');
						sb_type(sb, (uint16_t)(d[p] *
						    256 + j * 8 + (size_t)b));
					}
				}
			}
		}
		break;
	case RDF_SVCPARAMS:
		sb_svcparams(sb, d, flen);
		break;
	}
	return flen;
}

int
rdata_to_str(uint16_t type, const uint8_t *rdata, size_t rdlen, char *buf,
    size_t bufsz)
{
	const struct rrtype_info *ti = rrtype_lookup(type);
	struct sbuf sb;
	size_t p = 0;
	int i;

	if (!buf || bufsz == 0 || (!rdata && rdlen)) {
		return RES_EINVAL;
	}
	if (rdata_check(type, rdata, rdlen) != RES_OK) {
		return RES_EMALFORMED;
	}
	sb.buf = buf;
	sb.sz = bufsz;
	sb.w = 0;
	sb.full = 0;
	buf[0] = 0;
	if (!has_layout(ti) || (ti->flags & RRTYPE_F_GENERIC)) {
		sb_generic(&sb, rdata, rdlen);
		return sb.full ? RES_ESPACE : (int)sb.w;
	}
	/* Empty base64 or hex data has no text form of its own. */
	for (i = 0; i < RRTYPE_MAXFIELDS && ti->fields[i] != RDF_END; i++) {
		size_t flen = 0;
		int k = ti->fields[i];

		(void)field_scan(k, rdata + p, rdlen - p, &flen);
		if ((k == RDF_B64 || k == RDF_HEX) && flen == 0) {
			sb_generic(&sb, rdata, rdlen);
			return sb.full ? RES_ESPACE : (int)sb.w;
		}
		p += flen;
	}
	p = 0;
	for (i = 0; i < RRTYPE_MAXFIELDS && ti->fields[i] != RDF_END; i++) {
		int k = ti->fields[i];

		/* Bitmaps and SvcParams put a blank before each item. */
		if (i > 0 && k != RDF_BITMAP && k != RDF_SVCPARAMS) {
			sb_chr(&sb, ' ');
		}
		p += sb_field(&sb, k, rdata + p, rdlen - p);
	}
	return sb.full ? RES_ESPACE : (int)sb.w;
}

/* ------------------------------------------------------------------ */
/* Text input                                                          */

/** The lexer over presentation text. */
struct lexer {
	/** next character to read */
	const char *s;
	/** open parentheses */
	int depth;
	/** set on an unbalanced ')' or an unterminated quote */
	int bad;
};

/** One token: a slice of the text, escapes not yet decoded. */
struct tok {
	/** first character (after the opening quote if quoted) */
	const char *p;
	/** length (without the quotes) */
	size_t len;
	/** 1 if it was a quoted string */
	int quoted;
};

/** 1 for the blanks that separate tokens. */
static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/**
 * Next token.  Parentheses only group lines (RFC 1035 section 5.1) and
 * are counted, ';' starts a comment to the end of the line.  In an
 * unquoted token a backslash protects the next character and a quoted
 * part is kept whole, so SvcParams like alpn="h2 x" are one token.
 * @return 1 with a token, 0 at the end (or on error, lx->bad set).
 */
static int
lex_next(struct lexer *lx, struct tok *t)
{
	const char *s = lx->s;

	for (;;) {
		while (is_blank(*s)) {
			s++;
		}
		if (*s == '(') {
			lx->depth++;
			s++;
		} else if (*s == ')') {
			if (--lx->depth < 0) {
				lx->bad = 1;
				lx->s = s;
				return 0;
			}
			s++;
		} else if (*s == ';') {
			while (*s && *s != '\n') {
				s++;
			}
		} else {
			break;
		}
	}
	if (*s == 0) {
		lx->s = s;
		return 0;
	}
	if (*s == '"') {
		t->p = ++s;
		while (*s && *s != '"') {
			if (*s == '\\' && s[1]) {
				s++;
			}
			s++;
		}
		if (*s != '"') {
			lx->bad = 1;
			lx->s = s;
			return 0;
		}
		t->len = (size_t)(s - t->p);
		t->quoted = 1;
		lx->s = s + 1;
		return 1;
	}
	t->p = s;
	while (*s && !is_blank(*s) && *s != '(' && *s != ')' && *s != ';') {
		if (*s == '\\' && s[1]) {
			s++;
		} else if (*s == '"') {
			s++;
			while (*s && *s != '"') {
				if (*s == '\\' && s[1]) {
					s++;
				}
				s++;
			}
			if (*s != '"') {
				lx->bad = 1;
				lx->s = s;
				return 0;
			}
		}
		s++;
	}
	t->len = (size_t)(s - t->p);
	t->quoted = 0;
	lx->s = s;
	return 1;
}

/** Copy an unquoted token into a C string. */
static int
tok_cstr(const struct tok *t, char *buf, size_t bufsz)
{
	if (t->quoted || t->len >= bufsz) {
		return RES_ESYNTAX;
	}
	memcpy(buf, t->p, t->len);
	buf[t->len] = 0;
	return RES_OK;
}

/**
 * Decode character-string text (RFC 1035 section 5.1): "\DDD" is an
 * octet in decimal, "\X" is X; an unescaped '"' is refused.
 * @return 0, RES_ESYNTAX (bad escape, or longer than max).
 */
static int
decode_cstr(const char *s, size_t n, uint8_t *out, size_t max, size_t *len)
{
	size_t i = 0, w = 0;

	while (i < n) {
		uint8_t c;

		if (s[i] == '\\') {
			if (i + 1 >= n) {
				return RES_ESYNTAX;
			}
			if (s[i + 1] >= '0' && s[i + 1] <= '9') {
				int v;

				if (n - i < 4 || s[i + 2] < '0' ||
				    s[i + 2] > '9' || s[i + 3] < '0' ||
				    s[i + 3] > '9') {
					return RES_ESYNTAX;
				}
				v = (s[i + 1] - '0') * 100 +
				    (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
				if (v > 255) {
					return RES_ESYNTAX;
				}
				c = (uint8_t)v;
				i += 4;
			} else {
				c = (uint8_t)s[i + 1];
				i += 2;
			}
		} else if (s[i] == '"') {
			return RES_ESYNTAX;
		} else {
			c = (uint8_t)s[i++];
		}
		if (w >= max) {
			return RES_ESYNTAX;
		}
		out[w++] = c;
	}
	*len = w;
	return RES_OK;
}

/** Output RDATA under construction. */
struct obuf {
	/** the buffer */
	uint8_t *p;
	/** its size */
	size_t sz;
	/** octets written */
	size_t w;
};

/** Append octets; RES_ESPACE if they do not fit. */
static int
ob_add(struct obuf *o, const void *d, size_t n)
{
	if (n > o->sz - o->w) {
		return RES_ESPACE;
	}
	if (n) {
		memcpy(o->p + o->w, d, n);
	}
	o->w += n;
	return RES_OK;
}

/** Append a 16-bit value in network order. */
static int
ob_u16(struct obuf *o, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return ob_add(o, b, 2);
}

/**
 * Parse an unsigned decimal of at most max, digits only.
 * @return 0 or RES_ESYNTAX.
 */
static int
parse_uint(const char *s, size_t n, uint32_t max, uint32_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 10) {
		return RES_ESYNTAX;
	}
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return RES_ESYNTAX;
		}
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x > max) {
		return RES_ESYNTAX;
	}
	*v = (uint32_t)x;
	return RES_OK;
}

/** Days in a month of a year (Gregorian). */
static unsigned
month_days(long y, unsigned m)
{
	static const unsigned md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
		return 29;
	}
	return md[m - 1];
}

/**
 * Parse an RRSIG time, RFC 4034 section 3.2: YYYYMMDDHHmmSS (UTC), or
 * seconds since 1970 as an unsigned decimal.  A date must lie within
 * the 32-bit range (1970 to 2106).
 */
static int
parse_time(const struct tok *t, uint32_t *v)
{
	unsigned f[6], i, pos = 0;
	static const unsigned width[6] = { 4, 2, 2, 2, 2, 2 };
	uint64_t secs;

	if (t->quoted) {
		return RES_ESYNTAX;
	}
	if (t->len != 14) {
		return parse_uint(t->p, t->len, 0xffffffffu, v);
	}
	for (i = 0; i < 6; i++) {
		uint32_t x;

		if (parse_uint(t->p + pos, width[i], 9999, &x) != RES_OK) {
			return RES_ESYNTAX;
		}
		f[i] = x;
		pos += width[i];
	}
	if (f[0] < 1970 || f[1] < 1 || f[1] > 12 || f[2] < 1 ||
	    f[2] > month_days(f[0], f[1]) || f[3] > 23 || f[4] > 59 ||
	    f[5] > 59) {
		return RES_ESYNTAX;
	}
	secs = (uint64_t)days_from_civil(f[0], f[1], f[2]) * 86400 +
	    f[3] * 3600 + f[4] * 60 + f[5];
	if (secs > 0xffffffffu) {
		return RES_ESYNTAX;
	}
	*v = (uint32_t)secs;
	return RES_OK;
}

/** Append hex digits (an even number in all) to out. */
static int
hex_feed(const char *s, size_t n, int *half, uint8_t *out, size_t outsz,
    size_t *w)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int v = hexval(s[i]);

		if (v < 0) {
			return RES_ESYNTAX;
		}
		if (*half < 0) {
			*half = v;
			continue;
		}
		if (*w >= outsz) {
			return RES_ESPACE;
		}
		out[(*w)++] = (uint8_t)((*half << 4) | v);
		*half = -1;
	}
	return RES_OK;
}

/**
 * Parse the rest of the tokens as one hex string (blanks allowed).
 * @param need: 1 if at least one digit is required.
 */
static int
parse_hex_rest(struct lexer *lx, struct obuf *o, int need)
{
	struct tok t;
	int half = -1, any = 0, r;

	while (lex_next(lx, &t)) {
		if (t.quoted) {
			return RES_ESYNTAX;
		}
		r = hex_feed(t.p, t.len, &half, o->p, o->sz, &o->w);
		if (r != RES_OK) {
			return r;
		}
		any = 1;
	}
	if (lx->bad || half >= 0 || (need && !any)) {
		return RES_ESYNTAX;
	}
	return RES_OK;
}

/** Parse the rest of the tokens as base64 (blanks allowed), at least one
 * digit. */
static int
parse_b64_rest(struct lexer *lx, struct obuf *o)
{
	struct b64dec st;
	struct tok t;
	int any = 0, r;

	memset(&st, 0, sizeof(st));
	while (lex_next(lx, &t)) {
		if (t.quoted) {
			return RES_ESYNTAX;
		}
		r = b64_feed(&st, t.p, t.len, o->p, o->sz, &o->w);
		if (r != RES_OK) {
			return r;
		}
		any = 1;
	}
	if (lx->bad || !any) {
		return RES_ESYNTAX;
	}
	return b64_done(&st);
}

/** Decode base64 text of one value into out (for ech=). */
static int
decode_b64(const char *s, size_t n, uint8_t *out, size_t outsz, size_t *len)
{
	struct b64dec st;
	size_t w = 0;
	int r;

	memset(&st, 0, sizeof(st));
	if (n == 0) {
		return RES_ESYNTAX;
	}
	r = b64_feed(&st, s, n, out, outsz, &w);
	if (r == RES_OK) {
		r = b64_done(&st);
	}
	*len = w;
	return r == RES_ESPACE ? RES_ESYNTAX : r;
}

/** Parse a base32hex token (no padding) with a length octet in front. */
static int
parse_b32_l8(const struct tok *t, struct obuf *o)
{
	uint8_t buf[255];
	uint32_t acc = 0;
	int bits = 0;
	size_t i, w = 0;

	if (t->quoted || t->len == 0) {
		return RES_ESYNTAX;
	}
	for (i = 0; i < t->len; i++) {
		int v = b32val(t->p[i]);

		if (v < 0) {
			return RES_ESYNTAX;
		}
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			if (w >= sizeof(buf)) {
				return RES_ESYNTAX;
			}
			buf[w++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	/* Leftover bits must be padding zeros of a valid length. */
	if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0 || w == 0) {
		return RES_ESYNTAX;
	}
	if (ob_add(o, (uint8_t[]){ (uint8_t)w }, 1) != RES_OK) {
		return RES_ESPACE;
	}
	return ob_add(o, buf, w);
}

/** Set the bit of a type in a 65536-bit set. */
static void
bit_set(uint8_t *set, uint16_t t)
{
	set[t >> 3] |= (uint8_t)(0x80 >> (t & 7));
}

/** Parse the rest of the tokens as type mnemonics into a bitmap. */
static int
parse_bitmap_rest(struct lexer *lx, struct obuf *o)
{
	uint8_t *set;
	struct tok t;
	char s[32];
	int win, r = RES_OK;

	set = calloc(1, 8192);
	if (!set) {
		return RES_ENOMEM;
	}
	while (lex_next(lx, &t)) {
		uint16_t type;

		if (tok_cstr(&t, s, sizeof(s)) != RES_OK ||
		    rrtype_from_str(s, &type) != RES_OK) {
			r = RES_ESYNTAX;
			goto out;
		}
		bit_set(set, type);
	}
	if (lx->bad) {
		r = RES_ESYNTAX;
		goto out;
	}
	/* RFC 4034 section 4.1.2: one block per non-empty window, in
	 * increasing order, without trailing zero octets. */
	for (win = 0; win < 256; win++) {
		const uint8_t *b = set + win * 32;
		int len = 32;
		uint8_t hdr[2];

		while (len > 0 && b[len - 1] == 0) {
			len--;
		}
		if (len == 0) {
			continue;
		}
		hdr[0] = (uint8_t)win;
		hdr[1] = (uint8_t)len;
		if ((r = ob_add(o, hdr, 2)) != RES_OK ||
		    (r = ob_add(o, b, (size_t)len)) != RES_OK) {
			goto out;
		}
	}
out:
	free(set);
	return r;
}

/** Parse a SvcParamKey name: a registered name or keyNNNNN. */
static int
parse_svckey(const char *s, size_t n, uint16_t *key)
{
	size_t i;
	uint32_t v;

	for (i = 0; i < SVC_NNAMES; i++) {
		if (strlen(svc_names[i]) == n &&
		    strncmp(s, svc_names[i], n) == 0) {
			*key = (uint16_t)i;
			return RES_OK;
		}
	}
	if (n > 3 && strncmp(s, "key", 3) == 0 &&
	    parse_uint(s + 3, n - 3, 65534, &v) == RES_OK) {
		/* No leading zeros: "key0667" is not a key. */
		if (n > 4 && s[3] == '0') {
			return RES_ESYNTAX;
		}
		*key = (uint16_t)v;
		return RES_OK;
	}
	return RES_ESYNTAX;
}

/**
 * Split a decoded value at ',' into items and call fn on each; in a
 * value list (RFC 9460 appendix A.1) a backslash protects the next
 * octet, elsewhere (addresses, key lists) it cannot occur.
 * @return 0 or the first error of fn, RES_ESYNTAX for empty items.
 */
static int
svc_split(const uint8_t *v, size_t n, int escapes,
    int (*fn)(const uint8_t *, size_t, struct obuf *), struct obuf *o)
{
	uint8_t item[256];
	size_t i = 0, w = 0;
	int r;

	if (n == 0) {
		return RES_ESYNTAX;
	}
	for (;;) {
		if (i == n || v[i] == ',') {
			if (w == 0) {
				return RES_ESYNTAX;
			}
			if ((r = fn(item, w, o)) != RES_OK) {
				return r;
			}
			w = 0;
			if (i == n) {
				return RES_OK;
			}
			i++;
			continue;
		}
		if (v[i] == '\\' && escapes) {
			if (i + 1 >= n) {
				return RES_ESYNTAX;
			}
			i++;
		}
		if (w >= 255) {
			return RES_ESYNTAX;
		}
		item[w++] = v[i++];
	}
}

/** One alpn-id: length octet and octets. */
static int
svc_alpn_item(const uint8_t *s, size_t n, struct obuf *o)
{
	uint8_t l = (uint8_t)n;
	int r;

	if ((r = ob_add(o, &l, 1)) != RES_OK) {
		return r;
	}
	return ob_add(o, s, n);
}

/** Copy an item into a C string for inet_pton and key names. */
static int
item_cstr(const uint8_t *s, size_t n, char *buf, size_t bufsz)
{
	if (n >= bufsz || memchr(s, 0, n)) {
		return RES_ESYNTAX;
	}
	memcpy(buf, s, n);
	buf[n] = 0;
	return RES_OK;
}

/** One IPv4 hint. */
static int
svc_v4_item(const uint8_t *s, size_t n, struct obuf *o)
{
	char a[INET6_ADDRSTRLEN];
	uint8_t b[4];

	if (item_cstr(s, n, a, sizeof(a)) != RES_OK ||
	    inet_pton(AF_INET, a, b) != 1) {
		return RES_ESYNTAX;
	}
	return ob_add(o, b, 4);
}

/** One IPv6 hint. */
static int
svc_v6_item(const uint8_t *s, size_t n, struct obuf *o)
{
	char a[INET6_ADDRSTRLEN + 8];
	uint8_t b[16];

	if (item_cstr(s, n, a, sizeof(a)) != RES_OK ||
	    inet_pton(AF_INET6, a, b) != 1) {
		return RES_ESYNTAX;
	}
	return ob_add(o, b, 16);
}

/** One key of a mandatory list. */
static int
svc_key_item(const uint8_t *s, size_t n, struct obuf *o)
{
	uint16_t key;

	if (parse_svckey((const char *)s, n, &key) != RES_OK ||
	    key == SVC_MANDATORY) {
		return RES_ESYNTAX;
	}
	return ob_u16(o, key);
}

/** Compare two u16 in network order, for qsort. */
static int
cmp_u16(const void *a, const void *b)
{
	return (int)wire_get16(a) - (int)wire_get16(b);
}

/** A SvcParam read from text, before sorting. */
struct svc_param {
	/** the key */
	uint16_t key;
	/** offset of its value in the scratch buffer */
	size_t off;
	/** length of the value */
	size_t len;
};

/** Compare SvcParams by key, for qsort. */
static int
cmp_param(const void *a, const void *b)
{
	const struct svc_param *x = a, *y = b;

	return (int)x->key - (int)y->key;
}

/** Most SvcParams in one RR read from text. */
#define SVC_MAXPARAMS 64

/**
 * Parse the rest of the tokens as SvcParams (RFC 9460 section 2.1).
 * Presentation order is free; the wire order is by key, and a key given
 * twice is an error (section 2.2).  Values are built in a scratch buffer
 * and copied out in key order.
 */
static int
parse_svc_rest(struct lexer *lx, struct obuf *o)
{
	struct svc_param prm[SVC_MAXPARAMS];
	struct obuf sc;
	uint8_t *val = NULL;
	struct tok t;
	int np = 0, i, r = RES_OK;

	sc.sz = RDATA_MAXLEN;
	sc.w = 0;
	sc.p = malloc(sc.sz);
	val = malloc(RDATA_MAXLEN);
	if (!sc.p || !val) {
		r = RES_ENOMEM;
		goto out;
	}
	while (lex_next(lx, &t)) {
		const char *eq, *vs;
		size_t vn, vlen;
		uint16_t key;
		int hasval;

		if (t.quoted || np >= SVC_MAXPARAMS) {
			r = RES_ESYNTAX;
			goto out;
		}
		eq = memchr(t.p, '=', t.len);
		hasval = eq != NULL;
		if (parse_svckey(t.p, hasval ? (size_t)(eq - t.p) : t.len,
		    &key) != RES_OK) {
			r = RES_ESYNTAX;
			goto out;
		}
		vs = hasval ? eq + 1 : t.p + t.len;
		vn = (size_t)(t.p + t.len - vs);
		/* A quoted value: the quotes must enclose all of it. */
		if (vn > 0 && vs[0] == '"') {
			if (vn < 2 || vs[vn - 1] != '"') {
				r = RES_ESYNTAX;
				goto out;
			}
			vs++;
			vn -= 2;
		}
		if (decode_cstr(vs, vn, val, RDATA_MAXLEN, &vlen) != RES_OK) {
			r = RES_ESYNTAX;
			goto out;
		}
		prm[np].key = key;
		prm[np].off = sc.w;
		switch (key) {
		case SVC_MANDATORY:
			r = svc_split(val, vlen, 0, svc_key_item, &sc);
			if (r == RES_OK) {
				qsort(sc.p + prm[np].off, (sc.w -
				    prm[np].off) / 2, 2, cmp_u16);
			}
			break;
		case SVC_ALPN:
			r = svc_split(val, vlen, 1, svc_alpn_item, &sc);
			break;
		case SVC_NODEFALPN:
			r = vlen == 0 ? RES_OK : RES_ESYNTAX;
			break;
		case SVC_PORT: {
			uint32_t port;

			r = parse_uint((const char *)val, vlen, 65535, &port);
			if (r == RES_OK) {
				r = ob_u16(&sc, (uint16_t)port);
			}
			break;
		}
		case SVC_IPV4HINT:
			r = svc_split(val, vlen, 0, svc_v4_item, &sc);
			break;
		case SVC_IPV6HINT:
			r = svc_split(val, vlen, 0, svc_v6_item, &sc);
			break;
		case SVC_ECH: {
			size_t blen;

			r = decode_b64((const char *)val, vlen, sc.p + sc.w,
			    sc.sz - sc.w, &blen);
			if (r == RES_OK) {
				sc.w += blen;
			}
			break;
		}
		default:
			r = ob_add(&sc, val, vlen);
			break;
		}
		if (r != RES_OK) {
			r = r == RES_ESPACE ? RES_ESPACE : RES_ESYNTAX;
			goto out;
		}
		prm[np].len = sc.w - prm[np].off;
		np++;
	}
	if (lx->bad) {
		r = RES_ESYNTAX;
		goto out;
	}
	qsort(prm, (size_t)np, sizeof(prm[0]), cmp_param);
	for (i = 0; i < np; i++) {
		if (i > 0 && prm[i].key == prm[i - 1].key) {
			r = RES_ESYNTAX;
			goto out;
		}
		if (prm[i].len > 65535) {
			r = RES_ESPACE;
			goto out;
		}
		if ((r = ob_u16(o, prm[i].key)) != RES_OK ||
		    (r = ob_u16(o, (uint16_t)prm[i].len)) != RES_OK ||
		    (r = ob_add(o, sc.p + prm[i].off, prm[i].len)) != RES_OK) {
			goto out;
		}
	}
out:
	free(sc.p);
	free(val);
	return r;
}

/**
 * Parse a TTL: decimal seconds, or units as in "1h30m" (s, m, h, d, w,
 * either case).
 */
static int
parse_ttl(const struct tok *t, uint32_t *ttl)
{
	uint64_t total = 0, cur = 0;
	size_t i;
	int digits = 0, units = 0;

	if (t->quoted || t->len == 0) {
		return RES_ESYNTAX;
	}
	for (i = 0; i < t->len; i++) {
		char c = t->p[i];
		uint64_t mul;

		if (c >= '0' && c <= '9') {
			cur = cur * 10 + (uint64_t)(c - '0');
			if (cur > 0xffffffffu) {
				return RES_ESYNTAX;
			}
			digits++;
			continue;
		}
		switch (c) {
		case 's': case 'S': mul = 1; break;
		case 'm': case 'M': mul = 60; break;
		case 'h': case 'H': mul = 3600; break;
		case 'd': case 'D': mul = 86400; break;
		case 'w': case 'W': mul = 604800; break;
		default: return RES_ESYNTAX;
		}
		if (digits == 0) {
			return RES_ESYNTAX;
		}
		total += cur * mul;
		if (total > 0xffffffffu) {
			return RES_ESYNTAX;
		}
		cur = 0;
		digits = 0;
		units = 1;
	}
	if (digits) {
		if (units) {
			/* "1h30" is ambiguous. */
			return RES_ESYNTAX;
		}
		total = cur;
	}
	*ttl = (uint32_t)total;
	return RES_OK;
}

/** A number with a name in presentation format. */
struct mnemonic {
	/** the value */
	uint16_t value;
	/** its mnemonic */
	const char *name;
};

/** DNSSEC algorithm mnemonics, RFC 4034 appendix A.1 and the IANA
 * registry; accepted on input, numbers are written (RFC 4034 2.2). */
static const struct mnemonic alg_names[] = {
	{ 1, "RSAMD5" }, { 2, "DH" }, { 3, "DSA" }, { 5, "RSASHA1" },
	{ 6, "DSA-NSEC3-SHA1" }, { 7, "RSASHA1-NSEC3-SHA1" },
	{ 8, "RSASHA256" }, { 10, "RSASHA512" }, { 12, "ECC-GOST" },
	{ 13, "ECDSAP256SHA256" }, { 14, "ECDSAP384SHA384" },
	{ 15, "ED25519" }, { 16, "ED448" }, { 252, "INDIRECT" },
	{ 253, "PRIVATEDNS" }, { 254, "PRIVATEOID" }, { 0, NULL }
};

/** CERT type mnemonics, RFC 4398 section 2.1. */
static const struct mnemonic cert_names[] = {
	{ 1, "PKIX" }, { 2, "SPKI" }, { 3, "PGP" }, { 4, "IPKIX" },
	{ 5, "ISPKI" }, { 6, "IPGP" }, { 7, "ACPKIX" }, { 8, "IACPKIX" },
	{ 253, "URI" }, { 254, "OID" }, { 0, NULL }
};

/**
 * Parse a number up to max, or a mnemonic of the table.
 * @return 0 or RES_ESYNTAX.
 */
static int
parse_mnemonic(const struct tok *t, const struct mnemonic *tab,
    uint32_t max, uint32_t *v)
{
	size_t i;

	if (t->quoted) {
		return RES_ESYNTAX;
	}
	for (i = 0; tab[i].name; i++) {
		if (strlen(tab[i].name) == t->len &&
		    strncasecmp(t->p, tab[i].name, t->len) == 0) {
			*v = tab[i].value;
			return RES_OK;
		}
	}
	return parse_uint(t->p, t->len, max, v);
}

/**
 * Read one field from the lexer into o.
 * @return 0, RES_ESYNTAX, RES_ESPACE or RES_ENOMEM.
 */
static int
parse_field(int kind, struct lexer *lx, const uint8_t *origin,
    struct obuf *o)
{
	struct tok t;
	char s[DNAME_MAXSTR * 2];
	uint8_t buf[256];
	uint32_t v;
	size_t len;
	int r;

	switch (kind) {
	case RDF_STRS:
		/* RFC 1035 section 3.3.14: one or more strings, each at
		 * most 255 octets; longer ones are refused, not split. */
		len = 0;
		while (lex_next(lx, &t)) {
			if (decode_cstr(t.p, t.len, buf + 1, 255, &len)
			    != RES_OK) {
				return RES_ESYNTAX;
			}
			buf[0] = (uint8_t)len;
			if ((r = ob_add(o, buf, len + 1)) != RES_OK) {
				return r;
			}
			len = 1;
		}
		return lx->bad || len == 0 ? RES_ESYNTAX : RES_OK;
	case RDF_B64:
		return parse_b64_rest(lx, o);
	case RDF_HEX:
		return parse_hex_rest(lx, o, 1);
	case RDF_BITMAP:
		return parse_bitmap_rest(lx, o);
	case RDF_SVCPARAMS:
		return parse_svc_rest(lx, o);
	default:
		break;
	}
	if (!lex_next(lx, &t)) {
		return RES_ESYNTAX;
	}
	switch (kind) {
	case RDF_NAME_C:
	case RDF_NAME_D:
	case RDF_NAME: {
		uint8_t name[DNAME_MAXLEN];

		if (tok_cstr(&t, s, sizeof(s)) != RES_OK ||
		    dname_from_str(s, origin, name, &len) != RES_OK) {
			return RES_ESYNTAX;
		}
		return ob_add(o, name, len);
	}
	case RDF_U8:
	case RDF_U16:
	case RDF_U32:
		if (t.quoted || parse_uint(t.p, t.len, kind == RDF_U8 ? 0xff :
		    kind == RDF_U16 ? 0xffff : 0xffffffffu, &v) != RES_OK) {
			return RES_ESYNTAX;
		}
		if (kind == RDF_U8) {
			buf[0] = (uint8_t)v;
			return ob_add(o, buf, 1);
		}
		if (kind == RDF_U16) {
			return ob_u16(o, (uint16_t)v);
		}
		break;
	case RDF_ALG:
		if (parse_mnemonic(&t, alg_names, 0xff, &v) != RES_OK) {
			return RES_ESYNTAX;
		}
		buf[0] = (uint8_t)v;
		return ob_add(o, buf, 1);
	case RDF_CERTTYPE:
		if (parse_mnemonic(&t, cert_names, 0xffff, &v) != RES_OK) {
			return RES_ESYNTAX;
		}
		return ob_u16(o, (uint16_t)v);
	case RDF_TIME:
		if (parse_time(&t, &v) != RES_OK) {
			return RES_ESYNTAX;
		}
		break;
	case RDF_PERIOD:
		if (parse_ttl(&t, &v) != RES_OK) {
			return RES_ESYNTAX;
		}
		break;
	case RDF_TYPE: {
		uint16_t type;

		if (tok_cstr(&t, s, sizeof(s)) != RES_OK ||
		    rrtype_from_str(s, &type) != RES_OK) {
			return RES_ESYNTAX;
		}
		return ob_u16(o, type);
	}
	case RDF_A:
	case RDF_AAAA:
		if (tok_cstr(&t, s, sizeof(s)) != RES_OK ||
		    inet_pton(kind == RDF_A ? AF_INET : AF_INET6, s, buf)
		    != 1) {
			return RES_ESYNTAX;
		}
		return ob_add(o, buf, kind == RDF_A ? 4 : 16);
	case RDF_STR:
		if (decode_cstr(t.p, t.len, buf + 1, 255, &len) != RES_OK) {
			return RES_ESYNTAX;
		}
		buf[0] = (uint8_t)len;
		return ob_add(o, buf, len + 1);
	case RDF_HEX_L8: {
		int half = -1;
		size_t w = 0;

		if (t.quoted) {
			return RES_ESYNTAX;
		}
		/* RFC 5155 section 3.3: "-" is an empty salt. */
		if (t.len == 1 && t.p[0] == '-') {
			buf[0] = 0;
			return ob_add(o, buf, 1);
		}
		r = hex_feed(t.p, t.len, &half, buf + 1, 255, &w);
		if (r != RES_OK || half >= 0) {
			return RES_ESYNTAX;
		}
		buf[0] = (uint8_t)w;
		return ob_add(o, buf, w + 1);
	}
	case RDF_B32_L8:
		return parse_b32_l8(&t, o);
	case RDF_TAG:
		if (t.quoted || t.len == 0 || t.len > 255) {
			return RES_ESYNTAX;
		}
		buf[0] = (uint8_t)t.len;
		memcpy(buf + 1, t.p, t.len);
		return ob_add(o, buf, t.len + 1);
	case RDF_LONGSTR: {
		uint8_t *big = malloc(RDATA_MAXLEN);

		if (!big) {
			return RES_ENOMEM;
		}
		r = decode_cstr(t.p, t.len, big, RDATA_MAXLEN, &len);
		if (r == RES_OK) {
			r = ob_add(o, big, len);
		}
		free(big);
		return r;
	}
	default:
		return RES_ESYNTAX;
	}
	/* 32-bit values. */
	buf[0] = (uint8_t)(v >> 24);
	buf[1] = (uint8_t)(v >> 16);
	buf[2] = (uint8_t)(v >> 8);
	buf[3] = (uint8_t)v;
	return ob_add(o, buf, 4);
}

/** 1 if the token is the RFC 3597 generic marker "\#". */
static int
is_generic(const struct tok *t)
{
	return !t->quoted && t->len == 2 && t->p[0] == '\\' && t->p[1] == '#';
}

/**
 * Parse RDATA from a lexer positioned at its first token; used by
 * rdata_from_str() and rr_from_str().
 */
static int
rdata_parse(uint16_t type, struct lexer *lx, const uint8_t *origin,
    uint8_t *out, size_t outsz, size_t *outlen)
{
	const struct rrtype_info *ti = rrtype_lookup(type);
	struct lexer peek = *lx;
	struct obuf o;
	struct tok t;
	int i, r;

	o.p = out;
	o.sz = outsz > RDATA_MAXLEN ? RDATA_MAXLEN : outsz;
	o.w = 0;
	if (lex_next(&peek, &t) && is_generic(&t)) {
		/* RFC 3597 section 5: "\# <length> <hex>". */
		uint32_t len;

		*lx = peek;
		if (!lex_next(lx, &t) || t.quoted ||
		    parse_uint(t.p, t.len, RDATA_MAXLEN, &len) != RES_OK) {
			return RES_ESYNTAX;
		}
		if (len > o.sz) {
			return RES_ESPACE;
		}
		r = parse_hex_rest(lx, &o, 0);
		if (r != RES_OK) {
			return r == RES_ESPACE ? RES_ESYNTAX : r;
		}
		if (o.w != len) {
			return RES_ESYNTAX;
		}
		if (rdata_check(type, out, o.w) != RES_OK) {
			return RES_ESYNTAX;
		}
		*outlen = o.w;
		return RES_OK;
	}
	if (peek.bad) {
		return RES_ESYNTAX;
	}
	if (!has_layout(ti) || (ti->flags & RRTYPE_F_GENERIC)) {
		/* Unknown, opaque and meta types have only the generic
		 * form. */
		return RES_ESYNTAX;
	}
	for (i = 0; i < RRTYPE_MAXFIELDS && ti->fields[i] != RDF_END; i++) {
		r = parse_field(ti->fields[i], lx, origin, &o);
		if (r != RES_OK) {
			return r;
		}
	}
	if (lex_next(lx, &t) || lx->bad) {
		/* Leftover tokens. */
		return RES_ESYNTAX;
	}
	if (rdata_check(type, out, o.w) != RES_OK) {
		return RES_ESYNTAX;
	}
	*outlen = o.w;
	return RES_OK;
}

int
rdata_from_str(uint16_t type, const char *text, const uint8_t *origin,
    uint8_t *out, size_t outsz, size_t *outlen)
{
	struct lexer lx;
	int r;

	if (!text || !out || !outlen) {
		return RES_EINVAL;
	}
	lx.s = text;
	lx.depth = 0;
	lx.bad = 0;
	r = rdata_parse(type, &lx, origin, out, outsz, outlen);
	if (r == RES_OK && lx.depth != 0) {
		return RES_ESYNTAX;
	}
	return r;
}

int
rr_from_str(const char *line, const uint8_t *origin, uint32_t default_ttl,
    struct rr_text *rr)
{
	struct lexer lx, peek;
	struct tok t, nt;
	char s[DNAME_MAXSTR * 2];
	int have_ttl = 0, have_class = 0, r;
	uint16_t v;

	if (!line || !rr) {
		return RES_EINVAL;
	}
	if (is_blank(line[0])) {
		/* No previous owner to inherit. */
		return RES_ESYNTAX;
	}
	lx.s = line;
	lx.depth = 0;
	lx.bad = 0;
	if (!lex_next(&lx, &t) || tok_cstr(&t, s, sizeof(s)) != RES_OK ||
	    dname_from_str(s, origin, rr->owner, &rr->owner_len) != RES_OK) {
		return RES_ESYNTAX;
	}
	rr->ttl = default_ttl;
	rr->rrclass = RR_CLASS_IN;
	for (;;) {
		if (!lex_next(&lx, &t) ||
		    tok_cstr(&t, s, sizeof(s)) != RES_OK) {
			return RES_ESYNTAX;
		}
		if (s[0] >= '0' && s[0] <= '9') {
			if (have_ttl || parse_ttl(&t, &rr->ttl) != RES_OK) {
				return RES_ESYNTAX;
			}
			have_ttl = 1;
			continue;
		}
		if (!have_class && rrclass_from_str(s, &v) == RES_OK) {
			/* "ANY" is both a class and a type: it is the class
			 * only when a type or a TTL follows. */
			char ns[32];
			uint16_t nv;

			peek = lx;
			if (lex_next(&peek, &nt) &&
			    tok_cstr(&nt, ns, sizeof(ns)) == RES_OK &&
			    ((ns[0] >= '0' && ns[0] <= '9') ||
			    rrtype_from_str(ns, &nv) == RES_OK)) {
				rr->rrclass = v;
				have_class = 1;
				continue;
			}
		}
		if (rrtype_from_str(s, &rr->type) != RES_OK) {
			return RES_ESYNTAX;
		}
		break;
	}
	r = rdata_parse(rr->type, &lx, origin, rr->rdata, sizeof(rr->rdata),
	    &rr->rdlen);
	if (r == RES_OK && lx.depth != 0) {
		return RES_ESYNTAX;
	}
	return r;
}

int
rr_to_str(const uint8_t *owner, uint16_t type, uint16_t rrclass,
    uint32_t ttl, const uint8_t *rdata, size_t rdlen, char *buf,
    size_t bufsz)
{
	char name[DNAME_MAXSTR], ts[16], cs[16];
	int n, r;

	if (!owner || !buf || bufsz == 0 || (!rdata && rdlen)) {
		return RES_EINVAL;
	}
	if (dname_check(owner, DNAME_MAXLEN, NULL) != RES_OK) {
		return RES_EMALFORMED;
	}
	if (dname_to_str(owner, name, sizeof(name)) < 0) {
		return RES_ESPACE;
	}
	rrtype_to_str(type, ts, sizeof(ts));
	rrclass_to_str(rrclass, cs, sizeof(cs));
	n = snprintf(buf, bufsz, "%s\t%lu\t%s\t%s\t", name,
	    (unsigned long)ttl, cs, ts);
	if (n < 0 || (size_t)n >= bufsz) {
		return RES_ESPACE;
	}
	r = rdata_to_str(type, rdata, rdlen, buf + n, bufsz - (size_t)n);
	if (r < 0) {
		return r;
	}
	return n + r;
}
