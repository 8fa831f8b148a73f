#!/bin/sh
# test/checkconf.sh - run the built resolute-checkconf on good and bad
# files (TAP).  Include paths in the test files are relative to the top
# source directory, so the checks run from there.
here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$here/..}"
: "${top_builddir:=$here/..}"
prog="$top_builddir/resolute-checkconf"
n=0
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/checkconf.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# ok CONDITION-EXIT-STATUS DESCRIPTION
check() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
		sed 's/^/# /' "$tmp/out" "$tmp/err" 2>/dev/null
	fi
}

if [ ! -x "$prog" ]; then
	echo "1..1"
	echo "ok 1 # SKIP $prog not built"
	exit 0
fi
cd "$top_srcdir" || exit 1

"$prog" testdata/config/good.conf >"$tmp/out" 2>"$tmp/err"
check $? "good file: exit 0"
grep -q "^resolute-checkconf: no errors in testdata/config/good.conf\$" \
    "$tmp/out"
check $? "good file: 'no errors' message"
test ! -s "$tmp/err"
check $? "good file: nothing on stderr"

"$prog" testdata/config/typo.conf >"$tmp/out" 2>"$tmp/err"
test $? -eq 1
check $? "typo: exit 1"
grep -q "testdata/config/typo.conf:4: unknown option 'verbosty'" "$tmp/err"
check $? "typo: file:line: on stderr"
grep -q "did you mean 'verbosity'" "$tmp/err"
check $? "typo: suggestion"
test ! -s "$tmp/out"
check $? "typo: nothing on stdout"

# An option of Unbound's that resolute refuses: the reason, file and
# line, from the same parser the daemon uses.
printf 'server:\n\tport: 5353\n\tharden-glue: no\n\tprefetch-key: yes\n' \
    >"$tmp/refused.conf"
"$prog" "$tmp/refused.conf" >"$tmp/out" 2>"$tmp/err"
test $? -eq 1 &&
    grep -q "refused.conf:3: 'harden-glue: no' is not supported (only 'yes': out-of-bailiwick glue is always dropped)" "$tmp/err" &&
    grep -q "refused.conf:4: option 'prefetch-key' is not supported: not built yet" "$tmp/err"
check $? "refused options: exit 1, each with its reason, file and line"

# The programs say their version.
v1=$("$top_builddir/resolute" --version) && v2=$("$top_builddir/resolute" -V) &&
    v3=$("$top_builddir/resolute-control" --version) &&
    v4=$("$top_builddir/resolute-control" -V)
test $? -eq 0 && test "$v1" = "$v2" && test "$v1" = "$v3" &&
    test "$v1" = "$v4" && echo "$v1" | grep -q '^resolute [0-9]'
check $? "resolute and resolute-control: --version and -V ($v1)"

# Plain lines, as compilers print them, for editors: no time, program or
# level prefix.
"$prog" testdata/config/errors.conf >"$tmp/out" 2>"$tmp/err"
test "$(grep -c '^testdata/config/errors.conf:[0-9]*: ' "$tmp/err")" -eq 14 &&
    ! grep -q '^\[' "$tmp/err"
check $? "errors as plain file:line: message lines"

# An address the daemon could not listen on fails here too (the daemon's
# parser).
printf 'server:\n\tinterface: 127.0.0.999\n\tinterface: ::1@5353\n' \
    >"$tmp/if.conf"
"$prog" "$tmp/if.conf" >"$tmp/out" 2>"$tmp/err"
test $? -eq 1 &&
    grep -q "if.conf:2: interface: '127.0.0.999' is not an IPv4 or IPv6 address" "$tmp/err" &&
    ! grep -q "if.conf:3:" "$tmp/err"
check $? "interface: 127.0.0.999 refused with file and line, ::1@5353 accepted"

# The HTTP statistics endpoint: its address, its access list's actions,
# and with TLS the key and certificate, all before the daemon would stop.
printf 'server:\n\thttp-stats-interface: 127.0.0.1\n\thttp-stats-interface: 127.0.0.999\n' \
    >"$tmp/http1.conf"
"$prog" "$tmp/http1.conf" >"$tmp/out" 2>"$tmp/err"
test $? -eq 1 &&
    grep -q "http1.conf:3: http-stats-interface: '127.0.0.999' is not an IPv4 or IPv6 address" "$tmp/err"
