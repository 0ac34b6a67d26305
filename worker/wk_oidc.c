/*
 * wk_oidc.c — `helpdesk-worker oidc-refresh`: keeps the issuer's signing
 * keys (its JWKS) in a file that the nginx workers read without any I/O of
 * their own (shared/NGINX-NOTES.md, "JWT verification").
 *
 * One refresh:
 *
 *   1. GET <issuer>/.well-known/openid-configuration (one trailing "/" of
 *      the issuer is dropped first, as OpenID Connect Discovery says); its
 *      "issuer" must equal the configured issuer byte for byte;
 *   2. GET its "jwks_uri";
 *   3. parse that with the core's hd_jwks_parse(), the very parser the
 *      module uses, and require at least one usable key;
 *   4. when the bytes differ from the file's, write a temporary file in the
 *      same directory, fsync it, chmod it 0644 (nginx workers run as nobody)
 *      and rename it over the target, then fsync the directory.  Identical
 *      bytes leave the file alone, so its mtime (which nginx workers stat)
 *      only moves when the keys do.
 *
 * Any failure keeps the old file.  HTTP is bounded: 5 s to connect, 15 s
 * per request in all, 1 MiB per body, no redirects, TLS peer and host
 * verification on.  Plain http is accepted only for a loopback host
 * (127.0.0.0/8, ::1, localhost), for a provider on the same machine or in
 * tests, and for the jwks_uri only when the issuer is such a host too (a
 * remote issuer cannot point the worker at a local service); every other
 * URL must be https.  Loopback requests bypass any proxy from the
 * environment; others honour https_proxy/no_proxy as libcurl does.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "hd_jwt.h"
#include "wk.h"


#define WK_OIDC_CONNECT_MS   5000L
#define WK_OIDC_TOTAL_MS    15000L
#define WK_OIDC_BODY_MAX    HD_JWKS_JSON_MAX            /* 1 MiB */
#define WK_OIDC_WELL_KNOWN  "/.well-known/openid-configuration"
#define WK_OIDC_SHOW_MAX    200     /* chars of a remote string in a log */

/* what wk_oidc_check_url() accepts */
#define WK_URL_ISSUER       0x01    /* no query, no fragment */
#define WK_URL_HTTP_OK      0x02    /* plain http for a loopback host */


typedef struct {
    char    *data;                  /* NUL-terminated */
    size_t   len;
    size_t   cap;
    int      too_large;
    int      no_memory;
} wk_oidc_body_t;


static int  wk_oidc_curl_ready;


void
wk_oidc_cleanup(void)
{
    if (wk_oidc_curl_ready) {
        curl_global_cleanup();
        wk_oidc_curl_ready = 0;
    }
}


/*
 * Copy at most WK_OIDC_SHOW_MAX bytes of s (which came from the network)
 * into buf for a log line: control characters and quotes become '?'.
 */
static const char *
wk_oidc_show(const char *s, char *buf, size_t len)
{
    size_t  n = 0;

    for ( ; *s != '\0' && n + 4 < len && n < WK_OIDC_SHOW_MAX; s++) {
        buf[n++] = ((unsigned char) *s < 0x20 || *s == 0x7f || *s == '"')
                   ? '?' : *s;
    }

    if (*s != '\0' && n + 4 <= len) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }

    buf[n] = '\0';
    return buf;
}


/* 127.0.0.0/8, ::1 (as curl spells it: "[::1]") or localhost. */
static int
wk_oidc_is_loopback(const char *host)
{
    struct in_addr   a4;
    struct in6_addr  a6;
    char             buf[INET6_ADDRSTRLEN + 1];
    size_t           n = strlen(host);

    if (strcasecmp(host, "localhost") == 0) {
        return 1;
    }

    if (inet_pton(AF_INET, host, &a4) == 1) {
        return (ntohl(a4.s_addr) >> 24) == 127;
    }

    if (n > 2 && n - 2 < sizeof(buf) && host[0] == '[' && host[n - 1] == ']')
    {
        memcpy(buf, host + 1, n - 2);
        buf[n - 2] = '\0';

        return inet_pton(AF_INET6, buf, &a6) == 1
               && IN6_IS_ADDR_LOOPBACK(&a6);
    }

    return 0;
}


/*
 * Check that url (named what) is absolute, https (or, with WK_URL_HTTP_OK,
 * http to a loopback host) and carries no credentials; with WK_URL_ISSUER
 * also no query or fragment.  Sets *loopback.  0, or -1 with the reason in
 * err.
 */
