/*
 * util/netevent.c - libevent glue for client-facing service points.
 *
 * UDP: on readable, up to NETEVENT_BATCH datagrams are taken with one
 * recvmmsg(2), shown together to the prefetch callback (which starts the
 * memory loads their answers need, so they overlap), each handed to the
 * handler, and the replies go out with one sendmmsg(2).  A reply the
 * kernel refuses as over the interface MTU (sockets with DF, see
 * comm_socket_dontfrag()) is rewritten once by the too-big callback.
 * Buffers belong to the point and are allocated once at creation, so the
 * per-packet path allocates nothing.  A datagram larger than the receive
 * buffer (MSG_TRUNC) cannot be a sane query and is dropped without
 * calling the handler.
 *
 * TCP: the listener accepts into bufferevents.  The accept check (access
 * control, and how many connections the address may hold) runs first: a
 * refused connection is closed at once, before it takes a slot's time.
 * Every complete length-prefixed message in the input is handled in
 * order; replies kept for later go out when ready, so pipelined queries
 * are answered out of order (RFC 7766 section 6.2.1.1).  Each connection
 * has a window of its own timer: a whole message must arrive within it,
 * counted from the end of the previous one (or the accept), and bytes
 * trickling in do not extend it (RFC 7766 section 6.2.3 asks servers to
 * manage idle connections).  The window is idle_ms, or
 * NETEVENT_TCP_BUSY_MS while more than half the slots are taken, as
 * Unbound shortens it.  While answers are still out the window is
 * renewed, a bounded number of times.  A connection also closes on EOF,
 * error, a zero-length message, or when a client stops reading and its
 * pending output passes NETEVENT_TCP_OUTMAX.  At max_conn connections the
 * listener is disabled, and re-enabled when one closes.
 */
#include "config.h"
#include "util/netevent.h"
#include "util/error.h"
#include "util/log.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>

/** Datagrams taken per recvmmsg call. */
#define NETEVENT_BATCH 32
#if NETEVENT_BATCH > COMM_PREFETCH_MAX
#error "NETEVENT_BATCH over COMM_PREFETCH_MAX"
#endif
/** Receive buffer per datagram: larger datagrams are not queries. */
#define NETEVENT_UDP_RECV 8192
/** Largest DNS message over TCP (16-bit length). */
#define NETEVENT_TCP_MAX 65535
/** A TCP client not reading its replies is cut off past this backlog. */
#define NETEVENT_TCP_OUTMAX (256 * 1024)
/** The TCP window while more than half the slots are taken, ms (the
 * value Unbound uses, TCP_QUERY_TIMEOUT_MINIMUM). */
#define NETEVENT_TCP_BUSY_MS 200
/** Windows one connection may be given while its answers are out. */
#define NETEVENT_TCP_EXTENSIONS 4

#ifdef HAVE_RECVMMSG
/**
 * The message headers of a UDP point's batches, set up once when the
 * point is made: a batch only puts back what recvmmsg() changed (the
 * address lengths) and fills in the replies' addresses and lengths.
 */
struct udp_batch_hdrs {
	/** Receive headers, each on its own slice of recvbuf. */
	struct mmsghdr in[NETEVENT_BATCH];
	/** Send headers, each on its own slice of replybuf. */
	struct mmsghdr out[NETEVENT_BATCH];
	/** The vectors of in and out. */
	struct iovec iin[NETEVENT_BATCH], iout[NETEVENT_BATCH];
	/** Client addresses, in the order received. */
	struct sockaddr_storage addrs[NETEVENT_BATCH];
};
#endif

struct comm_base {
	/** The libevent base of this thread. */
	struct event_base *eb;
	/** Time at the start of the current batch. */
	struct timeval now;
	/** 1 when the clock is set by comm_base_set_time() only. */
	int fixed;
};

/** One accepted TCP connection. */
struct tcp_conn {
	/** The point it was accepted on. */
	struct comm_point *cp;
	/** The buffered connection. */
	struct bufferevent *bev;
	/** Client address. */
	struct sockaddr_storage addr;
	/** Length of addr. */
	socklen_t addrlen;
	/** Doubly linked list of the point's connections. */
	struct tcp_conn *prev, *next;
	/** Unique id, for replies sent later. */
	uint64_t id;
	/** The window timer (see the top of this file). */
	struct event *timer;
	/** Its current length, ms (what the keepalive option says). */
	int window_ms;
	/** Replies kept for later and not sent yet. */
	int pending;
	/** Windows renewed while replies were out, since the last
	 * message. */
	int extensions;
};

struct comm_point {
	/** The base this point runs on. */
	struct comm_base *base;
	/** The socket. */
	int fd;
	/** 1 for a TCP listener. */
	int is_tcp;
	/** Handler for messages and its argument. */
	comm_handler_type handler;
	/** Argument for handler. */
	void *arg;
	/** UDP: read event; NULL for TCP. */
	struct event *ev;
	/** UDP: receive buffers, NETEVENT_BATCH x NETEVENT_UDP_RECV. */
	uint8_t *recvbuf;
#ifdef HAVE_RECVMMSG
	/** UDP: the batch headers over recvbuf and replybuf. */
	struct udp_batch_hdrs *hdrs;
#endif
	/** Reply buffers: NETEVENT_BATCH x reply_cap (UDP); 1 x (TCP). */
	uint8_t *replybuf;
	/** Capacity of one reply buffer. */
	size_t reply_cap;
	/** TCP: the listener. */
	struct evconnlistener *listener;
	/** TCP: query buffer for one message. */
	uint8_t *tcpbuf;
	/** TCP: open connections. */
	struct tcp_conn *conns;
	/** TCP: number of open connections. */
	int num_conn;
	/** TCP: connection cap. */
	int max_conn;
	/** TCP: idle timeout. */
	struct timeval idle;
	/** TCP: 1 while the listener is disabled at the cap. */
	int accept_paused;
	/** TCP: the next connection id. */
	uint64_t next_conn_id;
	/** TCP: the accept check, or NULL (every address may hold
	 * max_conn). */
	comm_accept_check_type accept_check;
	/** Its argument. */
	void *accept_arg;
	/** TCP: what the point closed, for the statistics. */
	struct comm_tcp_stats tstats;
	/** UDP: what to do with a reply too big to send, or NULL. */
	comm_too_big_type too_big;
	/** Argument for too_big. */
	void *too_big_arg;
	/** UDP: called with the datagrams of a batch first, or NULL. */
	comm_prefetch_type prefetch;
	/** Argument for prefetch. */
	void *prefetch_arg;
};

