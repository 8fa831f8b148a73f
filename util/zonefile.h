/*
 * util/zonefile.h - read RRs from a file in zone-file format.
 *
 * Used for root hints and trust-anchor files.  Cache dumps have a format
 * of their own: cache/dump.c reads them line by line and calls
 * rr_from_str() itself.  The reader handles what RFC 1035 section 5.1
 * asks of a master file that these uses need: one RR per entry, entries
 * spanning lines inside parentheses, ';' comments (not inside quotes), a
 * blank owner meaning the previous owner, $ORIGIN and $TTL (RFC 2308
 * section 4).  $INCLUDE is refused (these files are single files).  Each
 * RR is parsed by rr_from_str() (util/rdata.h) and handed to a callback.
 * Errors name the file and line of the entry's first line.
 */
#ifndef UTIL_ZONEFILE_H
#define UTIL_ZONEFILE_H
#include <stddef.h>
#include <stdint.h>

struct rr_text;

/**
 * Called for each RR read.
 * @param arg: the callback argument.
 * @param rr: the RR; valid during the call only.
 * @param file: file name, for messages.
 * @param line: line of the entry, for messages.
 * @return 0 to go on, or a negative code to stop reading (returned by
 *	zonefile_read()).
 */
typedef int (*zonefile_rr_cb)(void *arg, const struct rr_text *rr,
	const char *file, int line);

/**
 * Read a whole text file into memory (zone files, trust anchor files,
 * RFC 5011 state files).
 * @param file: the file name.
 * @param max: the largest size accepted, in octets.
 * @param out: receives the text, NUL-terminated (malloced), or NULL.
 * @return 0; RES_ESYSTEM when it cannot be read or is larger than max,
 *	RES_ESYNTAX when it holds a NUL octet (both logged), RES_ENOMEM.
 */
int zonefile_read_text(const char *file, size_t max, char **out);

/**
 * Read every RR of a file.
 * @param file: the file name.
 * @param origin: initial origin (wire name) or NULL for the root.
 * @param default_ttl: TTL until a $TTL line.
 * @param cb: called for each RR.
 * @param arg: its argument.
 * @return 0; RES_ESYSTEM when the file cannot be read, RES_ESYNTAX after
 *	logging "file:line: ..." for a bad entry, RES_ENOMEM, or what cb
 *	returned.
 */
int zonefile_read(const char *file, const uint8_t *origin,
	uint32_t default_ttl, zonefile_rr_cb cb, void *arg);

/**
 * The same from a string (tests, built-in hints).
 * @param text: the contents.
 * @param name: name for messages.
 */
int zonefile_read_string(const char *text, const char *name,
	const uint8_t *origin, uint32_t default_ttl, zonefile_rr_cb cb,
	void *arg);

#endif /* UTIL_ZONEFILE_H */
