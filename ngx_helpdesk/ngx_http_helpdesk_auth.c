/*
 * Credentials: what the caller presents, verified without I/O.
 *
 *   Authorization: Bearer hd_pat_…   a personal access token: hashed here,
 *                                    resolved by the core (and kept in
 *                                    the token cache, confirmed by the
 *                                    database on every request);
 *   Authorization: Bearer <JWT>      an OIDC access token: verified against
 *                                    the issuer's keys (RS256/ES256 only);
 *   Cookie: hd_session=…             a local session token: MAC and expiry
 *                                    checked here (CSRF in the core).
 *
 * Identity headers a client might send (X-User, X-Remote-User, ...) are
 * never read.  The issuer's keys come from a JWKS file the worker keeps
 * current; each nginx worker re-reads it when it changes (checked at most
 * every few seconds, or at once, rate-limited, when a token names an
 * unknown key), so keys rotate without a reload.
 *
 * A verified OIDC token's claims are kept in the worker's token cache
 * (core/hd_tokcache.h) under the sha256 of the token, until its exp and
 * only for the key set it was verified with: a token presented again costs
 * a hash instead of a signature check, and a JWKS change re-verifies all.
 */

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "ngx_http_helpdesk.h"


#define NGX_HTTP_HELPDESK_JWKS_CHECK    5   /* seconds between stat()s */


typedef struct {
    hd_jwks_t  *keys;
    uint64_t    generation;     /* bumped with every set loaded */
    time_t      checked;
    time_t      mtime;
    ino_t       ino;
    off_t       size;
} ngx_http_helpdesk_jwks_t;


static ngx_http_helpdesk_jwks_t  ngx_http_helpdesk_jwks;     /* per worker */

/* sha256, fetched once per worker: OpenSSL 3's SHA256() fetches it per call */
static EVP_MD                   *ngx_http_helpdesk_sha256;
static EVP_MD_CTX               *ngx_http_helpdesk_sha256_ctx;


/*
 * Reads the instance's session key, creating it (32 random bytes, mode
 * 0600) on first start.  Runs in the master while it reads the
 * configuration, before workers drop privileges.
 */
ngx_int_t
ngx_http_helpdesk_load_session_key(ngx_conf_t *cf,
    ngx_http_helpdesk_main_conf_t *hmcf)
{
    int          fd;
    ssize_t      n;
    u_char      *path;
    ngx_file_t   file;

    path = ngx_pnalloc(cf->pool, hmcf->session_key_file.len + 1);
    if (path == NULL) {
        return NGX_ERROR;
    }

    (void) ngx_cpystrn(path, hmcf->session_key_file.data,
                       hmcf->session_key_file.len + 1);

    fd = open((char *) path, O_RDONLY);

    if (fd == -1 && ngx_errno == NGX_ENOENT) {
        if (RAND_bytes(hmcf->session_key, HD_SESSION_KEY_LEN) != 1) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "helpdesk: RAND_bytes() failed");
            return NGX_ERROR;
        }

        fd = open((char *) path, O_WRONLY|O_CREAT|O_EXCL, 0600);
        if (fd == -1
            || write(fd, hmcf->session_key, HD_SESSION_KEY_LEN)
               != HD_SESSION_KEY_LEN)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               "helpdesk: cannot create session key file "
                               "\"%s\"", path);
            if (fd != -1) {
                (void) close(fd);
            }
            return NGX_ERROR;
        }

        (void) close(fd);
        hmcf->session_key_set = 1;

        ngx_conf_log_error(NGX_LOG_NOTICE, cf, 0,
                           "helpdesk: created session key \"%s\"", path);
        return NGX_OK;
    }

    if (fd == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "helpdesk: cannot open session key \"%s\"", path);
        return NGX_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.fd = fd;
    file.name.data = path;
    file.name.len = hmcf->session_key_file.len;
    file.log = cf->log;

    n = ngx_read_file(&file, hmcf->session_key, HD_SESSION_KEY_LEN, 0);
    (void) close(fd);

    if (n != HD_SESSION_KEY_LEN) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "helpdesk: session key \"%s\" must hold %d bytes",
                           path, HD_SESSION_KEY_LEN);
        return NGX_ERROR;
    }

    hmcf->session_key_set = 1;

    return NGX_OK;
}


/*
 * Makes sure this worker holds the current JWKS: re-stat()s the file at
 * most every few seconds (or now, when force is set and a second has
 * passed), and re-parses it when it changed.  A file that cannot be read
 * or parsed keeps the keys we had.
 */
