/*
 * fuzz/regress.c - main() for a fuzz target without libFuzzer: runs the
 * target's LLVMFuzzerTestOneInput() once on each file named.
 *
 * Usage: regress_<target> file ...
 * Linked with each target into fuzz/regress_<target>, which
 * fuzz/regress.sh runs on the seeds and the inputs that once crashed
 * (testdata/fuzz/<target>/ and its crashes/); so "make check" replays
 * them with any compiler, and under ASan+UBSan in the sanitizer build.
 * A failed check of the target aborts; a file that cannot be read is
 * exit status 2.
 */
#include "config.h"
#include "fuzz/fuzz.h"
#include <stdio.h>

/** Largest input read (the seeds are a few kilobytes). */
#define REGRESS_MAX (1024 * 1024)

/**
 * Read a whole file.
 * @param file: its name.
 * @param len: receives its length.
 * @return the contents (malloced), or NULL with the reason printed.
 */
static uint8_t *
read_file(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	uint8_t *buf = malloc(REGRESS_MAX);

	if (!f || !buf) {
		fprintf(stderr, "regress: cannot read %s\n", file);
		if (f) {
			fclose(f);
		}
		free(buf);
		return NULL;
	}
	*len = fread(buf, 1, REGRESS_MAX, f);
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "regress: cannot read %s (or larger than "
		    "%d octets)\n", file, REGRESS_MAX);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

int
main(int argc, char **argv)
{
	uint8_t *data;
	size_t len;
	int i;

	for (i = 1; i < argc; i++) {
		if (!(data = read_file(argv[i], &len))) {
			return 2;
		}
		(void)LLVMFuzzerTestOneInput(data, len);
		free(data);
	}
	return 0;
}
