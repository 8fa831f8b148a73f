# test/replay.mk - the replay harness: the real iterator against scripted
# servers and a scripted clock (testdata/*.rpl, run by test/replay.sh).
check_PROGRAMS += test/replay
test_replay_SOURCES = test/replay.c
TESTS += test/replay.sh
EXTRA_DIST += test/replay.sh $(srcdir)/testdata/*.rpl
