/*
 * Watchers: who follows a ticket.
 *
 *   GET    /api/tickets/{id}/watchers
 *   POST   /api/tickets/{id}/watchers            {"user_id"}
 *   DELETE /api/tickets/{id}/watchers/{user_id}
 *
 * Anyone who may read the ticket sees its watchers.  Adding or removing
 * oneself needs ticket.watch (a requester on a ticket they can see, an
 * agent in scope); adding or removing someone else needs ticket.update,
 * so a requester asking for that is refused with 403.  Any active user
 * may be added: watching is what lets a requester see the ticket.  The
 * writes are watcher_add() and watcher_remove() of
 * migrations/0005_work_tools.sql, each with its audit event and job.
 */

#include <stdio.h>
#include <string.h>

#include "hd_api_int.h"


/*
 * After the ticket is loaded: may the caller change whether
 * op->u.ticket.user watches it?  On a refusal the response is set.
 */
static int
hd_api_watchers_may_change(hd_op_t *op)
{
    if (!hd_api_ticket_allowed(op, HD_RBAC_TICKET_READ)) {
        return 0;
    }

    if (strcmp(op->u.ticket.user, op->me.user_id) == 0) {
        return hd_api_ticket_allowed(op, HD_RBAC_TICKET_WATCH);
    }

    return hd_api_ticket_allowed(op, HD_RBAC_TICKET_UPDATE);
}


static hd_api_rc_t
hd_api_watchers_write(hd_op_t *op, const char *sql)
{
    hd_plan_start(&op->plan, sql, hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_param(&op->plan, op->u.ticket.id);
    hd_plan_param(&op->plan, op->u.ticket.user);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}


/* GET /api/tickets/{id}/watchers */

static hd_api_rc_t
hd_api_watchers_read(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 200, res);
}


static hd_api_rc_t
hd_api_watchers_list_loaded(hd_op_t *op, const PGresult *res)
{
    if (!hd_api_ticket_loaded(op, res)
        || !hd_api_ticket_allowed(op, HD_RBAC_TICKET_READ))
    {
        return HD_API_RESPOND;
    }

    hd_plan_start(&op->plan, "select ticket_watchers_json($1::uuid)::text",
                  hd_api_watchers_read);
    hd_plan_param(&op->plan, op->u.ticket.id);

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_watchers_list(hd_op_t *op)
{
    return hd_api_ticket_load(op, hd_api_watchers_list_loaded);
}


/* POST /api/tickets/{id}/watchers {"user_id"} */

static hd_api_rc_t
hd_api_watchers_add_loaded(hd_op_t *op, const PGresult *res)
{
    if (!hd_api_ticket_loaded(op, res) || !hd_api_watchers_may_change(op)) {
        return HD_API_RESPOND;
    }

    return hd_api_watchers_write(op, "select status, body::text from "
                                 "watcher_add($1::uuid, $2::uuid, $3::uuid, "
                                 "$4::inet, $5)");
}


hd_api_rc_t
hd_api_watchers_add(hd_op_t *op)
{
    cJSON  *user;
    static const char *const  fields[] = { "user_id", NULL };

    if (!hd_api_body_only(op, fields)) {
        return HD_API_RESPOND;
    }

    user = cJSON_GetObjectItemCaseSensitive(hd_api_body(op), "user_id");

    if (!cJSON_IsString(user)
        || !hd_uuid_valid(user->valuestring, strlen(user->valuestring)))
    {
        return hd_api_field_error(op, "user_id", "user_id (a user's id) is "
                                  "required");
    }

    snprintf(op->u.ticket.user, sizeof(op->u.ticket.user), "%s",
             user->valuestring);

    return hd_api_ticket_load(op, hd_api_watchers_add_loaded);
}


/* DELETE /api/tickets/{id}/watchers/{user_id} */

static hd_api_rc_t
hd_api_watchers_remove_loaded(hd_op_t *op, const PGresult *res)
{
    if (!hd_api_ticket_loaded(op, res) || !hd_api_watchers_may_change(op)) {
        return HD_API_RESPOND;
    }

    return hd_api_watchers_write(op, "select status, body::text from "
                                 "watcher_remove($1::uuid, $2::uuid, "
                                 "$3::uuid, $4::inet, $5)");
}


hd_api_rc_t
hd_api_watchers_remove(hd_op_t *op)
{
    const hd_str_t  *user;

    user = &op->req->match->params[1];

    if (!hd_uuid_valid(user->data, user->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    snprintf(op->u.ticket.user, sizeof(op->u.ticket.user), "%.*s",
             (int) user->len, user->data);

    return hd_api_ticket_load(op, hd_api_watchers_remove_loaded);
}
