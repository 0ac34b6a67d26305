/*
 * libFuzzer target: routing and query arguments.  The input is split at
 * the first NUL into method and path; the rest is a query string.  Checks
 * that a match never points outside the path and that 405s name methods.
 */

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "hd_api.h"
#include "hd_route.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                n, i;
    char               buf[64];
    size_t             mlen, plen;
    const char        *in, *path, *nul;
    hd_route_rc_t      rc;
    hd_route_match_t   m;

    in = (const char *) data;
    nul = memchr(in, '\0', size);
    if (nul == NULL) {
        return 0;
    }

    mlen = (size_t) (nul - in);
    path = nul + 1;
    plen = size - mlen - 1;

    rc = hd_route_match(in, mlen, path, plen, 1, &m);

    if (rc == HD_ROUTE_FOUND) {
        assert(m.route != NULL);
        for (i = 0; i < m.nparams; i++) {
            assert(m.params[i].data >= path);
            assert(m.params[i].data + m.params[i].len <= path + plen);
        }
    }

    if (rc == HD_ROUTE_BAD_METHOD) {
        assert(m.allow[0] != '\0');
    }

    n = hd_query_arg(path, plen, "ms", buf, sizeof(buf));
    assert(n < (int) sizeof(buf));

    return 0;
}
