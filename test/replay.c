/*
 * test/replay.c - the replay harness: runs the daemon's whole per-packet
 * path (worker_handle_query(): access control, local zones, the cache,
 * the mesh, the real modules) against a scripted network and a scripted
 * clock.
 *
 * Usage: replay [-v] [-t] file.rpl ...
 * Each scenario is run in a fresh resolver (new caches, new mesh).  The
 * result is printed as one line per file, "PASS file: title" or
 * "FAIL file: title", followed on failure by the first difference found
 * ("step 30 (line 81) CHECK_ANSWER: ...", expected against got).  The
 * exit status is 0 when every file passed, 1 when one failed, 2 for bad
 * usage or a scenario that cannot be read.  -v prints a trace of every
 * step, upstream query, scripted reply, timeout and client answer on
 * stdout, and turns the resolver's own log up to algorithm level (on
 * stderr).  -t only reads each file and prints its TODO reason (an
 * empty line when it has none).  test/replay.sh turns the results into
 * TAP.
 *
 * The resolver is built as the daemon builds it: the config is read,
 * daemon_create() makes the access list, local zones, caches, hints,
 * forward and stub zones, trust anchors and the module chain, and
 * worker_create() makes a worker whose resolver (services/modstack.h)
 * has a scripted wire under its outside network (struct outnet_io) and
 * hands the mesh's answers to the harness (struct worker_seams).  Client
 * queries go in through worker_handle_query(), from 127.0.0.1.
 *
 * Determinism.  Nothing reads the real clock or the network: the
 * worker's event base has a frozen clock that only the harness moves
 * (starting at 1000000000, or at the scenario's NOW, and moved only by
 * TIME_PASSES: signatures are checked against it); the wire puts queries
 * into a FIFO; the resolver is deterministic (no server is explored at
 * random); every scripted reply gets an RTT of 10 ms.  The same file
 * gives the same run.  The sharing of identical upstream queries is the
 * outside network's, above the wire: a question asked by two query
 * states while it is pending is one query here.
 *
 * The scenario format (in the spirit of the .rpl files of Unbound and
 * Deckard; written for resolute's behaviour).  One directive per line;
 * blank lines and lines starting with ';' are ignored; names are
 * absolute; a line is at most 4094 octets.
 *
 *	SCENARIO_BEGIN title text
 *	TODO reason		optional: the scenario shows a behaviour
 *				not there yet; replay.sh reports it as a
 *				TAP TODO (expected to fail)
 *	NOW seconds		optional: the clock at the start (POSIX
 *				time), e.g. inside the validity period of
 *				the scenario's signatures
 *	FAULT_ANSWERS any	optional: in the fault mode (below) an
 *				answer to the question asked is enough;
 *				for scenarios whose answers hang on soft
 *				state such as rate counters, which a
 *				failed allocation loses as an eviction
 *				would (the query is then let through)
 *	CONFIG			resolute.conf lines up to CONFIG_END; the
 *	...			harness prepends "server:", "root-hints:"
 *	CONFIG_END		(the file below) and module-config
 *				"iterator", which a module-config line
 *				of the section replaces ("validator
 *				iterator" runs the validator in front;
 *				its trust-anchor and domain-insecure
 *				lines are read as the daemon does; so
 *				are stub-zone and forward-zone clauses,
 *				which must come last)
 *	ROOT_HINTS		zone-file lines up to ROOT_HINTS_END,
 *	...			written to a temporary file that is the
 *	ROOT_HINTS_END		root-hints: of the run
 *	AUTOTRUST		optional: DNSKEY and DS lines up to
 *	...			AUTOTRUST_END, written to a temporary
 *	AUTOTRUST_END		auto-trust-anchor-file of the run (RFC
 *				5011); its probes start at the start and
 *				after each TIME_PASSES, as the daemon's
 *				timer starts them
 *	RANGE_BEGIN start end	scripted servers, used while the step
 *	ADDRESS a.b.c.d		number is within [start, end]; one or more
 *	ENTRY_BEGIN ...		ADDRESS lines (IPv4 or IPv6; none: any
 *	RANGE_END		address), then entries
 *	STEP n QUERY name type [DO] [CD] [AD] [NORD] [HOLD] [TCP]
 *		[FROM address]
 *				a client query (RD set unless NORD; DO adds
 *				EDNS with the DO bit; CD and AD set those
 *				header bits); the scripted servers answer
 *				before the next step, except with HOLD: then
 *				the next QUERY is sent while this one waits
 *				(the client is 127.0.0.1, or the FROM
 *				address, for access control; TCP: over TCP,
 *				no UDP size limit)
 *	STEP n CHECK_OUT_QUERY address name type [tcp|udp] [edns|noedns]
 *				[caps|nocaps]
 *				the next upstream query sent (in sending
 *				order, counted from the start of the run)
 *				must go to that address with that question
 *				(name compared without case) and options
 *	STEP n CHECK_NO_OUT_QUERY
 *				every upstream query sent so far was checked
 *	STEP n SKIP_OUT_QUERIES	every upstream query sent so far counts as
 *				checked (a run whose exact query order is
 *				not the point, e.g. the validator's DS and
 *				DNSKEY subqueries)
 *	STEP n CHECK_ANSWER	followed by an entry: the oldest client
 *				answer not yet checked must match it
 *	STEP n TIME_PASSES ELAPSE s
 *				the clock moves s seconds (three decimals
 *				at most: 0.5 is half a second); every query
 *				pending at the start of the step whose slow
 *				mark (ms) is at most s * 1000 is told it is
 *				slow (UPSTREAM_SLOW, once), then every one
 *				whose timeout (ms) is at most s * 1000 times
 *				out; then the clients' deadlines run
 *				(answer-timeout, serve-expired)
 *	STEP n TIMEOUT [address]
 *				the oldest pending query (to that address)
 *				times out now; the clock does not move
 *	STEP n CHECK_SIG_CHECKS max
 *				the signature verifications done since the
 *				previous CHECK_SIG_CHECKS (or the start)
 *				are at most max (a work bound)
 *	STEP n CHECK_PENDING count
 *				exactly count upstream queries are pending
 *	STEP n CHECK_AUTOTRUST keytag STATE
 *				the RFC 5011 state of the key with that key
 *				tag (VALID, ADDPEND, ..., or none)
 *	STEP n CHECK_AUTOTRUST_FILE text
 *				a line of the state file contains text
 *	STEP n CHECK_STAT name min max
 *				a counter is within [min, max]: queries
 *				(upstream queries sent in all), shared
 *				(joined an identical one in flight),
 *				jostled, dropped_full, budget_exceeded,
 *				target_limit, parent_fallback,
 *				target_refetch,
 *				caps_mismatch, suspect,
 *				tcp_escalated (asked again over TCP after
 *				a sign of spoofing), caps_disabled,
 *				tcp_servers, cmp_compared, cmp_agreed,
 *				cmp_pool, cmp_majority, cmp_failed,
 *				cmp_single (query-compare),
 *				aggressive_nxdomain, aggressive_nodata,
 *				aggressive_wildcard,
 *				ratelimited (upstream queries not sent:
 *				ratelimit), ratelimit_passed (sent over
 *				it, 1 in ratelimit-factor),
 *				ip_ratelimited (client queries dropped by
 *				ip-ratelimit), ip_ratelimited_tc (answered
 *				empty with TC instead),
 *				stale (answers from expired data),
 *				answer_timeout (SERVFAIL at answer-timeout),
 *				prefetch (background refreshes started),
 *				background_dropped (ended with their last
 *				client at answer-timeout: mesh too full),
 *				answers (client answers not yet checked)
 *	STEP n TRACE name type	a trace of the question (what
 *				resolute-control trace runs): the scripted
 *				servers answer until it ends
 *	STEP n CHECK_TRACE text	a line of the last trace's output
 *				contains text (the rest of the line)
 *	SCENARIO_END
 *
 * An entry:
 *	ENTRY_BEGIN
 *	MATCH opcode qtype qname [subdomain] [tcp] [udp] [edns] [noedns]
 *	ADJUST copy_id [copy_query] [caps_mismatch] [suspect] [no_question]
 *	REPLY QR AA TC RD RA AD CD NOERROR|NXDOMAIN|SERVFAIL|FORMERR|...
 *	EDE code|none|any	(CHECK_ANSWER only) the EDE info code the
 *				answer must carry (RFC 8914); none: it
 *				must carry no EDE option; any: it must
 *				carry one, whatever its code
 *	SECTION QUESTION
 *	name [class] type
 *	SECTION ANSWER | AUTHORITY | ADDITIONAL
 *	owner ttl class type rdata	(zone-file syntax)
 *	ENTRY_END
 * In a range, MATCH says what an upstream query must have for the entry
 * to answer it: qname and qtype compare with the entry's question (no
 * question: anything), subdomain accepts any name at or below it, tcp /
 * udp the transport, edns / noedns whether the query had an OPT record
 * (opcode is always QUERY and only read for compatibility).  The first
 * entry in file order whose range covers the step and the address, and
 * whose MATCH fits, answers.  Its reply carries the entry's question
 * when it has one, else the query's (ADJUST copy_query forces the
 * query's); an OPT record is added when the query had one, except to a
 * FORMERR (a server that does not know EDNS).  copy_id is implied (the
 * scripted network hands replies straight to the waiting query: ID and
 * port checks are the outside network's, tested in test/test_outnet.c).
 * ADJUST caps_mismatch delivers the reply as UPSTREAM_CAPS_MISMATCH when
 * the query used 0x20, as the outside network does for a reply that
 * does not echo the capitalisation.  ADJUST suspect makes a UDP query end
 * with UPSTREAM_SUSPECT (no packet), as the outside network does when a
 * packet from the server's address is not the reply (a forger guessing
 * IDs); a TCP query gets the reply.  ADJUST no_question leaves the
 * question section out of the reply.
 *
 * When the network runs.  After a QUERY, TIMEOUT or TIME_PASSES step the
 * harness answers pending upstream queries, oldest first, for as long as
 * one of them has a matching entry (the answers cause new queries, which
 * are answered in turn; at most 10000 deliveries per step).  A query with
 * no matching entry stays pending, as a server that does not answer,
 * until a TIMEOUT or TIME_PASSES step ends it with UPSTREAM_TIMEOUT.
 *
 * In CHECK_ANSWER, MATCH lists what is compared: all (the default, also
 * when MATCH is absent) is flags, rcode, question, answer, authority and
 * additional; ttl compares TTLs too (else they are ignored).  Flags
 * compared are QR AA TC RD RA AD CD: exactly those in REPLY must be set.
 * Sections are compared as sets of RRs (owner without case, type, class,
 * RDATA; the OPT record is not part of them).  At SCENARIO_END every
 * client answer must have been checked.
 *
 * The validator.  With module-config "validator iterator" the chain,
 * the trust anchors (env->anchors), the key cache and the stub and
 * forward zones are set up as the daemon does; AD in REPLY is then the
 * validator's verdict, and EDE its reason.  The signed scenarios
 * (testdata/val_*.rpl) are written by contrib/testworld/make-val-scenarios
 * with real signatures valid from 2026 to 2036; they set NOW inside.
 */
#include "config.h"
#include "daemon/daemon.h"
#include "daemon/trace.h"
#include "daemon/worker.h"
#include "services/anchor_probe.h"
#include "services/mesh.h"
#include "services/modstack.h"
#include "services/outside_network.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/log.h"
#include "util/module.h"
#include "util/msg.h"
#include "util/netevent.h"
#include "util/rdata.h"
#include "util/reply.h"
#include "util/rrtype.h"
#include "validator/autotrust.h"
#include "validator/trust_anchor.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** The clock at the start of a scenario without a NOW line. */
#define REPLAY_START_TIME 1000000000
/** RTT reported for every scripted reply, ms. */
#define REPLAY_RTT 10
/** Most replies delivered in one step (a resolver in a loop stops). */
#define REPLAY_MAX_DELIVER 10000
/** Addresses one range may list. */
#define REPLAY_MAX_ADDR 16
/** Longest line of a scenario. */
#define REPLAY_LINE 4096
/** Length of a failure message. */
#define REPLAY_ERRLEN 8192

/** One RR of an entry (a question when rdata is NULL). */
struct rpl_rr {
	/** Owner, wire form. */
	uint8_t owner[DNAME_MAXLEN];
	/** Type and class. */
	uint16_t type, rclass;
	/** TTL. */
	uint32_t ttl;
	/** Section: enum msg_section. */
	int section;
	/** Uncompressed RDATA (heap). */
	uint8_t *rdata;
	/** Its length. */
	size_t rdlen;
};

