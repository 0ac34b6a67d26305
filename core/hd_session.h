/*
 * hd_session — the local session token carried in the session cookie, and
 * the CSRF token bound to it.
 *
 * A session token is "v1.<payload>.<mac>": payload is the base64url of
 * "<session id>|<user id>|<issued at>|<expires at>" and mac the base64url
 * HMAC-SHA256 of "v1.<payload>" under the instance's 32-byte key.  It is
 * short-lived (HD_SESSION_TOKEN_TTL) and re-issued while in use; whether
 * the session itself still stands (not revoked, user active) is asked of
 * the database on every request.  The CSRF token is the HMAC of the session
 * id, so the module can check the header without storing anything.
 */

#ifndef HD_SESSION_H
#define HD_SESSION_H

#include <stddef.h>
#include <stdint.h>

#define HD_SESSION_KEY_LEN     32
#define HD_SESSION_TOKEN_TTL   900         /* seconds */
#define HD_SESSION_TOKEN_MAX   256
#define HD_SESSION_CSRF_LEN    43          /* base64url of 32 bytes */
#define HD_UUID_LEN            36

typedef struct {
    char     sid[HD_UUID_LEN + 1];
    char     uid[HD_UUID_LEN + 1];
    int64_t  iat;
    int64_t  exp;
} hd_session_t;

typedef enum {
    HD_SESSION_OK = 0,
    HD_SESSION_INVALID,         /* malformed or bad MAC */
    HD_SESSION_EXPIRED
} hd_session_rc_t;

/* 1 when s is a canonical lower-case UUID text (8-4-4-4-12 hex). */
int hd_uuid_valid(const char *s, size_t len);

/*
 * Writes the token for s into out (HD_SESSION_TOKEN_MAX bytes, NUL
 * terminated).  Returns its length, or 0 when s's ids are not UUIDs.
 */
size_t hd_session_mint(const unsigned char key[HD_SESSION_KEY_LEN],
    const hd_session_t *s, char *out);

/*
 * Checks the token's shape and MAC (in constant time) and then its expiry
 * against now; fills *s on HD_SESSION_OK.
 */
hd_session_rc_t hd_session_verify(const unsigned char key[HD_SESSION_KEY_LEN],
    const char *token, size_t len, int64_t now, hd_session_t *s);

/* The CSRF token of session sid into out (HD_SESSION_CSRF_LEN + 1 bytes). */
void hd_session_csrf(const unsigned char key[HD_SESSION_KEY_LEN],
    const char *sid, char *out);

/* 1 when value (len bytes) equals sid's CSRF token; constant time. */
int hd_session_csrf_ok(const unsigned char key[HD_SESSION_KEY_LEN],
    const char *sid, const char *value, size_t len);

#endif /* HD_SESSION_H */
