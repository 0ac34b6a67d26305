/*
 * One libpq connection driven by nginx's event loop.
 *
 * connect → idle → send → flush → results → idle, never blocking: libpq is
 * used only through PQconnectStartParams/PQconnectPoll, PQsendQueryParams,
 * PQflush, PQconsumeInput and PQgetResult once PQisBusy says it will not
 * wait.  Connections run in libpq's pipeline mode: a batch of up to
 * NGX_HTTP_HELPDESK_BATCH statements goes out in one write, each followed by
 * its own Sync, and each result is handed to its owner as soon as it is in
 * (results arrive in order: the statement's results, a NULL, then the
 * Sync's PGRES_PIPELINE_SYNC).  A query that names a statement the
 * connection has not prepared yet is sent as Prepare + Execute before its
 * Sync; the Prepare's result is absorbed here (or, when it failed, becomes
 * the query's result).  The socket's read event is registered
 * level-triggered (an
 * edge-triggered read stalls large results, see NGINX-NOTES.md); the write
 * event only while libpq has bytes to write.  libpq owns the socket: the
 * nginx connection wrapping it is closed with c->shared set, then PQfinish
 * closes the fd.
 */

#include "ngx_http_helpdesk.h"


static void ngx_http_helpdesk_pg_handler(ngx_event_t *ev);
static void ngx_http_helpdesk_pg_connect_poll(ngx_http_helpdesk_conn_t *hc);
static void ngx_http_helpdesk_pg_flush(ngx_http_helpdesk_conn_t *hc);
static void ngx_http_helpdesk_pg_read(ngx_http_helpdesk_conn_t *hc);
static void ngx_http_helpdesk_pg_fail(ngx_http_helpdesk_conn_t *hc,
    hd_problem_t problem, hd_db_error_kind_t kind);
static ngx_int_t ngx_http_helpdesk_pg_want_write(ngx_http_helpdesk_conn_t *hc,
    ngx_uint_t on);
static ngx_int_t ngx_http_helpdesk_pg_bind(ngx_http_helpdesk_conn_t *hc);
static void ngx_http_helpdesk_pg_unbind(ngx_http_helpdesk_conn_t *hc);
static ngx_uint_t ngx_http_helpdesk_pg_socket_same(
    ngx_http_helpdesk_conn_t *hc);


ngx_http_helpdesk_conn_t *
ngx_http_helpdesk_pg_connect(ngx_http_helpdesk_pool_t *pool)
{
    ngx_http_helpdesk_conn_t  *hc;

    hc = ngx_calloc(sizeof(ngx_http_helpdesk_conn_t), pool->log);
    if (hc == NULL) {
        return NULL;
    }

    hc->pool = pool;
    hc->state = NGX_HTTP_HELPDESK_CONNECTING;

    hc->pg = PQconnectStartParams(pool->conf->db_keywords,
                                  pool->conf->db_values, 0);

    if (hc->pg == NULL || PQstatus(hc->pg) == CONNECTION_BAD) {
        ngx_log_error(NGX_LOG_ERR, pool->log, 0,
                      "helpdesk: database connect failed: %s",
                      hc->pg ? PQerrorMessage(hc->pg) : "out of memory");
        goto failed;
    }

    if (ngx_http_helpdesk_pg_bind(hc) != NGX_OK) {
        goto failed;
    }

    /* PQconnectStart behaves as if PQconnectPoll said "writing" */

    if (ngx_http_helpdesk_pg_want_write(hc, 1) != NGX_OK) {
        goto failed;
    }

    ngx_add_timer(hc->c->read, pool->conf->timeout);

    return hc;

failed:

    ngx_http_helpdesk_pg_unbind(hc);

    if (hc->pg) {
        PQfinish(hc->pg);
    }

    ngx_free(hc);
    return NULL;
}


/*
 * Wraps PQsocket() in an nginx connection with a level-triggered read event.
 */
