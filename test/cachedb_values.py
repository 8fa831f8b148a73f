#!/usr/bin/env python3
# test/cachedb_values.py - read and damage the shared cache's values in a
# Redis, for test/cachedb.sh.  Speaks RESP over TCP itself (stdlib only).
#
#   cachedb_values.py PORT count
#       the number of resolute values (keys "rs1:...")
#   cachedb_values.py PORT corrupt
#       damages every value in turn three ways: garbage, truncated, another
#       version; prints how many of each
#   cachedb_values.py PORT tamper NAME TYPE
#       in the value answering NAME TYPE (the value format of
#       cache/cachedb.h), changes the last octet of the first answer RR's
#       RDATA and marks the value "secure"; prints the key, or exits 1
#   cachedb_values.py PORT status NAME TYPE
#       prints the status octet and the answer's first RDATA (hex) of the
#       value answering NAME TYPE, or exits 1
#   cachedb_values.py PORT key NAME TYPE
#       prints the key of the value answering NAME TYPE, or exits 1
#   cachedb_values.py PORT keys
#       prints every key, one a line
# PORT may be a comma-separated list (the masters of a Redis Cluster):
# each is scanned, and a key is read and written on the node that has it.
import socket
import struct
import sys

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16,
         "AAAA": 28, "SRV": 33, "DS": 43, "DNSKEY": 48}


class Redis:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.f = self.s.makefile("rb")

    def cmd(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            if isinstance(a, str):
                a = a.encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)
        return self.read()

    def read(self):
        line = self.f.readline().rstrip(b"\r\n")
        t, rest = line[:1], line[1:]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            raise RuntimeError(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.f.read(n + 2)
            return data[:n]
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RuntimeError("bad reply %r" % line)

    def keys(self):
        cur, out = "0", []
        while True:
            cur, batch = self.cmd("SCAN", cur, "MATCH", "rs1:*", "COUNT",
                                  "1000")
            cur = cur.decode()
            out.extend(batch)
            if cur == "0":
                return out


def name_from_wire(msg, off):
    labels = []
    while True:
        n = msg[off]
        if n & 0xC0 == 0xC0:
            ptr = struct.unpack("!H", msg[off:off + 2])[0] & 0x3FFF
            rest, _ = name_from_wire(msg, ptr)
            return ".".join(labels + ([rest] if rest else [])), off + 2
        off += 1
        if n == 0:
            return ".".join(labels), off
        labels.append(msg[off:off + n].decode("ascii", "replace").lower())
        off += n


def parse(val):
    """(status, nrrsets, message offset, message) of a value, or None."""
    if len(val) < 22 or val[:2] != b"RS" or val[2] != 1:
        return None
    n = struct.unpack("!H", val[16:18])[0]
    moff = 18 + n + 4
    return val[3], n, moff, val[moff:]


def question(msg):
    name, off = name_from_wire(msg, 12)
    qtype = struct.unpack("!H", msg[off:off + 2])[0]
    return name, qtype, off + 4


def first_answer_rdata(msg, off):
    """Offset and length of the first answer RR's RDATA."""
    ancount = struct.unpack("!H", msg[6:8])[0]
    if ancount == 0:
        return None
    _, off = name_from_wire(msg, off)
    rdlen = struct.unpack("!H", msg[off + 8:off + 10])[0]
    return off + 10, rdlen


class Nodes:
    """Several servers seen as one: each key on the node that has it."""
    def __init__(self, ports):
        self.nodes = [Redis(p) for p in ports]
        self.where = {}

    def keys(self):
        out = []
        for n in self.nodes:
            for k in n.keys():
                self.where[k] = n
                out.append(k)
        return out

    def cmd(self, *args):
        return self.where[args[1]].cmd(*args)


def find(r, name, qtype):
    want = name.lower().rstrip(".")
    for k in r.keys():
        v = r.cmd("GET", k)
        p = v and parse(v)
        if not p:
            continue
        qn, qt, _ = question(p[3])
        if qn == want and qt == qtype:
            return k, v
    return None, None


def main():
    what = sys.argv[2]
    r = Nodes([int(p) for p in sys.argv[1].split(",")])
    if what == "count":
        print(len(r.keys()))
    elif what == "keys":
        for k in r.keys():
            print(k.decode())
    elif what == "key":
        k, v = find(r, sys.argv[3], TYPES[sys.argv[4]])
        if k is None:
            sys.exit(1)
        print(k.decode())
    elif what == "corrupt":
        made = [0, 0, 0]
        for i, k in enumerate(r.keys()):
            v = r.cmd("GET", k)
            if v is None:
                continue
            if i % 3 == 0:
                nv = b"this is not a value of resolute \x00\xff" * 3
            elif i % 3 == 1:
                nv = v[:len(v) // 2]
            else:
                nv = v[:2] + b"\x02" + v[3:]
            r.cmd("SET", k, nv)
            made[i % 3] += 1
        print("garbage %d truncated %d version %d" % tuple(made))
    elif what in ("tamper", "status"):
        k, v = find(r, sys.argv[3], TYPES[sys.argv[4]])
        if k is None:
            sys.exit(1)
        status, n, moff, msg = parse(v)
        _, _, qend = question(msg)
        rd = first_answer_rdata(msg, qend)
        if rd is None:
            sys.exit(1)
        if what == "status":
            print(status, msg[rd[0]:rd[0] + rd[1]].hex())
            return
        pos = moff + rd[0] + rd[1] - 1
        nv = bytearray(v)
        nv[3] = 1
        nv[pos] ^= 0x01
        r.cmd("SET", k, bytes(nv))
        print(k.decode())


if __name__ == "__main__":
    main()
