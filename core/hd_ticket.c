/*
 * hd_ticket — references, If-Match, body fields, list queries and cursors.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hd_api.h"
#include "hd_b64.h"
#include "hd_ticket.h"


int
hd_ticket_ref_parse(const char *s, size_t len, hd_ticket_ref_t *ref)
{
    size_t     i;
    long long  n;

    memset(ref, 0, sizeof(*ref));

    if (hd_uuid_valid(s, len)) {
        memcpy(ref->id, s, len);
        ref->id[len] = '\0';
        return 1;
    }

    if (len < 5 || len > 4 + 15 || strncasecmp(s, "TKT-", 4) != 0
        || s[4] == '0')
    {
        return 0;
    }

    n = 0;

    for (i = 4; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
        n = n * 10 + (s[i] - '0');
    }

    ref->number = n;
    return 1;
}


long
hd_ticket_if_match(const char *value, size_t len)
{
    long    v;
    size_t  i;

    if (value == NULL) {
        return -1;
    }

    if (len >= 2 && value[0] == 'W' && value[1] == '/') {
        value += 2;
        len -= 2;
    }

    if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
        value++;
        len -= 2;
    }

    if (len == 0 || len > 9 || value[0] == '0') {
        return -1;
    }

    v = 0;

    for (i = 0; i < len; i++) {
        if (value[i] < '0' || value[i] > '9') {
            return -1;
        }
        v = v * 10 + (value[i] - '0');
    }

    return v;
}


/* n decimal digits at s as a number, or -1. */
static int
hd_ticket_digits(const char *s, int n)
{
    int  i, v;

    v = 0;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }

    return v;
}


int
hd_ticket_ts_valid(const char *s, int date_ok)
{
    int          y, mo, d, h, mi, sec, dim;
    const char  *p;

    static const int  days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
                                   30, 31 };

    if (strlen(s) < 10 || s[4] != '-' || s[7] != '-') {
        return 0;
    }

    y = hd_ticket_digits(s, 4);
    mo = hd_ticket_digits(s + 5, 2);
    d = hd_ticket_digits(s + 8, 2);

    if (y < 1 || mo < 1 || mo > 12 || d < 1) {
        return 0;
    }

    dim = days[mo - 1];
    if (mo == 2 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) {
        dim = 28;
    }

    if (d > dim) {
        return 0;
    }

    if (s[10] == '\0') {
        return date_ok;
    }

    p = s + 10;

    if ((*p != 'T' && *p != 't') || strlen(p) < 10 || p[3] != ':'
        || p[6] != ':')
    {
        return 0;
    }

    h = hd_ticket_digits(p + 1, 2);
    mi = hd_ticket_digits(p + 4, 2);
    sec = hd_ticket_digits(p + 7, 2);

    if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) {
        return 0;
    }

    p += 9;

    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char) *p)) {
            return 0;
        }
        while (isdigit((unsigned char) *p)) {
            p++;
        }
    }

    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        return 1;
    }

    if ((*p != '+' && *p != '-') || strlen(p) != 6 || p[3] != ':') {
        return 0;
    }

    h = hd_ticket_digits(p + 1, 2);
    mi = hd_ticket_digits(p + 4, 2);

    return h >= 0 && h <= 23 && mi >= 0 && mi <= 59;
}


/* Code points in a UTF-8 string (the body was checked to be UTF-8). */
static size_t
hd_ticket_chars(const char *s)
{
    size_t  n;

    for (n = 0; *s != '\0'; s++) {
        if (((unsigned char) *s & 0xc0) != 0x80) {
            n++;
        }
    }

    return n;
}


static int
hd_ticket_blank(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
        s++;
    }

    return *s == '\0';
}


/* A status key as the workflow names them: [a-z][a-z_]*, 1-32 bytes. */
static int
hd_ticket_key_valid(const char *s)
{
    size_t  i, len;

    len = strlen(s);

    if (len == 0 || len > 32 || s[0] < 'a' || s[0] > 'z') {
        return 0;
    }

    for (i = 1; i < len; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_')) {
            return 0;
        }
    }

    return 1;
}


