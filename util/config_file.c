/*
 * util/config_file.c - the resolute.conf parser, defaults, printer and checks.
 *
 * The text is processed a line at a time.  A line is cut into words (a
 * quoted string is one word, quotes removed; '#' at the start of a word
 * begins a comment, so "192.0.2.1@853#dns.example" stays one word as in
 * Unbound).  The words are then read left to right as keywords, each
 * ending in ':', followed by as many values as the keyword takes: none
 * for a clause, one for most options, two for access-control and
 * local-zone.  A keyword glued to its value ("port:53") is split when the
 * part up to the first colon is a known name.  Values must be on the line
 * of their option; that keeps every message on the right line and lets a
 * missing value be told apart from the next option.
 *
 * After an error the rest of the line is skipped (its words can no longer
 * be told apart) and reading goes on with the next line, so one run
 * reports many errors, up to CFG_MAX_ERRORS.
 *
 * The parser's state (current clause, current zone clause, the stack of
 * files being read) is shared by included files: an include behaves as if
 * its text stood at that point, as in Unbound.  Loops are found by
 * comparing the realpath(3) of each file with those on the stack.
 *
 * Every value goes through cfg_set_value(): the defaults of
 * config_create(), file text and config_set_option() alike, so a value is
 * checked the same way whatever its origin.
 */
#include "config.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/log.h"
#include "util/netevent.h"
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** Largest configuration file read, a guard against reading a device. */
#define CFG_MAX_FILE_SIZE (64 * 1024 * 1024)
/** Most words on one line. */
#define CFG_MAX_WORDS 64

/** The option table, generated from util/config_options.h. */
static const struct cfg_option cfg_options[] = {
#define CFG_X_ENTRY(cl, nm, ty, fi, df, mn, mx, ds) \
	{ cl, nm, CFG_T_##ty, offsetof(struct config, fi), #fi, df, mn, mx, \
	    ds },
	CFG_OPTIONS(CFG_X_ENTRY)
#undef CFG_X_ENTRY
};
/** Entries in cfg_options. */
#define CFG_NUM_OPTIONS (sizeof(cfg_options) / sizeof(cfg_options[0]))

/** An option of a forward-zone: or stub-zone: clause. */
struct cfg_zone_option {
	/** CFG_C_FORWARD or CFG_C_STUB. */
	enum cfg_clause clause;
	/** Name as written. */
	const char *name;
	/** CFG_T_STR, CFG_T_STRLIST or CFG_T_BOOL. */
	enum cfg_type type;
	/** Offset of the member in struct cfg_stub. */
	size_t offset;
	/** One-line description. */
	const char *desc;
};

