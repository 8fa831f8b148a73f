/*
 * test/test_zonefile.c - unit tests for util/zonefile.c.
 */
#include "config.h"
#include "test/unit.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/rdata.h"
#include "util/zonefile.h"
#include <stdio.h>
#include <string.h>

/** What the callback saw. */
struct seen {
	int count;
	char owners[16][DNAME_MAXSTR];
	uint16_t types[16];
	uint32_t ttls[16];
	int lines[16];
};

/** Callback recording RRs. */
static int
record(void *arg, const struct rr_text *rr, const char *file, int line)
{
	struct seen *s = arg;

	(void)file;
	if (s->count < 16) {
		dname_to_str(rr->owner, s->owners[s->count], DNAME_MAXSTR);
		s->types[s->count] = rr->type;
		s->ttls[s->count] = rr->ttl;
		s->lines[s->count] = line;
	}
	s->count++;
	return RES_OK;
}

/** Root hints shape: blank owners, comments, $TTL, $ORIGIN. */
static void
test_zonefile_hints(void)
{
	static const char *text =
	    "; root hints\n"
	    "$TTL 518400\n"
	    ".  IN NS a.root.test.\n"
	    "   IN NS b.root.test. ; second\n"
	    "\n"
	    "$ORIGIN root.test.\n"
	    "a 3600 IN A 127.53.0.1\n"
	    "b IN A 127.53.0.2\n"
	    "  IN AAAA ::1\n";
	struct seen s;

	memset(&s, 0, sizeof(s));
	UNIT_CHECK_INT(zonefile_read_string(text, "hints", NULL, 3600, record,
	    &s), 0);
	UNIT_CHECK_INT(s.count, 5);
	UNIT_CHECK_STR(s.owners[0], ".");
	UNIT_CHECK_STR(s.owners[1], ".");
	UNIT_CHECK_INT(s.types[1], 2);
	UNIT_CHECK_INT(s.ttls[1], 518400);
	UNIT_CHECK_STR(s.owners[2], "a.root.test.");
	UNIT_CHECK_INT(s.ttls[2], 3600);
	UNIT_CHECK_STR(s.owners[4], "b.root.test.");
	UNIT_CHECK_INT(s.types[4], 28);
	UNIT_CHECK_INT(s.lines[4], 9);
}

/** Parentheses across lines, with a ')' inside quotes not counting. */
static void
test_zonefile_parens(void)
{
	static const char *text =
	    "example. 3600 IN SOA ns.example. host.example. (\n"
	    "    1 ; serial\n"
	    "    3600 600 86400\n"
	    "    300 )\n"
	    "t.example. IN TXT \"a ) b ; c\"\n";
	struct seen s;

	memset(&s, 0, sizeof(s));
	UNIT_CHECK_INT(zonefile_read_string(text, "p", NULL, 3600, record,
	    &s), 0);
	UNIT_CHECK_INT(s.count, 2);
	UNIT_CHECK_INT(s.types[0], 6);
	UNIT_CHECK_INT(s.lines[1], 5);
}

/** Errors: bad RR, unbalanced parentheses, blank owner first, bad
 * directives, missing file. */
static void
test_zonefile_errors(void)
{
	struct seen s;

	memset(&s, 0, sizeof(s));
	UNIT_CHECK_INT(zonefile_read_string("a. IN A 1.2.3\n", "e", NULL,
	    3600, record, &s), RES_ESYNTAX);
	UNIT_CHECK_INT(zonefile_read_string("a. IN SOA ( x\n", "e", NULL,
	    3600, record, &s), RES_ESYNTAX);
	UNIT_CHECK_INT(zonefile_read_string("a. IN A 1.2.3.4 )\n", "e", NULL,
	    3600, record, &s), RES_ESYNTAX);
	UNIT_CHECK_INT(zonefile_read_string("  IN A 1.2.3.4\n", "e", NULL,
	    3600, record, &s), RES_ESYNTAX);
	UNIT_CHECK_INT(zonefile_read_string("$TTL abc\n", "e", NULL,
	    3600, record, &s), RES_ESYNTAX);
	UNIT_CHECK_INT(zonefile_read_string("$INCLUDE /etc/passwd\n", "e",
	    NULL, 3600, record, &s), RES_ESYNTAX);
	UNIT_CHECK_INT(zonefile_read("/nonexistent/file", NULL, 3600, record,
	    &s), RES_ESYSTEM);
	UNIT_CHECK_INT(s.count, 0);
	UNIT_CHECK_INT(zonefile_read_string("", "e", NULL, 3600, record, &s),
	    0);
}

/** A callback error stops the read and is returned. */
static int
stop_cb(void *arg, const struct rr_text *rr, const char *file, int line)
{
	(void)rr;
	(void)file;
	(void)line;
	(*(int *)arg)++;
	return RES_ELIMIT;
}

static void
test_zonefile_cb_stop(void)
{
	int n = 0;

	UNIT_CHECK_INT(zonefile_read_string("a. IN A 1.2.3.4\nb. IN A "
	    "1.2.3.5\n", "s", NULL, 60, stop_cb, &n), RES_ELIMIT);
	UNIT_CHECK_INT(n, 1);
}

int
main(void)
{
	unit_init("zonefile");
	UNIT_RUN(test_zonefile_hints);
	UNIT_RUN(test_zonefile_parens);
	UNIT_RUN(test_zonefile_errors);
	UNIT_RUN(test_zonefile_cb_stop);
	return unit_done();
}
