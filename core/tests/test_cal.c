/*
 * Business-time arithmetic.  Every expected instant is written in UTC with
 * the zone's offset worked out by hand in the comment beside it, so a wrong
 * DST rule (a fixed offset, the wrong side of a gap or of a repeated hour)
 * moves a window edge by the size of the shift and fails the case.
 *
 * Dates used: 2026-03-08 (Sun) New York springs forward at 02:00 EST to
 * 03:00 EDT (07:00Z); 2026-11-01 (Sun) it falls back at 02:00 EDT to 01:00
 * EST (06:00Z).  Lord Howe goes from +10:30 to +11:00 on 2026-10-04 (Sun,
 * 02:00 -> 02:30) and back on 2026-04-05 (Sun, 02:00 -> 01:30).  Kathmandu
 * is +05:45 all year.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "hd_cal.h"
#include "hd_tests.h"


#define MIN   60000LL
#define HOUR  3600000LL
#define DAY   86400000LL
#define HM(h, m)  ((unsigned) ((h) * 3600 + (m) * 60))

/* 09:00-17:00, Monday to Friday */
static const hd_cal_window_t  office[] = {
    { 1, HM(9, 0), HM(17, 0) }, { 2, HM(9, 0), HM(17, 0) },
    { 3, HM(9, 0), HM(17, 0) }, { 4, HM(9, 0), HM(17, 0) },
    { 5, HM(9, 0), HM(17, 0) }
};

/* 00:00-24:00, every day */
static const hd_cal_window_t  always[] = {
    { 0, 0, 86400 }, { 1, 0, 86400 }, { 2, 0, 86400 }, { 3, 0, 86400 },
    { 4, 0, 86400 }, { 5, 0, 86400 }, { 6, 0, 86400 }
};

/* 22:00-06:00, every night */
static const hd_cal_window_t  nights[] = {
    { 0, HM(22, 0), HM(6, 0) }, { 1, HM(22, 0), HM(6, 0) },
    { 2, HM(22, 0), HM(6, 0) }, { 3, HM(22, 0), HM(6, 0) },
    { 4, HM(22, 0), HM(6, 0) }, { 5, HM(22, 0), HM(6, 0) },
    { 6, HM(22, 0), HM(6, 0) }
};

/* 00:00-24:00 on Sundays only: measures the length of a local Sunday */
static const hd_cal_window_t  sundays[] = { { 0, 0, 86400 } };

#define NELTS(a)  (sizeof(a) / sizeof((a)[0]))


static int64_t
utc(int y, int mo, int d, int h, int mi)
{
    struct tm  tm = { 0 };

    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;

    return (int64_t) timegm(&tm) * 1000;
}


static hd_cal_t *
expand(const char *tz, const hd_cal_window_t *w, size_t nw,
    const hd_cal_holiday_t *h, size_t nh, int64_t from, int64_t to)
{
    hd_cal_t      *cal;
    hd_cal_rc_t    rc;
    hd_cal_def_t   def = { tz, w, nw, h, nh };

    cal = NULL;
    rc = hd_cal_expand(&def, from, to, &cal);
    ck_assert_msg(rc == HD_CAL_OK, "expand %s: %s", tz, hd_cal_strerror(rc));

    return cal;
}


/* The calendar over 2026 and 2027, from 2026-01-01Z to 2028-01-01Z. */
static hd_cal_t *
expand_2y(const char *tz, const hd_cal_window_t *w, size_t nw,
    const hd_cal_holiday_t *h, size_t nh)
{
    return expand(tz, w, nw, h, nh, utc(2026, 1, 1, 0, 0),
                  utc(2028, 1, 1, 0, 0));
}


static int64_t
el(const hd_cal_t *cal, int64_t a, int64_t b)
{
    int64_t      ms;
    hd_cal_rc_t  rc;

    rc = hd_cal_elapsed(cal, a, b, &ms);
    ck_assert_msg(rc == HD_CAL_OK, "elapsed: %s", hd_cal_strerror(rc));

    return ms;
}


static int64_t
add(const hd_cal_t *cal, int64_t start, int64_t n)
{
    int64_t      at;
    hd_cal_rc_t  rc;

    rc = hd_cal_add(cal, start, n, &at);
    ck_assert_msg(rc == HD_CAL_OK, "add: %s", hd_cal_strerror(rc));

    return at;
}


