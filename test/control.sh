#!/usr/bin/env bash
# test/control.sh - the control channel against a running daemon on
# loopback (TAP): Unix socket and mutual TLS, a refused certificate,
# status, verbosity, stats counters against the queries sent, reload,
# load_cache / dump_cache round trip with TTLs counting down, a bad dump
# line refused by number with nothing loaded, a client leaving in the
# middle of a dump, flushes, lookup, local zones and data, idle clients
# that delay nobody (and are closed after 10 s), a load_cache text that
# trickles in and a dump nobody reads delaying nobody either (and cut 20
# s on), dump_cache onto a full device, stop.
# Needs dig (bind9-dnsutils), openssl and python3; skipped without them.
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
RESOLUTE=$top_builddir/resolute
CONTROL=$top_builddir/resolute-control
SETUP=$top_builddir/resolute-control-setup

. "$top_srcdir/test/tap.sh"

for tool in dig openssl python3; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "1..0 # SKIP $tool not found"
        exit 0
    fi
done

tap_scratch

make_conf() {
    sed -e "s|@PORT@|$port|" -e "s|@CPORT@|$cport|" -e "s|@DIR@|$dir|" \
        -e "s|@DATA@|$1|" -e "s|@SRCDIR@|$top_srcdir|" \
        "$top_srcdir/testdata/control.conf" > "$dir/resolute.conf"
}

"$SETUP" -d "$dir/keys" >/dev/null 2>&1
check "resolute-control-setup writes the keys and certificates" \
    '[ -s "$dir/keys/resolute_server.key" ] && [ -s "$dir/keys/resolute_server.pem" ] && [ -s "$dir/keys/resolute_control.key" ] && [ -s "$dir/keys/resolute_control.pem" ]'
"$SETUP" -d "$dir/keys" >/dev/null 2>&1
check "resolute-control-setup keeps existing keys without -f" '[ $? -ne 0 ]'

started=0
for try in 1 2 3 4 5; do
    port=$(( 5000 + (RANDOM * 7 + try) % 40000 ))
    cport=$(( port + 1 ))
    make_conf "v1.example.internal. 60 IN TXT \"one\""
    "$RESOLUTE" -d -c "$dir/resolute.conf" 2>>"$dir/stderr" &
    pid=$!
    for i in $(seq 1 50); do
        if [ -S "$dir/control.sock" ] &&
            "$CONTROL" -c "$dir/resolute.conf" status >/dev/null 2>&1; then
            started=1
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [ $started = 1 ] && break
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
done
check "daemon starts with the control channel" '[ $started = 1 ]'
if [ $started != 1 ]; then
    cat "$dir/stderr" "$dir/resolute.log" 2>/dev/null | sed 's/^/# /'
    echo "1..$n"
    exit 1
fi

C="$CONTROL -c $dir/resolute.conf"
T="$CONTROL -c $dir/resolute.conf -s 127.0.0.1@$cport"
D="dig +time=2 +tries=1 -p $port @127.0.0.1"
mode=$(stat -c %a "$dir/control.sock")
check "Unix socket has mode 0660 or stricter ($mode)" \
    '[ $(( 0$mode & 0117 )) -eq 0 ]'

out=$($C status 2>&1); rc=$?
check "status over the Unix socket" '[ $rc -eq 0 ] && echo "$out" | grep -q "(pid $pid) is running"'
out=$($T status 2>&1); rc=$?
check "status over TLS with the right certificate" '[ $rc -eq 0 ] && echo "$out" | grep -q "is running"'

# Another pair of keys: its client certificate is not signed by ours.
"$SETUP" -d "$dir/other" >/dev/null 2>&1
sed -e "s|$dir/keys/resolute_control|$dir/other/resolute_control|" \
    "$dir/resolute.conf" > "$dir/wrong.conf"
out=$($CONTROL -c "$dir/wrong.conf" -s "127.0.0.1@$cport" status 2>&1); rc=$?
check "a client certificate of another authority is refused" \
    '[ $rc -ne 0 ] && ! echo "$out" | grep -q "is running"'
