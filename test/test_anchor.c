/*
 * test/test_anchor.c - unit tests for validator/trust_anchor.c: DS and
 * DNSKEY anchors from strings, files and configs, several anchors and the
 * closest-anchor lookup, the built-in root pair, BIND trusted-keys and
 * trust-anchors files, errors with file:line, negative trust anchors
 * (also under concurrent readers), printing that reads back.
 *
 * Files come from testdata/anchor/; the program changes to $top_srcdir
 * first.  Error messages are captured by pointing log_init() at a
 * temporary file and reading it back.
 *
 * "test_anchor -c FILE" is a small check used by test/anchor.sh: it loads
 * FILE as a trust-anchor-file through anchors_apply_config(), prints the
 * anchors and exits 0 when at least one loaded without error.
 */
#include "config.h"
#include "test/unit.h"
#include "validator/trust_anchor.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/log.h"
#include "util/rdata.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** The DS of KSK-2017 and KSK-2024 as RR text. */
#define DS_2017 ". IN DS 20326 8 2 " \
	"E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"
#define DS_2024 ". IN DS 38696 8 2 " \
	"683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16"
/** A test ECDSA P-256 key for corp.internal. (as in the testdata). */
#define CORP_KEY "sbPKYRFrL2KsngcMSaYAjlUrTR2xonkQSMlfXx98n2ueLJXX2vELe" \
	"uJjnmbyxmCT1DraBY3Szz31RV8KKU+Mkw=="

/** Temporary directory for logs and generated files. */
static char tmpdir[] = "/tmp/test_anchor.XXXXXX";
/** The log file all messages go to. */
static char logpath[512];
/** What was logged since the last log_clear(). */
static char logbuf[65536];

/** Empty the log file. */
static void
log_clear(void)
{
	FILE *f = fopen(logpath, "w");

	if (f) {
		fclose(f);
	}
	logbuf[0] = 0;
}

/** Read the log file into logbuf. */
static const char *
log_read(void)
{
	FILE *f = fopen(logpath, "r");
	size_t n = 0;

	if (f) {
		n = fread(logbuf, 1, sizeof(logbuf) - 1, f);
		fclose(f);
	}
	logbuf[n] = 0;
	return logbuf;
}

/** A wire name from text (static buffer per call site is not needed:
 * the caller passes one). */
static const uint8_t *
wire(const char *s, uint8_t *buf)
{
	if (dname_from_str(s, NULL, buf, NULL) != RES_OK) {
		printf("# bad test name %s\n", s);
		buf[0] = 0;
	}
	return buf;
}

/** The anchor at a name (or above it), by text. */
static const struct trust_anchor *
at(const struct anchor_set *set, const char *name)
{
	uint8_t d[DNAME_MAXLEN];

	return anchors_lookup(set, wire(name, d), 1);
}

/** The anchor point name of the closest anchor of a name, as text, or
 * "none". */
static const char *
closest(const struct anchor_set *set, const char *name)
{
	static char out[DNAME_MAXSTR];
	uint8_t d[DNAME_MAXLEN];
	const struct trust_anchor *ta = anchors_lookup(set, wire(name, d), 1);

	if (!ta) {
		return "none";
	}
	if (dname_to_str(ta->name, out, sizeof(out)) < 0) {
		return "?";
	}
	return out;
}

/** Is a name insecure (text form)? */
static int
insecure(const struct anchor_set *set, const char *name)
{
	uint8_t d[DNAME_MAXLEN];

	return anchors_is_insecure(set, wire(name, d));
}

/** Load a config text into a fresh set; the log is in logbuf. */
static struct anchor_set *
from_config(const char *text, int *result)
{
	struct config *cfg = config_create();
	struct anchor_set *set = anchors_create();

	log_clear();
	UNIT_CHECK(cfg && set);
	if (!cfg || !set) {
		config_delete(cfg);
		anchors_delete(set);
		*result = RES_ENOMEM;
		return NULL;
	}
	UNIT_CHECK_INT(config_read_string(cfg, text, "t.conf"), 0);
	*result = anchors_apply_config(set, cfg);
	config_delete(cfg);
	log_read();
	return set;
}

