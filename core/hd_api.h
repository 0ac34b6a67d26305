/*
 * hd_api — the API operations, independent of nginx.
 *
 * An operation is a small state machine in an hd_op_t.  The edge
 * (ngx_helpdesk/) matches the route, reads the body, fills the request and
 * calls hd_api_begin(); every step answers with one of:
 *
 *   HD_API_RESPOND  op->resp is complete: send it;
 *   HD_API_QUERY    run op->plan (one parameterized statement) without
 *                   blocking and hand the result to hd_api_result();
 *   HD_API_TASK     run hd_task_run(&op->task) off the event loop (a
 *                   password hash) and then call hd_api_task_done().
 *
 * Routes that are not public first resolve the caller: the credential the
 * edge verified (session cookie, personal access token or OIDC token) is
 * looked up in the database, which says whether it still stands and who
 * the caller is; then the RBAC policy decides; then the handler runs.
 * Nothing here does I/O, reads the clock or draws random numbers: the
 * request carries now and random bytes.
 */

#ifndef HD_API_H
#define HD_API_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "hd_jwt.h"
#include "hd_problem.h"
#include "hd_rbac.h"
#include "hd_mailin.h"
#include "hd_route.h"
#include "hd_session.h"
#include "hd_ticket.h"

#define HD_VERSION  "0.1.0"

typedef enum {
    HD_CRED_NONE = 0,
    HD_CRED_SESSION,            /* session cookie, MAC and expiry checked */
    HD_CRED_TOKEN,              /* personal access token, hashed */
    HD_CRED_OIDC,               /* OIDC access token, verified */
    HD_CRED_INVALID             /* presented but not acceptable */
} hd_cred_kind_t;

typedef struct {
    hd_cred_kind_t          kind;
    hd_session_t            session;            /* HD_CRED_SESSION */
    unsigned char           token_hash[32];     /* HD_CRED_TOKEN */
    const hd_jwt_claims_t  *claims;             /* HD_CRED_OIDC */
    const char             *why;                /* HD_CRED_INVALID */
} hd_cred_t;

typedef struct {
    const hd_route_match_t  *match;
    const char              *method;
    size_t                   method_len;
    const char              *query;         /* raw, percent-encoded */
    size_t                   query_len;
    const char              *body;
    size_t                   body_len;
    const char              *content_type;  /* NULL when absent */
    size_t                   content_type_len;
    const char              *request_id;

    hd_cred_t                cred;
    const char              *csrf;          /* X-CSRF-Token, or NULL */
    size_t                   csrf_len;
    const char              *ip;            /* client address, text */
    const char              *ua;            /* User-Agent, or NULL */
    int64_t                  now;           /* Unix seconds */
    unsigned char            random[32];    /* fresh per request */
    const unsigned char     *session_key;   /* NULL: no local sessions */
    int                      secure;        /* HTTPS: Secure cookies */
    hd_scope_t               scope;         /* agents' ticket scope */
    const char              *if_match;      /* If-Match, or NULL */
    size_t                   if_match_len;

    /* X-Helpdesk-Now: the clock SQL reads for this request (hd_now()),
       accepted only when test_mode is set (helpdesk_test_mode on); the
       edge passes it on with the plan when core accepted it */
    const char              *test_now;      /* NUL-terminated, or NULL */
    int                      test_mode;

    /* upload routes (HD_ROUTE_UPLOAD): the body, which nginx spooled */
    const char              *upload_path;   /* its file, or NULL: empty */
    int64_t                  upload_size;
    const char              *store_dir;     /* attachment store, or NULL */

    /* the inbound email webhook: the shared secret (NULL: disabled) and
       the X-Helpdesk-Signature header */
    const char              *mail_secret;
    size_t                   mail_secret_len;
    const char              *signature;
    size_t                   signature_len;
} hd_req_t;

