/*
 * daemon/trace.c - the chain-of-trust tracer.  See trace.h.
 *
 * One level per zone cut: with the servers of the zone known (the root
 * hints, then the glue or the resolved addresses of each referral) the
 * tracer asks for the zone's DNSKEY RRset and then for NAME itself, both
 * with DO and CD set (RFC 4035 section 3.2.2: the servers' raw data, no
 * upstream validation).  A referral gives the next zone, its DS RRset or
 * the signed proof that there is none (RFC 4035 section 5.2).  A zone
 * served by the same servers as its parent shows up as an answer signed
 * by a zone below the current one: then the DS of that signer is asked
 * and the walk goes on there with the same servers.
 *
 * The checks mirror the validator's rules and words (validator.c):
 * a DNSKEY must match a DS with a supported algorithm and digest and
 * sign the DNSKEY RRset; an RRSIG counts when its covered type, signer,
 * algorithm, key tag and validity window (with the validator's clock
 * skew) fit and it verifies.  Denials are accepted when their NSEC or
 * NSEC3 RRsets carry valid signatures; whether they prove the denial is
 * not re-derived here (the validator does that), and the output says so.
 */
#include "config.h"
#include "daemon/trace.h"
#include "validator/trust_anchor.h"
#include "validator/val_canon.h"
#include "validator/val_crypto.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/msg.h"
#include "util/rdata.h"
#include "util/region.h"
#include "util/reply.h"
#include "util/rrtype.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/** Most zone cuts followed. */
#define TR_MAX_LEVELS 32
/** Most servers kept per zone. */
#define TR_MAX_SERVERS 8
/** Length of a reason. */
#define TR_WHY (3 * DNAME_MAXSTR + 128)

/** Servers of a zone. */
struct tr_servers {
	/** Addresses. */
	struct sockaddr_storage a[TR_MAX_SERVERS];
	/** Their lengths. */
	socklen_t len[TR_MAX_SERVERS];
	/** Their number. */
	int n;
};

/** One trace in progress. */
struct tr_state {
	/** The parameters. */
	const struct trace_params *p;
	/** Output. */
	FILE *out;
	/** Queries sent. */
	int queries;
	/** When to give up. */
	time_t deadline;
	/** 1 once a limit stopped the trace. */
	int limited;
};

/** A reply with the memory it lives in. */
struct tr_reply {
	/** Region of the RRsets. */
	struct region *r;
	/** The packet. */
	uint8_t pkt[MSG_MAX_LEN];
	/** The parsed view. */
	struct dns_msg m;
	/** The RRsets. */
	struct reply *rep;
};

/** A name for printing. */
static const char *
tr_name(const uint8_t *d, char *buf, size_t sz)
{
	if (dname_to_str(d, buf, sz) < 0) {
		snprintf(buf, sz, "?");
	}
	return buf;
}

/** A type for printing. */
static const char *
tr_type(uint16_t t, char *buf, size_t sz)
{
	if (rrtype_to_str(t, buf, sz) < 0) {
		snprintf(buf, sz, "TYPE%u", (unsigned)t);
	}
	return buf;
}

/** Free a reply.  NULL ok. */
static void
tr_reply_free(struct tr_reply *t)
{
	if (t) {
		region_delete(t->r);
		free(t);
	}
}

/** Wait for a socket; 1 ready, 0 timeout, -1 error. */
static int
tr_wait(int fd, short ev, int ms)
{
	struct pollfd pfd;
	int r;

	pfd.fd = fd;
	pfd.events = ev;
	do {
		r = poll(&pfd, 1, ms);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -1 : r;
}

/** Read exactly n bytes from a TCP socket within ms; 0 or -1. */
static int
tr_read_full(int fd, uint8_t *buf, size_t n, int ms)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k;

		if (tr_wait(fd, POLLIN, ms) != 1) {
			return -1;
		}
		k = read(fd, buf + got, n - got);
		if (k <= 0) {
			return -1;
		}
		got += (size_t)k;
	}
	return 0;
}

