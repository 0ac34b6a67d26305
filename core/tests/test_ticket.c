#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "hd_ticket.h"
#include "hd_tests.h"


#define ALL_GROUPS  (HD_TICKET_TOUCH_CONTENT | HD_TICKET_TOUCH_STATUS \
                     | HD_TICKET_TOUCH_ASSIGN | HD_TICKET_TOUCH_BEHALF)

static const char  uuid[] = "01a21bde-4868-7f2f-8a92-eb003fefd1c5";


START_TEST(ticket_ref_is_uuid_or_tkt_number)
{
    hd_ticket_ref_t  ref;

    ck_assert(hd_ticket_ref_parse(uuid, strlen(uuid), &ref));
    ck_assert_str_eq(ref.id, uuid);
    ck_assert_int_eq(ref.number, 0);

    ck_assert(hd_ticket_ref_parse("TKT-1042", 8, &ref));
    ck_assert_str_eq(ref.id, "");
    ck_assert_int_eq(ref.number, 1042);

    ck_assert(hd_ticket_ref_parse("tkt-7", 5, &ref));
    ck_assert_int_eq(ref.number, 7);

    ck_assert(!hd_ticket_ref_parse("TKT-", 4, &ref));
    ck_assert(!hd_ticket_ref_parse("TKT-0", 5, &ref));
    ck_assert(!hd_ticket_ref_parse("TKT-012", 7, &ref));
    ck_assert(!hd_ticket_ref_parse("TKT-12a", 7, &ref));
    ck_assert(!hd_ticket_ref_parse("TKT--1", 6, &ref));
    ck_assert(!hd_ticket_ref_parse("1042", 4, &ref));
    ck_assert(!hd_ticket_ref_parse("TKT-1234567890123456", 20, &ref));
    ck_assert(!hd_ticket_ref_parse("01a21bde-4868-7f2f-8a92-eb003fefd1c", 35,
                                   &ref));
}
END_TEST


START_TEST(ticket_if_match_takes_plain_quoted_and_weak_versions)
{
    ck_assert_int_eq(hd_ticket_if_match("3", 1), 3);
    ck_assert_int_eq(hd_ticket_if_match("\"12\"", 4), 12);
    ck_assert_int_eq(hd_ticket_if_match("W/\"5\"", 5), 5);

    ck_assert_int_eq(hd_ticket_if_match(NULL, 0), -1);
    ck_assert_int_eq(hd_ticket_if_match("", 0), -1);
    ck_assert_int_eq(hd_ticket_if_match("*", 1), -1);
    ck_assert_int_eq(hd_ticket_if_match("\"\"", 2), -1);
    ck_assert_int_eq(hd_ticket_if_match("0", 1), -1);
    ck_assert_int_eq(hd_ticket_if_match("-1", 2), -1);
    ck_assert_int_eq(hd_ticket_if_match("3, 4", 4), -1);
    ck_assert_int_eq(hd_ticket_if_match("1234567890", 10), -1);
}
END_TEST


START_TEST(ticket_timestamps_are_rfc3339)
{
    ck_assert(hd_ticket_ts_valid("2026-01-31T09:00:00Z", 0));
    ck_assert(hd_ticket_ts_valid("2026-01-31T09:00:00.123+01:00", 0));
    ck_assert(hd_ticket_ts_valid("2024-02-29T23:59:59-05:30", 0));
    ck_assert(hd_ticket_ts_valid("2026-01-31", 1));

    ck_assert(!hd_ticket_ts_valid("2026-01-31", 0));
    ck_assert(!hd_ticket_ts_valid("2026-01-31T09:00:00", 1));
    ck_assert(!hd_ticket_ts_valid("2025-02-29", 1));
    ck_assert(!hd_ticket_ts_valid("2026-13-01", 1));
    ck_assert(!hd_ticket_ts_valid("2026-01-31T24:00:00Z", 1));
    ck_assert(!hd_ticket_ts_valid("2026-01-31T09:00:00.Z", 1));
    ck_assert(!hd_ticket_ts_valid("2026-01-31 09:00:00Z", 1));
    ck_assert(!hd_ticket_ts_valid("2026-01-31T09:00:00+0100", 1));
    ck_assert(!hd_ticket_ts_valid("yesterday", 1));
    ck_assert(!hd_ticket_ts_valid("", 1));
}
END_TEST


/* Runs hd_ticket_fields on a JSON text; returns the result (or NULL). */
static cJSON *
fields(const char *json, hd_ticket_mode_t mode, unsigned may,
    unsigned *touched, const char **note, hd_ticket_error_t *err)
{
    cJSON  *body, *out;

    body = cJSON_Parse(json);
    ck_assert_ptr_nonnull(body);

    out = hd_ticket_fields(body, mode, may, touched, note, err);

    /* the note points into the body: keep only whether there was one */
    if (*note != NULL) {
        *note = "present";
    }

    cJSON_Delete(body);
    return out;
}


