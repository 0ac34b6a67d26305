#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "hd_audit.h"
#include "hd_tests.h"


/*
 * Known answers, computed once by PostgreSQL 15 with the functions of
 * migrations/0002_identity.sql (audit_canonical() and audit_append()'s
 * pii_digest expression) over the same two events:
 *
 *   row(42, 'user', '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 'session',
 *       '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c', 'auth.login',
 *       '{"b": [1, 2.50, null], "a": "\u00e9 \u2603 \"q\"", "ok": true}',
 *       '2001:db8::1/64', 'Mozilla/5.0 (X11; Linux) ' || chr(252),
 *       '2026-03-01 12:34:56.789012+00', …,
 *       prev_hash 000102…1f)
 *   row(7, 'system', null, 'user', null, 'auth.login_failed', '{}', null,
 *       null, '1969-12-31 23:59:59.5+00', …, prev_hash genesis)
 */

#define KAT1_DIFF \
    "{\"a\": \"\xc3\xa9 \xe2\x98\x83 \\\"q\\\"\", \"b\": [1, 2.50, null], " \
    "\"ok\": true}"
#define KAT1_UA     "Mozilla/5.0 (X11; Linux) \xc3\xbc"
#define KAT1_PII \
    "16e07d87d6ceb115058f45e0692d0f911ef06023c7387ea0966ec3474140675d"
#define KAT1_CANON  "v1|42|user|0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b|session|" \
                    "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c|auth.login|" \
                    KAT1_PII "|1772368496789012"
#define KAT1_HASH \
    "4ea4191571cb36f4ae14fbf62ee54d7a6cf652d84cc7419b170a29ee8159940b"

#define KAT2_PII \
    "7501c912c57f08aef85c5e7e27f9fce4827d75aa513c75b1c33c08d07ee25e89"
#define KAT2_CANON  "v1|7|system||user||auth.login_failed|" KAT2_PII "|-500000"
#define KAT2_HASH \
    "d7411a7e5d4850074c30025b0f31630378847eb704fa74a79803ece98410cc56"

static const unsigned char  kat1_actor[16] = {
    0x01, 0x90, 0xa1, 0xb2, 0xc3, 0xd4, 0x7e, 0x5f,
    0x8a, 0x9b, 0x0c, 0x1d, 0x2e, 0x3f, 0x4a, 0x5b
};

static const unsigned char  kat1_entity[16] = {
    0x01, 0x90, 0xa1, 0xb2, 0xc3, 0xd4, 0x7e, 0x5f,
    0x8a, 0x9b, 0x0c, 0x1d, 0x2e, 0x3f, 0x4a, 0x5c
};


static void
unhex(const char *hex, unsigned char *out, size_t n)
{
    size_t  i;

    ck_assert_uint_eq(strlen(hex), 2 * n);

    for (i = 0; i < n; i++) {
        ck_assert(sscanf(hex + 2 * i, "%2hhx", &out[i]) == 1);
    }
}


static void
kat1(hd_audit_event_t *e)
{
    size_t  i;

    memset(e, 0, sizeof(hd_audit_event_t));
    e->id = 42;
    e->actor_type = "user";
    e->actor_id = kat1_actor;
    e->entity_type = "session";
    e->entity_id = kat1_entity;
    e->action = "auth.login";
    e->diff_json = KAT1_DIFF;
    e->diff_json_len = strlen(KAT1_DIFF);
    e->ip = "2001:db8::1";
    e->ua = KAT1_UA;
    e->at_us = INT64_C(1772368496789012);
    unhex(KAT1_PII, e->pii_digest, 32);
    unhex(KAT1_HASH, e->hash, 32);

    for (i = 0; i < 32; i++) {
        e->prev_hash[i] = (unsigned char) i;
    }
}


