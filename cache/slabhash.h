/*
 * cache/slabhash.h - the sharded, byte-budgeted, reference-counted hash
 * table under every cache.
 *
 * A table is N shards ("slabs", a power of two).  The low bits of an
 * entry's 32-bit hash pick the shard, the next bits its bucket.  Each shard
 * has its own mutex, its own chained hash table (grown by doubling), its
 * own LRU list and its own share (budget / N) of the byte budget.  An
 * insert that pushes the shard past its share evicts from the cold end of
 * that shard's LRU list until it fits again, so after every operation
 * "bytes of entries in the table <= budget" holds exactly.
 *
 * Entries are embedded: a cache allocates one block holding a struct
 * slabhash_entry, its key and its data, fills in the entry's size (the
 * real memory of the block, see slabhash_alloc_size()) and hands it to
 * slabhash_insert().  The table calls back into the cache only through
 * struct slabhash_type: compare a lookup key with an entry, and free an
 * entry.
 *
 * Reference rule.  An entry's key and data are immutable once inserted
 * (fields a cache documents as atomic excepted).  slabhash_lookup() returns
 * the entry with its reference count raised; the caller may read it without
 * any lock until it calls slabhash_release().  Removal, replacement or
 * eviction takes the entry out of the table (it stops counting against the
 * budget) but frees it only when the last reference is released, so a
 * reader never sees freed memory.  The count is atomic and includes one
 * reference held by the table itself: it is raised only under the shard
 * lock while the entry is in the table, and whoever drops it to zero (the
 * table on removal or the last slabhash_release(), which takes no lock)
 * frees the entry.  Callers must not keep references for long: a
 * referenced, removed entry still occupies memory outside the budget.
 *
 * LRU with second chance.  A hit does not move the entry in the LRU list;
 * it sets the entry's used_bit.  Eviction looks at the cold end: an entry
 * with the bit set has it cleared and goes back to the head (a second
 * chance), one without is evicted.  So a hit writes only the lock and the
 * entry it returns, not the list neighbours or the shard's list head,
 * which keeps cache lines from bouncing between threads; eviction order is
 * LRU among entries not used since they last reached the cold end.
 *
 * Locking.  One pthread mutex per shard, not a read-write lock: a hit
 * changes the reference count, the used bit and a hit counter, which are
 * writes (the release after it takes no lock), so a read lock would not
 * help, and a read lock writes its lock word as much as a mutex does.
 * The critical section is a bucket walk (for slabhash_apply() also the
 * callback: the message cache's wire fast path copies one answer there
 * instead of taking a reference), and shards spread the contention; each
 * shard sits in its own cache lines.  Where the C library has one the
 * lock is an adaptive mutex, which spins briefly before sleeping: with a
 * plain mutex two threads hitting the cache slept in futex calls so often
 * that two threads did fewer lookups than one (bench/cache_bench).  No
 * call holds two shard locks, and no callback of slabhash_type runs under
 * a shard lock except match and may_replace (which must not call into the
 * table).  Callbacks given to slabhash_apply() and slabhash_walk() run
 * under the shard lock and must not call into the same table.
 *
 * Memory.  Entry sizes include the allocator's per-chunk overhead, so
 * the budget is close to what the heap really holds; on top come the
 * bucket arrays (one pointer per entry or less) and the allocator's
 * fragmentation.  Measured with bench/cache_bench (glibc malloc, a full
 * 16 MB RRset cache of A records after a round of replacements): the
 * process grew by 1.07-1.08 times the budget.
 *
 * Allocation.  slabhash_lookup() allocates nothing.  slabhash_insert()
 * may grow the shard's bucket array; when that fails the table keeps
 * working with longer chains.
 */
#ifndef CACHE_SLABHASH_H
#define CACHE_SLABHASH_H
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

/** Default number of shards when the caller gives 0. */
#define SLABHASH_DEFAULT_SHARDS 4
/** Upper limit of shards (the shard index is taken from 8 hash bits). */
#define SLABHASH_MAX_SHARDS 256

/** Cache line size; shards are aligned to it against false sharing. */
#define SLABHASH_CACHE_LINE 64

/** Header of an entry, embedded in the cache's own allocation. */
struct slabhash_entry {
	/** next entry in the same bucket */
	struct slabhash_entry *next;
	/** neighbour towards the LRU head (more recently used) */
	struct slabhash_entry *lru_prev;
	/** neighbour towards the LRU tail (less recently used) */
	struct slabhash_entry *lru_next;
	/** bytes this entry occupies: header, key and data, with malloc
	 * overhead; set by the cache before insert, never changed after */
	size_t size;
	/** hash of the key, set by the cache before insert */
	uint32_t hash;
	/** references: one held by the table while the entry is in it,
	 * plus one per caller; atomic (see the reference rule above) */
	uint32_t refs;
	/** 1 while the entry is in the table, 0 after removal; under lock */
	uint16_t in_table;
	/** "recently used" bit of the second-chance eviction; under lock */
	uint16_t used_bit;
};

