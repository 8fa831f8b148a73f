/*
 * services/outside_network.c - outgoing UDP and TCP queries with random
 * ports, random IDs, 0x20 and strict reply matching.
 *
 * Every query is a struct outnet_query that sits in exactly one place,
 * recorded in its "where" member:
 *  - OQ_WAITING: in the FIFO of UDP queries waiting for a socket (the
 *    outgoing-range cap); it has built its packet but owns no socket;
 *  - OQ_UDP: sent over UDP; it owns its socket, a read watcher and a
 *    timer; the socket receives nothing but replies to this query, so a
 *    datagram is either this query's reply or unwanted;
 *  - OQ_TCP: sent on a TCP connection, in that connection's list; the
 *    connection matches replies by ID;
 *  - OQ_FAILED: could not be sent after it was accepted (a waiting query
 *    whose socket failed); its timer is armed at 0 ms to deliver
 *    OUTNET_ERROR from the event loop, never from inside the caller.
 * query_finish() is the only way out with a callback: it unlinks the
 * query, releases its socket, sends waiting queries into the freed
 * sockets (keeping FIFO order ahead of whatever the callback starts),
 * frees the query, and only then calls back, so a callback sees a
 * consistent outside network and may start or cancel queries.
 *
 * TCP connections (struct outnet_tcp_conn) hold their pending queries.
 * When the last one leaves, the idle timer is armed (0 ms when the
 * connection is marked not to be reused, after a query on it timed out:
 * a server that let one query time out is not trusted with more).  When
 * the stream ends or breaks, the pending queries end with OUTNET_ERROR.
 */
#include "config.h"
#include "services/outside_network.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include "util/netevent.h"
#include "util/random.h"
#include <assert.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/** Default outgoing-range. */
#define OUTNET_DEFAULT_PORTS 4096
/** Default EDNS buffer size (the DNS flag day 2020 value). */
#define OUTNET_DEFAULT_EDNS 1232
/** Default idle time of an outgoing TCP connection. */
#define OUTNET_DEFAULT_TCP_IDLE 10000
/** Default cap on outgoing TCP connections. */
#define OUTNET_DEFAULT_TCP_MAX 100
/** Default pending queries per TCP connection. */
#define OUTNET_DEFAULT_PIPELINE 32
/** Random ports tried before a UDP query gives up (ports in use). */
#define OUTNET_BIND_TRIES 16
/** Datagrams read per readable event: bounds the work junk can cause. */
#define OUTNET_READ_BATCH 16
/** Largest DNS message. */
#define OUTNET_MSG_MAX 65535
/** The window in which unwanted replies are counted for the alert and
 * the least time between two alerts, seconds. */
#define OUTNET_ALERT_WINDOW 60

/** Where a query is; see the top of this file. */
enum outnet_where {
	OQ_NONE = 0,
	OQ_WAITING,
	OQ_UDP,
	OQ_TCP,
	OQ_FAILED
};

struct outnet_tcp_conn;

struct outnet_query {
	/** The outside network. */
	struct outside_network *o;
	/** Which list the query is in. */
	enum outnet_where where;
	/** 1 for TCP. */
	int is_tcp;
	/** Server address and port. */
	struct sockaddr_storage to;
	/** Length of to. */
	socklen_t tolen;
	/** The name as sent (0x20 case applied). */
	uint8_t qname[DNAME_MAXLEN];
	/** Length of qname. */
	size_t qnamelen;
	/** Query type. */
	uint16_t qtype;
	/** Query class. */
	uint16_t qclass;
	/** Query ID. */
	uint16_t id;
	/** 1 when 0x20 was applied. */
	int use_caps;
	/** The query message. */
	uint8_t pkt[OUTNET_QUERY_MAX];
	/** Length of pkt. */
	size_t pktlen;
	/** Timeout once sent. */
	int timeout_ms;
	/** When it was sent. */
	struct timeval sent;
	/** UDP socket, -1 when none. */
	int fd;
	/** UDP read watcher. */
	struct comm_fd *ev;
	/** Local port (UDP: bound; TCP: learned at the reply). */
	uint16_t port;
	/** Timeout timer (also delivers OQ_FAILED). */
	struct comm_timer *timer;
	/** TCP: the connection. */
	struct outnet_tcp_conn *conn;
	/** Callback. */
	outnet_cb cb;
	/** Argument for cb. */
	void *arg;
	/** Doubly linked list of the place it is in. */
	struct outnet_query *prev, *next;
};

