/*
 * wk_jobs.c — the jobs outbox runner, auto-close and `jobs run-once`.
 *
 * A job is claimed, handled and marked done in ONE transaction (up to 32
 * jobs share it, each in its own savepoint):
 *
 *   begin;
 *   select … from jobs where status = 'queued' and run_at <= now()
 *      and kind = any(<kinds this worker knows>)
 *    order by run_at limit 32 for update skip locked;
 *   savepoint job;
 *   <the handler's writes, e.g. email_outbound rows>
 *   release savepoint job;   -- … the next job …
 *   update jobs set status = 'done' … where id = any(<those handled>);
 *   commit;
 *
 * so a crash anywhere leaves the jobs queued with nothing of their work
 * written, and concurrent workers never take the same job.  When a
 * handler fails, its savepoint is rolled back (its writes vanish) and the
 * job's attempts grow, last_error is kept and run_at moves 2^attempts
 * seconds on (at most an hour); at max_attempts it is 'dead'.  ('running'
 * is never used: a claim lives as a row lock, not as a status.)
 *
 * `jobs run-once` composes on its connection while a second thread sends
 * what is composed on another (wk_jobs_sender), so the two halves overlap
 * instead of following each other.
 *
 * Kinds: those in wk_jobs_kinds[] with a handler run it; those listed
 * without one (events nobody acts on yet) are marked done at once; any
 * other kind is left queued, untouched, for the component that knows it.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wk.h"


#define WK_JOBS_BATCH           "32"    /* jobs per transaction */
#define WK_JOBS_BATCH_N         32
#define WK_JOBS_BUDGET_MS       1000
#define WK_JOBS_AUTO_CLOSE_MS  60000
#define WK_JOBS_AUTO_CLOSE_MAX   500
#define WK_JOBS_BACKOFF_MAX     3600    /* seconds */


typedef struct {
    const char  *kind;
    int        (*handler)(PGconn *conn, const wk_config_t *cfg,
                          const wk_job_t *job, char *err, size_t errlen);
} wk_jobs_kind_t;


static const wk_jobs_kind_t  wk_jobs_kinds[] = {
    /* notifications: wk_notify.c */
    { "ticket.created", wk_notify_job },
    { "ticket.commented", wk_notify_job },
    { "ticket.status_changed", wk_notify_job },
    { "email.acknowledge", wk_notify_job },
    { "sla.at_risk", wk_notify_job },
    { "sla.breached", wk_notify_job },

    /* events with nothing to do yet: marked done */
    { "ticket.updated", NULL },
    { "ticket.assigned", NULL },
    { "ticket.deleted", NULL },
    { "ticket.watcher_added", NULL },
    { "ticket.watcher_removed", NULL },
    { "attachment.added", NULL },
};

#define WK_JOBS_NKINDS  (sizeof(wk_jobs_kinds) / sizeof(wk_jobs_kinds[0]))


static long long  wk_jobs_next_auto_close;


/* The kinds above as a Postgres text[] literal, built once. */
static const char *
wk_jobs_kind_array(void)
{
    static char  buf[1024];
    size_t       i, n;

    if (buf[0] != '\0') {
        return buf;
    }

    n = snprintf(buf, sizeof(buf), "{");

    for (i = 0; i < WK_JOBS_NKINDS && n < sizeof(buf); i++) {
        n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? "," : "",
                      wk_jobs_kinds[i].kind);
    }

    if (n < sizeof(buf)) {
        snprintf(buf + n, sizeof(buf) - n, "}");
    }

    return buf;
}


static const wk_jobs_kind_t *
wk_jobs_find(const char *kind)
{
    size_t  i;

    for (i = 0; i < WK_JOBS_NKINDS; i++) {
        if (strcmp(wk_jobs_kinds[i].kind, kind) == 0) {
            return &wk_jobs_kinds[i];
        }
    }

    return NULL;
}


