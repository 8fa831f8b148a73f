#!/bin/sh
# test/autotrust.sh - an RFC 5011 roll of the root KSK in real time,
# against the real test world (TAP).
#
# The small world's root gets a DNSKEY TTL of 4 s; resolute starts from
# an auto-trust-anchor-file holding the root's DS (as resolute-anchor
# writes it) with permit-small-holddown and a 10 s add and remove
# hold-down, so its probes come every 2 s (RFC 5011 section 2.3: half the
# TTL).  A second resolute has the same DS as a static trust-anchor.
# Then the root rolls (contrib/testworld roll-root): a new KSK is added,
# trusted after the hold-down and not before; the old KSK is revoked
# (out at once) and removed.  Names of the world validate with AD at every
# step through the RFC 5011 resolver, while the static one turns bogus
# once the old key is revoked: the test bites.  The state file is checked
# after each step.  Before the roll, DLV (RFC 5074): a resolver with the
# registry dlv.infra. as dlv-anchor gets the island lookaside.unsigned.
# secure, and the island whose registry entry is wrong bogus; without it
# both are insecure.  Under two minutes.  Takes the test world lock; needs
# what the world needs (a missing prerequisite makes the test a SKIP).
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
RESOLUTE="$builddir/resolute"
CONTROL="$builddir/resolute-control"

. "$srcdir/test/world.sh"
world_prereqs autotrust
. "$srcdir/test/tap.sh"
pid=
spid=
dpid=
cleanup() {
	for p in $pid $spid $dpid; do
		if kill -0 "$p" 2>/dev/null; then
			kill "$p"
			wait "$p" 2>/dev/null
		fi
	done
	"$TW" -d "$dir/state" stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

world_small
check "the root's DNSKEY TTL set to 4 s" \
    '"$TW" -d "$dir/state" roll-root ttl --ttl 4 >"$dir/roll.log" 2>&1' ||
    sed 's/^/# /' "$dir/roll.log"
old=$(awk '$4 == "DS" { print $5; exit }' "$dir/state/root.ds")

port=$(( 20000 + $$ % 10000 ))
sport=$((port + 1))
# The anchor as resolute-anchor writes it: the DS, in the state format.
{
	echo "; autotrust trust anchor file"
	echo ";;id: . 1"
	cat "$dir/state/root.ds"
} >"$dir/root.key"
cat >"$dir/resolute.conf" <<CONF
server:
	interface: 127.0.0.1
	port: $port
	num-threads: 2
	module-config: "validator iterator"
	auto-trust-anchor-file: "$dir/root.key"
	permit-small-holddown: yes
	add-holddown: 10
	del-holddown: 10
	root-hints: "$dir/state/root.hints"
	do-not-query-localhost: no
	pidfile: "$dir/resolute.pid"
	logfile: "$dir/resolute.log"
	verbosity: 1
remote-control:
	control-enable: yes
	control-interface: "$dir/control.sock"
CONF
sed -e "s/port: $port/port: $sport/" \
    -e "s#auto-trust-anchor-file: .*#trust-anchor-file: \"$dir/state/root.ds\"#" \
    -e "/permit-small-holddown\|add-holddown\|del-holddown/d" \
    -e "s#$dir/resolute\.#$dir/static.#" \
    -e "s#$dir/control.sock#$dir/static.sock#" \
    "$dir/resolute.conf" >"$dir/static.conf"
world_resolute "resolute started with an RFC 5011 anchor"
"$RESOLUTE" -d -c "$dir/static.conf" 2>>"$dir/stderr" &
spid=$!
C="$CONTROL -c $dir/resolute.conf"

# Secure names of the world, one per zone of the list, A or TXT.
awk -F'\t' '$3 == "NOERROR" && $4 == "secure" && ($2 == "A" ||
    $2 == "TXT") { print $1, $2 }' "$dir/state/names.txt" |
    awk 'NR % 5 == 1' | head -n 6 >"$dir/names"

