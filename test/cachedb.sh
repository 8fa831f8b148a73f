#!/bin/sh
# test/cachedb.sh - the shared cache in one real redis-server (TAP).
#
# Instance A resolves the whole small test world with "validator cachedb
# iterator"; then the world's servers stop and a new instance B, sharing
# A's Redis, answers every name that has a shareable answer from Redis
# alone: the same rcode, data and AD bit as listed (and as A gave), and
# not one upstream query.  Answers that are not shared stay SERVFAIL
# (bogus names, SERVFAIL names).  With the world back:
#	- a value that claims "secure" but no longer validates (one RDATA
#	  octet changed in Redis) is not served as secure: instance C
#	  answers the right data, re-resolved, and Redis gets it back;
#	- every value damaged (garbage, truncated, another version): a new
#	  instance D answers every name right, and counts the bad values;
#	- redis-server killed and then stopped (SIGSTOP) under load: every
#	  query is answered, none waits long (the longest answer time is
#	  printed); started again: D's lookups hit again, without a restart
#	  of D;
#	- Redis on a Unix socket with a password, in database 3: instance E
#	  stores there; instance F with a wrong password says so once and
#	  resolves without Redis.
# Needs the test world's prerequisites and redis-server; a missing one
# makes the test a SKIP.
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
RESOLUTE="$builddir/resolute"
CONTROL="$builddir/resolute-control"
CHECK="$srcdir/contrib/testworld/check-resolver"
VALUES="$srcdir/test/cachedb_values.py"
LOAD="$srcdir/test/cachedb_load.py"

. "$srcdir/test/world.sh"
. "$srcdir/test/redis.sh"
redis_prereqs
if ! grep -q "define USE_REDIS 1" "$builddir/config.h" 2>/dev/null; then
	world_skip "built without libhiredis"
fi
world_prereqs cachedb
. "$srcdir/test/tap.sh"
pids=
cleanup() {
	for p in $pids; do
		if kill -0 "$p" 2>/dev/null; then
			kill "$p"
			wait "$p" 2>/dev/null
		fi
	done
	redis_cleanup
	"$TW" -d "$dir/state" stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

world_small
rport=$(( 21000 + $$ % 4000 ))
if redis_start "$rport"; then
	ok "redis-server on 127.0.0.1 port $rport"
else
	notok "redis-server on 127.0.0.1 port $rport"
	tap_end
	exit 1
fi
base=$(( 30000 + ($$ % 3000) * 5 ))

# Write $dir/NAME.conf for an instance on port $2, with the cachedb:
# lines $3 (default: the Redis on $rport), start it and wait for its
# control channel and (without $3) its Redis connections.
start_instance() {
	cdb=${3:-"	redis-server-host: 127.0.0.1@$rport"}
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
$cdb
	redis-timeout: 100
	secret-seed: "test $$"
CONF
	"$RESOLUTE" -d -c "$dir/$1.conf" 2>"$dir/$1.stderr" &
	last=$!
	pids="$pids $last"
	for i in $(seq 1 50); do
		if "$CONTROL" -c "$dir/$1.conf" status >/dev/null 2>&1 &&
		    { [ -n "$3" ] ||
		    grep -q "Redis .* is up" "$dir/$1.log" 2>/dev/null; }; then
			return 0
		fi
		sleep 0.1
	done
	sed 's/^/# /' "$dir/$1.stderr" "$dir/$1.log" 2>/dev/null | tail -20
	return 1
}

# stat INSTANCE NAME: one counter.
stat() {
	"$CONTROL" -c "$dir/$1.conf" stats_noreset |
	    awk -F= -v k="$2" '$1 == k { print $2 }'
}

# dig at an instance: rcode and flags line of NAME TYPE.
ask() {
	dig +dnssec +time=5 +tries=1 -p "$1" @127.0.0.1 "$2" "$3"
}

start_instance a $base || { notok "instance A started"; tap_end; exit 1; }
ok "instance A started, connected to Redis"
if "$CHECK" -d "$dir/state" -s 127.0.0.1 -p $base -q -t 20 \
    >"$dir/check-a.out" 2>&1; then
	ok "A resolves the world: $(tail -1 "$dir/check-a.out" | sed 's/^check-resolver: //')"
else
	notok "A resolves the world"
	grep MISMATCH "$dir/check-a.out" | head -20 | sed 's/^/# /'
fi
stores=$(stat a cachedb.stores)
nvalues=$(python3 "$VALUES" "$rport" count)
check "A stored its answers in Redis ($stores SET, $nvalues values)" \
    '[ "${stores:-0}" -gt 300 ] && [ "${nvalues:-0}" -gt 300 ]'

# What is shared: NOERROR and NXDOMAIN answers that validate (or are
# insecure) and have a TTL.  Not shared: bogus answers (SERVFAIL), the
# SERVFAIL names, and host.wild.nsec-ttl0.com, whose proof has TTL 0.
awk -F '\t' '/^#/ || (($3 == "NOERROR" || $3 == "NXDOMAIN") &&
    $4 != "bogus" && $1 !~ /nsec-ttl0/)' "$dir/state/names.txt" \
    >"$dir/shared.txt"
