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
#	world_small		builds and starts a small world (seed 2026)
#				in $dir/state: ok, or not ok and exit 1
#	world_conf PORT		prints the server: lines of a validating
#				resolute on 127.0.0.1 PORT with 2 threads,
#				the world's anchor and hints, its pid and
#				log files in $dir (a test adds its own lines)
#	world_resolute TEXT	starts $RESOLUTE on $dir/resolute.conf
#				(pid in $pid) and waits for its control
#				channel ($dir/control.sock): ok TEXT, or not
#				ok with the daemon's log and exit 1
#	(ok, notok and check come from the test.)
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

world_small() {
	if "$TW" -d "$dir/state" build --small --seed 2026 \
	    --testauth "$TESTAUTH" >"$dir/build.log" 2>&1 &&
	    "$TW" -d "$dir/state" start >>"$dir/build.log" 2>&1; then
		ok "test world built and started"
	else
		notok "test world built and started"
		sed 's/^/# /' "$dir/build.log" | tail -n 20
		echo "1..$n"
		exit 1
	fi
}

world_conf() {
	cat <<CONF
server:
	interface: 127.0.0.1
	port: $1
	num-threads: 2
	module-config: "validator iterator"
	trust-anchor-file: "$dir/state/root.ds"
	root-hints: "$dir/state/root.hints"
	do-not-query-localhost: no
	pidfile: "$dir/resolute.pid"
	logfile: "$dir/resolute.log"
	verbosity: 1
CONF
}

world_resolute() {
	"$RESOLUTE" -d -c "$dir/resolute.conf" 2>"$dir/stderr" &
	pid=$!
	up=0
	for i in $(seq 1 50); do
		if [ -S "$dir/control.sock" ] && "$CONTROL" -c \
		    "$dir/resolute.conf" status >/dev/null 2>&1; then
			up=1
			break
		fi
		sleep 0.1
	done
	if [ $up = 1 ]; then
		ok "$1"
		return
	fi
	notok "$1"
	sed 's/^/# /' "$dir/stderr" "$dir/resolute.log" 2>/dev/null |
	    tail -20
	echo "1..$n"
	exit 1
}
