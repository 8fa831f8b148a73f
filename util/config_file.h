/*
 * util/config_file.h - resolute.conf: the settings and their parser.
 *
 * The file uses unbound.conf's syntax: clauses ("server:",
 * "remote-control:", "cachedb:", "dnstap:", "forward-zone:",
 * "stub-zone:"), then
 * "name: value" pairs, several per line if wanted ("server: port: 53").
 * A value is a word or a quoted string ("..." or '...', which may hold
 * spaces and '#'); '#' starts a comment to the end of the line.  An
 * option's values are on its own line: most options take one value,
 * two-token options (access-control, local-zone) take two.
 * "include: pattern" reads the files matching a glob(3) pattern at that
 * point (relative names are relative to the working directory, as in
 * Unbound), nested to depth 16; an include loop is an error.
 *
 * Under "chroot:" the files named in the config are still written with
 * their names from outside the chroot (as Unbound does): the daemon reads
 * some of them again after chroot(2) (on reload, and the RFC 5011 state
 * files it writes), through config_path(), which takes the chroot's
 * prefix off.  config_check() refuses a file that is outside the chroot,
 * since it could not be read there.
 *
 * The options and their defaults are the table in util/config_options.h;
 * struct config has one member per option, named after it with '-' as
 * '_', so "msg-cache-size" is cfg->msg_cache_size.  Repeatable options
 * keep their values in file order with the file and line each came from,
 * so later checks (config_check(), the daemon) can name the line too.
 *
 * Usage:
 *	struct config *cfg = config_create();
 *	if (!cfg || config_read(cfg, file) != 0 || config_check(cfg) != 0)
 *		fatal_exit(...);	(errors were logged as file:line:)
 *	... cfg->port, cfg->access_control ...
 *	config_delete(cfg);
 *
 * (Named config_file.h, not config.h, so that '#include "config.h"' in
 * util/ keeps finding autoconf's header.)
 */
#ifndef UTIL_CONFIG_FILE_H
#define UTIL_CONFIG_FILE_H
#include <stddef.h>
#include <stdio.h>
#include "util/config_options.h"

/** The clauses of resolute.conf. */
enum cfg_clause {
	CFG_C_NONE = 0,		/**< before the first clause */
	CFG_C_SERVER,		/**< server: */
	CFG_C_REMOTE,		/**< remote-control: */
	CFG_C_CACHEDB,		/**< cachedb: */
	CFG_C_DNSTAP,		/**< dnstap: */
	CFG_C_FORWARD,		/**< forward-zone: */
	CFG_C_STUB		/**< stub-zone: */
};

/** The value types of the option table. */
enum cfg_type {
	CFG_T_BOOL,		/**< yes or no, stored as int 1/0 */
	CFG_T_INT,		/**< decimal int within the option's range */
	CFG_T_SIZE,		/**< memory size with k/m/g suffix, size_t */
	CFG_T_STR,		/**< one string, char * */
	CFG_T_STRLIST,		/**< repeatable string, cfg_strlist */
	CFG_T_STR2LIST,		/**< repeatable pair, cfg_str2list */
	CFG_T_TIME		/**< seconds, int within the option's range */
};

/** One value of a repeatable option, with where it came from. */
struct cfg_strlist {
	/** Next value, in file order; NULL at the end. */
	struct cfg_strlist *next;
	/** The value (malloced). */
	char *str;
	/** File it was read from (malloced); "set_option" when set so. */
	char *file;
	/** Line in that file. */
	int line;
};

/** One two-token value, e.g. "10.0.0.0/8 allow". */
struct cfg_str2list {
	/** Next value, in file order; NULL at the end. */
	struct cfg_str2list *next;
	/** First token (malloced), e.g. the netblock or zone name. */
	char *str;
	/** Second token (malloced), e.g. the action or zone type. */
	char *str2;
	/** File it was read from (malloced). */
	char *file;
	/** Line in that file. */
	int line;
};

/** Where a single-value option got its value (config_where()). */
struct cfg_where {
	/** File it was read from (malloced); NULL for the default. */
	char *file;
	/** Line in that file; 0 when set by set_option. */
	int line;
};

/** A forward-zone: or stub-zone: clause. */
struct cfg_stub {
	/** Next clause of the same kind, in file order. */
	struct cfg_stub *next;
	/** The zone name (malloced); NULL until "name:" is read. */
	char *name;
	/** forward-host / stub-host values. */
	struct cfg_strlist *hosts;
	/** forward-addr / stub-addr values. */
	struct cfg_strlist *addrs;
	/** forward-first / stub-first: fall back to normal resolution. */
	int isfirst;
	/** stub-prime: fetch the NS set from the stub servers. */
	int isprime;
	/** forward-tcp-upstream: use TCP to the forwarders. */
	int tcp_upstream;
	/** File of the clause line (malloced). */
	char *file;
	/** Line of the clause keyword. */
	int line;
};

