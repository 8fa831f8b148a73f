/*
 * services/modstack.c - the module chain and the resolver of one thread
 * (see modstack.h).
 */
#include "config.h"
#include "services/modstack.h"
#include "services/outside_network.h"
#include "cache/cachedb.h"
#include "iterator/iterator.h"
#include "validator/validator.h"
#include "util/config_file.h"
#include "util/error.h"
#include "util/log.h"
#include "util/netevent.h"
#include "util/random.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Unwanted replies within a minute that are logged as a possible
 * spoofing attempt (Unbound's unwanted-reply-threshold is 10% of
 * outgoing-range; this is a fixed figure until the option exists). */
#define MODSTACK_UNWANTED_THRESHOLD 1000
/** Most outgoing-port-permit/avoid ranges read. */
#define MODSTACK_MAX_PORT_RANGES 64

int
modstack_config(struct modstack *st, const char *module_config,
    const char *where)
{
	const char *mc = module_config ? module_config : "iterator";
	char buf[256], *tok, *save = NULL;
	int n = 0;

	memset(st, 0, sizeof(*st));
	if (strlen(mc) >= sizeof(buf)) {
		log_err("%s: module-config: '%s' is too long", where, mc);
		return RES_ESYNTAX;
	}
	snprintf(buf, sizeof(buf), "%s", mc);
	for (tok = strtok_r(buf, " \t", &save); tok;
	    tok = strtok_r(NULL, " \t", &save)) {
		struct module_func_block *f;

		if (strcmp(tok, "iterator") == 0) {
			f = iter_get_funcblock();
		} else if (strcmp(tok, "validator") == 0) {
			f = val_get_funcblock();
		} else if (strcmp(tok, "cachedb") == 0) {
			f = cachedb_get_funcblock();
			if (!f) {
				log_err("%s: module-config: '%s': this build "
				    "has no cachedb module (configure found "
				    "no libhiredis)", where, mc);
				return RES_ESYNTAX;
			}
		} else {
			log_err("%s: module-config: unknown module '%s' "
			    "(the modules are validator, cachedb and "
			    "iterator)", where, tok);
			return RES_ESYNTAX;
		}
		if (n > 0 && st->mod[n - 1] == iter_get_funcblock()) {
			log_err("%s: module-config: '%s': the chain must end "
			    "with the iterator", where, mc);
			return RES_ESYNTAX;
		}
		if (n >= MODULE_MAX || (f == val_get_funcblock() &&
		    st->validating) || (f == cachedb_get_funcblock() &&
		    st->cachedb)) {
			log_err("%s: module-config: '%s': module '%s' is "
			    "repeated", where, mc, tok);
			return RES_ESYNTAX;
		}
		if (n > 0 && f == val_get_funcblock()) {
			log_err("%s: module-config: '%s': the validator "
			    "must come first", where, mc);
			return RES_ESYNTAX;
		}
		st->validating |= f == val_get_funcblock();
		st->cachedb |= f == cachedb_get_funcblock();
		st->mod[n++] = f;
	}
	if (n == 0 || st->mod[n - 1] != iter_get_funcblock()) {
		log_err("%s: module-config: '%s': the chain must end with "
		    "the iterator", where, mc);
		return RES_ESYNTAX;
	}
	st->num = n;
	return RES_OK;
}

/** Parse "N" or "N-M" port ranges of a config list (checked already by
 * config_check(); a bad entry is skipped). */
static size_t
modstack_port_ranges(const struct cfg_strlist *l,
    struct outnet_port_range *out, size_t max)
{
	size_t n = 0;

	for (; l && n < max; l = l->next) {
		unsigned lo, hi;
		int k = sscanf(l->str, "%u-%u", &lo, &hi);

		if (k == 1) {
			hi = lo;
		} else if (k != 2) {
			continue;
		}
		if (lo > 65535 || hi > 65535 || lo > hi) {
			continue;
		}
		out[n].lo = (uint16_t)lo;
		out[n].hi = (uint16_t)hi;
		n++;
	}
	return n;
}

