/*
 * daemon/remote.c - the control channel of the daemon: sockets, TLS,
 * the request line and every command.  See remote.h for the protocol
 * and the threading.
 *
 * Every connection is served on the main thread's event loop from
 * accept to close (struct rc_pending, at most RC_MAX_PENDING at once),
 * side by side, never waiting for one client:
 * - its TLS handshake and request line are read as they come, within
 *   REMOTE_IO_TIMEOUT of the accept;
 * - a command with a text after the request line (load_cache) has all
 *   of it read into memory up to "%end" (at most RC_BODY_MAX, else
 *   refused) within RC_BODY_TIMEOUT of the request line, however slowly
 *   it comes: the command never reads the socket;
 * - the command then runs to its end on the main thread.  Its output
 *   goes through a small buffer (struct rc_conn) whose contents are
 *   written as far as the socket takes them at once; the rest is kept
 *   in memory (the spill, at most RC_SPILL_MAX: beyond it the connection
 *   is failed and the command stops at its next write), so a dump
 *   streams to a client that reads, and a client that does not read
 *   costs memory, never time.  This also holds while a dump walks a
 *   cache holding a shard lock the workers may need;
 * - when the command returns, what the socket has not taken is sent
 *   from the event loop as the socket becomes writable (TLS writes that
 *   want to read or write first are repeated), within
 *   RC_OUTPUT_TIMEOUT; then the connection is closed.  A connection
 *   whose time is up is closed and its memory freed.
 * Once a write fails (client gone) the connection is marked failed and
 * further output is discarded.  daemon_remote_detach() frees every
 * connection in any phase.
 *
 * trace hands its connection to a thread of its own (rc->detached):
 * that thread waits for the traced query and writes its output with
 * blocking writes bounded by REMOTE_IO_TIMEOUT each (rc_conn.blocking),
 * off the main thread.
 */
#include "config.h"
#include "daemon/remote.h"
#include "daemon/daemon.h"
#include "daemon/diag.h"
#include "daemon/stats.h"
#include "daemon/dnstap.h"
#include "daemon/trace.h"
#include "iterator/delegpt.h"
#include "iterator/hints.h"
#include "util/region.h"
#include "daemon/localzone.h"
#include "services/mesh.h"
#include "services/modstack.h"
#include "daemon/worker.h"
#include "cache/dump.h"
#include "cache/infra.h"
#include "cache/keycache.h"
#include "cache/negcache.h"
#include "cache/msgcache.h"
#include "cache/rrset.h"
#include "services/outside_network.h"
#include "validator/trust_anchor.h"
#include "util/config_file.h"
#include "validator/validator.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/log.h"
#include "util/netevent.h"
#include "util/reply.h"
#include "util/rrtype.h"
#include "util/strbuf.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/** Most traces running at once. */
#define RC_MAX_TRACES 4

/** Traces running (atomic). */
static int rc_traces;

/** Most control interfaces served. */
#define RC_MAX_IFS 8
/** Longest line read: a dump line of the largest RDATA in generic hex
 * form (2 * 65535 characters) fits, as does a local_data RR. */
#define RC_LINE_MAX (256 * 1024)
/** Most output of a connection held in memory, not yet taken by the
 * client (see rc_conn.spillbuf); beyond it the command is stopped. */
#define RC_SPILL_MAX (64 * 1024 * 1024)
/** Most text after a request line (load_cache), read into memory before
 * the command runs; a longer text is refused. */
#define RC_BODY_MAX (64 * 1024 * 1024)
/** Seconds the text after a request line may take, all of it: a client
 * that trickles it does not get longer. */
#define RC_BODY_TIMEOUT (REMOTE_IO_TIMEOUT * 2)
/** Seconds the output of a command may take to be sent, all of it, once
 * the command is done. */
#define RC_OUTPUT_TIMEOUT (REMOTE_IO_TIMEOUT * 2)
/** Largest TLS record written at once. */
#define RC_TLS_CHUNK 16384
/** Output buffer of a connection. */
#define RC_OUT_SIZE 16384
/** Most connections on the event loop at once (reading their request
 * or sending their output); more are closed. */
#define RC_MAX_PENDING 64

struct rc_pending;

/** One listening control socket. */
struct rc_listen {
	/** The socket. */
	int fd;
	/** 1 when connections on it speak TLS. */
	int tls;
	/** The watcher on the main base while attached. */
	struct comm_fd *ev;
	/** Back to the channel. */
	struct daemon_remote *rc;
	/** Unix socket path to remove at the end (owned), or NULL. */
	char *path;
	/** The directory made for it (owned), or NULL. */
	char *madedir;
};

/** The control channel. */
struct daemon_remote {
	/** Listening sockets. */
	struct rc_listen ls[RC_MAX_IFS];
	/** Their number. */
	int nls;
	/** TLS context for TCP sockets with control-use-cert, or NULL. */
	SSL_CTX *ctx;
	/** The daemon while attached. */
	struct daemon *d;
	/** Snapshots for "stats" (reset), one per worker; owned. */
	struct stats_thread *snap;
	/** Their number. */
	int nsnap;
	/** Time of the last reset (for time.elapsed). */
	struct timeval last_reset;
	/** Set by a command whose connection a thread took over (trace):
	 * rc_pending_run() then leaves the connection alone.  Main thread
	 * only: the connection itself may be gone by the time it is read. */
	int detached;
	/** Connections on the event loop (struct rc_pending): reading
	 * their request or sending their output. */
	struct rc_pending *pending;
	/** Their number. */
	int npending;
};

/** One control connection being served. */
struct rc_conn {
	/** The socket. */
	int fd;
	/** TLS state, or NULL for a plain connection. */
	SSL *ssl;
	/** Input buffer. */
	char in[4096];
	/** Bytes in it and the read position. */
	size_t inlen, inpos;
	/** The text that follows the request line (load_cache), "%end"
	 * line included, read on the event loop before the command runs;
	 * rc_read_line() reads it. */
	struct strbuf body;
	/** The read position in it. */
	size_t bodypos;
	/** Output buffer. */
	char out[RC_OUT_SIZE];
	/** Bytes in it. */
	size_t outlen;
	/** 1 once a read or write failed: nothing more goes out. */
	int failed;
	/** 0 on the main thread: output is written only as far as the
	 * socket takes it at once, never waiting; the rest is kept in
	 * spillbuf and sent from the event loop.  1 on a thread of its own
	 * (trace): writes block, bounded by socket timeouts. */
	int blocking;
	/** Output the socket has not taken yet: spillbuf[spillpos ..
	 * spilllen), at most RC_SPILL_MAX; malloced. */
	char *spillbuf;
	/** Its first byte not sent, its end, and its size. */
	size_t spillpos, spilllen, spillcap;
	/** Length of a TLS write to repeat (it wanted to read or write
	 * first), or 0. */
	int tlswant;
};

/** Read raw bytes; >0 count, 0 end, -1 error, -2 nothing now (on a
 * socket with a receive timeout: the timeout).  Callers that wait take
 * anything below 1 as the end. */
static int
rc_recv(struct rc_conn *c, char *buf, size_t len)
{
	int r;

	if (c->ssl) {
		r = SSL_read(c->ssl, buf, (int)len);
		if (r > 0) {
			return r;
		}
		r = SSL_get_error(c->ssl, r);
		return r == SSL_ERROR_ZERO_RETURN ? 0 :
		    r == SSL_ERROR_WANT_READ || r == SSL_ERROR_WANT_WRITE ?
		    -2 : -1;
	}
	do {
		r = (int)read(c->fd, buf, len);
	} while (r < 0 && errno == EINTR);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		return -2;
	}
	return r < 0 ? -1 : r;
}

/** Note that a write failed: the connection is failed. */
static void
rc_write_failed(struct rc_conn *c)
{
	verbose(VERB_OPS, "control: client write failed (gone or too slow)");
	c->failed = 1;
}

/** Write buf to the client, blocking (bounded by the socket timeout):
 * for a connection on a thread of its own (blocking).  0 or -1 (then
 * the connection failed). */
static int
rc_send(struct rc_conn *c, const char *buf, size_t len)
{
	size_t done = 0;
	int r;

	while (!c->failed && done < len) {
		if (c->ssl) {
			r = SSL_write(c->ssl, buf + done, (int)(len - done));
		} else {
			r = (int)send(c->fd, buf + done, len - done,
			    MSG_NOSIGNAL);
			if (r < 0 && errno == EINTR) {
				continue;
			}
		}
		if (r <= 0) {
			rc_write_failed(c);
			break;
		}
		done += (size_t)r;
	}
	return c->failed ? -1 : 0;
}

/** Write what the socket takes of buf now, without waiting.
 * @return the bytes written, 0 when the socket takes nothing now, -1 on
 *	error (the connection is then failed). */
static int
rc_send_some(struct rc_conn *c, const char *buf, size_t len)
{
	int r;

	if (c->ssl) {
		/* A write that wanted I/O is repeated with its length (the
		 * data is the same, at the front of the spill). */
		int n = c->tlswant ? c->tlswant : len > RC_TLS_CHUNK ?
		    RC_TLS_CHUNK : (int)len;

		ERR_clear_error();
		r = SSL_write(c->ssl, buf, n);
		if (r > 0) {
			c->tlswant = 0;
			return r;
		}
		r = SSL_get_error(c->ssl, r);
		if (r == SSL_ERROR_WANT_WRITE || r == SSL_ERROR_WANT_READ) {
			c->tlswant = n;
			return 0;
		}
		rc_write_failed(c);
		return -1;
	}
	do {
		r = (int)send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (r < 0 && errno == EINTR);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		return 0;
	}
	if (r <= 0) {
		rc_write_failed(c);
		return -1;
	}
	return r;
}

/** Keep output in the spill buffer.  0 or -1 (too much: failed). */
static int
rc_spill(struct rc_conn *c, const char *buf, size_t len)
{
	if (c->spillpos > 0 && c->spilllen + len > c->spillcap) {
		/* Room at the front first. */
		memmove(c->spillbuf, c->spillbuf + c->spillpos,
		    c->spilllen - c->spillpos);
		c->spilllen -= c->spillpos;
		c->spillpos = 0;
	}
	if (c->spilllen + len > c->spillcap) {
		size_t cap = c->spillcap ? c->spillcap : 65536;
		char *n;

		while (cap < c->spilllen + len) {
			cap *= 2;
		}
		if (cap > RC_SPILL_MAX || !(n = realloc(c->spillbuf, cap))) {
			verbose(VERB_OPS, "control: client too slow: more than "
			    "%d bytes of output not taken; stopped",
			    RC_SPILL_MAX);
			c->failed = 1;
			return -1;
		}
		c->spillbuf = n;
		c->spillcap = cap;
	}
	memcpy(c->spillbuf + c->spilllen, buf, len);
	c->spilllen += len;
	return 0;
}

/** Send what the socket takes of the spill now, without waiting.
 * @return 1 when all of it is sent, 0 when some is left, -1 when the
 *	connection failed. */
static int
rc_push(struct rc_conn *c)
{
	int r;

	while (!c->failed && c->spillpos < c->spilllen) {
		r = rc_send_some(c, c->spillbuf + c->spillpos,
		    c->spilllen - c->spillpos);
		if (r <= 0) {
			break;
		}
		c->spillpos += (size_t)r;
	}
	if (c->failed) {
		return -1;
	}
	if (c->spillpos < c->spilllen) {
		return 0;
	}
	c->spillpos = c->spilllen = 0;
	return 1;
}

