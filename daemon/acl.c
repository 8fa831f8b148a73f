/*
 * daemon/acl.c - access control lists: longest-prefix match of the client
 * address over configured netblocks.
 */
#include "config.h"
#include "daemon/acl.h"
#include "util/config_file.h"
#include "util/error.h"
#include "util/log.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/** One netblock and its action. */
struct acl_entry {
	/** AF_INET or AF_INET6. */
	int family;
	/** Network address, host bits cleared; 4 or 16 octets used. */
	uint8_t net[16];
	/** Prefix length in bits. */
	int prefix;
	/** The action. */
	enum acl_action action;
};

struct acl_list {
	/** Entries sorted by prefix length, longest first. */
	struct acl_entry *entries;
	/** Entries in use. */
	size_t num;
	/** Entries allocated. */
	size_t cap;
};

/** Action keywords, indexed by enum acl_action. */
static const char *acl_names[] = { "deny", "refuse", "allow", "allow_snoop",
	"deny_non_local", "refuse_non_local", "allow_setrd", "allow_cookie" };

int
acl_action_from_str(const char *s, enum acl_action *action)
{
	size_t i;

	for (i = 0; i < sizeof(acl_names) / sizeof(acl_names[0]); i++) {
		if (strcmp(s, acl_names[i]) == 0) {
			*action = (enum acl_action)i;
			return RES_OK;
		}
	}
	return RES_ESYNTAX;
}

const char *
acl_action_to_str(enum acl_action action)
{
	if ((size_t)action < sizeof(acl_names) / sizeof(acl_names[0])) {
		return acl_names[action];
	}
	return "unknown";
}

/** Clear the bits past prefix in net (len octets). */
static void
mask_net(uint8_t *net, size_t len, int prefix)
{
	size_t i;

	for (i = 0; i < len; i++) {
		int bits = prefix - (int)i * 8;

		if (bits >= 8) {
			continue;
		}
		net[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

/** Parse a netblock into an entry (action not set). */
static int
parse_netblock(const char *s, struct acl_entry *e)
{
	char host[64];
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);
	int maxp;

	if (hl == 0 || hl >= sizeof(host)) {
		return RES_ESYNTAX;
	}
	memcpy(host, s, hl);
	host[hl] = 0;
	memset(e, 0, sizeof(*e));
	if (inet_pton(AF_INET, host, e->net) == 1) {
		e->family = AF_INET;
		maxp = 32;
	} else if (inet_pton(AF_INET6, host, e->net) == 1) {
		e->family = AF_INET6;
		maxp = 128;
	} else {
		return RES_ESYNTAX;
	}
	e->prefix = maxp;
	if (slash) {
		char *end;
		long p = strtol(slash + 1, &end, 10);

		if (*end || end == slash + 1 || p < 0 || p > maxp) {
			return RES_ESYNTAX;
		}
		e->prefix = (int)p;
	}
	mask_net(e->net, e->family == AF_INET ? 4 : 16, e->prefix);
	return RES_OK;
}

int
acl_list_add(struct acl_list *acl, const char *netblock,
    enum acl_action action)
{
	struct acl_entry e;
	size_t i;

	if (!acl || !netblock || parse_netblock(netblock, &e) != RES_OK) {
		return RES_ESYNTAX;
	}
	e.action = action;
	for (i = 0; i < acl->num; i++) {
		struct acl_entry *o = &acl->entries[i];

		if (o->family == e.family && o->prefix == e.prefix &&
		    memcmp(o->net, e.net, 16) == 0) {
			o->action = action;
			return RES_OK;
		}
	}
	if (acl->num == acl->cap) {
		size_t ncap = acl->cap ? acl->cap * 2 : 16;
		struct acl_entry *n = realloc(acl->entries,
		    ncap * sizeof(*n));

		if (!n) {
			return RES_ENOMEM;
		}
		acl->entries = n;
		acl->cap = ncap;
	}
	/* Insert keeping longest prefixes first. */
	for (i = acl->num; i > 0 && acl->entries[i - 1].prefix < e.prefix;
	    i--) {
		acl->entries[i] = acl->entries[i - 1];
	}
	acl->entries[i] = e;
	acl->num++;
	return RES_OK;
}

struct acl_list *
acl_list_create(void)
{
	struct acl_list *acl = calloc(1, sizeof(*acl));

	if (!acl) {
		return NULL;
	}
	/* Unbound's defaults: localhost may use the server, others not. */
	if (acl_list_add(acl, "0.0.0.0/0", ACL_REFUSE) != RES_OK ||
	    acl_list_add(acl, "::/0", ACL_REFUSE) != RES_OK ||
	    acl_list_add(acl, "127.0.0.0/8", ACL_ALLOW) != RES_OK ||
	    acl_list_add(acl, "::1", ACL_ALLOW) != RES_OK ||
	    acl_list_add(acl, "::ffff:127.0.0.1", ACL_ALLOW) != RES_OK) {
		acl_list_delete(acl);
		return NULL;
	}
	return acl;
}

void
acl_list_delete(struct acl_list *acl)
{
	if (!acl) {
		return;
	}
	free(acl->entries);
	free(acl);
}

int
acl_list_apply(struct acl_list *acl, const struct cfg_str2list *list,
    const char *option)
{
	const struct cfg_str2list *p;
	enum acl_action action;
	int ret = RES_OK;

	for (p = list; p; p = p->next) {
		if (acl_action_from_str(p->str2, &action) != RES_OK) {
			log_err("%s:%d: unknown %s action '%s'", p->file,
			    p->line, option, p->str2);
			ret = RES_ESYNTAX;
			continue;
		}
		switch (acl_list_add(acl, p->str, action)) {
		case RES_OK:
			break;
		case RES_ENOMEM:
			log_err("out of memory");
			return RES_ENOMEM;
		default:
			log_err("%s:%d: %s: bad netblock '%s'", p->file,
			    p->line, option, p->str);
			ret = RES_ESYNTAX;
		}
	}
	return ret;
}

int
acl_list_apply_config(struct acl_list *acl, const struct config *cfg)
{
	return acl_list_apply(acl, cfg->access_control, "access-control");
}

enum acl_action
acl_list_lookup(const struct acl_list *acl,
    const struct sockaddr_storage *addr)
{
	uint8_t a[16];
	size_t i, len;

	if (addr->ss_family == AF_INET) {
		memcpy(a, &((const struct sockaddr_in *)addr)->sin_addr, 4);
		len = 4;
	} else if (addr->ss_family == AF_INET6) {
		memcpy(a, &((const struct sockaddr_in6 *)addr)->sin6_addr, 16);
		len = 16;
	} else {
		return ACL_REFUSE;
	}
	for (i = 0; i < acl->num; i++) {
		const struct acl_entry *e = &acl->entries[i];
		size_t full = (size_t)e->prefix / 8;
		int rest = e->prefix % 8;

		if (e->family != addr->ss_family) {
			continue;
		}
		if (memcmp(a, e->net, full) != 0) {
			continue;
		}
		if (rest && full < len &&
		    (a[full] & (uint8_t)(0xff << (8 - rest))) != e->net[full]) {
			continue;
		}
		return e->action;
	}
	return ACL_REFUSE;
}
