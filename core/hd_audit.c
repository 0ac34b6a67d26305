/*
 * hd_audit — the audit log's hash chain: canonical bytes, digests, the
 * chain walk and the decoding of the rows it walks.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hd_audit.h"


/* timestamptz's binary form counts microseconds from 2000-01-01 UTC. */
#define HD_AUDIT_PG_EPOCH_US  INT64_C(946684800000000)

/* Canonical bytes up to this size are built on the stack. */
#define HD_AUDIT_CANON_STACK  1024

/* Columns of hd_audit_events_sql, in order. */
enum {
    HD_AE_ID = 0,
    HD_AE_ACTOR_TYPE,
    HD_AE_ACTOR_ID,
    HD_AE_ENTITY_TYPE,
    HD_AE_ENTITY_ID,
    HD_AE_ACTION,
    HD_AE_DIFF_JSON,
    HD_AE_IP,
    HD_AE_UA,
    HD_AE_AT,
    HD_AE_PII_DIGEST,
    HD_AE_PREV_HASH,
    HD_AE_HASH,
    HD_AE_COLUMNS
};


const unsigned char  hd_audit_genesis[HD_AUDIT_HASH_LEN] = { 0 };

const char  hd_audit_head_sql[] =
    "select last_id, last_hash from audit_chain_head";

const char  hd_audit_before_sql[] =
    "select id, hash from audit_events"
    " where id < $1::bigint order by id desc limit 1";

/*
 * host() is schema-qualified so that no function of that name elsewhere on
 * the search path can stand in for it; diff_json::text is jsonb's own
 * rendering, which is what audit_append() hashed.
 */
const char  hd_audit_events_sql[] =
    "select id, actor_type, actor_id, entity_type, entity_id, action,"
    "       diff_json::text, pg_catalog.host(ip), ua, at,"
    "       pii_digest, prev_hash, hash"
    "  from audit_events"
    " where id >= $1::bigint"
    " order by id"
    " limit $2::integer";


/* A bounded writer with snprintf's contract, minus the NUL. */
typedef struct {
    char    *p;
    size_t   size;
    size_t   len;                   /* bytes wanted so far */
} hd_audit_out_t;


static void
hd_audit_put(hd_audit_out_t *o, const char *s, size_t n)
{
    size_t  room;

    if (o->len < o->size) {
        room = o->size - o->len;
        memcpy(o->p + o->len, s, n < room ? n : room);
    }

    o->len += n;
}


static void
hd_audit_puts(hd_audit_out_t *o, const char *s)
{
    hd_audit_put(o, s, strlen(s));
}


static void
hd_audit_put_int(hd_audit_out_t *o, int64_t v)
{
    char  num[24];
    int   n;

    n = snprintf(num, sizeof(num), "%" PRId64, v);
    hd_audit_put(o, num, (size_t) n);
}


/* A uuid's text form, as uuid_out writes it; "" for NULL. */
static void
hd_audit_put_uuid(hd_audit_out_t *o, const unsigned char *u)
{
    static const char  hex[] = "0123456789abcdef";
    char               s[36];
    size_t             i, n = 0;

    if (u == NULL) {
        return;
    }

    for (i = 0; i < HD_AUDIT_UUID_LEN; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            s[n++] = '-';
        }

        s[n++] = hex[u[i] >> 4];
        s[n++] = hex[u[i] & 0x0f];
    }

    hd_audit_put(o, s, n);
}


char *
hd_audit_hex(const unsigned char h[HD_AUDIT_HASH_LEN], char out[65])
{
    static const char  hex[] = "0123456789abcdef";
    size_t             i;

    for (i = 0; i < HD_AUDIT_HASH_LEN; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 0x0f];
    }

    out[2 * HD_AUDIT_HASH_LEN] = '\0';
    return out;
}


/*
 * sha256 over n pieces.  Returns 0, or -1 when OpenSSL fails.
 */