/** The zone clause options, generated from util/config_options.h. */
static const struct cfg_zone_option cfg_zone_options[] = {
#define CFG_X_ZONE(cl, nm, ty, fi, ds) \
	{ cl, nm, CFG_T_##ty, offsetof(struct cfg_stub, fi), ds },
	CFG_ZONE_OPTIONS(CFG_X_ZONE)
#undef CFG_X_ZONE
};
/** Entries in cfg_zone_options. */
#define CFG_NUM_ZONE_OPTIONS \
	(sizeof(cfg_zone_options) / sizeof(cfg_zone_options[0]))

/** Clause keywords, indexed by enum cfg_clause. */
static const char *const cfg_clause_names[] = {
	"", "server", "remote-control", "cachedb", "dnstap",
	"forward-zone", "stub-zone"
};
/** Entries in cfg_clause_names. */
#define CFG_NUM_CLAUSES \
	(sizeof(cfg_clause_names) / sizeof(cfg_clause_names[0]))

/** Actions of access-control (as Unbound's). */
static const char *const cfg_acl_actions[] = { "allow", "deny", "refuse",
	"allow_snoop", "deny_non_local", "refuse_non_local", "allow_setrd",
	"allow_cookie", NULL };
/** Actions of http-stats-access-control. */
static const char *const cfg_http_acl_actions[] = { "allow", "deny", "refuse",
	NULL };
/** Types of local-zone (as Unbound's). */
static const char *const cfg_zone_types[] = { "static", "transparent",
	"redirect", "refuse", "deny", "always_nxdomain", "always_refuse",
	"always_transparent", "typetransparent", "inform", "nodefault",
	"noview", NULL };
/** Values of query-compare. */
static const char *const cfg_compare_modes[] = { "no", "unsigned", "all",
	NULL };

/** An option whose value (one of its tokens) is a word from a list. */
struct cfg_enum {
	/** The option. */
	const char *option;
	/** Which value token is checked: 0 first, 1 second. */
	int token;
	/** What the word is called in messages. */
	const char *what;
	/** The words, NULL-terminated. */
	const char *const *words;
};

/** The enumerated options, checked at parse time. */
static const struct cfg_enum cfg_enums[] = {
	{ "access-control", 1, "access-control action", cfg_acl_actions },
	{ "http-stats-access-control", 1, "http-stats-access-control action "
	    "(allow, deny or refuse)", cfg_http_acl_actions },
	{ "local-zone", 1, "local-zone type", cfg_zone_types },
	{ "query-compare", 0, "query-compare value", cfg_compare_modes }
};

/** One word of a line. */
struct cfg_word {
	/** The text, NUL-terminated, inside the line buffer. */
	char *s;
	/** Nonzero when it was quoted (never a keyword then). */
	int quoted;
};

/** State of one config_read() / config_read_string() run. */
struct cfg_parser {
	/** The settings being filled. */
	struct config *cfg;
	/** Current clause. */
	enum cfg_clause clause;
	/** Current forward-zone: or stub-zone: entry, or NULL. */
	struct cfg_stub *stub;
	/** Errors reported so far. */
	int errors;
	/** File (or name) being read, for messages. */
	const char *fname;
	/** Line being read; 0 when there is no line (set_option). */
	int line;
	/** Files being read: depth entries of realpath()s (malloced). */
	char *stack[CFG_MAX_INCLUDE_DEPTH + 1];
	/** Entries in stack. */
	int depth;
};

/**
 * Report an error at the parser's position, through log_err().
 * @param p: the parser; its error count goes up.
 * @param fmt: printf format of the message.
 */
static void cfg_error(struct cfg_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
cfg_error(struct cfg_parser *p, const char *fmt, ...)
{
	char msg[1024];
	va_list args;

	if (p->errors >= CFG_MAX_ERRORS) {
		return;
	}
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	if (p->line > 0) {
		log_err("%s:%d: %s", p->fname, p->line, msg);
	} else {
		log_err("%s: %s", p->fname, msg);
	}
	p->errors++;
	if (p->errors == CFG_MAX_ERRORS) {
		log_err("%s:%d: too many errors, giving up", p->fname,
		    p->line);
	}
}

/** Free a string list. */
static void
cfg_strlist_free(struct cfg_strlist *l)
{
	struct cfg_strlist *next;

	for (; l; l = next) {
		next = l->next;
		free(l->str);
		free(l->file);
		free(l);
	}
}

/** Free a two-string list. */
static void
cfg_str2list_free(struct cfg_str2list *l)
{
	struct cfg_str2list *next;

	for (; l; l = next) {
		next = l->next;
		free(l->str);
		free(l->str2);
		free(l->file);
		free(l);
	}
}

/** Free a list of zone clauses. */
static void
cfg_stub_free(struct cfg_stub *s)
{
	struct cfg_stub *next;

	for (; s; s = next) {
		next = s->next;
		free(s->name);
		cfg_strlist_free(s->hosts);
		cfg_strlist_free(s->addrs);
		free(s->file);
		free(s);
	}
}

/**
 * Append a value to a string list, keeping file order.
 * @return 0 or RES_ENOMEM (the list is unchanged then).
 */
static int
cfg_strlist_append(struct cfg_strlist **head, const char *str,
    const char *file, int line)
{
	struct cfg_strlist *e = calloc(1, sizeof(*e));

	if (!e) {
		return RES_ENOMEM;
	}
	e->str = strdup(str);
	e->file = strdup(file);
	if (!e->str || !e->file) {
		free(e->str);
		free(e->file);
		free(e);
		return RES_ENOMEM;
	}
	e->line = line;
	while (*head) {
		head = &(*head)->next;
	}
	*head = e;
	return RES_OK;
}

/**
 * Append a pair to a two-string list, keeping file order.
 * @return 0 or RES_ENOMEM (the list is unchanged then).
 */
static int
cfg_str2list_append(struct cfg_str2list **head, const char *str,
    const char *str2, const char *file, int line)
{
	struct cfg_str2list *e = calloc(1, sizeof(*e));

	if (!e) {
		return RES_ENOMEM;
	}
	e->str = strdup(str);
	e->str2 = strdup(str2);
	e->file = strdup(file);
	if (!e->str || !e->str2 || !e->file) {
		free(e->str);
		free(e->str2);
		free(e->file);
		free(e);
		return RES_ENOMEM;
	}
	e->line = line;
	while (*head) {
		head = &(*head)->next;
	}
	*head = e;
	return RES_OK;
}

int
config_parse_size(const char *s, size_t *out)
{
	unsigned long long v = 0, mult = 1;
	const char *p = s;

	if (!s || !out || *p < '0' || *p > '9') {
		return RES_ESYNTAX;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (ULLONG_MAX - 9) / 10) {
			return RES_ESYNTAX;
		}
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	switch (*p) {
	case 0:
		break;
	case 'k': case 'K':
		mult = 1024ULL;
		p++;
		break;
	case 'm': case 'M':
		mult = 1024ULL * 1024;
		p++;
		break;
	case 'g': case 'G':
		mult = 1024ULL * 1024 * 1024;
		p++;
		break;
	default:
		return RES_ESYNTAX;
	}
	if (mult > 1 && (*p == 'b' || *p == 'B')) {
		p++;
	}
	if (*p != 0) {
		return RES_ESYNTAX;
	}
	if (v > (unsigned long long)SIZE_MAX / mult) {
		return RES_ESYNTAX;
	}
	*out = (size_t)(v * mult);
	return RES_OK;
}

/**
 * Parse a decimal integer, all of s.
 * @return 0, RES_ESYNTAX for non-numbers, RES_ELIMIT past long long.
 */
static int
cfg_parse_num(const char *s, long long *out)
{
	char *end;

	if (!*s || !((*s >= '0' && *s <= '9') || *s == '-')) {
		return RES_ESYNTAX;
	}
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (end == s || *end != 0) {
		return RES_ESYNTAX;
	}
	if (errno == ERANGE) {
		return RES_ELIMIT;
	}
	return RES_OK;
}

/** The entry of cfg_enums for an option and token, or NULL. */
static const struct cfg_enum *
cfg_enum_find(const char *option, int token)
{
	size_t i;

	for (i = 0; i < sizeof(cfg_enums) / sizeof(cfg_enums[0]); i++) {
		if (strcmp(cfg_enums[i].option, option) == 0 &&
		    cfg_enums[i].token == token) {
			return &cfg_enums[i];
		}
	}
	return NULL;
}

/**
 * Check a value against its option's word list, if it has one.
 * @return 0 or RES_ESYNTAX (reported).
 */
static int
cfg_enum_check(struct cfg_parser *p, const char *option, int token,
    const char *val)
{
	const struct cfg_enum *e = cfg_enum_find(option, token);
	char list[512];
	size_t i, w = 0;

	if (!e) {
		return RES_OK;
	}
	for (i = 0; e->words[i]; i++) {
		if (strcmp(e->words[i], val) == 0) {
			return RES_OK;
		}
	}
	list[0] = 0;
	for (i = 0; e->words[i] && w < sizeof(list); i++) {
		int n = snprintf(list + w, sizeof(list) - w, "%s%s",
		    i ? ", " : "", e->words[i]);

		if (n < 0) {
			break;
		}
		w += (size_t)n;
	}
	cfg_error(p, "unknown %s '%s' (expected one of: %s)", e->what, val,
	    list);
	return RES_ESYNTAX;
}

/**
 * Parse yes/no.
 * @return 0 or RES_ESYNTAX (reported).
 */
static int
cfg_parse_bool(struct cfg_parser *p, const char *name, const char *val,
    int *out)
{
	if (strcmp(val, "yes") == 0) {
		*out = 1;
	} else if (strcmp(val, "no") == 0) {
		*out = 0;
	} else {
		cfg_error(p, "expected yes or no for '%s', got '%s'", name,
		    val);
		return RES_ESYNTAX;
	}
	return RES_OK;
}

/**
 * Check and store the values of one option.  Nothing is changed when a
 * value is refused.
 * @param p: the parser (position for messages and list entries).
 * @param o: the option.
 * @param vals: its values: two for CFG_T_STR2LIST, one otherwise.
 * @return 0, RES_ESYNTAX (reported) or RES_ENOMEM (reported).
 */
/**
 * Note where a single-value option was set (config_where()).
 * @return 0 or RES_ENOMEM.
 */
static int
cfg_set_where(struct cfg_parser *p, const struct cfg_option *o)
{
	struct cfg_where *w;
	char *f;

	if (!p->cfg->where || o < cfg_options ||
	    o >= cfg_options + CFG_NUM_OPTIONS) {
		return RES_OK;
	}
	w = &p->cfg->where[o - cfg_options];
	if (p->line == 0 && strcmp(p->fname, "default") == 0) {
		free(w->file);
		w->file = NULL;
		w->line = 0;
		return RES_OK;
	}
	if (!(f = strdup(p->fname))) {
		return RES_ENOMEM;
	}
	free(w->file);
	w->file = f;
	w->line = p->line;
	return RES_OK;
}

static int
cfg_set_value(struct cfg_parser *p, const struct cfg_option *o,
    char *const *vals)
{
	char *base = (char *)p->cfg + o->offset;
	long long n;
	size_t sz;
	int r, b;
	char *s;

	switch (o->type) {
	case CFG_T_BOOL:
		if (cfg_parse_bool(p, o->name, vals[0], &b) != 0) {
			return RES_ESYNTAX;
		}
		*(int *)base = b;
		return cfg_set_where(p, o) == RES_OK ? RES_OK : RES_ENOMEM;
	case CFG_T_INT:
	case CFG_T_TIME:
		r = cfg_parse_num(vals[0], &n);
		if (r == RES_ESYNTAX) {
			cfg_error(p, "expected a number for '%s', got '%s'",
			    o->name, vals[0]);
			return RES_ESYNTAX;
		}
		if (r != 0 || n < o->min || n > o->max) {
			cfg_error(p, "value %s for '%s' out of range %ld..%ld",
			    vals[0], o->name, o->min, o->max);
			return RES_ESYNTAX;
		}
		*(int *)base = (int)n;
		return cfg_set_where(p, o) == RES_OK ? RES_OK : RES_ENOMEM;
	case CFG_T_SIZE:
		if (config_parse_size(vals[0], &sz) != 0) {
			cfg_error(p, "expected a size (bytes, or with k, m or "
			    "g) for '%s', got '%s'", o->name, vals[0]);
			return RES_ESYNTAX;
		}
		*(size_t *)base = sz;
		return cfg_set_where(p, o) == RES_OK ? RES_OK : RES_ENOMEM;
	case CFG_T_STR:
		if (cfg_enum_check(p, o->name, 0, vals[0]) != 0) {
			return RES_ESYNTAX;
		}
		if (!(s = strdup(vals[0]))) {
			break;
		}
		free(*(char **)base);
		*(char **)base = s;
		return cfg_set_where(p, o) == RES_OK ? RES_OK : RES_ENOMEM;
	case CFG_T_STRLIST:
		if (cfg_enum_check(p, o->name, 0, vals[0]) != 0) {
			return RES_ESYNTAX;
		}
		if (cfg_strlist_append((struct cfg_strlist **)base, vals[0],
		    p->fname, p->line) != 0) {
			break;
		}
		return RES_OK;
	case CFG_T_STR2LIST:
		if (cfg_enum_check(p, o->name, 0, vals[0]) != 0 ||
		    cfg_enum_check(p, o->name, 1, vals[1]) != 0) {
			return RES_ESYNTAX;
		}
		if (cfg_str2list_append((struct cfg_str2list **)base,
		    vals[0], vals[1], p->fname, p->line) != 0) {
			break;
		}
		return RES_OK;
	}
	cfg_error(p, "out of memory");
	return RES_ENOMEM;
}

/**
 * Store the value of a zone clause option in the current cfg_stub.
 * @return 0, RES_ESYNTAX or RES_ENOMEM (reported).
 */
static int
cfg_set_zone_value(struct cfg_parser *p, const struct cfg_zone_option *o,
    const char *val)
{
	char *base = (char *)p->stub + o->offset;
	int b;

	switch (o->type) {
	case CFG_T_BOOL:
		if (cfg_parse_bool(p, o->name, val, &b) != 0) {
			return RES_ESYNTAX;
		}
		*(int *)base = b;
		return RES_OK;
	case CFG_T_STR:
		if (*(char **)base) {
			cfg_error(p, "second '%s' in one %s: clause", o->name,
			    cfg_clause_names[o->clause]);
			return RES_ESYNTAX;
		}
		if (!(*(char **)base = strdup(val))) {
			break;
		}
		return RES_OK;
	case CFG_T_STRLIST:
		if (cfg_strlist_append((struct cfg_strlist **)base, val,
		    p->fname, p->line) != 0) {
			break;
		}
		return RES_OK;
	default:
		assert(0);
		return RES_ESYNTAX;
	}
	cfg_error(p, "out of memory");
	return RES_ENOMEM;
}

/**
 * Find an option by name, n octets of it (no colon).
 * @return the entry or NULL.
 */
static const struct cfg_option *
cfg_option_findn(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < CFG_NUM_OPTIONS; i++) {
		if (strlen(cfg_options[i].name) == n &&
		    strncmp(cfg_options[i].name, name, n) == 0) {
			return &cfg_options[i];
		}
	}
	return NULL;
}

/** Find a zone option of a clause (or any zone clause with CFG_C_NONE). */
static const struct cfg_zone_option *
cfg_zone_option_find(enum cfg_clause clause, const char *name)
{
	size_t i;

	for (i = 0; i < CFG_NUM_ZONE_OPTIONS; i++) {
		if ((clause == CFG_C_NONE ||
		    cfg_zone_options[i].clause == clause) &&
		    strcmp(cfg_zone_options[i].name, name) == 0) {
			return &cfg_zone_options[i];
		}
	}
	return NULL;
}

/** The clause named name, or CFG_C_NONE. */
static enum cfg_clause
cfg_clause_find(const char *name)
{
	size_t i;

	for (i = 1; i < CFG_NUM_CLAUSES; i++) {
		if (strcmp(cfg_clause_names[i], name) == 0) {
			return (enum cfg_clause)i;
		}
	}
	return CFG_C_NONE;
}

const struct cfg_option *
config_option_find(const char *name)
{
	size_t n;

	if (!name) {
		return NULL;
	}
	n = strlen(name);
	if (n > 0 && name[n - 1] == ':') {
		n--;
	}
	return cfg_option_findn(name, n);
}

const struct cfg_option *
config_option_table(size_t *n)
{
	if (n) {
		*n = CFG_NUM_OPTIONS;
	}
	return cfg_options;
}

/** The refused options; resolute.conf(5) lists them too. */
static const struct cfg_refused cfg_refused_options[] = {
	{ "harden-glue", "yes", "out-of-bailiwick glue is always dropped" },
	{ "harden-dnssec-stripped", "yes", "a zone below a trust anchor "
	    "whose signatures are missing is always bogus" },
	{ "minimal-responses", "yes", "answers always hold only what the "
	    "answer needs" },
	{ "msg-buffer-size", NULL, "message buffers are sized for the "
	    "largest message (65535 octets); remove the line" },
	{ "prefetch-key", NULL, "not built yet; remove the line" },
	{ "dnstap-bidirectional", "yes", "the Frame Streams connection "
	    "always starts with the bidirectional handshake" },
	{ "dnstap-ip", NULL, "dnstap over TCP is not built; use "
	    "dnstap-socket-path" },
	{ "dnstap-tls", NULL, "dnstap over TLS is not built; use "
	    "dnstap-socket-path" },
	{ "dnstap-tls-server-name", NULL, "dnstap over TLS is not built" },
	{ "dnstap-tls-cert-bundle", NULL, "dnstap over TLS is not built" },
	{ "dnstap-tls-client-key-file", NULL, "dnstap over TLS is not "
	    "built" },
	{ "dnstap-tls-client-cert-file", NULL, "dnstap over TLS is not "
	    "built" },
	{ "dnstap-sample-rate", "0", "every message is logged" },
	{ "dnstap-log-forwarder-query-messages", NULL, "not built: queries "
	    "to forwarders are logged as RESOLVER_QUERY with "
	    "dnstap-log-resolver-query-messages; remove the line" },
	{ "dnstap-log-forwarder-response-messages", NULL, "not built: "
	    "replies of forwarders are logged as RESOLVER_RESPONSE with "
	    "dnstap-log-resolver-response-messages; remove the line" }
};

const struct cfg_refused *
config_refused_table(size_t *n)
{
	if (n) {
		*n = sizeof(cfg_refused_options) /
		    sizeof(cfg_refused_options[0]);
	}
	return cfg_refused_options;
}

/** A refused option by name, or NULL. */
static const struct cfg_refused *
cfg_refused_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cfg_refused_options) /
	    sizeof(cfg_refused_options[0]); i++) {
		if (strcmp(cfg_refused_options[i].name, name) == 0) {
			return &cfg_refused_options[i];
		}
	}
	return NULL;
}

