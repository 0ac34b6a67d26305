/*
 * hd_audit — the audit log's hash chain, recomputed independently of the
 * database.
 *
 * audit_events is append-only and hash-chained (migrations/0002_identity.sql,
 * audit_append()).  For each event
 *
 *   pii_digest = sha256(diff_json::text "|" host(ip) "|" ua)
 *   canonical  = "v1|id|actor_type|actor_id|entity_type|entity_id|action|"
 *                "hex(pii_digest)|at"
 *   hash       = sha256(prev_hash || canonical)
 *
 * where a NULL ip, ua, actor_id or entity_id is the empty string, uuids are
 * lower-case 8-4-4-4-12, at is microseconds since the Unix epoch, and every
 * byte is UTF-8.  The first event's prev_hash is the genesis value, 32 zero
 * bytes (how audit_chain_head starts); every later one is the previous
 * event's hash.  audit_chain_head names the last event and its hash.
 *
 * This file computes all of that in C with OpenSSL, so `helpdesk-worker
 * audit verify` does not depend on SQL functions someone able to rewrite
 * rows could also rewrite.  It does no I/O: the caller reads events in id
 * order (hd_audit_events_sql, one page at a time), decodes each row with
 * hd_audit_event_decode() and feeds it to hd_audit_chain_step(), then checks
 * the head with hd_audit_chain_end().  The first fault stops the walk;
 * hd_audit_fault_describe() says where and what in one line.
 *
 * The pii_digest check assumes nothing was erased: once retention
 * anonymizes diff_json, ip or ua, the verifier must learn which rows were
 * erased (the schema has no marker yet) and skip that one check for them;
 * the hash still covers the stored digest, so the chain stays verifiable.
 */

#ifndef HD_AUDIT_H
#define HD_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#define HD_AUDIT_HASH_LEN   32
#define HD_AUDIT_UUID_LEN   16

/* Rows per page the verifier asks for. */
#define HD_AUDIT_PAGE_ROWS  10000

/* The first event's prev_hash: 32 zero bytes. */
extern const unsigned char  hd_audit_genesis[HD_AUDIT_HASH_LEN];

/*
 * One event as stored.  Nothing is owned: the pointers refer to the caller's
 * memory (e.g. a PGresult) and must outlive the calls that read them.
 * actor_type, entity_type and action are NUL-terminated; diff_json is
 * diff_json_len bytes of diff_json::text; ip (host(ip)) and ua are
 * NUL-terminated or NULL when the column is NULL.  actor_id and entity_id
 * point at 16 bytes, or are NULL.
 */
typedef struct {
    int64_t               id;
    const char           *actor_type;
    const unsigned char  *actor_id;
    const char           *entity_type;
    const unsigned char  *entity_id;
    const char           *action;
    const char           *diff_json;
    size_t                diff_json_len;
    const char           *ip;
    const char           *ua;
    int64_t               at_us;        /* microseconds since 1970 UTC */
    unsigned char         pii_digest[HD_AUDIT_HASH_LEN];
    unsigned char         prev_hash[HD_AUDIT_HASH_LEN];
    unsigned char         hash[HD_AUDIT_HASH_LEN];
} hd_audit_event_t;

/* audit_chain_head: has_id is 0 while no event was ever appended. */
typedef struct {
    int                   has_id;
    int64_t               last_id;
    unsigned char         last_hash[HD_AUDIT_HASH_LEN];
} hd_audit_head_t;

/*
 * The walk so far: how many events were checked and the last one seen.
 * Plain data; start it with hd_audit_chain_init() or _resume().
 */
typedef struct {
    uint64_t              count;
    int                   has_last;
    int64_t               last_id;
    unsigned char         last_hash[HD_AUDIT_HASH_LEN];
} hd_audit_chain_t;

/* What broke, in the order hd_audit_chain_step() checks it. */
typedef enum {
    HD_AUDIT_OK = 0,
    HD_AUDIT_MALFORMED,         /* a row that cannot be decoded */
    HD_AUDIT_ID_ORDER,          /* id not above the previous event's */
    HD_AUDIT_NOT_GENESIS,       /* first event, prev_hash not genesis */
    HD_AUDIT_PREV_MISMATCH,     /* prev_hash is not the previous hash */
    HD_AUDIT_PII_MISMATCH,      /* diff_json/ip/ua vs pii_digest */
    HD_AUDIT_HASH_MISMATCH,     /* hash vs prev_hash and contents */
    HD_AUDIT_HEAD_AHEAD,        /* head names an event past the last */
    HD_AUDIT_HEAD_BEHIND,       /* events past the one head names */
    HD_AUDIT_HEAD_HASH,         /* head's hash is not its event's */
    HD_AUDIT_INTERNAL           /* OpenSSL or memory failed */
} hd_audit_code_t;

