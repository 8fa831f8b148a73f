/*
 * util/strbuf.c - a growing text buffer.  See strbuf.h.
 */
#include "config.h"
#include "util/strbuf.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Make room for need more octets and the NUL.  0 or -1 (oom set). */
static int
strbuf_room(struct strbuf *b, size_t need)
{
	size_t cap;
	char *p;

	if (b->oom) {
		return -1;
	}
	if (b->len + need + 1 <= b->cap) {
		return 0;
	}
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + need + 1) {
		if (cap > ((size_t)-1) / 2) {
			b->oom = 1;
			return -1;
		}
		cap *= 2;
	}
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void
strbuf_add(struct strbuf *b, const char *s, size_t len)
{
	if (strbuf_room(b, len) != 0) {
		return;
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = 0;
}

void
strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (strbuf_room(b, 64) != 0) {
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->p[b->len] = 0;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (strbuf_room(b, (size_t)n) != 0) {
			return;
		}
		va_start(ap, fmt);
		(void)vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
strbuf_json_str(struct strbuf *b, const char *s)
{
	const unsigned char *c;

	strbuf_add(b, "\"", 1);
	for (c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			char e[2] = { '\\', (char)*c };

			strbuf_add(b, e, 2);
		} else if (*c < 0x20) {
			strbuf_printf(b, "\\u%04x", *c);
		} else {
			strbuf_add(b, (const char *)c, 1);
		}
	}
	strbuf_add(b, "\"", 1);
}

void
strbuf_free(struct strbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}
