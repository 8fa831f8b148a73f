/*
 * services/anchor_probe.h - the probes of the RFC 5011 anchors: the
 * DNSKEY RRset of each anchored zone asked through the mesh when its
 * time comes (RFC 5011 section 2.3), the answer handed to the state
 * machine (validator/autotrust.h), the state file written, the new
 * trusted keys published and the zone's cached keys dropped.
 *
 * One thread runs the probes (worker 0 in the daemon, the harness in
 * replay): anchor_probe_tick() when its timer fires.  A probe is a
 * callback query with CD set, so the validator does not judge the keys
 * with the anchor they may replace; the state machine checks the
 * signatures itself.  Nothing blocks: the answer arrives later, or at
 * once from the cache.
 */
#ifndef SERVICES_ANCHOR_PROBE_H
#define SERVICES_ANCHOR_PROBE_H
#include <time.h>

struct mesh_area;
struct module_env;
struct anchor_set;

/**
 * Start the probes that are due.
 * @param m: the mesh to ask through.
 * @param env: its module environment (the key cache to flush; its
 *	anchors, at the time an answer comes, get it).
 * @param set: the anchors (env->anchors).
 * @param now: the time.
 * @return the time to look again: the next probe due, or in a second
 *	while a probe is in flight (its answer sets the next one); 0 when
 *	the set has no RFC 5011 anchor.
 */
time_t anchor_probe_tick(struct mesh_area *m, struct module_env *env,
	struct anchor_set *set, time_t now);

/**
 * Write every state file of the set once, at start: a file that cannot
 * be written is reported with its path and the reason (the anchor is
 * still used from memory).
 * @return the number of files that could not be written.
 */
int anchor_probe_write_all(struct anchor_set *set);

#endif /* SERVICES_ANCHOR_PROBE_H */