/** rpl_entry.ede of "EDE none". */
#define RPL_EDE_NONE (-2)
/** rpl_entry.ede of "EDE any". */
#define RPL_EDE_ANY (-3)

/** MATCH keywords. */
#define RPL_M_QNAME	0x0001
#define RPL_M_QTYPE	0x0002
#define RPL_M_SUBDOMAIN	0x0004
#define RPL_M_TCP	0x0008
#define RPL_M_UDP	0x0010
#define RPL_M_EDNS	0x0020
#define RPL_M_NOEDNS	0x0040
#define RPL_M_FLAGS	0x0100
#define RPL_M_RCODE	0x0200
#define RPL_M_QUESTION	0x0400
#define RPL_M_ANSWER	0x0800
#define RPL_M_AUTHORITY	0x1000
#define RPL_M_ADDITIONAL 0x2000
#define RPL_M_TTL	0x4000
#define RPL_M_ALL	(RPL_M_FLAGS | RPL_M_RCODE | RPL_M_QUESTION | \
	RPL_M_ANSWER | RPL_M_AUTHORITY | RPL_M_ADDITIONAL)

/** An entry: a scripted reply, or an expected client answer. */
struct rpl_entry {
	/** Next entry of the range. */
	struct rpl_entry *next;
	/** Line of ENTRY_BEGIN. */
	int line;
	/** RPL_M_* bits; 0 when there was no MATCH line. */
	unsigned match;
	/** ADJUST copy_query. */
	int copy_query;
	/** ADJUST caps_mismatch. */
	int caps_mismatch;
	/** ADJUST suspect. */
	int suspect;
	/** ADJUST no_question. */
	int no_question;
	/** Header flags of REPLY. */
	uint16_t flags;
	/** Rcode of REPLY. */
	int rcode;
	/** 1 when there is a question. */
	int have_q;
	/** The question. */
	struct rpl_rr q;
	/** CHECK_ANSWER: expected EDE info code (RFC 8914), -1 (not
	 * checked), RPL_EDE_NONE (must have none) or RPL_EDE_ANY. */
	int ede;
	/** The RRs, all sections. */
	struct rpl_rr *rrs;
	/** Their number. */
	size_t nrr;
};

/** A range of scripted servers. */
struct rpl_range {
	/** Next range. */
	struct rpl_range *next;
	/** Steps it is used in. */
	int start, end;
	/** Addresses it answers for (none: any). */
	struct sockaddr_storage addr[REPLAY_MAX_ADDR];
	/** Their number. */
	int naddr;
	/** Entries, in file order. */
	struct rpl_entry *entries;
};

/** Kinds of steps. */
enum rpl_step_type {
	RPL_QUERY,
	RPL_CHECK_OUT_QUERY,
	RPL_CHECK_NO_OUT_QUERY,
	RPL_CHECK_ANSWER,
	RPL_TIME_PASSES,
	RPL_TIMEOUT,
	RPL_CHECK_SIG_CHECKS,
	RPL_SKIP_OUT_QUERIES,
	RPL_CHECK_PENDING,
	RPL_CHECK_STAT,
	RPL_TRACE,
	RPL_CHECK_TRACE,
	RPL_CHECK_AUTOTRUST,
	RPL_CHECK_AUTOTRUST_FILE
};

/** A step. */
struct rpl_step {
	/** Next step. */
	struct rpl_step *next;
	/** Its number. */
	int num;
	/** Its line. */
	int line;
	/** What it does. */
	enum rpl_step_type type;
	/** Question of QUERY and CHECK_OUT_QUERY. */
	uint8_t qname[DNAME_MAXLEN];
	/** Its type. */
	uint16_t qtype;
	/** QUERY: header flags (RD, CD); CHECK_OUT_QUERY: unused. */
	uint16_t flags;
	/** QUERY: DO (and EDNS). */
	int do_bit;
	/** QUERY HOLD: leave the network alone, so the next QUERY runs
	 * while this one still waits (queries in flight together). */
	int hold;
	/** QUERY TCP: the client asks over TCP (no UDP size limit). */
	int client_tcp;
	/** Address of CHECK_OUT_QUERY / TIMEOUT; QUERY FROM's client. */
	struct sockaddr_storage addr;
	/** 1 when addr is set. */
	int have_addr;
	/** CHECK_OUT_QUERY options: -1 not checked, else 0 / 1. */
	int tcp, edns, caps;
	/** TIME_PASSES milliseconds; CHECK_SIG_CHECKS the most allowed;
	 * CHECK_PENDING and CHECK_STAT the least. */
	long elapse;
	/** CHECK_STAT: the most. */
	long max;
	/** CHECK_STAT: the counter; CHECK_TRACE: the text. */
	char text[256];
	/** CHECK_ANSWER: the expected answer. */
	struct rpl_entry *entry;
};

/** A scenario. */
struct rpl_scenario {
	/** File name. */
	const char *file;
	/** Title. */
	char title[256];
	/** TODO reason, or empty. */
	char todo[256];
	/** Clock at the start (NOW, else REPLAY_START_TIME). */
	time_t start;
	/** FAULT_ANSWERS any: in the fault mode, any answer will do. */
	int fault_any_answer;
	/** CONFIG text (heap). */
	char *config;
	/** ROOT_HINTS text (heap). */
	char *hints;
	/** AUTOTRUST text (heap), or NULL. */
	char *autotrust;
	/** Ranges. */
	struct rpl_range *ranges;
	/** Steps, in order. */
	struct rpl_step *steps;
};

/** A query sent upstream, pending or logged. */
struct fake_query {
	/** Next pending query. */
	struct fake_query *next;
	/** Sequence number from 1. */
	int seq;
	/** Where to. */
	struct sockaddr_storage addr;
	/** Its length. */
	socklen_t addrlen;
	/** Question (as the iterator gave it). */
	uint8_t qname[DNAME_MAXLEN];
	/** Type and class. */
	uint16_t qtype, qclass;
	/** Options. */
	int tcp, edns, do_bit, cd, caps, timeout_ms, slow_ms;
	/** 1 once told it is slow. */
	int slow_told;
	/** Callback. */
	outnet_cb cb;
	/** Its argument. */
	void *cbarg;
};

/** A client answer captured from the mesh. */
struct fake_answer {
	/** Next answer, oldest first. */
	struct fake_answer *next;
	/** The conn_id of the query (its step number). */
	uint64_t step;
	/** The message (heap). */
	uint8_t *pkt;
	/** Its length. */
	size_t len;
};

/** The state of one run. */
struct replay {
	/** The scenario. */
	struct rpl_scenario *sc;
	/** -v. */
	int verbose;
	/** The step being run. */
	int cur_step;
	/** The clock: seconds, and milliseconds (0-999) past them. */
	time_t now;
	/** The milliseconds. */
	long now_ms;
	/** Pending queries, oldest first. */
	struct fake_query *pending;
	/** Every query sent (copies, callback fields unused). */
	struct fake_query *log;
	/** Entries used in log and allocated. */
	size_t nlog, caplog;
	/** Next log entry to check. */
	size_t checked;
	/** Client answers not yet checked. */
	struct fake_answer *answers;
	/** Failure message; empty while all is well. */
	char err[REPLAY_ERRLEN];
	/** The daemon's state (config, tables, caches, module chain). */
	struct daemon *d;
	/** The worker the client queries go to. */
	struct worker *w;
	/** The clock as the worker's base shows it. */
	struct timeval tv;
	/** The output of the last TRACE step (heap), or NULL. */
	char *trace_out;
	/** env.ctr.sig_checks at the last CHECK_SIG_CHECKS. */
	uint64_t sig_checks;
	/** Temporary root hints file name, or empty. */
	char hintsfile[256];
	/** Temporary auto-trust-anchor-file (AUTOTRUST), or empty. */
	char autrfile[256];
	/** The fault mode: an allocation of the harness itself failed, so
	 * the run says nothing about the resolver. */
	int harness_oom;
	/** The fault mode: the resolver could not be set up (it said so). */
	int setup_failed;
	/** The fault mode: client answers that were SERVFAIL in place of
	 * the scenario's answer. */
	int servfails;
};

/** 1 in the fault mode (test/replay_fault): the scenario's checks of
 * the resolver's inner workings are skipped, and a client answer must be
 * the scenario's answer or SERVFAIL. */
static int fault_mode;

/** Record the first failure (later ones are dropped). */
static void
fail(struct replay *rp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(struct replay *rp, const char *fmt, ...)
{
	va_list ap;

	if (rp->err[0]) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(rp->err, sizeof(rp->err), fmt, ap);
	va_end(ap);
}

/** An allocation of the harness failed. */
static void
oom(struct replay *rp)
{
	rp->harness_oom = 1;
	fail(rp, "out of memory (in the harness)");
}

/** Print a trace line with -v. */
static void
trace(struct replay *rp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
trace(struct replay *rp, const char *fmt, ...)
{
	va_list ap;

	if (!rp->verbose) {
		return;
	}
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/** An address as text. */
static const char *
addr_str(const struct sockaddr_storage *a, char *buf, size_t len)
{
	if (a->ss_family == AF_INET6) {
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)a)->sin6_addr, buf,
		    (socklen_t)len);
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)a)->sin_addr,
		    buf, (socklen_t)len);
	}
	return buf;
}

/** Parse an address (port 53).  0 or -1. */
static int
addr_parse(const char *s, struct sockaddr_storage *a)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)a;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)a;

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(53);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(53);
		return 0;
	}
	return -1;
}

/** 1 when two addresses are the same host (the port is not compared). */
static int
addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family) {
		return 0;
	}
	if (a->ss_family == AF_INET) {
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
		    &((const struct sockaddr_in *)b)->sin_addr, 4) == 0;
	}
	if (a->ss_family == AF_INET6) {
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		    &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
	}
	return 0;
}

/** A name as text. */
static const char *
name_str(const uint8_t *d, char *buf, size_t len)
{
	if (dname_to_str(d, buf, len) < 0) {
		snprintf(buf, len, "(bad name)");
	}
	return buf;
}

/** A type as text. */
static const char *
type_str(uint16_t t, char *buf, size_t len)
{
	if (rrtype_to_str(t, buf, len) < 0) {
		snprintf(buf, len, "TYPE%u", (unsigned)t);
	}
	return buf;
}

/* ---------------------------------------------------------------- */
/* Reading a scenario. */

/** Reader state. */
struct rpl_reader {
	/** The file. */
	FILE *f;
	/** Its name. */
	const char *name;
	/** Current line number. */
	int line;
	/** Current line, without the newline (parsers cut it up). */
	char buf[REPLAY_LINE];
	/** The same line, kept whole for messages. */
	char orig[REPLAY_LINE];
	/** 1 after a line too long for buf: the file is refused. */
	int bad;
};

/** Read the next line that is not blank or a comment.  1, or 0 at EOF. */
static int
rd_next(struct rpl_reader *rd)
{
	while (fgets(rd->buf, sizeof(rd->buf), rd->f)) {
		size_t n = strlen(rd->buf);
		char *p;

		rd->line++;
		if (n == sizeof(rd->buf) - 1 && rd->buf[n - 1] != '\n') {
			fprintf(stderr, "%s:%d: line longer than %d octets\n",
			    rd->name, rd->line, REPLAY_LINE - 2);
			rd->bad = 1;
			return 0;
		}
		while (n > 0 && (rd->buf[n - 1] == '\n' ||
		    rd->buf[n - 1] == '\r')) {
			rd->buf[--n] = '\0';
		}
		for (p = rd->buf; *p == ' ' || *p == '\t'; p++) {
		}
		if (*p == '\0' || *p == ';' || *p == '#') {
			continue;
		}
		memmove(rd->buf, p, strlen(p) + 1);
		memcpy(rd->orig, rd->buf, strlen(rd->buf) + 1);
		return 1;
	}
	return 0;
}

/** Log a syntax error and return RES_ESYNTAX. */
static int
rd_err(struct rpl_reader *rd, const char *what)
{
	fprintf(stderr, "%s:%d: %s: %s\n", rd->name, rd->line, what,
	    rd->orig);
	return RES_ESYNTAX;
}

/** 1 when the line's first word is w. */
static int
rd_is(const struct rpl_reader *rd, const char *w)
{
	size_t n = strlen(w);

	return strncmp(rd->buf, w, n) == 0 && (rd->buf[n] == '\0' ||
	    rd->buf[n] == ' ' || rd->buf[n] == '\t');
}