/** One exchange with one server over UDP or TCP; reply length or -1. */
static ssize_t
tr_exchange(const struct sockaddr_storage *a, socklen_t alen, int tcp,
    const uint8_t *q, size_t qlen, uint8_t *buf, size_t cap)
{
	int fd = socket(a->ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) |
	    SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	ssize_t n = -1;

	if (fd < 0) {
		return -1;
	}
	if (connect(fd, (const struct sockaddr *)a, alen) != 0 &&
	    errno != EINPROGRESS) {
		goto out;
	}
	if (tcp) {
		uint8_t hdr[2];
		int err = 0;
		socklen_t el = sizeof(err);

		if (tr_wait(fd, POLLOUT, TRACE_QUERY_TIMEOUT_MS) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 ||
		    err != 0) {
			goto out;
		}
		hdr[0] = (uint8_t)(qlen >> 8);
		hdr[1] = (uint8_t)qlen;
		if (write(fd, hdr, 2) != 2 || write(fd, q, qlen) !=
		    (ssize_t)qlen) {
			goto out;
		}
		if (tr_read_full(fd, hdr, 2, TRACE_QUERY_TIMEOUT_MS) != 0) {
			goto out;
		}
		n = (ssize_t)(hdr[0] << 8 | hdr[1]);
		if ((size_t)n > cap || tr_read_full(fd, buf, (size_t)n,
		    TRACE_QUERY_TIMEOUT_MS) != 0) {
			n = -1;
		}
		goto out;
	}
	if (send(fd, q, qlen, 0) != (ssize_t)qlen) {
		goto out;
	}
	/* A connected UDP socket takes replies from that address only
	 * (RFC 5452 section 9.1 asks for the source to match). */
	if (tr_wait(fd, POLLIN, TRACE_QUERY_TIMEOUT_MS) == 1) {
		n = recv(fd, buf, cap, 0);
	}
out:
	close(fd);
	return n;
}

/**
 * Ask one question of a zone's servers, in turn, until one answers with
 * a matching reply.  DO and CD set, RD clear.
 * @return the reply (tr_reply_free()), or NULL (none answered or a
 *	limit was reached; st->limited says which).
 */
static struct tr_reply *
tr_ask(struct tr_state *st, const struct tr_servers *sv, const uint8_t *name,
    uint16_t type)
{
	uint8_t q[512];
	struct msg_writer w;
	struct msg_edns_out e;
	size_t qlen;
	int i;

	for (i = 0; i < sv->n; i++) {
		struct tr_reply *t;
		uint16_t id;
		ssize_t n;
		int tcp;

		if (st->queries >= TRACE_MAX_QUERIES ||
		    time(NULL) >= st->deadline) {
			st->limited = 1;
			return NULL;
		}
		if (RAND_bytes((unsigned char *)&id, sizeof(id)) != 1) {
			return NULL;
		}
		memset(&e, 0, sizeof(e));
		e.udp_size = MSG_EDNS_SIZE;
		e.do_bit = 1;
		msg_writer_init(&w, q, sizeof(q));
		if (msg_writer_header(&w, id, MSG_FLAG_CD, 0) != 0 ||
		    msg_writer_question(&w, name, type, RR_CLASS_IN) != 0 ||
		    msg_writer_edns(&w, &e) != 0 ||
		    msg_writer_finish(&w, &qlen) != 0) {
			return NULL;
		}
		if (!(t = calloc(1, sizeof(*t))) || !(t->r = region_create())) {
			free(t);
			return NULL;
		}
		for (tcp = 0; tcp < 2; tcp++) {
			st->queries++;
			n = tr_exchange(&sv->a[i], sv->len[i], tcp, q, qlen,
			    t->pkt, sizeof(t->pkt));
			if (n <= 0 || msg_parse(&t->m, t->pkt, (size_t)n) != 0 ||
			    t->m.id != id || !(t->m.flags & MSG_FLAG_QR) ||
			    !t->m.have_question || t->m.qtype != type ||
			    !dname_equal(t->m.qname, name)) {
				break;
			}
			if ((t->m.flags & MSG_FLAG_TC) && !tcp) {
				continue;
			}
			if (reply_from_msg(t->r, &t->m, &t->rep) == 0) {
				return t;
			}
			break;
		}
		tr_reply_free(t);
	}
	return NULL;
}

/** The parsed fields of an RRSIG (RFC 4034 section 3.1). */
struct tr_sig {
	/** Type covered, algorithm, labels. */
	uint16_t covered;
	/** Algorithm. */
	uint8_t alg;
	/** Labels. */
	uint8_t labels;
	/** Expiration and inception. */
	uint32_t exp, inc;
	/** Key tag. */
	uint16_t tag;
	/** Signer name. */
	const uint8_t *signer;
};

/** Parse an RRSIG; 0 or -1. */
static int
tr_sig_parse(const uint8_t *rd, size_t len, struct tr_sig *s)
{
	size_t nl;

	if (len < 19 || dname_check(rd + 18, len - 18, &nl) != 0) {
		return -1;
	}
	s->covered = (uint16_t)(rd[0] << 8 | rd[1]);
	s->alg = rd[2];
	s->labels = rd[3];
	s->exp = (uint32_t)rd[8] << 24 | (uint32_t)rd[9] << 16 |
	    (uint32_t)rd[10] << 8 | rd[11];
	s->inc = (uint32_t)rd[12] << 24 | (uint32_t)rd[13] << 16 |
	    (uint32_t)rd[14] << 8 | rd[15];
	s->tag = (uint16_t)(rd[16] << 8 | rd[17]);
	s->signer = rd + 18;
	return 0;
}