/** NULL, empty and oversized input to every function. */
static void
test_anchor_null(void)
{
	struct anchor_set *set = anchors_create();
	uint8_t d[DNAME_MAXLEN], bad[DNAME_MAXLEN];
	char *big;

	UNIT_CHECK(set != NULL);
	anchors_delete(NULL);
	log_clear();
	UNIT_CHECK_INT(anchors_add_rr(NULL, DS_2017, "x"), RES_EINVAL);
	UNIT_CHECK_INT(anchors_add_rr(set, NULL, "x"), RES_EINVAL);
	UNIT_CHECK_INT(anchors_add_rr(set, "", "x"), RES_ESYNTAX);
	UNIT_CHECK_INT(anchors_add_rr(set, "   ", NULL), RES_ESYNTAX);
	UNIT_CHECK(strstr(log_read(), "(string): cannot parse") != NULL);
	UNIT_CHECK_INT(anchors_add_file(NULL, "x"), RES_EINVAL);
	UNIT_CHECK_INT(anchors_add_file(set, NULL), RES_EINVAL);
	UNIT_CHECK_INT(anchors_add_trusted_keys_file(set, NULL), RES_EINVAL);
	UNIT_CHECK_INT(anchors_add_trusted_keys_string(NULL, "", "x"),
	    RES_EINVAL);
	UNIT_CHECK_INT(anchors_add_trusted_keys_string(set, "", "x"), 0);
	UNIT_CHECK_INT(anchors_add_builtin(NULL), RES_EINVAL);
	UNIT_CHECK_INT(anchors_apply_config(NULL, NULL), RES_EINVAL);
	UNIT_CHECK_INT(anchors_apply_config(set, NULL), RES_EINVAL);
	UNIT_CHECK(anchors_lookup(NULL, wire(".", d), 1) == NULL);
	UNIT_CHECK(anchors_lookup(set, NULL, 1) == NULL);
	UNIT_CHECK(anchors_lookup(set, wire("example.", d), 1) == NULL);
	UNIT_CHECK_INT(anchors_count(NULL), 0);
	UNIT_CHECK_INT(anchors_count(set), 0);
	UNIT_CHECK_INT(anchors_insecure_add(NULL, d), RES_EINVAL);
	UNIT_CHECK_INT(anchors_insecure_add(set, NULL), RES_EINVAL);
	UNIT_CHECK_INT(anchors_insecure_remove(NULL, d), RES_EINVAL);
	UNIT_CHECK_INT(anchors_insecure_remove(set, NULL), RES_EINVAL);
	/* A label running past the end of the longest name. */
	memset(bad, 63, sizeof(bad));
	UNIT_CHECK_INT(anchors_insecure_add(set, bad), RES_EINVAL);
	UNIT_CHECK_INT(anchors_insecure_remove(set, bad), RES_EINVAL);
	UNIT_CHECK_INT(anchors_is_insecure(NULL, d), 0);
	UNIT_CHECK_INT(anchors_is_insecure(set, NULL), 0);
	UNIT_CHECK_INT(anchors_insecure_foreach(NULL, NULL, NULL), 0);
	UNIT_CHECK_INT(anchors_insecure_foreach(set, NULL, NULL), 0);
	anchors_print(NULL, stdout);
	anchors_print(set, NULL);

	/* Oversized: 100000 characters, and a name over 255 octets. */
	big = malloc(100001);
	UNIT_CHECK(big != NULL);
	if (big) {
		memset(big, 'a', 100000);
		big[100000] = 0;
		UNIT_CHECK_INT(anchors_add_rr(set, big, "big"), RES_ESYNTAX);
		/* A digest far too long: the root anchor is broken. */
		memcpy(big, ". IN DS 20326 8 2 ", 18);
		UNIT_CHECK_INT(anchors_add_rr(set, big, "big"), 0);
		memset(big, 0, 100001);
		for (int i = 0; i < 60; i++) {
			strcat(big, "abcdefg.");
		}
		strcat(big, " IN DS 20326 8 2 "
		    "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237"
		    "C7F8EC8D");
		UNIT_CHECK_INT(anchors_add_rr(set, big, "big"), RES_ESYNTAX);
		free(big);
		UNIT_CHECK_INT(anchors_count(set), 1);
		UNIT_CHECK(at(set, ".") && at(set, ".")->broken &&
		    at(set, ".")->num_ds == 0);
	}
	anchors_delete(set);
}

/** DS and DNSKEY anchors from strings; duplicates are kept once. */
static void
test_anchor_strings(void)
{
	struct anchor_set *set = anchors_create();
	const struct trust_anchor *ta;
	uint8_t d[DNAME_MAXLEN];

	UNIT_CHECK_INT(anchors_add_rr(set, DS_2017, "a:1"), 0);
	UNIT_CHECK_INT(anchors_add_rr(set, DS_2017, "a:2"), 0);
	UNIT_CHECK_INT(anchors_add_rr(set, DS_2024, "a:3"), 0);
	UNIT_CHECK_INT(anchors_add_rr(set, "Corp.Internal. 3600 IN DNSKEY "
	    "257 3 13 " CORP_KEY, "a:4"), 0);
	UNIT_CHECK_INT(anchors_count(set), 2);
	ta = anchors_lookup(set, wire("www.example.com.", d), 1);
	UNIT_CHECK(ta != NULL);
	if (ta) {
		UNIT_CHECK_INT(ta->namelen, 1);
		UNIT_CHECK_INT(ta->num_ds, 2);
		UNIT_CHECK_INT(ta->num_dnskey, 0);
		UNIT_CHECK_INT(ta->ds_len[0], 36);
		UNIT_CHECK_INT(ta->ds[0][0] << 8 | ta->ds[0][1], 20326);
		UNIT_CHECK_INT(ta->ds[1][0] << 8 | ta->ds[1][1], 38696);
		UNIT_CHECK_INT(ta->ds[0][2], 8);
		UNIT_CHECK_INT(ta->ds[0][3], 2);
		UNIT_CHECK_INT(ta->ds[0][4], 0xE0);
		UNIT_CHECK_STR(ta->source, "a:1");
		UNIT_CHECK_STR(ta->ds_source[1], "a:3");
		UNIT_CHECK_INT(ta->dclass, 1);
	}
	ta = anchors_lookup(set, wire("a.b.CORP.internal.", d), 1);
	UNIT_CHECK(ta != NULL);
	if (ta) {
		UNIT_CHECK_INT(ta->num_ds, 0);
		UNIT_CHECK_INT(ta->num_dnskey, 1);
		UNIT_CHECK_INT(ta->dnskey_len[0], 4 + 64);
		UNIT_CHECK_INT(ta->dnskey[0][3], 13);
		/* Stored lowercased. */
		UNIT_CHECK(memcmp(ta->name, "\004corp\010internal", 14) == 0);
		UNIT_CHECK_STR(ta->dnskey_source[0], "a:4");
	}
	/* Another class has no anchors. */
	UNIT_CHECK(anchors_lookup(set, wire("corp.internal.", d), 3) == NULL);
	anchors_delete(set);
}

