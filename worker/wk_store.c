/*
 * wk_store.c — the worker's side of the attachment store: the same layout
 * the nginx module writes ("ab/cd/<sha256 hex>" under the store directory,
 * see core/hd_attach.h), so a file the worker stores (a raw message, an
 * attachment of one) is served like an uploaded one.
 */

#define _GNU_SOURCE                     /* mkostemp */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "hd_attach.h"
#include "wk.h"
#include "wk_mail.h"


/* mkdir dir (mode 0750) owned like the store root st. */
static int
wk_store_mkdir(const char *path, const struct stat *st)
{
    if (mkdir(path, 0750) != 0) {
        return errno == EEXIST ? 0 : -1;
    }

    if (chown(path, st->st_uid, st->st_gid) != 0 && errno != EPERM) {
        return -1;
    }

    return 0;
}


int
wk_store_put(const char *dir, const void *data, size_t len, char *key,
    char *err, size_t errlen)
{
    unsigned char  md[32];
    unsigned int   mdlen = 0;
    char           hex[65], path[PATH_MAX], tmp[PATH_MAX + 32];
    struct stat    st, root;
    const char    *p = data;
    size_t         left = len;
    ssize_t        n;
    int            fd, i;

    if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL)) {
        snprintf(err, errlen, "sha256 failed");
        return -1;
    }

    for (i = 0; i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    }

    if (!hd_attach_key(hex, key, WK_STORE_KEY_LEN + 1)) {
        snprintf(err, errlen, "bad object key");
        return -1;
    }

    if (dir == NULL) {
        return 0;
    }

    if (stat(dir, &root) != 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }

    snprintf(path, sizeof(path), "%s/%.5s", dir, key);
    if (stat(path, &st) != 0) {
        snprintf(path, sizeof(path), "%s/%.2s", dir, key);
        if (wk_store_mkdir(path, &root) != 0) {
            goto failed;
        }
        snprintf(path, sizeof(path), "%s/%.5s", dir, key);
        if (wk_store_mkdir(path, &root) != 0) {
            goto failed;
        }
    }

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    if (stat(path, &st) == 0 && (size_t) st.st_size == len) {
        return 0;                       /* stored before */
    }

    /* a name of its own: the poller's threads may store the same bytes */
    snprintf(tmp, sizeof(tmp), "%s.wkXXXXXX", path);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        goto failed;
    }

    if (fchmod(fd, 0640) != 0) {
        close(fd);
        unlink(tmp);
        goto failed;
    }

    while (left > 0) {
        n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            close(fd);
            unlink(tmp);
            goto failed;
        }
        p += n;
        left -= (size_t) n;
    }

    if (fsync(fd) != 0 || fchown(fd, root.st_uid, root.st_gid) != 0) {
        if (errno != EPERM) {
            close(fd);
            unlink(tmp);
            goto failed;
        }
    }

    close(fd);

    if (rename(tmp, path) != 0) {
        unlink(tmp);
        goto failed;
    }

    return 0;

failed:

    snprintf(err, errlen, "store %s: %s", path, strerror(errno));
    return -1;
}


char *
wk_store_get(const char *dir, const char *key, size_t *len, char *err,
    size_t errlen)
{
    char         path[PATH_MAX], *buf;
    struct stat  st;
    size_t       got = 0;
    ssize_t      n;
    int          fd;

    if (strstr(key, "..") != NULL || key[0] == '/') {
        snprintf(err, errlen, "bad object key %s", key);
        return NULL;
    }

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return NULL;
    }

    buf = malloc((size_t) st.st_size + 1);
    if (buf == NULL) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }

    while (got < (size_t) st.st_size) {
        n = read(fd, buf + got, (size_t) st.st_size - got);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            break;
        }
        got += (size_t) n;
    }

    close(fd);
    buf[got] = '\0';
    *len = got;
    return buf;
}
