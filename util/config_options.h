/*
 * util/config_options.h - the one table of resolute.conf options.
 *
 * Every option of the server:, remote-control:, cachedb: and dnstap:
 * clauses is one line of CFG_OPTIONS below.  The list is an X-macro: a user defines
 *	#define X(clause, name, type, field, def, min, max, desc) ...
 * and expands CFG_OPTIONS(X).  util/config_file.h generates the fields of
 * struct config from it, util/config_file.c the defaults, the name lookup,
 * the value parsers and config_print(), and resolute-checkconf the option
 * reference of resolute.conf(5) and the example config (doc/doc.mk).
 * Adding an option is adding one line here (plus its test and
 * documentation); nothing else needs to know the list.
 *
 * Columns:
 *	clause	CFG_C_SERVER, CFG_C_REMOTE, CFG_C_CACHEDB or CFG_C_DNSTAP.
 *	name	the option as written in resolute.conf, Unbound's name
 *		where the feature is the same.
 *	type	BOOL (yes/no, int), INT (decimal, min..max checked, int),
 *		SIZE (bytes with optional k/m/g, size_t), STR (char *, NULL
 *		when unset without default), STRLIST (repeatable, struct
 *		cfg_strlist *), STR2LIST (two tokens per value, struct
 *		cfg_str2list *), TIME (seconds, min..max checked, int).
 *	field	the struct config member: name with '-' replaced by '_'
 *		(test_config checks this for every line).
 *	def	the default as it would be written in the file, or NULL for
 *		none.
 *	min,max	the accepted range of INT and TIME; 0, 0 for others.
 *	desc	one line for the man page and config_print().
 *
 * Where our default differs from Unbound's the description says so.
 * Options with a fixed set of words (access-control actions, local-zone
 * types, query-compare) are validated by util/config_file.c at parse
 * time.
 */
#ifndef UTIL_CONFIG_OPTIONS_H
#define UTIL_CONFIG_OPTIONS_H
#include <limits.h>

#ifndef SYSCONFDIR
/** Installation's configuration directory; the Makefile defines it. */
#define SYSCONFDIR "/usr/local/etc"
#endif

/** Keys and certificates of the control channel live here by default. */
#define CFG_KEYDIR SYSCONFDIR "/resolute"

#define CFG_OPTIONS(X) \
X(CFG_C_SERVER, "verbosity", INT, verbosity, "1", 0, 5, \
	"log level: 0 errors only, 1 operational ... 5 cache level") \
X(CFG_C_SERVER, "statistics-interval", TIME, statistics_interval, "0", \
	0, INT_MAX, "seconds between statistics log lines, 0 for none") \
X(CFG_C_SERVER, "extended-statistics", BOOL, extended_statistics, "yes", \
	0, 0, "stats prints the queries by type, class, opcode, flag and " \
	"EDNS and the answers by rcode (Unbound's default is no)") \
X(CFG_C_SERVER, "rolling-statistics", BOOL, rolling_statistics, "no", 0, \
	0, "keep rolling rates (60 s, 60 min, 24 h) for stats, stats_json " \
	"and the HTTP endpoint; on whenever http-stats-interface is set") \
X(CFG_C_SERVER, "http-stats-interface", STRLIST, http_stats_interface, \
	NULL, 0, 0, "address[@port] of the HTTP statistics endpoint " \
	"(repeatable): /metrics, /api/stats and a graph page; none: off") \
X(CFG_C_SERVER, "http-stats-port", INT, http_stats_port, "8054", 1, \
	65535, "port of the HTTP statistics endpoint") \
X(CFG_C_SERVER, "http-stats-access-control", STR2LIST, \
	http_stats_access_control, NULL, 0, 0, "netblock and allow, deny " \
	"or refuse for the HTTP statistics endpoint (deny and refuse " \
	"both answer 403); none: 127.0.0.0/8 and ::1 allowed, the rest " \
	"refused") \
