/*
 * The ticket workflow as data: its statuses and the transitions allowed
 * between them, read by everyone and replaced as a whole by admins
 * (workflow_save() in migrations/0004_tickets.sql judges what needs the
 * database: statuses still in use, transitions naming unknown statuses).
 */

#include <stdlib.h>
#include <string.h>

#include "hd_api_int.h"


static hd_api_rc_t
hd_api_workflow_read(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 200, res);
}


/* GET /api/workflow */

hd_api_rc_t
hd_api_workflow_get(hd_op_t *op)
{
    hd_plan_start(&op->plan, "select workflow_json()::text",
                  hd_api_workflow_read);

    return HD_API_QUERY;
}


static int
hd_api_workflow_key(const cJSON *v)
{
    size_t       i, len;
    const char  *s;

    if (!cJSON_IsString(v)) {
        return 0;
    }

    s = v->valuestring;
    len = strlen(s);

    if (len == 0 || len > 32 || s[0] < 'a' || s[0] > 'z') {
        return 0;
    }

    for (i = 1; i < len; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_')) {
            return 0;
        }
    }

    return 1;
}


/* Every member of object o is one of names (NULL-terminated). */
static int
hd_api_workflow_only(const cJSON *o, const char *const *names)
{
    const cJSON        *item;
    const char *const  *n;

    cJSON_ArrayForEach(item, o) {
        for (n = names; *n != NULL; n++) {
            if (strcmp(*n, item->string) == 0) {
                break;
            }
        }

        if (*n == NULL) {
            return 0;
        }
    }

    return 1;
}


static int
hd_api_workflow_status_ok(const cJSON *s)
{
    const cJSON  *label, *category, *order;
    static const char *const  names[] = { "key", "label", "category",
                                          "sort_order", NULL };

    label = cJSON_GetObjectItemCaseSensitive(s, "label");
    category = cJSON_GetObjectItemCaseSensitive(s, "category");
    order = cJSON_GetObjectItemCaseSensitive(s, "sort_order");

    return cJSON_IsObject(s) && hd_api_workflow_only(s, names)
           && hd_api_workflow_key(cJSON_GetObjectItemCaseSensitive(s, "key"))
           && cJSON_IsString(label) && label->valuestring[0] != '\0'
           && strlen(label->valuestring) <= 100
           && cJSON_IsString(category)
           && (strcmp(category->valuestring, "open") == 0
               || strcmp(category->valuestring, "paused") == 0
               || strcmp(category->valuestring, "resolved") == 0
               || strcmp(category->valuestring, "closed") == 0)
           && cJSON_IsNumber(order)
           && order->valuedouble == (double) order->valueint
           && order->valueint >= 0 && order->valueint <= 32767;
}


static int
hd_api_workflow_transition_ok(const cJSON *t)
{
    const cJSON  *from, *to;
    static const char *const  names[] = { "from", "to", NULL };

    from = cJSON_GetObjectItemCaseSensitive(t, "from");
    to = cJSON_GetObjectItemCaseSensitive(t, "to");

    return cJSON_IsObject(t) && hd_api_workflow_only(t, names)
           && hd_api_workflow_key(from) && hd_api_workflow_key(to)
           && strcmp(from->valuestring, to->valuestring) != 0;
}


static void
hd_api_workflow_param(hd_plan_t *plan, const cJSON *v)
{
    char  *text;

    text = cJSON_PrintUnformatted(v);
    if (text == NULL) {
        plan->failed = 1;
        hd_plan_param(plan, NULL);
        return;
    }

    hd_plan_param(plan, text);
    free(text);
}


/*
 * PUT /api/workflow {"statuses": [{key, label, category, sort_order}],
 *                    "transitions": [{from, to}]}
 */
hd_api_rc_t
hd_api_workflow_put(hd_op_t *op)
{
    cJSON  *statuses, *transitions, *item;
    static const char *const  fields[] = { "statuses", "transitions", NULL };

    if (!hd_api_body_only(op, fields)) {
        return HD_API_RESPOND;
    }

    statuses = cJSON_GetObjectItemCaseSensitive(hd_api_body(op), "statuses");
    transitions = cJSON_GetObjectItemCaseSensitive(hd_api_body(op),
                                                   "transitions");

    if (!cJSON_IsArray(statuses) || cJSON_GetArraySize(statuses) == 0
        || cJSON_GetArraySize(statuses) > 100)
    {
        return hd_api_field_error(op, "statuses", "statuses is an array of "
                                  "1 to 100 statuses");
    }

    cJSON_ArrayForEach(item, statuses) {
        if (!hd_api_workflow_status_ok(item)) {
            return hd_api_field_error(op, "statuses", "each status is "
                                      "{key: [a-z][a-z_]*, label, category: "
                                      "open|paused|resolved|closed, "
                                      "sort_order: 0-32767}");
        }
    }

    if (!cJSON_IsArray(transitions) || cJSON_GetArraySize(transitions) > 2000)
    {
        return hd_api_field_error(op, "transitions", "transitions is an "
                                  "array of at most 2000 transitions");
    }

    cJSON_ArrayForEach(item, transitions) {
        if (!hd_api_workflow_transition_ok(item)) {
            return hd_api_field_error(op, "transitions", "each transition "
                                      "is {from, to}, two different status "
                                      "keys");
        }
    }

    hd_plan_start(&op->plan, "select status, body::text from workflow_save("
                  "$1::uuid, $2::jsonb, $3::jsonb, $4::inet, $5)",
                  hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_api_workflow_param(&op->plan, statuses);
    hd_api_workflow_param(&op->plan, transitions);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}
