/*
 * test/test_autotrust.c - unit tests for validator/autotrust.c: the
 * state file (Unbound's format, read, written atomically, bad files) and
 * the RFC 5011 state machine over a key roll of simulated months, with
 * real Ed25519 signatures.
 */
#include "config.h"
#include "test/unit.h"
#include "util/dname.h"
#include "util/dnsdef.h"
#include "util/error.h"
#include "util/log.h"
#include "util/rdata.h"
#include "util/reply.h"
#include "validator/autotrust.h"
#include "validator/val_canon.h"
#include "validator/val_crypto.h"
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/** One day, s. */
#define DAY 86400
/** The start of the simulated roll (2026-06-01). */
#define T0 1780272000

/** A test key: its private half and DNSKEY RDATA (Ed25519). */
struct tkey {
	EVP_PKEY *pk;
	uint8_t rd[36];
};

/** Make a key with the given DNSKEY flags. */
static int
tkey_make(struct tkey *k, uint16_t flags)
{
	size_t n = 32;

	k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!k->pk) {
		return 0;
	}
	wire_put16(k->rd, flags);
	k->rd[2] = 3;
	k->rd[3] = 15;
	return EVP_PKEY_get_raw_public_key(k->pk, k->rd + 4, &n) == 1 &&
	    n == 32;
}

/** The same key with the REVOKE bit. */
static void
tkey_revoked(const struct tkey *k, struct tkey *r)
{
	*r = *k;
	wire_put16(r->rd, (uint16_t)(wire_get16(k->rd) | DNSKEY_FLAG_REVOKE));
}

/** The original TTL the signatures of tset_make() carry. */
static uint32_t tset_ottl = 172800;

/** A DNSKEY RRset of the root with RRSIGs, built in static storage. */
struct tset {
	struct reply_rrset s;
	const uint8_t *rd[8];
	uint16_t len[8];
	uint8_t sig[4][160];
};

/**
 * Build the root's DNSKEY RRset of keys, signed by signers (valid from
 * now - 1 day to now + 20 days, original TTL tset_ottl).
 */
static void
tset_make(struct tset *t, const struct tkey *const *keys, int nk,
    const struct tkey *const *signers, int ns, time_t now)
{
	int i;

	memset(t, 0, sizeof(*t));
	t->s.owner = (const uint8_t *)"";
	t->s.type = RR_TYPE_DNSKEY;
	t->s.rclass = RR_CLASS_IN;
	t->s.ttl = 172800;
	t->s.count = (size_t)nk;
	t->s.rd = t->rd;
	t->s.rdlen = t->len;
	for (i = 0; i < nk; i++) {
		t->rd[i] = keys[i]->rd;
		t->len[i] = 36;
	}
	for (i = 0; i < ns; i++) {
		uint8_t *r = t->sig[i], *data = NULL;
		size_t dlen = 0, slen = 64;
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();

		wire_put16(r, RR_TYPE_DNSKEY);
		r[2] = 15;
		r[3] = 0;
		wire_put32(r + 4, tset_ottl);
		wire_put32(r + 8, (uint32_t)(now + 20 * DAY));
		wire_put32(r + 12, (uint32_t)(now - DAY));
		wire_put16(r + 16, rdata_dnskey_keytag(signers[i]->rd, 36));
		r[18] = 0;	/* signer: the root */
		t->s.sigcount = 0;
		if (val_canon_signed_data_alloc(&t->s, r, 19, &data, &dlen) !=
		    RES_OK || !ctx || EVP_DigestSignInit(ctx, NULL, NULL, NULL,
		    signers[i]->pk) != 1 || EVP_DigestSign(ctx, r + 19, &slen,
		    data, dlen) != 1) {
			abort();
		}
		EVP_MD_CTX_free(ctx);
		free(data);
		t->rd[nk + i] = r;
		t->len[nk + i] = (uint16_t)(19 + slen);
	}
	t->s.sigcount = (size_t)ns;
}

