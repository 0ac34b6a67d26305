/*
 * hd_route — route table and matcher.
 */

#include <string.h>

#include "hd_route.h"


#define HD_PUBLIC  HD_ROUTE_PUBLIC
#define HD_JSON    HD_ROUTE_JSON_BODY
#define HD_TEST    HD_ROUTE_TEST_ONLY
#define HD_CONFIRM HD_ROUTE_CONFIRMS

static const hd_route_t  hd_routes[HD_ROUTE_COUNT] = {
    { HD_ROUTE_HEALTHZ, "GET", "/api/healthz", "healthz", HD_PUBLIC,
      -1, 0 },
    { HD_ROUTE_READYZ, "GET", "/api/readyz", "readyz", HD_PUBLIC, -1, 0 },
    { HD_ROUTE_VERSION, "GET", "/api/version", "version", HD_PUBLIC,
      -1, 0 },
    { HD_ROUTE_TEST_SLEEP, "GET", "/api/_test/sleep", "test_sleep",
      HD_PUBLIC | HD_TEST, -1, 0 },
    { HD_ROUTE_TEST_ECHO, "POST", "/api/_test/echo", "test_echo",
      HD_PUBLIC | HD_TEST | HD_JSON, -1, 0 },

    { HD_ROUTE_LOGIN, "POST", "/api/auth/login", "auth_login",
      HD_PUBLIC | HD_JSON, -1, 0 },
    { HD_ROUTE_LOGOUT, "POST", "/api/auth/logout", "auth_logout", 0,
      -1, 0 },

    { HD_ROUTE_ME, "GET", "/api/me", "me", HD_CONFIRM,
      HD_RBAC_USER_READ_SELF, HD_REL_SELF },
    { HD_ROUTE_TOKENS_LIST, "GET", "/api/me/tokens", "tokens_list", 0,
      HD_RBAC_TOKEN_MANAGE_OWN, HD_REL_SELF },
    { HD_ROUTE_TOKENS_CREATE, "POST", "/api/me/tokens", "tokens_create",
      HD_JSON, HD_RBAC_TOKEN_MANAGE_OWN, HD_REL_SELF },
    { HD_ROUTE_TOKENS_REVOKE, "DELETE", "/api/me/tokens/{id}",
      "tokens_revoke", 0, HD_RBAC_TOKEN_MANAGE_OWN, HD_REL_SELF },

    { HD_ROUTE_TEAMS_LIST, "GET", "/api/teams", "teams_list", 0,
      HD_RBAC_TEAM_READ, HD_REL_NONE },

    { HD_ROUTE_USERS_LIST, "GET", "/api/users", "users_list", 0,
      HD_RBAC_USER_READ_ANY, HD_REL_NONE },
    { HD_ROUTE_USERS_CREATE, "POST", "/api/users", "users_create", HD_JSON,
      HD_RBAC_USER_ADMIN, HD_REL_NONE },
    { HD_ROUTE_USERS_UPDATE, "PATCH", "/api/users/{id}", "users_update",
      HD_JSON, -1, 0 },

    { HD_ROUTE_TEAMS_CREATE, "POST", "/api/teams", "teams_create", HD_JSON,
      HD_RBAC_TEAM_ADMIN, HD_REL_NONE },
    { HD_ROUTE_TEAMS_UPDATE, "PATCH", "/api/teams/{id}", "teams_update",
      HD_JSON, HD_RBAC_TEAM_ADMIN, HD_REL_NONE },
    { HD_ROUTE_REGIONS_LIST, "GET", "/api/regions", "regions_list", 0,
      HD_RBAC_TEAM_READ, HD_REL_NONE },
    { HD_ROUTE_REGIONS_CREATE, "POST", "/api/regions", "regions_create",
      HD_JSON, HD_RBAC_REGION_ADMIN, HD_REL_NONE },
    { HD_ROUTE_REGIONS_UPDATE, "PATCH", "/api/regions/{id}",
      "regions_update", HD_JSON, HD_RBAC_REGION_ADMIN, HD_REL_NONE },

    /* ticket routes decide per ticket, once its relation to the caller is
       loaded; the list filters by what the caller may read */
    { HD_ROUTE_TICKETS_CREATE, "POST", "/api/tickets", "tickets_create",
      HD_JSON, HD_RBAC_TICKET_CREATE, HD_REL_NONE },
    { HD_ROUTE_TICKETS_LIST, "GET", "/api/tickets", "tickets_list", 0,
      -1, 0 },
    { HD_ROUTE_TICKETS_GET, "GET", "/api/tickets/{id}", "tickets_get",
      HD_CONFIRM, -1, 0 },
    { HD_ROUTE_TICKETS_UPDATE, "PATCH", "/api/tickets/{id}",
      "tickets_update", HD_JSON | HD_CONFIRM, -1, 0 },
    { HD_ROUTE_TICKETS_COMMENT, "POST", "/api/tickets/{id}/comments",
      "tickets_comment", HD_JSON | HD_CONFIRM, -1, 0 },
    { HD_ROUTE_TICKETS_TIMELINE, "GET", "/api/tickets/{id}/timeline",
      "tickets_timeline", HD_CONFIRM, -1, 0 },
    { HD_ROUTE_TICKETS_AUDIT, "GET", "/api/tickets/{id}/audit",
      "tickets_audit", HD_CONFIRM, -1, 0 },
    { HD_ROUTE_ATTACHMENTS_UPLOAD, "POST", "/api/tickets/{id}/attachments",
      "attachments_upload", HD_ROUTE_UPLOAD | HD_CONFIRM, -1, 0 },
    { HD_ROUTE_ATTACHMENTS_LIST, "GET", "/api/tickets/{id}/attachments",
      "attachments_list", HD_CONFIRM, -1, 0 },
    { HD_ROUTE_ATTACHMENTS_GET, "GET", "/api/attachments/{id}",
      "attachments_get", HD_CONFIRM, -1, 0 },
    { HD_ROUTE_TICKETS_DELETE, "DELETE", "/api/tickets/{id}",
      "tickets_delete", HD_CONFIRM, -1, 0 },
    { HD_ROUTE_TICKETS_BULK, "POST", "/api/tickets/bulk", "tickets_bulk",
      HD_JSON, HD_RBAC_TICKET_BULK, HD_REL_NONE },
    { HD_ROUTE_WATCHERS_LIST, "GET", "/api/tickets/{id}/watchers",
      "watchers_list", HD_CONFIRM, -1, 0 },
    { HD_ROUTE_WATCHERS_ADD, "POST", "/api/tickets/{id}/watchers",
      "watchers_add", HD_JSON | HD_CONFIRM, -1, 0 },
    { HD_ROUTE_WATCHERS_REMOVE, "DELETE",
      "/api/tickets/{id}/watchers/{user_id}", "watchers_remove",
      HD_CONFIRM, -1, 0 },
    { HD_ROUTE_WORKFLOW_GET, "GET", "/api/workflow", "workflow_get", 0,
      HD_RBAC_WORKFLOW_READ, HD_REL_NONE },
    { HD_ROUTE_WORKFLOW_PUT, "PUT", "/api/workflow", "workflow_put",
      HD_JSON, HD_RBAC_WORKFLOW_ADMIN, HD_REL_NONE },

    { HD_ROUTE_CALENDARS_LIST, "GET", "/api/calendars", "calendars_list", 0,
      HD_RBAC_SLA_READ, HD_REL_NONE },
    { HD_ROUTE_CALENDARS_CREATE, "POST", "/api/calendars",
      "calendars_create", HD_JSON, HD_RBAC_SLA_ADMIN, HD_REL_NONE },
    { HD_ROUTE_CALENDARS_UPDATE, "PUT", "/api/calendars/{id}",
      "calendars_update", HD_JSON, HD_RBAC_SLA_ADMIN, HD_REL_NONE },
    { HD_ROUTE_SLAS_LIST, "GET", "/api/slas", "slas_list", 0,
      HD_RBAC_SLA_READ, HD_REL_NONE },
    { HD_ROUTE_SLAS_CREATE, "POST", "/api/slas", "slas_create", HD_JSON,
      HD_RBAC_SLA_ADMIN, HD_REL_NONE },
    { HD_ROUTE_SLAS_UPDATE, "PATCH", "/api/slas/{id}", "slas_update",
      HD_JSON, HD_RBAC_SLA_ADMIN, HD_REL_NONE },
    { HD_ROUTE_TICKETS_SLA, "GET", "/api/tickets/{id}/sla", "tickets_sla", 0,
      -1, 0 },

    /* saved replies: sharing and changing shared ones needs
       saved_reply.admin too, decided by the handler */
    { HD_ROUTE_REPLIES_LIST, "GET", "/api/saved-replies", "replies_list", 0,
      HD_RBAC_SAVED_REPLY_USE, HD_REL_NONE },
    { HD_ROUTE_REPLIES_CREATE, "POST", "/api/saved-replies",
      "replies_create", HD_JSON, HD_RBAC_SAVED_REPLY_USE, HD_REL_NONE },
    { HD_ROUTE_REPLIES_UPDATE, "PATCH", "/api/saved-replies/{id}",
      "replies_update", HD_JSON, HD_RBAC_SAVED_REPLY_USE, HD_REL_NONE },
    { HD_ROUTE_REPLIES_DELETE, "DELETE", "/api/saved-replies/{id}",
      "replies_delete", 0, HD_RBAC_SAVED_REPLY_USE, HD_REL_NONE },
    { HD_ROUTE_REPLIES_RENDER, "POST",
      "/api/tickets/{id}/saved-replies/{reply_id}/render", "replies_render",
      0, HD_RBAC_SAVED_REPLY_USE, HD_REL_NONE },

    /* inbound email: the MTA's webhook is signed (HMAC), not logged in */
    { HD_ROUTE_EMAIL_WEBHOOK, "POST", "/api/webhooks/email-inbound",
      "email_webhook", HD_PUBLIC|HD_ROUTE_UPLOAD, -1, 0 },
    { HD_ROUTE_EMAIL_QUARANTINE, "GET", "/api/admin/email/quarantine",
      "email_quarantine", 0, HD_RBAC_SETTINGS_ADMIN, HD_REL_NONE },
    { HD_ROUTE_EMAIL_RETRY, "POST", "/api/admin/email/quarantine/{id}/retry",
      "email_retry", 0, HD_RBAC_SETTINGS_ADMIN, HD_REL_NONE },
    { HD_ROUTE_MAILBOXES_LIST, "GET", "/api/admin/mailboxes",
      "mailboxes_list", 0, HD_RBAC_SETTINGS_ADMIN, HD_REL_NONE },
    { HD_ROUTE_MAILBOXES_CREATE, "POST", "/api/admin/mailboxes",
      "mailboxes_create", HD_JSON, HD_RBAC_SETTINGS_ADMIN, HD_REL_NONE },
    { HD_ROUTE_MAILBOXES_UPDATE, "PATCH", "/api/admin/mailboxes/{id}",
      "mailboxes_update", HD_JSON, HD_RBAC_SETTINGS_ADMIN, HD_REL_NONE },
    { HD_ROUTE_MAILBOXES_DELETE, "DELETE", "/api/admin/mailboxes/{id}",
      "mailboxes_delete", 0, HD_RBAC_SETTINGS_ADMIN, HD_REL_NONE },

    /* whoever may file a ticket sees the custom fields a form shows */
    { HD_ROUTE_CUSTOM_FIELDS_LIST, "GET", "/api/custom-fields",
      "custom_fields_list", 0, HD_RBAC_TICKET_CREATE, HD_REL_NONE },
    { HD_ROUTE_CUSTOM_FIELDS_ADMIN_LIST, "GET", "/api/admin/custom-fields",
      "custom_fields_admin_list", 0, HD_RBAC_SETTINGS_ADMIN, HD_REL_NONE },
    { HD_ROUTE_CUSTOM_FIELDS_CREATE, "POST", "/api/admin/custom-fields",
      "custom_fields_create", HD_JSON, HD_RBAC_SETTINGS_ADMIN, HD_REL_NONE },
    { HD_ROUTE_CUSTOM_FIELDS_UPDATE, "PATCH", "/api/admin/custom-fields/{id}",
      "custom_fields_update", HD_JSON, HD_RBAC_SETTINGS_ADMIN, HD_REL_NONE },
    { HD_ROUTE_CUSTOM_FIELDS_DELETE, "DELETE",
      "/api/admin/custom-fields/{id}", "custom_fields_delete", 0,
      HD_RBAC_SETTINGS_ADMIN, HD_REL_NONE },

    /* branding: the login page shows it, so reading it is public */
    { HD_ROUTE_BRANDING_GET, "GET", "/api/branding", "branding_get",
      HD_PUBLIC, -1, 0 },
    { HD_ROUTE_BRANDING_LOGO, "GET", "/api/branding/logo", "branding_logo",
      HD_PUBLIC, -1, 0 },
    { HD_ROUTE_BRANDING_UPDATE, "PATCH", "/api/admin/branding",
      "branding_update", HD_JSON, HD_RBAC_SETTINGS_ADMIN, HD_REL_NONE },

    /* the satisfaction survey: the emailed token is the credential */
    { HD_ROUTE_CSAT_GET, "GET", "/api/csat/{token}", "csat_get", HD_PUBLIC,
      -1, 0 },
    { HD_ROUTE_CSAT_ANSWER, "POST", "/api/csat/{token}", "csat_answer",
      HD_PUBLIC | HD_JSON, -1, 0 },
};


