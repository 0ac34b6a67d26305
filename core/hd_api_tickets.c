/*
 * Tickets: create, list, read, change, comment, timeline, audit trail.
 *
 * Every route on one ticket takes two steps.  The first loads the ticket
 * (by id or TKT-number) with the caller's relations to it
 * (ticket_access(), which also confirms a cached principal, so a caller
 * with a known token needs no round trip of its own); the RBAC policy then
 * decides, so a ticket the caller may not see answers 404 exactly like one
 * that does not exist.  GET answers with the document the first step read;
 * by id, that step reads only the ticket's own row (ticket_read()), and
 * the people, the team and the principal's confirmation come from the
 * process's cache (hd_dircache.h).
 * Otherwise the second runs the operation: a read, or one write function of
 * migrations/0004_tickets.sql that also records status history, the audit
 * event and the outbox jobs in the same statement.  The write functions
 * answer (status, body), decoded by hd_api_envelope().
 *
 * The list is one step: the policy's answer becomes the set of relations
 * under which the caller reads tickets (all of them, or requester/watcher,
 * or also assignee/team), and keyset pagination runs on (sort key, id).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_api_int.h"
#include "hd_dircache.h"
#include "hd_ticket.h"


#define HD_COMMENT_MAX_CHARS  100000


/* columns of ticket_access(): the access, then the rest of the document */
enum {
    HD_TA_FRESH = 0,
    HD_TA_ID,
    HD_TA_VERSION,
    HD_TA_STATUS,
    HD_TA_IS_REQUESTER,
    HD_TA_IS_WATCHER,
    HD_TA_IS_ASSIGNEE,
    HD_TA_IN_TEAM,
    HD_TA_NUMBER,
    HD_TA_TITLE,
    HD_TA_PRIORITY,
    HD_TA_URGENCY,
    HD_TA_CATEGORY,
    HD_TA_SUBCATEGORY,
    HD_TA_REQUESTER_ID,
    HD_TA_ASSIGNEE_ID,
    HD_TA_TEAM_ID,
    HD_TA_SOURCE,
    HD_TA_SCHEDULED_AT,
    HD_TA_DUE_AT,
    HD_TA_CREATED_AT,
    HD_TA_UPDATED_AT,
    HD_TA_SLA,
    HD_TA_DESCRIPTION,
    HD_TA_CUSTOM_JSON,
    HD_TA_REQUESTER,
    HD_TA_ASSIGNEE,
    HD_TA_TEAM,
    HD_TA_DIRECTORY_GEN,        /* GET's statements only */
    HD_TA_COLUMNS
};

/*
 * Every route on one ticket starts with ticket_access(), which also
 * confirms the caller's principal (hd_api_plan_caller: $3, $4; $5 the
 * caller's teams); GET reads the whole document with it.  Both are
 * prepared once per connection.
 *
 *   $1 id   $2 number   $3 caller   $4 authz_version   $5 teams
 */
#define HD_TA_FROM                                                           \
    " from ticket_access($1::uuid, $2::bigint, $3::uuid, $4::bigint, "       \
    "$5::uuid[])"

static const char  hd_ticket_access_name[] = "hd_ticket_access";
static const char  hd_ticket_access_sql[] =
    "select fresh, id, version, status, is_requester, is_watcher, "
    "is_assignee, in_team" HD_TA_FROM;

/*
 * GET by id reads with ticket_read() (0026, 0027): the ticket's own columns
 * and the directory generation, without the caller's relations, the people
 * and the team, and without a check of the principal.  The process's
 * directory cache has the people and the team, and vouches for the
 * principal when it was confirmed at the generation read
 * (hd_dircache_principal_ok()); core compares the row's ids with the
 * caller's.  When the cache does not vouch or has not the people, when the
 * policy needs the watcher relation, or when the statement found nothing,
 * GET reads again with ticket_access() and every column, which answers
 * those cases, confirms the principal and fills the cache; so does GET by
 * number, and GET by a principal the cache does not vouch for, at once.
 * Both return the directory generation their snapshot saw as the last
 * column.
 *
 *   $1 id
 */
static const char  hd_ticket_read_name[] = "hd_ticket_row";
static const char  hd_ticket_read_sql[] =
    "select * from ticket_read($1::uuid)";

/* columns of ticket_read() */
enum {
    HD_TR_ID = 0,
    HD_TR_VERSION,
    HD_TR_STATUS,
    HD_TR_NUMBER,
    HD_TR_TITLE,
    HD_TR_PRIORITY,
    HD_TR_URGENCY,
    HD_TR_CATEGORY,
    HD_TR_SUBCATEGORY,
    HD_TR_REQUESTER_ID,
    HD_TR_ASSIGNEE_ID,
    HD_TR_TEAM_ID,
    HD_TR_SOURCE,
    HD_TR_SCHEDULED_AT,
    HD_TR_DUE_AT,
    HD_TR_CREATED_AT,
    HD_TR_UPDATED_AT,
    HD_TR_SLA,
    HD_TR_DESCRIPTION,
    HD_TR_CUSTOM_JSON,
    HD_TR_DIRECTORY_GEN,
    HD_TR_COLUMNS
};

static const char  hd_ticket_get_name[] = "hd_ticket_get";
static const char  hd_ticket_get_sql[] =
    "select *, (select d.gen from directory_gen d)" HD_TA_FROM;


/*
 * The ticket's document as GET /api/tickets/{id} answers it, each member
 * from a column of ticket_access(): the members of ticket_json() (0004,
 * 0008), which the write functions answer with.  The two are kept alike by
 * t/tickets/get_answers_the_document_the_writes_answer.t.
 */
typedef enum {
    HD_TD_STRING = 0,       /* text, as a JSON string */
    HD_TD_JSON,             /* JSON already: numbers, timestamps, objects */
    HD_TD_NUMBER            /* the ticket number, as "TKT-<n>" */
} hd_ticket_doc_kind_t;

