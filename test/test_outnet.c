/*
 * test/test_outnet.c - unit tests for services/outside_network.c.
 *
 * A fake authoritative server runs in the same event base: a UDP and a
 * TCP service point on 127.0.0.1 at ephemeral ports, answering per the
 * script of the current case (srv.mode).  Every packet stays on
 * loopback.  Each case runs the loop until its callbacks arrived or a
 * watchdog timer fires, so no case can hang.
 */
#include "config.h"
#include "test/unit.h"
#include "services/outside_network.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/netevent.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/** What the fake server does with a query. */
enum srv_mode {
	SRV_ECHO,		/* a plain NOERROR reply */
	SRV_SILENT,		/* no reply */
	SRV_WRONG_ID_FIRST,	/* bad ID, then QR=0, then the reply */
	SRV_OTHER_SOURCE,	/* from another port and address, then reply */
	SRV_OTHER_QUESTION,	/* other type, other name, then the reply */
	SRV_FLIP_CASE,		/* the reply flips every letter's case */
	SRV_TC,			/* a reply with TC=1 */
	SRV_FORMERR_NOQ,	/* FORMERR without a question section */
	SRV_TC_NOQ,		/* TC, NOERROR, no question section */
	SRV_NOERROR_NOQ		/* NOERROR, no question section */
};

/** Most queries the server records. */
#define SRV_MAXREC 2100

/** The fake server and what it saw. */
static struct {
	/** The script. */
	enum srv_mode mode;
	/** UDP and TCP points. */
	struct comm_point *udp, *tcp;
	/** UDP socket (owned by udp), for extra datagrams. */
	int udp_fd;
	/** Address of both points. */
	struct sockaddr_storage addr;
	/** Length of addr. */
	socklen_t addrlen;
	/** Queries seen. */
	int nrec;
	/** Source port and ID of each query. */
	uint16_t port[SRV_MAXREC], id[SRV_MAXREC];
	/** Name of the last query. */
	uint8_t last_name[DNAME_MAXLEN];
	/** 1 if the last query had an OPT record. */
	int last_edns;
} srv;

/** The test's event base. */
static struct comm_base *base;

/** Callbacks seen by the current case. */
static struct {
	/** Number of callbacks. */
	int n;
	/** Last result. */
	int result;
	/** Last reply's flags word and RCODE. */
	int flags;
	/** Last reply's length. */
	size_t len;
	/** Last result as given (its packet pointer is stale). */
	struct upstream_reply info;
	/** Count per result. */
	int per_result[6];
	/** The start of the last reply (header and question). */
	uint8_t head[12 + 256 + 4];
} got;

/** 1 after the watchdog fired. */
static int watchdog_fired;

/** Source port of a socket address. */
static uint16_t
addr_port(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET6) {
		return ntohs(((const struct sockaddr_in6 *)a)->sin6_port);
	}
	return ntohs(((const struct sockaddr_in *)a)->sin_port);
}

/**
 * Build a reply to query q into out: header and question copied, QR and
 * RA set, counts zero but QDCOUNT.
 * @return its length or 0 when q is not a sane query.
 */
static size_t
srv_reply(const uint8_t *q, size_t qlen, uint8_t *out, size_t cap)
{
	size_t pos = 12;

	if (qlen < 12 || dname_unpack(q, qlen, &pos, srv.last_name, NULL) !=
	    0 || pos + 4 > qlen || pos + 4 > cap) {
		return 0;
	}
	srv.last_edns = (q[10] << 8 | q[11]) != 0;
	memcpy(out, q, pos + 4);
	out[2] = 0x80 | (q[2] & 0x01);	/* QR, keep RD */
	out[3] = 0x80;			/* RA, NOERROR */
	memset(out + 6, 0, 6);
	return pos + 4;
}

/** Send a datagram to the client from a fresh socket at address a. */
static void
send_from(const char *a, const uint8_t *pkt, size_t len,
    const struct sockaddr_storage *to, socklen_t tolen)
{
	struct sockaddr_in s;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	inet_pton(AF_INET, a, &s.sin_addr);
	if (fd == -1) {
		return;
	}
	if (bind(fd, (struct sockaddr *)&s, sizeof(s)) == 0) {
		(void)sendto(fd, pkt, len, 0, (const struct sockaddr *)to,
		    tolen);
	}
	close(fd);
}

/** The fake server's handler, UDP and TCP. */
static int
srv_handle(void *arg, struct comm_reply *rep)
{
	uint8_t extra[512];
	size_t len, i;

	(void)arg;
	if (srv.nrec < SRV_MAXREC && rep->query_len >= 2) {
		srv.port[srv.nrec] = addr_port(&rep->addr);
		srv.id[srv.nrec] = (uint16_t)(rep->query[0] << 8 |
		    rep->query[1]);
		srv.nrec++;
	}
	len = srv_reply(rep->query, rep->query_len, rep->reply,
	    rep->reply_cap);
	if (len == 0) {
		return 0;
	}
	memcpy(extra, rep->reply, len);
	switch (srv.mode) {
	case SRV_ECHO:
		break;
	case SRV_SILENT:
		return 0;
	case SRV_WRONG_ID_FIRST:
		extra[1] ^= 0x01;
		extra[3] = 0x83;	/* NXDOMAIN: must not be accepted */
		(void)sendto(srv.udp_fd, extra, len, 0,
		    (struct sockaddr *)&rep->addr, rep->addrlen);
		extra[1] ^= 0x01;
		extra[2] &= 0x7f;	/* right ID, QR clear */
		(void)sendto(srv.udp_fd, extra, len, 0,
		    (struct sockaddr *)&rep->addr, rep->addrlen);
		break;
	case SRV_OTHER_SOURCE:
		extra[3] = 0x83;
		send_from("127.0.0.1", extra, len, &rep->addr, rep->addrlen);
		send_from("127.0.0.2", extra, len, &rep->addr, rep->addrlen);
		/* Same port, other address: needs a socket on .2 at the
		 * server's port; binding it may fail if taken, then the
		 * case just has one spoof fewer (the count checks >= 2). */
		break;
	case SRV_OTHER_QUESTION:
		extra[3] = 0x83;
		extra[len - 3] ^= 0x01;	/* other qtype */
		(void)sendto(srv.udp_fd, extra, len, 0,
		    (struct sockaddr *)&rep->addr, rep->addrlen);
		extra[len - 3] ^= 0x01;
		extra[13] ^= 0x01;	/* other first letter */
		(void)sendto(srv.udp_fd, extra, len, 0,
		    (struct sockaddr *)&rep->addr, rep->addrlen);
		break;
	case SRV_FLIP_CASE:
		for (i = 12; i < len - 4; i++) {
			uint8_t c = rep->reply[i];

			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
				rep->reply[i] = c ^ 0x20;
			}
		}
		break;
	case SRV_TC:
		rep->reply[2] |= 0x02;
		break;
	case SRV_FORMERR_NOQ:
		rep->reply[3] = 0x81;
		rep->reply[5] = 0;
		len = 12;
		break;
	case SRV_TC_NOQ:
	case SRV_NOERROR_NOQ:
		if (srv.mode == SRV_TC_NOQ) {
			rep->reply[2] |= 0x02;
		}
		rep->reply[5] = 0;
		len = 12;
		break;
	}
	rep->reply_len = len;
	return 1;
}

