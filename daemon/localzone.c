/*
 * daemon/localzone.c - local zones and local data (see localzone.h).
 *
 * One hash table of nodes keyed by lowercased owner name.  A node can be
 * a zone apex (is_zone, with its type), hold local data (a list of
 * RRsets), or be an empty non-terminal created so that names between a
 * zone apex and deeper data answer NODATA rather than NXDOMAIN
 * (RFC 8020).  Reply RDATA is prepared at load time (struct msg_rdata with
 * the offsets of compressible names), so answering only copies.
 */
#include "config.h"
#include "daemon/localzone.h"
#include "util/answer.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include "util/msg.h"
#include "util/rdata.h"
#include "util/rrtype.h"
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/** TTL of local-data-ptr records and of the default zones' records. */
#define LZ_DEFAULT_TTL 3600
/** Size of the top-level label filter in bits (a power of two). */
#define LZ_TLD_BITS 4096
/** Names inside one RDATA whose offsets we keep for compression. */
#define LZ_MAX_RDATA_NAMES 8

/** One RRset of local data. */
struct lz_rrset {
	/** Next RRset of the same name. */
	struct lz_rrset *next;
	/** RR type. */
	uint16_t type;
	/** TTL (the first RR's; RFC 2181 section 5.2 wants one per set). */
	uint32_t ttl;
	/** Number of RDATAs. */
	size_t count;
	/** The RDATAs, ready for msg_writer_rrset(); each data and names
	 * array is a separate allocation owned here. */
	struct msg_rdata *rd;
};

/** A name in the table. */
struct lz_node {
	/** Next node in the hash chain. */
	struct lz_node *hnext;
	/** Next node in insertion order (for printing and freeing). */
	struct lz_node *lnext;
	/** Hash of the name. */
	uint32_t hash;
	/** The name, lowercased wire format. */
	uint8_t *name;
	/** 1 when this name is a local-zone apex. */
	int is_zone;
	/** The zone type when is_zone. */
	enum local_zone_type type;
	/** Local data at this name; NULL for a zone apex without data or
	 * an empty non-terminal. */
	struct lz_rrset *rrsets;
	/** For a zone apex: 1 when another node lies below it, so the
	 * apex name exists even without data (RFC 8020). */
	int has_below;
};

struct local_zones {
	/** Hash buckets; a power of two in number. */
	struct lz_node **buckets;
	/** Number of buckets. */
	size_t nbuckets;
	/** Nodes in the table. */
	size_t count;
	/** All nodes in insertion order. */
	struct lz_node *list, *list_tail;
	/** The node of the root name, when there is one. */
	struct lz_node *root;
	/** Filter of the top-level labels of every node's name: a bit set
	 * for each (by a hash of the label); bits are never cleared, so a
	 * clear bit proves no node is under that top-level label. */
	uint8_t tld_bits[LZ_TLD_BITS / 8];
};

/** Type keywords, indexed by enum local_zone_type. */
static const char *lz_type_names[] = { "static", "transparent",
	"typetransparent", "redirect", "refuse", "deny", "always_nxdomain",
	"always_refuse", "always_transparent", "inform", "nodefault",
	"noview" };

int
local_zone_type_from_str(const char *s, enum local_zone_type *type)
{
	size_t i;

	for (i = 0; i < sizeof(lz_type_names) / sizeof(lz_type_names[0]);
	    i++) {
		if (strcmp(s, lz_type_names[i]) == 0) {
			*type = (enum local_zone_type)i;
			return RES_OK;
		}
	}
	return RES_ESYNTAX;
}

const char *
local_zone_type_to_str(enum local_zone_type type)
{
	if ((size_t)type < sizeof(lz_type_names) / sizeof(lz_type_names[0])) {
		return lz_type_names[type];
	}
	return "unknown";
}

struct local_zones *
local_zones_create(void)
{
	struct local_zones *lz = calloc(1, sizeof(*lz));

	if (!lz) {
		return NULL;
	}
	lz->nbuckets = 256;
	lz->buckets = calloc(lz->nbuckets, sizeof(*lz->buckets));
	if (!lz->buckets) {
		free(lz);
		return NULL;
	}
	return lz;
}

