/*
 * services/outside_network.h - queries to authoritative servers, shared
 * between the query states that want the same answer, and hardened
 * against off-path spoofing.
 *
 * A caller asks one question of one server with outnet_query(), giving
 * the whole query as a struct upstream_query (util/module.h), and gets
 * exactly one final callback later: the reply, a timeout, a 0x20
 * mismatch or an error; before it, at most one UPSTREAM_SLOW when the
 * query asked for one (the query stays in flight).
 *
 * Two layers.  The upper one shares queries: when an identical query is
 * in flight (same server address and port, name without case, type,
 * class, header flags, EDNS, DO, 0x20, transport), a new caller joins it
 * instead of sending the question again, and every caller gets the
 * result; a caller that cancels leaves, and the query on the wire is
 * cancelled when its last caller leaves.  A joining caller takes the
 * timeouts of the query in flight.  The lower one puts queries on the
 * wire: the sockets below in the daemon, a script in the replay harness
 * (struct outnet_io), so the sharing is the same code in both.
 *
 * What an off-path attacker would have to guess to forge a reply:
 *  - the source port: every UDP query has its own socket, bound to a port
 *    drawn uniformly from the permitted set (outgoing-port-permit, default
 *    1024-65535, minus outgoing-port-avoid, minus ports the kernel says are
 *    in use), never a fixed port;
 *  - the 16-bit query ID, drawn afresh for every query;
 *  - with use-caps-for-id (0x20), the random case of each letter of the
 *    query name, which the reply must echo exactly;
 * all three from the CSPRNG of util/random.h.
 *
 * A UDP query's socket is connected to the server, so the kernel passes
 * on only datagrams from the server's address and port (and reports an
 * ICMP port unreachable, which ends the query as UPSTREAM_ERROR).  A
 * reply is accepted only when it comes from the server's address and
 * port, has QR set, the query's ID, and the query's question (name, type
 * and class; RFC 5452 section 9.1).  A datagram from the server's address
 * and port that is not the reply is what an off-path forger guessing the
 * ID sends: the query ends at once with UPSTREAM_SUSPECT, and the caller
 * asks over TCP, which the forger cannot answer (it would have to
 * complete the handshake), instead of taking the next datagram that
 * happens to match.  Such packets, and anything else that reaches a TCP
 * connection unasked, count as unwanted; when the unwanted count grows by
 * unwanted_threshold, a warning about a possible spoofing attempt is
 * logged, at most once a minute.
 *
 * Replies without a question section (QDCOUNT 0: FORMERR from servers
 * without EDNS, TC replies that leave the question out, broken servers)
 * are accepted from the right address, port and ID, so the caller sees
 * what the server said: retries without EDNS after the FORMERR, over TCP
 * after TC, or moves on from a broken server, within the normal
 * timeouts.
 *
 * 0x20: when the echoed question differs from the query only in letter
 * case, the result is UPSTREAM_CAPS_MISMATCH (not OK): a server that does
 * not keep case, or a forger who guessed the ID but not the case; the
 * caller asks again over TCP.
 *
 * UDP sockets are capped at num_ports open at once (outgoing-range);
 * queries beyond wait in a FIFO of at most queue_max entries and are sent
 * as sockets close; past that bound outnet_query() fails at once.  The
 * timeout of a waiting query starts when it is sent.
 *
 * TCP (RFC 7766): a query goes on an open connection to the same server
 * address and port when there is one with room (tcp_pipeline pending
 * queries), else a new connection is made (at most tcp_max at once).
 * Replies on a connection are matched by ID; IDs are unique per
 * connection.  A connection with no pending query closes after
 * tcp_idle_ms.  The caller decides on TCP, e.g. after a TC=1 reply, which
 * is delivered as UPSTREAM_OK like any other.
 *
 * A tap (outnet_set_tap()) sees a copy of every query put on the wire
 * and of every reply taken as a query's (UPSTREAM_OK or
 * UPSTREAM_CAPS_MISMATCH), for query logs such as dnstap; it is called
 * on the worker's thread and must not block.  Forged and unwanted
 * packets are not shown to it.
 *
 * Threads: one struct outside_network per worker, used only on its thread
 * and inside its struct comm_base's loop.  Nothing blocks.
 *
 * Callbacks run from the event loop, never from inside outnet_query().
 * A callback may start new queries and cancel other ones (its own too,
 * after UPSTREAM_SLOW); it must not delete the outside network.
 */
#ifndef SERVICES_OUTSIDE_NETWORK_H
#define SERVICES_OUTSIDE_NETWORK_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/time.h>
#include "util/module.h"

struct comm_base;
struct outside_network;
struct outnet_query;
struct outnet_wire;

