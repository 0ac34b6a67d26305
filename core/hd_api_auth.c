/*
 * Who is calling: resolving a verified credential to a principal, local
 * login and logout.
 *
 * A bearer token seen before by this process (an OIDC access token or a
 * personal access token, until it expires) has its principal in the token
 * cache (hd_tokcache.h); the database must still confirm it before
 * anything is answered with it (principal_fresh(), 0011).  On routes marked
 * HD_ROUTE_CONFIRMS the handler runs first: its first statement carries the
 * check (hd_api_plan_caller), or, when it answers from memory, the answer
 * waits for the check alone.  Elsewhere the check runs first, then the
 * handler.  Either way a request costs the round trips it would cost with
 * a principal already known, and a principal found outdated is resolved
 * again and the route dispatched anew.
 *
 * Login is four steps: look the account up; verify the password off the
 * event loop (HD_API_TASK), against a dummy hash when there is no usable
 * account so that every failure costs the same; then record the session or
 * the failure (both audited); answer.  The edge rate-limits on op->login.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_api_int.h"
#include "hd_tokcache.h"


/* argon2id of a password nobody has, with the seeded accounts' costs */
static const char  hd_dummy_hash[] =
    "$argon2id$v=19$m=19456,t=2,p=1$aGVscGRlc2stZHVtbXktcw"
    "$84NBpZc6RvP3a0E8IWwcWfVJXnPG/aMXUYvN7Ows20c";

static const char  hd_login_denied[] = "invalid email or password";

/* the principal's columns, as every auth_* function returns them */
enum {
    HD_P_USER_ID = 0, HD_P_EMAIL, HD_P_NAME, HD_P_LOCALE, HD_P_TZ,
    HD_P_ROLES, HD_P_TEAMS, HD_P_CREDENTIAL, HD_P_AUTHZ_VERSION,
    HD_P_TEAM_IDS, HD_P_CREDENTIAL_EXPIRES, HD_P_COLUMNS
};

/*
 * Times one request may find its caller's principal outdated before it
 * gives up (503): each time it was resolved again in between.
 */
#define HD_API_STALE_MAX  2

/*
 * Is a cached principal still what the database would say?  The version
 * moves with every change to what a principal is made of (0003's
 * triggers), and with a personal access token's revocation (0011); one
 * primary-key probe, prepared once per connection.
 */
static const char  hd_auth_fresh_name[] = "hd_auth_fresh";
static const char  hd_auth_fresh_sql[] =
    "select fresh from principal_fresh($1::uuid, $2::bigint)";


static void
hd_copy(char *dst, size_t size, const PGresult *res, int col)
{
    snprintf(dst, size, "%s", PQgetisnull(res, 0, col)
                              ? "" : PQgetvalue(res, 0, col));
}


/*
 * Fills op->me from row 0 of a principal result; 0 when there is none.
 */
static int
hd_api_principal_load(hd_op_t *op, const PGresult *res)
{
    hd_principal_t  *me;

    if (PQntuples(res) != 1 || PQnfields(res) != HD_P_COLUMNS) {
        return 0;
    }

    me = &op->me;

    hd_copy(me->user_id, sizeof(me->user_id), res, HD_P_USER_ID);
    hd_copy(me->email, sizeof(me->email), res, HD_P_EMAIL);
    hd_copy(me->display_name, sizeof(me->display_name), res, HD_P_NAME);
    hd_copy(me->locale, sizeof(me->locale), res, HD_P_LOCALE);
    hd_copy(me->time_zone, sizeof(me->time_zone), res, HD_P_TZ);
    hd_copy(me->credential, sizeof(me->credential), res, HD_P_CREDENTIAL);
    me->roles = hd_api_roles_from_array(PQgetvalue(res, 0, HD_P_ROLES));
    me->credential_expires = PQgetisnull(res, 0, HD_P_CREDENTIAL_EXPIRES)
                             ? 0
                             : strtoll(PQgetvalue(res, 0,
                                                  HD_P_CREDENTIAL_EXPIRES),
                                       NULL, 10);
    me->authz_version = strtoll(PQgetvalue(res, 0, HD_P_AUTHZ_VERSION),
                                NULL, 10);

    free(me->teams_json);
    free(me->team_ids);
    me->teams_json = strdup(PQgetvalue(res, 0, HD_P_TEAMS));
    me->team_ids = strdup(PQgetvalue(res, 0, HD_P_TEAM_IDS));
    if (me->teams_json == NULL || me->team_ids == NULL) {
        return 0;
    }

    op->authenticated = 1;
    return 1;
}