/** RRSIG time as YYYYMMDDHHmmSS (RFC 4034 section 3.2), serial
 * arithmetic around now (RFC 4034 section 3.1.5). */
static const char *
tr_sigtime(uint32_t t, char *buf, size_t sz)
{
	time_t now = time(NULL);
	time_t abs = now + (int32_t)(t - (uint32_t)now);
	struct tm tm;

	if (!gmtime_r(&abs, &tm) || strftime(buf, sz, "%Y%m%d%H%M%S",
	    &tm) == 0) {
		snprintf(buf, sz, "%u", (unsigned)t);
	}
	return buf;
}

/** The validator's time rule: 0, or the EDE for expired / not yet. */
static int
tr_sig_time(const struct trace_params *p, const struct tr_sig *s)
{
	uint32_t n = (uint32_t)time(NULL);
	int64_t period = (int32_t)(s->exp - s->inc);
	int64_t skew = period / 10;

	if (skew < p->skew_min) {
		skew = p->skew_min;
	}
	if (skew > p->skew_max) {
		skew = p->skew_max;
	}
	if ((int64_t)(int32_t)(s->exp - n) < -skew) {
		return EDE_SIG_EXPIRED;
	}
	if ((int64_t)(int32_t)(n - s->inc) < -skew) {
		return EDE_SIG_NOT_YET;
	}
	return 0;
}

/** Print the RRSIGs of an RRset with their windows. */
static void
tr_print_sigs(struct tr_state *st, const struct reply_rrset *s)
{
	char tn[16], sn[DNAME_MAXSTR], t1[20], t2[20];
	size_t i;

	for (i = 0; i < s->sigcount; i++) {
		struct tr_sig sig;

		if (tr_sig_parse(s->rd[s->count + i], s->rdlen[s->count + i],
		    &sig) != 0) {
			fprintf(st->out, "\tRRSIG (malformed)\n");
			continue;
		}
		fprintf(st->out, "\tRRSIG %s by %s key %u alg %u valid %s to "
		    "%s\n", tr_type(sig.covered, tn, sizeof(tn)),
		    tr_name(sig.signer, sn, sizeof(sn)), (unsigned)sig.tag,
		    (unsigned)sig.alg, tr_sigtime(sig.inc, t1, sizeof(t1)),
		    tr_sigtime(sig.exp, t2, sizeof(t2)));
	}
	if (s->sigcount == 0) {
		fprintf(st->out, "\tno RRSIG over %s\n", tr_type(s->type, tn,
		    sizeof(tn)));
	}
}

/**
 * Verify an RRset with keys of a zone, as the validator does
 * (val_verify_rrset()): one valid RRSIG is enough.
 * @param keys: DNSKEY RDATA (count entries) of zone.
 * @return 0 secure, else the EDE with why filled.
 */
static int
tr_verify(struct tr_state *st, const uint8_t *zone, const uint8_t **keys,
    const uint16_t *klen, size_t nkeys, const struct reply_rrset *s,
    char *why, size_t whysz)
{
	char on[DNAME_MAXSTR], tn[16], zn[DNAME_MAXSTR];
	int ede = EDE_RRSIGS_MISSING, tried = 0;
	size_t i, k;

	tr_name(s->owner, on, sizeof(on));
	tr_type(s->type, tn, sizeof(tn));
	snprintf(why, whysz, "no RRSIG for %s %s", on, tn);
	for (i = 0; i < s->sigcount; i++) {
		const uint8_t *rd = s->rd[s->count + i];
		uint16_t rdlen = s->rdlen[s->count + i];
		struct tr_sig sig;
		int t;

		if (tr_sig_parse(rd, rdlen, &sig) != 0 ||
		    sig.covered != s->type || !dname_equal(sig.signer, zone) ||
		    !val_algo_supported(sig.alg)) {
			continue;
		}
		if ((t = tr_sig_time(st->p, &sig)) != 0) {
			ede = t;
			snprintf(why, whysz, "signature %s for %s %s by key %u",
			    t == EDE_SIG_EXPIRED ? "expired" :
			    "not yet valid", on, tn, (unsigned)sig.tag);
			continue;
		}
		for (k = 0; k < nkeys; k++) {
			const uint8_t *key = keys[k];
			struct val_key *vk;
			uint16_t flags;
			int r;

			if (klen[k] < 4 || key[3] != sig.alg ||
			    rdata_dnskey_keytag(key, klen[k]) != sig.tag) {
				continue;
			}
			flags = (uint16_t)(key[0] << 8 | key[1]);
			if (!(flags & DNSKEY_FLAG_ZONE) || (flags &
			    DNSKEY_FLAG_REVOKE) || key[2] != DNSKEY_PROTOCOL) {
				continue;
			}
			tried = 1;
			if (!(vk = val_key_create(sig.alg, key, klen[k]))) {
				continue;
			}
			r = val_canon_verify_rrsig(vk, s, rd, rdlen);
			val_key_delete(vk);
			if (r == RES_OK) {
				return 0;
			}
			ede = EDE_DNSSEC_BOGUS;
			snprintf(why, whysz, "signature verification failed "
			    "for %s %s by key %u", on, tn, (unsigned)sig.tag);
		}
	}
	if (!tried && ede == EDE_RRSIGS_MISSING && s->sigcount > 0) {
		ede = EDE_DNSKEY_MISSING;
		snprintf(why, whysz, "no DNSKEY of %s matches the RRSIGs of "
		    "%s %s", tr_name(zone, zn, sizeof(zn)), on, tn);
	}
	return ede;
}