static int
wk_oidc_check_url(const char *url, const char *what, unsigned flags,
    int *loopback, char *err, size_t errlen)
{
    CURLU      *u;
    CURLUcode   uc;
    char       *scheme = NULL, *host = NULL, *part = NULL;
    char        shown[WK_OIDC_SHOW_MAX + 8];
    int         rc = -1;

    u = curl_url();

    if (u == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    uc = curl_url_set(u, CURLUPART_URL, url, 0);

    if (uc != CURLUE_OK) {
        snprintf(err, errlen, "%s \"%s\" is not an absolute http(s) URL: %s",
                 what, wk_oidc_show(url, shown, sizeof(shown)),
                 curl_url_strerror(uc));
        goto done;
    }

    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK
        || curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK
        || (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0))
    {
        snprintf(err, errlen, "%s \"%s\" is not an http(s) URL", what,
                 wk_oidc_show(url, shown, sizeof(shown)));
        goto done;
    }

    if (curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK) {
        snprintf(err, errlen, "%s must not carry credentials", what);
        goto done;
    }

    if ((flags & WK_URL_ISSUER)
        && (curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK
            || curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) == CURLUE_OK))
    {
        snprintf(err, errlen, "%s \"%s\" must not have a query or fragment",
                 what, wk_oidc_show(url, shown, sizeof(shown)));
        goto done;
    }

    *loopback = wk_oidc_is_loopback(host);

    if (strcmp(scheme, "http") == 0
        && !(*loopback && (flags & WK_URL_HTTP_OK)))
    {
        snprintf(err, errlen, "%s \"%s\" uses plain http, which is allowed "
                 "only for a loopback host (127.0.0.0/8, ::1, localhost)%s; "
                 "use https", what, wk_oidc_show(url, shown, sizeof(shown)),
                 (flags & WK_URL_HTTP_OK) ? "" : " of a loopback issuer");
        goto done;
    }

    rc = 0;

done:

    curl_free(part);
    curl_free(host);
    curl_free(scheme);
    curl_url_cleanup(u);

    return rc;
}


int
wk_oidc_check_config(const wk_config_t *cfg, char *err, size_t errlen)
{
    int  loopback;

    if (cfg->oidc_issuer[0] == '\0') {
        snprintf(err, errlen, "no OIDC issuer configured: set oidc_issuer "
                 "in %s or HELPDESK_OIDC_ISSUER",
                 cfg->conf_path[0] != '\0' ? cfg->conf_path
                                           : "the settings file");
        return -1;
    }

    if (cfg->oidc_jwks_file[0] == '\0') {
        snprintf(err, errlen, "oidc_issuer is set but oidc_jwks_file is "
                 "not: set it in %s or HELPDESK_OIDC_JWKS_FILE",
                 cfg->conf_path[0] != '\0' ? cfg->conf_path
                                           : "the settings file");
        return -1;
    }

    return wk_oidc_check_url(cfg->oidc_issuer, "oidc_issuer",
                             WK_URL_ISSUER | WK_URL_HTTP_OK, &loopback,
                             err, errlen);
}


static size_t
wk_oidc_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
    wk_oidc_body_t  *b = arg;
    size_t           n = size * nmemb, cap;
    char            *p;

    if (n > WK_OIDC_BODY_MAX - b->len) {
        b->too_large = 1;
        return 0;
    }

    if (b->len + n + 1 > b->cap) {
        cap = (b->cap < 16384) ? 16384 : b->cap * 2;

        while (cap < b->len + n + 1) {
            cap *= 2;
        }

        if (cap > WK_OIDC_BODY_MAX + 1) {
            cap = WK_OIDC_BODY_MAX + 1;
        }

        p = realloc(b->data, cap);

        if (p == NULL) {
            b->no_memory = 1;
            return 0;
        }

        b->data = p;
        b->cap = cap;
    }

    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';

    return n;
}


/* Abandon the transfer once a stop signal has arrived. */
static int
wk_oidc_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
    volatile sig_atomic_t  *stop = arg;

    (void) dltotal;
    (void) dlnow;
    (void) ultotal;
    (void) ulnow;

    return (stop != NULL && *stop) ? 1 : 0;
}


/*
 * GET url (named what in messages) into body.  0, or -1 with the reason in
 * err; body->data is then freed.
 */