sleep 0.2
check "the daemon logs the refused handshake" \
    'grep -q "TLS handshake failed" "$dir/resolute.log"'
out=$($CONTROL -c "$dir/resolute.conf" -s 127.0.0.1@$cport -c /dev/null status 2>&1); rc=$?
check "a client without a certificate is refused" '[ $rc -ne 0 ]'
out=$($T status 2>&1); rc=$?
check "the channel still serves after refusals" '[ $rc -eq 0 ]'

# Idle clients wait side by side: four TCP connections to the TLS port
# and two to the Unix socket that send nothing (one with half a request
# line) delay neither a command nor a reload by SIGHUP.
python3 -c '
import socket, sys, time
held = []
for i in range(4):
    t = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    held.append(t)
for i in range(2):
    u = socket.socket(socket.AF_UNIX)
    u.connect(sys.argv[2])
    held.append(u)
held[-1].sendall(b"RESOLUTE1 sta")
time.sleep(float(sys.argv[3]))
' "$cport" "$dir/control.sock" 6 &
idle=$!
# And one that stays silent past REMOTE_IO_TIMEOUT (10 s): closed by
# the daemon (checked at the end).
python3 -c '
import socket, sys, time
u = socket.socket(socket.AF_UNIX)
u.connect(sys.argv[1])
u.settimeout(15)
try:
    print("closed" if u.recv(1) == b"" else "data")
except Exception:
    print("open")
' "$dir/control.sock" >"$dir/idle2.out" &
idle2=$!
sleep 0.5
t0=$(date +%s%N)
out=$($T status 2>&1); rc=$?
out2=$($C status 2>&1); rc2=$?
kill -HUP "$pid"
out3=$($C reload 2>&1); rc3=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "six idle control connections: status over TLS and the Unix socket and two reloads in $ms ms" \
    '[ $rc -eq 0 ] && [ $rc2 -eq 0 ] && [ $rc3 -eq 0 ] && [ "$out3" = ok ] && [ $ms -lt 3000 ]'

# A load_cache whose text trickles in, a line every 2 s: the text is
# read on the event loop, so another client is answered at once, and it
# must be complete 20 s after the request line however it comes: then
# the daemon says so and closes (checked at the end).
python3 -c '
import socket, sys, time, select
u = socket.socket(socket.AF_UNIX)
u.connect(sys.argv[1])
t0 = time.time()
u.sendall(b"RESOLUTE1 load_cache\n; resolute cache dump 1\n")
open(sys.argv[2], "w").close()
got = b""
while time.time() - t0 < 40:
    r, _, _ = select.select([u], [], [], 2)
    if r:
        try:
            d = u.recv(4096)
        except OSError:
            d = b""
        if not d:
            break
        got += d
        continue
    try:
        u.sendall(b"; still coming\n")
    except OSError:
        break
print("%.1f %s" % (time.time() - t0, got.decode().strip()))
' "$dir/control.sock" "$dir/trickle.sent" >"$dir/trickle.out" 2>&1 &
trickle=$!
# Its request and first line sent, and read by the daemon.
for i in $(seq 1 50); do [ -e "$dir/trickle.sent" ] && break; sleep 0.1; done
sleep 0.5
t0=$(date +%s%N)
out=$(timeout 5 $C status 2>&1); rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "a load_cache text trickling in delays no other client: status in $ms ms" \
    '[ $rc -eq 0 ] && [ $ms -lt 1000 ] && kill -0 $trickle 2>/dev/null'

# A dump_cache whose client never reads: what the socket does not take
# waits in memory and goes out from the event loop, so status and a
# reload by SIGHUP are served at once; the connection is closed 20 s
# after the command (checked at the end).
awk -v t="$(date +%s)" 'BEGIN { print "$TIME " t;
    for (i = 0; i < 10000; i++) {
        print "$RRSET answer_nonauth unchecked 0 1 0";
        printf "host%d.stall.example.\t600\tIN\tTXT\t\"%s\"\n", i,
            "some text to make the dump larger than socket buffers";
    }
    print "$END" }' > "$dir/stall.txt"
