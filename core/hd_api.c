/*
 * hd_api — the operation state machine: body checks, caller resolution,
 * authorization, dispatch, and the shared helpers of the handlers.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <argon2.h>
#include <cjson/cJSON.h>

#include "hd_api_int.h"
#include "hd_sla.h"
#include "hd_ticket.h"
#include "hd_json.h"


static const char  hd_json_type[] = "application/json";
static const char  hd_problem_type[] = "application/problem+json";


static const hd_api_handler_pt  hd_api_handlers[HD_ROUTE_COUNT] = {
    [HD_ROUTE_HEALTHZ] = hd_api_healthz,
    [HD_ROUTE_READYZ] = hd_api_readyz,
    [HD_ROUTE_VERSION] = hd_api_version,
    [HD_ROUTE_TEST_SLEEP] = hd_api_test_sleep,
    [HD_ROUTE_TEST_ECHO] = hd_api_test_echo,
    [HD_ROUTE_LOGIN] = hd_api_login,
    [HD_ROUTE_LOGOUT] = hd_api_logout,
    [HD_ROUTE_ME] = hd_api_me,
    [HD_ROUTE_TOKENS_LIST] = hd_api_tokens_list,
    [HD_ROUTE_TOKENS_CREATE] = hd_api_tokens_create,
    [HD_ROUTE_TOKENS_REVOKE] = hd_api_tokens_revoke,
    [HD_ROUTE_TEAMS_LIST] = hd_api_teams_list,
    [HD_ROUTE_USERS_LIST] = hd_api_users_list,
    [HD_ROUTE_USERS_CREATE] = hd_api_users_create,
    [HD_ROUTE_USERS_UPDATE] = hd_api_users_update,
    [HD_ROUTE_TEAMS_CREATE] = hd_api_teams_create,
    [HD_ROUTE_TEAMS_UPDATE] = hd_api_teams_update,
    [HD_ROUTE_REGIONS_LIST] = hd_api_regions_list,
    [HD_ROUTE_REGIONS_CREATE] = hd_api_regions_create,
    [HD_ROUTE_REGIONS_UPDATE] = hd_api_regions_update,
    [HD_ROUTE_TICKETS_CREATE] = hd_api_tickets_create,
    [HD_ROUTE_TICKETS_LIST] = hd_api_tickets_list,
    [HD_ROUTE_TICKETS_GET] = hd_api_tickets_get,
    [HD_ROUTE_TICKETS_UPDATE] = hd_api_tickets_update,
    [HD_ROUTE_TICKETS_COMMENT] = hd_api_tickets_comment,
    [HD_ROUTE_TICKETS_TIMELINE] = hd_api_tickets_timeline,
    [HD_ROUTE_ATTACHMENTS_UPLOAD] = hd_api_attachments_upload,
    [HD_ROUTE_ATTACHMENTS_LIST] = hd_api_attachments_list,
    [HD_ROUTE_ATTACHMENTS_GET] = hd_api_attachments_get,
    [HD_ROUTE_TICKETS_AUDIT] = hd_api_tickets_audit,
    [HD_ROUTE_TICKETS_DELETE] = hd_api_tickets_delete,
    [HD_ROUTE_TICKETS_BULK] = hd_api_tickets_bulk,
    [HD_ROUTE_WATCHERS_LIST] = hd_api_watchers_list,
    [HD_ROUTE_WATCHERS_ADD] = hd_api_watchers_add,
    [HD_ROUTE_WATCHERS_REMOVE] = hd_api_watchers_remove,
    [HD_ROUTE_WORKFLOW_GET] = hd_api_workflow_get,
    [HD_ROUTE_WORKFLOW_PUT] = hd_api_workflow_put,
    [HD_ROUTE_CALENDARS_LIST] = hd_api_calendars_list,
    [HD_ROUTE_CALENDARS_CREATE] = hd_api_calendars_create,
    [HD_ROUTE_CALENDARS_UPDATE] = hd_api_calendars_update,
    [HD_ROUTE_SLAS_LIST] = hd_api_slas_list,
    [HD_ROUTE_SLAS_CREATE] = hd_api_slas_create,
    [HD_ROUTE_SLAS_UPDATE] = hd_api_slas_update,
    [HD_ROUTE_TICKETS_SLA] = hd_api_tickets_sla,
    [HD_ROUTE_REPLIES_LIST] = hd_api_replies_list,
    [HD_ROUTE_REPLIES_CREATE] = hd_api_replies_create,
    [HD_ROUTE_REPLIES_UPDATE] = hd_api_replies_update,
    [HD_ROUTE_REPLIES_DELETE] = hd_api_replies_delete,
    [HD_ROUTE_REPLIES_RENDER] = hd_api_replies_render,
    [HD_ROUTE_EMAIL_WEBHOOK] = hd_api_email_webhook,
    [HD_ROUTE_EMAIL_QUARANTINE] = hd_api_email_quarantine,
    [HD_ROUTE_EMAIL_RETRY] = hd_api_email_retry,
    [HD_ROUTE_MAILBOXES_LIST] = hd_api_mailboxes_list,
    [HD_ROUTE_MAILBOXES_CREATE] = hd_api_mailboxes_create,
    [HD_ROUTE_MAILBOXES_UPDATE] = hd_api_mailboxes_update,
    [HD_ROUTE_MAILBOXES_DELETE] = hd_api_mailboxes_delete,
    [HD_ROUTE_CUSTOM_FIELDS_LIST] = hd_api_custom_fields_list,
    [HD_ROUTE_CUSTOM_FIELDS_ADMIN_LIST] = hd_api_custom_fields_admin_list,
    [HD_ROUTE_CUSTOM_FIELDS_CREATE] = hd_api_custom_fields_create,
    [HD_ROUTE_CUSTOM_FIELDS_UPDATE] = hd_api_custom_fields_update,
    [HD_ROUTE_CUSTOM_FIELDS_DELETE] = hd_api_custom_fields_delete,
    [HD_ROUTE_BRANDING_GET] = hd_api_branding_get,
    [HD_ROUTE_BRANDING_LOGO] = hd_api_branding_logo,
    [HD_ROUTE_BRANDING_UPDATE] = hd_api_branding_update,
    [HD_ROUTE_CSAT_GET] = hd_api_csat_get,
    [HD_ROUTE_CSAT_ANSWER] = hd_api_csat_answer,
};


void
hd_op_init(hd_op_t *op, const hd_req_t *req)
{
    memset(op, 0, sizeof(*op));
    op->req = req;
}


void
hd_op_free(hd_op_t *op)
{
    hd_resp_free(&op->resp);
    hd_plan_start(&op->plan, NULL, NULL);
    cJSON_Delete(op->body);
    op->body = NULL;
    free(op->me.teams_json);
    op->me.teams_json = NULL;
    free(op->me.team_ids);
    op->me.team_ids = NULL;
    memset(op->task.password, 0, sizeof(op->task.password));

    free(op->task.cal);
    op->task.cal = NULL;

    if (op->task.expansion != NULL) {
        hd_sla_expansion_free(op->task.expansion);
        free(op->task.expansion);
        op->task.expansion = NULL;
    }
}


void
hd_resp_free(hd_resp_t *resp)
{
    free(resp->body);
    free(resp->cookie);
    free(resp->accel);
    free(resp->disposition);
    resp->body = NULL;
    resp->cookie = NULL;
    resp->accel = NULL;
    resp->disposition = NULL;
    resp->body_len = 0;
}


void
hd_api_problem(hd_resp_t *resp, hd_problem_t p, const char *detail,
    const char *errors_json, const char *request_id)
{
    const hd_problem_info_t  *info;

    info = hd_problem_info(p);

    free(resp->body);
    resp->status = info->status;
    resp->content_type = hd_problem_type;
    resp->retry_after = info->retry_after;
    resp->body = hd_problem_render(p, detail, errors_json, request_id,
                                   &resp->body_len);
    if (resp->body == NULL) {
        resp->status = 500;
        resp->body_len = 0;
    }

    if (info->status == 401 && resp->www_authenticate == NULL) {
        resp->www_authenticate = "Bearer realm=\"helpdesk\"";
    }
}


hd_api_rc_t
hd_api_fail(hd_op_t *op, hd_problem_t p, const char *detail,
    const char *errors_json)
{
    hd_api_problem(&op->resp, p, detail, errors_json, op->req->request_id);
    return HD_API_RESPOND;
}


hd_api_rc_t
hd_api_field_error(hd_op_t *op, const char *field, const char *message)
{
    char        *errors;
    cJSON       *arr, *e;
    hd_api_rc_t  rc;

    arr = cJSON_CreateArray();
    e = cJSON_CreateObject();
    errors = NULL;

    if (arr != NULL && e != NULL && cJSON_AddItemToArray(arr, e)) {
        e = NULL;
        cJSON_AddStringToObject(cJSON_GetArrayItem(arr, 0), "field", field);
        cJSON_AddStringToObject(cJSON_GetArrayItem(arr, 0), "message",
                                message);
        errors = cJSON_PrintUnformatted(arr);
    }

    cJSON_Delete(arr);
    cJSON_Delete(e);

    rc = hd_api_fail(op, HD_PROBLEM_BAD_REQUEST, message, errors);
    free(errors);

    return rc;
}


hd_api_rc_t
hd_api_json(hd_op_t *op, int status, cJSON *doc)
{
    char  *text;

    text = doc != NULL ? cJSON_PrintUnformatted(doc) : NULL;
    cJSON_Delete(doc);

    if (text == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    free(op->resp.body);
    op->resp.status = status;
    op->resp.content_type = hd_json_type;
    op->resp.retry_after = 0;
    op->resp.body = text;
    op->resp.body_len = strlen(text);

    return HD_API_RESPOND;
}


hd_api_rc_t
hd_api_json_buf(hd_op_t *op, int status, hd_buf_t *b)
{
    char    *text;
    size_t   len;

    text = hd_buf_take(b, &len);
    if (text == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    free(op->resp.body);
    op->resp.status = status;
    op->resp.content_type = hd_json_type;
    op->resp.retry_after = 0;
    op->resp.body = text;
    op->resp.body_len = len;

    return HD_API_RESPOND;
}


hd_api_rc_t
hd_api_json_text(hd_op_t *op, int status, const PGresult *res)
{
    char    *text;
    size_t   len;

    if (PQntuples(res) < 1 || PQnfields(res) < 1 || PQgetisnull(res, 0, 0)) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    len = (size_t) PQgetlength(res, 0, 0);

    text = malloc(len + 1);
    if (text == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    memcpy(text, PQgetvalue(res, 0, 0), len + 1);

    free(op->resp.body);
    op->resp.status = status;
    op->resp.content_type = hd_json_type;
    op->resp.body = text;
    op->resp.body_len = len;

    return HD_API_RESPOND;
}


hd_api_rc_t
hd_api_no_content(hd_op_t *op)
{
    free(op->resp.body);
    op->resp.body = strdup("");
    if (op->resp.body == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    op->resp.status = 204;
    op->resp.content_type = hd_json_type;
    op->resp.body_len = 0;

    return HD_API_RESPOND;
}


cJSON *
hd_api_body(hd_op_t *op)
{
    return op->body;
}


int
hd_api_body_only(hd_op_t *op, const char *const *allowed)
{
    char         msg[160];
    cJSON       *item;
    const char  *const *a;

    if (!cJSON_IsObject((cJSON *) op->body)) {
        hd_api_field_error(op, "", "the body must be a JSON object");
        return 0;
    }

    cJSON_ArrayForEach(item, (cJSON *) op->body) {
        for (a = allowed; *a != NULL; a++) {
            if (strcmp(*a, item->string) == 0) {
                break;
            }
        }

        if (*a == NULL) {
            snprintf(msg, sizeof(msg), "unknown or read-only field \"%.80s\"",
                     item->string);
            hd_api_field_error(op, item->string, msg);
            return 0;
        }
    }

    return 1;
}


void
hd_plan_start(hd_plan_t *plan, const char *sql,
    hd_api_rc_t (*decode)(hd_op_t *op, const PGresult *res))
{
    while (plan->nheap > 0) {
        free(plan->heap[--plan->nheap]);
    }

    plan->sql = sql;
    plan->name = NULL;
    plan->nparams = 0;
    plan->used = 0;
    plan->failed = 0;
    plan->confirms = 0;
    plan->decode_confirms = 0;
    plan->decode = decode;
    plan->on_error = NULL;
}


void
hd_plan_paramn(hd_plan_t *plan, const char *value, size_t len)
{
    char  *p;

    if (plan->nparams == HD_PLAN_MAX_PARAMS) {
        plan->failed = 1;
        return;
    }

    if (value == NULL) {
        plan->params[plan->nparams++] = NULL;
        return;
    }

    if (plan->used + len + 1 <= sizeof(plan->store)) {
        p = plan->store + plan->used;
        plan->used += len + 1;

    } else {
        /* a long text (a ticket's description): its own allocation */
        p = malloc(len + 1);
        if (p == NULL) {
            plan->failed = 1;
            plan->params[plan->nparams++] = NULL;
            return;
        }
        plan->heap[plan->nheap++] = p;
    }

    memcpy(p, value, len);
    p[len] = '\0';
    plan->params[plan->nparams++] = p;
}


