/*
 * iterator/iter_fwd.c - forward and stub zones (see iter_fwd.h).
 *
 * The table is short (a few zones), so lookups compare against each zone;
 * the zones and their delegation points live in one region.
 */
#include "config.h"
#include "iterator/iter_fwd.h"
#include "iterator/delegpt.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/log.h"
#include "util/netevent.h"
#include "util/region.h"
#include <stdlib.h>
#include <string.h>

/** Most zones in the table. */
#define ITER_FWD_MAX 256

struct iter_forwards {
	/** Memory of the zones. */
	struct region *region;
	/** The zones. */
	struct iter_fwd_zone zones[ITER_FWD_MAX];
	/** Zones in use. */
	size_t num;
};

struct iter_forwards *
iter_fwd_create(void)
{
	struct iter_forwards *f = calloc(1, sizeof(*f));

	if (!f) {
		return NULL;
	}
	f->region = region_create();
	if (!f->region) {
		free(f);
		return NULL;
	}
	return f;
}

void
iter_fwd_delete(struct iter_forwards *f)
{
	if (!f) {
		return;
	}
	region_delete(f->region);
	free(f);
}

/** Add one clause; errors logged. */
static int
iter_fwd_add(struct iter_forwards *f, const struct cfg_stub *s,
    int is_forward)
{
	const char *kind = is_forward ? "forward-zone" : "stub-zone";
	struct iter_fwd_zone *z;
	const struct cfg_strlist *p;
	uint8_t name[DNAME_MAXLEN];
	size_t i;

	if (!s->name || dname_from_str(s->name, NULL, name, NULL) != RES_OK) {
		log_err("%s:%d: %s: bad or missing name", s->file, s->line,
		    kind);
		return RES_ESYNTAX;
	}
	for (i = 0; i < f->num; i++) {
		if (dname_equal(f->zones[i].name, name)) {
			log_err("%s:%d: %s %s given twice (forward-zone and "
			    "stub-zone names must differ)", s->file, s->line,
			    kind, s->name);
			return RES_ESYNTAX;
		}
	}
	if (f->num >= ITER_FWD_MAX) {
		log_err("%s:%d: too many forward and stub zones", s->file,
		    s->line);
		return RES_ELIMIT;
	}
	z = &f->zones[f->num];
	memset(z, 0, sizeof(*z));
	z->dp = delegpt_create(f->region, name);
	if (!z->dp) {
		return RES_ENOMEM;
	}
	z->name = z->dp->name;
	z->is_forward = is_forward;
	z->isfirst = s->isfirst;
	z->tcp = s->tcp_upstream;
	z->prime = !is_forward && s->isprime;
	for (p = s->addrs; p; p = p->next) {
		struct sockaddr_storage ss;
		socklen_t sl;
		char a[128];
		char *hash;

		/* "address[@port][#tls-name]": the name is for TLS, which
		 * upstream queries do not use yet. */
		snprintf(a, sizeof(a), "%s", p->str);
		if ((hash = strchr(a, '#')) != NULL) {
			*hash = 0;
		}
		if (comm_addr_from_str(a, 53, &ss, &sl) != RES_OK) {
			log_err("%s:%d: %s %s: bad address '%s'", p->file,
			    p->line, kind, s->name, p->str);
			return RES_ESYNTAX;
		}
		if (delegpt_add_addr(z->dp, f->region, &ss, sl) != RES_OK) {
			return RES_ENOMEM;
		}
	}
	for (p = s->hosts; p; p = p->next) {
		uint8_t h[DNAME_MAXLEN];

		if (dname_from_str(p->str, NULL, h, NULL) != RES_OK) {
			log_err("%s:%d: %s %s: bad host name '%s'", p->file,
			    p->line, kind, s->name, p->str);
			return RES_ESYNTAX;
		}
		if (delegpt_add_ns(z->dp, f->region, h) != RES_OK) {
			return RES_ENOMEM;
		}
	}
	if (!z->dp->addrs && !z->dp->ns) {
		log_err("%s:%d: %s %s has no servers", s->file, s->line, kind,
		    s->name);
		return RES_ESYNTAX;
	}
	f->num++;
	return RES_OK;
}

int
iter_fwd_apply_config(struct iter_forwards *f, const struct config *cfg)
{
	const struct cfg_stub *s;
	int ret = RES_OK, r;

	for (s = cfg->forwards; s; s = s->next) {
		if ((r = iter_fwd_add(f, s, 1)) != RES_OK) {
			ret = r;
		}
	}
	for (s = cfg->stubs; s; s = s->next) {
		if ((r = iter_fwd_add(f, s, 0)) != RES_OK) {
			ret = r;
		}
	}
	return ret;
}

const struct iter_fwd_zone *
iter_fwd_lookup(const struct iter_forwards *f, const uint8_t *name)
{
	const struct iter_fwd_zone *best = NULL;
	int best_labels = -1;
	size_t i;

	if (!f) {
		return NULL;
	}
	for (i = 0; i < f->num; i++) {
		int l = dname_count_labels(f->zones[i].name);

		if (l > best_labels &&
		    dname_is_subdomain(name, f->zones[i].name)) {
			best = &f->zones[i];
			best_labels = l;
		}
	}
	return best;
}

struct delegpt *
iter_fwd_delegpt(const struct iter_fwd_zone *z, struct region *r)
{
	struct delegpt *dp = delegpt_create(r, z->name);
	const struct delegpt_ns *ns;
	const struct delegpt_addr *a;

	if (!dp) {
		return NULL;
	}
	for (ns = z->dp->ns; ns; ns = ns->next) {
		if (delegpt_add_ns(dp, r, ns->name) != RES_OK) {
			return NULL;
		}
	}
	for (a = z->dp->addrs; a; a = a->next) {
		if (delegpt_add_addr(dp, r, &a->addr, a->addrlen) != RES_OK) {
			return NULL;
		}
	}
	return dp;
}

size_t
iter_fwd_count(const struct iter_forwards *f)
{
	return f ? f->num : 0;
}
