/*
 * iterator/hints.c - root hints (see hints.h).
 */
#include "config.h"
#include "iterator/hints.h"
#include "iterator/delegpt.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/log.h"
#include "util/rdata.h"
#include "util/region.h"
#include "util/reply.h"
#include "util/zonefile.h"
#include <stdlib.h>
#include <string.h>

/** The built-in hints: the IANA root servers (root-servers.net). */
static const char builtin_hints[] =
	". 3600000 IN NS a.root-servers.net.\n"
	". 3600000 IN NS b.root-servers.net.\n"
	". 3600000 IN NS c.root-servers.net.\n"
	". 3600000 IN NS d.root-servers.net.\n"
	". 3600000 IN NS e.root-servers.net.\n"
	". 3600000 IN NS f.root-servers.net.\n"
	". 3600000 IN NS g.root-servers.net.\n"
	". 3600000 IN NS h.root-servers.net.\n"
	". 3600000 IN NS i.root-servers.net.\n"
	". 3600000 IN NS j.root-servers.net.\n"
	". 3600000 IN NS k.root-servers.net.\n"
	". 3600000 IN NS l.root-servers.net.\n"
	". 3600000 IN NS m.root-servers.net.\n"
	"a.root-servers.net. 3600000 IN A 198.41.0.4\n"
	"a.root-servers.net. 3600000 IN AAAA 2001:503:ba3e::2:30\n"
	"b.root-servers.net. 3600000 IN A 170.247.170.2\n"
	"b.root-servers.net. 3600000 IN AAAA 2801:1b8:10::b\n"
	"c.root-servers.net. 3600000 IN A 192.33.4.12\n"
	"c.root-servers.net. 3600000 IN AAAA 2001:500:2::c\n"
	"d.root-servers.net. 3600000 IN A 199.7.91.13\n"
	"d.root-servers.net. 3600000 IN AAAA 2001:500:2d::d\n"
	"e.root-servers.net. 3600000 IN A 192.203.230.10\n"
	"e.root-servers.net. 3600000 IN AAAA 2001:500:a8::e\n"
	"f.root-servers.net. 3600000 IN A 192.5.5.241\n"
	"f.root-servers.net. 3600000 IN AAAA 2001:500:2f::f\n"
	"g.root-servers.net. 3600000 IN A 192.112.36.4\n"
	"g.root-servers.net. 3600000 IN AAAA 2001:500:12::d0d\n"
	"h.root-servers.net. 3600000 IN A 198.97.190.53\n"
	"h.root-servers.net. 3600000 IN AAAA 2001:500:1::53\n"
	"i.root-servers.net. 3600000 IN A 192.36.148.17\n"
	"i.root-servers.net. 3600000 IN AAAA 2001:7fe::53\n"
	"j.root-servers.net. 3600000 IN A 192.58.128.30\n"
	"j.root-servers.net. 3600000 IN AAAA 2001:503:c27::2:30\n"
	"k.root-servers.net. 3600000 IN A 193.0.14.129\n"
	"k.root-servers.net. 3600000 IN AAAA 2001:7fd::1\n"
	"l.root-servers.net. 3600000 IN A 199.7.83.42\n"
	"l.root-servers.net. 3600000 IN AAAA 2001:500:9f::42\n"
	"m.root-servers.net. 3600000 IN A 202.12.27.33\n"
	"m.root-servers.net. 3600000 IN AAAA 2001:dc3::35\n";

/** Most hint records kept. */
#define HINTS_MAX 256

/** One record of the hints. */
struct hint_rr {
	/** Owner, wire form. */
	uint8_t owner[DNAME_MAXLEN];
	/** NS, A or AAAA. */
	uint16_t type;
	/** RDATA: a name for NS, an address for A/AAAA. */
	uint8_t rd[DNAME_MAXLEN];
	/** Its length. */
	size_t rdlen;
};

struct iter_hints {
	/** The records. */
	struct hint_rr rrs[HINTS_MAX];
	/** Records in use. */
	size_t num;
};

struct iter_hints *
hints_create(void)
{
	return calloc(1, sizeof(struct iter_hints));
}

void
hints_delete(struct iter_hints *h)
{
	free(h);
}

/** zonefile callback: keep root NS and A/AAAA records. */
static int
hints_add(void *arg, const struct rr_text *rr, const char *file, int line)
{
	struct iter_hints *h = arg;
	struct hint_rr *e;

	if (rr->type != RR_TYPE_NS && rr->type != RR_TYPE_A &&
	    rr->type != RR_TYPE_AAAA) {
		return RES_OK;
	}
	if (rr->type == RR_TYPE_NS && !dname_is_root(rr->owner)) {
		log_warn("%s:%d: root-hints: NS for a name other than the "
		    "root ignored", file, line);
		return RES_OK;
	}
	if (h->num >= HINTS_MAX || rr->rdlen > DNAME_MAXLEN) {
		log_err("%s:%d: root-hints: too many records", file, line);
		return RES_ELIMIT;
	}
	e = &h->rrs[h->num++];
	memcpy(e->owner, rr->owner, rr->owner_len);
	e->type = rr->type;
	memcpy(e->rd, rr->rdata, rr->rdlen);
	e->rdlen = rr->rdlen;
	return RES_OK;
}

int
hints_apply_config(struct iter_hints *h, const struct config *cfg)
{
	const struct cfg_strlist *p;
	struct region *r;
	struct delegpt *dp;
	int ret = RES_OK;

	h->num = 0;
	for (p = cfg->root_hints; p; p = p->next) {
		ret = zonefile_read(config_path(cfg, p->str), NULL, 3600000,
		    hints_add, h);
		if (ret != RES_OK) {
			return ret;
		}
	}
	if (!cfg->root_hints) {
		ret = zonefile_read_string(builtin_hints, "built-in hints",
		    NULL, 3600000, hints_add, h);
		if (ret != RES_OK) {
			return ret;
		}
	}
	r = region_create();
	dp = r ? hints_root(h, r) : NULL;
	if (!dp || !dp->ns || !dp->addrs) {
		log_err("root-hints: no root name server with an address");
		ret = RES_ESYNTAX;
	}
	region_delete(r);
	return ret;
}

struct delegpt *
hints_root(const struct iter_hints *h, struct region *r)
{
	struct delegpt *dp = delegpt_create(r, (const uint8_t *)"");
	size_t i, j;

	if (!dp) {
		return NULL;
	}
	dp->from_hints = 1;
	for (i = 0; i < h->num; i++) {
		if (h->rrs[i].type != RR_TYPE_NS) {
			continue;
		}
		if (delegpt_add_ns(dp, r, h->rrs[i].rd) != RES_OK) {
			return NULL;
		}
		for (j = 0; j < h->num; j++) {
			struct delegpt_ns *ns;

			if (h->rrs[j].type == RR_TYPE_NS ||
			    !dname_equal(h->rrs[j].owner, h->rrs[i].rd)) {
				continue;
			}
			if (delegpt_add_rdata(dp, r, h->rrs[j].type,
			    h->rrs[j].rd, h->rrs[j].rdlen) == RES_ENOMEM) {
				return NULL;
			}
			ns = delegpt_find_ns(dp, h->rrs[j].owner);
			if (ns && h->rrs[j].type == RR_TYPE_A) {
				ns->tried_a = 1;
			} else if (ns) {
				ns->tried_aaaa = 1;
			}
		}
	}
	return dp;
}