static void
ngx_http_helpdesk_jwks_refresh(ngx_http_request_t *r,
    ngx_http_helpdesk_main_conf_t *hmcf, ngx_uint_t force)
{
    int                        fd;
    char                       err[128];
    u_char                    *buf;
    ssize_t                    n;
    ngx_file_t                 file;
    hd_jwks_t                 *keys;
    ngx_file_info_t            fi;
    ngx_http_helpdesk_jwks_t  *j;

    j = &ngx_http_helpdesk_jwks;

    if (ngx_time() - j->checked < (force ? 1 : NGX_HTTP_HELPDESK_JWKS_CHECK)
        && j->keys != NULL)
    {
        return;
    }

    j->checked = ngx_time();

    if (ngx_file_info(hmcf->oidc_jwks_file.data, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, ngx_errno,
                      "helpdesk: cannot stat JWKS \"%V\"",
                      &hmcf->oidc_jwks_file);
        return;
    }

    if (j->keys != NULL && ngx_file_mtime(&fi) == j->mtime
        && ngx_file_uniq(&fi) == j->ino && ngx_file_size(&fi) == j->size)
    {
        return;
    }

    if (ngx_file_size(&fi) > HD_JWKS_JSON_MAX) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "helpdesk: JWKS \"%V\" is too large",
                      &hmcf->oidc_jwks_file);
        return;
    }

    fd = open((char *) hmcf->oidc_jwks_file.data, O_RDONLY);
    if (fd == -1) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, ngx_errno,
                      "helpdesk: cannot open JWKS \"%V\"",
                      &hmcf->oidc_jwks_file);
        return;
    }

    buf = ngx_alloc((size_t) ngx_file_size(&fi) + 1, r->connection->log);
    if (buf == NULL) {
        (void) close(fd);
        return;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.fd = fd;
    file.name = hmcf->oidc_jwks_file;
    file.log = r->connection->log;

    n = ngx_read_file(&file, buf, (size_t) ngx_file_size(&fi), 0);
    (void) close(fd);

    keys = (n == ngx_file_size(&fi))
           ? hd_jwks_parse((char *) buf, (size_t) n, err, sizeof(err))
           : NULL;
    ngx_free(buf);

    if (keys == NULL || hd_jwks_count(keys) == 0) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "helpdesk: JWKS \"%V\" has no usable key: %s",
                      &hmcf->oidc_jwks_file, keys ? err : "unreadable");
        hd_jwks_free(keys);
        return;
    }

    hd_jwks_free(j->keys);
    j->keys = keys;
    j->generation++;
    j->mtime = ngx_file_mtime(&fi);
    j->ino = ngx_file_uniq(&fi);
    j->size = ngx_file_size(&fi);

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "helpdesk: loaded %uz keys from JWKS \"%V\"",
                  hd_jwks_count(keys), &hmcf->oidc_jwks_file);
}


void
ngx_http_helpdesk_auth_exit(void)
{
    hd_tokcache_free();
    hd_dircache_free();
    hd_api_principal_arrays_free();
    hd_jwks_free(ngx_http_helpdesk_jwks.keys);
    ngx_memzero(&ngx_http_helpdesk_jwks, sizeof(ngx_http_helpdesk_jwks_t));

    EVP_MD_CTX_free(ngx_http_helpdesk_sha256_ctx);
    EVP_MD_free(ngx_http_helpdesk_sha256);
    ngx_http_helpdesk_sha256_ctx = NULL;
    ngx_http_helpdesk_sha256 = NULL;
}


/*
 * The token cache's key for a bearer token: the sha256 of its text (so the
 * cache never holds a token).
 */
static void
ngx_http_helpdesk_token_hash(u_char *token, size_t len, u_char *hash)
{
    unsigned int  n;

    if (ngx_http_helpdesk_sha256 == NULL) {
        ngx_http_helpdesk_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
        ngx_http_helpdesk_sha256_ctx = EVP_MD_CTX_new();
    }

    if (ngx_http_helpdesk_sha256 == NULL
        || ngx_http_helpdesk_sha256_ctx == NULL
        || EVP_DigestInit_ex2(ngx_http_helpdesk_sha256_ctx,
                              ngx_http_helpdesk_sha256, NULL) != 1
        || EVP_DigestUpdate(ngx_http_helpdesk_sha256_ctx, token, len) != 1
        || EVP_DigestFinal_ex(ngx_http_helpdesk_sha256_ctx, hash, &n) != 1)
    {
        (void) SHA256(token, len, hash);
    }
}


