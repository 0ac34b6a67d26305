/*
 * hd_mail.c — header access, threading ids, loop rules, quote trimming and
 * HTML to text for inbound email (see hd_mail.h).
 */

#define _GNU_SOURCE             /* strcasestr */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hd_mailin.h"


/* The end of the header block: the offset of the first empty line. */
static size_t
hd_mailin_header_end(const char *msg, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (msg[i] != '\n') {
            continue;
        }

        if (i + 1 < len && msg[i + 1] == '\n') {
            return i + 1;
        }

        if (i + 2 < len && msg[i + 1] == '\r' && msg[i + 2] == '\n') {
            return i + 1;
        }
    }

    return len;
}


char *
hd_mailin_header(const char *msg, size_t len, const char *name)
{
    size_t   end, nlen, i, j, start, stop;
    char    *out, *o;

    end = hd_mailin_header_end(msg, len);
    nlen = strlen(name);

    for (i = 0; i < end; ) {
        /* i is at the start of a line */
        if (end - i > nlen && msg[i + nlen] == ':'
            && strncasecmp(msg + i, name, nlen) == 0)
        {
            start = i + nlen + 1;

            /* the value runs to a newline not followed by white space */
            for (stop = start; stop < end; stop++) {
                if (msg[stop] == '\n'
                    && !(stop + 1 < end
                         && (msg[stop + 1] == ' ' || msg[stop + 1] == '\t')))
                {
                    break;
                }
            }

            out = malloc(stop - start + 1);
            if (out == NULL) {
                return NULL;
            }

            o = out;
            for (j = start; j < stop; j++) {
                if (msg[j] == '\r' || msg[j] == '\n') {
                    continue;
                }
                *o++ = (msg[j] == '\t') ? ' ' : msg[j];
            }
            *o = '\0';

            /* trim */
            while (o > out && (o[-1] == ' ')) {
                *--o = '\0';
            }
            o = out;
            while (*o == ' ') {
                o++;
            }
            memmove(out, o, strlen(o) + 1);

            return out;
        }

        while (i < end && msg[i] != '\n') {
            i++;
        }
        i++;
    }

    return NULL;
}


/* Copy the id between < and > at s into out; its length, 0 if unusable. */
static size_t
hd_mailin_copy_id(const char *s, size_t n, char *out)
{
    size_t  i, o = 0;

    for (i = 0; i < n && o < HD_MAILIN_ID_MAX; i++) {
        if (isspace((unsigned char) s[i]) || s[i] == '<') {
            continue;
        }
        if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) {
            continue;
        }
        out[o++] = s[i];
    }

    out[o] = '\0';
    return o;
}


size_t
hd_mailin_message_id(const char *msg, size_t len, char *out)
{
    char    *v, *lt, *gt;
    size_t   n = 0;

    out[0] = '\0';
    v = hd_mailin_header(msg, len, "Message-ID");
    if (v == NULL) {
        return 0;
    }

    lt = strchr(v, '<');
    gt = lt ? strchr(lt, '>') : NULL;

    if (lt != NULL && gt != NULL && gt > lt + 1) {
        n = hd_mailin_copy_id(lt + 1, (size_t) (gt - lt - 1), out);

    } else if (lt == NULL && v[0] != '\0') {
        /* bare id without brackets: take its first word */
        n = hd_mailin_copy_id(v, strcspn(v, " \t"), out);
    }

    free(v);

    /* an id must look like one: something@something */
    if (n > 0 && strchr(out, '@') == NULL) {
        out[0] = '\0';
        return 0;
    }

    return n;
}


char *
hd_mailin_ids(const char *value, size_t *n)
{
    const char  *p, *gt;
    char        *out, *o;
    size_t       len;

    *n = 0;
    if (value == NULL) {
        return NULL;
    }

    out = malloc(strlen(value) + 1);
    if (out == NULL) {
        return NULL;
    }

    o = out;
    for (p = value; (p = strchr(p, '<')) != NULL; p = gt + 1) {
        gt = strchr(p, '>');
        if (gt == NULL) {
            break;
        }

        len = hd_mailin_copy_id(p + 1, (size_t) (gt - p - 1), o);
        if (len > 0) {
            o += len + 1;
            (*n)++;
        }
    }

    if (*n == 0) {
        free(out);
        return NULL;
    }

    return out;
}


