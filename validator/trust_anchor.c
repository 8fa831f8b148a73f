/*
 * validator/trust_anchor.c - trust anchors and negative trust anchors
 * (see trust_anchor.h).
 *
 * Two tables of names share one small chained hash table type
 * (struct ta_tab): the anchor points, each with its DS and DNSKEY RDATA,
 * and the negative trust anchors, plain names.  Both are keyed by the
 * case-insensitive hash of the name seeded with the class, and both are
 * walked label by label upward by the lookups, one probe per label.
 * Entries are also kept in a list in insertion order, for printing and
 * freeing.
 *
 * The anchor table is written only while the set is private to its
 * builder; the negative table changes at run time under nta_lock, a
 * read-write lock, with nta_num mirroring its size in an atomic so that
 * readers skip the lock while it is empty.
 *
 * The BIND file reader is a small tokenizer (words, quoted strings,
 * braces, semicolons, three comment styles) and a parser that turns each
 * key statement into one RR text handed to anchors_add_rr(), so every
 * source of anchors ends in the same checks.
 */
#include "config.h"
#include "validator/trust_anchor.h"
#include "validator/autotrust.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include "util/rdata.h"
#include "util/rrtype.h"
#include "util/zonefile.h"
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/** The DNSKEY protocol field must be 3 (RFC 4034 section 2.1.2). */
#define TA_DNSKEY_PROTOCOL 3
/** Initial number of hash buckets (a power of two). */
#define TA_INITIAL_BUCKETS 16
/** Longest BIND token or assembled entry (a 16 kbit key fits). */
#define TA_MAX_ENTRY 65536
/** Longest "file:line" source string we build. */
#define TA_SOURCE_MAX 1100

/** The built-in root anchors: DS of KSK-2017 and KSK-2024, as IANA's
 * root-anchors.xml publishes them. */
static const char *ta_builtin_root[] = {
	". IN DS 20326 8 2 "
	"E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
	". IN DS 38696 8 2 "
	"683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16",
	NULL
};

/** An entry of a name table. */
struct ta_entry {
	/** Next entry in the hash chain. */
	struct ta_entry *hnext;
	/** Next entry in insertion order. */
	struct ta_entry *lnext;
	/** Hash of name, seeded with the class. */
	uint32_t hash;
	/** Class. */
	uint16_t dclass;
	/** The name, lowercased wire format (malloced). */
	uint8_t *name;
};

/** A chained hash table of names. */
struct ta_tab {
	/** Buckets; nbuckets is a power of two. */
	struct ta_entry **buckets;
	/** Number of buckets. */
	size_t nbuckets;
	/** Number of entries. */
	size_t count;
	/** Entries in insertion order, first and last. */
	struct ta_entry *list, *tail;
};

/** A former version of an RFC 5011 anchor's keys, kept until the set
 * goes (a reader may still hold it). */
struct ta_version {
	/** The older one. */
	struct ta_version *next;
	/** The anchor as it was. */
	struct trust_anchor ta;
};

/** An anchor point: table entry first, so a found entry is the node. */
struct ta_node {
	/** The table entry; e.name is also ta.name. */
	struct ta_entry e;
	/** The anchor handed out, as configured. */
	struct trust_anchor ta;
	/** For an RFC 5011 anchor: its current keys (a struct ta_version's
	 * ta), replaced whole and published with an atomic store; NULL for
	 * the others (ta is handed out). */
	struct trust_anchor *cur;
	/** Former versions. */
	struct ta_version *old;
	/** The RFC 5011 point, or NULL. */
	struct autr_point *autr;
};

struct anchor_set {
	/** Anchor points (struct ta_node); read-only once shared. */
	struct ta_tab anchors;
	/** Negative trust anchors (plain entries); under nta_lock. */
	struct ta_tab nta;
	/** Protects nta. */
	pthread_rwlock_t nta_lock;
	/** nta.count, read without the lock (atomic). */
	size_t nta_num;
	/** The RFC 5011 points (auto-trust-anchor-file), in config
	 * order; changed under autr_lock. */
	struct autr_point *autr;
	/** Protects the points and the publishing of their keys. */
	pthread_mutex_t autr_lock;
	/** Their hold-downs and timers. */
	struct autr_config autr_cfg;
	/** The DLV lookaside registry (dlv-anchor), or an empty name
	 * (dlv[0] 0xff) when none. */
	uint8_t dlv[DNAME_MAXLEN];
};

/** The anchor a node hands out now. */
static const struct trust_anchor *
ta_cur(const struct ta_node *n)
{
	const struct trust_anchor *c = __atomic_load_n(&n->cur,
	    __ATOMIC_ACQUIRE);

	return c ? c : &n->ta;
}

/** Hash of a name in a class. */
static uint32_t
ta_hash(const uint8_t *name, uint16_t dclass)
{
	return dname_hash(name, dclass);
}

/** Set up an empty table.  0 or RES_ENOMEM. */
static int
ta_tab_init(struct ta_tab *t)
{
	memset(t, 0, sizeof(*t));
	t->buckets = calloc(TA_INITIAL_BUCKETS, sizeof(*t->buckets));
	if (!t->buckets) {
		return RES_ENOMEM;
	}
	t->nbuckets = TA_INITIAL_BUCKETS;
	return RES_OK;
}

/** Find an entry; NULL when absent. */
static struct ta_entry *
ta_tab_find(const struct ta_tab *t, const uint8_t *name, uint16_t dclass,
    uint32_t h)
{
	struct ta_entry *e = t->buckets[h & (t->nbuckets - 1)];

	for (; e; e = e->hnext) {
		if (e->hash == h && e->dclass == dclass &&
		    dname_equal(e->name, name)) {
			return e;
		}
	}
	return NULL;
}

/** Double the buckets when the table is full; on failure chains only
 * get longer. */
