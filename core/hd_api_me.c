/*
 * The caller's own things: GET /api/me and personal access tokens.
 *
 * A token is "hd_pat_" and the base64url of 32 random bytes; it is shown
 * once, when created, and stored as the sha256 of the whole token text,
 * which is what the edge computes from an Authorization header.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "hd_api_int.h"
#include "hd_b64.h"


#define HD_TOKEN_PREFIX       "hd_pat_"
#define HD_TOKEN_DEFAULT_DAYS 90
#define HD_TOKEN_MAX_DAYS     366


hd_api_rc_t
hd_api_me(hd_op_t *op)
{
    char      csrf[HD_SESSION_CSRF_LEN + 1];
    hd_buf_t  b;

    hd_buf_init(&b, 1024);
    hd_buf_adds(&b, "{");
    hd_api_principal_render(op, &b);
    hd_buf_adds(&b, ",\"auth\":");
    hd_buf_adds(&b, op->req->cred.kind == HD_CRED_SESSION ? "\"session\""
                    : op->req->cred.kind == HD_CRED_TOKEN ? "\"token\""
                    : "\"oidc\"");

    if (op->req->cred.kind == HD_CRED_SESSION) {
        hd_session_csrf(op->req->session_key, op->req->cred.session.sid,
                        csrf);
        hd_buf_adds(&b, ",");
        hd_buf_json_key(&b, "csrf_token");
        hd_buf_json_string(&b, csrf);
    }

    hd_buf_adds(&b, "}");

    return hd_api_json_buf(op, 200, &b);
}


static hd_api_rc_t
hd_api_tokens_listed(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 200, res);
}


hd_api_rc_t
hd_api_tokens_list(hd_op_t *op)
{
    hd_plan_start(&op->plan,
        "select json_build_object('items', coalesce(json_agg("
        "json_build_object('id', id, 'name', name, 'prefix', prefix, "
        "'created_at', created_at, 'expires_at', expires_at, "
        "'last_used_at', last_used_at, 'revoked_at', revoked_at) "
        "order by created_at desc), '[]'))::text "
        "from api_tokens where user_id = $1::uuid",
        hd_api_tokens_listed);
    hd_plan_param(&op->plan, op->me.user_id);

    return hd_plan_query(op);
}


static hd_api_rc_t
hd_api_tokens_created(hd_op_t *op, const PGresult *res)
{
    cJSON  *doc;

    if (PQntuples(res) != 1) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    doc = cJSON_Parse(PQgetvalue(res, 0, 0));
    if (doc == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    cJSON_AddStringToObject(doc, "token", op->u.token.token);
    memset(op->u.token.token, 0, sizeof(op->u.token.token));

    return hd_api_json(op, 201, doc);
}


/* POST /api/me/tokens {"name": …, "expires_in_days": 1..366} */

hd_api_rc_t
hd_api_tokens_create(hd_op_t *op)
{
    int            days;
    char          *tok;
    cJSON         *name, *exp;
    size_t         len;
    unsigned char  hash[SHA256_DIGEST_LENGTH];
    static const char *const  fields[] = { "name", "expires_in_days", NULL };

    if (!hd_api_body_only(op, fields)) {
        return HD_API_RESPOND;
    }

    name = cJSON_GetObjectItemCaseSensitive(hd_api_body(op), "name");
    exp = cJSON_GetObjectItemCaseSensitive(hd_api_body(op),
                                           "expires_in_days");

    if (!cJSON_IsString(name) || name->valuestring[0] == '\0'
        || strlen(name->valuestring) > 100)
    {
        return hd_api_field_error(op, "name",
                                  "name is required, at most 100 bytes");
    }

    days = HD_TOKEN_DEFAULT_DAYS;

    if (exp != NULL) {
        if (!cJSON_IsNumber(exp) || exp->valuedouble != (int) exp->valuedouble
            || exp->valueint < 1 || exp->valueint > HD_TOKEN_MAX_DAYS)
        {
            return hd_api_field_error(op, "expires_in_days",
                                      "a whole number of days, 1 to 366");
        }

        days = exp->valueint;
    }

    tok = op->u.token.token;
    memcpy(tok, HD_TOKEN_PREFIX, sizeof(HD_TOKEN_PREFIX) - 1);
    len = sizeof(HD_TOKEN_PREFIX) - 1
          + hd_b64url_encode(op->req->random, sizeof(op->req->random),
                             tok + sizeof(HD_TOKEN_PREFIX) - 1);

    SHA256((unsigned char *) tok, len, hash);

    hd_plan_start(&op->plan,
        "select json_build_object('id', id, 'name', name, 'prefix', prefix, "
        "'created_at', created_at, 'expires_at', expires_at)::text "
        "from token_create($1::uuid, $2, $3::bytea, $4, "
        "now() + make_interval(days => $5::int), $6::inet, $7)",
        hd_api_tokens_created);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_param(&op->plan, name->valuestring);
    hd_plan_param_bytea(&op->plan, hash, sizeof(hash));
    hd_plan_paramn(&op->plan, tok, sizeof(HD_TOKEN_PREFIX) - 1 + 4);
    hd_plan_paramf(&op->plan, "%d", days);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}


static hd_api_rc_t
hd_api_tokens_revoked(hd_op_t *op, const PGresult *res)
{
    if (PQntuples(res) != 1) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, "no such active token",
                           NULL);
    }

    return hd_api_no_content(op);
}


/* DELETE /api/me/tokens/{id} */

hd_api_rc_t
hd_api_tokens_revoke(hd_op_t *op)
{
    const hd_str_t  *id;

    id = &op->req->match->params[0];

    if (!hd_uuid_valid(id->data, id->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, "no such active token",
                           NULL);
    }

    hd_plan_start(&op->plan, "select id from token_revoke($1::uuid, "
                  "$2::uuid, $3::inet, $4)", hd_api_tokens_revoked);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_paramn(&op->plan, id->data, id->len);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}