void
hd_plan_param(hd_plan_t *plan, const char *value)
{
    hd_plan_paramn(plan, value, value ? strlen(value) : 0);
}


void
hd_plan_paramf(hd_plan_t *plan, const char *fmt, ...)
{
    int      n;
    char     buf[512];
    va_list  ap;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);

    if (n < 0 || (size_t) n >= sizeof(buf)) {
        plan->failed = 1;
        hd_plan_param(plan, NULL);
        return;
    }

    hd_plan_paramn(plan, buf, (size_t) n);
}


void
hd_plan_param_bytea(hd_plan_t *plan, const unsigned char *data, size_t len)
{
    static const char  digits[] = "0123456789abcdef";
    char               small[2 + 2 * 64 + 1], *hex;
    size_t             i;

    hex = (len <= 64) ? small : malloc(2 + 2 * len + 1);
    if (hex == NULL) {
        plan->failed = 1;
        hd_plan_param(plan, NULL);
        return;
    }

    hex[0] = '\\';
    hex[1] = 'x';

    for (i = 0; i < len; i++) {
        hex[2 + 2 * i] = digits[data[i] >> 4];
        hex[3 + 2 * i] = digits[data[i] & 0x0f];
    }

    hd_plan_paramn(plan, hex, 2 + 2 * len);

    if (hex != small) {
        free(hex);
    }
}