/** 1 if name (NUL-terminated, no colon) is any keyword of the file. */
static int
cfg_is_keyword(const char *name)
{
	return strcmp(name, "include") == 0 ||
	    cfg_clause_find(name) != CFG_C_NONE ||
	    config_option_find(name) != NULL ||
	    cfg_zone_option_find(CFG_C_NONE, name) != NULL ||
	    cfg_refused_find(name) != NULL;
}

/** 1 if an unquoted word is written as a keyword: "known-name:". */
static int
cfg_word_is_keyword(const struct cfg_word *w)
{
	char name[128];
	size_t n = strlen(w->s);

	if (w->quoted || n < 2 || n > sizeof(name) || w->s[n - 1] != ':') {
		return 0;
	}
	memcpy(name, w->s, n - 1);
	name[n - 1] = 0;
	return cfg_is_keyword(name);
}

/** Edit distance of two short strings, capped for long ones. */
static size_t
cfg_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64], prev, tmp, best;

	if (la >= 63 || lb >= 63) {
		return 64;
	}
	for (j = 0; j <= lb; j++) {
		row[j] = j;
	}
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] == b[j - 1] ? 0 : 1);
			if (row[j] + 1 < best) {
				best = row[j] + 1;
			}
			if (row[j - 1] + 1 < best) {
				best = row[j - 1] + 1;
			}
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

/** The known keyword nearest to name when it is a likely typo, or NULL. */
static const char *
cfg_suggest(const char *name)
{
	const char *best = NULL;
	size_t i, d, bestd = 3;

	for (i = 0; i < CFG_NUM_OPTIONS; i++) {
		d = cfg_distance(name, cfg_options[i].name);
		if (d < bestd) {
			bestd = d;
			best = cfg_options[i].name;
		}
	}
	for (i = 0; i < CFG_NUM_ZONE_OPTIONS; i++) {
		d = cfg_distance(name, cfg_zone_options[i].name);
		if (d < bestd) {
			bestd = d;
			best = cfg_zone_options[i].name;
		}
	}
	for (i = 1; i < CFG_NUM_CLAUSES; i++) {
		d = cfg_distance(name, cfg_clause_names[i]);
		if (d < bestd) {
			bestd = d;
			best = cfg_clause_names[i];
		}
	}
	/* Two edits in a very short name are a different word. */
	if (best && bestd * 3 > strlen(name)) {
		return NULL;
	}
	return best;
}

/**
 * Cut a line into words, in place.
 * @param p: the parser, for messages.
 * @param line: the line, NUL-terminated; modified.
 * @param words: receives up to CFG_MAX_WORDS words.
 * @return the number of words, or -1 after a reported error.
 */
static int
cfg_split(struct cfg_parser *p, char *line, struct cfg_word *words)
{
	char *s = line, *end;
	int n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\f' ||
		    *s == '\v' || *s == '\n') {
			s++;
		}
		if (*s == 0 || *s == '#') {
			return n;
		}
		if (n == CFG_MAX_WORDS) {
			cfg_error(p, "more than %d words on one line",
			    CFG_MAX_WORDS);
			return -1;
		}
		if (*s == '"' || *s == '\'') {
			end = strchr(s + 1, *s);
			if (!end) {
				cfg_error(p, "unterminated quote: %c missing",
				    *s);
				return -1;
			}
			words[n].s = s + 1;
			words[n].quoted = 1;
			*end = 0;
			s = end + 1;
		} else {
			words[n].s = s;
			words[n].quoted = 0;
			while (*s && *s != ' ' && *s != '\t' && *s != '\r' &&
			    *s != '\f' && *s != '\v' && *s != '\n' &&
			    *s != '"' && *s != '\'') {
				s++;
			}
			if (*s == '"' || *s == '\'') {
				cfg_error(p, "quote inside the word '%.*s'",
				    (int)(s - words[n].s + 1), words[n].s);
				return -1;
			}
			if (*s) {
				*s++ = 0;
			}
		}
		n++;
	}
}

static int cfg_include(struct cfg_parser *p, const char *pattern);

/**
 * Start a clause.
 * @return 0 or RES_ENOMEM (reported).
 */