/** Verify an RRset with a DNSKEY RRset. */
static int
tr_verify_set(struct tr_state *st, const struct reply_rrset *keys,
    const struct reply_rrset *s, char *why, size_t whysz)
{
	return tr_verify(st, keys->owner, keys->rd, keys->rdlen, keys->count,
	    s, why, whysz);
}

/** Print a verdict line and the result; returns 0. */
static int
tr_bogus(struct tr_state *st, const uint8_t *zone, int ede, const char *why)
{
	char zn[DNAME_MAXSTR];

	tr_name(zone, zn, sizeof(zn));
	fprintf(st->out, "\tverdict: bogus: %s (EDE %d)\n", why, ede);
	fprintf(st->out, "result: bogus at %s: %s (EDE %d)\n", zn, why, ede);
	return 0;
}

/**
 * Check a zone's DNSKEY RRset against its DS set (or the anchor's keys),
 * printing what is there (val_check_dnskeys()).
 * @return 1 secure, 0 insecure (no supported DS), -1 bogus (printed).
 */
static int
tr_check_keys(struct tr_state *st, const uint8_t *zone,
    const struct reply_rrset *keys, const uint8_t *const *ds,
    const uint16_t *dslen, size_t nds, const uint8_t *const *akeys,
    const uint16_t *aklen, size_t nak)
{
	char zn[DNAME_MAXSTR], why[TR_WHY];
	size_t i, k;
	int supported = 0, matched = 0, ede = EDE_DNSKEY_MISSING;

	tr_name(zone, zn, sizeof(zn));
	for (i = 0; i < nds; i++) {
		if (dslen[i] < 4) {
			continue;
		}
		fprintf(st->out, "\tDS key %u alg %u digest %u%s\n",
		    (unsigned)(ds[i][0] << 8 | ds[i][1]), (unsigned)ds[i][2],
		    (unsigned)ds[i][3], val_algo_supported(ds[i][2]) &&
		    val_digest_supported(ds[i][3]) ? "" :
		    " (algorithm or digest not supported)");
	}
	for (i = 0; i < nak; i++) {
		fprintf(st->out, "\tanchor DNSKEY key %u\n", aklen[i] >= 4 ?
		    (unsigned)rdata_dnskey_keytag(akeys[i], aklen[i]) : 0);
	}
	if (!keys) {
		fprintf(st->out, "\tno DNSKEY RRset\n");
		snprintf(why, sizeof(why), "no DNSKEY RRset for %s", zn);
		for (i = 0; i < nds; i++) {
			if (dslen[i] >= 4 && val_algo_supported(ds[i][2]) &&
			    val_digest_supported(ds[i][3])) {
				return tr_bogus(st, zone, ede, why) - 1;
			}
		}
		return nds + nak == 0 ? tr_bogus(st, zone, ede, why) - 1 : 0;
	}
	for (k = 0; k < keys->count; k++) {
		const uint8_t *key = keys->rd[k];
		uint16_t flags = keys->rdlen[k] >= 4 ?
		    (uint16_t)(key[0] << 8 | key[1]) : 0;

		fprintf(st->out, "\tDNSKEY key %u alg %u flags %u%s%s\n",
		    (unsigned)rdata_dnskey_keytag(key, keys->rdlen[k]),
		    keys->rdlen[k] >= 4 ? (unsigned)key[3] : 0,
		    (unsigned)flags, (flags & DNSKEY_FLAG_SEP) ? " SEP" : "",
		    (flags & DNSKEY_FLAG_REVOKE) ? " REVOKED" : "");
	}
	tr_print_sigs(st, keys);
	snprintf(why, sizeof(why), "no DNSKEY of %s matches its DS", zn);
	for (k = 0; k < keys->count; k++) {
		const uint8_t *key = keys->rd[k];
		size_t klen = keys->rdlen[k];
		int trusted = 0, r;

		for (i = 0; i < nds && !trusted; i++) {
			if (dslen[i] < 4 || !val_algo_supported(ds[i][2]) ||
			    !val_digest_supported(ds[i][3])) {
				continue;
			}
			supported = 1;
			trusted = val_ds_matches(ds[i], dslen[i], keys->owner,
			    key, klen) == 1;
		}
		for (i = 0; i < nak && !trusted; i++) {
			if (aklen[i] >= 4 && val_algo_supported(akeys[i][3])) {
				supported = 1;
			}
			trusted = aklen[i] == klen && memcmp(akeys[i], key,
			    klen) == 0 && val_algo_supported(key[3]);
		}
		if (!trusted) {
			continue;
		}
		matched = 1;
		r = tr_verify(st, keys->owner, &keys->rd[k], &keys->rdlen[k],
		    1, keys, why, sizeof(why));
		if (r == 0) {
			fprintf(st->out, "\tverdict: secure (DNSKEY RRset "
			    "signed by key %u, which the %s vouches for)\n",
			    (unsigned)rdata_dnskey_keytag(key, klen),
			    nak ? "anchor" : "DS");
			return 1;
		}
		ede = r;
	}
	if (!supported) {
		fprintf(st->out, "\tverdict: insecure (no DS with a supported "
		    "algorithm and digest, RFC 4035 section 5.2)\n");
		return 0;
	}
	if (!matched) {
		ede = EDE_DNSKEY_MISSING;
		snprintf(why, sizeof(why), "no DNSKEY of %s matches its DS",
		    zn);
	}
	return tr_bogus(st, zone, ede, why) - 1;
}

