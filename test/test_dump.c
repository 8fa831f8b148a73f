/*
 * test/test_dump.c - unit tests of the cache dump format (cache/dump.c):
 * a dump read back gives the same caches with TTLs reduced by the time
 * passed; bad text is refused with its line number and stores nothing.
 */
#include "config.h"
#include "test/unit.h"
#include "cache/dump.h"
#include "cache/msgcache.h"
#include "cache/rrset.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/rdata.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** A growing text buffer for dumps. */
struct tbuf {
	/** the text, NUL-terminated */
	char *s;
	/** length */
	size_t len;
	/** stop after this many calls (0: never) */
	int fail_after;
	/** calls so far */
	int calls;
};

static int
tbuf_write(void *arg, const char *text, size_t len)
{
	struct tbuf *b = arg;
	char *n;

	if (b->fail_after && ++b->calls >= b->fail_after) {
		return 1;
	}
	n = realloc(b->s, b->len + len + 1);
	if (!n) {
		return 1;
	}
	b->s = n;
	memcpy(b->s + b->len, text, len);
	b->len += len;
	b->s[b->len] = 0;
	return 0;
}

/** Store an RRset given as presentation lines (RRs then RRSIGs). */
static int
store_rrset(struct rrset_cache *c, const char *const *lines, size_t nrr,
    size_t nsig, enum rrset_trust trust, enum rrset_sec sec,
    const char *reason, time_t now)
{
	static struct rr_text rr[4];
	struct rrset_rr rrs[4];
	struct rrset_store st;
	size_t i;

	for (i = 0; i < nrr + nsig; i++) {
		if (rr_from_str(lines[i], NULL, 0, &rr[i]) != RES_OK) {
			return -1;
		}
		rrs[i].data = rr[i].rdata;
		rrs[i].len = (uint16_t)rr[i].rdlen;
	}
	memset(&st, 0, sizeof(st));
	st.rrs = rrs;
	st.count = nrr;
	st.rrsigs = nsig ? rrs + nrr : NULL;
	st.rrsig_count = nsig;
	st.ttl = rr[0].ttl;
	st.trust = trust;
	st.security = sec;
	st.bogus_reason = reason;
	st.ede = reason ? 6 : 0;
	return rrset_cache_store(c, rr[0].owner, rr[0].type, rr[0].rrclass,
	    &st, now, NULL);
}

/** Fill caches with a signed A set, a bogus TXT and a message. */
static void
fill(struct rrset_cache *rc, struct msg_cache *mc, time_t now)
{
	static const char *const a[] = {
		"www.example.com. 300 IN A 192.0.2.1",
		"www.example.com. 300 IN A 192.0.2.2",
		"www.example.com. 300 IN RRSIG A 8 3 300 20300101000000 "
		    "20200101000000 12345 example.com. AwEAAQ=="
	};
	static const char *const txt[] = {
		"bad.example.com. 600 IN TXT \"hello world\""
	};
	uint8_t qname[DNAME_MAXLEN];
	struct rrset_ref ref;
	struct msg_store ms;
	struct rrset_entry *e;
	size_t len;

	UNIT_CHECK_INT(store_rrset(rc, a, 2, 1, RRSET_TRUST_ANSWER_AUTH,
	    RRSET_SEC_SECURE, NULL, now), 0);
	UNIT_CHECK_INT(store_rrset(rc, txt, 1, 0, RRSET_TRUST_ANSWER_NONAUTH,
	    RRSET_SEC_BOGUS, "signature expired", now), 0);
	UNIT_CHECK_INT(dname_from_str("www.example.com.", NULL, qname, &len),
	    0);
	e = rrset_cache_lookup(rc, qname, 1, 1, now, NULL);
	UNIT_CHECK(e != NULL);
	if (!e) {
		return;
	}
	ref.owner = qname;
	ref.type = 1;
	ref.rclass = 1;
	ref.id = e->d.id;
	rrset_cache_release(rc, e);
	memset(&ms, 0, sizeof(ms));
	ms.flags = 0x8580;
	ms.refs = &ref;
	ms.an = 1;
	ms.ttl = 300;
	ms.security = RRSET_SEC_SECURE;
	UNIT_CHECK_INT(msg_cache_store(mc, qname, 1, 1, MSG_QFLAG_DO, &ms,
	    now), 0);
}

