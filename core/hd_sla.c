/*
 * hd_sla — calendars as the SLA engine stores them (see hd_sla.h).
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hd_sla.h"


int
hd_sla_parse_hhmm(const char *s, int allow_24, unsigned *sec)
{
    unsigned  h, m;

    if (strlen(s) != 5 || s[2] != ':'
        || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9'
        || s[3] < '0' || s[3] > '9' || s[4] < '0' || s[4] > '9')
    {
        return -1;
    }

    h = (unsigned) (s[0] - '0') * 10 + (unsigned) (s[1] - '0');
    m = (unsigned) (s[3] - '0') * 10 + (unsigned) (s[4] - '0');

    if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24))) {
        return -1;
    }

    *sec = h * 3600 + m * 60;
    return 0;
}


/* "YYYY-MM-DD", a real date, into hol (a whole day). */
static int
hd_sla_parse_date(const char *s, hd_cal_holiday_t *hol)
{
    static const int  mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
                                  30, 31 };
    int               y, m, d, leap;
    size_t            i;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') {
        return -1;
    }

    for (i = 0; i < 10; i++) {
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) {
            return -1;
        }
    }

    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10
        + (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');

    if (y < 1900 || y > 2399 || m < 1 || m > 12 || d < 1
        || d > mdays[m - 1])
    {
        return -1;
    }

    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    if (m == 2 && d == 29 && !leap) {
        return -1;
    }

    memset(hol, 0, sizeof(*hol));
    hol->year = y;
    hol->month = m;
    hol->day = d;

    return 0;
}


static int
hd_sla_int_member(const cJSON *o, const char *name, int lo, int hi,
    unsigned *out)
{
    const cJSON  *v;

    v = cJSON_GetObjectItemCaseSensitive(o, name);

    if (!cJSON_IsNumber(v) || v->valuedouble != (double) v->valueint
        || v->valueint < lo || v->valueint > hi)
    {
        return -1;
    }

    *out = (unsigned) v->valueint;
    return 0;
}


const char *
hd_sla_cal_parse(const cJSON *def, hd_sla_cal_t *cal)
{
    const cJSON  *tz, *ws, *hs, *w, *h, *date;

    memset(cal, 0, sizeof(*cal));

    tz = cJSON_GetObjectItemCaseSensitive(def, "tz");
    if (!cJSON_IsString(tz) || tz->valuestring[0] == '\0'
        || strlen(tz->valuestring) > HD_CAL_TZ_MAX)
    {
        return "a time zone name is expected";
    }

    memcpy(cal->tz, tz->valuestring, strlen(tz->valuestring) + 1);

    ws = cJSON_GetObjectItemCaseSensitive(def, "windows");
    if (!cJSON_IsArray(ws) || cJSON_GetArraySize(ws) > HD_CAL_MAX_WINDOWS) {
        return "an array of at most 256 windows is expected";
    }

    cJSON_ArrayForEach(w, ws) {
        hd_cal_window_t  *cw = &cal->windows[cal->nwindows];

        if (hd_sla_int_member(w, "dow", 0, 6, &cw->dow) != 0
            || hd_sla_int_member(w, "start_sec", 0, 86399, &cw->start_sec)
               != 0
            || hd_sla_int_member(w, "end_sec", 1, 86400, &cw->end_sec) != 0
            || cw->start_sec == cw->end_sec)
        {
            return "a window is {dow 0-6, start_sec, end_sec}";
        }

        cal->nwindows++;
    }

    hs = cJSON_GetObjectItemCaseSensitive(def, "holidays");
    if (hs == NULL) {
        return NULL;
    }

    if (!cJSON_IsArray(hs) || cJSON_GetArraySize(hs) > HD_SLA_HOLIDAYS_MAX) {
        return "an array of at most 1000 holidays is expected";
    }

    cJSON_ArrayForEach(h, hs) {
        date = cJSON_IsObject(h) ? cJSON_GetObjectItemCaseSensitive(h, "date")
                                 : h;

        if (!cJSON_IsString(date)
            || hd_sla_parse_date(date->valuestring,
                                 &cal->holidays[cal->nholidays]) != 0)
        {
            return "a holiday is a date, YYYY-MM-DD";
        }

        cal->nholidays++;
    }

    return NULL;
}


