/*
 * hd_problem — problem table and problem+json rendering.
 */

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hd_problem.h"


static const hd_problem_info_t  hd_problems[HD_PROBLEM_COUNT] = {
    [HD_PROBLEM_BAD_REQUEST] =
        { 400, "bad-request", "Bad request", 0 },
    [HD_PROBLEM_INVALID_JSON] =
        { 400, "invalid-json", "The request body is not valid JSON", 0 },
    [HD_PROBLEM_UNAUTHORIZED] =
        { 401, "unauthorized", "Authentication required", 0 },
    [HD_PROBLEM_FORBIDDEN] =
        { 403, "forbidden", "Not allowed", 0 },
    [HD_PROBLEM_NOT_FOUND] =
        { 404, "not-found", "Not found", 0 },
    [HD_PROBLEM_METHOD_NOT_ALLOWED] =
        { 405, "method-not-allowed", "Method not allowed", 0 },
    [HD_PROBLEM_CONFLICT] =
        { 409, "conflict", "Conflict", 0 },
    [HD_PROBLEM_LENGTH_REQUIRED] =
        { 411, "length-required", "Length required", 0 },
    [HD_PROBLEM_PAYLOAD_TOO_LARGE] =
        { 413, "payload-too-large", "The request body is too large", 0 },
    [HD_PROBLEM_URI_TOO_LONG] =
        { 414, "uri-too-long", "The request URI is too long", 0 },
    [HD_PROBLEM_UNSUPPORTED_MEDIA_TYPE] =
        { 415, "unsupported-media-type", "Unsupported media type", 0 },
    [HD_PROBLEM_UNPROCESSABLE] =
        { 422, "unprocessable", "The request cannot be carried out", 0 },
    [HD_PROBLEM_TOO_MANY_REQUESTS] =
        { 429, "too-many-requests", "Too many requests", 1 },
    [HD_PROBLEM_INTERNAL] =
        { 500, "internal", "Internal server error", 0 },
    [HD_PROBLEM_DB_UNAVAILABLE] =
        { 503, "database-unavailable", "The database is unavailable", 2 },
    [HD_PROBLEM_OVERLOADED] =
        { 503, "overloaded", "The server is busy", 1 },
    [HD_PROBLEM_DB_TIMEOUT] =
        { 504, "database-timeout", "The database did not answer in time",
          0 },
    [HD_PROBLEM_BAD_GATEWAY] =
        { 502, "bad-gateway", "Bad gateway", 0 },
    [HD_PROBLEM_PRECONDITION_REQUIRED] =
        { 428, "precondition-required",
          "This request must be conditional (If-Match)", 0 },
    [HD_PROBLEM_GONE] =
        { 410, "gone", "No longer available", 0 },
};


const hd_problem_info_t *
hd_problem_info(hd_problem_t p)
{
    if ((unsigned) p >= HD_PROBLEM_COUNT) {
        p = HD_PROBLEM_INTERNAL;
    }

    return &hd_problems[p];
}


hd_problem_t
hd_problem_from_status(int status)
{
    int  i;

    for (i = 0; i < HD_PROBLEM_COUNT; i++) {
        if (hd_problems[i].status == status) {
            return (hd_problem_t) i;
        }
    }

    return status >= 500 ? HD_PROBLEM_INTERNAL : HD_PROBLEM_BAD_REQUEST;
}


char *
hd_problem_render(hd_problem_t p, const char *detail, const char *errors_json,
    const char *request_id, size_t *len)
{
    char                     *type, *out;
    size_t                    n;
    cJSON                    *doc, *errors;
    const hd_problem_info_t  *info;

    info = hd_problem_info(p);

    n = sizeof(HD_PROBLEM_TYPE_BASE) + strlen(info->slug);
    type = malloc(n);
    if (type == NULL) {
        return NULL;
    }

    memcpy(type, HD_PROBLEM_TYPE_BASE, sizeof(HD_PROBLEM_TYPE_BASE) - 1);
    strcpy(type + sizeof(HD_PROBLEM_TYPE_BASE) - 1, info->slug);

    out = NULL;
    doc = cJSON_CreateObject();
    if (doc == NULL) {
        goto failed;
    }

    if (cJSON_AddStringToObject(doc, "type", type) == NULL
        || cJSON_AddStringToObject(doc, "title", info->title) == NULL
        || cJSON_AddNumberToObject(doc, "status", info->status) == NULL)
    {
        goto failed;
    }

    if (detail != NULL
        && cJSON_AddStringToObject(doc, "detail", detail) == NULL)
    {
        goto failed;
    }

    if (errors_json != NULL) {
        errors = cJSON_Parse(errors_json);
        if (errors == NULL || !cJSON_AddItemToObject(doc, "errors", errors)) {
            cJSON_Delete(errors);
            goto failed;
        }
    }

    if (request_id != NULL
        && cJSON_AddStringToObject(doc, "request_id", request_id) == NULL)
    {
        goto failed;
    }

    out = cJSON_PrintUnformatted(doc);
    if (out != NULL) {
        *len = strlen(out);
    }

failed:

    cJSON_Delete(doc);
    free(type);
    return out;
}
