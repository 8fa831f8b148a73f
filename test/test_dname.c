/*
 * test/test_dname.c - unit tests for util/dname.c.
 */
#include "config.h"
#include "test/unit.h"
#include "util/dname.h"
#include "util/error.h"
#include <stdio.h>
#include <string.h>

/** Presentation -> wire -> presentation, absolute names. */
static void
test_dname_str_roundtrip(void)
{
	static const char *names[] = { ".", "com.", "www.example.com.",
	    "a\\.b.example.", "\\000\\255x.test.", "\\@\\$\\;.x." };
	uint8_t d[DNAME_MAXLEN];
	char s[DNAME_MAXSTR];
	size_t i, len;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		UNIT_CHECK_INT(dname_from_str(names[i], NULL, d, &len), 0);
		UNIT_CHECK(dname_to_str(d, s, sizeof(s)) > 0);
		UNIT_CHECK_STR(s, names[i]);
		UNIT_CHECK_INT(dname_len(d), len);
	}
	UNIT_CHECK_INT(dname_from_str("www.example.com", NULL, d, &len), 0);
	UNIT_CHECK_INT(len, 17);
	UNIT_CHECK(memcmp(d, "\3www\7example\3com", 17) == 0);
}

/** Escapes, relative names and origin. */
static void
test_dname_from_str(void)
{
	uint8_t origin[DNAME_MAXLEN], d[DNAME_MAXLEN];
	char s[DNAME_MAXSTR];
	size_t len;

	UNIT_CHECK_INT(dname_from_str("example.org.", NULL, origin, NULL), 0);
	UNIT_CHECK_INT(dname_from_str("www", origin, d, &len), 0);
	dname_to_str(d, s, sizeof(s));
	UNIT_CHECK_STR(s, "www.example.org.");
	UNIT_CHECK_INT(dname_from_str("@", origin, d, &len), 0);
	UNIT_CHECK(dname_equal(d, origin));
	UNIT_CHECK_INT(dname_from_str("a\\065b.", NULL, d, &len), 0);
	UNIT_CHECK(memcmp(d, "\3aAb", 4) == 0);
	UNIT_CHECK_INT(dname_from_str("a..b.", NULL, d, &len), RES_ESYNTAX);
	UNIT_CHECK_INT(dname_from_str("..", NULL, d, &len), RES_ESYNTAX);
	UNIT_CHECK_INT(dname_from_str("", NULL, d, &len), RES_ESYNTAX);
	UNIT_CHECK_INT(dname_from_str("a\\25.", NULL, d, &len), RES_ESYNTAX);
	UNIT_CHECK_INT(dname_from_str("a\\256.", NULL, d, &len), RES_ESYNTAX);
	UNIT_CHECK_INT(dname_from_str("a\\", NULL, d, &len), RES_ESYNTAX);
}

/** Over-long labels and names are refused in text. */
static void
test_dname_limits(void)
{
	char s[600];
	uint8_t d[DNAME_MAXLEN];
	size_t len;
	int i;

	memset(s, 'a', 63);
	strcpy(s + 63, ".");
	UNIT_CHECK_INT(dname_from_str(s, NULL, d, &len), 0);
	memset(s, 'a', 64);
	strcpy(s + 64, ".");
	UNIT_CHECK_INT(dname_from_str(s, NULL, d, &len), RES_ELIMIT);
	/* 127 labels "a." = 254 octets + root = 255: the longest name. */
	for (i = 0; i < 127; i++) {
		s[2 * i] = 'a';
		s[2 * i + 1] = '.';
	}
	s[254] = 0;
	UNIT_CHECK_INT(dname_from_str(s, NULL, d, &len), 0);
	UNIT_CHECK_INT(len, 255);
	s[254] = 'a';
	s[255] = '.';
	s[256] = 0;
	UNIT_CHECK_INT(dname_from_str(s, NULL, d, &len), RES_ELIMIT);
}