/** Start the fake server. */
static int
srv_start(void)
{
	struct sockaddr_storage a;
	socklen_t al;
	int fd;

	memset(&srv, 0, sizeof(srv));
	if (comm_addr_from_str("127.0.0.1", 0, &a, &al) != 0) {
		return -1;
	}
	srv.udp_fd = comm_open_socket(&a, al, SOCK_DGRAM, 0, 0, 0);
	if (srv.udp_fd == -1) {
		return -1;
	}
	srv.addrlen = sizeof(srv.addr);
	getsockname(srv.udp_fd, (struct sockaddr *)&srv.addr, &srv.addrlen);
	srv.udp = comm_point_create_udp(base, srv.udp_fd, 4096, srv_handle,
	    NULL);
	/* TCP on the same port number. */
	fd = comm_open_socket(&srv.addr, srv.addrlen, SOCK_STREAM, 0, 0, 0);
	if (fd == -1 || !srv.udp) {
		return -1;
	}
	srv.tcp = comm_point_create_tcp(base, fd, 16, 2000, srv_handle,
	    NULL);
	return srv.tcp ? 0 : -1;
}

/** Stop the fake server. */
static void
srv_stop(void)
{
	comm_point_delete(srv.udp);
	comm_point_delete(srv.tcp);
	srv.udp = srv.tcp = NULL;
}

/** The test callback: record what arrived. */
static void
test_cb(void *arg, const struct upstream_reply *r)
{
	(void)arg;
	got.n++;
	got.result = r->result;
	got.len = r->len;
	got.flags = r->pkt && r->len >= 4 ? wire_get16(r->pkt + 2) : -1;
	got.info = *r;
	if (r->pkt) {
		memcpy(got.head, r->pkt, r->len < sizeof(got.head) ? r->len :
		    sizeof(got.head));
	}
	if (r->result >= 0 && r->result < 6) {
		got.per_result[r->result]++;
	}
}

/** Watchdog: stop waiting. */
static void
watchdog(void *arg)
{
	(void)arg;
	watchdog_fired = 1;
}

/**
 * Run the loop until n callbacks arrived or ms passed.
 * @return milliseconds it took.
 */
static int
run_until(int n, int ms)
{
	struct comm_timer *t = comm_timer_create(base, watchdog, NULL);
	struct timeval a, b;

	gettimeofday(&a, NULL);
	watchdog_fired = 0;
	comm_timer_set(t, ms);
	while (got.n < n && !watchdog_fired) {
		if (comm_base_run_once(base) != 0) {
			break;
		}
	}
	comm_timer_delete(t);
	gettimeofday(&b, NULL);
	return (int)((b.tv_sec - a.tv_sec) * 1000 +
	    (b.tv_usec - a.tv_usec) / 1000);
}

/** Reset the callback record and the server's. */
static void
reset(enum srv_mode mode)
{
	memset(&got, 0, sizeof(got));
	srv.mode = mode;
	srv.nrec = 0;
}

/** Settings for loopback tests. */
static void
settings(struct outnet_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->do_ip4 = 1;
	s->do_ip6 = 1;
	s->caps_for_id = 1;
	s->num_ports = 64;
	s->suspect_ends = 1;
}

/** The test name in wire format. */
static const uint8_t qname[] =
    "\020abcdefghijklmnop\007example\003com";

/** The test name and its length, as query arguments. */
#define QN qname, sizeof(qname)

/**
 * Send one query, the arguments spelt out as a struct upstream_query.
 * @param tcp: 1 for TCP.
 * @param to, tolen: the server; NULL for none.
 * @return the handle or NULL.
 */
static struct outnet_query *
q_send(struct outside_network *o, int tcp, const struct sockaddr_storage *to,
    socklen_t tolen, const uint8_t *name, uint16_t qtype, uint16_t qclass,
    int rd, int cd, int edns, int do_bit, int caps, int timeout,
    outnet_cb cb, void *arg)
{
	struct upstream_query uq;

	memset(&uq, 0, sizeof(uq));
	if (to) {
		memcpy(&uq.addr, to, tolen <= sizeof(uq.addr) ? tolen :
		    sizeof(uq.addr));
	}
	uq.addrlen = tolen;
	uq.qname = name;
	uq.qtype = qtype;
	uq.qclass = qclass;
	uq.flags = (rd ? MSG_FLAG_RD : 0) | (cd ? MSG_FLAG_CD : 0);
	uq.edns = edns;
	uq.do_bit = do_bit;
	uq.caps = caps;
	uq.tcp = tcp;
	uq.timeout_ms = timeout;
	return outnet_query(o, &uq, cb, arg);
}

/** Query types ask() uses, one per call, so no two of its queries are
 * the same question (identical ones would share one query). */
static uint16_t ask_type = 1000;

/** Send one UDP query with the common arguments. */
static struct outnet_query *
ask(struct outside_network *o, int caps, int timeout)
{
	return q_send(o, 0, &srv.addr, srv.addrlen, qname, ask_type++, 1, 0,
	    0, 1, 1, caps, timeout, test_cb, NULL);
}

