/*
 * util/rrtype.c - the RR type and class table.
 *
 * The table below is the one description of every known type.  It is
 * sorted by type code so rrtype_lookup() is a binary search; a unit test
 * checks the order.  Mnemonic lookups are linear and case-insensitive;
 * they happen when reading text (configuration, zone data), never on the
 * packet path.
 */
#include "config.h"
#include "util/rrtype.h"
#include "util/error.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Short names for the layouts below. */
#define NC	RDF_NAME_C
#define ND	RDF_NAME_D
#define NN	RDF_NAME
#define CMP	RRTYPE_F_COMPRESS
#define SEC	RRTYPE_F_DNSSEC
#define META	RRTYPE_F_META
#define ALG	RDF_ALG

/** The table, sorted by type code. */
static const struct rrtype_info rrtypes[] = {
	/* RFC 1035 section 3.3 and 3.4. */
	{ RR_TYPE_A, "A", 0, { RDF_A } },
	{ RR_TYPE_NS, "NS", CMP, { NC } },
	{ RR_TYPE_MD, "MD", CMP, { NC } },
	{ RR_TYPE_MF, "MF", CMP, { NC } },
	{ RR_TYPE_CNAME, "CNAME", CMP, { NC } },
	{ RR_TYPE_SOA, "SOA", CMP, { NC, NC, RDF_U32, RDF_PERIOD, RDF_PERIOD,
	    RDF_PERIOD, RDF_PERIOD } },
	{ RR_TYPE_MB, "MB", CMP, { NC } },
	{ RR_TYPE_MG, "MG", CMP, { NC } },
	{ RR_TYPE_MR, "MR", CMP, { NC } },
	{ RR_TYPE_NULL, "NULL", RRTYPE_F_GENERIC, { RDF_END } },
	{ RR_TYPE_PTR, "PTR", CMP, { NC } },
	{ RR_TYPE_HINFO, "HINFO", 0, { RDF_STR, RDF_STR } },
	{ RR_TYPE_MINFO, "MINFO", CMP, { NC, NC } },
	{ RR_TYPE_MX, "MX", CMP, { RDF_U16, NC } },
	{ RR_TYPE_TXT, "TXT", 0, { RDF_STRS } },
	/* RFC 1183. */
	{ RR_TYPE_RP, "RP", 0, { ND, ND } },
	{ RR_TYPE_AFSDB, "AFSDB", 0, { RDF_U16, ND } },
	{ RR_TYPE_RT, "RT", 0, { RDF_U16, ND } },
	/* RFC 2535 (obsolete, kept for parsing old data). */
	{ RR_TYPE_SIG, "SIG", SEC, { RDF_TYPE, ALG, RDF_U8, RDF_U32,
	    RDF_TIME, RDF_TIME, RDF_U16, ND, RDF_B64 } },
	{ RR_TYPE_KEY, "KEY", SEC, { RDF_U16, RDF_U8, ALG, RDF_B64 } },
	/* RFC 2163. */
	{ RR_TYPE_PX, "PX", 0, { RDF_U16, ND, ND } },
	/* RFC 3596. */
	{ RR_TYPE_AAAA, "AAAA", 0, { RDF_AAAA } },
	/* RFC 1876: checked as fixed fields, shown in the generic form. */
	{ RR_TYPE_LOC, "LOC", RRTYPE_F_GENERIC, { RDF_U8, RDF_U8, RDF_U8,
	    RDF_U8, RDF_U32, RDF_U32, RDF_U32 } },
	/* RFC 2782. */
	{ RR_TYPE_SRV, "SRV", 0, { RDF_U16, RDF_U16, RDF_U16, ND } },
	/* RFC 3403. */
	{ RR_TYPE_NAPTR, "NAPTR", 0, { RDF_U16, RDF_U16, RDF_STR, RDF_STR,
	    RDF_STR, ND } },
	/* RFC 2230. */
	{ RR_TYPE_KX, "KX", 0, { RDF_U16, NN } },
	/* RFC 4398. */
	{ RR_TYPE_CERT, "CERT", 0, { RDF_CERTTYPE, RDF_U16, ALG, RDF_B64 } },
	/* RFC 6672. */
	{ RR_TYPE_DNAME, "DNAME", 0, { NN } },
	/* RFC 6891: options are parsed by the message code. */
	{ RR_TYPE_OPT, "OPT", META, { RDF_END } },
	/* RFC 4034 and RFC 4255. */
	{ RR_TYPE_DS, "DS", SEC, { RDF_U16, ALG, RDF_U8, RDF_HEX } },
	{ RR_TYPE_SSHFP, "SSHFP", 0, { RDF_U8, RDF_U8, RDF_HEX } },
	{ RR_TYPE_RRSIG, "RRSIG", SEC, { RDF_TYPE, ALG, RDF_U8, RDF_U32,
	    RDF_TIME, RDF_TIME, RDF_U16, NN, RDF_B64 } },
	{ RR_TYPE_NSEC, "NSEC", SEC, { NN, RDF_BITMAP } },
	{ RR_TYPE_DNSKEY, "DNSKEY", SEC, { RDF_U16, RDF_U8, ALG,
	    RDF_B64 } },
	/* RFC 4701. */
	{ RR_TYPE_DHCID, "DHCID", 0, { RDF_B64 } },
	/* RFC 5155. */
	{ RR_TYPE_NSEC3, "NSEC3", SEC, { RDF_U8, RDF_U8, RDF_U16, RDF_HEX_L8,
	    RDF_B32_L8, RDF_BITMAP } },
	{ RR_TYPE_NSEC3PARAM, "NSEC3PARAM", SEC, { RDF_U8, RDF_U8, RDF_U16,
	    RDF_HEX_L8 } },
	/* RFC 6698, RFC 8162. */
	{ RR_TYPE_TLSA, "TLSA", 0, { RDF_U8, RDF_U8, RDF_U8, RDF_HEX } },
	{ RR_TYPE_SMIMEA, "SMIMEA", 0, { RDF_U8, RDF_U8, RDF_U8, RDF_HEX } },
	/* RFC 7344. */
	{ RR_TYPE_CDS, "CDS", SEC, { RDF_U16, ALG, RDF_U8, RDF_HEX } },
	{ RR_TYPE_CDNSKEY, "CDNSKEY", SEC, { RDF_U16, RDF_U8, ALG,
	    RDF_B64 } },
	/* RFC 7929. */
	{ RR_TYPE_OPENPGPKEY, "OPENPGPKEY", 0, { RDF_B64 } },
	/* RFC 7477. */
	{ RR_TYPE_CSYNC, "CSYNC", 0, { RDF_U32, RDF_U16, RDF_BITMAP } },
	/* RFC 8976. */
	{ RR_TYPE_ZONEMD, "ZONEMD", 0, { RDF_U32, RDF_U8, RDF_U8, RDF_HEX } },
	/* RFC 9460. */
	{ RR_TYPE_SVCB, "SVCB", 0, { RDF_U16, NN, RDF_SVCPARAMS } },
	{ RR_TYPE_HTTPS, "HTTPS", 0, { RDF_U16, NN, RDF_SVCPARAMS } },
	/* RFC 7208. */
	{ RR_TYPE_SPF, "SPF", 0, { RDF_STRS } },
	/* Meta and question-only types (RFC 2930, 8945, 1995, 5936, 1035). */
	{ RR_TYPE_TKEY, "TKEY", META, { RDF_END } },
	{ RR_TYPE_TSIG, "TSIG", META, { RDF_END } },
	{ RR_TYPE_IXFR, "IXFR", META, { RDF_END } },
	{ RR_TYPE_AXFR, "AXFR", META, { RDF_END } },
	{ RR_TYPE_MAILB, "MAILB", META, { RDF_END } },
	{ RR_TYPE_MAILA, "MAILA", META, { RDF_END } },
	{ RR_TYPE_ANY, "ANY", META, { RDF_END } },
	/* RFC 7553, RFC 8659. */
	{ RR_TYPE_URI, "URI", 0, { RDF_U16, RDF_U16, RDF_LONGSTR } },
	{ RR_TYPE_CAA, "CAA", 0, { RDF_U8, RDF_TAG, RDF_LONGSTR } },
	/* RFC 4431 (historic, RFC 8749): laid out as DS. */
	{ RR_TYPE_DLV, "DLV", SEC, { RDF_U16, ALG, RDF_U8, RDF_HEX } }
};

