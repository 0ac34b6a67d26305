/*
 * hd_secret: sealed credentials open with the same key and purpose only,
 * and not at all once altered.
 */

#define _GNU_SOURCE
#include <string.h>

#include <check.h>

#include "hd_secret.h"
#include "hd_tests.h"


static const unsigned char  key[HD_SECRET_KEY_LEN] = {
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32
};


START_TEST(round_trip)
{
    const char     *pw = "correct horse battery staple";
    unsigned char   box[128], box2[128];
    char            out[128];
    size_t          n, n2;

    n = hd_secret_seal(key, "mailbox", pw, strlen(pw), box);
    ck_assert_uint_eq(n, strlen(pw) + HD_SECRET_OVERHEAD);
    ck_assert_int_eq(memcmp(box, "hs1", 3), 0);
    ck_assert_ptr_null(memmem(box, n, pw, strlen(pw)));

    ck_assert_int_eq(hd_secret_open(key, "mailbox", box, n, out),
                     (long) strlen(pw));
    ck_assert_str_eq(out, pw);

    /* a fresh nonce each time: the same secret never seals the same */
    n2 = hd_secret_seal(key, "mailbox", pw, strlen(pw), box2);
    ck_assert_uint_eq(n2, n);
    ck_assert_int_ne(memcmp(box, box2, n), 0);

    /* the empty secret is a secret too */
    n = hd_secret_seal(key, "mailbox", "", 0, box);
    ck_assert_uint_eq(n, HD_SECRET_OVERHEAD);
    ck_assert_int_eq(hd_secret_open(key, "mailbox", box, n, out), 0);
    ck_assert_str_eq(out, "");
}
END_TEST


START_TEST(refuses)
{
    unsigned char   box[64], other[HD_SECRET_KEY_LEN];
    static char     big[HD_SECRET_MAX + 2];
    char            out[64];
    size_t          n, i;

    n = hd_secret_seal(key, "mailbox", "s3cret", 6, box);
    ck_assert_uint_gt(n, 0);

    /* every single altered byte: magic, nonce, ciphertext, tag */
    for (i = 0; i < n; i++) {
        box[i] ^= 0x01;
        ck_assert_int_eq(hd_secret_open(key, "mailbox", box, n, out), -1);
        box[i] ^= 0x01;
    }

    ck_assert_int_eq(hd_secret_open(key, "mailbox", box, n - 1, out), -1);
    ck_assert_int_eq(hd_secret_open(key, "mailbox", box, 10, out), -1);
    ck_assert_int_eq(hd_secret_open(key, "webhook", box, n, out), -1);

    memcpy(other, key, sizeof(other));
    other[31] ^= 0x80;
    ck_assert_int_eq(hd_secret_open(other, "mailbox", box, n, out), -1);

    ck_assert_int_eq(hd_secret_open(key, "mailbox", box, n, out), 6);
    ck_assert_str_eq(out, "s3cret");

    memset(big, 'x', sizeof(big) - 1);
    ck_assert_uint_eq(hd_secret_seal(key, "mailbox", big, HD_SECRET_MAX + 1,
                                     NULL), 0);
}
END_TEST


Suite *
hd_secret_suite(void)
{
    Suite  *s = suite_create("hd_secret");
    TCase  *tc = tcase_create("boxes");

    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, refuses);
    suite_add_tcase(s, tc);

    return s;
}