/** Add an address to a server list (port from the parameters). */
static void
tr_add_addr(struct tr_state *st, struct tr_servers *sv,
    const struct reply_rrset *s)
{
	size_t i;

	for (i = 0; i < s->count && sv->n < TR_MAX_SERVERS; i++) {
		struct sockaddr_storage *ss = &sv->a[sv->n];

		memset(ss, 0, sizeof(*ss));
		if (s->type == RR_TYPE_A && s->rdlen[i] == 4) {
			struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

			a4->sin_family = AF_INET;
			a4->sin_port = htons(st->p->port);
			memcpy(&a4->sin_addr, s->rd[i], 4);
			sv->len[sv->n++] = sizeof(*a4);
		} else if (s->type == RR_TYPE_AAAA && s->rdlen[i] == 16) {
			struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

			a6->sin6_family = AF_INET6;
			a6->sin6_port = htons(st->p->port);
			memcpy(&a6->sin6_addr, s->rd[i], 16);
			sv->len[sv->n++] = sizeof(*a6);
		}
	}
}

/** The root servers. */
static void
tr_roots(struct tr_state *st, struct tr_servers *sv)
{
	int i;

	sv->n = 0;
	for (i = 0; i < st->p->nroots && sv->n < TR_MAX_SERVERS; i++) {
		sv->a[sv->n] = st->p->roots[i];
		sv->len[sv->n++] = st->p->rootlen[i];
	}
}

/** Resolve the address of a name server without glue: follow referrals
 * from the root, no validation, depth-limited. */
static void
tr_resolve(struct tr_state *st, const uint8_t *name, struct tr_servers *out,
    int depth)
{
	struct tr_servers sv;
	int level;

	if (depth > 2) {
		return;
	}
	tr_roots(st, &sv);
	for (level = 0; level < TR_MAX_LEVELS; level++) {
		struct tr_reply *t = tr_ask(st, &sv, name, RR_TYPE_A);
		struct reply_rrset *a;
		size_t i;

		if (!t) {
			return;
		}
		if ((a = reply_find(t->rep, MSG_SEC_ANSWER, name, RR_TYPE_A,
		    RR_CLASS_IN)) != NULL) {
			tr_add_addr(st, out, a);
			tr_reply_free(t);
			return;
		}
		sv.n = 0;
		for (i = t->rep->an; i < t->rep->an + t->rep->ns; i++) {
			struct reply_rrset *ns = t->rep->rrsets[i];
			size_t k;

			if (ns->type != RR_TYPE_NS) {
				continue;
			}
			for (k = 0; k < ns->count; k++) {
				const uint8_t *g = ns->rd[k];
				struct reply_rrset *ga = reply_find(t->rep,
				    MSG_SEC_ADDITIONAL, g, RR_TYPE_A,
				    RR_CLASS_IN);

				if (ga) {
					tr_add_addr(st, &sv, ga);
				} else if (sv.n == 0 && k + 1 == ns->count) {
					tr_resolve(st, g, &sv, depth + 1);
				}
			}
		}
		tr_reply_free(t);
		if (sv.n == 0) {
			return;
		}
	}
}