static int
hd_ticket_priority_valid(const char *s)
{
    return s[0] == 'P' && s[1] >= '1' && s[1] <= '4' && s[2] == '\0';
}


/* the kinds of value a ticket field takes */
typedef enum {
    HD_TF_TITLE,        /* non-blank string, at most 300 characters */
    HD_TF_TEXT,         /* string, at most 100 000 characters */
    HD_TF_NAME,         /* non-blank string, at most 100 characters */
    HD_TF_PRIORITY,     /* "P1" … "P4" */
    HD_TF_URGENCY,      /* integer 1 … 4 */
    HD_TF_UUID,
    HD_TF_SOURCE,       /* web, email, api */
    HD_TF_OBJECT,       /* a JSON object (custom_json: checked by SQL) */
    HD_TF_STATUS,       /* a workflow key */
    HD_TF_TIME,         /* RFC 3339 date-time */
    HD_TF_NOTE          /* non-blank string, at most 2 000 characters */
} hd_ticket_kind_t;

#define HD_TF_ON_CREATE  0x01
#define HD_TF_ON_PATCH   0x02
#define HD_TF_BOTH       (HD_TF_ON_CREATE | HD_TF_ON_PATCH)

typedef struct {
    const char         *name;
    hd_ticket_kind_t    kind;
    unsigned            group;      /* HD_TICKET_TOUCH_* */
    unsigned            modes;
    int                 nullable;
} hd_ticket_field_t;

static const hd_ticket_field_t  hd_ticket_fields_table[] = {
    { "title",        HD_TF_TITLE,    HD_TICKET_TOUCH_CONTENT, HD_TF_BOTH, 0 },
    { "description",  HD_TF_TEXT,     HD_TICKET_TOUCH_CONTENT, HD_TF_BOTH, 0 },
    { "priority",     HD_TF_PRIORITY, HD_TICKET_TOUCH_CONTENT, HD_TF_BOTH, 0 },
    { "urgency",      HD_TF_URGENCY,  HD_TICKET_TOUCH_CONTENT, HD_TF_BOTH, 1 },
    { "category",     HD_TF_NAME,     HD_TICKET_TOUCH_CONTENT, HD_TF_BOTH, 1 },
    { "subcategory",  HD_TF_NAME,     HD_TICKET_TOUCH_CONTENT, HD_TF_BOTH, 1 },
    { "custom_json",  HD_TF_OBJECT,   HD_TICKET_TOUCH_CONTENT, HD_TF_BOTH, 0 },
    { "scheduled_at", HD_TF_TIME,     HD_TICKET_TOUCH_CONTENT,
      HD_TF_ON_PATCH, 1 },
    { "status",       HD_TF_STATUS,   HD_TICKET_TOUCH_STATUS,
      HD_TF_ON_PATCH, 0 },
    { "note",         HD_TF_NOTE,     HD_TICKET_TOUCH_STATUS,
      HD_TF_ON_PATCH, 0 },
    { "assignee_id",  HD_TF_UUID,     HD_TICKET_TOUCH_ASSIGN,  HD_TF_BOTH, 1 },
    { "team_id",      HD_TF_UUID,     HD_TICKET_TOUCH_ASSIGN,  HD_TF_BOTH, 1 },
    { "requester_id", HD_TF_UUID,     HD_TICKET_TOUCH_BEHALF,
      HD_TF_ON_CREATE, 0 },
    { "source",       HD_TF_SOURCE,   HD_TICKET_TOUCH_BEHALF,
      HD_TF_ON_CREATE, 0 },
    { NULL, 0, 0, 0, 0 }
};

/* Fields a ticket has that no request sets. */
static const char  *hd_ticket_server_owned[] = {
    "id", "number", "version", "created_at", "updated_at", "deleted_at",
    "due_at", "csat_score", "csat_token", "catalog_form_id", "requester",
    "assignee", "team", NULL
};