/** Several anchors: the closest one at or above a name wins. */
static void
test_anchor_closest(void)
{
	struct anchor_set *set = anchors_create();

	UNIT_CHECK_STR(closest(set, "corp.internal."), "none");
	UNIT_CHECK_INT(anchors_add_rr(set, "corp.internal. DNSKEY 257 3 13 "
	    CORP_KEY, "t:1"), 0);
	UNIT_CHECK_STR(closest(set, "host.corp.internal."), "corp.internal.");
	UNIT_CHECK_STR(closest(set, "internal."), "none");
	UNIT_CHECK_STR(closest(set, "."), "none");
	UNIT_CHECK_INT(anchors_add_rr(set, DS_2024, "t:2"), 0);
	UNIT_CHECK_INT(anchors_add_rr(set, "lab.corp.internal. DS 12345 13 2 "
	    "0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20",
	    "t:3"), 0);
	UNIT_CHECK_STR(closest(set, "."), ".");
	UNIT_CHECK_STR(closest(set, "internal."), ".");
	UNIT_CHECK_STR(closest(set, "www.example.com."), ".");
	UNIT_CHECK_STR(closest(set, "corp.internal."), "corp.internal.");
	UNIT_CHECK_STR(closest(set, "HOST.Corp.Internal."), "corp.internal.");
	UNIT_CHECK_STR(closest(set, "xcorp.internal."), ".");
	UNIT_CHECK_STR(closest(set, "a.lab.corp.internal."),
	    "lab.corp.internal.");
	UNIT_CHECK_STR(closest(set, "lab2.corp.internal."), "corp.internal.");
	UNIT_CHECK_INT(anchors_count(set), 3);
	anchors_delete(set);
}

/** anchors_foreach() callback: count. */
static void
anchor_count_cb(void *arg, const struct trust_anchor *ta)
{
	(void)ta;
	(*(int *)arg)++;
}

/** anchors_same(): the same keys whatever the order; foreach sees all. */
static void
test_anchor_same(void)
{
	struct anchor_set *a = anchors_create(), *b = anchors_create();
	const char *ds2 = "lab.corp.internal. DS 12345 13 2 "
	    "0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20";
	int n = 0;

	UNIT_CHECK_INT(anchors_add_rr(a, DS_2024, "a:1"), 0);
	UNIT_CHECK_INT(anchors_add_rr(a, DS_2017, "a:2"), 0);
	UNIT_CHECK_INT(anchors_add_rr(a, ds2, "a:3"), 0);
	UNIT_CHECK_INT(anchors_add_rr(b, DS_2017, "b:1"), 0);
	UNIT_CHECK_INT(anchors_add_rr(b, DS_2024, "b:2"), 0);
	UNIT_CHECK(anchors_same(at(a, "."), at(b, ".")));
	UNIT_CHECK(!anchors_same(at(a, "lab.corp.internal."),
	    at(b, "lab.corp.internal.")));
	UNIT_CHECK(!anchors_same(at(a, "lab.corp.internal."), at(a, ".")));
	UNIT_CHECK_INT(anchors_add_rr(b, ". DNSKEY 257 3 13 " CORP_KEY,
	    "b:3"), 0);
	UNIT_CHECK(!anchors_same(at(a, "."), at(b, ".")));
	UNIT_CHECK_INT((int)anchors_foreach(a, anchor_count_cb, &n), 2);
	UNIT_CHECK_INT(n, 2);
	UNIT_CHECK_INT((int)anchors_foreach(NULL, anchor_count_cb, &n), 0);
	anchors_delete(a);
	anchors_delete(b);
}

/** Many anchor points: the table grows and every one is found. */
static void
test_anchor_many(void)
{
	struct anchor_set *set = anchors_create();
	char rr[200], name[64];
	int i, found = 0;

	for (i = 0; i < 2000; i++) {
		snprintf(rr, sizeof(rr), "zone%d.example. DS %d 13 2 "
		    "0102030405060708090A0B0C0D0E0F10"
		    "1112131415161718191A1B1C1D1E1F20", i, i);
		UNIT_CHECK_INT(anchors_add_rr(set, rr, "many"), 0);
	}
	UNIT_CHECK_INT(anchors_count(set), 2000);
	for (i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "www.zone%d.example.", i);
		snprintf(rr, sizeof(rr), "zone%d.example.", i);
		found += strcmp(closest(set, name), rr) == 0;
	}
	UNIT_CHECK_INT(found, 2000);
	UNIT_CHECK_STR(closest(set, "example."), "none");
	anchors_delete(set);
}

