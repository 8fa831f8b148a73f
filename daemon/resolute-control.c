/*
 * daemon/resolute-control.c - the operator's control program.
 *
 * The control channel (remote-control: clause, TLS or Unix socket) is not
 * built yet.  Until it is, this program says so plainly and exits with a
 * failure status for every command; it never pretends a command worked.
 */
#include "config.h"
#include <stdio.h>
#include <string.h>

/** Print usage. */
static void
usage(void)
{
	printf("usage: resolute-control [-c file] command [args]\n"
	    "The control channel is not implemented in this version.\n");
}

int
main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0) {
		usage();
		return argc < 2 ? 1 : 0;
	}
	fprintf(stderr, "resolute-control: not yet: the control channel is "
	    "not implemented in this version\n");
	return 3;
}
