/*
 * test/test_config.c - unit tests for util/config_file.c and the option
 * table.
 *
 * Files come from testdata/config/; the program changes to $top_srcdir
 * (set by the Makefile) first, because include paths in those files are
 * relative to the working directory, as in Unbound.  Error messages are
 * captured by pointing log_init() at a temporary file and reading it back
 * after each parse.
 */
#include "config.h"
#include "test/unit.h"
#include "util/config_file.h"
#include "util/error.h"
#include "util/log.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** Temporary directory for logs and generated files. */
static char tmpdir[] = "/tmp/test_config.XXXXXX";
/** The log file all messages go to. */
static char logpath[512];
/** What the last parse logged. */
static char logbuf[65536];

/** Empty the log file. */
static void
log_clear(void)
{
	FILE *f = fopen(logpath, "w");

	if (f) {
		fclose(f);
	}
	logbuf[0] = 0;
}

/** Read the log file into logbuf. */
static const char *
log_read(void)
{
	FILE *f = fopen(logpath, "r");
	size_t n = 0;

	if (f) {
		n = fread(logbuf, 1, sizeof(logbuf) - 1, f);
		fclose(f);
	}
	logbuf[n] = 0;
	return logbuf;
}

/** Count occurrences of needle in hay. */
static int
count_str(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

/** Parse text into a fresh config; return the result, log in logbuf. */
static int
parse(const char *text)
{
	struct config *cfg = config_create();
	int r;

	log_clear();
	r = config_read_string(cfg, text, "t.conf");
	config_delete(cfg);
	log_read();
	return r;
}

/** Write text to a file in tmpdir; returns the path (static buffer). */
static const char *
write_tmp(const char *name, const char *text)
{
	static char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

/** Every default named in the option list. */
static void
test_config_defaults(void)
{
	struct config *cfg = config_create();

	UNIT_CHECK(cfg != NULL);
	if (!cfg) {
		return;
	}
	UNIT_CHECK_INT(cfg->port, 53);
	UNIT_CHECK_INT(cfg->num_threads, 1);
	UNIT_CHECK(cfg->interface == NULL);
	UNIT_CHECK_INT(cfg->do_ip4, 1);
	UNIT_CHECK_INT(cfg->do_ip6, 1);
	UNIT_CHECK_INT(cfg->do_udp, 1);
	UNIT_CHECK_INT(cfg->do_tcp, 1);
	UNIT_CHECK_INT(cfg->so_reuseport, 1);
	UNIT_CHECK_INT(cfg->so_rcvbuf, 0);
	UNIT_CHECK_INT(cfg->so_sndbuf, 0);
	UNIT_CHECK_INT(cfg->edns_buffer_size, 1232);
	UNIT_CHECK_INT(cfg->max_udp_size, 1232);
	UNIT_CHECK_INT(cfg->incoming_num_tcp, 10);
	UNIT_CHECK_INT(cfg->tcp_idle_timeout, 30000);
	UNIT_CHECK(cfg->access_control == NULL);
	UNIT_CHECK(cfg->local_zone == NULL);
	UNIT_CHECK_INT(cfg->verbosity, 1);
	UNIT_CHECK_STR(cfg->username, "");
	UNIT_CHECK_STR(cfg->chroot, "");
	UNIT_CHECK_STR(cfg->directory, "");
	UNIT_CHECK_STR(cfg->pidfile, "");
	UNIT_CHECK_STR(cfg->logfile, "");
	UNIT_CHECK_INT(cfg->use_syslog, 0);
	UNIT_CHECK_INT(cfg->log_queries, 0);
	UNIT_CHECK_INT(cfg->do_daemonize, 0);
	UNIT_CHECK_STR(cfg->module_config, "validator iterator");
	UNIT_CHECK(cfg->identity == NULL);
	UNIT_CHECK(cfg->version == NULL);
	UNIT_CHECK_INT(cfg->msg_cache_size, 4 * 1024 * 1024);
	UNIT_CHECK_INT(cfg->msg_cache_slabs, 4);
	UNIT_CHECK_INT(cfg->rrset_cache_size, 4 * 1024 * 1024);
	UNIT_CHECK_INT(cfg->key_cache_size, 4 * 1024 * 1024);
	UNIT_CHECK_INT(cfg->neg_cache_size, 1024 * 1024);
	UNIT_CHECK_INT(cfg->infra_cache_numhosts, 10000);
	UNIT_CHECK_INT(cfg->infra_host_ttl, 900);
	UNIT_CHECK_INT(cfg->cache_min_ttl, 0);
	UNIT_CHECK_INT(cfg->cache_max_ttl, 86400);
	UNIT_CHECK_INT(cfg->cache_max_negative_ttl, 3600);
	UNIT_CHECK_INT(cfg->prefetch, 0);
	UNIT_CHECK_INT(cfg->serve_expired_client_timeout, 1800);
	UNIT_CHECK_INT(cfg->qname_minimisation, 1);
	UNIT_CHECK_INT(cfg->do_not_query_localhost, 1);
	UNIT_CHECK_INT(cfg->outgoing_range, 4096);
	UNIT_CHECK_INT(cfg->num_queries_per_thread, 1024);
	UNIT_CHECK_INT(cfg->val_bogus_ttl, 60);
	UNIT_CHECK_INT(cfg->val_sig_skew_min, 3600);
	UNIT_CHECK_INT(cfg->val_sig_skew_max, 86400);
	UNIT_CHECK_INT(cfg->nsec3_max_iterations, 50);
	UNIT_CHECK_STR(cfg->query_compare, "no");
	UNIT_CHECK_INT(cfg->ede, 1);
	UNIT_CHECK_INT(cfg->control_enable, 0);
	UNIT_CHECK_INT(cfg->control_port, 8953);
	UNIT_CHECK_INT(cfg->control_use_cert, 1);
	UNIT_CHECK(strstr(cfg->server_key_file, "resolute_server.key"));
	UNIT_CHECK(cfg->forwards == NULL && cfg->stubs == NULL);
	UNIT_CHECK(cfg->config_file == NULL);
	UNIT_CHECK_INT(config_check(cfg), 0);
	config_delete(cfg);
}

/** The table: field names follow option names, ranges hold defaults. */
static void
test_config_table(void)
{
	const struct cfg_option *t;
	const struct cfg_refused *rf;
	size_t n, i, j;
	char want[128];

	t = config_option_table(&n);
	UNIT_CHECK(n > 80);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "%s", t[i].name);
		for (j = 0; want[j]; j++) {
			if (want[j] == '-') {
				want[j] = '_';
			}
		}
		UNIT_CHECK_STR(t[i].field, want);
		UNIT_CHECK(t[i].desc && *t[i].desc);
		for (j = i + 1; j < n; j++) {
			UNIT_CHECK(strcmp(t[i].name, t[j].name) != 0);
		}
		if (t[i].type == CFG_T_INT || t[i].type == CFG_T_TIME) {
			long long v = t[i].def ? atoll(t[i].def) : 0;

			UNIT_CHECK(t[i].min <= t[i].max);
			UNIT_CHECK(v >= t[i].min && v <= t[i].max);
		}
		UNIT_CHECK(config_option_find(t[i].name) == &t[i]);
	}
	UNIT_CHECK(config_option_find("port:") == config_option_find("port"));
	UNIT_CHECK(config_option_find("nope") == NULL);
	/* A refused option is not also a setting. */
	rf = config_refused_table(&n);
	UNIT_CHECK(n >= 5);
	for (i = 0; i < n; i++) {
		UNIT_CHECK(config_option_find(rf[i].name) == NULL);
		UNIT_CHECK(rf[i].why && *rf[i].why);
	}
	UNIT_CHECK(config_option_find("") == NULL);
	UNIT_CHECK(config_option_find(NULL) == NULL);
	UNIT_CHECK(config_option_table(NULL) == t);
}

