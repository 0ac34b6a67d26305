#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "hd_json.h"
#include "hd_tests.h"


static cJSON *
parse(const char *s, hd_json_error_t *err)
{
    return hd_json_parse(s, strlen(s), err);
}


START_TEST(json_accepts_document_with_trailing_space)
{
    cJSON            *doc;
    hd_json_error_t   err;

    doc = parse("{\"a\": [1, 2, \"x\"]}\n  ", &err);
    ck_assert_ptr_nonnull(doc);
    cJSON_Delete(doc);
}
END_TEST


START_TEST(json_names_line_and_column_of_fault)
{
    hd_json_error_t  err;

    ck_assert_ptr_null(parse("{\n  \"a\": 1,\n  \"b\": tru\n}", &err));
    ck_assert_int_eq(err.line, 3);
    ck_assert_int_ge(err.column, 8);
    ck_assert_int_le(err.column, 11);
}
END_TEST


START_TEST(json_rejects_trailing_garbage)
{
    hd_json_error_t  err;

    ck_assert_ptr_null(parse("{} x", &err));
    ck_assert_uint_eq(err.offset, 3);
    ck_assert_str_eq(err.message, "unexpected data after the JSON value");
}
END_TEST


START_TEST(json_rejects_empty_and_truncated)
{
    hd_json_error_t  err;

    ck_assert_ptr_null(hd_json_parse("", 0, &err));
    ck_assert_ptr_null(parse("{\"a\":", &err));
    ck_assert_str_eq(err.message, "unexpected end of input");
}
END_TEST


START_TEST(json_rejects_invalid_utf8_with_offset)
{
    hd_json_error_t  err;

    ck_assert_ptr_null(parse("{\"a\":\"\xc3\x28\"}", &err));
    ck_assert_uint_eq(err.offset, 6);
    ck_assert_str_eq(err.message, "invalid UTF-8 sequence");

    /* overlong encoding and a UTF-16 surrogate */
    ck_assert_ptr_null(parse("\"\xc0\xaf\"", &err));
    ck_assert_ptr_null(parse("\"\xed\xa0\x80\"", &err));
}
END_TEST


START_TEST(json_rejects_escaped_nul_that_would_cut_a_string)
{
    cJSON            *doc;
    hd_json_error_t   err;

    ck_assert_ptr_null(parse("{\"email\":\"boss@x.com\\u0000@evil\"}", &err));
    ck_assert_uint_eq(err.offset, 20);
    ck_assert_str_eq(err.message, "\\u0000 is not allowed in strings");

    /* an escaped backslash followed by "u0000" is plain text */
    doc = parse("{\"a\":\"\\\\u0000\"}", &err);
    ck_assert_ptr_nonnull(doc);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "a")->valuestring, "\\u0000");
    cJSON_Delete(doc);

    /* other escapes still decode */
    doc = parse("\"\\u0041\"", &err);
    ck_assert_ptr_nonnull(doc);
    ck_assert_str_eq(doc->valuestring, "A");
    cJSON_Delete(doc);
}
END_TEST


START_TEST(json_does_not_read_past_length)
{
    cJSON            *doc;
    hd_json_error_t   err;
    const char        buf[] = "[1]]]]";

    doc = hd_json_parse(buf, 3, &err);
    ck_assert_ptr_nonnull(doc);
    cJSON_Delete(doc);
}
END_TEST


START_TEST(json_error_renders_as_array)
{
    char             *s;
    cJSON            *arr;
    hd_json_error_t   err;

    ck_assert_ptr_null(parse("[1,,2]", &err));
    s = hd_json_error_render(&err);
    arr = cJSON_Parse(s);
    ck_assert(cJSON_IsArray(arr));
    ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0),
                                         "line")->valueint, 1);
    cJSON_Delete(arr);
    free(s);
}
END_TEST


Suite *
hd_json_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("json");
    tc = tcase_create("parse");
    tcase_add_test(tc, json_accepts_document_with_trailing_space);
    tcase_add_test(tc, json_names_line_and_column_of_fault);
    tcase_add_test(tc, json_rejects_trailing_garbage);
    tcase_add_test(tc, json_rejects_empty_and_truncated);
    tcase_add_test(tc, json_rejects_invalid_utf8_with_offset);
    tcase_add_test(tc, json_rejects_escaped_nul_that_would_cut_a_string);
    tcase_add_test(tc, json_does_not_read_past_length);
    tcase_add_test(tc, json_error_renders_as_array);
    suite_add_tcase(s, tc);

    return s;
}
