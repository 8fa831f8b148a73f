#!/bin/sh
# bench/echo.sh - the benchmark's ceiling responder (bench/echo) answers a
# DNS query with the query itself, QR set, from one and from two threads,
# drops datagrams shorter than a DNS header, and exits on SIGTERM; and
# bench/run's prerequisite check runs.
#
# Needs dig (bind9-dnsutils) and python3; without them the test is a SKIP.
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
ECHO="$builddir/bench/echo"

skip() {
	echo "1..0 # SKIP $1"
	exit 0
}
command -v dig >/dev/null 2>&1 || skip "dig not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
[ -x "$ECHO" ] || skip "bench/echo not built"

dir=$(mktemp -d "${TMPDIR:-/tmp}/echo.XXXXXX") || exit 1
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
	d=$1
	shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# start THREADS: run the responder on a fresh port, wait for its pid file.
start() {
	port=$(( 20000 + ($$ + $1 * 7) % 30000 ))
	"$ECHO" -a 127.0.0.1 -p "$port" -t "$1" -P "$dir/pid" &
	pid=$!
	i=0
	while [ ! -s "$dir/pid" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	test -s "$dir/pid" && test "$(cat "$dir/pid")" = "$pid"
}
# stop: SIGTERM, then it must be gone and its pid file removed.
stop() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	p=$pid
	pid=
	! kill -0 "$p" 2>/dev/null && test ! -e "$dir/pid"
}

check "bad usage is refused" sh -c '! "$1" -t 0 2>/dev/null' - "$ECHO"
check "a bad address is refused" sh -c '! "$1" -a nowhere 2>/dev/null' - \
	"$ECHO"
for t in 1 2; do
	check "starts with $t thread(s) and writes its pid file" start $t
	out=$(dig +tries=1 +time=2 +noedns +noadflag -p "$port" @127.0.0.1 \
		www.example.com. A 2>&1)
	check "$t thread(s): the query comes back as a response" sh -c \
		'echo "$1" | grep -q "flags: qr rd;"' - "$out"
	check "$t thread(s): with its question and no answer" sh -c \
		'echo "$1" | grep -q "QUERY: 1, ANSWER: 0" &&
		echo "$1" | grep -q "^;www.example.com.*IN.*A"' - "$out"
	# Many queries in one go: every one is answered.
	python3 - "$port" >"$dir/burst" 2>&1 <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
port = int(sys.argv[1])
got = set()
for i in range(200):
    s.sendto(struct.pack('!HHHHHH', i, 0x0100, 0, 0, 0, 0),
             ('127.0.0.1', port))
    try:
        p = s.recv(512)
    except OSError:
        break
    qid, fl = struct.unpack('!HH', p[:4])
    if fl == 0x8100 and len(p) == 12:
        got.add(qid)
# A datagram shorter than a header gets no reply.
s.sendto(b'\x00\x01\x01', ('127.0.0.1', port))
s.settimeout(0.5)
try:
    s.recv(512)
    short = 'answered'
except OSError:
    short = 'dropped'
print(len(got), short)
PY
	check "$t thread(s): 200 queries, 200 responses with their IDs" \
		grep -q "^200 " "$dir/burst"
	check "$t thread(s): a datagram shorter than a header is dropped" \
		grep -q " dropped$" "$dir/burst"
	check "$t thread(s): exits on SIGTERM and removes its pid file" stop
done
check "bench/run checks its prerequisites" sh -c \
	'"$1" --check >"$2/check" 2>&1; grep -q "^dnsperf:" "$2/check"' - \
	"$srcdir/bench/run" "$dir"

echo "1..$n"
exit $fail