/** The state of the key with this RDATA (the REVOKE bit aside), or -1. */
static int
state_of(const struct autr_point *p, const struct tkey *k)
{
	const struct autr_key *a;

	for (a = p->keys; a; a = a->next) {
		if (a->type == RR_TYPE_DNSKEY && a->rdlen == 36 &&
		    memcmp(a->rd + 2, k->rd + 2, 34) == 0) {
			return (int)a->state;
		}
	}
	return -1;
}

/** Number of trusted DNSKEYs and DS. */
static size_t
trusted(const struct autr_point *p, uint16_t type)
{
	const uint8_t *rd[8];
	uint16_t len[8];

	return autr_trusted(p, type, rd, len, 8);
}

/** Is this key trusted? */
static int
is_trusted(const struct autr_point *p, const struct tkey *k)
{
	const uint8_t *rd[8];
	uint16_t len[8];
	size_t n = autr_trusted(p, RR_TYPE_DNSKEY, rd, len, 8), i;

	for (i = 0; i < n; i++) {
		if (len[i] == 36 && memcmp(rd[i] + 2, k->rd + 2, 34) == 0) {
			return 1;
		}
	}
	return 0;
}

/** Write a point to a file, read it back (a restart). */
static struct autr_point *
restart(struct autr_point *p)
{
	struct autr_point *q = NULL;
	char why[512];

	UNIT_CHECK_INT(autr_write_file(p, why, sizeof(why)), 0);
	UNIT_CHECK_INT(autr_read_file(p->file, &q), 0);
	autr_point_delete(p);
	return q;
}

/** A DS of a key, as presentation text. */
static void
ds_text(const struct tkey *k, char *buf, size_t len)
{
	uint8_t d[64];
	size_t dl = 0, i, n;

	if (val_ds_digest(2, (const uint8_t *)"", k->rd, 36, d, &dl) !=
	    RES_OK) {
		abort();
	}
	n = (size_t)snprintf(buf, len, ". 3600 IN DS %u 15 2 ",
	    (unsigned)rdata_dnskey_keytag(k->rd, 36));
	for (i = 0; i < dl && n + 2 < len; i++) {
		n += (size_t)snprintf(buf + n, len - n, "%02X", d[i]);
	}
}

/**
 * A KSK roll as the root's KSK-2017 -> KSK-2024: an anchor given as DS,
 * its key found at the first probe; a new KSK published, gone again
 * before the hold-down (not trusted), back, trusted after 30 days of
 * being seen; the old KSK revoked (out at once, never back) and
 * removed after del-holddown; a set signed only by the revoked key
 * rejected.  The state file written and read back between steps.
 */