struct comm_signal {
	/** The libevent signal event. */
	struct event *ev;
	/** Callback and argument. */
	comm_callback_type cb;
	/** Argument for cb. */
	void *arg;
};

/** libevent thread support is switched on once, before any base. */
static pthread_once_t netevent_once = PTHREAD_ONCE_INIT;

/** Turn on libevent's locking so comm_base_exit() works across threads. */
static void
netevent_init_once(void)
{
	if (evthread_use_pthreads() != 0) {
		log_err("libevent: cannot enable thread support");
	}
}

struct comm_base *
comm_base_create(void)
{
	struct comm_base *b;

	pthread_once(&netevent_once, netevent_init_once);
	b = calloc(1, sizeof(*b));
	if (!b) {
		log_err("out of memory");
		return NULL;
	}
	b->eb = event_base_new();
	if (!b->eb) {
		log_err("libevent: event_base_new failed");
		free(b);
		return NULL;
	}
	comm_base_update_time(b);
	return b;
}

void
comm_base_delete(struct comm_base *b)
{
	if (!b) {
		return;
	}
	event_base_free(b->eb);
	free(b);
}

void
comm_base_dispatch(struct comm_base *b)
{
	if (event_base_dispatch(b->eb) == -1) {
		log_err("libevent: event_base_dispatch failed");
	}
}

void
comm_base_exit(struct comm_base *b)
{
	event_base_loopexit(b->eb, NULL);
}

time_t
comm_base_now(struct comm_base *b)
{
	return b->now.tv_sec;
}

const struct timeval *
comm_base_timeval(struct comm_base *b)
{
	return &b->now;
}

void
comm_base_update_time(struct comm_base *b)
{
	if (!b->fixed) {
		gettimeofday(&b->now, NULL);
	}
}

void
comm_base_set_time(struct comm_base *b, const struct timeval *tv)
{
	b->fixed = 1;
	b->now = *tv;
}

struct event_base *
comm_base_internal(struct comm_base *b)
{
	return b->eb;
}

/** Prepare a comm_reply for one message. */
static void
reply_setup(struct comm_reply *r, struct comm_point *c, const uint8_t *q,
    size_t qlen, const struct sockaddr_storage *addr, socklen_t addrlen,
    int is_tcp, uint8_t *reply, size_t cap)
{
	r->c = c;
	r->conn_id = 0;
	r->query = q;
	r->query_len = qlen;
	memcpy(&r->addr, addr, addrlen);
	r->addrlen = addrlen;
	r->is_tcp = is_tcp;
	r->reply = reply;
	r->reply_cap = cap;
	r->reply_len = 0;
	r->tcp_window_ms = 0;
}

/**
 * A reply the kernel refused as too big: the point's handler rewrites it.
 * @return the new length, 0 to drop it.
 */
static size_t
udp_too_big(struct comm_point *c, uint8_t *pkt, size_t len)
{
	size_t n = c->too_big ? c->too_big(c->too_big_arg, pkt, len) : 0;

	verbose(VERB_ALGO, "UDP reply of %zu octets over the interface MTU: "
	    "%s", len, n ? "sent truncated" : "dropped");
	return n < len ? n : 0;
}

/** Send one datagram; a reply over the MTU is rewritten once. */
static int
udp_send_one(struct comm_point *c, uint8_t *pkt, size_t len,
    const struct sockaddr_storage *addr, socklen_t addrlen)
{
	if (sendto(c->fd, pkt, len, 0, (const struct sockaddr *)addr,
	    addrlen) >= 0) {
		return RES_OK;
	}
	if (errno == EMSGSIZE && (len = udp_too_big(c, pkt, len)) > 0 &&
	    sendto(c->fd, pkt, len, 0, (const struct sockaddr *)addr,
	    addrlen) >= 0) {
		return RES_OK;
	}
	verbose(VERB_ALGO, "sendto: %s", strerror(errno));
	return RES_ESYSTEM;
}

