/*
 * hd_sla: the calendar shapes the API and the database use, and the
 * expansion handed to calendar_expansion_save().
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "hd_sla.h"
#include "hd_tests.h"


START_TEST(hhmm)
{
    unsigned  sec;

    ck_assert_int_eq(hd_sla_parse_hhmm("09:30", 0, &sec), 0);
    ck_assert_uint_eq(sec, 9 * 3600 + 30 * 60);
    ck_assert_int_eq(hd_sla_parse_hhmm("00:00", 0, &sec), 0);
    ck_assert_uint_eq(sec, 0);
    ck_assert_int_eq(hd_sla_parse_hhmm("23:59", 0, &sec), 0);
    ck_assert_int_eq(hd_sla_parse_hhmm("24:00", 1, &sec), 0);
    ck_assert_uint_eq(sec, 86400);

    ck_assert_int_eq(hd_sla_parse_hhmm("24:00", 0, &sec), -1);
    ck_assert_int_eq(hd_sla_parse_hhmm("24:01", 1, &sec), -1);
    ck_assert_int_eq(hd_sla_parse_hhmm("25:00", 1, &sec), -1);
    ck_assert_int_eq(hd_sla_parse_hhmm("09:60", 0, &sec), -1);
    ck_assert_int_eq(hd_sla_parse_hhmm("9:00", 0, &sec), -1);
    ck_assert_int_eq(hd_sla_parse_hhmm("09-00", 0, &sec), -1);
    ck_assert_int_eq(hd_sla_parse_hhmm("09:00 ", 0, &sec), -1);
    ck_assert_int_eq(hd_sla_parse_hhmm("", 0, &sec), -1);
}
END_TEST


/* API body text → (error message or NULL, field) */
static const char *
api(const char *text, const char **field, cJSON **stored)
{
    cJSON       *body;
    const char  *err;

    body = cJSON_Parse(text);
    ck_assert_ptr_nonnull(body);

    err = hd_sla_api_calendar(body, stored, field);
    cJSON_Delete(body);

    return err;
}


START_TEST(api_calendar_good)
{
    cJSON         *stored;
    const char    *field;
    hd_sla_cal_t  *cal;

    ck_assert_ptr_null(api("{\"name\": \"Night\", \"tz\": \"Europe/London\","
                           " \"windows\": [{\"dow\": 5, \"start\": \"22:00\","
                           " \"end\": \"06:00\"}, {\"dow\": 1, \"start\": "
                           "\"09:00\", \"end\": \"24:00\"}],"
                           " \"holidays\": [{\"date\": \"2028-02-29\","
                           " \"label\": \"Leap\"}]}", &field, &stored));
    ck_assert_ptr_nonnull(stored);

    cal = malloc(sizeof(hd_sla_cal_t));
    ck_assert_ptr_null(hd_sla_cal_parse(stored, cal));
    ck_assert_str_eq(cal->tz, "Europe/London");
    ck_assert_uint_eq(cal->nwindows, 2);
    ck_assert_uint_eq(cal->windows[0].dow, 5);
    ck_assert_uint_eq(cal->windows[0].start_sec, 22 * 3600);
    ck_assert_uint_eq(cal->windows[0].end_sec, 6 * 3600);
    ck_assert_uint_eq(cal->windows[1].end_sec, 86400);
    ck_assert_uint_eq(cal->nholidays, 1);
    ck_assert_int_eq(cal->holidays[0].year, 2028);
    ck_assert_int_eq(cal->holidays[0].month, 2);
    ck_assert_int_eq(cal->holidays[0].day, 29);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(stored, "is_default")));

    free(cal);
    cJSON_Delete(stored);
}
END_TEST


START_TEST(api_calendar_bad)
{
    static const struct {
        const char  *body;
        const char  *field;
    } cases[] = {
        { "{\"tz\": \"UTC\", \"windows\": []}", "name" },
        { "{\"name\": \" \", \"tz\": \"UTC\", \"windows\": []}", "name" },
        { "{\"name\": \"n\", \"windows\": []}", "tz" },
        { "{\"name\": \"n\", \"tz\": \"Mars/Base\", \"windows\": []}", "tz" },
        { "{\"name\": \"n\", \"tz\": \"UTC\"}", "windows" },
        { "{\"name\": \"n\", \"tz\": \"UTC\", \"is_default\": 1,"
          " \"windows\": []}", "is_default" },
        { "{\"name\": \"n\", \"tz\": \"UTC\", \"windows\": [{\"dow\": 7,"
          " \"start\": \"09:00\", \"end\": \"17:00\"}]}", "windows" },
        { "{\"name\": \"n\", \"tz\": \"UTC\", \"windows\": [{\"dow\": 1.5,"
          " \"start\": \"09:00\", \"end\": \"17:00\"}]}", "windows" },
        { "{\"name\": \"n\", \"tz\": \"UTC\", \"windows\": [{\"dow\": 1,"
          " \"start\": \"24:00\", \"end\": \"17:00\"}]}", "windows" },
        { "{\"name\": \"n\", \"tz\": \"UTC\", \"windows\": [{\"dow\": 1,"
          " \"start\": \"09:00\", \"end\": \"09:00\"}]}", "windows" },
        { "{\"name\": \"n\", \"tz\": \"UTC\", \"windows\": [{\"dow\": 1,"
          " \"start\": \"09:00\"}]}", "windows" },
        { "{\"name\": \"n\", \"tz\": \"UTC\", \"windows\": [],"
          " \"holidays\": [{\"date\": \"2027-02-29\", \"label\": \"x\"}]}",
          "holidays" },
        { "{\"name\": \"n\", \"tz\": \"UTC\", \"windows\": [],"
          " \"holidays\": [{\"date\": \"2026-12-25\"}]}", "holidays" },
        { "{\"name\": \"n\", \"tz\": \"UTC\", \"windows\": [],"
          " \"holidays\": [\"2026-12-25\"]}", "holidays" },
        { "{\"name\": \"n\", \"tz\": \"UTC\", \"windows\": [],"
          " \"holidays\": {}}", "holidays" },
    };
    size_t       i;
    cJSON       *stored;
    const char  *field;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_msg(api(cases[i].body, &field, &stored) != NULL,
                      "accepted: %s", cases[i].body);
        ck_assert_ptr_null(stored);
        ck_assert_msg(field != NULL && strcmp(field, cases[i].field) == 0,
                      "%s: field %s, not %s", cases[i].body,
                      field ? field : "(null)", cases[i].field);
    }
}
END_TEST