static int
cfg_start_clause(struct cfg_parser *p, enum cfg_clause c)
{
	struct cfg_stub *s, **head;

	p->clause = c;
	p->stub = NULL;
	if (c != CFG_C_FORWARD && c != CFG_C_STUB) {
		return RES_OK;
	}
	if (!(s = calloc(1, sizeof(*s))) || !(s->file = strdup(p->fname))) {
		free(s);
		cfg_error(p, "out of memory");
		return RES_ENOMEM;
	}
	s->line = p->line;
	/* Unbound's defaults: stubs are primed only when asked, and
	 * forward-first / stub-first are off. */
	head = c == CFG_C_FORWARD ? &p->cfg->forwards : &p->cfg->stubs;
	while (*head) {
		head = &(*head)->next;
	}
	*head = s;
	p->stub = s;
	return RES_OK;
}

/**
 * Report that an option was found in the wrong place.
 * @param name: the option.
 * @param home: the clause it belongs in.
 */
static void
cfg_error_place(struct cfg_parser *p, const char *name, enum cfg_clause home)
{
	if (p->clause == CFG_C_NONE) {
		cfg_error(p, "option '%s' outside any clause (expected '%s:' "
		    "first)", name, cfg_clause_names[home]);
	} else {
		cfg_error(p, "option '%s' belongs in '%s:', not in '%s:'",
		    name, cfg_clause_names[home],
		    cfg_clause_names[p->clause]);
	}
}

/**
 * Process the words of one line.
 * @return 0, or the first error (reported); the rest of the line is
 *	skipped after an error.
 */
static int
cfg_line(struct cfg_parser *p, struct cfg_word *words, int n)
{
	char name[128], prev[128], *colon;
	const struct cfg_option *o;
	const struct cfg_zone_option *zo;
	const struct cfg_refused *rf;
	enum cfg_clause c;
	char *vals[2];
	int i = 0, k, need, r;
	size_t len;

	prev[0] = 0;
	while (i < n) {
		struct cfg_word *w = &words[i];

		/* A keyword: unquoted, ending at its first colon. */
		colon = w->quoted ? NULL : strchr(w->s, ':');
		if (!colon) {
			if (prev[0]) {
				cfg_error(p, "unexpected '%s' (too many values "
				    "for '%s'?)", w->s, prev);
			} else if (!w->quoted && cfg_is_keyword(w->s)) {
				cfg_error(p, "missing ':' after '%s'", w->s);
			} else {
				cfg_error(p, "expected 'name: value', got "
				    "'%s'", w->s);
			}
			return RES_ESYNTAX;
		}
		len = (size_t)(colon - w->s);
		if (len == 0 || len >= sizeof(name)) {
			cfg_error(p, "expected an option name, got '%s'", w->s);
			return RES_ESYNTAX;
		}
		memcpy(name, w->s, len);
		name[len] = 0;
		if (colon[1] != 0) {
			/* "port:53": the rest of the word is the next word. */
			if (!cfg_is_keyword(name)) {
				goto unknown;
			}
			w->s = colon + 1;
		} else {
			i++;
		}

		prev[0] = 0;
		if ((c = cfg_clause_find(name)) != CFG_C_NONE) {
			if ((r = cfg_start_clause(p, c)) != 0) {
				return r;
			}
			continue;
		}
		o = NULL;
		zo = NULL;
		rf = NULL;
		need = 1;
		if (strcmp(name, "include") == 0) {
			/* Allowed anywhere. */
		} else if (p->clause == CFG_C_FORWARD ||
		    p->clause == CFG_C_STUB) {
			zo = cfg_zone_option_find(p->clause, name);
			if (!zo) {
				if ((o = cfg_option_findn(name, len)) != NULL) {
					cfg_error_place(p, name, o->clause);
				} else if ((zo = cfg_zone_option_find(
				    CFG_C_NONE, name)) != NULL) {
					cfg_error_place(p, name, zo->clause);
				} else {
					goto unknown;
				}
				return RES_ESYNTAX;
			}
		} else if ((o = cfg_option_findn(name, len)) != NULL) {
			if (o->clause != p->clause) {
				cfg_error_place(p, name, o->clause);
				return RES_ESYNTAX;
			}
			need = o->type == CFG_T_STR2LIST ? 2 : 1;
		} else if ((zo = cfg_zone_option_find(CFG_C_NONE, name))) {
			cfg_error_place(p, name, zo->clause);
			return RES_ESYNTAX;
		} else if ((rf = cfg_refused_find(name)) != NULL) {
			if (!rf->value) {
				cfg_error(p, "option '%s' is not supported: %s",
				    name, rf->why);
				return RES_ESYNTAX;
			}
		} else {
			goto unknown;
		}

		for (k = 0; k < need; k++) {
			if (i + k >= n || cfg_word_is_keyword(&words[i + k])) {
				if (k == 0) {
					cfg_error(p, "missing value for '%s'",
					    name);
				} else {
					cfg_error(p, "'%s' needs two values, "
					    "got one", name);
				}
				return RES_ESYNTAX;
			}
			vals[k] = words[i + k].s;
		}
		i += need;
		memcpy(prev, name, len + 1);
		if (rf) {
			r = 0;
			if (strcmp(vals[0], rf->value) != 0) {
				cfg_error(p, "'%s: %s' is not supported (only "
				    "'%s': %s)", name, vals[0], rf->value,
				    rf->why);
				r = RES_ESYNTAX;
			}
		} else if (zo) {
			r = cfg_set_zone_value(p, zo, vals[0]);
		} else if (o) {
			r = cfg_set_value(p, o, vals);
		} else {
			r = cfg_include(p, vals[0]);
			/* Errors inside were reported where they are. */
			r = 0;
		}
		if (r != 0) {
			return r;
		}
	}
	return RES_OK;

unknown:
	{
		const char *sug = cfg_suggest(name);

		if (sug) {
			cfg_error(p, "unknown option '%s' (did you mean "
			    "'%s'?)", name, sug);
		} else {
			cfg_error(p, "unknown option '%s'", name);
		}
	}
	return RES_ESYNTAX;
}

/**
 * Parse a text buffer, line by line.
 * @param p: the parser; fname set by the caller, line is set here.
 * @param text: the text (len octets, need not be NUL-terminated).
 * @param len: its length.
 * @return 0 or RES_ENOMEM; syntax errors are counted in p->errors.
 */
static int
cfg_parse_text(struct cfg_parser *p, const char *text, size_t len)
{
	struct cfg_word words[CFG_MAX_WORDS];
	char *line = NULL;
	size_t pos = 0, end, cap = 0;
	int n, lineno = 0;

	while (pos < len && p->errors < CFG_MAX_ERRORS) {
		const char *nl = memchr(text + pos, '\n', len - pos);

		end = nl ? (size_t)(nl - text) : len;
		lineno++;
		p->line = lineno;
		if (memchr(text + pos, 0, end - pos)) {
			cfg_error(p, "NUL character in the line");
			pos = end + 1;
			continue;
		}
		if (end - pos + 1 > cap) {
			char *nline = realloc(line, end - pos + 1);

			if (!nline) {
				free(line);
				cfg_error(p, "out of memory");
				return RES_ENOMEM;
			}
			line = nline;
			cap = end - pos + 1;
		}
		memcpy(line, text + pos, end - pos);
		line[end - pos] = 0;
		n = cfg_split(p, line, words);
		if (n > 0) {
			(void)cfg_line(p, words, n);
		}
		pos = end + 1;
	}
	free(line);
	return RES_OK;
}

/**
 * Note a file read in cfg->files, for the checks under chroot:.
 * @param p: the parser, at the include line (or the top file).
 * @param file: the name from outside any chroot, as given.
 * @param top: nonzero for the file given to config_read().
 * @return 0 or RES_ENOMEM.
 */
static int
cfg_note_file(struct cfg_parser *p, const char *file, int top)
{
	char abs[4096];

	if (!config_path_absolute(p->cfg, file, abs, sizeof(abs))) {
		/* Kept as given: the check then names it as written. */
		snprintf(abs, sizeof(abs), "%s", file);
	}
	return cfg_strlist_append(&p->cfg->files, abs, top ? file :
	    p->fname, top ? 0 : p->line);
}

/**
 * Read one file and parse it, as the top file or an include.
 * @param p: the parser; its position is restored afterwards.
 * @param file: the file name, from outside any chroot (it is opened
 *	through config_path()).
 * @param top: nonzero for the file given to config_read().
 * @return 0, RES_ESYSTEM (a file that cannot be read: reported) or
 *	RES_ENOMEM.
 */
