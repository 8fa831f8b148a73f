/*
 * validator/trust_anchor.h - trust anchors and negative trust anchors.
 *
 * A trust anchor is a name (an "anchor point") with DS and/or DNSKEY
 * RDATA that the validator believes without proof (RFC 4033 section 2,
 * RFC 4035 section 4.4).  The validator asks two questions per answer:
 * which anchor is closest at or above a name (anchors_lookup()), and
 * whether a name lies under a negative trust anchor (anchors_is_insecure(),
 * RFC 7646), where validation is not done and answers are insecure.
 *
 * Where anchors come from (anchors_apply_config()):
 *	trust-anchor: "<DS or DNSKEY RR>"	one RR in presentation format
 *	trust-anchor-file: file			zone-file format, DS/DNSKEY RRs
 *	trusted-keys-file: file			BIND syntax: trusted-keys { },
 *						managed-keys { } and
 *						trust-anchors { }
 *	auto-trust-anchor-file: file		an anchor kept by RFC 5011
 *						(validator/autotrust.h): its
 *						VALID and MISSING keys, or its
 *						DS until a probe found the key
 *	domain-insecure: name			a negative trust anchor
 * When none of the four anchor options is given, the built-in root
 * anchors are used: the DS of KSK-2017 (key tag 20326) and of KSK-2024
 * (key tag 38696), as IANA's root-anchors.xml publishes them, so a root
 * KSK roll between them validates without a change.  Configuring any
 * anchor, even for an internal zone only, replaces the built-in ones: an
 * enterprise that wants both names the root anchor too (for example with
 * an auto-trust-anchor-file written by resolute-anchor(8)).
 *
 * Anchors may be given for any zone, so an internal zone with its own
 * anchor ("corp.internal.") validates from that anchor without a chain
 * from the root, and keeps validating while the uplink is down.
 *
 * Lookups.  Anchor points live in a hash table keyed by name and class;
 * anchors_lookup() hashes the name and then each parent in turn, so it
 * costs one hash probe per label and allocates nothing.
 *
 * Threads.  The anchors proper are built before the set is shared
 * (anchors_apply_config(), anchors_add_rr(), ...) and are read-only
 * afterwards: anchors_lookup() takes no lock, and the returned anchor
 * lives as long as the set.  The one exception, the keys of an RFC 5011
 * anchor, changes by whole versions: anchors_autr_publish() builds a new
 * struct trust_anchor and hands it out with one atomic store; an old
 * version stays valid until the set is deleted.  A reload builds a new set.  The negative
 * trust anchors change at run time (resolute-control insecure_add /
 * insecure_remove); they are kept in a separate table under a read-write
 * lock: anchors_insecure_add() and anchors_insecure_remove() take it for
 * writing, anchors_is_insecure(), anchors_insecure_foreach() and
 * anchors_print() for reading, so all of these may be called from any
 * thread at any time.  While there is no negative trust anchor at all
 * (the usual case), anchors_is_insecure() only reads an atomic counter.
 */
#ifndef VALIDATOR_TRUST_ANCHOR_H
#define VALIDATOR_TRUST_ANCHOR_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct config;
struct anchor_set;

/** One anchor point: a name with the DS and DNSKEY RDATA trusted for it.
 * Either list may be empty, not both. */
struct trust_anchor {
	/** The anchor point, lowercased wire format (malloced). */
	uint8_t *name;
	/** Length of name. */
	size_t namelen;
	/** The class (1, IN, for every anchor a config can give). */
	uint16_t dclass;
	/** Number of DS RDATAs. */
	size_t num_ds;
	/** The DS RDATAs (each malloced), in the order configured. */
	uint8_t **ds;
	/** Their lengths. */
	uint16_t *ds_len;
	/** Where each DS came from ("file:line" or "built-in"). */
	const char **ds_source;
	/** Number of DNSKEY RDATAs. */
	size_t num_dnskey;
	/** The DNSKEY RDATAs (each malloced), in the order configured. */
	uint8_t **dnskey;
	/** Their lengths. */
	uint16_t *dnskey_len;
	/** Where each DNSKEY came from. */
	const char **dnskey_source;
	/** Where the first RR of this anchor came from ("file:line",
	 * "built-in"), for diagnostics. */
	const char *source;
	/** Why the anchor is broken (a DS whose digest does not have the
	 * length of its digest type: "file:line: ..."), or NULL.  A broken
	 * anchor is still the closest one for the names under it, and
	 * every answer there is bogus with this reason until the config
	 * is fixed: the rest of the resolver goes on (malloced). */
	char *broken;
};

/** The source string of the built-in root anchors. */
#define ANCHOR_SOURCE_BUILTIN "built-in"

/**
 * Create an empty set: no anchors, no negative trust anchors.
 * @return the set, owned by the caller (anchors_delete()), or NULL when
 *	out of memory.
 */
struct anchor_set *anchors_create(void);

/**
 * Free a set and every anchor in it.  No other thread may use it any
 * more.
 * @param set: the set; NULL is ignored.
 */
