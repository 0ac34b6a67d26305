#ifndef HD_TESTS_H
#define HD_TESTS_H

#include <check.h>

Suite *hd_route_suite(void);
Suite *hd_problem_suite(void);
Suite *hd_json_suite(void);
Suite *hd_metrics_suite(void);
Suite *hd_api_suite(void);
Suite *hd_jwt_suite(void);
Suite *hd_rbac_suite(void);
Suite *hd_tokcache_suite(void);
Suite *hd_dircache_suite(void);
Suite *hd_buf_suite(void);
Suite *hd_ticket_suite(void);
Suite *hd_audit_suite(void);
Suite *hd_attach_suite(void);
Suite *hd_cal_suite(void);
Suite *hd_sla_suite(void);
Suite *hd_tmpl_suite(void);
Suite *hd_mail_suite(void);
Suite *hd_mailin_suite(void);
Suite *hd_secret_suite(void);

#endif