/** One outgoing TCP connection. */
struct outnet_tcp_conn {
	/** The outside network. */
	struct outside_network *o;
	/** Server address and port. */
	struct sockaddr_storage to;
	/** Length of to. */
	socklen_t tolen;
	/** The connection. */
	struct comm_tcp_out *c;
	/** Pending queries. */
	struct outnet_query *queries;
	/** Number of pending queries. */
	int num_queries;
	/** Closes the connection when it is idle. */
	struct comm_timer *idle;
	/** 1 once the stream ended: pending queries are being failed. */
	int ended;
	/** 1 when no new query may use it (a query timed out). */
	int noreuse;
	/** Doubly linked list of the outside network's connections. */
	struct outnet_tcp_conn *prev, *next;
};

struct outside_network {
	/** The worker's event base. */
	struct comm_base *base;
	/** CSPRNG state of this worker. */
	struct random_state *rnd;
	/** The permitted source ports (permit minus avoid), ascending. */
	uint16_t *ports;
	/** Number of entries in ports. */
	size_t num_avail;
	/** UDP sockets allowed open at once. */
	size_t num_ports;
	/** Bound on the wait queue. */
	size_t queue_max;
	/** do-ip4. */
	int do_ip4;
	/** do-ip6. */
	int do_ip6;
	/** use-caps-for-id allowed. */
	int caps_for_id;
	/** EDNS buffer size. */
	uint16_t edns_size;
	/** Unwanted replies in one window that raise the alert; 0 never. */
	unsigned unwanted_threshold;
	/** Idle time of TCP connections. */
	int tcp_idle_ms;
	/** TCP connection cap. */
	int tcp_max;
	/** Pending queries per TCP connection. */
	int tcp_pipeline;
	/** UDP queries sent and waiting for a reply. */
	struct outnet_query *udp_active;
	/** Queries waiting for a socket: head (oldest) and tail. */
	struct outnet_query *wait_head, *wait_tail;
	/** Queries failed after acceptance, waiting for their callback. */
	struct outnet_query *failed;
	/** Open TCP connections. */
	struct outnet_tcp_conn *tcp_conns;
	/** Receive buffer for UDP replies. */
	uint8_t *recvbuf;
	/** Counters; the "now" members are kept current too. */
	struct outnet_stats st;
	/** Start of the current unwanted-reply window. */
	time_t win_start;
	/** Unwanted replies in the window. */
	unsigned win_count;
	/** 1 when the alert was given in this window. */
	int win_alerted;
	/** When the alert was last logged; 0 never. */
	time_t last_alert;
};

/* ---------------------------------------------------------------- */
/* Query lists. */

/** Push q at the head of a list. */
static void
list_push(struct outnet_query **head, struct outnet_query *q)
{
	q->prev = NULL;
	q->next = *head;
	if (*head) {
		(*head)->prev = q;
	}
	*head = q;
}

/** Remove q from a list. */
static void
list_remove(struct outnet_query **head, struct outnet_query *q)
{
	if (q->prev) {
		q->prev->next = q->next;
	} else {
		*head = q->next;
	}
	if (q->next) {
		q->next->prev = q->prev;
	}
	q->prev = q->next = NULL;
}

/** Append q to the wait queue. */
static void
wait_push(struct outside_network *o, struct outnet_query *q)
{
	q->next = NULL;
	q->prev = o->wait_tail;
	if (o->wait_tail) {
		o->wait_tail->next = q;
	} else {
		o->wait_head = q;
	}
	o->wait_tail = q;
	q->where = OQ_WAITING;
	o->st.udp_waiting++;
}

/** Take q out of the wait queue. */
static void
wait_remove(struct outside_network *o, struct outnet_query *q)
{
	if (o->wait_tail == q) {
		o->wait_tail = q->prev;
	}
	list_remove(&o->wait_head, q);
	o->st.udp_waiting--;
}

/* ---------------------------------------------------------------- */
/* Packets. */

