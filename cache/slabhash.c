/*
 * cache/slabhash.c - the sharded, byte-budgeted hash table (see
 * slabhash.h for the contract).
 *
 * Reference counting: the table holds one reference to every entry in it
 * and each caller one per lookup; the count is atomic.  It is raised only
 * under the shard lock while the entry is in the table, and whoever drops
 * it to zero (the table on removal, or the last caller's release, which
 * takes no lock) frees the entry.
 *
 * Freeing never happens under a shard lock: entries that leave the table
 * unreferenced are chained on a local "doomed" list (through their bucket
 * link, which is free once they are out of the table) and handed to
 * free_entry after the unlock.  Buckets double when the entry count passes
 * the bucket count; a failed doubling is harmless.
 *
 * The eviction loop in slabhash_insert() is the second-chance ("clock")
 * variant of LRU described in slabhash.h.
 */
#include "config.h"
#include "cache/slabhash.h"
#include "util/error.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif

/** Buckets of a new shard. */
#define SLABHASH_INIT_BUCKETS 64

size_t
slabhash_alloc_size(size_t n)
{
	/* glibc: 8-byte size header, 16-byte granules, 32-byte minimum. */
	size_t s = (n + 8 + 15) & ~(size_t)15;

	return s < 32 ? 32 : s;
}

size_t
slabhash_shards_for_threads(int threads)
{
	size_t n = 2, want;

	if (threads < 1) {
		threads = 1;
	}
	want = (size_t)threads * 2;
	while (n < want && n < SLABHASH_MAX_SHARDS) {
		n <<= 1;
	}
	return n;
}

uint32_t
slabhash_seed(void)
{
	uint32_t s = 0;

#ifdef HAVE_GETRANDOM
	if (getrandom(&s, sizeof(s), 0) == (ssize_t)sizeof(s)) {
		return s;
	}
#endif
	s = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
	return s * 2654435761u;
}

/**
 * Initialise a shard lock.  Critical sections are a bucket walk (and for
 * the wire fast path a copy of one answer): short, so a waiter spins a
 * little before it sleeps (glibc's adaptive mutex) instead of paying a
 * futex sleep and wake-up for a lock that is free a moment later.
 */
static int
slabhash_lock_init(pthread_mutex_t *m)
{
#ifdef PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP
	pthread_mutexattr_t a;
	int r;

	if (pthread_mutexattr_init(&a) != 0) {
		return pthread_mutex_init(m, NULL);
	}
	(void)pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ADAPTIVE_NP);
	r = pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return r;
#else
	return pthread_mutex_init(m, NULL);
#endif
}

struct slabhash *
slabhash_create(size_t nshards, size_t budget,
    const struct slabhash_type *type, void *cb_arg)
{
	struct slabhash *t;
	size_t i;

	if (nshards == 0) {
		nshards = SLABHASH_DEFAULT_SHARDS;
	}
	if ((nshards & (nshards - 1)) != 0 || nshards > SLABHASH_MAX_SHARDS ||
	    budget < nshards || !type || !type->match ||
	    !type->free_entry) {
		return NULL;
	}
	if (!(t = calloc(1, sizeof(*t)))) {
		return NULL;
	}
	if (posix_memalign((void **)&t->shards, SLABHASH_CACHE_LINE,
	    nshards * sizeof(*t->shards)) != 0) {
		free(t);
		return NULL;
	}
	memset(t->shards, 0, nshards * sizeof(*t->shards));
	t->nshards = nshards;
	while (((size_t)1 << t->shard_bits) < nshards) {
		t->shard_bits++;
	}
	t->type = type;
	t->cb_arg = cb_arg;
	t->budget = budget;
	for (i = 0; i < nshards; i++) {
		struct slabhash_shard *s = &t->shards[i];

		s->buckets = calloc(SLABHASH_INIT_BUCKETS + 1,
		    sizeof(*s->buckets));
		if (!s->buckets ||
		    slabhash_lock_init(&s->lock) != 0) {
			free(s->buckets);
			s->buckets = NULL;
			goto fail;
		}
		s->mask = SLABHASH_INIT_BUCKETS - 1;
		s->budget = budget / nshards;
	}
	return t;
fail:
	while (i-- > 0) {
		pthread_mutex_destroy(&t->shards[i].lock);
		free(t->shards[i].buckets);
	}
	free(t->shards);
	free(t);
	return NULL;
}

/** The shard of a hash. */
static struct slabhash_shard *
shard_of(struct slabhash *t, uint32_t hash)
{
	return &t->shards[hash & (t->nshards - 1)];
}

