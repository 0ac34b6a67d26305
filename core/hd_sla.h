/*
 * hd_sla — calendars as the SLA engine stores them.
 *
 * A calendar reaches core in two shapes: the API's (windows as "HH:MM"
 * strings, holidays with labels) and the stored one, which
 * calendar_def_json() and calendar_save() use:
 *
 *     {"tz": "Europe/London",
 *      "windows": [{"dow": 1, "start_sec": 32400, "end_sec": 63000}, ...],
 *      "holidays": ["2026-12-25", ...]}
 *
 * hd_sla_api_calendar() checks the API's shape and writes the stored one
 * (plus name, is_default and labelled holidays) for calendar_save();
 * hd_sla_cal_parse() reads the stored shape into an hd_cal definition; and
 * hd_sla_expand() expands it around an instant into the two SQL bigint[]
 * literals calendar_expansion_save() takes.  The nginx module (through
 * hd_api) and the worker share these, so both store the same intervals.
 */

#ifndef HD_SLA_H
#define HD_SLA_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "hd_buf.h"
#include "hd_cal.h"

#define HD_SLA_HOLIDAYS_MAX  1000

/* The expansion covers three years either side of the instant it is made. */
#define HD_SLA_EXPAND_BACK_MS   (1096 * HD_CAL_DAY_MS)
#define HD_SLA_EXPAND_AHEAD_MS  (1096 * HD_CAL_DAY_MS)

typedef struct {
    char               tz[HD_CAL_TZ_MAX + 1];
    hd_cal_window_t    windows[HD_CAL_MAX_WINDOWS];
    size_t             nwindows;
    hd_cal_holiday_t   holidays[HD_SLA_HOLIDAYS_MAX];
    size_t             nholidays;
} hd_sla_cal_t;

typedef struct {
    int64_t   from;                 /* the range, epoch ms */
    int64_t   to;
    size_t    count;                /* intervals */
    hd_buf_t  starts;               /* "{s1,s2,…}" */
    hd_buf_t  ends;                 /* "{e1,e2,…}" */
} hd_sla_expansion_t;

/*
 * "HH:MM" (00:00..23:59, or 24:00 when allow_24) into seconds after
 * midnight.  Returns 0 on success, -1 otherwise.
 */
int hd_sla_parse_hhmm(const char *s, int allow_24, unsigned *sec);

/*
 * Reads the stored shape into cal.  Returns NULL on success, otherwise a
 * static message naming what is wrong.
 */
const char *hd_sla_cal_parse(const cJSON *def, hd_sla_cal_t *cal);

/*
 * Checks an API calendar body {name, tz, is_default, windows: [{dow, start,
 * end}], holidays: [{date, label}]} (create: name, tz and windows
 * required; a PUT replaces the whole calendar, so the same).  On success
 * returns NULL and sets *stored (the caller's to cJSON_Delete) to the
 * stored shape with name, is_default and holidays as [{date, label}];
 * otherwise returns a static message and sets *field to the member at
 * fault.
 */
const char *hd_sla_api_calendar(const cJSON *body, cJSON **stored,
    const char **field);

/*
 * Expands cal over [at - HD_SLA_EXPAND_BACK_MS, at + HD_SLA_EXPAND_AHEAD_MS]
 * into x (freed with hd_sla_expansion_free()).
 */
hd_cal_rc_t hd_sla_expand(const hd_sla_cal_t *cal, int64_t at,
    hd_sla_expansion_t *x);

void hd_sla_expansion_free(hd_sla_expansion_t *x);

#endif /* HD_SLA_H */
