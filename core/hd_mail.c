/*
 * hd_mail — RFC 5322 / MIME composition of outgoing mail.
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hd_buf.h"
#include "hd_mail.h"


#define HD_MAIL_LINE_MAX     78     /* folded header lines stay below */
#define HD_MAIL_QP_LINE      76     /* quoted-printable line length */
#define HD_MAIL_WORD_BYTES   45     /* UTF-8 bytes per encoded-word */
#define HD_MAIL_TEXT_MAX   2000     /* subject / name bytes kept */


static const char  hd_mail_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static const char  hd_mail_hex[] = "0123456789ABCDEF";


/* Standard base64 (RFC 4648 §4, padded) of n bytes into b. */
static void
hd_mail_add_b64(hd_buf_t *b, const unsigned char *p, size_t n)
{
    char           q[4];
    unsigned long  v;
    size_t         i;

    for (i = 0; i + 2 < n; i += 3) {
        v = (unsigned long) p[i] << 16 | (unsigned long) p[i + 1] << 8
            | p[i + 2];
        q[0] = hd_mail_b64[v >> 18 & 63];
        q[1] = hd_mail_b64[v >> 12 & 63];
        q[2] = hd_mail_b64[v >> 6 & 63];
        q[3] = hd_mail_b64[v & 63];
        hd_buf_add(b, q, 4);
    }

    if (i < n) {
        v = (unsigned long) p[i] << 16
            | (i + 1 < n ? (unsigned long) p[i + 1] << 8 : 0);
        q[0] = hd_mail_b64[v >> 18 & 63];
        q[1] = hd_mail_b64[v >> 12 & 63];
        q[2] = (i + 1 < n) ? hd_mail_b64[v >> 6 & 63] : '=';
        q[3] = '=';
        hd_buf_add(b, q, 4);
    }
}


int
hd_mail_addr_valid(const char *addr)
{
    const char  *at, *p;
    size_t       len;

    if (addr == NULL || (len = strlen(addr)) == 0 || len > 254) {
        return 0;
    }

    at = strchr(addr, '@');

    if (at == NULL || at == addr || strchr(at + 1, '@') != NULL
        || at[1] == '\0' || at[1] == '.' || addr[len - 1] == '.')
    {
        return 0;
    }

    for (p = addr; p < at; p++) {
        if (*p <= ' ' || *p >= 0x7f || strchr("\"<>()[],;:\\", *p) != NULL) {
            return 0;
        }
    }

    for (p = at + 1; *p != '\0'; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
              || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.')
            || (*p == '.' && p[1] == '.'))
        {
            return 0;
        }
    }

    return 1;
}


const char *
hd_mail_addr_domain(const char *addr)
{
    return hd_mail_addr_valid(addr) ? strchr(addr, '@') + 1 : NULL;
}


/* Checks one "<…>" at p (n bytes). */
static int
hd_mail_id_check(const char *p, size_t n)
{
    size_t  i, ats = 0;

    if (n < 5 || n > 250 || p[0] != '<' || p[n - 1] != '>') {
        return 0;
    }

    for (i = 1; i < n - 1; i++) {
        if (p[i] <= ' ' || p[i] >= 0x7f || p[i] == '<' || p[i] == '>') {
            return 0;
        }

        ats += (p[i] == '@');
    }

    return ats == 1 && p[1] != '@' && p[n - 2] != '@';
}


int
hd_mail_id_valid(const char *id)
{
    return id != NULL && hd_mail_id_check(id, strlen(id));
}


/* 1 when s is one or more message ids separated by single spaces. */
static int
hd_mail_refs_valid(const char *s)
{
    const char  *sp;

    for ( ;; ) {
        sp = strchr(s, ' ');

        if (!hd_mail_id_check(s, sp ? (size_t) (sp - s) : strlen(s))) {
            return 0;
        }

        if (sp == NULL) {
            return 1;
        }

        s = sp + 1;
    }
}


static int
hd_mail_make_id(char *buf, size_t len, const char *prefix, const char *mid,
    const char *domain)
{
    int  n;

    if (domain == NULL || mid == NULL || strchr(domain, '@') != NULL) {
        return -1;
    }

    n = snprintf(buf, len, "<%s%s@%s>", prefix, mid, domain);

    if (n < 0 || (size_t) n >= len || !hd_mail_id_valid(buf)) {
        if (len > 0) {
            buf[0] = '\0';
        }

        return -1;
    }

    return 0;
}


int
hd_mail_thread_root(char *buf, size_t len, const char *ticket,
    const char *domain)
{
    return hd_mail_make_id(buf, len, "ticket-", ticket, domain);
}