check $? "http-stats-interface: a bad address refused with file and line"
printf 'server:\n\thttp-stats-access-control: 10.0.0.0/8 allow\n\thttp-stats-access-control: 10.1.0.0/16 allow_snoop\n' \
    >"$tmp/http2.conf"
"$prog" "$tmp/http2.conf" >"$tmp/out" 2>"$tmp/err"
test $? -eq 1 &&
    grep -q "http2.conf:3: unknown http-stats-access-control action.*'allow_snoop'" "$tmp/err"
check $? "http-stats-access-control: only allow, deny and refuse"
printf 'server:\n\thttp-stats-interface: 127.0.0.1\n\thttp-stats-use-cert: yes\nremote-control:\n\tserver-key-file: "%s/none.key"\n\tserver-cert-file: "%s/none.pem"\n' \
    "$tmp" "$tmp" >"$tmp/http3.conf"
"$prog" "$tmp/http3.conf" >"$tmp/out" 2>"$tmp/err"
test $? -eq 1 &&
    grep -q "http3.conf:3: http-stats-use-cert: cannot read $tmp/none.key" "$tmp/err" &&
    grep -q "http3.conf:3: http-stats-use-cert: cannot read $tmp/none.pem" "$tmp/err"
check $? "http-stats-use-cert: missing key and certificate named"

# The cachedb: clause: checked with the module chain, as the daemon
# checks it (a clause the chain does not use is an error, so are a
# name where an address must be and a cluster with a database number).
printf 'server:\n\tport: 5353\ncachedb:\n\tsecret-seed: "x"\n' \
    >"$tmp/cdb1.conf"
"$prog" "$tmp/cdb1.conf" >"$tmp/out" 2>"$tmp/err"
test $? -eq 1 &&
    grep -q "cdb1.conf:4: cachedb: secret-seed is set but module-config has no cachedb module" "$tmp/err"
check $? "cachedb: options without the module in module-config: an error with file and line"
printf 'server:\n\tmodule-config: "validator cachedb iterator"\ncachedb:\n\tredis-server-host: redis.example\n\tredis-server-host: 127.0.0.1@7001\n\tredis-logical-db: 2\n\tredis-cluster: yes\n' \
    >"$tmp/cdb2.conf"
"$prog" "$tmp/cdb2.conf" >"$tmp/out" 2>"$tmp/err"
st=$?
if grep -q "define USE_REDIS 1" "${top_builddir:-.}/config.h" 2>/dev/null; then
	test $st -eq 1 &&
	    grep -q "cdb2.conf:4: redis-server-host: 'redis.example' is not a numeric address" "$tmp/err" &&
	    grep -q "cdb2.conf:6: redis-logical-db: 2: a Redis Cluster has only database 0" "$tmp/err"
	check $? "cachedb: a host name and a cluster database refused, with file and line"
	printf 'server:\n\tmodule-config: "validator cachedb iterator"\ncachedb:\n\tredis-server-host: 127.0.0.1@7001\n\tredis-server-host: ::1\n\tredis-cluster: yes\n' \
	    >"$tmp/cdb3.conf"
	"$prog" "$tmp/cdb3.conf" >"$tmp/out" 2>"$tmp/err"
	check $? "cachedb: a cluster's seed nodes accepted"
else
	test $st -eq 1 && grep -q "this build has no cachedb module" "$tmp/err"
	check $? "cachedb: refused by a build without libhiredis"
fi

# The dnstap: clause: dnstap-enable needs a socket; a build without
# dnstap refuses it; Unbound's options that are not built are refused
# with file and line.
printf 'server:\n\tport: 5353\ndnstap:\n\tdnstap-enable: yes\n\tdnstap-log-client-query-messages: yes\n' \
    >"$tmp/dt1.conf"
"$prog" "$tmp/dt1.conf" >"$tmp/out" 2>"$tmp/err"
st=$?
if grep -q "define USE_DNSTAP 1" "${top_builddir:-.}/config.h" 2>/dev/null; then
	test $st -eq 1 &&
	    grep -q "dt1.conf:4: dnstap-enable: yes needs dnstap-socket-path" "$tmp/err"
	check $? "dnstap: dnstap-enable without dnstap-socket-path refused, with file and line"
	printf 'server:\n\tport: 5353\ndnstap:\n\tdnstap-enable: yes\n\tdnstap-socket-path: "/run/dnstap.sock"\n\tdnstap-send-identity: yes\n\tdnstap-identity: "r1"\n\tdnstap-bidirectional: yes\n\tdnstap-sample-rate: 0\n' \
	    >"$tmp/dt2.conf"
	"$prog" "$tmp/dt2.conf" >"$tmp/out" 2>"$tmp/err"
	check $? "dnstap: a complete clause accepted"
