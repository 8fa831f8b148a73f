/*
 * cache/dump.c - write the caches as text and read them back.  The format
 * is described in dump.h.
 *
 * Writing formats one entry at a time into a buffer owned by the dump and
 * hands it to the caller's writer, so memory stays bounded whatever the
 * cache size.  Reading collects parsed RRsets and messages in lists and
 * touches the caches only in dump_load_store(), after the whole text was
 * accepted.
 */
#include "config.h"
#include "cache/dump.h"
#include "cache/dns.h"
#include "cache/msgcache.h"
#include "cache/rrset.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/rdata.h"
#include "util/rrtype.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Room for one presentation line: the largest RDATA in generic hex
 * form is twice its size, plus owner, TTL, class and type. */
#define DUMP_LINE_MAX (2 * RDATA_MAXLEN + 2048)

/** Words for enum rrset_trust, by value. */
static const char *const dump_trust_words[] = {
	"none", "additional", "glue", "authority_nonauth", "answer_nonauth",
	"authority_auth", "answer_auth", "validated"
};

/** Words for enum rrset_sec, by value. */
static const char *const dump_sec_words[] = {
	"unchecked", "secure", "insecure", "bogus", "indeterminate"
};

/** Number of elements of a static array. */
#define DUMP_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/** State of one dump in progress. */
struct dump_writer {
	/** The caller's writer. */
	dump_write_fn fn;
	/** Passed to fn with each piece of text. */
	void *arg;
	/** Current time. */
	time_t now;
	/** Line buffer, DUMP_LINE_MAX bytes. */
	char *buf;
};

/** Word of a value in a table, "?" when out of range. */
static const char *
dump_word(const char *const *tab, size_t n, unsigned v)
{
	return v < n ? tab[v] : "?";
}

/** Index of a word in a table; -1 when absent. */
static int
dump_word_find(const char *const *tab, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(tab[i], w) == 0) {
			return (int)i;
		}
	}
	return -1;
}

/** Write the RRset header and its RR lines. */
static int
dump_rrset(const struct rrset_entry *e, void *arg)
{
	struct dump_writer *w = arg;
	const struct rrset_data *d = &e->d;
	uint32_t ttl = rrset_data_ttl_left(d, w->now);
	size_t i, n = (size_t)d->count + d->rrsig_count;
	const char *r;
	char *p;
	int len;

	if (ttl == 0 || d->count == 0) {
		return 0;
	}
	len = snprintf(w->buf, DUMP_LINE_MAX, "$RRSET %s %s %d %u %u",
	    dump_word(dump_trust_words, DUMP_NELEM(dump_trust_words),
	    d->trust), dump_word(dump_sec_words, DUMP_NELEM(dump_sec_words),
	    d->security), d->ede, (unsigned)d->count,
	    (unsigned)d->rrsig_count);
	if (d->bogus_reason && *d->bogus_reason) {
		/* The reason is the rest of the line: no newlines in it. */
		p = w->buf + len;
		*p++ = ' ';
		for (r = d->bogus_reason; *r && p < w->buf + 1024; r++) {
			*p++ = (*r == '\n' || *r == '\r') ? ' ' : *r;
		}
		len = (int)(p - w->buf);
	}
	w->buf[len++] = '\n';
	if (w->fn(w->arg, w->buf, (size_t)len) != 0) {
		return 1;
	}
	for (i = 0; i < n; i++) {
		uint16_t rdlen;
		const uint8_t *rd = rrset_data_rr(d, i, &rdlen);

		len = rr_to_str(e->key.owner, i < d->count ? e->key.type :
		    RR_TYPE_RRSIG, e->key.rclass, ttl, rd, rdlen, w->buf,
		    DUMP_LINE_MAX - 1);
		if (len < 0) {
			/* Cannot happen for checked data; keep the count
			 * right with a line the loader refuses loudly. */
			len = snprintf(w->buf, DUMP_LINE_MAX,
			    "; unprintable RR");
		}
		w->buf[len++] = '\n';
		if (w->fn(w->arg, w->buf, (size_t)len) != 0) {
			return 1;
		}
	}
	return 0;
}

/** Write "<name> <class> <type>" to buf; the length or -1. */
static int
dump_name_class_type(char *buf, size_t sz, const uint8_t *name,
    uint16_t cls, uint16_t type)
{
	char n[DNAME_MAXSTR], c[32], t[32];

	if (dname_to_str(name, n, sizeof(n)) < 0 ||
	    rrclass_to_str(cls, c, sizeof(c)) < 0 ||
	    rrtype_to_str(type, t, sizeof(t)) < 0) {
		return -1;
	}
	return snprintf(buf, sz, "%s %s %s", n, c, t);
}

