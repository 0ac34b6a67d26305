/*
 * hd_cal — business-time arithmetic: a calendar expanded once into UTC
 * business intervals, then answered by binary search.
 *
 * Expansion walks the local days of the range (one day either side, for
 * overnight shifts and offsets), turns each window's wall-clock edges into
 * instants with ICU, subtracts the holidays, merges and clips to the range
 * and stores, for each interval, its start, its end and the business time
 * from the range's start to its end.  Business time before an instant t is
 * then one binary search over the starts; elapsed(a, b) is two of them and
 * add() a second search over the running sums.
 */

#include <stdlib.h>
#include <string.h>

#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "hd_cal.h"


struct hd_cal_s {
    int64_t   from;
    int64_t   to;
    size_t    n;
    int64_t  *start;            /* interval i is [start[i], end[i]) */
    int64_t  *end;
    int64_t  *cum;              /* business ms in [from, end[i]) */
};

typedef struct {
    int64_t   s;
    int64_t   e;
} hd_cal_span_t;


/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
hd_cal_days(int64_t y, int m, int d)
{
    int64_t  era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}


/* The date of day z (days since 1970-01-01); the inverse of the above. */
static void
hd_cal_civil(int64_t z, int *y, int *m, int *d)
{
    int64_t  era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;

    *d = (int) (doy - (153 * mp + 2) / 5 + 1);
    *m = (int) (mp < 10 ? mp + 3 : mp - 9);
    *y = (int) (yoe + era * 400 + (*m <= 2));
}


/* 0 = Sunday .. 6 = Saturday; 1970-01-01 was a Thursday. */
static unsigned
hd_cal_dow(int64_t day)
{
    int64_t  r;

    r = (day + 4) % 7;

    return (unsigned) (r < 0 ? r + 7 : r);
}


/*
 * Opens an ICU calendar on zone name tz, set to read skipped wall times as
 * the next valid instant and repeated ones as their first occurrence.
 * Only zones of the tz database pass; ICU would take any other name as
 * GMT.
 */
static hd_cal_rc_t
hd_cal_tz_open(const char *tz, UCalendar **out)
{
    UBool       sys;
    UChar       id[HD_CAL_TZ_MAX + 1], canon[HD_CAL_TZ_MAX + 1];
    size_t      len, i;
    UCalendar  *uc;
    UErrorCode  st;

    len = tz != NULL ? strlen(tz) : 0;
    if (len == 0 || len > HD_CAL_TZ_MAX) {
        return HD_CAL_EZONE;
    }

    for (i = 0; i < len; i++) {
        if ((unsigned char) tz[i] <= 0x20 || (unsigned char) tz[i] >= 0x7f) {
            return HD_CAL_EZONE;
        }
    }

    u_charsToUChars(tz, id, (int32_t) len);
    id[len] = 0;

    st = U_ZERO_ERROR;
    sys = 0;
    ucal_getCanonicalTimeZoneID(id, (int32_t) len, canon, HD_CAL_TZ_MAX + 1,
                                &sys, &st);
    if (U_FAILURE(st) || !sys) {
        return HD_CAL_EZONE;
    }

    uc = ucal_open(id, (int32_t) len, "", UCAL_GREGORIAN, &st);
    if (U_FAILURE(st)) {
        return HD_CAL_EZONE;
    }

    ucal_setAttribute(uc, UCAL_SKIPPED_WALL_TIME, UCAL_WALLTIME_NEXT_VALID);
    ucal_setAttribute(uc, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);

    *out = uc;

    return HD_CAL_OK;
}


/* The local date at instant t, as days since 1970-01-01. */
static hd_cal_rc_t
hd_cal_local_day(UCalendar *uc, int64_t t, int64_t *day)
{
    int         y, m, d;
    UErrorCode  st;

    st = U_ZERO_ERROR;
    ucal_setMillis(uc, (UDate) t, &st);
    y = ucal_get(uc, UCAL_EXTENDED_YEAR, &st);
    m = ucal_get(uc, UCAL_MONTH, &st) + 1;
    d = ucal_get(uc, UCAL_DATE, &st);
    if (U_FAILURE(st)) {
        return HD_CAL_EZONE;
    }

    *day = hd_cal_days(y, m, d);

    return HD_CAL_OK;
}