/** Comparison, case, hashing, label counting, subdomains. */
static void
test_dname_compare(void)
{
	uint8_t a[DNAME_MAXLEN], b[DNAME_MAXLEN], c[DNAME_MAXLEN];

	dname_from_str("WwW.Example.COM.", NULL, a, NULL);
	dname_from_str("www.example.com.", NULL, b, NULL);
	dname_from_str("example.com.", NULL, c, NULL);
	UNIT_CHECK(dname_equal(a, b));
	UNIT_CHECK(!dname_equal(a, c));
	UNIT_CHECK_INT(dname_hash(a, 7), dname_hash(b, 7));
	UNIT_CHECK_INT(dname_count_labels(a), 3);
	UNIT_CHECK_INT(dname_count_labels((const uint8_t *)""), 0);
	UNIT_CHECK(dname_is_subdomain(a, c));
	UNIT_CHECK(dname_is_strict_subdomain(a, c));
	UNIT_CHECK(dname_is_subdomain(c, c));
	UNIT_CHECK(!dname_is_strict_subdomain(c, c));
	UNIT_CHECK(!dname_is_subdomain(c, a));
	UNIT_CHECK(dname_equal(dname_parent(a), c));
	UNIT_CHECK(dname_parent((const uint8_t *)"") == NULL);
	dname_tolower(a);
	UNIT_CHECK(memcmp(a, b, dname_len(b)) == 0);
}

/** RFC 4034 section 6.1 example order. */
static void
test_dname_canonical_order(void)
{
	static const char *order[] = { "example.", "a.example.",
	    "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.",
	    "z.example.", "\\001.z.example.", "*.z.example.",
	    "\\200.z.example." };
	uint8_t x[DNAME_MAXLEN], y[DNAME_MAXLEN];
	size_t i, n = sizeof(order) / sizeof(order[0]);

	for (i = 0; i + 1 < n; i++) {
		dname_from_str(order[i], NULL, x, NULL);
		dname_from_str(order[i + 1], NULL, y, NULL);
		UNIT_CHECK(dname_canonical_compare(x, y) < 0);
		UNIT_CHECK(dname_canonical_compare(y, x) > 0);
		UNIT_CHECK(dname_canonical_compare(x, x) == 0);
	}
}

/** Compressed names: good pointers, loops, forward pointers, bounds. */
static void
test_dname_unpack(void)
{
	/* offset 0: 3www 7example 3com 0 (17 octets); 17: 4mail ptr->4 */
	uint8_t pkt[64];
	uint8_t d[DNAME_MAXLEN];
	size_t pos, len;
	char s[DNAME_MAXSTR];

	memcpy(pkt, "\3www\7example\3com\0" "\4mail\xc0\x04", 24);
	pos = 17;
	UNIT_CHECK_INT(dname_unpack(pkt, 24, &pos, d, &len), 0);
	UNIT_CHECK_INT(pos, 24);
	dname_to_str(d, s, sizeof(s));
	UNIT_CHECK_STR(s, "mail.example.com.");
	/* Pointer to itself. */
	memcpy(pkt, "\xc0\x00", 2);
	pos = 0;
	UNIT_CHECK_INT(dname_unpack(pkt, 2, &pos, d, &len), RES_EMALFORMED);
	/* Two pointers forming a loop. */
	memcpy(pkt, "\1a\xc0\x04\1b\xc0\x00", 8);
	pos = 4;
	UNIT_CHECK_INT(dname_unpack(pkt, 8, &pos, d, &len), RES_EMALFORMED);
	/* Forward pointer. */
	memcpy(pkt, "\1a\xc0\x04\0", 5);
	pos = 0;
	UNIT_CHECK_INT(dname_unpack(pkt, 5, &pos, d, &len), RES_EMALFORMED);
	/* Truncated label and truncated pointer. */
	memcpy(pkt, "\5ab", 3);
	pos = 0;
	UNIT_CHECK_INT(dname_unpack(pkt, 3, &pos, d, &len), RES_EMALFORMED);
	memcpy(pkt, "\1a\xc0", 3);
	pos = 0;
	UNIT_CHECK_INT(dname_unpack(pkt, 3, &pos, d, &len), RES_EMALFORMED);
	/* Label type 01 (extended), reserved. */
	memcpy(pkt, "\x41" "a\0", 3);
	pos = 0;
	UNIT_CHECK_INT(dname_unpack(pkt, 3, &pos, d, &len), RES_EMALFORMED);
}