out=$($C load_cache < "$dir/stall.txt" 2>&1); rc=$?
check "load_cache of 10000 RRsets for a dump nobody reads" \
    '[ $rc -eq 0 ] && echo "$out" | grep -q "loaded 10000 rrsets"'
python3 -c '
import socket, sys, time, select
u = socket.socket(socket.AF_UNIX)
u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
u.connect(sys.argv[1])
u.sendall(b"RESOLUTE1 dump_cache\n")
t0 = time.time()
open(sys.argv[2], "w").close()
p = select.poll()
p.register(u, 0)
while time.time() - t0 < 40:
    if any(e & select.POLLHUP for _, e in p.poll(200)):
        break
print("%.1f" % (time.time() - t0))
' "$dir/control.sock" "$dir/stall.sent" >"$dir/stall.out" 2>&1 &
stall=$!
# Its request sent, and the dump written as far as it goes.
for i in $(seq 1 50); do [ -e "$dir/stall.sent" ] && break; sleep 0.1; done
sleep 1
reloads=$(grep -c "reload: done" "$dir/resolute.log")
t0=$(date +%s%N)
out=$(timeout 5 $C status 2>&1); rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "a dump_cache nobody reads delays no other client: status in $ms ms" \
    '[ $rc -eq 0 ] && [ $ms -lt 1000 ] && kill -0 $stall 2>/dev/null'
t0=$(date +%s%N)
kill -HUP "$pid"
for i in $(seq 1 50); do
    [ "$(grep -c "reload: done" "$dir/resolute.log")" -gt "$reloads" ] && break
    sleep 0.02
done
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "nor a reload by SIGHUP: done in $ms ms" \
    '[ "$(grep -c "reload: done" "$dir/resolute.log")" -gt "$reloads" ] && [ $ms -lt 1000 ]'
$C flush_zone stall.example >/dev/null 2>&1
wait $idle

