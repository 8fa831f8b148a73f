/*
 * test/fault_wrap.c - allocation failures for the replay harness built as
 * test/replay_fault: linked with the linker's --wrap for malloc, calloc
 * and realloc, every allocation (resolute's and the harness's) goes
 * through these wrappers, and the fault_at-th one after fault_count was
 * reset fails.
 */
#include "config.h"
#include <stddef.h>
#include <stdlib.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t s);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t s);
void *__wrap_realloc(void *p, size_t n);

/** Allocations counted so far. */
long fault_count;
/** The allocation to fail (1-based); 0 fails none. */
long fault_at;
/** 1 once the failure was injected. */
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
