#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "hd_api.h"
#include "hd_api_int.h"
#include "hd_tests.h"
#include "hd_dircache.h"
#include "hd_tokcache.h"


static const unsigned char  key[HD_SESSION_KEY_LEN] = "0123456789abcdef0123456789abcde";

typedef struct {
    hd_route_match_t  m;
    hd_req_t          req;
    hd_op_t           op;
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
    f->req.method = method;
    f->req.method_len = strlen(method);
    f->req.query = query;
    f->req.query_len = query ? strlen(query) : 0;
    f->req.content_type = ctype;
    f->req.content_type_len = ctype ? strlen(ctype) : 0;
    f->req.body = body ? body : "";
    f->req.body_len = body ? strlen(body) : 0;
    f->req.request_id = "test-request-1";
    f->req.session_key = key;
    f->req.now = 1700000000;
    f->req.ip = "127.0.0.1";

    hd_op_init(&f->op, &f->req);

    return hd_api_begin(&f->op);
}


static cJSON *
body_json(fixture_t *f)
{
    cJSON  *doc;

    doc = cJSON_ParseWithLength(f->op.resp.body, f->op.resp.body_len);
    ck_assert_ptr_nonnull(doc);
    return doc;
}


/* A result with the given text columns, one row. */
static PGresult *
row(int n, const char *const *values)
{
    int                 i;
    PGresult           *res;
    PGresAttDesc        attrs[64];

    ck_assert_int_le(n, (int) (sizeof(attrs) / sizeof(attrs[0])));
    memset(attrs, 0, sizeof(attrs));
    for (i = 0; i < n; i++) {
        attrs[i].name = (char *) "c";
        attrs[i].format = 0;
        attrs[i].typid = 25;
        attrs[i].typlen = -1;
        attrs[i].atttypmod = -1;
    }

    res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    ck_assert(PQsetResultAttrs(res, n, attrs));

    for (i = 0; i < n; i++) {
        if (values[i] != NULL) {
            ck_assert(PQsetvalue(res, 0, i, (char *) values[i],
                                 (int) strlen(values[i])));
        }
    }

    return res;
}


static PGresult *
empty(void)
{
    return PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
}


START_TEST(api_healthz_answers_without_database)
{
    fixture_t   f;
    cJSON      *doc;

    ck_assert_int_eq(begin(&f, "GET", "/api/healthz", NULL, NULL, NULL),
                     HD_API_RESPOND);
    ck_assert_int_eq(f.op.resp.status, 200);
    ck_assert_str_eq(f.op.resp.content_type, "application/json");
    doc = body_json(&f);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "status")->valuestring, "ok");
    cJSON_Delete(doc);
    hd_op_free(&f.op);
}
END_TEST


START_TEST(api_readyz_plans_a_round_trip)
{
    fixture_t   f;
    PGresult   *res;
    cJSON      *doc;

    ck_assert_int_eq(begin(&f, "GET", "/api/readyz", NULL, NULL, NULL),
                     HD_API_QUERY);
    ck_assert_str_eq(f.op.plan.sql, "select 1");

    res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    ck_assert_int_eq(f.op.resp.status, 200);
    doc = body_json(&f);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "status")->valuestring,
                     "ready");
    cJSON_Delete(doc);
    PQclear(res);
    hd_op_free(&f.op);
}
END_TEST


START_TEST(api_failed_result_is_problem_without_db_message)
{
    fixture_t   f;
    PGresult   *res;

    ck_assert_int_eq(begin(&f, "GET", "/api/readyz", NULL, NULL, NULL),
                     HD_API_QUERY);

    res = PQmakeEmptyPGresult(NULL, PGRES_FATAL_ERROR);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    ck_assert_int_eq(f.op.resp.status, 503);
    ck_assert_str_eq(f.op.resp.content_type, "application/problem+json");
    ck_assert_int_gt(f.op.resp.retry_after, 0);
    PQclear(res);

    ck_assert_int_eq(hd_api_result(&f.op, NULL), HD_API_RESPOND);
    ck_assert_int_eq(f.op.resp.status, 503);
    hd_op_free(&f.op);
}
END_TEST


START_TEST(api_sqlstate_mapping)
{
    ck_assert_int_eq(hd_api_sqlstate_problem("57014"), HD_PROBLEM_DB_TIMEOUT);
    ck_assert_int_eq(hd_api_sqlstate_problem("57P01"),
                     HD_PROBLEM_DB_UNAVAILABLE);
    ck_assert_int_eq(hd_api_sqlstate_problem("08006"),
                     HD_PROBLEM_DB_UNAVAILABLE);
    ck_assert_int_eq(hd_api_sqlstate_problem("23505"), HD_PROBLEM_CONFLICT);
    ck_assert_int_eq(hd_api_sqlstate_problem("23514"),
                     HD_PROBLEM_UNPROCESSABLE);
    ck_assert_int_eq(hd_api_sqlstate_problem("22P02"),
                     HD_PROBLEM_BAD_REQUEST);
    ck_assert_int_eq(hd_api_sqlstate_problem("42P01"), HD_PROBLEM_INTERNAL);
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
    ck_assert_int_eq(f.op.plan.nparams, 1);
    ck_assert_str_eq(f.op.plan.params[0], "1500");
    hd_op_free(&f.op);
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
        ck_assert_int_eq(f.op.resp.status, 400);
        hd_op_free(&f.op);
    }
}
END_TEST


START_TEST(api_json_route_refuses_other_media_types)
{
    fixture_t  f;

    ck_assert_int_eq(begin(&f, "POST", "/api/_test/echo", NULL,
                           "text/plain", "{}"),
                     HD_API_RESPOND);
    ck_assert_int_eq(f.op.resp.status, 415);
    hd_op_free(&f.op);

    ck_assert_int_eq(begin(&f, "POST", "/api/_test/echo", NULL, NULL, "{}"),
                     HD_API_RESPOND);
    ck_assert_int_eq(f.op.resp.status, 415);
    hd_op_free(&f.op);
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
    ck_assert_int_eq(f.op.resp.status, 400);
    doc = body_json(&f);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "type")->valuestring,
                     "https://helpdesk.dev/problems/invalid-json");
    e = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "errors"), 0);
    ck_assert_int_eq(cJSON_GetObjectItem(e, "line")->valueint, 2);
    ck_assert_int_eq(cJSON_GetObjectItem(e, "column")->valueint, 5);
    cJSON_Delete(doc);
    hd_op_free(&f.op);
}
END_TEST


