/*
 * services/outside_network.c - outgoing queries: shared between callers
 * (struct outnet_query, one per caller, under a struct outnet_serv, one
 * per distinct question in flight) and put on the wire over UDP or TCP
 * with random ports, random IDs, 0x20 and strict reply matching (struct
 * outnet_wire).  See outside_network.h.
 *
 * The sharing layer.  Every question in flight is a struct outnet_serv
 * in a hash keyed by (server, name without case, type, class, flags,
 * EDNS, DO, 0x20, transport), holding the list of its callers and the
 * handle of its query on the wire (o->io).  A result is handed to every
 * caller; the serv leaves the hash before the final callbacks run, so a
 * callback that asks the same question again starts a new one.  While
 * it delivers (serv->delivering), cancels only unlink callers; the serv
 * is freed when its last caller is gone.
 *
 * The wire.  Every query on the wire is a struct outnet_wire that sits
 * in exactly one place, recorded in its "where" member:
 *  - OQ_WAITING: in the FIFO of UDP queries waiting for a socket (the
 *    outgoing-range cap); it has built its packet but owns no socket;
 *  - OQ_UDP: sent over UDP; it owns its socket, a read watcher and a
 *    timer; the socket receives nothing but replies to this query, so a
 *    datagram is either this query's reply or unwanted;
 *  - OQ_TCP: sent on a TCP connection, in that connection's list; the
 *    connection matches replies by ID;
 *  - OQ_FAILED: could not be sent after it was accepted (a waiting query
 *    whose socket failed); its timer is armed at 0 ms to deliver
 *    UPSTREAM_ERROR from the event loop, never from inside the caller.
 * The timer of a sent query fires first at slow_ms (when asked for:
 * UPSTREAM_SLOW, and it is armed again for the rest of the timeout),
 * then at the timeout.  wire_finish() is the only way out with a final
 * callback: it unlinks the query, releases its socket, sends waiting
 * queries into the freed sockets (keeping FIFO order ahead of whatever
 * the callback starts), frees the query, and only then calls back, so a
 * callback sees a consistent outside network and may start or cancel
 * queries.
 *
 * TCP connections (struct outnet_tcp_conn) hold their pending queries.
 * When the last one leaves, the idle timer is armed (0 ms when the
 * connection is marked not to be reused, after a query on it timed out:
 * a server that let one query time out is not trusted with more).  When
 * the stream ends or breaks, the pending queries end with UPSTREAM_ERROR.
 */
#include "config.h"
#include "services/outside_network.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include "util/netevent.h"
#include "util/random.h"
#include "util/siphash.h"
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
/** Hash buckets of the questions in flight, at least (a power of two;
 * more for a large outgoing-range). */
#define OUTNET_SERV_BUCKETS 1024

/** Where a query on the wire is; see the top of this file. */
enum outnet_where {
	OQ_NONE = 0,
	OQ_WAITING,
	OQ_UDP,
	OQ_TCP,
	OQ_FAILED
};

struct outnet_tcp_conn;
struct outnet_serv;

