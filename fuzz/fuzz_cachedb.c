/*
 * fuzz/fuzz_cachedb.c - fuzz target: the shared cache's value reader
 * (cache/cachedb.c), what a Redis shared with others hands a resolver.
 *
 * The input is a value as read from Redis, for the question
 * www.example.com A (the seeds answer it; values for another question
 * must be refused).  cachedb_decode() must refuse it, call it expired, or
 * give an answer whose RRsets are all unchecked.  An answer it gives is
 * encoded again (cachedb_encode(), as the resolver stores answers) and
 * that value read back: it must read, with as many RRsets.  The clock is
 * fixed.
 */
#include "config.h"
#include "fuzz/fuzz.h"
#include "cache/cachedb.h"
#include "cache/rrset.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/module.h"
#include "util/msg.h"
#include "util/region.h"
#include "util/reply.h"

/** The clock of every read. */
#define FUZZ_NOW ((time_t)1800000000)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[MSG_MAX_LEN + CACHEDB_HEAD_LEN + MSG_MAX_RR_ANY + 4];
	uint8_t qname[DNAME_MAXLEN];
	struct query_info qi;
	struct region *r = region_create();
	struct dns_msg *m = malloc(sizeof(*m));
	struct msg_rr *room = malloc(MSG_MAX_RR_ANY * sizeof(*room));
	struct reply *rep = NULL, *again = NULL;
	size_t i, len;
	int ret;

	log_verbosity = VERB_NONE;
	if (!r || !m || !room || dname_from_str("www.example.com.", NULL,
	    qname, &qi.qname_len) != RES_OK) {
		goto out;
	}
	qi.qname = qname;
	qi.qtype = RR_TYPE_A;
	qi.qclass = RR_CLASS_IN;
	ret = cachedb_decode(r, data, size, &qi, FUZZ_NOW, m, room, &rep);
	if (ret != RES_OK) {
		if (ret != RES_EMALFORMED && ret != RES_ENOTFOUND &&
		    ret != RES_ENOMEM) {
			abort();
		}
		goto out;
	}
	for (i = 0; i < rep->an + rep->ns + rep->ar; i++) {
		if (rep->rrsets[i]->security != RRSET_SEC_UNCHECKED ||
		    rep->rrsets[i]->trust > RRSET_TRUST_ANSWER_AUTH) {
			abort();
		}
	}
	len = cachedb_encode(&qi, rep, FUZZ_NOW, 60, buf, sizeof(buf));
	if (len == 0) {
		/* An answer the writer cannot write (truncated): not
		 * stored, which is allowed. */
		goto out;
	}
	if (cachedb_decode(r, buf, len, &qi, FUZZ_NOW, m, room, &again) !=
	    RES_OK || again->an + again->ns + again->ar != rep->an + rep->ns +
	    rep->ar) {
		abort();
	}
out:
	region_delete(r);
	free(m);
	free(room);
	return 0;
}
