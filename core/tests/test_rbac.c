#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "hd_rbac.h"
#include "hd_tests.h"


#define RQ  HD_ROLE_REQUESTER
#define AG  HD_ROLE_AGENT
#define TL  HD_ROLE_TEAM_LEAD
#define MG  HD_ROLE_MANAGER
#define AD  HD_ROLE_ADMIN

#define NROLES  5
#define NRELS   6


static const hd_role_t  roles[NROLES] = { RQ, AG, TL, MG, AD };

/* The relations a cell of the expected table is written for, in order. */
static const unsigned  rels[NRELS] = {
    HD_REL_NONE, HD_REL_SELF, HD_REL_REQUESTER, HD_REL_WATCHER,
    HD_REL_ASSIGNEE, HD_REL_TEAM
};

static const char  *rel_names[NRELS] = {
    "none", "self", "requester", "watcher", "assignee", "team"
};


/*
 * What each role should get for each action, written out by hand from the
 * policy in core/RBAC.md, not from the implementation's tables.  Each
 * string has one letter per relation in rels[] order (none, self,
 * requester, watcher, assignee, team): A allow, F forbidden (403), H hidden
 * (404); the first string under HD_SCOPE_TEAM, the second under
 * HD_SCOPE_ALL.
 */
typedef struct {
    hd_rbac_action_t   action;
    hd_role_t          role;
    const char        *team;
    const char        *all;
} expect_t;

