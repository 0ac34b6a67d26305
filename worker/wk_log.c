/*
 * wk_log.c — one line per event on stderr.
 *
 * Commands log "helpdesk-worker: message".  The long-lived `run` command
 * switches on timestamps so its lines can be read without a supervisor that
 * adds them: "2025-01-31T12:00:00.123Z helpdesk-worker[42]: message".
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "wk.h"


static int  wk_log_with_time;


long long
wk_now_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


void
wk_log_timestamps(int on)
{
    wk_log_with_time = on;
}


/* Format the line prefix into buf; returns its length. */
static size_t
wk_log_prefix(char *buf, size_t len)
{
    struct timeval  tv;
    struct tm       tm;
    char            ts[32];
    int             n;

    if (!wk_log_with_time) {
        n = snprintf(buf, len, "%s: ", WK_NAME);

    } else {
        gettimeofday(&tv, NULL);
        gmtime_r(&tv.tv_sec, &tm);
        strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
        n = snprintf(buf, len, "%s.%03dZ %s[%d]: ", ts,
                     (int) (tv.tv_usec / 1000), WK_NAME, (int) getpid());
    }

    return (n < 0) ? 0 : ((size_t) n >= len ? len - 1 : (size_t) n);
}


void
wk_log(const char *fmt, ...)
{
    char     line[4096];
    size_t   n;
    int      m;
    va_list  ap;

    n = wk_log_prefix(line, sizeof(line));

    va_start(ap, fmt);
    m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
    va_end(ap);

    if (m > 0) {
        n += ((size_t) m >= sizeof(line) - n - 1)
             ? sizeof(line) - n - 2 : (size_t) m;
    }

    line[n++] = '\n';

    if (write(STDERR_FILENO, line, n) < 0) {
        /* nowhere left to report it */
    }
}
