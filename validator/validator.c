/*
 * validator/validator.c - the validator module (see validator.h).
 *
 * The module passes each query to the iterator and validates what comes
 * back.  The answer is taken apart into items: each RRset of the answer
 * section, then the denial proof of a negative answer or of a wildcard
 * expansion.  Each item needs the keys of one zone: the signer of its
 * RRSIGs, or, for an unsigned RRset, the zone that holds its owner (to
 * prove it is unsigned).  Keys are found by a walk that is resumed after
 * every subquery:
 *	- a negative trust anchor at or above the name: insecure;
 *	- the closest key cache entry at or below the closest trust anchor,
 *	  else the anchor itself (its DNSKEY RRset fetched and checked against
 *	  the anchor's DS or DNSKEY records);
 *	- then label by label down to the zone wanted: DS for the next name
 *	  (checked with the keys above), then its DNSKEY RRset (checked with
 *	  the DS); a proven absence of DS at a delegation makes the rest
 *	  insecure (RFC 4035 section 5.2), a proven name without a cut is
 *	  stepped over.
 * Every zone's result goes to the key cache, so the next query starts
 * where this one ended.
 *
 * Subqueries are sent with CD set: the validator of the subquery passes
 * them through, and this module checks their data itself.
 */
#include "config.h"
#include "validator/validator.h"
#include "cache/dns.h"
#include "cache/infra.h"
#include "cache/keycache.h"
#include "cache/negcache.h"
#include "cache/rrset.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include "util/module.h"
#include "util/msg.h"
#include "util/netevent.h"
#include "util/rdata.h"
#include "util/region.h"
#include "util/reply.h"
#include "util/rrtype.h"
#include "validator/trust_anchor.h"
#include "validator/val_canon.h"
#include "validator/val_crypto.h"
#include "validator/val_memo.h"
#include "validator/val_nsec.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/** Signature verifications one query may do (KeyTrap budget). */
#define VAL_MAX_SIG_CHECKS 64
/** Keys with the same tag and algorithm tried per signature. */
#define VAL_MAX_KEY_COLLISIONS 4
/** NSEC3 hash computations one query may do (CVE-2023-50868). */
#define VAL_MAX_NSEC3_HASHES 150
/** Slots of the per-thread memo: decoded keys, verified signatures. */
#define VAL_MEMO_KEYS 512
#define VAL_MEMO_SIGS 8192
/** Most subqueries of one validation. */
#define VAL_MAX_SUBQUERIES 48
/** TTL of a key cache entry for an insecure or bogus zone when the
 * records give none. */
#define VAL_KEY_TTL_DEFAULT 900

/** What val_verify_rrset() returns for a verified RRset: every other
 * value is the EDE code of the failure (and EDE 0, "Other", is one). */
#define VAL_OK (-1)

/** Room for a reason text: two names in presentation form and words. */
#define VAL_WHY (DNAME_MAXSTR * 2 + 512)

/** Status of a validation, worst last (the overall result is the max). */
enum val_status {
	VAL_SECURE = 0,
	VAL_INSECURE = 1,
	VAL_INDETERMINATE = 2,
	VAL_BOGUS = 3
};

/** Steps of the key walk. */
enum val_walk {
	/** Find a starting point (cache or anchor). */
	WALK_START = 0,
	/** Waiting for the anchor zone's DNSKEY RRset. */
	WALK_ANCHOR_KEYS,
	/** Going down: ask DS of the next name. */
	WALK_DOWN,
	/** Waiting for a DS answer. */
	WALK_DS,
	/** Waiting for a DNSKEY answer after a verified DS. */
	WALK_KEYS,
	/** Waiting for a DLV answer from the lookaside registry (RFC 5074):
	 * the chain of trust ended insecure at dlv_cut. */
	WALK_DLV
};

/** The keys of one zone, as found by the walk. */
struct val_keyset {
	/** The zone. */
	uint8_t *zone;
	/** enum val_status of the zone. */
	int status;
	/** Number of DNSKEY RDATAs (secure zones). */
	size_t n;
	/** The DNSKEY RDATAs. */
	const uint8_t **rd;
	/** Their lengths. */
	uint16_t *len;
	/** TTL for the key cache. */
	uint32_t ttl;
	/** EDE code and reason when bogus. */
	int ede;
	/** Reason text (region). */
	const char *reason;
};

/** Wildcard expansions of one answer that are proven (a CNAME chain may
 * hold several). */
#define VAL_MAX_EXPANSIONS 8

/** One RRset of the answer synthesized from a wildcard (RFC 4035 section
 * 5.3.4): the expansion needs a proof that its owner does not exist. */
struct val_expansion {
	/** The owner of the expanded RRset (the name the proof is about). */
	const uint8_t *owner;
	/** The wildcard's parent, the closest encloser (RRSIG labels). */
	const uint8_t *parent;
	/** The signer: the proof comes from that zone. */
	const uint8_t *signer;
	/** The signer's keys (secure). */
	struct val_keyset *ks;
	/** The expanded RRset (validated). */
	struct reply_rrset *rrset;
};

/** Per-query state. */
struct val_qstate {
	/** 1 once the iterator's answer is being validated. */
	int started;
	/** The answer. */
	struct reply *rep;
	/** Next answer-section RRset to validate (index in rep). */
	size_t next;
	/** 1 once the denial / wildcard proof was checked. */
	int proof_done;
	/** Worst status so far (enum val_status). */
	int overall;
	/** EDE and reason of the first bogus item. */
	int ede;
	/** Reason text. */
	const char *reason;
	/** Walk: the name whose keys are wanted. */
	uint8_t *target;
	/** Walk: 1 when target is a signer (a zone apex). */
	int exact;
	/** Walk: the step. */
	enum val_walk walk;
	/** Walk: the keys known so far (the closest zone above target). */
	struct val_keyset *ks;
	/** Walk: the name being asked (DS or DNSKEY). */
	uint8_t *ask;
	/** Walk: labels of the deepest name found not to be a zone cut. */
	int noncut_labels;
	/** Walk: the verified DS RRset of ask (WALK_KEYS). */
	struct reply_rrset *ds;
	/** The trust anchor of the walk (WALK_ANCHOR_KEYS). */
	const struct trust_anchor *anchor;
	/** DLV (RFC 5074): the insecure cut the lookaside started from,
	 * the name looked up now (below or at it), and 1 once tried. */
	const uint8_t *dlv_cut, *dlv_name;
	int dlv_tried;
	/** The insecure key set the lookaside started from. */
	struct val_keyset *dlv_ins;
	/** 1 when the keys of the walk came through DLV. */
	int via_dlv;
	/** The result of the last subquery (copied into our region). */
	struct reply *sub;
	/** 1 when sub holds a fresh result (or a failure: sub NULL). */
	int sub_done;
	/** Subqueries sent. */
	int subs;
	/** Signature verifications left. */
	int sig_budget;
	/** The thread's memo of keys and verified signatures, or NULL. */
	struct val_memo *memo;
	/** NSEC3 limits and counters. */
	struct val_nsec_ctx nctx;
	/** Keys of the zone of the negative answer's proof. */
	struct val_keyset *proof_ks;
	/** The wildcard expansions of the answer, and how many of them
	 * are proven. */
	struct val_expansion exp[VAL_MAX_EXPANSIONS];
	int nexp, exp_done;
	/** The zone whose data made the answer bogus (region), or NULL. */
	const uint8_t *bogus_zone;
	/** 1 when a subquery was refused for the client query's budget:
	 * the answer is a SERVFAIL, not a bogus verdict. */
	int budget_spent;
};

static int val_proof(struct module_qstate *q, int id,
	struct val_qstate *vq);

/** Printable name into a buffer. */
static const char *
vname(const uint8_t *d, char *buf, size_t sz)
{
	if (!d || dname_to_str(d, buf, sz) < 0) {
		snprintf(buf, sz, "?");
	}
	return buf;
}

/** Printable type. */
static const char *
vtype(uint16_t t, char *buf, size_t sz)
{
	if (rrtype_to_str(t, buf, sz) < 0) {
		snprintf(buf, sz, "TYPE%u", (unsigned)t);
	}
	return buf;
}

/**
 * Record a bogus result with its EDE and reason (formatted).
 * @param zone: the zone whose data is bogus (where the chain breaks),
 *	or NULL when unknown.
 */