/*
 * Matches one pattern against a path, collecting placeholder values.
 * Returns 1 on a match.
 */
static int
hd_route_match_path(const char *pattern, const char *path, size_t len,
    hd_route_match_t *m)
{
    const char  *p, *end, *seg;

    p = path;
    end = path + len;
    m->nparams = 0;

    while (*pattern != '\0') {

        if (*pattern != '{') {
            if (p == end || *p != *pattern) {
                return 0;
            }
            p++;
            pattern++;
            continue;
        }

        /* "{name}": one non-empty segment */

        pattern = strchr(pattern, '}');
        if (pattern == NULL || m->nparams == HD_ROUTE_MAX_PARAMS) {
            return 0;
        }
        pattern++;

        seg = p;
        while (p < end && *p != '/') {
            p++;
        }

        if (p == seg) {
            return 0;
        }

        m->params[m->nparams].data = seg;
        m->params[m->nparams].len = (size_t) (p - seg);
        m->nparams++;
    }

    return p == end;
}


static int
hd_route_method_is(const hd_route_t *rt, const char *method, size_t len)
{
    if (strlen(rt->method) == len && memcmp(rt->method, method, len) == 0) {
        return 1;
    }

    return len == 4 && memcmp(method, "HEAD", 4) == 0
           && strcmp(rt->method, "GET") == 0;
}


