/*
 * daemon/trace.c - the chain-of-trust tracer: a traced query of the real
 * resolver, its events kept and printed level by level.  See trace.h.
 *
 * The hook (trace_event_cb) runs on the worker's thread for every event
 * of the traced query and its subqueries, and keeps a struct tr_rec per
 * event: its fields copied and the RRsets it names already rendered as
 * the detail lines the output shows (keys with tags and flags, RRSIGs
 * with their validity windows), so nothing of the query's memory is
 * needed once it ended.  trace_run_print() then groups the records by
 * zone: the zones are the start of the walk (the root), each referral of
 * the traced query and each zone the validator fetched keys of, ordered
 * so that a zone follows its ancestors.
 */
#include "config.h"
#include "daemon/trace.h"
#include "services/mesh.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/module.h"
#include "util/netevent.h"
#include "util/rdata.h"
#include "util/reply.h"
#include "util/rrtype.h"
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/** Most events kept: a trace that makes more is cut (and says so). */
#define TR_MAX_RECS 4096
/** Most zones printed. */
#define TR_MAX_ZONES 64

/** One event, kept. */
struct tr_rec {
	/** Next, in the order they happened. */
	struct tr_rec *next;
	/** What happened. */
	enum trace_kind kind;
	/** Depth of the query state it happened in (0: the traced one). */
	int depth;
	/** The event's zone, wire form; empty (0 octets) when none. */
	uint8_t zone[DNAME_MAXLEN];
	/** 1 when zone is set. */
	int has_zone;
	/** The event's name, wire form. */
	uint8_t name[DNAME_MAXLEN];
	/** 1 when name is set. */
	int has_name;
	/** A type. */
	uint16_t type;
	/** A server. */
	struct sockaddr_storage addr;
	/** Its length; 0 when none. */
	socklen_t addrlen;
	/** Status, EDE, rcode, number, count, as in struct trace_event. */
	int status, ede, rcode, num;
	/** The count. */
	size_t count;
	/** RRSIG key tag and algorithm (TRACE_SIG). */
	uint16_t tag;
	/** Algorithm. */
	uint8_t alg;
	/** The event's text (malloced), or NULL. */
	char *text;
	/** Rendered detail lines, each "\t...\n" (malloced), or NULL. */
	char *lines;
};

struct trace_run {
	/** Protects everything below but the constant question. */
	pthread_mutex_t lock;
	/** Signalled when the query ends. */
	pthread_cond_t cond;
	/** References: the asker's and, while it runs, the mesh's. */
	int refs;
	/** 1 once the query ended. */
	int done;
	/** 1 when the query could not be started. */
	int aborted;
	/** The outcome: rcode, EDE and its text (malloced). */
	int rcode, ede;
	/** The EDE text. */
	char *ede_text;
	/** The question. */
	uint8_t qname[DNAME_MAXLEN];
	/** Its type. */
	uint16_t qtype;
	/** The anchor covering it, wire form. */
	uint8_t anchor[DNAME_MAXLEN];
	/** 1 when there is one. */
	int have_anchor;
	/** The hook handed to the mesh (arg is this run). */
	struct query_trace hook;
	/** The events, oldest first. */
	struct tr_rec *head, *tail;
	/** How many. */
	size_t nrec;
	/** 1 when events were left out past TR_MAX_RECS. */
	int cut;
	/** The worker's clock at the last event, for RRSIG windows. */
	time_t now;
};

