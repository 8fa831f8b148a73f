# util/wire.mk - DNS messages: the parsed view and the reply encoder.
libresolute_a_SOURCES += util/msg.c util/msg.h

check_PROGRAMS += test/test_msg
test_test_msg_SOURCES = test/test_msg.c test/unit.c test/unit.h
TESTS += test/test_msg
