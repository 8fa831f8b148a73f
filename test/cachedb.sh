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
. "$srcdir/test/cachedb_lib.sh"
cdb_setup cachedb

world_small
rport=$(( 21000 + $$ % 4000 ))
if redis_start "$rport"; then
	ok "redis-server on 127.0.0.1 port $rport"
else
	notok "redis-server on 127.0.0.1 port $rport"
	tap_end
	exit 1
fi
# Ports below the ephemeral range (32768 and up on Linux).
base=$(( 10000 + ($$ % 1000) * 6 ))

# start_instance NAME PORT [CACHEDB]: an instance on the Redis on $rport
# (or with the cachedb: lines CACHEDB); without CACHEDB it waits until
# both threads are connected.
start_instance() {
	cdb_instance "$1" "$2" "${3:-$(printf '\tredis-server-host: 127.0.0.1@%s\n\tsecret-seed: "test %s"' "$rport" "$$")}" ||
	    return 1
	[ -n "$3" ] && return 0
	for i in $(seq 1 50); do
		[ "$(grep -c "Redis .* is up" "$dir/$1.log")" -ge 2 ] &&
		    return 0
		sleep 0.1
	done
	return 1
}
stat() {
	cdb_stat "$@"
}

# dig at an instance: rcode and flags line of NAME TYPE.
ask() {
	dig +dnssec +time=5 +tries=1 -p "$1" @127.0.0.1 "$2" "$3"
}

start_instance a $base || { notok "instance A started"; tap_end; exit 1; }
ok "instance A started, connected to Redis"
cdb_check a $base "" "A resolves the world"
cdb_warm a $base "A again, its own cache emptied, through Redis"
stores=$(stat a cachedb.stores)
nvalues=$(python3 "$VALUES" "$rport" count)
check "A stored its answers in Redis ($stores SET, $nvalues values)" \
    '[ "${stores:-0}" -gt 300 ] && [ "${nvalues:-0}" -gt 300 ]'

cdb_lists

"$TW" -d "$dir/state" stop >/dev/null 2>&1
if dig +time=1 +tries=1 @127.53.0.1 . SOA >/dev/null 2>&1; then
	notok "the world's servers stopped"
else
	ok "the world's servers stopped"
fi
start_instance b $((base + 1)) || { notok "instance B started"; tap_end; exit 1; }
ok "instance B started (empty cache), same Redis"
cdb_check b $((base + 1)) "$dir/shared.txt" \
    "B answers all $nshared shared names from Redis with the listed rcode, data and AD bit"
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
# D gets redis-timeout 100 ms: its lookups are given up when Redis hangs.
cdb_timeout=100 start_instance d $((base + 3)) || notok "instance D started"
cdb_check d $((base + 3)) "" "damaged values ($made): D resolves the world right"
badv=$(stat d cachedb.bad_values)
check "D ignored and counted the bad values ($badv), no hit from them ($(stat d cachedb.hits))" \
    '[ "${badv:-0}" -gt 100 ]'

# Redis killed, then hung, under load: names of the list (local hits)
# and new names (local misses, so Redis lookups), one after the other.
grep -v '^#' "$dir/shared.txt" | cut -f1,2 >"$dir/load-names.txt"
python3 "$LOAD" $((base + 3)) "$dir/load-names.txt" z000-tango.com 3 400000 \
    50 >"$dir/load0.out"
read -r x sent x answered x longest x p99 x hmax x mmax <"$dir/load0.out"
echo "# with Redis up: $answered of $sent answered, longest $longest ms (local hits $hmax, misses $mmax), p99 $p99 ms"
python3 "$LOAD" $((base + 3)) "$dir/load-names.txt" z000-tango.com 6 400000 \
    50 >"$dir/load1.out" &
lp=$!
sleep 1.5
redis_kill "$rport"
wait $lp
# No worker stalls: local hits stay fast; misses take at most the
# answer-timeout (3 s) whatever Redis does (their longest is mostly the
# world's servers: the same with Redis up).
read -r x sent x answered x longest x p99 x hmax x mmax <"$dir/load1.out"
check "redis-server killed under load: $answered of $sent answered, longest $longest ms (local hits $hmax ms, misses $mmax ms), p99 $p99 ms" \
    '[ "$sent" -gt 100 ] && [ "$answered" = "$sent" ] && [ "$hmax" -lt 500 ] && [ "$mmax" -lt 3000 ]'
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
read -r x sent x answered x longest x p99 x hmax x mmax <"$dir/load2.out"
check "redis-server hung (SIGSTOP): $answered of $sent answered, longest $longest ms (local hits $hmax ms, misses $mmax ms), $((t1 - t0)) lookups given up at redis-timeout (100 ms)" \
    '[ "$sent" -gt 20 ] && [ "$answered" = "$sent" ] && [ "$hmax" -lt 500 ] && [ "$mmax" -lt 3000 ] && [ $((t1 - t0)) -ge 1 ]'
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
