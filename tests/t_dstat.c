/* Unit tests for core/sp_dstat: sorting (qsort and radix paths, negative
 * values, ties), R's type-7 quantiles, mean and sd. */
#include <stdlib.h>

#include "harness.h"
#include "sp_dstat.h"

static void test_sort_paths(void)
{
    int sizes[2] = {100, 20000};
    for (int t = 0; t < 2; t++) {
        int n = sizes[t], ok = 1;
        double *x = malloc(n * sizeof *x), sum = 0, sorted_sum = 0;
        unsigned s = 99;
        for (int i = 0; i < n; i++) {
            s = s * 1103515245u + 12345u;
            x[i] = ((int)(s >> 16) % 2001 - 1000) / 7.0;   /* negatives, zeros, ties */
            if (i % 97 == 0)
                x[i] = -0.0;
            sum += x[i];
        }
        sp_dstat_sort(x, n);
        for (int i = 0; i < n; i++) {
            sorted_sum += x[i];
            ok &= i == 0 || x[i - 1] <= x[i];
        }
        CHECK(ok);
        CHECK_REL(sorted_sum, sum, 1e-12);
        free(x);
    }
}

static void test_moments(void)
{
    double x[] = {2, 4, 4, 4, 5, 5, 7, 9}, *s;
    CHECK_REL(sp_dstat_mean(x, 8), 5, 1e-15);
    CHECK_REL(sp_dstat_sd(x, 8), sqrt(32.0 / 7), 1e-15);      /* R: sd() */
    CHECK_INT(sp_dstat_sorted(x, 8, &s), 0);
    CHECK_REL(sp_dstat_quantile(s, 8, 0.5), 4.5, 1e-15);     /* R: quantile(x, .5) */
    CHECK_REL(sp_dstat_quantile(s, 8, 0.1), 3.4, 1e-15);     /* R: quantile(x, .1) */
    CHECK_ABS(sp_dstat_sd(x, 1), 0, 0);
    free(s);
}

int main(void)
{
    RUN(test_sort_paths);
    RUN(test_moments);
    return th_report("t_dstat");
}
