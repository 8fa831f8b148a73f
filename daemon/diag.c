/*
 * daemon/diag.c - DNSSEC diagnostics: the ring of recent bogus results
 * and the dump_diag snapshot.  See diag.h.
 *
 * Every cache section is collected first into an array of items (a name
 * to sort on and the text to print) by a walk that only copies, then
 * sorted and printed.  The chain shown for an RRset is what the cache
 * still knows: the signer named in its RRSIGs (the zone whose keys
 * validated it, RFC 4035 section 5.3.1) and that zone's key cache entry
 * with its status.  The path above the signer is not kept per RRset; a
 * key entry marked secure was itself validated from its parent, so the
 * key cache section shows the rest of the chain.
 */
#include "config.h"
#include "daemon/diag.h"
#include "daemon/daemon.h"
#include "cache/infra.h"
#include "cache/keycache.h"
#include "cache/rrset.h"
#include "validator/trust_anchor.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/rdata.h"
#include "util/rrtype.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/** One recorded failure. */
struct diag_bogus {
	/** When. */
	time_t when;
	/** The question name, presentation form. */
	char qname[DNAME_MAXSTR];
	/** The question type. */
	uint16_t qtype;
	/** EDE code. */
	int ede;
	/** The reason. */
	char reason[DIAG_REASON_MAX];
};

/** The ring. */
struct diag_ring {
	/** Guards everything below. */
	pthread_mutex_t lock;
	/** The entries. */
	struct diag_bogus e[DIAG_RING_SIZE];
	/** Failures recorded; entry i % DIAG_RING_SIZE is the i-th. */
	uint64_t total;
};

struct diag_ring *
diag_ring_create(void)
{
	struct diag_ring *r = calloc(1, sizeof(*r));

	if (!r) {
		return NULL;
	}
	if (pthread_mutex_init(&r->lock, NULL) != 0) {
		free(r);
		return NULL;
	}
	return r;
}

void
diag_ring_delete(struct diag_ring *r)
{
	if (!r) {
		return;
	}
	pthread_mutex_destroy(&r->lock);
	free(r);
}

void
diag_ring_note(void *arg, const uint8_t *qname, uint16_t qtype, int ede,
    const char *reason)
{
	struct diag_ring *r = arg;
	struct diag_bogus b;

	if (!r) {
		return;
	}
	memset(&b, 0, sizeof(b));
	b.when = time(NULL);
	if (!qname || dname_to_str(qname, b.qname, sizeof(b.qname)) < 0) {
		snprintf(b.qname, sizeof(b.qname), "?");
	}
	b.qtype = qtype;
	b.ede = ede;
	snprintf(b.reason, sizeof(b.reason), "%s", reason ? reason : "");
	pthread_mutex_lock(&r->lock);
	r->e[r->total % DIAG_RING_SIZE] = b;
	r->total++;
	pthread_mutex_unlock(&r->lock);
}

uint64_t
diag_ring_total(struct diag_ring *r)
{
	uint64_t t;

	if (!r) {
		return 0;
	}
	pthread_mutex_lock(&r->lock);
	t = r->total;
	pthread_mutex_unlock(&r->lock);
	return t;
}

/** Format an absolute time as UTC, ISO 8601. */
static void
diag_time(time_t t, char *buf, size_t sz)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ",
	    &tm) == 0) {
		snprintf(buf, sz, "%lld", (long long)t);
	}
}

void
diag_ring_print(struct diag_ring *r, FILE *out)
{
	struct diag_bogus *copy;
	uint64_t total, first, i;
	char tb[32], tn[16];

	if (!r || !out) {
		return;
	}
	copy = malloc(sizeof(r->e));
	if (!copy) {
		fprintf(out, "; out of memory\n");
		return;
	}
	pthread_mutex_lock(&r->lock);
	memcpy(copy, r->e, sizeof(r->e));
	total = r->total;
	pthread_mutex_unlock(&r->lock);
	first = total > DIAG_RING_SIZE ? total - DIAG_RING_SIZE : 0;
	for (i = first; i < total; i++) {
		const struct diag_bogus *b = &copy[i % DIAG_RING_SIZE];

		diag_time(b->when, tb, sizeof(tb));
		if (rrtype_to_str(b->qtype, tn, sizeof(tn)) < 0) {
			snprintf(tn, sizeof(tn), "TYPE%u", (unsigned)b->qtype);
		}
		fprintf(out, "%s %s %s ede %d: %s\n", tb, b->qname, tn, b->ede,
		    b->reason);
	}
	free(copy);
}