static void
test_autotrust_roll(void)
{
	struct autr_config cfg = { 30 * DAY, 30 * DAY, 366 * DAY, 0 };
	struct tkey k1, k2, z, k1r;
	const struct tkey *ks[4], *sg[3];
	struct autr_point *p = NULL;
	struct tset t;
	char file[] = "/tmp/autotrust-test.XXXXXX", text[512], ds[256];
	int fd, changed;
	time_t now = T0;

	UNIT_CHECK(tkey_make(&k1, 257) && tkey_make(&k2, 257) &&
	    tkey_make(&z, 256));
	tkey_revoked(&k1, &k1r);
	fd = mkstemp(file);
	UNIT_CHECK(fd >= 0);
	if (fd < 0) {
		return;
	}
	close(fd);
	ds_text(&k1, ds, sizeof(ds));
	snprintf(text, sizeof(text), "; bootstrapped\n%s\n", ds);
	UNIT_CHECK_INT(autr_read_string(text, file, &p), 0);
	if (!p) {
		return;
	}
	UNIT_CHECK_INT(trusted(p, RR_TYPE_DS), 1);
	UNIT_CHECK_INT(trusted(p, RR_TYPE_DNSKEY), 0);

	/* Day 0: the first probe finds the DS's key: VALID, DS gone. */
	ks[0] = &k1; ks[1] = &z; sg[0] = &k1;
	tset_make(&t, ks, 2, sg, 1, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed), 0);
	UNIT_CHECK(changed);
	UNIT_CHECK_INT(state_of(p, &k1), AUTR_VALID);
	UNIT_CHECK_INT(trusted(p, RR_TYPE_DS), 0);
	UNIT_CHECK(is_trusted(p, &k1));
	/* RFC 5011 2.3: min(15 days, TTL/2 = 1 day, 20 days/2). */
	UNIT_CHECK_INT(p->query_interval, DAY);
	UNIT_CHECK_INT(p->next_probe, now + DAY);
	UNIT_CHECK_INT(state_of(p, &z), -1);	/* not a SEP key */
	p = restart(p);
	if (!p) {
		return;
	}

	/* Day 1: KSK-2 is published: ADDPEND, not trusted. */
	now += DAY;
	ks[0] = &k1; ks[1] = &k2; ks[2] = &z; sg[0] = &k1;
	tset_make(&t, ks, 3, sg, 1, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed), 0);
	UNIT_CHECK_INT(state_of(p, &k2), AUTR_ADDPEND);
	UNIT_CHECK(!is_trusted(p, &k2));
	/* Day 20: seen 19 days, gone: back to START, never trusted. */
	now += 9 * DAY;
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed), 0);
	now += 10 * DAY;
	tset_make(&t, ks, 1, sg, 1, now);	/* k1 only */
	ks[1] = &z;
	tset_make(&t, ks, 2, sg, 1, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed), 0);
	UNIT_CHECK_INT(state_of(p, &k2), AUTR_START);
	UNIT_CHECK(!is_trusted(p, &k2));
	/* A set signed by KSK-2 alone is not trusted yet. */
	ks[0] = &k1; ks[1] = &k2; ks[2] = &z; sg[0] = &k2;
	tset_make(&t, ks, 3, sg, 1, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed),
	    RES_EBOGUS);
	UNIT_CHECK_INT(p->query_failed, 1);
	UNIT_CHECK_INT(p->next_probe, now + p->retry_time);

	/* Day 21: back, signed by KSK-1: ADDPEND again, the clock anew. */
	now += DAY;
	sg[0] = &k1;
	tset_make(&t, ks, 3, sg, 1, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed), 0);
	UNIT_CHECK_INT(state_of(p, &k2), AUTR_ADDPEND);
	UNIT_CHECK_INT(p->query_failed, 0);
	p = restart(p);
	if (!p) {
		return;
	}
	/* Day 50: 29 days: still pending. */
	now += 29 * DAY;
	tset_make(&t, ks, 3, sg, 1, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed), 0);
	UNIT_CHECK_INT(state_of(p, &k2), AUTR_ADDPEND);
	UNIT_CHECK(!is_trusted(p, &k2));
	/* Day 51 (the resolver was down in between for a while: the
	 * hold-down counts from the first sighting): VALID. */
	now += DAY;
	tset_make(&t, ks, 3, sg, 1, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed), 0);
	UNIT_CHECK_INT(state_of(p, &k2), AUTR_VALID);
	UNIT_CHECK(is_trusted(p, &k2) && is_trusted(p, &k1));
	p = restart(p);
	if (!p) {
		return;
	}

	/* Day 52: KSK-1 revoked, self-signed: out at once. */
	now += DAY;
	ks[0] = &k1r; ks[1] = &k2; ks[2] = &z; sg[0] = &k1r; sg[1] = &k2;
	tset_make(&t, ks, 3, sg, 2, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed), 0);
	UNIT_CHECK(changed);
	UNIT_CHECK_INT(state_of(p, &k1), AUTR_REVOKED);
	UNIT_CHECK(!is_trusted(p, &k1));
	UNIT_CHECK(is_trusted(p, &k2));
	/* Day 53: a set signed by the old key alone (its holder gone
	 * rogue) is rejected, even with the key unrevoked again. */
	now += DAY;
	ks[0] = &k1; ks[1] = &z; sg[0] = &k1;
	tset_make(&t, ks, 2, sg, 1, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed),
	    RES_EBOGUS);
	UNIT_CHECK_INT(state_of(p, &k1), AUTR_REVOKED);
	UNIT_CHECK(!is_trusted(p, &k1));
	p = restart(p);
	if (!p) {
		return;
	}
	UNIT_CHECK_INT(state_of(p, &k1), AUTR_REVOKED);
	/* Day 83: the revoked key removed after del-holddown; KSK-2
	 * alone is trusted. */
	now += 30 * DAY;
	ks[0] = &k2; ks[1] = &z; sg[0] = &k2;
	tset_make(&t, ks, 2, sg, 1, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed), 0);
	UNIT_CHECK_INT(state_of(p, &k1), AUTR_REMOVED);
	UNIT_CHECK_INT(trusted(p, RR_TYPE_DNSKEY), 1);
	UNIT_CHECK(is_trusted(p, &k2));
	/* Day 84: KSK-1 shows up again without the bit: never again. */
	now += DAY;
	ks[0] = &k1; ks[1] = &k2; ks[2] = &z; sg[0] = &k2;
	tset_make(&t, ks, 3, sg, 1, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed), 0);
	UNIT_CHECK_INT(state_of(p, &k1), AUTR_REMOVED);
	UNIT_CHECK(!is_trusted(p, &k1));
	unlink(p->file);
	autr_point_delete(p);
	EVP_PKEY_free(k1.pk);
	EVP_PKEY_free(k2.pk);
	EVP_PKEY_free(z.pk);
}