static void
ta_tab_grow(struct ta_tab *t)
{
	size_t nb = t->nbuckets * 2, i;
	struct ta_entry **b = calloc(nb, sizeof(*b));
	struct ta_entry *e, *next;

	if (!b) {
		return;
	}
	for (i = 0; i < t->nbuckets; i++) {
		for (e = t->buckets[i]; e; e = next) {
			next = e->hnext;
			e->hnext = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = nb;
}

/**
 * Insert an entry the caller allocated (zeroed, of at least entry size).
 * @param t: the table.
 * @param e: the entry; its name is copied (lowercased) here.
 * @param name: a checked name not in the table yet.
 * @param dclass: its class.
 * @return 0 or RES_ENOMEM (e is then not linked; the caller frees it).
 */
static int
ta_tab_insert(struct ta_tab *t, struct ta_entry *e, const uint8_t *name,
    uint16_t dclass)
{
	size_t len = dname_len(name);

	if (!(e->name = malloc(len))) {
		return RES_ENOMEM;
	}
	memcpy(e->name, name, len);
	dname_tolower(e->name);
	e->dclass = dclass;
	e->hash = ta_hash(name, dclass);
	e->hnext = t->buckets[e->hash & (t->nbuckets - 1)];
	t->buckets[e->hash & (t->nbuckets - 1)] = e;
	if (t->tail) {
		t->tail->lnext = e;
	} else {
		t->list = e;
	}
	t->tail = e;
	if (++t->count > t->nbuckets) {
		ta_tab_grow(t);
	}
	return RES_OK;
}

/** Unlink an entry from both chains (it stays allocated). */
static void
ta_tab_unlink(struct ta_tab *t, struct ta_entry *e)
{
	struct ta_entry **pp, *prev = NULL, *p;

	for (pp = &t->buckets[e->hash & (t->nbuckets - 1)]; *pp;
	    pp = &(*pp)->hnext) {
		if (*pp == e) {
			*pp = e->hnext;
			break;
		}
	}
	for (p = t->list; p && p != e; p = p->lnext) {
		prev = p;
	}
	if (!p) {
		return;
	}
	if (prev) {
		prev->lnext = e->lnext;
	} else {
		t->list = e->lnext;
	}
	if (t->tail == e) {
		t->tail = prev;
	}
	t->count--;
}

/** Free what an anchor holds (not its name, which is the node's). */
static void
ta_anchor_free(struct trust_anchor *ta)
{
	size_t i;

	for (i = 0; i < ta->num_ds; i++) {
		free(ta->ds[i]);
		free((char *)ta->ds_source[i]);
	}
	for (i = 0; i < ta->num_dnskey; i++) {
		free(ta->dnskey[i]);
		free((char *)ta->dnskey_source[i]);
	}
	free(ta->ds);
	free(ta->ds_len);
	free(ta->ds_source);
	free(ta->dnskey);
	free(ta->dnskey_len);
	free(ta->dnskey_source);
	free(ta->broken);
}

/** Free an anchor node and what it holds. */
static void
ta_node_free(struct ta_node *n)
{
	struct ta_version *v, *next;

	ta_anchor_free(&n->ta);
	if (n->cur) {
		v = (struct ta_version *)((char *)n->cur -
		    offsetof(struct ta_version, ta));
		v->next = n->old;
		n->old = v;
	}
	for (v = n->old; v; v = next) {
		next = v->next;
		ta_anchor_free(&v->ta);
		free(v);
	}
	free(n->e.name);
	free(n);
}

struct anchor_set *
anchors_create(void)
{
	struct anchor_set *set = calloc(1, sizeof(*set));

	if (!set) {
		return NULL;
	}
	if (ta_tab_init(&set->anchors) != RES_OK) {
		free(set);
		return NULL;
	}
	if (ta_tab_init(&set->nta) != RES_OK) {
		free(set->anchors.buckets);
		free(set);
		return NULL;
	}
	if (pthread_rwlock_init(&set->nta_lock, NULL) != 0) {
		free(set->nta.buckets);
		free(set->anchors.buckets);
		free(set);
		return NULL;
	}
	if (pthread_mutex_init(&set->autr_lock, NULL) != 0) {
		pthread_rwlock_destroy(&set->nta_lock);
		free(set->nta.buckets);
		free(set->anchors.buckets);
		free(set);
		return NULL;
	}
	set->dlv[0] = 0xff;
	set->autr_cfg.add_holddown = 30 * 86400;
	set->autr_cfg.del_holddown = 30 * 86400;
	set->autr_cfg.keep_missing = 366 * 86400;
	return set;
}

void
anchors_delete(struct anchor_set *set)
{
	struct ta_entry *e, *next;

	if (!set) {
		return;
	}
	for (e = set->anchors.list; e; e = next) {
		next = e->lnext;
		ta_node_free((struct ta_node *)e);
	}
	for (e = set->nta.list; e; e = next) {
		next = e->lnext;
		free(e->name);
		free(e);
	}
	while (set->autr) {
		struct autr_point *p = set->autr;

		set->autr = p->next;
		autr_point_delete(p);
	}
	free(set->anchors.buckets);
	free(set->nta.buckets);
	pthread_rwlock_destroy(&set->nta_lock);
	pthread_mutex_destroy(&set->autr_lock);
	free(set);
}

/** Find or create the anchor node of a name and class; NULL when out
 * of memory. */
static struct ta_node *
ta_node_get(struct anchor_set *set, const uint8_t *name, uint16_t dclass)
{
	struct ta_entry *e = ta_tab_find(&set->anchors, name, dclass,
	    ta_hash(name, dclass));
	struct ta_node *n;

	if (e) {
		return (struct ta_node *)e;
	}
	if (!(n = calloc(1, sizeof(*n)))) {
		return NULL;
	}
	if (ta_tab_insert(&set->anchors, &n->e, name, dclass) != RES_OK) {
		free(n);
		return NULL;
	}
	n->ta.name = n->e.name;
	n->ta.namelen = dname_len(n->e.name);
	n->ta.dclass = dclass;
	return n;
}

/**
 * Append one RDATA to a list of an anchor (DS or DNSKEY), unless an
 * identical one is there.
 * @return 0 or RES_ENOMEM (the list is then unchanged).
 */
static int
ta_list_add(size_t *num, uint8_t ***rd, uint16_t **len, const char ***src,
    const uint8_t *rdata, size_t rdlen, const char *source)
{
	uint8_t **nrd;
	uint16_t *nlen;
	const char **nsrc;
	uint8_t *copy;
	char *scopy;
	size_t i;

	for (i = 0; i < *num; i++) {
		if ((*len)[i] == rdlen && memcmp((*rd)[i], rdata, rdlen) == 0) {
			return RES_OK;
		}
	}
	/* Grow the three arrays one at a time; a failure in between
	 * leaves larger arrays with the old count, which is harmless. */
	if (!(nrd = realloc(*rd, (*num + 1) * sizeof(*nrd)))) {
		return RES_ENOMEM;
	}
	*rd = nrd;
	if (!(nlen = realloc(*len, (*num + 1) * sizeof(*nlen)))) {
		return RES_ENOMEM;
	}
	*len = nlen;
	if (!(nsrc = realloc(*src, (*num + 1) * sizeof(*nsrc)))) {
		return RES_ENOMEM;
	}
	*src = nsrc;
	copy = malloc(rdlen ? rdlen : 1);
	scopy = strdup(source);
	if (!copy || !scopy) {
		free(copy);
		free(scopy);
		return RES_ENOMEM;
	}
	memcpy(copy, rdata, rdlen);
	(*rd)[*num] = copy;
	(*len)[*num] = (uint16_t)rdlen;
	(*src)[*num] = scopy;
	(*num)++;
	return RES_OK;
}

/** Most keys of an RFC 5011 anchor handed out. */
#define TA_AUTR_MAX 64

/**
 * Hand out the trusted keys of an RFC 5011 point as its anchor: a new
 * version, published whole with one atomic store (readers see the old
 * one or the new one); the old version stays until the set goes.  An
 * anchor left without a trusted key is broken: answers under it are
 * bogus, not insecure.  Under autr_lock, or while the set is private.
 * @return 0 or RES_ENOMEM.
 */
static int
ta_autr_publish(struct anchor_set *set, struct autr_point *p)
{
	struct ta_node *n = ta_node_get(set, p->name, p->dclass);
	const uint8_t *rd[TA_AUTR_MAX];
	uint16_t len[TA_AUTR_MAX];
	struct trust_anchor *old;
	struct ta_version *v;
	char src[TA_SOURCE_MAX];
	size_t k, i;
	int r = RES_OK;

	if (!n || !(v = calloc(1, sizeof(*v)))) {
		return RES_ENOMEM;
	}
	n->autr = p;
	v->ta.name = n->e.name;
	v->ta.namelen = dname_len(n->e.name);
	v->ta.dclass = p->dclass;
	snprintf(src, sizeof(src), "%s (RFC 5011)", p->file);
	k = autr_trusted(p, RR_TYPE_DNSKEY, rd, len, TA_AUTR_MAX);
	for (i = 0; i < k && r == RES_OK; i++) {
		r = ta_list_add(&v->ta.num_dnskey, &v->ta.dnskey,
		    &v->ta.dnskey_len, &v->ta.dnskey_source, rd[i], len[i],
		    src);
	}
	k = autr_trusted(p, RR_TYPE_DS, rd, len, TA_AUTR_MAX);
	for (i = 0; i < k && r == RES_OK; i++) {
		r = ta_list_add(&v->ta.num_ds, &v->ta.ds, &v->ta.ds_len,
		    &v->ta.ds_source, rd[i], len[i], src);
	}
	if (r == RES_OK && v->ta.num_dnskey + v->ta.num_ds == 0) {
		char why[TA_SOURCE_MAX + 128];

		snprintf(why, sizeof(why), "%s: no key of the RFC 5011 "
		    "anchor is trusted (revoked, removed or still pending)",
		    p->file);
		if (!(v->ta.broken = strdup(why))) {
			r = RES_ENOMEM;
		}
	}
	if (r != RES_OK) {
		ta_anchor_free(&v->ta);
		free(v);
		return r;
	}
	v->ta.source = v->ta.num_dnskey ? v->ta.dnskey_source[0] :
	    v->ta.num_ds ? v->ta.ds_source[0] : v->ta.broken;
	old = n->cur;
	__atomic_store_n(&n->cur, &v->ta, __ATOMIC_RELEASE);
	if (old) {
		struct ta_version *ov = (struct ta_version *)((char *)old -
		    offsetof(struct ta_version, ta));

		ov->next = n->old;
		n->old = ov;
	}
	return RES_OK;
}

/** Digest length of a DS digest type, 0 when the type is unknown to us
 * (RFC 4034 section 5.1.4 for SHA-1, RFC 4509 for SHA-256, RFC 5933 for
 * GOST, RFC 6605 for SHA-384). */
static size_t
ta_ds_digest_len(uint8_t type)
{
	switch (type) {
	case 1:
		return 20;
	case 2:
	case 3:
		return 32;
	case 4:
		return 48;
	default:
		return 0;
	}
}

/**
 * Check one parsed RR and add it to its anchor.
 * @param set: the set.
 * @param rr: the RR.
 * @param source: "file:line" for messages and the anchor.
 * @return 0, RES_ESYNTAX (logged) or RES_ENOMEM (logged).
 */
static int
ta_add_parsed(struct anchor_set *set, const struct rr_text *rr,
    const char *source)
{
	char tname[32], name[DNAME_MAXSTR], why[DNAME_MAXSTR + 256];
	struct ta_node *n;
	uint16_t flags;
	size_t want;
	int r;

	if (dname_to_str(rr->owner, name, sizeof(name)) < 0) {
		snprintf(name, sizeof(name), "?");
	}
	if (rr->type == RR_TYPE_DS) {
		/* RFC 4034 section 5.1: key tag, algorithm, digest type,
		 * digest; rr_from_str() checked the fixed part is there. */
		want = rr->rdlen >= 4 ? ta_ds_digest_len(rr->rdata[3]) : 0;
		if (rr->rdlen <= 4 || (want && rr->rdlen - 4 != want)) {
			snprintf(why, sizeof(why), "%s: DS for %s: digest of "
			    "%zu octets, digest type %u needs %zu", source,
			    name, rr->rdlen >= 4 ? rr->rdlen - 4 : 0,
			    rr->rdlen >= 4 ? rr->rdata[3] : 0, want);
			log_warn("%s; the trust anchor for %s is broken: "
			    "answers at and below it fail validation until "
			    "it is fixed", why, name);
			if (!(n = ta_node_get(set, rr->owner, rr->rrclass))) {
				log_err("%s: out of memory", source);
				return RES_ENOMEM;
			}
			if (!n->ta.broken && !(n->ta.broken = strdup(why))) {
				log_err("%s: out of memory", source);
				return RES_ENOMEM;
			}
			if (!n->ta.source) {
				n->ta.source = n->ta.broken;
			}
			return RES_OK;
		}
	} else if (rr->type == RR_TYPE_DNSKEY) {
		if (rr->rdlen <= 4) {
			log_err("%s: DNSKEY for %s without a key", source,
			    name);
			return RES_ESYNTAX;
		}
		flags = wire_get16(rr->rdata);
		if (!(flags & DNSKEY_FLAG_ZONE)) {
			log_err("%s: DNSKEY for %s lacks the Zone Key flag "
			    "(RFC 4034 section 2.1.1)", source, name);
			return RES_ESYNTAX;
		}
		if (rr->rdata[2] != TA_DNSKEY_PROTOCOL) {
			log_err("%s: DNSKEY for %s has protocol %u, not 3 "
			    "(RFC 4034 section 2.1.2)", source, name,
			    rr->rdata[2]);
			return RES_ESYNTAX;
		}
		if (flags & DNSKEY_FLAG_REVOKE) {
			log_warn("%s: DNSKEY %u for %s is revoked (RFC 5011 "
			    "section 2.1); not used as an anchor", source,
			    rdata_dnskey_keytag(rr->rdata, rr->rdlen), name);
			return RES_OK;
		}
	} else {
		if (rrtype_to_str(rr->type, tname, sizeof(tname)) < 0) {
			snprintf(tname, sizeof(tname), "TYPE%u", rr->type);
		}
		log_err("%s: a trust anchor is a DS or DNSKEY record, not %s",
		    source, tname);
		return RES_ESYNTAX;
	}
	if (!(n = ta_node_get(set, rr->owner, rr->rrclass))) {
		log_err("%s: out of memory", source);
		return RES_ENOMEM;
	}
	if (rr->type == RR_TYPE_DS) {
		r = ta_list_add(&n->ta.num_ds, &n->ta.ds, &n->ta.ds_len,
		    &n->ta.ds_source, rr->rdata, rr->rdlen, source);
	} else {
		r = ta_list_add(&n->ta.num_dnskey, &n->ta.dnskey,
		    &n->ta.dnskey_len, &n->ta.dnskey_source, rr->rdata,
		    rr->rdlen, source);
	}
	if (r != RES_OK) {
		log_err("%s: out of memory", source);
		return r;
	}
	if (!n->ta.source) {
		n->ta.source = rr->type == RR_TYPE_DS ? n->ta.ds_source[0] :
		    n->ta.dnskey_source[0];
	}
	return RES_OK;
}

int
anchors_add_rr(struct anchor_set *set, const char *rr_text,
    const char *source)
{
	struct rr_text *rr;
	int r;

	if (!set || !rr_text) {
		return RES_EINVAL;
	}
	if (!source) {
		source = "(string)";
	}
	if (!(rr = malloc(sizeof(*rr)))) {
		log_err("%s: out of memory", source);
		return RES_ENOMEM;
	}
	r = rr_from_str(rr_text, NULL, 0, rr);
	if (r == RES_ENOMEM) {
		log_err("%s: out of memory", source);
	} else if (r != RES_OK) {
		log_err("%s: cannot parse trust anchor: %s", source,
		    res_strerror(r));
		r = RES_ESYNTAX;
	} else {
		r = ta_add_parsed(set, rr, source);
	}
	free(rr);
	return r;
}

/** State of reading an anchor file. */
struct ta_file_state {
	/** The set. */
	struct anchor_set *set;
	/** First error seen, 0 while none. */
	int err;
};

/** zonefile_read() callback: add an RR, remember the first error and go
 * on (so that every bad line is reported) unless memory ran out. */
static int
ta_file_cb(void *arg, const struct rr_text *rr, const char *file, int line)
{
	struct ta_file_state *st = arg;
	char source[TA_SOURCE_MAX];
	int r;

	snprintf(source, sizeof(source), "%s:%d", file, line);
	r = ta_add_parsed(st->set, rr, source);
	if (r != RES_OK && !st->err) {
		st->err = r;
	}
	return r == RES_ENOMEM ? r : RES_OK;
}

int
anchors_add_file(struct anchor_set *set, const char *file)
{
	struct ta_file_state st;
	int r;

	if (!set || !file) {
		return RES_EINVAL;
	}
	st.set = set;
	st.err = 0;
	r = zonefile_read(file, NULL, 0, ta_file_cb, &st);
	return r != RES_OK ? r : st.err;
}

int
anchors_add_builtin(struct anchor_set *set)
{
	int i, r;

	if (!set) {
		return RES_EINVAL;
	}
	for (i = 0; ta_builtin_root[i]; i++) {
		r = anchors_add_rr(set, ta_builtin_root[i],
		    ANCHOR_SOURCE_BUILTIN);
		if (r != RES_OK) {
			return r;
		}
	}
	return RES_OK;
}

/*
 * The BIND reader.
 */

/** Token kinds of the BIND syntax. */
enum bk_tok {
	BK_EOF,		/**< end of the text */
	BK_WORD,	/**< a bare word */
	BK_STRING,	/**< a quoted string, quotes removed */
	BK_OPEN,	/**< { */
	BK_CLOSE,	/**< } */
	BK_SEMI,	/**< ; */
	BK_ERROR	/**< a lexical error, already logged */
};

/** The BIND tokenizer's state. */
struct bk_lex {
	/** The text. */
	const char *p;
	/** File name for messages. */
	const char *name;
	/** Current line. */
	int line;
	/** Line of the last token. */
	int tok_line;
	/** Text of the last word or string (NUL-terminated). */
	char tok[TA_MAX_ENTRY];
	/** Its length. */
	size_t len;
};

/** Skip white space and the three comment styles.  0, or -1 after
 * logging an unterminated comment. */
static int
bk_skip(struct bk_lex *lx)
{
	for (;;) {
		char c = *lx->p;

		if (c == '\n') {
			lx->line++;
			lx->p++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		    c == '\v') {
			lx->p++;
		} else if (c == '#' || (c == '/' && lx->p[1] == '/')) {
			while (*lx->p && *lx->p != '\n') {
				lx->p++;
			}
		} else if (c == '/' && lx->p[1] == '*') {
			int start = lx->line;

			lx->p += 2;
			while (*lx->p && !(*lx->p == '*' && lx->p[1] == '/')) {
				if (*lx->p == '\n') {
					lx->line++;
				}
				lx->p++;
			}
			if (!*lx->p) {
				log_err("%s:%d: comment not closed", lx->name,
				    start);
				return -1;
			}
			lx->p += 2;
		} else {
			return 0;
		}
	}
}

/** Read the next token. */
static enum bk_tok
bk_next(struct bk_lex *lx)
{
	char c;

	if (bk_skip(lx) != 0) {
		return BK_ERROR;
	}
	lx->tok_line = lx->line;
	lx->len = 0;
	lx->tok[0] = 0;
	c = *lx->p;
	switch (c) {
	case 0:
		return BK_EOF;
	case '{':
		lx->p++;
		return BK_OPEN;
	case '}':
		lx->p++;
		return BK_CLOSE;
	case ';':
		lx->p++;
		return BK_SEMI;
	case '"':
		lx->p++;
		while (*lx->p && *lx->p != '"') {
			if (*lx->p == '\\' && lx->p[1]) {
				lx->p++;
			}
			if (*lx->p == '\n') {
				lx->line++;
			}
			if (lx->len + 1 >= sizeof(lx->tok)) {
				log_err("%s:%d: string too long", lx->name,
				    lx->tok_line);
				return BK_ERROR;
			}
			lx->tok[lx->len++] = *lx->p++;
		}
		if (!*lx->p) {
			log_err("%s:%d: string not closed", lx->name,
			    lx->tok_line);
			return BK_ERROR;
		}
		lx->p++;
		lx->tok[lx->len] = 0;
		return BK_STRING;
	default:
		while ((c = *lx->p) && !strchr(" \t\r\n\f\v{};\"", c)) {
			if (lx->len + 1 >= sizeof(lx->tok)) {
				log_err("%s:%d: word too long", lx->name,
				    lx->tok_line);
				return BK_ERROR;
			}
			lx->tok[lx->len++] = c;
			lx->p++;
		}
		lx->tok[lx->len] = 0;
		return BK_WORD;
	}
}

/** bk_entry() result: a syntax error after which reading cannot go on
 * (positive, so never one of the negative util/error.h codes). */
#define BK_STOP 1

/** The statements of a trusted-keys-file. */
enum bk_stmt {
	BK_TRUSTED_KEYS,	/**< trusted-keys: name flags proto alg key */
	BK_KEYWORD_KEYS		/**< managed-keys, trust-anchors: name
				 * keyword fields */
};

/**
 * Append text to the entry being built.
 * @return 0 or -1 when it would not fit.
 */
static int
bk_append(char *buf, size_t *len, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 2 > size) {
		return -1;
	}
	memcpy(buf + *len, s, n);
	*len += n;
	buf[(*len)++] = ' ';
	buf[*len] = 0;
	return 0;
}

/**
 * Read one key entry, its name token already read, up to its ';', and
 * add it.
 * @param set: the set.
 * @param lx: the tokenizer, at the token after the name.
 * @param stmt: the statement kind.
 * @param entry: a TA_MAX_ENTRY buffer.
 * @return 0; RES_ESYNTAX for a bad entry (logged; the tokenizer is then
 *	after its ';' and reading may go on); BK_STOP for an error after
 *	which reading cannot go on (logged); RES_ENOMEM.
 */
static int
bk_entry(struct anchor_set *set, struct bk_lex *lx, enum bk_stmt stmt,
    char *entry)
{
	uint8_t d[DNAME_MAXLEN];
	char name[DNAME_MAXSTR], source[TA_SOURCE_MAX];
	const char *type = "DNSKEY";
	size_t len = 0;
	int line = lx->tok_line, bad = 0, nfields = 0;
	enum bk_tok t;

	snprintf(source, sizeof(source), "%s:%d", lx->name, line);
	if (dname_from_str(lx->tok, NULL, d, NULL) != RES_OK ||
	    dname_to_str(d, name, sizeof(name)) < 0) {
		log_err("%s: bad name '%.100s'", source, lx->tok);
		bad = 1;
		name[0] = 0;
	}
	if (stmt == BK_KEYWORD_KEYS) {
		t = bk_next(lx);
		if (t != BK_WORD) {
			log_err("%s: a key type (static-key, initial-key, "
			    "static-ds, initial-ds) must follow the name",
			    source);
			return BK_STOP;
		}
		if (strcmp(lx->tok, "static-key") == 0 ||
		    strcmp(lx->tok, "initial-key") == 0) {
			type = "DNSKEY";
		} else if (strcmp(lx->tok, "static-ds") == 0 ||
		    strcmp(lx->tok, "initial-ds") == 0) {
			type = "DS";
		} else {
			log_err("%s: unknown key type '%.100s'", source,
			    lx->tok);
			bad = 1;
		}
	}
	if (!bad) {
		bk_append(entry, &len, TA_MAX_ENTRY, name);
		bk_append(entry, &len, TA_MAX_ENTRY, "IN");
		bk_append(entry, &len, TA_MAX_ENTRY, type);
	}
	while ((t = bk_next(lx)) == BK_WORD || t == BK_STRING) {
		/* Fields go into RR text: characters that mean something
		 * there are not allowed. */
		if (strpbrk(lx->tok, "();\\\"") || lx->len == 0) {
			log_err("%s: unexpected characters in '%.100s'",
			    source, lx->tok);
			bad = 1;
		}
		if (!bad && bk_append(entry, &len, TA_MAX_ENTRY, lx->tok)
		    != 0) {
			log_err("%s: entry too long", source);
			bad = 1;
		}
		nfields++;
	}
	if (t == BK_ERROR) {
		return BK_STOP;
	}
	if (t != BK_SEMI) {
		log_err("%s: ';' missing after the key of %s", source,
		    name[0] ? name : "this entry");
		return BK_STOP;
	}
	if (bad) {
		return RES_ESYNTAX;
	}
	if (nfields < 4) {
		log_err("%s: %s %s needs 4 fields, has %d", source, name,
		    type, nfields);
		return RES_ESYNTAX;
	}
	return anchors_add_rr(set, entry, source);
}

/**
 * Parse a BIND-syntax text.
 * @return 0 or the first error (each logged as name:line).
 */
static int
bk_parse(struct anchor_set *set, const char *text, const char *name)
{
	struct bk_lex *lx = malloc(sizeof(*lx));
	char *entry = malloc(TA_MAX_ENTRY);
	enum bk_stmt stmt;
	enum bk_tok t;
	int err = 0, r, close_line;

	if (!lx || !entry) {
		log_err("%s: out of memory", name);
		free(lx);
		free(entry);
		return RES_ENOMEM;
	}
	lx->p = text;
	lx->name = name;
	lx->line = 1;
	while ((t = bk_next(lx)) != BK_EOF) {
		if (t == BK_ERROR) {
			err = RES_ESYNTAX;
			break;
		}
		if (t == BK_WORD && strcmp(lx->tok, "trusted-keys") == 0) {
			stmt = BK_TRUSTED_KEYS;
		} else if (t == BK_WORD && (strcmp(lx->tok, "managed-keys")
		    == 0 || strcmp(lx->tok, "trust-anchors") == 0)) {
			stmt = BK_KEYWORD_KEYS;
		} else {
			log_err("%s:%d: expected trusted-keys, managed-keys "
			    "or trust-anchors, not '%.100s'", name,
			    lx->tok_line, t == BK_WORD || t == BK_STRING ?
			    lx->tok : t == BK_OPEN ? "{" : t == BK_CLOSE ?
			    "}" : ";");
			err = RES_ESYNTAX;
			break;
		}
		if (bk_next(lx) != BK_OPEN) {
			log_err("%s:%d: '{' expected", name, lx->tok_line);
			err = RES_ESYNTAX;
			break;
		}
		while ((t = bk_next(lx)) == BK_WORD || t == BK_STRING) {
			r = bk_entry(set, lx, stmt, entry);
			if (r != RES_OK && !err) {
				err = r == BK_STOP ? RES_ESYNTAX : r;
			}
			if (r == BK_STOP || r == RES_ENOMEM) {
				t = BK_ERROR;
				break;
			}
		}
		if (t == BK_ERROR) {
			break;
		}
		if (t != BK_CLOSE) {
			log_err("%s:%d: '}' expected", name, lx->tok_line);
			err = RES_ESYNTAX;
			break;
		}
		close_line = lx->tok_line;
		if (bk_next(lx) != BK_SEMI) {
			log_err("%s:%d: ';' expected after '}'", name,
			    close_line);
			err = RES_ESYNTAX;
			break;
		}
	}
	free(entry);
	free(lx);
	return err;
}

int
anchors_add_trusted_keys_string(struct anchor_set *set, const char *text,
    const char *name)
{
	if (!set || !text) {
		return RES_EINVAL;
	}
	return bk_parse(set, text, name ? name : "(string)");
}

int
anchors_add_trusted_keys_file(struct anchor_set *set, const char *file)
{
	char *text;
	int r;

	if (!set || !file) {
		return RES_EINVAL;
	}
	if ((r = zonefile_read_text(file, SIZE_MAX, &text)) != RES_OK) {
		return r;
	}
	r = bk_parse(set, text, file);
	free(text);
	return r;
}

/** Keep the first error. */
static void
ta_first_error(int *err, int r)
{
	if (r != RES_OK && *err == RES_OK) {
		*err = r;
	}
}

/**
 * Read the files of one option.
 * @param set: the set.
 * @param cfg: the config (for config_path()).
 * @param list: the option's values.
 * @param option: its name, for messages.
 * @param bind: 1 for the BIND syntax.
 * @param err: receives the first error.
 * @return 1 when the option had a value, else 0.
 */
static int
ta_apply_files(struct anchor_set *set, const struct config *cfg,
    const struct cfg_strlist *list, const char *option, int bind, int *err)
{
	int any = 0, r;

	for (; list; list = list->next) {
		/* Under the name inside the chroot after chroot(2). */
		const char *file = config_path(cfg, list->str);

		any = 1;
		r = bind ? anchors_add_trusted_keys_file(set, file) :
		    anchors_add_file(set, file);
		if (r == RES_ESYSTEM) {
			log_err("%s:%d: %s: cannot read '%s'", list->file,
			    list->line, option, list->str);
		} else if (r == RES_ENOMEM) {
			log_err("%s:%d: %s: out of memory", list->file,
			    list->line, option);
		} else if (r != RES_OK) {
			log_err("%s:%d: %s: errors in '%s'", list->file,
			    list->line, option, list->str);
		}
		ta_first_error(err, r);
	}
	return any;
}

/** State of reading a dlv-anchor-file. */
struct ta_dlv_state {
	/** The set. */
	struct anchor_set *set;
	/** First error seen, 0 while none. */
	int err;
	/** The registry (the owner of the records). */
	uint8_t owner[DNAME_MAXLEN];
};

/** zonefile_read() callback of a dlv-anchor-file. */
static int
ta_dlv_file_cb(void *arg, const struct rr_text *rr, const char *file,
    int line)
{
	struct ta_dlv_state *st = arg;
	char source[TA_SOURCE_MAX];
	int r;

	snprintf(source, sizeof(source), "%s:%d", file, line);
	if (st->owner[0] == 0xff) {
		memcpy(st->owner, rr->owner, rr->owner_len);
		dname_tolower(st->owner);
	} else if (!dname_equal(st->owner, rr->owner)) {
		log_err("%s: a DLV anchor file holds the keys of one "
		    "registry", source);
		r = RES_ESYNTAX;
		if (!st->err) {
			st->err = r;
		}
		return RES_OK;
	}
	r = ta_add_parsed(st->set, rr, source);
	if (r != RES_OK && !st->err) {
		st->err = r;
	}
	return r == RES_ENOMEM ? r : RES_OK;
}

/**
 * dlv-anchor / dlv-anchor-file: the registry's DS or DNSKEY as an
 * anchor of its zone, and the zone kept as the lookaside registry.  One
 * registry only.
 * @param rr_text: the RR, or NULL for file.
 * @return 0 or an error (logged with source).
 */
static int
ta_apply_dlv(struct anchor_set *set, const char *rr_text, const char *file,
    const char *source)
{
	struct ta_dlv_state st;
	int r;

	memset(&st, 0, sizeof(st));
	st.set = set;
	st.owner[0] = 0xff;
	if (rr_text) {
		struct rr_text *rr = malloc(sizeof(*rr));

		if (!rr) {
			return RES_ENOMEM;
		}
		r = rr_from_str(rr_text, NULL, 0, rr);
		if (r != RES_OK) {
			log_err("%s: dlv-anchor: cannot parse '%s': %s", source,
			    rr_text, res_strerror(r));
			free(rr);
			return r == RES_ENOMEM ? r : RES_ESYNTAX;
		}
		memcpy(st.owner, rr->owner, rr->owner_len);
		dname_tolower(st.owner);
		r = ta_add_parsed(set, rr, source);
		free(rr);
	} else {
		r = zonefile_read(file, NULL, 0, ta_dlv_file_cb, &st);
		if (r == RES_OK) {
			r = st.err;
		}
		if (r == RES_ESYSTEM) {
			log_err("%s: dlv-anchor-file: cannot read '%s'", source,
			    file);
		} else if (r == RES_OK && st.owner[0] == 0xff) {
			log_err("%s: dlv-anchor-file: no DS or DNSKEY in '%s'",
			    source, file);
			r = RES_ESYNTAX;
		}
	}
	if (r != RES_OK) {
		return r;
	}
	if (set->dlv[0] != 0xff && !dname_equal(set->dlv, st.owner)) {
		log_err("%s: a second DLV registry; one is used", source);
		return RES_ESYNTAX;
	}
	memcpy(set->dlv, st.owner, dname_len(st.owner));
	return RES_OK;
}

int
anchors_chrooted(struct anchor_set *set, const char *root)
{
	struct autr_point *p;
	int ret = RES_OK;

	pthread_mutex_lock(&set->autr_lock);
	for (p = set->autr; p; p = p->next) {
		const char *inside = config_path_chrooted(root, p->file);
		char *n;

		if (inside == p->file) {
			continue;
		}
		if (!(n = strdup(inside))) {
			ret = RES_ENOMEM;
			continue;
		}
		free(p->file);
		p->file = n;
	}
	pthread_mutex_unlock(&set->autr_lock);
	return ret;
}

/**
 * Read one auto-trust-anchor-file and hand out its trusted keys.
 * @return 0 or an error (logged with the config line).
 */
static int
ta_apply_autr(struct anchor_set *set, const struct config *cfg,
    const struct cfg_strlist *s)
{
	struct autr_point *p, *q, **pp;
	struct ta_entry *e;
	char name[DNAME_MAXSTR];
	int r;

	/* The point keeps the name it was read under: the one inside the
	 * chroot once chrooted (anchors_chrooted() for a set read before). */
	r = autr_read_file(config_path(cfg, s->str), &p);
	if (r == RES_ESYSTEM) {
		log_err("%s:%d: auto-trust-anchor-file: cannot read '%s'",
		    s->file, s->line, s->str);
		return r;
	}
	if (r == RES_ENOMEM) {
		log_err("%s:%d: auto-trust-anchor-file: out of memory",
		    s->file, s->line);
		return r;
	}
	if (r != RES_OK) {
		log_err("%s:%d: auto-trust-anchor-file: errors in '%s'",
		    s->file, s->line, s->str);
		return r;
	}
	if (dname_to_str(p->name, name, sizeof(name)) < 0) {
		snprintf(name, sizeof(name), "?");
	}
	for (q = set->autr; q; q = q->next) {
		if (dname_equal(q->name, p->name) && q->dclass == p->dclass) {
			log_err("%s:%d: auto-trust-anchor-file: '%s' anchors "
			    "%s, as '%s' does already", s->file, s->line,
			    s->str, name, q->file);
			autr_point_delete(p);
			return RES_ESYNTAX;
		}
	}
	e = ta_tab_find(&set->anchors, p->name, p->dclass,
	    ta_hash(p->name, p->dclass));
	if (e) {
		log_warn("%s:%d: auto-trust-anchor-file: the RFC 5011 anchor "
		    "of %s replaces the keys configured for it elsewhere",
		    s->file, s->line, name);
	}
	for (pp = &set->autr; *pp; pp = &(*pp)->next) {
		;
	}
	*pp = p;
	r = ta_autr_publish(set, p);
	if (r != RES_OK) {
		log_err("%s:%d: auto-trust-anchor-file: out of memory",
		    s->file, s->line);
	}
	return r;
}

int
anchors_apply_config(struct anchor_set *set, const struct config *cfg)
{
	const struct cfg_strlist *s;
	char source[TA_SOURCE_MAX];
	uint8_t d[DNAME_MAXLEN];
	int any = 0, err = RES_OK, r;

	if (!set || !cfg) {
		return RES_EINVAL;
	}
	for (s = cfg->trust_anchor; s; s = s->next) {
		any = 1;
		snprintf(source, sizeof(source), "%s:%d", s->file, s->line);
		ta_first_error(&err, anchors_add_rr(set, s->str, source));
	}
	any |= ta_apply_files(set, cfg, cfg->trust_anchor_file,
	    "trust-anchor-file", 0, &err);
	any |= ta_apply_files(set, cfg, cfg->trusted_keys_file,
	    "trusted-keys-file", 1, &err);
	set->autr_cfg.add_holddown = cfg->add_holddown;
	set->autr_cfg.del_holddown = cfg->del_holddown;
	set->autr_cfg.keep_missing = cfg->keep_missing;
	set->autr_cfg.permit_small = cfg->permit_small_holddown;
	for (s = cfg->auto_trust_anchor_file; s; s = s->next) {
		any = 1;
		ta_first_error(&err, ta_apply_autr(set, cfg, s));
	}
	/* DLV (RFC 5074): the registry's anchor, not one that replaces the
	 * built-in root anchors. */
	for (s = cfg->dlv_anchor; s; s = s->next) {
		snprintf(source, sizeof(source), "%s:%d", s->file, s->line);
		ta_first_error(&err, ta_apply_dlv(set, s->str, NULL, source));
	}
	for (s = cfg->dlv_anchor_file; s; s = s->next) {
		snprintf(source, sizeof(source), "%s:%d", s->file, s->line);
		ta_first_error(&err, ta_apply_dlv(set, NULL,
		    config_path(cfg, s->str), source));
	}
	for (s = cfg->domain_insecure; s; s = s->next) {
		if (dname_from_str(s->str, NULL, d, NULL) != RES_OK) {
			log_err("%s:%d: domain-insecure: bad name '%s'",
			    s->file, s->line, s->str);
			ta_first_error(&err, RES_ESYNTAX);
			continue;
		}
		r = anchors_insecure_add(set, d);
		if (r == RES_ENOMEM) {
			log_err("%s:%d: out of memory", s->file, s->line);
		}
		if (r != RES_EEXIST) {
			ta_first_error(&err, r);
		}
	}
	if (!any) {
		ta_first_error(&err, anchors_add_builtin(set));
	} else if (err == RES_OK && set->anchors.count == 0) {
		log_warn("trust anchors are configured but none was loaded: "
		    "nothing will validate as secure");
	}
	return err;
}

const struct trust_anchor *
anchors_lookup(const struct anchor_set *set, const uint8_t *name,
    uint16_t dclass)
{
	const uint8_t *p;
	struct ta_entry *e;

	if (!set || !name || set->anchors.count == 0) {
		return NULL;
	}
	for (p = name; p; p = dname_parent(p)) {
		e = ta_tab_find(&set->anchors, p, dclass, ta_hash(p, dclass));
		if (e) {
			return ta_cur((const struct ta_node *)e);
		}
	}
	return NULL;
}

size_t
anchors_foreach(const struct anchor_set *set,
    void (*cb)(void *arg, const struct trust_anchor *ta), void *arg)
{
	const struct ta_entry *e;
	size_t n = 0;

	if (!set || !cb) {
		return 0;
	}
	for (e = set->anchors.list; e; e = e->lnext, n++) {
		cb(arg, ta_cur((const struct ta_node *)e));
	}
	return n;
}

/** Is every RDATA of list a (n of them) in list b? */
static int
ta_rdata_within(uint8_t *const *a, const uint16_t *alen, size_t na,
    uint8_t *const *b, const uint16_t *blen, size_t nb)
{
	size_t i, j;

	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++) {
			if (alen[i] == blen[j] &&
			    memcmp(a[i], b[j], alen[i]) == 0) {
				break;
			}
		}
		if (j == nb) {
			return 0;
		}
	}
	return 1;
}

