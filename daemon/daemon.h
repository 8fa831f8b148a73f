/*
 * daemon/daemon.h - the daemon: configuration, listening sockets, workers,
 * signals, pid file, privileges, reload.
 *
 * Life cycle (daemon/resolute.c drives it):
 *	daemon_create(cfg) -> daemon_open_ports() -> [daemonize] ->
 *	daemon_write_pidfile() -> daemon_drop_privileges() ->
 *	daemon_run() (starts workers, serves signals until stopped) ->
 *	daemon_delete().
 * The main thread runs only the signal loop; workers run in their own
 * threads with signals blocked.  SIGHUP re-reads the config file: when it
 * parses, the access list, local zones and verbosity are replaced while
 * the workers are paused; listening settings (interface, port,
 * num-threads, do-ip4/6, do-udp/tcp) need a restart and are kept, with a
 * log line saying so.  A config that does not parse keeps the old one.
 */
#ifndef DAEMON_DAEMON_H
#define DAEMON_DAEMON_H
#include "daemon/cookie.h"
#include "daemon/worker.h"
#include "services/modstack.h"

struct config;
struct acl_list;
struct http_stats;
struct stats_roll;
struct local_zones;
struct comm_base;
struct rrset_cache;
struct msg_cache;
struct infra_cache;
struct key_cache;
struct neg_cache;
struct iter_hints;
struct iter_forwards;
struct anchor_set;
struct daemon_remote;
struct dnstap_env;
struct diag_ring;
struct rate_table;
struct rate_domains;

/** The daemon's state. */
struct daemon {
	/** The config in force; owned. */
	struct config *cfg;
	/** The config file name, for reload; owned. */
	char *cfgfile;
	/** Verbosity given on the command line (-v count), added on reload. */
	int extra_verbosity;
	/** Access control; owned; read by workers. */
	struct acl_list *acl;
	/** Local zones; owned; read by workers. */
	struct local_zones *local_zones;
	/** Workers, num_workers of them. */
	struct worker **workers;
	/** Number of workers (num-threads). */
	int num_workers;
	/** Listening sockets: udp_fds[worker * num_ifs + i]. */
	int *udp_fds;
	/** Listening TCP sockets, same layout. */
	int *tcp_fds;
	/** Sockets per worker. */
	int num_ifs;
	/** The main thread's base, for signals. */
	struct comm_base *base;
	/** The pid file written, to remove at exit; owned. */
	char *pidfile;
	/** The directory of the pid file when the daemon made it (given
	 * to the user it runs as, so that the file can go at the end), or
	 * NULL. */
	char *piddir;
	/** Time the daemon started (for uptime). */
	long start_time;
	/** The shared caches (they lock themselves); kept across reloads. */
	struct rrset_cache *rrset_cache;
	/** Message cache. */
	struct msg_cache *msg_cache;
	/** Infra cache. */
	struct infra_cache *infra_cache;
	/** Key cache (for the validator). */
	struct key_cache *key_cache;
	/** NSEC index (aggressive-nsec), or NULL. */
	struct neg_cache *neg_cache;
	/** The secrets of the server cookies (answer-cookie); rotated by
	 * worker 0, read by every worker without a lock. */
	struct cookie_secrets cookies;
	/** Root hints; replaced on reload. */
	struct iter_hints *hints;
	/** Forward and stub zones; replaced on reload. */
	struct iter_forwards *fwds;
	/** The module chain (module-config); stack.validating is 1 when
	 * the validator is in it. */
	struct modstack stack;
	/** The control channel (remote-control:), or NULL; owned. */
	struct daemon_remote *rc;
	/** The HTTP statistics endpoint (http-stats-interface:), or NULL;
	 * owned. */
	struct http_stats *http;
	/** http-stats-access-control; replaced on reload. */
	struct acl_list *http_acl;
	/** The rolling statistics (rolling-statistics: or the HTTP
	 * endpoint), or NULL; main thread only; owned. */
	struct stats_roll *roll;
	/** Trust anchors and negative trust anchors; replaced on reload. */
	struct anchor_set *anchors;
	/** ip-ratelimit counters per client address, shared by the
	 * workers (they lock themselves); kept across reloads. */
	struct rate_table *ip_rate;
	/** ratelimit counters per zone, as ip_rate. */
	struct rate_table *zone_rate;
	/** Per-zone ratelimits; replaced on reload. */
	struct rate_domains *rate_domains;
	/** The last validation failures, for dump_diag; owned. */
	struct diag_ring *bogus_ring;
	/** dnstap (dnstap-enable), or NULL; owned; made by daemon_run()
	 * and kept across reloads. */
	struct dnstap_env *dtenv;
};