#define NTYPES (sizeof(rrtypes) / sizeof(rrtypes[0]))

/** Class mnemonics (RFC 1035 section 3.2.4, RFC 2136 section 1.3). */
static const struct {
	/** code */
	uint16_t cls;
	/** mnemonic */
	const char *name;
} rrclasses[] = {
	{ RR_CLASS_IN, "IN" }, { RR_CLASS_CH, "CH" }, { RR_CLASS_HS, "HS" },
	{ RR_CLASS_NONE, "NONE" }, { RR_CLASS_ANY, "ANY" }
};

const struct rrtype_info *
rrtype_lookup(uint16_t type)
{
	size_t lo = 0, hi = NTYPES;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rrtypes[mid].type == type) {
			return &rrtypes[mid];
		}
		if (rrtypes[mid].type < type) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

const struct rrtype_info *
rrtype_at(size_t i)
{
	return i < NTYPES ? &rrtypes[i] : NULL;
}

/**
 * Parse "<prefix><decimal>" as used by TYPEnnn and CLASSnnn (RFC 3597
 * section 5): digits only, value at most 65535.
 * @return 0 or RES_ESYNTAX.
 */
static int
parse_numbered(const char *s, const char *prefix, uint16_t *v)
{
	size_t plen = strlen(prefix);
	unsigned long n = 0;
	const char *p;

	if (strncasecmp(s, prefix, plen) != 0) {
		return RES_ESYNTAX;
	}
	p = s + plen;
	if (*p == 0 || strlen(p) > 5) {
		return RES_ESYNTAX;
	}
	for (; *p; p++) {
		if (*p < '0' || *p > '9') {
			return RES_ESYNTAX;
		}
		n = n * 10 + (unsigned long)(*p - '0');
	}
	if (n > 65535) {
		return RES_ESYNTAX;
	}
	*v = (uint16_t)n;
	return RES_OK;
}