int
outnet_build_query(uint8_t *buf, size_t bufsz, uint16_t id,
    const uint8_t *qname, size_t qnamelen, uint16_t qtype, uint16_t qclass,
    uint16_t flags, int edns, uint16_t edns_size, int do_bit)
{
	size_t len = 12 + qnamelen + 4 + (edns ? 11 : 0);

	if (!buf || !qname || len > bufsz) {
		return RES_ESPACE;
	}
	/* RFC 1035 section 4.1.1: ID, flags (QR=0, opcode QUERY), counts. */
	wire_put16(buf, id);
	wire_put16(buf + 2, flags & (MSG_FLAG_RD | MSG_FLAG_CD));
	wire_put16(buf + 4, 1);
	wire_put16(buf + 6, 0);
	wire_put16(buf + 8, 0);
	wire_put16(buf + 10, edns ? 1 : 0);
	/* RFC 1035 section 4.1.2: the question. */
	memcpy(buf + 12, qname, qnamelen);
	wire_put16(buf + 12 + qnamelen, qtype);
	wire_put16(buf + 14 + qnamelen, qclass);
	if (edns) {
		uint8_t *p = buf + 16 + qnamelen;

		/* RFC 6891 section 6.1.2: root owner, type OPT, class is
		 * the payload size, TTL is extended RCODE 0, version 0 and
		 * the flags (DO, RFC 3225 section 3), no options. */
		p[0] = 0;
		wire_put16(p + 1, 41);
		wire_put16(p + 3, edns_size);
		p[5] = 0;
		p[6] = 0;
		wire_put16(p + 7, do_bit ? EDNS_FLAG_DO : 0);
		wire_put16(p + 9, 0);
	}
	return (int)len;
}

/**
 * Give each letter of the name a random case (0x20, draft-vixie-dnsext-
 * dns0x20): one random bit per letter.
 */
static void
apply_caps(struct random_state *r, uint8_t *d)
{
	uint8_t bits[DNAME_MAXLEN / 8 + 1];
	size_t n = 0;

	random_bytes(r, bits, sizeof(bits));
	while (*d) {
		uint8_t lablen = *d++;

		while (lablen--) {
			uint8_t c = *d;

			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
				if (bits[n / 8] & (1 << (n % 8))) {
					*d = c & ~0x20;
				} else {
					*d = c | 0x20;
				}
				n++;
			}
			d++;
		}
	}
}

/**
 * Check that a reply belongs to q (the sender was checked already):
 * QR set, opcode QUERY, q's ID, q's question (RFC 5452 section 9.1).
 * @return OUTNET_OK, OUTNET_CAPS_MISMATCH, or -1 for unwanted.
 */
static int
reply_check(const struct outnet_query *q, const uint8_t *pkt, size_t len)
{
	uint8_t name[DNAME_MAXLEN];
	size_t pos = 12, namelen;
	uint16_t flags, qdcount;

	if (len < 12 || wire_get16(pkt) != q->id) {
		return -1;
	}
	flags = wire_get16(pkt + 2);
	if (!(flags & MSG_FLAG_QR) || MSG_OPCODE(flags) != MSG_OPCODE_QUERY) {
		return -1;
	}
	qdcount = wire_get16(pkt + 4);
	if (qdcount == 0) {
		/* Error replies may lack the question (FORMERR from servers
		 * without EDNS); address, port and ID matched. */
		return (flags & 0xf) != 0 ? OUTNET_OK : -1;
	}
	if (qdcount != 1) {
		return -1;
	}
	if (dname_unpack(pkt, len, &pos, name, &namelen) != 0 ||
	    pos + 4 > len) {
		return -1;
	}
	if (wire_get16(pkt + pos) != q->qtype ||
	    wire_get16(pkt + pos + 2) != q->qclass) {
		return -1;
	}
	if (namelen == q->qnamelen && memcmp(name, q->qname, namelen) == 0) {
		return OUTNET_OK;
	}
	if (dname_equal(name, q->qname)) {
		return q->use_caps ? OUTNET_CAPS_MISMATCH : OUTNET_OK;
	}
	return -1;
}

/** 1 if a and b are the same address and port. */
static int
addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family) {
		return 0;
	}
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;

		return x->sin_port == y->sin_port &&
		    x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;

		return x->sin6_port == y->sin6_port &&
		    memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Unwanted replies. */

/**
 * Count an unwanted packet.  Unwanted packets are counted in windows of
 * OUTNET_ALERT_WINDOW seconds; the window that reaches the threshold
 * counts one spoof alert, and the alert is logged unless one was logged
 * less than a window ago (so at most once a minute).
 */
static void
unwanted(struct outside_network *o)
{
	time_t now = comm_base_now(o->base);

	o->st.unwanted++;
	if (now - o->win_start >= OUTNET_ALERT_WINDOW || now < o->win_start) {
		o->win_start = now;
		o->win_count = 0;
		o->win_alerted = 0;
	}
	o->win_count++;
	if (o->unwanted_threshold && !o->win_alerted &&
	    o->win_count >= o->unwanted_threshold) {
		o->win_alerted = 1;
		o->st.spoof_alerts++;
		if (o->last_alert != 0 &&
		    now - o->last_alert < OUTNET_ALERT_WINDOW &&
		    now >= o->last_alert) {
			return;	/* counted, but logged less than a minute ago */
		}
		o->last_alert = now;
		log_warn("possible spoofing attempt: %u unwanted replies "
		    "within %d seconds (%llu in all)", o->win_count,
		    OUTNET_ALERT_WINDOW, (unsigned long long)o->st.unwanted);
	}
}

