# util/util.mk - base utilities: errors, logging, domain names.
libresolute_a_SOURCES += util/error.c util/error.h util/log.c util/log.h \
	util/dname.c util/dname.h util/netevent.c util/netevent.h

check_PROGRAMS += test/test_dname
test_test_dname_SOURCES = test/test_dname.c test/unit.c test/unit.h
TESTS += test/test_dname