int
hd_mail_message_id(char *buf, size_t len, const char *unique,
    const char *domain)
{
    return hd_mail_make_id(buf, len, "hd.", unique, domain);
}


/*
 * A copy of s (at most HD_MAIL_TEXT_MAX bytes, cut at a UTF-8 character
 * boundary) with every control character — CR and LF included — and DEL
 * turned into a space, and the ends trimmed.  *ascii tells whether it is
 * all printable ASCII.  Returns 0, or -1 when out of memory.
 */
static int
hd_mail_clean(hd_buf_t *b, const char *s, int *ascii)
{
    size_t         n, i, start, end;
    unsigned char  c;

    n = strlen(s);

    if (n > HD_MAIL_TEXT_MAX) {
        n = HD_MAIL_TEXT_MAX;

        while (n > 0 && ((unsigned char) s[n] & 0xc0) == 0x80) {
            n--;
        }
    }

    hd_buf_init(b, n + 1);
    *ascii = 1;

    for (i = 0; i < n; i++) {
        c = (unsigned char) s[i];

        if (c < 0x20 || c == 0x7f) {
            c = ' ';
        }

        if (c >= 0x80) {
            *ascii = 0;
        }

        hd_buf_add(b, (char *) &c, 1);
    }

    hd_buf_add(b, "", 0);

    if (b->failed) {
        hd_buf_free(b);
        return -1;
    }

    for (start = 0; start < b->len && b->data[start] == ' '; start++) {
        /* void */
    }

    for (end = b->len; end > start && b->data[end - 1] == ' '; end--) {
        /* void */
    }

    memmove(b->data, b->data + start, end - start);
    b->len = end - start;
    b->data[b->len] = '\0';

    return 0;
}


/*
 * Appends s as RFC 2047 "B" encoded-words of UTF-8, one per folded line
 * after the first; col is the current line's length so far.
 */
static void
hd_mail_add_words(hd_buf_t *b, const char *s, size_t n, size_t col)
{
    size_t  take, room;

    while (n > 0) {
        /* bytes that fit on this line: 12 of "=?UTF-8?B??=", 4 per 3 */
        room = (col + 12 + 8 < HD_MAIL_LINE_MAX)
               ? (HD_MAIL_LINE_MAX - col - 12) / 4 * 3 : 0;

        if (room < 6) {
            hd_buf_adds(b, "\r\n ");
            col = 1;
            continue;
        }

        take = n;

        if (take > room) {
            take = room;
        }

        if (take > HD_MAIL_WORD_BYTES) {
            take = HD_MAIL_WORD_BYTES;
        }

        /* never split a UTF-8 sequence across two words */
        while (take < n && take > 1
               && ((unsigned char) s[take] & 0xc0) == 0x80)
        {
            take--;
        }

        hd_buf_adds(b, "=?UTF-8?B?");
        hd_mail_add_b64(b, (const unsigned char *) s, take);
        hd_buf_adds(b, "?=");
        col += 12 + (take + 2) / 3 * 4;

        s += take;
        n -= take;

        if (n > 0) {
            hd_buf_adds(b, "\r\n ");
            col = 1;
        }
    }
}


/* Appends plain ASCII text s, folding at spaces to keep lines short. */
static void
hd_mail_add_folded(hd_buf_t *b, const char *s, size_t col)
{
    const char  *sp;
    size_t       word;

    while (*s != '\0') {
        sp = strchr(s + 1, ' ');
        word = sp ? (size_t) (sp - s) : strlen(s);

        if (col + word > HD_MAIL_LINE_MAX && col > 1 && *s == ' ') {
            hd_buf_adds(b, "\r\n");
            col = 0;
        }

        hd_buf_add(b, s, word);
        col += word;
        s += word;
    }
}


/*
 * "Subject: …" from untrusted UTF-8: cleaned of controls, then as it is
 * when plain ASCII (and not itself looking like an encoded-word), else
 * as encoded-words.
 */
static int
hd_mail_add_subject(hd_buf_t *b, const char *subject)
{
    hd_buf_t  c;
    int       ascii;

    if (hd_mail_clean(&c, subject, &ascii) != 0) {
        return -1;
    }

    hd_buf_adds(b, "Subject: ");

    if (ascii && strstr(c.data, "=?") == NULL) {
        hd_mail_add_folded(b, c.data, 9);

    } else {
        hd_mail_add_words(b, c.data, c.len, 9);
    }

    hd_buf_adds(b, "\r\n");
    hd_buf_free(&c);

    return 0;
}


