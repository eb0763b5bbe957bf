/* A small test harness: CHECK macros count passes and failures and main()
 * ends with the line "NAME: N passed, N failed" that tests/run.sh adds up.
 *
 *   static void test_thing(void) { CHECK(1 + 1 == 2); CHECK_REL(x, 0.5, 1e-12); }
 *   int main(void) { RUN(test_thing); return th_report("t_thing"); }
 *
 * Every check has a stable id, as SQLite's do_test names: FILE.TEST-N, the
 * test file, the RUN function and the check's ordinal within it (e.g.
 * t_panel.test_hausman-7), printed on failure ("FAIL t_panel.test_hausman-7
 * (tests/t_panel.c:612): ...") and, with TH_VERBOSE=1 in the environment,
 * for every check ("ok t_panel.test_hausman-7"). */
#ifndef SP_HARNESS_H
#define SP_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"

static int th_passed, th_failed, th_seq;
static const char *th_current = "";

/* "t_panel" from "tests/t_panel.c". */
static inline const char *th_file(const char *path, char *buf, size_t size)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(buf, size, "%.*s", (int)strcspn(base, "."), base);
    return buf;
}

#define TH_RECORD(ok, ...)                                                   \
    do {                                                                     \
        char th_fb[64];                                                      \
        th_seq++;                                                            \
        if (ok) {                                                            \
            th_passed++;                                                     \
            if (getenv("TH_VERBOSE"))                                        \
                printf("ok %s.%s-%d\n", th_file(__FILE__, th_fb, sizeof th_fb), \
                       th_current, th_seq);                                  \
        } else {                                                             \
            th_failed++;                                                     \
            fprintf(stderr, "FAIL %s.%s-%d (%s:%d): ",                       \
                    th_file(__FILE__, th_fb, sizeof th_fb), th_current, th_seq, \
                    __FILE__, __LINE__);                                     \
            fprintf(stderr, __VA_ARGS__);                                    \
            fputc('\n', stderr);                                             \
        }                                                                    \
    } while (0)

#define CHECK(cond) TH_RECORD((cond), "%s", #cond)

#define CHECK_INT(got, want)                                                  \
    do {                                                                      \
        long long th_g = (got), th_w = (want);                                \
        TH_RECORD(th_g == th_w, "%s = %lld, want %lld", #got, th_g, th_w);    \
    } while (0)

#define CHECK_STR(got, want)                                                  \
    do {                                                                      \
        const char *th_g = (got), *th_w = (want);                             \
        TH_RECORD(th_g && strcmp(th_g, th_w) == 0, "%s = \"%s\", want \"%s\"", \
                  #got, th_g ? th_g : "(null)", th_w);                        \
    } while (0)

/* |got - want| <= rel * max(|want|, 1e-300), or both NaN. */
#define CHECK_REL(got, want, rel)                                             \
    do {                                                                      \
        double th_g = (got), th_w = (want);                                   \
        int th_ok = (isnan(th_g) && isnan(th_w)) ||                           \
                    fabs(th_g - th_w) <= (rel) * fmax(fabs(th_w), 1e-300);    \
        TH_RECORD(th_ok, "%s = %.17g, want %.17g (rel %.3g)", #got, th_g, th_w, \
                  fabs(th_g - th_w) / fmax(fabs(th_w), 1e-300));              \
    } while (0)

/* |got - want| <= tol. */
#define CHECK_ABS(got, want, tol)                                             \
    do {                                                                      \
        double th_g = (got), th_w = (want);                                   \
        TH_RECORD(fabs(th_g - th_w) <= (tol), "%s = %.17g, want %.17g", #got,  \
                  th_g, th_w);                                                \
    } while (0)

#define RUN(fn)                                                               \
    do {                                                                      \
        sp_error_init(); /* as main() does: GSL failures are return values */ \
        th_current = #fn;                                                     \
        th_seq = 0;                                                           \
        fn();                                                                 \
    } while (0)

static inline int th_report(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, th_passed, th_failed);
    return th_failed ? 1 : 0;
}

/* Directory of committed fixtures, relative to the repository root. */
#define TH_FIXTURES "tests/fixtures"

#endif
