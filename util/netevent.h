/*
 * util/netevent.h - the libevent glue: event bases, client-facing UDP and
 * TCP service points, signals and a per-iteration clock.
 *
 * Everything in resolute that touches libevent goes through this file, so
 * tests can run modules without sockets and with a scripted clock.
 *
 * The model: each worker thread owns one struct comm_base (one libevent
 * event_base).  Service points (struct comm_point) are attached to a base:
 * a UDP socket read in batches (recvmmsg where available, replies sent with
 * sendmmsg), or a TCP listening socket whose accepted connections carry
 * length-prefixed messages (RFC 1035 section 4.2.2, pipelined as in
 * RFC 7766 section 6.2.1).  For every message that arrives, the point
 * calls its handler with a struct comm_reply: the query, the client's
 * address, and a reply buffer to fill.  The handler returns 1 to send the
 * reply or 0 to send nothing (dropped).  Handlers run on the base's
 * thread, must not block, and must not keep pointers into the comm_reply
 * after returning.
 *
 * Time: comm_base_now() is the time at the start of the current event
 * batch, read once per batch and not once per packet.
 */
#ifndef UTIL_NETEVENT_H
#define UTIL_NETEVENT_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

struct event_base;
struct comm_base;
struct comm_point;

/** One message to answer, handed to a comm_handler. */
struct comm_reply {
	/** The query as received; len octets. */
	const uint8_t *query;
	/** Length of the query. */
	size_t query_len;
	/** Address of the client. */
	struct sockaddr_storage addr;
	/** Length of addr. */
	socklen_t addrlen;
	/** 1 when the message came over TCP, 0 for UDP. */
	int is_tcp;
	/** Buffer for the reply; capacity reply_cap octets. */
	uint8_t *reply;
	/** Capacity of reply. */
	size_t reply_cap;
	/** Set by the handler: length of the reply to send. */
	size_t reply_len;
	/** The point it arrived on; with addr, is_tcp and conn_id this is
	 * the handle comm_reply_send() needs for a later reply. */
	struct comm_point *c;
	/** TCP: id of the connection (connections are found by id, so a
	 * reply for a connection closed meanwhile is dropped safely). */
	uint64_t conn_id;
	/** TCP: the connection's window in ms when the message came (what
	 * an edns-tcp-keepalive option may say, RFC 7828); 0 for UDP. */
	int tcp_window_ms;
};

/** Handler results. */
enum comm_handler_result {
	/** Send nothing (dropped). */
	COMM_REPLY_DROP = 0,
	/** Send rep->reply now. */
	COMM_REPLY_SEND = 1,
	/** The answer comes later through comm_reply_send(); the handler
	 * kept a copy of the comm_reply (its query and reply pointers are
	 * not valid after the call, the rest is). */
	COMM_REPLY_LATER = 2
};

/**
 * Called for every message received.
 * @param arg: the handler argument given at creation.
 * @param rep: the message; fill rep->reply and rep->reply_len.
 * @return an enum comm_handler_result.
 */
typedef int (*comm_handler_type)(void *arg, struct comm_reply *rep);

/** Called for a signal or a timer, on the base's thread. */
typedef void (*comm_callback_type)(void *arg);

/**
 * Create an event base for the calling thread.
 * @return the base or NULL (out of memory; libevent failure is logged).
 */
struct comm_base *comm_base_create(void);

/** Delete a base; every point on it must be deleted first.  NULL ok. */
void comm_base_delete(struct comm_base *b);

/** Run the event loop until comm_base_exit(). */
void comm_base_dispatch(struct comm_base *b);

/** Make the loop return; safe to call from another thread. */
void comm_base_exit(struct comm_base *b);

/** The time at the start of the current event batch (seconds). */
time_t comm_base_now(struct comm_base *b);

/** The same with microseconds. */
const struct timeval *comm_base_timeval(struct comm_base *b);

/** Refresh the cached time (called at the start of each batch). */
void comm_base_update_time(struct comm_base *b);

/**
 * Freeze the clock of a base at a time: comm_base_now() and
 * comm_base_timeval() return it until the next call, whatever time
 * passes (the replay harness's scripted clock).  Timers still run on the
 * real clock.
 * @param b: the base.
 * @param tv: the time.
 */
void comm_base_set_time(struct comm_base *b, const struct timeval *tv);