/** Memory sizes. */
static void
test_config_size(void)
{
	size_t v = 77;
	char big[64];

	UNIT_CHECK_INT(config_parse_size("4m", &v), 0);
	UNIT_CHECK_INT(v, 4 * 1024 * 1024);
	UNIT_CHECK_INT(config_parse_size("1k", &v), 0);
	UNIT_CHECK_INT(v, 1024);
	UNIT_CHECK_INT(config_parse_size("123", &v), 0);
	UNIT_CHECK_INT(v, 123);
	UNIT_CHECK_INT(config_parse_size("2G", &v), 0);
	UNIT_CHECK_INT(v, 2048LL * 1024 * 1024);
	UNIT_CHECK_INT(config_parse_size("3mb", &v), 0);
	UNIT_CHECK_INT(v, 3 * 1024 * 1024);
	UNIT_CHECK_INT(config_parse_size("0", &v), 0);
	UNIT_CHECK_INT(v, 0);
	v = 77;
	UNIT_CHECK_INT(config_parse_size("4x", &v), RES_ESYNTAX);
	UNIT_CHECK_INT(config_parse_size("", &v), RES_ESYNTAX);
	UNIT_CHECK_INT(config_parse_size("m", &v), RES_ESYNTAX);
	UNIT_CHECK_INT(config_parse_size("-1", &v), RES_ESYNTAX);
	UNIT_CHECK_INT(config_parse_size(" 1", &v), RES_ESYNTAX);
	UNIT_CHECK_INT(config_parse_size("1 k", &v), RES_ESYNTAX);
	UNIT_CHECK_INT(config_parse_size("1kk", &v), RES_ESYNTAX);
	UNIT_CHECK_INT(config_parse_size("1b", &v), RES_ESYNTAX);
	memset(big, '9', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	UNIT_CHECK_INT(config_parse_size(big, &v), RES_ESYNTAX);
	UNIT_CHECK_INT(config_parse_size("99999999999999g", &v), RES_ESYNTAX);
	UNIT_CHECK_INT(v, 77);
	UNIT_CHECK_INT(config_parse_size(NULL, &v), RES_ESYNTAX);
	UNIT_CHECK_INT(config_parse_size("1", NULL), RES_ESYNTAX);
}

/**
 * Check the settings good.conf gives.
 * @param orig: nonzero when read from good.conf itself (not a printout),
 *	so list entries name the included files and lines.
 */
static void
check_good(const struct config *cfg, int orig)
{
	const struct cfg_strlist *l;
	const struct cfg_str2list *l2;
	const struct cfg_stub *s;
	char where[512];

	UNIT_CHECK_INT(cfg->verbosity, 2);
	UNIT_CHECK_INT(cfg->do_ip6, 0);
	UNIT_CHECK_INT(cfg->port, 5353);
	UNIT_CHECK_INT(cfg->cache_max_ttl, 7200);
	UNIT_CHECK_INT(cfg->msg_cache_size, 8 * 1024 * 1024);
	UNIT_CHECK_INT(cfg->rrset_cache_size, 1024);
	UNIT_CHECK_INT(cfg->so_rcvbuf, 123);
	UNIT_CHECK_STR(cfg->module_config, "iterator");
	UNIT_CHECK_STR(cfg->identity, "resolver # one");
	UNIT_CHECK_STR(cfg->pidfile, "");
	UNIT_CHECK_INT(cfg->prefetch, 1);
	UNIT_CHECK_INT(cfg->serve_expired, 1);
	UNIT_CHECK_INT(cfg->num_threads, 2);
	UNIT_CHECK_STR(cfg->query_compare, "unsigned");
	l = cfg->interface;
	UNIT_CHECK(l && strcmp(l->str, "127.0.0.1") == 0);
	UNIT_CHECK(l && l->next && strcmp(l->next->str, "::1") == 0);
	UNIT_CHECK(l && l->next && !l->next->next);
	l2 = cfg->access_control;
	UNIT_CHECK(l2 && strcmp(l2->str, "127.0.0.0/8") == 0 &&
	    strcmp(l2->str2, "allow") == 0);
	UNIT_CHECK(l2 && (l2 = l2->next) && strcmp(l2->str, "10.0.0.0/8") ==
	    0 && strcmp(l2->str2, "refuse") == 0);
	UNIT_CHECK(l2 && (l2 = l2->next) && strcmp(l2->str2, "allow_snoop") ==
	    0 && l2->next == NULL);
	l2 = cfg->local_zone;
	UNIT_CHECK(l2 && strcmp(l2->str, "example.internal.") == 0 &&
	    strcmp(l2->str2, "static") == 0);
	l = cfg->local_data;
	UNIT_CHECK(l && strcmp(l->str,
	    "www.example.internal. 3600 IN A 192.0.2.10") == 0);
	UNIT_CHECK(l && l->next && strcmp(l->next->str,
	    "txt.example.internal. TXT \"quoted # text\"") == 0);
	/* Includes: the glob in order, the nested ones inside a.conf. */
	l = cfg->outgoing_port_avoid;
	UNIT_CHECK(l && strcmp(l->str, "3000-3100") == 0);
	UNIT_CHECK(!orig || (l && strstr(l->file, "inc/a.conf") &&
	    l->line == 3));
	UNIT_CHECK(l && l->next && strcmp(l->next->str, "4000") == 0);
	UNIT_CHECK(!orig || (l && l->next &&
	    strstr(l->next->file, "inc/b.conf")));
	UNIT_CHECK_INT(cfg->val_log_level, 2);
	/* Where a single value was set: the nested file and its line; an
	 * option left at its default names the config file. */
	UNIT_CHECK(!orig || strstr(config_where(cfg, "val-log-level", where,
	    sizeof(where)), "nest/level2.conf:2") != NULL);
	UNIT_CHECK(!orig || strstr(config_where(cfg, "hide-version:", where,
	    sizeof(where)), "good.conf") != NULL);
	UNIT_CHECK(cfg->trust_anchor_file && strcmp(cfg->trust_anchor_file->str,
	    "testdata/config/nest/root.key") == 0);
	UNIT_CHECK_INT(cfg->control_enable, 1);
	UNIT_CHECK(cfg->control_interface &&
	    strcmp(cfg->control_interface->str, "127.0.0.1") == 0);
	UNIT_CHECK(cfg->domain_insecure &&
	    strcmp(cfg->domain_insecure->str, "corp.example.") == 0);
	s = cfg->forwards;
	UNIT_CHECK(s && strcmp(s->name, ".") == 0 && s->isfirst == 1);
	UNIT_CHECK(s && s->addrs && strcmp(s->addrs->str,
	    "192.0.2.1@853#dns.example") == 0);
	UNIT_CHECK(s && s->addrs && s->addrs->next &&
	    strcmp(s->addrs->next->str, "192.0.2.2") == 0);
	UNIT_CHECK(s && s->hosts == NULL && s->tcp_upstream == 0);
	UNIT_CHECK(s && (s = s->next) && strcmp(s->name, "corp.example.") ==
	    0 && s->addrs == NULL && s->hosts && s->tcp_upstream == 1 &&
	    s->next == NULL);
	s = cfg->stubs;
	UNIT_CHECK(s && strcmp(s->name, "lab.example.") == 0 && s->isprime &&
	    !s->isfirst && s->addrs && s->next == NULL);
	/* Untouched options keep their defaults. */
	UNIT_CHECK_INT(cfg->do_ip4, 1);
	UNIT_CHECK_INT(cfg->key_cache_size, 4 * 1024 * 1024);
}

/** A file with every type, quoting, includes and zone clauses. */
static void
test_config_good_file(void)
{
	struct config *cfg = config_create();

	log_clear();
	UNIT_CHECK_INT(config_read(cfg, "testdata/config/good.conf"), 0);
	UNIT_CHECK_STR(log_read(), "");
	UNIT_CHECK_STR(cfg->config_file, "testdata/config/good.conf");
	check_good(cfg, 1);
	UNIT_CHECK_INT(config_check(cfg), 0);
	config_delete(cfg);
}

/** config_print() output read back gives the same settings. */
static void
test_config_roundtrip(void)
{
	struct config *a = config_create(), *b = config_create();
	char path[600], *t1 = NULL, *t2 = NULL;
	size_t n1 = 0, n2 = 0;
	FILE *f, *m;

	UNIT_CHECK_INT(config_read(a, "testdata/config/good.conf"), 0);
	snprintf(path, sizeof(path), "%s/printed.conf", tmpdir);
	f = fopen(path, "w");
	UNIT_CHECK(f != NULL);
	if (!f) {
		goto out;
	}
	config_print(a, f);
	fclose(f);
	log_clear();
	UNIT_CHECK_INT(config_read(b, path), 0);
	UNIT_CHECK_STR(log_read(), "");
	check_good(b, 0);
	/* Printing both gives the same text but for the header line. */
	free(a->config_file);
	a->config_file = NULL;
	free(b->config_file);
	b->config_file = NULL;
	m = open_memstream(&t1, &n1);
	config_print(a, m);
	fclose(m);
	m = open_memstream(&t2, &n2);
	config_print(b, m);
	fclose(m);
	UNIT_CHECK(n1 > 1000);
	UNIT_CHECK_STR(t1, t2);
	/* Every option is printed, defaults included. */
	UNIT_CHECK(strstr(t1, "\tneg-cache-size: 1m\n") != NULL);
	UNIT_CHECK(strstr(t1, "\tcontrol-port: 8953\n") != NULL);
	/* Refused options are not settings. */
	UNIT_CHECK(strstr(t1, "harden-glue") == NULL);
	UNIT_CHECK(strstr(t1, "cachedb:") == NULL);
	UNIT_CHECK(strstr(t1, "\t# version: (not set)\n") != NULL);
	UNIT_CHECK(strstr(t1, "\tidentity: \"resolver # one\"\n") != NULL);
out:
	free(t1);
	free(t2);
	config_delete(a);
	config_delete(b);
}

/** One error each: the right line and a message naming the problem. */
static void
test_config_errors(void)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{ "server:\n\n  verbosty: 2\n",
		    "t.conf:3: unknown option 'verbosty' (did you mean "
		    "'verbosity'?)" },
		{ "server:\n  frobnicate: 2\n",
		    "t.conf:2: unknown option 'frobnicate'" },
		{ "server:\n  prefetch: maybe\n",
		    "t.conf:2: expected yes or no for 'prefetch', got "
		    "'maybe'" },
		{ "server:\n  port: 70000\n",
		    "t.conf:2: value 70000 for 'port' out of range 1..65535" },
		{ "server:\n  port: 0\n",
		    "t.conf:2: value 0 for 'port' out of range 1..65535" },
		{ "server:\n  port: 99999999999999999999999\n",
		    "t.conf:2: value 99999999999999999999999 for 'port' out of "
		    "range" },
		{ "server:\n  port: 5x\n",
		    "t.conf:2: expected a number for 'port', got '5x'" },
		{ "server:\n  infra-host-ttl: -1\n",
		    "t.conf:2: value -1 for 'infra-host-ttl' out of range" },
		{ "server:\n  msg-cache-size: 4x\n",
		    "t.conf:2: expected a size" },
		{ "server:\n\n\n\n\n\n\n\n  access-control: 10.0.0.0/8 alow\n",
		    "t.conf:9: unknown access-control action 'alow'" },
		{ "server:\n  local-zone: example. statik\n",
		    "t.conf:2: unknown local-zone type 'statik'" },
		{ "server:\n  query-compare: some\n",
		    "t.conf:2: unknown query-compare value 'some'" },
		{ "server:\n  identity: \"abc\n",
		    "t.conf:2: unterminated quote" },
		{ "server:\n  identity: a\"bc\"\n",
		    "t.conf:2: quote inside the word" },
		{ "# c\nport: 53\n",
		    "t.conf:2: option 'port' outside any clause (expected "
		    "'server:' first)" },
		{ "server:\n  control-port: 1\n",
		    "t.conf:2: option 'control-port' belongs in "
		    "'remote-control:', not in 'server:'" },
		{ "remote-control:\n  port: 1\n",
		    "t.conf:2: option 'port' belongs in 'server:', not in "
		    "'remote-control:'" },
		{ "server:\n  forward-addr: 192.0.2.1\n",
		    "t.conf:2: option 'forward-addr' belongs in "
		    "'forward-zone:'" },
		{ "forward-zone:\n  name: .\n  stub-addr: 192.0.2.1\n",
		    "t.conf:3: option 'stub-addr' belongs in 'stub-zone:'" },
		{ "forward-zone:\n  name: .\n  port: 1\n",
		    "t.conf:3: option 'port' belongs in 'server:'" },
		{ "server:\n  verbosity:\n  port: 53\n",
		    "t.conf:2: missing value for 'verbosity'" },
		{ "server:\n  verbosity: port: 53\n",
		    "t.conf:2: missing value for 'verbosity'" },
		{ "server:\n  access-control: 10.0.0.0/8\n",
		    "t.conf:2: 'access-control' needs two values, got one" },
		{ "server:\n  port: 53 54\n",
		    "t.conf:2: unexpected '54' (too many values for 'port'?)" },
		{ "server:\n  port 53\n",
		    "t.conf:2: missing ':' after 'port'" },
		{ "server: stray\n",
		    "t.conf:1: expected 'name: value', got 'stray'" },
		{ "server:\n  \"port:\" 53\n",
		    "t.conf:2: expected 'name: value', got 'port:'" },
		{ "server:\n  : 53\n", "t.conf:2: expected an option name" },
		{ "server:\n include: \"no/such/file.conf\"\n",
		    "t.conf:2: cannot open include file 'no/such/file.conf'" },
		{ "forward-zone:\n  forward-addr: 192.0.2.1\n",
		    "t.conf:1: forward-zone: clause without 'name:'" },
		{ "stub-zone:\n  name: a.\n  name: b.\n",
		    "t.conf:3: second 'name' in one stub-zone: clause" },
		{ "verbosty:2\n",
		    "t.conf:1: unknown option 'verbosty' (did you mean " },
		{ "server:\n  forward-first: yes\n",
		    "t.conf:2: option 'forward-first' belongs in "
		    "'forward-zone:'" }
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = parse(cases[i].text);

		if (!UNIT_CHECK(r == RES_ESYNTAX) ||
		    !UNIT_CHECK(strstr(logbuf, cases[i].want) != NULL)) {
			printf("#   case %zu: want \"%s\"\n#   log: %s",
			    i, cases[i].want, logbuf);
		}
		/* Exactly one error, so a line is never reported twice. */
		UNIT_CHECK_INT(count_str(logbuf, "error: "), 1);
	}
	/* A pattern with a wildcard that matches nothing is no error. */
	UNIT_CHECK_INT(parse("include: \"no/such/dir/*.conf\"\n"), 0);
	UNIT_CHECK_STR(logbuf, "");
}

