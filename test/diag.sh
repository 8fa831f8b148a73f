#!/bin/sh
# test/diag.sh - DNSSEC diagnostics over the control channel (TAP):
# dump_diag, insecure_add / insecure_remove / list_insecure, trace,
# flush_infra IP and local_data_remove, against the test world; and the
# world's key change (testworld rekey) met with flush_zone / flush_keys.
#
# Takes the test world lock like test/recursion.sh, builds a small world,
# runs a validating resolute on it (trust anchor = the world's root DS),
# resolves a few names and checks what the commands show.  Needs what
# the test world needs (nsd, ldnsutils, openssl, python3, dig, root for
# port 53 on 127.53.0.0/16); a missing prerequisite makes the test a SKIP.
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
RESOLUTE="$builddir/resolute"
CONTROL="$builddir/resolute-control"

. "$srcdir/test/world.sh"
world_prereqs diag
n=0
fail=0
pid=
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
notok() {
	n=$((n + 1))
	fail=1
	echo "not ok $n - $1"
}
check() {
	if eval "$2"; then ok "$1"; else notok "$1"; fi
}
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		wait "$pid" 2>/dev/null
	fi
	"$TW" -d "$dir/state" stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

world_small

port=$(( 20000 + $$ % 10000 ))
{ world_conf "$port"; cat <<CONF
	local-zone: "example.internal." static
	local-data: "www.example.internal. 3600 IN A 192.0.2.10"
	local-data: "ftp.example.internal. 3600 IN A 192.0.2.11"
remote-control:
	control-enable: yes
	control-interface: "$dir/control.sock"
CONF
} >"$dir/resolute.conf"
world_resolute "validating resolute started with the control channel"
C="$CONTROL -c $dir/resolute.conf"
D="dig +time=5 +tries=1 -p $port @127.0.0.1"

for q in www.features.com www.features.unsigned www.rrsig-expired.broken \
    www.island.com; do
	$D "$q" A >"$dir/dig.$q" 2>&1
done
check "a signed name resolves secure (AD)" \
    'grep -q "flags:.* ad" "$dir/dig.www.features.com"'
check "www.rrsig-expired.broken is SERVFAIL" \
    'grep -q "status: SERVFAIL" "$dir/dig.www.rrsig-expired.broken"'

# Two cases the world adds for validators: a wildcard answer whose NSEC
# proof has TTL 0, asked twice (the second answer comes from the cache,
# without an upstream query, and must still be secure), and a zone whose
# first server (ns1) serves a corrupted signature on www A while the
# other serves the good zone.
outgoing() {
	$C stats_noreset 2>/dev/null | sed -n 's/^num.query.outgoing.udp=//p'
}
$D host.wild.nsec-ttl0.com A >"$dir/ttl0.1" 2>&1
o1=$(outgoing)
sleep 1
$D host.wild.nsec-ttl0.com A >"$dir/ttl0.2" 2>&1
o2=$(outgoing)
check "a wildcard answer whose NSEC has TTL 0 is secure" \
    'grep -q "status: NOERROR" "$dir/ttl0.1" && grep -q "flags:.* ad" "$dir/ttl0.1"'
check "asked again it is secure from the cache ($o1 then $o2 upstream queries)" \
    'grep -q "flags:.* ad" "$dir/ttl0.2" && [ -n "$o1" ] && [ "$o1" = "$o2" ]'
$D www.bad-server.broken A >"$dir/badsrv" 2>&1
check "www.bad-server.broken is secure: the server with the bad signature is not final" \
    'grep -q "status: NOERROR" "$dir/badsrv" && grep -q "flags:.* ad" "$dir/badsrv"'
echo "# servers asked for bad-server.broken.: $($C dump_diag 2>/dev/null |
    sed -n 's/^\(127[.0-9]*\) zone bad-server\.broken\..*/\1/p' | tr '\n' ' ')"