/** A normal reply is delivered, with the port and ID the server saw. */
static void
test_outnet_reply(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct outnet_stats st;

	settings(&s);
	o = outnet_create(base, &s);
	UNIT_CHECK(o != NULL);
	reset(SRV_ECHO);
	UNIT_CHECK(ask(o, 0, 2000) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.n, 1);
	UNIT_CHECK_INT(got.result, UPSTREAM_OK);
	UNIT_CHECK_INT(got.flags & 0x800f, 0x8000);
	UNIT_CHECK_INT(srv.nrec, 1);
	UNIT_CHECK_INT(got.info.port, srv.port[0]);
	UNIT_CHECK_INT(got.info.id, srv.id[0]);
	UNIT_CHECK_INT(got.info.is_tcp, 0);
	UNIT_CHECK(got.info.port >= 1024);
	UNIT_CHECK(srv.last_edns);
	/* Without 0x20 the name goes out as given. */
	UNIT_CHECK(memcmp(srv.last_name, qname, sizeof(qname)) == 0);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.replies, 1);
	UNIT_CHECK_INT(st.unwanted, 0);
	UNIT_CHECK_INT(st.udp_open, 0);
	outnet_delete(o);
}

/**
 * A wrong ID first (then a QR=0 packet, then the reply): the first
 * packet ends the query as UPSTREAM_SUSPECT, and nothing after it is
 * read, the reply included: the caller asks over TCP.
 */
static void
test_outnet_wrong_id(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct outnet_stats st;

	settings(&s);
	s.unwanted_threshold = 2;
	o = outnet_create(base, &s);
	reset(SRV_WRONG_ID_FIRST);
	UNIT_CHECK(ask(o, 0, 2000) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.n, 1);
	UNIT_CHECK_INT(got.result, UPSTREAM_SUSPECT);
	UNIT_CHECK_INT(got.len, 0);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.unwanted, 1);
	UNIT_CHECK_INT(st.suspect, 1);
	UNIT_CHECK_INT(st.replies, 0);
	UNIT_CHECK_INT(st.udp_open, 0);
	UNIT_CHECK_INT(st.spoof_alerts, 0);
	/* Threshold 2 reached: one alert; more unwanted: still one. */
	reset(SRV_WRONG_ID_FIRST);
	UNIT_CHECK(ask(o, 0, 2000) != NULL);
	run_until(1, 3000);
	reset(SRV_WRONG_ID_FIRST);
	UNIT_CHECK(ask(o, 0, 2000) != NULL);
	run_until(1, 3000);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.unwanted, 3);
	UNIT_CHECK_INT(st.suspect, 3);
	UNIT_CHECK_INT(st.spoof_alerts, 1);
	outnet_delete(o);

	/* harden-spoofing: no: both packets are counted, the reply that
	 * follows is taken. */
	settings(&s);
	s.suspect_ends = 0;
	o = outnet_create(base, &s);
	reset(SRV_WRONG_ID_FIRST);
	UNIT_CHECK(ask(o, 0, 2000) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.result, UPSTREAM_OK);
	UNIT_CHECK_INT(got.flags & 0xf, 0);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.unwanted, 2);
	UNIT_CHECK_INT(st.suspect, 0);
	outnet_delete(o);
}

/**
 * Replies from another port or address never reach the query: its socket
 * is connected to the server, so the kernel drops them (not even counted
 * as unwanted); the server's reply is taken.
 */
static void
test_outnet_other_source(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct outnet_stats st;

	settings(&s);
	o = outnet_create(base, &s);
	reset(SRV_OTHER_SOURCE);
	UNIT_CHECK(ask(o, 0, 2000) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.n, 1);
	UNIT_CHECK_INT(got.result, UPSTREAM_OK);
	UNIT_CHECK_INT(got.flags & 0xf, 0);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.unwanted, 0);
	outnet_delete(o);
}

/** A reply with another question (type) from the server: suspect. */
static void
test_outnet_other_question(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct outnet_stats st;

	settings(&s);
	o = outnet_create(base, &s);
	reset(SRV_OTHER_QUESTION);
	UNIT_CHECK(ask(o, 0, 2000) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.n, 1);
	UNIT_CHECK_INT(got.result, UPSTREAM_SUSPECT);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.unwanted, 1);
	outnet_delete(o);
}

/**
 * A UDP query to a port where nothing listens: the ICMP port unreachable
 * reaches the connected socket and ends the query as UPSTREAM_ERROR at
 * once, long before its timeout.
 */
static void
test_outnet_port_unreachable(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct sockaddr_storage a;
	socklen_t al;
	int fd, ms;

	/* A port that was free a moment ago: bind, read it, close. */
	UNIT_CHECK(comm_addr_from_str("127.0.0.1", 0, &a, &al) == 0);
	fd = comm_open_socket(&a, al, SOCK_DGRAM, 0, 0, 0);
	UNIT_CHECK(fd != -1);
	al = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &al);
	close(fd);
	settings(&s);
	o = outnet_create(base, &s);
	reset(SRV_ECHO);
	UNIT_CHECK(q_send(o, 0, &a, al, qname, 1, 1, 0, 0, 1, 1, 0, 3000,
	    test_cb, NULL) != NULL);
	ms = run_until(1, 4000);
	UNIT_CHECK_INT(got.n, 1);
	UNIT_CHECK_INT(got.result, UPSTREAM_ERROR);
	UNIT_CHECK(ms < 2000);
	outnet_delete(o);
}

/** No reply: the timeout callback comes, within its bound. */
static void
test_outnet_timeout(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct outnet_stats st;
	int ms;

	settings(&s);
	o = outnet_create(base, &s);
	reset(SRV_SILENT);
	UNIT_CHECK(ask(o, 0, 200) != NULL);
	ms = run_until(1, 2000);
	UNIT_CHECK_INT(got.n, 1);
	UNIT_CHECK_INT(got.result, UPSTREAM_TIMEOUT);
	UNIT_CHECK(ms >= 190 && ms < 1000);
	UNIT_CHECK(got.info.rtt_ms >= 190);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.timeouts, 1);
	UNIT_CHECK_INT(st.udp_open, 0);
	outnet_delete(o);
}

/** 0x20: the name goes out in mixed case; an exact echo is OK, a changed
 * case is CAPS_MISMATCH; with caps_for_id off nothing changes. */