/** Send everything buffered: on the main thread as far as the socket
 * takes it now (the rest waits in the spill, in order), on a thread of
 * its own to the end.  0 or -1 (then the connection failed). */
static int
rc_flush(struct rc_conn *c)
{
	if (c->failed) {
		c->outlen = 0;
		return -1;
	}
	if (c->blocking) {
		if (c->spillpos < c->spilllen) {
			(void)rc_send(c, c->spillbuf + c->spillpos,
			    c->spilllen - c->spillpos);
			c->spillpos = c->spilllen = 0;
		}
		(void)rc_send(c, c->out, c->outlen);
	} else if (c->outlen > 0 && rc_spill(c, c->out, c->outlen) == 0) {
		(void)rc_push(c);
	}
	c->outlen = 0;
	return c->failed ? -1 : 0;
}

/** Queue output.  0 or -1 once the connection failed. */
static int
rc_write(struct rc_conn *c, const char *text, size_t len)
{
	while (!c->failed && len > 0) {
		size_t n = RC_OUT_SIZE - c->outlen;

		if (n > len) {
			n = len;
		}
		memcpy(c->out + c->outlen, text, n);
		c->outlen += n;
		text += n;
		len -= n;
		if (c->outlen == RC_OUT_SIZE) {
			(void)rc_flush(c);
		}
	}
	return c->failed ? -1 : 0;
}

/** printf to the connection.  0 or -1. */
static int
rc_printf(struct rc_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
rc_printf(struct rc_conn *c, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0) {
		return -1;
	}
	if ((size_t)n >= sizeof(buf)) {
		n = (int)sizeof(buf) - 1;
	}
	return rc_write(c, buf, (size_t)n);
}

/**
 * Move the buffered input of a connection into a line, up to its newline.
 * @param buf, sz: the line and its size; *len its length so far.
 * @return 1 when the line is complete (NUL-terminated, without its
 *	newline or a CR before it), 0 when the buffered input ran out
 *	first, -1 for a line longer than sz - 1.
 */
static int
rc_line_take(struct rc_conn *c, char *buf, size_t sz, size_t *len)
{
	while (c->inpos < c->inlen) {
		char ch = c->in[c->inpos++];

		if (ch == '\n') {
			if (*len > 0 && buf[*len - 1] == '\r') {
				(*len)--;
			}
			buf[*len] = 0;
			return 1;
		}
		if (*len + 1 >= sz) {
			return -1;
		}
		buf[(*len)++] = ch;
	}
	return 0;
}

/**
 * Read one line (without its newline) of the text that followed the
 * request line (read before the command ran) into buf.
 * @return its length, or -1 at the end of the text or for a line longer
 *	than sz - 1 (the connection is then failed).
 */
static int
rc_read_line(struct rc_conn *c, char *buf, size_t sz)
{
	const char *s, *nl;
	size_t len;

	if (!c->body.p || c->bodypos >= c->body.len) {
		c->failed = 1;
		return -1;
	}
	s = c->body.p + c->bodypos;
	nl = memchr(s, '\n', c->body.len - c->bodypos);
	len = nl ? (size_t)(nl - s) : c->body.len - c->bodypos;
	c->bodypos += len + (nl ? 1 : 0);
	if (len > 0 && s[len - 1] == '\r') {
		len--;
	}
	if (len + 1 > sz) {
		c->failed = 1;
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = 0;
	return (int)len;
}

/** Free a connection and close its socket. */
static void
rc_conn_free(struct rc_conn *c)
{
	if (!c) {
		return;
	}
	SSL_free(c->ssl);
	free(c->spillbuf);
	strbuf_free(&c->body);
	if (c->fd != -1) {
		close(c->fd);
	}
	free(c);
}

/** Finish a command: the status line. */
static void
rc_status(struct rc_conn *c, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
rc_status(struct rc_conn *c, int ok, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	buf[0] = 0;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
	}
	if (ok) {
		(void)rc_write(c, "%ok\n", 4);
	} else {
		(void)rc_printf(c, "%%error %s\n", buf);
	}
	(void)rc_flush(c);
}

/** Skip white space. */
static char *
rc_skip(char *s)
{
	while (*s == ' ' || *s == '\t') {
		s++;
	}
	return s;
}

/** Split off the first word of s: returns it, s advanced past it. */
static char *
rc_word(char **s)
{
	char *w = rc_skip(*s), *e = w;

	while (*e && *e != ' ' && *e != '\t') {
		e++;
	}
	if (*e) {
		*e++ = 0;
	}
	*s = rc_skip(e);
	return w;
}

/*
 * status, stop, reload, verbosity.
 */

/** "status". */
static void
rc_cmd_status(struct rc_conn *c, struct daemon_remote *rc)
{
	struct daemon *d = rc->d;

	rc_printf(c, "version: %s\n", PACKAGE_VERSION);
	rc_printf(c, "verbosity: %d\n", (int)log_verbosity);
	rc_printf(c, "threads: %d\n", d->num_workers);
	rc_printf(c, "modules: %s\n", d->cfg->module_config ?
	    d->cfg->module_config : "iterator");
	rc_printf(c, "uptime: %ld seconds\n", (long)time(NULL) -
	    d->start_time);
	rc_printf(c, "resolute (pid %d) is running...\n", (int)getpid());
	rc_status(c, 1, NULL);
}

/** "verbosity N". */
static void
rc_cmd_verbosity(struct rc_conn *c, char *arg)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (!*arg || *end || v < 0 || v > 5) {
		rc_status(c, 0, "verbosity needs a number 0 to 5");
		return;
	}
	log_verbosity = (int)v;
	log_info("control: verbosity %ld", v);
	rc_printf(c, "ok\n");
	rc_status(c, 1, NULL);
}

/*
 * Statistics.
 */

/** The counters of one worker now, minus the snapshot. */
static void
rc_worker_now(struct daemon_remote *rc, int i, struct stats_thread *out,
    int reset)
{
	struct stats_thread now;

	stats_thread_read(rc->d->workers[i], &now);
	*out = now;
	if (i < rc->nsnap) {
		stats_thread_add(out, &rc->snap[i], -1);
		if (reset) {
			rc->snap[i] = now;
		}
	}
}

/** Print the counters of one thread or the total under a prefix. */
static void
rc_print_thread(struct rc_conn *c, const char *p, const struct stats_thread *s,
    size_t current)
{
	uint64_t q = s->w.num_cache_hits + s->w.num_cache_misses;

	rc_printf(c, "%s.num.queries=%llu\n", p,
	    (unsigned long long)s->w.num_queries);
	rc_printf(c, "%s.num.queries_local=%llu\n", p,
	    (unsigned long long)s->w.num_local);
	rc_printf(c, "%s.num.cachehits=%llu\n", p,
	    (unsigned long long)s->w.num_cache_hits);
	rc_printf(c, "%s.num.cachemiss=%llu\n", p,
	    (unsigned long long)s->w.num_cache_misses);
	rc_printf(c, "%s.num.recursivereplies=%llu\n", p,
	    (unsigned long long)s->m.num_replies);
	rc_printf(c, "%s.requestlist.max=%llu\n", p,
	    (unsigned long long)s->m.max_states);
	rc_printf(c, "%s.requestlist.overwritten=%llu\n", p,
	    (unsigned long long)s->m.num_jostled);
	rc_printf(c, "%s.requestlist.exceeded=%llu\n", p,
	    (unsigned long long)s->w.num_requestlist_exceeded);
	rc_printf(c, "%s.requestlist.current.all=%llu\n", p,
	    (unsigned long long)current);
	rc_printf(c, "%s.recursion.time.avg=%.6f\n", p,
	    s->m.num_replies ? (double)s->m.sum_rec_time_us /
	    (double)s->m.num_replies / 1e6 : 0.0);
	rc_printf(c, "%s.recursion.time.median=%.6f\n", p,
	    stats_hist_quantile(s->m.rec_hist, 0.5));
	rc_printf(c, "%s.num.queries_cache_ratio=%.4f\n", p,
	    q ? (double)s->w.num_cache_hits / (double)q : 0.0);
}

/** Print a named counter when non-zero. */
static void
rc_print_nz(struct rc_conn *c, const char *name, const char *what,
    uint64_t v)
{
	if (v) {
		rc_printf(c, "%s.%s=%llu\n", name, what,
		    (unsigned long long)v);
	}
}

/** The extended statistics (extended-statistics: yes): queries by type,
 * class, opcode, flag and EDNS, answers by rcode. */
static void
rc_print_extended(struct rc_conn *c, const struct stats_thread *s)
{
	uint64_t ans[16];
	int i;

	for (i = 0; i < 256; i++) {
		char tn[32];

		if (s->w.qtype[i] && rrtype_to_str((uint16_t)i, tn,
		    sizeof(tn)) >= 0) {
			rc_print_nz(c, "num.query.type", tn, s->w.qtype[i]);
		}
	}
	rc_print_nz(c, "num.query.type", "other", s->w.qtype_big);
	for (i = 0; i < 256; i++) {
		char cn[32];

		if (s->w.qclass[i] && rrclass_to_str((uint16_t)i, cn,
		    sizeof(cn)) >= 0) {
			rc_print_nz(c, "num.query.class", cn, s->w.qclass[i]);
		}
	}
	rc_print_nz(c, "num.query.class", "other", s->w.qclass_big);
	for (i = 0; i < 16; i++) {
		static const char *const ops[16] = { "QUERY", "IQUERY",
		    "STATUS", "OPCODE3", "NOTIFY", "UPDATE" };
		char on[16];

		snprintf(on, sizeof(on), "%s", i < 6 ? ops[i] : "OPCODE");
		if (i >= 6) {
			snprintf(on, sizeof(on), "OPCODE%d", i);
		}
		rc_print_nz(c, "num.query.opcode", on, s->w.qopcode[i]);
	}
	rc_printf(c, "num.query.tcp=%llu\n", (unsigned long long)s->w.num_tcp);
	rc_printf(c, "num.answer.truncated_mtu=%llu\n",
	    (unsigned long long)s->w.num_mtu_truncated);
	rc_printf(c, "num.query.flags.QR=%llu\n",
	    (unsigned long long)s->w.qbit_qr);
	rc_printf(c, "num.query.flags.AA=%llu\n",
	    (unsigned long long)s->w.qbit_aa);
	rc_printf(c, "num.query.flags.TC=%llu\n",
	    (unsigned long long)s->w.qbit_tc);
	rc_printf(c, "num.query.flags.RD=%llu\n",
	    (unsigned long long)s->w.qbit_rd);
	rc_printf(c, "num.query.flags.RA=%llu\n",
	    (unsigned long long)s->w.qbit_ra);
	rc_printf(c, "num.query.flags.Z=%llu\n",
	    (unsigned long long)s->w.qbit_z);
	rc_printf(c, "num.query.flags.AD=%llu\n",
	    (unsigned long long)s->w.qbit_ad);
	rc_printf(c, "num.query.flags.CD=%llu\n",
	    (unsigned long long)s->w.qbit_cd);
	rc_printf(c, "num.query.edns.present=%llu\n",
	    (unsigned long long)s->w.qedns);
	rc_printf(c, "num.query.edns.DO=%llu\n",
	    (unsigned long long)s->w.qedns_do);
	/* Answers: those the worker wrote plus those the mesh sent. */
	for (i = 0; i < 16; i++) {
		static const char *const rc_names[] = { "NOERROR", "FORMERR",
		    "SERVFAIL", "NXDOMAIN", "NOTIMPL", "REFUSED" };
		char rn[16];

		ans[i] = s->w.ans_rcode[i] + s->m.ans_rcode[i];
		if (i < 6) {
			snprintf(rn, sizeof(rn), "%s", rc_names[i]);
		} else {
			snprintf(rn, sizeof(rn), "RCODE%d", i);
		}
		if (i < 6 || ans[i]) {
			rc_printf(c, "num.answer.rcode.%s=%llu\n", rn,
			    (unsigned long long)ans[i]);
		}
	}
}

