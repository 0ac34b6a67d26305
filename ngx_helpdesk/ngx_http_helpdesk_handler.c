/*
 * Content handlers: match the route, read the body, let the core plan the
 * operation, run its statement on the pool, and send what the core renders.
 *
 * A request that waits for the database holds one extra reference
 * (r->main->count) and is finalized exactly once, from the query handler or
 * when the client goes away.  A pool cleanup detaches the query if the
 * request dies first.
 */

#include <openssl/rand.h>

#include "ngx_http_helpdesk.h"


static void ngx_http_helpdesk_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_helpdesk_dispatch(ngx_http_request_t *r,
    ngx_http_helpdesk_ctx_t *ctx);
static ngx_int_t ngx_http_helpdesk_run(ngx_http_request_t *r,
    ngx_http_helpdesk_ctx_t *ctx, hd_api_rc_t step);
static void ngx_http_helpdesk_query_done(ngx_http_helpdesk_query_t *q,
    PGresult *res, hd_problem_t problem);
static ngx_int_t ngx_http_helpdesk_task_post(ngx_http_request_t *r,
    ngx_http_helpdesk_ctx_t *ctx);
static ngx_int_t ngx_http_helpdesk_limit_allows(ngx_http_request_t *r,
    ngx_http_helpdesk_ctx_t *ctx);
static void ngx_http_helpdesk_limit_done(ngx_http_request_t *r,
    ngx_http_helpdesk_ctx_t *ctx);
static void ngx_http_helpdesk_check_broken(ngx_http_request_t *r);
static void ngx_http_helpdesk_cleanup(void *data);
static ngx_int_t ngx_http_helpdesk_send_file(ngx_http_request_t *r,
    ngx_http_helpdesk_ctx_t *ctx, hd_resp_t *resp);
static ngx_int_t ngx_http_helpdesk_send(ngx_http_request_t *r,
    hd_resp_t *resp, const char *allow);
static ngx_int_t ngx_http_helpdesk_problem(ngx_http_request_t *r,
    ngx_http_helpdesk_ctx_t *ctx, hd_problem_t p, const char *detail,
    const char *allow);


/*
 * The request's id: the client's X-Request-Id when well-formed, otherwise
 * the one nginx generated ($helpdesk_request_id).
 */
static ngx_http_helpdesk_ctx_t *
ngx_http_helpdesk_ctx_create(ngx_http_request_t *r)
{
    ngx_http_variable_value_t      *vv;
    ngx_http_helpdesk_ctx_t        *ctx;
    ngx_http_helpdesk_main_conf_t  *hmcf;

    hmcf = ngx_http_get_module_main_conf(r, ngx_http_helpdesk_module);

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_helpdesk_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    ctx->route = HD_ROUTE_NONE;

    vv = ngx_http_get_indexed_variable(r, hmcf->request_id_index);
    if (vv == NULL || vv->not_found) {
        return NULL;
    }

    ctx->request_id.data = ngx_pnalloc(r->pool, vv->len + 1);
    if (ctx->request_id.data == NULL) {
        return NULL;
    }

    ngx_memcpy(ctx->request_id.data, vv->data, vv->len);
    ctx->request_id.data[vv->len] = '\0';
    ctx->request_id.len = vv->len;

    ngx_http_set_ctx(r, ctx, ngx_http_helpdesk_module);

    return ctx;
}