/** Compare two strings as sorted sets of lines. */
static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
same_lines(const char *x, const char *y)
{
	char *a = strdup(x), *b = strdup(y), *p;
	char *la[64], *lb[64];
	int na = 0, nb = 0, i, same = 1;

	for (p = strtok(a, "\n"); p && na < 64; p = strtok(NULL, "\n")) {
		la[na++] = p;
	}
	for (p = strtok(b, "\n"); p && nb < 64; p = strtok(NULL, "\n")) {
		lb[nb++] = p;
	}
	qsort(la, (size_t)na, sizeof(char *), cmp_line);
	qsort(lb, (size_t)nb, sizeof(char *), cmp_line);
	if (na != nb) {
		same = 0;
	}
	for (i = 0; same && i < na; i++) {
		if (strcmp(la[i], lb[i]) != 0) {
			same = 0;
		}
	}
	free(a);
	free(b);
	return same;
}

/** Feed a whole text to a reader line by line. */
static int
feed(struct dump_load *l, const char *text)
{
	char *copy = strdup(text), *p, *save = NULL;
	int ret = 0;

	for (p = strtok_r(copy, "\n", &save); p;
	    p = strtok_r(NULL, "\n", &save)) {
		if (dump_load_line(l, p) != RES_OK) {
			ret = -1;
		}
	}
	free(copy);
	return ret;
}

static void
test_null_args(void)
{
	struct dump_load *l = dump_load_create();
	int line = 7;

	UNIT_CHECK_INT(dump_cache_write(NULL, NULL, 0, NULL, NULL),
	    RES_EINVAL);
	UNIT_CHECK_INT(dump_load_line(NULL, "x"), RES_EINVAL);
	UNIT_CHECK_INT(dump_load_line(l, NULL), RES_EINVAL);
	UNIT_CHECK_INT(dump_load_store(NULL, NULL, NULL, 0, NULL, NULL),
	    RES_EINVAL);
	UNIT_CHECK_INT(dump_load_store(l, NULL, NULL, 0, NULL, NULL),
	    RES_EINVAL);
	UNIT_CHECK(dump_load_error(NULL, &line) != NULL);
	UNIT_CHECK_INT(line, 0);
	UNIT_CHECK(dump_load_error(l, &line) == NULL);
	dump_load_delete(l);
	dump_load_delete(NULL);
}

static void
test_empty_dump(void)
{
	struct tbuf b = { NULL, 0, 0, 0 };
	struct rrset_cache *rc = rrset_cache_create(1 << 20, 4, NULL);
	struct msg_cache *mc = msg_cache_create(1 << 20, 4, NULL);
	struct dump_load *l = dump_load_create();
	size_t nr = 9, nm = 9;

	UNIT_CHECK_INT(dump_cache_write(NULL, NULL, 1000, tbuf_write, &b), 0);
	UNIT_CHECK_STR(b.s, "; resolute cache dump 1\n$TIME 1000\n$END\n");
	UNIT_CHECK_INT(feed(l, b.s), 0);
	UNIT_CHECK_INT(dump_load_store(l, rc, mc, 1000, &nr, &nm), 0);
	UNIT_CHECK_INT(nr, 0);
	UNIT_CHECK_INT(nm, 0);
	dump_load_delete(l);
	rrset_cache_delete(rc);
	msg_cache_delete(mc);
	free(b.s);
}

