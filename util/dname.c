/*
 * util/dname.c - domain names in wire format.
 *
 * Decompression (dname_unpack) is the piece that faces hostile input: it
 * allows only backward pointers, each to a strictly smaller offset than the
 * previous one, which bounds the walk by the packet length and rules out
 * loops without a hop counter.  The uncompressed result is bounded by
 * DNAME_MAXLEN before any octet is copied.
 */
#include "config.h"
#include "util/dname.h"
#include "util/error.h"
#include <string.h>

/** ASCII lowercase of one octet; other octets unchanged (RFC 4343). */
static inline uint8_t
lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

int
dname_unpack(const uint8_t *pkt, size_t pktlen, size_t *pos, uint8_t *out,
    size_t *outlen)
{
	size_t p, len = 0, end = 0, limit;
	int jumped = 0;
	uint8_t lab;

	if (!pos || (!pkt && pktlen)) {
		return RES_EINVAL;
	}
	p = limit = *pos;
	for (;;) {
		if (p >= pktlen) {
			return RES_EMALFORMED;
		}
		lab = pkt[p];
		if ((lab & 0xc0) == 0xc0) {
			size_t target;

			if (p + 1 >= pktlen) {
				return RES_EMALFORMED;
			}
			target = ((size_t)(lab & 0x3f) << 8) | pkt[p + 1];
			/* Strictly backwards from where this pointer's name
			 * started: no forward pointers, no loops. */
			if (target >= limit) {
				return RES_EMALFORMED;
			}
			if (!jumped) {
				end = p + 2;
				jumped = 1;
			}
			limit = target;
			p = target;
			continue;
		}
		if (lab & 0xc0) {
			/* 01 and 10 label types (RFC 6891 section 5). */
			return RES_EMALFORMED;
		}
		if (len + 1 + lab > DNAME_MAXLEN) {
			return RES_EMALFORMED;
		}
		if (p + 1 + lab > pktlen) {
			return RES_EMALFORMED;
		}
		if (out) {
			memcpy(out + len, pkt + p, (size_t)lab + 1);
		}
		len += (size_t)lab + 1;
		p += (size_t)lab + 1;
		if (lab == 0) {
			break;
		}
	}
	*pos = jumped ? end : p;
	if (outlen) {
		*outlen = len;
	}
	return RES_OK;
}

int
dname_check(const uint8_t *buf, size_t max, size_t *len)
{
	size_t p = 0;
	uint8_t lab;

	if (!buf) {
		return RES_EMALFORMED;
	}
	for (;;) {
		if (p >= max) {
			return RES_EMALFORMED;
		}
		lab = buf[p];
		if (lab > DNAME_MAXLABEL) {
			return RES_EMALFORMED;
		}
		if (p + 1 + lab > DNAME_MAXLEN || p + 1 + lab > max) {
			return RES_EMALFORMED;
		}
		p += (size_t)lab + 1;
		if (lab == 0) {
			break;
		}
	}
	if (len) {
		*len = p;
	}
	return RES_OK;
}

size_t
dname_len(const uint8_t *d)
{
	size_t p = 0;

	while (d[p]) {
		p += (size_t)d[p] + 1;
	}
	return p + 1;
}

/** Value of a hex-free decimal digit, or -1. */
static int
digit(char c)
{
	return (c >= '0' && c <= '9') ? c - '0' : -1;
}