/** Several errors in one file, reported with their lines; cap at 20. */
static void
test_config_many_errors(void)
{
	struct config *cfg = config_create();
	char text[4096];
	size_t w;
	int i;

	log_clear();
	UNIT_CHECK_INT(config_read(cfg, "testdata/config/errors.conf"),
	    RES_ESYNTAX);
	log_read();
	UNIT_CHECK(strstr(logbuf, "errors.conf:3: value 70000") != NULL);
	UNIT_CHECK(strstr(logbuf, "errors.conf:4: expected yes or no") !=
	    NULL);
	UNIT_CHECK(strstr(logbuf, "errors.conf:5: unknown option 'verbosty'")
	    != NULL);
	UNIT_CHECK(strstr(logbuf, "errors.conf:6: unknown access-control "
	    "action 'alow'") != NULL);
	UNIT_CHECK(strstr(logbuf, "errors.conf:7: unknown local-zone type")
	    != NULL);
	UNIT_CHECK(strstr(logbuf, "errors.conf:8: unterminated quote") !=
	    NULL);
	UNIT_CHECK(strstr(logbuf, "errors.conf:9: option 'control-port' "
	    "belongs in") != NULL);
	UNIT_CHECK(strstr(logbuf, "errors.conf:10: missing value") != NULL);
	UNIT_CHECK(strstr(logbuf, "errors.conf:11: 'access-control' needs "
	    "two") != NULL);
	UNIT_CHECK(strstr(logbuf, "errors.conf:12: cannot open include file "
	    "'testdata/config/does-not-exist.conf'") != NULL);
	UNIT_CHECK(strstr(logbuf, "errors.conf:13: 'harden-glue: no' is not "
	    "supported (only 'yes': out-of-bailiwick glue is always dropped)")
	    != NULL);
	UNIT_CHECK(strstr(logbuf, "errors.conf:14: option 'msg-buffer-size' "
	    "is not supported: ") != NULL);
	UNIT_CHECK(strstr(logbuf, "errors.conf:15: 'minimal-responses: no' "
	    "is not supported") != NULL);
	UNIT_CHECK(strstr(logbuf, "errors.conf:17: value 70000 for "
	    "'redis-server-port' out of range") != NULL);
	UNIT_CHECK_INT(count_str(logbuf, "error: "), 14);
	/* Good lines between bad ones still count. */
	config_delete(cfg);

	/* 30 bad lines: 20 reported, then a note that reading stopped. */
	w = (size_t)snprintf(text, sizeof(text), "server:\n");
	for (i = 0; i < 30; i++) {
		w += (size_t)snprintf(text + w, sizeof(text) - w,
		    "  bogus%d: 1\n", i);
	}
	UNIT_CHECK_INT(parse(text), RES_ESYNTAX);
	UNIT_CHECK_INT(count_str(logbuf, "unknown option"), CFG_MAX_ERRORS);
	UNIT_CHECK(strstr(logbuf, "t.conf:21: too many errors") != NULL);
	UNIT_CHECK(strstr(logbuf, "bogus20") == NULL);
}