/** Write a text made in a strbuf and the status line (an error when the
 * text is incomplete); frees the text. */
static void
rc_strbuf_end(struct rc_conn *c, struct strbuf *b)
{
	if (b->oom) {
		strbuf_free(b);
		rc_status(c, 0, "out of memory");
		return;
	}
	(void)rc_write(c, b->p, b->len);
	strbuf_free(b);
	rc_status(c, 1, NULL);
}

/** "stats" and "stats_noreset". */
static void
rc_cmd_stats(struct rc_conn *c, struct daemon_remote *rc, int reset)
{
	struct daemon *d = rc->d;
	struct stats_thread t, s;
	struct rrset_cache_stats rst;
	struct msg_cache_stats mst;
	struct timeval now;
	size_t cur, tcur = 0;
	char name[64];
	int i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < d->num_workers; i++) {
		rc_worker_now(rc, i, &s, reset);
		cur = mesh_count(d->workers[i]->res->mesh);
		tcur += cur;
		snprintf(name, sizeof(name), "thread%d", i);
		rc_print_thread(c, name, &s, cur);
		stats_thread_add(&t, &s, 1);
		t.m.max_states = i == 0 || s.m.max_states > t.m.max_states ?
		    s.m.max_states : t.m.max_states;
	}
	rc_print_thread(c, "total", &t, tcur);
	rrset_cache_get_stats(d->rrset_cache, &rst);
	msg_cache_get_stats(d->msg_cache, &mst);
	rc_printf(c, "num.answer.secure=%llu\n",
	    (unsigned long long)t.w.mod.secure);
	rc_printf(c, "num.answer.insecure=%llu\n",
	    (unsigned long long)t.w.mod.insecure);
	rc_printf(c, "num.answer.bogus=%llu\n",
	    (unsigned long long)t.w.mod.bogus);
	rc_printf(c, "num.val.sig_checks=%llu\n",
	    (unsigned long long)t.w.mod.sig_checks);
	rc_printf(c, "total.num.prefetch=%llu\n",
	    (unsigned long long)(rst.prefetch + mst.prefetch));
	gettimeofday(&now, NULL);
	rc_printf(c, "time.now=%lld.%06ld\n", (long long)now.tv_sec,
	    (long)now.tv_usec);
	rc_printf(c, "time.up=%ld\n", (long)now.tv_sec - d->start_time);
	rc_printf(c, "time.elapsed=%.6f\n", (double)(now.tv_sec -
	    rc->last_reset.tv_sec) + (double)(now.tv_usec -
	    rc->last_reset.tv_usec) / 1e6);
	if (reset) {
		rc->last_reset = now;
	}
	rc_printf(c, "mem.cache.rrset=%zu\n",
	    rrset_cache_memory(d->rrset_cache));
	rc_printf(c, "mem.cache.message=%zu\n",
	    msg_cache_memory(d->msg_cache));
	rc_printf(c, "mem.cache.infra=%zu\n",
	    infra_cache_memory(d->infra_cache));
	rc_printf(c, "mem.cache.key=%zu\n", key_cache_memory(d->key_cache));
	if (d->cfg->extended_statistics) {
		rc_print_extended(c, &t);
	}
	rc_printf(c, "num.query.dropped.malformed=%llu\n",
	    (unsigned long long)t.w.num_dropped_malformed);
	rc_printf(c, "num.query.acl.dropped=%llu\n",
	    (unsigned long long)t.w.num_acl_dropped);
	rc_printf(c, "num.query.acl.refused=%llu\n",
	    (unsigned long long)t.w.num_acl_refused);
	rc_printf(c, "num.query.cookie.valid=%llu\n",
	    (unsigned long long)t.w.num_cookie_valid);
	rc_printf(c, "num.query.cookie.bad=%llu\n",
	    (unsigned long long)t.w.num_badcookie);
	rc_printf(c, "num.tcp.acl_closed=%llu\n",
	    (unsigned long long)t.w.tcp_acl_closed);
	rc_printf(c, "num.tcp.limit_closed=%llu\n",
	    (unsigned long long)t.w.tcp_limit_closed);
	rc_printf(c, "num.tcp.timeout_closed=%llu\n",
	    (unsigned long long)t.w.tcp_timeout_closed);
	rc_printf(c, "num.query.outgoing.cookie_mismatch=%llu\n",
	    (unsigned long long)t.o.cookie_mismatch);
	rc_printf(c, "num.query.outgoing.badcookie=%llu\n",
	    (unsigned long long)t.o.cookie_bad);
	rc_printf(c, "num.query.outgoing.udp=%llu\n",
	    (unsigned long long)t.o.queries_udp);
	rc_printf(c, "num.query.outgoing.tcp=%llu\n",
	    (unsigned long long)t.o.queries_tcp);
	rc_printf(c, "num.query.outgoing.timeouts=%llu\n",
	    (unsigned long long)t.o.timeouts);
	rc_printf(c, "num.query.outgoing.shared=%llu\n",
	    (unsigned long long)t.o.shared);
	rc_printf(c, "num.query.budget_exceeded=%llu\n",
	    (unsigned long long)t.m.num_budget_exceeded);
	rc_printf(c, "num.answer.stale=%llu\n",
	    (unsigned long long)(t.w.num_stale + t.m.num_stale));
	rc_printf(c, "num.answer.timeout=%llu\n",
	    (unsigned long long)t.m.num_answer_timeout);
	rc_printf(c, "num.query.prefetch=%llu\n",
	    (unsigned long long)t.m.num_prefetch);
	rc_printf(c, "num.query.background_dropped=%llu\n",
	    (unsigned long long)t.m.num_background_dropped);
	rc_printf(c, "num.query.target_limit=%llu\n",
	    (unsigned long long)t.w.mod.target_limit);
	rc_printf(c, "num.query.parent_fallback=%llu\n",
	    (unsigned long long)t.w.mod.parent_fallback);
	rc_printf(c, "num.query.target_refetch=%llu\n",
	    (unsigned long long)t.w.mod.target_refetch);
	rc_printf(c, "num.query.outgoing.caps_mismatch=%llu\n",
	    (unsigned long long)t.w.mod.caps_mismatch);
	rc_printf(c, "num.query.outgoing.suspect=%llu\n",
	    (unsigned long long)t.w.mod.suspect);
	rc_printf(c, "num.query.outgoing.tcp_escalated=%llu\n",
	    (unsigned long long)t.w.mod.tcp_escalated);
	rc_printf(c, "num.query.outgoing.caps_disabled=%llu\n",
	    (unsigned long long)t.w.mod.caps_disabled);
	rc_printf(c, "num.query.outgoing.tcp_servers=%llu\n",
	    (unsigned long long)t.w.mod.tcp_servers);
	rc_printf(c, "num.query.compare.compared=%llu\n",
	    (unsigned long long)t.w.mod.cmp_compared);
	rc_printf(c, "num.query.compare.agreed=%llu\n",
	    (unsigned long long)t.w.mod.cmp_agreed);
	rc_printf(c, "num.query.compare.pool=%llu\n",
	    (unsigned long long)t.w.mod.cmp_pool);
	rc_printf(c, "num.query.compare.majority=%llu\n",
	    (unsigned long long)t.w.mod.cmp_majority);
	rc_printf(c, "num.query.compare.failed=%llu\n",
	    (unsigned long long)t.w.mod.cmp_failed);
	rc_printf(c, "num.query.compare.single=%llu\n",
	    (unsigned long long)t.w.mod.cmp_single);
	if (d->stack.cachedb) {
		static const char *lat[CACHEDB_LAT_BUCKETS] = { "0.5ms",
		    "1ms", "2ms", "4ms", "8ms", "16ms", "32ms", "inf" };
		int i;

		rc_printf(c, "cachedb.hits=%llu\n",
		    (unsigned long long)t.w.mod.cachedb_hits);
		rc_printf(c, "cachedb.misses=%llu\n",
		    (unsigned long long)t.w.mod.cachedb_misses);
		rc_printf(c, "cachedb.stores=%llu\n",
		    (unsigned long long)t.w.mod.cachedb_stores);
		rc_printf(c, "cachedb.errors=%llu\n",
		    (unsigned long long)t.w.mod.cachedb_errors);
		rc_printf(c, "cachedb.timeouts=%llu\n",
		    (unsigned long long)t.w.mod.cachedb_timeouts);
		rc_printf(c, "cachedb.bad_values=%llu\n",
		    (unsigned long long)t.w.mod.cachedb_bad_values);
		rc_printf(c, "cachedb.moved=%llu\n",
		    (unsigned long long)t.w.mod.cachedb_moved);
		rc_printf(c, "cachedb.ask=%llu\n",
		    (unsigned long long)t.w.mod.cachedb_ask);
		rc_printf(c, "cachedb.map_reads=%llu\n",
		    (unsigned long long)t.w.mod.cachedb_map_reads);
		for (i = 0; i < CACHEDB_LAT_BUCKETS; i++) {
			rc_printf(c, "cachedb.latency.below_%s=%llu\n", lat[i],
			    (unsigned long long)t.w.mod.cachedb_lat[i]);
		}
	}
	rc_printf(c, "num.query.ratelimited=%llu\n",
	    (unsigned long long)t.w.mod.ratelimited);
	rc_printf(c, "num.query.ratelimit_passed=%llu\n",
	    (unsigned long long)t.w.mod.ratelimit_passed);
	rc_printf(c, "num.query.ip_ratelimited=%llu\n",
	    (unsigned long long)t.w.num_ip_ratelimited);
	rc_printf(c, "num.query.ip_ratelimited_tc=%llu\n",
	    (unsigned long long)t.w.num_ip_ratelimited_tc);
	rc_printf(c, "num.query.aggressive.NXDOMAIN=%llu\n",
	    (unsigned long long)t.w.mod.aggressive_nxdomain);
	rc_printf(c, "num.query.aggressive.NOERROR=%llu\n",
	    (unsigned long long)t.w.mod.aggressive_nodata);
	rc_printf(c, "num.query.aggressive.wildcard=%llu\n",
	    (unsigned long long)t.w.mod.aggressive_wildcard);
	rc_printf(c, "unwanted.replies=%llu\n",
	    (unsigned long long)t.o.unwanted);
	if (d->dtenv) {
		/* Since the start: "stats" does not reset them. */
		struct dnstap_counts dc;

		dnstap_env_counts(d->dtenv, &dc);
		rc_printf(c, "dnstap.sent=%llu\n",
		    (unsigned long long)dc.sent);
		rc_printf(c, "dnstap.dropped=%llu\n",
		    (unsigned long long)dc.dropped);
	}
	if (d->roll) {
		struct strbuf b = { 0 };

		stats_rates_text(d->roll, &b);
		rc_strbuf_end(c, &b);
		return;
	}
	rc_status(c, 1, NULL);
}

/** "stats_json": the counters since start and, with rolling statistics
 * on, the rates of the three windows, as one JSON object (as the HTTP
 * endpoint's /api/stats).  Never resets. */