int
dname_from_str(const char *str, const uint8_t *origin, uint8_t *out,
    size_t *outlen)
{
	size_t len = 0, labstart = 0, labl;
	const char *s = str;

	if (!str || !out) {
		return RES_EINVAL;
	}
	if (strcmp(str, "@") == 0) {
		if (!origin) {
			out[0] = 0;
			len = 1;
		} else {
			len = dname_len(origin);
			memcpy(out, origin, len);
		}
		goto done;
	}
	if (strcmp(str, ".") == 0) {
		out[0] = 0;
		len = 1;
		goto done;
	}
	if (*s == 0 || *s == '.') {
		return RES_ESYNTAX;
	}
	/* out[labstart] is the length octet of the label being built. */
	out[0] = 0;
	len = 1;
	while (*s) {
		uint8_t c;

		if (*s == '.') {
			labl = len - labstart - 1;
			if (labl == 0) {
				return RES_ESYNTAX;
			}
			out[labstart] = (uint8_t)labl;
			s++;
			if (*s == 0) {
				/* Absolute name: add the root label. */
				if (len + 1 > DNAME_MAXLEN) {
					return RES_ELIMIT;
				}
				out[len++] = 0;
				goto done;
			}
			if (len + 1 > DNAME_MAXLEN) {
				return RES_ELIMIT;
			}
			labstart = len;
			out[len++] = 0;
			continue;
		}
		if (*s == '\\') {
			s++;
			if (digit(s[0]) >= 0) {
				int v;

				if (digit(s[1]) < 0 || digit(s[2]) < 0) {
					return RES_ESYNTAX;
				}
				v = digit(s[0]) * 100 + digit(s[1]) * 10 +
				    digit(s[2]);
				if (v > 255) {
					return RES_ESYNTAX;
				}
				c = (uint8_t)v;
				s += 3;
			} else if (*s == 0) {
				return RES_ESYNTAX;
			} else {
				c = (uint8_t)*s++;
			}
		} else {
			c = (uint8_t)*s++;
		}
		if (len - labstart - 1 >= DNAME_MAXLABEL) {
			return RES_ELIMIT;
		}
		/* Room for this octet and the final root label. */
		if (len + 2 > DNAME_MAXLEN) {
			return RES_ELIMIT;
		}
		out[len++] = c;
	}
	/* Relative name: close the last label and append the origin. */
	labl = len - labstart - 1;
	out[labstart] = (uint8_t)labl;
	if (!origin) {
		out[len++] = 0;
	} else {
		size_t olen = dname_len(origin);

		if (len + olen > DNAME_MAXLEN) {
			return RES_ELIMIT;
		}
		memcpy(out + len, origin, olen);
		len += olen;
	}
done:
	if (outlen) {
		*outlen = len;
	}
	return RES_OK;
}

int
dname_to_str(const uint8_t *d, char *buf, size_t bufsz)
{
	size_t w = 0;
	uint8_t lab, i;

	if (!d || !buf) {
		return RES_EINVAL;
	}
	if (*d == 0) {
		if (bufsz < 2) {
			return RES_ESPACE;
		}
		buf[0] = '.';
		buf[1] = 0;
		return 1;
	}
	while ((lab = *d++) != 0) {
		for (i = 0; i < lab; i++, d++) {
			uint8_t c = *d;
			int special = c == '.' || c == ';' || c == '(' ||
			    c == ')' || c == '"' || c == '\\' || c == '@' ||
			    c == '$' || c == ' ';
			size_t need = special ? 2 :
			    (c < 0x21 || c > 0x7e) ? 4 : 1;

			/* This octet's text, then at least the label's dot
			 * and the terminating NUL. */
			if (w + need + 2 > bufsz) {
				return RES_ESPACE;
			}
			if (special) {
				buf[w++] = '\\';
				buf[w++] = (char)c;
			} else if (c < 0x21 || c > 0x7e) {
				buf[w++] = '\\';
				buf[w++] = (char)('0' + c / 100);
				buf[w++] = (char)('0' + (c / 10) % 10);
				buf[w++] = (char)('0' + c % 10);
			} else {
				buf[w++] = (char)c;
			}
		}
		if (w + 2 > bufsz) {
			return RES_ESPACE;
		}
		buf[w++] = '.';
	}
	buf[w] = 0;
	return (int)w;
}

int
dname_count_labels(const uint8_t *d)
{
	int n = 0;

	while (*d) {
		n++;
		d += *d + 1;
	}
	return n;
}

int
dname_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t la, i;

	for (;;) {
		la = *a;
		if (la != *b) {
			return 0;
		}
		if (la == 0) {
			return 1;
		}
		a++;
		b++;
		/* Same octets is the usual case; only a difference needs
		 * the case-insensitive look (RFC 4343). */
		if (memcmp(a, b, la) != 0) {
			for (i = 0; i < la; i++) {
				if (lower(a[i]) != lower(b[i])) {
					return 0;
				}
			}
		}
		a += la;
		b += la;
	}
}