/** Bad RRs are refused with a message naming the source. */
static void
test_anchor_bad_rr(void)
{
	struct anchor_set *set = anchors_create();

	log_clear();
	UNIT_CHECK_INT(anchors_add_rr(set, "www.example. A 192.0.2.1",
	    "f.conf:7"), RES_ESYNTAX);
	UNIT_CHECK(strstr(log_read(), "f.conf:7: a trust anchor is a DS or "
	    "DNSKEY record, not A") != NULL);
	/* A digest of the wrong length: loaded, the anchor broken (the
	 * daemon starts; the zone fails validation with the reason). */
	log_clear();
	UNIT_CHECK_INT(anchors_add_rr(set, ". DS 20326 8 2 E06D44",
	    "f.conf:8"), 0);
	UNIT_CHECK(strstr(log_read(), "f.conf:8: DS for .: digest of 3 "
	    "octets, digest type 2 needs 32") != NULL);
	UNIT_CHECK(strstr(logbuf, "is broken") != NULL);
	UNIT_CHECK(at(set, ".") && at(set, ".")->broken &&
	    strstr(at(set, ".")->broken, "f.conf:8") != NULL);
	log_clear();
	UNIT_CHECK_INT(anchors_add_rr(set, ". DS 20326 8 2 nothex",
	    "f.conf:9"), RES_ESYNTAX);
	UNIT_CHECK(strstr(log_read(), "f.conf:9: cannot parse") != NULL);
	log_clear();
	UNIT_CHECK_INT(anchors_add_rr(set, "x. DNSKEY 256 3 13 " CORP_KEY,
	    "s"), 0);
	UNIT_CHECK_INT(anchors_add_rr(set, "x. DNSKEY 1 3 13 " CORP_KEY,
	    "f.conf:10"), RES_ESYNTAX);
	UNIT_CHECK(strstr(log_read(), "f.conf:10: DNSKEY for x. lacks the "
	    "Zone Key flag") != NULL);
	UNIT_CHECK_INT(anchors_add_rr(set, "x. DNSKEY 257 2 13 " CORP_KEY,
	    "f.conf:11"), RES_ESYNTAX);
	UNIT_CHECK(strstr(log_read(), "f.conf:11: DNSKEY for x. has "
	    "protocol 2") != NULL);
	/* A revoked key is skipped with a warning, not an error. */
	log_clear();
	UNIT_CHECK_INT(anchors_add_rr(set, "y. DNSKEY 385 3 13 " CORP_KEY,
	    "f.conf:12"), 0);
	UNIT_CHECK(strstr(log_read(), "f.conf:12: DNSKEY") != NULL);
	UNIT_CHECK(strstr(logbuf, "revoked") != NULL);
	/* An unknown digest type is taken with any digest length. */
	UNIT_CHECK_INT(anchors_add_rr(set, "z. DS 1 8 99 0102", "s"), 0);
	/* The x. DNSKEY and z. DS went in, and . broken. */
	UNIT_CHECK_INT(anchors_count(set), 3);
	anchors_delete(set);
}

/** A trust-anchor-file in zone-file format, directly and by config. */
static void
test_anchor_file(void)
{
	struct anchor_set *set = anchors_create();
	const struct trust_anchor *ta;
	uint8_t d[DNAME_MAXLEN];
	int r;

	UNIT_CHECK_INT(anchors_add_file(set, "testdata/anchor/anchors.zone"),
	    0);
	UNIT_CHECK_INT(anchors_count(set), 2);
	ta = anchors_lookup(set, wire("corp.internal.", d), 1);
	UNIT_CHECK(ta && ta->num_dnskey == 1 && ta->num_ds == 0);
	if (ta) {
		UNIT_CHECK_STR(ta->source, "testdata/anchor/anchors.zone:6");
	}
	ta = anchors_lookup(set, wire("com.", d), 1);
	UNIT_CHECK(ta && ta->num_ds == 1 && ta->namelen == 1);
	anchors_delete(set);

	set = from_config("server:\n"
	    "\ttrust-anchor-file: \"testdata/anchor/anchors.zone\"\n", &r);
	UNIT_CHECK_INT(r, 0);
	UNIT_CHECK_INT(anchors_count(set), 2);
	/* Configured anchors replace the built-in ones. */
	ta = anchors_lookup(set, wire(".", d), 1);
	UNIT_CHECK(ta && ta->num_ds == 1);
	anchors_delete(set);
}

/** The built-in root pair appears only when nothing is configured. */
static void
test_anchor_builtin(void)
{
	const struct trust_anchor *ta;
	struct anchor_set *set;
	uint8_t d[DNAME_MAXLEN];
	int r;

	set = from_config("server:\n", &r);
	UNIT_CHECK_INT(r, 0);
	UNIT_CHECK_INT(anchors_count(set), 1);
	ta = anchors_lookup(set, wire("example.com.", d), 1);
	UNIT_CHECK(ta && ta->num_ds == 2 && ta->num_dnskey == 0);
	if (ta && ta->num_ds == 2) {
		UNIT_CHECK_INT(ta->ds[0][0] << 8 | ta->ds[0][1], 20326);
		UNIT_CHECK_INT(ta->ds[1][0] << 8 | ta->ds[1][1], 38696);
		UNIT_CHECK_STR(ta->source, ANCHOR_SOURCE_BUILTIN);
		UNIT_CHECK_STR(ta->ds_source[1], ANCHOR_SOURCE_BUILTIN);
	}
	anchors_delete(set);

	/* domain-insecure is no anchor: the built-in ones stay. */
	set = from_config("server:\n\tdomain-insecure: \"example.\"\n", &r);
	UNIT_CHECK_INT(r, 0);
	UNIT_CHECK_STR(closest(set, "www.example.com."), ".");
	UNIT_CHECK_INT(insecure(set, "www.example."), 1);
	anchors_delete(set);

	/* An internal anchor alone replaces them: no root anchor. */
	set = from_config("server:\n\ttrust-anchor: \"corp.internal. DNSKEY "
	    "257 3 13 " CORP_KEY "\"\n", &r);
	UNIT_CHECK_INT(r, 0);
	UNIT_CHECK_STR(closest(set, "www.example.com."), "none");
	UNIT_CHECK_STR(closest(set, "www.corp.internal."), "corp.internal.");
	anchors_delete(set);

	/* Both, as an enterprise configures them. */
	set = from_config("server:\n\ttrust-anchor: \"" DS_2017 "\"\n"
	    "\ttrust-anchor: \"" DS_2024 "\"\n"
	    "\ttrust-anchor: \"corp.internal. DNSKEY 257 3 13 " CORP_KEY
	    "\"\n", &r);
	UNIT_CHECK_INT(r, 0);
	UNIT_CHECK_INT(anchors_count(set), 2);
	UNIT_CHECK_STR(closest(set, "www.example.com."), ".");
	UNIT_CHECK_STR(closest(set, "www.corp.internal."), "corp.internal.");
	ta = anchors_lookup(set, wire(".", d), 1);
	UNIT_CHECK(ta && ta->num_ds == 2);
	if (ta) {
		UNIT_CHECK_STR(ta->source, "t.conf:2");
	}
	anchors_delete(set);
}