#ifdef HAVE_RECVMMSG
/** Read and answer a batch of datagrams with recvmmsg/sendmmsg. */
static void
udp_batch(struct comm_point *c)
{
	struct udp_batch_hdrs *h = c->hdrs;
	struct mmsghdr *in = h->in, *out = h->out;
	struct iovec *iin = h->iin, *iout = h->iout;
	struct sockaddr_storage *addrs = h->addrs;
	const uint8_t *pkts[NETEVENT_BATCH];
	size_t lens[NETEVENT_BATCH];
	struct comm_reply r;
	int n, i, nout = 0, sent, off, shrunk;

	n = recvmmsg(c->fd, in, NETEVENT_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0) {
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNREFUSED) {
			verbose(VERB_OPS, "recvmmsg: %s", strerror(errno));
		}
		return;
	}
	comm_base_update_time(c->base);
	if (c->prefetch && n > 1) {
		for (i = 0; i < n; i++) {
			pkts[i] = iin[i].iov_base;
			lens[i] = in[i].msg_len;
		}
		c->prefetch(c->prefetch_arg, pkts, lens, n);
	}
	for (i = 0; i < n; i++) {
		uint8_t *rbuf = c->replybuf + (size_t)nout * c->reply_cap;

		if (in[i].msg_hdr.msg_flags & MSG_TRUNC) {
			continue;
		}
		reply_setup(&r, c, iin[i].iov_base, in[i].msg_len, &addrs[i],
		    in[i].msg_hdr.msg_namelen, 0, rbuf, c->reply_cap);
		if (c->handler(c->arg, &r) != COMM_REPLY_SEND ||
		    r.reply_len == 0) {
			continue;
		}
		/* iout[nout] points at rbuf already (udp_hdrs_init()). */
		iout[nout].iov_len = r.reply_len;
		out[nout].msg_hdr.msg_name = &addrs[i];
		out[nout].msg_hdr.msg_namelen = in[i].msg_hdr.msg_namelen;
		nout++;
	}
	off = 0;
	shrunk = -1;
	while (off < nout) {
		sent = sendmmsg(c->fd, out + off, (unsigned)(nout - off), 0);
		if (sent <= 0) {
			if (sent < 0 && errno == EINTR) {
				continue;
			}
			/* Over the interface MTU with DF: rewrite it once. */
			if (sent < 0 && errno == EMSGSIZE && shrunk != off) {
				shrunk = off;
				iout[off].iov_len = udp_too_big(c,
				    iout[off].iov_base, iout[off].iov_len);
				if (iout[off].iov_len > 0) {
					continue;
				}
				off++;
				continue;
			}
			/* Socket buffer full or client unreachable: UDP
			 * replies are lost like any datagram; skip one. */
			if (sent < 0 && errno != EAGAIN) {
				verbose(VERB_ALGO, "sendmmsg: %s",
				    strerror(errno));
			}
			off++;
			continue;
		}
		off += sent;
	}
	/* What recvmmsg() changed, back for the next batch (a reply
	 * rewritten by udp_too_big() stays in its buffer). */
	for (i = 0; i < n; i++) {
		in[i].msg_hdr.msg_namelen = sizeof(addrs[i]);
	}
}

/** Set up a UDP point's batch headers over its buffers. */
static void
udp_hdrs_init(struct comm_point *c)
{
	struct udp_batch_hdrs *h = c->hdrs;
	int i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < NETEVENT_BATCH; i++) {
		h->iin[i].iov_base = c->recvbuf + (size_t)i * NETEVENT_UDP_RECV;
		h->iin[i].iov_len = NETEVENT_UDP_RECV;
		h->in[i].msg_hdr.msg_name = &h->addrs[i];
		h->in[i].msg_hdr.msg_namelen = sizeof(h->addrs[i]);
		h->in[i].msg_hdr.msg_iov = &h->iin[i];
		h->in[i].msg_hdr.msg_iovlen = 1;
		h->iout[i].iov_base = c->replybuf + (size_t)i * c->reply_cap;
		h->out[i].msg_hdr.msg_iov = &h->iout[i];
		h->out[i].msg_hdr.msg_iovlen = 1;
	}
}
#else /* !HAVE_RECVMMSG */
/** Read and answer datagrams one at a time. */
static void
udp_batch(struct comm_point *c)
{
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct comm_reply r;
	ssize_t len;
	int i;

	for (i = 0; i < NETEVENT_BATCH; i++) {
		addrlen = sizeof(addr);
		len = recvfrom(c->fd, c->recvbuf, NETEVENT_UDP_RECV,
		    MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&addr,
		    &addrlen);
		if (len < 0) {
			return;
		}
		if (i == 0) {
			comm_base_update_time(c->base);
		}
		if ((size_t)len > NETEVENT_UDP_RECV) {
			continue;
		}
		reply_setup(&r, c, c->recvbuf, (size_t)len, &addr, addrlen, 0,
		    c->replybuf, c->reply_cap);
		if (c->handler(c->arg, &r) != COMM_REPLY_SEND ||
		    r.reply_len == 0) {
			continue;
		}
		(void)udp_send_one(c, r.reply, r.reply_len, &addr, addrlen);
	}
}
#endif /* HAVE_RECVMMSG */

/** libevent callback: the UDP socket is readable. */
static void
udp_readable(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	udp_batch(arg);
}

struct comm_point *
comm_point_create_udp(struct comm_base *b, int fd, size_t reply_cap,
    comm_handler_type handler, void *arg)
{
	struct comm_point *c = calloc(1, sizeof(*c));

	if (!c) {
		log_err("out of memory");
		return NULL;
	}
	c->base = b;
	c->fd = fd;
	c->handler = handler;
	c->arg = arg;
	c->reply_cap = reply_cap;
	c->recvbuf = malloc((size_t)NETEVENT_BATCH * NETEVENT_UDP_RECV);
	c->replybuf = malloc((size_t)NETEVENT_BATCH * reply_cap);
#ifdef HAVE_RECVMMSG
	c->hdrs = malloc(sizeof(*c->hdrs));
	if (!c->hdrs) {
		log_err("out of memory creating UDP service point");
		comm_point_delete(c);
		return NULL;
	}
#endif
	c->ev = event_new(b->eb, fd, EV_READ | EV_PERSIST, udp_readable, c);
	if (!c->recvbuf || !c->replybuf || !c->ev || event_add(c->ev, NULL)) {
		log_err("out of memory creating UDP service point");
		comm_point_delete(c);
		return NULL;
	}
#ifdef HAVE_RECVMMSG
	udp_hdrs_init(c);
#endif
	return c;
}

