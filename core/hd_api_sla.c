/*
 * SLA administration and the clock's explanation: calendars (GET, POST,
 * PUT /api/calendars), policies (GET /api/slas, POST, PATCH
 * /api/slas/{id}) and GET /api/tickets/{id}/sla.
 *
 * A calendar is checked and expanded here, by core (hd_sla, hd_cal with
 * ICU's tz database), and saved with its business intervals by one SQL
 * function (calendar_save(), migrations/0010_sla.sql), which recomputes the
 * clocks on it in the same transaction.  A policy change recomputes the
 * clocks it may apply to from their status history (sla_policy_save()).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_api_int.h"
#include "hd_sla.h"
#include "hd_ticket.h"


#define HD_SLA_TARGET_MAX  (366 * 24 * 60)      /* minutes: a year */


static hd_api_rc_t
hd_api_sla_listed(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 200, res);
}


/* The first three parameters of a save: the caller, the id, the version
   (the last two NULL for a create). */
static void
hd_api_sla_who(hd_op_t *op, const hd_str_t *id, long version)
{
    hd_plan_param(&op->plan, op->me.user_id);

    if (id != NULL) {
        hd_plan_paramn(&op->plan, id->data, id->len);
        hd_plan_paramf(&op->plan, "%ld", version);

    } else {
        hd_plan_param(&op->plan, NULL);
        hd_plan_param(&op->plan, NULL);
    }
}


/* GET /api/calendars */
hd_api_rc_t
hd_api_calendars_list(hd_op_t *op)
{
    hd_plan_start(&op->plan,
                  "select json_build_object('items', coalesce(json_agg("
                  "calendar_json(k.id) order by k.name), '[]'))::text "
                  "from calendars k", hd_api_sla_listed);

    return HD_API_QUERY;
}


/* The expansion is ready (a thread of nginx's pool made it): save. */
static hd_api_rc_t
hd_api_calendar_expanded(hd_op_t *op)
{
    hd_sla_expansion_t  *x = op->task.expansion;

    if (!op->task.ok) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    hd_plan_paramf(&op->plan, "%lld", (long long) x->from);
    hd_plan_paramf(&op->plan, "%lld", (long long) x->to);
    hd_plan_paramn(&op->plan, x->starts.data, x->starts.len);
    hd_plan_paramn(&op->plan, x->ends.data, x->ends.len);

    return hd_plan_query(op);
}


/*
 * POST /api/calendars and PUT /api/calendars/{id} (If-Match): the whole
 * calendar {name, tz, is_default?, windows, holidays?}.  Checked here;
 * expanded (three years either side of now: a few milliseconds of ICU
 * work) off the event loop; then saved with its intervals by
 * calendar_save().
 */
