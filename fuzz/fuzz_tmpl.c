/*
 * libFuzzer target: placeholder templates (saved replies, later email).
 * Checks that a template nobody knows the names of renders as itself,
 * that values no longer than the shortest placeholder never make the
 * output longer than the template (nothing is expanded twice), that the
 * size bound holds in HTML mode, and that the checker's issues point into
 * the input.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hd_tmpl.h"


/* values of at most 5 bytes, the length of "{{a}}"; one looks like a
   placeholder, one needs HTML escaping */
static hd_tmpl_var_t  vars[] = {
    { "a", "1" },
    { "ticket.number", "TKT-1" },
    { "ticket.title", "{{a}}" },
    { "h", "<&>'\"" },
    { NULL, NULL }
};


static const char *
nobody(void *data, const char *name, size_t len)
{
    (void) data;
    (void) name;
    (void) len;

    return NULL;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char             *out;
    size_t            n, i, len, max;
    const char       *s;
    hd_tmpl_rc_t      rc;
    hd_tmpl_issue_t   issues[8];

    s = (const char *) data;

    n = hd_tmpl_check(s, size, hd_tmpl_vars_lookup, vars, issues, 8);

    for (i = 0; i < n && i < 8; i++) {
        assert(issues[i].offset + 2 <= size);
        assert(memcmp(s + issues[i].offset, "{{", 2) == 0);
        assert(strlen(issues[i].name) <= HD_TMPL_NAME_MAX);
    }

    rc = hd_tmpl_render(s, size, nobody, NULL, HD_TMPL_ESCAPE_NONE, size,
                        &out, &len);
    assert(rc == HD_TMPL_OK);
    assert(len == size && memcmp(out, s, size) == 0);
    free(out);

    rc = hd_tmpl_render(s, size, hd_tmpl_vars_lookup, vars,
                        HD_TMPL_ESCAPE_NONE, size, &out, &len);
    assert(rc == HD_TMPL_OK);
    assert(len <= size && out[len] == '\0');
    free(out);

    max = size / 2;
    rc = hd_tmpl_render(s, size, hd_tmpl_vars_lookup, vars,
                        HD_TMPL_ESCAPE_HTML, max, &out, &len);
    assert(rc == HD_TMPL_OK || rc == HD_TMPL_TOO_BIG);
    assert((rc == HD_TMPL_OK) == (out != NULL));

    if (out != NULL) {
        assert(len <= max);
        free(out);
    }

    return 0;
}
