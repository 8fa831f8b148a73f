#!/usr/bin/env bash
# test/ratelimit.sh - ip-ratelimit in the running daemon, on 127.0.0.1.
# Two worker threads share the counters of a client address.  A burst of
# 200 UDP queries from one address within one second, with ip-ratelimit
# 20 and ip-ratelimit-factor 4: about 20 are answered, about one in four
# of the rest gets an empty reply with TC and the others no reply at all;
# a TCP query from the same address in the same second is answered; the
# next second the address is answered over UDP again; the counters
# num.query.ip_ratelimited and num.query.ip_ratelimited_tc of stats say
# exactly what the client saw.  With answer-cookie on, queries that show
# the server cookie the address got before the burst (RFC 7873) are
# answered in the same second despite the limit: a real client among
# forged ones is not cut off.  The answers are local data: nothing is
# asked upstream.  Output is TAP; skipped without python3.
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
RESOLUTE=$top_builddir/resolute
CONTROL=$top_builddir/resolute-control

if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP python3 not found"
    exit 0
fi

. "$top_srcdir/test/tap.sh"
tap_scratch

limit=20
factor=4
burst=200
started=0
for try in 1 2 3 4 5; do
    port=$(( 5000 + (RANDOM * 7 + try) % 40000 ))
    {
        printf 'server:\n\tinterface: 127.0.0.1\n\tport: %s\n' "$port"
        printf '\tnum-threads: 2\n\tverbosity: 1\n'
        printf '\tpidfile: "%s/resolute.pid"\n' "$dir"
        printf '\tlogfile: "%s/resolute.log"\n' "$dir"
        printf '\troot-hints: "%s/testdata/root.hints.loopback"\n' \
            "$top_srcdir"
        printf '\tmodule-config: "iterator"\n'
        printf '\tip-ratelimit: %s\n\tip-ratelimit-factor: %s\n' \
            "$limit" "$factor"
        printf '\tanswer-cookie: yes\n'
        printf '\tlocal-zone: "rl.internal." static\n'
        printf '\tlocal-data: "www.rl.internal. 60 IN A 192.0.2.1"\n'
        printf 'remote-control:\n\tcontrol-enable: yes\n'
        printf '\tcontrol-interface: "%s/ctl.sock"\n' "$dir"
    } > "$dir/resolute.conf"
    if tap_resolute "$dir/ctl.sock"; then
        started=1
        break
    fi
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
done
check "daemon starts" '[ $started = 1 ]'
if [ $started != 1 ]; then
    cat "$dir/stderr" "$dir/resolute.log" 2>/dev/null | sed 's/^/# /'
    tap_end
    exit 1
fi

# The client: the burst right after a second begins (so it fits in one
# second of the daemon's clock), a TCP query at once, the replies
# collected for at most 1.5 s, then one UDP query in a later second.
# First a query with a client cookie, to learn the server cookie; after
# the burst, five queries that show it.
# Prints "udp_answered tc none tcp_answered later_answered
# cookie_answered".
python3 - "$port" "$burst" > "$dir/client.out" 2> "$dir/client.err" <<'EOF'
import socket, struct, sys, time
port, burst = int(sys.argv[1]), int(sys.argv[2])
qname = b"".join(bytes([len(l)]) + l for l in b"www.rl.internal".split(b".")) + b"\0"

def query(qid, cookie=b""):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 1 if cookie else 0) + \
        qname + struct.pack("!HH", 1, 1)
    if cookie:
        opt = struct.pack("!HH", 10, len(cookie)) + cookie
        q += b"\0" + struct.pack("!HHIH", 41, 1232, 0, len(opt)) + opt
    return q

client_cookie = bytes(range(1, 9))

def kind(pkt):
    """'tc' (empty, TC), 'ans' (an answer), or None."""
    if len(pkt) < 12:
        return None
    flags, an = struct.unpack("!H", pkt[2:4])[0], struct.unpack("!H", pkt[6:8])[0]
    if flags & 0x0200:
        return "tc" if an == 0 else None
    return "ans" if an >= 1 and flags & 0x000f == 0 else None