/** Write a message and its references. */
static int
dump_msg(const struct msg_entry *e, void *arg)
{
	struct dump_writer *w = arg;
	const struct msg_data *d = &e->d;
	size_t i, n = (size_t)d->an + d->ns + d->ar;
	int len, k;

	if (d->expiry <= w->now) {
		return 0;
	}
	len = snprintf(w->buf, DUMP_LINE_MAX, "$MSG ");
	k = dump_name_class_type(w->buf + len, DUMP_LINE_MAX - len,
	    e->key.qname, e->key.qclass, e->key.qtype);
	if (k < 0) {
		return 0;
	}
	len += k;
	len += snprintf(w->buf + len, DUMP_LINE_MAX - len,
	    " %u %u %u %u %s %u %u %u\n", (unsigned)e->key.qflags,
	    (unsigned)d->rcode, (unsigned)d->flags,
	    (unsigned)(d->expiry - w->now),
	    dump_word(dump_sec_words, DUMP_NELEM(dump_sec_words),
	    d->security), (unsigned)d->an, (unsigned)d->ns, (unsigned)d->ar);
	if (w->fn(w->arg, w->buf, (size_t)len) != 0) {
		return 1;
	}
	for (i = 0; i < n; i++) {
		len = snprintf(w->buf, DUMP_LINE_MAX, "$REF ");
		k = dump_name_class_type(w->buf + len, DUMP_LINE_MAX - len,
		    d->refs[i].owner, d->refs[i].rclass, d->refs[i].type);
		if (k < 0) {
			k = snprintf(w->buf + len, DUMP_LINE_MAX - len, "?");
		}
		len += k;
		w->buf[len++] = '\n';
		if (w->fn(w->arg, w->buf, (size_t)len) != 0) {
			return 1;
		}
	}
	return 0;
}

int
dump_cache_write(struct rrset_cache *rc, struct msg_cache *mc, time_t now,
    dump_write_fn fn, void *arg)
{
	struct dump_writer w;
	int len, ret = RES_OK;

	if (!fn) {
		return RES_EINVAL;
	}
	w.fn = fn;
	w.arg = arg;
	w.now = now;
	w.buf = malloc(DUMP_LINE_MAX);
	if (!w.buf) {
		return RES_ENOMEM;
	}
	len = snprintf(w.buf, DUMP_LINE_MAX,
	    "; resolute cache dump 1\n$TIME %lld\n", (long long)now);
	if (fn(arg, w.buf, (size_t)len) != 0 ||
	    (rc && rrset_cache_walk(rc, dump_rrset, &w) != 0) ||
	    (mc && msg_cache_walk(mc, dump_msg, &w) != 0) ||
	    fn(arg, "$END\n", 5) != 0) {
		ret = RES_ESYSTEM;
	}
	free(w.buf);
	return ret;
}

/** One RRset read from a dump. */
struct dump_rrset {
	/** Next in the list. */
	struct dump_rrset *next;
	/** Owner, wire form, in a buffer of DNAME_MAXLEN. */
	uint8_t owner[DNAME_MAXLEN];
	/** Type and class (from the first RR). */
	uint16_t type, rclass;
	/** TTL left at the dump. */
	uint32_t ttl;
	/** Trust, security and EDE. */
	int trust, security, ede;
	/** Bogus reason or NULL; owned. */
	char *reason;
	/** RRs and RRSIGs announced. */
	size_t nrr, nsig;
	/** RRs read so far. */
	size_t have;
	/** The RRs then the RRSIGs; data owned (malloced each). */
	struct rrset_rr *rrs;
};

/** One reference of a message read from a dump. */
struct dump_ref {
	/** Owner, wire form. */
	uint8_t owner[DNAME_MAXLEN];
	/** Type and class. */
	uint16_t type, rclass;
};

/** One message read from a dump. */
struct dump_msg {
	/** Next in the list. */
	struct dump_msg *next;
	/** Query name. */
	uint8_t qname[DNAME_MAXLEN];
	/** Question and key flags. */
	uint16_t qtype, qclass;
	/** MSG_QFLAG_*. */
	uint8_t qflags;
	/** Reply code and flags. */
	uint16_t rcode, flags;
	/** TTL left at the dump. */
	uint32_t ttl;
	/** Security (enum rrset_sec). */
	int security;
	/** Section counts. */
	size_t an, ns, ar;
	/** References read so far. */
	size_t have;
	/** an + ns + ar references; owned. */
	struct dump_ref *refs;
};