/* Run a parameterless statement; 0, or -1 with the error in err. */
static int
wk_jobs_exec(PGconn *conn, const char *sql, char *err, size_t errlen)
{
    PGresult  *res = PQexec(conn, sql);
    int        ok = PQresultStatus(res) == PGRES_COMMAND_OK
                    || PQresultStatus(res) == PGRES_TUPLES_OK;

    if (!ok) {
        wk_pg_error_line(conn, err, errlen);
    }

    PQclear(res);
    return ok ? 0 : -1;
}


/*
 * Record a failed attempt of job id, in the claiming transaction after
 * its savepoint was rolled back.  0, or -1 when the database failed.
 */
static int
wk_jobs_failed(PGconn *conn, const char *id, const char *kind,
    const char *why)
{
    const char  *params[3];
    PGresult    *res;
    char         backoff[16];
    int          dead;

    params[0] = id;
    params[1] = why;
    snprintf(backoff, sizeof(backoff), "%d", WK_JOBS_BACKOFF_MAX);
    params[2] = backoff;

    res = PQexecParams(conn,
        "update jobs set attempts = attempts + 1, last_error = $2,"
        "       status = case when attempts + 1 >= max_attempts"
        "                     then 'dead' else 'queued' end,"
        "       run_at = now() + make_interval(secs =>"
        "                least($3::int, 2 ^ (attempts + 1)))"
        " where id = $1"
        " returning status = 'dead'",
        3, NULL, params, NULL, NULL, 0);

    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        PQclear(res);
        return -1;
    }

    dead = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);

    wk_log("jobs: %s %s failed%s: %s", kind, id,
           dead ? " for the last time, now dead" : ", will retry", why);

    return 0;
}


/*
 * Handle claimed row i of res inside savepoint "job": the handler, and
 * *done set for the caller to mark the job done; or, when the handler
 * fails, back to the savepoint and the failure recorded.  0, or -1 when
 * the database failed (err says why).
 */
static int
wk_jobs_handle(PGconn *conn, const wk_config_t *cfg, PGresult *res, int i,
    int *done, char *err, size_t errlen)
{
    const wk_jobs_kind_t  *k;
    wk_job_t               job;
    char                   why[1024];
    int                    rc;

    if (wk_jobs_exec(conn, "savepoint job", err, errlen) != 0) {
        return -1;
    }

    memset(&job, 0, sizeof(job));
#define WK_JOBS_COL(n)  (PQgetisnull(res, i, n) ? NULL : PQgetvalue(res, i, n))
    job.id = PQgetvalue(res, i, 0);
    job.kind = PQgetvalue(res, i, 1);
    job.ticket_id = WK_JOBS_COL(2);
    job.comment_id = WK_JOBS_COL(3);
    job.inbound_id = WK_JOBS_COL(4);
    job.source = WK_JOBS_COL(5);
    job.to = WK_JOBS_COL(6);
    job.clock = WK_JOBS_COL(7);
#undef WK_JOBS_COL
    job.is_internal = strcmp(PQgetvalue(res, i, 8), "false") != 0;

    k = wk_jobs_find(job.kind);
    why[0] = '\0';
    rc = (k != NULL && k->handler != NULL)
         ? k->handler(conn, cfg, &job, why, sizeof(why)) : 0;

    if (rc == 0) {
        *done = 1;
        return wk_jobs_exec(conn, "release savepoint job", err, errlen);
    }

    if (PQstatus(conn) != CONNECTION_OK
        || wk_jobs_exec(conn, "rollback to savepoint job", err, errlen) != 0
        || wk_jobs_failed(conn, job.id, job.kind, why[0] ? why : "failed")
           != 0)
    {
        if (err[0] == '\0') {
            wk_pg_error_line(conn, err, errlen);
        }

        return -1;
    }

    return 0;
}


/*
 * Claim up to WK_JOBS_BATCH due jobs and handle each, in one transaction
 * (each job in its own savepoint).  Returns how many were handled (done
 * or rescheduled), 0 when none is due, -1 when the database failed
 * (logged; nothing of the batch is kept).
 */
