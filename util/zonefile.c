/*
 * util/zonefile.c - read RRs from zone-file text (see zonefile.h).
 *
 * The text is scanned once.  An entry is collected into a buffer line by
 * line until its parentheses balance (quotes and comments are tracked so
 * that ';' and parentheses inside quoted strings do not count), then
 * parsed.  A blank owner is replaced by the previous entry's owner in
 * presentation form.
 */
#include "config.h"
#include "util/zonefile.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/log.h"
#include "util/rdata.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Longest entry accepted (a DNSKEY of 16 kbit in base64 fits). */
#define ZONEFILE_MAX_ENTRY 65536

/** State of one read. */
struct zf_state {
	/** Name for messages. */
	const char *name;
	/** Current origin. */
	uint8_t origin[DNAME_MAXLEN];
	/** Current default TTL. */
	uint32_t ttl;
	/** Previous owner in presentation form, "" before the first. */
	char prev_owner[DNAME_MAXSTR];
	/** Callback and its argument. */
	zonefile_rr_cb cb;
	/** Argument for cb. */
	void *arg;
	/** The parsed RR (large: heap). */
	struct rr_text *rr;
	/** An entry with the previous owner put in front (heap). */
	char *full;
};

/** Parenthesis depth change of a line, tracking quotes and comments;
 * -1000 when the line closes more than it opens below zero. */
static int
zf_paren_delta(const char *s, size_t len)
{
	int d = 0, inq = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < len) {
			i++;
			continue;
		}
		if (c == '"') {
			inq = !inq;
		} else if (!inq && c == ';') {
			break;
		} else if (!inq && c == '(') {
			d++;
		} else if (!inq && c == ')') {
			d--;
		}
	}
	return d;
}

/** Skip blanks. */
static const char *
zf_skip(const char *s)
{
	while (*s == ' ' || *s == '\t') {
		s++;
	}
	return s;
}

/** 1 when the entry is only blanks and a comment. */
static int
zf_blank(const char *s)
{
	s = zf_skip(s);
	return *s == 0 || *s == ';' || *s == '\n' || *s == '\r';
}

/** Handle a $ directive.  0 or RES_ESYNTAX (logged). */
static int
zf_directive(struct zf_state *st, const char *e, int line)
{
	char word[16], val[DNAME_MAXSTR];

	if (sscanf(e, "%15s %1021s", word, val) != 2) {
		log_err("%s:%d: %s needs a value", st->name, line, e);
		return RES_ESYNTAX;
	}
	if (strcmp(word, "$ORIGIN") == 0) {
		uint8_t d[DNAME_MAXLEN];

		if (dname_from_str(val, st->origin, d, NULL) != RES_OK) {
			log_err("%s:%d: $ORIGIN: bad name '%s'", st->name,
			    line, val);
			return RES_ESYNTAX;
		}
		memcpy(st->origin, d, dname_len(d));
		return RES_OK;
	}
	if (strcmp(word, "$TTL") == 0) {
		char *end;
		unsigned long v = strtoul(val, &end, 10);

		if (*end || end == val || v > 2147483647UL) {
			log_err("%s:%d: $TTL: bad value '%s'", st->name, line,
			    val);
			return RES_ESYNTAX;
		}
		st->ttl = (uint32_t)v;
		return RES_OK;
	}
	log_err("%s:%d: unsupported directive %s", st->name, line, word);
	return RES_ESYNTAX;
}

/** Parse one complete entry.  0 or an error (logged). */
static int
zf_entry(struct zf_state *st, char *e, int line)
{
	const char *text = e;
	int ret;

	if (zf_blank(e)) {
		return RES_OK;
	}
	if (e[0] == '$') {
		return zf_directive(st, e, line);
	}
	if (e[0] == ' ' || e[0] == '\t') {
		if (!st->prev_owner[0]) {
			log_err("%s:%d: no owner name and no previous one",
			    st->name, line);
			return RES_ESYNTAX;
		}
		snprintf(st->full, ZONEFILE_MAX_ENTRY + DNAME_MAXSTR + 2,
		    "%s %s", st->prev_owner, e);
		text = st->full;
	}
	ret = rr_from_str(text, st->origin, st->ttl, st->rr);
	if (ret != RES_OK) {
		log_err("%s:%d: cannot parse record: %s", st->name, line,
		    res_strerror(ret));
		return ret == RES_ENOMEM ? ret : RES_ESYNTAX;
	}
	dname_to_str(st->rr->owner, st->prev_owner, sizeof(st->prev_owner));
	return st->cb(st->arg, st->rr, st->name, line);
}

