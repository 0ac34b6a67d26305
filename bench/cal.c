/*
 * bench-cal: calls per second of hd_cal_elapsed() on one core, next to a
 * baseline measured in the same run, and the performance bar of issue 5
 * (>= 1 000 000 calls/s).
 *
 * The calendar is an office in America/New_York (09:00-17:00 Monday to
 * Friday, ten holidays a year) expanded over two years; the instants are
 * random pairs a <= b in that range, drawn once before timing.  Two
 * baselines run the same number of calls on the same pairs: a plain
 * textbook binary search over the same array of interval starts, twice
 * per call (elapsed needs the position of both instants), and a trivial
 * function (b - a), the floor of a call that reads the pairs.  The ratios
 * say what hd_cal_elapsed costs against the searches it cannot avoid and
 * against doing nothing.
 *
 * Rates are per second of this thread's CPU time, i.e. of one core
 * whatever else the machine runs; the wall-clock rate is printed too.
 * Each measurement stops after BENCH_CAL_CALLS calls [10 000 000] or 5 s;
 * the median of BENCH_CAL_ROUNDS rounds [3] is judged.  Exit status 0
 * when the bar is met, 1 otherwise.
 */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hd_cal.h"


#define BAR_CALLS_PER_SEC  1000000.0
#define MAX_SECONDS        5.0
#define DEFAULT_CALLS      10000000
#define NPAIRS             (1 << 20)   /* 16 MB of instants, cycled */
#define DEFAULT_ROUNDS     3

#define FROM_MS  1767225600000LL            /* 2026-01-01T00:00:00Z */
#define TO_MS    1830297600000LL            /* 2028-01-01T00:00:00Z */

#define HM(h, m)  ((unsigned) ((h) * 3600 + (m) * 60))


typedef struct {
    int64_t  a;
    int64_t  b;
} pair_t;

typedef struct {
    double   cpu;           /* calls per CPU second */
    double   wall;          /* calls per wall-clock second */
} rate_t;

typedef int64_t (*call_pt)(const void *ctx, int64_t a, int64_t b);

typedef struct {
    const int64_t  *starts;
    size_t          n;
} plain_t;


/* every result is added here, so no call can be optimized away */
static volatile int64_t  sink;

static const hd_cal_window_t  office[] = {
    { 1, HM(9, 0), HM(17, 0) }, { 2, HM(9, 0), HM(17, 0) },
    { 3, HM(9, 0), HM(17, 0) }, { 4, HM(9, 0), HM(17, 0) },
    { 5, HM(9, 0), HM(17, 0) }
};

static const hd_cal_holiday_t  holidays[] = {
    { 2026, 1, 1, 0, 0 }, { 2026, 1, 19, 0, 0 }, { 2026, 2, 16, 0, 0 },
    { 2026, 5, 25, 0, 0 }, { 2026, 7, 3, 0, 0 }, { 2026, 9, 7, 0, 0 },
    { 2026, 11, 26, 0, 0 }, { 2026, 11, 27, HM(12, 0), 0 },
    { 2026, 12, 24, HM(13, 0), 0 }, { 2026, 12, 25, 0, 0 },
    { 2027, 1, 1, 0, 0 }, { 2027, 1, 18, 0, 0 }, { 2027, 2, 15, 0, 0 },
    { 2027, 5, 31, 0, 0 }, { 2027, 7, 5, 0, 0 }, { 2027, 9, 6, 0, 0 },
    { 2027, 11, 25, 0, 0 }, { 2027, 11, 26, HM(12, 0), 0 },
    { 2027, 12, 24, 0, 0 }, { 2027, 12, 31, 0, 0 }
};


static double
now(clockid_t clock)
{
    struct timespec  ts;

    clock_gettime(clock, &ts);

    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}


static int64_t
call_elapsed(const void *ctx, int64_t a, int64_t b)
{
    int64_t  ms;

    if (hd_cal_elapsed(ctx, a, b, &ms) != HD_CAL_OK) {
        abort();
    }

    return ms;
}


static int64_t
call_trivial(const void *ctx, int64_t a, int64_t b)
{
    (void) ctx;

    return b - a;
}


