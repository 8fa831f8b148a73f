# daemon/diag.mk - DNSSEC diagnostics: dump_diag, the bogus ring and the
# chain-of-trust tracer behind resolute-control trace.
libresolute_a_SOURCES += daemon/diag.c daemon/diag.h \
	daemon/trace.c daemon/trace.h

TESTS += test/diag.sh
EXTRA_DIST += test/diag.sh

check_PROGRAMS += test/test_diag
test_test_diag_SOURCES = test/test_diag.c test/unit.c test/unit.h
TESTS += test/test_diag
