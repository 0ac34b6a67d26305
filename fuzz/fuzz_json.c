/*
 * libFuzzer target: request bodies through the strict JSON parser.  Checks
 * that a rejected body always gets a location inside the input and a
 * renderable error list, and that a parsed one re-serializes.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>

#include "hd_json.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char             *s;
    cJSON            *doc;
    hd_json_error_t   err;

    doc = hd_json_parse((const char *) data, size, &err);

    if (doc != NULL) {
        s = cJSON_PrintUnformatted(doc);
        assert(s != NULL);
        free(s);
        cJSON_Delete(doc);
        return 0;
    }

    assert(err.offset <= size);
    assert(err.line >= 1 && err.column >= 1);

    s = hd_json_error_render(&err);
    assert(s != NULL);
    free(s);

    return 0;
}
