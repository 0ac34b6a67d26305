#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "hd_tests.h"
#include "hd_tmpl.h"


static hd_tmpl_var_t  vars[] = {
    { "ticket.number", "TKT-42" },
    { "ticket.title", "Printer <on> fire & \"smoking\" 'now'" },
    { "requester.name", "Ann Example" },
    { "agent.name", "{{ticket.number}}" },
    { "empty", "" },
    { "unset", NULL },
    { NULL, NULL }
};


/* Renders s with vars; returns the malloc'd result. */
static char *
render(const char *s, hd_tmpl_escape_t escape)
{
    char    *out;
    size_t   len;

    ck_assert_int_eq(hd_tmpl_render(s, strlen(s), hd_tmpl_vars_lookup, vars,
                                    escape, 1 << 20, &out, &len),
                     HD_TMPL_OK);
    ck_assert_uint_eq(strlen(out), len);

    return out;
}


#define ck_render(s, escape, want)                                           \
    do {                                                                     \
        char  *got_ = render(s, escape);                                     \
        ck_assert_str_eq(got_, want);                                        \
        free(got_);                                                          \
    } while (0)


static size_t
check(const char *s, hd_tmpl_issue_t *issues, size_t max)
{
    return hd_tmpl_check(s, strlen(s), hd_tmpl_vars_lookup, vars, issues,
                         max);
}


START_TEST(tmpl_substitutes_known_placeholders)
{
    ck_render("Hi {{requester.name}}, re {{ticket.number}}.",
              HD_TMPL_ESCAPE_NONE, "Hi Ann Example, re TKT-42.");
    ck_render("{{ticket.number}}{{ticket.number}}", HD_TMPL_ESCAPE_NONE,
              "TKT-42TKT-42");
    ck_render("[{{empty}}]", HD_TMPL_ESCAPE_NONE, "[]");
    ck_render("", HD_TMPL_ESCAPE_NONE, "");
    ck_render("no placeholders { } }} here", HD_TMPL_ESCAPE_NONE,
              "no placeholders { } }} here");
}
END_TEST


START_TEST(tmpl_tolerates_white_space_inside_braces)
{
    ck_render("{{ ticket.number }}|{{\tticket.number\t}}|{{  ticket.number}}",
              HD_TMPL_ESCAPE_NONE, "TKT-42|TKT-42|TKT-42");
    ck_assert_uint_eq(check("{{ ticket.number }}", NULL, 0), 0);
}
END_TEST


START_TEST(tmpl_html_mode_escapes_values_not_the_template)
{
    ck_render("<p>{{ticket.title}}</p>", HD_TMPL_ESCAPE_HTML,
              "<p>Printer &lt;on&gt; fire &amp; &quot;smoking&quot; "
              "&#39;now&#39;</p>");
    ck_render("{{ticket.title}}", HD_TMPL_ESCAPE_NONE,
              "Printer <on> fire & \"smoking\" 'now'");
}
END_TEST


START_TEST(tmpl_value_is_never_expanded_again)
{
    ck_render("by {{agent.name}}", HD_TMPL_ESCAPE_NONE,
              "by {{ticket.number}}");
}
END_TEST


START_TEST(tmpl_unknown_and_broken_placeholders_render_as_written)
{
    ck_render("{{ticket.nmber}} {{unset}} {{}} {{ a b }} {{ticket.number",
              HD_TMPL_ESCAPE_NONE,
              "{{ticket.nmber}} {{unset}} {{}} {{ a b }} {{ticket.number");
    ck_render("{{{ticket.number}}}", HD_TMPL_ESCAPE_NONE, "{TKT-42}");
}
END_TEST


START_TEST(tmpl_check_lists_unknown_names_in_order)
{
    size_t           n;
    hd_tmpl_issue_t  issues[4];

    n = check("Hi {{ requester.nmae }}, {{ticket.number}} {{agent.mail}}",
              issues, 4);

    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(issues[0].kind, HD_TMPL_UNKNOWN);
    ck_assert_str_eq(issues[0].name, "requester.nmae");
    ck_assert_uint_eq(issues[0].offset, 3);
    ck_assert_int_eq(issues[1].kind, HD_TMPL_UNKNOWN);
    ck_assert_str_eq(issues[1].name, "agent.mail");

    /* a variable without a value is unknown */

    ck_assert_uint_eq(check("{{unset}}", issues, 4), 1);
    ck_assert_int_eq(issues[0].kind, HD_TMPL_UNKNOWN);
}
END_TEST