/* The business interval that contains t, or fails. */
static void
interval_at(const hd_cal_t *cal, int64_t t, int64_t *s, int64_t *e)
{
    size_t  i;

    for (i = 0; i < hd_cal_count(cal); i++) {
        hd_cal_interval(cal, i, s, e);
        if (*s <= t && t < *e) {
            return;
        }
    }

    ck_abort_msg("no business interval contains %lld", (long long) t);
}


START_TEST(cal_ny_spring_forward_moves_windows_earlier_in_utc)
{
    int64_t    s, e;
    hd_cal_t  *cal;

    cal = expand_2y("America/New_York", office, NELTS(office), NULL, 0);

    /* Friday 2026-03-06, EST (-5): 09:00-17:00 is 14:00Z-22:00Z */
    interval_at(cal, utc(2026, 3, 6, 15, 0), &s, &e);
    ck_assert_int_eq(s, utc(2026, 3, 6, 14, 0));
    ck_assert_int_eq(e, utc(2026, 3, 6, 22, 0));
    ck_assert_int_eq(el(cal, utc(2026, 3, 6, 13, 0), utc(2026, 3, 6, 14, 0)),
                     0);

    /* Monday 2026-03-09, EDT (-4): 09:00-17:00 is 13:00Z-21:00Z */
    interval_at(cal, utc(2026, 3, 9, 15, 0), &s, &e);
    ck_assert_int_eq(s, utc(2026, 3, 9, 13, 0));
    ck_assert_int_eq(e, utc(2026, 3, 9, 21, 0));
    ck_assert_int_eq(el(cal, utc(2026, 3, 9, 13, 0), utc(2026, 3, 9, 14, 0)),
                     HOUR);
    ck_assert_int_eq(el(cal, utc(2026, 3, 9, 21, 0), utc(2026, 3, 9, 22, 0)),
                     0);

    /* local Sunday 03-08 00:00 EST (05:00Z) to Sunday 03-15 00:00 EDT
     * (04:00Z): five full days */
    ck_assert_int_eq(el(cal, utc(2026, 3, 8, 5, 0), utc(2026, 3, 15, 4, 0)),
                     5 * 8 * HOUR);

    /* Friday 16:00 EST + 2h: 1h Friday, 1h Monday from 09:00 EDT */
    ck_assert_int_eq(add(cal, utc(2026, 3, 6, 21, 0), 2 * HOUR),
                     utc(2026, 3, 9, 14, 0));

    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_ny_fall_back_moves_windows_later_in_utc)
{
    int64_t    s, e;
    hd_cal_t  *cal;

    cal = expand_2y("America/New_York", office, NELTS(office), NULL, 0);

    /* Friday 2026-10-30, EDT: 13:00Z-21:00Z */
    interval_at(cal, utc(2026, 10, 30, 15, 0), &s, &e);
    ck_assert_int_eq(s, utc(2026, 10, 30, 13, 0));
    ck_assert_int_eq(e, utc(2026, 10, 30, 21, 0));

    /* Monday 2026-11-02, EST: 14:00Z-22:00Z */
    interval_at(cal, utc(2026, 11, 2, 15, 0), &s, &e);
    ck_assert_int_eq(s, utc(2026, 11, 2, 14, 0));
    ck_assert_int_eq(e, utc(2026, 11, 2, 22, 0));
    ck_assert_int_eq(el(cal, utc(2026, 11, 2, 13, 0),
                        utc(2026, 11, 2, 14, 0)), 0);

    /* Sunday 11-01 00:00 EDT (04:00Z) to Sunday 11-08 00:00 EST (05:00Z) */
    ck_assert_int_eq(el(cal, utc(2026, 11, 1, 4, 0), utc(2026, 11, 8, 5, 0)),
                     5 * 8 * HOUR);

    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_ny_dst_sundays_last_23_and_25_hours)
{
    hd_cal_t  *cal;

    cal = expand_2y("America/New_York", sundays, 1, NULL, 0);

    /* 03-08 00:00 EST (05:00Z) to 03-09 00:00 EDT (04:00Z) */
    ck_assert_int_eq(el(cal, utc(2026, 3, 7, 0, 0), utc(2026, 3, 10, 0, 0)),
                     23 * HOUR);
    ck_assert_int_eq(add(cal, utc(2026, 3, 7, 0, 0), 23 * HOUR),
                     utc(2026, 3, 9, 4, 0));

    /* 11-01 00:00 EDT (04:00Z) to 11-02 00:00 EST (05:00Z) */
    ck_assert_int_eq(el(cal, utc(2026, 10, 31, 0, 0), utc(2026, 11, 3, 0, 0)),
                     25 * HOUR);

    /* an ordinary Sunday */
    ck_assert_int_eq(el(cal, utc(2026, 6, 6, 0, 0), utc(2026, 6, 9, 0, 0)),
                     24 * HOUR);

    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_always_open_is_one_block_across_dst)
{
    int64_t    a, s, e;
    hd_cal_t  *cal;

    cal = expand_2y("America/New_York", always, NELTS(always), NULL, 0);

    /* no gap or overlap at any local midnight, DST or not */
    ck_assert_uint_eq(hd_cal_count(cal), 1);
    hd_cal_interval(cal, 0, &s, &e);
    ck_assert_int_eq(s, utc(2026, 1, 1, 0, 0));
    ck_assert_int_eq(e, utc(2028, 1, 1, 0, 0));

    /* the spring-forward day: 00:00 EST (05:00Z) to 00:00 EDT (04:00Z) */
    a = utc(2026, 3, 8, 5, 0);
    ck_assert_int_eq(el(cal, a, utc(2026, 3, 9, 4, 0)), 23 * HOUR);
    ck_assert_int_eq(add(cal, a, 24 * HOUR), utc(2026, 3, 9, 5, 0));

    /* the fall-back day: 04:00Z to 05:00Z the next day */
    ck_assert_int_eq(el(cal, utc(2026, 11, 1, 4, 0), utc(2026, 11, 2, 5, 0)),
                     25 * HOUR);

    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_edge_in_spring_gap_starts_at_the_jump)
{
    int64_t    s, e;
    hd_cal_t  *cal;
    static const hd_cal_window_t  w[] = { { 0, HM(2, 30), HM(4, 0) } };
    static const hd_cal_window_t  gap[] = { { 0, HM(2, 0), HM(2, 59) } };

    cal = expand_2y("America/New_York", w, 1, NULL, 0);

    /* 2026-03-08: 02:30 does not exist; the window opens at the jump,
     * 03:00 EDT = 07:00Z, and closes at 04:00 EDT = 08:00Z */
    interval_at(cal, utc(2026, 3, 8, 7, 30), &s, &e);
    ck_assert_int_eq(s, utc(2026, 3, 8, 7, 0));
    ck_assert_int_eq(e, utc(2026, 3, 8, 8, 0));
    ck_assert_int_eq(el(cal, utc(2026, 3, 8, 0, 0), utc(2026, 3, 9, 0, 0)),
                     HOUR);

    /* the Sunday before: 02:30 EST = 07:30Z, 04:00 EST = 09:00Z */
    ck_assert_int_eq(el(cal, utc(2026, 3, 1, 0, 0), utc(2026, 3, 2, 0, 0)),
                     90 * MIN);

    hd_cal_free(cal);

    /* a window wholly inside the gap has no business time that day */
    cal = expand_2y("America/New_York", gap, 1, NULL, 0);
    ck_assert_int_eq(el(cal, utc(2026, 3, 8, 0, 0), utc(2026, 3, 9, 0, 0)),
                     0);
    ck_assert_int_eq(el(cal, utc(2026, 3, 15, 0, 0), utc(2026, 3, 16, 0, 0)),
                     59 * MIN);
    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_edge_in_repeated_hour_takes_the_first)
{
    int64_t    s, e;
    hd_cal_t  *cal;
    static const hd_cal_window_t  w[] = { { 0, HM(1, 30), HM(3, 0) } };

    cal = expand_2y("America/New_York", w, 1, NULL, 0);

    /* 2026-11-01: 01:30 happens twice; the first is 01:30 EDT = 05:30Z.
     * 03:00 EST = 08:00Z, so the window lasts 2.5 h */
    interval_at(cal, utc(2026, 11, 1, 6, 0), &s, &e);
    ck_assert_int_eq(s, utc(2026, 11, 1, 5, 30));
    ck_assert_int_eq(e, utc(2026, 11, 1, 8, 0));

    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_overnight_desk_counts_the_night_across_dst)
{
    hd_cal_t  *cal;

    cal = expand_2y("America/New_York", nights, NELTS(nights), NULL, 0);

    /* an ordinary night: Tue 03-03 22:00 EST (03:00Z) to 06:00 (11:00Z) */
    ck_assert_int_eq(el(cal, utc(2026, 3, 3, 12, 0), utc(2026, 3, 4, 12, 0)),
                     8 * HOUR);
    ck_assert_int_eq(add(cal, utc(2026, 3, 3, 12, 0), 1),
                     utc(2026, 3, 4, 3, 0) + 1);

    /* Sat 03-07 22:00 EST (03:00Z) to Sun 06:00 EDT (10:00Z): 7 h */
    ck_assert_int_eq(el(cal, utc(2026, 3, 7, 12, 0), utc(2026, 3, 8, 12, 0)),
                     7 * HOUR);

    /* Sat 10-31 22:00 EDT (11-01 02:00Z) to Sun 06:00 EST (11:00Z): 9 h */
    ck_assert_int_eq(el(cal, utc(2026, 10, 31, 12, 0), utc(2026, 11, 1, 12, 0)),
                     9 * HOUR);

    /* a whole week of nights, outside DST changes */
    ck_assert_int_eq(el(cal, utc(2026, 6, 1, 12, 0), utc(2026, 6, 8, 12, 0)),
                     7 * 8 * HOUR);

    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_overnight_shift_belongs_to_the_day_it_starts)
{
    hd_cal_t  *cal;
    static const hd_cal_window_t  fri[] = { { 5, HM(22, 0), HM(6, 0) } };

    cal = expand_2y("Europe/London", fri, 1, NULL, 0);

    /* Friday 2026-06-05 22:00 BST (21:00Z) to Saturday 06:00 (05:00Z) */
    ck_assert_int_eq(el(cal, utc(2026, 6, 1, 0, 0), utc(2026, 6, 8, 0, 0)),
                     8 * HOUR);
    ck_assert_int_eq(el(cal, utc(2026, 6, 6, 0, 0), utc(2026, 6, 6, 5, 0)),
                     5 * HOUR);
    ck_assert_int_eq(add(cal, utc(2026, 6, 6, 4, 0), 2 * HOUR),
                     utc(2026, 6, 12, 22, 0));

    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_weekday_holiday_removes_that_day)
{
    hd_cal_t  *cal;
    static const hd_cal_holiday_t  h[] = {
        { 2026, 3, 11, 0, 0 },                  /* Wednesday, whole day */
        { 2026, 3, 12, HM(13, 0), 0 }           /* Thursday afternoon */
    };

    cal = expand_2y("America/New_York", office, NELTS(office), h, NELTS(h));

    /* week of 2026-03-09 (EDT): Mon, Tue, Fri 8 h, Wed 0, Thu 4 h */
    ck_assert_int_eq(el(cal, utc(2026, 3, 9, 4, 0), utc(2026, 3, 16, 4, 0)),
                     28 * HOUR);
    ck_assert_int_eq(el(cal, utc(2026, 3, 11, 0, 0), utc(2026, 3, 12, 0, 0)),
                     0);
    ck_assert_int_eq(el(cal, utc(2026, 3, 10, 0, 0), utc(2026, 3, 11, 0, 0)),
                     8 * HOUR);
    ck_assert_int_eq(el(cal, utc(2026, 3, 12, 0, 0), utc(2026, 3, 13, 0, 0)),
                     4 * HOUR);

    /* Tue 16:00 EDT + 2 h: 1 h Tuesday, Wednesday skipped, Thu 10:00 */
    ck_assert_int_eq(add(cal, utc(2026, 3, 10, 20, 0), 2 * HOUR),
                     utc(2026, 3, 12, 14, 0));

    /* the week after is whole again */
    ck_assert_int_eq(el(cal, utc(2026, 3, 16, 4, 0), utc(2026, 3, 23, 4, 0)),
                     40 * HOUR);

    hd_cal_free(cal);

    /* on a night desk the holiday takes its local day, 00:00-24:00: the
     * Tuesday shift keeps 22:00-24:00, the Wednesday one only Thursday's
     * 00:00-06:00 */
    cal = expand_2y("America/New_York", nights, NELTS(nights), h, 1);
    ck_assert_int_eq(el(cal, utc(2026, 3, 10, 12, 0), utc(2026, 3, 11, 12, 0)),
                     2 * HOUR);
    ck_assert_int_eq(el(cal, utc(2026, 3, 11, 12, 0), utc(2026, 3, 12, 12, 0)),
                     6 * HOUR);
    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_start_outside_hours_waits_for_the_window)
{
    hd_cal_t  *cal;

    cal = expand_2y("America/New_York", office, NELTS(office), NULL, 0);

    /* Saturday 2026-03-14 10:00 EDT (14:00Z) + 8 h = Monday 17:00 EDT,
     * the end of Monday's window, not Tuesday's start */
    ck_assert_int_eq(add(cal, utc(2026, 3, 14, 14, 0), 8 * HOUR),
                     utc(2026, 3, 16, 21, 0));
    ck_assert_int_eq(add(cal, utc(2026, 3, 14, 14, 0), 8 * HOUR + 1),
                     utc(2026, 3, 17, 13, 0) + 1);

    /* Tuesday 06:00 EDT + 1 min = 09:01 */
    ck_assert_int_eq(add(cal, utc(2026, 3, 17, 10, 0), MIN),
                     utc(2026, 3, 17, 13, 1));

    /* nothing elapses over the weekend */
    ck_assert_int_eq(el(cal, utc(2026, 3, 14, 14, 0), utc(2026, 3, 16, 13, 0)),
                     0);

    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_zero_and_negative_ranges_are_zero)
{
    int64_t    a, ms;
    hd_cal_t  *cal;

    cal = expand_2y("America/New_York", always, NELTS(always), NULL, 0);

    a = utc(2026, 3, 9, 15, 0);
    ck_assert_int_eq(el(cal, a, a), 0);
    ck_assert_int_eq(el(cal, a + HOUR, a), 0);

    /* true whatever the range: nothing elapses backwards */
    ck_assert_int_eq(hd_cal_elapsed(cal, utc(2030, 1, 1, 0, 0), a, &ms),
                     HD_CAL_OK);
    ck_assert_int_eq(ms, 0);

    /* adding nothing stays put, even outside business hours */
    ck_assert_int_eq(add(cal, a, 0), a);
    ck_assert_int_eq(hd_cal_add(cal, a, -1, &ms), HD_CAL_EINVAL);

    hd_cal_free(cal);

    cal = expand_2y("America/New_York", office, NELTS(office), NULL, 0);
    a = utc(2026, 3, 14, 14, 0);        /* a Saturday */
    ck_assert_int_eq(add(cal, a, 0), a);
    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_year_boundary)
{
    hd_cal_t  *cal;
    int64_t    a, b;
    static const hd_cal_holiday_t  ny[] = { { 2027, 1, 1, 0, 0 } };

    /* Thursday 2026-12-31 and Friday 2027-01-01, EST: 14:00Z-22:00Z */
    a = utc(2026, 12, 31, 5, 0);        /* Dec 31 00:00 EST */
    b = utc(2027, 1, 2, 5, 0);          /* Jan 2 00:00 EST */

    cal = expand("America/New_York", office, NELTS(office), NULL, 0,
                 utc(2026, 7, 1, 0, 0), utc(2027, 7, 1, 0, 0));
    ck_assert_int_eq(el(cal, a, b), 16 * HOUR);
    ck_assert_int_eq(add(cal, utc(2026, 12, 31, 22, 0), HOUR),
                     utc(2027, 1, 1, 15, 0));
    hd_cal_free(cal);

    /* New Year's Day off: Thursday only, and the hour lands on Monday */
    cal = expand("America/New_York", office, NELTS(office), ny, 1,
                 utc(2026, 7, 1, 0, 0), utc(2027, 7, 1, 0, 0));
    ck_assert_int_eq(el(cal, a, b), 8 * HOUR);
    ck_assert_int_eq(add(cal, utc(2026, 12, 31, 22, 0), HOUR),
                     utc(2027, 1, 4, 15, 0));
    hd_cal_free(cal);

    /* a range that ends at New Year, in the middle of local Dec 31 */
    cal = expand("America/New_York", office, NELTS(office), NULL, 0,
                 utc(2026, 12, 1, 0, 0), utc(2027, 1, 1, 0, 0));
    ck_assert_int_eq(el(cal, a, utc(2027, 1, 1, 0, 0)), 8 * HOUR);
    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_lord_howe_half_hour_dst)
{
    int64_t    s, e;
    hd_cal_t  *cal;
    static const hd_cal_window_t  gap[] = { { 0, HM(2, 0), HM(3, 0) } };

    cal = expand_2y("Australia/Lord_Howe", sundays, 1, NULL, 0);
    /* 2026-10-04 starts DST (+30 min): 23.5 h; 2026-04-05 ends it: 24.5 h */
    ck_assert_int_eq(el(cal, utc(2026, 10, 2, 0, 0), utc(2026, 10, 6, 0, 0)),
                     23 * HOUR + 30 * MIN);
    ck_assert_int_eq(el(cal, utc(2026, 4, 3, 0, 0), utc(2026, 4, 7, 0, 0)),
                     24 * HOUR + 30 * MIN);
    hd_cal_free(cal);

    cal = expand_2y("Australia/Lord_Howe", office, NELTS(office), NULL, 0);
    /* Monday 2026-09-28, +10:30: 09:00 is 22:30Z the day before */
    interval_at(cal, utc(2026, 9, 28, 0, 0), &s, &e);
    ck_assert_int_eq(s, utc(2026, 9, 27, 22, 30));
    ck_assert_int_eq(e, utc(2026, 9, 28, 6, 30));
    /* Monday 2026-10-05, +11: 09:00 is 22:00Z */
    interval_at(cal, utc(2026, 10, 5, 0, 0), &s, &e);
    ck_assert_int_eq(s, utc(2026, 10, 4, 22, 0));
    ck_assert_int_eq(e, utc(2026, 10, 5, 6, 0));
    hd_cal_free(cal);

    /* Sunday 02:00-03:00 on 2026-10-04: 02:00-02:30 never happens, the
     * window opens at the jump (15:30Z) and lasts 30 min */
    cal = expand_2y("Australia/Lord_Howe", gap, 1, NULL, 0);
    interval_at(cal, utc(2026, 10, 3, 15, 45), &s, &e);
    ck_assert_int_eq(s, utc(2026, 10, 3, 15, 30));
    ck_assert_int_eq(e, utc(2026, 10, 3, 16, 0));
    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_kathmandu_quarter_hour_offset)
{
    int64_t    s, e;
    hd_cal_t  *cal;

    cal = expand_2y("Asia/Kathmandu", office, NELTS(office), NULL, 0);

    /* Monday 2026-03-09 09:00 +05:45 = 03:15Z, 17:00 = 11:15Z */
    interval_at(cal, utc(2026, 3, 9, 4, 0), &s, &e);
    ck_assert_int_eq(s, utc(2026, 3, 9, 3, 15));
    ck_assert_int_eq(e, utc(2026, 3, 9, 11, 15));
    ck_assert_int_eq(add(cal, utc(2026, 3, 9, 0, 0), HOUR),
                     utc(2026, 3, 9, 4, 15));
    ck_assert_int_eq(el(cal, utc(2026, 3, 9, 0, 0), utc(2026, 3, 9, 3, 30)),
                     15 * MIN);

    hd_cal_free(cal);

    /* no DST: every Sunday is 24 h */
    cal = expand_2y("Asia/Kathmandu", sundays, 1, NULL, 0);
    ck_assert_int_eq(el(cal, utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)),
                     52 * 24 * HOUR);
    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_rejects_bad_definitions_and_ranges)
{
    int64_t        a, ms;
    hd_cal_t      *cal;
    hd_cal_def_t   def = { "America/New_York", office, NELTS(office), NULL, 0 };
    static const hd_cal_window_t   bad_dow[] = { { 7, 0, 3600 } };
    static const hd_cal_window_t   bad_start[] = { { 1, 86400, 0 } };
    static const hd_cal_window_t   bad_end[] = { { 1, 0, 86401 } };
    static const hd_cal_holiday_t  bad_date[] = { { 2026, 2, 29, 0, 0 } };
    static const hd_cal_holiday_t  bad_part[] = { { 2026, 3, 2, 7200, 3600 } };
    static const hd_cal_holiday_t  leap[] = { { 2028, 2, 29, 0, 0 } };

    a = utc(2026, 1, 1, 0, 0);
    cal = NULL;

    ck_assert_int_eq(hd_cal_expand(&def, a, a - 1, &cal), HD_CAL_EINVAL);
    ck_assert_int_eq(hd_cal_expand(&def, a, a + HD_CAL_MAX_SPAN_MS + 1, &cal),
                     HD_CAL_EINVAL);
    ck_assert_int_eq(hd_cal_expand(&def, HD_CAL_MIN_MS - 1, a, &cal),
                     HD_CAL_EINVAL);

    def.tz = "Mars/Olympus_Mons";
    ck_assert_int_eq(hd_cal_expand(&def, a, a + DAY, &cal), HD_CAL_EZONE);
    def.tz = "";
    ck_assert_int_eq(hd_cal_expand(&def, a, a + DAY, &cal), HD_CAL_EZONE);
    def.tz = "GMT+05:00";
    ck_assert_int_eq(hd_cal_expand(&def, a, a + DAY, &cal), HD_CAL_EZONE);
    def.tz = NULL;
    ck_assert_int_eq(hd_cal_expand(&def, a, a + DAY, &cal), HD_CAL_EZONE);
    def.tz = "America/New_York";

    def.windows = bad_dow;
    def.nwindows = 1;
    ck_assert_int_eq(hd_cal_expand(&def, a, a + DAY, &cal), HD_CAL_EINVAL);
    def.windows = bad_start;
    ck_assert_int_eq(hd_cal_expand(&def, a, a + DAY, &cal), HD_CAL_EINVAL);
    def.windows = bad_end;
    ck_assert_int_eq(hd_cal_expand(&def, a, a + DAY, &cal), HD_CAL_EINVAL);
    def.windows = office;
    def.nwindows = NELTS(office);

    def.holidays = bad_date;
    def.nholidays = 1;
    ck_assert_int_eq(hd_cal_expand(&def, a, a + DAY, &cal), HD_CAL_EINVAL);
    def.holidays = bad_part;
    ck_assert_int_eq(hd_cal_expand(&def, a, a + DAY, &cal), HD_CAL_EINVAL);
    def.holidays = leap;

    /* a holiday outside the range is no error; the calendar answers only
     * inside its range */
    ck_assert_int_eq(hd_cal_expand(&def, a, a + 30 * DAY, &cal), HD_CAL_OK);
    ck_assert_int_eq(hd_cal_elapsed(cal, a - 1, a + DAY, &ms), HD_CAL_ERANGE);
    ck_assert_int_eq(hd_cal_elapsed(cal, a, a + 30 * DAY + 1, &ms),
                     HD_CAL_ERANGE);
    ck_assert_int_eq(hd_cal_elapsed(cal, a, a + 30 * DAY, &ms), HD_CAL_OK);
    ck_assert_int_eq(ms, 22 * 8 * HOUR);    /* 22 weekdays, Jan 1-30 */
    ck_assert_int_eq(hd_cal_add(cal, a - 1, HOUR, &ms), HD_CAL_ERANGE);
    ck_assert_int_eq(hd_cal_add(cal, a, 22 * 8 * HOUR, &ms), HD_CAL_OK);
    ck_assert_int_eq(ms, utc(2026, 1, 30, 22, 0));
    ck_assert_int_eq(hd_cal_add(cal, a, 22 * 8 * HOUR + 1, &ms),
                     HD_CAL_ERANGE);
    hd_cal_free(cal);

    /* the zone rules' release is there to be logged */
    ck_assert_int_ge(strlen(hd_cal_tzdata_version()), 5);

    /* an empty calendar: nothing ever elapses, nothing is ever due */
    def.nwindows = 0;
    ck_assert_int_eq(hd_cal_expand(&def, a, a + 30 * DAY, &cal), HD_CAL_OK);
    ck_assert_int_eq(el(cal, a, a + 30 * DAY), 0);
    ck_assert_int_eq(add(cal, a, 0), a);
    ck_assert_int_eq(hd_cal_add(cal, a, 1, &ms), HD_CAL_ERANGE);
    hd_cal_free(cal);
}
END_TEST


