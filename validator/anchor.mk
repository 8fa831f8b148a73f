# validator/anchor.mk - trust anchors, negative trust anchors and
# resolute-anchor (IANA's root-anchors.xml, checked with OpenSSL, parsed
# with expat).
libresolute_a_SOURCES += validator/trust_anchor.c validator/trust_anchor.h

sbin_PROGRAMS += resolute-anchor
resolute_anchor_SOURCES = daemon/resolute-anchor.c
dist_man_MANS += doc/resolute-anchor.8

check_PROGRAMS += test/test_anchor
test_test_anchor_SOURCES = test/test_anchor.c test/unit.c test/unit.h
TESTS += test/test_anchor test/anchor.sh
EXTRA_DIST += test/anchor.sh testdata/anchor

# Allocation-failure test: GNU ld's --wrap routes the anchor code's
# malloc/calloc/realloc through the test's failing wrappers.
check_PROGRAMS += test/test_anchor_fault
test_test_anchor_fault_SOURCES = test/test_anchor_fault.c test/unit.c \
	test/unit.h
test_test_anchor_fault_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=malloc \
	-Wl,--wrap=calloc -Wl,--wrap=realloc
TESTS += test/test_anchor_fault
