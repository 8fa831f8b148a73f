/*
 * test/test_cachedb.c - unit tests of the shared cache's pieces that do
 * not need a Redis: the value format (cache/cachedb.c: a round trip, and
 * every damaged value refused, never trusted), the keys (secret-seed,
 * case, CD) and Redis Cluster's key slots (cache/redis.c, with the
 * examples of the Redis Cluster specification).
 */
#include "config.h"
#include "test/unit.h"
#include "cache/cachedb.h"
#include "cache/redis.h"
#include "cache/rrset.h"
#include "util/dname.h"
#include "util/error.h"
#include "util/module.h"
#include "util/msg.h"
#include "util/region.h"
#include "util/reply.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** The question of the tests: www.example.com A. */
static uint8_t qname[DNAME_MAXLEN];
static struct query_info qi;
static struct dns_msg *m;
static struct msg_rr *room;

/** An answer: two A records with an RRSIG, an NS RRset in authority. */
static struct reply *
make_reply(struct region *r)
{
	static uint8_t pkt[1024];
	static const uint8_t a1[4] = { 192, 0, 2, 1 }, a2[4] = { 192, 0, 2, 2 };
	uint8_t sig[64], ns[DNAME_MAXLEN], zone[DNAME_MAXLEN];
	struct msg_writer w;
	struct reply *rep = NULL;
	size_t len = 0, sl = 0, nl = 0, zl = 0;

	(void)dname_from_str("example.com.", NULL, zone, &zl);
	(void)dname_from_str("ns.example.com.", NULL, ns, &nl);
	/* RRSIG: A, alg 13, 3 labels, TTL, expiration, inception, tag,
	 * signer, 8 octets of "signature". */
	memcpy(sig, "\x00\x01\x0d\x03\x00\x00\x0e\x10\x80\x00\x00\x00"
	    "\x60\x00\x00\x00\x12\x34", 18);
	sl = 18;
	memcpy(sig + sl, zone, zl);
	sl += zl;
	memcpy(sig + sl, "SIGNATUR", 8);
	sl += 8;
	msg_writer_init(&w, pkt, sizeof(pkt));
	if (msg_writer_header(&w, 0, MSG_FLAG_QR | MSG_FLAG_AA, 0) != RES_OK ||
	    msg_writer_question(&w, qname, RR_TYPE_A, RR_CLASS_IN) != RES_OK ||
	    msg_writer_rr(&w, MSG_SEC_ANSWER, qname, RR_TYPE_A, RR_CLASS_IN,
	    3600, a1, 4, NULL, 0) != RES_OK ||
	    msg_writer_rr(&w, MSG_SEC_ANSWER, qname, RR_TYPE_A, RR_CLASS_IN,
	    3600, a2, 4, NULL, 0) != RES_OK ||
	    msg_writer_rr(&w, MSG_SEC_ANSWER, qname, RR_TYPE_RRSIG,
	    RR_CLASS_IN, 3600, sig, (uint16_t)sl, NULL, 0) != RES_OK ||
	    msg_writer_rr(&w, MSG_SEC_AUTHORITY, zone, RR_TYPE_NS, RR_CLASS_IN,
	    600, ns, (uint16_t)nl, NULL, 0) != RES_OK ||
	    msg_writer_finish(&w, &len) != RES_OK ||
	    msg_parse_big(m, pkt, len, room, MSG_MAX_RR_ANY) != RES_OK ||
	    reply_from_msg(r, m, &rep) != RES_OK) {
		return NULL;
	}
	rep->rrsets[0]->trust = RRSET_TRUST_VALIDATED;
	rep->rrsets[0]->security = RRSET_SEC_SECURE;
	rep->rrsets[1]->trust = RRSET_TRUST_AUTHORITY_AUTH;
	rep->rrsets[1]->security = RRSET_SEC_SECURE;
	return rep;
}

/** A value of the test answer, stored at time 1000 with TTL 600. */
static size_t
make_value(uint8_t *buf, size_t cap)
{
	struct region *r = region_create();
	struct reply *rep = r ? make_reply(r) : NULL;
	size_t len = rep ? cachedb_encode(&qi, rep, 1000, 600, buf, cap) : 0;

	region_delete(r);
	return len;
}

