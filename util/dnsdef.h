/*
 * util/dnsdef.h - the DNS vocabulary: every protocol constant resolute
 * uses, defined once, and the wire read/write helpers.
 *
 * RR types and classes (IANA "Domain Name System (DNS) Parameters"),
 * header flags, opcodes and rcodes (RFC 1035 section 4.1.1, RFC 6891,
 * RFC 7873), EDNS option codes and flags (RFC 6891, RFC 3225), Extended
 * DNS Error info codes with their RFC 8914 names, and DNSKEY flags
 * (RFC 4034 section 2.1.1, RFC 5011 section 3).  A constant defined
 * anywhere else is a copy waiting for a renumbering: include this header
 * instead.  The RR type table of util/rrtype.h (mnemonics and RDATA
 * layouts) is built on the codes here.
 *
 * The wire helpers read and write big-endian (network order) integers at
 * an octet pointer, with no alignment needed; the caller checks bounds.
 */
#ifndef UTIL_DNSDEF_H
#define UTIL_DNSDEF_H
#include <stdint.h>

/** RR types and meta types (IANA registry). */
enum rr_type {
	RR_TYPE_A = 1,
	RR_TYPE_NS = 2,
	RR_TYPE_MD = 3,
	RR_TYPE_MF = 4,
	RR_TYPE_CNAME = 5,
	RR_TYPE_SOA = 6,
	RR_TYPE_MB = 7,
	RR_TYPE_MG = 8,
	RR_TYPE_MR = 9,
	RR_TYPE_NULL = 10,
	RR_TYPE_PTR = 12,
	RR_TYPE_HINFO = 13,
	RR_TYPE_MINFO = 14,
	RR_TYPE_MX = 15,
	RR_TYPE_TXT = 16,
	RR_TYPE_RP = 17,
	RR_TYPE_AFSDB = 18,
	RR_TYPE_RT = 21,
	RR_TYPE_SIG = 24,
	RR_TYPE_KEY = 25,
	RR_TYPE_PX = 26,
	RR_TYPE_AAAA = 28,
	RR_TYPE_LOC = 29,
	/** Obsolete (RFC 3755); its RDATA has names in canonical form. */
	RR_TYPE_NXT = 30,
	RR_TYPE_SRV = 33,
	RR_TYPE_NAPTR = 35,
	RR_TYPE_KX = 36,
	RR_TYPE_CERT = 37,
	RR_TYPE_DNAME = 39,
	RR_TYPE_OPT = 41,
	RR_TYPE_DS = 43,
	RR_TYPE_SSHFP = 44,
	RR_TYPE_RRSIG = 46,
	RR_TYPE_NSEC = 47,
	RR_TYPE_DNSKEY = 48,
	RR_TYPE_DHCID = 49,
	RR_TYPE_NSEC3 = 50,
	RR_TYPE_NSEC3PARAM = 51,
	RR_TYPE_TLSA = 52,
	RR_TYPE_SMIMEA = 53,
	RR_TYPE_CDS = 59,
	RR_TYPE_CDNSKEY = 60,
	RR_TYPE_OPENPGPKEY = 61,
	RR_TYPE_CSYNC = 62,
	RR_TYPE_ZONEMD = 63,
	RR_TYPE_SVCB = 64,
	RR_TYPE_HTTPS = 65,
	RR_TYPE_SPF = 99,
	RR_TYPE_TKEY = 249,
	RR_TYPE_TSIG = 250,
	RR_TYPE_IXFR = 251,
	RR_TYPE_AXFR = 252,
	RR_TYPE_MAILB = 253,
	RR_TYPE_MAILA = 254,
	RR_TYPE_ANY = 255,
	RR_TYPE_URI = 256,
	RR_TYPE_CAA = 257,
	RR_TYPE_DLV = 32769
};

/** Classes (RFC 1035 section 3.2.4, RFC 2136 for NONE). */
enum rr_class {
	RR_CLASS_IN = 1,
	RR_CLASS_CH = 3,
	RR_CLASS_HS = 4,
	RR_CLASS_NONE = 254,
	RR_CLASS_ANY = 255
};

/** Header flag bits, in the 16-bit word after the ID (RFC 1035 4.1.1,
 * RFC 4035 section 3.2 for AD and CD). */
#define MSG_FLAG_QR 0x8000
#define MSG_FLAG_AA 0x0400
#define MSG_FLAG_TC 0x0200
#define MSG_FLAG_RD 0x0100
#define MSG_FLAG_RA 0x0080
#define MSG_FLAG_Z 0x0040
#define MSG_FLAG_AD 0x0020
#define MSG_FLAG_CD 0x0010
/** Opcode field of the flags word. */
#define MSG_OPCODE(flags) (((flags) >> 11) & 0xf)
/** The flags word for an opcode. */
#define MSG_OPCODE_FLAGS(op) ((uint16_t)(((op) & 0xf) << 11))

