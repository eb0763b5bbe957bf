/* sp_dstat: sorted copies, type-7 quantiles, mean and standard deviation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sp_dstat.h"
#include "sp_error.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void sp_dstat_sort(double *x, int n)
{
    qsort(x, (size_t)n, sizeof *x, cmp_double);
}

int sp_dstat_sorted(const double *x, int n, double **out)
{
    double *s = sp_malloc((size_t)(n > 0 ? n : 1) * sizeof *s);
    if (!s)
        return SP_ENOMEM;
    memcpy(s, x, (size_t)n * sizeof *s);
    sp_dstat_sort(s, n);
    *out = s;
    return SP_OK;
}

/* R type 7: linear interpolation between order statistics at (n - 1) p. */
double sp_dstat_quantile(const double *s, int n, double p)
{
    if (n <= 0)
        return NAN;
    double h = (n - 1) * p;
    int lo = (int)floor(h);
    if (lo >= n - 1)
        return s[n - 1];
    return s[lo] + (h - lo) * (s[lo + 1] - s[lo]);
}

double sp_dstat_mean(const double *x, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += x[i];
    return n > 0 ? sum / n : NAN;
}

double sp_dstat_sd(const double *x, int n)
{
    if (n < 2)
        return 0;
    double m = sp_dstat_mean(x, n), ss = 0;
    for (int i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    return sqrt(ss / (n - 1));
}
