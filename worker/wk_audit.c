/*
 * wk_audit.c — `helpdesk-worker audit verify [--from ID]`.
 *
 * Walks audit_events in id order, HD_AUDIT_PAGE_ROWS rows at a time (keyset
 * pages, so millions of events take constant memory), and recomputes every
 * event's pii_digest and hash with the core's hd_audit (OpenSSL, not the
 * database's audit_canonical(): whoever can rewrite rows could rewrite that
 * function too).  Each event must link to the one before it, the first to
 * the genesis value, and audit_chain_head must name the last event and its
 * hash.  Everything is read in one REPEATABLE READ, READ ONLY transaction,
 * so events appended meanwhile neither break the walk nor get half-checked.
 *
 * --from ID checks the events from ID on, taking the hash of the event
 * before ID as given (for a quick check of what was added since the last
 * full run), and the head as usual.
 *
 * Prints "audit chain intact: N events, head <hex>" and exits 0, or prints
 * the first broken link ("audit chain broken at event 57: …") and exits 1.
 * Exit 2: bad arguments, unreadable settings, no database connection, or a
 * statement that failed — the chain could not be checked.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_audit.h"
#include "wk.h"


typedef struct {
    int      from_set;
    int64_t  from;
} wk_audit_args_t;


void
wk_audit_usage(FILE *fp)
{
    fprintf(fp,
        "usage: %s audit verify [--from ID]\n"
        "\n"
        "Recomputes the audit log's hash chain and checks that the chain "
        "head names\n"
        "its last event.  --from ID checks the events from ID on, trusting "
        "the hash\n"
        "of the event before it.  Exit codes: 0 the chain is intact, 1 it "
        "is broken\n"
        "(the first broken link is printed), 2 it could not be checked "
        "(usage,\n"
        "settings, database).\n",
        WK_NAME);
}


/* Parse "verify [--from ID]".  0, or -1 after saying why on stderr. */
static int
wk_audit_parse(int argc, char **argv, wk_audit_args_t *a)
{
    char       *end;
    long long   v;
    int         i;

    memset(a, 0, sizeof(wk_audit_args_t));

    if (argc < 1 || strcmp(argv[0], "verify") != 0) {
        fprintf(stderr, "%s: audit: expected \"verify\"\n", WK_NAME);
        return -1;
    }

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--from") != 0 || i + 1 == argc || a->from_set) {
            fprintf(stderr, "%s: audit verify: unexpected argument \"%s\"\n",
                    WK_NAME, argv[i]);
            return -1;
        }

        errno = 0;
        v = strtoll(argv[++i], &end, 10);

        if (errno != 0 || end == argv[i] || *end != '\0') {
            fprintf(stderr, "%s: audit verify: --from needs an event id, "
                    "not \"%s\"\n", WK_NAME, argv[i]);
            return -1;
        }

        a->from_set = 1;
        a->from = v;
    }

    return 0;
}


/*
 * Run sql with nparams text parameters and binary results.  Returns the
 * result (caller PQclear()s), or NULL after logging the server's message.
 */
static PGresult *
wk_audit_query(PGconn *conn, const char *sql, int nparams,
    const char *const *params, const char *what)
{
    PGresult    *res;
    const char  *msg;
    char         reason[512];

    res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 1);

    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        return res;
    }

    msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

    if (msg == NULL) {
        msg = wk_pg_error_line(conn, reason, sizeof(reason));
    }

    wk_log("audit verify: %s: %s", what, msg);
    PQclear(res);

    return NULL;
}


/*
 * Start the chain: from the genesis value, or with --from after the event
 * that precedes ID (the genesis value when none does).  0, or -1 (logged;
 * *broken set when that event's row is malformed).
 */
static int
wk_audit_start(PGconn *conn, const wk_audit_args_t *a, hd_audit_chain_t *c,
    int *broken)
{
    const char     *params[1];
    char            from[24];
    unsigned char   hash[HD_AUDIT_HASH_LEN];
    int64_t         id;
    PGresult       *res;
    int             rc;

    hd_audit_chain_init(c);

    if (!a->from_set) {
        return 0;
    }

    snprintf(from, sizeof(from), "%" PRId64, a->from);
    params[0] = from;

    res = wk_audit_query(conn, hd_audit_before_sql, 1, params,
                         "reading the event before --from");

    if (res == NULL) {
        return -1;
    }

    rc = hd_audit_before_decode(res, &id, hash);
    PQclear(res);

    if (rc < 0) {
        printf("audit chain broken before event %s: the preceding event's "
               "hash cannot be read (the row was altered)\n", from);
        *broken = 1;
        return -1;
    }

    if (rc == 1) {
        hd_audit_chain_resume(c, id, hash);
    }

    return 0;
}


/*
 * Check one page of events after the chain's last (from the lowest id when
 * there is none).  Returns the number of rows read, or -1 when the walk
 * must stop: *fault set (code not HD_AUDIT_OK) for a broken link, else a
 * failed statement (logged).
 */
