/*
 * wk_notify.c — job handlers that turn ticket events into mail.
 *
 * Each handler reads what it needs, renders the notification with
 * core/hd_notify (HTML-escaped HTML part), composes one RFC 5322 message
 * per recipient with core/hd_mail and inserts it into email_outbound — all
 * inside the job's transaction (wk_jobs.c), so the mail exists exactly
 * when the job is done.  Who gets what:
 *
 *   ticket.created       source email, not created by the inbound poller
 *                        (no email_inbound row names it): acknowledgement
 *                        to the requester.  Inbound mail is acknowledged
 *                        only through email.acknowledge, which the inbound
 *                        side enqueues when its loop rules allow
 *   email.acknowledge    acknowledgement to the requester, in reply to the
 *                        inbound message; at most one per ticket
 *   ticket.commented     a public comment: to the requester and each
 *                        watcher, except its author; internal: nothing
 *   ticket.status_changed  to a 'resolved' status (still current): to the
 *                        requester, with survey links when public_url is
 *                        set and the survey is not answered yet
 *   sla.at_risk, sla.breached  to the assignee, else the active agents of
 *                        the ticket's team
 *
 * One recipient per message; only active users.  Every message carries
 * References "<ticket-UUID@domain> [parent]" where parent is the newest
 * of: our last message to that recipient about the ticket, the
 * recipient's last mail that became a comment (and for an
 * acknowledgement, the mail acknowledged); In-Reply-To is the last entry.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "hd_b64.h"
#include "hd_mail.h"
#include "hd_notify.h"
#include "wk.h"


#define WK_NOTIFY_CSAT_DAYS  30


/* The values templates use, by index into vars[]. */
enum {
    WK_V_ORG_NAME = 0,
    WK_V_ORG_COLOR,
    WK_V_NUMBER,
    WK_V_TITLE,
    WK_V_STATUS,
    WK_V_RECIPIENT,
    WK_V_ACTOR,
    WK_V_COMMENT,
    WK_V_CSAT_GOOD,
    WK_V_CSAT_BAD,
    WK_V_CLOCK,
    WK_V_COUNT
};

typedef struct {
    PGconn             *conn;
    const wk_config_t  *cfg;
    const wk_job_t     *job;
    PGresult           *ticket;         /* the context row */
    const char         *domain;
    char                number[32];     /* "TKT-42" */
    char                root[HD_MAIL_ID_MAX];
    hd_tmpl_var_t       vars[WK_V_COUNT + 1];
    const char         *org_name;       /* From's name, {{org.name}} */
    char               *err;
    size_t              errlen;
} wk_notify_t;

/* Columns of the context row. */
enum {
    WK_T_ID = 0, WK_T_NUMBER, WK_T_TITLE, WK_T_STATUS, WK_T_CATEGORY,
    WK_T_SOURCE, WK_T_REQ_EMAIL, WK_T_REQ_NAME, WK_T_REQ_ACTIVE,
    WK_T_FROM_INBOUND, WK_T_BRANDED, WK_T_ORG_NAME, WK_T_ORG_COLOR
};


static int
wk_notify_fail(wk_notify_t *x, const char *what)
{
    char  line[512];

    snprintf(x->err, x->errlen, "%s: %s", what,
             wk_pg_error_line(x->conn, line, sizeof(line)));
    return -1;
}


/* Run a query expected to return rows; NULL after setting err. */
static PGresult *
wk_notify_query(wk_notify_t *x, const char *what, const char *sql, int n,
    const char *const *params)
{
    PGresult  *res = PQexecParams(x->conn, sql, n, NULL, params, NULL, NULL,
                                  0);

    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        wk_notify_fail(x, what);
        PQclear(res);
        return NULL;
    }

    return res;
}


/* Lower-case hex of n random bytes into out (2n + 1 bytes). */
static int
wk_notify_random_hex(char *out, size_t n)
{
    unsigned char  b[32];
    size_t         i;

    if (n > sizeof(b) || RAND_bytes(b, (int) n) != 1) {
        return -1;
    }

    for (i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", b[i]);
    }

    return 0;
}


/*
 * The newest message id to answer when writing to addr about the ticket:
 * ours to them, or theirs that became a comment.  "" when none.
 */