void anchors_delete(struct anchor_set *set);

/**
 * Load the anchors and negative trust anchors of a configuration:
 * trust-anchor, trust-anchor-file, trusted-keys-file,
 * auto-trust-anchor-file and domain-insecure, in that order; then the
 * built-in root anchors when none of the four anchor options has a
 * value.  Every problem is logged as "file:line: message", naming the
 * config line (and the line inside an anchor file); loading goes on
 * after an error to report more, but the result is then an error.
 * Call before the set is shared with other threads.
 * @param set: the set to add to.
 * @param cfg: the settings.
 * @return 0, RES_ESYNTAX after a bad RR, name or file syntax,
 *	RES_ESYSTEM when a file cannot be read, RES_ENOMEM, or RES_EINVAL
 *	for NULL arguments.  On error the set holds what loaded well; a
 *	caller should discard it.
 */
int anchors_apply_config(struct anchor_set *set, const struct config *cfg);

/**
 * The process has chrooted to root: the RFC 5011 state files of a set
 * read before are written under their names inside it from now on
 * (config_path_chrooted()).  A set read after chroot(2) has them so
 * already.
 * @param set: the set.
 * @param root: the chroot directory.
 * @return 0 or RES_ENOMEM (the names not renamed keep the old one).
 */
int anchors_chrooted(struct anchor_set *set, const char *root);

/**
 * Add one anchor RR in presentation format ("name [ttl] [class] DS ..."
 * or "... DNSKEY ...").  An identical RR already present is not added
 * twice.  A DS whose digest does not have the length of its digest type
 * (RFC 4034, RFC 4509, RFC 6605) makes its anchor broken (logged as a
 * warning, see struct trust_anchor): the config still loads and the
 * daemon starts, and the names under it fail validation with the
 * reason.  A DNSKEY must have the Zone Key flag and protocol 3
 * (RFC 4034 section 2.1.1, 2.1.2); a DNSKEY with the REVOKE flag
 * (RFC 5011 section 2.1) is skipped with a warning.  Call before the set
 * is shared.
 * @param set: the set.
 * @param rr_text: the RR, NUL-terminated; may span lines in parentheses.
 * @param source: where it came from, for messages and anchors_print()
 *	("file:line"); copied.  NULL gives "(string)".
 * @return 0; RES_ESYNTAX (logged as "source: message") for text that is
 *	not an RR, an RR of another type or a bad DS/DNSKEY; RES_ENOMEM;
 *	RES_EINVAL for NULL set or rr_text.
 */
int anchors_add_rr(struct anchor_set *set, const char *rr_text,
	const char *source);

/**
 * Add every RR of a zone-file-format anchor file (trust-anchor-file,
 * auto-trust-anchor-file).  Comments, $ORIGIN and $TTL are understood;
 * RRs of other types are errors.
 * @param set: the set.
 * @param file: the file name.
 * @return 0; RES_ESYSTEM when it cannot be read ("cannot open file" is
 *	logged); RES_ESYNTAX after "file:line: message"; RES_ENOMEM;
 *	RES_EINVAL for NULL arguments.
 */
int anchors_add_file(struct anchor_set *set, const char *file);

/**
 * Add the keys of a BIND-syntax file (trusted-keys-file).  Understood
 * are the statements
 *	trusted-keys { name flags protocol algorithm "key"; ... };
 *	managed-keys { name initial-key flags protocol algorithm "key"; };
 *	trust-anchors { name static-key|initial-key flags proto alg "key";
 *			name static-ds|initial-ds keytag alg type "digest"; };
 * with names and key data quoted or not, and comments in the forms
 * "# ...", "// ..." and C-style comments.  Initial keys and DS are read
 * as static ones (RFC 5011 tracking is not done here).
 * @param set: the set.
 * @param file: the file name.
 * @return as anchors_add_file(); every syntax error names file:line.
 */
int anchors_add_trusted_keys_file(struct anchor_set *set, const char *file);

/**
 * The same from a string (tests).
 * @param set: the set.
 * @param text: the file contents, NUL-terminated.
 * @param name: file name for messages.
 * @return as anchors_add_trusted_keys_file().
 */
int anchors_add_trusted_keys_string(struct anchor_set *set,
	const char *text, const char *name);

/**
 * Add the built-in root anchors (DS of KSK-2017 and KSK-2024).
 * anchors_apply_config() calls it when nothing is configured.
 * @param set: the set.
 * @return 0, RES_ENOMEM or RES_EINVAL.
 */
int anchors_add_builtin(struct anchor_set *set);

/**
 * The closest anchor at or above a name: the anchor of the name itself,
 * else of its parent, and so on up to the root.  No lock, no allocation.
 * @param set: the set; NULL gives NULL.
 * @param name: a checked wire-format name (any case); NULL gives NULL.
 * @param dclass: the class (1 for IN).
 * @return the anchor, owned by the set and valid as long as it lives,
 *	or NULL when no anchor covers the name.
 */
