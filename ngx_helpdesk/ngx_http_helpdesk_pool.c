/*
 * The per-worker pool of database connections.
 *
 * At most helpdesk_db_pool_size connections per worker, opened on demand.
 * A query takes an idle connection, or waits in a bounded FIFO queue with a
 * timer of its own; a full queue is refused at once (the caller answers 503
 * with Retry-After).  A connection that comes free takes up to
 * NGX_HTTP_HELPDESK_BATCH waiting queries at once (libpq pipeline mode), so
 * under load one round trip to the server serves several requests.  A connection that finished cleanly goes back to the
 * idle list or straight to the next waiting query; one in any doubtful state
 * is closed instead.  When the database is unreachable the waiting queries
 * fail fast, and the next query simply tries to connect again.
 */

#include "ngx_http_helpdesk.h"


static void ngx_http_helpdesk_pool_wait_timeout(ngx_event_t *ev);
static void ngx_http_helpdesk_pool_connect(ngx_http_helpdesk_pool_t *pool);
static void ngx_http_helpdesk_pool_fail_waiting(ngx_http_helpdesk_pool_t *pool,
    hd_problem_t problem);


ngx_int_t
ngx_http_helpdesk_pool_init(ngx_cycle_t *cycle,
    ngx_http_helpdesk_main_conf_t *hmcf)
{
    ngx_http_helpdesk_pool_t  *pool;

    pool = ngx_pcalloc(cycle->pool, sizeof(ngx_http_helpdesk_pool_t));
    if (pool == NULL) {
        return NGX_ERROR;
    }

    pool->conf = hmcf;
    pool->log = cycle->log;
    ngx_queue_init(&pool->idle);
    ngx_queue_init(&pool->busy);
    ngx_queue_init(&pool->waiting);

    hmcf->pool = pool;

    ngx_http_helpdesk_pool_gauges(pool);

    return NGX_OK;
}


/*
 * Worker exit: every connection is closed so that none is reported as an
 * open socket left behind.
 */
void
ngx_http_helpdesk_pool_exit(ngx_http_helpdesk_pool_t *pool)
{
    ngx_queue_t               *lists[2], *q;
    ngx_uint_t                 i, k;
    ngx_http_helpdesk_conn_t  *hc;

    ngx_http_helpdesk_pool_fail_waiting(pool, HD_PROBLEM_DB_UNAVAILABLE);

    lists[0] = &pool->idle;
    lists[1] = &pool->busy;

    for (i = 0; i < 2; i++) {
        while (!ngx_queue_empty(lists[i])) {
            q = ngx_queue_head(lists[i]);
            hc = ngx_queue_data(q, ngx_http_helpdesk_conn_t, queue);

            for (k = 0; k < hc->nbatch; k++) {
                if (hc->batch[k] != NULL) {
                    hc->batch[k]->conn = NULL;
                    hc->batch[k] = NULL;
                }
            }

            ngx_http_helpdesk_pool_conn_closed(hc);
            ngx_http_helpdesk_pg_close(hc);
        }
    }
}


void
ngx_http_helpdesk_pool_gauges(ngx_http_helpdesk_pool_t *pool)
{
    ngx_http_helpdesk_metrics_pool(
        pool->nconns - pool->nidle - pool->nconnecting, pool->nidle,
        pool->nwaiting, pool->nconnecting);
}


/*
 * Runs q now or queues it.  Returns NGX_OK when q's handler will be called,
 * NGX_DECLINED when the wait queue is full (q is untouched).
 */
ngx_int_t
ngx_http_helpdesk_pool_query(ngx_http_helpdesk_pool_t *pool,
    ngx_http_helpdesk_query_t *q)
{
    ngx_queue_t               *head;
    ngx_http_helpdesk_conn_t  *hc;

    q->pool = pool;
    (void) clock_gettime(CLOCK_MONOTONIC, &q->started);

    if (!ngx_queue_empty(&pool->idle)) {
        head = ngx_queue_head(&pool->idle);
        ngx_queue_remove(head);
        ngx_queue_insert_tail(&pool->busy, head);
        pool->nidle--;

        hc = ngx_queue_data(head, ngx_http_helpdesk_conn_t, queue);
        hc->c->idle = 0;

        ngx_http_helpdesk_pool_gauges(pool);
        ngx_http_helpdesk_pg_send(hc, &q, 1);
        return NGX_OK;
    }

    if (pool->nwaiting >= pool->conf->queue_size) {
        ngx_http_helpdesk_metrics_db_error(HD_DB_ERROR_OVERFLOW);
        return NGX_DECLINED;
    }

    ngx_queue_insert_tail(&pool->waiting, &q->queue);
    pool->nwaiting++;
    q->waiting = 1;

    q->wait.handler = ngx_http_helpdesk_pool_wait_timeout;
    q->wait.data = q;
    q->wait.log = pool->log;
    ngx_add_timer(&q->wait, pool->conf->timeout);

    if (pool->nconns < pool->conf->pool_size) {
        ngx_http_helpdesk_pool_connect(pool);

    } else {
        ngx_http_helpdesk_pool_gauges(pool);
    }

    return NGX_OK;
}


static void
ngx_http_helpdesk_pool_connect(ngx_http_helpdesk_pool_t *pool)
{
    ngx_http_helpdesk_conn_t  *hc;

    hc = ngx_http_helpdesk_pg_connect(pool);

    if (hc == NULL) {
        ngx_http_helpdesk_metrics_db_error(HD_DB_ERROR_CONNECT);

        if (pool->nconns == 0) {
            ngx_http_helpdesk_pool_fail_waiting(pool,
                                                HD_PROBLEM_DB_UNAVAILABLE);
        }

        ngx_http_helpdesk_pool_gauges(pool);
        return;
    }

    ngx_queue_insert_tail(&pool->busy, &hc->queue);
    pool->nconns++;
    pool->nconnecting++;

    ngx_http_helpdesk_pool_gauges(pool);
}