/** Append a line to a heap string. */
static int
str_append(char **s, const char *line)
{
	size_t old = *s ? strlen(*s) : 0;
	char *n = realloc(*s, old + strlen(line) + 2);

	if (!n) {
		return RES_ENOMEM;
	}
	memcpy(n + old, line, strlen(line));
	n[old + strlen(line)] = '\n';
	n[old + strlen(line) + 1] = '\0';
	*s = n;
	return RES_OK;
}

/** Free an entry. */
static void
entry_free(struct rpl_entry *e)
{
	size_t i;

	if (!e) {
		return;
	}
	for (i = 0; i < e->nrr; i++) {
		free(e->rrs[i].rdata);
	}
	free(e->rrs);
	free(e);
}

/** Parse a question line "name [class] type". */
static int
parse_question(const char *line, struct rpl_rr *q)
{
	char a[REPLAY_LINE], b[64], c[64];
	int n = sscanf(line, "%4095s %63s %63s", a, b, c);
	size_t len;

	memset(q, 0, sizeof(*q));
	q->rclass = RR_CLASS_IN;
	if (n < 2 || dname_from_str(a, NULL, q->owner,
	    &len) != RES_OK) {
		return RES_ESYNTAX;
	}
	if (n == 3) {
		if (rrclass_from_str(b, &q->rclass) != RES_OK ||
		    rrtype_from_str(c, &q->type) != RES_OK) {
			return RES_ESYNTAX;
		}
	} else if (rrtype_from_str(b, &q->type) != RES_OK) {
		return RES_ESYNTAX;
	}
	return RES_OK;
}

/** Read an entry; the current line is ENTRY_BEGIN. */
static int
parse_entry(struct rpl_reader *rd, struct rpl_entry **out)
{
	struct rpl_entry *e = calloc(1, sizeof(*e));
	int section = -2;	/* -2 none yet, -1 question */
	size_t cap = 0;

	if (!e) {
		return RES_ENOMEM;
	}
	e->line = rd->line;
	e->ede = -1;
	while (rd_next(rd)) {
		char *tok, *save = NULL;

		if (rd_is(rd, "ENTRY_END")) {
			*out = e;
			return RES_OK;
		}
		if (rd_is(rd, "MATCH")) {
			for (tok = strtok_r(rd->buf + 5, " \t", &save); tok;
			    tok = strtok_r(NULL, " \t", &save)) {
				if (strcmp(tok, "opcode") == 0) {
					continue;
				} else if (strcmp(tok, "qname") == 0) {
					e->match |= RPL_M_QNAME;
				} else if (strcmp(tok, "qtype") == 0) {
					e->match |= RPL_M_QTYPE;
				} else if (strcmp(tok, "subdomain") == 0) {
					e->match |= RPL_M_SUBDOMAIN;
				} else if (strcmp(tok, "tcp") == 0) {
					e->match |= RPL_M_TCP;
				} else if (strcmp(tok, "udp") == 0) {
					e->match |= RPL_M_UDP;
				} else if (strcmp(tok, "edns") == 0) {
					e->match |= RPL_M_EDNS;
				} else if (strcmp(tok, "noedns") == 0) {
					e->match |= RPL_M_NOEDNS;
				} else if (strcmp(tok, "all") == 0) {
					e->match |= RPL_M_ALL;
				} else if (strcmp(tok, "flags") == 0) {
					e->match |= RPL_M_FLAGS;
				} else if (strcmp(tok, "rcode") == 0) {
					e->match |= RPL_M_RCODE;
				} else if (strcmp(tok, "question") == 0) {
					e->match |= RPL_M_QUESTION;
				} else if (strcmp(tok, "answer") == 0) {
					e->match |= RPL_M_ANSWER;
				} else if (strcmp(tok, "authority") == 0) {
					e->match |= RPL_M_AUTHORITY;
				} else if (strcmp(tok, "additional") == 0) {
					e->match |= RPL_M_ADDITIONAL;
				} else if (strcmp(tok, "ttl") == 0) {
					e->match |= RPL_M_TTL;
				} else {
					entry_free(e);
					return rd_err(rd, "unknown MATCH");
				}
			}
		} else if (rd_is(rd, "ADJUST")) {
			for (tok = strtok_r(rd->buf + 6, " \t", &save); tok;
			    tok = strtok_r(NULL, " \t", &save)) {
				if (strcmp(tok, "copy_id") == 0) {
					continue;
				} else if (strcmp(tok, "copy_query") == 0) {
					e->copy_query = 1;
				} else if (strcmp(tok, "caps_mismatch") == 0) {
					e->caps_mismatch = 1;
				} else if (strcmp(tok, "suspect") == 0) {
					e->suspect = 1;
				} else if (strcmp(tok, "no_question") == 0) {
					e->no_question = 1;
				} else {
					entry_free(e);
					return rd_err(rd, "unknown ADJUST");
				}
			}
		} else if (rd_is(rd, "REPLY")) {
			static const struct {
				const char *w;
				uint16_t flag;
				int rcode;
			} kw[] = {
				{ "QR", MSG_FLAG_QR, -1 },
				{ "AA", MSG_FLAG_AA, -1 },
				{ "TC", MSG_FLAG_TC, -1 },
				{ "RD", MSG_FLAG_RD, -1 },
				{ "RA", MSG_FLAG_RA, -1 },
				{ "AD", MSG_FLAG_AD, -1 },
				{ "CD", MSG_FLAG_CD, -1 },
				{ "NOERROR", 0, MSG_RCODE_NOERROR },
				{ "FORMERR", 0, MSG_RCODE_FORMERR },
				{ "SERVFAIL", 0, MSG_RCODE_SERVFAIL },
				{ "NXDOMAIN", 0, MSG_RCODE_NXDOMAIN },
				{ "NOTIMP", 0, MSG_RCODE_NOTIMP },
				{ "REFUSED", 0, MSG_RCODE_REFUSED }
			};
			for (tok = strtok_r(rd->buf + 5, " \t", &save); tok;
			    tok = strtok_r(NULL, " \t", &save)) {
				size_t k;

				for (k = 0; k < sizeof(kw) / sizeof(kw[0]);
				    k++) {
					if (strcmp(tok, kw[k].w) == 0) {
						break;
					}
				}
				if (k == sizeof(kw) / sizeof(kw[0])) {
					entry_free(e);
					return rd_err(rd, "unknown REPLY word");
				}
				if (kw[k].rcode >= 0) {
					e->rcode = kw[k].rcode;
				} else {
					e->flags |= kw[k].flag;
				}
			}
		} else if (rd_is(rd, "EDE")) {
			char *end = NULL;
			long v = strtol(rd->buf + 3, &end, 10);

			if (strcmp(rd->buf, "EDE none") == 0) {
				e->ede = RPL_EDE_NONE;
			} else if (strcmp(rd->buf, "EDE any") == 0) {
				e->ede = RPL_EDE_ANY;
			} else if (v < 0 || v > 65535 || !end ||
			    *end != '\0') {
				entry_free(e);
				return rd_err(rd, "EDE info-code");
			} else {
				e->ede = (int)v;
			}
		} else if (rd_is(rd, "SECTION")) {
			const char *s = rd->buf + 8;

			if (strcmp(s, "QUESTION") == 0) {
				section = -1;
			} else if (strcmp(s, "ANSWER") == 0) {
				section = MSG_SEC_ANSWER;
			} else if (strcmp(s, "AUTHORITY") == 0) {
				section = MSG_SEC_AUTHORITY;
			} else if (strcmp(s, "ADDITIONAL") == 0) {
				section = MSG_SEC_ADDITIONAL;
			} else {
				entry_free(e);
				return rd_err(rd, "unknown SECTION");
			}
		} else if (section == -1) {
			if (e->have_q || parse_question(rd->buf, &e->q) !=
			    RES_OK) {
				entry_free(e);
				return rd_err(rd, "bad question (one only)");
			}
			e->have_q = 1;
		} else if (section >= 0) {
			struct rr_text *rr = malloc(sizeof(*rr));
			struct rpl_rr *x;

			if (!rr || rr_from_str(rd->buf, NULL, 3600, rr) !=
			    RES_OK) {
				free(rr);
				entry_free(e);
				return rd_err(rd, "bad RR");
			}
			if (e->nrr == cap) {
				struct rpl_rr *n = realloc(e->rrs,
				    (cap * 2 + 4) * sizeof(*n));

				if (!n) {
					free(rr);
					entry_free(e);
					return RES_ENOMEM;
				}
				e->rrs = n;
				cap = cap * 2 + 4;
			}
			x = &e->rrs[e->nrr];
			memset(x, 0, sizeof(*x));
			memcpy(x->owner, rr->owner, rr->owner_len);
			x->type = rr->type;
			x->rclass = rr->rrclass;
			x->ttl = rr->ttl;
			x->section = section;
			x->rdlen = rr->rdlen;
			x->rdata = malloc(rr->rdlen ? rr->rdlen : 1);
			if (!x->rdata) {
				free(rr);
				entry_free(e);
				return RES_ENOMEM;
			}
			memcpy(x->rdata, rr->rdata, rr->rdlen);
			e->nrr++;
			free(rr);
		} else {
			entry_free(e);
			return rd_err(rd, "unexpected line in entry");
		}
	}
	entry_free(e);
	return rd_err(rd, "ENTRY_END missing");
}

/** Free a scenario. */
static void
scenario_free(struct rpl_scenario *sc)
{
	if (!sc) {
		return;
	}
	while (sc->ranges) {
		struct rpl_range *r = sc->ranges;

		sc->ranges = r->next;
		while (r->entries) {
			struct rpl_entry *e = r->entries;

			r->entries = e->next;
			entry_free(e);
		}
		free(r);
	}
	while (sc->steps) {
		struct rpl_step *s = sc->steps;

		sc->steps = s->next;
		entry_free(s->entry);
		free(s);
	}
	free(sc->config);
	free(sc->hints);
	free(sc->autotrust);
	free(sc);
}

/** Read lines into *text until the end word. */
static int
parse_block(struct rpl_reader *rd, const char *end, char **text)
{
	/* Blank and comment lines are skipped: fine for config and hints. */
	while (rd_next(rd)) {
		if (rd_is(rd, end)) {
			return RES_OK;
		}
		if (str_append(text, rd->buf) != RES_OK) {
			return RES_ENOMEM;
		}
	}
	return rd_err(rd, "block not closed");
}

/** Read a range; the current line is RANGE_BEGIN. */
static int
parse_range(struct rpl_reader *rd, struct rpl_range **out)
{
	struct rpl_range *r = calloc(1, sizeof(*r));
	struct rpl_entry **tail;
	int ret;

	if (!r) {
		return RES_ENOMEM;
	}
	tail = &r->entries;
	if (sscanf(rd->buf, "RANGE_BEGIN %d %d", &r->start, &r->end) != 2) {
		free(r);
		return rd_err(rd, "RANGE_BEGIN start end");
	}
	*out = r;	/* freed by the caller's scenario_free on error */
	while (rd_next(rd)) {
		if (rd_is(rd, "RANGE_END")) {
			return RES_OK;
		} else if (rd_is(rd, "ADDRESS")) {
			char a[128];

			if (r->naddr >= REPLAY_MAX_ADDR ||
			    sscanf(rd->buf, "ADDRESS %127s", a) != 1 ||
			    addr_parse(a, &r->addr[r->naddr]) != 0) {
				return rd_err(rd, "bad ADDRESS");
			}
			r->naddr++;
		} else if (rd_is(rd, "ENTRY_BEGIN")) {
			struct rpl_entry *e = NULL;

			if ((ret = parse_entry(rd, &e)) != RES_OK) {
				return ret;
			}
			*tail = e;
			tail = &e->next;
		} else {
			return rd_err(rd, "unexpected line in range");
		}
	}
	return rd_err(rd, "RANGE_END missing");
}

/** Parse "name type" into a step. */
static int
parse_step_question(char **save, struct rpl_step *s)
{
	char *n = strtok_r(NULL, " \t", save), *t = strtok_r(NULL, " \t",
	    save);
	size_t len;

	if (!n || !t || dname_from_str(n, NULL, s->qname,
	    &len) != RES_OK || rrtype_from_str(t, &s->qtype) != RES_OK) {
		return RES_ESYNTAX;
	}
	return RES_OK;
}

/**
 * Seconds with up to three decimals ("2", "0.5") as milliseconds.
 * @return 0, or -1 for anything else or more than 100000000 seconds.
 */
static int
parse_ms(const char *s, long *ms)
{
	long sec = 0, frac = 0, scale = 100;

	if (!isdigit((unsigned char)*s)) {
		return -1;
	}
	while (isdigit((unsigned char)*s) && sec <= 100000000) {
		sec = sec * 10 + (*s++ - '0');
	}
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s) && scale > 0; s++) {
			frac += (*s - '0') * scale;
			scale /= 10;
		}
	}
	if (*s || sec > 100000000) {
		return -1;
	}
	*ms = sec * 1000 + frac;
	return 0;
}