/** Free an RRset list. */
static void
lz_rrsets_free(struct lz_rrset *s)
{
	struct lz_rrset *next;
	size_t i;

	for (; s; s = next) {
		next = s->next;
		for (i = 0; i < s->count; i++) {
			free((void *)s->rd[i].data);
			free((void *)s->rd[i].names);
		}
		free(s->rd);
		free(s);
	}
}

void
local_zones_delete(struct local_zones *lz)
{
	struct lz_node *n, *next;

	if (!lz) {
		return;
	}
	for (n = lz->list; n; n = next) {
		next = n->lnext;
		lz_rrsets_free(n->rrsets);
		free(n->name);
		free(n);
	}
	free(lz->buckets);
	free(lz);
}

/** Find the node of a name (any case); NULL when absent. */
static struct lz_node *
lz_find(const struct local_zones *lz, const uint8_t *name, uint32_t h)
{
	struct lz_node *n = lz->buckets[h & (lz->nbuckets - 1)];

	for (; n; n = n->hnext) {
		if (n->hash == h && dname_equal(n->name, name)) {
			return n;
		}
	}
	return NULL;
}

/** Double the buckets when the table is full. */
static void
lz_grow(struct local_zones *lz)
{
	size_t nb = lz->nbuckets * 2, i;
	struct lz_node **b = calloc(nb, sizeof(*b));
	struct lz_node *n, *next;

	if (!b) {
		return; /* Longer chains, still correct. */
	}
	for (i = 0; i < lz->nbuckets; i++) {
		for (n = lz->buckets[i]; n; n = next) {
			next = n->hnext;
			n->hnext = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	}
	free(lz->buckets);
	lz->buckets = b;
	lz->nbuckets = nb;
}

/** The filter bit of a name's top-level label (the root's own for the
 * root). */
static unsigned
lz_tld_bit(const uint8_t *name)
{
	const uint8_t *p = name;
	uint32_t h = 2166136261u;
	unsigned i;

	while (p[0] != 0 && p[p[0] + 1] != 0) {
		p += p[0] + 1;
	}
	for (i = 0; i <= p[0]; i++) {
		uint8_t c = p[i];

		if (i > 0 && c >= 'A' && c <= 'Z') {
			c = (uint8_t)(c + 'a' - 'A');
		}
		h = (h ^ c) * 16777619u;
	}
	return (unsigned)(h ^ (h >> 16)) & (LZ_TLD_BITS - 1);
}

/** Find or create the node of a name.  NULL when out of memory. */
static struct lz_node *
lz_get(struct local_zones *lz, const uint8_t *name)
{
	uint32_t h = dname_hash(name, 0);
	struct lz_node *n = lz_find(lz, name, h);
	size_t len;

	if (n) {
		return n;
	}
	n = calloc(1, sizeof(*n));
	len = dname_len(name);
	if (!n || !(n->name = malloc(len))) {
		free(n);
		return NULL;
	}
	memcpy(n->name, name, len);
	dname_tolower(n->name);
	n->hash = h;
	if (dname_is_root(n->name)) {
		lz->root = n;
	}
	{
		unsigned b = lz_tld_bit(n->name);

		lz->tld_bits[b / 8] |= (uint8_t)(1u << (b % 8));
	}
	n->hnext = lz->buckets[h & (lz->nbuckets - 1)];
	lz->buckets[h & (lz->nbuckets - 1)] = n;
	if (lz->list_tail) {
		lz->list_tail->lnext = n;
	} else {
		lz->list = n;
	}
	lz->list_tail = n;
	if (++lz->count > lz->nbuckets) {
		lz_grow(lz);
	}
	return n;
}

/** Note on every zone apex strictly above a name that a node lies below
 * it. */
static void
lz_mark_above(struct local_zones *lz, const uint8_t *name)
{
	const uint8_t *p;
	struct lz_node *n;

	for (p = dname_parent(name); p; p = dname_parent(p)) {
		if ((n = lz_find(lz, p, dname_hash(p, 0))) && n->is_zone) {
			n->has_below = 1;
		}
	}
}

int
local_zones_add_zone(struct local_zones *lz, const char *name,
    enum local_zone_type type)
{
	uint8_t d[DNAME_MAXLEN];
	struct lz_node *n;

	if (!lz || !name || dname_from_str(name, NULL, d, NULL) != RES_OK) {
		return RES_ESYNTAX;
	}
	n = lz_get(lz, d);
	if (!n) {
		return RES_ENOMEM;
	}
	if (n->is_zone) {
		return RES_EEXIST;
	}
	n->is_zone = 1;
	n->type = type;
	lz_mark_above(lz, d);
	return RES_OK;
}

/** The closest enclosing zone of a name, or NULL. */
static struct lz_node *
lz_zone_of(const struct local_zones *lz, const uint8_t *name)
{
	const uint8_t *p;
	struct lz_node *n;
	unsigned b = lz_tld_bit(name);

	if (!(lz->tld_bits[b / 8] & (1u << (b % 8)))) {
		/* Nothing under its top-level label: only the root zone
		 * can enclose it (the usual case, one label walk). */
		return lz->root && lz->root->is_zone ? lz->root : NULL;
	}
	for (p = name; p; p = dname_parent(p)) {
		n = lz_find(lz, p, dname_hash(p, 0));
		if (n && n->is_zone) {
			return n;
		}
	}
	return NULL;
}

/** Add one parsed RR to a node's data. */
static int
lz_node_add_rr(struct lz_node *n, const struct rr_text *rr)
{
	struct lz_rrset *s;
	struct msg_rdata *rd, *nrd;
	size_t offs[LZ_MAX_RDATA_NAMES];
	int nn, compressible = 0, i;

	for (s = n->rrsets; s; s = s->next) {
		if (s->type == rr->type) {
			break;
		}
	}
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s) {
			return RES_ENOMEM;
		}
		s->type = rr->type;
		s->ttl = rr->ttl;
		s->next = n->rrsets;
		n->rrsets = s;
	} else {
		/* Same RDATA twice is one RR (RFC 2181 section 5). */
		for (i = 0; i < (int)s->count; i++) {
			if (s->rd[i].len == rr->rdlen &&
			    memcmp(s->rd[i].data, rr->rdata, rr->rdlen) == 0) {
				return RES_OK;
			}
		}
	}
	if (rr->rdlen > 65535) {
		return RES_ESYNTAX;
	}
	nrd = realloc(s->rd, (s->count + 1) * sizeof(*nrd));
	if (!nrd) {
		return RES_ENOMEM;
	}
	s->rd = nrd;
	rd = &s->rd[s->count];
	memset(rd, 0, sizeof(*rd));
	rd->data = malloc(rr->rdlen ? rr->rdlen : 1);
	if (!rd->data) {
		return RES_ENOMEM;
	}
	memcpy((void *)rd->data, rr->rdata, rr->rdlen);
	rd->len = (uint16_t)rr->rdlen;
	nn = rdata_name_offsets(rr->type, rr->rdata, rr->rdlen, offs,
	    LZ_MAX_RDATA_NAMES, &compressible);
	if (nn > 0 && compressible) {
		uint16_t *names = malloc(sizeof(uint16_t) * (size_t)nn);

		if (!names) {
			free((void *)rd->data);
			return RES_ENOMEM;
		}
		for (i = 0; i < nn; i++) {
			names[i] = (uint16_t)offs[i];
		}
		rd->names = names;
		rd->nnames = (size_t)nn;
	}
	s->count++;
	return RES_OK;
}