/** The outside network of a thread: on sockets from the config, or over
 * a given wire. */
static struct outside_network *
modstack_outnet(const struct config *cfg, struct comm_base *base,
    const struct outnet_io *io)
{
	struct outnet_port_range permit[MODSTACK_MAX_PORT_RANGES];
	struct outnet_port_range avoid[MODSTACK_MAX_PORT_RANGES];
	struct outnet_settings os;

	if (io) {
		return outnet_create_io(io);
	}
	memset(&os, 0, sizeof(os));
	os.num_ports = cfg->outgoing_range;
	os.num_permit = modstack_port_ranges(cfg->outgoing_port_permit,
	    permit, MODSTACK_MAX_PORT_RANGES);
	os.permit = os.num_permit ? permit : NULL;
	os.num_avoid = modstack_port_ranges(cfg->outgoing_port_avoid, avoid,
	    MODSTACK_MAX_PORT_RANGES);
	os.avoid = os.num_avoid ? avoid : NULL;
	os.do_ip4 = cfg->do_ip4;
	os.cookies = cfg->upstream_cookies;
	os.do_ip6 = cfg->do_ip6;
	os.caps_for_id = cfg->use_caps_for_id;
	os.edns_size = (uint16_t)cfg->edns_buffer_size;
	os.unwanted_threshold = MODSTACK_UNWANTED_THRESHOLD;
	os.suspect_ends = cfg->harden_spoofing;
	return outnet_create(base, &os);
}

struct modstack_thread *
modstack_thread_create(const struct modstack *st,
    const struct module_env *shared, struct comm_base *base,
    const struct outnet_io *io, mesh_reply_func reply, void *reply_arg,
    int deterministic)
{
	struct modstack_thread *t = calloc(1, sizeof(*t));
	const struct config *cfg = shared->cfg;
	struct mesh_settings ms;
	int i;

	if (!t) {
		log_err("out of memory");
		return NULL;
	}
	t->stack = st;
	t->env = *shared;
	t->env.now = &t->now;
	t->now = base ? comm_base_now(base) : time(NULL);
	if (!deterministic && !(t->rnd = random_create())) {
		log_err("cannot create the random number generator");
		goto fail;
	}
	t->env.rnd = t->rnd;
	t->env.base = base;
	t->env.validating = st->validating;
	t->outnet = modstack_outnet(cfg, base, io);
	if (!t->outnet) {
		log_err("cannot create the outside network");
		goto fail;
	}
	for (i = 0; i < st->num; i++) {
		if (st->mod[i]->init && st->mod[i]->init(&t->env, i) !=
		    RES_OK) {
			log_err("cannot start module %s", st->mod[i]->name);
			goto fail;
		}
		t->inited = i + 1;
	}
	memset(&ms, 0, sizeof(ms));
	ms.max_states = (size_t)cfg->num_queries_per_thread;
	ms.jostle_ms = cfg->jostle_timeout;
	t->mesh = mesh_create(&t->env, st->mod, st->num, t->outnet, base,
	    reply, reply_arg, &ms);
	if (!t->mesh) {
		log_err("cannot create the mesh");
		goto fail;
	}
	return t;
fail:
	modstack_thread_delete(t);
	return NULL;
}

void
modstack_thread_update(struct modstack_thread *t,
    const struct module_env *shared)
{
	t->env.cfg = shared->cfg;
	t->env.hints = shared->hints;
	t->env.fwds = shared->fwds;
	t->env.anchors = shared->anchors;
	t->env.rate_domains = shared->rate_domains;
}

void
modstack_thread_delete(struct modstack_thread *t)
{
	int i;

	if (!t) {
		return;
	}
	/* Queries first: they hold outside network queries. */
	mesh_delete(t->mesh);
	for (i = t->inited - 1; i >= 0; i--) {
		if (t->stack->mod[i]->deinit) {
			t->stack->mod[i]->deinit(&t->env, i);
		}
	}
	outnet_delete(t->outnet);
	random_delete(t->rnd);
	free(t);
}
