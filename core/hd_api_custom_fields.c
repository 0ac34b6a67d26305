/*
 * Custom ticket fields: GET /api/custom-fields, for anyone signed in.
 *
 * The definitions live in ticket_custom_defs (migrations/0001_spine.sql);
 * ticket writes check custom_json against them (custom_json_errors(),
 * migrations/0004_tickets.sql).  This lists the active ones in display
 * order, so a form can render each by its type and mark the required ones:
 * {"items": [{key, label, type, required, options, sort_order}]}.
 */

#include "hd_api_int.h"


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