/** The bucket slot of a hash in a shard. */
static struct slabhash_entry **
bucket_of(struct slabhash *t, struct slabhash_shard *s, uint32_t hash)
{
	return &s->buckets[(hash >> t->shard_bits) & s->mask];
}

/** Unlink e from the LRU list of s. */
static void
lru_unlink(struct slabhash_shard *s, struct slabhash_entry *e)
{
	if (e->lru_prev) {
		e->lru_prev->lru_next = e->lru_next;
	} else {
		s->lru_head = e->lru_next;
	}
	if (e->lru_next) {
		e->lru_next->lru_prev = e->lru_prev;
	} else {
		s->lru_tail = e->lru_prev;
	}
	e->lru_prev = e->lru_next = NULL;
}

/** Put e at the LRU head of s. */
static void
lru_push(struct slabhash_shard *s, struct slabhash_entry *e)
{
	e->lru_prev = NULL;
	e->lru_next = s->lru_head;
	if (s->lru_head) {
		s->lru_head->lru_prev = e;
	}
	s->lru_head = e;
	if (!s->lru_tail) {
		s->lru_tail = e;
	}
}

/**
 * Take e out of the table (bucket, LRU, accounting).  If unreferenced it
 * is chained on *doomed for freeing after the unlock.  Caller holds the
 * shard lock.
 */
static void
take_out(struct slabhash *t, struct slabhash_shard *s,
    struct slabhash_entry *e, struct slabhash_entry **doomed)
{
	struct slabhash_entry **p = bucket_of(t, s, e->hash);

	while (*p && *p != e) {
		p = &(*p)->next;
	}
	assert(*p == e);
	if (*p) {
		__atomic_store_n(p, e->next, __ATOMIC_RELAXED);
	}
	lru_unlink(s, e);
	assert(s->used >= e->size && s->count > 0);
	s->used -= e->size;
	s->count--;
	e->in_table = 0;
	e->next = NULL;
	/* Drop the table's own reference; the last holder frees. */
	if (__atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		e->next = *doomed;
		*doomed = e;
	}
}

/** Free a chain of doomed entries; no lock held. */
static void
free_doomed(struct slabhash *t, struct slabhash_entry *d)
{
	while (d) {
		struct slabhash_entry *n = d->next;

		t->type->free_entry(d, t->cb_arg);
		d = n;
	}
}

/** Double the buckets of s; on failure keep the old array. */
static void
grow(struct slabhash *t, struct slabhash_shard *s)
{
	size_t newn = (s->mask + 1) * 2, i;
	struct slabhash_entry **nb, *e, *n;

	if (newn > ((size_t)1 << (32 - t->shard_bits))) {
		return;
	}
	/* One slot more than the buckets: it keeps the array this one
	 * replaces (see slabhash_prefetch()). */
	if (!(nb = calloc(newn + 1, sizeof(*nb)))) {
		return;
	}
	for (i = 0; i <= s->mask; i++) {
		for (e = s->buckets[i]; e; e = n) {
			size_t b = (e->hash >> t->shard_bits) & (newn - 1);

			n = e->next;
			e->next = nb[b];
			nb[b] = e;
		}
	}
	nb[newn] = (struct slabhash_entry *)(void *)s->buckets;
	/* The array first, then the mask that makes its new slots
	 * reachable: a reader that sees the new mask sees the new array,
	 * and an old mask is in range of either array. */
	__atomic_store_n(&s->buckets, nb, __ATOMIC_RELEASE);
	__atomic_store_n(&s->mask, newn - 1, __ATOMIC_RELEASE);
}

/** Free a shard's bucket array and every array it replaced. */
static void
free_buckets(struct slabhash_shard *s)
{
	struct slabhash_entry **b = s->buckets, **prev;
	size_t n = s->mask + 1;

	while (b) {
		prev = (struct slabhash_entry **)(void *)b[n];
		free(b);
		b = prev;
		n /= 2;
	}
	s->buckets = NULL;
}

/** Find key in shard s; caller holds the lock. */
static struct slabhash_entry *
find(struct slabhash *t, struct slabhash_shard *s, uint32_t hash,
    const void *key)
{
	struct slabhash_entry *e;

	for (e = *bucket_of(t, s, hash); e; e = e->next) {
		if (e->hash == hash && t->type->match(key, e)) {
			return e;
		}
	}
	return NULL;
}

/**
 * The bucket slot of a hash, found without the lock: the mask before the
 * array (see grow()), and arrays replaced by grow() stay allocated until
 * the table is deleted, so the slot is always inside a live array.
 */