static void
rc_cmd_stats_json(struct rc_conn *c, struct daemon_remote *rc)
{
	struct strbuf b = { 0 };

	stats_json(rc->d, rc->d->roll, &b);
	rc_strbuf_end(c, &b);
}

/*
 * Cache dump and load.
 */

/** dump_write_fn onto a connection. */
static int
rc_dump_write(void *arg, const char *text, size_t len)
{
	return rc_write(arg, text, len) != 0;
}

/** "dump_cache". */
static void
rc_cmd_dump_cache(struct rc_conn *c, struct daemon_remote *rc)
{
	int r;

	/* The walk holds a shard lock while it writes: output never waits
	 * for the client (rc_flush()), so neither do the workers. */
	r = dump_cache_write(rc->d->rrset_cache, rc->d->msg_cache,
	    time(NULL), rc_dump_write, c);

	if (r != RES_OK) {
		rc_status(c, 0, "dump stopped: %s", res_strerror(r));
		return;
	}
	rc_status(c, 1, NULL);
}

/** "load_cache": the dump follows, ended by "%end". */
static void
rc_cmd_load_cache(struct rc_conn *c, struct daemon_remote *rc, char *line)
{
	struct dump_load *l = dump_load_create();
	size_t nr, nm;
	const char *err;
	int lineno, n;

	if (!l) {
		rc_status(c, 0, "out of memory");
		return;
	}
	/* The text is in memory, read on the event loop up to "%end"
	 * before the command ran. */
	while ((n = rc_read_line(c, line, RC_LINE_MAX)) >= 0) {
		if (strcmp(line, "%end") == 0) {
			break;
		}
		(void)dump_load_line(l, line);
	}
	if (n < 0) {
		log_warn("control: load_cache: the text ended before %%end; "
		    "nothing loaded");
		dump_load_delete(l);
		return;
	}
	if (dump_load_store(l, rc->d->rrset_cache, rc->d->msg_cache,
	    time(NULL), &nr, &nm) != RES_OK) {
		err = dump_load_error(l, &lineno);
		rc_status(c, 0, "line %d: %s; nothing loaded", lineno,
		    err ? err : "error");
		dump_load_delete(l);
		return;
	}
	dump_load_delete(l);
	/* Validated NSEC and NSEC3 records loaded answer aggressively
	 * too. */
	(void)neg_cache_index_rrsets(rc->d->neg_cache, rc->d->rrset_cache,
	    time(NULL), val_nsec3_next_name);
	rc_printf(c, "loaded %zu rrsets, %zu messages\n", nr, nm);
	rc_status(c, 1, NULL);
}

/*
 * Flushing.
 */

/** One key collected by a walk, removed after it. */
struct rc_key {
	/** Next. */
	struct rc_key *next;
	/** Name, wire form, in a DNAME_MAXLEN buffer. */
	uint8_t name[DNAME_MAXLEN];
	/** Type and class. */
	uint16_t type, rclass;
	/** Message key flags. */
	uint8_t qflags;
};

/** What a flush walk matches. */
struct rc_match {
	/** The name (flush NAME) or zone (flush_zone), or NULL. */
	const uint8_t *name;
	/** 1: the name and everything below it. */
	int zone;
	/** 1: only bogus RRsets (flush_bogus), every message. */
	int bogus;
	/** flush_type: only this type (messages: of the question or of
	 * an RRset they hold); 0 for any. */
	uint16_t type;
	/** flush_keys: only DNSKEY and DS RRsets (messages: of the question
	 * or of an RRset they hold). */
	int keydata;
	/** Keys to remove. */
	struct rc_key *keys;
	/** 1 when out of memory. */
	int nomem;
};

/** Does a name match? */
static int
rc_match_name(const struct rc_match *m, const uint8_t *n)
{
	if (!m->name) {
		return 1;
	}
	return m->zone ? dname_is_subdomain(n, m->name) :
	    dname_equal(n, m->name);
}

/** Does a type match? */
static int
rc_match_type(const struct rc_match *m, uint16_t type)
{
	if (m->keydata) {
		return type == RR_TYPE_DNSKEY || type == RR_TYPE_DS;
	}
	return !m->type || type == m->type;
}

/** Collect a key. */
static int
rc_collect(struct rc_match *m, const uint8_t *name, uint16_t type,
    uint16_t rclass, uint8_t qflags)
{
	struct rc_key *k = malloc(sizeof(*k));

	if (!k) {
		m->nomem = 1;
		return 1;
	}
	memcpy(k->name, name, dname_len(name));
	k->type = type;
	k->rclass = rclass;
	k->qflags = qflags;
	k->next = m->keys;
	m->keys = k;
	return 0;
}

/** Walk callback: RRsets. */
static int
rc_match_rrset(const struct rrset_entry *e, void *arg)
{
	struct rc_match *m = arg;

	if (!rc_match_name(m, e->key.owner) ||
	    !rc_match_type(m, e->key.type) || (m->bogus &&
	    e->d.security != RRSET_SEC_BOGUS)) {
		return 0;
	}
	return rc_collect(m, e->key.owner, e->key.type, e->key.rclass, 0);
}

/** Walk callback: messages.  A message goes when its question matches
 * or when it holds a matching RRset: its encoded answer (the wire fast
 * path) would otherwise still serve the flushed data. */
static int
rc_match_msg(const struct msg_entry *e, void *arg)
{
	struct rc_match *m = arg;
	size_t i, n = (size_t)e->d.an + e->d.ns + e->d.ar;
	int hit;

	if (m->bogus) {
		if (e->d.security != RRSET_SEC_BOGUS) {
			return 0;
		}
	} else {
		hit = rc_match_name(m, e->key.qname) &&
		    rc_match_type(m, e->key.qtype);
		for (i = 0; i < n && !hit; i++) {
			hit = rc_match_name(m, e->d.refs[i].owner) &&
			    rc_match_type(m, e->d.refs[i].type);
		}
		if (!hit) {
			return 0;
		}
	}
	return rc_collect(m, e->key.qname, e->key.qtype, e->key.qclass,
	    e->key.qflags);
}

/** Walk callback: key cache entries (a zone's validated keys, or its
 * insecure or bogus verdict): the zone matches, or for flush_bogus the
 * verdict is bogus. */
static int
rc_match_key(const struct key_entry *e, void *arg)
{
	struct rc_match *m = arg;

	if (!rc_match_name(m, e->zone) || (m->bogus &&
	    e->d.status != KEY_STATUS_BOGUS)) {
		return 0;
	}
	return rc_collect(m, e->zone, 0, e->rclass, 0);
}

/** Collect and remove matching key cache entries; count removed. */
static size_t
rc_flush_keys(struct daemon *d, struct rc_match *m)
{
	struct rc_key *k, *n;
	size_t count = 0;

	m->keys = NULL;
	if (m->zone && m->name) {
		/* The zone's NSEC ranges go with its data. */
		(void)neg_cache_remove_below(d->neg_cache, m->name);
	}
	(void)key_cache_walk(d->key_cache, rc_match_key, m);
	for (k = m->keys; k; k = n) {
		n = k->next;
		count += key_cache_remove(d->key_cache, k->name, k->rclass) ==
		    RES_OK;
		free(k);
	}
	m->keys = NULL;
	return count;
}

/**
 * Collect and remove matching RRsets, messages and key cache entries
 * (a flushed zone's keys are fetched and validated again, so a key
 * change upstream is seen at once); count removed.
 */
static size_t
rc_flush_match(struct daemon *d, struct rc_match *m)
{
	struct rc_key *k, *n;
	size_t count = rc_flush_keys(d, m);

	m->keys = NULL;
	(void)rrset_cache_walk(d->rrset_cache, rc_match_rrset, m);
	for (k = m->keys; k; k = n) {
		n = k->next;
		count += rrset_cache_remove(d->rrset_cache, k->name, k->type,
		    k->rclass) == RES_OK;
		free(k);
	}
	m->keys = NULL;
	(void)msg_cache_walk(d->msg_cache, rc_match_msg, m);
	for (k = m->keys; k; k = n) {
		n = k->next;
		count += msg_cache_remove(d->msg_cache, k->name, k->type,
		    k->rclass, k->qflags) == RES_OK;
		free(k);
	}
	return count;
}

/** Parse a name argument into a DNAME_MAXLEN buffer; 0 or -1. */
static int
rc_parse_name(struct rc_conn *c, const char *s, uint8_t *name)
{
	size_t len;

	if (!*s || dname_from_str(s, NULL, name, &len) != RES_OK) {
		rc_status(c, 0, "cannot parse name '%s'", s);
		return -1;
	}
	dname_tolower(name);
	return 0;
}

/** Flush what m matches and say how much. */
static void
rc_flush_reply(struct rc_conn *c, struct daemon_remote *rc,
    struct rc_match *m)
{
	size_t n = rc_flush_match(rc->d, m);

	if (m->nomem) {
		rc_status(c, 0, "out of memory; flushed %zu entries", n);
		return;
	}
	rc_printf(c, "flushed %zu entries\n", n);
	rc_status(c, 1, NULL);
}

/** "flush NAME", "flush_zone NAME", "flush_bogus". */
static void
rc_cmd_flush(struct rc_conn *c, struct daemon_remote *rc, char *arg,
    int zone, int bogus)
{
	uint8_t name[DNAME_MAXLEN];
	struct rc_match m;

	memset(&m, 0, sizeof(m));
	if (!bogus) {
		if (rc_parse_name(c, rc_word(&arg), name) != 0) {
			return;
		}
		m.name = name;
	}
	m.zone = zone;
	m.bogus = bogus;
	rc_flush_reply(c, rc, &m);
}

/** "flush_keys [ZONE]": the key cache at and below a zone, or all, with
 * the DNSKEY and DS RRsets the keys were validated from (kept, they
 * would make the same keys again). */
static void
rc_cmd_flush_keys(struct rc_conn *c, struct daemon_remote *rc, char *arg)
{
	uint8_t name[DNAME_MAXLEN];
	char *w = rc_word(&arg);
	struct rc_match m;

	memset(&m, 0, sizeof(m));
	if (*w) {
		if (rc_parse_name(c, w, name) != 0) {
			return;
		}
		m.name = name;
		m.zone = 1;
	}
	m.keydata = 1;
	rc_flush_reply(c, rc, &m);
}

/** "flush_type NAME TYPE". */
static void
rc_cmd_flush_type(struct rc_conn *c, struct daemon_remote *rc, char *arg)
{
	uint8_t name[DNAME_MAXLEN];
	char *n = rc_word(&arg), *t = rc_word(&arg);
	uint16_t type;
	size_t count = 0;
	struct rc_match m;
	struct rc_key *k, *nk;

	if (rc_parse_name(c, n, name) != 0) {
		return;
	}
	if (rrtype_from_str(t, &type) != RES_OK) {
		rc_status(c, 0, "unknown type '%s'", t);
		return;
	}
	count += rrset_cache_remove(rc->d->rrset_cache, name, type,
	    RR_CLASS_IN) == RES_OK;
	if (type == RR_TYPE_DNSKEY || type == RR_TYPE_DS) {
		/* The zone's keys were validated from these. */
		count += key_cache_remove(rc->d->key_cache, name,
		    RR_CLASS_IN) == RES_OK;
	}
	memset(&m, 0, sizeof(m));
	m.name = name;
	m.type = type;
	(void)msg_cache_walk(rc->d->msg_cache, rc_match_msg, &m);
	for (k = m.keys; k; k = nk) {
		nk = k->next;
		count += msg_cache_remove(rc->d->msg_cache, k->name, k->type,
		    k->rclass, k->qflags) == RES_OK;
		free(k);
	}
	if (m.nomem) {
		rc_status(c, 0, "out of memory; flushed %zu entries", count);
		return;
	}
	rc_printf(c, "flushed %zu entries\n", count);
	rc_status(c, 1, NULL);
}