/** C types of the table's value types, for the generated members. */
#define CFG_CTYPE_BOOL int
#define CFG_CTYPE_INT int
#define CFG_CTYPE_SIZE size_t
#define CFG_CTYPE_STR char *
#define CFG_CTYPE_STRLIST struct cfg_strlist *
#define CFG_CTYPE_STR2LIST struct cfg_str2list *
#define CFG_CTYPE_TIME int

/** The settings: one member per line of util/config_options.h. */
struct config {
#define CFG_X_FIELD(clause, name, type, field, def, min, max, desc) \
	CFG_CTYPE_##type field;	/**< desc */
	CFG_OPTIONS(CFG_X_FIELD)
#undef CFG_X_FIELD
	/** forward-zone: clauses, in file order. */
	struct cfg_stub *forwards;
	/** stub-zone: clauses, in file order. */
	struct cfg_stub *stubs;
	/** Name of the file last given to config_read() (malloced), or
	 * NULL. */
	char *config_file;
	/** Every file read for this config, the top one and each one an
	 * include: matched, as an absolute name from outside any chroot,
	 * with the file and line that named it (line 0 for the top file);
	 * for config_check() under chroot:. */
	struct cfg_strlist *files;
	/** The directory the process is chrooted to (malloced), or NULL:
	 * set by the daemon after chroot(2), and on a config read after
	 * it before config_read(), so that config_path() opens the files
	 * under their names inside the chroot. */
	char *chrooted;
	/** Where each option got its value, in table order (the lists
	 * keep theirs per entry). */
	struct cfg_where *where;
};

/** One entry of the option table, as seen by code outside the parser. */
struct cfg_option {
	/** Clause it belongs to. */
	enum cfg_clause clause;
	/** Name as written in the file, without the colon. */
	const char *name;
	/** Value type. */
	enum cfg_type type;
	/** Offset of the member in struct config. */
	size_t offset;
	/** Name of the member, for checks of the naming rule. */
	const char *field;
	/** Default in file syntax, or NULL. */
	const char *def;
	/** Range of INT and TIME values. */
	long min, max;
	/** One-line description. */
	const char *desc;
};

/** Errors reported per config_read() before it gives up. */
#define CFG_MAX_ERRORS 20
/** Deepest include nesting accepted. */
#define CFG_MAX_INCLUDE_DEPTH 16

/**
 * Create settings with every default set.
 * @return the settings, owned by the caller (config_delete()), or NULL
 *	when out of memory.
 */
struct config *config_create(void);

/**
 * Free settings and everything they hold.
 * @param cfg: the settings; NULL is ignored.
 */
void config_delete(struct config *cfg);

/**
 * Read a configuration file into cfg.  Values replace the current ones;
 * repeatable options and zone clauses are appended.  Every error is
 * logged with log_err() as "file:line: message"; reading goes on after an
 * error to report more, up to CFG_MAX_ERRORS.
 * @param cfg: settings to fill; keeps what was read even on failure.
 * @param file: file name.  Becomes cfg->config_file.
 * @return 0, RES_ESYNTAX after errors in the text (or an include that
 *	failed), RES_ESYSTEM when the file cannot be opened or read (the
 *	message names it), RES_ENOMEM, or RES_EINVAL for NULL arguments.
 */
int config_read(struct config *cfg, const char *file);

/**
 * Parse configuration text (for tests and callers holding the text).
 * @param cfg: settings to fill.
 * @param text: the text, NUL-terminated.
 * @param fname: name used in messages and in list entries' file.
 * @return as config_read().  Includes in the text are read from disk.
 */
int config_read_string(struct config *cfg, const char *text,
	const char *fname);

/**
 * Set one option, as "resolute-control set_option" does.  The value has
 * the file syntax (quotes allowed; two tokens for access-control and
 * local-zone).  Repeatable options get the value appended.  Errors are
 * logged with log_err().
 * @param cfg: the settings.
 * @param name: option name, with or without the trailing ':'.  Options of
 *	forward-zone: and stub-zone: cannot be set this way.
 * @param value: the value text.
 * @return 0, RES_ENOTFOUND for an unknown name, RES_ESYNTAX for a bad
 *	value (cfg unchanged then), RES_EINVAL for NULL, or RES_ENOMEM.
 */
int config_set_option(struct config *cfg, const char *name,
	const char *value);

/**
 * Print the effective settings, every option including defaults, in
 * resolute.conf syntax; reading the output back gives the same settings.
 * Unset strings are printed as comments.
 * @param cfg: the settings.
 * @param out: where to write.
 */
