/*
 * fuzz/fuzz_load_cache.c - fuzz target: the load_cache reader
 * (cache/dump.c), what "resolute-control load_cache" feeds the caches.
 *
 * The input is the text of a dump, split into lines as the control
 * channel does (a CR before the newline dropped).  The lines go through
 * dump_load_line() and, when every one was good, dump_load_store() into
 * empty RRset and message caches.  What was stored is dumped
 * (dump_cache_write()) and that dump loaded again into fresh caches: it
 * must load without error and store no more RRsets and messages than
 * the first load did (fewer when the input repeated an entry).  The
 * clock is fixed, so TTLs do not move between the two loads.  With
 * FUZZ_LOG set, the counts of a load, or its error, are printed.
 */
#include "config.h"
#include "fuzz/fuzz.h"
#include "cache/dump.h"
#include "cache/msgcache.h"
#include "cache/rrset.h"
#include "util/error.h"
#include <stdio.h>

/** The clock of every load and dump. */
#define FUZZ_NOW ((time_t)1800000000)
/** Memory of each cache: far more than an input of a few kilobytes
 * stores, so nothing is evicted between the load and the dump. */
#define FUZZ_CACHE_BYTES (16 * 1024 * 1024)

/** The two caches one load fills. */
struct caches {
	/** The RRsets. */
	struct rrset_cache *rc;
	/** The messages. */
	struct msg_cache *mc;
};

/** Free the caches. */
static void
caches_free(struct caches *c)
{
	rrset_cache_delete(c->rc);
	msg_cache_delete(c->mc);
}

/**
 * Load a text into new caches.
 * @param text: the dump; changed (lines are cut at their newlines).
 * @param c: receives the caches (caches_free() them, also on failure).
 * @param nr, nm: receive the RRsets and messages stored.
 * @return what dump_load_line() or dump_load_store() returned first, or
 *	RES_ENOMEM.
 */
static int
load(char *text, struct caches *c, size_t *nr, size_t *nm)
{
	struct dump_load *l;
	char *line, *next;
	int r = RES_OK;

	c->rc = rrset_cache_create(FUZZ_CACHE_BYTES, 1, NULL);
	c->mc = msg_cache_create(FUZZ_CACHE_BYTES, 1, NULL);
	if (!c->rc || !c->mc || !(l = dump_load_create())) {
		return RES_ENOMEM;
	}
	for (line = text; line; line = next) {
		size_t len;

		if ((next = strchr(line, '\n')) != NULL) {
			*next++ = '\0';
		}
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\r') {
			line[len - 1] = '\0';
		}
		if (r == RES_OK) {
			r = dump_load_line(l, line);
		}
	}
	if (r == RES_OK) {
		r = dump_load_store(l, c->rc, c->mc, FUZZ_NOW, nr, nm);
	}
	if (r != RES_OK && getenv("FUZZ_LOG")) {
		int lineno;
		const char *err = dump_load_error(l, &lineno);

		fprintf(stderr, "fuzz: line %d: %s\n", lineno,
		    err ? err : res_strerror(r));
	}
	dump_load_delete(l);
	return r;
}

/** dump_cache_write()'s writer: append to a memory stream. */
static int
write_text(void *arg, const char *text, size_t len)
{
	return fwrite(text, 1, len, arg) == len ? 0 : -1;
}

/** Dump the caches and load the dump again; abort when it does not load
 * whole. */
static void
check_dump(struct caches *c, size_t nr, size_t nm)
{
	struct caches again;
	char *text = NULL;
	size_t len = 0, nr2 = 0, nm2 = 0;
	FILE *f = open_memstream(&text, &len);
	int r;

	if (!f) {
		return;
	}
	r = dump_cache_write(c->rc, c->mc, FUZZ_NOW, write_text, f);
	if (fclose(f) != 0 || r != RES_OK) {
		free(text);
		return;
	}
	memset(&again, 0, sizeof(again));
	r = load(text, &again, &nr2, &nm2);
	if (r != RES_ENOMEM && (r != RES_OK || nr2 > nr || nm2 > nm)) {
		abort();
	}
	caches_free(&again);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct caches c;
	size_t nr = 0, nm = 0;
	char *text;

	fuzz_quiet();
	if (!(text = fuzz_text(data, size))) {
		return 0;
	}
	memset(&c, 0, sizeof(c));
	if (load(text, &c, &nr, &nm) == RES_OK) {
		if (getenv("FUZZ_LOG")) {
			fprintf(stderr, "fuzz: stored %zu RRsets, %zu "
			    "messages\n", nr, nm);
		}
		check_dump(&c, nr, nm);
	}
	caches_free(&c);
	free(text);
	return 0;
}