/** A name over 255 octets built through pointers is refused. */
static void
test_dname_unpack_too_long(void)
{
	uint8_t pkt[512];
	uint8_t d[DNAME_MAXLEN];
	size_t pos, off = 0;
	int i;

	/* 4 x 63-octet labels = 256 octets + root > 255. */
	for (i = 0; i < 4; i++) {
		pkt[off++] = 63;
		memset(pkt + off, 'x', 63);
		off += 63;
	}
	pkt[off++] = 0;
	pos = 0;
	UNIT_CHECK_INT(dname_unpack(pkt, off, &pos, d, NULL), RES_EMALFORMED);
	UNIT_CHECK_INT(dname_check(pkt, off, NULL), RES_EMALFORMED);
	/* The same through a pointer chain: 3 labels then a pointer back. */
	pos = 64 * 3;
	pkt[pos] = 0xc0;
	pkt[pos + 1] = 0;
	UNIT_CHECK_INT(dname_unpack(pkt, pos + 2, &pos, d, NULL),
	    RES_EMALFORMED);
}

/** NULL, empty and tiny inputs. */
static void
test_dname_null_and_empty(void)
{
	uint8_t d[DNAME_MAXLEN];
	char s[8];
	size_t pos = 0, len;

	UNIT_CHECK_INT(dname_unpack(NULL, 0, &pos, d, &len), RES_EMALFORMED);
	UNIT_CHECK_INT(dname_unpack(NULL, 5, &pos, d, &len), RES_EINVAL);
	UNIT_CHECK_INT(dname_unpack((const uint8_t *)"\0", 1, NULL, d, &len),
	    RES_EINVAL);
	UNIT_CHECK_INT(dname_check(NULL, 10, &len), RES_EMALFORMED);
	UNIT_CHECK_INT(dname_check((const uint8_t *)"\0", 0, &len),
	    RES_EMALFORMED);
	UNIT_CHECK_INT(dname_check((const uint8_t *)"\0", 1, &len), 0);
	UNIT_CHECK_INT(len, 1);
	UNIT_CHECK_INT(dname_from_str(NULL, NULL, d, &len), RES_EINVAL);
	UNIT_CHECK_INT(dname_from_str("a.", NULL, NULL, &len), RES_EINVAL);
	UNIT_CHECK_INT(dname_to_str(NULL, s, sizeof(s)), RES_EINVAL);
	UNIT_CHECK_INT(dname_to_str(d, NULL, 0), RES_EINVAL);
	/* Buffers of every size around the exact need. */
	dname_from_str(".", NULL, d, NULL);
	UNIT_CHECK_INT(dname_to_str(d, s, 1), RES_ESPACE);
	UNIT_CHECK_INT(dname_to_str(d, s, 2), 1);
	dname_from_str("a.", NULL, d, NULL);
	UNIT_CHECK_INT(dname_to_str(d, s, 0), RES_ESPACE);
	UNIT_CHECK_INT(dname_to_str(d, s, 2), RES_ESPACE);
	UNIT_CHECK_INT(dname_to_str(d, s, 3), 2);
	UNIT_CHECK_STR(s, "a.");
	dname_from_str("\\001.", NULL, d, NULL);
	UNIT_CHECK_INT(dname_to_str(d, s, 5), RES_ESPACE);
	UNIT_CHECK_INT(dname_to_str(d, s, 6), 5);
	UNIT_CHECK_STR(s, "\\001.");
	dname_from_str("\\..", NULL, d, NULL);
	UNIT_CHECK_INT(dname_to_str(d, s, 3), RES_ESPACE);
	UNIT_CHECK_INT(dname_to_str(d, s, 4), 3);
	/* Names with labels of the longest escapes fit DNAME_MAXSTR. */
	{
		uint8_t w[DNAME_MAXLEN];
		char big[DNAME_MAXSTR];
		int i;

		for (i = 0; i < 4; i++) {
			w[i * 63] = 62;
			memset(w + i * 63 + 1, 0xff, 62);
		}
		w[252] = 1;
		w[253] = 0;
		w[254] = 0;
		UNIT_CHECK_INT(dname_check(w, sizeof(w), &len), 0);
		UNIT_CHECK_INT(len, 255);
		UNIT_CHECK(dname_to_str(w, big, sizeof(big)) > 0);
		UNIT_CHECK_INT(dname_from_str(big, NULL, d, &len), 0);
		UNIT_CHECK_INT(len, 255);
		UNIT_CHECK(memcmp(d, w, 255) == 0);
	}
}