static int
wk_jobs_batch(PGconn *conn, const wk_config_t *cfg)
{
    const char  *params[1];
    PGresult    *res, *r;
    char         err[1024] = "";
    char         ids[WK_JOBS_BATCH_N * 40 + 3];
    size_t       o;
    int          i, n, done, ndone = 0;

    if (wk_jobs_exec(conn, "begin", err, sizeof(err)) != 0) {
        wk_log("jobs: %s", err);
        return -1;
    }

    params[0] = wk_jobs_kind_array();

    res = PQexecParams(conn,
        "select id, kind, payload->>'ticket_id', payload->>'comment_id',"
        "       payload->>'inbound_id', payload->>'source', payload->>'to',"
        "       payload->>'clock', coalesce(payload->>'is_internal', '')"
        "  from jobs"
        " where status = 'queued' and run_at <= now()"
        "   and kind = any($1::text[])"
        " order by run_at limit " WK_JOBS_BATCH
        "   for update skip locked",
        1, NULL, params, NULL, NULL, 0);

    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        wk_log("jobs: claiming: %s", wk_pg_error_line(conn, err,
                                                      sizeof(err)));
        PQclear(res);
        PQclear(PQexec(conn, "rollback"));
        return -1;
    }

    n = PQntuples(res);
    o = (size_t) snprintf(ids, sizeof(ids), "{");

    for (i = 0; i < n; i++) {
        done = 0;

        if (wk_jobs_handle(conn, cfg, res, i, &done, err, sizeof(err)) != 0) {
            wk_log("jobs: %s %s: %s", PQgetvalue(res, i, 1),
                   PQgetvalue(res, i, 0), err);
            PQclear(res);
            PQclear(PQexec(conn, "rollback"));
            return -1;
        }

        if (done && o + 40 < sizeof(ids)) {
            o += (size_t) snprintf(ids + o, sizeof(ids) - o, "%s%s",
                                   ndone++ ? "," : "", PQgetvalue(res, i, 0));
        }
    }

    PQclear(res);
    snprintf(ids + o, sizeof(ids) - o, "}");

    /* the jobs handled, marked done in one statement */
    if (ndone > 0) {
        params[0] = ids;
        r = PQexecParams(conn,
            "update jobs set status = 'done', done_at = now(),"
            "       attempts = least(attempts + 1, max_attempts),"
            "       last_error = null"
            " where id = any($1::uuid[])",
            1, NULL, params, NULL, NULL, 0);

        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            wk_log("jobs: marking done: %s", wk_pg_error_line(conn, err,
                                                              sizeof(err)));
            PQclear(r);
            PQclear(PQexec(conn, "rollback"));
            return -1;
        }

        PQclear(r);
    }

    if (wk_jobs_exec(conn, "commit", err, sizeof(err)) != 0) {
        wk_log("jobs: commit: %s", err);
        PQclear(PQexec(conn, "rollback"));
        return -1;
    }

    return n;
}


/* Handle due jobs for up to budget_ms (< 0: until none is due). */
static int
wk_jobs_run_due(PGconn *conn, const wk_config_t *cfg,
    volatile sig_atomic_t *stop, long long budget_ms)
{
    long long  end = wk_now_ms() + budget_ms;
    int        n = 0, rc;

    while ((stop == NULL || !*stop) && (budget_ms < 0 || wk_now_ms() < end)) {
        rc = wk_jobs_batch(conn, cfg);

        if (rc <= 0) {
            return rc < 0 ? -1 : n;
        }

        n += rc;
    }

    return n;
}


/* Close resolved tickets past auto_close_days: how many, or -1. */
static int
wk_jobs_auto_close(PGconn *conn, const wk_config_t *cfg)
{
    const char  *params[2];
    PGresult    *res;
    char         days[16], limit[16], err[512];
    int          n;

    if (cfg->mail.auto_close_days <= 0) {
        return 0;
    }

    snprintf(days, sizeof(days), "%d", cfg->mail.auto_close_days);
    snprintf(limit, sizeof(limit), "%d", WK_JOBS_AUTO_CLOSE_MAX);
    params[0] = days;
    params[1] = limit;

    res = PQexecParams(conn, "select tickets_auto_close($1::int, $2::int)",
                       2, NULL, params, NULL, NULL, 0);

    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        wk_log("auto-close: %s", wk_pg_error_line(conn, err, sizeof(err)));
        PQclear(res);
        return PQstatus(conn) == CONNECTION_OK ? 0 : -1;
    }

    n = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);

    if (n > 0) {
        wk_log("auto-close: closed %d ticket(s) resolved more than %d "
               "day(s) ago", n, cfg->mail.auto_close_days);
    }

    return n;
}