int
anchors_same(const struct trust_anchor *a, const struct trust_anchor *b)
{
	return a && b && a->dclass == b->dclass &&
	    dname_equal(a->name, b->name) && !a->broken == !b->broken &&
	    ta_rdata_within(a->ds, a->ds_len, a->num_ds, b->ds, b->ds_len,
	    b->num_ds) &&
	    ta_rdata_within(b->ds, b->ds_len, b->num_ds, a->ds, a->ds_len,
	    a->num_ds) &&
	    ta_rdata_within(a->dnskey, a->dnskey_len, a->num_dnskey,
	    b->dnskey, b->dnskey_len, b->num_dnskey) &&
	    ta_rdata_within(b->dnskey, b->dnskey_len, b->num_dnskey,
	    a->dnskey, a->dnskey_len, a->num_dnskey);
}

size_t
anchors_count(const struct anchor_set *set)
{
	return set ? set->anchors.count : 0;
}

/** The lock is logically mutable in const sets (readers lock it). */
static pthread_rwlock_t *
ta_lock(const struct anchor_set *set)
{
	return (pthread_rwlock_t *)&set->nta_lock;
}

int
anchors_insecure_add(struct anchor_set *set, const uint8_t *name)
{
	struct ta_entry *e;
	int r = RES_OK;

	if (!set || !name || dname_check(name, DNAME_MAXLEN, NULL) != 0) {
		return RES_EINVAL;
	}
	pthread_rwlock_wrlock(&set->nta_lock);
	if (ta_tab_find(&set->nta, name, RR_CLASS_IN,
	    ta_hash(name, RR_CLASS_IN))) {
		r = RES_EEXIST;
	} else if (!(e = calloc(1, sizeof(*e)))) {
		r = RES_ENOMEM;
	} else if ((r = ta_tab_insert(&set->nta, e, name, RR_CLASS_IN))
	    != RES_OK) {
		free(e);
	}
	__atomic_store_n(&set->nta_num, set->nta.count, __ATOMIC_RELEASE);
	pthread_rwlock_unlock(&set->nta_lock);
	return r;
}

