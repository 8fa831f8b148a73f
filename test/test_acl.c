/*
 * test/test_acl.c - unit tests for access control (daemon/acl.c).
 */
#include "config.h"
#include "test/unit.h"
#include "daemon/acl.h"
#include "util/config_file.h"
#include "util/error.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

/** Make a socket address from text. */
static struct sockaddr_storage
addr(const char *s)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(s, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		inet_pton(AF_INET6, s, &a->sin6_addr);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		inet_pton(AF_INET, s, &a->sin_addr);
	}
	return ss;
}

/** Check the action for an address. */
#define ACL_IS(acl, s, act) do { \
	struct sockaddr_storage ss_ = addr(s); \
	UNIT_CHECK_INT(acl_list_lookup(acl, &ss_), act); \
} while (0)

/** The defaults: localhost allowed, the rest refused. */
static void
test_acl_defaults(void)
{
	struct acl_list *acl = acl_list_create();

	UNIT_CHECK(acl != NULL);
	ACL_IS(acl, "127.0.0.1", ACL_ALLOW);
	ACL_IS(acl, "127.255.1.2", ACL_ALLOW);
	ACL_IS(acl, "::1", ACL_ALLOW);
	ACL_IS(acl, "192.0.2.1", ACL_REFUSE);
	ACL_IS(acl, "2001:db8::1", ACL_REFUSE);
	ACL_IS(acl, "::2", ACL_REFUSE);
	acl_list_delete(acl);
	acl_list_delete(NULL);
}

/** Longest prefix wins, in any insertion order; replacing an entry. */
static void
test_acl_longest_prefix(void)
{
	struct acl_list *acl = acl_list_create();

	UNIT_CHECK_INT(acl_list_add(acl, "10.1.2.0/24", ACL_DENY), 0);
	UNIT_CHECK_INT(acl_list_add(acl, "10.0.0.0/8", ACL_ALLOW), 0);
	UNIT_CHECK_INT(acl_list_add(acl, "10.1.2.3", ACL_ALLOW_SNOOP), 0);
	UNIT_CHECK_INT(acl_list_add(acl, "10.1.0.0/17", ACL_REFUSE_NON_LOCAL),
	    0);
	ACL_IS(acl, "10.9.9.9", ACL_ALLOW);
	ACL_IS(acl, "10.1.2.4", ACL_DENY);
	ACL_IS(acl, "10.1.2.3", ACL_ALLOW_SNOOP);
	ACL_IS(acl, "10.1.127.1", ACL_REFUSE_NON_LOCAL);
	ACL_IS(acl, "10.1.128.1", ACL_ALLOW);
	ACL_IS(acl, "11.0.0.1", ACL_REFUSE);
	/* Replacing the default for all of IPv4. */
	UNIT_CHECK_INT(acl_list_add(acl, "0.0.0.0/0", ACL_DENY), 0);
	ACL_IS(acl, "11.0.0.1", ACL_DENY);
	/* Host bits under the mask are ignored. */
	UNIT_CHECK_INT(acl_list_add(acl, "192.0.2.77/24", ACL_ALLOW), 0);
	ACL_IS(acl, "192.0.2.1", ACL_ALLOW);
	acl_list_delete(acl);
}

/** IPv6 netblocks, odd prefix lengths. */
static void
test_acl_ipv6(void)
{
	struct acl_list *acl = acl_list_create();

	UNIT_CHECK_INT(acl_list_add(acl, "2001:db8::/32", ACL_ALLOW), 0);
	UNIT_CHECK_INT(acl_list_add(acl, "2001:db8:8000::/33", ACL_DENY), 0);
	ACL_IS(acl, "2001:db8:1::1", ACL_ALLOW);
	ACL_IS(acl, "2001:db8:8001::1", ACL_DENY);
	ACL_IS(acl, "2001:db9::1", ACL_REFUSE);
	/* An IPv4 entry never matches IPv6 and back. */
	UNIT_CHECK_INT(acl_list_add(acl, "0.0.0.0/0", ACL_ALLOW), 0);
	ACL_IS(acl, "2001:db9::1", ACL_REFUSE);
	acl_list_delete(acl);
}

/** Bad netblocks and keywords are refused. */
static void
test_acl_errors(void)
{
	struct acl_list *acl = acl_list_create();
	enum acl_action a;

	UNIT_CHECK_INT(acl_list_add(acl, "10.0.0.0/33", ACL_ALLOW),
	    RES_ESYNTAX);
	UNIT_CHECK_INT(acl_list_add(acl, "::/129", ACL_ALLOW), RES_ESYNTAX);
	UNIT_CHECK_INT(acl_list_add(acl, "10.0.0/8", ACL_ALLOW), RES_ESYNTAX);
	UNIT_CHECK_INT(acl_list_add(acl, "10.0.0.0/", ACL_ALLOW), RES_ESYNTAX);
	UNIT_CHECK_INT(acl_list_add(acl, "10.0.0.0/8x", ACL_ALLOW),
	    RES_ESYNTAX);
	UNIT_CHECK_INT(acl_list_add(acl, "", ACL_ALLOW), RES_ESYNTAX);
	UNIT_CHECK_INT(acl_list_add(acl, NULL, ACL_ALLOW), RES_ESYNTAX);
	UNIT_CHECK_INT(acl_list_add(NULL, "10.0.0.0/8", ACL_ALLOW),
	    RES_ESYNTAX);
	UNIT_CHECK_INT(acl_action_from_str("allow_snoop", &a), 0);
	UNIT_CHECK_INT(a, ACL_ALLOW_SNOOP);
	UNIT_CHECK_INT(acl_action_from_str("alow", &a), RES_ESYNTAX);
	UNIT_CHECK_STR(acl_action_to_str(ACL_REFUSE_NON_LOCAL),
	    "refuse_non_local");
	acl_list_delete(acl);
}

/** Entries from a config file, with errors naming file and line. */
static void
test_acl_config(void)
{
	struct config *cfg = config_create();
	struct acl_list *acl = acl_list_create();

	UNIT_CHECK(cfg != NULL);
	UNIT_CHECK_INT(config_read_string(cfg,
	    "server:\n  access-control: 192.0.2.0/24 allow\n"
	    "  access-control: 198.51.100.0/24 deny\n", "acl.conf"), 0);
	UNIT_CHECK_INT(acl_list_apply_config(acl, cfg), 0);
	ACL_IS(acl, "192.0.2.9", ACL_ALLOW);
	ACL_IS(acl, "198.51.100.9", ACL_DENY);
	config_delete(cfg);
	acl_list_delete(acl);
	cfg = config_create();
	acl = acl_list_create();
	UNIT_CHECK_INT(config_read_string(cfg,
	    "server:\n  access-control: 192.0.2.0/40 allow\n", "bad.conf"), 0);
	UNIT_CHECK_INT(acl_list_apply_config(acl, cfg), RES_ESYNTAX);
	config_delete(cfg);
	acl_list_delete(acl);
}

int
main(void)
{
	unit_init("acl");
	UNIT_RUN(test_acl_defaults);
	UNIT_RUN(test_acl_longest_prefix);
	UNIT_RUN(test_acl_ipv6);
	UNIT_RUN(test_acl_errors);
	UNIT_RUN(test_acl_config);
	return unit_done();
}