out=$($C no_such_command 2>&1); rc=$?
check "unknown command: exit 1 with the error" '[ $rc -eq 1 ] && echo "$out" | grep -q "error: unknown command"'
out=$($CONTROL -s "$dir/nowhere.sock" status 2>&1); rc=$?
check "no daemon: exit 3" '[ $rc -eq 3 ]'
out=$(printf 'HELLO status\n' | python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
print(s.recv(4096).decode())' "$dir/control.sock" 2>&1)
check "a request without the protocol word gets an error" 'echo "$out" | grep -q "^%error bad request"'

said=$($C verbosity 4 2>&1); rc=$?
out=$($C status 2>&1)
check "verbosity 4 is applied, and says ok" '[ $rc -eq 0 ] && [ "$said" = ok ] && echo "$out" | grep -q "^verbosity: 4"'
$C verbosity many >/dev/null 2>&1; rc=$?
check "verbosity with a bad number: exit 1" '[ $rc -eq 1 ]'
$C verbosity 1 >/dev/null 2>&1

# Statistics: reset, send known queries, compare.
$C stats >/dev/null 2>&1
for i in 1 2 3; do $D +short www.example.internal A >/dev/null; done
for i in 1 2; do $D +short www.example.internal AAAA >/dev/null; done
$D nope.example.internal A >/dev/null
$D +tcp www.example.internal A >/dev/null
out=$($C stats_noreset 2>&1); rc=$?
val() { echo "$out" | sed -n "s/^$1=//p"; }
check "stats_noreset exits 0" '[ $rc -eq 0 ]'
check "total.num.queries counts the 7 queries" '[ "$(val total.num.queries)" = 7 ]'
check "per-thread queries add up to the total" \
    '[ $(( $(val thread0.num.queries) + $(val thread1.num.queries) )) = 7 ]'
check "num.query.type.A=5 and AAAA=2" \
    '[ "$(val num.query.type.A)" = 5 ] && [ "$(val num.query.type.AAAA)" = 2 ]'
check "answers by rcode: NOERROR=6, NXDOMAIN=1" \
    '[ "$(val num.answer.rcode.NOERROR)" = 6 ] && [ "$(val num.answer.rcode.NXDOMAIN)" = 1 ]'
check "num.query.tcp=1, class IN=7, opcode QUERY=7, flags RD=7" \
    '[ "$(val num.query.tcp)" = 1 ] && [ "$(val num.query.class.IN)" = 7 ] && [ "$(val num.query.opcode.QUERY)" = 7 ] && [ "$(val num.query.flags.RD)" = 7 ]'
check "memory per cache, uptime, unwanted replies, median are reported" \
    'echo "$out" | grep -q "^mem.cache.rrset=[0-9]" && echo "$out" | grep -q "^mem.cache.message=" && echo "$out" | grep -q "^time.up=" && echo "$out" | grep -q "^unwanted.replies=" && echo "$out" | grep -q "^total.recursion.time.median="'
out=$($C stats 2>&1)
check "stats reports the same counts" '[ "$(val total.num.queries)" = 7 ]'
out=$($C stats 2>&1)
check "stats resets: nothing since" '[ "$(val total.num.queries)" = 0 ] && [ -z "$(val num.query.type.A)" ]'

# Reload picks up changed local data.
make_conf "v1.example.internal. 60 IN TXT \"two\""
out=$($C reload 2>&1); rc=$?
check "reload exits 0 and says ok" '[ $rc -eq 0 ] && [ "$out" = ok ]'
out=$($D +short v1.example.internal TXT)
check "reload picks up the changed local-data" '[ "$out" = "\"two\"" ]'
cp "$dir/resolute.conf" "$dir/good.conf"
echo "server: no-such-option: 1" >> "$dir/resolute.conf"
out=$($C -c "$dir/good.conf" reload 2>&1); rc=$?
check "reload of a broken config: exit 1, old config kept" \
    '[ $rc -eq 1 ] && [ "$($D +short v1.example.internal TXT)" = "\"two\"" ]'
cp "$dir/good.conf" "$dir/resolute.conf"

# log-queries, statistics-interval and extended-statistics, taken at a
# reload: a line per query, a line per thread each second, and stats
# without the per-type lines.
sed -i 's/^server:$/server:\n\tlog-queries: yes\n\tstatistics-interval: 1\n\textended-statistics: no/' "$dir/resolute.conf"
out=$($C reload 2>&1); rc=$?
check "reload with log-queries, statistics-interval, extended-statistics" \
    '[ $rc -eq 0 ]'
$D +short -t AAAA www.example.internal >/dev/null
$D +tcp +short www.example.internal >/dev/null
sleep 2.5
check "log-queries: a line per query with address, name, type, class" \
    'grep -q "query: 127.0.0.1 www.example.internal. AAAA IN$" "$dir/resolute.log" && grep -q "query: 127.0.0.1 www.example.internal. A IN tcp$" "$dir/resolute.log"'
check "statistics-interval: each thread logs its counters" \
    'grep -q "server stats for thread 0: [0-9]* queries, [0-9]* answered from cache" "$dir/resolute.log" && grep -q "server stats for thread 1: " "$dir/resolute.log"'
out=$($C stats_noreset 2>&1)
check "extended-statistics: no leaves out the per-type lines" \
    '[ "$(val total.num.queries)" -ge 2 ] && ! echo "$out" | grep -q "^num.query.type" && ! echo "$out" | grep -q "^num.answer.rcode"'
cp "$dir/good.conf" "$dir/resolute.conf"
out=$($C reload 2>&1)
sleep 1.5
lines=$(grep -c "server stats for thread" "$dir/resolute.log")
sleep 1.5
check "statistics-interval is off again after a reload without it" \
    '[ "$(grep -c "server stats for thread" "$dir/resolute.log")" = "$lines" ]'

# load_cache of a hand-written dump made 20 seconds ago.
now=$(date +%s)
cat > "$dir/load.txt" <<EOF
; resolute cache dump 1
\$TIME $((now - 20))
\$RRSET answer_auth secure 0 2 0
cached.example.com.	3600	IN	A	192.0.2.55
cached.example.com.	3600	IN	A	192.0.2.56
\$RRSET answer_auth unchecked 0 1 0
example.com.	3600	IN	NS	ns1.example.com.
\$RRSET glue unchecked 0 1 0
ns1.example.com.	3600	IN	A	192.0.2.53
\$RRSET answer_nonauth bogus 6 1 0 signature expired
bogus.example.com.	3600	IN	TXT	"bad"
\$MSG cached.example.com. IN A 0 0 33152 3600 secure 1 0 0
\$REF cached.example.com. IN A
\$END
EOF
out=$($C load_cache < "$dir/load.txt" 2>&1); rc=$?
check "load_cache exits 0 and counts what it stored" \
    '[ $rc -eq 0 ] && echo "$out" | grep -q "loaded 4 rrsets, 1 messages"'
out=$($D cached.example.com A)
ttl=$(echo "$out" | awk '$1 == "cached.example.com." && $4 == "A" { print $2; exit }')
check "a loaded name is answered from the cache" 'echo "$out" | grep -q "192.0.2.56"'
check "with the TTL reduced by the time since the dump ($ttl)" \
    '[ -n "$ttl" ] && [ "$ttl" -le 3580 ] && [ "$ttl" -ge 3560 ]'
$C dump_cache > "$dir/dump.txt" 2>&1; rc=$?
norm() { grep -v -e '^;' -e '^\$TIME' "$1" | awk -F'\t' 'NF >= 5 { $2 = "T" } { print }' | sed 's/ [0-9]* secure 1 0 0$/ T secure 1 0 0/' | sort; }
check "dump_cache gives back what was loaded (TTLs aside)" \
    '[ $rc -eq 0 ] && [ "$(norm "$dir/load.txt")" = "$(norm "$dir/dump.txt")" ]'
# Every write checked: a full disk is an error, not a short file.
$C dump_cache > /dev/full 2>"$dir/full.err"; rc=$?
check "dump_cache > /dev/full: exit $rc, with the reason" \
    '[ $rc -eq 4 ] && grep -q "cannot write the output" "$dir/full.err"'
out=$($C load_cache < "$dir/dump.txt" 2>&1); rc=$?
check "a dump loads again as it is" '[ $rc -eq 0 ] && echo "$out" | grep -q "loaded 4 rrsets, 1 messages"'

# A bad line: refused with its number, nothing stored.
cat > "$dir/bad.txt" <<EOF
; resolute cache dump 1
\$TIME $now
\$RRSET answer_auth unchecked 0 1 0
halfway.example.com.	300	IN	A	192.0.2.77
\$RRSET answer_auth unchecked 0 1 0
broken.example.com.	300	IN	A	192.0.2.300
\$END
EOF
out=$($C load_cache < "$dir/bad.txt" 2>&1); rc=$?
check "a malformed line: exit 1, the error names line 6" \
    '[ $rc -eq 1 ] && echo "$out" | grep -q "line 6"'
check "nothing of the bad dump was loaded" \
    '! $C dump_cache 2>&1 | grep -q halfway'

# A client that goes away in the middle of a large dump.
awk -v t="$now" 'BEGIN { print "$TIME " t;
    for (i = 0; i < 5000; i++) {
        print "$RRSET answer_nonauth unchecked 0 1 0";
        printf "host%d.bulk.example.\t600\tIN\tTXT\t\"%s\"\n", i,
            "some text to make the dump larger than socket buffers";
    }
    print "$END" }' > "$dir/big.txt"