/* ---------------------------------------------------------------- */
/* Ending queries. */

static void udp_service_queue(struct outside_network *o);
static void tcp_conn_released(struct outnet_tcp_conn *t);

/** Milliseconds since q was sent. */
static int
elapsed_ms(const struct outnet_query *q)
{
	struct timeval now;
	long ms;

	if (q->sent.tv_sec == 0 && q->sent.tv_usec == 0) {
		return 0;
	}
	gettimeofday(&now, NULL);
	ms = (long)(now.tv_sec - q->sent.tv_sec) * 1000 +
	    (long)(now.tv_usec - q->sent.tv_usec) / 1000;
	return ms < 0 ? 0 : (int)ms;
}

/**
 * Take q out of its place and release what it holds (socket, timer,
 * connection slot).  Afterwards q is in no list and may be freed.
 * Waiting queries are not serviced here.
 */
static void
query_detach(struct outnet_query *q)
{
	struct outside_network *o = q->o;

	switch (q->where) {
	case OQ_WAITING:
		wait_remove(o, q);
		break;
	case OQ_UDP:
		list_remove(&o->udp_active, q);
		comm_fd_delete(q->ev);
		q->ev = NULL;
		close(q->fd);
		q->fd = -1;
		o->st.udp_open--;
		break;
	case OQ_TCP:
		list_remove(&q->conn->queries, q);
		q->conn->num_queries--;
		break;
	case OQ_FAILED:
		list_remove(&o->failed, q);
		break;
	case OQ_NONE:
		break;
	}
	q->where = OQ_NONE;
	comm_timer_delete(q->timer);
	q->timer = NULL;
}

/**
 * End a query with a callback: detach, free, refill sockets from the
 * wait queue, then call back.
 * @param q: the query; freed here.
 * @param result: enum outnet_result.
 * @param reply: the reply or NULL; must stay valid across this call.
 * @param len: its length.
 */
static void
query_finish(struct outnet_query *q, int result, const uint8_t *reply,
    size_t len)
{
	struct outside_network *o = q->o;
	struct outnet_tcp_conn *conn = q->is_tcp ? q->conn : NULL;
	struct outnet_query_info info;
	outnet_cb cb = q->cb;
	void *arg = q->arg;
	int was_udp = (q->where == OQ_UDP);

	info.port = q->port;
	info.id = q->id;
	info.is_tcp = q->is_tcp;
	info.rtt_ms = elapsed_ms(q);
	switch (result) {
	case OUTNET_OK:
		o->st.replies++;
		break;
	case OUTNET_TIMEOUT:
		o->st.timeouts++;
		if (conn) {
			conn->noreuse = 1;
		}
		break;
	case OUTNET_CAPS_MISMATCH:
		o->st.caps_mismatch++;
		break;
	default:
		o->st.errors++;
		break;
	}
	query_detach(q);
	free(q);
	if (was_udp) {
		udp_service_queue(o);
	}
	if (conn) {
		tcp_conn_released(conn);
	}
	cb(arg, result, reply, len, &info);
}

/** Timer: the query timed out, or (OQ_FAILED) could not be sent. */
static void
query_timer_fired(void *arg)
{
	struct outnet_query *q = arg;

	query_finish(q, q->where == OQ_FAILED ? OUTNET_ERROR : OUTNET_TIMEOUT,
	    NULL, 0);
}

/** Fail an accepted query from the event loop (its timer at 0 ms). */
static void
query_fail_later(struct outnet_query *q)
{
	struct outside_network *o = q->o;

	list_push(&o->failed, q);
	q->where = OQ_FAILED;
	if (comm_timer_set(q->timer, 0) != 0) {
		/* Cannot happen short of a libevent fault; the query then
		 * stays until outnet_delete() and is counted an error. */
		o->st.errors++;
	}
}

/* ---------------------------------------------------------------- */
/* UDP. */

