/*
 * Teams and users: the directory and its administration.
 *
 * Role changes are checked twice: the route needs user.roles_assign, and
 * every role added or removed must pass hd_rbac_may_grant() for the caller
 * (an agent cannot raise their own role, a team lead cannot grant admin).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_api_int.h"


#define HD_PASSWORD_MIN  12


static hd_api_rc_t
hd_api_json_result(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 200, res);
}


hd_api_rc_t
hd_api_teams_list(hd_op_t *op)
{
    hd_plan_start(&op->plan,
        "select json_build_object('items', coalesce(json_agg("
        "json_build_object('id', t.id, 'name', t.name, "
        "'region_id', t.region_id, 'calendar_id', t.calendar_id, "
        "'round_robin', t.round_robin, 'intake', t.intake, "
        "'members', (select count(*) "
        "from team_members m where m.team_id = t.id)) order by t.name), "
        "'[]'))::text from teams t where t.active",
        hd_api_json_result);

    return HD_API_QUERY;
}


hd_api_rc_t
hd_api_users_list(hd_op_t *op)
{
    hd_plan_start(&op->plan,
        "select json_build_object('items', coalesce(json_agg("
        "user_json(u.id) order by u.email), '[]'))::text "
        "from (select id, email from users order by email limit 1000) u",
        hd_api_json_result);

    return HD_API_QUERY;
}


/*
 * Reads a "roles" array of role names into *roles; answers 400 and returns
 * 0 when it is not one.
 */
static int
hd_api_roles_field(hd_op_t *op, cJSON *arr, hd_roles_t *roles)
{
    cJSON      *item;
    hd_role_t   role;

    *roles = 0;

    if (!cJSON_IsArray(arr)) {
        hd_api_field_error(op, "roles", "roles must be an array of names");
        return 0;
    }

    cJSON_ArrayForEach(item, arr) {
        role = cJSON_IsString(item)
               ? hd_role_from_name(item->valuestring,
                                   strlen(item->valuestring))
               : 0;

        if (role == 0) {
            hd_api_field_error(op, "roles", "unknown role; roles are "
                               "requester, agent, team_lead, manager, admin");
            return 0;
        }

        *roles |= role;
    }

    return 1;
}


/*
 * Every role in changed must be grantable by the caller; else 403.
 */
static int
hd_api_may_change_roles(hd_op_t *op, hd_roles_t changed, int self)
{
    int   i;
    char  msg[96];

    for (i = 0; i < HD_ROLE_COUNT; i++) {
        if (!(changed & (1u << i))) {
            continue;
        }

        if (hd_rbac_may_grant(op->me.roles, self, (hd_role_t) (1u << i))
            != HD_RBAC_ALLOW)
        {
            snprintf(msg, sizeof(msg), "you may not grant or revoke the "
                     "%s role", hd_role_name((hd_role_t) (1u << i)));
            hd_api_fail(op, HD_PROBLEM_FORBIDDEN, msg, NULL);
            return 0;
        }
    }

    return 1;
}


/* The role set as a SQL text[] literal of role names. */
static void
hd_api_roles_param(hd_plan_t *plan, hd_roles_t roles)
{
    int     i;
    char    buf[128];
    size_t  len;

    len = 0;
    buf[len++] = '{';

    for (i = 0; i < HD_ROLE_COUNT; i++) {
        if (roles & (1u << i)) {
            len += (size_t) snprintf(buf + len, sizeof(buf) - len, "%s%s",
                                     len > 1 ? "," : "",
                                     hd_role_name((hd_role_t) (1u << i)));
        }
    }

    buf[len++] = '}';
    hd_plan_paramn(plan, buf, len);
}


static hd_api_rc_t
hd_api_users_created(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 201, res);
}


