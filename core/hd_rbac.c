/*
 * hd_rbac — the policy matrix and the decisions over it.
 */

#include <stdlib.h>
#include <string.h>

#include "hd_buf.h"
#include "hd_rbac.h"


/*
 * A cell of the matrix: the relations (HD_REL_* bits) under which one role
 * may perform one action, or one of two wider conditions.
 */
#define HD_RBAC_ANY     0x100   /* whatever the relation, none included */
#define HD_RBAC_SCOPED  0x200   /* any ticket under HD_SCOPE_ALL, else one
                                   standing in HD_RBAC_IN_SCOPE */

#define HD_RBAC_IN_SCOPE  (HD_REL_TEAM | HD_REL_ASSIGNEE | HD_REL_REQUESTER \
                           | HD_REL_WATCHER)

/*
 * What a refusal may reveal depends on the kind of resource an action is
 * about: an open one (no resource, or one whose existence is no secret) is
 * refused with 403; any other with 403 when the caller may see it, else 404.
 */
typedef enum {
    HD_RBAC_OPEN = 0,
    HD_RBAC_TICKET,
    HD_RBAC_USER,
    HD_RBAC_TOKEN,
    HD_RBAC_KB_INTERNAL,
    HD_RBAC_KIND_COUNT
} hd_rbac_kind_t;

#define HD_RBAC_SEEN_MAX  2

typedef struct {
    const char      *name;
    hd_rbac_kind_t   kind;
    unsigned         allow[HD_ROLE_COUNT];  /* requester … admin */
} hd_rbac_rule_t;


static const char  *hd_role_names[HD_ROLE_COUNT] = {
    "requester", "agent", "team_lead", "manager", "admin"
};

#define HD_REL_COUNT  5

/* HD_REL_* bit by bit, lowest first */
static const char  *hd_rel_names[HD_REL_COUNT] = {
    "self", "requester", "watcher", "assignee", "team"
};


/*
 * The actions that let a caller see a resource of each kind, in
 * hd_rbac_kind_t order; HD_RBAC_ACTION_COUNT fills an unused place.
 */
static const hd_rbac_action_t
    hd_rbac_seen_by[HD_RBAC_KIND_COUNT][HD_RBAC_SEEN_MAX] =
{
    /* HD_RBAC_OPEN: never hidden */
    { HD_RBAC_ACTION_COUNT, HD_RBAC_ACTION_COUNT },
    /* HD_RBAC_TICKET */
    { HD_RBAC_TICKET_READ, HD_RBAC_ACTION_COUNT },
    /* HD_RBAC_USER */
    { HD_RBAC_USER_READ_ANY, HD_RBAC_USER_READ_SELF },
    /* HD_RBAC_TOKEN */
    { HD_RBAC_TOKEN_MANAGE_OWN, HD_RBAC_ACTION_COUNT },
    /* HD_RBAC_KB_INTERNAL */
    { HD_RBAC_KB_READ_INTERNAL, HD_RBAC_ACTION_COUNT },
};


/* short names, so that a row of the matrix reads as one line */
#define OPEN    HD_RBAC_OPEN
#define TKT     HD_RBAC_TICKET
#define USR     HD_RBAC_USER
#define TOK     HD_RBAC_TOKEN
#define KBI     HD_RBAC_KB_INTERNAL

#define NO      0
#define ANY     HD_RBAC_ANY
#define SCOPE   HD_RBAC_SCOPED
#define SELF    HD_REL_SELF
#define OWN     HD_REL_REQUESTER
#define MINE    (HD_REL_REQUESTER | HD_REL_WATCHER)
#define TEAM    (HD_REL_TEAM | HD_REL_ASSIGNEE)   /* their team's, or theirs */