/** Read watcher: datagrams on q's socket. */
static void
udp_readable(void *arg, int fd)
{
	struct outnet_query *q = arg;
	struct outside_network *o = q->o;
	struct sockaddr_storage from;
	socklen_t fromlen;
	ssize_t n;
	int i, r;

	for (i = 0; i < OUTNET_READ_BATCH; i++) {
		fromlen = sizeof(from);
		n = recvfrom(fd, o->recvbuf, OUTNET_MSG_MAX, MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR) {
				verbose(VERB_ALGO, "outnet recvfrom: %s",
				    strerror(errno));
			}
			return;
		}
		/* The sender must be the server asked (RFC 5452 9.1). */
		if (!addr_equal(&from, &q->to)) {
			unwanted(o);
			continue;
		}
		r = reply_check(q, o->recvbuf, (size_t)n);
		if (r < 0) {
			unwanted(o);
			continue;
		}
		query_finish(q, r, o->recvbuf, (size_t)n);
		return;
	}
}

/**
 * Open a UDP socket bound to a random permitted port.
 * @return the socket or -1 (logged at VERB_OPS; EMFILE and friends).
 */
static int
udp_open_random(struct outside_network *o, int family, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, i;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		verbose(VERB_OPS, "outgoing udp socket: %s", strerror(errno));
		return -1;
	}
	if (family == AF_INET6) {
		int on = 1;

		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on));
	}
	/* No SO_REUSEADDR: the port must be ours alone.  A port in use
	 * makes bind fail; another is drawn, so the choice stays uniform
	 * over the ports that are free. */
	for (i = 0; i < OUTNET_BIND_TRIES; i++) {
		uint16_t p = o->ports[random_uniform(o->rnd,
		    (uint32_t)o->num_avail)];

		memset(&ss, 0, sizeof(ss));
		if (family == AF_INET6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_addr = in6addr_any;
			s6->sin6_port = htons(p);
			sl = sizeof(*s6);
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			s4->sin_addr.s_addr = htonl(INADDR_ANY);
			s4->sin_port = htons(p);
			sl = sizeof(*s4);
		}
		if (bind(fd, (struct sockaddr *)&ss, sl) == 0) {
			*port = p;
			return fd;
		}
		if (errno != EADDRINUSE && errno != EACCES) {
			verbose(VERB_OPS, "outgoing udp bind: %s",
			    strerror(errno));
			break;
		}
	}
	close(fd);
	return -1;
}

/** Send a UDP query on a fresh socket; 0 or a negative error. */
static int
udp_send(struct outnet_query *q)
{
	struct outside_network *o = q->o;

	q->fd = udp_open_random(o, q->to.ss_family, &q->port);
	if (q->fd == -1) {
		return RES_ESYSTEM;
	}
	gettimeofday(&q->sent, NULL);
	if (sendto(q->fd, q->pkt, q->pktlen, 0,
	    (const struct sockaddr *)&q->to, q->tolen) != (ssize_t)q->pktlen) {
		verbose(VERB_ALGO, "outgoing udp sendto: %s", strerror(errno));
		goto fail;
	}
	q->ev = comm_fd_create(o->base, q->fd, udp_readable, q);
	if (!q->ev || comm_timer_set(q->timer, q->timeout_ms) != 0) {
		goto fail;
	}
	list_push(&o->udp_active, q);
	q->where = OQ_UDP;
	o->st.udp_open++;
	return RES_OK;
fail:
	comm_fd_delete(q->ev);
	q->ev = NULL;
	close(q->fd);
	q->fd = -1;
	return RES_ESYSTEM;
}

/** Send waiting queries while sockets are free. */
static void
udp_service_queue(struct outside_network *o)
{
	while (o->wait_head && o->st.udp_open < o->num_ports) {
		struct outnet_query *q = o->wait_head;

		wait_remove(o, q);
		q->where = OQ_NONE;
		if (udp_send(q) != 0) {
			query_fail_later(q);
		}
	}
}

/* ---------------------------------------------------------------- */
/* Queries. */

/**
 * Make a query: check the arguments, draw the ID, apply 0x20, build the
 * packet.  The ID for TCP is redrawn later if the connection has it.
 * @return the query (in no list) or NULL.
 */