void
comm_point_set_too_big(struct comm_point *c, comm_too_big_type fn,
    void *arg)
{
	if (c) {
		c->too_big = fn;
		c->too_big_arg = arg;
	}
}

void
comm_point_set_prefetch(struct comm_point *c, comm_prefetch_type fn,
    void *arg)
{
	if (c) {
		c->prefetch = fn;
		c->prefetch_arg = arg;
	}
}

/** Close one TCP connection and unlink it. */
static void
tcp_conn_close(struct tcp_conn *t)
{
	struct comm_point *c = t->cp;

	if (t->prev) {
		t->prev->next = t->next;
	} else {
		c->conns = t->next;
	}
	if (t->next) {
		t->next->prev = t->prev;
	}
	bufferevent_free(t->bev);
	if (t->timer) {
		event_free(t->timer);
	}
	free(t);
	c->num_conn--;
	if (c->accept_paused && c->num_conn < c->max_conn) {
		evconnlistener_enable(c->listener);
		c->accept_paused = 0;
	}
}

/** The window a connection gets now: shorter while the point is busy. */
static int
tcp_window_ms(const struct comm_point *c)
{
	int ms = (int)(c->idle.tv_sec * 1000 + c->idle.tv_usec / 1000);

	if (c->num_conn > c->max_conn / 2 && ms > NETEVENT_TCP_BUSY_MS) {
		ms = NETEVENT_TCP_BUSY_MS;
	}
	return ms;
}

/** Start a new window on a connection. */
static void
tcp_window_start(struct tcp_conn *t)
{
	struct timeval tv;

	t->window_ms = tcp_window_ms(t->cp);
	tv.tv_sec = t->window_ms / 1000;
	tv.tv_usec = (t->window_ms % 1000) * 1000;
	(void)evtimer_add(t->timer, &tv);
}

/** libevent callback: a connection's window ran out. */
static void
tcp_window_end(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_conn *t = arg;
	struct evbuffer *in = bufferevent_get_input(t->bev);

	(void)fd;
	(void)what;
	if (t->pending > 0 && evbuffer_get_length(in) == 0 &&
	    t->extensions < NETEVENT_TCP_EXTENSIONS) {
		/* Answers still on their way and nothing half sent. */
		t->extensions++;
		tcp_window_start(t);
		return;
	}
	t->cp->tstats.timeout_closed++;
	tcp_conn_close(t);
}

/** libevent callback: data arrived on a TCP connection. */
static void
tcp_readable(struct bufferevent *bev, void *arg)
{
	struct tcp_conn *t = arg;
	struct comm_point *c = t->cp;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct comm_reply r;
	uint8_t lenbuf[2];
	size_t len;
	int res, done = 0;

	comm_base_update_time(c->base);
	while (evbuffer_get_length(in) >= 2) {
		evbuffer_copyout(in, lenbuf, 2);
		len = ((size_t)lenbuf[0] << 8) | lenbuf[1];
		if (len == 0) {
			tcp_conn_close(t);
			return;
		}
		if (evbuffer_get_length(in) < 2 + len) {
			break;
		}
		evbuffer_drain(in, 2);
		evbuffer_remove(in, c->tcpbuf, len);
		done++;
		/* Reply into replybuf after a 2-octet length prefix. */
		reply_setup(&r, c, c->tcpbuf, len, &t->addr, t->addrlen, 1,
		    c->replybuf + 2, c->reply_cap);
		r.conn_id = t->id;
		r.tcp_window_ms = t->window_ms;
		res = c->handler(c->arg, &r);
		if (res == COMM_REPLY_LATER) {
			t->pending++;
			continue;
		}
		if (res != COMM_REPLY_SEND || r.reply_len == 0) {
			/* A TCP query we will not answer: close, the client
			 * would otherwise wait for the idle timeout. */
			tcp_conn_close(t);
			return;
		}
		c->replybuf[0] = (uint8_t)(r.reply_len >> 8);
		c->replybuf[1] = (uint8_t)(r.reply_len & 0xff);
		if (bufferevent_write(bev, c->replybuf, r.reply_len + 2) != 0 ||
		    evbuffer_get_length(bufferevent_get_output(bev)) >
		    NETEVENT_TCP_OUTMAX) {
			verbose(VERB_ALGO, "tcp: client not reading, closed");
			tcp_conn_close(t);
			return;
		}
	}
	if (done > 0) {
		/* Whole messages came: the next one gets a new window.
		 * Bytes of a message still incomplete do not. */
		t->extensions = 0;
		tcp_window_start(t);
	}
}

/** libevent callback: EOF, error or timeout on a TCP connection. */
static void
tcp_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) {
		tcp_conn_close(arg);
	}
}

/** Connections of the point from the same address as sa. */
static int
tcp_conns_from(const struct comm_point *c, const struct sockaddr *sa)
{
	const struct tcp_conn *t;
	int n = 0;

	for (t = c->conns; t; t = t->next) {
		const struct sockaddr *o = (const struct sockaddr *)&t->addr;

		if (o->sa_family != sa->sa_family) {
			continue;
		}
		if (sa->sa_family == AF_INET) {
			n += memcmp(&((const struct sockaddr_in *)o)->sin_addr,
			    &((const struct sockaddr_in *)sa)->sin_addr, 4) == 0;
		} else if (sa->sa_family == AF_INET6) {
			n += memcmp(&((const struct sockaddr_in6 *)o)->sin6_addr,
			    &((const struct sockaddr_in6 *)sa)->sin6_addr,
			    16) == 0;
		}
	}
	return n;
}