/** A dump being read. */
struct dump_load {
	/** RRsets read, newest first. */
	struct dump_rrset *rrsets;
	/** Messages read, newest first. */
	struct dump_msg *msgs;
	/** Time of the dump ($TIME), -1 until seen. */
	long long dump_time;
	/** Lines seen. */
	int lineno;
	/** $END seen. */
	int ended;
	/** First error text, or NULL; static or in errbuf. */
	const char *err;
	/** Line of the first error. */
	int errline;
	/** Room for an error text. */
	char errbuf[128];
	/** Scratch RR for parsing; owned. */
	struct rr_text *rr;
};

struct dump_load *
dump_load_create(void)
{
	struct dump_load *l = calloc(1, sizeof(*l));

	if (!l) {
		return NULL;
	}
	l->rr = malloc(sizeof(*l->rr));
	if (!l->rr) {
		free(l);
		return NULL;
	}
	l->dump_time = -1;
	return l;
}

/** Free one parsed RRset. */
static void
dump_rrset_free(struct dump_rrset *s)
{
	size_t i;

	if (!s) {
		return;
	}
	for (i = 0; s->rrs && i < s->have; i++) {
		free((void *)s->rrs[i].data);
	}
	free(s->rrs);
	free(s->reason);
	free(s);
}

void
dump_load_delete(struct dump_load *l)
{
	struct dump_rrset *s, *sn;
	struct dump_msg *m, *mn;

	if (!l) {
		return;
	}
	for (s = l->rrsets; s; s = sn) {
		sn = s->next;
		dump_rrset_free(s);
	}
	for (m = l->msgs; m; m = mn) {
		mn = m->next;
		free(m->refs);
		free(m);
	}
	free(l->rr);
	free(l);
}

/** Record the first error; returns the code. */
static int
dump_fail(struct dump_load *l, int code, const char *text)
{
	if (!l->err) {
		snprintf(l->errbuf, sizeof(l->errbuf), "%s", text);
		l->err = l->errbuf;
		l->errline = l->lineno;
	}
	return code;
}

/** The entry being read still wants lines. */
static int
dump_open_entry(const struct dump_load *l)
{
	return (l->rrsets && l->rrsets->have < l->rrsets->nrr +
	    l->rrsets->nsig) || (l->msgs && l->msgs->have < l->msgs->an +
	    l->msgs->ns + l->msgs->ar);
}

/** Parse an unsigned decimal field in [0, max]. */
static int
dump_num(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9') {
		return -1;
	}
	*v = strtoul(s, &end, 10);
	return (*end != 0 || *v > max) ? -1 : 0;
}

/** Parse "name class type" from three tokens. */
static int
dump_nct(const char *n, const char *c, const char *t, uint8_t *name,
    uint16_t *cls, uint16_t *type)
{
	size_t len;

	if (!n || !c || !t || dname_from_str(n, NULL, name, &len) != RES_OK ||
	    rrclass_from_str(c, cls) != RES_OK ||
	    rrtype_from_str(t, type) != RES_OK) {
		return -1;
	}
	return 0;
}

/** Maximum tokens on a $ line. */
#define DUMP_MAX_TOK 13

/** Split a line in place into at most max white-space separated tokens;
 * returns their number.  Text after the max-th token is left unsplit. */
static int
dump_split(char *s, char **tok, int max)
{
	int n = 0;

	while (*s && n < max) {
		while (*s == ' ' || *s == '\t') {
			s++;
		}
		if (!*s) {
			break;
		}
		tok[n++] = s;
		while (*s && *s != ' ' && *s != '\t') {
			s++;
		}
		if (*s) {
			*s++ = 0;
		}
	}
	return n;
}

