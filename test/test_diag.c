/*
 * test/test_diag.c - unit tests of the diagnostics pieces: the bogus
 * ring, address text, infra_cache_remove(), local_zones_remove_data()
 * and the tracer's run without a resolver (the replay scenarios trace a
 * real one).
 */
#include "config.h"
#include "daemon/diag.h"
#include "daemon/localzone.h"
#include "daemon/trace.h"
#include "cache/infra.h"
#include "util/dname.h"
#include "util/error.h"
#include "test/unit.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/** Print a ring into a malloced string. */
static char *
ring_text(struct diag_ring *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f) {
		return NULL;
	}
	diag_ring_print(r, f);
	fclose(f);
	return text;
}

static void
test_ring(void)
{
	struct diag_ring *r = diag_ring_create();
	uint8_t name[DNAME_MAXLEN];
	char big[DIAG_REASON_MAX * 2], *t;
	int i;

	UNIT_CHECK(r != NULL);
	UNIT_CHECK_INT(diag_ring_total(r), 0);
	t = ring_text(r);
	UNIT_CHECK_STR(t, "");
	free(t);
	UNIT_CHECK_INT(dname_from_str("www.example.", NULL, name, NULL), 0);
	diag_ring_note(r, name, 1, 7, "signature expired");
	t = ring_text(r);
	UNIT_CHECK(t && strstr(t, " www.example. A ede 7: signature "
	    "expired\n") != NULL);
	free(t);
	/* NULL name and reason, an oversized reason: stored, cut. */
	diag_ring_note(r, NULL, 28, 0, NULL);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	diag_ring_note(r, name, 65535, 6, big);
	UNIT_CHECK_INT(diag_ring_total(r), 3);
	t = ring_text(r);
	UNIT_CHECK(t && strstr(t, " ? AAAA ede 0: \n") != NULL);
	UNIT_CHECK(t && strlen(t) < 3 * 100 + DIAG_REASON_MAX);
	free(t);
	/* Overflow: only the last DIAG_RING_SIZE are kept, oldest first. */
	for (i = 0; i < DIAG_RING_SIZE + 5; i++) {
		char why[32];

		snprintf(why, sizeof(why), "n%d;", i);
		diag_ring_note(r, name, 1, 6, why);
	}
	UNIT_CHECK_INT(diag_ring_total(r), 3 + DIAG_RING_SIZE + 5);
	t = ring_text(r);
	UNIT_CHECK(t && strstr(t, "n4;") == NULL && strstr(t, "n5;") != NULL);
	UNIT_CHECK(t && strstr(t, "n5;") < strstr(t, "n36;"));
	free(t);
	diag_ring_delete(r);
	/* NULL everywhere. */
	diag_ring_note(NULL, name, 1, 0, "x");
	UNIT_CHECK_INT(diag_ring_total(NULL), 0);
	diag_ring_print(NULL, stdout);
	diag_ring_delete(NULL);
	UNIT_CHECK_INT(diag_print(NULL, 0, stdout), RES_EINVAL);
}

static void
test_addr_str(void)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	char buf[64];

	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	s4.sin_port = htons(53);
	inet_pton(AF_INET, "127.53.0.1", &s4.sin_addr);
	UNIT_CHECK_INT(diag_addr_str((void *)&s4, sizeof(s4), buf,
	    sizeof(buf)), 0);
	UNIT_CHECK_STR(buf, "127.53.0.1");
	s4.sin_port = htons(5353);
	UNIT_CHECK_INT(diag_addr_str((void *)&s4, sizeof(s4), buf,
	    sizeof(buf)), 0);
	UNIT_CHECK_STR(buf, "127.53.0.1@5353");
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons(53);
	inet_pton(AF_INET6, "::1", &s6.sin6_addr);
	UNIT_CHECK_INT(diag_addr_str((void *)&s6, sizeof(s6), buf,
	    sizeof(buf)), 0);
	UNIT_CHECK_STR(buf, "::1");
	/* Too short for its family, NULL, oversized. */
	UNIT_CHECK_INT(diag_addr_str((void *)&s6, sizeof(s4), buf,
	    sizeof(buf)), RES_EINVAL);
	UNIT_CHECK_INT(diag_addr_str(NULL, sizeof(s4), buf, sizeof(buf)),
	    RES_EINVAL);
	UNIT_CHECK_INT(diag_addr_str((void *)&s4, 1000, buf, sizeof(buf)),
	    RES_EINVAL);
	UNIT_CHECK_INT(diag_addr_str((void *)&s4, sizeof(s4), NULL, 0),
	    RES_EINVAL);
	/* A small buffer is cut, not overrun. */
	UNIT_CHECK_INT(diag_addr_str((void *)&s4, sizeof(s4), buf, 4), 0);
	UNIT_CHECK_STR(buf, "127");
}

