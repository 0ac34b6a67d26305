/*
 * Metrics shared by all workers, the /metrics handler, the log-phase hook
 * that counts every API request, and the variables for access logs.
 *
 * The counters are an hd_metrics_t in a shared memory zone: workers add to
 * them atomically; each worker owns one slot for its pool gauges, claimed by
 * pid at start and released at exit (a crashed worker's slot is reclaimed).
 */

#include "ngx_http_helpdesk.h"


static hd_metrics_t         *ngx_http_helpdesk_metrics;   /* this worker's */
static hd_metrics_worker_t  *ngx_http_helpdesk_slot;      /* view of shm */


static ngx_int_t ngx_http_helpdesk_request_id_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_helpdesk_route_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_helpdesk_db_time_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_http_variable_t  ngx_http_helpdesk_vars[] = {

    { ngx_string("helpdesk_request_id"), NULL,
      ngx_http_helpdesk_request_id_variable, 0, 0, 0 },

    { ngx_string("helpdesk_route"), NULL,
      ngx_http_helpdesk_route_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("helpdesk_db_time"), NULL,
      ngx_http_helpdesk_db_time_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_helpdesk_metrics_add_zone(ngx_conf_t *cf,
    ngx_http_helpdesk_main_conf_t *hmcf)
{
    hmcf->metrics_zone = ngx_http_helpdesk_shm_add(cf, "helpdesk_metrics",
                                                   sizeof(hd_metrics_t));

    return hmcf->metrics_zone ? NGX_OK : NGX_ERROR;
}


/*
 * Worker start: find the counters and claim a gauge slot, taking over one
 * whose process no longer exists.
 */
void
ngx_http_helpdesk_metrics_attach(ngx_cycle_t *cycle,
    ngx_http_helpdesk_main_conf_t *hmcf)
{
    int64_t        pid;
    ngx_uint_t     i;
    hd_metrics_t  *m;

    m = hmcf->metrics_zone->data;
    ngx_http_helpdesk_metrics = m;

    for (i = 0; i < HD_METRICS_WORKERS; i++) {
        pid = __atomic_load_n(&m->workers[i].pid, __ATOMIC_ACQUIRE);

        if (pid != 0 && (kill((pid_t) pid, 0) == 0 || ngx_errno != NGX_ESRCH))
        {
            continue;
        }

        if (__atomic_compare_exchange_n(&m->workers[i].pid, &pid,
                                        (int64_t) ngx_pid, 0,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        {
            ngx_http_helpdesk_slot = &m->workers[i];
            ngx_http_helpdesk_slot->in_use = 0;
            ngx_http_helpdesk_slot->idle = 0;
            ngx_http_helpdesk_slot->waiting = 0;
            ngx_http_helpdesk_slot->connecting = 0;
            return;
        }
    }

    ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                  "helpdesk: no free metrics slot, pool gauges of this "
                  "worker are not exported");
}


void
ngx_http_helpdesk_metrics_detach(void)
{
    if (ngx_http_helpdesk_slot) {
        ngx_http_helpdesk_slot->in_use = 0;
        ngx_http_helpdesk_slot->idle = 0;
        ngx_http_helpdesk_slot->waiting = 0;
        ngx_http_helpdesk_slot->connecting = 0;
        __atomic_store_n(&ngx_http_helpdesk_slot->pid, 0, __ATOMIC_RELEASE);
        ngx_http_helpdesk_slot = NULL;
    }

    ngx_http_helpdesk_metrics = NULL;
}


void
ngx_http_helpdesk_metrics_db_error(hd_db_error_kind_t kind)
{
    if (ngx_http_helpdesk_metrics) {
        __atomic_fetch_add(&ngx_http_helpdesk_metrics->db_errors[kind], 1,
                           __ATOMIC_RELAXED);
    }
}


void
ngx_http_helpdesk_metrics_pool(ngx_uint_t in_use, ngx_uint_t idle,
    ngx_uint_t waiting, ngx_uint_t connecting)
{
    if (ngx_http_helpdesk_slot) {
        ngx_http_helpdesk_slot->in_use = (uint32_t) in_use;
        ngx_http_helpdesk_slot->idle = (uint32_t) idle;
        ngx_http_helpdesk_slot->waiting = (uint32_t) waiting;
        ngx_http_helpdesk_slot->connecting = (uint32_t) connecting;
    }
}


/*
 * Log phase: count every request the API handlers answered.
 */
ngx_int_t
ngx_http_helpdesk_log_handler(ngx_http_request_t *r)
{
    uint64_t                  us;
    unsigned                  slot;
    ngx_uint_t                status;
    ngx_time_t               *tp;
    hd_metrics_t             *m;
    ngx_http_helpdesk_ctx_t  *ctx;

    m = ngx_http_helpdesk_metrics;
    ctx = ngx_http_get_module_ctx(r, ngx_http_helpdesk_module);

    if (m == NULL || ctx == NULL || r != r->main) {
        return NGX_OK;
    }

    status = r->err_status ? r->err_status : r->headers_out.status;
    if (r->connection->error && status == 0) {
        status = NGX_HTTP_CLIENT_CLOSED_REQUEST;
    }

    tp = ngx_timeofday();
    us = (uint64_t) ((tp->sec - r->start_sec) * 1000
                     + (tp->msec - r->start_msec)) * 1000;

    slot = hd_metrics_status_slot((int) status);

    __atomic_fetch_add(&m->requests[ctx->route][slot], 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&m->buckets[ctx->route][slot][hd_metrics_bucket(us)],
                       1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&m->duration_us[ctx->route][slot], us,
                       __ATOMIC_RELAXED);

    return NGX_OK;
}


ngx_int_t
ngx_http_helpdesk_metrics_handler(ngx_http_request_t *r)
{
    char          *text;
    size_t         len;
    ngx_int_t      rc;
    ngx_buf_t     *b;
    ngx_chain_t    out;
    hd_metrics_t  *snap;

    if (!(r->method & (NGX_HTTP_GET | NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_http_helpdesk_metrics == NULL) {
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    snap = ngx_palloc(r->pool, sizeof(hd_metrics_t));
    if (snap == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(snap, ngx_http_helpdesk_metrics, sizeof(hd_metrics_t));

    text = hd_metrics_render(snap, &len);
    if (text == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        free(text);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_cpymem(b->pos, text, len);
    b->last_buf = 1;
    free(text);

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = len;
    ngx_str_set(&r->headers_out.content_type,
                "text/plain; version=0.0.4; charset=utf-8");

    rc = ngx_http_send_header(r);
    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


ngx_int_t
ngx_http_helpdesk_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_helpdesk_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


/*
 * The client's X-Request-Id when it is 8..128 characters of [A-Za-z0-9._:-],
 * else nginx's $request_id.  Cacheable, so one request keeps one id through
 * internal redirects and into the access log.
 */
static ngx_int_t
ngx_http_helpdesk_request_id_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                         *p, *last;
    ngx_uint_t                      i;
    ngx_list_part_t                *part;
    ngx_table_elt_t                *h;
    ngx_http_variable_value_t      *gen;
    ngx_http_helpdesk_main_conf_t  *hmcf;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len != sizeof("X-Request-Id") - 1
            || ngx_strncasecmp(h[i].key.data, (u_char *) "X-Request-Id",
                               sizeof("X-Request-Id") - 1) != 0)
        {
            continue;
        }

        if (h[i].value.len < 8 || h[i].value.len > 128) {
            break;
        }

        last = h[i].value.data + h[i].value.len;

        for (p = h[i].value.data; p < last; p++) {
            if (!((*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a'
                                                 && (*p | 0x20) <= 'z')
                  || *p == '.' || *p == '_' || *p == ':' || *p == '-'))
            {
                break;
            }
        }

        if (p != last) {
            break;
        }

        v->data = h[i].value.data;
        v->len = h[i].value.len;
        v->valid = 1;
        v->no_cacheable = 0;
        v->not_found = 0;
        return NGX_OK;
    }

    hmcf = ngx_http_get_module_main_conf(r, ngx_http_helpdesk_module);

    gen = ngx_http_get_indexed_variable(r, hmcf->nginx_request_id_index);
    if (gen == NULL || gen->not_found) {
        return NGX_ERROR;
    }

    *v = *gen;
    return NGX_OK;
}


static ngx_int_t
ngx_http_helpdesk_route_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    const char               *name;
    ngx_http_helpdesk_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_helpdesk_module);

    name = ctx ? hd_route_name(ctx->route) : "-";

    v->data = (u_char *) name;
    v->len = ngx_strlen(name);
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


static ngx_int_t
ngx_http_helpdesk_db_time_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                   *p;
    ngx_http_helpdesk_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_helpdesk_module);

    p = ngx_pnalloc(r->pool, NGX_INT64_LEN + 8);
    if (p == NULL) {
        return NGX_ERROR;
    }

    v->data = p;
    v->len = ngx_sprintf(p, "%.3f", ctx ? ctx->db_ms : 0.0) - p;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}