START_TEST(api_echo_returns_document)
{
    fixture_t   f;
    cJSON      *doc;

    ck_assert_int_eq(begin(&f, "POST", "/api/_test/echo", NULL,
                           "application/json", "{ \"k\" : [true, null] }"),
                     HD_API_RESPOND);
    ck_assert_int_eq(f.op.resp.status, 200);
    doc = body_json(&f);
    ck_assert(cJSON_IsTrue(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "k"),
                                              0)));
    cJSON_Delete(doc);
    hd_op_free(&f.op);
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


/* ---- callers ------------------------------------------------------------ */

/* a principal row as the auth_* functions return it */
#define HD_P_ROW  11

static const char *const  agent_row[] = {
    "0190a000-0000-7000-8000-000000000001", "agent@example.com", "Agent",
    "en", "UTC", "{agent}",
    "[{\"id\":\"0190a000-0000-7000-8000-0000000000d1\",\"name\":\"Desk\"}]",
    "0190a000-0000-7000-8000-0000000000aa", "7",
    "{0190a000-0000-7000-8000-0000000000d1}", NULL
};

static const char *const  requester_row[] = {
    "0190a000-0000-7000-8000-000000000002", "req@example.com", "Req",
    "en", "UTC", "{requester}", "[]",
    "0190a000-0000-7000-8000-0000000000bb", "1", "{}", NULL
};


static void
as_session(fixture_t *f, int64_t exp)
{
    strcpy(f->req.cred.session.sid, "0190a000-0000-7000-8000-0000000000aa");
    strcpy(f->req.cred.session.uid, "0190a000-0000-7000-8000-000000000001");
    f->req.cred.session.iat = exp - HD_SESSION_TOKEN_TTL;
    f->req.cred.session.exp = exp;
    f->req.cred.kind = HD_CRED_SESSION;
}


static hd_api_rc_t
begin_as(fixture_t *f, const char *method, const char *path,
    const char *body, void (*who)(fixture_t *, int64_t), int64_t exp)
{
    memset(f, 0, sizeof(*f));

    ck_assert_int_eq(hd_route_match(method, strlen(method), path,
                                     strlen(path), 0, &f->m),
                     HD_ROUTE_FOUND);

    f->req.match = &f->m;
    f->req.method = method;
    f->req.method_len = strlen(method);
    f->req.query = "";
    f->req.body = body ? body : "";
    f->req.body_len = body ? strlen(body) : 0;
    f->req.content_type = body ? "application/json" : NULL;
    f->req.content_type_len = body ? 16 : 0;
    f->req.request_id = "test-request-2";
    f->req.session_key = key;
    f->req.now = 1700000000;
    f->req.ip = "127.0.0.1";

    if (who != NULL) {
        who(f, exp);
    }

    hd_op_init(&f->op, &f->req);
    return hd_api_begin(&f->op);
}


START_TEST(api_no_credential_is_401)
{
    fixture_t  f;

    ck_assert_int_eq(begin_as(&f, "GET", "/api/me", NULL, NULL, 0),
                     HD_API_RESPOND);
    ck_assert_int_eq(f.op.resp.status, 401);
    ck_assert_ptr_nonnull(f.op.resp.www_authenticate);
    hd_op_free(&f.op);
}
END_TEST


START_TEST(api_invalid_credential_is_401_with_reason)
{
    fixture_t  f;

    memset(&f, 0, sizeof(f));
    ck_assert_int_eq(begin_as(&f, "GET", "/api/me", NULL, NULL, 0),
                     HD_API_RESPOND);
    hd_op_free(&f.op);

    f.req.cred.kind = HD_CRED_INVALID;
    f.req.cred.why = "the token has expired";
    hd_op_init(&f.op, &f.req);
    ck_assert_int_eq(hd_api_begin(&f.op), HD_API_RESPOND);
    ck_assert_int_eq(f.op.resp.status, 401);
    ck_assert_ptr_nonnull(strstr(f.op.resp.body, "the token has expired"));
    ck_assert_ptr_nonnull(strstr(f.op.resp.www_authenticate,
                                 "invalid_token"));
    hd_op_free(&f.op);
}
END_TEST


START_TEST(api_session_resolves_principal_then_answers_me)
{
    fixture_t   f;
    PGresult   *res;
    cJSON      *doc;

    ck_assert_int_eq(begin_as(&f, "GET", "/api/me", NULL, as_session,
                              1700000000 + HD_SESSION_TOKEN_TTL),
                     HD_API_QUERY);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "auth_session"));
    ck_assert_str_eq(f.op.plan.params[0], f.req.cred.session.sid);

    res = row(HD_P_ROW, agent_row);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);

    ck_assert_int_eq(f.op.resp.status, 200);
    doc = body_json(&f);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "email")->valuestring,
                     "agent@example.com");
    ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "roles"),
                                        0)->valuestring, "agent");
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "auth")->valuestring,
                     "session");
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(doc, "csrf_token")));
    ck_assert_int_gt(cJSON_GetArraySize(cJSON_GetObjectItem(doc,
                                                            "permissions")),
                     0);
    ck_assert_ptr_null(f.op.resp.cookie);   /* fresh token: not renewed */
    cJSON_Delete(doc);
    hd_op_free(&f.op);
}
END_TEST


START_TEST(api_session_past_half_life_is_renewed)
{
    fixture_t   f;
    PGresult   *res;

    ck_assert_int_eq(begin_as(&f, "GET", "/api/me", NULL, as_session,
                              1700000000 + 60),
                     HD_API_QUERY);
    res = row(HD_P_ROW, agent_row);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);

    ck_assert_int_eq(f.op.resp.status, 200);
    ck_assert_ptr_nonnull(f.op.resp.cookie);
    ck_assert_ptr_nonnull(strstr(f.op.resp.cookie, "hd_session=v1."));
    ck_assert_ptr_nonnull(strstr(f.op.resp.cookie, "HttpOnly"));
    ck_assert_ptr_nonnull(strstr(f.op.resp.cookie, "SameSite=Lax"));
    hd_op_free(&f.op);
}
END_TEST


