/*
 * daemon/resolute-anchor.c - write the root trust anchor file from IANA's
 * root-anchors.xml, after checking its S/MIME signature.
 *
 * IANA publishes the root zone's trust anchors as an XML document
 * (RFC 9718): a TrustAnchor element with the Zone and one KeyDigest per
 * key, each with validFrom and an optional validUntil attribute and the
 * KeyTag, Algorithm, DigestType and Digest of a DS record.  A detached
 * CMS (PKCS#7) signature over the file's octets, root-anchors.p7s, is
 * made with a key certified by IANA's CA.
 *
 * The steps, each of which may refuse the input:
 *	1. read the XML and the signature (-f, -s), both size-limited;
 *	2. verify the signature over the exact octets of the XML against
 *	   the CA certificate(s) given with -r (OpenSSL CMS_verify(), any
 *	   certificate purpose, as IANA's signing certificate is no S/MIME
 *	   one), and check the signer's certificate is for the address
 *	   given with -e (IANA's, dnssec@iana.org, by default);
 *	3. only then parse the XML with expat (a DOCTYPE is refused, so no
 *	   entity can be defined), checking every field of every KeyDigest;
 *	4. keep the KeyDigests valid now (validFrom <= now, and now <
 *	   validUntil when that is given) and refuse when none is;
 *	5. turn them into DS records and load those through
 *	   anchors_add_rr(), the same checks the daemon applies;
 *	6. write the anchor file atomically (-a): a temporary file in the
 *	   same directory, fsync, rename over the old file, fsync of the
 *	   directory.  With -n the text is printed instead.
 * On any refusal the old anchor file is left as it was and the exit
 * status is 1.  A file whose contents would not change is not rewritten.
 *
 * There is no network fetch: the files are local (offline mode).
 *
 * Exit status: 0 written (or up to date, or printed), 1 refused or
 * failed, 2 usage error.
 */
#include "config.h"
#include "validator/autotrust.h"
#include "validator/trust_anchor.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include <ctype.h>
#include <errno.h>
#include <expat.h>
#include <fcntl.h>
#include <limits.h>
/* pem.h first: cms.h declares its PEM functions with pem.h's macros. */
#include <openssl/pem.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/usr/local/etc"
#endif
/** Default anchor file. */
#define RA_DEFAULT_ANCHOR SYSCONFDIR "/resolute/root.key"
/** The address IANA's signing certificate carries. */
#define RA_DEFAULT_SIGNER "dnssec@iana.org"
/** Largest XML or signature file read (IANA's are a few kilobytes). */
#define RA_MAX_FILE (1024 * 1024)
/** Most KeyDigest elements accepted. */
#define RA_MAX_DIGESTS 64
/** Longest text of one element or attribute kept. */
#define RA_MAX_TEXT 1024
/** Longest digest, in octets (SHA-384; unknown types up to this). */
#define RA_MAX_DIGEST 64

/** One KeyDigest element. */
struct ra_digest {
	/** The id attribute (may be empty). */
	char id[64];
	/** validFrom, seconds since the epoch. */
	time_t valid_from;
	/** validUntil, when has_until. */
	time_t valid_until;
	/** 1 when validUntil was given. */
	int has_until;
	/** KeyTag, Algorithm, DigestType; -1 until read. */
	long keytag, alg, dtype;
	/** Digest in upper-case hex; "" until read. */
	char digest[RA_MAX_DIGEST * 2 + 1];
	/** Line of the element, for messages. */
	unsigned long line;
};

/** The XML parse state. */
struct ra_xml {
	/** The parser. */
	XML_Parser parser;
	/** File name for messages. */
	const char *file;
	/** Element depth (1 is the document element). */
	int depth;
	/** Set when the document element was TrustAnchor. */
	int root_ok;
	/** An error message, set on the first error (then parsing stops). */
	char err[300];
	/** Text of the current leaf element. */
	char text[RA_MAX_TEXT];
	/** Its length. */
	size_t textlen;
	/** 1 while collecting text (inside a known leaf element). */
	int collect;
	/** Zone element text; zone_seen when present. */
	char zone[RA_MAX_TEXT];
	/** 1 once the Zone element was read. */
	int zone_seen;
	/** TrustAnchor id and source attributes (printable, shortened). */
	char ta_id[64], ta_source[256];
	/** The KeyDigests read. */
	struct ra_digest digests[RA_MAX_DIGESTS];
	/** How many. */
	int ndigests;
	/** 1 inside a KeyDigest element. */
	int in_digest;
};