static void
ngx_http_helpdesk_bearer_jwt(ngx_http_request_t *r,
    ngx_http_helpdesk_ctx_t *ctx, u_char *token, size_t len)
{
    hd_cred_t                      *cred;
    hd_jwt_code_t                   code;
    hd_jwt_error_t                  err;
    hd_jwt_expect_t                 expect;
    ngx_http_helpdesk_main_conf_t  *hmcf;

    hmcf = ngx_http_get_module_main_conf(r, ngx_http_helpdesk_module);
    cred = &ctx->req.cred;

    if (hmcf->oidc_jwks_file.len == 0) {
        cred->kind = HD_CRED_INVALID;
        cred->why = "bearer tokens other than personal access tokens are "
                    "not accepted: OIDC is not configured";
        return;
    }

    ngx_http_helpdesk_jwks_refresh(r, hmcf, 0);

    ngx_http_helpdesk_token_hash(token, len, cred->token_hash);

    if (hd_tokcache_claims(cred->token_hash,
                           ngx_http_helpdesk_jwks.generation, ngx_time(),
                           &ctx->claims))
    {
        cred->kind = HD_CRED_OIDC;
        cred->claims = &ctx->claims;
        return;
    }

    expect.issuer = (char *) hmcf->oidc_issuer.data;
    expect.audience = (char *) hmcf->oidc_audience.data;
    expect.roles_claim = (char *) hmcf->oidc_roles_claim.data;
    expect.skew_seconds = HD_JWT_DEFAULT_SKEW;

    code = hd_jwt_verify(ngx_http_helpdesk_jwks.keys, (char *) token, len,
                         &expect, ngx_time(), &ctx->claims, &err);

    if (code == HD_JWT_UNKNOWN_KID) {
        /* a rotation the file already has but we have not read yet */
        ngx_http_helpdesk_jwks_refresh(r, hmcf, 1);
        code = hd_jwt_verify(ngx_http_helpdesk_jwks.keys, (char *) token, len,
                             &expect, ngx_time(), &ctx->claims, &err);
    }

    if (code != HD_JWT_OK) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "helpdesk: bearer token rejected: %s",
                      hd_jwt_code_name(code));
        cred->kind = HD_CRED_INVALID;
        cred->why = err.message;
        return;
    }

    hd_tokcache_put_claims(cred->token_hash,
                           ngx_http_helpdesk_jwks.generation,
                           ctx->claims.exp + expect.skew_seconds,
                           &ctx->claims);

    cred->kind = HD_CRED_OIDC;
    cred->claims = &ctx->claims;
}


static void
ngx_http_helpdesk_header_value(ngx_http_request_t *r, const char *name,
    size_t name_len, const char **value, size_t *len)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == name_len
            && ngx_strncasecmp(h[i].key.data, (u_char *) name, name_len) == 0)
        {
            *value = (char *) h[i].value.data;
            *len = h[i].value.len;
            return;
        }
    }
}


void
ngx_http_helpdesk_credential(ngx_http_request_t *r,
    ngx_http_helpdesk_ctx_t *ctx)
{
    u_char                         *p, *last;
    ngx_str_t                       name = ngx_string("hd_session");
    ngx_str_t                       value;
    hd_cred_t                      *cred;
    hd_session_rc_t                 src;
    ngx_table_elt_t                *auth;
    size_t                          now_len = 0;
    const char                     *now = NULL;
    ngx_http_helpdesk_main_conf_t  *hmcf;

    hmcf = ngx_http_get_module_main_conf(r, ngx_http_helpdesk_module);
    cred = &ctx->req.cred;
    cred->kind = HD_CRED_NONE;

    ngx_http_helpdesk_header_value(r, "X-CSRF-Token", sizeof("X-CSRF-Token") - 1,
                                   &ctx->req.csrf, &ctx->req.csrf_len);

    ngx_http_helpdesk_header_value(r, "X-Helpdesk-Now",
                                   sizeof("X-Helpdesk-Now") - 1,
                                   &now, &now_len);

    if (now != NULL) {
        p = ngx_pnalloc(r->pool, now_len + 1);
        if (p != NULL) {
            ngx_memcpy(p, now, now_len);
            p[now_len] = '\0';
            ctx->req.test_now = (char *) p;
        }
    }

    auth = r->headers_in.authorization;

    if (auth != NULL) {
        p = auth->value.data;
        last = p + auth->value.len;

        if (auth->value.len < 7
            || ngx_strncasecmp(p, (u_char *) "Bearer ", 7) != 0)
        {
            cred->kind = HD_CRED_INVALID;
            cred->why = "only the Bearer authorization scheme is accepted";
            return;
        }

        for (p += 7; p < last && *p == ' '; p++) { /* void */ }
        while (last > p && last[-1] == ' ') { last--; }

        if (last - p > 7 && ngx_strncmp(p, "hd_pat_", 7) == 0) {
            if (last - p > 128) {
                cred->kind = HD_CRED_INVALID;
                cred->why = "malformed personal access token";
                return;
            }

            ngx_http_helpdesk_token_hash(p, (size_t) (last - p),
                                         cred->token_hash);
            cred->kind = HD_CRED_TOKEN;
            return;
        }

        ngx_http_helpdesk_bearer_jwt(r, ctx, p, (size_t) (last - p));
        return;
    }

    if (!hmcf->session_key_set
        || ngx_http_parse_multi_header_lines(&r->headers_in.cookies, &name,
                                             &value)
           == NGX_DECLINED)
    {
        return;
    }

    src = hd_session_verify(hmcf->session_key, (char *) value.data, value.len,
                            ngx_time(), &cred->session);

    if (src == HD_SESSION_OK) {
        cred->kind = HD_CRED_SESSION;
        return;
    }

    cred->kind = HD_CRED_INVALID;
    cred->why = src == HD_SESSION_EXPIRED
                ? "the session has expired; sign in again"
                : "the session cookie is not valid; sign in again";
}