/*
 * The matrix, in hd_rbac_action_t order.  Requesters act only on tickets
 * they requested or watch and never on internal notes; agents work tickets
 * in scope; team leads also assign within their team, bulk edit, delete,
 * manage saved replies and read dashboards; managers do all of that on
 * every ticket, read the whole audit log and administer teams, SLAs, the
 * catalog and roles up to team lead; admins do everything.  The *_own and
 * *_self actions concern the caller's own things only, for every role.
 */
static const hd_rbac_rule_t  hd_rbac_rules[HD_RBAC_ACTION_COUNT] = {

    /* action                    kind    req    agent  lead   mgr    admin */

    { "ticket.read",             TKT,  { MINE,  SCOPE, SCOPE, ANY,   ANY   } },
    { "ticket.create",           OPEN, { ANY,   ANY,   ANY,   ANY,   ANY   } },
    { "ticket.create_on_behalf", OPEN, { NO,    ANY,   ANY,   ANY,   ANY   } },
    { "ticket.update",           TKT,  { NO,    SCOPE, SCOPE, ANY,   ANY   } },
    { "ticket.transition",       TKT,  { NO,    SCOPE, SCOPE, ANY,   ANY   } },
    { "ticket.assign",           TKT,  { NO,    NO,    TEAM,  ANY,   ANY   } },
    { "ticket.comment_public",   TKT,  { MINE,  SCOPE, SCOPE, ANY,   ANY   } },
    { "ticket.comment_internal", TKT,  { NO,    SCOPE, SCOPE, ANY,   ANY   } },
    { "ticket.read_internal",    TKT,  { NO,    SCOPE, SCOPE, ANY,   ANY   } },
    { "ticket.close_own",        TKT,  { OWN,   OWN,   OWN,   OWN,   OWN   } },
    { "ticket.watch",            TKT,  { MINE,  SCOPE, SCOPE, ANY,   ANY   } },
    { "ticket.bulk",             OPEN, { NO,    NO,    ANY,   ANY,   ANY   } },
    { "ticket.delete",           TKT,  { NO,    NO,    SCOPE, ANY,   ANY   } },
    { "ticket.audit_read",       TKT,  { NO,    SCOPE, SCOPE, ANY,   ANY   } },
    { "attachment.upload",       TKT,  { MINE,  SCOPE, SCOPE, ANY,   ANY   } },
    { "attachment.read",         TKT,  { MINE,  SCOPE, SCOPE, ANY,   ANY   } },

    { "user.read_self",          USR,  { SELF,  SELF,  SELF,  SELF,  SELF  } },
    { "user.update_self",        USR,  { SELF,  SELF,  SELF,  SELF,  SELF  } },
    { "user.read_any",           USR,  { NO,    ANY,   ANY,   ANY,   ANY   } },
    { "user.admin",              USR,  { NO,    NO,    NO,    NO,    ANY   } },
    { "user.roles_assign",       USR,  { NO,    NO,    NO,    ANY,   ANY   } },

    { "team.read",               OPEN, { NO,    ANY,   ANY,   ANY,   ANY   } },
    { "team.admin",              OPEN, { NO,    NO,    NO,    ANY,   ANY   } },
    { "region.admin",            OPEN, { NO,    NO,    NO,    NO,    ANY   } },
    { "token.manage_own",        TOK,  { SELF,  SELF,  SELF,  SELF,  SELF  } },

    { "kb.read_public",          OPEN, { ANY,   ANY,   ANY,   ANY,   ANY   } },
    { "kb.read_internal",        KBI,  { NO,    ANY,   ANY,   ANY,   ANY   } },
    { "kb.write",                OPEN, { NO,    ANY,   ANY,   ANY,   ANY   } },
    { "catalog.read",            OPEN, { ANY,   ANY,   ANY,   ANY,   ANY   } },
    { "catalog.admin",           OPEN, { NO,    NO,    NO,    ANY,   ANY   } },
    { "sla.read",                OPEN, { NO,    ANY,   ANY,   ANY,   ANY   } },
    { "sla.admin",               OPEN, { NO,    NO,    NO,    ANY,   ANY   } },
    { "workflow.admin",          OPEN, { NO,    NO,    NO,    NO,    ANY   } },
    { "workflow.read",           OPEN, { ANY,   ANY,   ANY,   ANY,   ANY   } },
    { "saved_reply.use",         OPEN, { NO,    ANY,   ANY,   ANY,   ANY   } },
    { "saved_reply.admin",       OPEN, { NO,    NO,    ANY,   ANY,   ANY   } },
    { "export.csv",              OPEN, { NO,    ANY,   ANY,   ANY,   ANY   } },
    { "dashboard.read",          OPEN, { NO,    NO,    ANY,   ANY,   ANY   } },
    { "audit.read_all",          OPEN, { NO,    NO,    NO,    ANY,   ANY   } },
    { "settings.admin",          OPEN, { NO,    NO,    NO,    NO,    ANY   } },
};