/** Print usage to out. */
static void
usage(FILE *out)
{
	fprintf(out, "usage: resolute-anchor [-hnov] -f xml -s p7s -r cacert "
	    "[-a anchorfile] [-e email] [-t time]\n"
	    "  Check root-anchors.xml against its S/MIME signature and write\n"
	    "  the root trust anchor file (DS records of the valid keys).\n"
	    "  -f xml         root-anchors.xml (local file)\n"
	    "  -s p7s         its detached signature, root-anchors.p7s (DER "
	    "or PEM)\n"
	    "  -r cacert      CA certificate(s) to check the signature "
	    "against (PEM)\n"
	    "  -a anchorfile  file to write (default %s)\n"
	    "  -e email       address the signer's certificate must carry\n"
	    "                 (default %s; \"\" for any)\n"
	    "  -n             dry run: print what would be written\n"
	    "  -o             replace an anchor file kept by RFC 5011\n"
	    "  -t time        take this as the current time (seconds since "
	    "1970)\n"
	    "  -v             tell which keys are used and which left out\n"
	    "  -h             this help\n"
	    "There is no network fetch: fetch the files by other means.\n",
	    RA_DEFAULT_ANCHOR, RA_DEFAULT_SIGNER);
}

/**
 * Read a whole file.
 * @param file: its name.
 * @param len: receives the length.
 * @return the contents (malloced, NUL-terminated) or NULL after logging
 *	why (missing, unreadable, empty, larger than RA_MAX_FILE).
 */