# dump_diag
$C dump_diag >"$dir/diag1" 2>&1
rc=$?
check "dump_diag succeeds" '[ $rc = 0 ] && grep -q "^\[key cache\]" "$dir/diag1"'
check "dump_diag shows the root anchor" \
    'sed -n "/^\[trust anchors\]/,/^\[key cache\]/p" "$dir/diag1" | grep -q "^\.[[:space:]].*DS"'
check "dump_diag shows the root keys secure with key tags" \
    'grep -q "^\. secure expires" "$dir/diag1" && grep -q "DNSKEY tag [0-9]* alg 8 flags 257 SEP" "$dir/diag1"'
check "dump_diag shows the key entry of features.com" \
    'grep -q "^features\.com\. secure" "$dir/diag1"'
check "dump_diag shows www.features.com A secure with its signer" \
    'grep -q "^www\.features\.com\. A secure .* signer features\.com\. keys secure" "$dir/diag1"'
check "dump_diag shows the bogus reason of www.rrsig-expired.broken" \
    'grep -q "^www\.rrsig-expired\.broken\. A bogus .*ede 7.*reason \"signature expired" "$dir/diag1"'
check "dump_diag shows the infra cache (root server, RTT)" \
    'grep -q "^127\.53\.0\.[12] zone \. rtt [0-9]" "$dir/diag1"'
check "dump_diag shows the failure in the recent bogus ring" \
    'sed -n "/^\[recent bogus\]/,\$p" "$dir/diag1" | grep -q "www\.rrsig-expired\.broken\. A ede 7: .*expired"'
[ $fail = 0 ] || sed 's/^/# /' "$dir/diag1"
$C dump_diag >"$dir/diag2" 2>&1
check "two snapshots in a row differ only in their time line" \
    '[ "$(diff "$dir/diag1" "$dir/diag2" | grep -c "^[<>]")" -le 2 ]'
sed -n "/^\[rrset cache\]/,/^\[infra cache\]/p" "$dir/diag1" |
    grep -v "^\[" | grep . >"$dir/rr"
check "the rrset section is sorted by name in canonical order" \
    '[ -s "$dir/rr" ] && python3 -c "
