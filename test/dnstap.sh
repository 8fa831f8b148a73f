#!/bin/sh
# test/dnstap.sh - dnstap query logs against the real test world (TAP).
#
# fstrm_capture reads the dnstap socket into a file, resolute resolves
# names of the world with every kind of message logged, and the file
# decoded by dnstap-ldns must hold each name asked as CLIENT_QUERY and
# CLIENT_RESPONSE, RESOLVER_QUERY and RESOLVER_RESPONSE messages with
# the world's servers, and the configured identity and version.  Then,
# with dnstap-log-client-response-messages: no, no CLIENT_RESPONSE at
# all.  Last, a reader that stops reading (SIGSTOP): a burst of queries
# is still answered in full, the frames that do not fit are dropped and
# counted (dnstap.dropped in stats), and the daemon stops when told.
# Takes the test world lock like test/recursion.sh; a missing
# prerequisite (the world's, fstrm_capture, dnstap-ldns, a build
# without dnstap) makes the test a SKIP.
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
RESOLUTE="$builddir/resolute"
CONTROL="$builddir/resolute-control"

. "$srcdir/test/world.sh"
grep -q "define USE_DNSTAP 1" "$builddir/config.h" 2>/dev/null ||
    world_skip "built without dnstap"
for p in fstrm_capture dnstap-ldns; do
	command -v "$p" >/dev/null 2>&1 || world_skip "$p not installed"
done
world_prereqs dnstap
. "$srcdir/test/tap.sh"
pid=
cap=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		wait "$pid" 2>/dev/null
	fi
	if [ -n "$cap" ] && kill -0 "$cap" 2>/dev/null; then
		kill -CONT "$cap" 2>/dev/null
		kill "$cap"
		wait "$cap" 2>/dev/null
	fi
	"$TW" -d "$dir/state" stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

world_small

port=$(( 20000 + $$ % 10000 ))
sock="$dir/dnstap.sock"
D="dig +time=3 +tries=1 -p $port @127.0.0.1"

# capture FILE: start fstrm_capture on $sock writing FILE (pid in $cap);
# waits for its socket.
capture() {
	rm -f "$sock"
	fstrm_capture -t protobuf:dnstap.Dnstap -u "$sock" -w "$1" \
	    >"$dir/capture.log" 2>&1 &
	cap=$!
	for i in $(seq 1 50); do
		[ -S "$sock" ] && return 0
		sleep 0.1
	done
	return 1
}

# capture_stop: stop fstrm_capture (SIGTERM: it closes its file).
capture_stop() {
	kill "$cap" 2>/dev/null
	wait "$cap" 2>/dev/null
	cap=
}

# resolute_stop: stop the daemon over its control channel and wait for
# it: the dnstap queues are written out before it exits.
resolute_stop() {
	$C stop >/dev/null 2>&1
	wait "$pid" 2>/dev/null
	pid=
	cat "$dir/stderr" >>"$dir/stderr.all"
}

# conf CLIENT_RESPONSES: the config, with dnstap-log-client-response-
# messages set to CLIENT_RESPONSES.
conf() {
	{ world_conf "$port"; cat <<CONF
	http-stats-interface: 127.0.0.1
	http-stats-port: $((port + 1))
remote-control:
	control-enable: yes
	control-interface: "$dir/control.sock"
dnstap:
	dnstap-enable: yes
	dnstap-socket-path: "$sock"
	dnstap-send-identity: yes
	dnstap-send-version: yes
	dnstap-identity: "tap-test-id"
	dnstap-version: "tap-test-version 7"
	dnstap-log-client-query-messages: yes
	dnstap-log-client-response-messages: $1
	dnstap-log-resolver-query-messages: yes
	dnstap-log-resolver-response-messages: yes
CONF
	} >"$dir/resolute.conf"
}
C="$CONTROL -c $dir/resolute.conf"

# Three names of the world with answers, of different types.
awk -F'\t' '$3 == "NOERROR" && $6 != "-" && !seen[$2]++ &&
    ($2 == "A" || $2 == "AAAA" || $2 == "TXT" || $2 == "MX") {
	print $1, $2 }' "$dir/state/names.txt" | head -n 3 >"$dir/names"