static const expect_t  expected[] = {

    { HD_RBAC_TICKET_READ, RQ,              "HHAAHH", "HHAAHH" },
    { HD_RBAC_TICKET_READ, AG,              "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_READ, TL,              "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_READ, MG,              "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_READ, AD,              "AAAAAA", "AAAAAA" },

    { HD_RBAC_TICKET_CREATE, RQ,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_CREATE, AG,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_CREATE, TL,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_CREATE, MG,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_CREATE, AD,            "AAAAAA", "AAAAAA" },

    { HD_RBAC_TICKET_CREATE_ON_BEHALF, RQ,  "FFFFFF", "FFFFFF" },
    { HD_RBAC_TICKET_CREATE_ON_BEHALF, AG,  "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_CREATE_ON_BEHALF, TL,  "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_CREATE_ON_BEHALF, MG,  "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_CREATE_ON_BEHALF, AD,  "AAAAAA", "AAAAAA" },

    { HD_RBAC_TICKET_UPDATE, RQ,            "HHFFHH", "HHFFHH" },
    { HD_RBAC_TICKET_UPDATE, AG,            "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_UPDATE, TL,            "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_UPDATE, MG,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_UPDATE, AD,            "AAAAAA", "AAAAAA" },

    { HD_RBAC_TICKET_TRANSITION, RQ,        "HHFFHH", "HHFFHH" },
    { HD_RBAC_TICKET_TRANSITION, AG,        "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_TRANSITION, TL,        "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_TRANSITION, MG,        "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_TRANSITION, AD,        "AAAAAA", "AAAAAA" },

    { HD_RBAC_TICKET_ASSIGN, RQ,            "HHFFHH", "HHFFHH" },
    { HD_RBAC_TICKET_ASSIGN, AG,            "HHFFFF", "FFFFFF" },
    { HD_RBAC_TICKET_ASSIGN, TL,            "HHFFAA", "FFFFAA" },
    { HD_RBAC_TICKET_ASSIGN, MG,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_ASSIGN, AD,            "AAAAAA", "AAAAAA" },

    { HD_RBAC_TICKET_COMMENT_PUBLIC, RQ,    "HHAAHH", "HHAAHH" },
    { HD_RBAC_TICKET_COMMENT_PUBLIC, AG,    "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_COMMENT_PUBLIC, TL,    "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_COMMENT_PUBLIC, MG,    "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_COMMENT_PUBLIC, AD,    "AAAAAA", "AAAAAA" },

    { HD_RBAC_TICKET_COMMENT_INTERNAL, RQ,  "HHFFHH", "HHFFHH" },
    { HD_RBAC_TICKET_COMMENT_INTERNAL, AG,  "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_COMMENT_INTERNAL, TL,  "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_COMMENT_INTERNAL, MG,  "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_COMMENT_INTERNAL, AD,  "AAAAAA", "AAAAAA" },

    { HD_RBAC_TICKET_READ_INTERNAL, RQ,     "HHFFHH", "HHFFHH" },
    { HD_RBAC_TICKET_READ_INTERNAL, AG,     "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_READ_INTERNAL, TL,     "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_READ_INTERNAL, MG,     "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_READ_INTERNAL, AD,     "AAAAAA", "AAAAAA" },

    { HD_RBAC_TICKET_CLOSE_OWN, RQ,         "HHAFHH", "HHAFHH" },
    { HD_RBAC_TICKET_CLOSE_OWN, AG,         "HHAFFF", "FFAFFF" },
    { HD_RBAC_TICKET_CLOSE_OWN, TL,         "HHAFFF", "FFAFFF" },
    { HD_RBAC_TICKET_CLOSE_OWN, MG,         "FFAFFF", "FFAFFF" },
    { HD_RBAC_TICKET_CLOSE_OWN, AD,         "FFAFFF", "FFAFFF" },

    { HD_RBAC_TICKET_WATCH, RQ,             "HHAAHH", "HHAAHH" },
    { HD_RBAC_TICKET_WATCH, AG,             "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_WATCH, TL,             "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_WATCH, MG,             "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_WATCH, AD,             "AAAAAA", "AAAAAA" },

    { HD_RBAC_TICKET_BULK, RQ,              "FFFFFF", "FFFFFF" },
    { HD_RBAC_TICKET_BULK, AG,              "FFFFFF", "FFFFFF" },
    { HD_RBAC_TICKET_BULK, TL,              "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_BULK, MG,              "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_BULK, AD,              "AAAAAA", "AAAAAA" },

    { HD_RBAC_TICKET_DELETE, RQ,            "HHFFHH", "HHFFHH" },
    { HD_RBAC_TICKET_DELETE, AG,            "HHFFFF", "FFFFFF" },
    { HD_RBAC_TICKET_DELETE, TL,            "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_DELETE, MG,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_DELETE, AD,            "AAAAAA", "AAAAAA" },

    { HD_RBAC_TICKET_AUDIT_READ, RQ,        "HHFFHH", "HHFFHH" },
    { HD_RBAC_TICKET_AUDIT_READ, AG,        "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_AUDIT_READ, TL,        "HHAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_AUDIT_READ, MG,        "AAAAAA", "AAAAAA" },
    { HD_RBAC_TICKET_AUDIT_READ, AD,        "AAAAAA", "AAAAAA" },

    { HD_RBAC_ATTACHMENT_UPLOAD, RQ,        "HHAAHH", "HHAAHH" },
    { HD_RBAC_ATTACHMENT_UPLOAD, AG,        "HHAAAA", "AAAAAA" },
    { HD_RBAC_ATTACHMENT_UPLOAD, TL,        "HHAAAA", "AAAAAA" },
    { HD_RBAC_ATTACHMENT_UPLOAD, MG,        "AAAAAA", "AAAAAA" },
    { HD_RBAC_ATTACHMENT_UPLOAD, AD,        "AAAAAA", "AAAAAA" },

    { HD_RBAC_ATTACHMENT_READ, RQ,          "HHAAHH", "HHAAHH" },
    { HD_RBAC_ATTACHMENT_READ, AG,          "HHAAAA", "AAAAAA" },
    { HD_RBAC_ATTACHMENT_READ, TL,          "HHAAAA", "AAAAAA" },
    { HD_RBAC_ATTACHMENT_READ, MG,          "AAAAAA", "AAAAAA" },
    { HD_RBAC_ATTACHMENT_READ, AD,          "AAAAAA", "AAAAAA" },

    { HD_RBAC_USER_READ_SELF, RQ,           "HAHHHH", "HAHHHH" },
    { HD_RBAC_USER_READ_SELF, AG,           "FAFFFF", "FAFFFF" },
    { HD_RBAC_USER_READ_SELF, TL,           "FAFFFF", "FAFFFF" },
    { HD_RBAC_USER_READ_SELF, MG,           "FAFFFF", "FAFFFF" },
    { HD_RBAC_USER_READ_SELF, AD,           "FAFFFF", "FAFFFF" },

    { HD_RBAC_USER_UPDATE_SELF, RQ,         "HAHHHH", "HAHHHH" },
    { HD_RBAC_USER_UPDATE_SELF, AG,         "FAFFFF", "FAFFFF" },
    { HD_RBAC_USER_UPDATE_SELF, TL,         "FAFFFF", "FAFFFF" },
    { HD_RBAC_USER_UPDATE_SELF, MG,         "FAFFFF", "FAFFFF" },
    { HD_RBAC_USER_UPDATE_SELF, AD,         "FAFFFF", "FAFFFF" },

    { HD_RBAC_USER_READ_ANY, RQ,            "HFHHHH", "HFHHHH" },
    { HD_RBAC_USER_READ_ANY, AG,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_USER_READ_ANY, TL,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_USER_READ_ANY, MG,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_USER_READ_ANY, AD,            "AAAAAA", "AAAAAA" },

    { HD_RBAC_USER_ADMIN, RQ,               "HFHHHH", "HFHHHH" },
    { HD_RBAC_USER_ADMIN, AG,               "FFFFFF", "FFFFFF" },
    { HD_RBAC_USER_ADMIN, TL,               "FFFFFF", "FFFFFF" },
    { HD_RBAC_USER_ADMIN, MG,               "FFFFFF", "FFFFFF" },
    { HD_RBAC_USER_ADMIN, AD,               "AAAAAA", "AAAAAA" },

    { HD_RBAC_USER_ROLES_ASSIGN, RQ,        "HFHHHH", "HFHHHH" },
    { HD_RBAC_USER_ROLES_ASSIGN, AG,        "FFFFFF", "FFFFFF" },
    { HD_RBAC_USER_ROLES_ASSIGN, TL,        "FFFFFF", "FFFFFF" },
    { HD_RBAC_USER_ROLES_ASSIGN, MG,        "AAAAAA", "AAAAAA" },
    { HD_RBAC_USER_ROLES_ASSIGN, AD,        "AAAAAA", "AAAAAA" },

    { HD_RBAC_TEAM_READ, RQ,                "FFFFFF", "FFFFFF" },
    { HD_RBAC_TEAM_READ, AG,                "AAAAAA", "AAAAAA" },
    { HD_RBAC_TEAM_READ, TL,                "AAAAAA", "AAAAAA" },
    { HD_RBAC_TEAM_READ, MG,                "AAAAAA", "AAAAAA" },
    { HD_RBAC_TEAM_READ, AD,                "AAAAAA", "AAAAAA" },

    { HD_RBAC_TEAM_ADMIN, RQ,               "FFFFFF", "FFFFFF" },
    { HD_RBAC_TEAM_ADMIN, AG,               "FFFFFF", "FFFFFF" },
    { HD_RBAC_TEAM_ADMIN, TL,               "FFFFFF", "FFFFFF" },
    { HD_RBAC_TEAM_ADMIN, MG,               "AAAAAA", "AAAAAA" },
    { HD_RBAC_TEAM_ADMIN, AD,               "AAAAAA", "AAAAAA" },

    { HD_RBAC_REGION_ADMIN, RQ,             "FFFFFF", "FFFFFF" },
    { HD_RBAC_REGION_ADMIN, AG,             "FFFFFF", "FFFFFF" },
    { HD_RBAC_REGION_ADMIN, TL,             "FFFFFF", "FFFFFF" },
    { HD_RBAC_REGION_ADMIN, MG,             "FFFFFF", "FFFFFF" },
    { HD_RBAC_REGION_ADMIN, AD,             "AAAAAA", "AAAAAA" },

    { HD_RBAC_TOKEN_MANAGE_OWN, RQ,         "HAHHHH", "HAHHHH" },
    { HD_RBAC_TOKEN_MANAGE_OWN, AG,         "HAHHHH", "HAHHHH" },
    { HD_RBAC_TOKEN_MANAGE_OWN, TL,         "HAHHHH", "HAHHHH" },
    { HD_RBAC_TOKEN_MANAGE_OWN, MG,         "HAHHHH", "HAHHHH" },
    { HD_RBAC_TOKEN_MANAGE_OWN, AD,         "HAHHHH", "HAHHHH" },

    { HD_RBAC_KB_READ_PUBLIC, RQ,           "AAAAAA", "AAAAAA" },
    { HD_RBAC_KB_READ_PUBLIC, AG,           "AAAAAA", "AAAAAA" },
    { HD_RBAC_KB_READ_PUBLIC, TL,           "AAAAAA", "AAAAAA" },
    { HD_RBAC_KB_READ_PUBLIC, MG,           "AAAAAA", "AAAAAA" },
    { HD_RBAC_KB_READ_PUBLIC, AD,           "AAAAAA", "AAAAAA" },

    { HD_RBAC_KB_READ_INTERNAL, RQ,         "HHHHHH", "HHHHHH" },
    { HD_RBAC_KB_READ_INTERNAL, AG,         "AAAAAA", "AAAAAA" },
    { HD_RBAC_KB_READ_INTERNAL, TL,         "AAAAAA", "AAAAAA" },
    { HD_RBAC_KB_READ_INTERNAL, MG,         "AAAAAA", "AAAAAA" },
    { HD_RBAC_KB_READ_INTERNAL, AD,         "AAAAAA", "AAAAAA" },

    { HD_RBAC_KB_WRITE, RQ,                 "FFFFFF", "FFFFFF" },
    { HD_RBAC_KB_WRITE, AG,                 "AAAAAA", "AAAAAA" },
    { HD_RBAC_KB_WRITE, TL,                 "AAAAAA", "AAAAAA" },
    { HD_RBAC_KB_WRITE, MG,                 "AAAAAA", "AAAAAA" },
    { HD_RBAC_KB_WRITE, AD,                 "AAAAAA", "AAAAAA" },

    { HD_RBAC_CATALOG_READ, RQ,             "AAAAAA", "AAAAAA" },
    { HD_RBAC_CATALOG_READ, AG,             "AAAAAA", "AAAAAA" },
    { HD_RBAC_CATALOG_READ, TL,             "AAAAAA", "AAAAAA" },
    { HD_RBAC_CATALOG_READ, MG,             "AAAAAA", "AAAAAA" },
    { HD_RBAC_CATALOG_READ, AD,             "AAAAAA", "AAAAAA" },

    { HD_RBAC_CATALOG_ADMIN, RQ,            "FFFFFF", "FFFFFF" },
    { HD_RBAC_CATALOG_ADMIN, AG,            "FFFFFF", "FFFFFF" },
    { HD_RBAC_CATALOG_ADMIN, TL,            "FFFFFF", "FFFFFF" },
    { HD_RBAC_CATALOG_ADMIN, MG,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_CATALOG_ADMIN, AD,            "AAAAAA", "AAAAAA" },

    { HD_RBAC_SLA_READ, RQ,                 "FFFFFF", "FFFFFF" },
    { HD_RBAC_SLA_READ, AG,                 "AAAAAA", "AAAAAA" },
    { HD_RBAC_SLA_READ, TL,                 "AAAAAA", "AAAAAA" },
    { HD_RBAC_SLA_READ, MG,                 "AAAAAA", "AAAAAA" },
    { HD_RBAC_SLA_READ, AD,                 "AAAAAA", "AAAAAA" },

    { HD_RBAC_SLA_ADMIN, RQ,                "FFFFFF", "FFFFFF" },
    { HD_RBAC_SLA_ADMIN, AG,                "FFFFFF", "FFFFFF" },
    { HD_RBAC_SLA_ADMIN, TL,                "FFFFFF", "FFFFFF" },
    { HD_RBAC_SLA_ADMIN, MG,                "AAAAAA", "AAAAAA" },
    { HD_RBAC_SLA_ADMIN, AD,                "AAAAAA", "AAAAAA" },

    { HD_RBAC_WORKFLOW_ADMIN, RQ,           "FFFFFF", "FFFFFF" },
    { HD_RBAC_WORKFLOW_ADMIN, AG,           "FFFFFF", "FFFFFF" },
    { HD_RBAC_WORKFLOW_ADMIN, TL,           "FFFFFF", "FFFFFF" },
    { HD_RBAC_WORKFLOW_ADMIN, MG,           "FFFFFF", "FFFFFF" },
    { HD_RBAC_WORKFLOW_ADMIN, AD,           "AAAAAA", "AAAAAA" },

    { HD_RBAC_WORKFLOW_READ, RQ,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_WORKFLOW_READ, AG,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_WORKFLOW_READ, TL,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_WORKFLOW_READ, MG,            "AAAAAA", "AAAAAA" },
    { HD_RBAC_WORKFLOW_READ, AD,            "AAAAAA", "AAAAAA" },

    { HD_RBAC_SAVED_REPLY_USE, RQ,          "FFFFFF", "FFFFFF" },
    { HD_RBAC_SAVED_REPLY_USE, AG,          "AAAAAA", "AAAAAA" },
    { HD_RBAC_SAVED_REPLY_USE, TL,          "AAAAAA", "AAAAAA" },
    { HD_RBAC_SAVED_REPLY_USE, MG,          "AAAAAA", "AAAAAA" },
    { HD_RBAC_SAVED_REPLY_USE, AD,          "AAAAAA", "AAAAAA" },

    { HD_RBAC_SAVED_REPLY_ADMIN, RQ,        "FFFFFF", "FFFFFF" },
    { HD_RBAC_SAVED_REPLY_ADMIN, AG,        "FFFFFF", "FFFFFF" },
    { HD_RBAC_SAVED_REPLY_ADMIN, TL,        "AAAAAA", "AAAAAA" },
    { HD_RBAC_SAVED_REPLY_ADMIN, MG,        "AAAAAA", "AAAAAA" },
    { HD_RBAC_SAVED_REPLY_ADMIN, AD,        "AAAAAA", "AAAAAA" },

    { HD_RBAC_EXPORT_CSV, RQ,               "FFFFFF", "FFFFFF" },
    { HD_RBAC_EXPORT_CSV, AG,               "AAAAAA", "AAAAAA" },
    { HD_RBAC_EXPORT_CSV, TL,               "AAAAAA", "AAAAAA" },
    { HD_RBAC_EXPORT_CSV, MG,               "AAAAAA", "AAAAAA" },
    { HD_RBAC_EXPORT_CSV, AD,               "AAAAAA", "AAAAAA" },

    { HD_RBAC_DASHBOARD_READ, RQ,           "FFFFFF", "FFFFFF" },
    { HD_RBAC_DASHBOARD_READ, AG,           "FFFFFF", "FFFFFF" },
    { HD_RBAC_DASHBOARD_READ, TL,           "AAAAAA", "AAAAAA" },
    { HD_RBAC_DASHBOARD_READ, MG,           "AAAAAA", "AAAAAA" },
    { HD_RBAC_DASHBOARD_READ, AD,           "AAAAAA", "AAAAAA" },

    { HD_RBAC_AUDIT_READ_ALL, RQ,           "FFFFFF", "FFFFFF" },
    { HD_RBAC_AUDIT_READ_ALL, AG,           "FFFFFF", "FFFFFF" },
    { HD_RBAC_AUDIT_READ_ALL, TL,           "FFFFFF", "FFFFFF" },
    { HD_RBAC_AUDIT_READ_ALL, MG,           "AAAAAA", "AAAAAA" },
    { HD_RBAC_AUDIT_READ_ALL, AD,           "AAAAAA", "AAAAAA" },

    { HD_RBAC_SETTINGS_ADMIN, RQ,           "FFFFFF", "FFFFFF" },
    { HD_RBAC_SETTINGS_ADMIN, AG,           "FFFFFF", "FFFFFF" },
    { HD_RBAC_SETTINGS_ADMIN, TL,           "FFFFFF", "FFFFFF" },
    { HD_RBAC_SETTINGS_ADMIN, MG,           "FFFFFF", "FFFFFF" },
    { HD_RBAC_SETTINGS_ADMIN, AD,           "AAAAAA", "AAAAAA" },
};

#define NEXPECTED  (int) (sizeof(expected) / sizeof(expected[0]))


/* The action names, in enum order, as the API and the UI know them. */
static const char  *action_names[] = {
    "ticket.read", "ticket.create", "ticket.create_on_behalf",
    "ticket.update", "ticket.transition", "ticket.assign",
    "ticket.comment_public", "ticket.comment_internal",
    "ticket.read_internal", "ticket.close_own", "ticket.watch",
    "ticket.bulk", "ticket.delete", "ticket.audit_read",
    "attachment.upload", "attachment.read",
    "user.read_self", "user.update_self", "user.read_any", "user.admin",
    "user.roles_assign", "team.read", "team.admin", "region.admin",
    "token.manage_own", "kb.read_public", "kb.read_internal", "kb.write",
    "catalog.read", "catalog.admin", "sla.read", "sla.admin",
    "workflow.admin", "workflow.read", "saved_reply.use", "saved_reply.admin", "export.csv",
    "dashboard.read", "audit.read_all", "settings.admin"
};


static char
letter(hd_rbac_decision_t d)
{
    switch (d) {
    case HD_RBAC_ALLOW:
        return 'A';
    case HD_RBAC_FORBIDDEN:
        return 'F';
    case HD_RBAC_HIDDEN:
        return 'H';
    }

    return '?';
}


/* A > F > H: how much a decision lets the caller do or know. */
static int
rank(char c)
{
    return c == 'A' ? 2 : c == 'F' ? 1 : 0;
}


static const expect_t *
expected_for(hd_rbac_action_t action, hd_role_t role)
{
    int  i;

    for (i = 0; i < NEXPECTED; i++) {
        if (expected[i].action == action && expected[i].role == role) {
            return &expected[i];
        }
    }

    return NULL;
}


/*
 * The expected letter for a set of roles and relations: the best over each
 * held role and each relation held (no relation included), since more
 * roles and more relations never allow or reveal less.  index holds the
 * expected_for() answers.
 */
static char
expected_letter(const expect_t *index[][NROLES], hd_roles_t set,
    hd_rbac_action_t action, unsigned relations, hd_scope_t scope)
{
    int          i, j;
    char         best;
    const char  *row;

    best = 'H';

    for (i = 0; i < NROLES; i++) {
        if (!(set & roles[i])) {
            continue;
        }

        row = scope == HD_SCOPE_ALL ? index[action][i]->all
                                    : index[action][i]->team;

        for (j = 0; j < NRELS; j++) {
            if ((j == 0 || (relations & rels[j]))
                && rank(row[j]) > rank(best))
            {
                best = row[j];
            }
        }
    }

    return best;
}


START_TEST(rbac_expected_table_covers_every_cell)
{
    int  a, i;

    ck_assert_int_eq(NEXPECTED, HD_RBAC_ACTION_COUNT * NROLES);

    for (a = 0; a < HD_RBAC_ACTION_COUNT; a++) {
        for (i = 0; i < NROLES; i++) {
            ck_assert_msg(expected_for((hd_rbac_action_t) a, roles[i])
                          != NULL, "no expectation for %s as %s",
                          action_names[a], hd_role_name(roles[i]));
        }
    }
}
END_TEST


/* One cell of the matrix: an action for a role, each relation, each scope. */
START_TEST(rbac_cell)
{
    int                  j;
    char                 got;
    const expect_t      *e;
    hd_rbac_decision_t   d;

    e = &expected[_i];

    for (j = 0; j < NRELS; j++) {
        d = hd_rbac_decide(e->role, e->action, rels[j], HD_SCOPE_TEAM);
        got = letter(d);
        ck_assert_msg(got == e->team[j],
                      "%s as %s, relation %s, team scope: got %c, want %c",
                      action_names[e->action], hd_role_name(e->role),
                      rel_names[j], got, e->team[j]);

        d = hd_rbac_decide(e->role, e->action, rels[j], HD_SCOPE_ALL);
        got = letter(d);
        ck_assert_msg(got == e->all[j],
                      "%s as %s, relation %s, all scope: got %c, want %c",
                      action_names[e->action], hd_role_name(e->role),
                      rel_names[j], got, e->all[j]);
    }
}
END_TEST


/*
 * Every set of roles, every set of relations, both scopes: the most
 * permissive role and relation win, refusals included.
 */
START_TEST(rbac_several_relations_and_roles_combine)
{
    int              a, i;
    char             got, want;
    unsigned         relations;
    hd_roles_t       set;
    hd_scope_t       scope;
    const expect_t  *index[HD_RBAC_ACTION_COUNT][NROLES];

    for (a = 0; a < HD_RBAC_ACTION_COUNT; a++) {
        for (i = 0; i < NROLES; i++) {
            index[a][i] = expected_for((hd_rbac_action_t) a, roles[i]);
            ck_assert_ptr_nonnull(index[a][i]);
        }
    }

    for (set = 1; set <= HD_ROLE_ALL; set++) {
        for (a = 0; a < HD_RBAC_ACTION_COUNT; a++) {
            for (relations = 0; relations <= HD_REL_ALL; relations++) {
                for (scope = HD_SCOPE_TEAM; scope <= HD_SCOPE_ALL; scope++) {
                    want = expected_letter(index, set, (hd_rbac_action_t) a,
                                           relations, scope);
                    got = letter(hd_rbac_decide(set, (hd_rbac_action_t) a,
                                                relations, scope));
                    if (got != want) {
                        ck_abort_msg("%s with roles 0x%02x relations 0x%02x"
                                     " scope %d: got %c, want %c",
                                     action_names[a], set, relations,
                                     (int) scope, got, want);
                    }
                }
            }
        }
    }
}
END_TEST


START_TEST(requester_cannot_see_others_ticket_gets_hidden)
{
    ck_assert_int_eq(hd_rbac_decide(RQ, HD_RBAC_TICKET_READ, HD_REL_NONE,
                                    HD_SCOPE_ALL), HD_RBAC_HIDDEN);
    ck_assert_int_eq(hd_rbac_decide(RQ, HD_RBAC_TICKET_COMMENT_PUBLIC,
                                    HD_REL_NONE, HD_SCOPE_ALL),
                     HD_RBAC_HIDDEN);
    ck_assert_int_eq(hd_rbac_decide(RQ, HD_RBAC_ATTACHMENT_READ,
                                    HD_REL_NONE, HD_SCOPE_ALL),
                     HD_RBAC_HIDDEN);
    ck_assert_int_eq(hd_rbac_decide(RQ, HD_RBAC_TICKET_CLOSE_OWN,
                                    HD_REL_NONE, HD_SCOPE_ALL),
                     HD_RBAC_HIDDEN);

    /* a requester in a team still sees only their own tickets */
    ck_assert_int_eq(hd_rbac_decide(RQ, HD_RBAC_TICKET_READ, HD_REL_TEAM,
                                    HD_SCOPE_ALL), HD_RBAC_HIDDEN);

    /* nor another user, nor another user's tokens */
    ck_assert_int_eq(hd_rbac_decide(RQ, HD_RBAC_USER_READ_ANY, HD_REL_NONE,
                                    HD_SCOPE_ALL), HD_RBAC_HIDDEN);
    ck_assert_int_eq(hd_rbac_decide(RQ, HD_RBAC_USER_READ_SELF,
                                    HD_REL_NONE, HD_SCOPE_ALL),
                     HD_RBAC_HIDDEN);
    ck_assert_int_eq(hd_rbac_decide(RQ, HD_RBAC_TOKEN_MANAGE_OWN,
                                    HD_REL_NONE, HD_SCOPE_ALL),
                     HD_RBAC_HIDDEN);

    /* their own are theirs */
    ck_assert_int_eq(hd_rbac_decide(RQ, HD_RBAC_TICKET_READ,
                                    HD_REL_REQUESTER, HD_SCOPE_TEAM),
                     HD_RBAC_ALLOW);
    ck_assert_int_eq(hd_rbac_decide(RQ, HD_RBAC_TICKET_READ, HD_REL_WATCHER,
                                    HD_SCOPE_TEAM), HD_RBAC_ALLOW);
}
END_TEST


START_TEST(requester_never_reads_internal)
{
    unsigned    relations;
    hd_scope_t  scope;

    for (relations = 0; relations <= HD_REL_ALL; relations++) {
        for (scope = HD_SCOPE_TEAM; scope <= HD_SCOPE_ALL; scope++) {
            ck_assert_int_ne(hd_rbac_decide(RQ, HD_RBAC_TICKET_READ_INTERNAL,
                                            relations, scope),
                             HD_RBAC_ALLOW);
            ck_assert_int_ne(hd_rbac_decide(RQ,
                                            HD_RBAC_TICKET_COMMENT_INTERNAL,
                                            relations, scope),
                             HD_RBAC_ALLOW);
            ck_assert_int_eq(hd_rbac_decide(RQ, HD_RBAC_KB_READ_INTERNAL,
                                            relations, scope),
                             HD_RBAC_HIDDEN);
        }
    }

    /* on their own ticket they know the ticket, so it is a plain refusal */
    ck_assert_int_eq(hd_rbac_decide(RQ, HD_RBAC_TICKET_READ_INTERNAL,
                                    HD_REL_REQUESTER, HD_SCOPE_ALL),
                     HD_RBAC_FORBIDDEN);
}
END_TEST


START_TEST(agent_cannot_raise_own_role)
{
    int  i;

    for (i = 0; i < NROLES; i++) {
        ck_assert_int_eq(hd_rbac_may_grant(AG, 1, roles[i]),
                         HD_RBAC_FORBIDDEN);
        ck_assert_int_eq(hd_rbac_may_grant(RQ | AG, 1, roles[i]),
                         HD_RBAC_FORBIDDEN);
    }

    ck_assert_int_eq(hd_rbac_decide(AG, HD_RBAC_USER_ROLES_ASSIGN,
                                    HD_REL_SELF, HD_SCOPE_ALL),
                     HD_RBAC_FORBIDDEN);
}
END_TEST


START_TEST(team_lead_cannot_grant_admin)
{
    ck_assert_int_eq(hd_rbac_may_grant(TL, 0, AD), HD_RBAC_FORBIDDEN);
    ck_assert_int_eq(hd_rbac_may_grant(TL | AG, 0, AD), HD_RBAC_FORBIDDEN);
    ck_assert_int_eq(hd_rbac_may_grant(TL, 0, AG), HD_RBAC_FORBIDDEN);
    ck_assert_int_eq(hd_rbac_decide(TL, HD_RBAC_USER_ROLES_ASSIGN,
                                    HD_REL_TEAM, HD_SCOPE_ALL),
                     HD_RBAC_FORBIDDEN);

    /* nor may a manager, who grants up to team lead */
    ck_assert_int_eq(hd_rbac_may_grant(MG, 0, AD), HD_RBAC_FORBIDDEN);
    ck_assert_int_eq(hd_rbac_may_grant(MG, 0, MG), HD_RBAC_FORBIDDEN);
    ck_assert_int_eq(hd_rbac_may_grant(MG, 0, TL), HD_RBAC_ALLOW);
}
END_TEST


START_TEST(admin_cannot_drop_own_admin)
{
    ck_assert_int_eq(hd_rbac_may_grant(AD, 1, AD), HD_RBAC_FORBIDDEN);
    ck_assert_int_eq(hd_rbac_may_grant(AD | MG, 1, AD), HD_RBAC_FORBIDDEN);

    /* other roles on themselves, and admin on others, are fine */
    ck_assert_int_eq(hd_rbac_may_grant(AD, 1, AG), HD_RBAC_ALLOW);
    ck_assert_int_eq(hd_rbac_may_grant(AD, 1, MG), HD_RBAC_ALLOW);
    ck_assert_int_eq(hd_rbac_may_grant(AD, 0, AD), HD_RBAC_ALLOW);
}
END_TEST


START_TEST(team_scoped_agent_hidden_outside_team)
{
    int  i;
    static const hd_rbac_action_t  work[] = {
        HD_RBAC_TICKET_READ, HD_RBAC_TICKET_UPDATE,
        HD_RBAC_TICKET_TRANSITION, HD_RBAC_TICKET_COMMENT_INTERNAL,
        HD_RBAC_TICKET_READ_INTERNAL, HD_RBAC_ATTACHMENT_READ,
        HD_RBAC_TICKET_AUDIT_READ
    };

    for (i = 0; i < (int) (sizeof(work) / sizeof(work[0])); i++) {
        ck_assert_int_eq(hd_rbac_decide(AG, work[i], HD_REL_NONE,
                                        HD_SCOPE_TEAM), HD_RBAC_HIDDEN);
        ck_assert_int_eq(hd_rbac_decide(TL, work[i], HD_REL_NONE,
                                        HD_SCOPE_TEAM), HD_RBAC_HIDDEN);
        ck_assert_int_eq(hd_rbac_decide(AG, work[i], HD_REL_TEAM,
                                        HD_SCOPE_TEAM), HD_RBAC_ALLOW);
        ck_assert_int_eq(hd_rbac_decide(AG, work[i], HD_REL_ASSIGNEE,
                                        HD_SCOPE_TEAM), HD_RBAC_ALLOW);
        ck_assert_int_eq(hd_rbac_decide(AG, work[i], HD_REL_NONE,
                                        HD_SCOPE_ALL), HD_RBAC_ALLOW);
    }

    /* an unknown scope value is the narrow one */
    ck_assert_int_eq(hd_rbac_decide(AG, HD_RBAC_TICKET_READ, HD_REL_NONE,
                                    (hd_scope_t) 7), HD_RBAC_HIDDEN);
}
END_TEST


START_TEST(multiple_roles_most_permissive_wins)
{
    ck_assert_int_eq(hd_rbac_decide(RQ | AG, HD_RBAC_TICKET_READ_INTERNAL,
                                    HD_REL_REQUESTER, HD_SCOPE_TEAM),
                     HD_RBAC_ALLOW);
    ck_assert_int_eq(hd_rbac_decide(RQ | AD, HD_RBAC_SETTINGS_ADMIN,
                                    HD_REL_NONE, HD_SCOPE_TEAM),
                     HD_RBAC_ALLOW);
    ck_assert_int_eq(hd_rbac_decide(AG | TL, HD_RBAC_TICKET_ASSIGN,
                                    HD_REL_TEAM, HD_SCOPE_TEAM),
                     HD_RBAC_ALLOW);
    ck_assert_int_eq(hd_rbac_decide(AG | MG, HD_RBAC_TICKET_UPDATE,
                                    HD_REL_NONE, HD_SCOPE_TEAM),
                     HD_RBAC_ALLOW);

    /* the refusal is also the most telling one: an agent sees the user */
    ck_assert_int_eq(hd_rbac_decide(RQ | AG, HD_RBAC_USER_ADMIN,
                                    HD_REL_NONE, HD_SCOPE_ALL),
                     HD_RBAC_FORBIDDEN);

    ck_assert_int_eq(hd_rbac_may_grant(AG | MG, 0, TL), HD_RBAC_ALLOW);
}
END_TEST


START_TEST(rbac_no_roles_may_do_nothing)
{
    int                 a;
    hd_rbac_decision_t  d;

    for (a = 0; a < HD_RBAC_ACTION_COUNT; a++) {
        d = hd_rbac_decide(0, (hd_rbac_action_t) a, HD_REL_ALL,
                           HD_SCOPE_ALL);
        ck_assert_msg(d != HD_RBAC_ALLOW, "%s allowed without roles",
                      action_names[a]);
    }

    ck_assert_int_eq(hd_rbac_decide(0, HD_RBAC_TICKET_READ, HD_REL_ALL,
                                    HD_SCOPE_ALL), HD_RBAC_HIDDEN);
    ck_assert_int_eq(hd_rbac_decide(0, HD_RBAC_TICKET_CREATE, HD_REL_NONE,
                                    HD_SCOPE_ALL), HD_RBAC_FORBIDDEN);

    /* bits that are no role are no role */
    ck_assert_int_eq(hd_rbac_decide(0x20, HD_RBAC_TICKET_CREATE,
                                    HD_REL_NONE, HD_SCOPE_ALL),
                     HD_RBAC_FORBIDDEN);
}
END_TEST


START_TEST(rbac_bad_input_is_denied)
{
    ck_assert_int_eq(hd_rbac_decide(HD_ROLE_ALL, HD_RBAC_ACTION_COUNT,
                                    HD_REL_ALL, HD_SCOPE_ALL),
                     HD_RBAC_HIDDEN);
    ck_assert_int_eq(hd_rbac_decide(HD_ROLE_ALL, (hd_rbac_action_t) -1,
                                    HD_REL_ALL, HD_SCOPE_ALL),
                     HD_RBAC_HIDDEN);

    /* relation bits that mean nothing grant nothing */
    ck_assert_int_eq(hd_rbac_decide(RQ, HD_RBAC_TICKET_READ, 0x40,
                                    HD_SCOPE_ALL), HD_RBAC_HIDDEN);
    ck_assert_int_eq(hd_rbac_decide(AG, HD_RBAC_TICKET_READ, 0x40,
                                    HD_SCOPE_TEAM), HD_RBAC_HIDDEN);

    /* a grant names exactly one known role */
    ck_assert_int_eq(hd_rbac_may_grant(AD, 0, 0), HD_RBAC_FORBIDDEN);
    ck_assert_int_eq(hd_rbac_may_grant(AD, 0, (hd_role_t) (AG | TL)),
                     HD_RBAC_FORBIDDEN);
    ck_assert_int_eq(hd_rbac_may_grant(AD, 0, (hd_role_t) 0x20),
                     HD_RBAC_FORBIDDEN);
    ck_assert_int_eq(hd_rbac_may_grant(0, 0, RQ), HD_RBAC_FORBIDDEN);
}
END_TEST


/*
 * The grant rules: for each granter role, on another user and on
 * themselves, A or F per role granted, in RQ AG TL MG AD order.
 */
START_TEST(rbac_grant_table)
{
    int   i, j;
    char  got;

    static const struct {
        hd_role_t    granter;
        const char  *others;
        const char  *self;
    } grants[] = {
        { RQ, "FFFFF", "FFFFF" },
        { AG, "FFFFF", "FFFFF" },
        { TL, "FFFFF", "FFFFF" },
        { MG, "AAAFF", "FFFFF" },
        { AD, "AAAAA", "AAAAF" },
    };

    for (i = 0; i < NROLES; i++) {
        for (j = 0; j < NROLES; j++) {
            got = letter(hd_rbac_may_grant(grants[i].granter, 0, roles[j]));
            ck_assert_msg(got == grants[i].others[j],
                          "%s granting %s to another: got %c",
                          hd_role_name(grants[i].granter),
                          hd_role_name(roles[j]), got);

            got = letter(hd_rbac_may_grant(grants[i].granter, 1, roles[j]));
            ck_assert_msg(got == grants[i].self[j],
                          "%s granting %s to themselves: got %c",
                          hd_role_name(grants[i].granter),
                          hd_role_name(roles[j]), got);
        }
    }
}
END_TEST


START_TEST(rbac_action_names_round_trip)
{
    int          a;
    const char  *name;

    ck_assert_int_eq((int) (sizeof(action_names) / sizeof(action_names[0])),
                     HD_RBAC_ACTION_COUNT);

    for (a = 0; a < HD_RBAC_ACTION_COUNT; a++) {
        name = hd_rbac_action_name((hd_rbac_action_t) a);
        ck_assert_ptr_nonnull(name);
        ck_assert_str_eq(name, action_names[a]);
        ck_assert_int_eq(hd_rbac_action_from_name(name, strlen(name)), a);
    }

    ck_assert_ptr_null(hd_rbac_action_name(HD_RBAC_ACTION_COUNT));
    ck_assert_int_eq(hd_rbac_action_from_name("ticket.rea", 10),
                     HD_RBAC_ACTION_COUNT);
    ck_assert_int_eq(hd_rbac_action_from_name("ticket.reads", 12),
                     HD_RBAC_ACTION_COUNT);
    ck_assert_int_eq(hd_rbac_action_from_name("ticket.readX", 11),
                     HD_RBAC_TICKET_READ);
}
END_TEST


START_TEST(rbac_role_names)
{
    ck_assert_int_eq(hd_role_from_name("requester", 9), RQ);
    ck_assert_int_eq(hd_role_from_name("agent", 5), AG);
    ck_assert_int_eq(hd_role_from_name("team_lead", 9), TL);
    ck_assert_int_eq(hd_role_from_name("manager", 7), MG);
    ck_assert_int_eq(hd_role_from_name("admin", 5), AD);

    ck_assert_int_eq(hd_role_from_name("Admin", 5), 0);
    ck_assert_int_eq(hd_role_from_name("admi", 4), 0);
    ck_assert_int_eq(hd_role_from_name("administrator", 13), 0);
    ck_assert_int_eq(hd_role_from_name("", 0), 0);

    ck_assert_str_eq(hd_role_name(TL), "team_lead");
    ck_assert_str_eq(hd_role_name(AD), "admin");
    ck_assert_ptr_null(hd_role_name(0));
    ck_assert_ptr_null(hd_role_name((hd_role_t) (AG | AD)));
    ck_assert_ptr_null(hd_role_name((hd_role_t) 0x20));
}
END_TEST


START_TEST(rbac_roles_parse_ignores_unknown)
{
    const char  *s;

    s = "agent, team_lead";
    ck_assert_uint_eq(hd_roles_parse(s, strlen(s)), AG | TL);

    s = " admin,,superuser\trequester\n";
    ck_assert_uint_eq(hd_roles_parse(s, strlen(s)), AD | RQ);

    s = "root, Admin, agents";
    ck_assert_uint_eq(hd_roles_parse(s, strlen(s)), 0);

    /* only len bytes are read */
    s = "agent,admin";
    ck_assert_uint_eq(hd_roles_parse(s, 5), AG);
    ck_assert_uint_eq(hd_roles_parse(s, 8), AG);

    ck_assert_uint_eq(hd_roles_parse("", 0), 0);
    ck_assert_uint_eq(hd_roles_parse(NULL, 10), 0);
    ck_assert_uint_eq(hd_roles_parse(" , ", 3), 0);
}
END_TEST


START_TEST(rbac_permissions_for_requester_and_agent)
{
    size_t        i, n;
    const char   *out[HD_RBAC_ACTION_COUNT];

    static const char  *requester[] = {
        "ticket.read", "ticket.create", "ticket.comment_public",
        "ticket.close_own", "ticket.watch", "attachment.upload",
        "attachment.read", "user.read_self", "user.update_self",
        "token.manage_own", "kb.read_public", "catalog.read",
        "workflow.read"
    };

    static const char  *agent[] = {
        "ticket.read", "ticket.create", "ticket.create_on_behalf",
        "ticket.update", "ticket.transition", "ticket.comment_public",
        "ticket.comment_internal", "ticket.read_internal",
        "ticket.close_own", "ticket.watch", "ticket.audit_read",
        "attachment.upload", "attachment.read", "user.read_self",
        "user.update_self", "user.read_any", "team.read",
        "token.manage_own", "kb.read_public", "kb.read_internal",
        "kb.write", "catalog.read", "sla.read", "workflow.read",
        "saved_reply.use", "export.csv"
    };

    n = hd_rbac_permissions(RQ, HD_SCOPE_TEAM, out, HD_RBAC_ACTION_COUNT);
    ck_assert_uint_eq(n, sizeof(requester) / sizeof(requester[0]));
    for (i = 0; i < n; i++) {
        ck_assert_str_eq(out[i], requester[i]);
    }

    /* a team-scoped agent still has every action on their team's tickets */
    n = hd_rbac_permissions(AG, HD_SCOPE_TEAM, out, HD_RBAC_ACTION_COUNT);
    ck_assert_uint_eq(n, sizeof(agent) / sizeof(agent[0]));
    for (i = 0; i < n; i++) {
        ck_assert_str_eq(out[i], agent[i]);
    }

    ck_assert_uint_eq(hd_rbac_permissions(AG, HD_SCOPE_ALL, out,
                                          HD_RBAC_ACTION_COUNT), n);
}
END_TEST


START_TEST(rbac_permissions_admin_all_and_truncation)
{
    size_t       i, n;
    const char  *out[HD_RBAC_ACTION_COUNT];
    const char  *small[3];

    n = hd_rbac_permissions(AD, HD_SCOPE_TEAM, out, HD_RBAC_ACTION_COUNT);
    ck_assert_uint_eq(n, HD_RBAC_ACTION_COUNT);
    for (i = 0; i < n; i++) {
        ck_assert_str_eq(out[i], action_names[i]);
    }

    small[2] = "untouched";
    ck_assert_uint_eq(hd_rbac_permissions(RQ, HD_SCOPE_ALL, small, 2), 13);
    ck_assert_str_eq(small[0], "ticket.read");
    ck_assert_str_eq(small[1], "ticket.create");
    ck_assert_str_eq(small[2], "untouched");

    ck_assert_uint_eq(hd_rbac_permissions(0, HD_SCOPE_ALL, out,
                                          HD_RBAC_ACTION_COUNT), 0);
    ck_assert_uint_eq(hd_rbac_permissions(AD, HD_SCOPE_ALL, NULL, 0),
                      HD_RBAC_ACTION_COUNT);
}
END_TEST


#define DOC_BEGIN  "<!-- BEGIN hd_rbac_render_markdown -->\n"
#define DOC_END    "<!-- END hd_rbac_render_markdown -->"


/* Reads a whole file into a malloc'd NUL-terminated string, or NULL. */
static char *
read_file(const char *path)
{
    long   size;
    char  *data;
    FILE  *f;

    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }

    data = NULL;

    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0
        && fseek(f, 0, SEEK_SET) == 0)
    {
        data = malloc((size_t) size + 1);
        if (data != NULL) {
            if (fread(data, 1, (size_t) size, f) != (size_t) size) {
                free(data);
                data = NULL;

            } else {
                data[size] = '\0';
            }
        }
    }

    fclose(f);

    return data;
}


/*
 * core/RBAC.md shows the tables the code decides by: the part between the
 * markers must be exactly hd_rbac_render_markdown().  On a mismatch the
 * rendering is written to build/rbac-matrix.md for pasting.
 */
START_TEST(rbac_doc_matches_tables)
{
    int          same;
    char        *doc, *md, *begin, *end;
    char         path[1024];
    FILE        *f;
    const char  *dir;

    dir = getenv("HD_SRCDIR");
    snprintf(path, sizeof(path), "%s%score/RBAC.md", dir ? dir : "",
             dir ? "/" : "");

    md = hd_rbac_render_markdown();
    ck_assert_ptr_nonnull(md);

    doc = read_file(path);
    if (doc == NULL) {
        free(md);
        ck_abort_msg("cannot read %s (set HD_SRCDIR to the source tree)",
                     path);
    }

    same = 0;
    begin = strstr(doc, DOC_BEGIN);
    end = begin ? strstr(begin, DOC_END) : NULL;

    if (begin != NULL && end != NULL) {
        begin += sizeof(DOC_BEGIN) - 1;
        same = (size_t) (end - begin) == strlen(md)
               && memcmp(begin, md, strlen(md)) == 0;
    }

    if (!same) {
        f = fopen("build/rbac-matrix.md", "w");
        if (f != NULL) {
            fputs(md, f);
            fclose(f);
        }
    }

    free(doc);
    free(md);

    ck_assert_msg(begin != NULL && end != NULL, "%s lacks the markers %s"
                  "and %s", path, DOC_BEGIN, DOC_END);
    ck_assert_msg(same, "%s is out of date with core/hd_rbac.c; the "
                  "rendering is in build/rbac-matrix.md", path);
}
END_TEST


START_TEST(rbac_markdown_lists_every_action)
{
    int    a;
    char  *md, needle[64];

    md = hd_rbac_render_markdown();
    ck_assert_ptr_nonnull(md);

    for (a = 0; a < HD_RBAC_ACTION_COUNT; a++) {
        snprintf(needle, sizeof(needle), "| `%s` |", action_names[a]);
        if (strstr(md, needle) == NULL) {
            free(md);
            ck_abort_msg("%s missing from the rendered matrix",
                         action_names[a]);
        }
    }

    free(md);
}
END_TEST


Suite *
hd_rbac_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("rbac");

    tc = tcase_create("matrix");
    tcase_add_test(tc, rbac_expected_table_covers_every_cell);
    tcase_add_loop_test(tc, rbac_cell, 0, NEXPECTED);
    tcase_add_test(tc, rbac_several_relations_and_roles_combine);
    suite_add_tcase(s, tc);

    tc = tcase_create("cases");
    tcase_add_test(tc, requester_cannot_see_others_ticket_gets_hidden);
    tcase_add_test(tc, requester_never_reads_internal);
    tcase_add_test(tc, agent_cannot_raise_own_role);
    tcase_add_test(tc, team_lead_cannot_grant_admin);
    tcase_add_test(tc, admin_cannot_drop_own_admin);
    tcase_add_test(tc, team_scoped_agent_hidden_outside_team);
    tcase_add_test(tc, multiple_roles_most_permissive_wins);
    tcase_add_test(tc, rbac_no_roles_may_do_nothing);
    tcase_add_test(tc, rbac_bad_input_is_denied);
    tcase_add_test(tc, rbac_grant_table);
    suite_add_tcase(s, tc);

    tc = tcase_create("names");
    tcase_add_test(tc, rbac_action_names_round_trip);
    tcase_add_test(tc, rbac_role_names);
    tcase_add_test(tc, rbac_roles_parse_ignores_unknown);
    tcase_add_test(tc, rbac_permissions_for_requester_and_agent);
    tcase_add_test(tc, rbac_permissions_admin_all_and_truncation);
    tcase_add_test(tc, rbac_doc_matches_tables);
    tcase_add_test(tc, rbac_markdown_lists_every_action);
    suite_add_tcase(s, tc);

    return s;
}
