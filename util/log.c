/*
 * util/log.c - logging implementation.
 *
 * Each line is "[time] ident[pid:thread] level: text\n", built in a stack
 * buffer and written with a single write(2) so concurrent threads do not
 * interleave.  Syslog gets the text without our prefix; plain lines
 * (log_plain(), resolute-checkconf) are the text alone, so that editors
 * can jump to a "file:line:" at their start.
 */
#include "config.h"
#include "util/log.h"
#include "util/error.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

volatile int log_verbosity = VERB_OPS;

/** Where lines go: fd (stderr or a file), or syslog. */
static int log_fd = 2;
/** Nonzero when logging to syslog. */
static int log_to_syslog;
/** Program name in the line prefix. */
static char log_ident[32] = "resolute";
/** Thread number of the current thread, for the line prefix. */
static __thread int log_thread_num;
/** Nonzero for plain lines (log_plain()). */
static int log_is_plain;

int
log_init(const char *file, int use_syslog, const char *ident)
{
	int fd;

	if (ident) {
		snprintf(log_ident, sizeof(log_ident), "%s", ident);
	}
	log_close();
	if (use_syslog) {
		openlog(log_ident, LOG_NDELAY | LOG_PID, LOG_DAEMON);
		log_to_syslog = 1;
		return RES_OK;
	}
	if (!file || !*file) {
		return RES_OK;
	}
	fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd == -1) {
		log_err("cannot open logfile %s: %s", file, strerror(errno));
		return RES_ESYSTEM;
	}
	log_fd = fd;
	return RES_OK;
}

void
log_plain(int on)
{
	log_is_plain = on;
}

/** Length of a "file:line: " at the start of a message, else 0. */
static size_t
log_where_len(const char *msg)
{
	const char *p = strchr(msg, ':');

	if (!p || p == msg || p[1] < '0' || p[1] > '9') {
		return 0;
	}
	for (p++; *p >= '0' && *p <= '9'; p++) {
	}
	return p[0] == ':' && p[1] == ' ' ? (size_t)(p + 2 - msg) : 0;
}

void
log_thread_set(int num)
{
	log_thread_num = num;
}

void
log_close(void)
{
	if (log_to_syslog) {
		closelog();
		log_to_syslog = 0;
	}
	if (log_fd != 2) {
		close(log_fd);
		log_fd = 2;
	}
}

/** Format and write one line.  pri is the syslog priority. */
static void
log_vmsg(int pri, const char *type, const char *fmt, va_list args)
{
	char msg[2048], line[2200];
	struct timespec ts;
	struct tm tm;
	int n;

	vsnprintf(msg, sizeof(msg), fmt, args);
	if (log_to_syslog) {
		syslog(pri, "%s: %s", type, msg);
		return;
	}
	if (log_is_plain) {
		/* "file:line: message", or "file:line: warning: message",
		 * as compilers print them. */
		size_t w = log_where_len(msg);

		if (strcmp(type, "warning") == 0) {
			n = snprintf(line, sizeof(line), "%.*swarning: %s\n",
			    (int)w, msg, msg + w);
		} else {
			n = snprintf(line, sizeof(line), "%s\n", msg);
		}
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		n = snprintf(line, sizeof(line),
		    "[%04d-%02d-%02d %02d:%02d:%02d] %s[%d:%d] %s: %s\n",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, log_ident, (int)getpid(),
		    log_thread_num, type, msg);
	}
	if (n < 0) {
		return;
	}
	if ((size_t)n >= sizeof(line)) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	if (write(log_fd, line, (size_t)n) < 0) {
		/* Nowhere left to report it. */
	}
}

void
log_err(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_vmsg(LOG_ERR, "error", fmt, args);
	va_end(args);
}

void
log_warn(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_vmsg(LOG_WARNING, "warning", fmt, args);
	va_end(args);
}

void
log_info(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_vmsg(LOG_INFO, "info", fmt, args);
	va_end(args);
}

void
verbose(int level, const char *fmt, ...)
{
	va_list args;
	static const char *names[] = { "error", "notice", "info", "query",
	    "algo", "debug" };

	if (level > log_verbosity) {
		return;
	}
	va_start(args, fmt);
	log_vmsg(level <= VERB_OPS ? LOG_NOTICE : LOG_DEBUG,
	    names[level < 0 ? 0 : level > 5 ? 5 : level], fmt, args);
	va_end(args);
}

void
fatal_exit(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_vmsg(LOG_CRIT, "fatal error", fmt, args);
	va_end(args);
	exit(1);
}