START_TEST(cal_answers_do_not_depend_on_the_range)
{
    int        i;
    int64_t    a, b, from, to;
    uint64_t   x;
    hd_cal_t  *wide, *narrow;
    static const hd_cal_holiday_t  h[] = { { 2026, 3, 11, 0, 0 } };

    /* a narrow range that starts and ends inside night shifts */
    from = utc(2026, 3, 3, 8, 17);
    to = utc(2026, 3, 20, 9, 3);
    wide = expand_2y("America/New_York", nights, NELTS(nights), h, 1);
    narrow = expand("America/New_York", nights, NELTS(nights), h, 1, from, to);

    x = 88172645463325252ULL;
    for (i = 0; i < 2000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        a = from + (int64_t) (x % (uint64_t) (to - from + 1));
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b = from + (int64_t) (x % (uint64_t) (to - from + 1));
        ck_assert_int_eq(el(wide, a, b), el(narrow, a, b));
    }

    hd_cal_free(wide);
    hd_cal_free(narrow);
}
END_TEST


static uint64_t
rnd(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;

    return *x;
}


/* Business ms in [a, b), summed interval by interval. */
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


START_TEST(cal_elapsed_adds_up_and_add_inverts_it)
{
    int        i, z;
    int64_t    from, to, span, a, b, c, t, n, total, s, e, pe;
    size_t     k;
    uint64_t   x;
    hd_cal_t  *cal;
    static const char  *zones[] = {
        "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"
    };
    static const hd_cal_window_t  mixed[] = {
        { 1, HM(9, 0), HM(17, 0) }, { 2, HM(9, 0), HM(12, 0) },
        { 2, HM(11, 0), HM(18, 30) }, { 3, HM(22, 0), HM(6, 0) },
        { 4, HM(1, 0), HM(2, 30) }, { 5, 0, 86400 }, { 6, HM(2, 15), HM(2, 15) }
    };
    static const hd_cal_holiday_t  h[] = {
        { 2026, 3, 11, 0, 0 }, { 2026, 10, 2, HM(12, 0), 0 },
        { 2026, 12, 25, 0, 0 }, { 2026, 11, 6, 0, HM(3, 0) }
    };

    from = utc(2026, 1, 1, 0, 0);
    to = utc(2027, 1, 1, 0, 0);
    span = to - from + 1;
    x = 0x9e3779b97f4a7c15ULL;

    for (z = 0; z < 3; z++) {
        cal = expand(zones[z], mixed, NELTS(mixed), h, NELTS(h), from, to);

        /* sorted, non-empty, disjoint and not touching */
        pe = INT64_MIN;
        for (k = 0; k < hd_cal_count(cal); k++) {
            hd_cal_interval(cal, k, &s, &e);
            ck_assert_int_lt(s, e);
            ck_assert_int_gt(s, pe);
            pe = e;
        }

        total = el(cal, from, to);

        for (i = 0; i < 20000; i++) {
            a = from + (int64_t) (rnd(&x) % (uint64_t) span);
            b = from + (int64_t) (rnd(&x) % (uint64_t) span);
            c = from + (int64_t) (rnd(&x) % (uint64_t) span);
            if (a > b) { t = a; a = b; b = t; }
            if (b > c) { t = b; b = c; c = t; }
            if (a > b) { t = a; a = b; b = t; }

            ck_assert_int_eq(el(cal, a, c), el(cal, a, b) + el(cal, b, c));
            ck_assert_int_le(el(cal, a, c), c - a);
            if (i % 64 == 0) {
                ck_assert_int_eq(el(cal, a, c), slow_elapsed(cal, a, c));
            }

            n = el(cal, a, c);
            t = add(cal, a, n);
            ck_assert_int_le(t, c);
            ck_assert_int_eq(el(cal, a, t), n);
            if (n > 0) {
                ck_assert_int_eq(el(cal, a, t - 1), n - 1);
            }

            n = (int64_t) (rnd(&x) % (uint64_t) (total - el(cal, from, a) + 1));
            t = add(cal, a, n);
            ck_assert_int_ge(t, a);
            ck_assert_int_eq(el(cal, a, t), n);
        }

        hd_cal_free(cal);
    }
}
END_TEST


