/*
 * daemon/resolute-checkconf.c - check resolute.conf before using it.
 *
 * Reads the file with the daemon's own parser (util/config.c), so what
 * passes here is what the daemon accepts, then runs config_check() for
 * what the parser alone cannot see (netblocks, domain names, port
 * ranges).  Every problem is reported on stderr as "file:line: message".
 * Exit status: 0 no errors, 1 errors in the file, 2 usage errors.
 */
#include "config.h"
#include "util/config_file.h"
#include "util/error.h"
#include "util/log.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** The file checked when none is given. */
#define CHECKCONF_DEFAULT_FILE SYSCONFDIR "/resolute/resolute.conf"

/** Print usage to out. */
static void
usage(FILE *out)
{
	fprintf(out, "usage: resolute-checkconf [-hp] [-o option] [file]\n"
	    "Check the configuration file for errors.\n"
	    "  file       the file (default %s)\n"
	    "  -h         show this help\n"
	    "  -o option  print the value of option (one line per value)\n"
	    "  -p, --print print the effective settings, defaults "
	    "included\n", CHECKCONF_DEFAULT_FILE);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "print", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	const char *file = CHECKCONF_DEFAULT_FILE, *opt = NULL;
	struct config *cfg;
	int c, print = 0, status = 0;

	log_init(NULL, 0, "resolute-checkconf");
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
	if (config_read(cfg, file) != 0 || config_check(cfg) != 0) {
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