/** A name for printing. */
static const char *
tr_name(const uint8_t *d, char *buf, size_t sz)
{
	if (!d || dname_to_str(d, buf, sz) < 0) {
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

/** An address for printing. */
static const char *
tr_addr(const struct sockaddr_storage *a, socklen_t len, char *buf,
    size_t sz)
{
	return comm_addr_to_str(a, len, 0, buf, sz);
}

/** An RRSIG time as YYYYMMDDHHmmSS (RFC 4034 section 3.2), by serial
 * arithmetic around now (RFC 4034 section 3.1.5). */
static const char *
tr_sigtime(uint32_t t, time_t now, char *buf, size_t sz)
{
	time_t abs = now + (int32_t)(t - (uint32_t)now);
	struct tm tm;

	if (!gmtime_r(&abs, &tm) || strftime(buf, sz, "%Y%m%d%H%M%S",
	    &tm) == 0) {
		snprintf(buf, sz, "%u", (unsigned)t);
	}
	return buf;
}

/** A growing text buffer for detail lines. */
struct tr_buf {
	/** The text (malloced), or NULL. */
	char *s;
	/** Its length. */
	size_t len;
	/** Its size. */
	size_t cap;
};

/** Append a formatted line to a buffer; allocation failure loses it. */
static void
tr_buf_add(struct tr_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
tr_buf_add(struct tr_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->len + (size_t)n + 1) * 2;
		char *s = realloc(b->s, cap);

		if (!s) {
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/** The RRSIGs of an RRset as detail lines. */
static void
tr_render_sigs(struct tr_buf *b, const struct reply_rrset *s, time_t now)
{
	char tn[16], sn[DNAME_MAXSTR], t1[20], t2[20];
	size_t i;

	for (i = 0; i < s->sigcount; i++) {
		struct rdata_rrsig sig;

		if (rdata_rrsig_parse(s->rd[s->count + i],
		    s->rdlen[s->count + i], &sig) != RES_OK) {
			tr_buf_add(b, "\tRRSIG (malformed)\n");
			continue;
		}
		tr_buf_add(b, "\tRRSIG %s by %s key %u alg %u valid %s to "
		    "%s\n", tr_type(sig.covered, tn, sizeof(tn)),
		    tr_name(sig.signer, sn, sizeof(sn)), (unsigned)sig.tag,
		    (unsigned)sig.alg, tr_sigtime(sig.inception, now, t1,
		    sizeof(t1)), tr_sigtime(sig.expiration, now, t2,
		    sizeof(t2)));
	}
	if (s->sigcount == 0) {
		tr_buf_add(b, "\tno RRSIG over %s\n", tr_type(s->type, tn,
		    sizeof(tn)));
	}
}

/** DS records (or an anchor's DNSKEYs) as detail lines. */
static void
tr_render_ds(struct tr_buf *b, const struct reply_rrset *ds, int anchor)
{
	size_t i;

	for (i = 0; i < ds->count; i++) {
		const uint8_t *rd = ds->rd[i];

		if (ds->type == RR_TYPE_DNSKEY) {
			tr_buf_add(b, "\tanchor DNSKEY key %u\n",
			    (unsigned)rdata_dnskey_keytag(rd, ds->rdlen[i]));
		} else if (ds->rdlen[i] >= 4) {
			tr_buf_add(b, "\tDS key %u alg %u digest %u%s\n",
			    (unsigned)wire_get16(rd), (unsigned)rd[2],
			    (unsigned)rd[3], anchor ? " (trust anchor)" : "");
		}
	}
}

/** A DNSKEY RRset as detail lines: each key, then the RRSIGs. */
static void
tr_render_keys(struct tr_buf *b, const struct reply_rrset *keys, time_t now)
{
	size_t k;

	for (k = 0; k < keys->count; k++) {
		const uint8_t *key = keys->rd[k];
		uint16_t flags = keys->rdlen[k] >= 4 ? wire_get16(key) : 0;

		tr_buf_add(b, "\tDNSKEY key %u alg %u flags %u%s%s\n",
		    (unsigned)rdata_dnskey_keytag(key, keys->rdlen[k]),
		    keys->rdlen[k] >= 4 ? (unsigned)key[3] : 0,
		    (unsigned)flags, (flags & DNSKEY_FLAG_SEP) ? " SEP" : "",
		    (flags & DNSKEY_FLAG_REVOKE) ? " REVOKED" : "");
	}
	tr_render_sigs(b, keys, now);
}

/** The answer section of a reply as detail lines. */
static void
tr_render_answer(struct tr_buf *b, const struct reply *rep, time_t now)
{
	char on[DNAME_MAXSTR], tn[16];
	size_t i;

	for (i = 0; i < rep->an; i++) {
		const struct reply_rrset *s = rep->rrsets[i];

		tr_buf_add(b, "\t%s %s, %zu RRs\n", tr_name(s->owner, on,
		    sizeof(on)), tr_type(s->type, tn, sizeof(tn)), s->count);
		tr_render_sigs(b, s, now);
	}
	for (i = rep->an; i < rep->an + rep->ns; i++) {
		const struct reply_rrset *s = rep->rrsets[i];

		tr_buf_add(b, "\tauthority %s %s, %zu RRs\n", tr_name(s->owner,
		    on, sizeof(on)), tr_type(s->type, tn, sizeof(tn)),
		    s->count);
	}
}

/** Copy a name into a record field. */
static void
tr_copy_name(uint8_t *dst, int *has, const uint8_t *src)
{
	if (src) {
		memcpy(dst, src, dname_len(src));
		*has = 1;
	}
}

/** The hook: keep one event (on the worker's thread). */
static void
trace_event_cb(void *arg, const struct module_qstate *q,
    const struct trace_event *ev)
{
	struct trace_run *t = arg;
	struct tr_buf b = { NULL, 0, 0 };
	time_t now = q->env && q->env->now ? *q->env->now : time(NULL);
	struct tr_rec *r;

	pthread_mutex_lock(&t->lock);
	t->now = now;
	if (t->nrec >= TR_MAX_RECS) {
		t->cut = 1;
		pthread_mutex_unlock(&t->lock);
		return;
	}
	pthread_mutex_unlock(&t->lock);
	r = calloc(1, sizeof(*r));
	if (!r) {
		return;
	}
	r->kind = ev->kind;
	r->depth = q->depth;
	tr_copy_name(r->zone, &r->has_zone, ev->zone);
	tr_copy_name(r->name, &r->has_name, ev->name);
	r->type = ev->type;
	if (ev->kind == TRACE_SIG && ev->rrset) {
		/* A signature check: the RRset's owner and type. */
		tr_copy_name(r->name, &r->has_name, ev->rrset->owner);
		r->type = ev->rrset->type;
	}
	if (ev->addr && ev->addrlen <= sizeof(r->addr)) {
		memcpy(&r->addr, ev->addr, ev->addrlen);
		r->addrlen = ev->addrlen;
	}
	r->status = ev->status;
	r->ede = ev->ede;
	r->rcode = ev->rcode;
	r->num = ev->num;
	r->count = ev->count;
	r->tag = ev->tag;
	r->alg = ev->alg;
	r->text = ev->text ? strdup(ev->text) : NULL;
	switch (ev->kind) {
	case TRACE_DNSKEY:
		if (ev->rrset2) {
			tr_render_ds(&b, ev->rrset2, ev->num);
		}
		if (ev->rrset) {
			tr_render_keys(&b, ev->rrset, now);
		} else {
			tr_buf_add(&b, "\tno DNSKEY RRset\n");
		}
		break;
	case TRACE_DS:
		if (ev->rrset) {
			tr_render_sigs(&b, ev->rrset, now);
		}
		break;
	case TRACE_ANSWER:
		if (ev->rep) {
			r->count = ev->rep->an;
			tr_render_answer(&b, ev->rep, now);
		}
		break;
	default:
		break;
	}
	r->lines = b.s;
	pthread_mutex_lock(&t->lock);
	if (t->tail) {
		t->tail->next = r;
	} else {
		t->head = r;
	}
	t->tail = r;
	t->nrec++;
	pthread_mutex_unlock(&t->lock);
}

/** Free a run's memory (no references left). */
static void
trace_run_free(struct trace_run *t)
{
	while (t->head) {
		struct tr_rec *r = t->head;

		t->head = r->next;
		free(r->text);
		free(r->lines);
		free(r);
	}
	free(t->ede_text);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->cond);
	free(t);
}

struct trace_run *
trace_run_create(const uint8_t *qname, uint16_t qtype, const uint8_t *anchor)
{
	struct trace_run *t;

	if (!qname || dname_check(qname, DNAME_MAXLEN, NULL) != RES_OK) {
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	t->refs = 1;
	t->ede = -1;
	memcpy(t->qname, qname, dname_len(qname));
	dname_tolower(t->qname);
	t->qtype = qtype;
	if (anchor) {
		memcpy(t->anchor, anchor, dname_len(anchor));
		t->have_anchor = 1;
	}
	t->hook.event = trace_event_cb;
	t->hook.arg = t;
	t->now = time(NULL);
	return t;
}

/** Mark the run ended and wake the waiter; lock held by the caller. */
static void
trace_run_end_locked(struct trace_run *t)
{
	t->done = 1;
	pthread_cond_broadcast(&t->cond);
}

/** The mesh's callback: the traced query ended. */
static void
trace_run_ended(void *arg, const struct mesh_result *res)
{
	struct trace_run *t = arg;

	pthread_mutex_lock(&t->lock);
	if (res->cancelled) {
		t->aborted = 1;
		t->rcode = MSG_RCODE_SERVFAIL;
	} else {
		t->rcode = res->rcode;
		t->ede = res->ede;
		t->ede_text = res->ede_text ? strdup(res->ede_text) : NULL;
	}
	trace_run_end_locked(t);
	pthread_mutex_unlock(&t->lock);
	trace_run_release(t);
}

void
trace_run_hold(struct trace_run *t)
{
	pthread_mutex_lock(&t->lock);
	t->refs++;
	pthread_mutex_unlock(&t->lock);
}

int
trace_run_start(struct trace_run *t, struct mesh_area *mesh)
{
	struct query_info qi;
	int r;

	qi.qname = t->qname;
	qi.qname_len = dname_len(t->qname);
	qi.qtype = t->qtype;
	qi.qclass = RR_CLASS_IN;
	pthread_mutex_lock(&t->lock);
	t->refs++;
	pthread_mutex_unlock(&t->lock);
	r = mesh_new_callback(mesh, &qi, MSG_FLAG_RD, &t->hook,
	    trace_run_ended, t);
	if (r != RES_OK) {
		trace_run_abort(t);
		trace_run_release(t);
	}
	return r;
}

void
trace_run_abort(struct trace_run *t)
{
	pthread_mutex_lock(&t->lock);
	t->aborted = 1;
	trace_run_end_locked(t);
	pthread_mutex_unlock(&t->lock);
}

int
trace_run_wait(struct trace_run *t, int ms)
{
	struct timespec until;
	int done;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&t->lock);
	while (!t->done) {
		if (pthread_cond_timedwait(&t->cond, &t->lock, &until) ==
		    ETIMEDOUT) {
			break;
		}
	}
	done = t->done;
	pthread_mutex_unlock(&t->lock);
	return done;
}

int
trace_run_done(struct trace_run *t)
{
	int done;

	pthread_mutex_lock(&t->lock);
	done = t->done;
	pthread_mutex_unlock(&t->lock);
	return done;
}

void
trace_run_release(struct trace_run *t)
{
	int last;

	if (!t) {
		return;
	}
	pthread_mutex_lock(&t->lock);
	last = --t->refs == 0;
	pthread_mutex_unlock(&t->lock);
	if (last) {
		trace_run_free(t);
	}
}

/* ---------------------------------------------------------------- */
/* Printing. */

/** The zones of a trace, in the order they are printed. */
struct tr_zones {
	/** The zones (pointers into records or the root). */
	const uint8_t *z[TR_MAX_ZONES];
	/** How many. */
	int n;
};

/** Add a zone once; a zone goes after the last of its ancestors. */
static void
tr_zones_add(struct tr_zones *zs, const uint8_t *zone)
{
	int i, pos;

	for (i = 0; i < zs->n; i++) {
		if (dname_equal(zs->z[i], zone)) {
			return;
		}
	}
	if (zs->n == TR_MAX_ZONES) {
		return;
	}
	pos = zs->n;
	for (i = zs->n - 1; i >= 0; i--) {
		if (dname_is_subdomain(zone, zs->z[i])) {
			/* After this ancestor and the zones below it that
			 * came before. */
			pos = i + 1;
			while (pos < zs->n && dname_is_subdomain(zs->z[pos],
			    zs->z[i])) {
				pos++;
			}
			break;
		}
	}
	memmove(&zs->z[pos + 1], &zs->z[pos], sizeof(zs->z[0]) *
	    (size_t)(zs->n - pos));
	zs->z[pos] = zone;
	zs->n++;
}

/** 1 when a record is about zone. */
static int
tr_rec_in(const struct tr_rec *r, const uint8_t *zone)
{
	return r->has_zone && dname_equal(r->zone, zone);
}

/** The verdict line of a DNSKEY check. */
static void
tr_print_keys_verdict(struct trace_run *t, const struct tr_rec *k,
    FILE *out)
{
	const struct tr_rec *r;

	if (k->status == TRACE_SECURE) {
		/* The key that verified the DNSKEY RRset, from the
		 * validator's signature checks. */
		for (r = t->head; r; r = r->next) {
			if (r->kind == TRACE_SIG && r->num == 0 &&
			    r->type == RR_TYPE_DNSKEY && r->has_name &&
			    dname_equal(r->name, k->zone)) {
				break;
			}
		}
		if (r) {
			fprintf(out, "\tverdict: secure (DNSKEY RRset signed "
			    "by key %u, which the %s vouches for)\n",
			    (unsigned)r->tag, k->num ? "anchor" : "DS");
		} else {
			fprintf(out, "\tverdict: secure\n");
		}
	} else if (k->status == TRACE_INSECURE) {
		fprintf(out, "\tverdict: insecure (no DS with a supported "
		    "algorithm and digest, RFC 4035 section 5.2)\n");
	} else {
		fprintf(out, "\tverdict: bogus: %s (EDE %d)\n",
		    k->text ? k->text : "", k->ede);
	}
}

/** The lines of one zone. */
static void
tr_print_zone(struct trace_run *t, const uint8_t *zone, FILE *out)
{
	char zn[DNAME_MAXSTR], cn[DNAME_MAXSTR], ab[64];
	const struct tr_rec *r, *s;
	int keys = 0;

	fprintf(out, "zone %s\n", tr_name(zone, zn, sizeof(zn)));
	fprintf(out, "\tservers");
	for (r = t->head; r; r = r->next) {
		if (r->kind != TRACE_SEND || !tr_rec_in(r, zone) ||
		    r->addrlen == 0) {
			continue;
		}
		for (s = t->head; s != r; s = s->next) {
			if (s->kind == TRACE_SEND && tr_rec_in(s, zone) &&
			    s->addrlen == r->addrlen && memcmp(&s->addr,
			    &r->addr, r->addrlen) == 0) {
				break;
			}
		}
		if (s == r) {
			fprintf(out, " %s", tr_addr(&r->addr, r->addrlen, ab,
			    sizeof(ab)));
		}
	}
	fprintf(out, "\n");
	for (r = t->head; r; r = r->next) {
		if (r->kind == TRACE_DNSKEY && tr_rec_in(r, zone)) {
			if (r->lines) {
				fputs(r->lines, out);
			}
			tr_print_keys_verdict(t, r, out);
			keys = 1;
		}
	}
	if (!keys && (!t->have_anchor || !dname_is_subdomain(zone,
	    t->anchor))) {
		fprintf(out, "\tabove the trust anchor: not validated\n");
	}
	for (r = t->head; r; r = r->next) {
		if (r->kind == TRACE_REFERRAL && r->depth == 0 &&
		    tr_rec_in(r, zone) && r->has_name) {
			for (s = t->head; s != r; s = s->next) {
				if (s->kind == TRACE_REFERRAL &&
				    s->depth == 0 && tr_rec_in(s, zone) &&
				    s->has_name && dname_equal(s->name,
				    r->name)) {
					break;
				}
			}
			if (s == r) {
				fprintf(out, "\treferral to %s\n",
				    tr_name(r->name, cn, sizeof(cn)));
			}
		}
		if (r->kind != TRACE_DS || !tr_rec_in(r, zone) ||
		    !r->has_name) {
			continue;
		}
		tr_name(r->name, cn, sizeof(cn));
		if (r->lines) {
			fputs(r->lines, out);
		}
		switch (r->status) {
		case TRACE_SECURE:
			fprintf(out, "\tDS of %s signed by %s: secure\n", cn,
			    zn);
			break;
		case TRACE_INSECURE:
			fprintf(out, "\tno DS for %s; the denial is signed by "
			    "%s: insecure delegation\n", cn, zn);
			break;
		case TRACE_NOT_A_CUT:
			fprintf(out, "\t%s is not a zone cut (proven by %s)\n",
			    cn, zn);
			break;
		default:
			fprintf(out, "\tverdict: bogus: %s (EDE %d)\n",
			    r->text ? r->text : "", r->ede);
			break;
		}
	}
}

/** The answer of the traced query and the checks of its data. */
static void
tr_print_answer(struct trace_run *t, FILE *out)
{
	char zn[DNAME_MAXSTR], nn[DNAME_MAXSTR], tn[16], rc[16];
	const struct tr_rec *r, *ans = NULL;

	for (r = t->head; r; r = r->next) {
		if (r->kind == TRACE_ANSWER && r->depth == 0) {
			ans = r;
		}
	}
	if (!ans) {
		return;
	}
	(void)rcode_to_str(ans->rcode, rc, sizeof(rc));
	fprintf(out, "answer from %s: %s, %zu answer RRsets\n",
	    ans->has_zone ? tr_name(ans->zone, zn, sizeof(zn)) : "?", rc,
	    ans->count);
	if (ans->lines) {
		fputs(ans->lines, out);
	}
	for (r = t->head; r; r = r->next) {
		if (r->kind == TRACE_SIG && r->depth == 0 &&
		    r->type != RR_TYPE_DNSKEY && r->type != RR_TYPE_DS) {
			fprintf(out, "\tsignature over %s %s by %s key %u: "
			    "%s", tr_name(r->name, nn, sizeof(nn)),
			    tr_type(r->type, tn, sizeof(tn)),
			    tr_name(r->zone, zn, sizeof(zn)),
			    (unsigned)r->tag, r->num == 0 ? "verified\n" :
			    "failed");
			if (r->num != 0) {
				fprintf(out, " (EDE %d)\n", r->num);
			}
		} else if (r->kind == TRACE_DENIAL && r->depth == 0) {
			fprintf(out, "\tdenial (%s, %zu RRsets) of the %s for "
			    "%s %s: %s\n", r->num ? "NSEC3" : "NSEC",
			    r->count, r->text ? r->text : "",
			    tr_name(r->name, nn, sizeof(nn)),
			    tr_type(r->type, tn, sizeof(tn)),
			    r->status == TRACE_SECURE ? "proven" :
			    r->status == TRACE_INSECURE ? "insecure" :
			    "not proven");
		}
	}
}

int
trace_run_print(struct trace_run *t, FILE *out)
{
	char qn[DNAME_MAXSTR], tn[16], an[DNAME_MAXSTR], zn[DNAME_MAXSTR];
	const struct tr_rec *r, *verdict = NULL;
	struct tr_zones zs;
	int i, ret = RES_OK;

	pthread_mutex_lock(&t->lock);
	tr_name(t->qname, qn, sizeof(qn));
	tr_type(t->qtype, tn, sizeof(tn));
	if (t->have_anchor) {
		fprintf(out, "; trace %s %s from the trust anchor at %s\n", qn,
		    tn, tr_name(t->anchor, an, sizeof(an)));
	} else {
		fprintf(out, "; trace %s %s: no trust anchor covers it\n", qn,
		    tn);
	}
	memset(&zs, 0, sizeof(zs));
	zs.z[zs.n++] = (const uint8_t *)"";
	for (r = t->head; r; r = r->next) {
		if (r->kind == TRACE_REFERRAL && r->depth == 0 &&
		    r->has_name) {
			tr_zones_add(&zs, r->name);
		} else if (r->kind == TRACE_DNSKEY && r->has_zone) {
			tr_zones_add(&zs, r->zone);
		} else if (r->kind == TRACE_DS && r->has_name &&
		    (r->status == TRACE_SECURE || r->status ==
		    TRACE_INSECURE)) {
			tr_zones_add(&zs, r->name);
		} else if (r->kind == TRACE_VERDICT && r->depth == 0) {
			verdict = r;
		}
	}
	for (i = 0; i < zs.n; i++) {
		tr_print_zone(t, zs.z[i], out);
	}
	tr_print_answer(t, out);
	if (t->cut) {
		fprintf(out, "; more than %d events: the rest is left out\n",
		    TR_MAX_RECS);
	}
	if (!t->done) {
		fprintf(out, "result: error: no result within %d seconds\n",
		    TRACE_MAX_SECONDS);
		ret = RES_ELIMIT;
	} else if (verdict && verdict->status == TRACE_SECURE) {
		fprintf(out, "result: secure%s%s%s\n", verdict->text ? " (" :
		    "", verdict->text ? verdict->text : "", verdict->text ?
		    ")" : "");
	} else if (verdict && verdict->status == TRACE_INSECURE) {
		fprintf(out, "result: insecure (an unsigned zone cut or an "
		    "unsupported algorithm on the way to %s)\n", qn);
	} else if (verdict && verdict->status == TRACE_INDETERMINATE) {
		fprintf(out, "result: indeterminate (no trust anchor above "
		    "%s)\n", qn);
	} else if (verdict) {
		fprintf(out, "result: bogus at %s: %s (EDE %d)\n",
		    verdict->has_zone ? tr_name(verdict->zone, zn,
		    sizeof(zn)) : "?", verdict->text ? verdict->text : "",
		    verdict->ede);
	} else if (t->aborted) {
		fprintf(out, "result: error: the query was stopped\n");
		ret = RES_ENOTFOUND;
	} else if (t->rcode == MSG_RCODE_SERVFAIL) {
		fprintf(out, "result: error: %s", t->ede_text ? t->ede_text :
		    "no answer");
		if (t->ede >= 0) {
			fprintf(out, " (EDE %d)", t->ede);
		}
		fprintf(out, "\n");
		ret = RES_ENOTFOUND;
	} else {
		char rc[16];

		(void)rcode_to_str(t->rcode, rc, sizeof(rc));
		fprintf(out, "result: not validated (%s; the validator is not "
		    "in module-config)\n", rc);
	}
	pthread_mutex_unlock(&t->lock);
	return ret;
}
