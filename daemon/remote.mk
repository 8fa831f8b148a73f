# daemon/remote.mk - the control channel (daemon side), the cache dump
# format and the resolute-control program.
libresolute_a_SOURCES += daemon/remote.c daemon/remote.h \
	cache/dump.c cache/dump.h

check_PROGRAMS += test/test_dump
test_test_dump_SOURCES = test/test_dump.c test/unit.c test/unit.h
TESTS += test/test_dump test/control.sh
EXTRA_DIST += test/control.sh testdata/control.conf

# resolute-control-setup: the key directory of the installation filled in.
sbin_SCRIPTS = resolute-control-setup
CLEANFILES += resolute-control-setup
EXTRA_DIST += daemon/resolute-control-setup.in
resolute-control-setup: $(srcdir)/daemon/resolute-control-setup.in
	$(AM_V_GEN)sed -e 's|[@]keydir[@]|$(sysconfdir)/resolute|g' \
	    $(srcdir)/daemon/resolute-control-setup.in >$@.tmp && \
	chmod +x $@.tmp && mv $@.tmp $@