/** libevent callback: a TCP connection was accepted. */
static void
tcp_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct comm_point *c = arg;
	struct tcp_conn *t;
	int allowed;

	(void)l;
	if (c->accept_check) {
		allowed = c->accept_check(c->accept_arg, sa, (socklen_t)salen);
		if (allowed <= 0) {
			/* Access control: closed before it costs anything. */
			c->tstats.acl_closed++;
			close(fd);
			return;
		}
		if (tcp_conns_from(c, sa) >= allowed) {
			/* The address holds its share of the slots. */
			c->tstats.limit_closed++;
			close(fd);
			return;
		}
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		log_err("out of memory accepting TCP");
		close(fd);
		return;
	}
	t->bev = bufferevent_socket_new(c->base->eb, fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (!t->bev) {
		log_err("out of memory accepting TCP");
		close(fd);
		free(t);
		return;
	}
	t->cp = c;
	t->id = ++c->next_conn_id;
	t->timer = evtimer_new(c->base->eb, tcp_window_end, t);
	if (!t->timer) {
		log_err("out of memory accepting TCP");
		bufferevent_free(t->bev);
		free(t);
		return;
	}
	if ((size_t)salen > sizeof(t->addr)) {
		salen = (int)sizeof(t->addr);
	}
	memcpy(&t->addr, sa, (size_t)salen);
	t->addrlen = (socklen_t)salen;
	bufferevent_setcb(t->bev, tcp_readable, NULL, tcp_event, t);
	/* Reading is timed by the window; writing by idle_ms (a client
	 * that stops reading its answers). */
	bufferevent_set_timeouts(t->bev, NULL, &c->idle);
	/* Read at most one whole message plus its prefix at a time. */
	bufferevent_setwatermark(t->bev, EV_READ, 0, NETEVENT_TCP_MAX + 2);
	bufferevent_enable(t->bev, EV_READ | EV_WRITE);
	t->next = c->conns;
	if (c->conns) {
		c->conns->prev = t;
	}
	c->conns = t;
	c->num_conn++;
	tcp_window_start(t);
	if (c->num_conn >= c->max_conn) {
		evconnlistener_disable(c->listener);
		c->accept_paused = 1;
	}
}

void
comm_point_set_accept_check(struct comm_point *c, comm_accept_check_type fn,
    void *arg)
{
	if (c) {
		c->accept_check = fn;
		c->accept_arg = arg;
	}
}

void
comm_point_tcp_stats(const struct comm_point *c, struct comm_tcp_stats *st)
{
	if (c && c->is_tcp) {
		st->acl_closed += c->tstats.acl_closed;
		st->limit_closed += c->tstats.limit_closed;
		st->timeout_closed += c->tstats.timeout_closed;
	}
}

struct comm_point *
comm_point_create_tcp(struct comm_base *b, int fd, int max_conn, int idle_ms,
    comm_handler_type handler, void *arg)
{
	struct comm_point *c = calloc(1, sizeof(*c));

	if (!c) {
		log_err("out of memory");
		return NULL;
	}
	c->base = b;
	c->fd = fd;
	c->is_tcp = 1;
	c->handler = handler;
	c->arg = arg;
	c->max_conn = max_conn > 0 ? max_conn : 1;
	c->idle.tv_sec = idle_ms / 1000;
	c->idle.tv_usec = (idle_ms % 1000) * 1000;
	c->reply_cap = NETEVENT_TCP_MAX;
	c->tcpbuf = malloc(NETEVENT_TCP_MAX);
	c->replybuf = malloc(NETEVENT_TCP_MAX + 2);
	if (!c->tcpbuf || !c->replybuf) {
		log_err("out of memory creating TCP service point");
		comm_point_delete(c);
		return NULL;
	}
	c->listener = evconnlistener_new(b->eb, tcp_accept, c,
	    LEV_OPT_CLOSE_ON_FREE, 0, fd);
	if (!c->listener) {
		log_err("libevent: cannot create TCP listener");
		comm_point_delete(c);
		return NULL;
	}
	return c;
}

void
comm_point_delete(struct comm_point *c)
{
	if (!c) {
		return;
	}
	while (c->conns) {
		c->accept_paused = 0;
		tcp_conn_close(c->conns);
	}
	if (c->listener) {
		/* Closes fd (LEV_OPT_CLOSE_ON_FREE). */
		evconnlistener_free(c->listener);
	} else if (c->fd != -1) {
		close(c->fd);
	}
	if (c->ev) {
		event_free(c->ev);
	}
	free(c->recvbuf);
	free(c->replybuf);
	free(c->tcpbuf);
#ifdef HAVE_RECVMMSG
	free(c->hdrs);
#endif
	free(c);
}

int
comm_reply_send(const struct comm_reply *rep, const uint8_t *msg, size_t len)
{
	struct comm_point *c = rep->c;
	struct tcp_conn *t;
	uint8_t prefix[2];

	if (!rep->is_tcp) {
		uint8_t *copy;
		int r;

		if (sendto(c->fd, msg, len, 0,
		    (const struct sockaddr *)&rep->addr, rep->addrlen) >= 0) {
			return RES_OK;
		}
		if (errno != EMSGSIZE || (copy = malloc(len)) == NULL) {
			verbose(VERB_ALGO, "sendto: %s", strerror(errno));
			return RES_ESYSTEM;
		}
		/* Rare: the reply is over the interface MTU (DF set). */
		memcpy(copy, msg, len);
		r = udp_send_one(c, copy, len, &rep->addr, rep->addrlen);
		free(copy);
		return r;
	}
	for (t = c->conns; t; t = t->next) {
		if (t->id == rep->conn_id) {
			break;
		}
	}
	if (!t) {
		return RES_ENOTFOUND;
	}
	if (t->pending > 0) {
		t->pending--;
	}
	prefix[0] = (uint8_t)(len >> 8);
	prefix[1] = (uint8_t)(len & 0xff);
	if (bufferevent_write(t->bev, prefix, 2) != 0 ||
	    bufferevent_write(t->bev, msg, len) != 0 ||
	    evbuffer_get_length(bufferevent_get_output(t->bev)) >
	    NETEVENT_TCP_OUTMAX) {
		tcp_conn_close(t);
		return RES_ESYSTEM;
	}
	return RES_OK;
}