static int64_t
call_add(const void *ctx, int64_t a, int64_t b)
{
    int64_t  at;

    /* b - a as a duration: most land weeks or months later, some beyond
     * the range (answered HD_CAL_ERANGE, as fast) */
    (void) hd_cal_add(ctx, a, (b - a) / 4, &at);

    return at;
}


/* The textbook lower bound: the first start >= t. */
static size_t
plain_search(const int64_t *v, size_t n, int64_t t)
{
    size_t  lo, hi, mid;

    lo = 0;
    hi = n;
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (v[mid] < t) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }

    return lo;
}


static int64_t
call_plain(const void *ctx, int64_t a, int64_t b)
{
    const plain_t  *p = ctx;

    return (int64_t) (plain_search(p->starts, p->n, a)
                      + plain_search(p->starts, p->n, b));
}


/*
 * Calls fn ncalls times over the pairs (cycling), or until MAX_SECONDS
 * have passed.  fn is called through a pointer so that every candidate
 * pays the same call.
 */
static rate_t
measure(call_pt fn, const void *ctx, const pair_t *pairs, size_t ncalls)
{
    size_t   i;
    double   c0, w0, c1, w1;
    rate_t   r;
    int64_t  sum;

    sum = 0;
    c0 = now(CLOCK_THREAD_CPUTIME_ID);
    w0 = now(CLOCK_MONOTONIC);

    for (i = 0; i < ncalls; i++) {
        sum += fn(ctx, pairs[i % NPAIRS].a, pairs[i % NPAIRS].b);
        if (i % 4096 == 4095 && now(CLOCK_MONOTONIC) - w0 > MAX_SECONDS) {
            i++;
            break;
        }
    }

    c1 = now(CLOCK_THREAD_CPUTIME_ID);
    w1 = now(CLOCK_MONOTONIC);

    sink += sum;
    r.cpu = (double) i / (c1 - c0);
    r.wall = (double) i / (w1 - w0);

    return r;
}


static int
cmp_double(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return (x > y) - (x < y);
}


static double
median(double *v, int n)
{
    qsort(v, (size_t) n, sizeof(double), cmp_double);

    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}


static long
env_long(const char *name, long def)
{
    char        *end;
    long         v;
    const char  *s;

    s = getenv(name);
    if (s == NULL || *s == '\0') {
        return def;
    }

    v = strtol(s, &end, 10);
    if (*end != '\0' || v < 1 || v > 100000000) {
        fprintf(stderr, "bench-cal: %s must be a positive integer\n", name);
        exit(2);
    }

    return v;
}


/* Two years of random instant pairs a <= b, the same in every run. */
static pair_t *
make_pairs(void)
{
    size_t    i;
    int64_t   s, e, t;
    pair_t   *pairs;
    uint64_t  x;

    pairs = malloc(NPAIRS * sizeof(pair_t));
    if (pairs == NULL) {
        return NULL;
    }

    x = 0x2545f4914f6cdd1dULL;
    for (i = 0; i < NPAIRS; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s = FROM_MS + (int64_t) (x % (uint64_t) (TO_MS - FROM_MS));
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        e = FROM_MS + (int64_t) (x % (uint64_t) (TO_MS - FROM_MS));
        if (s > e) {
            t = s;
            s = e;
            e = t;
        }
        pairs[i].a = s;
        pairs[i].b = e;
    }

    return pairs;
}


