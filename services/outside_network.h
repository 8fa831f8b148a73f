/*
 * services/outside_network.h - queries to authoritative servers, hardened
 * against off-path spoofing.
 *
 * The iterator asks a question of one server with outnet_query_udp() or
 * outnet_query_tcp() and gets exactly one callback later: the reply, a
 * timeout, a 0x20 mismatch or an error.  What an off-path attacker would
 * have to guess to forge a reply:
 *  - the source port: every UDP query has its own socket, bound to a port
 *    drawn uniformly from the permitted set (outgoing-port-permit, default
 *    1024-65535, minus outgoing-port-avoid, minus ports the kernel says are
 *    in use), never a fixed port;
 *  - the 16-bit query ID, drawn afresh for every query;
 *  - with use-caps-for-id (0x20), the random case of each letter of the
 *    query name, which the reply must echo exactly;
 * all three from the CSPRNG of util/random.h.
 *
 * A reply is accepted only when it comes from the server's address and
 * port, has QR set, the query's ID, and the query's question (name, type
 * and class; RFC 5452 section 9.1).  Anything else that reaches a query's
 * socket or TCP connection is dropped and counted as unwanted.  When the
 * unwanted count grows by unwanted_threshold, a warning about a possible
 * spoofing attempt is logged, at most once a minute.
 *
 * Error replies without a question section (QDCOUNT 0 with a nonzero
 * RCODE, as some servers send FORMERR to EDNS queries) are accepted from
 * the right address, port and ID, so the caller can see the FORMERR and
 * retry without EDNS.
 *
 * 0x20: when the echoed question differs from the query only in letter
 * case, the result is OUTNET_CAPS_MISMATCH (not OK): the caller may retry
 * that server without 0x20, as some servers do not preserve case.
 *
 * UDP sockets are capped at num_ports open at once (outgoing-range);
 * queries beyond wait in a FIFO of at most queue_max entries and are sent
 * as sockets close; past that bound outnet_query_udp() fails at once.
 * The timeout of a waiting query starts when it is sent.
 *
 * TCP (RFC 7766): a query goes on an open connection to the same server
 * address and port when there is one with room (tcp_pipeline pending
 * queries), else a new connection is made (at most tcp_max at once).
 * Replies on a connection are matched by ID; IDs are unique per
 * connection.  A connection with no pending query closes after
 * tcp_idle_ms.  The caller decides on TCP, e.g. after a TC=1 reply, which
 * is delivered as OUTNET_OK like any other.
 *
 * Threads: one struct outside_network per worker, used only on its thread
 * and inside its struct comm_base's loop.  Nothing blocks.
 *
 * Callbacks run from the event loop, never from inside outnet_query_*().
 * A callback may start new queries and cancel other ones; it must not
 * delete the outside network.
 */
#ifndef SERVICES_OUTSIDE_NETWORK_H
#define SERVICES_OUTSIDE_NETWORK_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct comm_base;
struct outside_network;
struct outnet_query;

/** Results passed to an outnet_cb. */
enum outnet_result {
	/** A valid reply (it may have TC set or any RCODE). */
	OUTNET_OK = 0,
	/** No valid reply within the timeout. */
	OUTNET_TIMEOUT = 1,
	/** The reply did not echo the 0x20 case of the query name. */
	OUTNET_CAPS_MISMATCH = 2,
	/** The query could not be sent, or the TCP connection failed. */
	OUTNET_ERROR = 3
};

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
	/** unwanted-reply-threshold: warn after this many unwanted replies;
	 * 0 means never warn. */
	unsigned unwanted_threshold;
	/** Close an idle outgoing TCP connection after this; 0 means 10 s. */
	int tcp_idle_ms;
	/** UDP queries allowed to wait for a socket; 0 means num_ports. */
	size_t queue_max;
	/** Outgoing TCP connections open at once; 0 means 100. */
	int tcp_max;
	/** Pending queries per TCP connection; 0 means 32. */
	int tcp_pipeline;
};

/** About the query a callback answers. */
struct outnet_query_info {
	/** Local source port used (host order; 0 if never sent). */
	uint16_t port;
	/** Query ID used. */
	uint16_t id;
	/** 1 for TCP, 0 for UDP. */
	int is_tcp;
	/** Milliseconds from sending to the reply (or to the end). */
	int rtt_ms;
};