static char *
ra_read_file(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	char *buf;
	size_t n;

	if (!f) {
		log_err("cannot open %s: %s", file, strerror(errno));
		return NULL;
	}
	if (!(buf = malloc(RA_MAX_FILE + 1))) {
		log_err("out of memory");
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, RA_MAX_FILE + 1, f);
	if (ferror(f)) {
		log_err("cannot read %s: %s", file, strerror(errno));
		n = 0;
	} else if (n > RA_MAX_FILE) {
		log_err("%s: larger than %d octets", file, RA_MAX_FILE);
		n = 0;
	} else if (n == 0) {
		log_err("%s: empty file", file);
	}
	fclose(f);
	if (n == 0) {
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

/** Log the OpenSSL error queue, then empty it. */
static void
ra_log_openssl(const char *what)
{
	unsigned long e;
	char buf[256];
	int any = 0;

	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		log_err("%s: %s", what, buf);
		any = 1;
	}
	if (!any) {
		log_err("%s", what);
	}
}

/**
 * Verify the detached CMS signature of the XML.
 * @param xml: the signed octets.
 * @param xmllen: their length.
 * @param p7s: signature file name (DER, or PEM as a fallback).
 * @param cacert: PEM file with the trusted CA certificate(s).
 * @param email: an address every signer's certificate must carry (in
 *	its subject or subjectAltName), or "" for none.
 * @return 0 when a signer certified by the CA signed exactly these
 *	octets, else -1 (logged).
 */
static int
ra_verify(const char *xml, size_t xmllen, const char *p7s, const char *cacert,
    const char *email)
{
	STACK_OF(X509) *signers;
	int i;
	X509_STORE *store = NULL;
	CMS_ContentInfo *cms = NULL;
	BIO *sig = NULL, *data = NULL;
	char *sigbuf;
	size_t siglen = 0;
	int ret = -1;

	if (!(sigbuf = ra_read_file(p7s, &siglen))) {
		return -1;
	}
	if (siglen > INT_MAX || xmllen > INT_MAX) {
		free(sigbuf);
		return -1;
	}
	if (!(sig = BIO_new_mem_buf(sigbuf, (int)siglen)) ||
	    !(data = BIO_new_mem_buf(xml, (int)xmllen)) ||
	    !(store = X509_STORE_new())) {
		log_err("out of memory");
		goto out;
	}
	if (!(cms = d2i_CMS_bio(sig, NULL))) {
		/* Not DER: try PEM ("-----BEGIN CMS-----" or PKCS7). */
		ERR_clear_error();
		BIO_free(sig);
		if (!(sig = BIO_new_mem_buf(sigbuf, (int)siglen))) {
			log_err("out of memory");
			goto out;
		}
		cms = PEM_read_bio_CMS(sig, NULL, NULL, NULL);
	}
	if (!cms) {
		ra_log_openssl("cannot read the signature");
		log_err("%s: not a CMS/PKCS#7 signature in DER or PEM", p7s);
		goto out;
	}
	if (X509_STORE_load_file(store, cacert) != 1) {
		ra_log_openssl("cannot load the CA certificate");
		log_err("%s: no usable PEM certificate", cacert);
		goto out;
	}
	/* IANA's signing certificate carries no S/MIME key usage. */
	X509_STORE_set_purpose(store, X509_PURPOSE_ANY);
	/* First over the octets as they are (a signature made with
	 * "-binary"), then over their MIME canonical text form, lines
	 * ending in CRLF (a signature made in text mode).  Both sign the
	 * same XML document: XML reads CRLF as LF (XML 1.0 section 2.11). */
	if (CMS_verify(cms, NULL, store, data, NULL, CMS_BINARY) != 1) {
		ERR_clear_error();
		BIO_free(data);
		if (!(data = BIO_new_mem_buf(xml, (int)xmllen))) {
			log_err("out of memory");
			goto out;
		}
		if (CMS_verify(cms, NULL, store, data, NULL, 0) != 1) {
			ra_log_openssl("signature check failed");
			goto out;
		}
	}
	/* The CA may certify more than the anchor signer: check whose
	 * signature it is. */
	if (email[0]) {
		signers = CMS_get0_signers(cms);
		for (i = 0; signers && i < sk_X509_num(signers); i++) {
			if (X509_check_email(sk_X509_value(signers, i), email,
			    0, 0) != 1) {
				break;
			}
		}
		if (!signers || sk_X509_num(signers) == 0 ||
		    i < sk_X509_num(signers)) {
			log_err("%s: the signer's certificate is not for %s",
			    p7s, email);
			sk_X509_free(signers);
			goto out;
		}
		sk_X509_free(signers);
	}
	ret = 0;
out:
	CMS_ContentInfo_free(cms);
	X509_STORE_free(store);
	BIO_free(sig);
	BIO_free(data);
	free(sigbuf);
	return ret;
}

/** Record the first error and stop the parser. */
static void
ra_xml_fail(struct ra_xml *x, const char *fmt, const char *arg)
{
	int n;

	if (x->err[0]) {
		return;
	}
	n = snprintf(x->err, sizeof(x->err), "%s:%lu: ", x->file,
	    (unsigned long)XML_GetCurrentLineNumber(x->parser));
	if (n > 0 && (size_t)n < sizeof(x->err)) {
		snprintf(x->err + n, sizeof(x->err) - n, fmt, arg ? arg : "");
	}
	XML_StopParser(x->parser, XML_FALSE);
}

/** Copy an attribute value keeping printable ASCII only. */
static void
ra_copy_printable(char *dst, size_t size, const char *src)
{
	size_t i = 0;

	for (; *src && i + 1 < size; src++) {
		if (isprint((unsigned char)*src)) {
			dst[i++] = *src;
		}
	}
	dst[i] = 0;
}

/**
 * Parse an xsd:dateTime: YYYY-MM-DDThh:mm:ss, optional fraction, then Z,
 * +hh:mm or -hh:mm (none means UTC).
 * @return 0 and *t, or -1.
 */
static int
ra_parse_time(const char *s, time_t *t)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, n = 0, oh = 0, om = 0, sign = 0;
	time_t r;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
	    &n) != 6 || n != 19) {
		return -1;
	}
	s += n;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s)) {
			return -1;
		}
		while (isdigit((unsigned char)*s)) {
			s++;
		}
	}
	if (*s == 'Z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s == '+' ? 1 : -1;
		if (!isdigit((unsigned char)s[1]) ||
		    !isdigit((unsigned char)s[2]) || s[3] != ':' ||
		    !isdigit((unsigned char)s[4]) ||
		    !isdigit((unsigned char)s[5])) {
			return -1;
		}
		oh = (s[1] - '0') * 10 + (s[2] - '0');
		om = (s[4] - '0') * 10 + (s[5] - '0');
		s += 6;
		if (oh > 14 || om > 59) {
			return -1;
		}
	}
	if (*s || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 || sec < 0) {
		return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((r = timegm(&tm)) == (time_t)-1) {
		return -1;
	}
	/* The local time is ahead of UTC by the offset. */
	*t = r - sign * (oh * 3600 + om * 60);
	return 0;
}

