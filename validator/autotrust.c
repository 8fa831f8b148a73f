/*
 * validator/autotrust.c - the RFC 5011 state machine and its state file
 * (see autotrust.h).
 */
#include "config.h"
#include "validator/autotrust.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include "util/rdata.h"
#include "util/reply.h"
#include "util/rrtype.h"
#include "util/zonefile.h"
#include "validator/val_canon.h"
#include "validator/val_crypto.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** RFC 5011 section 2.3 bounds of the active refresh, s. */
#define AUTR_HOUR 3600
#define AUTR_DAY 86400
#define AUTR_15DAYS (15 * AUTR_DAY)
/** The smallest interval under permit-small-holddown, s. */
#define AUTR_SMALL_MIN 1
/** Longest line of a state file (a 16 kbit key and its comments). */
#define AUTR_LINE_MAX 8192

/** The state names, padded as the file writes them. */
static const char *const autr_state_pad[] = {
	"  START  ", " ADDPEND ", "  VALID  ", " MISSING ", " REVOKED ",
	" REMOVED "
};

const char *
autr_state_str(enum autr_state s)
{
	static const char *const names[] = {
		"START", "ADDPEND", "VALID", "MISSING", "REVOKED", "REMOVED"
	};

	return (unsigned)s <= AUTR_REMOVED ? names[s] : "?";
}

void
autr_point_delete(struct autr_point *p)
{
	struct autr_key *k, *next;

	if (!p) {
		return;
	}
	for (k = p->keys; k; k = next) {
		next = k->next;
		free(k->rd);
		free(k);
	}
	free(p->file);
	free(p);
}

/** Do two DNSKEY RDATAs hold the same key, the REVOKE bit aside? */
static int
autr_same_key(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (alen != blen || alen < 4) {
		return 0;
	}
	return (wire_get16(a) & ~DNSKEY_FLAG_REVOKE) ==
	    (wire_get16(b) & ~DNSKEY_FLAG_REVOKE) &&
	    memcmp(a + 2, b + 2, alen - 2) == 0;
}

/** The key of a point with the same key material, or NULL. */
static struct autr_key *
autr_find(const struct autr_point *p, const uint8_t *rd, size_t len)
{
	struct autr_key *k;

	for (k = p->keys; k; k = k->next) {
		if (k->type == RR_TYPE_DNSKEY &&
		    autr_same_key(k->rd, k->rdlen, rd, len)) {
			return k;
		}
	}
	return NULL;
}

/** Append a key.  0 or RES_ENOMEM. */
static int
autr_add(struct autr_point *p, uint16_t type, const uint8_t *rd, size_t len,
    uint32_t ttl, enum autr_state st, time_t when, struct autr_key **out)
{
	struct autr_key *k = calloc(1, sizeof(*k)), **pp;

	if (!k || !(k->rd = malloc(len ? len : 1))) {
		free(k);
		return RES_ENOMEM;
	}
	memcpy(k->rd, rd, len);
	k->rdlen = (uint16_t)len;
	k->type = type;
	k->ttl = ttl;
	k->state = st;
	k->last_change = when;
	for (pp = &p->keys; *pp; pp = &(*pp)->next) {
		;
	}
	*pp = k;
	if (out) {
		*out = k;
	}
	return RES_OK;
}

/** Is a key trusted (RFC 5011 section 4: Valid and Missing)? */
static int
autr_is_trusted(const struct autr_key *k)
{
	return k->type == RR_TYPE_DNSKEY &&
	    (k->state == AUTR_VALID || k->state == AUTR_MISSING);
}

size_t
autr_trusted(const struct autr_point *p, uint16_t type, const uint8_t **rd,
    uint16_t *len, size_t n)
{
	const struct autr_key *k;
	size_t c = 0, keys = 0;

	for (k = p->keys; k; k = k->next) {
		keys += autr_is_trusted(k);
	}
	for (k = p->keys; k && c < n; k = k->next) {
		if ((type == RR_TYPE_DNSKEY && autr_is_trusted(k)) ||
		    (type == RR_TYPE_DS && k->type == RR_TYPE_DS &&
		    keys == 0)) {
			rd[c] = k->rd;
			len[c] = k->rdlen;
			c++;
		}
	}
	return c;
}

