/*
 * test/test_localzone.c - unit tests for local zones (daemon/localzone.c):
 * every zone type's answer, defaults, empty non-terminals, CNAME,
 * redirect, truncation of a large local answer.
 */
#include "config.h"
#include "test/unit.h"
#include "daemon/localzone.h"
#include "util/answer.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/msg.h"
#include "util/config_file.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Query and reply buffers and views. */
static uint8_t qbuf[512], rbuf[65535];
static struct dns_msg qmsg, rmsg;

/** Build and parse a query; return the view. */
static const struct dns_msg *
query(const char *name, uint16_t type, uint16_t cls, int edns)
{
	struct msg_writer w;
	struct msg_edns_out eo;
	uint8_t d[DNAME_MAXLEN];
	size_t len;

	dname_from_str(name, NULL, d, NULL);
	msg_writer_init(&w, qbuf, sizeof(qbuf));
	msg_writer_header(&w, 0x1234, MSG_FLAG_RD, 0);
	msg_writer_question(&w, d, type, cls);
	if (edns) {
		memset(&eo, 0, sizeof(eo));
		eo.udp_size = (uint16_t)edns;
		msg_writer_edns(&w, &eo);
	}
	msg_writer_finish(&w, &len);
	UNIT_CHECK_INT(msg_parse_query(&qmsg, qbuf, len), 0);
	return &qmsg;
}

/** Answer a query; returns the result and parses the reply into rmsg. */
static int
ask(const struct local_zones *lz, const char *name, uint16_t type,
    size_t limit)
{
	const struct answer_opts ao = { .edns_size = 1232, .ede = 1 };
	const struct dns_msg *q = query(name, type, 1, 0);
	struct answer_to to;
	size_t len = 0;
	enum local_result r;

	answer_to_query(&to, q, limit);
	r = local_zones_answer(lz, q, &to, &ao, rbuf, sizeof(rbuf), &len);
	if (r == LOCAL_RESULT_ANSWER) {
		UNIT_CHECK_INT(msg_parse(&rmsg, rbuf, len), 0);
		UNIT_CHECK_INT(rmsg.id, 0x1234);
		UNIT_CHECK(rmsg.flags & MSG_FLAG_QR);
	}
	return (int)r;
}

/** Build zones for the tests. */
static struct local_zones *
setup(void)
{
	struct local_zones *lz = local_zones_create();
	static const char *data[] = {
	    "example.internal. 3600 IN SOA ns.example.internal. "
	    "host.example.internal. 1 3600 600 86400 300",
	    "www.example.internal. 3600 IN A 192.0.2.10",
	    "www.example.internal. 3600 IN A 192.0.2.11",
	    "mail.example.internal. IN MX 10 mx.example.internal.",
	    "a.b.c.example.internal. 60 IN TXT \"deep\"",
	    "alias.example.internal. 300 IN CNAME www.example.internal.",
	    "host.transp.test. 60 IN A 198.51.100.1",
	    "redir.test. 60 IN A 203.0.113.5",
	    "tt.test. 60 IN A 203.0.113.6",
	    NULL };
	int i;

	UNIT_CHECK_INT(local_zones_add_zone(lz, "example.internal.",
	    LOCAL_ZONE_STATIC), 0);
	UNIT_CHECK_INT(local_zones_add_zone(lz, "transp.test.",
	    LOCAL_ZONE_TRANSPARENT), 0);
	UNIT_CHECK_INT(local_zones_add_zone(lz, "redir.test.",
	    LOCAL_ZONE_REDIRECT), 0);
	UNIT_CHECK_INT(local_zones_add_zone(lz, "tt.test.",
	    LOCAL_ZONE_TYPETRANSPARENT), 0);
	UNIT_CHECK_INT(local_zones_add_zone(lz, "refused.example.",
	    LOCAL_ZONE_REFUSE), 0);
	UNIT_CHECK_INT(local_zones_add_zone(lz, "denied.example.",
	    LOCAL_ZONE_DENY), 0);
	UNIT_CHECK_INT(local_zones_add_zone(lz, "nx.example.",
	    LOCAL_ZONE_ALWAYS_NXDOMAIN), 0);
	for (i = 0; data[i]; i++) {
		UNIT_CHECK_INT(local_zones_add_data(lz, data[i]), 0);
	}
	return lz;
}

