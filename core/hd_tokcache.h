/*
 * hd_tokcache — what this process already knows about a bearer token.
 *
 * Verifying an RS256 signature costs tens of microseconds and resolving a
 * principal a plpgsql call; a bearer token is presented many times over
 * its lifetime, so both results are kept per process, keyed by the sha256
 * of the token's text:
 *
 *   claims     what hd_jwt_verify() said about an OIDC access token, valid
 *              until the token's exp (plus skew) and only with the key set
 *              it was verified against (the generation: a JWKS reload
 *              makes every entry a miss);
 *   principal  what auth_oidc() or auth_token() (a personal access token,
 *              kept until it expires) said, with the user's authz_version:
 *              the caller has the database confirm that version on every
 *              request (principal_fresh(), one primary-key probe, usually
 *              inside the request's own statement; revoking a token moves
 *              it too), so a deactivation, a role change or a revoked
 *              token is seen on the next request.
 *
 * The cache is direct-mapped with HD_TOKCACHE_SLOTS slots: a colliding
 * token evicts, and a miss only costs the full path.  It is process state
 * (one per nginx worker, used from the event loop only), allocated on
 * first use; nothing here does I/O or reads the clock.
 */

#ifndef HD_TOKCACHE_H
#define HD_TOKCACHE_H

#include <stdint.h>

#include "hd_api.h"
#include "hd_jwt.h"

#define HD_TOKCACHE_SLOTS  512          /* a power of two */
#define HD_TOKCACHE_KEY    32           /* sha256 */

/*
 * Seconds a personal access token's principal is kept: auth_token()
 * records the token's last use (to the minute) only on a full resolution,
 * so a token in steady use is resolved in full about twice a minute.
 */
#define HD_TOKCACHE_TOKEN_TTL  30

/*
 * The claims verified earlier for key with key set generation, when the
 * token is still within its lifetime at now; 1: *claims is filled.
 */
int hd_tokcache_claims(const unsigned char *key, uint64_t generation,
    int64_t now, hd_jwt_claims_t *claims);

/*
 * Remembers claims for key (evicting the slot's occupant) until valid_until
 * (the token's exp plus the verifier's skew).
 */
void hd_tokcache_put_claims(const unsigned char *key, uint64_t generation,
    int64_t valid_until, const hd_jwt_claims_t *claims);

/*
 * The principal resolved earlier for key, copied into *me (teams_json and
 * team_ids strdup'ed; me's own are freed first); 1 when found.
 */
int hd_tokcache_principal(const unsigned char *key, int64_t now,
    hd_principal_t *me);

/* Keeps me for key (an OIDC token's), if key still holds its slot. */
void hd_tokcache_put_principal(const unsigned char *key,
    const hd_principal_t *me);

/*
 * Keeps me for key (a personal access token's) until valid_until, evicting
 * the slot's occupant.
 */
void hd_tokcache_put_token(const unsigned char *key, int64_t valid_until,
    const hd_principal_t *me);

/* Forgets one token (its principal no longer stands). */
void hd_tokcache_forget(const unsigned char *key);

/* Frees everything (process exit). */
void hd_tokcache_free(void);

#endif /* HD_TOKCACHE_H */
