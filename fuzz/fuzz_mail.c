/*
 * libFuzzer target: outgoing mail composition.  The input is split into a
 * subject, a display name and a body; whatever they hold, the message's
 * header section must consist of exactly the headers hd_mail writes (every
 * other line a folded continuation starting with a space), every line must
 * end in CRLF and stay within 998 bytes, and the body must not end the
 * MIME structure early.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hd_mail.h"


static const char  *known[] = {
    "Date: ", "From: ", "To: ", "Reply-To: ", "Subject: ", "Message-ID: ",
    "In-Reply-To: ", "References: ", "Auto-Submitted: ", "MIME-Version: ",
    "Content-Type: ", NULL
};


static void
check_headers(const char *msg, const char *end)
{
    const char  *line = msg, *eol;
    size_t       i;
    int          ok;

    while (line < end) {
        eol = strstr(line, "\r\n");
        assert(eol != NULL && eol <= end);

        if (*line == ' ') {
            ok = 1;

        } else {
            ok = 0;

            for (i = 0; known[i] != NULL; i++) {
                if (strncmp(line, known[i], strlen(known[i])) == 0) {
                    ok = 1;
                }
            }
        }

        assert(ok);
        line = eol + 2;
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char         *buf, *subject, *name, *body, *msg, *p, *hend;
    hd_mail_t     m;
    size_t        len, col;

    buf = malloc(size + 3);
    assert(buf != NULL);
    memcpy(buf, data, size);
    buf[size] = buf[size + 1] = buf[size + 2] = '\0';

    /* subject NUL name NUL body */
    subject = buf;
    name = subject + strlen(subject) + 1;
    body = (name <= buf + size) ? name + strlen(name) + 1 : buf + size + 2;

    if (name > buf + size) {
        name = buf + size + 1;
    }

    if (body > buf + size + 2) {
        body = buf + size + 2;
    }

    memset(&m, 0, sizeof(m));
    m.from_name = name;
    m.from_addr = "helpdesk@acme.test";
    m.to_name = name;
    m.to_addr = "ann@acme.test";
    m.reply_to = "helpdesk@acme.test";
    m.subject = subject;
    m.message_id = "<hd.1@acme.test>";
    m.references = "<ticket-1@acme.test> <hd.0@acme.test>";
    m.in_reply_to = "<hd.0@acme.test>";
    m.auto_submitted = "auto-generated";
    m.text = body;
    m.html = body;
    m.date = 0;
    m.boundary = "B0undary1234";

    if (hd_mail_compose(&m, &msg, &len) == HD_MAIL_OK) {
        assert(strlen(msg) == len);

        hend = strstr(msg, "\r\n\r\n");
        assert(hend != NULL);
        check_headers(msg, hend + 2);

        for (p = msg, col = 0; *p != '\0'; p++) {
            if (*p == '\r') {
                assert(p[1] == '\n');
                p++;
                col = 0;
                continue;
            }

            assert(*p != '\n');
            assert(++col <= 998);
        }

        /* in the body, the closing boundary appears once, at the end */
        p = strstr(hend, "--=_hd_B0undary1234--");
        assert(p != NULL && strcmp(p, "--=_hd_B0undary1234--\r\n") == 0);

        free(msg);
    }

    free(buf);

    return 0;
}
