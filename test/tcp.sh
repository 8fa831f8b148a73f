#!/usr/bin/env bash
# test/tcp.sh - TCP service that cannot be starved, against a running
# daemon on loopback (TAP).  One worker thread, six TCP slots, a 2 s
# window (tcp-idle-timeout):
#   - access control at accept: a denied and a refused address are closed
#     at once, before they hold a slot;
#   - one address holds at most half the slots: the fourth connection of
#     127.0.0.4 is closed at once, another address still gets in;
#   - a message trickled a byte every 400 ms is cut off when its window
#     ends (2 s), however long the trickle goes on;
#   - with more than half the slots taken, a new connection's window is
#     200 ms, and the edns-tcp-keepalive option (RFC 7828) says so: 20
#     (2.0 s) when the server is quiet, 2 (0.2 s) when busy;
#   - pipelined queries are answered out of order: a slow one (forwarded
#     to a server that never answers) and a local one sent together, the
#     local answer comes first;
#   - slow-loris from four addresses, each trying to hold more than its
#     share and reconnecting when cut: a well-behaved TCP client still
#     gets every answer;
#   - the counters num.tcp.* say what was closed and why.
# And DNS Cookies (RFC 7873, RFC 9018 server cookies), answer-cookie on:
#   - a client cookie alone gets a server cookie of version 1 back; that
#     cookie sent again is valid and echoed; a wrong one gets a fresh one
#     and a normal answer; a malformed COOKIE option is FORMERR;
#   - an allow_cookie address over UDP: no cookie is REFUSED, a client
#     cookie alone BADCOOKIE with a server cookie, which then works; over
#     TCP no cookie is needed;
#   - towards servers (upstream-cookies): the first query to a server
#     carries a client cookie alone, the next one the server cookie it
#     gave back; a UDP reply with another client cookie is taken as
#     forged and the question asked again over TCP, which answers.
# Needs python3; every socket is on 127.0.0.0/8.
set -u
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
RESOLUTE=$top_builddir/resolute
CONTROL=$top_builddir/resolute-control

. "$top_srcdir/test/tap.sh"

if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP python3 not found"
    exit 0
fi

tap_scratch
sink=
ck=
trap 'tap_cleanup; [ -n "$sink" ] && kill "$sink" 2>/dev/null; [ -n "$ck" ] && kill "$ck" 2>/dev/null' EXIT

port=$(( 20000 + $$ % 10000 ))
sinkport=$(( port + 7 ))
ckport=$(( port + 8 ))
cat >"$dir/resolute.conf" <<CONF
server:
	interface: 127.0.0.1
	port: $port
	num-threads: 1
	incoming-num-tcp: 6
	tcp-idle-timeout: 2000
	answer-timeout: 1500
	module-config: "iterator"
	do-not-query-localhost: no
	access-control: 127.0.0.0/8 allow
	access-control: 127.0.0.2 deny
	access-control: 127.0.0.3 refuse
	access-control: 127.0.0.11 allow_cookie
	answer-cookie: yes
	upstream-cookies: yes
	local-zone: "local.test." static
	local-data: "fast.local.test. 60 IN A 192.0.2.1"
	pidfile: "$dir/resolute.pid"
	logfile: "$dir/resolute.log"
forward-zone:
	name: "ck.zz."
	forward-addr: 127.0.0.13@$ckport
forward-zone:
	name: "slow.zz."
	forward-addr: 127.0.0.9@$sinkport
remote-control:
	control-enable: yes
	control-interface: "$dir/control.sock"
CONF
# A server that reads and never answers, for the slow query; it ends by
# itself after 60 s.
python3 - "$sinkport" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.9", int(sys.argv[1])))
s.settimeout(1)
end = time.time() + 60
while time.time() < end:
    try:
        s.recv(65535)
    except socket.timeout:
        pass
PY
sink=$!
# A server with DNS Cookies: it logs the COOKIE option of each UDP query
# and answers with its server cookie; for names starting with "forged"
# it puts another client cookie in the UDP reply.  Over TCP it answers
# plainly.  It ends by itself after 60 s.
python3 - "$ckport" "$dir/ck.log" <<'PY' &
import select, socket, struct, sys, time
port, log = int(sys.argv[1]), open(sys.argv[2], "w")
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.13", port))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.13", port))
t.listen(8)
SC = b"\x5c" * 16
def answer(q, forged):
    qid = q[:2]
    p = 12
    while q[p]:
        p += 1 + q[p]
    qname = q[12:p]
    question = q[12:p + 5]
    cookie = None
    arc = struct.unpack("!H", q[10:12])[0]
    o = p + 5
    if arc and q[o] == 0 and q[o + 1:o + 3] == b"\x00\x29":
        rdlen = struct.unpack("!H", q[o + 9:o + 11])[0]
        r = q[o + 11:o + 11 + rdlen]
        while len(r) >= 4:
            code, olen = struct.unpack("!HH", r[:4])
            if code == 10:
                cookie = r[4:4 + olen]
            r = r[4 + olen:]
    a = qid + b"\x85\x00" + struct.pack("!HHHH", 1, 1, 0, 1) + question
    a += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([192, 0, 2, 99])
    opt = b""
    if cookie is not None:
        cc = b"\x00" * 8 if forged else cookie[:8]
        opt = struct.pack("!HH", 10, 24) + cc + SC
    a += b"\x00" + struct.pack("!HHIH", 41, 1232, 0, len(opt)) + opt
    return a, qname, cookie