/** A trusted key missing from the set stays trusted (MISSING) and
 * comes back VALID; after keep-missing it is removed.  With
 * permit-small-holddown the intervals go below an hour. */
static void
test_autotrust_missing(void)
{
	struct autr_config cfg = { 60, 60, 600, 1 };
	struct tkey k1, k2, z;
	const struct tkey *ks[3], *sg[2];
	struct autr_point *p = NULL;
	struct tset t;
	char text[1024], rr[512];
	int changed;
	time_t now = T0;

	UNIT_CHECK(tkey_make(&k1, 257) && tkey_make(&k2, 257) &&
	    tkey_make(&z, 256));
	if (rr_to_str((const uint8_t *)"", RR_TYPE_DNSKEY, RR_CLASS_IN,
	    3600, k1.rd, 36, rr, sizeof(rr)) < 0) {
		abort();
	}
	snprintf(text, sizeof(text), "%s\n", rr);
	if (rr_to_str((const uint8_t *)"", RR_TYPE_DNSKEY, RR_CLASS_IN,
	    3600, k2.rd, 36, rr, sizeof(rr)) < 0) {
		abort();
	}
	strncat(text, rr, sizeof(text) - strlen(text) - 2);
	strcat(text, "\n");
	UNIT_CHECK_INT(autr_read_string(text, "mem", &p), 0);
	if (!p) {
		return;
	}
	/* Initial keys without a state are trusted. */
	UNIT_CHECK(is_trusted(p, &k1) && is_trusted(p, &k2));
	ks[0] = &k1; ks[1] = &z; sg[0] = &k1;
	/* A TTL of 20 s: probes every 10 s under permit-small-holddown. */
	tset_ottl = 20;
	tset_make(&t, ks, 2, sg, 1, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed), 0);
	UNIT_CHECK_INT(state_of(p, &k2), AUTR_MISSING);
	UNIT_CHECK(is_trusted(p, &k2));
	UNIT_CHECK_INT(p->query_interval, 10);
	UNIT_CHECK_INT(p->retry_time, 2);
	now += 100;
	ks[0] = &k1; ks[1] = &k2; ks[2] = &z;
	tset_make(&t, ks, 3, sg, 1, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed), 0);
	UNIT_CHECK_INT(state_of(p, &k2), AUTR_VALID);
	ks[1] = &z;
	tset_make(&t, ks, 2, sg, 1, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed), 0);
	UNIT_CHECK_INT(state_of(p, &k2), AUTR_MISSING);
	now += 601;
	tset_make(&t, ks, 2, sg, 1, now);
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed), 0);
	UNIT_CHECK_INT(state_of(p, &k2), AUTR_REMOVED);
	UNIT_CHECK(!is_trusted(p, &k2));
	/* No answer at all: counted, retried. */
	autr_probe_failed(p, &cfg, now, "timeout");
	UNIT_CHECK_INT(p->query_failed, 1);
	UNIT_CHECK(p->next_probe > now);
	/* A set of another zone is no answer. */
	t.s.owner = (const uint8_t *)"\003com";
	UNIT_CHECK_INT(autr_process(p, &cfg, now, &t.s, &changed),
	    RES_EBOGUS);
	autr_point_delete(p);
	tset_ottl = 172800;
	EVP_PKEY_free(k1.pk);
	EVP_PKEY_free(k2.pk);
	EVP_PKEY_free(z.pk);
}