out=$($C load_cache < "$dir/big.txt" 2>&1); rc=$?
check "load_cache of 5000 RRsets" '[ $rc -eq 0 ] && echo "$out" | grep -q "loaded 5000 rrsets"'
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"RESOLUTE1 dump_cache\n")
s.recv(1000)
s.close()' "$dir/control.sock" 2>/dev/null
sleep 0.5
out=$($C status 2>&1); rc=$?
check "after a client left mid-dump the channel still serves" \
    '[ $rc -eq 0 ] && kill -0 $pid'
check "the failed write is logged" 'grep -q "client write failed" "$dir/resolute.log"'
lines=$($C dump_cache 2>/dev/null | grep -c "bulk.example")
check "a full dump streams all 5000 RRsets" '[ "$lines" = 5000 ]'
lines=$($T dump_cache 2>/dev/null | grep -c "bulk.example")
check "and over TLS" '[ "$lines" = 5000 ]'
check "queries are answered meanwhile" \
    '[ "$($D +short www.example.internal A)" = 192.0.2.10 ]'

# lookup, flushes.
out=$($C lookup www.example.com 2>&1); rc=$?
check "lookup shows the cached delegation and server address" \
    '[ $rc -eq 0 ] && echo "$out" | grep -q "zone example.com." && echo "$out" | grep -q "192.0.2.53"'