static void
test_outnet_caps(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct outnet_stats st;

	settings(&s);
	o = outnet_create(base, &s);
	reset(SRV_ECHO);
	UNIT_CHECK(ask(o, 1, 2000) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.result, UPSTREAM_OK);
	UNIT_CHECK(dname_equal(srv.last_name, qname));
	/* 26 letters all left lowercase: chance 2^-26. */
	UNIT_CHECK(memcmp(srv.last_name, qname, sizeof(qname)) != 0);
	/* The caller gets the name back with the case it asked. */
	UNIT_CHECK(memcmp(got.head + 12, qname, sizeof(qname)) == 0);
	reset(SRV_FLIP_CASE);
	UNIT_CHECK(ask(o, 1, 2000) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.n, 1);
	UNIT_CHECK_INT(got.result, UPSTREAM_CAPS_MISMATCH);
	UNIT_CHECK(got.len > 12);
	/* Without 0x20 a case change is legal (RFC 4343). */
	reset(SRV_FLIP_CASE);
	UNIT_CHECK(ask(o, 0, 2000) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.result, UPSTREAM_OK);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.caps_mismatch, 1);
	outnet_delete(o);

	/* caps_for_id off: use_caps is ignored. */
	s.caps_for_id = 0;
	o = outnet_create(base, &s);
	reset(SRV_ECHO);
	UNIT_CHECK(ask(o, 1, 2000) != NULL);
	run_until(1, 3000);
	UNIT_CHECK(memcmp(srv.last_name, qname, sizeof(qname)) == 0);
	outnet_delete(o);
}

/** TC=1 is delivered as it is; replies without a question are taken. */
static void
test_outnet_tc_formerr(void)
{
	struct outnet_settings s;
	struct outside_network *o;

	settings(&s);
	o = outnet_create(base, &s);
	reset(SRV_TC);
	UNIT_CHECK(ask(o, 0, 2000) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.result, UPSTREAM_OK);
	UNIT_CHECK(got.flags & 0x0200);
	reset(SRV_FORMERR_NOQ);
	UNIT_CHECK(ask(o, 0, 2000) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.result, UPSTREAM_OK);
	UNIT_CHECK_INT(got.flags & 0xf, 1);
	UNIT_CHECK_INT(got.len, 12);
	/* TC without the question, and a NOERROR without it: handed up
	 * at once (the caller goes to TCP, or to another server), not
	 * taken for a forger's packet. */
	reset(SRV_TC_NOQ);
	UNIT_CHECK(ask(o, 0, 2000) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.result, UPSTREAM_OK);
	UNIT_CHECK(got.flags & 0x0200);
	reset(SRV_NOERROR_NOQ);
	UNIT_CHECK(ask(o, 0, 2000) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.result, UPSTREAM_OK);
	UNIT_CHECK_INT(got.len, 12);
	outnet_delete(o);
}

/**
 * Open a TCP listener that never accepts: the kernel completes the
 * handshake, nobody reads or answers.
 * @return the socket (close it after use) or -1; a, al receive its
 *	address.
 */
static int
blackhole_tcp(struct sockaddr_storage *a, socklen_t *al)
{
	int fd;

	comm_addr_from_str("127.0.0.1", 0, a, al);
	fd = comm_open_socket(a, *al, SOCK_STREAM, 0, 0, 0);
	if (fd != -1) {
		*al = sizeof(*a);
		getsockname(fd, (struct sockaddr *)a, al);
	}
	return fd;
}

/** TCP: queries answered, one connection reused for two queries. */
static void
test_outnet_tcp(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct outnet_stats st;
	struct sockaddr_storage bh;
	socklen_t bhlen;
	uint16_t port1;
	int bhfd;

	settings(&s);
	s.tcp_idle_ms = 300;
	o = outnet_create(base, &s);
	reset(SRV_ECHO);
	UNIT_CHECK(q_send(o, 1, &srv.addr, srv.addrlen, qname, 1, 1, 1, 0, 1,
	    0, 1, 2000, test_cb, NULL) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.n, 1);
	UNIT_CHECK_INT(got.result, UPSTREAM_OK);
	UNIT_CHECK_INT(got.info.is_tcp, 1);
	UNIT_CHECK_INT(got.info.id, srv.id[0]);
	UNIT_CHECK_INT(got.info.port, srv.port[0]);
	port1 = got.info.port;
	/* Two more at once: same connection, distinct IDs. */
	UNIT_CHECK(q_send(o, 1, &srv.addr, srv.addrlen, qname, 1, 1, 1, 0, 1,
	    0, 1, 2000, test_cb, NULL) != NULL);
	UNIT_CHECK(q_send(o, 1, &srv.addr, srv.addrlen, qname, 28, 1, 1, 0, 1,
	    0, 1, 2000, test_cb, NULL) != NULL);
	run_until(3, 3000);
	UNIT_CHECK_INT(got.per_result[UPSTREAM_OK], 3);
	UNIT_CHECK_INT(srv.nrec, 3);
	UNIT_CHECK_INT(srv.port[1], port1);
	UNIT_CHECK_INT(srv.port[2], port1);
	UNIT_CHECK(srv.id[1] != srv.id[2]);
	UNIT_CHECK_INT(comm_point_tcp_count(srv.tcp), 1);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.tcp_open, 1);
	UNIT_CHECK_INT(st.queries_tcp, 3);
	/* Idle: closed after tcp_idle_ms. */
	run_until(99, 600);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.tcp_open, 0);
	/* A TCP timeout: the server accepts nothing.  The connection is
	 * not reused afterwards and closes at once. */
	bhfd = blackhole_tcp(&bh, &bhlen);
	UNIT_CHECK(bhfd != -1);
	reset(SRV_ECHO);
	UNIT_CHECK(q_send(o, 1, &bh, bhlen, qname, 1, 1, 1, 0, 1, 0, 1, 200,
	    test_cb, NULL) != NULL);
	run_until(1, 2000);
	UNIT_CHECK_INT(got.result, UPSTREAM_TIMEOUT);
	run_until(99, 50);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.tcp_open, 0);
	UNIT_CHECK_INT(st.timeouts, 1);
	/* A server that closes without answering: UPSTREAM_ERROR. */
	reset(SRV_SILENT);
	UNIT_CHECK(q_send(o, 1, &srv.addr, srv.addrlen, qname, 1, 1, 1, 0, 1,
	    0, 1, 2000, test_cb, NULL) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.result, UPSTREAM_ERROR);
	outnet_delete(o);
	close(bhfd);
}

/** TCP to a closed port: UPSTREAM_ERROR. */
static void
test_outnet_tcp_refused(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct sockaddr_storage a;
	socklen_t al = sizeof(a);
	int fd;

	settings(&s);
	o = outnet_create(base, &s);
	/* Find a free port: bind, note it, close. */
	comm_addr_from_str("127.0.0.1", 0, &a, &al);
	fd = comm_open_socket(&a, al, SOCK_STREAM, 0, 0, 0);
	UNIT_CHECK(fd != -1);
	al = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &al);
	close(fd);
	reset(SRV_ECHO);
	UNIT_CHECK(q_send(o, 1, &a, al, qname, 1, 1, 1, 0, 1, 0, 1, 2000,
	    test_cb, NULL) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.n, 1);
	UNIT_CHECK_INT(got.result, UPSTREAM_ERROR);
	outnet_delete(o);
}

