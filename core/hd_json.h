/*
 * hd_json — strict parsing of request bodies with error locations.
 *
 * cJSON parses; this adds what a client needs to fix a bad body: the body
 * must be valid UTF-8 and one JSON value, and a failure names the byte
 * offset, line and column where it broke.
 */

#ifndef HD_JSON_H
#define HD_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

typedef struct {
    size_t  offset;         /* 0-based byte offset of the fault */
    int     line;           /* 1-based */
    int     column;         /* 1-based, in bytes */
    char    message[96];
} hd_json_error_t;

/*
 * Parses len bytes (no NUL needed).  Returns the document (cJSON_Delete it)
 * or NULL with *err filled in.
 */
cJSON *hd_json_parse(const char *data, size_t len, hd_json_error_t *err);

/*
 * Renders err as the JSON array placed under "errors" in a problem document.
 * Returns a malloc'd string or NULL.
 */
char *hd_json_error_render(const hd_json_error_t *err);

/* 1 when the len bytes are well-formed UTF-8; else 0 and *bad = offset. */
int hd_utf8_valid(const char *data, size_t len, size_t *bad);

#endif /* HD_JSON_H */
