/*
 * ngx_http_helpdesk_module — directives, configuration and process hooks.
 *
 *   helpdesk_db "<libpq conninfo>";   database, as the application role
 *   helpdesk_db_pool_size 4;          connections per worker
 *   helpdesk_db_queue 128;            requests that may wait per worker
 *   helpdesk_db_timeout 5s;           connect, queue wait and query timeout
 *   helpdesk_test_mode off;           enables the /api/_test/ routes
 *   helpdesk_agent_scope team;        agents work their teams' tickets (or all)
 *   helpdesk_session_key_file path;   enables local accounts (key made once)
 *   helpdesk_login_limit 10 100 15m;  failed sign-ins per account, per
 *                                     address, and the window
 *   helpdesk_oidc_issuer url;         OIDC access tokens: expected iss,
 *   helpdesk_oidc_audience aud;       aud,
 *   helpdesk_oidc_roles_claim roles;  where the roles are,
 *   helpdesk_oidc_jwks_file path;     and the keys (kept by the worker)
 *   helpdesk_attachments dir uri;     the attachment store, and the
 *                                     internal location serving it
 *   helpdesk_email_webhook_secret_file path;
 *                                     enables POST /api/webhooks/email-
 *                                     inbound, signed with this secret
 *   helpdesk_api;                     location: the REST API
 *   helpdesk_metrics;                 location: Prometheus metrics
 *   helpdesk_problem;                 location: problem+json error_page
 */

#include "ngx_http_helpdesk.h"


static void *ngx_http_helpdesk_create_main_conf(ngx_conf_t *cf);
static ngx_int_t ngx_http_helpdesk_load_mail_secret(ngx_conf_t *cf,
    ngx_http_helpdesk_main_conf_t *hmcf);
