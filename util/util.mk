# util/util.mk - the bottom layer: the DNS vocabulary, errors, logging,
# names, the RR type table and presentation format, messages (the parsed
# view and the encoder), replies as RRsets, per-query memory, the module
# interface, the CSPRNG, the libevent glue, zone files and the config.
libresolute_a_SOURCES += util/dnsdef.h util/error.c util/error.h \
	util/log.c util/log.h util/dname.c util/dname.h \
	util/rrtype.c util/rrtype.h util/rdata.c util/rdata.h \
	util/msg.c util/msg.h util/answer.c util/answer.h \
	util/region.c util/region.h \
	util/reply.c util/reply.h util/module.h \
	util/random.c util/random.h util/netevent.c util/netevent.h \
	util/zonefile.c util/zonefile.h \
	util/siphash.c util/siphash.h util/strbuf.c util/strbuf.h \
	util/config_file.c util/config_file.h util/config_options.h

check_PROGRAMS += test/test_dname test/test_zonefile test/test_rdata \
	test/test_msg test/test_answer test/test_random test/test_config
test_test_dname_SOURCES = test/test_dname.c test/unit.c test/unit.h
test_test_zonefile_SOURCES = test/test_zonefile.c test/unit.c test/unit.h
test_test_rdata_SOURCES = test/test_rdata.c test/unit.c test/unit.h
test_test_msg_SOURCES = test/test_msg.c test/unit.c test/unit.h
test_test_answer_SOURCES = test/test_answer.c test/unit.c test/unit.h
test_test_random_SOURCES = test/test_random.c test/unit.c test/unit.h
test_test_config_SOURCES = test/test_config.c test/unit.c test/unit.h
TESTS += test/test_dname test/test_zonefile test/test_rdata test/test_msg \
	test/test_answer test/test_random test/test_config