int
comm_point_tcp_count(struct comm_point *c)
{
	return c->is_tcp ? c->num_conn : 0;
}

/** libevent callback: a signal arrived. */
static void
signal_fired(evutil_socket_t sig, short what, void *arg)
{
	struct comm_signal *s = arg;

	(void)sig;
	(void)what;
	s->cb(s->arg);
}

struct comm_signal *
comm_signal_create(struct comm_base *b, int sig, comm_callback_type cb,
    void *arg)
{
	struct comm_signal *s = calloc(1, sizeof(*s));

	if (!s) {
		return NULL;
	}
	s->cb = cb;
	s->arg = arg;
	s->ev = evsignal_new(b->eb, sig, signal_fired, s);
	if (!s->ev || event_add(s->ev, NULL) != 0) {
		log_err("libevent: cannot watch signal %d", sig);
		comm_signal_delete(s);
		return NULL;
	}
	return s;
}

void
comm_signal_delete(struct comm_signal *s)
{
	if (!s) {
		return;
	}
	if (s->ev) {
		event_free(s->ev);
	}
	free(s);
}

int
comm_open_socket(const struct sockaddr_storage *addr, socklen_t addrlen,
    int type, int reuseport, size_t rcvbuf, size_t sndbuf)
{
	char buf[128];
	int fd, on = 1;

	fd = socket(addr->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_err("socket(%s): %s", comm_addr_to_str(addr, addrlen, 1,
		    buf, sizeof(buf)), strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
#if HAVE_DECL_SO_REUSEPORT
	if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on,
	    sizeof(on)) != 0) {
		log_warn("setsockopt(SO_REUSEPORT): %s", strerror(errno));
	}
#else
	(void)reuseport;
#endif
	if (addr->ss_family == AF_INET6) {
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on));
	}
	if (rcvbuf) {
		int v = (int)rcvbuf;

		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	}
	if (sndbuf) {
		int v = (int)sndbuf;

		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	}
	if (bind(fd, (const struct sockaddr *)addr, addrlen) != 0) {
		log_err("cannot bind %s %s: %s",
		    type == SOCK_STREAM ? "tcp" : "udp",
		    comm_addr_to_str(addr, addrlen, 1, buf, sizeof(buf)),
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (type == SOCK_STREAM && listen(fd, 256) != 0) {
		log_err("listen(%s): %s", comm_addr_to_str(addr, addrlen, 1,
		    buf, sizeof(buf)), strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
comm_socket_dontfrag(int fd, int family)
{
	int v;

	(void)v;
#if defined(IP_MTU_DISCOVER) && defined(IP_PMTUDISC_PROBE)
	if (family == AF_INET) {
		v = IP_PMTUDISC_PROBE;
		return setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v,
		    sizeof(v)) == 0 ? RES_OK : RES_ESYSTEM;
	}
#elif defined(IP_DONTFRAG)
	if (family == AF_INET) {
		v = 1;
		return setsockopt(fd, IPPROTO_IP, IP_DONTFRAG, &v,
		    sizeof(v)) == 0 ? RES_OK : RES_ESYSTEM;
	}
#endif
#if defined(IPV6_MTU_DISCOVER) && defined(IPV6_PMTUDISC_PROBE)
	if (family == AF_INET6) {
		v = IPV6_PMTUDISC_PROBE;
		return setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v,
		    sizeof(v)) == 0 ? RES_OK : RES_ESYSTEM;
	}
#elif defined(IPV6_DONTFRAG)
	if (family == AF_INET6) {
		v = 1;
		return setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &v,
		    sizeof(v)) == 0 ? RES_OK : RES_ESYSTEM;
	}
#endif
	(void)fd;
	(void)family;
	return RES_ESYSTEM;
}

int
comm_addr_from_str(const char *str, int port, struct sockaddr_storage *addr,
    socklen_t *addrlen)
{
	char host[128];
	const char *at = strchr(str, '@');
	size_t hl = at ? (size_t)(at - str) : strlen(str);

	if (hl == 0 || hl >= sizeof(host)) {
		return RES_ESYNTAX;
	}
	memcpy(host, str, hl);
	host[hl] = 0;
	if (at) {
		char *end;
		long p = strtol(at + 1, &end, 10);

		if (*end || end == at + 1 || p < 0 || p > 65535) {
			return RES_ESYNTAX;
		}
		port = (int)p;
	}
	memset(addr, 0, sizeof(*addr));
	if (strchr(host, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)addr;
		char *pct = strchr(host, '%');

		if (pct) {
			/* Scoped addresses are not supported here. */
			return RES_ESYNTAX;
		}
		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1) {
			return RES_ESYNTAX;
		}
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*addrlen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)addr;

		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1) {
			return RES_ESYNTAX;
		}
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*addrlen = sizeof(*s4);
	}
	return RES_OK;
}

