/*
 * hd_tmpl — placeholders in text: "Hi {{ requester.first_name }}, your
 * ticket {{ticket.number}} …".
 *
 * A placeholder is "{{", optional spaces or tabs, a name, optional spaces
 * or tabs, "}}".  A name is one or more dot-separated parts of ASCII
 * letters, digits and "_", each starting with a letter or "_"
 * ("ticket.number"), at most HD_TMPL_NAME_MAX bytes.  There is no other
 * syntax: no escapes, conditions or loops.
 *
 * What a name stands for is the caller's: a lookup function answers a
 * name with its value, or NULL when it does not know the name.  So saved
 * replies and, later, email templates share the parser and each bring
 * their own vocabulary; hd_tmpl_vars_lookup() serves a plain table.
 *
 * hd_tmpl_check() validates a template once (at save time) and lists what
 * is wrong with it; hd_tmpl_render() substitutes values.  Both run in time
 * linear in the template, and rendering stops at a size the caller gives:
 * a value is copied into the output as it is (escaped), never scanned for
 * placeholders itself.  No I/O, no globals.
 */

#ifndef HD_TMPL_H
#define HD_TMPL_H

#include <stddef.h>


#define HD_TMPL_NAME_MAX  64


/*
 * Answers a placeholder's name (len bytes, not NUL-terminated) with its
 * value (NUL-terminated UTF-8, which must stay valid until the call that
 * asked returns), or NULL when the name is not one the caller knows.
 */
typedef const char *(*hd_tmpl_lookup_pt)(void *data, const char *name,
    size_t len);


/* A name and its value, for hd_tmpl_vars_lookup(). */
typedef struct {
    const char  *name;
    const char  *value;
} hd_tmpl_var_t;

/*
 * A lookup over data, an array of hd_tmpl_var_t ended by one whose name is
 * NULL.  A variable with a NULL value is unknown.
 */
const char *hd_tmpl_vars_lookup(void *data, const char *name, size_t len);


typedef enum {
    HD_TMPL_UNKNOWN = 1,        /* a well-formed name the lookup does not
                                   know */
    HD_TMPL_MALFORMED,          /* "{{" … "}}" around no name: "{{}}",
                                   "{{ a b }}", a name too long */
    HD_TMPL_UNTERMINATED        /* "{{" with no "}}" after it */
} hd_tmpl_issue_kind_t;

typedef struct {
    hd_tmpl_issue_kind_t  kind;
    size_t                offset;       /* of the "{{", in bytes */
    char                  name[HD_TMPL_NAME_MAX + 1];
                                        /* HD_TMPL_UNKNOWN: the name,
                                           else "" */
} hd_tmpl_issue_t;

/*
 * Checks the len bytes of tmpl against the names lookup knows.  Stores the
 * first max issues, in the order they occur, in issues (which may be NULL
 * when max is 0) and returns how many there are in all: 0 means every
 * "{{" starts a placeholder whose name lookup knows.  After an
 * unterminated "{{" nothing more is looked at (there is no "}}" left).
 */
size_t hd_tmpl_check(const char *tmpl, size_t len, hd_tmpl_lookup_pt lookup,
    void *data, hd_tmpl_issue_t *issues, size_t max);


typedef enum {
    HD_TMPL_ESCAPE_NONE = 0,    /* values as they are (Markdown, text) */
    HD_TMPL_ESCAPE_HTML         /* & < > " ' in values as entities */
} hd_tmpl_escape_t;

typedef enum {
    HD_TMPL_OK = 0,
    HD_TMPL_TOO_BIG,            /* the output would pass max bytes */
    HD_TMPL_NO_MEMORY
} hd_tmpl_rc_t;

/*
 * Renders the len bytes of tmpl: each placeholder whose name lookup knows
 * becomes its value, escaped as escape says; everything else — the text
 * around placeholders, unknown names, malformed or unterminated ones — is
 * copied as it is (the template's own text is trusted: HTML escaping
 * applies to values only).  On HD_TMPL_OK *out is the malloc'd,
 * NUL-terminated result (the caller frees it) of *out_len bytes, at most
 * max; otherwise *out is NULL.
 */
hd_tmpl_rc_t hd_tmpl_render(const char *tmpl, size_t len,
    hd_tmpl_lookup_pt lookup, void *data, hd_tmpl_escape_t escape,
    size_t max, char **out, size_t *out_len);

#endif /* HD_TMPL_H */
