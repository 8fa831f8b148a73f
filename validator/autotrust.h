/*
 * validator/autotrust.h - trust anchors that follow key rolls: the
 * RFC 5011 state machine and its state file (auto-trust-anchor-file).
 *
 * One struct autr_point per auto-trust-anchor-file: the anchored zone,
 * its keys each with an RFC 5011 state (section 4), and the probe timers
 * (section 2.3).  The file format is Unbound's, so that an anchor file
 * kept by an Unbound deployment carries over and back:
 *
 *	; autotrust trust anchor file
 *	;;id: . 1
 *	;;last_queried: 1790000000 ;;<date>
 *	;;last_success: 1790000000 ;;<date>
 *	;;next_probe_time: 1790040000 ;;<date>
 *	;;query_failed: 0
 *	;;query_interval: 43200
 *	;;retry_time: 3600
 *	.	86400	IN	DNSKEY	257 3 8 AwEAA... ;{id = 20326 (ksk), size = 2048b} ;;state=2 [  VALID  ] ;;count=0 ;;lastchange=1502381120 ;;<date>
 *	.	86400	IN	DS	20326 8 2 E06D...
 *
 * Every field above is read and written; Unbound's ";;REVOKED" mark is
 * understood (the keys below say it too), and state comments on a line
 * of their own after their record.  A DNSKEY line without a state is an
 * initial key (trusted: VALID); a DS line is an initial anchor (trusted
 * until a probe finds its DNSKEY, which then replaces it, as RFC 5011
 * tracks keys).  Any other ";;" field, or other text that is not an RR,
 * is an error naming the file and line.
 *
 * The state machine (autr_process()) runs on the DNSKEY RRset a probe
 * brought, with its RRSIGs, and checks the signatures itself against the
 * keys it trusts (the probe is asked with CD): a new SEP key in a validly
 * signed set goes ADDPEND and becomes VALID after add-holddown during
 * which every probe saw it; a key with the REVOKE bit that signs the set
 * itself goes REVOKED at once and is never trusted again (its key
 * material is remembered, with or without the bit); a VALID key missing
 * from the set goes MISSING (still trusted), and REMOVED after
 * keep-missing; a REVOKED one REMOVED after del-holddown.  Trusted are
 * the VALID and MISSING keys (RFC 5011 section 4, "trust anchors").
 *
 * Threads: a point is changed only under the anchor set's lock
 * (anchors_autr_lock()); the probe results arrive on one worker.
 */
#ifndef VALIDATOR_AUTOTRUST_H
#define VALIDATOR_AUTOTRUST_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include "util/dname.h"

struct reply_rrset;

/** RFC 5011 section 4 states; the numbers are the file's. */
enum autr_state {
	AUTR_START = 0,
	AUTR_ADDPEND = 1,
	AUTR_VALID = 2,
	AUTR_MISSING = 3,
	AUTR_REVOKED = 4,
	AUTR_REMOVED = 5
};

/** One key (or initial DS) of an anchored zone. */
struct autr_key {
	/** Next key, in file order. */
	struct autr_key *next;
	/** RR_TYPE_DNSKEY or RR_TYPE_DS. */
	uint16_t type;
	/** The RDATA (malloced) and its length. */
	uint8_t *rd;
	uint16_t rdlen;
	/** TTL written with it. */
	uint32_t ttl;
	/** The state (DNSKEY only). */
	enum autr_state state;
	/** Probes that saw it in this state (ADDPEND). */
	int count;
	/** When it entered the state. */
	time_t last_change;
	/** 1 when the last processed RRset had it (scratch). */
	int seen;
};

/** The timers and hold-downs (from the config). */
struct autr_config {
	/** add-holddown, del-holddown, keep-missing (0: never), s. */
	time_t add_holddown, del_holddown, keep_missing;
	/** permit-small-holddown: probe intervals below one hour. */
	int permit_small;
};

