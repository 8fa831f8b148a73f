/*
 * fuzz/fuzz_config.c - fuzz target: the config parser
 * (util/config_file.c) and what a config builds (daemon_setup_build():
 * access control, local zones, the module chain, hints, forward and stub
 * zones, trust anchors), the path of resolute-checkconf.
 *
 * The input is the text of resolute.conf.  It is read with
 * config_read_string(); a config that reads is printed (config_print())
 * and the print read back and printed again, which must give the same
 * text (config_print() promises that reading its output back gives the
 * same settings); then daemon_setup_build() builds it.
 *
 * Files.  An include is read from disk (a glob), and the tables read the
 * files a config names (root-hints, trust-anchor-file, ...).  So that
 * an input never makes the target read the whole file system (or a
 * device such as /dev/zero, which never ends), inputs that name
 * "include" are not read at all, and only inputs whose file names are
 * relative and stay below the current directory (no '/' at the start of
 * a word, no "..") are built: their files are looked up in the
 * directory the target runs in (fuzz/run and fuzz/regress.sh run it in
 * an empty temporary directory).  Netblocks ("10.0.0.0/8") keep their
 * '/' inside a word.
 */
#include "config.h"
#include "fuzz/fuzz.h"
#include "daemon/daemon.h"
#include "util/config_file.h"
#include "util/error.h"
#include <stdio.h>

/** 1 when a text may name a file outside the current directory: a '/'
 * at the start of a word (after a blank, a quote, ':' or '=') or "..". */
static int
names_outside(const char *text)
{
	const char *p;

	if (strstr(text, "..") || text[0] == '/') {
		return 1;
	}
	if (text[0] == '\0') {
		return 0;
	}
	for (p = text + 1; (p = strchr(p, '/')) != NULL; p++) {
		if (strchr(" \t\n\r\"':=", p[-1])) {
			return 1;
		}
	}
	return 0;
}

/**
 * Print a config into memory.
 * @param cfg: the config.
 * @param len: receives the length.
 * @return the text (free() it), or NULL when out of memory.
 */
static char *
print_config(const struct config *cfg, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f) {
		return NULL;
	}
	config_print(cfg, f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/** Print a config, read the print back, print again: same text, or
 * abort. */
static void
check_print(const struct config *cfg)
{
	struct config *again;
	char *one, *two = NULL;
	size_t len1, len2 = 0;
	int r;

	if (!(one = print_config(cfg, &len1))) {
		return;
	}
	if (!(again = config_create())) {
		free(one);
		return;
	}
	r = config_read_string(again, one, "print");
	if (r == RES_OK) {
		two = print_config(again, &len2);
	}
	if (r != RES_OK && r != RES_ENOMEM) {
		abort();
	}
	if (two && (len1 != len2 || memcmp(one, two, len1) != 0)) {
		abort();
	}
	free(two);
	config_delete(again);
	free(one);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct daemon_setup su;
	struct config *cfg;
	char *text;

	fuzz_quiet();
	if (!(text = fuzz_text(data, size))) {
		return 0;
	}
	if (strstr(text, "include") || !(cfg = config_create())) {
		free(text);
		return 0;
	}
	if (config_read_string(cfg, text, "fuzz.conf") == RES_OK) {
		check_print(cfg);
		if (!names_outside(text) &&
		    daemon_setup_build(cfg, &su) == RES_OK) {
			daemon_setup_free(&su);
		}
	}
	config_delete(cfg);
	free(text);
	return 0;
}
