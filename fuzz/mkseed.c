/*
 * fuzz/mkseed.c - write the scripted server replies of a replay scenario
 * as a seed of fuzz/fuzz_resolve.c.
 *
 * Usage: mkseed file.rpl >seed
 * Every entry inside a RANGE_BEGIN ... RANGE_END of the scenario
 * (test/replay.c documents the format) becomes one DNS message: the
 * REPLY flags and rcode, the question, the RRs of each section (names
 * compressed where the writer can).  The messages are written with a
 * two-octet length in front, the reply whose question is that of the
 * scenario's first QUERY step first, since the target's client asks the
 * question of the first message; the others follow in file order.
 * MATCH and ADJUST lines are ignored: the target hands a query the
 * first message with its question.  Exit status 1 for a file that does
 * not read.
 */
#include "config.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/msg.h"
#include "util/rdata.h"
#include "util/rrtype.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Most messages in one scenario. */
#define MKSEED_MAX 256

/** One message written. */
struct seed_msg {
	/** The packet (malloced). */
	uint8_t *pkt;
	/** Its length. */
	size_t len;
	/** 1 when its question is that of the first QUERY step. */
	int first;
};

/** The reply words: flags and rcodes. */
static const struct {
	/** The word. */
	const char *w;
	/** The flag it sets, or 0. */
	uint16_t flag;
	/** The rcode it gives, or -1. */
	int rcode;
} reply_words[] = {
	{ "QR", MSG_FLAG_QR, -1 }, { "AA", MSG_FLAG_AA, -1 },
	{ "TC", MSG_FLAG_TC, -1 }, { "RD", MSG_FLAG_RD, -1 },
	{ "RA", MSG_FLAG_RA, -1 }, { "AD", MSG_FLAG_AD, -1 },
	{ "CD", MSG_FLAG_CD, -1 },
	{ "NOERROR", 0, MSG_RCODE_NOERROR },
	{ "FORMERR", 0, MSG_RCODE_FORMERR },
	{ "SERVFAIL", 0, MSG_RCODE_SERVFAIL },
	{ "NXDOMAIN", 0, MSG_RCODE_NXDOMAIN },
	{ "NOTIMP", 0, MSG_RCODE_NOTIMP },
	{ "REFUSED", 0, MSG_RCODE_REFUSED }
};

/** Parse "name [class] type" into a wire name and type.  0 or -1. */
static int
parse_question(char *line, uint8_t *name, uint16_t *type)
{
	char *a = strtok(line, " \t"), *b = strtok(NULL, " \t");
	char *c = strtok(NULL, " \t");
	uint16_t cls;

	if (!a || !b || dname_from_str(a, NULL, name, NULL) != RES_OK) {
		return -1;
	}
	if (c && rrclass_from_str(b, &cls) == RES_OK) {
		b = c;
	}
	return rrtype_from_str(b, type) == RES_OK ? 0 : -1;
}

/** Read a line without its newline; 0 at the end. */
static int
next_line(FILE *in, char *buf, size_t size, int *lineno)
{
	size_t len;

	if (!fgets(buf, (int)size, in)) {
		return 0;
	}
	(*lineno)++;
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) {
		buf[--len] = '\0';
	}
	return 1;
}

/**
 * Read an entry (the line after ENTRY_BEGIN on) into a message.
 * @return 0 or -1 (reported).
 */
