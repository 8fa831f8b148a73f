/*
 * daemon/resolute-control.c - the operator's control program: sends one
 * command over the control channel and prints the daemon's answer.
 *
 * The server comes from -s, else from the first control-interface of
 * the config (-c, else the default file; the built-in defaults when that
 * does not exist).  A path is a Unix socket; an address is TCP with TLS
 * when control-use-cert is yes: our key and certificate are
 * control-key-file and control-cert-file, and the server must present
 * the certificate in server-cert-file.  The protocol is in
 * daemon/remote.h: one request line, then for load_cache the text from
 * standard input and "%end"; the answer's last line is "%ok" or
 * "%error text".
 *
 * Exit status: 0 done, 1 the daemon reported an error, 2 usage or
 * config error, 3 cannot connect or the connection broke.
 */
#include "config.h"
#include "daemon/remote.h"
#include "util/config_file.h"
#include "util/error.h"
#include "util/log.h"
#include "util/netevent.h"
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

/** The default config file. */
#define CONTROL_CONFIG SYSCONFDIR "/resolute/resolute.conf"

/** Seconds to wait for the daemon; a dump may take long, so generous. */
#define CONTROL_TIMEOUT 120

/** A connection to the daemon. */
struct ctl {
	/** The socket. */
	int fd;
	/** TLS, or NULL. */
	SSL *ssl;
	/** TLS context, or NULL. */
	SSL_CTX *ctx;
};

/** Print usage. */
static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: resolute-control [-c file] [-s server[@port]] command "
	    "[args]\n"
	    "  -c file          config file (default %s)\n"
	    "  -s server[@port] address or socket path of the daemon\n"
	    "  -V               print the version and exit (also "
	    "--version)\n"
	    "  -h               this help\n"
	    "commands:\n"
	    "  status                 show whether the daemon runs\n"
	    "  stop                   stop the daemon\n"
	    "  reload                 re-read the config (the cache is kept)\n"
	    "  verbosity N            set the log verbosity\n"
	    "  stats                  print statistics and reset them\n"
	    "  stats_noreset          print statistics\n"
	    "  stats_json             print statistics and rates as JSON\n"
	    "  dump_cache             write the cache to standard output\n"
	    "  load_cache             read a dump from standard input\n"
	    "  lookup NAME            the cached delegation for NAME\n"
	    "  flush NAME             remove NAME's entries\n"
	    "  flush_type NAME TYPE   remove NAME TYPE\n"
	    "  flush_zone NAME        remove everything at and below NAME\n"
	    "  flush_bogus            remove data that failed validation\n"
	    "  flush_keys [ZONE]      forget validated keys at and below ZONE\n"
	    "  flush_infra all|IP     forget server RTT, EDNS and lameness\n"
	    "  dump_requestlist       list the queries in progress\n"
	    "  flush_requestlist      drop the queries in progress\n"
	    "  list_local_zones       print the local zones\n"
	    "  local_data RR          add local data\n"
	    "  local_data_remove NAME remove the local data of NAME\n"
	    "  insecure_add NAME      validate nothing at and below NAME\n"
	    "  insecure_remove NAME   validate NAME again\n"
	    "  list_insecure          list the negative trust anchors\n"
	    "  list_auto_trust_anchors  the RFC 5011 anchors and key states\n"
	    "  dump_diag              DNSSEC diagnostics snapshot\n"
	    "  trace NAME [TYPE]      chase the chain of trust to NAME\n"
	    "keys and certificates: resolute-control-setup\n",
	    CONTROL_CONFIG);
}

/** Print the OpenSSL error queue after a message. */
static void
ctl_tls_error(const char *what)
{
	unsigned long e;
	char buf[256];

	fprintf(stderr, "resolute-control: %s", what);
	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		fprintf(stderr, ": %s", buf);
	}
	fprintf(stderr, "\n");
}

/** Connect to a Unix socket.  The fd or -1 (printed). */
static int
ctl_connect_unix(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "resolute-control: path too long: %s\n", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sun,
	    sizeof(sun)) != 0) {
		fprintf(stderr, "resolute-control: connect %s: %s\n", path,
		    strerror(errno));
		if (fd != -1) {
			close(fd);
		}
		return -1;
	}
	return fd;
}