static void
kat2(hd_audit_event_t *e)
{
    memset(e, 0, sizeof(hd_audit_event_t));
    e->id = 7;
    e->actor_type = "system";
    e->entity_type = "user";
    e->action = "auth.login_failed";
    e->diff_json = "{}";
    e->diff_json_len = 2;
    e->at_us = -500000;
    unhex(KAT2_PII, e->pii_digest, 32);
    unhex(KAT2_HASH, e->hash, 32);
}


START_TEST(audit_pii_digest_matches_postgres)
{
    unsigned char  d[32];
    char           hex[65];

    ck_assert_int_eq(hd_audit_pii_digest(KAT1_DIFF, strlen(KAT1_DIFF),
                                         "2001:db8::1", KAT1_UA, d), 0);
    ck_assert_str_eq(hd_audit_hex(d, hex), KAT1_PII);

    ck_assert_int_eq(hd_audit_pii_digest("{}", 2, NULL, NULL, d), 0);
    ck_assert_str_eq(hd_audit_hex(d, hex), KAT2_PII);
}
END_TEST


START_TEST(audit_canonical_matches_postgres)
{
    hd_audit_event_t  e;
    char              buf[512];
    size_t            n;

    kat1(&e);
    n = hd_audit_canonical(&e, buf, sizeof(buf));
    ck_assert_uint_eq(n, strlen(KAT1_CANON));
    ck_assert(memcmp(buf, KAT1_CANON, n) == 0);

    kat2(&e);
    n = hd_audit_canonical(&e, buf, sizeof(buf));
    ck_assert_uint_eq(n, strlen(KAT2_CANON));
    ck_assert(memcmp(buf, KAT2_CANON, n) == 0);
}
END_TEST


START_TEST(audit_canonical_reports_the_size_it_needs)
{
    hd_audit_event_t  e;
    char              buf[8];

    kat1(&e);
    memset(buf, 'x', sizeof(buf));
    ck_assert_uint_eq(hd_audit_canonical(&e, buf, 5), strlen(KAT1_CANON));
    ck_assert(memcmp(buf, "v1|42x", 6) == 0);
    ck_assert_uint_eq(hd_audit_canonical(&e, NULL, 0), strlen(KAT1_CANON));
}
END_TEST


START_TEST(audit_hash_matches_postgres)
{
    hd_audit_event_t  e;
    unsigned char     h[32];
    char              hex[65];

    kat1(&e);
    ck_assert_int_eq(hd_audit_hash(&e, h), 0);
    ck_assert_str_eq(hd_audit_hex(h, hex), KAT1_HASH);

    kat2(&e);
    ck_assert_int_eq(hd_audit_hash(&e, h), 0);
    ck_assert_str_eq(hd_audit_hex(h, hex), KAT2_HASH);
}
END_TEST


/* A canonical form longer than the stack buffer hashes the same bytes. */
START_TEST(audit_hash_of_a_long_event_covers_every_byte)
{
    hd_audit_event_t  e;
    unsigned char     h1[32], h2[32];
    char             *action;
    size_t            n = 5000;

    action = malloc(n + 1);
    ck_assert_ptr_nonnull(action);
    memset(action, 'a', n);
    action[n] = '\0';

    kat2(&e);
    e.action = action;
    ck_assert_int_eq(hd_audit_hash(&e, h1), 0);

    action[n - 1] = 'b';
    ck_assert_int_eq(hd_audit_hash(&e, h2), 0);
    ck_assert(memcmp(h1, h2, 32) != 0);

    free(action);
}
END_TEST


/* A chain of n events as audit_append() would write them. */
#define CHAIN_N  5

typedef struct {
    hd_audit_event_t  e[CHAIN_N];
    char              diff[CHAIN_N][32];
} chain_t;


static void
seal(hd_audit_event_t *e, const unsigned char prev[32])
{
    memcpy(e->prev_hash, prev, 32);
    ck_assert_int_eq(hd_audit_pii_digest(e->diff_json, e->diff_json_len,
                                         e->ip, e->ua, e->pii_digest), 0);
    ck_assert_int_eq(hd_audit_hash(e, e->hash), 0);
}


