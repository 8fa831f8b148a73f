/*
 * daemon/worker.c - worker threads and client query handling.
 *
 * worker_handle_query() is the per-packet path: header sanity, access
 * control, a parse of header + question + OPT only, then local zones, then
 * (later) the cache and the resolver.  It runs on the worker's thread,
 * allocates nothing, and writes the reply straight into the service
 * point's buffer.  Every early exit is counted in struct worker_stats.
 *
 * Order of checks, following RFC 1035 and RFC 6891 and Unbound's
 * behaviour: shorter than a header or QR set -> dropped (answering a
 * response invites reflection loops); access control deny -> dropped,
 * refuse -> REFUSED; unparseable -> FORMERR; opcode other than QUERY ->
 * NOTIMP; qdcount != 1 -> FORMERR; EDNS version > 0 -> BADVERS
 * (RFC 6891 section 6.1.3); OPT or zone-transfer qtypes -> FORMERR /
 * REFUSED.
 */
#include "config.h"
#include "daemon/worker.h"
#include "daemon/acl.h"
#include "daemon/daemon.h"
#include "daemon/localzone.h"
#include "util/config_file.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/log.h"
#include "util/msg.h"
#include "util/netevent.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/** Query types with special handling. */
#define WORKER_TYPE_TXT 16
#define WORKER_TYPE_IXFR 251
#define WORKER_TYPE_AXFR 252
#define WORKER_CLASS_CH 3
/** RFC 8914 info code for "Not Supported". */
#define WORKER_EDE_NOT_SUPPORTED 21
/** RFC 8914 info code for "Prohibited". */
#define WORKER_EDE_PROHIBITED 18

/** Per-thread parse view: large, so not on the stack. */
static __thread struct dns_msg *worker_qmsg;

struct worker *
worker_create(struct daemon *daemon, int num, const int *udp_fds,
    int num_udp, const int *tcp_fds, int num_tcp)
{
	struct worker *w = calloc(1, sizeof(*w));
	const struct config *cfg = daemon->cfg;
	int i, fd;

	if (!w) {
		log_err("out of memory");
		return NULL;
	}
	w->thread_num = num;
	w->daemon = daemon;
	w->base = comm_base_create();
	w->points = calloc((size_t)(num_udp + num_tcp), sizeof(*w->points));
	if (!w->base || !w->points) {
		log_err("out of memory creating worker %d", num);
		worker_delete(w);
		return NULL;
	}
	for (i = 0; i < num_udp; i++) {
		if (udp_fds[i] == -1) {
			continue;
		}
		fd = dup(udp_fds[i]);
		w->points[w->num_points] = fd == -1 ? NULL :
		    comm_point_create_udp(w->base, fd, MSG_MAX_LEN,
		    worker_handle_query, w);
		if (!w->points[w->num_points]) {
			if (fd != -1) {
				close(fd);
			}
			worker_delete(w);
			return NULL;
		}
		w->num_points++;
	}
	for (i = 0; i < num_tcp; i++) {
		if (tcp_fds[i] == -1) {
			continue;
		}
		fd = dup(tcp_fds[i]);
		w->points[w->num_points] = fd == -1 ? NULL :
		    comm_point_create_tcp(w->base, fd, cfg->incoming_num_tcp,
		    cfg->tcp_idle_timeout, worker_handle_query, w);
		if (!w->points[w->num_points]) {
			if (fd != -1) {
				close(fd);
			}
			worker_delete(w);
			return NULL;
		}
		w->num_points++;
	}
	return w;
}

void
worker_delete(struct worker *w)
{
	int i;

	if (!w) {
		return;
	}
	for (i = 0; i < w->num_points; i++) {
		comm_point_delete(w->points[i]);
	}
	free(w->points);
	comm_base_delete(w->base);
	free(w);
}

/** Thread entry. */
static void *
worker_thread(void *arg)
{
	struct worker *w = arg;

	log_thread_set(w->thread_num + 1);
	worker_work(w);
	return NULL;
}

int
worker_start(struct worker *w)
{
	if (pthread_create(&w->thr, NULL, worker_thread, w) != 0) {
		log_err("cannot start worker thread %d", w->thread_num);
		return RES_ESYSTEM;
	}
	w->running = 1;
	return RES_OK;
}

void
worker_stop(struct worker *w)
{
	if (!w || !w->running) {
		return;
	}
	comm_base_exit(w->base);
	pthread_join(w->thr, NULL);
	w->running = 0;
}

