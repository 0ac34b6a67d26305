/*
 * hd_metrics — the counters the helpdesk exports, and their rendering in
 * the Prometheus text format.
 *
 * hd_metrics_t is plain data so that it can live in memory shared by all
 * nginx workers: writers bump fields with atomic adds, the reader renders a
 * snapshot.  Pool gauges are kept per worker process (a slot each, claimed by
 * pid) and summed when rendered, so a worker that exits takes its figures
 * with it.
 */

#ifndef HD_METRICS_H
#define HD_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "hd_route.h"

#define HD_METRICS_ROUTES        (HD_ROUTE_COUNT + 1)  /* + unmatched */
#define HD_METRICS_STATUSES      24
#define HD_METRICS_BUCKETS       12
#define HD_METRICS_WORKERS       128

typedef enum {
    HD_DB_ERROR_CONNECT = 0,
    HD_DB_ERROR_QUERY,
    HD_DB_ERROR_TIMEOUT,
    HD_DB_ERROR_OVERFLOW,
    HD_DB_ERROR_KINDS
} hd_db_error_kind_t;

typedef struct {
    int64_t   pid;              /* 0: free */
    uint32_t  in_use;
    uint32_t  idle;
    uint32_t  waiting;
    uint32_t  connecting;
} hd_metrics_worker_t;

typedef struct {
    uint64_t             requests[HD_METRICS_ROUTES][HD_METRICS_STATUSES];
    uint64_t             buckets[HD_METRICS_ROUTES][HD_METRICS_STATUSES]
                                [HD_METRICS_BUCKETS + 1];
    uint64_t             duration_us[HD_METRICS_ROUTES][HD_METRICS_STATUSES];
    uint64_t             db_errors[HD_DB_ERROR_KINDS];
    hd_metrics_worker_t  workers[HD_METRICS_WORKERS];
} hd_metrics_t;

/* Index of a status code in requests[][]; the last slot is "other". */
unsigned hd_metrics_status_slot(int status);

/* Index of a duration in buckets[][]; the last slot is +Inf. */
unsigned hd_metrics_bucket(uint64_t us);

/*
 * Renders the Prometheus text exposition of m.  Returns a malloc'd string
 * (length in *len) or NULL when out of memory.
 */
char *hd_metrics_render(const hd_metrics_t *m, size_t *len);

#endif /* HD_METRICS_H */
