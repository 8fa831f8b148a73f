#!/usr/bin/env bash
# test/mtu.sh - UDP replies are never fragmented (ip-dont-fragment, RFC 9715
# section 3.1).  In a network namespace of its own whose loopback has an
# MTU of 1280, the daemon serves a local answer of about 2000 octets to a
# client offering 4096: the kernel refuses to send it unfragmented, and the
# client must get the question back with TC set and the OPT record kept,
# then the whole answer over TCP.  The same holds for an answer resolved
# from an authoritative server (test/testauth on the namespace's
# 127.0.0.2), which the mesh sends later, outside the receive batch.  With
# ip-dont-fragment: no the local answer leaves in fragments and arrives
# whole over UDP.  Smaller replies are not touched.  Output is TAP.  Needs
# root (or unshare -rn), ip and dig; skipped without them.
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
RESOLUTE=$top_builddir/resolute

if [ "${MTU_TEST_IN_NS:-}" != 1 ]; then
    for tool in dig ip unshare; do
        if ! command -v $tool >/dev/null 2>&1; then
            echo "1..0 # SKIP $tool not found"
            exit 0
        fi
    done
    # A namespace of our own: its loopback is ours to change.
    for how in "unshare -n" "unshare -rn"; do
        if $how true 2>/dev/null; then
            MTU_TEST_IN_NS=1 exec $how "$0" "$@"
        fi
    done
    echo "1..0 # SKIP cannot create a network namespace"
    exit 0
fi

. "$top_srcdir/test/tap.sh"

if ! ip link set lo mtu 1280 up 2>/dev/null; then
    echo "1..0 # SKIP cannot set the loopback MTU in the namespace"
    exit 0
fi

tap_scratch

port=5353
# 20 TXT records of 90 octets: about 2,000 octets of answer.
txt=$(printf 'x%.0s' $(seq 1 90))
start() {
    {
        printf 'server:\n\tinterface: 127.0.0.1\n\tport: %s\n' "$port"
        printf '\tnum-threads: 1\n\tverbosity: 1\n'
        printf '\tpidfile: "%s/resolute.pid"\n' "$dir"
        printf '\tlogfile: "%s/resolute.log"\n' "$dir"
        printf '\tmax-udp-size: 4096\n\tip-dont-fragment: %s\n' "$1"
        printf '\troot-hints: "%s/testdata/root.hints.loopback"\n' \
            "$top_srcdir"
        printf '\tmodule-config: "iterator"\n'
        printf '\tlocal-zone: "big.internal." static\n'
        for i in $(seq 1 20); do
            printf '\tlocal-data: "big.internal. 60 IN TXT %s%02d"\n' \
                "$txt" "$i"
        done
        printf '\tlocal-data: "small.big.internal. 60 IN A 192.0.2.1"\n'
        # The same answer from an authoritative server (testauth):
        # resolved, it is sent later by the mesh, not by the batch.
        printf '\tdo-not-query-localhost: no\n'
        printf 'stub-zone:\n\tname: "far.example."\n\tstub-addr: 127.0.0.2\n'
        printf 'remote-control:\n\tcontrol-enable: yes\n'
        printf '\tcontrol-interface: "%s/ctl.sock"\n' "$dir"
    } > "$dir/resolute.conf"
    rm -f "$dir/resolute.pid"
    "$RESOLUTE" -d -c "$dir/resolute.conf" 2>>"$dir/stderr" &
    pid=$!
    for i in $(seq 1 50); do
        if [ -s "$dir/resolute.pid" ] &&
            dig +short +time=1 +tries=1 -p "$port" @127.0.0.1 \
                small.big.internal A >/dev/null 2>&1; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    return 1
}
stop() {
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=
}

D="dig +time=2 +tries=1 -p $port @127.0.0.1"

