/*
 * wk_mime.c — a raw message into the JSON email_ingest() takes, with GMime
 * 3 (the only file of the project that includes GMime or GLib).
 *
 * The walk: multiparts are descended (depth-limited); the first text/plain
 * and the first text/html that are not attachments are the body; a nested
 * message/rfc822 is kept whole as a .eml attachment; every other leaf
 * (files, inline images, winmail.dat) is an attachment, stored in the
 * content-addressed store unless it is over the size limit, in which case
 * it is listed under "skipped" and a note is added to the text (the raw
 * message, stored before parsing, still holds it).  Text of any charset
 * becomes valid UTF-8 without NUL bytes: the declared charset first, then
 * UTF-8 when the bytes are valid, then Windows-1252, then Latin-1 (which
 * accepts anything).  HTML becomes text through the core's
 * hd_mailin_html_text() (scripts and styles dropped).
 */

#include <string.h>

#include <cjson/cJSON.h>
#include <gmime/gmime.h>

#include "hd_attach.h"
#include "hd_mailin.h"
#include "wk.h"
#include "wk_mail.h"


#define WK_MIME_DEPTH_MAX   32
#define WK_MIME_TEXT_MAX    (1024 * 1024)   /* bytes of body text kept */


typedef struct {
    const wk_mime_opts_t  *o;
    GString               *text;        /* first text/plain, UTF-8 */
    GString               *html;        /* first text/html, UTF-8 */
    GString               *notes;       /* skipped attachments */
    cJSON                 *attachments;
    cJSON                 *skipped;
    int                    failed;
    char                  *err;
    size_t                 errlen;
} wk_mime_t;


static int  wk_mime_ready;


/*
 * Valid UTF-8 without NUL bytes for len bytes of text declared as charset
 * (may be NULL).  Returns a g_malloc'd string.
 */
static char *
wk_mime_utf8(const char *data, size_t len, const char *charset)
{
    char        *out = NULL, *valid;
    gsize        outlen = 0;
    const char  *cs;
    size_t       i, j;

    if (charset != NULL && charset[0] != '\0') {
        cs = g_mime_charset_iconv_name(charset);
        out = g_convert(data, (gssize) len, "UTF-8", cs, NULL, &outlen, NULL);
    }

    if (out == NULL && g_utf8_validate(data, (gssize) len, NULL)) {
        out = g_strndup(data, len);
        outlen = len;
    }

    if (out == NULL) {
        out = g_convert(data, (gssize) len, "UTF-8", "WINDOWS-1252", NULL,
                        &outlen, NULL);
    }

    if (out == NULL) {
        out = g_convert(data, (gssize) len, "UTF-8", "ISO-8859-1", NULL,
                        &outlen, NULL);
    }

    if (out == NULL) {
        out = g_strdup("");
        outlen = 0;
    }

    for (i = 0, j = 0; i < outlen; i++) {
        if (out[i] != '\0') {
            out[j++] = out[i];
        }
    }
    out[j] = '\0';

    valid = g_utf8_make_valid(out, (gssize) j);
    g_free(out);
    return valid;
}


/* The decoded bytes of a leaf part (transfer encoding undone). */
static GByteArray *
wk_mime_content(GMimePart *part)
{
    GMimeDataWrapper  *w;
    GMimeStream       *mem;
    GByteArray        *ba;

    ba = g_byte_array_new();
    w = g_mime_part_get_content(part);

    if (w == NULL) {
        return ba;
    }

    mem = g_mime_stream_mem_new_with_byte_array(ba);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
    g_mime_data_wrapper_write_to_stream(w, mem);
    g_object_unref(mem);

    return ba;
}


/* A media type the attachments table accepts, lower case. */
static void
wk_mime_type(GMimeObject *obj, char *out, size_t size)
{
    GMimeContentType  *ct = g_mime_object_get_content_type(obj);
    char              *t = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
    size_t             i;
    int                slash = 0;

    snprintf(out, size, "%s", t ? t : "application/octet-stream");
    g_free(t);

    for (i = 0; out[i]; i++) {
        out[i] = g_ascii_tolower(out[i]);
        if (out[i] == '/') {
            slash++;
            if (i == 0 || out[i + 1] == '\0') {
                slash = 2;
            }
        } else if (!g_ascii_isalnum(out[i])
                   && strchr("!#$&^_.+-", out[i]) == NULL)
        {
            slash = 2;
        }
    }

    if (slash != 1 || !g_ascii_isalnum(out[0])) {
        snprintf(out, size, "application/octet-stream");
    }
}