static void
hd_ticket_error(hd_ticket_error_t *err, const char *field, const char *fmt,
    const char *arg)
{
    snprintf(err->field, sizeof(err->field), "%.63s", field);
    snprintf(err->message, sizeof(err->message), fmt, arg);
}


/*
 * Checks one present value against its field's kind.  Returns 1, or 0 with
 * the reason in *err.
 */
static int
hd_ticket_value_ok(const hd_ticket_field_t *f, const cJSON *v,
    hd_ticket_error_t *err)
{
    const char  *s;

    if (cJSON_IsNull(v)) {
        if (f->nullable) {
            return 1;
        }
        hd_ticket_error(err, f->name, "\"%s\" cannot be null", f->name);
        return 0;
    }

    if (f->kind == HD_TF_URGENCY) {
        if (cJSON_IsNumber(v) && v->valuedouble == (double) v->valueint
            && v->valueint >= 1 && v->valueint <= 4)
        {
            return 1;
        }
        hd_ticket_error(err, f->name, "%s is an integer from 1 to 4",
                        f->name);
        return 0;
    }

    if (f->kind == HD_TF_OBJECT) {
        if (cJSON_IsObject(v)) {
            return 1;
        }
        hd_ticket_error(err, f->name, "%s is an object", f->name);
        return 0;
    }

    if (!cJSON_IsString(v)) {
        hd_ticket_error(err, f->name, "%s is a string", f->name);
        return 0;
    }

    s = v->valuestring;

    switch (f->kind) {

    case HD_TF_TITLE:
        if (!hd_ticket_blank(s) && hd_ticket_chars(s) <= 300) {
            return 1;
        }
        hd_ticket_error(err, f->name, "%s is 1 to 300 characters, "
                        "not blank", f->name);
        return 0;

    case HD_TF_TEXT:
        if (hd_ticket_chars(s) <= 100000) {
            return 1;
        }
        hd_ticket_error(err, f->name, "%s is at most 100000 characters",
                        f->name);
        return 0;

    case HD_TF_NAME:
        if (!hd_ticket_blank(s) && hd_ticket_chars(s) <= 100) {
            return 1;
        }
        hd_ticket_error(err, f->name, "%s is 1 to 100 characters, "
                        "not blank", f->name);
        return 0;

    case HD_TF_NOTE:
        if (!hd_ticket_blank(s) && hd_ticket_chars(s) <= 2000) {
            return 1;
        }
        hd_ticket_error(err, f->name, "%s is 1 to 2000 characters, "
                        "not blank", f->name);
        return 0;

    case HD_TF_PRIORITY:
        if (hd_ticket_priority_valid(s)) {
            return 1;
        }
        hd_ticket_error(err, f->name, "%s is one of P1, P2, P3, P4",
                        f->name);
        return 0;

    case HD_TF_UUID:
        if (hd_uuid_valid(s, strlen(s))) {
            return 1;
        }
        hd_ticket_error(err, f->name, "%s is an id (UUID)", f->name);
        return 0;

    case HD_TF_SOURCE:
        if (strcmp(s, "web") == 0 || strcmp(s, "email") == 0
            || strcmp(s, "api") == 0)
        {
            return 1;
        }
        hd_ticket_error(err, f->name, "%s is one of web, email, api",
                        f->name);
        return 0;

    case HD_TF_STATUS:
        if (hd_ticket_key_valid(s)) {
            return 1;
        }
        hd_ticket_error(err, f->name, "%s is a status key such as "
                        "\"in_progress\"", f->name);
        return 0;

    case HD_TF_TIME:
        if (hd_ticket_ts_valid(s, 0)) {
            return 1;
        }
        hd_ticket_error(err, f->name, "%s is an RFC 3339 date-time with "
                        "an offset", f->name);
        return 0;

    default:
        return 0;
    }
}


static const hd_ticket_field_t *
hd_ticket_field_find(const char *name)
{
    const hd_ticket_field_t  *f;

    for (f = hd_ticket_fields_table; f->name != NULL; f++) {
        if (strcmp(f->name, name) == 0) {
            return f;
        }
    }

    return NULL;
}