/** The log file the messages go to, and what it held. */
static char logpath[] = "/tmp/autotrust-log.XXXXXX";
static char logbuf[8192];

/** A bad file gives an error naming file:line and no point. */
static void
bad(const char *text, const char *want)
{
	struct autr_point *p = (struct autr_point *)1;
	FILE *f = fopen(logpath, "w");
	size_t n = 0;

	if (f) {
		fclose(f);
	}
	UNIT_CHECK_INT(autr_read_string(text, "f.key", &p), RES_ESYNTAX);
	UNIT_CHECK(p == NULL);
	if ((f = fopen(logpath, "r")) != NULL) {
		n = fread(logbuf, 1, sizeof(logbuf) - 1, f);
		fclose(f);
	}
	logbuf[n] = 0;
	if (!unit_check(strstr(logbuf, want) != NULL, want, __FILE__,
	    __LINE__)) {
		printf("#   log: %s\n", logbuf);
	}
}

/** Unbound's file read with every field; bad files refused. */
static void
test_autotrust_file(void)
{
	struct autr_point *p = NULL, *q = NULL;
	char buf1[8192], buf2[8192], why[512];
	struct autr_key *k;
	FILE *f;

	UNIT_CHECK_INT(autr_read_file("testdata/anchor/auto.key", &p), 0);
	if (!p) {
		return;
	}
	UNIT_CHECK(dname_is_root(p->name));
	UNIT_CHECK_INT(p->dclass, 1);
	UNIT_CHECK_INT(p->last_queried, 1790000000);
	UNIT_CHECK_INT(p->last_success, 1790000000);
	UNIT_CHECK_INT(p->next_probe, 1790040000);
	UNIT_CHECK_INT(p->query_failed, 0);
	UNIT_CHECK_INT(p->query_interval, 43200);
	UNIT_CHECK_INT(p->retry_time, 3600);
	k = p->keys;
	UNIT_CHECK(k && k->state == AUTR_VALID && k->last_change ==
	    1780000000 && k->ttl == 86400);
	UNIT_CHECK(k && k->next && k->next->state == AUTR_REVOKED &&
	    !k->next->next);
	/* Printed, read back, printed again: the same text. */
	f = fmemopen(buf1, sizeof(buf1), "w");
	if (f) {
		autr_print(p, f);
		fclose(f);
	}
	UNIT_CHECK(strstr(buf1, ";;state=2 [  VALID  ] ;;count=0 "
	    ";;lastchange=1780000000") != NULL);
	UNIT_CHECK(strstr(buf1, ";;state=4 [ REVOKED ]") != NULL);
	UNIT_CHECK_INT(autr_read_string(buf1, "again", &q), 0);
	f = fmemopen(buf2, sizeof(buf2), "w");
	if (f && q) {
		autr_print(q, f);
	}
	if (f) {
		fclose(f);
	}
	UNIT_CHECK_STR(buf1, buf2);
	autr_point_delete(q);
	/* A file in a directory that is not there: the reason. */
	free(p->file);
	p->file = strdup("/nonexistent-dir/root.key");
	UNIT_CHECK_INT(autr_write_file(p, why, sizeof(why)), RES_ESYSTEM);
	UNIT_CHECK(strstr(why, "/nonexistent-dir/root.key") &&
	    strstr(why, "No such file"));
	autr_point_delete(p);

	bad("garbage here\n", "f.key:1:");
	bad(";;id: . 1\n. 3600 IN DNSKEY 257 3 15 AAAA ;;state=9\n",
	    "f.key:2: unknown RFC 5011 state 9");
	bad(". 3600 IN A 192.0.2.1\n", "f.key:1: an RFC 5011 anchor holds");
	bad(";;id: . 1\ncom. 3600 IN DS 1 8 2 "
	    "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"
	    "\n", "f.key:2: a record of another zone");
	bad(";;id: . 1\n;;last_queried: 17900\n", "f.key: no DNSKEY or DS");
	bad(";;id: . 1\n;;query_failed: x\n", "f.key:2: bad ;;query_failed:");
	/* A truncated last line. */
	bad(";;id: . 1\n.\t86400\tIN\tDNSKEY\t257 3", "f.key:2:");
	bad("$ORIGIN example.\n", "f.key:1: directives");
	bad(";;id: . 1\n;;frobnicate: 3\n", "f.key:2: unknown field");
	/* Unbound's REVOKED mark, and a state on a line of its own. */
	UNIT_CHECK_INT(autr_read_string(";;REVOKED\n;;id: . 1\n"
	    ".\t86400\tIN\tDNSKEY\t257 3 8 AwEAAQ==\n"
	    ";;state=4 [ REVOKED ] ;;count=2 ;;lastchange=1700000000\n",
	    "u.key", &p), 0);
	UNIT_CHECK(p && p->keys && p->keys->state == AUTR_REVOKED &&
	    p->keys->count == 2 && p->keys->last_change == 1700000000);
	autr_point_delete(p);
}