static hd_api_rc_t
hd_api_principal_done(hd_op_t *op, const PGresult *res)
{
    int64_t          until;
    const hd_req_t  *req;

    if (!hd_api_principal_load(op, res)) {
        op->resp.www_authenticate = "Bearer realm=\"helpdesk\", "
                                    "error=\"invalid_token\"";
        return hd_api_fail(op, HD_PROBLEM_UNAUTHORIZED,
                           "the session or token is no longer valid", NULL);
    }

    req = op->req;

    if (req->cred.kind == HD_CRED_OIDC) {
        hd_tokcache_put_principal(req->cred.token_hash, &op->me);

    } else if (req->cred.kind == HD_CRED_TOKEN) {

        /* its expiry is the clock's to see, as an OIDC token's exp is */

        until = req->now + HD_TOKCACHE_TOKEN_TTL;
        if (op->me.credential_expires > 0 && op->me.credential_expires < until)
        {
            until = op->me.credential_expires;
        }

        hd_tokcache_put_token(req->cred.token_hash, until, &op->me);
    }

    if (req->cred.kind == HD_CRED_SESSION
        && req->cred.session.exp - req->now < HD_SESSION_TOKEN_TTL / 2)
    {
        op->renew_session = 1;
    }

    return hd_api_dispatch(op);
}


static hd_api_rc_t
hd_api_principal_error(hd_op_t *op, const char *sqlstate)
{
    if (strcmp(sqlstate, "HD409") == 0) {
        return hd_api_fail(op, HD_PROBLEM_CONFLICT,
                           "an account with this email exists; the identity "
                           "provider does not vouch for the email, so it "
                           "was not linked", NULL);
    }

    if (strcmp(sqlstate, "HD422") == 0) {
        return hd_api_fail(op, HD_PROBLEM_UNAUTHORIZED,
                           "the token carries no email to provision an "
                           "account with", NULL);
    }

    return hd_api_fail(op, hd_api_sqlstate_problem(sqlstate), NULL, NULL);
}


/*
 * The roles a token's claim names, as a SQL text[] literal of known role
 * names only (so no quoting is needed), or NULL when the claim had none.
 */
static void
hd_api_claim_roles(hd_plan_t *plan, const hd_jwt_claims_t *claims)
{
    char         buf[256];
    size_t       len;
    unsigned     i;
    const char  *name;

    if (claims->nroles == 0) {
        hd_plan_param(plan, NULL);
        return;
    }

    len = 0;
    buf[len++] = '{';

    for (i = 0; i < claims->nroles; i++) {
        name = hd_role_name(hd_role_from_name(claims->roles[i],
                                              strlen(claims->roles[i])));
        if (name == NULL || len + strlen(name) + 3 > sizeof(buf)) {
            continue;
        }

        if (len > 1) {
            buf[len++] = ',';
        }

        memcpy(buf + len, name, strlen(name));
        len += strlen(name);
    }

    buf[len++] = '}';
    hd_plan_paramn(plan, buf, len);
}


static hd_api_rc_t hd_api_principal_resolve(hd_op_t *op);


void
hd_api_plan_caller(hd_op_t *op)
{
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_paramf(&op->plan, "%lld", (long long) op->me.authz_version);
    op->plan.confirms = 1;
}


/* The check confirmed the principal (hd_api_result() saw to it). */
static hd_api_rc_t
hd_api_principal_fresh(hd_op_t *op, const PGresult *res)
{
    (void) res;

    return hd_api_dispatch(op);
}


/* The check confirmed the principal an answer was made with. */
static hd_api_rc_t
hd_api_principal_confirmed(hd_op_t *op, const PGresult *res)
{
    (void) op;
    (void) res;

    return HD_API_RESPOND;
}


