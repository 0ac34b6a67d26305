/*
 * hd_api — operations of the API and their dispatch table.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "hd_api.h"
#include "hd_json.h"


typedef hd_api_rc_t (*hd_api_handler_pt)(const hd_req_t *req,
    hd_plan_t *plan, hd_resp_t *resp);


static const char  hd_json_type[] = "application/json";
static const char  hd_problem_type[] = "application/problem+json";


void
hd_resp_free(hd_resp_t *resp)
{
    free(resp->body);
    resp->body = NULL;
    resp->body_len = 0;
}


void
hd_api_problem(hd_resp_t *resp, hd_problem_t p, const char *detail,
    const char *errors_json, const char *request_id)
{
    const hd_problem_info_t  *info;

    info = hd_problem_info(p);

    resp->status = info->status;
    resp->content_type = hd_problem_type;
    resp->retry_after = info->retry_after;
    resp->body = hd_problem_render(p, detail, errors_json, request_id,
                                   &resp->body_len);
    if (resp->body == NULL) {
        resp->status = 500;
        resp->body_len = 0;
    }
}


/*
 * Answers with a JSON document built by the caller; takes ownership of doc.
 */
static void
hd_api_json(hd_resp_t *resp, int status, cJSON *doc, const char *request_id)
{
    char  *text;

    text = doc != NULL ? cJSON_PrintUnformatted(doc) : NULL;
    cJSON_Delete(doc);

    if (text == NULL) {
        hd_api_problem(resp, HD_PROBLEM_INTERNAL, NULL, NULL, request_id);
        return;
    }

    resp->status = status;
    resp->content_type = hd_json_type;
    resp->retry_after = 0;
    resp->body = text;
    resp->body_len = strlen(text);
}


static void
hd_api_status(hd_resp_t *resp, const char *status, const char *request_id)
{
    cJSON  *doc;

    doc = cJSON_CreateObject();
    if (doc != NULL && cJSON_AddStringToObject(doc, "status", status) == NULL) {
        cJSON_Delete(doc);
        doc = NULL;
    }

    hd_api_json(resp, 200, doc, request_id);
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
    if (sqlstate == NULL) {
        return HD_PROBLEM_DB_UNAVAILABLE;
    }

    if (strcmp(sqlstate, "57014") == 0) {           /* query_canceled */
        return HD_PROBLEM_DB_TIMEOUT;
    }

    if (strncmp(sqlstate, "08", 2) == 0             /* connection */
        || strncmp(sqlstate, "57P", 3) == 0         /* shutdown */
        || strncmp(sqlstate, "53", 2) == 0)         /* resources */
    {
        return HD_PROBLEM_DB_UNAVAILABLE;
    }

    return HD_PROBLEM_INTERNAL;
}


/* GET /api/healthz: the process is up; touches nothing. */

static hd_api_rc_t
hd_api_healthz(const hd_req_t *req, hd_plan_t *plan, hd_resp_t *resp)
{
    (void) plan;

    hd_api_status(resp, "ok", req->request_id);
    return HD_API_RESPOND;
}


static void
hd_api_readyz_decode(const hd_req_t *req, const PGresult *res,
    hd_resp_t *resp)
{
    (void) res;

    hd_api_status(resp, "ready", req->request_id);
}


/* GET /api/readyz: one real round trip to the database. */

static hd_api_rc_t
hd_api_readyz(const hd_req_t *req, hd_plan_t *plan, hd_resp_t *resp)
{
    (void) req;
    (void) resp;

    plan->sql = "select 1";
    plan->nparams = 0;
    plan->decode = hd_api_readyz_decode;

    return HD_API_QUERY;
}


static hd_api_rc_t
hd_api_version(const hd_req_t *req, hd_plan_t *plan, hd_resp_t *resp)
{
    cJSON  *doc;

    (void) plan;

    doc = cJSON_CreateObject();
    if (doc != NULL
        && (cJSON_AddStringToObject(doc, "name", "helpdesk") == NULL
            || cJSON_AddStringToObject(doc, "version", HD_VERSION) == NULL))
    {
        cJSON_Delete(doc);
        doc = NULL;
    }

    hd_api_json(resp, 200, doc, req->request_id);
    return HD_API_RESPOND;
}