static int
wk_notify_parent(wk_notify_t *x, const char *addr, char *out, size_t len)
{
    const char  *params[2];
    PGresult    *res;

    params[0] = PQgetvalue(x->ticket, 0, WK_T_ID);
    params[1] = addr;
    out[0] = '\0';

    res = wk_notify_query(x, "finding the thread parent",
        "select id from ("
        "  select o.message_id as id, o.created_at as at"
        "    from email_outbound o"
        "   where o.ticket_id = $1 and o.to_addr = $2"
        "  union all"
        "  select c.via_email_msg_id, c.created_at"
        "    from ticket_comments c join users u on u.id = c.author_id"
        "   where c.ticket_id = $1 and u.email = $2"
        "     and c.via_email_msg_id is not null) p"
        " order by at desc limit 1", 2, params);

    if (res == NULL) {
        return -1;
    }

    if (PQntuples(res) == 1
        && hd_mail_id_valid(PQgetvalue(res, 0, 0))
        && strlen(PQgetvalue(res, 0, 0)) < len)
    {
        strcpy(out, PQgetvalue(res, 0, 0));
    }

    PQclear(res);
    return 0;
}


/*
 * Render kind for one recipient, compose it and insert it.  parent, when
 * not NULL, is the message answered (else wk_notify_parent() picks it).
 */
static int
wk_notify_one(wk_notify_t *x, hd_notify_kind_t kind, const char *row_kind,
    const char *auto_submitted, const char *to_addr, const char *to_name,
    const char *parent)
{
    hd_notify_t    n;
    hd_mail_t      m;
    hd_mail_rc_t   mrc;
    const char    *params[12];
    PGresult      *res;
    char           found[HD_MAIL_ID_MAX], refs[2 * HD_MAIL_ID_MAX + 2];
    char           unique[80], hex[33], msgid[HD_MAIL_ID_MAX], boundary[33];
    char          *raw;
    size_t         len;
    int            rc;

    if (!hd_mail_addr_valid(to_addr)) {
        wk_log("notify: %s %s: skipping recipient \"%s\": not a plain "
               "address", x->job->kind, x->number, to_addr);
        return 0;
    }

    if (parent == NULL || !hd_mail_id_valid(parent)) {
        if (wk_notify_parent(x, to_addr, found, sizeof(found)) != 0) {
            return -1;
        }

        parent = found[0] ? found : NULL;
    }

    if (parent != NULL && strcmp(parent, x->root) != 0) {
        snprintf(refs, sizeof(refs), "%s %s", x->root, parent);

    } else {
        snprintf(refs, sizeof(refs), "%s", x->root);
        parent = x->root;
    }

    if (wk_notify_random_hex(hex, 16) != 0
        || wk_notify_random_hex(boundary, 16) != 0)
    {
        snprintf(x->err, x->errlen, "no random bytes");
        return -1;
    }

    snprintf(unique, sizeof(unique), "%s.%s",
             PQgetvalue(x->ticket, 0, WK_T_NUMBER), hex);

    if (hd_mail_message_id(msgid, sizeof(msgid), unique, x->domain) != 0) {
        snprintf(x->err, x->errlen, "cannot make a message id for %s",
                 x->domain);
        return -1;
    }

    x->vars[WK_V_RECIPIENT].value = (to_name && *to_name) ? to_name : to_addr;

    if (hd_notify_render(kind, hd_tmpl_vars_lookup, x->vars, &n)
        != HD_TMPL_OK)
    {
        snprintf(x->err, x->errlen, "rendering the %s template failed",
                 row_kind);
        return -1;
    }

    memset(&m, 0, sizeof(m));
    m.from_name = x->org_name;
    m.from_addr = x->cfg->mail.from;
    m.to_name = to_name;
    m.to_addr = to_addr;
    m.reply_to = x->cfg->mail.reply_to;
    m.subject = n.subject;
    m.message_id = msgid;
    m.in_reply_to = parent;
    m.references = refs;
    m.auto_submitted = auto_submitted;
    m.text = n.text;
    m.html = n.html;
    m.date = (long long) time(NULL);
    m.boundary = boundary;

    mrc = hd_mail_compose(&m, &raw, &len);

    if (mrc != HD_MAIL_OK) {
        snprintf(x->err, x->errlen, "composing mail to %s: %s", to_addr,
                 hd_mail_strerror(mrc));
        hd_notify_free(&n);
        return -1;
    }

    params[0] = msgid;
    params[1] = PQgetvalue(x->ticket, 0, WK_T_ID);
    params[2] = to_addr;
    params[3] = n.subject;
    params[4] = n.html;
    params[5] = n.text;
    params[6] = parent;
    params[7] = refs;
    params[8] = row_kind;
    params[9] = x->cfg->mail.from;
    params[10] = raw;
    params[11] = x->job->id;

    res = PQexecParams(x->conn,
        "insert into email_outbound (message_id, ticket_id, to_addr, subject,"
        "        body_html, body_text, in_reply_to, thread_references, kind,"
        "        from_addr, raw_message, job_id)"
        " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        " on conflict do nothing",
        12, NULL, params, NULL, NULL, 0);

    rc = PQresultStatus(res) == PGRES_COMMAND_OK
         ? 0 : wk_notify_fail(x, "inserting into email_outbound");

    PQclear(res);
    free(raw);
    hd_notify_free(&n);

    return rc;
}


