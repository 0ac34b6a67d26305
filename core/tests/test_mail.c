#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "hd_mail.h"
#include "hd_notify.h"
#include "hd_tests.h"


static hd_mail_t
sample(void)
{
    hd_mail_t  m;

    memset(&m, 0, sizeof(m));
    m.from_name = "Acme IT";
    m.from_addr = "helpdesk@acme.test";
    m.to_name = "Ann Example";
    m.to_addr = "ann@acme.test";
    m.reply_to = "helpdesk@acme.test";
    m.subject = "[#TKT-42] Printer on fire";
    m.message_id = "<hd.abc123@acme.test>";
    m.in_reply_to = "<ticket-0192@acme.test>";
    m.references = "<ticket-0192@acme.test>";
    m.auto_submitted = "auto-generated";
    m.text = "Hello\nworld\n";
    m.html = "<p>Hello</p>";
    m.date = 1795772400;            /* 2026-11-27 09:40:00 UTC, a Friday */
    m.boundary = "B0undary1234";

    return m;
}


static char *
compose(const hd_mail_t *m)
{
    char    *out;
    size_t   len;

    ck_assert_int_eq(hd_mail_compose(m, &out, &len), HD_MAIL_OK);
    ck_assert_uint_eq(strlen(out), len);

    return out;
}


/* The header section (up to the first empty line), NUL-terminated. */
static char *
headers_of(char *msg)
{
    char  *end = strstr(msg, "\r\n\r\n");

    ck_assert_ptr_nonnull(end);
    end[2] = '\0';

    return msg;
}


/* 1 when some line of the header section starts with name ":". */
static int
has_header(const char *h, const char *name)
{
    size_t       n = strlen(name);
    const char  *p = h;

    while (p != NULL && *p != '\0') {
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            return 1;
        }

        p = strstr(p, "\r\n");
        p = p ? p + 2 : NULL;
    }

    return 0;
}


/* Every line ends in CRLF, no bare CR or LF, none longer than max. */
static void
ck_lines(const char *s, size_t max)
{
    size_t  col = 0;

    for ( ; *s != '\0'; s++) {
        if (*s == '\r') {
            ck_assert_int_eq(s[1], '\n');
            s++;
            col = 0;
            continue;
        }

        ck_assert_int_ne(*s, '\n');
        col++;
        ck_assert_uint_le(col, max);
    }
}


START_TEST(compose_writes_every_header)
{
    hd_mail_t   m = sample();
    char       *msg = compose(&m), *h;

    ck_lines(msg, 998);
    h = headers_of(msg);
    ck_assert_ptr_nonnull(strstr(h, "Date: Fri, 27 Nov 2026 09:40:00 +0000\r\n"));
    ck_assert_ptr_nonnull(strstr(h, "From: \"Acme IT\" <helpdesk@acme.test>\r\n"));
    ck_assert_ptr_nonnull(strstr(h, "To: \"Ann Example\" <ann@acme.test>\r\n"));
    ck_assert_ptr_nonnull(strstr(h, "Reply-To: <helpdesk@acme.test>\r\n"));
    ck_assert_ptr_nonnull(strstr(h, "Subject: [#TKT-42] Printer on fire\r\n"));
    ck_assert_ptr_nonnull(strstr(h, "Message-ID: <hd.abc123@acme.test>\r\n"));
    ck_assert_ptr_nonnull(strstr(h, "In-Reply-To: <ticket-0192@acme.test>\r\n"));
    ck_assert_ptr_nonnull(strstr(h, "References: <ticket-0192@acme.test>\r\n"));
    ck_assert_ptr_nonnull(strstr(h, "Auto-Submitted: auto-generated\r\n"));
    ck_assert_ptr_nonnull(strstr(h, "MIME-Version: 1.0\r\n"));
    ck_assert_ptr_nonnull(strstr(h, "multipart/alternative; boundary=\"=_hd_B0undary1234\""));
    free(msg);
}
END_TEST


START_TEST(compose_alternative_parts_text_then_html)
{
    hd_mail_t    m = sample();
    char        *msg = compose(&m);
    const char  *text, *html, *end;

    text = strstr(msg, "--=_hd_B0undary1234\r\nContent-Type: text/plain; charset=utf-8\r\n"
                       "Content-Transfer-Encoding: quoted-printable\r\n\r\nHello\r\nworld\r\n");
    html = strstr(msg, "--=_hd_B0undary1234\r\nContent-Type: text/html; charset=utf-8\r\n"
                       "Content-Transfer-Encoding: quoted-printable\r\n\r\n<p>Hello</p>\r\n");
    end = strstr(msg, "--=_hd_B0undary1234--\r\n");
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(html);
    ck_assert_ptr_nonnull(end);
    ck_assert(text < html && html < end);
    free(msg);
}
END_TEST