static void
val_bogus(struct module_qstate *q, struct val_qstate *vq,
    const uint8_t *zone, int ede, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
val_bogus(struct module_qstate *q, struct val_qstate *vq,
    const uint8_t *zone, int ede, const char *fmt, ...)
{
	char buf[VAL_WHY];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (vq->overall < VAL_BOGUS) {
		/* A note (val_ent_note(), EDE 27) gives way to the
		 * failure. */
		vq->overall = VAL_BOGUS;
		vq->ede = ede;
		vq->reason = region_copy(q->region, buf, strlen(buf) + 1);
		vq->bogus_zone = zone ? region_copy(q->region, zone,
		    dname_len(zone)) : NULL;
	}
}

/** Report one signature check of an RRset to a trace. */
static void
val_trace_sig(struct module_qstate *q, const struct reply_rrset *s,
    const uint8_t *signer, uint16_t tag, uint8_t alg, uint32_t inception,
    uint32_t expiration, int result)
{
	struct trace_event ev;

	if (!q->trace) {
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = TRACE_SIG;
	ev.zone = signer;
	ev.rrset = s;
	ev.tag = tag;
	ev.alg = alg;
	ev.inception = inception;
	ev.expiration = expiration;
	ev.num = result;
	ev.ede = -1;
	module_trace(q, &ev);
}

/** Mark the answer insecure (unless something is worse already). */
static void
val_insecure(struct val_qstate *vq)
{
	if (vq->overall < VAL_INSECURE) {
		vq->overall = VAL_INSECURE;
	}
}

/** The signer of an RRset's first RRSIG, or NULL when unsigned. */
static const uint8_t *
val_signer(const struct reply_rrset *s)
{
	struct rdata_rrsig sig;
	size_t i;

	for (i = 0; i < s->sigcount; i++) {
		if (rdata_rrsig_parse(s->rd[s->count + i],
		    s->rdlen[s->count + i], &sig) == RES_OK) {
			return sig.signer;
		}
	}
	return NULL;
}

/** Signature validity with skew (Unbound's rule: 10% of the validity
 * period, clamped to val-sig-skew-min..max).  0 ok, else the EDE. */
static int
val_sig_time(const struct config *cfg, const struct rdata_rrsig *sig,
    time_t now)
{
	uint32_t n = (uint32_t)now;
	int64_t period = (int32_t)(sig->expiration - sig->inception);
	int64_t skew = period / 10;

	if (skew < cfg->val_sig_skew_min) {
		skew = cfg->val_sig_skew_min;
	}
	if (skew > cfg->val_sig_skew_max) {
		skew = cfg->val_sig_skew_max;
	}
	if ((int64_t)(int32_t)(sig->expiration - n) < -skew) {
		return EDE_SIG_EXPIRED;
	}
	if ((int64_t)(int32_t)(n - sig->inception) < -skew) {
		return EDE_SIG_NOT_YET;
	}
	return 0;
}

/**
 * One signature check with one key: from the thread's memo when this
 * very signature by this key over this data verified before, else the
 * public-key operation (counted against the query's budget).
 * @return RES_OK verified; RES_ELIMIT the budget is spent;
 *	RES_ENOTFOUND the key does not decode (skip it); another error
 *	code when the signature does not verify.
 */
static int
val_verify_one(struct module_qstate *q, struct val_qstate *vq, uint8_t alg,
    const uint8_t *key, size_t keylen, const uint8_t *rd, size_t rdlen,
    const uint8_t *data, size_t dlen)
{
	uint8_t digest[VAL_MEMO_DIGEST];
	int have = 0, r;
	size_t sigoff;
	const struct val_key *vk;
	struct val_key *own = NULL;

	if ((r = val_canon_rrsig_sigoff(rd, rdlen, &sigoff)) != RES_OK) {
		return r;
	}
	if (vq->memo && val_memo_digest(vq->memo, key, keylen, rd, rdlen,
	    data, dlen, digest) == RES_OK) {
		have = 1;
		if (val_memo_sig_known(vq->memo, digest)) {
			return RES_OK;
		}
	}
	if (vq->sig_budget-- <= 0) {
		return RES_ELIMIT;
	}
	q->env->ctr.sig_checks++;
	vk = vq->memo ? val_memo_key(vq->memo, alg, key, keylen) :
	    (own = val_key_create(alg, key, keylen));
	if (!vk) {
		return RES_ENOTFOUND;
	}
	r = val_key_verify(vk, data, dlen, rd + sigoff, rdlen - sigoff);
	val_key_delete(own);
	if (r == RES_OK && have) {
		val_memo_sig_add(vq->memo, digest);
	}
	return r;
}

/**
 * Verify an RRset with the keys of a zone (RFC 4035 section 5.3).  One
 * valid RRSIG is enough.  On success the RRset's TTL is lowered to the
 * RRSIG's original TTL and the time to expiration (RFC 4035 5.3.3).
 * @param wildcard_parent: receives the closest encloser when the RRSIG
 *	shows a wildcard expansion (labels < owner labels), else NULL.
 * @return VAL_OK when secure; else the EDE code (0 included), with *why
 *	filled.
 */
static int
val_verify_rrset(struct module_qstate *q, struct val_qstate *vq,
    const struct val_keyset *ks, struct reply_rrset *s,
    const uint8_t **wildcard_parent, char *why, size_t whysz)
{
	struct module_env *env = q->env;
	char on[DNAME_MAXSTR], tn[16];
	size_t i, k;
	int ede = EDE_RRSIGS_MISSING, tried = 0;
	int owner_labels = dname_count_labels(s->owner);

	if (dname_is_wildcard(s->owner)) {
		owner_labels--;
	}
	if (wildcard_parent) {
		*wildcard_parent = NULL;
	}
	snprintf(why, whysz, "no RRSIG for %s %s", vname(s->owner, on,
	    sizeof(on)), vtype(s->type, tn, sizeof(tn)));
	for (i = 0; i < s->sigcount; i++) {
		const uint8_t *rd = s->rd[s->count + i];
		uint16_t rdlen = s->rdlen[s->count + i];
		struct rdata_rrsig sig;
		int t, collisions = 0;

		if (rdata_rrsig_parse(rd, rdlen, &sig) != RES_OK ||
		    sig.covered != s->type || !dname_equal(sig.signer,
		    ks->zone) || !dname_is_subdomain(s->owner, sig.signer) ||
		    sig.labels > owner_labels) {
			continue;
		}
		if (!val_algo_supported(sig.alg)) {
			continue;
		}
		if ((t = val_sig_time(env->cfg, &sig, *env->now)) != 0) {
			val_trace_sig(q, s, sig.signer, sig.tag, sig.alg,
			    sig.inception, sig.expiration, t);
			ede = t;
			snprintf(why, whysz, "signature %s for %s %s by key %u",
			    t == EDE_SIG_EXPIRED ? "expired" :
			    "not yet valid", on, tn, (unsigned)sig.tag);
			continue;
		}
		for (k = 0; k < ks->n; k++) {
			const uint8_t *key = ks->rd[k];
			uint16_t flags;
			uint8_t *data = NULL;
			size_t dlen;
			int r;

			if (ks->len[k] < 4 || key[3] != sig.alg ||
			    rdata_dnskey_keytag(key, ks->len[k]) != sig.tag) {
				continue;
			}
			flags = wire_get16(key);
			if (!(flags & DNSKEY_FLAG_ZONE) ||
			    (flags & DNSKEY_FLAG_REVOKE) ||
			    key[2] != DNSKEY_PROTOCOL) {
				continue;
			}
			if (++collisions > VAL_MAX_KEY_COLLISIONS) {
				break;
			}
			tried = 1;
			r = val_canon_signed_data_alloc(s, rd, rdlen, &data,
			    &dlen);
			if (r == RES_OK) {
				r = val_verify_one(q, vq, sig.alg, key,
				    ks->len[k], rd, rdlen, data, dlen);
			}
			free(data);
			if (r == RES_ENOTFOUND) {
				continue;
			}
			if (r == RES_ELIMIT) {
				snprintf(why, whysz, "validation work limit "
				    "reached at %s %s", on, tn);
				return EDE_OTHER;
			}
			val_trace_sig(q, s, sig.signer, sig.tag, sig.alg,
			    sig.inception, sig.expiration, r == RES_OK ? 0 :
			    EDE_DNSSEC_BOGUS);
			if (r == RES_OK) {
				uint32_t left = sig.expiration - (uint32_t)
				    *env->now;

				if (sig.ottl < s->ttl) {
					s->ttl = sig.ottl;
				}
				if ((int32_t)left > 0 && left < s->ttl) {
					s->ttl = left;
				}
				if (wildcard_parent && sig.labels <
				    owner_labels) {
					const uint8_t *p = s->owner;
					int n = dname_count_labels(p);

					while (n-- > sig.labels) {
						p = dname_parent(p);
					}
					*wildcard_parent = p;
				}
				return VAL_OK;
			}
			ede = EDE_DNSSEC_BOGUS;
			snprintf(why, whysz, "signature verification failed for "
			    "%s %s by key %u", on, tn, (unsigned)sig.tag);
		}
	}
	if (!tried && ede == EDE_RRSIGS_MISSING && s->sigcount > 0) {
		char zn[DNAME_MAXSTR];

		ede = EDE_DNSKEY_MISSING;
		snprintf(why, whysz, "no DNSKEY of %s matches the RRSIGs of "
		    "%s %s", vname(ks->zone, zn, sizeof(zn)), on, tn);
	}
	return ede;
}

/** Make a key set from a DNSKEY RRset (region copies already). */
static struct val_keyset *
val_keyset_new(struct region *r, const uint8_t *zone, int status)
{
	struct val_keyset *ks = region_zalloc(r, sizeof(*ks));

	if (!ks) {
		return NULL;
	}
	ks->zone = region_copy(r, zone, dname_len(zone));
	ks->status = status;
	ks->ttl = VAL_KEY_TTL_DEFAULT;
	return ks->zone ? ks : NULL;
}

/** Store a key set in the key cache. */
static void
val_keyset_store(struct module_env *env, const struct val_keyset *ks)
{
	struct rrset_rr rrs[64];
	struct key_store in;
	size_t i, n = ks->n < 64 ? ks->n : 64;

	memset(&in, 0, sizeof(in));
	for (i = 0; i < n; i++) {
		rrs[i].data = ks->rd[i];
		rrs[i].len = ks->len[i];
	}
	in.status = ks->status == VAL_SECURE ? KEY_STATUS_SECURE :
	    ks->status == VAL_BOGUS ? KEY_STATUS_BOGUS : KEY_STATUS_INSECURE;
	in.keys = n ? rrs : NULL;
	in.count = n;
	in.ttl = ks->status == VAL_BOGUS ?
	    (uint32_t)env->cfg->val_bogus_ttl : ks->ttl;
	in.ede = ks->ede;
	in.reason = ks->reason;
	if (in.ttl > 0) {
		key_cache_store(env->key_cache, ks->zone, RR_CLASS_IN, &in,
		    *env->now);
	}
}

/** A key set from a key cache entry. */
static struct val_keyset *
val_keyset_from_cache(struct region *r, const struct key_entry *e)
{
	int status = e->d.status == KEY_STATUS_SECURE ? VAL_SECURE :
	    e->d.status == KEY_STATUS_BOGUS ? VAL_BOGUS : VAL_INSECURE;
	struct val_keyset *ks = val_keyset_new(r, e->zone, status);
	size_t i;

	if (!ks) {
		return NULL;
	}
	ks->ede = e->d.ede;
	ks->reason = e->d.reason ? region_copy(r, e->d.reason,
	    strlen(e->d.reason) + 1) : NULL;
	ks->n = e->d.count;
	ks->rd = region_alloc(r, sizeof(*ks->rd) * (ks->n ? ks->n : 1));
	ks->len = region_alloc(r, sizeof(*ks->len) * (ks->n ? ks->n : 1));
	if (!ks->rd || !ks->len) {
		return NULL;
	}
	for (i = 0; i < ks->n; i++) {
		uint16_t len;
		const uint8_t *k = key_data_key(&e->d, i, &len);

		ks->rd[i] = region_copy(r, k, len);
		ks->len[i] = len;
		if (!ks->rd[i]) {
			return NULL;
		}
	}
	return ks;
}

/** Key set from a DNSKEY RRset (pointers shared with the RRset). */
static struct val_keyset *
val_keyset_from_rrset(struct region *r, const struct reply_rrset *s)
{
	struct val_keyset *ks = val_keyset_new(r, s->owner, VAL_SECURE);

	if (!ks) {
		return NULL;
	}
	ks->n = s->count;
	ks->rd = (const uint8_t **)s->rd;
	ks->len = s->rdlen;
	ks->ttl = s->ttl;
	return ks;
}

/**
 * Check a DNSKEY RRset against DS records (or anchor DNSKEYs): a key
 * that matches a DS with a supported algorithm and digest (RFC 4035
 * section 5.2) must sign the DNSKEY RRset.  RFC 6840 section 5.11: any
 * supported algorithm of the DS set is enough.
 * @return VAL_SECURE, VAL_INSECURE (no DS with a supported algorithm and
 *	digest), VAL_BOGUS (with *ede and why).
 */
static int
val_check_dnskeys(struct module_qstate *q, struct val_qstate *vq,
    struct reply_rrset *keys, const uint8_t **ds, const uint16_t *dslen,
    size_t nds, const uint8_t **akeys, const uint16_t *aklen, size_t nak,
    int *ede, char *why, size_t whysz)
{
	struct val_keyset *ks;
	char zn[DNAME_MAXSTR];
	size_t i, k;
	int supported = 0, matched = 0, r;

	vname(keys->owner, zn, sizeof(zn));
	*ede = EDE_DNSKEY_MISSING;
	snprintf(why, whysz, "no DNSKEY of %s matches its DS", zn);
	for (k = 0; k < keys->count; k++) {
		const uint8_t *key = keys->rd[k];
		size_t klen = keys->rdlen[k];
		int trusted = 0;

		for (i = 0; i < nds && !trusted; i++) {
			if (dslen[i] < 4 || !val_algo_supported(ds[i][2]) ||
			    !val_digest_supported(ds[i][3])) {
				continue;
			}
			supported = 1;
			if (val_ds_matches(ds[i], dslen[i], keys->owner, key,
			    klen) == 1) {
				trusted = 1;
			}
		}
		for (i = 0; i < nak && !trusted; i++) {
			if (aklen[i] >= 4 && val_algo_supported(akeys[i][3])) {
				supported = 1;
			}
			if (aklen[i] == klen && memcmp(akeys[i], key, klen) ==
			    0 && val_algo_supported(key[3])) {
				trusted = 1;
			}
		}
		if (!trusted) {
			continue;
		}
		matched = 1;
		/* That key must sign the DNSKEY RRset itself. */
		ks = val_keyset_new(q->region, keys->owner, VAL_SECURE);
		if (!ks) {
			return VAL_BOGUS;
		}
		ks->n = 1;
		ks->rd = &keys->rd[k];
		ks->len = &keys->rdlen[k];
		r = val_verify_rrset(q, vq, ks, keys, NULL, why, whysz);
		if (r == VAL_OK) {
			return VAL_SECURE;
		}
		*ede = r;
	}
	if (!supported) {
		return VAL_INSECURE;
	}
	if (!matched) {
		*ede = EDE_DNSKEY_MISSING;
		snprintf(why, whysz, "no DNSKEY of %s matches its DS", zn);
	}
	return VAL_BOGUS;
}

/** Ask a subquery for the walk: DS or DNSKEY with CD set (checked here
 * with the walk's keys), or a DLV question without CD (validated by its
 * own query state from the registry's anchor). */
static int
val_ask(struct module_qstate *q, struct val_qstate *vq, const uint8_t *name,
    uint16_t type, int id)
{
	struct query_info qi;
	uint16_t flags = type == RR_TYPE_DLV ? MSG_FLAG_RD :
	    MSG_FLAG_RD | MSG_FLAG_CD;

	if (++vq->subs > VAL_MAX_SUBQUERIES) {
		return RES_ELIMIT;
	}
	qi.qname = (uint8_t *)name;
	qi.qname_len = dname_len(name);
	qi.qtype = type;
	qi.qclass = RR_CLASS_IN;
	vq->sub = NULL;
	vq->sub_done = 0;
	if (q->env->attach_sub(q, &qi, flags, 0) != RES_OK) {
		vq->budget_spent = q->budget->exceeded;
		return RES_ELIMIT;
	}
	q->ext_state[id] = MODULE_WAIT_SUBQUERY;
	return RES_OK;
}

/**
 * Collect the NSEC or NSEC3 RRsets of a reply's authority section.
 * @param signer: only those signed by this zone (an answer that crosses
 *	zones holds the proofs of several), or NULL for all.
 */
static size_t
val_denials(const struct reply *rep, uint16_t type, const uint8_t *signer,
    struct reply_rrset **out, size_t max)
{
	size_t i, n = 0;

	for (i = rep->an; i < rep->an + rep->ns && n < max; i++) {
		const struct reply_rrset *s = rep->rrsets[i];
		const uint8_t *sg;

		if (s->type != type) {
			continue;
		}
		if (signer && (!(sg = val_signer(s)) ||
		    !dname_equal(sg, signer))) {
			continue;
		}
		out[n++] = rep->rrsets[i];
	}
	return n;
}

/** Verify every NSEC/NSEC3 RRset of a reply with a key set.
 * VAL_OK or the EDE of the first failure. */
static int
val_verify_denials(struct module_qstate *q, struct val_qstate *vq,
    const struct val_keyset *ks, struct reply_rrset **set, size_t n,
    char *why, size_t whysz)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		if ((r = val_verify_rrset(q, vq, ks, set[i], NULL, why,
		    whysz)) != VAL_OK) {
			return r;
		}
	}
	return VAL_OK;
}

/**
 * Put an RRset the walk has checked back into the RRset cache with its
 * verdict, so the cache (and dump_cache) shows what was found: secure
 * (trusted as validated), or bogus with its EDE and reason, or insecure.
 * The same data keeps its version id, so messages holding it stay valid.
 * @param sec: RRSET_SEC_SECURE, _BOGUS or _INSECURE.
 * @param ede: the EDE of a bogus verdict.
 * @param why: its reason (copied by the cache), or NULL.
 */
static void
val_store_verdict(struct module_env *env, struct reply_rrset *s, int sec,
    int ede, const char *why)
{
	s->security = (uint8_t)sec;
	if (sec == RRSET_SEC_SECURE) {
		s->trust = RRSET_TRUST_VALIDATED;
	}
	s->ede = sec == RRSET_SEC_BOGUS ? ede : 0;
	s->reason = sec == RRSET_SEC_BOGUS ? why : NULL;
	(void)dns_cache_store_rrset(env, s, NULL);
}

/**
 * Note, for the EDE of the answer, that the zone above answered NXDOMAIN
 * for the DS of a name its own proof shows to exist with names below it
 * (an empty non-terminal; a known authoritative bug), taken as NODATA as
 * Unbound does.
 */