X(CFG_C_SERVER, "http-stats-use-cert", BOOL, http_stats_use_cert, "no", \
	0, 0, "serve the HTTP statistics endpoint over TLS with " \
	"server-key-file and server-cert-file (no client certificate " \
	"asked)") \
X(CFG_C_SERVER, "num-threads", INT, num_threads, "1", 1, 1024, \
	"number of worker threads") \
X(CFG_C_SERVER, "port", INT, port, "53", 1, 65535, \
	"port to answer queries on") \
X(CFG_C_SERVER, "interface", STRLIST, interface, NULL, 0, 0, \
	"address to listen on (repeatable); none: 127.0.0.1 and ::1") \
X(CFG_C_SERVER, "outgoing-range", INT, outgoing_range, "4096", 1, \
	1000000, "outgoing sockets per thread") \
X(CFG_C_SERVER, "outgoing-port-permit", STRLIST, outgoing_port_permit, \
	NULL, 0, 0, "source port or range N-M that may be used") \
X(CFG_C_SERVER, "outgoing-port-avoid", STRLIST, outgoing_port_avoid, \
	NULL, 0, 0, "source port or range N-M never used") \
X(CFG_C_SERVER, "num-queries-per-thread", INT, num_queries_per_thread, \
	"1024", 1, 1000000, "queries serviced at once per thread") \
X(CFG_C_SERVER, "jostle-timeout", INT, jostle_timeout, "200", 0, \
	3600000, "ms a query must have waited before a full request list " \
	"replaces it with a new one") \
X(CFG_C_SERVER, "do-ip4", BOOL, do_ip4, "yes", 0, 0, "use IPv4") \
X(CFG_C_SERVER, "do-ip6", BOOL, do_ip6, "yes", 0, 0, "use IPv6") \
X(CFG_C_SERVER, "prefer-ip6", BOOL, prefer_ip6, "no", 0, 0, \
	"prefer IPv6 addresses of name servers when both are known") \
X(CFG_C_SERVER, "do-udp", BOOL, do_udp, "yes", 0, 0, "use UDP") \
X(CFG_C_SERVER, "do-tcp", BOOL, do_tcp, "yes", 0, 0, "use TCP") \
X(CFG_C_SERVER, "so-reuseport", BOOL, so_reuseport, "yes", 0, 0, \
	"one listening socket per thread with SO_REUSEPORT") \
X(CFG_C_SERVER, "so-rcvbuf", SIZE, so_rcvbuf, "0", 0, 0, \
	"socket receive buffer size, 0 for the system's") \
X(CFG_C_SERVER, "so-sndbuf", SIZE, so_sndbuf, "0", 0, 0, \
	"socket send buffer size, 0 for the system's") \
X(CFG_C_SERVER, "ip-dont-fragment", BOOL, ip_dont_fragment, "yes", 0, 0, \
	"UDP replies with DF set, never fragmented (RFC 9715)") \
X(CFG_C_SERVER, "edns-buffer-size", INT, edns_buffer_size, "1232", 512, \
	65535, "EDNS UDP size advertised upstream") \
X(CFG_C_SERVER, "max-udp-size", INT, max_udp_size, "1232", 512, 65535, \
	"largest UDP reply sent to clients") \
X(CFG_C_SERVER, "answer-cookie", BOOL, answer_cookie, "no", 0, 0, \
	"answer DNS Cookies (RFC 7873) with server cookies of RFC 9018; " \
	"access-control allow_cookie then requires them over UDP") \
X(CFG_C_SERVER, "upstream-cookies", BOOL, upstream_cookies, "no", 0, 0, \
	"send DNS Cookies (RFC 7873) to authoritative servers, remember " \
	"their server cookies, and take a UDP reply with another client " \
	"cookie as forged (asked again over TCP)") \
X(CFG_C_SERVER, "incoming-num-tcp", INT, incoming_num_tcp, "10", 0, \
	65535, "incoming TCP connections per thread; one client address " \
	"may hold half of them") \