static void
test_infra_remove(void)
{
	struct infra_cache *c = infra_cache_create(100, 900, 1);
	struct sockaddr_in s4;
	struct infra_info info;
	uint8_t z1[DNAME_MAXLEN], z2[DNAME_MAXLEN];

	UNIT_CHECK(c != NULL);
	memset(&s4, 0, sizeof(s4));
	s4.sin_family = AF_INET;
	s4.sin_port = htons(53);
	inet_pton(AF_INET, "192.0.2.1", &s4.sin_addr);
	UNIT_CHECK_INT(dname_from_str("example.", NULL, z1, NULL), 0);
	UNIT_CHECK_INT(dname_from_str("example.org.", NULL, z2, NULL), 0);
	UNIT_CHECK_INT(infra_cache_rtt_update(c, &s4, sizeof(s4), z1, 1000,
	    20), 0);
	UNIT_CHECK_INT(infra_cache_rtt_update(c, &s4, sizeof(s4), z2, 1000,
	    30), 0);
	UNIT_CHECK_INT(infra_cache_remove(c, &s4, sizeof(s4), z1), 0);
	UNIT_CHECK_INT(infra_cache_lookup(c, &s4, sizeof(s4), z1, 1001,
	    &info), RES_ENOTFOUND);
	UNIT_CHECK_INT(infra_cache_lookup(c, &s4, sizeof(s4), z2, 1001,
	    &info), 0);
	UNIT_CHECK_INT(info.srtt, 30);
	UNIT_CHECK_INT(infra_cache_remove(c, &s4, sizeof(s4), z1),
	    RES_ENOTFOUND);
	UNIT_CHECK_INT(infra_cache_remove(NULL, &s4, sizeof(s4), z1),
	    RES_EINVAL);
	UNIT_CHECK_INT(infra_cache_remove(c, NULL, sizeof(s4), z1),
	    RES_EINVAL);
	UNIT_CHECK_INT(infra_cache_remove(c, &s4, 0, z1), RES_EINVAL);
	UNIT_CHECK_INT(infra_cache_remove(c, &s4, INFRA_ADDR_MAX + 1, z1),
	    RES_EINVAL);
	UNIT_CHECK_INT(infra_cache_remove(c, &s4, sizeof(s4), NULL),
	    RES_EINVAL);
	infra_cache_delete(c);
}

/** local_zones_print() into a malloced string. */
static char *
lz_text(struct local_zones *lz)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f) {
		return NULL;
	}
	local_zones_print(lz, f);
	fclose(f);
	return text;
}