/** Cancel: no callback, sockets freed; delete with queries pending. */
static void
test_outnet_cancel(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct outnet_stats st;
	struct outnet_query *q;
	struct sockaddr_storage bh;
	socklen_t bhlen;
	int bhfd = blackhole_tcp(&bh, &bhlen);

	UNIT_CHECK(bhfd != -1);
	settings(&s);
	o = outnet_create(base, &s);
	reset(SRV_SILENT);
	q = ask(o, 0, 100);
	UNIT_CHECK(q != NULL);
	outnet_cancel(q);
	reset(SRV_ECHO);
	q = ask(o, 0, 100);
	outnet_cancel(q);
	q = q_send(o, 1, &srv.addr, srv.addrlen, qname, 1, 1, 1, 0, 1, 0, 1,
	    100, test_cb, NULL);
	UNIT_CHECK(q != NULL);
	outnet_cancel(q);
	outnet_cancel(NULL);
	run_until(1, 400);
	UNIT_CHECK_INT(got.n, 0);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.udp_open, 0);
	/* Pending queries of every kind at delete: freed, no callback. */
	reset(SRV_SILENT);
	UNIT_CHECK(ask(o, 0, 1000) != NULL);
	UNIT_CHECK(q_send(o, 1, &bh, bhlen, qname, 1, 1, 1, 0, 1, 0, 1, 1000,
	    test_cb, NULL) != NULL);
	run_until(1, 50);
	outnet_delete(o);
	UNIT_CHECK_INT(got.n, 0);
	close(bhfd);
}

/** outgoing-range: at the cap queries wait in the FIFO; past the wait
 * bound they fail at once; all waiting ones are answered. */
static void
test_outnet_range_cap(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct outnet_stats st;
	struct outnet_query *q[5];
	int i;

	settings(&s);
	s.num_ports = 2;
	s.queue_max = 3;
	o = outnet_create(base, &s);
	reset(SRV_ECHO);
	for (i = 0; i < 5; i++) {
		q[i] = ask(o, 0, 2000);
		UNIT_CHECK(q[i] != NULL);
	}
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.udp_open, 2);
	UNIT_CHECK_INT(st.udp_waiting, 3);
	UNIT_CHECK(ask(o, 0, 2000) == NULL);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.refused, 1);
	/* Cancelling a waiting one frees its place in the queue. */
	outnet_cancel(q[4]);
	UNIT_CHECK((q[4] = ask(o, 0, 2000)) != NULL);
	run_until(5, 3000);
	UNIT_CHECK_INT(got.per_result[UPSTREAM_OK], 5);
	UNIT_CHECK_INT(srv.nrec, 5);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.udp_open, 0);
	UNIT_CHECK_INT(st.udp_waiting, 0);
	outnet_delete(o);
}

/** One permitted port: one socket at a time, the others wait for it. */
static void
test_outnet_one_port(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct outnet_stats st;
	struct outnet_port_range one;
	struct sockaddr_storage a;
	socklen_t al;
	int fd, i;

	/* A port that was free a moment ago. */
	UNIT_CHECK(comm_addr_from_str("127.0.0.1", 0, &a, &al) == 0);
	fd = comm_open_socket(&a, al, SOCK_DGRAM, 0, 0, 0);
	UNIT_CHECK(fd != -1);
	al = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &al);
	close(fd);
	one.lo = one.hi = addr_port(&a);
	settings(&s);
	s.permit = &one;
	s.num_permit = 1;
	o = outnet_create(base, &s);
	UNIT_CHECK(o != NULL);
	reset(SRV_ECHO);
	for (i = 0; i < 3; i++) {
		UNIT_CHECK(ask(o, 0, 2000) != NULL);
	}
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.udp_open, 1);
	UNIT_CHECK_INT(st.udp_waiting, 2);
	run_until(3, 3000);
	UNIT_CHECK_INT(got.per_result[UPSTREAM_OK], 3);
	UNIT_CHECK_INT(srv.nrec, 3);
	for (i = 0; i < srv.nrec; i++) {
		UNIT_CHECK_INT(srv.port[i], one.lo);
	}
	outnet_delete(o);
}

/** State for test_outnet_reentry. */
static struct {
	/** The outside network. */
	struct outside_network *o;
	/** Query cancelled from the first callback. */
	struct outnet_query *victim;
	/** Callbacks with arg "first". */
	int firsts;
} re;

/** Callback that cancels one query and starts another. */
static void
reentry_cb(void *arg, const struct upstream_reply *r)
{
	test_cb(arg, r);
	if (arg == &re && re.firsts++ == 0) {
		outnet_cancel(re.victim);
		re.victim = NULL;
		UNIT_CHECK(ask(re.o, 1, 2000) != NULL);
		UNIT_CHECK(q_send(re.o, 1, &srv.addr, srv.addrlen, qname, 1, 1,
		    0, 0, 0, 0, 0, 2000, test_cb, NULL) != NULL);
	}
}

/** A callback may cancel a waiting query and start new ones. */
static void
test_outnet_reentry(void)
{
	struct outnet_settings s;
	struct outnet_stats st;

	settings(&s);
	s.num_ports = 1;
	s.queue_max = 4;
	re.o = outnet_create(base, &s);
	re.firsts = 0;
	reset(SRV_ECHO);
	UNIT_CHECK(q_send(re.o, 0, &srv.addr, srv.addrlen, qname, 1, 1, 0, 0,
	    0, 0, 0, 2000, reentry_cb, &re) != NULL);
	UNIT_CHECK(ask(re.o, 0, 2000) != NULL);
	re.victim = ask(re.o, 0, 2000);
	UNIT_CHECK(re.victim != NULL);
	/* First, second (waited), then the UDP and TCP ones started in the
	 * callback; the victim never calls back. */
	run_until(4, 3000);
	run_until(5, 100);
	UNIT_CHECK_INT(got.n, 4);
	UNIT_CHECK_INT(got.per_result[UPSTREAM_OK], 4);
	UNIT_CHECK_INT(re.firsts, 1);
	outnet_stats(re.o, &st);
	UNIT_CHECK_INT(st.queries_udp, 4);
	UNIT_CHECK_INT(st.replies, 4);
	outnet_delete(re.o);
}

