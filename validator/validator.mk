# validator/validator.mk - the validator module: DNSSEC cryptography and
# canonical form, NSEC/NSEC3 proofs, trust anchors and negative trust
# anchors, the per-thread memo, the module itself.
libresolute_a_SOURCES += validator/val_crypto.c validator/val_crypto.h \
	validator/val_canon.c validator/val_canon.h \
	validator/val_nsec.c validator/val_nsec.h \
	validator/trust_anchor.c validator/trust_anchor.h \
	validator/autotrust.c validator/autotrust.h \
	validator/val_memo.c validator/val_memo.h \
	validator/validator.c validator/validator.h

check_PROGRAMS += test/test_valcrypto test/test_valnsec test/test_anchor \
	test/test_valmemo test/test_autotrust
test_test_valcrypto_SOURCES = test/test_valcrypto.c test/unit.c test/unit.h
test_test_valnsec_SOURCES = test/test_valnsec.c test/unit.c test/unit.h
test_test_anchor_SOURCES = test/test_anchor.c test/unit.c test/unit.h
test_test_valmemo_SOURCES = test/test_valmemo.c test/unit.c test/unit.h
test_test_autotrust_SOURCES = test/test_autotrust.c test/unit.c test/unit.h
TESTS += test/test_valcrypto test/test_valnsec test/test_anchor \
	test/test_valmemo test/test_autotrust
EXTRA_DIST += testdata/crypto/README testdata/crypto/rfc4034-ds.zone \
	testdata/crypto/rfc5702.zone testdata/crypto/rfc6605.zone \
	testdata/crypto/rfc8080.zone testdata/crypto/rfc5155-hashes.txt \
	testdata/anchor

# Allocation-failure test: GNU ld's --wrap routes the anchor code's
# malloc/calloc/realloc through the test's failing wrappers.
check_PROGRAMS += test/test_anchor_fault
test_test_anchor_fault_SOURCES = test/test_anchor_fault.c test/unit.c \
	test/unit.h test/fault_wrap.c test/fault_wrap.h
test_test_anchor_fault_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=malloc \
	-Wl,--wrap=calloc -Wl,--wrap=realloc -Wl,--wrap=posix_memalign
TESTS += test/test_anchor_fault

# An RFC 5011 root KSK roll in real time against the test world.
TESTS += test/autotrust.sh
EXTRA_DIST += test/autotrust.sh