/* ---------------------------------------------------------------------
 * Reading the file.
 */

/** A number after "key" in text ("...;;count=3 ..."); 1 when found. */
static int
autr_field(const char *text, const char *key, long long *val)
{
	const char *p = strstr(text, key);
	char *end;

	if (!p) {
		return 0;
	}
	p += strlen(key);
	errno = 0;
	*val = strtoll(p, &end, 10);
	return end != p && errno == 0;
}

/** Read one RR line (the RR, then its state comments). */
static int
autr_read_rr(struct autr_point *p, char *line, const char *file, int lineno)
{
	struct rr_text *rr = malloc(sizeof(*rr));
	char *comment = strchr(line, ';');
	long long st = -1, count = 0, change = 0;
	struct autr_key *k;
	int r;

	if (!rr) {
		return RES_ENOMEM;
	}
	if (comment) {
		/* The state comments, then the RR alone. */
		if (autr_field(comment, ";;state=", &st) &&
		    (st < AUTR_START || st > AUTR_REMOVED)) {
			log_err("%s:%d: unknown RFC 5011 state %lld", file,
			    lineno, st);
			free(rr);
			return RES_ESYNTAX;
		}
		(void)autr_field(comment, ";;count=", &count);
		(void)autr_field(comment, ";;lastchange=", &change);
		*comment = 0;
	}
	r = rr_from_str(line, NULL, 0, rr);
	if (r != RES_OK) {
		log_err("%s:%d: cannot parse the record: %s", file, lineno,
		    res_strerror(r));
		free(rr);
		return r == RES_ENOMEM ? r : RES_ESYNTAX;
	}
	if (rr->type != RR_TYPE_DNSKEY && rr->type != RR_TYPE_DS) {
		log_err("%s:%d: an RFC 5011 anchor holds DNSKEY and DS "
		    "records only", file, lineno);
		free(rr);
		return RES_ESYNTAX;
	}
	if (p->keys == NULL && p->name[0] == 0xff) {
		/* No ;;id: line: the first record names the zone. */
		memcpy(p->name, rr->owner, rr->owner_len);
		dname_tolower(p->name);
		p->dclass = rr->rrclass;
	} else if (!dname_equal(rr->owner, p->name)) {
		log_err("%s:%d: a record of another zone than the anchor's",
		    file, lineno);
		free(rr);
		return RES_ESYNTAX;
	}
	if (rr->type == RR_TYPE_DNSKEY && (rr->rdlen <= 4 ||
	    !(wire_get16(rr->rdata) & DNSKEY_FLAG_ZONE) ||
	    rr->rdata[2] != 3)) {
		log_err("%s:%d: not a zone key (flags, protocol 3 and a key "
		    "are needed, RFC 4034 section 2.1)", file, lineno);
		free(rr);
		return RES_ESYNTAX;
	}
	if (st < 0) {
		/* An initial key, or a DS: trusted as given. */
		st = AUTR_VALID;
	}
	if (rr->type == RR_TYPE_DNSKEY &&
	    (wire_get16(rr->rdata) & DNSKEY_FLAG_REVOKE) &&
	    st != AUTR_REVOKED && st != AUTR_REMOVED) {
		st = AUTR_REVOKED;
	}
	r = autr_add(p, rr->type, rr->rdata, rr->rdlen, rr->ttl,
	    (enum autr_state)st, (time_t)change, &k);
	if (r == RES_OK) {
		k->count = count < 0 || count > 1000000 ? 0 : (int)count;
	}
	free(rr);
	return r;
}

