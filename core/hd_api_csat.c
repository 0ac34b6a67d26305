/*
 * The satisfaction survey behind the resolution mail's links
 * (migrations/0025_csat_answers.sql).
 *
 *   GET  /api/csat/{token}   public: {ticket: {number, title}, score,
 *                            comment, responded_at, expires_at}
 *   POST /api/csat/{token}   public: {"score": "good"|"bad", "comment"?}
 *
 * The token is the credential: 43 base64url characters (32 random bytes,
 * worker/wk_notify.c), of which the database keeps only the sha256.  A
 * token of any other shape is 404 without a query; an unknown one is 404
 * and an expired survey 410, both from the database.  Without "comment" a
 * POST keeps the comment there is, so the page's one-click answer never
 * drops one.
 */

#include <string.h>

#include "hd_api_int.h"


#define HD_CSAT_TOKEN_LEN     43
#define HD_CSAT_COMMENT_MAX   2000


/* The path's token, NUL-terminated into buf, or NULL (answering 404). */
static const char *
hd_api_csat_token(hd_op_t *op, char *buf)
{
    const hd_str_t  *t = &op->req->match->params[0];
    size_t           i;

    if (t->len != HD_CSAT_TOKEN_LEN) {
        goto invalid;
    }

    for (i = 0; i < t->len; i++) {
        if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                   "0123456789-_", t->data[i]) == NULL
            || t->data[i] == '\0')
        {
            goto invalid;
        }
    }

    memcpy(buf, t->data, t->len);
    buf[t->len] = '\0';

    return buf;

invalid:

    hd_api_fail(op, HD_PROBLEM_NOT_FOUND, "this survey link is not valid",
                NULL);

    return NULL;
}


/* GET /api/csat/{token} */

hd_api_rc_t
hd_api_csat_get(hd_op_t *op)
{
    char  token[HD_CSAT_TOKEN_LEN + 1];

    if (hd_api_csat_token(op, token) == NULL) {
        return HD_API_RESPOND;
    }

    hd_plan_start(&op->plan, "select status, body::text from csat_get($1)",
                  hd_api_envelope);
    hd_plan_param(&op->plan, token);

    return hd_plan_query(op);
}


/* 1 when v is a string of at most HD_CSAT_COMMENT_MAX UTF-8 characters
   whose only control characters are tab and line breaks. */
static int
hd_api_csat_comment_ok(const cJSON *v)
{
    const unsigned char  *s;
    size_t                chars = 0;

    if (!cJSON_IsString(v)) {
        return 0;
    }

    for (s = (const unsigned char *) v->valuestring; *s != '\0'; s++) {
        if ((*s < 0x20 && strchr("\t\r\n", *s) == NULL) || *s == 0x7f) {
            return 0;
        }

        if ((*s & 0xc0) != 0x80) {
            chars++;
        }
    }

    return chars <= HD_CSAT_COMMENT_MAX;
}


/* POST /api/csat/{token} {"score", "comment"?} */

hd_api_rc_t
hd_api_csat_answer(hd_op_t *op)
{
    static const char *const  fields[] = { "score", "comment", NULL };
    const cJSON              *body, *score, *comment;
    char                      token[HD_CSAT_TOKEN_LEN + 1];

    if (hd_api_csat_token(op, token) == NULL
        || !hd_api_body_only(op, fields))
    {
        return HD_API_RESPOND;
    }

    body = hd_api_body(op);

    score = cJSON_GetObjectItemCaseSensitive(body, "score");
    if (!cJSON_IsString(score)
        || (strcmp(score->valuestring, "good") != 0
            && strcmp(score->valuestring, "bad") != 0))
    {
        return hd_api_field_error(op, "score", "\"good\" or \"bad\"");
    }

    comment = cJSON_GetObjectItemCaseSensitive(body, "comment");
    if (comment != NULL && !cJSON_IsNull(comment)
        && !hd_api_csat_comment_ok(comment))
    {
        return hd_api_field_error(op, "comment", "at most 2000 characters "
                                  "of text, or null");
    }

    hd_plan_start(&op->plan, "select status, body::text from "
                  "csat_answer($1, $2, $3::boolean, $4, $5::inet, $6)",
                  hd_api_envelope);
    hd_plan_param(&op->plan, token);
    hd_plan_param(&op->plan, score->valuestring);
    hd_plan_param(&op->plan, comment != NULL ? "true" : "false");
    hd_plan_param(&op->plan, cJSON_IsString(comment) ? comment->valuestring
                                                     : NULL);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}
