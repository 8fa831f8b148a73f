# services/services.mk - the resolver core shared by the daemon and the
# replay harness: the mesh, the module stack, the outside network.
libresolute_a_SOURCES += services/mesh.c services/mesh.h \
	services/modstack.c services/modstack.h \
	services/outside_network.c services/outside_network.h \
	services/anchor_probe.c services/anchor_probe.h

check_PROGRAMS += test/test_outnet
test_test_outnet_SOURCES = test/test_outnet.c test/unit.c test/unit.h
TESTS += test/test_outnet

EXTRA_DIST += test/layers.sh
TESTS += test/layers.sh
