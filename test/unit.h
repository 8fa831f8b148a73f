/*
 * test/unit.h - the unit-test harness: a tiny assert that prints file:line,
 * reporting in TAP so automake's TAP driver counts every case.
 *
 * Usage:
 *	static void test_parse(void) { UNIT_CHECK(parse("x") == 0); }
 *	int main(void) {
 *		unit_init("msg");
 *		UNIT_RUN(test_parse);
 *		return unit_done();
 *	}
 * Each UNIT_RUN is one TAP case ("ok N - test_parse"); every failing
 * UNIT_CHECK inside it prints "# file:line: failed: expression" and makes
 * the case "not ok".  unit_skip() reports a case as skipped with a reason,
 * never as passed.
 */
#ifndef TEST_UNIT_H
#define TEST_UNIT_H
#include <stdio.h>

/** Failed checks in the current case. */
extern int unit_case_failures;

/** Start a test program; name is for the log only. */
void unit_init(const char *name);
/** Run one case and print its TAP line. */
void unit_run(const char *name, void (*fn)(void));
/** Report a case as skipped, with the reason. */
void unit_skip(const char *name, const char *why);
/** Print the TAP plan; return the exit status (0 when all passed). */
int unit_done(void);
/** Record one check; used through UNIT_CHECK. */
int unit_check(int ok, const char *expr, const char *file, int line);

/** Check a condition; evaluates to the condition's truth. */
#define UNIT_CHECK(cond) unit_check(!!(cond), #cond, __FILE__, __LINE__)
/** Check two integers are equal, printing both on failure. */
#define UNIT_CHECK_INT(a, b) do { \
	long long unit_a_ = (long long)(a), unit_b_ = (long long)(b); \
	if (!unit_check(unit_a_ == unit_b_, #a " == " #b, __FILE__, \
	    __LINE__)) \
		printf("#   %lld != %lld\n", unit_a_, unit_b_); \
} while (0)
/** Check two C strings are equal, printing both on failure. */
#define UNIT_CHECK_STR(a, b) do { \
	const char *unit_sa_ = (a), *unit_sb_ = (b); \
	int unit_eq_ = unit_sa_ && unit_sb_ && strcmp(unit_sa_, unit_sb_) == 0; \
	if (!unit_check(unit_eq_, #a " == " #b, __FILE__, __LINE__)) \
		printf("#   \"%s\" != \"%s\"\n", unit_sa_ ? unit_sa_ : "(null)", \
		    unit_sb_ ? unit_sb_ : "(null)"); \
} while (0)
/** Run a case named after its function. */
#define UNIT_RUN(fn) unit_run(#fn, fn)

#endif /* TEST_UNIT_H */
