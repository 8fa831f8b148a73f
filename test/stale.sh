#!/bin/sh
# test/stale.sh - a dead zone against the real test world (TAP): the
# bounded time to answer (answer-timeout) and serve-expired (RFC 8767).
#
# A validating resolute with serve-expired on and cache-max-ttl 3 learns
# a list of names of the world; then the world's servers are stopped.
# After the TTLs ran out every learned name is still answered, with the
# expired data, EDE 3 (Stale Answer) and TTL 30, within the client
# timeout; a name never learned gets SERVFAIL with EDE 22 within
# answer-timeout; when the servers are back, names are answered fresh
# again.  Takes the test world lock like test/recursion.sh; needs what
# the world needs (a missing prerequisite makes the test a SKIP).
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
RESOLUTE="$builddir/resolute"
CONTROL="$builddir/resolute-control"

. "$srcdir/test/world.sh"
world_prereqs stale
. "$srcdir/test/tap.sh"
pid=
sink=
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		wait "$pid" 2>/dev/null
	fi
	if [ -n "$sink" ] && kill -0 "$sink" 2>/dev/null; then
		kill "$sink"
		wait "$sink" 2>/dev/null
	fi
	"$TW" -d "$dir/state" stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
# Milliseconds since the epoch.
now_ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

world_small

port=$(( 20000 + $$ % 10000 ))
{ world_conf "$port"; cat <<CONF
	cache-max-ttl: 3
	serve-expired: yes
remote-control:
	control-enable: yes
	control-interface: "$dir/control.sock"
CONF
} >"$dir/resolute.conf"
world_resolute "resolute started with serve-expired"
C="$CONTROL -c $dir/resolute.conf"
D="dig +time=6 +tries=1 -p $port @127.0.0.1"

# The warmed list: 24 positive answers of the world (secure and
# insecure zones), of the common types.
awk -F'\t' '$3 == "NOERROR" && ($4 == "secure" || $4 == "insecure") &&
    $6 != "-" && ($2 == "A" || $2 == "AAAA" || $2 == "TXT" ||
    $2 == "MX") { print $1, $2 }' "$dir/state/names.txt" |
    awk 'NR % 7 == 1' | head -n 24 >"$dir/list"
: >"$dir/warm"
while read -r name type; do
	if $D "$name" "$type" >"$dir/w.out" 2>&1 &&
	    grep -q "status: NOERROR" "$dir/w.out" &&
	    ! grep -q "ANSWER: 0," "$dir/w.out"; then
		echo "$name $type" >>"$dir/warm"
	fi
done <"$dir/list"
nwarm=$(wc -l <"$dir/warm")
check "warmed $nwarm names of the world (of $(wc -l <"$dir/list"))" \
    '[ "$nwarm" -ge 20 ]'

# The servers die without a word: the world stops and a sink takes its
# addresses, reading every UDP query and accepting TCP connections
# without ever answering (a host that is down or filtered; a stopped
# server alone would be refused at once by the kernel).  The sink ends
# by itself after 120 s.
"$TW" -d "$dir/state" stop >"$dir/stop.log" 2>&1
grep -ho "ip-address: 127\.53\.[0-9.]*" "$dir"/state/nsd-*/nsd.conf |
    sed 's/ip-address: //' | sort -u >"$dir/addrs"
echo "$(awk '$1 == "listen" {print $2}' \
    "$dir"/state/testauth/*.conf 2>/dev/null)" | grep . >>"$dir/addrs"
python3 - "$dir/addrs" "$dir/sink.ready" <<'PY' &
import select, socket, sys, time
socks = []
for a in sorted(set(open(sys.argv[1]).read().split())):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    u.bind((a, 53))
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((a, 53))
    t.listen(64)
    socks += [u, t]