X(CFG_C_SERVER, "tcp-idle-timeout", INT, tcp_idle_timeout, "30000", 0, \
	3600000, "milliseconds a client TCP connection has for each whole " \
	"message (trickled bytes do not extend it; 200 while more than " \
	"half the connections are taken); the edns-tcp-keepalive " \
	"option (RFC 7828) says it") \
X(CFG_C_SERVER, "access-control", STR2LIST, access_control, NULL, 0, 0, \
	"netblock and action: allow, deny, refuse, ...") \
X(CFG_C_SERVER, "local-zone", STR2LIST, local_zone, NULL, 0, 0, \
	"zone name and type: static, transparent, redirect, ...") \
X(CFG_C_SERVER, "local-data", STRLIST, local_data, NULL, 0, 0, \
	"resource record served from the local zones") \
X(CFG_C_SERVER, "local-data-ptr", STRLIST, local_data_ptr, NULL, 0, 0, \
	"address and name: a PTR record for the address") \
X(CFG_C_SERVER, "username", STR, username, "", 0, 0, \
	"drop privileges to this user after binding sockets") \
X(CFG_C_SERVER, "chroot", STR, chroot, "", 0, 0, \
	"chroot to this directory after start, \"\" for none; file " \
	"names stay names from outside it (see File names under chroot)") \
X(CFG_C_SERVER, "directory", STR, directory, "", 0, 0, \
	"working directory, \"\" to keep the current one") \
X(CFG_C_SERVER, "pidfile", STR, pidfile, "", 0, 0, \
	"file for the process id, \"\" for the daemon's default " \
	"(resolute(8) FILES); missing directories above it are made") \
X(CFG_C_SERVER, "logfile", STR, logfile, "", 0, 0, \
	"log to this file, \"\" for stderr") \
X(CFG_C_SERVER, "use-syslog", BOOL, use_syslog, "no", 0, 0, \
	"log to syslog") \
X(CFG_C_SERVER, "log-queries", BOOL, log_queries, "no", 0, 0, \
	"log one line per client query") \
X(CFG_C_SERVER, "do-daemonize", BOOL, do_daemonize, "no", 0, 0, \
	"detach from the terminal (Unbound's default is yes)") \
X(CFG_C_SERVER, "root-hints", STRLIST, root_hints, NULL, 0, 0, \
	"file with the root servers, none for the built-in list") \
X(CFG_C_SERVER, "trust-anchor-file", STRLIST, trust_anchor_file, NULL, \
	0, 0, "file with DS or DNSKEY trust anchors") \
X(CFG_C_SERVER, "trust-anchor", STRLIST, trust_anchor, NULL, 0, 0, \
	"a DS or DNSKEY trust anchor in presentation format") \
X(CFG_C_SERVER, "auto-trust-anchor-file", STRLIST, \
	auto_trust_anchor_file, NULL, 0, 0, \
	"trust anchor file kept up to date with RFC 5011") \
X(CFG_C_SERVER, "add-holddown", TIME, add_holddown, "2592000", 1, \
	INT_MAX, "seconds a new key of an auto-trust-anchor-file must be " \
	"seen before it is trusted (RFC 5011 add hold-down; below 30 " \
	"days only with permit-small-holddown)") \
X(CFG_C_SERVER, "del-holddown", TIME, del_holddown, "2592000", 1, \
	INT_MAX, "seconds a revoked key is kept before it is removed from " \
	"an auto-trust-anchor-file (RFC 5011 remove hold-down; below 30 " \
	"days only with permit-small-holddown)") \
X(CFG_C_SERVER, "keep-missing", TIME, keep_missing, "31622400", 0, \
	INT_MAX, "seconds a trusted key missing from the zone's DNSKEY " \
	"set stays in an auto-trust-anchor-file, 0 for ever") \