/** Good compressed names: chains of backward pointers, exact limits. */
static void
test_dname_unpack_good(void)
{
	uint8_t pkt[600], d[DNAME_MAXLEN];
	size_t pos, len, off = 0;
	char s[DNAME_MAXSTR];

	/* 0: 3com 0; 5: 7example ptr->0; 15: 3www ptr->5; 21: ptr->15 */
	memcpy(pkt, "\3com\0" "\7example\xc0\x00" "\3www\xc0\x05"
	    "\xc0\x0f", 23);
	pos = 21;
	UNIT_CHECK_INT(dname_unpack(pkt, 23, &pos, d, &len), 0);
	UNIT_CHECK_INT(pos, 23);
	UNIT_CHECK_INT(len, 17);
	dname_to_str(d, s, sizeof(s));
	UNIT_CHECK_STR(s, "www.example.com.");
	/* Without an output buffer: only checked and skipped. */
	pos = 15;
	UNIT_CHECK_INT(dname_unpack(pkt, 23, &pos, NULL, &len), 0);
	UNIT_CHECK_INT(pos, 21);
	UNIT_CHECK_INT(len, 17);
	/* The packet ends right at pos. */
	pos = 23;
	UNIT_CHECK_INT(dname_unpack(pkt, 23, &pos, d, &len), RES_EMALFORMED);
	pos = 500;
	UNIT_CHECK_INT(dname_unpack(pkt, 23, &pos, d, &len), RES_EMALFORMED);
	UNIT_CHECK_INT(pos, 500);
	/* A 63-octet label passes, 64 (type 01) does not. */
	pkt[0] = 63;
	memset(pkt + 1, 'q', 63);
	pkt[64] = 0;
	pos = 0;
	UNIT_CHECK_INT(dname_unpack(pkt, 65, &pos, d, &len), 0);
	UNIT_CHECK_INT(len, 65);
	pkt[0] = 64;
	pkt[65] = 0;
	pos = 0;
	UNIT_CHECK_INT(dname_unpack(pkt, 66, &pos, d, &len), RES_EMALFORMED);
	UNIT_CHECK_INT(dname_check(pkt, 66, &len), RES_EMALFORMED);
	/* Exactly 255 octets through three pointers, four pieces:
	 * 0: 63-octet label + root (65 octets, name 65);
	 * 65: 63-octet label + pointer to 0 (name 129);
	 * 131: 63-octet label + pointer to 65 (name 193);
	 * 197: 61-octet label + pointer to 131 (name 255). */
	memset(pkt, 'z', sizeof(pkt));
	pkt[0] = 63;
	pkt[64] = 0;
	pkt[65] = 63;
	memcpy(pkt + 129, "\xc0\x00", 2);
	pkt[131] = 63;
	memcpy(pkt + 195, "\xc0\x41", 2);
	pkt[197] = 61;
	memcpy(pkt + 259, "\xc0\x83", 2);
	off = 261;
	pos = 197;
	UNIT_CHECK_INT(dname_unpack(pkt, off, &pos, d, &len), 0);
	UNIT_CHECK_INT(len, 255);
	UNIT_CHECK_INT(pos, 261);
	UNIT_CHECK_INT(dname_check(d, len, NULL), 0);
	/* One more octet in the last piece makes 256. */
	pkt[197] = 62;
	memcpy(pkt + 260, "\xc0\x83", 2);
	pos = 197;
	UNIT_CHECK_INT(dname_unpack(pkt, off + 1, &pos, d, &len),
	    RES_EMALFORMED);
	/* A pointer to an offset past the end of the packet. */
	memcpy(pkt, "\1a\0\xc1\x00", 5);
	pos = 3;
	UNIT_CHECK_INT(dname_unpack(pkt, 5, &pos, d, &len), RES_EMALFORMED);
	/* Label type 10. */
	memcpy(pkt, "\x80\0", 2);
	pos = 0;
	UNIT_CHECK_INT(dname_unpack(pkt, 2, &pos, d, &len), RES_EMALFORMED);
}

