/*
 * libFuzzer target: MIME → ticket input.  Feeds arbitrary bytes to the
 * worker's parser (worker/wk_mime.c, GMime 3 underneath, and the core's
 * hd_mail text functions) without writing to any store, and checks what
 * email_ingest() relies on: every message yields a JSON object (a message
 * GMime cannot read at all is the only failure), whose text fields are
 * valid UTF-8 without NUL bytes, and whose reply is never longer than the
 * body.  The core's header reader is checked on the same bytes.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <glib.h>

#include "hd_mailin.h"
#include "wk_mail.h"


static void
check_text(cJSON *root, const char *name)
{
    const char  *s = cJSON_GetStringValue(cJSON_GetObjectItem(root, name));

    if (s != NULL) {
        assert(g_utf8_validate(s, -1, NULL));
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wk_mime_opts_t   o = { NULL, 1024, "help@example.org" };
    char             err[256], id[HD_MAILIN_ID_MAX + 1], *json;
    cJSON           *root;
    const char      *body, *reply;

    (void) hd_mailin_message_id((const char *) data, size, id);
    assert(strlen(id) <= HD_MAILIN_ID_MAX);

    json = wk_mime_parse((const char *) data, size, &o, err, sizeof(err));
    if (json == NULL) {
        return 0;
    }

    root = cJSON_Parse(json);
    assert(cJSON_IsObject(root));

    check_text(root, "subject");
    check_text(root, "body");
    check_text(root, "reply");
    check_text(root, "from_name");

    body = cJSON_GetStringValue(cJSON_GetObjectItem(root, "body"));
    reply = cJSON_GetStringValue(cJSON_GetObjectItem(root, "reply"));
    assert(body != NULL && reply != NULL);
    assert(strlen(reply) <= strlen(body));

    cJSON_Delete(root);
    free(json);
    return 0;
}