/** Connect over TCP.  The fd or -1 (printed). */
static int
ctl_connect_tcp(const char *server, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	if (comm_addr_from_str(server, port, &ss, &len) != RES_OK) {
		fprintf(stderr, "resolute-control: cannot parse address "
		    "'%s'\n", server);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&ss, len) != 0) {
		fprintf(stderr, "resolute-control: connect %s: %s\n", server,
		    strerror(errno));
		if (fd != -1) {
			close(fd);
		}
		return -1;
	}
	return fd;
}

/** Set up TLS on a connected socket.  0 or -1 (printed). */
static int
ctl_tls(struct ctl *c, const struct config *cfg)
{
	c->ctx = SSL_CTX_new(TLS_client_method());
	if (!c->ctx) {
		ctl_tls_error("cannot create a TLS context");
		return -1;
	}
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_chain_file(c->ctx,
	    cfg->control_cert_file) != 1 ||
	    SSL_CTX_use_PrivateKey_file(c->ctx, cfg->control_key_file,
	    SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(c->ctx) != 1) {
		fprintf(stderr, "resolute-control: cannot load %s and %s "
		    "(run resolute-control-setup)\n", cfg->control_key_file,
		    cfg->control_cert_file);
		return -1;
	}
	if (SSL_CTX_load_verify_locations(c->ctx, cfg->server_cert_file,
	    NULL) != 1) {
		fprintf(stderr, "resolute-control: cannot load %s\n",
		    cfg->server_cert_file);
		return -1;
	}
	/* Only the server's own certificate is trusted: no name check. */
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	c->ssl = SSL_new(c->ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1 ||
	    SSL_connect(c->ssl) != 1) {
		ctl_tls_error("TLS handshake with the daemon failed");
		return -1;
	}
	return 0;
}