ngx_int_t
ngx_http_helpdesk_api_handler(ngx_http_request_t *r)
{
    ngx_int_t                       rc;
    hd_route_rc_t                   found;
    ngx_http_helpdesk_ctx_t        *ctx;
    ngx_http_helpdesk_main_conf_t  *hmcf;

    hmcf = ngx_http_get_module_main_conf(r, ngx_http_helpdesk_module);

    ctx = ngx_http_helpdesk_ctx_create(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    found = hd_route_match((char *) r->method_name.data, r->method_name.len,
                           (char *) r->uri.data, r->uri.len,
                           hmcf->test_mode != 0, &ctx->match);

    if (found != HD_ROUTE_FOUND || !(ctx->match.route->flags
                                     & (HD_ROUTE_JSON_BODY|HD_ROUTE_UPLOAD)))
    {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    switch (found) {

    case HD_ROUTE_NOT_FOUND:
        return ngx_http_helpdesk_problem(r, ctx, HD_PROBLEM_NOT_FOUND,
                                         "no such API resource", NULL);

    case HD_ROUTE_BAD_METHOD:
        return ngx_http_helpdesk_problem(r, ctx,
                                         HD_PROBLEM_METHOD_NOT_ALLOWED,
                                         NULL, ctx->match.allow);

    default:
        break;
    }

    ctx->route = ctx->match.route->id;

    if (!(ctx->match.route->flags & (HD_ROUTE_JSON_BODY|HD_ROUTE_UPLOAD))) {
        return ngx_http_helpdesk_dispatch(r, ctx);
    }

    if (ctx->match.route->flags & HD_ROUTE_UPLOAD) {

        /* a file: always spooled to a named temporary file (persistent:
           not unlinked at once, so that it can be linked into the store),
           which nginx removes with the request (clean): an aborted upload
           leaves nothing behind */

        r->request_body_in_file_only = 1;
        r->request_body_in_persistent_file = 1;
        r->request_body_in_clean_file = 1;
        r->request_body_file_log_level = 0;
    }

    rc = ngx_http_read_client_request_body(r, ngx_http_helpdesk_body_handler);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


/*
 * Copies the request body into one NUL-terminated buffer, reading the parts
 * nginx spooled to a temporary file.
 */
static ngx_int_t
ngx_http_helpdesk_body(ngx_http_request_t *r, ngx_http_helpdesk_ctx_t *ctx)
{
    off_t         len;
    u_char       *p;
    ssize_t       n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    len = 0;

    if (r->request_body == NULL) {
        ctx->body = "";
        return NGX_OK;
    }

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        len += ngx_buf_size(cl->buf);
    }

    p = ngx_pnalloc(r->pool, (size_t) len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ctx->body = (char *) p;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (b->in_file) {
            n = ngx_read_file(b->file, p, (size_t) (b->file_last
                                                    - b->file_pos),
                              b->file_pos);
            if (n != b->file_last - b->file_pos) {
                return NGX_ERROR;
            }

            p += n;
            continue;
        }

        if (b->last > b->pos) {
            p = ngx_cpymem(p, b->pos, b->last - b->pos);
        }
    }

    *p = '\0';
    ctx->req.body_len = (size_t) (p - (u_char *) ctx->body);

    return NGX_OK;
}


static void
ngx_http_helpdesk_body_handler(ngx_http_request_t *r)
{
    ngx_http_helpdesk_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_helpdesk_module);

    if (ctx->match.route->flags & HD_ROUTE_UPLOAD) {
        if (r->request_body != NULL && r->request_body->temp_file != NULL) {
            ctx->upload_path =
                (char *) r->request_body->temp_file->file.name.data;
            ctx->upload_size = r->request_body->temp_file->file.offset;
        }

        ngx_http_finalize_request(r, ngx_http_helpdesk_dispatch(r, ctx));
        return;
    }

    if (ngx_http_helpdesk_body(r, ctx) != NGX_OK) {
        ngx_http_finalize_request(r, ngx_http_helpdesk_problem(r, ctx,
                                          HD_PROBLEM_INTERNAL, NULL, NULL));
        return;
    }

    ngx_http_finalize_request(r, ngx_http_helpdesk_dispatch(r, ctx));
}


/*
 * The inbound email webhook's part of the request: the shared secret and
 * the X-Helpdesk-Signature header (the last one, if sent twice).
 */
static void
ngx_http_helpdesk_mail_request(ngx_http_request_t *r,
    ngx_http_helpdesk_main_conf_t *hmcf, hd_req_t *req)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    if (hmcf->mail_secret.len) {
        req->mail_secret = (char *) hmcf->mail_secret.data;
        req->mail_secret_len = hmcf->mail_secret.len;
    }

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == sizeof("X-Helpdesk-Signature") - 1
            && ngx_strncasecmp(h[i].key.data, (u_char *) "X-Helpdesk-Signature",
                               h[i].key.len) == 0)
        {
            req->signature = (char *) h[i].value.data;
            req->signature_len = h[i].value.len;
        }
    }
}


/*
 * Fills the core's view of the request.
 */
