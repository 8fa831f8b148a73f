/*
 * cache/infra.c - the infrastructure cache (see infra.h).
 *
 * Every operation builds a struct infra_lookup on the stack (pointers to
 * the caller's address and zone) and either copies the entry out or
 * changes it in place through slabhash_apply(), under the shard lock.
 */
#include "config.h"
#include "cache/infra.h"
#include "util/error.h"
#include <stdlib.h>
#include <string.h>

/** A lookup key: the caller's address and zone, not copied. */
struct infra_lookup {
	/** the server's sockaddr */
	const uint8_t *addr;
	/** octets at addr, at most INFRA_ADDR_MAX */
	size_t addrlen;
	/** the zone, wire form */
	const uint8_t *zone;
	/** seeded hash of address and zone, see infra_key_make() */
	uint32_t hash;
};

/** Key comparison: address bytes, then the zone (RFC 4343). */
static int
infra_match(const void *key, const struct slabhash_entry *he)
{
	const struct infra_lookup *k = key;
	const struct infra_entry *e = (const struct infra_entry *)he;

	return k->addrlen == e->key.addrlen &&
	    memcmp(k->addr, e->key.addr, k->addrlen) == 0 &&
	    dname_equal(k->zone, e->key.zone);
}

/** Free an entry. */
static void
infra_free(struct slabhash_entry *he, void *arg)
{
	(void)arg;
	free(he);
}

/** Table callbacks: a new entry replaces an old one. */
static const struct slabhash_type infra_type = {
	infra_match, infra_free, NULL
};

/** Fill the defaults of an unknown server. */
static void
infra_info_default(struct infra_info *i, time_t expiry)
{
	memset(i, 0, sizeof(*i));
	i->rto = INFRA_RTO_INIT;
	i->edns_version = INFRA_EDNS_UNKNOWN;
	i->expiry = expiry;
}

/** Bytes of one entry for the budget. */
static size_t
infra_entry_size(void)
{
	return slabhash_alloc_size(sizeof(struct infra_entry));
}

struct infra_cache *
infra_cache_create(size_t numhosts, uint32_t host_ttl, size_t slabs)
{
	struct infra_cache *c;

	if (host_ttl == 0 || numhosts == 0 ||
	    numhosts > (size_t)-1 / infra_entry_size()) {
		return NULL;
	}
	if (slabs == 0) {
		slabs = SLABHASH_DEFAULT_SHARDS;
	}
	if (numhosts < slabs) {
		return NULL;
	}
	if (!(c = calloc(1, sizeof(*c)))) {
		return NULL;
	}
	c->host_ttl = host_ttl;
	c->seed = slabhash_seed();
	if (!(c->table = slabhash_create(slabs, numhosts * infra_entry_size(),
	    &infra_type, c))) {
		free(c);
		return NULL;
	}
	return c;
}

void
infra_cache_delete(struct infra_cache *c)
{
	if (!c) {
		return;
	}
	slabhash_delete(c->table);
	free(c);
}

/** Check arguments and build a lookup key; 0 or RES_EINVAL. */
static int
infra_key_make(struct infra_cache *c, const void *addr, size_t addrlen,
    const uint8_t *zone, struct infra_lookup *k)
{
	uint32_t h;
	size_t i;

	if (!c || !addr || !zone || addrlen == 0 ||
	    addrlen > INFRA_ADDR_MAX) {
		return RES_EINVAL;
	}
	k->addr = addr;
	k->addrlen = addrlen;
	k->zone = zone;
	h = c->seed;
	for (i = 0; i < addrlen; i++) {
		h = (h ^ k->addr[i]) * 16777619u;
	}
	k->hash = dname_hash(zone, h);
	return 0;
}

/** Copy an entry's info out, under the lock. */
static void
infra_copy(struct slabhash_entry *he, void *arg)
{
	*(struct infra_info *)arg = ((struct infra_entry *)he)->info;
}

int
infra_cache_lookup(struct infra_cache *c, const void *addr, size_t addrlen,
    const uint8_t *zone, time_t now, struct infra_info *out)
{
	struct infra_lookup k;

	if (!out) {
		return RES_EINVAL;
	}
	infra_info_default(out, now);
	if (infra_key_make(c, addr, addrlen, zone, &k) != 0) {
		return RES_EINVAL;
	}
	if (slabhash_apply(c->table, k.hash, &k, infra_copy, out) != 0) {
		return RES_ENOTFOUND;
	}
	if (now >= out->expiry) {
		infra_info_default(out, now);
		return RES_ENOTFOUND;
	}
	return 0;
}

