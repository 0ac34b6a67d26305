/*
 * Attachments: upload to a ticket, list a ticket's, download one.
 *
 * Upload (POST /api/tickets/{id}/attachments?filename=…, the file as the
 * raw body, which nginx has spooled to a temporary file) is four steps:
 * load the ticket and ask the policy (attachment.upload); hash the file
 * into the content-addressed store off the event loop (HD_TASK_STORE_FILE,
 * run by the edge, which also judges the type from the first bytes); record
 * the row with its audit event and outbox job (attachment_add()); answer
 * 201.  The client's Content-Type is never believed.
 *
 * Download (GET /api/attachments/{id}) checks the caller's relations to the
 * attachment's ticket like any ticket route (attachment.read, and
 * ticket.read_internal for a file of an internal comment), then hands the
 * edge an object key to serve from the store, always as a download:
 * Content-Disposition: attachment, nosniff, and a sandboxing CSP.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_api_int.h"
#include "hd_attach.h"


/* columns of attachment_access() */
enum {
    HD_AA_FRESH = 0,
    HD_AA_TICKET,
    HD_AA_IS_REQUESTER,
    HD_AA_IS_WATCHER,
    HD_AA_IS_ASSIGNEE,
    HD_AA_IN_TEAM,
    HD_AA_INTERNAL,
    HD_AA_KEY,
    HD_AA_FILENAME,
    HD_AA_MIME,
    HD_AA_BYTES
};


static hd_api_rc_t hd_api_attachments_upload_loaded(hd_op_t *op,
    const PGresult *res);
static hd_api_rc_t hd_api_attachments_stored(hd_op_t *op);


hd_api_rc_t
hd_api_attachments_upload(hd_op_t *op)
{
    int              n;
    char             raw[1024];
    const hd_req_t  *req;

    req = op->req;

    if (req->store_dir == NULL) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND,
                           "attachments are not enabled on this instance",
                           NULL);
    }

    n = hd_query_arg(req->query, req->query_len, "filename", raw,
                     sizeof(raw));
    if (n <= 0) {
        return hd_api_field_error(op, "filename", "the query argument "
                                  "filename names the file (at most 1000 "
                                  "bytes)");
    }

    hd_attach_filename(raw, (size_t) n, op->u.ticket.filename);

    return hd_api_ticket_load(op, hd_api_attachments_upload_loaded);
}


static hd_api_rc_t
hd_api_attachments_upload_loaded(hd_op_t *op, const PGresult *res)
{
    hd_task_t  *task;

    if (!hd_api_ticket_loaded(op, res)
        || !hd_api_ticket_allowed(op, HD_RBAC_ATTACHMENT_UPLOAD))
    {
        return HD_API_RESPOND;
    }

    task = &op->task;
    memset(task, 0, sizeof(hd_task_t));
    task->kind = HD_TASK_STORE_FILE;
    task->src = op->req->upload_path;       /* NULL: an empty file */
    task->store_dir = op->req->store_dir;
    op->task_done = hd_api_attachments_stored;

    return HD_API_TASK;
}


static hd_api_rc_t
hd_api_attachments_stored(hd_op_t *op)
{
    char  key[HD_ATTACH_KEY_LEN + 1];

    if (!op->task.ok || !hd_attach_key(op->task.sha256, key, sizeof(key))) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL,
                           "the file could not be stored", NULL);
    }

    hd_plan_start(&op->plan, "select status, body::text from attachment_add("
                  "$1::uuid, $2::uuid, $3, $4, $5::bigint, $6, $7::inet, $8)",
                  hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_param(&op->plan, op->u.ticket.id);
    hd_plan_param(&op->plan, key);
    hd_plan_param(&op->plan, op->u.ticket.filename);
    hd_plan_paramf(&op->plan, "%lld", (long long) op->task.bytes);
    hd_plan_param(&op->plan, op->task.mime);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}


/* GET /api/tickets/{id}/attachments */

static hd_api_rc_t
hd_api_attachments_listed(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 200, res);
}


static hd_api_rc_t
hd_api_attachments_list_loaded(hd_op_t *op, const PGresult *res)
{
    int  internal;

    if (!hd_api_ticket_loaded(op, res)
        || !hd_api_ticket_allowed(op, HD_RBAC_ATTACHMENT_READ))
    {
        return HD_API_RESPOND;
    }

    internal = hd_rbac_decide(op->me.roles, HD_RBAC_TICKET_READ_INTERNAL,
                              op->u.ticket.rels, op->req->scope)
               == HD_RBAC_ALLOW;

    hd_plan_start(&op->plan, "select attachments_list($1::uuid, "
                  "$2::boolean)::text", hd_api_attachments_listed);
    hd_plan_param(&op->plan, op->u.ticket.id);
    hd_plan_param(&op->plan, internal ? "true" : "false");

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_attachments_list(hd_op_t *op)
{
    return hd_api_ticket_load(op, hd_api_attachments_list_loaded);
}


/* GET /api/attachments/{id} */

static hd_api_rc_t
hd_api_attachments_found(hd_op_t *op, const PGresult *res)
{
    char         disposition[3 * HD_ATTACH_NAME_MAX + 64];
    unsigned     rels;
    const char  *mime;

    if (PQntuples(res) != 1 || PQgetisnull(res, 0, HD_AA_TICKET)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    rels = hd_api_ticket_rels(res, HD_AA_IS_REQUESTER);
    op->u.ticket.rels = rels;

    /* a file the caller may not see is one that does not exist */

    if (!hd_api_ticket_allowed(op, HD_RBAC_ATTACHMENT_READ)) {
        return HD_API_RESPOND;
    }

    if (*PQgetvalue(res, 0, HD_AA_INTERNAL) == 't'
        && hd_rbac_decide(op->me.roles, HD_RBAC_TICKET_READ_INTERNAL, rels,
                          op->req->scope) != HD_RBAC_ALLOW)
    {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    if (hd_attach_disposition(PQgetvalue(res, 0, HD_AA_FILENAME),
                              disposition, sizeof(disposition)) == 0)
    {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    mime = PQgetvalue(res, 0, HD_AA_MIME);

    hd_resp_free(&op->resp);
    op->resp.accel = strdup(PQgetvalue(res, 0, HD_AA_KEY));
    op->resp.disposition = strdup(disposition);
    snprintf(op->resp.type_buf, sizeof(op->resp.type_buf), "%s",
             strcmp(mime, "text/plain") == 0 ? "text/plain; charset=utf-8"
                                             : mime);

    if (op->resp.accel == NULL || op->resp.disposition == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    op->resp.status = 200;
    op->resp.content_type = op->resp.type_buf;
    op->resp.body = strdup("");
    op->resp.body_len = 0;

    return op->resp.body != NULL
           ? HD_API_RESPOND : hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
}


hd_api_rc_t
hd_api_attachments_get(hd_op_t *op)
{
    const hd_str_t  *id;

    id = &op->req->match->params[0];

    if (!hd_uuid_valid(id->data, id->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    hd_plan_start(&op->plan, "select * from attachment_access($1::uuid, "
                  "$2::uuid, $3::bigint, $4::uuid[])",
                  hd_api_attachments_found);
    hd_plan_paramn(&op->plan, id->data, id->len);
    hd_api_plan_caller(op);
    hd_plan_param(&op->plan, op->me.team_ids != NULL ? op->me.team_ids
                                                     : "{}");

    return hd_plan_query(op);
}
