/* sp_dstat: sorted copies, type-7 quantiles, mean and standard deviation. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_dstat.h"
#include "sp_error.h"
#include "sp_sort.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A double's bits as an unsigned key in the same order (IEEE 754: flip every
 * bit of a negative value, only the sign bit of a positive one). */
static uint64_t to_key(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u >> 63 ? ~u : u | (uint64_t)1 << 63;
}

static double from_key(uint64_t u)
{
    u = u >> 63 ? u & ~((uint64_t)1 << 63) : ~u;
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* qsort below RADIX_MIN values; above, the linear-time radix sort of sp_sort
 * on order-preserving keys (qsort again if its scratch memory is refused). */
#define RADIX_MIN 4096

void sp_dstat_sort(double *x, int n)
{
    uint64_t *k = n >= RADIX_MIN ? malloc((size_t)n * sizeof *k) : NULL;
    if (k) {
        for (int i = 0; i < n; i++)
            k[i] = to_key(x[i]);
        if (sp_sort_u64(k, NULL, (size_t)n) == SP_OK) {
            for (int i = 0; i < n; i++)
                x[i] = from_key(k[i]);
            free(k);
            return;
        }
        sp_error_clear();
        free(k);
    }
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
