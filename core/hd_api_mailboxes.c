/*
 * IMAP mailboxes for admins: GET/POST /api/admin/mailboxes, PATCH/DELETE
 * /api/admin/mailboxes/{id} (migrations/0015_mailboxes.sql).
 *
 * A mailbox is {name, url: "imap[s]://host[:port]", username, auth:
 * "password" | "xoauth2", folders: [..], poll_interval_s, active} and its
 * credential: "password" (auth password) or "token" (an OAuth bearer
 * token, auth xoauth2).  The credential is sealed here (hd_secret.h, under
 * the instance key) before anything leaves the module; the database holds
 * only the box, the answer says only "has_secret", the audit event only
 * that it changed.  The worker opens it to poll (worker/wk_mail_in.c) and
 * records each poll's outcome, which the list shows as "status".
 */

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "hd_api_int.h"
#include "hd_secret.h"


#define HD_MBOX_SECRET_MAX   4096
#define HD_MBOX_FOLDERS_MAX  16


static hd_api_rc_t
hd_api_mailboxes_listed(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 200, res);
}


/* GET /api/admin/mailboxes */

hd_api_rc_t
hd_api_mailboxes_list(hd_op_t *op)
{
    hd_plan_start(&op->plan, "select mailboxes_list()::text",
                  hd_api_mailboxes_listed);

    return HD_API_QUERY;
}


/* 1 when s holds no control characters (CR, LF, NUL never reach IMAP). */
static int
hd_api_mbox_printable(const char *s)
{
    for ( /* void */ ; *s != '\0'; s++) {
        if ((unsigned char) *s < 0x20 || *s == 0x7f) {
            return 0;
        }
    }

    return 1;
}


/* A string member of 1 to max bytes without control characters. */
static int
hd_api_mbox_text(const cJSON *v, size_t max)
{
    size_t  len;

    if (!cJSON_IsString(v)) {
        return 0;
    }

    len = strlen(v->valuestring);

    return len >= 1 && len <= max
           && v->valuestring[strspn(v->valuestring, " \t")] != '\0'
           && hd_api_mbox_printable(v->valuestring);
}


/* "imap://host[:port]" or "imaps://…": no path, no user, no query. */
static int
hd_api_mbox_url(const cJSON *v)
{
    const char  *s, *host;

    if (!hd_api_mbox_text(v, 1024)) {
        return 0;
    }

    s = v->valuestring;

    if (strncmp(s, "imap://", 7) == 0) {
        host = s + 7;
    } else if (strncmp(s, "imaps://", 8) == 0) {
        host = s + 8;
    } else {
        return 0;
    }

    return *host != '\0' && strpbrk(host, "/?#@ \t") == NULL;
}


static int
hd_api_mbox_folders(const cJSON *v)
{
    const cJSON  *f;
    int           n = 0;

    if (!cJSON_IsArray(v)) {
        return 0;
    }

    cJSON_ArrayForEach(f, v) {
        if (!hd_api_mbox_text(f, 255) || ++n > HD_MBOX_FOLDERS_MAX) {
            return 0;
        }
    }

    return n > 0;
}


/*
 * Checks a mailbox body; on create name, url, username and a credential
 * are required.  *secret is the credential member, or NULL.  Returns 1, or
 * 0 after answering 400.
 */
static int
hd_api_mbox_ok(hd_op_t *op, const cJSON *body, int create,
    const cJSON **secret)
{
    static const char *const  required[] = { "name", "url", "username",
                                              NULL };
    const cJSON              *v, *pw, *tok, *auth;
    size_t                    i;

    if (create) {
        for (i = 0; required[i] != NULL; i++) {
            if (cJSON_GetObjectItemCaseSensitive(body, required[i]) == NULL) {
                hd_api_field_error(op, required[i], "required");
                return 0;
            }
        }
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "name");
    if (v != NULL && !hd_api_mbox_text(v, 200)) {
        hd_api_field_error(op, "name", "a name of 1 to 200 bytes");
        return 0;
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "url");
    if (v != NULL && !hd_api_mbox_url(v)) {
        hd_api_field_error(op, "url", "imap://host[:port] or "
                           "imaps://host[:port], without a path or user");
        return 0;
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "username");
    if (v != NULL && !hd_api_mbox_text(v, 320)) {
        hd_api_field_error(op, "username", "a login of 1 to 320 bytes");
        return 0;
    }

    auth = cJSON_GetObjectItemCaseSensitive(body, "auth");
    if (auth != NULL
        && (!cJSON_IsString(auth)
            || (strcmp(auth->valuestring, "password") != 0
                && strcmp(auth->valuestring, "xoauth2") != 0)))
    {
        hd_api_field_error(op, "auth", "\"password\" or \"xoauth2\"");
        return 0;
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "folders");
    if (v != NULL && !hd_api_mbox_folders(v)) {
        hd_api_field_error(op, "folders", "1 to 16 folder names");
        return 0;
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "poll_interval_s");
    if (v != NULL
        && (!cJSON_IsNumber(v) || v->valuedouble != (double) v->valueint
            || v->valueint < 10 || v->valueint > 86400))
    {
        hd_api_field_error(op, "poll_interval_s",
                           "whole seconds, 10 to 86400");
        return 0;
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "active");
    if (v != NULL && !cJSON_IsBool(v)) {
        hd_api_field_error(op, "active", "true or false is expected");
        return 0;
    }

    pw = cJSON_GetObjectItemCaseSensitive(body, "password");
    tok = cJSON_GetObjectItemCaseSensitive(body, "token");

    if (pw != NULL && tok != NULL) {
        hd_api_field_error(op, "token", "send password or token, not both");
        return 0;
    }

    *secret = pw ? pw : tok;

    if (*secret != NULL && !hd_api_mbox_text(*secret, HD_MBOX_SECRET_MAX)) {
        hd_api_field_error(op, pw ? "password" : "token",
                           "1 to 4096 bytes without control characters");
        return 0;
    }

    /* the credential must suit the way it is used, when the body says */
    if (create || auth != NULL) {
        int  oauth = auth != NULL && strcmp(auth->valuestring, "xoauth2") == 0;

        if (oauth && pw != NULL) {
            hd_api_field_error(op, "password", "auth xoauth2 takes a token");
            return 0;
        }

        if (!oauth && tok != NULL) {
            hd_api_field_error(op, "token", "auth password takes a password");
            return 0;
        }
    }

    if (create && *secret == NULL) {
        hd_api_field_error(op, "password", "required (or token, with auth "
                           "xoauth2)");
        return 0;
    }

    return 1;
}


