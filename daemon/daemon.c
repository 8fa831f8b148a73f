/*
 * daemon/daemon.c - sockets, workers, signals, pid file, privileges and
 * reload of the resolute daemon.  See daemon.h for the life cycle.
 */
#include "config.h"
#include "daemon/daemon.h"
#include "daemon/acl.h"
#include "daemon/diag.h"
#include "daemon/dnstap.h"
#include "daemon/localzone.h"
#include "daemon/remote.h"
#include "daemon/http.h"
#include "daemon/stats.h"
#include "daemon/worker.h"
#include "cache/cachedb.h"
#include "cache/infra.h"
#include "cache/keycache.h"
#include "cache/negcache.h"
#include "cache/msgcache.h"
#include "cache/policy.h"
#include "cache/ratelimit.h"
#include "cache/rrset.h"
#include "iterator/hints.h"
#include "iterator/iter_fwd.h"
#include "validator/trust_anchor.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include "util/netevent.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/** Default pid file when pidfile: is empty. */
#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif
#define DAEMON_DEFAULT_PIDFILE RUNSTATEDIR "/resolute/resolute.pid"

void
daemon_setup_free(struct daemon_setup *s)
{
	acl_list_delete(s->acl);
	acl_list_delete(s->http_acl);
	local_zones_delete(s->local_zones);
	hints_delete(s->hints);
	iter_fwd_delete(s->fwds);
	anchors_delete(s->anchors);
	rate_domains_delete(s->rate_domains);
	memset(s, 0, sizeof(*s));
}

/** The HTTP statistics endpoint's checks beyond single options: with
 * TLS, the key and certificate must be there to read (the daemon reads
 * them at start, as root, before anything else can fail). */
static int
daemon_check_http(const struct config *cfg)
{
	char where[512];
	const char *f[2];
	int i, ret = RES_OK;

	if (!cfg->http_stats_interface || !cfg->http_stats_use_cert) {
		return RES_OK;
	}
	f[0] = cfg->server_key_file;
	f[1] = cfg->server_cert_file;
	for (i = 0; i < 2; i++) {
		if (!f[i] || access(f[i], R_OK) != 0) {
			log_err("%s: http-stats-use-cert: cannot read %s: %s "
			    "(run resolute-control-setup)", config_where(cfg,
			    "http-stats-use-cert", where, sizeof(where)),
			    f[i] ? f[i] : "(no file)", strerror(errno));
			ret = RES_ESYNTAX;
		}
	}
	return ret;
}

int
daemon_setup_build(const struct config *cfg, struct daemon_setup *s)
{
	char where[512];
	int bad = 0;

	memset(s, 0, sizeof(*s));
	/* The checks of single entries first: the builders below would
	 * report the same entries again. */
	if (config_check(cfg) != RES_OK) {
		return RES_ESYNTAX;
	}
	s->acl = acl_list_create();
	s->http_acl = acl_list_create();
	s->local_zones = local_zones_create();
	s->hints = hints_create();
	s->fwds = iter_fwd_create();
	s->anchors = anchors_create();
	s->rate_domains = rate_domains_create(cfg->ratelimit_for_domain,
	    cfg->ratelimit_below_domain);
	if (!s->acl || !s->http_acl || !s->local_zones || !s->hints || !s->fwds ||
	    !s->anchors || !s->rate_domains) {
		log_err("out of memory");
		daemon_setup_free(s);
		return RES_ENOMEM;
	}
	/* Every part is built, so one run reports every error. */
	bad |= acl_list_apply_config(s->acl, cfg) != RES_OK;
	bad |= acl_list_apply(s->http_acl, cfg->http_stats_access_control,
	    "http-stats-access-control") != RES_OK;
	bad |= local_zones_apply_config(s->local_zones, cfg) != RES_OK;
	bad |= modstack_config(&s->stack, cfg->module_config,
	    config_where(cfg, "module-config", where, sizeof(where))) !=
	    RES_OK;
	bad |= cachedb_check_config(cfg, s->stack.cachedb) != RES_OK;
	bad |= daemon_check_http(cfg) != RES_OK;
	bad |= dnstap_check_config(cfg) != RES_OK;
	bad |= hints_apply_config(s->hints, cfg) != RES_OK;
	bad |= iter_fwd_apply_config(s->fwds, cfg) != RES_OK;
	bad |= anchors_apply_config(s->anchors, cfg) != RES_OK;
	if (bad) {
		daemon_setup_free(s);
		return RES_ESYNTAX;
	}
	return RES_OK;
}

