/*
 * hd_api — the API operations, independent of nginx.
 *
 * The edge (ngx_helpdesk/) matches a route, reads the body, then calls
 * hd_api_begin().  An operation either answers at once (HD_API_RESPOND) or
 * returns a plan: one parameterized SQL statement (HD_API_QUERY).  The edge
 * runs the plan without blocking and hands the PGresult to hd_api_finish(),
 * which decodes it into the response.  Failures of the database transport
 * are answered through hd_api_problem().  Nothing here does I/O.
 */

#ifndef HD_API_H
#define HD_API_H

#include <stddef.h>

#include <libpq-fe.h>

#include "hd_problem.h"
#include "hd_route.h"

#define HD_VERSION  "0.1.0"

typedef struct {
    const hd_route_match_t  *match;
    const char              *query;         /* raw, percent-encoded */
    size_t                   query_len;
    const char              *body;
    size_t                   body_len;
    const char              *content_type;  /* NULL when absent */
    size_t                   content_type_len;
    const char              *request_id;
} hd_req_t;

typedef struct {
    int          status;
    const char  *content_type;      /* static string */
    char        *body;              /* malloc'd; hd_resp_free() */
    size_t       body_len;
    int          retry_after;       /* seconds, 0: no header */
} hd_resp_t;

#define HD_PLAN_MAX_PARAMS  8

typedef struct hd_plan_s  hd_plan_t;

struct hd_plan_s {
    const char   *sql;
    int           nparams;
    const char   *params[HD_PLAN_MAX_PARAMS];   /* NULL is SQL NULL */
    char          store[256];                   /* param text owned here */
    void        (*decode)(const hd_req_t *req, const PGresult *res,
                          hd_resp_t *resp);
};

typedef enum {
    HD_API_RESPOND = 0,
    HD_API_QUERY
} hd_api_rc_t;

/*
 * Starts the operation for a matched request.  On HD_API_RESPOND *resp is
 * complete; on HD_API_QUERY *plan is to be run and *resp is untouched.
 */
hd_api_rc_t hd_api_begin(const hd_req_t *req, hd_plan_t *plan,
    hd_resp_t *resp);

/*
 * Turns the statement's result (NULL when none arrived) into the response.
 * Error results are mapped by SQLSTATE: statement timeout → 504, connection
 * and shutdown classes → 503, anything else → 500 (never echoing the
 * database's message).
 */
void hd_api_finish(const hd_req_t *req, const hd_plan_t *plan,
    const PGresult *res, hd_resp_t *resp);

/* Fills *resp with a problem document; detail and errors may be NULL. */
void hd_api_problem(hd_resp_t *resp, hd_problem_t p, const char *detail,
    const char *errors_json, const char *request_id);

/* Maps a failed result's SQLSTATE (may be NULL) to a problem. */
hd_problem_t hd_api_sqlstate_problem(const char *sqlstate);

/* 1 when the Content-Type value names JSON (application/json or +json). */
int hd_api_is_json_type(const char *value, size_t len);

/*
 * Copies the value of query argument name into buf, percent-decoded.
 * Returns the value's length, or -1 when absent, not decodable or too long.
 */
int hd_query_arg(const char *query, size_t len, const char *name,
    char *buf, size_t size);

void hd_resp_free(hd_resp_t *resp);

#endif /* HD_API_H */