static int
cfg_parse_file(struct cfg_parser *p, const char *file, int top)
{
	const char *oldname = p->fname;
	int oldline = p->line, i, r = RES_OK;
	char *real, *buf = NULL;
	size_t len = 0, got;
	FILE *in;

	/* The stack holds the top file and CFG_MAX_INCLUDE_DEPTH levels. */
	if (p->depth > CFG_MAX_INCLUDE_DEPTH) {
		cfg_error(p, "includes nested deeper than %d at '%s'",
		    CFG_MAX_INCLUDE_DEPTH, file);
		return RES_ESYNTAX;
	}
	if (!(in = fopen(config_path(p->cfg, file), "r"))) {
		if (top) {
			log_err("cannot open config file %s: %s", file,
			    strerror(errno));
		} else {
			cfg_error(p, "cannot open include file '%s': %s", file,
			    strerror(errno));
		}
		return RES_ESYSTEM;
	}
	if (cfg_note_file(p, file, top) != RES_OK) {
		fclose(in);
		cfg_error(p, "out of memory");
		return RES_ENOMEM;
	}
	real = realpath(config_path(p->cfg, file), NULL);
	if (!real && !(real = strdup(file))) {
		fclose(in);
		cfg_error(p, "out of memory");
		return RES_ENOMEM;
	}
	for (i = 0; i < p->depth; i++) {
		if (strcmp(p->stack[i], real) == 0) {
			cfg_error(p, "include loop: '%s' is already being "
			    "read", file);
			free(real);
			fclose(in);
			return RES_ESYNTAX;
		}
	}
	/* Read all of it: a file's lines are parsed from memory. */
	for (;;) {
		char *nbuf;

		if (len >= CFG_MAX_FILE_SIZE) {
			cfg_error(p, "'%s' is larger than %d octets", file,
			    CFG_MAX_FILE_SIZE);
			r = RES_ESYNTAX;
			goto out;
		}
		if (!(nbuf = realloc(buf, len + 65536))) {
			cfg_error(p, "out of memory");
			r = RES_ENOMEM;
			goto out;
		}
		buf = nbuf;
		got = fread(buf + len, 1, 65536, in);
		len += got;
		if (got < 65536) {
			break;
		}
	}
	if (ferror(in)) {
		if (top) {
			log_err("cannot read config file %s: %s", file,
			    strerror(errno));
		} else {
			cfg_error(p, "cannot read include file '%s': %s",
			    file, strerror(errno));
		}
		r = RES_ESYSTEM;
		goto out;
	}
	p->stack[p->depth++] = real;
	real = NULL;
	p->fname = file;
	r = cfg_parse_text(p, buf, len);
	p->fname = oldname;
	p->line = oldline;
	free(p->stack[--p->depth]);
out:
	free(real);
	free(buf);
	fclose(in);
	return r;
}

/**
 * Handle "include: pattern": read every file the glob matches, in the
 * sorted order glob(3) gives.
 * @return 0 or an error (reported).
 */
static int
cfg_include(struct cfg_parser *p, const char *pattern)
{
	const char *inside = config_path(p->cfg, pattern);
	/* The chroot prefix taken off the pattern, put back on the names
	 * it matches: cfg_parse_file() takes names from outside. */
	int off = (int)(inside - pattern);
	char name[4096];
	glob_t g;
	size_t i;
	int r, ret = RES_OK;

	if (!strpbrk(pattern, "*?[")) {
		/* A plain name: it must exist. */
		return cfg_parse_file(p, pattern, 0);
	}
	memset(&g, 0, sizeof(g));
	r = glob(inside, 0, NULL, &g);
	if (r == GLOB_NOMATCH) {
		/* A pattern matching nothing is fine, as in Unbound. */
		globfree(&g);
		return RES_OK;
	}
	if (r != 0) {
		cfg_error(p, "include '%s': %s", pattern,
		    r == GLOB_NOSPACE ? "out of memory" : "cannot read");
		globfree(&g);
		return RES_ESYSTEM;
	}
	for (i = 0; i < g.gl_pathc && p->errors < CFG_MAX_ERRORS; i++) {
		if (snprintf(name, sizeof(name), "%.*s%s", off, pattern,
		    g.gl_pathv[i]) >= (int)sizeof(name)) {
			cfg_error(p, "include '%s': name too long", pattern);
			ret = RES_ESYNTAX;
			continue;
		}
		r = cfg_parse_file(p, name, 0);
		if (r != 0 && ret == 0) {
			ret = r;
		}
	}
	globfree(&g);
	return ret;
}

/** Report zone clauses without a name.  Called after a whole read. */
static void
cfg_check_zone_names(struct cfg_parser *p)
{
	struct cfg_stub *s;
	int c;

	for (c = CFG_C_FORWARD; c <= CFG_C_STUB; c++) {
		s = c == CFG_C_FORWARD ? p->cfg->forwards : p->cfg->stubs;
		for (; s; s = s->next) {
			if (!s->name) {
				const char *f = p->fname;
				int l = p->line;

				p->fname = s->file;
				p->line = s->line;
				cfg_error(p, "%s: clause without 'name:'",
				    cfg_clause_names[c]);
				p->fname = f;
				p->line = l;
			}
		}
	}
}

/** Initialise a parser for cfg. */
static void
cfg_parser_init(struct cfg_parser *p, struct config *cfg, const char *fname)
{
	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->fname = fname;
}

int
config_read(struct config *cfg, const char *file)
{
	struct cfg_parser p;
	char *name;
	int r;

	if (!cfg || !file) {
		return RES_EINVAL;
	}
	if (!(name = strdup(file))) {
		log_err("out of memory");
		return RES_ENOMEM;
	}
	free(cfg->config_file);
	cfg->config_file = name;
	cfg_parser_init(&p, cfg, file);
	r = cfg_parse_file(&p, file, 1);
	if (r == RES_ESYSTEM || r == RES_ENOMEM) {
		return r;
	}
	cfg_check_zone_names(&p);
	return p.errors ? RES_ESYNTAX : RES_OK;
}

int
config_read_string(struct config *cfg, const char *text, const char *fname)
{
	struct cfg_parser p;
	int r;

	if (!cfg || !text || !fname) {
		return RES_EINVAL;
	}
	cfg_parser_init(&p, cfg, fname);
	r = cfg_parse_text(&p, text, strlen(text));
	if (r != 0) {
		return r;
	}
	cfg_check_zone_names(&p);
	return p.errors ? RES_ESYNTAX : RES_OK;
}

int
config_set_option(struct config *cfg, const char *name, const char *value)
{
	struct cfg_word words[CFG_MAX_WORDS];
	const struct cfg_option *o;
	struct cfg_parser p;
	char *copy, *vals[2];
	int n, need, r;

	if (!cfg || !name || !value) {
		return RES_EINVAL;
	}
	if (!(o = config_option_find(name))) {
		log_err("set_option: unknown option '%s'", name);
		return RES_ENOTFOUND;
	}
	if (!(copy = strdup(value))) {
		log_err("out of memory");
		return RES_ENOMEM;
	}
	cfg_parser_init(&p, cfg, "set_option");
	need = o->type == CFG_T_STR2LIST ? 2 : 1;
	n = cfg_split(&p, copy, words);
	if (n < 0) {
		r = RES_ESYNTAX;
	} else if (n != need) {
		cfg_error(&p, "'%s' needs %s, got %d", o->name,
		    need == 2 ? "two values" : "one value", n);
		r = RES_ESYNTAX;
	} else {
		vals[0] = words[0].s;
		vals[1] = need == 2 ? words[1].s : NULL;
		r = cfg_set_value(&p, o, vals);
	}
	free(copy);
	return r;
}

struct config *
config_create(void)
{
	struct config *cfg = calloc(1, sizeof(*cfg));
	struct cfg_parser p;
	char *vals[2];
	size_t i;

	if (!cfg) {
		return NULL;
	}
	if (!(cfg->where = calloc(CFG_NUM_OPTIONS, sizeof(*cfg->where)))) {
		free(cfg);
		return NULL;
	}
	cfg_parser_init(&p, cfg, "default");
	for (i = 0; i < CFG_NUM_OPTIONS; i++) {
		if (!cfg_options[i].def) {
			continue;
		}
		/* The table has no two-token defaults. */
		assert(cfg_options[i].type != CFG_T_STR2LIST);
		vals[0] = (char *)cfg_options[i].def;
		vals[1] = NULL;
		if (cfg_set_value(&p, &cfg_options[i], vals) != 0) {
			config_delete(cfg);
			return NULL;
		}
	}
	return cfg;
}

