/*
 * wk_sla.c — `helpdesk-worker sla expand|tick`, and the `run` loop's SLA
 * duty.
 *
 * expand: every calendar whose stored expansion (calendar_intervals) is of
 * another version, or ends within WK_SLA_MARGIN of now, is expanded again
 * by core (hd_sla_expand(), ICU's tz database) around now and stored with
 * calendar_expansion_save(), which also recomputes the clocks on it.  The
 * API expands a calendar when it is saved; this catches calendars written
 * by SQL (the demo seed) and keeps every range ahead of the clocks.
 *
 * tick: sla_tick() in its own transaction, one leader at a time (the SQL
 * function takes a transaction-scoped advisory lock and answers null to a
 * second caller).  `--now T` sets the clock SQL reads (helpdesk.now) for
 * that transaction: accepted only with HELPDESK_TEST_MODE=1 in the
 * environment, refused otherwise.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "hd_sla.h"
#include "wk.h"


#define WK_SLA_MARGIN  "365 days"


void
wk_sla_usage(FILE *fp)
{
    fprintf(fp,
        "usage: %s sla expand\n"
        "       %s sla tick [--now TIMESTAMP]\n"
        "\n"
        "expand: store the business intervals of every calendar that changed "
        "or whose\n"
        "stored range ends within a year.  tick: mark SLA clocks that reached "
        "75 %% or\n"
        "100 %% of a target and queue one job per threshold (prints the "
        "counts as\n"
        "JSON; \"null\" when another worker is ticking).  --now is for tests: "
        "only\n"
        "with HELPDESK_TEST_MODE=1.\n",
        WK_NAME, WK_NAME);
}


/* The wall clock in epoch milliseconds (wk_now_ms() is monotonic). */
static int64_t
wk_sla_epoch_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


/* Expand calendar id and store it.  0, or -1 after logging why. */
static int
wk_sla_expand_one(PGconn *conn, const char *id)
{
    int                  rc = -1;
    char                 from[24], to[24], version[16];
    cJSON               *def = NULL;
    const cJSON         *v;
    PGresult            *res;
    const char          *err, *params[6];
    hd_sla_cal_t        *cal;
    hd_cal_rc_t          crc;
    hd_sla_expansion_t   x;

    params[0] = id;
    res = PQexecParams(conn, "select calendar_def_json($1::uuid)::text", 1,
                       NULL, params, NULL, NULL, 0);

    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1
        || PQgetisnull(res, 0, 0))
    {
        wk_log("sla expand: calendar %s: %s", id, PQresultErrorMessage(res));
        PQclear(res);
        return -1;
    }

    def = cJSON_Parse(PQgetvalue(res, 0, 0));
    PQclear(res);

    cal = malloc(sizeof(hd_sla_cal_t));

    if (def == NULL || cal == NULL) {
        wk_log("sla expand: calendar %s: out of memory", id);
        goto done;
    }

    if ((err = hd_sla_cal_parse(def, cal)) != NULL) {
        wk_log("sla expand: calendar %s: %s", id, err);
        goto done;
    }

    crc = hd_sla_expand(cal, wk_sla_epoch_ms(), &x);
    if (crc != HD_CAL_OK) {
        wk_log("sla expand: calendar %s (%s): %s", id, cal->tz,
               hd_cal_strerror(crc));
        goto done;
    }

    snprintf(from, sizeof(from), "%lld", (long long) x.from);
    snprintf(to, sizeof(to), "%lld", (long long) x.to);

    v = cJSON_GetObjectItemCaseSensitive(def, "version");
    snprintf(version, sizeof(version), "%d",
             cJSON_IsNumber(v) ? v->valueint : 0);

    params[0] = id;
    params[1] = version;
    params[2] = from;
    params[3] = to;
    params[4] = x.starts.data;
    params[5] = x.ends.data;

    res = PQexecParams(conn,
                       "select calendar_expansion_save($1::uuid, $2::int, "
                       "to_timestamp($3::bigint / 1000.0), "
                       "to_timestamp($4::bigint / 1000.0), "
                       "$5::bigint[], $6::bigint[])",
                       6, NULL, params, NULL, NULL, 0);

    hd_sla_expansion_free(&x);

    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        wk_log("sla expand: calendar %s: %s", id, PQresultErrorMessage(res));
        PQclear(res);
        goto done;
    }

    wk_log("sla expand: calendar %s (%s): %zu business intervals%s", id,
           cal->tz, x.count,
           strcmp(PQgetvalue(res, 0, 0), "t") == 0
           ? "" : " (changed meanwhile: left for the next run)");
    PQclear(res);
    rc = 0;