START_TEST(api_revoked_session_is_401)
{
    fixture_t   f;
    PGresult   *res;

    ck_assert_int_eq(begin_as(&f, "GET", "/api/me", NULL, as_session,
                              1700000000 + 600),
                     HD_API_QUERY);
    res = empty();
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 401);
    hd_op_free(&f.op);
}
END_TEST


START_TEST(api_cookie_post_without_csrf_is_403)
{
    fixture_t  f;
    char       csrf[HD_SESSION_CSRF_LEN + 1];

    ck_assert_int_eq(begin_as(&f, "POST", "/api/me/tokens",
                              "{\"name\":\"ci\"}", as_session,
                              1700000000 + 600),
                     HD_API_RESPOND);
    ck_assert_int_eq(f.op.resp.status, 403);
    hd_op_free(&f.op);

    /* the right header lets it through to the caller lookup */
    hd_session_csrf(key, f.req.cred.session.sid, csrf);
    f.req.csrf = csrf;
    f.req.csrf_len = strlen(csrf);
    hd_op_init(&f.op, &f.req);
    ck_assert_int_eq(hd_api_begin(&f.op), HD_API_QUERY);
    hd_op_free(&f.op);

    /* a wrong one does not */
    csrf[0] = csrf[0] == 'A' ? 'B' : 'A';
    hd_op_init(&f.op, &f.req);
    ck_assert_int_eq(hd_api_begin(&f.op), HD_API_RESPOND);
    ck_assert_int_eq(f.op.resp.status, 403);
    hd_op_free(&f.op);
}
END_TEST


static void
as_token(fixture_t *f, int64_t exp)
{
    (void) exp;
    memset(f->req.cred.token_hash, 0xab, sizeof(f->req.cred.token_hash));
    f->req.cred.kind = HD_CRED_TOKEN;
}


START_TEST(api_requester_listing_users_is_403_and_teams_hidden)
{
    fixture_t   f;
    PGresult   *res;

    ck_assert_int_eq(begin_as(&f, "GET", "/api/users", NULL, as_token, 0),
                     HD_API_QUERY);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "auth_token"));
    ck_assert_str_eq(f.op.plan.params[0],
                     "\\xabababababababababababababababababababababababab"
                     "abababababababab");

    res = row(HD_P_ROW, requester_row);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_ne(f.op.resp.status, 200);
    ck_assert(f.op.resp.status == 403 || f.op.resp.status == 404);
    hd_op_free(&f.op);
    hd_tokcache_free();
}
END_TEST


START_TEST(api_token_create_shows_token_once_and_stores_hash)
{
    fixture_t   f;
    PGresult   *res;
    cJSON      *doc;
    const char *created[] = { "{\"id\":\"x\",\"name\":\"ci\"}" };

    ck_assert_int_eq(begin_as(&f, "POST", "/api/me/tokens",
                              "{\"name\":\"ci\",\"expires_in_days\":30}",
                              as_token, 0),
                     HD_API_QUERY);
    res = row(HD_P_ROW, agent_row);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);

    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "token_create"));
    ck_assert_int_eq(strncmp(f.op.plan.params[2], "\\x", 2), 0);
    ck_assert_uint_eq(strlen(f.op.plan.params[2]), 66);
    ck_assert_int_eq(strncmp(f.op.plan.params[3], "hd_pat_", 7), 0);
    ck_assert_uint_eq(strlen(f.op.plan.params[3]), 11);
    ck_assert_str_eq(f.op.plan.params[4], "30");

    res = row(1, created);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 201);
    doc = body_json(&f);
    ck_assert_int_eq(strncmp(cJSON_GetObjectItem(doc, "token")->valuestring,
                             "hd_pat_", 7), 0);
    ck_assert_uint_eq(strlen(cJSON_GetObjectItem(doc, "token")->valuestring),
                      7 + 43);
    cJSON_Delete(doc);
    hd_op_free(&f.op);
    hd_tokcache_free();
}
END_TEST


START_TEST(api_token_create_rejects_unknown_fields)
{
    fixture_t   f;
    PGresult   *res;

    ck_assert_int_eq(begin_as(&f, "POST", "/api/me/tokens",
                              "{\"name\":\"ci\",\"user_id\":\"someone\"}",
                              as_token, 0),
                     HD_API_QUERY);
    res = row(HD_P_ROW, agent_row);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 400);
    ck_assert_ptr_nonnull(strstr(f.op.resp.body, "user_id"));
    hd_op_free(&f.op);
    hd_tokcache_free();
}
END_TEST


START_TEST(api_reply_render_fills_the_tickets_values)
{
    fixture_t   f;
    PGresult   *res;
    cJSON      *doc;
    const char *access[] = {
        "t", "0190a000-0000-7000-8000-0000000000f1", "3", "new", "f", "f",
        "t", "f"
    };
    const char *values[] = {
        "Hi {{ requester.first_name }}, {{ticket.number}} is "
        "{{ticket.status}} ({{ticket.priority}}): {{ticket.title}}. "
        "-- {{agent.name}} {{agent.email}} {{requester.email}}",
        "TKT-42", "Mouse {{agent.name}}", "In Progress", "P3",
        "Riley Requester", "riley@example.com"
    };

    ck_assert_int_eq(begin_as(&f, "POST", "/api/tickets/TKT-42/saved-replies/"
                              "0190a000-0000-7000-8000-0000000000e1/render",
                              NULL, as_token, 0),
                     HD_API_QUERY);
    res = row(HD_P_ROW, agent_row);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "ticket_access"));

    res = row(8, access);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "saved_reply_render_values"));
    ck_assert_str_eq(f.op.plan.params[0],
                     "0190a000-0000-7000-8000-0000000000e1");
    ck_assert_str_eq(f.op.plan.params[1],
                     "0190a000-0000-7000-8000-0000000000f1");
    ck_assert_str_eq(f.op.plan.params[2], agent_row[0]);

    res = row(7, values);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 200);
    doc = body_json(&f);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "body_md")->valuestring,
                     "Hi Riley, TKT-42 is In Progress (P3): Mouse "
                     "{{agent.name}}. -- Agent agent@example.com "
                     "riley@example.com");
    cJSON_Delete(doc);
    hd_op_free(&f.op);
    hd_tokcache_free();
}
END_TEST


