# fuzz/fuzz.mk - the fuzz targets (libFuzzer) and their regression test.
#
# Each target is one file, fuzz/fuzz_<target>.c, defining
# LLVMFuzzerTestOneInput() (see fuzz/fuzz.h), with its seed corpus in
# testdata/fuzz/<target>/ and the inputs that once crashed it in
# testdata/fuzz/<target>/crashes/.
#	make fuzz		builds fuzz/fuzz_<target> for every target,
#				linked with libFuzzer; it needs clang, in a
#				build configured as fuzz/run says, and is
#				never part of "make" or "make check"
#	fuzz/run BUILDDIR [SECONDS]
#				runs each target for SECONDS (60)
#	fuzz/regress.sh		(in "make check") runs every seed and crash
#				input once through fuzz/regress_<target>:
#				the same target with a plain main()
#				(fuzz/regress.c), built by any compiler
#	fuzz/mkseed		(make fuzz/mkseed) writes a seed of
#				fuzz_resolve from a replay scenario
FUZZ_PROGS = fuzz/fuzz_msg fuzz/fuzz_resolve fuzz/fuzz_config \
	fuzz/fuzz_load_cache fuzz/fuzz_anchor_xml fuzz/fuzz_control \
	fuzz/fuzz_zonefile fuzz/fuzz_cachedb
# Built only on request (make fuzz; make fuzz/mkseed).
EXTRA_PROGRAMS = $(FUZZ_PROGS) fuzz/mkseed
# The seeds of fuzz_resolve from replay scenarios:
#	fuzz/mkseed testdata/val_secure.rpl >testdata/fuzz/resolve/val_secure
fuzz_mkseed_SOURCES = fuzz/mkseed.c
FUZZ_LINK = $(AM_LDFLAGS) -fsanitize=fuzzer
fuzz_fuzz_msg_SOURCES = fuzz/fuzz_msg.c fuzz/fuzz.h
fuzz_fuzz_msg_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_resolve_SOURCES = fuzz/fuzz_resolve.c fuzz/fuzz.h
fuzz_fuzz_resolve_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_config_SOURCES = fuzz/fuzz_config.c fuzz/fuzz.h
fuzz_fuzz_config_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_load_cache_SOURCES = fuzz/fuzz_load_cache.c fuzz/fuzz.h
fuzz_fuzz_load_cache_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_anchor_xml_SOURCES = fuzz/fuzz_anchor_xml.c fuzz/fuzz.h
fuzz_fuzz_anchor_xml_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_control_SOURCES = fuzz/fuzz_control.c fuzz/fuzz.h
fuzz_fuzz_control_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_zonefile_SOURCES = fuzz/fuzz_zonefile.c fuzz/fuzz.h
fuzz_fuzz_zonefile_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_cachedb_SOURCES = fuzz/fuzz_cachedb.c fuzz/fuzz.h
fuzz_fuzz_cachedb_LDFLAGS = $(FUZZ_LINK)

# The same targets with fuzz/regress.c's main(), for make check.
check_PROGRAMS += fuzz/regress_msg fuzz/regress_resolve \
	fuzz/regress_config fuzz/regress_load_cache fuzz/regress_anchor_xml \
	fuzz/regress_control fuzz/regress_zonefile fuzz/regress_cachedb
fuzz_regress_msg_SOURCES = fuzz/fuzz_msg.c fuzz/regress.c fuzz/fuzz.h
fuzz_regress_resolve_SOURCES = fuzz/fuzz_resolve.c fuzz/regress.c \
	fuzz/fuzz.h
fuzz_regress_config_SOURCES = fuzz/fuzz_config.c fuzz/regress.c fuzz/fuzz.h
fuzz_regress_load_cache_SOURCES = fuzz/fuzz_load_cache.c fuzz/regress.c \
	fuzz/fuzz.h
fuzz_regress_anchor_xml_SOURCES = fuzz/fuzz_anchor_xml.c fuzz/regress.c \
	fuzz/fuzz.h
fuzz_regress_control_SOURCES = fuzz/fuzz_control.c fuzz/regress.c \
	fuzz/fuzz.h
fuzz_regress_zonefile_SOURCES = fuzz/fuzz_zonefile.c fuzz/regress.c \
	fuzz/fuzz.h
fuzz_regress_cachedb_SOURCES = fuzz/fuzz_cachedb.c fuzz/regress.c \
	fuzz/fuzz.h
TESTS += fuzz/regress.sh
EXTRA_DIST += fuzz/regress.sh fuzz/run testdata/fuzz

# A compiler that cannot link a libFuzzer target gets a message that
# says what to do, not a page of link errors.
.PHONY: fuzz
fuzz:
	@printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
	    >fuzz-probe.c; \
	if $(CC) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer fuzz-probe.c \
	    -o fuzz-probe$(EXEEXT) >/dev/null 2>&1; then \
		rm -f fuzz-probe.c fuzz-probe$(EXEEXT); \
	else \
		rm -f fuzz-probe.c fuzz-probe$(EXEEXT); \
		echo "make fuzz: $(CC) cannot link a libFuzzer target" \
		    "(-fsanitize=fuzzer)." >&2; \
		echo "make fuzz: configure a build directory with clang" \
		    "and the fuzzer's instrumentation, as fuzz/run says:" >&2; \
		echo "  configure CC=clang CFLAGS=\"-g -O1" \
		    "-fsanitize=fuzzer-no-link,address,undefined" \
		    "-fno-sanitize-recover=all\"" \
		    "LDFLAGS=\"-fsanitize=address,undefined\"" >&2; \
		echo "make fuzz: (Debian: apt-get install clang" \
		    "libclang-rt-dev)" >&2; \
		exit 1; \
	fi; \
	case " $(CFLAGS) " in \
	*fuzzer-no-link*) ;; \
	*) echo "make fuzz: warning: CFLAGS lack" \
	    "-fsanitize=fuzzer-no-link: only the targets' own files get" \
	    "coverage, the library none" >&2 ;; \
	esac
	$(MAKE) $(AM_MAKEFLAGS) $(FUZZ_PROGS)