static void
ngx_http_helpdesk_request(ngx_http_request_t *r, ngx_http_helpdesk_ctx_t *ctx)
{
    u_char                         *ip;
    hd_req_t                       *req;
    ngx_http_helpdesk_main_conf_t  *hmcf;

    hmcf = ngx_http_get_module_main_conf(r, ngx_http_helpdesk_module);
    req = &ctx->req;

    req->match = &ctx->match;
    req->method = (char *) r->method_name.data;
    req->method_len = r->method_name.len;
    req->query = (char *) r->args.data;
    req->query_len = r->args.len;
    req->body = ctx->body ? ctx->body : "";
    req->request_id = (char *) ctx->request_id.data;
    req->now = ngx_time();
    req->scope = (hd_scope_t) hmcf->agent_scope;
    req->test_mode = hmcf->test_mode != 0;
    req->upload_path = ctx->upload_path;
    req->upload_size = ctx->upload_size;
    req->store_dir = hmcf->attach_dir.len ? (char *) hmcf->attach_dir.data
                                          : NULL;
    req->session_key = hmcf->session_key_set ? hmcf->session_key : NULL;

    if (ctx->route == HD_ROUTE_EMAIL_WEBHOOK) {
        ngx_http_helpdesk_mail_request(r, hmcf, req);
    }

#if (NGX_HTTP_SSL)
    req->secure = r->connection->ssl != NULL;
#endif

    if (r->headers_in.content_type) {
        req->content_type = (char *) r->headers_in.content_type->value.data;
        req->content_type_len = r->headers_in.content_type->value.len;
    }

    ip = ngx_pnalloc(r->pool, r->connection->addr_text.len + 1);
    if (ip != NULL) {
        ngx_memcpy(ip, r->connection->addr_text.data,
                   r->connection->addr_text.len);
        ip[r->connection->addr_text.len] = '\0';
        req->ip = (char *) ip;
    }

    if (r->headers_in.user_agent) {
        req->ua = (char *) r->headers_in.user_agent->value.data;
    }

    /*
     * The core answers If-Match itself (a ticket's version); nginx's
     * not_modified filter would turn every such 200 into 412, after the
     * change was made, since API responses carry no ETag.
     */
    r->disable_not_modified = 1;

    if (r->headers_in.if_match) {
        req->if_match = (char *) r->headers_in.if_match->value.data;
        req->if_match_len = r->headers_in.if_match->value.len;
    }

    if (r->method & (NGX_HTTP_POST|NGX_HTTP_PUT|NGX_HTTP_PATCH
                     |NGX_HTTP_DELETE))
    {
        if (RAND_bytes(req->random, sizeof(req->random)) != 1) {
            ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                          "helpdesk: RAND_bytes() failed");
        }
    }

    ngx_http_helpdesk_credential(r, ctx);

    hd_op_init(&ctx->op, req);
}


/*
 * Hands the request to the core.  Returns a final status, or NGX_DONE when
 * the request now waits for the database or a thread (holding a reference).
 */
static ngx_int_t
ngx_http_helpdesk_dispatch(ngx_http_request_t *r, ngx_http_helpdesk_ctx_t *ctx)
{
    ngx_int_t            rc;
    ngx_pool_cleanup_t  *cln;

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_helpdesk_request(r, ctx);

    cln->handler = ngx_http_helpdesk_cleanup;
    cln->data = ctx;
    ctx->op_started = 1;

    rc = ngx_http_helpdesk_run(r, ctx, hd_api_begin(&ctx->op));

    if (rc != NGX_AGAIN) {
        return rc;
    }

    ctx->holding = 1;
    r->main->count++;
    r->read_event_handler = ngx_http_helpdesk_check_broken;
    r->write_event_handler = ngx_http_helpdesk_check_broken;

    return NGX_DONE;
}


/*
 * Advances the operation until it answers or waits.  Returns the response's
 * finalization code, or NGX_AGAIN while a query or thread task is pending.
 */