/** Opcodes (RFC 1035, RFC 1996, RFC 2136). */
#define MSG_OPCODE_QUERY 0
#define MSG_OPCODE_NOTIFY 4
#define MSG_OPCODE_UPDATE 5

/** Rcodes; above 15 they need EDNS (RFC 6891 section 6.1.3). */
#define MSG_RCODE_NOERROR 0
#define MSG_RCODE_FORMERR 1
#define MSG_RCODE_SERVFAIL 2
#define MSG_RCODE_NXDOMAIN 3
#define MSG_RCODE_NOTIMP 4
#define MSG_RCODE_REFUSED 5
#define MSG_RCODE_BADVERS 16
#define MSG_RCODE_BADCOOKIE 23

/** EDNS option codes (IANA registry). */
#define EDNS_OPT_ECS 8		/**< client subnet, RFC 7871 */
#define EDNS_OPT_COOKIE 10	/**< RFC 7873 */
#define EDNS_OPT_KEEPALIVE 11	/**< RFC 7828 */
#define EDNS_OPT_PADDING 12	/**< RFC 7830 */
#define EDNS_OPT_EDE 15		/**< extended DNS error, RFC 8914 */
/** The DO bit in the flags of the OPT TTL (RFC 3225). */
#define EDNS_FLAG_DO 0x8000

/**
 * Extended DNS Error info codes (RFC 8914 section 4, and the later
 * entries of the IANA registry).  ede_name() gives the registered name.
 */
enum ede_code {
	EDE_OTHER = 0,
	EDE_UNSUPPORTED_DNSKEY_ALG = 1,
	EDE_UNSUPPORTED_DS_DIGEST = 2,
	EDE_STALE_ANSWER = 3,
	EDE_FORGED_ANSWER = 4,
	EDE_DNSSEC_INDETERMINATE = 5,
	EDE_DNSSEC_BOGUS = 6,
	EDE_SIG_EXPIRED = 7,
	EDE_SIG_NOT_YET = 8,
	EDE_DNSKEY_MISSING = 9,
	EDE_RRSIGS_MISSING = 10,
	EDE_NO_ZONE_KEY_BIT = 11,
	EDE_NSEC_MISSING = 12,
	EDE_CACHED_ERROR = 13,
	EDE_NOT_READY = 14,
	EDE_BLOCKED = 15,
	EDE_CENSORED = 16,
	EDE_FILTERED = 17,
	EDE_PROHIBITED = 18,
	EDE_STALE_NXDOMAIN = 19,
	EDE_NOT_AUTHORITATIVE = 20,
	EDE_NOT_SUPPORTED = 21,
	EDE_NO_REACHABLE_AUTHORITY = 22,
	EDE_NETWORK_ERROR = 23,
	EDE_INVALID_DATA = 24,
	EDE_SIG_EXPIRED_BEFORE_VALID = 25,
	EDE_TOO_EARLY = 26,
	EDE_NSEC3_ITERATIONS = 27,
	EDE_NONCONFORMING_POLICY = 28,
	EDE_SYNTHESIZED = 29,
	EDE_INVALID_QTYPE = 30
};

/**
 * The registered name of an EDE info code ("DNSSEC Bogus").
 * @param code: the info code.
 * @return a static string; "Unassigned" for codes not in the registry.
 */
static inline const char *
ede_name(int code)
{
	static const char *const names[] = {
		"Other Error", "Unsupported DNSKEY Algorithm",
		"Unsupported DS Digest Type", "Stale Answer",
		"Forged Answer", "DNSSEC Indeterminate", "DNSSEC Bogus",
		"Signature Expired", "Signature Not Yet Valid",
		"DNSKEY Missing", "RRSIGs Missing", "No Zone Key Bit Set",
		"NSEC Missing", "Cached Error", "Not Ready", "Blocked",
		"Censored", "Filtered", "Prohibited",
		"Stale NXDomain Answer", "Not Authoritative",
		"Not Supported", "No Reachable Authority", "Network Error",
		"Invalid Data", "Signature Expired before Valid",
		"Too Early", "Unsupported NSEC3 Iterations Value",
		"Unable to conform to policy", "Synthesized",
		"Invalid Query Type"
	};

	if (code < 0 || code >= (int)(sizeof(names) / sizeof(names[0]))) {
		return "Unassigned";
	}
	return names[code];
}

/** DNSKEY flags (RFC 4034 section 2.1.1, RFC 5011 section 3). */
#define DNSKEY_FLAG_ZONE 0x0100
#define DNSKEY_FLAG_REVOKE 0x0080
#define DNSKEY_FLAG_SEP 0x0001
/** The only DNSKEY protocol value (RFC 4034 section 2.1.2). */
#define DNSKEY_PROTOCOL 3

/** Read a 16-bit network-order value. */
static inline uint16_t
wire_get16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

/** Read a 32-bit network-order value. */
static inline uint32_t
wire_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/** Write a 16-bit value in network order. */
static inline void
wire_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/** Write a 32-bit value in network order. */
static inline void
wire_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif /* UTIL_DNSDEF_H */