static void
hd_api_test_sleep_decode(const hd_req_t *req, const PGresult *res,
    hd_resp_t *resp)
{
    (void) res;

    hd_api_status(resp, "slept", req->request_id);
}


/* GET /api/_test/sleep?ms=N (test mode): a query that takes N ms. */

static hd_api_rc_t
hd_api_test_sleep(const hd_req_t *req, hd_plan_t *plan, hd_resp_t *resp)
{
    int    n;
    long   ms;
    char   buf[16], *end;

    n = hd_query_arg(req->query, req->query_len, "ms", buf, sizeof(buf));
    ms = (n > 0) ? strtol(buf, &end, 10) : -1;

    if (n <= 0 || *end != '\0' || ms < 0 || ms > 600000) {
        hd_api_problem(resp, HD_PROBLEM_BAD_REQUEST,
                       "query argument ms must be an integer 0..600000",
                       "[{\"parameter\":\"ms\",\"message\":"
                       "\"an integer from 0 to 600000\"}]",
                       req->request_id);
        return HD_API_RESPOND;
    }

    snprintf(plan->store, sizeof(plan->store), "%ld", ms);
    plan->sql = "select pg_sleep($1::int / 1000.0)";
    plan->nparams = 1;
    plan->params[0] = plan->store;
    plan->decode = hd_api_test_sleep_decode;

    return HD_API_QUERY;
}


/* POST /api/_test/echo (test mode): the parsed body, re-serialized. */

static hd_api_rc_t
hd_api_test_echo(const hd_req_t *req, hd_plan_t *plan, hd_resp_t *resp)
{
    cJSON  *doc;

    (void) plan;

    doc = cJSON_ParseWithLength(req->body, req->body_len);
    hd_api_json(resp, 200, doc, req->request_id);
    return HD_API_RESPOND;
}


static const hd_api_handler_pt  hd_api_handlers[HD_ROUTE_COUNT] = {
    [HD_ROUTE_HEALTHZ] = hd_api_healthz,
    [HD_ROUTE_READYZ] = hd_api_readyz,
    [HD_ROUTE_VERSION] = hd_api_version,
    [HD_ROUTE_TEST_SLEEP] = hd_api_test_sleep,
    [HD_ROUTE_TEST_ECHO] = hd_api_test_echo,
};


/*
 * Checks what every JSON-taking route needs before its handler runs: a JSON
 * media type and a body that parses.  Returns 1 when the request may go on.
 */
static int
hd_api_check_json_body(const hd_req_t *req, hd_resp_t *resp)
{
    char             *errors;
    char              detail[160];
    cJSON            *doc;
    hd_json_error_t   err;

    if (!hd_api_is_json_type(req->content_type, req->content_type_len)) {
        hd_api_problem(resp, HD_PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                       "this endpoint takes Content-Type: application/json",
                       NULL, req->request_id);
        return 0;
    }

    doc = hd_json_parse(req->body, req->body_len, &err);
    if (doc != NULL) {
        cJSON_Delete(doc);
        return 1;
    }

    errors = hd_json_error_render(&err);
    snprintf(detail, sizeof(detail), "%s at line %d, column %d",
             err.message, err.line, err.column);
    hd_api_problem(resp, HD_PROBLEM_INVALID_JSON, detail, errors,
                   req->request_id);
    free(errors);

    return 0;
}


hd_api_rc_t
hd_api_begin(const hd_req_t *req, hd_plan_t *plan, hd_resp_t *resp)
{
    const hd_route_t  *rt;

    rt = req->match->route;

    plan->nparams = 0;
    plan->decode = NULL;
    plan->sql = NULL;

    if ((rt->flags & HD_ROUTE_JSON_BODY)
        && !hd_api_check_json_body(req, resp))
    {
        return HD_API_RESPOND;
    }

    return hd_api_handlers[rt->id](req, plan, resp);
}


void
hd_api_finish(const hd_req_t *req, const hd_plan_t *plan,
    const PGresult *res, hd_resp_t *resp)
{
    ExecStatusType  st;

    st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;

    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        hd_api_problem(resp,
            hd_api_sqlstate_problem(res != NULL
                ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL),
            NULL, NULL, req->request_id);
        return;
    }

    plan->decode(req, res, resp);
}