/** What an update does. */
enum infra_op {
	/** an RTT sample or a timeout */
	INFRA_OP_RTT,
	/** EDNS status */
	INFRA_OP_EDNS,
	/** lameness */
	INFRA_OP_LAME,
	/** a 0x20 echo (val 0) or mismatch (val 1) */
	INFRA_OP_CAPS,
	/** a query ended by an unwanted packet (val: the threshold) */
	INFRA_OP_UNWANTED,
	/** data that failed validation */
	INFRA_OP_DNSSEC_LAME
};

/** An update, applied under the lock. */
struct infra_update {
	/** the operation */
	enum infra_op op;
	/** RTT in ms, <0 timeout; EDNS version; lame flag */
	int val;
	/** UDP size for INFRA_OP_EDNS */
	uint16_t udp_size;
	/** current time */
	time_t now;
	/** lifetime of a fresh entry */
	uint32_t host_ttl;
	/** set by INFRA_OP_CAPS and INFRA_OP_UNWANTED: 1 when the server
	 * changed to no 0x20, or to TCP only */
	int changed;
};

/** Clamp an RTO to [INFRA_RTO_MIN, INFRA_RTO_MAX]. */
static int
rto_clamp(long rto)
{
	if (rto < INFRA_RTO_MIN) {
		return INFRA_RTO_MIN;
	}
	if (rto > INFRA_RTO_MAX) {
		return INFRA_RTO_MAX;
	}
	return (int)rto;
}

/** Apply an update to an entry's info (RFC 6298 section 2 and 5.5). */
static void
infra_apply(struct slabhash_entry *he, void *arg)
{
	struct infra_info *i = &((struct infra_entry *)he)->info;
	struct infra_update *u = arg;
	long r, diff;

	if (u->now >= i->expiry) {
		infra_info_default(i, u->now + (time_t)u->host_ttl);
	}
	switch (u->op) {
	case INFRA_OP_RTT:
		if (u->val < 0) {
			/* Section 5.5: back off the timer. */
			i->timeouts++;
			i->rto = rto_clamp((long)i->rto * 2);
			break;
		}
		r = u->val > INFRA_RTO_MAX ? INFRA_RTO_MAX : u->val;
		if (!i->measured) {
			/* Section 2.2: the first measurement. */
			i->srtt = (int)r;
			i->rttvar = (int)(r / 2);
			i->measured = 1;
		} else {
			/* Section 2.3, beta = 1/4, alpha = 1/8. */
			diff = i->srtt > r ? i->srtt - r : r - i->srtt;
			i->rttvar = (int)((3L * i->rttvar + diff) / 4);
			i->srtt = (int)((7L * i->srtt + r) / 8);
		}
		i->timeouts = 0;
		i->rto = rto_clamp((long)i->srtt + 4L * i->rttvar);
		break;
	case INFRA_OP_EDNS:
		i->edns_version = u->val;
		if (u->udp_size) {
			i->udp_size = u->udp_size;
		}
		break;
	case INFRA_OP_LAME:
		i->lame = u->val ? 1 : 0;
		break;
	case INFRA_OP_CAPS:
		if (!u->val) {
			i->caps_mismatches = 0;
			break;
		}
		i->caps_mismatches++;
		if (!i->no_caps && i->caps_mismatches >=
		    INFRA_CAPS_MISMATCHES) {
			i->no_caps = 1;
			u->changed = 1;
		}
		break;
	case INFRA_OP_DNSSEC_LAME:
		i->dnssec_lame = 1;
		break;
	case INFRA_OP_UNWANTED:
		if (u->now - i->unwanted_start >= INFRA_UNWANTED_WINDOW ||
		    u->now < i->unwanted_start) {
			i->unwanted_start = u->now;
			i->unwanted = 0;
		}
		i->unwanted++;
		if (u->val > 0 && i->unwanted >= (unsigned)u->val &&
		    i->tcp_until <= u->now) {
			i->tcp_until = u->now + INFRA_TCP_HOLD;
			u->changed = 1;
		}
		break;
	}
}

/** Apply an update, creating the entry when it is missing. */
static int
infra_update_do(struct infra_cache *c, const void *addr, size_t addrlen,
    const uint8_t *zone, struct infra_update *u)
{
	struct infra_lookup k;
	struct infra_entry *e;
	size_t zlen;
	int r;

	if (infra_key_make(c, addr, addrlen, zone, &k) != 0) {
		return RES_EINVAL;
	}
	u->host_ttl = c->host_ttl;
	if (slabhash_apply(c->table, k.hash, &k, infra_apply, u) == 0) {
		return 0;
	}
	if (dname_check(zone, DNAME_MAXLEN, &zlen) != 0) {
		return RES_EINVAL;
	}
	if (!(e = calloc(1, sizeof(*e)))) {
		return RES_ENOMEM;
	}
	memcpy(e->key.addr, addr, addrlen);
	e->key.addrlen = (uint8_t)addrlen;
	memcpy(e->key.zone, zone, zlen);
	infra_info_default(&e->info, u->now + (time_t)c->host_ttl);
	infra_apply(&e->he, u);
	e->he.hash = k.hash;
	e->he.size = infra_entry_size();
	r = slabhash_insert(c->table, &e->he, &k, NULL);
	return r;
}