static char *ngx_http_helpdesk_init_main_conf(ngx_conf_t *cf, void *conf);
static char *ngx_http_helpdesk_attachments(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_helpdesk_oidc_check(ngx_conf_t *cf,
    ngx_http_helpdesk_main_conf_t *hmcf);
static char *ngx_http_helpdesk_set_handler(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_helpdesk_login_limit(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static ngx_int_t ngx_http_helpdesk_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_helpdesk_postconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_helpdesk_shm_init(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_int_t ngx_http_helpdesk_init_process(ngx_cycle_t *cycle);
static void ngx_http_helpdesk_exit_process(ngx_cycle_t *cycle);


static ngx_conf_num_bounds_t  ngx_http_helpdesk_pool_bounds = {
    ngx_conf_check_num_bounds, 1, 1024
};

static ngx_conf_num_bounds_t  ngx_http_helpdesk_queue_bounds = {
    ngx_conf_check_num_bounds, 0, 65536
};

static ngx_conf_enum_t  ngx_http_helpdesk_scopes[] = {
    { ngx_string("team"), HD_SCOPE_TEAM },
    { ngx_string("all"), HD_SCOPE_ALL },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_http_helpdesk_commands[] = {

    { ngx_string("helpdesk_db"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_helpdesk_main_conf_t, conninfo),
      NULL },

    { ngx_string("helpdesk_db_pool_size"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_helpdesk_main_conf_t, pool_size),
      &ngx_http_helpdesk_pool_bounds },

    { ngx_string("helpdesk_db_queue"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_helpdesk_main_conf_t, queue_size),
      &ngx_http_helpdesk_queue_bounds },

    { ngx_string("helpdesk_db_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_helpdesk_main_conf_t, timeout),
      NULL },

    { ngx_string("helpdesk_test_mode"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_helpdesk_main_conf_t, test_mode),
      NULL },

    { ngx_string("helpdesk_agent_scope"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_helpdesk_main_conf_t, agent_scope),
      &ngx_http_helpdesk_scopes },

    { ngx_string("helpdesk_session_key_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_helpdesk_main_conf_t, session_key_file),
      NULL },

    { ngx_string("helpdesk_email_webhook_secret_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_helpdesk_main_conf_t, mail_secret_file),
      NULL },

    { ngx_string("helpdesk_login_limit"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE3,
      ngx_http_helpdesk_login_limit,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("helpdesk_oidc_issuer"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_helpdesk_main_conf_t, oidc_issuer),
      NULL },

    { ngx_string("helpdesk_oidc_audience"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_helpdesk_main_conf_t, oidc_audience),
      NULL },

    { ngx_string("helpdesk_oidc_roles_claim"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_helpdesk_main_conf_t, oidc_roles_claim),
      NULL },

    { ngx_string("helpdesk_oidc_jwks_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_helpdesk_main_conf_t, oidc_jwks_file),
      NULL },

    { ngx_string("helpdesk_attachments"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_http_helpdesk_attachments,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("helpdesk_api"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_helpdesk_set_handler,
      0,
      0,
      (void *) ngx_http_helpdesk_api_handler },

    { ngx_string("helpdesk_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_helpdesk_set_handler,
      0,
      0,
      (void *) ngx_http_helpdesk_metrics_handler },

    { ngx_string("helpdesk_problem"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_helpdesk_set_handler,
      0,
      0,
      (void *) ngx_http_helpdesk_problem_handler },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_helpdesk_module_ctx = {
    ngx_http_helpdesk_preconfiguration,    /* preconfiguration */
    ngx_http_helpdesk_postconfiguration,   /* postconfiguration */

    ngx_http_helpdesk_create_main_conf,    /* create main configuration */
    ngx_http_helpdesk_init_main_conf,      /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_http_helpdesk_module = {
    NGX_MODULE_V1,
    &ngx_http_helpdesk_module_ctx,         /* module context */
    ngx_http_helpdesk_commands,            /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_helpdesk_init_process,        /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_helpdesk_exit_process,        /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static void *
ngx_http_helpdesk_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_helpdesk_main_conf_t  *hmcf;

    hmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_helpdesk_main_conf_t));
    if (hmcf == NULL) {
        return NULL;
    }

    hmcf->pool_size = NGX_CONF_UNSET_UINT;
    hmcf->queue_size = NGX_CONF_UNSET_UINT;
    hmcf->timeout = NGX_CONF_UNSET_MSEC;
    hmcf->test_mode = NGX_CONF_UNSET;
    hmcf->agent_scope = NGX_CONF_UNSET_UINT;
    hmcf->login_account_limit = NGX_CONF_UNSET_UINT;
    hmcf->login_ip_limit = NGX_CONF_UNSET_UINT;
    hmcf->login_window = NGX_CONF_UNSET;

    return hmcf;
}


/*
 * Appends keyword=value to the connection parameters being built.
 */
static char *
ngx_http_helpdesk_db_param(ngx_conf_t *cf, ngx_array_t *kw, ngx_array_t *val,
    const char *keyword, const char *value)
{
    const char  **k, **v;

    k = ngx_array_push(kw);
    v = ngx_array_push(val);
    if (k == NULL || v == NULL) {
        return NGX_CONF_ERROR;
    }

    *k = keyword;
    *v = value;

    return NGX_CONF_OK;
}


static char *
ngx_http_helpdesk_pstrdup(ngx_conf_t *cf, const char *s)
{
    size_t   len;
    u_char  *p;

    len = ngx_strlen(s);

    p = ngx_pnalloc(cf->pool, len + 1);
    if (p == NULL) {
        return NULL;
    }

    ngx_memcpy(p, s, len + 1);

    return (char *) p;
}


/*
 * Turns helpdesk_db into the keyword/value arrays given to
 * PQconnectStartParams, and refuses what would make a worker block: a host
 * *name* (libpq resolves it synchronously) must come with hostaddr.  Adds a
 * statement_timeout a little under helpdesk_db_timeout, so the server stops
 * a statement nginx has given up on.
 */
static char *
ngx_http_helpdesk_db_params(ngx_conf_t *cf,
    ngx_http_helpdesk_main_conf_t *hmcf)
{
    u_char             *conninfo, *p;
    char               *errmsg, *options, *host, *hostaddr;
    ngx_msec_t          st;
    ngx_array_t         kw, val;
    struct in6_addr     a6;
    struct in_addr      a4;
    PQconninfoOption   *opts, *o;

    conninfo = ngx_pnalloc(cf->pool, hmcf->conninfo.len + 1);
    if (conninfo == NULL) {
        return NGX_CONF_ERROR;
    }

    (void) ngx_cpystrn(conninfo, hmcf->conninfo.data, hmcf->conninfo.len + 1);

    errmsg = NULL;
    opts = PQconninfoParse((char *) conninfo, &errmsg);
    if (opts == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid helpdesk_db \"%V\": %s", &hmcf->conninfo,
                           errmsg ? errmsg : "out of memory");
        PQfreemem(errmsg);
        return NGX_CONF_ERROR;
    }

    if (ngx_array_init(&kw, cf->pool, 16, sizeof(char *)) != NGX_OK
        || ngx_array_init(&val, cf->pool, 16, sizeof(char *)) != NGX_OK)
    {
        goto failed;
    }

    host = NULL;
    hostaddr = NULL;
    options = "";

    for (o = opts; o->keyword; o++) {
        if (o->val == NULL) {
            continue;
        }

        if (ngx_strcmp(o->keyword, "options") == 0) {
            options = o->val;
            continue;
        }

        if (ngx_strcmp(o->keyword, "host") == 0) {
            host = o->val;
        }

        if (ngx_strcmp(o->keyword, "hostaddr") == 0) {
            hostaddr = o->val;
        }

        if (ngx_http_helpdesk_db_param(cf, &kw, &val,
                ngx_http_helpdesk_pstrdup(cf, o->keyword),
                ngx_http_helpdesk_pstrdup(cf, o->val)) != NGX_CONF_OK)
        {
            goto failed;
        }
    }

    if (hostaddr == NULL) {
        if (host == NULL || host[0] == '\0') {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "helpdesk_db needs host= (an IP address or a "
                               "socket directory) or hostaddr=");
            goto failed;
        }

        if (host[0] != '/' && inet_pton(AF_INET, host, &a4) != 1
            && inet_pton(AF_INET6, host, &a6) != 1)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "helpdesk_db host \"%s\" is a name: resolving "
                               "it would block nginx; give hostaddr= too",
                               host);
            goto failed;
        }

        if (host[0] != '/'
            && ngx_http_helpdesk_db_param(cf, &kw, &val, "hostaddr",
                   ngx_http_helpdesk_pstrdup(cf, host)) != NGX_CONF_OK)
        {
            goto failed;
        }
    }

    st = hmcf->timeout > 200 ? hmcf->timeout - hmcf->timeout / 10
                             : hmcf->timeout;

    p = ngx_pnalloc(cf->pool, ngx_strlen(options) + 64);
    if (p == NULL) {
        goto failed;
    }

    *ngx_sprintf(p, "%s -c statement_timeout=%M", options, st) = '\0';

    if (ngx_http_helpdesk_db_param(cf, &kw, &val, "options", (char *) p)
            != NGX_CONF_OK
        || ngx_http_helpdesk_db_param(cf, &kw, &val,
               "fallback_application_name", "helpdesk-nginx") != NGX_CONF_OK
        || ngx_http_helpdesk_db_param(cf, &kw, &val, NULL, NULL)
            != NGX_CONF_OK)
    {
        goto failed;
    }

    hmcf->db_keywords = kw.elts;
    hmcf->db_values = val.elts;

    PQconninfoFree(opts);
    return NGX_CONF_OK;

failed:

    PQconninfoFree(opts);
    return NGX_CONF_ERROR;
}


/*
 * The OIDC directives go together, and the strings they hold are used as
 * C strings: make sure each is NUL-terminated (conf strings are not).
 */
static char *
ngx_http_helpdesk_oidc_check(ngx_conf_t *cf,
    ngx_http_helpdesk_main_conf_t *hmcf)
{
    ngx_uint_t   i, set;
    ngx_str_t   *s[4];
    u_char      *p;

    s[0] = &hmcf->oidc_issuer;
    s[1] = &hmcf->oidc_audience;
    s[2] = &hmcf->oidc_jwks_file;
    s[3] = &hmcf->oidc_roles_claim;

    set = (s[0]->len > 0) + (s[1]->len > 0) + (s[2]->len > 0);

    if (set != 0 && set != 3) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "helpdesk_oidc_issuer, helpdesk_oidc_audience and "
                           "helpdesk_oidc_jwks_file go together");
        return NGX_CONF_ERROR;
    }

    for (i = 0; i < 4; i++) {
        p = ngx_pnalloc(cf->pool, s[i]->len + 1);
        if (p == NULL) {
            return NGX_CONF_ERROR;
        }

        if (s[i]->len) {
            ngx_memcpy(p, s[i]->data, s[i]->len);
        }

        p[s[i]->len] = '\0';
        s[i]->data = p;
    }

    return NGX_CONF_OK;
}


/*
 * helpdesk_attachments /var/lib/helpdesk/attachments /_attachments/;
 * The store directory (absolute; nginx workers must be able to write it)
 * and the prefix of an `internal` location whose alias is that directory,
 * through which downloads are served.
 */
static char *
ngx_http_helpdesk_attachments(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_helpdesk_main_conf_t  *hmcf = conf;

    ngx_str_t  *value;

    (void) cmd;

    if (hmcf->attach_dir.len) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len < 2 || value[1].data[0] != '/') {
        return "needs an absolute directory";
    }

    if (value[2].len < 2 || value[2].data[0] != '/'
        || value[2].data[value[2].len - 1] != '/')
    {
        return "needs a location prefix such as /_attachments/";
    }

    /* conf tokens are NUL-terminated: the directory is used as a C string */

    hmcf->attach_dir = value[1];
    hmcf->attach_uri = value[2];

    return NGX_CONF_OK;
}


static char *
ngx_http_helpdesk_login_limit(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_helpdesk_main_conf_t  *hmcf = conf;

    ngx_int_t   n, m;
    time_t      w;
    ngx_str_t  *value;

    (void) cmd;

    if (hmcf->login_window != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    n = ngx_atoi(value[1].data, value[1].len);
    m = ngx_atoi(value[2].data, value[2].len);
    w = ngx_parse_time(&value[3], 1);

    if (n <= 0 || m <= 0 || w == (time_t) NGX_ERROR || w <= 0) {
        return "takes: failures per account, failures per address, window";
    }

    hmcf->login_account_limit = (ngx_uint_t) n;
    hmcf->login_ip_limit = (ngx_uint_t) m;
    hmcf->login_window = w;

    return NGX_CONF_OK;
}


static char *
ngx_http_helpdesk_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_helpdesk_main_conf_t  *hmcf = conf;

    ngx_conf_init_uint_value(hmcf->pool_size, 4);
    ngx_conf_init_uint_value(hmcf->queue_size, 128);
    ngx_conf_init_msec_value(hmcf->timeout, 5000);
    ngx_conf_init_value(hmcf->test_mode, 0);
    ngx_conf_init_uint_value(hmcf->agent_scope, HD_SCOPE_TEAM);
    ngx_conf_init_uint_value(hmcf->login_account_limit, 10);
    ngx_conf_init_uint_value(hmcf->login_ip_limit, 100);
    ngx_conf_init_value(hmcf->login_window, 900);

    if (hmcf->oidc_roles_claim.len == 0) {
        ngx_str_set(&hmcf->oidc_roles_claim, "roles");
    }

    if (ngx_http_helpdesk_oidc_check(cf, hmcf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (hmcf->session_key_file.len
        && ngx_http_helpdesk_load_session_key(cf, hmcf) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (hmcf->mail_secret_file.len
        && ngx_http_helpdesk_load_mail_secret(cf, hmcf) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (hmcf->conninfo.len == 0) {
        return NGX_CONF_OK;
    }

    return ngx_http_helpdesk_db_params(cf, hmcf);
}


static char *
ngx_http_helpdesk_set_handler(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    (void) conf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler != NULL) {
        return "is duplicate";
    }

    clcf->handler = (ngx_http_handler_pt) cmd->post;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_helpdesk_preconfiguration(ngx_conf_t *cf)
{
    return ngx_http_helpdesk_add_variables(cf);
}


static ngx_int_t
ngx_http_helpdesk_postconfiguration(ngx_conf_t *cf)
{
    ngx_str_t                       own = ngx_string("helpdesk_request_id");
    ngx_str_t                       gen = ngx_string("request_id");
    ngx_http_handler_pt            *h;
    ngx_http_core_main_conf_t      *cmcf;
    ngx_http_helpdesk_main_conf_t  *hmcf;

    hmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_helpdesk_module);
    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    hmcf->request_id_index = ngx_http_get_variable_index(cf, &own);
    hmcf->nginx_request_id_index = ngx_http_get_variable_index(cf, &gen);

    if (hmcf->request_id_index == NGX_ERROR
        || hmcf->nginx_request_id_index == NGX_ERROR)
    {
        return NGX_ERROR;
    }

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_helpdesk_log_handler;

    hmcf->thread_pool = ngx_thread_pool_add(cf, NULL);
    if (hmcf->thread_pool == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_helpdesk_limit_add_zone(cf, hmcf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_helpdesk_metrics_add_zone(cf, hmcf);
}


/*
 * A shared zone holding one zeroed object of size bytes (zone->data once
 * the cycle is up).  A reload keeps the object of the previous cycle.
 */
ngx_shm_zone_t *
ngx_http_helpdesk_shm_add(ngx_conf_t *cf, const char *name, size_t size)
{
    ngx_str_t        zname;
    ngx_shm_zone_t  *zone;

    zname.data = (u_char *) name;
    zname.len = ngx_strlen(name);

    zone = ngx_shared_memory_add(cf, &zname, size + 64 * 1024,
                                 &ngx_http_helpdesk_module);
    if (zone == NULL) {
        return NULL;
    }

    /* until init, data says how large the object is */
    zone->data = (void *) (uintptr_t) size;
    zone->init = ngx_http_helpdesk_shm_init;

    return zone;
}


static ngx_int_t
ngx_http_helpdesk_shm_init(ngx_shm_zone_t *shm_zone, void *data)
{
    void             *obj;
    size_t            size;
    ngx_slab_pool_t  *shpool;

    if (data) {
        /* reload: keep what the previous cycle had */
        shm_zone->data = data;
        return NGX_OK;
    }

    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        shm_zone->data = shpool->data;
        return NGX_OK;
    }

    size = (size_t) (uintptr_t) shm_zone->data;

    obj = ngx_slab_calloc(shpool, size);
    if (obj == NULL) {
        return NGX_ERROR;
    }

    shpool->data = obj;
    shm_zone->data = obj;

    return NGX_OK;
}


static ngx_int_t
ngx_http_helpdesk_init_process(ngx_cycle_t *cycle)
{
    ngx_http_helpdesk_main_conf_t  *hmcf;

    hmcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_helpdesk_module);
    if (hmcf == NULL) {
        return NGX_OK;
    }

    ngx_http_helpdesk_metrics_attach(cycle, hmcf);

    if (hmcf->db_keywords == NULL) {
        return NGX_OK;
    }

    return ngx_http_helpdesk_pool_init(cycle, hmcf);
}


static void
ngx_http_helpdesk_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_helpdesk_main_conf_t  *hmcf;

    hmcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_helpdesk_module);

    if (hmcf != NULL && hmcf->pool != NULL) {
        ngx_http_helpdesk_pool_exit(hmcf->pool);
        hmcf->pool = NULL;
    }

    ngx_http_helpdesk_auth_exit();
    ngx_http_helpdesk_metrics_detach();
}


/*
 * Reads the inbound email webhook's shared secret (read by the master at
 * start, like the session key; trailing white space dropped; at least 16
 * bytes).
 */
static ngx_int_t
ngx_http_helpdesk_load_mail_secret(ngx_conf_t *cf,
    ngx_http_helpdesk_main_conf_t *hmcf)
{
    ssize_t     n;
    u_char     *buf;
    ngx_fd_t    fd;
    ngx_file_t  file;

    if (ngx_conf_full_name(cf->cycle, &hmcf->mail_secret_file, 0) != NGX_OK) {
        return NGX_ERROR;
    }

    fd = ngx_open_file(hmcf->mail_secret_file.data, NGX_FILE_RDONLY,
                       NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "helpdesk: cannot open webhook secret \"%V\"",
                           &hmcf->mail_secret_file);
        return NGX_ERROR;
    }

    buf = ngx_pnalloc(cf->pool, 4096);
    if (buf == NULL) {
        (void) ngx_close_file(fd);
        return NGX_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.fd = fd;
    file.name = hmcf->mail_secret_file;
    file.log = cf->log;

    n = ngx_read_file(&file, buf, 4096, 0);
    (void) ngx_close_file(fd);

    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'
                     || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
    {
        n--;
    }

    if (n < 16 || n >= 4096) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "helpdesk: webhook secret \"%V\" must hold 16 to "
                           "4095 bytes", &hmcf->mail_secret_file);
        return NGX_ERROR;
    }

    hmcf->mail_secret.data = buf;
    hmcf->mail_secret.len = (size_t) n;

    return NGX_OK;
}
