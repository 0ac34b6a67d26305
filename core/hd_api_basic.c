/*
 * Operations that need no caller: health, readiness, version, and the
 * test-mode helpers the integration suites use.
 */

#include <stdio.h>
#include <stdlib.h>

#include "hd_api_int.h"


static hd_api_rc_t
hd_api_status(hd_op_t *op, const char *status)
{
    cJSON  *doc;

    doc = cJSON_CreateObject();
    if (doc != NULL && cJSON_AddStringToObject(doc, "status", status) == NULL) {
        cJSON_Delete(doc);
        doc = NULL;
    }

    return hd_api_json(op, 200, doc);
}


/* GET /api/healthz: the process is up; touches nothing. */

hd_api_rc_t
hd_api_healthz(hd_op_t *op)
{
    return hd_api_status(op, "ok");
}


static hd_api_rc_t
hd_api_readyz_done(hd_op_t *op, const PGresult *res)
{
    (void) res;

    return hd_api_status(op, "ready");
}


/* GET /api/readyz: one real round trip to the database. */

hd_api_rc_t
hd_api_readyz(hd_op_t *op)
{
    hd_plan_start(&op->plan, "select 1", hd_api_readyz_done);
    return HD_API_QUERY;
}


hd_api_rc_t
hd_api_version(hd_op_t *op)
{
    cJSON  *doc;

    doc = cJSON_CreateObject();
    if (doc != NULL
        && (cJSON_AddStringToObject(doc, "name", "helpdesk") == NULL
            || cJSON_AddStringToObject(doc, "version", HD_VERSION) == NULL))
    {
        cJSON_Delete(doc);
        doc = NULL;
    }

    return hd_api_json(op, 200, doc);
}


static hd_api_rc_t
hd_api_test_sleep_done(hd_op_t *op, const PGresult *res)
{
    (void) res;

    return hd_api_status(op, "slept");
}


/* GET /api/_test/sleep?ms=N (test mode): a statement that takes N ms. */

hd_api_rc_t
hd_api_test_sleep(hd_op_t *op)
{
    int          n;
    long         ms;
    char         buf[16], *end;
    const hd_req_t  *req;

    req = op->req;
    n = hd_query_arg(req->query, req->query_len, "ms", buf, sizeof(buf));
    ms = (n > 0) ? strtol(buf, &end, 10) : -1;

    if (n <= 0 || *end != '\0' || ms < 0 || ms > 600000) {
        return hd_api_fail(op, HD_PROBLEM_BAD_REQUEST,
                           "query argument ms must be an integer 0..600000",
                           "[{\"parameter\":\"ms\",\"message\":"
                           "\"an integer from 0 to 600000\"}]");
    }

    hd_plan_start(&op->plan, "select pg_sleep($1::int / 1000.0)",
                  hd_api_test_sleep_done);
    hd_plan_paramf(&op->plan, "%ld", ms);

    return hd_plan_query(op);
}


/* POST /api/_test/echo (test mode): the parsed body, re-serialized. */

hd_api_rc_t
hd_api_test_echo(hd_op_t *op)
{
    return hd_api_json(op, 200, cJSON_Duplicate(hd_api_body(op), 1));
}
