/*
 * hd_rbac — who may do what: the role-based access policy of the helpdesk.
 *
 * One function, hd_rbac_decide(), answers every authorization question
 * from a static matrix: for each action and each role, the relations of the
 * caller to the resource under which the action is allowed.  A caller holds
 * a set of roles and the most permissive one wins.  A refusal comes in two
 * kinds: FORBIDDEN (403) when the caller may know the resource exists, and
 * HIDDEN (404) when they must not learn even that.
 *
 * The caller works out the facts (its roles, its relations to the resource,
 * the organisation's scope setting); this file holds only the rules, does no
 * I/O and keeps no state.  core/RBAC.md shows the matrix; a check test keeps
 * that page equal to hd_rbac_render_markdown().
 */

#ifndef HD_RBAC_H
#define HD_RBAC_H

#include <stddef.h>


/* Roles: bit flags, a user may hold several (the roles table's keys). */
typedef enum {
    HD_ROLE_REQUESTER = 0x01,
    HD_ROLE_AGENT     = 0x02,
    HD_ROLE_TEAM_LEAD = 0x04,
    HD_ROLE_MANAGER   = 0x08,
    HD_ROLE_ADMIN     = 0x10
} hd_role_t;

#define HD_ROLE_COUNT  5
#define HD_ROLE_ALL    0x1f

typedef unsigned  hd_roles_t;       /* a set of hd_role_t */


/*
 * The caller's relations to the resource, a bit set; HD_REL_NONE is the
 * empty set (a stranger's ticket, another user).
 */
#define HD_REL_NONE       0x00
#define HD_REL_SELF       0x01  /* the resource is the caller's user/tokens */
#define HD_REL_REQUESTER  0x02  /* the caller requested the ticket */
#define HD_REL_WATCHER    0x04  /* the caller watches the ticket */
#define HD_REL_ASSIGNEE   0x08  /* the ticket is assigned to the caller */
#define HD_REL_TEAM       0x10  /* it belongs to one of the caller's teams */
#define HD_REL_ALL        0x1f


/*
 * The organisation's setting for agents and team leads: HD_SCOPE_TEAM
 * limits their ticket work to tickets of their teams, assigned to them, or
 * that they requested or watch; HD_SCOPE_ALL lets them work every ticket.
 * Any value other than HD_SCOPE_ALL is taken as HD_SCOPE_TEAM.
 */
typedef enum {
    HD_SCOPE_TEAM = 0,
    HD_SCOPE_ALL
} hd_scope_t;


typedef enum {
    HD_RBAC_TICKET_READ = 0,
    HD_RBAC_TICKET_CREATE,
    HD_RBAC_TICKET_CREATE_ON_BEHALF,
    HD_RBAC_TICKET_UPDATE,              /* fields */
    HD_RBAC_TICKET_TRANSITION,          /* status */
    HD_RBAC_TICKET_ASSIGN,
    HD_RBAC_TICKET_COMMENT_PUBLIC,
    HD_RBAC_TICKET_COMMENT_INTERNAL,
    HD_RBAC_TICKET_READ_INTERNAL,       /* see internal comments */
    HD_RBAC_TICKET_CLOSE_OWN,           /* a requester closing their own */
    HD_RBAC_TICKET_WATCH,
    HD_RBAC_TICKET_BULK,
    HD_RBAC_TICKET_DELETE,              /* soft */
    HD_RBAC_TICKET_AUDIT_READ,
    HD_RBAC_ATTACHMENT_UPLOAD,
    HD_RBAC_ATTACHMENT_READ,
    HD_RBAC_USER_READ_SELF,
    HD_RBAC_USER_UPDATE_SELF,
    HD_RBAC_USER_READ_ANY,              /* the directory */
    HD_RBAC_USER_ADMIN,                 /* create, invite, deactivate */
    HD_RBAC_USER_ROLES_ASSIGN,          /* then hd_rbac_may_grant() */
    HD_RBAC_TEAM_READ,
    HD_RBAC_TEAM_ADMIN,
    HD_RBAC_REGION_ADMIN,
    HD_RBAC_TOKEN_MANAGE_OWN,
    HD_RBAC_KB_READ_PUBLIC,
    HD_RBAC_KB_READ_INTERNAL,
    HD_RBAC_KB_WRITE,
    HD_RBAC_CATALOG_READ,
    HD_RBAC_CATALOG_ADMIN,
    HD_RBAC_SLA_READ,
    HD_RBAC_SLA_ADMIN,
    HD_RBAC_WORKFLOW_ADMIN,
    HD_RBAC_WORKFLOW_READ,              /* statuses and transitions */
    HD_RBAC_SAVED_REPLY_USE,
    HD_RBAC_SAVED_REPLY_ADMIN,
    HD_RBAC_EXPORT_CSV,
    HD_RBAC_DASHBOARD_READ,
    HD_RBAC_AUDIT_READ_ALL,
    HD_RBAC_SETTINGS_ADMIN,
    HD_RBAC_ACTION_COUNT
} hd_rbac_action_t;


