/*
 * daemon/resolute-checkconf.c - check resolute.conf before using it.
 *
 * Reads the file with the daemon's own parser (util/config_file.c), then
 * builds what the daemon builds from it before it opens a socket
 * (daemon_setup_build(): config_check(), the access list, local zones,
 * module chain, root hints, forward and stub zones and trust anchors, the
 * files they name read), so what passes here is what the daemon accepts.
 * Every problem is reported on stderr as "file:line: message".
 * Exit status: 0 no errors, 1 errors in the file, 2 usage errors.
 *
 * It also prints the documentation that comes from the option table
 * (util/config_options.h), so the manual and the example config can never
 * list an option the parser does not know or miss one it does: --man
 * writes the option reference of resolute.conf(5) in man(7) roff, and
 * --example writes an example config with every option, its default and
 * its description.  The Makefile runs both at build time (doc/doc.mk).
 */
#include "config.h"
#include "daemon/daemon.h"
#include "util/config_file.h"
#include "util/error.h"
#include "util/log.h"
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/**
 * The daemon's checks of a config read: from its directory: as the
 * daemon runs, so relative file names resolve the same way.
 * @return 0, or -1 with the errors logged.
 */
static int
checkconf_build(const struct config *cfg)
{
	struct daemon_setup su;

	if (cfg->directory && *cfg->directory && chdir(cfg->directory) != 0) {
		log_err("directory: cannot enter %s: %s", cfg->directory,
		    strerror(errno));
		return -1;
	}
	if (daemon_setup_build(cfg, &su) != RES_OK) {
		return -1;
	}
	daemon_setup_free(&su);
	return 0;
}

/** The file checked when none is given. */
#define CHECKCONF_DEFAULT_FILE SYSCONFDIR "/resolute/resolute.conf"

/** One option of a forward-zone: or stub-zone: clause, for the docs. */
struct checkconf_zone_opt {
	/** Clause, CFG_C_FORWARD or CFG_C_STUB. */
	enum cfg_clause clause;
	/** Name as written in the file. */
	const char *name;
	/** Value type: CFG_T_STR, CFG_T_STRLIST or CFG_T_BOOL. */
	enum cfg_type type;
	/** One-line description. */
	const char *desc;
};

