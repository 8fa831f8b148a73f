#!/bin/sh
# test/cachedb_cluster.sh - the shared cache in a real Redis Cluster (TAP):
# three masters with one replica each, on loopback.
#
# Instance A, given three of the nodes as seeds, resolves the small test
# world; its answers spread over the masters.  The world's servers stop.
# Instance B (empty cache, same cluster) has read the slot map; then
# slots holding A's keys move to another master (resharding: B's map is
# out of date and Redis answers MOVED) and one slot is left half moved
# (its moved key answers ASK).  B still answers every shared name from
# the cluster alone, as listed, with no upstream query, and says how many
# redirections it followed.  With the world back, a master is killed
# while B answers a load: every query is answered, none waits long; once
# a replica has taken over, B's lookups hit again (its map refreshed by
# itself).  Needs the test world's prerequisites and redis-server; a
# missing one makes the test a SKIP.
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
. "$srcdir/test/cachedb_lib.sh"
cdb_setup cachedb_cluster

world_small
cbase=$(( 25000 + ($$ % 500) * 10 ))
if redis_cluster_start "$cbase" 2>"$dir/cluster.err"; then
	ok "Redis Cluster of 3 masters and 3 replicas on ports $cbase-$((cbase + 5))"
else
	notok "Redis Cluster on ports $cbase-$((cbase + 5))"
	sed 's/^/# /' "$dir/cluster.err"
	tap_end
	exit 1
fi
masters=$(redis_cluster_masters | tr '\n' ',' | sed 's/,$//')
# Ports below the ephemeral range (32768 and up on Linux), apart from
# the cluster bus ports (cbase - 10000).
base=$(( 5000 + ($$ % 800) * 6 ))

# start_instance NAME PORT: an instance on the cluster, three of its
# nodes as seeds; waits until both threads have read the slot map.
start_instance() {
	cdb_instance "$1" "$2" "$(printf '\tredis-cluster: yes\n\tsecret-seed: "cluster test %s"' "$$")
$(for i in 0 1 2; do printf '\tredis-server-host: 127.0.0.1@%s\n' $((cbase + i)); done)" ||
	    return 1
	for i in $(seq 1 50); do
		[ "$(stat "$1" cachedb.map_reads)" -ge 2 ] && return 0
		sleep 0.1
	done
	return 1
}
stat() {
	cdb_stat "$@"
}

start_instance a $base || { notok "instance A started"; tap_end; exit 1; }
ok "instance A started, slot map read"
cdb_check a $base "" "A resolves the world"
cdb_warm a $base "A again, its own cache emptied, through Redis"
spread=
for p in $(echo "$masters" | tr ',' ' '); do
	spread="$spread $(redis_cli "$p" DBSIZE)"
done
check "A's answers spread over the masters (keys per master:$spread)" \
    '[ $(echo $spread | wc -w) = 3 ] && ! echo " $spread " | grep -q " 0 "'

cdb_lists

# Resharding behind B's back, quickly (B reads the map again every 10 s,
# and the point is a map out of date): the slots of 12 keys of the first
# master go to the second (MOVED); the slot of one name's key is left
# half moved with that key on the target (ASK).  What to move is found
# before B starts.
m1=$(echo "$masters" | cut -d, -f1)
m2=$(echo "$masters" | cut -d, -f2)
line=$(awk -F '\t' '$2 == "A" && $4 == "secure" && $3 == "NOERROR"' \
    "$dir/shared.txt" | head -1)
aname=$(echo "$line" | cut -f1)
akey=$(python3 "$VALUES" "$masters" key "$aname" A)
aslot=$(redis_cluster_key_slot "$akey")
aowner=$(redis_cluster_port_of_slot "$aslot")
atarget=$m1
[ "$aowner" = "$m1" ] && atarget=$m2
slots=$(python3 "$VALUES" "$m1" keys | head -60 | while read -r k; do
	redis_cluster_key_slot "$k"
done | sort -un | grep -vx "$aslot" | head -12)

"$TW" -d "$dir/state" stop >/dev/null 2>&1
start_instance b $((base + 1)) || { notok "instance B started"; tap_end; exit 1; }
ok "instance B started (empty cache), slot map read"
keys_before=$(python3 "$VALUES" "$masters" count)
moved=0
for s in $slots; do
	redis_cluster_move_slot "$s" "$m2" >/dev/null 2>&1 && moved=$((moved + 1))