X(CFG_C_SERVER, "permit-small-holddown", BOOL, permit_small_holddown, \
	"no", 0, 0, "for tests: RFC 5011 hold-downs below 30 days and " \
	"probe intervals below one hour") \
X(CFG_C_SERVER, "dlv-anchor", STRLIST, dlv_anchor, NULL, 0, 0, \
	"DS or DNSKEY of a DLV lookaside registry zone (RFC 5074; historic " \
	"per RFC 8749, for private registries): answers whose chain of " \
	"trust ends insecure are looked up there") \
X(CFG_C_SERVER, "dlv-anchor-file", STRLIST, dlv_anchor_file, NULL, 0, 0, \
	"file with the DS or DNSKEY records of a DLV registry zone") \
X(CFG_C_SERVER, "trust-anchor-signaling", BOOL, trust_anchor_signaling, \
	"yes", 0, 0, "tell the servers of an anchored zone the key tags of " \
	"its anchors, with a _ta-XXXX query when its keys are fetched " \
	"(RFC 8145 section 5)") \
X(CFG_C_SERVER, "root-key-sentinel", BOOL, root_key_sentinel, "yes", 0, 0, \
	"answer root-key-sentinel-is-ta-NNNNN and -not-ta-NNNNN names " \
	"by the root's trust anchors (RFC 8509)") \
X(CFG_C_SERVER, "trusted-keys-file", STRLIST, trusted_keys_file, NULL, \
	0, 0, "file with trusted-keys { } in BIND syntax") \
X(CFG_C_SERVER, "domain-insecure", STRLIST, domain_insecure, NULL, 0, 0, \
	"zone treated as insecure (negative trust anchor)") \
X(CFG_C_SERVER, "module-config", STR, module_config, \
	"validator iterator", 0, 0, "the module chain") \
X(CFG_C_SERVER, "hide-identity", BOOL, hide_identity, "no", 0, 0, \
	"refuse id.server and hostname.bind queries") \
X(CFG_C_SERVER, "hide-version", BOOL, hide_version, "no", 0, 0, \
	"refuse version.server and version.bind queries") \
X(CFG_C_SERVER, "identity", STR, identity, NULL, 0, 0, \
	"answer to id.server, unset for the hostname") \
X(CFG_C_SERVER, "version", STR, version, NULL, 0, 0, \
	"answer to version.server, unset for the package version") \
X(CFG_C_SERVER, "msg-cache-size", SIZE, msg_cache_size, "4m", 0, 0, \
	"message cache memory") \
X(CFG_C_SERVER, "msg-cache-slabs", INT, msg_cache_slabs, "4", 1, 1024, \
	"message cache shards, a power of 2") \
X(CFG_C_SERVER, "rrset-cache-size", SIZE, rrset_cache_size, "4m", 0, 0, \
	"RRset cache memory") \
X(CFG_C_SERVER, "rrset-cache-slabs", INT, rrset_cache_slabs, "4", 1, \
	1024, "RRset cache shards, a power of 2") \
X(CFG_C_SERVER, "key-cache-size", SIZE, key_cache_size, "4m", 0, 0, \
	"validated key cache memory") \
X(CFG_C_SERVER, "key-cache-slabs", INT, key_cache_slabs, "4", 1, 1024, \
	"key cache shards, a power of 2") \
X(CFG_C_SERVER, "neg-cache-size", SIZE, neg_cache_size, "1m", 0, 0, \
	"memory of the NSEC and NSEC3 index for aggressive-nsec") \
X(CFG_C_SERVER, "aggressive-nsec", BOOL, aggressive_nsec, "yes", 0, 0, \
	"NXDOMAIN and NODATA from cached validated NSEC and NSEC3 records " \
	"(RFC 8198; Unbound uses NSEC only)") \
X(CFG_C_SERVER, "infra-cache-numhosts", INT, infra_cache_numhosts, \
	"10000", 1, INT_MAX, "servers kept in the infrastructure cache") \
