/*
 * hd_tmpl — placeholder templates: one scanner, a checker and a renderer
 * over it.
 */

#include <stdlib.h>
#include <string.h>

#include "hd_buf.h"
#include "hd_tmpl.h"


typedef enum {
    HD_TMPL_PIECE_TEXT = 0,     /* copied as it is */
    HD_TMPL_PIECE_FIELD,        /* a well-formed placeholder */
    HD_TMPL_PIECE_MALFORMED,    /* "{{" … "}}" around no name */
    HD_TMPL_PIECE_UNTERMINATED  /* "{{" to the end */
} hd_tmpl_piece_kind_t;

typedef struct {
    hd_tmpl_piece_kind_t   kind;
    const char            *data;        /* the piece's bytes */
    size_t                 len;
    const char            *name;        /* HD_TMPL_PIECE_FIELD */
    size_t                 name_len;
} hd_tmpl_piece_t;


static int
hd_tmpl_is_space(char c)
{
    return c == ' ' || c == '\t';
}


static int
hd_tmpl_is_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}


static int
hd_tmpl_is_char(char c)
{
    return hd_tmpl_is_start(c) || (c >= '0' && c <= '9');
}


/* The first occurrence of the two bytes c c in [p, end), or NULL. */
static const char *
hd_tmpl_find2(const char *p, const char *end, char c)
{
    while (p + 1 < end) {
        p = memchr(p, c, (size_t) (end - p - 1));
        if (p == NULL) {
            return NULL;
        }

        if (p[1] == c) {
            return p;
        }

        p++;
    }

    return NULL;
}


/* Whether the len bytes at s are a name: parts of [A-Za-z_][A-Za-z0-9_]*
   joined by single dots, at most HD_TMPL_NAME_MAX bytes in all. */
static int
hd_tmpl_name_valid(const char *s, size_t len)
{
    size_t  i;
    int     part_start;

    if (len == 0 || len > HD_TMPL_NAME_MAX) {
        return 0;
    }

    part_start = 1;

    for (i = 0; i < len; i++) {
        if (part_start) {
            if (!hd_tmpl_is_start(s[i])) {
                return 0;
            }
            part_start = 0;

        } else if (s[i] == '.') {
            part_start = 1;

        } else if (!hd_tmpl_is_char(s[i])) {
            return 0;
        }
    }

    return !part_start;
}


/*
 * Cuts the next piece off [*pos, end) and moves *pos past it.  Returns 0
 * when nothing is left.  Each call does work proportional to the bytes it
 * consumes, so a whole scan is linear.
 */
static int
hd_tmpl_next(const char **pos, const char *end, hd_tmpl_piece_t *pc)
{
    const char  *p, *open, *close, *a, *b;

    p = *pos;

    if (p >= end) {
        return 0;
    }

    memset(pc, 0, sizeof(hd_tmpl_piece_t));
    pc->data = p;

    open = hd_tmpl_find2(p, end, '{');

    /* in "{{{x}}}" the first brace is text: the placeholder is the
       innermost "{{" of a run */

    while (open != NULL && open + 2 < end && open[2] == '{') {
        open++;
    }

    if (open != p) {
        pc->kind = HD_TMPL_PIECE_TEXT;
        pc->len = (open != NULL) ? (size_t) (open - p) : (size_t) (end - p);
        *pos = p + pc->len;
        return 1;
    }

    close = hd_tmpl_find2(p + 2, end, '}');

    if (close == NULL) {
        pc->kind = HD_TMPL_PIECE_UNTERMINATED;
        pc->len = (size_t) (end - p);
        *pos = end;
        return 1;
    }

    pc->len = (size_t) (close + 2 - p);
    *pos = close + 2;

    for (a = p + 2; a < close && hd_tmpl_is_space(*a); a++) {
        /* void */
    }

    for (b = close; b > a && hd_tmpl_is_space(b[-1]); b--) {
        /* void */
    }

    if (!hd_tmpl_name_valid(a, (size_t) (b - a))) {
        pc->kind = HD_TMPL_PIECE_MALFORMED;
        return 1;
    }

    pc->kind = HD_TMPL_PIECE_FIELD;
    pc->name = a;
    pc->name_len = (size_t) (b - a);

    return 1;
}