done
redis_cluster_half_move_slot "$aslot" "$atarget" "$akey" >/dev/null 2>&1
asked=$(redis_cli "$aowner" GET "$akey" 2>&1 | head -1)
keys_after=$(python3 "$VALUES" "$masters" count)
check "resharding: $moved slots moved from $m1 to $m2; slot $aslot of $aname half moved from $aowner to $atarget (\"$asked\"); keys before and after: $keys_before, $keys_after" \
    '[ "$moved" -ge 10 ] && echo "$asked" | grep -q "^ASK " &&
    [ "$keys_before" = "$keys_after" ]'

cdb_check b $((base + 1)) "$dir/shared.txt" \
    "B answers all $nshared shared names from the cluster as listed"
up=$(( $(stat b num.query.outgoing.udp) + $(stat b num.query.outgoing.tcp) ))
check "B sent no upstream query ($up), hit the cluster $(stat b cachedb.hits) times ($(stat b cachedb.misses) misses, $(stat b cachedb.errors) errors, $(stat b cachedb.timeouts) timeouts), followed $(stat b cachedb.moved) MOVED and $(stat b cachedb.ask) ASK, $(stat b num.answer.bogus) bogus" \
    '[ "$up" = 0 ] && [ "$(stat b cachedb.hits)" -ge "$nshared" ] &&
    [ "$(stat b cachedb.moved)" -ge 1 ] && [ "$(stat b cachedb.ask)" -ge 1 ]' ||
    grep -i "validation failure" "$dir/b.log" | tail -n 10 | sed 's/^/# /'
redis_cluster_finish_move_slot "$aslot" "$atarget" >/dev/null 2>&1 ||
    notok "the half move finished"

# A master killed under load, the world back (lookups that cannot reach
# Redis go to recursion).
"$TW" -d "$dir/state" start >/dev/null 2>&1 ||
    notok "the world's servers started again"
grep -v '^#' "$dir/shared.txt" | cut -f1,2 >"$dir/load-names.txt"
"$CONTROL" -c "$dir/b.conf" flush_zone . >/dev/null
python3 "$LOAD" $((base + 1)) "$dir/load-names.txt" z000-tango.com 8 400000 \
    50 >"$dir/load.out" &
lp=$!
sleep 1
victim=$m2
if redis_cluster_kill_master "$victim" 2>"$dir/failover.err"; then
	failover=ok
else
	failover=failed
	sed 's/^/# /' "$dir/failover.err"
fi
wait $lp
read -r x sent x answered x longest x p99 x hmax x mmax <"$dir/load.out"
check "master $victim killed under load ($failover over to a replica): $answered of $sent answered, longest $longest ms (local hits $hmax ms, misses $mmax ms), p99 $p99 ms" \
    '[ $failover = ok ] && [ "$sent" -gt 100 ] && [ "$answered" = "$sent" ] && [ "$hmax" -lt 500 ] && [ "$mmax" -lt 3000 ]'
check "one log line per thread for the master that went ($(grep -c "Redis 127.0.0.1:$victim is down" "$dir/b.log"))" \
    '[ "$(grep -c "Redis 127.0.0.1:$victim is down" "$dir/b.log")" -le 2 ]'
# The map refreshes within a second of the failover.
sleep 2
"$CONTROL" -c "$dir/b.conf" flush_zone . >/dev/null
"$CONTROL" -c "$dir/b.conf" flush_keys >/dev/null
h0=$(stat b cachedb.hits)
e0=$(stat b cachedb.errors)
"$CHECK" -d "$dir/state" -f "$dir/shared.txt" -s 127.0.0.1 \
    -p $((base + 1)) -q -t 20 >"$dir/check-b2.out" 2>&1
h1=$(stat b cachedb.hits)
e1=$(stat b cachedb.errors)
check "after the failover B hits the cluster again: $((h1 - h0)) hits, $((e1 - e0)) errors, answers as listed ($(tail -1 "$dir/check-b2.out" | sed 's/^check-resolver: //'))" \
    '[ $((h1 - h0)) -ge $((nshared * 9 / 10)) ] && [ $((e1 - e0)) = 0 ] &&
    grep -q " 0 mismatched" "$dir/check-b2.out"'
for p in a b; do
	if grep -q "AddressSanitizer\|runtime error" "$dir/$p.stderr"; then
		notok "instance $p: sanitizer report"
		sed 's/^/# /' "$dir/$p.stderr" | head -20
	fi
done
tap_end
