# test/tap.sh - shared by the shell tests that run one resolute: TAP
# results and a scratch directory.  Sourced, not run.
#	ok TEXT / notok TEXT	count and print one result
#	check TEXT EXPR		ok when the shell expression EXPR holds
#				(status 1 when not, for a diagnostic after ||)
#	tap_scratch		makes $dir; at exit the daemon in $pid (if
#				any) is stopped and $dir removed
#	tap_end			prints the plan; the status is 1 on any
#				failure
#	tap_resolute SOCK	starts $RESOLUTE on $dir/resolute.conf
#				(pid in $pid, stderr to $dir/stderr) and
#				waits up to 5 s for its control channel on
#				SOCK; status 1 when it does not come up
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else notok "$1"; return 1; fi; }

tap_cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    rm -rf "$dir"
}

tap_scratch() {
    dir=$(mktemp -d)
    pid=
    trap tap_cleanup EXIT
}

tap_resolute() {
    "$RESOLUTE" -d -c "$dir/resolute.conf" 2>>"$dir/stderr" &
    pid=$!
    for i in $(seq 1 50); do
        if [ -S "$1" ] &&
            "$CONTROL" -c "$dir/resolute.conf" status >/dev/null 2>&1; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

tap_end() {
    echo "1..$n"
    [ "$failed" = 0 ]
}