typedef struct {
    const char            *key;
    int                    col;         /* of ticket_access() */
    int                    read_col;    /* of ticket_read(), or -1: the
                                           directory cache has it */
    hd_ticket_doc_kind_t   kind;
} hd_ticket_doc_member_t;

static const hd_ticket_doc_member_t  hd_ticket_doc[] = {
    { "id",           HD_TA_ID,            HD_TR_ID,            HD_TD_STRING },
    { "number",       HD_TA_NUMBER,        HD_TR_NUMBER,        HD_TD_NUMBER },
    { "title",        HD_TA_TITLE,         HD_TR_TITLE,         HD_TD_STRING },
    { "status",       HD_TA_STATUS,        HD_TR_STATUS,        HD_TD_STRING },
    { "priority",     HD_TA_PRIORITY,      HD_TR_PRIORITY,      HD_TD_STRING },
    { "urgency",      HD_TA_URGENCY,       HD_TR_URGENCY,       HD_TD_JSON },
    { "category",     HD_TA_CATEGORY,      HD_TR_CATEGORY,      HD_TD_STRING },
    { "subcategory",  HD_TA_SUBCATEGORY,   HD_TR_SUBCATEGORY,   HD_TD_STRING },
    { "requester_id", HD_TA_REQUESTER_ID,  HD_TR_REQUESTER_ID,  HD_TD_STRING },
    { "assignee_id",  HD_TA_ASSIGNEE_ID,   HD_TR_ASSIGNEE_ID,   HD_TD_STRING },
    { "team_id",      HD_TA_TEAM_ID,       HD_TR_TEAM_ID,       HD_TD_STRING },
    { "source",       HD_TA_SOURCE,        HD_TR_SOURCE,        HD_TD_STRING },
    { "scheduled_at", HD_TA_SCHEDULED_AT,  HD_TR_SCHEDULED_AT,  HD_TD_JSON },
    { "due_at",       HD_TA_DUE_AT,        HD_TR_DUE_AT,        HD_TD_JSON },
    { "version",      HD_TA_VERSION,       HD_TR_VERSION,       HD_TD_JSON },
    { "created_at",   HD_TA_CREATED_AT,    HD_TR_CREATED_AT,    HD_TD_JSON },
    { "updated_at",   HD_TA_UPDATED_AT,    HD_TR_UPDATED_AT,    HD_TD_JSON },
    { "sla",          HD_TA_SLA,           HD_TR_SLA,           HD_TD_JSON },
    { "description",  HD_TA_DESCRIPTION,   HD_TR_DESCRIPTION,   HD_TD_STRING },
    { "custom_json",  HD_TA_CUSTOM_JSON,   HD_TR_CUSTOM_JSON,   HD_TD_JSON },
    { "requester",    HD_TA_REQUESTER,     -1,                  HD_TD_JSON },
    { "assignee",     HD_TA_ASSIGNEE,      -1,                  HD_TD_JSON },
    { "team",         HD_TA_TEAM,          -1,                  HD_TD_JSON },
};


hd_api_rc_t
hd_api_fail_ext(hd_op_t *op, int status, const char *ext_json)
{
    char          *errors, *text;
    cJSON         *ext, *doc, *item, *detail;
    hd_problem_t   p;

    switch (status) {
    case 400: p = HD_PROBLEM_BAD_REQUEST; break;
    case 403: p = HD_PROBLEM_FORBIDDEN; break;
    case 404: p = HD_PROBLEM_NOT_FOUND; break;
    case 409: p = HD_PROBLEM_CONFLICT; break;
    case 410: p = HD_PROBLEM_GONE; break;
    case 422: p = HD_PROBLEM_UNPROCESSABLE; break;
    case 428: p = HD_PROBLEM_PRECONDITION_REQUIRED; break;
    default: p = HD_PROBLEM_INTERNAL; break;
    }

    ext = ext_json != NULL ? cJSON_Parse(ext_json) : NULL;
    detail = cJSON_GetObjectItemCaseSensitive(ext, "detail");
    item = cJSON_GetObjectItemCaseSensitive(ext, "errors");
    errors = cJSON_IsArray(item) ? cJSON_PrintUnformatted(item) : NULL;

    hd_api_fail(op, p, cJSON_IsString(detail) ? detail->valuestring : NULL,
                errors);
    free(errors);

    if (!cJSON_IsObject(ext) || op->resp.status >= 500) {
        cJSON_Delete(ext);
        return HD_API_RESPOND;
    }

    /* the problem's other members: current_version, allowed, … */

    doc = cJSON_ParseWithLength(op->resp.body, op->resp.body_len);
    text = NULL;

    if (doc != NULL) {
        cJSON_ArrayForEach(item, ext) {
            if (strcmp(item->string, "detail") != 0
                && strcmp(item->string, "errors") != 0
                && cJSON_GetObjectItemCaseSensitive(doc, item->string)
                   == NULL)
            {
                cJSON_AddItemToObject(doc, item->string,
                                      cJSON_Duplicate(item, 1));
            }
        }

        text = cJSON_PrintUnformatted(doc);
        cJSON_Delete(doc);
    }

    if (text != NULL) {
        free(op->resp.body);
        op->resp.body = text;
        op->resp.body_len = strlen(text);
    }

    cJSON_Delete(ext);
    return HD_API_RESPOND;
}