/** Read a step; the current line is STEP. */
static int
parse_step(struct rpl_reader *rd, struct rpl_step *s)
{
	char *save = NULL, *tok, *kind;

	s->line = rd->line;
	s->tcp = s->edns = s->caps = -1;
	tok = strtok_r(rd->buf, " \t", &save);	/* STEP */
	tok = strtok_r(NULL, " \t", &save);
	kind = strtok_r(NULL, " \t", &save);
	if (!tok || !kind) {
		return rd_err(rd, "STEP n KIND");
	}
	s->num = atoi(tok);
	if (strcmp(kind, "QUERY") == 0) {
		s->type = RPL_QUERY;
		s->flags = MSG_FLAG_RD;
		if (parse_step_question(&save, s) != RES_OK) {
			return rd_err(rd, "QUERY name type");
		}
		while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
			if (strcmp(tok, "DO") == 0) {
				s->do_bit = 1;
			} else if (strcmp(tok, "CD") == 0) {
				s->flags |= MSG_FLAG_CD;
			} else if (strcmp(tok, "AD") == 0) {
				s->flags |= MSG_FLAG_AD;
			} else if (strcmp(tok, "NORD") == 0) {
				s->flags &= (uint16_t)~MSG_FLAG_RD;
			} else if (strcmp(tok, "HOLD") == 0) {
				s->hold = 1;
			} else if (strcmp(tok, "TCP") == 0) {
				s->client_tcp = 1;
			} else if (strcmp(tok, "FROM") == 0) {
				tok = strtok_r(NULL, " \t", &save);
				if (!tok || addr_parse(tok, &s->addr) != 0) {
					return rd_err(rd, "QUERY FROM address");
				}
				s->have_addr = 1;
			} else {
				return rd_err(rd, "QUERY flag");
			}
		}
	} else if (strcmp(kind, "CHECK_OUT_QUERY") == 0) {
		s->type = RPL_CHECK_OUT_QUERY;
		tok = strtok_r(NULL, " \t", &save);
		if (!tok || addr_parse(tok, &s->addr) != 0 ||
		    parse_step_question(&save, s) != RES_OK) {
			return rd_err(rd, "CHECK_OUT_QUERY address name type");
		}
		s->have_addr = 1;
		while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
			if (strcmp(tok, "tcp") == 0 || strcmp(tok, "udp") ==
			    0) {
				s->tcp = tok[0] == 't';
			} else if (strcmp(tok, "edns") == 0 ||
			    strcmp(tok, "noedns") == 0) {
				s->edns = tok[0] == 'e';
			} else if (strcmp(tok, "caps") == 0 ||
			    strcmp(tok, "nocaps") == 0) {
				s->caps = tok[0] == 'c';
			} else {
				return rd_err(rd, "CHECK_OUT_QUERY option");
			}
		}
	} else if (strcmp(kind, "CHECK_NO_OUT_QUERY") == 0) {
		s->type = RPL_CHECK_NO_OUT_QUERY;
	} else if (strcmp(kind, "CHECK_ANSWER") == 0) {
		s->type = RPL_CHECK_ANSWER;
		if (!rd_next(rd) || !rd_is(rd, "ENTRY_BEGIN")) {
			return rd_err(rd, "CHECK_ANSWER needs an entry");
		}
		return parse_entry(rd, &s->entry);
	} else if (strcmp(kind, "TIME_PASSES") == 0) {
		s->type = RPL_TIME_PASSES;
		tok = strtok_r(NULL, " \t", &save);
		if (!tok || strcmp(tok, "ELAPSE") != 0 ||
		    !(tok = strtok_r(NULL, " \t", &save)) ||
		    parse_ms(tok, &s->elapse) != 0) {
			return rd_err(rd, "TIME_PASSES ELAPSE seconds");
		}
	} else if (strcmp(kind, "SKIP_OUT_QUERIES") == 0) {
		s->type = RPL_SKIP_OUT_QUERIES;
	} else if (strcmp(kind, "CHECK_SIG_CHECKS") == 0) {
		s->type = RPL_CHECK_SIG_CHECKS;
		tok = strtok_r(NULL, " \t", &save);
		if (!tok || (s->elapse = atol(tok)) < 0) {
			return rd_err(rd, "CHECK_SIG_CHECKS max");
		}
	} else if (strcmp(kind, "CHECK_PENDING") == 0) {
		s->type = RPL_CHECK_PENDING;
		tok = strtok_r(NULL, " \t", &save);
		if (!tok || (s->elapse = atol(tok)) < 0) {
			return rd_err(rd, "CHECK_PENDING count");
		}
	} else if (strcmp(kind, "CHECK_STAT") == 0) {
		char *lo, *hi;

		s->type = RPL_CHECK_STAT;
		tok = strtok_r(NULL, " \t", &save);
		lo = strtok_r(NULL, " \t", &save);
		hi = strtok_r(NULL, " \t", &save);
		if (!tok || !lo || !hi || strlen(tok) >= sizeof(s->text) ||
		    (s->elapse = atol(lo)) < 0 || (s->max = atol(hi)) <
		    s->elapse) {
			return rd_err(rd, "CHECK_STAT name min max");
		}
		snprintf(s->text, sizeof(s->text), "%s", tok);
	} else if (strcmp(kind, "TRACE") == 0) {
		s->type = RPL_TRACE;
		if (parse_step_question(&save, s) != RES_OK) {
			return rd_err(rd, "TRACE name type");
		}
	} else if (strcmp(kind, "CHECK_TRACE") == 0) {
		s->type = RPL_CHECK_TRACE;
		tok = strtok_r(NULL, "", &save);
		while (tok && (*tok == ' ' || *tok == '\t')) {
			tok++;
		}
		if (!tok || !*tok || strlen(tok) >= sizeof(s->text)) {
			return rd_err(rd, "CHECK_TRACE text");
		}
		snprintf(s->text, sizeof(s->text), "%s", tok);
	} else if (strcmp(kind, "CHECK_AUTOTRUST") == 0) {
		s->type = RPL_CHECK_AUTOTRUST;
		tok = strtok_r(NULL, " \t", &save);
		kind = strtok_r(NULL, " \t", &save);
		if (!tok || !kind || (s->elapse = atol(tok)) <= 0 ||
		    s->elapse > 65535 || strlen(kind) >= sizeof(s->text)) {
			return rd_err(rd, "CHECK_AUTOTRUST keytag STATE|none");
		}
		snprintf(s->text, sizeof(s->text), "%s", kind);
	} else if (strcmp(kind, "CHECK_AUTOTRUST_FILE") == 0) {
		s->type = RPL_CHECK_AUTOTRUST_FILE;
		tok = strtok_r(NULL, "", &save);
		while (tok && (*tok == ' ' || *tok == '\t')) {
			tok++;
		}
		if (!tok || !*tok || strlen(tok) >= sizeof(s->text)) {
			return rd_err(rd, "CHECK_AUTOTRUST_FILE text");
		}
		snprintf(s->text, sizeof(s->text), "%s", tok);
	} else if (strcmp(kind, "TIMEOUT") == 0) {
		s->type = RPL_TIMEOUT;
		tok = strtok_r(NULL, " \t", &save);
		if (tok) {
			if (addr_parse(tok, &s->addr) != 0) {
				return rd_err(rd, "TIMEOUT [address]");
			}
			s->have_addr = 1;
		}
	} else {
		return rd_err(rd, "unknown STEP kind");
	}
	return RES_OK;
}

/** Read a scenario file.  NULL after printing the error. */
static struct rpl_scenario *
scenario_read(const char *file)
{
	struct rpl_reader *rd = calloc(1, sizeof(*rd));
	struct rpl_scenario *sc = calloc(1, sizeof(*sc));
	struct rpl_range **rtail;
	struct rpl_step **stail;
	int last = -1, ended = 0, ret = RES_OK;

	if (!rd || !sc) {
		free(rd);
		free(sc);
		return NULL;
	}
	rd->name = file;
	sc->file = file;
	rtail = &sc->ranges;
	stail = &sc->steps;
	rd->f = fopen(file, "r");
	if (!rd->f) {
		fprintf(stderr, "%s: cannot open\n", file);
		free(rd);
		free(sc);
		return NULL;
	}
	while (ret == RES_OK && !ended && rd_next(rd)) {
		if (rd_is(rd, "SCENARIO_BEGIN")) {
			snprintf(sc->title, sizeof(sc->title), "%s",
			    rd->buf + 14 + (rd->buf[14] != '\0'));
		} else if (rd_is(rd, "TODO")) {
			snprintf(sc->todo, sizeof(sc->todo), "%s",
			    rd->buf + 4 + (rd->buf[4] != '\0'));
		} else if (rd_is(rd, "NOW")) {
			char *end = NULL;
			long long v = strtoll(rd->buf + 3, &end, 10);

			if (v <= 0 || v > 4000000000LL || !end ||
			    *end != '\0') {
				ret = rd_err(rd, "NOW seconds");
			} else {
				sc->start = (time_t)v;
			}
		} else if (rd_is(rd, "FAULT_ANSWERS")) {
			const char *v = rd->buf + 13;

			v += strspn(v, " \t");
			if (strcmp(v, "any") != 0) {
				ret = rd_err(rd, "FAULT_ANSWERS any");
			} else {
				sc->fault_any_answer = 1;
			}
		} else if (rd_is(rd, "CONFIG")) {
			ret = parse_block(rd, "CONFIG_END", &sc->config);
		} else if (rd_is(rd, "ROOT_HINTS")) {
			ret = parse_block(rd, "ROOT_HINTS_END", &sc->hints);
		} else if (rd_is(rd, "AUTOTRUST")) {
			ret = parse_block(rd, "AUTOTRUST_END", &sc->autotrust);
		} else if (rd_is(rd, "RANGE_BEGIN")) {
			struct rpl_range *r = NULL;

			ret = parse_range(rd, &r);
			if (r) {
				*rtail = r;
				rtail = &r->next;
			}
		} else if (rd_is(rd, "STEP")) {
			struct rpl_step *s = calloc(1, sizeof(*s));

			if (!s) {
				ret = RES_ENOMEM;
				break;
			}
			*stail = s;
			stail = &s->next;
			ret = parse_step(rd, s);
			if (ret == RES_OK && s->num <= last) {
				ret = rd_err(rd, "steps must be in increasing "
				    "order");
			}
			last = s->num;
		} else if (rd_is(rd, "SCENARIO_END")) {
			ended = 1;
		} else {
			ret = rd_err(rd, "unknown directive");
		}
	}
	if (rd->bad) {
		ret = RES_ESYNTAX;
	}
	if (ret == RES_OK && !ended) {
		fprintf(stderr, "%s: SCENARIO_END missing\n", file);
		ret = RES_ESYNTAX;
	}
	if (ret == RES_OK && !sc->hints) {
		fprintf(stderr, "%s: ROOT_HINTS missing\n", file);
		ret = RES_ESYNTAX;
	}
	fclose(rd->f);
	free(rd);
	if (ret != RES_OK) {
		scenario_free(sc);
		return NULL;
	}
	return sc;
}

/* ---------------------------------------------------------------- */
/* The scripted network. */

/** Add a sent query to the log. */
static void
log_query(struct replay *rp, const struct fake_query *q)
{
	if (rp->nlog == rp->caplog) {
		size_t n = rp->caplog * 2 + 16;
		struct fake_query *l = realloc(rp->log, n * sizeof(*l));

		if (!l) {
			oom(rp);
			return;
		}
		rp->log = l;
		rp->caplog = n;
	}
	rp->log[rp->nlog++] = *q;
}

/** Text of a query for traces and failures. */
static const char *
query_str(const struct fake_query *q, char *buf, size_t len)
{
	char a[64], n[DNAME_MAXSTR], t[16];

	snprintf(buf, len, "%s %s %s %s %s %s timeout %dms",
	    addr_str(&q->addr, a, sizeof(a)), name_str(q->qname, n, sizeof(n)),
	    type_str(q->qtype, t, sizeof(t)), q->tcp ? "tcp" : "udp",
	    q->edns ? (q->do_bit ? "edns+do" : "edns") : "noedns",
	    q->caps ? "caps" : "nocaps", q->timeout_ms);
	return buf;
}