long
hd_api_if_match(hd_op_t *op, const char *what)
{
    long  v;

    if (op->req->if_match == NULL) {
        hd_api_fail(op, HD_PROBLEM_PRECONDITION_REQUIRED, what, NULL);
        return -1;
    }

    v = hd_ticket_if_match(op->req->if_match, op->req->if_match_len);
    if (v < 0) {
        hd_api_field_error(op, "If-Match", "If-Match is the version, "
                           "e.g. \"3\"");
        return -1;
    }

    return v;
}


hd_api_rc_t
hd_plan_query(hd_op_t *op)
{
    if (op->plan.failed) {
        return hd_api_fail(op, HD_PROBLEM_BAD_REQUEST,
                           "a value in the request is too long", NULL);
    }

    return HD_API_QUERY;
}


int
hd_api_is_json_type(const char *value, size_t len)
{
    size_t  n;

    if (value == NULL) {
        return 0;
    }

    /* the media type ends at ';' or white space */

    for (n = 0; n < len && value[n] != ';' && value[n] != ' '
                && value[n] != '\t'; n++)
    {
        /* void */
    }

    if (n == sizeof(hd_json_type) - 1
        && strncasecmp(value, hd_json_type, n) == 0)
    {
        return 1;
    }

    return n > 17 && strncasecmp(value, "application/", 12) == 0
           && strncasecmp(value + n - 5, "+json", 5) == 0;
}


