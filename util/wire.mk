# util/wire.mk - DNS messages: the parsed view and the reply encoder.
libresolute_a_SOURCES += util/msg.c util/msg.h

check_PROGRAMS += test/test_msg
test_test_msg_SOURCES = test/test_msg.c test/unit.c test/unit.h
TESTS += test/test_msg

# libFuzzer target, only with --enable-fuzz (and clang).
EXTRA_DIST += test/fuzz_msg.c
if USE_FUZZ
noinst_PROGRAMS += test/fuzz_msg
# The library sources are compiled into the target itself so that they
# get the fuzzer's coverage instrumentation.
test_fuzz_msg_SOURCES = test/fuzz_msg.c util/msg.c util/dname.c util/error.c
test_fuzz_msg_LDADD =
test_fuzz_msg_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer,address,undefined
test_fuzz_msg_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer,address,undefined
endif