/** Create the shared caches from the config. */
static int
daemon_create_caches(struct daemon *d)
{
	const struct config *cfg = d->cfg;
	struct cache_policy pol;

	memset(&pol, 0, sizeof(pol));
	pol.min_ttl = (uint32_t)cfg->cache_min_ttl;
	pol.max_ttl = (uint32_t)cfg->cache_max_ttl;
	pol.max_negative_ttl = (uint32_t)cfg->cache_max_negative_ttl;
	pol.serve_expired = cfg->serve_expired;
	pol.serve_expired_ttl = (uint32_t)cfg->serve_expired_ttl;
	pol.prefetch = cfg->prefetch;
	d->rrset_cache = rrset_cache_create(cfg->rrset_cache_size,
	    (size_t)cfg->rrset_cache_slabs, &pol);
	d->msg_cache = msg_cache_create(cfg->msg_cache_size,
	    (size_t)cfg->msg_cache_slabs, &pol);
	d->infra_cache = infra_cache_create((size_t)cfg->infra_cache_numhosts,
	    (uint32_t)(cfg->infra_host_ttl > 0 ? cfg->infra_host_ttl : 1),
	    (size_t)cfg->infra_cache_slabs);
	d->key_cache = key_cache_create(cfg->key_cache_size,
	    (size_t)cfg->key_cache_slabs);
	if (cfg->aggressive_nsec) {
		d->neg_cache = neg_cache_create(cfg->neg_cache_size);
	}
	d->bogus_ring = diag_ring_create();
	if (cookie_secrets_init(&d->cookies, time(NULL)) != RES_OK) {
		log_err("cannot make the DNS Cookie secrets (no random "
		    "octets)");
		return RES_ESYSTEM;
	}
	/* Made whether the limits are on or not, so a reload can turn
	 * them on; an empty table takes its shards only. */
	d->ip_rate = rate_table_create(cfg->ip_ratelimit_size,
	    (size_t)cfg->ip_ratelimit_slabs);
	d->zone_rate = rate_table_create(cfg->ratelimit_size,
	    (size_t)cfg->ratelimit_slabs);
	if (!d->rrset_cache || !d->msg_cache || !d->infra_cache ||
	    !d->key_cache || !d->bogus_ring || (cfg->aggressive_nsec &&
	    !d->neg_cache) || !d->ip_rate || !d->zone_rate) {
		log_err("cannot create the caches (out of memory, or a size "
		    "too small for its slabs)");
		return RES_ENOMEM;
	}
	return RES_OK;
}

struct daemon *
daemon_create(struct config *cfg, const char *cfgfile)
{
	struct daemon *d = calloc(1, sizeof(*d));
	struct daemon_setup su;

	if (!d) {
		log_err("out of memory");
		config_delete(cfg);
		return NULL;
	}
	d->cfg = cfg;
	d->cfgfile = cfgfile ? strdup(cfgfile) : NULL;
	d->start_time = (long)time(NULL);
	d->num_workers = cfg->num_threads > 0 ? cfg->num_threads : 1;
	if (daemon_setup_build(cfg, &su) != RES_OK) {
		daemon_delete(d);
		return NULL;
	}
	d->acl = su.acl;
	d->http_acl = su.http_acl;
	d->local_zones = su.local_zones;
	d->stack = su.stack;
	d->hints = su.hints;
	d->fwds = su.fwds;
	d->anchors = su.anchors;
	d->rate_domains = su.rate_domains;
	if (daemon_create_caches(d) != RES_OK) {
		daemon_delete(d);
		return NULL;
	}
	return d;
}