/* Store one attachment (or list it as skipped). */
static void
wk_mime_attach(wk_mime_t *m, const char *name, const char *mime,
    const guint8 *data, size_t len, int is_inline)
{
    char    safe[HD_ATTACH_NAME_MAX + 1], key[WK_STORE_KEY_LEN + 1];
    cJSON  *a;

    hd_attach_filename(name ? name : "", name ? strlen(name) : 0, safe);

    if (m->o->max_attachment > 0 && len > m->o->max_attachment) {
        a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "filename", safe);
        cJSON_AddNumberToObject(a, "bytes", (double) len);
        cJSON_AddStringToObject(a, "reason", "over the size limit");
        cJSON_AddItemToArray(m->skipped, a);
        g_string_append_printf(m->notes,
            "\n\n[Attachment %s (%zu bytes) was not stored: it is over the "
            "%zu-byte limit. The original message is kept.]",
            safe, len, m->o->max_attachment);
        return;
    }

    if (wk_store_put(m->o->store_dir, data, len, key, m->err, m->errlen)
        != 0)
    {
        m->failed = 1;
        return;
    }

    a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "key", key);
    cJSON_AddStringToObject(a, "filename", safe);
    cJSON_AddStringToObject(a, "mime", mime);
    cJSON_AddNumberToObject(a, "bytes", (double) len);
    cJSON_AddBoolToObject(a, "inline", is_inline);
    cJSON_AddItemToArray(m->attachments, a);
}


/* A leaf: body text, or an attachment. */
static void
wk_mime_leaf(wk_mime_t *m, GMimePart *part)
{
    GMimeObject             *obj = GMIME_OBJECT(part);
    GMimeContentType        *ct = g_mime_object_get_content_type(obj);
    GMimeContentDisposition *cd = g_mime_object_get_content_disposition(obj);
    const char              *name, *charset;
    GByteArray              *ba;
    GString                 *into = NULL;
    char                     mime[256], *utf8;
    int                      attachment;

    attachment = (cd != NULL && g_mime_content_disposition_is_attachment(cd));
    name = g_mime_part_get_filename(part);

    if (!attachment && name == NULL && ct != NULL) {
        if (g_mime_content_type_is_type(ct, "text", "plain")
            && m->text->len == 0)
        {
            into = m->text;
        } else if (g_mime_content_type_is_type(ct, "text", "html")
                   && m->html->len == 0)
        {
            into = m->html;
        }
    }

    ba = wk_mime_content(part);

    if (into != NULL) {
        charset = g_mime_content_type_get_parameter(ct, "charset");
        utf8 = wk_mime_utf8((const char *) ba->data, ba->len, charset);
        g_string_append(into, utf8);
        g_free(utf8);

    } else {
        wk_mime_type(obj, mime, sizeof(mime));
        wk_mime_attach(m, name ? name : (g_mime_part_get_content_id(part)
                                         ? "inline" : "attachment"),
                       mime, ba->data, ba->len,
                       !attachment && g_mime_part_get_content_id(part));
    }

    g_byte_array_unref(ba);
}


/* A nested message/rfc822 is kept whole as "<subject>.eml". */
static void
wk_mime_nested(wk_mime_t *m, GMimeMessagePart *mp)
{
    GMimeMessage  *inner = g_mime_message_part_get_message(mp);
    GMimeStream   *mem;
    GByteArray    *ba;
    const char    *subject;
    char          *name, *valid;

    if (inner == NULL) {
        return;
    }

    ba = g_byte_array_new();
    mem = g_mime_stream_mem_new_with_byte_array(ba);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
    g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, mem);
    g_object_unref(mem);

    subject = g_mime_message_get_subject(inner);
    name = g_strdup_printf("%s.eml", subject && *subject ? subject
                                                         : "message");
    valid = g_utf8_make_valid(name, -1);
    wk_mime_attach(m, valid, "message/rfc822", ba->data, ba->len, 0);

    g_free(valid);
    g_free(name);
    g_byte_array_unref(ba);
}