/** Callbacks that make a table hold one kind of entry. */
struct slabhash_type {
	/**
	 * Compare a lookup key with an entry's key.  Runs under the shard
	 * lock; must not call into the table.
	 * @return 1 if they are equal, else 0.
	 */
	int (*match)(const void *key, const struct slabhash_entry *e);
	/**
	 * Free an entry that is out of the table and unreferenced.  Runs
	 * without any shard lock held.
	 * @param e: the entry; the callback owns it.
	 * @param arg: the table's cb_arg.
	 */
	void (*free_entry)(struct slabhash_entry *e, void *arg);
	/**
	 * Decide whether a new entry may replace an existing one with the
	 * same key.  NULL means always.  Runs under the shard lock.
	 * @return 1 to replace, 0 to keep the old entry (the new one is then
	 *	freed and slabhash_insert() returns RES_EEXIST).
	 */
	int (*may_replace)(const struct slabhash_entry *old,
	    const struct slabhash_entry *new_entry, void *arg);
};

/** Counters of a table, summed over its shards. */
struct slabhash_stats {
	/** bytes of the entries in the table (the budgeted quantity) */
	size_t used;
	/** bytes of the table's own structures (shards, bucket arrays) */
	size_t overhead;
	/** entries in the table */
	size_t count;
	/** lookups that found their key */
	uint64_t hits;
	/** lookups that did not */
	uint64_t misses;
	/** entries evicted to keep the budget */
	uint64_t evictions;
	/** entries inserted (replacements included) */
	uint64_t inserts;
};

/** One shard: its lock, buckets, LRU list and budget share. */
struct slabhash_shard {
	/** protects every other member and the entries' list links,
	 * in_table and used_bit (refs is atomic) */
	pthread_mutex_t lock;
	/** bucket array, size mask + 1 (a power of two) */
	struct slabhash_entry **buckets;
	/** number of buckets minus one */
	size_t mask;
	/** most recently used entry */
	struct slabhash_entry *lru_head;
	/** least recently used entry: evicted first */
	struct slabhash_entry *lru_tail;
	/** bytes of the entries in this shard */
	size_t used;
	/** this shard's share of the budget */
	size_t budget;
	/** entries in this shard */
	size_t count;
	/** counters, see struct slabhash_stats */
	uint64_t hits, misses, evictions, inserts;
} __attribute__((aligned(SLABHASH_CACHE_LINE)));

/** The table. */
struct slabhash {
	/** number of shards, a power of two */
	size_t nshards;
	/** bits of the hash used for the shard index */
	unsigned shard_bits;
	/** nshards shards in one cache-line aligned block */
	struct slabhash_shard *shards;
	/** callbacks for the kind of entry held; not owned */
	const struct slabhash_type *type;
	/** passed to free_entry and may_replace */
	void *cb_arg;
	/** total budget in bytes */
	size_t budget;
};

/**
 * Create a table.
 * @param nshards: number of shards, a power of two up to
 *	SLABHASH_MAX_SHARDS; 0 for SLABHASH_DEFAULT_SHARDS.
 * @param budget: bytes of entries the table may hold, split evenly over
 *	the shards; must be at least nshards.
 * @param type: the callbacks; must stay valid for the table's life.
 * @param cb_arg: argument for free_entry and may_replace.
 * @return the table, or NULL for bad arguments or out of memory.
 */
struct slabhash *slabhash_create(size_t nshards, size_t budget,
	const struct slabhash_type *type, void *cb_arg);

/**
 * Delete a table and free every entry through free_entry.
 * @param t: the table; NULL is accepted.  No reference may be
 *	outstanding.
 */
void slabhash_delete(struct slabhash *t);

/**
 * Insert an entry, replacing one with an equal key (subject to
 * may_replace) and evicting cold entries of the shard to stay in budget.
 * @param t: the table.
 * @param e: the entry with size and hash set; the table owns it after the
 *	call whatever the result (on failure it is freed through free_entry
 *	before this returns).
 * @param key: the lookup key of e (as passed to match).
 * @param ref: if not NULL, receives e with a reference held (release with
 *	slabhash_release()), or NULL when e was not inserted.
 * @return 0; RES_EEXIST when may_replace kept the old entry; RES_ELIMIT
 *	when e alone is larger than a shard's share; RES_EINVAL for NULL or
 *	a size of 0.
 */
int slabhash_insert(struct slabhash *t, struct slabhash_entry *e,
	const void *key, struct slabhash_entry **ref);