START_TEST(compose_text_only_without_html)
{
    hd_mail_t   m = sample();
    char       *msg;

    m.html = NULL;
    m.auto_submitted = NULL;
    msg = compose(&m);
    ck_assert_ptr_nonnull(strstr(msg, "Content-Type: text/plain; charset=utf-8\r\n"));
    ck_assert_ptr_null(strstr(msg, "multipart"));
    ck_assert_ptr_null(strstr(msg, "Auto-Submitted"));
    free(msg);
}
END_TEST


START_TEST(crlf_in_subject_never_makes_a_header)
{
    hd_mail_t   m = sample();
    char       *msg, *h;

    m.subject = "Help\r\nBcc: victim@evil.test\r\n\r\nbody\nX-Evil: 1\rCc: x@y.test";
    msg = compose(&m);
    h = headers_of(msg);
    ck_assert(!has_header(h, "Bcc"));
    ck_assert(!has_header(h, "X-Evil"));
    ck_assert(!has_header(h, "Cc"));
    ck_assert_ptr_nonnull(strstr(h, "Subject: Help  Bcc: victim@evil.test"));
    ck_lines(h, 998);
    free(msg);
}
END_TEST


START_TEST(crlf_in_display_names_never_makes_a_header)
{
    hd_mail_t   m = sample();
    char       *msg, *h;

    m.to_name = "Ann\r\nBcc: victim@evil.test";
    m.from_name = "IT\nX-Evil: yes\"<a@b.test>";
    msg = compose(&m);
    h = headers_of(msg);
    ck_assert(!has_header(h, "Bcc"));
    ck_assert(!has_header(h, "X-Evil"));
    ck_assert_ptr_nonnull(strstr(h, "To: \"Ann  Bcc: victim@evil.test\" <ann@acme.test>\r\n"));
    ck_assert_ptr_nonnull(strstr(h, "From: \"IT X-Evil: yes\\\"<a@b.test>\" <helpdesk@acme.test>\r\n"));
    free(msg);
}
END_TEST


START_TEST(crlf_in_utf8_subject_is_encoded_away)
{
    hd_mail_t   m = sample();
    char       *msg, *h;

    m.subject = "Drucker br\xc3\xa4nnt\r\nBcc: victim@evil.test";
    msg = compose(&m);
    h = headers_of(msg);
    ck_assert(!has_header(h, "Bcc"));
    /* "Drucker brännt  Bcc: victim@evil.test" in base64 */
    ck_assert_ptr_nonnull(strstr(h, "Subject: =?UTF-8?B?RHJ1Y2tlciBicsOkbm50ICBCY2M6IHZpY3RpbUBldmlsLnRlc3Q=?=\r\n"));
    free(msg);
}
END_TEST


START_TEST(long_utf8_subject_is_folded_into_words)
{
    hd_mail_t   m = sample();
    char        subject[600], *msg, *h, *p;
    size_t      i, words = 0;

    for (i = 0; i + 2 < 400; i += 2) {
        memcpy(subject + i, "\xc3\xa9", 2);     /* é, two bytes each */
    }

    subject[i] = '\0';
    m.subject = subject;
    msg = compose(&m);
    h = headers_of(msg);
    ck_lines(h, 78);

    for (p = h; (p = strstr(p, "=?UTF-8?B?")) != NULL; p++) {
        words++;
    }

    ck_assert_uint_ge(words, 9);                /* 398 bytes / 45 */
    ck_assert(!has_header(h, "w6nD"));          /* continuation lines start with a space */
    free(msg);
}
END_TEST


START_TEST(utf8_display_name_is_an_encoded_word)
{
    hd_mail_t   m = sample();
    char       *msg;

    m.to_name = "Jos\xc3\xa9";
    msg = compose(&m);
    ck_assert_ptr_nonnull(strstr(msg, "To: =?UTF-8?B?Sm9zw6k=?=\r\n <ann@acme.test>\r\n"));
    free(msg);
}
END_TEST


START_TEST(ascii_text_that_looks_encoded_is_encoded)
{
    hd_mail_t   m = sample();
    char       *msg;

    m.subject = "=?UTF-8?B?SGk=?=";
    msg = compose(&m);
    /* written as a word of its own, so a reader decodes it back as typed */
    ck_assert_ptr_nonnull(strstr(msg, "Subject: =?UTF-8?B?PT9VVEYtOD9CP1NHaz0/PQ==?=\r\n"));
    free(msg);
}
END_TEST