/** One infra entry to remove. */
struct rc_infra_key {
	/** Next. */
	struct rc_infra_key *next;
	/** The key as stored. */
	struct infra_key k;
};

/** What a flush_infra IP walk matches and collects. */
struct rc_infra_match {
	/** The address family. */
	int family;
	/** The address: 4 or 16 bytes. */
	uint8_t addr[16];
	/** Entries to remove. */
	struct rc_infra_key *keys;
	/** 1 when out of memory. */
	int nomem;
};

/** Infra walk: collect every entry of the address, any port and zone. */
static int
rc_infra_match_one(const struct infra_entry *e, void *arg)
{
	struct rc_infra_match *m = arg;
	struct sockaddr_storage ss;
	const void *a;
	size_t alen;
	struct rc_infra_key *k;

	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, e->key.addr, e->key.addrlen < sizeof(ss) ?
	    e->key.addrlen : sizeof(ss));
	if (ss.ss_family != m->family) {
		return 0;
	}
	if (m->family == AF_INET) {
		if (e->key.addrlen < sizeof(struct sockaddr_in)) {
			return 0;
		}
		a = &((const struct sockaddr_in *)(void *)&ss)->sin_addr;
		alen = 4;
	} else {
		if (e->key.addrlen < sizeof(struct sockaddr_in6)) {
			return 0;
		}
		a = &((const struct sockaddr_in6 *)(void *)&ss)->sin6_addr;
		alen = 16;
	}
	if (memcmp(a, m->addr, alen) != 0) {
		return 0;
	}
	if (!(k = malloc(sizeof(*k)))) {
		m->nomem = 1;
		return 1;
	}
	k->k = e->key;
	k->next = m->keys;
	m->keys = k;
	return 0;
}

/** "flush_infra IP": every entry of the address (all zones, ports). */
static void
rc_flush_infra_ip(struct rc_conn *c, struct daemon_remote *rc, char *arg)
{
	struct rc_infra_match m;
	struct rc_infra_key *k, *next;
	size_t count = 0;

	memset(&m, 0, sizeof(m));
	if (inet_pton(AF_INET, arg, m.addr) == 1) {
		m.family = AF_INET;
	} else if (inet_pton(AF_INET6, arg, m.addr) == 1) {
		m.family = AF_INET6;
	} else {
		rc_status(c, 0, "flush_infra: '%s' is neither 'all' nor an "
		    "IP address", arg);
		return;
	}
	(void)infra_cache_walk(rc->d->infra_cache, rc_infra_match_one, &m);
	for (k = m.keys; k; k = next) {
		next = k->next;
		count += infra_cache_remove(rc->d->infra_cache, k->k.addr,
		    k->k.addrlen, k->k.zone) == RES_OK;
		free(k);
	}
	if (m.nomem) {
		rc_status(c, 0, "out of memory; flushed %zu entries", count);
		return;
	}
	rc_printf(c, "flushed %zu entries\n", count);
	rc_status(c, 1, NULL);
}

/** "flush_infra all|IP". */
static void
rc_cmd_flush_infra(struct rc_conn *c, struct daemon_remote *rc, char *arg)
{
	if (strcmp(arg, "all") == 0) {
		infra_cache_clear(rc->d->infra_cache);
		rc_status(c, 1, NULL);
		return;
	}
	rc_flush_infra_ip(c, rc, arg);
}

/*
 * Lookup.
 */

/** Print the addresses of one server name in the cache, with infra. */
static void
rc_lookup_addrs(struct rc_conn *c, struct daemon *d, const uint8_t *zone,
    const uint8_t *ns, time_t now)
{
	static const uint16_t types[2] = { RR_TYPE_A, RR_TYPE_AAAA };
	int t;
	uint16_t i;

	for (t = 0; t < 2; t++) {
		struct rrset_entry *e = rrset_cache_lookup(d->rrset_cache, ns,
		    types[t], RR_CLASS_IN, now, NULL);

		for (i = 0; e && i < e->d.count; i++) {
			struct sockaddr_storage ss;
			struct infra_info inf;
			socklen_t len;
			uint16_t rdlen;
			const uint8_t *rd = rrset_data_rr(&e->d, i, &rdlen);
			char ip[INET6_ADDRSTRLEN];

			memset(&ss, 0, sizeof(ss));
			if (types[t] == RR_TYPE_A && rdlen == 4) {
				struct sockaddr_in *s4 = (void *)&ss;

				s4->sin_family = AF_INET;
				s4->sin_port = htons(53);
				memcpy(&s4->sin_addr, rd, 4);
				len = sizeof(*s4);
				inet_ntop(AF_INET, rd, ip, sizeof(ip));
			} else if (types[t] == RR_TYPE_AAAA && rdlen == 16) {
				struct sockaddr_in6 *s6 = (void *)&ss;

				s6->sin6_family = AF_INET6;
				s6->sin6_port = htons(53);
				memcpy(&s6->sin6_addr, rd, 16);
				len = sizeof(*s6);
				inet_ntop(AF_INET6, rd, ip, sizeof(ip));
			} else {
				continue;
			}
			if (infra_cache_lookup(d->infra_cache, &ss, len, zone,
			    now, &inf) == RES_OK) {
				rc_printf(c, "\t%s\trtt %d ms, rto %d ms, "
				    "timeouts %d%s, edns %d\n", ip, inf.srtt,
				    inf.rto, inf.timeouts, inf.lame ?
				    ", lame" : "", inf.edns_version);
			} else {
				rc_printf(c, "\t%s\tnot in infra cache\n", ip);
			}
		}
		rrset_cache_release(d->rrset_cache, e);
	}
}

/** "lookup NAME": the delegation the iterator's cache search finds: the
 * deepest cached NS set at or above the name whose servers are
 * reachable (an address known, or a name outside the zone). */
static void
rc_cmd_lookup(struct rc_conn *c, struct daemon_remote *rc, char *arg)
{
	struct daemon *d = rc->d;
	uint8_t name[DNAME_MAXLEN];
	const uint8_t *p;
	time_t now = time(NULL);
	char zs[DNAME_MAXSTR], ns[DNAME_MAXSTR];

	if (rc_parse_name(c, rc_word(&arg), name) != 0) {
		return;
	}
	for (p = name; p; p = dname_parent(p)) {
		struct rrset_entry *e = rrset_cache_lookup(d->rrset_cache, p,
		    RR_TYPE_NS, RR_CLASS_IN, now, NULL);
		int reachable = 0;
		uint16_t i;

		if (!e) {
			continue;
		}
		for (i = 0; i < e->d.count; i++) {
			uint16_t rdlen;
			const uint8_t *rd = rrset_data_rr(&e->d, i, &rdlen);
			struct rrset_entry *a, *aaaa;

			if (dname_check(rd, rdlen, NULL) != RES_OK) {
				continue;
			}
			a = rrset_cache_lookup(d->rrset_cache, rd, RR_TYPE_A,
			    RR_CLASS_IN, now, NULL);
			aaaa = rrset_cache_lookup(d->rrset_cache, rd,
			    RR_TYPE_AAAA, RR_CLASS_IN, now, NULL);
			if (a || aaaa || !dname_is_subdomain(rd, p)) {
				reachable = 1;
			}
			rrset_cache_release(d->rrset_cache, a);
			rrset_cache_release(d->rrset_cache, aaaa);
		}
		if (!reachable) {
			rrset_cache_release(d->rrset_cache, e);
			continue;
		}
		dname_to_str(p, zs, sizeof(zs));
		rc_printf(c, "The cached delegation for the name is zone %s, "
		    "TTL %u:\n", zs, rrset_data_ttl_left(&e->d, now));
		for (i = 0; i < e->d.count; i++) {
			uint16_t rdlen;
			const uint8_t *rd = rrset_data_rr(&e->d, i, &rdlen);

			if (dname_check(rd, rdlen, NULL) != RES_OK ||
			    dname_to_str(rd, ns, sizeof(ns)) < 0) {
				continue;
			}
			rc_printf(c, "%s NS %s\n", zs, ns);
			rc_lookup_addrs(c, d, p, rd, now);
		}
		rrset_cache_release(d->rrset_cache, e);
		rc_status(c, 1, NULL);
		return;
	}
	rc_printf(c, "no delegation in the cache: the root hints would be "
	    "used\n");
	rc_status(c, 1, NULL);
}

/**
 * Run a printer into memory, then send what it printed: nothing is
 * written to the client while the printer runs (it may hold locks or
 * have the workers paused).
 * @param print: writes to f; its return value comes back in *printed.
 * @param arg: its argument.
 * @param printed: receives print's result.
 * @return 0 when the text was sent; -1 when memory ran out (reported
 *	to the client, nothing more to send).
 */
static int
rc_send_printed(struct rc_conn *c, int (*print)(FILE *f, void *arg),
    void *arg, int *printed)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f) {
		rc_status(c, 0, "out of memory");
		return -1;
	}
	*printed = print(f, arg);
	if (fclose(f) != 0 || !text) {
		free(text);
		rc_status(c, 0, "out of memory");
		return -1;
	}
	rc_write(c, text, len);
	free(text);
	return 0;
}

/*
 * The request list (queries in progress).
 */

/** Where dump_requestlist writes, and the thread being walked. */
struct rc_reqlist {
	/** Memory stream: nothing goes to the client while the workers
	 * are paused, so a slow client cannot hold them. */
	FILE *out;
	/** Worker number. */
	int thread;
};

/** mesh_walk() callback: one line per state. */
static void
rc_reqlist_line(void *arg, const struct mesh_state_info *i)
{
	struct rc_reqlist *r = arg;
	char name[DNAME_MAXSTR], t[32], cl[32];

	if (dname_to_str(i->qinfo->qname, name, sizeof(name)) < 0 ||
	    rrtype_to_str(i->qinfo->qtype, t, sizeof(t)) < 0 ||
	    rrclass_to_str(i->qinfo->qclass, cl, sizeof(cl)) < 0) {
		return;
	}
	fprintf(r->out, "%d %s %s %s clients=%zu supers=%zu%s%s",
	    r->thread, name, t, cl, i->clients, i->supers,
	    i->is_priming ? " priming" : "",
	    i->waiting ? " waiting-upstream" : "");
	if (i->age_ms >= 0) {
		fprintf(r->out, " age=%ldms", i->age_ms);
	}
	fputc('\n', r->out);
}

/** "dump_requestlist": the workers are paused while their meshes are
 * read, so the list is exact.  Its size is bounded by
 * num-queries-per-thread and the subqueries of those. */
static int
rc_print_requestlist(FILE *f, void *arg)
{
	struct daemon *d = arg;
	struct rc_reqlist r;
	int i;

	memset(&r, 0, sizeof(r));
	r.out = f;
	fprintf(r.out, "thread name type class clients supers state age\n");
	daemon_pause_workers(d);
	for (i = 0; i < d->num_workers; i++) {
		r.thread = i;
		mesh_walk(d->workers[i]->res->mesh, rc_reqlist_line, &r);
	}
	return daemon_resume_workers(d);
}

