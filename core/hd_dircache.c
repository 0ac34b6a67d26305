/*
 * hd_dircache: open addressing with linear probing on the uuid's text;
 * entries are never removed one by one (the whole table is emptied), so
 * probing needs no tombstones.
 */

#include <stdlib.h>
#include <string.h>

#include "hd_dircache.h"


#define HD_DIRCACHE_ID_LEN  36          /* a uuid's text */

typedef struct {
    char       id[HD_DIRCACHE_ID_LEN];  /* unused slot: id[0] == '\0' */
    char      *json;                    /* NUL-terminated, or NULL */
    long long  authz_version;           /* a principal that stood, or -1 */
} hd_dircache_slot_t;

static hd_dircache_slot_t  *hd_dircache_slots;
static size_t               hd_dircache_n;
static long long            hd_dircache_gen = -1;


static size_t
hd_dircache_hash(const char *id)
{
    size_t  i, h;

    /* FNV-1a */

    h = 2166136261u;

    for (i = 0; i < HD_DIRCACHE_ID_LEN; i++) {
        h = (h ^ (unsigned char) id[i]) * 16777619u;
    }

    return h & (HD_DIRCACHE_SLOTS - 1);
}


static int
hd_dircache_id_ok(const char *id)
{
    return id != NULL && strlen(id) == HD_DIRCACHE_ID_LEN;
}


static void
hd_dircache_empty(void)
{
    size_t  i;

    if (hd_dircache_slots == NULL) {
        return;
    }

    for (i = 0; i < HD_DIRCACHE_SLOTS; i++) {
        if (hd_dircache_slots[i].id[0] != '\0') {
            free(hd_dircache_slots[i].json);
            hd_dircache_slots[i].json = NULL;
            hd_dircache_slots[i].authz_version = -1;
            hd_dircache_slots[i].id[0] = '\0';
        }
    }

    hd_dircache_n = 0;
}


void
hd_dircache_at(long long gen)
{
    if (gen != hd_dircache_gen) {
        hd_dircache_empty();
        hd_dircache_gen = gen;
    }
}


/* The slot holding id, or the free slot where it would go. */
static hd_dircache_slot_t *
hd_dircache_find(const char *id)
{
    size_t               i;
    hd_dircache_slot_t  *s;

    for (i = hd_dircache_hash(id); ; i = (i + 1) & (HD_DIRCACHE_SLOTS - 1)) {
        s = &hd_dircache_slots[i];

        if (s->id[0] == '\0'
            || memcmp(s->id, id, HD_DIRCACHE_ID_LEN) == 0)
        {
            return s;
        }
    }
}


const char *
hd_dircache_get(const char *id)
{
    hd_dircache_slot_t  *s;

    if (hd_dircache_slots == NULL || !hd_dircache_id_ok(id)) {
        return NULL;
    }

    s = hd_dircache_find(id);

    return s->id[0] != '\0' ? s->json : NULL;
}


/* The slot for id, taken if it was free (the table allocated and emptied
   when full first), or NULL when out of memory. */
static hd_dircache_slot_t *
hd_dircache_slot(const char *id)
{
    hd_dircache_slot_t  *s;

    if (hd_dircache_slots == NULL) {
        hd_dircache_slots = calloc(HD_DIRCACHE_SLOTS,
                                   sizeof(hd_dircache_slot_t));
        if (hd_dircache_slots == NULL) {
            return NULL;
        }
    }

    s = hd_dircache_find(id);

    if (s->id[0] != '\0') {
        return s;
    }

    if (hd_dircache_n == HD_DIRCACHE_MAX) {
        hd_dircache_empty();
        s = hd_dircache_find(id);
    }

    memcpy(s->id, id, HD_DIRCACHE_ID_LEN);
    s->json = NULL;
    s->authz_version = -1;
    hd_dircache_n++;

    return s;
}


void
hd_dircache_put(const char *id, const char *json, size_t len)
{
    char                *copy;
    hd_dircache_slot_t  *s;

    if (!hd_dircache_id_ok(id) || json == NULL) {
        return;
    }

    copy = malloc(len + 1);
    if (copy == NULL) {
        return;
    }

    memcpy(copy, json, len);
    copy[len] = '\0';

    s = hd_dircache_slot(id);
    if (s == NULL) {
        free(copy);
        return;
    }

    free(s->json);
    s->json = copy;
}


void
hd_dircache_principal_put(const char *user_id, long long authz_version)
{
    hd_dircache_slot_t  *s;

    if (!hd_dircache_id_ok(user_id) || authz_version < 0) {
        return;
    }

    s = hd_dircache_slot(user_id);
    if (s != NULL) {
        s->authz_version = authz_version;
    }
}


int
hd_dircache_principal_ok(const char *user_id, long long authz_version)
{
    hd_dircache_slot_t  *s;

    if (hd_dircache_slots == NULL || !hd_dircache_id_ok(user_id)
        || authz_version < 0)
    {
        return 0;
    }

    s = hd_dircache_find(user_id);

    return s->id[0] != '\0' && s->authz_version == authz_version;
}


size_t
hd_dircache_count(void)
{
    return hd_dircache_n;
}


void
hd_dircache_free(void)
{
    hd_dircache_empty();
    free(hd_dircache_slots);
    hd_dircache_slots = NULL;
    hd_dircache_gen = -1;
}
