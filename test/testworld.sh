#!/bin/sh
# test/testworld.sh - the test world itself: build a small world, serve
# it, look at it with dig, stop it and check nothing is left running.
#
# Needs: nsd, ldnsutils, openssl, python3, dig (bind9-dnsutils), root (to
# bind port 53 on 127.53.x.y), and test/testauth built.  A missing
# prerequisite makes the whole test a SKIP.  The world runs on the fixed
# addresses 127.53.0.0/16, so it must not already be running elsewhere.

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}

. "$srcdir/test/world.sh"
world_prereqs testworld
n=0
fail=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
notok() {
	n=$((n + 1))
	fail=1
	echo "not ok $n - $1"
	# The end of the log says why.
	[ -f "$dir/log" ] && tail -n 15 "$dir/log" | sed 's/^/# /'
	: >"$dir/log"
}
check() {
	# check "description" command...: ok if the command succeeds.
	d=$1
	shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}
quiet() {
	# Run a command with its output kept in the log, not in the TAP.
	"$@" >>"$dir/log" 2>&1
}
cleanup() {
	"$TW" -d "$dir/state" stop >/dev/null 2>&1
	if [ -s "$dir/state/unbound.pid" ]; then
		kill "$(cat "$dir/state/unbound.pid")" 2>/dev/null
	fi
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

DIG="dig +norec +tries=1 +time=2"

check "build a small world" quiet "$TW" -d "$dir/state" build --small \
	--seed 7 --testauth "$TESTAUTH"
check "names list has entries" test "$(grep -vc '^#' \
	"$dir/state/names.txt")" -gt 100
check "trust anchor, hints and resolver fragment written" test \
	-s "$dir/state/root.ds" -a -s "$dir/state/root.key" \
	-a -s "$dir/state/root.hints" -a -s "$dir/state/resolver.conf" \
	-a -s "$dir/state/root-anchors.xml" -a -s "$dir/state/root-anchors.p7s"
check "root-anchors.xml signature verifies" openssl cms -verify -binary \
	-inform DER -in "$dir/state/root-anchors.p7s" \
	-content "$dir/state/root-anchors.xml" \
	-CAfile "$dir/state/root-anchors-ca.pem" -purpose any -out /dev/null \
	2>/dev/null
check "start" quiet "$TW" -d "$dir/state" start
pids1=$(cat "$dir/state/pids")
check "start again is a no-op" quiet "$TW" -d "$dir/state" start
check "same processes after the second start" test \
	"$pids1" = "$(cat "$dir/state/pids")"
check "status reports all running" quiet "$TW" -d "$dir/state" status

out=$($DIG +dnssec @127.53.0.1 . SOA)
check "root SOA is signed" sh -c 'echo "$1" | grep -q "RRSIG.*SOA 8 0"' \
	- "$out"
check "root answer is authoritative" sh -c \
	'echo "$1" | grep -q "flags: qr aa"' - "$out"
out=$($DIG @127.53.0.2 www.features.com. A)
check "TLD referral from the root" sh -c \
	'echo "$1" | grep -q "^com\..*NS.*tld-servers.infra"' - "$out"
out=$($DIG +dnssec @127.53.1.1 features.com. DS)
check "DS for a signed delegation" sh -c \
	'echo "$1" | grep -q "features.com\..*IN.*DS"' - "$out"
sig1=$($DIG +dnssec +short @127.53.2.1 www.bad-server.broken. A | grep "^A ")
sig2=$($DIG +dnssec +short @127.53.3.1 www.bad-server.broken. A | grep "^A ")
check "bad-server.broken: its two servers give different signatures" \
	test -n "$sig1" -a -n "$sig2" -a "$sig1" != "$sig2"
out=$($DIG @127.53.3.1 host.wild.nsec-ttl0.com. A +dnssec)
check "nsec-ttl0.com: the wildcard proof has TTL 0" sh -c \
	'echo "$1" | grep -q "^\*\.wild\.nsec-ttl0\.com\.[[:space:]]*0[[:space:]]*IN[[:space:]]*NSEC"' \
	- "$out"

# rekey: new keys for features.com, the new DS at the TLD servers, the
# new KSK at the zone's servers, the names list updated.
ds1=$($DIG +short @127.53.1.1 features.com. DS)
check "rekey features.com" quiet "$TW" -d "$dir/state" rekey features.com
ds2=$($DIG +short @127.53.1.2 features.com. DS)
tag=${ds2%% *}
check "the TLD serves a new DS ($tag)" test -n "$ds2" -a "$ds1" != "$ds2"
for a in $(awk '$4 == "A" && $1 ~ /^ns[12]\.features\.com\.$/ {print $5}' \
    "$dir/state/zones/features.com.zone"); do
	out=$($DIG +multi @"$a" features.com. DNSKEY)
	check "$a serves the new KSK and a ZSK" sh -c \
		'echo "$1" | grep -q "KSK; alg = .* ; key id = $2\$" &&
		echo "$1" | grep -q "ZSK; alg"' - "$out" "$tag"
done
check "names.txt lists the new DS" grep -q \
	"^features\.com\.	DS	.*features\.com\. DS $tag " \
	"$dir/state/names.txt"
check "rekey of an unsigned zone is refused" sh -c \
	'! "$1" -d "$2" rekey features.unsigned 2>/dev/null' - "$TW" \
	"$dir/state"
check "rekey of the root is refused" sh -c \
	'! "$1" -d "$2" rekey . 2>/dev/null' - "$TW" "$dir/state"
out=$($DIG @127.53.2.9 www.lame.broken. A)
check "lame server refuses" sh -c \
	'echo "$1" | grep -q "status: REFUSED"' - "$out"

out=$($DIG @127.53.8.1 www.silent.broken. A)
check "silent server never answers" sh -c \
	'echo "$1" | grep -q "timed out\|no servers could be reached"' \
	- "$out"
out=$($DIG +ignore @127.53.8.2 www.truncating.broken. A)
check "tc server sets TC over UDP" sh -c \
	'echo "$1" | grep -q "flags: qr tc"' - "$out"
out=$($DIG +tcp @127.53.8.2 www.truncating.broken. A)
check "tc server answers over TCP" sh -c \
	'echo "$1" | grep -q "^www.truncating.broken.*A"' - "$out"
out=$($DIG @127.53.8.3 www.formerr-edns.broken. A)
check "EDNS query gets FORMERR" sh -c \
	'echo "$1" | grep -q "status: FORMERR"' - "$out"
out=$($DIG +noedns @127.53.8.3 www.formerr-edns.broken. A)
check "query without EDNS gets the answer" sh -c \
	'echo "$1" | grep -q "^www.formerr-edns.broken.*192.0.2"' - "$out"
out=$($DIG @127.53.8.3 nosuch.formerr-edns.broken. A +noedns)
check "test server gives NXDOMAIN" sh -c \
	'echo "$1" | grep -q "status: NXDOMAIN"' - "$out"
out=$($DIG @127.53.8.4 www.wrong-source.broken. A)
check "wrong-source answer is not accepted by dig" sh -c \
	'! echo "$1" | grep -q "^www.wrong-source.broken.*A"' - "$out"
out=$(python3 - <<'PY'
import socket, struct
# ANY over UDP: the header alone, TC set, QDCOUNT 0.
q = struct.pack('!6H', 0x2a2a, 0, 1, 0, 0, 0) + \
    b'\3www\16any-noquestion\6broken\0' + struct.pack('!HH', 255, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(q, ('127.53.8.6', 53))
r = s.recv(4096)
print(len(r), hex(struct.unpack('!H', r[2:4])[0]),
      struct.unpack('!H', r[4:6])[0])
PY
)
check "any-tc-noquestion: UDP ANY gets TC and no question ($out)" \
	test "$out" = "12 0x8200 0"
out=$($DIG +tcp @127.53.8.6 www.any-noquestion.broken. ANY)
check "any-tc-noquestion: TCP answers ANY" sh -c \
	'echo "$1" | grep -q "^www.any-noquestion.broken.*TXT"' - "$out"
out=$($DIG @127.53.8.6 www.any-noquestion.broken. A)
check "any-tc-noquestion: other types over UDP" sh -c \
	'echo "$1" | grep -q "^www.any-noquestion.broken.*A.*192.0.2"' - "$out"
out=$($DIG @127.53.8.7 www.upward-referral.broken. A)
check "upward: a referral to the root, without AA" sh -c \
	'echo "$1" | grep -q "flags: qr;.*ANSWER: 0" &&
	echo "$1" | grep -q "^\.[[:space:]].*NS.*root-servers\.infra"' \
	- "$out"
out=$($DIG @127.53.8.8 sub.dsdrop.broken. DS)
check "drop-ds: a DS question gets no answer" sh -c \
	'echo "$1" | grep -q "timed out\|no servers could be reached"' \
	- "$out"
out=$($DIG +dnssec @127.53.8.8 sub.dsdrop.broken. NS)
check "drop-ds: the referral carries the DS and its RRSIG" sh -c \
	'echo "$1" | grep -q "^sub\.dsdrop\.broken\..*IN[[:space:]]*DS[[:space:]]" &&
	echo "$1" | grep -q "RRSIG[[:space:]]*DS 13 3 " &&
	echo "$1" | grep -q "^sub\.dsdrop\.broken\..*IN[[:space:]]*NS"' \
	- "$out"
out=$($DIG +tcp +dnssec @127.53.8.8 www.dsdrop.broken. A)
check "drop-ds: other questions relayed over TCP" sh -c \
	'echo "$1" | grep -q "^www\.dsdrop\.broken\..*A.*192\.0\.2"' - "$out"
for t in "" +tcp; do
	out=$($DIG $t +dnssec @127.53.8.9 ent.entds.broken. DS)
	check "nxdomain-ds: DS of the empty non-terminal gets NXDOMAIN with NSEC${t:+ over TCP}" \
		sh -c 'echo "$1" | grep -q "status: NXDOMAIN" &&
		echo "$1" | grep -q "^entds\.broken\..*NSEC[[:space:]]*sub\.ent\.entds\.broken\."' \
		- "$out"
done
out=$($DIG +dnssec @127.53.8.9 ent.entds.broken. A)
check "nxdomain-ds: other types of the empty non-terminal get NODATA" sh -c \
	'echo "$1" | grep -q "status: NOERROR.*" &&
	echo "$1" | grep -q "ANSWER: 0"' - "$out"
out=$($DIG @127.53.1.1 www.ns-child-dead.broken. A)
out2=$($DIG @127.53.3.1 ns-child-dead.broken. NS)
check "ns-child-dead: the parent names ns1/ns2, the apex ns3" sh -c \
	'echo "$1" | grep -q "NS.*ns1\.ns-child-dead" &&
	echo "$2" | grep -q "NS.*ns3\.ns-child-dead" &&
	! echo "$2" | grep -q "NS.*ns1\.ns-child-dead"' - "$out" "$out2"

# The peer check, when unbound happens to be installed (it is not a
# dependency).  Names whose servers never answer are left out: a resolver
# may spend half a minute on them.
if command -v unbound >/dev/null 2>&1; then
	sed 's/port: 53530/port: 53531/' "$dir/state/unbound.conf" \
		>"$dir/unbound.conf"
	grep -v 'silent\.broken\|wrong-source\.broken' \
		"$dir/state/names.txt" >"$dir/names.txt"
	if quiet unbound -c "$dir/unbound.conf"; then
		ok "unbound starts with the generated config"
		# unbound writes its pid file after it has detached.
		i=0
		while [ ! -s "$dir/state/unbound.pid" ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		ubpid=$(cat "$dir/state/unbound.pid" 2>/dev/null)
		check "unbound resolves every name as listed" quiet \
			"$srcdir/contrib/testworld/check-resolver" \
			-f "$dir/names.txt" -s 127.0.0.1 -p 53531 -t 20
		awk -F '\t' -v OFS='\t' \
			'NR == 2 { $4 = $4 == "secure" ? "insecure" : "secure" }
			NR <= 3' "$dir/names.txt" >"$dir/wrong.txt"
		check "check-resolver fails on a wrong expectation" quiet \
			sh -c '! "$1" -f "$2" -s 127.0.0.1 -p 53531 -t 20' - \
			"$srcdir/contrib/testworld/check-resolver" \
			"$dir/wrong.txt"
		# ns-child-dead.broken: the zone's own NS set names only a
		# server that never answers, the parent's two work.  With the
		# child's set cached (from an NS question), unbound still
		# answers a new name of the zone, through the parent-side set
		# (after about 12 s of timeouts); the client asks again after
		# each timeout, for 30 s at most.  After the list, which is
		# checked without the child's set in the cache.
		if (
			dig +time=5 +tries=2 -p 53531 @127.0.0.1 \
			    ns-child-dead.broken NS >/dev/null 2>&1
			end=$(($(date +%s) + 30))
			while [ "$(date +%s)" -lt $end ]; do
				dig +time=5 +tries=1 -p 53531 @127.0.0.1 \
				    probe.ns-child-dead.broken A \
				    >"$dir/childdead.out" 2>&1
				grep -q "status: NXDOMAIN" "$dir/childdead.out" &&
				    exit 0
				sleep 1
			done
			exit 1
		); then
			ok "unbound falls back to the parent-side NS set of ns-child-dead.broken"
		else
			cat "$dir/childdead.out" >>"$dir/log"
			notok "unbound falls back to the parent-side NS set of ns-child-dead.broken"
		fi
		if [ -n "$ubpid" ]; then
			kill "$ubpid" 2>/dev/null
			i=0
			while [ -d "/proc/$ubpid" ] && [ $i -lt 50 ]; do
				sleep 0.1
				i=$((i + 1))
			done
		fi
	else
		notok "unbound starts with the generated config"
	fi
else
	n=$((n + 1))
	echo "ok $n # SKIP unbound not installed (peer check)"
fi

check "stop" quiet "$TW" -d "$dir/state" stop
left=""
for p in $(awk '{print $2}' <<EOF
$pids1
EOF
); do
	if [ -d "/proc/$p" ] && ! grep -q '^[^)]*) Z' "/proc/$p/stat"; then
		left="$left $p"
	fi
done
check "no process of the world remains" test -z "$left"
left=$(ps -eo pid,stat,args | awk -v d="$dir" \
	'index($0, d) && $2 !~ /^Z/ && !/awk/' | head -3)
check "no process names the state directory" test -z "$left"
check "status says not running" sh -c \
	'! "$1" -d "$2" status >/dev/null' - "$TW" "$dir/state"

echo "1..$n"
exit $fail