static void
chain_make(chain_t *c)
{
    int  i;

    for (i = 0; i < CHAIN_N; i++) {
        kat1(&c->e[i]);
        c->e[i].id = i + 1;
        c->e[i].at_us += i;
        snprintf(c->diff[i], sizeof(c->diff[i]), "{\"n\": %d}", i + 1);
        c->e[i].diff_json = c->diff[i];
        c->e[i].diff_json_len = strlen(c->diff[i]);
        seal(&c->e[i], i == 0 ? hd_audit_genesis : c->e[i - 1].hash);
    }
}


/*
 * Walk events in order, then the head; returns the first fault's code
 * (HD_AUDIT_OK when none) and fills *f.
 */
static hd_audit_code_t
walk(const hd_audit_event_t *e, int n, const hd_audit_head_t *head,
    hd_audit_chain_t *c, hd_audit_fault_t *f)
{
    hd_audit_code_t  code;
    int              i;

    hd_audit_chain_init(c);

    for (i = 0; i < n; i++) {
        code = hd_audit_chain_step(c, &e[i], f);

        if (code != HD_AUDIT_OK) {
            return code;
        }
    }

    return hd_audit_chain_end(c, head, f);
}


static void
head_at(hd_audit_head_t *head, const hd_audit_event_t *e)
{
    head->has_id = 1;
    head->last_id = e->id;
    memcpy(head->last_hash, e->hash, 32);
}


START_TEST(audit_intact_chain_passes)
{
    chain_t           c;
    hd_audit_head_t   head;
    hd_audit_chain_t  chain;
    hd_audit_fault_t  f;

    chain_make(&c);
    head_at(&head, &c.e[CHAIN_N - 1]);

    ck_assert_int_eq(walk(c.e, CHAIN_N, &head, &chain, &f), HD_AUDIT_OK);
    ck_assert_uint_eq(chain.count, CHAIN_N);
    ck_assert_int_eq(chain.last_id, CHAIN_N);
    ck_assert(memcmp(chain.last_hash, c.e[CHAIN_N - 1].hash, 32) == 0);
}
END_TEST


START_TEST(audit_empty_chain_passes)
{
    hd_audit_head_t   head;
    hd_audit_chain_t  chain;
    hd_audit_fault_t  f;

    memset(&head, 0, sizeof(head));
    ck_assert_int_eq(walk(NULL, 0, &head, &chain, &f), HD_AUDIT_OK);
    ck_assert_uint_eq(chain.count, 0);
}
END_TEST


START_TEST(audit_edited_diff_is_named)
{
    chain_t           c;
    hd_audit_head_t   head;
    hd_audit_chain_t  chain;
    hd_audit_fault_t  f;
    char              msg[256];

    chain_make(&c);
    head_at(&head, &c.e[CHAIN_N - 1]);
    c.diff[2][6] = '9';

    ck_assert_int_eq(walk(c.e, CHAIN_N, &head, &chain, &f),
                     HD_AUDIT_PII_MISMATCH);
    ck_assert_int_eq(f.event_id, 3);
    ck_assert_uint_eq(chain.count, 2);
    ck_assert_str_eq(hd_audit_fault_describe(&f, msg, sizeof(msg)),
                     "audit chain broken at event 3: diff_json, ip or ua do "
                     "not match its pii_digest (edited)");
}
END_TEST