/** A query on the wire. */
struct outnet_wire {
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
	/** The name as asked, before 0x20 (when use_caps). */
	uint8_t asked[DNAME_MAXLEN];
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
	/** 1 when the query carries our COOKIE option; the client
	 * cookie sent. */
	int has_cookie;
	uint8_t cookie[8];
	/** The query message. */
	uint8_t pkt[OUTNET_QUERY_MAX];
	/** Length of pkt. */
	size_t pktlen;
	/** Timeout once sent. */
	int timeout_ms;
	/** When to report UPSTREAM_SLOW, ms after sending; 0 never (or
	 * already reported). */
	int slow_ms;
	/** When it was sent. */
	struct timeval sent;
	/** UDP socket, -1 when none. */
	int fd;
	/** UDP read watcher. */
	struct comm_fd *ev;
	/** Local port (UDP: bound; TCP: learned at the reply). */
	uint16_t port;
	/** Slow and timeout timer (also delivers OQ_FAILED). */
	struct comm_timer *timer;
	/** TCP: the connection. */
	struct outnet_tcp_conn *conn;
	/** Callback. */
	outnet_cb cb;
	/** Argument for cb. */
	void *arg;
	/** Doubly linked list of the place it is in. */
	struct outnet_wire *prev, *next;
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
	struct outnet_wire *queries;
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

/** A caller of a question in flight: the handle outnet_query() gives. */
struct outnet_query {
	/** The question it waits for. */
	struct outnet_serv *serv;
	/** Its callback. */
	outnet_cb cb;
	/** Its argument. */
	void *arg;
	/** 1 when it asked for UPSTREAM_SLOW (uq->slow_ms). */
	int want_slow;
	/** 1 once it heard UPSTREAM_SLOW. */
	int slow_seen;
	/** Doubly linked list of the serv's callers. */
	struct outnet_query *prev, *next;
};

/** A distinct question in flight, shared by its callers. */
struct outnet_serv {
	/** The outside network. */
	struct outside_network *o;
	/** The query as asked first (qname points to name). */
	struct upstream_query uq;
	/** The name, lower case. */
	uint8_t name[DNAME_MAXLEN];
	/** Hash of the key. */
	uint32_t hash;
	/** Next in the hash chain. */
	struct outnet_serv *hnext;
	/** 1 while in the hash (until its final result). */
	int hashed;
	/** The callers. */
	struct outnet_query *callers;
	/** The query on the wire; NULL once it ended. */
	struct outnet_wire *wire;
	/** 1 while results are handed to the callers. */
	int delivering;
};

struct outside_network {
	/** The worker's event base; NULL for a scripted wire. */
	struct comm_base *base;
	/** The wire: the sockets below (io.arg is this struct), or the
	 * script given to outnet_create_io(). */
	struct outnet_io io;
	/** Hash buckets of the questions in flight. */
	struct outnet_serv **buckets;
	/** Their number, a power of two. */
	size_t nbuckets;
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
	/** A packet that is not the reply ends the query (suspect_ends). */
	int suspect_ends;
	/** Idle time of TCP connections. */
	int tcp_idle_ms;
	/** TCP connection cap. */
	int tcp_max;
	/** Pending queries per TCP connection. */
	int tcp_pipeline;
	/** UDP queries sent and waiting for a reply. */
	struct outnet_wire *udp_active;
	/** Queries waiting for a socket: head (oldest) and tail. */
	struct outnet_wire *wait_head, *wait_tail;
	/** Queries failed after acceptance, waiting for their callback. */
	struct outnet_wire *failed;
	/** Open TCP connections. */
	struct outnet_tcp_conn *tcp_conns;
	/** Receive buffer for UDP replies. */
	uint8_t *recvbuf;
	/** Counters; the "now" members are kept current too. */
	struct outnet_stats st;
	/** upstream-cookies, the secret of our client cookies, and the
	 * server cookies learned, one slot per hash of the address. */
	int cookies;
	uint8_t cookie_secret[16];
	struct outnet_cookie *server_cookies;
	/** Start of the current unwanted-reply window. */
	time_t win_start;
	/** Unwanted replies in the window. */
	unsigned win_count;
	/** 1 when the alert was given in this window. */
	int win_alerted;
	/** When the alert was last logged; 0 never. */
	time_t last_alert;
	/** 1 inside outnet_delete(): waiting queries are not sent. */
	int deleting;
	/** The tap (outnet_set_tap()), or NULL. */
	outnet_tap_func tap;
	/** Its argument. */
	void *tap_arg;
};

/* ---------------------------------------------------------------- */
/* Query lists. */

/** Push q at the head of a list. */
static void
list_push(struct outnet_wire **head, struct outnet_wire *q)
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
list_remove(struct outnet_wire **head, struct outnet_wire *q)
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
wait_push(struct outside_network *o, struct outnet_wire *q)
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
wait_remove(struct outside_network *o, struct outnet_wire *q)
{
	if (o->wait_tail == q) {
		o->wait_tail = q->prev;
	}
	list_remove(&o->wait_head, q);
	o->st.udp_waiting--;
}

/** Server cookies remembered per thread. */
#define OUTNET_COOKIE_SLOTS 1024

/** The server cookie learned from one server (RFC 7873 section 5.3). */
struct outnet_cookie {
	/** The server's address (port included). */
	struct sockaddr_storage addr;
	/** Length of the cookie, 0 for an empty slot. */
	uint8_t len;
	/** The cookie. */
	uint8_t c[32];
};

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

static int addr_equal(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b);

/** The octets of a server address hashed for cookies: family, address,
 * port.  @return their number. */
static size_t
cookie_addr_key(const struct sockaddr_storage *a, uint8_t *out)
{
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)a;

		out[0] = 6;
		memcpy(out + 1, &s6->sin6_addr, 16);
		memcpy(out + 17, &s6->sin6_port, 2);
		return 19;
	}
	out[0] = 4;
	memcpy(out + 1, &((const struct sockaddr_in *)a)->sin_addr, 4);
	memcpy(out + 5, &((const struct sockaddr_in *)a)->sin_port, 2);
	return 7;
}

/** The slot of a server's cookie (it may hold another server's). */
static struct outnet_cookie *
cookie_slot(struct outside_network *o, const struct sockaddr_storage *a)
{
	uint8_t k[20];
	size_t n = cookie_addr_key(a, k);

	return &o->server_cookies[siphash24(o->cookie_secret, k, n) %
	    OUTNET_COOKIE_SLOTS];
}

/**
 * Our client cookie for a server: a pseudorandom function of its address
 * and our secret, the same for every query to it (RFC 7873 section 4.1
 * and appendix A.1).
 */
static void
cookie_client(struct outside_network *o, const struct sockaddr_storage *a,
    uint8_t *out)
{
	uint8_t k[21];
	size_t n = cookie_addr_key(a, k), i;
	uint64_t h;

	k[n++] = 'c';		/* not the slot hash */
	h = siphash24(o->cookie_secret, k, n);
	for (i = 0; i < 8; i++) {
		out[i] = (uint8_t)(h >> (8 * i));
	}
}

/**
 * Append our COOKIE option to a built EDNS query (its OPT record is the
 * last thing in it, without options): the client cookie, and the server
 * cookie this server gave last (RFC 7873 section 5.1).
 * @return 0, or -1 when it does not fit (sent without).
 */