static int
hd_audit_sha256(const void *const *piece, const size_t *len, size_t n,
    unsigned char out[HD_AUDIT_HASH_LEN])
{
    EVP_MD_CTX    *ctx;
    unsigned int   mdlen = 0;
    size_t         i;
    int            ok;

    ctx = EVP_MD_CTX_new();

    if (ctx == NULL) {
        return -1;
    }

    ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);

    for (i = 0; ok && i < n; i++) {
        ok = EVP_DigestUpdate(ctx, piece[i], len[i]);
    }

    ok = ok && EVP_DigestFinal_ex(ctx, out, &mdlen) && mdlen == 32;
    EVP_MD_CTX_free(ctx);

    return ok ? 0 : -1;
}


int
hd_audit_pii_digest(const char *diff_json, size_t diff_json_len,
    const char *ip, const char *ua, unsigned char out[HD_AUDIT_HASH_LEN])
{
    const void  *piece[5];
    size_t       len[5];

    ip = (ip != NULL) ? ip : "";
    ua = (ua != NULL) ? ua : "";

    piece[0] = diff_json;   len[0] = diff_json_len;
    piece[1] = "|";         len[1] = 1;
    piece[2] = ip;          len[2] = strlen(ip);
    piece[3] = "|";         len[3] = 1;
    piece[4] = ua;          len[4] = strlen(ua);

    return hd_audit_sha256(piece, len, 5, out);
}


size_t
hd_audit_canonical(const hd_audit_event_t *e, char *buf, size_t size)
{
    hd_audit_out_t  o = { buf, size, 0 };
    char            pii[65];

    hd_audit_puts(&o, "v1|");
    hd_audit_put_int(&o, e->id);
    hd_audit_puts(&o, "|");
    hd_audit_puts(&o, e->actor_type);
    hd_audit_puts(&o, "|");
    hd_audit_put_uuid(&o, e->actor_id);
    hd_audit_puts(&o, "|");
    hd_audit_puts(&o, e->entity_type);
    hd_audit_puts(&o, "|");
    hd_audit_put_uuid(&o, e->entity_id);
    hd_audit_puts(&o, "|");
    hd_audit_puts(&o, e->action);
    hd_audit_puts(&o, "|");
    hd_audit_puts(&o, hd_audit_hex(e->pii_digest, pii));
    hd_audit_puts(&o, "|");
    hd_audit_put_int(&o, e->at_us);

    return o.len;
}


int
hd_audit_hash(const hd_audit_event_t *e, unsigned char out[HD_AUDIT_HASH_LEN])
{
    char         stack[HD_AUDIT_CANON_STACK], *canon = stack;
    const void  *piece[2];
    size_t       len[2], n;
    int          rc;

    n = hd_audit_canonical(e, stack, sizeof(stack));

    if (n > sizeof(stack)) {
        canon = malloc(n);

        if (canon == NULL) {
            return -1;
        }

        (void) hd_audit_canonical(e, canon, n);
    }

    piece[0] = e->prev_hash;    len[0] = HD_AUDIT_HASH_LEN;
    piece[1] = canon;           len[1] = n;

    rc = hd_audit_sha256(piece, len, 2, out);

    if (canon != stack) {
        free(canon);
    }

    return rc;
}


void
hd_audit_chain_init(hd_audit_chain_t *c)
{
    memset(c, 0, sizeof(hd_audit_chain_t));
    memcpy(c->last_hash, hd_audit_genesis, HD_AUDIT_HASH_LEN);
}


void
hd_audit_chain_resume(hd_audit_chain_t *c, int64_t last_id,
    const unsigned char last_hash[HD_AUDIT_HASH_LEN])
{
    memset(c, 0, sizeof(hd_audit_chain_t));
    c->has_last = 1;
    c->last_id = last_id;
    memcpy(c->last_hash, last_hash, HD_AUDIT_HASH_LEN);
}


