/*
 * daemon/http.h - the HTTP statistics endpoint (http-stats-interface:).
 *
 * libevent's evhttp on the main thread's base serves three paths:
 *	/metrics	the Prometheus text exposition of the counters
 *	/api/stats	the JSON of stats_json (with the rolling rates)
 *	/		one self-contained page (daemon/stats_page.html) that
 *			draws the rolling rates as SVG and refreshes itself
 * Only GET and HEAD; every request is checked against
 * http-stats-access-control (the daemon's http_acl) and answered 403
 * unless allowed.  With http-stats-use-cert the endpoint speaks TLS with
 * the control channel's server key and certificate.  Nothing here runs
 * on a worker: a request costs the main thread one read of the
 * counters, as resolute-control stats does.
 */
#ifndef DAEMON_HTTP_H
#define DAEMON_HTTP_H

struct config;
struct daemon;
struct http_stats;

/**
 * Open the endpoint's listening sockets (before privileges are dropped)
 * and its TLS context.
 * @param cfg: the config; http-stats-interface must be set.
 * @return the endpoint, or NULL with the reason logged.
 */
struct http_stats *http_stats_create(const struct config *cfg);

/** Close and free.  NULL ok. */
void http_stats_delete(struct http_stats *h);

/**
 * Serve on the daemon's main base.
 * @return 0 or RES_ENOMEM / RES_ESYSTEM (logged).
 */
int http_stats_attach(struct http_stats *h, struct daemon *d);

/**
 * The body of a path, as the endpoint serves it (for tests).
 * @param d: the daemon.
 * @param path: "/metrics", "/api/stats" or "/".
 * @param type: receives the content type.
 * @return the body (free()), NULL for an unknown path or no memory.
 */
char *http_stats_body(struct daemon *d, const char *path,
	const char **type);

#endif /* DAEMON_HTTP_H */
