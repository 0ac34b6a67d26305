/*
 * ngx_http_helpdesk — nginx glue of the helpdesk.
 *
 * The module authenticates and routes API requests, runs the one SQL
 * statement each operation needs on a per-worker pool of non-blocking libpq
 * connections, and answers with what the core library renders.  The files:
 *
 *   ngx_http_helpdesk_module.c   directives, configuration, process hooks
 *   ngx_http_helpdesk_handler.c  content handlers: route, body, dispatch
 *   ngx_http_helpdesk_pg.c       one libpq connection on the event loop
 *   ngx_http_helpdesk_pool.c     per-worker pool, FIFO wait queue, timers
 *   ngx_http_helpdesk_metrics.c  shared counters, /metrics, log variables
 */

#ifndef NGX_HTTP_HELPDESK_H
#define NGX_HTTP_HELPDESK_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <ngx_thread_pool.h>

#include <libpq-fe.h>

#include "hd_api.h"
#include "hd_dircache.h"
#include "hd_metrics.h"
#include "hd_problem.h"
#include "hd_route.h"
#include "hd_tokcache.h"


typedef struct ngx_http_helpdesk_pool_s   ngx_http_helpdesk_pool_t;
typedef struct ngx_http_helpdesk_conn_s   ngx_http_helpdesk_conn_t;
typedef struct ngx_http_helpdesk_query_s  ngx_http_helpdesk_query_t;


typedef struct {
    ngx_str_t                   conninfo;
    const char                **db_keywords;    /* NULL-terminated */
    const char                **db_values;
    ngx_uint_t                  pool_size;
    ngx_uint_t                  queue_size;
    ngx_msec_t                  timeout;
    ngx_flag_t                  test_mode;
    ngx_uint_t                  agent_scope;    /* hd_scope_t */

    ngx_str_t                   session_key_file;
    u_char                      session_key[HD_SESSION_KEY_LEN];
    ngx_uint_t                  session_key_set;

    ngx_str_t                   oidc_issuer;
    ngx_str_t                   oidc_audience;
    ngx_str_t                   oidc_roles_claim;
    ngx_str_t                   oidc_jwks_file;

    ngx_str_t                   mail_secret_file;   /* inbound webhook */
    ngx_str_t                   mail_secret;        /* its bytes, or "" */

    ngx_str_t                   attach_dir;     /* the store, or "" */
    ngx_str_t                   attach_uri;     /* its internal location */

    ngx_uint_t                  login_account_limit;
    ngx_uint_t                  login_ip_limit;
    time_t                      login_window;

    ngx_thread_pool_t          *thread_pool;
    ngx_shm_zone_t             *limit_zone;

    ngx_shm_zone_t             *metrics_zone;
    ngx_int_t                   request_id_index;
    ngx_int_t                   nginx_request_id_index;

    ngx_http_helpdesk_pool_t   *pool;           /* per worker process */
} ngx_http_helpdesk_main_conf_t;


/*
 * A statement to run.  Owned by its requester (allocated from the request's
 * pool); the pool calls handler exactly once unless the requester cancels
 * first.  res belongs to the pool and is cleared after handler returns; on
 * failure res is NULL and problem says what went wrong.
 */
typedef void (*ngx_http_helpdesk_query_handler_pt)(
    ngx_http_helpdesk_query_t *q, PGresult *res, hd_problem_t problem);

struct ngx_http_helpdesk_query_s {
    ngx_queue_t                          queue;     /* pool's wait queue */
    ngx_event_t                          wait;      /* wait queue timer */
    ngx_http_helpdesk_conn_t            *conn;      /* while running */
    ngx_http_helpdesk_pool_t            *pool;

    const char                          *sql;
    const char                          *name;      /* prepared, or NULL */
    int                                  nparams;
    const char *const                   *params;
    const char                          *now;       /* test clock, or NULL */

    ngx_http_helpdesk_query_handler_pt   handler;
    void                                *data;
    ngx_uint_t                           slot;      /* in conn->batch */

    struct timespec                      started;   /* handed to the pool */
    unsigned                             waiting:1;
};


/* states of a pooled connection */
typedef enum {
    NGX_HTTP_HELPDESK_CONNECTING = 0,
    NGX_HTTP_HELPDESK_IDLE,
    NGX_HTTP_HELPDESK_BUSY
} ngx_http_helpdesk_conn_state_e;

/*
 * Statements a connection sends in one go: in libpq's pipeline mode a
 * connection that becomes free takes up to this many waiting queries, each
 * with its own Sync (an error stays with its own statement), and returns
 * to the pool when every result is in.
 */
#define NGX_HTTP_HELPDESK_BATCH  8

/*
 * Named statements a connection prepares the first time a query asks for
 * one (core names them with static strings, compared by address); more
 * than this many distinct names are sent unnamed.
 */
#define NGX_HTTP_HELPDESK_PREPARED  16

struct ngx_http_helpdesk_conn_s {
    ngx_queue_t                          queue;     /* pool's idle/busy */
    ngx_http_helpdesk_pool_t            *pool;
    PGconn                              *pg;
    ngx_connection_t                    *c;
    ino_t                                sock_ino;  /* c->fd's socket */
    ngx_http_helpdesk_conn_state_e       state;

    /* the batch in flight; a NULL slot is a query whose owner left */
    ngx_http_helpdesk_query_t           *batch[NGX_HTTP_HELPDESK_BATCH];
    ngx_uint_t                           nbatch;
    ngx_uint_t                           head;      /* results being read */
    PGresult                            *result;    /* head's first one */
    unsigned                             head_done:1;   /* its NULL seen */
    unsigned                             pipeline:1;    /* pipeline mode */

