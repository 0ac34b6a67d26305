/*
 * Saved replies: canned answers with placeholders.
 *
 *   GET    /api/saved-replies
 *   POST   /api/saved-replies            {"title", "body_md", "shared"?}
 *   PATCH  /api/saved-replies/{id}       {"title"?, "body_md"?}, If-Match
 *   DELETE /api/saved-replies/{id}
 *   POST   /api/tickets/{id}/saved-replies/{reply_id}/render
 *
 * Every route needs saved_reply.use (the route table's check: agents and
 * up, requesters 403).  A caller uses the shared replies and their own;
 * someone else's personal reply answers 404 as if it did not exist, to
 * admins too.  Sharing a reply, and changing or deleting a shared one,
 * also needs saved_reply.admin (403); one's own needs nothing more.
 *
 * A body's placeholders are checked against hd_reply_vars below before
 * anything is written (an unknown one is 400 naming it), and filled in
 * here, for a ticket the caller may read, from one row of
 * saved_reply_render_values() and the caller's principal.  The writes are
 * the functions of migrations/0009_saved_replies.sql, each with its audit
 * event; they answer (status, body), decoded by hd_api_envelope().
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_api_int.h"
#include "hd_tmpl.h"


#define HD_REPLY_TITLE_MAX_CHARS   200
#define HD_REPLY_BODY_MAX_CHARS    20000
#define HD_REPLY_RENDER_MAX_CHARS  100000   /* what a comment may hold */
#define HD_REPLY_ISSUES_MAX        10


/* The placeholders a saved reply may use. */
typedef enum {
    HD_REPLY_TICKET_NUMBER = 0,
    HD_REPLY_TICKET_TITLE,
    HD_REPLY_TICKET_STATUS,
    HD_REPLY_TICKET_PRIORITY,
    HD_REPLY_REQUESTER_NAME,
    HD_REPLY_REQUESTER_FIRST_NAME,
    HD_REPLY_REQUESTER_EMAIL,
    HD_REPLY_AGENT_NAME,
    HD_REPLY_AGENT_FIRST_NAME,
    HD_REPLY_AGENT_EMAIL,
    HD_REPLY_VAR_COUNT
} hd_reply_var_t;

static const char *const  hd_reply_vars[HD_REPLY_VAR_COUNT] = {
    "ticket.number",            /* TKT-42 */
    "ticket.title",
    "ticket.status",            /* its label: "In Progress" */
    "ticket.priority",          /* P1 … P4 */
    "requester.name",
    "requester.first_name",     /* the name's first word */
    "requester.email",
    "agent.name",               /* the caller */
    "agent.first_name",
    "agent.email",
};


/* columns of saved_reply_render_values() */
enum {
    HD_RV_BODY = 0,
    HD_RV_TICKET_NUMBER,
    HD_RV_TICKET_TITLE,
    HD_RV_TICKET_STATUS,
    HD_RV_TICKET_PRIORITY,
    HD_RV_REQUESTER_NAME,
    HD_RV_REQUESTER_EMAIL
};

/* columns of saved_reply_access() */
enum {
    HD_RA_ID = 0,
    HD_RA_SHARED,
    HD_RA_IS_OWNER,
    HD_RA_VERSION
};


/* The lookup that knows hd_reply_vars' names (as ""), for checking. */
static const char *
hd_reply_known(void *data, const char *name, size_t len)
{
    int  i;

    (void) data;

    for (i = 0; i < HD_REPLY_VAR_COUNT; i++) {
        if (strlen(hd_reply_vars[i]) == len
            && memcmp(hd_reply_vars[i], name, len) == 0)
        {
            return "";
        }
    }

    return NULL;
}


static int
hd_reply_may_admin(hd_op_t *op)
{
    return hd_rbac_decide(op->me.roles, HD_RBAC_SAVED_REPLY_ADMIN,
                          HD_REL_NONE, op->req->scope) == HD_RBAC_ALLOW;
}


/* The number of UTF-8 characters in s, or 0 when s is blank. */
static size_t
hd_reply_chars(const char *s)
{
    size_t  n;

    for ( /* void */ ; *s == ' ' || *s == '\n' || *s == '\t' || *s == '\r';
         s++)
    {
        /* void */
    }

    for (n = 0; *s != '\0'; s++) {
        n += ((unsigned char) *s & 0xc0) != 0x80;
    }

    return n;
}