out=$($C flush_zone bulk.example 2>&1); rc=$?
check "flush_zone removes the zone's entries" \
    '[ $rc -eq 0 ] && echo "$out" | grep -q "flushed 5000 entries"'
$C flush_bogus >/dev/null 2>&1
check "flush_bogus removes bogus data only" \
    '! $C dump_cache | grep -q bogus.example && $C dump_cache | grep -q cached.example'
$C flush_type cached.example.com A >/dev/null 2>&1
check "flush_type removes one RRset" '! $C dump_cache | grep -q "^cached"'
$C flush example.com >/dev/null 2>&1
check "flush NAME removes the name" '! $C dump_cache | grep -q "^example.com."'
out=$($C flush 'bad..name' 2>&1); rc=$?
check "flush of a bad name: exit 1" '[ $rc -eq 1 ]'

# A message holds the RRsets of its CNAME chain: flushing the target
# name or its type must take the message too, or its encoded answer
# would still serve the flushed data.
for what in "flush target.example.net" "flush_type target.example.net A" \
    "flush_zone example.net"; do
	now=$(date +%s)
	cat > "$dir/chain.txt" <<EOF
; resolute cache dump 1
\$TIME $now
\$RRSET answer_auth unchecked 0 1 0
alias.example.com.	3600	IN	CNAME	target.example.net.
\$RRSET answer_auth unchecked 0 1 0
target.example.net.	3600	IN	A	192.0.2.77
\$MSG alias.example.com. IN A 0 0 33152 3600 unchecked 2 0 0
\$REF alias.example.com. IN CNAME
\$REF target.example.net. IN A
\$END
EOF
	$C load_cache < "$dir/chain.txt" >/dev/null 2>&1
	check "a loaded CNAME chain is answered ($what)" \
	    '$D +short alias.example.com A | grep -q 192.0.2.77'
	out=$($C $what 2>&1)
	check "$what also takes the message that holds it" \
	    '! $D +short alias.example.com A | grep -q 192.0.2.77'
done
$C flush_infra all >/dev/null 2>&1; rc=$?
check "flush_infra all" '[ $rc -eq 0 ]'

# Local zones and data.
out=$($C list_local_zones 2>&1); rc=$?
check "list_local_zones" '[ $rc -eq 0 ] && echo "$out" | grep -q "^example.internal. static"'
out=$($C local_data "new.example.internal. 30 IN A 192.0.2.99" 2>&1); rc=$?
check "local_data adds an RR that is answered" \
    '[ $rc -eq 0 ] && [ "$($D +short new.example.internal A)" = 192.0.2.99 ]'
out=$($C local_data "not an rr" 2>&1); rc=$?
check "local_data with a bad RR: exit 1" '[ $rc -eq 1 ]'

