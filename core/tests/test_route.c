#include <string.h>

#include <check.h>

#include "hd_route.h"
#include "hd_tests.h"


static hd_route_rc_t
match(const char *method, const char *path, int test_mode,
    hd_route_match_t *m)
{
    return hd_route_match(method, strlen(method), path, strlen(path),
                          test_mode, m);
}


START_TEST(route_finds_exact_path)
{
    hd_route_match_t  m;

    ck_assert_int_eq(match("GET", "/api/readyz", 0, &m), HD_ROUTE_FOUND);
    ck_assert_int_eq(m.route->id, HD_ROUTE_READYZ);
    ck_assert_str_eq(hd_route_name(m.route->id), "readyz");
}
END_TEST


START_TEST(route_head_is_answered_by_get)
{
    hd_route_match_t  m;

    ck_assert_int_eq(match("HEAD", "/api/healthz", 0, &m), HD_ROUTE_FOUND);
    ck_assert_int_eq(m.route->id, HD_ROUTE_HEALTHZ);
}
END_TEST


START_TEST(route_unknown_path_is_not_found)
{
    hd_route_match_t  m;

    ck_assert_int_eq(match("GET", "/api/nope", 0, &m), HD_ROUTE_NOT_FOUND);
    ck_assert_int_eq(match("GET", "/api/readyz/", 0, &m), HD_ROUTE_NOT_FOUND);
    ck_assert_int_eq(match("GET", "/api/ready", 0, &m), HD_ROUTE_NOT_FOUND);
    ck_assert_int_eq(match("GET", "", 0, &m), HD_ROUTE_NOT_FOUND);
}
END_TEST


START_TEST(route_wrong_method_lists_allowed)
{
    hd_route_match_t  m;

    ck_assert_int_eq(match("POST", "/api/readyz", 0, &m),
                     HD_ROUTE_BAD_METHOD);
    ck_assert_str_eq(m.allow, "GET, HEAD");

    ck_assert_int_eq(match("GET", "/api/_test/echo", 1, &m),
                     HD_ROUTE_BAD_METHOD);
    ck_assert_str_eq(m.allow, "POST");
}
END_TEST


START_TEST(route_test_routes_hidden_outside_test_mode)
{
    hd_route_match_t  m;

    ck_assert_int_eq(match("GET", "/api/_test/sleep", 0, &m),
                     HD_ROUTE_NOT_FOUND);
    ck_assert_int_eq(match("POST", "/api/_test/echo", 0, &m),
                     HD_ROUTE_NOT_FOUND);
    ck_assert_int_eq(match("GET", "/api/_test/sleep", 1, &m),
                     HD_ROUTE_FOUND);
}
END_TEST


START_TEST(route_unmatched_label)
{
    ck_assert_str_eq(hd_route_name(HD_ROUTE_NONE), "unmatched");
    ck_assert_str_eq(hd_route_name(9999), "unmatched");
}
END_TEST


Suite *
hd_route_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("route");
    tc = tcase_create("match");
    tcase_add_test(tc, route_finds_exact_path);
    tcase_add_test(tc, route_head_is_answered_by_get);
    tcase_add_test(tc, route_unknown_path_is_not_found);
    tcase_add_test(tc, route_wrong_method_lists_allowed);
    tcase_add_test(tc, route_test_routes_hidden_outside_test_mode);
    tcase_add_test(tc, route_unmatched_label);
    suite_add_tcase(s, tc);

    return s;
}
