/*
 * hd_api_int — what the operation files (hd_api_*.c) share: building plans,
 * answering with JSON, and the per-route handler table.  Not for the edges.
 */

#ifndef HD_API_INT_H
#define HD_API_INT_H

#include <cjson/cJSON.h>

#include "hd_api.h"
#include "hd_buf.h"

typedef hd_api_rc_t (*hd_api_handler_pt)(hd_op_t *op);

/* handlers, by file */
hd_api_rc_t hd_api_healthz(hd_op_t *op);
hd_api_rc_t hd_api_readyz(hd_op_t *op);
hd_api_rc_t hd_api_version(hd_op_t *op);
hd_api_rc_t hd_api_test_sleep(hd_op_t *op);
hd_api_rc_t hd_api_test_echo(hd_op_t *op);

hd_api_rc_t hd_api_login(hd_op_t *op);
hd_api_rc_t hd_api_logout(hd_op_t *op);
hd_api_rc_t hd_api_principal(hd_op_t *op);

/*
 * Appends the caller's principal to the plan as two parameters (user id,
 * authz_version), for a statement that calls principal_fresh() with them
 * and returns its answer as its first column: hd_api_result() then checks
 * it before the plan's decode runs, and resolves the caller again when the
 * principal no longer stands.
 */
void hd_api_plan_caller(hd_op_t *op);

/*
 * The caller's principal no longer stands (a statement's check said so):
 * forgets it and resolves the credential again, which then dispatches the
 * route anew.
 */
hd_api_rc_t hd_api_principal_stale(hd_op_t *op);

hd_api_rc_t hd_api_me(hd_op_t *op);
hd_api_rc_t hd_api_tokens_list(hd_op_t *op);
hd_api_rc_t hd_api_tokens_create(hd_op_t *op);
hd_api_rc_t hd_api_tokens_revoke(hd_op_t *op);

hd_api_rc_t hd_api_teams_list(hd_op_t *op);
hd_api_rc_t hd_api_users_list(hd_op_t *op);
hd_api_rc_t hd_api_users_create(hd_op_t *op);
hd_api_rc_t hd_api_users_update(hd_op_t *op);
hd_api_rc_t hd_api_teams_create(hd_op_t *op);
hd_api_rc_t hd_api_teams_update(hd_op_t *op);
hd_api_rc_t hd_api_regions_list(hd_op_t *op);
hd_api_rc_t hd_api_regions_create(hd_op_t *op);
hd_api_rc_t hd_api_regions_update(hd_op_t *op);

hd_api_rc_t hd_api_tickets_create(hd_op_t *op);
hd_api_rc_t hd_api_tickets_list(hd_op_t *op);
hd_api_rc_t hd_api_tickets_get(hd_op_t *op);
hd_api_rc_t hd_api_tickets_update(hd_op_t *op);
hd_api_rc_t hd_api_tickets_comment(hd_op_t *op);
hd_api_rc_t hd_api_tickets_timeline(hd_op_t *op);
hd_api_rc_t hd_api_tickets_audit(hd_op_t *op);
hd_api_rc_t hd_api_tickets_delete(hd_op_t *op);
hd_api_rc_t hd_api_tickets_bulk(hd_op_t *op);
hd_api_rc_t hd_api_watchers_list(hd_op_t *op);
hd_api_rc_t hd_api_watchers_add(hd_op_t *op);
hd_api_rc_t hd_api_watchers_remove(hd_op_t *op);
hd_api_rc_t hd_api_workflow_get(hd_op_t *op);
hd_api_rc_t hd_api_attachments_upload(hd_op_t *op);
hd_api_rc_t hd_api_attachments_list(hd_op_t *op);
hd_api_rc_t hd_api_attachments_get(hd_op_t *op);
hd_api_rc_t hd_api_workflow_put(hd_op_t *op);

/* hd_api_email.c */
hd_api_rc_t hd_api_email_webhook(hd_op_t *op);
hd_api_rc_t hd_api_email_quarantine(hd_op_t *op);
hd_api_rc_t hd_api_email_retry(hd_op_t *op);

/* hd_api_mailboxes.c */
hd_api_rc_t hd_api_mailboxes_list(hd_op_t *op);
hd_api_rc_t hd_api_mailboxes_create(hd_op_t *op);
hd_api_rc_t hd_api_mailboxes_update(hd_op_t *op);
hd_api_rc_t hd_api_mailboxes_delete(hd_op_t *op);

/* hd_api_custom_fields.c */
hd_api_rc_t hd_api_custom_fields_list(hd_op_t *op);
hd_api_rc_t hd_api_custom_fields_admin_list(hd_op_t *op);
hd_api_rc_t hd_api_custom_fields_create(hd_op_t *op);
hd_api_rc_t hd_api_custom_fields_update(hd_op_t *op);
hd_api_rc_t hd_api_custom_fields_delete(hd_op_t *op);

/* hd_api_branding.c */
hd_api_rc_t hd_api_branding_get(hd_op_t *op);
hd_api_rc_t hd_api_branding_logo(hd_op_t *op);
hd_api_rc_t hd_api_branding_update(hd_op_t *op);
hd_api_rc_t hd_api_csat_get(hd_op_t *op);
hd_api_rc_t hd_api_csat_answer(hd_op_t *op);

/*
 * The type of a logo judged from its first bytes: "image/png",
 * "image/jpeg" or "image/svg+xml" (text whose first tag is <svg), else NULL.
 */