void
config_delete(struct config *cfg)
{
	size_t i;
	char *base;

	if (!cfg) {
		return;
	}
	for (i = 0; i < CFG_NUM_OPTIONS; i++) {
		base = (char *)cfg + cfg_options[i].offset;
		switch (cfg_options[i].type) {
		case CFG_T_STR:
			free(*(char **)base);
			break;
		case CFG_T_STRLIST:
			cfg_strlist_free(*(struct cfg_strlist **)base);
			break;
		case CFG_T_STR2LIST:
			cfg_str2list_free(*(struct cfg_str2list **)base);
			break;
		default:
			break;
		}
	}
	for (i = 0; cfg->where && i < CFG_NUM_OPTIONS; i++) {
		free(cfg->where[i].file);
	}
	free(cfg->where);
	cfg_stub_free(cfg->forwards);
	cfg_stub_free(cfg->stubs);
	free(cfg->config_file);
	cfg_strlist_free(cfg->files);
	free(cfg->chrooted);
	free(cfg);
}

const char *
config_where(const struct config *cfg, const char *name, char *buf,
    size_t len)
{
	const struct cfg_option *o = config_option_find(name);
	const struct cfg_where *w = NULL;

	if (o && cfg->where && o >= cfg_options &&
	    o < cfg_options + CFG_NUM_OPTIONS) {
		w = &cfg->where[o - cfg_options];
	}
	if (w && w->file && w->line > 0) {
		snprintf(buf, len, "%s:%d", w->file, w->line);
	} else if (w && w->file) {
		snprintf(buf, len, "%s", w->file);
	} else {
		snprintf(buf, len, "%s", cfg->config_file ? cfg->config_file :
		    "config");
	}
	return buf;
}

/** Print a string value so the parser reads it back as the same word. */
static void
cfg_print_str(FILE *out, const char *s)
{
	size_t n = strlen(s);

	if (n > 0 && !strpbrk(s, " \t\r\f\v\"'") && s[0] != '#' &&
	    s[n - 1] != ':' && !strchr(s, ':')) {
		fputs(s, out);
	} else if (!strchr(s, '"')) {
		fprintf(out, "\"%s\"", s);
	} else {
		/* Holds a double quote: single quotes keep it intact. */
		fprintf(out, "'%s'", s);
	}
}

/** Print a size, with a suffix when it is an exact multiple. */
static void
cfg_print_size(FILE *out, size_t v)
{
	if (v && v % (1024UL * 1024 * 1024) == 0) {
		fprintf(out, "%zug", v / (1024UL * 1024 * 1024));
	} else if (v && v % (1024UL * 1024) == 0) {
		fprintf(out, "%zum", v / (1024UL * 1024));
	} else if (v && v % 1024 == 0) {
		fprintf(out, "%zuk", v / 1024);
	} else {
		fprintf(out, "%zu", v);
	}
}

/**
 * Print one option in file syntax, one line per value.
 * @param bare: nonzero prints only the values, unquoted (checkconf -o).
 */
static void
cfg_print_one(const struct config *cfg, const struct cfg_option *o,
    FILE *out, int bare)
{
	const char *base = (const char *)cfg + o->offset;
	const char *pre = bare ? "" : "\t";
	const struct cfg_strlist *l;
	const struct cfg_str2list *l2;
	const char *s;

	switch (o->type) {
	case CFG_T_BOOL:
		fprintf(out, "%s%s%s%s\n", pre, bare ? "" : o->name,
		    bare ? "" : ": ", *(const int *)base ? "yes" : "no");
		break;
	case CFG_T_INT:
	case CFG_T_TIME:
		fprintf(out, "%s%s%s%d\n", pre, bare ? "" : o->name,
		    bare ? "" : ": ", *(const int *)base);
		break;
	case CFG_T_SIZE:
		if (!bare) {
			fprintf(out, "\t%s: ", o->name);
		}
		cfg_print_size(out, *(const size_t *)base);
		fputc('\n', out);
		break;
	case CFG_T_STR:
		s = *(char *const *)base;
		if (bare) {
			fprintf(out, "%s\n", s ? s : "");
		} else if (!s) {
			fprintf(out, "\t# %s: (not set)\n", o->name);
		} else {
			fprintf(out, "\t%s: ", o->name);
			cfg_print_str(out, s);
			fputc('\n', out);
		}
		break;
	case CFG_T_STRLIST:
		l = *(struct cfg_strlist *const *)base;
		if (!l && !bare) {
			fprintf(out, "\t# %s: (none)\n", o->name);
		}
		for (; l; l = l->next) {
			if (bare) {
				fprintf(out, "%s\n", l->str);
				continue;
			}
			fprintf(out, "\t%s: ", o->name);
			cfg_print_str(out, l->str);
			fputc('\n', out);
		}
		break;
	case CFG_T_STR2LIST:
		l2 = *(struct cfg_str2list *const *)base;
		if (!l2 && !bare) {
			fprintf(out, "\t# %s: (none)\n", o->name);
		}
		for (; l2; l2 = l2->next) {
			if (bare) {
				fprintf(out, "%s %s\n", l2->str, l2->str2);
				continue;
			}
			fprintf(out, "\t%s: ", o->name);
			cfg_print_str(out, l2->str);
			fputc(' ', out);
			cfg_print_str(out, l2->str2);
			fputc('\n', out);
		}
		break;
	}
}

/** Print the zone clauses of one kind. */
static void
cfg_print_zones(const struct cfg_stub *s, enum cfg_clause c, FILE *out)
{
	const struct cfg_strlist *l;
	const char *base;
	size_t i;

	for (; s; s = s->next) {
		fprintf(out, "%s:\n", cfg_clause_names[c]);
		for (i = 0; i < CFG_NUM_ZONE_OPTIONS; i++) {
			const struct cfg_zone_option *o = &cfg_zone_options[i];

			if (o->clause != c) {
				continue;
			}
			base = (const char *)s + o->offset;
			switch (o->type) {
			case CFG_T_STR:
				if (*(char *const *)base) {
					fprintf(out, "\t%s: ", o->name);
					cfg_print_str(out,
					    *(char *const *)base);
					fputc('\n', out);
				}
				break;
			case CFG_T_STRLIST:
				l = *(struct cfg_strlist *const *)base;
				for (; l; l = l->next) {
					fprintf(out, "\t%s: ", o->name);
					cfg_print_str(out, l->str);
					fputc('\n', out);
				}
				break;
			case CFG_T_BOOL:
				fprintf(out, "\t%s: %s\n", o->name,
				    *(const int *)base ? "yes" : "no");
				break;
			default:
				break;
			}
		}
	}
}

void
config_print(const struct config *cfg, FILE *out)
{
	enum cfg_clause c;
	size_t i;

	if (!cfg || !out) {
		return;
	}
	fprintf(out, "# resolute.conf: effective settings%s%s\n",
	    cfg->config_file ? " of " : "",
	    cfg->config_file ? cfg->config_file : "");
	for (c = CFG_C_SERVER; c <= CFG_C_REMOTE; c++) {
		fprintf(out, "%s:\n", cfg_clause_names[c]);
		for (i = 0; i < CFG_NUM_OPTIONS; i++) {
			if (cfg_options[i].clause == c) {
				cfg_print_one(cfg, &cfg_options[i], out, 0);
			}
		}
	}
	cfg_print_zones(cfg->forwards, CFG_C_FORWARD, out);
	cfg_print_zones(cfg->stubs, CFG_C_STUB, out);
}

int
config_print_option(const struct config *cfg, const char *name, FILE *out)
{
	const struct cfg_option *o = config_option_find(name);

	if (!cfg || !out || !o) {
		return RES_ENOTFOUND;
	}
	cfg_print_one(cfg, o, out, 1);
	return RES_OK;
}

/**
 * Check "address[/prefix]" of access-control.
 * @return 1 if valid.
 */
static int
cfg_netblock_ok(const char *s)
{
	char addr[INET6_ADDRSTRLEN + 8];
	unsigned char buf[sizeof(struct in6_addr)];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	long long len;
	int v6;

	if (n == 0 || n >= sizeof(addr)) {
		return 0;
	}
	memcpy(addr, s, n);
	addr[n] = 0;
	v6 = strchr(addr, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, buf) != 1) {
		return 0;
	}
	if (!slash) {
		return 1;
	}
	if (slash[1] < '0' || slash[1] > '9' ||
	    cfg_parse_num(slash + 1, &len) != 0) {
		return 0;
	}
	return len >= 0 && len <= (v6 ? 128 : 32);
}

/**
 * Check "address[@port][#name]" of forward-addr and stub-addr.
 * @return 1 if valid.
 */
