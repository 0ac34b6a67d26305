/*
 * wk_run.c — `helpdesk-worker run`, the long-lived worker loop.
 *
 * Connects to the database, then waits on the connection's socket in short
 * slices so that a dropped connection is noticed at once and a SIGTERM or
 * SIGINT ends the process (exit 0) within a few hundred milliseconds, even
 * in the middle of a connection attempt.  A heartbeat query runs every
 * WK_RUN_HEARTBEAT_MS.  When the database is unreachable the worker retries
 * with exponential backoff (0.5 s doubling to 30 s).  Every state change is
 * one timestamped line on stderr.
 *
 * Duties that do not need the database run from wk_run_duties(), which
 * every wait of the loop calls (between connection attempts, in the backoff
 * sleep, in the session's poll loop), so they keep their schedule while the
 * database is down.  The first: when oidc_issuer is configured, the
 * issuer's JWKS is refreshed into oidc_jwks_file at start and then every
 * oidc_refresh_seconds (wk_oidc.c); a failure is logged, keeps the old
 * file and is retried next round; a stop signal abandons a transfer in
 * progress within about a second.
 *
 * Database duties run from wk_run_session(): every sla_tick_seconds the
 * SLA duty expands the calendars that need it and runs one tick
 * (wk_sla.c), starting as soon as a connection is up, so a worker that was
 * down for an hour catches up on its first round.  Job handlers (email,
 * exports) plug in the same way as they are written.
 *
 * Outbound email runs on two threads, each with its own connection
 * (wk_run_duty): "jobs" does rounds of wk_jobs_duty() (wk_jobs.c:
 * auto-close once a minute, then due jobs, composing mail into
 * email_outbound) and "mail" rounds of wk_smtp_duty() (wk_smtp.c: due
 * mail to SMTP), each round at most about a second, back to back while
 * there is work, else every WK_RUN_SLICE_MS.  So inbound mail, composing
 * the acknowledgements it causes and sending them go on side by side,
 * each on its own database backend, instead of taking turns on one
 * connection.  A thread shares nothing with the loop but the stop flag
 * (signals are taken by the main thread), reconnects with the same
 * backoff, and is joined before the process exits.
 */

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wk.h"


#define WK_RUN_SLICE_MS         200
#define WK_RUN_HEARTBEAT_MS   10000
#define WK_RUN_BACKOFF_MIN_MS   500
#define WK_RUN_BACKOFF_MAX_MS 30000
#define WK_RUN_CONNECT_SEC       10


static volatile sig_atomic_t  wk_run_stop;

static const wk_config_t     *wk_run_cfg;
static int                    wk_run_oidc_on;
static int                    wk_run_oidc_failing;
static int                    wk_run_oidc_done;       /* a round succeeded */
static long long              wk_run_oidc_next;


static void
wk_run_on_signal(int signo)
{
    wk_run_stop = signo;
}


/* Route SIGTERM/SIGINT to the stop flag, without SA_RESTART. */
static int
wk_run_signals(void)
{
    struct sigaction  sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = wk_run_on_signal;
    sigemptyset(&sa.sa_mask);

    if (sigaction(SIGTERM, &sa, NULL) != 0
        || sigaction(SIGINT, &sa, NULL) != 0)
    {
        wk_log("sigaction: %s", strerror(errno));
        return -1;
    }

    signal(SIGPIPE, SIG_IGN);

    return 0;
}


/* Refresh the OIDC keys when their round has come. */
static void
wk_run_oidc(void)
{
    wk_oidc_rc_t  rc;
    size_t        nkeys;
    char          err[1024];

    if (!wk_run_oidc_on || wk_run_stop || wk_now_ms() < wk_run_oidc_next) {
        return;
    }

    rc = wk_oidc_refresh(wk_run_cfg, &wk_run_stop, &nkeys, err, sizeof(err));

    wk_run_oidc_next = wk_now_ms()
                       + wk_run_cfg->oidc_refresh_seconds * 1000LL;

    if (rc == WK_OIDC_FAILED) {
        if (!wk_run_stop) {
            wk_log("oidc: refresh failed: %s; keeping %s, retrying in %d s",
                   err, wk_run_cfg->oidc_jwks_file,
                   wk_run_cfg->oidc_refresh_seconds);
        }

        wk_run_oidc_failing = 1;
        return;
    }

    if (rc == WK_OIDC_WRITTEN) {
        wk_log("oidc: new keys of %s: %zu key(s) written to %s",
               wk_run_cfg->oidc_issuer, nkeys, wk_run_cfg->oidc_jwks_file);

    } else if (wk_run_oidc_failing || !wk_run_oidc_done) {
        wk_log("oidc: %s%s is current (%zu key(s))",
               wk_run_oidc_failing ? "refresh works again; " : "",
               wk_run_cfg->oidc_jwks_file, nkeys);
    }

    wk_run_oidc_failing = 0;
    wk_run_oidc_done = 1;
}


