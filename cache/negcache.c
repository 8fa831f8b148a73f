/*
 * cache/negcache.c - the NSEC index for aggressive use of the validated
 * cache (see negcache.h).
 *
 * Zones sit in a small chained hash table keyed by name; each holds its
 * ranges in an array sorted by owner in canonical order (RFC 4034
 * section 6.1), searched by bisection.  An insert shifts the tail of
 * the array: a zone's ranges are bounded by the zone's size and the
 * budget, and inserts happen once per validated negative answer.
 */
#include "config.h"
#include "cache/negcache.h"
#include "cache/rrset.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/rdata.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/** Zone hash buckets (a power of two). */
#define NEG_BUCKETS 256
/** Smallest budget, whatever neg-cache-size says. */
#define NEG_MIN_BYTES 16384

/** One NSEC range. */
struct neg_entry {
	/** The owner and the next name (one allocation, owner first). */
	uint8_t *owner, *next;
	/** Absolute expiry. */
	time_t expiry;
};

/** The ranges of one zone. */
struct neg_zone {
	/** Next zone in the bucket. */
	struct neg_zone *hnext;
	/** The zone, lower case. */
	uint8_t name[DNAME_MAXLEN];
	/** Its ranges, sorted by owner. */
	struct neg_entry *e;
	/** Used and allocated slots. */
	size_t n, cap;
	/** When a lookup or insert last used it (for eviction). */
	time_t used;
};

struct neg_cache {
	/** Protects everything below. */
	pthread_mutex_t lock;
	/** The zones. */
	struct neg_zone *buckets[NEG_BUCKETS];
	/** Bytes in use, and the budget. */
	size_t bytes, max_bytes;
	/** Counters. */
	struct neg_cache_stats st;
};

/** Bytes an entry counts for. */
static size_t
neg_entry_bytes(const struct neg_entry *e)
{
	return sizeof(*e) + dname_len(e->owner) + dname_len(e->next);
}

/** Bucket of a zone name. */
static size_t
neg_bucket(const uint8_t *name)
{
	return dname_hash(name, 1) & (NEG_BUCKETS - 1);
}

struct neg_cache *
neg_cache_create(size_t max_bytes)
{
	struct neg_cache *nc = calloc(1, sizeof(*nc));

	if (!nc) {
		return NULL;
	}
	if (pthread_mutex_init(&nc->lock, NULL) != 0) {
		free(nc);
		return NULL;
	}
	nc->max_bytes = max_bytes < NEG_MIN_BYTES ? NEG_MIN_BYTES : max_bytes;
	return nc;
}

/** Free a zone's ranges (not the zone). */
static void
neg_zone_clear(struct neg_cache *nc, struct neg_zone *z)
{
	size_t i;

	for (i = 0; i < z->n; i++) {
		nc->bytes -= neg_entry_bytes(&z->e[i]);
		free(z->e[i].owner);
	}
	nc->st.entries -= z->n;
	nc->bytes -= z->cap * sizeof(*z->e);
	free(z->e);
	z->e = NULL;
	z->n = z->cap = 0;
}

/** Unlink and free a zone. */
static void
neg_zone_free(struct neg_cache *nc, struct neg_zone *z)
{
	struct neg_zone **pp = &nc->buckets[neg_bucket(z->name)];

	while (*pp && *pp != z) {
		pp = &(*pp)->hnext;
	}
	if (*pp) {
		*pp = z->hnext;
	}
	neg_zone_clear(nc, z);
	nc->bytes -= sizeof(*z);
	nc->st.zones--;
	free(z);
}

void
neg_cache_delete(struct neg_cache *nc)
{
	size_t b;

	if (!nc) {
		return;
	}
	for (b = 0; b < NEG_BUCKETS; b++) {
		while (nc->buckets[b]) {
			neg_zone_free(nc, nc->buckets[b]);
		}
	}
	pthread_mutex_destroy(&nc->lock);
	free(nc);
}

/** The zone of a name, or NULL. */
static struct neg_zone *
neg_zone_find(struct neg_cache *nc, const uint8_t *name)
{
	struct neg_zone *z;

	for (z = nc->buckets[neg_bucket(name)]; z; z = z->hnext) {
		if (dname_equal(z->name, name)) {
			return z;
		}
	}
	return NULL;
}

/**
 * Bisection: the index of the greatest owner at or before name, or -1
 * when every owner sorts after it.
 */