/** expat: a DOCTYPE is refused (no entities, no external DTD). */
static void
ra_doctype(void *arg, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	ra_xml_fail(arg, "DOCTYPE %s not allowed", name);
}

/** expat: an element starts. */
static void
ra_start(void *arg, const XML_Char *el, const XML_Char **attr)
{
	struct ra_xml *x = arg;
	struct ra_digest *dg;
	int i, from = 0;

	x->depth++;
	x->textlen = 0;
	x->collect = 0;
	if (x->depth == 1) {
		if (strcmp(el, "TrustAnchor") != 0) {
			ra_xml_fail(x, "document element is %s, not "
			    "TrustAnchor", el);
			return;
		}
		x->root_ok = 1;
		for (i = 0; attr[i]; i += 2) {
			if (strcmp(attr[i], "id") == 0) {
				ra_copy_printable(x->ta_id, sizeof(x->ta_id),
				    attr[i + 1]);
			} else if (strcmp(attr[i], "source") == 0) {
				ra_copy_printable(x->ta_source,
				    sizeof(x->ta_source), attr[i + 1]);
			}
		}
		return;
	}
	if (x->depth == 2 && strcmp(el, "Zone") == 0) {
		if (x->zone_seen) {
			ra_xml_fail(x, "a second Zone element", NULL);
			return;
		}
		x->collect = 1;
		return;
	}
	if (x->depth == 2 && strcmp(el, "KeyDigest") == 0) {
		if (x->ndigests >= RA_MAX_DIGESTS) {
			ra_xml_fail(x, "too many KeyDigest elements", NULL);
			return;
		}
		dg = &x->digests[x->ndigests];
		memset(dg, 0, sizeof(*dg));
		dg->keytag = dg->alg = dg->dtype = -1;
		dg->line = (unsigned long)XML_GetCurrentLineNumber(x->parser);
		for (i = 0; attr[i]; i += 2) {
			if (strcmp(attr[i], "id") == 0) {
				ra_copy_printable(dg->id, sizeof(dg->id),
				    attr[i + 1]);
			} else if (strcmp(attr[i], "validFrom") == 0) {
				if (ra_parse_time(attr[i + 1],
				    &dg->valid_from) != 0) {
					ra_xml_fail(x, "bad validFrom '%.40s'",
					    attr[i + 1]);
					return;
				}
				from = 1;
			} else if (strcmp(attr[i], "validUntil") == 0) {
				if (ra_parse_time(attr[i + 1],
				    &dg->valid_until) != 0) {
					ra_xml_fail(x, "bad validUntil "
					    "'%.40s'", attr[i + 1]);
					return;
				}
				dg->has_until = 1;
			}
		}
		if (!from) {
			ra_xml_fail(x, "KeyDigest without validFrom", NULL);
			return;
		}
		x->in_digest = 1;
		x->ndigests++;
		return;
	}
	if (x->depth == 3 && x->in_digest && (strcmp(el, "KeyTag") == 0 ||
	    strcmp(el, "Algorithm") == 0 || strcmp(el, "DigestType") == 0 ||
	    strcmp(el, "Digest") == 0)) {
		x->collect = 1;
	}
	/* Anything else (PublicKey, Flags of RFC 9718, or future
	 * additions) is ignored with its text. */
}