/** kill -9 at any moment of a write leaves the old or the new file
 * whole: children write the file in a loop and are killed at random
 * moments; every time the file reads back as one of the two versions. */
static void
test_autotrust_atomic(void)
{
	struct autr_point *p = NULL, *q;
	char file[] = "/tmp/autotrust-kill.XXXXXX", why[512], tmp[64];
	int fd, i, whole = 0;

	fd = mkstemp(file);
	UNIT_CHECK(fd >= 0);
	if (fd < 0) {
		return;
	}
	close(fd);
	UNIT_CHECK_INT(autr_read_file("testdata/anchor/auto.key", &p), 0);
	if (!p) {
		unlink(file);
		return;
	}
	free(p->file);
	p->file = strdup(file);
	UNIT_CHECK_INT(autr_write_file(p, why, sizeof(why)), 0);
	for (i = 0; i < 20; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			int n;

			for (n = 0; n < 100000; n++) {
				p->query_failed = n % 2;
				(void)autr_write_file(p, why, sizeof(why));
			}
			_exit(0);
		}
		if (pid < 0) {
			break;
		}
		usleep((useconds_t)(1000 + i * 700));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		snprintf(tmp, sizeof(tmp), "%s.%d-tmp", file, (int)pid);
		(void)unlink(tmp);
		q = NULL;
		if (autr_read_file(file, &q) == RES_OK && q &&
		    q->keys && q->keys->next && q->query_interval == 43200) {
			whole++;
		}
		autr_point_delete(q);
	}
	UNIT_CHECK_INT(whole, i);
	UNIT_CHECK(i == 20);
	autr_point_delete(p);
	unlink(file);
}

int
main(void)
{
	const char *src = getenv("top_srcdir");
	int fd, r;

	/* testdata/ is read from the source tree. */
	if (src && chdir(src) != 0) {
		printf("Bail out! cannot chdir to %s\n", src);
		return 1;
	}
	unit_init("autotrust");
	if (val_crypto_init() != RES_OK) {
		printf("Bail out! no crypto\n");
		return 1;
	}
	fd = mkstemp(logpath);
	if (fd < 0 || log_init(logpath, 0, "test") != RES_OK) {
		printf("Bail out! no log file\n");
		return 1;
	}
	close(fd);
	UNIT_RUN(test_autotrust_file);
	UNIT_RUN(test_autotrust_roll);
	UNIT_RUN(test_autotrust_missing);
	UNIT_RUN(test_autotrust_atomic);
	r = unit_done();
	log_close();
	unlink(logpath);
	return r;
}