START_TEST(audit_edited_ip_or_ua_is_named)
{
    chain_t           c;
    hd_audit_head_t   head;
    hd_audit_chain_t  chain;
    hd_audit_fault_t  f;

    chain_make(&c);
    head_at(&head, &c.e[CHAIN_N - 1]);
    c.e[1].ip = NULL;
    ck_assert_int_eq(walk(c.e, CHAIN_N, &head, &chain, &f),
                     HD_AUDIT_PII_MISMATCH);
    ck_assert_int_eq(f.event_id, 2);

    chain_make(&c);
    c.e[3].ua = "curl/8";
    ck_assert_int_eq(walk(c.e, CHAIN_N, &head, &chain, &f),
                     HD_AUDIT_PII_MISMATCH);
    ck_assert_int_eq(f.event_id, 4);
}
END_TEST


/* Every field of the canonical bytes is covered by the hash. */
START_TEST(audit_edited_fields_are_named)
{
    chain_t           c;
    hd_audit_head_t   head;
    hd_audit_chain_t  chain;
    hd_audit_fault_t  f;
    char              msg[256];
    int               field;

    for (field = 0; field < 7; field++) {
        chain_make(&c);
        head_at(&head, &c.e[CHAIN_N - 1]);

        switch (field) {
        case 0: c.e[2].action = "auth.logout"; break;
        case 1: c.e[2].actor_type = "system"; break;
        case 2: c.e[2].actor_id = NULL; break;
        case 3: c.e[2].entity_type = "user"; break;
        case 4: c.e[2].entity_id = kat1_actor; break;
        case 5: c.e[2].at_us++; break;
        default:
            /* a pii_digest replaced to match edited contents */
            c.diff[2][6] = '9';
            ck_assert_int_eq(hd_audit_pii_digest(c.e[2].diff_json,
                                 c.e[2].diff_json_len, c.e[2].ip, c.e[2].ua,
                                 c.e[2].pii_digest), 0);
            break;
        }

        ck_assert_int_eq(walk(c.e, CHAIN_N, &head, &chain, &f),
                         HD_AUDIT_HASH_MISMATCH);
        ck_assert_int_eq(f.event_id, 3);
        ck_assert_str_eq(hd_audit_fault_describe(&f, msg, sizeof(msg)),
                         "audit chain broken at event 3: hash does not match "
                         "its contents (edited)");
    }
}
END_TEST


START_TEST(audit_deleted_event_breaks_the_next_link)
{
    chain_t           c;
    hd_audit_head_t   head;
    hd_audit_chain_t  chain;
    hd_audit_fault_t  f;
    hd_audit_event_t  e[CHAIN_N - 1];
    char              msg[256];

    chain_make(&c);
    head_at(&head, &c.e[CHAIN_N - 1]);
    e[0] = c.e[0];
    e[1] = c.e[1];
    e[2] = c.e[3];          /* event 3 is gone */
    e[3] = c.e[4];

    ck_assert_int_eq(walk(e, CHAIN_N - 1, &head, &chain, &f),
                     HD_AUDIT_PREV_MISMATCH);
    ck_assert_int_eq(f.event_id, 4);
    ck_assert_int_eq(f.prev_id, 2);
    ck_assert_str_eq(hd_audit_fault_describe(&f, msg, sizeof(msg)),
                     "audit chain broken at event 4: prev_hash does not "
                     "match event 2 (an event was deleted, inserted or "
                     "reordered, or event 2 rewritten)");
}
END_TEST


START_TEST(audit_deleted_first_event_is_named)
{
    chain_t           c;
    hd_audit_head_t   head;
    hd_audit_chain_t  chain;
    hd_audit_fault_t  f;
    char              msg[256];

    chain_make(&c);
    head_at(&head, &c.e[CHAIN_N - 1]);

    ck_assert_int_eq(walk(c.e + 1, CHAIN_N - 1, &head, &chain, &f),
                     HD_AUDIT_NOT_GENESIS);
    ck_assert_int_eq(f.event_id, 2);
    ck_assert_str_eq(hd_audit_fault_describe(&f, msg, sizeof(msg)),
                     "audit chain broken at event 2: it is the first event "
                     "but its prev_hash is not the genesis value (earlier "
                     "events were deleted)");
}
END_TEST


