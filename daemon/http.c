/*
 * daemon/http.c - the HTTP statistics endpoint.  See http.h.
 */
#include "config.h"
#include "daemon/http.h"
#include "daemon/acl.h"
#include "daemon/daemon.h"
#include "daemon/stats.h"
#include "util/config_file.h"
#include "util/error.h"
#include "util/log.h"
#include "util/netevent.h"
#include "util/strbuf.h"
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/** Most http-stats-interface lines. */
#define HTTP_MAX_IFS 16
/** Seconds a connection may take for a request. */
#define HTTP_TIMEOUT 10

/** The page, from daemon/stats_page.html (made by the build). */
static const char http_page[] =
#include "daemon/stats_page.inc"
    ;

/** Where the page takes the first data. */
#define HTTP_PAGE_MARK "/*INITIAL*/null"

struct http_stats {
	/** Listening sockets until attached (evhttp owns them then). */
	int fd[HTTP_MAX_IFS];
	/** Their number. */
	int nfd;
	/** TLS context with http-stats-use-cert, else NULL. */
	SSL_CTX *ctx;
	/** The server while attached. */
	struct evhttp *http;
	/** The daemon while attached. */
	struct daemon *d;
};

struct http_stats *
http_stats_create(const struct config *cfg)
{
	struct http_stats *h = calloc(1, sizeof(*h));
	const struct cfg_strlist *p;

	if (!h) {
		log_err("out of memory");
		return NULL;
	}
	for (p = cfg->http_stats_interface; p; p = p->next) {
		struct sockaddr_storage ss;
		socklen_t len;
		int fd;

		if (h->nfd == HTTP_MAX_IFS) {
			log_err("http-stats-interface: at most %d",
			    HTTP_MAX_IFS);
			goto fail;
		}
		if (comm_addr_from_str(p->str, cfg->http_stats_port, &ss,
		    &len) != RES_OK) {
			log_err("http-stats-interface: cannot parse '%s'",
			    p->str);
			goto fail;
		}
		fd = comm_open_socket(&ss, len, SOCK_STREAM, 0, 0, 0);
		if (fd == -1) {
			goto fail;
		}
		if (evutil_make_socket_nonblocking(fd) != 0) {
			log_err("http-stats-interface %s: cannot make the "
			    "socket non-blocking", p->str);
			close(fd);
			goto fail;
		}
		h->fd[h->nfd++] = fd;
		verbose(VERB_OPS, "statistics over HTTP%s on %s port %d",
		    cfg->http_stats_use_cert ? "S" : "", p->str,
		    cfg->http_stats_port);
	}
	if (cfg->http_stats_use_cert) {
		h->ctx = SSL_CTX_new(TLS_server_method());
		if (!h->ctx) {
			log_err("http-stats: cannot create a TLS context");
			goto fail;
		}
		SSL_CTX_set_min_proto_version(h->ctx, TLS1_2_VERSION);
		if (SSL_CTX_use_certificate_chain_file(h->ctx,
		    cfg->server_cert_file) != 1 ||
		    SSL_CTX_use_PrivateKey_file(h->ctx, cfg->server_key_file,
		    SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(h->ctx) != 1) {
			log_err("http-stats-use-cert: cannot load %s and %s "
			    "(run resolute-control-setup)",
			    cfg->server_key_file, cfg->server_cert_file);
			goto fail;
		}
	}
	return h;
fail:
	http_stats_delete(h);
	return NULL;
}

void
http_stats_delete(struct http_stats *h)
{
	int i;

	if (!h) {
		return;
	}
	if (h->http) {
		/* Closes the listening sockets it took. */
		evhttp_free(h->http);
	}
	for (i = 0; i < h->nfd; i++) {
		close(h->fd[i]);
	}
	SSL_CTX_free(h->ctx);
	free(h);
}

char *
http_stats_body(struct daemon *d, const char *path, const char **type)
{
	struct strbuf b = { 0 };

	if (strcmp(path, "/metrics") == 0) {
		stats_prometheus(d, &b);
		*type = "text/plain; version=0.0.4; charset=utf-8";
	} else if (strcmp(path, "/api/stats") == 0) {
		stats_json(d, d->roll, &b);
		*type = "application/json";
	} else if (strcmp(path, "/") == 0 ||
	    strcmp(path, "/index.html") == 0) {
		const char *mark = strstr(http_page, HTTP_PAGE_MARK);

		strbuf_add(&b, http_page, (size_t)(mark - http_page));
		stats_json(d, d->roll, &b);
		strbuf_add(&b, mark + strlen(HTTP_PAGE_MARK),
		    strlen(mark + strlen(HTTP_PAGE_MARK)));
		*type = "text/html; charset=utf-8";
	} else {
		return NULL;
	}
	if (b.oom) {
		strbuf_free(&b);
		return NULL;
	}
	return b.p;
}

/** May this peer use the endpoint? */
static int
http_allowed(struct http_stats *h, struct evhttp_request *req)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(req);
	const struct sockaddr *sa;
	struct sockaddr_storage ss;

	if (!conn || !(sa = evhttp_connection_get_addr(conn))) {
		return 0;
	}
	memset(&ss, 0, sizeof(ss));
	if (sa->sa_family == AF_INET) {
		memcpy(&ss, sa, sizeof(struct sockaddr_in));
	} else if (sa->sa_family == AF_INET6) {
		memcpy(&ss, sa, sizeof(struct sockaddr_in6));
	} else {
		return 0;
	}
	return acl_list_lookup(h->d->http_acl, &ss) == ACL_ALLOW;
}