static struct slabhash_entry **
slot_unlocked(struct slabhash *t, uint32_t hash)
{
	struct slabhash_shard *s = shard_of(t, hash);
	size_t mask = __atomic_load_n(&s->mask, __ATOMIC_ACQUIRE);
	struct slabhash_entry **b = __atomic_load_n(&s->buckets,
	    __ATOMIC_ACQUIRE);

	return &b[(hash >> t->shard_bits) & mask];
}

void
slabhash_prefetch_bucket(struct slabhash *t, uint32_t hash)
{
	if (t) {
		__builtin_prefetch(slot_unlocked(t, hash));
	}
}

void
slabhash_prefetch(struct slabhash *t, uint32_t hash, size_t bytes)
{
	struct slabhash_entry *e;
	size_t off;

	if (!t) {
		return;
	}
	/* The entry the slot names may be gone by now: it is only
	 * prefetched, never read. */
	e = __atomic_load_n(slot_unlocked(t, hash), __ATOMIC_RELAXED);
	if (!e) {
		return;
	}
	for (off = 0; off < bytes; off += SLABHASH_CACHE_LINE) {
		__builtin_prefetch((const char *)e + off);
	}
}

int
slabhash_insert(struct slabhash *t, struct slabhash_entry *e,
    const void *key, struct slabhash_entry **ref)
{
	struct slabhash_shard *s;
	struct slabhash_entry *old, *doomed = NULL, **b;

	if (ref) {
		*ref = NULL;
	}
	if (!t || !e) {
		if (t && e) {
			t->type->free_entry(e, t->cb_arg);
		}
		return RES_EINVAL;
	}
	s = shard_of(t, e->hash);
	if (e->size == 0) {
		/* An entry that costs nothing would escape the budget. */
		t->type->free_entry(e, t->cb_arg);
		return RES_EINVAL;
	}
	if (e->size > s->budget) {
		t->type->free_entry(e, t->cb_arg);
		return RES_ELIMIT;
	}
	/* One reference for the table, one for the caller if asked. */
	e->refs = ref ? 2 : 1;
	e->used_bit = 0;
	e->next = e->lru_prev = e->lru_next = NULL;
	pthread_mutex_lock(&s->lock);
	if ((old = find(t, s, e->hash, key))) {
		if (t->type->may_replace &&
		    !t->type->may_replace(old, e, t->cb_arg)) {
			pthread_mutex_unlock(&s->lock);
			t->type->free_entry(e, t->cb_arg);
			if (ref) {
				*ref = NULL;
			}
			return RES_EEXIST;
		}
		take_out(t, s, old, &doomed);
	}
	if (s->count >= s->mask + 1) {
		grow(t, s);
	}
	b = bucket_of(t, s, e->hash);
	e->next = *b;
	/* Bucket slots are read without the lock by slabhash_prefetch(). */
	__atomic_store_n(b, e, __ATOMIC_RELAXED);
	lru_push(s, e);
	e->in_table = 1;
	s->used += e->size;
	s->count++;
	s->inserts++;
	/* Evict from the cold end until the shard fits its share, giving
	 * entries used since their last visit a second chance.  The new
	 * entry fits alone and is never evicted: when it reaches the cold
	 * end it goes back to the head.  Every pass over an entry clears
	 * its bit, so the loop ends. */
	while (s->used > s->budget && s->lru_tail) {
		struct slabhash_entry *v = s->lru_tail;

		if (v == e || v->used_bit) {
			v->used_bit = 0;
			lru_unlink(s, v);
			lru_push(s, v);
			continue;
		}
		take_out(t, s, v, &doomed);
		s->evictions++;
	}
	assert(s->used <= s->budget);
	if (ref) {
		*ref = e;
	}
	pthread_mutex_unlock(&s->lock);
	free_doomed(t, doomed);
	return RES_OK;
}

struct slabhash_entry *
slabhash_lookup(struct slabhash *t, uint32_t hash, const void *key)
{
	struct slabhash_shard *s;
	struct slabhash_entry *e;

	if (!t || !key) {
		return NULL;
	}
	s = shard_of(t, hash);
	pthread_mutex_lock(&s->lock);
	if ((e = find(t, s, hash, key))) {
		/* Under the lock the table's reference keeps refs above
		 * zero, so this never revives a dying entry. */
		__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
		if (!e->used_bit) {
			e->used_bit = 1;
		}
		s->hits++;
	} else {
		s->misses++;
	}
	pthread_mutex_unlock(&s->lock);
	return e;
}