/* Send kind to the ticket's requester (if active). */
static int
wk_notify_requester(wk_notify_t *x, hd_notify_kind_t kind,
    const char *row_kind, const char *auto_submitted, const char *parent)
{
    if (PQgetvalue(x->ticket, 0, WK_T_REQ_ACTIVE)[0] != 't') {
        return 0;
    }

    return wk_notify_one(x, kind, row_kind, auto_submitted,
                         PQgetvalue(x->ticket, 0, WK_T_REQ_EMAIL),
                         PQgetvalue(x->ticket, 0, WK_T_REQ_NAME), parent);
}


/* Send kind to every row (email, display_name) of res. */
static int
wk_notify_each(wk_notify_t *x, PGresult *res, hd_notify_kind_t kind,
    const char *row_kind)
{
    int  i;

    for (i = 0; i < PQntuples(res); i++) {
        if (wk_notify_one(x, kind, row_kind, "auto-generated",
                          PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
                          NULL) != 0)
        {
            return -1;
        }
    }

    return 0;
}


/* An acknowledgement, in reply to inbound mail inbound_id when given. */
static int
wk_notify_ack(wk_notify_t *x, const char *inbound_id)
{
    const char  *params[2];
    PGresult    *res;
    char         parent[HD_MAIL_ID_MAX] = "";
    int          rc;

    if (inbound_id != NULL) {
        params[0] = inbound_id;
        params[1] = PQgetvalue(x->ticket, 0, WK_T_ID);
        res = wk_notify_query(x, "reading the inbound mail",
            "select message_id from email_inbound"
            " where id = $1::uuid and ticket_id = $2", 2, params);

        if (res == NULL) {
            return -1;
        }

        if (PQntuples(res) == 1 && hd_mail_id_valid(PQgetvalue(res, 0, 0))
            && strlen(PQgetvalue(res, 0, 0)) < sizeof(parent))
        {
            strcpy(parent, PQgetvalue(res, 0, 0));
        }

        PQclear(res);
    }

    rc = wk_notify_requester(x, HD_NOTIFY_ACK, "acknowledge",
                             "auto-replied", parent[0] ? parent : NULL);
    return rc;
}


static int
wk_notify_comment(wk_notify_t *x)
{
    const char  *params[2];
    PGresult    *to;
    int          rc;

    if (x->job->comment_id == NULL) {
        return 0;
    }

    params[0] = x->job->comment_id;
    params[1] = PQgetvalue(x->ticket, 0, WK_T_ID);

    /*
     * The recipients with the comment and its author's name on each row;
     * the row decides, not the payload: an internal note (no rows) never
     * goes out.
     */
    to = wk_notify_query(x, "reading the comment and its recipients",
        "select u.email::text, u.display_name, c.body_md,"
        "       coalesce(a.display_name, $$The helpdesk$$)"
        "  from ticket_comments c"
        "  join tickets t on t.id = c.ticket_id"
        "  left join users a on a.id = c.author_id"
        "  join users u on u.active and u.id is distinct from c.author_id"
        "   and (u.id = t.requester_id"
        "        or u.id in (select w.user_id from ticket_watchers w"
        "                     where w.ticket_id = t.id))"
        " where c.id = $1::uuid and c.ticket_id = $2 and not c.is_internal"
        " order by u.email", 2, params);

    if (to == NULL) {
        return -1;
    }

    if (PQntuples(to) == 0) {
        PQclear(to);
        return 0;
    }

    x->vars[WK_V_COMMENT].value = PQgetvalue(to, 0, 2);
    x->vars[WK_V_ACTOR].value = PQgetvalue(to, 0, 3);
    rc = wk_notify_each(x, to, HD_NOTIFY_REPLY, "reply");
    PQclear(to);

    return rc;
}


