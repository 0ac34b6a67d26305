#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "hd_mailin.h"
#include "hd_tests.h"


static const char  msg[] =
    "Received: from x\r\n"
    "Subject: =?UTF-8?Q?caf=C3=A9?= and\r\n"
    "\tmore [#TKT-1042]\r\n"
    "message-id:   <abc.123@example.com>  \r\n"
    "References: <r1@x> <r2@y>\r\n"
    " <r3@z>\r\n"
    "\r\n"
    "Message-ID: <body@not.a.header>\r\n";


START_TEST(mail_header_unfolds_and_stops_at_the_body)
{
    char    *v, id[HD_MAILIN_ID_MAX + 1];
    size_t   n;

    v = hd_mailin_header(msg, strlen(msg), "subject");
    ck_assert_str_eq(v, "=?UTF-8?Q?caf=C3=A9?= and more [#TKT-1042]");
    free(v);

    ck_assert_ptr_null(hd_mailin_header(msg, strlen(msg), "In-Reply-To"));
    ck_assert_uint_eq(hd_mailin_message_id(msg, strlen(msg), id), 19);
    ck_assert_str_eq(id, "abc.123@example.com");

    ck_assert_uint_eq(hd_mailin_message_id("Subject: x\n\nMessage-ID: <a@b>\n",
                                         30, id), 0);
    ck_assert_uint_eq(hd_mailin_message_id("Message-ID: <nope>\n\n", 20, id), 0);

    v = hd_mailin_header(msg, strlen(msg), "References");
    {
        char  *ids = hd_mailin_ids(v, &n);

        ck_assert_uint_eq(n, 3);
        ck_assert_str_eq(ids, "r1@x");
        ck_assert_str_eq(ids + 5, "r2@y");
        ck_assert_str_eq(ids + 10, "r3@z");
        free(ids);
    }
    free(v);
}
END_TEST


START_TEST(mail_subject_tag_and_ticket_root)
{
    char  uuid[37];

    ck_assert_int_eq(hd_mailin_subject_tag("Re: [#TKT-1042] printer"), 1042);
    ck_assert_int_eq(hd_mailin_subject_tag("[#tkt-7]"), 7);
    ck_assert_int_eq(hd_mailin_subject_tag("[#TKT-12 nope"), 0);
    ck_assert_int_eq(hd_mailin_subject_tag("TKT-12"), 0);
    ck_assert_int_eq(hd_mailin_subject_tag(NULL), 0);

    ck_assert_int_eq(hd_mailin_ticket_root(
        "ticket-0190A1B2-c3d4-7e5f-8a9b-0c1d2e3f4a5b@help.example", uuid), 1);
    ck_assert_str_eq(uuid, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
    ck_assert_int_eq(hd_mailin_ticket_root("ticket-123@x", uuid), 0);
}
END_TEST


START_TEST(mail_autoreply_is_blocked_for_machines_and_lists)
{
    hd_mailin_loop_t  m;

    memset(&m, 0, sizeof(m));
    m.from = "Ann <ann@example.com>";
    m.ours = "help@example.org, it@example.org";
    ck_assert_ptr_null(hd_mailin_autoreply_block(&m));

    m.auto_submitted = "No";
    ck_assert_ptr_null(hd_mailin_autoreply_block(&m));
    m.auto_submitted = "auto-replied";
    ck_assert_str_eq(hd_mailin_autoreply_block(&m), "Auto-Submitted");
    m.auto_submitted = NULL;

    m.precedence = "Bulk";
    ck_assert_str_eq(hd_mailin_autoreply_block(&m), "Precedence");
    m.precedence = NULL;

    m.list_id = "<it.lists.example.com>";
    ck_assert_str_eq(hd_mailin_autoreply_block(&m), "List-Id");
    m.list_id = NULL;

    m.from = "MAILER-DAEMON@mx.example.com";
    ck_assert_str_eq(hd_mailin_autoreply_block(&m), "system sender");
    m.from = "<postmaster@example.com>";
    ck_assert_str_eq(hd_mailin_autoreply_block(&m), "system sender");
    m.from = "Helpdesk <IT@example.org>";
    ck_assert_str_eq(hd_mailin_autoreply_block(&m), "our own address");
    m.from = NULL;
    ck_assert_str_eq(hd_mailin_autoreply_block(&m), "no sender");
}
END_TEST


START_TEST(mail_trim_quote_keeps_the_new_text)
{
    const char  *a = "Thanks, fixed.\n\nOn Mon, 1 Jan 2026, Bob wrote:\n> old\n";
    const char  *b = "Works now\r\n-----Original Message-----\r\nFrom: x\r\n";
    const char  *c = "> only a quote\n";
    const char  *d = "No quote here.\nSecond line.";

    ck_assert_uint_eq(hd_mailin_trim_quote(a, strlen(a)), 14);
    ck_assert_uint_eq(hd_mailin_trim_quote(b, strlen(b)), 9);
    ck_assert_uint_eq(hd_mailin_trim_quote(c, strlen(c)), strlen(c));
    ck_assert_uint_eq(hd_mailin_trim_quote(d, strlen(d)), strlen(d));
}
END_TEST


START_TEST(mail_html_text_drops_script_and_decodes)
{
    const char  *h = "<html><head><title>T</title><style>p{}</style></head>"
                     "<body><script>alert('x')</script><p>Hello&nbsp;"
                     "&amp; <b>world</b>&#33;</p><!-- <p>hidden</p> -->"
                     "<p>caf&#xe9;</p><SCRIPT type=x>evil()</SCRIPT></body>";
    char        *t;
    size_t       n;

    t = hd_mailin_html_text(h, strlen(h), &n);
    ck_assert_str_eq(t, "Hello & world!\n\ncaf\xc3\xa9");
    ck_assert_uint_eq(n, strlen(t));
    free(t);

    t = hd_mailin_html_text("<p>unterminated <scr", 20, &n);
    ck_assert_str_eq(t, "unterminated");
    free(t);
}
END_TEST


Suite *
hd_mailin_suite(void)
{
    Suite  *s = suite_create("mailin");
    TCase  *tc = tcase_create("mail");

    tcase_add_test(tc, mail_header_unfolds_and_stops_at_the_body);
    tcase_add_test(tc, mail_subject_tag_and_ticket_root);
    tcase_add_test(tc, mail_autoreply_is_blocked_for_machines_and_lists);
    tcase_add_test(tc, mail_trim_quote_keeps_the_new_text);
    tcase_add_test(tc, mail_html_text_drops_script_and_decodes);
    suite_add_tcase(s, tc);
    return s;
}