long long
hd_mailin_subject_tag(const char *subject)
{
    const char  *p;
    long long    v;

    if (subject == NULL) {
        return 0;
    }

    for (p = subject; (p = strstr(p, "[#")) != NULL; p += 2) {
        if (strncasecmp(p + 2, "TKT-", 4) != 0 || !isdigit((unsigned char) p[6])) {
            continue;
        }

        v = 0;
        p += 6;
        while (isdigit((unsigned char) *p) && v < 100000000000000LL) {
            v = v * 10 + (*p++ - '0');
        }

        if (*p == ']') {
            return v;
        }
    }

    return 0;
}


int
hd_mailin_ticket_root(const char *id, char *uuid)
{
    size_t  i;

    if (strncasecmp(id, "ticket-", 7) != 0 || strlen(id) < 7 + 36 + 2
        || id[7 + 36] != '@')
    {
        return 0;
    }

    for (i = 0; i < 36; i++) {
        char  c = id[7 + i];

        if ((i == 8 || i == 13 || i == 18 || i == 23)
            ? c != '-' : !isxdigit((unsigned char) c))
        {
            return 0;
        }
        uuid[i] = (char) tolower((unsigned char) c);
    }

    uuid[36] = '\0';
    return 1;
}


/* The address part of a From value: inside <…> if present, else as is. */
static void
hd_mailin_addr(const char *from, char *out, size_t size)
{
    const char  *lt, *gt;
    size_t       n;

    lt = strrchr(from, '<');
    gt = lt ? strchr(lt, '>') : NULL;

    if (lt != NULL && gt != NULL) {
        from = lt + 1;
        n = (size_t) (gt - lt - 1);
    } else {
        while (*from == ' ') {
            from++;
        }
        n = strcspn(from, " \t");
    }

    if (n >= size) {
        n = size - 1;
    }

    memcpy(out, from, n);
    out[n] = '\0';
}


/* Is addr one of the comma-separated addresses in list? */
static int
hd_mailin_in_list(const char *addr, const char *list)
{
    const char  *p = list;
    size_t       alen = strlen(addr), n;

    while (p != NULL && *p != '\0') {
        while (*p == ' ' || *p == ',') {
            p++;
        }

        n = strcspn(p, ", ");
        if (n == alen && n > 0 && strncasecmp(p, addr, n) == 0) {
            return 1;
        }

        p += n;
    }

    return 0;
}


const char *
hd_mailin_autoreply_block(const hd_mailin_loop_t *m)
{
    char         addr[320];
    const char  *v, *at;

    if (m->auto_submitted != NULL) {
        v = m->auto_submitted;
        while (*v == ' ') {
            v++;
        }
        if (strncasecmp(v, "no", 2) != 0 || isalnum((unsigned char) v[2])
            || v[2] == '-')
        {
            return "Auto-Submitted";
        }
    }

    if (m->precedence != NULL
        && (strcasestr(m->precedence, "bulk") != NULL
            || strcasestr(m->precedence, "junk") != NULL
            || strcasestr(m->precedence, "list") != NULL))
    {
        return "Precedence";
    }

    if (m->list_id != NULL) {
        return "List-Id";
    }

    if (m->x_autoreply != NULL) {
        return "X-Autoreply";
    }

    if (m->from == NULL || m->from[0] == '\0') {
        return "no sender";
    }

    hd_mailin_addr(m->from, addr, sizeof(addr));
    at = strchr(addr, '@');

    if (at == NULL) {
        return "no sender";
    }

    if ((at - addr == 13 && strncasecmp(addr, "mailer-daemon", 13) == 0)
        || (at - addr == 10 && strncasecmp(addr, "postmaster", 10) == 0)
        || strncasecmp(addr, "no-reply@", 9) == 0
        || strncasecmp(addr, "noreply@", 8) == 0)
    {
        return "system sender";
    }

    if (m->ours != NULL && hd_mailin_in_list(addr, m->ours)) {
        return "our own address";
    }

    return NULL;
}


