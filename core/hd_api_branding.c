/*
 * Branding: the organisation's name, logo and colours
 * (migrations/0017_branding_and_custom_field_admin.sql).
 *
 *   GET   /api/branding        public (the login page shows it): {org_name,
 *                              primary_color, accent_color, logo_url,
 *                              logo_type, version, updated_at}
 *   GET   /api/branding/logo   public: the logo's bytes, 404 when none
 *   PATCH /api/admin/branding  settings.admin, If-Match: any of org_name
 *                              (1 to 100 characters), primary_color and
 *                              accent_color ("#rrggbb"), logo (a data: URL
 *                              with base64 bytes, or null to remove it)
 *
 * A logo is PNG, JPEG or SVG of at most HD_BRAND_LOGO_MAX bytes, its type
 * judged from the bytes, never from what the client claims.  It is served
 * with nosniff, and an SVG also with a CSP that forbids scripts and as an
 * attachment, so opening it directly can never run anything in this
 * origin (an <img> ignores both and shows it).
 */

#include <stdlib.h>
#include <string.h>

#include "hd_api_int.h"
#include "hd_b64.h"


#define HD_BRAND_LOGO_MAX  262144
#define HD_BRAND_NAME_MAX  100

static const char  hd_brand_svg_csp[] =
    "default-src 'none'; style-src 'unsafe-inline'; sandbox";


static hd_api_rc_t
hd_api_branding_got(hd_op_t *op, const PGresult *res)
{
    return hd_api_json_text(op, 200, res);
}


/* GET /api/branding */

hd_api_rc_t
hd_api_branding_get(hd_op_t *op)
{
    hd_plan_start(&op->plan, "select branding_get()::text",
                  hd_api_branding_got);

    return HD_API_QUERY;
}