static struct outnet_query *
query_new(struct outside_network *o, int is_tcp,
    const struct sockaddr_storage *to, socklen_t tolen, const uint8_t *qname,
    size_t qnamemax, uint16_t qtype, uint16_t qclass, int rd, int cd,
    int edns, int do_bit, int use_caps, int timeout_ms, outnet_cb cb,
    void *arg)
{
	struct outnet_query *q;
	size_t qnamelen;
	int len;

	if (!o || !to || !qname || !cb || timeout_ms < 1) {
		return NULL;
	}
	if (to->ss_family == AF_INET) {
		if (!o->do_ip4 || tolen < sizeof(struct sockaddr_in)) {
			return NULL;
		}
	} else if (to->ss_family == AF_INET6) {
		if (!o->do_ip6 || tolen < sizeof(struct sockaddr_in6)) {
			return NULL;
		}
	} else {
		return NULL;
	}
	if (tolen > sizeof(struct sockaddr_storage) ||
	    dname_check(qname, qnamemax, &qnamelen) != 0) {
		return NULL;
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		log_err("out of memory");
		return NULL;
	}
	q->o = o;
	q->is_tcp = is_tcp;
	q->fd = -1;
	memcpy(&q->to, to, tolen);
	q->tolen = tolen;
	memcpy(q->qname, qname, qnamelen);
	q->qnamelen = qnamelen;
	q->qtype = qtype;
	q->qclass = qclass;
	q->use_caps = use_caps && o->caps_for_id;
	if (q->use_caps) {
		apply_caps(o->rnd, q->qname);
	}
	q->id = (uint16_t)random_uniform(o->rnd, 65536);
	q->timeout_ms = timeout_ms;
	q->cb = cb;
	q->arg = arg;
	len = outnet_build_query(q->pkt, sizeof(q->pkt), q->id, q->qname,
	    q->qnamelen, qtype, qclass,
	    (rd ? MSG_FLAG_RD : 0) | (cd ? MSG_FLAG_CD : 0), edns,
	    o->edns_size, edns && do_bit);
	q->timer = comm_timer_create(o->base, query_timer_fired, q);
	if (len < 0 || !q->timer) {
		comm_timer_delete(q->timer);
		free(q);
		return NULL;
	}
	q->pktlen = (size_t)len;
	return q;
}

struct outnet_query *
outnet_query_udp(struct outside_network *o,
    const struct sockaddr_storage *to, socklen_t tolen, const uint8_t *qname,
    size_t qnamemax, uint16_t qtype, uint16_t qclass, int rd, int cd,
    int edns, int do_bit, int use_caps, int timeout_ms, outnet_cb cb,
    void *arg)
{
	struct outnet_query *q = query_new(o, 0, to, tolen, qname,
	    qnamemax, qtype, qclass, rd, cd, edns, do_bit, use_caps,
	    timeout_ms, cb, arg);

	if (!q) {
		if (o) {
			o->st.errors++;
		}
		return NULL;
	}
	if (o->st.udp_open < o->num_ports && !o->wait_head) {
		if (udp_send(q) != 0) {
			o->st.errors++;
			comm_timer_delete(q->timer);
			free(q);
			return NULL;
		}
	} else if (o->st.udp_waiting < o->queue_max) {
		wait_push(o, q);
	} else {
		o->st.refused++;
		comm_timer_delete(q->timer);
		free(q);
		return NULL;
	}
	o->st.queries_udp++;
	return q;
}

/* ---------------------------------------------------------------- */
/* TCP. */

/** Free a connection that has no queries left. */
static void
tcp_conn_free(struct outnet_tcp_conn *t)
{
	struct outside_network *o = t->o;

	assert(t->queries == NULL);
	if (t->prev) {
		t->prev->next = t->next;
	} else {
		o->tcp_conns = t->next;
	}
	if (t->next) {
		t->next->prev = t->prev;
	}
	comm_tcp_out_delete(t->c);
	comm_timer_delete(t->idle);
	o->st.tcp_open--;
	free(t);
}

/** Idle timer: close the connection if it is still unused. */
static void
tcp_idle_fired(void *arg)
{
	struct outnet_tcp_conn *t = arg;

	if (t->num_queries == 0) {
		tcp_conn_free(t);
	}
}

/** A query left t: start the idle timer when it was the last. */
static void
tcp_conn_released(struct outnet_tcp_conn *t)
{
	if (t->num_queries > 0 || t->ended) {
		return;
	}
	(void)comm_timer_set(t->idle, t->noreuse ? 0 : t->o->tcp_idle_ms);
}

/** Connection callback: a reply message, or (msg NULL) the end. */
static void
tcp_conn_msg(void *arg, const uint8_t *msg, size_t len)
{
	struct outnet_tcp_conn *t = arg;
	struct outnet_query *q;
	int r;

	if (!msg) {
		/* The stream ended: fail what is pending, then free. */
		t->ended = 1;
		while (t->queries) {
			query_finish(t->queries, OUTNET_ERROR, NULL, 0);
		}
		tcp_conn_free(t);
		return;
	}
	if (len < 12) {
		unwanted(t->o);
		return;
	}
	for (q = t->queries; q; q = q->next) {
		if (q->id == wire_get16(msg)) {
			break;
		}
	}
	if (!q || (r = reply_check(q, msg, len)) < 0) {
		unwanted(t->o);
		return;
	}
	q->port = comm_tcp_out_port(t->c);
	query_finish(q, r, msg, len);
}

