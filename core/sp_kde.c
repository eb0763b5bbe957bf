/* sp_kde: exact kernel density estimates, bandwidth rules and peaks. */
#include <math.h>
#include <stdlib.h>

#include "sp_dstat.h"
#include "sp_error.h"
#include "sp_kde.h"

/* Silverman (bw.nrd0) or Scott (bw.nrd): c min(sd, IQR/1.34) n^(-1/5). */
int sp_kde_bandwidth(const double *x, int n, sp_kde_rule rule, const char *what, double *h)
{
    if (n < 2)
        return sp_error_set(SP_EDATA, "%s: a density needs at least 2 values (got %d)", what, n);
    for (int i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return sp_error_set(SP_EDATA, "%s: value %d is not finite", what, i + 1);
    double *s;
    if (sp_dstat_sorted(x, n, &s))
        return SP_ENOMEM;
    double sd = sp_dstat_sd(x, n);
    double iqr = (sp_dstat_quantile(s, n, 0.75) - sp_dstat_quantile(s, n, 0.25)) / 1.34;
    free(s);
    if (!(sd > 0))
        return sp_error_set(SP_EDATA, "%s: the variable is constant: no bandwidth for a density", what);
    double lo = iqr > 0 && iqr < sd ? iqr : sd;
    *h = (rule == SP_KDE_SCOTT ? 1.06 : 0.9) * lo * pow(n, -0.2);
    return SP_OK;
}

void sp_kde_range(const double *x, int n, double h, double cut, double *lo, double *hi)
{
    for (int i = 0; i < n; i++) {
        if (x[i] - cut * h < *lo)
            *lo = x[i] - cut * h;
        if (x[i] + cut * h > *hi)
            *hi = x[i] + cut * h;
    }
}

void sp_kde_grid(double lo, double hi, int m, double *grid)
{
    for (int k = 0; k < m; k++)
        grid[k] = k == m - 1 ? hi : lo + k * (hi - lo) / (m - 1);
}

/* Gaussian: every term, f(g) = sum phi((g - x_i)/h) / (n h). */
static void eval_gaussian(const double *x, int n, double h, const double *grid, int m, double *dens)
{
    const double c = 1.0 / (n * h * sqrt(2 * M_PI));
    for (int k = 0; k < m; k++) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double u = (grid[k] - x[i]) / h;
            s += exp(-0.5 * u * u);
        }
        dens[k] = c * s;
    }
}

/* Epanechnikov on sorted values: only |g - x_i| < sqrt(5) h contributes. */
static int eval_epanechnikov(const double *x, int n, double h, const double *grid, int m,
                             double *dens)
{
    double *s;
    if (sp_dstat_sorted(x, n, &s))
        return SP_ENOMEM;
    const double a = sqrt(5.0) * h, c = 0.75 / (n * a);
    int start = 0;
    for (int k = 0; k < m; k++) {     /* grid ascending: the window only moves right */
        while (start < n && s[start] <= grid[k] - a)
            start++;
        double sum = 0;
        for (int i = start; i < n && s[i] < grid[k] + a; i++) {
            double u = (grid[k] - s[i]) / a;
            sum += 1 - u * u;
        }
        dens[k] = c * sum;
    }
    free(s);
    return SP_OK;
}

int sp_kde_eval(const double *x, int n, double h, sp_kde_kernel kernel, const double *grid,
                int m, double *dens)
{
    if (!(h > 0) || n < 1)
        return sp_error_set(SP_EUSAGE, "a density needs a positive bandwidth and data (h = %g, n = %d)", h, n);
    if (kernel == SP_KDE_EPANECHNIKOV)
        return eval_epanechnikov(x, n, h, grid, m, dens);
    eval_gaussian(x, n, h, grid, m, dens);
    return SP_OK;
}

/* Local maxima; a plateau counts once, at its middle. */
int sp_kde_peaks(const double *dens, int m, int *idx)
{
    int np = 0;
    for (int i = 1; i < m - 1; i++) {
        if (!(dens[i] > dens[i - 1]))
            continue;
        int j = i;
        while (j + 1 < m && dens[j + 1] == dens[i])
            j++;
        if (j + 1 < m && dens[j + 1] < dens[i])
            idx[np++] = (i + j) / 2;
        i = j;
    }
    return np;
}