X(CFG_C_SERVER, "infra-host-ttl", TIME, infra_host_ttl, "900", 0, \
	INT_MAX, "seconds server data is kept in the infra cache") \
X(CFG_C_SERVER, "infra-cache-slabs", INT, infra_cache_slabs, "4", 1, \
	1024, "infrastructure cache shards, a power of 2") \
X(CFG_C_SERVER, "cache-min-ttl", TIME, cache_min_ttl, "0", 0, INT_MAX, \
	"lowest TTL kept in the cache") \
X(CFG_C_SERVER, "cache-max-ttl", TIME, cache_max_ttl, "86400", 0, \
	INT_MAX, "highest TTL kept in the cache") \
X(CFG_C_SERVER, "cache-max-negative-ttl", TIME, cache_max_negative_ttl, \
	"3600", 0, INT_MAX, "highest TTL of cached negative answers") \
X(CFG_C_SERVER, "prefetch", BOOL, prefetch, "no", 0, 0, \
	"refresh popular entries before they expire") \
X(CFG_C_SERVER, "deny-any", BOOL, deny_any, "no", 0, 0, \
	"answer queries of type ANY with an empty NOERROR, without asking " \
	"upstream (RFC 8482 lets a server decline ANY); with no, ANY is " \
	"resolved and a client over UDP gets one RRset of the answer " \
	"(RFC 8482 section 4.1), over TCP all of it") \
X(CFG_C_SERVER, "serve-expired", BOOL, serve_expired, "no", 0, 0, \
	"answer from expired data when upstream fails (RFC 8767)") \
X(CFG_C_SERVER, "serve-expired-ttl", TIME, serve_expired_ttl, "0", 0, \
	INT_MAX, "seconds past expiry data may be served, 0 no limit") \
X(CFG_C_SERVER, "serve-expired-client-timeout", INT, \
	serve_expired_client_timeout, "1800", 0, INT_MAX, \
	"milliseconds a client waits for the resolution before expired " \
	"data is sent; 0: expired data at once, refreshed in the " \
	"background") \
X(CFG_C_SERVER, "serve-expired-reply-ttl", INT, serve_expired_reply_ttl, \
	"30", 1, INT_MAX, "TTL of expired data sent to clients (RFC 8767)") \
X(CFG_C_SERVER, "answer-timeout", INT, answer_timeout, "3000", 0, \
	INT_MAX, "milliseconds a client waits at most: then expired data " \
	"(serve-expired) or SERVFAIL with EDE 22, and the resolution goes " \
	"on to fill the cache; 0: wait for the resolution") \
X(CFG_C_SERVER, "qname-minimisation", BOOL, qname_minimisation, "yes", \
	0, 0, "send minimal query names upstream (RFC 9156)") \
X(CFG_C_SERVER, "qname-minimisation-strict", BOOL, \
	qname_minimisation_strict, "no", 0, 0, \
	"no fallback to full names when minimisation fails") \
X(CFG_C_SERVER, "do-not-query-localhost", BOOL, do_not_query_localhost, \
	"yes", 0, 0, "never send queries to loopback addresses") \
X(CFG_C_SERVER, "use-caps-for-id", BOOL, use_caps_for_id, "yes", 0, 0, \
	"random 0x20 capitalisation of query names; a reply that does not " \
	"echo it is asked again over TCP") \
X(CFG_C_SERVER, "harden-spoofing", BOOL, harden_spoofing, "yes", 0, 0, \
	"a packet that is not the reply, or a 0x20 mismatch, sends the " \
	"question over TCP; no: such packets are ignored and a mismatch " \
	"is asked again without 0x20, as other resolvers do (ours)") \
X(CFG_C_SERVER, "caps-exempt", STRLIST, caps_exempt, NULL, 0, 0, \
	"domain whose servers are asked without 0x20") \
X(CFG_C_SERVER, "unwanted-reply-threshold", INT, unwanted_reply_threshold, \
	"10", 0, INT_MAX, "queries to one server ended by forged packets " \
	"within a minute after which it is asked over TCP for five " \
	"minutes; 0 never") \