static int
hd_ticket_is_server_owned(const char *name)
{
    const char  **p;

    for (p = hd_ticket_server_owned; *p != NULL; p++) {
        if (strcmp(*p, name) == 0) {
            return 1;
        }
    }

    return 0;
}


cJSON *
hd_ticket_fields(const cJSON *body, hd_ticket_mode_t mode, unsigned may,
    unsigned *touched, const char **note, hd_ticket_error_t *err)
{
    cJSON                    *out, *item, *copy;
    unsigned                  flag;
    const hd_ticket_field_t  *f;

    *touched = 0;
    *note = NULL;
    memset(err, 0, sizeof(*err));

    if (!cJSON_IsObject(body)) {
        hd_ticket_error(err, "", "%sthe body must be a JSON object", "");
        return NULL;
    }

    out = cJSON_CreateObject();
    if (out == NULL) {
        hd_ticket_error(err, "", "%sout of memory", "");
        return NULL;
    }

    flag = mode == HD_TICKET_CREATE ? HD_TF_ON_CREATE : HD_TF_ON_PATCH;

    cJSON_ArrayForEach(item, body) {
        f = hd_ticket_field_find(item->string);

        if (f == NULL && hd_ticket_is_server_owned(item->string)) {
            hd_ticket_error(err, item->string, "\"%.60s\" is set by the "
                            "server and cannot be written", item->string);
            goto failed;
        }

        if (f == NULL) {
            hd_ticket_error(err, item->string, "unknown field \"%.60s\"",
                            item->string);
            goto failed;
        }

        if (!(f->modes & flag)) {
            hd_ticket_error(err, f->name, mode == HD_TICKET_CREATE
                            ? "\"%s\" cannot be set when creating a ticket"
                            : "\"%s\" cannot be changed after creation",
                            f->name);
            goto failed;
        }

        if (!(f->group & may)) {
            hd_ticket_error(err, f->name, "\"%s\" is read-only for your "
                            "role", f->name);
            goto failed;
        }

        if (!hd_ticket_value_ok(f, item, err)) {
            goto failed;
        }

        *touched |= f->group;

        if (strcmp(f->name, "note") == 0) {
            *note = item->valuestring;
            continue;
        }

        copy = cJSON_Duplicate(item, 1);
        if (copy == NULL || !cJSON_AddItemToObject(out, f->name, copy)) {
            cJSON_Delete(copy);
            hd_ticket_error(err, "", "%sout of memory", "");
            goto failed;
        }
    }

    if (mode == HD_TICKET_CREATE
        && cJSON_GetObjectItemCaseSensitive(out, "title") == NULL)
    {
        hd_ticket_error(err, "title", "%s is required", "title");
        goto failed;
    }

    if (mode == HD_TICKET_PATCH && *note != NULL
        && cJSON_GetObjectItemCaseSensitive(out, "status") == NULL)
    {
        hd_ticket_error(err, "note", "a %s goes with a status change",
                        "note");
        goto failed;
    }

    if (mode == HD_TICKET_PATCH && *touched == 0) {
        hd_ticket_error(err, "", "%sthe body changes nothing", "");
        goto failed;
    }

    return out;

failed:

    cJSON_Delete(out);
    return NULL;
}


/* list queries */

static const char  *hd_ticket_sort_names[HD_TICKET_SORT_COUNT] = {
    "created_at", "updated_at", "number", "priority"
};

static const char  *hd_ticket_query_args[] = {
    "status", "priority", "team_id", "assignee_id", "requester_id",
    "category", "created_after", "created_before", "updated_after",
    "updated_before", "sla_state", "sort", "limit", "cursor", NULL
};


const char *
hd_ticket_sort_name(hd_ticket_sort_t sort)
{
    if ((unsigned) sort >= HD_TICKET_SORT_COUNT) {
        return NULL;
    }

    return hd_ticket_sort_names[sort];
}