else
	test $st -eq 1 &&
	    grep -q "dt1.conf:4: dnstap-enable: yes, but this build has no dnstap" "$tmp/err"
	check $? "dnstap: dnstap-enable refused by a build without dnstap, with file and line"
fi
printf 'dnstap:\n\tdnstap-enable: no\n\tdnstap-ip: 127.0.0.1@6000\n\tdnstap-tls: yes\n\tdnstap-log-forwarder-query-messages: yes\n\tdnstap-bidirectional: no\n' \
    >"$tmp/dt3.conf"
"$prog" "$tmp/dt3.conf" >"$tmp/out" 2>"$tmp/err"
test $? -eq 1 &&
    grep -q "dt3.conf:3: option 'dnstap-ip' is not supported: dnstap over TCP is not built" "$tmp/err" &&
    grep -q "dt3.conf:4: option 'dnstap-tls' is not supported" "$tmp/err" &&
    grep -q "dt3.conf:5: option 'dnstap-log-forwarder-query-messages' is not supported" "$tmp/err" &&
    grep -q "dt3.conf:6: 'dnstap-bidirectional: no' is not supported (only 'yes'" "$tmp/err"
check $? "dnstap: Unbound's options that are not built refused, with file and line"
printf 'server:\n\tdnstap-enable: yes\n' >"$tmp/dt4.conf"
"$prog" "$tmp/dt4.conf" >"$tmp/out" 2>"$tmp/err"
test $? -eq 1 &&
    grep -q "dt4.conf:2: option 'dnstap-enable' belongs in 'dnstap:', not in 'server:'" "$tmp/err"
check $? "dnstap: an option of the clause elsewhere refused, with file and line"

"$prog" -o port testdata/config/good.conf >"$tmp/out" 2>"$tmp/err"
test $? -eq 0 && test "$(cat "$tmp/out")" = 5353
check $? "-o port prints 5353"
"$prog" -o access-control testdata/config/good.conf >"$tmp/out" \
    2>"$tmp/err"
test "$(sed -n 2p "$tmp/out")" = "10.0.0.0/8 refuse"
check $? "-o access-control prints one line per value"
"$prog" -o verbosty testdata/config/good.conf >"$tmp/out" 2>"$tmp/err"
test $? -eq 2
check $? "-o unknown option: exit 2"

"$prog" -p testdata/config/good.conf >"$tmp/p1.conf" 2>"$tmp/err"
test $? -eq 0 && grep -q "^	msg-cache-size: 8m\$" "$tmp/p1.conf"
check $? "-p prints the settings"
"$prog" --print "$tmp/p1.conf" >"$tmp/p2.conf" 2>"$tmp/err"
st=$?
# Only the header line (it names the file) may differ.
grep -v '^#' "$tmp/p1.conf" >"$tmp/a"
grep -v '^#' "$tmp/p2.conf" >"$tmp/b"
test $st -eq 0 && test -s "$tmp/a" && cmp -s "$tmp/a" "$tmp/b"
check $? "--print output reads back to the same settings"

"$prog" testdata/config/errors.conf >"$tmp/out" 2>"$tmp/err"
test $? -eq 1 && test "$(grep -c 'errors.conf:[0-9]*:' "$tmp/err")" -eq 14
check $? "errors.conf: fourteen errors reported"

printf 'server:\n\taccess-control: 10.0.0.0/33 allow\n' >"$tmp/acl.conf"
"$prog" "$tmp/acl.conf" >"$tmp/out" 2>"$tmp/err"
test $? -eq 1 && grep -q "acl.conf:2: access-control: '10.0.0.0/33'" \
    "$tmp/err"
check $? "bad netblock found by the checks after parsing"

