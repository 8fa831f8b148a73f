# util/config.mk - resolute.conf: option table, parser, resolute-checkconf.
libresolute_a_SOURCES += util/config_file.c util/config_file.h util/config_options.h

sbin_PROGRAMS += resolute-checkconf
resolute_checkconf_SOURCES = daemon/resolute-checkconf.c

check_PROGRAMS += test/test_config
test_test_config_SOURCES = test/test_config.c test/unit.c test/unit.h
TESTS += test/test_config test/checkconf.sh
EXTRA_DIST += test/checkconf.sh testdata/config