import sys
def key(n):
    return [l.lower() for l in reversed(n.rstrip(\".\").split(\".\"))] if n != \".\" else []
names = [l.split()[0] for l in open(sys.argv[1])]
sys.exit(0 if [key(n) for n in names] == sorted(key(n) for n in names) else 1)
" "$dir/rr"'

# insecure_add / insecure_remove / list_insecure
out=$($C insecure_add rrsig-expired.broken 2>&1)
rc=$?
check "insecure_add succeeds" '[ $rc = 0 ]'
out=$($C list_insecure 2>&1)
check "list_insecure lists it" 'echo "$out" | grep -qx "rrsig-expired\.broken\."'
$D www.rrsig-expired.broken A >"$dir/nta" 2>&1
check "under the negative anchor the bogus name answers NOERROR without AD" \
    'grep -q "status: NOERROR" "$dir/nta" && ! grep -q "flags:.* ad" "$dir/nta"'
out=$($C insecure_add rrsig-expired.broken 2>&1)
rc=$?
check "insecure_add twice is an error" '[ $rc != 0 ] && echo "$out" | grep -q "already"'
out=$($C insecure_remove rrsig-expired.broken 2>&1)
rc=$?
check "insecure_remove succeeds" '[ $rc = 0 ]'
$D www.rrsig-expired.broken A >"$dir/nta2" 2>&1
check "after insecure_remove the name is SERVFAIL again" \
    'grep -q "status: SERVFAIL" "$dir/nta2"'
out=$($C list_insecure 2>&1)
check "list_insecure is empty again" '! echo "$out" | grep -q broken'
out=$($C insecure_remove rrsig-expired.broken 2>&1)
rc=$?
check "insecure_remove of a name not listed is an error" \
    '[ $rc != 0 ] && echo "$out" | grep -q "not a negative"'
out=$($C insecure_add 2>&1)
rc=$?
check "insecure_add without a name is an error" '[ $rc != 0 ]'
out=$($C insecure_add "a..b" 2>&1)
rc=$?
check "insecure_add of a bad name is an error" '[ $rc != 0 ]'

# Keys that can be flushed: flush_zone takes the zone's key cache entry
# with its data, flush_keys the rest; the next query validates again.
out=$($C flush_zone features.com 2>&1)
rc=$?
$C dump_diag >"$dir/diag.fz" 2>&1
check "flush_zone features.com also drops its key cache entry" \
    '[ $rc = 0 ] && ! grep -q "^features\.com\. secure" "$dir/diag.fz" && grep -q "^com\. secure" "$dir/diag.fz"'
$D www.features.com A >"$dir/dig.fz" 2>&1
$C dump_diag >"$dir/diag.fz2" 2>&1
check "after flush_zone the name validates again, the keys come back" \
    'grep -q "flags:.* ad" "$dir/dig.fz" && grep -q "^features\.com\. secure" "$dir/diag.fz2"'
out=$($C flush_keys 2>&1)
rc=$?
$C dump_diag >"$dir/diag.fk" 2>&1
check "flush_keys empties the key cache ($out)" \
    '[ $rc = 0 ] && echo "$out" | grep -q "flushed [1-9][0-9]* entries" && ! grep -q "^[^;].* secure expires .* keys [0-9]" "$dir/diag.fk"'
$C flush_zone features.com >/dev/null 2>&1
$D www.features.com A >"$dir/dig.fk" 2>&1
$C dump_diag >"$dir/diag.fk2" 2>&1
check "after flush_keys the name validates again from the root anchor" \
    'grep -q "flags:.* ad" "$dir/dig.fk" && grep -q "^\. secure expires" "$dir/diag.fk2" && grep -q "^features\.com\. secure" "$dir/diag.fk2"'

# A key change upstream while the old keys are cached: "testworld rekey"
# gives features.net new keys and a new DS in net.  A name of the zone
# not yet asked fails with the cached keys; flush_zone makes the zone
# validate again at once, without waiting for the keys' TTL.
rk() {
	timeout 60 "$TW" -d "$dir/state" rekey "$1" >>"$dir/rekey.log" 2>&1
}
ask() {
	$D "$1" A >"$dir/dig.$1" 2>&1
}
ad() {
	grep -q "status: NOERROR" "$dir/dig.$1" &&
	    grep -q "flags:.* ad" "$dir/dig.$1"
}
ask www.features.net
check "www.features.net is secure (its keys now cached)" 'ad www.features.net'
rk features.net
rc=$?
check "testworld rekey features.net" \
    '[ $rc = 0 ] && grep -q "new keys.*reloaded" "$dir/rekey.log"'
ask c3.features.net
check "after the key change a name not cached fails with the old keys (SERVFAIL)" \
    'grep -q "status: SERVFAIL" "$dir/dig.c3.features.net"'
$C flush_zone features.net >/dev/null 2>&1
ask c3.features.net
check "after flush_zone features.net the name is secure with the new keys" \
    'ad c3.features.net'
# Again with flush_keys: the zone's key cache entry goes with the DNSKEY
# and DS RRsets it was made from, so the new keys are fetched.
rk features.net
rc=$?
ask a.b.ent.features.net
check "a second rekey: a name not cached fails again (SERVFAIL)" \
    '[ $rc = 0 ] && grep -q "status: SERVFAIL" "$dir/dig.a.b.ent.features.net"'
$C flush_keys features.net >/dev/null 2>&1
ask host.wild.features.net
check "after flush_keys features.net another name is secure" \
    'ad host.wild.features.net'
sed 's/^/# /' "$dir/rekey.log"

# A reload keeps the negative trust anchors added at run time, and drops
# the keys validated from an anchor that changed.
$C insecure_add kept.example >/dev/null 2>&1
$C reload >/dev/null 2>&1
out=$($C list_insecure 2>&1)
check "a negative trust anchor added with insecure_add survives a reload" \
    'echo "$out" | grep -qx "kept\.example\."'
$C insecure_remove kept.example >/dev/null 2>&1
$D www.features.com A >/dev/null 2>&1
cp "$dir/state/root.ds" "$dir/root2.ds"
printf '. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n' \
    >>"$dir/root2.ds"
sed "s|$dir/state/root.ds|$dir/root2.ds|" "$dir/resolute.conf" \
    >"$dir/resolute2.conf"
cp "$dir/resolute.conf" "$dir/resolute1.conf"
cp "$dir/resolute2.conf" "$dir/resolute.conf"
$C reload >/dev/null 2>&1
$C dump_diag >"$dir/diag.rl" 2>&1
check "a reload with another root anchor drops the keys validated from it" \
    'grep -q "trust anchors changed" "$dir/resolute.log" && ! grep -q "^features\.com\. secure" "$dir/diag.rl"'
$D www.features.com A >"$dir/dig.rl" 2>&1
check "and the name validates again from the new anchor set" \
    'grep -q "flags:.* ad" "$dir/dig.rl"'
cp "$dir/resolute1.conf" "$dir/resolute.conf"
$C reload >/dev/null 2>&1

# flush_infra IP: a root server the resolver has talked to (which of
# the world's roots it picked depends on its RTT choices).
$C dump_diag >"$dir/diag2b" 2>&1
root=$(sed -n 's/^\(127\.53\.0\.[0-9]*\) zone.*/\1/p' "$dir/diag2b" | head -n 1)
root=${root:-127.53.0.1}
out=$($C flush_infra "$root" 2>&1)
rc=$?
check "flush_infra $root removes its entries ($out)" \
    '[ $rc = 0 ] && echo "$out" | grep -q "flushed [1-9][0-9]* entries"'
$C dump_diag >"$dir/diag3" 2>&1
check "the address is gone from the infra cache, others stay" \
    '! grep -q "^$root zone" "$dir/diag3" && grep -q "^127\.53\.1\.[12] zone" "$dir/diag3"'
out=$($C flush_infra "$root" 2>&1)
check "flush_infra of an address not cached flushes 0" \
    'echo "$out" | grep -q "flushed 0 entries"'
out=$($C flush_infra ::1 2>&1)
rc=$?
check "flush_infra takes IPv6 addresses" '[ $rc = 0 ]'
out=$($C flush_infra nonsense 2>&1)
rc=$?
check "flush_infra of a non-address is an error" '[ $rc != 0 ]'

# local_data_remove
$D www.example.internal A >"$dir/ld1" 2>&1
out=$($C local_data_remove www.example.internal 2>&1)
rc=$?
$D www.example.internal A >"$dir/ld2" 2>&1
$D ftp.example.internal A >"$dir/ld3" 2>&1
check "local data answers before local_data_remove" \
    'grep -q "192\.0\.2\.10" "$dir/ld1"'
check "after local_data_remove the name is NXDOMAIN in its static zone" \
    '[ $rc = 0 ] && grep -q "status: NXDOMAIN" "$dir/ld2"'
check "the other local data stays" 'grep -q "192\.0\.2\.11" "$dir/ld3"'
out=$($C local_data_remove www.example.internal 2>&1)
rc=$?
check "local_data_remove of a name without data is an error" \
    '[ $rc != 0 ] && echo "$out" | grep -q "no local data"'
out=$($C local_data_remove 2>&1)
rc=$?
check "local_data_remove without a name is an error" '[ $rc != 0 ]'

# trace: fresh from the servers, one verdict per name.
trace() {
	$C trace "$@" >"$dir/trace.$1" 2>&1
}
trace www.features.com A
check "trace www.features.com: secure, levels . com. features.com." \
    'grep -q "^result: secure" "$dir/trace.www.features.com" && grep -q "^zone com\.$" "$dir/trace.www.features.com" && grep -q "^zone features\.com\.$" "$dir/trace.www.features.com" && grep -q "DNSKEY key [0-9]* alg 8 flags 257 SEP" "$dir/trace.www.features.com" && grep -q "RRSIG A by features\.com\. key [0-9]* alg 13 valid [0-9]\{14\} to [0-9]\{14\}" "$dir/trace.www.features.com"'
trace www.island.com A
check "trace www.island.com (unsigned island): insecure" \
    'grep -q "^result: insecure" "$dir/trace.www.island.com" && grep -q "no DS for island\.com\." "$dir/trace.www.island.com"'
trace www.features.unsigned A
check "trace www.features.unsigned (unsigned TLD): insecure" \
    'grep -q "^result: insecure" "$dir/trace.www.features.unsigned"'
trace www.rrsig-expired.broken A
check "trace rrsig-expired: bogus at rrsig-expired.broken., signature expired, EDE 7" \
    'grep -q "^result: bogus at rrsig-expired\.broken\.: signature expired for rrsig-expired\.broken\. DNSKEY by key [0-9]* (EDE 7)" "$dir/trace.www.rrsig-expired.broken"'
trace www.rrsig-notyet.broken A
check "trace rrsig-notyet: bogus at rrsig-notyet.broken., not yet valid, EDE 8" \
    'grep -q "^result: bogus at rrsig-notyet\.broken\.: signature not yet valid .*(EDE 8)" "$dir/trace.www.rrsig-notyet.broken"'
trace www.bad-signature.broken A
check "trace bad-signature: bogus at bad-signature.broken., verification failed for www A, EDE 6" \
    'grep -q "^result: bogus at bad-signature\.broken\.: signature verification failed for www\.bad-signature\.broken\. A by key [0-9]* (EDE 6)" "$dir/trace.www.bad-signature.broken"'
trace ok.bad-signature.broken A
check "trace ok.bad-signature.broken: secure (only www is broken)" \
    'grep -q "^result: secure" "$dir/trace.ok.bad-signature.broken"'
trace www.ds-mismatch.broken A
check "trace ds-mismatch: bogus at ds-mismatch.broken., no DNSKEY matches its DS, EDE 9" \
    'grep -q "^result: bogus at ds-mismatch\.broken\.: no DNSKEY of ds-mismatch\.broken\. matches its DS (EDE 9)" "$dir/trace.www.ds-mismatch.broken"'
trace www.dnskey-missing.broken A
check "trace dnskey-missing: bogus at dnskey-missing.broken., no DNSKEY RRset, EDE 9" \
    'grep -q "^result: bogus at dnskey-missing\.broken\.: no DNSKEY RRset for dnskey-missing\.broken\. (EDE 9)" "$dir/trace.www.dnskey-missing.broken"'
# Two traces in the log, for a reader.
sed 's/^/# /' "$dir/trace.www.features.com" "$dir/trace.www.rrsig-expired.broken"
for f in "$dir"/trace.*; do
	grep -q "^result: \(secure\|insecure\)" "$f" && continue
	grep -q "^result: bogus" "$f" && continue
	sed 's/^/# /' "$f"
done
trace www.features.com NOSUCHTYPE
check "trace with an unknown type is an error" \
    'grep -q "^error: unknown type" "$dir/trace.www.features.com"'
trace "a..b"
check "trace of a bad name is an error" 'grep -q "^error: cannot parse" "$dir/trace.a..b"'
out=$($C status 2>&1)
check "the daemon still serves after the traces" 'echo "$out" | grep -q "is running"'

# Stop; the daemon leaves no sanitizer report (leaks included).
$C stop >/dev/null 2>&1
stopped=0
for i in $(seq 1 100); do
	kill -0 "$pid" 2>/dev/null || { stopped=1; break; }
	sleep 0.1
done
check "stop ends the daemon" '[ $stopped = 1 ]'
wait "$pid" 2>/dev/null
pid=
check "no sanitizer or crash report from the daemon" \
    '! grep -q "runtime error\|AddressSanitizer\|LeakSanitizer" "$dir/stderr"'
grep -A5 "runtime error\|Sanitizer" "$dir/stderr" | head -20 | sed 's/^/# /'
echo "1..$n"
[ $fail = 0 ]