const struct trust_anchor *anchors_lookup(const struct anchor_set *set,
	const uint8_t *name, uint16_t dclass);

/**
 * Call a function for each anchor point, in the order added.  The anchors
 * proper are read-only once shared, so no lock is taken.
 * @param set: the set.
 * @param cb: called with arg and each anchor.
 * @param arg: passed to cb.
 * @return the number of anchors visited.
 */
size_t anchors_foreach(const struct anchor_set *set,
	void (*cb)(void *arg, const struct trust_anchor *ta), void *arg);

/**
 * Do two anchors trust the same keys: the same name and class, and the
 * same sets of DS and DNSKEY RDATA (order and sources aside)?
 * @return 1 or 0.
 */
int anchors_same(const struct trust_anchor *a, const struct trust_anchor *b);

/**
 * Number of anchor points in the set.
 * @param set: the set; NULL gives 0.
 * @return the count.
 */
size_t anchors_count(const struct anchor_set *set);

/**
 * Add a negative trust anchor (RFC 7646): the name and everything below
 * it is validated no more, answers there are insecure.  Safe to call
 * from any thread at any time.
 * @param set: the set.
 * @param name: a checked wire-format name; copied.
 * @return 0, RES_EEXIST when the name is a negative trust anchor
 *	already, RES_ENOMEM, RES_EINVAL for NULL arguments or a name that
 *	fails dname_check().
 */
int anchors_insecure_add(struct anchor_set *set, const uint8_t *name);

/**
 * Remove a negative trust anchor.  Safe at any time from any thread.
 * @param set: the set.
 * @param name: a checked wire-format name (any case).
 * @return 0, RES_ENOTFOUND when it is not one, RES_EINVAL for NULL
 *	arguments or a bad name.
 */
int anchors_insecure_remove(struct anchor_set *set, const uint8_t *name);

/**
 * Is a name under a negative trust anchor?  The names from the given one
 * up to the root are tried in turn: a negative trust anchor there makes
 * the answer 1; a trust anchor there (and no negative one at the same
 * name) makes it 0, since a more specific anchor below a negative one
 * still validates its zone (an internal zone with its own key inside a
 * domain the operator turned off).  Safe at any time from any thread.
 * @param set: the set; NULL gives 0.
 * @param name: a checked wire-format name; NULL gives 0.
 * @return 1 or 0.
 */
int anchors_is_insecure(const struct anchor_set *set, const uint8_t *name);

/**
 * Call a function for each negative trust anchor, in the order added.
 * The read lock is held during the walk: cb must not call
 * anchors_insecure_add() or anchors_insecure_remove().
 * @param set: the set.
 * @param cb: called with arg and each name (wire format, valid during
 *	the call only).
 * @param arg: passed to cb.
 * @return the number of names visited.
 */
size_t anchors_insecure_foreach(const struct anchor_set *set,
	void (*cb)(void *arg, const uint8_t *name), void *arg);

/**
 * Print the set for dump_diag: one block per anchor point with each DS
 * (key tag, algorithm, digest type) and DNSKEY (key tag, flags,
 * algorithm) as an RR line with its source as a comment, then the
 * negative trust anchors.  The RR lines read back as a trust-anchor-file.
 * @param set: the set; NULL prints nothing.
 * @param out: where to write.
 */
void anchors_print(const struct anchor_set *set, FILE *out);

struct autr_point;
struct autr_config;

/**
 * Take the lock of the RFC 5011 points (auto-trust-anchor-file) and get
 * the first (validator/autotrust.h; ->next for the others).  Hold it
 * while a point is read or changed, and while its keys are published.
 * @param set: the set.
 * @return the first point, or NULL when there is none.
 */
struct autr_point *anchors_autr_lock(struct anchor_set *set);

/** Release the lock anchors_autr_lock() took. */
void anchors_autr_unlock(struct anchor_set *set);

/** The hold-downs and timers of the set's RFC 5011 points. */
const struct autr_config *anchors_autr_cfg(const struct anchor_set *set);

/**
 * Hand out a point's trusted keys as its anchor, after its states
 * changed: a new version of the anchor is published whole (lookups see
 * the old keys or the new ones, never a mix), the old one is kept until
 * the set is deleted.  With the lock held.
 * @return 0 or RES_ENOMEM (the old keys stay).
 */
int anchors_autr_publish(struct anchor_set *set, struct autr_point *p);

/**
 * Print the RFC 5011 anchors for an operator (autr_print_status()).
 * Takes the lock.
 * @return how many there are.
 */
size_t anchors_autr_print(struct anchor_set *set, FILE *out, time_t now);

/**
 * The DLV lookaside registry (dlv-anchor, RFC 5074), whose anchor the
 * set holds like any other, or NULL when none is configured.
 */
const uint8_t *anchors_dlv(const struct anchor_set *set);

/** 1 when the set has RFC 5011 points. */
int anchors_has_autr(const struct anchor_set *set);

#endif /* VALIDATOR_TRUST_ANCHOR_H */