/** The scripted wire's send (struct outnet_io): queue the query. */
static struct outnet_wire *
fake_query(void *arg, const struct upstream_query *uq, outnet_cb cb,
    void *cbarg)
{
	struct replay *rp = arg;
	struct fake_query *q, **pp;
	char buf[DNAME_MAXSTR + 256];
	size_t len;

	if (!uq || uq->addrlen > sizeof(q->addr) ||
	    dname_check(uq->qname, DNAME_MAXLEN, &len) != RES_OK) {
		fail(rp, "step %d: the resolver sent a bad query",
		    rp->cur_step);
		return NULL;
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		return NULL;
	}
	q->seq = (int)rp->nlog + 1;
	memcpy(&q->addr, &uq->addr, uq->addrlen);
	q->addrlen = uq->addrlen;
	memcpy(q->qname, uq->qname, len);
	q->qtype = uq->qtype;
	q->qclass = uq->qclass;
	q->tcp = uq->tcp;
	q->edns = uq->edns;
	q->do_bit = uq->do_bit;
	q->cd = (uq->flags & MSG_FLAG_CD) != 0;
	q->caps = uq->caps;
	q->timeout_ms = uq->timeout_ms;
	q->slow_ms = uq->slow_ms > 0 && uq->slow_ms < uq->timeout_ms ?
	    uq->slow_ms : 0;
	q->cb = cb;
	q->cbarg = cbarg;
	for (pp = &rp->pending; *pp; pp = &(*pp)->next) {
	}
	*pp = q;
	log_query(rp, q);
	trace(rp, "  -> query #%d %s", q->seq, query_str(q, buf, sizeof(buf)));
	/* The opaque handle is our own query; only this file converts it
	 * back. */
	return (struct outnet_wire *)(void *)q;
}

/** Unlink a pending query.  1 when it was pending. */
static int
pending_remove(struct replay *rp, struct fake_query *q)
{
	struct fake_query **pp;

	for (pp = &rp->pending; *pp; pp = &(*pp)->next) {
		if (*pp == q) {
			*pp = q->next;
			return 1;
		}
	}
	return 0;
}

/** The scripted wire's cancel. */
static void
fake_cancel(void *arg, struct outnet_wire *w)
{
	struct replay *rp = arg;
	struct fake_query *q = (struct fake_query *)(void *)w;

	if (!pending_remove(rp, q)) {
		fail(rp, "step %d: cancel of a query that is not pending",
		    rp->cur_step);
		return;
	}
	trace(rp, "  -- query #%d cancelled", q->seq);
	free(q);
}

/** The mesh's reply function: keep the client answer. */
static int
fake_reply(void *arg, const struct comm_reply *rep, const uint8_t *msg,
    size_t len)
{
	struct replay *rp = arg;
	struct fake_answer *a = calloc(1, sizeof(*a)), **pp;

	if (!a || !(a->pkt = malloc(len ? len : 1))) {
		free(a);
		oom(rp);
		return RES_ENOMEM;
	}
	memcpy(a->pkt, msg, len);
	a->len = len;
	a->step = rep->conn_id;
	for (pp = &rp->answers; *pp; pp = &(*pp)->next) {
	}
	*pp = a;
	trace(rp, "  <= answer to the query of step %llu (%zu octets)",
	    (unsigned long long)a->step, len);
	return RES_OK;
}

/** 1 when a range entry answers a query. */
static int
entry_matches(const struct rpl_entry *e, const struct fake_query *q)
{
	if ((e->match & RPL_M_TCP) && !q->tcp) {
		return 0;
	}
	if ((e->match & RPL_M_UDP) && q->tcp) {
		return 0;
	}
	if ((e->match & RPL_M_EDNS) && !q->edns) {
		return 0;
	}
	if ((e->match & RPL_M_NOEDNS) && q->edns) {
		return 0;
	}
	if (!e->have_q) {
		return 1;
	}
	if ((e->match & RPL_M_QTYPE) && e->q.type != q->qtype) {
		return 0;
	}
	if (e->match & RPL_M_SUBDOMAIN) {
		return dname_is_subdomain(q->qname, e->q.owner);
	}
	if ((e->match & RPL_M_QNAME) && !dname_equal(e->q.owner, q->qname)) {
		return 0;
	}
	return 1;
}

/** The entry answering a query now, or NULL. */
static const struct rpl_entry *
find_entry(struct replay *rp, const struct fake_query *q)
{
	const struct rpl_range *r;
	const struct rpl_entry *e;
	int i;

	for (r = rp->sc->ranges; r; r = r->next) {
		int hit = r->naddr == 0;

		if (rp->cur_step < r->start || rp->cur_step > r->end) {
			continue;
		}
		for (i = 0; i < r->naddr && !hit; i++) {
			hit = addr_equal(&r->addr[i], &q->addr);
		}
		if (!hit) {
			continue;
		}
		for (e = r->entries; e; e = e->next) {
			if (entry_matches(e, q)) {
				return e;
			}
		}
	}
	return NULL;
}

/** Build the reply packet of an entry to a query.  Returns its length,
 * 0 on error. */
static size_t
build_reply(const struct rpl_entry *e, const struct fake_query *q,
    uint8_t *buf, size_t cap)
{
	struct msg_writer w;
	struct msg_edns_out eo;
	size_t i, len = 0;
	int sec;

	msg_writer_init(&w, buf, cap);
	if (msg_writer_header(&w, 0, e->flags, e->rcode) != RES_OK) {
		return 0;
	}
	if (e->no_question) {
		/* no question section */
	} else if (e->have_q && !e->copy_query) {
		if (msg_writer_question(&w, e->q.owner, e->q.type,
		    e->q.rclass) != RES_OK) {
			return 0;
		}
	} else if (msg_writer_question(&w, q->qname, q->qtype, q->qclass) !=
	    RES_OK) {
		return 0;
	}
	if (q->edns && e->rcode != MSG_RCODE_FORMERR) {
		memset(&eo, 0, sizeof(eo));
		eo.udp_size = MSG_EDNS_SIZE;
		eo.do_bit = q->do_bit;
		if (msg_writer_edns(&w, &eo) != RES_OK) {
			return 0;
		}
	}
	for (sec = 0; sec < 3; sec++) {
		for (i = 0; i < e->nrr; i++) {
			const struct rpl_rr *r = &e->rrs[i];

			if (r->section != sec) {
				continue;
			}
			if (msg_writer_rr(&w, sec, r->owner, r->type,
			    r->rclass, r->ttl, r->rdata, (uint16_t)r->rdlen,
			    NULL, 0) != RES_OK) {
				return 0;
			}
		}
	}
	if (msg_writer_finish(&w, &len) != RES_OK) {
		return 0;
	}
	if ((e->flags & MSG_FLAG_TC) && msg_set_flags(buf, len, MSG_FLAG_TC,
	    0) != RES_OK) {
		return 0;
	}
	return len;
}

/** Deliver a final result to a pending query (it is freed first). */
static void
deliver(struct replay *rp, struct fake_query *q, int result,
    const uint8_t *pkt, size_t len)
{
	struct upstream_reply r;
	outnet_cb cb = q->cb;
	void *cbarg = q->cbarg;

	memset(&r, 0, sizeof(r));
	r.result = result;
	r.pkt = pkt;
	r.len = len;
	r.is_tcp = q->tcp;
	r.rtt_ms = result == UPSTREAM_TIMEOUT ? q->timeout_ms : REPLAY_RTT;
	pending_remove(rp, q);
	free(q);
	cb(cbarg, &r);
}

/** Tell a pending query it is slow (it stays pending). */
static void
deliver_slow(struct replay *rp, struct fake_query *q)
{
	struct upstream_reply r;

	trace(rp, "  .. query #%d is slow (%d ms)", q->seq, q->slow_ms);
	memset(&r, 0, sizeof(r));
	r.result = UPSTREAM_SLOW;
	r.is_tcp = q->tcp;
	r.rtt_ms = q->slow_ms;
	q->slow_told = 1;
	/* Last: the callback may cancel q. */
	q->cb(q->cbarg, &r);
}

/** Answer pending queries that have an entry, oldest first, until none
 * has. */
static void
run_network(struct replay *rp)
{
	static uint8_t buf[MSG_MAX_LEN];
	int n;

	for (n = 0; n < REPLAY_MAX_DELIVER; n++) {
		struct fake_query *q;
		const struct rpl_entry *e = NULL;
		size_t len;
		int result;

		for (q = rp->pending; q; q = q->next) {
			if ((e = find_entry(rp, q)) != NULL) {
				break;
			}
		}
		if (!q) {
			return;
		}
		len = build_reply(e, q, buf, sizeof(buf));
		if (len == 0) {
			fail(rp, "step %d: the entry at line %d does not make "
			    "a packet", rp->cur_step, e->line);
			return;
		}
		result = e->caps_mismatch && q->caps ? UPSTREAM_CAPS_MISMATCH :
		    e->suspect && !q->tcp ? UPSTREAM_SUSPECT : UPSTREAM_OK;
		trace(rp, "  <- reply to #%d from the entry at line %d%s",
		    q->seq, e->line, result == UPSTREAM_CAPS_MISMATCH ?
		    " (0x20 mismatch)" : result == UPSTREAM_SUSPECT ?
		    " (suspect: a packet that was not the reply)" : "");
		if (result == UPSTREAM_SUSPECT) {
			deliver(rp, q, result, NULL, 0);
		} else {
			deliver(rp, q, result, buf, len);
		}
	}
	fail(rp, "step %d: more than %d replies delivered in one step "
	    "(a resolver loop?)", rp->cur_step, REPLAY_MAX_DELIVER);
}

/** Time out one pending query. */
static void
timeout_query(struct replay *rp, struct fake_query *q)
{
	trace(rp, "  xx query #%d times out", q->seq);
	deliver(rp, q, UPSTREAM_TIMEOUT, NULL, 0);
}

/* ---------------------------------------------------------------- */
/* Checking answers. */

/** RRs of one section as lowercase text lines (heap array of heap
 * strings). */
struct rr_list {
	/** Lines. */
	char **s;
	/** Number. */
	size_t n;
	/** 1 when matched against the other list. */
	int *used;
};

/** Free a list. */
static void
rr_list_free(struct rr_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->s[i]);
	}
	free(l->s);
	free(l->used);
	memset(l, 0, sizeof(*l));
}

/** Add an RR to a list. */
static int
rr_list_add(struct rr_list *l, const uint8_t *owner, uint16_t type,
    uint16_t rclass, uint32_t ttl, const uint8_t *rd, size_t rdlen)
{
	char buf[REPLAY_LINE], **ns;
	int *nu;
	int len = rr_to_str(owner, type, rclass, ttl, rd, rdlen, buf,
	    sizeof(buf));
	char *p;

	if (len < 0) {
		snprintf(buf, sizeof(buf), "(RR that cannot be printed)");
	}
	for (p = buf; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
	}
	ns = realloc(l->s, (l->n + 1) * sizeof(*ns));
	if (!ns) {
		return RES_ENOMEM;
	}
	l->s = ns;
	nu = realloc(l->used, (l->n + 1) * sizeof(*nu));
	if (!nu) {
		return RES_ENOMEM;
	}
	l->used = nu;
	l->used[l->n] = 0;
	l->s[l->n] = strdup(buf);
	if (!l->s[l->n]) {
		return RES_ENOMEM;
	}
	l->n++;
	return RES_OK;
}

/** Append a list to a message buffer, one indented line per RR. */
static void
rr_list_print(char *out, size_t outsz, const char *title,
    const struct rr_list *l)
{
	size_t i, o = strlen(out);

	snprintf(out + o, outsz - o, "\n  %s (%zu):", title, l->n);
	for (i = 0; i < l->n; i++) {
		o = strlen(out);
		snprintf(out + o, outsz - o, "\n    %s%s", l->s[i],
		    l->used[i] ? "" : "   <-- differs");
	}
}