/** Collect label start pointers of a name; returns the label count. */
static int
label_starts(const uint8_t *d, const uint8_t *starts[128])
{
	int n = 0;

	while (*d) {
		starts[n++] = d;
		d += *d + 1;
	}
	return n;
}

int
dname_canonical_compare(const uint8_t *a, const uint8_t *b)
{
	const uint8_t *sa[128], *sb[128];
	int na = label_starts(a, sa), nb = label_starts(b, sb);

	while (na > 0 && nb > 0) {
		const uint8_t *la = sa[--na], *lb = sb[--nb];
		uint8_t lena = la[0], lenb = lb[0], i, m;

		m = lena < lenb ? lena : lenb;
		for (i = 0; i < m; i++) {
			uint8_t ca = lower(la[1 + i]), cb = lower(lb[1 + i]);

			if (ca != cb) {
				return ca < cb ? -1 : 1;
			}
		}
		if (lena != lenb) {
			return lena < lenb ? -1 : 1;
		}
	}
	if (na == nb) {
		return 0;
	}
	return na < nb ? -1 : 1;
}

/**
 * The last n (1 to 7) octets of a name as one zero-padded word, read
 * with fixed-size loads (no memcpy call, no over-read).  Each octet
 * keeps a lane of its own, which is all the lowercasing needs.
 */
static uint64_t
dname_tail_word(const uint8_t *p, size_t n)
{
	uint64_t w = 0;
	uint32_t v4;
	uint16_t v2;
	unsigned shift = 0;

	if (n & 4) {
		memcpy(&v4, p, 4);
		w = v4;
		p += 4;
		shift = 32;
	}
	if (n & 2) {
		memcpy(&v2, p, 2);
		w |= (uint64_t)v2 << shift;
		p += 2;
		shift += 16;
	}
	if (n & 1)
		w |= (uint64_t)*p << shift;
	return w;
}

uint32_t
dname_hash(const uint8_t *d, uint32_t seed)
{
	/* Eight octets at a time: each word lowercased in place (SWAR:
	 * the octets 'A'..'Z' get 0x20; label lengths are below 'A'), then
	 * mixed in with a multiply and a rotation; the seed and length go
	 * in first and a final avalanche spreads the low bits (shard and
	 * bucket choice). */
	const uint64_t hi = 0x8080808080808080ull;
	const uint64_t seven = 0x7f7f7f7f7f7f7f7full;
	size_t len = dname_len(d), i;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ seed ^ ((uint64_t)len << 32);

	for (i = 0; i < len; i += 8) {
		uint64_t w = 0, heptets, upper;

		/* A fixed-size copy is one load; only the last, short
		 * word needs the variable one (zero-padded either way). */
		if (len - i >= 8) {
			memcpy(&w, d + i, 8);
		} else {
			w = dname_tail_word(d + i, len - i);
		}
		heptets = w & seven;
		upper = (heptets + 0x3f3f3f3f3f3f3f3full) &
		    ~(heptets + 0x2525252525252525ull) & ~w & hi;
		w |= upper >> 2;
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h = (h << 31) | (h >> 33);
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (uint32_t)(h ^ (h >> 32));
}

int
dname_is_subdomain(const uint8_t *child, const uint8_t *parent)
{
	int nc = dname_count_labels(child), np = dname_count_labels(parent);

	if (nc < np) {
		return 0;
	}
	while (nc > np) {
		child += *child + 1;
		nc--;
	}
	return dname_equal(child, parent);
}

int
dname_is_strict_subdomain(const uint8_t *child, const uint8_t *parent)
{
	return dname_count_labels(child) > dname_count_labels(parent) &&
	    dname_is_subdomain(child, parent);
}

const uint8_t *
dname_parent(const uint8_t *d)
{
	if (*d == 0) {
		return NULL;
	}
	return d + *d + 1;
}

void
dname_tolower(uint8_t *d)
{
	uint8_t lab, i;

	while ((lab = *d++) != 0) {
		for (i = 0; i < lab; i++, d++) {
			*d = lower(*d);
		}
	}
}

int
dname_is_wildcard(const uint8_t *d)
{
	return d[0] == 1 && d[1] == '*';
}

int
dname_is_root(const uint8_t *d)
{
	return d[0] == 0;
}