const char *
comm_addr_to_str(const struct sockaddr_storage *addr, socklen_t addrlen,
    int with_port, char *buf, size_t bufsz)
{
	char host[INET6_ADDRSTRLEN];
	int port = 0;

	(void)addrlen;
	host[0] = 0;
	if (addr->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 =
		    (const struct sockaddr_in6 *)addr;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		port = ntohs(s6->sin6_port);
	} else if (addr->ss_family == AF_INET) {
		const struct sockaddr_in *s4 =
		    (const struct sockaddr_in *)addr;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		port = ntohs(s4->sin_port);
	} else {
		snprintf(host, sizeof(host), "(family %d)", addr->ss_family);
	}
	if (with_port) {
		snprintf(buf, bufsz, "%s@%d", host, port);
	} else {
		snprintf(buf, bufsz, "%s", host);
	}
	return buf;
}

/*
 * Outgoing traffic and timers.
 *
 * Timers and socket watchers are thin wrappers over libevent events.
 * Outgoing TCP uses a bufferevent; since its owner may delete it from
 * inside the message callback, the connection notes when a callback is
 * running (in_cb) and a delete during it only marks the connection dead;
 * the read loop stops and frees it on the way out.
 */

struct comm_timer {
	/** The base, for the clock. */
	struct comm_base *base;
	/** The libevent timer event. */
	struct event *ev;
	/** Callback. */
	comm_callback_type cb;
	/** Argument for cb. */
	void *arg;
};

struct comm_fd {
	/** The base, for the clock. */
	struct comm_base *base;
	/** The libevent read (or write) event. */
	struct event *ev;
	/** Callback. */
	comm_fd_callback_type cb;
	/** Argument for cb. */
	void *arg;
};

struct comm_tcp_out {
	/** The base, for the clock. */
	struct comm_base *base;
	/** The buffered connection; closes the socket when freed. */
	struct bufferevent *bev;
	/** Callback for messages and the end. */
	comm_tcp_out_callback_type cb;
	/** Argument for cb. */
	void *arg;
	/** One message, copied out of the input buffer. */
	uint8_t *buf;
	/** 1 while cb runs. */
	int in_cb;
	/** 1 when deleted during cb: free after cb returns. */
	int dead;
	/** 1 after the end was reported. */
	int ended;
};

/** libevent callback: a timer fired. */
static void
timer_fired(evutil_socket_t fd, short what, void *arg)
{
	struct comm_timer *t = arg;

	(void)fd;
	(void)what;
	comm_base_update_time(t->base);
	t->cb(t->arg);
}

struct comm_timer *
comm_timer_create(struct comm_base *b, comm_callback_type cb, void *arg)
{
	struct comm_timer *t = calloc(1, sizeof(*t));

	if (!t) {
		log_err("out of memory");
		return NULL;
	}
	t->base = b;
	t->cb = cb;
	t->arg = arg;
	t->ev = evtimer_new(b->eb, timer_fired, t);
	if (!t->ev) {
		log_err("libevent: cannot create timer");
		free(t);
		return NULL;
	}
	return t;
}