/* The stored shape also takes holidays as plain dates (calendar_def_json). */
START_TEST(stored_shape)
{
    cJSON         *def;
    hd_sla_cal_t  *cal;

    cal = malloc(sizeof(hd_sla_cal_t));

    def = cJSON_Parse("{\"tz\": \"Asia/Kathmandu\", \"windows\": "
                      "[{\"dow\": 0, \"start_sec\": 0, \"end_sec\": 86400}],"
                      " \"holidays\": [\"2026-01-01\"]}");
    ck_assert_ptr_null(hd_sla_cal_parse(def, cal));
    ck_assert_uint_eq(cal->nholidays, 1);
    cJSON_Delete(def);

    def = cJSON_Parse("{\"tz\": \"UTC\", \"windows\": "
                      "[{\"dow\": 0, \"start_sec\": 0, \"end_sec\": 0}]}");
    ck_assert_ptr_nonnull(hd_sla_cal_parse(def, cal));
    cJSON_Delete(def);

    def = cJSON_Parse("{\"windows\": []}");
    ck_assert_ptr_nonnull(hd_sla_cal_parse(def, cal));
    cJSON_Delete(def);

    free(cal);
}
END_TEST


/*
 * Expanding around 2026-03-09T12:00Z (a Monday) gives the SQL arrays: the
 * range is three years either side, and the interval of that Monday in
 * New York (09:00-17:00 EDT, 13:00Z-21:00Z) is among them.
 */
START_TEST(expand_arrays)
{
    char                 want_s[32], want_e[32];
    cJSON               *def;
    int64_t              at = 1773057600000LL;      /* 2026-03-09T12:00Z */
    hd_sla_cal_t        *cal;
    hd_sla_expansion_t   x;

    cal = malloc(sizeof(hd_sla_cal_t));
    def = cJSON_Parse("{\"tz\": \"America/New_York\", \"windows\": ["
                      "{\"dow\": 1, \"start_sec\": 32400, \"end_sec\": 61200}"
                      "]}");
    ck_assert_ptr_null(hd_sla_cal_parse(def, cal));
    cJSON_Delete(def);

    ck_assert_int_eq(hd_sla_expand(cal, at, &x), HD_CAL_OK);
    ck_assert_int_eq(x.from, at - HD_SLA_EXPAND_BACK_MS);
    ck_assert_int_eq(x.to, at + HD_SLA_EXPAND_AHEAD_MS);

    /* one Monday a week for six years */
    ck_assert_uint_ge(x.count, 312);
    ck_assert_uint_le(x.count, 314);

    ck_assert_int_eq(x.starts.data[0], '{');
    ck_assert_int_eq(x.starts.data[x.starts.len - 1], '}');
    ck_assert_uint_eq(strlen(x.starts.data), x.starts.len);

    snprintf(want_s, sizeof(want_s), ",%lld,", 1773061200000LL);  /* 13:00Z */
    snprintf(want_e, sizeof(want_e), ",%lld,", 1773090000000LL);  /* 21:00Z */
    ck_assert_ptr_nonnull(strstr(x.starts.data, want_s));
    ck_assert_ptr_nonnull(strstr(x.ends.data, want_e));

    hd_sla_expansion_free(&x);
    free(cal);
}
END_TEST


Suite *
hd_sla_suite(void)
{
    Suite  *s = suite_create("hd_sla");
    TCase  *tc = tcase_create("calendars");

    tcase_add_test(tc, hhmm);
    tcase_add_test(tc, api_calendar_good);
    tcase_add_test(tc, api_calendar_bad);
    tcase_add_test(tc, stored_shape);
    tcase_add_test(tc, expand_arrays);
    suite_add_tcase(s, tc);

    return s;
}