static hd_api_rc_t
hd_api_users_insert(hd_op_t *op)
{
    hd_plan_t  *plan;

    if (op->task.kind == HD_TASK_PASSWORD_HASH && !op->task.ok) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    plan = &op->plan;
    hd_plan_start(plan, "select user_create($1::uuid, $2, $3, $4::text[], "
                  "$5, $6::inet, $7)::text", hd_api_users_created);
    hd_plan_param(plan, op->me.user_id);
    hd_plan_param(plan, op->u.user.email);
    hd_plan_param(plan, op->u.user.name);
    hd_api_roles_param(plan, op->u.user.roles);
    hd_plan_param(plan, op->task.kind == HD_TASK_PASSWORD_HASH
                        ? op->task.encoded : NULL);
    hd_plan_param(plan, op->req->ip);
    hd_plan_param(plan, op->req->ua);

    return hd_plan_query(op);
}


/*
 * POST /api/users {"email", "display_name", "roles": [...], "password"?}
 * Without a password the account signs in through the identity provider.
 */
hd_api_rc_t
hd_api_users_create(hd_op_t *op)
{
    cJSON       *body, *email, *name, *roles, *password;
    static const char *const  fields[] = { "email", "display_name", "roles",
                                           "password", NULL };

    if (!hd_api_body_only(op, fields)) {
        return HD_API_RESPOND;
    }

    body = hd_api_body(op);
    email = cJSON_GetObjectItemCaseSensitive(body, "email");
    name = cJSON_GetObjectItemCaseSensitive(body, "display_name");
    roles = cJSON_GetObjectItemCaseSensitive(body, "roles");
    password = cJSON_GetObjectItemCaseSensitive(body, "password");

    if (!cJSON_IsString(email) || strchr(email->valuestring, '@') == NULL
        || strlen(email->valuestring) >= sizeof(op->u.user.email))
    {
        return hd_api_field_error(op, "email", "a valid email is required");
    }

    if (!cJSON_IsString(name) || name->valuestring[0] == '\0'
        || strlen(name->valuestring) >= sizeof(op->u.user.name))
    {
        return hd_api_field_error(op, "display_name",
                                  "display_name is required, at most 200 "
                                  "bytes");
    }

    op->u.user.roles = HD_ROLE_REQUESTER;

    if (roles != NULL && !hd_api_roles_field(op, roles, &op->u.user.roles)) {
        return HD_API_RESPOND;
    }

    if (!hd_api_may_change_roles(op, op->u.user.roles, 0)) {
        return HD_API_RESPOND;
    }

    snprintf(op->u.user.email, sizeof(op->u.user.email), "%s",
             email->valuestring);
    snprintf(op->u.user.name, sizeof(op->u.user.name), "%s",
             name->valuestring);

    if (password == NULL) {
        return hd_api_users_insert(op);
    }

    if (!cJSON_IsString(password)
        || strlen(password->valuestring) < HD_PASSWORD_MIN
        || strlen(password->valuestring) >= sizeof(op->task.password))
    {
        return hd_api_field_error(op, "password",
                                  "a password of at least 12 characters");
    }

    op->task.kind = HD_TASK_PASSWORD_HASH;
    memcpy(op->task.password, password->valuestring,
           strlen(password->valuestring) + 1);
    memcpy(op->task.salt, op->req->random, sizeof(op->task.salt));
    op->task_done = hd_api_users_insert;

    return HD_API_TASK;
}


/*
 * The policy's answer for action on a user (the caller, when self): 403
 * when the caller may see that user, 404 when not (a requester asking about
 * another requester).  Returns 1 when allowed.
 */
static int
hd_api_users_allowed(hd_op_t *op, hd_rbac_action_t action, int self,
    const char *why)
{
    switch (hd_rbac_decide(op->me.roles, action,
                           self ? HD_REL_SELF : HD_REL_NONE, op->req->scope))
    {
    case HD_RBAC_ALLOW:
        return 1;

    case HD_RBAC_FORBIDDEN:
        hd_api_fail(op, HD_PROBLEM_FORBIDDEN, why, NULL);
        return 0;

    default:
        hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
        return 0;
    }
}


static hd_api_rc_t
hd_api_users_updated(hd_op_t *op, const PGresult *res)
{
    if (PQntuples(res) != 1) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    return hd_api_json_text(op, 200, res);
}