#undef OPEN
#undef TKT
#undef USR
#undef TOK
#undef KBI
#undef NO
#undef ANY
#undef SCOPE
#undef SELF
#undef OWN
#undef MINE
#undef TEAM


/* The roles each role may grant or revoke, on others and on itself. */
static const struct {
    hd_roles_t  others;
    hd_roles_t  self;
} hd_rbac_grants[HD_ROLE_COUNT] = {
    { 0, 0 },
    { 0, 0 },
    { 0, 0 },
    { HD_ROLE_REQUESTER | HD_ROLE_AGENT | HD_ROLE_TEAM_LEAD, 0 },
    { HD_ROLE_ALL, HD_ROLE_ALL & ~HD_ROLE_ADMIN },
};


hd_role_t
hd_role_from_name(const char *name, size_t len)
{
    int  i;

    for (i = 0; i < HD_ROLE_COUNT; i++) {
        if (strlen(hd_role_names[i]) == len
            && memcmp(hd_role_names[i], name, len) == 0)
        {
            return (hd_role_t) (1u << i);
        }
    }

    return 0;
}


const char *
hd_role_name(hd_role_t role)
{
    int  i;

    for (i = 0; i < HD_ROLE_COUNT; i++) {
        if ((unsigned) role == 1u << i) {
            return hd_role_names[i];
        }
    }

    return NULL;
}


static int
hd_roles_is_sep(char ch)
{
    return ch == ',' || ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}


hd_roles_t
hd_roles_parse(const char *list, size_t len)
{
    const char  *p, *end, *name;
    hd_roles_t   roles;

    roles = 0;

    if (list == NULL) {
        return 0;
    }

    p = list;
    end = list + len;

    while (p < end) {

        while (p < end && hd_roles_is_sep(*p)) {
            p++;
        }

        name = p;
        while (p < end && !hd_roles_is_sep(*p)) {
            p++;
        }

        if (p > name) {
            roles |= hd_role_from_name(name, (size_t) (p - name));
        }
    }

    return roles;
}


const char *
hd_rbac_action_name(hd_rbac_action_t action)
{
    if ((unsigned) action >= HD_RBAC_ACTION_COUNT) {
        return NULL;
    }

    return hd_rbac_rules[action].name;
}


hd_rbac_action_t
hd_rbac_action_from_name(const char *name, size_t len)
{
    int  a;

    for (a = 0; a < HD_RBAC_ACTION_COUNT; a++) {
        if (strlen(hd_rbac_rules[a].name) == len
            && memcmp(hd_rbac_rules[a].name, name, len) == 0)
        {
            return (hd_rbac_action_t) a;
        }
    }

    return HD_RBAC_ACTION_COUNT;
}


/*
 * Whether one cell allows the action to a caller in relations under scope.
 */