static ngx_int_t
ngx_http_helpdesk_run(ngx_http_request_t *r, ngx_http_helpdesk_ctx_t *ctx,
    hd_api_rc_t step)
{
    ngx_int_t                       rc;
    ngx_http_helpdesk_query_t      *q;
    ngx_http_helpdesk_main_conf_t  *hmcf;

    hmcf = ngx_http_get_module_main_conf(r, ngx_http_helpdesk_module);

    for ( ;; ) {

        if (step == HD_API_RESPOND) {
            ngx_http_helpdesk_limit_done(r, ctx);
            return ngx_http_helpdesk_send(r, &ctx->op.resp, NULL);
        }

        if (!ngx_http_helpdesk_limit_allows(r, ctx)) {
            step = HD_API_RESPOND;
            continue;
        }

        if (step == HD_API_TASK) {
            if (ngx_http_helpdesk_task_post(r, ctx) == NGX_OK) {
                return NGX_AGAIN;
            }

            step = hd_api_fail(&ctx->op, HD_PROBLEM_INTERNAL, NULL, NULL);
            continue;
        }

        /* HD_API_QUERY */

        if (hmcf->pool == NULL) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "helpdesk: no helpdesk_db configured");
            step = hd_api_fail(&ctx->op, HD_PROBLEM_DB_UNAVAILABLE, NULL,
                               NULL);
            continue;
        }

        q = &ctx->query;
        ngx_memzero(q, sizeof(ngx_http_helpdesk_query_t));
        q->sql = ctx->op.plan.sql;
        q->name = ctx->op.plan.name;
        q->nparams = ctx->op.plan.nparams;
        q->params = ctx->op.plan.params;
        q->now = ctx->req.test_now;     /* core refused it outside test mode */
        q->handler = ngx_http_helpdesk_query_done;
        q->data = r;

        ctx->dispatching = 1;
        ctx->answered = 0;
        ctx->in_db = 1;
        rc = ngx_http_helpdesk_pool_query(hmcf->pool, q);
        ctx->dispatching = 0;

        if (rc == NGX_DECLINED) {
            ctx->in_db = 0;
            step = hd_api_fail(&ctx->op, HD_PROBLEM_OVERLOADED,
                               "too many requests are waiting for the "
                               "database", NULL);
            continue;
        }

        if (ctx->answered) {
            /* it failed at once, e.g. the database refused to connect */
            step = ctx->next;
            continue;
        }

        return NGX_AGAIN;
    }
}


/*
 * A query or task finished after the content handler returned: advance the
 * operation, and finalize when it answered.
 */