/** Find a reusable connection to the server, or open one. */
static struct outnet_tcp_conn *
tcp_conn_get(struct outside_network *o, const struct sockaddr_storage *to,
    socklen_t tolen)
{
	struct outnet_tcp_conn *t, *idle = NULL;

	for (t = o->tcp_conns; t; t = t->next) {
		if (t->ended || t->noreuse) {
			continue;
		}
		if (addr_equal(&t->to, to) &&
		    t->num_queries < o->tcp_pipeline) {
			return t;
		}
		if (t->num_queries == 0) {
			idle = t;
		}
	}
	if (o->st.tcp_open >= (size_t)o->tcp_max) {
		if (!idle) {
			return NULL;
		}
		/* Reclaim an idle connection to another server. */
		tcp_conn_free(idle);
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		log_err("out of memory");
		return NULL;
	}
	t->o = o;
	memcpy(&t->to, to, tolen);
	t->tolen = tolen;
	t->idle = comm_timer_create(o->base, tcp_idle_fired, t);
	t->c = comm_tcp_out_create(o->base, to, tolen, tcp_conn_msg, t);
	if (!t->idle || !t->c) {
		comm_timer_delete(t->idle);
		comm_tcp_out_delete(t->c);
		free(t);
		return NULL;
	}
	t->next = o->tcp_conns;
	if (o->tcp_conns) {
		o->tcp_conns->prev = t;
	}
	o->tcp_conns = t;
	o->st.tcp_open++;
	return t;
}

/** 1 if a query on t already uses id. */
static int
tcp_id_taken(const struct outnet_tcp_conn *t, uint16_t id)
{
	const struct outnet_query *q;

	for (q = t->queries; q; q = q->next) {
		if (q->id == id) {
			return 1;
		}
	}
	return 0;
}

struct outnet_query *
outnet_query_tcp(struct outside_network *o,
    const struct sockaddr_storage *to, socklen_t tolen, const uint8_t *qname,
    size_t qnamemax, uint16_t qtype, uint16_t qclass, int rd, int cd,
    int edns, int do_bit, int use_caps, int timeout_ms, outnet_cb cb,
    void *arg)
{
	struct outnet_query *q = query_new(o, 1, to, tolen, qname,
	    qnamemax, qtype, qclass, rd, cd, edns, do_bit, use_caps,
	    timeout_ms, cb, arg);
	struct outnet_tcp_conn *t;
	int tries = 0;

	if (!q) {
		if (o) {
			o->st.errors++;
		}
		return NULL;
	}
	t = tcp_conn_get(o, &q->to, q->tolen);
	if (!t) {
		o->st.refused++;
		goto fail;
	}
	/* IDs are unique on a connection so replies match one query;
	 * tcp_pipeline is far below 65536, so this ends at once. */
	while (tcp_id_taken(t, q->id) && tries++ < 1000) {
		q->id = (uint16_t)random_uniform(o->rnd, 65536);
	}
	wire_put16(q->pkt, q->id);
	gettimeofday(&q->sent, NULL);
	if (tcp_id_taken(t, q->id) ||
	    comm_tcp_out_send(t->c, q->pkt, q->pktlen) != 0 ||
	    comm_timer_set(q->timer, timeout_ms) != 0) {
		o->st.errors++;
		if (t->num_queries == 0) {
			tcp_conn_free(t);
		}
		goto fail;
	}
	comm_timer_disable(t->idle);
	list_push(&t->queries, q);
	t->num_queries++;
	q->conn = t;
	q->where = OQ_TCP;
	o->st.queries_tcp++;
	return q;
fail:
	comm_timer_delete(q->timer);
	free(q);
	return NULL;
}

/* ---------------------------------------------------------------- */
/* The outside network. */

void
outnet_cancel(struct outnet_query *q)
{
	struct outside_network *o;
	struct outnet_tcp_conn *conn;
	int was_udp;

	if (!q) {
		return;
	}
	o = q->o;
	conn = q->where == OQ_TCP ? q->conn : NULL;
	was_udp = (q->where == OQ_UDP);
	query_detach(q);
	free(q);
	if (was_udp) {
		udp_service_queue(o);
	}
	if (conn) {
		tcp_conn_released(conn);
	}
}