static int
hd_api_hex_digit(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


/* The logo row: (logo_type, encode(logo, 'hex')), both null when none. */
static hd_api_rc_t
hd_api_branding_logo_got(hd_op_t *op, const PGresult *res)
{
    const char  *type, *hex;
    char        *bytes;
    size_t       n, i;
    int          svg;

    if (PQntuples(res) < 1 || PQgetisnull(res, 0, 0)) {
        return hd_api_fail(op, HD_PROBLEM_NOT_FOUND, "no logo is set", NULL);
    }

    type = PQgetvalue(res, 0, 0);
    hex = PQgetvalue(res, 0, 1);
    n = (size_t) PQgetlength(res, 0, 1) / 2;

    if (strlen(type) >= sizeof(op->resp.type_buf)) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    bytes = malloc(n > 0 ? n : 1);
    if (bytes == NULL) {
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    for (i = 0; i < n; i++) {
        int  hi = hd_api_hex_digit(hex[2 * i]);
        int  lo = hd_api_hex_digit(hex[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            free(bytes);
            return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
        }

        bytes[i] = (char) (hi << 4 | lo);
    }

    svg = strcmp(type, "image/svg+xml") == 0;

    op->resp.disposition = strdup(svg ? "attachment; filename=\"logo.svg\""
                                      : "inline");
    if (op->resp.disposition == NULL) {
        free(bytes);
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    strcpy(op->resp.type_buf, type);
    free(op->resp.body);
    op->resp.status = 200;
    op->resp.content_type = op->resp.type_buf;
    op->resp.csp = svg ? hd_brand_svg_csp : "default-src 'none'; sandbox";
    op->resp.body = bytes;
    op->resp.body_len = n;

    return HD_API_RESPOND;
}


/* GET /api/branding/logo */

hd_api_rc_t
hd_api_branding_logo(hd_op_t *op)
{
    hd_plan_start(&op->plan, "select logo_type, encode(logo, 'hex') "
                  "from branding", hd_api_branding_logo_got);

    return HD_API_QUERY;
}


const char *
hd_brand_logo_type(const unsigned char *p, size_t n)
{
    static const unsigned char  png[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
                                          0x1a, '\n' };
    size_t                      i;

    if (n >= sizeof(png) && memcmp(p, png, sizeof(png)) == 0) {
        return "image/png";
    }

    if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff) {
        return "image/jpeg";
    }

    /* SVG: text without NUL bytes whose first tag (after an optional BOM,
       white space, an XML declaration, comments or a doctype) is <svg */
    if (memchr(p, '\0', n) != NULL) {
        return NULL;
    }

    i = (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) ? 3 : 0;

    for ( ;; ) {
        while (i < n && strchr(" \t\r\n", p[i]) != NULL) {
            i++;
        }

        if (n - i >= 4 && memcmp(p + i, "<svg", 4) == 0
            && (n - i == 4 || strchr(" \t\r\n>/", p[i + 4]) != NULL))
        {
            return "image/svg+xml";
        }

        if (n - i >= 2 && p[i] == '<' && (p[i + 1] == '?' || p[i + 1] == '!'))
        {
            const unsigned char  *gt = memchr(p + i, '>', n - i);

            if (gt == NULL) {
                return NULL;
            }

            i = (size_t) (gt - p) + 1;
            continue;
        }

        return NULL;
    }
}


/* 1 when s is 1 to HD_BRAND_NAME_MAX UTF-8 characters, not only spaces,
   without control characters. */
static int
hd_api_brand_name_ok(const cJSON *v)
{
    const unsigned char  *s;
    size_t                chars = 0;

    if (!cJSON_IsString(v)
        || v->valuestring[strspn(v->valuestring, " \t")] == '\0')
    {
        return 0;
    }

    for (s = (const unsigned char *) v->valuestring; *s != '\0'; s++) {
        if (*s < 0x20 || *s == 0x7f) {
            return 0;
        }

        if ((*s & 0xc0) != 0x80) {
            chars++;
        }
    }

    return chars <= HD_BRAND_NAME_MAX;
}


static int
hd_api_brand_color_ok(const cJSON *v)
{
    const char  *s;
    size_t       i;

    if (!cJSON_IsString(v) || strlen(v->valuestring) != 7) {
        return 0;
    }

    s = v->valuestring;

    if (s[0] != '#') {
        return 0;
    }

    for (i = 1; i < 7; i++) {
        if (strchr("0123456789abcdefABCDEF", s[i]) == NULL) {
            return 0;
        }
    }

    return 1;
}


/*
 * Decodes a "data:<type>;base64,<bytes>" URL (the type is ignored) into a
 * malloc'd buffer.  Returns it, or NULL with *why set.
 */
static unsigned char *
hd_api_brand_logo_decode(const char *url, size_t *n, const char **why)
{
    const char     *comma, *b64;
    char           *u;
    unsigned char  *out;
    size_t          len, i;

    *why = "a data: URL with base64 image bytes";

    if (strncmp(url, "data:", 5) != 0) {
        return NULL;
    }

    comma = strchr(url, ',');
    if (comma == NULL || comma - url < 12
        || strncmp(comma - 7, ";base64", 7) != 0)
    {
        return NULL;
    }

    b64 = comma + 1;
    len = strlen(b64);

    if (len > (HD_BRAND_LOGO_MAX / 3 + 1) * 4) {
        *why = "at most 256 KB";
        return NULL;
    }

    /* standard base64 → unpadded base64url, which hd_b64 decodes */
    u = malloc(len + 1);
    if (u == NULL) {
        *why = NULL;
        return NULL;
    }

    for (i = 0; i < len; i++) {
        u[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
    }

    while (len > 0 && i - len < 2 && u[len - 1] == '=') {
        len--;
    }

    out = malloc(HD_B64URL_DECODED_MAX(len) + 1);
    if (out == NULL
        || hd_b64url_decode(u, len, out, HD_B64URL_DECODED_MAX(len) + 1, n)
           != 0)
    {
        free(u);
        free(out);
        return NULL;
    }

    free(u);

    if (*n > HD_BRAND_LOGO_MAX) {
        *why = "at most 256 KB";
        free(out);
        return NULL;
    }

    if (*n == 0) {
        *why = "an empty file is not an image";
        free(out);
        return NULL;
    }

    return out;
}


/* PATCH /api/admin/branding */

hd_api_rc_t
hd_api_branding_update(hd_op_t *op)
{
    static const char *const  fields[] = { "org_name", "primary_color",
                                           "accent_color", "logo", NULL };
    const cJSON              *body, *v, *logo;
    cJSON                    *doc;
    unsigned char            *bytes = NULL;
    const char               *type = NULL, *why;
    char                     *text;
    size_t                    n = 0;
    long                      version;

    if (!hd_api_body_only(op, fields)) {
        return HD_API_RESPOND;
    }

    body = hd_api_body(op);

    v = cJSON_GetObjectItemCaseSensitive(body, "org_name");
    if (v != NULL && !hd_api_brand_name_ok(v)) {
        return hd_api_field_error(op, "org_name", "a name of 1 to 100 "
                                  "characters without control characters");
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "primary_color");
    if (v != NULL && !hd_api_brand_color_ok(v)) {
        return hd_api_field_error(op, "primary_color",
                                  "a colour as #rrggbb, e.g. #1d4ed8");
    }

    v = cJSON_GetObjectItemCaseSensitive(body, "accent_color");
    if (v != NULL && !hd_api_brand_color_ok(v)) {
        return hd_api_field_error(op, "accent_color",
                                  "a colour as #rrggbb, e.g. #0d9488");
    }

    logo = cJSON_GetObjectItemCaseSensitive(body, "logo");
    if (logo != NULL && !cJSON_IsNull(logo)) {
        if (!cJSON_IsString(logo)) {
            return hd_api_field_error(op, "logo", "a data: URL with base64 "
                                      "image bytes, or null");
        }

        bytes = hd_api_brand_logo_decode(logo->valuestring, &n, &why);
        if (bytes == NULL) {
            return why ? hd_api_field_error(op, "logo", why)
                       : hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
        }

        type = hd_brand_logo_type(bytes, n);
        if (type == NULL) {
            free(bytes);
            return hd_api_field_error(op, "logo", "a PNG, JPEG or SVG image");
        }
    }

    version = hd_api_if_match(op, "send If-Match with the branding's "
                              "version");
    if (version < 0) {
        free(bytes);
        return HD_API_RESPOND;
    }

    /* what goes to the database as fields: the body without the logo */
    doc = cJSON_Duplicate(body, 1);
    if (doc != NULL) {
        cJSON_DeleteItemFromObjectCaseSensitive(doc, "logo");
    }
    text = doc ? cJSON_PrintUnformatted(doc) : NULL;
    cJSON_Delete(doc);

    if (text == NULL) {
        free(bytes);
        return hd_api_fail(op, HD_PROBLEM_INTERNAL, NULL, NULL);
    }

    hd_plan_start(&op->plan, "select status, body::text from "
                  "branding_save($1::uuid, $2::int, $3::jsonb, $4::boolean, "
                  "$5::bytea, $6, $7::inet, $8)", hd_api_envelope);
    hd_plan_param(&op->plan, op->me.user_id);
    hd_plan_paramf(&op->plan, "%ld", version);
    hd_plan_param(&op->plan, text);
    hd_plan_param(&op->plan, logo != NULL ? "true" : "false");

    if (bytes != NULL) {
        hd_plan_param_bytea(&op->plan, bytes, n);
    } else {
        hd_plan_param(&op->plan, NULL);
    }

    hd_plan_param(&op->plan, type);
    hd_plan_param(&op->plan, op->req->ip);
    hd_plan_param(&op->plan, op->req->ua);

    free(bytes);
    cJSON_free(text);

    return hd_plan_query(op);
}