static void
test_round_trip(void)
{
	struct rrset_cache *rc = rrset_cache_create(1 << 20, 4, NULL);
	struct msg_cache *mc = msg_cache_create(1 << 20, 4, NULL);
	struct rrset_cache *rc2 = rrset_cache_create(1 << 20, 4, NULL);
	struct msg_cache *mc2 = msg_cache_create(1 << 20, 4, NULL);
	struct tbuf b1 = { NULL, 0, 0, 0 }, b2 = { NULL, 0, 0, 0 },
	    b3 = { NULL, 0, 0, 0 };
	struct dump_load *l = dump_load_create();
	uint8_t name[DNAME_MAXLEN];
	struct msg_answer ans;
	struct rrset_entry *e;
	size_t nr, nm, len;

	fill(rc, mc, 1000);
	UNIT_CHECK_INT(dump_cache_write(rc, mc, 1000, tbuf_write, &b1), 0);
	UNIT_CHECK(strstr(b1.s, "$RRSET answer_auth secure 0 2 1\n") != NULL);
	UNIT_CHECK(strstr(b1.s, "$RRSET answer_nonauth bogus 6 1 0 "
	    "signature expired\n") != NULL);
	UNIT_CHECK(strstr(b1.s, "$MSG www.example.com. IN A 2 0 34176 300 "
	    "secure 1 0 0\n$REF www.example.com. IN A\n") != NULL);
	UNIT_CHECK(strstr(b1.s, "\t300\tIN\tA\t192.0.2.1\n") != NULL);
	/* Loaded 10 seconds later: every TTL is 10 lower. */
	UNIT_CHECK_INT(feed(l, b1.s), 0);
	UNIT_CHECK_INT(dump_load_store(l, rc2, mc2, 1010, &nr, &nm), 0);
	UNIT_CHECK_INT(nr, 2);
	UNIT_CHECK_INT(nm, 1);
	UNIT_CHECK_INT(dname_from_str("www.example.com.", NULL, name, &len),
	    0);
	e = rrset_cache_lookup(rc2, name, 1, 1, 1010, NULL);
	UNIT_CHECK(e != NULL);
	if (e) {
		UNIT_CHECK_INT(rrset_data_ttl_left(&e->d, 1010), 290);
		UNIT_CHECK_INT(e->d.count, 2);
		UNIT_CHECK_INT(e->d.rrsig_count, 1);
		UNIT_CHECK_INT(e->d.trust, RRSET_TRUST_ANSWER_AUTH);
		UNIT_CHECK_INT(e->d.security, RRSET_SEC_SECURE);
		rrset_cache_release(rc2, e);
	}
	UNIT_CHECK_INT(msg_cache_lookup(mc2, rc2, name, 1, 1, MSG_QFLAG_DO,
	    1010, &ans), 0);
	msg_cache_answer_release(mc2, rc2, &ans);
	/* The copy dumps as the original does at the same time. */
	UNIT_CHECK_INT(dump_cache_write(rc, mc, 1010, tbuf_write, &b2), 0);
	UNIT_CHECK_INT(dump_cache_write(rc2, mc2, 1010, tbuf_write, &b3), 0);
	UNIT_CHECK(b2.s && b3.s && same_lines(b2.s, b3.s));
	dump_load_delete(l);
	/* Loaded after everything expired: nothing is stored. */
	l = dump_load_create();
	rrset_cache_clear(rc2);
	msg_cache_clear(mc2);
	UNIT_CHECK_INT(feed(l, b1.s), 0);
	UNIT_CHECK_INT(dump_load_store(l, rc2, mc2, 5000, &nr, &nm), 0);
	UNIT_CHECK_INT(nr, 0);
	UNIT_CHECK_INT(nm, 0);
	dump_load_delete(l);
	rrset_cache_delete(rc);
	msg_cache_delete(mc);
	rrset_cache_delete(rc2);
	msg_cache_delete(mc2);
	free(b1.s);
	free(b2.s);
	free(b3.s);
}

/** A text that must be refused at a line, storing nothing. */
static void
check_bad(const char *text, int want_line)
{
	struct rrset_cache *rc = rrset_cache_create(1 << 20, 4, NULL);
	struct msg_cache *mc = msg_cache_create(1 << 20, 4, NULL);
	struct dump_load *l = dump_load_create();
	struct tbuf b = { NULL, 0, 0, 0 };
	size_t nr = 9, nm = 9;
	int line = 0;

	(void)feed(l, text);
	UNIT_CHECK_INT(dump_load_store(l, rc, mc, 100, &nr, &nm),
	    RES_ESYNTAX);
	UNIT_CHECK(dump_load_error(l, &line) != NULL);
	UNIT_CHECK_INT(line, want_line);
	UNIT_CHECK_INT(nr, 0);
	UNIT_CHECK_INT(dump_cache_write(rc, mc, 100, tbuf_write, &b), 0);
	UNIT_CHECK_STR(b.s, "; resolute cache dump 1\n$TIME 100\n$END\n");
	free(b.s);
	dump_load_delete(l);
	rrset_cache_delete(rc);
	msg_cache_delete(mc);
}

