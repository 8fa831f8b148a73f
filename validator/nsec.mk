# validator/nsec.mk - NSEC and NSEC3 denial-of-existence proofs.
libresolute_a_SOURCES += validator/val_nsec.c validator/val_nsec.h

check_PROGRAMS += test/test_valnsec
test_test_valnsec_SOURCES = test/test_valnsec.c test/unit.c test/unit.h
TESTS += test/test_valnsec