/*
 * "Name: display <addr>\r\n", the display name quoted when plain ASCII
 * and encoded-words otherwise; just the address when name is empty.
 */
static int
hd_mail_add_mailbox(hd_buf_t *b, const char *header, const char *name,
    const char *addr)
{
    hd_buf_t  c;
    int       ascii;
    size_t    i;

    hd_buf_adds(b, header);
    hd_buf_adds(b, ": ");

    if (name != NULL && *name != '\0') {
        if (hd_mail_clean(&c, name, &ascii) != 0) {
            return -1;
        }

        if (c.len == 0) {
            /* only controls and spaces: no name */

        } else if (ascii && strstr(c.data, "=?") == NULL) {
            hd_buf_adds(b, "\"");

            for (i = 0; i < c.len; i++) {
                if (c.data[i] == '"' || c.data[i] == '\\') {
                    hd_buf_adds(b, "\\");
                }

                hd_buf_add(b, &c.data[i], 1);
            }

            hd_buf_adds(b, "\" ");

        } else {
            hd_mail_add_words(b, c.data, c.len, strlen(header) + 2);
            hd_buf_adds(b, "\r\n ");
        }

        hd_buf_free(&c);
    }

    hd_buf_adds(b, "<");
    hd_buf_adds(b, addr);
    hd_buf_adds(b, ">\r\n");

    return 0;
}