/** Add a parsed RR: to its node, creating a transparent zone if none
 * encloses it, and empty non-terminals up to the zone apex. */
static int
lz_add_rr(struct local_zones *lz, const struct rr_text *rr)
{
	struct lz_node *zone, *n;
	const uint8_t *p;

	zone = lz_zone_of(lz, rr->owner);
	if (!zone) {
		zone = lz_get(lz, rr->owner);
		if (!zone) {
			return RES_ENOMEM;
		}
		zone->is_zone = 1;
		zone->type = LOCAL_ZONE_TRANSPARENT;
	}
	n = lz_get(lz, rr->owner);
	if (!n) {
		return RES_ENOMEM;
	}
	for (p = dname_parent(rr->owner); p && !dname_equal(p, zone->name);
	    p = dname_parent(p)) {
		if (!lz_get(lz, p)) {
			return RES_ENOMEM;
		}
	}
	lz_mark_above(lz, rr->owner);
	return lz_node_add_rr(n, rr);
}

int
local_zones_add_data(struct local_zones *lz, const char *text)
{
	struct rr_text *rr;
	int ret;

	if (!lz || !text) {
		return RES_ESYNTAX;
	}
	rr = malloc(sizeof(*rr));
	if (!rr) {
		return RES_ENOMEM;
	}
	ret = rr_from_str(text, NULL, LZ_DEFAULT_TTL, rr);
	if (ret == RES_OK) {
		ret = rr->rrclass == RR_CLASS_IN ? lz_add_rr(lz, rr) :
		    RES_ENOTSUP;
	} else if (ret != RES_ENOMEM) {
		ret = RES_ESYNTAX;
	}
	free(rr);
	return ret;
}