static void
ngx_http_helpdesk_resume(ngx_http_request_t *r, ngx_http_helpdesk_ctx_t *ctx,
    hd_api_rc_t step)
{
    ngx_int_t          rc;
    ngx_connection_t  *c;

    c = r->connection;

    if (c->error) {
        /* the client left while a thread task ran */
        rc = NGX_HTTP_CLIENT_CLOSED_REQUEST;

    } else {
        rc = ngx_http_helpdesk_run(r, ctx, step);
        if (rc == NGX_AGAIN) {
            return;
        }
    }

    ctx->holding = 0;
    r->read_event_handler = ngx_http_block_reading;
    r->write_event_handler = ngx_http_request_empty_handler;

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


static void
ngx_http_helpdesk_query_done(ngx_http_helpdesk_query_t *q, PGresult *res,
    hd_problem_t problem)
{
    hd_api_rc_t               step;
    struct timespec           now;
    ngx_http_request_t       *r;
    ngx_http_helpdesk_ctx_t  *ctx;

    r = q->data;
    ctx = ngx_http_get_module_ctx(r, ngx_http_helpdesk_module);
    ctx->in_db = 0;

    (void) clock_gettime(CLOCK_MONOTONIC, &now);
    ctx->db_ms += (double) (now.tv_sec - q->started.tv_sec) * 1000.0
                  + (double) (now.tv_nsec - q->started.tv_nsec) / 1e6;

    step = res != NULL ? hd_api_result(&ctx->op, res)
                       : hd_api_fail(&ctx->op, problem, NULL, NULL);

    if (ctx->dispatching) {
        ctx->answered = 1;
        ctx->next = step;
        return;
    }

    ngx_http_helpdesk_resume(r, ctx, step);
}


/*
 * Runs in a thread of the pool, on the task's own data: pure computation,
 * or storing an upload (file I/O, never on the event loop).
 */

static void
ngx_http_helpdesk_task_handler(void *data, ngx_log_t *log)
{
    hd_op_t  *op = data;

    (void) log;

    if (op->task.kind == HD_TASK_STORE_FILE) {
        ngx_http_helpdesk_store_file(&op->task);
        return;
    }

    hd_task_run(&op->task);
}


static void
ngx_http_helpdesk_task_event(ngx_event_t *ev)
{
    ngx_http_request_t       *r;
    ngx_http_helpdesk_ctx_t  *ctx;

    r = ev->data;
    ctx = ngx_http_get_module_ctx(r, ngx_http_helpdesk_module);
    ctx->in_task = 0;

    if (ctx->op.task.kind == HD_TASK_STORE_FILE && !ctx->op.task.ok
        && !ctx->op.task.sig_bad)
    {
        ngx_log_error(NGX_LOG_CRIT, r->connection->log, ctx->op.task.err,
                      "helpdesk: storing upload \"%s\" in \"%s\" failed at %s",
                      ctx->op.task.src,
                      ctx->op.task.store_dir,
                      ctx->op.task.failed ? ctx->op.task.failed : "?");
    }

    ngx_http_helpdesk_resume(r, ctx, hd_api_task_done(&ctx->op));
}


/*
 * Password hashing costs tens of milliseconds: it runs in nginx's thread
 * pool, never on the event loop.
 */
static ngx_int_t
ngx_http_helpdesk_task_post(ngx_http_request_t *r,
    ngx_http_helpdesk_ctx_t *ctx)
{
    ngx_thread_task_t              *task;
    ngx_http_helpdesk_main_conf_t  *hmcf;

    hmcf = ngx_http_get_module_main_conf(r, ngx_http_helpdesk_module);

    task = ngx_thread_task_alloc(r->pool, 0);
    if (task == NULL) {
        return NGX_ERROR;
    }

    task->ctx = &ctx->op;
    task->handler = ngx_http_helpdesk_task_handler;
    task->event.handler = ngx_http_helpdesk_task_event;
    task->event.data = r;

    if (ngx_thread_task_post(hmcf->thread_pool, task) != NGX_OK) {
        return NGX_ERROR;
    }

    ctx->in_task = 1;

    return NGX_OK;
}


/*
 * Login attempts pass the rate limiter before the password is looked at;
 * the outcome is counted when the answer goes out.
 */
static ngx_int_t
ngx_http_helpdesk_limit_allows(ngx_http_request_t *r,
    ngx_http_helpdesk_ctx_t *ctx)
{
    time_t                          retry;
    ngx_http_helpdesk_main_conf_t  *hmcf;

    if (ctx->op.login != HD_LOGIN_ATTEMPT || ctx->limit_checked) {
        return 1;
    }

    ctx->limit_checked = 1;
    hmcf = ngx_http_get_module_main_conf(r, ngx_http_helpdesk_module);

    if (ngx_http_helpdesk_limit_check(hmcf, ctx->op.login_email,
                                      ctx->req.ip, &retry) == NGX_OK)
    {
        return 1;
    }

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "helpdesk: login rate limit reached for \"%s\" from %V",
                  ctx->op.login_email, &r->connection->addr_text);

    hd_api_fail(&ctx->op, HD_PROBLEM_TOO_MANY_REQUESTS,
                "too many failed sign-ins; try again later", NULL);
    ctx->op.resp.retry_after = (int) retry;

    return 0;
}


static void
ngx_http_helpdesk_limit_done(ngx_http_request_t *r,
    ngx_http_helpdesk_ctx_t *ctx)
{
    ngx_http_helpdesk_main_conf_t  *hmcf;

    if (ctx->limit_recorded || (ctx->op.login != HD_LOGIN_SUCCEEDED
                                && ctx->op.login != HD_LOGIN_FAILED))
    {
        return;
    }

    ctx->limit_recorded = 1;
    hmcf = ngx_http_get_module_main_conf(r, ngx_http_helpdesk_module);

    ngx_http_helpdesk_limit_record(hmcf, ctx->op.login_email, ctx->req.ip,
                                   ctx->op.login == HD_LOGIN_FAILED);
}


/*
 * The client may close while we wait for the database; nginx does not look
 * at its socket meanwhile, so we do (after ngx_http_upstream's check).
 */