START_TEST(tmpl_check_finds_unterminated_and_malformed)
{
    size_t           n;
    hd_tmpl_issue_t  issues[4];

    n = check("ok {{ticket.number}} then {{ticket.title and more", issues, 4);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(issues[0].kind, HD_TMPL_UNTERMINATED);
    ck_assert_uint_eq(issues[0].offset, 26);
    ck_assert_str_eq(issues[0].name, "");

    n = check("{{}} {{ two words }} {{.x}} {{x.}} {{a..b}} {{1a}} {{ok}}",
              issues, 4);
    ck_assert_uint_eq(n, 7);
    ck_assert_int_eq(issues[0].kind, HD_TMPL_MALFORMED);
    ck_assert_int_eq(issues[1].kind, HD_TMPL_MALFORMED);
    ck_assert_int_eq(issues[2].kind, HD_TMPL_MALFORMED);
    ck_assert_int_eq(issues[3].kind, HD_TMPL_MALFORMED);

    /* a lone brace pair is no placeholder; "{{{" starts one late */

    ck_assert_uint_eq(check("{ticket.number} }} {{{ticket.number}}}", issues,
                            4), 0);
}
END_TEST


START_TEST(tmpl_name_length_is_bounded)
{
    char             s[200];
    hd_tmpl_issue_t  issue;

    memset(s, 'a', sizeof(s));
    memcpy(s, "{{", 2);
    memcpy(s + 2 + HD_TMPL_NAME_MAX, "}}", 3);

    ck_assert_uint_eq(check(s, &issue, 1), 1);
    ck_assert_int_eq(issue.kind, HD_TMPL_UNKNOWN);
    ck_assert_uint_eq(strlen(issue.name), HD_TMPL_NAME_MAX);

    memcpy(s + 2 + HD_TMPL_NAME_MAX, "a}}", 4);
    ck_assert_uint_eq(check(s, &issue, 1), 1);
    ck_assert_int_eq(issue.kind, HD_TMPL_MALFORMED);
}
END_TEST


START_TEST(tmpl_output_stops_at_max)
{
    char    *out;
    size_t   len;

    /* "TKT-42 TKT-42" is 13 bytes */

    ck_assert_int_eq(hd_tmpl_render("{{ticket.number}} {{ticket.number}}", 35,
                                    hd_tmpl_vars_lookup, vars,
                                    HD_TMPL_ESCAPE_NONE, 13, &out, &len),
                     HD_TMPL_OK);
    ck_assert_str_eq(out, "TKT-42 TKT-42");
    free(out);

    ck_assert_int_eq(hd_tmpl_render("{{ticket.number}} {{ticket.number}}", 35,
                                    hd_tmpl_vars_lookup, vars,
                                    HD_TMPL_ESCAPE_NONE, 12, &out, &len),
                     HD_TMPL_TOO_BIG);
    ck_assert_ptr_null(out);

    /* escaping counts: "&lt;" is 4 bytes */

    ck_assert_int_eq(hd_tmpl_render("{{ticket.title}}", 16,
                                    hd_tmpl_vars_lookup, vars,
                                    HD_TMPL_ESCAPE_HTML, 10, &out, &len),
                     HD_TMPL_TOO_BIG);
}
END_TEST


START_TEST(tmpl_many_open_braces_scan_in_linear_time)
{
    char    *s, *out;
    size_t   n, len;

    /* 2 MB of "{{" with no "}}": each would rescan the rest if the scanner
       were quadratic */

    n = 2 * 1024 * 1024;
    s = malloc(n);
    ck_assert_ptr_nonnull(s);
    memset(s, '{', n);

    ck_assert_uint_eq(hd_tmpl_check(s, n, hd_tmpl_vars_lookup, vars, NULL, 0),
                      1);
    ck_assert_int_eq(hd_tmpl_render(s, n, hd_tmpl_vars_lookup, vars,
                                    HD_TMPL_ESCAPE_NONE, n, &out, &len),
                     HD_TMPL_OK);
    ck_assert_uint_eq(len, n);
    ck_assert(memcmp(out, s, n) == 0);
    free(out);

    /* "{{ }}" repeated: every one malformed, each found once */

    for (len = 0; len + 5 <= n; len += 5) {
        memcpy(s + len, "{{ }}", 5);
    }

    ck_assert_uint_eq(hd_tmpl_check(s, len, hd_tmpl_vars_lookup, vars, NULL,
                                    0), len / 5);
    free(s);
}
END_TEST


Suite *
hd_tmpl_suite(void)
{
    Suite  *s;
    TCase  *tc;

    s = suite_create("tmpl");
    tc = tcase_create("tmpl");

    tcase_add_test(tc, tmpl_substitutes_known_placeholders);
    tcase_add_test(tc, tmpl_tolerates_white_space_inside_braces);
    tcase_add_test(tc, tmpl_html_mode_escapes_values_not_the_template);
    tcase_add_test(tc, tmpl_value_is_never_expanded_again);
    tcase_add_test(tc, tmpl_unknown_and_broken_placeholders_render_as_written);
    tcase_add_test(tc, tmpl_check_lists_unknown_names_in_order);
    tcase_add_test(tc, tmpl_check_finds_unterminated_and_malformed);
    tcase_add_test(tc, tmpl_name_length_is_bounded);
    tcase_add_test(tc, tmpl_output_stops_at_max);
    tcase_add_test(tc, tmpl_many_open_braces_scan_in_linear_time);
    suite_add_tcase(s, tc);

    return s;
}