static ngx_http_helpdesk_query_t *
ngx_http_helpdesk_pool_dequeue(ngx_http_helpdesk_pool_t *pool)
{
    ngx_queue_t                *head;
    ngx_http_helpdesk_query_t  *q;

    if (ngx_queue_empty(&pool->waiting)) {
        return NULL;
    }

    head = ngx_queue_head(&pool->waiting);
    ngx_queue_remove(head);
    pool->nwaiting--;

    q = ngx_queue_data(head, ngx_http_helpdesk_query_t, queue);
    q->waiting = 0;

    if (q->wait.timer_set) {
        ngx_del_timer(&q->wait);
    }

    return q;
}


/*
 * A connection finished connecting or finished a statement cleanly: it
 * serves the oldest waiting query, or rests in the idle list.
 */
void
ngx_http_helpdesk_pool_conn_ready(ngx_http_helpdesk_conn_t *hc)
{
    ngx_uint_t                  n, max;
    ngx_http_helpdesk_pool_t   *pool;
    ngx_http_helpdesk_query_t  *batch[NGX_HTTP_HELPDESK_BATCH];

    pool = hc->pool;

    if (hc->c->read->timer_set) {
        ngx_del_timer(hc->c->read);
    }

    if (hc->state == NGX_HTTP_HELPDESK_CONNECTING) {
        pool->nconnecting--;
    }

    hc->state = NGX_HTTP_HELPDESK_IDLE;

    n = 0;
    max = hc->pipeline ? NGX_HTTP_HELPDESK_BATCH : 1;

    while (n < max && (batch[n] = ngx_http_helpdesk_pool_dequeue(pool))
                      != NULL)
    {
        n++;
    }

    if (n > 0) {
        ngx_http_helpdesk_pool_gauges(pool);
        ngx_http_helpdesk_pg_send(hc, batch, n);
        return;
    }

    /* a worker shutting down finishes what waits, then keeps nothing */

    if (ngx_exiting || ngx_terminate) {
        ngx_http_helpdesk_pool_conn_closed(hc);
        ngx_http_helpdesk_pg_close(hc);
        return;
    }

    ngx_queue_remove(&hc->queue);
    ngx_queue_insert_head(&pool->idle, &hc->queue);
    pool->nidle++;
    hc->c->idle = 1;

    ngx_http_helpdesk_pool_gauges(pool);
}


/*
 * Takes a connection out of the pool before it is closed.  When it was the
 * last one, queries still waiting fail now rather than at their timeout;
 * when a live connection died with work waiting, a fresh one is started.
 */
void
ngx_http_helpdesk_pool_conn_closed(ngx_http_helpdesk_conn_t *hc)
{
    ngx_http_helpdesk_pool_t  *pool;

    pool = hc->pool;

    ngx_queue_remove(&hc->queue);
    pool->nconns--;

    if (hc->c != NULL && hc->c->idle) {
        pool->nidle--;
        hc->c->idle = 0;
    }

    if (hc->state == NGX_HTTP_HELPDESK_CONNECTING) {
        pool->nconnecting--;

        if (pool->nconns == 0) {
            ngx_http_helpdesk_pool_fail_waiting(pool,
                                                HD_PROBLEM_DB_UNAVAILABLE);
        }

    } else if (!ngx_queue_empty(&pool->waiting)
               && pool->nconns < pool->conf->pool_size && !ngx_terminate)
    {
        ngx_http_helpdesk_pool_connect(pool);
    }

    ngx_http_helpdesk_pool_gauges(pool);
}


static void
ngx_http_helpdesk_pool_fail_waiting(ngx_http_helpdesk_pool_t *pool,
    hd_problem_t problem)
{
    ngx_http_helpdesk_query_t  *q;

    while ((q = ngx_http_helpdesk_pool_dequeue(pool)) != NULL) {
        q->handler(q, NULL, problem);
    }
}


static void
ngx_http_helpdesk_pool_wait_timeout(ngx_event_t *ev)
{
    ngx_http_helpdesk_pool_t   *pool;
    ngx_http_helpdesk_query_t  *q;

    q = ev->data;
    pool = q->pool;

    ngx_queue_remove(&q->queue);
    pool->nwaiting--;
    q->waiting = 0;

    ngx_http_helpdesk_metrics_db_error(HD_DB_ERROR_OVERFLOW);
    ngx_http_helpdesk_pool_gauges(pool);

    q->handler(q, NULL, HD_PROBLEM_OVERLOADED);
}


/*
 * The query's owner is going away.  A waiting query leaves the queue; a
 * running one is orphaned: its connection finishes the statement, drops
 * the result and goes on with its batch (or is closed by its timer).
 */
void
ngx_http_helpdesk_pool_cancel(ngx_http_helpdesk_query_t *q)
{
    ngx_http_helpdesk_pool_t  *pool;

    if (q->waiting) {
        pool = q->pool;

        ngx_queue_remove(&q->queue);
        pool->nwaiting--;
        q->waiting = 0;

        if (q->wait.timer_set) {
            ngx_del_timer(&q->wait);
        }

        ngx_http_helpdesk_pool_gauges(pool);
        return;
    }

    if (q->conn != NULL) {
        q->conn->batch[q->slot] = NULL;
        q->conn = NULL;
    }
}