/**
 * What a config builds before anything runs, and the one validation
 * path of a config: the daemon at start and on reload, and
 * resolute-checkconf, all go through daemon_setup_build().
 */
struct daemon_setup {
	/** access-control: */
	struct acl_list *acl;
	/** http-stats-access-control: */
	struct acl_list *http_acl;
	/** local-zone: and local-data: */
	struct local_zones *local_zones;
	/** module-config: */
	struct modstack stack;
	/** root-hints: */
	struct iter_hints *hints;
	/** forward-zone: and stub-zone: */
	struct iter_forwards *fwds;
	/** trust anchors (their files read) and domain-insecure: */
	struct anchor_set *anchors;
	/** ratelimit-for-domain: and ratelimit-below-domain: */
	struct rate_domains *rate_domains;
};

/**
 * Check a config read by config_read() and build what it describes:
 * config_check(), then the tables, the module chain, the hints, the
 * forward and stub zones and the trust anchors.  Every error is logged
 * with the file and line it comes from.
 * @param cfg: the config.
 * @param s: receives the tables (owned by the caller:
 *	daemon_setup_free()); all NULL on failure.
 * @return 0, RES_ESYNTAX (errors logged) or RES_ENOMEM.
 */
int daemon_setup_build(const struct config *cfg, struct daemon_setup *s);

/** Free what daemon_setup_build() built. */
void daemon_setup_free(struct daemon_setup *s);

/**
 * Create the daemon state for a config (daemon_setup_build(), then the
 * caches).
 * @param cfg: the config; owned by the daemon afterwards (also on failure).
 * @param cfgfile: the file it came from (copied).
 * @return the daemon or NULL with the errors logged (file:line).
 */
struct daemon *daemon_create(struct config *cfg, const char *cfgfile);

/** Delete the daemon: workers, sockets, pid file.  NULL ok. */
void daemon_delete(struct daemon *d);

/** Open the listening sockets of every worker.  0 or RES_ESYSTEM. */
int daemon_open_ports(struct daemon *d);

/**
 * Make the directories above a file that are missing (mode 0755), as a
 * run-state directory under a fresh prefix.  Errors are left to the
 * caller's open() or bind().
 * @return the file's own directory when it was made here (malloced: the
 *	caller gives it to the user the daemon runs as), else NULL.
 */
char *daemon_make_dirs(const char *file);

/** Write the pid file (pidfile:, or the default).  Failure is logged. */
void daemon_write_pidfile(struct daemon *d);

/**
 * chroot: and username: as configured.  Under chroot the working
 * directory stays the same directory inside the chroot when it is in it
 * (else "/"), and from then on d->cfg->chrooted is set, so every file of
 * the config is opened through config_path() (reload, RFC 5011 state
 * files, the pid file and control sockets removed at stop).
 * @return 0 or RES_ESYSTEM (logged).
 */
int daemon_drop_privileges(struct daemon *d);

/** Start workers, serve signals until SIGTERM/SIGINT, stop workers.
 * @return 0, or RES_ESYSTEM when workers could not start. */
int daemon_run(struct daemon *d);

/** Sum the workers' counters. */
void daemon_stats(const struct daemon *d, struct worker_stats *total);

/**
 * Re-read the config file (SIGHUP and the control channel's reload).
 * Main thread only.  A config with errors keeps the old one (logged).
 * @param d: the daemon, running.
 * @return 0, or RES_ESYNTAX when the new config was refused.
 */
int daemon_reload(struct daemon *d);

/** Make daemon_run() return, as SIGTERM does.  Main thread only. */
void daemon_stop(struct daemon *d);

/**
 * Stop every worker thread so the main thread may change what they read
 * (local zones); daemon_resume_workers() starts them again.  Queries
 * arriving meanwhile wait in the socket buffers.  Main thread only.
 * @param d: the daemon.
 */
void daemon_pause_workers(struct daemon *d);

/**
 * Start the workers paused by daemon_pause_workers().
 * @param d: the daemon.
 * @return 0, or RES_ESYSTEM (the daemon is then stopped).
 */
int daemon_resume_workers(struct daemon *d);

#endif /* DAEMON_DAEMON_H */
