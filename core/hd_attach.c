/*
 * hd_attach — attachment names, types and dispositions.
 */

#include <stdio.h>
#include <string.h>

#include "hd_attach.h"


/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t
hd_attach_utf8(const unsigned char *p, size_t n)
{
    size_t    len, i;
    unsigned  c, min;

    if (p[0] < 0x80) {
        return 1;
    }

    if ((p[0] & 0xe0) == 0xc0) {
        len = 2; c = p[0] & 0x1f; min = 0x80;
    } else if ((p[0] & 0xf0) == 0xe0) {
        len = 3; c = p[0] & 0x0f; min = 0x800;
    } else if ((p[0] & 0xf8) == 0xf0) {
        len = 4; c = p[0] & 0x07; min = 0x10000;
    } else {
        return 0;
    }

    if (len > n) {
        return 0;
    }

    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        c = (c << 6) | (p[i] & 0x3f);
    }

    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        return 0;
    }

    return len;
}


/*
 * Invisible direction and joiner controls (U+200B-U+200F, U+202A-U+202E,
 * U+2060-U+2069, U+FEFF): a name like "invoice\u202Efdp.exe" would
 * otherwise show as "invoiceexe.pdf".
 */
static int
hd_attach_bidi(const unsigned char *p, size_t k)
{
    unsigned  c;

    if (k != 3) {
        return 0;
    }

    c = (unsigned) (p[0] & 0x0f) << 12 | (unsigned) (p[1] & 0x3f) << 6
        | (p[2] & 0x3f);

    return (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e)
           || (c >= 0x2060 && c <= 0x2069) || c == 0xfeff;
}


size_t
hd_attach_filename(const char *in, size_t len, char *out)
{
    size_t                i, n, k, start;
    const unsigned char  *p;

    p = (const unsigned char *) in;

    /* the last path component, whichever separator the client used */

    start = 0;
    for (i = 0; i < len; i++) {
        if (p[i] == '/' || p[i] == '\\') {
            start = i + 1;
        }
    }

    n = 0;
    i = start;

    while (i < len) {
        k = hd_attach_utf8(p + i, len - i);

        if (k == 0 || p[i] < 0x20 || p[i] == 0x7f || p[i] == '"'
            || hd_attach_bidi(p + i, k))
        {
            k = k ? k : 1;
            if (n + 1 > HD_ATTACH_NAME_MAX) {
                break;
            }
            out[n++] = '_';
            i += k;
            continue;
        }

        if (n == 0 && (p[i] == '.' || p[i] == ' ')) {
            i++;
            continue;
        }

        if (n + k > HD_ATTACH_NAME_MAX) {
            break;
        }

        memcpy(out + n, p + i, k);
        n += k;
        i += k;
    }

    while (n > 0 && (out[n - 1] == '.' || out[n - 1] == ' ')) {
        n--;
    }

    if (n == 0) {
        memcpy(out, "attachment", sizeof("attachment"));
        return sizeof("attachment") - 1;
    }

    out[n] = '\0';
    return n;
}


const char *
hd_attach_sniff(const unsigned char *head, size_t len)
{
    size_t  i, k;

    static const struct {
        size_t                offset;
        const char           *magic;
        size_t                len;
        const char           *type;
    } sigs[] = {
        { 0, "\x89PNG\r\n\x1a\n", 8, "image/png" },
        { 0, "\xff\xd8\xff", 3, "image/jpeg" },
        { 0, "GIF87a", 6, "image/gif" },
        { 0, "GIF89a", 6, "image/gif" },
        { 8, "WEBP", 4, "image/webp" },
        { 0, "%PDF-", 5, "application/pdf" },
        { 0, "PK\x03\x04", 4, "application/zip" },
        { 0, "\x1f\x8b", 2, "application/gzip" },
    };

    for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        if (len >= sigs[i].offset + sigs[i].len
            && memcmp(head + sigs[i].offset, sigs[i].magic, sigs[i].len) == 0
            && (sigs[i].offset == 0 || memcmp(head, "RIFF", 4) == 0))
        {
            return sigs[i].type;
        }
    }

    if (len == 0) {
        return "application/octet-stream";
    }

    for (i = 0; i < len; i += k) {
        if (head[i] == '\0') {
            return "application/octet-stream";
        }

        k = hd_attach_utf8(head + i, len - i);

        if (k == 0) {
            /* a sequence cut by the end of the sniffed bytes is fine */
            if (len == HD_ATTACH_SNIFF_LEN && len - i < 4 && head[i] >= 0xc0) {
                break;
            }
            return "application/octet-stream";
        }
    }

    return "text/plain";
}


size_t
hd_attach_disposition(const char *name, char *out, size_t size)
{
    size_t                n, len;
    const unsigned char  *p;
    static const char     hex[] = "0123456789ABCDEF";

    len = strlen(name);

    if (size < 3 * len + 64) {
        return 0;
    }

    n = (size_t) snprintf(out, size, "attachment; filename=\"");

    for (p = (const unsigned char *) name; *p; p++) {
        /* the fallback: printable ASCII without quote, backslash and
           percent; one '_' for any other character */
        if ((*p & 0xc0) == 0x80) {
            continue;
        }

        out[n++] = (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\'
                    && *p != '%')
                   ? (char) *p : '_';
    }

    n += (size_t) snprintf(out + n, size - n, "\"; filename*=UTF-8''");

    for (p = (const unsigned char *) name; *p; p++) {
        /* RFC 8187 attr-char */
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
            || (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p))
        {
            out[n++] = (char) *p;

        } else {
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 0xf];
        }
    }

    out[n] = '\0';
    return n;
}


int
hd_attach_key(const char *hex, char *out, size_t size)
{
    size_t  i;

    if (strlen(hex) != 64 || size < HD_ATTACH_KEY_LEN + 1) {
        return 0;
    }

    for (i = 0; i < 64; i++) {
        if (!((hex[i] >= '0' && hex[i] <= '9')
              || (hex[i] >= 'a' && hex[i] <= 'f')))
        {
            return 0;
        }
    }

    snprintf(out, size, "%.2s/%.2s/%s", hex, hex + 2, hex);
    return 1;
}