/** Config errors name file:line: bad RR, wrong type, missing file, bad
 * lines inside a file, a bad domain-insecure. */
static void
test_anchor_config_errors(void)
{
	struct anchor_set *set;
	int r;

	set = from_config("server:\n\ttrust-anchor: \"www.example. A "
	    "192.0.2.1\"\n\ttrust-anchor: \"garbage\"\n", &r);
	UNIT_CHECK_INT(r, RES_ESYNTAX);
	UNIT_CHECK(strstr(logbuf, "t.conf:2: a trust anchor is a DS or DNSKEY "
	    "record, not A") != NULL);
	UNIT_CHECK(strstr(logbuf, "t.conf:3: cannot parse") != NULL);
	/* An error is no "nothing configured": no built-in fallback. */
	UNIT_CHECK_INT(anchors_count(set), 0);
	anchors_delete(set);

	set = from_config("server:\n\n\ttrust-anchor-file: "
	    "\"testdata/anchor/missing.zone\"\n", &r);
	UNIT_CHECK_INT(r, RES_ESYSTEM);
	UNIT_CHECK(strstr(logbuf, "t.conf:3: trust-anchor-file: cannot read "
	    "'testdata/anchor/missing.zone'") != NULL);
	anchors_delete(set);

	set = from_config("server:\n\ttrusted-keys-file: "
	    "\"testdata/anchor/missing.conf\"\n"
	    "\tauto-trust-anchor-file: \"testdata/anchor/missing.key\"\n", &r);
	UNIT_CHECK_INT(r, RES_ESYSTEM);
	UNIT_CHECK(strstr(logbuf, "t.conf:2: trusted-keys-file: cannot read")
	    != NULL);
	UNIT_CHECK(strstr(logbuf, "t.conf:3: auto-trust-anchor-file: cannot "
	    "read") != NULL);
	anchors_delete(set);

	/* bad.zone: line 3 is an A record, line 4 a short digest, line 5
	 * no RR at all (the reader stops there). */
	set = from_config("server:\n\ttrust-anchor-file: "
	    "\"testdata/anchor/bad.zone\"\n", &r);
	UNIT_CHECK_INT(r, RES_ESYNTAX);
	UNIT_CHECK(strstr(logbuf, "testdata/anchor/bad.zone:3: a trust anchor "
	    "is a DS or DNSKEY record, not A") != NULL);
	UNIT_CHECK(strstr(logbuf, "testdata/anchor/bad.zone:4: DS for .: "
	    "digest of 3 octets") != NULL);
	UNIT_CHECK(strstr(logbuf, "testdata/anchor/bad.zone:5:") != NULL);
	UNIT_CHECK(strstr(logbuf, "t.conf:2: trust-anchor-file: errors in")
	    != NULL);
	anchors_delete(set);

	set = from_config("server:\n\tdomain-insecure: \"a..b\"\n", &r);
	UNIT_CHECK_INT(r, RES_ESYNTAX);
	UNIT_CHECK(strstr(logbuf, "t.conf:2: domain-insecure: bad name 'a..b'")
	    != NULL);
	anchors_delete(set);
}

