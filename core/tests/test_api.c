#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "hd_api.h"
#include "hd_tests.h"


typedef struct {
    hd_route_match_t  m;
    hd_req_t          req;
    hd_plan_t         plan;
    hd_resp_t         resp;
} fixture_t;


static hd_api_rc_t
begin(fixture_t *f, const char *method, const char *path, const char *query,
    const char *ctype, const char *body)
{
    memset(f, 0, sizeof(*f));

    ck_assert_int_eq(hd_route_match(method, strlen(method), path,
                                     strlen(path), 1, &f->m),
                     HD_ROUTE_FOUND);

    f->req.match = &f->m;
    f->req.query = query;
    f->req.query_len = query ? strlen(query) : 0;
    f->req.content_type = ctype;
    f->req.content_type_len = ctype ? strlen(ctype) : 0;
    f->req.body = body ? body : "";
    f->req.body_len = body ? strlen(body) : 0;
    f->req.request_id = "test-request-1";

    return hd_api_begin(&f->req, &f->plan, &f->resp);
}


static cJSON *
body_json(fixture_t *f)
{
    cJSON  *doc;

    doc = cJSON_ParseWithLength(f->resp.body, f->resp.body_len);
    ck_assert_ptr_nonnull(doc);
    return doc;
}


START_TEST(api_healthz_answers_without_database)
{
    fixture_t   f;
    cJSON      *doc;

    ck_assert_int_eq(begin(&f, "GET", "/api/healthz", NULL, NULL, NULL),
                     HD_API_RESPOND);
    ck_assert_int_eq(f.resp.status, 200);
    ck_assert_str_eq(f.resp.content_type, "application/json");
    doc = body_json(&f);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "status")->valuestring, "ok");
    cJSON_Delete(doc);
    hd_resp_free(&f.resp);
}
END_TEST


START_TEST(api_readyz_plans_a_round_trip)
{
    fixture_t   f;
    PGresult   *res;
    cJSON      *doc;

    ck_assert_int_eq(begin(&f, "GET", "/api/readyz", NULL, NULL, NULL),
                     HD_API_QUERY);
    ck_assert_str_eq(f.plan.sql, "select 1");

    res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    hd_api_finish(&f.req, &f.plan, res, &f.resp);
    ck_assert_int_eq(f.resp.status, 200);
    doc = body_json(&f);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "status")->valuestring,
                     "ready");
    cJSON_Delete(doc);
    PQclear(res);
    hd_resp_free(&f.resp);
}
END_TEST


START_TEST(api_failed_result_is_problem_without_db_message)
{
    fixture_t   f;
    PGresult   *res;

    ck_assert_int_eq(begin(&f, "GET", "/api/readyz", NULL, NULL, NULL),
                     HD_API_QUERY);

    res = PQmakeEmptyPGresult(NULL, PGRES_FATAL_ERROR);
    hd_api_finish(&f.req, &f.plan, res, &f.resp);
    ck_assert_int_eq(f.resp.status, 503);
    ck_assert_str_eq(f.resp.content_type, "application/problem+json");
    ck_assert_int_gt(f.resp.retry_after, 0);
    PQclear(res);
    hd_resp_free(&f.resp);

    hd_api_finish(&f.req, &f.plan, NULL, &f.resp);
    ck_assert_int_eq(f.resp.status, 503);
    hd_resp_free(&f.resp);
}
END_TEST


START_TEST(api_sqlstate_mapping)
{
    ck_assert_int_eq(hd_api_sqlstate_problem("57014"), HD_PROBLEM_DB_TIMEOUT);
    ck_assert_int_eq(hd_api_sqlstate_problem("57P01"),
                     HD_PROBLEM_DB_UNAVAILABLE);
    ck_assert_int_eq(hd_api_sqlstate_problem("08006"),
                     HD_PROBLEM_DB_UNAVAILABLE);
    ck_assert_int_eq(hd_api_sqlstate_problem("23505"), HD_PROBLEM_INTERNAL);
    ck_assert_int_eq(hd_api_sqlstate_problem(NULL),
                     HD_PROBLEM_DB_UNAVAILABLE);
}
END_TEST


START_TEST(api_sleep_binds_milliseconds)
{
    fixture_t  f;

    ck_assert_int_eq(begin(&f, "GET", "/api/_test/sleep", "x=1&ms=1500",
                           NULL, NULL),
                     HD_API_QUERY);
    ck_assert_int_eq(f.plan.nparams, 1);
    ck_assert_str_eq(f.plan.params[0], "1500");
}
END_TEST