static int
wire_add_cookie(struct outnet_wire *q)
{
	struct outnet_cookie *s = cookie_slot(q->o, &q->to);
	size_t sl = s->len && addr_equal(&s->addr, &q->to) ? s->len : 0;
	size_t add = 4 + 8 + sl;
	uint8_t *p = q->pkt + q->pktlen;

	if (q->pktlen + add > sizeof(q->pkt)) {
		return -1;
	}
	cookie_client(q->o, &q->to, q->cookie);
	wire_put16(p, EDNS_OPT_COOKIE);
	wire_put16(p + 2, (uint16_t)(8 + sl));
	memcpy(p + 4, q->cookie, 8);
	memcpy(p + 12, s->c, sl);
	/* The OPT RDLENGTH: the last two octets before the options. */
	wire_put16(q->pkt + q->pktlen - 2, (uint16_t)add);
	q->pktlen += add;
	q->has_cookie = 1;
	return 0;
}

/** Skip a (possibly compressed) name.  @return 0 or -1 past the end. */
static int
skip_name(const uint8_t *pkt, size_t len, size_t *pos)
{
	while (*pos < len) {
		uint8_t c = pkt[*pos];

		if (c == 0) {
			(*pos)++;
			return 0;
		}
		if ((c & 0xc0) == 0xc0) {
			*pos += 2;
			return *pos <= len ? 0 : -1;
		}
		if (c & 0xc0) {
			return -1;
		}
		*pos += 1 + (size_t)c;
	}
	return -1;
}

/**
 * The cookie of a reply to a query that carried ours: the server cookie
 * is remembered for the server; another client cookie means the packet
 * was not made for our query.
 * @return 0 (no COOKIE option, or ours), -1 another client cookie (or a
 *	malformed one), 1 BADCOOKIE (the server wants its new cookie, which
 *	is remembered: the query goes again over TCP).
 */