/** Include loops and nesting depth. */
static void
test_config_include_limits(void)
{
	struct config *cfg = config_create();
	char name[64], text[700];
	int i;

	log_clear();
	UNIT_CHECK_INT(config_read(cfg, "testdata/config/loop-a.conf"),
	    RES_ESYNTAX);
	log_read();
	UNIT_CHECK(strstr(logbuf, "loop-b.conf:2: include loop: "
	    "'testdata/config/loop-a.conf' is already being read") != NULL);
	UNIT_CHECK_INT(cfg->verbosity, 1);
	config_delete(cfg);

	/* d0 includes d1 ... includes d17: d0 + 16 levels are accepted. */
	for (i = 0; i <= 17; i++) {
		snprintf(name, sizeof(name), "d%d.conf", i);
		snprintf(text, sizeof(text), "server:\n verbosity: %d\n"
		    "include: %s/d%d.conf\n", i % 6, tmpdir, i + 1);
		if (i == 16) {
			snprintf(text, sizeof(text), "server: port: 1616\n");
		}
		write_tmp(name, text);
	}
	cfg = config_create();
	log_clear();
	snprintf(name, sizeof(name), "%s/d0.conf", tmpdir);
	snprintf(text, sizeof(text), "server:\ninclude: %s/d1.conf\n", tmpdir);
	write_tmp("d0.conf", text);
	UNIT_CHECK_INT(config_read(cfg, name), 0);
	UNIT_CHECK_STR(log_read(), "");
	UNIT_CHECK_INT(cfg->port, 1616);
	config_delete(cfg);
	/* One level more is refused. */
	snprintf(text, sizeof(text), "server:\ninclude: %s/d0.conf\n", tmpdir);
	cfg = config_create();
	log_clear();
	UNIT_CHECK_INT(config_read(cfg, write_tmp("top.conf", text)),
	    RES_ESYNTAX);
	UNIT_CHECK(strstr(log_read(), "d16.conf:1: includes nested deeper "
	    "than 16") == NULL);
	UNIT_CHECK(strstr(logbuf, "d15.conf:3: includes nested deeper than "
	    "16") != NULL);
	config_delete(cfg);
}