static void
val_ent_note(struct module_qstate *q, struct val_qstate *vq, const char *name)
{
	char *t;

	if (vq->ede >= 0) {
		return;
	}
	t = region_alloc(q->region, DNAME_MAXSTR + 128);
	if (!t) {
		return;
	}
	snprintf(t, DNAME_MAXSTR + 128, "NXDOMAIN for the DS of the empty "
	    "non-terminal %s taken as NODATA", name);
	vq->ede = EDE_OTHER;
	vq->reason = t;
}

/**
 * What a DS answer says about ask, checked with the keys above (ks).
 * @return 1 DS verified (in *ds); 0 not a zone cut (go deeper); 2 an
 *	insecure delegation; 3 the name does not exist; -1 bogus (recorded).
 */
static int
val_ds_result(struct module_qstate *q, struct val_qstate *vq,
    const struct reply *rep, struct reply_rrset **ds)
{
	struct reply_rrset *set[32], *c;
	char an[DNAME_MAXSTR], why[VAL_WHY];
	size_t n;
	int r;
	enum val_nsec_result res;

	vname(vq->ask, an, sizeof(an));
	*ds = NULL;
	if (!rep || (rep->rcode != MSG_RCODE_NOERROR &&
	    rep->rcode != MSG_RCODE_NXDOMAIN)) {
		val_bogus(q, vq, vq->ks->zone, EDE_DNSKEY_MISSING,
		    "could not get the DS records of %s", an);
		return -1;
	}
	*ds = reply_find(rep, MSG_SEC_ANSWER, vq->ask, RR_TYPE_DS,
	    RR_CLASS_IN);
	if (*ds && rep->rcode == MSG_RCODE_NOERROR) {
		if ((r = val_verify_rrset(q, vq, vq->ks, *ds, NULL, why,
		    sizeof(why))) != VAL_OK) {
			val_bogus(q, vq, vq->ks->zone, r, "DS of %s: %s", an,
			    why);
			val_store_verdict(q->env, *ds, RRSET_SEC_BOGUS, r, why);
			return -1;
		}
		val_store_verdict(q->env, *ds, RRSET_SEC_SECURE, 0, NULL);
		return 1;
	}
	if ((c = reply_find(rep, MSG_SEC_ANSWER, vq->ask, RR_TYPE_CNAME,
	    RR_CLASS_IN)) != NULL) {
		/* The name is a CNAME, so no zone cut (RFC 2181 section
		 * 10.1): signed by the zone above, whatever the rest of the
		 * chain says (an NXDOMAIN at its end is another zone's). */
		if ((r = val_verify_rrset(q, vq, vq->ks, c, NULL, why,
		    sizeof(why))) != VAL_OK) {
			val_bogus(q, vq, vq->ks->zone, r, "CNAME at %s: %s", an,
			    why);
			return -1;
		}
		return 0;
	}
	if (rep->an > 0 && rep->rcode == MSG_RCODE_NOERROR) {
		/* Other data at the name: not a cut. */
		return 0;
	}
	n = val_denials(rep, RR_TYPE_NSEC, vq->ks->zone, set, 32);
	if (n > 0) {
		if ((r = val_verify_denials(q, vq, vq->ks, set, n, why,
		    sizeof(why))) != VAL_OK) {
			val_bogus(q, vq, vq->ks->zone, r,
			    "proof of no DS for %s: %s", an, why);
			return -1;
		}
		if (rep->rcode == MSG_RCODE_NXDOMAIN) {
			if (val_nsec_nxdomain(set, n, vq->ask, vq->ks->zone) ==
			    VAL_NSEC_PROVEN) {
				return 3;
			}
			if (val_nsec_nodata(set, n, vq->ask, RR_TYPE_DS,
			    vq->ks->zone) == VAL_NSEC_PROVEN) {
				val_ent_note(q, vq, an);
				return 0;
			}
			val_bogus(q, vq, vq->ks->zone, EDE_NSEC_MISSING,
			    "no proof that %s does not exist", an);
			return -1;
		}
		if (val_nsec_no_ds(set, n, vq->ask) == VAL_NSEC_PROVEN) {
			return 2;
		}
		if (val_nsec_nodata(set, n, vq->ask, RR_TYPE_DS,
		    vq->ks->zone) == VAL_NSEC_PROVEN) {
			return 0;
		}
		val_bogus(q, vq, vq->ks->zone, EDE_NSEC_MISSING,
		    "no proof that %s has no DS", an);
		return -1;
	}
	n = val_denials(rep, RR_TYPE_NSEC3, vq->ks->zone, set, 32);
	if (n > 0) {
		if ((r = val_verify_denials(q, vq, vq->ks, set, n, why,
		    sizeof(why))) != VAL_OK) {
			val_bogus(q, vq, vq->ks->zone, r,
			    "proof of no DS for %s: %s", an, why);
			return -1;
		}
		if (rep->rcode == MSG_RCODE_NXDOMAIN) {
			res = val_nsec3_nxdomain(&vq->nctx, set, n, vq->ask,
			    vq->ks->zone);
			if (res == VAL_NSEC_PROVEN) {
				return 3;
			}
			if (res != VAL_NSEC_ITERATIONS &&
			    res != VAL_NSEC_BUDGET &&
			    val_nsec3_nodata(&vq->nctx, set, n, vq->ask,
			    RR_TYPE_DS, vq->ks->zone) == VAL_NSEC_PROVEN) {
				val_ent_note(q, vq, an);
				return 0;
			}
		} else {
			res = val_nsec3_no_ds(&vq->nctx, set, n, vq->ask,
			    vq->ks->zone);
			if (res == VAL_NSEC_PROVEN || res == VAL_NSEC_INSECURE) {
				return 2;
			}
			if (res != VAL_NSEC_ITERATIONS &&
			    res != VAL_NSEC_BUDGET &&
			    val_nsec3_nodata(&vq->nctx, set, n, vq->ask,
			    RR_TYPE_DS, vq->ks->zone) == VAL_NSEC_PROVEN) {
				return 0;
			}
		}
		if (res == VAL_NSEC_ITERATIONS) {
			/* RFC 9276 section 3.2: treat as insecure. */
			return 2;
		}
		if (res == VAL_NSEC_BUDGET) {
			val_bogus(q, vq, vq->ks->zone, EDE_OTHER,
			    "NSEC3 work limit reached proving no DS for %s",
			    an);
			return -1;
		}
		val_bogus(q, vq, vq->ks->zone, EDE_NSEC_MISSING,
		    "no NSEC3 proof that %s has no DS", an);
		return -1;
	}
	val_bogus(q, vq, vq->ks->zone, EDE_NSEC_MISSING,
	    "the DS answer for %s has no signed denial", an);
	return -1;
}

/**
 * Report a DNSKEY RRset checked against its DS set (or the trust
 * anchor) to a trace.
 * @param keys: the DNSKEY RRset, or NULL when none came.
 * @param status: an enum val_status.
 */
