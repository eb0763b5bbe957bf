/* sp_dstat: descriptive statistics of one sample shared by the distribution
 * commands (kde, gini, index): sorted copies, R's type-7 quantiles, mean and
 * the n - 1 standard deviation.
 *
 * Nothing here fails except sp_dstat_sorted (SP_ENOMEM); the caller owns what
 * it passes and what sp_dstat_sorted returns (free with free()). */
#ifndef SP_DSTAT_H
#define SP_DSTAT_H

/* *out = a sorted (ascending) copy of x[0..n-1]; free() it. */
int sp_dstat_sorted(const double *x, int n, double **out);

/* Sort x[0..n-1] ascending in place (a radix sort for large n; no NaN). */
void sp_dstat_sort(double *x, int n);

/* Quantile p of sorted s[0..n-1], R's quantile(type = 7):
 * h = (n - 1) p, s[floor h] + (h - floor h) (s[floor h + 1] - s[floor h]).
 * Reads only s[floor h] and s[floor h + 1] (s[n - 1] when floor h >= n - 1),
 * so those order statistics in place suffice (sp_classify's selection). */
double sp_dstat_quantile(const double *s, int n, double p);

double sp_dstat_mean(const double *x, int n);

/* Sample standard deviation, divisor n - 1 (0 when n < 2); two-pass. */
double sp_dstat_sd(const double *x, int n);

#endif
