/*
 * hd_problem — the one table of error kinds the API can answer with, and
 * their rendering as RFC 9457 application/problem+json.
 *
 * Every failure anywhere in the helpdesk is named by an hd_problem_t; the
 * edges (nginx module, worker) never invent status codes or titles of their
 * own, so a client sees one stable "type" per kind of failure.
 */

#ifndef HD_PROBLEM_H
#define HD_PROBLEM_H

#include <stddef.h>

typedef enum {
    HD_PROBLEM_BAD_REQUEST = 0,
    HD_PROBLEM_INVALID_JSON,
    HD_PROBLEM_UNAUTHORIZED,
    HD_PROBLEM_FORBIDDEN,
    HD_PROBLEM_NOT_FOUND,
    HD_PROBLEM_METHOD_NOT_ALLOWED,
    HD_PROBLEM_CONFLICT,
    HD_PROBLEM_LENGTH_REQUIRED,
    HD_PROBLEM_PAYLOAD_TOO_LARGE,
    HD_PROBLEM_URI_TOO_LONG,
    HD_PROBLEM_UNSUPPORTED_MEDIA_TYPE,
    HD_PROBLEM_UNPROCESSABLE,
    HD_PROBLEM_TOO_MANY_REQUESTS,
    HD_PROBLEM_INTERNAL,
    HD_PROBLEM_DB_UNAVAILABLE,
    HD_PROBLEM_OVERLOADED,
    HD_PROBLEM_DB_TIMEOUT,
    HD_PROBLEM_BAD_GATEWAY,
    HD_PROBLEM_PRECONDITION_REQUIRED,
    HD_PROBLEM_GONE,
    HD_PROBLEM_COUNT
} hd_problem_t;

typedef struct {
    int          status;
    const char  *slug;          /* last segment of the type URI */
    const char  *title;
    int          retry_after;   /* seconds for Retry-After, 0: none */
} hd_problem_info_t;

#define HD_PROBLEM_TYPE_BASE  "https://helpdesk.dev/problems/"

const hd_problem_info_t *hd_problem_info(hd_problem_t p);

/*
 * The problem that best describes an HTTP status nginx produced by itself
 * (error_page), e.g. 413 for an oversized body.  Unknown codes map to
 * HD_PROBLEM_INTERNAL for 5xx and HD_PROBLEM_BAD_REQUEST otherwise.
 */
hd_problem_t hd_problem_from_status(int status);

/*
 * Renders the problem document.  detail may be NULL; errors_json, when not
 * NULL, is a JSON array text placed under "errors" as is.  request_id may
 * be NULL.  Returns a malloc'd NUL-terminated string (caller frees) and its
 * length in *len, or NULL when out of memory.
 */
char *hd_problem_render(hd_problem_t p, const char *detail,
    const char *errors_json, const char *request_id, size_t *len);

#endif /* HD_PROBLEM_H */
