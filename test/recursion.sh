#!/bin/sh
# test/recursion.sh - resolute resolves the whole test world.
#
# Builds the default test world (about 11,000 names with their expected
# outcomes), serves it, starts resolute with the world's root hints, and
# checks every name with contrib/testworld/check-resolver: rcode and answer
# data must be as listed.  Validation does not exist yet, so the status
# (secure/insecure) is not compared and the names expected bogus are
# counted as skipped by the checker, never as passed.  The whole list is
# checked twice: cold, then again from the cache (the fast path).  Names
# whose first client may see another outcome by design ($todo_re below)
# are reported apart, as a TAP TODO with the reason, so the list keeps
# the outcome a serious resolver gives in the end.
#
# Needs what test/testworld.sh needs (nsd, ldnsutils, openssl, python3,
# dig, root for port 53 on 127.53.0.0/16).  A missing prerequisite makes
# the test a SKIP.
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
CHECK="$srcdir/contrib/testworld/check-resolver"
RESOLUTE="$builddir/resolute"
CONTROL="$builddir/resolute-control"

. "$srcdir/test/world.sh"
world_prereqs recursion
n=0
fail=0
pid=
cpid=
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
notok() {
	n=$((n + 1))
	fail=1
	echo "not ok $n - $1"
}
# Names listed with the outcome unbound gives its first client after
# about 12 s: resolute answers a client within answer-timeout (3 s), so
# when the zone's dead child-side NS set is cached first, that client
# gets SERVFAIL with EDE 22 while the fallback to the parent-side set is
# still under way (the next client gets the answer: the probe below).
# Their mismatches are reported on their own, as a TAP TODO.
todo_re='([^ ]+\.)?ns-child-dead\.broken\.'
todo_why='answer-timeout answers before the parent-side fallback ends'
# ent.entds.broken DS: its server answers the DS question of this empty
# non-terminal with NXDOMAIN, its NSEC showing names below it.  A
# validator takes that for NODATA (NOERROR, secure) as unbound does;
# without validation the server's NXDOMAIN is the answer (unbound's
# iterator alone gives it too), so the runs without validation leave the
# name out.
noval_re='ent\.entds\.broken\. DS'
# judge OUT RC TEXT: ok or not ok for a check-resolver run (its output
# and exit status), then the TODO for the mismatched TODO names if any.
judge() {
	rest=$(grep "^MISMATCH" "$1" | grep -Evc "^MISMATCH $todo_re ")
	todo=$(grep "^MISMATCH" "$1" | grep -Ec "^MISMATCH $todo_re ")
	if [ "$2" = 0 ] || { [ "$2" = 1 ] && [ "$rest" = 0 ]; }; then
		ok "$3"
	else
		notok "$3"
	fi
	if [ "$todo" != 0 ]; then
		n=$((n + 1))
		echo "not ok $n - $3: $todo names of ns-child-dead.broken # TODO $todo_why"
	fi
}
# The names list without the names whose listed outcome only validation
# gives (for the runs without it).
noval_list() {
	grep -Ev "^$(echo "$noval_re" | tr ' ' '\t')	" \
	    "$dir/state/names.txt"
}
cleanup() {
	for p in $pid $cpid; do
		if kill -0 "$p" 2>/dev/null; then
			kill "$p"
			wait "$p" 2>/dev/null
		fi
	done
	"$TW" -d "$dir/state" stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

if "$TW" -d "$dir/state" build --seed 2026 --testauth "$TESTAUTH" \
    >"$dir/build.log" 2>&1 && "$TW" -d "$dir/state" start \
    >>"$dir/build.log" 2>&1; then
	ok "test world built and started"
else
	notok "test world built and started"
	sed 's/^/# /' "$dir/build.log" | tail -n 20
	echo "1..$n"
	exit 1
fi

port=$(( 20000 + $$ % 10000 ))
cat >"$dir/resolute.conf" <<CONF
server:
	interface: 127.0.0.1
	port: $port
	num-threads: 2
	module-config: "iterator"
	root-hints: "$dir/state/root.hints"
	do-not-query-localhost: no
	pidfile: "$dir/resolute.pid"
	logfile: "$dir/resolute.log"
	verbosity: 1
CONF
"$RESOLUTE" -d -c "$dir/resolute.conf" 2>"$dir/stderr" &
pid=$!
up=0
for i in $(seq 1 50); do
	if dig +time=1 +tries=1 -p "$port" @127.0.0.1 localhost A >/dev/null 2>&1
	then
		up=1
		break
	fi
	sleep 0.1
done
if [ $up = 1 ]; then ok "resolute started"; else notok "resolute started"; fi

# ns-child-dead.broken: the parent delegates to two working servers, the
# zone's own NS set names only one that never answers.  Once a resolver
# holds the child's set (here from an NS question), a new name of the
# zone must still resolve, through the parent-side set, as unbound's
# does.  A resolute of its own, so the cold pass is not affected, asked
# by a client that retries (each answer-timeout SERVFAIL is asked again)
# for 20 s at most; it runs in the background during the cold pass.
cport=$((port + 4))
sed -e "s/port: $port/port: $cport/" -e "s#$dir/resolute\\.#$dir/childdead.#g" \
    "$dir/resolute.conf" >"$dir/childdead.conf"
"$RESOLUTE" -d -c "$dir/childdead.conf" 2>>"$dir/stderr" &
cpid=$!
(
	# The child's NS set first (until the daemon is up).
	i=0
	until dig +time=2 +tries=1 -p "$cport" @127.0.0.1 \
	    ns-child-dead.broken NS 2>&1 | grep -q "NS.*ns3\.ns-child-dead"; do
		i=$((i + 1))
		[ $i -lt 50 ] || exit 1
		sleep 0.1
	done
	end=$(($(date +%s) + 20))
	while [ "$(date +%s)" -lt $end ]; do
		dig +time=5 +tries=1 -p "$cport" @127.0.0.1 \
		    probe.ns-child-dead.broken A >"$dir/childdead.out" 2>&1
		grep -q "status: NXDOMAIN" "$dir/childdead.out" && exit 0
		sleep 1
	done
	exit 1
) &
cprobe=$!

# Cold: every name resolved from the root.
start=$(date +%s.%N)
noval_list >"$dir/names-noval.txt"
"$CHECK" -f "$dir/names-noval.txt" -d "$dir/state" -s 127.0.0.1 \
    -p "$port" -j 64 -t 40 --no-validation >"$dir/cold.out" 2>&1
rc=$?
end=$(date +%s.%N)
sed -n 's/^/# /p' "$dir/cold.out" | grep -v "^# MISMATCH" | tail -n 8
grep "^MISMATCH" "$dir/cold.out" | head -n 20 | sed 's/^/# /'
echo "# cold run: $(echo "$end - $start" | bc 2>/dev/null || echo "?") s"
judge "$dir/cold.out" "$rc" "cold cache: every name resolves to its expected rcode and data"
if wait "$cprobe"; then
	ok "ns-child-dead.broken: with the child's dead NS set cached, a new name resolves through the parent's servers"
else
	notok "ns-child-dead.broken: with the child's dead NS set cached, a new name resolves through the parent's servers"
	grep -E "status:|EDE:" "$dir/childdead.out" | sed 's/^/# /'
fi
kill "$cpid"
wait "$cpid"
cpid=

# Warm: the same list again, now answered from the cache.
"$CHECK" -f "$dir/names-noval.txt" -d "$dir/state" -s 127.0.0.1 \
    -p "$port" -j 64 -t 40 --no-validation >"$dir/warm.out" 2>&1
rc=$?
sed -n 's/^/# /p' "$dir/warm.out" | grep -v "^# MISMATCH" | tail -n 3
grep "^MISMATCH" "$dir/warm.out" | head -n 20 | sed 's/^/# /'
judge "$dir/warm.out" "$rc" "warm cache: the same answers from the cache"

# A cached answer counts its TTL down.
t1=$(dig +noall +answer -p "$port" @127.0.0.1 www.features.com A | awk '{print $2; exit}')
sleep 2
t2=$(dig +noall +answer -p "$port" @127.0.0.1 www.features.com A | awk '{print $2; exit}')
if [ -n "$t1" ] && [ -n "$t2" ] && [ "$t2" -lt "$t1" ]; then
	ok "cached TTLs count down ($t1 then $t2)"
else
	notok "cached TTLs count down ($t1 then $t2)"
fi

# DO gets the RRSIGs, no DO gets none.
sigs=$(dig +dnssec +noall +answer -p "$port" @127.0.0.1 www.features.com A | grep -c RRSIG)
nosigs=$(dig +noall +answer -p "$port" @127.0.0.1 www.features.com A | grep -c RRSIG)
if [ "$sigs" -ge 1 ] && [ "$nosigs" = 0 ]; then
	ok "RRSIGs only for DO clients"
else
	notok "RRSIGs only for DO clients ($sigs with DO, $nosigs without)"
fi

# The answer of a name behind a truncating server came over TCP.
out=$(dig +noall +answer -p "$port" @127.0.0.1 www.truncating.broken A)
if echo "$out" | grep -q "A"; then
	ok "a truncating server is asked again over TCP"
else
	notok "a truncating server is asked again over TCP"
fi

# ANY (RFC 8482): the server of any-noquestion.broken answers ANY over
# UDP with TC and no question, over TCP in full (A and TXT).  A client
# over UDP gets one RRset, over TCP both (dig asks ANY over TCP unless
# told +notcp).
dig +notcp +time=5 +tries=1 +noall +answer -p "$port" @127.0.0.1 \
	www.any-noquestion.broken ANY >"$dir/any.udp" 2>&1
dig +tcp +time=5 +tries=1 +noall +answer -p "$port" @127.0.0.1 \
	www.any-noquestion.broken ANY >"$dir/any.tcp" 2>&1
udp=$(grep -c "^www\.any-noquestion\.broken\..*IN" "$dir/any.udp")
tcp=$(grep -c "^www\.any-noquestion\.broken\..*IN" "$dir/any.tcp")
if [ "$udp" = 1 ] && [ "$tcp" = 2 ]; then
	ok "ANY: one RRset over UDP, all over TCP (RFC 8482)"
else
	notok "ANY: one RRset over UDP, all over TCP (RFC 8482) (udp $udp, tcp $tcp)"
	sed 's/^/# udp: /' "$dir/any.udp"
	sed 's/^/# tcp: /' "$dir/any.tcp"
fi

# A second resolute forwarding everything to the first (forward-zone),
# and a third that knows only a stub zone (root hints unreachable).
fport=$((port + 1))
sport=$((port + 2))
stubaddr=$(dig +norec +noall +additional @127.53.1.1 features.com NS |
	awk '$4 == "A" {print $5; exit}')
cat >"$dir/fwd.conf" <<CONF
server:
	interface: 127.0.0.1
	port: $fport
	module-config: "iterator"
	root-hints: "$srcdir/testdata/root.hints.loopback"
	do-not-query-localhost: no
	pidfile: "$dir/fwd.pid"
	logfile: "$dir/fwd.log"
forward-zone:
	name: "."
	forward-addr: 127.0.0.1@$port
CONF
cat >"$dir/stub.conf" <<CONF
server:
	interface: 127.0.0.1
	port: $sport
	module-config: "iterator"
	root-hints: "$srcdir/testdata/root.hints.loopback"
	pidfile: "$dir/stub.pid"
	logfile: "$dir/stub.log"
	do-not-query-localhost: no
stub-zone:
	name: "features.com"
	stub-addr: $stubaddr
	stub-prime: yes
CONF
"$RESOLUTE" -d -c "$dir/fwd.conf" 2>>"$dir/stderr" &
fpid=$!
"$RESOLUTE" -d -c "$dir/stub.conf" 2>>"$dir/stderr" &
spid=$!
sleep 0.5
out=$(dig +time=5 +tries=1 +noall +answer -p "$fport" @127.0.0.1 www.oob2.net A)
if echo "$out" | grep -q "192.0.2.11"; then
	ok "forward-zone: answers through the forwarder"
else
	notok "forward-zone: answers through the forwarder ($out)"
fi
out=$(dig +time=5 +tries=1 -p "$fport" @127.0.0.1 nosuch.features.org A)
if echo "$out" | grep -q "status: NXDOMAIN"; then
	ok "forward-zone: NXDOMAIN through the forwarder"
else
	notok "forward-zone: NXDOMAIN through the forwarder"
fi
out=$(dig +time=5 +tries=1 +noall +answer -p "$sport" @127.0.0.1 www.features.com A)
if [ -n "$stubaddr" ] && echo "$out" | grep -q "192.0.2.20"; then
	ok "stub-zone (primed): the zone resolves from its stub address $stubaddr"
else
	notok "stub-zone: the zone resolves from its stub address ($stubaddr: $out)"
fi
out=$(dig +time=3 +tries=1 +noall +answer -p "$sport" @127.0.0.1 www.features.net A)
if ! echo "$out" | grep -q "192.0.2"; then
	ok "stub-zone: names outside it are not resolved (no root)"
else
	notok "stub-zone: names outside it are not resolved (no root)"
fi
kill "$fpid" "$spid"
wait "$fpid" "$spid"

kill "$pid"
wait "$pid"
rc=$?
pid=
if [ $rc = 0 ]; then ok "resolute stops cleanly"; else notok "resolute stops cleanly (exit $rc)"; fi
# The validating resolver: every name with its expected status (secure
# with AD, insecure, bogus as SERVFAIL with the expected EDE code).
vport=$((port + 3))
cat >"$dir/val.conf" <<CONF
server:
	interface: 127.0.0.1
	port: $vport
	num-threads: 2
	module-config: "validator iterator"
	root-hints: "$dir/state/root.hints"
	trust-anchor-file: "$dir/state/root.ds"
	do-not-query-localhost: no
	pidfile: "$dir/val.pid"
	logfile: "$dir/val.log"
	verbosity: 1
	val-log-level: 2
	val-bogus-ttl: 900
	msg-cache-size: 64m
	rrset-cache-size: 128m
remote-control:
	control-enable: yes
	control-interface: "$dir/control.sock"
	control-use-cert: no
CONF
"$RESOLUTE" -d -c "$dir/val.conf" 2>>"$dir/stderr" &
vpid=$!
sleep 0.5
# "OWNER TYPE VERDICT" of each DNSKEY and DS RRset in a cache dump (the
# verdict is the third word of the $RRSET line before the RRset).
key_verdicts() {
	awk -F '\t' '/^\$RRSET/ { split($0, f, " "); sec = f[3]; next }
	    NF >= 5 && ($4 == "DNSKEY" || $4 == "DS") && sec != "" {
		print $1, $4, sec; sec = "" }' "$1" | sort -u
}
# First a burst at the broken zones from 64 source ports, so both threads
# fetch the same DNSKEY RRsets at once: a second fetch of a set the other
# thread has judged must not leave it unchecked (checked in the dump).
dig +time=5 +tries=1 -p "$vport" @127.0.0.1 broken DS >/dev/null 2>&1
python3 - "$vport" <<'PY'
import socket, struct, sys
port = int(sys.argv[1])
zones = ['unknown-algorithm.broken', 'rrsig-expired.broken',
         'ds-mismatch.broken', 'rrsig-notyet.broken']
socks = []
for i in range(64):
    name = ('x%d.' % i if i % 3 else 'www.') + zones[i % 4]
    wire = b''.join(bytes([len(l)]) + l.encode() for l in name.split('.'))
    pkt = struct.pack('>6H', i, 0x0100, 1, 0, 0, 0) + wire + b'\0' + \
        struct.pack('>HH', (1, 28, 16, 15)[i % 4], 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    s.settimeout(10)
    s.sendto(pkt, ('127.0.0.1', port))
    socks.append(s)
for s in socks:
    try:
        s.recv(4096)
    except OSError:
        pass
PY
"$CONTROL" -c "$dir/val.conf" dump_cache >"$dir/burst.dump" 2>>"$dir/stderr"
keys=$(key_verdicts "$dir/burst.dump" |
    awk '$2 == "DNSKEY" && $1 ~ /^(unknown-algorithm|rrsig-expired|ds-mismatch|rrsig-notyet)\.broken\.$/ {
	print $1 "=" $3 }' | tr '\n' ' ')
if [ "$(echo "$keys" | wc -w)" = 4 ] && ! echo "$keys" | grep -q unchecked; then
	ok "dump_cache: DNSKEY RRsets fetched by both threads at once keep their verdict ($keys)"
else
	notok "dump_cache: DNSKEY RRsets fetched by both threads at once keep their verdict ($keys)"
fi
"$CHECK" -d "$dir/state" -s 127.0.0.1 -p "$vport" -j 64 -t 40 --ede \
    >"$dir/val.out" 2>&1
rc=$?
sed -n 's/^/# /p' "$dir/val.out" | grep -v "^# MISMATCH" | tail -n 8
grep "^MISMATCH" "$dir/val.out" | head -n 30 | sed 's/^/# /'
judge "$dir/val.out" "$rc" "validation: every name has its expected status and EDE"
# Warm: the names that have an answer again, now from the cache, with
# the same statuses (a proof cached for less time than its answer, such
# as the NSEC of TTL 0 under host.wild.nsec-ttl0.com, must not cost the
# answer its AD).
awk -F '\t' '/^#/ || $4 != "-"' "$dir/state/names.txt" \
    >"$dir/names-cached.txt"
"$CHECK" -f "$dir/names-cached.txt" -d "$dir/state" -s 127.0.0.1 \
    -p "$vport" -j 64 -t 20 >"$dir/valwarm.out" 2>&1
rc=$?
tail -n 1 "$dir/valwarm.out" | sed 's/^/# /'
grep "^MISMATCH" "$dir/valwarm.out" | head -n 20 | sed 's/^/# /'
judge "$dir/valwarm.out" "$rc" "validation, warm: the same statuses from the cache"
out=$(dig +dnssec +time=5 +tries=1 -p "$vport" @127.0.0.1 www.features.com A)
if echo "$out" | grep -q "flags:.* ad"; then
	ok "validation: AD on a secure answer"
else
	notok "validation: AD on a secure answer"
fi
out=$(dig +dnssec +time=5 +tries=1 -p "$vport" @127.0.0.1 www.rrsig-expired.broken A)
if echo "$out" | grep -q "status: SERVFAIL" && echo "$out" | grep -q "EDE: 7 (Signature Expired).*rrsig-expired"; then
	ok "validation: an expired signature gives EDE 7 naming the zone"
else
	notok "validation: an expired signature gives EDE 7 naming the zone"
	echo "$out" | grep -E "status|EDE" | sed 's/^/# /'
fi
out=$(dig +cd +time=5 +tries=1 +noall +answer -p "$vport" @127.0.0.1 www.rrsig-expired.broken A)
if echo "$out" | grep -q "192.0.2.131"; then
	ok "validation: CD gets the bogus data unchecked"
else
	notok "validation: CD gets the bogus data unchecked"
fi
# The cache survives a restart: dump_cache, a fresh daemon, load_cache,
# and every name (but the unreachable ones, never cached) is answered
# from the cache with its validation status, without one upstream query.
out=$("$CONTROL" -c "$dir/val.conf" stats_noreset 2>&1)
sec=$(echo "$out" | sed -n 's/^num.answer.secure=//p')
bog=$(echo "$out" | sed -n 's/^num.answer.bogus=//p')
if [ "${sec:-0}" -gt 5000 ] && [ "${bog:-0}" -ge 5 ]; then
	ok "stats count the validation results (secure $sec, bogus $bog)"
else
	notok "stats count the validation results (secure $sec, bogus $bog)"
fi
# Queries in flight together for one zone share its chain checks: a
# signature is verified once, not once per waiting query (over 3 per
# secure answer without that, about 1.1 with it).
chk=$(echo "$out" | sed -n 's/^num.val.sig_checks=//p')
if [ -n "$chk" ] && [ "${sec:-0}" -gt 0 ] && \
    [ $((chk * 2)) -lt $((sec * 3)) ]; then
	ok "signature checks: $chk for $sec secure answers"
else
	notok "signature checks: ${chk:-none} for $sec secure answers"
fi
"$CONTROL" -c "$dir/val.conf" dump_cache >"$dir/cache.dump" 2>>"$dir/stderr"
rc=$?
# The DS and DNSKEY RRsets the chain walks checked carry the verdict in
# the cache: secure, or bogus for the broken zones' keys, none unchecked
# (any that is, is listed below).
key_verdicts "$dir/cache.dump" >"$dir/verdicts"
keys=$(awk '{ n[$2 " " $3]++ }
    END { printf "%d %d %d %d %d", n["DNSKEY secure"],
	n["DNSKEY unchecked"], n["DS secure"], n["DS unchecked"],
	n["DNSKEY bogus"] }' "$dir/verdicts")
set -- $keys
awk '$3 == "unchecked" { print "# unchecked: " $1 " " $2 }' \
    "$dir/verdicts" | head -n 5
if [ "$1" -gt 100 ] && [ "$2" = 0 ] && [ "$3" -gt 100 ] && [ "$4" = 0 ] && [ "$5" -ge 3 ]; then
	ok "dump_cache: DNSKEY and DS RRsets secure ($1 and $3), $5 DNSKEY bogus, $2 and $4 unchecked"
else
	notok "dump_cache: DNSKEY secure/unchecked/bogus $1/$2/$5, DS secure/unchecked $3/$4"
fi
kill "$vpid"
wait "$vpid"
"$RESOLUTE" -d -c "$dir/val.conf" 2>>"$dir/stderr" &
vpid=$!
sleep 0.5
"$CONTROL" -c "$dir/val.conf" load_cache <"$dir/cache.dump" \
    >"$dir/load.out" 2>&1
lrc=$?
# Questions of type RRSIG are left out: their answers are not cached
# (nor are they by unbound), each goes to the servers.  So are the TODO
# names, whose first client may have seen SERVFAIL.
awk -F '\t' '$2 != "RRSIG"' "$dir/names-cached.txt" |
    grep -Ev "^$todo_re	" >"$dir/names-loaded.txt"
"$CHECK" -f "$dir/names-loaded.txt" -d "$dir/state" -s 127.0.0.1 \
    -p "$vport" -j 64 -t 20 >"$dir/reload.out" 2>&1
crc=$?
out=$("$CONTROL" -c "$dir/val.conf" stats_noreset 2>&1)
udp=$(echo "$out" | sed -n 's/^num.query.outgoing.udp=//p')
tcp=$(echo "$out" | sed -n 's/^num.query.outgoing.tcp=//p')
tail -n 2 "$dir/reload.out" | sed 's/^/# /'
grep "^MISMATCH" "$dir/reload.out" | head -n 10 | sed 's/^/# /'
echo "# dump: $(wc -l <"$dir/cache.dump") lines; upstream after load: udp=$udp tcp=$tcp"
if [ $rc = 0 ] && [ $lrc = 0 ] && [ $crc = 0 ] && [ "$udp" = 0 ] && \
    [ "$tcp" = 0 ]; then
	ok "dump_cache / load_cache: a fresh daemon answers the world from the loaded cache, no upstream query"
else
	notok "dump_cache / load_cache: a fresh daemon answers the world from the loaded cache, no upstream query (dump $rc load $lrc check $crc udp $udp tcp $tcp)"
	sed 's/^/# /' "$dir/load.out" | head -n 5
fi
kill "$vpid"
wait "$vpid"
if grep -q "validation failure <www.rrsig-expired.broken." "$dir/val.log"; then
	ok "validation: the failure reason is logged"
else
	notok "validation: the failure reason is logged"
fi

if grep -Eq "AddressSanitizer|runtime error|LeakSanitizer" "$dir/stderr" "$dir/resolute.log"; then
	notok "no sanitizer report"
	grep -E -A5 "AddressSanitizer|runtime error|LeakSanitizer" "$dir/stderr" | head -n 30 | sed 's/^/# /'
else
	ok "no sanitizer report"
fi
"$TW" -d "$dir/state" stop >/dev/null 2>&1
left=$(pgrep -f "$dir/state" | wc -l)
if [ "$left" = 0 ]; then ok "no process of the world left"; else notok "no process of the world left ($left)"; fi

echo "1..$n"
exit $fail