/** Is a node a parent of any other node?  (A linear scan: removal is a
 * rare control command.) */
static int
lz_has_below(const struct local_zones *lz, const struct lz_node *n)
{
	const struct lz_node *m;

	for (m = lz->list; m; m = m->lnext) {
		if (m != n && dname_is_subdomain(m->name, n->name)) {
			return 1;
		}
	}
	return 0;
}

/** Take a node out of the table and free it. */
static void
lz_unlink(struct local_zones *lz, struct lz_node *n)
{
	struct lz_node **pp, *prev = NULL, *m;

	for (pp = &lz->buckets[n->hash & (lz->nbuckets - 1)]; *pp;
	    pp = &(*pp)->hnext) {
		if (*pp == n) {
			*pp = n->hnext;
			break;
		}
	}
	for (m = lz->list; m && m != n; m = m->lnext) {
		prev = m;
	}
	if (m) {
		if (prev) {
			prev->lnext = n->lnext;
		} else {
			lz->list = n->lnext;
		}
		if (lz->list_tail == n) {
			lz->list_tail = prev;
		}
	}
	lz->count--;
	if (lz->root == n) {
		lz->root = NULL;
	}
	lz_rrsets_free(n->rrsets);
	free(n->name);
	free(n);
}

int
local_zones_remove_data(struct local_zones *lz, const uint8_t *name)
{
	uint8_t d[DNAME_MAXLEN];
	const uint8_t *p;
	struct lz_node *n;

	if (!lz || !name) {
		return RES_EINVAL;
	}
	memcpy(d, name, dname_len(name));
	dname_tolower(d);
	n = lz_find(lz, d, dname_hash(d, 0));
	if (!n || !n->rrsets) {
		return RES_ENOTFOUND;
	}
	lz_rrsets_free(n->rrsets);
	n->rrsets = NULL;
	/* Drop the node, then each empty non-terminal above it that now
	 * has nothing below, up to the first zone apex or data. */
	for (p = d; n && !n->is_zone && !n->rrsets && !lz_has_below(lz, n);
	    n = p ? lz_find(lz, p, dname_hash(p, 0)) : NULL) {
		lz_unlink(lz, n);
		p = dname_parent(p);
	}
	/* The zones above may have nothing below any more. */
	for (p = dname_parent(d); p; p = dname_parent(p)) {
		if ((n = lz_find(lz, p, dname_hash(p, 0))) && n->is_zone) {
			n->has_below = lz_has_below(lz, n);
		}
	}
	return RES_OK;
}

/**
 * Turn "address name" (local-data-ptr) into "reverse-name PTR name".
 * @return 0 or RES_ESYNTAX.
 */
static int
lz_ptr_to_rr(const char *text, char *out, size_t outsz)
{
	char addr[64], name[1100];
	uint8_t a[16];
	size_t w = 0;
	int i;

	if (sscanf(text, "%63s %1099s", addr, name) != 2) {
		return RES_ESYNTAX;
	}
	if (inet_pton(AF_INET, addr, a) == 1) {
		w = (size_t)snprintf(out, outsz, "%u.%u.%u.%u.in-addr.arpa.",
		    a[3], a[2], a[1], a[0]);
	} else if (inet_pton(AF_INET6, addr, a) == 1) {
		static const char hex[] = "0123456789abcdef";

		for (i = 15; i >= 0 && w + 4 < outsz; i--) {
			out[w++] = hex[a[i] & 0xf];
			out[w++] = '.';
			out[w++] = hex[a[i] >> 4];
			out[w++] = '.';
		}
		w += (size_t)snprintf(out + w, outsz - w, "ip6.arpa.");
	} else {
		return RES_ESYNTAX;
	}
	if (w >= outsz || (size_t)snprintf(out + w, outsz - w, " %d IN PTR %s",
	    LZ_DEFAULT_TTL, name) >= outsz - w) {
		return RES_ESYNTAX;
	}
	return RES_OK;
}