/* Fill *f for a fault at event id (the chain's last as its predecessor). */
static hd_audit_code_t
hd_audit_fail(const hd_audit_chain_t *c, hd_audit_code_t code, int64_t id,
    hd_audit_fault_t *f)
{
    memset(f, 0, sizeof(hd_audit_fault_t));
    f->code = code;
    f->event_id = id;
    f->has_prev = c->has_last;
    f->prev_id = c->last_id;
    f->has_last = c->has_last;
    f->last_id = c->last_id;

    return code;
}


hd_audit_code_t
hd_audit_chain_step(hd_audit_chain_t *c, const hd_audit_event_t *e,
    hd_audit_fault_t *fault)
{
    unsigned char  digest[HD_AUDIT_HASH_LEN];

    if (c->has_last && e->id <= c->last_id) {
        return hd_audit_fail(c, HD_AUDIT_ID_ORDER, e->id, fault);
    }

    if (memcmp(e->prev_hash, c->last_hash, HD_AUDIT_HASH_LEN) != 0) {
        return hd_audit_fail(c, c->has_last ? HD_AUDIT_PREV_MISMATCH
                                            : HD_AUDIT_NOT_GENESIS,
                             e->id, fault);
    }

    if (hd_audit_pii_digest(e->diff_json, e->diff_json_len, e->ip, e->ua,
                            digest)
        != 0)
    {
        return hd_audit_fail(c, HD_AUDIT_INTERNAL, e->id, fault);
    }

    if (memcmp(digest, e->pii_digest, HD_AUDIT_HASH_LEN) != 0) {
        return hd_audit_fail(c, HD_AUDIT_PII_MISMATCH, e->id, fault);
    }

    if (hd_audit_hash(e, digest) != 0) {
        return hd_audit_fail(c, HD_AUDIT_INTERNAL, e->id, fault);
    }

    if (memcmp(digest, e->hash, HD_AUDIT_HASH_LEN) != 0) {
        return hd_audit_fail(c, HD_AUDIT_HASH_MISMATCH, e->id, fault);
    }

    c->count++;
    c->has_last = 1;
    c->last_id = e->id;
    memcpy(c->last_hash, e->hash, HD_AUDIT_HASH_LEN);

    return HD_AUDIT_OK;
}


hd_audit_code_t
hd_audit_chain_end(const hd_audit_chain_t *c, const hd_audit_head_t *head,
    hd_audit_fault_t *fault)
{
    hd_audit_code_t  code = HD_AUDIT_OK;

    if (!head->has_id) {
        if (c->has_last) {
            code = HD_AUDIT_HEAD_BEHIND;

        } else if (memcmp(head->last_hash, hd_audit_genesis,
                          HD_AUDIT_HASH_LEN) != 0)
        {
            code = HD_AUDIT_HEAD_HASH;
        }

    } else if (!c->has_last || head->last_id > c->last_id) {
        code = HD_AUDIT_HEAD_AHEAD;

    } else if (head->last_id < c->last_id) {
        code = HD_AUDIT_HEAD_BEHIND;

    } else if (memcmp(head->last_hash, c->last_hash, HD_AUDIT_HASH_LEN) != 0) {
        code = HD_AUDIT_HEAD_HASH;
    }

    if (code == HD_AUDIT_OK) {
        return code;
    }

    (void) hd_audit_fail(c, code, head->has_id ? head->last_id : 0, fault);
    fault->head_has_id = head->has_id;
    fault->head_id = head->last_id;

    return code;
}


/* "the last event is N" or "there are no events". */
static const char *
hd_audit_last_text(const hd_audit_fault_t *f, char *buf, size_t len)
{
    if (f->has_last) {
        snprintf(buf, len, "the last event is %" PRId64, f->last_id);
    } else {
        snprintf(buf, len, "there are no events");
    }

    return buf;
}