int
anchors_insecure_remove(struct anchor_set *set, const uint8_t *name)
{
	struct ta_entry *e;

	if (!set || !name || dname_check(name, DNAME_MAXLEN, NULL) != 0) {
		return RES_EINVAL;
	}
	pthread_rwlock_wrlock(&set->nta_lock);
	e = ta_tab_find(&set->nta, name, RR_CLASS_IN,
	    ta_hash(name, RR_CLASS_IN));
	if (e) {
		ta_tab_unlink(&set->nta, e);
		__atomic_store_n(&set->nta_num, set->nta.count,
		    __ATOMIC_RELEASE);
	}
	pthread_rwlock_unlock(&set->nta_lock);
	if (!e) {
		return RES_ENOTFOUND;
	}
	free(e->name);
	free(e);
	return RES_OK;
}

int
anchors_is_insecure(const struct anchor_set *set, const uint8_t *name)
{
	const uint8_t *p;
	uint32_t h;
	int found = 0;

	if (!set || !name ||
	    __atomic_load_n(&set->nta_num, __ATOMIC_ACQUIRE) == 0) {
		return 0;
	}
	pthread_rwlock_rdlock(ta_lock(set));
	for (p = name; p; p = dname_parent(p)) {
		h = ta_hash(p, RR_CLASS_IN);
		if (ta_tab_find(&set->nta, p, RR_CLASS_IN, h)) {
			found = 1;
			break;
		}
		/* A trust anchor closer than any negative one: its zone
		 * validates. */
		if (ta_tab_find(&set->anchors, p, RR_CLASS_IN, h)) {
			break;
		}
	}
	pthread_rwlock_unlock(ta_lock(set));
	return found;
}

