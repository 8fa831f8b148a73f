#!/usr/bin/env bash
# test/daemon.sh - integration test of the resolute daemon on loopback:
# local-data over UDP and TCP, NXDOMAIN in a static zone, access control
# (REFUSED, dropped), malformed datagrams (FORMERR and drops, counted), a
# half-written TCP message, reload on SIGHUP, a config typo, clean stop.
# Output is TAP.  Needs dig (bind9-dnsutils); skipped without it.
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
RESOLUTE=$top_builddir/resolute

. "$top_srcdir/test/tap.sh"

if ! command -v dig >/dev/null 2>&1; then
    echo "1..0 # SKIP dig not found (apt-get install bind9-dnsutils)"
    exit 0
fi

tap_scratch

make_conf() {
    sed -e "s|@PORT@|$port|" -e "s|@DIR@|$dir|" -e "s|@DATA@|$1|" \
        -e "s|@SRCDIR@|$top_srcdir|" \
        "$top_srcdir/testdata/daemon.conf" > "$dir/resolute.conf"
}

# Start on a random unprivileged port; retry if it is taken.
started=0
for try in 1 2 3 4 5; do
    port=$(( 20000 + (RANDOM * 7 + try) % 40000 ))
    make_conf "v1.example.internal. 60 IN TXT \"one\""
    "$RESOLUTE" -d -c "$dir/resolute.conf" 2>>"$dir/stderr" &
    pid=$!
    for i in $(seq 1 50); do
        if [ -s "$dir/resolute.pid" ] &&
            dig +short +time=1 +tries=1 -p "$port" @127.0.0.1 \
                www.example.internal A >/dev/null 2>&1; then
            started=1
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [ $started = 1 ] && break
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
done
check "daemon starts and writes its pid file" '[ $started = 1 ]'
if [ $started != 1 ]; then
    cat "$dir/stderr" "$dir/resolute.log" 2>/dev/null | sed 's/^/# /'
    echo "1..$n"
    exit 1
fi
check "pid file holds the daemon's pid" '[ "$(cat "$dir/resolute.pid")" = "$pid" ]'

D="dig +time=2 +tries=1 -p $port @127.0.0.1"

out=$($D www.example.internal A)
check "local-data A over UDP" 'echo "$out" | grep -q "^www.example.internal.[[:space:]]*3600[[:space:]]*IN[[:space:]]*A[[:space:]]*192.0.2.10"'
check "local answer is authoritative" 'echo "$out" | grep -q "flags:.* aa"'
out=$($D +tcp www.example.internal A)
check "local-data A over TCP" 'echo "$out" | grep -q "IN[[:space:]]*A[[:space:]]*192.0.2.10"'
out=$($D www.example.internal AAAA)
check "local-data AAAA" 'echo "$out" | grep -q "IN[[:space:]]*AAAA[[:space:]]*2001:db8::10"'
out=$($D -x 192.0.2.10)
check "local-data-ptr" 'echo "$out" | grep -q "PTR[[:space:]]*www.example.internal."'
out=$($D nope.example.internal A)
check "NXDOMAIN in a static zone" 'echo "$out" | grep -q "status: NXDOMAIN"'
check "NXDOMAIN carries the zone SOA" 'echo "$out" | grep -q "AUTHORITY: 1"'
out=$($D www.example.internal MX)
check "NODATA for another type" 'echo "$out" | grep -q "status: NOERROR.*" && echo "$out" | grep -q "ANSWER: 0"'
out=$($D localhost A)
check "default zone localhost" 'echo "$out" | grep -q "IN[[:space:]]*A[[:space:]]*127.0.0.1"'
out=$($D -b 127.0.0.2 www.example.internal A)
check "REFUSED for a refused netblock" 'echo "$out" | grep -q "status: REFUSED"'
out=$($D -b 127.0.0.3 www.example.internal A 2>&1)
check "no answer for a denied netblock" '! echo "$out" | grep -q "status:"'
out=$($D -b 127.0.0.4 www.example.internal A)
check "refuse_non_local still gets local data" 'echo "$out" | grep -q "192.0.2.10"'
out=$($D -b 127.0.0.4 www.example.com A)
check "refuse_non_local refuses the rest" 'echo "$out" | grep -q "status: REFUSED"'
out=$($D www.example.com A)
check "no usable server (loopback hints, do-not-query-localhost): SERVFAIL with EDE 22" 'echo "$out" | grep -q "status: SERVFAIL" && echo "$out" | grep -q "EDE: 22"'
out=$($D +norec www.example.com A)
check "RD=0 from an allow client is REFUSED" 'echo "$out" | grep -q "status: REFUSED"'
out=$($D CH TXT version.bind)
check "CHAOS version.bind" 'echo "$out" | grep -q "\"resolute"'
out=$($D +edns=1 +noednsneg www.example.internal A 2>&1)
check "EDNS version 1 gets BADVERS" 'echo "$out" | grep -q "status: BADVERS"'