/** The zone clause options, from the same table the parser uses. */
static const struct checkconf_zone_opt checkconf_zone_opts[] = {
#define CHECKCONF_X_ZONE(clause, name, type, field, desc) \
	{ clause, name, CFG_T_##type, desc },
	CFG_ZONE_OPTIONS(CHECKCONF_X_ZONE)
#undef CHECKCONF_X_ZONE
};

/** Clause names and what each is for, indexed by enum cfg_clause (in
 * its order, CFG_C_NONE to CFG_C_STUB). */
static const struct {
	/** The clause keyword, without the colon. */
	const char *name;
	/** One sentence about the clause. */
	const char *what;
} checkconf_clauses[] = {
	{ "", "" },
	{ "server", "The resolver itself: listening, threads, caches, "
	    "access control, local data, trust anchors and validation." },
	{ "remote-control", "The control channel used by "
	    "resolute-control(8)." },
	{ "cachedb", "The cache shared by a fleet of instances, in Redis "
	    "or a Redis Cluster, used when module-config has cachedb "
	    "(\"validator cachedb iterator\").  Queries missing the local "
	    "cache look there before recursion, waiting at most "
	    "redis-timeout; answers are re-validated when read and never "
	    "shared when bogus.  A build without libhiredis refuses it." },
	{ "dnstap", "Logs of the messages the resolver receives and sends "
	    "in the dnstap format (https://dnstap.info), as protobuf frames "
	    "on a Frame Streams Unix socket, for a reader such as "
	    "fstrm_capture or dnstap-ldns.  Each worker thread has its own "
	    "queue; when the reader is slow or gone, messages are dropped "
	    "and counted, never waited for.  Changes need a restart.  A "
	    "build without dnstap refuses dnstap-enable: yes." },
	{ "forward-zone", "Repeatable.  Queries for the zone (and below) go "
	    "to the listed servers, which must offer recursion." },
	{ "stub-zone", "Repeatable.  Queries for the zone go to the listed "
	    "authoritative servers instead of those found by recursion." }
};

/**
 * Print text for roff: a backslash as \e, '-' as \- (so names and
 * values can be copied from the formatted page), a break point \: after
 * each '/' (a long installation path must still fit the line) and a
 * control character at the start of a line guarded by \&.
 * @param s: the text; NULL prints nothing.
 * @param out: where to write.
 */
static void
man_text(const char *s, FILE *out)
{
	if (!s) {
		return;
	}
	if (*s == '.' || *s == '\'') {
		fputs("\\&", out);
	}
	for (; *s; s++) {
		if (*s == '\\') {
			fputs("\\e", out);
		} else if (*s == '-') {
			fputs("\\-", out);
		} else if (*s == '/') {
			fputs("/\\:", out);
		} else {
			fputc(*s, out);
		}
	}
}

/**
 * Print a one-line description as a sentence: first letter in upper
 * case, a full stop at the end.
 * @param s: the description.
 * @param out: where to write.
 */
static void
man_sentence(const char *s, FILE *out)
{
	char first[2];

	if (!s || !*s) {
		return;
	}
	first[0] = (char)(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s);
	first[1] = 0;
	man_text(first, out);
	man_text(s + 1, out);	/* a \& it may add mid-line is harmless */
	fputs(s[strlen(s) - 1] == '.' ? "\n" : ".\n", out);
}

/**
 * The placeholder for a value of a type, as shown in the manual.
 * @param t: the type.
 * @return a static string.
 */
static const char *
type_word(enum cfg_type t)
{
	switch (t) {
	case CFG_T_BOOL:
		return "<yes or no>";
	case CFG_T_INT:
		return "<number>";
	case CFG_T_SIZE:
		return "<memory size>";
	case CFG_T_STR:
	case CFG_T_STRLIST:
		return "<string>";
	case CFG_T_STR2LIST:
		return "<string> <string>";
	case CFG_T_TIME:
		return "<seconds>";
	}
	return "<value>";
}

/**
 * Print the .TP heading of one option: name in bold, type in italics.
 * @param name: option name.
 * @param t: its type.
 * @param out: where to write.
 */
static void
man_heading(const char *name, enum cfg_type t, FILE *out)
{
	fputs(".TP\n\\fB", out);
	man_text(name, out);
	fputs(":\\fR \\fI", out);
	man_text(type_word(t), out);
	fputs("\\fR\n", out);
}

/**
 * Write the range of an INT or TIME option into buf; INT_MAX as the top
 * means there is no upper limit worth naming.
 * @param o: the option.
 * @param fmt_max: format for a range with a top, given min and max.
 * @param fmt_open: format for a range without one, given min.
 * @param buf: receives the text, truncated to fit.
 * @param len: size of buf.
 */
static void
range_text(const struct cfg_option *o, const char *fmt_max,
    const char *fmt_open, char *buf, size_t len)
{
	if (o->max == INT_MAX) {
		snprintf(buf, len, fmt_open, o->min);
	} else {
		snprintf(buf, len, fmt_max, o->min, o->max);
	}
}

/**
 * Print the option reference of resolute.conf(5): one subsection per
 * clause, one .TP entry per option with its description, default and
 * range.
 * @param out: where to write.
 */
static void
print_man(FILE *out)
{
	const struct cfg_refused *rf;
	const struct cfg_option *tab, *o;
	size_t n, i, k;
	enum cfg_clause c;
	char buf[64];

	tab = config_option_table(&n);
	for (c = CFG_C_SERVER; c <= CFG_C_STUB; c++) {
		fprintf(out, ".SS \"%s:\"\n", checkconf_clauses[c].name);
		man_text(checkconf_clauses[c].what, out);
		fputc('\n', out);
		for (i = 0; i < n; i++) {
			o = &tab[i];
			if (o->clause != c) {
				continue;
			}
			man_heading(o->name, o->type, out);
			man_sentence(o->desc, out);
			if ((o->type == CFG_T_STRLIST ||
			    o->type == CFG_T_STR2LIST) &&
			    !strstr(o->desc, "repeatable")) {
				fputs("May be given more than once.\n", out);
			}
			fputs(".br\n", out);
			if (!o->def) {
				fputs("No default.\n", out);
			} else if (!*o->def) {
				fputs("Default: \"\".\n", out);
			} else if (strchr(o->def, ' ')) {
				fputs("Default: \\fB\"", out);
				man_text(o->def, out);
				fputs("\"\\fR.\n", out);
			} else {
				fputs("Default: \\fB", out);
				man_text(o->def, out);
				fputs("\\fR.\n", out);
			}
			if (o->type == CFG_T_INT || o->type == CFG_T_TIME) {
				range_text(o, "Range: %ld to %ld.\n",
				    "Range: %ld or more.\n", buf, sizeof(buf));
				fputs(buf, out);
			}
		}
		for (k = 0; k < sizeof(checkconf_zone_opts) /
		    sizeof(checkconf_zone_opts[0]); k++) {
			const struct checkconf_zone_opt *z =
			    &checkconf_zone_opts[k];

			if (z->clause != c) {
				continue;
			}
			man_heading(z->name, z->type, out);
			man_sentence(z->desc, out);
			if (z->type == CFG_T_STRLIST) {
				fputs("May be given more than once.\n", out);
			} else if (z->type == CFG_T_BOOL) {
				fputs(".br\nDefault: \\fBno\\fR.\n", out);
			}
		}
	}
	rf = config_refused_table(&n);
	fputs(".SS \"Refused options\"\n", out);
	man_text("Options of Unbound's configuration that resolute knows "
	    "but does not take.  A line with one of them is an error that "
	    "says why; an option shown with a value is accepted with that "
	    "value only, which is what resolute always does.", out);
	fputc('\n', out);
	for (i = 0; i < n; i++) {
		fputs(".TP\n\\fB", out);
		man_text(rf[i].name, out);
		fputs(":\\fR", out);
		if (rf[i].value) {
			fputc(' ', out);
			man_text(rf[i].value, out);
		}
		fputc('\n', out);
		man_sentence(rf[i].why, out);
	}
}

/**
 * Print a value as resolute.conf text, quoted when it is empty or holds
 * blanks, quotes, '#' or ':'.
 * @param s: the value.
 * @param out: where to write.
 */
static void
example_value(const char *s, FILE *out)
{
	if (*s && !strpbrk(s, " \t\"'#:")) {
		fputs(s, out);
	} else if (!strchr(s, '"')) {
		fprintf(out, "\"%s\"", s);
	} else {
		fprintf(out, "'%s'", s);
	}
}

/**
 * Print text as '#' comment lines of at most 76 columns (tabs count 8),
 * broken at blanks; a word longer than a line is not broken.
 * @param prefix: printed before each "# ", e.g. "\t".
 * @param text: the text.
 * @param out: where to write.
 */
static void
example_comment(const char *prefix, const char *text, FILE *out)
{
	size_t indent = 0, col, w;

	for (w = 0; prefix[w]; w++) {
		indent += prefix[w] == '\t' ? 8 - indent % 8 : 1;
	}
	indent++;	/* the '#' */
	while (*text) {
		fprintf(out, "%s#", prefix);
		col = indent;
		while (*text == ' ') {
			text++;
		}
		while (*text) {
			w = strcspn(text, " ");
			if (col > indent && col + 1 + w > 76) {
				break;
			}
			fprintf(out, " %.*s", (int)w, text);
			col += 1 + w;
			text += w;
			while (*text == ' ') {
				text++;
			}
		}
		fputc('\n', out);
	}
}

/**
 * Print an example config: every option commented out with its default
 * (or with no value when it has none) under its description.  Removing
 * the "# " of an option line with a value gives that default.
 * @param out: where to write.
 */
static void
print_example(FILE *out)
{
	const struct cfg_option *tab, *o;
	size_t n, i, k;
	enum cfg_clause c;
	char line[512], range[64];

	tab = config_option_table(&n);
	fprintf(out, "# Example resolute.conf for %s.\n"
	    "#\n"
	    "# Every option is shown with its default, commented out; see\n"
	    "# resolute.conf(5).  Check a config with resolute-checkconf(8).\n"
	    "# Options without a value have no default.\n", PACKAGE_STRING);
	for (c = CFG_C_SERVER; c <= CFG_C_DNSTAP; c++) {
		fputc('\n', out);
		example_comment("", checkconf_clauses[c].what, out);
		fprintf(out, "%s:\n", checkconf_clauses[c].name);
		for (i = 0; i < n; i++) {
			o = &tab[i];
			if (o->clause != c) {
				continue;
			}
			range[0] = 0;
			if (o->type == CFG_T_INT || o->type == CFG_T_TIME) {
				range_text(o, " (%ld to %ld)", " (%ld or more)",
				    range, sizeof(range));
			}
			snprintf(line, sizeof(line), "%s%s%s", o->desc, range,
			    (o->type == CFG_T_STRLIST ||
			    o->type == CFG_T_STR2LIST) &&
			    !strstr(o->desc, "repeatable") ?
			    " (repeatable)" : "");
			example_comment("\t", line, out);
			fprintf(out, "\t# %s:", o->name);
			if (o->def) {
				fputc(' ', out);
				example_value(o->def, out);
			}
			fputs("\n\n", out);
		}
	}
	for (c = CFG_C_FORWARD; c <= CFG_C_STUB; c++) {
		fputc('\n', out);
		example_comment("", checkconf_clauses[c].what, out);
		fprintf(out, "# %s:\n", checkconf_clauses[c].name);
		for (k = 0; k < sizeof(checkconf_zone_opts) /
		    sizeof(checkconf_zone_opts[0]); k++) {
			const struct checkconf_zone_opt *z =
			    &checkconf_zone_opts[k];

			if (z->clause != c) {
				continue;
			}
			fprintf(out, "#\t# %s%s\n#\t%s:%s\n", z->desc,
			    z->type == CFG_T_STRLIST ? " (repeatable)" : "",
			    z->name, z->type == CFG_T_BOOL ? " no" : "");
		}
	}
}

/** Print usage to out. */
static void
usage(FILE *out)
{
	fprintf(out, "usage: resolute-checkconf [-hp] [-o option] [file]\n"
	    "       resolute-checkconf --man | --example\n"
	    "Check the configuration file for errors.\n"
	    "  file       the file (default %s)\n"
	    "  -h         show this help\n"
	    "  -o option  print the value of option (one line per value)\n"
	    "  -p, --print print the effective settings, defaults "
	    "included\n"
	    "  --man      print the option reference of resolute.conf(5) "
	    "in roff\n"
	    "  --example  print an example config with every option\n",
	    CHECKCONF_DEFAULT_FILE);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "print", no_argument, NULL, 'p' },
		{ "man", no_argument, NULL, 'M' },
		{ "example", no_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 }
	};
	const char *file = CHECKCONF_DEFAULT_FILE, *opt = NULL;
	struct config *cfg;
	int c, print = 0, status = 0;

	log_init(NULL, 0, "resolute-checkconf");
	/* file:line: message, for editors. */
	log_plain(1);
	while ((c = getopt_long(argc, argv, "ho:p", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'o':
			opt = optarg;
			break;
		case 'p':
			print = 1;
			break;
		case 'M':
		case 'E':
			if (optind != argc) {
				usage(stderr);
				return 2;
			}
			if (c == 'M') {
				print_man(stdout);
			} else {
				print_example(stdout);
			}
			return fflush(stdout) != 0 || ferror(stdout) ? 1 : 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return 2;
	}
	if (argc - optind == 1) {
		file = argv[optind];
	}
	if (opt && !config_option_find(opt)) {
		fprintf(stderr, "resolute-checkconf: unknown option '%s'\n",
		    opt);
		return 2;
	}
	if (!(cfg = config_create())) {
		fprintf(stderr, "resolute-checkconf: out of memory\n");
		return 1;
	}
	if (config_read(cfg, file) != 0 || checkconf_build(cfg) != 0) {
		fprintf(stderr, "resolute-checkconf: errors in %s\n", file);
		status = 1;
	} else if (opt) {
		config_print_option(cfg, opt, stdout);
	} else if (print) {
		config_print(cfg, stdout);
	} else {
		printf("resolute-checkconf: no errors in %s\n", file);
	}
	config_delete(cfg);
	if (fflush(stdout) != 0) {
		status = 1;
	}
	return status;
}