def tcp_ask(qid):
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    q = query(qid)
    s.sendall(struct.pack("!H", len(q)) + q)
    buf = b""
    while len(buf) < 2 or len(buf) < 2 + struct.unpack("!H", buf[:2])[0]:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    s.close()
    return len(buf) > 14 and struct.unpack("!H", buf[2:4])[0] == qid and \
        kind(buf[2:]) == "ans"

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
u.connect(("127.0.0.1", port))
deadline = time.time() + 3
while time.time() % 1 > 0.2 and time.time() < deadline:
    time.sleep(0.01)
u.send(query(50000, client_cookie))
u.settimeout(1)
server_cookie = b""
try:
    pkt = u.recv(4096)
    at = pkt.find(struct.pack("!HH", 10, 24) + client_cookie)
    if at >= 0:
        server_cookie = pkt[at + 12:at + 28]
except socket.timeout:
    pass
for i in range(burst):
    u.send(query(i + 1))
tcp_ok = tcp_ask(60000)
for i in range(5):
    u.send(query(50001 + i, client_cookie + server_cookie))
seen = {}
u.settimeout(0.1)
end = time.time() + 1.5
while time.time() < end and len(seen) < burst + 5:
    try:
        pkt = u.recv(4096)
    except socket.timeout:
        continue
    qid = struct.unpack("!H", pkt[:2])[0]
    if 1 <= qid <= burst or 50001 <= qid <= 50005:
        seen[qid] = kind(pkt)
later_ok = False
time.sleep(1.1)
u.settimeout(2)
u.send(query(60001))
try:
    while True:
        pkt = u.recv(4096)
        if struct.unpack("!H", pkt[:2])[0] == 60001:
            later_ok = kind(pkt) == "ans"
            break
except socket.timeout:
    pass
cookie_ans = sum(1 for q, k in seen.items() if q > burst and k == "ans")
burst_seen = {q: k for q, k in seen.items() if q <= burst}
ans = sum(1 for k in burst_seen.values() if k == "ans")
tc = sum(1 for k in burst_seen.values() if k == "tc")
print(ans, tc, burst - len(burst_seen), int(tcp_ok), int(later_ok),
      cookie_ans, len(server_cookie))
EOF
read -r answered tc none tcp later cookie sclen < "$dir/client.out"
echo "# burst of $burst: answered $answered, TC $tc, no reply $none," \
    "TCP answered $tcp, later answered $later; with the cookie" \
    "($sclen octets) answered $cookie of 5"
sed 's/^/# /' "$dir/client.err"
# One second: limit answered (the cookie query before the burst took one
# of them).  A burst cut by a second boundary may get up to twice that
# (the daemon's clock is per event batch).
check "about ip-ratelimit UDP queries answered" \
    '[ "$answered" -ge $((limit - 1)) ] && [ "$answered" -le $((2 * limit)) ]'
# Of the ~180 over the limit, 1 in 4 is answered empty with TC.
check "1 in ip-ratelimit-factor over the limit gets TC" \
    '[ "$tc" -ge 35 ] && [ "$tc" -le 50 ]'
check "the rest are dropped" \
    '[ "$none" -eq $((burst - answered - tc)) ] && [ "$none" -ge 100 ]'
check "TCP from the same address is answered" '[ "$tcp" = 1 ]'
check "the next second UDP is answered again" '[ "$later" = 1 ]'
check "a valid server cookie is exempt from the limit" \
    '[ "$sclen" = 16 ] && [ "$cookie" = 5 ]'

stats=$("$CONTROL" -c "$dir/resolute.conf" stats_noreset)
echo "$stats" | grep ratelimit | sed 's/^/# /'
check "num.query.ip_ratelimited counts the dropped queries" \
    'echo "$stats" | grep -qx "num.query.ip_ratelimited=$none"'
check "num.query.ip_ratelimited_tc counts the TC replies" \
    'echo "$stats" | grep -qx "num.query.ip_ratelimited_tc=$tc"'
check "ratelimit (per zone) was not touched" \
    'echo "$stats" | grep -qx "num.query.ratelimited=0"'

tap_end