static void
test_local_data_remove(void)
{
	struct local_zones *lz = local_zones_create();
	uint8_t n[DNAME_MAXLEN];
	char *t;

	UNIT_CHECK(lz != NULL);
	UNIT_CHECK_INT(local_zones_add_zone(lz, "example.internal.",
	    LOCAL_ZONE_STATIC), 0);
	UNIT_CHECK_INT(local_zones_add_data(lz,
	    "a.b.example.internal. 60 IN A 192.0.2.1"), 0);
	UNIT_CHECK_INT(local_zones_add_data(lz,
	    "a.b.example.internal. 60 IN TXT \"x\""), 0);
	UNIT_CHECK_INT(local_zones_add_data(lz,
	    "c.example.internal. 60 IN A 192.0.2.3"), 0);
	UNIT_CHECK_INT(dname_from_str("A.B.Example.Internal.", NULL, n, NULL),
	    0);
	UNIT_CHECK_INT(local_zones_remove_data(lz, n), 0);
	t = lz_text(lz);
	UNIT_CHECK(t && strstr(t, "a.b.example.internal.") == NULL);
	UNIT_CHECK(t && strstr(t, "example.internal.") != NULL);
	free(t);
	UNIT_CHECK_INT(local_zones_remove_data(lz, n), RES_ENOTFOUND);
	/* The empty non-terminal went with it. */
	UNIT_CHECK_INT(dname_from_str("b.example.internal.", NULL, n, NULL),
	    0);
	UNIT_CHECK_INT(local_zones_remove_data(lz, n), RES_ENOTFOUND);
	/* A zone apex keeps its zone. */
	UNIT_CHECK_INT(local_zones_add_data(lz,
	    "example.internal. 60 IN TXT \"apex\""), 0);
	UNIT_CHECK_INT(dname_from_str("example.internal.", NULL, n, NULL), 0);
	UNIT_CHECK_INT(local_zones_remove_data(lz, n), 0);
	t = lz_text(lz);
	UNIT_CHECK(t && strstr(t, "apex") == NULL);
	UNIT_CHECK(t && strstr(t, "static") != NULL);
	free(t);
	/* Adding again after removal works. */
	UNIT_CHECK_INT(local_zones_add_data(lz,
	    "a.b.example.internal. 60 IN A 192.0.2.9"), 0);
	UNIT_CHECK_INT(dname_from_str("a.b.example.internal.", NULL, n,
	    NULL), 0);
	UNIT_CHECK_INT(local_zones_remove_data(lz, n), 0);
	/* The other name kept its data. */
	UNIT_CHECK_INT(dname_from_str("c.example.internal.", NULL, n, NULL),
	    0);
	UNIT_CHECK_INT(local_zones_remove_data(lz, n), 0);
	UNIT_CHECK_INT(local_zones_remove_data(NULL, n), RES_EINVAL);
	UNIT_CHECK_INT(local_zones_remove_data(lz, NULL), RES_EINVAL);
	local_zones_delete(lz);
}

/** A trace's output as a malloced string; *ret gets print's result. */
static char *
trace_text(struct trace_run *t, int *ret)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f) {
		return NULL;
	}
	*ret = trace_run_print(t, f);
	fclose(f);
	return text;
}

/** The tracer without a resolver: bad arguments, a trace that never
 * ended, one that was stopped. */
static void
test_trace_args(void)
{
	uint8_t name[DNAME_MAXLEN], root[1] = { 0 };
	struct trace_run *t;
	char *text;
	int ret = 0;

	UNIT_CHECK(trace_run_create(NULL, 1, NULL) == NULL);
	UNIT_CHECK(trace_run_create((const uint8_t *)"\077", 1, NULL) ==
	    NULL);
	trace_run_release(NULL);
	UNIT_CHECK_INT(dname_from_str("WWW.Example.", NULL, name, NULL), 0);
	/* Not ended: the wait times out, the output says so. */
	t = trace_run_create(name, 28, NULL);
	UNIT_CHECK(t != NULL);
	if (!t) {
		return;
	}
	UNIT_CHECK_INT(trace_run_done(t), 0);
	UNIT_CHECK_INT(trace_run_wait(t, 20), 0);
	text = trace_text(t, &ret);
	UNIT_CHECK_INT(ret, RES_ELIMIT);
	UNIT_CHECK(text && strstr(text, "; trace www.example. AAAA: no trust "
	    "anchor covers it") != NULL);
	UNIT_CHECK(text && strstr(text, "result: error: no result within")
	    != NULL);
	free(text);
	/* Stopped (its worker was gone): ended, an error. */
	trace_run_abort(t);
	UNIT_CHECK_INT(trace_run_wait(t, 20), 1);
	text = trace_text(t, &ret);
	UNIT_CHECK_INT(ret, RES_ENOTFOUND);
	UNIT_CHECK(text && strstr(text, "result: error: the query was "
	    "stopped") != NULL);
	free(text);
	trace_run_release(t);
	/* With an anchor: named in the first line. */
	t = trace_run_create(name, 1, root);
	UNIT_CHECK(t != NULL);
	text = t ? trace_text(t, &ret) : NULL;
	UNIT_CHECK(text && strstr(text, "from the trust anchor at .") !=
	    NULL);
	free(text);
	trace_run_release(t);
}

int
main(void)
{
	unit_init("diag");
	UNIT_RUN(test_ring);
	UNIT_RUN(test_addr_str);
	UNIT_RUN(test_infra_remove);
	UNIT_RUN(test_local_data_remove);
	UNIT_RUN(test_trace_args);
	return unit_done();
}
