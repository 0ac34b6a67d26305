/*
 * hd_tokcache — the per-process cache of verified bearer tokens.
 */

#include <stdlib.h>
#include <string.h>

#include "hd_tokcache.h"


typedef struct {
    unsigned char    key[HD_TOKCACHE_KEY];
    uint64_t         generation;
    int64_t          valid_until;       /* 0: free slot */
    int              has_claims;        /* an OIDC token's */
    hd_jwt_claims_t  claims;
    int              has_principal;
    hd_principal_t   me;                /* its two strings malloc'd */
} hd_tokcache_slot_t;


static hd_tokcache_slot_t  *hd_tokcache;


static hd_tokcache_slot_t *
hd_tokcache_slot(const unsigned char *key)
{
    uint32_t  h;

    if (hd_tokcache == NULL) {
        hd_tokcache = calloc(HD_TOKCACHE_SLOTS, sizeof(hd_tokcache_slot_t));
        if (hd_tokcache == NULL) {
            return NULL;
        }
    }

    /* the key is a sha256: any four of its bytes are uniform */
    h = (uint32_t) key[0] | (uint32_t) key[1] << 8
        | (uint32_t) key[2] << 16 | (uint32_t) key[3] << 24;

    return &hd_tokcache[h & (HD_TOKCACHE_SLOTS - 1)];
}


static hd_tokcache_slot_t *
hd_tokcache_find(const unsigned char *key, int64_t now)
{
    hd_tokcache_slot_t  *s;

    if (hd_tokcache == NULL) {
        return NULL;
    }

    s = hd_tokcache_slot(key);

    if (s->valid_until == 0 || now >= s->valid_until
        || memcmp(s->key, key, HD_TOKCACHE_KEY) != 0)
    {
        return NULL;
    }

    return s;
}


static void
hd_tokcache_clear(hd_tokcache_slot_t *s)
{
    free(s->me.teams_json);
    free(s->me.team_ids);
    memset(s, 0, sizeof(hd_tokcache_slot_t));
}


/*
 * Copies src into *dst with strings of its own, freeing dst's old ones;
 * 0 (dst untouched) when out of memory.
 */
static int
hd_tokcache_copy(hd_principal_t *dst, const hd_principal_t *src)
{
    char  *teams, *ids;

    teams = strdup(src->teams_json != NULL ? src->teams_json : "[]");
    ids = strdup(src->team_ids != NULL ? src->team_ids : "{}");

    if (teams == NULL || ids == NULL) {
        free(teams);
        free(ids);
        return 0;
    }

    free(dst->teams_json);
    free(dst->team_ids);

    *dst = *src;
    dst->teams_json = teams;
    dst->team_ids = ids;

    return 1;
}


int
hd_tokcache_claims(const unsigned char *key, uint64_t generation,
    int64_t now, hd_jwt_claims_t *claims)
{
    hd_tokcache_slot_t  *s;

    s = hd_tokcache_find(key, now);
    if (s == NULL || !s->has_claims || s->generation != generation) {
        return 0;
    }

    *claims = s->claims;
    return 1;
}


void
hd_tokcache_put_claims(const unsigned char *key, uint64_t generation,
    int64_t valid_until, const hd_jwt_claims_t *claims)
{
    hd_tokcache_slot_t  *s;

    if (valid_until <= 0) {
        return;
    }

    s = hd_tokcache_slot(key);
    if (s == NULL) {
        return;
    }

    hd_tokcache_clear(s);

    memcpy(s->key, key, HD_TOKCACHE_KEY);
    s->generation = generation;
    s->valid_until = valid_until;
    s->has_claims = 1;
    s->claims = *claims;
}


int
hd_tokcache_principal(const unsigned char *key, int64_t now,
    hd_principal_t *me)
{
    hd_tokcache_slot_t  *s;

    s = hd_tokcache_find(key, now);
    if (s == NULL || !s->has_principal) {
        return 0;
    }

    return hd_tokcache_copy(me, &s->me);
}


void
hd_tokcache_put_principal(const unsigned char *key, const hd_principal_t *me)
{
    hd_tokcache_slot_t  *s;

    if (hd_tokcache == NULL || me->teams_json == NULL) {
        return;
    }

    s = hd_tokcache_slot(key);

    if (s->valid_until == 0 || memcmp(s->key, key, HD_TOKCACHE_KEY) != 0) {
        return;
    }

    if (hd_tokcache_copy(&s->me, me)) {
        s->has_principal = 1;
    }
}


void
hd_tokcache_put_token(const unsigned char *key, int64_t valid_until,
    const hd_principal_t *me)
{
    hd_tokcache_slot_t  *s;

    if (valid_until <= 0 || me->teams_json == NULL) {
        return;
    }

    s = hd_tokcache_slot(key);
    if (s == NULL) {
        return;
    }

    hd_tokcache_clear(s);

    if (!hd_tokcache_copy(&s->me, me)) {
        return;
    }

    memcpy(s->key, key, HD_TOKCACHE_KEY);
    s->valid_until = valid_until;
    s->has_principal = 1;
}


void
hd_tokcache_forget(const unsigned char *key)
{
    hd_tokcache_slot_t  *s;

    if (hd_tokcache == NULL) {
        return;
    }

    s = hd_tokcache_slot(key);

    if (memcmp(s->key, key, HD_TOKCACHE_KEY) == 0) {
        hd_tokcache_clear(s);
    }
}


void
hd_tokcache_free(void)
{
    size_t  i;

    if (hd_tokcache == NULL) {
        return;
    }

    for (i = 0; i < HD_TOKCACHE_SLOTS; i++) {
        free(hd_tokcache[i].me.teams_json);
        free(hd_tokcache[i].me.team_ids);
    }

    free(hd_tokcache);
    hd_tokcache = NULL;
}