/* Answers with column col of row 0 as a JSON document. */
static hd_api_rc_t
hd_api_ticket_text(hd_op_t *op, int status, const PGresult *res, int col)
{
    char    *text;
    size_t   len;

    if (PQntuples(res) < 1 || PQnfields(res) <= col
        || PQgetisnull(res, 0, col))
    {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    len = (size_t) PQgetlength(res, 0, col);
    text = malloc(len + 1);
    if (text == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    memcpy(text, PQgetvalue(res, 0, col), len + 1);

    free(op->resp.body);
    op->resp.status = status;
    op->resp.content_type = "application/json";
    op->resp.body = text;
    op->resp.body_len = len;

    return HD_API_RESPOND;
}


hd_api_rc_t
hd_api_envelope(hd_op_t *op, const PGresult *res)
{
    int  status;

    if (PQntuples(res) != 1 || PQnfields(res) != 2) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    status = atoi(PQgetvalue(res, 0, 0));

    if (status == 204) {
        return hd_api_no_content(op);
    }

    if (status >= 200 && status < 300) {
        return hd_api_ticket_text(op, status, res, 1);
    }

    return hd_api_fail_ext(op, status, PQgetisnull(res, 0, 1)
                                       ? NULL : PQgetvalue(res, 0, 1));
}


static hd_api_rc_t
hd_api_ticket_field_error(hd_op_t *op, const hd_ticket_error_t *err)
{
    return hd_api_field_error(op, err->field, err->message);
}


/*
 * The policy's answer for action on the loaded ticket; on a refusal the
 * response is set (403, or 404 when the caller may not see the ticket)
 * and 0 returned.
 */
int
hd_api_ticket_allowed(hd_op_t *op, hd_rbac_action_t action)
{
    switch (hd_rbac_decide(op->me.roles, action, op->u.ticket.rels,
                           op->req->scope))
    {
    case HD_RBAC_ALLOW:
        return 1;

    case HD_RBAC_FORBIDDEN:
        hd_api_fail(op, HD_PROBLEM_FORBIDDEN, "your roles do not allow "
                    "this on this ticket", NULL);
        return 0;

    default:
        hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
        return 0;
    }
}


/*
 * Step one of every route on one ticket: parse the path's reference and
 * load the ticket with the caller's relations (statement name/sql); next
 * decides.
 */
static hd_api_rc_t
hd_api_ticket_plan(hd_op_t *op, const char *name, const char *sql,
    hd_api_rc_t (*next)(hd_op_t *op, const PGresult *res))
{
    const hd_str_t  *id;

    id = &op->req->match->params[0];

    if (!hd_ticket_ref_parse(id->data, id->len, &op->u.ticket.ref)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    hd_plan_start(&op->plan, sql, next);
    op->plan.name = name;
    hd_plan_param(&op->plan, op->u.ticket.ref.id[0]
                             ? op->u.ticket.ref.id : NULL);

    if (op->u.ticket.ref.number > 0) {
        hd_plan_paramf(&op->plan, "%lld", op->u.ticket.ref.number);

    } else {
        hd_plan_param(&op->plan, NULL);
    }

    hd_api_plan_caller(op);
    hd_plan_param(&op->plan, op->me.team_ids != NULL ? op->me.team_ids
                                                     : "{}");

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_ticket_load(hd_op_t *op,
    hd_api_rc_t (*next)(hd_op_t *op, const PGresult *res))
{
    return hd_api_ticket_plan(op, hd_ticket_access_name,
                              hd_ticket_access_sql, next);
}


/*
 * The caller's relations from four boolean columns from col on:
 * is_requester, is_watcher, is_assignee, in_team (ticket_access() and
 * attachment_access() return them in that order).
 */
unsigned
hd_api_ticket_rels(const PGresult *res, int col)
{
    unsigned  rels;

    rels = HD_REL_NONE;
    rels |= *PQgetvalue(res, 0, col) == 't' ? HD_REL_REQUESTER : 0;
    rels |= *PQgetvalue(res, 0, col + 1) == 't' ? HD_REL_WATCHER : 0;
    rels |= *PQgetvalue(res, 0, col + 2) == 't' ? HD_REL_ASSIGNEE : 0;
    rels |= *PQgetvalue(res, 0, col + 3) == 't' ? HD_REL_TEAM : 0;

    return rels;
}


/*
 * Reads ticket_access()'s row into op->u.ticket.  Returns 0 (answering
 * 404) when there was none.
 */
int
hd_api_ticket_loaded(hd_op_t *op, const PGresult *res)
{
    if (PQntuples(res) != 1 || PQgetisnull(res, 0, HD_TA_ID)) {
        hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
        return 0;
    }

    snprintf(op->u.ticket.id, sizeof(op->u.ticket.id), "%s",
             PQgetvalue(res, 0, HD_TA_ID));
    op->u.ticket.version = atol(PQgetvalue(res, 0, HD_TA_VERSION));

    op->u.ticket.rels = hd_api_ticket_rels(res, HD_TA_IS_REQUESTER);

    return 1;
}


/* POST /api/tickets */

hd_api_rc_t
hd_api_tickets_create(hd_op_t *op)
{
    char               *text;
    cJSON              *fields;
    unsigned            may, touched;
    const char         *note;
    hd_ticket_error_t   err;

    may = HD_TICKET_TOUCH_CONTENT;

    if (hd_rbac_decide(op->me.roles, HD_RBAC_TICKET_CREATE_ON_BEHALF,
                       HD_REL_NONE, op->req->scope) == HD_RBAC_ALLOW)
    {
        may |= HD_TICKET_TOUCH_BEHALF;
    }

    /* assigning a new ticket: whoever may assign their team's tickets */

    if (hd_rbac_decide(op->me.roles, HD_RBAC_TICKET_ASSIGN, HD_REL_TEAM,
                       op->req->scope) == HD_RBAC_ALLOW)
    {
        may |= HD_TICKET_TOUCH_ASSIGN;
    }

    fields = hd_ticket_fields(hd_api_body(op), HD_TICKET_CREATE, may,
                              &touched, &note, &err);
    if (fields == NULL) {
        return hd_api_ticket_field_error(op, &err);
    }

    if (cJSON_GetObjectItemCaseSensitive(fields, "requester_id") == NULL) {
        cJSON_AddStringToObject(fields, "requester_id", op->me.user_id);
    }

    if (cJSON_GetObjectItemCaseSensitive(fields, "source") == NULL) {
        cJSON_AddStringToObject(fields, "source",
                                op->req->cred.kind == HD_CRED_SESSION
                                ? "web" : "api");
    }

    text = cJSON_PrintUnformatted(fields);
    cJSON_Delete(fields);

    if (text == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    hd_plan_start(&op->plan, "select status, body::text from ticket_create("
                  "$1::uuid, $2::jsonb, $3::inet, $4)", hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_param(&op->plan, text);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);
    free(text);

    return hd_plan_query(op);
}


/* GET /api/tickets/{id} */

/* the members that name people and a team, in the document's order */
static const int  hd_ticket_doc_people[] = {
    HD_TA_REQUESTER, HD_TA_ASSIGNEE, HD_TA_TEAM
};

#define HD_TICKET_DOC_PEOPLE \
    (sizeof(hd_ticket_doc_people) / sizeof(hd_ticket_doc_people[0]))

/* The id column of ticket_access() each of hd_ticket_doc_people names. */
static int
hd_ticket_doc_person_id(int col)
{
    switch (col) {
    case HD_TA_REQUESTER: return HD_TA_REQUESTER_ID;
    case HD_TA_ASSIGNEE: return HD_TA_ASSIGNEE_ID;
    default: return HD_TA_TEAM_ID;
    }
}


/* The same, of ticket_read(). */
static int
hd_ticket_read_person_id(int col)
{
    switch (col) {
    case HD_TA_REQUESTER: return HD_TR_REQUESTER_ID;
    case HD_TA_ASSIGNEE: return HD_TR_ASSIGNEE_ID;
    default: return HD_TR_TEAM_ID;
    }
}


/*
 * Answers with the document in res's row: ticket_access()'s when people is
 * NULL; otherwise ticket_read()'s, people[i] being the JSON of
 * hd_ticket_doc_people[i] (NULL: null).
 */
static hd_api_rc_t
hd_api_ticket_render(hd_op_t *op, const PGresult *res,
    const char *const *people)
{
    int                            col;
    size_t                         i, k;
    hd_buf_t                       b;
    const char                    *v;
    const hd_ticket_doc_member_t  *m;

    hd_buf_init(&b, 2048);
    hd_buf_adds(&b, "{");

    for (i = 0; i < sizeof(hd_ticket_doc) / sizeof(hd_ticket_doc[0]); i++) {
        m = &hd_ticket_doc[i];

        hd_buf_adds(&b, i ? "," : "");
        hd_buf_json_key(&b, m->key);

        col = people != NULL ? m->read_col : m->col;
        v = NULL;

        if (col < 0) {
            for (k = 0; k < HD_TICKET_DOC_PEOPLE; k++) {
                if (hd_ticket_doc_people[k] == m->col) {
                    v = people[k];
                }
            }

        } else if (!PQgetisnull(res, 0, col)) {
            v = PQgetvalue(res, 0, col);
        }

        if (v == NULL) {
            hd_buf_adds(&b, "null");
            continue;
        }

        switch (m->kind) {

        case HD_TD_STRING:
            hd_buf_json_string(&b, v);
            break;

        case HD_TD_JSON:
            hd_buf_adds(&b, v);
            break;

        case HD_TD_NUMBER:
            hd_buf_adds(&b, "\"TKT-");
            hd_buf_adds(&b, v);
            hd_buf_adds(&b, "\"");
            break;
        }
    }

    hd_buf_adds(&b, "}");

    return hd_api_json_buf(op, 200, &b);
}


/*
 * ticket_access() read every column and confirmed the principal (or
 * hd_api_result() would not have called): answer, and keep the people and
 * the principal at the generation read.
 */
static hd_api_rc_t
hd_api_tickets_got(hd_op_t *op, const PGresult *res)
{
    int     col;
    size_t  k;

    if (PQntuples(res) != 1 || PQnfields(res) != HD_TA_COLUMNS
        || PQgetisnull(res, 0, HD_TA_DIRECTORY_GEN))
    {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    /* the principal stands whatever the ticket and the policy say */

    hd_dircache_at(atoll(PQgetvalue(res, 0, HD_TA_DIRECTORY_GEN)));
    hd_dircache_principal_put(op->me.user_id, op->me.authz_version);

    if (!hd_api_ticket_loaded(op, res)
        || !hd_api_ticket_allowed(op, HD_RBAC_TICKET_READ))
    {
        return HD_API_RESPOND;
    }

    for (k = 0; k < HD_TICKET_DOC_PEOPLE; k++) {
        col = hd_ticket_doc_people[k];

        if (!PQgetisnull(res, 0, col)) {
            hd_dircache_put(PQgetvalue(res, 0, hd_ticket_doc_person_id(col)),
                            PQgetvalue(res, 0, col),
                            (size_t) PQgetlength(res, 0, col));
        }
    }

    return hd_api_ticket_render(op, res, NULL);
}


static hd_api_rc_t
hd_api_tickets_get_all(hd_op_t *op)
{
    return hd_api_ticket_plan(op, hd_ticket_get_name, hd_ticket_get_sql,
                              hd_api_tickets_got);
}


/* Whether the caller's teams (uuid[] text, {a,b}) hold the uuid id. */
static int
hd_api_in_teams(const char *teams, const char *id)
{
    size_t       len;
    const char  *p;

    len = strlen(id);

    for (p = teams; p != NULL && (p = strstr(p, id)) != NULL; p += len) {
        if ((p > teams && (p[-1] == '{' || p[-1] == ','))
            && (p[len] == ',' || p[len] == '}'))
        {
            return 1;
        }
    }

    return 0;
}


/*
 * The caller's relations to ticket_read()'s row, but the watcher relation
 * (not read): ticket_access() compares the same ids.
 */
static unsigned
hd_api_ticket_read_rels(hd_op_t *op, const PGresult *res)
{
    unsigned  rels;

    rels = HD_REL_NONE;

    if (strcmp(PQgetvalue(res, 0, HD_TR_REQUESTER_ID), op->me.user_id) == 0) {
        rels |= HD_REL_REQUESTER;
    }

    if (!PQgetisnull(res, 0, HD_TR_ASSIGNEE_ID)
        && strcmp(PQgetvalue(res, 0, HD_TR_ASSIGNEE_ID), op->me.user_id) == 0)
    {
        rels |= HD_REL_ASSIGNEE;
    }

    if (!PQgetisnull(res, 0, HD_TR_TEAM_ID)
        && hd_api_in_teams(op->me.team_ids,
                           PQgetvalue(res, 0, HD_TR_TEAM_ID)))
    {
        rels |= HD_REL_TEAM;
    }

    return rels;
}


/*
 * ticket_read() read the ticket's own row: answer when the directory cache
 * vouches for the principal at the generation read, the policy allows
 * without the watcher relation and the cache has the people; otherwise
 * read everything, with the check.
 */
static hd_api_rc_t
hd_api_tickets_read(hd_op_t *op, const PGresult *res)
{
    int          col;
    size_t       k;
    const char  *people[HD_TICKET_DOC_PEOPLE];

    if (PQntuples(res) != 1) {
        return hd_api_tickets_get_all(op);
    }

    if (PQnfields(res) != HD_TR_COLUMNS || PQgetisnull(res, 0, HD_TR_ID)) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    if (PQgetisnull(res, 0, HD_TR_DIRECTORY_GEN)) {
        return hd_api_tickets_get_all(op);
    }

    hd_dircache_at(atoll(PQgetvalue(res, 0, HD_TR_DIRECTORY_GEN)));

    if (!hd_dircache_principal_ok(op->me.user_id, op->me.authz_version)) {
        return hd_api_tickets_get_all(op);
    }

    snprintf(op->u.ticket.id, sizeof(op->u.ticket.id), "%s",
             PQgetvalue(res, 0, HD_TR_ID));
    op->u.ticket.version = atol(PQgetvalue(res, 0, HD_TR_VERSION));
    op->u.ticket.rels = hd_api_ticket_read_rels(op, res);

    if (hd_rbac_decide(op->me.roles, HD_RBAC_TICKET_READ, op->u.ticket.rels,
                       op->req->scope) != HD_RBAC_ALLOW)
    {
        return hd_api_tickets_get_all(op);
    }

    for (k = 0; k < HD_TICKET_DOC_PEOPLE; k++) {
        col = hd_ticket_read_person_id(hd_ticket_doc_people[k]);
        people[k] = NULL;

        if (!PQgetisnull(res, 0, col)) {
            people[k] = hd_dircache_get(PQgetvalue(res, 0, col));

            if (people[k] == NULL) {
                return hd_api_tickets_get_all(op);
            }
        }
    }

    return hd_api_ticket_render(op, res, people);
}


hd_api_rc_t
hd_api_tickets_get(hd_op_t *op)
{
    const hd_str_t  *id;

    id = &op->req->match->params[0];

    if (!hd_ticket_ref_parse(id->data, id->len, &op->u.ticket.ref)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, NULL, NULL);
    }

    if (op->u.ticket.ref.id[0] == '\0'
        || !hd_dircache_principal_ok(op->me.user_id, op->me.authz_version))
    {
        return hd_api_tickets_get_all(op);
    }

    hd_plan_start(&op->plan, hd_ticket_read_sql, hd_api_tickets_read);
    op->plan.name = hd_ticket_read_name;
    op->plan.decode_confirms = 1;
    hd_plan_param(&op->plan, op->u.ticket.ref.id);

    return hd_plan_query(op);
}


/* PATCH /api/tickets/{id}, If-Match: "<version>" */

static hd_api_rc_t
hd_api_tickets_patch_loaded(hd_op_t *op, const PGresult *res)
{
    char               *text, ext[128];
    cJSON              *fields, *status;
    unsigned            touched;
    const char         *note;
    hd_ticket_error_t   err;

    if (!hd_api_ticket_loaded(op, res)
        || !hd_api_ticket_allowed(op, HD_RBAC_TICKET_READ))
    {
        return HD_API_RESPOND;
    }

    fields = hd_ticket_fields(hd_api_body(op), HD_TICKET_PATCH,
                              HD_TICKET_TOUCH_CONTENT | HD_TICKET_TOUCH_STATUS
                              | HD_TICKET_TOUCH_ASSIGN, &touched, &note, &err);
    if (fields == NULL) {
        return hd_api_ticket_field_error(op, &err);
    }

    status = cJSON_GetObjectItemCaseSensitive(fields, "status");

    /* a requester may close their own ticket, and change nothing else */

    if (touched == HD_TICKET_TOUCH_STATUS
        && strcmp(status->valuestring, "closed") == 0
        && hd_rbac_decide(op->me.roles, HD_RBAC_TICKET_CLOSE_OWN,
                          op->u.ticket.rels, op->req->scope)
           == HD_RBAC_ALLOW)
    {
        touched = 0;
    }

    if (((touched & HD_TICKET_TOUCH_CONTENT)
         && !hd_api_ticket_allowed(op, HD_RBAC_TICKET_UPDATE))
        || ((touched & HD_TICKET_TOUCH_STATUS)
            && !hd_api_ticket_allowed(op, HD_RBAC_TICKET_TRANSITION))
        || ((touched & HD_TICKET_TOUCH_ASSIGN)
            && !hd_api_ticket_allowed(op, HD_RBAC_TICKET_ASSIGN)))
    {
        cJSON_Delete(fields);
        return HD_API_RESPOND;
    }

    if (op->u.ticket.if_match != op->u.ticket.version) {
        cJSON_Delete(fields);
        snprintf(ext, sizeof(ext), "{\"detail\":\"the ticket is at version "
                 "%ld, not %ld\",\"current_version\":%ld}",
                 op->u.ticket.version, op->u.ticket.if_match,
                 op->u.ticket.version);
        return hd_api_fail_ext(op, 409, ext);
    }

    text = cJSON_PrintUnformatted(fields);
    cJSON_Delete(fields);

    if (text == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    hd_plan_start(&op->plan, "select status, body::text from ticket_update("
                  "$1::uuid, $2::uuid, $3::int, $4::jsonb, $5, $6::inet, $7)",
                  hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_param(&op->plan, op->u.ticket.id);
    hd_plan_paramf(&op->plan, "%ld", op->u.ticket.if_match);
    hd_plan_param(&op->plan, text);
    hd_plan_param(&op->plan, note);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);
    free(text);

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_tickets_update(hd_op_t *op)
{
    cJSON              *fields;
    unsigned            touched;
    const char         *note;
    hd_ticket_error_t   err;

    /* the body on its own first: a bad one changes nothing, anywhere */

    fields = hd_ticket_fields(hd_api_body(op), HD_TICKET_PATCH,
                              HD_TICKET_TOUCH_CONTENT | HD_TICKET_TOUCH_STATUS
                              | HD_TICKET_TOUCH_ASSIGN, &touched, &note, &err);
    if (fields == NULL) {
        return hd_api_ticket_field_error(op, &err);
    }

    cJSON_Delete(fields);

    if (op->req->if_match == NULL) {
        return hd_api_fail(op, HD_PROBLEM_PRECONDITION_REQUIRED,
                           "send If-Match with the ticket's version", NULL);
    }

    op->u.ticket.if_match = hd_ticket_if_match(op->req->if_match,
                                               op->req->if_match_len);
    if (op->u.ticket.if_match < 0) {
        return hd_api_field_error(op, "If-Match", "If-Match is the "
                                  "ticket's version, e.g. \"3\"");
    }

    return hd_api_ticket_load(op, hd_api_tickets_patch_loaded);
}


/* POST /api/tickets/{id}/comments {"body_md", "is_internal"?} */

static hd_api_rc_t
hd_api_tickets_comment_loaded(hd_op_t *op, const PGresult *res)
{
    cJSON  *body;

    if (!hd_api_ticket_loaded(op, res)
        || !hd_api_ticket_allowed(op, HD_RBAC_TICKET_READ)
        || !hd_api_ticket_allowed(op, op->u.ticket.internal
                                      ? HD_RBAC_TICKET_COMMENT_INTERNAL
                                      : HD_RBAC_TICKET_COMMENT_PUBLIC))
    {
        return HD_API_RESPOND;
    }

    body = cJSON_GetObjectItemCaseSensitive(hd_api_body(op), "body_md");

    hd_plan_start(&op->plan, "select status, body::text from comment_add("
                  "$1::uuid, $2::uuid, $3, $4::boolean, $5::inet, $6)",
                  hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_param(&op->plan, op->u.ticket.id);
    hd_plan_param(&op->plan, body->valuestring);
    hd_plan_param(&op->plan, op->u.ticket.internal ? "true" : "false");
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_tickets_comment(hd_op_t *op)
{
    size_t       n;
    cJSON       *body, *internal;
    const char  *s;
    static const char *const  fields[] = { "body_md", "is_internal", NULL };

    if (!hd_api_body_only(op, fields)) {
        return HD_API_RESPOND;
    }

    body = cJSON_GetObjectItemCaseSensitive(hd_api_body(op), "body_md");
    internal = cJSON_GetObjectItemCaseSensitive(hd_api_body(op),
                                                "is_internal");

    if (!cJSON_IsString(body)) {
        return hd_api_field_error(op, "body_md", "body_md (markdown text) "
                                  "is required");
    }

    for (s = body->valuestring; *s == ' ' || *s == '\n' || *s == '\t'
                                || *s == '\r'; s++)
    {
        /* void */
    }

    for (n = 0; *s != '\0'; s++) {
        n += ((unsigned char) *s & 0xc0) != 0x80;
    }

    if (n == 0 || n > HD_COMMENT_MAX_CHARS) {
        return hd_api_field_error(op, "body_md", "body_md is 1 to 100000 "
                                  "characters, not blank");
    }

    if (internal != NULL && !cJSON_IsBool(internal)) {
        return hd_api_field_error(op, "is_internal", "is_internal is true "
                                  "or false");
    }

    op->u.ticket.internal = cJSON_IsTrue(internal);

    return hd_api_ticket_load(op, hd_api_tickets_comment_loaded);
}


/* GET /api/tickets/{id}/timeline */

static hd_api_rc_t
hd_api_tickets_timeline_read(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 200, res);
}


static hd_api_rc_t
hd_api_tickets_timeline_loaded(hd_op_t *op, const PGresult *res)
{
    int  internal;

    if (!hd_api_ticket_loaded(op, res)
        || !hd_api_ticket_allowed(op, HD_RBAC_TICKET_READ))
    {
        return HD_API_RESPOND;
    }

    internal = hd_rbac_decide(op->me.roles, HD_RBAC_TICKET_READ_INTERNAL,
                              op->u.ticket.rels, op->req->scope)
               == HD_RBAC_ALLOW;

    hd_plan_start(&op->plan, "select ticket_timeline($1::uuid, "
                  "$2::boolean)::text", hd_api_tickets_timeline_read);
    hd_plan_param(&op->plan, op->u.ticket.id);
    hd_plan_param(&op->plan, internal ? "true" : "false");

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_tickets_timeline(hd_op_t *op)
{
    return hd_api_ticket_load(op, hd_api_tickets_timeline_loaded);
}


/* GET /api/tickets/{id}/audit */

static hd_api_rc_t
hd_api_tickets_audit_loaded(hd_op_t *op, const PGresult *res)
{
    if (!hd_api_ticket_loaded(op, res)
        || !hd_api_ticket_allowed(op, HD_RBAC_TICKET_READ)
        || !hd_api_ticket_allowed(op, HD_RBAC_TICKET_AUDIT_READ))
    {
        return HD_API_RESPOND;
    }

    hd_plan_start(&op->plan, "select ticket_audit($1::uuid)::text",
                  hd_api_tickets_timeline_read);
    hd_plan_param(&op->plan, op->u.ticket.id);

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_tickets_audit(hd_op_t *op)
{
    return hd_api_ticket_load(op, hd_api_tickets_audit_loaded);
}


/*
 * GET /api/tickets: one statement per sort key and direction, so that each
 * orders by a plain column and its (key, id) index serves the keyset.
 *
 *   $1 caller          $2 relations that let them read (text[]; NULL: all)
 *   $3 status text[]   $4 priority text[]  $5 team_id   $6 assignee_id
 *   $7 requester_id    $8 category         $9 {created_after, …,
 *                                             sla_state, unassigned} jsonb
 *   $10 cursor key     $11 cursor id       $12 limit (one more than shown)
 *
 * Rows: the item's JSON, its sort key as text, its id.
 */

#define HD_TL_VISIBLE                                                        \
    "($2::text[] is null"                                                    \
    " or ('requester' = any($2::text[]) and t.requester_id = $1::uuid)"      \
    " or ('assignee' = any($2::text[]) and t.assignee_id = $1::uuid)"        \
    " or ('watcher' = any($2::text[]) and t.id in (select w.ticket_id"       \
    "     from ticket_watchers w where w.user_id = $1::uuid))"               \
    " or ('team' = any($2::text[]) and t.team_id in (select m.team_id"       \
    "     from team_members m join teams tm on tm.id = m.team_id"            \
    "     and tm.active where m.user_id = $1::uuid)))"

#define HD_TL_RANGE(col, key, op)                                            \
    " and ($9::jsonb->>'" key "' is null or t." col " " op                   \
    " ($9::jsonb->>'" key "')::timestamptz)"

#define HD_TL_FILTERS                                                        \
    " and ($3::text[] is null or t.status = any($3::text[]))"                \
    " and ($4::text[] is null or t.priority = any($4::text[]))"              \
    " and ($5::uuid is null or t.team_id = $5::uuid)"                        \
    " and ($6::uuid is null or t.assignee_id = $6::uuid)"                    \
    " and ($7::uuid is null or t.requester_id = $7::uuid)"                   \
    " and ($8::text is null or t.category = $8::text)"                       \
    HD_TL_RANGE("created_at", "created_after", ">=")                         \
    HD_TL_RANGE("created_at", "created_before", "<")                         \
    HD_TL_RANGE("updated_at", "updated_after", ">=")                         \
    HD_TL_RANGE("updated_at", "updated_before", "<")                        \
    HD_TL_RANGE("created_at", "updated_before", "<")  /* implied, indexed */\
    " and ($9::jsonb->>'unassigned' is null or t.assignee_id is null)"       \
    " and ($9::jsonb->>'sla_state' is null or t.id in"                       \
    " (select sla_tickets_in_state($9::jsonb->>'sla_state')))"

#define HD_TL_SQL(col, type, cmp, dir)                                       \
    "select ticket_summary_json(t)::text, t." col "::text, t.id::text"       \
    " from tickets t where t.deleted_at is null and " HD_TL_VISIBLE          \
    HD_TL_FILTERS                                                            \
    " and ($10::text is null or (t." col ", t.id) " cmp                      \
    " ($10::text::" type ", $11::uuid))"                                     \
    " order by t." col " " dir ", t.id " dir " limit $12::int"

/* [sort][desc] */
static const char  *hd_tickets_list_sql[HD_TICKET_SORT_COUNT][2] = {
    { HD_TL_SQL("created_at", "timestamptz", ">", "asc"),
      HD_TL_SQL("created_at", "timestamptz", "<", "desc") },
    { HD_TL_SQL("updated_at", "timestamptz", ">", "asc"),
      HD_TL_SQL("updated_at", "timestamptz", "<", "desc") },
    { HD_TL_SQL("number", "bigint", ">", "asc"),
      HD_TL_SQL("number", "bigint", "<", "desc") },
    { HD_TL_SQL("priority", "text", ">", "asc"),
      HD_TL_SQL("priority", "text", "<", "desc") },
};


typedef struct {
    char    *data;
    size_t   len;
    size_t   size;
    int      failed;
} hd_tickets_buf_t;


static void
hd_tickets_buf_add(hd_tickets_buf_t *b, const char *s, size_t n)
{
    char    *p;
    size_t   size;

    if (b->failed) {
        return;
    }

    if (b->len + n + 1 > b->size) {
        size = b->size ? b->size : 8192;
        while (b->len + n + 1 > size) {
            size *= 2;
        }

        p = realloc(b->data, size);
        if (p == NULL) {
            b->failed = 1;
            return;
        }

        b->data = p;
        b->size = size;
    }

    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}


static hd_api_rc_t
hd_api_tickets_listed(hd_op_t *op, const PGresult *res)
{
    int                 i, n, shown;
    char                cursor[256];
    hd_ticket_query_t   q;
    hd_ticket_error_t   err;
    hd_tickets_buf_t    b;

    /* parsed before; parsing again gives the sort and the page size */

    if (!hd_ticket_query_parse(op->req->query, op->req->query_len, &q,
                               &err))
    {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    n = PQntuples(res);
    shown = n > q.limit ? q.limit : n;

    memset(&b, 0, sizeof(b));
    hd_tickets_buf_add(&b, "{\"items\":[", 10);

    for (i = 0; i < shown; i++) {
        if (i > 0) {
            hd_tickets_buf_add(&b, ",", 1);
        }
        hd_tickets_buf_add(&b, PQgetvalue(res, i, 0),
                           (size_t) PQgetlength(res, i, 0));
    }

    hd_tickets_buf_add(&b, "],\"next_cursor\":", 16);

    if (n > q.limit
        && hd_ticket_cursor_encode(q.sort, q.desc,
                                   PQgetvalue(res, shown - 1, 1),
                                   PQgetvalue(res, shown - 1, 2), cursor,
                                   sizeof(cursor)) > 0)
    {
        hd_tickets_buf_add(&b, "\"", 1);
        hd_tickets_buf_add(&b, cursor, strlen(cursor));
        hd_tickets_buf_add(&b, "\"}", 2);

    } else {
        hd_tickets_buf_add(&b, "null}", 5);
    }

    if (b.failed) {
        free(b.data);
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    free(op->resp.body);
    op->resp.status = 200;
    op->resp.content_type = "application/json";
    op->resp.body = b.data;
    op->resp.body_len = b.len;

    return HD_API_RESPOND;
}


/*
 * The relations under which the caller reads tickets, as a SQL text[]
 * literal, into buf; "" when they read every ticket.  Returns 0 when they
 * read none.
 */
static int
hd_api_tickets_visible(hd_op_t *op, char *buf, size_t size)
{
    int     i;
    size_t  len;

    static const struct {
        unsigned     rel;
        const char  *name;
    } rels[] = {
        { HD_REL_REQUESTER, "requester" },
        { HD_REL_WATCHER, "watcher" },
        { HD_REL_ASSIGNEE, "assignee" },
        { HD_REL_TEAM, "team" },
    };

    buf[0] = '\0';

    if (hd_rbac_decide(op->me.roles, HD_RBAC_TICKET_READ, HD_REL_NONE,
                       op->req->scope) == HD_RBAC_ALLOW)
    {
        return 1;
    }

    len = 0;

    for (i = 0; i < (int) (sizeof(rels) / sizeof(rels[0])); i++) {
        if (hd_rbac_decide(op->me.roles, HD_RBAC_TICKET_READ, rels[i].rel,
                           op->req->scope) == HD_RBAC_ALLOW)
        {
            len += (size_t) snprintf(buf + len, size - len, "%c%s",
                                     len == 0 ? '{' : ',', rels[i].name);
        }
    }

    if (len == 0) {
        return 0;
    }

    snprintf(buf + len, size - len, "}");
    return 1;
}


static void
hd_api_tickets_param(hd_plan_t *plan, const char *value)
{
    hd_plan_param(plan, value[0] != '\0' ? value : NULL);
}


hd_api_rc_t
hd_api_tickets_list(hd_op_t *op)
{
    char               *ranges, visible[64];
    cJSON              *r;
    hd_plan_t          *plan;
    hd_ticket_query_t   q;
    hd_ticket_error_t   err;

    if (!hd_ticket_query_parse(op->req->query, op->req->query_len, &q,
                               &err))
    {
        return hd_api_ticket_field_error(op, &err);
    }

    if (!hd_api_tickets_visible(op, visible, sizeof(visible))) {
        return hd_api_fail(op, HD_PROBLEM_FORBIDDEN, "your roles do not "
                           "allow reading tickets", NULL);
    }

    r = cJSON_CreateObject();
    if (r == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    if (q.created_after[0]) {
        cJSON_AddStringToObject(r, "created_after", q.created_after);
    }
    if (q.created_before[0]) {
        cJSON_AddStringToObject(r, "created_before", q.created_before);
    }
    if (q.updated_after[0]) {
        cJSON_AddStringToObject(r, "updated_after", q.updated_after);
    }
    if (q.updated_before[0]) {
        cJSON_AddStringToObject(r, "updated_before", q.updated_before);
    }
    if (q.sla_state[0]) {
        cJSON_AddStringToObject(r, "sla_state", q.sla_state);
    }
    if (q.unassigned) {
        cJSON_AddTrueToObject(r, "unassigned");
    }

    ranges = cJSON_PrintUnformatted(r);
    cJSON_Delete(r);

    if (ranges == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    plan = &op->plan;
    hd_plan_start(plan, hd_tickets_list_sql[q.sort][q.desc],
                  hd_api_tickets_listed);
    hd_plan_param(plan, op->me.user_id);
    hd_api_tickets_param(plan, visible);
    hd_api_tickets_param(plan, q.status);
    hd_api_tickets_param(plan, q.priority);
    hd_api_tickets_param(plan, q.team_id);
    hd_api_tickets_param(plan, q.assignee_id);
    hd_api_tickets_param(plan, q.requester_id);
    hd_api_tickets_param(plan, q.category);
    hd_plan_param(plan, ranges);
    hd_plan_param(plan, q.has_cursor ? q.after_key : NULL);
    hd_plan_param(plan, q.has_cursor ? q.after_id : NULL);
    hd_plan_paramf(plan, "%d", q.limit + 1);
    free(ranges);

    return hd_plan_query(op);
}


/* DELETE /api/tickets/{id}: soft delete */

static hd_api_rc_t
hd_api_tickets_delete_loaded(hd_op_t *op, const PGresult *res)
{
    if (!hd_api_ticket_loaded(op, res)
        || !hd_api_ticket_allowed(op, HD_RBAC_TICKET_READ)
        || !hd_api_ticket_allowed(op, HD_RBAC_TICKET_DELETE))
    {
        return HD_API_RESPOND;
    }

    hd_plan_start(&op->plan, "select status, body::text from ticket_delete("
                  "$1::uuid, $2::uuid, $3::inet, $4)", hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_param(&op->plan, op->u.ticket.id);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}


hd_api_rc_t
hd_api_tickets_delete(hd_op_t *op)
{
    return hd_api_ticket_load(op, hd_api_tickets_delete_loaded);
}