static int
hd_rbac_cell_allows(unsigned cell, unsigned relations, hd_scope_t scope)
{
    if (cell & HD_RBAC_ANY) {
        return 1;
    }

    if ((cell & HD_RBAC_SCOPED)
        && (scope == HD_SCOPE_ALL || (relations & HD_RBAC_IN_SCOPE)))
    {
        return 1;
    }

    return (cell & relations & HD_REL_ALL) != 0;
}


/*
 * Whether any of the roles allows the action: the most permissive wins.
 */
static int
hd_rbac_allows(hd_roles_t roles, hd_rbac_action_t action, unsigned relations,
    hd_scope_t scope)
{
    int  i;

    for (i = 0; i < HD_ROLE_COUNT; i++) {
        if ((roles & (1u << i))
            && hd_rbac_cell_allows(hd_rbac_rules[action].allow[i], relations,
                                   scope))
        {
            return 1;
        }
    }

    return 0;
}


hd_rbac_decision_t
hd_rbac_decide(hd_roles_t roles, hd_rbac_action_t action, unsigned relations,
    hd_scope_t scope)
{
    int                      i;
    hd_rbac_kind_t           kind;
    const hd_rbac_action_t  *seen;

    if ((unsigned) action >= HD_RBAC_ACTION_COUNT) {
        return HD_RBAC_HIDDEN;
    }

    if (hd_rbac_allows(roles, action, relations, scope)) {
        return HD_RBAC_ALLOW;
    }

    kind = hd_rbac_rules[action].kind;

    if (kind == HD_RBAC_OPEN) {
        return HD_RBAC_FORBIDDEN;
    }

    seen = hd_rbac_seen_by[kind];

    for (i = 0; i < HD_RBAC_SEEN_MAX; i++) {
        if (seen[i] != HD_RBAC_ACTION_COUNT
            && hd_rbac_allows(roles, seen[i], relations, scope))
        {
            return HD_RBAC_FORBIDDEN;
        }
    }

    return HD_RBAC_HIDDEN;
}


hd_rbac_decision_t
hd_rbac_may_grant(hd_roles_t granter_roles, int granter_is_target,
    hd_role_t role)
{
    int         i;
    hd_roles_t  grantable;

    if (hd_role_name(role) == NULL) {
        return HD_RBAC_FORBIDDEN;
    }

    grantable = 0;

    for (i = 0; i < HD_ROLE_COUNT; i++) {
        if (granter_roles & (1u << i)) {
            grantable |= granter_is_target ? hd_rbac_grants[i].self
                                           : hd_rbac_grants[i].others;
        }
    }

    return (grantable & role) ? HD_RBAC_ALLOW : HD_RBAC_FORBIDDEN;
}


size_t
hd_rbac_permissions(hd_roles_t roles, hd_scope_t scope, const char **out,
    size_t max)
{
    int     a;
    size_t  n;

    n = 0;

    /* more relations never allow less, so all of them at once will do */

    for (a = 0; a < HD_RBAC_ACTION_COUNT; a++) {
        if (hd_rbac_allows(roles, (hd_rbac_action_t) a, HD_REL_ALL, scope)) {
            if (n < max) {
                out[n] = hd_rbac_rules[a].name;
            }
            n++;
        }
    }

    return n;
}


/* Markdown rendering */

static void
hd_rbac_add_code(hd_buf_t *b, const char *s)
{
    hd_buf_adds(b, "`");
    hd_buf_adds(b, s);
    hd_buf_adds(b, "`");
}


/* A set of roles as "requester, agent", or "—" when empty. */
static void
hd_rbac_render_roles(hd_buf_t *b, hd_roles_t roles)
{
    int          i;
    const char  *sep;

    if (roles == 0) {
        hd_buf_adds(b, "—");
        return;
    }

    sep = "";

    for (i = 0; i < HD_ROLE_COUNT; i++) {
        if (roles & (1u << i)) {
            hd_buf_adds(b, sep);
            hd_buf_adds(b, hd_role_names[i]);
            sep = ", ";
        }
    }
}


