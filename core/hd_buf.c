/*
 * hd_buf — a growable text buffer.
 */

#include <stdlib.h>
#include <string.h>

#include "hd_buf.h"


static int
hd_buf_reserve(hd_buf_t *b, size_t n)
{
    char    *p;
    size_t   size;

    if (b->failed) {
        return 0;
    }

    if (b->len + n + 1 <= b->size) {
        return 1;
    }

    size = b->size ? b->size : 256;
    while (b->len + n + 1 > size) {
        size *= 2;
    }

    p = realloc(b->data, size);
    if (p == NULL) {
        b->failed = 1;
        return 0;
    }

    b->data = p;
    b->size = size;
    return 1;
}


void
hd_buf_init(hd_buf_t *b, size_t hint)
{
    memset(b, 0, sizeof(hd_buf_t));

    if (hint > 0 && hd_buf_reserve(b, hint)) {
        b->data[0] = '\0';
    }
}


void
hd_buf_add(hd_buf_t *b, const char *s, size_t n)
{
    if (!hd_buf_reserve(b, n)) {
        return;
    }

    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}


void
hd_buf_adds(hd_buf_t *b, const char *s)
{
    hd_buf_add(b, s, strlen(s));
}


void
hd_buf_json_string(hd_buf_t *b, const char *s)
{
    char                 esc[7];
    const char          *run;
    const unsigned char *p;
    static const char    hex[] = "0123456789abcdef";

    hd_buf_add(b, "\"", 1);

    run = s;

    for (p = (const unsigned char *) s; *p; p++) {

        if (*p >= 0x20 && *p != '"' && *p != '\\') {
            continue;
        }

        hd_buf_add(b, run, (size_t) ((const char *) p - run));
        run = (const char *) p + 1;

        switch (*p) {
        case '"':  hd_buf_add(b, "\\\"", 2); break;
        case '\\': hd_buf_add(b, "\\\\", 2); break;
        case '\n': hd_buf_add(b, "\\n", 2); break;
        case '\r': hd_buf_add(b, "\\r", 2); break;
        case '\t': hd_buf_add(b, "\\t", 2); break;
        default:
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[*p >> 4];
            esc[5] = hex[*p & 0xf];
            hd_buf_add(b, esc, 6);
            break;
        }
    }

    hd_buf_add(b, run, (size_t) ((const char *) p - run));
    hd_buf_add(b, "\"", 1);
}


void
hd_buf_json_key(hd_buf_t *b, const char *name)
{
    hd_buf_add(b, "\"", 1);
    hd_buf_adds(b, name);
    hd_buf_add(b, "\":", 2);
}


char *
hd_buf_take(hd_buf_t *b, size_t *len)
{
    char  *text;

    if (b->failed || (b->data == NULL && !hd_buf_reserve(b, 0))) {
        hd_buf_free(b);
        return NULL;
    }

    if (b->len == 0) {
        b->data[0] = '\0';
    }

    text = b->data;
    *len = b->len;
    memset(b, 0, sizeof(hd_buf_t));

    return text;
}


void
hd_buf_free(hd_buf_t *b)
{
    free(b->data);
    memset(b, 0, sizeof(hd_buf_t));
}