/** Compare one section.  0 when equal as sets. */
static int
check_section(struct replay *rp, const struct rpl_step *st,
    const struct dns_msg *m, int sec, int with_ttl)
{
	static const char *names[3] = { "answer", "authority", "additional" };
	static uint8_t rd[RDATA_MAXLEN];
	const struct rpl_entry *e = st->entry;
	struct rr_list exp, got;
	size_t i, j;
	int bad = 0;

	memset(&exp, 0, sizeof(exp));
	memset(&got, 0, sizeof(got));
	for (i = 0; i < e->nrr; i++) {
		const struct rpl_rr *r = &e->rrs[i];

		if (r->section == sec && rr_list_add(&exp, r->owner, r->type,
		    r->rclass, with_ttl ? r->ttl : 0, r->rdata, r->rdlen) !=
		    RES_OK) {
			oom(rp);
			bad = 1;
		}
	}
	for (i = m->sec_first[sec]; i < m->sec_first[sec] +
	    msg_section_count(m, sec); i++) {
		uint8_t owner[DNAME_MAXLEN];
		size_t rdlen;

		if (m->rr[i].type == RR_TYPE_OPT) {
			continue;
		}
		if (msg_rr_owner(m, i, owner, NULL) != RES_OK ||
		    rdata_unpack(m->rr[i].type, m->pkt, m->len,
		    m->rr[i].rdata, m->rr[i].rdlen, rd, sizeof(rd), &rdlen) !=
		    RES_OK) {
			fail(rp, "step %d (line %d) CHECK_ANSWER: RR %zu of "
			    "the answer cannot be read", st->num, st->line, i);
			bad = 1;
			break;
		}
		if (rr_list_add(&got, owner, m->rr[i].type, m->rr[i].rclass,
		    with_ttl ? m->rr[i].ttl : 0, rd, rdlen) != RES_OK) {
			oom(rp);
			bad = 1;
		}
	}
	for (i = 0; i < exp.n; i++) {
		for (j = 0; j < got.n; j++) {
			if (!got.used[j] && strcmp(exp.s[i], got.s[j]) == 0) {
				got.used[j] = exp.used[i] = 1;
				break;
			}
		}
		if (j == got.n) {
			bad = 1;
		}
	}
	for (j = 0; j < got.n; j++) {
		if (!got.used[j]) {
			bad = 1;
		}
	}
	if (bad && !rp->err[0]) {
		char *msg = malloc(REPLAY_ERRLEN);

		if (msg) {
			snprintf(msg, REPLAY_ERRLEN, "step %d (line %d) "
			    "CHECK_ANSWER: the %s section differs", st->num,
			    st->line, names[sec]);
			rr_list_print(msg, REPLAY_ERRLEN, "expected", &exp);
			rr_list_print(msg, REPLAY_ERRLEN, "got", &got);
			fail(rp, "%s", msg);
			free(msg);
		} else {
			fail(rp, "step %d (line %d) CHECK_ANSWER: the %s "
			    "section differs", st->num, st->line, names[sec]);
		}
	}
	rr_list_free(&exp);
	rr_list_free(&got);
	return bad;
}

/** Flags as text. */
static const char *
flags_str(uint16_t f, int rcode, char *buf, size_t len)
{
	static const char *rc[] = { "NOERROR", "FORMERR", "SERVFAIL",
	    "NXDOMAIN", "NOTIMP", "REFUSED" };

	snprintf(buf, len, "%s%s%s%s%s%s%s%s", (f & MSG_FLAG_QR) ? "QR " : "",
	    (f & MSG_FLAG_AA) ? "AA " : "", (f & MSG_FLAG_TC) ? "TC " : "",
	    (f & MSG_FLAG_RD) ? "RD " : "", (f & MSG_FLAG_RA) ? "RA " : "",
	    (f & MSG_FLAG_AD) ? "AD " : "", (f & MSG_FLAG_CD) ? "CD " : "",
	    rcode >= 0 && rcode < 6 ? rc[rcode] : "rcode?");
	return buf;
}

/** STEP CHECK_ANSWER. */
static void
step_check_answer(struct replay *rp, const struct rpl_step *st)
{
	const struct rpl_entry *e = st->entry;
	struct fake_answer *a = rp->answers;
	struct dns_msg *m;
	struct msg_rr *room = NULL;
	unsigned match = e->match ? e->match : RPL_M_ALL;
	const uint16_t fmask = MSG_FLAG_QR | MSG_FLAG_AA | MSG_FLAG_TC |
	    MSG_FLAG_RD | MSG_FLAG_RA | MSG_FLAG_AD | MSG_FLAG_CD;
	char b1[128], b2[128];
	int sec;

	if (!a && fault_mode) {
		/* The resolver took a path the scenario does not script (an
		 * allocation failed on the way); where the scenario has no
		 * reply, the network is silent, and the resolver must get to
		 * an answer through its timeouts. */
		int i;

		for (i = 0; i < REPLAY_MAX_DELIVER && !rp->answers &&
		    rp->pending && !rp->err[0]; i++) {
			timeout_query(rp, rp->pending);
			run_network(rp);
		}
		a = rp->answers;
	}
	if (!a) {
		fail(rp, "step %d (line %d) CHECK_ANSWER: no answer came to "
		    "the client (still pending upstream: %s)", st->num,
		    st->line, rp->pending ? "yes" : "none");
		return;
	}
	rp->answers = a->next;
	m = malloc(sizeof(*m));
	room = malloc(MSG_MAX_RR_ANY * sizeof(*room));
	if (!m || !room) {
		oom(rp);
		goto out;
	}
	if (msg_parse_big(m, a->pkt, a->len, room, MSG_MAX_RR_ANY) !=
	    RES_OK) {
		fail(rp, "step %d (line %d) CHECK_ANSWER: the answer does not "
		    "parse", st->num, st->line);
		goto out;
	}
	if (fault_mode && rp->sc->fault_any_answer && (!e->have_q ||
	    (m->have_question && m->qtype == e->q.type &&
	    dname_equal(m->qname, e->q.owner)))) {
		trace(rp, "  an answer (FAULT_ANSWERS any)");
		goto out;
	}
	if (fault_mode && m->rcode == MSG_RCODE_SERVFAIL) {
		/* An allocation failed: SERVFAIL is the honest answer (its
		 * EDE, if the scenario expects one, may then differ). */
		trace(rp, "  SERVFAIL (the scenario's answer: %s)",
		    e->rcode == MSG_RCODE_SERVFAIL ? "SERVFAIL too" : "other");
		rp->servfails += e->rcode != MSG_RCODE_SERVFAIL;
		goto out;
	}
	if (((match & RPL_M_FLAGS) && (m->flags & fmask) != e->flags) ||
	    ((match & RPL_M_RCODE) && m->rcode != e->rcode)) {
		fail(rp, "step %d (line %d) CHECK_ANSWER: header differs\n"
		    "  expected: %s\n  got:      %s", st->num, st->line,
		    flags_str(e->flags, e->rcode, b1, sizeof(b1)),
		    flags_str(m->flags & fmask, m->rcode, b2, sizeof(b2)));
		goto out;
	}
	if ((match & RPL_M_QUESTION) && e->have_q && (!m->have_question ||
	    m->qtype != e->q.type || !dname_equal(m->qname, e->q.owner))) {
		char n1[DNAME_MAXSTR], n2[DNAME_MAXSTR];

		fail(rp, "step %d (line %d) CHECK_ANSWER: question differs: "
		    "expected %s %s, got %s %s", st->num, st->line,
		    name_str(e->q.owner, n1, sizeof(n1)),
		    type_str(e->q.type, b1, sizeof(b1)),
		    m->have_question ? name_str(m->qname, n2, sizeof(n2)) :
		    "(none)", type_str(m->qtype, b2, sizeof(b2)));
		goto out;
	}
	if (e->ede >= 0 && (!m->edns.has_ede || m->edns.ede_code !=
	    (uint16_t)e->ede)) {
		fail(rp, "step %d (line %d) CHECK_ANSWER: expected EDE %d, "
		    "got %s%d", st->num, st->line, e->ede, m->edns.has_ede ?
		    "" : "none ", m->edns.has_ede ? (int)m->edns.ede_code :
		    -1);
		goto out;
	}
	if (e->ede == RPL_EDE_ANY && !m->edns.has_ede) {
		fail(rp, "step %d (line %d) CHECK_ANSWER: expected an EDE, "
		    "got none", st->num, st->line);
		goto out;
	}
	if (e->ede == RPL_EDE_NONE && m->edns.has_ede) {
		fail(rp, "step %d (line %d) CHECK_ANSWER: expected no EDE, "
		    "got %d", st->num, st->line, (int)m->edns.ede_code);
		goto out;
	}
	for (sec = 0; sec < 3; sec++) {
		if ((match & (RPL_M_ANSWER << sec)) && check_section(rp, st, m,
		    sec, (match & RPL_M_TTL) != 0)) {
			goto out;
		}
	}
	trace(rp, "  answer matches");
out:
	free(m);
	free(room);
	free(a->pkt);
	free(a);
}

/** STEP CHECK_OUT_QUERY. */
static void
step_check_out(struct replay *rp, const struct rpl_step *st)
{
	char a[64], n[DNAME_MAXSTR], t[16], buf[DNAME_MAXSTR + 256];
	const struct fake_query *q;

	snprintf(buf, sizeof(buf), "%s %s %s%s%s%s",
	    addr_str(&st->addr, a, sizeof(a)), name_str(st->qname, n,
	    sizeof(n)), type_str(st->qtype, t, sizeof(t)),
	    st->tcp < 0 ? "" : st->tcp ? " tcp" : " udp",
	    st->edns < 0 ? "" : st->edns ? " edns" : " noedns",
	    st->caps < 0 ? "" : st->caps ? " caps" : " nocaps");
	if (rp->checked >= rp->nlog) {
		fail(rp, "step %d (line %d) CHECK_OUT_QUERY: expected %s, but "
		    "no more upstream queries were sent", st->num, st->line,
		    buf);
		return;
	}
	q = &rp->log[rp->checked++];
	if (!addr_equal(&q->addr, &st->addr) || q->qtype != st->qtype ||
	    !dname_equal(q->qname, st->qname) || (st->tcp >= 0 &&
	    q->tcp != st->tcp) || (st->edns >= 0 && q->edns != st->edns) ||
	    (st->caps >= 0 && q->caps != st->caps)) {
		char g[DNAME_MAXSTR + 256];

		fail(rp, "step %d (line %d) CHECK_OUT_QUERY: upstream query "
		    "#%d differs\n  expected: %s\n  got:      %s", st->num,
		    st->line, q->seq, buf, query_str(q, g, sizeof(g)));
		return;
	}
	trace(rp, "  query #%d matches", q->seq);
}

/* ---------------------------------------------------------------- */
/* Running a scenario. */

