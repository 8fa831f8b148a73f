/*
 * daemon/diag.h - DNSSEC diagnostics: the ring of recent bogus results
 * and the dump_diag snapshot.
 *
 * The ring keeps the last DIAG_RING_SIZE validation failures (time,
 * question, EDE code, reason).  The validator reports each failure
 * through module_env.note_bogus; the workers point that at
 * diag_ring_note() with the daemon's ring, so the ring is written from
 * every worker thread and read by the control channel: a mutex guards
 * it.  A failure costs one short critical section; nothing else.
 *
 * diag_print() writes the snapshot as plain text for a person: the trust
 * anchors, the key cache, every cached RRset with its validation status
 * and the chain it was validated through, the infra cache and the ring.
 * Each section is sorted (names in DNSSEC canonical order, RFC 4034
 * section 6.1), so two snapshots diff line by line.  The caches are
 * walked one at a time and copied to memory under their shard locks;
 * nothing is printed while a lock is held.
 */
#ifndef DAEMON_DIAG_H
#define DAEMON_DIAG_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct daemon;
struct diag_ring;

/** Validation failures kept. */
#define DIAG_RING_SIZE 32
/** Longest reason kept, with its NUL (longer ones are cut). */
#define DIAG_REASON_MAX 256

/**
 * Create an empty ring.
 * @return the ring, owned by the caller (diag_ring_delete()), or NULL
 *	when out of memory.
 */
struct diag_ring *diag_ring_create(void);

/** Free a ring.  NULL ok. */
void diag_ring_delete(struct diag_ring *r);

/**
 * Record a validation failure; the oldest entry goes when the ring is
 * full.  Safe from any thread.  The signature fits module_env.note_bogus.
 * @param arg: the ring (struct diag_ring *); NULL does nothing.
 * @param qname: the question name, checked wire format; NULL is stored
 *	as "?".
 * @param qtype: the question type.
 * @param ede: the Extended DNS Error code (RFC 8914).
 * @param reason: the reason text (copied, cut at DIAG_REASON_MAX - 1
 *	bytes); NULL is stored as empty.
 */
void diag_ring_note(void *arg, const uint8_t *qname, uint16_t qtype,
	int ede, const char *reason);

/**
 * Number of failures recorded since the ring was created (also those
 * that fell out of it).
 * @param r: the ring; NULL gives 0.
 * @return the count.
 */
uint64_t diag_ring_total(struct diag_ring *r);

/**
 * Print the ring, oldest first, one line per failure:
 * "TIME NAME TYPE ede N: REASON".
 * @param r: the ring; NULL prints nothing.
 * @param out: where to write.
 */
void diag_ring_print(struct diag_ring *r, FILE *out);

/**
 * Format a server address as the infra cache keys it: "ADDR", or
 * "ADDR@PORT" for a port other than 53.
 * @param addr: a struct sockaddr_in or sockaddr_in6 as bytes.
 * @param len: their number.
 * @param buf: receives the text, NUL-terminated (cut to fit).
 * @param sz: its size.
 * @return 0, or RES_EINVAL for NULL, a bad length or family.
 */
int diag_addr_str(const uint8_t *addr, size_t len, char *buf, size_t sz);

/**
 * Write the whole DNSSEC diagnostics snapshot (see the file comment).
 * @param d: the daemon (its anchors, caches and ring; any may be NULL).
 * @param now: the current time, for the remaining TTLs.
 * @param out: where to write.
 * @return 0, or RES_ENOMEM when a section could not be collected (what
 *	was collected is printed, with a note).
 */
int diag_print(struct daemon *d, time_t now, FILE *out);

#endif /* DAEMON_DIAG_H */