char *
hd_audit_fault_describe(const hd_audit_fault_t *f, char *buf, size_t len)
{
    char     last[48], head[32];
    int64_t  id = f->event_id, prev = f->prev_id;

    if (f->head_has_id) {
        snprintf(head, sizeof(head), "%" PRId64, f->head_id);
    } else {
        snprintf(head, sizeof(head), "no event");
    }

    switch (f->code) {

    case HD_AUDIT_OK:
        snprintf(buf, len, "audit chain intact");
        break;

    case HD_AUDIT_MALFORMED:
        snprintf(buf, len, "audit chain broken at event %" PRId64 ": a "
                 "column has an impossible value (the row was altered)", id);
        break;

    case HD_AUDIT_ID_ORDER:
        snprintf(buf, len, "audit chain broken at event %" PRId64 ": its id "
                 "is not above event %" PRId64 "'s (events out of order)",
                 id, prev);
        break;

    case HD_AUDIT_NOT_GENESIS:
        snprintf(buf, len, "audit chain broken at event %" PRId64 ": it is "
                 "the first event but its prev_hash is not the genesis value "
                 "(earlier events were deleted)", id);
        break;

    case HD_AUDIT_PREV_MISMATCH:
        snprintf(buf, len, "audit chain broken at event %" PRId64 ": "
                 "prev_hash does not match event %" PRId64 " (an event was "
                 "deleted, inserted or reordered, or event %" PRId64
                 " rewritten)", id, prev, prev);
        break;

    case HD_AUDIT_PII_MISMATCH:
        snprintf(buf, len, "audit chain broken at event %" PRId64 ": "
                 "diff_json, ip or ua do not match its pii_digest (edited)",
                 id);
        break;

    case HD_AUDIT_HASH_MISMATCH:
        snprintf(buf, len, "audit chain broken at event %" PRId64 ": hash "
                 "does not match its contents (edited)", id);
        break;

    case HD_AUDIT_HEAD_AHEAD:
        snprintf(buf, len, "audit chain broken at the head: head points at "
                 "%s but %s (events deleted at the tail)", head,
                 hd_audit_last_text(f, last, sizeof(last)));
        break;

    case HD_AUDIT_HEAD_BEHIND:
        snprintf(buf, len, "audit chain broken at the head: head points at "
                 "%s but %s (events added without moving the head)", head,
                 hd_audit_last_text(f, last, sizeof(last)));
        break;

    case HD_AUDIT_HEAD_HASH:
        snprintf(buf, len, "audit chain broken at the head: its hash is not "
                 "%s (the head was rewritten)",
                 f->head_has_id ? "its event's" : "the genesis value");
        break;

    default:
        snprintf(buf, len, "audit chain not checked at event %" PRId64
                 ": sha256 or memory failed", id);
        break;
    }

    return buf;
}


/* ------------------------------------------------------------------------
 * Decoding binary results
 * ------------------------------------------------------------------------ */


/* A non-NULL int8 column.  0, or -1. */
static int
hd_audit_int8(const PGresult *res, int row, int col, int64_t *v)
{
    const unsigned char  *p;
    uint64_t              u = 0;
    int                   i;

    if (PQgetisnull(res, row, col) || PQgetlength(res, row, col) != 8) {
        return -1;
    }

    p = (const unsigned char *) PQgetvalue(res, row, col);

    for (i = 0; i < 8; i++) {
        u = (u << 8) | p[i];
    }

    *v = (int64_t) u;
    return 0;
}


/*
 * A text column: its NUL-terminated value (libpq ends binary values with a
 * zero byte too), NULL for SQL NULL when nullable.  -1 when NULL is not
 * allowed or the value holds a NUL.
 */
static int
hd_audit_text(const PGresult *res, int row, int col, int nullable,
    const char **v)
{
    const char  *s;

    if (PQgetisnull(res, row, col)) {
        *v = NULL;
        return nullable ? 0 : -1;
    }

    s = PQgetvalue(res, row, col);

    if (strlen(s) != (size_t) PQgetlength(res, row, col)) {
        return -1;
    }

    *v = s;
    return 0;
}


/* A nullable uuid column: 16 bytes or NULL.  0, or -1. */
static int
hd_audit_uuid(const PGresult *res, int row, int col,
    const unsigned char **v)
{
    if (PQgetisnull(res, row, col)) {
        *v = NULL;
        return 0;
    }

    if (PQgetlength(res, row, col) != HD_AUDIT_UUID_LEN) {
        return -1;
    }

    *v = (const unsigned char *) PQgetvalue(res, row, col);
    return 0;
}