/** "dump_requestlist". */
static void
rc_cmd_dump_requestlist(struct rc_conn *c, struct daemon_remote *rc)
{
	int r;

	if (rc_send_printed(c, rc_print_requestlist, rc->d, &r) != 0) {
		return;
	}
	if (r != RES_OK) {
		rc_status(c, 0, "cannot restart the workers; stopping");
		return;
	}
	rc_status(c, 1, NULL);
}

/** "flush_requestlist": drop every query in progress. */
static void
rc_cmd_flush_requestlist(struct rc_conn *c, struct daemon_remote *rc)
{
	struct daemon *d = rc->d;
	size_t n = 0;
	int i;

	daemon_pause_workers(d);
	for (i = 0; i < d->num_workers; i++) {
		n += mesh_clear(d->workers[i]->res->mesh);
	}
	if (daemon_resume_workers(d) != RES_OK) {
		rc_status(c, 0, "cannot restart the workers; stopping");
		return;
	}
	rc_printf(c, "dropped %zu queries in progress\n", n);
	rc_status(c, 1, NULL);
}

/*
 * Local zones.
 */

/** Printer of "list_local_zones". */
static int
rc_print_local_zones(FILE *f, void *arg)
{
	local_zones_print(arg, f);
	return RES_OK;
}

/** "list_local_zones". */
static void
rc_cmd_list_local_zones(struct rc_conn *c, struct daemon_remote *rc)
{
	int r;

	if (rc_send_printed(c, rc_print_local_zones, rc->d->local_zones,
	    &r) == 0) {
		rc_status(c, 1, NULL);
	}
}

/** Printer of "list_auto_trust_anchors". */
static int
rc_print_autr(FILE *f, void *arg)
{
	if (anchors_autr_print(arg, f, time(NULL)) == 0) {
		fprintf(f, "no auto-trust-anchor-file is configured\n");
	}
	return RES_OK;
}

/** "list_auto_trust_anchors": the RFC 5011 anchors, their keys' states
 * and timers. */
static void
rc_cmd_list_autr(struct rc_conn *c, struct daemon_remote *rc)
{
	int r;

	if (rc_send_printed(c, rc_print_autr, rc->d->anchors, &r) == 0) {
		rc_status(c, 1, NULL);
	}
}

/** "local_data RR": added with the workers paused. */
static void
rc_cmd_local_data(struct rc_conn *c, struct daemon_remote *rc, char *arg)
{
	int r;

	if (!*arg) {
		rc_status(c, 0, "local_data needs an RR");
		return;
	}
	daemon_pause_workers(rc->d);
	r = local_zones_add_data(rc->d->local_zones, arg);
	if (daemon_resume_workers(rc->d) != RES_OK) {
		rc_status(c, 0, "cannot restart the workers; stopping");
		return;
	}
	if (r != RES_OK) {
		rc_status(c, 0, "local_data: %s: '%s'", res_strerror(r), arg);
		return;
	}
	rc_status(c, 1, NULL);
}

/*
 * DNSSEC diagnostics.
 */

/** Printer of "dump_diag". */
static int
rc_print_diag(FILE *f, void *arg)
{
	return diag_print(arg, time(NULL), f);
}

/** "dump_diag": collected into memory first (diag.h), then sent. */
static void
rc_cmd_dump_diag(struct rc_conn *c, struct daemon_remote *rc)
{
	int r;

	if (rc_send_printed(c, rc_print_diag, rc->d, &r) != 0) {
		return;
	}
	if (r != RES_OK) {
		rc_status(c, 0, "dump_diag: %s (the output is incomplete)",
		    res_strerror(r));
		return;
	}
	rc_status(c, 1, NULL);
}

/** "insecure_add NAME" / "insecure_remove NAME" (RFC 7646). */
static void
rc_cmd_insecure(struct rc_conn *c, struct daemon_remote *rc, char *arg,
    int add)
{
	uint8_t name[DNAME_MAXLEN];
	char *n = rc_word(&arg);
	int r;

	if (rc_parse_name(c, n, name) != 0) {
		return;
	}
	if (*rc_skip(arg)) {
		rc_status(c, 0, "one name only");
		return;
	}
	r = add ? anchors_insecure_add(rc->d->anchors, name) :
	    anchors_insecure_remove(rc->d->anchors, name);
	if (r == RES_EEXIST) {
		rc_status(c, 0, "%s is a negative trust anchor already", n);
		return;
	}
	if (r == RES_ENOTFOUND) {
		rc_status(c, 0, "%s is not a negative trust anchor", n);
		return;
	}
	if (r != RES_OK) {
		rc_status(c, 0, "%s: %s", n, res_strerror(r));
		return;
	}
	/* Answers cached under the old verdict would outlive the change:
	 * drop what is at or below the name. */
	{
		struct rc_match m;
		size_t cnt;

		memset(&m, 0, sizeof(m));
		m.name = name;
		m.zone = 1;
		cnt = rc_flush_match(rc->d, &m);
		rc_printf(c, "%s %s; flushed %zu entries\n", n, add ?
		    "is insecure" : "validates again", cnt);
	}
	rc_status(c, 1, NULL);
}

/** One negative trust anchor of "list_insecure". */
static void
rc_list_insecure_one(void *arg, const uint8_t *name)
{
	char buf[DNAME_MAXSTR];

	if (dname_to_str(name, buf, sizeof(buf)) >= 0) {
		fprintf(arg, "%s\n", buf);
	}
}

/** Printer of "list_insecure". */
static int
rc_print_insecure(FILE *f, void *arg)
{
	(void)anchors_insecure_foreach(arg, rc_list_insecure_one, f);
	return RES_OK;
}

/** "list_insecure": collected under the set's lock into memory. */
static void
rc_cmd_list_insecure(struct rc_conn *c, struct daemon_remote *rc)
{
	int r;

	if (rc_send_printed(c, rc_print_insecure, rc->d->anchors, &r) == 0) {
		rc_status(c, 1, NULL);
	}
}

/** "local_data_remove NAME": with the workers paused. */
static void
rc_cmd_local_data_remove(struct rc_conn *c, struct daemon_remote *rc,
    char *arg)
{
	uint8_t name[DNAME_MAXLEN];
	char *n = rc_word(&arg);
	int r;

	if (rc_parse_name(c, n, name) != 0) {
		return;
	}
	daemon_pause_workers(rc->d);
	r = local_zones_remove_data(rc->d->local_zones, name);
	if (daemon_resume_workers(rc->d) != RES_OK) {
		rc_status(c, 0, "cannot restart the workers; stopping");
		return;
	}
	if (r == RES_ENOTFOUND) {
		rc_status(c, 0, "no local data at %s", n);
		return;
	}
	if (r != RES_OK) {
		rc_status(c, 0, "local_data_remove: %s", res_strerror(r));
		return;
	}
	rc_status(c, 1, NULL);
}

/** Make a connection's I/O blocking, each read and write bounded by
 * REMOTE_IO_TIMEOUT (for a thread of its own), or non-blocking again. */
static void
rc_conn_blocking(struct rc_conn *c, int on)
{
	struct timeval tv;
	int fl;

	tv.tv_sec = on ? REMOTE_IO_TIMEOUT : 0;
	tv.tv_usec = 0;
	(void)setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if ((fl = fcntl(c->fd, F_GETFL)) != -1) {
		(void)fcntl(c->fd, F_SETFL, on ? fl & ~O_NONBLOCK :
		    fl | O_NONBLOCK);
	}
	c->blocking = on;
}

/** A trace handed to its thread. */
struct rc_trace {
	/** The connection, owned by the thread. */
	struct rc_conn *c;
	/** The traced query (trace.h); the thread's reference. */
	struct trace_run *run;
};

/** fopencookie() write function onto a connection. */
static ssize_t
rc_trace_write(void *cookie, const char *buf, size_t len)
{
	struct rc_conn *c = cookie;

	if (rc_write(c, buf, len) != 0 || rc_flush(c) != 0) {
		return -1;
	}
	return (ssize_t)len;
}

/** The thread of one trace: waits for the worker's query, writes the
 * trace, then closes. */