/** config_set_option(), as resolute-control set_option uses it. */
static void
test_config_set_option(void)
{
	struct config *cfg = config_create();

	log_clear();
	UNIT_CHECK_INT(config_set_option(cfg, "port", "5300"), 0);
	UNIT_CHECK_INT(cfg->port, 5300);
	UNIT_CHECK_INT(config_set_option(cfg, "port:", "5301"), 0);
	UNIT_CHECK_INT(cfg->port, 5301);
	UNIT_CHECK_INT(config_set_option(cfg, "port", "70000"), RES_ESYNTAX);
	UNIT_CHECK_INT(cfg->port, 5301);
	UNIT_CHECK_INT(config_set_option(cfg, "port", ""), RES_ESYNTAX);
	UNIT_CHECK_INT(config_set_option(cfg, "port", "1 2"), RES_ESYNTAX);
	UNIT_CHECK_INT(config_set_option(cfg, "prefetch", "yes"), 0);
	UNIT_CHECK_INT(cfg->prefetch, 1);
	UNIT_CHECK_INT(config_set_option(cfg, "identity", "\"a b # c\""), 0);
	UNIT_CHECK_STR(cfg->identity, "a b # c");
	UNIT_CHECK_INT(config_set_option(cfg, "access-control",
	    "10.0.0.0/8 allow"), 0);
	UNIT_CHECK_INT(config_set_option(cfg, "access-control",
	    "10.1.0.0/16 deny"), 0);
	UNIT_CHECK(cfg->access_control && cfg->access_control->next &&
	    strcmp(cfg->access_control->next->str2, "deny") == 0);
	UNIT_CHECK_INT(config_set_option(cfg, "access-control", "10.0.0.0/8"),
	    RES_ESYNTAX);
	UNIT_CHECK_INT(config_set_option(cfg, "access-control",
	    "10.0.0.0/8 alow"), RES_ESYNTAX);
	UNIT_CHECK(cfg->access_control->next->next == NULL);
	UNIT_CHECK_INT(config_set_option(cfg, "msg-cache-size", "16m"), 0);
	UNIT_CHECK_INT(cfg->msg_cache_size, 16 * 1024 * 1024);
	UNIT_CHECK_INT(config_set_option(cfg, "verbosty", "1"), RES_ENOTFOUND);
	UNIT_CHECK_INT(config_set_option(cfg, "forward-addr", "192.0.2.1"),
	    RES_ENOTFOUND);
	UNIT_CHECK_INT(config_set_option(cfg, "identity", "\"x"),
	    RES_ESYNTAX);
	UNIT_CHECK_INT(config_set_option(NULL, "port", "1"), RES_EINVAL);
	UNIT_CHECK_INT(config_set_option(cfg, NULL, "1"), RES_EINVAL);
	UNIT_CHECK_INT(config_set_option(cfg, "port", NULL), RES_EINVAL);
	log_read();
	UNIT_CHECK(strstr(logbuf, "set_option: value 70000 for 'port'") !=
	    NULL);
	UNIT_CHECK(strstr(logbuf, "set_option: unknown option 'verbosty'") !=
	    NULL);
	config_delete(cfg);
}

