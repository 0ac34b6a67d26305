/*
 * wk_mail.h — inbound email inside the worker (kept apart from wk.h, which
 * is shared by every duty).
 *
 *   wk_store.c     the content-addressed attachment store on the file system
 *   wk_mime.c      raw message → the JSON email_ingest() takes (GMime 3)
 *   wk_mail_in.c   settings, the IMAP poller, and processing stored mail
 *
 * GMime and GLib are used in wk_mime.c only.
 */

#ifndef WK_MAIL_H
#define WK_MAIL_H

#include <stddef.h>

#define WK_STORE_KEY_LEN  (6 + 64)      /* "ab/cd/" + sha256 hex */


/* wk_store.c */

/*
 * Store len bytes under their sha256 in dir ("ab/cd/<hex>", written to a
 * temporary file, fsync'd and renamed, owned like dir so nginx may serve
 * it; an existing file is kept).  key gets the object key
 * (WK_STORE_KEY_LEN + 1 bytes).  With dir NULL only the key is computed.
 * Returns 0, or -1 with the reason in err.
 */
int wk_store_put(const char *dir, const void *data, size_t len, char *key,
    char *err, size_t errlen);

/*
 * Read the object key from dir into a malloc'd buffer (*len bytes, plus a
 * NUL).  Returns it, or NULL with the reason in err.
 */
char *wk_store_get(const char *dir, const char *key, size_t *len, char *err,
    size_t errlen);


/* wk_mime.c */

typedef struct {
    const char  *store_dir;         /* NULL: compute keys, write nothing */
    size_t       max_attachment;    /* bytes; larger parts are skipped */
    const char  *ours;              /* our own addresses, comma separated */
} wk_mime_opts_t;

/*
 * Parse the raw message (len bytes) and store its attachments: returns the
 * JSON object email_ingest() takes as p_mail (see migrations/
 * 0012_email_in.sql), malloc'd, or NULL with the reason in err when the
 * message cannot be parsed at all.  Never fails on charsets: unknown or
 * mislabelled text is read as UTF-8 when valid, else Windows-1252, else
 * Latin-1.
 */
char *wk_mime_parse(const char *raw, size_t len, const wk_mime_opts_t *o,
    char *err, size_t errlen);

#endif /* WK_MAIL_H */