/*
 * Collected items.
 */

/** One item of a section. */
struct diag_item {
	/** Name to sort on, wire form. */
	uint8_t name[DNAME_MAXLEN];
	/** Secondary sort key (type, or address text in text). */
	uint16_t type;
	/** The text to print, malloced, ending in a newline. */
	char *text;
	/** Signer zone of an RRset (wire), or empty. */
	uint8_t signer[DNAME_MAXLEN];
	/** 1 when signer is set. */
	int has_signer;
	/** 1 for a bogus RRset stored without a reason of its own. */
	int no_reason;
	/** Key entries: the status and, when bogus, EDE code and reason
	 * (malloced, or NULL). */
	int status, ede;
	/** See status. */
	char *reason;
};

/** A growing array of items. */
struct diag_list {
	/** The items. */
	struct diag_item *v;
	/** Used and allocated. */
	size_t n, cap;
	/** 1 once something could not be stored. */
	int nomem;
	/** The time, for remaining TTLs. */
	time_t now;
};

/** Add an item; NULL when out of memory (nomem is set). */
static struct diag_item *
diag_add(struct diag_list *l, const uint8_t *name, uint16_t type,
    const char *text)
{
	struct diag_item *it;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		struct diag_item *nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv) {
			l->nomem = 1;
			return NULL;
		}
		l->v = nv;
		l->cap = ncap;
	}
	it = &l->v[l->n];
	memset(it, 0, sizeof(*it));
	memcpy(it->name, name, dname_len(name));
	dname_tolower(it->name);
	it->type = type;
	if (!(it->text = strdup(text))) {
		l->nomem = 1;
		return NULL;
	}
	l->n++;
	return it;
}

/** Free the items. */
static void
diag_list_free(struct diag_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].text);
		free(l->v[i].reason);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/** Sort order: name (canonical), type, text. */
static int
diag_cmp(const void *a, const void *b)
{
	const struct diag_item *x = a, *y = b;
	int c = dname_canonical_compare(x->name, y->name);

	if (c != 0) {
		return c;
	}
	if (x->type != y->type) {
		return x->type < y->type ? -1 : 1;
	}
	return strcmp(x->text, y->text);
}

/** Sort and print a list. */
static void
diag_list_print(struct diag_list *l, FILE *out)
{
	size_t i;

	if (l->n > 1) {
		qsort(l->v, l->n, sizeof(*l->v), diag_cmp);
	}
	for (i = 0; i < l->n; i++) {
		fputs(l->v[i].text, out);
	}
	if (l->nomem) {
		fprintf(out, "; out of memory: this section is incomplete\n");
	}
}

/** Name of a key status. */
static const char *
diag_key_status(int s)
{
	switch (s) {
	case KEY_STATUS_SECURE:
		return "secure";
	case KEY_STATUS_INSECURE:
		return "insecure";
	case KEY_STATUS_BOGUS:
		return "bogus";
	default:
		return "unknown";
	}
}

/** Name of an RRset security status. */
static const char *
diag_sec(int s)
{
	switch (s) {
	case RRSET_SEC_UNCHECKED:
		return "unchecked";
	case RRSET_SEC_SECURE:
		return "secure";
	case RRSET_SEC_INSECURE:
		return "insecure";
	case RRSET_SEC_BOGUS:
		return "bogus";
	case RRSET_SEC_INDETERMINATE:
		return "indeterminate";
	default:
		return "unknown";
	}
}