open(sys.argv[2], "w").write("%d\n" % (len(socks) // 2))
held = []
end = time.time() + 120
while time.time() < end:
    r, _, _ = select.select(socks, [], [], 1)
    for s in r:
        if s.type == socket.SOCK_DGRAM:
            s.recv(65535)
        else:
            held.append(s.accept()[0])
PY
sink=$!
for i in $(seq 1 50); do
	[ -s "$dir/sink.ready" ] && break
	sleep 0.1
done
check "the world's servers are silent ($(cat "$dir/sink.ready" 2>/dev/null) addresses)" \
    '[ -s "$dir/sink.ready" ] && ! dig +tries=1 +time=1 @127.53.0.1 . SOA >/dev/null 2>&1'
sleep 4

# Every warmed name at once, each client timing itself.
i=0
jobs=
while read -r name type; do
	i=$((i + 1))
	(
		t0=$(now_ms)
		$D "$name" "$type" >"$dir/s.$i" 2>&1
		echo $(( $(now_ms) - t0 )) >"$dir/t.$i"
	) &
	jobs="$jobs $!"
done <"$dir/warm"
for j in $jobs; do
	wait "$j"
done
stale=0
slow=0
fast=0
i=0
max=0
while read -r name type; do
	i=$((i + 1))
	if grep -q "status: NOERROR" "$dir/s.$i" &&
	    grep -q "EDE: 3 (Stale Answer)" "$dir/s.$i" &&
	    grep -A1 "ANSWER SECTION" "$dir/s.$i" | grep -q "[[:space:]]30[[:space:]]*IN"; then
		stale=$((stale + 1))
	else
		sed 's/^/# /' "$dir/s.$i" | head -n 20
	fi
	t=$(cat "$dir/t.$i")
	echo "# $name $type: $t ms"
	[ "$t" -gt "$max" ] && max=$t
	[ "$t" -gt 3000 ] && slow=$((slow + 1))
	[ "$t" -lt 1700 ] && fast=$((fast + 1))
done <"$dir/warm"
check "servers down: all $nwarm warmed names answered from expired data with EDE 3 and TTL 30 ($stale)" \
    '[ "$stale" = "$nwarm" ]'
check "each after serve-expired-client-timeout (1800 ms), within 3 s (slowest $max ms)" \
    '[ "$slow" = 0 ] && [ "$fast" = 0 ]'

# A name never learned: SERVFAIL with EDE 22 at answer-timeout.
t0=$(now_ms)
$D nothere-stale.z000-tango.com A >"$dir/nx.out" 2>&1
t=$(( $(now_ms) - t0 ))
check "servers down: a name never learned is SERVFAIL with EDE 22 in $t ms (answer-timeout 3000)" \
    'grep -q "status: SERVFAIL" "$dir/nx.out" && grep -q "EDE: 22" "$dir/nx.out" && [ "$t" -ge 2500 ] && [ "$t" -le 4500 ]' ||
    sed "s/^/# /" "$dir/nx.out"
out=$($C stats_noreset 2>&1)
check "stats count the expired answers and the answer timeouts" \
    'echo "$out" | grep -q "^num.answer.stale=[1-9]" && echo "$out" | grep -q "^num.answer.timeout=[1-9]"' ||
    echo "$out" | grep "^num.answer\|^total.requestlist" | sed 's/^/# /'

# Servers back: fresh answers again (no EDE 3), within seconds.
kill "$sink"
wait "$sink" 2>/dev/null
sink=
"$TW" -d "$dir/state" start >"$dir/start.log" 2>&1
read -r name type <"$dir/warm"
fresh=0
t0=$(now_ms)
for i in $(seq 1 20); do
	$D "$name" "$type" >"$dir/f.out" 2>&1
	if grep -q "status: NOERROR" "$dir/f.out" &&
	    ! grep -q "EDE: 3" "$dir/f.out"; then
		fresh=1
		break
	fi
	sleep 0.5
done
t=$(( $(now_ms) - t0 ))
check "servers back: $name answered fresh again after $t ms" '[ $fresh = 1 ]'

$C stop >/dev/null 2>&1
wait "$pid" 2>/dev/null
pid=
check "no sanitizer or crash report from the daemon" \
    '! grep -q "ERROR: AddressSanitizer\|runtime error:\|Segmentation" "$dir/stderr" "$dir/resolute.log" 2>/dev/null'
tap_end