/** Hash and compare agree with RFC 4343 for every octet value, at every
 * position of a word, every octet changes the hash, and names spread over
 * buckets. */
static void
test_dname_hash_case(void)
{
	uint8_t a[DNAME_MAXLEN], b[DNAME_MAXLEN];
	unsigned counts[64];
	size_t len, pos;
	int c, i;
	double chi = 0;

	for (len = 1; len <= 40; len++) {
		for (pos = 0; pos < len; pos++) {
			for (c = 0; c < 256; c++) {
				int up = c >= 'A' && c <= 'Z';
				int eq;

				a[0] = (uint8_t)len;
				memset(a + 1, 'q', len);
				a[1 + len] = 0;
				memcpy(b, a, len + 2);
				a[1 + pos] = (uint8_t)c;
				b[1 + pos] = (uint8_t)(up ? c + 32 : c);
				UNIT_CHECK(dname_equal(a, b));
				UNIT_CHECK(dname_hash(a, 3) == dname_hash(b, 3));
				/* Every octet counts, the last ones of a
				 * short final word too. */
				if (c == 'r') {
					memset(b + 1, 'q', len);
					UNIT_CHECK(dname_hash(a, 3) !=
					    dname_hash(b, 3));
				}
				/* A different octet (not a case twin). */
				b[1 + pos] = (uint8_t)(c ^ 0x01);
				eq = (c | 0x20) >= 'a' && (c | 0x20) <= 'z' &&
				    ((c ^ 0x01) | 0x20) == (c | 0x20);
				if (!eq) {
					UNIT_CHECK(!dname_equal(a, b) ||
					    (c ^ 0x01) == c);
				}
			}
		}
	}
	/* The octets around the letters stay apart from them. */
	dname_from_str("\\064.", NULL, a, NULL);
	UNIT_CHECK(dname_from_str("`.", NULL, b, NULL) == 0);
	UNIT_CHECK(!dname_equal(a, b));
	a[0] = 1; a[1] = 0xc1; a[2] = 0;
	b[0] = 1; b[1] = 0xe1; b[2] = 0;
	UNIT_CHECK(!dname_equal(a, b));
	b[1] = 0xc1;
	UNIT_CHECK(dname_hash(a, 0) == dname_hash(b, 0));
	/* Spread: 6400 names over 64 buckets, chi-square well under its
	 * 0.999 quantile (63 degrees of freedom: about 104). */
	memset(counts, 0, sizeof(counts));
	for (i = 0; i < 6400; i++) {
		char name[64];

		snprintf(name, sizeof(name), "host%d.z%03d.example.", i,
		    i % 150);
		UNIT_CHECK_INT(dname_from_str(name, NULL, a, NULL), 0);
		counts[dname_hash(a, 0x5eed) & 63]++;
	}
	for (i = 0; i < 64; i++) {
		chi += (counts[i] - 100.0) * (counts[i] - 100.0) / 100.0;
	}
	UNIT_CHECK(chi < 104.0);
}

int
main(void)
{
	unit_init("dname");
	UNIT_RUN(test_dname_str_roundtrip);
	UNIT_RUN(test_dname_from_str);
	UNIT_RUN(test_dname_limits);
	UNIT_RUN(test_dname_compare);
	UNIT_RUN(test_dname_hash_case);
	UNIT_RUN(test_dname_canonical_order);
	UNIT_RUN(test_dname_unpack);
	UNIT_RUN(test_dname_unpack_too_long);
	UNIT_RUN(test_dname_null_and_empty);
	UNIT_RUN(test_dname_unpack_good);
	return unit_done();
}
