# bench/bench.mk - the benchmarks: the resolver benchmark (bench/run) and
# its ceiling, a UDP responder that echoes every query back with QR set;
# the shared cache in Redis (bench/cachedb);
# the micro-benchmarks of the cache hit path and of signature checks; the
# attack bench (bench/attack/run) and its forger of DNS answers
# (bench/attack/forger).
noinst_PROGRAMS += bench/echo bench/cache_bench bench/sigverify \
	bench/attack/forger
bench_echo_SOURCES = bench/echo.c
bench_cache_bench_SOURCES = bench/cache_bench.c
bench_sigverify_SOURCES = bench/sigverify.c
bench_attack_forger_SOURCES = bench/attack/forger.c

TESTS += bench/echo.sh test/attack.sh
EXTRA_DIST += bench/run bench/README.md bench/RESULTS.md bench/echo.sh \
	bench/attack/run bench/attack/README.md test/attack.sh \
	bench/flood/run bench/overload/run bench/results_md.py bench/cachedb
