/*
 * iterator/delegpt.c - delegation points (see delegpt.h).
 */
#include "config.h"
#include "iterator/delegpt.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/region.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

/** DNS port. */
#define DELEGPT_PORT 53

struct delegpt *
delegpt_create(struct region *r, const uint8_t *zone)
{
	struct delegpt *dp = region_zalloc(r, sizeof(*dp));

	if (!dp) {
		return NULL;
	}
	dp->namelen = dname_len(zone);
	dp->name = region_copy(r, zone, dp->namelen);
	return dp->name ? dp : NULL;
}

struct delegpt_ns *
delegpt_find_ns(const struct delegpt *dp, const uint8_t *name)
{
	struct delegpt_ns *ns;

	for (ns = dp->ns; ns; ns = ns->next) {
		if (dname_equal(ns->name, name)) {
			return ns;
		}
	}
	return NULL;
}

int
delegpt_add_ns(struct delegpt *dp, struct region *r, const uint8_t *name)
{
	struct delegpt_ns *ns, **tail;

	if (delegpt_find_ns(dp, name)) {
		return RES_OK;
	}
	ns = region_zalloc(r, sizeof(*ns));
	if (!ns) {
		return RES_ENOMEM;
	}
	ns->namelen = dname_len(name);
	ns->name = region_copy(r, name, ns->namelen);
	if (!ns->name) {
		return RES_ENOMEM;
	}
	/* Keep the order of the NS RRset. */
	for (tail = &dp->ns; *tail; tail = &(*tail)->next) {
	}
	*tail = ns;
	return RES_OK;
}

int
delegpt_add_addr(struct delegpt *dp, struct region *r,
    const struct sockaddr_storage *addr, socklen_t addrlen)
{
	struct delegpt_addr *a, **tail;

	for (tail = &dp->addrs; *tail; tail = &(*tail)->next) {
		if ((*tail)->addrlen == addrlen &&
		    memcmp(&(*tail)->addr, addr, addrlen) == 0) {
			return RES_OK;
		}
	}
	a = region_zalloc(r, sizeof(*a));
	if (!a) {
		return RES_ENOMEM;
	}
	memcpy(&a->addr, addr, addrlen);
	a->addrlen = addrlen;
	*tail = a;
	return RES_OK;
}

int
delegpt_add_rdata(struct delegpt *dp, struct region *r, uint16_t type,
    const uint8_t *rd, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	memset(&ss, 0, sizeof(ss));
	if (type == 1 && len == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(DELEGPT_PORT);
		memcpy(&s4->sin_addr, rd, 4);
		sl = sizeof(*s4);
	} else if (type == 28 && len == 16) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(DELEGPT_PORT);
		memcpy(&s6->sin6_addr, rd, 16);
		sl = sizeof(*s6);
	} else {
		return RES_EINVAL;
	}
	return delegpt_add_addr(dp, r, &ss, sl);
}

size_t
delegpt_count_addrs(const struct delegpt *dp)
{
	const struct delegpt_addr *a;
	size_t n = 0;

	for (a = dp->addrs; a; a = a->next) {
		n++;
	}
	return n;
}

int
delegpt_addr_is_localhost(const struct sockaddr_storage *addr)
{
	if (addr->ss_family == AF_INET) {
		const struct sockaddr_in *s4 =
		    (const struct sockaddr_in *)addr;

		return ((const uint8_t *)&s4->sin_addr)[0] == 127;
	}
	if (addr->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 =
		    (const struct sockaddr_in6 *)addr;

		return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
	}
	return 0;
}
