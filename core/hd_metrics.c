/*
 * hd_metrics — Prometheus rendering of the shared counters.
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_metrics.h"


static const int  hd_metrics_statuses[HD_METRICS_STATUSES - 1] = {
    200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 405, 409, 411, 413,
    414, 415, 422, 429, 500, 502, 503, 504, 499
};

/* upper bounds of the latency buckets, in microseconds */
static const uint64_t  hd_metrics_bounds[HD_METRICS_BUCKETS] = {
    1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
    1000000, 2500000, 5000000
};

static const char  *hd_db_error_names[HD_DB_ERROR_KINDS] = {
    "connect", "query", "timeout", "overflow"
};


static void hd_metrics_labels(char *buf, size_t size, unsigned r,
    unsigned s);


typedef struct {
    char    *data;
    size_t   len;
    size_t   cap;
    int      failed;
} hd_metrics_buf_t;


static void
hd_metrics_printf(hd_metrics_buf_t *b, const char *fmt, ...)
{
    int       n;
    char     *p;
    size_t    cap;
    va_list   ap;

    if (b->failed) {
        return;
    }

    for ( ;; ) {
        va_start(ap, fmt);
        n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);

        if (n < 0) {
            b->failed = 1;
            return;
        }

        if ((size_t) n < b->cap - b->len) {
            b->len += (size_t) n;
            return;
        }

        cap = b->cap * 2 + (size_t) n;
        p = realloc(b->data, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }

        b->data = p;
        b->cap = cap;
    }
}


unsigned
hd_metrics_status_slot(int status)
{
    unsigned  i;

    for (i = 0; i < HD_METRICS_STATUSES - 1; i++) {
        if (hd_metrics_statuses[i] == status) {
            return i;
        }
    }

    return HD_METRICS_STATUSES - 1;
}


unsigned
hd_metrics_bucket(uint64_t us)
{
    unsigned  i;

    for (i = 0; i < HD_METRICS_BUCKETS; i++) {
        if (us <= hd_metrics_bounds[i]) {
            return i;
        }
    }

    return HD_METRICS_BUCKETS;
}


static void
hd_metrics_render_requests(hd_metrics_buf_t *b, const hd_metrics_t *m)
{
    char      labels[96];
    unsigned  r, s;

    hd_metrics_printf(b,
        "# HELP helpdesk_http_requests_total API requests by route and "
        "status.\n# TYPE helpdesk_http_requests_total counter\n");

    for (r = 0; r < HD_METRICS_ROUTES; r++) {
        for (s = 0; s < HD_METRICS_STATUSES; s++) {
            if (m->requests[r][s] == 0) {
                continue;
            }

            hd_metrics_labels(labels, sizeof(labels), r, s);
            hd_metrics_printf(b, "helpdesk_http_requests_total{%s} %" PRIu64
                              "\n", labels, m->requests[r][s]);
        }
    }
}


/*
 * The label pair route="…",status="…" of requests[r][s], into buf.
 */
static void
hd_metrics_labels(char *buf, size_t size, unsigned r, unsigned s)
{
    if (s == HD_METRICS_STATUSES - 1) {
        snprintf(buf, size, "route=\"%s\",status=\"other\"",
                 hd_route_name(r));

    } else {
        snprintf(buf, size, "route=\"%s\",status=\"%d\"",
                 hd_route_name(r), hd_metrics_statuses[s]);
    }
}


static void
hd_metrics_render_latency(hd_metrics_buf_t *b, const hd_metrics_t *m)
{
    char             labels[96];
    unsigned         r, s, i;
    uint64_t         cum;
    const uint64_t  *bk;

    hd_metrics_printf(b,
        "# HELP helpdesk_http_request_duration_seconds API request latency "
        "by route and status.\n"
        "# TYPE helpdesk_http_request_duration_seconds histogram\n");

    for (r = 0; r < HD_METRICS_ROUTES; r++) {
        for (s = 0; s < HD_METRICS_STATUSES; s++) {
            bk = m->buckets[r][s];

            cum = 0;
            for (i = 0; i <= HD_METRICS_BUCKETS; i++) {
                cum += bk[i];
            }

            if (cum == 0) {
                continue;
            }

            hd_metrics_labels(labels, sizeof(labels), r, s);
            cum = 0;

            for (i = 0; i < HD_METRICS_BUCKETS; i++) {
                cum += bk[i];
                hd_metrics_printf(b,
                    "helpdesk_http_request_duration_seconds_bucket"
                    "{%s,le=\"%g\"} %" PRIu64 "\n",
                    labels, (double) hd_metrics_bounds[i] / 1e6, cum);
            }

            cum += bk[HD_METRICS_BUCKETS];

            hd_metrics_printf(b,
                "helpdesk_http_request_duration_seconds_bucket"
                "{%s,le=\"+Inf\"} %" PRIu64 "\n"
                "helpdesk_http_request_duration_seconds_sum{%s} %.6f\n"
                "helpdesk_http_request_duration_seconds_count{%s} %" PRIu64
                "\n",
                labels, cum, labels, (double) m->duration_us[r][s] / 1e6,
                labels, cum);
        }
    }
}


static void
hd_metrics_render_db(hd_metrics_buf_t *b, const hd_metrics_t *m)
{
    unsigned  i;
    uint64_t  in_use, idle, waiting, connecting;

    in_use = idle = waiting = connecting = 0;

    for (i = 0; i < HD_METRICS_WORKERS; i++) {
        if (m->workers[i].pid == 0) {
            continue;
        }

        in_use += m->workers[i].in_use;
        idle += m->workers[i].idle;
        waiting += m->workers[i].waiting;
        connecting += m->workers[i].connecting;
    }

    hd_metrics_printf(b,
        "# HELP helpdesk_db_pool_connections Database pool, all workers.\n"
        "# TYPE helpdesk_db_pool_connections gauge\n"
        "helpdesk_db_pool_connections{state=\"in_use\"} %" PRIu64 "\n"
        "helpdesk_db_pool_connections{state=\"idle\"} %" PRIu64 "\n"
        "helpdesk_db_pool_connections{state=\"connecting\"} %" PRIu64 "\n"
        "# HELP helpdesk_db_pool_waiting Requests queued for a connection.\n"
        "# TYPE helpdesk_db_pool_waiting gauge\n"
        "helpdesk_db_pool_waiting %" PRIu64 "\n",
        in_use, idle, connecting, waiting);

    hd_metrics_printf(b,
        "# HELP helpdesk_db_errors_total Database failures by kind.\n"
        "# TYPE helpdesk_db_errors_total counter\n");

    for (i = 0; i < HD_DB_ERROR_KINDS; i++) {
        hd_metrics_printf(b, "helpdesk_db_errors_total{kind=\"%s\"} %"
                          PRIu64 "\n", hd_db_error_names[i], m->db_errors[i]);
    }
}


char *
hd_metrics_render(const hd_metrics_t *m, size_t *len)
{
    hd_metrics_buf_t  b;

    b.cap = 4096;
    b.len = 0;
    b.failed = 0;
    b.data = malloc(b.cap);
    if (b.data == NULL) {
        return NULL;
    }

    hd_metrics_render_requests(&b, m);
    hd_metrics_render_latency(&b, m);
    hd_metrics_render_db(&b, m);

    if (b.failed) {
        free(b.data);
        return NULL;
    }

    *len = b.len;
    return b.data;
}