/* A non-NULL bytea column of exactly 32 bytes.  0, or -1. */
static int
hd_audit_digest(const PGresult *res, int row, int col,
    unsigned char out[HD_AUDIT_HASH_LEN])
{
    if (PQgetisnull(res, row, col)
        || PQgetlength(res, row, col) != HD_AUDIT_HASH_LEN)
    {
        return -1;
    }

    memcpy(out, PQgetvalue(res, row, col), HD_AUDIT_HASH_LEN);
    return 0;
}


hd_audit_code_t
hd_audit_event_decode(const PGresult *res, int row, hd_audit_event_t *e,
    hd_audit_fault_t *fault)
{
    int64_t  at;

    memset(e, 0, sizeof(hd_audit_event_t));
    memset(fault, 0, sizeof(hd_audit_fault_t));

    if (PQnfields(res) != HD_AE_COLUMNS || row < 0 || row >= PQntuples(res)
        || hd_audit_int8(res, row, HD_AE_ID, &e->id) != 0)
    {
        goto malformed;
    }

    if (hd_audit_text(res, row, HD_AE_ACTOR_TYPE, 0, &e->actor_type) != 0
        || hd_audit_uuid(res, row, HD_AE_ACTOR_ID, &e->actor_id) != 0
        || hd_audit_text(res, row, HD_AE_ENTITY_TYPE, 0, &e->entity_type)
           != 0
        || hd_audit_uuid(res, row, HD_AE_ENTITY_ID, &e->entity_id) != 0
        || hd_audit_text(res, row, HD_AE_ACTION, 0, &e->action) != 0
        || hd_audit_text(res, row, HD_AE_DIFF_JSON, 0, &e->diff_json) != 0
        || hd_audit_text(res, row, HD_AE_IP, 1, &e->ip) != 0
        || hd_audit_text(res, row, HD_AE_UA, 1, &e->ua) != 0
        || hd_audit_int8(res, row, HD_AE_AT, &at) != 0
        || hd_audit_digest(res, row, HD_AE_PII_DIGEST, e->pii_digest) != 0
        || hd_audit_digest(res, row, HD_AE_PREV_HASH, e->prev_hash) != 0
        || hd_audit_digest(res, row, HD_AE_HASH, e->hash) != 0)
    {
        goto malformed;
    }

    /* infinity is stored as INT64_MIN/MAX; keep it from overflowing */
    if (at > INT64_MAX - HD_AUDIT_PG_EPOCH_US) {
        goto malformed;
    }

    e->diff_json_len = strlen(e->diff_json);
    e->at_us = at + HD_AUDIT_PG_EPOCH_US;

    return HD_AUDIT_OK;

malformed:

    fault->code = HD_AUDIT_MALFORMED;
    fault->event_id = e->id;

    return HD_AUDIT_MALFORMED;
}


int
hd_audit_head_decode(const PGresult *res, hd_audit_head_t *head)
{
    memset(head, 0, sizeof(hd_audit_head_t));

    if (PQntuples(res) != 1 || PQnfields(res) != 2
        || hd_audit_digest(res, 0, 1, head->last_hash) != 0)
    {
        return -1;
    }

    if (PQgetisnull(res, 0, 0)) {
        return 0;
    }

    head->has_id = 1;

    return hd_audit_int8(res, 0, 0, &head->last_id);
}


int
hd_audit_before_decode(const PGresult *res, int64_t *id,
    unsigned char hash[HD_AUDIT_HASH_LEN])
{
    if (PQnfields(res) != 2) {
        return -1;
    }

    if (PQntuples(res) == 0) {
        return 0;
    }

    if (PQntuples(res) != 1 || hd_audit_int8(res, 0, 0, id) != 0
        || hd_audit_digest(res, 0, 1, hash) != 0)
    {
        return -1;
    }

    return 1;
}
