/*
 * hd_notify — the notification templates and their rendering.
 */

#include <stdlib.h>
#include <string.h>

#include "hd_notify.h"


/* The HTML frame every message shares: a branded band, the body, a foot. */
#define HD_NOTIFY_HEAD                                                       \
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n"         \
    "<body style=\"margin:0;font-family:Arial,Helvetica,sans-serif;"         \
    "color:#222222\">\n"                                                     \
    "<div style=\"background:{{org.color}};color:#ffffff;padding:12px 16px;" \
    "font-size:18px\">{{org.name}}</div>\n"                                  \
    "<div style=\"padding:16px\">\n"

#define HD_NOTIFY_FOOT                                                       \
    "</div>\n"                                                               \
    "<div style=\"padding:8px 16px;color:#888888;font-size:12px\">"          \
    "{{ticket.number}} &middot; {{org.name}} &middot; reply to this email "  \
    "to add to the ticket.</div>\n</body></html>\n"

#define HD_NOTIFY_TEXT_FOOT                                                  \
    "\n-- \n{{org.name}} - {{ticket.number}}\n"                              \
    "Reply to this email to add to the ticket.\n"

#define HD_NOTIFY_COMMENT_HTML                                               \
    "<div style=\"white-space:pre-wrap;border-left:3px solid "               \
    "{{org.color}};padding-left:12px\">{{comment.body}}</div>\n"


typedef struct {
    const char  *subject;
    const char  *text;
    const char  *html;
} hd_notify_tmpl_t;


static const hd_notify_tmpl_t  hd_notify_tmpls[HD_NOTIFY_KIND_COUNT] = {

    [HD_NOTIFY_ACK] = {
        "[#{{ticket.number}}] Received: {{ticket.title}}",

        "Hello {{recipient.name}},\n\n"
        "we have received your request \"{{ticket.title}}\" and filed it as "
        "{{ticket.number}}. We will get back to you.\n"
        HD_NOTIFY_TEXT_FOOT,

        HD_NOTIFY_HEAD
        "<p>Hello {{recipient.name}},</p>\n"
        "<p>we have received your request <b>{{ticket.title}}</b> and filed "
        "it as <b>{{ticket.number}}</b>. We will get back to you.</p>\n"
        HD_NOTIFY_FOOT
    },

    [HD_NOTIFY_REPLY] = {
        "[#{{ticket.number}}] {{ticket.title}}",

        "Hello {{recipient.name}},\n\n"
        "{{actor.name}} wrote on {{ticket.number}}:\n\n"
        "{{comment.body}}\n"
        HD_NOTIFY_TEXT_FOOT,

        HD_NOTIFY_HEAD
        "<p>Hello {{recipient.name}},</p>\n"
        "<p>{{actor.name}} wrote on <b>{{ticket.number}}</b>:</p>\n"
        HD_NOTIFY_COMMENT_HTML
        HD_NOTIFY_FOOT
    },

    [HD_NOTIFY_RESOLVED] = {
        "[#{{ticket.number}}] Resolved: {{ticket.title}}",

        "Hello {{recipient.name}},\n\n"
        "your request {{ticket.number}} \"{{ticket.title}}\" has been "
        "resolved. If it is not, reply to this email and we will reopen "
        "it.\n"
        HD_NOTIFY_TEXT_FOOT,

        HD_NOTIFY_HEAD
        "<p>Hello {{recipient.name}},</p>\n"
        "<p>your request <b>{{ticket.number}}</b> <b>{{ticket.title}}</b> "
        "has been resolved. If it is not, reply to this email and we will "
        "reopen it.</p>\n"
        HD_NOTIFY_FOOT
    },

    [HD_NOTIFY_RESOLVED_CSAT] = {
        "[#{{ticket.number}}] Resolved: {{ticket.title}}",

        "Hello {{recipient.name}},\n\n"
        "your request {{ticket.number}} \"{{ticket.title}}\" has been "
        "resolved. If it is not, reply to this email and we will reopen "
        "it.\n\n"
        "How did we do?\n"
        "  Good: {{csat.good_url}}\n"
        "  Bad:  {{csat.bad_url}}\n"
        HD_NOTIFY_TEXT_FOOT,

        HD_NOTIFY_HEAD
        "<p>Hello {{recipient.name}},</p>\n"
        "<p>your request <b>{{ticket.number}}</b> <b>{{ticket.title}}</b> "
        "has been resolved. If it is not, reply to this email and we will "
        "reopen it.</p>\n"
        "<p>How did we do?</p>\n"
        "<p><a href=\"{{csat.good_url}}\" style=\"background:{{org.color}};"
        "color:#ffffff;padding:8px 16px;text-decoration:none\">Good</a>"
        " &nbsp; "
        "<a href=\"{{csat.bad_url}}\" style=\"background:#666666;"
        "color:#ffffff;padding:8px 16px;text-decoration:none\">Bad</a></p>\n"
        HD_NOTIFY_FOOT
    },

    [HD_NOTIFY_SLA_AT_RISK] = {
        "[#{{ticket.number}}] SLA {{sla.clock}} at risk: {{ticket.title}}",

        "Hello {{recipient.name}},\n\n"
        "the {{sla.clock}} target of {{ticket.number}} \"{{ticket.title}}\" "
        "({{ticket.status}}) is about to be missed.\n"
        HD_NOTIFY_TEXT_FOOT,

        HD_NOTIFY_HEAD
        "<p>Hello {{recipient.name}},</p>\n"
        "<p>the <b>{{sla.clock}}</b> target of <b>{{ticket.number}}</b> "
        "<b>{{ticket.title}}</b> ({{ticket.status}}) is about to be "
        "missed.</p>\n"
        HD_NOTIFY_FOOT
    },

    [HD_NOTIFY_SLA_BREACHED] = {
        "[#{{ticket.number}}] SLA {{sla.clock}} breached: {{ticket.title}}",

        "Hello {{recipient.name}},\n\n"
        "the {{sla.clock}} target of {{ticket.number}} \"{{ticket.title}}\" "
        "({{ticket.status}}) has been missed.\n"
        HD_NOTIFY_TEXT_FOOT,

        HD_NOTIFY_HEAD
        "<p>Hello {{recipient.name}},</p>\n"
        "<p>the <b>{{sla.clock}}</b> target of <b>{{ticket.number}}</b> "
        "<b>{{ticket.title}}</b> ({{ticket.status}}) has been missed.</p>\n"
        HD_NOTIFY_FOOT
    }
};