static int
cfg_server_addr_ok(const char *s)
{
	char addr[INET6_ADDRSTRLEN + 8];
	unsigned char buf[sizeof(struct in6_addr)];
	size_t n = strcspn(s, "@#");
	long long port;
	int v6;

	if (n == 0 || n >= sizeof(addr)) {
		return 0;
	}
	memcpy(addr, s, n);
	addr[n] = 0;
	v6 = strchr(addr, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, buf) != 1) {
		return 0;
	}
	if (s[n] == '@') {
		char num[8];
		size_t m = strcspn(s + n + 1, "#");

		if (m == 0 || m >= sizeof(num)) {
			return 0;
		}
		memcpy(num, s + n + 1, m);
		num[m] = 0;
		if (cfg_parse_num(num, &port) != 0 || port < 1 ||
		    port > 65535) {
			return 0;
		}
		n += 1 + m;
	}
	if (s[n] == '#' && s[n + 1] == 0) {
		return 0;
	}
	return 1;
}

/**
 * Check a port or port range "N" or "N-M".
 * @return 1 if valid.
 */
static int
cfg_port_range_ok(const char *s)
{
	char lo[8];
	const char *dash = strchr(s, '-');
	size_t n = dash ? (size_t)(dash - s) : strlen(s);
	long long a, b;

	if (n == 0 || n >= sizeof(lo)) {
		return 0;
	}
	memcpy(lo, s, n);
	lo[n] = 0;
	if (lo[0] == '-' || cfg_parse_num(lo, &a) != 0 || a < 0 ||
	    a > 65535) {
		return 0;
	}
	if (!dash) {
		return 1;
	}
	if (dash[1] < '0' || dash[1] > '9' || cfg_parse_num(dash + 1, &b) != 0
	    || b < a || b > 65535) {
		return 0;
	}
	return 1;
}

/** 1 if s is a valid domain name in presentation format. */
static int
cfg_dname_ok(const char *s)
{
	uint8_t d[DNAME_MAXLEN];

	return dname_from_str(s, NULL, d, NULL) == 0;
}

/** log_err() with a list entry's position. */
#define CFG_CHECK_ERR(e, ...) do { \
	char cfg_msg_[512]; \
	snprintf(cfg_msg_, sizeof(cfg_msg_), __VA_ARGS__); \
	log_err("%s:%d: %s", (e)->file, (e)->line, cfg_msg_); \
	errors++; \
} while (0)

/** Smallest share of a ratelimit table per slab, bytes: a few entries. */
#define CFG_RATELIMIT_MIN_SHARD 1024

/** Is s a decimal count 0..INT_MAX (a ratelimit-for-domain rate)? */
static int
cfg_count_ok(const char *s)
{
	char *end;
	long v;

	if (!s || !*s || *s == '-' || *s == '+') {
		return 0;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	return errno == 0 && *end == 0 && v >= 0 && v <= INT_MAX;
}

const char *
config_path_chrooted(const char *root, const char *path)
{
	size_t n;

	if (!root || !path || path[0] != '/') {
		return path;
	}
	n = strlen(root);
	while (n > 0 && root[n - 1] == '/') {
		n--;
	}
	/* Whole components only: "/var/res" is not inside "/var/r". */
	if (n == 0 || strncmp(path, root, n) != 0) {
		return path;
	}
	if (path[n] == '/') {
		return path + n;
	}
	return path[n] == 0 ? "/" : path;
}

const char *
config_path(const struct config *cfg, const char *path)
{
	return config_path_chrooted(cfg ? cfg->chrooted : NULL, path);
}

char *
config_path_absolute(const struct config *cfg, const char *path, char *buf,
    size_t len)
{
	char cwd[4096];
	const char *root = cfg && cfg->chrooted ? cfg->chrooted : "";
	size_t n = strlen(root);

	if (path[0] == '/') {
		return snprintf(buf, len, "%s", path) < (int)len ? buf : NULL;
	}
	if (!getcwd(cwd, sizeof(cwd))) {
		return NULL;
	}
	while (n > 0 && root[n - 1] == '/') {
		n--;
	}
	if (strcmp(cwd, "/") == 0) {
		cwd[0] = 0;
	}
	/* Inside a chroot the working directory is seen from within. */
	if (snprintf(buf, len, "%.*s%s/%s", (int)n, root, cwd, path) >=
	    (int)len) {
		return NULL;
	}
	return buf;
}

int
config_path_in_chroot(const struct config *cfg, const char *path)
{
	if (!cfg->chroot || !*cfg->chroot) {
		return 1;
	}
	return config_path_chrooted(cfg->chroot, path) != path ||
	    strspn(cfg->chroot, "/") == strlen(cfg->chroot);
}

/** Error or warning for a file option under chroot: (e: the entry,
 * with file and line).  Counts errors in the caller's errors. */
#define CFG_CHECK_CHROOT(e, opt, name, err) do { \
	char cfg_abs_[4096]; \
	if (!config_path_absolute(cfg, (name), cfg_abs_, \
	    sizeof(cfg_abs_))) { \
		snprintf(cfg_abs_, sizeof(cfg_abs_), "%s", (name)); \
	} \
	if (!config_path_in_chroot(cfg, cfg_abs_)) { \
		cfg_check_chroot_msg((e)->file, (e)->line, (opt), (name), \
		    cfg_abs_, cfg->chroot, (err)); \
		errors += (err); \
	} \
} while (0)

/**
 * Say that a file is outside the chroot.
 * @param file, line: where the config names it (line 0: none).
 * @param opt: the option naming it.
 * @param name: the name as written; abs: as an absolute name.
 * @param root: the chroot directory.
 * @param err: 1 for a file used after chroot (an error), 0 for one only
 *	removed at stop (a warning).
 */
static void
cfg_check_chroot_msg(const char *file, int line, const char *opt,
    const char *name, const char *abs, const char *root, int err)
{
	char where[600], what[4200];

	if (line > 0) {
		snprintf(where, sizeof(where), "%s:%d", file, line);
	} else {
		snprintf(where, sizeof(where), "%s", file);
	}
	if (strcmp(name, abs) != 0) {
		snprintf(what, sizeof(what), "'%s' (%s)", name, abs);
	} else {
		snprintf(what, sizeof(what), "'%s'", name);
	}
	if (err) {
		log_err("%s: %s %s is outside the chroot %s: it cannot be "
		    "read after chroot", where, opt, what, root);
	} else {
		log_warn("%s: %s %s is outside the chroot %s: it cannot be "
		    "removed at stop", where, opt, what, root);
	}
}

/**
 * The checks of chroot:: every file used after chroot(2) is inside it.
 * @return the number of errors (logged).
 */
static int
cfg_check_chroot(const struct config *cfg)
{
	const struct cfg_strlist *l;
	const struct cfg_strlist *lists[5];
	static const char *const names[5] = { "root-hints:",
	    "trust-anchor-file:", "auto-trust-anchor-file:",
	    "dlv-anchor-file:", "trusted-keys-file:" };
	struct cfg_strlist e;
	char where[512];
	int errors = 0, i;

	if (!cfg->chroot || !*cfg->chroot) {
		return 0;
	}
	if (cfg->chroot[0] != '/') {
		log_err("%s: chroot: '%s' is not an absolute name",
		    config_where(cfg, "chroot", where, sizeof(where)),
		    cfg->chroot);
		return 1;
	}
	/* A reload reads the config file and its includes again. */
	for (l = cfg->files; l; l = l->next) {
		if (!config_path_in_chroot(cfg, l->str)) {
			cfg_check_chroot_msg(l->file, l->line, l->line ?
			    "include:" : "the config file", l->str, l->str,
			    cfg->chroot, 1);
			errors++;
		}
	}
	lists[0] = cfg->root_hints;
	lists[1] = cfg->trust_anchor_file;
	lists[2] = cfg->auto_trust_anchor_file;
	lists[3] = cfg->dlv_anchor_file;
	lists[4] = cfg->trusted_keys_file;
	for (i = 0; i < 5; i++) {
		for (l = lists[i]; l; l = l->next) {
			CFG_CHECK_CHROOT(l, names[i], l->str, 1);
		}
	}
	for (l = cfg->control_interface; l; l = l->next) {
		if (l->str[0] == '/') {
			CFG_CHECK_CHROOT(l, "control-interface:", l->str, 0);
		}
	}
	memset(&e, 0, sizeof(e));
	e.file = where;
	/* The Redis socket is connected to by the workers, after chroot. */
	if (cfg->redis_server_path && *cfg->redis_server_path) {
		config_where(cfg, "redis-server-path", where, sizeof(where));
		CFG_CHECK_CHROOT(&e, "redis-server-path:",
		    cfg->redis_server_path, 1);
	}
	if (cfg->pidfile && *cfg->pidfile) {
		config_where(cfg, "pidfile", where, sizeof(where));
		CFG_CHECK_CHROOT(&e, "pidfile:", cfg->pidfile, 0);
	}
	return errors;
}

