/*
 * Custom ticket fields.
 *
 *   GET /api/custom-fields             whoever may file a ticket: the
 *                                      active ones in display order,
 *                                      {"items": [{key, label, type,
 *                                      required, options, sort_order}]}
 *   GET/POST /api/admin/custom-fields  settings.admin: all of them (with id,
 *                                      active, version); create one
 *   PATCH/DELETE …/{id}                settings.admin: change (If-Match) or
 *                                      delete one
 *
 * The definitions live in ticket_custom_defs (migrations/0001_spine.sql);
 * ticket writes check custom_json against them (custom_json_errors(),
 * migrations/0004_tickets.sql); the writes here are SQL functions with
 * their audit events (migrations/0017_branding_and_custom_field_admin.sql).
 * A field's key and type are set on create and never change, so the values
 * tickets hold keep their meaning.
 */

#include <string.h>

#include "hd_api_int.h"


#define HD_CF_OPTIONS_MAX  100


/* The statement's one column is the answer, rendered by the database. */
static const char  hd_api_custom_fields_sql[] =
    "select json_build_object('items', coalesce(json_agg(json_build_object("
    "'key', d.key, 'label', d.label, 'type', d.type, "
    "'required', d.required, 'options', d.options, "
    "'sort_order', d.sort_order) order by d.sort_order, d.label), '[]'))"
    "::text from ticket_custom_defs d where d.active";


static hd_api_rc_t
hd_api_custom_fields_listed(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 200, res);
}


/* GET /api/custom-fields */

hd_api_rc_t
hd_api_custom_fields_list(hd_op_t *op)
{
    hd_plan_start(&op->plan, hd_api_custom_fields_sql,
                  hd_api_custom_fields_listed);

    return HD_API_QUERY;
}


static hd_api_rc_t
hd_api_custom_fields_admin_listed(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 200, res);
}


/* GET /api/admin/custom-fields */

hd_api_rc_t
hd_api_custom_fields_admin_list(hd_op_t *op)
{
    hd_plan_start(&op->plan, "select custom_fields_admin_list()::text",
                  hd_api_custom_fields_admin_listed);

    return HD_API_QUERY;
}


/* A string of 1 to max bytes, not only spaces, without control bytes. */
static int
hd_api_cf_text(const cJSON *v, size_t max)
{
    const unsigned char  *p;
    size_t                len;

    if (!cJSON_IsString(v)) {
        return 0;
    }

    len = strlen(v->valuestring);
    if (len < 1 || len > max
        || v->valuestring[strspn(v->valuestring, " \t")] == '\0')
    {
        return 0;
    }

    for (p = (const unsigned char *) v->valuestring; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            return 0;
        }
    }

    return 1;
}


/* "^[a-z][a-z0-9_]{0,62}$", as the table's check says. */
static int
hd_api_cf_key(const cJSON *v)
{
    const char  *s;
    size_t       len;

    if (!cJSON_IsString(v)) {
        return 0;
    }

    s = v->valuestring;
    len = strlen(s);

    return len >= 1 && len <= 63 && s[0] >= 'a' && s[0] <= 'z'
           && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}


static int
hd_api_cf_type(const cJSON *v)
{
    static const char *const  types[] = { "text", "textarea", "number",
                                          "date", "boolean", "select", NULL };
    size_t                    i;

    if (!cJSON_IsString(v)) {
        return 0;
    }

    for (i = 0; types[i] != NULL; i++) {
        if (strcmp(v->valuestring, types[i]) == 0) {
            return 1;
        }
    }

    return 0;
}


/* An array of distinct option names (may be empty: the database then
   checks that only select fields have options). */
static int
hd_api_cf_options(const cJSON *v)
{
    const cJSON  *o, *p;
    int           n = 0;

    if (!cJSON_IsArray(v)) {
        return 0;
    }

    cJSON_ArrayForEach(o, v) {
        if (!hd_api_cf_text(o, 200) || ++n > HD_CF_OPTIONS_MAX) {
            return 0;
        }

        for (p = v->child; p != o; p = p->next) {
            if (strcmp(p->valuestring, o->valuestring) == 0) {
                return 0;
            }
        }
    }

    return 1;
}


/*
 * Checks a field body: key and type only on create (and required there,
 * with label).  Returns 1, or 0 after answering 400 naming the field.
 */