/**
 * Start loading the bucket slot of hash into the CPU cache, without the
 * lock.  With slabhash_prefetch() this lets a batch of lookups overlap
 * their memory loads instead of stalling one after another: first every
 * slot, then every entry, then the lookups.  Changes nothing; safe
 * against any concurrent change of the table.
 * @param t: the table; NULL is ignored.
 * @param hash: the hash a lookup will use.
 */
void slabhash_prefetch_bucket(struct slabhash *t, uint32_t hash);

/**
 * Start loading the first entry of the bucket of hash into the CPU cache,
 * without the lock.  Reads the bucket slot, nothing of the entry; safe
 * against any concurrent change of the table.
 * @param t: the table; NULL is ignored.
 * @param hash: the hash a lookup will use.
 * @param bytes: how many octets of the entry to prefetch.
 */
void slabhash_prefetch(struct slabhash *t, uint32_t hash, size_t bytes);

/**
 * Find an entry and take a reference to it; marks it recently used.
 * Takes one shard lock and allocates nothing.
 * @param t: the table (NULL gives NULL).
 * @param hash: hash of the key.
 * @param key: the lookup key, compared with match.
 * @return the entry, referenced, or NULL.  Release it with
 *	slabhash_release().
 */
struct slabhash_entry *slabhash_lookup(struct slabhash *t, uint32_t hash,
	const void *key);

/**
 * Drop a reference taken by slabhash_lookup() or slabhash_insert().  An
 * entry already out of the table is freed when its last reference goes.
 * Takes no lock (one atomic decrement).
 * @param t: the table.
 * @param e: the entry; NULL is accepted.
 */
void slabhash_release(struct slabhash *t, struct slabhash_entry *e);

/**
 * Remove the entry with this key, if any.  It is freed now or at its last
 * release.
 * @param t: the table (NULL gives RES_ENOTFOUND).
 * @param hash: hash of the key.
 * @param key: the lookup key.
 * @return 0, or RES_ENOTFOUND.
 */
int slabhash_remove(struct slabhash *t, uint32_t hash, const void *key);

/**
 * Run a function on an entry under its shard lock, for small fixed-size
 * data updated or copied out in place (the infra cache).  Marks the entry
 * recently used and counts a hit or miss, like a lookup.
 * @param t: the table (NULL gives RES_ENOTFOUND).
 * @param hash: hash of the key.
 * @param key: the lookup key.
 * @param arg: passed to fn.
 * @param fn: called with the entry and arg; must not call into the table
 *	and must not change the entry's size, key or links.
 * @return 0 when the entry was found and fn ran, else RES_ENOTFOUND.
 */
int slabhash_apply(struct slabhash *t, uint32_t hash, const void *key,
	void (*fn)(struct slabhash_entry *e, void *arg), void *arg);

/**
 * Walk every entry, shard by shard, from the LRU head, for
 * dump_cache and tests.  Each shard's lock is held while its entries are
 * visited, so the walk sees a consistent shard but not a consistent table;
 * workers using that shard wait meanwhile.
 * @param t: the table; NULL walks nothing.
 * @param arg: passed to fn.
 * @param fn: called for each entry; must not call into the table.  A
 *	non-zero return stops the walk.
 * @return 0, or the non-zero value that stopped the walk.
 */
int slabhash_walk(struct slabhash *t,
	int (*fn)(const struct slabhash_entry *e, void *arg), void *arg);

/**
 * Remove every entry (flush).  Referenced entries are freed at release.
 * @param t: the table; NULL is accepted.
 */
void slabhash_clear(struct slabhash *t);

/**
 * Read the counters, each shard under its lock.
 * @param t: the table.
 * @param st: receives the sums; zeroed for a NULL table.
 */
void slabhash_get_stats(struct slabhash *t, struct slabhash_stats *st);

/**
 * Memory in use.
 * @param t: the table; NULL gives 0.
 * @return bytes of the entries plus the table's own structures.
 */
size_t slabhash_memory(struct slabhash *t);

/**
 * Memory a malloc of n bytes really takes, for entry sizes: the request
 * plus the allocator's chunk header, rounded up to its 16-byte alignment
 * (the glibc and jemalloc small-size rule).
 * @param n: bytes requested.
 * @return bytes to account.
 */
size_t slabhash_alloc_size(size_t n);

/**
 * Shard count for a thread count: the next power of two of 2 * threads,
 * at least 2 and at most SLABHASH_MAX_SHARDS.  Used when a "*-slabs"
 * option is not set.
 * @param threads: number of worker threads (values below 1 count as 1).
 * @return the shard count.
 */
size_t slabhash_shards_for_threads(int threads);

/**
 * A seed for key hashes, random per process where getrandom(2) exists, so
 * the bucket of a name cannot be predicted by a remote party.
 * @return the seed.
 */
uint32_t slabhash_seed(void);

#endif /* CACHE_SLABHASH_H */
