/*
 * The attachment store, on the thread pool's side.
 *
 * An upload arrives as the temporary file nginx spooled the body to.  A
 * thread reads it once, computing its sha256 and keeping its first bytes
 * for the core to judge the type, makes it durable (fsync), and links it
 * into the content-addressed store as ab/cd/<sha256>: a file already
 * there is the same bytes, so the link is simply not needed.  nginx then
 * removes the temporary name with the request; the stored name stays.
 * Everything here is blocking file I/O, which is why it never runs on the
 * event loop.
 */

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ngx_http_helpdesk.h"
#include "hd_attach.h"


#define NGX_HTTP_HELPDESK_STORE_CHUNK  65536
#define NGX_HTTP_HELPDESK_MAIL_HEAD    65536   /* bytes searched for the
                                                  Message-ID header */


/*
 * HMAC-SHA256 (RFC 2104) over the stream: the inner hash is fed as the file
 * is read; ngx_http_helpdesk_hmac_final() adds the outer one.
 */
static EVP_MD_CTX *
ngx_http_helpdesk_hmac_init(const hd_task_t *task, u_char *opad)
{
    u_char       k[64], ipad[64];
    unsigned     i, klen;
    EVP_MD_CTX  *inner;

    ngx_memzero(k, sizeof(k));

    if (task->hmac_key_len > sizeof(k)) {
        if (!EVP_Digest(task->hmac_key, task->hmac_key_len, k, &klen,
                        EVP_sha256(), NULL))
        {
            return NULL;
        }

    } else {
        ngx_memcpy(k, task->hmac_key, task->hmac_key_len);
    }

    for (i = 0; i < 64; i++) {
        ipad[i] = k[i] ^ 0x36;
        opad[i] = k[i] ^ 0x5c;
    }

    inner = EVP_MD_CTX_new();
    if (inner == NULL
        || EVP_DigestInit_ex(inner, EVP_sha256(), NULL) != 1
        || EVP_DigestUpdate(inner, ipad, sizeof(ipad)) != 1)
    {
        EVP_MD_CTX_free(inner);
        return NULL;
    }

    return inner;
}


/* 1 when the HMAC equals task->hmac_want (hex), compared in constant time. */
static ngx_int_t
ngx_http_helpdesk_hmac_final(EVP_MD_CTX *inner, const u_char *opad,
    const hd_task_t *task)
{
    u_char         buf[64 + 32], mac[32], hex[65];
    unsigned       n;
    static u_char  digits[] = "0123456789abcdef";

    ngx_memcpy(buf, opad, 64);

    if (EVP_DigestFinal_ex(inner, buf + 64, &n) != 1 || n != 32
        || !EVP_Digest(buf, sizeof(buf), mac, &n, EVP_sha256(), NULL))
    {
        return 0;
    }

    for (n = 0; n < 32; n++) {
        hex[2 * n] = digits[mac[n] >> 4];
        hex[2 * n + 1] = digits[mac[n] & 0xf];
    }

    return CRYPTO_memcmp(hex, task->hmac_want, 64) == 0;
}


static ngx_int_t
ngx_http_helpdesk_store_mkdir(char *path)
{
    if (mkdir(path, 0750) == 0 || errno == EEXIST) {
        return NGX_OK;
    }

    return NGX_ERROR;
}


/* Copies src into dst through a temporary name (another file system). */
static ngx_int_t
ngx_http_helpdesk_store_copy(int in, const char *dst)
{
    int      out;
    char     tmp[PATH_MAX];
    u_char   buf[NGX_HTTP_HELPDESK_STORE_CHUNK];
    ssize_t  n, w, off;

    if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", dst, (int) getpid())
        >= (int) sizeof(tmp)
        || lseek(in, 0, SEEK_SET) != 0)
    {
        return NGX_ERROR;
    }

    out = open(tmp, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0640);
    if (out == -1) {
        return NGX_ERROR;
    }

    while ((n = read(in, buf, sizeof(buf))) > 0) {
        for (off = 0; off < n; off += w) {
            w = write(out, buf + off, (size_t) (n - off));
            if (w <= 0) {
                goto failed;
            }
        }
    }

    if (n < 0 || fsync(out) != 0 || close(out) != 0) {
        out = -1;
        goto failed;
    }

    if (rename(tmp, dst) != 0) {
        (void) unlink(tmp);
        return NGX_ERROR;
    }

    return NGX_OK;

failed:

    if (out != -1) {
        (void) close(out);
    }

    (void) unlink(tmp);
    return NGX_ERROR;
}


static ngx_int_t
ngx_http_helpdesk_store_create_empty(const char *path)
{
    int  fd;

    fd = open(path, O_WRONLY|O_CREAT|O_EXCL|O_CLOEXEC, 0640);

    if (fd == -1) {
        return errno == EEXIST ? NGX_OK : NGX_ERROR;
    }

    if (fsync(fd) != 0) {
        (void) close(fd);
        return NGX_ERROR;
    }

    return close(fd) == 0 ? NGX_OK : NGX_ERROR;
}


