# daemon/daemon.mk - the daemon and the small programs' main()s.
libresolute_a_SOURCES += daemon/acl.c daemon/acl.h \
	daemon/localzone.c daemon/localzone.h \
	daemon/worker.c daemon/worker.h \
	daemon/daemon.c daemon/daemon.h daemon/mesh.c daemon/mesh.h

sbin_PROGRAMS += resolute resolute-control
resolute_SOURCES = daemon/resolute.c
resolute_control_SOURCES = daemon/resolute-control.c

check_PROGRAMS += test/test_acl test/test_localzone
test_test_acl_SOURCES = test/test_acl.c test/unit.c test/unit.h
test_test_localzone_SOURCES = test/test_localzone.c test/unit.c test/unit.h
TESTS += test/test_acl test/test_localzone test/daemon.sh test/mtu.sh
EXTRA_DIST += test/tap.sh test/daemon.sh test/mtu.sh testdata/daemon.conf testdata/root.hints.loopback