/** The libevent base, for glue code in util/ only. */
struct event_base *comm_base_internal(struct comm_base *b);

/**
 * Serve UDP on a bound socket.
 * @param b: the base.
 * @param fd: bound, nonblocking UDP socket; owned by the point afterwards
 *	(closed on delete).
 * @param reply_cap: size of each reply buffer (the largest UDP reply,
 *	max-udp-size or the EDNS limit; 65535 is always enough).
 * @param handler: called for each datagram.
 * @param arg: handler argument.
 * @return the point or NULL.
 */
struct comm_point *comm_point_create_udp(struct comm_base *b, int fd,
	size_t reply_cap, comm_handler_type handler, void *arg);

/**
 * Called when the kernel refuses a UDP reply as too big to send without
 * fragmenting it (EMSGSIZE, see comm_socket_dontfrag()).
 * @param arg: the argument given to comm_point_set_too_big().
 * @param pkt: the reply, to rewrite in place into a smaller one.
 * @param len: its length.
 * @return the new length, or 0 to drop the reply.
 */
typedef size_t (*comm_too_big_type)(void *arg, uint8_t *pkt, size_t len);

/**
 * Set what a UDP point does with a reply the kernel refuses as too big;
 * without it such a reply is dropped.  The rewritten reply is sent once.
 */
void comm_point_set_too_big(struct comm_point *c, comm_too_big_type fn,
	void *arg);

/** Most datagrams a comm_prefetch_type callback is given at once. */
#define COMM_PREFETCH_MAX 64

/**
 * Called with the datagrams of a received batch before the handler runs
 * for any of them: a place to start memory loads the handler will need,
 * so they overlap.  Must not change anything the handler sees.
 * @param arg: the argument given to comm_point_set_prefetch().
 * @param pkts, lens: the datagrams.
 * @param n: how many, 2 to COMM_PREFETCH_MAX.
 */
typedef void (*comm_prefetch_type)(void *arg, const uint8_t *const *pkts,
	const size_t *lens, int n);

/** Set a UDP point's prefetch callback (NULL for none, the default). */
void comm_point_set_prefetch(struct comm_point *c, comm_prefetch_type fn,
	void *arg);

/**
 * Checks a TCP client at accept, before the connection takes a slot.
 * @param arg: the argument given to comm_point_set_accept_check().
 * @param sa, len: the client's address.
 * @return how many connections this address may hold at once on the
 *	point; 0 closes it at once (access control).
 */
typedef int (*comm_accept_check_type)(void *arg, const struct sockaddr *sa,
	socklen_t len);

/** Set a TCP point's accept check (NULL: every address may hold every
 * slot). */
void comm_point_set_accept_check(struct comm_point *c,
	comm_accept_check_type fn, void *arg);

/** What a TCP point closed (counters, summed by comm_point_tcp_stats()). */
struct comm_tcp_stats {
	/** At accept, by the access check. */
	uint64_t acl_closed;
	/** At accept, the address holding its share of the slots. */
	uint64_t limit_closed;
	/** A message not whole within its window. */
	uint64_t timeout_closed;
};

/** Add a TCP point's counters to st (a UDP point adds nothing).  Read
 * without a lock: a count may lag. */
void comm_point_tcp_stats(const struct comm_point *c,
	struct comm_tcp_stats *st);

/**
 * Serve DNS over TCP on a listening socket.
 * @param b: the base.
 * @param fd: bound, listening, nonblocking TCP socket; owned afterwards.
 * @param max_conn: connections open at once; at the cap the listener
 *	stops accepting until one closes (incoming-num-tcp).
 * @param idle_ms: the window for each whole message (tcp-idle-timeout;
 *	shorter while more than half the slots are taken, see netevent.c).
 * @param handler: called for each message.
 * @param arg: handler argument.
 * @return the point or NULL.
 */
struct comm_point *comm_point_create_tcp(struct comm_base *b, int fd,
	int max_conn, int idle_ms, comm_handler_type handler, void *arg);

/** Delete a point, closing its socket and (TCP) its connections.  NULL ok. */
void comm_point_delete(struct comm_point *c);