/** BIND files, both syntaxes, with comments. */
static void
test_anchor_bind(void)
{
	struct anchor_set *set;
	const struct trust_anchor *ta;
	uint8_t d[DNAME_MAXLEN];
	int r;

	set = from_config("server:\n\ttrusted-keys-file: "
	    "\"testdata/anchor/trusted-keys.conf\"\n", &r);
	UNIT_CHECK_INT(r, 0);
	UNIT_CHECK_INT(anchors_count(set), 2);
	ta = anchors_lookup(set, wire("www.corp.internal.", d), 1);
	UNIT_CHECK(ta && ta->num_dnskey == 1 && ta->dnskey_len[0] == 68);
	if (ta) {
		UNIT_CHECK_STR(ta->source,
		    "testdata/anchor/trusted-keys.conf:5");
	}
	/* Key data over two lines inside the quotes: 260 octets. */
	ta = anchors_lookup(set, wire("example.net.", d), 1);
	UNIT_CHECK(ta && ta->num_dnskey == 1 && ta->dnskey_len[0] == 264);
	UNIT_CHECK_STR(closest(set, "example.com."), "none");
	anchors_delete(set);

	set = from_config("server:\n\ttrusted-keys-file: "
	    "\"testdata/anchor/trust-anchors.conf\"\n", &r);
	UNIT_CHECK_INT(r, 0);
	UNIT_CHECK_INT(anchors_count(set), 4);
	ta = anchors_lookup(set, wire("example.com.", d), 1);
	UNIT_CHECK(ta && ta->num_ds == 2 && ta->namelen == 1);
	if (ta) {
		UNIT_CHECK_STR(ta->ds_source[1],
		    "testdata/anchor/trust-anchors.conf:5");
	}
	UNIT_CHECK_STR(closest(set, "x.lab.corp.internal."),
	    "lab.corp.internal.");
	UNIT_CHECK_STR(closest(set, "x.corp.internal."), "corp.internal.");
	UNIT_CHECK_STR(closest(set, "www.example.net."), "example.net.");
	anchors_delete(set);

	/* The same from a string, with odd spacing. */
	set = anchors_create();
	UNIT_CHECK_INT(anchors_add_trusted_keys_string(set,
	    "trusted-keys{x. 257 3 13 \"" CORP_KEY "\";};// end", "s"), 0);
	UNIT_CHECK_INT(anchors_count(set), 1);
	anchors_delete(set);
}

/** Errors in BIND files carry file:line. */
static void
test_anchor_bind_errors(void)
{
	static const struct {
		const char *text;	/* the file */
		const char *msg;	/* expected in the log */
	} cases[] = {
		{ "trusted-keys {\n x. 257 3 13 \"" CORP_KEY "\"\n};\n",
		    "b.conf:2: ';' missing" },
		{ "options {\n};\n", "b.conf:1: expected trusted-keys" },
		{ "\n/* open\n\ntrusted-keys { };\n", "b.conf:2: comment not "
		    "closed" },
		{ "trust-anchors {\n x. ds-key 1 2 3 \"aa\";\n};\n",
		    "b.conf:2: unknown key type 'ds-key'" },
		{ "trust-anchors {\n x.. static-key 257 3 13 \"" CORP_KEY
		    "\";\n};\n", "b.conf:2: bad name 'x..'" },
		{ "trusted-keys {\n\n x. 257 3 \"" CORP_KEY "\";\n};\n",
		    "b.conf:3: x. DNSKEY needs 4 fields, has 3" },
		{ "trusted-keys {\n x. 257 3 13 \"" CORP_KEY "\";\n",
		    "b.conf:3: '}' expected" },
		{ "trusted-keys {\n x. 257 3 13 \"" CORP_KEY "\";\n}\n",
		    "b.conf:3: ';' expected after '}'" },
		{ "trusted-keys {\n x. 257 3 13 \"abc", "b.conf:2: string not "
		    "closed" },
		{ "trusted-keys\n x. 257 3 13 \"abc\";", "b.conf:2: '{' "
		    "expected" },
		{ "trusted-keys {\n x. 257 3 13 \"a(b\";\n};",
		    "b.conf:2: unexpected characters" },
		{ "trusted-keys {\n x. 1 3 13 \"" CORP_KEY "\";\n};",
		    "b.conf:2: DNSKEY for x. lacks the Zone Key flag" },
	};
	struct anchor_set *set;
	size_t i;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set = anchors_create();
		log_clear();
		r = anchors_add_trusted_keys_string(set, cases[i].text,
		    "b.conf");
		if (!UNIT_CHECK(r != 0) ||
		    !UNIT_CHECK(strstr(log_read(), cases[i].msg) != NULL)) {
			printf("#   case %zu: result %d, log: %s\n", i, r,
			    logbuf);
		}
		anchors_delete(set);
	}
}

/** An auto-trust-anchor-file with RFC 5011 states: the VALID key is the
 * anchor, the REVOKED one is not (validator/autotrust.c; test_autotrust
 * tests the states). */
static void
test_anchor_auto_file(void)
{
	const struct trust_anchor *ta;
	struct anchor_set *set;
	uint8_t d[DNAME_MAXLEN];
	int r;

	set = from_config("server:\n\tauto-trust-anchor-file: "
	    "\"testdata/anchor/auto.key\"\n", &r);
	UNIT_CHECK_INT(r, 0);
	ta = anchors_lookup(set, wire("www.example.", d), 1);
	UNIT_CHECK(ta && ta->num_dnskey == 1 && ta->num_ds == 0);
	if (ta) {
		UNIT_CHECK_INT(ta->dnskey[0][0] << 8 | ta->dnskey[0][1], 257);
		UNIT_CHECK_STR(ta->source,
		    "testdata/anchor/auto.key (RFC 5011)");
	}
	UNIT_CHECK(anchors_has_autr(set));
	anchors_delete(set);
}

/** Collect NTA names as text, comma separated. */
static void
collect(void *arg, const uint8_t *name)
{
	char s[DNAME_MAXSTR];

	dname_to_str(name, s, sizeof(s));
	strcat(arg, s);
	strcat(arg, ",");
}

/** Count NTA names. */
static void
count_cb(void *arg, const uint8_t *name)
{
	(void)name;
	(*(int *)arg)++;
}