static int
read_entry(FILE *in, int *lineno, const char *file, struct seed_msg *m,
    const uint8_t *qname1, uint16_t qtype1)
{
	static uint8_t pkt[MSG_MAX_LEN];
	static struct rr_text rr;
	char line[8192];
	uint8_t qname[DNAME_MAXLEN];
	uint16_t flags = 0, qtype = 0;
	int rcode = 0, section = -2, have_q = 0, started = 0;
	struct msg_writer w;
	size_t i;

	msg_writer_init(&w, pkt, sizeof(pkt));
	while (next_line(in, line, sizeof(line), lineno)) {
		if (line[0] == ';' || line[0] == '\0' ||
		    strncmp(line, "MATCH", 5) == 0 ||
		    strncmp(line, "ADJUST", 6) == 0) {
			continue;
		}
		if (strncmp(line, "REPLY", 5) == 0) {
			char *tok;

			for (tok = strtok(line + 5, " \t"); tok;
			    tok = strtok(NULL, " \t")) {
				for (i = 0; i < sizeof(reply_words) /
				    sizeof(reply_words[0]); i++) {
					if (strcmp(tok, reply_words[i].w) ==
					    0) {
						flags |= reply_words[i].flag;
						if (reply_words[i].rcode >= 0) {
							rcode = reply_words[i]
							    .rcode;
						}
					}
				}
			}
			continue;
		}
		if (strncmp(line, "SECTION", 7) == 0) {
			const char *s = line + 8;

			section = strcmp(s, "QUESTION") == 0 ? -1 :
			    strcmp(s, "ANSWER") == 0 ? MSG_SEC_ANSWER :
			    strcmp(s, "AUTHORITY") == 0 ? MSG_SEC_AUTHORITY :
			    MSG_SEC_ADDITIONAL;
			continue;
		}
		if (strcmp(line, "ENTRY_END") == 0) {
			break;
		}
		if (!started) {
			if (msg_writer_header(&w, 0, flags, rcode) != RES_OK) {
				goto bad;
			}
			started = 1;
		}
		if (section == -1) {
			if (have_q || parse_question(line, qname, &qtype) != 0
			    || msg_writer_question(&w, qname, qtype,
			    RR_CLASS_IN) != RES_OK) {
				goto bad;
			}
			have_q = 1;
		} else if (rr_from_str(line, NULL, 3600, &rr) != RES_OK ||
		    msg_writer_rr(&w, section, rr.owner, rr.type, rr.rrclass,
		    rr.ttl, rr.rdata, (uint16_t)rr.rdlen, NULL, 0) != RES_OK) {
			goto bad;
		}
	}
	if (!started && msg_writer_header(&w, 0, flags, rcode) != RES_OK) {
		goto bad;
	}
	if (msg_writer_finish(&w, &m->len) != RES_OK ||
	    !(m->pkt = malloc(m->len))) {
		goto bad;
	}
	memcpy(m->pkt, pkt, m->len);
	m->first = have_q && qtype == qtype1 && dname_equal(qname, qname1);
	return 0;
bad:
	fprintf(stderr, "%s:%d: cannot make this entry a message\n", file,
	    *lineno);
	return -1;
}

/** Write a message with its length. */
static void
put(const struct seed_msg *m)
{
	putchar((int)(m->len >> 8));
	putchar((int)(m->len & 0xff));
	fwrite(m->pkt, 1, m->len, stdout);
}

int
main(int argc, char **argv)
{
	static struct seed_msg msgs[MKSEED_MAX];
	char line[8192], *p;
	uint8_t qname1[DNAME_MAXLEN] = { 0 };
	uint16_t qtype1 = 0;
	int lineno = 0, in_range = 0, i, n = 0, first = -1;
	FILE *in;

	if (argc != 2 || !(in = fopen(argv[1], "r"))) {
		fprintf(stderr, "usage: mkseed file.rpl >seed\n");
		return 1;
	}
	/* The first QUERY step, then the entries. */
	while (next_line(in, line, sizeof(line), &lineno)) {
		if (strncmp(line, "STEP", 4) == 0 &&
		    (p = strstr(line, " QUERY ")) != NULL) {
			if (parse_question(p + 7, qname1, &qtype1) == 0) {
				break;
			}
		}
	}
	rewind(in);
	lineno = 0;
	while (next_line(in, line, sizeof(line), &lineno)) {
		if (strncmp(line, "RANGE_BEGIN", 11) == 0) {
			in_range = 1;
		} else if (strcmp(line, "RANGE_END") == 0) {
			in_range = 0;
		} else if (in_range && strcmp(line, "ENTRY_BEGIN") == 0 &&
		    n < MKSEED_MAX) {
			if (read_entry(in, &lineno, argv[1], &msgs[n], qname1,
			    qtype1) != 0) {
				fclose(in);
				return 1;
			}
			if (first < 0 && msgs[n].first) {
				first = n;
			}
			n++;
		}
	}
	fclose(in);
	if (first >= 0) {
		put(&msgs[first]);
	}
	for (i = 0; i < n; i++) {
		if (i != first) {
			put(&msgs[i]);
		}
		free(msgs[i].pkt);
	}
	return 0;
}