const char *hd_brand_logo_type(const unsigned char *p, size_t n);
hd_api_rc_t hd_api_calendars_list(hd_op_t *op);
hd_api_rc_t hd_api_calendars_create(hd_op_t *op);
hd_api_rc_t hd_api_calendars_update(hd_op_t *op);
hd_api_rc_t hd_api_slas_list(hd_op_t *op);
hd_api_rc_t hd_api_slas_create(hd_op_t *op);
hd_api_rc_t hd_api_slas_update(hd_op_t *op);
hd_api_rc_t hd_api_tickets_sla(hd_op_t *op);
hd_api_rc_t hd_api_replies_list(hd_op_t *op);
hd_api_rc_t hd_api_replies_create(hd_op_t *op);
hd_api_rc_t hd_api_replies_update(hd_op_t *op);
hd_api_rc_t hd_api_replies_delete(hd_op_t *op);
hd_api_rc_t hd_api_replies_render(hd_op_t *op);

/*
 * The principal as GET /api/me and the login answer show it: the members
 * of a JSON object, without its braces.
 */
void hd_api_principal_render(hd_op_t *op, hd_buf_t *b);

/* 204 No Content. */
hd_api_rc_t hd_api_no_content(hd_op_t *op);

/* Runs the route's handler once the caller is known and allowed. */
hd_api_rc_t hd_api_dispatch(hd_op_t *op);

/*
 * Starts a plan: sql with its decode step.  Parameters are appended with
 * hd_plan_param()/hd_plan_paramf(); NULL is SQL NULL.
 */
void hd_plan_start(hd_plan_t *plan, const char *sql,
    hd_api_rc_t (*decode)(hd_op_t *op, const PGresult *res));
void hd_plan_param(hd_plan_t *plan, const char *value);
void hd_plan_paramn(hd_plan_t *plan, const char *value, size_t len);
void hd_plan_paramf(hd_plan_t *plan, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void hd_plan_param_bytea(hd_plan_t *plan, const unsigned char *data,
    size_t len);

/*
 * The version the request's If-Match names ("3"), or -1 after answering
 * 428 with detail what (no If-Match) or 400 (not a version).
 */
long hd_api_if_match(hd_op_t *op, const char *what);

/* Checks that the plan's parameters fit; answers 500 when they did not. */
hd_api_rc_t hd_plan_query(hd_op_t *op);

/* Answers with doc (taken over) as application/json. */
hd_api_rc_t hd_api_json(hd_op_t *op, int status, cJSON *doc);

/* Answers with the JSON text in b (taken over). */
hd_api_rc_t hd_api_json_buf(hd_op_t *op, int status, hd_buf_t *b);

/* Answers with JSON text the database rendered (column 0 of row 0). */
hd_api_rc_t hd_api_json_text(hd_op_t *op, int status, const PGresult *res);

/* The parsed request body (JSON routes), or NULL. */
cJSON *hd_api_body(hd_op_t *op);

/*
 * Checks that every member of the body object is one of the allowed names;
 * otherwise answers 400 naming the first unknown one and returns 0.
 */
int hd_api_body_only(hd_op_t *op, const char *const *allowed);

/* 400 with an errors entry for one field. */
hd_api_rc_t hd_api_field_error(hd_op_t *op, const char *field,
    const char *message);

/*
 * Decodes the (status, body) row the write functions of the tickets
 * schema answer: 2xx sends body as JSON, 4xx a problem whose members come
 * from body (detail, errors, and any others such as current_version).
 */
hd_api_rc_t hd_api_envelope(hd_op_t *op, const PGresult *res);

/*
 * Answers with the problem for HTTP status (400, 404, 409, 422 …), its
 * detail and errors taken from ext_json, an object whose other members are
 * added to the problem document as they are.  ext_json may be NULL.
 */
hd_api_rc_t hd_api_fail_ext(hd_op_t *op, int status, const char *ext_json);

/*
 * Step one of every route on one ticket (hd_api_tickets.c): parses the
 * path's first parameter (an id or TKT-n) and loads the ticket with the
 * caller's relations to it (ticket_access()); next decides, starting with
 * hd_api_ticket_loaded().
 */
hd_api_rc_t hd_api_ticket_load(hd_op_t *op,
    hd_api_rc_t (*next)(hd_op_t *op, const PGresult *res));

/*
 * Reads ticket_access()'s row into op->u.ticket.  Returns 0 (answering
 * 404) when there was none.
 */
int hd_api_ticket_loaded(hd_op_t *op, const PGresult *res);

/* The caller's relations (HD_REL_*) from the four boolean columns that
   start at col: is_requester, is_watcher, is_assignee, in_team. */
unsigned hd_api_ticket_rels(const PGresult *res, int col);

/*
 * The policy's answer for action on the loaded ticket; on a refusal the
 * response is set (403, or 404 when the caller may not see the ticket)
 * and 0 returned.
 */
int hd_api_ticket_allowed(hd_op_t *op, hd_rbac_action_t action);

/* The principal's roles as a SQL text[] literal is not needed: see SQL. */

/* The Set-Cookie value for a session (or, with s NULL, one that clears). */
char *hd_api_session_cookie(const hd_req_t *req, const hd_session_t *s);

/* The role set named by a PGresult text[] value ("{agent,admin}"). */
hd_roles_t hd_api_roles_from_array(const char *text);

#endif /* HD_API_INT_H */