/** The servers of a referral: glue, else resolved addresses. */
static void
tr_referral_servers(struct tr_state *st, const struct tr_reply *t,
    const struct reply_rrset *ns, struct tr_servers *sv)
{
	size_t k;

	sv->n = 0;
	for (k = 0; k < ns->count; k++) {
		struct reply_rrset *a = reply_find(t->rep, MSG_SEC_ADDITIONAL,
		    ns->rd[k], RR_TYPE_A, RR_CLASS_IN);
		struct reply_rrset *a6 = reply_find(t->rep,
		    MSG_SEC_ADDITIONAL, ns->rd[k], RR_TYPE_AAAA, RR_CLASS_IN);

		if (a) {
			tr_add_addr(st, sv, a);
		}
		if (a6) {
			tr_add_addr(st, sv, a6);
		}
	}
	for (k = 0; k < ns->count && sv->n == 0; k++) {
		tr_resolve(st, ns->rd[k], sv, 0);
	}
}

/** Print the servers of a zone. */
static void
tr_print_servers(struct tr_state *st, const struct tr_servers *sv)
{
	int i;

	fprintf(st->out, "\tservers");
	for (i = 0; i < sv->n; i++) {
		char ab[INET6_ADDRSTRLEN];
		const void *ad = sv->a[i].ss_family == AF_INET ?
		    (const void *)&((const struct sockaddr_in *)
		    (const void *)&sv->a[i])->sin_addr :
		    (const void *)&((const struct sockaddr_in6 *)
		    (const void *)&sv->a[i])->sin6_addr;

		if (inet_ntop(sv->a[i].ss_family, ad, ab, sizeof(ab))) {
			fprintf(st->out, " %s", ab);
		}
	}
	fprintf(st->out, "\n");
}

/** The referral (NS RRset below zone, above or at qname) of a reply. */
static struct reply_rrset *
tr_find_referral(const struct tr_reply *t, const uint8_t *zone,
    const uint8_t *qname)
{
	size_t i;

	if (t->rep->an > 0 || (t->m.rcode != MSG_RCODE_NOERROR)) {
		return NULL;
	}
	for (i = t->rep->an; i < t->rep->an + t->rep->ns; i++) {
		struct reply_rrset *s = t->rep->rrsets[i];

		if (s->type == RR_TYPE_NS && dname_is_strict_subdomain(
		    s->owner, zone) && dname_is_subdomain(qname, s->owner)) {
			return s;
		}
	}
	return NULL;
}

/** Verify every RRSIG-carrying RRset of the authority section (a
 * denial); 0 or the EDE with why. */
static int
tr_verify_denial(struct tr_state *st, const struct tr_reply *t,
    const struct reply_rrset *keys, char *why, size_t whysz, int *nproof)
{
	size_t i;
	int r;

	*nproof = 0;
	for (i = t->rep->an; i < t->rep->an + t->rep->ns; i++) {
		struct reply_rrset *s = t->rep->rrsets[i];

		if (s->type != RR_TYPE_NSEC && s->type != RR_TYPE_NSEC3 &&
		    s->type != RR_TYPE_SOA) {
			continue;
		}
		tr_print_sigs(st, s);
		if (s->type != RR_TYPE_SOA) {
			(*nproof)++;
		}
		if ((r = tr_verify_set(st, keys, s, why, whysz)) != 0) {
			return r;
		}
	}
	return 0;
}

