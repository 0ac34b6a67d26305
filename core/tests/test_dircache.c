#include <stdio.h>
#include <string.h>

#include <check.h>

#include "hd_tests.h"
#include "hd_dircache.h"


/* The uuid text numbered n. */
static const char *
id_of(unsigned n)
{
    static char  id[37];

    snprintf(id, sizeof(id), "0190a000-0000-7000-8000-%012x", n);
    return id;
}


START_TEST(dircache_keeps_each_id_at_its_generation)
{
    hd_dircache_at(7);
    ck_assert_ptr_null(hd_dircache_get(id_of(1)));

    hd_dircache_put(id_of(1), "{\"name\" : \"Desk\"}xyz", 17);
    hd_dircache_put(id_of(2), "{\"name\" : \"Field\"}", 18);
    ck_assert_str_eq(hd_dircache_get(id_of(1)), "{\"name\" : \"Desk\"}");
    ck_assert_str_eq(hd_dircache_get(id_of(2)), "{\"name\" : \"Field\"}");
    ck_assert_uint_eq(hd_dircache_count(), 2);

    /* put again: replaced, not added */

    hd_dircache_put(id_of(1), "{\"name\" : \"Help\"}", 17);
    ck_assert_str_eq(hd_dircache_get(id_of(1)), "{\"name\" : \"Help\"}");
    ck_assert_uint_eq(hd_dircache_count(), 2);

    /* the same generation keeps everything; another drops it */

    hd_dircache_at(7);
    ck_assert_uint_eq(hd_dircache_count(), 2);
    hd_dircache_at(8);
    ck_assert_uint_eq(hd_dircache_count(), 0);
    ck_assert_ptr_null(hd_dircache_get(id_of(1)));
    ck_assert_ptr_null(hd_dircache_get(id_of(2)));

    hd_dircache_free();
}
END_TEST


START_TEST(dircache_vouches_for_a_principal_at_its_generation_only)
{
    char  user[37];

    snprintf(user, sizeof(user), "%s", id_of(5));

    hd_dircache_free();
    ck_assert(!hd_dircache_principal_ok(user, 3));

    hd_dircache_at(4);
    hd_dircache_principal_put(user, 3);
    ck_assert(hd_dircache_principal_ok(user, 3));
    ck_assert(!hd_dircache_principal_ok(user, 2));      /* another version */
    ck_assert(!hd_dircache_principal_ok(id_of(6), 3));  /* another user */
    ck_assert_ptr_null(hd_dircache_get(user));          /* no person kept */
    ck_assert_uint_eq(hd_dircache_count(), 1);

    /* the same id as a person: one entry, both kept */

    hd_dircache_put(user, "{\"id\" : 5}", 10);
    ck_assert_str_eq(hd_dircache_get(user), "{\"id\" : 5}");
    ck_assert(hd_dircache_principal_ok(user, 3));
    ck_assert_uint_eq(hd_dircache_count(), 1);

    /* a newer version replaces the older */

    hd_dircache_principal_put(user, 4);
    ck_assert(hd_dircache_principal_ok(user, 4));
    ck_assert(!hd_dircache_principal_ok(user, 3));

    /* another generation vouches for nothing */

    hd_dircache_at(5);
    ck_assert(!hd_dircache_principal_ok(user, 4));
    ck_assert_ptr_null(hd_dircache_get(user));

    /* nor for what is not a uuid, or no version */

    hd_dircache_principal_put("nope", 1);
    ck_assert(!hd_dircache_principal_ok("nope", 1));
    hd_dircache_principal_put(user, -1);
    ck_assert(!hd_dircache_principal_ok(user, -1));
    ck_assert(!hd_dircache_principal_ok(NULL, 1));

    hd_dircache_free();
}
END_TEST


START_TEST(dircache_ignores_what_is_not_a_uuid)
{
    hd_dircache_at(1);
    hd_dircache_put("", "{}", 2);
    hd_dircache_put("0190a000", "{}", 2);
    hd_dircache_put(NULL, "{}", 2);
    hd_dircache_put(id_of(3), NULL, 0);
    ck_assert_uint_eq(hd_dircache_count(), 0);
    ck_assert_ptr_null(hd_dircache_get(""));
    ck_assert_ptr_null(hd_dircache_get(NULL));

    hd_dircache_free();
}
END_TEST


START_TEST(dircache_empties_itself_when_full)
{
    unsigned  n;

    hd_dircache_at(1);

    for (n = 0; n < HD_DIRCACHE_MAX; n++) {
        hd_dircache_put(id_of(n), "{}", 2);
    }

    ck_assert_uint_eq(hd_dircache_count(), HD_DIRCACHE_MAX);
    ck_assert_str_eq(hd_dircache_get(id_of(0)), "{}");
    ck_assert_str_eq(hd_dircache_get(id_of(HD_DIRCACHE_MAX - 1)), "{}");

    /* one more: the table starts again with it alone */

    hd_dircache_put(id_of(HD_DIRCACHE_MAX), "{\"x\":1}", 7);
    ck_assert_uint_eq(hd_dircache_count(), 1);
    ck_assert_ptr_null(hd_dircache_get(id_of(0)));
    ck_assert_str_eq(hd_dircache_get(id_of(HD_DIRCACHE_MAX)), "{\"x\":1}");

    hd_dircache_free();
    ck_assert_uint_eq(hd_dircache_count(), 0);
}
END_TEST


Suite *
hd_dircache_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("dircache");
    tc = tcase_create("dircache");
    tcase_add_test(tc, dircache_keeps_each_id_at_its_generation);
    tcase_add_test(tc, dircache_vouches_for_a_principal_at_its_generation_only);
    tcase_add_test(tc, dircache_ignores_what_is_not_a_uuid);
    tcase_add_test(tc, dircache_empties_itself_when_full);
    suite_add_tcase(s, tc);

    return s;
}