/* Plans the check alone, with decode as its next step. */
static hd_api_rc_t
hd_api_principal_check(hd_op_t *op,
    hd_api_rc_t (*decode)(hd_op_t *op, const PGresult *res))
{
    hd_plan_start(&op->plan, hd_auth_fresh_sql, decode);
    op->plan.name = hd_auth_fresh_name;
    hd_api_plan_caller(op);

    return hd_plan_query(op);
}


/*
 * The handler of an HD_ROUTE_CONFIRMS route ran with a cached principal.
 * A statement that confirms it, or whose decode does (by the directory
 * generation), goes as it is; an answer is held until the check confirms
 * it; anything else (a route that did not keep its promise) is dropped,
 * and the handler runs again after the check.
 */
static hd_api_rc_t
hd_api_principal_confirm(hd_op_t *op, hd_api_rc_t rc)
{
    if (rc == HD_API_QUERY
        && (op->plan.confirms || op->plan.decode_confirms))
    {
        return rc;
    }

    if (rc == HD_API_RESPOND) {
        return hd_api_principal_check(op, hd_api_principal_confirmed);
    }

    op->task.kind = HD_TASK_NONE;

    return hd_api_principal_check(op, hd_api_principal_fresh);
}


/*
 * Asks the database whether the verified credential still stands, and who
 * it belongs to.  A bearer token seen before by this process needs only
 * its cached principal confirmed.
 */
hd_api_rc_t
hd_api_principal(hd_op_t *op)
{
    const hd_req_t  *req;

    req = op->req;

    if ((req->cred.kind == HD_CRED_OIDC || req->cred.kind == HD_CRED_TOKEN)
        && hd_tokcache_principal(req->cred.token_hash, req->now, &op->me))
    {
        op->authenticated = 1;

        if (req->match->route->flags & HD_ROUTE_CONFIRMS) {
            return hd_api_principal_confirm(op, hd_api_dispatch(op));
        }

        return hd_api_principal_check(op, hd_api_principal_fresh);
    }

    return hd_api_principal_resolve(op);
}


hd_api_rc_t
hd_api_principal_stale(hd_op_t *op)
{
    const hd_req_t  *req;

    req = op->req;

    if (req->cred.kind == HD_CRED_OIDC || req->cred.kind == HD_CRED_TOKEN) {
        hd_tokcache_forget(req->cred.token_hash);
    }

    /* an answer made for the outdated principal does not stand either */

    hd_resp_free(&op->resp);
    memset(&op->resp, 0, sizeof(hd_resp_t));
    op->task.kind = HD_TASK_NONE;
    op->authenticated = 0;

    if (++op->stale > HD_API_STALE_MAX) {
        return hd_api_fail(op, HD_PROBLEM_DB_UNAVAILABLE, "the account "
                           "changed while the request ran; try again",
                           NULL);
    }

    return hd_api_principal_resolve(op);
}


static hd_api_rc_t
hd_api_principal_resolve(hd_op_t *op)
{
    hd_plan_t               *plan;
    const hd_req_t          *req;
    const hd_jwt_claims_t   *c;

    req = op->req;
    plan = &op->plan;

    switch (req->cred.kind) {

    case HD_CRED_SESSION:
        hd_plan_start(plan, "select * from auth_session($1::uuid, $2::uuid)",
                      hd_api_principal_done);
        hd_plan_param(plan, req->cred.session.sid);
        hd_plan_param(plan, req->cred.session.uid);
        break;

    case HD_CRED_TOKEN:
        hd_plan_start(plan, "select * from auth_token($1::bytea)",
                      hd_api_principal_done);
        hd_plan_param_bytea(plan, req->cred.token_hash,
                            sizeof(req->cred.token_hash));
        break;

    case HD_CRED_OIDC:
        c = req->cred.claims;
        hd_plan_start(plan, "select * from auth_oidc($1, $2, $3::boolean, "
                      "$4, $5::text[], $6::inet, $7)",
                      hd_api_principal_done);
        hd_plan_param(plan, c->sub);
        hd_plan_param(plan, c->email[0] ? c->email : NULL);
        hd_plan_param(plan, c->email_verified == HD_JWT_TRUE ? "true"
                            : c->email_verified == HD_JWT_FALSE ? "false"
                            : NULL);
        hd_plan_param(plan, c->name[0] ? c->name : NULL);
        hd_api_claim_roles(plan, c);
        hd_plan_param(plan, req->ip);
        hd_plan_param(plan, req->ua);
        break;

    default:
        return hd_api_fail(op, HD_PROBLEM_UNAUTHORIZED, NULL, NULL);
    }

    plan->on_error = hd_api_principal_error;

    return hd_plan_query(op);
}