/* The survey's links for the resolution mail; 0 = none (answered). */
static int
wk_notify_csat(wk_notify_t *x, char *good, char *bad, size_t len)
{
    unsigned char  raw[32], hash[SHA256_DIGEST_LENGTH];
    char           token[HD_B64URL_ENCODED_LEN(32) + 1], hexhash[67];
    char           days[16];
    const char    *params[3];
    PGresult      *res;
    size_t         i, n;
    int            issued;

    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        snprintf(x->err, x->errlen, "no random bytes");
        return -1;
    }

    n = hd_b64url_encode(raw, sizeof(raw), token);
    token[n] = '\0';
    SHA256((const unsigned char *) token, n, hash);

    hexhash[0] = '\\';
    hexhash[1] = 'x';

    for (i = 0; i < sizeof(hash); i++) {
        snprintf(hexhash + 2 + 2 * i, 3, "%02x", hash[i]);
    }

    snprintf(days, sizeof(days), "%d", WK_NOTIFY_CSAT_DAYS);
    params[0] = PQgetvalue(x->ticket, 0, WK_T_ID);
    params[1] = hexhash;
    params[2] = days;

    res = wk_notify_query(x, "issuing the survey",
        "select csat_issue($1, $2::bytea, $3::int)", 3, params);

    if (res == NULL) {
        return -1;
    }

    issued = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);

    if (!issued) {
        return 0;
    }

    snprintf(good, len, "%s/csat/%s?score=good", x->cfg->mail.public_url,
             token);
    snprintf(bad, len, "%s/csat/%s?score=bad", x->cfg->mail.public_url,
             token);

    return 1;
}


static int
wk_notify_resolved(wk_notify_t *x)
{
    const char  *params[1];
    PGresult    *res;
    char         good[1200], bad[1200];
    int          csat = 0, resolved;

    if (x->job->to == NULL
        || strcmp(PQgetvalue(x->ticket, 0, WK_T_CATEGORY), "resolved") != 0)
    {
        return 0;
    }

    /* still in the status the job announces: no stale "resolved" mail */
    params[0] = x->job->to;
    res = wk_notify_query(x, "reading the status",
        "select category = 'resolved' from ticket_statuses where key = $1",
        1, params);

    if (res == NULL) {
        return -1;
    }

    resolved = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);

    if (!resolved) {
        return 0;
    }

    if (x->cfg->mail.public_url[0] != '\0') {
        csat = wk_notify_csat(x, good, bad, sizeof(good));

        if (csat < 0) {
            return -1;
        }
    }

    x->vars[WK_V_CSAT_GOOD].value = csat ? good : "";
    x->vars[WK_V_CSAT_BAD].value = csat ? bad : "";

    return wk_notify_requester(x, csat ? HD_NOTIFY_RESOLVED_CSAT
                                       : HD_NOTIFY_RESOLVED,
                               "resolved", "auto-generated", NULL);
}


static int
wk_notify_sla(wk_notify_t *x, hd_notify_kind_t kind)
{
    const char  *params[1];
    PGresult    *to;
    int          rc;

    if (x->job->clock == NULL
        || (strcmp(x->job->clock, "response") != 0
            && strcmp(x->job->clock, "resolution") != 0))
    {
        snprintf(x->err, x->errlen, "payload clock is \"%s\", not response "
                 "or resolution", x->job->clock ? x->job->clock : "");
        return -1;
    }

    x->vars[WK_V_CLOCK].value = x->job->clock;
    params[0] = PQgetvalue(x->ticket, 0, WK_T_ID);

    to = wk_notify_query(x, "reading the escalation recipients",
        "select u.email::text, u.display_name"
        "  from tickets t join users u on u.active"
        "   and (u.id = t.assignee_id"
        "        or (t.assignee_id is null"
        "            and u.id in (select m.user_id from team_members m"
        "                          where m.team_id = t.team_id)"
        "            and exists (select from user_roles ur"
        "                          join roles r on r.id = ur.role_id"
        "                         where ur.user_id = u.id"
        "                           and r.key <> 'requester')))"
        " where t.id = $1"
        " order by u.email", 1, params);

    if (to == NULL) {
        return -1;
    }

    rc = wk_notify_each(x, to, kind, "sla");
    PQclear(to);

    return rc;
}


/* Load the ticket (NULL result rows: deleted or unknown). */
static int
wk_notify_load(wk_notify_t *x)
{
    const char  *params[1];

    params[0] = x->job->ticket_id;

    x->ticket = wk_notify_query(x, "reading the ticket",
        "select t.id, t.number, t.title, s.label, s.category, t.source,"
        "       r.email::text, r.display_name, r.active,"
        "       exists (select from email_inbound i where i.ticket_id = t.id),"
        "       b.version > 1, b.org_name, b.primary_color"
        "  from tickets t"
        "  join ticket_statuses s on s.key = t.status"
        "  join users r on r.id = t.requester_id"
        "  left join branding b on true"
        " where t.id = $1::uuid and t.deleted_at is null", 1, params);

    return x->ticket != NULL ? 0 : -1;
}


