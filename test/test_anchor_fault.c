/*
 * test/test_anchor_fault.c - allocation failures in the trust anchors.
 *
 * Linked with the linker's --wrap for the allocation functions, so every
 * allocation of resolute's code goes through the wrappers of
 * test/fault_wrap.c.  A scenario that uses every anchor function
 * (strings, a zone file, a BIND text, a config, negative anchors,
 * lookups, printing) runs again and again, failing the Nth allocation for
 * N = 1, 2, ... until a run does not reach N.  Each call must report 0 or RES_ENOMEM, nothing may crash, and
 * under ASan nothing may leak.  Messages go to /dev/null.
 */
#include "config.h"
#include "test/unit.h"
#include "test/fault_wrap.h"
#include "validator/trust_anchor.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** The config of the scenario, made before any failure. */
static struct config *cfg;

/** Results acceptable under a failed allocation. */
static int
ok_or_enomem(int r)
{
	if (r != 0 && r != RES_ENOMEM) {
		printf("# result %d with allocation %ld failed\n", r, fault_at);
	}
	return r == 0 || r == RES_ENOMEM;
}

/** One scenario; returns the number of bad results. */
static int
scenario(void)
{
	struct anchor_set *set = anchors_create(), *set2 = NULL;
	uint8_t d[DNAME_MAXLEN];
	FILE *null;
	int bad = 0, i;
	char rr[160];

	if (!set) {
		return 0;
	}
	bad += !ok_or_enomem(anchors_add_builtin(set));
	for (i = 0; i < 40; i++) {
		snprintf(rr, sizeof(rr), "z%d.example. DS %d 13 2 "
		    "0102030405060708090A0B0C0D0E0F10"
		    "1112131415161718191A1B1C1D1E1F20", i % 20, i);
		bad += !ok_or_enomem(anchors_add_rr(set, rr, "s:1"));
	}
	bad += !ok_or_enomem(anchors_add_file(set,
	    "testdata/anchor/anchors.zone"));
	bad += !ok_or_enomem(anchors_add_trusted_keys_file(set,
	    "testdata/anchor/trust-anchors.conf"));
	for (i = 0; i < 20; i++) {
		snprintf(rr, sizeof(rr), "n%d.example.", i);
		dname_from_str(rr, NULL, d, NULL);
		bad += !ok_or_enomem(anchors_insecure_add(set, d));
	}
	dname_from_str("www.n3.example.", NULL, d, NULL);
	(void)anchors_is_insecure(set, d);
	(void)anchors_lookup(set, d, 1);
	dname_from_str("n3.example.", NULL, d, NULL);
	i = anchors_insecure_remove(set, d);
	bad += !(i == 0 || i == RES_ENOTFOUND);
	if ((null = fopen("/dev/null", "w"))) {
		anchors_print(set, null);
		fclose(null);
	}
	if ((set2 = anchors_create())) {
		bad += !ok_or_enomem(anchors_apply_config(set2, cfg));
		anchors_delete(set2);
	}
	anchors_delete(set);
	return bad;
}

/** Fail each allocation in turn. */
static void
test_anchor_alloc_failures(void)
{
	long n;
	int bad = 0;

	for (n = 1; n < 100000; n++) {
		fault_count = 0;
		fault_hit = 0;
		fault_at = n;
		bad += scenario();
		if (!fault_hit) {
			break;
		}
	}
	fault_at = 0;
	printf("# %ld allocation points failed in turn\n", n - 1);
	UNIT_CHECK(n > 100);
	UNIT_CHECK(n < 100000);
	UNIT_CHECK_INT(bad, 0);
	/* Without failures everything succeeds. */
	UNIT_CHECK_INT(scenario(), 0);
}

int
main(void)
{
	const char *src = getenv("top_srcdir");

	unit_init("anchor_fault");
	if (src && chdir(src) != 0) {
		printf("# cannot chdir to %s\n", src);
		return 1;
	}
	if (log_init("/dev/null", 0, "test_anchor_fault") != 0) {
		printf("# cannot log to /dev/null\n");
	}
	cfg = config_create();
	if (!cfg || config_read_string(cfg, "server:\n"
	    "\ttrust-anchor: \". DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D0"
	    "8458E880409BBC683457104237C7F8EC8D\"\n"
	    "\ttrust-anchor-file: \"testdata/anchor/anchors.zone\"\n"
	    "\ttrusted-keys-file: \"testdata/anchor/trusted-keys.conf\"\n"
	    "\tauto-trust-anchor-file: \"testdata/anchor/auto.key\"\n"
	    "\tdomain-insecure: \"test.\"\n", "fault.conf") != 0) {
		printf("# cannot make the config\n");
		return 1;
	}
	UNIT_RUN(test_anchor_alloc_failures);
	config_delete(cfg);
	log_close();
	return unit_done();
}