/*
 * A principal's roles and permissions as JSON arrays depend on nothing but
 * its set of roles and the organisation's scope, and there are only
 * 2^HD_ROLE_COUNT x 2 of those: each is rendered once per process, on first
 * use, and kept (GET /api/me is on the path of every page the web app
 * loads; rendering some thirty escaped names took a few microseconds).
 * Process state, used from the event loop only, like the token cache.
 */
typedef struct {
    char    *roles;         /* ["agent", …] */
    char    *permissions;   /* ["ticket.read", …] */
} hd_principal_arrays_t;

static hd_principal_arrays_t  hd_principal_arrays[1u << HD_ROLE_COUNT][2];


static char *
hd_api_roles_json(hd_roles_t roles)
{
    int          i;
    size_t       len;
    hd_buf_t     b;
    const char  *sep;

    hd_buf_init(&b, 64);
    hd_buf_adds(&b, "[");
    sep = "";
    for (i = 0; i < HD_ROLE_COUNT; i++) {
        if (roles & (1u << i)) {
            hd_buf_adds(&b, sep);
            hd_buf_json_string(&b, hd_role_name((hd_role_t) (1u << i)));
            sep = ",";
        }
    }
    hd_buf_adds(&b, "]");

    return hd_buf_take(&b, &len);
}


static char *
hd_api_permissions_json(hd_roles_t roles, hd_scope_t scope)
{
    size_t       n, k, len;
    hd_buf_t     b;
    const char  *names[HD_RBAC_ACTION_COUNT];

    hd_buf_init(&b, 1024);
    hd_buf_adds(&b, "[");
    n = hd_rbac_permissions(roles, scope, names, HD_RBAC_ACTION_COUNT);
    for (k = 0; k < n && k < HD_RBAC_ACTION_COUNT; k++) {
        hd_buf_adds(&b, k ? "," : "");
        hd_buf_json_string(&b, names[k]);
    }
    hd_buf_adds(&b, "]");

    return hd_buf_take(&b, &len);
}


/* The arrays for roles under scope; NULL members when memory ran out. */
static const hd_principal_arrays_t *
hd_api_principal_arrays(hd_roles_t roles, hd_scope_t scope)
{
    hd_principal_arrays_t  *a;

    a = &hd_principal_arrays[roles & ((1u << HD_ROLE_COUNT) - 1)]
                            [scope == HD_SCOPE_ALL];

    if (a->roles == NULL) {
        a->roles = hd_api_roles_json(roles);
    }

    if (a->permissions == NULL) {
        a->permissions = hd_api_permissions_json(roles, scope);
    }

    return a;
}


void
hd_api_principal_arrays_free(void)
{
    size_t  i, k;

    for (i = 0; i < (1u << HD_ROLE_COUNT); i++) {
        for (k = 0; k < 2; k++) {
            free(hd_principal_arrays[i][k].roles);
            free(hd_principal_arrays[i][k].permissions);
            hd_principal_arrays[i][k].roles = NULL;
            hd_principal_arrays[i][k].permissions = NULL;
        }
    }
}


/*
 * The principal as GET /api/me and the login answer show it: an object's
 * members, without the braces, written straight into b.  teams_json is the
 * database's own JSON rendering and goes in as it is.
 */
