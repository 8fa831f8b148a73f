/*
 * fuzz/fuzz_msg.c - fuzz target: the client packet parser and the reply
 * encoder (util/msg.c, util/reply.c, util/answer.c).
 *
 * Each input is a DNS message and goes through both parsers, as a query
 * (msg_parse_query(), what a worker does with a client packet) and as a
 * whole message (msg_parse()).  A message that parses is:
 *	- re-encoded RR by RR with the writer (owners decompressed, RDATA
 *	  copied as is) and must parse again with the same counts;
 *	- grouped into RRsets (reply_from_msg(), what the iterator does
 *	  with an upstream reply) and, when that works, encoded as the
 *	  answer to its own question (answer_reply(), the mesh's path to
 *	  a client), once to a DO client over TCP and once to a plain
 *	  client with a 512-octet limit; both must parse, the second must
 *	  fit in 512 octets;
 * and every packet with a header gets a FORMERR reply that must parse.
 * A failed check aborts, which libFuzzer reports as a crash.
 */
#include "config.h"
#include "fuzz/fuzz.h"
#include "util/answer.h"
#include "util/msg.h"
#include "util/error.h"
#include "util/region.h"
#include "util/reply.h"
#include <stdlib.h>
#include <string.h>

/** Views are large: keep them out of the stack. */
static struct dns_msg in, again;

/** The server's side of the error replies. */
static const struct answer_opts opts = { .edns_size = 1232, .ede = 1 };

/** Re-encode the parsed view in; abort when the result does not parse. */
static void
reencode(void)
{
	static uint8_t out[MSG_MAX_LEN];
	uint8_t owner[DNAME_MAXLEN];
	struct msg_writer w;
	struct msg_edns_out eo;
	size_t i, len;
	int r;

	msg_writer_init(&w, out, sizeof(out));
	if (msg_writer_header(&w, in.id, in.flags,
	    in.edns.present ? in.rcode : (in.rcode & 0xf)) != RES_OK) {
		abort();
	}
	if (in.have_question && msg_writer_question(&w, in.qname, in.qtype,
	    in.qclass) != RES_OK) {
		abort();
	}
	if (in.edns.present) {
		memset(&eo, 0, sizeof(eo));
		eo.udp_size = in.edns.udp_size;
		eo.do_bit = in.edns.do_bit;
		eo.version = in.edns.version;
		if (msg_writer_edns(&w, &eo) != RES_OK) {
			abort();
		}
	}
	for (i = 0; i < in.nrr; i++) {
		const struct msg_rr *rr = &in.rr[i];

		if (rr->type == RR_TYPE_OPT) {
			continue;
		}
		if (msg_rr_owner(&in, i, owner, NULL) != RES_OK) {
			abort();
		}
		r = msg_writer_rr(&w, rr->section, owner, rr->type,
		    rr->rclass, rr->ttl, in.pkt + rr->rdata, rr->rdlen, NULL,
		    0);
		/* Decompressed owners may grow the message past 64 KB. */
		if (r == RES_ESPACE) {
			return;
		}
		if (r != RES_OK) {
			abort();
		}
	}
	if (msg_writer_finish(&w, &len) != RES_OK) {
		abort();
	}
	if (msg_parse(&again, out, len) != RES_OK ||
	    again.nrr != in.nrr || again.rcode != in.rcode ||
	    again.edns.present != in.edns.present) {
		abort();
	}
}

/**
 * Encode the RRsets of the parsed view in as the answer to its own
 * question, as the mesh answers a client; abort when the result does not
 * parse or passes the client's limit.
 * @param rep: the RRsets of in.
 * @param do_bit: the client's DO.
 * @param limit: the client's size limit.
 */
static void
encode_reply(const struct reply *rep, int do_bit, size_t limit)
{
	static uint8_t out[MSG_MAX_LEN];
	struct answer_to to;
	size_t len;
	int r;

	if (!in.have_question) {
		return;
	}
	answer_to_query(&to, &in, limit);
	to.edns = 1;
	to.do_bit = do_bit;
	to.limit = limit;
	r = answer_reply(&to, &opts, rep, in.rcode & 0xf,
	    (in.flags & MSG_FLAG_AD) != 0, -1, NULL, out, sizeof(out), &len);
	if (r == RES_ESPACE) {
		return;
	}
	if (r != RES_OK || len > limit || msg_parse(&again, out, len) !=
	    RES_OK || again.id != in.id || !again.have_question ||
	    again.qtype != in.qtype) {
		abort();
	}
}

/** Group the parsed view in into RRsets and encode them as replies. */
static void
regroup(void)
{
	struct region *region = region_create();
	struct reply *rep = NULL;
	int r;

	if (!region) {
		return;
	}
	r = reply_from_msg(region, &in, &rep);
	if (r == RES_OK) {
		encode_reply(rep, 1, MSG_MAX_LEN);
		encode_reply(rep, 0, 512);
	} else if (r != RES_EMALFORMED && r != RES_ENOMEM) {
		abort();
	}
	region_delete(region);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t reply[MSG_MAX_LEN];
	size_t len;
	int r;

	r = msg_parse(&in, data, size);
	if (r == RES_OK) {
		/* Only packets with at most one question re-encode to the
		 * same counts (the writer is given the first question). */
		if (in.qdcount <= 1) {
			reencode();
		}
		regroup();
	} else if (r != RES_EMALFORMED && r != RES_ELIMIT) {
		abort();
	}
	r = msg_parse_query(&in, data, size);
	if (r != RES_OK && r != RES_EMALFORMED && r != RES_ELIMIT) {
		abort();
	}
	if (in.have_header) {
		if (answer_error(&in, &opts, MSG_RCODE_FORMERR, 0, "fuzz",
		    reply, sizeof(reply), &len) == RES_OK &&
		    msg_parse(&again, reply, len) != RES_OK) {
			abort();
		}
	}
	return 0;
}