void
worker_work(struct worker *w)
{
	if (!worker_qmsg) {
		worker_qmsg = malloc(sizeof(*worker_qmsg));
		if (!worker_qmsg) {
			log_err("out of memory starting worker %d",
			    w->thread_num);
			return;
		}
	}
	verbose(VERB_ALGO, "worker %d running", w->thread_num);
	comm_base_dispatch(w->base);
	free(worker_qmsg);
	worker_qmsg = NULL;
}

/** Write an error reply and count its rcode. */
static int
worker_error(struct worker *w, const struct dns_msg *q, struct comm_reply *rep,
    int rcode, int ede, const char *text)
{
	if (msg_reply_error(q, rcode, ede, text, rep->reply, rep->reply_cap,
	    &rep->reply_len) != RES_OK) {
		return 0;
	}
	w->stats.ans_rcode[rcode & 0xf]++;
	return 1;
}

/** CHAOS TXT id.server / version.server and their .bind names.
 * @return -1 when not such a query, else as worker_handle_query(). */
static int
worker_chaos(struct worker *w, const struct dns_msg *q, struct comm_reply *rep,
    size_t limit)
{
	static const uint8_t id_server[] = "\2id\6server";
	static const uint8_t hostname_bind[] = "\10hostname\4bind";
	static const uint8_t version_server[] = "\7version\6server";
	static const uint8_t version_bind[] = "\7version\4bind";
	const struct config *cfg = w->daemon->cfg;
	struct msg_writer mw;
	struct msg_edns_out eo;
	struct msg_rdata rd;
	uint8_t txt[256];
	char host[256];
	const char *s;
	int is_id;
	size_t sl;

	if (q->qclass != WORKER_CLASS_CH || q->qtype != WORKER_TYPE_TXT) {
		return -1;
	}
	if (dname_equal(q->qname, id_server) ||
	    dname_equal(q->qname, hostname_bind)) {
		is_id = 1;
	} else if (dname_equal(q->qname, version_server) ||
	    dname_equal(q->qname, version_bind)) {
		is_id = 0;
	} else {
		return -1;
	}
	if (is_id ? cfg->hide_identity : cfg->hide_version) {
		return worker_error(w, q, rep, MSG_RCODE_REFUSED, -1, NULL);
	}
	if (is_id) {
		s = cfg->identity;
		if (!s || !*s) {
			if (gethostname(host, sizeof(host)) != 0) {
				host[0] = 0;
			}
			host[sizeof(host) - 1] = 0;
			s = host;
		}
	} else {
		s = cfg->version && *cfg->version ? cfg->version :
		    PACKAGE_STRING;
	}
	sl = strlen(s) > 255 ? 255 : strlen(s);
	txt[0] = (uint8_t)sl;
	memcpy(txt + 1, s, sl);
	rd.data = txt;
	rd.len = (uint16_t)(sl + 1);
	rd.names = NULL;
	rd.nnames = 0;
	msg_writer_init(&mw, rep->reply, rep->reply_cap);
	msg_writer_set_limit(&mw, limit);
	if (msg_writer_header(&mw, q->id, MSG_FLAG_QR | MSG_FLAG_AA |
	    (q->flags & MSG_FLAG_RD), 0) != RES_OK ||
	    msg_writer_question(&mw, q->qname, q->qtype, q->qclass) != RES_OK) {
		return 0;
	}
	if (q->edns.present) {
		memset(&eo, 0, sizeof(eo));
		eo.udp_size = (uint16_t)cfg->edns_buffer_size;
		eo.do_bit = q->edns.do_bit;
		msg_writer_edns(&mw, &eo);
	}
	msg_writer_rrset(&mw, MSG_SEC_ANSWER, q->qname, WORKER_TYPE_TXT,
	    WORKER_CLASS_CH, 0, &rd, 1, 1);
	if (msg_writer_finish(&mw, &rep->reply_len) != RES_OK) {
		return 0;
	}
	w->stats.ans_rcode[0]++;
	return 1;
}