/** Read one ";;" header line. */
static int
autr_read_header(struct autr_point *p, const char *line, const char *file,
    int lineno)
{
	static const struct {
		const char *key;
		size_t off;
	} fields[] = {
		{ ";;last_queried:", offsetof(struct autr_point, last_queried) },
		{ ";;last_success:", offsetof(struct autr_point, last_success) },
		{ ";;next_probe_time:", offsetof(struct autr_point,
		    next_probe) },
		{ ";;query_interval:", offsetof(struct autr_point,
		    query_interval) },
		{ ";;retry_time:", offsetof(struct autr_point, retry_time) },
	};
	long long v;
	size_t i;

	if (strncmp(line, ";;id:", 5) == 0) {
		char name[DNAME_MAXSTR + 1];
		unsigned cls = 1;

		if (sscanf(line + 5, " %1021s %u", name, &cls) < 1 ||
		    dname_from_str(name, NULL, p->name, NULL) != RES_OK ||
		    cls > 0xffff) {
			log_err("%s:%d: bad ;;id: line", file, lineno);
			return RES_ESYNTAX;
		}
		dname_tolower(p->name);
		p->dclass = (uint16_t)cls;
		return RES_OK;
	}
	if (strncmp(line, ";;REVOKED", 9) == 0) {
		/* Unbound's mark of a point whose keys are all revoked: the
		 * keys below say so too. */
		return RES_OK;
	}
	if (strncmp(line, ";;state=", 8) == 0 && p->keys) {
		/* The state comments of the record above, on a line of
		 * their own (a wrapped file). */
		struct autr_key *k = p->keys;

		while (k->next) {
			k = k->next;
		}
		if (!autr_field(line, ";;state=", &v) || v < AUTR_START ||
		    v > AUTR_REMOVED) {
			log_err("%s:%d: unknown RFC 5011 state", file, lineno);
			return RES_ESYNTAX;
		}
		k->state = (enum autr_state)v;
		if (autr_field(line, ";;count=", &v) && v >= 0 &&
		    v <= 1000000) {
			k->count = (int)v;
		}
		if (autr_field(line, ";;lastchange=", &v) && v >= 0) {
			k->last_change = (time_t)v;
		}
		return RES_OK;
	}
	if (strncmp(line, ";;query_failed:", 15) == 0) {
		if (!autr_field(line, ";;query_failed:", &v) || v < 0 ||
		    v > 1000000) {
			log_err("%s:%d: bad ;;query_failed:", file, lineno);
			return RES_ESYNTAX;
		}
		p->query_failed = (int)v;
		return RES_OK;
	}
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strncmp(line, fields[i].key, strlen(fields[i].key)) == 0) {
			if (!autr_field(line, fields[i].key, &v) || v < 0) {
				log_err("%s:%d: bad %s", file, lineno,
				    fields[i].key + 2);
				return RES_ESYNTAX;
			}
			*(time_t *)((char *)p + fields[i].off) = (time_t)v;
			return RES_OK;
		}
	}
	log_err("%s:%d: unknown field '%.40s' in an RFC 5011 anchor file",
	    file, lineno, line);
	return RES_ESYNTAX;
}

int
autr_read_string(const char *text, const char *name, struct autr_point **out)
{
	struct autr_point *p;
	char *line = malloc(AUTR_LINE_MAX);
	const char *s = text, *e;
	int lineno = 0, r = RES_OK;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p || !line || !(p->file = strdup(name))) {
		free(line);
		autr_point_delete(p);
		return RES_ENOMEM;
	}
	p->name[0] = 0xff;	/* not known yet */
	p->dclass = RR_CLASS_IN;
	while (*s && r == RES_OK) {
		size_t n;
		char *l;

		e = strchr(s, '\n');
		n = e ? (size_t)(e - s) : strlen(s);
		lineno++;
		if (n >= AUTR_LINE_MAX) {
			log_err("%s:%d: line too long", name, lineno);
			r = RES_ESYNTAX;
			break;
		}
		memcpy(line, s, n);
		line[n] = 0;
		s = e ? e + 1 : s + n;
		if (n > 0 && line[n - 1] == '\r') {
			line[n - 1] = 0;
		}
		for (l = line; *l == ' ' || *l == '\t'; l++) {
			;
		}
		if (*l == 0 || (l[0] == ';' && l[1] != ';')) {
			continue;
		}
		if (l[0] == ';') {
			r = autr_read_header(p, l, name, lineno);
		} else if (l[0] == '$') {
			log_err("%s:%d: directives are not used in an RFC 5011 "
			    "anchor file", name, lineno);
			r = RES_ESYNTAX;
		} else {
			r = autr_read_rr(p, l, name, lineno);
		}
	}
	free(line);
	if (r == RES_OK && !p->keys) {
		log_err("%s: no DNSKEY or DS record: not an anchor", name);
		r = RES_ESYNTAX;
	}
	if (r != RES_OK) {
		autr_point_delete(p);
		return r;
	}
	*out = p;
	return RES_OK;
}

