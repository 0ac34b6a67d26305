/*
 * hd_ticket — the rules of the tickets API that need no database: how a
 * ticket is named in a path, the If-Match header, which fields a request
 * body may carry and what they must look like, the list endpoint's query
 * (filters, the sort allowlist, page size) and its opaque cursors.
 *
 * Pure functions over their arguments; the handlers in hd_api_tickets.c
 * turn their answers into plans and responses.
 */

#ifndef HD_TICKET_H
#define HD_TICKET_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "hd_session.h"


/* A ticket as a path names it: its id, or its human number "TKT-1000". */
typedef struct {
    char        id[HD_UUID_LEN + 1];    /* "" when named by number */
    long long   number;                 /* 0 when named by id */
} hd_ticket_ref_t;

/*
 * Parses a path segment: a UUID, or "TKT-" and a positive decimal number
 * (the prefix in any case).  Returns 1, or 0 when it names no ticket.
 */
int hd_ticket_ref_parse(const char *s, size_t len, hd_ticket_ref_t *ref);

/*
 * The version an If-Match header value names: "3", "\"3\"" or "W/\"3\"".
 * Returns it (> 0), or -1 when the value is anything else.
 */
long hd_ticket_if_match(const char *value, size_t len);

/*
 * 1 when s is an RFC 3339 date-time with an offset
 * ("2026-01-31T09:00:00Z", "…T09:00:00.5+01:00"), or, with date_ok, also a
 * plain date ("2026-01-31"); else 0.  Checks ranges (month 1-12, day of the
 * month, hour 0-23 …), not the calendar beyond that.
 */
int hd_ticket_ts_valid(const char *s, int date_ok);


/* What a request body touches, for the handler's authorization. */
#define HD_TICKET_TOUCH_CONTENT  0x01   /* title, priority, custom_json … */
#define HD_TICKET_TOUCH_STATUS   0x02   /* status (and its note) */
#define HD_TICKET_TOUCH_ASSIGN   0x04   /* assignee_id, team_id */
#define HD_TICKET_TOUCH_BEHALF   0x08   /* requester_id, source */

typedef enum {
    HD_TICKET_CREATE = 0,
    HD_TICKET_PATCH
} hd_ticket_mode_t;

typedef struct {
    char    field[64];
    char    message[160];
} hd_ticket_error_t;

/*
 * Checks a create or PATCH body field by field.  may is the set of
 * HD_TICKET_TOUCH_* groups the caller's roles could ever set (a group
 * outside it is read-only for them, like server-owned fields).  Returns a
 * new object holding the ticket fields to write (the caller deletes it),
 * with the PATCH "note" moved to *note (a pointer into body) and what the
 * body touches in *touched; or NULL with *err naming the first bad field:
 * unknown, server-owned or read-only for the caller, the wrong type or
 * shape, a required field missing (title on create), an empty PATCH.
 */
cJSON *hd_ticket_fields(const cJSON *body, hd_ticket_mode_t mode,
    unsigned may, unsigned *touched, const char **note,
    hd_ticket_error_t *err);


/* The list endpoint's sort keys; "-name" sorts descending. */
typedef enum {
    HD_TICKET_SORT_CREATED_AT = 0,
    HD_TICKET_SORT_UPDATED_AT,
    HD_TICKET_SORT_NUMBER,
    HD_TICKET_SORT_PRIORITY,
    HD_TICKET_SORT_COUNT
} hd_ticket_sort_t;

#define HD_TICKET_LIMIT_DEFAULT  25
#define HD_TICKET_LIMIT_MAX      100
#define HD_TICKET_LIST_MAX       20     /* values in a status/priority list */

typedef struct {
    hd_ticket_sort_t  sort;
    int               desc;
    int               limit;
    char              status[HD_TICKET_LIST_MAX * 33 + 3];  /* "{a,b}" */
    char              priority[HD_TICKET_LIST_MAX * 3 + 3];
    char              team_id[HD_UUID_LEN + 1];     /* "" when absent */
    char              assignee_id[HD_UUID_LEN + 1];
    int               unassigned;                   /* assignee_id=none */
    char              requester_id[HD_UUID_LEN + 1];
    char              category[201];
    char              created_after[40];
    char              created_before[40];
    char              updated_after[40];
    char              updated_before[40];
    char              sla_state[16];                /* "" when absent */
    int               has_cursor;
    char              after_key[64];                /* from the cursor */
    char              after_id[HD_UUID_LEN + 1];
} hd_ticket_query_t;

/*
 * Parses GET /api/tickets's query string (percent-encoded, may be empty):
 * status and priority (comma-separated lists), team_id, assignee_id (an id,
 * or "none" for tickets nobody is assigned to: sets unassigned), requester_id, category, created_after, created_before, updated_after,
 * updated_before, sla_state (at_risk, breached, paused, ok or met), sort (one of hd_ticket_sort_name(), "-" for descending;
 * default "-created_at"), limit (1-100, default 25) and cursor (from a
 * previous page, for the same sort).  Returns 1, or 0 with *err naming the
 * first bad or unknown argument.
 */
int hd_ticket_query_parse(const char *query, size_t len,
    hd_ticket_query_t *q, hd_ticket_error_t *err);

/* The sort key's name ("created_at"), or NULL when out of range. */
const char *hd_ticket_sort_name(hd_ticket_sort_t sort);

/*
 * The cursor that continues a listing sorted by sort (desc) after the row
 * whose sort key reads key and whose id is id: opaque base64url text in
 * out (size bytes).  Returns its length, or 0 when it does not fit.
 */
size_t hd_ticket_cursor_encode(hd_ticket_sort_t sort, int desc,
    const char *key, const char *id, char *out, size_t size);

/*
 * Decodes a cursor into q->after_key and q->after_id.  Returns 1, or 0 when
 * it is not one of ours or was made for another sort than q's.
 */
int hd_ticket_cursor_decode(const char *cursor, size_t len,
    hd_ticket_query_t *q);

#endif /* HD_TICKET_H */
