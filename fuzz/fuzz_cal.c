/*
 * libFuzzer target: business-time arithmetic.  The input picks a zone
 * (among ones with odd offsets or DST rules), up to 8 weekly windows, up
 * to 4 holidays, a range of up to 60 days in 2020-2039 and instants in it.
 * Checks that the expanded intervals are sorted, disjoint and inside the
 * range; that elapsed adds up over a <= b <= c, never exceeds wall time
 * and matches a slow interval-by-interval sum; that add() is elapsed's
 * earliest inverse; and that a calendar expanded over a sub-range answers
 * the same inside it.
 */

#include <assert.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "hd_cal.h"


#define MAX_SPAN_DAYS  60

static const char  *zones[] = {
    "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC",
    "Europe/London", "Pacific/Chatham", "Antarctica/Troll",
    "America/Santiago", "Africa/Casablanca", "Asia/Kolkata"
};


typedef struct {
    const uint8_t  *p;
    size_t          left;
} input_t;


static unsigned
take(input_t *in, unsigned bytes)
{
    unsigned  v;

    v = 0;
    while (bytes-- > 0) {
        v <<= 8;
        if (in->left > 0) {
            v |= *in->p++;
            in->left--;
        }
    }

    return v;
}


static int64_t
slow_elapsed(const hd_cal_t *cal, int64_t a, int64_t b)
{
    size_t   i;
    int64_t  s, e, sum;

    sum = 0;
    for (i = 0; i < hd_cal_count(cal); i++) {
        hd_cal_interval(cal, i, &s, &e);
        s = s > a ? s : a;
        e = e < b ? e : b;
        sum += e > s ? e - s : 0;
    }

    return sum;
}


static int64_t
elapsed(const hd_cal_t *cal, int64_t a, int64_t b)
{
    int64_t  ms;

    ms = -1;
    assert(hd_cal_elapsed(cal, a, b, &ms) == HD_CAL_OK);
    assert(ms >= 0);

    return ms;
}


static void
check_intervals(const hd_cal_t *cal, int64_t from, int64_t to)
{
    size_t   i;
    int64_t  s, e, pe;

    pe = from - 1;
    for (i = 0; i < hd_cal_count(cal); i++) {
        hd_cal_interval(cal, i, &s, &e);
        assert(s < e);
        assert(s > pe || (i == 0 && s >= from));
        assert(e <= to);
        pe = e;
    }
}


static void
check_instants(const hd_cal_t *cal, int64_t a, int64_t b, int64_t c)
{
    int64_t  t, n, at;

    if (a > b) { t = a; a = b; b = t; }
    if (b > c) { t = b; b = c; c = t; }
    if (a > b) { t = a; a = b; b = t; }

    n = elapsed(cal, a, c);
    assert(n == elapsed(cal, a, b) + elapsed(cal, b, c));
    assert(n <= c - a);
    assert(n == slow_elapsed(cal, a, c));
    assert(elapsed(cal, c, a) == 0);

    assert(hd_cal_add(cal, a, n, &at) == HD_CAL_OK);
    assert(at >= a && at <= c);
    assert(elapsed(cal, a, at) == n);
    if (n > 0) {
        assert(elapsed(cal, a, at - 1) == n - 1);
    } else {
        assert(at == a);
    }

    assert(hd_cal_add(cal, a, -1, &at) == HD_CAL_EINVAL);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int               i;
    size_t            k;
    time_t            day;
    input_t           in;
    struct tm         tm;
    int64_t           from, to, span, a, b, c, base_day;
    hd_cal_t         *cal, *sub;
    hd_cal_def_t      def;
    hd_cal_window_t   w[8];
    hd_cal_holiday_t  h[4];

    in.p = data;
    in.left = size;

    memset(&def, 0, sizeof(def));
    def.tz = zones[take(&in, 1) % (sizeof(zones) / sizeof(zones[0]))];

    def.nwindows = take(&in, 1) % 9;
    for (k = 0; k < def.nwindows; k++) {
        w[k].dow = take(&in, 1) % 7;
        w[k].start_sec = take(&in, 2) % 1440 * 60;
        w[k].end_sec = take(&in, 2) % 1441 * 60;
    }
    def.windows = w;

    /* the range: 2020-01-01Z + up to 20 years, up to 60 days long */
    base_day = 18262 + take(&in, 2) % 7300;
    from = base_day * HD_CAL_DAY_MS + take(&in, 4) % HD_CAL_DAY_MS;
    span = (int64_t) take(&in, 4) % (MAX_SPAN_DAYS * HD_CAL_DAY_MS + 1);
    to = from + span;

    def.nholidays = take(&in, 1) % 5;
    for (k = 0; k < def.nholidays; k++) {
        /* a local date from two days before the range to its end */
        day = (time_t) (base_day - 2 + take(&in, 1) % (MAX_SPAN_DAYS + 4));
        day *= 86400;
        gmtime_r(&day, &tm);

        h[k].year = tm.tm_year + 1900;
        h[k].month = tm.tm_mon + 1;
        h[k].day = tm.tm_mday;
        h[k].start_sec = take(&in, 1) % 24 * 3600;
        h[k].end_sec = 0;
        if (take(&in, 1) % 2 && h[k].start_sec < 23 * 3600) {
            h[k].end_sec = h[k].start_sec + 3600;
        }
    }
    def.holidays = h;

    assert(hd_cal_expand(&def, from, to, &cal) == HD_CAL_OK);
    check_intervals(cal, from, to);

    for (i = 0; i < 8 && in.left > 0; i++) {
        a = from + (int64_t) (take(&in, 4) % (uint64_t) (span + 1));
        b = from + (int64_t) (take(&in, 4) % (uint64_t) (span + 1));
        c = from + (int64_t) (take(&in, 4) % (uint64_t) (span + 1));
        check_instants(cal, a, b, c);

        if (i == 0) {
            if (a > b) { c = a; a = b; b = c; }
            assert(hd_cal_expand(&def, a, b, &sub) == HD_CAL_OK);
            check_intervals(sub, a, b);
            assert(elapsed(sub, a, b) == elapsed(cal, a, b));
            hd_cal_free(sub);
        }
    }

    hd_cal_free(cal);

    return 0;
}