static int
cookie_reply(struct outnet_wire *q, const uint8_t *pkt, size_t len)
{
	size_t pos = 12, i, n;
	uint16_t qd;

	if (len < 12) {
		return 0;
	}
	qd = wire_get16(pkt + 4);
	n = (size_t)wire_get16(pkt + 6) + wire_get16(pkt + 8) +
	    wire_get16(pkt + 10);
	for (i = 0; i < qd; i++) {
		if (skip_name(pkt, len, &pos) != 0 || (pos += 4) > len) {
			return 0;
		}
	}
	for (i = 0; i < n; i++) {
		uint16_t type, rdlen;
		size_t o, end;

		if (skip_name(pkt, len, &pos) != 0 || pos + 10 > len) {
			return 0;
		}
		type = wire_get16(pkt + pos);
		rdlen = wire_get16(pkt + pos + 8);
		pos += 10;
		if (pos + rdlen > len) {
			return 0;
		}
		if (type != RR_TYPE_OPT) {
			pos += rdlen;
			continue;
		}
		for (o = pos, end = pos + rdlen; o + 4 <= end;) {
			uint16_t code = wire_get16(pkt + o);
			uint16_t olen = wire_get16(pkt + o + 2);
			struct outnet_cookie *s;

			if (o + 4 + olen > end) {
				return -1;
			}
			if (code != EDNS_OPT_COOKIE) {
				o += 4 + (size_t)olen;
				continue;
			}
			if ((olen != 8 && (olen < 16 || olen > 40)) ||
			    memcmp(pkt + o + 4, q->cookie, 8) != 0) {
				return -1;
			}
			if (olen > 8) {
				s = cookie_slot(q->o, &q->to);
				memcpy(&s->addr, &q->to, sizeof(s->addr));
				s->len = (uint8_t)(olen - 8);
				memcpy(s->c, pkt + o + 12, s->len);
			}
			/* The extended rcode: the OPT TTL's top octet. */
			if ((((unsigned)pkt[pos - 6] << 4) |
			    (pkt[3] & 0xf)) == MSG_RCODE_BADCOOKIE) {
				return 1;
			}
			return 0;
		}
		return 0;
	}
	return 0;
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
 * QR set, opcode QUERY, q's ID, q's question (RFC 5452 section 9.1), or
 * no question at all.
 * @return UPSTREAM_OK, UPSTREAM_CAPS_MISMATCH, or -1 for unwanted.
 */
static int
reply_check(const struct outnet_wire *q, const uint8_t *pkt, size_t len)
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
		/* Address, port and ID matched: a reply without its
		 * question is the server's (a FORMERR from a server without
		 * EDNS, a TC that leaves the question out, or a broken
		 * server, RFC 8906); the caller reads what it says (TC:
		 * TCP; anything else: a server that failed this query). */
		return UPSTREAM_OK;
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
		return UPSTREAM_OK;
	}
	if (dname_equal(name, q->qname)) {
		return q->use_caps ? UPSTREAM_CAPS_MISMATCH : UPSTREAM_OK;
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
elapsed_ms(const struct outnet_wire *q)
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
wire_detach(struct outnet_wire *q)
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
 * Show a query just sent, or the reply taken for it, to the tap.
 * @param q: the query.
 * @param is_reply: 0 for the query (q->pkt), 1 for the reply.
 * @param pkt: the message.
 * @param len: its length.
 */
static void
wire_tap(const struct outnet_wire *q, int is_reply, const uint8_t *pkt,
    size_t len)
{
	struct outnet_tap_msg m;

	m.is_reply = is_reply;
	m.is_tcp = q->is_tcp;
	m.addr = &q->to;
	m.addrlen = q->tolen;
	m.port = q->is_tcp ? 0 : q->port;
	m.sent = q->sent;
	m.pkt = pkt;
	m.len = len;
	q->o->tap(q->o->tap_arg, &m);
}

/**
 * End a query with its final callback: detach, free, refill sockets from
 * the wait queue, then call back.
 * @param q: the query; freed here.
 * @param result: an enum upstream_result, not UPSTREAM_SLOW.
 * @param reply: the reply or NULL; must stay valid across this call.
 * @param len: its length.
 */
static void
wire_finish(struct outnet_wire *q, int result, const uint8_t *reply,
    size_t len)
{
	struct outside_network *o = q->o;
	struct outnet_tcp_conn *conn = q->is_tcp ? q->conn : NULL;
	struct upstream_reply r;
	outnet_cb cb = q->cb;
	void *arg = q->arg;
	int was_udp = (q->where == OQ_UDP);

	memset(&r, 0, sizeof(r));
	r.result = result;
	r.pkt = reply;
	r.len = len;
	r.port = q->port;
	r.id = q->id;
	r.is_tcp = q->is_tcp;
	r.rtt_ms = elapsed_ms(q);
	if (o->tap && reply && (result == UPSTREAM_OK ||
	    result == UPSTREAM_CAPS_MISMATCH)) {
		wire_tap(q, 1, reply, len);
	}
	switch (result) {
	case UPSTREAM_OK:
		o->st.replies++;
		break;
	case UPSTREAM_TIMEOUT:
		o->st.timeouts++;
		if (conn) {
			conn->noreuse = 1;
		}
		break;
	case UPSTREAM_CAPS_MISMATCH:
		o->st.caps_mismatch++;
		break;
	case UPSTREAM_SUSPECT:
		o->st.suspect++;
		break;
	default:
		o->st.errors++;
		break;
	}
	wire_detach(q);
	free(q);
	if (was_udp) {
		udp_service_queue(o);
	}
	if (conn) {
		tcp_conn_released(conn);
	}
	cb(arg, &r);
}

/**
 * Timer: the slow mark passed (UPSTREAM_SLOW, the timer armed again for
 * the rest of the timeout), the query timed out, or (OQ_FAILED) it could
 * not be sent.
 */
static void
wire_timer_fired(void *arg)
{
	struct outnet_wire *q = arg;
	struct upstream_reply r;

	if (q->where != OQ_FAILED && q->slow_ms > 0) {
		if (comm_timer_set(q->timer, q->timeout_ms - q->slow_ms) != 0) {
			wire_finish(q, UPSTREAM_TIMEOUT, NULL, 0);
			return;
		}
		memset(&r, 0, sizeof(r));
		r.result = UPSTREAM_SLOW;
		r.port = q->port;
		r.id = q->id;
		r.is_tcp = q->is_tcp;
		r.rtt_ms = q->slow_ms;
		q->slow_ms = 0;
		/* Last: the callback may cancel q. */
		q->cb(q->arg, &r);
		return;
	}
	wire_finish(q, q->where == OQ_FAILED ? UPSTREAM_ERROR :
	    UPSTREAM_TIMEOUT, NULL, 0);
}

/** Arm the timer of a query just sent: at the slow mark when it has one,
 * else at the timeout.  0 or RES_ESYSTEM. */
static int
wire_arm(struct outnet_wire *q)
{
	return comm_timer_set(q->timer, q->slow_ms > 0 ? q->slow_ms :
	    q->timeout_ms);
}

/** Fail an accepted query from the event loop (its timer at 0 ms). */
static void
wire_fail_later(struct outnet_wire *q)
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
	struct outnet_wire *q = arg;
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
			if (errno == ECONNREFUSED) {
				/* ICMP port unreachable for the connected
				 * socket: nothing listens there. */
				wire_finish(q, UPSTREAM_ERROR, NULL, 0);
				return;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR) {
				verbose(VERB_ALGO, "outnet recvfrom: %s",
				    strerror(errno));
			}
			return;
		}
		/* The sender must be the server asked (RFC 5452 9.1); the
		 * socket is connected to it, so the kernel has checked
		 * that already. */
		if (!addr_equal(&from, &q->to)) {
			unwanted(o);
			continue;
		}
		r = reply_check(q, o->recvbuf, (size_t)n);
		if (r == UPSTREAM_OK && q->use_caps && wire_get16(o->recvbuf +
		    4) == 1) {
			/* The echo matched: give the name back its case
			 * as asked.  Owner names compressed to it follow,
			 * so the random case never reaches the caches. */
			memcpy(o->recvbuf + 12, q->asked, q->qnamelen);
		}
		if (r >= 0 && q->has_cookie) {
			int c = cookie_reply(q, o->recvbuf, (size_t)n);

			if (c != 0) {
				/* Another client cookie: not made for this
				 * query (RFC 7873 section 5.3), as a forged
				 * packet.  BADCOOKIE: the new server cookie is
				 * kept and the question goes over TCP. */
				if (c < 0) {
					o->st.cookie_mismatch++;
				} else {
					o->st.cookie_bad++;
				}
				wire_finish(q, UPSTREAM_SUSPECT, NULL, 0);
				return;
			}
		}
		if (r < 0) {
			/* From the server's address and port but not the
			 * reply: someone is guessing.  Nothing this socket
			 * receives is trusted any more. */
			unwanted(o);
			if (!o->suspect_ends) {
				continue;
			}
			wire_finish(q, UPSTREAM_SUSPECT, NULL, 0);
			return;
		}
		wire_finish(q, r, o->recvbuf, (size_t)n);
		return;
	}
}