int
infra_cache_rtt_update(struct infra_cache *c, const void *addr,
    size_t addrlen, const uint8_t *zone, time_t now, int rtt_ms)
{
	struct infra_update u;

	memset(&u, 0, sizeof(u));
	u.op = INFRA_OP_RTT;
	u.val = rtt_ms;
	u.now = now;
	return infra_update_do(c, addr, addrlen, zone, &u);
}

int
infra_cache_edns_update(struct infra_cache *c, const void *addr,
    size_t addrlen, const uint8_t *zone, time_t now, int edns_version,
    uint16_t udp_size)
{
	struct infra_update u;

	if (edns_version < INFRA_EDNS_NONE || edns_version > 255) {
		return RES_EINVAL;
	}
	memset(&u, 0, sizeof(u));
	u.op = INFRA_OP_EDNS;
	u.val = edns_version;
	u.udp_size = udp_size;
	u.now = now;
	return infra_update_do(c, addr, addrlen, zone, &u);
}

int
infra_cache_set_lame(struct infra_cache *c, const void *addr,
    size_t addrlen, const uint8_t *zone, time_t now, int lame)
{
	struct infra_update u;

	memset(&u, 0, sizeof(u));
	u.op = INFRA_OP_LAME;
	u.val = lame;
	u.now = now;
	return infra_update_do(c, addr, addrlen, zone, &u);
}

int
infra_cache_set_dnssec_lame(struct infra_cache *c, const void *addr,
    size_t addrlen, const uint8_t *zone, time_t now)
{
	struct infra_update u;

	memset(&u, 0, sizeof(u));
	u.op = INFRA_OP_DNSSEC_LAME;
	u.now = now;
	return infra_update_do(c, addr, addrlen, zone, &u);
}

int
infra_cache_caps_update(struct infra_cache *c, const void *addr,
    size_t addrlen, const uint8_t *zone, time_t now, int mismatch,
    int *marked)
{
	struct infra_update u;
	int r;

	memset(&u, 0, sizeof(u));
	u.op = INFRA_OP_CAPS;
	u.val = mismatch ? 1 : 0;
	u.now = now;
	r = infra_update_do(c, addr, addrlen, zone, &u);
	if (marked) {
		*marked = r == 0 && u.changed;
	}
	return r;
}

int
infra_cache_unwanted(struct infra_cache *c, const void *addr,
    size_t addrlen, const uint8_t *zone, time_t now, unsigned threshold,
    int *switched)
{
	struct infra_update u;
	int r;

	memset(&u, 0, sizeof(u));
	u.op = INFRA_OP_UNWANTED;
	u.val = threshold > 0x7fffffffu ? 0x7fffffff : (int)threshold;
	u.now = now;
	r = infra_update_do(c, addr, addrlen, zone, &u);
	if (switched) {
		*switched = r == 0 && u.changed;
	}
	return r;
}

int
infra_cache_remove(struct infra_cache *c, const void *addr, size_t addrlen,
    const uint8_t *zone)
{
	struct infra_lookup k;

	if (infra_key_make(c, addr, addrlen, zone, &k) != 0) {
		return RES_EINVAL;
	}
	return slabhash_remove(c->table, k.hash, &k) == 0 ? 0 :
	    RES_ENOTFOUND;
}

size_t
infra_cache_memory(struct infra_cache *c)
{
	if (!c) {
		return 0;
	}
	return slabhash_alloc_size(sizeof(*c)) + slabhash_memory(c->table);
}

void
infra_cache_get_stats(struct infra_cache *c, struct slabhash_stats *st)
{
	slabhash_get_stats(c ? c->table : NULL, st);
}

/** Adapter from slabhash_walk() to an infra walk function. */
struct infra_walk_arg {
	/** the caller's function */
	int (*fn)(const struct infra_entry *e, void *arg);
	/** passed to fn with each entry */
	void *arg;
};

/** Call the caller's function with the infra entry. */
static int
infra_walk_one(const struct slabhash_entry *he, void *arg)
{
	struct infra_walk_arg *w = arg;

	return w->fn((const struct infra_entry *)he, w->arg);
}

int
infra_cache_walk(struct infra_cache *c,
    int (*fn)(const struct infra_entry *e, void *arg), void *arg)
{
	struct infra_walk_arg w;

	if (!c || !fn) {
		return 0;
	}
	w.fn = fn;
	w.arg = arg;
	return slabhash_walk(c->table, infra_walk_one, &w);
}

void
infra_cache_clear(struct infra_cache *c)
{
	if (c) {
		slabhash_clear(c->table);
	}
}