static int
wk_audit_page(PGconn *conn, hd_audit_chain_t *c, hd_audit_fault_t *fault)
{
    const char        *params[2];
    char               next[24], limit[16];
    hd_audit_event_t   e;
    PGresult          *res;
    int                i, n;

    if (c->has_last && c->last_id == INT64_MAX) {
        return 0;
    }

    snprintf(next, sizeof(next), "%" PRId64,
             c->has_last ? c->last_id + 1 : INT64_MIN);
    snprintf(limit, sizeof(limit), "%d", HD_AUDIT_PAGE_ROWS);
    params[0] = next;
    params[1] = limit;

    res = wk_audit_query(conn, hd_audit_events_sql, 2, params,
                         "reading audit_events");

    if (res == NULL) {
        return -1;
    }

    n = PQntuples(res);

    for (i = 0; i < n; i++) {
        if (hd_audit_event_decode(res, i, &e, fault) != HD_AUDIT_OK
            || hd_audit_chain_step(c, &e, fault) != HD_AUDIT_OK)
        {
            PQclear(res);
            return -1;
        }
    }

    PQclear(res);
    return n;
}


/*
 * The walk itself, inside the open transaction.  Returns WK_EXIT_OK (intact,
 * printed), WK_EXIT_FAIL (broken, printed) or WK_EXIT_USAGE (logged).
 */
static int
wk_audit_walk(PGconn *conn, const wk_audit_args_t *a)
{
    hd_audit_chain_t   c;
    hd_audit_fault_t   fault;
    hd_audit_head_t    head;
    PGresult          *res;
    char               msg[512], hex[65];
    int                n, broken = 0;

    res = wk_audit_query(conn, hd_audit_head_sql, 0, NULL,
                         "reading audit_chain_head");

    if (res == NULL) {
        return WK_EXIT_USAGE;
    }

    n = hd_audit_head_decode(res, &head);
    PQclear(res);

    if (n != 0) {
        printf("audit chain broken at the head: audit_chain_head does not "
               "hold exactly one well-formed row (the head was altered)\n");
        return WK_EXIT_FAIL;
    }

    if (wk_audit_start(conn, a, &c, &broken) != 0) {
        return broken ? WK_EXIT_FAIL : WK_EXIT_USAGE;
    }

    memset(&fault, 0, sizeof(hd_audit_fault_t));

    do {
        n = wk_audit_page(conn, &c, &fault);
    } while (n == HD_AUDIT_PAGE_ROWS);

    if (n < 0 && fault.code == HD_AUDIT_OK) {
        return WK_EXIT_USAGE;
    }

    if (n >= 0 && hd_audit_chain_end(&c, &head, &fault) == HD_AUDIT_OK) {
        printf("audit chain intact");

        if (a->from_set) {
            printf(" from event %" PRId64, a->from);
        }

        printf(": %" PRIu64 " event%s, head %s\n", c.count,
               c.count == 1 ? "" : "s", hd_audit_hex(head.last_hash, hex));
        return WK_EXIT_OK;
    }

    hd_audit_fault_describe(&fault, msg, sizeof(msg));

    if (fault.code == HD_AUDIT_INTERNAL) {
        wk_log("audit verify: %s", msg);
        return WK_EXIT_USAGE;
    }

    printf("%s\n", msg);
    return WK_EXIT_FAIL;
}


int
wk_audit(const wk_config_t *unused, int argc, char **argv)
{
    wk_audit_args_t   a;
    wk_config_t       cfg;
    PGconn           *conn;
    char              reason[512];
    int               rc;

    (void) unused;

    if (argc == 1
        && (strcmp(argv[0], "help") == 0 || strcmp(argv[0], "--help") == 0
            || strcmp(argv[0], "-h") == 0))
    {
        wk_audit_usage(stdout);
        return WK_EXIT_OK;
    }

    if (wk_audit_parse(argc, argv, &a) != 0) {
        fprintf(stderr, "%s: see \"%s audit help\"\n", WK_NAME, WK_NAME);
        return WK_EXIT_USAGE;
    }

    /* read here, not by main(): exit 1 must mean a broken chain only */
    if (wk_config_load(&cfg) != 0 || wk_config_require_db(&cfg) != 0) {
        return WK_EXIT_USAGE;
    }

    conn = wk_pg_connect(cfg.db, "audit verify", NULL, 10, reason,
                         sizeof(reason));

    if (conn == NULL) {
        wk_log("audit verify: cannot connect to the database: %s", reason);
        return WK_EXIT_USAGE;
    }

    if (wk_pg_run(conn, "set client_encoding = 'UTF8'", "audit verify") != 0
        || wk_pg_run(conn, "begin isolation level repeatable read, read only",
                     "audit verify")
           != 0)
    {
        PQfinish(conn);
        return WK_EXIT_USAGE;
    }

    rc = wk_audit_walk(conn, &a);
    fflush(stdout);

    PQfinish(conn);     /* ends the read-only transaction */

    return rc;
}