awk -F '\t' '!/^#/ && ($3 == "SERVFAIL" || $4 == "bogus")' \
    "$dir/state/names.txt" >"$dir/unshared.txt"
nshared=$(grep -vc '^#' "$dir/shared.txt")

"$TW" -d "$dir/state" stop >/dev/null 2>&1
if dig +time=1 +tries=1 @127.53.0.1 . SOA >/dev/null 2>&1; then
	notok "the world's servers stopped"
else
	ok "the world's servers stopped"
fi
start_instance b $((base + 1)) || { notok "instance B started"; tap_end; exit 1; }
ok "instance B started (empty cache), same Redis"
if "$CHECK" -d "$dir/state" -f "$dir/shared.txt" -s 127.0.0.1 \
    -p $((base + 1)) -q -t 10 >"$dir/check-b.out" 2>&1; then
	ok "B answers all $nshared shared names from Redis with the listed rcode, data and AD bit: $(tail -1 "$dir/check-b.out" | sed 's/^check-resolver: //')"
else
	notok "B answers the shared names from Redis as listed"
	grep MISMATCH "$dir/check-b.out" | head -20 | sed 's/^/# /'
fi
up=$(( $(stat b num.query.outgoing.udp) + $(stat b num.query.outgoing.tcp) ))
hits=$(stat b cachedb.hits)
check "B sent no upstream query ($up) and hit Redis $hits times" \
    '[ "$up" = 0 ] && [ "${hits:-0}" -ge "$nshared" ]'
bad=0
while IFS="$(printf '\t')" read -r qn qt rest; do
	st=$(ask $((base + 1)) "$qn" "$qt" | sed -n 's/.*status: \([A-Z]*\).*/\1/p')
	[ "$st" = SERVFAIL ] || { bad=$((bad + 1)); echo "# $qn $qt: $st"; }
done <"$dir/unshared.txt"
check "bogus and SERVFAIL answers were not shared: B answers SERVFAIL for all $(wc -l <"$dir/unshared.txt")" \
    '[ $bad = 0 ]'

"$TW" -d "$dir/state" start >/dev/null 2>&1 ||
    notok "the world's servers started again"