/* The instant of local wall time sec seconds after midnight of day. */
static hd_cal_rc_t
hd_cal_to_utc(UCalendar *uc, int64_t day, unsigned sec, int64_t *t)
{
    int         y, m, d;
    UDate       ms;
    UErrorCode  st;

    day += sec / HD_CAL_DAY_SEC;
    sec %= HD_CAL_DAY_SEC;
    hd_cal_civil(day, &y, &m, &d);

    st = U_ZERO_ERROR;
    ucal_clear(uc);
    ucal_setDateTime(uc, y, m - 1, d, (int32_t) (sec / 3600),
                     (int32_t) (sec / 60 % 60), (int32_t) (sec % 60), &st);
    ms = ucal_getMillis(uc, &st);
    if (U_FAILURE(st)) {
        return HD_CAL_EZONE;
    }

    *t = (int64_t) ms;

    return HD_CAL_OK;
}


static int
hd_cal_span_cmp(const void *a, const void *b)
{
    const hd_cal_span_t  *x = a, *y = b;

    if (x->s != y->s) {
        return x->s < y->s ? -1 : 1;
    }

    return (x->e > y->e) - (x->e < y->e);
}


/* Sorts sp and merges overlapping or touching spans; returns the count. */
static size_t
hd_cal_merge(hd_cal_span_t *sp, size_t n)
{
    size_t  i, k;

    if (n == 0) {
        return 0;
    }

    qsort(sp, n, sizeof(hd_cal_span_t), hd_cal_span_cmp);

    k = 0;
    for (i = 1; i < n; i++) {
        if (sp[i].s <= sp[k].e) {
            if (sp[i].e > sp[k].e) {
                sp[k].e = sp[i].e;
            }
            continue;
        }
        sp[++k] = sp[i];
    }

    return k + 1;
}


static int
hd_cal_days_in_month(int y, int m)
{
    static const int  days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                                 31 };

    if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) {
        return 29;
    }

    return days[m - 1];
}


static hd_cal_rc_t
hd_cal_check(const hd_cal_def_t *def, int64_t from, int64_t to)
{
    size_t                   i;
    const hd_cal_window_t   *w;
    const hd_cal_holiday_t  *h;

    if (from < HD_CAL_MIN_MS || to > HD_CAL_MAX_MS || from > to
        || to - from > HD_CAL_MAX_SPAN_MS
        || def->nwindows > HD_CAL_MAX_WINDOWS
        || (def->nwindows > 0 && def->windows == NULL)
        || (def->nholidays > 0 && def->holidays == NULL))
    {
        return HD_CAL_EINVAL;
    }

    for (i = 0; i < def->nwindows; i++) {
        w = &def->windows[i];
        if (w->dow > 6 || w->start_sec >= HD_CAL_DAY_SEC
            || w->end_sec > HD_CAL_DAY_SEC)
        {
            return HD_CAL_EINVAL;
        }
    }

    for (i = 0; i < def->nholidays; i++) {
        h = &def->holidays[i];
        if (h->month < 1 || h->month > 12 || h->day < 1
            || h->day > hd_cal_days_in_month(h->year, h->month)
            || h->start_sec >= HD_CAL_DAY_SEC
            || h->end_sec > HD_CAL_DAY_SEC
            || (h->end_sec != 0 && h->end_sec <= h->start_sec))
        {
            return HD_CAL_EINVAL;
        }
    }

    return HD_CAL_OK;
}


/*
 * The windows of local days d0..d1 as instants, into a new array *out of
 * *n spans (unsorted; empty ones, such as a window inside a spring-forward
 * gap, left out).
 */
static hd_cal_rc_t
hd_cal_windows(const hd_cal_def_t *def, UCalendar *uc, int64_t d0,
    int64_t d1, hd_cal_span_t **out, size_t *n)
{
    size_t                  i, k, cap, per_dow[7];
    int64_t                 day, s, e;
    hd_cal_rc_t             rc;
    hd_cal_span_t          *sp;
    const hd_cal_window_t  *w;

    memset(per_dow, 0, sizeof(per_dow));
    for (i = 0; i < def->nwindows; i++) {
        per_dow[def->windows[i].dow]++;
    }

    cap = 0;
    for (day = d0; day <= d1; day++) {
        cap += per_dow[hd_cal_dow(day)];
    }

    sp = malloc((cap > 0 ? cap : 1) * sizeof(hd_cal_span_t));
    if (sp == NULL) {
        return HD_CAL_ENOMEM;
    }

    k = 0;
    for (day = d0; day <= d1; day++) {
        for (i = 0; i < def->nwindows; i++) {
            w = &def->windows[i];
            if (w->dow != hd_cal_dow(day)) {
                continue;
            }

            rc = hd_cal_to_utc(uc, day, w->start_sec, &s);
            if (rc == HD_CAL_OK) {
                rc = hd_cal_to_utc(uc, day + (w->end_sec <= w->start_sec),
                                   w->end_sec, &e);
            }
            if (rc != HD_CAL_OK) {
                free(sp);
                return rc;
            }

            if (e > s) {
                sp[k].s = s;
                sp[k++].e = e;
            }
        }
    }

    *out = sp;
    *n = k;

    return HD_CAL_OK;
}