# 1. Everything logged.
conf yes
check "fstrm_capture listens on the dnstap socket" 'capture "$dir/all.fstrm"'
world_resolute "resolute started with dnstap"
answered=0
while read -r name type; do
	$D "$name" "$type" >"$dir/q.out" 2>&1 &&
	    grep -q "status: NOERROR" "$dir/q.out" && answered=$((answered + 1))
done <"$dir/names"
check "the $(wc -l <"$dir/names") names answered ($answered)" \
    '[ "$answered" -ge 3 ] && [ "$answered" = "$(wc -l <"$dir/names")" ]'
# A reload keeps dnstap going: the first name again, from the cache.
read -r name1 type1 <"$dir/names"
$C reload >"$dir/reload.out" 2>&1 &&
    $D "$name1" "$type1" >"$dir/q.out" 2>&1 &&
    grep -q "status: NOERROR" "$dir/q.out"
st=$?
check "reloaded, and $name1 answered again" '[ "$st" = 0 ]'
out=$($C stats_noreset 2>&1)
check "stats show dnstap.sent and dnstap.dropped" \
    'echo "$out" | grep -q "^dnstap.sent=[1-9]" && echo "$out" | grep -q "^dnstap.dropped=0$"' ||
    echo "$out" | grep "^dnstap" | sed 's/^/# /'
resolute_stop
capture_stop
dnstap-ldns -r "$dir/all.fstrm" -q >"$dir/all.q" 2>"$dir/ldns.err"
dnstap-ldns -r "$dir/all.fstrm" -y >"$dir/all.y" 2>>"$dir/ldns.err"
check "the capture decodes ($(wc -l <"$dir/all.q") messages)" \
    '[ -s "$dir/all.q" ] && [ -s "$dir/all.y" ]' ||
    sed 's/^/# /' "$dir/ldns.err" "$dir/capture.log" | head -n 10
# Quiet lines: "DATE TIME TYPE ADDRESS PROTO SIZE "NAME" CLASS TYPE".
missing=
while read -r name type; do
	for t in CQ CR; do
		awk -v t="$t" -v n="\"$name\"" -v ty="$type" \
		    '$3 == t && tolower($7) == tolower(n) && $9 == ty' \
		    "$dir/all.q" | grep -q . || missing="$missing $t:$name/$type"
	done
done <"$dir/names"
check "each name asked is a CLIENT_QUERY and a CLIENT_RESPONSE" \
    '[ -z "$missing" ]' ||
    echo "# missing:$missing"
bad=$(awk '($3 == "CQ" || $3 == "CR") && ($4 != "127.0.0.1" || $5 != "UDP")' "$dir/all.q" | wc -l)
check "client messages carry the client address and UDP ($bad other)" '[ "$bad" = 0 ]'
again=$(awk -v n="\"$name1\"" '$3 == "CR" && tolower($7) == tolower(n)' \
    "$dir/all.q" | wc -l)
check "after the reload $name1 is logged again ($again CLIENT_RESPONSE)" \
    '[ "$again" = 2 ]'
rq=$(awk '$3 == "RQ" && $4 ~ /^127\.53\./' "$dir/all.q" | wc -l)
rr=$(awk '$3 == "RR" && $4 ~ /^127\.53\./' "$dir/all.q" | wc -l)
check "RESOLVER_QUERY ($rq) and RESOLVER_RESPONSE ($rr) messages with the world's servers" \
    '[ "$rq" -ge 3 ] && [ "$rr" -ge 3 ]'
ids=$(grep -c '^identity: "tap-test-id"$' "$dir/all.y")
vers=$(grep -c '^version: "tap-test-version 7"$' "$dir/all.y")
frames=$(grep -c '^type: MESSAGE$' "$dir/all.y")
check "identity and version as configured in every frame ($ids, $vers of $frames)" \
    '[ "$frames" -ge 6 ] && [ "$ids" = "$frames" ] && [ "$vers" = "$frames" ]'