/** Write the root hints to a temporary file. */
static int
write_hints(struct replay *rp)
{
	const char *dir = getenv("TMPDIR");
	int fd;
	size_t len = strlen(rp->sc->hints);

	snprintf(rp->hintsfile, sizeof(rp->hintsfile), "%s/replay-hints."
	    "XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(rp->hintsfile);
	if (fd < 0) {
		rp->hintsfile[0] = '\0';
		return RES_ESYSTEM;
	}
	if (write(fd, rp->sc->hints, len) != (ssize_t)len) {
		close(fd);
		return RES_ESYSTEM;
	}
	close(fd);
	return RES_OK;
}

/** Write the AUTOTRUST block to a temporary auto-trust-anchor-file. */
static int
write_autotrust(struct replay *rp)
{
	const char *dir = getenv("TMPDIR");
	size_t len;
	int fd;

	if (!rp->sc->autotrust) {
		return RES_OK;
	}
	len = strlen(rp->sc->autotrust);
	snprintf(rp->autrfile, sizeof(rp->autrfile), "%s/replay-autotrust."
	    "XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(rp->autrfile);
	if (fd < 0) {
		rp->autrfile[0] = '\0';
		return RES_ESYSTEM;
	}
	if (write(fd, rp->sc->autotrust, len) != (ssize_t)len) {
		close(fd);
		return RES_ESYSTEM;
	}
	close(fd);
	return RES_OK;
}

/** The RFC 5011 probes that are due, as the daemon's worker 0 timer
 * starts them, and the network run for them. */
static void
run_probes(struct replay *rp)
{
	(void)anchor_probe_tick(rp->w->res->mesh, &rp->w->res->env,
	    rp->w->res->env.anchors, rp->now);
	run_network(rp);
}

/** Set the worker's clock from rp->now. */
static void
set_clock(struct replay *rp)
{
	rp->tv.tv_sec = rp->now;
	rp->tv.tv_usec = rp->now_ms * 1000;
	comm_base_set_time(rp->w->base, &rp->tv);
}

/**
 * Create the resolver of a run as the daemon does: the config read,
 * daemon_create() (tables, caches, hints, anchors, module chain), and
 * one worker whose wire and answers are the harness's.
 */
static int
setup(struct replay *rp)
{
	struct worker_seams seams;
	struct outnet_io io;
	struct config *cfg;
	char *text = NULL, head[1024];
	int ret;

	if (write_hints(rp) != RES_OK || write_autotrust(rp) != RES_OK) {
		fail(rp, "cannot write the root hints or autotrust file");
		return RES_ESYSTEM;
	}
	cfg = config_create();
	if (!cfg) {
		return RES_ENOMEM;
	}
	snprintf(head, sizeof(head), "server:\n\troot-hints: \"%s\"\n"
	    "\tmodule-config: \"iterator\"\n%s%s%s", rp->hintsfile,
	    rp->autrfile[0] ? "\tauto-trust-anchor-file: \"" : "",
	    rp->autrfile, rp->autrfile[0] ? "\"\n" : "");
	if (str_append(&text, head) != RES_OK || (rp->sc->config &&
	    str_append(&text, rp->sc->config) != RES_OK)) {
		free(text);
		config_delete(cfg);
		return RES_ENOMEM;
	}
	ret = config_read_string(cfg, text, rp->sc->file);
	free(text);
	if (ret != RES_OK || config_check(cfg) != RES_OK) {
		config_delete(cfg);
		fail(rp, "the CONFIG section does not read (see above)");
		return RES_ESYNTAX;
	}
	/* The daemon owns the config from here, also on failure. */
	rp->d = daemon_create(cfg, NULL);
	if (!rp->d) {
		fail(rp, "cannot set up the resolver (see above)");
		return RES_ESYNTAX;
	}
	rp->now = rp->sc->start ? rp->sc->start : REPLAY_START_TIME;
	memset(&io, 0, sizeof(io));
	io.arg = rp;
	io.send = fake_query;
	io.cancel = fake_cancel;
	memset(&seams, 0, sizeof(seams));
	seams.io = &io;
	seams.reply = fake_reply;
	seams.reply_arg = rp;
	seams.deterministic = 1;
	rp->w = worker_create(rp->d, 0, NULL, 0, NULL, 0, &seams);
	if (!rp->w) {
		fail(rp, "cannot create the worker (see above)");
		return RES_ENOMEM;
	}
	set_clock(rp);
	rp->w->res->now = rp->now;
	run_probes(rp);
	return RES_OK;
}

/** Free everything of a run (not the scenario). */
static void
teardown(struct replay *rp)
{
	/* The worker first: its mesh cancels what it has in flight. */
	worker_delete(rp->w);
	rp->w = NULL;
	while (rp->pending) {
		/* Cancelled queries are gone; what is left has no owner. */
		struct fake_query *q = rp->pending;

		rp->pending = q->next;
		free(q);
	}
	while (rp->answers) {
		struct fake_answer *a = rp->answers;

		rp->answers = a->next;
		free(a->pkt);
		free(a);
	}
	daemon_delete(rp->d);
	rp->d = NULL;
	free(rp->trace_out);
	free(rp->log);
	if (rp->hintsfile[0]) {
		unlink(rp->hintsfile);
	}
	if (rp->autrfile[0]) {
		unlink(rp->autrfile);
	}
}

/** STEP QUERY: a client query through the worker's per-packet path. */
static void
step_query(struct replay *rp, const struct rpl_step *st)
{
	static uint8_t pkt[512], out[MSG_MAX_LEN];
	struct msg_writer w;
	struct msg_edns_out eo;
	struct comm_reply rep;
	struct sockaddr_in *sin = (struct sockaddr_in *)&rep.addr;
	size_t len = 0;
	int r;

	msg_writer_init(&w, pkt, sizeof(pkt));
	if (msg_writer_header(&w, (uint16_t)st->num, st->flags, 0) !=
	    RES_OK || msg_writer_question(&w, st->qname, st->qtype,
	    RR_CLASS_IN) != RES_OK) {
		fail(rp, "step %d: cannot build the query", st->num);
		return;
	}
	if (st->do_bit) {
		memset(&eo, 0, sizeof(eo));
		eo.udp_size = MSG_EDNS_SIZE;
		eo.do_bit = 1;
		msg_writer_edns(&w, &eo);
	}
	if (msg_writer_finish(&w, &len) != RES_OK) {
		fail(rp, "step %d: cannot build the query", st->num);
		return;
	}
	memset(&rep, 0, sizeof(rep));
	if (st->have_addr) {
		rep.addr = st->addr;
		rep.addrlen = st->addr.ss_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(0x7f000001);
		sin->sin_port = htons(53000);
		rep.addrlen = sizeof(*sin);
	}
	rep.conn_id = (uint64_t)st->num;
	rep.is_tcp = st->client_tcp;
	rep.query = pkt;
	rep.query_len = len;
	rep.reply = out;
	rep.reply_cap = sizeof(out);
	r = worker_handle_query(rp->w, &rep);
	if (r == COMM_REPLY_SEND) {
		/* Answered at once: local data, the cache, an error. */
		(void)fake_reply(rp, &rep, rep.reply, rep.reply_len);
	} else if (r == COMM_REPLY_DROP) {
		trace(rp, "  (the query of step %d was dropped)", st->num);
	}
}

/** The end of a TRACE step's query. */
static int
trace_done(struct replay *rp, struct trace_run *run)
{
	(void)rp;
	return trace_run_done(run);
}

/** STEP TRACE: a traced query, run until it ends, its output kept. */
static void
step_trace(struct replay *rp, const struct rpl_step *st)
{
	struct trace_run *run;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int n;
	const struct trust_anchor *ta = anchors_lookup(rp->d->anchors,
	    st->qname, RR_CLASS_IN);

	run = trace_run_create(st->qname, st->qtype, ta ? ta->name : NULL);
	if (!run || trace_run_start(run, rp->w->res->mesh) != RES_OK) {
		trace_run_release(run);
		fail(rp, "step %d (line %d) TRACE: cannot start it", st->num,
		    st->line);
		return;
	}
	/* The scripted servers answer; time moves a second at a time
	 * (timeouts happen) until the trace ends. */
	for (n = 0; n < 60 && !trace_done(rp, run) && !rp->err[0]; n++) {
		struct fake_query *q;

		run_network(rp);
		if (trace_done(rp, run)) {
			break;
		}
		rp->now++;
		set_clock(rp);
		for (q = rp->pending; q; q = rp->pending) {
			timeout_query(rp, q);
			run_network(rp);
		}
	}
	free(rp->trace_out);
	rp->trace_out = NULL;
	f = open_memstream(&buf, &len);
	if (!f) {
		trace_run_release(run);
		oom(rp);
		return;
	}
	(void)trace_run_print(run, f);
	fclose(f);
	trace_run_release(run);
	rp->trace_out = buf;
	trace(rp, "  trace output:\n%s", buf);
}

/** STEP CHECK_TRACE: a line of the last trace contains the text. */
static void
step_check_trace(struct replay *rp, const struct rpl_step *st)
{
	const char *p = rp->trace_out;

	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		if (strstr(line, st->text)) {
			return;
		}
		p = e ? e + 1 : p + n;
	}
	fail(rp, "step %d (line %d) CHECK_TRACE: no line contains \"%s\"; "
	    "the trace was:\n%s", st->num, st->line, st->text,
	    rp->trace_out ? rp->trace_out : "(no trace)");
}

/** A counter for CHECK_STAT; -1 for an unknown name. */
static long
stat_value(struct replay *rp, const char *name)
{
	struct mesh_stats ms;
	struct outnet_stats os;
	const struct fake_answer *a;
	long n = 0;

	mesh_get_stats(rp->w->res->mesh, &ms);
	outnet_stats(rp->w->res->outnet, &os);
	if (strcmp(name, "queries") == 0) {
		return (long)rp->nlog;
	} else if (strcmp(name, "shared") == 0) {
		return (long)os.shared;
	} else if (strcmp(name, "jostled") == 0) {
		return (long)ms.num_jostled;
	} else if (strcmp(name, "dropped_full") == 0) {
		return (long)ms.num_dropped_full;
	} else if (strcmp(name, "budget_exceeded") == 0) {
		return (long)ms.num_budget_exceeded;
	} else if (strcmp(name, "stale") == 0) {
		return (long)(ms.num_stale + rp->w->stats.num_stale);
	} else if (strcmp(name, "answer_timeout") == 0) {
		return (long)ms.num_answer_timeout;
	} else if (strcmp(name, "prefetch") == 0) {
		return (long)ms.num_prefetch;
	} else if (strcmp(name, "background_dropped") == 0) {
		return (long)ms.num_background_dropped;
	} else if (strcmp(name, "target_limit") == 0) {
		return (long)rp->w->res->env.ctr.target_limit;
	} else if (strcmp(name, "parent_fallback") == 0) {
		return (long)rp->w->res->env.ctr.parent_fallback;
	} else if (strcmp(name, "target_refetch") == 0) {
		return (long)rp->w->res->env.ctr.target_refetch;
	} else if (strcmp(name, "caps_mismatch") == 0) {
		return (long)rp->w->res->env.ctr.caps_mismatch;
	} else if (strcmp(name, "suspect") == 0) {
		return (long)rp->w->res->env.ctr.suspect;
	} else if (strcmp(name, "tcp_escalated") == 0) {
		return (long)rp->w->res->env.ctr.tcp_escalated;
	} else if (strcmp(name, "caps_disabled") == 0) {
		return (long)rp->w->res->env.ctr.caps_disabled;
	} else if (strcmp(name, "tcp_servers") == 0) {
		return (long)rp->w->res->env.ctr.tcp_servers;
	} else if (strcmp(name, "cmp_compared") == 0) {
		return (long)rp->w->res->env.ctr.cmp_compared;
	} else if (strcmp(name, "cmp_agreed") == 0) {
		return (long)rp->w->res->env.ctr.cmp_agreed;
	} else if (strcmp(name, "cmp_pool") == 0) {
		return (long)rp->w->res->env.ctr.cmp_pool;
	} else if (strcmp(name, "cmp_majority") == 0) {
		return (long)rp->w->res->env.ctr.cmp_majority;
	} else if (strcmp(name, "cmp_failed") == 0) {
		return (long)rp->w->res->env.ctr.cmp_failed;
	} else if (strcmp(name, "cmp_single") == 0) {
		return (long)rp->w->res->env.ctr.cmp_single;
	} else if (strcmp(name, "aggressive_nxdomain") == 0) {
		return (long)rp->w->res->env.ctr.aggressive_nxdomain;
	} else if (strcmp(name, "aggressive_nodata") == 0) {
		return (long)rp->w->res->env.ctr.aggressive_nodata;
	} else if (strcmp(name, "aggressive_wildcard") == 0) {
		return (long)rp->w->res->env.ctr.aggressive_wildcard;
	} else if (strcmp(name, "ratelimited") == 0) {
		return (long)rp->w->res->env.ctr.ratelimited;
	} else if (strcmp(name, "ratelimit_passed") == 0) {
		return (long)rp->w->res->env.ctr.ratelimit_passed;
	} else if (strcmp(name, "ip_ratelimited") == 0) {
		return (long)rp->w->stats.num_ip_ratelimited;
	} else if (strcmp(name, "ip_ratelimited_tc") == 0) {
		return (long)rp->w->stats.num_ip_ratelimited_tc;
	} else if (strcmp(name, "answers") == 0) {
		for (a = rp->answers; a; a = a->next) {
			n++;
		}
		return n;
	}
	return -1;
}

/** STEP CHECK_AUTOTRUST: the RFC 5011 state of the key with a key tag
 * (of its RDATA as the file keeps it), or "none" when there is none. */
static void
step_check_autotrust(struct replay *rp, const struct rpl_step *st)
{
	struct anchor_set *set = rp->w->res->env.anchors;
	const struct autr_key *k = NULL;
	struct autr_point *p;
	const char *got = "none";

	for (p = anchors_autr_lock(set); p && !k; p = p->next) {
		for (k = p->keys; k; k = k->next) {
			if (k->type == RR_TYPE_DNSKEY &&
			    rdata_dnskey_keytag(k->rd, k->rdlen) ==
			    (uint16_t)st->elapse) {
				got = autr_state_str(k->state);
				break;
			}
		}
	}
	anchors_autr_unlock(set);
	trace(rp, "  key %ld: %s", st->elapse, got);
	if (strcmp(got, st->text) != 0) {
		fail(rp, "step %d (line %d) CHECK_AUTOTRUST: key %ld is %s, "
		    "expected %s", st->num, st->line, st->elapse, got,
		    st->text);
	}
}

/** STEP CHECK_AUTOTRUST_FILE: the state file has a line containing the
 * text. */
static void
step_check_autotrust_file(struct replay *rp, const struct rpl_step *st)
{
	char line[8192];
	FILE *f = rp->autrfile[0] ? fopen(rp->autrfile, "r") : NULL;
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f)) {
		found = strstr(line, st->text) != NULL;
	}
	if (f) {
		fclose(f);
	}
	if (!found) {
		fail(rp, "step %d (line %d) CHECK_AUTOTRUST_FILE: no line "
		    "with '%s'", st->num, st->line, st->text);
	}
}