/* What the loop does between database events, whatever its state. */
static void
wk_run_duties(void)
{
    wk_run_oidc();
}


/* Sleep ms milliseconds, or less when a stop signal arrives. */
static void
wk_run_sleep(long long ms)
{
    long long        end = wk_now_ms() + ms, left;
    struct timespec  ts;

    while (!wk_run_stop && (left = end - wk_now_ms()) > 0) {
        wk_run_duties();

        if (wk_run_stop || (left = end - wk_now_ms()) <= 0) {
            break;
        }

        if (left > WK_RUN_SLICE_MS) {
            left = WK_RUN_SLICE_MS;
        }

        ts.tv_sec = 0;
        ts.tv_nsec = left * 1000000L;
        nanosleep(&ts, NULL);
    }
}


/* Sleep ms milliseconds, or less when a stop signal arrives (any thread). */
static void
wk_run_nap(long long ms)
{
    long long        end = wk_now_ms() + ms, left;
    struct timespec  ts;

    while (!wk_run_stop && (left = end - wk_now_ms()) > 0) {
        if (left > WK_RUN_SLICE_MS) {
            left = WK_RUN_SLICE_MS;
        }

        ts.tv_sec = 0;
        ts.tv_nsec = left * 1000000L;
        nanosleep(&ts, NULL);
    }
}


/* An outbox thread: its name and the duty it runs rounds of. */
typedef struct {
    const char  *name;
    int        (*duty)(PGconn *conn, const wk_config_t *cfg,
                       volatile sig_atomic_t *stop);
    pthread_t    tid;
} wk_run_thread_t;

static wk_run_thread_t  wk_run_threads[] = {
    { "jobs", wk_jobs_duty, 0 },
    { "mail", wk_smtp_duty, 0 },
};

#define WK_RUN_NTHREADS \
    (sizeof(wk_run_threads) / sizeof(wk_run_threads[0]))


/* The body of an outbox thread (see the top of this file). */
static void *
wk_run_duty(void *arg)
{
    const wk_run_thread_t  *t = arg;
    PGconn                 *conn;
    char                    reason[1024];
    long long               backoff = WK_RUN_BACKOFF_MIN_MS;
    int                     rc = 0;

    while (!wk_run_stop) {
        conn = wk_pg_connect(wk_run_cfg->db, t->name, &wk_run_stop,
                             WK_RUN_CONNECT_SEC, reason, sizeof(reason));

        if (conn == NULL) {
            wk_run_nap(backoff);
            backoff = (backoff * 2 > WK_RUN_BACKOFF_MAX_MS)
                      ? WK_RUN_BACKOFF_MAX_MS : backoff * 2;
            continue;
        }

        backoff = WK_RUN_BACKOFF_MIN_MS;

        while (!wk_run_stop
               && (rc = t->duty(conn, wk_run_cfg, &wk_run_stop)) >= 0)
        {
            if (rc == 0) {
                wk_run_nap(WK_RUN_SLICE_MS);
            }
        }

        if (rc < 0 && !wk_run_stop) {
            wk_log("%s: database connection lost: %s", t->name,
                   wk_pg_error_line(conn, reason, sizeof(reason)));
        }

        PQfinish(conn);
    }

    return NULL;
}


/*
 * Start the outbox threads with SIGTERM and SIGINT blocked in them, so
 * that the signals reach the main loop.  0, or -1 (logged; none runs).
 */
static int
wk_run_threads_start(void)
{
    sigset_t  block, old;
    size_t    i;
    int       err = 0;

    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);

    for (i = 0; i < WK_RUN_NTHREADS && err == 0; i++) {
        err = pthread_create(&wk_run_threads[i].tid, NULL, wk_run_duty,
                             &wk_run_threads[i]);
    }

    pthread_sigmask(SIG_SETMASK, &old, NULL);

    if (err != 0) {
        wk_log("cannot start the %s thread: %s", wk_run_threads[i - 1].name,
               strerror(err));
        wk_run_stop = SIGTERM;
        while (--i > 0) {
            pthread_join(wk_run_threads[i - 1].tid, NULL);
        }
        return -1;
    }

    return 0;
}


/* Log the connection and the schema version found there. */
static void
wk_run_log_connected(PGconn *conn)
{
    PGresult    *res;
    char         desc[512];
    const char  *version = "none (run migrate)";

    res = PQexec(conn,
        "select coalesce((select max(version)::text from schema_migrations),"
        "                'none')"
        " where to_regclass('schema_migrations') is not null");

    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        version = PQgetvalue(res, 0, 0);
    }

    wk_log("connected to %s (schema version %s)",
           wk_pg_describe(conn, desc, sizeof(desc)), version);
    PQclear(res);
}