hd_tmpl_rc_t
hd_notify_render(hd_notify_kind_t kind, hd_tmpl_lookup_pt lookup,
    void *data, hd_notify_t *n)
{
    const hd_notify_tmpl_t  *t;
    hd_tmpl_rc_t             rc;
    size_t                   len;

    memset(n, 0, sizeof(*n));

    if ((unsigned) kind >= HD_NOTIFY_KIND_COUNT) {
        return HD_TMPL_NO_MEMORY;
    }

    t = &hd_notify_tmpls[kind];

    rc = hd_tmpl_render(t->subject, strlen(t->subject), lookup, data,
                        HD_TMPL_ESCAPE_NONE, HD_NOTIFY_MAX, &n->subject,
                        &len);

    if (rc == HD_TMPL_OK) {
        rc = hd_tmpl_render(t->text, strlen(t->text), lookup, data,
                            HD_TMPL_ESCAPE_NONE, HD_NOTIFY_MAX, &n->text,
                            &len);
    }

    if (rc == HD_TMPL_OK) {
        rc = hd_tmpl_render(t->html, strlen(t->html), lookup, data,
                            HD_TMPL_ESCAPE_HTML, HD_NOTIFY_MAX, &n->html,
                            &len);
    }

    if (rc != HD_TMPL_OK) {
        hd_notify_free(n);
    }

    return rc;
}


void
hd_notify_free(hd_notify_t *n)
{
    free(n->subject);
    free(n->text);
    free(n->html);
    memset(n, 0, sizeof(*n));
}