static int
hd_api_cf_ok(hd_op_t *op, const cJSON *body, int create)
{
    static const char *const  required[] = { "key", "label", "type", NULL };
    const cJSON              *v;
    size_t                    i;

    if (create) {
        for (i = 0; required[i] != NULL; i++) {
            if (cJSON_GetObjectItemCaseSensitive(body, required[i]) == NULL) {
                hd_api_field_error(op, required[i], "required");
                return 0;
            }
        }
    } else {
        for (i = 0; i < 3; i += 2) {
            if (cJSON_GetObjectItemCaseSensitive(body, required[i]) != NULL) {
                hd_api_field_error(op, required[i], "a field's key and type "
                                   "never change; create another field");
                return 0;
            }
        }
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "key");
    if (v != NULL && !hd_api_cf_key(v)) {
        hd_api_field_error(op, "key", "a lower-case letter, then up to 62 "
                           "lower-case letters, digits or _");
        return 0;
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "label");
    if (v != NULL && !hd_api_cf_text(v, 200)) {
        hd_api_field_error(op, "label", "a label of 1 to 200 bytes");
        return 0;
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "type");
    if (v != NULL && !hd_api_cf_type(v)) {
        hd_api_field_error(op, "type", "text, textarea, number, date, "
                           "boolean or select");
        return 0;
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "options");
    if (v != NULL && !hd_api_cf_options(v)) {
        hd_api_field_error(op, "options", "up to 100 distinct names of 1 to "
                           "200 bytes");
        return 0;
    }

    for (i = 0; i < 2; i++) {
        const char  *name = i == 0 ? "required" : "active";

        v = cJSON_GetObjectItemCaseSensitive(body, name);
        if (v != NULL && !cJSON_IsBool(v)) {
            hd_api_field_error(op, name, "true or false is expected");
            return 0;
        }
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "sort_order");
    if (v != NULL
        && (!cJSON_IsNumber(v) || v->valuedouble != (double) v->valueint
            || v->valueint < -32768 || v->valueint > 32767))
    {
        hd_api_field_error(op, "sort_order", "a whole number, -32768 to "
                           "32767");
        return 0;
    }

    return 1;
}


/* POST /api/admin/custom-fields and PATCH /api/admin/custom-fields/{id} */
static hd_api_rc_t
hd_api_cf_save(hd_op_t *op, const hd_str_t *id)
{
    static const char *const  fields[] = { "key", "label", "type",
                                           "required", "options",
                                           "sort_order", "active", NULL };
    char                     *text;
    long                      version = 0;

    if (id != NULL && !hd_uuid_valid(id->data, id->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    if (!hd_api_body_only(op, fields)
        || !hd_api_cf_ok(op, hd_api_body(op), id == NULL))
    {
        return HD_API_RESPOND;
    }

    if (id != NULL) {
        version = hd_api_if_match(op, "send If-Match with the field's "
                                  "version");
        if (version < 0) {
            return HD_API_RESPOND;
        }
    }

    text = cJSON_PrintUnformatted(hd_api_body(op));
    if (text == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    hd_plan_start(&op->plan, "select status, body::text from "
                  "custom_field_save($1::uuid, $2::uuid, $3::int, $4::jsonb, "
                  "$5::inet, $6)", hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);

    if (id != NULL) {
        hd_plan_paramn(&op->plan, id->data, id->len);
        hd_plan_paramf(&op->plan, "%ld", version);
    } else {
        hd_plan_param(&op->plan, NULL);
        hd_plan_param(&op->plan, NULL);
    }

    hd_plan_param(&op->plan, text);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);
    cJSON_free(text);

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_custom_fields_create(hd_op_t *op)
{
    return hd_api_cf_save(op, NULL);
}


hd_api_rc_t
hd_api_custom_fields_update(hd_op_t *op)
{
    return hd_api_cf_save(op, &op->req->match->params[0]);
}


/* DELETE /api/admin/custom-fields/{id} */

hd_api_rc_t
hd_api_custom_fields_delete(hd_op_t *op)
{
    const hd_str_t  *id = &op->req->match->params[0];

    if (!hd_uuid_valid(id->data, id->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    hd_plan_start(&op->plan, "select status, body::text from "
                  "custom_field_delete($1::uuid, $2::uuid, $3::inet, $4)",
                  hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_paramn(&op->plan, id->data, id->len);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}