/** Close every listening socket. */
static void
daemon_close_ports(struct daemon *d)
{
	int i, n = d->num_workers * d->num_ifs;

	for (i = 0; i < n; i++) {
		if (d->udp_fds && d->udp_fds[i] != -1) {
			close(d->udp_fds[i]);
		}
		if (d->tcp_fds && d->tcp_fds[i] != -1) {
			close(d->tcp_fds[i]);
		}
	}
	free(d->udp_fds);
	free(d->tcp_fds);
	d->udp_fds = d->tcp_fds = NULL;
	d->num_ifs = 0;
}

void
daemon_delete(struct daemon *d)
{
	int i;

	if (!d) {
		return;
	}
	for (i = 0; d->workers && i < d->num_workers; i++) {
		worker_stop(d->workers[i]);
		worker_delete(d->workers[i]);
	}
	free(d->workers);
	/* After the workers, which queue into it. */
	dnstap_env_delete(d->dtenv);
	daemon_remote_delete(d->rc);
	http_stats_delete(d->http);
	stats_roll_delete(d->roll);
	daemon_close_ports(d);
	/* Under chroot: by its name inside the chroot. */
	if (d->pidfile && unlink(config_path(d->cfg, d->pidfile)) != 0 &&
	    errno != ENOENT) {
		log_warn("cannot remove the pid file %s: %s", d->pidfile,
		    strerror(errno));
	}
	free(d->pidfile);
	free(d->piddir);
	comm_base_delete(d->base);
	acl_list_delete(d->acl);
	acl_list_delete(d->http_acl);
	local_zones_delete(d->local_zones);
	rrset_cache_delete(d->rrset_cache);
	msg_cache_delete(d->msg_cache);
	infra_cache_delete(d->infra_cache);
	key_cache_delete(d->key_cache);
	neg_cache_delete(d->neg_cache);
	diag_ring_delete(d->bogus_ring);
	rate_table_delete(d->ip_rate);
	rate_table_delete(d->zone_rate);
	rate_domains_delete(d->rate_domains);
	hints_delete(d->hints);
	iter_fwd_delete(d->fwds);
	anchors_delete(d->anchors);
	config_delete(d->cfg);
	free(d->cfgfile);
	free(d);
}

/** The interface addresses to serve, as text; defaults when none. */
static int
daemon_interfaces(const struct config *cfg, const char **ifs, int max)
{
	const struct cfg_strlist *p;
	int n = 0;

	for (p = cfg->interface; p && n < max; p = p->next) {
		ifs[n++] = p->str;
	}
	if (n == 0) {
		/* Unbound's default: localhost only. */
		if (cfg->do_ip4) {
			ifs[n++] = "127.0.0.1";
		}
		if (cfg->do_ip6) {
			ifs[n++] = "::1";
		}
	}
	return n;
}

/** Maximum interfaces served. */
#define DAEMON_MAX_IFS 64