typedef struct {
    int          status;
    const char  *content_type;      /* static string */
    char        *body;              /* malloc'd */
    size_t       body_len;
    int          retry_after;       /* seconds, 0: no header */
    char        *cookie;            /* Set-Cookie value, malloc'd, or NULL */
    const char  *www_authenticate;  /* static, or NULL */

    /* a stored file instead of body: the edge serves object key accel
       from the attachment store with these headers (malloc'd) */
    char        *accel;
    char        *disposition;
    char         type_buf[128];     /* content_type may point here */

    /* with disposition set and no accel: the body is a file shown by the
       browser (the logo); the edge adds Content-Disposition, nosniff and
       this Content-Security-Policy (static) */
    const char  *csp;
} hd_resp_t;

/* The caller, as the database knows them. */
typedef struct {
    char         user_id[HD_UUID_LEN + 1];
    char         email[320];
    char         display_name[201];
    char         locale[36];
    char         time_zone[64];
    hd_roles_t   roles;
    char        *teams_json;        /* malloc'd JSON array */
    char         credential[HD_UUID_LEN + 1];   /* session/token id */
    int64_t      authz_version;     /* users.authz_version read at */
    char        *team_ids;          /* malloc'd uuid[] text: {id,...} */
    int64_t      credential_expires;    /* Unix seconds when the token
                                           expires by itself; 0: never */
} hd_principal_t;

#define HD_PLAN_MAX_PARAMS  12
#define HD_PLAN_STORE       4096

typedef struct hd_op_s  hd_op_t;

typedef enum {
    HD_API_RESPOND = 0,
    HD_API_QUERY,
    HD_API_TASK
} hd_api_rc_t;

typedef struct {
    const char   *sql;
    const char   *name;     /* a prepared statement's name (a static string
                               the edge may prepare once per connection and
                               compare by address), or NULL: unnamed */
    int           nparams;
    const char   *params[HD_PLAN_MAX_PARAMS];   /* NULL is SQL NULL */
    char          store[HD_PLAN_STORE];         /* param text owned here */
    size_t        used;
    int           failed;                       /* a param did not fit */
    int           confirms;     /* the statement also checks the caller's
                                   principal: its first column says whether
                                   it still stands (hd_api_plan_caller) */
    int           decode_confirms;  /* the statement does not check the
                                   caller's principal: the decode answers
                                   only when the directory generation the
                                   statement read vouches for it
                                   (hd_dircache_principal_ok()), and
                                   otherwise plans one that checks */
    char         *heap[HD_PLAN_MAX_PARAMS];     /* params too long for
                                                   store, malloc'd */
    int           nheap;

    /* the next step, given a successful result */
    hd_api_rc_t (*decode)(hd_op_t *op, const PGresult *res);

    /* optional: an error result (SQLSTATE) for the handler to answer */
    hd_api_rc_t (*on_error)(hd_op_t *op, const char *sqlstate);
} hd_plan_t;

typedef enum {
    HD_TASK_NONE = 0,
    HD_TASK_PASSWORD_VERIFY,    /* argon2id verify password vs encoded */
    HD_TASK_PASSWORD_HASH,      /* argon2id hash password into encoded */
    HD_TASK_STORE_FILE,         /* the edge hashes src into the store */
    HD_TASK_CAL_EXPAND          /* hd_sla_expand(cal, at, expansion) */
} hd_task_kind_t;

typedef struct {
    hd_task_kind_t  kind;
    char            encoded[256];   /* the stored hash */
    char            password[1024];
    unsigned char   salt[16];       /* HD_TASK_PASSWORD_HASH */

    /* HD_TASK_STORE_FILE: in src and store_dir; out sha256 (hex), the
       type judged from the first bytes, the size */
    const char     *src;
    const char     *store_dir;
    char            sha256[65];
    char            mime[64];
    int64_t         bytes;
    /* with hmac_key set (the inbound email webhook): the file is linked
       only when its HMAC-SHA256 equals hmac_want (hex), else sig_bad;
       message_id gets the Message-ID read from its header */
    const char     *hmac_key;
    size_t          hmac_key_len;
    char            hmac_want[65];
    int             sig_bad;
    char            message_id[HD_MAILIN_ID_MAX + 1];

    const char     *failed;         /* the step that failed, for the log */
    int             err;            /* and its errno */

    /* HD_TASK_CAL_EXPAND: a calendar (hd_sla_cal_t) expanded around at
       (epoch ms) into expansion (hd_sla_expansion_t); both malloc'd and
       freed with the op */
    void           *cal;
    void           *expansion;
    int64_t         at;

    int             ok;             /* result */
} hd_task_t;

