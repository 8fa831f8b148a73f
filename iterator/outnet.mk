# iterator/outnet.mk - the outside network (outgoing queries) and the CSPRNG.
libresolute_a_SOURCES += util/random.c util/random.h

check_PROGRAMS += test/test_random
test_test_random_SOURCES = test/test_random.c test/unit.c test/unit.h
TESTS += test/test_random
libresolute_a_SOURCES += iterator/outside_network.c iterator/outside_network.h

check_PROGRAMS += test/test_outnet
test_test_outnet_SOURCES = test/test_outnet.c test/unit.c test/unit.h
TESTS += test/test_outnet