static ngx_int_t
ngx_http_helpdesk_pg_bind(ngx_http_helpdesk_conn_t *hc)
{
    int                fd;
    struct stat        st;
    ngx_connection_t  *c;

    fd = PQsocket(hc->pg);
    if (fd == -1) {
        return NGX_ERROR;
    }

    c = ngx_get_connection(fd, hc->pool->log);
    if (c == NULL) {
        return NGX_ERROR;
    }

    c->data = hc;
    c->read->handler = ngx_http_helpdesk_pg_handler;
    c->write->handler = ngx_http_helpdesk_pg_handler;
    c->read->log = hc->pool->log;
    c->write->log = hc->pool->log;
    c->log->action = "talking to the helpdesk database";

    hc->c = c;

    if (fstat(fd, &st) == -1) {
        ngx_http_helpdesk_pg_unbind(hc);
        return NGX_ERROR;
    }

    hc->sock_ino = st.st_ino;

    if (ngx_add_event(c->read, NGX_READ_EVENT, NGX_LEVEL_EVENT) != NGX_OK) {
        ngx_http_helpdesk_pg_unbind(hc);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * Whether libpq still talks over the socket we registered.  libpq closes
 * its socket itself when the server goes away or a connect attempt fails,
 * and may open another one (same fd number, new socket) to retry, e.g.
 * without SSL: the inode tells them apart.
 */
static ngx_uint_t
ngx_http_helpdesk_pg_socket_same(ngx_http_helpdesk_conn_t *hc)
{
    struct stat  st;

    if (hc->pg == NULL || PQsocket(hc->pg) != hc->c->fd) {
        return 0;
    }

    return fstat(hc->c->fd, &st) == 0 && st.st_ino == hc->sock_ino;
}


/*
 * Removes the socket from nginx without closing it: the fd is libpq's.
 * A socket libpq already closed left epoll with its close.
 */
static void
ngx_http_helpdesk_pg_unbind(ngx_http_helpdesk_conn_t *hc)
{
    ngx_connection_t  *c;

    c = hc->c;
    if (c == NULL) {
        return;
    }

    if (ngx_http_helpdesk_pg_socket_same(hc)) {
        if (c->read->active) {
            ngx_del_event(c->read, NGX_READ_EVENT, 0);
        }

        if (c->write->active) {
            ngx_del_event(c->write, NGX_WRITE_EVENT, 0);
        }
    }

    c->read->active = 0;
    c->write->active = 0;

    c->shared = 1;
    ngx_close_connection(c);
    hc->c = NULL;
}


static ngx_int_t
ngx_http_helpdesk_pg_want_write(ngx_http_helpdesk_conn_t *hc, ngx_uint_t on)
{
    ngx_event_t  *wev;

    wev = hc->c->write;

    if (on && !wev->active) {
        return ngx_add_event(wev, NGX_WRITE_EVENT, NGX_LEVEL_EVENT);
    }

    if (!on && wev->active) {
        return ngx_del_event(wev, NGX_WRITE_EVENT, 0);
    }

    return NGX_OK;
}


/*
 * Closes the connection and frees it; the pool must already have let go of
 * it (ngx_http_helpdesk_pool_conn_closed).
 */
void
ngx_http_helpdesk_pg_close(ngx_http_helpdesk_conn_t *hc)
{
    ngx_http_helpdesk_pg_unbind(hc);

    if (hc->result) {
        PQclear(hc->result);
    }

    if (hc->pg) {
        PQfinish(hc->pg);
    }

    ngx_free(hc);
}


static void
ngx_http_helpdesk_pg_handler(ngx_event_t *ev)
{
    ngx_connection_t          *c;
    ngx_http_helpdesk_conn_t  *hc;

    c = ev->data;
    hc = c->data;

    if (c->close) {
        /* worker shutting down: ngx_close_idle_connections() */
        ngx_http_helpdesk_pool_conn_closed(hc);
        ngx_http_helpdesk_pg_close(hc);
        return;
    }

    if (ev->timedout) {
        ev->timedout = 0;

        ngx_log_error(NGX_LOG_ERR, hc->pool->log, NGX_ETIMEDOUT,
                      "helpdesk: database %s timed out",
                      hc->state == NGX_HTTP_HELPDESK_CONNECTING
                      ? "connect" : "query");

        ngx_http_helpdesk_pg_fail(hc,
            hc->state == NGX_HTTP_HELPDESK_CONNECTING
            ? HD_PROBLEM_DB_UNAVAILABLE : HD_PROBLEM_DB_TIMEOUT,
            HD_DB_ERROR_TIMEOUT);
        return;
    }

    switch (hc->state) {

    case NGX_HTTP_HELPDESK_CONNECTING:
        ngx_http_helpdesk_pg_connect_poll(hc);
        return;

    case NGX_HTTP_HELPDESK_BUSY:
        if (ev->write) {
            ngx_http_helpdesk_pg_flush(hc);
            return;
        }

        ngx_http_helpdesk_pg_read(hc);
        return;

    default: /* NGX_HTTP_HELPDESK_IDLE */

        /*
         * Nothing is expected on an idle connection: this is the server
         * going away (restart, idle timeout) or a stray notice.
         */

        if (ev->write) {
            (void) ngx_http_helpdesk_pg_want_write(hc, 0);
            return;
        }

        if (PQconsumeInput(hc->pg) && PQstatus(hc->pg) == CONNECTION_OK
            && !PQisBusy(hc->pg))
        {
            return;
        }

        ngx_log_error(NGX_LOG_INFO, hc->pool->log, 0,
                      "helpdesk: idle database connection closed: %s",
                      PQerrorMessage(hc->pg));

        ngx_http_helpdesk_pool_conn_closed(hc);
        ngx_http_helpdesk_pg_close(hc);
        return;
    }
}


static void
ngx_http_helpdesk_pg_connect_poll(ngx_http_helpdesk_conn_t *hc)
{
    PostgresPollingStatusType  st;

    st = PQconnectPoll(hc->pg);

    /* libpq may move to another socket while trying addresses or modes */

    if (st != PGRES_POLLING_FAILED && !ngx_http_helpdesk_pg_socket_same(hc)) {
        ngx_http_helpdesk_pg_unbind(hc);

        if (ngx_http_helpdesk_pg_bind(hc) != NGX_OK) {
            ngx_http_helpdesk_pg_fail(hc, HD_PROBLEM_DB_UNAVAILABLE,
                                      HD_DB_ERROR_CONNECT);
            return;
        }

        ngx_add_timer(hc->c->read, hc->pool->conf->timeout);
    }

    switch (st) {

    case PGRES_POLLING_READING:
        if (ngx_http_helpdesk_pg_want_write(hc, 0) != NGX_OK) {
            break;
        }
        return;

    case PGRES_POLLING_WRITING:
        if (ngx_http_helpdesk_pg_want_write(hc, 1) != NGX_OK) {
            break;
        }
        return;

    case PGRES_POLLING_OK:
        if (PQsetnonblocking(hc->pg, 1) != 0
            || ngx_http_helpdesk_pg_want_write(hc, 0) != NGX_OK)
        {
            break;
        }

        /* without pipeline mode a connection simply takes one at a time */
        hc->pipeline = PQenterPipelineMode(hc->pg) == 1;

        if (hc->c->read->timer_set) {
            ngx_del_timer(hc->c->read);
        }

        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, hc->pool->log, 0,
                       "helpdesk: database connected");

        ngx_http_helpdesk_pool_conn_ready(hc);
        return;

    default:
        break;
    }

    /* while the database is down every request tries: log once a second */

    if (hc->pool->last_error_log != ngx_time()) {
        hc->pool->last_error_log = ngx_time();
        ngx_log_error(NGX_LOG_ERR, hc->pool->log, 0,
                      "helpdesk: database connect failed: %s",
                      PQerrorMessage(hc->pg));
    }

    ngx_http_helpdesk_pg_fail(hc, HD_PROBLEM_DB_UNAVAILABLE,
                              HD_DB_ERROR_CONNECT);
}


/*
 * Queues one statement: unnamed, by name when the connection has prepared
 * it, or Prepare + Execute when it has not (pipeline mode only: without it
 * libpq takes one command at a time, and the statement goes unnamed).
 *
 * In pipeline mode a query with a test clock (q->now, accepted by core in
 * test mode only) is preceded by set_config('helpdesk.now', now, true):
 * the batch's Sync comes after the statement, so both run in one implicit
 * transaction and the setting ends with it.
 */
static ngx_int_t
ngx_http_helpdesk_pg_send_one(ngx_http_helpdesk_conn_t *hc,
    ngx_http_helpdesk_query_t *q, ngx_uint_t slot)
{
    ngx_uint_t  i;

    hc->preparing[slot] = NULL;
    hc->lead[slot] = 0;

    if (q->now != NULL && hc->pipeline) {
        if (!PQsendQueryParams(hc->pg,
                               "select set_config('helpdesk.now', $1, true)",
                               1, NULL, &q->now, NULL, NULL, 0))
        {
            return NGX_ERROR;
        }

        hc->lead[slot]++;
    }

    if (q->name == NULL || !hc->pipeline) {
        return PQsendQueryParams(hc->pg, q->sql, q->nparams, NULL, q->params,
                                 NULL, NULL, 0) ? NGX_OK : NGX_ERROR;
    }

    for (i = 0; i < hc->nprepared; i++) {
        if (hc->prepared[i] == q->name) {
            break;
        }
    }

    if (i == hc->nprepared) {

        if (hc->nprepared == NGX_HTTP_HELPDESK_PREPARED) {
            return PQsendQueryParams(hc->pg, q->sql, q->nparams, NULL,
                                     q->params, NULL, NULL, 0)
                   ? NGX_OK : NGX_ERROR;
        }

        if (!PQsendPrepare(hc->pg, q->name, q->sql, q->nparams, NULL)) {
            return NGX_ERROR;
        }

        /* taken as prepared from now on, for the rest of this batch too;
           forgotten again if the Prepare fails or is skipped */

        hc->prepared[hc->nprepared++] = q->name;
        hc->preparing[slot] = q->name;
        hc->lead[slot]++;
    }

    return PQsendQueryPrepared(hc->pg, q->name, q->nparams, q->params, NULL,
                               NULL, 0) ? NGX_OK : NGX_ERROR;
}


static void
ngx_http_helpdesk_pg_unprepare(ngx_http_helpdesk_conn_t *hc, const char *name)
{
    ngx_uint_t  i;

    for (i = 0; i < hc->nprepared; i++) {
        if (hc->prepared[i] == name) {
            hc->prepared[i] = hc->prepared[--hc->nprepared];
            return;
        }
    }
}


/*
 * Sends n queries (1 when the connection is not in pipeline mode) on an
 * idle connection.  Failures are reported through the queries' handlers.
 */
void
ngx_http_helpdesk_pg_send(ngx_http_helpdesk_conn_t *hc,
    ngx_http_helpdesk_query_t **q, ngx_uint_t n)
{
    ngx_uint_t  i;

    hc->state = NGX_HTTP_HELPDESK_BUSY;
    hc->nbatch = n;
    hc->head = 0;
    hc->head_done = 0;
    hc->head_groups = 0;

    for (i = 0; i < n; i++) {
        hc->batch[i] = q[i];
        q[i]->conn = hc;
        q[i]->slot = i;
    }

    for (i = 0; i < n; i++) {
        if (ngx_http_helpdesk_pg_send_one(hc, q[i], i) != NGX_OK
            || (hc->pipeline && !PQpipelineSync(hc->pg)))
        {
            ngx_log_error(NGX_LOG_ERR, hc->pool->log, 0,
                          "helpdesk: sending a statement failed: %s",
                          PQerrorMessage(hc->pg));
            ngx_http_helpdesk_pg_fail(hc, HD_PROBLEM_DB_UNAVAILABLE,
                                      HD_DB_ERROR_QUERY);
            return;
        }
    }

    ngx_add_timer(hc->c->read, hc->pool->conf->timeout);

    ngx_http_helpdesk_pg_flush(hc);
}


static void
ngx_http_helpdesk_pg_flush(ngx_http_helpdesk_conn_t *hc)
{
    switch (PQflush(hc->pg)) {

    case 0:
        if (ngx_http_helpdesk_pg_want_write(hc, 0) == NGX_OK) {
            return;
        }
        break;

    case 1:
        if (ngx_http_helpdesk_pg_want_write(hc, 1) == NGX_OK) {
            return;
        }
        break;

    default:
        break;
    }

    ngx_http_helpdesk_pg_fail(hc, HD_PROBLEM_DB_UNAVAILABLE,
                              HD_DB_ERROR_QUERY);
}


/*
 * Hands the head query its result (NULL result: none arrived) and moves to
 * the next one.
 */
static void
ngx_http_helpdesk_pg_deliver(ngx_http_helpdesk_conn_t *hc)
{
    PGresult                   *res;
    ngx_http_helpdesk_query_t  *q;

    q = hc->batch[hc->head];
    res = hc->result;

    hc->batch[hc->head] = NULL;
    hc->result = NULL;
    hc->head++;
    hc->head_done = 0;
    hc->head_groups = 0;

    if (res != NULL && PQresultStatus(res) == PGRES_FATAL_ERROR) {
        ngx_http_helpdesk_metrics_db_error(HD_DB_ERROR_QUERY);
        ngx_log_error(NGX_LOG_ERR, hc->pool->log, 0,
                      "helpdesk: statement failed: %s",
                      PQresultErrorMessage(res));
    }

    if (q != NULL) {
        q->conn = NULL;
        q->handler(q, res, HD_PROBLEM_DB_UNAVAILABLE);
    }

    if (res != NULL) {
        PQclear(res);
    }
}


/*
 * Reads what arrived and hands each finished statement's first result to
 * its owner; when the whole batch is in, gives the connection back.
 */
static void
ngx_http_helpdesk_pg_read(ngx_http_helpdesk_conn_t *hc)
{
    PGresult  *res;

    if (!PQconsumeInput(hc->pg)) {
        ngx_log_error(NGX_LOG_ERR, hc->pool->log, 0,
                      "helpdesk: database read failed: %s",
                      PQerrorMessage(hc->pg));
        ngx_http_helpdesk_pg_fail(hc, HD_PROBLEM_DB_UNAVAILABLE,
                                  HD_DB_ERROR_QUERY);
        return;
    }

    while (hc->head < hc->nbatch) {

        if (PQisBusy(hc->pg)) {
            return;
        }

        res = PQgetResult(hc->pg);

        if (res == NULL) {
            if (hc->head_done) {
                return;         /* the Sync has not arrived yet */
            }

            if (hc->head_groups < hc->lead[hc->head]) {
                hc->head_groups++;
                continue;       /* a leading command's; the statement's
                                   follow */
            }

            /* the head statement's results are complete */

            hc->head_done = 1;

            if (!hc->pipeline) {
                ngx_http_helpdesk_pg_deliver(hc);
            }

            continue;
        }

        if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
            PQclear(res);

            if (hc->head_done) {
                ngx_http_helpdesk_pg_deliver(hc);
            }

            continue;
        }

        if (hc->head_groups < hc->lead[hc->head]) {

            /* a leading command's result: only a failure is of interest,
               and then the Prepare (this one or the next) did not happen */

            if (PQresultStatus(res) == PGRES_COMMAND_OK
                || PQresultStatus(res) == PGRES_TUPLES_OK)
            {
                PQclear(res);
                continue;
            }

            if (hc->preparing[hc->head]) {
                ngx_http_helpdesk_pg_unprepare(hc, hc->preparing[hc->head]);
                hc->preparing[hc->head] = NULL;
            }
        }

        if (hc->result == NULL) {
            hc->result = res;

        } else {
            PQclear(res);
        }
    }

    /* the batch is complete */

    if (hc->c->read->timer_set) {
        ngx_del_timer(hc->c->read);
    }

    hc->state = NGX_HTTP_HELPDESK_IDLE;
    hc->nbatch = 0;
    hc->head = 0;

    if (PQstatus(hc->pg) == CONNECTION_OK
        && PQtransactionStatus(hc->pg) == PQTRANS_IDLE)
    {
        ngx_http_helpdesk_pool_conn_ready(hc);

    } else {
        ngx_http_helpdesk_pool_conn_closed(hc);
        ngx_http_helpdesk_pg_close(hc);
    }
}


/*
 * The connection is unusable: close it and tell the owners of the queries
 * it still had, if any.
 */
static void
ngx_http_helpdesk_pg_fail(ngx_http_helpdesk_conn_t *hc, hd_problem_t problem,
    hd_db_error_kind_t kind)
{
    ngx_uint_t                  i, n;
    ngx_http_helpdesk_query_t  *q[NGX_HTTP_HELPDESK_BATCH];

    ngx_http_helpdesk_metrics_db_error(kind);

    n = 0;

    for (i = hc->head; i < hc->nbatch; i++) {
        if (hc->batch[i] != NULL) {
            q[n++] = hc->batch[i];
            hc->batch[i] = NULL;
        }
    }

    hc->nbatch = 0;

    ngx_http_helpdesk_pool_conn_closed(hc);
    ngx_http_helpdesk_pg_close(hc);

    for (i = 0; i < n; i++) {
        q[i]->conn = NULL;
        q[i]->handler(q[i], NULL, problem);
    }
}
