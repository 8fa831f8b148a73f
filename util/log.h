/*
 * util/log.h - logging to stderr, a file or syslog, with verbosity levels.
 *
 * Levels follow unbound.conf's "verbosity:": 0 errors only, 1 operational
 * information, 2 detailed operational information (validation failures
 * are logged here), 3 query level, 4 algorithm level, 5 cache level.
 * Every function is safe to call from any thread: a line is formatted in
 * full and written with one write(2), so lines of threads never interleave.
 */
#ifndef UTIL_LOG_H
#define UTIL_LOG_H
#include <stdarg.h>

/** Verbosity levels. */
enum verbosity_level {
	VERB_NONE = 0,		/**< errors only */
	VERB_OPS = 1,		/**< operational information */
	VERB_DETAIL = 2,	/**< detailed operational information */
	VERB_QUERY = 3,		/**< query level */
	VERB_ALGO = 4,		/**< algorithm level */
	VERB_CLIENT = 5		/**< cache and client level */
};

/** Current verbosity; read on every verbose() call. */
extern volatile int log_verbosity;

/**
 * Set up logging.  Without a call, lines go to stderr.
 * @param file: log file name; NULL or "" for stderr.  Opened for append.
 * @param use_syslog: nonzero to log to syslog instead (file ignored).
 * @param ident: program name for the prefix and syslog.
 * @return 0 or RES_ESYSTEM when the file cannot be opened (logging then
 *	stays on stderr).
 */
int log_init(const char *file, int use_syslog, const char *ident);

/** Give the current thread a number for log lines (0 = main). */
void log_thread_set(int num);

/** Plain lines on: the text alone ("file:line: message"), warnings as
 * "file:line: warning: message"; no time, program or level prefix. */
void log_plain(int on);

/** Close a log file or syslog; lines go to stderr afterwards. */
void log_close(void);

/** Log an error (always shown). */
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Log a warning (always shown). */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Log information (always shown). */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Log at a verbosity level: shown when level <= log_verbosity. */
void verbose(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** Log an error and exit(1).  For startup errors only. */
void fatal_exit(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif /* UTIL_LOG_H */