/** A "$RRSET" line. */
static int
dump_line_rrset(struct dump_load *l, const char *line)
{
	char copy[1200], *tok[7];
	struct dump_rrset *s;
	unsigned long nrr, nsig, ede;
	int n, trust, sec, neg = 0;
	const char *reason = NULL;

	if (strlen(line) >= sizeof(copy)) {
		return dump_fail(l, RES_ESYNTAX, "$RRSET line too long");
	}
	memcpy(copy, line, strlen(line) + 1);
	n = dump_split(copy, tok, 6);
	if (n < 6) {
		return dump_fail(l, RES_ESYNTAX, "$RRSET needs trust, "
		    "security, ede and counts");
	}
	trust = dump_word_find(dump_trust_words, DUMP_NELEM(dump_trust_words),
	    tok[1]);
	sec = dump_word_find(dump_sec_words, DUMP_NELEM(dump_sec_words),
	    tok[2]);
	if (tok[3][0] == '-') {
		neg = 1;
	}
	if (trust < 0 || sec < 0 || dump_num(tok[3] + neg, 65535, &ede) != 0 ||
	    dump_num(tok[4], RRSET_MAX_RRS, &nrr) != 0 ||
	    dump_num(tok[5], RRSET_MAX_RRS, &nsig) != 0 || nrr == 0 ||
	    nrr + nsig > RRSET_MAX_RRS) {
		return dump_fail(l, RES_ESYNTAX, "bad field in $RRSET");
	}
	/* The reason is what follows the sixth token. */
	reason = line + (tok[5] - copy) + strlen(tok[5]);
	while (*reason == ' ' || *reason == '\t') {
		reason++;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->rrs = calloc(nrr + nsig, sizeof(*s->rrs))) ||
	    (*reason && !(s->reason = strdup(reason)))) {
		dump_rrset_free(s);
		return dump_fail(l, RES_ENOMEM, "out of memory");
	}
	s->trust = trust;
	s->security = sec;
	s->ede = neg ? -(int)ede : (int)ede;
	s->nrr = nrr;
	s->nsig = nsig;
	s->next = l->rrsets;
	l->rrsets = s;
	return RES_OK;
}

/** An RR line of the current RRset. */
static int
dump_line_rr(struct dump_load *l, const char *line)
{
	struct dump_rrset *s = l->rrsets;
	struct rr_text *rr = l->rr;
	uint8_t *data;

	if (rr_from_str(line, NULL, 0, rr) != RES_OK) {
		return dump_fail(l, RES_ESYNTAX, "RR does not parse");
	}
	if (s->have == 0) {
		memcpy(s->owner, rr->owner, rr->owner_len);
		s->type = rr->type;
		s->rclass = rr->rrclass;
		s->ttl = rr->ttl;
		if (s->type == RR_TYPE_RRSIG && s->nsig > 0) {
			return dump_fail(l, RES_ESYNTAX, "RRSIG set with "
			    "RRSIGs");
		}
	} else if (!dname_equal(s->owner, rr->owner) ||
	    s->rclass != rr->rrclass ||
	    rr->type != (s->have < s->nrr ? s->type : RR_TYPE_RRSIG)) {
		return dump_fail(l, RES_ESYNTAX, "RR does not belong to the "
		    "RRset");
	}
	if (rr->ttl < s->ttl) {
		s->ttl = rr->ttl;
	}
	data = malloc(rr->rdlen ? rr->rdlen : 1);
	if (!data) {
		return dump_fail(l, RES_ENOMEM, "out of memory");
	}
	memcpy(data, rr->rdata, rr->rdlen);
	s->rrs[s->have].data = data;
	s->rrs[s->have].len = (uint16_t)rr->rdlen;
	s->have++;
	return RES_OK;
}

/** A "$MSG" line. */
static int
dump_line_msg(struct dump_load *l, const char *line)
{
	char copy[1200], *tok[DUMP_MAX_TOK];
	unsigned long qf, rcode, flags, ttl, an, ns, ar;
	struct dump_msg *m;
	int sec;

	if (strlen(line) >= sizeof(copy)) {
		return dump_fail(l, RES_ESYNTAX, "$MSG line too long");
	}
	memcpy(copy, line, strlen(line) + 1);
	if (dump_split(copy, tok, DUMP_MAX_TOK) != 12) {
		return dump_fail(l, RES_ESYNTAX, "$MSG needs 11 fields");
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		return dump_fail(l, RES_ENOMEM, "out of memory");
	}
	sec = dump_word_find(dump_sec_words, DUMP_NELEM(dump_sec_words),
	    tok[8]);
	if (dump_nct(tok[1], tok[2], tok[3], m->qname, &m->qclass,
	    &m->qtype) != 0 || dump_num(tok[4], 255, &qf) != 0 ||
	    dump_num(tok[5], 4095, &rcode) != 0 ||
	    dump_num(tok[6], 65535, &flags) != 0 ||
	    dump_num(tok[7], 0xffffffffUL, &ttl) != 0 || sec < 0 ||
	    dump_num(tok[9], MSG_CACHE_MAX_RRSETS, &an) != 0 ||
	    dump_num(tok[10], MSG_CACHE_MAX_RRSETS, &ns) != 0 ||
	    dump_num(tok[11], MSG_CACHE_MAX_RRSETS, &ar) != 0 ||
	    an + ns + ar > MSG_CACHE_MAX_RRSETS) {
		free(m);
		return dump_fail(l, RES_ESYNTAX, "bad field in $MSG");
	}
	m->refs = calloc(an + ns + ar + 1, sizeof(*m->refs));
	if (!m->refs) {
		free(m);
		return dump_fail(l, RES_ENOMEM, "out of memory");
	}
	m->qflags = (uint8_t)qf;
	m->rcode = (uint16_t)rcode;
	m->flags = (uint16_t)flags;
	m->ttl = (uint32_t)ttl;
	m->security = sec;
	m->an = an;
	m->ns = ns;
	m->ar = ar;
	m->next = l->msgs;
	l->msgs = m;
	return RES_OK;
}

