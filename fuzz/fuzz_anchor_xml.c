/*
 * fuzz/fuzz_anchor_xml.c - fuzz target: the root-anchors.xml reader of
 * resolute-anchor(8) (daemon/resolute-anchor.c).
 *
 * The input is an XML document as IANA publishes it.  It is parsed with
 * ra_parse() (expat, DOCTYPE refused, every field of every KeyDigest
 * checked) and, when that works, turned into the anchor file's text with
 * ra_build() at a fixed time, which loads each DS through the daemon's
 * anchor loader (anchors_add_rr()).  The signature check before the
 * parse (ra_verify()) is left out: it is what makes the XML trusted, and
 * an input would never pass it.
 *
 * The reader's functions are static in the program's file, so that file
 * is compiled into this one, its main() renamed; nothing of it is
 * changed for the fuzzer.
 */
#include "config.h"
#include "fuzz/fuzz.h"

#define main resolute_anchor_main
#include "daemon/resolute-anchor.c"
#undef main

/** The clock of every build: 2026-12-01, when IANA's KSK-2017 and
 * KSK-2024 are both valid. */
#define FUZZ_NOW ((time_t)1795996800)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ra_xml *x;
	char *text = NULL;

	fuzz_quiet();
	if (size > RA_MAX_FILE || !(x = calloc(1, sizeof(*x)))) {
		return 0;
	}
	x->file = "root-anchors.xml";
	if (ra_parse(x, (const char *)data, size) == 0 &&
	    ra_build(x, FUZZ_NOW, 0, &text) > 0 && !text) {
		abort();
	}
	free(text);
	free(x);
	return 0;
}