/**
 * Open a UDP socket bound to a random permitted port and connected to
 * the server.
 * @param to, tolen: the server.
 * @return the socket or -1 (logged at VERB_OPS; EMFILE and friends).
 */
static int
udp_open_random(struct outside_network *o, const struct sockaddr_storage *to,
    socklen_t tolen, uint16_t *port)
{
	int family = to->ss_family;
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, i, bound = 0;

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
	for (i = 0; i < OUTNET_BIND_TRIES && !bound; i++) {
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
			bound = 1;
		} else if (errno != EADDRINUSE && errno != EACCES) {
			verbose(VERB_OPS, "outgoing udp bind: %s",
			    strerror(errno));
			break;
		}
	}
	if (!bound) {
		close(fd);
		return -1;
	}
	/* Connected to the server: the kernel delivers nothing from any
	 * other address or port, and an ICMP port unreachable ends the
	 * query at once. */
	if (connect(fd, (const struct sockaddr *)to, tolen) != 0) {
		verbose(VERB_OPS, "outgoing udp connect: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/** Send a UDP query on a fresh socket; 0 or a negative error. */
static int
udp_send(struct outnet_wire *q)
{
	struct outside_network *o = q->o;

	q->fd = udp_open_random(o, &q->to, q->tolen, &q->port);
	if (q->fd == -1) {
		return RES_ESYSTEM;
	}
	gettimeofday(&q->sent, NULL);
	if (send(q->fd, q->pkt, q->pktlen, 0) != (ssize_t)q->pktlen) {
		verbose(VERB_ALGO, "outgoing udp send: %s", strerror(errno));
		goto fail;
	}
	if (o->tap) {
		wire_tap(q, 0, q->pkt, q->pktlen);
	}
	q->ev = comm_fd_create(o->base, q->fd, udp_readable, q);
	if (!q->ev || wire_arm(q) != 0) {
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
		struct outnet_wire *q = o->wait_head;

		wait_remove(o, q);
		q->where = OQ_NONE;
		if (udp_send(q) != 0) {
			wire_fail_later(q);
		}
	}
}

/* ---------------------------------------------------------------- */
/* Queries on the wire. */

/**
 * Make a query: check the arguments, draw the ID, apply 0x20, build the
 * packet.  The ID for TCP is redrawn later if the connection has it.
 * @return the query (in no list) or NULL.
 */
static struct outnet_wire *
wire_new(struct outside_network *o, const struct upstream_query *uq,
    outnet_cb cb, void *arg)
{
	struct outnet_wire *q;
	size_t qnamelen;
	int len;

	if (!uq->qname || !cb || uq->timeout_ms < 1) {
		return NULL;
	}
	if (uq->addr.ss_family == AF_INET) {
		if (!o->do_ip4 || uq->addrlen < sizeof(struct sockaddr_in)) {
			return NULL;
		}
	} else if (uq->addr.ss_family == AF_INET6) {
		if (!o->do_ip6 || uq->addrlen < sizeof(struct sockaddr_in6)) {
			return NULL;
		}
	} else {
		return NULL;
	}
	if (uq->addrlen > sizeof(struct sockaddr_storage) ||
	    dname_check(uq->qname, DNAME_MAXLEN, &qnamelen) != 0) {
		return NULL;
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		log_err("out of memory");
		return NULL;
	}
	q->o = o;
	q->is_tcp = uq->tcp != 0;
	q->fd = -1;
	memcpy(&q->to, &uq->addr, uq->addrlen);
	q->tolen = uq->addrlen;
	memcpy(q->qname, uq->qname, qnamelen);
	q->qnamelen = qnamelen;
	q->qtype = uq->qtype;
	q->qclass = uq->qclass;
	q->use_caps = uq->caps && o->caps_for_id;
	if (q->use_caps) {
		memcpy(q->asked, q->qname, qnamelen);
		apply_caps(o->rnd, q->qname);
	}
	q->id = (uint16_t)random_uniform(o->rnd, 65536);
	q->timeout_ms = uq->timeout_ms;
	q->slow_ms = uq->slow_ms > 0 && uq->slow_ms < uq->timeout_ms ?
	    uq->slow_ms : 0;
	q->cb = cb;
	q->arg = arg;
	len = outnet_build_query(q->pkt, sizeof(q->pkt), q->id, q->qname,
	    q->qnamelen, q->qtype, q->qclass, uq->flags, uq->edns,
	    o->edns_size, uq->edns && uq->do_bit);
	if (len > 0) {
		q->pktlen = (size_t)len;
		if (o->cookies && uq->edns) {
			(void)wire_add_cookie(q);
		}
		len = (int)q->pktlen;
	}
	q->timer = comm_timer_create(o->base, wire_timer_fired, q);
	if (len < 0 || !q->timer) {
		comm_timer_delete(q->timer);
		free(q);
		return NULL;
	}
	q->pktlen = (size_t)len;
	return q;
}

/** Put a UDP query on the wire or in the wait queue.  0 or an error. */
static int
udp_start(struct outnet_wire *q)
{
	struct outside_network *o = q->o;

	if (o->st.udp_open < o->num_ports && !o->wait_head) {
		if (udp_send(q) != 0) {
			return RES_ESYSTEM;
		}
	} else if (o->st.udp_waiting < o->queue_max) {
		wait_push(o, q);
	} else {
		o->st.refused++;
		return RES_ELIMIT;
	}
	o->st.queries_udp++;
	return RES_OK;
}

static int tcp_start(struct outnet_wire *q);

/**
 * The wire of the daemon (struct outnet_io send over sockets): one path
 * for UDP and TCP up to the transport.
 */
static struct outnet_wire *
wire_send(void *arg, const struct upstream_query *uq, outnet_cb cb,
    void *cbarg)
{
	struct outside_network *o = arg;
	struct outnet_wire *q = wire_new(o, uq, cb, cbarg);
	int r;

	if (!q) {
		o->st.errors++;
		return NULL;
	}
	r = q->is_tcp ? tcp_start(q) : udp_start(q);
	if (r != RES_OK) {
		if (r != RES_ELIMIT) {
			o->st.errors++;
		}
		comm_timer_delete(q->timer);
		free(q);
		return NULL;
	}
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
	struct outnet_wire *q;
	int r;

	if (!msg) {
		/* The stream ended: fail what is pending, then free. */
		t->ended = 1;
		while (t->queries) {
			wire_finish(t->queries, UPSTREAM_ERROR, NULL, 0);
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
	if (q->has_cookie) {
		/* Over TCP only learnt from: no off-path forger there. */
		(void)cookie_reply(q, msg, len);
	}
	wire_finish(q, r, msg, len);
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
	const struct outnet_wire *q;

	for (q = t->queries; q; q = q->next) {
		if (q->id == id) {
			return 1;
		}
	}
	return 0;
}

/**
 * Put a TCP query on a connection to its server (reusing one with room).
 * @return 0, RES_ELIMIT (connection cap reached), or an error.
 */
static int
tcp_start(struct outnet_wire *q)
{
	struct outside_network *o = q->o;
	struct outnet_tcp_conn *t = tcp_conn_get(o, &q->to, q->tolen);
	int tries = 0;

	if (!t) {
		o->st.refused++;
		return RES_ELIMIT;
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
	    wire_arm(q) != 0) {
		if (t->num_queries == 0) {
			tcp_conn_free(t);
		}
		return RES_ESYSTEM;
	}
	if (o->tap) {
		wire_tap(q, 0, q->pkt, q->pktlen);
	}
	comm_timer_disable(t->idle);
	list_push(&t->queries, q);
	t->num_queries++;
	q->conn = t;
	q->where = OQ_TCP;
	o->st.queries_tcp++;
	return RES_OK;
}

/** The wire of the daemon (struct outnet_io cancel over sockets). */
static void
wire_cancel(void *arg, struct outnet_wire *q)
{
	struct outside_network *o = arg;
	struct outnet_tcp_conn *conn;
	int was_udp;

	conn = q->where == OQ_TCP ? q->conn : NULL;
	was_udp = (q->where == OQ_UDP);
	wire_detach(q);
	free(q);
	if (was_udp && !o->deleting) {
		udp_service_queue(o);
	}
	if (conn) {
		tcp_conn_released(conn);
	}
}

/* ---------------------------------------------------------------- */
/* Sharing: one question in flight, many callers. */

/** Hash of a question's key (the name in lower case). */
static uint32_t
serv_hash(const struct upstream_query *uq, const uint8_t *lname)
{
	uint32_t h = dname_hash(lname, 0x5eed);
	const uint8_t *a = (const uint8_t *)&uq->addr;
	socklen_t i;

	for (i = 0; i < uq->addrlen; i++) {
		h = (h ^ a[i]) * 0x01000193u;
	}
	h ^= ((uint32_t)uq->qtype << 16) ^ uq->qclass ^
	    ((uint32_t)uq->flags << 3);
	h ^= (uint32_t)((uq->edns != 0) | (uq->do_bit != 0) << 1 |
	    (uq->caps != 0) << 2 | (uq->tcp != 0) << 3) << 24;
	h *= 0x85ebca6bu;
	return h ^ (h >> 15);
}

/** 1 when a question in flight is the one uq asks. */
static int
serv_match(const struct outnet_serv *s, const struct upstream_query *uq,
    const uint8_t *lname, uint32_t h)
{
	const struct upstream_query *k = &s->uq;

	return s->hash == h && k->qtype == uq->qtype &&
	    k->qclass == uq->qclass && k->flags == uq->flags &&
	    (k->edns != 0) == (uq->edns != 0) &&
	    (k->do_bit != 0) == (uq->do_bit != 0) &&
	    (k->caps != 0) == (uq->caps != 0) &&
	    (k->tcp != 0) == (uq->tcp != 0) && k->addrlen == uq->addrlen &&
	    addr_equal(&k->addr, &uq->addr) && dname_equal(s->name, lname);
}

/** Take a question out of the hash (it stays alive for its callers). */
static void
serv_unhash(struct outnet_serv *s)
{
	struct outside_network *o = s->o;
	struct outnet_serv **pp;

	if (!s->hashed) {
		return;
	}
	for (pp = &o->buckets[s->hash & (o->nbuckets - 1)]; *pp;
	    pp = &(*pp)->hnext) {
		if (*pp == s) {
			*pp = s->hnext;
			break;
		}
	}
	s->hashed = 0;
	o->st.in_flight--;
}

/** Free a question that has no callers and nothing on the wire. */
static void
serv_free(struct outnet_serv *s)
{
	serv_unhash(s);
	free(s);
}

/** Unlink a caller from its question. */
static void
caller_unlink(struct outnet_serv *s, struct outnet_query *c)
{
	if (c->prev) {
		c->prev->next = c->next;
	} else {
		s->callers = c->next;
	}
	if (c->next) {
		c->next->prev = c->prev;
	}
	c->prev = c->next = NULL;
}

/**
 * The wire's callback for a shared question: hand the result to every
 * caller.  After a final result the question leaves the hash first, so
 * a caller asking it again starts afresh, and each caller is unlinked
 * and freed before its callback, so callbacks may cancel other callers.
 */
static void
serv_done(void *arg, const struct upstream_reply *r)
{
	struct outnet_serv *s = arg;
	struct outnet_query *c;

	if (r->result == UPSTREAM_SLOW) {
		/* Each caller that asked hears it once.  A callback may
		 * cancel callers (itself too), so the list is searched
		 * afresh for the next one that has not heard it. */
		s->delivering = 1;
		for (;;) {
			for (c = s->callers; c && (c->slow_seen ||
			    !c->want_slow); c = c->next) {
			}
			if (!c) {
				break;
			}
			c->slow_seen = 1;
			c->cb(c->arg, r);
		}
		s->delivering = 0;
		if (!s->callers) {
			if (s->wire) {
				s->o->io.cancel(s->o->io.arg, s->wire);
				s->wire = NULL;
			}
			serv_free(s);
		}
		return;
	}
	s->wire = NULL;
	serv_unhash(s);
	s->delivering = 1;
	while ((c = s->callers) != NULL) {
		outnet_cb cb = c->cb;
		void *cbarg = c->arg;

		caller_unlink(s, c);
		free(c);
		cb(cbarg, r);
	}
	serv_free(s);
}

struct outnet_query *
outnet_query(struct outside_network *o, const struct upstream_query *uq,
    outnet_cb cb, void *arg)
{
	uint8_t lname[DNAME_MAXLEN];
	struct outnet_serv *s;
	struct outnet_query *c;
	size_t len;
	uint32_t h;

	if (!o || !uq || !uq->qname || !cb ||
	    dname_check(uq->qname, DNAME_MAXLEN, &len) != RES_OK) {
		if (o) {
			o->st.errors++;
		}
		return NULL;
	}
	memcpy(lname, uq->qname, len);
	dname_tolower(lname);
	h = serv_hash(uq, lname);
	c = calloc(1, sizeof(*c));
	if (!c) {
		log_err("out of memory");
		return NULL;
	}
	c->cb = cb;
	c->arg = arg;
	c->want_slow = uq->slow_ms > 0;
	for (s = o->buckets[h & (o->nbuckets - 1)]; s; s = s->hnext) {
		if (serv_match(s, uq, lname, h)) {
			break;
		}
	}
	if (s) {
		o->st.shared++;
	} else {
		s = calloc(1, sizeof(*s));
		if (!s) {
			log_err("out of memory");
			free(c);
			return NULL;
		}
		s->o = o;
		s->uq = *uq;
		memcpy(s->name, lname, len);
		s->uq.qname = s->name;
		s->hash = h;
		s->wire = o->io.send(o->io.arg, uq, serv_done, s);
		if (!s->wire) {
			free(s);
			free(c);
			return NULL;
		}
		s->hnext = o->buckets[h & (o->nbuckets - 1)];
		o->buckets[h & (o->nbuckets - 1)] = s;
		s->hashed = 1;
		o->st.in_flight++;
	}
	/* At the end: callers hear the result in the order they asked. */
	c->serv = s;
	if (!s->callers) {
		s->callers = c;
	} else {
		struct outnet_query *last = s->callers;

		while (last->next) {
			last = last->next;
		}
		last->next = c;
		c->prev = last;
	}
	return c;
}

void
outnet_cancel(struct outnet_query *c)
{
	struct outnet_serv *s;

	if (!c) {
		return;
	}
	s = c->serv;
	caller_unlink(s, c);
	free(c);
	if (s->callers || s->delivering) {
		return;
	}
	if (s->wire) {
		s->o->io.cancel(s->o->io.arg, s->wire);
		s->wire = NULL;
	}
	serv_free(s);
}

/* ---------------------------------------------------------------- */
/* The outside network. */

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

/** Allocate an outside network with its hash of questions in flight. */
static struct outside_network *
outnet_alloc(size_t buckets)
{
	struct outside_network *o = calloc(1, sizeof(*o));

	if (!o) {
		log_err("out of memory");
		return NULL;
	}
	o->nbuckets = OUTNET_SERV_BUCKETS;
	while (o->nbuckets < buckets) {
		o->nbuckets <<= 1;
	}
	o->buckets = calloc(o->nbuckets, sizeof(*o->buckets));
	if (!o->buckets) {
		log_err("out of memory");
		free(o);
		return NULL;
	}
	return o;
}

struct outside_network *
outnet_create(struct comm_base *base, const struct outnet_settings *s)
{
	struct outside_network *o;
	size_t ports;
	int r;

	if (!base || !s) {
		return NULL;
	}
	if (!s->do_ip4 && !s->do_ip6) {
		log_err("outgoing queries need do-ip4 or do-ip6");
		return NULL;
	}
	ports = s->num_ports > 0 ? (size_t)s->num_ports :
	    OUTNET_DEFAULT_PORTS;
	o = outnet_alloc(ports);
	if (!o) {
		return NULL;
	}
	o->base = base;
	o->io.arg = o;
	o->io.send = wire_send;
	o->io.cancel = wire_cancel;
	o->num_ports = ports;
	o->queue_max = s->queue_max > 0 ? s->queue_max : o->num_ports;
	o->do_ip4 = s->do_ip4;
	o->do_ip6 = s->do_ip6;
	o->caps_for_id = s->caps_for_id;
	o->edns_size = s->edns_size ? s->edns_size : OUTNET_DEFAULT_EDNS;
	o->unwanted_threshold = s->unwanted_threshold;
	o->suspect_ends = s->suspect_ends;
	o->tcp_idle_ms = s->tcp_idle_ms > 0 ? s->tcp_idle_ms :
	    OUTNET_DEFAULT_TCP_IDLE;
	o->tcp_max = s->tcp_max > 0 ? s->tcp_max : OUTNET_DEFAULT_TCP_MAX;
	o->tcp_pipeline = s->tcp_pipeline > 0 ? s->tcp_pipeline :
	    OUTNET_DEFAULT_PIPELINE;
	o->win_start = comm_base_now(base);
	o->rnd = random_create();
	o->recvbuf = malloc(OUTNET_MSG_MAX);
	o->cookies = s->cookies;
	if (o->cookies) {
		o->server_cookies = calloc(OUTNET_COOKIE_SLOTS,
		    sizeof(*o->server_cookies));
		if (o->rnd) {
			random_bytes(o->rnd, o->cookie_secret,
			    sizeof(o->cookie_secret));
		}
	}
	if (!o->rnd || !o->recvbuf || (o->cookies && !o->server_cookies)) {
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
	/* No more sockets at once than ports to bind them to: with a few
	 * permitted ports, queries wait for one instead of failing. */
	if (o->num_ports > o->num_avail) {
		o->num_ports = o->num_avail;
	}
	return o;
fail:
	outnet_delete(o);
	return NULL;
}

struct outside_network *
outnet_create_io(const struct outnet_io *io)
{
	struct outside_network *o;

	if (!io || !io->send || !io->cancel) {
		return NULL;
	}
	o = outnet_alloc(0);
	if (o) {
		o->io = *io;
	}
	return o;
}

void
outnet_delete(struct outside_network *o)
{
	size_t i;

	if (!o) {
		return;
	}
	/* The questions in flight first: their wire queries go back to
	 * the wire (a script is told), then the sockets below. */
	o->deleting = 1;
	for (i = 0; o->buckets && i < o->nbuckets; i++) {
		while (o->buckets[i]) {
			struct outnet_serv *s = o->buckets[i];

			while (s->callers) {
				struct outnet_query *c = s->callers;

				caller_unlink(s, c);
				free(c);
			}
			if (s->wire) {
				o->io.cancel(o->io.arg, s->wire);
				s->wire = NULL;
			}
			serv_free(s);
		}
	}
	free(o->buckets);
	while (o->udp_active) {
		struct outnet_wire *q = o->udp_active;

		wire_detach(q);
		free(q);
	}
	while (o->wait_head) {
		struct outnet_wire *q = o->wait_head;

		wire_detach(q);
		free(q);
	}
	while (o->failed) {
		struct outnet_wire *q = o->failed;

		wire_detach(q);
		free(q);
	}
	while (o->tcp_conns) {
		struct outnet_tcp_conn *t = o->tcp_conns;

		while (t->queries) {
			struct outnet_wire *q = t->queries;

			wire_detach(q);
			free(q);
		}
		tcp_conn_free(t);
	}
	random_delete(o->rnd);
	free(o->ports);
	free(o->recvbuf);
	free(o->server_cookies);
	free(o);
}

void
outnet_set_tap(struct outside_network *o, outnet_tap_func fn, void *arg)
{
	if (!o || !o->base) {
		return;
	}
	o->tap = fn;
	o->tap_arg = arg;
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