size_t
anchors_insecure_foreach(const struct anchor_set *set,
    void (*cb)(void *arg, const uint8_t *name), void *arg)
{
	const struct ta_entry *e;
	size_t n = 0;

	if (!set || !cb) {
		return 0;
	}
	pthread_rwlock_rdlock(ta_lock(set));
	for (e = set->nta.list; e; e = e->lnext) {
		cb(arg, e->name);
		n++;
	}
	pthread_rwlock_unlock(ta_lock(set));
	return n;
}

/** Print one anchor RR line with its details as a comment. */
static void
ta_print_rr(FILE *out, const char *name, const char *cls, uint16_t type,
    const uint8_t *rd, uint16_t len, const char *source, char *buf,
    size_t bufsz)
{
	if (rdata_to_str(type, rd, len, buf, bufsz) < 0) {
		snprintf(buf, bufsz, "(unprintable)");
	}
	if (type == RR_TYPE_DS) {
		fprintf(out, "%s\t%s\tDS\t%s ; key tag %u, algorithm %u, "
		    "digest type %u, from %s\n", name, cls, buf,
		    (unsigned)wire_get16(rd), rd[2], rd[3], source);
	} else {
		fprintf(out, "%s\t%s\tDNSKEY\t%s ; key tag %u, flags %u, "
		    "algorithm %u, from %s\n", name, cls, buf,
		    rdata_dnskey_keytag(rd, len), (unsigned)wire_get16(rd),
		    rd[3], source);
	}
}