/** Build the permitted port list: permit (or 1024-65535) minus avoid. */
static int
ports_setup(struct outside_network *o, const struct outnet_settings *s)
{
	uint8_t *ok = calloc(65536, 1);
	size_t i, n = 0;
	uint32_t p;

	if (!ok) {
		return RES_ENOMEM;
	}
	if (s->num_permit == 0 || !s->permit) {
		memset(ok + 1024, 1, 65536 - 1024);
	}
	for (i = 0; s->permit && i < s->num_permit; i++) {
		for (p = s->permit[i].lo; p <= s->permit[i].hi; p++) {
			ok[p] = 1;
		}
	}
	for (i = 0; s->avoid && i < s->num_avoid; i++) {
		for (p = s->avoid[i].lo; p <= s->avoid[i].hi; p++) {
			ok[p] = 0;
		}
	}
	ok[0] = 0;
	for (p = 0; p < 65536; p++) {
		n += ok[p];
	}
	if (n == 0) {
		free(ok);
		return RES_EINVAL;
	}
	o->ports = malloc(n * sizeof(*o->ports));
	if (!o->ports) {
		free(ok);
		return RES_ENOMEM;
	}
	for (p = 0; p < 65536; p++) {
		if (ok[p]) {
			o->ports[o->num_avail++] = (uint16_t)p;
		}
	}
	free(ok);
	return RES_OK;
}

struct outside_network *
outnet_create(struct comm_base *base, const struct outnet_settings *s)
{
	struct outside_network *o;
	int r;

	if (!base || !s) {
		return NULL;
	}
	if (!s->do_ip4 && !s->do_ip6) {
		log_err("outgoing queries need do-ip4 or do-ip6");
		return NULL;
	}
	o = calloc(1, sizeof(*o));
	if (!o) {
		log_err("out of memory");
		return NULL;
	}
	o->base = base;
	o->num_ports = s->num_ports > 0 ? (size_t)s->num_ports :
	    OUTNET_DEFAULT_PORTS;
	o->queue_max = s->queue_max > 0 ? s->queue_max : o->num_ports;
	o->do_ip4 = s->do_ip4;
	o->do_ip6 = s->do_ip6;
	o->caps_for_id = s->caps_for_id;
	o->edns_size = s->edns_size ? s->edns_size : OUTNET_DEFAULT_EDNS;
	o->unwanted_threshold = s->unwanted_threshold;
	o->tcp_idle_ms = s->tcp_idle_ms > 0 ? s->tcp_idle_ms :
	    OUTNET_DEFAULT_TCP_IDLE;
	o->tcp_max = s->tcp_max > 0 ? s->tcp_max : OUTNET_DEFAULT_TCP_MAX;
	o->tcp_pipeline = s->tcp_pipeline > 0 ? s->tcp_pipeline :
	    OUTNET_DEFAULT_PIPELINE;
	o->win_start = comm_base_now(base);
	o->rnd = random_create();
	o->recvbuf = malloc(OUTNET_MSG_MAX);
	if (!o->rnd || !o->recvbuf) {
		log_err("out of memory creating the outside network");
		goto fail;
	}
	r = ports_setup(o, s);
	if (r != RES_OK) {
		log_err("outgoing ports: %s", r == RES_EINVAL ?
		    "outgoing-port-permit minus outgoing-port-avoid is empty" :
		    res_strerror(r));
		goto fail;
	}
	return o;
fail:
	outnet_delete(o);
	return NULL;
}

void
outnet_delete(struct outside_network *o)
{
	if (!o) {
		return;
	}
	while (o->udp_active) {
		struct outnet_query *q = o->udp_active;

		query_detach(q);
		free(q);
	}
	while (o->wait_head) {
		struct outnet_query *q = o->wait_head;

		query_detach(q);
		free(q);
	}
	while (o->failed) {
		struct outnet_query *q = o->failed;

		query_detach(q);
		free(q);
	}
	while (o->tcp_conns) {
		struct outnet_tcp_conn *t = o->tcp_conns;

		while (t->queries) {
			struct outnet_query *q = t->queries;

			query_detach(q);
			free(q);
		}
		tcp_conn_free(t);
	}
	random_delete(o->rnd);
	free(o->ports);
	free(o->recvbuf);
	free(o);
}

void
outnet_stats(const struct outside_network *o, struct outnet_stats *st)
{
	if (!st) {
		return;
	}
	if (!o) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = o->st;
}