int
daemon_open_ports(struct daemon *d)
{
	const char *ifs[DAEMON_MAX_IFS];
	struct sockaddr_storage addrs[DAEMON_MAX_IFS];
	socklen_t lens[DAEMON_MAX_IFS];
	const struct config *cfg = d->cfg;
	int nif, n, i, w, k = 0;

	nif = daemon_interfaces(cfg, ifs, DAEMON_MAX_IFS);
	/* Check every address first so a typo is one clear message. */
	for (i = 0, n = 0; i < nif; i++) {
		if (comm_addr_from_str(ifs[i], cfg->port, &addrs[n],
		    &lens[n]) != RES_OK) {
			log_err("interface: cannot parse address '%s'",
			    ifs[i]);
			return RES_ESYSTEM;
		}
		if ((addrs[n].ss_family == AF_INET && !cfg->do_ip4) ||
		    (addrs[n].ss_family == AF_INET6 && !cfg->do_ip6)) {
			continue;
		}
		n++;
	}
	if (n == 0) {
		log_err("no interface to listen on");
		return RES_ESYSTEM;
	}
	d->num_ifs = n;
	d->udp_fds = malloc(sizeof(int) * (size_t)(n * d->num_workers));
	d->tcp_fds = malloc(sizeof(int) * (size_t)(n * d->num_workers));
	if (!d->udp_fds || !d->tcp_fds) {
		log_err("out of memory");
		return RES_ENOMEM;
	}
	for (i = 0; i < n * d->num_workers; i++) {
		d->udp_fds[i] = d->tcp_fds[i] = -1;
	}
	for (w = 0; w < d->num_workers; w++) {
		for (i = 0; i < n; i++, k++) {
			/* Without SO_REUSEPORT all workers share worker 0's
			 * sockets (each has its own descriptor). */
			if (w > 0 && !cfg->so_reuseport) {
				d->udp_fds[k] = d->udp_fds[i] == -1 ? -1 :
				    dup(d->udp_fds[i]);
				d->tcp_fds[k] = d->tcp_fds[i] == -1 ? -1 :
				    dup(d->tcp_fds[i]);
				continue;
			}
			if (cfg->do_udp) {
				d->udp_fds[k] = comm_open_socket(&addrs[i],
				    lens[i], SOCK_DGRAM, cfg->so_reuseport,
				    cfg->so_rcvbuf, cfg->so_sndbuf);
				if (d->udp_fds[k] == -1) {
					return RES_ESYSTEM;
				}
				if (cfg->ip_dont_fragment &&
				    comm_socket_dontfrag(d->udp_fds[k],
				    addrs[i].ss_family) != RES_OK) {
					log_warn("ip-dont-fragment: not "
					    "available on this system: %s",
					    strerror(errno));
				}
			}
			if (cfg->do_tcp) {
				d->tcp_fds[k] = comm_open_socket(&addrs[i],
				    lens[i], SOCK_STREAM, cfg->so_reuseport,
				    0, 0);
				if (d->tcp_fds[k] == -1) {
					return RES_ESYSTEM;
				}
			}
		}
	}
	if (cfg->control_enable) {
		d->rc = daemon_remote_create(cfg);
		if (!d->rc) {
			return RES_ESYSTEM;
		}
	}
	if (cfg->http_stats_interface) {
		d->http = http_stats_create(cfg);
		if (!d->http) {
			return RES_ESYSTEM;
		}
	}
	for (i = 0; i < n; i++) {
		char buf[128];

		verbose(VERB_OPS, "serving %s%s%s", comm_addr_to_str(&addrs[i],
		    lens[i], 1, buf, sizeof(buf)), cfg->do_udp ? " udp" : "",
		    cfg->do_tcp ? " tcp" : "");
	}
	return RES_OK;
}

char *
daemon_make_dirs(const char *file)
{
	char dir[4096];
	char *p;

	if (snprintf(dir, sizeof(dir), "%s", file) >= (int)sizeof(dir) ||
	    !(p = strrchr(dir, '/')) || p == dir) {
		return NULL;
	}
	*p = 0;
	for (p = dir + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			(void)mkdir(dir, 0755);
			*p = '/';
		}
	}
	if (mkdir(dir, 0755) == 0) {
		verbose(VERB_OPS, "created the directory %s", dir);
		return strdup(dir);
	}
	return NULL;
}

void
daemon_write_pidfile(struct daemon *d)
{
	const char *name = d->cfg->pidfile && *d->cfg->pidfile ?
	    d->cfg->pidfile : DAEMON_DEFAULT_PIDFILE;
	char tmp[4096], line[32];
	int fd, len;

	/* Write-temp-then-rename: a reader never sees a half-written file. */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", name, (int)getpid()) >=
	    (int)sizeof(tmp)) {
		log_err("pidfile name too long");
		return;
	}
	free(d->piddir);
	d->piddir = daemon_make_dirs(name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		log_err("cannot write pidfile %s: %s", tmp, strerror(errno));
		return;
	}
	len = snprintf(line, sizeof(line), "%d\n", (int)getpid());
	if (write(fd, line, (size_t)len) != len || close(fd) != 0 ||
	    rename(tmp, name) != 0) {
		log_err("cannot write pidfile %s: %s", name, strerror(errno));
		(void)unlink(tmp);
		return;
	}
	free(d->pidfile);
	d->pidfile = strdup(name);
}

