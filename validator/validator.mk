# validator/validator.mk - the validator module.
libresolute_a_SOURCES += validator/validator.c validator/validator.h \
	validator/val_memo.c validator/val_memo.h

check_PROGRAMS += test/test_valmemo
test_test_valmemo_SOURCES = test/test_valmemo.c test/unit.c test/unit.h
TESTS += test/test_valmemo