check "the response of a resolver message is decoded (the world's server answered)" \
    'grep -q "type: RESOLVER_RESPONSE" "$dir/all.y" && grep -q "response_message:" "$dir/all.y"'

# 2. No client responses.
conf no
capture "$dir/nocr.fstrm"
world_resolute "resolute started without client responses"
answered=0
while read -r name type; do
	$D "$name" "$type" >"$dir/q.out" 2>&1 &&
	    grep -q "status: NOERROR" "$dir/q.out" && answered=$((answered + 1))
done <"$dir/names"
resolute_stop
capture_stop
dnstap-ldns -r "$dir/nocr.fstrm" -q >"$dir/nocr.q" 2>"$dir/ldns.err"
cq=$(awk '$3 == "CQ"' "$dir/nocr.q" | wc -l)
cr=$(awk '$3 == "CR"' "$dir/nocr.q" | wc -l)
check "dnstap-log-client-response-messages: no: $cq CLIENT_QUERY, no CLIENT_RESPONSE ($cr)" \
    '[ "$answered" -ge 3 ] && [ "$cq" -ge "$answered" ] && [ "$cr" = 0 ]'

# 3. A reader that stops reading: the workers never wait for it.
if ! command -v dnsperf >/dev/null 2>&1; then
	echo "ok $((n + 1)) # SKIP dnsperf not installed"
	n=$((n + 1))
else
	conf yes
	capture "$dir/stop.fstrm"
	world_resolute "resolute started for the stopped reader"
	# Connected (a frame got through) before the reader stops.
	read -r name type <"$dir/names"
	$D "$name" "$type" >/dev/null 2>&1
	sleep 0.3
	kill -STOP "$cap"
	total=4000
	awk -v t="$total" '{ q[NR] = $1 " " $2 } END {
	    for (i = 0; i < t; i++) print q[i % NR + 1] }' "$dir/names" \
	    >"$dir/burst"
	dnsperf -s 127.0.0.1 -p "$port" -d "$dir/burst" -n 1 -l 8 -t 2 \
	    -c 4 -q 100 >"$dir/perf.out" 2>&1
	done_q=$(sed -n 's/^ *Queries completed: *\([0-9]*\).*/\1/p' \
	    "$dir/perf.out")
	check "reader stopped: every query of a burst of $total answered (${done_q:-?})" \
	    '[ "${done_q:-0}" = "$total" ]' ||
	    sed 's/^/# /' "$dir/perf.out" | grep -i "quer\|error" | head -n 5
	out=$($C stats_noreset 2>&1)
	dropped=$(echo "$out" | sed -n 's/^dnstap.dropped=//p')
	check "reader stopped: frames dropped and counted (dnstap.dropped=${dropped:-?})" \
	    '[ "${dropped:-0}" -gt 0 ]' ||
	    echo "$out" | grep "^dnstap" | sed 's/^/# /'
	mdrop=$(curl -s "http://127.0.0.1:$((port + 1))/metrics" |
	    sed -n 's/^resolute_dnstap_frames_total{result="dropped"} //p')
	check "reader stopped: /metrics counts the dropped frames too (${mdrop:-?})" \
	    '[ "${mdrop:-0}" -gt 0 ]'
	# The daemon waits for the stopped reader a few seconds only.
	$C stop >/dev/null 2>&1
	stopped=0
	for i in $(seq 1 60); do
		kill -0 "$pid" 2>/dev/null || { stopped=1; break; }
		sleep 0.1
	done
	check "the daemon stops while the reader is stopped (within 6 s)" \
	    '[ "$stopped" = 1 ]'
	kill -CONT "$cap"
	if [ "$stopped" = 1 ]; then
		wait "$pid" 2>/dev/null
		pid=
	fi
	cat "$dir/stderr" >>"$dir/stderr.all"
	capture_stop
fi

check "no sanitizer or crash report from the daemon" \
    '! grep -q "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:\|Segmentation" "$dir/stderr.all" "$dir/resolute.log" 2>/dev/null' ||
    grep -A5 "ERROR: \|runtime error:" "$dir/stderr.all" | head -n 20 | sed 's/^/# /'
tap_end