typedef enum {
    HD_RBAC_ALLOW = 0,
    HD_RBAC_FORBIDDEN,      /* 403: the caller may know the resource exists */
    HD_RBAC_HIDDEN          /* 404: the caller must not learn it exists */
} hd_rbac_decision_t;


/*
 * The role named by len bytes of name ("agent", exact case), or 0 when the
 * name is not a role.
 */
hd_role_t hd_role_from_name(const char *name, size_t len);

/* The key of one role, or NULL when role is not exactly one known role. */
const char *hd_role_name(hd_role_t role);

/*
 * The roles named in a list separated by commas and/or white space, e.g.
 * "agent, team_lead" or the text of a roles claim.  Unknown names are
 * ignored; an empty or NULL list is the empty set.
 */
hd_roles_t hd_roles_parse(const char *list, size_t len);

/* The action's stable name ("ticket.read"), or NULL when out of range. */
const char *hd_rbac_action_name(hd_rbac_action_t action);

/* The action named by len bytes of name, or HD_RBAC_ACTION_COUNT. */
hd_rbac_action_t hd_rbac_action_from_name(const char *name, size_t len);

/*
 * Decides whether a caller holding roles may perform action on a resource
 * to which it stands in relations (HD_REL_* bits), under the given scope.
 * Allowed when any held role allows it.  Otherwise HD_RBAC_FORBIDDEN when
 * the caller may see the resource (e.g. an agent asking for admin rights,
 * a requester asking to see internal notes on their own ticket) or the
 * action concerns no hidden resource, and HD_RBAC_HIDDEN when it may not
 * (a requester asking for another's ticket or user, an out-of-scope agent
 * asking for a ticket).  Unknown role and relation bits are ignored; an
 * action out of range is HD_RBAC_HIDDEN.
 */
hd_rbac_decision_t hd_rbac_decide(hd_roles_t roles, hd_rbac_action_t action,
    unsigned relations, hd_scope_t scope);

/*
 * Whether a caller holding granter_roles may grant or revoke role (exactly
 * one role) on a user; granter_is_target is non-zero when that user is the
 * caller.  Admins may grant and revoke any role, on themselves too, except
 * their own admin role (no lock-out); managers may grant and revoke
 * requester, agent and team_lead on others; nobody else may grant anything.
 * Returns HD_RBAC_ALLOW or HD_RBAC_FORBIDDEN; whether the target user may be
 * seen at all is hd_rbac_decide(..., HD_RBAC_USER_ROLES_ASSIGN, ...).
 */
hd_rbac_decision_t hd_rbac_may_grant(hd_roles_t granter_roles,
    int granter_is_target, hd_role_t role);

/*
 * The actions a caller holding roles is allowed on at least one resource
 * it could stand in some relation to, under scope: what the UI may offer
 * (GET /api/me).  Stores up to max static names in out, in action order,
 * and returns how many there are in all (more than max: out is truncated).
 */
size_t hd_rbac_permissions(hd_roles_t roles, hd_scope_t scope,
    const char **out, size_t max);

/*
 * The matrix and the grant rules as the Markdown tables that core/RBAC.md
 * shows between its generated-section markers.  Returns a malloc'd
 * NUL-terminated string (caller frees), or NULL when out of memory.
 */
char *hd_rbac_render_markdown(void);

#endif /* HD_RBAC_H */