static hd_api_rc_t
hd_api_users_write(hd_op_t *op)
{
    hd_plan_t  *plan;

    plan = &op->plan;
    hd_plan_start(plan, "select user_update($1::uuid, $2::uuid, $3, "
                  "$4::boolean, $5::text[], $6::inet, $7)::text",
                  hd_api_users_updated);
    hd_plan_param(plan, op->me.user_id);
    hd_plan_param(plan, op->u.user.target);
    hd_plan_param(plan, op->u.user.name[0] ? op->u.user.name : NULL);
    hd_plan_param(plan, op->u.user.active < 0 ? NULL
                        : op->u.user.active ? "true" : "false");

    if (op->u.user.set_roles) {
        hd_api_roles_param(plan, op->u.user.roles);

    } else {
        hd_plan_param(plan, NULL);
    }

    hd_plan_param(plan, op->req->ip);
    hd_plan_param(plan, op->req->ua);

    return hd_plan_query(op);
}


static hd_api_rc_t
hd_api_users_current_roles(hd_op_t *op, const PGresult *res)
{
    hd_roles_t  current;

    if (PQntuples(res) != 1) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    current = hd_api_roles_from_array(PQgetvalue(res, 0, 0));

    if (!hd_api_may_change_roles(op, current ^ op->u.user.roles,
                                 strcmp(op->u.user.target,
                                        op->me.user_id) == 0))
    {
        return HD_API_RESPOND;
    }

    return hd_api_users_write(op);
}


/* PATCH /api/users/{id} {"display_name"?, "active"?, "roles"?} */

hd_api_rc_t
hd_api_users_update(hd_op_t *op)
{
    int              self;
    cJSON           *body, *name, *active, *roles;
    const hd_str_t  *id;
    static const char *const  fields[] = { "display_name", "active",
                                           "roles", NULL };

    id = &op->req->match->params[0];

    if (!hd_uuid_valid(id->data, id->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    if (!hd_api_body_only(op, fields)) {
        return HD_API_RESPOND;
    }

    memcpy(op->u.user.target, id->data, id->len);
    op->u.user.target[id->len] = '\0';
    self = strcmp(op->u.user.target, op->me.user_id) == 0;

    body = hd_api_body(op);
    name = cJSON_GetObjectItemCaseSensitive(body, "display_name");
    active = cJSON_GetObjectItemCaseSensitive(body, "active");
    roles = cJSON_GetObjectItemCaseSensitive(body, "roles");

    /* an empty change still answers with the account: administrators
       only, like any other change to it */

    if ((name != NULL || active != NULL || roles == NULL)
        && !hd_api_users_allowed(op, HD_RBAC_USER_ADMIN, self,
                                 "only administrators change accounts"))
    {
        return HD_API_RESPOND;
    }

    if (roles != NULL
        && !hd_api_users_allowed(op, HD_RBAC_USER_ROLES_ASSIGN, self,
                                 "your roles do not allow changing roles"))
    {
        return HD_API_RESPOND;
    }

    if (name != NULL && (!cJSON_IsString(name) || name->valuestring[0] == 0
                         || strlen(name->valuestring)
                            >= sizeof(op->u.user.name)))
    {
        return hd_api_field_error(op, "display_name",
                                  "a non-empty name of at most 200 bytes");
    }

    if (active != NULL && !cJSON_IsBool(active)) {
        return hd_api_field_error(op, "active", "active is true or false");
    }

    if (active != NULL && self && cJSON_IsFalse(active)) {
        return hd_api_fail(op, HD_PROBLEM_UNPROCESSABLE,
                           "you cannot deactivate your own account", NULL);
    }

    op->u.user.active = active == NULL ? -1 : cJSON_IsTrue(active);

    if (name != NULL) {
        snprintf(op->u.user.name, sizeof(op->u.user.name), "%s",
                 name->valuestring);
    }

    if (roles == NULL) {
        return hd_api_users_write(op);
    }

    if (!hd_api_roles_field(op, roles, &op->u.user.roles)) {
        return HD_API_RESPOND;
    }

    op->u.user.set_roles = 1;

    hd_plan_start(&op->plan, "select array(select r.key from user_roles ur "
                  "join roles r on r.id = ur.role_id "
                  "where ur.user_id = u.id) from users u where u.id = $1::uuid",
                  hd_api_users_current_roles);
    hd_plan_param(&op->plan, op->u.user.target);

    return hd_plan_query(op);
}
