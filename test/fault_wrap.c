/*
 * test/fault_wrap.c - the failing allocation wrappers (see fault_wrap.h).
 */
#include "config.h"
#include "test/fault_wrap.h"
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t s);
void *__real_realloc(void *p, size_t n);
int __real_posix_memalign(void **p, size_t a, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t s);
void *__wrap_realloc(void *p, size_t n);
int __wrap_posix_memalign(void **p, size_t a, size_t n);

long fault_count;
long fault_at;
int fault_hit;

/** Count an allocation; 1 if it must fail. */
static int
fault_now(void)
{
	if (++fault_count == fault_at && fault_at) {
		fault_hit = 1;
		return 1;
	}
	return 0;
}

void *
__wrap_malloc(size_t n)
{
	return fault_now() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t s)
{
	return fault_now() ? NULL : __real_calloc(n, s);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return fault_now() ? NULL : __real_realloc(p, n);
}

int
__wrap_posix_memalign(void **p, size_t a, size_t n)
{
	return fault_now() ? ENOMEM : __real_posix_memalign(p, a, n);
}