START_TEST(api_reply_render_of_a_hidden_reply_is_404)
{
    fixture_t   f;
    PGresult   *res;
    const char *access[] = {
        "t", "0190a000-0000-7000-8000-0000000000f1", "3", "new", "f", "f",
        "t", "f"
    };

    ck_assert_int_eq(begin_as(&f, "POST", "/api/tickets/TKT-42/saved-replies/"
                              "0190a000-0000-7000-8000-0000000000e1/render",
                              NULL, as_token, 0),
                     HD_API_QUERY);
    res = row(HD_P_ROW, agent_row);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    res = row(8, access);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);

    res = empty();
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 404);
    hd_op_free(&f.op);
    hd_tokcache_free();
}
END_TEST


START_TEST(api_reply_unknown_placeholder_is_400_before_writing)
{
    fixture_t   f;
    PGresult   *res;
    cJSON      *doc, *errs;

    ck_assert_int_eq(begin_as(&f, "POST", "/api/saved-replies",
                              "{\"title\":\"t\",\"body_md\":\"{{ticket.nmbr}} "
                              "{{ticket.number}} {{ticket.nmbr}}\"}",
                              as_token, 0),
                     HD_API_QUERY);
    res = row(HD_P_ROW, agent_row);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 400);

    doc = body_json(&f);
    errs = cJSON_GetObjectItem(doc, "errors");
    ck_assert_int_eq(cJSON_GetArraySize(errs), 1);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(errs, 0),
                                         "placeholder")->valuestring,
                     "ticket.nmbr");
    ck_assert_int_gt(cJSON_GetArraySize(cJSON_GetObjectItem(doc,
                                                            "placeholders")),
                     5);
    cJSON_Delete(doc);
    hd_op_free(&f.op);
    hd_tokcache_free();
}
END_TEST


START_TEST(api_reply_agent_may_not_share_or_change_shared_ones)
{
    fixture_t   f;
    PGresult   *res;
    const char *shared[] = {
        "0190a000-0000-7000-8000-0000000000e1", "t", "f", "2"
    };

    ck_assert_int_eq(begin_as(&f, "POST", "/api/saved-replies",
                              "{\"title\":\"t\",\"body_md\":\"b\","
                              "\"shared\":true}", as_token, 0),
                     HD_API_QUERY);
    res = row(HD_P_ROW, agent_row);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 403);
    hd_op_free(&f.op);
    hd_tokcache_free();     /* the token is resolved again */

    ck_assert_int_eq(begin_as(&f, "DELETE", "/api/saved-replies/"
                              "0190a000-0000-7000-8000-0000000000e1", NULL,
                              as_token, 0),
                     HD_API_QUERY);
    res = row(HD_P_ROW, agent_row);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "saved_reply_access"));

    res = row(4, shared);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 403);
    hd_op_free(&f.op);
    hd_tokcache_free();
}
END_TEST


START_TEST(api_login_verifies_off_loop_and_same_answer_for_unknown)
{
    fixture_t   f;
    PGresult   *res;
    const char *nobody[] = { NULL };

    ck_assert_int_eq(begin_as(&f, "POST", "/api/auth/login",
                              "{\"email\":\"Nobody@Example.com\","
                              "\"password\":\"x\"}", NULL, 0),
                     HD_API_QUERY);
    ck_assert_int_eq(f.op.login, HD_LOGIN_ATTEMPT);
    ck_assert_str_eq(f.op.login_email, "nobody@example.com");

    (void) nobody;
    res = empty();
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_TASK);
    PQclear(res);

    /* unknown account: still a real argon2id verification */
    ck_assert_int_eq(f.op.task.kind, HD_TASK_PASSWORD_VERIFY);
    ck_assert_int_eq(strncmp(f.op.task.encoded, "$argon2id$", 10), 0);
    hd_task_run(&f.op.task);
    ck_assert_int_eq(f.op.task.ok, 0);
    ck_assert_str_eq(f.op.task.password, "");   /* wiped */

    ck_assert_int_eq(hd_api_task_done(&f.op), HD_API_QUERY);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "login_failed"));
    ck_assert_str_eq(f.op.plan.params[2], "unknown_user");

    res = empty();
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 401);
    ck_assert_int_eq(f.op.login, HD_LOGIN_FAILED);
    ck_assert_ptr_nonnull(strstr(f.op.resp.body,
                                 "invalid email or password"));
    hd_op_free(&f.op);
}
END_TEST


START_TEST(api_password_hash_task_roundtrips)
{
    hd_task_t  t;

    memset(&t, 0, sizeof(t));
    t.kind = HD_TASK_PASSWORD_HASH;
    strcpy(t.password, "correct horse battery");
    memset(t.salt, 7, sizeof(t.salt));
    hd_task_run(&t);
    ck_assert(t.ok);
    ck_assert_int_eq(strncmp(t.encoded, "$argon2id$v=19$m=19456,t=2,p=1$",
                             31), 0);

    t.kind = HD_TASK_PASSWORD_VERIFY;
    strcpy(t.password, "correct horse battery");
    hd_task_run(&t);
    ck_assert(t.ok);

    strcpy(t.password, "wrong horse battery");
    hd_task_run(&t);
    ck_assert(!t.ok);
}
END_TEST


START_TEST(api_roles_from_array)
{
    ck_assert_uint_eq(hd_api_roles_from_array("{agent,admin}"),
                      HD_ROLE_AGENT | HD_ROLE_ADMIN);
    ck_assert_uint_eq(hd_api_roles_from_array("{}"), 0);
    ck_assert_uint_eq(hd_api_roles_from_array("{bogus,requester}"),
                      HD_ROLE_REQUESTER);
    ck_assert_uint_eq(hd_api_roles_from_array(NULL), 0);
}
END_TEST


/* ---- OIDC callers: the token cache ------------------------------------- */

static hd_jwt_claims_t  oidc_claims;


