/*
 * POST /api/tickets/bulk {"ids": [...], "set": {status?, assignee_id?,
 * priority?, team_id?}}: one change on up to HD_BULK_MAX tickets, all or
 * none.
 *
 * The route needs ticket.bulk (team leads and up).  Core checks the body
 * and works out under which relations to a ticket the caller may make the
 * requested change (status: ticket.transition; assignee, team:
 * ticket.assign; priority: ticket.update); ticket_bulk() of
 * migrations/0005_work_tools.sql checks every ticket and runs each through
 * ticket_update(), so each is recorded as a PATCH would be, or answers 422
 * listing every ticket that cannot take the change and writes nothing.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_api_int.h"


#define HD_BULK_MAX  500


/*
 * The relations under which the caller may make a change touching the
 * HD_TICKET_TOUCH_* groups in touched, as a SQL text[] literal in buf; ""
 * when they may make it on any ticket.  Returns 0 when on none.
 */
static int
hd_api_bulk_reach(hd_op_t *op, unsigned touched, char *buf, size_t size)
{
    int       i, a, n, ok;
    size_t    len;
    unsigned  rel;

    static const hd_rbac_action_t  actions[] = {
        HD_RBAC_TICKET_UPDATE, HD_RBAC_TICKET_TRANSITION,
        HD_RBAC_TICKET_ASSIGN
    };
    static const unsigned  needs[] = {
        HD_TICKET_TOUCH_CONTENT, HD_TICKET_TOUCH_STATUS,
        HD_TICKET_TOUCH_ASSIGN
    };
    static const struct {
        unsigned     rel;
        const char  *name;
    } rels[] = {
        { HD_REL_NONE, NULL },
        { HD_REL_REQUESTER, "requester" },
        { HD_REL_WATCHER, "watcher" },
        { HD_REL_ASSIGNEE, "assignee" },
        { HD_REL_TEAM, "team" },
    };

    n = (int) (sizeof(actions) / sizeof(actions[0]));
    buf[0] = '\0';
    len = 0;

    for (i = 0; i < (int) (sizeof(rels) / sizeof(rels[0])); i++) {
        rel = rels[i].rel;
        ok = 1;

        for (a = 0; a < n; a++) {
            if ((touched & needs[a])
                && hd_rbac_decide(op->me.roles, actions[a], rel,
                                  op->req->scope) != HD_RBAC_ALLOW)
            {
                ok = 0;
            }
        }

        if (!ok) {
            continue;
        }

        if (rels[i].name == NULL) {
            return 1;                   /* any ticket */
        }

        len += (size_t) snprintf(buf + len, size - len, "%c%s",
                                 len == 0 ? '{' : ',', rels[i].name);
    }

    if (len == 0) {
        return 0;
    }

    snprintf(buf + len, size - len, "}");
    return 1;
}


/*
 * The ids as a SQL uuid[] literal, malloc'd; NULL with the response set
 * (400) when they are not 1 to HD_BULK_MAX ticket ids.
 */
static char *
hd_api_bulk_ids(hd_op_t *op, const cJSON *ids)
{
    int          i, n;
    char        *text, field[32];
    size_t       len;
    const cJSON *id;

    n = cJSON_GetArraySize(ids);

    if (!cJSON_IsArray(ids) || n < 1 || n > HD_BULK_MAX) {
        hd_api_field_error(op, "ids", "ids is a list of 1 to 500 ticket ids");
        return NULL;
    }

    text = malloc((size_t) n * (HD_UUID_LEN + 1) + 2);
    if (text == NULL) {
        hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
        return NULL;
    }

    len = 0;
    i = 0;

    cJSON_ArrayForEach(id, ids) {
        if (!cJSON_IsString(id)
            || !hd_uuid_valid(id->valuestring, strlen(id->valuestring)))
        {
            free(text);
            snprintf(field, sizeof(field), "ids[%d]", i);
            hd_api_field_error(op, field, "each of ids is a ticket's id");
            return NULL;
        }

        text[len++] = i == 0 ? '{' : ',';
        memcpy(text + len, id->valuestring, HD_UUID_LEN);
        len += HD_UUID_LEN;
        i++;
    }

    text[len++] = '}';
    text[len] = '\0';

    return text;
}


hd_api_rc_t
hd_api_tickets_bulk(hd_op_t *op)
{
    char               *ids, *set_text, reach[64];
    cJSON              *set, *fields, *item;
    unsigned            touched;
    const char         *note;
    hd_ticket_error_t   err;
    static const char *const  body_fields[] = { "ids", "set", NULL };
    static const char *const  set_fields[] = {
        "status", "assignee_id", "priority", "team_id", NULL
    };
    const char *const  *f;

    if (!hd_api_body_only(op, body_fields)) {
        return HD_API_RESPOND;
    }

    set = cJSON_GetObjectItemCaseSensitive(hd_api_body(op), "set");

    if (!cJSON_IsObject(set) || cJSON_GetArraySize(set) == 0) {
        return hd_api_field_error(op, "set", "set is an object with any of "
                                  "status, assignee_id, priority, team_id");
    }

    cJSON_ArrayForEach(item, set) {
        for (f = set_fields; *f != NULL; f++) {
            if (strcmp(*f, item->string) == 0) {
                break;
            }
        }

        if (*f == NULL) {
            return hd_api_field_error(op, item->string, "set takes only "
                                      "status, assignee_id, priority, "
                                      "team_id");
        }
    }

    fields = hd_ticket_fields(set, HD_TICKET_PATCH,
                              HD_TICKET_TOUCH_CONTENT | HD_TICKET_TOUCH_STATUS
                              | HD_TICKET_TOUCH_ASSIGN, &touched, &note, &err);
    if (fields == NULL) {
        return hd_api_field_error(op, err.field, err.message);
    }

    if (!hd_api_bulk_reach(op, touched, reach, sizeof(reach))) {
        cJSON_Delete(fields);
        return hd_api_fail(op, HD_PROBLEM_FORBIDDEN, "your roles do not "
                           "allow this change on any ticket", NULL);
    }

    ids = hd_api_bulk_ids(op, cJSON_GetObjectItemCaseSensitive(
                                  hd_api_body(op), "ids"));
    if (ids == NULL) {
        cJSON_Delete(fields);
        return HD_API_RESPOND;
    }

    set_text = cJSON_PrintUnformatted(fields);
    cJSON_Delete(fields);

    if (set_text == NULL) {
        free(ids);
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    hd_plan_start(&op->plan, "select status, body::text from ticket_bulk("
                  "$1::uuid, $2::uuid[], $3::jsonb, $4::text[], $5::inet, "
                  "$6)", hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_param(&op->plan, ids);
    hd_plan_param(&op->plan, set_text);
    hd_plan_param(&op->plan, reach[0] != '\0' ? reach : NULL);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);
    free(ids);
    free(set_text);

    return hd_plan_query(op);
}