/* {dow, start, end} of the API into the stored {dow, start_sec, end_sec}. */
static const char *
hd_sla_api_window(const cJSON *w, cJSON *out)
{
    unsigned      dow, start, end;
    const cJSON  *s, *e;
    cJSON        *o;

    s = cJSON_GetObjectItemCaseSensitive(w, "start");
    e = cJSON_GetObjectItemCaseSensitive(w, "end");

    if (!cJSON_IsObject(w) || cJSON_GetArraySize(w) != 3
        || hd_sla_int_member(w, "dow", 0, 6, &dow) != 0
        || !cJSON_IsString(s) || !cJSON_IsString(e))
    {
        return "each window is {\"dow\": 0-6 (0 = Sunday), \"start\": "
               "\"HH:MM\", \"end\": \"HH:MM\"}";
    }

    if (hd_sla_parse_hhmm(s->valuestring, 0, &start) != 0
        || hd_sla_parse_hhmm(e->valuestring, 1, &end) != 0)
    {
        return "start is 00:00-23:59 and end 00:01-24:00";
    }

    if (end == 0) {
        end = 86400;
    }

    if (start == end) {
        return "a window's start and end differ (end before start is an "
               "overnight shift)";
    }

    o = cJSON_CreateObject();
    if (o == NULL) {
        return "out of memory";
    }

    cJSON_AddNumberToObject(o, "dow", dow);
    cJSON_AddNumberToObject(o, "start_sec", start);
    cJSON_AddNumberToObject(o, "end_sec", end);
    cJSON_AddItemToArray(out, o);

    return NULL;
}


static const char *
hd_sla_api_holiday(const cJSON *h, cJSON *out)
{
    hd_cal_holiday_t  hol;
    const cJSON      *d, *l;
    cJSON            *o;

    d = cJSON_GetObjectItemCaseSensitive(h, "date");
    l = cJSON_GetObjectItemCaseSensitive(h, "label");

    if (!cJSON_IsObject(h) || cJSON_GetArraySize(h) != 2
        || !cJSON_IsString(d) || !cJSON_IsString(l))
    {
        return "each holiday is {\"date\": \"YYYY-MM-DD\", \"label\": "
               "\"...\"}";
    }

    if (hd_sla_parse_date(d->valuestring, &hol) != 0) {
        return "a holiday's date is a real date, YYYY-MM-DD";
    }

    if (l->valuestring[strspn(l->valuestring, " \t")] == '\0'
        || strlen(l->valuestring) > 200)
    {
        return "a holiday's label is 1 to 200 bytes";
    }

    o = cJSON_CreateObject();
    if (o == NULL) {
        return "out of memory";
    }

    cJSON_AddStringToObject(o, "date", d->valuestring);
    cJSON_AddStringToObject(o, "label", l->valuestring);
    cJSON_AddItemToArray(out, o);

    return NULL;
}


