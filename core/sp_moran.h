/* sp_moran: global Moran's I and Geary's C with their normality,
 * randomisation and permutation tests.
 *
 * Formulas (as R spdep moran.test / geary.test, esda and ArcGIS compute them),
 * with z = x - mean(x), S0 = sum_ij w_ij, S1 = 1/2 sum_ij (w_ij + w_ji)^2,
 * S2 = sum_i (w_i. + w_.i)^2 and m the number of units used (below):
 *   I = (m / S0) z'Wz / z'z,  E(I) = -1 / (m - 1)
 *   normality:     V(I) = (m^2 S1 - m S2 + 3 S0^2) / (S0^2 (m^2 - 1)) - E(I)^2
 *   randomisation: V(I) = [m((m^2 - 3m + 3) S1 - m S2 + 3 S0^2)
 *                          - K((m^2 - m) S1 - 2m S2 + 6 S0^2)] / ((m-1)(m-2)(m-3) S0^2)
 *                          - E(I)^2,  K = n sum z^4 / (z'z)^2
 *   C = ((m - 1) / (2 S0)) sum_ij w_ij (z_i - z_j)^2 / z'z,  E(C) = 1
 *   normality:     V(C) = ((2 S1 + S2)(m - 1) - 4 S0^2) / (2 (m + 1) S0^2)
 *   randomisation: V(C) = [(m-1) S1 (m^2 - 3m + 3 - K(m-1))
 *                          - (m-1) S2 (m^2 + 3m - 6 - K(m^2 - m + 2)) / 4
 *                          + S0^2 (m^2 - 3 - K(m-1)^2)] / (m (m-2)(m-3) S0^2)
 *   z(I) = (I - E(I)) / sd,  z(C) = (E(C) - C) / sd (spdep's sign: positive for
 *   positive autocorrelation), p = two-sided normal.
 * Units without neighbours (islands) keep their value in the mean and the
 * variance and have a zero spatial lag (spdep zero.policy = TRUE).  m = n by
 * default (ArcGIS, esda); with adjust_n, m = n minus the islands as spdep's
 * default adjust.n = TRUE; Geary's variances then follow spdep geary.test
 * exactly, which keeps the full n in some terms (see sp_moran.c).
 * Variances need m >= 4 under randomisation; otherwise they are NaN.  A
 * variance within rounding of 0 (below 1e-12 E(I)^2: a statistic constant
 * under the null, e.g. W linking every unit to every other with equal
 * weights) and a permutation sd within the ties' tolerance give NaN z and p.
 *
 * Permutations: every permutation shuffles all n values over the map (stream
 * sp_rng_init(seed, SP_PERM_GLOBAL, p)); p_perm is the folded pseudo p-value of
 * sp_autocorr.h, mean_perm / sd_perm the moments of the permuted statistics and
 * z_perm = (stat - mean_perm) / sd_perm (for C: (mean_perm - C) / sd_perm).  Threads share out permutations.
 *
 * Errors follow sp_error.h; nothing to free. */
#ifndef SP_MORAN_H
#define SP_MORAN_H

#include "sp_autocorr.h"
#include "sp_csr.h"

typedef struct sp_moran_opts {
    int adjust_n;       /* m = n - islands (spdep adjust.n = TRUE) */
    sp_perm_opts perm;  /* perm.perm = 0: no permutation test */
} sp_moran_opts;

/* One global statistic and its tests; NaN where undefined or not asked for. */
typedef struct sp_gtest {
    double stat, expect;
    double var_norm, z_norm, p_norm;
    double var_rand, z_rand, p_rand;
    double p_perm, mean_perm, sd_perm, z_perm;
} sp_gtest;

typedef struct sp_moran_result {
    int n;          /* units */
    int m;          /* units used in the moments (n, or n - islands) */
    int n_islands;
    double S0, S1, S2, kurtosis;
    sp_gtest I;     /* Moran's I */
    sp_gtest C;     /* Geary's C */
} sp_moran_result;

/* Moran's I and Geary's C of x[0..n-1] with weights w (n x n, no self
 * weights).  x is checked with sp_autocorr_check (`what` names it). */
int sp_moran_compute(const sp_csr *w, const double *x, const char *what, const sp_moran_opts *o,
             sp_moran_result *r);

/* S0, S1, S2 of w (spdep spweights.constants). */
int sp_moran_constants(const sp_csr *w, double *S0, double *S1, double *S2);

#endif