/** The built-in default zones (see localzone.h for the RFCs). */
static const char *lz_default_zones[] = {
	"localhost.", "test.", "invalid.", "onion.", "home.arpa.",
	"127.in-addr.arpa.",
	"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "ip6.arpa.",
	"0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "ip6.arpa.",
	"10.in-addr.arpa.", "16.172.in-addr.arpa.", "17.172.in-addr.arpa.",
	"18.172.in-addr.arpa.", "19.172.in-addr.arpa.", "20.172.in-addr.arpa.",
	"21.172.in-addr.arpa.", "22.172.in-addr.arpa.", "23.172.in-addr.arpa.",
	"24.172.in-addr.arpa.", "25.172.in-addr.arpa.", "26.172.in-addr.arpa.",
	"27.172.in-addr.arpa.", "28.172.in-addr.arpa.", "29.172.in-addr.arpa.",
	"30.172.in-addr.arpa.", "31.172.in-addr.arpa.", "168.192.in-addr.arpa.",
	"0.in-addr.arpa.", "254.169.in-addr.arpa.", "2.0.192.in-addr.arpa.",
	"100.51.198.in-addr.arpa.", "113.0.203.in-addr.arpa.",
	"255.255.255.255.in-addr.arpa.", "d.f.ip6.arpa.", "8.e.f.ip6.arpa.",
	"9.e.f.ip6.arpa.", "a.e.f.ip6.arpa.", "b.e.f.ip6.arpa.",
	"8.b.d.0.1.0.0.2.ip6.arpa.",
	NULL
};

/** Add one default zone with its SOA and NS, and for the loopback names
 * their addresses.  Skipped when the config has a zone of that name. */
static int
lz_add_default(struct local_zones *lz, const char *zone)
{
	char rr[600];
	uint8_t d[DNAME_MAXLEN];
	struct lz_node *n;
	int ret;

	if (dname_from_str(zone, NULL, d, NULL) != RES_OK) {
		return RES_ESYNTAX;
	}
	n = lz_find(lz, d, dname_hash(d, 0));
	if (n && n->is_zone) {
		return RES_OK;
	}
	ret = local_zones_add_zone(lz, zone, LOCAL_ZONE_STATIC);
	if (ret != RES_OK) {
		return ret;
	}
	snprintf(rr, sizeof(rr), "%s 10800 IN SOA localhost. nobody.invalid. "
	    "1 3600 1200 604800 10800", zone);
	if ((ret = local_zones_add_data(lz, rr)) != RES_OK) {
		return ret;
	}
	snprintf(rr, sizeof(rr), "%s 10800 IN NS localhost.", zone);
	if ((ret = local_zones_add_data(lz, rr)) != RES_OK) {
		return ret;
	}
	if (strcmp(zone, "localhost.") == 0) {
		if ((ret = local_zones_add_data(lz,
		    "localhost. 10800 IN A 127.0.0.1")) != RES_OK ||
		    (ret = local_zones_add_data(lz,
		    "localhost. 10800 IN AAAA ::1")) != RES_OK) {
			return ret;
		}
	} else if (strcmp(zone, "127.in-addr.arpa.") == 0) {
		ret = local_zones_add_data(lz,
		    "1.0.0.127.in-addr.arpa. 10800 IN PTR localhost.");
	} else if (strncmp(zone, "1.0.0.", 6) == 0) {
		snprintf(rr, sizeof(rr), "%s 10800 IN PTR localhost.", zone);
		ret = local_zones_add_data(lz, rr);
	}
	return ret;
}

