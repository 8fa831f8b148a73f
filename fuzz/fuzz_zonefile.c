/*
 * fuzz/fuzz_zonefile.c - fuzz target: the zone-file reader and the
 * presentation format of every RR type (util/zonefile.c, util/rdata.c).
 *
 * The input is the text of a zone file (root hints and trust-anchor
 * files are read this way), read with zonefile_read_string() under an
 * origin of "example.".  Every RR read is printed with rr_to_str() and
 * the line read back with rr_from_str(): it must give the same RR (owner,
 * type, class, TTL and RDATA), so what the resolver prints (dump_cache,
 * local data, traces) always reads again.
 */
#include "config.h"
#include "fuzz/fuzz.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/rdata.h"
#include "util/zonefile.h"

/** The origin: "example.", wire format. */
static const uint8_t origin[] = "\007example";

/**
 * The reader's callback: print the RR and read it back.
 * @return 0, so the reader goes on.
 */
static int
check_rr(void *arg, const struct rr_text *rr, const char *file, int line)
{
	/* Static: an RR's text may be 4 times its 64 KB of RDATA. */
	static char text[RDATA_MAXLEN * 4 + 2 * DNAME_MAXSTR];
	static struct rr_text again;
	int n;

	n = rr_to_str(rr->owner, rr->type, rr->rrclass, rr->ttl, rr->rdata,
	    rr->rdlen, text, sizeof(text));
	if (n == RES_EMALFORMED || n == RES_ESPACE) {
		/* RDATA the reader took must print. */
		abort();
	}
	if (n < 0) {
		return RES_OK;
	}
	if (rr_from_str(text, NULL, 0, &again) != RES_OK ||
	    again.owner_len != rr->owner_len ||
	    memcmp(again.owner, rr->owner, rr->owner_len) != 0 ||
	    again.type != rr->type || again.rrclass != rr->rrclass ||
	    again.ttl != rr->ttl || again.rdlen != rr->rdlen ||
	    memcmp(again.rdata, rr->rdata, rr->rdlen) != 0) {
		abort();
	}
	return RES_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);

	fuzz_quiet();
	if (!text) {
		return 0;
	}
	(void)zonefile_read_string(text, "fuzz", origin, 3600, check_rr,
	    NULL);
	free(text);
	return 0;
}
