/*
 * wk_seed.c — `helpdesk-worker seed-demo`.
 *
 * Runs worker/seed_demo.sql, embedded into the binary at build time so the
 * command works from any directory, in one transaction.  The script is
 * idempotent (every insert is `on conflict do nothing` against a natural
 * key), so running it twice changes nothing.  Its last statement selects the
 * demo accounts, which are printed to stdout as a table.
 */

#include <stdio.h>
#include <string.h>

#include "wk.h"


/* The seed needs the schema; say so plainly when it is not there. */
static int
wk_seed_check_schema(PGconn *conn)
{
    PGresult  *res;
    int        ok;

    res = wk_pg_exec(conn,
        "select to_regclass('schema_migrations') is not null"
        "   and to_regclass('catalog_forms') is not null",
        "seed-demo");

    if (res == NULL) {
        return -1;
    }

    ok = (strcmp(PQgetvalue(res, 0, 0), "t") == 0);
    PQclear(res);

    if (!ok) {
        wk_log("seed-demo: the database has no helpdesk schema yet; "
               "run \"%s migrate\" first", WK_NAME);
        return -1;
    }

    return 0;
}


int
wk_seed_demo(const wk_config_t *cfg)
{
    PGconn    *conn;
    PGresult  *res = NULL;
    char       desc[512];
    int        rc = WK_EXIT_FAIL;

    if (wk_config_require_db(cfg) != 0) {
        return WK_EXIT_FAIL;
    }

    conn = wk_pg_connect(cfg->db, "seed-demo", NULL, 10, NULL, 0);

    if (conn == NULL) {
        return WK_EXIT_FAIL;
    }

    wk_log("seed-demo: %s", wk_pg_describe(conn, desc, sizeof(desc)));

    if (wk_pg_run(conn, "set client_min_messages = warning", "seed-demo") != 0
        || wk_seed_check_schema(conn) != 0
        || wk_pg_run(conn, "begin", "seed-demo: begin") != 0)
    {
        goto done;
    }

    res = PQexec(conn, (const char *) wk_seed_demo_sql);

    if (PQresultStatus(res) != PGRES_TUPLES_OK
        && PQresultStatus(res) != PGRES_COMMAND_OK)
    {
        wk_pg_report(conn, res, "seed-demo: worker/seed_demo.sql",
                     (const char *) wk_seed_demo_sql);
        goto done;
    }

    if (wk_pg_run(conn, "commit", "seed-demo: commit") != 0) {
        goto done;
    }

    wk_log("seed-demo: demo organisation is in place");

    /* the demo calendars' business intervals, so that clocks run at once */

    if (wk_sla_expand(conn) != 0) {
        goto done;
    }

    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        wk_pg_print(res);
        fflush(stdout);
    }

    rc = WK_EXIT_OK;

done:

    if (rc != WK_EXIT_OK && PQtransactionStatus(conn) == PQTRANS_INERROR) {
        wk_pg_run(conn, "rollback", "seed-demo: rollback");
    }

    PQclear(res);
    PQfinish(conn);

    return rc;
}