/*
 * Appends a method to the Allow list, GET bringing HEAD along.
 */
static void
hd_route_allow_add(char *allow, size_t size, const char *method)
{
    size_t  n;

    n = strlen(allow);

    if (strstr(allow, method) != NULL) {
        return;
    }

    if (n + strlen(method) + 9 >= size) {
        return;
    }

    if (n > 0) {
        strcat(allow, ", ");
    }

    strcat(allow, method);

    if (strcmp(method, "GET") == 0) {
        strcat(allow, ", HEAD");
    }
}


hd_route_rc_t
hd_route_match(const char *method, size_t method_len, const char *path,
    size_t path_len, int test_mode, hd_route_match_t *m)
{
    int                i, path_known;
    hd_route_match_t   tmp;
    const hd_route_t  *rt;

    path_known = 0;
    m->route = NULL;
    m->nparams = 0;
    m->allow[0] = '\0';

    for (i = 0; i < HD_ROUTE_COUNT; i++) {
        rt = &hd_routes[i];

        if ((rt->flags & HD_ROUTE_TEST_ONLY) && !test_mode) {
            continue;
        }

        if (!hd_route_match_path(rt->pattern, path, path_len, &tmp)) {
            continue;
        }

        if (hd_route_method_is(rt, method, method_len)) {
            *m = tmp;
            m->route = rt;
            return HD_ROUTE_FOUND;
        }

        path_known = 1;
        hd_route_allow_add(m->allow, sizeof(m->allow), rt->method);
    }

    return path_known ? HD_ROUTE_BAD_METHOD : HD_ROUTE_NOT_FOUND;
}


const char *
hd_route_name(unsigned id)
{
    if (id >= HD_ROUTE_COUNT) {
        return "unmatched";
    }

    return hd_routes[id].name;
}
