/*
 * hd_mail — outgoing mail as RFC 5322 text, and the ids that thread it.
 *
 * hd_mail_compose() turns a filled-in hd_mail_t into the bytes handed to
 * SMTP: Date, From, To, Reply-To, Subject, Message-ID, In-Reply-To,
 * References, Auto-Submitted, MIME-Version and a multipart/alternative
 * body (text/plain, then text/html), each part UTF-8 in quoted-printable,
 * lines ending in CRLF.
 *
 * No header can be injected: control characters (CR and LF included) in a
 * subject or display name become spaces before anything is written; a
 * subject or name that is not plain printable ASCII is written as RFC 2047
 * encoded-words; addresses and message ids that are not well formed are
 * refused, never repaired.
 *
 * Threading: every message about a ticket carries the ticket's thread root
 * (hd_mail_thread_root(): "<ticket-UUID@domain>") as the first References
 * entry, so a reply to any of them names the ticket, and mail clients put
 * them all in one conversation.
 *
 * No I/O, no clock, no randomness: the date and the MIME boundary are the
 * caller's.
 */

#ifndef HD_MAIL_H
#define HD_MAIL_H

#include <stddef.h>


/* Room for a message id or a thread root, NUL included. */
#define HD_MAIL_ID_MAX  256

typedef struct {
    const char  *from_name;       /* display name (UTF-8) or NULL */
    const char  *from_addr;       /* local@domain */
    const char  *to_name;         /* display name (UTF-8) or NULL */
    const char  *to_addr;
    const char  *reply_to;        /* an address, or NULL */
    const char  *subject;         /* UTF-8 */
    const char  *message_id;      /* "<…>" */
    const char  *in_reply_to;     /* "<…>", or NULL */
    const char  *references;      /* "<a> <b> …", or NULL */
    const char  *auto_submitted;  /* "auto-replied", "auto-generated" or
                                     NULL (no header) */
    const char  *text;            /* the text/plain body, UTF-8 */
    const char  *html;            /* the text/html body, or NULL for a
                                     text-only message */
    long long    date;            /* seconds since 1970, shown in UTC */
    const char  *boundary;        /* the caller's random token, 8 to 60
                                     of [A-Za-z0-9] */
} hd_mail_t;

typedef enum {
    HD_MAIL_OK = 0,
    HD_MAIL_BAD_ADDRESS,          /* from_addr, to_addr or reply_to */
    HD_MAIL_BAD_ID,               /* message_id, in_reply_to, references */
    HD_MAIL_BAD_ARGUMENT,         /* a missing field, a bad boundary */
    HD_MAIL_NO_MEMORY
} hd_mail_rc_t;

/*
 * Composes m.  On HD_MAIL_OK *out is the malloc'd, NUL-terminated message
 * (the caller frees it) of *len bytes; otherwise *out is NULL.
 */
hd_mail_rc_t hd_mail_compose(const hd_mail_t *m, char **out, size_t *len);

/* A short English name for rc, for log lines. */
const char *hd_mail_strerror(hd_mail_rc_t rc);

/*
 * 1 when addr is a plain addr-spec we are willing to write into a header:
 * one "@", a non-empty local part of printable ASCII without space,
 * quotes, "<>()[],;:\" and a dotted domain of letters, digits, "-".
 * At most 254 bytes.
 */
int hd_mail_addr_valid(const char *addr);

/* The domain of a valid address (what follows its "@"), else NULL. */
const char *hd_mail_addr_domain(const char *addr);

/*
 * 1 when id is one "<…>" message id: 3 to 250 bytes of printable ASCII
 * without space, "<" or ">" inside, with one "@".
 */
int hd_mail_id_valid(const char *id);

/*
 * Writes "<ticket-TICKET@DOMAIN>" into buf: the thread root of a ticket
 * (ticket: its UUID).  Returns 0, or -1 when it does not fit or is not a
 * valid message id.
 */
int hd_mail_thread_root(char *buf, size_t len, const char *ticket,
    const char *domain);

/*
 * Writes "<hd.UNIQUE@DOMAIN>" into buf (unique: the caller's random token
 * of [A-Za-z0-9._-]).  Returns 0, or -1 as hd_mail_thread_root().
 */
int hd_mail_message_id(char *buf, size_t len, const char *unique,
    const char *domain);

#endif /* HD_MAIL_H */
