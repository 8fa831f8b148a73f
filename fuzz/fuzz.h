/*
 * fuzz/fuzz.h - what every fuzz target shares.
 *
 * A target is one file that defines LLVMFuzzerTestOneInput() and is
 * linked either with libFuzzer ("make fuzz", clang's -fsanitize=fuzzer)
 * or with fuzz/regress.c, a main() that calls it once per file (the
 * regression test of "make check").  A target must not keep state from
 * one input to the next (whatever it builds for an input is freed before
 * it returns), must not write files outside a temporary directory and
 * must not use the network.  A failed check of the target's own calls
 * abort()s: libFuzzer and the regression test both report it.
 */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util/log.h"

/**
 * Run one input; called by libFuzzer or by fuzz/regress.c.
 * @param data: the input; not NUL-terminated.
 * @param size: its length.
 * @return 0 (libFuzzer's convention: the input may join the corpus).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/**
 * A NUL-terminated copy of an input, for the readers of text.  An input
 * with a NUL inside reads as its text up to that NUL.
 * @return the copy (free() it), or NULL when out of memory.
 */
static inline char *
fuzz_text(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/**
 * Send the log to /dev/null, once: the readers log every error they
 * find, and a line per input would slow the fuzzer down and bury its
 * report.  With FUZZ_LOG set in the environment the log stays on
 * stderr, at verbosity 4 (to see why an input does what it does).
 */
static inline void
fuzz_quiet(void)
{
	static int done;

	if (done) {
		return;
	}
	done = 1;
	if (getenv("FUZZ_LOG")) {
		log_verbosity = VERB_ALGO;
		return;
	}
	log_verbosity = VERB_NONE;
	(void)log_init("/dev/null", 0, "fuzz");
}

#endif /* FUZZ_FUZZ_H */