/** expat: text inside an element. */
static void
ra_chardata(void *arg, const XML_Char *s, int len)
{
	struct ra_xml *x = arg;

	if (!x->collect || len <= 0) {
		return;
	}
	if (x->textlen + (size_t)len >= sizeof(x->text)) {
		ra_xml_fail(x, "element text too long", NULL);
		return;
	}
	memcpy(x->text + x->textlen, s, (size_t)len);
	x->textlen += (size_t)len;
	x->text[x->textlen] = 0;
}

/** The collected text without leading and trailing white space. */
static char *
ra_trimmed(struct ra_xml *x)
{
	char *s = x->text, *e;

	x->text[x->textlen] = 0;
	while (isspace((unsigned char)*s)) {
		s++;
	}
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1])) {
		*--e = 0;
	}
	return s;
}

/** A decimal number of at most max, or -1. */
static long
ra_number(const char *s, long max)
{
	long v = 0;

	if (!*s || strlen(s) > 10) {
		return -1;
	}
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s)) {
			return -1;
		}
		v = v * 10 + (*s - '0');
	}
	return v <= max ? v : -1;
}

/** expat: an element ends. */
static void
ra_end(void *arg, const XML_Char *el)
{
	struct ra_xml *x = arg;
	struct ra_digest *dg = x->ndigests ? &x->digests[x->ndigests - 1] :
	    NULL;
	char *t;
	size_t i, n;

	if (x->collect) {
		t = ra_trimmed(x);
		x->collect = 0;
		if (x->depth == 2) {
			snprintf(x->zone, sizeof(x->zone), "%s", t);
			x->zone_seen = 1;
		} else if (strcmp(el, "KeyTag") == 0) {
			if ((dg->keytag = ra_number(t, 65535)) < 0) {
				ra_xml_fail(x, "bad KeyTag '%.40s'", t);
			}
		} else if (strcmp(el, "Algorithm") == 0) {
			if ((dg->alg = ra_number(t, 255)) < 0) {
				ra_xml_fail(x, "bad Algorithm '%.40s'", t);
			}
		} else if (strcmp(el, "DigestType") == 0) {
			if ((dg->dtype = ra_number(t, 255)) < 0) {
				ra_xml_fail(x, "bad DigestType '%.40s'", t);
			}
		} else if (strcmp(el, "Digest") == 0) {
			n = strlen(t);
			for (i = 0; i < n && isxdigit((unsigned char)t[i]);
			    i++) {
				t[i] = (char)toupper((unsigned char)t[i]);
			}
			if (n == 0 || i != n || n % 2 ||
			    n > RA_MAX_DIGEST * 2) {
				ra_xml_fail(x, "bad Digest '%.70s'", t);
			} else {
				memcpy(dg->digest, t, n + 1);
			}
		}
	} else if (x->depth == 2 && x->in_digest) {
		x->in_digest = 0;
		if (dg->keytag < 0 || dg->alg < 0 || dg->dtype < 0 ||
		    !dg->digest[0]) {
			ra_xml_fail(x, "KeyDigest %s lacks KeyTag, Algorithm, "
			    "DigestType or Digest", dg->id);
		} else if (dg->has_until && dg->valid_until <=
		    dg->valid_from) {
			ra_xml_fail(x, "KeyDigest %s: validUntil is not after "
			    "validFrom", dg->id);
		}
	}
	x->textlen = 0;
	x->depth--;
}

/**
 * Parse the XML.
 * @param x: zeroed state with file set; filled here.
 * @param xml: the text.
 * @param len: its length.
 * @return 0 or -1 (logged).
 */