/** Static zone: data, NODATA with SOA, NXDOMAIN with SOA, ENT. */
static void
test_localzone_static(void)
{
	struct local_zones *lz = setup();

	UNIT_CHECK_INT(ask(lz, "www.example.internal.", 1, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_NOERROR);
	UNIT_CHECK_INT(rmsg.ancount, 2);
	UNIT_CHECK(rmsg.flags & MSG_FLAG_AA);
	UNIT_CHECK(rmsg.flags & MSG_FLAG_RD);
	/* Case does not matter. */
	UNIT_CHECK_INT(ask(lz, "WWW.Example.INTERNAL.", 1, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.ancount, 2);
	/* NODATA: the name exists, not the type. */
	UNIT_CHECK_INT(ask(lz, "www.example.internal.", 28, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_NOERROR);
	UNIT_CHECK_INT(rmsg.ancount, 0);
	UNIT_CHECK_INT(rmsg.nscount, 1);
	UNIT_CHECK_INT(rmsg.rr[0].type, 6);
	/* RFC 2308: SOA TTL is min(TTL, MINIMUM) = 300. */
	UNIT_CHECK_INT(rmsg.rr[0].ttl, 300);
	/* NXDOMAIN. */
	UNIT_CHECK_INT(ask(lz, "nope.example.internal.", 1, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_NXDOMAIN);
	UNIT_CHECK_INT(rmsg.nscount, 1);
	/* Empty non-terminals b.c and c: NODATA, not NXDOMAIN. */
	UNIT_CHECK_INT(ask(lz, "c.example.internal.", 1, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_NOERROR);
	UNIT_CHECK_INT(ask(lz, "b.c.example.internal.", 16, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_NOERROR);
	UNIT_CHECK_INT(rmsg.ancount, 0);
	UNIT_CHECK_INT(ask(lz, "a.b.c.example.internal.", 16, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.ancount, 1);
	/* CNAME answers other types. */
	UNIT_CHECK_INT(ask(lz, "alias.example.internal.", 1, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.ancount, 1);
	UNIT_CHECK_INT(rmsg.rr[0].type, 5);
	/* ANY returns every RRset at the name. */
	UNIT_CHECK_INT(ask(lz, "www.example.internal.", 255, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.ancount, 2);
	local_zones_delete(lz);

	/* An apex without data of its own but with names below exists
	 * (RFC 8020): NODATA, not NXDOMAIN; with nothing below, NXDOMAIN;
	 * when the last name below goes, NXDOMAIN again. */
	lz = local_zones_create();
	UNIT_CHECK_INT(local_zones_add_zone(lz, "bare.internal.",
	    LOCAL_ZONE_STATIC), 0);
	UNIT_CHECK_INT(ask(lz, "bare.internal.", 1, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_NXDOMAIN);
	UNIT_CHECK_INT(local_zones_add_data(lz,
	    "host.bare.internal. 60 IN A 192.0.2.7"), 0);
	UNIT_CHECK_INT(ask(lz, "bare.internal.", 1, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_NOERROR);
	UNIT_CHECK_INT(rmsg.ancount, 0);
	{
		uint8_t d[DNAME_MAXLEN];

		dname_from_str("host.bare.internal.", NULL, d, NULL);
		UNIT_CHECK_INT(local_zones_remove_data(lz, d), 0);
	}
	UNIT_CHECK_INT(ask(lz, "bare.internal.", 1, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_NXDOMAIN);
	local_zones_delete(lz);
}

/** Transparent, typetransparent, redirect, refuse, deny, always_*. */
static void
test_localzone_types(void)
{
	struct local_zones *lz = setup();

	UNIT_CHECK_INT(ask(lz, "host.transp.test.", 1, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.ancount, 1);
	UNIT_CHECK_INT(ask(lz, "host.transp.test.", 28, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.ancount, 0);
	UNIT_CHECK_INT(ask(lz, "other.transp.test.", 1, 512),
	    LOCAL_RESULT_NONE);
	UNIT_CHECK_INT(ask(lz, "tt.test.", 1, 512), LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(ask(lz, "tt.test.", 28, 512), LOCAL_RESULT_NONE);
	UNIT_CHECK_INT(ask(lz, "x.y.redir.test.", 1, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.ancount, 1);
	UNIT_CHECK_INT(ask(lz, "x.refused.example.", 1, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_REFUSED);
	UNIT_CHECK_INT(ask(lz, "x.denied.example.", 1, 512),
	    LOCAL_RESULT_DROP);
	UNIT_CHECK_INT(ask(lz, "nx.example.", 1, 512), LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_NXDOMAIN);
	UNIT_CHECK_INT(ask(lz, "example.com.", 1, 512), LOCAL_RESULT_NONE);
	local_zones_delete(lz);
}

/** The top-level label filter: mixed case, many top-level labels, and
 * a root zone that encloses names under labels nothing else uses. */
static void
test_localzone_tld_filter(void)
{
	struct local_zones *lz = local_zones_create();
	char name[64];
	int i;

	UNIT_CHECK(lz != NULL);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "zone.tld%d.", i);
		UNIT_CHECK_INT(local_zones_add_zone(lz, name,
		    LOCAL_ZONE_ALWAYS_NXDOMAIN), 0);
	}
	UNIT_CHECK_INT(local_zones_add_zone(lz, "Corp.", LOCAL_ZONE_REFUSE),
	    0);
	for (i = 0; i < 300; i += 37) {
		snprintf(name, sizeof(name), "a.ZONE.TLD%d.", i);
		UNIT_CHECK_INT(ask(lz, name, 1, 512), LOCAL_RESULT_ANSWER);
		UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_NXDOMAIN);
		snprintf(name, sizeof(name), "a.other.tld%d.", i);
		UNIT_CHECK_INT(ask(lz, name, 1, 512), LOCAL_RESULT_NONE);
	}
	UNIT_CHECK_INT(ask(lz, "www.cORP.", 1, 512), LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_REFUSED);
	UNIT_CHECK_INT(ask(lz, "www.example.com.", 1, 512),
	    LOCAL_RESULT_NONE);
	UNIT_CHECK_INT(ask(lz, ".", 1, 512), LOCAL_RESULT_NONE);
	/* A root zone encloses every name nothing closer claims. */
	UNIT_CHECK_INT(local_zones_add_zone(lz, ".", LOCAL_ZONE_REFUSE), 0);
	UNIT_CHECK_INT(ask(lz, "www.example.com.", 1, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_REFUSED);
	UNIT_CHECK_INT(ask(lz, ".", 1, 512), LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(ask(lz, "a.zone.tld1.", 1, 512), LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_NXDOMAIN);
	local_zones_delete(lz);
}

/** Default zones from an empty config, and nodefault. */
static void
test_localzone_defaults(void)
{
	struct config *cfg = config_create();
	struct local_zones *lz = local_zones_create();

	UNIT_CHECK_INT(config_read_string(cfg,
	    "server:\n local-zone: \"onion.\" nodefault\n", "t.conf"), 0);
	UNIT_CHECK_INT(local_zones_apply_config(lz, cfg), 0);
	UNIT_CHECK_INT(ask(lz, "localhost.", 1, 512), LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.ancount, 1);
	UNIT_CHECK_INT(ask(lz, "localhost.", 28, 512), LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.ancount, 1);
	UNIT_CHECK_INT(ask(lz, "1.0.0.127.in-addr.arpa.", 12, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.ancount, 1);
	UNIT_CHECK_INT(ask(lz, "foo.test.", 1, 512), LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_NXDOMAIN);
	UNIT_CHECK_INT(ask(lz, "5.1.168.192.in-addr.arpa.", 12, 512),
	    LOCAL_RESULT_ANSWER);
	UNIT_CHECK_INT(rmsg.rcode, MSG_RCODE_NXDOMAIN);
	UNIT_CHECK_INT(ask(lz, "x.onion.", 1, 512), LOCAL_RESULT_NONE);
	local_zones_delete(lz);
	config_delete(cfg);
}

/** Config errors name file and line; bad data is refused. */
static void
test_localzone_errors(void)
{
	struct config *cfg = config_create();
	struct local_zones *lz = local_zones_create();

	UNIT_CHECK_INT(config_read_string(cfg, "server:\n"
	    " local-data: \"www.x. IN A 300.1.1.1\"\n", "e.conf"), 0);
	UNIT_CHECK_INT(local_zones_apply_config(lz, cfg), RES_ESYNTAX);
	UNIT_CHECK_INT(local_zones_add_data(lz, "bad..name. IN A 1.2.3.4"),
	    RES_ESYNTAX);
	UNIT_CHECK_INT(local_zones_add_data(lz, NULL), RES_ESYNTAX);
	UNIT_CHECK_INT(local_zones_add_zone(lz, "x..", LOCAL_ZONE_STATIC),
	    RES_ESYNTAX);
	UNIT_CHECK_INT(local_zones_add_zone(lz, "dup.", LOCAL_ZONE_STATIC), 0);
	UNIT_CHECK_INT(local_zones_add_zone(lz, "dup.", LOCAL_ZONE_STATIC),
	    RES_EEXIST);
	local_zones_delete(lz);
	local_zones_delete(NULL);
	config_delete(cfg);
}

/** A local answer too big for 512 octets is truncated with TC. */
static void
test_localzone_truncation(void)
{
	struct local_zones *lz = local_zones_create();
	char rr[128];
	int i;

	local_zones_add_zone(lz, "big.", LOCAL_ZONE_STATIC);
	for (i = 0; i < 60; i++) {
		snprintf(rr, sizeof(rr), "many.big. 60 IN A 10.0.0.%d", i);
		UNIT_CHECK_INT(local_zones_add_data(lz, rr), 0);
	}
	UNIT_CHECK_INT(ask(lz, "many.big.", 1, 512), LOCAL_RESULT_ANSWER);
	UNIT_CHECK(rmsg.flags & MSG_FLAG_TC);
	UNIT_CHECK_INT(rmsg.ancount, 0);
	UNIT_CHECK_INT(ask(lz, "many.big.", 1, 65535), LOCAL_RESULT_ANSWER);
	UNIT_CHECK(!(rmsg.flags & MSG_FLAG_TC));
	UNIT_CHECK_INT(rmsg.ancount, 60);
	local_zones_delete(lz);
}

int
main(void)
{
	unit_init("localzone");
	UNIT_RUN(test_localzone_static);
	UNIT_RUN(test_localzone_types);
	UNIT_RUN(test_localzone_tld_filter);
	UNIT_RUN(test_localzone_defaults);
	UNIT_RUN(test_localzone_errors);
	UNIT_RUN(test_localzone_truncation);
	return unit_done();
}