/* The cost of new password hashes (OWASP's argon2id recommendation). */
#define HD_ARGON2_T_COST   2
#define HD_ARGON2_M_COST   19456
#define HD_ARGON2_PARALLEL 1

/* Login bookkeeping the edge needs for its rate limiter. */
typedef enum {
    HD_LOGIN_NONE = 0,
    HD_LOGIN_ATTEMPT,           /* a login is about to be checked */
    HD_LOGIN_SUCCEEDED,
    HD_LOGIN_FAILED
} hd_login_state_t;

struct hd_op_s {
    const hd_req_t     *req;
    hd_principal_t      me;
    int                 authenticated;
    int                 stale;          /* times me was found outdated */
    int                 renew_session;  /* re-issue the cookie */
    hd_plan_t           plan;
    hd_resp_t           resp;
    hd_task_t           task;
    hd_api_rc_t       (*task_done)(hd_op_t *op);

    hd_login_state_t    login;
    char                login_email[320];   /* lower-cased */

    void               *body;           /* parsed JSON body (cJSON) */

    union {
        struct {
            char        user_id[HD_UUID_LEN + 1];
            int         known;
            const char *reason;
        } login;

        struct {
            char        token[64];
        } token;

        struct {
            char        target[HD_UUID_LEN + 1];
            char        name[201];
            int         active;         /* -1: unchanged */
            int         set_roles;
            hd_roles_t  roles;
            char        email[320];
        } user;

        struct {
            hd_ticket_ref_t  ref;
            char             id[HD_UUID_LEN + 1];   /* once loaded */
            long             version;               /* once loaded */
            long             if_match;              /* PATCH */
            unsigned         rels;                  /* HD_REL_* */
            int              internal;              /* comment */
            char             filename[256];         /* attachment */
            char             user[HD_UUID_LEN + 1]; /* watcher */
        } ticket;

        struct {
            long        if_match;       /* PATCH */
        } reply;
    } u;
};

/* Initializes op for req (which must outlive op). */
void hd_op_init(hd_op_t *op, const hd_req_t *req);

/* Frees what op allocated, including op->resp's body and cookie. */
void hd_op_free(hd_op_t *op);

/*
 * Process exit: frees what the API keeps per process (the principals'
 * rendered role and permission arrays).
 */
void hd_api_principal_arrays_free(void);

hd_api_rc_t hd_api_begin(hd_op_t *op);

/*
 * The result of op->plan (NULL when none arrived).  Error results go to the
 * plan's on_error, else are mapped by SQLSTATE: statement timeout → 504,
 * connection and shutdown classes → 503, constraint violations → 409/422,
 * anything else → 500; the database's message is never echoed.
 */
hd_api_rc_t hd_api_result(hd_op_t *op, const PGresult *res);

hd_api_rc_t hd_api_task_done(hd_op_t *op);

/* Runs op->task; pure computation, safe on any thread. */
void hd_task_run(hd_task_t *task);

/* Answers op with a problem; detail and errors_json may be NULL. */
hd_api_rc_t hd_api_fail(hd_op_t *op, hd_problem_t p, const char *detail,
    const char *errors_json);

/* Fills *resp with a problem document; detail and errors may be NULL. */
void hd_api_problem(hd_resp_t *resp, hd_problem_t p, const char *detail,
    const char *errors_json, const char *request_id);

void hd_resp_free(hd_resp_t *resp);

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

#endif /* HD_API_H */