# Queries in progress: a delegation to a silent server on loopback.
silent=
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.77.0.1", 53))
print("ready", flush=True)
end = time.time() + 20
while time.time() < end:
    s.settimeout(max(0.1, end - time.time()))
    try:
        s.recvfrom(4096)
    except socket.timeout:
        pass' > "$dir/silent.out" 2>/dev/null &
silent=$!
for i in $(seq 1 20); do
    grep -q ready "$dir/silent.out" 2>/dev/null && break
    sleep 0.1
done
if grep -q ready "$dir/silent.out" 2>/dev/null; then
    cat > "$dir/slow.txt" <<EOF
\$TIME $(date +%s)
\$RRSET glue unchecked 0 1 0
slow.example.net.	600	IN	NS	ns.slow.example.net.
\$RRSET glue unchecked 0 1 0
ns.slow.example.net.	600	IN	A	127.77.0.1
\$END
EOF
    $C load_cache < "$dir/slow.txt" >/dev/null 2>&1
    $D +time=5 a.slow.example.net A >/dev/null 2>&1 &
    digpid=$!
    sleep 0.5
    out=$($C dump_requestlist 2>&1); rc=$?
    check "dump_requestlist shows the query in progress" \
        '[ $rc -eq 0 ] && echo "$out" | grep -q "a.slow.example.net. A IN clients=1"'
    out=$($C stats_noreset 2>&1)
    check "requestlist.current.all counts it" \
        '[ "$(val total.requestlist.current.all)" -ge 1 ]'
    out=$($C flush_requestlist 2>&1); rc=$?
    check "flush_requestlist drops it" \
        '[ $rc -eq 0 ] && echo "$out" | grep -q "dropped [1-9][0-9]* queries"'
    out=$($C dump_requestlist 2>&1)
    check "the request list is empty afterwards" \
        '! echo "$out" | grep -q "slow.example.net"'
    check "queries are answered after the flush" \
        '[ "$($D +short www.example.internal A)" = 192.0.2.10 ]'
    kill $digpid 2>/dev/null; wait $digpid 2>/dev/null
else
    for i in 1 2 3 4 5; do
        n=$((n + 1)); echo "ok $n # SKIP cannot bind 127.77.0.1:53"
    done
fi
kill $silent 2>/dev/null; wait $silent 2>/dev/null

wait $idle2
check "a client silent for 10 s is closed by the daemon ($(cat "$dir/idle2.out"))" \
    '[ "$(cat "$dir/idle2.out")" = closed ] && grep -q "no request within 10 s" "$dir/resolute.log"'
wait $trickle
out=$(cat "$dir/trickle.out")
secs=${out%% *}
check "the trickling load_cache is cut with an error 20 s after its request ($out)" \
    'awk -v s="$secs" "BEGIN { exit !(s >= 19 && s < 24) }" && echo "$out" | grep -q "%error the text was not complete within 20 s" && grep -q "not complete within 20 s: closed" "$dir/resolute.log"'
wait $stall
secs=$(cat "$dir/stall.out")
check "the dump nobody reads is closed 20 s after the command ($secs s)" \
    'awk -v s="$secs" "BEGIN { exit !(s >= 19 && s < 24) }" && grep -q "output not taken within 20 s: closed" "$dir/resolute.log"'
out=$($C stop 2>&1); rc=$?
stopped=0
for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || { stopped=1; break; }
    sleep 0.1
done
check "stop ends the daemon" '[ $rc -eq 0 ] && [ $stopped = 1 ]'
wait "$pid" 2>/dev/null
pid=
check "the control socket is removed at exit" '[ ! -e "$dir/control.sock" ]'
check "no sanitizer or crash report from the daemon" \
    '! grep -qE "Sanitizer|runtime error" "$dir/stderr" "$dir/resolute.log"'

if [ $failed -gt 0 ]; then
    sed 's/^/# /' "$dir/resolute.log" | tail -20
fi
tap_end
