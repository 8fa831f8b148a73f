/*
 * test/fuzz_msg.c - libFuzzer target for util/msg.c (and the error
 * replies of util/answer.c).
 *
 * Built only with "./configure --enable-fuzz CC=clang"; run as
 * "test/fuzz_msg -max_total_time=60".  Each input goes through both
 * parsers; a packet that parses is re-encoded RR by RR with the writer
 * (owners decompressed, RDATA copied as is) and must parse again with the
 * same counts; every packet with a header gets a FORMERR reply that must
 * parse.
 */
#include "config.h"
#include "util/answer.h"
#include "util/msg.h"
#include "util/error.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Views are large: keep them out of the stack. */
static struct dns_msg in, again;

/** The server's side of the error replies. */
static const struct answer_opts opts = { 1232, 1 };

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