static void *
rc_trace_thread(void *arg)
{
	struct rc_trace *t = arg;
	struct rc_conn *c = t->c;
	cookie_io_functions_t io = { NULL, rc_trace_write, NULL, NULL };
	FILE *f;
	int r = RES_ENOMEM;

	(void)trace_run_wait(t->run, TRACE_MAX_SECONDS * 1000);
	f = fopencookie(c, "w", io);
	if (f) {
		r = trace_run_print(t->run, f);
		fclose(f);
	}
	if (r != RES_OK) {
		rc_status(c, 0, "trace: %s", res_strerror(r));
	} else {
		rc_status(c, 1, NULL);
	}
	(void)rc_flush(c);
	if (c->ssl && !c->failed) {
		(void)SSL_shutdown(c->ssl);
	}
	rc_conn_free(c);
	trace_run_release(t->run);
	free(t);
	__atomic_sub_fetch(&rc_traces, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/** On a worker's thread: start the traced query in its mesh. */
static void
rc_trace_job(struct worker *w, void *arg)
{
	struct trace_run *run = arg;

	if (!w) {
		trace_run_abort(run);
	} else {
		(void)trace_run_start(run, w->res->mesh);
	}
	trace_run_release(run);
}

/**
 * "trace NAME [TYPE]": a traced query of the real resolver (trace.h),
 * started on a worker; a thread of its own waits for it and writes the
 * output, so neither the control channel nor the workers wait.
 */
static void
rc_cmd_trace(struct rc_conn *c, struct daemon_remote *rc, char *arg)
{
	static unsigned next_worker;
	char *n = rc_word(&arg), *ty = rc_word(&arg);
	const struct trust_anchor *ta;
	struct worker *w;
	struct rc_trace *t;
	uint8_t qname[DNAME_MAXLEN];
	pthread_attr_t attr;
	pthread_t tid;
	uint16_t type = RR_TYPE_A;
	int started;

	if (*ty && rrtype_from_str(ty, &type) != RES_OK) {
		rc_status(c, 0, "unknown type '%s'", ty);
		return;
	}
	if (!*n || dname_from_str(n, NULL, qname, NULL) != RES_OK) {
		rc_status(c, 0, "cannot parse name '%s'", n);
		return;
	}
	dname_tolower(qname);
	if (__atomic_add_fetch(&rc_traces, 1, __ATOMIC_SEQ_CST) >
	    RC_MAX_TRACES) {
		__atomic_sub_fetch(&rc_traces, 1, __ATOMIC_SEQ_CST);
		rc_status(c, 0, "too many traces running (%d)", RC_MAX_TRACES);
		return;
	}
	/* The anchor is read here, on the main thread, where a reload
	 * cannot replace it meanwhile. */
	ta = anchors_lookup(rc->d->anchors, qname, RR_CLASS_IN);
	t = calloc(1, sizeof(*t));
	if (t) {
		t->run = trace_run_create(qname, type, ta ? ta->name : NULL);
	}
	w = rc->d->workers[next_worker++ % (unsigned)rc->d->num_workers];
	if (!t || !t->run) {
		free(t);
		__atomic_sub_fetch(&rc_traces, 1, __ATOMIC_SEQ_CST);
		rc_status(c, 0, "out of memory");
		return;
	}
	trace_run_hold(t->run);
	if (worker_post(w, rc_trace_job, t->run) != RES_OK) {
		trace_run_release(t->run);
		trace_run_abort(t->run);
	}
	t->c = c;
	rc->detached = 1;
	/* The thread writes with blocking I/O (bounded by the socket
	 * timeouts), off the main thread. */
	rc_conn_blocking(c, 1);
	started = pthread_attr_init(&attr) == 0;
	if (started) {
		started = pthread_attr_setdetachstate(&attr,
		    PTHREAD_CREATE_DETACHED) == 0 && pthread_create(&tid,
		    &attr, rc_trace_thread, t) == 0;
		(void)pthread_attr_destroy(&attr);
	}
	if (!started) {
		rc->detached = 0;
		rc_conn_blocking(c, 0);
		__atomic_sub_fetch(&rc_traces, 1, __ATOMIC_SEQ_CST);
		trace_run_release(t->run);
		free(t);
		rc_status(c, 0, "cannot start the trace thread");
	}
}

/*
 * Dispatch.
 */

/** Run one request line. */
static void
rc_execute(struct rc_conn *c, struct daemon_remote *rc, char *line)
{
	char *arg = line, *magic = rc_word(&arg), *cmd;
	size_t len = strlen(arg);

	while (len > 0 && (arg[len - 1] == ' ' || arg[len - 1] == '\t')) {
		arg[--len] = 0;
	}
	if (strcmp(magic, REMOTE_MAGIC) != 0) {
		rc_status(c, 0, "bad request: expected %s", REMOTE_MAGIC);
		return;
	}
	cmd = rc_word(&arg);
	verbose(VERB_DETAIL, "control: %s %s", cmd, arg);
	if (strcmp(cmd, "status") == 0) {
		rc_cmd_status(c, rc);
	} else if (strcmp(cmd, "stop") == 0) {
		log_info("control: stop");
		rc_printf(c, "stopping\n");
		rc_status(c, 1, NULL);
		daemon_stop(rc->d);
	} else if (strcmp(cmd, "reload") == 0) {
		if (daemon_reload(rc->d) != RES_OK) {
			rc_status(c, 0, "reload failed; the old config stays "
			    "(see the log)");
		} else {
			rc_printf(c, "ok\n");
			rc_status(c, 1, NULL);
		}
	} else if (strcmp(cmd, "verbosity") == 0) {
		rc_cmd_verbosity(c, arg);
	} else if (strcmp(cmd, "stats") == 0) {
		rc_cmd_stats(c, rc, 1);
	} else if (strcmp(cmd, "stats_noreset") == 0) {
		rc_cmd_stats(c, rc, 0);
	} else if (strcmp(cmd, "stats_json") == 0) {
		rc_cmd_stats_json(c, rc);
	} else if (strcmp(cmd, "dump_cache") == 0) {
		rc_cmd_dump_cache(c, rc);
	} else if (strcmp(cmd, "load_cache") == 0) {
		rc_cmd_load_cache(c, rc, line);
	} else if (strcmp(cmd, "flush") == 0) {
		rc_cmd_flush(c, rc, arg, 0, 0);
	} else if (strcmp(cmd, "flush_zone") == 0) {
		rc_cmd_flush(c, rc, arg, 1, 0);
	} else if (strcmp(cmd, "flush_bogus") == 0) {
		rc_cmd_flush(c, rc, arg, 0, 1);
	} else if (strcmp(cmd, "flush_keys") == 0) {
		rc_cmd_flush_keys(c, rc, arg);
	} else if (strcmp(cmd, "flush_type") == 0) {
		rc_cmd_flush_type(c, rc, arg);
	} else if (strcmp(cmd, "flush_infra") == 0) {
		rc_cmd_flush_infra(c, rc, arg);
	} else if (strcmp(cmd, "lookup") == 0) {
		rc_cmd_lookup(c, rc, arg);
	} else if (strcmp(cmd, "dump_requestlist") == 0) {
		rc_cmd_dump_requestlist(c, rc);
	} else if (strcmp(cmd, "flush_requestlist") == 0) {
		rc_cmd_flush_requestlist(c, rc);
	} else if (strcmp(cmd, "list_local_zones") == 0) {
		rc_cmd_list_local_zones(c, rc);
	} else if (strcmp(cmd, "list_auto_trust_anchors") == 0) {
		rc_cmd_list_autr(c, rc);
	} else if (strcmp(cmd, "local_data") == 0) {
		rc_cmd_local_data(c, rc, arg);
	} else if (strcmp(cmd, "local_data_remove") == 0) {
		rc_cmd_local_data_remove(c, rc, arg);
	} else if (strcmp(cmd, "trace") == 0) {
		rc_cmd_trace(c, rc, arg);
	} else if (strcmp(cmd, "dump_diag") == 0) {
		rc_cmd_dump_diag(c, rc);
	} else if (strcmp(cmd, "insecure_add") == 0) {
		rc_cmd_insecure(c, rc, arg, 1);
	} else if (strcmp(cmd, "insecure_remove") == 0) {
		rc_cmd_insecure(c, rc, arg, 0);
	} else if (strcmp(cmd, "list_insecure") == 0 ||
	    strcmp(cmd, "insecure_list") == 0) {
		rc_cmd_list_insecure(c, rc);
	} else {
		rc_status(c, 0, "unknown command '%s'", cmd);
	}
}

/** The phases of a connection on the event loop. */
enum rc_phase {
	/** TLS handshake. */
	RC_HANDSHAKE,
	/** Reading the request line. */
	RC_REQUEST,
	/** Reading the text after it, up to "%end" (load_cache). */
	RC_BODY,
	/** The command is done: sending what the socket has not taken. */
	RC_OUTPUT
};

/**
 * A connection served on the main thread's event loop, from accept to
 * close: its TLS handshake, request line and text are read as they come,
 * the command then runs on what was read, and its output is sent as the
 * socket takes it.  A client that sends nothing, trickles its text or
 * never reads delays no other client and no signal; each phase has an
 * overall deadline (timer).
 */
struct rc_pending {
	/** The listening socket it came on. */
	struct rc_listen *l;
	/** The connection. */
	struct rc_conn *c;
	/** Where it is. */
	enum rc_phase phase;
	/** The request line once complete (RC_LINE_MAX), or NULL. */
	char *req;
	/** The line being read (RC_LINE_MAX), or NULL. */
	char *line;
	/** Its length. */
	size_t len;
	/** The read watcher (NULL once a client sending no more closed
	 * its side while its output is sent). */
	struct comm_fd *ev;
	/** The write watcher while output waits for the socket, or NULL. */
	struct comm_fd *wev;
	/** The deadline of the phase. */
	struct comm_timer *timer;
	/** The channel's list of them. */
	struct rc_pending *prev, *next;
};

/** Unlink a connection of the event loop, stop its watchers and free it
 * (and the connection, unless taken: NULL). */
static void
rc_pending_free(struct rc_pending *p)
{
	struct daemon_remote *rc = p->l->rc;

	if (p->prev) {
		p->prev->next = p->next;
	} else {
		rc->pending = p->next;
	}
	if (p->next) {
		p->next->prev = p->prev;
	}
	rc->npending--;
	comm_fd_delete(p->ev);
	comm_fd_delete(p->wev);
	comm_timer_delete(p->timer);
	rc_conn_free(p->c);
	free(p->req);
	free(p->line);
	free(p);
}

/** Close a connection whose output is all sent (or failed). */
static void
rc_pending_close(struct rc_pending *p)
{
	if (p->c->ssl && !p->c->failed) {
		/* Our close_notify, as far as the socket takes it. */
		(void)SSL_shutdown(p->c->ssl);
	}
	rc_pending_free(p);
}

/** The socket takes more output: send it; close when all is sent. */
static void
rc_output_cb(void *arg, int fd)
{
	struct rc_pending *p = arg;

	(void)fd;
	if (rc_push(p->c) != 0) {
		rc_pending_close(p);
	}
}

/** Readable while the output is sent: what the client sends now is
 * dropped (with TLS, reading also lets a write that wanted to read go
 * on).  When the client closed its side, stop watching it. */
static void
rc_output_readable(struct rc_pending *p)
{
	struct rc_conn *c = p->c;
	int i, r;

	for (i = 0; i < 16; i++) {
		r = rc_recv(c, c->in, sizeof(c->in));
		if (r == -2) {
			break;
		}
		if (r <= 0) {
			comm_fd_delete(p->ev);
			p->ev = NULL;
			break;
		}
	}
	rc_output_cb(p, c->fd);
}

/** The command is done (or the request refused): send what the socket
 * has not taken from the event loop, within RC_OUTPUT_TIMEOUT, then
 * close. */
static void
rc_pending_output(struct rc_pending *p)
{
	struct daemon_remote *rc = p->l->rc;
	struct rc_conn *c = p->c;

	(void)rc_flush(c);
	strbuf_free(&c->body);
	if (c->failed || c->spillpos == c->spilllen) {
		rc_pending_close(p);
		return;
	}
	p->phase = RC_OUTPUT;
	p->wev = comm_fd_create_write(rc->d->base, c->fd, rc_output_cb, p);
	if (!p->wev || comm_timer_set(p->timer, RC_OUTPUT_TIMEOUT * 1000) !=
	    RES_OK) {
		log_err("control: cannot watch a connection");
		rc_pending_free(p);
	}
}

/** The request is complete (its line, and its text up to "%end"): run
 * the command on it, on the main thread, without reading the socket;
 * its output goes out as the socket takes it (rc_pending_output()). */
static void
rc_pending_run(struct rc_pending *p)
{
	struct daemon_remote *rc = p->l->rc;
	struct rc_conn *c = p->c;

	comm_timer_disable(p->timer);
	rc->detached = 0;
	rc_execute(c, rc, p->req);
	if (rc->detached) {
		/* A thread serves it to its end and frees it. */
		p->c = NULL;
		rc_pending_free(p);
		return;
	}
	rc_pending_output(p);
}

/** Refuse a request whose text cannot be taken: the error, then close. */
static void
rc_pending_refuse(struct rc_pending *p, const char *why)
{
	log_warn("control: %s; nothing done", why);
	rc_status(p->c, 0, "%s; nothing done", why);
	rc_pending_output(p);
}

/** Does a request line's command have a text after it (up to "%end")? */
static int
rc_has_body(const char *line)
{
	static const char *const cmds[] = { "load_cache", NULL };
	size_t n = strlen(REMOTE_MAGIC);
	int i;

	line += strspn(line, " \t");
	if (strncmp(line, REMOTE_MAGIC, n) != 0 || (line[n] != ' ' &&
	    line[n] != '\t')) {
		return 0;
	}
	line += n;
	line += strspn(line, " \t");
	n = strcspn(line, " \t");
	for (i = 0; cmds[i]; i++) {
		if (strlen(cmds[i]) == n && strncmp(line, cmds[i], n) == 0) {
			return 1;
		}
	}
	return 0;
}

/**
 * A line of the request is complete in p->line.
 * @return 1 when the request is complete (the command ran) or refused:
 *	p may be gone; 0 to read on.
 */
static int
rc_pending_line(struct rc_pending *p)
{
	struct rc_conn *c = p->c;
	size_t len = p->len;

	p->len = 0;
	if (p->phase == RC_REQUEST) {
		p->req = p->line;
		p->line = NULL;
		if (!rc_has_body(p->req)) {
			rc_pending_run(p);
			return 1;
		}
		/* The text follows: read it all before the command runs,
		 * within RC_BODY_TIMEOUT however it comes. */
		p->phase = RC_BODY;
		if (!(p->line = malloc(RC_LINE_MAX)) ||
		    comm_timer_set(p->timer, RC_BODY_TIMEOUT * 1000) !=
		    RES_OK) {
			log_err("control: out of memory");
			rc_pending_free(p);
			return 1;
		}
		return 0;
	}
	if (c->body.len + len + 1 > RC_BODY_MAX) {
		char why[96];

		snprintf(why, sizeof(why), "the text is longer than %d bytes",
		    RC_BODY_MAX);
		rc_pending_refuse(p, why);
		return 1;
	}
	strbuf_add(&c->body, p->line, len);
	strbuf_add(&c->body, "\n", 1);
	if (c->body.oom) {
		rc_pending_refuse(p, "out of memory");
		return 1;
	}
	if (strcmp(p->line, "%end") == 0) {
		rc_pending_run(p);
		return 1;
	}
	return 0;
}

/** A connection on the event loop is readable: go on with its
 * handshake, its request line and its text; or, while its output is
 * sent, drop what it sends. */
static void
rc_pending_cb(void *arg, int fd)
{
	struct rc_pending *p = arg;
	struct rc_conn *c = p->c;
	int r;

	(void)fd;
	if (p->phase == RC_OUTPUT) {
		rc_output_readable(p);
		return;
	}
	if (p->phase == RC_HANDSHAKE) {
		ERR_clear_error();
		r = SSL_accept(c->ssl);
		if (r != 1) {
			int e = SSL_get_error(c->ssl, r);
			unsigned long le;
			char eb[256];

			if (e == SSL_ERROR_WANT_READ ||
			    e == SSL_ERROR_WANT_WRITE) {
				return;
			}
			le = ERR_get_error();
			ERR_error_string_n(le, eb, sizeof(eb));
			verbose(VERB_OPS, "control: TLS handshake failed: %s",
			    le ? eb : "connection closed");
			rc_pending_free(p);
			return;
		}
		p->phase = RC_REQUEST;
	}
	for (;;) {
		r = rc_line_take(c, p->line, RC_LINE_MAX, &p->len);
		if (r == 1) {
			if (rc_pending_line(p)) {
				return;
			}
			continue;
		}
		if (r < 0) {
			if (p->phase == RC_BODY) {
				rc_pending_refuse(p, "a line of the text is "
				    "too long");
			} else {
				verbose(VERB_OPS, "control: request line too "
				    "long");
				rc_pending_free(p);
			}
			return;
		}
		r = rc_recv(c, c->in, sizeof(c->in));
		if (r == -2) {
			return;
		}
		if (r <= 0) {
			if (p->phase == RC_BODY) {
				log_warn("control: the text ended before "
				    "%%end; nothing done");
			} else {
				verbose(VERB_OPS, "control: no request "
				    "(closed)");
			}
			rc_pending_free(p);
			return;
		}
		c->inlen = (size_t)r;
		c->inpos = 0;
	}
}

/** A connection's time is up: for its request line, for its text, or
 * for its output. */
static void
rc_pending_timeout(void *arg)
{
	struct rc_pending *p = arg;

	switch (p->phase) {
	case RC_HANDSHAKE:
	case RC_REQUEST:
		verbose(VERB_OPS, "control: no request within %d s: closed",
		    REMOTE_IO_TIMEOUT);
		break;
	case RC_BODY:
		log_warn("control: the text of a request not complete within "
		    "%d s: closed, nothing done", RC_BODY_TIMEOUT);
		/* Said if the socket takes it now, never waited for. */
		rc_status(p->c, 0, "the text was not complete within %d s; "
		    "nothing done", RC_BODY_TIMEOUT);
		break;
	case RC_OUTPUT:
		verbose(VERB_OPS, "control: output not taken within %d s: "
		    "closed", RC_OUTPUT_TIMEOUT);
		p->c->failed = 1;
		break;
	}
	rc_pending_free(p);
}

/** The listening socket is readable: accept, and read the request as it
 * comes. */
static void
rc_accept(void *arg, int fd)
{
	struct rc_listen *l = arg;
	struct daemon_remote *rc = l->rc;
	struct rc_pending *p;
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (cfd == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNABORTED) {
			log_err("control: accept: %s", strerror(errno));
		}
		return;
	}
	if (rc->npending >= RC_MAX_PENDING) {
		verbose(VERB_OPS, "control: %d connections are served already: "
		    "closed", RC_MAX_PENDING);
		close(cfd);
		return;
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->c = calloc(1, sizeof(*p->c))) ||
	    !(p->line = malloc(RC_LINE_MAX))) {
		log_err("control: out of memory");
		if (p) {
			free(p->c);
		}
		free(p);
		close(cfd);
		return;
	}
	p->l = l;
	p->c->fd = cfd;
	p->next = rc->pending;
	if (p->next) {
		p->next->prev = p;
	}
	rc->pending = p;
	rc->npending++;
	if (l->tls) {
		p->phase = RC_HANDSHAKE;
		p->c->ssl = SSL_new(rc->ctx);
		if (!p->c->ssl || SSL_set_fd(p->c->ssl, cfd) != 1) {
			log_err("control: cannot set up TLS");
			rc_pending_free(p);
			return;
		}
		/* Output is sent as the socket takes it, from a buffer that
		 * may grow (move) between tries. */
		SSL_set_mode(p->c->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE |
		    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	} else {
		p->phase = RC_REQUEST;
	}
	p->ev = comm_fd_create(rc->d->base, cfd, rc_pending_cb, p);
	p->timer = comm_timer_create(rc->d->base, rc_pending_timeout, p);
	if (!p->ev || !p->timer || comm_timer_set(p->timer,
	    REMOTE_IO_TIMEOUT * 1000) != RES_OK) {
		log_err("control: cannot watch a connection");
		rc_pending_free(p);
		return;
	}
	/* What came with the connection already. */
	rc_pending_cb(p, cfd);
}

/** Open a Unix socket at path, mode 0660.  The fd or -1 (logged). */
static int
rc_open_unix(const char *path)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("control-interface: path too long: %s", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		log_err("control: socket: %s", strerror(errno));
		return -1;
	}
	/* A socket left by a previous run would make bind() fail. */
	(void)unlink(path);
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		umask(old);
		log_err("control: bind %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	(void)chmod(path, 0660);
	if (listen(fd, 16) != 0) {
		log_err("control: listen %s: %s", path, strerror(errno));
		close(fd);
		(void)unlink(path);
		return -1;
	}
	return fd;
}

/** Make the TLS context: our key and certificate, client certificates
 * required and checked against the server certificate (the CA that
 * resolute-control-setup signs the client certificate with). */
static SSL_CTX *
rc_tls_ctx(const struct config *cfg)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx) {
		log_err("control: cannot create a TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_chain_file(ctx,
	    cfg->server_cert_file) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, cfg->server_key_file,
	    SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1 ||
	    SSL_CTX_load_verify_locations(ctx, cfg->server_cert_file,
	    NULL) != 1) {
		log_err("control: cannot load %s and %s (run "
		    "resolute-control-setup)", cfg->server_key_file,
		    cfg->server_cert_file);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	return ctx;
}

