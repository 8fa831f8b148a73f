#!/bin/sh
# test/attack.sh - the attack bench (bench/attack) can do what it claims
# (TAP): test/testauth's slow mode answers late, over UDP and TCP, many
# queries at once, and its wildcard answers with the name as asked; the
# forger (bench/attack/forger) sends well-formed forged answers (IPv4 and
# UDP headers with a correct checksum, QR and AA, the question in
# lowercase, "NAME A 6.6.6.6", "victim.test. NS ns.evil.test.", an OPT
# record, random IDs) to a guessed port and to the port it watched a
# query leave from, refuses addresses outside 127.0.0.0/8 and says why
# without root; and bench/attack/run poisons a resolute whose defences are
# off (its configuration "resolute-poisonable") in at least one of 30
# lookups of 20,000 forged packets each (a second round of 30 if the
# first has none), which proves the bench can poison at all; and that
# resolute's defaults are poisoned in none of 30 such lookups, with at
# least 29 answered right.  About 40 s, bounded to 7 minutes.
#
# Needs root (raw sockets, port 53), python3, and test/testauth,
# bench/attack/forger and resolute built; without them the test is a
# SKIP.  Its servers are on 127.0.3.1 and 127.0.3.2 and its resolver on
# port 15451, so a bench run on the default addresses does not clash; if
# they are taken (a concurrent run of this test), it is a SKIP too.
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
FORGER="$builddir/bench/attack/forger"
TESTAUTH="$builddir/test/testauth"
RUN="$srcdir/bench/attack/run"
S1=127.0.3.1
S2=127.0.3.2
PORT_BASE=15451