/* Does the line [s, e) start a quoted original? */
static int
hd_mailin_quote_line(const char *s, const char *e, int after_blank)
{
    size_t       n = (size_t) (e - s);
    const char  *p;

    while (s < e && (*s == ' ' || *s == '\t')) {
        s++;
    }
    n = (size_t) (e - s);

    if (n > 0 && *s == '>') {
        return 1;
    }

    if (n >= 13 && strncmp(s, "-----Original", 13) == 0) {
        return 1;
    }

    if (n >= 16 && strncmp(s, "________________", 16) == 0) {
        return 1;
    }

    if (after_blank && n > 5 && strncasecmp(s, "From:", 5) == 0) {
        return 1;
    }

    /* "On <date>, <someone> wrote:" */
    if (n > 10 && strncmp(s, "On ", 3) == 0) {
        p = e;
        while (p > s && (p[-1] == ' ' || p[-1] == '\r')) {
            p--;
        }
        if (p - s >= 6 && strncmp(p - 6, "wrote:", 6) == 0) {
            return 1;
        }
    }

    return 0;
}


size_t
hd_mailin_trim_quote(const char *text, size_t len)
{
    const char  *p = text, *end = text + len, *nl, *cut = NULL;
    int          blank = 1;

    while (p < end) {
        nl = memchr(p, '\n', (size_t) (end - p));
        if (nl == NULL) {
            nl = end;
        }

        if (hd_mailin_quote_line(p, nl, blank)) {
            cut = p;
            break;
        }

        blank = 1;
        for (const char *q = p; q < nl; q++) {
            if (!isspace((unsigned char) *q)) {
                blank = 0;
                break;
            }
        }

        p = nl + 1;
    }

    if (cut == NULL) {
        return len;
    }

    while (cut > text && isspace((unsigned char) cut[-1])) {
        cut--;
    }

    return (cut == text) ? len : (size_t) (cut - text);
}


/* Append the UTF-8 encoding of code point c to o; returns the new end. */
static char *
hd_mailin_utf8(char *o, unsigned long c)
{
    if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        c = 0xfffd;
    }

    if (c < 0x80) {
        *o++ = (char) c;
    } else if (c < 0x800) {
        *o++ = (char) (0xc0 | (c >> 6));
        *o++ = (char) (0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        *o++ = (char) (0xe0 | (c >> 12));
        *o++ = (char) (0x80 | ((c >> 6) & 0x3f));
        *o++ = (char) (0x80 | (c & 0x3f));
    } else {
        *o++ = (char) (0xf0 | (c >> 18));
        *o++ = (char) (0x80 | ((c >> 12) & 0x3f));
        *o++ = (char) (0x80 | ((c >> 6) & 0x3f));
        *o++ = (char) (0x80 | (c & 0x3f));
    }

    return o;
}