static int
hd_hex(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c = tolower(c);

    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}


int
hd_query_arg(const char *query, size_t len, const char *name, char *buf,
    size_t size)
{
    int          hi, lo;
    size_t       nlen, n;
    const char  *p, *end, *arg_end;

    nlen = strlen(name);
    p = query;
    end = query + len;

    while (p < end) {
        arg_end = memchr(p, '&', (size_t) (end - p));
        if (arg_end == NULL) {
            arg_end = end;
        }

        if ((size_t) (arg_end - p) > nlen && p[nlen] == '='
            && memcmp(p, name, nlen) == 0)
        {
            p += nlen + 1;
            n = 0;

            while (p < arg_end) {
                if (n + 1 >= size) {
                    return -1;
                }

                if (*p == '%') {
                    if (arg_end - p < 3) {
                        return -1;
                    }
                    hi = hd_hex(p[1]);
                    lo = hd_hex(p[2]);
                    if (hi < 0 || lo < 0) {
                        return -1;
                    }
                    buf[n++] = (char) (hi * 16 + lo);
                    p += 3;
                    continue;
                }

                buf[n++] = (*p == '+') ? ' ' : *p;
                p++;
            }

            buf[n] = '\0';
            return (int) n;
        }

        p = arg_end + 1;
    }

    return -1;
}


