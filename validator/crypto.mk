# validator/crypto.mk - DNSSEC cryptography: keys, signatures, DS digests,
# NSEC3 hashes, and the canonical signed data of RRSIGs.
libresolute_a_SOURCES += validator/val_crypto.c validator/val_crypto.h \
	validator/val_canon.c validator/val_canon.h

check_PROGRAMS += test/test_valcrypto
test_test_valcrypto_SOURCES = test/test_valcrypto.c test/unit.c test/unit.h
TESTS += test/test_valcrypto
EXTRA_DIST += testdata/crypto/README testdata/crypto/rfc4034-ds.zone \
	testdata/crypto/rfc5702.zone testdata/crypto/rfc6605.zone \
	testdata/crypto/rfc8080.zone testdata/crypto/rfc5155-hashes.txt

# Micro-benchmark (not a test): signature verifications per second.
noinst_PROGRAMS += bench/sigverify
bench_sigverify_SOURCES = bench/sigverify.c