static void
test_round_trip(void)
{
	static uint8_t val[4096];
	struct region *r = region_create();
	struct reply *rep = NULL;
	size_t len = make_value(val, sizeof(val));

	UNIT_CHECK(len > CACHEDB_HEAD_LEN);
	UNIT_CHECK(val[0] == 'R' && val[1] == 'S' && val[2] == 1);
	UNIT_CHECK_INT(val[3], RRSET_SEC_SECURE);
	UNIT_CHECK_INT(cachedb_decode(r, val, len, &qi, 1100, m, room, &rep),
	    RES_OK);
	if (rep) {
		UNIT_CHECK_INT(rep->an, 1);
		UNIT_CHECK_INT(rep->ns, 1);
		UNIT_CHECK_INT(rep->rrsets[0]->count, 2);
		UNIT_CHECK_INT(rep->rrsets[0]->sigcount, 1);
		/* TTLs lowered by the 100 s of age. */
		UNIT_CHECK_INT(rep->rrsets[0]->ttl, 3500);
		UNIT_CHECK_INT(rep->rrsets[1]->ttl, 500);
		/* Never trusted as validated, whatever the value says. */
		UNIT_CHECK_INT(rep->rrsets[0]->security, RRSET_SEC_UNCHECKED);
		UNIT_CHECK_INT(rep->rrsets[0]->trust, RRSET_TRUST_ANSWER_AUTH);
		UNIT_CHECK_INT(rep->rrsets[1]->trust,
		    RRSET_TRUST_AUTHORITY_AUTH);
		UNIT_CHECK(rep->flags & MSG_FLAG_AA);
	}
	/* Expired after its TTL: a miss, not an error. */
	UNIT_CHECK_INT(cachedb_decode(r, val, len, &qi, 1600, m, room, &rep),
	    RES_ENOTFOUND);
	region_delete(r);
}

static void
test_damaged(void)
{
	static uint8_t val[4096], bad[4096];
	struct region *r = region_create();
	struct reply *rep;
	struct query_info other = qi;
	uint8_t oname[DNAME_MAXLEN];
	size_t len = make_value(val, sizeof(val)), i, refused = 0, n = 0;

	/* Every truncation is refused. */
	for (i = 0; i < len; i++) {
		rep = NULL;
		n++;
		refused += cachedb_decode(r, val, i, &qi, 1100, m, room,
		    &rep) == RES_EMALFORMED;
	}
	UNIT_CHECK_INT(refused, n);
	/* Another version, another magic. */
	memcpy(bad, val, len);
	bad[2] = 2;
	UNIT_CHECK_INT(cachedb_decode(r, bad, len, &qi, 1100, m, room, &rep),
	    RES_EMALFORMED);
	memcpy(bad, val, len);
	bad[0] = 'X';
	UNIT_CHECK_INT(cachedb_decode(r, bad, len, &qi, 1100, m, room, &rep),
	    RES_EMALFORMED);
	/* An extra octet: the lengths do not add up. */
	memcpy(bad, val, len);
	bad[len] = 0;
	UNIT_CHECK_INT(cachedb_decode(r, bad, len + 1, &qi, 1100, m, room,
	    &rep), RES_EMALFORMED);
	/* Another question (a key collision, or a copied value). */
	(void)dname_from_str("other.example.com.", NULL, oname,
	    &other.qname_len);
	other.qname = oname;
	UNIT_CHECK_INT(cachedb_decode(r, val, len, &other, 1100, m, room,
	    &rep), RES_EMALFORMED);
	other = qi;
	other.qtype = RR_TYPE_AAAA;
	UNIT_CHECK_INT(cachedb_decode(r, val, len, &other, 1100, m, room,
	    &rep), RES_EMALFORMED);
	/* Written in the future. */
	UNIT_CHECK_INT(cachedb_decode(r, val, len, &qi, 900, m, room, &rep),
	    RES_EMALFORMED);
	/* A trust octet out of range; a count of RRsets that lies. */
	memcpy(bad, val, len);
	bad[CACHEDB_HEAD_LEN] = 9;
	UNIT_CHECK_INT(cachedb_decode(r, bad, len, &qi, 1100, m, room, &rep),
	    RES_EMALFORMED);
	/* Every single octet flipped: refused, or read as a well-formed
	 * value (an RDATA octet, a TTL): never a crash, never "secure". */
	for (i = 0; i < len; i++) {
		int ret;

		memcpy(bad, val, len);
		bad[i] ^= 0xff;
		rep = NULL;
		ret = cachedb_decode(r, bad, len, &qi, 1100, m, room, &rep);
		if (ret == RES_OK && rep && rep->an + rep->ns > 0) {
			UNIT_CHECK_INT(rep->rrsets[0]->security,
			    RRSET_SEC_UNCHECKED);
		}
	}
	region_delete(r);
}