hd_problem_t
hd_api_sqlstate_problem(const char *sqlstate)
{
    size_t  i;

    static const struct {
        const char    *prefix;
        hd_problem_t   problem;
    } map[] = {
        { "57014", HD_PROBLEM_DB_TIMEOUT },         /* query_canceled */
        { "08", HD_PROBLEM_DB_UNAVAILABLE },        /* connection */
        { "57P", HD_PROBLEM_DB_UNAVAILABLE },       /* shutdown */
        { "53", HD_PROBLEM_DB_UNAVAILABLE },        /* resources */
        { "40", HD_PROBLEM_DB_UNAVAILABLE },        /* serialization */
        { "23505", HD_PROBLEM_CONFLICT },           /* unique */
        { "HD409", HD_PROBLEM_CONFLICT },
        { "23", HD_PROBLEM_UNPROCESSABLE },         /* other integrity */
        { "HD422", HD_PROBLEM_UNPROCESSABLE },
        { "22", HD_PROBLEM_BAD_REQUEST },           /* data exception */
    };

    if (sqlstate == NULL) {
        return HD_PROBLEM_DB_UNAVAILABLE;
    }

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strncmp(sqlstate, map[i].prefix, strlen(map[i].prefix)) == 0) {
            return map[i].problem;
        }
    }

    return HD_PROBLEM_INTERNAL;
}


/*
 * Checks what every JSON-taking route needs before its handler runs: a JSON
 * media type and a body that parses.  Keeps the document in op->body.
 */
static int
hd_api_check_json_body(hd_op_t *op)
{
    char             *errors;
    char              detail[160];
    const hd_req_t   *req;
    hd_json_error_t   err;

    req = op->req;

    if (!hd_api_is_json_type(req->content_type, req->content_type_len)) {
        hd_api_fail(op, HD_PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                    "this endpoint takes Content-Type: application/json",
                    NULL);
        return 0;
    }

    op->body = hd_json_parse(req->body, req->body_len, &err);
    if (op->body != NULL) {
        return 1;
    }

    errors = hd_json_error_render(&err);
    snprintf(detail, sizeof(detail), "%s at line %d, column %d",
             err.message, err.line, err.column);
    hd_api_fail(op, HD_PROBLEM_INVALID_JSON, detail, errors);
    free(errors);

    return 0;
}