/* The holidays on local days d0..d1 as instants, like hd_cal_windows(). */
static hd_cal_rc_t
hd_cal_holidays(const hd_cal_def_t *def, UCalendar *uc, int64_t d0,
    int64_t d1, hd_cal_span_t **out, size_t *n)
{
    size_t                   i, k;
    int64_t                  day, s, e;
    hd_cal_rc_t              rc;
    hd_cal_span_t           *sp;
    const hd_cal_holiday_t  *h;

    sp = malloc((def->nholidays > 0 ? def->nholidays : 1)
                * sizeof(hd_cal_span_t));
    if (sp == NULL) {
        return HD_CAL_ENOMEM;
    }

    k = 0;
    for (i = 0; i < def->nholidays; i++) {
        h = &def->holidays[i];
        day = hd_cal_days(h->year, h->month, h->day);
        if (day < d0 || day > d1) {
            continue;
        }

        rc = hd_cal_to_utc(uc, day, h->start_sec, &s);
        if (rc == HD_CAL_OK) {
            rc = hd_cal_to_utc(uc, day,
                               h->end_sec ? h->end_sec : HD_CAL_DAY_SEC, &e);
        }
        if (rc != HD_CAL_OK) {
            free(sp);
            return rc;
        }

        if (e > s) {
            sp[k].s = s;
            sp[k++].e = e;
        }
    }

    *out = sp;
    *n = k;

    return HD_CAL_OK;
}


static void
hd_cal_push(hd_cal_t *cal, int64_t s, int64_t e)
{
    int64_t  sum;

    sum = cal->n > 0 ? cal->cum[cal->n - 1] : 0;

    cal->start[cal->n] = s;
    cal->end[cal->n] = e;
    cal->cum[cal->n++] = sum + (e - s);
}


/*
 * Builds the calendar from the merged windows w minus the merged holidays
 * h, clipped to [from, to].  At most nw + nh intervals result: each
 * holiday splits at most one window in two.
 */
static hd_cal_t *
hd_cal_build(int64_t from, int64_t to, const hd_cal_span_t *w, size_t nw,
    const hd_cal_span_t *h, size_t nh)
{
    size_t     i, j, x, n;
    int64_t    s, e;
    hd_cal_t  *cal;

    n = nw + nh;
    cal = malloc(sizeof(hd_cal_t) + 3 * (n > 0 ? n : 1) * sizeof(int64_t));
    if (cal == NULL) {
        return NULL;
    }

    cal->from = from;
    cal->to = to;
    cal->n = 0;
    cal->start = (int64_t *) (cal + 1);
    cal->end = cal->start + n;
    cal->cum = cal->end + n;

    j = 0;

    for (i = 0; i < nw; i++) {
        s = w[i].s > from ? w[i].s : from;
        e = w[i].e < to ? w[i].e : to;

        while (j < nh && h[j].e <= s) {
            j++;
        }

        /* holidays are disjoint and sorted: each one left ends past s */
        for (x = j; s < e && x < nh && h[x].s < e; x++) {
            if (h[x].s > s) {
                hd_cal_push(cal, s, h[x].s);
            }
            s = h[x].e;
        }

        if (s < e) {
            hd_cal_push(cal, s, e);
        }
    }

    return cal;
}