/*
 * Reads argument name into buf: 0 when absent, 1 when present (and fits),
 * -1 (with *err) when it cannot be decoded or is too long.
 */
static int
hd_ticket_arg(const char *query, size_t len, const char *name, char *buf,
    size_t size, hd_ticket_error_t *err)
{
    int          n;
    const char  *p;
    size_t       nlen;

    n = hd_query_arg(query, len, name, buf, size);
    if (n >= 0) {
        return 1;
    }

    /* absent, or present but bad? */

    nlen = strlen(name);

    for (p = query; p != NULL && p < query + len; ) {
        if ((size_t) (query + len - p) > nlen && p[nlen] == '='
            && memcmp(p, name, nlen) == 0)
        {
            hd_ticket_error(err, name, "the %s argument is too long or "
                            "badly encoded", name);
            return -1;
        }

        p = memchr(p, '&', (size_t) (query + len - p));
        if (p != NULL) {
            p++;
        }
    }

    buf[0] = '\0';
    return 0;
}


/*
 * A comma-separated list as a SQL array literal "{a,b}" of values that pass
 * valid().  Returns 1, or 0 with *err.
 */
static int
hd_ticket_list_arg(const char *name, char *value, int (*valid)(const char *),
    char *out, size_t size, hd_ticket_error_t *err)
{
    int     n;
    char   *item, *save;
    size_t  used;

    used = 0;
    n = 0;
    out[used++] = '{';

    for (item = strtok_r(value, ",", &save); item != NULL;
         item = strtok_r(NULL, ",", &save))
    {
        if (!valid(item) || ++n > HD_TICKET_LIST_MAX
            || used + strlen(item) + 3 > size)
        {
            hd_ticket_error(err, name, "%s is a comma-separated list of "
                            "known values (at most 20)", name);
            return 0;
        }

        if (n > 1) {
            out[used++] = ',';
        }

        memcpy(out + used, item, strlen(item));
        used += strlen(item);
    }

    if (n == 0) {
        hd_ticket_error(err, name, "%s names no value", name);
        return 0;
    }

    out[used++] = '}';
    out[used] = '\0';

    return 1;
}


/* Every argument of the query string must be one the endpoint knows. */
static int
hd_ticket_args_known(const char *query, size_t len, hd_ticket_error_t *err)
{
    char          name[64];
    size_t        n;
    const char   *p, *end, *eq, **a;

    p = query;

    while (p < query + len) {
        end = memchr(p, '&', (size_t) (query + len - p));
        if (end == NULL) {
            end = query + len;
        }

        eq = memchr(p, '=', (size_t) (end - p));
        n = (size_t) ((eq ? eq : end) - p);

        if (n > 0) {
            snprintf(name, sizeof(name), "%.*s", (int) (n < 60 ? n : 60), p);

            for (a = hd_ticket_query_args; *a != NULL; a++) {
                if (strlen(*a) == n && memcmp(*a, p, n) == 0) {
                    break;
                }
            }

            if (*a == NULL) {
                hd_ticket_error(err, name, "unknown query argument "
                                "\"%.60s\"", name);
                return 0;
            }
        }

        p = end + 1;
    }

    return 1;
}


static int
hd_ticket_uuid_arg(const char *query, size_t len, const char *name,
    char *out, hd_ticket_error_t *err)
{
    int   rc;
    char  buf[64];

    rc = hd_ticket_arg(query, len, name, buf, sizeof(buf), err);

    if (rc < 0) {
        return 0;
    }

    out[0] = '\0';

    if (rc == 0) {
        return 1;
    }

    if (!hd_uuid_valid(buf, strlen(buf))) {
        hd_ticket_error(err, name, "%s is an id (UUID)", name);
        return 0;
    }

    memcpy(out, buf, HD_UUID_LEN + 1);
    return 1;
}