static void
test_keys(void)
{
	uint8_t k1[32], k2[32], upper[DNAME_MAXLEN];
	char a[CACHEDB_KEY_LEN + 1], b[CACHEDB_KEY_LEN + 1];
	struct query_info q2 = qi;
	size_t ul = 0;

	cachedb_seed_keys("default", k1);
	cachedb_seed_keys("another deployment", k2);
	cachedb_key(k1, &qi, 0, a);
	UNIT_CHECK_INT(strlen(a), CACHEDB_KEY_LEN);
	UNIT_CHECK(strncmp(a, "rs1:", 4) == 0);
	cachedb_key(k2, &qi, 0, b);
	UNIT_CHECK(strcmp(a, b) != 0);
	cachedb_key(k1, &qi, MSG_FLAG_CD, b);
	UNIT_CHECK(strcmp(a, b) != 0);
	cachedb_key(k1, &qi, MSG_FLAG_RD, b);
	UNIT_CHECK_STR(a, b);
	(void)dname_from_str("WWW.Example.COM.", NULL, upper,
	    &ul);
	q2.qname = upper;
	q2.qname_len = ul;
	cachedb_key(k1, &q2, 0, b);
	UNIT_CHECK_STR(a, b);
	q2 = qi;
	q2.qtype = RR_TYPE_AAAA;
	cachedb_key(k1, &q2, 0, b);
	UNIT_CHECK(strcmp(a, b) != 0);
}

static void
test_key_slot(void)
{
	/* CRC16 of "123456789" is 0x31C3 (the specification's check
	 * value); its slot is 0x31C3 & 16383. */
	UNIT_CHECK_INT(redis_key_slot((const uint8_t *)"123456789", 9),
	    0x31C3 & 16383);
	UNIT_CHECK_INT(redis_key_slot((const uint8_t *)"foo", 3), 12182);
	/* Hash tags. */
	UNIT_CHECK_INT(redis_key_slot((const uint8_t *)"{user1000}.following",
	    20), redis_key_slot((const uint8_t *)"{user1000}.followers", 20));
	UNIT_CHECK_INT(redis_key_slot((const uint8_t *)"foo{bar}{zap}", 13),
	    redis_key_slot((const uint8_t *)"bar", 3));
	UNIT_CHECK_INT(redis_key_slot((const uint8_t *)"foo{{bar}}zap", 13),
	    redis_key_slot((const uint8_t *)"{bar", 4));
	/* An empty tag: the whole key. */
	UNIT_CHECK(redis_key_slot((const uint8_t *)"foo{}{bar}", 10) ==
	    redis_key_slot((const uint8_t *)"foo{}{bar}", 10));
	UNIT_CHECK(redis_key_slot((const uint8_t *)"foo{}{bar}", 10) !=
	    redis_key_slot((const uint8_t *)"bar", 3));
}

int
main(void)
{
	unit_init("test_cachedb");
	(void)dname_from_str("www.example.com.", NULL, qname,
	    &qi.qname_len);
	qi.qname = qname;
	qi.qtype = RR_TYPE_A;
	qi.qclass = RR_CLASS_IN;
	m = malloc(sizeof(*m));
	room = malloc(MSG_MAX_RR_ANY * sizeof(*room));
	if (!m || !room) {
		return 1;
	}
	UNIT_RUN(test_round_trip);
	UNIT_RUN(test_damaged);
	UNIT_RUN(test_keys);
	UNIT_RUN(test_key_slot);
	free(m);
	free(room);
	return unit_done();
}