/** Negative trust anchors: add, subdomains, remove, anchors below. */
static void
test_anchor_nta(void)
{
	struct anchor_set *set = anchors_create();
	uint8_t d[DNAME_MAXLEN];
	char list[512] = "";
	char name[64];
	int i, n;

	UNIT_CHECK_INT(anchors_add_builtin(set), 0);
	UNIT_CHECK_INT(insecure(set, "example.com."), 0);
	UNIT_CHECK_INT(anchors_insecure_add(set, wire("Example.COM.", d)), 0);
	UNIT_CHECK_INT(anchors_insecure_add(set, wire("example.com.", d)),
	    RES_EEXIST);
	UNIT_CHECK_INT(insecure(set, "example.com."), 1);
	UNIT_CHECK_INT(insecure(set, "a.b.EXAMPLE.com."), 1);
	UNIT_CHECK_INT(insecure(set, "com."), 0);
	UNIT_CHECK_INT(insecure(set, "xexample.com."), 0);
	UNIT_CHECK_INT(insecure(set, "."), 0);
	/* The anchor lookup does not change: the validator asks both. */
	UNIT_CHECK_STR(closest(set, "a.example.com."), ".");

	/* An internal zone with its own anchor inside an NTA validates. */
	UNIT_CHECK_INT(anchors_insecure_add(set, wire("internal.", d)), 0);
	UNIT_CHECK_INT(anchors_add_rr(set, "corp.internal. DNSKEY 257 3 13 "
	    CORP_KEY, "t:1"), 0);
	UNIT_CHECK_INT(insecure(set, "www.internal."), 1);
	UNIT_CHECK_INT(insecure(set, "www.corp.internal."), 0);
	UNIT_CHECK_INT(insecure(set, "corp.internal."), 0);
	/* An NTA at the anchor itself wins. */
	UNIT_CHECK_INT(anchors_insecure_add(set, wire("corp.internal.", d)),
	    0);
	UNIT_CHECK_INT(insecure(set, "www.corp.internal."), 1);

	UNIT_CHECK_INT(anchors_insecure_foreach(set, collect, list), 3);
	UNIT_CHECK_STR(list, "example.com.,internal.,corp.internal.,");
	UNIT_CHECK_INT(anchors_insecure_remove(set, wire("INTERNAL.", d)), 0);
	UNIT_CHECK_INT(anchors_insecure_remove(set, wire("internal.", d)),
	    RES_ENOTFOUND);
	UNIT_CHECK_INT(insecure(set, "www.internal."), 0);
	UNIT_CHECK_INT(anchors_insecure_remove(set, wire("corp.internal.", d)),
	    0);
	UNIT_CHECK_INT(anchors_insecure_remove(set, wire("example.com.", d)),
	    0);
	UNIT_CHECK_INT(insecure(set, "a.example.com."), 0);
	UNIT_CHECK_INT(anchors_insecure_foreach(set, collect, list), 0);

	/* The root itself as an NTA, and many NTAs. */
	UNIT_CHECK_INT(anchors_insecure_add(set, wire(".", d)), 0);
	UNIT_CHECK_INT(insecure(set, "anything.example."), 1);
	UNIT_CHECK_INT(anchors_insecure_remove(set, wire(".", d)), 0);
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "n%d.example.", i);
		UNIT_CHECK_INT(anchors_insecure_add(set, wire(name, d)), 0);
	}
	for (i = 0, n = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "www.n%d.example.", i);
		n += insecure(set, name);
	}
	UNIT_CHECK_INT(n, 1000);
	for (i = 0; i < 1000; i += 2) {
		snprintf(name, sizeof(name), "n%d.example.", i);
		UNIT_CHECK_INT(anchors_insecure_remove(set, wire(name, d)), 0);
	}
	for (i = 0, n = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "www.n%d.example.", i);
		n += insecure(set, name);
	}
	UNIT_CHECK_INT(n, 500);
	anchors_delete(set);
}

/** State shared with the reader threads. */
struct nta_race {
	/** The set. */
	struct anchor_set *set;
	/** Set when the writer is done. */
	int stop;
	/** Lookups done by a reader. */
	long lookups;
};

/** A reader: asks about names while the writer changes the NTAs. */
static void *
nta_reader(void *arg)
{
	struct nta_race *race = arg;
	uint8_t d[DNAME_MAXLEN];
	long i;

	dname_from_str("www.n7.example.", NULL, d, NULL);
	/* Bounded: at most 5 million lookups even if stop never comes. */
	for (i = 0; i < 5000000 &&
	    !__atomic_load_n(&race->stop, __ATOMIC_ACQUIRE); i++) {
		(void)anchors_is_insecure(race->set, d);
		(void)anchors_lookup(race->set, d, 1);
	}
	race->lookups = i;
	return NULL;
}

/** NTAs change while other threads read (run under the sanitizers this
 * finds use-after-free; the result checks the final state). */
static void
test_anchor_nta_threads(void)
{
	struct nta_race race[2];
	pthread_t th[2];
	uint8_t d[DNAME_MAXLEN];
	char name[64];
	int i, j;

	race[0].set = anchors_create();
	UNIT_CHECK_INT(anchors_add_builtin(race[0].set), 0);
	for (j = 0; j < 2; j++) {
		race[j].set = race[0].set;
		race[j].stop = 0;
		race[j].lookups = 0;
		UNIT_CHECK_INT(pthread_create(&th[j], NULL, nta_reader,
		    &race[j]), 0);
	}
	for (i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "n%d.example.", i % 16);
		wire(name, d);
		if (anchors_insecure_add(race[0].set, d) == RES_EEXIST) {
			UNIT_CHECK_INT(anchors_insecure_remove(race[0].set, d),
			    0);
		}
	}
	for (j = 0; j < 2; j++) {
		__atomic_store_n(&race[j].stop, 1, __ATOMIC_RELEASE);
		pthread_join(th[j], NULL);
	}
	/* 20000 steps over 16 names: each was added and removed 625 times,
	 * so none is left. */
	UNIT_CHECK_INT(anchors_insecure_foreach(race[0].set, count_cb, &i),
	    0);
	UNIT_CHECK_INT(insecure(race[0].set, "www.n7.example."), 0);
	printf("# readers did %ld and %ld lookups\n", race[0].lookups,
	    race[1].lookups);
	anchors_delete(race[0].set);
}