int
daemon_drop_privileges(struct daemon *d)
{
	const struct config *cfg = d->cfg;
	struct passwd *pw = NULL;

	if (cfg->username && *cfg->username) {
		/* Look the user up before chroot hides /etc/passwd. */
		pw = getpwnam(cfg->username);
		if (!pw) {
			log_err("username: user '%s' does not exist",
			    cfg->username);
			return RES_ESYSTEM;
		}
		if (d->pidfile && chown(d->pidfile, pw->pw_uid,
		    pw->pw_gid) != 0) {
			verbose(VERB_OPS, "cannot chown pidfile: %s",
			    strerror(errno));
		}
		/* A directory of its own can lose the file at the end. */
		if (d->piddir && chown(d->piddir, pw->pw_uid, pw->pw_gid) !=
		    0) {
			verbose(VERB_OPS, "cannot chown %s: %s", d->piddir,
			    strerror(errno));
		}
		daemon_remote_chown(d->rc, pw->pw_uid, pw->pw_gid);
	}
	if (cfg->chroot && *cfg->chroot) {
		char cwd[4096];
		const char *wd = "/";

		/* The working directory stays the same directory inside the
		 * chroot, so relative names mean what they meant at start
		 * (config_check() refuses those that lead outside). */
		if (getcwd(cwd, sizeof(cwd)) &&
		    (config_path_chrooted(cfg->chroot, cwd) != cwd ||
		    strspn(cfg->chroot, "/") == strlen(cfg->chroot))) {
			wd = config_path_chrooted(cfg->chroot, cwd);
		}
		if (chroot(cfg->chroot) != 0 || chdir(wd) != 0) {
			log_err("chroot to %s: %s", cfg->chroot,
			    strerror(errno));
			return RES_ESYSTEM;
		}
		verbose(VERB_OPS, "chrooted to %s", cfg->chroot);
		/* From here on every file of the config is opened through
		 * config_path(), by its name inside the chroot. */
		free(d->cfg->chrooted);
		d->cfg->chrooted = strdup(cfg->chroot);
		if (!d->cfg->chrooted ||
		    anchors_chrooted(d->anchors, cfg->chroot) != RES_OK) {
			log_err("out of memory");
			return RES_ESYSTEM;
		}
	}
	if (pw) {
		if (setgroups(1, &pw->pw_gid) != 0 ||
		    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
		    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0) {
			log_err("cannot drop privileges to %s: %s",
			    cfg->username, strerror(errno));
			return RES_ESYSTEM;
		}
		verbose(VERB_OPS, "dropped privileges to user %s",
		    cfg->username);
	}
	return RES_OK;
}

/** Create the workers on the open sockets. */
static int
daemon_create_workers(struct daemon *d)
{
	int i;

	d->workers = calloc((size_t)d->num_workers, sizeof(*d->workers));
	if (!d->workers) {
		log_err("out of memory");
		return RES_ENOMEM;
	}
	for (i = 0; i < d->num_workers; i++) {
		d->workers[i] = worker_create(d, i,
		    d->udp_fds + i * d->num_ifs, d->num_ifs,
		    d->tcp_fds + i * d->num_ifs, d->num_ifs, NULL);
		if (!d->workers[i]) {
			return RES_ESYSTEM;
		}
	}
	return RES_OK;
}