static int
wk_oidc_get(const char *url, const char *what, unsigned flags,
    volatile sig_atomic_t *stop, wk_oidc_body_t *body, char *err,
    size_t errlen)
{
    CURL               *c;
    CURLcode            cc;
    struct curl_slist  *headers = NULL, *h;
    char                cerr[CURL_ERROR_SIZE], shown[WK_OIDC_SHOW_MAX + 8];
    long                status = 0;
    int                 loopback = 0, rc = -1;

    memset(body, 0, sizeof(*body));

    if (wk_oidc_check_url(url, what, flags, &loopback, err, errlen)
        != 0)
    {
        return -1;
    }

    wk_oidc_show(url, shown, sizeof(shown));

    c = curl_easy_init();
    h = curl_slist_append(NULL, "Accept: application/json");

    if (c == NULL || h == NULL) {
        snprintf(err, errlen, "%s: cannot set up libcurl", shown);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
        return -1;
    }

    headers = h;
    cerr[0] = '\0';

    if (curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
                            loopback ? "http,https" : "https") != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, WK_OIDC_CONNECT_MS)
           != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, WK_OIDC_TOTAL_MS)
           != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                            (curl_off_t) WK_OIDC_BODY_MAX) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_USERAGENT, WK_NAME "/" HD_VERSION)
           != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, wk_oidc_write)
           != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_WRITEDATA, body) != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, wk_oidc_progress)
           != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *) stop)
           != CURLE_OK
        || curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L) != CURLE_OK
        /* a provider on this machine is never reached through a proxy */
        || (loopback && curl_easy_setopt(c, CURLOPT_NOPROXY, "*")
                        != CURLE_OK))
    {
        snprintf(err, errlen, "%s: cannot set up libcurl", shown);
        goto done;
    }

    cc = curl_easy_perform(c);

    if (body->too_large || cc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(err, errlen, "%s: the response is larger than 1 MiB", shown);
        goto done;
    }

    if (body->no_memory) {
        snprintf(err, errlen, "%s: out of memory", shown);
        goto done;
    }

    if (cc == CURLE_ABORTED_BY_CALLBACK) {
        snprintf(err, errlen, "%s: interrupted", shown);
        goto done;
    }

    if (cc != CURLE_OK) {
        snprintf(err, errlen, "%s: %s", shown,
                 cerr[0] != '\0' ? cerr : curl_easy_strerror(cc));
        goto done;
    }

    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);

    if (status != 200) {
        snprintf(err, errlen, "%s: HTTP status %ld (expected 200%s)", shown,
                 status, (status >= 300 && status < 400)
                         ? "; redirects are not followed" : "");
        goto done;
    }

    if (body->len == 0) {
        snprintf(err, errlen, "%s: empty response", shown);
        goto done;
    }

    rc = 0;

done:

    if (rc != 0) {
        free(body->data);
        memset(body, 0, sizeof(*body));
    }

    curl_slist_free_all(headers);
    curl_easy_cleanup(c);

    return rc;
}


/*
 * From the discovery document, check "issuer" and copy "jwks_uri" into
 * uri.  0, or -1 with the reason in err.
 */
static int
wk_oidc_discovery(const wk_config_t *cfg, const wk_oidc_body_t *doc,
    char *uri, size_t urilen, char *err, size_t errlen)
{
    cJSON        *root, *iss, *jwks;
    char          shown[WK_OIDC_SHOW_MAX + 8];
    int           rc = -1;

    root = cJSON_ParseWithLength(doc->data, doc->len);

    if (!cJSON_IsObject(root)) {
        snprintf(err, errlen, "the discovery document is not a JSON object");
        goto done;
    }

    iss = cJSON_GetObjectItemCaseSensitive(root, "issuer");

    if (!cJSON_IsString(iss)) {
        snprintf(err, errlen, "the discovery document has no \"issuer\"");
        goto done;
    }

    if (strcmp(iss->valuestring, cfg->oidc_issuer) != 0) {
        snprintf(err, errlen, "the discovery document names issuer \"%s\", "
                 "not the configured \"%s\" (they must be equal byte for "
                 "byte)", wk_oidc_show(iss->valuestring, shown, sizeof(shown)),
                 cfg->oidc_issuer);
        goto done;
    }

    jwks = cJSON_GetObjectItemCaseSensitive(root, "jwks_uri");

    if (!cJSON_IsString(jwks) || jwks->valuestring[0] == '\0') {
        snprintf(err, errlen, "the discovery document has no \"jwks_uri\"");
        goto done;
    }

    if (strlen(jwks->valuestring) >= urilen) {
        snprintf(err, errlen, "the discovery document's jwks_uri is too "
                 "long");
        goto done;
    }

    strcpy(uri, jwks->valuestring);
    rc = 0;

done:

    cJSON_Delete(root);
    return rc;
}