int
rrtype_from_str(const char *s, uint16_t *type)
{
	size_t i;

	if (!s || !type) {
		return RES_EINVAL;
	}
	for (i = 0; i < NTYPES; i++) {
		if (strcasecmp(s, rrtypes[i].name) == 0) {
			*type = rrtypes[i].type;
			return RES_OK;
		}
	}
	return parse_numbered(s, "TYPE", type);
}

/** Copy a string or "<prefix><n>" into buf; returns length or error. */
static int
put_name(const char *name, const char *prefix, unsigned n, char *buf,
    size_t bufsz)
{
	int w;

	if (!buf) {
		return RES_EINVAL;
	}
	if (name) {
		w = snprintf(buf, bufsz, "%s", name);
	} else {
		w = snprintf(buf, bufsz, "%s%u", prefix, n);
	}
	if (w < 0 || (size_t)w >= bufsz) {
		if (bufsz > 0) {
			buf[0] = 0;
		}
		return RES_ESPACE;
	}
	return w;
}

int
rrtype_to_str(uint16_t type, char *buf, size_t bufsz)
{
	const struct rrtype_info *ti = rrtype_lookup(type);

	return put_name(ti ? ti->name : NULL, "TYPE", type, buf, bufsz);
}

int
rcode_to_str(int rcode, char *buf, size_t bufsz)
{
	static const char *const names[] = { "NOERROR", "FORMERR",
	    "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
	    "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE" };
	const char *n = NULL;

	if (rcode >= 0 && (size_t)rcode < sizeof(names) / sizeof(names[0])) {
		n = names[rcode];
	} else if (rcode == 16) {
		n = "BADVERS";
	} else if (rcode == 23) {
		n = "BADCOOKIE";
	}
	return put_name(n, "RCODE", (unsigned)(rcode < 0 ? 0 : rcode), buf,
	    bufsz);
}

int
rrclass_from_str(const char *s, uint16_t *cls)
{
	size_t i;

	if (!s || !cls) {
		return RES_EINVAL;
	}
	for (i = 0; i < sizeof(rrclasses) / sizeof(rrclasses[0]); i++) {
		if (strcasecmp(s, rrclasses[i].name) == 0) {
			*cls = rrclasses[i].cls;
			return RES_OK;
		}
	}
	return parse_numbered(s, "CLASS", cls);
}

int
rrclass_to_str(uint16_t cls, char *buf, size_t bufsz)
{
	size_t i;

	for (i = 0; i < sizeof(rrclasses) / sizeof(rrclasses[0]); i++) {
		if (rrclasses[i].cls == cls) {
			return put_name(rrclasses[i].name, NULL, 0, buf, bufsz);
		}
	}
	return put_name(NULL, "CLASS", cls, buf, bufsz);
}