/* A forged event in a gap of the ids, with a well-formed hash that does not
 * chain (the unique prev_hash keeps a forger from reusing event 3's hash). */
START_TEST(audit_inserted_event_is_named)
{
    chain_t           c;
    hd_audit_head_t   head;
    hd_audit_chain_t  chain;
    hd_audit_fault_t  f;
    hd_audit_event_t  e[CHAIN_N + 1];
    unsigned char     junk[32];

    chain_make(&c);
    c.e[3].id = 5;          /* ids 1 2 3 5 6: 4 was never committed */
    seal(&c.e[3], c.e[2].hash);
    c.e[4].id = 6;
    seal(&c.e[4], c.e[3].hash);
    head_at(&head, &c.e[4]);

    memcpy(e, c.e, 3 * sizeof(hd_audit_event_t));
    e[3] = c.e[2];
    e[3].id = 4;
    memset(junk, 0x5a, sizeof(junk));
    seal(&e[3], junk);
    e[4] = c.e[3];
    e[5] = c.e[4];

    ck_assert_int_eq(walk(c.e, CHAIN_N, &head, &chain, &f), HD_AUDIT_OK);
    ck_assert_int_eq(walk(e, CHAIN_N + 1, &head, &chain, &f),
                     HD_AUDIT_PREV_MISMATCH);
    ck_assert_int_eq(f.event_id, 4);
    ck_assert_int_eq(f.prev_id, 3);
}
END_TEST


START_TEST(audit_swapped_events_are_named)
{
    chain_t           c;
    hd_audit_head_t   head;
    hd_audit_chain_t  chain;
    hd_audit_fault_t  f;
    hd_audit_event_t  t;

    chain_make(&c);
    head_at(&head, &c.e[CHAIN_N - 1]);

    /* rows 2 and 3 trade everything but their ids */
    t = c.e[1];
    c.e[1] = c.e[2];
    c.e[2] = t;
    c.e[1].id = 2;
    c.e[2].id = 3;

    ck_assert_int_eq(walk(c.e, CHAIN_N, &head, &chain, &f),
                     HD_AUDIT_PREV_MISMATCH);
    ck_assert_int_eq(f.event_id, 2);
    ck_assert_int_eq(f.prev_id, 1);
}
END_TEST


START_TEST(audit_ids_must_increase)
{
    chain_t           c;
    hd_audit_head_t   head;
    hd_audit_chain_t  chain;
    hd_audit_fault_t  f;
    char              msg[256];

    chain_make(&c);
    head_at(&head, &c.e[CHAIN_N - 1]);
    c.e[2].id = 2;

    ck_assert_int_eq(walk(c.e, CHAIN_N, &head, &chain, &f),
                     HD_AUDIT_ID_ORDER);
    ck_assert_int_eq(f.event_id, 2);
    ck_assert_str_eq(hd_audit_fault_describe(&f, msg, sizeof(msg)),
                     "audit chain broken at event 2: its id is not above "
                     "event 2's (events out of order)");
}
END_TEST


START_TEST(audit_deleted_tail_is_caught_by_the_head)
{
    chain_t           c;
    hd_audit_head_t   head;
    hd_audit_chain_t  chain;
    hd_audit_fault_t  f;
    char              msg[256];

    chain_make(&c);
    head_at(&head, &c.e[CHAIN_N - 1]);

    ck_assert_int_eq(walk(c.e, CHAIN_N - 1, &head, &chain, &f),
                     HD_AUDIT_HEAD_AHEAD);
    ck_assert_int_eq(f.head_id, 5);
    ck_assert_int_eq(f.last_id, 4);
    ck_assert_str_eq(hd_audit_fault_describe(&f, msg, sizeof(msg)),
                     "audit chain broken at the head: head points at 5 but "
                     "the last event is 4 (events deleted at the tail)");

    ck_assert_int_eq(walk(c.e, 0, &head, &chain, &f), HD_AUDIT_HEAD_AHEAD);
    ck_assert_str_eq(hd_audit_fault_describe(&f, msg, sizeof(msg)),
                     "audit chain broken at the head: head points at 5 but "
                     "there are no events (events deleted at the tail)");
}
END_TEST