end = time.time() + 60
conns = []
while time.time() < end:
    r, _, _ = select.select([u, t] + conns, [], [], 1)
    for s in r:
        if s is u:
            q, addr = u.recvfrom(65535)
            forged = b"forged" in q.lower()
            a, name, cookie = answer(q, forged)
            log.write("udp %s %d\n" % (name.lower().hex(),
                                       len(cookie) if cookie else -1))
            log.flush()
            u.sendto(a, addr)
        elif s is t:
            c, _ = t.accept()
            conns.append(c)
        else:
            b = s.recv(65535)
            if not b:
                conns.remove(s)
                s.close()
                continue
            a, name, cookie = answer(b[2:], False)
            log.write("tcp %s\n" % name.lower().hex())
            log.flush()
            s.sendall(struct.pack("!H", len(a)) + a)
PY
ck=$!
check "resolute started (one thread, six TCP slots, 2 s window)" \
    'tap_resolute "$dir/control.sock"' ||
    sed 's/^/# /' "$dir/stderr" "$dir/resolute.log"

python3 - "$port" >"$dir/py.out" 2>&1 <<'PY'
import socket, struct, sys, time
port = int(sys.argv[1])

def query(qid, name, keepalive=False):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 1)
    for l in name.rstrip(".").split("."):
        q += bytes([len(l)]) + l.encode()
    q += b"\0" + struct.pack("!HH", 1, 1)
    opt = b""
    if keepalive:
        opt = struct.pack("!HH", 11, 0)
    q += b"\0" + struct.pack("!HHIH", 41, 1232, 0, len(opt)) + opt
    return struct.pack("!H", len(q)) + q