/** Key cache walk: one item per zone, its keys on their own lines. */
static int
diag_key_one(const struct key_entry *e, void *arg)
{
	struct diag_list *l = arg;
	char zn[DNAME_MAXSTR], tb[32], *text = NULL;
	size_t len = 0, i;
	struct diag_item *it;
	FILE *f;

	if (dname_to_str(e->zone, zn, sizeof(zn)) < 0) {
		return 0;
	}
	if (!(f = open_memstream(&text, &len))) {
		l->nomem = 1;
		return 0;
	}
	diag_time(e->d.expiry, tb, sizeof(tb));
	fprintf(f, "%s %s expires %s%s keys %u", zn,
	    diag_key_status(e->d.status), tb, e->d.expiry <= l->now ?
	    " (expired)" : "", (unsigned)e->d.count);
	if (e->d.status == KEY_STATUS_BOGUS) {
		fprintf(f, " ede %d reason \"%s\"", e->d.ede, e->d.reason ?
		    e->d.reason : "");
	}
	fputc('\n', f);
	for (i = 0; i < e->d.count; i++) {
		uint16_t kl;
		const uint8_t *k = key_data_key(&e->d, i, &kl);
		unsigned flags;

		if (!k || kl < 4) {
			continue;
		}
		flags = (unsigned)wire_get16(k);
		fprintf(f, "\tDNSKEY tag %u alg %u flags %u%s%s\n",
		    (unsigned)rdata_dnskey_keytag(k, kl), (unsigned)k[3],
		    flags, (flags & DNSKEY_FLAG_SEP) ? " SEP" : "",
		    (flags & DNSKEY_FLAG_REVOKE) ? " REVOKED" : "");
	}
	if (fclose(f) != 0 || !text) {
		free(text);
		l->nomem = 1;
		return 0;
	}
	if ((it = diag_add(l, e->zone, 0, text)) != NULL) {
		it->status = e->d.status;
		it->ede = e->d.ede;
		if (e->d.reason && !(it->reason = strdup(e->d.reason))) {
			l->nomem = 1;
		}
	}
	free(text);
	return 0;
}

/** The signer name of the first RRSIG of an RRset (RFC 4034 section
 * 3.1), or NULL. */
static const uint8_t *
diag_signer(const struct rrset_entry *e)
{
	uint16_t len;
	const uint8_t *rd;
	size_t nl;

	if (e->d.rrsig_count == 0) {
		return NULL;
	}
	rd = rrset_data_rr(&e->d, e->d.count, &len);
	if (!rd || len < 18 || dname_check(rd + 18, len - 18, &nl) != 0) {
		return NULL;
	}
	return rd + 18;
}

/** RRset cache walk: one line per RRset. */
static int
diag_rrset_one(const struct rrset_entry *e, void *arg)
{
	struct diag_list *l = arg;
	char on[DNAME_MAXSTR], tn[16], tb[32], line[DNAME_MAXSTR * 2 + 512];
	const uint8_t *signer = diag_signer(e);
	struct diag_item *it;

	if (dname_to_str(e->key.owner, on, sizeof(on)) < 0) {
		return 0;
	}
	if (rrtype_to_str(e->key.type, tn, sizeof(tn)) < 0) {
		snprintf(tn, sizeof(tn), "TYPE%u", (unsigned)e->key.type);
	}
	diag_time(e->d.expiry, tb, sizeof(tb));
	if (e->d.security == RRSET_SEC_BOGUS && (e->d.ede ||
	    (e->d.bogus_reason && *e->d.bogus_reason))) {
		snprintf(line, sizeof(line), "%s %s %s expires %s%s ede %d "
		    "reason \"%s\"", on, tn, diag_sec(e->d.security), tb,
		    e->d.expiry <= l->now ? " (expired)" : "", e->d.ede,
		    e->d.bogus_reason ? e->d.bogus_reason : "");
	} else {
		snprintf(line, sizeof(line), "%s %s %s expires %s%s", on, tn,
		    diag_sec(e->d.security), tb, e->d.expiry <= l->now ?
		    " (expired)" : "");
	}
	it = diag_add(l, e->key.owner, e->key.type, line);
	if (it && e->d.security == RRSET_SEC_BOGUS && (!e->d.bogus_reason ||
	    !*e->d.bogus_reason)) {
		it->no_reason = 1;
	}
	if (it && signer) {
		memcpy(it->signer, signer, dname_len(signer));
		dname_tolower(it->signer);
		it->has_signer = 1;
	}
	return 0;
}

