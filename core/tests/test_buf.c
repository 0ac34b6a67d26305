#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "hd_buf.h"
#include "hd_tests.h"


START_TEST(buf_json_string_escapes_what_json_requires)
{
    char      *text;
    size_t     len;
    cJSON     *doc;
    hd_buf_t   b;

    hd_buf_init(&b, 0);
    hd_buf_adds(&b, "[");
    hd_buf_json_string(&b, "plain");
    hd_buf_adds(&b, ",");
    hd_buf_json_string(&b, "q\"b\\s/\n\r\t\x01\x1f end");
    hd_buf_adds(&b, ",");
    hd_buf_json_string(&b, "caf\xc3\xa9 \xe2\x82\xac");
    hd_buf_adds(&b, ",");
    hd_buf_json_string(&b, "");
    hd_buf_adds(&b, "]");

    text = hd_buf_take(&b, &len);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(len, strlen(text));
    ck_assert_str_eq(text, "[\"plain\",\"q\\\"b\\\\s/\\n\\r\\t\\u0001\\u001f end\","
                           "\"caf\xc3\xa9 \xe2\x82\xac\",\"\"]");

    /* and a JSON parser reads back exactly what went in */

    doc = cJSON_Parse(text);
    ck_assert_ptr_nonnull(doc);
    ck_assert_str_eq(cJSON_GetArrayItem(doc, 1)->valuestring,
                     "q\"b\\s/\n\r\t\x01\x1f end");
    cJSON_Delete(doc);
    free(text);
    ck_assert_ptr_null(b.data);
}
END_TEST


START_TEST(buf_grows_and_takes)
{
    int        i;
    char      *text;
    size_t     len;
    hd_buf_t   b;

    hd_buf_init(&b, 4);
    for (i = 0; i < 1000; i++) {
        hd_buf_add(&b, "abcdefghij", 10);
    }

    text = hd_buf_take(&b, &len);
    ck_assert_uint_eq(len, 10000);
    ck_assert_uint_eq(strlen(text), 10000);
    ck_assert(memcmp(text + 9990, "abcdefghij", 10) == 0);
    free(text);

    hd_buf_init(&b, 0);
    text = hd_buf_take(&b, &len);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, "");
    ck_assert_uint_eq(len, 0);
    free(text);

    hd_buf_init(&b, 0);
    hd_buf_adds(&b, "x");
    b.failed = 1;               /* as after a failed allocation */
    hd_buf_adds(&b, "y");
    ck_assert_ptr_null(hd_buf_take(&b, &len));
    ck_assert_ptr_null(b.data);
}
END_TEST


Suite *
hd_buf_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("buf");
    tc = tcase_create("buf");

    tcase_add_test(tc, buf_json_string_escapes_what_json_requires);
    tcase_add_test(tc, buf_grows_and_takes);
    suite_add_tcase(s, tc);

    return s;
}
