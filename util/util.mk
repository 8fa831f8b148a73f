# util/util.mk - base utilities: errors, logging, domain names.
libresolute_a_SOURCES += util/dnsdef.h util/error.c util/error.h \
	util/log.c util/log.h util/dname.c util/dname.h util/netevent.c \
	util/netevent.h

check_PROGRAMS += test/test_dname
test_test_dname_SOURCES = test/test_dname.c test/unit.c test/unit.h
TESTS += test/test_dname

# Zone-file reading needs the RR type table (util/rdata.mk).
libresolute_a_SOURCES += util/zonefile.c util/zonefile.h
check_PROGRAMS += test/test_zonefile
test_test_zonefile_SOURCES = test/test_zonefile.c test/unit.c test/unit.h
TESTS += test/test_zonefile

# Per-query memory, replies as RRsets, the module interface.
libresolute_a_SOURCES += util/region.c util/region.h util/reply.c \
	util/reply.h util/module.h