    /* a slot's statement may come after up to two leading commands whose
       results are absorbed: the test clock's set_config (q->now) and the
       statement's Prepare when it is prepared in the same batch */
    const char                          *preparing[NGX_HTTP_HELPDESK_BATCH];
    u_char                               lead[NGX_HTTP_HELPDESK_BATCH];
    unsigned                             head_groups;   /* NULLs seen */

    const char                          *prepared[NGX_HTTP_HELPDESK_PREPARED];
    ngx_uint_t                           nprepared;
};

struct ngx_http_helpdesk_pool_s {
    ngx_http_helpdesk_main_conf_t       *conf;
    ngx_log_t                           *log;
    ngx_queue_t                          idle;
    ngx_queue_t                          busy;      /* + connecting */
    ngx_queue_t                          waiting;
    ngx_uint_t                           nconns;
    ngx_uint_t                           nidle;
    ngx_uint_t                           nconnecting;
    ngx_uint_t                           nwaiting;
    time_t                               last_error_log;
};


/* per-request state */
typedef struct {
    ngx_http_helpdesk_query_t   query;
    hd_route_match_t            match;
    hd_req_t                    req;
    hd_op_t                     op;
    hd_jwt_claims_t             claims;
    ngx_str_t                   request_id;     /* NUL-terminated */
    char                       *body;
    const char                 *upload_path;    /* spooled upload, or NULL */
    off_t                       upload_size;
    ngx_uint_t                  route;          /* HD_ROUTE_NONE: none */
    double                      db_ms;
    hd_api_rc_t                 next;           /* when answered at once */
    unsigned                    dispatching:1;  /* inside pool_query() */
    unsigned                    answered:1;
    unsigned                    in_db:1;        /* query outstanding */
    unsigned                    in_task:1;      /* thread task running */
    unsigned                    holding:1;      /* holds r->main->count */
    unsigned                    op_started:1;
    unsigned                    limit_checked:1;
    unsigned                    limit_recorded:1;
} ngx_http_helpdesk_ctx_t;


extern ngx_module_t  ngx_http_helpdesk_module;


/* handler.c */
ngx_int_t ngx_http_helpdesk_api_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_helpdesk_problem_handler(ngx_http_request_t *r);

/* module.c */
ngx_shm_zone_t *ngx_http_helpdesk_shm_add(ngx_conf_t *cf, const char *name,
    size_t size);

/* auth.c */
void ngx_http_helpdesk_credential(ngx_http_request_t *r,
    ngx_http_helpdesk_ctx_t *ctx);
ngx_int_t ngx_http_helpdesk_load_session_key(ngx_conf_t *cf,
    ngx_http_helpdesk_main_conf_t *hmcf);
void ngx_http_helpdesk_auth_exit(void);

/* attach.c */
void ngx_http_helpdesk_store_file(hd_task_t *task);

/* limit.c */
ngx_int_t ngx_http_helpdesk_limit_add_zone(ngx_conf_t *cf,
    ngx_http_helpdesk_main_conf_t *hmcf);
ngx_int_t ngx_http_helpdesk_limit_check(ngx_http_helpdesk_main_conf_t *hmcf,
    const char *account, const char *ip, time_t *retry_after);
void ngx_http_helpdesk_limit_record(ngx_http_helpdesk_main_conf_t *hmcf,
    const char *account, const char *ip, ngx_uint_t failed);

/* pool.c */
ngx_int_t ngx_http_helpdesk_pool_init(ngx_cycle_t *cycle,
    ngx_http_helpdesk_main_conf_t *hmcf);
void ngx_http_helpdesk_pool_exit(ngx_http_helpdesk_pool_t *pool);
ngx_int_t ngx_http_helpdesk_pool_query(ngx_http_helpdesk_pool_t *pool,
    ngx_http_helpdesk_query_t *q);
void ngx_http_helpdesk_pool_cancel(ngx_http_helpdesk_query_t *q);
void ngx_http_helpdesk_pool_conn_ready(ngx_http_helpdesk_conn_t *hc);
void ngx_http_helpdesk_pool_conn_closed(ngx_http_helpdesk_conn_t *hc);
void ngx_http_helpdesk_pool_gauges(ngx_http_helpdesk_pool_t *pool);

/* pg.c */
ngx_http_helpdesk_conn_t *ngx_http_helpdesk_pg_connect(
    ngx_http_helpdesk_pool_t *pool);
void ngx_http_helpdesk_pg_send(ngx_http_helpdesk_conn_t *hc,
    ngx_http_helpdesk_query_t **q, ngx_uint_t n);
void ngx_http_helpdesk_pg_close(ngx_http_helpdesk_conn_t *hc);

/* metrics.c */
ngx_int_t ngx_http_helpdesk_metrics_add_zone(ngx_conf_t *cf,
    ngx_http_helpdesk_main_conf_t *hmcf);
void ngx_http_helpdesk_metrics_attach(ngx_cycle_t *cycle,
    ngx_http_helpdesk_main_conf_t *hmcf);
void ngx_http_helpdesk_metrics_detach(void);
void ngx_http_helpdesk_metrics_db_error(hd_db_error_kind_t kind);
void ngx_http_helpdesk_metrics_pool(ngx_uint_t in_use, ngx_uint_t idle,
    ngx_uint_t waiting, ngx_uint_t connecting);
ngx_int_t ngx_http_helpdesk_metrics_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_helpdesk_log_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_helpdesk_add_variables(ngx_conf_t *cf);


#endif /* NGX_HTTP_HELPDESK_H */