int
comm_timer_set(struct comm_timer *t, int ms)
{
	struct timeval tv;

	if (ms < 0) {
		ms = 0;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	if (evtimer_add(t->ev, &tv) != 0) {
		log_err("libevent: cannot arm timer");
		return RES_ESYSTEM;
	}
	return RES_OK;
}

void
comm_timer_disable(struct comm_timer *t)
{
	if (t) {
		evtimer_del(t->ev);
	}
}

void
comm_timer_delete(struct comm_timer *t)
{
	if (!t) {
		return;
	}
	event_free(t->ev);
	free(t);
}

struct comm_notify {
	/** The base, for the clock. */
	struct comm_base *base;
	/** The libevent event, made active by comm_notify_raise(). */
	struct event *ev;
	/** Callback. */
	comm_callback_type cb;
	/** Argument for cb. */
	void *arg;
};

/** libevent callback: a notify was raised. */
static void
notify_fired(evutil_socket_t fd, short what, void *arg)
{
	struct comm_notify *n = arg;

	(void)fd;
	(void)what;
	comm_base_update_time(n->base);
	n->cb(n->arg);
}

struct comm_notify *
comm_notify_create(struct comm_base *b, comm_callback_type cb, void *arg)
{
	struct comm_notify *n = calloc(1, sizeof(*n));

	if (!n) {
		log_err("out of memory");
		return NULL;
	}
	n->base = b;
	n->cb = cb;
	n->arg = arg;
	n->ev = event_new(b->eb, -1, 0, notify_fired, n);
	if (!n->ev) {
		log_err("libevent: cannot create an event");
		free(n);
		return NULL;
	}
	return n;
}

void
comm_notify_raise(struct comm_notify *n)
{
	/* Thread-safe: the base was made with libevent's locking on
	 * (netevent_init_once), which also wakes a waiting loop. */
	event_active(n->ev, EV_TIMEOUT, 0);
}

void
comm_notify_delete(struct comm_notify *n)
{
	if (!n) {
		return;
	}
	event_free(n->ev);
	free(n);
}

/** libevent callback: a watched socket is readable (or writable). */
static void
fd_readable(evutil_socket_t fd, short what, void *arg)
{
	struct comm_fd *e = arg;

	(void)what;
	comm_base_update_time(e->base);
	e->cb(e->arg, (int)fd);
}

/** A watcher of fd for what (EV_READ or EV_WRITE). */
static struct comm_fd *
comm_fd_new(struct comm_base *b, int fd, short what,
    comm_fd_callback_type cb, void *arg)
{
	struct comm_fd *e = calloc(1, sizeof(*e));

	if (!e) {
		log_err("out of memory");
		return NULL;
	}
	e->base = b;
	e->cb = cb;
	e->arg = arg;
	e->ev = event_new(b->eb, fd, what | EV_PERSIST, fd_readable, e);
	if (!e->ev || event_add(e->ev, NULL) != 0) {
		log_err("libevent: cannot watch socket");
		comm_fd_delete(e);
		return NULL;
	}
	return e;
}

struct comm_fd *
comm_fd_create(struct comm_base *b, int fd, comm_fd_callback_type cb,
    void *arg)
{
	return comm_fd_new(b, fd, EV_READ, cb, arg);
}

struct comm_fd *
comm_fd_create_write(struct comm_base *b, int fd, comm_fd_callback_type cb,
    void *arg)
{
	return comm_fd_new(b, fd, EV_WRITE, cb, arg);
}

void
comm_fd_delete(struct comm_fd *e)
{
	if (!e) {
		return;
	}
	if (e->ev) {
		event_free(e->ev);
	}
	free(e);
}

/** Free an outgoing TCP connection for real. */
static void
tcp_out_free(struct comm_tcp_out *c)
{
	bufferevent_free(c->bev);
	free(c->buf);
	free(c);
}

/** Report the end of an outgoing connection once. */
static void
tcp_out_end(struct comm_tcp_out *c)
{
	if (c->ended) {
		return;
	}
	c->ended = 1;
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	c->in_cb = 1;
	c->cb(c->arg, NULL, 0);
	c->in_cb = 0;
}

/** libevent callback: data arrived on an outgoing TCP connection. */
static void
tcp_out_readable(struct bufferevent *bev, void *arg)
{
	struct comm_tcp_out *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t lenbuf[2];
	size_t len;

	comm_base_update_time(c->base);
	c->in_cb = 1;
	while (!c->dead && !c->ended && evbuffer_get_length(in) >= 2) {
		evbuffer_copyout(in, lenbuf, 2);
		len = ((size_t)lenbuf[0] << 8) | lenbuf[1];
		if (len == 0) {
			/* Not a DNS message: the stream is broken. */
			c->in_cb = 0;
			tcp_out_end(c);
			c->in_cb = 1;
			break;
		}
		if (evbuffer_get_length(in) < 2 + len) {
			break;
		}
		evbuffer_drain(in, 2);
		evbuffer_remove(in, c->buf, len);
		c->cb(c->arg, c->buf, len);
	}
	c->in_cb = 0;
	if (c->dead) {
		tcp_out_free(c);
	}
}

/** libevent callback: connected, EOF, error or timeout. */
static void
tcp_out_event(struct bufferevent *bev, short what, void *arg)
{
	struct comm_tcp_out *c = arg;

	(void)bev;
	comm_base_update_time(c->base);
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) {
		tcp_out_end(c);
		if (c->dead) {
			tcp_out_free(c);
		}
	}
}

struct comm_tcp_out *
comm_tcp_out_create(struct comm_base *b, const struct sockaddr_storage *to,
    socklen_t tolen, comm_tcp_out_callback_type cb, void *arg)
{
	struct comm_tcp_out *c = calloc(1, sizeof(*c));
	char abuf[128];

	if (!c) {
		log_err("out of memory");
		return NULL;
	}
	c->base = b;
	c->cb = cb;
	c->arg = arg;
	c->buf = malloc(NETEVENT_TCP_MAX);
	c->bev = bufferevent_socket_new(b->eb, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!c->buf || !c->bev) {
		log_err("out of memory creating TCP connection");
		goto fail;
	}
	bufferevent_setcb(c->bev, tcp_out_readable, NULL, tcp_out_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, NETEVENT_TCP_MAX + 2);
	if (bufferevent_socket_connect(c->bev, (const struct sockaddr *)to,
	    (int)tolen) != 0) {
		verbose(VERB_ALGO, "tcp connect to %s failed",
		    comm_addr_to_str(to, tolen, 1, abuf, sizeof(abuf)));
		goto fail;
	}
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	return c;
fail:
	if (c->bev) {
		bufferevent_free(c->bev);
	}
	free(c->buf);
	free(c);
	return NULL;
}

int
comm_tcp_out_send(struct comm_tcp_out *c, const uint8_t *msg, size_t len)
{
	uint8_t lenbuf[2];

	if (len == 0 || len > NETEVENT_TCP_MAX || !msg) {
		return RES_EINVAL;
	}
	lenbuf[0] = (uint8_t)(len >> 8);
	lenbuf[1] = (uint8_t)(len & 0xff);
	if (bufferevent_write(c->bev, lenbuf, 2) != 0 ||
	    bufferevent_write(c->bev, msg, len) != 0) {
		return RES_ENOMEM;
	}
	return RES_OK;
}

uint16_t
comm_tcp_out_port(struct comm_tcp_out *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = (int)bufferevent_getfd(c->bev);

	if (fd == -1 || getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		return 0;
	}
	if (ss.ss_family == AF_INET6) {
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	if (ss.ss_family == AF_INET) {
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	}
	return 0;
}

void
comm_tcp_out_delete(struct comm_tcp_out *c)
{
	if (!c) {
		return;
	}
	if (c->in_cb) {
		c->dead = 1;
		bufferevent_disable(c->bev, EV_READ | EV_WRITE);
		return;
	}
	tcp_out_free(c);
}

int
comm_base_run_once(struct comm_base *b)
{
	int r = event_base_loop(b->eb, EVLOOP_ONCE);

	if (r == -1) {
		log_err("libevent: event_base_loop failed");
		return RES_ESYSTEM;
	}
	return r;
}
