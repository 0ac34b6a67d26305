/*
 * Runs every core check suite.  Each test_*.c file exports one suite
 * constructor listed here.
 */

#include <stdlib.h>

#include <check.h>

#include "hd_tests.h"


int
main(void)
{
    int       failed;
    SRunner  *sr;

    sr = srunner_create(hd_route_suite());
    srunner_add_suite(sr, hd_problem_suite());
    srunner_add_suite(sr, hd_json_suite());
    srunner_add_suite(sr, hd_metrics_suite());
    srunner_add_suite(sr, hd_api_suite());
    srunner_add_suite(sr, hd_jwt_suite());
    srunner_add_suite(sr, hd_rbac_suite());
    srunner_add_suite(sr, hd_tokcache_suite());
    srunner_add_suite(sr, hd_dircache_suite());
    srunner_add_suite(sr, hd_buf_suite());
    srunner_add_suite(sr, hd_ticket_suite());
    srunner_add_suite(sr, hd_audit_suite());
    srunner_add_suite(sr, hd_attach_suite());
    srunner_add_suite(sr, hd_cal_suite());
    srunner_add_suite(sr, hd_sla_suite());
    srunner_add_suite(sr, hd_tmpl_suite());
    srunner_add_suite(sr, hd_mail_suite());
    srunner_add_suite(sr, hd_mailin_suite());
    srunner_add_suite(sr, hd_secret_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);

    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
