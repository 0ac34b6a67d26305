#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "hd_problem.h"
#include "hd_tests.h"


START_TEST(problem_renders_rfc9457_fields)
{
    char    *s;
    size_t   len;
    cJSON   *doc;

    s = hd_problem_render(HD_PROBLEM_NOT_FOUND, "no such thing", NULL,
                          "req-12345678", &len);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(len, strlen(s));

    doc = cJSON_Parse(s);
    ck_assert_ptr_nonnull(doc);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "type")->valuestring,
                     "https://helpdesk.dev/problems/not-found");
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "title")->valuestring,
                     "Not found");
    ck_assert_int_eq(cJSON_GetObjectItem(doc, "status")->valueint, 404);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "detail")->valuestring,
                     "no such thing");
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "request_id")->valuestring,
                     "req-12345678");
    ck_assert_ptr_null(cJSON_GetObjectItem(doc, "errors"));

    cJSON_Delete(doc);
    free(s);
}
END_TEST


START_TEST(problem_embeds_errors_array)
{
    char    *s;
    size_t   len;
    cJSON   *doc, *errors;

    s = hd_problem_render(HD_PROBLEM_INVALID_JSON, NULL,
                          "[{\"line\":2,\"column\":5}]", NULL, &len);
    ck_assert_ptr_nonnull(s);

    doc = cJSON_Parse(s);
    errors = cJSON_GetObjectItem(doc, "errors");
    ck_assert(cJSON_IsArray(errors));
    ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(errors, 0),
                                         "column")->valueint, 5);
    ck_assert_ptr_null(cJSON_GetObjectItem(doc, "detail"));

    cJSON_Delete(doc);
    free(s);
}
END_TEST


START_TEST(problem_escapes_detail)
{
    char    *s;
    size_t   len;
    cJSON   *doc;

    s = hd_problem_render(HD_PROBLEM_BAD_REQUEST, "quote \" and \n newline",
                          NULL, NULL, &len);
    doc = cJSON_Parse(s);
    ck_assert_ptr_nonnull(doc);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "detail")->valuestring,
                     "quote \" and \n newline");
    cJSON_Delete(doc);
    free(s);
}
END_TEST


START_TEST(problem_from_status_maps_nginx_codes)
{
    ck_assert_int_eq(hd_problem_from_status(413),
                     HD_PROBLEM_PAYLOAD_TOO_LARGE);
    ck_assert_int_eq(hd_problem_from_status(404), HD_PROBLEM_NOT_FOUND);
    ck_assert_int_eq(hd_problem_from_status(504), HD_PROBLEM_DB_TIMEOUT);
    ck_assert_int_eq(hd_problem_from_status(507), HD_PROBLEM_INTERNAL);
    ck_assert_int_eq(hd_problem_from_status(418), HD_PROBLEM_BAD_REQUEST);
}
END_TEST


START_TEST(problem_unavailable_sets_retry_after)
{
    ck_assert_int_gt(hd_problem_info(HD_PROBLEM_DB_UNAVAILABLE)->retry_after,
                     0);
    ck_assert_int_gt(hd_problem_info(HD_PROBLEM_OVERLOADED)->retry_after, 0);
    ck_assert_int_eq(hd_problem_info(HD_PROBLEM_NOT_FOUND)->retry_after, 0);
}
END_TEST


Suite *
hd_problem_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("problem");
    tc = tcase_create("render");
    tcase_add_test(tc, problem_renders_rfc9457_fields);
    tcase_add_test(tc, problem_embeds_errors_array);
    tcase_add_test(tc, problem_escapes_detail);
    tcase_add_test(tc, problem_from_status_maps_nginx_codes);
    tcase_add_test(tc, problem_unavailable_sets_retry_after);
    suite_add_tcase(s, tc);

    return s;
}
