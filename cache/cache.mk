# cache/cache.mk - the sharded hash table and the caches on top of it.
libresolute_a_SOURCES += cache/slabhash.c cache/slabhash.h cache/policy.h \
	cache/rrset.c cache/rrset.h

check_PROGRAMS += test/test_cache
test_test_cache_SOURCES = test/test_cache.c test/unit.c test/unit.h
TESTS += test/test_cache