int
config_check(const struct config *cfg)
{
	const char *fname;
	const struct cfg_str2list *l2;
	const struct cfg_strlist *l;
	const struct cfg_stub *s;
	char where[512];
	int errors = 0, c;

	if (!cfg) {
		return RES_EINVAL;
	}
	fname = cfg->config_file ? cfg->config_file : "config";
	for (l = cfg->interface; l; l = l->next) {
		struct sockaddr_storage a;
		socklen_t alen;

		/* The daemon's own parser, so a line checkconf passes is
		 * one the daemon listens on. */
		if (comm_addr_from_str(l->str, cfg->port, &a, &alen) !=
		    RES_OK) {
			CFG_CHECK_ERR(l, "interface: '%s' is not an IPv4 or "
			    "IPv6 address[@port]", l->str);
		}
	}
	for (c = 0; c < 2; c++) {
		l2 = c ? cfg->http_stats_access_control : cfg->access_control;
		for (; l2; l2 = l2->next) {
			if (!cfg_netblock_ok(l2->str)) {
				CFG_CHECK_ERR(l2, "%s: '%s' is not an address "
				    "or netblock (address/prefix length)", c ?
				    "http-stats-access-control" :
				    "access-control", l2->str);
			}
		}
	}
	for (l = cfg->http_stats_interface; l; l = l->next) {
		struct sockaddr_storage a;
		socklen_t alen;

		if (comm_addr_from_str(l->str, cfg->http_stats_port, &a,
		    &alen) != RES_OK) {
			CFG_CHECK_ERR(l, "http-stats-interface: '%s' is not an "
			    "IPv4 or IPv6 address[@port]", l->str);
		}
	}
	for (l2 = cfg->local_zone; l2; l2 = l2->next) {
		if (!cfg_dname_ok(l2->str)) {
			CFG_CHECK_ERR(l2, "local-zone: '%s' is not a valid "
			    "domain name", l2->str);
		}
	}
	for (l = cfg->domain_insecure; l; l = l->next) {
		if (!cfg_dname_ok(l->str)) {
			CFG_CHECK_ERR(l, "domain-insecure: '%s' is not a "
			    "valid domain name", l->str);
		}
	}
	for (c = 0; c < 2; c++) {
		l = c ? cfg->query_compare_exempt : cfg->caps_exempt;
		for (; l; l = l->next) {
			if (!cfg_dname_ok(l->str)) {
				CFG_CHECK_ERR(l, "%s: '%s' is not a valid "
				    "domain name", c ? "query-compare-exempt" :
				    "caps-exempt", l->str);
			}
		}
	}
	for (c = 0; c < 2; c++) {
		l = c ? cfg->outgoing_port_avoid : cfg->outgoing_port_permit;
		for (; l; l = l->next) {
			if (!cfg_port_range_ok(l->str)) {
				CFG_CHECK_ERR(l, "%s: '%s' is not a port or "
				    "range N-M within 0..65535", c ?
				    "outgoing-port-avoid" :
				    "outgoing-port-permit", l->str);
			}
		}
	}
	for (c = CFG_C_FORWARD; c <= CFG_C_STUB; c++) {
		s = c == CFG_C_FORWARD ? cfg->forwards : cfg->stubs;
		for (; s; s = s->next) {
			if (s->name && !cfg_dname_ok(s->name)) {
				CFG_CHECK_ERR(s, "%s: name '%s' is not a valid "
				    "domain name", cfg_clause_names[c],
				    s->name);
			}
			if (!s->hosts && !s->addrs) {
				CFG_CHECK_ERR(s, "%s: '%s' has no %s-host or "
				    "%s-addr", cfg_clause_names[c],
				    s->name ? s->name : "",
				    c == CFG_C_FORWARD ? "forward" : "stub",
				    c == CFG_C_FORWARD ? "forward" : "stub");
			}
			for (l = s->addrs; l; l = l->next) {
				if (!cfg_server_addr_ok(l->str)) {
					CFG_CHECK_ERR(l, "'%s' is not an "
					    "address[@port][#name]", l->str);
				}
			}
			for (l = s->hosts; l; l = l->next) {
				char host[DNAME_MAXSTR];

				snprintf(host, sizeof(host), "%.*s",
				    (int)strcspn(l->str, "@#"), l->str);
				if (!cfg_dname_ok(host)) {
					CFG_CHECK_ERR(l, "'%s' is not a host "
					    "name", l->str);
				}
			}
		}
	}
	for (c = 0; c < 2; c++) {
		l2 = c ? cfg->ratelimit_below_domain :
		    cfg->ratelimit_for_domain;
		for (; l2; l2 = l2->next) {
			if (!cfg_dname_ok(l2->str)) {
				CFG_CHECK_ERR(l2, "%s: '%s' is not a valid "
				    "domain name", c ? "ratelimit-below-domain" :
				    "ratelimit-for-domain", l2->str);
			}
			if (!cfg_count_ok(l2->str2)) {
				CFG_CHECK_ERR(l2, "%s: '%s' is not a number "
				    "of queries per second (0 to %d)", c ?
				    "ratelimit-below-domain" :
				    "ratelimit-for-domain", l2->str2, INT_MAX);
			}
		}
	}
#define CFG_CHECK_POW2(field, name) \
	if ((cfg->field & (cfg->field - 1)) != 0) { \
		log_err("%s: %s: %d is not a power of 2", config_where(cfg, \
		    name, where, sizeof(where)), name, cfg->field); \
		errors++; \
	}
	CFG_CHECK_POW2(msg_cache_slabs, "msg-cache-slabs")
	CFG_CHECK_POW2(rrset_cache_slabs, "rrset-cache-slabs")
	CFG_CHECK_POW2(key_cache_slabs, "key-cache-slabs")
	CFG_CHECK_POW2(infra_cache_slabs, "infra-cache-slabs")
	CFG_CHECK_POW2(ip_ratelimit_slabs, "ip-ratelimit-slabs")
	CFG_CHECK_POW2(ratelimit_slabs, "ratelimit-slabs")
#undef CFG_CHECK_POW2
	/* A counter table needs room for a few entries per shard. */
#define CFG_CHECK_RATESIZE(size, slabs, name) \
	if (cfg->size < (size_t)cfg->slabs * CFG_RATELIMIT_MIN_SHARD) { \
		log_err("%s: %s: %zu is too small: at least %d bytes per " \
		    "slab", config_where(cfg, name, where, sizeof(where)), \
		    name, cfg->size, CFG_RATELIMIT_MIN_SHARD); \
		errors++; \
	}
	CFG_CHECK_RATESIZE(ip_ratelimit_size, ip_ratelimit_slabs,
	    "ip-ratelimit-size")
	CFG_CHECK_RATESIZE(ratelimit_size, ratelimit_slabs, "ratelimit-size")
#undef CFG_CHECK_RATESIZE
	if (cfg->cache_min_ttl > cfg->cache_max_ttl) {
		log_err("%s: cache-min-ttl %d is larger than cache-max-ttl %d",
		    config_where(cfg, "cache-min-ttl", where, sizeof(where)),
		    cfg->cache_min_ttl, cfg->cache_max_ttl);
		errors++;
	}
	if (cfg->val_sig_skew_min > cfg->val_sig_skew_max) {
		log_err("%s: val-sig-skew-min %d is larger than "
		    "val-sig-skew-max %d", config_where(cfg,
		    "val-sig-skew-min", where, sizeof(where)),
		    cfg->val_sig_skew_min, cfg->val_sig_skew_max);
		errors++;
	}
	/* RFC 5011 section 2.4.1: 30 days; shorter only for tests. */
	for (c = 0; c < 2 && !cfg->permit_small_holddown; c++) {
		const char *opt = c ? "del-holddown" : "add-holddown";
		int v = c ? cfg->del_holddown : cfg->add_holddown;

		if (v < 30 * 86400) {
			log_err("%s: %s %d is below the 30 days of RFC 5011; "
			    "permit-small-holddown: yes allows it (for tests)",
			    config_where(cfg, opt, where, sizeof(where)), opt,
			    v);
			errors++;
		}
	}
	if (!cfg->do_ip4 && !cfg->do_ip6) {
		log_err("%s: do-ip4 and do-ip6 are both no", fname);
		errors++;
	}
	if (!cfg->do_udp && !cfg->do_tcp) {
		log_err("%s: do-udp and do-tcp are both no", fname);
		errors++;
	}
	errors += cfg_check_chroot(cfg);
	return errors ? RES_ESYNTAX : RES_OK;
}