void
hd_api_principal_render(hd_op_t *op, hd_buf_t *b)
{
    const hd_principal_arrays_t  *a;

    a = hd_api_principal_arrays(op->me.roles, op->req->scope);

    if (a->roles == NULL || a->permissions == NULL) {
        b->failed = 1;      /* answered as a failed allocation is */
        return;
    }

    hd_buf_json_key(b, "id");
    hd_buf_json_string(b, op->me.user_id);
    hd_buf_adds(b, ",");
    hd_buf_json_key(b, "email");
    hd_buf_json_string(b, op->me.email);
    hd_buf_adds(b, ",");
    hd_buf_json_key(b, "display_name");
    hd_buf_json_string(b, op->me.display_name);
    hd_buf_adds(b, ",");
    hd_buf_json_key(b, "locale");
    hd_buf_json_string(b, op->me.locale);
    hd_buf_adds(b, ",");
    hd_buf_json_key(b, "time_zone");
    hd_buf_json_string(b, op->me.time_zone);

    hd_buf_adds(b, ",");
    hd_buf_json_key(b, "roles");
    hd_buf_adds(b, a->roles);

    hd_buf_adds(b, ",");
    hd_buf_json_key(b, "teams");
    hd_buf_adds(b, op->me.teams_json != NULL && op->me.teams_json[0] != '\0'
                   ? op->me.teams_json : "[]");

    hd_buf_adds(b, ",");
    hd_buf_json_key(b, "permissions");
    hd_buf_adds(b, a->permissions);
}


/* ---- POST /api/auth/login ---------------------------------------------- */

static hd_api_rc_t hd_api_login_found(hd_op_t *op, const PGresult *res);
static hd_api_rc_t hd_api_login_checked(hd_op_t *op);
static hd_api_rc_t hd_api_login_recorded(hd_op_t *op, const PGresult *res);
static hd_api_rc_t hd_api_login_refused(hd_op_t *op, const PGresult *res);


hd_api_rc_t
hd_api_login(hd_op_t *op)
{
    size_t        i, len;
    cJSON        *email, *password;
    static const char *const  fields[] = { "email", "password", NULL };

    if (op->req->session_key == NULL) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND,
                           "local accounts are not enabled", NULL);
    }

    if (!hd_api_body_only(op, fields)) {
        return HD_API_RESPOND;
    }

    email = cJSON_GetObjectItemCaseSensitive(hd_api_body(op), "email");
    password = cJSON_GetObjectItemCaseSensitive(hd_api_body(op), "password");

    if (!cJSON_IsString(email) || email->valuestring[0] == '\0'
        || strlen(email->valuestring) >= sizeof(op->login_email))
    {
        return hd_api_field_error(op, "email", "email is required");
    }

    if (!cJSON_IsString(password) || password->valuestring[0] == '\0'
        || strlen(password->valuestring) >= sizeof(op->task.password))
    {
        return hd_api_field_error(op, "password", "password is required");
    }

    len = strlen(email->valuestring);
    for (i = 0; i < len; i++) {
        op->login_email[i] = (char) tolower((unsigned char)
                                            email->valuestring[i]);
    }
    op->login_email[len] = '\0';

    memcpy(op->task.password, password->valuestring,
           strlen(password->valuestring) + 1);

    op->login = HD_LOGIN_ATTEMPT;

    hd_plan_start(&op->plan, "select user_id, password_hash, active "
                  "from login_lookup($1)", hd_api_login_found);
    hd_plan_param(&op->plan, op->login_email);

    return hd_plan_query(op);
}


static hd_api_rc_t
hd_api_login_found(hd_op_t *op, const PGresult *res)
{
    const char  *hash;

    op->u.login.known = 0;
    op->u.login.reason = "unknown_user";
    hash = hd_dummy_hash;

    if (PQntuples(res) == 1) {
        snprintf(op->u.login.user_id, sizeof(op->u.login.user_id), "%s",
                 PQgetvalue(res, 0, 0));

        if (PQgetisnull(res, 0, 1)) {
            op->u.login.reason = "no_password";

        } else if (strcmp(PQgetvalue(res, 0, 2), "t") != 0) {
            op->u.login.reason = "inactive";

        } else if (PQgetlength(res, 0, 1)
                   < (int) sizeof(op->task.encoded))
        {
            op->u.login.known = 1;
            op->u.login.reason = "wrong_password";
            hash = PQgetvalue(res, 0, 1);
        }
    }

    snprintf(op->task.encoded, sizeof(op->task.encoded), "%s", hash);
    op->task.kind = HD_TASK_PASSWORD_VERIFY;
    op->task_done = hd_api_login_checked;

    return HD_API_TASK;
}