int
trace_run(const struct trace_params *p, FILE *out)
{
	struct tr_state st;
	struct tr_servers sv;
	struct tr_reply *t = NULL, *kt = NULL, *dst = NULL;
	const struct reply_rrset *ds = NULL, *keys = NULL;
	uint8_t zone[DNAME_MAXLEN];
	char zn[DNAME_MAXSTR], qn[DNAME_MAXSTR], tn[16], why[TR_WHY];
	int level, secure = 0, validating, ret = 0;

	if (!p || !out || p->nroots <= 0) {
		return RES_EINVAL;
	}
	memset(&st, 0, sizeof(st));
	st.p = p;
	st.out = out;
	st.deadline = time(NULL) + TRACE_MAX_SECONDS;
	tr_roots(&st, &sv);
	zone[0] = 0;
	tr_name(p->qname, qn, sizeof(qn));
	tr_type(p->qtype, tn, sizeof(tn));
	if (p->have_anchor) {
		fprintf(out, "; trace %s %s from the trust anchor at %s\n", qn,
		    tn, tr_name(p->anchor, zn, sizeof(zn)));
	} else {
		fprintf(out, "; trace %s %s: no trust anchor covers it\n", qn,
		    tn);
	}
	/* validating: 1 while the walk is at or below the anchor and every
	 * level so far was secure; 0 above it; -1 once insecure. */
	validating = 0;
	for (level = 0; level < TR_MAX_LEVELS; level++) {
		struct reply_rrset *ref, *ans;

		tr_name(zone, zn, sizeof(zn));
		fprintf(out, "zone %s\n", zn);
		tr_print_servers(&st, &sv);
		if (validating == 0 && p->have_anchor &&
		    dname_equal(zone, p->anchor)) {
			validating = 1;
		}
		if (validating == 1) {
			int k;

			tr_reply_free(kt);
			kt = tr_ask(&st, &sv, zone, RR_TYPE_DNSKEY);
			if (!kt) {
				break;
			}
			keys = reply_find(kt->rep, MSG_SEC_ANSWER, zone,
			    RR_TYPE_DNSKEY, RR_CLASS_IN);
			if (dname_equal(zone, p->anchor)) {
				k = tr_check_keys(&st, zone, keys,
				    (const uint8_t *const *)p->ds, p->dslen,
				    p->nds, (const uint8_t *const *)p->key,
				    p->keylen, p->nkey);
			} else {
				k = tr_check_keys(&st, zone, keys, ds ? ds->rd :
				    NULL, ds ? ds->rdlen : NULL, ds ?
				    ds->count : 0, NULL, NULL, 0);
			}
			if (k < 0) {
				goto done;
			}
			if (k == 0) {
				validating = -1;
			}
		} else if (validating == 0) {
			fprintf(out, "\tabove the trust anchor: not "
			    "validated\n");
		}
		tr_reply_free(t);
		t = tr_ask(&st, &sv, p->qname, p->qtype);
		if (!t) {
			break;
		}
		ref = tr_find_referral(t, zone, p->qname);
		if (ref) {
			const struct reply_rrset *nds;
			char cn[DNAME_MAXSTR];
			struct tr_servers next;

			tr_name(ref->owner, cn, sizeof(cn));
			fprintf(out, "\treferral to %s\n", cn);
			nds = reply_find(t->rep, MSG_SEC_AUTHORITY, ref->owner,
			    RR_TYPE_DS, RR_CLASS_IN);
			if (validating == 1 && nds) {
				tr_print_sigs(&st, nds);
				if ((ret = tr_verify_set(&st, keys, nds, why,
				    sizeof(why))) != 0) {
					char w2[TR_WHY + DNAME_MAXSTR + 16];

					snprintf(w2, sizeof(w2), "DS of %s: %s",
					    cn, why);
					ret = tr_bogus(&st, zone, ret, w2);
					goto done;
				}
				fprintf(out, "\tDS of %s signed by %s: secure\n",
				    cn, zn);
			} else if (validating == 1) {
				int np;

				ret = tr_verify_denial(&st, t, keys, why,
				    sizeof(why), &np);
				if (ret != 0 || np == 0) {
					char w2[TR_WHY + DNAME_MAXSTR + 32];

					if (np == 0) {
						ret = EDE_NSEC_MISSING;
						snprintf(w2, sizeof(w2), "no proof "
						    "that %s has no DS", cn);
					} else {
						snprintf(w2, sizeof(w2), "proof "
						    "of no DS for %s: %s", cn,
						    why);
					}
					ret = tr_bogus(&st, zone, ret, w2);
					goto done;
				}
				fprintf(out, "\tno DS for %s; the denial is "
				    "signed by %s: insecure delegation\n", cn,
				    zn);
				validating = -1;
			}
			tr_referral_servers(&st, t, ref, &next);
			if (next.n == 0) {
				fprintf(out, "result: error: no address for "
				    "the servers of %s\n", cn);
				ret = RES_ENOTFOUND;
				goto done;
			}
			memcpy(zone, ref->owner, dname_len(ref->owner));
			sv = next;
			tr_reply_free(dst);
			dst = t;
			ds = nds;
			t = NULL;
			continue;
		}
		/* An answer or a denial from this zone's servers.  Signed by
		 * a zone below this one: a cut the servers did not show. */
		ans = t->rep->an > 0 ? t->rep->rrsets[0] : NULL;
		if (validating == 1 && ans && ans->sigcount > 0) {
			struct tr_sig sig;

			if (tr_sig_parse(ans->rd[ans->count],
			    ans->rdlen[ans->count], &sig) == 0 &&
			    dname_is_strict_subdomain(sig.signer, zone) &&
			    dname_is_subdomain(p->qname, sig.signer)) {
				struct tr_reply *d2;
				char cn[DNAME_MAXSTR];

				tr_name(sig.signer, cn, sizeof(cn));
				fprintf(out, "\tanswer signed by %s: a zone cut "
				    "on the same servers\n", cn);
				d2 = tr_ask(&st, &sv, sig.signer, RR_TYPE_DS);
				if (!d2) {
					break;
				}
				ds = reply_find(d2->rep, MSG_SEC_ANSWER,
				    sig.signer, RR_TYPE_DS, RR_CLASS_IN);
				if (!ds) {
					int np;

					ret = tr_verify_denial(&st, d2, keys,
					    why, sizeof(why), &np);
					if (ret != 0 || np == 0) {
						ret = tr_bogus(&st, zone, ret ?
						    ret : EDE_NSEC_MISSING,
						    np ? why : "no proof that "
						    "the zone cut has no DS");
						tr_reply_free(d2);
						goto done;
					}
					fprintf(out, "\tno DS for %s; the "
					    "denial is signed: insecure\n", cn);
					validating = -1;
				} else {
					tr_print_sigs(&st, ds);
					if ((ret = tr_verify_set(&st, keys, ds,
					    why, sizeof(why))) != 0) {
						ret = tr_bogus(&st, zone, ret,
						    why);
						tr_reply_free(d2);
						goto done;
					}
				}
				memcpy(zone, sig.signer, dname_len(sig.signer));
				tr_reply_free(dst);
				dst = d2;
				continue;
			}
		}
		fprintf(out, "answer from %s: rcode %d, %zu answer RRsets\n", zn,
		    (int)t->m.rcode, t->rep->an);
		if (validating == 1) {
			size_t i;
			int np;

			for (i = 0; i < t->rep->an; i++) {
				struct reply_rrset *s = t->rep->rrsets[i];
				char on[DNAME_MAXSTR], ty[16];

				fprintf(out, "\t%s %s, %zu RRs\n", tr_name(
				    s->owner, on, sizeof(on)), tr_type(s->type,
				    ty, sizeof(ty)), s->count);
				if (!dname_is_subdomain(s->owner, zone)) {
					fprintf(out, "\t(outside %s: not "
					    "followed)\n", zn);
					continue;
				}
				tr_print_sigs(&st, s);
				if ((ret = tr_verify_set(&st, keys, s, why,
				    sizeof(why))) != 0) {
					ret = tr_bogus(&st, zone, ret, why);
					goto done;
				}
			}
			if (t->rep->an == 0) {
				ret = tr_verify_denial(&st, t, keys, why,
				    sizeof(why), &np);
				if (ret != 0) {
					ret = tr_bogus(&st, zone, ret, why);
					goto done;
				}
				if (np == 0) {
					ret = tr_bogus(&st, zone,
					    EDE_NSEC_MISSING, "no NSEC or "
					    "NSEC3 in the denial");
					goto done;
				}
				fprintf(out, "\tdenial signed (the proof "
				    "itself is checked by the validator)\n");
			}
			fprintf(out, "\tverdict: secure\n");
			secure = 1;
		}
		if (secure) {
			fprintf(out, "result: secure\n");
		} else if (validating == -1) {
			fprintf(out, "result: insecure (an unsigned zone cut "
			    "above %s)\n", qn);
		} else {
			fprintf(out, "result: indeterminate (no trust anchor "
			    "above %s)\n", qn);
		}
		ret = 0;
		goto done;
	}
	if (st.limited || level == TR_MAX_LEVELS) {
		fprintf(out, "result: error: limit reached (%d queries, %d s, "
		    "%d levels)\n", TRACE_MAX_QUERIES, TRACE_MAX_SECONDS,
		    TR_MAX_LEVELS);
		ret = RES_ELIMIT;
	} else {
		fprintf(out, "result: error: no server of %s answered\n",
		    tr_name(zone, zn, sizeof(zn)));
		ret = RES_ENOTFOUND;
	}
done:
	tr_reply_free(t);
	tr_reply_free(kt);
	tr_reply_free(dst);
	return ret < 0 ? ret : 0;
}