/** config_print_option(), the checkconf -o output. */
static void
test_config_print_option(void)
{
	struct config *cfg = config_create();
	char *t = NULL;
	size_t n = 0;
	FILE *m;

	config_read_string(cfg, "server:\n interface: 127.0.0.1\n"
	    " interface: ::1\n access-control: ::1 allow\n", "t.conf");
	m = open_memstream(&t, &n);
	UNIT_CHECK_INT(config_print_option(cfg, "port", m), 0);
	UNIT_CHECK_INT(config_print_option(cfg, "interface:", m), 0);
	UNIT_CHECK_INT(config_print_option(cfg, "access-control", m), 0);
	UNIT_CHECK_INT(config_print_option(cfg, "identity", m), 0);
	UNIT_CHECK_INT(config_print_option(cfg, "msg-cache-size", m), 0);
	UNIT_CHECK_INT(config_print_option(cfg, "prefetch", m), 0);
	UNIT_CHECK_INT(config_print_option(cfg, "nope", m), RES_ENOTFOUND);
	UNIT_CHECK_INT(config_print_option(NULL, "port", m), RES_ENOTFOUND);
	fclose(m);
	UNIT_CHECK_STR(t, "53\n127.0.0.1\n::1\n::1 allow\n\n4m\nno\n");
	free(t);
	config_delete(cfg);
}

