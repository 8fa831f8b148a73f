# test/cachedb_lib.sh - shared by the shell tests of the shared cache
# (test/cachedb.sh, test/cachedb_cluster.sh).  Sourced, not run, after
# srcdir and builddir are set; it sources test/world.sh, test/redis.sh
# and test/tap.sh, skips without redis-server, a build with libhiredis or
# the world's prerequisites, takes the world lock, and sets an EXIT trap
# that stops the instances, the Redis servers and the world.
#	cdb_setup NAME		all of the above ($dir is NAME.XXXXXX)
#	cdb_instance NAME PORT CACHEDB  writes $dir/NAME.conf (a validating
#				resolute on 127.0.0.1 PORT, 2 threads, the
#				world's anchor and hints, the cachedb: lines
#				CACHEDB, redis-timeout $cdb_timeout or 1000 ms:
#				what the tests check must not hang on a
#				machine busy with other tests), starts it and
#				waits up to 5 s for
#				its control channel; status 1 (with its log)
#				when it does not come up
#	cdb_stat NAME COUNTER	one counter of its stats
#	cdb_check NAME PORT LIST TEXT  check-resolver on the names of LIST
#				(default the world's): ok "TEXT: N of N as
#				expected", else not ok with the mismatches
#	cdb_warm NAME PORT TEXT	NAME's cache emptied, the world's names asked
#				again (cdb_check): every answer is then in
#				Redis under its own question
#	cdb_lists		$dir/shared.txt: the names whose answers are
#				shared (NOERROR, NXDOMAIN, not bogus, a TTL
#				above 0), $dir/unshared.txt the SERVFAIL and
#				bogus ones, $nshared their count
RESOLUTE="$builddir/resolute"
CONTROL="$builddir/resolute-control"
CHECK="$srcdir/contrib/testworld/check-resolver"
VALUES="$srcdir/test/cachedb_values.py"
LOAD="$srcdir/test/cachedb_load.py"

. "$srcdir/test/world.sh"
. "$srcdir/test/redis.sh"

cdb_setup() {
	redis_prereqs
	grep -q "define USE_REDIS 1" "$builddir/config.h" 2>/dev/null ||
	    world_skip "built without libhiredis"
	world_prereqs "$1"
	. "$srcdir/test/tap.sh"
	cdb_pids=
	trap cdb_cleanup EXIT INT TERM
}

cdb_cleanup() {
	for p in $cdb_pids; do
		if kill -0 "$p" 2>/dev/null; then
			kill "$p"
			wait "$p" 2>/dev/null
		fi
	done
	redis_cleanup
	"$TW" -d "$dir/state" stop >/dev/null 2>&1
	rm -rf "$dir"
}

cdb_instance() {
	cat >"$dir/$1.conf" <<CONF
server:
	interface: 127.0.0.1
	port: $2
	num-threads: 2
	module-config: "validator cachedb iterator"
	trust-anchor-file: "$dir/state/root.ds"
	root-hints: "$dir/state/root.hints"
	do-not-query-localhost: no
	trust-anchor-signaling: no
	aggressive-nsec: no
	pidfile: "$dir/$1.pid"
	logfile: "$dir/$1.log"
	verbosity: 1
remote-control:
	control-enable: yes
	control-interface: "$dir/$1.sock"
cachedb:
	backend: redis
	redis-timeout: ${cdb_timeout:-1000}
$3
CONF
	"$RESOLUTE" -d -c "$dir/$1.conf" 2>"$dir/$1.stderr" &
	cdb_pids="$cdb_pids $!"
	for i in $(seq 1 50); do
		"$CONTROL" -c "$dir/$1.conf" status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	sed 's/^/# /' "$dir/$1.stderr" "$dir/$1.log" 2>/dev/null | tail -20
	return 1
}

cdb_stat() {
	"$CONTROL" -c "$dir/$1.conf" stats_noreset 2>/dev/null |
	    awk -F= -v k="$2" '$1 == k { print $2 }'
}

cdb_check() {
	if "$CHECK" -d "$dir/state" ${3:+-f "$3"} -s 127.0.0.1 -p "$2" \
	    -t 20 >"$dir/check-$1.out" 2>&1; then
		ok "$4: $(tail -1 "$dir/check-$1.out" | sed 's/^check-resolver: //')"
	else
		notok "$4"
		{ grep MISMATCH "$dir/check-$1.out" | head -20
		tail -n 8 "$dir/check-$1.out"; } | sed 's/^/# /'
	fi
}

cdb_warm() {
	# A second pass with A's own cache emptied: an answer A held only as
	# a part of another (the target of a CNAME chain, cached by the
	# iterator) and gave from its cache reaches Redis only when a query
	# for it misses locally.
	"$CONTROL" -c "$dir/$1.conf" flush_zone . >/dev/null &&
	    "$CONTROL" -c "$dir/$1.conf" flush_keys >/dev/null
	cdb_check "$1-2" "$2" "" "$3"
}

cdb_lists() {
	# Not shared: bogus answers (SERVFAIL), the SERVFAIL names, and
	# host.wild.nsec-ttl0.com, whose proof has TTL 0.
	awk -F '\t' '/^#/ || (($3 == "NOERROR" || $3 == "NXDOMAIN") &&
	    $4 != "bogus" && $1 !~ /nsec-ttl0/)' "$dir/state/names.txt" \
	    >"$dir/shared.txt"
	awk -F '\t' '!/^#/ && ($3 == "SERVFAIL" || $4 == "bogus")' \
	    "$dir/state/names.txt" >"$dir/unshared.txt"
	nshared=$(grep -vc '^#' "$dir/shared.txt")
}