START_TEST(bad_addresses_are_refused)
{
    static const char  *bad[] = {
        "ann@acme.test\r\nBcc: x@y.test", "ann acme@test", "<ann@acme.test>",
        "ann@@acme.test", "@acme.test", "ann@", "ann@acme..test", "a,b@c.test",
        "ann@acme.test>", "", NULL
    };
    hd_mail_t    m;
    char        *out;
    size_t       len, i;

    for (i = 0; bad[i] != NULL; i++) {
        m = sample();
        m.to_addr = bad[i];
        ck_assert_int_eq(hd_mail_compose(&m, &out, &len), HD_MAIL_BAD_ADDRESS);
        ck_assert_ptr_null(out);
        ck_assert(!hd_mail_addr_valid(bad[i]));
    }

    m = sample();
    m.reply_to = "x@y.test\nBcc: z@y.test";
    ck_assert_int_eq(hd_mail_compose(&m, &out, &len), HD_MAIL_BAD_ADDRESS);
    ck_assert(hd_mail_addr_valid("first.last+tag@sub.acme-corp.test"));
    ck_assert_str_eq(hd_mail_addr_domain("a@acme.test"), "acme.test");
}
END_TEST


START_TEST(bad_message_ids_are_refused)
{
    hd_mail_t   m = sample();
    char       *out;
    size_t      len;

    m.in_reply_to = "<a@b.test>\r\nBcc: x@y.test";
    ck_assert_int_eq(hd_mail_compose(&m, &out, &len), HD_MAIL_BAD_ID);
    m = sample();
    m.references = "<a@b.test>  <c@d.test>";
    ck_assert_int_eq(hd_mail_compose(&m, &out, &len), HD_MAIL_BAD_ID);
    m = sample();
    m.message_id = "no-brackets@b.test";
    ck_assert_int_eq(hd_mail_compose(&m, &out, &len), HD_MAIL_BAD_ID);
    m = sample();
    m.boundary = "short";
    ck_assert_int_eq(hd_mail_compose(&m, &out, &len), HD_MAIL_BAD_ARGUMENT);
    m = sample();
    m.auto_submitted = "auto-replied\r\nBcc: x@y.test";
    ck_assert_int_eq(hd_mail_compose(&m, &out, &len), HD_MAIL_BAD_ARGUMENT);
}
END_TEST


START_TEST(references_are_folded_and_kept_in_order)
{
    hd_mail_t   m = sample();
    char       *msg, *h;

    m.references = "<ticket-01923456-7890-7abc-8def-0123456789ab@acme.test> "
                   "<hd.aaaaaaaaaaaaaaaaaaaaaaaa@acme.test> "
                   "<hd.bbbbbbbbbbbbbbbbbbbbbbbb@acme.test>";
    msg = compose(&m);
    h = headers_of(msg);
    ck_lines(h, 78);
    ck_assert_ptr_nonnull(strstr(h, "References: <ticket-01923456-7890-7abc-8def-0123456789ab@acme.test>\r\n"
                                    " <hd.aaaaaaaaaaaaaaaaaaaaaaaa@acme.test>\r\n"
                                    " <hd.bbbbbbbbbbbbbbbbbbbbbbbb@acme.test>\r\n"));
    free(msg);
}
END_TEST


START_TEST(quoted_printable_bodies)
{
    hd_mail_t   m = sample();
    char        body[400], *msg, *text;
    size_t      i;

    for (i = 0; i < 200; i++) {
        body[i] = 'x';
    }

    memcpy(body + 200, "\n.dot\nFrom me\na=b \n\xc3\xa9t\xc3\xa9\r\n", 27);
    body[227] = '\0';
    m.text = body;
    m.html = NULL;
    msg = compose(&m);
    ck_lines(msg, 998);
    text = strstr(msg, "\r\n\r\n") + 4;
    ck_lines(text, 76);
    ck_assert_ptr_nonnull(strstr(text, "=\r\nx"));          /* soft breaks */
    ck_assert_ptr_nonnull(strstr(text, "\r\n=2Edot\r\n"));
    ck_assert_ptr_nonnull(strstr(text, "\r\n=46rom me\r\n"));
    ck_assert_ptr_nonnull(strstr(text, "\r\na=3Db=20\r\n"));
    ck_assert_ptr_nonnull(strstr(text, "\r\n=C3=A9t=C3=A9\r\n"));
    free(msg);
}
END_TEST


START_TEST(thread_root_and_message_ids)
{
    char  buf[HD_MAIL_ID_MAX];

    ck_assert_int_eq(hd_mail_thread_root(buf, sizeof(buf),
        "01923456-7890-7abc-8def-0123456789ab", "acme.test"), 0);
    ck_assert_str_eq(buf, "<ticket-01923456-7890-7abc-8def-0123456789ab@acme.test>");
    ck_assert_int_eq(hd_mail_message_id(buf, sizeof(buf), "x1y2", "acme.test"), 0);
    ck_assert_str_eq(buf, "<hd.x1y2@acme.test>");
    ck_assert_int_eq(hd_mail_message_id(buf, sizeof(buf), "a b", "acme.test"), -1);
    ck_assert_int_eq(hd_mail_message_id(buf, 10, "x1y2", "acme.test"), -1);
    ck_assert_int_eq(hd_mail_thread_root(buf, sizeof(buf), "t", "a@b"), -1);
}
END_TEST


