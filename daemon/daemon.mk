# daemon/daemon.mk - the daemon (workers, listeners, access control, local
# zones, the control channel, DNSSEC diagnostics and the tracer) and the
# programs' main()s.
libresolute_a_SOURCES += daemon/acl.c daemon/acl.h \
	daemon/cookie.c daemon/cookie.h \
	daemon/localzone.c daemon/localzone.h \
	daemon/worker.c daemon/worker.h \
	daemon/daemon.c daemon/daemon.h \
	daemon/remote.c daemon/remote.h \
	daemon/stats.c daemon/stats.h daemon/http.c daemon/http.h \
	daemon/diag.c daemon/diag.h daemon/trace.c daemon/trace.h \
	daemon/dnstap.c daemon/dnstap.h

# dnstap: the C of the message schema (daemon/dnstap.proto) is made by
# protoc-c in the build tree and never kept in the source tree.
EXTRA_DIST += daemon/dnstap.proto
if USE_DNSTAP
nodist_libresolute_a_SOURCES = daemon/dnstap.pb-c.c daemon/dnstap.pb-c.h
BUILT_SOURCES += daemon/dnstap.pb-c.c daemon/dnstap.pb-c.h
CLEANFILES += daemon/dnstap.pb-c.c daemon/dnstap.pb-c.h
daemon/dnstap.pb-c.h: daemon/dnstap.pb-c.c
# Also for targets other than all and check (make fuzz): BUILT_SOURCES
# is made first by those only.
daemon/dnstap.$(OBJEXT): daemon/dnstap.pb-c.h
daemon/dnstap.pb-c.c: $(srcdir)/daemon/dnstap.proto
	$(AM_V_GEN)$(MKDIR_P) daemon && \
	$(PROTOC_C) --proto_path=$(srcdir)/daemon --c_out=daemon \
	    $(srcdir)/daemon/dnstap.proto
endif

# The statistics page, as a C string literal for daemon/http.c.
BUILT_SOURCES += daemon/stats_page.inc
CLEANFILES += daemon/stats_page.inc
EXTRA_DIST += daemon/stats_page.html
daemon/http.$(OBJEXT): daemon/stats_page.inc
daemon/stats_page.inc: $(srcdir)/daemon/stats_page.html
	$(AM_V_GEN)mkdir -p daemon && sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' \
	    -e 's/^/"/' -e 's/$$/\\n"/' $(srcdir)/daemon/stats_page.html \
	    >$@.tmp && mv $@.tmp $@

sbin_PROGRAMS += resolute resolute-control resolute-checkconf \
	resolute-anchor
resolute_SOURCES = daemon/resolute.c
resolute_control_SOURCES = daemon/resolute-control.c
resolute_checkconf_SOURCES = daemon/resolute-checkconf.c
resolute_anchor_SOURCES = daemon/resolute-anchor.c

# resolute-control-setup: the key directory of the installation filled in.
sbin_SCRIPTS = resolute-control-setup
CLEANFILES += resolute-control-setup
EXTRA_DIST += daemon/resolute-control-setup.in
resolute-control-setup: $(srcdir)/daemon/resolute-control-setup.in
	$(AM_V_GEN)sed -e 's|[@]keydir[@]|$(sysconfdir)/resolute|g' \
	    $(srcdir)/daemon/resolute-control-setup.in >$@.tmp && \
	chmod +x $@.tmp && mv $@.tmp $@

check_PROGRAMS += test/test_acl test/test_localzone test/test_diag \
	test/test_cookie test/test_stats
test_test_stats_SOURCES = test/test_stats.c test/unit.c test/unit.h
test_test_acl_SOURCES = test/test_acl.c test/unit.c test/unit.h
test_test_cookie_SOURCES = test/test_cookie.c test/unit.c test/unit.h
test_test_localzone_SOURCES = test/test_localzone.c test/unit.c test/unit.h
test_test_diag_SOURCES = test/test_diag.c test/unit.c test/unit.h
TESTS += test/test_acl test/test_localzone test/test_diag test/test_cookie \
	test/test_stats

# The deployment files: the systemd unit; make install.
TESTS += test/packaging.sh test/install.sh test/chroot.sh
EXTRA_DIST += test/packaging.sh test/install.sh test/chroot.sh \
	contrib/resolute.service

# The whole daemon against the test world and over its control channel.
TESTS += test/daemon.sh test/mtu.sh test/recursion.sh test/control.sh \
	test/diag.sh test/anchor.sh test/checkconf.sh test/stale.sh test/tcp.sh \
	test/ratelimit.sh test/http_stats.sh
EXTRA_DIST += test/http_stats.py test/grafana_check.py \
	contrib/grafana-dashboard.json  test/tap.sh test/world.sh test/daemon.sh test/mtu.sh test/recursion.sh \
	test/control.sh test/diag.sh test/anchor.sh test/checkconf.sh test/stale.sh \
	test/tcp.sh test/ratelimit.sh test/http_stats.sh \
	testdata/daemon.conf testdata/control.conf \
	testdata/root.hints.loopback testdata/config

# dnstap logs read back by fstrm_capture and dnstap-ldns.
TESTS += test/dnstap.sh
EXTRA_DIST += test/dnstap.sh