/** Start every worker thread with signals blocked in them. */
static int
daemon_start_workers(struct daemon *d)
{
	sigset_t all, old;
	int i, ret = RES_OK;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < d->num_workers; i++) {
		if (worker_start(d->workers[i]) != RES_OK) {
			ret = RES_ESYSTEM;
			break;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/** Stop every worker thread (they keep their sockets). */
static void
daemon_stop_workers(struct daemon *d)
{
	int i;

	for (i = 0; i < d->num_workers; i++) {
		worker_stop(d->workers[i]);
	}
}

/** Compare a setting that a reload cannot change; warn when it differs. */
static void
reload_check_int(const char *name, int old, int new)
{
	if (old != new) {
		log_warn("reload: %s changed; a restart is needed to apply it",
		    name);
	}
}

/** What a reload carries from the old anchor set to the new one. */
struct daemon_anchor_move {
	/** The new set. */
	struct anchor_set *nset;
	/** The set the anchors walked are compared with. */
	const struct anchor_set *other;
	/** The old config (its domain-insecure names are not carried). */
	const struct config *old_cfg;
	/** The key cache, whose entries under changed anchors go. */
	struct key_cache *keys;
	/** The NSEC index, likewise (NULL when off). */
	struct neg_cache *negs;
	/** Key cache entries removed. */
	size_t dropped;
};

/** anchors_foreach() callback: an anchor that the other set does not
 * have the same: the keys validated from it go. */
static void
daemon_anchor_changed(void *arg, const struct trust_anchor *ta)
{
	struct daemon_anchor_move *m = arg;
	const struct trust_anchor *o = anchors_lookup(m->other, ta->name,
	    ta->dclass);

	if (!o || !anchors_same(o, ta)) {
		m->dropped += key_cache_remove_below(m->keys, ta->name);
		/* NSEC ranges validated from the old anchor go too. */
		(void)neg_cache_remove_below(m->negs, ta->name);
	}
}

/** anchors_insecure_foreach() callback: a negative trust anchor added at
 * run time (insecure_add; not in the old config) stays after a reload. */
static void
daemon_keep_nta(void *arg, const uint8_t *name)
{
	struct daemon_anchor_move *m = arg;
	const struct cfg_strlist *l;
	uint8_t d[DNAME_MAXLEN];

	for (l = m->old_cfg->domain_insecure; l; l = l->next) {
		if (dname_from_str(l->str, NULL, d, NULL) == 0 &&
		    dname_equal(d, name)) {
			return;
		}
	}
	(void)anchors_insecure_add(m->nset, name);
}

/** Carry negative trust anchors over and drop the keys of changed
 * anchors: a new key configured must not wait for the old one's TTL. */
static void
daemon_move_anchors(struct daemon *d, struct anchor_set *nset)
{
	struct daemon_anchor_move m;

	memset(&m, 0, sizeof(m));
	m.nset = nset;
	m.old_cfg = d->cfg;
	m.keys = d->key_cache;
	m.negs = d->neg_cache;
	anchors_insecure_foreach(d->anchors, daemon_keep_nta, &m);
	m.other = nset;
	(void)anchors_foreach(d->anchors, daemon_anchor_changed, &m);
	m.other = d->anchors;
	(void)anchors_foreach(nset, daemon_anchor_changed, &m);
	if (m.dropped > 0) {
		log_info("reload: trust anchors changed: %zu key cache "
		    "entries dropped", m.dropped);
	}
}

/** Two string lists hold the same values in the same order. */
static int
strlist_equal(const struct cfg_strlist *a, const struct cfg_strlist *b)
{
	for (; a && b; a = a->next, b = b->next) {
		if (strcmp(a->str, b->str) != 0) {
			return 0;
		}
	}
	return a == b;
}

/** Start or stop the rolling statistics as the config says (on with
 * rolling-statistics: or the HTTP endpoint). */
static void
daemon_rolling_stats(struct daemon *d)
{
	int want = d->cfg->rolling_statistics || d->http;

	if (want && !d->roll) {
		d->roll = stats_roll_create();
		if (!d->roll || stats_roll_start(d->roll, d) != RES_OK) {
			log_err("rolling statistics: out of memory; off");
			stats_roll_delete(d->roll);
			d->roll = NULL;
		}
	} else if (!want && d->roll) {
		stats_roll_stop(d->roll);
		stats_roll_delete(d->roll);
		d->roll = NULL;
	}
}

int
daemon_reload(struct daemon *d)
{
	struct config *ncfg;
	struct daemon_setup su;
	const struct config *o;

	log_info("reload: reading %s", d->cfgfile ? d->cfgfile : "(none)");
	ncfg = config_create();
	/* Under chroot the files are read by their names inside it. */
	if (ncfg && d->cfg->chrooted &&
	    !(ncfg->chrooted = strdup(d->cfg->chrooted))) {
		config_delete(ncfg);
		ncfg = NULL;
	}
	if (!ncfg || (d->cfgfile && config_read(ncfg, d->cfgfile) !=
	    RES_OK) || daemon_setup_build(ncfg, &su) != RES_OK) {
		log_err("reload: config has errors; keeping the old config");
		config_delete(ncfg);
		return RES_ESYNTAX;
	}
	o = d->cfg;
	reload_check_int("port", o->port, ncfg->port);
	reload_check_int("num-threads", o->num_threads, ncfg->num_threads);
	reload_check_int("do-ip4", o->do_ip4, ncfg->do_ip4);
	reload_check_int("do-ip6", o->do_ip6, ncfg->do_ip6);
	reload_check_int("do-udp", o->do_udp, ncfg->do_udp);
	reload_check_int("do-tcp", o->do_tcp, ncfg->do_tcp);
	reload_check_int("rrset-cache-size", (int)(o->rrset_cache_size >> 10),
	    (int)(ncfg->rrset_cache_size >> 10));
	reload_check_int("msg-cache-size", (int)(o->msg_cache_size >> 10),
	    (int)(ncfg->msg_cache_size >> 10));
	reload_check_int("ip-ratelimit-size",
	    (int)(o->ip_ratelimit_size >> 10),
	    (int)(ncfg->ip_ratelimit_size >> 10));
	reload_check_int("ip-ratelimit-slabs", o->ip_ratelimit_slabs,
	    ncfg->ip_ratelimit_slabs);
	reload_check_int("ratelimit-size", (int)(o->ratelimit_size >> 10),
	    (int)(ncfg->ratelimit_size >> 10));
	reload_check_int("ratelimit-slabs", o->ratelimit_slabs,
	    ncfg->ratelimit_slabs);
	if (strcmp(o->module_config ? o->module_config : "",
	    ncfg->module_config ? ncfg->module_config : "") != 0) {
		log_warn("reload: module-config changed; a restart is needed "
		    "to apply it");
	}
	if (!dnstap_config_equal(o, ncfg)) {
		log_warn("reload: dnstap settings changed; a restart is "
		    "needed to apply them");
	}
	if (!strlist_equal(o->interface, ncfg->interface)) {
		log_warn("reload: interface changed; a restart is needed to "
		    "apply it");
	}
	if (!strlist_equal(o->http_stats_interface,
	    ncfg->http_stats_interface) || o->http_stats_port !=
	    ncfg->http_stats_port || o->http_stats_use_cert !=
	    ncfg->http_stats_use_cert) {
		log_warn("reload: http-stats-interface, -port or -use-cert "
		    "changed; a restart is needed to apply it");
	}
	daemon_stop_workers(d);
	acl_list_delete(d->acl);
	acl_list_delete(d->http_acl);
	d->http_acl = su.http_acl;
	local_zones_delete(d->local_zones);
	d->acl = su.acl;
	d->local_zones = su.local_zones;
	hints_delete(d->hints);
	d->hints = su.hints;
	iter_fwd_delete(d->fwds);
	d->fwds = su.fwds;
	rate_domains_delete(d->rate_domains);
	d->rate_domains = su.rate_domains;
	daemon_move_anchors(d, su.anchors);
	anchors_delete(d->anchors);
	d->anchors = su.anchors;
	config_delete(d->cfg);
	d->cfg = ncfg;
	log_verbosity = ncfg->verbosity + d->extra_verbosity;
	if (daemon_start_workers(d) != RES_OK) {
		log_err("reload: cannot restart workers; stopping");
		comm_base_exit(d->base);
		return RES_ESYSTEM;
	}
	daemon_rolling_stats(d);
	log_info("reload: done");
	return RES_OK;
}

/** Signal callback: stop. */
static void
daemon_sig_stop(void *arg)
{
	struct daemon *d = arg;

	log_info("stopping on signal");
	comm_base_exit(d->base);
}

/** Signal callback: reload. */
static void
daemon_sig_reload(void *arg)
{
	(void)daemon_reload(arg);
}

void
daemon_stop(struct daemon *d)
{
	comm_base_exit(d->base);
}

void
daemon_pause_workers(struct daemon *d)
{
	daemon_stop_workers(d);
}

int
daemon_resume_workers(struct daemon *d)
{
	if (daemon_start_workers(d) != RES_OK) {
		log_err("cannot restart workers; stopping");
		comm_base_exit(d->base);
		return RES_ESYSTEM;
	}
	return RES_OK;
}

void
daemon_stats(const struct daemon *d, struct worker_stats *total)
{
	int i;

	memset(total, 0, sizeof(*total));
	for (i = 0; d->workers && i < d->num_workers; i++) {
		if (d->workers[i]) {
			worker_stats_add(total, &d->workers[i]->stats);
		}
	}
}

/** Log the totals at exit, for operators and tests. */
static void
daemon_log_stats(const struct daemon *d)
{
	struct worker_stats t;
	struct mesh_stats ms;
	uint64_t servfail;
	int i;

	daemon_stats(d, &t);
	/* Every SERVFAIL sent: the worker's own and the mesh's. */
	servfail = t.ans_rcode[MSG_RCODE_SERVFAIL];
	for (i = 0; d->workers && i < d->num_workers; i++) {
		if (d->workers[i]) {
			mesh_get_stats(d->workers[i]->res->mesh, &ms);
			servfail += ms.ans_rcode[MSG_RCODE_SERVFAIL];
		}
	}
	verbose(VERB_OPS, "stats: queries=%llu tcp=%llu "
	    "dropped_malformed=%llu formerr=%llu acl_dropped=%llu "
	    "acl_refused=%llu local=%llu notimp=%llu servfail=%llu",
	    (unsigned long long)t.num_queries,
	    (unsigned long long)t.num_tcp,
	    (unsigned long long)t.num_dropped_malformed,
	    (unsigned long long)t.num_formerr,
	    (unsigned long long)t.num_acl_dropped,
	    (unsigned long long)t.num_acl_refused,
	    (unsigned long long)t.num_local,
	    (unsigned long long)t.num_notimp,
	    (unsigned long long)servfail);
}

int
daemon_run(struct daemon *d)
{
	struct comm_signal *s_term, *s_int, *s_hup, *s_quit;
	int ret = RES_OK;

	d->base = comm_base_create();
	if (!d->base) {
		return RES_ESYSTEM;
	}
	s_term = comm_signal_create(d->base, SIGTERM, daemon_sig_stop, d);
	s_int = comm_signal_create(d->base, SIGINT, daemon_sig_stop, d);
	s_quit = comm_signal_create(d->base, SIGQUIT, daemon_sig_stop, d);
	s_hup = comm_signal_create(d->base, SIGHUP, daemon_sig_reload, d);
	signal(SIGPIPE, SIG_IGN);
	if (!s_term || !s_int || !s_quit || !s_hup) {
		ret = RES_ESYSTEM;
		goto out;
	}
	/* Here, after any fork: the I/O thread would not survive one. */
	if (d->cfg->dnstap_enable && !(d->dtenv = dnstap_env_create(d->cfg,
	    d->num_workers))) {
		ret = RES_ESYSTEM;
		goto out;
	}
	if (daemon_create_workers(d) != RES_OK ||
	    daemon_start_workers(d) != RES_OK) {
		ret = RES_ESYSTEM;
		goto out;
	}
	if (d->rc && daemon_remote_attach(d->rc, d) != RES_OK) {
		ret = RES_ESYSTEM;
		goto out;
	}
	if (d->http && http_stats_attach(d->http, d) != RES_OK) {
		ret = RES_ESYSTEM;
		goto out;
	}
	daemon_rolling_stats(d);
	log_info("resolute %s started, %d thread%s", PACKAGE_VERSION,
	    d->num_workers, d->num_workers == 1 ? "" : "s");
	comm_base_dispatch(d->base);
	daemon_stop_workers(d);
	daemon_log_stats(d);
out:
	daemon_remote_detach(d->rc);
	comm_signal_delete(s_term);
	comm_signal_delete(s_int);
	comm_signal_delete(s_quit);
	comm_signal_delete(s_hup);
	return ret;
}