/** anchors_insecure_foreach() callback of anchors_print(). */
static void
ta_print_nta(void *arg, const uint8_t *name)
{
	char s[DNAME_MAXSTR];

	if (dname_to_str(name, s, sizeof(s)) < 0) {
		snprintf(s, sizeof(s), "?");
	}
	fprintf((FILE *)arg, "; domain-insecure: \"%s\"\n", s);
}

void
anchors_print(const struct anchor_set *set, FILE *out)
{
	const struct ta_entry *e;
	const struct trust_anchor *ta;
	char name[DNAME_MAXSTR], cls[32];
	/* Hex of the longest RDATA (a DS digest) plus the fixed fields;
	 * base64 of a DNSKEY is shorter. */
	size_t bufsz = (size_t)RDATA_MAXLEN * 2 + 64;
	char *buf;
	size_t i;

	if (!set || !out) {
		return;
	}
	if (!(buf = malloc(bufsz))) {
		fprintf(out, "; out of memory\n");
		return;
	}
	fprintf(out, "; trust anchors: %zu\n", set->anchors.count);
	for (e = set->anchors.list; e; e = e->lnext) {
		ta = ta_cur((const struct ta_node *)e);
		if (dname_to_str(ta->name, name, sizeof(name)) < 0) {
			snprintf(name, sizeof(name), "?");
		}
		if (rrclass_to_str(ta->dclass, cls, sizeof(cls)) < 0) {
			snprintf(cls, sizeof(cls), "CLASS%u", ta->dclass);
		}
		fprintf(out, "; anchor %s %s: %zu DS, %zu DNSKEY\n", name,
		    cls, ta->num_ds, ta->num_dnskey);
		if (ta->broken) {
			fprintf(out, "; BROKEN: %s\n", ta->broken);
		}
		for (i = 0; i < ta->num_ds; i++) {
			ta_print_rr(out, name, cls, RR_TYPE_DS, ta->ds[i],
			    ta->ds_len[i], ta->ds_source[i], buf, bufsz);
		}
		for (i = 0; i < ta->num_dnskey; i++) {
			ta_print_rr(out, name, cls, RR_TYPE_DNSKEY,
			    ta->dnskey[i], ta->dnskey_len[i],
			    ta->dnskey_source[i], buf, bufsz);
		}
	}
	free(buf);
	fprintf(out, "; negative trust anchors: %zu\n",
	    __atomic_load_n(&set->nta_num, __ATOMIC_ACQUIRE));
	anchors_insecure_foreach(set, ta_print_nta, out);
}

struct autr_point *
anchors_autr_lock(struct anchor_set *set)
{
	pthread_mutex_lock(&set->autr_lock);
	return set->autr;
}

void
anchors_autr_unlock(struct anchor_set *set)
{
	pthread_mutex_unlock(&set->autr_lock);
}

const struct autr_config *
anchors_autr_cfg(const struct anchor_set *set)
{
	return &set->autr_cfg;
}

int
anchors_autr_publish(struct anchor_set *set, struct autr_point *p)
{
	return ta_autr_publish(set, p);
}

int
anchors_has_autr(const struct anchor_set *set)
{
	return set && set->autr != NULL;
}

size_t
anchors_autr_print(struct anchor_set *set, FILE *out, time_t now)
{
	struct autr_point *p;
	size_t n = 0;

	if (!set || !out) {
		return 0;
	}
	for (p = anchors_autr_lock(set); p; p = p->next, n++) {
		autr_print_status(p, &set->autr_cfg, now, out);
	}
	anchors_autr_unlock(set);
	return n;
}

const uint8_t *
anchors_dlv(const struct anchor_set *set)
{
	return set && set->dlv[0] != 0xff ? set->dlv : NULL;
}
