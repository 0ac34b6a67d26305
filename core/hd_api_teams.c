/*
 * Teams and regions: administration.  One SQL function saves each (with
 * its audit event); the database's constraints judge what it can (unique
 * names, known calendars and regions → 409/422).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_api_int.h"


#define HD_TEAM_MEMBERS_MAX  500


/*
 * Reads an optional id field ("region_id") into the plan: absent → NULL
 * (keep), a UUID → its text.  Answers 400 and returns 0 otherwise.
 */
static int
hd_api_uuid_field(hd_op_t *op, const char *field)
{
    cJSON  *v;

    v = cJSON_GetObjectItemCaseSensitive(hd_api_body(op), field);

    if (v == NULL) {
        hd_plan_param(&op->plan, NULL);
        return 1;
    }

    if (!cJSON_IsString(v) || !hd_uuid_valid(v->valuestring,
                                             strlen(v->valuestring)))
    {
        hd_api_field_error(op, field, "an id (UUID) is expected");
        return 0;
    }

    hd_plan_param(&op->plan, v->valuestring);
    return 1;
}


static int
hd_api_bool_field(hd_op_t *op, const char *field)
{
    cJSON  *v;

    v = cJSON_GetObjectItemCaseSensitive(hd_api_body(op), field);

    if (v == NULL) {
        hd_plan_param(&op->plan, NULL);
        return 1;
    }

    if (!cJSON_IsBool(v)) {
        hd_api_field_error(op, field, "true or false is expected");
        return 0;
    }

    hd_plan_param(&op->plan, cJSON_IsTrue(v) ? "true" : "false");
    return 1;
}


static int
hd_api_name_field(hd_op_t *op, int required)
{
    cJSON  *v;

    v = cJSON_GetObjectItemCaseSensitive(hd_api_body(op), "name");

    if (v == NULL && !required) {
        hd_plan_param(&op->plan, NULL);
        return 1;
    }

    if (!cJSON_IsString(v) || v->valuestring[0] == '\0'
        || strlen(v->valuestring) > 200)
    {
        hd_api_field_error(op, "name", "a name of 1 to 200 bytes");
        return 0;
    }

    hd_plan_param(&op->plan, v->valuestring);
    return 1;
}


/* "members": [ids] as a SQL uuid[] literal of validated UUIDs. */
static int
hd_api_members_field(hd_op_t *op)
{
    int     n;
    char   *lit, *p;
    cJSON  *v, *m;

    v = cJSON_GetObjectItemCaseSensitive(hd_api_body(op), "members");

    if (v == NULL) {
        hd_plan_param(&op->plan, NULL);
        return 1;
    }

    n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;

    if (n < 0 || n > HD_TEAM_MEMBERS_MAX) {
        hd_api_field_error(op, "members", "an array of at most 500 user ids");
        return 0;
    }

    lit = malloc((size_t) n * (HD_UUID_LEN + 1) + 3);
    if (lit == NULL) {
        hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
        return 0;
    }

    p = lit;
    *p++ = '{';

    cJSON_ArrayForEach(m, v) {
        if (!cJSON_IsString(m)
            || !hd_uuid_valid(m->valuestring, strlen(m->valuestring)))
        {
            free(lit);
            hd_api_field_error(op, "members", "each member is a user id");
            return 0;
        }

        if (p > lit + 1) {
            *p++ = ',';
        }

        memcpy(p, m->valuestring, HD_UUID_LEN);
        p += HD_UUID_LEN;
    }

    *p++ = '}';
    hd_plan_paramn(&op->plan, lit, (size_t) (p - lit));
    free(lit);

    return 1;
}


static hd_api_rc_t
hd_api_saved(hd_op_t *op, const PGresult *res)
{
    if (PQntuples(res) != 1) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    return hd_api_json_text(op, 200, res);
}


static hd_api_rc_t
hd_api_created(hd_op_t *op, const PGresult *res)
{
    if (PQntuples(res) != 1) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    return hd_api_json_text(op, 201, res);
}


