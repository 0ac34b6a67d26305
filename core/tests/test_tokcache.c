#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "hd_tests.h"
#include "hd_tokcache.h"


static void
key_of(unsigned char *key, unsigned char a, unsigned char b)
{
    memset(key, b, HD_TOKCACHE_KEY);
    key[0] = a;
}


static hd_jwt_claims_t *
claims_of(const char *sub)
{
    static hd_jwt_claims_t  c;

    memset(&c, 0, sizeof(c));
    strcpy(c.sub, sub);
    return &c;
}


START_TEST(tokcache_claims_hit_within_lifetime_and_generation)
{
    unsigned char    k[HD_TOKCACHE_KEY];
    hd_jwt_claims_t  c;

    key_of(k, 1, 1);
    ck_assert(!hd_tokcache_claims(k, 1, 100, &c));

    hd_tokcache_put_claims(k, 1, 200, claims_of("alice"));

    memset(&c, 0, sizeof(c));
    ck_assert(hd_tokcache_claims(k, 1, 199, &c));
    ck_assert_str_eq(c.sub, "alice");

    ck_assert(!hd_tokcache_claims(k, 1, 200, &c));     /* expired */
    ck_assert(!hd_tokcache_claims(k, 2, 150, &c));     /* keys reloaded */

    hd_tokcache_free();
}
END_TEST


START_TEST(tokcache_other_token_in_the_slot_is_a_miss_and_evicts)
{
    unsigned char    a[HD_TOKCACHE_KEY], b[HD_TOKCACHE_KEY];
    hd_jwt_claims_t  c;
    hd_principal_t   me = { .teams_json = NULL };

    key_of(a, 7, 1);
    key_of(b, 7, 3);        /* same slot (the low 9 bits), other token */

    hd_tokcache_put_claims(a, 1, 200, claims_of("alice"));
    hd_tokcache_put_principal(a, &(hd_principal_t) {
                                  .user_id = "u-a", .teams_json = "[1]" });

    ck_assert(!hd_tokcache_claims(b, 1, 100, &c));
    ck_assert(!hd_tokcache_principal(b, 100, &me));

    hd_tokcache_put_claims(b, 1, 200, claims_of("bob"));
    ck_assert(!hd_tokcache_claims(a, 1, 100, &c));
    ck_assert(!hd_tokcache_principal(a, 100, &me));
    ck_assert(!hd_tokcache_principal(b, 100, &me));    /* none yet */

    /* a principal for a token that lost its slot is not kept */

    hd_tokcache_put_principal(a, &(hd_principal_t) {
                                  .user_id = "u-a", .teams_json = "[1]" });
    ck_assert(!hd_tokcache_principal(b, 100, &me));
    ck_assert(hd_tokcache_claims(b, 1, 100, &c));
    ck_assert_str_eq(c.sub, "bob");

    hd_tokcache_free();
}
END_TEST


START_TEST(tokcache_principal_is_copied_and_forgotten)
{
    unsigned char    k[HD_TOKCACHE_KEY];
    char             teams[] = "[{\"id\":\"t\"}]";
    hd_principal_t   in, out;

    key_of(k, 9, 3);
    hd_tokcache_put_claims(k, 1, 200, claims_of("carol"));

    memset(&in, 0, sizeof(in));
    strcpy(in.user_id, "u-c");
    in.authz_version = 42;
    in.teams_json = teams;
    hd_tokcache_put_principal(k, &in);
    teams[1] = 'X';                 /* the cache holds its own copy */

    memset(&out, 0, sizeof(out));
    out.teams_json = strdup("old");  /* replaced, and freed */
    ck_assert(hd_tokcache_principal(k, 100, &out));
    ck_assert_str_eq(out.user_id, "u-c");
    ck_assert_int_eq(out.authz_version, 42);
    ck_assert_str_eq(out.teams_json, "[{\"id\":\"t\"}]");
    ck_assert_ptr_ne(out.teams_json, teams);
    ck_assert_str_eq(out.team_ids, "{}");
    free(out.teams_json);
    free(out.team_ids);
    out.teams_json = NULL;
    out.team_ids = NULL;

    hd_tokcache_forget(k);
    ck_assert(!hd_tokcache_principal(k, 100, &out));
    ck_assert(!hd_tokcache_claims(k, 1, 100, claims_of("x")));

    hd_tokcache_free();
}
END_TEST


START_TEST(tokcache_token_principal_lives_until_its_deadline)
{
    unsigned char    k[HD_TOKCACHE_KEY];
    hd_principal_t   in, out;
    hd_jwt_claims_t  c;

    key_of(k, 11, 5);

    memset(&in, 0, sizeof(in));
    strcpy(in.user_id, "u-d");
    strcpy(in.credential, "tok-1");
    in.teams_json = (char *) "[]";
    in.team_ids = (char *) "{a,b}";
    hd_tokcache_put_token(k, 130, &in);

    memset(&out, 0, sizeof(out));
    ck_assert(hd_tokcache_principal(k, 129, &out));
    ck_assert_str_eq(out.credential, "tok-1");
    ck_assert_str_eq(out.team_ids, "{a,b}");
    ck_assert_ptr_ne(out.team_ids, in.team_ids);
    free(out.teams_json);
    free(out.team_ids);
    memset(&out, 0, sizeof(out));

    ck_assert(!hd_tokcache_principal(k, 130, &out));   /* past it */

    /* a token's slot holds no claims an OIDC lookup could take */

    hd_tokcache_put_token(k, 200, &in);
    ck_assert(!hd_tokcache_claims(k, 0, 100, &c));
    ck_assert(!hd_tokcache_claims(k, 1, 100, &c));

    hd_tokcache_forget(k);
    ck_assert(!hd_tokcache_principal(k, 100, &out));

    hd_tokcache_free();
}
END_TEST


Suite *
hd_tokcache_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("tokcache");
    tc = tcase_create("tokcache");

    tcase_add_test(tc, tokcache_claims_hit_within_lifetime_and_generation);
    tcase_add_test(tc, tokcache_other_token_in_the_slot_is_a_miss_and_evicts);
    tcase_add_test(tc, tokcache_principal_is_copied_and_forgotten);
    tcase_add_test(tc, tokcache_token_principal_lives_until_its_deadline);
    suite_add_tcase(s, tc);

    return s;
}