/** An anchored zone kept by RFC 5011. */
struct autr_point {
	/** Next point of the set. */
	struct autr_point *next;
	/** The state file (malloced). */
	char *file;
	/** The zone, lowercased wire format, and its class. */
	uint8_t name[DNAME_MAXLEN];
	uint16_t dclass;
	/** Keys and initial DS, in file order. */
	struct autr_key *keys;
	/** Times of the last probe, the last good one, the next one. */
	time_t last_queried, last_success, next_probe;
	/** Probes failed since the last good one. */
	int query_failed;
	/** RFC 5011 section 2.3: the active refresh interval and the retry
	 * time after a failure, s. */
	time_t query_interval, retry_time;
	/** 1 while a probe is in flight (not in the file). */
	int probing;
	/** Why the last probe failed, or NULL (static text). */
	const char *last_error;
};

/** The name of a state, as the file writes it ("VALID"). */
const char *autr_state_str(enum autr_state s);

/**
 * Read a state file.
 * @param file: its name.
 * @param out: receives the point (autr_point_delete()).
 * @return 0; RES_ESYSTEM (cannot read, logged with the reason),
 *	RES_ESYNTAX (logged as "file:line: ..."), RES_ENOMEM.  A file
 *	without any key or DS is RES_ESYNTAX.
 */
int autr_read_file(const char *file, struct autr_point **out);

/**
 * The same from a string.
 * @param text: the contents, NUL-terminated.
 * @param name: the file name, for messages and for autr_write_file().
 * @param out: receives the point.
 * @return as autr_read_file().
 */
int autr_read_string(const char *text, const char *name,
	struct autr_point **out);

/**
 * Write the point to its file atomically: a temporary file in the same
 * directory, fsync, rename over the old one, fsync of the directory.  A
 * crash at any moment leaves the old file or the new one, whole.
 * @param p: the point.
 * @param why: receives the reason of a failure ("path: strerror").
 * @param whylen: its size.
 * @return 0 or RES_ESYSTEM.
 */
int autr_write_file(const struct autr_point *p, char *why, size_t whylen);

/**
 * Print the point in the file format (also what list_auto_trust_anchors
 * and dump_diag show).
 */
void autr_print(const struct autr_point *p, FILE *out);

/**
 * Print the point for an operator (list_auto_trust_anchors, dump_diag):
 * the zone, its file, the probe times, and each key with its state, when
 * it entered it and, for a pending key, when it will be trusted.
 * @param now: the time, for "in N s".
 */
void autr_print_status(const struct autr_point *p,
	const struct autr_config *cfg, time_t now, FILE *out);

/** Free a point and its keys; NULL is allowed. */
void autr_point_delete(struct autr_point *p);

/**
 * Process a probe's DNSKEY RRset (RFC 5011 sections 2 and 4).
 * @param p: the point.
 * @param cfg: hold-downs and timers.
 * @param now: the time.
 * @param ks: the DNSKEY RRset of p's zone with its RRSIGs, or NULL when
 *	the probe got none.
 * @param changed: set to 1 when a key changed state (the trusted keys
 *	may have changed: republish them).
 * @return 0 when the RRset was validly signed by a trusted key (the
 *	states moved on); RES_EBOGUS when not (p->last_error says why;
 *	only revocations by self-signed keys were applied).  Either way the
 *	timers are set for the next probe; the file should be written.
 */
int autr_process(struct autr_point *p, const struct autr_config *cfg,
	time_t now, const struct reply_rrset *ks, int *changed);

/**
 * A probe that brought no answer at all: count it and set the retry.
 */
void autr_probe_failed(struct autr_point *p, const struct autr_config *cfg,
	time_t now, const char *why);

/**
 * The trusted RDATA of a point: the VALID and MISSING DNSKEYs, and the
 * initial DS while no DNSKEY is trusted yet.
 * @param p: the point.
 * @param type: RR_TYPE_DNSKEY or RR_TYPE_DS.
 * @param rd, len: arrays of room n, filled.
 * @param n: their room.
 * @return how many were filled.
 */
size_t autr_trusted(const struct autr_point *p, uint16_t type,
	const uint8_t **rd, uint16_t *len, size_t n);

#endif /* VALIDATOR_AUTOTRUST_H */