/* team_save() refuses an intake team that would not be active. */
static hd_api_rc_t
hd_api_team_save_error(hd_op_t *op, const char *sqlstate)
{
    if (strcmp(sqlstate, "HD422") == 0) {
        return hd_api_fail(op, HD_PROBLEM_UNPROCESSABLE,
                           "The intake team must be active: name another "
                           "team the intake team before deactivating this "
                           "one.", NULL);
    }

    return hd_api_fail(op, hd_api_sqlstate_problem(sqlstate), NULL, NULL);
}


/*
 * POST /api/teams and PATCH /api/teams/{id}: name, region_id, calendar_id,
 * round_robin, active (PATCH only), intake (the team new tickets without a
 * team go to; naming one takes it from the other), members (the whole list).
 */
static hd_api_rc_t
hd_api_team_save(hd_op_t *op, const hd_str_t *id)
{
    static const char *const  create[] = { "name", "region_id",
                                           "calendar_id", "round_robin",
                                           "intake", "members", NULL };
    static const char *const  update[] = { "name", "region_id",
                                           "calendar_id", "round_robin",
                                           "active", "intake", "members",
                                           NULL };

    if (id != NULL && !hd_uuid_valid(id->data, id->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    if (!hd_api_body_only(op, id ? update : create)) {
        return HD_API_RESPOND;
    }

    hd_plan_start(&op->plan, "select team_save($1::uuid, $2::uuid, $3, "
                  "$4::uuid, $5::uuid, $6::boolean, $7::boolean, $8::boolean, "
                  "$9::uuid[], $10::inet, $11)::text",
                  id ? hd_api_saved : hd_api_created);
    op->plan.on_error = hd_api_team_save_error;
    hd_plan_param(&op->plan, op->me.user_id);

    if (id != NULL) {
        hd_plan_paramn(&op->plan, id->data, id->len);

    } else {
        hd_plan_param(&op->plan, NULL);
    }

    if (!hd_api_name_field(op, id == NULL)
        || !hd_api_uuid_field(op, "region_id")
        || !hd_api_uuid_field(op, "calendar_id")
        || !hd_api_bool_field(op, "round_robin")
        || !hd_api_bool_field(op, "active")
        || !hd_api_bool_field(op, "intake")
        || !hd_api_members_field(op))
    {
        return HD_API_RESPOND;
    }

    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_teams_create(hd_op_t *op)
{
    return hd_api_team_save(op, NULL);
}


hd_api_rc_t
hd_api_teams_update(hd_op_t *op)
{
    return hd_api_team_save(op, &op->req->match->params[0]);
}


static hd_api_rc_t
hd_api_regions_listed(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 200, res);
}


hd_api_rc_t
hd_api_regions_list(hd_op_t *op)
{
    hd_plan_start(&op->plan,
        "select json_build_object('items', coalesce(json_agg("
        "json_build_object('id', id, 'name', name, 'calendar_id', "
        "calendar_id, 'version', version) order by name), '[]'))::text "
        "from regions", hd_api_regions_listed);

    return HD_API_QUERY;
}


static hd_api_rc_t
hd_api_region_save(hd_op_t *op, const hd_str_t *id)
{
    static const char *const  fields[] = { "name", "calendar_id", NULL };

    if (id != NULL && !hd_uuid_valid(id->data, id->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    if (!hd_api_body_only(op, fields)) {
        return HD_API_RESPOND;
    }

    if (id == NULL
        && cJSON_GetObjectItemCaseSensitive(hd_api_body(op), "calendar_id")
           == NULL)
    {
        return hd_api_field_error(op, "calendar_id",
                                  "a region needs a calendar");
    }

    hd_plan_start(&op->plan, "select region_save($1::uuid, $2::uuid, $3, "
                  "$4::uuid, $5::inet, $6)::text",
                  id ? hd_api_saved : hd_api_created);
    hd_plan_param(&op->plan, op->me.user_id);

    if (id != NULL) {
        hd_plan_paramn(&op->plan, id->data, id->len);

    } else {
        hd_plan_param(&op->plan, NULL);
    }

    if (!hd_api_name_field(op, id == NULL)
        || !hd_api_uuid_field(op, "calendar_id"))
    {
        return HD_API_RESPOND;
    }

    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_regions_create(hd_op_t *op)
{
    return hd_api_region_save(op, NULL);
}


hd_api_rc_t
hd_api_regions_update(hd_op_t *op)
{
    return hd_api_region_save(op, &op->req->match->params[0]);
}