/** Find a zone among the collected key entries (sorted). */
static const struct diag_item *
diag_find_key(const struct diag_list *keys, const uint8_t *zone)
{
	size_t lo = 0, hi = keys->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = dname_canonical_compare(keys->v[mid].name, zone);

		if (c == 0) {
			return &keys->v[mid];
		}
		if (c < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

/** Append the chain to each RRset line: signer and its key entry. */
static int
diag_chain(struct diag_list *rr, const struct diag_list *keys)
{
	size_t i;

	for (i = 0; i < rr->n; i++) {
		struct diag_item *it = &rr->v[i];
		const struct diag_item *k;
		char sn[DNAME_MAXSTR], ks[32], *t;
		const char *kr = NULL;
		int kede = 0;
		size_t len;

		if (!it->has_signer) {
			snprintf(sn, sizeof(sn), "-");
			snprintf(ks, sizeof(ks), "-");
		} else {
			if (dname_to_str(it->signer, sn, sizeof(sn)) < 0) {
				snprintf(sn, sizeof(sn), "?");
			}
			k = diag_find_key(keys, it->signer);
			if (k) {
				snprintf(ks, sizeof(ks), "%s",
				    diag_key_status(k->status));
				if (it->no_reason && k->status ==
				    KEY_STATUS_BOGUS) {
					kr = k->reason ? k->reason : "";
					kede = k->ede;
				}
			} else {
				snprintf(ks, sizeof(ks), "not-cached");
			}
		}
		len = strlen(it->text) + strlen(sn) + strlen(ks) +
		    (kr ? strlen(kr) : 0) + 64;
		if (!(t = malloc(len))) {
			rr->nomem = 1;
			return RES_ENOMEM;
		}
		if (kr) {
			/* The RRset carries no reason: the keys of its
			 * signer failed, which is why. */
			snprintf(t, len, "%s signer %s keys %s key-ede %d "
			    "key-reason \"%s\"\n", it->text, sn, ks, kede,
			    kr);
		} else {
			snprintf(t, len, "%s signer %s keys %s\n", it->text,
			    sn, ks);
		}
		free(it->text);
		it->text = t;
	}
	return 0;
}

/** Infra cache walk: one line per server and zone. */
static int
diag_infra_one(const struct infra_entry *e, void *arg)
{
	struct diag_list *l = arg;
	char ab[INET6_ADDRSTRLEN + 8], zn[DNAME_MAXSTR], tb[32], eb[16];
	char ub[32], sp[64], line[DNAME_MAXSTR + 320];
	struct diag_item *it;

	if (diag_addr_str(e->key.addr, e->key.addrlen, ab, sizeof(ab)) != 0 ||
	    dname_to_str(e->key.zone, zn, sizeof(zn)) < 0) {
		return 0;
	}
	if (e->info.edns_version == INFRA_EDNS_UNKNOWN) {
		snprintf(eb, sizeof(eb), "unknown");
	} else if (e->info.edns_version == INFRA_EDNS_NONE) {
		snprintf(eb, sizeof(eb), "none");
	} else {
		snprintf(eb, sizeof(eb), "%d", e->info.edns_version);
	}
	diag_time(e->info.expiry, tb, sizeof(tb));
	/* What spoof resistance learned, only when there is something. */
	sp[0] = 0;
	if (e->info.no_caps) {
		snprintf(sp, sizeof(sp), " no-0x20");
	}
	if (e->info.tcp_until > l->now) {
		diag_time(e->info.tcp_until, ub, sizeof(ub));
		snprintf(sp + strlen(sp), sizeof(sp) - strlen(sp),
		    " tcp-only-until %s", ub);
	}
	snprintf(line, sizeof(line), "%s zone %s rtt %d rttvar %d rto %d "
	    "timeouts %d edns %s udp %u lame %s%s expires %s%s\n", ab, zn,
	    e->info.measured ? e->info.srtt : -1, e->info.rttvar,
	    e->info.rto, e->info.timeouts, eb, (unsigned)e->info.udp_size,
	    e->info.lame ? "yes" : "no", sp, tb, e->info.expiry <= l->now ?
	    " (expired)" : "");
	/* Sorted by address text, then zone: the address goes in the
	 * text, the zone is the name. */
	it = diag_add(l, e->key.zone, 0, line);
	(void)it;
	return 0;
}

/** Sort infra lines by their text (address first), then zone. */
static int
diag_cmp_text(const void *a, const void *b)
{
	const struct diag_item *x = a, *y = b;
	int c = strcmp(x->text, y->text);

	return c != 0 ? c : dname_canonical_compare(x->name, y->name);
}

int
diag_addr_str(const uint8_t *addr, size_t len, char *buf, size_t sz)
{
	struct sockaddr_storage ss;
	char ab[INET6_ADDRSTRLEN];
	unsigned port;

	if (!addr || !buf || len > sizeof(ss) || len < sizeof(sa_family_t)) {
		return RES_EINVAL;
	}
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, addr, len);
	if (ss.ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s4 = (const void *)&ss;

		if (!inet_ntop(AF_INET, &s4->sin_addr, ab, sizeof(ab))) {
			return RES_EINVAL;
		}
		port = ntohs(s4->sin_port);
	} else if (ss.ss_family == AF_INET6 &&
	    len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *s6 = (const void *)&ss;

		if (!inet_ntop(AF_INET6, &s6->sin6_addr, ab, sizeof(ab))) {
			return RES_EINVAL;
		}
		port = ntohs(s6->sin6_port);
	} else {
		return RES_EINVAL;
	}
	if (port == 53 || port == 0) {
		snprintf(buf, sz, "%s", ab);
	} else {
		snprintf(buf, sz, "%s@%u", ab, port);
	}
	return 0;
}

int
diag_print(struct daemon *d, time_t now, FILE *out)
{
	struct diag_list keys, rr, infra;
	char tb[32];
	int r = 0;

	if (!d || !out) {
		return RES_EINVAL;
	}
	memset(&keys, 0, sizeof(keys));
	memset(&rr, 0, sizeof(rr));
	memset(&infra, 0, sizeof(infra));
	keys.now = rr.now = infra.now = now;
	diag_time(now, tb, sizeof(tb));
	fprintf(out, "; resolute DNSSEC diagnostics at %s\n", tb);

	fprintf(out, "\n[trust anchors]\n");
	if (d->anchors) {
		anchors_print(d->anchors, out);
	}
	if (anchors_has_autr(d->anchors)) {
		fprintf(out, "\n[RFC 5011 anchors]\n");
		(void)anchors_autr_print(d->anchors, out, now);
	}

	fprintf(out, "\n[key cache]\n");
	if (d->key_cache) {
		(void)key_cache_walk(d->key_cache, diag_key_one, &keys);
	}
	diag_list_print(&keys, out);

	fprintf(out, "\n[rrset cache]\n");
	if (d->rrset_cache) {
		(void)rrset_cache_walk(d->rrset_cache, diag_rrset_one, &rr);
	}
	if (diag_chain(&rr, &keys) != 0) {
		r = RES_ENOMEM;
	}
	diag_list_print(&rr, out);

	fprintf(out, "\n[infra cache]\n");
	if (d->infra_cache) {
		(void)infra_cache_walk(d->infra_cache, diag_infra_one, &infra);
	}
	if (infra.n > 1) {
		qsort(infra.v, infra.n, sizeof(*infra.v), diag_cmp_text);
	}
	{
		size_t i;

		for (i = 0; i < infra.n; i++) {
			fputs(infra.v[i].text, out);
		}
		if (infra.nomem) {
			fprintf(out, "; out of memory: this section is "
			    "incomplete\n");
		}
	}

	fprintf(out, "\n[recent bogus] (%llu in total)\n",
	    (unsigned long long)diag_ring_total(d->bogus_ring));
	diag_ring_print(d->bogus_ring, out);

	if (keys.nomem || rr.nomem || infra.nomem) {
		r = RES_ENOMEM;
	}
	diag_list_free(&keys);
	diag_list_free(&rr);
	diag_list_free(&infra);
	return r;
}