/** config_check(): what the parser alone cannot see. */
static void
test_config_check(void)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{ "server:\n access-control: 10.0.0.0/33 allow\n",
		    "t.conf:2: access-control: '10.0.0.0/33' is not" },
		{ "server:\n access-control: 10.0.0.300 allow\n",
		    "t.conf:2: access-control: '10.0.0.300'" },
		{ "server:\n access-control: ::1/129 allow\n",
		    "t.conf:2: access-control: '::1/129'" },
		{ "server:\n access-control: 10.0.0.0/ allow\n",
		    "t.conf:2: access-control: '10.0.0.0/'" },
		{ "server:\n local-zone: a..b. static\n",
		    "t.conf:2: local-zone: 'a..b.' is not a valid domain "
		    "name" },
		{ "server:\n domain-insecure: \"..\"\n",
		    "t.conf:2: domain-insecure: '..'" },
		{ "server:\n outgoing-port-permit: 100-50\n",
		    "t.conf:2: outgoing-port-permit: '100-50' is not a port" },
		{ "server:\n outgoing-port-avoid: 70000\n",
		    "t.conf:2: outgoing-port-avoid: '70000'" },
		{ "server:\n outgoing-port-avoid: -5\n",
		    "t.conf:2: outgoing-port-avoid: '-5'" },
		{ "forward-zone:\n name: a..b\n forward-addr: 192.0.2.1\n",
		    "t.conf:1: forward-zone: name 'a..b' is not" },
		{ "forward-zone:\n name: x.\n",
		    "t.conf:1: forward-zone: 'x.' has no forward-host or "
		    "forward-addr" },
		{ "stub-zone:\n name: x.\n\n stub-addr: 192.0.2.1@99999\n",
		    "t.conf:4: '192.0.2.1@99999' is not an address" },
		{ "stub-zone:\n name: x.\n stub-addr: nohost\n",
		    "t.conf:3: 'nohost' is not an address" },
		{ "stub-zone:\n name: x.\n stub-host: a..b\n",
		    "t.conf:3: 'a..b' is not a host name" },
		{ "server:\n msg-cache-slabs: 3\n",
		    "msg-cache-slabs: 3 is not a power of 2" },
		{ "server:\n cache-min-ttl: 100\n cache-max-ttl: 50\n",
		    "cache-min-ttl 100 is larger than cache-max-ttl 50" },
		{ "server:\n do-ip4: no\n do-ip6: no\n",
		    "do-ip4 and do-ip6 are both no" },
		{ "server:\n chroot: /jail\n root-hints: /etc/hints\n",
		    "t.conf:3: root-hints: '/etc/hints' is outside the chroot "
		    "/jail: it cannot be read after chroot" },
		{ "server:\n chroot: /jail/\n trust-anchor-file: /jailx/k\n",
		    "t.conf:3: trust-anchor-file: '/jailx/k' is outside" },
		{ "server:\n chroot: /jail\n auto-trust-anchor-file: k\n",
		    "t.conf:3: auto-trust-anchor-file: 'k' (/" },
		{ "server:\n chroot: jail\n",
		    "t.conf:2: chroot: 'jail' is not an absolute name" }
	};
	struct config *cfg;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cfg = config_create();
		log_clear();
		UNIT_CHECK_INT(config_read_string(cfg, cases[i].text,
		    "t.conf"), 0);
		UNIT_CHECK_INT(config_check(cfg), RES_ESYNTAX);
		if (!UNIT_CHECK(strstr(log_read(), cases[i].want) != NULL)) {
			printf("#   case %zu: want \"%s\"\n#   log: %s", i,
			    cases[i].want, logbuf);
		}
		config_delete(cfg);
	}
	cfg = config_create();
	UNIT_CHECK_INT(config_read_string(cfg, "server:\n access-control: "
	    "0.0.0.0/0 refuse\n access-control: ::/0 refuse\n access-control:"
	    " 192.0.2.1 allow\n outgoing-port-permit: 1024-65535\n"
	    " outgoing-port-avoid: 0\nforward-zone:\n name: .\n"
	    " forward-addr: 2001:db8::1@53#dns.example\n", "t.conf"), 0);
	UNIT_CHECK_INT(config_check(cfg), 0);
	UNIT_CHECK_INT(config_check(NULL), RES_EINVAL);
	config_delete(cfg);
}

/** Names of files under chroot: the prefix taken off whole components,
 * and the checks of names from outside. */
static void
test_config_path(void)
{
	struct config *cfg = config_create();
	char buf[64];

	UNIT_CHECK_STR(config_path_chrooted("/jail", "/jail/etc/r.conf"),
	    "/etc/r.conf");
	UNIT_CHECK_STR(config_path_chrooted("/jail/", "/jail/k"), "/k");
	UNIT_CHECK_STR(config_path_chrooted("/jail", "/jail"), "/");
	UNIT_CHECK_STR(config_path_chrooted("/jail", "/jailx/k"), "/jailx/k");
	UNIT_CHECK_STR(config_path_chrooted("/jail", "/etc/k"), "/etc/k");
	UNIT_CHECK_STR(config_path_chrooted("/jail", "jail/k"), "jail/k");
	UNIT_CHECK_STR(config_path_chrooted("/", "/k"), "/k");
	UNIT_CHECK_STR(config_path_chrooted("", "/k"), "/k");
	UNIT_CHECK(config_path_chrooted(NULL, "/k") != NULL);
	UNIT_CHECK(config_path_chrooted("/jail", NULL) == NULL);
	UNIT_CHECK_STR(config_path(NULL, "/jail/k"), "/jail/k");
	if (!UNIT_CHECK(cfg != NULL)) {
		return;
	}
	/* Not chrooted: names are opened as written. */
	UNIT_CHECK_STR(config_path(cfg, "/jail/k"), "/jail/k");
	cfg->chrooted = strdup("/jail");
	UNIT_CHECK_STR(config_path(cfg, "/jail/k"), "/k");
	UNIT_CHECK_STR(config_path_absolute(cfg, "/a/b", buf, sizeof(buf)),
	    "/a/b");
	/* Relative names: from the working directory, seen from outside. */
	UNIT_CHECK(config_path_absolute(cfg, "k", buf, sizeof(buf)) == NULL ||
	    strncmp(buf, "/jail/", 6) == 0);
	UNIT_CHECK(config_path_absolute(NULL, "k", buf, 3) == NULL);
	/* No chroot: set: everything is inside. */
	UNIT_CHECK_INT(config_path_in_chroot(cfg, "/etc/k"), 1);
	UNIT_CHECK_INT(config_set_option(cfg, "chroot", "/jail"), 0);
	UNIT_CHECK_INT(config_path_in_chroot(cfg, "/etc/k"), 0);
	UNIT_CHECK_INT(config_path_in_chroot(cfg, "/jail/k"), 1);
	UNIT_CHECK_INT(config_path_in_chroot(cfg, "/jail"), 1);
	UNIT_CHECK_INT(config_set_option(cfg, "chroot", "/"), 0);
	UNIT_CHECK_INT(config_path_in_chroot(cfg, "/etc/k"), 1);
	/* A pid file or control socket outside is a warning only. */
	UNIT_CHECK_INT(config_set_option(cfg, "chroot", "/jail"), 0);
	UNIT_CHECK_INT(config_set_option(cfg, "pidfile", "/run/r.pid"), 0);
	log_clear();
	UNIT_CHECK_INT(config_check(cfg), 0);
	UNIT_CHECK(strstr(log_read(), "pidfile: '/run/r.pid' is outside the "
	    "chroot /jail: it cannot be removed at stop") != NULL);
	config_delete(cfg);
}

