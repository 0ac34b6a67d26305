/*
 * hd_buf — a growable, NUL-terminated byte buffer for rendering text
 * (JSON answers, documentation).  A failed allocation sets failed and makes
 * every later append a no-op, so callers check once, at the end.
 */

#ifndef HD_BUF_H
#define HD_BUF_H

#include <stddef.h>

typedef struct {
    char    *data;      /* malloc'd, NUL-terminated; NULL before use */
    size_t   len;
    size_t   size;
    int      failed;
} hd_buf_t;

/* An empty buffer with room for hint bytes (0: allocate on first use). */
void hd_buf_init(hd_buf_t *b, size_t hint);

void hd_buf_add(hd_buf_t *b, const char *s, size_t n);
void hd_buf_adds(hd_buf_t *b, const char *s);

/* s (UTF-8) as a JSON string literal, quotes included. */
void hd_buf_json_string(hd_buf_t *b, const char *s);

/* "name": as an object member's start (name is a trusted literal). */
void hd_buf_json_key(hd_buf_t *b, const char *name);

/*
 * Hands the text over (the caller frees it) and empties b; NULL when an
 * append failed (b's memory is then freed).
 */
char *hd_buf_take(hd_buf_t *b, size_t *len);

void hd_buf_free(hd_buf_t *b);

#endif /* HD_BUF_H */