/** Run one step. */
static void
run_step(struct replay *rp, const struct rpl_step *st)
{
	static const char *kinds[] = { "QUERY", "CHECK_OUT_QUERY",
	    "CHECK_NO_OUT_QUERY", "CHECK_ANSWER", "TIME_PASSES", "TIMEOUT",
	    "CHECK_SIG_CHECKS", "SKIP_OUT_QUERIES", "CHECK_PENDING",
	    "CHECK_STAT", "TRACE", "CHECK_TRACE", "CHECK_AUTOTRUST",
	    "CHECK_AUTOTRUST_FILE" };
	struct fake_query *q;
	char buf[DNAME_MAXSTR + 512], t[16];

	rp->cur_step = st->num;
	trace(rp, "STEP %d %s (line %d)", st->num, kinds[st->type], st->line);
	if (fault_mode && st->type != RPL_QUERY && st->type !=
	    RPL_CHECK_ANSWER && st->type != RPL_TIME_PASSES && st->type !=
	    RPL_TRACE && st->type != RPL_TIMEOUT) {
		/* What the resolver sends, counts and keeps changes once an
		 * allocation has failed; what it answers is checked. */
		trace(rp, "  (not checked in the fault mode)");
		return;
	}
	switch (st->type) {
	case RPL_QUERY:
		trace(rp, "  client asks %s %s", name_str(st->qname, buf,
		    sizeof(buf)), type_str(st->qtype, t, sizeof(t)));
		step_query(rp, st);
		if (!st->hold) {
			run_network(rp);
		}
		break;
	case RPL_CHECK_OUT_QUERY:
		step_check_out(rp, st);
		break;
	case RPL_CHECK_NO_OUT_QUERY:
		if (rp->checked < rp->nlog) {
			fail(rp, "step %d (line %d) CHECK_NO_OUT_QUERY: query "
			    "#%d was sent: %s", st->num, st->line,
			    rp->log[rp->checked].seq, query_str(
			    &rp->log[rp->checked], buf, sizeof(buf)));
		}
		break;
	case RPL_CHECK_ANSWER:
		step_check_answer(rp, st);
		break;
	case RPL_TIME_PASSES: {
		int seq_limit = (int)rp->nlog;

		rp->now_ms += st->elapse;
		rp->now += rp->now_ms / 1000;
		rp->now_ms %= 1000;
		set_clock(rp);
		trace(rp, "  the clock moves %ld.%03ld s", st->elapse / 1000,
		    st->elapse % 1000);
		/* Only queries sent before the step; oldest first: the slow
		 * marks passed, then the timeouts. */
		for (;;) {
			for (q = rp->pending; q; q = q->next) {
				if (q->seq <= seq_limit && q->slow_ms > 0 &&
				    !q->slow_told && (long)q->slow_ms <=
				    st->elapse) {
					break;
				}
			}
			if (!q || rp->err[0]) {
				break;
			}
			deliver_slow(rp, q);
			run_network(rp);
		}
		for (;;) {
			for (q = rp->pending; q; q = q->next) {
				if (q->seq <= seq_limit && (long)q->timeout_ms
				    <= st->elapse) {
					break;
				}
			}
			if (!q || rp->err[0]) {
				break;
			}
			timeout_query(rp, q);
			run_network(rp);
		}
		/* The clients' deadlines (answer-timeout, serve-expired),
		 * which the mesh's timer runs in the daemon. */
		mesh_tick(rp->w->res->mesh);
		run_network(rp);
		run_probes(rp);
		break;
	}
	case RPL_SKIP_OUT_QUERIES:
		trace(rp, "  %d upstream queries not checked",
		    (int)(rp->nlog - rp->checked));
		rp->checked = rp->nlog;
		break;
	case RPL_CHECK_SIG_CHECKS: {
		uint64_t n = rp->w->res->env.ctr.sig_checks - rp->sig_checks;

		rp->sig_checks = rp->w->res->env.ctr.sig_checks;
		trace(rp, "  %llu signature checks", (unsigned long long)n);
		if (n > (uint64_t)st->elapse) {
			fail(rp, "step %d (line %d) CHECK_SIG_CHECKS: %llu "
			    "signature checks, at most %ld allowed", st->num,
			    st->line, (unsigned long long)n, st->elapse);
		}
		break;
	}
	case RPL_CHECK_PENDING: {
		long n = 0;

		for (q = rp->pending; q; q = q->next) {
			n++;
		}
		if (n != st->elapse) {
			fail(rp, "step %d (line %d) CHECK_PENDING: %ld upstream "
			    "queries pending, %ld expected", st->num, st->line,
			    n, st->elapse);
		}
		break;
	}
	case RPL_CHECK_STAT: {
		long v = stat_value(rp, st->text);

		trace(rp, "  %s = %ld", st->text, v);
		if (v < 0) {
			fail(rp, "step %d (line %d) CHECK_STAT: unknown counter "
			    "%s", st->num, st->line, st->text);
		} else if (v < st->elapse || v > st->max) {
			fail(rp, "step %d (line %d) CHECK_STAT: %s is %ld, "
			    "expected %ld to %ld", st->num, st->line, st->text,
			    v, st->elapse, st->max);
		}
		break;
	}
	case RPL_TRACE:
		trace(rp, "  trace %s %s", name_str(st->qname, buf,
		    sizeof(buf)), type_str(st->qtype, t, sizeof(t)));
		step_trace(rp, st);
		break;
	case RPL_CHECK_TRACE:
		step_check_trace(rp, st);
		break;
	case RPL_CHECK_AUTOTRUST:
		step_check_autotrust(rp, st);
		break;
	case RPL_CHECK_AUTOTRUST_FILE:
		step_check_autotrust_file(rp, st);
		break;
	case RPL_TIMEOUT:
		for (q = rp->pending; q; q = q->next) {
			if (!st->have_addr || addr_equal(&q->addr, &st->addr)) {
				break;
			}
		}
		if (!q && fault_mode) {
			/* The resolver took another path after a failed
			 * allocation: nothing to time out. */
			break;
		}
		if (!q) {
			fail(rp, "step %d (line %d) TIMEOUT: no upstream query "
			    "is pending%s", st->num, st->line, st->have_addr ?
			    " to that address" : "");
			break;
		}
		timeout_query(rp, q);
		run_network(rp);
		break;
	}
}

/** 1 in the fault mode: run_scenario() prints nothing. */
static int quiet;

/** What a run ended with, for the fault mode. */
struct run_result {
	/** The failure message, empty when the run passed. */
	char err[REPLAY_ERRLEN];
	/** Only an allocation of the harness failed, or the resolver could
	 * not be set up and said so: the run checks nothing. */
	int void_run;
	/** Client answers that were SERVFAIL in place of the scenario's. */
	int servfails;
};

/** Run a scenario.  0 passed, 1 failed; res (if not NULL) gets the
 * details. */
static int
run_scenario(struct rpl_scenario *sc, int verbose, struct run_result *res)
{
	struct replay *rp = calloc(1, sizeof(*rp));
	const struct rpl_step *st;
	int ret;

	if (!rp) {
		if (res) {
			res->void_run = 1;
			snprintf(res->err, sizeof(res->err), "out of memory");
		}
		if (!quiet) {
			printf("FAIL %s: out of memory\n", sc->file);
		}
		return 1;
	}
	rp->sc = sc;
	rp->verbose = verbose;
	if (setup(rp) == RES_OK) {
		for (st = sc->steps; st && !rp->err[0]; st = st->next) {
			run_step(rp, st);
		}
		if (!rp->err[0] && rp->answers) {
			fail(rp, "at SCENARIO_END: an answer to the query of "
			    "step %llu was not checked",
			    (unsigned long long)rp->answers->step);
		}
	} else {
		rp->setup_failed = 1;
		if (!rp->err[0]) {
			fail(rp, "cannot set up the resolver");
		}
	}
	teardown(rp);
	ret = rp->err[0] != '\0';
	if (res) {
		memcpy(res->err, rp->err, sizeof(res->err));
		res->void_run = rp->harness_oom || rp->setup_failed;
		res->servfails = rp->servfails;
	}
	if (!quiet) {
		printf("%s %s: %s\n", ret ? "FAIL" : "PASS", sc->file,
		    sc->title);
		if (ret) {
			printf("  %s\n", rp->err);
		}
	}
	free(rp);
	return ret;
}

#ifdef REPLAY_FAULT
#include "test/fault_wrap.h"

/** -f: run the scenario once, with this allocation failing (0: all). */
static long only_fault;

/**
 * The fault mode (test/replay_fault): run a scenario once to count its
 * allocations, then once per allocation with that one failing.  Nothing
 * may crash and (under ASan) nothing may leak, whatever fails; and every
 * client query of the scenario must get an answer, either the one the
 * scenario expects or SERVFAIL (the checks of what the resolver sends,
 * counts and keeps are skipped: those change once an allocation fails).
 * A run where the allocation that failed was the harness's own, or where
 * the resolver refused to start (as the daemon would, with a message),
 * checks nothing and is counted apart.
 * @return 0 when every run held, 1 otherwise.
 */
static int
run_faults(struct rpl_scenario *sc)
{
	struct run_result *res = malloc(sizeof(*res));
	long total, n, void_runs = 0, sf_runs = 0;

	if (!res) {
		printf("FAIL %s: out of memory\n", sc->file);
		return 1;
	}
	quiet = 1;
	fault_mode = 1;
	fault_at = 0;
	fault_count = 0;
	memset(res, 0, sizeof(*res));
	if (run_scenario(sc, 0, res) != 0) {
		printf("FAIL %s: without a fault: %s\n", sc->file, res->err);
		free(res);
		return 1;
	}
	total = fault_count;
	for (n = 1; n <= total; n++) {
		fault_count = 0;
		fault_hit = 0;
		fault_at = n;
		memset(res, 0, sizeof(*res));
		if (run_scenario(sc, 0, res) != 0 && !res->void_run) {
			fault_at = 0;
			printf("FAIL %s: with allocation %ld of %ld failing: "
			    "%s\n", sc->file, n, total, res->err);
			free(res);
			return 1;
		}
		void_runs += res->void_run;
		sf_runs += res->servfails > 0;
	}
	fault_at = 0;
	fault_mode = 0;
	quiet = 0;
	free(res);
	if (sc->fault_any_answer) {
		printf("PASS %s: each of its %ld allocations failed in turn: "
		    "no crash, every client query answered (FAULT_ANSWERS "
		    "any; %ld runs stopped in the harness or at set-up)\n",
		    sc->file, total, void_runs);
	} else {
		printf("PASS %s: each of its %ld allocations failed in turn: "
		    "no crash, every client query answered (SERVFAIL in %ld "
		    "runs, the expected answers in the others; %ld runs "
		    "stopped in the harness or at set-up)\n", sc->file, total,
		    sf_runs, void_runs);
	}
	return 0;
}
#endif

/** Print usage and exit. */
static void
usage(void)
{
	fprintf(stderr, "usage: replay [-v] [-t] file.rpl ...\n"
	    "  -v  trace every step, query and answer\n"
#ifdef REPLAY_FAULT
	    "  -f N  (fault mode) one run, its allocation N failing\n"
#endif
	    "  -t  print the TODO reason of each file (empty line if none) "
	    "and exit\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	int verbose = 0, todo = 0, i, failed = 0, unreadable = 0, c;

	while ((c = getopt(argc, argv, "vthf:")) != -1) {
		switch (c) {
#ifdef REPLAY_FAULT
		case 'f':
			only_fault = atol(optarg);
			break;
#endif
		case 'v':
			verbose = 1;
			break;
		case 't':
			todo = 1;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc) {
		usage();
	}
	log_verbosity = verbose ? VERB_ALGO : VERB_NONE;
	for (i = optind; i < argc; i++) {
		struct rpl_scenario *sc = scenario_read(argv[i]);

		if (!sc) {
			printf("FAIL %s: the scenario cannot be read\n",
			    argv[i]);
			unreadable = 1;
			continue;
		}
		if (todo) {
			printf("%s\n", sc->todo);
		} else {
#ifdef REPLAY_FAULT
			if (only_fault > 0) {
				/* One run, allocation only_fault failing. */
				fault_mode = 1;
				fault_count = 0;
				fault_at = only_fault;
				failed |= run_scenario(sc, verbose, NULL);
				fault_at = 0;
			} else {
				failed |= run_faults(sc);
			}
#else
			failed |= run_scenario(sc, verbose, NULL);
#endif
		}
		scenario_free(sc);
	}
	return unreadable ? 2 : failed ? 1 : 0;
}