static int
hd_ticket_time_arg(const char *query, size_t len, const char *name,
    char *out, size_t size, hd_ticket_error_t *err)
{
    int  rc;

    rc = hd_ticket_arg(query, len, name, out, size, err);

    if (rc < 0) {
        return 0;
    }

    if (rc > 0 && !hd_ticket_ts_valid(out, 1)) {
        hd_ticket_error(err, name, "%s is a date (YYYY-MM-DD) or an "
                        "RFC 3339 date-time", name);
        return 0;
    }

    return 1;
}


int
hd_ticket_query_parse(const char *query, size_t len, hd_ticket_query_t *q,
    hd_ticket_error_t *err)
{
    int     i, rc;
    char    buf[HD_TICKET_LIST_MAX * 33 + 8], *end;
    double  limit;

    memset(q, 0, sizeof(*q));
    memset(err, 0, sizeof(*err));
    q->sort = HD_TICKET_SORT_CREATED_AT;
    q->desc = 1;
    q->limit = HD_TICKET_LIMIT_DEFAULT;

    if (query == NULL) {
        query = "";
        len = 0;
    }

    if (!hd_ticket_args_known(query, len, err)) {
        return 0;
    }

    rc = hd_ticket_arg(query, len, "sort", buf, sizeof(buf), err);
    if (rc < 0) {
        return 0;
    }

    if (rc > 0) {
        q->desc = buf[0] == '-';

        for (i = 0; i < HD_TICKET_SORT_COUNT; i++) {
            if (strcmp(buf + q->desc, hd_ticket_sort_names[i]) == 0) {
                break;
            }
        }

        if (i == HD_TICKET_SORT_COUNT) {
            hd_ticket_error(err, "sort", "%ssort is one of created_at, "
                            "updated_at, number, priority, each with an "
                            "optional \"-\" for descending", "");
            return 0;
        }

        q->sort = (hd_ticket_sort_t) i;
    }

    rc = hd_ticket_arg(query, len, "limit", buf, sizeof(buf), err);
    if (rc < 0) {
        return 0;
    }

    /* a number of at least 1; more than the maximum is clamped to it
       (limit=1e9 asks for "everything", which is one full page) */

    if (rc > 0) {
        limit = strtod(buf, &end);
        if (buf[0] < '0' || buf[0] > '9' || *end != '\0' || !(limit >= 1)) {
            hd_ticket_error(err, "limit", "%slimit is a number of at least "
                            "1 (at most 100 are returned)", "");
            return 0;
        }
        q->limit = limit > HD_TICKET_LIMIT_MAX ? HD_TICKET_LIMIT_MAX
                                               : (int) limit;
    }

    rc = hd_ticket_arg(query, len, "status", buf, sizeof(buf), err);
    if (rc < 0 || (rc > 0 && !hd_ticket_list_arg("status", buf,
                                                 hd_ticket_key_valid,
                                                 q->status,
                                                 sizeof(q->status), err)))
    {
        return 0;
    }

    rc = hd_ticket_arg(query, len, "priority", buf, sizeof(buf), err);
    if (rc < 0 || (rc > 0 && !hd_ticket_list_arg("priority", buf,
                                                 hd_ticket_priority_valid,
                                                 q->priority,
                                                 sizeof(q->priority), err)))
    {
        return 0;
    }

    /* assignee_id=none: the tickets nobody is assigned to */

    rc = hd_ticket_arg(query, len, "assignee_id", buf, sizeof(buf), err);
    if (rc < 0) {
        return 0;
    }

    q->unassigned = rc > 0 && strcmp(buf, "none") == 0;

    if (!hd_ticket_uuid_arg(query, len, "team_id", q->team_id, err)
        || (!q->unassigned
            && !hd_ticket_uuid_arg(query, len, "assignee_id", q->assignee_id,
                                   err))
        || !hd_ticket_uuid_arg(query, len, "requester_id", q->requester_id,
                               err))
    {
        return 0;
    }

    rc = hd_ticket_arg(query, len, "category", q->category,
                       sizeof(q->category), err);
    if (rc < 0) {
        return 0;
    }

    if (rc > 0 && q->category[0] == '\0') {
        hd_ticket_error(err, "category", "%scategory is not empty", "");
        return 0;
    }

    if (!hd_ticket_time_arg(query, len, "created_after", q->created_after,
                            sizeof(q->created_after), err)
        || !hd_ticket_time_arg(query, len, "created_before",
                               q->created_before, sizeof(q->created_before),
                               err)
        || !hd_ticket_time_arg(query, len, "updated_after", q->updated_after,
                               sizeof(q->updated_after), err)
        || !hd_ticket_time_arg(query, len, "updated_before",
                               q->updated_before, sizeof(q->updated_before),
                               err))
    {
        return 0;
    }

    rc = hd_ticket_arg(query, len, "sla_state", q->sla_state,
                       sizeof(q->sla_state), err);
    if (rc < 0) {
        return 0;
    }

    if (rc > 0 && strcmp(q->sla_state, "at_risk") != 0
        && strcmp(q->sla_state, "breached") != 0
        && strcmp(q->sla_state, "paused") != 0
        && strcmp(q->sla_state, "ok") != 0
        && strcmp(q->sla_state, "met") != 0)
    {
        hd_ticket_error(err, "sla_state", "%sone of at_risk, breached, "
                        "paused, ok, met", "");
        return 0;
    }

    rc = hd_ticket_arg(query, len, "cursor", buf, sizeof(buf), err);
    if (rc < 0) {
        return 0;
    }

    if (rc > 0 && !hd_ticket_cursor_decode(buf, strlen(buf), q)) {
        hd_ticket_error(err, "cursor", "%sthe cursor is not one this "
                        "listing (with this sort) gave out", "");
        return 0;
    }

    return 1;
}