int
local_zones_apply_config(struct local_zones *lz, const struct config *cfg)
{
	const struct cfg_str2list *z;
	const struct cfg_strlist *p;
	enum local_zone_type type;
	char rr[1400];
	int ret = RES_OK, r;
	size_t i;

	for (z = cfg->local_zone; z; z = z->next) {
		if (local_zone_type_from_str(z->str2, &type) != RES_OK) {
			log_err("%s:%d: unknown local-zone type '%s'",
			    z->file, z->line, z->str2);
			ret = RES_ESYNTAX;
			continue;
		}
		r = local_zones_add_zone(lz, z->str, type);
		if (r == RES_ENOMEM) {
			log_err("out of memory");
			return r;
		} else if (r == RES_EEXIST) {
			log_err("%s:%d: local-zone '%s' given twice", z->file,
			    z->line, z->str);
			ret = RES_ESYNTAX;
		} else if (r != RES_OK) {
			log_err("%s:%d: local-zone: bad name '%s'", z->file,
			    z->line, z->str);
			ret = RES_ESYNTAX;
		}
	}
	for (p = cfg->local_data; p; p = p->next) {
		r = local_zones_add_data(lz, p->str);
		if (r == RES_ENOMEM) {
			log_err("out of memory");
			return r;
		} else if (r != RES_OK) {
			log_err("%s:%d: local-data: cannot parse '%s'%s",
			    p->file, p->line, p->str, r == RES_ENOTSUP ?
			    " (only class IN is served)" : "");
			ret = RES_ESYNTAX;
		}
	}
	for (p = cfg->local_data_ptr; p; p = p->next) {
		r = lz_ptr_to_rr(p->str, rr, sizeof(rr));
		if (r == RES_OK) {
			r = local_zones_add_data(lz, rr);
		}
		if (r == RES_ENOMEM) {
			log_err("out of memory");
			return r;
		} else if (r != RES_OK) {
			log_err("%s:%d: local-data-ptr: expected 'address "
			    "name', got '%s'", p->file, p->line, p->str);
			ret = RES_ESYNTAX;
		}
	}
	for (i = 0; lz_default_zones[i]; i++) {
		r = lz_add_default(lz, lz_default_zones[i]);
		if (r != RES_OK) {
			log_err("default local zone %s: %s",
			    lz_default_zones[i], res_strerror(r));
			return r;
		}
	}
	return ret;
}

/** The RRset of a type at a node, or NULL. */
static const struct lz_rrset *
lz_rrset(const struct lz_node *n, uint16_t type)
{
	const struct lz_rrset *s;

	for (s = n ? n->rrsets : NULL; s; s = s->next) {
		if (s->type == type) {
			return s;
		}
	}
	return NULL;
}

/** Where a local reply goes and how it is written. */
struct lz_out {
	/** The client (util/answer.h). */
	const struct answer_to *to;
	/** The server's side. */
	const struct answer_opts *ao;
	/** The reply buffer. */
	uint8_t *buf;
	/** Its capacity. */
	size_t cap;
	/** Receives the reply's length. */
	size_t *len;
};

/**
 * Write a local reply.
 * @param q: the query.
 * @param out: where and for whom.
 * @param rcode: NOERROR or NXDOMAIN (or REFUSED, with no data).
 * @param data: node whose RRsets answer (NULL for none).
 * @param type: the type to answer; RR_TYPE_ANY for all; CNAME is used
 *	when the type is absent and a CNAME exists.
 * @param zone: the zone, for its SOA on negative answers.
 */
static enum local_result
lz_reply(const struct dns_msg *q, const struct lz_out *out, int rcode,
    const struct lz_node *data, uint16_t type, const struct lz_node *zone)
{
	struct msg_writer w;
	const struct lz_rrset *s;
	int answered = 0;

	/* The server's own data: AA, except for a refusal. */
	if (answer_begin(&w, out->buf, out->cap, out->to, out->ao,
	    answer_flags(out->to, 0, rcode != MSG_RCODE_REFUSED), rcode, -1,
	    NULL) != RES_OK) {
		return LOCAL_RESULT_DROP;
	}
	for (s = data ? data->rrsets : NULL; s && rcode == MSG_RCODE_NOERROR;
	    s = s->next) {
		if (type == RR_TYPE_ANY || s->type == type) {
			msg_writer_rrset(&w, MSG_SEC_ANSWER, q->qname, s->type,
			    RR_CLASS_IN, s->ttl, s->rd, s->count, 1);
			answered = 1;
		}
	}
	if (!answered && data && rcode == MSG_RCODE_NOERROR &&
	    (s = lz_rrset(data, RR_TYPE_CNAME)) != NULL) {
		msg_writer_rrset(&w, MSG_SEC_ANSWER, q->qname, RR_TYPE_CNAME,
		    RR_CLASS_IN, s->ttl, s->rd, s->count, 1);
		answered = 1;
	}
	if (!answered && rcode != MSG_RCODE_REFUSED &&
	    (s = lz_rrset(zone, RR_TYPE_SOA)) != NULL && s->count == 1) {
		/* RFC 2308 section 3: the SOA's TTL is the lesser of its
		 * TTL and its MINIMUM field. */
		uint32_t ttl = s->ttl, min;
		const uint8_t *rd = s->rd[0].data;

		if (s->rd[0].len >= 4) {
			min = wire_get32(rd + s->rd[0].len - 4);
			if (min < ttl) {
				ttl = min;
			}
		}
		msg_writer_rrset(&w, MSG_SEC_AUTHORITY, zone->name,
		    RR_TYPE_SOA, RR_CLASS_IN, ttl, s->rd, 1, 1);
	}
	if (answer_finish(&w, out->len) != RES_OK) {
		return LOCAL_RESULT_DROP;
	}
	return LOCAL_RESULT_ANSWER;
}