skip() {
	echo "1..0 # SKIP $1"
	exit 0
}
[ "$(id -u)" = 0 ] || skip "not root (raw sockets, servers on port 53)"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
[ -x "$FORGER" ] || skip "bench/attack/forger not built"
[ -x "$TESTAUTH" ] || skip "test/testauth not built"
[ -x "$builddir/resolute" ] || skip "resolute not built"
for a in $S1 $S2; do
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))' "$a" 2>/dev/null ||
	    skip "$a port 53 is in use (another run of this test?)"
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/attack.XXXXXX") || exit 1
n=0
fail=0
apid=
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
	if [ -n "$apid" ] && kill -0 "$apid" 2>/dev/null; then
		kill "$apid"
		wait "$apid" 2>/dev/null
	fi
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# --- test/testauth, slow mode and wildcards ---
cat >"$dir/slow.conf" <<EOF
listen $S1 slow 300
record victim.test. 300 SOA ns1.victim.test. h.victim.test. 1 60 60 60 60
record victim.test. 300 NS ns1.victim.test.
record ns1.victim.test. 300 A $S1
record *.victim.test. 300 A 192.0.2.1
EOF
"$TESTAUTH" -c "$dir/slow.conf" -p "$dir/auth.pid" 2>"$dir/auth.log" &
apid=$!
i=0
while [ ! -s "$dir/auth.pid" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
python3 - "$S1" >"$dir/slow.out" 2>&1 <<'PY'
import socket, struct, sys, time
server = sys.argv[1]

def q(name, qid):
    w = b''.join(bytes([len(l)]) + l.encode() for l in name.split('.'))
    return struct.pack('!HHHHHH', qid, 0, 1, 0, 0, 0) + w + \
        b'\0\0\1\0\1'

# 30 UDP queries at once, each from its own socket.
socks, t0 = [], time.time()
for i in range(30):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.sendto(q('Q%d-MiXeD.victim.test' % i, i), (server, 53))
    socks.append(s)
good, times = 0, []
for i, s in enumerate(socks):
    try:
        p = s.recv(512)
    except OSError:
        continue
    times.append(time.time() - t0)
    owner = b'\x00' + bytes([len('Q%d-MiXeD' % i)]) + \
        ('Q%d-MiXeD' % i).encode()
    # answer: QR AA NOERROR, 1 answer, owner as asked, 192.0.2.1
    if struct.unpack('!HHHH', p[:8]) == (i, 0x8400, 1, 1) and \
            p.endswith(bytes([192, 0, 2, 1])) and \
            p.count(owner[1:]) == 2:
        good += 1
print('udp', good, '%.2f %.2f' % (min(times or [0]), max(times or [0])))
# The same over TCP: two connections, answered late.
good, t0 = 0, time.time()
conns = []
for i in range(2):
    c = socket.create_connection((server, 53), timeout=3)
    m = q('tcp%d.victim.test' % i, 100 + i)
    c.sendall(struct.pack('!H', len(m)) + m)
    conns.append(c)
for i, c in enumerate(conns):
    try:
        ln = struct.unpack('!H', c.recv(2))[0]
        p = c.recv(ln)
    except OSError:
        continue
    if struct.unpack('!HH', p[:4]) == (100 + i, 0x8400) and \
            p.endswith(bytes([192, 0, 2, 1])):
        good += 1
    c.close()
print('tcp', good, '%.2f' % (time.time() - t0))
PY
check "slow: 30 UDP queries at once, all answered from the wildcard" \
	grep -q '^udp 30 ' "$dir/slow.out"
check "slow: UDP answers come 0.3 s late, not much later" sh -c \
	'awk "/^udp/ { exit !(\$3 >= 0.29 && \$4 < 1.5) }" "$1"' - \
	"$dir/slow.out"
check "slow: TCP queries are answered late too" sh -c \
	'awk "/^tcp/ { exit !(\$2 == 2 && \$3 >= 0.29 && \$3 < 1.5) }" "$1"' \
	- "$dir/slow.out"
kill "$apid"
wait "$apid" 2>/dev/null
apid=
check "slow: exits on SIGTERM and removes its pid file" \
	test ! -e "$dir/auth.pid"

# --- the forger ---
check "forger refuses a spoofed source outside 127.0.0.0/8" sh -c \
	'"$1" -s 192.0.2.53 </dev/null 2>&1 | grep -q "not a loopback"' - \
	"$FORGER"
check "forger refuses a target outside 127.0.0.0/8" sh -c \
	'! "$1" -s 127.0.3.9 -t 10.0.0.1 </dev/null 2>/dev/null' - "$FORGER"
if command -v setpriv >/dev/null 2>&1; then
	check "forger without CAP_NET_RAW says it needs root" sh -c \
		'setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$1" -s 127.0.3.9 \
		</dev/null 2>&1 | grep -q "needs root"' - "$FORGER"
fi
python3 - "$FORGER" >"$dir/forger.out" 2>&1 <<'PY'
import socket, struct, subprocess, sys, time
forger = sys.argv[1]
SERVER = '127.0.3.9'
NAME = b'\x06a1-xyz\x06victim\x04test\x00'


def csum(b):
    if len(b) & 1:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def check_packet(ip, port):
    """Every field of a forged IPv4/UDP/DNS packet; a list of faults."""
    bad = []
    if ip[0] != 0x45 or ip[9] != 17:
        bad.append('IP header')
    if socket.inet_ntoa(ip[12:16]) != SERVER or \
            socket.inet_ntoa(ip[16:20]) != '127.0.0.1':
        bad.append('addresses')
    sport, dport, ulen, _ = struct.unpack('!HHHH', ip[20:28])
    if sport != 53 or dport != port or ulen != len(ip) - 20:
        bad.append('UDP ports or length')
    pseudo = ip[12:20] + struct.pack('!BBH', 0, 17, ulen)
    if csum(pseudo + ip[20:]) != 0xffff:
        bad.append('UDP checksum')
    d = ip[28:]
    _, fl, qd, an, ns, ar = struct.unpack('!HHHHHH', d[:12])
    if (fl, qd, an, ns, ar) != (0x8400, 1, 1, 1, 1):
        bad.append('flags or counts %x %d %d %d %d' % (fl, qd, an, ns, ar))
    pos = 12 + len(NAME)
    if d[12:pos] != NAME or d[pos:pos + 4] != b'\0\1\0\1':
        bad.append('question (lowercase NAME A IN)')
    pos += 4
    if d[pos:pos + 16] != b'\xc0\x0c\0\1\0\1' + struct.pack('!IH', 86400,
                                                            4) + \
            bytes([6, 6, 6, 6]):
        bad.append('answer NAME 86400 A 6.6.6.6')
    pos += 16
    auth = b'\x06victim\x04test\x00\0\2\0\1' + struct.pack('!I', 86400)
    nsn = b'\x02ns\x04evil\x04test\x00'
    if d[pos:pos + len(auth)] != auth or \
            d[pos + len(auth) + 2:pos + len(auth) + 2 + len(nsn)] != nsn:
        bad.append('authority victim.test. NS ns.evil.test.')
    pos += len(auth) + 2 + len(nsn)
    if d[pos:] != b'\0\0\x29\x04\xd0\0\0\0\0\0\0':
        bad.append('OPT record')
    return bad


def run(mode, count, rcv_port, send_query):
    """Start the forger, attack, collect what reaches the port."""
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    raw.settimeout(0.5)
    argv = [forger, '-s', SERVER, '-r', '20000', '-m', mode]
    if mode == 'guess':
        argv += ['-p', '%d-%d' % (rcv_port, rcv_port)]
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)
    p.stdin.write('attack A1-Xyz.Victim.TEST. %d\n' % count)
    p.stdin.flush()
    ready = p.stdout.readline().strip()
    send_query()
    sent = p.stdout.readline().strip()
    p.stdin.write('quit\n')
    p.stdin.flush()
    bye = p.stdout.readline().strip()
    p.wait(timeout=5)
    pkts = []
    end = time.time() + 2
    while len(pkts) < count and time.time() < end:
        try:
            ip = raw.recv(2048)
        except OSError:
            break
        if ip[12:16] == socket.inet_aton(SERVER) and \
                struct.unpack('!H', ip[22:24])[0] == rcv_port:
            pkts.append(ip)
    raw.close()
    return ready, sent, bye, pkts


