#!/usr/bin/env python3
# test/cachedb_load.py - a bounded query load that measures each answer's
# time, for test/cachedb.sh: one query at a time (so the longest wait is
# the longest answer time), names of a list (NAME TYPE per line, '#'
# lines skipped) and, every EVERY-th query, a random name below ZONE that
# nobody asked before (a local cache miss each time; few enough that the
# zone's servers do not rate-limit them).  Stops after SECONDS or COUNT
# queries, whichever comes first.
#
#   cachedb_load.py PORT NAMES ZONE SECONDS COUNT EVERY
#
# Prints: "sent N answered N max_ms X p99_ms Y hit_max_ms H miss_max_ms
# M": the longest answer time over all queries, over the names of the
# list (local cache hits: a worker that stalls shows here) and over the
# new names (local misses: Redis and recursion); a query unanswered
# after 3 s counts as not answered.
import random
import socket
import struct
import sys
import time

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16,
         "AAAA": 28, "SRV": 33, "DS": 43, "DNSKEY": 48, "RRSIG": 46,
         "NSEC": 47, "PTR": 12, "ANY": 255}


def query(name, qtype, qid):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 1)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\x00" + struct.pack("!HH", qtype, 1)
    # EDNS0 with DO.
    q += b"\x00" + struct.pack("!HHIH", 41, 1232, 0x8000, 0)
    return q


def main():
    port, names, zone = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    seconds, count = float(sys.argv[4]), int(sys.argv[5])
    every = int(sys.argv[6])
    pairs = []
    with open(names) as f:
        for line in f:
            w = line.split()
            if len(w) >= 2 and not w[0].startswith("#") and w[1] in TYPES:
                pairs.append((w[0], TYPES[w[1]]))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3.0)
    rnd = random.Random()
    end = time.monotonic() + seconds
    sent = answered = 0
    times = []
    worst = {True: 0.0, False: 0.0}
    while sent < count and time.monotonic() < end:
        listed = sent % every != every - 1 and bool(pairs)
        if listed:
            name, qtype = pairs[sent % len(pairs)]
        else:
            name, qtype = "load%08x.%s" % (rnd.getrandbits(32), zone), 1
        qid = rnd.getrandbits(16)
        t0 = time.monotonic()
        s.sendto(query(name, qtype, qid), ("127.0.0.1", port))
        sent += 1
        while True:
            try:
                data = s.recv(65535)
            except socket.timeout:
                break
            if len(data) >= 2 and struct.unpack("!H", data[:2])[0] == qid:
                answered += 1
                times.append((time.monotonic() - t0) * 1000)
                worst[listed] = max(worst[listed], times[-1])
                break
    times.sort()
    p99 = times[int(len(times) * 0.99) - 1] if times else 0
    print("sent %d answered %d max_ms %d p99_ms %d hit_max_ms %d "
          "miss_max_ms %d" % (sent, answered, int(times[-1]) if times else 0,
                              int(p99), int(worst[True]), int(worst[False])))


if __name__ == "__main__":
    main()
