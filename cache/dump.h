/*
 * cache/dump.h - the text form of the RRset and message caches, written
 * by dump_cache and read back by load_cache.
 *
 * The dump is line oriented so it streams: each RRset and message is
 * written on its own as the caches are walked, nothing is collected
 * first.  The format (version 1):
 *
 *	; resolute cache dump 1
 *	$TIME <unix time of the dump>
 *	$RRSET <trust> <security> <ede> <rrs> <rrsigs> [<bogus reason>]
 *	<rrs + rrsigs RR lines in zone-file presentation format, the TTL
 *	 being the TTL left at the time of the dump>
 *	$MSG <qname> <qclass> <qtype> <qflags> <rcode> <flags> <ttl>
 *	     <security> <an> <ns> <ar>		(on one line)
 *	$REF <owner> <class> <type>		(an + ns + ar of them)
 *	$END
 *
 * trust and security are words (answer_auth, secure, ...); qflags,
 * rcode and flags are decimal.  Lines starting with ';' and empty lines
 * are ignored.  Expired entries are not written.
 *
 * Loading parses the whole text first (dump_load_line() per line) and
 * stores only when every line was good (dump_load_store()), so a bad
 * line leaves the caches untouched.  TTLs are reduced by the time passed
 * since $TIME; what has expired meanwhile is skipped.  A message is
 * stored only when every RRset it refers to is in the RRset cache.
 */
#ifndef CACHE_DUMP_H
#define CACHE_DUMP_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct rrset_cache;
struct msg_cache;
struct dump_load;

/**
 * Receives the dump text piece by piece.
 * @param arg: the argument given to dump_cache_write().
 * @param text: whole lines, newline included; valid during the call.
 * @param len: octets of text.
 * @return 0 to go on, non-zero to stop the dump (a failed write).
 */
typedef int (*dump_write_fn)(void *arg, const char *text, size_t len);

/**
 * Write the caches' live contents.  fn runs while a cache shard is
 * locked, so it must not call into the caches and should not wait long.
 * @param rc: the RRset cache; NULL writes no RRsets.
 * @param mc: the message cache; NULL writes no messages.
 * @param now: current time.
 * @param fn: the writer.
 * @param arg: passed to fn.
 * @return 0, RES_ESYSTEM when fn stopped the dump, RES_EINVAL for a NULL
 *	fn.
 */
int dump_cache_write(struct rrset_cache *rc, struct msg_cache *mc,
	time_t now, dump_write_fn fn, void *arg);

/**
 * Start reading a dump.
 * @return the reader, or NULL when out of memory.
 */
struct dump_load *dump_load_create(void);

/** Free a reader and everything it parsed.  NULL ok. */
void dump_load_delete(struct dump_load *l);

/**
 * Parse the next line of a dump.
 * @param l: the reader.
 * @param line: one line, NUL-terminated, with or without its newline.
 * @return 0, or RES_ESYNTAX / RES_ENOMEM / RES_EINVAL; then the reader
 *	keeps the first error (dump_load_error()) and takes no more lines.
 */
int dump_load_line(struct dump_load *l, const char *line);

/**
 * The first error, if any.
 * @param l: the reader.
 * @param lineno: receives its line number (1-based), 0 when none.
 * @return the text of the error, or NULL when every line was good.
 */
const char *dump_load_error(const struct dump_load *l, int *lineno);

/**
 * Check the end of the text and store everything parsed.  Nothing is
 * stored when a line had an error or the text ended inside an entry.
 * @param l: the reader.
 * @param rc: the RRset cache.
 * @param mc: the message cache.
 * @param now: current time (TTLs are reduced by now - $TIME).
 * @param nrrsets: if not NULL, receives the RRsets stored.
 * @param nmsgs: if not NULL, receives the messages stored.
 * @return 0, RES_ESYNTAX (see dump_load_error()), RES_EINVAL for NULL
 *	arguments.
 */
int dump_load_store(struct dump_load *l, struct rrset_cache *rc,
	struct msg_cache *mc, time_t now, size_t *nrrsets, size_t *nmsgs);

#endif /* CACHE_DUMP_H */