START_TEST(ticket_create_fields_are_checked_and_copied)
{
    char               *text;
    cJSON              *out;
    unsigned            touched;
    const char         *note;
    hd_ticket_error_t   err;

    out = fields("{\"title\":\"Printer\",\"priority\":\"P2\",\"urgency\":3,"
                 "\"category\":\"Hardware\",\"custom_json\":{\"a\":1}}",
                 HD_TICKET_CREATE, HD_TICKET_TOUCH_CONTENT, &touched, &note,
                 &err);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(touched, HD_TICKET_TOUCH_CONTENT);
    text = cJSON_PrintUnformatted(out);
    ck_assert_str_eq(text, "{\"title\":\"Printer\",\"priority\":\"P2\","
                     "\"urgency\":3,\"category\":\"Hardware\","
                     "\"custom_json\":{\"a\":1}}");
    free(text);
    cJSON_Delete(out);

    /* title is required */
    ck_assert_ptr_null(fields("{\"description\":\"x\"}", HD_TICKET_CREATE,
                              ALL_GROUPS, &touched, &note, &err));
    ck_assert_str_eq(err.field, "title");

    /* on behalf: only for callers who may */
    ck_assert_ptr_null(fields("{\"title\":\"x\",\"requester_id\":\"01a21bde-"
                              "4868-7f2f-8a92-eb003fefd1c5\"}",
                              HD_TICKET_CREATE, HD_TICKET_TOUCH_CONTENT,
                              &touched, &note, &err));
    ck_assert_str_eq(err.field, "requester_id");
    ck_assert_ptr_nonnull(strstr(err.message, "read-only"));

    out = fields("{\"title\":\"x\",\"requester_id\":\"01a21bde-4868-7f2f-"
                 "8a92-eb003fefd1c5\",\"source\":\"email\"}",
                 HD_TICKET_CREATE, ALL_GROUPS, &touched, &note, &err);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(touched, HD_TICKET_TOUCH_CONTENT
                               | HD_TICKET_TOUCH_BEHALF);
    cJSON_Delete(out);

    /* status is the workflow's to set on create */
    ck_assert_ptr_null(fields("{\"title\":\"x\",\"status\":\"closed\"}",
                              HD_TICKET_CREATE, ALL_GROUPS, &touched, &note,
                              &err));
    ck_assert_str_eq(err.field, "status");
}
END_TEST


START_TEST(ticket_unknown_and_server_owned_fields_are_refused)
{
    size_t              i;
    unsigned            touched;
    const char         *note;
    hd_ticket_error_t   err;

    static const char  *bodies[] = {
        "{\"title\":\"x\",\"id\":\"01a21bde-4868-7f2f-8a92-eb003fefd1c5\"}",
        "{\"title\":\"x\",\"version\":7}",
        "{\"title\":\"x\",\"created_at\":\"2026-01-01T00:00:00Z\"}",
        "{\"title\":\"x\",\"number\":\"TKT-1\"}",
        "{\"title\":\"x\",\"due_at\":\"2026-01-01T00:00:00Z\"}",
        "{\"title\":\"x\",\"deleted_at\":null}",
        "{\"title\":\"x\",\"is_admin\":true}",
        "{\"title\":\"x\",\"Title\":\"y\"}",
    };

    static const char  *named[] = {
        "id", "version", "created_at", "number", "due_at", "deleted_at",
        "is_admin", "Title"
    };

    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        ck_assert_ptr_null(fields(bodies[i], HD_TICKET_CREATE, ALL_GROUPS,
                                  &touched, &note, &err));
        ck_assert_str_eq(err.field, named[i]);

        ck_assert_ptr_null(fields(bodies[i], HD_TICKET_PATCH, ALL_GROUPS,
                                  &touched, &note, &err));
        ck_assert_str_eq(err.field, named[i]);
    }

    /* the requester of an existing ticket never changes */
    ck_assert_ptr_null(fields("{\"requester_id\":\"01a21bde-4868-7f2f-8a92-"
                              "eb003fefd1c5\"}", HD_TICKET_PATCH, ALL_GROUPS,
                              &touched, &note, &err));
    ck_assert_str_eq(err.field, "requester_id");
}
END_TEST