static void
wk_mime_walk(wk_mime_t *m, GMimeObject *obj, int depth)
{
    int  i, n;

    if (obj == NULL || depth > WK_MIME_DEPTH_MAX || m->failed) {
        return;
    }

    if (GMIME_IS_MULTIPART(obj)) {
        n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
        for (i = 0; i < n; i++) {
            wk_mime_walk(m, g_mime_multipart_get_part(GMIME_MULTIPART(obj), i),
                         depth + 1);
        }
        return;
    }

    if (GMIME_IS_MESSAGE_PART(obj)) {
        wk_mime_nested(m, GMIME_MESSAGE_PART(obj));
        return;
    }

    if (GMIME_IS_PART(obj)) {
        wk_mime_leaf(m, GMIME_PART(obj));
    }
}


/* The first mailbox of an address list: address and display name. */
static void
wk_mime_sender(InternetAddressList *list, cJSON *out)
{
    InternetAddress  *ia;
    const char       *name;

    while (list != NULL && internet_address_list_length(list) > 0) {
        ia = internet_address_list_get_address(list, 0);

        if (INTERNET_ADDRESS_IS_GROUP(ia)) {
            list = internet_address_group_get_members(
                       INTERNET_ADDRESS_GROUP(ia));
            continue;
        }

        cJSON_AddStringToObject(out, "from_addr",
            internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
        name = internet_address_get_name(ia);
        if (name != NULL) {
            char  *valid = g_utf8_make_valid(name, -1);

            cJSON_AddStringToObject(out, "from_name", valid);
            g_free(valid);
        }
        return;
    }
}


/* A header's ids ("in_reply_to", "references") as a JSON array. */
static void
wk_mime_ids(GMimeObject *msg, const char *header, const char *field,
    cJSON *out)
{
    const char  *v = g_mime_object_get_header(msg, header);
    cJSON       *arr = cJSON_AddArrayToObject(out, field);
    char        *ids, *p;
    size_t       n, i;

    ids = hd_mailin_ids(v, &n);
    for (i = 0, p = ids; i < n; i++, p += strlen(p) + 1) {
        char  *valid = g_utf8_make_valid(p, -1);

        cJSON_AddItemToArray(arr, cJSON_CreateString(valid));
        g_free(valid);
    }
    free(ids);
}


char *
wk_mime_parse(const char *raw, size_t len, const wk_mime_opts_t *o,
    char *err, size_t errlen)
{
    static const char   *fallback[] = { "UTF-8", "WINDOWS-1252", NULL };
    GMimeParserOptions  *popts;
    GMimeStream         *stream;
    GMimeParser         *parser;
    GMimeMessage        *msg;
    GMimeObject         *hdrs;
    wk_mime_t            m;
    hd_mailin_loop_t       loop;
    cJSON               *out;
    const char          *subject, *block, *from;
    char                *subj, *body, *json, *html;
    size_t               n, hlen;

    if (!wk_mime_ready) {
        g_mime_init();
        wk_mime_ready = 1;
    }

    popts = g_mime_parser_options_new();
    g_mime_parser_options_set_fallback_charsets(popts, fallback);
    g_mime_parser_options_set_rfc2047_compliance_mode(popts,
        GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(popts,
        GMIME_RFC_COMPLIANCE_LOOSE);

    stream = g_mime_stream_mem_new_with_buffer(raw, len);
    parser = g_mime_parser_new_with_stream(stream);
    msg = g_mime_parser_construct_message(parser, popts);
    g_object_unref(parser);
    g_object_unref(stream);

    if (msg == NULL) {
        g_mime_parser_options_free(popts);
        snprintf(err, errlen, "not a MIME message");
        return NULL;
    }

    hdrs = GMIME_OBJECT(msg);

    memset(&m, 0, sizeof(m));
    m.o = o;
    m.text = g_string_new(NULL);
    m.html = g_string_new(NULL);
    m.notes = g_string_new(NULL);
    m.err = err;
    m.errlen = errlen;
    m.attachments = cJSON_CreateArray();
    m.skipped = cJSON_CreateArray();

    wk_mime_walk(&m, g_mime_message_get_mime_part(msg), 0);

    out = cJSON_CreateObject();
    wk_mime_sender(g_mime_message_get_from(msg), out);

    subject = g_mime_message_get_subject(msg);
    subj = wk_mime_utf8(subject ? subject : "", subject ? strlen(subject) : 0,
                        "UTF-8");
    cJSON_AddStringToObject(out, "subject", subj);
    if (hd_mailin_subject_tag(subj) > 0) {
        cJSON_AddNumberToObject(out, "subject_tag",
                                (double) hd_mailin_subject_tag(subj));
    }

    wk_mime_ids(hdrs, "In-Reply-To", "in_reply_to", out);
    wk_mime_ids(hdrs, "References", "references", out);

    /* the body: text/plain, else the HTML as text, else the raw body */
    if (m.text->len == 0 && m.html->len > 0) {
        html = hd_mailin_html_text(m.html->str, m.html->len, &n);
        if (html != NULL) {
            g_string_append(m.text, html);
            free(html);
        }
    }

    if (m.text->len == 0 && cJSON_GetArraySize(m.attachments) == 0
        && cJSON_GetArraySize(m.skipped) == 0)
    {
        hlen = 0;
        while (hlen < len && !(raw[hlen] == '\n' && hlen + 1 < len
                               && (raw[hlen + 1] == '\n'
                                   || raw[hlen + 1] == '\r')))
        {
            hlen++;
        }
        hlen = (hlen + 1 < len) ? hlen + 1 : len;
        body = wk_mime_utf8(raw + hlen, len - hlen, NULL);
        g_string_append(m.text, g_strstrip(body));
        g_free(body);
    }

    if (m.text->len > WK_MIME_TEXT_MAX) {
        n = WK_MIME_TEXT_MAX;
        while (n > 0 && (m.text->str[n] & 0xc0) == 0x80) {
            n--;
        }
        g_string_truncate(m.text, n);
    }

    n = hd_mailin_trim_quote(m.text->str, m.text->len);
    body = g_strndup(m.text->str, n);
    g_string_append(m.text, m.notes->str);
    cJSON_AddStringToObject(out, "body", m.text->str);
    {
        GString  *reply = g_string_new(body);

        g_string_append(reply, m.notes->str);
        cJSON_AddStringToObject(out, "reply", reply->str);
        g_string_free(reply, TRUE);
    }
    g_free(body);
    cJSON_AddBoolToObject(out, "had_html", m.html->len > 0);

    /* loop prevention */
    memset(&loop, 0, sizeof(loop));
    from = cJSON_GetStringValue(cJSON_GetObjectItem(out, "from_addr"));
    loop.from = from;
    loop.auto_submitted = g_mime_object_get_header(hdrs, "Auto-Submitted");
    loop.precedence = g_mime_object_get_header(hdrs, "Precedence");
    loop.list_id = g_mime_object_get_header(hdrs, "List-Id");
    loop.x_autoreply = g_mime_object_get_header(hdrs, "X-Autoreply");
    if (loop.x_autoreply == NULL) {
        loop.x_autoreply = g_mime_object_get_header(hdrs, "X-Autorespond");
    }
    loop.ours = o->ours;
    block = hd_mailin_autoreply_block(&loop);
    if (block != NULL) {
        cJSON_AddStringToObject(out, "autoreply_block", block);
    } else {
        cJSON_AddNullToObject(out, "autoreply_block");
    }

    cJSON_AddItemToObject(out, "attachments", m.attachments);
    cJSON_AddItemToObject(out, "skipped", m.skipped);

    json = m.failed ? NULL : cJSON_PrintUnformatted(out);
    if (json == NULL && !m.failed) {
        snprintf(err, errlen, "out of memory");
    }

    cJSON_Delete(out);
    g_free(subj);
    g_string_free(m.text, TRUE);
    g_string_free(m.html, TRUE);
    g_string_free(m.notes, TRUE);
    g_object_unref(msg);
    g_mime_parser_options_free(popts);

    return json;
}
