#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "hd_metrics.h"
#include "hd_tests.h"


START_TEST(metrics_render_counts_by_route_and_status)
{
    char           *s;
    size_t          len;
    hd_metrics_t   *m;

    m = calloc(1, sizeof(*m));
    m->requests[HD_ROUTE_READYZ][hd_metrics_status_slot(200)] = 7;
    m->requests[HD_ROUTE_READYZ][hd_metrics_status_slot(503)] = 2;
    m->requests[HD_ROUTE_NONE][hd_metrics_status_slot(404)] = 1;
    m->requests[HD_ROUTE_NONE][hd_metrics_status_slot(299)] = 3;

    s = hd_metrics_render(m, &len);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(len, strlen(s));
    ck_assert_ptr_nonnull(strstr(s,
        "helpdesk_http_requests_total{route=\"readyz\",status=\"200\"} 7\n"));
    ck_assert_ptr_nonnull(strstr(s,
        "helpdesk_http_requests_total{route=\"readyz\",status=\"503\"} 2\n"));
    ck_assert_ptr_nonnull(strstr(s,
        "helpdesk_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(s,
        "{route=\"unmatched\",status=\"other\"} 3\n"));
    ck_assert_ptr_null(strstr(s, "route=\"healthz\""));

    free(s);
    free(m);
}
END_TEST


START_TEST(metrics_histogram_is_cumulative_by_route_and_status)
{
    char           *s;
    size_t          len;
    hd_metrics_t   *m;
    unsigned        ok, bad;

    m = calloc(1, sizeof(*m));
    ok = hd_metrics_status_slot(200);
    bad = hd_metrics_status_slot(503);
    m->buckets[HD_ROUTE_HEALTHZ][ok][hd_metrics_bucket(500)] += 1;
    m->buckets[HD_ROUTE_HEALTHZ][ok][hd_metrics_bucket(20000)] += 1;
    m->buckets[HD_ROUTE_HEALTHZ][ok][hd_metrics_bucket(99000000)] += 1;
    m->duration_us[HD_ROUTE_HEALTHZ][ok] = 1500000;
    m->buckets[HD_ROUTE_HEALTHZ][bad][hd_metrics_bucket(3000)] += 1;

    s = hd_metrics_render(m, &len);
    ck_assert_ptr_nonnull(strstr(s,
        "{route=\"healthz\",status=\"200\",le=\"0.001\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(s,
        "{route=\"healthz\",status=\"200\",le=\"0.025\"} 2\n"));
    ck_assert_ptr_nonnull(strstr(s,
        "{route=\"healthz\",status=\"200\",le=\"5\"} 2\n"));
    ck_assert_ptr_nonnull(strstr(s,
        "{route=\"healthz\",status=\"200\",le=\"+Inf\"} 3\n"));
    ck_assert_ptr_nonnull(strstr(s,
        "helpdesk_http_request_duration_seconds_count"
        "{route=\"healthz\",status=\"200\"} 3\n"));
    ck_assert_ptr_nonnull(strstr(s,
        "helpdesk_http_request_duration_seconds_sum"
        "{route=\"healthz\",status=\"200\"} 1.5"));
    ck_assert_ptr_nonnull(strstr(s,
        "{route=\"healthz\",status=\"503\",le=\"0.0025\"} 0\n"));
    ck_assert_ptr_nonnull(strstr(s,
        "{route=\"healthz\",status=\"503\",le=\"0.005\"} 1\n"));

    free(s);
    free(m);
}
END_TEST


START_TEST(metrics_pool_gauges_sum_live_workers)
{
    char           *s;
    size_t          len;
    hd_metrics_t   *m;

    m = calloc(1, sizeof(*m));
    m->workers[0].pid = 100;
    m->workers[0].in_use = 2;
    m->workers[0].idle = 1;
    m->workers[5].pid = 101;
    m->workers[5].in_use = 3;
    m->workers[5].waiting = 4;
    m->workers[9].pid = 0;          /* released slot: ignored */
    m->workers[9].in_use = 50;
    m->db_errors[HD_DB_ERROR_TIMEOUT] = 6;

    s = hd_metrics_render(m, &len);
    ck_assert_ptr_nonnull(strstr(s,
        "helpdesk_db_pool_connections{state=\"in_use\"} 5\n"));
    ck_assert_ptr_nonnull(strstr(s,
        "helpdesk_db_pool_connections{state=\"idle\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(s, "helpdesk_db_pool_waiting 4\n"));
    ck_assert_ptr_nonnull(strstr(s,
        "helpdesk_db_errors_total{kind=\"timeout\"} 6\n"));

    free(s);
    free(m);
}
END_TEST


Suite *
hd_metrics_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("metrics");
    tc = tcase_create("render");
    tcase_add_test(tc, metrics_render_counts_by_route_and_status);
    tcase_add_test(tc, metrics_histogram_is_cumulative_by_route_and_status);
    tcase_add_test(tc, metrics_pool_gauges_sum_live_workers);
    suite_add_tcase(s, tc);

    return s;
}
