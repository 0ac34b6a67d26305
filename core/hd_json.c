/*
 * hd_json — strict JSON parsing with locations.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_json.h"


int
hd_utf8_valid(const char *data, size_t len, size_t *bad)
{
    size_t          i, n, k;
    unsigned int    c, cp, min;
    const unsigned char  *s = (const unsigned char *) data;

    for (i = 0; i < len; i += n) {
        c = s[i];

        if (c < 0x80) {
            n = 1;
            continue;
        }

        if ((c & 0xe0) == 0xc0) {
            n = 2; cp = c & 0x1f; min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            n = 3; cp = c & 0x0f; min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            n = 4; cp = c & 0x07; min = 0x10000;
        } else {
            goto invalid;
        }

        if (i + n > len) {
            goto invalid;
        }

        for (k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                goto invalid;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }

        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            goto invalid;
        }
    }

    return 1;

invalid:

    *bad = i;
    return 0;
}


static void
hd_json_locate(const char *data, size_t offset, hd_json_error_t *err)
{
    size_t  i;

    err->offset = offset;
    err->line = 1;
    err->column = 1;

    for (i = 0; i < offset; i++) {
        if (data[i] == '\n') {
            err->line++;
            err->column = 1;

        } else {
            err->column++;
        }
    }
}


/*
 * Where cJSON gave up.  cJSON clamps its error position to the last byte of
 * the input, which hides "ran out of input"; parsing a NUL-terminated copy
 * with the NUL counted makes the end of input a position of its own.
 */
static size_t
hd_json_error_offset(const char *data, size_t len)
{
    char        *copy;
    size_t       off;
    const char  *end;

    copy = malloc(len + 1);
    if (copy == NULL) {
        return len;
    }

    memcpy(copy, data, len);
    copy[len] = '\0';

    cJSON_Delete(cJSON_ParseWithLengthOpts(copy, len + 1, NULL, 0));

    end = cJSON_GetErrorPtr();
    off = (end != NULL && end >= copy && end <= copy + len)
          ? (size_t) (end - copy) : len;

    free(copy);
    return off;
}


/*
 * cJSON decodes "\u0000" into a NUL that silently cuts the string short
 * ("boss@x\u0000@evil" reads as "boss@x"): find such an escape, returning
 * its offset or len when there is none.  A backslash starts an escape when
 * an even number of backslashes precedes it.
 */
static size_t
hd_json_find_nul_escape(const char *data, size_t len)
{
    size_t  i, k;

    for (i = 0; i + 6 <= len; i++) {
        if (data[i] != '\\' || memcmp(data + i + 1, "u0000", 5) != 0) {
            continue;
        }

        for (k = i; k > 0 && data[k - 1] == '\\'; k--) {
            /* void */
        }

        if ((i - k) % 2 == 0) {
            return i;
        }
    }

    return len;
}


cJSON *
hd_json_parse(const char *data, size_t len, hd_json_error_t *err)
{
    size_t       bad, off;
    cJSON       *doc;
    const char  *end;

    if (!hd_utf8_valid(data, len, &bad)) {
        hd_json_locate(data, bad, err);
        snprintf(err->message, sizeof(err->message),
                 "invalid UTF-8 sequence");
        return NULL;
    }

    bad = hd_json_find_nul_escape(data, len);
    if (bad < len) {
        hd_json_locate(data, bad, err);
        snprintf(err->message, sizeof(err->message),
                 "\\u0000 is not allowed in strings");
        return NULL;
    }

    end = NULL;
    doc = cJSON_ParseWithLengthOpts(data, len, &end, 0);

    if (doc != NULL) {
        off = (size_t) (end - data);

        while (off < len && strchr(" \t\r\n", data[off]) != NULL) {
            off++;
        }

        if (off == len) {
            return doc;
        }

        cJSON_Delete(doc);
        hd_json_locate(data, off, err);
        snprintf(err->message, sizeof(err->message),
                 "unexpected data after the JSON value");
        return NULL;
    }

    off = hd_json_error_offset(data, len);

    hd_json_locate(data, off, err);

    if (off >= len) {
        snprintf(err->message, sizeof(err->message),
                 "unexpected end of input");

    } else if ((unsigned char) data[off] >= 0x20
               && (unsigned char) data[off] < 0x7f)
    {
        snprintf(err->message, sizeof(err->message),
                 "unexpected character '%c'", data[off]);

    } else {
        snprintf(err->message, sizeof(err->message),
                 "unexpected byte 0x%02x", (unsigned char) data[off]);
    }

    return NULL;
}


char *
hd_json_error_render(const hd_json_error_t *err)
{
    char   *out;
    cJSON  *arr, *e;

    arr = cJSON_CreateArray();
    e = cJSON_CreateObject();

    if (arr == NULL || e == NULL || !cJSON_AddItemToArray(arr, e)) {
        cJSON_Delete(arr);
        cJSON_Delete(e);
        return NULL;
    }

    out = NULL;

    if (cJSON_AddStringToObject(e, "pointer", "") != NULL
        && cJSON_AddNumberToObject(e, "offset", (double) err->offset) != NULL
        && cJSON_AddNumberToObject(e, "line", err->line) != NULL
        && cJSON_AddNumberToObject(e, "column", err->column) != NULL
        && cJSON_AddStringToObject(e, "message", err->message) != NULL)
    {
        out = cJSON_PrintUnformatted(arr);
    }

    cJSON_Delete(arr);
    return out;
}