int
wk_notify_job(PGconn *conn, const wk_config_t *cfg, const wk_job_t *job,
    char *err, size_t errlen)
{
    wk_notify_t   x;
    const char   *k = job->kind, *org_color;
    int           rc = 0;

    /* no sender address: notifications are off */
    if (cfg->mail.from[0] == '\0' || job->ticket_id == NULL) {
        return 0;
    }

    if (strcmp(k, "ticket.commented") == 0 && job->is_internal) {
        return 0;
    }

    memset(&x, 0, sizeof(x));
    x.conn = conn;
    x.cfg = cfg;
    x.job = job;
    x.err = err;
    x.errlen = errlen;
    x.domain = hd_mail_addr_domain(cfg->mail.from);

    if (wk_notify_load(&x) != 0) {
        return -1;
    }

    if (PQntuples(x.ticket) == 0) {
        PQclear(x.ticket);
        return 0;
    }

    snprintf(x.number, sizeof(x.number), "TKT-%s",
             PQgetvalue(x.ticket, 0, WK_T_NUMBER));

    if (hd_mail_thread_root(x.root, sizeof(x.root),
                            PQgetvalue(x.ticket, 0, WK_T_ID), x.domain) != 0)
    {
        snprintf(err, errlen, "cannot make the thread root");
        PQclear(x.ticket);
        return -1;
    }

    /*
     * The organisation as mail shows it: the branding an admin saved
     * (PATCH /api/admin/branding; version 1 is the row as installed),
     * else the worker's org_name and org_color.
     */
    if (PQgetvalue(x.ticket, 0, WK_T_BRANDED)[0] == 't') {
        x.org_name = PQgetvalue(x.ticket, 0, WK_T_ORG_NAME);
        org_color = PQgetvalue(x.ticket, 0, WK_T_ORG_COLOR);

    } else {
        x.org_name = cfg->mail.org_name;
        org_color = cfg->mail.org_color;
    }

    x.vars[WK_V_ORG_NAME] = (hd_tmpl_var_t) { "org.name", x.org_name };
    x.vars[WK_V_ORG_COLOR] = (hd_tmpl_var_t) { "org.color", org_color };
    x.vars[WK_V_NUMBER] = (hd_tmpl_var_t) { "ticket.number", x.number };
    x.vars[WK_V_TITLE] = (hd_tmpl_var_t) { "ticket.title",
        PQgetvalue(x.ticket, 0, WK_T_TITLE) };
    x.vars[WK_V_STATUS] = (hd_tmpl_var_t) { "ticket.status",
        PQgetvalue(x.ticket, 0, WK_T_STATUS) };
    x.vars[WK_V_RECIPIENT] = (hd_tmpl_var_t) { "recipient.name", "" };
    x.vars[WK_V_ACTOR] = (hd_tmpl_var_t) { "actor.name", "" };
    x.vars[WK_V_COMMENT] = (hd_tmpl_var_t) { "comment.body", "" };
    x.vars[WK_V_CSAT_GOOD] = (hd_tmpl_var_t) { "csat.good_url", "" };
    x.vars[WK_V_CSAT_BAD] = (hd_tmpl_var_t) { "csat.bad_url", "" };
    x.vars[WK_V_CLOCK] = (hd_tmpl_var_t) { "sla.clock", "" };
    x.vars[WK_V_COUNT] = (hd_tmpl_var_t) { NULL, NULL };

    if (strcmp(k, "ticket.created") == 0) {
        if (strcmp(PQgetvalue(x.ticket, 0, WK_T_SOURCE), "email") == 0
            && PQgetvalue(x.ticket, 0, WK_T_FROM_INBOUND)[0] != 't')
        {
            rc = wk_notify_ack(&x, NULL);
        }

    } else if (strcmp(k, "email.acknowledge") == 0) {
        rc = wk_notify_ack(&x, job->inbound_id);

    } else if (strcmp(k, "ticket.commented") == 0) {
        rc = wk_notify_comment(&x);

    } else if (strcmp(k, "ticket.status_changed") == 0) {
        rc = wk_notify_resolved(&x);

    } else if (strcmp(k, "sla.at_risk") == 0) {
        rc = wk_notify_sla(&x, HD_NOTIFY_SLA_AT_RISK);

    } else if (strcmp(k, "sla.breached") == 0) {
        rc = wk_notify_sla(&x, HD_NOTIFY_SLA_BREACHED);
    }

    PQclear(x.ticket);

    return rc;
}