/*
 * A cursor is the base64url of "v1|<sort>|<a or d>|<key>|<id>".  It is
 * opaque to clients; the key is checked by the database's cast.
 */
size_t
hd_ticket_cursor_encode(hd_ticket_sort_t sort, int desc, const char *key,
    const char *id, char *out, size_t size)
{
    int     n;
    char    plain[160];

    if ((unsigned) sort >= HD_TICKET_SORT_COUNT || strchr(key, '|') != NULL
        || strlen(key) >= 64)
    {
        return 0;
    }

    n = snprintf(plain, sizeof(plain), "v1|%s|%c|%s|%s",
                 hd_ticket_sort_names[sort], desc ? 'd' : 'a', key, id);

    if (n < 0 || (size_t) n >= sizeof(plain)
        || HD_B64URL_ENCODED_LEN((size_t) n) + 1 > size)
    {
        return 0;
    }

    return hd_b64url_encode((unsigned char *) plain, (size_t) n, out);
}


int
hd_ticket_cursor_decode(const char *cursor, size_t len, hd_ticket_query_t *q)
{
    char    plain[160], *f[5], *p;
    int     i;
    size_t  n;

    if (len == 0 || len > 200
        || hd_b64url_decode(cursor, len, (unsigned char *) plain,
                            sizeof(plain) - 1, &n) != 0)
    {
        return 0;
    }

    plain[n] = '\0';

    if (strlen(plain) != n) {
        return 0;
    }

    p = plain;

    for (i = 0; i < 5; i++) {
        f[i] = p;
        p = strchr(p, '|');

        if (i < 4) {
            if (p == NULL) {
                return 0;
            }
            *p++ = '\0';
        }
    }

    if (p != NULL || strcmp(f[0], "v1") != 0
        || strcmp(f[1], hd_ticket_sort_names[q->sort]) != 0
        || strcmp(f[2], q->desc ? "d" : "a") != 0
        || f[3][0] == '\0' || strlen(f[3]) >= sizeof(q->after_key)
        || !hd_uuid_valid(f[4], strlen(f[4])))
    {
        return 0;
    }

    memcpy(q->after_key, f[3], strlen(f[3]) + 1);
    memcpy(q->after_id, f[4], HD_UUID_LEN + 1);
    q->has_cursor = 1;

    return 1;
}
