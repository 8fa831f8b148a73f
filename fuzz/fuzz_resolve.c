/*
 * fuzz/fuzz_resolve.c - fuzz target: upstream replies through the
 * iterator and the validator (iterator/, validator/, services/mesh.c,
 * the caches), on the scripted network of the replay harness.
 *
 * The resolver is built as test/replay.c builds it (and the daemon):
 * daemon_create() from a fixed config, then one worker whose outside
 * network has a wire of this file under it (struct outnet_io) and whose
 * answers to clients come back here (struct worker_seams).  No socket is
 * opened and no real clock is read: the worker's clock is frozen at
 * FUZZ_NOW, inside the validity of the signatures of the seeds.  The
 * config is that of testdata/val_secure.rpl: root hints naming
 * k.root-servers.net (193.0.14.129), the validator in front of the
 * iterator, and as trust anchors the DS of each root key those scenarios
 * are signed with, so a seed made from any of them validates.
 *
 * The input is what the servers say: DNS messages, each with a two-octet
 * length in front as over TCP (RFC 1035 section 4.2.2).  A client asks
 * the question of the first message (www.example.com. A when it has
 * none), with RD and DO.  Then each upstream query, oldest first, gets
 * a message of the input that the outside network would hand to it: QR
 * set, opcode QUERY, and the query's question (name in any case) or no
 * question at all (services/outside_network.c, reply_check(); the ID is
 * not looked at, as on the replay harness's wire).  Of those, the first
 * one not yet used answers, so the root's referral for a question and
 * the answer of the zone's server can follow each other in the input;
 * when every one was used, the first answers again (a query asked
 * anew).  A query no message fits times out.
 * At most FUZZ_MAX_EVENTS replies and timeouts are delivered per input;
 * then the resolver is torn down with what is still pending.  Every
 * answer the resolver gives the client must parse (with FUZZ_LOG set,
 * its rcode and flags are printed: AD shows a seed validated).
 *
 * Each input gets a new resolver (caches, mesh, module chain), so one
 * input never sees what an earlier one left in the caches.
 */
#include "config.h"
#include "fuzz/fuzz.h"
#include "daemon/daemon.h"
#include "daemon/worker.h"
#include "services/modstack.h"
#include "services/outside_network.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/module.h"
#include "util/msg.h"
#include "util/netevent.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <unistd.h>

/** The frozen clock: 2026-11-30, inside the validity of the signatures
 * of testdata/val_*.rpl (2026-01-01 to 2036-12-31). */
#define FUZZ_NOW ((time_t)1796000000)
/** Most replies and timeouts delivered for one input. */
#define FUZZ_MAX_EVENTS 64
/** Most messages read from one input. */
#define FUZZ_MAX_MSGS 64

/** The root hints, written to a temporary file at the first input. */
static const char hints_text[] =
	". 3600000 IN NS k.root-servers.net.\n"
	"k.root-servers.net. 3600000 IN A 193.0.14.129\n";

/** The config; "%s" is the root hints file. */
static const char config_text[] =
	"server:\n"
	"\troot-hints: \"%s\"\n"
	"\tmodule-config: \"validator iterator\"\n"
	"\tqname-minimisation: no\n"
	"\tdo-ip6: no\n"
	"\tnum-threads: 1\n"
	"\trrset-cache-size: 1m\n"
	"\tmsg-cache-size: 1m\n"
	"\tkey-cache-size: 1m\n"
	"\trrset-cache-slabs: 1\n"
	"\tmsg-cache-slabs: 1\n"
	"\tkey-cache-slabs: 1\n"
	"\tinfra-cache-slabs: 1\n"
	"\ttrust-anchor: \". IN DS 33079 13 2 "
	"2a6d54fb3baaccf66f912415b051dd976b130f16b2a3ad51a6f62a398f5a34c0\"\n"
	"\ttrust-anchor: \". IN DS 18853 13 2 "
	"7a70bcd47a7373089aa8d245d930e766abf376f2bc6a22540a665bc782314e07\"\n"
	"\ttrust-anchor: \". IN DS 34316 13 2 "
	"6ac4f0210dbb2a3be93300f9e527ed1e887b2ca93bc7fa5f33a22aa7ca24f2f3\"\n"
	"\ttrust-anchor: \". IN DS 60088 13 2 "
	"74fdf0c5f166c3f8cf6dd364122919bbf2e739df39eabd6070015b633050c58d\"\n"
	"\ttrust-anchor: \". IN DS 56493 13 2 "
	"b85a1fa53e93ccfb33f0fa4f7e2a72aba6adba6ad83c0ebfd96211547dddbe7b\"\n";