/** 1 if a UDP socket can be bound on ::1. */
static int
have_ipv6(void)
{
	struct sockaddr_in6 s;
	int fd = socket(AF_INET6, SOCK_DGRAM, 0), ok;

	if (fd == -1) {
		return 0;
	}
	memset(&s, 0, sizeof(s));
	s.sin6_family = AF_INET6;
	s.sin6_addr = in6addr_loopback;
	ok = bind(fd, (struct sockaddr *)&s, sizeof(s)) == 0;
	close(fd);
	return ok;
}

/** IPv6 on ::1 (run only when the host has it). */
static void
test_outnet_ipv6(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct sockaddr_storage a;
	socklen_t al;
	struct comm_point *p6;
	int fd;

	comm_addr_from_str("::1", 0, &a, &al);
	fd = comm_open_socket(&a, al, SOCK_DGRAM, 0, 0, 0);
	UNIT_CHECK(fd != -1);
	al = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &al);
	p6 = comm_point_create_udp(base, fd, 4096, srv_handle, NULL);
	UNIT_CHECK(p6 != NULL);
	settings(&s);
	o = outnet_create(base, &s);
	reset(SRV_ECHO);
	UNIT_CHECK(q_send(o, 0, &a, al, qname, 1, 1, 0, 0, 1, 0, 1, 2000,
	    test_cb, NULL) != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.result, UPSTREAM_OK);
	UNIT_CHECK_INT(got.info.port, srv.port[0]);
	outnet_delete(o);
	/* IPv4 off: IPv4 servers are refused, IPv6 still works. */
	s.do_ip4 = 0;
	o = outnet_create(base, &s);
	UNIT_CHECK(ask(o, 0, 100) == NULL);
	outnet_delete(o);
	comm_point_delete(p6);
}

/** The glue added for the outside network takes NULL and bad sizes. */
static void
test_outnet_netevent_glue(void)
{
	struct comm_tcp_out *c;
	struct comm_timer *t;
	uint8_t big[1];

	comm_timer_delete(NULL);
	comm_timer_disable(NULL);
	comm_fd_delete(NULL);
	comm_tcp_out_delete(NULL);
	t = comm_timer_create(base, watchdog, NULL);
	UNIT_CHECK(t != NULL);
	UNIT_CHECK_INT(comm_timer_set(t, -5), 0);
	watchdog_fired = 0;
	while (!watchdog_fired && comm_base_run_once(base) == 0) {
		/* fires on the next iteration */
	}
	UNIT_CHECK(watchdog_fired);
	comm_timer_delete(t);
	c = comm_tcp_out_create(base, &srv.addr, srv.addrlen, NULL, NULL);
	UNIT_CHECK(c != NULL);
	UNIT_CHECK_INT(comm_tcp_out_send(c, big, 0), RES_EINVAL);
	UNIT_CHECK_INT(comm_tcp_out_send(c, big, 65536), RES_EINVAL);
	UNIT_CHECK_INT(comm_tcp_out_send(c, NULL, 1), RES_EINVAL);
	comm_tcp_out_delete(c);
}

/** Chi-square statistic of counts against an even spread of total. */
static double
chi_square(const unsigned *count, int bins, double expect)
{
	double chi = 0;
	int i;

	for (i = 0; i < bins; i++) {
		double d = count[i] - expect;

		chi += d * d / expect;
	}
	return chi;
}

/**
 * 2000 queries through the outside network: the source ports (as the
 * server sees them) spread over permit 20000-29999 minus avoid
 * 25000-25499, the avoided ports are never used, and IDs spread over
 * 0-65535.  Bounds: chi-square below the 0.999 quantile, no port used
 * more than 6 times, no ID more than 4 times (each far beyond chance).
 */
static void
test_outnet_randomness(void)
{
	static uint8_t port_count[65536], id_count[65536];
	struct outnet_port_range permit = { 20000, 29999 };
	struct outnet_port_range avoid = { 25000, 25499 };
	struct outnet_settings s;
	struct outside_network *o;
	unsigned pbins[20], ibins[16], pb[19];
	int i, n = 2000, outside = 0, avoided = 0, maxp = 0, maxi = 0, ms;

	settings(&s);
	s.num_ports = 200;
	s.queue_max = 2000;
	s.permit = &permit;
	s.num_permit = 1;
	s.avoid = &avoid;
	s.num_avoid = 1;
	o = outnet_create(base, &s);
	reset(SRV_ECHO);
	for (i = 0; i < n; i++) {
		if (!ask(o, 1, 3000)) {
			break;
		}
	}
	UNIT_CHECK_INT(i, n);
	ms = run_until(n, 10000);
	printf("# %d queries answered in %d ms\n", got.n, ms);
	UNIT_CHECK_INT(got.per_result[UPSTREAM_OK], n);
	UNIT_CHECK_INT(srv.nrec, n);
	memset(port_count, 0, sizeof(port_count));
	memset(id_count, 0, sizeof(id_count));
	memset(pbins, 0, sizeof(pbins));
	memset(ibins, 0, sizeof(ibins));
	for (i = 0; i < srv.nrec; i++) {
		uint16_t p = srv.port[i], id = srv.id[i];

		if (p < 20000 || p > 29999) {
			outside++;
			continue;
		}
		if (p >= 25000 && p <= 25499) {
			avoided++;
		}
		pbins[(p - 20000) / 500]++;
		ibins[id / 4096]++;
		if (++port_count[p] > maxp) {
			maxp = port_count[p];
		}
		if (++id_count[id] > maxi) {
			maxi = id_count[id];
		}
	}
	UNIT_CHECK_INT(outside, 0);
	UNIT_CHECK_INT(avoided, 0);
	/* 19 bins of 500 permitted ports each (bin 10 is the avoided one);
	 * 18 degrees of freedom: 0.999 quantile 42.31. */
	for (i = 0; i < 19; i++) {
		pb[i] = pbins[i < 10 ? i : i + 1];
	}
	printf("# ports: chi-square %.2f (19 bins), max uses %d; IDs: "
	    "chi-square %.2f (16 bins), max uses %d\n",
	    chi_square(pb, 19, srv.nrec / 19.0), maxp,
	    chi_square(ibins, 16, srv.nrec / 16.0), maxi);
	UNIT_CHECK(chi_square(pb, 19, srv.nrec / 19.0) < 42.31);
	UNIT_CHECK(maxp <= 6);
	/* 16 bins of 4096 IDs; 15 degrees of freedom: 0.999 quantile
	 * 37.70. */
	UNIT_CHECK(chi_square(ibins, 16, srv.nrec / 16.0) < 37.70);
	UNIT_CHECK(maxi <= 4);
	outnet_delete(o);
}

