#include <string.h>

#include <check.h>

#include "hd_attach.h"
#include "hd_tests.h"


static const char *
name_of(const char *in)
{
    static char  out[HD_ATTACH_NAME_MAX + 1];

    hd_attach_filename(in, strlen(in), out);
    return out;
}


START_TEST(attach_filename_keeps_only_a_safe_last_component)
{
    char    long_name[600], out[HD_ATTACH_NAME_MAX + 1];
    size_t  i, n;

    ck_assert_str_eq(name_of("report.pdf"), "report.pdf");
    ck_assert_str_eq(name_of("../../etc/passwd"), "passwd");
    ck_assert_str_eq(name_of("C:\\Users\\me\\notes.txt"), "notes.txt");
    ck_assert_str_eq(name_of(".htaccess"), "htaccess");
    ck_assert_str_eq(name_of("  ..hidden. . "), "hidden");
    ck_assert_str_eq(name_of("a\"b\r\nc\x7f.txt"), "a_b__c_.txt");
    ck_assert_str_eq(name_of("r\xc3\xa9sum\xc3\xa9.doc"), "r\xc3\xa9sum\xc3\xa9.doc");
    ck_assert_str_eq(name_of("bad\xff\xfe.bin"), "bad__.bin");
    ck_assert_str_eq(name_of("over\xc0\xaf.txt"), "over__.txt");  /* overlong */
    ck_assert_str_eq(name_of("invoice\xe2\x80\xae" "fdp.exe"), "invoice_fdp.exe");
    ck_assert_str_eq(name_of("a\xe2\x81\xa6" "b\xef\xbb\xbf" ".txt"), "a_b_.txt");
    ck_assert_str_eq(name_of("\xe2\x82\xac.txt"), "\xe2\x82\xac.txt");
    ck_assert_str_eq(name_of(""), "attachment");
    ck_assert_str_eq(name_of("dir/"), "attachment");
    ck_assert_str_eq(name_of("..."), "attachment");

    /* cut at 255 bytes, never inside a character */

    for (i = 0; i + 2 <= 598; i += 2) {
        long_name[i] = '\xc3';
        long_name[i + 1] = '\xa9';
    }
    long_name[i] = '\0';

    n = hd_attach_filename(long_name, strlen(long_name), out);
    ck_assert_uint_eq(n, 254);
    ck_assert_uint_eq(strlen(out), 254);
    ck_assert(memcmp(out + 252, "\xc3\xa9", 2) == 0);
}
END_TEST


START_TEST(attach_sniff_judges_by_content_only)
{
    ck_assert_str_eq(hd_attach_sniff((const unsigned char *)
                                     "\x89PNG\r\n\x1a\n....", 12),
                     "image/png");
    ck_assert_str_eq(hd_attach_sniff((const unsigned char *) "\xff\xd8\xff\xe0",
                                     4), "image/jpeg");
    ck_assert_str_eq(hd_attach_sniff((const unsigned char *) "GIF89a..", 8),
                     "image/gif");
    ck_assert_str_eq(hd_attach_sniff((const unsigned char *)
                                     "RIFF\x10\0\0\0WEBPVP8 ", 16),
                     "image/webp");
    ck_assert_str_eq(hd_attach_sniff((const unsigned char *)
                                     "RIFF\x10\0\0\0WAVEfmt ", 16),
                     "application/octet-stream");
    ck_assert_str_eq(hd_attach_sniff((const unsigned char *) "%PDF-1.7", 8),
                     "application/pdf");
    ck_assert_str_eq(hd_attach_sniff((const unsigned char *) "PK\x03\x04..", 6),
                     "application/zip");

    /* HTML is text: it is served as text/plain, never as HTML */

    ck_assert_str_eq(hd_attach_sniff((const unsigned char *)
                                     "<html><script>alert(1)</script>", 31),
                     "text/plain");
    ck_assert_str_eq(hd_attach_sniff((const unsigned char *)
                                     "caf\xc3\xa9\n", 6), "text/plain");
    ck_assert_str_eq(hd_attach_sniff((const unsigned char *) "a\0b", 3),
                     "application/octet-stream");
    ck_assert_str_eq(hd_attach_sniff((const unsigned char *) "\xff\xfe", 2),
                     "application/octet-stream");
    ck_assert_str_eq(hd_attach_sniff((const unsigned char *) "", 0),
                     "application/octet-stream");
}
END_TEST


START_TEST(attach_disposition_is_rfc6266_with_filename_star)
{
    char  out[3 * HD_ATTACH_NAME_MAX + 64];

    ck_assert_uint_gt(hd_attach_disposition("report.pdf", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "attachment; filename=\"report.pdf\"; "
                          "filename*=UTF-8''report.pdf");

    ck_assert_uint_gt(hd_attach_disposition("r\xc3\xa9sum\xc3\xa9 \"1\" 100%.pdf",
                                            out, sizeof(out)), 0);
    ck_assert_str_eq(out, "attachment; filename=\"r_sum_ _1_ 100_.pdf\"; "
                          "filename*=UTF-8''r%C3%A9sum%C3%A9%20%221%22%20"
                          "100%25.pdf");

    ck_assert_uint_eq(hd_attach_disposition("x.pdf", out, 20), 0);
}
END_TEST


START_TEST(attach_key_spreads_over_two_levels)
{
    char  key[HD_ATTACH_KEY_LEN + 1];

    ck_assert(hd_attach_key("fa560953df3885e66d1b794c8701dd8ead6c78af3830a1320"
                            "ada1a4347f3d118", key, sizeof(key)));
    ck_assert_str_eq(key, "fa/56/fa560953df3885e66d1b794c8701dd8ead6c78af383"
                          "0a1320ada1a4347f3d118");
    ck_assert(!hd_attach_key("../../etc/passwd", key, sizeof(key)));
    ck_assert(!hd_attach_key("FA560953DF3885E66D1B794C8701DD8EAD6C78AF3830A1320"
                             "ADA1A4347F3D118", key, sizeof(key)));
}
END_TEST


Suite *
hd_attach_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("attach");
    tc = tcase_create("attach");

    tcase_add_test(tc, attach_filename_keeps_only_a_safe_last_component);
    tcase_add_test(tc, attach_sniff_judges_by_content_only);
    tcase_add_test(tc, attach_disposition_is_rfc6266_with_filename_star);
    tcase_add_test(tc, attach_key_spreads_over_two_levels);
    suite_add_tcase(s, tc);

    return s;
}