/** A "$REF" line of the current message. */
static int
dump_line_ref(struct dump_load *l, const char *line)
{
	struct dump_msg *m = l->msgs;
	char copy[1200], *tok[5];
	struct dump_ref *r;

	if (!m || m->have >= m->an + m->ns + m->ar) {
		return dump_fail(l, RES_ESYNTAX, "$REF outside a message");
	}
	if (strlen(line) >= sizeof(copy)) {
		return dump_fail(l, RES_ESYNTAX, "$REF line too long");
	}
	memcpy(copy, line, strlen(line) + 1);
	r = &m->refs[m->have];
	if (dump_split(copy, tok, 5) != 4 || dump_nct(tok[1], tok[2], tok[3],
	    r->owner, &r->rclass, &r->type) != 0) {
		return dump_fail(l, RES_ESYNTAX, "bad $REF");
	}
	m->have++;
	return RES_OK;
}

int
dump_load_line(struct dump_load *l, const char *line)
{
	char buf[64];
	size_t len;
	unsigned long long t;
	char *end;

	if (!l || !line) {
		return RES_EINVAL;
	}
	if (l->err) {
		return RES_ESYNTAX;
	}
	l->lineno++;
	len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
		len--;
	}
	if (len > DUMP_LINE_MAX) {
		return dump_fail(l, RES_ESYNTAX, "line too long");
	}
	if (len == 0 || line[0] == ';') {
		return RES_OK;
	}
	if (l->ended) {
		return dump_fail(l, RES_ESYNTAX, "text after $END");
	}
	if (strchr(line, '\n') && strchr(line, '\n') < line + len) {
		return dump_fail(l, RES_ESYNTAX, "more than one line");
	}
	if (line[0] != '$') {
		/* An RR: only inside an RRset. */
		if (!l->rrsets || l->rrsets->have >= l->rrsets->nrr +
		    l->rrsets->nsig || (l->msgs && l->msgs->have <
		    l->msgs->an + l->msgs->ns + l->msgs->ar)) {
			return dump_fail(l, RES_ESYNTAX, "RR outside an "
			    "$RRSET");
		}
		{
			char *copy = malloc(len + 1);
			int r;

			if (!copy) {
				return dump_fail(l, RES_ENOMEM,
				    "out of memory");
			}
			memcpy(copy, line, len);
			copy[len] = 0;
			r = dump_line_rr(l, copy);
			free(copy);
			return r;
		}
	}
	if (strncmp(line, "$REF", 4) == 0 && (line[4] == ' ' ||
	    line[4] == '\t')) {
		return dump_line_ref(l, line);
	}
	if (dump_open_entry(l)) {
		return dump_fail(l, RES_ESYNTAX, "entry ends early (fewer "
		    "lines than its counts)");
	}
	if (strncmp(line, "$TIME", 5) == 0 && (line[5] == ' ' ||
	    line[5] == '\t')) {
		snprintf(buf, sizeof(buf), "%.*s", (int)(len - 6), line + 6);
		t = strtoull(buf, &end, 10);
		if (buf[0] < '0' || buf[0] > '9' || *end != 0 ||
		    l->dump_time >= 0) {
			return dump_fail(l, RES_ESYNTAX, "bad or repeated "
			    "$TIME");
		}
		l->dump_time = (long long)t;
		return RES_OK;
	}
	if (l->dump_time < 0) {
		return dump_fail(l, RES_ESYNTAX, "$TIME must come first");
	}
	if (strncmp(line, "$RRSET", 6) == 0 && (line[6] == ' ' ||
	    line[6] == '\t')) {
		return dump_line_rrset(l, line);
	}
	if (strncmp(line, "$MSG", 4) == 0 && (line[4] == ' ' ||
	    line[4] == '\t')) {
		return dump_line_msg(l, line);
	}
	if (strncmp(line, "$END", 4) == 0 && len == 4) {
		l->ended = 1;
		return RES_OK;
	}
	return dump_fail(l, RES_ESYNTAX, "unknown $ line");
}