int
main(void)
{
    int            k, rounds;
    size_t         i, n, ncalls;
    double         t0, expand_ms, bar;
    double         el_cpu[16], el_wall[16], pl_cpu[16], tr_cpu[16],
                   add_cpu[16], r_pl[16], r_tr[16];
    int64_t        s, e;
    rate_t         el, pl, tr, ad;
    pair_t        *pairs;
    plain_t        plain;
    int64_t       *starts;
    hd_cal_t      *cal;
    hd_cal_rc_t    rc;
    hd_cal_def_t   def = {
        "America/New_York", office, sizeof(office) / sizeof(office[0]),
        holidays, sizeof(holidays) / sizeof(holidays[0])
    };

    ncalls = (size_t) env_long("BENCH_CAL_CALLS", DEFAULT_CALLS);
    rounds = (int) env_long("BENCH_CAL_ROUNDS", DEFAULT_ROUNDS);
    rounds = rounds < 16 ? rounds : 15;

    t0 = now(CLOCK_MONOTONIC);
    rc = hd_cal_expand(&def, FROM_MS, TO_MS, &cal);
    expand_ms = (now(CLOCK_MONOTONIC) - t0) * 1000;
    if (rc != HD_CAL_OK) {
        fprintf(stderr, "bench-cal: expand: %s\n", hd_cal_strerror(rc));
        return 1;
    }

    n = hd_cal_count(cal);
    starts = malloc((n > 0 ? n : 1) * sizeof(int64_t));
    pairs = make_pairs();
    if (starts == NULL || pairs == NULL) {
        fprintf(stderr, "bench-cal: out of memory\n");
        return 1;
    }

    for (i = 0; i < n; i++) {
        hd_cal_interval(cal, i, &s, &e);
        starts[i] = s;
    }

    plain.starts = starts;
    plain.n = n;

    printf("bench-cal: hd_cal_elapsed on one core\n"
           "  calendar: America/New_York, 09:00-17:00 Mon-Fri, %zu holidays,"
           " 2026-01-01Z to 2028-01-01Z:\n"
           "    %zu business intervals, expanded in %.1f ms"
           " (tz data %s)\n"
           "  %zu calls per measurement (at most %.0f s) over %d random"
           " pairs a <= b;\n"
           "    %d round(s), median judged; calls per second of CPU time\n\n",
           sizeof(holidays) / sizeof(holidays[0]), n, expand_ms,
           hd_cal_tzdata_version(), ncalls, MAX_SECONDS, NPAIRS, rounds);
    printf("  round    elapsed   2 searches    trivial   elapsed/searches"
           "   elapsed/trivial   add (info)\n");

    for (k = 0; k < rounds; k++) {
        tr = measure(call_trivial, NULL, pairs, ncalls);
        pl = measure(call_plain, &plain, pairs, ncalls);
        el = measure(call_elapsed, cal, pairs, ncalls);
        ad = measure(call_add, cal, pairs, ncalls);

        el_cpu[k] = el.cpu;
        el_wall[k] = el.wall;
        pl_cpu[k] = pl.cpu;
        tr_cpu[k] = tr.cpu;
        add_cpu[k] = ad.cpu;
        r_pl[k] = el.cpu / pl.cpu;
        r_tr[k] = el.cpu / tr.cpu;

        printf("  %5d %10.3gM %11.3gM %9.3gM %17.1f%% %16.1f%% %11.3gM\n",
               k + 1, el.cpu / 1e6, pl.cpu / 1e6, tr.cpu / 1e6,
               100 * r_pl[k], 100 * r_tr[k], ad.cpu / 1e6);
    }

    bar = median(el_cpu, rounds);

    printf("\n  hd_cal_elapsed                       %12.0f calls/s"
           "   bar >= %.0f   %s\n",
           bar, BAR_CALLS_PER_SEC, bar >= BAR_CALLS_PER_SEC ? "PASS" : "FAIL");
    printf("  baseline: 2 textbook binary searches %12.0f calls/s"
           "   elapsed / it %6.1f%%\n",
           median(pl_cpu, rounds), 100 * median(r_pl, rounds));
    printf("  baseline: trivial call (b - a)       %12.0f calls/s"
           "   elapsed / it %6.1f%%\n",
           median(tr_cpu, rounds), 100 * median(r_tr, rounds));
    printf("  hd_cal_add (information)             %12.0f calls/s\n",
           median(add_cpu, rounds));
    printf("  hd_cal_elapsed per wall-clock second %12.0f calls/s\n",
           median(el_wall, rounds));

    free(pairs);
    free(starts);
    hd_cal_free(cal);

    if (bar < BAR_CALLS_PER_SEC) {
        printf("FAIL: hd_cal_elapsed runs %.0f calls/s; the bar is >= %.0f\n",
               bar, BAR_CALLS_PER_SEC);
        return 1;
    }

    return 0;
}
