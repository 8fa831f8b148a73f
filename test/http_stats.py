#!/usr/bin/env python3
"""test/http_stats.py - helpers of test/http_stats.sh.

    http_stats.py queries PORT FILE SECONDS
        Send every "name<TAB>type" line of FILE to 127.0.0.1 PORT over
        UDP, 8 in flight, for at most SECONDS; print "sent answered".
    http_stats.py get URL [SOURCE]
        GET URL (from the local address SOURCE); print the status line
        and the body (no TLS check: the test checks TLS apart).
    http_stats.py raw PORT TEXT
        Send TEXT (with \\r\\n escapes) on a TCP connection, print the
        first line of the answer or "closed".
    http_stats.py idle PORT N SECONDS
        Hold N idle TCP connections for SECONDS (background use).
    http_stats.py json-get FILE PATH
        Print the value at a /-separated PATH of a JSON file (sum of a
        list; "missing" when absent).
    http_stats.py png FILE COLOR
        Print "WIDTH HEIGHT COLORS MATCHING": the size of a PNG
        screenshot, the number of distinct colours, and the number of
        pixels within a small distance of COLOR (#rrggbb).
"""
import json
import random
import select
import socket
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib


def dns_query(name, qtype, qid):
    types = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15,
             "TXT": 16, "AAAA": 28, "SRV": 33, "DS": 43, "DNSKEY": 48,
             "CAA": 257}
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        if label:
            q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack(">HH", types.get(qtype, 1), 1)
    return q


def queries(port, path, seconds):
    qs = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            p = line.rstrip("\n").split("\t")
            qs.append((p[0], p[1] if len(p) > 1 else "A"))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    pending = {}
    sent = answered = 0
    deadline = time.time() + seconds
    i = 0
    while (i < len(qs) or pending) and time.time() < deadline:
        while i < len(qs) and len(pending) < 8:
            qid = random.randrange(65536)
            while qid in pending:
                qid = random.randrange(65536)
            s.sendto(dns_query(qs[i][0], qs[i][1], qid), ("127.0.0.1", port))
            pending[qid] = time.time()
            sent += 1
            i += 1
        r, _, _ = select.select([s], [], [], 0.2)
        if r:
            try:
                data = s.recv(65535)
            except OSError:
                continue
            qid = struct.unpack(">H", data[:2])[0]
            if pending.pop(qid, None) is not None:
                answered += 1
        now = time.time()
        for qid in [k for k, t in pending.items() if now - t > 3]:
            del pending[qid]
    print(sent, answered)


def get(url, source=None):
    if source:
        import http.client
        u = urllib.parse.urlsplit(url)
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=10,
                                       source_address=(source, 0))
        c.request("GET", u.path or "/")
        r = c.getresponse()
        print(r.status, r.getheader("Content-Type"))
        sys.stdout.write(r.read().decode("utf-8", "replace"))
        return
    try:
        r = urllib.request.urlopen(url, timeout=10)
        print(r.status, r.headers.get("Content-Type"))
        sys.stdout.write(r.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as e:
        print(e.code, e.headers.get("Content-Type"))


def raw(port, text):
    data = text.encode().decode("unicode_escape").encode("latin-1")
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        s.sendall(data)
        got = s.recv(4096)
    except OSError:
        got = b""
    s.close()
    print(got.split(b"\r\n")[0].decode("latin-1") if got else "closed")


def idle(port, n, seconds):
    conns = [socket.create_connection(("127.0.0.1", port), timeout=5)
             for _ in range(n)]
    time.sleep(seconds)
    for c in conns:
        c.close()


def json_get(path, key):
    with open(path) as f:
        v = json.load(f)
    for k in key.split("/"):
        if isinstance(v, dict) and k in v:
            v = v[k]
        elif isinstance(v, list) and k.isdigit() and int(k) < len(v):
            v = v[int(k)]
        else:
            print("missing")
            return
    if isinstance(v, list):
        v = sum(v)
    print(v)


def png(path, color):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        ln, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + ln]
        if typ == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat += body
        pos += 12 + ln
    assert depth == 8 and ctype in (2, 6) and interlace == 0, "PNG format"
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    want = tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))
    colors, match, off = set(), 0, 0
    for y in range(h):
        ft = raw[off]
        line = bytearray(raw[off + 1:off + 1 + stride])
        off += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ft == 1:
                line[x] = (line[x] + a) & 255
            elif ft == 2:
                line[x] = (line[x] + b) & 255
            elif ft == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        prev = line
        for x in range(0, stride, bpp):
            px = (line[x], line[x + 1], line[x + 2])
            colors.add(px)
            if sum(abs(px[i] - want[i]) for i in range(3)) <= 24:
                match += 1
    print(w, h, len(colors), match)


def main():
    cmd = sys.argv[1]
    if cmd == "queries":
        queries(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
    elif cmd == "get":
        get(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    elif cmd == "raw":
        raw(int(sys.argv[2]), sys.argv[3])
    elif cmd == "idle":
        idle(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
    elif cmd == "json-get":
        json_get(sys.argv[2], sys.argv[3])
    elif cmd == "png":
        png(sys.argv[2], sys.argv[3])
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
