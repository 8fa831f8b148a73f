#!/bin/sh
# test/replay_fault.sh - fault injection on the query path (TAP): replay
# scenarios of recursion, validation, serve-stale and spoofing run again
# and again with test/replay_fault, each run failing one more of their
# allocations (resolute's and the harness's) until every one has failed
# once.  Nothing may crash; under ASan nothing may leak; and every client
# query must be answered, with the scenario's answer or SERVFAIL (where
# the scenario scripts no reply, the network is silent and the resolver
# must get there through its timeouts).  `replay_fault -v -f N file.rpl`
# runs one of them, allocation N failing, with a trace.
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$here/..}"
: "${top_builddir:=$here/..}"
prog="$top_builddir/test/replay_fault"
n=0
failed=0
for s in iter_referral iter_cname iter_refetch_target iter_serve_expired \
    iter_caps_forged iter_tcp iter_ratelimit val_secure val_negative \
    val_wildcard val_sentinel val_aggressive_nsec; do
	n=$((n + 1))
	f="$top_srcdir/testdata/$s.rpl"
	out=$("$prog" "$f" 2>&1)
	st=$?
	if [ $st = 0 ] && echo "$out" | grep -q "^PASS "; then
		echo "ok $n - $s: $(echo "$out" | sed -n 's/^PASS [^:]*: //p')"
	else
		echo "not ok $n - $s: exit $st"
		echo "$out" | tail -n 20 | sed 's/^/# /'
		failed=$((failed + 1))
	fi
done
echo "1..$n"
[ $failed = 0 ]