/*
 * The first broken link.  event_id is the event where it shows (for the
 * head codes, the event the head names, if any); prev_id the event before
 * it; head_* and last_* describe the head codes.
 */
typedef struct {
    hd_audit_code_t       code;
    int64_t               event_id;
    int                   has_prev;
    int64_t               prev_id;
    int                   head_has_id;
    int64_t               head_id;
    int                   has_last;
    int64_t               last_id;
} hd_audit_fault_t;


/*
 * Writes pii_digest = sha256(diff_json "|" ip "|" ua) into out; ip and ua
 * NULL count as "".  Returns 0, or -1 when OpenSSL fails.
 */
int hd_audit_pii_digest(const char *diff_json, size_t diff_json_len,
    const char *ip, const char *ua, unsigned char out[HD_AUDIT_HASH_LEN]);

/*
 * Writes e's canonical bytes (without a NUL) into buf of size bytes, using
 * e->pii_digest as stored, and returns their length, like snprintf: when
 * the result is >= size, buf holds a truncated prefix and a buffer of the
 * returned size is needed.
 */
size_t hd_audit_canonical(const hd_audit_event_t *e, char *buf, size_t size);

/*
 * Writes sha256(prev_hash || canonical(e)) into out, where prev_hash is
 * e->prev_hash.  Returns 0, or -1 when OpenSSL or memory fails.
 */
int hd_audit_hash(const hd_audit_event_t *e,
    unsigned char out[HD_AUDIT_HASH_LEN]);

/* A chain walked from the first event: nothing seen, genesis expected. */
void hd_audit_chain_init(hd_audit_chain_t *c);

/*
 * A chain walked from after event last_id, whose hash is taken as given
 * (`audit verify --from`): the next event must link to last_hash.
 */
void hd_audit_chain_resume(hd_audit_chain_t *c, int64_t last_id,
    const unsigned char last_hash[HD_AUDIT_HASH_LEN]);

/*
 * Checks the next event in id order: its id is above the previous one's,
 * its prev_hash is the previous event's hash (genesis for the first), its
 * pii_digest matches diff_json/ip/ua, and its hash matches prev_hash and its
 * contents.  On HD_AUDIT_OK the event becomes the chain's last; otherwise
 * *fault (required) says what broke and c is unchanged.
 */
hd_audit_code_t hd_audit_chain_step(hd_audit_chain_t *c,
    const hd_audit_event_t *e, hd_audit_fault_t *fault);

/*
 * Checks, after the last event, that the head names the chain's last event
 * and its hash (no event at all: the head names none).  This is what
 * catches events deleted at the tail, which leave every link intact.
 */
hd_audit_code_t hd_audit_chain_end(const hd_audit_chain_t *c,
    const hd_audit_head_t *head, hd_audit_fault_t *fault);

/*
 * One line for fault, without a newline, e.g. "audit chain broken at event
 * 57: hash does not match its contents (edited)".  Returns buf.
 */
char *hd_audit_fault_describe(const hd_audit_fault_t *fault, char *buf,
    size_t len);

/* Lower-case hex of the 32 bytes of h into out (65 bytes).  Returns out. */
char *hd_audit_hex(const unsigned char h[HD_AUDIT_HASH_LEN], char out[65]);


/*
 * Reading the log.  Both statements take their parameters as text and must
 * be run with binary results (resultFormat 1), inside one REPEATABLE READ
 * transaction so the head and the pages agree.
 *
 * hd_audit_head_sql: no parameters; one row for hd_audit_head_decode().
 *
 * hd_audit_before_sql: $1 an event id; the id and hash of the last event
 * before it (no row: none), for hd_audit_chain_resume().
 *
 * hd_audit_events_sql: $1 the lowest id wanted (-9223372036854775808 for
 * all: a forged row may have any bigint id), $2 the page size; rows in id
 * order for hd_audit_event_decode().
 */
extern const char  hd_audit_head_sql[];
extern const char  hd_audit_before_sql[];
extern const char  hd_audit_events_sql[];

/*
 * Decodes row of a binary hd_audit_events_sql result into e, whose pointers
 * then refer into res.  Returns HD_AUDIT_OK, or HD_AUDIT_MALFORMED (a column
 * of the wrong shape; e->id is set when the id itself was readable) and
 * fills *fault.
 */
hd_audit_code_t hd_audit_event_decode(const PGresult *res, int row,
    hd_audit_event_t *e, hd_audit_fault_t *fault);

/* Decodes the binary hd_audit_head_sql result.  0, or -1 when malformed. */
int hd_audit_head_decode(const PGresult *res, hd_audit_head_t *head);

/*
 * Decodes the binary hd_audit_before_sql result: 1 with the event's id and
 * hash, 0 when there is no such event, -1 when malformed.
 */
int hd_audit_before_decode(const PGresult *res, int64_t *id,
    unsigned char hash[HD_AUDIT_HASH_LEN]);

#endif /* HD_AUDIT_H */