X(CFG_C_SERVER, "val-log-level", INT, val_log_level, "0", 0, 2, \
	"log validation failures: 1 one line, 2 with the reason") \
X(CFG_C_SERVER, "val-max-restart", INT, val_max_restart, "5", 0, 100, \
	"times a bogus answer is asked again of the zone's other servers " \
	"before SERVFAIL") \
X(CFG_C_SERVER, "val-bogus-ttl", TIME, val_bogus_ttl, "60", 0, INT_MAX, \
	"seconds bogus data is cached") \
X(CFG_C_SERVER, "val-sig-skew-min", TIME, val_sig_skew_min, "3600", 0, \
	INT_MAX, "least clock skew allowed on signature times") \
X(CFG_C_SERVER, "val-sig-skew-max", TIME, val_sig_skew_max, "86400", 0, \
	INT_MAX, "most clock skew allowed on signature times") \
X(CFG_C_SERVER, "val-permissive-mode", BOOL, val_permissive_mode, "no", \
	0, 0, "answer bogus data instead of SERVFAIL") \
X(CFG_C_SERVER, "nsec3-max-iterations", INT, nsec3_max_iterations, "50", \
	0, 65535, "NSEC3 iterations above this are insecure (ours)") \
X(CFG_C_SERVER, "query-compare", STR, query_compare, "no", 0, 0, \
	"ask two servers of a zone and use only what they agree on: no, " \
	"unsigned (where DNSSEC cannot prove the answer) or all (ours)") \
X(CFG_C_SERVER, "query-compare-exempt", STRLIST, query_compare_exempt, \
	NULL, 0, 0, "domain whose answers are not compared (load " \
	"balancers that answer differently per server) (ours)") \
X(CFG_C_SERVER, "ip-ratelimit", INT, ip_ratelimit, "0", 0, INT_MAX, \
	"UDP queries per second accepted from one client address (IPv4 " \
	"/32, IPv6 /64, all threads together), 0 for no limit; more are " \
	"dropped before the cache is looked at, except 1 in " \
	"ip-ratelimit-factor, answered empty with TC so a real client " \
	"asks again over TCP; TCP queries, and queries with a valid " \
	"server cookie (answer-cookie), are not limited") \
X(CFG_C_SERVER, "ip-ratelimit-factor", INT, ip_ratelimit_factor, "10", 0, \
	INT_MAX, "1 in this many UDP queries over ip-ratelimit gets an " \
	"empty reply with TC instead of being dropped; 0: all are dropped " \
	"(Unbound lets them through to be answered)") \
X(CFG_C_SERVER, "ip-ratelimit-size", SIZE, ip_ratelimit_size, "4m", 0, 0, \
	"memory of the ip-ratelimit counters; the least recently seen " \
	"addresses are forgotten first") \
X(CFG_C_SERVER, "ip-ratelimit-slabs", INT, ip_ratelimit_slabs, "4", 1, \
	1024, "ip-ratelimit counter shards, a power of 2") \
X(CFG_C_SERVER, "ratelimit", INT, ratelimit, "0", 0, INT_MAX, \
	"upstream queries per second sent for one zone (the delegation " \
	"asked, all threads together), 0 for no limit; over it a query " \
	"is not sent and its client gets SERVFAIL with EDE 0 saying so, " \
	"except 1 in ratelimit-factor; root priming is exempt") \
X(CFG_C_SERVER, "ratelimit-factor", INT, ratelimit_factor, "10", 0, \
	INT_MAX, "1 in this many queries over a ratelimit is sent all " \
	"the same; 0: none") \
X(CFG_C_SERVER, "ratelimit-size", SIZE, ratelimit_size, "4m", 0, 0, \
	"memory of the ratelimit counters; the least recently asked " \
	"zones are forgotten first") \