# One validation path: what resolute-checkconf refuses, the daemon
# refuses at start with the same file:line message, before it opens a
# port (it is given a loopback port and killed after 10 s should it
# start anyway).
daemon="$top_builddir/resolute"
# refused NAME LINE-NO EXPECTED-TEXT OPTION-LINE...
refused() {
	name=$1
	lineno=$2
	want=$3
	shift 3
	{
		printf 'server:\n'
		for l in "$@"; do
			printf '\t%s\n' "$l"
		done
		printf '\tinterface: 127.0.0.1\n\tport: %d\n' \
		    $((20000 + $$ % 20000))
		printf '\tusername: ""\n\tpidfile: "%s/%s.pid"\n' "$tmp" \
		    "$name"
	} >"$tmp/$name.conf"
	"$prog" "$tmp/$name.conf" >"$tmp/out" 2>"$tmp/err"
	test $? -eq 1 && grep -q "$name.conf:$lineno: $want" "$tmp/err"
	check $? "$name: resolute-checkconf names $name.conf:$lineno"
	if [ ! -x "$daemon" ]; then
		n=$((n + 1))
		echo "ok $n # SKIP $daemon not built"
		return
	fi
	timeout 10 "$daemon" -d -c "$tmp/$name.conf" >"$tmp/out" \
	    2>"$tmp/err"
	st=$?
	test $st -ne 0 && test $st -ne 124 &&
	    grep -q "$name.conf:$lineno: $want" "$tmp/err"
	check $? "$name: the daemon refuses it with the same message"
}
refused modcfg 2 "module-config: 'iterator validator'" \
    'module-config: "iterator validator"'
refused anchor 3 "trust-anchor-file: cannot read" 'verbosity: 1' \
    "trust-anchor-file: \"$tmp/no-such.key\""
refused portrange 2 "outgoing-port-permit: '70000'" \
    'outgoing-port-permit: 70000'
refused slabs 2 "msg-cache-slabs: 3 is not a power of 2" \
    'msg-cache-slabs: 3'
refused rlrate 3 "ratelimit-for-domain: 'fast' is not a number" \
    'ratelimit: 10' 'ratelimit-for-domain: example.com fast'
refused rlname 2 "ratelimit-below-domain: 'bad..name' is not a valid" \
    'ratelimit-below-domain: bad..name 5'
refused rlslabs 2 "ip-ratelimit-slabs: 3 is not a power of 2" \
    'ip-ratelimit-slabs: 3'
refused rlsize 2 "ratelimit-size: 100 is too small" 'ratelimit-size: 100'

# A trust anchor whose DS digest has the wrong length does not stop the
# daemon: resolute-checkconf warns with the line, and the daemon starts
# (the zone under it fails validation, testdata/val_anchor_broken.rpl).
printf 'server:\n\ttrust-anchor: "example.com. DS 1 13 2 0102"\n\tinterface: 127.0.0.1\n\tport: %d\n\tusername: ""\n\tpidfile: "%s/ta.pid"\n' \
    $((20000 + ($$ + 7) % 20000)) "$tmp" >"$tmp/ta.conf"
"$prog" "$tmp/ta.conf" >"$tmp/out" 2>"$tmp/err"
test $? -eq 0 && grep -q "ta.conf:2: warning: DS for example.com.: digest of 2 octets" \
    "$tmp/err" && grep -q "is broken" "$tmp/err"
check $? "a malformed anchor: resolute-checkconf warns with the line, exit 0"
if [ -x "$daemon" ]; then
	"$daemon" -d -c "$tmp/ta.conf" >"$tmp/out" 2>"$tmp/err" &
	dpid=$!
	up=1
	for i in 1 2 3 4 5 6 7 8 9 10; do
		grep -q "started" "$tmp/err" 2>/dev/null && break
		kill -0 $dpid 2>/dev/null || { up=0; break; }
		sleep 0.2
	done
	grep -q "started" "$tmp/err" || up=0
	kill $dpid 2>/dev/null
	wait $dpid 2>/dev/null
	test $up -eq 1
	check $? "a malformed anchor: the daemon starts anyway"
fi

"$prog" "$tmp/no-such.conf" >"$tmp/out" 2>"$tmp/err"
test $? -eq 1 && grep -q "no-such.conf" "$tmp/err"
check $? "missing file: exit 1, named"

"$prog" -x >"$tmp/out" 2>"$tmp/err"
test $? -eq 2
check $? "bad flag: exit 2"
"$prog" -h >"$tmp/out" 2>"$tmp/err"
test $? -eq 0 && grep -q "usage: resolute-checkconf" "$tmp/out"
check $? "-h prints usage"

echo "1..$n"
exit $failed
