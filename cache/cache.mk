# cache/cache.mk - the sharded hash table, the caches on top of it, the
# resolver's view of them (cache/dns.c), the cache dump format and the
# cachedb module (the shared cache in Redis, cache/redis.c).
libresolute_a_SOURCES += cache/slabhash.c cache/slabhash.h cache/policy.h \
	cache/rrset.c cache/rrset.h cache/msgcache.c cache/msgcache.h \
	cache/infra.c cache/infra.h cache/keycache.c cache/keycache.h \
	cache/negcache.c cache/negcache.h \
	cache/dns.c cache/dns.h cache/dump.c cache/dump.h \
	cache/ratelimit.c cache/ratelimit.h \
	cache/cachedb.c cache/cachedb.h cache/redis.c cache/redis.h

check_PROGRAMS += test/test_cache test/test_cache_upper \
	test/test_cache_stress test/test_dnscache test/test_dump \
	test/test_negcache test/test_ratelimit test/test_cachedb
test_test_cache_SOURCES = test/test_cache.c test/unit.c test/unit.h
test_test_cache_upper_SOURCES = test/test_cache_upper.c test/unit.c \
	test/unit.h
test_test_cache_stress_SOURCES = test/test_cache_stress.c test/unit.c \
	test/unit.h
test_test_dnscache_SOURCES = test/test_dnscache.c test/unit.c test/unit.h
test_test_dump_SOURCES = test/test_dump.c test/unit.c test/unit.h
test_test_negcache_SOURCES = test/test_negcache.c test/unit.c test/unit.h
test_test_ratelimit_SOURCES = test/test_ratelimit.c test/unit.c \
	test/unit.h
test_test_cachedb_SOURCES = test/test_cachedb.c test/unit.c test/unit.h
TESTS += test/test_cache test/test_cache_upper test/test_cache_stress \
	test/test_dnscache test/test_dump test/test_negcache \
	test/test_ratelimit test/test_cachedb

# Allocation-failure test: GNU ld's --wrap routes the cache code's
# malloc/calloc/posix_memalign through the test's failing wrappers.
check_PROGRAMS += test/test_cache_fault
test_test_cache_fault_SOURCES = test/test_cache_fault.c test/unit.c \
	test/unit.h test/fault_wrap.c test/fault_wrap.h
test_test_cache_fault_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=malloc \
	-Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=posix_memalign
TESTS += test/test_cache_fault

# The shared cache against real redis-server instances and the test world
# (started by the tests themselves on loopback).
TESTS += test/cachedb.sh test/cachedb_cluster.sh
EXTRA_DIST += test/cachedb.sh test/cachedb_cluster.sh test/cachedb_lib.sh \
	test/cachedb_values.py test/cachedb_load.py test/redis.sh