# The authoritative side for far.example, on 127.0.0.2 port 53 (the
# namespace's own loopback).
{
    echo "listen 127.0.0.2 normal"
    echo "record far.example. 60 SOA ns.far.example. host.far.example. 1 3600 600 86400 60"
    echo "record far.example. 60 NS ns.far.example."
    echo "record ns.far.example. 60 A 127.0.0.2"
    for i in $(seq 1 20); do
        printf 'record big.far.example. 60 TXT %s%02d\n' "$txt" "$i"
    done
} > "$dir/auth.conf"
"$top_builddir/test/testauth" -c "$dir/auth.conf" -p "$dir/auth.pid" \
    2>>"$dir/stderr" &
apid=$!
trap 'kill "$apid" 2>/dev/null; wait "$apid" 2>/dev/null; tap_cleanup' EXIT
# It writes its pid file once its sockets are bound.
for i in $(seq 1 50); do
    [ -s "$dir/auth.pid" ] && break
    sleep 0.1
done

check "loopback MTU is 1280 in the namespace" \
    'ip link show lo | grep -q "mtu 1280"'
if ! start yes; then
    notok "daemon starts with ip-dont-fragment: yes"
    sed 's/^/# /' "$dir/stderr" "$dir/resolute.log" 2>/dev/null
    echo "1..$n"
    exit 1
fi
ok "daemon starts with ip-dont-fragment: yes"

out=$($D +bufsize=4096 +ignore big.internal TXT)
check "over the MTU: the reply comes back with TC" \
    'echo "$out" | grep -q "flags:.* tc"'
check "over the MTU: no records, the question kept" \
    'echo "$out" | grep -q "QUERY: 1, ANSWER: 0, AUTHORITY: 0" &&
     echo "$out" | grep -q "^;big.internal.[[:space:]]*IN[[:space:]]*TXT"'
check "over the MTU: the OPT record kept" \
    'echo "$out" | grep -q "ADDITIONAL: 1" &&
     echo "$out" | grep -q "^; EDNS: version: 0, flags:; udp: "'
out=$($D +bufsize=4096 big.internal TXT)
check "the client retries over TCP and gets all 20 records" \
    '[ "$(echo "$out" | grep -c "IN[[:space:]]*TXT[[:space:]]*\"x")" = 20 ]'
out=$($D +bufsize=4096 small.big.internal A)
check "a reply under the MTU is untouched" \
    'echo "$out" | grep -q "192.0.2.1" && ! echo "$out" | grep -q "flags:.* tc"'
out=$($D +bufsize=1232 +ignore big.internal TXT)
check "a reply over the client's size is truncated as before" \
    'echo "$out" | grep -q "flags:.* tc"'
# A cache miss: resolute asks testauth (TC over UDP, then TCP) and the
# mesh sends the 2,000-octet answer; over the MTU it goes out with TC.
out=$($D +bufsize=4096 +ignore big.far.example TXT)
check "resolved, not cached yet: over the MTU the reply comes back with TC" \
    'echo "$out" | grep -q "flags:.* tc" &&
     echo "$out" | grep -q "QUERY: 1, ANSWER: 0"'
out=$($D +bufsize=4096 big.far.example TXT)
check "resolved: the client retries over TCP and gets all 20 records" \
    '[ "$(echo "$out" | grep -c "IN[[:space:]]*TXT[[:space:]]*\"x")" = 20 ]'
stats=$("$top_builddir/resolute-control" -c "$dir/resolute.conf" stats)
# Four cut at the MTU: each +ignore query and each UDP try before a TCP
# one, two from the local data and two from the resolved answer.
check "num.answer.truncated_mtu counts the replies cut at the MTU" \
    'echo "$stats" | grep -qx "num.answer.truncated_mtu=4"'
stop

if start no; then
    ok "daemon starts with ip-dont-fragment: no"
    out=$($D +bufsize=4096 +ignore big.internal TXT)
    check "without DF the reply leaves in fragments and arrives whole" \
        '[ "$(echo "$out" | grep -c "IN[[:space:]]*TXT[[:space:]]*\"x")" = 20 ] &&
         ! echo "$out" | grep -q "flags:.* tc"'
    stop
else
    notok "daemon starts with ip-dont-fragment: no"
fi

if [ "$failed" -gt 0 ]; then
    sed 's/^/# /' "$dir/stderr" "$dir/resolute.log" 2>/dev/null
fi
tap_end