def conn(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s

def closed_at_once(s, wait=1.0):
    """The server closed it without our sending anything."""
    s.settimeout(wait)
    try:
        return s.recv(10) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True

def read_msg(s):
    b = b""
    while len(b) < 2:
        c = s.recv(2 - len(b))
        if not c:
            return None
        b += c
    n = struct.unpack("!H", b)[0]
    m = b""
    while len(m) < n:
        c = s.recv(n - len(m))
        if not c:
            return None
        m += c
    return m

def opt_option(m, want):
    """The data of the first EDNS option of type want in a reply (the
    OPT record is its last RR), or None."""
    i = m.rfind(b"\x00\x00\x29")
    if i < 0:
        return None
    rdlen = struct.unpack("!H", m[i + 9:i + 11])[0]
    p, end = i + 11, i + 11 + rdlen
    while p + 4 <= end:
        code, olen = struct.unpack("!HH", m[p:p + 4])
        if code == want:
            return m[p + 4:p + 4 + olen]
        p += 4 + olen
    return None

def keepalive_of(m):
    """The TIMEOUT of the edns-tcp-keepalive option of a reply, or None."""
    o = opt_option(m, 11)
    return struct.unpack("!H", o)[0] if o is not None and len(o) == 2 \
        else None

def report(ok, text):
    print(("ok" if ok else "not ok") + " " + text, flush=True)

# Access control at accept.
report(closed_at_once(conn("127.0.0.2")), "a denied address is closed at accept")
report(closed_at_once(conn("127.0.0.3")), "a refused address is closed at accept")

# Quiet server: the keepalive option says the 2 s window.
s = conn("127.0.0.10")
s.sendall(query(1, "fast.local.test", keepalive=True))
m = read_msg(s)
report(m is not None and keepalive_of(m) == 20,
       "keepalive option when quiet: 20 (2.0 s), got %r" % (m and keepalive_of(m)))
s.close()

# Half the slots per address: three of 127.0.0.4 stay, the fourth goes.
held = [conn("127.0.0.4") for _ in range(3)]
fourth = conn("127.0.0.4")
report(closed_at_once(fourth), "the fourth connection of one address is closed at accept")
other = conn("127.0.0.5")
other.sendall(query(2, "fast.local.test"))
m = read_msg(other)
report(m is not None and m[:2] == b"\x00\x02", "another address still gets a slot and an answer")

# Busy (four of six taken): a new connection's window is 200 ms, and
# the keepalive option says so.
busy = conn("127.0.0.6")
busy.sendall(query(3, "fast.local.test", keepalive=True))
m = read_msg(busy)
report(m is not None and keepalive_of(m) == 2,
       "keepalive option when busy: 2 (0.2 s), got %r" % (m and keepalive_of(m)))
t0 = time.time()
gone = closed_at_once(busy, wait=3.0)
dt = time.time() - t0
report(gone and dt < 1.0, "busy: an idle connection goes after its short window (%.2f s)" % dt)
for h in held + [other]:
    h.close()
time.sleep(0.3)

# Trickle: one byte every 400 ms of a 30-octet message: cut off at the
# end of the window, about 2 s, not after the 12 s of trickling.
s = conn("127.0.0.7")
msg = query(4, "fast.local.test")
t0 = time.time()
cut = False
for i in range(len(msg)):
    try:
        s.sendall(msg[i:i + 1])
    except (BrokenPipeError, ConnectionResetError):
        cut = True
        break
    time.sleep(0.4)
    s.setblocking(False)
    try:
        if s.recv(10) == b"":
            cut = True
            break
    except BlockingIOError:
        pass
    except ConnectionResetError:
        cut = True
        break
    s.setblocking(True)
dt = time.time() - t0
report(cut and 1.5 <= dt <= 3.5, "a trickled message is cut off after its window (%.1f s)" % dt)
s.close()

# Pipelining: the slow query first, the local one second, in one write.
s = conn("127.0.0.8")
s.sendall(query(5, "x.slow.zz") + query(6, "fast.local.test"))
first = read_msg(s)
second = read_msg(s)
report(first is not None and first[:2] == b"\x00\x06" and second is not None
       and second[:2] == b"\x00\x05",
       "pipelined: the local answer first, the slow one after (ids %r %r)"
       % (first and first[:2], second and second[:2]))
s.close()

# Starvation: four addresses each try to hold more connections than
# their share and trickle a byte every 300 ms, reconnecting when cut
# (slow-loris), for 6 s; meanwhile a well-behaved client asks 10
# queries over TCP, one connection each: every one must be answered.
import threading
stop_at = time.time() + 6

def loris(src):
    held = []
    msg = query(99, "fast.local.test")
    i = 0
    while time.time() < stop_at:
        while len(held) < 4:
            try:
                c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                c.bind((src, 0))
                c.settimeout(0.3)
                c.connect(("127.0.0.1", port))
                held.append(c)
            except OSError:
                break
        for c in list(held):
            try:
                c.sendall(msg[i % len(msg):i % len(msg) + 1])
            except OSError:
                held.remove(c)
                c.close()
        i += 1
        time.sleep(0.3)
    for c in held:
        c.close()

lt = [threading.Thread(target=loris, args=("127.0.0.%d" % k,))
      for k in (20, 21, 22, 23)]
for t in lt:
    t.start()
time.sleep(1.0)
good, worst = 0, 0.0
for k in range(10):
    t0 = time.time()
    try:
        s = conn("127.0.0.30")
        s.sendall(query(100 + k, "fast.local.test"))
        m = read_msg(s)
        if m is not None and m[:2] == struct.pack("!H", 100 + k):
            good += 1
        s.close()
    except OSError:
        pass
    worst = max(worst, time.time() - t0)
for t in lt:
    t.join()
report(good == 10, "slow-loris from four addresses: a well-behaved TCP client "
       "gets all 10 answers (%d, slowest %.2f s)" % (good, worst))

# DNS Cookies over UDP.
def udp_ask(src, pkt, wait=2.0):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((src, 0))
    u.settimeout(wait)
    u.sendto(pkt, ("127.0.0.1", port))
    try:
        return u.recv(65535)
    except socket.timeout:
        return None
    finally:
        u.close()

def cq(qid, cookie=None, raw_opt=None):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 1)
    q += b"\x04fast\x05local\x04test\x00" + struct.pack("!HH", 1, 1)
    opt = b""
    if cookie is not None:
        opt = struct.pack("!HH", 10, len(cookie)) + cookie
    if raw_opt is not None:
        opt = raw_opt
    return q + b"\0" + struct.pack("!HHIH", 41, 1232, 0, len(opt)) + opt

def rcode_of(m):
    rc = m[3] & 0xf
    i = m.rfind(b"\x00\x00\x29")
    if i >= 0:
        rc |= m[i + 5] << 4
    return rc

def cookie_of(m):
    return opt_option(m, 10)

cc = b"\x11" * 8
m = udp_ask("127.0.0.12", cq(21, cc))
c1 = m and cookie_of(m)
report(m is not None and rcode_of(m) == 0 and c1 is not None and len(c1) == 24
       and c1[:8] == cc and c1[8] == 1,
       "a client cookie alone gets a 16-octet server cookie, version 1")