const char *
hd_tmpl_vars_lookup(void *data, const char *name, size_t len)
{
    const hd_tmpl_var_t  *v;

    for (v = data; v->name != NULL; v++) {
        if (strlen(v->name) == len && memcmp(v->name, name, len) == 0) {
            return v->value;
        }
    }

    return NULL;
}


size_t
hd_tmpl_check(const char *tmpl, size_t len, hd_tmpl_lookup_pt lookup,
    void *data, hd_tmpl_issue_t *issues, size_t max)
{
    size_t            n;
    const char       *pos, *end;
    hd_tmpl_piece_t   pc;
    hd_tmpl_issue_t   issue;

    n = 0;
    pos = tmpl;
    end = tmpl + len;

    while (hd_tmpl_next(&pos, end, &pc)) {

        memset(&issue, 0, sizeof(hd_tmpl_issue_t));

        switch (pc.kind) {

        case HD_TMPL_PIECE_FIELD:
            if (lookup(data, pc.name, pc.name_len) != NULL) {
                continue;
            }

            issue.kind = HD_TMPL_UNKNOWN;
            memcpy(issue.name, pc.name, pc.name_len);
            break;

        case HD_TMPL_PIECE_MALFORMED:
            issue.kind = HD_TMPL_MALFORMED;
            break;

        case HD_TMPL_PIECE_UNTERMINATED:
            issue.kind = HD_TMPL_UNTERMINATED;
            break;

        default:
            continue;
        }

        issue.offset = (size_t) (pc.data - tmpl);

        if (n < max) {
            issues[n] = issue;
        }

        n++;
    }

    return n;
}


/* Appends n bytes unless that passes max; returns 0 when it would. */
static int
hd_tmpl_add(hd_buf_t *b, const char *s, size_t n, size_t max)
{
    if (n > max || b->len > max - n) {
        return 0;
    }

    hd_buf_add(b, s, n);
    return 1;
}


static int
hd_tmpl_add_value(hd_buf_t *b, const char *v, hd_tmpl_escape_t escape,
    size_t max)
{
    const char  *run, *entity;

    if (escape != HD_TMPL_ESCAPE_HTML) {
        return hd_tmpl_add(b, v, strlen(v), max);
    }

    for (run = v; *v != '\0'; v++) {

        switch (*v) {
        case '&':  entity = "&amp;"; break;
        case '<':  entity = "&lt;"; break;
        case '>':  entity = "&gt;"; break;
        case '"':  entity = "&quot;"; break;
        case '\'': entity = "&#39;"; break;
        default:   continue;
        }

        if (!hd_tmpl_add(b, run, (size_t) (v - run), max)
            || !hd_tmpl_add(b, entity, strlen(entity), max))
        {
            return 0;
        }

        run = v + 1;
    }

    return hd_tmpl_add(b, run, (size_t) (v - run), max);
}


hd_tmpl_rc_t
hd_tmpl_render(const char *tmpl, size_t len, hd_tmpl_lookup_pt lookup,
    void *data, hd_tmpl_escape_t escape, size_t max, char **out,
    size_t *out_len)
{
    int               fits;
    const char       *pos, *end, *value;
    hd_buf_t          b;
    hd_tmpl_piece_t   pc;

    *out = NULL;
    *out_len = 0;

    hd_buf_init(&b, len < max ? len + 1 : max + 1);

    pos = tmpl;
    end = tmpl + len;
    fits = 1;

    while (fits && hd_tmpl_next(&pos, end, &pc)) {

        value = (pc.kind == HD_TMPL_PIECE_FIELD)
                ? lookup(data, pc.name, pc.name_len) : NULL;

        if (value != NULL) {
            fits = hd_tmpl_add_value(&b, value, escape, max);

        } else {
            fits = hd_tmpl_add(&b, pc.data, pc.len, max);
        }
    }

    if (!fits) {
        hd_buf_free(&b);
        return HD_TMPL_TOO_BIG;
    }

    *out = hd_buf_take(&b, out_len);

    return *out != NULL ? HD_TMPL_OK : HD_TMPL_NO_MEMORY;
}