/*
 * Serve one connection until it breaks (-1, reason logged) or a stop signal
 * arrives (0).
 */
static int
wk_run_session(PGconn *conn)
{
    struct pollfd  pfd;
    long long      next_beat = wk_now_ms() + WK_RUN_HEARTBEAT_MS;
    long long      next_tick = wk_now_ms();
    PGnotify      *n;
    char           reason[512];
    int            more;

    while (!wk_run_stop) {
        wk_run_duties();

        /* inbound email needs the database; while mail waits, no pause */
        more = wk_mail_in_session(conn, &wk_run_stop);
        if (more < 0) {
            goto lost;
        }

        pfd.fd = PQsocket(conn);
        pfd.events = POLLIN;
        pfd.revents = 0;

        if (poll(&pfd, 1, more ? 0 : WK_RUN_SLICE_MS) > 0) {
            if (!PQconsumeInput(conn)) {
                goto lost;
            }

            while ((n = PQnotifies(conn)) != NULL) {
                PQfreemem(n);
            }
        }

        if (PQstatus(conn) != CONNECTION_OK) {
            goto lost;
        }

        if (wk_run_cfg->sla_tick_seconds > 0 && wk_now_ms() >= next_tick) {

            /* a failed statement is logged; the next minute tries again */

            wk_sla_expand(conn);
            wk_sla_tick(conn, NULL, NULL);

            if (PQstatus(conn) != CONNECTION_OK) {
                goto lost;
            }

            next_tick = wk_now_ms() + wk_run_cfg->sla_tick_seconds * 1000LL;
        }

        if (wk_now_ms() >= next_beat) {
            if (wk_pg_run(conn, "select 1", "heartbeat") != 0) {
                goto lost;
            }

            next_beat = wk_now_ms() + WK_RUN_HEARTBEAT_MS;
        }
    }

    return 0;

lost:

    wk_log("database connection lost: %s",
           wk_pg_error_line(conn, reason, sizeof(reason)));
    return -1;
}


int
wk_run(const wk_config_t *cfg)
{
    PGconn     *conn;
    size_t      i;
    char        reason[1024];
    long long   backoff = WK_RUN_BACKOFF_MIN_MS;

    if (wk_config_require_db(cfg) != 0) {
        return WK_EXIT_FAIL;
    }

    wk_run_cfg = cfg;
    wk_run_oidc_on = (cfg->oidc_issuer[0] != '\0');

    /* a misconfigured issuer is a start-up error, not a retry each round */
    if (wk_run_oidc_on
        && wk_oidc_check_config(cfg, reason, sizeof(reason)) != 0)
    {
        wk_log("%s", reason);
        return WK_EXIT_FAIL;
    }

    if (wk_run_signals() != 0) {
        return WK_EXIT_FAIL;
    }

    wk_log_timestamps(1);
    wk_log("starting %s %s", WK_NAME, HD_VERSION);

    if (wk_mail_in_init(cfg) != 0) {
        return WK_EXIT_FAIL;
    }

    if (wk_run_threads_start() != 0) {
        return WK_EXIT_FAIL;
    }

    if (wk_run_oidc_on) {
        wk_log("oidc: keeping the keys of %s in %s, refreshed every %d s",
               cfg->oidc_issuer, cfg->oidc_jwks_file,
               cfg->oidc_refresh_seconds);
        wk_run_oidc_next = wk_now_ms();
    }

    while (!wk_run_stop) {
        wk_run_duties();

        if (wk_run_stop) {
            break;
        }

        conn = wk_pg_connect(cfg->db, "run", &wk_run_stop, WK_RUN_CONNECT_SEC,
                             reason, sizeof(reason));

        if (conn == NULL) {
            if (!wk_run_stop) {
                wk_log("database unavailable: %s; retrying in %.1f s",
                       reason, backoff / 1000.0);
                wk_run_sleep(backoff);
                backoff = (backoff * 2 > WK_RUN_BACKOFF_MAX_MS)
                          ? WK_RUN_BACKOFF_MAX_MS : backoff * 2;
            }

            continue;
        }

        backoff = WK_RUN_BACKOFF_MIN_MS;
        wk_run_log_connected(conn);
        wk_run_session(conn);
        PQfinish(conn);
    }

    wk_log("stopping on %s", wk_run_stop == SIGINT ? "SIGINT" : "SIGTERM");
    for (i = 0; i < WK_RUN_NTHREADS; i++) {
        pthread_join(wk_run_threads[i].tid, NULL);
    }
    wk_mail_in_cleanup();
    wk_oidc_cleanup();
    wk_smtp_cleanup();

    return WK_EXIT_OK;
}