void
ngx_http_helpdesk_store_file(hd_task_t *task)
{
    int            fd, dfd;
    char           path[PATH_MAX], key[HD_ATTACH_KEY_LEN + 1];
    u_char         buf[NGX_HTTP_HELPDESK_STORE_CHUNK];
    u_char         head[HD_ATTACH_SNIFF_LEN];
    size_t         nhead;
    ssize_t        n;
    unsigned       i, mdlen;
    EVP_MD_CTX    *md;
    unsigned char  digest[EVP_MAX_MD_SIZE];
    EVP_MD_CTX    *hmac;
    u_char         opad[64], *mail;
    size_t         nmail;
    static const char  hex[] = "0123456789abcdef";

    task->ok = 0;
    task->bytes = 0;
    nhead = 0;
    hmac = NULL;
    mail = NULL;
    nmail = 0;

    task->failed = "open";

    /* an empty body has no temporary file (src NULL): an empty file */

    fd = -1;

    if (task->src != NULL) {
        fd = open(task->src, O_RDONLY|O_CLOEXEC);
        if (fd == -1) {
            task->err = errno;
            return;
        }
    }

    task->failed = "read";

    md = EVP_MD_CTX_new();
    if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        goto done;
    }

    if (task->hmac_key != NULL) {
        hmac = ngx_http_helpdesk_hmac_init(task, opad);
        mail = malloc(NGX_HTTP_HELPDESK_MAIL_HEAD);

        if (hmac == NULL || mail == NULL) {
            goto done;
        }
    }

    n = 0;

    while (fd != -1 && (n = read(fd, buf, sizeof(buf))) > 0) {
        if (nhead < sizeof(head)) {
            i = (unsigned) ngx_min((size_t) n, sizeof(head) - nhead);
            ngx_memcpy(head + nhead, buf, i);
            nhead += i;
        }

        if (EVP_DigestUpdate(md, buf, (size_t) n) != 1
            || (hmac != NULL && EVP_DigestUpdate(hmac, buf, (size_t) n) != 1))
        {
            goto done;
        }

        if (mail != NULL && nmail < NGX_HTTP_HELPDESK_MAIL_HEAD) {
            i = (unsigned) ngx_min((size_t) n,
                                   NGX_HTTP_HELPDESK_MAIL_HEAD - nmail);
            ngx_memcpy(mail + nmail, buf, i);
            nmail += i;
        }

        task->bytes += n;
    }

    if (n < 0 || EVP_DigestFinal_ex(md, digest, &mdlen) != 1 || mdlen != 32
        || (fd != -1 && fsync(fd) != 0))
    {
        goto done;
    }

    for (i = 0; i < 32; i++) {
        task->sha256[2 * i] = hex[digest[i] >> 4];
        task->sha256[2 * i + 1] = hex[digest[i] & 0xf];
    }

    task->sha256[64] = '\0';

    /* a signed body: nothing is stored unless the signature matches */

    if (hmac != NULL) {
        task->failed = "signature";

        if (!ngx_http_helpdesk_hmac_final(hmac, opad, task)) {
            task->sig_bad = 1;
            goto done;
        }

        (void) hd_mailin_message_id((char *) mail, nmail, task->message_id);
    }

    ngx_cpystrn((u_char *) task->mime,
                (u_char *) hd_attach_sniff(head, nhead), sizeof(task->mime));

    /* <store>/ab, <store>/ab/cd, then the file itself */

    task->failed = "mkdir";

    if (!hd_attach_key(task->sha256, key, sizeof(key))
        || snprintf(path, sizeof(path), "%s/%.2s", task->store_dir, key)
           >= (int) sizeof(path)
        || ngx_http_helpdesk_store_mkdir(path) != NGX_OK
        || snprintf(path, sizeof(path), "%s/%.5s", task->store_dir, key)
           >= (int) sizeof(path)
        || ngx_http_helpdesk_store_mkdir(path) != NGX_OK)
    {
        goto done;
    }

    dfd = open(path, O_RDONLY|O_DIRECTORY|O_CLOEXEC);

    if (snprintf(path, sizeof(path), "%s/%s", task->store_dir, key)
        >= (int) sizeof(path))
    {
        goto close_dir;
    }

    task->failed = "link";

    if (fd == -1) {
        if (ngx_http_helpdesk_store_create_empty(path) != NGX_OK) {
            goto close_dir;
        }

    } else if (link(task->src, path) != 0 && errno != EEXIST
               && ((errno != EXDEV && errno != EPERM)
                   || ngx_http_helpdesk_store_copy(fd, path) != NGX_OK))
    {
        goto close_dir;
    }

    /* the new name is durable too */

    task->failed = "fsync";

    if (dfd != -1 && fsync(dfd) != 0) {
        goto close_dir;
    }

    task->ok = 1;
    task->failed = NULL;

close_dir:

    if (dfd != -1) {
        (void) close(dfd);
    }

done:

    if (!task->ok) {
        task->err = errno;
    }

    EVP_MD_CTX_free(md);
    EVP_MD_CTX_free(hmac);
    free(mail);

    if (fd != -1) {
        (void) close(fd);
    }
}