void
slabhash_release(struct slabhash *t, struct slabhash_entry *e)
{
	uint32_t left;

	if (!t || !e) {
		return;
	}
	/* No lock: while the entry is in the table, the table's reference
	 * keeps the count above zero; once it is out, nobody can find it
	 * and take a new reference, so whoever brings the count to zero is
	 * the last user. */
	left = __atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL);
	assert(left != (uint32_t)-1);
	if (left == 0) {
		t->type->free_entry(e, t->cb_arg);
	}
}

int
slabhash_remove(struct slabhash *t, uint32_t hash, const void *key)
{
	struct slabhash_shard *s;
	struct slabhash_entry *e, *doomed = NULL;

	if (!t || !key) {
		return RES_ENOTFOUND;
	}
	s = shard_of(t, hash);
	pthread_mutex_lock(&s->lock);
	if ((e = find(t, s, hash, key))) {
		take_out(t, s, e, &doomed);
	}
	pthread_mutex_unlock(&s->lock);
	free_doomed(t, doomed);
	return e ? RES_OK : RES_ENOTFOUND;
}

int
slabhash_apply(struct slabhash *t, uint32_t hash, const void *key,
    void (*fn)(struct slabhash_entry *e, void *arg), void *arg)
{
	struct slabhash_shard *s;
	struct slabhash_entry *e;

	if (!t || !key || !fn) {
		return RES_ENOTFOUND;
	}
	s = shard_of(t, hash);
	pthread_mutex_lock(&s->lock);
	if ((e = find(t, s, hash, key))) {
		fn(e, arg);
		if (!e->used_bit) {
			e->used_bit = 1;
		}
		s->hits++;
	} else {
		s->misses++;
	}
	pthread_mutex_unlock(&s->lock);
	return e ? RES_OK : RES_ENOTFOUND;
}

int
slabhash_walk(struct slabhash *t,
    int (*fn)(const struct slabhash_entry *e, void *arg), void *arg)
{
	size_t i;
	int r = 0;

	if (!t || !fn) {
		return 0;
	}
	for (i = 0; i < t->nshards && r == 0; i++) {
		struct slabhash_shard *s = &t->shards[i];
		struct slabhash_entry *e;

		pthread_mutex_lock(&s->lock);
		for (e = s->lru_head; e && r == 0; e = e->lru_next) {
			r = fn(e, arg);
		}
		pthread_mutex_unlock(&s->lock);
	}
	return r;
}

void
slabhash_clear(struct slabhash *t)
{
	size_t i;

	if (!t) {
		return;
	}
	for (i = 0; i < t->nshards; i++) {
		struct slabhash_shard *s = &t->shards[i];
		struct slabhash_entry *doomed = NULL;

		pthread_mutex_lock(&s->lock);
		while (s->lru_tail) {
			take_out(t, s, s->lru_tail, &doomed);
		}
		pthread_mutex_unlock(&s->lock);
		free_doomed(t, doomed);
	}
}

void
slabhash_delete(struct slabhash *t)
{
	size_t i;

	if (!t) {
		return;
	}
	slabhash_clear(t);
	for (i = 0; i < t->nshards; i++) {
		pthread_mutex_destroy(&t->shards[i].lock);
		free_buckets(&t->shards[i]);
	}
	free(t->shards);
	free(t);
}

/** Bytes of a shard's bucket arrays, the replaced ones included. */
static size_t
buckets_size(const struct slabhash_shard *s)
{
	struct slabhash_entry **b = s->buckets;
	size_t n = s->mask + 1, bytes = 0;

	while (b) {
		bytes += slabhash_alloc_size((n + 1) * sizeof(*b));
		b = (struct slabhash_entry **)(void *)b[n];
		n /= 2;
	}
	return bytes;
}

void
slabhash_get_stats(struct slabhash *t, struct slabhash_stats *st)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	if (!t) {
		return;
	}
	st->overhead = slabhash_alloc_size(sizeof(*t)) +
	    slabhash_alloc_size(t->nshards * sizeof(*t->shards));
	for (i = 0; i < t->nshards; i++) {
		struct slabhash_shard *s = &t->shards[i];

		pthread_mutex_lock(&s->lock);
		st->used += s->used;
		st->count += s->count;
		st->overhead += buckets_size(s);
		st->hits += s->hits;
		st->misses += s->misses;
		st->evictions += s->evictions;
		st->inserts += s->inserts;
		pthread_mutex_unlock(&s->lock);
	}
}

size_t
slabhash_memory(struct slabhash *t)
{
	struct slabhash_stats st;

	slabhash_get_stats(t, &st);
	return st.used + st.overhead;
}