static int
ra_parse(struct ra_xml *x, const char *xml, size_t len)
{
	int ok;

	if (len > INT_MAX || !(x->parser = XML_ParserCreate(NULL))) {
		log_err("out of memory");
		return -1;
	}
	XML_SetUserData(x->parser, x);
	XML_SetElementHandler(x->parser, ra_start, ra_end);
	XML_SetCharacterDataHandler(x->parser, ra_chardata);
	XML_SetStartDoctypeDeclHandler(x->parser, ra_doctype);
	ok = XML_Parse(x->parser, xml, (int)len, 1) == XML_STATUS_OK;
	if (!ok && !x->err[0]) {
		snprintf(x->err, sizeof(x->err), "%s:%lu: malformed XML: %s",
		    x->file,
		    (unsigned long)XML_GetCurrentLineNumber(x->parser),
		    XML_ErrorString(XML_GetErrorCode(x->parser)));
	}
	XML_ParserFree(x->parser);
	x->parser = NULL;
	if (!x->err[0] && !x->zone_seen) {
		snprintf(x->err, sizeof(x->err), "%s: no Zone element",
		    x->file);
	}
	if (!x->err[0] && x->ndigests == 0) {
		snprintf(x->err, sizeof(x->err), "%s: no KeyDigest element",
		    x->file);
	}
	if (x->err[0]) {
		log_err("%s", x->err);
		return -1;
	}
	return 0;
}

/** A time as text, UTC. */
static const char *
ra_time_str(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ",
	    &tm) == 0) {
		snprintf(buf, size, "%lld", (long long)t);
	}
	return buf;
}

/** anchors_foreach() callback: note a broken anchor. */
static void
ra_broken_cb(void *arg, const struct trust_anchor *ta)
{
	if (ta->broken) {
		*(int *)arg = 1;
	}
}

/**
 * Build the anchor file text from the valid KeyDigests, and check each
 * DS through the daemon's own anchor loader.
 * @param x: the parsed XML.
 * @param now: the current time.
 * @param verb: 1 to tell about each KeyDigest on stderr.
 * @param out: receives the text (malloced).
 * @return the number of DS records (0 when none is valid: logged), or -1
 *	after logging an error.
 */
static int
ra_build(const struct ra_xml *x, time_t now, int verb, char **out)
{
	uint8_t zone[DNAME_MAXLEN];
	char zname[DNAME_MAXSTR], rr[DNAME_MAXSTR + 200], t1[40], t2[40];
	char src[PATH_MAX + 32];
	struct anchor_set *set;
	size_t size = 4096 + (size_t)RA_MAX_DIGESTS * (DNAME_MAXSTR + 400);
	size_t len = 0;
	char *text;
	int i, n = 0, w, broken;

	if (dname_from_str(x->zone, NULL, zone, NULL) != RES_OK ||
	    dname_to_str(zone, zname, sizeof(zname)) < 0) {
		log_err("%s: bad Zone '%.100s'", x->file, x->zone);
		return -1;
	}
	if (!(text = malloc(size)) || !(set = anchors_create())) {
		free(text);
		log_err("out of memory");
		return -1;
	}
	/* The RFC 5011 state file format (validator/autotrust.h): an
	 * auto-trust-anchor-file starts from these DS and follows the
	 * key rolls from then on. */
	w = snprintf(text, size, "; autotrust trust anchor file\n"
	    ";;id: %s 1\n"
	    "; %s trust anchor, written by "
	    "resolute-anchor from a signed root-anchors.xml\n"
	    "; TrustAnchor id \"%s\" source \"%s\"\n", zname, zname,
	    x->ta_id, x->ta_source);
	len = (size_t)w;
	for (i = 0; i < x->ndigests; i++) {
		const struct ra_digest *dg = &x->digests[i];

		ra_time_str(dg->valid_from, t1, sizeof(t1));
		if (dg->has_until) {
			ra_time_str(dg->valid_until, t2, sizeof(t2));
		} else {
			snprintf(t2, sizeof(t2), "(open)");
		}
		if (now < dg->valid_from || (dg->has_until &&
		    now >= dg->valid_until)) {
			if (verb) {
				fprintf(stderr, "left out: key tag %ld (%s), "
				    "valid %s to %s: %s\n", dg->keytag, dg->id,
				    t1, t2, now < dg->valid_from ?
				    "not valid yet" : "expired");
			}
			continue;
		}
		snprintf(rr, sizeof(rr), "%s\tIN\tDS\t%ld %ld %ld %s", zname,
		    dg->keytag, dg->alg, dg->dtype, dg->digest);
		snprintf(src, sizeof(src), "%s:%lu", x->file, dg->line);
		broken = 0;
		if (anchors_add_rr(set, rr, src) != RES_OK ||
		    (anchors_foreach(set, ra_broken_cb, &broken), broken)) {
			/* The daemon would load a broken anchor (logged)
			 * and fail the zone; this tool writes none. */
			free(text);
			anchors_delete(set);
			return -1;
		}
		if (verb) {
			fprintf(stderr, "using: key tag %ld (%s), valid %s to "
			    "%s\n", dg->keytag, dg->id, t1, t2);
		}
		w = snprintf(text + len, size - len, "; KeyDigest \"%s\" valid "
		    "from %s until %s\n%s\n", dg->id, t1, t2, rr);
		if (w < 0 || (size_t)w >= size - len) {
			log_err("anchor text too long");
			free(text);
			anchors_delete(set);
			return -1;
		}
		len += (size_t)w;
		n++;
	}
	anchors_delete(set);
	if (n == 0) {
		log_err("%s: no KeyDigest is valid at %s: refused", x->file,
		    ra_time_str(now, t1, sizeof(t1)));
		free(text);
		return 0;
	}
	*out = text;
	return n;
}

