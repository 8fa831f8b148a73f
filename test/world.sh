# test/world.sh - shared by the shell tests that serve the test world
# (test/testworld.sh, test/recursion.sh, test/diag.sh, test/stale.sh).
# Sourced, not run, after srcdir and builddir are set.
#	TW, TESTAUTH		the world's script and misbehaving server
#	world_skip TEXT		the plan of a skipped test; exits 0
#	world_prereqs NAME	skips without the world's programs, root (the
#				world binds port 53 on 127.53.0.0/16) or
#				test/testauth; takes the lock (tests that
#				serve the world take turns, make check runs
#				them in parallel; the lock goes when the test
#				exits); skips when a world already runs; makes
#				the scratch directory $dir (NAME.XXXXXX)
TW="$srcdir/contrib/testworld/testworld"
TESTAUTH="$builddir/test/testauth"

world_skip() {
	echo "1..0 # SKIP $1"
	exit 0
}

world_prereqs() {
	for p in nsd ldns-keygen ldns-signzone openssl python3 dig; do
		command -v "$p" >/dev/null 2>&1 ||
		    world_skip "$p not installed"
	done
	[ "$(id -u)" = 0 ] ||
	    world_skip "needs root to bind port 53 on 127.53.0.0/16"
	[ -x "$TESTAUTH" ] || world_skip "test/testauth not built"
	if command -v flock >/dev/null 2>&1; then
		exec 9>"${TMPDIR:-/tmp}/resolute-testworld.lock"
		flock 9
	fi
	if dig +tries=1 +time=1 @127.53.0.1 . SOA >/dev/null 2>&1; then
		world_skip "a test world is already running on 127.53.0.1"
	fi
	dir=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 1
}
