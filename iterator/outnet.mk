# iterator/outnet.mk - the outside network (outgoing queries) and the CSPRNG.
libresolute_a_SOURCES += util/random.c util/random.h

check_PROGRAMS += test/test_random
test_test_random_SOURCES = test/test_random.c test/unit.c test/unit.h
TESTS += test/test_random