static long
neg_find_le(const struct neg_zone *z, const uint8_t *name)
{
	long lo = 0, hi = (long)z->n - 1, best = -1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;

		if (dname_canonical_compare(z->e[mid].owner, name) <= 0) {
			best = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return best;
}

/** Drop the expired ranges of a zone. */
static void
neg_zone_expire(struct neg_cache *nc, struct neg_zone *z, time_t now)
{
	size_t i, w = 0;

	for (i = 0; i < z->n; i++) {
		if (z->e[i].expiry > now) {
			z->e[w++] = z->e[i];
			continue;
		}
		nc->bytes -= neg_entry_bytes(&z->e[i]);
		nc->st.entries--;
		free(z->e[i].owner);
	}
	z->n = w;
}

/** Make room: expired ranges first, then the zone used longest ago
 * (never keep): until the budget holds. */
static void
neg_make_room(struct neg_cache *nc, struct neg_zone *keep, time_t now)
{
	struct neg_zone *z, *oldest;
	size_t b;

	if (nc->bytes <= nc->max_bytes) {
		return;
	}
	for (b = 0; b < NEG_BUCKETS; b++) {
		for (z = nc->buckets[b]; z; z = z->hnext) {
			neg_zone_expire(nc, z, now);
		}
	}
	while (nc->bytes > nc->max_bytes) {
		oldest = NULL;
		for (b = 0; b < NEG_BUCKETS; b++) {
			for (z = nc->buckets[b]; z; z = z->hnext) {
				if (z != keep && (!oldest ||
				    z->used < oldest->used)) {
					oldest = z;
				}
			}
		}
		if (!oldest) {
			break;
		}
		nc->st.evicted += oldest->n;
		neg_zone_free(nc, oldest);
	}
	/* Still over: the zone being filled gives up its ranges that
	 * expire first (a flood of one zone stays within the budget). */
	while (nc->bytes > nc->max_bytes && keep && keep->n > 1) {
		struct neg_zone *z = keep;
		size_t i, min = 0;

		for (i = 1; i < z->n; i++) {
			if (z->e[i].expiry < z->e[min].expiry) {
				min = i;
			}
		}
		nc->bytes -= neg_entry_bytes(&z->e[min]);
		free(z->e[min].owner);
		memmove(&z->e[min], &z->e[min + 1], (z->n - min - 1) *
		    sizeof(*z->e));
		z->n--;
		nc->st.entries--;
		nc->st.evicted++;
	}
}

int
neg_cache_insert(struct neg_cache *nc, const uint8_t *zone,
    const uint8_t *owner, const uint8_t *next, time_t expiry, time_t now)
{
	struct neg_zone *z;
	struct neg_entry e, *grown;
	size_t olen, nlen, b;
	long at;

	if (!nc || !zone || !owner || !next ||
	    !dname_is_subdomain(owner, zone) ||
	    !dname_is_subdomain(next, zone)) {
		return RES_EINVAL;
	}
	olen = dname_len(owner);
	nlen = dname_len(next);
	pthread_mutex_lock(&nc->lock);
	if (!(z = neg_zone_find(nc, zone))) {
		if (!(z = calloc(1, sizeof(*z)))) {
			pthread_mutex_unlock(&nc->lock);
			return RES_ENOMEM;
		}
		memcpy(z->name, zone, dname_len(zone));
		dname_tolower(z->name);
		b = neg_bucket(z->name);
		z->hnext = nc->buckets[b];
		nc->buckets[b] = z;
		nc->bytes += sizeof(*z);
		nc->st.zones++;
	}
	z->used = now;
	at = neg_find_le(z, owner);
	if (at >= 0 && dname_equal(z->e[at].owner, owner)) {
		/* Refresh: the next name may have changed. */
		if (dname_len(z->e[at].next) != nlen ||
		    memcmp(z->e[at].next, next, nlen) != 0) {
			uint8_t *p = malloc(olen + nlen);

			if (!p) {
				pthread_mutex_unlock(&nc->lock);
				return RES_ENOMEM;
			}
			nc->bytes -= neg_entry_bytes(&z->e[at]);
			free(z->e[at].owner);
			memcpy(p, owner, olen);
			memcpy(p + olen, next, nlen);
			z->e[at].owner = p;
			z->e[at].next = p + olen;
			nc->bytes += neg_entry_bytes(&z->e[at]);
		}
		z->e[at].expiry = expiry;
		pthread_mutex_unlock(&nc->lock);
		return RES_OK;
	}
	if (z->n == z->cap) {
		size_t ncap = z->cap ? z->cap * 2 : 8;

		if (!(grown = realloc(z->e, ncap * sizeof(*z->e)))) {
			pthread_mutex_unlock(&nc->lock);
			return RES_ENOMEM;
		}
		nc->bytes += (ncap - z->cap) * sizeof(*z->e);
		z->e = grown;
		z->cap = ncap;
	}
	if (!(e.owner = malloc(olen + nlen))) {
		pthread_mutex_unlock(&nc->lock);
		return RES_ENOMEM;
	}
	memcpy(e.owner, owner, olen);
	memcpy(e.owner + olen, next, nlen);
	e.next = e.owner + olen;
	e.expiry = expiry;
	memmove(&z->e[at + 2], &z->e[at + 1], (z->n - (size_t)(at + 1)) *
	    sizeof(*z->e));
	z->e[at + 1] = e;
	z->n++;
	nc->st.entries++;
	nc->bytes += neg_entry_bytes(&e);
	neg_make_room(nc, z, now);
	pthread_mutex_unlock(&nc->lock);
	return RES_OK;
}

int
neg_cache_lookup(struct neg_cache *nc, const uint8_t *name, time_t now,
    uint8_t *zone, uint8_t *owner)
{
	const uint8_t *p;
	struct neg_zone *z = NULL;
	long at;

	if (!nc || !name) {
		return 0;
	}
	pthread_mutex_lock(&nc->lock);
	for (p = name; p; p = dname_parent(p)) {
		if ((z = neg_zone_find(nc, p)) != NULL && z->n > 0) {
			break;
		}
		z = NULL;
	}
	if (z && (at = neg_find_le(z, name)) < 0) {
		/* Nothing at or before it: the chain wraps (the last NSEC3
		 * covers the hashes before the first). */
		at = (long)z->n - 1;
	}
	if (!z || z->e[at].expiry <= now) {
		nc->st.misses++;
		pthread_mutex_unlock(&nc->lock);
		return 0;
	}
	z->used = now;
	memcpy(zone, z->name, dname_len(z->name));
	memcpy(owner, z->e[at].owner, dname_len(z->e[at].owner));
	nc->st.hits++;
	pthread_mutex_unlock(&nc->lock);
	return 1;
}

size_t
neg_cache_remove_below(struct neg_cache *nc, const uint8_t *zone)
{
	struct neg_zone *z, *next;
	size_t b, n = 0;

	if (!nc) {
		return 0;
	}
	pthread_mutex_lock(&nc->lock);
	for (b = 0; b < NEG_BUCKETS; b++) {
		for (z = nc->buckets[b]; z; z = next) {
			next = z->hnext;
			if (!zone || dname_is_subdomain(z->name, zone)) {
				n += z->n;
				neg_zone_free(nc, z);
			}
		}
	}
	pthread_mutex_unlock(&nc->lock);
	return n;
}

/** What neg_cache_index_rrsets() walks with. */
struct neg_index_arg {
	/** The index. */
	struct neg_cache *nc;
	/** The current time. */
	time_t now;
	/** Ranges added. */
	size_t added;
	/** The next owner of an NSEC3 record, or NULL. */
	neg_next3_func next3;
};

/** RRset cache walk: a validated NSEC RRset into the index.  The index
 * has its own lock and never calls into the RRset cache. */
static int
neg_index_one(const struct rrset_entry *e, void *arg)
{
	struct neg_index_arg *a = arg;
	struct rdata_rrsig sig;
	const uint8_t *rd, *srd, *next;
	uint8_t n3[DNAME_MAXLEN];
	uint16_t len, slen;
	size_t nl;

	if ((e->key.type != RR_TYPE_NSEC && (e->key.type != RR_TYPE_NSEC3 ||
	    !a->next3)) || e->d.security != RRSET_SEC_SECURE ||
	    e->d.count != 1 || e->d.rrsig_count == 0 ||
	    e->d.expiry <= a->now) {
		return 0;
	}
	rd = rrset_data_rr(&e->d, 0, &len);
	srd = rrset_data_rr(&e->d, 1, &slen);
	if (!rd || !srd || rdata_rrsig_parse(srd, slen, &sig) != 0) {
		return 0;
	}
	if (e->key.type == RR_TYPE_NSEC3) {
		if (a->next3(rd, len, sig.signer, n3) != 0) {
			return 0;
		}
		next = n3;
	} else if (dname_check(rd, len, &nl) != 0) {
		return 0;
	} else {
		next = rd;
	}
	if (neg_cache_insert(a->nc, sig.signer, e->key.owner, next,
	    e->d.expiry, a->now) == 0) {
		a->added++;
	}
	return 0;
}

size_t
neg_cache_index_rrsets(struct neg_cache *nc, struct rrset_cache *rc,
    time_t now, neg_next3_func next3)
{
	struct neg_index_arg a;

	if (!nc || !rc) {
		return 0;
	}
	a.nc = nc;
	a.now = now;
	a.added = 0;
	a.next3 = next3;
	(void)rrset_cache_walk(rc, neg_index_one, &a);
	return a.added;
}

void
neg_cache_get_stats(struct neg_cache *nc, struct neg_cache_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!nc) {
		return;
	}
	pthread_mutex_lock(&nc->lock);
	*st = nc->st;
	st->bytes = nc->bytes;
	pthread_mutex_unlock(&nc->lock);
}

size_t
neg_cache_memory(struct neg_cache *nc)
{
	size_t n;

	if (!nc) {
		return 0;
	}
	pthread_mutex_lock(&nc->lock);
	n = nc->bytes + sizeof(*nc);
	pthread_mutex_unlock(&nc->lock);
	return n;
}
