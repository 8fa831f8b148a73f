# util/rdata.mk - the RR type table and the presentation format of RDATA.
libresolute_a_SOURCES += util/rrtype.c util/rrtype.h util/rdata.c \
	util/rdata.h

check_PROGRAMS += test/test_rdata
test_test_rdata_SOURCES = test/test_rdata.c test/unit.c test/unit.h
TESTS += test/test_rdata