static hd_api_rc_t
hd_api_login_checked(hd_op_t *op)
{
    hd_plan_t  *plan;

    plan = &op->plan;

    if (op->u.login.known && op->task.ok) {
        hd_plan_start(plan, "select * from login_succeeded($1::uuid, "
                      "$2::inet, $3)", hd_api_login_recorded);
        hd_plan_param(plan, op->u.login.user_id);
        hd_plan_param(plan, op->req->ip);
        hd_plan_param(plan, op->req->ua);
        return hd_plan_query(op);
    }

    hd_plan_start(plan, "select login_failed($1, $2::uuid, $3, $4::inet, $5)",
                  hd_api_login_refused);
    hd_plan_param(plan, op->login_email);
    hd_plan_param(plan, op->u.login.user_id[0] ? op->u.login.user_id : NULL);
    hd_plan_param(plan, op->u.login.reason);
    hd_plan_param(plan, op->req->ip);
    hd_plan_param(plan, op->req->ua);

    return hd_plan_query(op);
}


static hd_api_rc_t
hd_api_login_recorded(hd_op_t *op, const PGresult *res)
{
    char           csrf[HD_SESSION_CSRF_LEN + 1];
    char           ttl[32];
    hd_buf_t       b;
    hd_session_t   s;

    if (!hd_api_principal_load(op, res)) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    op->login = HD_LOGIN_SUCCEEDED;

    snprintf(s.sid, sizeof(s.sid), "%s", op->me.credential);
    snprintf(s.uid, sizeof(s.uid), "%s", op->me.user_id);
    s.iat = op->req->now;
    s.exp = op->req->now + HD_SESSION_TOKEN_TTL;

    op->resp.cookie = hd_api_session_cookie(op->req, &s);
    if (op->resp.cookie == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    hd_session_csrf(op->req->session_key, s.sid, csrf);

    hd_buf_init(&b, 1024);
    hd_buf_adds(&b, "{");
    hd_buf_json_key(&b, "user");
    hd_buf_adds(&b, "{");
    hd_api_principal_render(op, &b);
    hd_buf_adds(&b, "},");
    hd_buf_json_key(&b, "csrf_token");
    hd_buf_json_string(&b, csrf);
    snprintf(ttl, sizeof(ttl), ",\"expires_in\":%d}", HD_SESSION_TOKEN_TTL);
    hd_buf_adds(&b, ttl);

    return hd_api_json_buf(op, 200, &b);
}


static hd_api_rc_t
hd_api_login_refused(hd_op_t *op, const PGresult *res)
{
    (void) res;

    op->login = HD_LOGIN_FAILED;

    return hd_api_fail(op, HD_PROBLEM_UNAUTHORIZED, hd_login_denied, NULL);
}


/* ---- POST /api/auth/logout --------------------------------------------- */

static hd_api_rc_t
hd_api_logout_done(hd_op_t *op, const PGresult *res)
{
    (void) res;

    op->resp.cookie = hd_api_session_cookie(op->req, NULL);

    return hd_api_no_content(op);
}


hd_api_rc_t
hd_api_logout(hd_op_t *op)
{
    if (op->req->cred.kind != HD_CRED_SESSION) {
        return hd_api_fail(op, HD_PROBLEM_BAD_REQUEST,
                           "only a session can sign out; revoke tokens with "
                           "DELETE /api/me/tokens/{id}", NULL);
    }

    hd_plan_start(&op->plan, "select logout($1::uuid, $2::uuid, $3::inet, "
                  "$4)", hd_api_logout_done);
    hd_plan_param(&op->plan, op->req->cred.session.sid);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    return hd_plan_query(op);
}
