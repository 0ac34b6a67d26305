/*
 * hd_jwt — verification of OIDC access tokens (signed JWTs) against the
 * issuer's JWKS, with OpenSSL 3 and nothing else.
 *
 * Only RS256 and ES256 are accepted, and every key is pinned to one of them
 * when the JWKS is parsed: an RSA key verifies RS256 only, a P-256 key ES256
 * only.  The token header's "alg" must name the pinned algorithm of the key
 * its "kid" selects, so neither "none" nor an HS256 token keyed with a public
 * key can pass (the libjwt 1.10 trap in shared/NGINX-NOTES.md).
 *
 * Usage: parse the JWKS once per rotation with hd_jwks_parse(); the result
 * holds ready EVP_PKEYs and is read-only afterwards.  Call hd_jwt_verify()
 * per request with the current time; it does no I/O, reads no clock and
 * allocates only for the JSON of the one token.  Drop the old set with
 * hd_jwks_free() once nothing uses it.
 *
 * hd_jwt_verify() checks, in order: size and shape (three canonical
 * base64url segments), header (alg RS256/ES256, kid known, alg equal to the
 * key's, no "crit", typ absent or "JWT"/"at+jwt"), the signature, and only
 * then the claims: iss equal to the expected issuer, aud (string or array)
 * containing the expected audience, exp required, nbf and iat optional, all
 * with the given skew; no "nonce" or "at_hash" (those mark an ID token); a
 * non-empty sub.  A claim that appears twice, or a string holding an escaped
 * NUL ("\u0000", which would truncate it), makes the token malformed.
 *
 * OpenSSL's per-thread error queue is cleared after every failure here, so
 * callers that inspect it (nginx's SSL code) see nothing stale.
 */

#ifndef HD_JWT_H
#define HD_JWT_H

#include <stddef.h>
#include <stdint.h>

#define HD_JWT_TOKEN_MAX        16384   /* bytes of the compact token */
#define HD_JWT_DEFAULT_SKEW     60      /* seconds */

#define HD_JWT_SUB_MAX          255     /* longer: rejected */
#define HD_JWT_EMAIL_MAX        319     /* longer: rejected */
#define HD_JWT_NAME_MAX         255     /* longer: cut at a UTF-8 boundary */
#define HD_JWT_KID_MAX          127     /* longer: token or key rejected */
#define HD_JWT_ROLES_MAX        32      /* more: the rest dropped, counted */
#define HD_JWT_ROLE_MAX         64      /* longer: that role dropped, counted */

#define HD_JWKS_JSON_MAX        (1024 * 1024)
#define HD_JWKS_KEYS_MAX        64      /* more: the rest skipped */
#define HD_JWKS_RSA_MIN_BITS    2048
#define HD_JWKS_RSA_MAX_BITS    8192

typedef struct hd_jwks_s  hd_jwks_t;

typedef enum {
    HD_JWT_ALG_NONE = 0,        /* no usable algorithm; never accepted */
    HD_JWT_ALG_RS256,
    HD_JWT_ALG_ES256
} hd_jwt_alg_t;

/* Stable codes; hd_jwt_code_name() gives each a slug for logs and metrics. */
typedef enum {
    HD_JWT_OK = 0,
    HD_JWT_MALFORMED,           /* not three canonical segments of JSON */
    HD_JWT_TOO_LARGE,           /* over HD_JWT_TOKEN_MAX */
    HD_JWT_BAD_ALG,             /* alg not RS256/ES256, or not the key's */
    HD_JWT_BAD_TYPE,            /* typ neither JWT nor at+jwt; or crit */
    HD_JWT_UNKNOWN_KID,         /* kid absent or not in the JWKS */
    HD_JWT_BAD_SIGNATURE,
    HD_JWT_EXPIRED,             /* now >= exp + skew */
    HD_JWT_NOT_YET_VALID,       /* now < nbf - skew, or iat > now + skew */
    HD_JWT_BAD_ISSUER,
    HD_JWT_BAD_AUDIENCE,
    HD_JWT_ID_TOKEN,            /* has nonce or at_hash */
    HD_JWT_NO_SUBJECT,          /* sub absent, empty, not a string */
    HD_JWT_BAD_CLAIM,           /* no exp; a claim of wrong type, too long */
    HD_JWT_INTERNAL,            /* out of memory, or OpenSSL failed */
    HD_JWT_CODE_COUNT
} hd_jwt_code_t;