static void
val_trace_keys(struct module_qstate *q, const struct val_qstate *vq,
    const struct reply_rrset *keys, int status, int ede, const char *why)
{
	struct reply_rrset anchor;
	struct trace_event ev;

	if (!q->trace) {
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = TRACE_DNSKEY;
	ev.zone = vq->ask;
	ev.rrset = keys;
	ev.rrset2 = vq->ds;
	if (vq->walk == WALK_ANCHOR_KEYS) {
		/* The anchor's records, shown as the RRset they are. */
		const struct trust_anchor *ta = vq->anchor;

		memset(&anchor, 0, sizeof(anchor));
		anchor.owner = ta->name;
		anchor.rclass = RR_CLASS_IN;
		if (ta->num_ds > 0) {
			anchor.type = RR_TYPE_DS;
			anchor.rd = (const uint8_t **)ta->ds;
			anchor.rdlen = ta->ds_len;
			anchor.count = ta->num_ds;
		} else {
			anchor.type = RR_TYPE_DNSKEY;
			anchor.rd = (const uint8_t **)ta->dnskey;
			anchor.rdlen = ta->dnskey_len;
			anchor.count = ta->num_dnskey;
		}
		ev.rrset2 = &anchor;
		ev.num = 1;
	}
	ev.status = status;
	ev.ede = status == VAL_BOGUS ? ede : -1;
	ev.text = status == VAL_BOGUS ? why : NULL;
	module_trace(q, &ev);
}

/**
 * Report what a DS answer said to a trace.
 * @param r: val_ds_result()'s result.
 */
static void
val_trace_ds(struct module_qstate *q, const struct val_qstate *vq, int r)
{
	struct trace_event ev;

	if (!q->trace) {
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = TRACE_DS;
	ev.zone = vq->ks->zone;
	ev.name = vq->ask;
	ev.rrset = r == 1 ? vq->ds : NULL;
	ev.status = r == 1 ? TRACE_SECURE : r == 2 ? TRACE_INSECURE :
	    r < 0 ? TRACE_BOGUS : TRACE_NOT_A_CUT;
	ev.ede = r < 0 ? vq->ede : -1;
	ev.text = r < 0 ? vq->reason : NULL;
	module_trace(q, &ev);
}

/**
 * RFC 8509 section 3.2: an A or AAAA answer validated secure for a name
 * whose first label is root-key-sentinel-is-ta-NNNNN (or -not-ta-NNNNN)
 * is SERVFAIL when NNNNN is not (is) the key tag of a trust anchor of the
 * root.  q->ede_text is set for the Extended DNS Error then.
 * @return 1 when the answer is to be SERVFAIL.
 */
static int
val_sentinel_fails(struct module_qstate *q)
{
	static const char is_ta[] = "root-key-sentinel-is-ta-";
	static const char not_ta[] = "root-key-sentinel-not-ta-";
	const uint8_t *l = q->qinfo.qname;
	const struct trust_anchor *ta;
	unsigned tag = 0;
	size_t i, pre;
	int is, found = 0;

	if (!q->env->cfg->root_key_sentinel || (q->qinfo.qtype !=
	    RR_TYPE_A && q->qinfo.qtype != RR_TYPE_AAAA)) {
		return 0;
	}
	if (l[0] == sizeof(is_ta) - 1 + 5 &&
	    strncasecmp((const char *)l + 1, is_ta, sizeof(is_ta) - 1) == 0) {
		is = 1;
		pre = sizeof(is_ta) - 1;
	} else if (l[0] == sizeof(not_ta) - 1 + 5 &&
	    strncasecmp((const char *)l + 1, not_ta, sizeof(not_ta) - 1) ==
	    0) {
		is = 0;
		pre = sizeof(not_ta) - 1;
	} else {
		return 0;
	}
	for (i = 0; i < 5; i++) {
		uint8_t c = l[1 + pre + i];

		if (c < '0' || c > '9') {
			return 0;
		}
		tag = tag * 10 + (unsigned)(c - '0');
	}
	if (tag > 65535) {
		return 0;
	}
	ta = anchors_lookup(q->env->anchors, (const uint8_t *)"", RR_CLASS_IN);
	for (i = 0; ta && dname_is_root(ta->name) && i < ta->num_ds; i++) {
		found |= ta->ds_len[i] >= 2 && wire_get16(ta->ds[i]) == tag;
	}
	for (i = 0; ta && dname_is_root(ta->name) && i < ta->num_dnskey;
	    i++) {
		found |= rdata_dnskey_keytag(ta->dnskey[i],
		    ta->dnskey_len[i]) == tag;
	}
	if (is ? found : !found) {
		return 0;
	}
	q->ede_text = is ? "root key sentinel: that key tag is not a trust "
	    "anchor of the root here (RFC 8509)" : "root key sentinel: that "
	    "key tag is a trust anchor of the root here (RFC 8509)";
	return 1;
}

/**
 * RFC 8145 section 5.1: tell the anchored zone's servers the key tags of
 * its anchors, "_ta-xxxx[-yyyy...]" of type NULL below it, sorted, in
 * hex; sent when the anchor's keys are fetched, as Unbound sends it.
 */
static void
val_signal_keytags(struct module_qstate *q, const struct trust_anchor *ta)
{
	uint16_t tags[12];
	uint8_t name[DNAME_MAXLEN];
	char label[64];
	struct query_info qi;
	size_t n = 0, i, j, len;

	if (!q->env->cfg->trust_anchor_signaling || !q->env->signal_query ||
	    q->trace) {
		return;
	}
	for (i = 0; i < ta->num_ds + ta->num_dnskey && n < 12; i++) {
		uint16_t t = i < ta->num_ds ? (ta->ds_len[i] >= 2 ?
		    wire_get16(ta->ds[i]) : 0) : rdata_dnskey_keytag(
		    ta->dnskey[i - ta->num_ds], ta->dnskey_len[i -
		    ta->num_ds]);

		for (j = 0; j < n && tags[j] != t; j++) {
			;
		}
		if (j == n) {
			tags[n++] = t;
		}
	}
	if (n == 0) {
		return;
	}
	/* Sorted, ascending. */
	for (i = 1; i < n; i++) {
		uint16_t t = tags[i];

		for (j = i; j > 0 && tags[j - 1] > t; j--) {
			tags[j] = tags[j - 1];
		}
		tags[j] = t;
	}
	len = (size_t)snprintf(label, sizeof(label), "_ta");
	for (i = 0; i < n && len + 5 < sizeof(label); i++) {
		len += (size_t)snprintf(label + len, sizeof(label) - len,
		    "-%04x", (unsigned)tags[i]);
	}
	if (len > 63 || 1 + len + ta->namelen > DNAME_MAXLEN) {
		return;
	}
	name[0] = (uint8_t)len;
	memcpy(name + 1, label, len);
	memcpy(name + 1 + len, ta->name, ta->namelen);
	qi.qname = name;
	qi.qname_len = 1 + len + ta->namelen;
	qi.qtype = RR_TYPE_NULL;
	qi.qclass = RR_CLASS_IN;
	if (q->env->signal_query(q->env, &qi)) {
		verbose(VERB_ALGO, "validator: key tag signal %s", label);
	}
}

/**
 * The key cache entry of exactly name, made a key set: another query's
 * walk may have finished that zone while this one waited for the same
 * subquery, and its verdict is taken instead of checking the same
 * records again.
 * @return the key set, or NULL when the cache has no entry (or on
 *	allocation failure: the walk then does the work itself).
 */
static struct val_keyset *
val_walk_known(struct module_qstate *q, const uint8_t *name)
{
	struct key_entry *e;
	struct val_keyset *ks;

	if (q->no_cache) {
		return NULL;
	}
	e = key_cache_lookup(q->env->key_cache, name, RR_CLASS_IN,
	    *q->env->now);
	if (!e) {
		return NULL;
	}
	ks = val_keyset_from_cache(q->region, e);
	key_cache_release(q->env->key_cache, e);
	return ks;
}

/**
 * Go on from a key set found in the key cache at a name of the walk.
 * @return 1 to go on down (vq->ks is the zone's keys), 0 when the walk
 *	ends with known (insecure or bogus).
 */
static int
val_walk_take(struct val_qstate *vq, struct val_keyset *known)
{
	vq->ks = known;
	if (known->status != VAL_SECURE) {
		return 0;
	}
	vq->noncut_labels = dname_count_labels(known->zone);
	vq->walk = WALK_DOWN;
	return 1;
}

static int val_dlv_ask(struct module_qstate *q, struct val_qstate *vq,
    int id);

/**
 * RFC 5074 section 5: the chain of trust to the target ended insecure at
 * cut (a zone without DS); with a DLV registry configured, look up the
 * target's zone, then each name above it down to the cut, under the
 * registry.  Not for names of the registry itself, not twice.
 * @return 1 when a DLV question went out (the walk waits), else 0.
 */
static int
val_dlv_start(struct module_qstate *q, struct val_qstate *vq,
    const uint8_t *cut, int id)
{
	const uint8_t *reg = anchors_dlv(q->env->anchors);

	if (!reg || vq->dlv_tried || dname_is_subdomain(vq->target, reg) ||
	    !dname_is_subdomain(vq->target, cut)) {
		return 0;
	}
	vq->dlv_tried = 1;
	vq->dlv_cut = cut;
	vq->dlv_name = vq->target;
	return val_dlv_ask(q, vq, id);
}

/**
 * Ask the DLV RRset of dlv_name in the registry: "<dlv_name><registry>".
 * @return 1 when asked, 0 when not possible (too long, budget).
 */
static int
val_dlv_ask(struct module_qstate *q, struct val_qstate *vq, int id)
{
	const uint8_t *reg = anchors_dlv(q->env->anchors);
	size_t nl = dname_len(vq->dlv_name) - 1, rl = dname_len(reg);
	uint8_t *n;

	if (nl + rl > DNAME_MAXLEN || !(n = region_alloc(q->region,
	    nl + rl))) {
		return 0;
	}
	memcpy(n, vq->dlv_name, nl);
	memcpy(n + nl, reg, rl);
	vq->ask = n;
	vq->walk = WALK_DLV;
	return val_ask(q, vq, n, RR_TYPE_DLV, id) == RES_OK;
}

/**
 * The answer to a DLV question (WALK_DLV).
 * @return 1 to go on with the DNSKEY of dlv_name checked against the DLV
 *	records as its DS (vq->ds, vq->ask set, the question out), 2 when
 *	a shorter name was asked, 0 when nothing was found (insecure
 *	stands), -1 when the DLV answer is bogus (vq->ede, vq->reason).
 */
static int
val_dlv_result(struct module_qstate *q, struct val_qstate *vq, int id)
{
	const struct reply *sub = vq->sub;
	struct reply_rrset *dlv;
	char zn[DNAME_MAXSTR], why[VAL_WHY];

	vname(vq->dlv_name, zn, sizeof(zn));
	if (!sub || sub->security == RRSET_SEC_BOGUS) {
		/* The validator of the DLV question said bogus (or it
		 * failed): the zone is bogus, not insecure (RFC 5074
		 * section 5). */
		vq->ede = EDE_DNSSEC_BOGUS;
		snprintf(why, sizeof(why), "the DLV lookaside record of %s "
		    "in %s%s", zn, vname(anchors_dlv(q->env->anchors), zn,
		    sizeof(zn)), sub ? " is bogus" : " could not be "
		    "validated");
		vq->reason = region_copy(q->region, why, strlen(why) + 1);
		return -1;
	}
	if (sub->security != RRSET_SEC_SECURE) {
		verbose(VERB_ALGO, "validator: DLV answer for %s not secure",
		    zn);
		return 0;
	}
	dlv = reply_find(sub, MSG_SEC_ANSWER, vq->ask, RR_TYPE_DLV,
	    RR_CLASS_IN);
	if (dlv && dlv->count > 0) {
		/* The DLV records stand for the DS of dlv_name (RFC 4431
		 * section 2: the same format). */
		struct reply_rrset *ds = region_alloc(q->region, sizeof(*ds));

		if (!ds) {
			return 0;
		}
		*ds = *dlv;
		ds->type = RR_TYPE_DS;
		ds->owner = vq->dlv_name;
		ds->sigcount = 0;
		vq->ds = ds;
		vq->via_dlv = 1;
		vq->ask = (uint8_t *)vq->dlv_name;
		verbose(VERB_ALGO, "validator: DLV for %s found", zn);
		vq->walk = WALK_KEYS;
		if (val_ask(q, vq, vq->ask, RR_TYPE_DNSKEY, id) != RES_OK) {
			return 0;
		}
		return 1;
	}
	/* Proven absent: a shorter name, down to the insecure cut. */
	if (dname_equal(vq->dlv_name, vq->dlv_cut) ||
	    dname_is_root(vq->dlv_name)) {
		return 0;
	}
	vq->dlv_name = dname_parent(vq->dlv_name);
	return val_dlv_ask(q, vq, id) ? 2 : 0;
}

/**
 * The walk ends with a key set; an insecure one may still be saved by
 * the DLV registry (val_dlv_start()).
 * @return ks, or NULL when a DLV question went out (the walk waits).
 */
static struct val_keyset *
val_walk_end(struct module_qstate *q, struct val_qstate *vq,
    struct val_keyset *ks, int id)
{
	if (ks && ks->status == VAL_INSECURE && val_dlv_start(q, vq, ks->zone,
	    id)) {
		vq->dlv_ins = ks;
		return NULL;
	}
	return ks;
}

/**
 * The key walk (see the top of this file).  Resumed after each subquery.
 * @return the key set of the zone wanted (secure, insecure, or bogus
 *	with its reason), or NULL when waiting for a subquery (or failed:
 *	then vq->overall is bogus).
 */
static struct val_keyset *
val_walk(struct module_qstate *q, int id, struct val_qstate *vq)
{
	struct module_env *env = q->env;
	char zn[DNAME_MAXSTR], why[VAL_WHY];
	int tl = dname_count_labels(vq->target);

	for (;;) {
		switch (vq->walk) {
		case WALK_START: {
			struct key_entry *e;
			const struct trust_anchor *ta;

			if (anchors_is_insecure(env->anchors, vq->target)) {
				return val_keyset_new(q->region, vq->target,
				    VAL_INSECURE);
			}
			ta = anchors_lookup(env->anchors, vq->target,
			    RR_CLASS_IN);
			if (!ta) {
				return val_keyset_new(q->region, vq->target,
				    VAL_INDETERMINATE);
			}
			if (ta->broken) {
				val_bogus(q, vq, ta->name, EDE_OTHER, "the trust "
				    "anchor is broken: %s", ta->broken);
				return NULL;
			}
			e = q->no_cache ? NULL : key_cache_lookup_closest(
			    env->key_cache, vq->target, RR_CLASS_IN,
			    *env->now);
			if (e && dname_is_subdomain(e->zone, ta->name)) {
				vq->ks = val_keyset_from_cache(q->region, e);
				key_cache_release(env->key_cache, e);
				if (!vq->ks) {
					return NULL;
				}
				if (vq->ks->status != VAL_SECURE) {
					return val_walk_end(q, vq, vq->ks, id);
				}
				vq->noncut_labels = dname_count_labels(
				    vq->ks->zone);
				vq->walk = WALK_DOWN;
				break;
			}
			key_cache_release(env->key_cache, e);
			vq->anchor = ta;
			vq->ask = ta->name;
			vq->walk = WALK_ANCHOR_KEYS;
			if (val_ask(q, vq, ta->name, RR_TYPE_DNSKEY, id) !=
			    RES_OK) {
				val_bogus(q, vq, ta->name, EDE_DNSKEY_MISSING,
				    "cannot ask the DNSKEY of the trust "
				    "anchor %s", vname(ta->name, zn,
				    sizeof(zn)));
				return NULL;
			}
			return NULL;
		}
		case WALK_ANCHOR_KEYS:
		case WALK_KEYS: {
			struct reply_rrset *keys;
			struct val_keyset *known;
			int st, ede = 0;

			if (!vq->sub_done) {
				return NULL;
			}
			vq->sub_done = 0;
			if ((known = val_walk_known(q, vq->ask)) != NULL) {
				if (val_walk_take(vq, known)) {
					break;
				}
				return val_walk_end(q, vq, known, id);
			}
			vname(vq->ask, zn, sizeof(zn));
			keys = vq->sub ? reply_find(vq->sub, MSG_SEC_ANSWER,
			    vq->ask, RR_TYPE_DNSKEY, RR_CLASS_IN) : NULL;
			if (!keys) {
				vq->ks = val_keyset_new(q->region, vq->ask,
				    VAL_BOGUS);
				if (!vq->ks) {
					return NULL;
				}
				vq->ks->ede = EDE_DNSKEY_MISSING;
				snprintf(why, sizeof(why), "no DNSKEY RRset for "
				    "%s", zn);
				vq->ks->reason = region_copy(q->region, why,
				    strlen(why) + 1);
				val_trace_keys(q, vq, NULL, VAL_BOGUS,
				    EDE_DNSKEY_MISSING, why);
				val_keyset_store(env, vq->ks);
				return vq->ks;
			}
			if (vq->walk == WALK_ANCHOR_KEYS &&
			    keys->security == RRSET_SEC_UNCHECKED) {
				/* Fetched now, not checked before. */
				val_signal_keytags(q, vq->anchor);
			}
			if (vq->walk == WALK_ANCHOR_KEYS) {
				st = val_check_dnskeys(q, vq, keys,
				    (const uint8_t **)vq->anchor->ds,
				    vq->anchor->ds_len, vq->anchor->num_ds,
				    (const uint8_t **)vq->anchor->dnskey,
				    vq->anchor->dnskey_len,
				    vq->anchor->num_dnskey, &ede, why,
				    sizeof(why));
			} else {
				st = val_check_dnskeys(q, vq, keys,
				    (const uint8_t **)vq->ds->rd, vq->ds->rdlen,
				    vq->ds->count, NULL, NULL, 0, &ede, why,
				    sizeof(why));
			}
			val_trace_keys(q, vq, keys, st, ede, why);
			val_store_verdict(env, keys, st == VAL_SECURE ?
			    RRSET_SEC_SECURE : st == VAL_BOGUS ?
			    RRSET_SEC_BOGUS : RRSET_SEC_INSECURE, ede, why);
			if (st == VAL_SECURE) {
				vq->ks = val_keyset_from_rrset(q->region,
				    keys);
			} else {
				vq->ks = val_keyset_new(q->region, vq->ask,
				    st);
			}
			if (!vq->ks) {
				return NULL;
			}
			if (st == VAL_BOGUS) {
				vq->ks->ede = ede;
				vq->ks->reason = region_copy(q->region, why,
				    strlen(why) + 1);
			}
			val_keyset_store(env, vq->ks);
			if (st != VAL_SECURE) {
				if (st == VAL_INSECURE) {
					verbose(VERB_ALGO, "validator: %s is "
					    "insecure (no supported DS "
					    "algorithm)", zn);
				}
				return vq->ks;
			}
			vq->noncut_labels = dname_count_labels(vq->ks->zone);
			vq->walk = WALK_DOWN;
			break;
		}
		case WALK_DOWN: {
			int want = vq->noncut_labels + 1;
			const uint8_t *p = vq->target;
			int n = tl;
			struct val_keyset *known;

			if (vq->exact && dname_equal(vq->ks->zone,
			    vq->target)) {
				return vq->ks;
			}
			if (want > tl) {
				/* Every name down to the target checked: the
				 * target is in this zone. */
				return vq->ks;
			}
			while (n-- > want) {
				p = dname_parent(p);
			}
			if ((known = val_walk_known(q, p)) != NULL) {
				if (val_walk_take(vq, known)) {
					break;
				}
				return val_walk_end(q, vq, known, id);
			}
			vq->ask = (uint8_t *)p;
			vq->walk = WALK_DS;
			if (val_ask(q, vq, p, RR_TYPE_DS, id) != RES_OK) {
				val_bogus(q, vq, vq->ks->zone,
				    EDE_DNSKEY_MISSING, "cannot ask the DS "
				    "of %s", vname(p, zn, sizeof(zn)));
				return NULL;
			}
			return NULL;
		}
		case WALK_DS: {
			struct val_keyset *known;
			int r;

			if (!vq->sub_done) {
				return NULL;
			}
			vq->sub_done = 0;
			if ((known = val_walk_known(q, vq->ask)) != NULL) {
				if (val_walk_take(vq, known)) {
					break;
				}
				return val_walk_end(q, vq, known, id);
			}
			r = val_ds_result(q, vq, vq->sub, &vq->ds);
			val_trace_ds(q, vq, r);
			if (r < 0) {
				struct val_keyset *b = val_keyset_new(q->region,
				    vq->ask, VAL_BOGUS);

				if (b) {
					b->ede = vq->ede;
					b->reason = vq->reason;
					val_keyset_store(env, b);
				}
				return b;
			}
			if (r == 2) {
				struct val_keyset *ins = val_keyset_new(
				    q->region, vq->ask, VAL_INSECURE);

				if (ins) {
					val_keyset_store(env, ins);
				}
				return val_walk_end(q, vq, ins, id);
			}
			if (r == 3) {
				/* The name does not exist: the target is in
				 * the zone above. */
				return vq->ks;
			}
			if (r == 0) {
				vq->noncut_labels++;
				vq->walk = WALK_DOWN;
				break;
			}
			/* A verified DS: fetch and check the child's keys. */
			vq->walk = WALK_KEYS;
			if (val_ask(q, vq, vq->ask, RR_TYPE_DNSKEY, id) !=
			    RES_OK) {
				val_bogus(q, vq, vq->ask, EDE_DNSKEY_MISSING,
				    "cannot ask the DNSKEY of %s",
				    vname(vq->ask, zn, sizeof(zn)));
				return NULL;
			}
			return NULL;
		}
		case WALK_DLV: {
			struct val_keyset *b;
			int r;

			if (!vq->sub_done) {
				return NULL;
			}
			vq->sub_done = 0;
			r = val_dlv_result(q, vq, id);
			if (r > 0) {
				return NULL;
			}
			if (r == 0) {
				return vq->dlv_ins;
			}
			b = val_keyset_new(q->region, vq->dlv_name, VAL_BOGUS);
			if (b) {
				b->ede = vq->ede;
				b->reason = vq->reason;
			}
			return b;
		}
		}
	}
}

/**
 * Is an unsigned CNAME the one a DNAME of the same answer synthesizes
 * (RFC 6672 section 2.2 / 5.3.1)?  Then it needs no signature of its own:
 * the DNAME is validated as its own item.
 */
static int
val_synthesized_cname(const struct reply *rep, const struct reply_rrset *s)
{
	uint8_t want[DNAME_MAXLEN];
	size_t i, plen, tlen;

	if (s->type != RR_TYPE_CNAME || s->count != 1) {
		return 0;
	}
	for (i = 0; i < rep->an; i++) {
		const struct reply_rrset *d = rep->rrsets[i];

		if (d->type != RR_TYPE_DNAME || d->count != 1 ||
		    d->sigcount == 0 ||
		    !dname_is_strict_subdomain(s->owner, d->owner) ||
		    dname_check(d->rd[0], d->rdlen[0], &tlen) != RES_OK) {
			continue;
		}
		plen = dname_len(s->owner) - dname_len(d->owner);
		if (plen + tlen > DNAME_MAXLEN) {
			continue;
		}
		memcpy(want, s->owner, plen);
		memcpy(want + plen, d->rd[0], tlen);
		if (dname_check(s->rd[0], s->rdlen[0], NULL) == RES_OK &&
		    dname_equal(want, s->rd[0])) {
			return 1;
		}
	}
	return 0;
}

/** Start a walk for a name. */
static void
val_walk_start(struct val_qstate *vq, const uint8_t *target, int exact)
{
	vq->target = (uint8_t *)target;
	vq->exact = exact;
	vq->walk = WALK_START;
	vq->ks = NULL;
	vq->ds = NULL;
	vq->sub_done = 0;
}

/**
 * Validate the next item of the answer.
 * @return 1 when an item was finished (go on), 0 when waiting, -1 when
 *	every item is done.
 */
static int
val_next_item(struct module_qstate *q, int id, struct val_qstate *vq)
{
	struct reply *rep = vq->rep;
	char on[DNAME_MAXSTR], tn[16], why[VAL_WHY];
	struct val_keyset *ks;
	int r;

	/* Answer-section RRsets. */
	while (vq->next < rep->an && rep->rrsets[vq->next]->type ==
	    RR_TYPE_RRSIG) {
		vq->next++;
	}
	if (vq->next < rep->an) {
		struct reply_rrset *s = rep->rrsets[vq->next];
		const uint8_t *signer = val_signer(s);
		const uint8_t *wp = NULL;

		if (!signer && val_synthesized_cname(rep, s)) {
			/* Validated through its DNAME (RFC 6672 5.3.1). */
			vq->next++;
			return 1;
		}
		if (s->security == RRSET_SEC_SECURE &&
		    s->trust == RRSET_TRUST_VALIDATED) {
			/* From the cache, where only the validator puts a
			 * secure verdict, after the whole answer it came in
			 * was proven (its wildcard proof too, which may
			 * have had a shorter TTL and be gone). */
			vq->next++;
			return 1;
		}

		if (!vq->target) {
			const uint8_t *t = signer ? signer : s->owner;

			/* The DS RRset is the parent's (RFC 4035 5.2). */
			if (!signer && s->type == RR_TYPE_DS &&
			    !dname_is_root(t)) {
				t = dname_parent(t);
			}
			val_walk_start(vq, t, signer != NULL);
		}
		ks = val_walk(q, id, vq);
		if (!ks) {
			if (vq->overall == VAL_BOGUS) {
				return -1;
			}
			return 0;
		}
		vname(s->owner, on, sizeof(on));
		vtype(s->type, tn, sizeof(tn));
		if (ks->status == VAL_BOGUS) {
			val_bogus(q, vq, ks->zone, ks->ede ? ks->ede :
			    EDE_DNSSEC_BOGUS, "%s", ks->reason ?
			    ks->reason : "chain of trust broken");
			return -1;
		}
		if (ks->status != VAL_SECURE) {
			val_insecure(vq);
			s->security = RRSET_SEC_INSECURE;
		} else if (!signer) {
			val_bogus(q, vq, ks->zone, EDE_RRSIGS_MISSING,
			    "no RRSIG for %s %s in the signed zone %s", on,
			    tn, vname(ks->zone, why, sizeof(why)));
			return -1;
		} else if ((r = val_verify_rrset(q, vq, ks, s, &wp, why,
		    sizeof(why))) != VAL_OK) {
			val_bogus(q, vq, ks->zone, r, "%s", why);
			return -1;
		} else {
			s->security = RRSET_SEC_SECURE;
			s->trust = RRSET_TRUST_VALIDATED;
			if (wp) {
				/* RFC 4035 5.3.4: the expansion needs a proof
				 * that its owner itself does not exist. */
				if (vq->nexp >= VAL_MAX_EXPANSIONS) {
					val_bogus(q, vq, ks->zone, EDE_OTHER,
					    "more than %d wildcard expansions "
					    "in one answer",
					    VAL_MAX_EXPANSIONS);
					return -1;
				}
				vq->exp[vq->nexp].owner = s->owner;
				vq->exp[vq->nexp].parent = wp;
				vq->exp[vq->nexp].signer = signer;
				vq->exp[vq->nexp].ks = ks;
				vq->exp[vq->nexp].rrset = s;
				vq->nexp++;
			}
		}
		vq->next++;
		vq->target = NULL;
		return 1;
	}
	if (vq->proof_done) {
		return -1;
	}
	return val_proof(q, id, vq);
}

/** Report a denial proof's result to a trace. */
static void
val_trace_denial(struct module_qstate *q, const struct val_keyset *ks,
    const uint8_t *name, int nsec3, size_t n, enum val_nsec_result res,
    const char *what)
{
	struct trace_event ev;

	if (!q->trace) {
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = TRACE_DENIAL;
	ev.zone = ks->zone;
	ev.name = name;
	ev.type = q->qinfo.qtype;
	ev.num = nsec3;
	ev.count = n;
	ev.status = res == VAL_NSEC_PROVEN ? TRACE_SECURE :
	    res == VAL_NSEC_INSECURE || res == VAL_NSEC_ITERATIONS ?
	    TRACE_INSECURE : TRACE_BOGUS;
	ev.ede = -1;
	ev.text = what;
	module_trace(q, &ev);
}

/**
 * The Next Domain Name and the type bitmap of an NSEC RDATA.
 * @return 0, or -1 when the RDATA is malformed.
 */
static int
val_nsec_fields(const uint8_t *rd, uint16_t len, const uint8_t **next,
    const uint8_t **bm, size_t *bmlen)
{
	size_t nl;

	if (dname_check(rd, len, &nl) != RES_OK ||
	    !val_nsec_bitmap_valid(rd + nl, len - nl)) {
		return -1;
	}
	*next = rd;
	*bm = rd + nl;
	*bmlen = len - nl;
	return 0;
}

/** The parameters of an NSEC3 RDATA (RFC 5155 section 3.2). */
struct val_nsec3_params {
	/** Hash algorithm and flags. */
	uint8_t algo, flags;
	/** Additional iterations. */
	uint16_t iterations;
	/** Salt and its length. */
	const uint8_t *salt;
	size_t saltlen;
	/** Next hashed owner and its length. */
	const uint8_t *next;
	size_t nextlen;
};

/**
 * The fields of an NSEC3 RDATA.
 * @return 0, or -1 when the RDATA is malformed.
 */
static int
val_nsec3_fields(const uint8_t *rd, uint16_t len,
    struct val_nsec3_params *p)
{
	size_t at;

	if (len < 6) {
		return -1;
	}
	p->algo = rd[0];
	p->flags = rd[1];
	p->iterations = (uint16_t)(rd[2] << 8 | rd[3]);
	p->saltlen = rd[4];
	p->salt = rd + 5;
	at = 5 + p->saltlen;
	if (at + 1 > len) {
		return -1;
	}
	p->nextlen = rd[at];
	p->next = rd + at + 1;
	if (at + 1 + p->nextlen > len || p->nextlen == 0) {
		return -1;
	}
	return 0;
}

/**
 * The owner name of a hash in a zone: its base32hex label, then the zone.
 * @param hash, hashlen: the hash.
 * @param zone: the zone.
 * @param out: receives the name (DNAME_MAXLEN octets).
 * @return 0, or -1 when it does not fit.
 */
static int
val_nsec3_owner(const uint8_t *hash, size_t hashlen, const uint8_t *zone,
    uint8_t *out)
{
	char b32[64];
	int l = val_b32hex_encode(hash, hashlen, b32, sizeof(b32));
	size_t zl = dname_len(zone);

	if (l <= 0 || l > 63 || 1 + (size_t)l + zl > DNAME_MAXLEN) {
		return -1;
	}
	out[0] = (uint8_t)l;
	memcpy(out + 1, b32, (size_t)l);
	memcpy(out + 1 + l, zone, zl);
	return 0;
}

int
val_nsec3_next_name(const uint8_t *rd, uint16_t len, const uint8_t *zone,
    uint8_t *out)
{
	struct val_nsec3_params p;

	if (val_nsec3_fields(rd, len, &p) != 0 ||
	    val_nsec3_owner(p.next, p.nextlen, zone, out) != 0) {
		return -1;
	}
	return 0;
}

/**
 * Put the ranges of validated NSEC and NSEC3 records into the index
 * (aggressive-nsec), until their TTL or, with a SOA, its negative TTL
 * (RFC 8198 section 5.4).
 */
static void
val_index_nsec(struct module_qstate *q, const uint8_t *zone,
    struct reply_rrset **set, size_t n, const struct reply_rrset *soa)
{
	struct module_env *env = q->env;
	const uint8_t *next, *bm;
	uint32_t cap = 0xffffffffu, ttl;
	size_t i, bmlen;

	if (!env->neg_cache) {
		return;
	}
	if (soa && soa->count == 1 && soa->rdlen[0] >= 20) {
		uint32_t min = wire_get32(soa->rd[0] + soa->rdlen[0] - 4);

		cap = soa->ttl < min ? soa->ttl : min;
	}
	for (i = 0; i < n; i++) {
		const struct reply_rrset *s = set[i];
		struct val_nsec3_params p3;
		uint8_t n3[DNAME_MAXLEN];

		if (s->count != 1) {
			continue;
		}
		if (s->type == RR_TYPE_NSEC3) {
			/* The next hashed owner, as a name of the zone. */
			if (val_nsec3_fields(s->rd[0], s->rdlen[0], &p3) != 0 ||
			    val_nsec3_owner(p3.next, p3.nextlen, zone, n3) !=
			    0) {
				continue;
			}
			next = n3;
		} else if (s->type != RR_TYPE_NSEC ||
		    val_nsec_fields(s->rd[0], s->rdlen[0], &next, &bm,
		    &bmlen) != 0) {
			continue;
		}
		ttl = s->ttl < cap ? s->ttl : cap;
		if (ttl == 0) {
			continue;
		}
		(void)neg_cache_insert(env->neg_cache, zone, s->owner, next,
		    *env->now + (time_t)ttl, *env->now);
	}
}

/**
 * Act on the result of one denial proof.
 * @return 1 proven (go on), 0 insecure (noted; go on), -1 bogus (noted).
 */
static int
val_denial_verdict(struct module_qstate *q, struct val_qstate *vq,
    const struct val_keyset *ks, struct reply_rrset **set, size_t n,
    int nsec3, enum val_nsec_result res, const char *what,
    const char *name)
{
	size_t i;

	switch (res) {
	case VAL_NSEC_PROVEN:
		for (i = 0; i < n; i++) {
			set[i]->security = RRSET_SEC_SECURE;
		}
		return 1;
	case VAL_NSEC_INSECURE:
		val_insecure(vq);
		return 0;
	case VAL_NSEC_ITERATIONS:
		/* RFC 9276 section 3.2: insecure, with EDE 27. */
		val_insecure(vq);
		if (vq->ede < 0) {
			vq->ede = EDE_NSEC3_ITERATIONS;
			vq->reason = "NSEC3 iterations above the limit";
		}
		return 0;
	case VAL_NSEC_BUDGET:
		val_bogus(q, vq, ks->zone, EDE_OTHER,
		    "NSEC3 work limit reached for %s", name);
		return -1;
	default:
		val_bogus(q, vq, ks->zone, EDE_NSEC_MISSING,
		    "the NSEC%s records do not prove the %s for %s",
		    nsec3 ? "3" : "", what, name);
		return -1;
	}
}

/**
 * A proven wildcard expansion: keep the RRset under the wildcard's own
 * name too (its RRSIG was made for that owner), validated, so that
 * aggressive-nsec can expand it for other names the cached NSEC records
 * show do not exist (RFC 8198 section 5.3).
 */
static void
val_keep_wildcard(struct module_qstate *q, const struct val_expansion *e)
{
	struct reply_rrset w;
	uint8_t name[DNAME_MAXLEN];
	size_t plen = dname_len(e->parent);

	if (!q->env->neg_cache || !e->rrset || plen + 2 > DNAME_MAXLEN ||
	    e->rrset->type == RR_TYPE_CNAME) {
		return;
	}
	name[0] = 1;
	name[1] = '*';
	memcpy(name + 2, e->parent, plen);
	w = *e->rrset;
	w.owner = name;
	w.section = MSG_SEC_ANSWER;
	w.security = RRSET_SEC_SECURE;
	w.trust = RRSET_TRUST_VALIDATED;
	(void)dns_cache_store_rrset(q->env, &w, NULL);
}

/**
 * The proof of one wildcard expansion (RFC 4035 section 5.3.4, RFC 5155
 * section 8.8): with the NSEC or NSEC3 records its signer gave, no name
 * closer than the wildcard's parent exists for the expanded owner.
 * @return as val_denial_verdict().
 */
static int
val_prove_expansion(struct module_qstate *q, struct val_qstate *vq,
    const struct val_expansion *e)
{
	struct reply_rrset *set[32];
	char on[DNAME_MAXSTR], why[VAL_WHY];
	enum val_nsec_result res;
	size_t n;
	int nsec3 = 0, r;

	vname(e->owner, on, sizeof(on));
	n = val_denials(vq->rep, RR_TYPE_NSEC, e->signer, set, 32);
	if (n == 0) {
		n = val_denials(vq->rep, RR_TYPE_NSEC3, e->signer, set, 32);
		nsec3 = 1;
	}
	if (n == 0) {
		val_bogus(q, vq, e->ks->zone, EDE_NSEC_MISSING, "no NSEC or "
		    "NSEC3 proves the wildcard expansion for %s", on);
		return -1;
	}
	if ((r = val_verify_denials(q, vq, e->ks, set, n, why,
	    sizeof(why))) != VAL_OK) {
		val_bogus(q, vq, e->ks->zone, r, "denial for %s: %s", on,
		    why);
		return -1;
	}
	res = nsec3 ? val_nsec3_wildcard_answer(&vq->nctx, set, n, e->owner,
	    e->parent, e->ks->zone) : val_nsec_wildcard_answer(set, n,
	    e->owner, e->parent);
	val_trace_denial(q, e->ks, e->owner, nsec3, n, res,
	    "wildcard expansion");
	if (res == VAL_NSEC_PROVEN) {
		val_index_nsec(q, e->ks->zone, set, n, NULL);
		val_keep_wildcard(q, e);
	}
	return val_denial_verdict(q, vq, e->ks, set, n, nsec3, res,
	    "wildcard expansion", on);
}

/**
 * The denial proofs: each wildcard expansion of the answer, then a
 * negative answer (NXDOMAIN, NODATA) at the end of its CNAME chain, with
 * NSEC or NSEC3 from the authority section, each proof with the records
 * of the zone it is about.
 */
static int
val_proof(struct module_qstate *q, int id, struct val_qstate *vq)
{
	struct reply *rep = vq->rep;
	struct reply_rrset *set[32], *soa = NULL;
	const uint8_t *qname = q->qinfo.qname, *signer = NULL;
	char qn[DNAME_MAXSTR], why[VAL_WHY];
	size_t i, n;
	int negative, nsec3 = 0, r;
	enum val_nsec_result res;

	while (vq->exp_done < vq->nexp) {
		if (val_prove_expansion(q, vq, &vq->exp[vq->exp_done]) < 0) {
			return -1;
		}
		vq->exp_done++;
	}
	/* The name the negative proof is about: the end of a CNAME
	 * chain. */
	if (q->qinfo.qtype != RR_TYPE_CNAME) {
		int hops = 0;
		struct reply_rrset *c;

		while ((c = reply_find(rep, MSG_SEC_ANSWER, qname,
		    RR_TYPE_CNAME, RR_CLASS_IN)) != NULL && c->count == 1 &&
		    dname_check(c->rd[0], c->rdlen[0], NULL) == RES_OK &&
		    ++hops <= 16) {
			qname = c->rd[0];
		}
	}
	negative = rep->rcode == MSG_RCODE_NXDOMAIN ||
	    (rep->rcode == MSG_RCODE_NOERROR &&
	    q->qinfo.qtype != RR_TYPE_ANY &&
	    !reply_find(rep, MSG_SEC_ANSWER, qname, q->qinfo.qtype,
	    RR_CLASS_IN));
	if (!negative) {
		vq->proof_done = 1;
		return -1;
	}
	vname(qname, qn, sizeof(qn));
	for (i = rep->an; i < rep->an + rep->ns; i++) {
		if (rep->rrsets[i]->type == RR_TYPE_SOA) {
			soa = rep->rrsets[i];
		}
	}
	/* The zone that denies: the SOA's signer, else the first denial's
	 * (the proofs of the chain's wildcard expansions may be there too,
	 * from other zones). */
	if (soa) {
		signer = val_signer(soa);
	}
	if (!signer) {
		n = val_denials(rep, RR_TYPE_NSEC, NULL, set, 32);
		if (n == 0) {
			n = val_denials(rep, RR_TYPE_NSEC3, NULL, set, 32);
		}
		signer = n > 0 ? val_signer(set[0]) : NULL;
	}
	n = val_denials(rep, RR_TYPE_NSEC, signer, set, 32);
	if (n == 0) {
		n = val_denials(rep, RR_TYPE_NSEC3, signer, set, 32);
		nsec3 = 1;
	}
	if (!vq->proof_ks || (signer && !dname_equal(vq->proof_ks->zone,
	    signer))) {
		/* Keys of the zone that denies: its signer, or for an
		 * unsigned denial the SOA owner's zone (to prove it is
		 * insecure). */
		if (!vq->target) {
			const uint8_t *t = signer ? signer : soa ? soa->owner :
			    qname;

			val_walk_start(vq, t, signer != NULL);
		}
		vq->proof_ks = val_walk(q, id, vq);
		if (!vq->proof_ks) {
			return vq->overall == VAL_BOGUS ? -1 : 0;
		}
		vq->target = NULL;
	}
	vq->proof_done = 1;
	if (vq->proof_ks->status == VAL_BOGUS) {
		val_bogus(q, vq, vq->proof_ks->zone, vq->proof_ks->ede ?
		    vq->proof_ks->ede : EDE_DNSSEC_BOGUS, "%s",
		    vq->proof_ks->reason ? vq->proof_ks->reason :
		    "chain of trust broken");
		return -1;
	}
	if (vq->proof_ks->status != VAL_SECURE) {
		val_insecure(vq);
		return -1;
	}
	if (n == 0) {
		val_bogus(q, vq, vq->proof_ks->zone, EDE_NSEC_MISSING,
		    "no NSEC or NSEC3 proves the %s for %s",
		    rep->rcode == MSG_RCODE_NXDOMAIN ? "name error" :
		    "missing type", qn);
		return -1;
	}
	if (soa && (r = val_verify_rrset(q, vq, vq->proof_ks, soa, NULL, why,
	    sizeof(why))) != VAL_OK) {
		val_bogus(q, vq, vq->proof_ks->zone, r,
		    "SOA of the negative answer for %s: %s", qn, why);
		return -1;
	}
	if (soa) {
		soa->security = RRSET_SEC_SECURE;
		soa->trust = RRSET_TRUST_VALIDATED;
	}
	if ((r = val_verify_denials(q, vq, vq->proof_ks, set, n, why,
	    sizeof(why))) != VAL_OK) {
		val_bogus(q, vq, vq->proof_ks->zone, r, "denial for %s: %s",
		    qn, why);
		return -1;
	}
	if (rep->rcode == MSG_RCODE_NXDOMAIN) {
		res = nsec3 ? val_nsec3_nxdomain(&vq->nctx, set, n, qname,
		    vq->proof_ks->zone) : val_nsec_nxdomain(set, n, qname,
		    vq->proof_ks->zone);
		if (res != VAL_NSEC_PROVEN && q->qinfo.qtype == RR_TYPE_DS &&
		    (nsec3 ? val_nsec3_nodata(&vq->nctx, set, n, qname,
		    RR_TYPE_DS, vq->proof_ks->zone) : val_nsec_nodata(set, n,
		    qname, RR_TYPE_DS, vq->proof_ks->zone)) ==
		    VAL_NSEC_PROVEN) {
			/* NXDOMAIN for the DS of an empty non-terminal the
			 * proof shows (the server's bug): NODATA, as Unbound
			 * answers it, with a note. */
			rep->rcode = MSG_RCODE_NOERROR;
			val_ent_note(q, vq, qn);
			res = VAL_NSEC_PROVEN;
		}
	} else {
		res = nsec3 ? val_nsec3_nodata(&vq->nctx, set, n, qname,
		    q->qinfo.qtype, vq->proof_ks->zone) :
		    val_nsec_nodata(set, n, qname, q->qinfo.qtype,
		    vq->proof_ks->zone);
	}
	val_trace_denial(q, vq->proof_ks, qname, nsec3, n, res,
	    rep->rcode == MSG_RCODE_NXDOMAIN ? "name error" :
	    "missing type");
	if (res == VAL_NSEC_PROVEN) {
		val_index_nsec(q, vq->proof_ks->zone, set, n, soa);
	}
	(void)val_denial_verdict(q, vq, vq->proof_ks, set, n, nsec3, res,
	    rep->rcode == MSG_RCODE_NXDOMAIN ? "name error" : "missing type",
	    qn);
	return -1;
}

/**
 * A bogus answer from one server need not be the zone's: one broken or
 * spoofed server gives it, the others may not.  Before SERVFAIL, the
 * server it came from is marked in the infra cache (asked only when no
 * other is left, until its entry expires) and the iterator starts the
 * question again from the network, up to val-max-restart times.
 * @return 1 when restarted.
 */
static int
val_restart(struct module_qstate *q, int id, struct val_qstate *vq)
{
	struct module_env *env = q->env;
	char qn[DNAME_MAXSTR], ad[64], tn[16];
	int i;

	if (q->restarts >= env->cfg->val_max_restart || vq->budget_spent ||
	    q->budget->exceeded || id + 1 >= MODULE_MAX || q->trace ||
	    q->val_saved == vq) {
		/* (The saved verdict is being given: no server is left.) */
		return 0;
	}
	if (q->answer_addrlen > 0 && q->answer_zone) {
		infra_cache_set_dnssec_lame(env->infra_cache, &q->answer_addr,
		    q->answer_addrlen, q->answer_zone, *env->now);
		comm_addr_to_str(&q->answer_addr, q->answer_addrlen, 0, ad,
		    sizeof(ad));
		/* Not asked again by this query. */
		if (!q->avoid && !(q->avoid = region_zalloc(q->region,
		    sizeof(*q->avoid)))) {
			return 0;
		}
		if (q->avoid->n >= MODULE_MAX_AVOID) {
			return 0;
		}
		memcpy(&q->avoid->addr[q->avoid->n], &q->answer_addr,
		    q->answer_addrlen);
		q->avoid->len[q->avoid->n++] = q->answer_addrlen;
	} else {
		snprintf(ad, sizeof(ad), "the cache");
	}
	if (!q->val_saved) {
		/* The first verdict is the one given when no other server
		 * helps. */
		q->val_saved = vq;
	}
	verbose(VERB_DETAIL, "validation failure <%s %s> from %s: %s; "
	    "asking again (%d of %d)", vname(q->qinfo.qname, qn, sizeof(qn)),
	    vtype(q->qinfo.qtype, tn, sizeof(tn)), ad, vq->reason ?
	    vq->reason : "", q->restarts + 1, env->cfg->val_max_restart);
	q->restarts++;
	q->no_answer_cache = 1;
	q->answer_addrlen = 0;
	q->answer_zone = NULL;
	q->return_msg = NULL;
	q->minfo[id] = NULL;
	for (i = id + 1; i < MODULE_MAX; i++) {
		/* The modules below start over (cachedb, iterator). */
		q->minfo[i] = NULL;
		q->ext_state[i] = MODULE_STATE_INITIAL;
	}
	q->ext_state[id] = MODULE_WAIT_MODULE;
	return 1;
}

/** Store the verdict in the cache and set up the client answer. */
static void
val_finish(struct module_qstate *q, int id, struct val_qstate *vq)
{
	struct module_env *env = q->env;
	struct reply *rep = vq->rep;
	char qn[DNAME_MAXSTR], tn[16];
	size_t i;

	switch (vq->overall) {
	case VAL_SECURE:
		rep->security = RRSET_SEC_SECURE;
		env->ctr.secure++;
		break;
	case VAL_BOGUS:
		rep->security = RRSET_SEC_BOGUS;
		env->ctr.bogus++;
		break;
	case VAL_INDETERMINATE:
		rep->security = RRSET_SEC_INDETERMINATE;
		env->ctr.insecure++;
		break;
	default:
		rep->security = RRSET_SEC_INSECURE;
		env->ctr.insecure++;
		break;
	}
	if (vq->via_dlv && vq->overall == VAL_SECURE && vq->ede < 0) {
		char why[VAL_WHY], rn[DNAME_MAXSTR];

		/* Said in the EDE and the trace. */
		snprintf(why, sizeof(why), "secure through the DLV lookaside "
		    "registry %s (RFC 5074)", vname(anchors_dlv(env->anchors),
		    rn, sizeof(rn)));
		vq->ede = EDE_OTHER;
		vq->reason = region_copy(q->region, why, strlen(why) + 1);
	}
	if (q->trace) {
		struct trace_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.kind = TRACE_VERDICT;
		ev.status = vq->overall;
		ev.zone = vq->overall == VAL_BOGUS ? vq->bogus_zone : NULL;
		ev.name = q->qinfo.qname;
		ev.type = q->qinfo.qtype;
		ev.ede = vq->ede;
		ev.text = vq->reason;
		ev.rep = rep;
		module_trace(q, &ev);
	}
	if (vq->overall == VAL_BOGUS && val_restart(q, id, vq)) {
		return;
	}
	if (vq->overall == VAL_BOGUS) {
		int lvl = env->cfg->val_log_level >= 1 ? VERB_NONE :
		    VERB_DETAIL;

		verbose(lvl, "validation failure <%s %s>: %s",
		    vname(q->qinfo.qname, qn, sizeof(qn)),
		    vtype(q->qinfo.qtype, tn, sizeof(tn)), vq->reason ?
		    vq->reason : "");
		if (env->note_bogus) {
			env->note_bogus(env->note_bogus_arg, q->qinfo.qname,
			    q->qinfo.qtype, vq->ede, vq->reason);
		}
		/* Cached as bogus for val-bogus-ttl (no storm of upstream
		 * queries for a broken zone). */
		for (i = 0; i < rep->an + rep->ns + rep->ar; i++) {
			struct reply_rrset *s = rep->rrsets[i];

			s->security = RRSET_SEC_BOGUS;
			s->ede = vq->ede;
			s->reason = vq->reason;
			if (s->ttl > (uint32_t)env->cfg->val_bogus_ttl) {
				s->ttl = (uint32_t)env->cfg->val_bogus_ttl;
			}
		}
		rep->ede = vq->ede;
		rep->ede_text = vq->reason;
		if (env->cfg->val_bogus_ttl > 0) {
			dns_cache_store_msg(env, &q->qinfo, q->query_flags, rep,
			    rep->rcode == MSG_RCODE_NXDOMAIN || rep->an == 0);
		}
		if (env->cfg->val_permissive_mode) {
			q->return_msg = rep;
			q->ext_state[id] = MODULE_FINISHED;
			return;
		}
		q->return_msg = NULL;
		q->return_rcode = MSG_RCODE_SERVFAIL;
		q->ede = vq->ede;
		q->ede_text = vq->reason;
		q->ext_state[id] = MODULE_FINISHED;
		return;
	}
	if (vq->ede >= 0) {
		/* A note on a good answer: NSEC3 iterations above the
		 * limit, an NXDOMAIN taken as NODATA. */
		rep->ede = vq->ede;
		rep->ede_text = vq->reason;
	}
	dns_cache_store_msg(env, &q->qinfo, q->query_flags, rep,
	    rep->rcode == MSG_RCODE_NXDOMAIN || rep->an == 0);
	if (vq->overall == VAL_SECURE && val_sentinel_fails(q)) {
		q->return_msg = NULL;
		q->return_rcode = MSG_RCODE_SERVFAIL;
		q->ede = EDE_OTHER;
		q->ext_state[id] = MODULE_FINISHED;
		return;
	}
	q->return_msg = rep;
	q->ext_state[id] = MODULE_FINISHED;
}

/** Run the validation until it waits or ends. */
static void
val_run(struct module_qstate *q, int id, struct val_qstate *vq)
{
	for (;;) {
		int r = val_next_item(q, id, vq);

		if (vq->budget_spent) {
			/* Not a verdict on the data: nothing is cached. */
			q->return_msg = NULL;
			q->ede = EDE_OTHER;
			q->ede_text = "the upstream query budget of this query "
			    "is spent";
			q->ext_state[id] = MODULE_ERROR;
			return;
		}
		if (r == 0) {
			if (q->ext_state[id] != MODULE_WAIT_SUBQUERY) {
				q->ext_state[id] = MODULE_WAIT_SUBQUERY;
			}
			return;
		}
		if (r < 0 && (vq->overall == VAL_BOGUS ||
		    (vq->next >= vq->rep->an && vq->proof_done))) {
			val_finish(q, id, vq);
			return;
		}
	}
}

/** The closest common ancestor of two names (a pointer into a). */
static const uint8_t *
val_common_ancestor(const uint8_t *a, const uint8_t *b)
{
	int la = dname_count_labels(a), lb = dname_count_labels(b);

	while (la > lb) {
		a = dname_parent(a);
		la--;
	}
	while (lb > la) {
		b = dname_parent(b);
		lb--;
	}
	while (a && b && !dname_equal(a, b)) {
		a = dname_parent(a);
		b = dname_parent(b);
	}
	return a;
}

/** A validated NSEC RRset from the RRset cache, with its fields; NULL
 * when it is not there, not secure or malformed. */
static struct reply_rrset *
val_cached_nsec(struct module_qstate *q, const uint8_t *owner,
    const uint8_t **next, const uint8_t **bm, size_t *bmlen)
{
	struct reply_rrset *s = dns_cache_lookup_rrset(q->env, q->region, owner,
	    RR_TYPE_NSEC, RR_CLASS_IN);

	if (!s || s->security != RRSET_SEC_SECURE || s->count != 1 ||
	    s->sigcount == 0 || val_nsec_fields(s->rd[0], s->rdlen[0], next,
	    bm, bmlen) != 0) {
		return NULL;
	}
	return s;
}

/** Room for the NSEC3 records of a synthesized answer. */
#define VAL_SYN_NSEC3_MAX 24

/**
 * Add the cached, validated NSEC3 record that matches or covers a hashed
 * name to a set (once), if it has the chain's parameters.
 * @return 0, or -1 when it is not there.
 */
static int
val_syn_nsec3_add(struct module_qstate *q, const uint8_t *name,
    const uint8_t *zone, const struct val_nsec3_params *want,
    struct reply_rrset **set, size_t *n)
{
	struct val_nsec3_params p;
	uint8_t h[VAL_NSEC3_HASHLEN], hn[DNAME_MAXLEN], z[DNAME_MAXLEN];
	uint8_t owner[DNAME_MAXLEN];
	struct reply_rrset *s;
	size_t i;

	if (val_nsec3_hash(name, want->salt, want->saltlen, want->iterations,
	    h) != 0 || val_nsec3_owner(h, sizeof(h), zone, hn) != 0 ||
	    !neg_cache_lookup(q->env->neg_cache, hn, *q->env->now, z, owner) ||
	    !dname_equal(z, zone)) {
		return -1;
	}
	for (i = 0; i < *n; i++) {
		if (dname_equal(set[i]->owner, owner)) {
			return 0;
		}
	}
	s = dns_cache_lookup_rrset(q->env, q->region, owner, RR_TYPE_NSEC3,
	    RR_CLASS_IN);
	if (!s || s->security != RRSET_SEC_SECURE || s->count != 1 ||
	    s->sigcount == 0 || *n >= VAL_SYN_NSEC3_MAX ||
	    val_nsec3_fields(s->rd[0], s->rdlen[0], &p) != 0 ||
	    p.algo != want->algo || p.iterations != want->iterations ||
	    p.saltlen != want->saltlen || memcmp(p.salt, want->salt,
	    p.saltlen) != 0) {
		return -1;
	}
	set[(*n)++] = s;
	return 0;
}

/**
 * Aggressive use of cached NSEC3 records (RFC 8198 section 5.2 allows
 * it): the records that match or cover the hashes of the name, of each
 * of its ancestors down to the zone and of the wildcard below each, and
 * the same proofs that check an upstream denial (RFC 5155 sections 8.4
 * to 8.7).  Only a proven denial answers; Opt-Out, an iteration count
 * above nsec3-max-iterations, or a missing record leave the question to
 * the iterator.
 * @param first: a cached NSEC3 record of the zone (its parameters).
 * @param set: receives the records (VAL_SYN_NSEC3_MAX).
 * @param n: receives their number.
 * @param nodata: receives 1 for NODATA, 0 for NXDOMAIN.
 * @param wdata: receives the cached wildcard RRset, its owner made the
 *	name, for an answer expanded from it (then *nodata is not set);
 *	else NULL.
 * @return 0 when proven, -1 when not.
 */
static int
val_synthesize_nsec3(struct module_qstate *q, const uint8_t *zone,
    const struct reply_rrset *first, struct reply_rrset **set, size_t *n,
    int *nodata, struct reply_rrset **wdata)
{
	const uint8_t *qname = q->qinfo.qname, *p;
	struct val_nsec3_params want;
	struct val_nsec_ctx ctx;
	uint8_t wc[DNAME_MAXLEN];
	size_t len;

	*n = 0;
	*wdata = NULL;
	if (val_nsec3_fields(first->rd[0], first->rdlen[0], &want) != 0 ||
	    want.algo != 1 || want.iterations >
	    (unsigned)q->env->cfg->nsec3_max_iterations ||
	    !dname_is_subdomain(qname, zone)) {
		return -1;
	}
	for (p = qname; p; p = dname_parent(p)) {
		(void)val_syn_nsec3_add(q, p, zone, &want, set, n);
		len = dname_len(p);
		if (p != qname && len + 2 <= DNAME_MAXLEN) {
			wc[0] = 1;
			wc[1] = '*';
			memcpy(wc + 2, p, len);
			(void)val_syn_nsec3_add(q, wc, zone, &want, set, n);
		}
		if (dname_equal(p, zone)) {
			break;
		}
	}
	if (*n == 0) {
		return -1;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.max_iterations = (unsigned)q->env->cfg->nsec3_max_iterations;
	ctx.hash_budget = VAL_MAX_NSEC3_HASHES;
	if (val_nsec3_nxdomain(&ctx, set, *n, qname, zone) ==
	    VAL_NSEC_PROVEN) {
		*nodata = 0;
		return 0;
	}
	if (val_nsec3_nodata(&ctx, set, *n, qname, q->qinfo.qtype, zone) ==
	    VAL_NSEC_PROVEN) {
		*nodata = 1;
		return 0;
	}
	/* A wildcard that exists: its cached RRset of the type, expanded
	 * when the next closer name is covered (RFC 5155 section 8.8). */
	if (q->qinfo.qtype == RR_TYPE_DS || q->qinfo.qtype == RR_TYPE_NSEC3) {
		return -1;
	}
	for (p = dname_parent(qname); p && dname_is_subdomain(p, zone);
	    p = dname_parent(p)) {
		struct reply_rrset *data;

		len = dname_len(p);
		if (len + 2 > DNAME_MAXLEN) {
			continue;
		}
		wc[0] = 1;
		wc[1] = '*';
		memcpy(wc + 2, p, len);
		data = dns_cache_lookup_rrset(q->env, q->region, wc,
		    q->qinfo.qtype, RR_CLASS_IN);
		if (data && data->security == RRSET_SEC_SECURE &&
		    data->count > 0 && data->sigcount > 0 &&
		    val_nsec3_wildcard_answer(&ctx, set, *n, qname, p, zone) ==
		    VAL_NSEC_PROVEN && (data->owner = region_copy(q->region,
		    qname, q->qinfo.qname_len)) != NULL) {
			*wdata = data;
			return 0;
		}
		if (dname_equal(p, zone)) {
			break;
		}
	}
	return -1;
}

/**
 * The answer expanded from a cached wildcard RRset (owner already the
 * name), with the records that prove the expansion in the authority
 * section; the smallest TTL of them all; secure.
 * @return the answer, or NULL (out of memory).
 */
static struct reply *
val_expanded_reply(struct module_qstate *q, struct reply_rrset *data,
    struct reply_rrset **proof, size_t np)
{
	struct reply *rep = reply_create(q->region, 1 + np);
	uint32_t ttl = data->ttl;
	size_t i;

	if (!rep) {
		return NULL;
	}
	for (i = 0; i < np; i++) {
		ttl = proof[i]->ttl < ttl ? proof[i]->ttl : ttl;
	}
	data->ttl = ttl;
	data->section = MSG_SEC_ANSWER;
	reply_add(rep, 1 + np, data, MSG_SEC_ANSWER);
	for (i = 0; i < np; i++) {
		proof[i]->ttl = ttl;
		proof[i]->section = MSG_SEC_AUTHORITY;
		reply_add(rep, 1 + np, proof[i], MSG_SEC_AUTHORITY);
	}
	rep->rcode = MSG_RCODE_NOERROR;
	rep->flags = MSG_FLAG_QR | MSG_FLAG_AA;
	rep->security = RRSET_SEC_SECURE;
	q->env->ctr.aggressive_wildcard++;
	return rep;
}

/**
 * Expand a cached, validated wildcard RRset of the asked type for a name
 * the NSEC record nsec shows does not exist (its closest encloser is the
 * wildcard's parent): the RRset with the name as owner (the RRSIG keeps
 * the wildcard's label count, as the server's own expansion would) and
 * nsec in the authority section, secure (RFC 8198 section 5.3).
 * @return the answer, or NULL when the cache has no such RRset.
 */
static struct reply *
val_expand_cached(struct module_qstate *q, struct reply_rrset *nsec,
    const uint8_t *wc)
{
	struct reply_rrset *data;

	if (q->qinfo.qtype == RR_TYPE_DS || q->qinfo.qtype == RR_TYPE_NSEC) {
		return NULL;
	}
	data = dns_cache_lookup_rrset(q->env, q->region, wc, q->qinfo.qtype,
	    RR_CLASS_IN);
	if (!data || data->security != RRSET_SEC_SECURE || data->count == 0 ||
	    data->sigcount == 0 || !(data->owner = region_copy(q->region,
	    q->qinfo.qname, q->qinfo.qname_len))) {
		return NULL;
	}
	return val_expanded_reply(q, data, &nsec, 1);
}




/**
 * Aggressive use of the validated cache (RFC 8198): answer NXDOMAIN or
 * NODATA from cached NSEC records that the validator checked, without
 * asking.  NXDOMAIN needs an NSEC covering the name and one covering the
 * wildcard at its closest encloser (RFC 4035 section 5.4), NODATA the
 * NSEC of the name without the type and CNAME; a record at a delegation
 * point speaks for DS only, and an apex record never for DS (the DS is
 * the parent's).  The answer carries the zone's SOA and the records, with
 * the smallest of their TTLs and the SOA's minimum (RFC 8198 section
 * 5.4), and is secure.  In a zone signed with NSEC3 the same denials come
 * from cached NSEC3 records (val_synthesize_nsec3()).  Under a wildcard
 * that exists, the answer is expanded from its cached RRset
 * (val_expand_cached()), or is the wildcard's NODATA.
 * @return the answer, or NULL to ask as usual.
 */
static struct reply *
val_synthesize(struct module_qstate *q)
{
	struct module_env *env = q->env;
	const uint8_t *qname = q->qinfo.qname, *next, *bm, *wnext, *wbm, *ce;
	uint8_t zone[DNAME_MAXLEN], owner[DNAME_MAXLEN], wowner[DNAME_MAXLEN];
	uint8_t wc[DNAME_MAXLEN], wz[DNAME_MAXLEN];
	uint16_t qtype = q->qinfo.qtype;
	struct reply_rrset *nsec, *wnsec = NULL, *soa, *n3, *wdata;
	struct reply_rrset *proof[VAL_SYN_NSEC3_MAX];
	struct reply *rep;
	size_t bmlen, wbmlen, celen, np = 0, i;
	uint32_t ttl, min;
	int nodata;

	if (!neg_cache_lookup(env->neg_cache, qname, *env->now, zone, owner)) {
		return NULL;
	}
	n3 = dns_cache_lookup_rrset(env, q->region, owner, RR_TYPE_NSEC3,
	    RR_CLASS_IN);
	if (n3 && n3->security == RRSET_SEC_SECURE && n3->count == 1) {
		if (val_synthesize_nsec3(q, zone, n3, proof, &np, &nodata,
		    &wdata) != 0) {
			return NULL;
		}
		if (wdata) {
			return val_expanded_reply(q, wdata, proof, np);
		}
		goto compose;
	}
	if (!(nsec = val_cached_nsec(q, owner, &next, &bm, &bmlen))) {
		return NULL;
	}
	if (dname_equal(owner, qname)) {
		/* The name exists: NODATA when the type is absent. */
		if (val_nsec_bitmap_has(bm, bmlen, qtype) ||
		    val_nsec_bitmap_has(bm, bmlen, RR_TYPE_CNAME)) {
			return NULL;
		}
		if (qtype == RR_TYPE_DS ? val_nsec_bitmap_has(bm, bmlen,
		    RR_TYPE_SOA) : (val_nsec_bitmap_has(bm, bmlen,
		    RR_TYPE_NS) && !val_nsec_bitmap_has(bm, bmlen,
		    RR_TYPE_SOA))) {
			return NULL;
		}
		nodata = 1;
	} else {
		if (!val_nsec_covers(owner, next, qname, zone)) {
			return NULL;
		}
		/* Below a delegation point or a DNAME the records of this
		 * zone do not speak. */
		if (dname_is_strict_subdomain(qname, owner) &&
		    (val_nsec_bitmap_has(bm, bmlen, RR_TYPE_DNAME) ||
		    (val_nsec_bitmap_has(bm, bmlen, RR_TYPE_NS) &&
		    !val_nsec_bitmap_has(bm, bmlen, RR_TYPE_SOA)))) {
			return NULL;
		}
		if (dname_is_strict_subdomain(next, qname)) {
			/* Names below it: an empty non-terminal, NODATA. */
			nodata = 1;
		} else {
			nodata = 0;
			/* The closest encloser, and no wildcard there. */
			ce = val_common_ancestor(qname, owner);
			if (dname_count_labels(val_common_ancestor(qname,
			    next)) > dname_count_labels(ce)) {
				ce = val_common_ancestor(qname, next);
			}
			celen = dname_len(ce);
			if (!dname_is_subdomain(ce, zone) || celen + 2 >
			    DNAME_MAXLEN) {
				return NULL;
			}
			wc[0] = 1;
			wc[1] = '*';
			memcpy(wc + 2, ce, celen);
			if ((rep = val_expand_cached(q, nsec, wc)) != NULL) {
				return rep;
			}
			if (!neg_cache_lookup(env->neg_cache, wc, *env->now, wz,
			    wowner) || !dname_equal(wz, zone)) {
				return NULL;
			}
			if (!dname_equal(wowner, owner)) {
				if (!(wnsec = val_cached_nsec(q, wowner, &wnext,
				    &wbm, &wbmlen))) {
					return NULL;
				}
			} else {
				wnext = next;
				wbm = bm;
				wbmlen = bmlen;
			}
			if (dname_equal(wowner, wc)) {
				/* The wildcard exists (RFC 8198 section 5.3)
				 * and its data is not cached (else it was
				 * expanded above): NODATA when its NSEC lacks
				 * the type and CNAME (RFC 4035 section
				 * 3.1.3.4). */
				if (val_nsec_bitmap_has(wbm, wbmlen, qtype) ||
				    val_nsec_bitmap_has(wbm, wbmlen,
				    RR_TYPE_CNAME) || qtype == RR_TYPE_DS) {
					return NULL;
				}
				nodata = 1;
			} else if (!val_nsec_covers(wowner, wnext, wc,
			    zone)) {
				return NULL;
			}
		}
	}
	proof[np++] = nsec;
	if (wnsec) {
		proof[np++] = wnsec;
	}
compose:
	soa = dns_cache_lookup_rrset(env, q->region, zone, RR_TYPE_SOA,
	    RR_CLASS_IN);
	if (!soa || soa->security != RRSET_SEC_SECURE || soa->count != 1 ||
	    soa->rdlen[0] < 20) {
		return NULL;
	}
	min = wire_get32(soa->rd[0] + soa->rdlen[0] - 4);
	ttl = soa->ttl < min ? soa->ttl : min;
	for (i = 0; i < np; i++) {
		ttl = proof[i]->ttl < ttl ? proof[i]->ttl : ttl;
	}
	if (!(rep = reply_create(q->region, 1 + np))) {
		return NULL;
	}
	rep->rcode = nodata ? MSG_RCODE_NOERROR : MSG_RCODE_NXDOMAIN;
	rep->flags = MSG_FLAG_QR | MSG_FLAG_AA;
	soa->ttl = ttl;
	soa->section = MSG_SEC_AUTHORITY;
	reply_add(rep, 1 + np, soa, MSG_SEC_AUTHORITY);
	for (i = 0; i < np; i++) {
		proof[i]->ttl = ttl;
		proof[i]->section = MSG_SEC_AUTHORITY;
		reply_add(rep, 1 + np, proof[i], MSG_SEC_AUTHORITY);
	}
	rep->security = RRSET_SEC_SECURE;
	if (nodata) {
		env->ctr.aggressive_nodata++;
	} else {
		env->ctr.aggressive_nxdomain++;
	}
	return rep;
}

/** The verdict of a reply validated earlier (from the cache). */
static void
val_cached_verdict(struct module_qstate *q, int id)
{
	struct reply *rep = q->return_msg;

	if (rep->security == RRSET_SEC_BOGUS &&
	    !q->env->cfg->val_permissive_mode) {
		q->return_msg = NULL;
		q->return_rcode = MSG_RCODE_SERVFAIL;
		q->ede = rep->ede >= 0 ? rep->ede : EDE_DNSSEC_BOGUS;
		q->ede_text = rep->ede_text;
		q->env->ctr.bogus++;
	} else if (rep->security == RRSET_SEC_SECURE) {
		q->env->ctr.secure++;
		if (val_sentinel_fails(q)) {
			q->return_msg = NULL;
			q->return_rcode = MSG_RCODE_SERVFAIL;
			q->ede = EDE_OTHER;
		}
	} else {
		q->env->ctr.insecure++;
	}
	q->ext_state[id] = MODULE_FINISHED;
}

/** module operate(). */
static void
val_operate(struct module_qstate *q, enum module_ev ev, int id)
{
	struct val_qstate *vq = q->minfo[id];

	if (ev == MODULE_EVENT_NEW || (ev == MODULE_EVENT_PASS && !vq)) {
		struct reply *syn;

		if (ev == MODULE_EVENT_NEW && q->env->neg_cache &&
		    !(q->query_flags & MSG_FLAG_CD) && !q->is_priming &&
		    !q->no_cache && q->qinfo.qclass == RR_CLASS_IN &&
		    q->qinfo.qtype != RR_TYPE_ANY &&
		    q->qinfo.qtype != RR_TYPE_RRSIG &&
		    (syn = val_synthesize(q)) != NULL) {
			/* From validated NSEC records: no question out. */
			q->return_msg = syn;
			q->env->ctr.secure++;
			q->ext_state[id] = MODULE_FINISHED;
			return;
		}
		/* Ask the iterator first. */
		q->ext_state[id] = MODULE_WAIT_MODULE;
		return;
	}
	if (ev == MODULE_EVENT_MODDONE) {
		int it = id + 1;

		if (q->val_saved && (q->ext_state[it] == MODULE_ERROR ||
		    !q->return_msg)) {
			/* No other server gave an answer after a bogus one:
			 * that bogus verdict stands. */
			val_finish(q, id, q->val_saved);
			return;
		}
		if (q->ext_state[it] == MODULE_ERROR || !q->return_msg ||
		    (q->query_flags & MSG_FLAG_CD) || q->is_priming) {
			/* Failures, and CD clients (RFC 4035 3.2.2), pass
			 * through unchecked. */
			q->ext_state[id] = q->ext_state[it] == MODULE_ERROR ?
			    MODULE_ERROR : MODULE_FINISHED;
			return;
		}
		if (q->return_msg->security != RRSET_SEC_UNCHECKED) {
			/* A reply validated before (from the message
			 * cache): its verdict stands, no work again. */
			val_cached_verdict(q, id);
			return;
		}
		if (q->qinfo.qtype == RR_TYPE_RRSIG) {
			/* RRSIGs asked for by type: nothing signs a set of
			 * signatures (RFC 4035 section 2.2), so nothing is
			 * validated and there is no AD; the answer is kept
			 * with that verdict. */
			q->return_msg->security = RRSET_SEC_INDETERMINATE;
			q->env->ctr.insecure++;
			dns_cache_store_msg(q->env, &q->qinfo, q->query_flags,
			    q->return_msg, q->return_msg->an == 0);
			q->ext_state[id] = MODULE_FINISHED;
			return;
		}
		vq = region_zalloc(q->region, sizeof(*vq));
		if (!vq) {
			q->ext_state[id] = MODULE_ERROR;
			return;
		}
		q->minfo[id] = vq;
		vq->rep = q->return_msg;
		vq->ede = -1;
		vq->sig_budget = VAL_MAX_SIG_CHECKS;
		vq->memo = q->env->modinfo[id];
		vq->nctx.max_iterations = (unsigned)q->env->cfg->
		    nsec3_max_iterations;
		vq->nctx.hash_budget = VAL_MAX_NSEC3_HASHES;
		vq->started = 1;
		val_run(q, id, vq);
		return;
	}
	if (ev == MODULE_EVENT_PASS && vq && vq->started) {
		/* A subquery finished (inform_super stored its result). */
		if (vq->sub_done) {
			val_run(q, id, vq);
		}
		return;
	}
	q->ext_state[id] = MODULE_ERROR;
}

/** module inform_super(): keep a copy of the subquery's answer. */
static void
val_inform_super(struct module_qstate *q, int id, struct module_qstate *super)
{
	struct val_qstate *vq = super->minfo[id];

	if (!vq || !vq->started || vq->sub_done) {
		return;
	}
	if (!vq->ask || q->qinfo.qtype != (vq->walk == WALK_DS ?
	    RR_TYPE_DS : vq->walk == WALK_DLV ? RR_TYPE_DLV :
	    RR_TYPE_DNSKEY) || !dname_equal(q->qinfo.qname, vq->ask)) {
		return;
	}
	vq->sub = q->return_msg ? reply_copy(super->region, q->return_msg) :
	    NULL;
	vq->sub_done = 1;
}

/** module clear(). */
static void
val_clear(struct module_qstate *q, int id)
{
	q->minfo[id] = NULL;
}

/** module init(): the crypto probe (SHA-1 policy). */
static int
val_init(struct module_env *env, int id)
{
	int r = val_crypto_init();

	/* Without a memo the validator still works, only slower. */
	env->modinfo[id] = r == RES_OK ? val_memo_create(VAL_MEMO_KEYS,
	    VAL_MEMO_SIGS) : NULL;
	return r;
}

/** module deinit(). */
static void
val_deinit(struct module_env *env, int id)
{
	val_memo_delete(env->modinfo[id]);
	env->modinfo[id] = NULL;
}

/** The function block. */
static struct module_func_block val_block = {
	"validator", val_init, val_deinit, val_operate, val_inform_super,
	val_clear, NULL
};

struct module_func_block *
val_get_funcblock(void)
{
	return &val_block;
}