START_TEST(ticket_field_values_are_typed)
{
    size_t              i;
    unsigned            touched;
    const char         *note;
    hd_ticket_error_t   err;

    static const struct {
        const char  *body;
        const char  *field;
    } bad[] = {
        { "{\"title\":\"   \"}", "title" },
        { "{\"title\":5}", "title" },
        { "{\"title\":null}", "title" },
        { "{\"priority\":\"P5\"}", "priority" },
        { "{\"priority\":\"p1\"}", "priority" },
        { "{\"urgency\":0}", "urgency" },
        { "{\"urgency\":2.5}", "urgency" },
        { "{\"urgency\":\"2\"}", "urgency" },
        { "{\"custom_json\":[1]}", "custom_json" },
        { "{\"assignee_id\":\"nobody\"}", "assignee_id" },
        { "{\"status\":\"In Progress\"}", "status" },
        { "{\"scheduled_at\":\"tomorrow\"}", "scheduled_at" },
        { "{\"category\":\"\"}", "category" },
        { "{\"note\":\"why\"}", "note" },
        { "{}", "" },
    };

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(fields(bad[i].body, HD_TICKET_PATCH, ALL_GROUPS,
                             &touched, &note, &err) == NULL,
                      "accepted %s", bad[i].body);
        ck_assert_str_eq(err.field, bad[i].field);
    }
}
END_TEST


START_TEST(ticket_patch_reports_what_it_touches)
{
    char               *text;
    cJSON              *out;
    unsigned            touched;
    const char         *note;
    hd_ticket_error_t   err;

    out = fields("{\"status\":\"resolved\",\"note\":\"fixed\","
                 "\"assignee_id\":null,\"urgency\":null}",
                 HD_TICKET_PATCH, ALL_GROUPS, &touched, &note, &err);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(touched, HD_TICKET_TOUCH_STATUS
                               | HD_TICKET_TOUCH_ASSIGN
                               | HD_TICKET_TOUCH_CONTENT);
    ck_assert_ptr_nonnull(note);

    /* the note is not a ticket field */
    text = cJSON_PrintUnformatted(out);
    ck_assert_str_eq(text, "{\"status\":\"resolved\",\"assignee_id\":null,"
                     "\"urgency\":null}");
    free(text);
    cJSON_Delete(out);
}
END_TEST


START_TEST(ticket_query_defaults)
{
    hd_ticket_query_t  q;
    hd_ticket_error_t  err;

    ck_assert(hd_ticket_query_parse(NULL, 0, &q, &err));
    ck_assert_int_eq(q.sort, HD_TICKET_SORT_CREATED_AT);
    ck_assert_int_eq(q.desc, 1);
    ck_assert_int_eq(q.limit, HD_TICKET_LIMIT_DEFAULT);
    ck_assert_str_eq(q.status, "");
    ck_assert_int_eq(q.has_cursor, 0);
}
END_TEST


START_TEST(ticket_query_reads_filters)
{
    hd_ticket_query_t  q;
    hd_ticket_error_t  err;
    const char        *s;

    s = "status=new,in_progress&priority=P1%2CP2&team_id=01a21bde-4868-7f2f-"
        "8a92-eb003fefd1c5&category=Hard+ware&created_after=2026-01-01"
        "&updated_before=2026-02-01T10%3A00%3A00Z&sort=priority&limit=100";

    ck_assert(hd_ticket_query_parse(s, strlen(s), &q, &err));
    ck_assert_str_eq(q.status, "{new,in_progress}");
    ck_assert_str_eq(q.priority, "{P1,P2}");
    ck_assert_str_eq(q.team_id, uuid);
    ck_assert_str_eq(q.assignee_id, "");
    ck_assert_str_eq(q.category, "Hard ware");
    ck_assert_str_eq(q.created_after, "2026-01-01");
    ck_assert_str_eq(q.updated_before, "2026-02-01T10:00:00Z");
    ck_assert_int_eq(q.sort, HD_TICKET_SORT_PRIORITY);
    ck_assert_int_eq(q.desc, 0);
    ck_assert_int_eq(q.limit, 100);

    /* more than a page is clamped to one */

    ck_assert(hd_ticket_query_parse("limit=1e9", 9, &q, &err));
    ck_assert_int_eq(q.limit, HD_TICKET_LIMIT_MAX);
    ck_assert(hd_ticket_query_parse("limit=101", 9, &q, &err));
    ck_assert_int_eq(q.limit, HD_TICKET_LIMIT_MAX);
    ck_assert(hd_ticket_query_parse("limit=99999999999999999999999", 29, &q,
                                    &err));
    ck_assert_int_eq(q.limit, HD_TICKET_LIMIT_MAX);
    ck_assert(hd_ticket_query_parse("limit=7", 7, &q, &err));
    ck_assert_int_eq(q.limit, 7);

    /* assignee_id=none asks for the unassigned ones */

    ck_assert(hd_ticket_query_parse("assignee_id=none", 16, &q, &err));
    ck_assert_int_eq(q.unassigned, 1);
    ck_assert_str_eq(q.assignee_id, "");
    ck_assert(hd_ticket_query_parse("limit=7", 7, &q, &err));
    ck_assert_int_eq(q.unassigned, 0);
}
END_TEST


