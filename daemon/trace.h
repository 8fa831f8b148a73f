/*
 * daemon/trace.h - the chain-of-trust tracer behind
 * "resolute-control trace NAME [TYPE]".
 *
 * A trace is a query of the real resolver: a fresh query state in a
 * worker's mesh that reads no cache (nor do its subqueries), so the
 * iterator walks from the root servers of the hints and the validator
 * fetches and checks every DS and DNSKEY on the way, as the servers
 * publish them now.  The mesh, the iterator and the validator report what
 * they do through the state's trace hook (util/module.h: each upstream
 * query and reply, each referral, each DNSKEY and DS RRset checked, each
 * signature check with its key tag, each denial proof, the verdict); the
 * tracer keeps the events and, when the query ends, prints them level by
 * level: per zone cut its servers, its DS and DNSKEY RRsets with key tags
 * and RRSIG validity windows and the verdict of the check, the referral
 * down; then the answer with its signatures and the result line
 * ("result: secure", "result: insecure ...", "result: bogus at ZONE:
 * REASON (EDE n)", "result: indeterminate ...", "result: error: ...").
 * The rules applied are the validator's own: the trace cannot disagree
 * with the resolver it explains.
 *
 * Threads: a struct trace_run is shared by the thread that asked (the
 * control channel's, which waits with trace_run_wait()) and the worker
 * that runs the query (trace_run_start() on its thread); the events are
 * kept under a lock, and the run is freed when both have released it.
 * A trace is bounded by the query's deadline and its upstream budget
 * (services/mesh.h), and the waiter by TRACE_MAX_SECONDS.
 */
#ifndef DAEMON_TRACE_H
#define DAEMON_TRACE_H
#include <stdint.h>
#include <stdio.h>

struct mesh_area;
struct trace_run;

/** Most seconds a waiter waits for a trace. */
#define TRACE_MAX_SECONDS 30

/**
 * Create a trace of a question (not started yet).
 * @param qname: the name, wire form (copied).
 * @param qtype: the type.
 * @param anchor: the name of the trust anchor that covers qname, or NULL
 *	(copied; for the first line of the output).
 * @return the run with one reference (the caller's), or NULL.
 */
struct trace_run *trace_run_create(const uint8_t *qname, uint16_t qtype,
	const uint8_t *anchor);

/** Take another reference (for a thread that will use the run). */
void trace_run_hold(struct trace_run *t);

/**
 * Start the trace's query in a mesh; call on the mesh's thread.  The run
 * takes a second reference for the mesh, dropped when the query ends.
 * @param t: the run.
 * @param mesh: the mesh.
 * @return 0, or an error (the run is marked ended with it).
 */
int trace_run_start(struct trace_run *t, struct mesh_area *mesh);

/**
 * Mark a run that could not be started (the worker was gone): it ends
 * with an error, without events.
 */
void trace_run_abort(struct trace_run *t);

/**
 * Wait until the trace's query ended, at most ms milliseconds.  Not on a
 * worker thread.
 * @return 1 when it ended, 0 on timeout.
 */
int trace_run_wait(struct trace_run *t, int ms);

/** 1 when the trace's query ended (any thread). */
int trace_run_done(struct trace_run *t);

/**
 * Print the trace, level by level (see the top of this file); a trace
 * that has not ended is printed as far as it got, with a result line
 * that says so.
 * @param t: the run.
 * @param out: where to write.
 * @return 0, or RES_ELIMIT for a trace that did not end, RES_ENOTFOUND
 *	when it ended without an answer (no server answered, limits).
 */
int trace_run_print(struct trace_run *t, FILE *out);

/** Drop a reference; the last one frees the run.  NULL ok. */
void trace_run_release(struct trace_run *t);

#endif /* DAEMON_TRACE_H */