const char *
dump_load_error(const struct dump_load *l, int *lineno)
{
	if (lineno) {
		*lineno = l && l->err ? l->errline : 0;
	}
	return l ? l->err : "no reader";
}

/** TTL left after the time passed since the dump; 0 when expired. */
static uint32_t
dump_ttl_now(uint32_t ttl, long long elapsed)
{
	if (elapsed <= 0) {
		return ttl;
	}
	return (long long)ttl > elapsed ? (uint32_t)(ttl - elapsed) : 0;
}

int
dump_load_store(struct dump_load *l, struct rrset_cache *rc,
    struct msg_cache *mc, time_t now, size_t *nrrsets, size_t *nmsgs)
{
	struct dump_rrset *s;
	struct dump_msg *m;
	struct rrset_store st;
	struct msg_store ms;
	struct rrset_ref refs[MSG_CACHE_MAX_RRSETS];
	struct dns_wire_bufs *wb = NULL;
	long long elapsed;
	size_t nr = 0, nm = 0, i;

	if (nrrsets) {
		*nrrsets = 0;
	}
	if (nmsgs) {
		*nmsgs = 0;
	}
	if (!l || !rc || !mc) {
		return RES_EINVAL;
	}
	if (l->err) {
		return RES_ESYNTAX;
	}
	l->lineno++;
	if (dump_open_entry(l) || !l->ended) {
		return dump_fail(l, RES_ESYNTAX, "the text ends early "
		    "(no $END)");
	}
	elapsed = (long long)now - l->dump_time;
	for (s = l->rrsets; s; s = s->next) {
		memset(&st, 0, sizeof(st));
		st.rrs = s->rrs;
		st.count = s->nrr;
		st.rrsigs = s->nsig ? s->rrs + s->nrr : NULL;
		st.rrsig_count = s->nsig;
		st.ttl = dump_ttl_now(s->ttl, elapsed);
		st.trust = (enum rrset_trust)s->trust;
		st.security = (enum rrset_sec)s->security;
		st.ede = s->ede;
		st.bogus_reason = s->reason;
		if (st.ttl == 0) {
			continue;
		}
		if (rrset_cache_store(rc, s->owner, s->type, s->rclass, &st,
		    now, NULL) == RES_OK) {
			nr++;
		}
	}
	/* Messages refer to the RRset versions now in the cache. */
	for (m = l->msgs; m; m = m->next) {
		size_t n = m->an + m->ns + m->ar;
		struct rrset_entry *e;

		for (i = 0; i < n; i++) {
			e = rrset_cache_lookup(rc, m->refs[i].owner,
			    m->refs[i].type, m->refs[i].rclass, now, NULL);
			if (!e) {
				break;
			}
			refs[i].owner = m->refs[i].owner;
			refs[i].type = m->refs[i].type;
			refs[i].rclass = m->refs[i].rclass;
			refs[i].id = e->d.id;
			rrset_cache_release(rc, e);
		}
		if (i < n) {
			continue;
		}
		memset(&ms, 0, sizeof(ms));
		ms.rcode = m->rcode;
		ms.flags = m->flags;
		ms.refs = refs;
		ms.an = m->an;
		ms.ns = m->ns;
		ms.ar = m->ar;
		ms.ttl = dump_ttl_now(m->ttl, elapsed);
		ms.security = (uint8_t)m->security;
		if (ms.ttl == 0) {
			continue;
		}
		if (!wb) {
			wb = malloc(sizeof(*wb));
		}
		if (wb) {
			dns_cache_wire_prepare(rc, m->qname, m->qtype,
			    m->qclass, now, &ms, wb);
		}
		if (msg_cache_store(mc, m->qname, m->qtype, m->qclass,
		    m->qflags, &ms, now) == RES_OK) {
			nm++;
		}
	}
	free(wb);
	if (nrrsets) {
		*nrrsets = nr;
	}
	if (nmsgs) {
		*nmsgs = nm;
	}
	return RES_OK;
}