int
worker_handle_query(void *arg, struct comm_reply *rep)
{
	struct worker *w = arg;
	struct daemon *d = w->daemon;
	const struct config *cfg = d->cfg;
	struct dns_msg *q = worker_qmsg;
	enum acl_action acl;
	enum local_result lr;
	size_t limit;
	int ret;

	w->stats.num_queries++;
	if (rep->is_tcp) {
		w->stats.num_tcp++;
	}
	/* No header, or a response (QR): never answer. */
	if (rep->query_len < MSG_HEADER_LEN || (rep->query[2] & 0x80)) {
		w->stats.num_dropped_malformed++;
		return 0;
	}
	acl = acl_list_lookup(d->acl, &rep->addr);
	if (acl == ACL_DENY) {
		w->stats.num_acl_dropped++;
		return 0;
	}
	ret = msg_parse_query(q, rep->query, rep->query_len);
	if (acl == ACL_REFUSE) {
		w->stats.num_acl_refused++;
		return worker_error(w, q, rep, MSG_RCODE_REFUSED, -1, NULL);
	}
	if (ret != RES_OK) {
		w->stats.num_formerr++;
		return worker_error(w, q, rep, MSG_RCODE_FORMERR, -1, NULL);
	}
	if (q->opcode != MSG_OPCODE_QUERY) {
		w->stats.num_notimp++;
		return worker_error(w, q, rep, MSG_RCODE_NOTIMP, -1, NULL);
	}
	if (q->qdcount != 1 || q->qtype == MSG_TYPE_OPT) {
		w->stats.num_formerr++;
		return worker_error(w, q, rep, MSG_RCODE_FORMERR, -1, NULL);
	}
	if (q->edns.present && q->edns.version > 0) {
		return worker_error(w, q, rep, MSG_RCODE_BADVERS, -1, NULL);
	}
	if (q->qtype == WORKER_TYPE_AXFR || q->qtype == WORKER_TYPE_IXFR) {
		return worker_error(w, q, rep, MSG_RCODE_REFUSED,
		    WORKER_EDE_NOT_SUPPORTED, "zone transfers are not served");
	}
	if (rep->is_tcp) {
		limit = MSG_MAX_LEN;
	} else {
		limit = msg_client_limit(q);
		if (limit > (size_t)cfg->max_udp_size) {
			limit = (size_t)cfg->max_udp_size;
		}
		if (limit < MSG_UDP_MIN) {
			limit = MSG_UDP_MIN;
		}
	}
	if (limit > rep->reply_cap) {
		limit = rep->reply_cap;
	}
	if ((ret = worker_chaos(w, q, rep, limit)) >= 0) {
		return ret;
	}
	lr = local_zones_answer(d->local_zones, q, rep->reply, limit,
	    (uint16_t)cfg->edns_buffer_size, &rep->reply_len);
	if (lr == LOCAL_RESULT_ANSWER) {
		w->stats.num_local++;
		w->stats.ans_rcode[rep->reply[3] & 0xf]++;
		return 1;
	}
	if (lr == LOCAL_RESULT_DROP) {
		w->stats.num_acl_dropped++;
		return 0;
	}
	if (acl == ACL_DENY_NON_LOCAL) {
		w->stats.num_acl_dropped++;
		return 0;
	}
	if (acl == ACL_REFUSE_NON_LOCAL) {
		w->stats.num_acl_refused++;
		return worker_error(w, q, rep, MSG_RCODE_REFUSED,
		    WORKER_EDE_PROHIBITED, NULL);
	}
	if (!(q->flags & MSG_FLAG_RD) && acl != ACL_ALLOW_SNOOP &&
	    acl != ACL_ALLOW_SETRD) {
		/* Non-recursive queries are for allow_snoop clients only. */
		w->stats.num_acl_refused++;
		return worker_error(w, q, rep, MSG_RCODE_REFUSED, -1, NULL);
	}
	w->stats.num_servfail++;
	return worker_error(w, q, rep, MSG_RCODE_SERVFAIL,
	    WORKER_EDE_NOT_SUPPORTED, "recursion is not available yet");
}

void
worker_stats_add(struct worker_stats *total, const struct worker_stats *s)
{
	size_t i;

	total->num_queries += s->num_queries;
	total->num_tcp += s->num_tcp;
	total->num_dropped_malformed += s->num_dropped_malformed;
	total->num_formerr += s->num_formerr;
	total->num_acl_dropped += s->num_acl_dropped;
	total->num_acl_refused += s->num_acl_refused;
	total->num_local += s->num_local;
	total->num_notimp += s->num_notimp;
	total->num_servfail += s->num_servfail;
	for (i = 0; i < 16; i++) {
		total->ans_rcode[i] += s->ans_rcode[i];
	}
}
