# iterator/iterator.mk - the iterator module: delegation points, root
# hints, forward and stub zones, query-compare's rule, the resolution
# state machine.
libresolute_a_SOURCES += iterator/delegpt.c iterator/delegpt.h \
	iterator/hints.c iterator/hints.h iterator/iter_fwd.c \
	iterator/iter_fwd.h iterator/iter_compare.c iterator/iter_compare.h \
	iterator/iterator.c iterator/iterator.h

check_PROGRAMS += test/test_compare
test_test_compare_SOURCES = test/test_compare.c test/unit.c test/unit.h
TESTS += test/test_compare