typedef struct {
    hd_jwt_code_t   code;
    const char     *message;    /* static text; never quotes the token */
} hd_jwt_error_t;

typedef struct {
    const char  *issuer;        /* compared byte for byte; required */
    const char  *audience;      /* required */

    /*
     * Where the roles are: a top-level claim name ("roles",
     * "https://example.com/roles"), or, when no claim has that exact name,
     * a dotted path through objects ("realm_access.roles").  The value may
     * be an array of strings or one string.  NULL or "": no roles.
     */
    const char  *roles_claim;

    int          skew_seconds;  /* HD_JWT_DEFAULT_SKEW; clamped to 0..86400 */
} hd_jwt_expect_t;

typedef enum {
    HD_JWT_ABSENT = 0,
    HD_JWT_TRUE,
    HD_JWT_FALSE
} hd_jwt_bool_t;

/*
 * What a verified token says.  Plain data with fixed buffers: nothing to
 * free, and safe to copy.  Strings are NUL-terminated valid UTF-8; an absent
 * claim is "".
 */
typedef struct {
    char            sub[HD_JWT_SUB_MAX + 1];
    char            email[HD_JWT_EMAIL_MAX + 1];
    hd_jwt_bool_t   email_verified;     /* bool, or "true"/"false" */
    char            name[HD_JWT_NAME_MAX + 1];  /* or preferred_username */
    char            roles[HD_JWT_ROLES_MAX][HD_JWT_ROLE_MAX + 1];
    unsigned        nroles;
    unsigned        roles_dropped;      /* over the caps, or not strings */
    int64_t         exp;
    char            kid[HD_JWT_KID_MAX + 1];
    hd_jwt_alg_t    alg;
} hd_jwt_claims_t;

/*
 * Parses a JWKS document of len bytes (no NUL needed).  Keys that cannot
 * serve are skipped, not fatal: kty other than RSA and EC, crv other than
 * P-256, "use" other than "sig", "key_ops" without "verify", an "alg" other
 * than the key type's pinned one, no "kid", a kid seen before for the same
 * algorithm, an RSA modulus outside 2048..8192 bits, a point not on the
 * curve.  Returns the set (hd_jwks_free() it), possibly with no keys; then
 * err holds why the first skipped key was skipped, or "" when none was.
 * Returns NULL when the document is not a JSON object with a "keys" array
 * or memory ran out, with the reason in err.  err may be NULL; errlen
 * counts the NUL.
 */
hd_jwks_t *hd_jwks_parse(const char *json, size_t len, char *err,
    size_t errlen);

/* Frees the set and its keys; NULL is fine. */
void hd_jwks_free(hd_jwks_t *keys);

/* Number of usable keys in the set; 0 for NULL. */
size_t hd_jwks_count(const hd_jwks_t *keys);

/* Number of keys the parser skipped; 0 for NULL. */
size_t hd_jwks_skipped(const hd_jwks_t *keys);

/*
 * Verifies the compact token (len bytes, no NUL needed, without "Bearer ")
 * against keys and expect at time now (Unix seconds).  expect and out are
 * required.  Returns HD_JWT_OK and fills *out, or another code with *out
 * zeroed; *err (may be NULL) gets the code and a short message either way.  keys NULL (no JWKS loaded yet)
 * rejects every token with HD_JWT_UNKNOWN_KID.  keys is only read, so one
 * set may serve concurrent callers.
 */
hd_jwt_code_t hd_jwt_verify(const hd_jwks_t *keys, const char *token,
    size_t len, const hd_jwt_expect_t *expect, int64_t now,
    hd_jwt_claims_t *out, hd_jwt_error_t *err);

/* A stable lower-case slug for code ("expired", "unknown_kid", ...). */
const char *hd_jwt_code_name(hd_jwt_code_t code);

#endif /* HD_JWT_H */
