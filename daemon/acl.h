/*
 * daemon/acl.h - access control: which clients may ask what.
 *
 * The list maps netblocks to actions (unbound.conf "access-control:");
 * a client gets the action of the most specific (longest prefix) netblock
 * that contains its address.  Built-in defaults, as in Unbound: localhost
 * (127.0.0.0/8, ::1, ::ffff:127.0.0.1) allowed, everything else refused.
 * Configured entries for the same netblock replace a default.
 *
 * Lookups scan entries sorted by prefix length, longest first; lists are
 * expected to be short (tens of entries).  The list is built once per
 * (re)load and read by all workers without locks afterwards.
 */
#ifndef DAEMON_ACL_H
#define DAEMON_ACL_H
#include <sys/socket.h>

struct config;
struct cfg_str2list;

/** What to do with a client's query. */
enum acl_action {
	/** Drop the query without an answer. */
	ACL_DENY = 0,
	/** Answer REFUSED. */
	ACL_REFUSE,
	/** Serve: recursion, cache and local data. */
	ACL_ALLOW,
	/** Serve, and also answer non-recursive (RD=0) queries from the
	 * cache (cache snooping, for operators). */
	ACL_ALLOW_SNOOP,
	/** Serve local zones only; drop the rest. */
	ACL_DENY_NON_LOCAL,
	/** Serve local zones only; refuse the rest. */
	ACL_REFUSE_NON_LOCAL,
	/** Serve, treating RD=0 queries as if RD were set. */
	ACL_ALLOW_SETRD,
	/** Serve; (DNS cookies are not enforced yet: same as allow). */
	ACL_ALLOW_COOKIE
};

struct acl_list;

/** Create a list holding the built-in defaults.  NULL when out of memory. */
struct acl_list *acl_list_create(void);

/** Delete a list.  NULL ok. */
void acl_list_delete(struct acl_list *acl);

/**
 * Add or replace an entry.
 * @param acl: the list.
 * @param netblock: "192.0.2.0/24", "2001:db8::/32", or an address alone
 *	(a host: /32 or /128).  Host bits under the mask are ignored.
 * @param action: the action.
 * @return 0, RES_ESYNTAX for a bad netblock, RES_ENOMEM.
 */
int acl_list_add(struct acl_list *acl, const char *netblock,
	enum acl_action action);

/**
 * Add the entries of an access list option (netblock and action).
 * @param acl: the list.
 * @param list: the entries, each with its file and line.
 * @param option: the option's name, for messages.
 * @return 0, RES_ESYNTAX (errors logged with file:line) or RES_ENOMEM.
 */
int acl_list_apply(struct acl_list *acl, const struct cfg_str2list *list,
	const char *option);

/**
 * Add every access-control: entry of a config.
 * @return 0, or RES_ESYNTAX after logging "file:line: ..." for each bad
 *	entry.
 */
int acl_list_apply_config(struct acl_list *acl, const struct config *cfg);

/**
 * The action for a client address.
 * @param acl: the list.
 * @param addr: the client's address (AF_INET or AF_INET6).
 * @return the action; ACL_REFUSE for addresses of other families.
 */
enum acl_action acl_list_lookup(const struct acl_list *acl,
	const struct sockaddr_storage *addr);

/**
 * Parse an action keyword ("allow", "deny", "refuse", "allow_snoop",
 * "deny_non_local", "refuse_non_local", "allow_setrd", "allow_cookie").
 * @return 0 or RES_ESYNTAX.
 */
int acl_action_from_str(const char *s, enum acl_action *action);

/** The keyword of an action. */
const char *acl_action_to_str(enum acl_action action);

#endif /* DAEMON_ACL_H */