struct daemon_remote *
daemon_remote_create(const struct config *cfg)
{
	struct daemon_remote *rc = calloc(1, sizeof(*rc));
	const struct cfg_strlist *p;
	struct cfg_strlist def;
	int tls = 0;

	if (!rc) {
		log_err("out of memory");
		return NULL;
	}
	gettimeofday(&rc->last_reset, NULL);
	/* Unbound's default: the IPv4 loopback address. */
	memset(&def, 0, sizeof(def));
	def.str = "127.0.0.1";
	for (p = cfg->control_interface ? cfg->control_interface : &def; p;
	    p = p->next) {
		struct rc_listen *l = &rc->ls[rc->nls];

		if (rc->nls == RC_MAX_IFS) {
			log_err("control-interface: at most %d", RC_MAX_IFS);
			goto fail;
		}
		l->rc = rc;
		if (p->str[0] == '/') {
			l->madedir = daemon_make_dirs(p->str);
			l->fd = rc_open_unix(p->str);
			if (l->fd == -1) {
				goto fail;
			}
			l->path = strdup(p->str);
		} else {
			struct sockaddr_storage ss;
			socklen_t len;

			if (comm_addr_from_str(p->str, cfg->control_port, &ss,
			    &len) != RES_OK) {
				log_err("control-interface: cannot parse '%s'",
				    p->str);
				goto fail;
			}
			l->fd = comm_open_socket(&ss, len, SOCK_STREAM, 0, 0,
			    0);
			if (l->fd == -1) {
				goto fail;
			}
			l->tls = cfg->control_use_cert;
			tls |= l->tls;
		}
		rc->nls++;
		verbose(VERB_OPS, "control channel on %s%s", p->str,
		    rc->ls[rc->nls - 1].tls ? " (TLS)" : "");
	}
	if (tls && !(rc->ctx = rc_tls_ctx(cfg))) {
		goto fail;
	}
	return rc;
fail:
	daemon_remote_delete(rc);
	return NULL;
}

void
daemon_remote_delete(struct daemon_remote *rc)
{
	int i;

	if (!rc) {
		return;
	}
	daemon_remote_detach(rc);
	for (i = 0; i < rc->nls; i++) {
		close(rc->ls[i].fd);
		/* Under chroot: by its name inside the chroot. */
		if (rc->ls[i].path && unlink(config_path(rc->d ? rc->d->cfg :
		    NULL, rc->ls[i].path)) != 0 && errno != ENOENT) {
			log_warn("cannot remove the control socket %s: %s",
			    rc->ls[i].path, strerror(errno));
		}
		free(rc->ls[i].path);
		free(rc->ls[i].madedir);
	}
	/* A slot that failed half way may hold a path. */
	if (rc->nls < RC_MAX_IFS) {
		free(rc->ls[rc->nls].path);
		free(rc->ls[rc->nls].madedir);
	}
	SSL_CTX_free(rc->ctx);
	free(rc->snap);
	free(rc);
}

int
daemon_remote_attach(struct daemon_remote *rc, struct daemon *d)
{
	int i;

	rc->d = d;
	free(rc->snap);
	rc->nsnap = 0;
	rc->snap = calloc((size_t)d->num_workers, sizeof(*rc->snap));
	if (!rc->snap) {
		log_err("out of memory");
		return RES_ENOMEM;
	}
	rc->nsnap = d->num_workers;
	for (i = 0; i < rc->nls; i++) {
		rc->ls[i].ev = comm_fd_create(d->base, rc->ls[i].fd,
		    rc_accept, &rc->ls[i]);
		if (!rc->ls[i].ev) {
			return RES_ESYSTEM;
		}
	}
	return RES_OK;
}

void
daemon_remote_chown(struct daemon_remote *rc, uid_t uid, gid_t gid)
{
	int i;

	for (i = 0; rc && i < rc->nls; i++) {
		if (rc->ls[i].madedir && chown(rc->ls[i].madedir, uid, gid) !=
		    0) {
			verbose(VERB_OPS, "cannot chown %s: %s",
			    rc->ls[i].madedir, strerror(errno));
		}
	}
}

void
daemon_remote_detach(struct daemon_remote *rc)
{
	int i;

	if (!rc) {
		return;
	}
	for (i = 0; i < rc->nls; i++) {
		comm_fd_delete(rc->ls[i].ev);
		rc->ls[i].ev = NULL;
	}
	while (rc->pending) {
		rc_pending_free(rc->pending);
	}
}