static void
hd_reply_error(cJSON *errs, const char *field, const char *message,
    const char *placeholder)
{
    cJSON  *e;

    e = cJSON_CreateObject();
    if (e == NULL) {
        return;
    }

    cJSON_AddStringToObject(e, "field", field);
    cJSON_AddStringToObject(e, "message", message);

    if (placeholder != NULL) {
        cJSON_AddStringToObject(e, "placeholder", placeholder);
    }

    cJSON_AddItemToArray(errs, e);
}


/*
 * Checks the body's text field (title or body_md) of at most max
 * characters: absent is fine unless required.  Adds to errs what is wrong.
 * Returns the text, or NULL when absent or wrong.
 */
static const char *
hd_reply_text(hd_op_t *op, cJSON *errs, const char *field, size_t max,
    int required)
{
    char    msg[128];
    cJSON  *v;
    size_t  n;

    v = cJSON_GetObjectItemCaseSensitive(hd_api_body(op), field);

    if (v == NULL && !required) {
        return NULL;
    }

    n = cJSON_IsString(v) ? hd_reply_chars(v->valuestring) : 0;

    if (n == 0 || n > max) {
        snprintf(msg, sizeof(msg), "%s is 1 to %zu characters, not blank",
                 field, max);
        hd_reply_error(errs, field, msg, NULL);
        return NULL;
    }

    return v->valuestring;
}


/*
 * Adds to errs the placeholders of body that are not one of hd_reply_vars
 * or not placeholders at all, each unknown name once.
 */
static void
hd_reply_check_placeholders(cJSON *errs, const char *body)
{
    char              msg[HD_TMPL_NAME_MAX + 96];
    size_t            n, i, j;
    hd_tmpl_issue_t   issues[HD_REPLY_ISSUES_MAX];

    n = hd_tmpl_check(body, strlen(body), hd_reply_known, NULL, issues,
                      HD_REPLY_ISSUES_MAX);

    for (i = 0; i < n && i < HD_REPLY_ISSUES_MAX; i++) {

        switch (issues[i].kind) {

        case HD_TMPL_UNKNOWN:
            for (j = 0; j < i; j++) {
                if (strcmp(issues[j].name, issues[i].name) == 0) {
                    break;
                }
            }

            if (j < i) {
                continue;
            }

            snprintf(msg, sizeof(msg), "unknown placeholder {{%s}}",
                     issues[i].name);
            hd_reply_error(errs, "body_md", msg, issues[i].name);
            break;

        case HD_TMPL_UNTERMINATED:
            snprintf(msg, sizeof(msg), "the {{ at byte %zu is never closed "
                     "with }}", issues[i].offset);
            hd_reply_error(errs, "body_md", msg, NULL);
            break;

        default:
            snprintf(msg, sizeof(msg), "the {{ … }} at byte %zu holds no "
                     "placeholder name", issues[i].offset);
            hd_reply_error(errs, "body_md", msg, NULL);
            break;
        }
    }
}


/*
 * Answers 400 with errs (taken over) when it holds any error, listing the
 * placeholders there are; returns 0 then, else 1.
 */
static int
hd_reply_errors_none(hd_op_t *op, cJSON *errs)
{
    int     i;
    char   *text;
    cJSON  *ext, *first, *known;

    if (cJSON_GetArraySize(errs) == 0) {
        cJSON_Delete(errs);
        return 1;
    }

    ext = cJSON_CreateObject();
    known = cJSON_CreateArray();
    first = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(errs, 0),
                                             "message");
    text = NULL;

    if (ext != NULL && known != NULL) {
        cJSON_AddStringToObject(ext, "detail", cJSON_GetStringValue(first));
        cJSON_AddItemToObject(ext, "errors", errs);
        errs = NULL;

        for (i = 0; i < HD_REPLY_VAR_COUNT; i++) {
            cJSON_AddItemToArray(known, cJSON_CreateString(hd_reply_vars[i]));
        }

        cJSON_AddItemToObject(ext, "placeholders", known);
        known = NULL;
        text = cJSON_PrintUnformatted(ext);
    }

    cJSON_Delete(errs);
    cJSON_Delete(known);
    cJSON_Delete(ext);

    if (text == NULL) {
        hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
        return 0;
    }

    hd_api_fail_ext(op, 400, text);
    free(text);

    return 0;
}


