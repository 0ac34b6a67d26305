/*
 * wk_pg.c — the worker's small layer over libpq.
 *
 * Connecting is done with the non-blocking libpq API so that a signal can
 * abandon an attempt against an unreachable server promptly; everything
 * after that is plain blocking libpq, which is fine outside nginx.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wk.h"


#define WK_PG_POLL_MS  200


/* Server notices (RAISE NOTICE, warnings) become ordinary log lines. */
static void
wk_pg_notice(void *arg, const char *message)
{
    char  line[1024];

    (void) arg;
    snprintf(line, sizeof(line), "%s", message);
    line[strcspn(line, "\n")] = '\0';
    wk_log("server: %s", line);
}


char *
wk_pg_error_line(PGconn *conn, char *buf, size_t len)
{
    const char  *msg = (conn != NULL) ? PQerrorMessage(conn)
                                      : "out of memory";
    size_t       n = 0;
    int          space = 0;

    for ( ; *msg != '\0' && n + 1 < len; msg++) {
        if (*msg == '\n' || *msg == '\r' || *msg == '\t' || *msg == ' ') {
            space = (n > 0);
            continue;
        }

        if (space && n + 2 < len) {
            buf[n++] = ' ';
        }

        space = 0;
        buf[n++] = *msg;
    }

    buf[n] = '\0';
    return buf;
}


char *
wk_pg_describe(PGconn *conn, char *buf, size_t len)
{
    const char  *host = PQhost(conn);

    if (host == NULL || host[0] == '/') {
        snprintf(buf, len, "database %s via socket %s as %s", PQdb(conn),
                 host != NULL ? host : "(default)", PQuser(conn));

    } else {
        snprintf(buf, len, "database %s on %s:%s as %s", PQdb(conn), host,
                 PQport(conn), PQuser(conn));
    }

    return buf;
}


/*
 * Drive PQconnectPoll() until the connection is up, fails, times out at
 * deadline_ms, or *stop is raised.  Returns 0 when connected, else -1 with
 * a reason in errbuf.
 */
static int
wk_pg_connect_poll(PGconn *conn, volatile sig_atomic_t *stop,
    long long deadline_ms, char *errbuf, size_t errlen)
{
    PostgresPollingStatusType  st = PGRES_POLLING_WRITING;
    struct pollfd              pfd;
    long long                  left;
    int                        rc;

    for ( ;; ) {
        if (st == PGRES_POLLING_OK) {
            return 0;
        }

        if (st == PGRES_POLLING_FAILED) {
            wk_pg_error_line(conn, errbuf, errlen);
            return -1;
        }

        if (stop != NULL && *stop) {
            snprintf(errbuf, errlen, "interrupted");
            return -1;
        }

        left = deadline_ms - wk_now_ms();

        if (left <= 0) {
            snprintf(errbuf, errlen, "timed out while connecting");
            return -1;
        }

        pfd.fd = PQsocket(conn);
        pfd.events = (st == PGRES_POLLING_READING) ? POLLIN : POLLOUT;
        pfd.revents = 0;

        rc = poll(&pfd, 1, left < WK_PG_POLL_MS ? (int) left : WK_PG_POLL_MS);

        if (rc < 0 && errno != EINTR) {
            snprintf(errbuf, errlen, "poll: %s", strerror(errno));
            return -1;
        }

        if (rc > 0) {
            st = PQconnectPoll(conn);
        }
    }
}


PGconn *
wk_pg_connect(const char *conninfo, const char *what,
    volatile sig_atomic_t *stop, int timeout_sec, char *errbuf,
    size_t errlen)
{
    const char  *keys[] = { "application_name", "dbname", NULL };
    const char  *vals[] = { NULL, conninfo, NULL };
    char         app[64], reason[512];
    PGconn      *conn;

    snprintf(app, sizeof(app), "%s %s", WK_NAME, what);
    vals[0] = app;

    conn = PQconnectStartParams(keys, vals, 1);

    if (conn == NULL || PQstatus(conn) == CONNECTION_BAD) {
        wk_pg_error_line(conn, reason, sizeof(reason));
        goto failed;
    }

    if (wk_pg_connect_poll(conn, stop, wk_now_ms() + timeout_sec * 1000LL,
                           reason, sizeof(reason))
        != 0)
    {
        goto failed;
    }

    PQsetNoticeProcessor(conn, wk_pg_notice, NULL);

    return conn;

failed:

    if (errbuf != NULL) {
        snprintf(errbuf, errlen, "%s", reason);

    } else {
        wk_log("%s: cannot connect to the database: %s", what, reason);
    }

    PQfinish(conn);
    return NULL;
}


PGresult *
wk_pg_exec(PGconn *conn, const char *sql, const char *what)
{
    PGresult        *res;
    ExecStatusType   st;
    char             reason[512];
    const char      *msg;

    res = PQexec(conn, sql);
    st = PQresultStatus(res);

    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        return res;
    }

    msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

    if (msg == NULL) {
        msg = wk_pg_error_line(conn, reason, sizeof(reason));
    }

    wk_log("%s: %s", what, msg);
    PQclear(res);

    return NULL;
}


int
wk_pg_run(PGconn *conn, const char *sql, const char *what)
{
    PGresult  *res = wk_pg_exec(conn, sql, what);

    if (res == NULL) {
        return -1;
    }

    PQclear(res);
    return 0;
}


/* 1-based line number of the 1-based character position pos in s (UTF-8). */
static int
wk_pg_line_of(const char *s, long pos)
{
    int   line = 1;
    long  chars = 0;

    for ( ; *s != '\0'; s++) {
        if (((unsigned char) *s & 0xc0) != 0x80 && ++chars >= pos) {
            break;
        }

        if (*s == '\n') {
            line++;
        }
    }

    return line;
}


void
wk_pg_report(PGconn *conn, const PGresult *res, const char *label,
    const char *sql)
{
    const char  *primary, *pos, *state, *detail, *hint, *context;
    char         where[PATH_MAX + 32], reason[512];

    primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
    state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
    context = PQresultErrorField(res, PG_DIAG_CONTEXT);

    if (pos != NULL && sql != NULL) {
        snprintf(where, sizeof(where), "%s:%d", label,
                 wk_pg_line_of(sql, atol(pos)));
    } else {
        snprintf(where, sizeof(where), "%s", label);
    }

    wk_log("%s: %s (SQLSTATE %s)", where,
           primary ? primary : wk_pg_error_line(conn, reason, sizeof(reason)),
           state ? state : "?");

    if (detail != NULL) {
        wk_log("  detail: %s", detail);
    }

    if (hint != NULL) {
        wk_log("  hint: %s", hint);
    }

    if (context != NULL) {
        wk_log("  context: %.*s", (int) strcspn(context, "\n"), context);
    }
}


/* Print a result as an aligned text table, header line first. */
void
wk_pg_print(const PGresult *res)
{
    int     rows = PQntuples(res), cols = PQnfields(res), r, c;
    int     width[16];
    size_t  len;

    if (cols > 16) {
        cols = 16;
    }

    for (c = 0; c < cols; c++) {
        width[c] = (int) strlen(PQfname(res, c));

        for (r = 0; r < rows; r++) {
            len = strlen(PQgetvalue(res, r, c));
            width[c] = (len > (size_t) width[c]) ? (int) len : width[c];
        }
    }

    for (r = -1; r < rows; r++) {
        for (c = 0; c < cols; c++) {
            printf("%-*s%s", c + 1 < cols ? width[c] : 0,
                   r < 0 ? PQfname(res, c) : PQgetvalue(res, r, c),
                   c + 1 < cols ? "  " : "\n");
        }
    }
}