static void
as_oidc(fixture_t *f, int64_t exp)
{
    memset(&oidc_claims, 0, sizeof(oidc_claims));
    strcpy(oidc_claims.sub, "sub-1");
    strcpy(oidc_claims.email, "agent@example.com");
    oidc_claims.exp = exp;

    memset(f->req.cred.token_hash, 0x5a, sizeof(f->req.cred.token_hash));
    f->req.cred.kind = HD_CRED_OIDC;
    f->req.cred.claims = &oidc_claims;

    /* as the edge does: verified claims are kept on a miss only */

    if (!hd_tokcache_claims(f->req.cred.token_hash, 1, f->req.now,
                            &oidc_claims))
    {
        hd_tokcache_put_claims(f->req.cred.token_hash, 1, exp + 60,
                               &oidc_claims);
    }
}


static void
answer_me(fixture_t *f, PGresult *res, const char *email)
{
    cJSON  *doc;

    ck_assert_int_eq(hd_api_result(&f->op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f->op.resp.status, 200);
    doc = body_json(f);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "email")->valuestring, email);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "auth")->valuestring, "oidc");
    cJSON_Delete(doc);
    hd_op_free(&f->op);
}


START_TEST(api_oidc_token_seen_before_needs_only_a_version_check)
{
    fixture_t        f;
    const char      *fresh[] = { "t" };
    hd_principal_t   me;

    /* first sight: the full resolution, then the principal is kept */

    ck_assert_int_eq(begin_as(&f, "GET", "/api/me", NULL, as_oidc,
                              1700003600), HD_API_QUERY);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "auth_oidc"));
    ck_assert_ptr_null(f.op.plan.name);
    answer_me(&f, row(HD_P_ROW, agent_row), "agent@example.com");

    memset(&me, 0, sizeof(me));
    ck_assert(hd_tokcache_principal(f.req.cred.token_hash, 1700000000, &me));
    ck_assert_int_eq(me.authz_version, 7);
    ck_assert_str_eq(me.teams_json, agent_row[6]);
    ck_assert_str_eq(me.team_ids, agent_row[9]);
    free(me.teams_json);
    free(me.team_ids);

    /* again: one prepared probe of the user's version */

    ck_assert_int_eq(begin_as(&f, "GET", "/api/me", NULL, as_oidc,
                              1700003600), HD_API_QUERY);
    ck_assert_ptr_nonnull(f.op.plan.name);
    ck_assert_str_eq(f.op.plan.name, "hd_auth_fresh");
    ck_assert_ptr_null(strstr(f.op.plan.sql, "auth_oidc"));
    ck_assert_int_eq(f.op.plan.nparams, 2);
    ck_assert_str_eq(f.op.plan.params[0], agent_row[0]);
    ck_assert_str_eq(f.op.plan.params[1], "7");
    answer_me(&f, row(1, fresh), "agent@example.com");

    hd_tokcache_free();
}
END_TEST


START_TEST(api_oidc_changed_principal_is_resolved_again)
{
    fixture_t    f;
    PGresult    *res;
    const char  *not_fresh[] = { "f" };

    ck_assert_int_eq(begin_as(&f, "GET", "/api/me", NULL, as_oidc,
                              1700003600), HD_API_QUERY);
    answer_me(&f, row(HD_P_ROW, agent_row), "agent@example.com");

    ck_assert_int_eq(begin_as(&f, "GET", "/api/me", NULL, as_oidc,
                              1700003600), HD_API_QUERY);
    ck_assert_str_eq(f.op.plan.name, "hd_auth_fresh");

    /* the version moved (or the user was deactivated) */

    res = row(1, not_fresh);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "auth_oidc"));
    ck_assert_ptr_null(f.op.plan.name);

    /* deactivated: the full resolution finds nobody */

    res = empty();
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 401);
    hd_op_free(&f.op);

    /* and nothing is left cached for the token */

    ck_assert_int_eq(begin_as(&f, "GET", "/api/me", NULL, as_oidc,
                              1700003600), HD_API_QUERY);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "auth_oidc"));
    hd_op_free(&f.op);

    hd_tokcache_free();
}
END_TEST


START_TEST(api_oidc_expired_token_is_not_served_from_cache)
{
    fixture_t   f;

    ck_assert_int_eq(begin_as(&f, "GET", "/api/me", NULL, as_oidc,
                              1700000030), HD_API_QUERY);
    answer_me(&f, row(HD_P_ROW, agent_row), "agent@example.com");

    /* valid until exp + 60 s of skew */

    ck_assert_int_eq(begin_as(&f, "GET", "/api/me", NULL, as_oidc,
                              1700000030), HD_API_QUERY);
    ck_assert_ptr_nonnull(f.op.plan.name);
    hd_op_free(&f.op);

    memset(&f, 0, sizeof(f));
    f.req.now = 1700000000;
    as_oidc(&f, 1700000030);
    hd_tokcache_put_principal(f.req.cred.token_hash,
                              &(hd_principal_t) { .teams_json = "[]" });
    {
        hd_principal_t  me = { .teams_json = NULL };

        ck_assert(hd_tokcache_principal(f.req.cred.token_hash, 1700000089,
                                        &me));
        free(me.teams_json);
        free(me.team_ids);
        me.teams_json = NULL;
        me.team_ids = NULL;
        ck_assert(!hd_tokcache_principal(f.req.cred.token_hash, 1700000090,
                                         &me));
    }

    hd_tokcache_free();
}
END_TEST


/* ---- personal access tokens: cached principals, confirmed in the read -- */

#define TICKET_ID  "0190a000-0000-7000-8000-0000000000e1"

/*
 * A row of GET's statements: fresh, the access, the rest of the document
 * (an SLA clock, or none), the directory generation gen.  ticket_access()
 * (full) has every column; ticket_read() has no watcher relation, people
 * or team (the directory cache has those).
 */
