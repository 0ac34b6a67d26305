/*
 * hd_notify — the mail the helpdesk sends, as templates: for each kind a
 * subject, a text body and an HTML body, rendered with hd_tmpl (values are
 * HTML-escaped in the HTML body, copied as they are elsewhere).
 *
 * The names a template may use, all supplied by the caller's lookup:
 *
 *   org.name, org.color      branding ("#RRGGBB": the caller checks it)
 *   ticket.number            "TKT-42"
 *   ticket.title, ticket.status (its label)
 *   recipient.name           whom the message is for
 *   actor.name               who wrote the comment
 *   comment.body             the public comment, as written (Markdown)
 *   csat.good_url, csat.bad_url   the survey links (HD_NOTIFY_RESOLVED_CSAT)
 *   sla.clock                "response" or "resolution"
 *
 * Every subject starts with "[#TKT-n]", the tag inbound mail is threaded
 * by.  No I/O, no globals.
 */

#ifndef HD_NOTIFY_H
#define HD_NOTIFY_H

#include "hd_tmpl.h"


typedef enum {
    HD_NOTIFY_ACK = 0,          /* a new ticket, to its requester */
    HD_NOTIFY_REPLY,            /* a public comment, to each participant */
    HD_NOTIFY_RESOLVED,         /* resolved, survey already answered */
    HD_NOTIFY_RESOLVED_CSAT,    /* resolved, with the good/bad links */
    HD_NOTIFY_SLA_AT_RISK,      /* to the assignee or the team's agents */
    HD_NOTIFY_SLA_BREACHED,
    HD_NOTIFY_KIND_COUNT
} hd_notify_kind_t;

/* A rendered notification: three malloc'd, NUL-terminated strings. */
typedef struct {
    char  *subject;
    char  *text;
    char  *html;
} hd_notify_t;

/* Largest rendered part, in bytes. */
#define HD_NOTIFY_MAX  (1024 * 1024)

/*
 * Renders kind with the values lookup(data, …) answers.  On HD_TMPL_OK
 * every member of *n is set and the caller calls hd_notify_free(n);
 * otherwise nothing is left to free.
 */
hd_tmpl_rc_t hd_notify_render(hd_notify_kind_t kind,
    hd_tmpl_lookup_pt lookup, void *data, hd_notify_t *n);

void hd_notify_free(hd_notify_t *n);

#endif /* HD_NOTIFY_H */