int
autr_read_file(const char *file, struct autr_point **out)
{
	char *text;
	int r;

	*out = NULL;
	if ((r = zonefile_read_text(file, 16 * 1024 * 1024, &text)) !=
	    RES_OK) {
		return r;
	}
	r = autr_read_string(text, file, out);
	free(text);
	return r;
}

/* ---------------------------------------------------------------------
 * Writing it.
 */

/** " ;;<date>" of a time, as a comment for the reader. */
static void
autr_print_time(FILE *out, const char *key, time_t t)
{
	char buf[64];
	struct tm tm;

	fprintf(out, ";;%s: %lld", key, (long long)t);
	if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf),
	    "%a %b %e %H:%M:%S %Y", &tm) > 0) {
		fprintf(out, " ;;%s", buf);
	}
	fputc('\n', out);
}

void
autr_print(const struct autr_point *p, FILE *out)
{
	const struct autr_key *k;
	char name[DNAME_MAXSTR], *rr = malloc(AUTR_LINE_MAX);

	if (!rr) {
		return;
	}
	if (dname_to_str(p->name, name, sizeof(name)) < 0) {
		snprintf(name, sizeof(name), "?");
	}
	fprintf(out, "; autotrust trust anchor file\n");
	fprintf(out, ";;id: %s %u\n", name, (unsigned)p->dclass);
	autr_print_time(out, "last_queried", p->last_queried);
	autr_print_time(out, "last_success", p->last_success);
	autr_print_time(out, "next_probe_time", p->next_probe);
	fprintf(out, ";;query_failed: %d\n", p->query_failed);
	fprintf(out, ";;query_interval: %lld\n", (long long)p->query_interval);
	fprintf(out, ";;retry_time: %lld\n", (long long)p->retry_time);
	for (k = p->keys; k; k = k->next) {
		if (rr_to_str(p->name, k->type, p->dclass, k->ttl, k->rd,
		    k->rdlen, rr, AUTR_LINE_MAX) < 0) {
			continue;
		}
		fputs(rr, out);
		if (k->type == RR_TYPE_DNSKEY) {
			char buf[64];
			struct tm tm;
			uint16_t flags = wire_get16(k->rd);

			fprintf(out, " ;{id = %u (%s), size = %db} ;;state=%d "
			    "[%s] ;;count=%d ;;lastchange=%lld",
			    (unsigned)rdata_dnskey_keytag(k->rd, k->rdlen),
			    (flags & DNSKEY_FLAG_SEP) ? "ksk" : "zsk",
			    (int)(k->rdlen - 4) * 8, (int)k->state,
			    autr_state_pad[k->state], k->count,
			    (long long)k->last_change);
			if (gmtime_r(&k->last_change, &tm) &&
			    strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y",
			    &tm) > 0) {
				fprintf(out, " ;;%s", buf);
			}
		}
		fputc('\n', out);
	}
	free(rr);
}

/** A time as "2026-12-05 14:00:00" (UTC). */
static const char *
autr_date(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (t <= 0 || !gmtime_r(&t, &tm) ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0) {
		snprintf(buf, len, "never");
	}
	return buf;
}