static int
hd_api_method_unsafe(const hd_req_t *req)
{
    return !(req->method_len == 3 && memcmp(req->method, "GET", 3) == 0)
           && !(req->method_len == 4 && memcmp(req->method, "HEAD", 4) == 0)
           && !(req->method_len == 7
                && memcmp(req->method, "OPTIONS", 7) == 0);
}


hd_api_rc_t
hd_api_begin(hd_op_t *op)
{
    const hd_req_t    *req;
    const hd_route_t  *rt;

    req = op->req;
    rt = req->match->route;

    if (req->test_now != NULL) {
        if (!req->test_mode) {
            return hd_api_fail(op, HD_PROBLEM_BAD_REQUEST,
                               "X-Helpdesk-Now is accepted only when the "
                               "stack runs in test mode", NULL);
        }

        if (!hd_ticket_ts_valid(req->test_now, 0)) {
            return hd_api_field_error(op, "X-Helpdesk-Now",
                                      "an RFC 3339 date-time with an offset, "
                                      "e.g. 2026-03-06T16:00:00Z");
        }
    }

    if ((rt->flags & HD_ROUTE_JSON_BODY) && !hd_api_check_json_body(op)) {
        return HD_API_RESPOND;
    }

    if (rt->flags & HD_ROUTE_PUBLIC) {
        return hd_api_handlers[rt->id](op);
    }

    switch (req->cred.kind) {

    case HD_CRED_NONE:
        return hd_api_fail(op, HD_PROBLEM_UNAUTHORIZED,
                           "sign in, or send a bearer token", NULL);

    case HD_CRED_INVALID:
        op->resp.www_authenticate = "Bearer realm=\"helpdesk\", "
                                    "error=\"invalid_token\"";
        return hd_api_fail(op, HD_PROBLEM_UNAUTHORIZED, req->cred.why, NULL);

    case HD_CRED_SESSION:

        /* a cookie rides along on any request: unsafe ones need CSRF */

        if (hd_api_method_unsafe(req)
            && (req->session_key == NULL || req->csrf == NULL
                || !hd_session_csrf_ok(req->session_key,
                                       req->cred.session.sid, req->csrf,
                                       req->csrf_len)))
        {
            return hd_api_fail(op, HD_PROBLEM_FORBIDDEN,
                               "a valid X-CSRF-Token header is required "
                               "with the session cookie", NULL);
        }
        break;

    default:
        break;
    }

    return hd_api_principal(op);
}


/*
 * The caller is known: the route's own permission check, then its handler.
 */
hd_api_rc_t
hd_api_dispatch(hd_op_t *op)
{
    const hd_route_t  *rt;

    rt = op->req->match->route;

    if (rt->action >= 0) {
        switch (hd_rbac_decide(op->me.roles, (hd_rbac_action_t) rt->action,
                               rt->relation, op->req->scope))
        {
        case HD_RBAC_ALLOW:
            break;

        case HD_RBAC_FORBIDDEN:
            return hd_api_fail(op, HD_PROBLEM_FORBIDDEN,
                               "your roles do not allow this", NULL);

        default:
            return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
        }
    }

    return hd_api_handlers[rt->id](op);
}


/*
 * Every answer to an authenticated session leaves through here: a session
 * token past half its life is re-issued.
 */
static hd_api_rc_t
hd_api_respond(hd_op_t *op)
{
    hd_session_t  s;

    if (op->renew_session && op->resp.cookie == NULL
        && op->req->session_key != NULL && op->resp.status < 500)
    {
        s = op->req->cred.session;
        s.iat = op->req->now;
        s.exp = op->req->now + HD_SESSION_TOKEN_TTL;
        op->resp.cookie = hd_api_session_cookie(op->req, &s);
    }

    return HD_API_RESPOND;
}


