/*
 * hd_mail — the text work of inbound email that needs no MIME parser:
 * reading a header out of raw message bytes (enough to key a message by
 * its Message-ID before anything else happens), the message ids of
 * In-Reply-To / References, the [#TKT-n] subject tag, whether an
 * automatic reply is allowed (loop prevention), trimming quoted reply
 * text, and HTML to plain text.  MIME (charsets, multipart, attachments)
 * is parsed with GMime in worker/wk_mime.c; this file stays pure so that
 * the nginx module (the inbound webhook) and the check suites use it too.
 *
 * Every function takes explicit lengths and never reads past them; output
 * buffers are allocated with malloc() and freed by the caller.
 */

#ifndef HD_MAILIN_H
#define HD_MAILIN_H

#include <stddef.h>

#define HD_MAILIN_ID_MAX  998     /* longest message id kept (RFC 5322 line) */

/*
 * The unfolded value of the first header called name (case-insensitive) in
 * the header block of msg (which ends at the first empty line), leading
 * and trailing white space removed.  Returns a malloc'd string, or NULL
 * when there is no such header (or on allocation failure).
 */
char *hd_mailin_header(const char *msg, size_t len, const char *name);

/*
 * The message's key: the first <…> token of its Message-ID header without
 * the angle brackets (white space removed, at most HD_MAILIN_ID_MAX bytes),
 * written to out (HD_MAILIN_ID_MAX + 1 bytes).  Returns its length, or 0
 * when the message has no usable Message-ID (callers then key it by
 * "sha256:<hex of the raw bytes>").
 */
size_t hd_mailin_message_id(const char *msg, size_t len, char *out);

/*
 * Every <…> token of a header value (In-Reply-To, References) as a
 * malloc'd, NUL-separated list without brackets, in order; *n gets the
 * count.  Returns NULL (and *n = 0) when there is none.
 */
char *hd_mailin_ids(const char *value, size_t *n);

/*
 * The ticket number of a "[#TKT-1234]" tag in subject (the first one), or
 * 0 when there is none.
 */
long long hd_mailin_subject_tag(const char *subject);

/*
 * The ticket UUID of our own stable thread root "ticket-<uuid>@domain",
 * written to uuid (37 bytes); 1 when id has that form, else 0.
 */
int hd_mailin_ticket_root(const char *id, char *uuid);

typedef struct {
    const char  *from;            /* sender address, may be NULL */
    const char  *auto_submitted;  /* header values, NULL when absent */
    const char  *precedence;
    const char  *list_id;
    const char  *x_autoreply;     /* X-Autoreply / X-Autorespond */
    const char  *ours;            /* our own addresses, comma separated */
} hd_mailin_loop_t;

/*
 * Whether an automatic reply to this mail is allowed: not when
 * Auto-Submitted is anything but "no", Precedence is bulk, junk or list,
 * there is a List-Id or an X-Autoreply, the sender is one of ours, a
 * mailer-daemon or a postmaster, or there is no sender.  Returns NULL when
 * allowed, else a static reason.
 */
const char *hd_mailin_autoreply_block(const hd_mailin_loop_t *m);

/*
 * The new text of a reply: text up to the first quote marker ("On … wrote:",
 * "-----Original Message-----", a "From:" line after a blank line, a
 * "________________" separator, or the first line quoted with '>'),
 * trailing blank lines dropped.  Returns the length to keep (a prefix of
 * text); the whole text when nothing would be left.
 */
size_t hd_mailin_trim_quote(const char *text, size_t len);

/*
 * Plain text of an HTML document: the content of script, style, head,
 * template and title elements and comments dropped, tags removed (block
 * elements and <br> become line breaks), character references decoded to
 * UTF-8, runs of blank lines folded.  Returns a malloc'd NUL-terminated
 * string and its length in *out_len, or NULL on allocation failure.
 */
char *hd_mailin_html_text(const char *html, size_t len, size_t *out_len);

#endif /* HD_MAILIN_H */