static hd_tmpl_var_t  notify_vars[] = {
    { "org.name", "Acme <IT>" },
    { "org.color", "#123456" },
    { "ticket.number", "TKT-42" },
    { "ticket.title", "<script>alert(1)</script>" },
    { "ticket.status", "Resolved" },
    { "recipient.name", "Ann & Bob" },
    { "actor.name", "Agent \"Smith\"" },
    { "comment.body", "Try <b>this</b>" },
    { "csat.good_url", "https://h.test/csat/tok?score=good&x=1" },
    { "csat.bad_url", "https://h.test/csat/tok?score=bad" },
    { "sla.clock", "response" },
    { NULL, NULL }
};


START_TEST(notify_escapes_html_but_not_text)
{
    hd_notify_t  n;

    ck_assert_int_eq(hd_notify_render(HD_NOTIFY_REPLY, hd_tmpl_vars_lookup,
                                      notify_vars, &n), HD_TMPL_OK);
    ck_assert_str_eq(n.subject, "[#TKT-42] <script>alert(1)</script>");
    ck_assert_ptr_nonnull(strstr(n.text, "Try <b>this</b>"));
    ck_assert_ptr_nonnull(strstr(n.html, "Try &lt;b&gt;this&lt;/b&gt;"));
    ck_assert_ptr_nonnull(strstr(n.html, "Acme &lt;IT&gt;"));
    ck_assert_ptr_nonnull(strstr(n.html, "Ann &amp; Bob"));
    ck_assert_ptr_null(strstr(n.html, "<b>this"));
    ck_assert_ptr_nonnull(strstr(n.html, "background:#123456"));
    hd_notify_free(&n);
}
END_TEST


START_TEST(notify_every_kind_renders_with_its_tag)
{
    hd_notify_t  n;
    int          k;

    for (k = 0; k < HD_NOTIFY_KIND_COUNT; k++) {
        ck_assert_int_eq(hd_notify_render((hd_notify_kind_t) k,
                                          hd_tmpl_vars_lookup, notify_vars,
                                          &n), HD_TMPL_OK);
        ck_assert_msg(strncmp(n.subject, "[#TKT-42] ", 10) == 0, "%d", k);
        ck_assert_ptr_null(strstr(n.text, "{{"));
        ck_assert_ptr_null(strstr(n.html, "{{"));
        hd_notify_free(&n);
    }

    ck_assert_int_eq(hd_notify_render(HD_NOTIFY_RESOLVED_CSAT,
                                      hd_tmpl_vars_lookup, notify_vars, &n),
                     HD_TMPL_OK);
    ck_assert_ptr_nonnull(strstr(n.html, "href=\"https://h.test/csat/tok?score=good&amp;x=1\""));
    ck_assert_ptr_nonnull(strstr(n.text, "Good: https://h.test/csat/tok?score=good&x=1"));
    hd_notify_free(&n);
}
END_TEST


Suite *
hd_mail_suite(void)
{
    Suite  *s = suite_create("mail");
    TCase  *tc = tcase_create("compose");

    tcase_add_test(tc, compose_writes_every_header);
    tcase_add_test(tc, compose_alternative_parts_text_then_html);
    tcase_add_test(tc, compose_text_only_without_html);
    tcase_add_test(tc, crlf_in_subject_never_makes_a_header);
    tcase_add_test(tc, crlf_in_display_names_never_makes_a_header);
    tcase_add_test(tc, crlf_in_utf8_subject_is_encoded_away);
    tcase_add_test(tc, long_utf8_subject_is_folded_into_words);
    tcase_add_test(tc, utf8_display_name_is_an_encoded_word);
    tcase_add_test(tc, ascii_text_that_looks_encoded_is_encoded);
    tcase_add_test(tc, bad_addresses_are_refused);
    tcase_add_test(tc, bad_message_ids_are_refused);
    tcase_add_test(tc, references_are_folded_and_kept_in_order);
    tcase_add_test(tc, quoted_printable_bodies);
    tcase_add_test(tc, thread_root_and_message_ids);
    tcase_add_test(tc, notify_escapes_html_but_not_text);
    tcase_add_test(tc, notify_every_kind_renders_with_its_tag);
    suite_add_tcase(s, tc);

    return s;
}
