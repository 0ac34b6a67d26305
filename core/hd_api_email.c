/*
 * Inbound email at the API: the MTA webhook that hands the worker a raw
 * message, and the quarantine for admins (mail the worker could not turn
 * into a ticket or comment, kept with the reason) with a way to send one
 * back for another try.  MIME is never parsed here: the worker does that
 * (worker/wk_mail_in.c); the module only reads the Message-ID header.
 *
 * POST /api/webhooks/email-inbound takes the raw message/rfc822 as the
 * body (nginx spools it to a file) and X-Helpdesk-Signature: sha256=<hex
 * HMAC-SHA256 of the body under helpdesk_email_webhook_secret_file>.  A
 * thread of nginx's pool hashes and HMACs the file and links it into the
 * store only when the signature matches (HD_TASK_STORE_FILE with an HMAC
 * key); then email_receive() records the row 'received' for the worker →
 * 202.  A missing or wrong signature is 401 and nothing is stored.
 */

#include <string.h>

#include "hd_api_int.h"
#include "hd_attach.h"


#define HD_API_EMAIL_SIG_PREFIX  "sha256="


static hd_api_rc_t
hd_api_email_json(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 200, res);
}


static hd_api_rc_t
hd_api_email_accepted(hd_op_t *op, const PGresult *res)
{
    if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    return hd_api_json_text(op, 202, res);
}


/* GET /api/admin/email/quarantine */

hd_api_rc_t
hd_api_email_quarantine(hd_op_t *op)
{
    hd_plan_start(&op->plan, "select email_quarantine_list()::text",
                  hd_api_email_json);

    return HD_API_QUERY;
}


/* POST /api/admin/email/quarantine/{id}/retry */

hd_api_rc_t
hd_api_email_retry(hd_op_t *op)
{
    const hd_str_t  *id;

    id = &op->req->match->params[0];

    if (!hd_uuid_valid(id->data, id->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    hd_plan_start(&op->plan, "select email_retry($1::uuid, $2::uuid, "
                  "$3::inet, $4)::text", hd_api_email_accepted);
    hd_plan_paramn(&op->plan, id->data, id->len);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}


/* The hex digest of "sha256=<64 hex digits>" into want; 0 if malformed. */
static int
hd_api_email_signature(const hd_req_t *req, char *want)
{
    size_t       plen = sizeof(HD_API_EMAIL_SIG_PREFIX) - 1, i;
    const char  *s = req->signature;
    size_t       len = req->signature_len;

    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
        len--;
    }

    if (s == NULL || len != plen + 64
        || strncmp(s, HD_API_EMAIL_SIG_PREFIX, plen) != 0)
    {
        return 0;
    }

    for (i = 0; i < 64; i++) {
        char  c = s[plen + i];

        if (c >= 'A' && c <= 'F') {
            c = (char) (c - 'A' + 'a');
        }

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return 0;
        }

        want[i] = c;
    }

    want[64] = '\0';
    return 1;
}


static hd_api_rc_t
hd_api_email_stored(hd_op_t *op)
{
    char  key[HD_ATTACH_KEY_LEN + 1], mid[HD_MAILIN_ID_MAX + 8];

    if (op->task.sig_bad) {
        return hd_api_fail(op, HD_PROBLEM_UNAUTHORIZED,
                           "X-Helpdesk-Signature does not match the body",
                           NULL);
    }

    if (!op->task.ok || !hd_attach_key(op->task.sha256, key, sizeof(key))) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL,
                           "the message could not be stored", NULL);
    }

    if (op->task.message_id[0] != '\0') {
        memcpy(mid, op->task.message_id, sizeof(op->task.message_id));
    } else {
        memcpy(mid, "sha256:", 7);
        memcpy(mid + 7, op->task.sha256, sizeof(op->task.sha256));
    }

    hd_plan_start(&op->plan, "select json_build_object('id', id, 'status', "
                  "status, 'duplicate', duplicate)::text from "
                  "email_receive($1, 'webhook', $2)", hd_api_email_accepted);
    hd_plan_param(&op->plan, mid);
    hd_plan_param(&op->plan, key);

    return hd_plan_query(op);
}


/* POST /api/webhooks/email-inbound */

hd_api_rc_t
hd_api_email_webhook(hd_op_t *op)
{
    const hd_req_t  *req = op->req;
    hd_task_t       *task;

    if (req->store_dir == NULL || req->mail_secret == NULL) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND,
                           "the inbound email webhook is not enabled on "
                           "this instance", NULL);
    }

    task = &op->task;
    memset(task, 0, sizeof(hd_task_t));

    if (!hd_api_email_signature(req, task->hmac_want)) {
        return hd_api_fail(op, HD_PROBLEM_UNAUTHORIZED,
                           "X-Helpdesk-Signature: sha256=<hex HMAC-SHA256 "
                           "of the body> is required", NULL);
    }

    if (req->upload_path == NULL || req->upload_size == 0) {
        return hd_api_field_error(op, "body", "the raw message "
                                  "(message/rfc822) is the body");
    }

    task->kind = HD_TASK_STORE_FILE;
    task->src = req->upload_path;
    task->store_dir = req->store_dir;
    task->hmac_key = req->mail_secret;
    task->hmac_key_len = req->mail_secret_len;
    op->task_done = hd_api_email_stored;

    return HD_API_TASK;
}