/** anchors_print() shows key tags and sources and reads back. */
static void
test_anchor_print(void)
{
	struct anchor_set *set = anchors_create(), *back = anchors_create();
	char path[600], *text = malloc(65536);
	uint8_t d[DNAME_MAXLEN];
	FILE *f;
	size_t n = 0;

	UNIT_CHECK_INT(anchors_add_builtin(set), 0);
	UNIT_CHECK_INT(anchors_add_rr(set, "corp.internal. DNSKEY 257 3 13 "
	    CORP_KEY, "corp.conf:4"), 0);
	UNIT_CHECK_INT(anchors_insecure_add(set, wire("test.", d)), 0);
	snprintf(path, sizeof(path), "%s/print.zone", tmpdir);
	f = fopen(path, "w");
	UNIT_CHECK(f != NULL && text != NULL);
	if (!f || !text) {
		free(text);
		anchors_delete(set);
		anchors_delete(back);
		return;
	}
	anchors_print(set, f);
	fclose(f);
	if ((f = fopen(path, "r"))) {
		n = fread(text, 1, 65535, f);
		fclose(f);
	}
	text[n] = 0;
	UNIT_CHECK(strstr(text, "; trust anchors: 2\n") != NULL);
	UNIT_CHECK(strstr(text, "key tag 20326, algorithm 8, digest type 2, "
	    "from built-in") != NULL);
	UNIT_CHECK(strstr(text, "key tag 38696") != NULL);
	UNIT_CHECK(strstr(text, "flags 257, algorithm 13, from corp.conf:4")
	    != NULL);
	UNIT_CHECK(strstr(text, "; domain-insecure: \"test.\"") != NULL);
	/* The key tag printed is the one computed from the RDATA. */
	{
		const struct trust_anchor *ta = anchors_lookup(set,
		    wire("corp.internal.", d), 1);
		char want[64];

		UNIT_CHECK(ta != NULL);
		if (ta) {
			snprintf(want, sizeof(want), "key tag %u, flags 257",
			    rdata_dnskey_keytag(ta->dnskey[0],
			    ta->dnskey_len[0]));
			UNIT_CHECK(strstr(text, want) != NULL);
		}
	}
	UNIT_CHECK_INT(anchors_add_file(back, path), 0);
	UNIT_CHECK_INT(anchors_count(back), 2);
	UNIT_CHECK_STR(closest(back, "x.corp.internal."), "corp.internal.");
	free(text);
	anchors_delete(set);
	anchors_delete(back);
}

/** "-c FILE": load FILE as a trust-anchor-file through a config and
 * print the result; exit 0 when anchors loaded without error. */
static int
check_file(const char *file)
{
	struct config *cfg = config_create();
	struct anchor_set *set = anchors_create();
	char *text;
	size_t len;
	int r = 1;

	len = strlen(file) + 64;
	text = malloc(len);
	if (!cfg || !set || !text) {
		fprintf(stderr, "out of memory\n");
		goto out;
	}
	snprintf(text, len, "server:\n\ttrust-anchor-file: \"%s\"\n", file);
	if (config_read_string(cfg, text, "check.conf") != 0) {
		goto out;
	}
	if (anchors_apply_config(set, cfg) == 0 && anchors_count(set) > 0) {
		anchors_print(set, stdout);
		r = 0;
	}
out:
	free(text);
	config_delete(cfg);
	anchors_delete(set);
	return r;
}

int
main(int argc, char **argv)
{
	const char *src = getenv("top_srcdir");
	char cmd[600];

	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		return check_file(argv[2]);
	}
	unit_init("anchor");
	if (src && chdir(src) != 0) {
		printf("# cannot chdir to %s\n", src);
		return 1;
	}
	if (!mkdtemp(tmpdir)) {
		printf("# cannot make a temporary directory\n");
		return 1;
	}
	snprintf(logpath, sizeof(logpath), "%s/log", tmpdir);
	log_clear();
	if (log_init(logpath, 0, "test_anchor") != 0) {
		printf("# cannot open %s\n", logpath);
		return 1;
	}
	UNIT_RUN(test_anchor_null);
	UNIT_RUN(test_anchor_strings);
	UNIT_RUN(test_anchor_closest);
	UNIT_RUN(test_anchor_same);
	UNIT_RUN(test_anchor_many);
	UNIT_RUN(test_anchor_bad_rr);
	UNIT_RUN(test_anchor_file);
	UNIT_RUN(test_anchor_builtin);
	UNIT_RUN(test_anchor_config_errors);
	UNIT_RUN(test_anchor_bind);
	UNIT_RUN(test_anchor_bind_errors);
	UNIT_RUN(test_anchor_auto_file);
	UNIT_RUN(test_anchor_nta);
	UNIT_RUN(test_anchor_nta_threads);
	UNIT_RUN(test_anchor_print);
	log_close();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0) {
		printf("# could not remove %s\n", tmpdir);
	}
	return unit_done();
}
