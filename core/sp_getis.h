/* sp_getis: Getis-Ord local statistics Gi* and Gi as z-scores, with
 * ArcGIS Hot Spot Analysis confidence bins.
 *
 * With d = x - mean(x), D = sum d^2, W_i = sum_j w_ij, S1_i = sum_j w_ij^2:
 *   Gi* (star; the self weight w_ii is the diagonal of w and counts in the sums):
 *     z_i = sum_j w_ij d_j / (S sqrt((n S1_i - W_i^2) / (n - 1))),  S = sqrt(D / n)
 *     This is ArcGIS's formula (Gi.py; "How Hot Spot Analysis works":
 *     (sum_j w_ij x_j - xbar W_i) / (S sqrt((n S1_i - W_i^2)/(n - 1)))) and
 *     spdep localG on include.self() weights.  The z-score does not change when
 *     a row of w is scaled, so binary and row-standardised weights agree.
 *   Gi (no self; diagonal entries are ignored), Ord and Getis (1995) as spdep
 *   localG: with the mean and variance of the other n - 1 values,
 *     m_i = xbar - d_i/(n - 1),  s_i^2 = (D - n d_i^2/(n - 1)) / (n - 1),
 *     z_i = (sum_{j!=i} w_ij x_j - W_i m_i) / sqrt(s_i^2 ((n - 1) S1_i - W_i^2) / (n - 2)).
 *   p_norm: two-sided normal.
 *   Permutations: conditional (sp_autocorr_perm_local: x_i and its self weight
 *   stay, the neighbours' values are drawn from the other units), folded
 *   pseudo p.  ArcGIS's own option resamples with replacement (bootstrap).
 *   Bins: sp_fdr_bins on p (p_perm with permutations, else p_norm) and z.
 *   Islands (no neighbour other than themselves): z and p NaN, bin 0.
 *
 * Ownership: sp_getis_compute returns a new sp_getis freed with
 * sp_getis_free; sp_getis_add_self a new matrix freed with sp_csr_free.
 * Errors follow sp_error.h. */
#ifndef SP_GETIS_H
#define SP_GETIS_H

#include "sp_autocorr.h"
#include "sp_csr.h"

typedef struct sp_getis_opts {
    int star;           /* 1: Gi* (self weight from the diagonal), 0: Gi */
    int fdr;            /* bins through Benjamini-Hochberg, as ArcGIS's FDR option */
    sp_perm_opts perm;  /* perm.perm = 0: analytic p-values only */
} sp_getis_opts;

typedef struct sp_getis {
    int n, n_islands;
    double *zscore, *p_norm;
    double *p_perm;     /* NULL without permutations */
    double *p;          /* the p-value used: p_perm or p_norm */
    int *nneigh;        /* neighbours other than the unit itself */
    signed char *bin;   /* -3..3 */
    int bins[7];        /* number of units in each bin, bins[b + 3] */
} sp_getis;

int sp_getis_compute(const sp_csr *w, const double *x, const char *what, const sp_getis_opts *o,
                     sp_getis **out);
void sp_getis_free(sp_getis *G);

/* w with a self weight `self` on the diagonal of every row that has none
 * (rows that have one keep it), as ArcGIS does for Gi* (default 1). */
int sp_getis_add_self(const sp_csr *w, double self, sp_csr **out);

#endif