/*
 * 1 when path is a regular file holding exactly data (len bytes); its mode
 * is then corrected to 0644 if needed, which does not touch its mtime.
 * 0 otherwise (missing, different, unreadable).
 */
static int
wk_oidc_same(const char *path, const char *data, size_t len)
{
    struct stat   st;
    char         *buf;
    size_t        got = 0;
    ssize_t       n;
    int           fd, same = 0;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0) {
        return 0;
    }

    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)
        || (size_t) st.st_size != len)
    {
        close(fd);
        return 0;
    }

    buf = malloc(len + 1);

    if (buf == NULL) {
        close(fd);
        return 0;
    }

    while (got < len) {
        n = read(fd, buf + got, len - got);

        if (n < 0 && errno == EINTR) {
            continue;
        }

        if (n <= 0) {
            break;
        }

        got += (size_t) n;
    }

    same = (got == len && memcmp(buf, data, len) == 0);

    if (same && (st.st_mode & 07777) != 0644) {
        if (fchmod(fd, 0644) != 0) {
            wk_log("oidc: chmod 0644 %s: %s", path, strerror(errno));
        }
    }

    free(buf);
    close(fd);

    return same;
}


/* Write all of data to fd.  0 or -1 (errno set). */
static int
wk_oidc_write_all(int fd, const char *data, size_t len)
{
    ssize_t  n;

    while (len > 0) {
        n = write(fd, data, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }

        if (n <= 0) {
            if (n == 0) {
                errno = EIO;
            }

            return -1;
        }

        data += n;
        len -= (size_t) n;
    }

    return 0;
}


/*
 * Replace path with data, atomically: temp file beside it, fsync, chmod
 * 0644, rename, fsync the directory.  0, or -1 with the reason in err (the
 * temporary file removed, path untouched).
 */
static int
wk_oidc_install(const char *path, const char *data, size_t len, char *err,
    size_t errlen)
{
    char         tmp[PATH_MAX], dir[PATH_MAX];
    const char  *step;
    char        *slash;
    int          fd, dfd;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path)
        >= (int) sizeof(tmp))
    {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }

    fd = mkstemp(tmp);

    if (fd < 0) {
        snprintf(err, errlen, "cannot create a temporary file beside %s: %s",
                 path, strerror(errno));
        return -1;
    }

    step = "write";

    if (wk_oidc_write_all(fd, data, len) != 0) {
        goto failed;
    }

    step = "fsync";

    if (fsync(fd) != 0) {
        goto failed;
    }

    step = "chmod";

    if (fchmod(fd, 0644) != 0) {
        goto failed;
    }

    step = "close";

    if (close(fd) != 0) {
        fd = -1;
        goto failed;
    }

    fd = -1;
    step = "rename";

    if (rename(tmp, path) != 0) {
        goto failed;
    }

    /* make the rename itself durable; the new file is in place already */
    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');

    if (slash == NULL) {
        strcpy(dir, ".");

    } else {
        slash[slash == dir ? 1 : 0] = '\0';
    }

    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (dfd < 0 || fsync(dfd) != 0) {
        wk_log("oidc: fsync directory %s: %s", dir, strerror(errno));
    }

    if (dfd >= 0) {
        close(dfd);
    }

    return 0;

failed:

    snprintf(err, errlen, "%s %s: %s", step, step[0] == 'r' ? path : tmp,
             strerror(errno));

    if (fd >= 0) {
        close(fd);
    }

    unlink(tmp);

    return -1;
}