/** Counters since creation. */
struct outnet_stats {
	/** UDP queries accepted by outnet_query_udp(). */
	uint64_t queries_udp;
	/** TCP queries accepted by outnet_query_tcp(). */
	uint64_t queries_tcp;
	/** Replies delivered as OUTNET_OK. */
	uint64_t replies;
	/** Queries ended by timeout. */
	uint64_t timeouts;
	/** Replies delivered as OUTNET_CAPS_MISMATCH. */
	uint64_t caps_mismatch;
	/** Queries ended with OUTNET_ERROR. */
	uint64_t errors;
	/** Packets dropped because they matched no outstanding query. */
	uint64_t unwanted;
	/** Times the unwanted threshold was reached. */
	uint64_t spoof_alerts;
	/** Queries refused because the wait queue or TCP cap was full. */
	uint64_t refused;
	/** UDP sockets open now. */
	size_t udp_open;
	/** UDP queries waiting for a socket now. */
	size_t udp_waiting;
	/** TCP connections open now. */
	size_t tcp_open;
};

/**
 * The one callback of a query.
 * @param arg: the argument given with the query.
 * @param result: an enum outnet_result.
 * @param reply: the reply message for OUTNET_OK and OUTNET_CAPS_MISMATCH,
 *	else NULL.  Valid during the call only.
 * @param len: its length.
 * @param info: port, ID and round trip time; valid during the call only.
 * The query handle is freed when the callback starts: do not cancel it.
 */
typedef void (*outnet_cb)(void *arg, int result, const uint8_t *reply,
	size_t len, const struct outnet_query_info *info);

/**
 * Create an outside network for one worker.
 * @param base: the worker's event base.
 * @param s: the settings; copied.
 * @return the outside network, or NULL: out of memory, no usable port
 *	(permit minus avoid is empty), neither IPv4 nor IPv6, or the CSPRNG
 *	is unavailable (all logged).
 */
struct outside_network *outnet_create(struct comm_base *base,
	const struct outnet_settings *s);

/**
 * Delete an outside network: closes every socket and frees every query
 * without calling back.  Not from inside a callback.  NULL ok.
 */
void outnet_delete(struct outside_network *o);

/**
 * Send a query over UDP from a fresh random port with a random ID.
 * @param o: the outside network.
 * @param to: the server address and port.
 * @param tolen: its length.
 * @param qname: the query name, uncompressed wire format; checked here,
 *	never read past qnamelen octets.
 * @param qnamelen: octets available at qname (the name's length, or
 *	more: the name ends at its root label).
 * @param qtype: the query type.
 * @param qclass: the query class.
 * @param rd: set RD (1) or not (0).
 * @param cd: set CD.
 * @param edns: add an OPT record (RFC 6891) with the EDNS buffer size.
 * @param do_bit: set DO in the OPT record (RFC 3225); needs edns.
 * @param use_caps: apply 0x20 to the name (only if caps_for_id is set).
 * @param timeout_ms: milliseconds to wait for the reply, at least 1.
 * @param cb: the callback, called exactly once unless cancelled.
 * @param arg: its argument.
 * @return a handle for outnet_cancel(), valid until the callback starts,
 *	or NULL when the query failed at once (bad arguments, address family
 *	disabled, wait queue full, out of memory, no port could be bound):
 *	no callback follows, the caller answers SERVFAIL or tries another
 *	server.
 */
struct outnet_query *outnet_query_udp(struct outside_network *o,
	const struct sockaddr_storage *to, socklen_t tolen,
	const uint8_t *qname, size_t qnamelen, uint16_t qtype, uint16_t qclass,
	int rd, int cd, int edns, int do_bit, int use_caps, int timeout_ms,
	outnet_cb cb, void *arg);

/**
 * Send a query over TCP, reusing an open connection to the same server
 * where one has room.  Parameters and result as outnet_query_udp(); NULL
 * also when tcp_max connections are open and none can take the query.
 */
struct outnet_query *outnet_query_tcp(struct outside_network *o,
	const struct sockaddr_storage *to, socklen_t tolen,
	const uint8_t *qname, size_t qnamelen, uint16_t qtype, uint16_t qclass,
	int rd, int cd, int edns, int do_bit, int use_caps, int timeout_ms,
	outnet_cb cb, void *arg);

/**
 * Cancel a query: it is freed and its callback is never called.  UDP: its
 * socket is closed, so a late reply is never read; TCP: a late reply on
 * the connection counts as unwanted.  NULL ok.
 * @param q: a handle whose callback has not started.
 */
void outnet_cancel(struct outnet_query *q);

/**
 * Read the counters.
 * @param o: the outside network.
 * @param st: receives the counters.
 */
void outnet_stats(const struct outside_network *o, struct outnet_stats *st);

/**
 * Build a query message (RFC 1035 section 4.1): header, one question and,
 * with edns, an OPT record (RFC 6891 section 6.1.2).  Exposed for tests
 * and for the replay harness.
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
 * tail and OPT record. */
#define OUTNET_QUERY_MAX (12 + 255 + 4 + 11)


#endif /* SERVICES_OUTSIDE_NETWORK_H */