m = udp_ask("127.0.0.12", cq(22, c1))
report(m is not None and cookie_of(m) == c1,
       "the server cookie sent again is valid and echoed as it is")
bad = cc + b"\x01\x00\x00\x00" + b"\x22" * 12
m = udp_ask("127.0.0.12", cq(23, bad))
c3 = m and cookie_of(m)
report(m is not None and rcode_of(m) == 0 and c3 is not None and c3 != bad
       and c3[:8] == cc, "a wrong server cookie: a normal answer and a fresh one")
m = udp_ask("127.0.0.12", cq(24, raw_opt=struct.pack("!HH", 10, 5) + b"x" * 5))
report(m is not None and rcode_of(m) == 1, "a malformed COOKIE option is FORMERR")
m = udp_ask("127.0.0.11", cq(25))
report(m is not None and rcode_of(m) == 5, "allow_cookie over UDP without a cookie: REFUSED")
m = udp_ask("127.0.0.11", cq(26, cc))
c5 = m and cookie_of(m)
report(m is not None and rcode_of(m) == 23 and c5 is not None and len(c5) == 24,
       "allow_cookie with a client cookie alone: BADCOOKIE and a server cookie")
m = udp_ask("127.0.0.11", cq(27, c5))
report(m is not None and rcode_of(m) == 0 and m[7] == 1,
       "... with that server cookie: answered")
s = conn("127.0.0.11")
s.sendall(query(28, "fast.local.test"))
m = read_msg(s)
report(m is not None and rcode_of(m) == 0, "allow_cookie over TCP: no cookie needed")
s.close()
PY
while read -r status text; do
    if [ "$status" = ok ]; then ok "$text"; else notok "${text#ok }"; fi
done < <(grep -E '^(ok|not ok) ' "$dir/py.out" | sed 's/^not ok /notok /')
grep -vE '^(ok|not ok) ' "$dir/py.out" | sed 's/^/# /'

# Cookies towards a server.
D="dig +time=5 +tries=1 -p $port @127.0.0.1"
a1=$($D +short one.ck.zz A)
a2=$($D +short two.ck.zz A)
first=$(awk '$2 == "036f6e6502636b027a7a" { print $3 }' "$dir/ck.log" | head -n 1)
second=$(awk '$2 == "0374776f02636b027a7a" { print $3 }' "$dir/ck.log" | head -n 1)
check "the first query to a server carries a client cookie alone (8 octets: $first)" \
    '[ "$a1" = 192.0.2.99 ] && [ "$first" = 8 ]' || sed 's/^/# /' "$dir/ck.log"
check "the next one carries the server cookie it gave (24 octets: $second)" \
    '[ "$a2" = 192.0.2.99 ] && [ "$second" = 24 ]'
a3=$($D +short forged.ck.zz A)
check "a UDP reply with another client cookie: asked again over TCP, answered" \
    '[ "$a3" = 192.0.2.99 ] && grep -q "^tcp 06666f72676564" "$dir/ck.log"' ||
    sed 's/^/# /' "$dir/ck.log"

st=$("$CONTROL" -c "$dir/resolute.conf" stats_noreset 2>&1)
check "counted: num.query.outgoing.cookie_mismatch 1" \
    'echo "$st" | grep -q "^num.query.outgoing.cookie_mismatch=1$"' ||
    echo "$st" | grep "cookie" | sed 's/^/# /'
tcpn() { echo "$st" | sed -n "s/^num.tcp.$1=//p"; }
check "counters: num.tcp.acl_closed 2, limit_closed >= 1, timeout_closed >= 2 ($(tcpn acl_closed) $(tcpn limit_closed) $(tcpn timeout_closed))" \
    '[ "$(tcpn acl_closed)" = 2 ] && [ "$(tcpn limit_closed)" -ge 1 ] &&
    [ "$(tcpn timeout_closed)" -ge 2 ]' ||
    echo "$st" | grep "^num.tcp" | sed 's/^/# /'
check "counters: num.query.cookie.valid 2, cookie.bad 2" \
    'echo "$st" | grep -q "^num.query.cookie.valid=2$" &&
    echo "$st" | grep -q "^num.query.cookie.bad=2$"' ||
    echo "$st" | grep "^num.query.cookie" | sed 's/^/# /'

"$CONTROL" -c "$dir/resolute.conf" stop >/dev/null 2>&1
wait "$pid" 2>/dev/null
pid=
check "no sanitizer report" '! grep -q "Sanitizer" "$dir/stderr"' ||
    sed 's/^/# /' "$dir/stderr" | head -n 20
tap_end
