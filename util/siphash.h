/*
 * util/siphash.h - SipHash-2-4, the keyed hash of Aumasson and Bernstein
 * ("SipHash: a fast short-input PRF", 2012): 2 compression rounds per
 * 8-octet block, 4 finalization rounds, a 128-bit key, a 64-bit output.
 * Used for DNS Cookies (RFC 7873, RFC 9018), towards clients and
 * towards servers.
 */
#ifndef UTIL_SIPHASH_H
#define UTIL_SIPHASH_H
#include <stddef.h>
#include <stdint.h>

/**
 * SipHash-2-4 of in.
 * @param key: 16 octets (two little-endian 64-bit words).
 * @param in, len: the message.
 * @return the hash; as octets it is written little-endian.
 */
uint64_t siphash24(const uint8_t *key, const uint8_t *in, size_t len);

#endif /* UTIL_SIPHASH_H */