/* "Date: Thu, 27 Nov 2026 09:30:00 +0000" (RFC 5322 §3.3, in UTC). */
static void
hd_mail_add_date(hd_buf_t *b, long long date)
{
    static const char  *days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri",
                                   "Sat" };
    static const char  *months[] = { "Jan", "Feb", "Mar", "Apr", "May",
                                     "Jun", "Jul", "Aug", "Sep", "Oct",
                                     "Nov", "Dec" };
    char                line[64];
    time_t              t = (time_t) date;
    struct tm           tm;

    if (gmtime_r(&t, &tm) == NULL) {
        memset(&tm, 0, sizeof(tm));
        tm.tm_mday = 1;
        tm.tm_year = 70;
        tm.tm_wday = 4;
    }

    snprintf(line, sizeof(line), "Date: %s, %02d %s %04d %02d:%02d:%02d "
             "+0000\r\n", days[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
    hd_buf_adds(b, line);
}


/* Appends one quoted-printable escape "=XX". */
static void
hd_mail_add_qp_byte(hd_buf_t *b, unsigned char c)
{
    char  e[3];

    e[0] = '=';
    e[1] = hd_mail_hex[c >> 4];
    e[2] = hd_mail_hex[c & 15];
    hd_buf_add(b, e, 3);
}


/*
 * The body s as quoted-printable (RFC 2045 §6.7) with CRLF line ends: any
 * of LF, CRLF or a lone CR in s ends a line.  Besides what the RFC
 * requires, a "." or "From " starting a line is encoded, so no transport
 * ever changes it.
 */
static void
hd_mail_add_qp(hd_buf_t *b, const char *s)
{
    size_t         col = 0, need;
    unsigned char  c;
    int            enc;

    for ( ; *s != '\0'; s++) {
        c = (unsigned char) *s;

        if (c == '\r' || c == '\n') {
            if (c == '\r' && s[1] == '\n') {
                s++;
            }

            hd_buf_adds(b, "\r\n");
            col = 0;
            continue;
        }

        enc = (c == '=' || c >= 0x7f || (c < 0x20 && c != '\t')
               || ((c == ' ' || c == '\t')
                   && (s[1] == '\0' || s[1] == '\r' || s[1] == '\n'))
               || (col == 0 && c == '.')
               || (col == 0 && strncmp(s, "From ", 5) == 0));

        need = enc ? 3 : 1;

        if (col + need > HD_MAIL_QP_LINE - 1) {
            hd_buf_adds(b, "=\r\n");
            col = 0;

            if (c == '.' || strncmp(s, "From ", 5) == 0) {
                enc = 1;
                need = 3;
            }
        }

        if (enc) {
            hd_mail_add_qp_byte(b, c);

        } else {
            hd_buf_add(b, (char *) &c, 1);
        }

        col += need;
    }

    hd_buf_adds(b, "\r\n");
}


static void
hd_mail_add_part(hd_buf_t *b, const char *boundary, const char *type,
    const char *body)
{
    hd_buf_adds(b, "--=_hd_");
    hd_buf_adds(b, boundary);
    hd_buf_adds(b, "\r\nContent-Type: ");
    hd_buf_adds(b, type);
    hd_buf_adds(b, "; charset=utf-8\r\n"
                   "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    hd_mail_add_qp(b, body);
}


static int
hd_mail_boundary_valid(const char *s)
{
    size_t  n;

    if (s == NULL) {
        return 0;
    }

    n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  "0123456789");

    return s[n] == '\0' && n >= 8 && n <= 60;
}


hd_mail_rc_t
hd_mail_compose(const hd_mail_t *m, char **out, size_t *len)
{
    hd_buf_t  b;

    *out = NULL;
    *len = 0;

    if (m->subject == NULL || m->text == NULL
        || !hd_mail_boundary_valid(m->boundary)
        || (m->auto_submitted != NULL
            && strcmp(m->auto_submitted, "auto-replied") != 0
            && strcmp(m->auto_submitted, "auto-generated") != 0))
    {
        return HD_MAIL_BAD_ARGUMENT;
    }

    if (!hd_mail_addr_valid(m->from_addr) || !hd_mail_addr_valid(m->to_addr)
        || (m->reply_to != NULL && !hd_mail_addr_valid(m->reply_to)))
    {
        return HD_MAIL_BAD_ADDRESS;
    }

    if (!hd_mail_id_valid(m->message_id)
        || (m->in_reply_to != NULL && !hd_mail_id_valid(m->in_reply_to))
        || (m->references != NULL && !hd_mail_refs_valid(m->references)))
    {
        return HD_MAIL_BAD_ID;
    }

    hd_buf_init(&b, 1024 + strlen(m->text) * 2
                    + (m->html ? strlen(m->html) * 2 : 0));

    hd_mail_add_date(&b, m->date);

    if (hd_mail_add_mailbox(&b, "From", m->from_name, m->from_addr) != 0
        || hd_mail_add_mailbox(&b, "To", m->to_name, m->to_addr) != 0
        || (m->reply_to != NULL
            && hd_mail_add_mailbox(&b, "Reply-To", NULL, m->reply_to) != 0)
        || hd_mail_add_subject(&b, m->subject) != 0)
    {
        hd_buf_free(&b);
        return HD_MAIL_NO_MEMORY;
    }

    hd_buf_adds(&b, "Message-ID: ");
    hd_buf_adds(&b, m->message_id);
    hd_buf_adds(&b, "\r\n");

    if (m->in_reply_to != NULL) {
        hd_buf_adds(&b, "In-Reply-To: ");
        hd_buf_adds(&b, m->in_reply_to);
        hd_buf_adds(&b, "\r\n");
    }

    if (m->references != NULL) {
        hd_buf_adds(&b, "References: ");
        hd_mail_add_folded(&b, m->references, 12);
        hd_buf_adds(&b, "\r\n");
    }

    if (m->auto_submitted != NULL) {
        hd_buf_adds(&b, "Auto-Submitted: ");
        hd_buf_adds(&b, m->auto_submitted);
        hd_buf_adds(&b, "\r\n");
    }

    hd_buf_adds(&b, "MIME-Version: 1.0\r\n");

    if (m->html == NULL) {
        hd_buf_adds(&b, "Content-Type: text/plain; charset=utf-8\r\n"
                        "Content-Transfer-Encoding: quoted-printable\r\n"
                        "\r\n");
        hd_mail_add_qp(&b, m->text);

    } else {
        hd_buf_adds(&b, "Content-Type: multipart/alternative; "
                        "boundary=\"=_hd_");
        hd_buf_adds(&b, m->boundary);
        hd_buf_adds(&b, "\"\r\n\r\n");
        hd_mail_add_part(&b, m->boundary, "text/plain", m->text);
        hd_mail_add_part(&b, m->boundary, "text/html", m->html);
        hd_buf_adds(&b, "--=_hd_");
        hd_buf_adds(&b, m->boundary);
        hd_buf_adds(&b, "--\r\n");
    }

    *out = hd_buf_take(&b, len);

    return *out != NULL ? HD_MAIL_OK : HD_MAIL_NO_MEMORY;
}


const char *
hd_mail_strerror(hd_mail_rc_t rc)
{
    switch (rc) {
    case HD_MAIL_OK:
        return "ok";
    case HD_MAIL_BAD_ADDRESS:
        return "an address is not a plain local@domain";
    case HD_MAIL_BAD_ID:
        return "a message id is not a plain <id@domain>";
    case HD_MAIL_BAD_ARGUMENT:
        return "a required field is missing or malformed";
    case HD_MAIL_NO_MEMORY:
        return "out of memory";
    }

    return "unknown error";
}