/* GET /api/saved-replies */

static hd_api_rc_t
hd_api_replies_listed(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 200, res);
}


hd_api_rc_t
hd_api_replies_list(hd_op_t *op)
{
    hd_plan_start(&op->plan, "select saved_replies_list($1::uuid)::text",
                  hd_api_replies_listed);
    hd_plan_param(&op->plan, op->me.user_id);

    return hd_plan_query(op);
}


/* POST /api/saved-replies {"title", "body_md", "shared"?} */

hd_api_rc_t
hd_api_replies_create(hd_op_t *op)
{
    cJSON       *errs, *shared;
    const char  *title, *body;
    static const char *const  fields[] = { "title", "body_md", "shared",
                                           NULL };

    if (!hd_api_body_only(op, fields)) {
        return HD_API_RESPOND;
    }

    errs = cJSON_CreateArray();
    if (errs == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    title = hd_reply_text(op, errs, "title", HD_REPLY_TITLE_MAX_CHARS, 1);
    body = hd_reply_text(op, errs, "body_md", HD_REPLY_BODY_MAX_CHARS, 1);

    if (body != NULL) {
        hd_reply_check_placeholders(errs, body);
    }

    shared = cJSON_GetObjectItemCaseSensitive(hd_api_body(op), "shared");

    if (shared != NULL && !cJSON_IsBool(shared)) {
        hd_reply_error(errs, "shared", "shared is true or false", NULL);
    }

    if (!hd_reply_errors_none(op, errs)) {
        return HD_API_RESPOND;
    }

    if (cJSON_IsTrue(shared) && !hd_reply_may_admin(op)) {
        return hd_api_fail(op, HD_PROBLEM_FORBIDDEN, "sharing a reply with "
                           "every agent needs saved_reply.admin", NULL);
    }

    hd_plan_start(&op->plan, "select status, body::text from "
                  "saved_reply_create($1::uuid, $2::boolean, $3, $4, "
                  "$5::inet, $6)", hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_param(&op->plan, cJSON_IsTrue(shared) ? "true" : "false");
    hd_plan_param(&op->plan, title);
    hd_plan_param(&op->plan, body);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}


/*
 * Step one of PATCH and DELETE: loads how the caller stands to the reply
 * named by the path; next decides, starting with hd_reply_may_change().
 */
static hd_api_rc_t
hd_reply_load(hd_op_t *op,
    hd_api_rc_t (*next)(hd_op_t *op, const PGresult *res))
{
    const hd_str_t  *id;

    id = &op->req->match->params[0];

    hd_plan_start(&op->plan, "select id, shared, is_owner, version from "
                  "saved_reply_access($1::uuid, $2::uuid)", next);
    hd_plan_paramn(&op->plan, id->data, id->len);
    hd_plan_param(&op->plan, op->me.user_id);

    return hd_plan_query(op);
}


/*
 * Whether the caller may change or delete the reply saved_reply_access()
 * answered with: their own, or a shared one with saved_reply.admin.  On a
 * refusal the response is set (404 for a reply they may not see, 403 for
 * a shared one) and 0 returned.
 */
static int
hd_reply_may_change(hd_op_t *op, const PGresult *res)
{
    if (PQntuples(res) != 1) {
        hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
        return 0;
    }

    if (*PQgetvalue(res, 0, HD_RA_SHARED) == 't') {
        if (hd_reply_may_admin(op)) {
            return 1;
        }

        hd_api_fail(op, HD_PROBLEM_FORBIDDEN, "changing a shared reply "
                    "needs saved_reply.admin", NULL);
        return 0;
    }

    if (*PQgetvalue(res, 0, HD_RA_IS_OWNER) == 't') {
        return 1;
    }

    hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    return 0;
}


/* PATCH /api/saved-replies/{id} {"title"?, "body_md"?}, If-Match */

static hd_api_rc_t
hd_api_replies_update_loaded(hd_op_t *op, const PGresult *res)
{
    long    version;
    char    ext[128];
    cJSON  *body;

    if (!hd_reply_may_change(op, res)) {
        return HD_API_RESPOND;
    }

    version = atol(PQgetvalue(res, 0, HD_RA_VERSION));

    if (op->u.reply.if_match != version) {
        snprintf(ext, sizeof(ext), "{\"detail\":\"the saved reply is at "
                 "version %ld, not %ld\",\"current_version\":%ld}", version,
                 op->u.reply.if_match, version);
        return hd_api_fail_ext(op, 409, ext);
    }

    body = hd_api_body(op);

    hd_plan_start(&op->plan, "select status, body::text from "
                  "saved_reply_update($1::uuid, $2::uuid, $3::int, $4, $5, "
                  "$6::inet, $7)", hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_param(&op->plan, PQgetvalue(res, 0, HD_RA_ID));
    hd_plan_paramf(&op->plan, "%ld", op->u.reply.if_match);
    hd_plan_param(&op->plan, cJSON_GetStringValue(
                      cJSON_GetObjectItemCaseSensitive(body, "title")));
    hd_plan_param(&op->plan, cJSON_GetStringValue(
                      cJSON_GetObjectItemCaseSensitive(body, "body_md")));
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_replies_update(hd_op_t *op)
{
    cJSON            *errs;
    const char       *title, *body;
    const hd_str_t   *id;
    static const char *const  fields[] = { "title", "body_md", NULL };

    id = &op->req->match->params[0];

    if (!hd_uuid_valid(id->data, id->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    /* the body on its own first: a bad one changes nothing, anywhere */

    if (!hd_api_body_only(op, fields)) {
        return HD_API_RESPOND;
    }

    errs = cJSON_CreateArray();
    if (errs == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    title = hd_reply_text(op, errs, "title", HD_REPLY_TITLE_MAX_CHARS, 0);
    body = hd_reply_text(op, errs, "body_md", HD_REPLY_BODY_MAX_CHARS, 0);

    if (body != NULL) {
        hd_reply_check_placeholders(errs, body);
    }

    if (cJSON_GetArraySize(errs) == 0 && title == NULL && body == NULL) {
        hd_reply_error(errs, "", "give title and/or body_md to change",
                       NULL);
    }

    if (!hd_reply_errors_none(op, errs)) {
        return HD_API_RESPOND;
    }

    if (op->req->if_match == NULL) {
        return hd_api_fail(op, HD_PROBLEM_PRECONDITION_REQUIRED,
                           "send If-Match with the saved reply's version",
                           NULL);
    }

    op->u.reply.if_match = hd_ticket_if_match(op->req->if_match,
                                              op->req->if_match_len);
    if (op->u.reply.if_match < 0) {
        return hd_api_field_error(op, "If-Match", "If-Match is the saved "
                                  "reply's version, e.g. \"3\"");
    }

    return hd_reply_load(op, hd_api_replies_update_loaded);
}


/* DELETE /api/saved-replies/{id} */

static hd_api_rc_t
hd_api_replies_delete_loaded(hd_op_t *op, const PGresult *res)
{
    if (!hd_reply_may_change(op, res)) {
        return HD_API_RESPOND;
    }

    hd_plan_start(&op->plan, "select status, body::text from "
                  "saved_reply_delete($1::uuid, $2::uuid, $3::inet, $4)",
                  hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_param(&op->plan, PQgetvalue(res, 0, HD_RA_ID));
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_replies_delete(hd_op_t *op)
{
    const hd_str_t  *id;

    id = &op->req->match->params[0];

    if (!hd_uuid_valid(id->data, id->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    return hd_reply_load(op, hd_api_replies_delete_loaded);
}


/* POST /api/tickets/{id}/saved-replies/{reply_id}/render */

/* The first word of a display name ("Ann" of "Ann Example"), in buf. */
static const char *
hd_reply_first_name(const char *name, char *buf, size_t size)
{
    size_t  n;

    while (*name == ' ' || *name == '\t') {
        name++;
    }

    for (n = 0; name[n] != '\0' && name[n] != ' ' && name[n] != '\t'
                && n + 1 < size; n++)
    {
        buf[n] = name[n];
    }

    buf[n] = '\0';

    return buf;
}


static hd_api_rc_t
hd_api_replies_rendered(hd_op_t *op, const PGresult *res)
{
    int              i;
    char            *text, requester_first[201], agent_first[201];
    size_t           len;
    hd_buf_t         b;
    const char      *v[HD_REPLY_VAR_COUNT];
    hd_tmpl_rc_t     rc;
    hd_tmpl_var_t    vars[HD_REPLY_VAR_COUNT + 1];

    if (PQntuples(res) != 1) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    v[HD_REPLY_TICKET_NUMBER] = PQgetvalue(res, 0, HD_RV_TICKET_NUMBER);
    v[HD_REPLY_TICKET_TITLE] = PQgetvalue(res, 0, HD_RV_TICKET_TITLE);
    v[HD_REPLY_TICKET_STATUS] = PQgetvalue(res, 0, HD_RV_TICKET_STATUS);
    v[HD_REPLY_TICKET_PRIORITY] = PQgetvalue(res, 0, HD_RV_TICKET_PRIORITY);
    v[HD_REPLY_REQUESTER_NAME] = PQgetvalue(res, 0, HD_RV_REQUESTER_NAME);
    v[HD_REPLY_REQUESTER_FIRST_NAME] =
        hd_reply_first_name(v[HD_REPLY_REQUESTER_NAME], requester_first,
                            sizeof(requester_first));
    v[HD_REPLY_REQUESTER_EMAIL] = PQgetvalue(res, 0, HD_RV_REQUESTER_EMAIL);
    v[HD_REPLY_AGENT_NAME] = op->me.display_name;
    v[HD_REPLY_AGENT_FIRST_NAME] =
        hd_reply_first_name(op->me.display_name, agent_first,
                            sizeof(agent_first));
    v[HD_REPLY_AGENT_EMAIL] = op->me.email;

    for (i = 0; i < HD_REPLY_VAR_COUNT; i++) {
        vars[i].name = hd_reply_vars[i];
        vars[i].value = v[i];
    }

    vars[HD_REPLY_VAR_COUNT].name = NULL;
    vars[HD_REPLY_VAR_COUNT].value = NULL;

    /* up to 4 bytes a character: the character count follows */

    rc = hd_tmpl_render(PQgetvalue(res, 0, HD_RV_BODY),
                        (size_t) PQgetlength(res, 0, HD_RV_BODY),
                        hd_tmpl_vars_lookup, vars, HD_TMPL_ESCAPE_NONE,
                        4 * HD_REPLY_RENDER_MAX_CHARS, &text, &len);

    if (rc == HD_TMPL_NO_MEMORY) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    if (rc == HD_TMPL_TOO_BIG
        || hd_reply_chars(text) > HD_REPLY_RENDER_MAX_CHARS)
    {
        free(text);
        return hd_api_fail(op, HD_PROBLEM_UNPROCESSABLE, "for this ticket "
                           "the reply would be longer than a comment may "
                           "be (100000 characters)", NULL);
    }

    hd_buf_init(&b, len + 32);
    hd_buf_adds(&b, "{");
    hd_buf_json_key(&b, "body_md");
    hd_buf_json_string(&b, text);
    hd_buf_adds(&b, "}");
    free(text);

    return hd_api_json_buf(op, 200, &b);
}


static hd_api_rc_t
hd_api_replies_render_loaded(hd_op_t *op, const PGresult *res)
{
    const hd_str_t  *reply;

    if (!hd_api_ticket_loaded(op, res)
        || !hd_api_ticket_allowed(op, HD_RBAC_TICKET_READ))
    {
        return HD_API_RESPOND;
    }

    reply = &op->req->match->params[1];

    hd_plan_start(&op->plan, "select body_md, ticket_number, ticket_title, "
                  "ticket_status, ticket_priority, requester_name, "
                  "requester_email from saved_reply_render_values($1::uuid, "
                  "$2::uuid, $3::uuid)", hd_api_replies_rendered);
    hd_plan_paramn(&op->plan, reply->data, reply->len);
    hd_plan_param(&op->plan, op->u.ticket.id);
    hd_plan_param(&op->plan, op->me.user_id);

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_replies_render(hd_op_t *op)
{
    const hd_str_t  *reply;

    reply = &op->req->match->params[1];

    if (!hd_uuid_valid(reply->data, reply->len)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    return hd_api_ticket_load(op, hd_api_replies_render_loaded);
}