enum local_result
local_zones_answer(const struct local_zones *lz, const struct dns_msg *q,
    const struct answer_to *to, const struct answer_opts *ao, uint8_t *buf,
    size_t cap, size_t *len)
{
	const struct lz_out out = { to, ao, buf, cap, len };
	const struct lz_node *zone, *data;

	if (q->qclass != RR_CLASS_IN) {
		return LOCAL_RESULT_NONE;
	}
	zone = lz_zone_of(lz, q->qname);
	if (!zone) {
		return LOCAL_RESULT_NONE;
	}
	switch (zone->type) {
	case LOCAL_ZONE_ALWAYS_TRANSPARENT:
	case LOCAL_ZONE_NODEFAULT:
	case LOCAL_ZONE_NOVIEW:
		return LOCAL_RESULT_NONE;
	case LOCAL_ZONE_ALWAYS_REFUSE:
		return lz_reply(q, &out, MSG_RCODE_REFUSED, NULL, 0, zone);
	case LOCAL_ZONE_ALWAYS_NXDOMAIN:
		return lz_reply(q, &out, MSG_RCODE_NXDOMAIN, NULL, 0, zone);
	default:
		break;
	}
	if (zone->type == LOCAL_ZONE_REDIRECT) {
		data = zone;
	} else {
		data = lz_find(lz, q->qname, dname_hash(q->qname, 0));
	}
	if (zone->type == LOCAL_ZONE_INFORM) {
		char s[DNAME_MAXSTR], t[16];

		dname_to_str(q->qname, s, sizeof(s));
		(void)rrtype_to_str(q->qtype, t, sizeof(t));
		log_info("inform: query for %s %s in local zone", s, t);
	}
	/* A name exists when it holds data, or has names below it (an
	 * empty non-terminal, or an apex with data below: NODATA, not
	 * NXDOMAIN, RFC 8020); a bare apex with nothing does not. */
	if (data && (data->rrsets || data != zone || zone->has_below)) {
		if (zone->type == LOCAL_ZONE_TYPETRANSPARENT &&
		    !lz_rrset(data, q->qtype) && q->qtype != RR_TYPE_ANY &&
		    !lz_rrset(data, RR_TYPE_CNAME)) {
			return LOCAL_RESULT_NONE;
		}
		return lz_reply(q, &out, MSG_RCODE_NOERROR, data, q->qtype,
		    zone);
	}
	switch (zone->type) {
	case LOCAL_ZONE_STATIC:
	case LOCAL_ZONE_REDIRECT:
		return lz_reply(q, &out, MSG_RCODE_NXDOMAIN, NULL, 0, zone);
	case LOCAL_ZONE_REFUSE:
		return lz_reply(q, &out, MSG_RCODE_REFUSED, NULL, 0, zone);
	case LOCAL_ZONE_DENY:
		return LOCAL_RESULT_DROP;
	default:
		return LOCAL_RESULT_NONE;
	}
}

void
local_zones_print(const struct local_zones *lz, FILE *out)
{
	const struct lz_node *n;
	char s[DNAME_MAXSTR];

	for (n = lz->list; n; n = n->lnext) {
		if (n->is_zone) {
			dname_to_str(n->name, s, sizeof(s));
			fprintf(out, "%s %s\n", s,
			    local_zone_type_to_str(n->type));
		}
	}
}
