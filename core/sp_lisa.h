/* sp_lisa: local Moran's I (Anselin 1995) with analytic and conditional
 * permutation inference, Moran scatterplot quadrants and significance.
 *
 * With d = x - mean(x), D = sum d^2, lag_i = sum_j w_ij d_j:
 *   I_i = d_i lag_i / s2_i, where s2_i is (option `scale`)
 *     SP_LISA_SAMPLE  D / (n - 1)            GeoDa, esda, ArcGIS 10.1 LocalMoran.py,
 *                                            spdep localmoran(mlvar = FALSE)  [default]
 *     SP_LISA_ML      D / n                  spdep localmoran() default (mlvar = TRUE)
 *     SP_LISA_LOO     (D - d_i^2) / (n - 1)  the leave-one-out S_i^2 of ArcGIS's
 *                                            "How Cluster and Outlier Analysis works"
 *   Moments under randomisation (option `moments`), with W_i = sum_j w_ij,
 *   W2_i = sum_j w_ij^2, m2 = D / n and b2 = c sum d^4 / D^2 (c = n for ML,
 *   n - 1 otherwise, as spdep and ArcGIS compute it):
 *     SP_LISA_TOTAL (default; Anselin 1995, ArcGIS, spdep conditional = FALSE):
 *       E(I_i) = -W_i / (n - 1)
 *       V(I_i) = W2_i (n - b2)/(n - 1) + (W_i^2 - W2_i)(2 b2 - n)/((n - 1)(n - 2)) - E(I_i)^2
 *     SP_LISA_CONDITIONAL (spdep's default, Sokal et al. 1998):
 *       E(I_i) = -d_i^2 W_i / ((n - 1) m2)
 *       V(I_i) = (d_i / m2)^2 n/(n - 2) (W2_i - W_i^2/(n - 1)) (m2 - d_i^2/(n - 1))
 *   z_i = (I_i - E(I_i)) / sqrt(V(I_i)), p_norm two-sided.
 *   The formulas are spdep localmoran's, so every combination equals spdep.
 * Scatterplot: z_i = d_i / s, wz_i = lag_i / s with s^2 = D/(n-1) (D/n for
 * SP_LISA_ML), so that I_i = z_i wz_i for the SAMPLE and ML scales.
 * Quadrant: H when d_i > 0 (else L), then H when lag_i > 0 (else L): HH, LL,
 * HL (high value, low neighbours), LH.
 * Permutations: conditional (sp_autocorr_perm_local on d), folded pseudo p;
 * a unit with d_i = 0 has I_i = 0 in every permutation and p_perm = 1.
 * Significance: p (p_perm with permutations, else p_norm) <= alpha, or
 * Benjamini-Hochberg at alpha over the units with neighbours (fdr).
 * Islands (no neighbour): I, moments, z and p are NaN, quadrant 0, never
 * significant; they still count in the mean and variance of x.
 *
 * Ownership: sp_lisa_compute returns a new sp_lisa the caller frees with
 * sp_lisa_free.  Errors follow sp_error.h. */
#ifndef SP_LISA_H
#define SP_LISA_H

#include "sp_autocorr.h"
#include "sp_csr.h"

typedef enum sp_lisa_scale { SP_LISA_SAMPLE, SP_LISA_ML, SP_LISA_LOO } sp_lisa_scale;
typedef enum sp_lisa_moments { SP_LISA_TOTAL, SP_LISA_CONDITIONAL } sp_lisa_moments;

enum { SP_QUAD_NONE = 0, SP_QUAD_HH = 1, SP_QUAD_LL = 2, SP_QUAD_LH = 3, SP_QUAD_HL = 4 };

typedef struct sp_lisa_opts {
    sp_lisa_scale scale;
    sp_lisa_moments moments;
    double alpha;       /* significance level, e.g. 0.05 */
    int fdr;            /* Benjamini-Hochberg at alpha */
    sp_perm_opts perm;  /* perm.perm = 0: analytic p-values only */
} sp_lisa_opts;

typedef struct sp_lisa {
    int n, n_islands, n_significant;
    double *z, *wz;                 /* scatterplot coordinates (wz NaN for islands) */
    double *I, *EI, *VI, *zscore, *p_norm;
    double *p_perm;                 /* NULL without permutations */
    double *perm_mean, *perm_sd;    /* of the permuted I_i; NULL without permutations */
    double *p;                      /* the p-value used: p_perm or p_norm */
    double fdr_cutoff;              /* BH cutoff on p (0: none significant); NaN without fdr */
    int *nneigh;                    /* neighbours (off-diagonal entries) */
    unsigned char *quad;            /* SP_QUAD_* */
    unsigned char *sig;             /* 1: significant */
} sp_lisa;

/* Local Moran of x[0..n-1] with weights w (n x n, no self weights). */
int sp_lisa_compute(const sp_csr *w, const double *x, const char *what, const sp_lisa_opts *o,
                    sp_lisa **out);
void sp_lisa_free(sp_lisa *L);

/* "HH", "LL", "LH", "HL", or "" for SP_QUAD_NONE. */
const char *sp_lisa_quad_name(int quad);

/* The ArcGIS COType of unit i: the quadrant when significant, else "". */
const char *sp_lisa_cotype(const sp_lisa *L, int i);

/* count[q]: the significant units in quadrant q (SP_QUAD_*, 5 counts). */
void sp_lisa_counts(const sp_lisa *L, int count[5]);

#endif