static PGresult *
ticket_row_of(const char *fresh, const char *in_team, int sla, int full,
    const char *gen)
{
    const char  *v[] = {
        fresh, TICKET_ID, "3", "new", "f", full ? "f" : NULL, "f", in_team,
        "42", "Printer \"HP\" jams\n", "P3", NULL, "Printing", NULL,
        agent_row[0], NULL, "0190a000-0000-7000-8000-0000000000d1", "web",
        NULL, NULL, "\"2026-11-27T10:00:00.5+00:00\"",
        "\"2026-11-27T11:00:00+00:00\"",
        sla ? "{\"policy\" : {\"id\" : "
              "\"0190a000-0000-7000-8000-0000000000c1\", \"name\" : \"P3\"}, "
              "\"state\" : \"at_risk\"}"
            : NULL,
        "", "{\"asset\": \"LT-1\"}",
        full ? "{\"id\" : \"0190a000-0000-7000-8000-000000000001\", "
               "\"display_name\" : \"Agent\", \"email\" : \"agent@example.com\"}"
             : NULL,
        NULL,
        full ? "{\"id\" : \"0190a000-0000-7000-8000-0000000000d1\", "
               "\"name\" : \"Desk\"}"
             : NULL,
        gen
    };

    return row(sizeof(v) / sizeof(v[0]), v);
}


/* ticket_access()'s row (every column), at directory generation 1 */
static PGresult *
ticket_row(const char *fresh, const char *in_team)
{
    return ticket_row_of(fresh, in_team, 1, 1, "1");
}


/*
 * ticket_read()'s row: the ticket's own columns (the same ticket), filed by
 * requester (the agent's id, or another's), an SLA clock or none, the
 * directory generation gen.
 */
static PGresult *
ticket_read_row_of(const char *requester, int sla, const char *gen)
{
    const char  *v[] = {
        TICKET_ID, "3", "new", "42", "Printer \"HP\" jams\n", "P3", NULL,
        "Printing", NULL, requester, NULL,
        "0190a000-0000-7000-8000-0000000000d1", "web", NULL, NULL,
        "\"2026-11-27T10:00:00.5+00:00\"", "\"2026-11-27T11:00:00+00:00\"",
        sla ? "{\"policy\" : {\"id\" : "
              "\"0190a000-0000-7000-8000-0000000000c1\", \"name\" : \"P3\"}, "
              "\"state\" : \"at_risk\"}"
            : NULL,
        "", "{\"asset\": \"LT-1\"}", gen
    };

    return row(sizeof(v) / sizeof(v[0]), v);
}


/* ticket_read()'s row of the agent's ticket, at directory generation 1 */
static PGresult *
ticket_read_row(void)
{
    return ticket_read_row_of(agent_row[0], 1, "1");
}


/* A GET of the ticket with the token: the plan it starts with. */
static hd_api_rc_t
get_ticket(fixture_t *f)
{
    return begin_as(f, "GET", "/api/tickets/" TICKET_ID, NULL, as_token, 0);
}


START_TEST(api_token_seen_before_reads_a_ticket_in_one_statement)
{
    char       *full;
    fixture_t   f;
    PGresult   *res;
    cJSON      *doc;

    hd_dircache_free();

    /* first sight: the token is resolved, then the ticket read in full
       (the cache has not seen the principal confirmed) */

    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "auth_token"));
    res = row(HD_P_ROW, agent_row);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_str_eq(f.op.plan.name, "hd_ticket_get");
    hd_op_free(&f.op);

    /* again: no resolution; the full read carries the check */

    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);
    ck_assert_str_eq(f.op.plan.name, "hd_ticket_get");
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "ticket_access("));
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "directory_gen"));
    ck_assert_int_eq(f.op.plan.confirms, 1);
    ck_assert_int_eq(f.op.plan.nparams, 5);
    ck_assert_str_eq(f.op.plan.params[0], TICKET_ID);
    ck_assert_ptr_null(f.op.plan.params[1]);
    ck_assert_str_eq(f.op.plan.params[2], agent_row[0]);    /* user */
    ck_assert_str_eq(f.op.plan.params[3], agent_row[8]);    /* version */
    ck_assert_str_eq(f.op.plan.params[4], agent_row[9]);    /* teams */

    res = ticket_row("t", "t");
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 200);
    ck_assert_str_eq(f.op.resp.content_type, "application/json");

    /* the document, as ticket_json() shows it */

    doc = body_json(&f);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "id")->valuestring, TICKET_ID);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "number")->valuestring,
                     "TKT-42");
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "title")->valuestring,
                     "Printer \"HP\" jams\n");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(doc, "urgency")));
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(doc, "subcategory")));
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(doc, "assignee_id")));
    ck_assert_int_eq(cJSON_GetObjectItem(doc, "version")->valueint, 3);
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "created_at")->valuestring,
                     "2026-11-27T10:00:00.5+00:00");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(doc, "due_at")));
    ck_assert_str_eq(cJSON_GetObjectItem(doc, "description")->valuestring,
                     "");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc,
                                                             "custom_json"),
                                         "asset")->valuestring, "LT-1");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc,
                                                             "requester"),
                                         "email")->valuestring,
                     "agent@example.com");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(doc, "assignee")));
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "team"),
                                         "name")->valuestring, "Desk");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "sla"),
                                         "state")->valuestring, "at_risk");
    ck_assert_int_eq(cJSON_GetArraySize(doc), 23);
    cJSON_Delete(doc);
    full = strndup(f.op.resp.body, f.op.resp.body_len);
    ck_assert_ptr_nonnull(full);
    hd_op_free(&f.op);

    /* the requester (who is the caller) and the team are cached now, the
       assignee is none, and the principal stood at generation 1: the
       ticket's own row is read, without a check of the principal */

    ck_assert_uint_eq(hd_dircache_count(), 2);
    ck_assert(hd_dircache_principal_ok(agent_row[0], 7));
    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);
    ck_assert_str_eq(f.op.plan.name, "hd_ticket_row");
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "ticket_read($1::uuid)"));
    ck_assert_int_eq(f.op.plan.confirms, 0);
    ck_assert_int_eq(f.op.plan.decode_confirms, 1);
    ck_assert_int_eq(f.op.plan.nparams, 1);
    ck_assert_str_eq(f.op.plan.params[0], TICKET_ID);

    /* at generation 1 it answers: the same document, byte for byte */

    res = ticket_read_row();
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 200);
    ck_assert_uint_eq(f.op.resp.body_len, strlen(full));
    ck_assert(memcmp(f.op.resp.body, full, strlen(full)) == 0);
    free(full);
    hd_op_free(&f.op);

    /* a ticket no policy applies to: sla is null */

    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);
    res = ticket_read_row_of(agent_row[0], 0, "1");
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 200);
    doc = body_json(&f);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(doc, "sla")));
    cJSON_Delete(doc);
    hd_op_free(&f.op);

    /* a requester the cache has not: read in full, with the check */

    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);
    res = ticket_read_row_of(requester_row[0], 1, "1");
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_str_eq(f.op.plan.name, "hd_ticket_get");
    ck_assert_int_eq(f.op.plan.confirms, 1);
    hd_op_free(&f.op);

    /* a principal or a name changed since (another generation): the
       cache vouches for nothing; read in full, with the check */

    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);
    ck_assert_str_eq(f.op.plan.name, "hd_ticket_row");
    res = ticket_read_row_of(agent_row[0], 1, "2");
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_str_eq(f.op.plan.name, "hd_ticket_get");
    ck_assert_int_eq(f.op.plan.confirms, 1);
    ck_assert_uint_eq(hd_dircache_count(), 0);
    ck_assert(!hd_dircache_principal_ok(agent_row[0], 7));

    /* the check says the principal stands at generation 2: kept so */

    res = ticket_row_of("t", "t", 1, 1, "2");
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 200);
    ck_assert(hd_dircache_principal_ok(agent_row[0], 7));
    ck_assert(!hd_dircache_principal_ok(agent_row[0], 8));
    hd_op_free(&f.op);

    /* no row (no such ticket): no verdict on the principal; read in full,
       which tells */

    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);
    ck_assert_str_eq(f.op.plan.name, "hd_ticket_row");
    res = empty();
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_str_eq(f.op.plan.name, "hd_ticket_get");
    ck_assert_int_eq(f.op.plan.confirms, 1);
    res = empty();
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "auth_token"));
    hd_op_free(&f.op);
    hd_dircache_free();

    /* until the cache lets go of it: then resolved in full again */

    memset(&f, 0, sizeof(f));
    ck_assert_int_eq(begin_as(&f, "GET", "/api/tickets/" TICKET_ID, NULL,
                              as_token, 0), HD_API_QUERY);
    hd_op_free(&f.op);
    f.req.now += HD_TOKCACHE_TOKEN_TTL;
    hd_op_init(&f.op, &f.req);
    ck_assert_int_eq(hd_api_begin(&f.op), HD_API_QUERY);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "auth_token"));
    hd_op_free(&f.op);

    hd_tokcache_free();
}
END_TEST