START_TEST(audit_events_past_the_head_are_caught)
{
    chain_t           c;
    hd_audit_head_t   head;
    hd_audit_chain_t  chain;
    hd_audit_fault_t  f;
    char              msg[256];

    chain_make(&c);
    head_at(&head, &c.e[CHAIN_N - 2]);

    ck_assert_int_eq(walk(c.e, CHAIN_N, &head, &chain, &f),
                     HD_AUDIT_HEAD_BEHIND);
    ck_assert_str_eq(hd_audit_fault_describe(&f, msg, sizeof(msg)),
                     "audit chain broken at the head: head points at 4 but "
                     "the last event is 5 (events added without moving the "
                     "head)");

    memset(&head, 0, sizeof(head));
    ck_assert_int_eq(walk(c.e, CHAIN_N, &head, &chain, &f),
                     HD_AUDIT_HEAD_BEHIND);
    ck_assert_str_eq(hd_audit_fault_describe(&f, msg, sizeof(msg)),
                     "audit chain broken at the head: head points at no "
                     "event but the last event is 5 (events added without "
                     "moving the head)");
}
END_TEST


START_TEST(audit_rewritten_head_hash_is_caught)
{
    chain_t           c;
    hd_audit_head_t   head;
    hd_audit_chain_t  chain;
    hd_audit_fault_t  f;

    chain_make(&c);
    head_at(&head, &c.e[CHAIN_N - 1]);
    head.last_hash[0] ^= 1;

    ck_assert_int_eq(walk(c.e, CHAIN_N, &head, &chain, &f),
                     HD_AUDIT_HEAD_HASH);

    memset(&head, 0, sizeof(head));
    head.last_hash[31] = 1;
    ck_assert_int_eq(walk(c.e, 0, &head, &chain, &f), HD_AUDIT_HEAD_HASH);
}
END_TEST


/* --from: the walk starts after an event whose hash is taken as given. */
START_TEST(audit_resumed_chain_checks_the_first_link)
{
    chain_t           c;
    hd_audit_head_t   head;
    hd_audit_chain_t  chain;
    hd_audit_fault_t  f;
    int               i;

    chain_make(&c);
    head_at(&head, &c.e[CHAIN_N - 1]);

    hd_audit_chain_resume(&chain, 2, c.e[1].hash);

    for (i = 2; i < CHAIN_N; i++) {
        ck_assert_int_eq(hd_audit_chain_step(&chain, &c.e[i], &f),
                         HD_AUDIT_OK);
    }

    ck_assert_int_eq(hd_audit_chain_end(&chain, &head, &f), HD_AUDIT_OK);
    ck_assert_uint_eq(chain.count, CHAIN_N - 2);

    hd_audit_chain_resume(&chain, 1, c.e[0].hash);
    ck_assert_int_eq(hd_audit_chain_step(&chain, &c.e[2], &f),
                     HD_AUDIT_PREV_MISMATCH);
    ck_assert_int_eq(f.prev_id, 1);

    /* nothing after the resumed event: the head must name it */
    hd_audit_chain_resume(&chain, 5, c.e[4].hash);
    ck_assert_int_eq(hd_audit_chain_end(&chain, &head, &f), HD_AUDIT_OK);
}
END_TEST


/* A binary result row, as libpq delivers hd_audit_events_sql's. */
static void
set_bin(PGresult *res, int col, const void *v, int len)
{
    ck_assert(PQsetvalue(res, 0, col, (char *) v, len));
}