hd_cal_rc_t
hd_cal_expand(const hd_cal_def_t *def, int64_t from, int64_t to,
    hd_cal_t **out)
{
    size_t          nw, nh;
    int64_t         d0, d1;
    hd_cal_t       *cal;
    UCalendar      *uc;
    hd_cal_rc_t     rc;
    hd_cal_span_t  *w, *h;

    rc = hd_cal_check(def, from, to);
    if (rc != HD_CAL_OK) {
        return rc;
    }

    rc = hd_cal_tz_open(def->tz, &uc);
    if (rc != HD_CAL_OK) {
        return rc;
    }

    w = NULL;
    h = NULL;

    rc = hd_cal_local_day(uc, from, &d0);
    if (rc == HD_CAL_OK) {
        rc = hd_cal_local_day(uc, to, &d1);
    }
    if (rc == HD_CAL_OK) {
        d0--;               /* an overnight shift from the evening before */
        d1++;
        rc = hd_cal_windows(def, uc, d0, d1, &w, &nw);
    }
    if (rc == HD_CAL_OK) {
        rc = hd_cal_holidays(def, uc, d0, d1, &h, &nh);
    }

    ucal_close(uc);

    if (rc == HD_CAL_OK) {
        nw = hd_cal_merge(w, nw);
        nh = hd_cal_merge(h, nh);

        cal = hd_cal_build(from, to, w, nw, h, nh);
        if (cal == NULL) {
            rc = HD_CAL_ENOMEM;
        } else {
            *out = cal;
        }
    }

    free(w);
    free(h);

    return rc;
}


void
hd_cal_free(hd_cal_t *cal)
{
    free(cal);
}


/*
 * Business milliseconds in [from, t), from <= t <= to: find the last
 * interval starting at or before t (branch-free, so the search costs the
 * same for every t) and take its running sum, less the part after t.
 */
static int64_t
hd_cal_before(const hd_cal_t *cal, int64_t t)
{
    size_t          n, half, i;
    const int64_t  *base;

    n = cal->n;
    if (n == 0) {
        return 0;
    }

    base = cal->start;
    while (n > 1) {
        half = n / 2;
        base = base[half] <= t ? base + half : base;
        n -= half;
    }

    i = (size_t) (base - cal->start) + (*base <= t);
    if (i == 0) {
        return 0;
    }

    i--;

    return cal->cum[i] - (cal->end[i] > t ? cal->end[i] - t : 0);
}


hd_cal_rc_t
hd_cal_elapsed(const hd_cal_t *cal, int64_t a, int64_t b, int64_t *ms)
{
    if (b <= a) {
        *ms = 0;
        return HD_CAL_OK;
    }

    if (a < cal->from || b > cal->to) {
        return HD_CAL_ERANGE;
    }

    *ms = hd_cal_before(cal, b) - hd_cal_before(cal, a);

    return HD_CAL_OK;
}


hd_cal_rc_t
hd_cal_add(const hd_cal_t *cal, int64_t start, int64_t n, int64_t *at)
{
    size_t          len, half, i;
    int64_t         target, total;
    const int64_t  *base;

    if (n < 0) {
        return HD_CAL_EINVAL;
    }

    if (start < cal->from || start > cal->to) {
        return HD_CAL_ERANGE;
    }

    if (n == 0) {
        *at = start;
        return HD_CAL_OK;
    }

    target = hd_cal_before(cal, start);
    total = cal->n > 0 ? cal->cum[cal->n - 1] : 0;
    if (n > total - target) {
        return HD_CAL_ERANGE;
    }

    target += n;

    /* the first interval whose running sum reaches target */
    base = cal->cum;
    len = cal->n;
    while (len > 1) {
        half = len / 2;
        base = base[half] < target ? base + half : base;
        len -= half;
    }

    i = (size_t) (base - cal->cum) + (*base < target);
    *at = cal->end[i] - (cal->cum[i] - target);

    return HD_CAL_OK;
}


void
hd_cal_range(const hd_cal_t *cal, int64_t *from, int64_t *to)
{
    *from = cal->from;
    *to = cal->to;
}


size_t
hd_cal_count(const hd_cal_t *cal)
{
    return cal->n;
}


void
hd_cal_interval(const hd_cal_t *cal, size_t i, int64_t *start, int64_t *end)
{
    *start = cal->start[i];
    *end = cal->end[i];
}


const char *
hd_cal_tzdata_version(void)
{
    const char  *v;
    UErrorCode   st;

    st = U_ZERO_ERROR;
    v = ucal_getTZDataVersion(&st);

    return U_SUCCESS(st) && v != NULL ? v : "unknown";
}


const char *
hd_cal_strerror(hd_cal_rc_t rc)
{
    switch (rc) {
    case HD_CAL_OK:
        return "ok";
    case HD_CAL_EINVAL:
        return "invalid calendar, range or duration";
    case HD_CAL_EZONE:
        return "unknown time zone";
    case HD_CAL_ENOMEM:
        return "out of memory";
    case HD_CAL_ERANGE:
        return "instant outside the calendar's expanded range";
    }

    return "unknown error";
}