/** An inclusive range of ports, lo <= hi. */
struct outnet_port_range {
	/** First port of the range. */
	uint16_t lo;
	/** Last port of the range. */
	uint16_t hi;
};

/** Settings of an outside network; a plain struct filled by the caller. */
struct outnet_settings {
	/** outgoing-range: UDP sockets open at once; 0 means 4096. */
	int num_ports;
	/** outgoing-port-permit: ranges to draw from; none means
	 * 1024-65535.  Copied at creation. */
	const struct outnet_port_range *permit;
	/** Number of ranges in permit. */
	size_t num_permit;
	/** outgoing-port-avoid: ranges never used; copied at creation. */
	const struct outnet_port_range *avoid;
	/** Number of ranges in avoid. */
	size_t num_avoid;
	/** do-ip4: queries to IPv4 servers allowed. */
	int do_ip4;
	/** do-ip6: queries to IPv6 servers allowed. */
	int do_ip6;
	/** use-caps-for-id: 0x20 is allowed (each query still chooses). */
	int caps_for_id;
	/** edns-buffer-size advertised in the OPT record; 0 means 1232. */
	uint16_t edns_size;
	/** Warn after this many unwanted replies within a minute; 0 means
	 * never warn. */
	unsigned unwanted_threshold;
	/** harden-spoofing: a packet from the server that is not the reply
	 * ends a UDP query with UPSTREAM_SUSPECT; 0: it is counted and the
	 * query waits on for its reply. */
	int suspect_ends;
	/** Close an idle outgoing TCP connection after this; 0 means 10 s. */
	int tcp_idle_ms;
	/** UDP queries allowed to wait for a socket; 0 means num_ports. */
	size_t queue_max;
	/** Outgoing TCP connections open at once; 0 means 100. */
	int tcp_max;
	/** Pending queries per TCP connection; 0 means 32. */
	int tcp_pipeline;
	/** upstream-cookies: a COOKIE option (RFC 7873) in every EDNS
	 * query, the client cookie per server, the server cookie learned
	 * from its replies; a UDP reply with another client cookie ends
	 * the query as UPSTREAM_SUSPECT (as a forged packet). */
	int cookies;
};

/** Counters since creation. */
struct outnet_stats {
	/** UDP queries put on the wire. */
	uint64_t queries_udp;
	/** TCP queries put on the wire. */
	uint64_t queries_tcp;
	/** Queries that joined an identical one in flight instead. */
	uint64_t shared;
	/** Replies delivered as UPSTREAM_OK. */
	uint64_t replies;
	/** Queries ended by timeout. */
	uint64_t timeouts;
	/** Replies delivered as UPSTREAM_CAPS_MISMATCH. */
	uint64_t caps_mismatch;
	/** UDP queries ended by a packet that was not their reply
	 * (UPSTREAM_SUSPECT). */
	uint64_t suspect;
	/** Queries ended with UPSTREAM_ERROR. */
	uint64_t errors;
	/** Packets dropped because they matched no outstanding query. */
	uint64_t unwanted;
	/** Times the unwanted threshold was reached. */
	uint64_t spoof_alerts;
	/** UDP replies whose COOKIE option had another client cookie
	 * (ended as UPSTREAM_SUSPECT), and BADCOOKIE answers. */
	uint64_t cookie_mismatch, cookie_bad;
	/** Queries refused because the wait queue or TCP cap was full. */
	uint64_t refused;
	/** UDP sockets open now. */
	size_t udp_open;
	/** UDP queries waiting for a socket now. */
	size_t udp_waiting;
	/** TCP connections open now. */
	size_t tcp_open;
	/** Distinct queries in flight now. */
	size_t in_flight;
};

/**
 * The callback of a query: called once with UPSTREAM_SLOW (when asked
 * for) and once with the final result.
 * @param arg: the argument given with the query.
 * @param r: the result; the packet in it is valid during the call only.
 *	After a final result the handle is freed: do not cancel it.
 */
typedef void (*outnet_cb)(void *arg, const struct upstream_reply *r);

/**
 * The wire under the outside network: the daemon's sockets, or a script
 * (the replay harness).  The contract is the one of outnet_query() for a
 * single caller: send() returns a handle or NULL (failed at once, no
 * callback); the callback comes from the event loop, at most once with
 * UPSTREAM_SLOW and exactly once with a final result, unless cancel() was
 * called; cancel() may be called from inside the UPSTREAM_SLOW callback.
 */
struct outnet_io {
	/** Argument of the functions. */
	void *arg;
	/** Put a query on the wire. */
	struct outnet_wire *(*send)(void *arg, const struct upstream_query *uq,
		outnet_cb cb, void *cbarg);
	/** Take it off: no callback follows. */
	void (*cancel)(void *arg, struct outnet_wire *w);
};