X(CFG_C_SERVER, "ratelimit-slabs", INT, ratelimit_slabs, "4", 1, 1024, \
	"ratelimit counter shards, a power of 2") \
X(CFG_C_SERVER, "ratelimit-for-domain", STR2LIST, ratelimit_for_domain, \
	NULL, 0, 0, "zone and queries per second: the ratelimit of " \
	"exactly that zone, 0 for none (applies also when ratelimit is " \
	"0, unlike Unbound)") \
X(CFG_C_SERVER, "ratelimit-below-domain", STR2LIST, \
	ratelimit_below_domain, NULL, 0, 0, "zone and queries per second: " \
	"the ratelimit of every zone below it (the closest such name " \
	"counts; ratelimit-for-domain takes precedence), 0 for none") \
X(CFG_C_SERVER, "ede", BOOL, ede, "yes", 0, 0, \
	"add Extended DNS Errors (RFC 8914) to replies") \
X(CFG_C_CACHEDB, "backend", STR, backend, "redis", 0, 0, \
	"the shared cache's store: redis (module-config needs cachedb)") \
X(CFG_C_CACHEDB, "secret-seed", STR, secret_seed, "default", 0, 0, \
	"keys of the shared cache are hashed with it: deployments sharing " \
	"a Redis with different seeds never read each other's entries") \
X(CFG_C_CACHEDB, "redis-server-host", STRLIST, redis_server_host, NULL, \
	0, 0, "numeric address[@port] of the Redis server; repeatable " \
	"with redis-cluster (the seed nodes); none: 127.0.0.1") \
X(CFG_C_CACHEDB, "redis-server-port", INT, redis_server_port, "6379", 1, \
	65535, "port of the Redis servers given without @port") \
X(CFG_C_CACHEDB, "redis-server-path", STR, redis_server_path, NULL, 0, \
	0, "Unix socket of the Redis server (in place of its address)") \
X(CFG_C_CACHEDB, "redis-server-password", STR, redis_server_password, \
	NULL, 0, 0, "password sent with AUTH on every connection") \
X(CFG_C_CACHEDB, "redis-timeout", INT, redis_timeout, "100", 1, 60000, \
	"ms a query waits for Redis before it goes on to recursion") \
X(CFG_C_CACHEDB, "redis-expire-records", BOOL, redis_expire_records, \
	"yes", 0, 0, "store answers with EX <TTL>, so Redis drops them " \
	"when they expire (Unbound's default is no)") \
X(CFG_C_CACHEDB, "redis-logical-db", INT, redis_logical_db, "0", 0, \
	65535, "database number (SELECT); 0 with redis-cluster") \
X(CFG_C_CACHEDB, "redis-cluster", BOOL, redis_cluster, "no", 0, 0, \
	"Redis Cluster: the redis-server-host lines are seed nodes; keys " \
	"go to the master of their slot (MOVED and ASK followed)") \
X(CFG_C_DNSTAP, "dnstap-enable", BOOL, dnstap_enable, "no", 0, 0, \
	"send dnstap messages (https://dnstap.info) to dnstap-socket-path; " \
	"a build without dnstap refuses yes") \
X(CFG_C_DNSTAP, "dnstap-socket-path", STR, dnstap_socket_path, "", 0, \
	0, "Unix socket of the dnstap reader (Frame Streams, content type " \
	"protobuf:dnstap.Dnstap); needed with dnstap-enable") \
X(CFG_C_DNSTAP, "dnstap-send-identity", BOOL, dnstap_send_identity, \
	"no", 0, 0, "put dnstap-identity in every message") \
X(CFG_C_DNSTAP, "dnstap-send-version", BOOL, dnstap_send_version, "no", \
	0, 0, "put dnstap-version in every message") \
X(CFG_C_DNSTAP, "dnstap-identity", STR, dnstap_identity, "", 0, 0, \
	"identity sent with dnstap-send-identity, \"\" for the host name") \
