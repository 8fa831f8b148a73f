/*
 * daemon/resolute.c - main() of the resolute daemon.
 *
 * Reads the config (errors name file:line and stop the start), opens the
 * listening sockets while still privileged, optionally goes to the
 * background, writes the pid file, drops privileges, and hands over to
 * daemon_run() until a stop signal.
 */
#include "config.h"
#include "daemon/daemon.h"
#include "services/anchor_probe.h"
#include "util/config_file.h"
#include "util/error.h"
#include "util/log.h"
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** Default config file. */
#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define RESOLUTE_CONFIG SYSCONFDIR "/resolute/resolute.conf"

/** Print usage. */
static void
usage(void)
{
	printf("usage: resolute [-dhvV] [-c file]\n"
	    "  -c file  config file (default " RESOLUTE_CONFIG ")\n"
	    "  -d       stay in the foreground, log to stderr\n"
	    "  -v       more verbose (repeat for more)\n"
	    "  -V       print the version and exit (also --version)\n"
	    "  -h       this help\n");
}

/** Go to the background: fork, new session, stdio to /dev/null. */
static int
daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0) {
		log_err("fork: cannot go to the background");
		return RES_ESYSTEM;
	}
	if (pid > 0) {
		_exit(0);
	}
	if (setsid() == -1) {
		log_err("setsid failed");
		return RES_ESYSTEM;
	}
	fd = open("/dev/null", O_RDWR);
	if (fd != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2) {
			close(fd);
		}
	}
	return RES_OK;
}

int
main(int argc, char **argv)
{
	const char *cfgfile = RESOLUTE_CONFIG;
	char cfgabs[4096];
	struct config *cfg;
	struct daemon *d;
	int c, foreground = 0, extra_verb = 0, background, ret;

	static const struct option longopts[] = {
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};

	while ((c = getopt_long(argc, argv, "c:dhvV", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'c':
			cfgfile = optarg;
			break;
		case 'd':
			foreground = 1;
			break;
		case 'v':
			extra_verb++;
			break;
		case 'V':
			printf("%s\n", PACKAGE_STRING);
			return 0;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 1;
		}
	}
	if (optind != argc) {
		usage();
		return 1;
	}
	log_init(NULL, 0, "resolute");
	cfg = config_create();
	if (!cfg) {
		fatal_exit("out of memory");
	}
	/* A reload reads the file again after directory: and chroot:
	 * have changed the working directory and the root. */
	if (!config_path_absolute(NULL, cfgfile, cfgabs, sizeof(cfgabs))) {
		snprintf(cfgabs, sizeof(cfgabs), "%s", cfgfile);
	}
	if (config_read(cfg, cfgfile) != RES_OK) {
		config_delete(cfg);
		fatal_exit("cannot start: errors in %s", cfgfile);
	}
	log_verbosity = cfg->verbosity + extra_verb;
	if (cfg->directory && *cfg->directory && chdir(cfg->directory) != 0) {
		config_delete(cfg);
		fatal_exit("directory: cannot enter %s", cfg->directory);
	}
	background = cfg->do_daemonize && !foreground;
	d = daemon_create(cfg, cfgabs);
	if (!d) {
		fatal_exit("cannot start: errors in %s", cfgfile);
	}
	d->extra_verbosity = extra_verb;
	if (daemon_open_ports(d) != RES_OK) {
		daemon_delete(d);
		fatal_exit("cannot open the listening ports");
	}
	/* Setup errors went to stderr; from here on, as configured (as
	 * with Unbound's -d, the log file is used in the foreground too). */
	if (d->cfg->use_syslog || (d->cfg->logfile && *d->cfg->logfile)) {
		log_init(d->cfg->logfile, d->cfg->use_syslog, "resolute");
	} else if (background) {
		/* Nobody reads stderr of a background daemon. */
		log_init(NULL, 1, "resolute");
	}
	if (background && daemonize() != RES_OK) {
		daemon_delete(d);
		return 1;
	}
	daemon_write_pidfile(d);
	if (daemon_drop_privileges(d) != RES_OK) {
		daemon_delete(d);
		return 1;
	}
	/* As the user that will keep them: a state file that cannot be
	 * written is said now, with the path and the reason. */
	(void)anchor_probe_write_all(d->anchors);
	ret = daemon_run(d);
	daemon_delete(d);
	log_info("stopped");
	log_close();
	return ret == RES_OK ? 0 : 1;
}