# Raw datagrams through bash's /dev/udp: send, then read a reply with a
# deadline.  Prints the reply as hex, or nothing.
udp_send_recv() {
    timeout 2 bash -c "exec 3<>/dev/udp/127.0.0.1/$port; printf '$1' >&3; dd bs=4096 count=1 <&3 2>/dev/null | od -An -tx1 | tr -d ' \n'" 2>/dev/null
}
udp_send() {
    bash -c "exec 3<>/dev/udp/127.0.0.1/$port; printf '$1' >&3" 2>/dev/null
}
# Garbage: too short for a header (dropped), random bytes, a response.
udp_send '\x01\x02\x03'
udp_send '\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff'
udp_send '\x12\x34\x81\x00\x00\x01\x00\x00\x00\x00\x00\x00'
# A header claiming one question that is not there: FORMERR, ID echoed.
hex=$(udp_send_recv '\xab\xcd\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00')
check "truncated question gets FORMERR" '[ "${hex:0:8}" = "abcd8101" ] || [ "${hex:0:8}" = "abcd8181" ]'
# A compression loop in the question name.
hex=$(udp_send_recv '\xab\xce\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01')
check "pointer loop in the question gets FORMERR" '[ "${hex:4:2}" = "81" ] && [ "$(( 0x${hex:7:1} ))" = 1 ]'
out=$($D www.example.internal A)
check "still answers after garbage" 'echo "$out" | grep -q "192.0.2.10"'

# A half-written TCP message held open must not block anyone.
exec 4<>/dev/tcp/127.0.0.1/$port
printf '\x00\x40\x12\x34\x01' >&4
out=$($D +tcp www.example.internal A)
check "TCP answers while another connection is half-written" 'echo "$out" | grep -q "192.0.2.10"'
out=$($D www.example.internal A)
check "UDP answers while a TCP connection is half-written" 'echo "$out" | grep -q "192.0.2.10"'
# Two pipelined queries on one connection (dig +keepopen with two names).
out=$(dig +tcp +keepopen +time=2 +tries=1 -p "$port" @127.0.0.1 www.example.internal A localhost A)
check "two queries over one TCP connection" '[ "$(echo "$out" | grep -c "status: NOERROR")" = 2 ]'
exec 4>&-

# Reload: new local data appears, the old goes.
make_conf "v2.example.internal. 60 IN TXT \"two\""
kill -HUP "$pid"
got=
for i in $(seq 1 30); do
    got=$($D +short v2.example.internal TXT)
    [ -n "$got" ] && break
    sleep 0.1
done
check "SIGHUP reload picks up new local-data" '[ "$got" = "\"two\"" ]'
out=$($D v1.example.internal TXT)
check "old local-data is gone after reload" 'echo "$out" | grep -q "status: NXDOMAIN"'
# A broken config on reload keeps the old one.
echo "server: verbosty: 3" >> "$dir/resolute.conf"
kill -HUP "$pid"
sleep 0.5
check "reload with a typo keeps serving" '[ "$($D +short v2.example.internal TXT)" = "\"two\"" ]'
check "the reload error names file and line" 'grep -q "resolute.conf:[0-9]*:.*verbosty" "$dir/resolute.log" "$dir/stderr"'

# A typo at startup: file:line and a failure exit.
printf 'server:\n\tport: 5353\n\tnum-treads: 2\n' > "$dir/bad.conf"
err=$("$RESOLUTE" -d -c "$dir/bad.conf" 2>&1)
rc=$?
check "a config typo stops the start" '[ $rc -ne 0 ]'
check "the error names file and line" 'echo "$err" | grep -q "bad.conf:3:"'

# Clean stop on SIGTERM; counters logged.
kill -TERM "$pid"
stopped=0
for i in $(seq 1 50); do
    if ! kill -0 "$pid" 2>/dev/null; then stopped=1; break; fi
    sleep 0.1
done
wait "$pid" 2>/dev/null
rc=$?
pid=
check "SIGTERM stops the daemon" '[ $stopped = 1 ]'
check "exit status 0" '[ $rc = 0 ]'
check "pid file removed" '[ ! -e "$dir/resolute.pid" ]'
stats=$(grep "stats:" "$dir/resolute.log" | tail -1)
echo "# $stats"
check "malformed packets were counted as dropped" 'echo "$stats" | grep -Eq "dropped_malformed=[1-9]"'
check "FORMERR answers were counted" 'echo "$stats" | grep -Eq "formerr=[1-9]"'
check "no sanitizer or crash report in the log" '! grep -Eq "AddressSanitizer|runtime error|Segmentation" "$dir/stderr" "$dir/resolute.log"'

tap_end