int
trace_params_set_anchor(struct trace_params *p, const struct trust_anchor *ta)
{
	size_t i;

	if (!p) {
		return RES_EINVAL;
	}
	trace_params_clear(p);
	if (!ta) {
		return 0;
	}
	memcpy(p->anchor, ta->name, dname_len(ta->name));
	p->have_anchor = 1;
	for (i = 0; i < ta->num_ds && p->nds < TRACE_MAX_ANCHOR_RRS; i++) {
		if (!(p->ds[p->nds] = malloc(ta->ds_len[i] ? ta->ds_len[i] :
		    1))) {
			return RES_ENOMEM;
		}
		memcpy(p->ds[p->nds], ta->ds[i], ta->ds_len[i]);
		p->dslen[p->nds++] = ta->ds_len[i];
	}
	for (i = 0; i < ta->num_dnskey && p->nkey < TRACE_MAX_ANCHOR_RRS;
	    i++) {
		if (!(p->key[p->nkey] = malloc(ta->dnskey_len[i] ?
		    ta->dnskey_len[i] : 1))) {
			return RES_ENOMEM;
		}
		memcpy(p->key[p->nkey], ta->dnskey[i], ta->dnskey_len[i]);
		p->keylen[p->nkey++] = ta->dnskey_len[i];
	}
	return 0;
}

void
trace_params_clear(struct trace_params *p)
{
	size_t i;

	if (!p) {
		return;
	}
	for (i = 0; i < p->nds; i++) {
		free(p->ds[i]);
		p->ds[i] = NULL;
	}
	for (i = 0; i < p->nkey; i++) {
		free(p->key[i]);
		p->key[i] = NULL;
	}
	p->nds = p->nkey = 0;
	p->have_anchor = 0;
}