int
wk_jobs_duty(PGconn *conn, const wk_config_t *cfg,
    volatile sig_atomic_t *stop)
{
    int  jobs;

    if (wk_now_ms() >= wk_jobs_next_auto_close) {
        wk_jobs_next_auto_close = wk_now_ms() + WK_JOBS_AUTO_CLOSE_MS;

        if (wk_jobs_auto_close(conn, cfg) < 0) {
            return -1;
        }
    }

    jobs = wk_jobs_run_due(conn, cfg, stop, WK_JOBS_BUDGET_MS);

    return jobs < 0 ? -1 : (jobs > 0);
}


/* `jobs run-once`'s sender: what wk_jobs_command() shares with it. */
typedef struct {
    const wk_config_t      *cfg;
    atomic_int              composed;   /* the composer is done */
    int                     sent;
    int                     failed;
    int                     rc;
} wk_jobs_sender_t;


/*
 * Sends due mail on its own connection while the composer fills the
 * outbox, until the outbox is empty after the composer finished.
 */
static void *
wk_jobs_sender(void *arg)
{
    wk_jobs_sender_t  *s = arg;
    PGconn            *conn;
    struct timespec    ts = { 0, 20 * 1000000L };
    int                last;

    conn = wk_pg_connect(s->cfg->db, "jobs-mail", NULL, 10, NULL, 0);
    if (conn == NULL) {
        s->rc = -1;
        return NULL;
    }

    do {
        last = atomic_load(&s->composed);   /* read before the round */
        if (wk_smtp_send_due(conn, s->cfg, NULL, -1, &s->sent, &s->failed)
            != 0)
        {
            s->rc = -1;
            break;
        }
        if (!last) {
            nanosleep(&ts, NULL);
        }
    } while (!last);

    PQfinish(conn);
    return NULL;
}


int
wk_jobs_command(const wk_config_t *cfg, int argc, char **argv)
{
    PGconn            *conn;
    pthread_t          tid;
    wk_jobs_sender_t   sender;
    int                closed, jobs, rc = WK_EXIT_OK;

    if (argc != 1 || strcmp(argv[0], "run-once") != 0) {
        fprintf(stderr, "usage: %s jobs run-once\n", WK_NAME);
        return WK_EXIT_USAGE;
    }

    if (wk_config_require_db(cfg) != 0) {
        return WK_EXIT_FAIL;
    }

    conn = wk_pg_connect(cfg->db, "jobs", NULL, 10, NULL, 0);

    if (conn == NULL) {
        return WK_EXIT_FAIL;
    }

    /* compose here, send on a thread of its own meanwhile */
    memset(&sender, 0, sizeof(sender));
    sender.cfg = cfg;

    if (pthread_create(&tid, NULL, wk_jobs_sender, &sender) != 0) {
        wk_log("jobs: cannot start the sender thread");
        PQfinish(conn);
        return WK_EXIT_FAIL;
    }

    closed = wk_jobs_auto_close(conn, cfg);
    jobs = wk_jobs_run_due(conn, cfg, NULL, -1);
    atomic_store(&sender.composed, 1);
    pthread_join(tid, NULL);

    if (closed < 0 || jobs < 0 || sender.rc != 0) {
        rc = WK_EXIT_FAIL;
    }

    printf("auto-closed %d, jobs %d, mail sent %d, failed %d\n",
           closed < 0 ? 0 : closed, jobs < 0 ? 0 : jobs, sender.sent,
           sender.failed);

    PQfinish(conn);
    wk_smtp_cleanup();

    return rc;
}