/**
 * Send a reply later, to a client whose comm_reply was kept after its
 * handler returned COMM_REPLY_LATER.  UDP: sent from the same socket.
 * TCP: queued on the connection if it is still open, else dropped.
 * @param rep: the kept comm_reply (query/reply pointers not used).
 * @param msg: the reply.
 * @param len: its length.
 * @return 0, or RES_ENOTFOUND when the TCP connection is gone,
 *	RES_ESYSTEM when sending failed.
 */
int comm_reply_send(const struct comm_reply *rep, const uint8_t *msg,
	size_t len);

/** Number of open TCP connections of a TCP point (0 for UDP). */
int comm_point_tcp_count(struct comm_point *c);

/**
 * Make a UDP socket send unfragmented datagrams with DF set (IPv4), sized
 * by the interface MTU and never by a path MTU learned from ICMP, so a
 * forged "fragmentation needed" cannot make it fragment (RFC 9715 section
 * 3.1; Linux IP_PMTUDISC_PROBE).  A datagram over the interface MTU then
 * fails with EMSGSIZE instead of leaving in fragments: the point's
 * comm_too_big_type handler decides what goes out instead.
 * @return 0, or RES_ESYSTEM when the system has no such option or
 *	refused it (logged by the caller if it cares).
 */
int comm_socket_dontfrag(int fd, int family);

/**
 * Call cb on the base's thread when signal sig arrives.
 * @return a handle to pass to comm_signal_delete(), or NULL.
 */
struct comm_signal *comm_signal_create(struct comm_base *b, int sig,
	comm_callback_type cb, void *arg);

/** Remove a signal handler.  NULL ok. */
void comm_signal_delete(struct comm_signal *s);

/**
 * Open a socket for a service address: bound, nonblocking, close-on-exec,
 * SO_REUSEADDR, SO_REUSEPORT when asked (each worker then gets its own
 * socket and the kernel spreads the load), IPV6_V6ONLY for IPv6.
 * @param addr: the address; port included.
 * @param addrlen: its length.
 * @param type: SOCK_DGRAM or SOCK_STREAM (listen() is called for TCP).
 * @param reuseport: set SO_REUSEPORT.
 * @param rcvbuf: SO_RCVBUF in bytes, 0 to leave the default.
 * @param sndbuf: SO_SNDBUF in bytes, 0 to leave the default.
 * @return the socket, or -1 with the reason logged.
 */
int comm_open_socket(const struct sockaddr_storage *addr, socklen_t addrlen,
	int type, int reuseport, size_t rcvbuf, size_t sndbuf);

/**
 * Parse "address[@port]" (IPv4 or IPv6) into a socket address.
 * @param str: the text.
 * @param port: port to use when none is given.
 * @param addr: receives the address.
 * @param addrlen: receives its length.
 * @return 0 or RES_ESYNTAX.
 */
int comm_addr_from_str(const char *str, int port,
	struct sockaddr_storage *addr, socklen_t *addrlen);

/** Print an address as "ip" or "ip@port" into buf; returns buf. */
const char *comm_addr_to_str(const struct sockaddr_storage *addr,
	socklen_t addrlen, int with_port, char *buf, size_t bufsz);

/*
 * Outgoing traffic and timers.  The outside network (services/) opens its
 * own sockets and watches them through these, so libevent stays here.
 * Every callback below runs on the base's thread, with comm_base_now()
 * refreshed just before.
 */
struct comm_timer;
struct comm_fd;
struct comm_tcp_out;

/**
 * Create a timer on a base; it starts disarmed.
 * @param b: the base.
 * @param cb: called once each time the timer fires.
 * @param arg: argument for cb.
 * @return the timer, or NULL (out of memory, logged).
 */
struct comm_timer *comm_timer_create(struct comm_base *b,
	comm_callback_type cb, void *arg);

/**
 * Arm (or re-arm) a timer to fire once after ms milliseconds.
 * @param t: the timer.
 * @param ms: delay; 0 fires on the next loop iteration, negative is 0.
 * @return 0, or RES_ESYSTEM when libevent refuses (logged).
 */
int comm_timer_set(struct comm_timer *t, int ms);

/** Disarm a timer; it may be armed again.  NULL ok. */
void comm_timer_disable(struct comm_timer *t);

/** Delete a timer (disarming it).  Safe inside its own callback.  NULL ok. */
void comm_timer_delete(struct comm_timer *t);

struct comm_notify;