static void
ngx_http_helpdesk_check_broken(ngx_http_request_t *r)
{
    int                       n;
    char                      buf[1];
    ngx_err_t                 err;
    ngx_event_t              *ev;
    ngx_connection_t         *c;
    ngx_http_helpdesk_ctx_t  *ctx;

    c = r->connection;
    ev = c->read;

    if (c->error) {
        goto broken;
    }

#if (NGX_HAVE_EPOLLRDHUP)

    if ((ngx_event_flags & NGX_USE_EPOLL_EVENT) && ngx_use_epoll_rdhup) {
        if (!ev->pending_eof) {
            return;
        }

        goto broken;
    }

#endif

    n = recv(c->fd, buf, 1, MSG_PEEK);
    err = ngx_socket_errno;

    if (n > 0 || (n == -1 && err == NGX_EAGAIN)) {
        return;
    }

broken:

    ev->eof = 1;
    c->error = 1;

    ngx_log_error(NGX_LOG_INFO, c->log, 0,
                  "helpdesk: client closed the connection while waiting "
                  "for the database");

    ctx = ngx_http_get_module_ctx(r, ngx_http_helpdesk_module);

    if (ctx->in_db) {
        ctx->in_db = 0;
        ngx_http_helpdesk_pool_cancel(&ctx->query);
        ngx_http_finalize_request(r, NGX_HTTP_CLIENT_CLOSED_REQUEST);
    }
}


static void
ngx_http_helpdesk_cleanup(void *data)
{
    ngx_http_helpdesk_ctx_t  *ctx = data;

    if (ctx->in_db) {
        ctx->in_db = 0;
        ngx_http_helpdesk_pool_cancel(&ctx->query);
    }

    hd_op_free(&ctx->op);
}


/*
 * error_page target: renders the problem document for a status nginx
 * produced itself (oversized body, bad request line, ...).
 */