/** The packet builder: layout, OPT record, DO, flags, small buffers. */
static void
test_outnet_build_query(void)
{
	uint8_t buf[OUTNET_QUERY_MAX];
	size_t ql = sizeof(qname);
	int len;

	len = outnet_build_query(buf, sizeof(buf), 0x1234, qname, ql, 28, 1,
	    MSG_FLAG_RD | MSG_FLAG_CD | 0x8000, 1, 1232, 1);
	UNIT_CHECK_INT(len, 12 + (int)ql + 4 + 11);
	UNIT_CHECK(buf[0] == 0x12 && buf[1] == 0x34);
	UNIT_CHECK(buf[2] == 0x01 && buf[3] == 0x10);	/* QR dropped */
	UNIT_CHECK(buf[5] == 1 && buf[11] == 1);
	UNIT_CHECK(memcmp(buf + 12, qname, ql) == 0);
	UNIT_CHECK(buf[12 + ql + 1] == 28 && buf[12 + ql + 3] == 1);
	UNIT_CHECK(buf[16 + ql] == 0 && buf[18 + ql] == 41);
	UNIT_CHECK_INT(buf[19 + ql] << 8 | buf[20 + ql], 1232);
	UNIT_CHECK_INT(buf[23 + ql], 0x80);	/* DO */
	len = outnet_build_query(buf, sizeof(buf), 1, qname, ql, 1, 1, 0, 0,
	    1232, 0);
	UNIT_CHECK_INT(len, 12 + (int)ql + 4);
	UNIT_CHECK(buf[11] == 0);
	UNIT_CHECK_INT(outnet_build_query(buf, 20, 1, qname, ql, 1, 1, 0, 0,
	    0, 0), RES_ESPACE);
	UNIT_CHECK_INT(outnet_build_query(NULL, 100, 1, qname, ql, 1, 1, 0,
	    0, 0, 0), RES_ESPACE);
}

/** NULL, empty and bad arguments. */
static void
test_outnet_bad_args(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct outnet_stats st;
	struct outnet_port_range all = { 1, 65535 }, r1 = { 5000, 5000 };
	struct sockaddr_storage a;
	socklen_t al;
	/* A compression pointer: not a plain wire name (the name has no
	 * length beside it, so it is judged by its own bytes). */
	uint8_t badname[3] = { 0xc0, 0x0c, 0 };
	uint8_t longlabel[80];

	settings(&s);
	UNIT_CHECK(outnet_create(NULL, &s) == NULL);
	UNIT_CHECK(outnet_create(base, NULL) == NULL);
	s.do_ip4 = s.do_ip6 = 0;
	UNIT_CHECK(outnet_create(base, &s) == NULL);
	settings(&s);
	s.permit = &r1;
	s.num_permit = 1;
	s.avoid = &all;
	s.num_avoid = 1;
	UNIT_CHECK(outnet_create(base, &s) == NULL);
	outnet_delete(NULL);
	outnet_stats(NULL, &st);
	UNIT_CHECK_INT(st.unwanted, 0);
	outnet_stats(NULL, NULL);

	settings(&s);
	s.do_ip6 = 0;
	o = outnet_create(base, &s);
	UNIT_CHECK(o != NULL);
	reset(SRV_ECHO);
	UNIT_CHECK(q_send(NULL, 0, &srv.addr, srv.addrlen, qname, 1, 1, 0, 0,
	    0, 0, 0, 100, test_cb, NULL) == NULL);
	UNIT_CHECK(q_send(o, 0, NULL, 0, qname, 1, 1, 0, 0, 0, 0, 0, 100,
	    test_cb, NULL) == NULL);
	UNIT_CHECK(q_send(o, 0, &srv.addr, srv.addrlen, NULL, 1, 1, 0, 0, 0, 0,
	    0, 100, test_cb, NULL) == NULL);
	UNIT_CHECK(q_send(o, 0, &srv.addr, srv.addrlen, qname, 1, 1, 0, 0, 0,
	    0, 0, 100, NULL, NULL) == NULL);
	UNIT_CHECK(q_send(o, 0, &srv.addr, srv.addrlen, qname, 1, 1, 0, 0, 0,
	    0, 0, 0, test_cb, NULL) == NULL);
	UNIT_CHECK(q_send(o, 0, &srv.addr, 4, qname, 1, 1, 0, 0, 0, 0, 0, 100,
	    test_cb, NULL) == NULL);
	UNIT_CHECK(q_send(o, 1, &srv.addr, srv.addrlen, badname, 1, 1, 0, 0, 0,
	    0, 0, 100, test_cb, NULL) == NULL);
	memset(longlabel, 'a', sizeof(longlabel));
	longlabel[0] = 64;
	UNIT_CHECK(q_send(o, 0, &srv.addr, srv.addrlen, longlabel, 1, 1, 0, 0,
	    0, 0, 0, 100, test_cb, NULL) == NULL);
	/* IPv6 disabled. */
	comm_addr_from_str("::1", 53, &a, &al);
	UNIT_CHECK(q_send(o, 0, &a, al, qname, 1, 1, 0, 0, 0, 0, 0, 100,
	    test_cb, NULL) == NULL);
	UNIT_CHECK(q_send(o, 1, &a, al, qname, 1, 1, 0, 0, 0, 0, 0, 100,
	    test_cb, NULL) == NULL);
	a.ss_family = AF_UNIX;
	UNIT_CHECK(q_send(o, 0, &a, al, qname, 1, 1, 0, 0, 0, 0, 0, 100,
	    test_cb, NULL) == NULL);
	/* The root name is a fine query name. */
	UNIT_CHECK(q_send(o, 0, &srv.addr, srv.addrlen, (const uint8_t *)"", 2,
	    1, 0, 0, 0, 0, 1, 2000, test_cb, NULL)
	    != NULL);
	run_until(1, 3000);
	UNIT_CHECK_INT(got.result, UPSTREAM_OK);
	UNIT_CHECK_INT(got.n, 1);
	outnet_delete(o);
}

/** Callback that cancels its own query when it hears UPSTREAM_SLOW. */
static void
slow_cancel_cb(void *arg, const struct upstream_reply *r)
{
	struct outnet_query **qp = arg;

	test_cb(NULL, r);
	if (r->result == UPSTREAM_SLOW && *qp) {
		outnet_cancel(*qp);
		*qp = NULL;
	}
}