# secure PORT: every name of the list answered NOERROR with AD, asked
# with empty caches (messages, RRsets, validated keys), so that every
# answer is validated from the root's anchor again.
secure() {
	if [ "$1" = "$port" ]; then cc="$dir/resolute.conf"
	else cc="$dir/static.conf"; fi
	$CONTROL -c "$cc" flush_zone . >/dev/null 2>&1
	$CONTROL -c "$cc" flush_keys . >/dev/null 2>&1
	while read -r name type; do
		dig +dnssec +time=3 +tries=1 -p "$1" @127.0.0.1 "$name" "$type" \
		    >"$dir/q.out" 2>&1
		grep -q "status: NOERROR" "$dir/q.out" &&
		    grep -q "flags:.* ad" "$dir/q.out" || return 1
	done <"$dir/names"
}
# state TAG: the RFC 5011 state of key TAG in list_auto_trust_anchors.
state() {
	$C list_auto_trust_anchors 2>/dev/null |
	    awk -v t="$1" '$1 == "DNSKEY" && $2 == t { print $6 }'
}
# wait_state TAG STATE SECONDS: until the key has the state.
wait_state() {
	i=0
	while [ "$i" -lt $(($3 * 10)) ]; do
		[ "$(state "$1")" = "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

check "the DS anchor's key $old is VALID at the first probe" \
    'wait_state "$old" VALID 10' ||
    $C list_auto_trust_anchors 2>&1 | sed 's/^/# /'
check "the state file holds it, VALID" \
    'grep -q ";;state=2 \[  VALID  \]" "$dir/root.key" &&
    ! grep -q "IN	DS" "$dir/root.key"' || sed 's/^/# /' "$dir/root.key"
check "secure names answered with AD ($(wc -l <"$dir/names") names)" \
    'secure $port'
check "... and by the static resolver" 'secure $sport'

# DLV (RFC 5074), before the roll: a third resolute with the static root
# anchor and the registry dlv.infra. as dlv-anchor (its KSK).
dport=$((port + 2))
dig +cd +noall +answer -p "$sport" @127.0.0.1 dlv.infra DNSKEY |
    awk '$4 == "DNSKEY" && $5 == 257 { $2 = ""; print; exit }' >"$dir/dlv.key"
sed -e "s/port: $sport/port: $dport/" -e "s#$dir/static\.#$dir/dlv.#" \
    -e "s#^server:#server:\n\tdlv-anchor-file: \"$dir/dlv.key\"#" \
    "$dir/static.conf" >"$dir/dlv.conf"
"$RESOLUTE" -d -c "$dir/dlv.conf" 2>>"$dir/stderr" &
dpid=$!
for i in $(seq 1 50); do
	dig +time=1 +tries=1 -p "$dport" @127.0.0.1 localhost A >/dev/null 2>&1 &&
	    break
	sleep 0.1
done
check "the registry's key fetched ($(awk '{print $1}' "$dir/dlv.key"))" \
    '[ -s "$dir/dlv.key" ]'
dig +dnssec +time=5 +tries=1 -p "$dport" @127.0.0.1 www.lookaside.unsigned A \
    >"$dir/dlv.out" 2>&1
check "with dlv-anchor: www.lookaside.unsigned. is secure (AD), its EDE says DLV" \
    'grep -q "status: NOERROR" "$dir/dlv.out" && grep -q "flags:.* ad" "$dir/dlv.out" &&
    grep -q "DLV lookaside" "$dir/dlv.out"' || sed 's/^/# /' "$dir/dlv.out"
$CONTROL -c "$dir/dlv.conf" trace www.lookaside.unsigned A >"$dir/trace.out" 2>&1
check "trace says the verdict came through DLV" \
    'grep -q "^result: secure (secure through the DLV lookaside registry dlv.infra." "$dir/trace.out"' ||
    sed 's/^/# /' "$dir/trace.out" | tail -n 15
dig +dnssec +time=5 +tries=1 -p "$sport" @127.0.0.1 www.lookaside.unsigned A \
    >"$dir/nodlv.out" 2>&1
check "without it: NOERROR, no AD" \
    'grep -q "status: NOERROR" "$dir/nodlv.out" && ! grep -q "flags:.* ad" "$dir/nodlv.out"' ||
    sed 's/^/# /' "$dir/nodlv.out"
dig +dnssec +time=5 +tries=1 -p "$dport" @127.0.0.1 www.dlvbad.unsigned A \
    >"$dir/dlvbad.out" 2>&1
check "a registry entry that matches no key: SERVFAIL" \
    'grep -q "status: SERVFAIL" "$dir/dlvbad.out"' || sed 's/^/# /' "$dir/dlvbad.out"
dig +dnssec +time=5 +tries=1 -p "$sport" @127.0.0.1 www.dlvbad.unsigned A \
    >"$dir/dlvbad2.out" 2>&1
check "... which is insecure NOERROR without DLV" \
    'grep -q "status: NOERROR" "$dir/dlvbad2.out"'
# Names of insecure zones with no entry: the registry's NSEC records
# prove the absence, and later lookups are answered from them.
awk -F'\t' '$3 == "NOERROR" && $4 == "insecure" && $2 == "A" &&
    $1 !~ /lookaside|dlvbad/ { print $1 }' "$dir/state/names.txt" |
    head -n 8 >"$dir/insecure"
ins=0
while read -r name; do
	dig +dnssec +time=5 +tries=1 -p "$dport" @127.0.0.1 "$name" A >"$dir/i.out" 2>&1
	grep -q "status: NOERROR" "$dir/i.out" &&
	    ! grep -q "flags:.* ad" "$dir/i.out" && ins=$((ins + 1))
done <"$dir/insecure"
check "insecure names without an entry stay insecure ($ins of $(wc -l <"$dir/insecure"))" \
    '[ "$ins" = "$(wc -l <"$dir/insecure")" ]'
agg=$($CONTROL -c "$dir/dlv.conf" stats_noreset 2>/dev/null |
    sed -n 's/^num.query.aggressive.NXDOMAIN=//p')
check "absent registry entries proven from its cached NSEC records ($agg)" \
    '[ "${agg:-0}" -ge 1 ]'
kill "$dpid" 2>/dev/null
wait "$dpid" 2>/dev/null
dpid=

# A new KSK: pending for the hold-down, then trusted.
"$TW" -d "$dir/state" roll-root add --ttl 4 >"$dir/roll.log" 2>&1
new=$(sed -n 's/.*RRset: //p' "$dir/roll.log" | tr ' ;' '\n\n' |
    awk -F/ -v o="$old" '$2 == 257 && $1 != o { print $1 }')
check "a new root KSK $new published" '[ -n "$new" ]' ||
    sed 's/^/# /' "$dir/roll.log"
t0=$(date +%s)
check "the new key is ADDPEND, not trusted" \
    'wait_state "$new" ADDPEND 10 &&
    ! $C list_auto_trust_anchors | grep "DNSKEY $new " | grep -q ", trusted$"' ||
    $C list_auto_trust_anchors 2>&1 | sed 's/^/# /'
check "names stay secure while it is pending" 'secure $port'
check "it is VALID after the 10 s hold-down, not before" \
    'wait_state "$new" VALID 20 && [ $(( $(date +%s) - t0 )) -ge 9 ]' ||
    $C list_auto_trust_anchors 2>&1 | sed 's/^/# /'
$C list_auto_trust_anchors >"$dir/list.out" 2>&1
sed 's/^/# /' "$dir/list.out"

# The old KSK revoked: out at once.
"$TW" -d "$dir/state" roll-root revoke "$old" --ttl 4 >"$dir/roll.log" 2>&1
rev=$(sed -n 's/.*RRset: //p' "$dir/roll.log" | tr ' ;' '\n\n' |
    awk -F/ '$2 == 385 { print $1 }')
check "the old KSK revoked (now key tag $rev)" '[ -n "$rev" ]' ||
    sed 's/^/# /' "$dir/roll.log"
check "it is REVOKED" 'wait_state "$rev" REVOKED 10' ||
    $C list_auto_trust_anchors 2>&1 | sed 's/^/# /'
check "names stay secure through the new key" 'secure $port'
check "the static resolver, trusting only the old key, is bogus now" \
    '! secure $sport && grep -q "status: SERVFAIL" "$dir/q.out"' ||
    sed 's/^/# /' "$dir/q.out"

# The old KSK gone from the zone; after del-holddown it is REMOVED.
"$TW" -d "$dir/state" roll-root remove "$rev" --ttl 4 >"$dir/roll.log" 2>&1
check "the old key removed from the root" \
    'grep -q "RRset: " "$dir/roll.log" && ! grep -q "$rev/" "$dir/roll.log"' ||
    sed 's/^/# /' "$dir/roll.log"
check "names secure with the new key alone" 'secure $port'
check "the revoked key is REMOVED after del-holddown" \
    'wait_state "$rev" REMOVED 20' ||
    $C list_auto_trust_anchors 2>&1 | sed 's/^/# /'
check "the state file: the new key VALID, the old REMOVED" \
    'grep "$new" "$dir/root.key" | grep -q ";;state=2 " &&
    grep -q ";;state=5 \[ REMOVED \]" "$dir/root.key"' ||
    sed 's/^/# /' "$dir/root.key"
check "no probe failed" '! grep -q "RFC 5011 probe of . failed" "$dir/resolute.log"' ||
    grep "RFC 5011" "$dir/resolute.log" | sed 's/^/# /'

# A restart reads the state back: still the new key, still secure.
$C stop >/dev/null 2>&1
wait "$pid" 2>/dev/null
world_resolute "restarted on its state file"
check "after the restart: the new key VALID, names secure" \
    '[ "$(state "$new")" = VALID ] && secure $port'

# A state file spoiled by hand: a reload refuses it with the file and
# line, the anchor in memory stays in force, and the next probe writes
# the file whole again.
echo "garbage here" >>"$dir/root.key"
$C reload >"$dir/reload.out" 2>&1
check "a reload with a spoiled state file names it and keeps the old config" \
    'grep -q "root.key:[0-9]*: cannot parse" "$dir/resolute.log" &&
    grep -q "keeping the old config" "$dir/resolute.log"' ||
    tail -n 5 "$dir/resolute.log" | sed 's/^/# /'
check "the anchor stays in force: names secure" 'secure $port'
i=0
while grep -q "garbage" "$dir/root.key" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "the next probe writes the state file whole again" \
    '! grep -q "garbage" "$dir/root.key" && grep -q ";;state=2 " "$dir/root.key"'

$C stop >/dev/null 2>&1
wait "$pid" 2>/dev/null
pid=
check "no sanitizer report" '! grep -q "Sanitizer" "$dir/stderr"' ||
    sed 's/^/# /' "$dir/stderr" | head -n 20
tap_end
