# bench/bench.mk - the resolver benchmark (bench/run) and its ceiling, a
# UDP responder that echoes every query back with QR set.
noinst_PROGRAMS += bench/echo
bench_echo_SOURCES = bench/echo.c

TESTS += bench/echo.sh
EXTRA_DIST += bench/run bench/README.md bench/RESULTS.md bench/echo.sh