/* A cell as "yes", "in scope", "if requester or watcher" or "—". */
static void
hd_rbac_render_cell(hd_buf_t *b, unsigned cell)
{
    int          i;
    const char  *sep;

    if (cell == 0) {
        hd_buf_adds(b, "—");
        return;
    }

    if (cell & HD_RBAC_ANY) {
        hd_buf_adds(b, "yes");
        return;
    }

    sep = "if ";

    if (cell & HD_RBAC_SCOPED) {
        hd_buf_adds(b, "in scope");
        sep = ", or if ";
    }

    for (i = 0; i < HD_REL_COUNT; i++) {
        if (cell & (1u << i)) {
            hd_buf_adds(b, sep);
            hd_buf_adds(b, hd_rel_names[i]);
            sep = " or ";
        }
    }
}


/*
 * What a refusal of the action answers: "403", "404", or "403 if `x`, else
 * 404" when another action lets the caller see the resource.
 */
static void
hd_rbac_render_denied(hd_buf_t *b, hd_rbac_action_t action)
{
    int                      i, n;
    hd_rbac_kind_t           kind;
    const hd_rbac_action_t  *seen;

    kind = hd_rbac_rules[action].kind;

    if (kind == HD_RBAC_OPEN) {
        hd_buf_adds(b, "403");
        return;
    }

    seen = hd_rbac_seen_by[kind];
    n = 0;

    for (i = 0; i < HD_RBAC_SEEN_MAX; i++) {
        if (seen[i] == HD_RBAC_ACTION_COUNT || seen[i] == action) {
            continue;
        }

        hd_buf_adds(b, n == 0 ? "403 if " : " or ");
        hd_rbac_add_code(b, hd_rbac_rules[seen[i]].name);
        n++;
    }

    hd_buf_adds(b, n == 0 ? "404" : ", else 404");
}


char *
hd_rbac_render_markdown(void)
{
    int        a, i;
    size_t     len;
    hd_buf_t   b;

    hd_buf_init(&b, 4096);

    hd_buf_adds(&b, "| Action |");
    for (i = 0; i < HD_ROLE_COUNT; i++) {
        hd_buf_adds(&b, " ");
        hd_buf_adds(&b, hd_role_names[i]);
        hd_buf_adds(&b, " |");
    }
    hd_buf_adds(&b, " When denied |\n|---|");
    for (i = 0; i < HD_ROLE_COUNT; i++) {
        hd_buf_adds(&b, "---|");
    }
    hd_buf_adds(&b, "---|\n");

    for (a = 0; a < HD_RBAC_ACTION_COUNT; a++) {
        hd_buf_adds(&b, "| ");
        hd_rbac_add_code(&b, hd_rbac_rules[a].name);
        hd_buf_adds(&b, " |");

        for (i = 0; i < HD_ROLE_COUNT; i++) {
            hd_buf_adds(&b, " ");
            hd_rbac_render_cell(&b, hd_rbac_rules[a].allow[i]);
            hd_buf_adds(&b, " |");
        }

        hd_buf_adds(&b, " ");
        hd_rbac_render_denied(&b, (hd_rbac_action_t) a);
        hd_buf_adds(&b, " |\n");
    }

    hd_buf_adds(&b, "\n| Granter holds | May grant or revoke on others"
                    " | On themselves |\n|---|---|---|\n");

    for (i = 0; i < HD_ROLE_COUNT; i++) {
        hd_buf_adds(&b, "| ");
        hd_buf_adds(&b, hd_role_names[i]);
        hd_buf_adds(&b, " | ");
        hd_rbac_render_roles(&b, hd_rbac_grants[i].others);
        hd_buf_adds(&b, " | ");
        hd_rbac_render_roles(&b, hd_rbac_grants[i].self);
        hd_buf_adds(&b, " |\n");
    }

    return hd_buf_take(&b, &len);
}