/*
 * Resolves the token once, so that it is cached (and no principal kept in
 * the directory cache).
 */
static void
prime_token(const char *const *principal)
{
    fixture_t   f;
    PGresult   *res;

    hd_dircache_free();

    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);
    res = row(HD_P_ROW, principal);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    hd_op_free(&f.op);
}


START_TEST(api_token_outdated_principal_is_resolved_and_read_again)
{
    fixture_t   f;
    PGresult   *res;

    prime_token(agent_row);

    /* the read says the principal moved: nothing of it is used */

    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);
    res = ticket_row("f", "t");
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "auth_token"));

    /* now a requester, in no team: read again as such (in full: the
       cache has not seen this principal stand), and refused */

    res = row(HD_P_ROW, requester_row);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_str_eq(f.op.plan.name, "hd_ticket_get");
    ck_assert_str_eq(f.op.plan.params[2], requester_row[0]);
    ck_assert_str_eq(f.op.plan.params[4], "{}");
    res = ticket_row("t", "f");
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 404);
    hd_op_free(&f.op);

    /* the refusal confirmed the principal all the same: the next read is
       the ticket's row; the agent's ticket, in the agent's team, is not
       the requester's by any relation core can see, so the watcher
       relation is asked for with a full read */

    ck_assert(hd_dircache_principal_ok(requester_row[0], 1));
    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);
    ck_assert_str_eq(f.op.plan.name, "hd_ticket_row");
    res = ticket_read_row();
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_str_eq(f.op.plan.name, "hd_ticket_get");
    ck_assert_str_eq(f.op.plan.params[2], requester_row[0]);
    res = ticket_row("t", "f");
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 404);
    hd_op_free(&f.op);

    /* the requester's own ticket needs nothing more */

    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);
    res = ticket_read_row_of(requester_row[0], 0, "1");
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_str_eq(f.op.plan.name, "hd_ticket_get");      /* not cached */
    hd_op_free(&f.op);
    hd_dircache_put(requester_row[0], "{\"id\" : \"r\"}", 12);
    hd_dircache_put("0190a000-0000-7000-8000-0000000000d1",
                    "{\"id\" : \"d\"}", 12);
    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);
    res = ticket_read_row_of(requester_row[0], 0, "1");
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 200);
    ck_assert_ptr_nonnull(strstr(f.op.resp.body,
                                 "\"requester\":{\"id\" : \"r\"}"));
    hd_op_free(&f.op);
    hd_dircache_free();

    hd_tokcache_free();
}
END_TEST


START_TEST(api_token_revoked_after_caching_is_401_on_the_next_request)
{
    fixture_t    f;
    PGresult    *res;
    const char  *not_fresh[] = { "f" };

    prime_token(agent_row);

    /* /api/me answers from memory: the answer waits for the check */

    ck_assert_int_eq(begin_as(&f, "GET", "/api/me", NULL, as_token, 0),
                     HD_API_QUERY);
    ck_assert_str_eq(f.op.plan.name, "hd_auth_fresh");
    ck_assert_int_eq(f.op.plan.nparams, 2);
    ck_assert_str_eq(f.op.plan.params[1], agent_row[8]);
    res = row(1, not_fresh);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "auth_token"));
    res = empty();
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 401);
    ck_assert_ptr_null(strstr(f.op.resp.body, "agent@example.com"));
    hd_op_free(&f.op);

    /* nothing is left cached */

    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "auth_token"));
    hd_op_free(&f.op);

    hd_tokcache_free();
}
END_TEST