/**
 * Identical questions in flight share one query on the wire: both
 * callers get the reply; a caller that cancels leaves the other one its
 * answer; when both cancel, the query goes off the wire.
 */
static void
test_outnet_shared(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct outnet_stats st;
	struct outnet_query *a, *b;
	uint16_t type = ask_type++;

	settings(&s);
	o = outnet_create(base, &s);
	reset(SRV_ECHO);
	a = q_send(o, 0, &srv.addr, srv.addrlen, qname, type, 1, 0, 0, 1, 1,
	    0, 2000, test_cb, NULL);
	b = q_send(o, 0, &srv.addr, srv.addrlen, qname, type, 1, 0, 0, 1, 1,
	    0, 2000, test_cb, NULL);
	UNIT_CHECK(a != NULL && b != NULL && a != b);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.shared, 1);
	UNIT_CHECK_INT(st.udp_open, 1);
	UNIT_CHECK_INT(st.in_flight, 1);
	run_until(2, 3000);
	UNIT_CHECK_INT(got.per_result[UPSTREAM_OK], 2);
	UNIT_CHECK_INT(srv.nrec, 1);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.in_flight, 0);
	/* Another transport, or other flags: another question. */
	reset(SRV_ECHO);
	a = q_send(o, 0, &srv.addr, srv.addrlen, qname, type, 1, 0, 0, 1, 1,
	    0, 2000, test_cb, NULL);
	b = q_send(o, 0, &srv.addr, srv.addrlen, qname, type, 1, 0, 1, 1, 1,
	    0, 2000, test_cb, NULL);
	run_until(2, 3000);
	UNIT_CHECK_INT(srv.nrec, 2);
	/* One of two cancels: the other still gets the reply. */
	reset(SRV_ECHO);
	a = q_send(o, 0, &srv.addr, srv.addrlen, qname, type, 1, 0, 0, 1, 1,
	    0, 2000, test_cb, NULL);
	b = q_send(o, 0, &srv.addr, srv.addrlen, qname, type, 1, 0, 0, 1, 1,
	    0, 2000, test_cb, NULL);
	outnet_cancel(a);
	run_until(2, 300);
	UNIT_CHECK_INT(got.n, 1);
	UNIT_CHECK_INT(got.result, UPSTREAM_OK);
	/* Both cancel: off the wire, no callback. */
	reset(SRV_SILENT);
	a = q_send(o, 0, &srv.addr, srv.addrlen, qname, type, 1, 0, 0, 1, 1,
	    0, 2000, test_cb, NULL);
	b = q_send(o, 0, &srv.addr, srv.addrlen, qname, type, 1, 0, 0, 1, 1,
	    0, 2000, test_cb, NULL);
	outnet_cancel(b);
	outnet_cancel(a);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.udp_open, 0);
	UNIT_CHECK_INT(st.in_flight, 0);
	run_until(1, 100);
	UNIT_CHECK_INT(got.n, 0);
	outnet_delete(o);
}

/**
 * slow_ms: a query to a silent server reports UPSTREAM_SLOW at the mark
 * and goes on to its timeout; one cancelled from its UPSTREAM_SLOW
 * callback ends there.
 */
static void
test_outnet_slow(void)
{
	struct outnet_settings s;
	struct outside_network *o;
	struct outnet_stats st;
	struct upstream_query uq;
	struct outnet_query *q;
	int ms;

	settings(&s);
	o = outnet_create(base, &s);
	reset(SRV_SILENT);
	memset(&uq, 0, sizeof(uq));
	memcpy(&uq.addr, &srv.addr, srv.addrlen);
	uq.addrlen = srv.addrlen;
	uq.qname = qname;
	uq.qtype = ask_type++;
	uq.qclass = 1;
	uq.slow_ms = 100;
	uq.timeout_ms = 400;
	UNIT_CHECK(outnet_query(o, &uq, test_cb, NULL) != NULL);
	ms = run_until(1, 2000);
	UNIT_CHECK_INT(got.n, 1);
	UNIT_CHECK_INT(got.result, UPSTREAM_SLOW);
	UNIT_CHECK(ms >= 80 && ms < 390);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.udp_open, 1);
	run_until(2, 2000);
	UNIT_CHECK_INT(got.n, 2);
	UNIT_CHECK_INT(got.result, UPSTREAM_TIMEOUT);
	UNIT_CHECK(got.info.rtt_ms >= 380);
	/* Cancelled when slow: nothing more. */
	reset(SRV_SILENT);
	uq.qtype = ask_type++;
	q = outnet_query(o, &uq, slow_cancel_cb, &q);
	UNIT_CHECK(q != NULL);
	run_until(2, 700);
	UNIT_CHECK_INT(got.n, 1);
	UNIT_CHECK_INT(got.per_result[UPSTREAM_SLOW], 1);
	UNIT_CHECK(q == NULL);
	outnet_stats(o, &st);
	UNIT_CHECK_INT(st.udp_open, 0);
	outnet_delete(o);
}

int
main(void)
{
	unit_init("outnet");
	base = comm_base_create();
	if (!base || srv_start() != 0) {
		unit_skip("test_outnet", "cannot open loopback sockets");
		return unit_done();
	}
	UNIT_RUN(test_outnet_build_query);
	UNIT_RUN(test_outnet_reply);
	UNIT_RUN(test_outnet_wrong_id);
	UNIT_RUN(test_outnet_other_source);
	UNIT_RUN(test_outnet_other_question);
	UNIT_RUN(test_outnet_port_unreachable);
	UNIT_RUN(test_outnet_timeout);
	UNIT_RUN(test_outnet_caps);
	UNIT_RUN(test_outnet_tc_formerr);
	UNIT_RUN(test_outnet_tcp);
	UNIT_RUN(test_outnet_tcp_refused);
	UNIT_RUN(test_outnet_cancel);
	UNIT_RUN(test_outnet_range_cap);
	UNIT_RUN(test_outnet_one_port);
	UNIT_RUN(test_outnet_reentry);
	UNIT_RUN(test_outnet_shared);
	UNIT_RUN(test_outnet_slow);
	if (have_ipv6()) {
		UNIT_RUN(test_outnet_ipv6);
	} else {
		unit_skip("test_outnet_ipv6", "no IPv6 loopback (::1)");
	}
	UNIT_RUN(test_outnet_netevent_glue);
	UNIT_RUN(test_outnet_randomness);
	UNIT_RUN(test_outnet_bad_args);
	srv_stop();
	comm_base_delete(base);
	return unit_done();
}