X(CFG_C_DNSTAP, "dnstap-version", STR, dnstap_version, "", 0, 0, \
	"version sent with dnstap-send-version, \"\" for the package's " \
	"(resolute VERSION)") \
X(CFG_C_DNSTAP, "dnstap-log-resolver-query-messages", BOOL, \
	dnstap_log_resolver_query_messages, "no", 0, 0, \
	"log queries sent to authoritative servers and forwarders " \
	"(RESOLVER_QUERY)") \
X(CFG_C_DNSTAP, "dnstap-log-resolver-response-messages", BOOL, \
	dnstap_log_resolver_response_messages, "no", 0, 0, \
	"log the replies taken from them (RESOLVER_RESPONSE)") \
X(CFG_C_DNSTAP, "dnstap-log-client-query-messages", BOOL, \
	dnstap_log_client_query_messages, "no", 0, 0, \
	"log queries received from clients (CLIENT_QUERY)") \
X(CFG_C_DNSTAP, "dnstap-log-client-response-messages", BOOL, \
	dnstap_log_client_response_messages, "no", 0, 0, \
	"log replies sent to clients (CLIENT_RESPONSE)") \
X(CFG_C_REMOTE, "control-enable", BOOL, control_enable, "no", 0, 0, \
	"open the control channel") \
X(CFG_C_REMOTE, "control-interface", STRLIST, control_interface, NULL, \
	0, 0, "address or socket path of the control channel (missing " \
	"directories of a path are made, and given to username:)") \
X(CFG_C_REMOTE, "control-port", INT, control_port, "8953", 1, 65535, \
	"TCP port of the control channel") \
X(CFG_C_REMOTE, "control-use-cert", BOOL, control_use_cert, "yes", 0, 0, \
	"require TLS client certificates") \
X(CFG_C_REMOTE, "server-key-file", STR, server_key_file, \
	CFG_KEYDIR "/resolute_server.key", 0, 0, "server private key") \
X(CFG_C_REMOTE, "server-cert-file", STR, server_cert_file, \
	CFG_KEYDIR "/resolute_server.pem", 0, 0, "server certificate") \
X(CFG_C_REMOTE, "control-key-file", STR, control_key_file, \
	CFG_KEYDIR "/resolute_control.key", 0, 0, "client private key") \
X(CFG_C_REMOTE, "control-cert-file", STR, control_cert_file, \
	CFG_KEYDIR "/resolute_control.pem", 0, 0, "client certificate")

/*
 * The options of forward-zone: and stub-zone: clauses.  They fill one
 * struct cfg_stub per clause rather than struct config, so they have their
 * own list: X(clause, name, type, field, desc), type STR, STRLIST or BOOL
 * as above, field the struct cfg_stub member.
 */
#define CFG_ZONE_OPTIONS(X) \
X(CFG_C_FORWARD, "name", STR, name, "zone to forward") \
X(CFG_C_FORWARD, "forward-host", STRLIST, hosts, "server by name") \
X(CFG_C_FORWARD, "forward-addr", STRLIST, addrs, \
	"server address[@port][#tls-name]") \
X(CFG_C_FORWARD, "forward-first", BOOL, isfirst, \
	"resolve normally when the forwarders fail") \
X(CFG_C_FORWARD, "forward-tcp-upstream", BOOL, tcp_upstream, \
	"query the servers over TCP") \
X(CFG_C_STUB, "name", STR, name, "zone of the stub") \
X(CFG_C_STUB, "stub-host", STRLIST, hosts, "authoritative server by name") \
X(CFG_C_STUB, "stub-addr", STRLIST, addrs, \
	"authoritative server address[@port]") \
X(CFG_C_STUB, "stub-prime", BOOL, isprime, \
	"fetch the zone's NS set from the servers") \
X(CFG_C_STUB, "stub-first", BOOL, isfirst, \
	"resolve normally when the stub fails")

#endif /* UTIL_CONFIG_OPTIONS_H */