/** Every request. */
static void
http_request(struct evhttp_request *req, void *arg)
{
	struct http_stats *h = arg;
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	const char *type = NULL;
	struct evbuffer *buf;
	char *body;

	if (!http_allowed(h, req)) {
		evhttp_send_error(req, 403, "Forbidden");
		return;
	}
	if (!path || !*path) {
		path = "/";
	}
	body = http_stats_body(h->d, path, &type);
	if (!body) {
		evhttp_send_error(req, 404, "Not Found");
		return;
	}
	buf = evbuffer_new();
	if (!buf || evbuffer_add(buf, body, strlen(body)) != 0) {
		evbuffer_free(buf);
		free(body);
		evhttp_send_error(req, 500, "Internal Server Error");
		return;
	}
	free(body);
	evhttp_add_header(out, "Content-Type", type);
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(out, "Content-Security-Policy", "default-src "
	    "'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
	    "connect-src 'self'");
	evhttp_send_reply(req, 200, "OK", buf);
	evbuffer_free(buf);
}

/** A TLS buffer for each new connection (http-stats-use-cert). */
static struct bufferevent *
http_tls_bev(struct event_base *base, void *arg)
{
	struct http_stats *h = arg;
	SSL *ssl = SSL_new(h->ctx);

	if (!ssl) {
		return NULL;
	}
	return bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
}

int
http_stats_attach(struct http_stats *h, struct daemon *d)
{
	int i;

	h->d = d;
	h->http = evhttp_new(comm_base_internal(d->base));
	if (!h->http) {
		log_err("http-stats: out of memory");
		return RES_ENOMEM;
	}
	evhttp_set_timeout(h->http, HTTP_TIMEOUT);
	evhttp_set_max_headers_size(h->http, 8192);
	evhttp_set_max_body_size(h->http, 0);
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_gencb(h->http, http_request, h);
	if (h->ctx) {
		evhttp_set_bevcb(h->http, http_tls_bev, h);
	}
	for (i = 0; i < h->nfd; i++) {
		if (!evhttp_accept_socket_with_handle(h->http, h->fd[i])) {
			log_err("http-stats: cannot listen");
			return RES_ESYSTEM;
		}
		/* evhttp closes it from now on. */
		h->fd[i] = -1;
	}
	h->nfd = 0;
	return RES_OK;
}