START_TEST(api_sleep_rejects_bad_argument)
{
    fixture_t    f;
    const char  *bad[] = { NULL, "ms=", "ms=abc", "ms=-1", "ms=1e9",
                           "ms=999999999999", "ms=5%3B" };
    size_t       i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_int_eq(begin(&f, "GET", "/api/_test/sleep", bad[i],
                               NULL, NULL),
                         HD_API_RESPOND);
        ck_assert_int_eq(f.resp.status, 400);
        hd_resp_free(&f.resp);
    }
}
END_TEST


START_TEST(api_json_route_refuses_other_media_types)
{
    fixture_t  f;

    ck_assert_int_eq(begin(&f, "POST", "/api/_test/echo", NULL,
                           "text/plain", "{}"),
                     HD_API_RESPOND);
    ck_assert_int_eq(f.resp.status, 415);
    hd_resp_free(&f.resp);

    ck_assert_int_eq(begin(&f, "POST", "/api/_test/echo", NULL, NULL, "{}"),
                     HD_API_RESPOND);
    ck_assert_int_eq(f.resp.status, 415);
    hd_resp_free(&f.resp);
}
END_TEST


START_TEST(api_bad_json_names_where_it_broke)
{
    fixture_t   f;
    cJSON      *doc, *e;

    ck_assert_int_eq(begin(&f, "POST", "/api/_test/echo", NULL,
                           "application/json; charset=utf-8",
                           "{\"a\":1,\n\"b\":}"),
                     HD_API_RESPOND);
    ck_assert_int_eq(f.resp.status, 400);
    doc = body_json(&f);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "type")->valuestring,
                     "https://helpdesk.dev/problems/invalid-json");
    e = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "errors"), 0);
    ck_assert_int_eq(cJSON_GetObjectItem(e, "line")->valueint, 2);
    ck_assert_int_eq(cJSON_GetObjectItem(e, "column")->valueint, 5);
    ck_assert_ptr_nonnull(strstr(
        cJSON_GetObjectItem(doc, "detail")->valuestring, "line 2"));
    cJSON_Delete(doc);
    hd_resp_free(&f.resp);
}
END_TEST


START_TEST(api_echo_returns_document)
{
    fixture_t   f;
    cJSON      *doc;

    ck_assert_int_eq(begin(&f, "POST", "/api/_test/echo", NULL,
                           "application/json", "{ \"k\" : [true, null] }"),
                     HD_API_RESPOND);
    ck_assert_int_eq(f.resp.status, 200);
    doc = body_json(&f);
    ck_assert(cJSON_IsTrue(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "k"),
                                              0)));
    cJSON_Delete(doc);
    hd_resp_free(&f.resp);
}
END_TEST


START_TEST(api_json_media_types)
{
    ck_assert(hd_api_is_json_type("application/json", 16));
    ck_assert(hd_api_is_json_type("Application/JSON;charset=utf-8", 30));
    ck_assert(hd_api_is_json_type("application/merge-patch+json", 28));
    ck_assert(!hd_api_is_json_type("application/jsonx", 17));
    ck_assert(!hd_api_is_json_type("text/json", 9));
    ck_assert(!hd_api_is_json_type("application/+json", 17));
    ck_assert(!hd_api_is_json_type(NULL, 0));
}
END_TEST


START_TEST(api_query_arg_decodes)
{
    char  buf[16];

    ck_assert_int_eq(hd_query_arg("a=1&b=x%20y+z", 13, "b", buf,
                                  sizeof(buf)), 5);
    ck_assert_str_eq(buf, "x y z");
    ck_assert_int_eq(hd_query_arg("ab=1", 4, "a", buf, sizeof(buf)), -1);
    ck_assert_int_eq(hd_query_arg("a=%zz", 5, "a", buf, sizeof(buf)), -1);
    ck_assert_int_eq(hd_query_arg("a=%4", 4, "a", buf, sizeof(buf)), -1);
    ck_assert_int_eq(hd_query_arg("a=0123456789abcdefg", 19, "a", buf,
                                  sizeof(buf)), -1);
    ck_assert_int_eq(hd_query_arg("a=", 2, "a", buf, sizeof(buf)), 0);
}
END_TEST


Suite *
hd_api_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("api");
    tc = tcase_create("operations");
    tcase_add_test(tc, api_healthz_answers_without_database);
    tcase_add_test(tc, api_readyz_plans_a_round_trip);
    tcase_add_test(tc, api_failed_result_is_problem_without_db_message);
    tcase_add_test(tc, api_sqlstate_mapping);
    tcase_add_test(tc, api_sleep_binds_milliseconds);
    tcase_add_test(tc, api_sleep_rejects_bad_argument);
    tcase_add_test(tc, api_json_route_refuses_other_media_types);
    tcase_add_test(tc, api_bad_json_names_where_it_broke);
    tcase_add_test(tc, api_echo_returns_document);
    tcase_add_test(tc, api_json_media_types);
    tcase_add_test(tc, api_query_arg_decodes);
    suite_add_tcase(s, tc);

    return s;
}