void config_print(const struct config *cfg, FILE *out);

/**
 * Print the value of one option, one line per value (for checkconf -o).
 * Strings are printed bare, unset ones as an empty line; list options
 * print nothing when empty.
 * @param cfg: the settings.
 * @param name: option name, with or without the trailing ':'.
 * @param out: where to write.
 * @return 0 or RES_ENOTFOUND for an unknown name.
 */
int config_print_option(const struct config *cfg, const char *name,
	FILE *out);

/**
 * Where a single-value option was set, for messages about its value:
 * "file:line", "file" (set_option), or the config file's name when the
 * option has its default.
 * @param cfg: the settings.
 * @param name: the option's name.
 * @param buf, len: where the text is written.
 * @return buf.
 */
const char *config_where(const struct config *cfg, const char *name,
	char *buf, size_t len);

/**
 * The name to open a file of the config under now: when the process is
 * chrooted (cfg->chrooted), a name that starts with the chroot directory
 * loses that prefix ("/var/resolute/root.key" becomes "/root.key"); any
 * other name, relative ones included, is returned as it is (relative
 * names stay relative to the working directory, which the daemon keeps
 * across chroot when it is inside; see config_check()).
 * @param cfg: the settings, or NULL (not chrooted).
 * @param path: the name as written in the config.
 * @return path or a pointer into it; never NULL when path is not.
 */
const char *config_path(const struct config *cfg, const char *path);

/**
 * config_path() for a given chroot directory.
 * @param root: the chroot directory, or NULL or "" for none.
 * @param path: the name from outside the chroot.
 * @return path, or the part of it inside root (a pointer into path).
 */
const char *config_path_chrooted(const char *root, const char *path);

/**
 * A file name as an absolute name from outside any chroot: a relative
 * name is taken from the working directory (under cfg->chrooted, from
 * the chroot directory's side).
 * @param cfg: the settings, or NULL.
 * @param path: the name.
 * @param buf, len: where the name is written.
 * @return buf, or NULL when the working directory is unknown or the name
 *	too long.
 */
char *config_path_absolute(const struct config *cfg, const char *path,
	char *buf, size_t len);

/**
 * Whether a name is inside cfg->chroot, where it can be reached after
 * chroot(2).
 * @param cfg: the settings.
 * @param path: the name, absolute from outside the chroot.
 * @return 1 when inside, or when no chroot: is set; else 0.
 */
int config_path_in_chroot(const struct config *cfg, const char *path);

/**
 * Checks the parser alone cannot make: access-control netblocks are
 * addresses with a valid prefix length, local-zone and zone clause names
 * are domain names, port ranges are ranges of ports, slab counts are
 * powers of 2, min/max pairs are ordered, zone clauses have a name and a
 * server; under chroot:, that the config file, its includes and every
 * file read or written after chroot(2) (root hints, trust anchor files,
 * RFC 5011 state files, the Redis socket) are inside the chroot (a pid
 * file or control socket outside it is a warning: it cannot be removed
 * at stop).  Each error is logged as "file:line: message".
 * @param cfg: the settings.
 * @return 0 or RES_ESYNTAX.
 */
int config_check(const struct config *cfg);

/**
 * Parse a memory size: decimal bytes, or with a k, m or g suffix (either
 * case, optionally followed by 'b') for 1024, 1024^2 and 1024^3.
 * @param s: the text.
 * @param out: receives the size; unchanged on error.
 * @return 0, or RES_ESYNTAX for an empty, malformed or overflowing value.
 */
int config_parse_size(const char *s, size_t *out);

/**
 * Look an option up in the table.
 * @param name: option name, with or without the trailing ':'.
 * @return the table entry (static), or NULL.
 */
const struct cfg_option *config_option_find(const char *name);

/**
 * The option table, for documentation and tests.
 * @param n: receives the number of entries.
 * @return the static table.
 */
const struct cfg_option *config_option_table(size_t *n);

/**
 * An option of Unbound's configuration that resolute knows but does not
 * take: an option that is accepted must work, so until one is built it
 * is refused with the reason (an Unbound config carried over is told
 * what to remove, not "unknown option").  A fixed option is accepted
 * only with the value that is resolute's behaviour.
 */
struct cfg_refused {
	/** The option. */
	const char *name;
	/** The one value accepted, or NULL: refused with any value. */
	const char *value;
	/** Why, for the message and resolute.conf(5). */
	const char *why;
};

/**
 * The refused options, for documentation and tests.
 * @param n: receives the number of entries.
 * @return the static table.
 */
const struct cfg_refused *config_refused_table(size_t *n);

#endif /* UTIL_CONFIG_FILE_H */
