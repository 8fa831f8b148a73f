/*
 * util/strbuf.h - a growing text buffer, for output whose length is not
 * known before it is written (JSON, metrics pages).
 *
 * A failed allocation marks the buffer (oom) and later writes are
 * dropped, so a writer checks once at the end, not after every call.
 */
#ifndef UTIL_STRBUF_H
#define UTIL_STRBUF_H
#include <stddef.h>

/** A text buffer; zero-initialise it (struct strbuf b = { 0 }). */
struct strbuf {
	/** The text, NUL-terminated once something was written; owned. */
	char *p;
	/** Its length, without the NUL. */
	size_t len;
	/** The allocated size. */
	size_t cap;
	/** 1 once an allocation failed: the text is incomplete. */
	int oom;
};

/** Append formatted text. */
void strbuf_printf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Append len octets. */
void strbuf_add(struct strbuf *b, const char *s, size_t len);

/** Append s as a JSON string, quotes included (control characters,
 * quote and backslash escaped). */
void strbuf_json_str(struct strbuf *b, const char *s);

/** Free the text; the buffer is empty and usable again. */
void strbuf_free(struct strbuf *b);

#endif /* UTIL_STRBUF_H */