/**
 * Is the anchor file kept by RFC 5011 already: a state file with a key
 * the daemon tracks (its DS became a DNSKEY)?  Replacing it with DS
 * records would throw away the states and hold-downs.
 * @return 1 or 0 (also for a file that is missing or does not read).
 */
static int
ra_tracked(const char *file)
{
	struct autr_point *p = NULL;
	const struct autr_key *k;
	int tracked = 0;

	if (access(file, F_OK) != 0) {
		return 0;
	}
	if (autr_read_file(file, &p) == RES_OK) {
		for (k = p->keys; k; k = k->next) {
			tracked |= k->type == RR_TYPE_DNSKEY;
		}
	}
	autr_point_delete(p);
	return tracked;
}

/**
 * Replace a file atomically: write a temporary file next to it, fsync,
 * rename over it, fsync the directory.
 * @param file: the file.
 * @param text: the new contents.
 * @return 0 or -1 (logged; the old file is untouched, the temporary one
 *	removed).
 */
static int
ra_write_atomic(const char *file, const char *text)
{
	size_t len = strlen(text), done = 0, flen = strlen(file);
	char *tmp = malloc(flen + 16), *dir, *slash;
	ssize_t w;
	int fd, dfd;

	if (!tmp || !(dir = strdup(file))) {
		free(tmp);
		log_err("out of memory");
		return -1;
	}
	snprintf(tmp, flen + 16, "%s.tmp.XXXXXX", file);
	if ((fd = mkstemp(tmp)) < 0) {
		log_err("cannot create a temporary file next to %s: %s", file,
		    strerror(errno));
		free(tmp);
		free(dir);
		return -1;
	}
	if (fchmod(fd, 0644) != 0) {
		log_warn("cannot set the mode of %s: %s", tmp,
		    strerror(errno));
	}
	while (done < len) {
		w = write(fd, text + done, len - done);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			log_err("cannot write %s: %s", tmp, w < 0 ?
			    strerror(errno) : "short write");
			goto fail;
		}
		done += (size_t)w;
	}
	if (fsync(fd) != 0) {
		log_err("cannot sync %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		log_err("cannot close %s: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, file) != 0) {
		log_err("cannot rename %s to %s: %s", tmp, file,
		    strerror(errno));
		goto fail;
	}
	/* Make the rename itself durable. */
	slash = strrchr(dir, '/');
	if (slash) {
		slash[slash == dir ? 1 : 0] = 0;
	}
	if ((dfd = open(slash ? dir : ".", O_RDONLY)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(tmp);
	free(dir);
	return 0;
fail:
	if (fd >= 0) {
		close(fd);
	}
	unlink(tmp);
	free(tmp);
	free(dir);
	return -1;
}

/** 1 when file exists with exactly text as contents. */
static int
ra_same_contents(const char *file, const char *text)
{
	FILE *f = fopen(file, "rb");
	size_t len = strlen(text), n;
	char *buf;
	int same = 0;

	if (!f) {
		return 0;
	}
	if ((buf = malloc(len + 1))) {
		n = fread(buf, 1, len + 1, f);
		same = n == len && memcmp(buf, text, len) == 0;
		free(buf);
	}
	fclose(f);
	return same;
}

int
main(int argc, char **argv)
{
	const char *xmlfile = NULL, *p7s = NULL, *cacert = NULL;
	const char *anchor = RA_DEFAULT_ANCHOR, *email = RA_DEFAULT_SIGNER;
	struct ra_xml *x = NULL;
	char *xml = NULL, *text = NULL, *end;
	size_t xmllen = 0;
	int c, dry = 0, verb = 0, force = 0, ret = 1, n;
	time_t now = time(NULL);
	long long tv;

	log_init(NULL, 0, "resolute-anchor");
	while ((c = getopt(argc, argv, "a:e:f:hnor:s:t:v")) != -1) {
		switch (c) {
		case 'a':
			anchor = optarg;
			break;
		case 'e':
			email = optarg;
			break;
		case 'f':
			xmlfile = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'n':
			dry = 1;
			break;
		case 'o':
			force = 1;
			break;
		case 'r':
			cacert = optarg;
			break;
		case 's':
			p7s = optarg;
			break;
		case 't':
			errno = 0;
			tv = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end || tv < 0) {
				fprintf(stderr, "resolute-anchor: bad time "
				    "'%s'\n", optarg);
				usage(stderr);
				return 2;
			}
			now = (time_t)tv;
			break;
		case 'v':
			verb = 1;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !xmlfile || !p7s || !cacert) {
		fprintf(stderr, "resolute-anchor: -f, -s and -r are needed "
		    "(there is no network fetch)\n");
		usage(stderr);
		return 2;
	}
	if (!(xml = ra_read_file(xmlfile, &xmllen))) {
		goto out;
	}
	if (ra_verify(xml, xmllen, p7s, cacert, email) != 0) {
		log_err("%s: signature not valid for %s: refused", p7s,
		    xmlfile);
		goto out;
	}
	if (verb) {
		fprintf(stderr, "signature of %s checked against %s\n",
		    xmlfile, cacert);
	}
	if (!(x = calloc(1, sizeof(*x)))) {
		log_err("out of memory");
		goto out;
	}
	x->file = xmlfile;
	if (ra_parse(x, xml, xmllen) != 0) {
		log_err("%s: refused", xmlfile);
		goto out;
	}
	if ((n = ra_build(x, now, verb, &text)) <= 0) {
		goto out;
	}
	if (dry) {
		fputs(text, stdout);
		ret = 0;
	} else if (!force && ra_tracked(anchor)) {
		fprintf(stderr, "%s is kept by RFC 5011 (its keys are "
		    "tracked): left as it is; -o replaces it\n", anchor);
		ret = 0;
	} else if (ra_same_contents(anchor, text)) {
		if (verb) {
			fprintf(stderr, "%s is up to date\n", anchor);
		}
		ret = 0;
	} else if (ra_write_atomic(anchor, text) == 0) {
		if (verb) {
			fprintf(stderr, "wrote %d DS to %s\n", n, anchor);
		}
		ret = 0;
	}
out:
	if (ret != 0 && !dry) {
		log_err("%s left unchanged", anchor);
	}
	free(text);
	free(x);
	free(xml);
	return ret;
}