/** The head of a good dump with one good RRset (lines 1-4). */
#define GOOD_HEAD "; resolute cache dump 1\n$TIME 100\n" \
	"$RRSET answer_auth unchecked 0 1 0\n" \
	"a.example. 60 IN A 192.0.2.1\n"

static void
test_malformed(void)
{
	check_bad(GOOD_HEAD "a.example. 60 IN A 192.0.2.x\n$END\n", 5);
	check_bad(GOOD_HEAD "$RRSET sure unchecked 0 1 0\n", 5);
	check_bad(GOOD_HEAD "$RRSET glue unchecked 0 0 0\n", 5);
	check_bad(GOOD_HEAD "$RRSET glue unchecked 0 2 0\n"
	    "b.example. 60 IN A 192.0.2.1\n$END\n", 7);
	check_bad(GOOD_HEAD "$RRSET glue unchecked 0 2 0\n"
	    "b.example. 60 IN A 192.0.2.1\nc.example. 60 IN A 192.0.2.1\n",
	    7);
	check_bad(GOOD_HEAD "b.example. 60 IN A 192.0.2.1\n", 5);
	check_bad(GOOD_HEAD "$MSG a.example. IN A 0 0 0 60 secure 1 0\n", 5);
	check_bad(GOOD_HEAD "$MSG a.example. IN A 0 0 0 60 secure 1 0 0\n"
	    "$REF a.example. IN\n", 6);
	check_bad(GOOD_HEAD "$REF a.example. IN A\n", 5);
	check_bad(GOOD_HEAD "$WHAT\n", 5);
	check_bad(GOOD_HEAD "$END\n$END\n", 6);
	check_bad(GOOD_HEAD "$END\nx\n", 6);
	/* No $END: the text was cut (a client went away). */
	check_bad(GOOD_HEAD, 5);
	check_bad("$RRSET glue unchecked 0 1 0\n", 1);
	check_bad("$TIME 1\n$TIME 2\n", 2);
	check_bad("$TIME -1\n", 1);
}

static void
test_long_line(void)
{
	size_t n = 3 * RDATA_MAXLEN;
	char *big = malloc(n + 64);
	struct dump_load *l = dump_load_create();
	int line = 0;

	memcpy(big, "$TIME 1\n", 9);
	UNIT_CHECK_INT(dump_load_line(l, big), 0);
	memset(big, 'a', n);
	big[n] = 0;
	UNIT_CHECK_INT(dump_load_line(l, big), RES_ESYNTAX);
	UNIT_CHECK(dump_load_error(l, &line) != NULL);
	UNIT_CHECK_INT(line, 2);
	/* Nothing more is taken after the first error. */
	UNIT_CHECK_INT(dump_load_line(l, "$END"), RES_ESYNTAX);
	dump_load_delete(l);
	free(big);
}

static void
test_writer_stops(void)
{
	struct rrset_cache *rc = rrset_cache_create(1 << 20, 4, NULL);
	struct msg_cache *mc = msg_cache_create(1 << 20, 4, NULL);
	struct tbuf b = { NULL, 0, 3, 0 };

	fill(rc, mc, 1000);
	UNIT_CHECK_INT(dump_cache_write(rc, mc, 1000, tbuf_write, &b),
	    RES_ESYSTEM);
	UNIT_CHECK(b.s != NULL && strstr(b.s, "$END") == NULL);
	free(b.s);
	rrset_cache_delete(rc);
	msg_cache_delete(mc);
}

int
main(void)
{
	unit_init("dump");
	UNIT_RUN(test_null_args);
	UNIT_RUN(test_empty_dump);
	UNIT_RUN(test_round_trip);
	UNIT_RUN(test_malformed);
	UNIT_RUN(test_long_line);
	UNIT_RUN(test_writer_stops);
	return unit_done();
}