/** Write all of buf.  0 or -1. */
static int
ctl_write(struct ctl *c, const char *buf, size_t len)
{
	while (len > 0) {
		int r;

		if (c->ssl) {
			r = SSL_write(c->ssl, buf, (int)len);
		} else {
			r = (int)send(c->fd, buf, len, MSG_NOSIGNAL);
			if (r < 0 && errno == EINTR) {
				continue;
			}
		}
		if (r <= 0) {
			return -1;
		}
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

/** Read some bytes: >0, 0 at the end, -1 error. */
static int
ctl_read(struct ctl *c, char *buf, size_t len)
{
	int r;

	if (c->ssl) {
		r = SSL_read(c->ssl, buf, (int)len);
		if (r <= 0) {
			return SSL_get_error(c->ssl, r) ==
			    SSL_ERROR_ZERO_RETURN ? 0 : -1;
		}
		return r;
	}
	do {
		r = (int)read(c->fd, buf, len);
	} while (r < 0 && errno == EINTR);
	return r;
}

/** Send standard input, then "%end".  0 or -1. */
static int
ctl_send_stdin(struct ctl *c)
{
	char buf[16384];
	size_t n;
	int last = '\n';

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		if (ctl_write(c, buf, n) != 0) {
			return -1;
		}
		last = buf[n - 1];
	}
	if (last != '\n' && ctl_write(c, "\n", 1) != 0) {
		return -1;
	}
	return ctl_write(c, "%end\n", 5);
}

/** Say that standard output could not be written. */
static void
ctl_output_error(void)
{
	fprintf(stderr, "resolute-control: cannot write the output: %s\n",
	    strerror(errno ? errno : EIO));
}

/**
 * Print the answer, holding back the last line (the status).
 * @return the exit status.
 */
static int
ctl_answer(struct ctl *c)
{
	char buf[16384];
	char *line = NULL;
	size_t len = 0, cap = 0;
	int r, i, ret = 3;

	/* Lines are printed when the next one starts, so the status line
	 * is the one left in `line` at the end. */
	while ((r = ctl_read(c, buf, sizeof(buf))) > 0) {
		for (i = 0; i < r; i++) {
			if (len > 0 && line[len - 1] == '\n') {
				if (fwrite(line, 1, len, stdout) != len) {
					/* A full disk, /dev/full, a closed
					 * pipe: not a truncated file and a
					 * zero exit. */
					ctl_output_error();
					free(line);
					return 4;
				}
				len = 0;
			}
			if (len + 1 >= cap) {
				char *n = realloc(line, cap ? cap * 2 : 256);

				if (!n) {
					fprintf(stderr, "resolute-control: out "
					    "of memory\n");
					free(line);
					return 3;
				}
				line = n;
				cap = cap ? cap * 2 : 256;
			}
			line[len++] = buf[i];
		}
	}
	if (len > 0 && line[len - 1] == '\n') {
		line[--len] = 0;
		if (strcmp(line, "%ok") == 0) {
			ret = 0;
		} else if (strncmp(line, "%error", 6) == 0) {
			fprintf(stderr, "error: %s\n", line[6] ? line + 7 :
			    "(no reason)");
			ret = 1;
		} else {
			printf("%s\n", line);
		}
	}
	if (ret == 3 && r < 0 && c->ssl && ERR_peek_error() != 0) {
		/* TLS 1.3: a refused client certificate shows up here. */
		ctl_tls_error("the daemon refused the TLS connection");
	} else if (ret == 3) {
		fprintf(stderr, "resolute-control: the connection ended "
		    "before the daemon's status line\n");
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ctl_output_error();
		ret = 4;
	}
	free(line);
	return ret;
}

int
main(int argc, char **argv)
{
	const char *cfgfile = NULL, *server = NULL;
	struct config *cfg;
	struct ctl c;
	struct timeval tv;
	char *req;
	size_t reqlen;
	int ch, i, port, ret;

	static const struct option longopts[] = {
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};

	while ((ch = getopt_long(argc, argv, "c:s:hV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'V':
			printf("%s\n", PACKAGE_STRING);
			return 0;
		case 'c':
			cfgfile = optarg;
			break;
		case 's':
			server = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	log_verbosity = 0;
	cfg = config_create();
	if (!cfg) {
		fprintf(stderr, "resolute-control: out of memory\n");
		return 2;
	}
	if (cfgfile || access(CONTROL_CONFIG, R_OK) == 0) {
		if (config_read(cfg, cfgfile ? cfgfile : CONTROL_CONFIG) !=
		    RES_OK) {
			fprintf(stderr, "resolute-control: cannot read %s\n",
			    cfgfile ? cfgfile : CONTROL_CONFIG);
			config_delete(cfg);
			return 2;
		}
	}
	if (!server) {
		server = cfg->control_interface ?
		    cfg->control_interface->str : "127.0.0.1";
	}
	port = cfg->control_port;
	memset(&c, 0, sizeof(c));
	c.fd = server[0] == '/' ? ctl_connect_unix(server) :
	    ctl_connect_tcp(server, port);
	if (c.fd == -1) {
		config_delete(cfg);
		return 3;
	}
	tv.tv_sec = CONTROL_TIMEOUT;
	tv.tv_usec = 0;
	(void)setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	ret = 3;
	if (server[0] != '/' && cfg->control_use_cert &&
	    ctl_tls(&c, cfg) != 0) {
		goto out;
	}
	/* The request line: magic, command, arguments. */
	reqlen = strlen(REMOTE_MAGIC) + 2;
	for (i = 0; i < argc; i++) {
		reqlen += strlen(argv[i]) + 1;
	}
	req = malloc(reqlen);
	if (!req) {
		goto out;
	}
	snprintf(req, reqlen, "%s", REMOTE_MAGIC);
	for (i = 0; i < argc; i++) {
		if (strchr(argv[i], '\n')) {
			fprintf(stderr, "resolute-control: newline in an "
			    "argument\n");
			free(req);
			ret = 2;
			goto out;
		}
		strcat(req, " ");
		strcat(req, argv[i]);
	}
	strcat(req, "\n");
	if (ctl_write(&c, req, strlen(req)) != 0 ||
	    (strcmp(argv[0], "load_cache") == 0 && ctl_send_stdin(&c) != 0)) {
		fprintf(stderr, "resolute-control: cannot send the command\n");
		free(req);
		goto out;
	}
	free(req);
	ret = ctl_answer(&c);
out:
	if (c.ssl) {
		SSL_free(c.ssl);
	}
	SSL_CTX_free(c.ctx);
	close(c.fd);
	config_delete(cfg);
	return ret;
}