const char *
hd_sla_api_calendar(const cJSON *body, cJSON **stored, const char **field)
{
    const char    *err;
    const cJSON   *name, *tz, *def, *ws, *hs, *v;
    cJSON         *out, *wo, *ho;
    hd_cal_t      *cal;
    hd_sla_cal_t  *parsed;
    hd_cal_rc_t    rc;
    hd_cal_def_t   cd;

    *stored = NULL;

    name = cJSON_GetObjectItemCaseSensitive(body, "name");
    tz = cJSON_GetObjectItemCaseSensitive(body, "tz");
    def = cJSON_GetObjectItemCaseSensitive(body, "is_default");
    ws = cJSON_GetObjectItemCaseSensitive(body, "windows");
    hs = cJSON_GetObjectItemCaseSensitive(body, "holidays");

    *field = "name";
    if (!cJSON_IsString(name)
        || name->valuestring[strspn(name->valuestring, " \t")] == '\0'
        || strlen(name->valuestring) > 200)
    {
        return "a name of 1 to 200 bytes";
    }

    *field = "tz";
    if (!cJSON_IsString(tz) || tz->valuestring[0] == '\0'
        || strlen(tz->valuestring) > HD_CAL_TZ_MAX)
    {
        return "a time zone of the tz database, e.g. \"Europe/London\"";
    }

    *field = "is_default";
    if (def != NULL && !cJSON_IsBool(def)) {
        return "true or false is expected";
    }

    *field = "windows";
    if (!cJSON_IsArray(ws) || cJSON_GetArraySize(ws) > HD_CAL_MAX_WINDOWS) {
        return "an array of at most 256 weekly windows";
    }

    *field = "holidays";
    if (hs != NULL
        && (!cJSON_IsArray(hs)
            || cJSON_GetArraySize(hs) > HD_SLA_HOLIDAYS_MAX))
    {
        return "an array of at most 1000 holidays";
    }

    out = cJSON_CreateObject();
    wo = cJSON_AddArrayToObject(out, "windows");
    ho = cJSON_AddArrayToObject(out, "holidays");

    if (out == NULL || wo == NULL || ho == NULL
        || cJSON_AddStringToObject(out, "name", name->valuestring) == NULL
        || cJSON_AddStringToObject(out, "tz", tz->valuestring) == NULL
        || cJSON_AddBoolToObject(out, "is_default", cJSON_IsTrue(def))
           == NULL)
    {
        cJSON_Delete(out);
        *field = NULL;
        return "out of memory";
    }

    *field = "windows";
    cJSON_ArrayForEach(v, ws) {
        if ((err = hd_sla_api_window(v, wo)) != NULL) {
            cJSON_Delete(out);
            return err;
        }
    }

    *field = "holidays";
    cJSON_ArrayForEach(v, hs) {
        if ((err = hd_sla_api_holiday(v, ho)) != NULL) {
            cJSON_Delete(out);
            return err;
        }
    }

    /* what the stored shape says must also make a calendar */

    parsed = malloc(sizeof(hd_sla_cal_t));
    if (parsed == NULL) {
        cJSON_Delete(out);
        *field = NULL;
        return "out of memory";
    }

    *field = "windows";
    err = hd_sla_cal_parse(out, parsed);

    if (err == NULL) {
        cd.tz = parsed->tz;
        cd.windows = parsed->windows;
        cd.nwindows = parsed->nwindows;
        cd.holidays = parsed->holidays;
        cd.nholidays = parsed->nholidays;

        /* a day's expansion checks the zone and every window */
        rc = hd_cal_expand(&cd, 0, HD_CAL_DAY_MS, &cal);

        if (rc == HD_CAL_OK) {
            hd_cal_free(cal);

        } else if (rc == HD_CAL_EZONE) {
            *field = "tz";
            err = "not a time zone of the tz database";

        } else {
            err = hd_cal_strerror(rc);
        }
    }

    free(parsed);

    if (err != NULL) {
        cJSON_Delete(out);
        return err;
    }

    *field = NULL;
    *stored = out;
    return NULL;
}


hd_cal_rc_t
hd_sla_expand(const hd_sla_cal_t *cal, int64_t at, hd_sla_expansion_t *x)
{
    size_t        i;
    int64_t       s, e;
    hd_cal_t     *c;
    hd_cal_rc_t   rc;
    hd_cal_def_t  cd;
    char          num[24];

    memset(x, 0, sizeof(*x));

    x->from = at - HD_SLA_EXPAND_BACK_MS;
    x->to = at + HD_SLA_EXPAND_AHEAD_MS;

    if (x->from < HD_CAL_MIN_MS) {
        x->from = HD_CAL_MIN_MS;
    }

    if (x->to > HD_CAL_MAX_MS) {
        x->to = HD_CAL_MAX_MS;
    }

    cd.tz = cal->tz;
    cd.windows = cal->windows;
    cd.nwindows = cal->nwindows;
    cd.holidays = cal->holidays;
    cd.nholidays = cal->nholidays;

    rc = hd_cal_expand(&cd, x->from, x->to, &c);
    if (rc != HD_CAL_OK) {
        return rc;
    }

    x->count = hd_cal_count(c);

    hd_buf_init(&x->starts, x->count * 15 + 3);
    hd_buf_init(&x->ends, x->count * 15 + 3);
    hd_buf_add(&x->starts, "{", 1);
    hd_buf_add(&x->ends, "{", 1);

    for (i = 0; i < x->count; i++) {
        hd_cal_interval(c, i, &s, &e);

        if (i > 0) {
            hd_buf_add(&x->starts, ",", 1);
            hd_buf_add(&x->ends, ",", 1);
        }

        hd_buf_add(&x->starts, num,
                   (size_t) snprintf(num, sizeof(num), "%" PRId64, s));
        hd_buf_add(&x->ends, num,
                   (size_t) snprintf(num, sizeof(num), "%" PRId64, e));
    }

    hd_buf_add(&x->starts, "}", 1);
    hd_buf_add(&x->ends, "}", 1);

    hd_cal_free(c);

    if (x->starts.failed || x->ends.failed) {
        hd_sla_expansion_free(x);
        return HD_CAL_ENOMEM;
    }

    return HD_CAL_OK;
}


void
hd_sla_expansion_free(hd_sla_expansion_t *x)
{
    hd_buf_free(&x->starts);
    hd_buf_free(&x->ends);
}
