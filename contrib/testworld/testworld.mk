# contrib/testworld/testworld.mk - the test world: a generated, signed DNS
# tree served from loopback, and the misbehaving test server it uses.
noinst_PROGRAMS += test/testauth
test_testauth_SOURCES = test/testauth.c

TESTS += test/testworld.sh
EXTRA_DIST += contrib/testworld/testworld contrib/testworld/check-resolver \
	contrib/testworld/README.md test/testworld.sh