# guess mode, the range one port wide: a UDP socket there gets them.
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(('127.0.0.1', 0))
port = u.getsockname()[1]
ready, sent, bye, pkts = run('guess', 50, port, lambda: None)
u.settimeout(1)
got = 0
try:
    while got < 50:
        d, src = u.recvfrom(2048)
        if src == (SERVER, 53):
            got += 1
except OSError:
    pass
faults = set()
for ip in pkts:
    faults.update(check_packet(ip, port))
print('guess', ready, '|', sent, '|', bye, '|', len(pkts), got,
      len(set(ip[28:30] for ip in pkts)), ';'.join(sorted(faults)) or 'ok')

# known mode: a query leaves from port P to the server; the forger must
# spray P, with the name in lowercase whatever case the query had.
k = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
k.bind(('127.0.0.1', 0))
kport = k.getsockname()[1]
qmsg = struct.pack('!HHHHHH', 0x1234, 0, 1, 0, 0, 0) + \
    b'\x06A1-xYz\x06VICTIM\x04test\x00\0\1\0\1'
ready, sent, bye, pkts = run('known', 20, kport,
                             lambda: k.sendto(qmsg, (SERVER, 53)))
faults = set()
for ip in pkts:
    faults.update(check_packet(ip, kport))
print('known', ready, '|', sent, '|', bye, '|', len(pkts), ';'.join(
    sorted(faults)) or 'ok')
PY
sed 's/^/# /' "$dir/forger.out"
check "forger, guess: 50 packets sent and received on the guessed port" \
	grep -q '^guess ready | sent 50 queries 0 | bye total 50 | 50 50 ' \
	"$dir/forger.out"
check "forger, guess: every field of the forged packets as specified" \
	grep -q '^guess .* ok$' "$dir/forger.out"
check "forger, guess: the IDs differ (at least 45 of 50 distinct)" sh -c \
	'awk "/^guess/ { exit !(\$(NF-1) >= 45) }" "$1"' - "$dir/forger.out"
check "forger, known: it sees the query and sprays its source port" \
	grep -q '^known ready | sent 20 queries 1 | bye total 20 | 20 ok$' \
	"$dir/forger.out"

# --- the whole bench: a resolver with its defences off is poisoned ---
# Each lookup is poisoned with a chance of about 20 %, so 30 lookups
# find none once in about 800 runs: a second round of 30 makes that once
# in about 600,000.
poisoned=0
for round in 1 2; do
	timeout 120 python3 "$RUN" --only resolute-poisonable --mode known \
		--attempts 30 --packets 20000 --servers "$S1,$S2" \
		--port-base $PORT_BASE --no-results >"$dir/run.out" 2>&1
	status=$?
	sed 's/^/# /' "$dir/run.out"
	[ $status -eq 0 ] || break
	poisoned=$(awk '$1 == "resolute-poisonable" && NF == 8 &&
		$2 == 30 { print $3 }' "$dir/run.out")
	[ "${poisoned:-0}" -ge 1 ] && break
done
echo "# round $round: ${poisoned:-no} poisoned of 30"
check "bench/attack/run finishes" test $status -eq 0
check "resolute-poisonable: poisoned at least once in 30 lookups" \
	test "${poisoned:-0}" -ge 1

# --- the defences: resolute's defaults are not poisoned ---
# Known port, the same 30 lookups of 20,000 forged packets: every forged
# packet that reaches a query's socket ends it, and the question goes
# over TCP to the same server.  None poisoned; at most one lookup of 30
# not answered right (a loaded machine may time one out).
timeout 150 python3 "$RUN" --only resolute --mode known --attempts 30 \
	--packets 20000 --servers "$S1,$S2" --port-base $PORT_BASE \
	--no-results >"$dir/defaults.out" 2>&1
status=$?
sed 's/^/# /' "$dir/defaults.out"
set -- $(awk '$1 == "resolute" && NF == 8 && $2 == 30 { print $3, $4 }' \
	"$dir/defaults.out")
check "bench/attack/run with resolute's defaults finishes" test $status -eq 0
check "resolute's defaults: none of 30 lookups poisoned" \
	test "${1:-x}" = 0
check "resolute's defaults: at least 29 of 30 answered right" \
	test "${2:-0}" -ge 29

echo "1..$n"
exit $fail