done:

    free(cal);
    cJSON_Delete(def);
    return rc;
}


int
wk_sla_expand(PGconn *conn)
{
    int        i, n, rc = 0;
    PGresult  *res;

    res = wk_pg_exec(conn, "select calendars_to_expand(now(), interval '"
                     WK_SLA_MARGIN "')::text", "sla expand");
    if (res == NULL) {
        return -1;
    }

    n = PQntuples(res);

    for (i = 0; i < n; i++) {
        if (wk_sla_expand_one(conn, PQgetvalue(res, i, 0)) != 0) {
            rc = -1;
        }
    }

    PQclear(res);
    return rc;
}


/*
 * One tick at now (NULL: the database's clock).  Prints the result to out
 * when out is not NULL.  0, or -1 after logging why.
 */
int
wk_sla_tick(PGconn *conn, const char *now, FILE *out)
{
    int          rc = -1;
    PGresult    *res;
    const char  *params[1];

    if (wk_pg_run(conn, "begin", "sla tick") != 0) {
        return -1;
    }

    if (now != NULL) {
        params[0] = now;
        res = PQexecParams(conn, "select set_config('helpdesk.now', "
                           "$1::timestamptz::text, true)", 1, NULL, params,
                           NULL, NULL, 0);

        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            wk_log("sla tick: --now %s: %s", now, PQresultErrorMessage(res));
            PQclear(res);
            goto done;
        }

        PQclear(res);
    }

    res = wk_pg_exec(conn, "select coalesce(sla_tick(hd_now())::text, "
                     "'null')", "sla tick");
    if (res == NULL) {
        goto done;
    }

    if (out != NULL) {
        fprintf(out, "%s\n", PQgetvalue(res, 0, 0));

    } else if (strstr(PQgetvalue(res, 0, 0), "\"at_risk\" : 0, "
                      "\"breached\" : 0") == NULL
               && strcmp(PQgetvalue(res, 0, 0), "null") != 0)
    {
        wk_log("sla tick: %s", PQgetvalue(res, 0, 0));
    }

    PQclear(res);

    if (wk_pg_run(conn, "commit", "sla tick") != 0) {
        return -1;
    }

    return 0;

done:

    wk_pg_run(conn, "rollback", "sla tick");
    return rc;
}


int
wk_sla(const wk_config_t *cfg, int argc, char **argv)
{
    int          rc;
    PGconn      *conn;
    const char  *now = NULL, *test;

    if (argc == 1 && strcmp(argv[0], "help") == 0) {
        wk_sla_usage(stdout);
        return WK_EXIT_OK;
    }

    if (argc == 1 && strcmp(argv[0], "expand") == 0) {
        /* fine */

    } else if (argc >= 1 && strcmp(argv[0], "tick") == 0
               && (argc == 1
                   || (argc == 3 && strcmp(argv[1], "--now") == 0)))
    {
        if (argc == 3) {
            test = getenv("HELPDESK_TEST_MODE");

            if (test == NULL || strcmp(test, "1") != 0) {
                fprintf(stderr, "%s: sla tick: --now is refused: it is for "
                        "tests (HELPDESK_TEST_MODE=1)\n", WK_NAME);
                return WK_EXIT_USAGE;
            }

            now = argv[2];
        }

    } else {
        wk_sla_usage(stderr);
        return WK_EXIT_USAGE;
    }

    if (wk_config_require_db(cfg) != 0) {
        return WK_EXIT_FAIL;
    }

    conn = wk_pg_connect(cfg->db, "sla", NULL, 10, NULL, 0);
    if (conn == NULL) {
        return WK_EXIT_FAIL;
    }

    if (strcmp(argv[0], "expand") == 0) {
        rc = wk_sla_expand(conn);

    } else {
        rc = wk_sla_tick(conn, now, stdout);
    }

    PQfinish(conn);

    return rc == 0 ? WK_EXIT_OK : WK_EXIT_FAIL;
}
