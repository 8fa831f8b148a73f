/*
 * test/fault_wrap.h - allocation failures on demand, for the tests that
 * are linked with the linker's --wrap for malloc, calloc, realloc and
 * posix_memalign (test/fault_wrap.c): every allocation of the program,
 * resolute's and the test's, goes through the wrappers, which count it
 * and fail the fault_at-th one.  A test runs its scenario again and again
 * with fault_at = 1, 2, ... (fault_count reset each time) until a run
 * does not reach fault_at (fault_hit stays 0).
 */
#ifndef TEST_FAULT_WRAP_H
#define TEST_FAULT_WRAP_H

/** Allocations counted since the last reset. */
extern long fault_count;
/** The allocation to fail (1-based); 0 fails none. */
extern long fault_at;
/** 1 once the failure was injected. */
extern int fault_hit;

#endif /* TEST_FAULT_WRAP_H */
