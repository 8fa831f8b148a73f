/*
 * test/unit.c - the unit-test harness (see unit.h).
 */
#include "config.h"
#include "test/unit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int unit_case_failures;
/** Cases run so far (TAP numbers). */
static int unit_cases;
/** Cases that failed. */
static int unit_failed;

void
unit_init(const char *name)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# unit tests: %s\n", name);
}

int
unit_check(int ok, const char *expr, const char *file, int line)
{
	if (!ok) {
		unit_case_failures++;
		printf("# %s:%d: failed: %s\n", file, line, expr);
	}
	return ok;
}

void
unit_run(const char *name, void (*fn)(void))
{
	unit_case_failures = 0;
	fn();
	unit_cases++;
	if (unit_case_failures) {
		unit_failed++;
		printf("not ok %d - %s\n", unit_cases, name);
	} else {
		printf("ok %d - %s\n", unit_cases, name);
	}
}

void
unit_skip(const char *name, const char *why)
{
	unit_cases++;
	printf("ok %d - %s # SKIP %s\n", unit_cases, name, why);
}

int
unit_done(void)
{
	printf("1..%d\n", unit_cases);
	return unit_failed ? 1 : 0;
}
