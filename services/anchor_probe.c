/*
 * services/anchor_probe.c - the probes of the RFC 5011 anchors (see
 * anchor_probe.h).
 */
#include "config.h"
#include "services/anchor_probe.h"
#include "services/mesh.h"
#include "cache/keycache.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include "util/module.h"
#include "util/reply.h"
#include "validator/autotrust.h"
#include "validator/trust_anchor.h"
#include <stdlib.h>
#include <string.h>

/** Probes started in one tick. */
#define PROBE_BATCH 16
/** While a probe is in flight the timer looks again after this, s: the
 * answer sets the next probe time. */
#define PROBE_INFLIGHT_RECHECK 1

/** What a probe's callback needs.  Not the point itself: a reload may
 * replace the anchor set while the probe is out; the answer goes to the
 * point of the zone in the set of the moment. */
struct probe_ctx {
	/** The zone probed and its class. */
	uint8_t name[DNAME_MAXLEN];
	uint16_t dclass;
	/** The environment (the anchors, the key cache, the clock). */
	struct module_env *env;
};

/** Write a point's file; a failure is logged with the reason, once per
 * change of reason. */
static void
probe_write(struct autr_point *p)
{
	char why[1200];

	if (autr_write_file(p, why, sizeof(why)) != RES_OK) {
		log_err("auto-trust-anchor-file cannot be written: %s; the "
		    "anchor goes on from memory", why);
	}
}

/** The DNSKEY RRset of the zone in an answer, or NULL. */
static const struct reply_rrset *
probe_keys(const struct reply *rep, const uint8_t *zone)
{
	size_t i;

	for (i = 0; rep && i < rep->an; i++) {
		const struct reply_rrset *s = rep->rrsets[i];

		if (s->type == RR_TYPE_DNSKEY && dname_equal(s->owner, zone)) {
			return s;
		}
	}
	return NULL;
}

/** mesh_cb_func of a probe. */
static void
probe_done(void *arg, const struct mesh_result *res)
{
	struct probe_ctx *c = arg;
	struct anchor_set *set = c->env->anchors;
	const struct autr_config *cfg;
	struct autr_point *p;
	time_t now = *c->env->now;
	char zone[DNAME_MAXSTR];
	int changed = 0, r;

	if (!set) {
		free(c);
		return;
	}
	cfg = anchors_autr_cfg(set);
	for (p = anchors_autr_lock(set); p; p = p->next) {
		if (dname_equal(p->name, c->name) && p->dclass == c->dclass) {
			break;
		}
	}
	if (!p || res->cancelled) {
		/* The anchor went with a reload, or the worker stops (the
		 * next start probes again). */
		if (p) {
			p->probing = 0;
		}
		anchors_autr_unlock(set);
		free(c);
		return;
	}
	p->probing = 0;
	if (dname_to_str(p->name, zone, sizeof(zone)) < 0) {
		snprintf(zone, sizeof(zone), "?");
	}
	if (res->rcode != MSG_RCODE_NOERROR || !res->rep) {
		autr_probe_failed(p, cfg, now, "the DNSKEY query failed");
		r = RES_EBOGUS;
	} else {
		r = autr_process(p, cfg, now, probe_keys(res->rep, p->name),
		    &changed);
	}
	if (r != RES_OK) {
		log_warn("RFC 5011 probe of %s failed (%d in a row): %s; next "
		    "try in %lld s", zone, p->query_failed, p->last_error ?
		    p->last_error : "?", (long long)(p->next_probe - now));
	} else {
		verbose(VERB_OPS, "RFC 5011 probe of %s: ok, next in %lld s",
		    zone, (long long)(p->next_probe - now));
	}
	if (changed) {
		if (anchors_autr_publish(set, p) != RES_OK) {
			log_err("RFC 5011: out of memory publishing the keys "
			    "of %s; the old ones stay", zone);
		}
		/* The validated keys of the zone go: the next answer is
		 * judged by the new anchor. */
		if (c->env->key_cache) {
			(void)key_cache_remove(c->env->key_cache, p->name,
			    p->dclass);
		}
	}
	probe_write(p);
	anchors_autr_unlock(set);
	free(c);
}

time_t
anchor_probe_tick(struct mesh_area *m, struct module_env *env,
    struct anchor_set *set, time_t now)
{
	struct autr_point *p, *due[PROBE_BATCH];
	time_t next = 0;
	int n = 0, i;

	if (!anchors_has_autr(set)) {
		return 0;
	}
	for (p = anchors_autr_lock(set); p; p = p->next) {
		time_t t = p->probing ? now + PROBE_INFLIGHT_RECHECK :
		    p->next_probe;

		if (!p->probing && p->next_probe <= now && n < PROBE_BATCH) {
			p->probing = 1;
			due[n++] = p;
			t = now + PROBE_INFLIGHT_RECHECK;
		}
		if (next == 0 || t < next) {
			next = t;
		}
	}
	anchors_autr_unlock(set);
	/* Outside the lock: an answer from the cache comes back at once. */
	for (i = 0; i < n; i++) {
		struct probe_ctx *c = malloc(sizeof(*c));
		struct query_info qi;
		char zone[DNAME_MAXSTR];

		p = due[i];
		if (dname_to_str(p->name, zone, sizeof(zone)) < 0) {
			snprintf(zone, sizeof(zone), "?");
		}
		verbose(VERB_OPS, "RFC 5011 probe of %s", zone);
		qi.qname = p->name;
		qi.qname_len = dname_len(p->name);
		qi.qtype = RR_TYPE_DNSKEY;
		qi.qclass = p->dclass;
		if (c) {
			memcpy(c->name, p->name, qi.qname_len);
			c->dclass = p->dclass;
			c->env = env;
		}
		if (!c || mesh_new_callback(m, &qi, MSG_FLAG_RD | MSG_FLAG_CD,
		    NULL, probe_done, c) != RES_OK) {
			free(c);
			(void)anchors_autr_lock(set);
			p->probing = 0;
			autr_probe_failed(p, anchors_autr_cfg(set), now,
			    "out of memory");
			anchors_autr_unlock(set);
		}
	}
	return next;
}

int
anchor_probe_write_all(struct anchor_set *set)
{
	struct autr_point *p;
	char why[1200];
	int bad = 0;

	if (!anchors_has_autr(set)) {
		return 0;
	}
	for (p = anchors_autr_lock(set); p; p = p->next) {
		if (autr_write_file(p, why, sizeof(why)) != RES_OK) {
			log_err("auto-trust-anchor-file cannot be written: %s; "
			    "RFC 5011 updates of this anchor are kept in "
			    "memory only until it can", why);
			bad++;
		}
	}
	anchors_autr_unlock(set);
	return bad;
}