ngx_int_t
ngx_http_helpdesk_problem_handler(ngx_http_request_t *r)
{
    ngx_int_t                 rc, status;
    ngx_http_helpdesk_ctx_t  *ctx;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    ctx = ngx_http_helpdesk_ctx_create(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    status = r->err_status ? r->err_status : NGX_HTTP_NOT_FOUND;

    return ngx_http_helpdesk_problem(r, ctx,
                                     hd_problem_from_status((int) status),
                                     NULL, NULL);
}


static ngx_int_t
ngx_http_helpdesk_problem(ngx_http_request_t *r, ngx_http_helpdesk_ctx_t *ctx,
    hd_problem_t p, const char *detail, const char *allow)
{
    ngx_int_t  rc;
    hd_resp_t  resp;

    ngx_memzero(&resp, sizeof(hd_resp_t));
    hd_api_problem(&resp, p, detail, NULL, (char *) ctx->request_id.data);

    rc = ngx_http_helpdesk_send(r, &resp, allow);
    hd_resp_free(&resp);

    return rc;
}


/* A copy of s in the request's pool (NULL on failure: h->value empty). */
static u_char *
ngx_http_helpdesk_copy(ngx_http_request_t *r, const char *s)
{
    size_t   len;
    u_char  *p;

    len = ngx_strlen(s);
    p = ngx_pnalloc(r->pool, len + 1);
    if (p != NULL) {
        ngx_memcpy(p, s, len + 1);
    }

    return p;
}


static ngx_int_t
ngx_http_helpdesk_header(ngx_http_request_t *r, const char *name,
    u_char *value, size_t len)
{
    ngx_table_elt_t  *h;

    if (value == NULL) {        /* a copy that found no memory */
        return NGX_ERROR;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.data = (u_char *) name;
    h->key.len = ngx_strlen(name);
    h->value.data = value;
    h->value.len = len;

    return NGX_OK;
}


/*
 * The headers of a file the browser is given (an attachment, the logo):
 * Content-Disposition as disposition says, never sniffed, and csp (if
 * any).
 */
static ngx_int_t
ngx_http_helpdesk_file_headers(ngx_http_request_t *r,
    const char *disposition, const char *csp)
{
    if (ngx_http_helpdesk_header(r, "Content-Disposition",
                                 ngx_http_helpdesk_copy(r, disposition),
                                 ngx_strlen(disposition)) != NGX_OK
        || ngx_http_helpdesk_header(r, "X-Content-Type-Options",
                                    (u_char *) "nosniff", 7) != NGX_OK
        || (csp != NULL
            && ngx_http_helpdesk_header(r, "Content-Security-Policy",
                                        (u_char *) csp, ngx_strlen(csp))
               != NGX_OK))
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * A stored file: the headers that make it a download that no browser will
 * render or run, then an internal redirect to the location that serves the
 * store (nginx's static handler: sendfile, ranges, conditional requests).
 */
static ngx_int_t
ngx_http_helpdesk_send_file(ngx_http_request_t *r,
    ngx_http_helpdesk_ctx_t *ctx, hd_resp_t *resp)
{
    u_char                         *p;
    size_t                          len;
    ngx_str_t                       uri;
    ngx_http_helpdesk_main_conf_t  *hmcf;

    hmcf = ngx_http_get_module_main_conf(r, ngx_http_helpdesk_module);

    if (hmcf->attach_uri.len == 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = ngx_strlen(resp->content_type);
    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(p, resp->content_type, len);
    r->headers_out.content_type.data = p;
    r->headers_out.content_type.len = len;
    r->headers_out.content_type_len = len;
    r->headers_out.content_type_lowcase = NULL;

    if (ngx_http_helpdesk_header(r, "X-Request-Id", ctx->request_id.data,
                                 ctx->request_id.len) != NGX_OK
        || ngx_http_helpdesk_header(r, "Cache-Control",
                                    (u_char *) "private, no-store", 17)
           != NGX_OK
        || ngx_http_helpdesk_file_headers(r, resp->disposition,
                                          "sandbox; default-src 'none'")
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = ngx_strlen(resp->accel);
    uri.len = hmcf->attach_uri.len + len;
    uri.data = ngx_pnalloc(r->pool, uri.len);
    if (uri.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(uri.data, hmcf->attach_uri.data, hmcf->attach_uri.len);
    ngx_memcpy(p, resp->accel, len);

    (void) ngx_http_internal_redirect(r, &uri, NULL);

    return NGX_DONE;
}


static ngx_int_t
ngx_http_helpdesk_send(ngx_http_request_t *r, hd_resp_t *resp,
    const char *allow)
{
    u_char                   *p;
    ngx_int_t                 rc;
    ngx_buf_t                *b;
    ngx_chain_t               out;
    ngx_http_helpdesk_ctx_t  *ctx;

    if (resp->body == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_helpdesk_module);

    if (resp->accel != NULL) {
        return ngx_http_helpdesk_send_file(r, ctx, resp);
    }

    r->headers_out.status = resp->status;
    r->headers_out.content_length_n = resp->body_len;
    r->headers_out.content_type.data = (u_char *) resp->content_type;
    r->headers_out.content_type.len = ngx_strlen(resp->content_type);
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    if (ngx_http_helpdesk_header(r, "X-Request-Id", ctx->request_id.data,
                                 ctx->request_id.len) != NGX_OK
        || ngx_http_helpdesk_header(r, "Cache-Control",
                                    (u_char *) "no-store", 8) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* a file for the browser to show (the logo): never sniffed, never
       scripted */
    if (resp->disposition != NULL
        && ngx_http_helpdesk_file_headers(r, resp->disposition, resp->csp)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (resp->retry_after > 0) {
        p = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (ngx_http_helpdesk_header(r, "Retry-After", p,
                                     ngx_sprintf(p, "%d", resp->retry_after)
                                     - p) != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (allow != NULL
        && ngx_http_helpdesk_header(r, "Allow", (u_char *) allow,
                                    ngx_strlen(allow)) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (resp->cookie != NULL
        && ngx_http_helpdesk_header(r, "Set-Cookie",
                                    ngx_http_helpdesk_copy(r, resp->cookie),
                                    ngx_strlen(resp->cookie)) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (resp->www_authenticate != NULL
        && ngx_http_helpdesk_header(r, "WWW-Authenticate",
                                    (u_char *) resp->www_authenticate,
                                    ngx_strlen(resp->www_authenticate))
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (resp->body_len == 0) {
        r->header_only = 1;
        r->headers_out.content_type.len = 0;
        r->headers_out.content_type.data = NULL;
        r->headers_out.content_length_n = 0;
    }

    if (r->header_only || r->method == NGX_HTTP_HEAD) {
        return ngx_http_send_header(r);
    }

    b = ngx_create_temp_buf(r->pool, resp->body_len);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_cpymem(b->pos, resp->body, resp->body_len);
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