static const struct {
    const char     *name;
    unsigned long   c;
} hd_mailin_entities[] = {
    { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
    { "apos", '\'' }, { "nbsp", 0xa0 }, { "copy", 0xa9 }, { "reg", 0xae },
    { "hellip", 0x2026 }, { "mdash", 0x2014 }, { "ndash", 0x2013 },
    { "rsquo", 0x2019 }, { "lsquo", 0x2018 }, { "rdquo", 0x201d },
    { "ldquo", 0x201c }, { "euro", 0x20ac }, { NULL, 0 }
};


/* Decode the character reference at s (after '&'); 0 if not one. */
static size_t
hd_mailin_entity(const char *s, const char *end, unsigned long *c)
{
    size_t  i, n;

    if (s < end && *s == '#') {
        unsigned long  v = 0;
        int            hex = (s + 1 < end && (s[1] == 'x' || s[1] == 'X'));

        i = hex ? 2 : 1;
        n = i;
        for (; s + i < end && i < 12; i++) {
            int  d = hex ? (isxdigit((unsigned char) s[i])
                            ? (isdigit((unsigned char) s[i]) ? s[i] - '0'
                               : (tolower((unsigned char) s[i]) - 'a' + 10))
                            : -1)
                         : (isdigit((unsigned char) s[i]) ? s[i] - '0' : -1);
            if (d < 0) {
                break;
            }
            v = v * (hex ? 16 : 10) + (unsigned long) d;
        }

        if (i == n) {
            return 0;
        }

        *c = v;
        return (s + i < end && s[i] == ';') ? i + 1 : i;
    }

    for (i = 0; hd_mailin_entities[i].name != NULL; i++) {
        n = strlen(hd_mailin_entities[i].name);
        if ((size_t) (end - s) > n && strncmp(s, hd_mailin_entities[i].name, n)
            == 0 && s[n] == ';')
        {
            *c = hd_mailin_entities[i].c;
            return n + 1;
        }
    }

    return 0;
}


/* Does the tag at s (after '<' and an optional '/') have name? */
static int
hd_mailin_tag_is(const char *s, const char *end, const char *name)
{
    size_t  n = strlen(name);

    return (size_t) (end - s) >= n && strncasecmp(s, name, n) == 0
           && (s + n == end || !isalnum((unsigned char) s[n]));
}


static const char *hd_mailin_skip_tags[] = {
    "script", "style", "head", "template", "title", "noscript", NULL
};

static const char *hd_mailin_block_tags[] = {
    "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "table", "ul", "ol", "hr", "pre", NULL
};


char *
hd_mailin_html_text(const char *html, size_t len, size_t *out_len)
{
    const char     *p = html, *end = html + len, *gt, *name, *close;
    char           *out, *o, *r, *w;
    unsigned long   c;
    size_t          n, k;
    int             i, nl;

    /* an entity expands to at most 4 bytes and takes at least 2 */
    out = malloc(len * 2 + 2);
    if (out == NULL) {
        return NULL;
    }
    o = out;

    while (p < end) {
        if (*p == '<') {
            if ((size_t) (end - p) >= 4 && strncmp(p, "<!--", 4) == 0) {
                close = NULL;
                for (const char *q = p + 4; q + 3 <= end; q++) {
                    if (strncmp(q, "-->", 3) == 0) {
                        close = q + 3;
                        break;
                    }
                }
                p = close ? close : end;
                continue;
            }

            gt = memchr(p, '>', (size_t) (end - p));
            if (gt == NULL) {
                break;
            }

            name = p + 1;
            if (name < gt && *name == '/') {
                name++;
            }

            for (i = 0; hd_mailin_skip_tags[i] != NULL; i++) {
                if (name == p + 1
                    && hd_mailin_tag_is(name, gt, hd_mailin_skip_tags[i]))
                {
                    break;
                }
            }

            if (hd_mailin_skip_tags[i] != NULL && gt[-1] != '/') {
                /* skip to the matching close tag */
                n = strlen(hd_mailin_skip_tags[i]);
                close = NULL;
                for (const char *q = gt + 1; q + n + 2 <= end; q++) {
                    if (q[0] == '<' && q[1] == '/'
                        && strncasecmp(q + 2, hd_mailin_skip_tags[i], n) == 0)
                    {
                        close = memchr(q, '>', (size_t) (end - q));
                        break;
                    }
                }
                p = close ? close + 1 : end;
                continue;
            }

            for (i = 0; hd_mailin_block_tags[i] != NULL; i++) {
                if (hd_mailin_tag_is(name, gt, hd_mailin_block_tags[i])) {
                    *o++ = '\n';
                    break;
                }
            }

            p = gt + 1;
            continue;
        }

        if (*p == '&') {
            k = hd_mailin_entity(p + 1, end, &c);
            if (k > 0) {
                o = hd_mailin_utf8(o, c == 0xa0 ? ' ' : c);
                p += 1 + k;
                continue;
            }
        }

        if (*p == '\r' || *p == '\t' || *p == '\n') {
            *o++ = ' ';
        } else if (*p != '\0') {
            *o++ = *p;
        }
        p++;
    }

    *o = '\0';

    /* fold: spaces around line breaks, runs of spaces, more than 2 breaks */
    nl = 2;
    for (r = out, w = out; *r; r++) {
        if (*r == ' ') {
            if (nl || (r[1] == ' ' || r[1] == '\n' || r[1] == '\0')) {
                continue;
            }
        } else if (*r == '\n') {
            if (nl >= 2) {
                continue;
            }
            nl++;
            *w++ = '\n';
            continue;
        }

        if (*r != ' ') {
            nl = 0;
        }
        *w++ = *r;
    }

    while (w > out && (w[-1] == '\n' || w[-1] == ' ')) {
        w--;
    }
    *w = '\0';

    *out_len = (size_t) (w - out);
    return out;
}
