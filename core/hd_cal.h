/*
 * hd_cal — business-time arithmetic on a calendar.
 *
 * A calendar definition is an IANA time zone, weekly windows in local wall
 * time and holidays (local dates).  hd_cal_expand() turns a definition into
 * the sorted, merged UTC business intervals that fall in a range of
 * instants, once; hd_cal_elapsed() and hd_cal_add() then answer with binary
 * searches over that array: no allocation, no time-zone work, no I/O.
 *
 *     hd_cal_t  *cal;
 *
 *     if (hd_cal_expand(&def, now - YEAR_MS, now + YEAR_MS, &cal)
 *         != HD_CAL_OK) { ... }
 *     hd_cal_elapsed(cal, started_at, now, &ms);
 *     hd_cal_add(cal, started_at, target_ms, &due_at);
 *     hd_cal_free(cal);
 *
 * Instants are int64 milliseconds since 1970-01-01T00:00:00Z.  A calendar
 * answers only for instants inside the range it was expanded for
 * (HD_CAL_ERANGE otherwise); the caller expands a new one, e.g. two years
 * around now, when its clocks approach either end.
 *
 * Local wall time is turned into instants with ICU's copy of the tz
 * database (ucal_*), with these rules for the days the clock changes:
 *
 *   - a local time that does not exist (skipped by a spring-forward jump,
 *     e.g. 02:30 on 2026-03-08 in America/New_York) means the first instant
 *     after the gap, i.e. the moment of the jump (03:00 EDT, 07:00Z);
 *   - a local time that occurs twice (fall-back, e.g. 01:30 on 2026-11-01
 *     in New York) means its first occurrence (01:30 EDT, 05:30Z).
 *
 * So a window keeps its wall-clock edges and its length follows the clock:
 * a 24-hour calendar counts 23 hours on a spring-forward day and 25 on a
 * fall-back day.
 *
 * The zone rules are those of the tz release built into the linked ICU
 * (hd_cal_tzdata_version(); Debian 12's ICU 72 carries 2022e), not of
 * /usr/share/zoneinfo: a zone whose rules changed after that release
 * answers by the old rules until ICU's data is updated.
 */

#ifndef HD_CAL_H
#define HD_CAL_H

#include <stddef.h>
#include <stdint.h>

#define HD_CAL_DAY_SEC       86400
#define HD_CAL_DAY_MS        86400000LL

/* Instants a calendar may cover: [1900-01-01Z, 2400-01-01Z]. */
#define HD_CAL_MIN_MS        (-2208988800000LL)
#define HD_CAL_MAX_MS        13569465600000LL

/* The longest range one expansion may cover: ten years. */
#define HD_CAL_MAX_SPAN_MS   (3653 * HD_CAL_DAY_MS)

#define HD_CAL_MAX_WINDOWS   256
#define HD_CAL_TZ_MAX        64          /* longest zone name accepted */


/*
 * One weekly window of business hours, in local wall time.  dow counts
 * from 0 = Sunday to 6 = Saturday (PostgreSQL's extract(dow)).  start_sec
 * is 0..86399 seconds after local midnight, end_sec 0..86400.  When
 * end_sec > start_sec the window ends the same day (00:00–24:00 is
 * {d, 0, 86400}); when end_sec <= start_sec it ends on the next day at
 * end_sec (an overnight shift, e.g. 22:00–06:00 is {d, 79200, 21600};
 * start == end is 24 hours from start).
 */
typedef struct {
    unsigned  dow;
    unsigned  start_sec;
    unsigned  end_sec;
} hd_cal_window_t;

/*
 * A holiday: no business time on that local date, from start_sec to
 * end_sec, where end_sec == 0 stands for 24:00.  The usual whole-day
 * holiday {y, m, d} (both 0) takes [00:00, 24:00), including the
 * early-morning part of an overnight shift that began the evening before;
 * {y, m, d, 13 * 3600} is an afternoon off.  Needs start_sec < 86400 and,
 * unless end_sec is 0, start_sec < end_sec <= 86400.  Holidays may
 * overlap, in any order; those outside the range are ignored.
 */
typedef struct {
    int       year;
    int       month;                    /* 1..12 */
    int       day;                      /* 1..31 */
    unsigned  start_sec;
    unsigned  end_sec;
} hd_cal_holiday_t;

typedef struct {
    const char              *tz;        /* e.g. "America/New_York" */
    const hd_cal_window_t   *windows;
    size_t                   nwindows;
    const hd_cal_holiday_t  *holidays;
    size_t                   nholidays;
} hd_cal_def_t;

typedef enum {
    HD_CAL_OK = 0,
    HD_CAL_EINVAL,      /* a bad window, holiday, range or negative n */
    HD_CAL_EZONE,       /* tz is not a zone of the tz database */
    HD_CAL_ENOMEM,
    HD_CAL_ERANGE       /* an instant outside the expanded range, or the
                           answer lies beyond it */
} hd_cal_rc_t;

typedef struct hd_cal_s  hd_cal_t;


/*
 * Expands def over the instants [from, to] (HD_CAL_MIN_MS <= from <= to <=
 * HD_CAL_MAX_MS, to - from <= HD_CAL_MAX_SPAN_MS).  On HD_CAL_OK *out is a
 * new calendar, the caller's to free with hd_cal_free(); def is not kept.
 * Costs two tz conversions per window per day in the range, plus two per
 * holiday.
 */
hd_cal_rc_t hd_cal_expand(const hd_cal_def_t *def, int64_t from, int64_t to,
    hd_cal_t **out);

void hd_cal_free(hd_cal_t *cal);

/*
 * Business milliseconds in [a, b) into *ms.  When b <= a that is 0 and
 * HD_CAL_OK whatever the range; otherwise a and b must lie in the range
 * (HD_CAL_ERANGE).  For a <= b <= c, elapsed(a, c) == elapsed(a, b) +
 * elapsed(b, c).
 */
hd_cal_rc_t hd_cal_elapsed(const hd_cal_t *cal, int64_t a, int64_t b,
    int64_t *ms);

/*
 * The earliest instant t >= start with elapsed(start, t) == n, into *at:
 * for n == 0 that is start itself (even outside business hours); for
 * n > 0 it lies inside a business interval or at its end, so that 8 hours
 * from Saturday on a 09:00–17:00 calendar is Monday 17:00, not Tuesday
 * 09:00.  HD_CAL_EINVAL for n < 0; HD_CAL_ERANGE when start lies outside
 * the range or fewer than n business milliseconds remain in it.
 */
hd_cal_rc_t hd_cal_add(const hd_cal_t *cal, int64_t start, int64_t n,
    int64_t *at);

/* The range the calendar was expanded for. */
void hd_cal_range(const hd_cal_t *cal, int64_t *from, int64_t *to);

/*
 * The business intervals, for explaining a figure: there are
 * hd_cal_count() of them, sorted, disjoint, non-adjacent and clipped to
 * the range; interval i is [*start, *end).
 */
size_t hd_cal_count(const hd_cal_t *cal);
void hd_cal_interval(const hd_cal_t *cal, size_t i, int64_t *start,
    int64_t *end);

/* The tz database release ICU's zone rules come from, e.g. "2022e". */
const char *hd_cal_tzdata_version(void);

/* A static English description of rc. */
const char *hd_cal_strerror(hd_cal_rc_t rc);

#endif /* HD_CAL_H */