/* POST /api/admin/mailboxes and PATCH /api/admin/mailboxes/{id}. */
static hd_api_rc_t
hd_api_mbox_save(hd_op_t *op, const hd_str_t *id)
{
    static const char *const  fields[] = { "name", "url", "username", "auth",
                                           "password", "token", "folders",
                                           "poll_interval_s", "active",
                                           NULL };
    const cJSON              *secret = NULL;
    cJSON                    *fields_doc;
    unsigned char            *box = NULL;
    size_t                    nbox = 0, len;
    char                     *text;
    long                      version = 0;

    if (id != NULL && !hd_uuid_valid(id->data, id->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    if (!hd_api_body_only(op, fields)
        || !hd_api_mbox_ok(op, hd_api_body(op), id == NULL, &secret))
    {
        return HD_API_RESPOND;
    }

    if (id != NULL) {
        version = hd_api_if_match(op, "send If-Match with the mailbox's "
                                  "version");
        if (version < 0) {
            return HD_API_RESPOND;
        }
    }

    if (secret != NULL) {
        if (op->req->session_key == NULL) {
            return hd_api_fail(op, HD_PROBLEM_CONFLICT, "credentials cannot "
                               "be stored: this instance has no key "
                               "(helpdesk_session_key_file)", NULL);
        }

        len = strlen(secret->valuestring);
        box = malloc(len + HD_SECRET_OVERHEAD);
        if (box == NULL) {
            return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
        }

        nbox = hd_secret_seal(op->req->session_key, "mailbox",
                              secret->valuestring, len, box);
        if (nbox == 0) {
            free(box);
            return hd_api_fail(op, HD_PROBLEM_INTERNAL, "the credential "
                               "could not be sealed", NULL);
        }
    }

    /* what goes to the database: the body without the credential */
    fields_doc = cJSON_Duplicate(hd_api_body(op), 1);
    if (fields_doc != NULL) {
        cJSON_DeleteItemFromObjectCaseSensitive(fields_doc, "password");
        cJSON_DeleteItemFromObjectCaseSensitive(fields_doc, "token");
    }
    text = fields_doc ? cJSON_PrintUnformatted(fields_doc) : NULL;
    cJSON_Delete(fields_doc);

    if (text == NULL) {
        free(box);
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    hd_plan_start(&op->plan, "select status, body::text from "
                  "mailbox_save($1::uuid, $2::uuid, $3::int, $4::jsonb, "
                  "$5::boolean, $6::bytea, $7::inet, $8)", hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);

    if (id != NULL) {
        hd_plan_paramn(&op->plan, id->data, id->len);
        hd_plan_paramf(&op->plan, "%ld", version);
    } else {
        hd_plan_param(&op->plan, NULL);
        hd_plan_param(&op->plan, NULL);
    }

    hd_plan_param(&op->plan, text);
    hd_plan_param(&op->plan, box != NULL ? "true" : "false");

    if (box != NULL) {
        hd_plan_param_bytea(&op->plan, box, nbox);
    } else {
        hd_plan_param(&op->plan, NULL);
    }

    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    if (box != NULL) {
        OPENSSL_cleanse(box, nbox);
        free(box);
    }
    cJSON_free(text);

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_mailboxes_create(hd_op_t *op)
{
    return hd_api_mbox_save(op, NULL);
}


hd_api_rc_t
hd_api_mailboxes_update(hd_op_t *op)
{
    return hd_api_mbox_save(op, &op->req->match->params[0]);
}


/* DELETE /api/admin/mailboxes/{id} */

hd_api_rc_t
hd_api_mailboxes_delete(hd_op_t *op)
{
    const hd_str_t  *id = &op->req->match->params[0];

    if (!hd_uuid_valid(id->data, id->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    hd_plan_start(&op->plan, "select status, body::text from "
                  "mailbox_delete($1::uuid, $2::uuid, $3::inet, $4)",
                  hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_paramn(&op->plan, id->data, id->len);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}