static hd_api_rc_t
hd_api_next(hd_op_t *op, hd_api_rc_t rc)
{
    return rc == HD_API_RESPOND ? hd_api_respond(op) : rc;
}


hd_api_rc_t
hd_api_result(hd_op_t *op, const PGresult *res)
{
    const char      *state;
    ExecStatusType   st;

    st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;

    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {

        if (op->plan.confirms
            && (PQntuples(res) != 1 || PQnfields(res) < 1
                || *PQgetvalue(res, 0, 0) != 't'))
        {
            return hd_api_next(op, hd_api_principal_stale(op));
        }

        return hd_api_next(op, op->plan.decode(op, res));
    }

    state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

    if (state != NULL && op->plan.on_error != NULL) {
        return hd_api_next(op, op->plan.on_error(op, state));
    }

    return hd_api_fail(op, hd_api_sqlstate_problem(state), NULL, NULL);
}


hd_api_rc_t
hd_api_task_done(hd_op_t *op)
{
    return hd_api_next(op, op->task_done(op));
}


void
hd_task_run(hd_task_t *task)
{
    switch (task->kind) {

    case HD_TASK_PASSWORD_VERIFY:
        task->ok = argon2id_verify(task->encoded, task->password,
                                   strlen(task->password)) == ARGON2_OK;
        break;

    case HD_TASK_PASSWORD_HASH:
        task->ok = argon2id_hash_encoded(HD_ARGON2_T_COST, HD_ARGON2_M_COST,
                                         HD_ARGON2_PARALLEL, task->password,
                                         strlen(task->password), task->salt,
                                         sizeof(task->salt), 32,
                                         task->encoded,
                                         sizeof(task->encoded))
                   == ARGON2_OK;
        break;

    case HD_TASK_CAL_EXPAND:
        task->ok = hd_sla_expand(task->cal, task->at, task->expansion)
                   == HD_CAL_OK;
        break;

    default:
        task->ok = 0;
        break;
    }

    memset(task->password, 0, sizeof(task->password));
}


char *
hd_api_session_cookie(const hd_req_t *req, const hd_session_t *s)
{
    int     n;
    char    token[HD_SESSION_TOKEN_MAX], *cookie;
    size_t  size;

    size = HD_SESSION_TOKEN_MAX + 128;
    cookie = malloc(size);
    if (cookie == NULL) {
        return NULL;
    }

    if (s == NULL) {
        n = snprintf(cookie, size, "hd_session=; Path=/; Max-Age=0; "
                     "HttpOnly; SameSite=Lax%s",
                     req->secure ? "; Secure" : "");

    } else if (hd_session_mint(req->session_key, s, token) == 0) {
        free(cookie);
        return NULL;

    } else {
        n = snprintf(cookie, size, "hd_session=%s; Path=/; Max-Age=%d; "
                     "HttpOnly; SameSite=Lax%s", token, HD_SESSION_TOKEN_TTL,
                     req->secure ? "; Secure" : "");
    }

    if (n < 0 || (size_t) n >= size) {
        free(cookie);
        return NULL;
    }

    return cookie;
}


hd_roles_t
hd_api_roles_from_array(const char *text)
{
    size_t       len;
    hd_roles_t   roles;
    const char  *p, *end;

    roles = 0;

    if (text == NULL || *text != '{') {
        return 0;
    }

    p = text + 1;

    while (*p != '\0' && *p != '}') {
        end = p;
        while (*end != '\0' && *end != ',' && *end != '}') {
            end++;
        }

        len = (size_t) (end - p);
        roles |= (hd_roles_t) hd_role_from_name(p, len);

        p = (*end == ',') ? end + 1 : end;
    }

    return roles;
}