# A value claiming "secure" for data that does not validate.
line=$(awk -F '\t' '$2 == "A" && $4 == "secure" && $3 == "NOERROR" &&
    $6 !~ /\|/' "$dir/shared.txt" | head -1)
tname=$(echo "$line" | cut -f1)
want=$(echo "$line" | cut -f6 | awk '{print $NF}')
before=$(python3 "$VALUES" "$rport" status "$tname" A)
python3 "$VALUES" "$rport" tamper "$tname" A >/dev/null
after=$(python3 "$VALUES" "$rport" status "$tname" A)
check "Redis value of $tname A tampered: \"$before\" -> \"$after\"" \
    '[ -n "$after" ] && [ "$before" != "$after" ] && [ "${after%% *}" = 1 ]'
start_instance c $((base + 2)) || notok "instance C started"
out=$(ask $((base + 2)) "$tname" A)
got=$(echo "$out" | awk '$4 == "A" { print $5 }')
check "C does not serve it: $tname A is $got (listed $want), AD set" \
    'echo "$out" | grep -q "flags:.* ad" && [ "$got" = "$want" ]'
restored=$(python3 "$VALUES" "$rport" status "$tname" A)
check "C re-resolved it past Redis and stored the right answer back ($(stat c num.answer.bogus) bogus verdict)" \
    '[ "$restored" = "$before" ] && [ "$(stat c num.answer.bogus)" -ge 1 ]'

# Every value damaged.
made=$(python3 "$VALUES" "$rport" corrupt)
start_instance d $((base + 3)) || notok "instance D started"
if "$CHECK" -d "$dir/state" -s 127.0.0.1 -p $((base + 3)) -q -t 20 \
    >"$dir/check-d.out" 2>&1; then
	ok "damaged values ($made): D resolves the world right: $(tail -1 "$dir/check-d.out" | sed 's/^check-resolver: //')"
else
	notok "damaged values ($made): D resolves the world right"
	grep MISMATCH "$dir/check-d.out" | head -20 | sed 's/^/# /'
fi
badv=$(stat d cachedb.bad_values)
check "D ignored and counted the bad values ($badv), no hit from them ($(stat d cachedb.hits))" \
    '[ "${badv:-0}" -gt 100 ]'

# Redis killed, then hung, under load: names of the list (local hits)
# and new names (local misses, so Redis lookups), one after the other.
grep -v '^#' "$dir/shared.txt" | cut -f1,2 >"$dir/load-names.txt"
python3 "$LOAD" $((base + 3)) "$dir/load-names.txt" z000-tango.com 3 400000 \
    50 >"$dir/load0.out"
read -r x sent x answered x longest x p99 <"$dir/load0.out"
echo "# with Redis up: $answered of $sent answered, longest $longest ms, p99 $p99 ms"
python3 "$LOAD" $((base + 3)) "$dir/load-names.txt" z000-tango.com 6 400000 \
    50 >"$dir/load1.out" &
lp=$!
sleep 1.5
redis_kill "$rport"
wait $lp
read -r x sent x answered x longest x p99 <"$dir/load1.out"
check "redis-server killed under load: $answered of $sent answered, longest $longest ms, p99 $p99 ms" \
    '[ "$sent" -gt 100 ] && [ "$answered" = "$sent" ] && [ "$longest" -lt 1000 ]'
check "one log line for the outage" \
    '[ "$(grep -c "Redis .* is down" "$dir/d.log")" -le 2 ]'
redis_start "$rport" || notok "redis-server started again"
for i in $(seq 1 60); do
	[ "$(grep -c "is up again" "$dir/d.log")" -ge 2 ] && break
	sleep 0.1
done
check "D connected again by itself ($(grep -c "is up again" "$dir/d.log") threads)" \
    '[ "$(grep -c "is up again" "$dir/d.log")" -ge 2 ]'
# The new Redis is empty: D forgets its own cache, resolves (and stores)
# the names, forgets again, and finds them in Redis.
flush_d() {
	"$CONTROL" -c "$dir/d.conf" flush_zone . >/dev/null
	"$CONTROL" -c "$dir/d.conf" flush_keys >/dev/null
}
flush_d
"$CHECK" -d "$dir/state" -f "$dir/shared.txt" -s 127.0.0.1 \
    -p $((base + 3)) -q -t 20 >/dev/null 2>&1
flush_d
h0=$(stat d cachedb.hits)
"$CHECK" -d "$dir/state" -f "$dir/shared.txt" -s 127.0.0.1 \
    -p $((base + 3)) -q -t 20 >"$dir/check-d2.out" 2>&1
h1=$(stat d cachedb.hits)
check "after the restart D's lookups hit Redis again ($((h1 - h0)) hits), answers as listed" \
    '[ $((h1 - h0)) -ge "$nshared" ] && grep -q " 0 mismatched" "$dir/check-d2.out"'

t0=$(stat d cachedb.timeouts)
kill -STOP "$(cat "$dir/redis/$rport/pid")"
python3 "$LOAD" $((base + 3)) "$dir/load-names.txt" z000-tango.com 3 400000 \
    50 >"$dir/load2.out"
kill -CONT "$(cat "$dir/redis/$rport/pid")"
t1=$(stat d cachedb.timeouts)
read -r x sent x answered x longest x p99 <"$dir/load2.out"
check "redis-server hung (SIGSTOP): $answered of $sent answered, longest $longest ms, $((t1 - t0)) lookups given up at redis-timeout (100 ms)" \
    '[ "$sent" -gt 20 ] && [ "$answered" = "$sent" ] && [ "$longest" -lt 1000 ] && [ $((t1 - t0)) -ge 1 ]'
# A Redis on a Unix socket, with a password, in database 3.
rport2=$((rport + 1))
if redis_spawn "$rport2" --unixsocket "$dir/redis.sock" \
    --unixsocketperm 700 &&
    redis_cli "$rport2" CONFIG SET requirepass "s3 cret" >/dev/null; then
	ok "a second redis-server on a Unix socket, with a password"
else
	notok "a second redis-server on a Unix socket, with a password"
fi
start_instance e $((base + 4)) "$(printf '\tredis-server-path: "%s"\n\tredis-server-password: "s3 cret"\n\tredis-logical-db: 3' "$dir/redis.sock")" ||
    notok "instance E started"
for i in $(seq 1 50); do
	grep -q "Redis .* is up" "$dir/e.log" && break
	sleep 0.1
done
"$CHECK" -d "$dir/state" -f "$dir/shared.txt" -s 127.0.0.1 \
    -p $((base + 4)) -q -t 20 >"$dir/check-e.out" 2>&1
n3=$(redis-cli -s "$dir/redis.sock" -a "s3 cret" --no-auth-warning -n 3 DBSIZE)
n0=$(redis-cli -s "$dir/redis.sock" -a "s3 cret" --no-auth-warning -n 0 DBSIZE)
check "E stores over the Unix socket, after AUTH, in database 3 ($n3 keys there, $n0 in database 0), answers as listed" \
    '[ "${n3:-0}" -gt 300 ] && [ "$n0" = 0 ] && grep -q " 0 mismatched" "$dir/check-e.out"'
start_instance f $((base + 5)) "$(printf '\tredis-server-path: "%s"\n\tredis-server-password: "wrong"' "$dir/redis.sock")" ||
    notok "instance F started"
"$CHECK" -d "$dir/state" -f "$dir/shared.txt" -s 127.0.0.1 \
    -p $((base + 5)) -q -t 20 >"$dir/check-f.out" 2>&1
refused=$(grep -c "is down (set-up refused: WRONGPASS" "$dir/f.log")
check "F with a wrong password: told once per thread ($refused), answers as listed without Redis ($(stat f cachedb.errors) lookups not sent)" \
    '[ "$refused" -ge 1 ] && [ "$refused" -le 2 ] && grep -q " 0 mismatched" "$dir/check-f.out" && [ "$(stat f cachedb.hits)" = 0 ]'
for p in a b c d e f; do
	if grep -q "AddressSanitizer\|runtime error" "$dir/$p.stderr"; then
		notok "instance $p: sanitizer report"
		sed 's/^/# /' "$dir/$p.stderr" | head -20
	fi
done
tap_end