void
autr_print_status(const struct autr_point *p, const struct autr_config *cfg,
    time_t now, FILE *out)
{
	const struct autr_key *k;
	char name[DNAME_MAXSTR], d1[32], d2[32];

	if (dname_to_str(p->name, name, sizeof(name)) < 0) {
		snprintf(name, sizeof(name), "?");
	}
	fprintf(out, "%s\tfile %s\n", name, p->file);
	fprintf(out, "\tlast probe %s, last success %s, failed %d in a row%s"
	    "%s\n", autr_date(p->last_queried, d1, sizeof(d1)),
	    autr_date(p->last_success, d2, sizeof(d2)), p->query_failed,
	    p->last_error ? ": " : "", p->last_error ? p->last_error : "");
	fprintf(out, "\tnext probe %s (in %lld s)%s, interval %lld s, retry "
	    "%lld s\n", autr_date(p->next_probe, d1, sizeof(d1)),
	    (long long)(p->next_probe > now ? p->next_probe - now : 0),
	    p->probing ? ", a probe is out" : "",
	    (long long)p->query_interval, (long long)p->retry_time);
	for (k = p->keys; k; k = k->next) {
		if (k->type == RR_TYPE_DS) {
			fprintf(out, "\tDS %u algorithm %u digest %u: initial "
			    "anchor, until a probe finds its key\n",
			    k->rdlen >= 4 ? (unsigned)wire_get16(k->rd) : 0,
			    k->rdlen >= 4 ? k->rd[2] : 0,
			    k->rdlen >= 4 ? k->rd[3] : 0);
			continue;
		}
		fprintf(out, "\tDNSKEY %u %s algorithm %u: %s since %s%s",
		    (unsigned)rdata_dnskey_keytag(k->rd, k->rdlen),
		    (wire_get16(k->rd) & DNSKEY_FLAG_SEP) ? "ksk" : "zsk",
		    k->rd[3], autr_state_str(k->state),
		    autr_date(k->last_change, d1, sizeof(d1)),
		    autr_is_trusted(k) ? ", trusted" : "");
		if (k->state == AUTR_ADDPEND) {
			fprintf(out, ", seen %d times, trusted from %s if "
			    "still there", k->count, autr_date(k->last_change +
			    cfg->add_holddown, d2, sizeof(d2)));
		} else if (k->state == AUTR_REVOKED) {
			fprintf(out, ", removed from %s", autr_date(
			    k->last_change + cfg->del_holddown, d2,
			    sizeof(d2)));
		}
		fputc('\n', out);
	}
}