static hd_api_rc_t
hd_api_calendar_save(hd_op_t *op, const hd_str_t *id)
{
    static const char *const  fields[] = { "name", "tz", "is_default",
                                           "windows", "holidays", NULL };
    char                *def;
    long                 version = 0;
    cJSON               *stored;
    const char          *err, *field;

    if (id != NULL && !hd_uuid_valid(id->data, id->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    if (!hd_api_body_only(op, fields)) {
        return HD_API_RESPOND;
    }

    err = hd_sla_api_calendar(hd_api_body(op), &stored, &field);
    if (err != NULL) {
        return field ? hd_api_field_error(op, field, err)
                     : hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(stored,
                                                            "windows")) == 0)
    {
        cJSON_Delete(stored);
        return hd_api_field_error(op, "windows", "a calendar needs at least "
                                  "one weekly window");
    }

    if (id != NULL) {
        version = hd_api_if_match(op, "send If-Match with the "
                                      "calendar's version");
        if (version < 0) {
            cJSON_Delete(stored);
            return HD_API_RESPOND;
        }
    }

    op->task.cal = malloc(sizeof(hd_sla_cal_t));
    op->task.expansion = calloc(1, sizeof(hd_sla_expansion_t));
    def = cJSON_PrintUnformatted(stored);

    err = (op->task.cal && op->task.expansion && def)
          ? hd_sla_cal_parse(stored, op->task.cal) : "out of memory";
    cJSON_Delete(stored);

    if (err != NULL) {
        free(def);
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    /* the statement's leading parameters now, the intervals after the
       task */

    hd_plan_start(&op->plan, "select status, body::text from calendar_save("
                  "$1::uuid, $2::uuid, $3::int, $4::jsonb, $5::inet, $6, "
                  "to_timestamp($7::bigint / 1000.0), "
                  "to_timestamp($8::bigint / 1000.0), $9::bigint[], "
                  "$10::bigint[])", hd_api_envelope);
    hd_api_sla_who(op, id, version);

    hd_plan_param(&op->plan, def);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);
    free(def);

    op->task.kind = HD_TASK_CAL_EXPAND;
    op->task.at = op->req->now * 1000;
    op->task_done = hd_api_calendar_expanded;

    return HD_API_TASK;
}


hd_api_rc_t
hd_api_calendars_create(hd_op_t *op)
{
    return hd_api_calendar_save(op, NULL);
}


hd_api_rc_t
hd_api_calendars_update(hd_op_t *op)
{
    return hd_api_calendar_save(op, &op->req->match->params[0]);
}


/* GET /api/slas: the policies, the calendars, each team's calendar. */
hd_api_rc_t
hd_api_slas_list(hd_op_t *op)
{
    hd_plan_start(&op->plan, "select slas_json()::text", hd_api_sla_listed);

    return HD_API_QUERY;
}


/* A target in minutes: 1 .. a year, or null where nullable. */
static int
hd_api_sla_minutes(hd_op_t *op, const cJSON *v, const char *field,
    int nullable)
{
    if (nullable && cJSON_IsNull(v)) {
        return 1;
    }

    if (!cJSON_IsNumber(v) || v->valuedouble != (double) v->valueint
        || v->valueint < 1 || v->valueint > HD_SLA_TARGET_MAX)
    {
        hd_api_field_error(op, field, nullable
                           ? "whole minutes, 1 to 527040, or null"
                           : "whole minutes, 1 to 527040");
        return 0;
    }

    return 1;
}


/*
 * Checks a policy body; on create name, priority and both targets are
 * required.  Returns 1, or 0 after answering 400.
 */
static int
hd_api_sla_policy_ok(hd_op_t *op, const cJSON *body, int create)
{
    static const char *const  required[] = { "name", "priority",
                                              "response_target_mins",
                                              "resolution_target_mins",
                                              NULL };
    size_t                    i;
    const cJSON              *v;

    if (create) {
        for (i = 0; required[i] != NULL; i++) {
            if (cJSON_GetObjectItemCaseSensitive(body, required[i]) == NULL) {
                hd_api_field_error(op, required[i], "required");
                return 0;
            }
        }
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "name");
    if (v != NULL
        && (!cJSON_IsString(v)
            || v->valuestring[strspn(v->valuestring, " \t")] == '\0'
            || strlen(v->valuestring) > 200))
    {
        hd_api_field_error(op, "name", "a name of 1 to 200 bytes");
        return 0;
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "priority");
    if (v != NULL
        && (!cJSON_IsString(v) || strlen(v->valuestring) != 2
            || v->valuestring[0] != 'P' || v->valuestring[1] < '1'
            || v->valuestring[1] > '4'))
    {
        hd_api_field_error(op, "priority", "one of P1, P2, P3, P4");
        return 0;
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "team_id");
    if (v != NULL && !cJSON_IsNull(v)
        && (!cJSON_IsString(v)
            || !hd_uuid_valid(v->valuestring, strlen(v->valuestring))))
    {
        hd_api_field_error(op, "team_id", "a team id (UUID) or null");
        return 0;
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "response_target_mins");
    if (v != NULL && !hd_api_sla_minutes(op, v, "response_target_mins", 0)) {
        return 0;
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "resolution_target_mins");
    if (v != NULL
        && !hd_api_sla_minutes(op, v, "resolution_target_mins", 0))
    {
        return 0;
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "update_cadence_mins");
    if (v != NULL && !hd_api_sla_minutes(op, v, "update_cadence_mins", 1)) {
        return 0;
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "active");
    if (v != NULL && !cJSON_IsBool(v)) {
        hd_api_field_error(op, "active", "true or false is expected");
        return 0;
    }

    return 1;
}


/* POST /api/slas and PATCH /api/slas/{id} (If-Match). */
static hd_api_rc_t
hd_api_sla_policy_save(hd_op_t *op, const hd_str_t *id)
{
    static const char *const  fields[] = { "name", "priority", "team_id",
                                           "response_target_mins",
                                           "resolution_target_mins",
                                           "update_cadence_mins", "active",
                                           NULL };
    long                      version = 0;

    if (id != NULL && !hd_uuid_valid(id->data, id->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    if (!hd_api_body_only(op, fields)
        || !hd_api_sla_policy_ok(op, hd_api_body(op), id == NULL))
    {
        return HD_API_RESPOND;
    }

    if (id != NULL) {
        version = hd_api_if_match(op, "send If-Match with the "
                                      "policy's version");
        if (version < 0) {
            return HD_API_RESPOND;
        }
    }

    hd_plan_start(&op->plan, "select status, body::text from "
                  "sla_policy_save($1::uuid, $2::uuid, $3::int, $4::jsonb, "
                  "$5::inet, $6)", hd_api_envelope);
    hd_api_sla_who(op, id, version);

    hd_plan_paramn(&op->plan, op->req->body, op->req->body_len);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_slas_create(hd_op_t *op)
{
    return hd_api_sla_policy_save(op, NULL);
}


hd_api_rc_t
hd_api_slas_update(hd_op_t *op)
{
    return hd_api_sla_policy_save(op, &op->req->match->params[0]);
}


/* GET /api/tickets/{id}/sla */

static hd_api_rc_t
hd_api_tickets_sla_read(hd_op_t *op, const PGresult *res)
{
    if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, "no SLA policy applies "
                           "to this ticket", NULL);
    }

    return hd_api_json_text(op, 200, res);
}


static hd_api_rc_t
hd_api_tickets_sla_loaded(hd_op_t *op, const PGresult *res)
{
    if (!hd_api_ticket_loaded(op, res)
        || !hd_api_ticket_allowed(op, HD_RBAC_TICKET_READ)
        || !hd_api_ticket_allowed(op, HD_RBAC_SLA_READ))
    {
        return HD_API_RESPOND;
    }

    hd_plan_start(&op->plan, "select ticket_sla_explain($1::uuid)::text",
                  hd_api_tickets_sla_read);
    hd_plan_param(&op->plan, op->u.ticket.id);

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_tickets_sla(hd_op_t *op)
{
    return hd_api_ticket_load(op, hd_api_tickets_sla_loaded);
}