START_TEST(ticket_query_refuses_what_it_does_not_know)
{
    size_t             i;
    hd_ticket_query_t  q;
    hd_ticket_error_t  err;

    static const struct {
        const char  *query;
        const char  *field;
    } bad[] = {
        { "sort=title", "sort" },
        { "sort=-", "sort" },
        { "sort=created_at;drop", "sort" },
        { "limit=0", "limit" },
        { "limit=0.5", "limit" },
        { "limit=-3", "limit" },
        { "limit=nan", "limit" },
        { "limit=1e", "limit" },
        { "limit=ten", "limit" },
        { "priority=P9", "priority" },
        { "status=New", "status" },
        { "status=", "status" },
        { "assignee_id=me", "assignee_id" },
        { "created_after=last+week", "created_after" },
        { "cursor=abc", "cursor" },
        { "q=printer", "q" },
        { "status=new&Status=new", "Status" },
        { "team_id=%zz", "team_id" },
    };

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(!hd_ticket_query_parse(bad[i].query,
                                             strlen(bad[i].query), &q, &err),
                      "accepted %s", bad[i].query);
        ck_assert_str_eq(err.field, bad[i].field);
    }
}
END_TEST


START_TEST(ticket_cursor_roundtrips_for_its_own_sort_only)
{
    char               cursor[256], query[300];
    size_t             n;
    hd_ticket_query_t  q;
    hd_ticket_error_t  err;

    n = hd_ticket_cursor_encode(HD_TICKET_SORT_CREATED_AT, 1,
                                "2026-11-27 07:18:02.080754+00", uuid,
                                cursor, sizeof(cursor));
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_eq(strspn(cursor, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
                                     "mnopqrstuvwxyz0123456789-_"), n);

    snprintf(query, sizeof(query), "cursor=%s", cursor);
    ck_assert(hd_ticket_query_parse(query, strlen(query), &q, &err));
    ck_assert_int_eq(q.has_cursor, 1);
    ck_assert_str_eq(q.after_key, "2026-11-27 07:18:02.080754+00");
    ck_assert_str_eq(q.after_id, uuid);

    /* a cursor from another sort or direction */
    snprintf(query, sizeof(query), "sort=created_at&cursor=%s", cursor);
    ck_assert(!hd_ticket_query_parse(query, strlen(query), &q, &err));
    ck_assert_str_eq(err.field, "cursor");

    snprintf(query, sizeof(query), "sort=-updated_at&cursor=%s", cursor);
    ck_assert(!hd_ticket_query_parse(query, strlen(query), &q, &err));

    /* tampering */
    cursor[3] = cursor[3] == 'A' ? 'B' : 'A';
    snprintf(query, sizeof(query), "cursor=%s", cursor);
    ck_assert(!hd_ticket_query_parse(query, strlen(query), &q, &err));

    /* keys that cannot be carried */
    ck_assert_uint_eq(hd_ticket_cursor_encode(HD_TICKET_SORT_NUMBER, 0, "1|2",
                                              uuid, cursor, sizeof(cursor)),
                      0);
    ck_assert_uint_eq(hd_ticket_cursor_encode(HD_TICKET_SORT_NUMBER, 0, "12",
                                              uuid, cursor, 10), 0);
}
END_TEST


Suite *
hd_ticket_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("ticket");
    tc = tcase_create("rules");

    tcase_add_test(tc, ticket_ref_is_uuid_or_tkt_number);
    tcase_add_test(tc, ticket_if_match_takes_plain_quoted_and_weak_versions);
    tcase_add_test(tc, ticket_timestamps_are_rfc3339);
    tcase_add_test(tc, ticket_create_fields_are_checked_and_copied);
    tcase_add_test(tc, ticket_unknown_and_server_owned_fields_are_refused);
    tcase_add_test(tc, ticket_field_values_are_typed);
    tcase_add_test(tc, ticket_patch_reports_what_it_touches);
    tcase_add_test(tc, ticket_query_defaults);
    tcase_add_test(tc, ticket_query_reads_filters);
    tcase_add_test(tc, ticket_query_refuses_what_it_does_not_know);
    tcase_add_test(tc, ticket_cursor_roundtrips_for_its_own_sort_only);
    suite_add_tcase(s, tc);

    return s;
}
