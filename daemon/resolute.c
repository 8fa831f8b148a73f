/*
 * daemon/resolute.c - main() of the resolute daemon.
 */
#include "config.h"
#include "util/log.h"

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	log_err("not yet");
	return 1;
}