wk_oidc_rc_t
wk_oidc_refresh(const wk_config_t *cfg, volatile sig_atomic_t *stop,
    size_t *nkeys, char *err, size_t errlen)
{
    wk_oidc_body_t   doc, jwks;
    hd_jwks_t       *keys = NULL;
    wk_oidc_rc_t     rc = WK_OIDC_FAILED;
    char             url[2048], uri[2048], perr[256];
    char             shown[WK_OIDC_SHOW_MAX + 8];
    size_t           n, count = 0;
    int              loopback = 0;

    memset(&doc, 0, sizeof(doc));
    memset(&jwks, 0, sizeof(jwks));

    if (nkeys != NULL) {
        *nkeys = 0;
    }

    if (wk_oidc_check_config(cfg, err, errlen) != 0) {
        return WK_OIDC_FAILED;
    }

    if (!wk_oidc_curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            snprintf(err, errlen, "cannot initialise libcurl");
            return WK_OIDC_FAILED;
        }

        wk_oidc_curl_ready = 1;
    }

    /* OpenID Connect Discovery 1.0 §4: drop one trailing "/" first */
    n = strlen(cfg->oidc_issuer);

    if (n > 0 && cfg->oidc_issuer[n - 1] == '/') {
        n--;
    }

    snprintf(url, sizeof(url), "%.*s%s", (int) n, cfg->oidc_issuer,
             WK_OIDC_WELL_KNOWN);

    /*
     * The jwks_uri may use plain http only when the issuer itself is on
     * this machine: a remote issuer cannot point us at a local service.
     */
    if (wk_oidc_check_url(cfg->oidc_issuer, "oidc_issuer",
                          WK_URL_ISSUER | WK_URL_HTTP_OK, &loopback, err,
                          errlen) != 0
        || wk_oidc_get(url, "discovery document", WK_URL_HTTP_OK, stop, &doc,
                       err, errlen) != 0
        || wk_oidc_discovery(cfg, &doc, uri, sizeof(uri), err, errlen) != 0
        || wk_oidc_get(uri, "jwks_uri", loopback ? WK_URL_HTTP_OK : 0, stop,
                       &jwks, err, errlen) != 0)
    {
        goto done;
    }

    wk_oidc_show(uri, shown, sizeof(shown));
    perr[0] = '\0';
    keys = hd_jwks_parse(jwks.data, jwks.len, perr, sizeof(perr));

    if (keys == NULL) {
        snprintf(err, errlen, "the JWKS from %s is not usable: %s", shown,
                 perr[0] != '\0' ? perr : "parse error");
        goto done;
    }

    count = hd_jwks_count(keys);

    if (count == 0) {
        snprintf(err, errlen, "the JWKS from %s has no usable key "
                 "(RS256 with 2048..8192 bits, or ES256 on P-256)%s%s",
                 shown, perr[0] != '\0' ? "; first skipped: " : "", perr);
        goto done;
    }

    if (hd_jwks_skipped(keys) > 0) {
        wk_log("oidc: %zu key(s) of %s skipped (%s)", hd_jwks_skipped(keys),
               shown, perr[0] != '\0' ? perr : "unusable");
    }

    if (nkeys != NULL) {
        *nkeys = count;
    }

    if (wk_oidc_same(cfg->oidc_jwks_file, jwks.data, jwks.len)) {
        rc = WK_OIDC_UNCHANGED;
        goto done;
    }

    if (wk_oidc_install(cfg->oidc_jwks_file, jwks.data, jwks.len, err,
                        errlen)
        == 0)
    {
        rc = WK_OIDC_WRITTEN;
    }

done:

    hd_jwks_free(keys);
    free(doc.data);
    free(jwks.data);

    return rc;
}


int
wk_oidc_refresh_command(const wk_config_t *cfg)
{
    wk_oidc_rc_t  rc;
    size_t        nkeys;
    char          err[1024];

    if (wk_oidc_check_config(cfg, err, sizeof(err)) != 0) {
        wk_log("oidc-refresh: %s", err);
        return WK_EXIT_FAIL;
    }

    rc = wk_oidc_refresh(cfg, NULL, &nkeys, err, sizeof(err));
    wk_oidc_cleanup();

    switch (rc) {

    case WK_OIDC_WRITTEN:
        wk_log("oidc-refresh: wrote %zu key(s) of %s to %s", nkeys,
               cfg->oidc_issuer, cfg->oidc_jwks_file);
        return WK_EXIT_OK;

    case WK_OIDC_UNCHANGED:
        wk_log("oidc-refresh: %s is current (%zu key(s)); not rewritten",
               cfg->oidc_jwks_file, nkeys);
        return WK_EXIT_OK;

    default:
        wk_log("oidc-refresh: %s; %s kept as it was", err,
               cfg->oidc_jwks_file);
        return WK_EXIT_FAIL;
    }
}
