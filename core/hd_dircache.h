/*
 * hd_dircache — the people and teams ticket documents show, per process.
 *
 * A ticket's document carries its requester, assignee and team as JSON
 * objects ({"id", "display_name", "email"}; {"id", "name"}).  Reading them
 * with the ticket cost the database a plan node each on every GET
 * (migrations/0026_ticket_get_without_lookups.sql); they change rarely, so
 * each process keeps them, by id, as the database rendered them.
 *
 * Every entry is valid at one generation of the directory
 * (directory_gen.gen, which a rename moves in its own transaction).  The
 * caller names the generation its statement saw before using the cache
 * (hd_dircache_at()): another generation empties it.  Entries are put only
 * from a statement that read them together with that generation, so an
 * entry used at generation g shows the names as they were at g.
 *
 * Beside them it keeps principals (a user id and the authz_version a
 * credential was resolved at) that a confirming statement found standing
 * at the generation it read: the generation also moves with every change
 * of a user's active flag or authz_version
 * (migrations/0027_ticket_get_confirms_by_generation.sql), so a later
 * statement that sees the same generation sees the same principal.
 *
 * The table holds at most HD_DIRCACHE_MAX entries; putting one more empties
 * it first (a bound, not an LRU: the misses then cost one full read each).
 * It is process state (one per nginx worker, used from the event loop
 * only), allocated on first use.
 */

#ifndef HD_DIRCACHE_H
#define HD_DIRCACHE_H

#include <stddef.h>

#define HD_DIRCACHE_SLOTS  32768        /* a power of two */
#define HD_DIRCACHE_MAX    (HD_DIRCACHE_SLOTS / 4 * 3)

/*
 * The statement about to use or fill the cache saw generation gen: an
 * entry of another generation is dropped.
 */
void hd_dircache_at(long long gen);

/* The JSON object kept for id (a uuid's text), or NULL. */
const char *hd_dircache_get(const char *id);

/*
 * Keeps json (len bytes, copied) for id at the current generation.  Ids
 * that are not a uuid's 36 characters are not kept.
 */
void hd_dircache_put(const char *id, const char *json, size_t len);

/*
 * Keeps that the principal (user_id, authz_version) stood at the current
 * generation (a statement that read the generation confirmed it).
 */
void hd_dircache_principal_put(const char *user_id, long long authz_version);

/* Whether hd_dircache_principal_put() kept it at the current generation. */
int hd_dircache_principal_ok(const char *user_id, long long authz_version);

/* How many entries are kept (tests). */
size_t hd_dircache_count(void);

/* Frees everything (process exit, tests). */
void hd_dircache_free(void);

#endif /* HD_DIRCACHE_H */