Suite *
hd_cal_suite(void)
{
    TCase  *tc;
    Suite  *s;

    s = suite_create("cal");
    tc = tcase_create("core");
    tcase_set_timeout(tc, 60);

    tcase_add_test(tc, cal_ny_spring_forward_moves_windows_earlier_in_utc);
    tcase_add_test(tc, cal_ny_fall_back_moves_windows_later_in_utc);
    tcase_add_test(tc, cal_ny_dst_sundays_last_23_and_25_hours);
    tcase_add_test(tc, cal_always_open_is_one_block_across_dst);
    tcase_add_test(tc, cal_edge_in_spring_gap_starts_at_the_jump);
    tcase_add_test(tc, cal_edge_in_repeated_hour_takes_the_first);
    tcase_add_test(tc, cal_overnight_desk_counts_the_night_across_dst);
    tcase_add_test(tc, cal_overnight_shift_belongs_to_the_day_it_starts);
    tcase_add_test(tc, cal_weekday_holiday_removes_that_day);
    tcase_add_test(tc, cal_start_outside_hours_waits_for_the_window);
    tcase_add_test(tc, cal_zero_and_negative_ranges_are_zero);
    tcase_add_test(tc, cal_year_boundary);
    tcase_add_test(tc, cal_lord_howe_half_hour_dst);
    tcase_add_test(tc, cal_kathmandu_quarter_hour_offset);
    tcase_add_test(tc, cal_rejects_bad_definitions_and_ranges);
    tcase_add_test(tc, cal_answers_do_not_depend_on_the_range);
    tcase_add_test(tc, cal_elapsed_adds_up_and_add_inverts_it);

    suite_add_tcase(s, tc);

    return s;
}