int
autr_write_file(const struct autr_point *p, char *why, size_t whylen)
{
	size_t n = strlen(p->file);
	char *tmp = malloc(n + 32), *dir, *slash;
	FILE *f = NULL;
	int fd = -1, err;

	if (!tmp) {
		snprintf(why, whylen, "%s: out of memory", p->file);
		return RES_ESYSTEM;
	}
	snprintf(tmp, n + 32, "%s.%d-tmp", p->file, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		snprintf(why, whylen, "%s: %s", tmp, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return RES_ESYSTEM;
	}
	autr_print(p, f);
	if (fflush(f) != 0 || ferror(f) || fsync(fd) != 0) {
		err = errno;
		fclose(f);
		unlink(tmp);
		snprintf(why, whylen, "%s: %s", tmp, strerror(err ? err :
		    EIO));
		free(tmp);
		return RES_ESYSTEM;
	}
	if (fclose(f) != 0) {
		err = errno;
		unlink(tmp);
		snprintf(why, whylen, "%s: %s", tmp, strerror(err));
		free(tmp);
		return RES_ESYSTEM;
	}
	if (rename(tmp, p->file) != 0) {
		err = errno;
		unlink(tmp);
		snprintf(why, whylen, "%s: %s", p->file, strerror(err));
		free(tmp);
		return RES_ESYSTEM;
	}
	free(tmp);
	/* The rename itself reaches the disk with the directory. */
	if ((dir = strdup(p->file)) != NULL) {
		slash = strrchr(dir, '/');
		if (slash) {
			*(slash == dir ? slash + 1 : slash) = 0;
		}
		fd = open(slash ? dir : ".", O_RDONLY);
		if (fd >= 0) {
			(void)fsync(fd);
			close(fd);
		}
		free(dir);
	}
	return RES_OK;
}

/* ---------------------------------------------------------------------
 * The state machine.
 */

/** Set the timers after a probe (RFC 5011 section 2.3): the interval
 * from the original TTL and the signature's remaining validity. */
static void
autr_set_timers(struct autr_point *p, const struct autr_config *cfg,
    uint32_t ottl, time_t sig_left)
{
	time_t lo = cfg->permit_small ? AUTR_SMALL_MIN : AUTR_HOUR;
	time_t qi = AUTR_15DAYS, rt = AUTR_DAY;

	if ((time_t)ottl / 2 < qi) {
		qi = (time_t)ottl / 2;
	}
	if (sig_left > 0 && sig_left / 2 < qi) {
		qi = sig_left / 2;
	}
	if ((time_t)ottl / 10 < rt) {
		rt = (time_t)ottl / 10;
	}
	if (sig_left > 0 && sig_left / 10 < rt) {
		rt = sig_left / 10;
	}
	p->query_interval = qi < lo ? lo : qi;
	p->retry_time = rt < lo ? lo : rt;
}

/** The next probe after a failure: the retry time, but not past the
 * regular probe time. */
static void
autr_retry(struct autr_point *p, const struct autr_config *cfg, time_t now)
{
	time_t lo = cfg->permit_small ? AUTR_SMALL_MIN : AUTR_HOUR;

	if (p->retry_time < lo) {
		p->retry_time = lo;
	}
	p->query_failed++;
	p->next_probe = now + p->retry_time;
}

void
autr_probe_failed(struct autr_point *p, const struct autr_config *cfg,
    time_t now, const char *why)
{
	p->last_queried = now;
	p->last_error = why;
	autr_retry(p, cfg, now);
}

/** Is an RRSIG's validity period around now (serial arithmetic)? */
static int
autr_sig_current(const struct rdata_rrsig *sig, time_t now)
{
	uint32_t n = (uint32_t)now;

	return (int32_t)(sig->expiration - n) >= 0 &&
	    (int32_t)(n - sig->inception) >= 0;
}

/**
 * Does an RRSIG of the set by this DNSKEY verify?
 * @param sig_out: the parsed signature that did, or untouched.
 * @return 1 or 0.
 */
static int
autr_signed_by(const struct autr_point *p, const struct reply_rrset *ks,
    const uint8_t *key, size_t keylen, time_t now,
    struct rdata_rrsig *sig_out)
{
	uint16_t tag = rdata_dnskey_keytag(key, keylen);
	struct val_key *vk = NULL;
	size_t i;
	int ok = 0;

	if (keylen < 4) {
		return 0;
	}
	for (i = ks->count; i < ks->count + ks->sigcount && !ok; i++) {
		struct rdata_rrsig sig;

		if (rdata_rrsig_parse(ks->rd[i], ks->rdlen[i], &sig) != 0 ||
		    sig.covered != RR_TYPE_DNSKEY || sig.tag != tag ||
		    sig.alg != key[3] || !dname_equal(sig.signer, p->name) ||
		    !autr_sig_current(&sig, now)) {
			continue;
		}
		if (!vk && !(vk = val_key_create(key[3], key, keylen))) {
			return 0;
		}
		if (val_canon_verify_rrsig(vk, ks, ks->rd[i],
		    ks->rdlen[i]) == RES_OK) {
			ok = 1;
			*sig_out = sig;
		}
	}
	val_key_delete(vk);
	return ok;
}

/** Is the DNSKEY RDATA in the set? */
static int
autr_in_set(const struct reply_rrset *ks, const uint8_t *rd, size_t len)
{
	size_t i;

	for (i = 0; i < ks->count; i++) {
		if (ks->rdlen[i] == len && memcmp(ks->rd[i], rd, len) == 0) {
			return 1;
		}
	}
	return 0;
}

/** Move a key to a state. */
static void
autr_move(struct autr_key *k, enum autr_state st, time_t now, int *changed)
{
	char tag[16];

	snprintf(tag, sizeof(tag), "%u", (unsigned)rdata_dnskey_keytag(k->rd,
	    k->rdlen));
	log_info("RFC 5011: key %s %s -> %s", tag, autr_state_str(k->state),
	    autr_state_str(st));
	k->state = st;
	k->count = 0;
	k->last_change = now;
	*changed = 1;
}

/**
 * RFC 5011 section 2.1: revoke the keys of the set that have the REVOKE
 * bit and sign the set themselves, when the point knows them (trusted or
 * pending).  Done before the set is checked with the trusted keys: a
 * revoked key is out at once.
 */
static int
autr_revocations(struct autr_point *p, const struct reply_rrset *ks,
    time_t now, int *changed)
{
	struct rdata_rrsig sig;
	struct autr_key *k;
	size_t i;

	for (i = 0; i < ks->count; i++) {
		const uint8_t *rd = ks->rd[i];
		size_t len = ks->rdlen[i];

		if (len < 4 || !(wire_get16(rd) & DNSKEY_FLAG_REVOKE)) {
			continue;
		}
		k = autr_find(p, rd, len);
		if (!k || k->state == AUTR_REVOKED ||
		    k->state == AUTR_REMOVED || k->state == AUTR_START) {
			continue;
		}
		if (!autr_signed_by(p, ks, rd, len, now, &sig)) {
			continue;
		}
		/* Keep the revoked form: it is what the zone shows. */
		if (k->rdlen == len) {
			memcpy(k->rd, rd, len);
		}
		autr_move(k, AUTR_REVOKED, now, changed);
	}
	return RES_OK;
}

/**
 * Find the trusted key that signs the set: a VALID or MISSING DNSKEY of
 * the point, or a key of the set that matches a trusted DS.
 * @param ds_key: set to the set's key that matched a DS, when that was
 *	the way.
 * @return 1 when one signs it.
 */
static int
autr_verify_set(const struct autr_point *p, const struct reply_rrset *ks,
    time_t now, struct rdata_rrsig *sig, const uint8_t **ds_key,
    size_t *ds_keylen)
{
	const uint8_t *rd[64];
	uint16_t len[64];
	size_t n, i, j;

	*ds_key = NULL;
	n = autr_trusted(p, RR_TYPE_DNSKEY, rd, len, 64);
	for (i = 0; i < n; i++) {
		if (autr_signed_by(p, ks, rd[i], len[i], now, sig)) {
			return 1;
		}
	}
	n = autr_trusted(p, RR_TYPE_DS, rd, len, 64);
	for (i = 0; i < n; i++) {
		for (j = 0; j < ks->count; j++) {
			if (ks->rdlen[j] < 4 ||
			    (wire_get16(ks->rd[j]) & DNSKEY_FLAG_REVOKE) ||
			    val_ds_matches(rd[i], len[i], p->name, ks->rd[j],
			    ks->rdlen[j]) != 1) {
				continue;
			}
			if (autr_signed_by(p, ks, ks->rd[j], ks->rdlen[j], now,
			    sig)) {
				*ds_key = ks->rd[j];
				*ds_keylen = ks->rdlen[j];
				return 1;
			}
		}
	}
	return 0;
}

/** Drop the initial DS records: the keys took over. */
static void
autr_drop_ds(struct autr_point *p)
{
	struct autr_key **pp = &p->keys, *k;

	while ((k = *pp) != NULL) {
		if (k->type == RR_TYPE_DS) {
			*pp = k->next;
			free(k->rd);
			free(k);
			continue;
		}
		pp = &k->next;
	}
}

int
autr_process(struct autr_point *p, const struct autr_config *cfg,
    time_t now, const struct reply_rrset *ks, int *changed)
{
	struct rdata_rrsig sig;
	const uint8_t *ds_key;
	size_t ds_keylen = 0, i;
	struct autr_key *k;

	*changed = 0;
	p->last_queried = now;
	if (!ks || ks->type != RR_TYPE_DNSKEY || ks->count == 0 ||
	    !dname_equal(ks->owner, p->name)) {
		autr_probe_failed(p, cfg, now, "no DNSKEY RRset in the answer");
		return RES_EBOGUS;
	}
	autr_revocations(p, ks, now, changed);
	if (!autr_verify_set(p, ks, now, &sig, &ds_key, &ds_keylen)) {
		autr_probe_failed(p, cfg, now, "the DNSKEY RRset is not signed "
		    "by a trusted key");
		return RES_EBOGUS;
	}
	if (ds_key) {
		/* An anchor given as DS: its DNSKEY from now on. */
		if (!autr_find(p, ds_key, ds_keylen) &&
		    autr_add(p, RR_TYPE_DNSKEY, ds_key, ds_keylen, ks->ttl,
		    AUTR_VALID, now, NULL) == RES_OK) {
			log_info("RFC 5011: the DS anchor's key %u is VALID",
			    (unsigned)rdata_dnskey_keytag(ds_key, ds_keylen));
			autr_drop_ds(p);
			*changed = 1;
		}
	}
	for (k = p->keys; k; k = k->next) {
		k->seen = k->type == RR_TYPE_DNSKEY &&
		    autr_in_set(ks, k->rd, k->rdlen);
	}
	/* Keys of the set: new SEP keys, pending ones, missing ones back. */
	for (i = 0; i < ks->count; i++) {
		const uint8_t *rd = ks->rd[i];
		size_t len = ks->rdlen[i];
		uint16_t flags = len >= 4 ? wire_get16(rd) : 0;

		if (!(flags & DNSKEY_FLAG_SEP) || (flags & DNSKEY_FLAG_REVOKE)
		    || !(flags & DNSKEY_FLAG_ZONE)) {
			continue;
		}
		k = autr_find(p, rd, len);
		if (!k) {
			if (autr_add(p, RR_TYPE_DNSKEY, rd, len, ks->ttl,
			    AUTR_START, now, &k) != RES_OK) {
				continue;
			}
			k->seen = 1;
			autr_move(k, AUTR_ADDPEND, now, changed);
			k->count = 1;
			continue;
		}
		switch (k->state) {
		case AUTR_START:
			autr_move(k, AUTR_ADDPEND, now, changed);
			k->count = 1;
			break;
		case AUTR_ADDPEND:
			k->count++;
			if (now - k->last_change >= cfg->add_holddown) {
				autr_move(k, AUTR_VALID, now, changed);
			}
			break;
		case AUTR_MISSING:
			autr_move(k, AUTR_VALID, now, changed);
			break;
		default:
			break;
		}
	}
	/* Keys of the point the set lacks. */
	for (k = p->keys; k; k = k->next) {
		if (k->type != RR_TYPE_DNSKEY || k->seen) {
			continue;
		}
		switch (k->state) {
		case AUTR_ADDPEND:
			/* Gone before the hold-down ran out: start over. */
			autr_move(k, AUTR_START, now, changed);
			break;
		case AUTR_VALID:
			autr_move(k, AUTR_MISSING, now, changed);
			break;
		case AUTR_MISSING:
			if (cfg->keep_missing > 0 &&
			    now - k->last_change >= cfg->keep_missing) {
				autr_move(k, AUTR_REMOVED, now, changed);
			}
			break;
		default:
			break;
		}
	}
	/* A revoked key is removed after del-holddown, present or not
	 * (its material stays known: it is never trusted again). */
	for (k = p->keys; k; k = k->next) {
		if (k->type == RR_TYPE_DNSKEY && k->state == AUTR_REVOKED &&
		    now - k->last_change >= cfg->del_holddown) {
			autr_move(k, AUTR_REMOVED, now, changed);
		}
	}
	p->last_success = now;
	p->query_failed = 0;
	p->last_error = NULL;
	autr_set_timers(p, cfg, sig.ottl, (time_t)(int32_t)(sig.expiration -
	    (uint32_t)now));
	p->next_probe = now + p->query_interval;
	return RES_OK;
}