int
zonefile_read_string(const char *text, const char *name,
    const uint8_t *origin, uint32_t default_ttl, zonefile_rr_cb cb, void *arg)
{
	struct zf_state st;
	char *entry;
	size_t elen = 0;
	int depth = 0, line = 0, start = 0, ret = RES_OK;
	const char *p = text, *nl;

	memset(&st, 0, sizeof(st));
	st.name = name ? name : "(string)";
	if (origin) {
		memcpy(st.origin, origin, dname_len(origin));
	}
	st.ttl = default_ttl;
	st.cb = cb;
	st.arg = arg;
	st.rr = malloc(sizeof(*st.rr));
	st.full = malloc(ZONEFILE_MAX_ENTRY + DNAME_MAXSTR + 2);
	entry = malloc(ZONEFILE_MAX_ENTRY);
	if (!st.rr || !entry || !st.full) {
		free(st.rr);
		free(st.full);
		free(entry);
		return RES_ENOMEM;
	}
	while (*p && ret == RES_OK) {
		size_t len;

		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		line++;
		if (elen == 0) {
			start = line;
		}
		if (elen + len + 2 > ZONEFILE_MAX_ENTRY) {
			log_err("%s:%d: entry too long", st.name, start);
			ret = RES_ESYNTAX;
			break;
		}
		memcpy(entry + elen, p, len);
		elen += len;
		entry[elen++] = '\n';
		entry[elen] = 0;
		depth += zf_paren_delta(p, len);
		p = nl ? nl + 1 : p + len;
		if (depth < 0) {
			log_err("%s:%d: unbalanced ')'", st.name, start);
			ret = RES_ESYNTAX;
			break;
		}
		if (depth == 0) {
			ret = zf_entry(&st, entry, start);
			elen = 0;
		}
	}
	if (ret == RES_OK && depth > 0) {
		log_err("%s:%d: '(' not closed", st.name, start);
		ret = RES_ESYNTAX;
	}
	free(entry);
	free(st.full);
	free(st.rr);
	return ret;
}

int
zonefile_read_text(const char *file, size_t max, char **out)
{
	FILE *f = fopen(file, "r");
	char *text;
	long sz = -1;

	*out = NULL;
	if (!f) {
		log_err("cannot open %s: %s", file, strerror(errno));
		return RES_ESYSTEM;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (unsigned long)sz > max) {
		if (sz >= 0 && (unsigned long)sz > max) {
			log_err("%s: larger than %zu octets", file, max);
		} else {
			log_err("cannot read %s: %s", file, strerror(errno));
		}
		fclose(f);
		return RES_ESYSTEM;
	}
	if (!(text = malloc((size_t)sz + 1))) {
		fclose(f);
		return RES_ENOMEM;
	}
	if (fread(text, 1, (size_t)sz, f) != (size_t)sz) {
		log_err("cannot read %s: %s", file, strerror(errno));
		free(text);
		fclose(f);
		return RES_ESYSTEM;
	}
	fclose(f);
	text[sz] = 0;
	if (strlen(text) != (size_t)sz) {
		log_err("%s: contains a NUL octet", file);
		free(text);
		return RES_ESYNTAX;
	}
	*out = text;
	return RES_OK;
}

int
zonefile_read(const char *file, const uint8_t *origin, uint32_t default_ttl,
    zonefile_rr_cb cb, void *arg)
{
	char *text;
	int ret;

	if ((ret = zonefile_read_text(file, SIZE_MAX, &text)) != RES_OK) {
		return ret;
	}
	ret = zonefile_read_string(text, file, origin, default_ttl, cb, arg);
	free(text);
	return ret;
}