static PGresult *
kat1_result(void)
{
    PGresAttDesc      attrs[13];
    PGresult         *res;
    hd_audit_event_t  e;
    unsigned char     id[8] = { 0, 0, 0, 0, 0, 0, 0, 42 };
    unsigned char     at[8];
    int64_t           pg_us;
    uint64_t          u;
    int               i;

    kat1(&e);
    pg_us = e.at_us - INT64_C(946684800000000);
    u = (uint64_t) pg_us;

    for (i = 7; i >= 0; i--) {
        at[i] = (unsigned char) (u & 0xff);
        u >>= 8;
    }

    memset(attrs, 0, sizeof(attrs));

    for (i = 0; i < 13; i++) {
        attrs[i].name = (char *) "c";
        attrs[i].format = 1;
        attrs[i].atttypmod = -1;
    }

    res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    ck_assert(PQsetResultAttrs(res, 13, attrs));

    set_bin(res, 0, id, 8);
    set_bin(res, 1, "user", 4);
    set_bin(res, 2, kat1_actor, 16);
    set_bin(res, 3, "session", 7);
    set_bin(res, 4, kat1_entity, 16);
    set_bin(res, 5, "auth.login", 10);
    set_bin(res, 6, KAT1_DIFF, (int) strlen(KAT1_DIFF));
    set_bin(res, 7, "2001:db8::1", 11);
    set_bin(res, 8, KAT1_UA, (int) strlen(KAT1_UA));
    set_bin(res, 9, at, 8);
    set_bin(res, 10, e.pii_digest, 32);
    set_bin(res, 11, e.prev_hash, 32);
    set_bin(res, 12, e.hash, 32);

    return res;
}


START_TEST(audit_binary_row_decodes_and_verifies)
{
    PGresult          *res;
    hd_audit_event_t   e, want;
    hd_audit_chain_t   chain;
    hd_audit_fault_t   f;

    res = kat1_result();
    kat1(&want);

    ck_assert_int_eq(hd_audit_event_decode(res, 0, &e, &f), HD_AUDIT_OK);
    ck_assert_int_eq(e.id, 42);
    ck_assert_int_eq(e.at_us, want.at_us);
    ck_assert_str_eq(e.diff_json, KAT1_DIFF);
    ck_assert_uint_eq(e.diff_json_len, strlen(KAT1_DIFF));
    ck_assert_str_eq(e.ip, "2001:db8::1");
    ck_assert(memcmp(e.actor_id, kat1_actor, 16) == 0);

    hd_audit_chain_resume(&chain, 41, want.prev_hash);
    ck_assert_int_eq(hd_audit_chain_step(&chain, &e, &f), HD_AUDIT_OK);

    PQclear(res);
}
END_TEST


START_TEST(audit_binary_row_with_nulls_decodes)
{
    PGresult          *res;
    hd_audit_event_t   e;
    hd_audit_fault_t   f;

    res = kat1_result();
    ck_assert(PQsetvalue(res, 0, 2, NULL, -1));
    ck_assert(PQsetvalue(res, 0, 7, NULL, -1));
    ck_assert(PQsetvalue(res, 0, 8, NULL, -1));

    ck_assert_int_eq(hd_audit_event_decode(res, 0, &e, &f), HD_AUDIT_OK);
    ck_assert_ptr_null(e.actor_id);
    ck_assert_ptr_null(e.ip);
    ck_assert_ptr_null(e.ua);

    PQclear(res);
}
END_TEST


