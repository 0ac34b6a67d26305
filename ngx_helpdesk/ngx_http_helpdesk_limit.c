/*
 * Login rate limiting in shared memory, across all workers.
 *
 * Sign-in attempts are counted per account (the e-mail as typed, lower-case)
 * and per client address in fixed windows.  An attempt is counted when it
 * is let through, under the same lock as the check, so guesses already in
 * flight cannot add up past the limit; once a key reaches its limit,
 * further attempts are refused with 429 until its window ends, before any
 * password is looked at.  A successful sign-in clears its account's count.
 * The table is a fixed array searched by hash with linear probing; when it
 * is full, the oldest window is recycled, so memory never grows.
 */

#include "ngx_http_helpdesk.h"


#define NGX_HTTP_HELPDESK_LIMIT_SLOTS  8192
#define NGX_HTTP_HELPDESK_LIMIT_PROBE  16


typedef struct {
    uint64_t    hash;           /* 0: free */
    time_t      window_start;
    uint32_t    failures;
} ngx_http_helpdesk_limit_slot_t;

typedef struct {
    ngx_http_helpdesk_limit_slot_t  slots[NGX_HTTP_HELPDESK_LIMIT_SLOTS];
} ngx_http_helpdesk_limit_sh_t;




ngx_int_t
ngx_http_helpdesk_limit_add_zone(ngx_conf_t *cf,
    ngx_http_helpdesk_main_conf_t *hmcf)
{
    hmcf->limit_zone = ngx_http_helpdesk_shm_add(cf, "helpdesk_login_limit",
                           sizeof(ngx_http_helpdesk_limit_sh_t));

    return hmcf->limit_zone ? NGX_OK : NGX_ERROR;
}


/* FNV-1a over a tag and a key; never 0. */
static uint64_t
ngx_http_helpdesk_limit_hash(char tag, const char *key)
{
    uint64_t  h;

    h = 0xcbf29ce484222325ULL;
    h = (h ^ (u_char) tag) * 0x100000001b3ULL;

    while (key != NULL && *key != '\0') {
        h = (h ^ (u_char) *key++) * 0x100000001b3ULL;
    }

    return h ? h : 1;
}


/*
 * The slot for hash: its own, or a free or stale one to take over (the
 * oldest window among the probed slots).  Called with the zone locked.
 */
static ngx_http_helpdesk_limit_slot_t *
ngx_http_helpdesk_limit_slot(ngx_http_helpdesk_limit_sh_t *sh, uint64_t hash,
    time_t now, time_t window, ngx_uint_t create)
{
    ngx_uint_t                       i, idx;
    ngx_http_helpdesk_limit_slot_t  *s, *victim;

    victim = NULL;

    for (i = 0; i < NGX_HTTP_HELPDESK_LIMIT_PROBE; i++) {
        idx = (hash + i) % NGX_HTTP_HELPDESK_LIMIT_SLOTS;
        s = &sh->slots[idx];

        if (s->hash == hash) {
            if (now - s->window_start >= window) {
                s->window_start = now;
                s->failures = 0;
            }
            return s;
        }

        if (victim == NULL || s->hash == 0
            || (victim->hash != 0 && s->window_start < victim->window_start))
        {
            victim = s;
        }
    }

    if (!create) {
        return NULL;
    }

    victim->hash = hash;
    victim->window_start = now;
    victim->failures = 0;

    return victim;
}


ngx_int_t
ngx_http_helpdesk_limit_check(ngx_http_helpdesk_main_conf_t *hmcf,
    const char *account, const char *ip, time_t *retry_after)
{
    time_t                           now, wait;
    ngx_slab_pool_t                 *shpool;
    ngx_http_helpdesk_limit_sh_t    *sh;
    ngx_http_helpdesk_limit_slot_t  *a, *n;

    now = ngx_time();
    shpool = (ngx_slab_pool_t *) hmcf->limit_zone->shm.addr;
    sh = hmcf->limit_zone->data;

    ngx_shmtx_lock(&shpool->mutex);

    a = ngx_http_helpdesk_limit_slot(sh,
            ngx_http_helpdesk_limit_hash('a', account), now,
            hmcf->login_window, 1);
    n = ngx_http_helpdesk_limit_slot(sh,
            ngx_http_helpdesk_limit_hash('i', ip), now,
            hmcf->login_window, 1);

    wait = 0;

    if (a->failures >= hmcf->login_account_limit) {
        wait = a->window_start + hmcf->login_window - now;
    }

    if (n->failures >= hmcf->login_ip_limit) {
        wait = ngx_max(wait, n->window_start + hmcf->login_window - now);
    }

    if (wait <= 0) {
        /* counted now; a success gives the account's count back */
        a->failures++;
        n->failures++;
    }

    ngx_shmtx_unlock(&shpool->mutex);

    if (wait <= 0) {
        return NGX_OK;
    }

    *retry_after = ngx_max(wait, 1);
    return NGX_BUSY;
}


/*
 * The outcome of an attempt let through: a success clears its account's
 * count (the address keeps it: it guards against spraying many accounts).
 */
void
ngx_http_helpdesk_limit_record(ngx_http_helpdesk_main_conf_t *hmcf,
    const char *account, const char *ip, ngx_uint_t failed)
{
    time_t                           now;
    ngx_slab_pool_t                 *shpool;
    ngx_http_helpdesk_limit_sh_t    *sh;
    ngx_http_helpdesk_limit_slot_t  *s;

    (void) ip;

    if (failed) {
        return;
    }

    now = ngx_time();
    shpool = (ngx_slab_pool_t *) hmcf->limit_zone->shm.addr;
    sh = hmcf->limit_zone->data;

    ngx_shmtx_lock(&shpool->mutex);

    s = ngx_http_helpdesk_limit_slot(sh,
            ngx_http_helpdesk_limit_hash('a', account), now,
            hmcf->login_window, 0);

    if (s != NULL) {
        s->failures = 0;
    }

    ngx_shmtx_unlock(&shpool->mutex);
}