START_TEST(api_cached_principal_is_confirmed_before_other_routes_run)
{
    fixture_t    f;
    PGresult    *res;
    const char  *fresh[] = { "t" };

    prime_token(agent_row);

    /* a route whose handler does not confirm: the check goes first */

    ck_assert_int_eq(begin_as(&f, "GET", "/api/teams", NULL, as_token, 0),
                     HD_API_QUERY);
    ck_assert_str_eq(f.op.plan.name, "hd_auth_fresh");
    res = row(1, fresh);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
    PQclear(res);
    ck_assert_ptr_null(f.op.plan.name);
    ck_assert_int_eq(f.op.plan.confirms, 0);
    hd_op_free(&f.op);

    /* a ticket route that answers before reading (a bad reference): the
       answer waits for the check too */

    ck_assert_int_eq(begin_as(&f, "GET", "/api/tickets/nope", NULL,
                              as_token, 0), HD_API_QUERY);
    ck_assert_str_eq(f.op.plan.name, "hd_auth_fresh");
    res = row(1, fresh);
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 404);
    hd_op_free(&f.op);

    hd_tokcache_free();
}
END_TEST


START_TEST(api_token_is_not_served_from_cache_past_its_expiry)
{
    fixture_t    f;
    const char  *expiring[HD_P_ROW];

    /* the token expires 10 s from now: the cache keeps it until then */

    memcpy(expiring, agent_row, sizeof(expiring));
    expiring[10] = "1700000010";
    prime_token(expiring);

    memset(&f, 0, sizeof(f));
    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);
    ck_assert_str_eq(f.op.plan.name, "hd_ticket_get");
    hd_op_free(&f.op);

    f.req.now = 1700000010;
    hd_op_init(&f.op, &f.req);
    ck_assert_int_eq(hd_api_begin(&f.op), HD_API_QUERY);
    ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "auth_token"));
    hd_op_free(&f.op);

    hd_tokcache_free();
}
END_TEST


START_TEST(api_principal_outdated_again_and_again_is_503)
{
    fixture_t   f;
    PGresult   *res;
    int         i;

    prime_token(agent_row);

    ck_assert_int_eq(get_ticket(&f), HD_API_QUERY);

    for (i = 0; i < 2; i++) {
        res = ticket_row("f", "t");
        ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
        PQclear(res);
        ck_assert_ptr_nonnull(strstr(f.op.plan.sql, "auth_token"));
        res = row(HD_P_ROW, agent_row);
        ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_QUERY);
        PQclear(res);
        ck_assert_str_eq(f.op.plan.name, "hd_ticket_get");
    }

    res = ticket_row("f", "t");
    ck_assert_int_eq(hd_api_result(&f.op, res), HD_API_RESPOND);
    PQclear(res);
    ck_assert_int_eq(f.op.resp.status, 503);
    hd_op_free(&f.op);

    hd_tokcache_free();
}
END_TEST


START_TEST(api_logo_type_is_judged_from_the_bytes)
{
    static const unsigned char  png[] = "\x89PNG\r\n\x1a\n....";
    static const unsigned char  jpeg[] = "\xff\xd8\xff\xe0";
    static const char          *svgs[] = {
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        "\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- a -->\n<!DOCTYPE svg>\n<svg>",
        NULL };
    static const char          *others[] = {
        "", "<html><svg>", "<svgfoo>", "GIF89a", "<?xml version=\"1.0\"?>",
        "plain <svg>", NULL };
    size_t                      i;

    ck_assert_str_eq(hd_brand_logo_type(png, sizeof(png) - 1), "image/png");
    ck_assert_str_eq(hd_brand_logo_type(jpeg, sizeof(jpeg) - 1),
                     "image/jpeg");

    for (i = 0; svgs[i] != NULL; i++) {
        ck_assert_str_eq(hd_brand_logo_type((const unsigned char *) svgs[i],
                                            strlen(svgs[i])),
                         "image/svg+xml");
    }

    for (i = 0; others[i] != NULL; i++) {
        ck_assert_ptr_null(hd_brand_logo_type(
            (const unsigned char *) others[i], strlen(others[i])));
    }

    /* a NUL byte anywhere: not text, so not SVG */
    ck_assert_ptr_null(hd_brand_logo_type((const unsigned char *) "<svg>\0",
                                          6));
}
END_TEST


Suite *
hd_api_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("api");
    tc = tcase_create("operations");
    tcase_set_timeout(tc, 30);
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
    tcase_add_test(tc, api_no_credential_is_401);
    tcase_add_test(tc, api_invalid_credential_is_401_with_reason);
    tcase_add_test(tc, api_session_resolves_principal_then_answers_me);
    tcase_add_test(tc, api_session_past_half_life_is_renewed);
    tcase_add_test(tc, api_revoked_session_is_401);
    tcase_add_test(tc, api_cookie_post_without_csrf_is_403);
    tcase_add_test(tc, api_requester_listing_users_is_403_and_teams_hidden);
    tcase_add_test(tc, api_token_create_shows_token_once_and_stores_hash);
    tcase_add_test(tc, api_token_create_rejects_unknown_fields);
    tcase_add_test(tc, api_reply_render_fills_the_tickets_values);
    tcase_add_test(tc, api_reply_render_of_a_hidden_reply_is_404);
    tcase_add_test(tc, api_reply_unknown_placeholder_is_400_before_writing);
    tcase_add_test(tc, api_reply_agent_may_not_share_or_change_shared_ones);
    tcase_add_test(tc, api_login_verifies_off_loop_and_same_answer_for_unknown);
    tcase_add_test(tc, api_password_hash_task_roundtrips);
    tcase_add_test(tc, api_roles_from_array);
    tcase_add_test(tc, api_oidc_token_seen_before_needs_only_a_version_check);
    tcase_add_test(tc, api_oidc_changed_principal_is_resolved_again);
    tcase_add_test(tc, api_token_seen_before_reads_a_ticket_in_one_statement);
    tcase_add_test(tc, api_token_outdated_principal_is_resolved_and_read_again);
    tcase_add_test(tc,
        api_token_revoked_after_caching_is_401_on_the_next_request);
    tcase_add_test(tc,
        api_cached_principal_is_confirmed_before_other_routes_run);
    tcase_add_test(tc, api_token_is_not_served_from_cache_past_its_expiry);
    tcase_add_test(tc, api_principal_outdated_again_and_again_is_503);
    tcase_add_test(tc, api_oidc_expired_token_is_not_served_from_cache);
    tcase_add_test(tc, api_logo_type_is_judged_from_the_bytes);
    suite_add_tcase(s, tc);

    return s;
}