START_TEST(audit_malformed_row_is_named)
{
    PGresult          *res;
    hd_audit_event_t   e;
    hd_audit_fault_t   f;
    char               msg[256];

    res = kat1_result();
    set_bin(res, 12, "short", 5);
    ck_assert_int_eq(hd_audit_event_decode(res, 0, &e, &f),
                     HD_AUDIT_MALFORMED);
    ck_assert_int_eq(f.event_id, 42);
    ck_assert_str_eq(hd_audit_fault_describe(&f, msg, sizeof(msg)),
                     "audit chain broken at event 42: a column has an "
                     "impossible value (the row was altered)");
    PQclear(res);

    res = kat1_result();
    set_bin(res, 5, "auth\0login", 10);
    ck_assert_int_eq(hd_audit_event_decode(res, 0, &e, &f),
                     HD_AUDIT_MALFORMED);
    PQclear(res);

    res = kat1_result();
    ck_assert(PQsetvalue(res, 0, 1, NULL, -1));
    ck_assert_int_eq(hd_audit_event_decode(res, 0, &e, &f),
                     HD_AUDIT_MALFORMED);
    ck_assert_int_eq(hd_audit_event_decode(res, 1, &e, &f),
                     HD_AUDIT_MALFORMED);
    PQclear(res);
}
END_TEST


START_TEST(audit_head_decodes)
{
    PGresAttDesc      attrs[2];
    PGresult         *res;
    hd_audit_head_t   head;
    unsigned char     id[8] = { 0, 0, 0, 0, 0, 0, 0x01, 0x02 };
    unsigned char     hash[32];

    memset(attrs, 0, sizeof(attrs));
    attrs[0].name = attrs[1].name = (char *) "c";
    attrs[0].format = attrs[1].format = 1;
    memset(hash, 0xab, sizeof(hash));

    res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    ck_assert(PQsetResultAttrs(res, 2, attrs));
    ck_assert_int_eq(hd_audit_head_decode(res, &head), -1);

    set_bin(res, 1, hash, 32);
    ck_assert_int_eq(hd_audit_head_decode(res, &head), 0);
    ck_assert_int_eq(head.has_id, 0);

    set_bin(res, 0, id, 8);
    ck_assert_int_eq(hd_audit_head_decode(res, &head), 0);
    ck_assert_int_eq(head.has_id, 1);
    ck_assert_int_eq(head.last_id, 258);
    ck_assert(memcmp(head.last_hash, hash, 32) == 0);

    PQclear(res);
}
END_TEST


Suite *
hd_audit_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("audit");

    tc = tcase_create("digests");
    tcase_add_test(tc, audit_pii_digest_matches_postgres);
    tcase_add_test(tc, audit_canonical_matches_postgres);
    tcase_add_test(tc, audit_canonical_reports_the_size_it_needs);
    tcase_add_test(tc, audit_hash_matches_postgres);
    tcase_add_test(tc, audit_hash_of_a_long_event_covers_every_byte);
    suite_add_tcase(s, tc);

    tc = tcase_create("chain");
    tcase_add_test(tc, audit_intact_chain_passes);
    tcase_add_test(tc, audit_empty_chain_passes);
    tcase_add_test(tc, audit_edited_diff_is_named);
    tcase_add_test(tc, audit_edited_ip_or_ua_is_named);
    tcase_add_test(tc, audit_edited_fields_are_named);
    tcase_add_test(tc, audit_deleted_event_breaks_the_next_link);
    tcase_add_test(tc, audit_deleted_first_event_is_named);
    tcase_add_test(tc, audit_inserted_event_is_named);
    tcase_add_test(tc, audit_swapped_events_are_named);
    tcase_add_test(tc, audit_ids_must_increase);
    tcase_add_test(tc, audit_deleted_tail_is_caught_by_the_head);
    tcase_add_test(tc, audit_events_past_the_head_are_caught);
    tcase_add_test(tc, audit_rewritten_head_hash_is_caught);
    tcase_add_test(tc, audit_resumed_chain_checks_the_first_link);
    suite_add_tcase(s, tc);

    tc = tcase_create("decode");
    tcase_add_test(tc, audit_binary_row_decodes_and_verifies);
    tcase_add_test(tc, audit_binary_row_with_nulls_decodes);
    tcase_add_test(tc, audit_malformed_row_is_named);
    tcase_add_test(tc, audit_head_decodes);
    suite_add_tcase(s, tc);

    return s;
}