/** NULL, empty and oversized input. */
static void
test_config_edge(void)
{
	struct config *cfg = config_create();
	char *big;
	size_t i, n = 200000;

	config_delete(NULL);
	config_print(NULL, stdout);
	config_print(cfg, NULL);
	UNIT_CHECK_INT(config_read(NULL, "x"), RES_EINVAL);
	UNIT_CHECK_INT(config_read(cfg, NULL), RES_EINVAL);
	UNIT_CHECK_INT(config_read_string(NULL, "", "x"), RES_EINVAL);
	UNIT_CHECK_INT(config_read_string(cfg, NULL, "x"), RES_EINVAL);
	UNIT_CHECK_INT(config_read_string(cfg, "", NULL), RES_EINVAL);
	UNIT_CHECK_INT(config_read_string(cfg, "", "x"), 0);
	UNIT_CHECK_INT(config_read_string(cfg, "\n\n# only\n  \t\n", "x"), 0);
	UNIT_CHECK_INT(config_read_string(cfg, "server:", "x"), 0);
	log_clear();
	UNIT_CHECK_INT(config_read(cfg, "no/such/resolute.conf"),
	    RES_ESYSTEM);
	UNIT_CHECK(strstr(log_read(), "cannot open config file "
	    "no/such/resolute.conf") != NULL);
	/* A directory opens but does not read. */
	UNIT_CHECK(config_read(cfg, tmpdir) != 0);
	/* A 200000-octet value. */
	big = malloc(n + 64);
	if (big) {
		memcpy(big, "server: identity: \"", 19);
		for (i = 19; i < n; i++) {
			big[i] = 'x';
		}
		memcpy(big + n, "\"\n", 3);
		UNIT_CHECK_INT(config_read_string(cfg, big, "x"), 0);
		UNIT_CHECK_INT(strlen(cfg->identity), n - 19);
		/* An over-long option name. */
		memset(big, 'y', n);
		memcpy(big + n, ": 1\n", 5);
		UNIT_CHECK_INT(parse(big), RES_ESYNTAX);
		UNIT_CHECK(strstr(logbuf, "expected an option name") != NULL);
		/* Too many words on one line. */
		strcpy(big, "server:");
		for (i = 0; i < 70; i++) {
			strcat(big, " port: 1");
		}
		UNIT_CHECK_INT(parse(big), RES_ESYNTAX);
		UNIT_CHECK(strstr(logbuf, "more than 64 words") != NULL);
		free(big);
	}
	/* A NUL inside the text ends it for config_read_string; a file
	 * with one is refused at that line. */
	{
		const char *p = write_tmp("nul.conf", "server:\n");
		FILE *f = fopen(p, "a");

		if (f) {
			fwrite(" port: 1\0\n", 1, 10, f);
			fclose(f);
		}
		log_clear();
		UNIT_CHECK_INT(config_read(cfg, p), RES_ESYNTAX);
		UNIT_CHECK(strstr(log_read(), "nul.conf:2: NUL character") !=
		    NULL);
	}
	/* Values that look like keywords but are quoted are values. */
	UNIT_CHECK_INT(config_read_string(cfg, "server: identity: "
	    "\"port:\"\n", "x"), 0);
	UNIT_CHECK_STR(cfg->identity, "port:");
	config_delete(cfg);
}

int
main(void)
{
	const char *src = getenv("top_srcdir");
	char cmd[600];
	int r;

	unit_init("config");
	if (src && chdir(src) != 0) {
		printf("# cannot chdir to %s\n", src);
		return 1;
	}
	if (!mkdtemp(tmpdir)) {
		printf("# cannot make a temporary directory\n");
		return 1;
	}
	snprintf(logpath, sizeof(logpath), "%s/log", tmpdir);
	log_clear();
	if (log_init(logpath, 0, "test_config") != 0) {
		printf("# cannot open %s\n", logpath);
		return 1;
	}
	UNIT_RUN(test_config_defaults);
	UNIT_RUN(test_config_table);
	UNIT_RUN(test_config_size);
	UNIT_RUN(test_config_good_file);
	UNIT_RUN(test_config_roundtrip);
	UNIT_RUN(test_config_errors);
	UNIT_RUN(test_config_many_errors);
	UNIT_RUN(test_config_include_limits);
	UNIT_RUN(test_config_set_option);
	UNIT_RUN(test_config_print_option);
	UNIT_RUN(test_config_check);
	UNIT_RUN(test_config_path);
	UNIT_RUN(test_config_edge);
	log_close();
	r = unit_done();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0) {
		printf("# could not remove %s\n", tmpdir);
	}
	return r;
}
