/* sp_kde: univariate kernel density estimates evaluated exactly (no binning,
 * no FFT) on a grid, their bandwidth rules and their peaks.
 *
 *   f(g) = 1/(n h) sum_i K((g - x_i) / h)
 *
 * Kernels, scaled as R's stats::density scales them so that h is the standard
 * deviation of the kernel (R's `bw`):
 *   gaussian      K(u) = exp(-u^2/2) / sqrt(2 pi)
 *   epanechnikov  K(u) = 3/(4 sqrt 5) (1 - u^2/5)  for |u| < sqrt 5, else 0
 *                 (R's and Stata's epanechnikov; support +-sqrt(5) h).
 * Bandwidth rules (x of n >= 2 values, IQR by R's type-7 quantiles):
 *   silverman  0.9 min(sd, IQR/1.34) n^(-1/5)     R's bw.nrd0 (the default)
 *   scott      1.06 min(sd, IQR/1.34) n^(-1/5)    R's bw.nrd
 * When the IQR is 0 but sd > 0 both use sd (bw.nrd0's rule; R's bw.nrd would
 * return 0).  A constant sample has no bandwidth: SP_EDATA.
 *
 * A grid shared by several samples (one per period) spans
 * [min_t (min x_t - cut h_t), max_t (max x_t + cut h_t)] (R's density with
 * cut = 3 for one sample); accumulate it with sp_kde_range.
 *
 * Peaks are the local maxima of the density on the grid: a grid point (or
 * the middle of a run of equal values) strictly above its neighbours on both
 * sides; the two ends of the grid are never peaks.
 *
 * Nothing is allocated by this module except where stated; errors follow
 * sp_error.h, with `what` naming the data in messages. */
#ifndef SP_KDE_H
#define SP_KDE_H

typedef enum sp_kde_kernel { SP_KDE_GAUSSIAN, SP_KDE_EPANECHNIKOV } sp_kde_kernel;
typedef enum sp_kde_rule { SP_KDE_SILVERMAN, SP_KDE_SCOTT } sp_kde_rule;

/* *h = the rule's bandwidth of x[0..n-1].  SP_EDATA for n < 2, non-finite
 * values or a constant sample. */
int sp_kde_bandwidth(const double *x, int n, sp_kde_rule rule, const char *what, double *h);

/* Widen [*lo, *hi] to hold [min x - cut h, max x + cut h].  Start with
 * *lo = +INFINITY, *hi = -INFINITY. */
void sp_kde_range(const double *x, int n, double h, double cut, double *lo, double *hi);

/* grid[k] = lo + k (hi - lo) / (m - 1), k = 0..m-1 (m >= 2). */
void sp_kde_grid(double lo, double hi, int m, double *grid);

/* dens[k] = f(grid[k]) for k = 0..m-1, exactly.  SP_EUSAGE when h <= 0 or
 * n < 1; SP_ENOMEM (the Epanechnikov kernel sorts a copy of x). */
int sp_kde_eval(const double *x, int n, double h, sp_kde_kernel kernel, const double *grid,
                int m, double *dens);

/* The peaks of dens[0..m-1]: their grid indices into idx (room for m / 2 + 1)
 * in grid order; returns how many. */
int sp_kde_peaks(const double *dens, int m, int *idx);

#endif