/** The temporary root hints file, or "" before the first input. */
static char hints_file[256];

/** A query on the wire. */
struct fuzz_query {
	/** Next pending query, oldest first. */
	struct fuzz_query *next;
	/** Its question (name as sent). */
	uint8_t qname[DNAME_MAXLEN];
	/** Type and class. */
	uint16_t qtype, qclass;
	/** Over TCP. */
	int tcp;
	/** The callback and its argument. */
	outnet_cb cb;
	/** Its argument. */
	void *cbarg;
};

/** The state of one input. */
struct fuzz_run {
	/** The messages of the input (each malloced to its exact size,
	 * so a read past one is caught). */
	uint8_t *msg[FUZZ_MAX_MSGS];
	/** Their lengths. */
	size_t len[FUZZ_MAX_MSGS];
	/** 1 once a message answered a query. */
	int used[FUZZ_MAX_MSGS];
	/** Their number. */
	size_t nmsg;
	/** Queries pending, oldest first. */
	struct fuzz_query *pending;
	/** The daemon's state. */
	struct daemon *d;
	/** The worker. */
	struct worker *w;
	/** Client answers received. */
	int answers;
};

/** Remove the root hints file at exit. */
static void
remove_hints(void)
{
	if (hints_file[0]) {
		(void)unlink(hints_file);
	}
}

