# cache/cache.mk - the sharded hash table and the caches on top of it.
libresolute_a_SOURCES += cache/slabhash.c cache/slabhash.h cache/policy.h \
	cache/rrset.c cache/rrset.h cache/msgcache.c cache/msgcache.h \
	cache/infra.c cache/infra.h cache/keycache.c cache/keycache.h

check_PROGRAMS += test/test_cache test/test_cache_upper
test_test_cache_SOURCES = test/test_cache.c test/unit.c test/unit.h
test_test_cache_upper_SOURCES = test/test_cache_upper.c test/unit.c \
	test/unit.h
TESTS += test/test_cache test/test_cache_upper

check_PROGRAMS += test/test_cache_stress
test_test_cache_stress_SOURCES = test/test_cache_stress.c test/unit.c \
	test/unit.h
TESTS += test/test_cache_stress

# Micro-benchmark (not a test): hit-path lookups/s and bytes per RRset.
noinst_PROGRAMS += bench/cache_bench
bench_cache_bench_SOURCES = bench/cache_bench.c
