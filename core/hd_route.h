/*
 * hd_route — the API's route table and the matcher over it.
 *
 * A route is a method and a path pattern whose segments are literal or a
 * "{name}" placeholder matching one non-empty segment.  The matcher tells a
 * request apart as found, unknown path (404) or known path with another
 * method (405, with the Allow list).  HEAD is answered by GET routes.
 */

#ifndef HD_ROUTE_H
#define HD_ROUTE_H

#include <stddef.h>

#include "hd_rbac.h"

typedef enum {
    HD_ROUTE_HEALTHZ = 0,
    HD_ROUTE_READYZ,
    HD_ROUTE_VERSION,
    HD_ROUTE_TEST_SLEEP,
    HD_ROUTE_TEST_ECHO,
    HD_ROUTE_LOGIN,
    HD_ROUTE_LOGOUT,
    HD_ROUTE_ME,
    HD_ROUTE_TOKENS_LIST,
    HD_ROUTE_TOKENS_CREATE,
    HD_ROUTE_TOKENS_REVOKE,
    HD_ROUTE_TEAMS_LIST,
    HD_ROUTE_USERS_LIST,
    HD_ROUTE_USERS_CREATE,
    HD_ROUTE_USERS_UPDATE,
    HD_ROUTE_TEAMS_CREATE,
    HD_ROUTE_TEAMS_UPDATE,
    HD_ROUTE_REGIONS_LIST,
    HD_ROUTE_REGIONS_CREATE,
    HD_ROUTE_REGIONS_UPDATE,
    HD_ROUTE_TICKETS_CREATE,
    HD_ROUTE_TICKETS_LIST,
    HD_ROUTE_TICKETS_GET,
    HD_ROUTE_TICKETS_UPDATE,
    HD_ROUTE_TICKETS_COMMENT,
    HD_ROUTE_TICKETS_TIMELINE,
    HD_ROUTE_TICKETS_AUDIT,
    HD_ROUTE_ATTACHMENTS_UPLOAD,
    HD_ROUTE_ATTACHMENTS_LIST,
    HD_ROUTE_ATTACHMENTS_GET,
    HD_ROUTE_TICKETS_DELETE,
    HD_ROUTE_TICKETS_BULK,
    HD_ROUTE_WATCHERS_LIST,
    HD_ROUTE_WATCHERS_ADD,
    HD_ROUTE_WATCHERS_REMOVE,
    HD_ROUTE_WORKFLOW_GET,
    HD_ROUTE_WORKFLOW_PUT,
    HD_ROUTE_CALENDARS_LIST,
    HD_ROUTE_CALENDARS_CREATE,
    HD_ROUTE_CALENDARS_UPDATE,
    HD_ROUTE_SLAS_LIST,
    HD_ROUTE_SLAS_CREATE,
    HD_ROUTE_SLAS_UPDATE,
    HD_ROUTE_TICKETS_SLA,
    HD_ROUTE_REPLIES_LIST,
    HD_ROUTE_REPLIES_CREATE,
    HD_ROUTE_REPLIES_UPDATE,
    HD_ROUTE_REPLIES_DELETE,
    HD_ROUTE_REPLIES_RENDER,
    HD_ROUTE_EMAIL_WEBHOOK,
    HD_ROUTE_EMAIL_QUARANTINE,
    HD_ROUTE_EMAIL_RETRY,
    HD_ROUTE_MAILBOXES_LIST,
    HD_ROUTE_MAILBOXES_CREATE,
    HD_ROUTE_MAILBOXES_UPDATE,
    HD_ROUTE_MAILBOXES_DELETE,
    HD_ROUTE_CUSTOM_FIELDS_LIST,
    HD_ROUTE_CUSTOM_FIELDS_ADMIN_LIST,
    HD_ROUTE_CUSTOM_FIELDS_CREATE,
    HD_ROUTE_CUSTOM_FIELDS_UPDATE,
    HD_ROUTE_CUSTOM_FIELDS_DELETE,
    HD_ROUTE_BRANDING_GET,
    HD_ROUTE_BRANDING_LOGO,
    HD_ROUTE_BRANDING_UPDATE,
    HD_ROUTE_CSAT_GET,
    HD_ROUTE_CSAT_ANSWER,
    HD_ROUTE_COUNT
} hd_route_id_t;

/* The metrics label used for requests that matched no route. */
#define HD_ROUTE_NONE  HD_ROUTE_COUNT

/* route flags */
#define HD_ROUTE_JSON_BODY  0x01    /* takes an application/json body */
#define HD_ROUTE_TEST_ONLY  0x02    /* exists only in test mode */
#define HD_ROUTE_PUBLIC     0x04    /* needs no principal */
#define HD_ROUTE_UPLOAD     0x08    /* takes a file: nginx spools the body */
#define HD_ROUTE_CONFIRMS   0x10    /* the handler answers from memory or
                                       first sends a statement that also
                                       confirms a cached principal, so it
                                       may run before that is confirmed
                                       (hd_api_auth.c) */

typedef struct {
    hd_route_id_t   id;
    const char     *method;
    const char     *pattern;
    const char     *name;       /* stable label for logs and metrics */
    unsigned        flags;
    int             action;     /* hd_rbac_action_t checked before the
                                   handler runs, or -1 */
    unsigned        relation;   /* the caller's relation for that check */
} hd_route_t;

typedef struct {
    const char     *data;
    size_t          len;
} hd_str_t;

#define HD_ROUTE_MAX_PARAMS  4

typedef enum {
    HD_ROUTE_FOUND = 0,
    HD_ROUTE_NOT_FOUND,
    HD_ROUTE_BAD_METHOD
} hd_route_rc_t;

typedef struct {
    const hd_route_t  *route;                       /* when FOUND */
    hd_str_t           params[HD_ROUTE_MAX_PARAMS]; /* placeholders, in order */
    int                nparams;
    char               allow[64];                   /* when BAD_METHOD */
} hd_route_match_t;

/*
 * Matches method and path (no query string; already percent-decoded) against
 * the table.  Test-only routes are invisible unless test_mode is set.
 */
hd_route_rc_t hd_route_match(const char *method, size_t method_len,
    const char *path, size_t path_len, int test_mode, hd_route_match_t *m);

/* The route's label, or "unmatched" for HD_ROUTE_NONE. */
const char *hd_route_name(unsigned id);

#endif /* HD_ROUTE_H */