/**
 * Create a notify: a way for other threads to wake a base and have cb
 * run on its thread.
 * @param b: the base.
 * @param cb: called on the base's thread after comm_notify_raise(); one
 *	call may answer several raises.
 * @param arg: argument for cb.
 * @return the notify, or NULL (logged).
 */
struct comm_notify *comm_notify_create(struct comm_base *b,
	comm_callback_type cb, void *arg);

/** Make the notify's callback run on its base's thread; safe to call
 * from any thread. */
void comm_notify_raise(struct comm_notify *n);

/** Delete a notify (on the base's thread, or with it stopped).  NULL ok. */
void comm_notify_delete(struct comm_notify *n);

/**
 * Called when a watched socket is readable (or, for a write watcher,
 * writable).
 * @param arg: the argument given at creation.
 * @param fd: the socket.
 */
typedef void (*comm_fd_callback_type)(void *arg, int fd);

/**
 * Watch a socket for reading, persistently, until comm_fd_delete().
 * @param b: the base.
 * @param fd: the socket; stays owned by the caller (not closed here).
 * @param cb: called each time fd is readable; it may delete the watcher.
 * @param arg: argument for cb.
 * @return the watcher, or NULL (logged).
 */
struct comm_fd *comm_fd_create(struct comm_base *b, int fd,
	comm_fd_callback_type cb, void *arg);

/**
 * Watch a socket for writing, persistently, until comm_fd_delete(): as
 * comm_fd_create(), with cb called each time fd takes more output.  A
 * socket is writable nearly always, so keep this watcher only while
 * there is output waiting.  A socket may have a read and a write
 * watcher at once.
 */
struct comm_fd *comm_fd_create_write(struct comm_base *b, int fd,
	comm_fd_callback_type cb, void *arg);

/** Stop watching and free the watcher; the socket is left open.  NULL ok. */
void comm_fd_delete(struct comm_fd *e);

/**
 * Called for every complete message on an outgoing TCP connection, and
 * once when the connection ends.
 * @param arg: the argument given at creation.
 * @param msg: the message without its length prefix, valid during the
 *	call only; NULL when the connection has ended (EOF, error, refused).
 *	After the NULL call nothing more is delivered; the owner must still
 *	call comm_tcp_out_delete().
 * @param len: length of msg; 0 with msg NULL.
 */
typedef void (*comm_tcp_out_callback_type)(void *arg, const uint8_t *msg,
	size_t len);

/**
 * Start a nonblocking TCP connection for DNS messages (RFC 1035 section
 * 4.2.2 framing: a 2-octet length before each message).
 * @param b: the base.
 * @param to: the server address, port included.
 * @param tolen: its length.
 * @param cb: called per reply message and at the end; it may call
 *	comm_tcp_out_delete() on this connection.
 * @param arg: argument for cb.
 * @return the connection (connecting), or NULL (logged).  Messages may be
 *	sent at once; they go out when the connection is up.
 */
struct comm_tcp_out *comm_tcp_out_create(struct comm_base *b,
	const struct sockaddr_storage *to, socklen_t tolen,
	comm_tcp_out_callback_type cb, void *arg);

/**
 * Queue one message, with its length prefix, on a connection.
 * @param c: the connection.
 * @param msg: the message; copied.
 * @param len: its length, 1 to 65535.
 * @return 0, RES_EINVAL for a bad length, RES_ENOMEM.
 */
int comm_tcp_out_send(struct comm_tcp_out *c, const uint8_t *msg,
	size_t len);

/**
 * The local port of a connection (0 until known).
 * @param c: the connection.
 * @return the port in host order.
 */
uint16_t comm_tcp_out_port(struct comm_tcp_out *c);

/**
 * Close a connection and free it; no callback afterwards.  Safe inside
 * its own callback.  NULL ok.
 */
void comm_tcp_out_delete(struct comm_tcp_out *c);

/**
 * Run one iteration of the event loop: wait for at least one event and
 * handle what is ready.  For tests that loop until a condition holds;
 * keep a timer armed so the wait is bounded.
 * @param b: the base.
 * @return 0, or 1 when no events are pending at all (nothing to wait
 *	for), or RES_ESYSTEM on a libevent failure.
 */
int comm_base_run_once(struct comm_base *b);

#endif /* UTIL_NETEVENT_H */