/** What a tap is shown of one message on the wire. */
struct outnet_tap_msg {
	/** 0: a query as sent; 1: the reply taken for it. */
	int is_reply;
	/** 1 over TCP, 0 over UDP. */
	int is_tcp;
	/** The server, address and port. */
	const struct sockaddr_storage *addr;
	/** Length of addr. */
	socklen_t addrlen;
	/** Our source port of the query; 0 when not known (TCP). */
	uint16_t port;
	/** When the query was sent. */
	struct timeval sent;
	/** The message (a reply with its 0x20 case given back as asked);
	 * valid during the call only. */
	const uint8_t *pkt;
	/** Its length. */
	size_t len;
};

/**
 * A tap of the outside network (outnet_set_tap()).
 * @param arg: the argument given with it.
 * @param m: the message; valid during the call only.
 */
typedef void (*outnet_tap_func)(void *arg, const struct outnet_tap_msg *m);

/**
 * Create an outside network for one worker, on sockets.
 * @param base: the worker's event base.
 * @param s: the settings; copied.
 * @return the outside network, or NULL: out of memory, no usable port
 *	(permit minus avoid is empty), neither IPv4 nor IPv6, or the CSPRNG
 *	is unavailable (all logged).
 */
struct outside_network *outnet_create(struct comm_base *base,
	const struct outnet_settings *s);

/**
 * Create an outside network whose wire is given (tests): the sharing
 * layer over io, no sockets.
 * @param io: the wire; copied.
 * @return the outside network or NULL (out of memory).
 */
struct outside_network *outnet_create_io(const struct outnet_io *io);

/**
 * Delete an outside network: closes every socket and frees every query
 * without calling back.  Not from inside a callback.  NULL ok.
 */
void outnet_delete(struct outside_network *o);

/**
 * Ask a question of a server: join an identical query in flight, or put
 * a new one on the wire (UDP from a fresh random port with a random ID,
 * or TCP, as uq->tcp says).
 * @param o: the outside network.
 * @param uq: the query; the name is checked here and copied.
 * @param cb: the callback (see outnet_cb).
 * @param arg: its argument.
 * @return a handle for outnet_cancel(), valid until the final callback
 *	starts, or NULL when the query failed at once (bad arguments,
 *	address family disabled, wait queue or TCP cap full, out of memory,
 *	no port could be bound): no callback follows.
 */
struct outnet_query *outnet_query(struct outside_network *o,
	const struct upstream_query *uq, outnet_cb cb, void *arg);

/**
 * Cancel a query: its callback is never called.  The query on the wire
 * goes when no other caller shares it: UDP closes its socket, so a late
 * reply is never read; over TCP a late reply counts as unwanted.  NULL ok.
 * @param q: a handle whose final callback has not started.
 */
void outnet_cancel(struct outnet_query *q);

/**
 * Show every query sent on the sockets, and every reply taken, to a tap
 * (query logs).  A scripted wire (outnet_create_io()) has no tap.
 * @param o: the outside network.
 * @param fn: the tap, or NULL for none (the default).
 * @param arg: its argument.
 */
void outnet_set_tap(struct outside_network *o, outnet_tap_func fn,
	void *arg);

/**
 * Read the counters.
 * @param o: the outside network.
 * @param st: receives the counters.
 */
void outnet_stats(const struct outside_network *o, struct outnet_stats *st);

/**
 * Build a query message (RFC 1035 section 4.1): header, one question and,
 * with edns, an OPT record (RFC 6891 section 6.1.2).  Exposed for tests.
 * @param buf: output buffer.
 * @param bufsz: its size; OUTNET_QUERY_MAX is always enough.
 * @param id: the query ID.
 * @param qname: a checked wire name.
 * @param qnamelen: its length.
 * @param qtype: the type.
 * @param qclass: the class.
 * @param flags: RD, CD as the header's flags word (host order).
 * @param edns: add an OPT record.
 * @param edns_size: the UDP payload size advertised.
 * @param do_bit: DO flag in the OPT record.
 * @return the length, or RES_ESPACE.
 */
int outnet_build_query(uint8_t *buf, size_t bufsz, uint16_t id,
	const uint8_t *qname, size_t qnamelen, uint16_t qtype, uint16_t qclass,
	uint16_t flags, int edns, uint16_t edns_size, int do_bit);

/** Largest query built by outnet_build_query(): header, name, question
 * tail and OPT record; and room for a COOKIE option (RFC 7873: a client
 * cookie and a server cookie of up to 32 octets). */
#define OUTNET_QUERY_MAX (12 + 255 + 4 + 11 + 4 + 8 + 32)

#endif /* SERVICES_OUTSIDE_NETWORK_H */