/** Write the root hints file, once.  0 or -1. */
static int
write_hints(void)
{
	const char *dir = getenv("TMPDIR");
	size_t len = sizeof(hints_text) - 1;
	int fd;

	if (hints_file[0]) {
		return 0;
	}
	snprintf(hints_file, sizeof(hints_file), "%s/fuzz-hints.XXXXXX",
	    dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(hints_file)) < 0) {
		hints_file[0] = '\0';
		return -1;
	}
	atexit(remove_hints);
	if (write(fd, hints_text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/** The wire's send (struct outnet_io): queue the query. */
static struct outnet_wire *
fuzz_send(void *arg, const struct upstream_query *uq, outnet_cb cb,
    void *cbarg)
{
	struct fuzz_run *run = arg;
	struct fuzz_query *q, **pp;
	size_t len;

	if (dname_check(uq->qname, DNAME_MAXLEN, &len) != RES_OK) {
		/* The outside network checks the name first. */
		abort();
	}
	if (!(q = calloc(1, sizeof(*q)))) {
		return NULL;
	}
	memcpy(q->qname, uq->qname, len);
	q->qtype = uq->qtype;
	q->qclass = uq->qclass;
	q->tcp = uq->tcp;
	q->cb = cb;
	q->cbarg = cbarg;
	for (pp = &run->pending; *pp; pp = &(*pp)->next) {
	}
	*pp = q;
	/* The handle is our own query; only this file converts it back. */
	return (struct outnet_wire *)(void *)q;
}

/** Unlink a pending query; 1 when it was pending. */
static int
unlink_query(struct fuzz_run *run, struct fuzz_query *q)
{
	struct fuzz_query **pp;

	for (pp = &run->pending; *pp; pp = &(*pp)->next) {
		if (*pp == q) {
			*pp = q->next;
			return 1;
		}
	}
	return 0;
}

/** The wire's cancel. */
static void
fuzz_cancel(void *arg, struct outnet_wire *w)
{
	struct fuzz_query *q = (struct fuzz_query *)(void *)w;

	if (!unlink_query(arg, q)) {
		/* A cancel of a query that is not pending. */
		abort();
	}
	free(q);
}

/** The mesh's answer to the client: it must parse. */
static int
fuzz_answer(void *arg, const struct comm_reply *rep, const uint8_t *msg,
    size_t len)
{
	static struct dns_msg m;
	struct fuzz_run *run = arg;

	if (msg_parse(&m, msg, len) != RES_OK) {
		abort();
	}
	if (getenv("FUZZ_LOG")) {
		fprintf(stderr, "fuzz: answer rcode %d flags 0x%04x, %zu RRs\n",
		    m.rcode, m.flags, m.nrr);
	}
	run->answers++;
	return RES_OK;
}

/** 1 when the outside network would hand message i to q. */
static int
fits(const struct fuzz_run *run, size_t i, const struct fuzz_query *q)
{
	const uint8_t *p = run->msg[i];
	uint8_t name[DNAME_MAXLEN];
	size_t len = run->len[i], pos = 12, namelen;
	uint16_t flags;

	if (len < 12) {
		return 0;
	}
	flags = wire_get16(p + 2);
	if (!(flags & MSG_FLAG_QR) || MSG_OPCODE(flags) != MSG_OPCODE_QUERY) {
		return 0;
	}
	if (wire_get16(p + 4) == 0) {
		return 1;
	}
	if (wire_get16(p + 4) != 1 ||
	    dname_unpack(p, len, &pos, name, &namelen) != 0 ||
	    pos + 4 > len) {
		return 0;
	}
	return wire_get16(p + pos) == q->qtype &&
	    wire_get16(p + pos + 2) == q->qclass && dname_equal(name, q->qname);
}

/** Give the oldest pending query its reply, or a timeout.  0, or -1 when
 * nothing is pending. */
static int
deliver_one(struct fuzz_run *run)
{
	struct fuzz_query *q = run->pending;
	struct upstream_reply r;
	outnet_cb cb;
	void *cbarg;
	size_t i, pick = FUZZ_MAX_MSGS;

	if (!q) {
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.result = UPSTREAM_TIMEOUT;
	r.rtt_ms = 10;
	r.is_tcp = q->tcp;
	for (i = 0; i < run->nmsg; i++) {
		if (fits(run, i, q)) {
			if (pick == FUZZ_MAX_MSGS) {
				pick = i;
			}
			if (!run->used[i]) {
				pick = i;
				break;
			}
		}
	}
	if (pick < FUZZ_MAX_MSGS) {
		run->used[pick] = 1;
		r.result = UPSTREAM_OK;
		r.pkt = run->msg[pick];
		r.len = run->len[pick];
	}
	cb = q->cb;
	cbarg = q->cbarg;
	(void)unlink_query(run, q);
	free(q);
	cb(cbarg, &r);
	return 0;
}

/** Cut the input into messages. */
static void
split(struct fuzz_run *run, const uint8_t *data, size_t size)
{
	size_t pos = 0, len;

	while (run->nmsg < FUZZ_MAX_MSGS && pos + 2 <= size) {
		len = wire_get16(data + pos);
		pos += 2;
		if (len > size - pos) {
			len = size - pos;
		}
		if (!(run->msg[run->nmsg] = malloc(len ? len : 1))) {
			return;
		}
		memcpy(run->msg[run->nmsg], data + pos, len);
		run->len[run->nmsg++] = len;
		pos += len;
	}
}

/** Create the resolver.  0 or -1. */
static int
setup(struct fuzz_run *run)
{
	struct worker_seams seams;
	struct outnet_io io;
	struct config *cfg;
	struct timeval tv;
	char text[sizeof(config_text) + sizeof(hints_file)];

	if (write_hints() != 0 || !(cfg = config_create())) {
		return -1;
	}
	snprintf(text, sizeof(text), config_text, hints_file);
	if (config_read_string(cfg, text, "fuzz.conf") != RES_OK) {
		/* The fixed config must read. */
		abort();
	}
	/* The daemon owns the config from here, also on failure. */
	if (!(run->d = daemon_create(cfg, NULL))) {
		return -1;
	}
	memset(&io, 0, sizeof(io));
	io.arg = run;
	io.send = fuzz_send;
	io.cancel = fuzz_cancel;
	memset(&seams, 0, sizeof(seams));
	seams.io = &io;
	seams.reply = fuzz_answer;
	seams.reply_arg = run;
	seams.deterministic = 1;
	if (!(run->w = worker_create(run->d, 0, NULL, 0, NULL, 0, &seams))) {
		return -1;
	}
	tv.tv_sec = FUZZ_NOW;
	tv.tv_usec = 0;
	comm_base_set_time(run->w->base, &tv);
	run->w->res->now = FUZZ_NOW;
	return 0;
}

/** Free everything of an input. */
static void
teardown(struct fuzz_run *run)
{
	size_t i;

	/* The worker first: its mesh cancels what it has in flight. */
	worker_delete(run->w);
	while (run->pending) {
		struct fuzz_query *q = run->pending;

		run->pending = q->next;
		free(q);
	}
	daemon_delete(run->d);
	for (i = 0; i < run->nmsg; i++) {
		free(run->msg[i]);
	}
}

/** The client's query: the question of the first message, or
 * www.example.com. A.  Returns its length, 0 when it cannot be made. */
static size_t
client_query(const struct fuzz_run *run, uint8_t *pkt, size_t cap)
{
	static struct dns_msg m;
	static const uint8_t www[] = "\003www\007example\003com";
	struct msg_writer w;
	struct msg_edns_out eo;
	const uint8_t *qname = www;
	uint16_t qtype = RR_TYPE_A;
	size_t len;

	if (run->nmsg > 0 && msg_parse_query(&m, run->msg[0],
	    run->len[0]) != RES_EINVAL && m.have_question) {
		qname = m.qname;
		qtype = m.qtype;
	}
	msg_writer_init(&w, pkt, cap);
	memset(&eo, 0, sizeof(eo));
	eo.udp_size = MSG_EDNS_SIZE;
	eo.do_bit = 1;
	if (msg_writer_header(&w, 0x4242, MSG_FLAG_RD, 0) != RES_OK ||
	    msg_writer_question(&w, qname, qtype, RR_CLASS_IN) != RES_OK ||
	    msg_writer_edns(&w, &eo) != RES_OK ||
	    msg_writer_finish(&w, &len) != RES_OK) {
		return 0;
	}
	return len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[512], out[MSG_MAX_LEN];
	static struct dns_msg m;
	struct fuzz_run run;
	struct comm_reply rep;
	struct sockaddr_in *sin = (struct sockaddr_in *)&rep.addr;
	int n;

	fuzz_quiet();
	memset(&run, 0, sizeof(run));
	split(&run, data, size);
	if (setup(&run) != 0) {
		teardown(&run);
		return 0;
	}
	memset(&rep, 0, sizeof(rep));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(0x7f000001);
	sin->sin_port = htons(53000);
	rep.addrlen = sizeof(*sin);
	rep.conn_id = 1;
	rep.query = pkt;
	rep.query_len = client_query(&run, pkt, sizeof(pkt));
	rep.reply = out;
	rep.reply_cap = sizeof(out);
	if (rep.query_len > 0 &&
	    worker_handle_query(run.w, &rep) == COMM_REPLY_SEND &&
	    msg_parse(&m, rep.reply, rep.reply_len) != RES_OK) {
		abort();
	}
	for (n = 0; n < FUZZ_MAX_EVENTS; n++) {
		if (deliver_one(&run) != 0) {
			break;
		}
	}
	teardown(&run);
	return 0;
}
