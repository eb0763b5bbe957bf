/* sp_fdr: significance after multiple testing, for local statistics.
 *
 * p-values that are NaN (units without neighbours) take no part: they are
 * never significant and do not count in m, the number of tests.
 * Outputs are caller-allocated arrays of n; errors follow sp_error.h
 * (only SP_ENOMEM). */
#ifndef SP_FDR_H
#define SP_FDR_H

/* Benjamini-Hochberg at level alpha: with the m finite p-values sorted,
 * p_(1) <= ... <= p_(m), k is the largest rank with p_(k) <= k alpha / m;
 * sig[i] = 1 when p[i] <= p_(k) (none when there is no such k).  *cutoff
 * (may be NULL) receives p_(k), or 0 when nothing is significant. */
int sp_fdr_bh(const double *p, int n, double alpha, unsigned char *sig, double *cutoff);

/* Confidence bins of ArcGIS Hot Spot Analysis (Gi_Bin): the sign of z times
 * 3, 2 or 1 when p <= 0.01, 0.05 or 0.10, else 0.  With fdr, a unit reaches a
 * level only when Benjamini-Hochberg at that level declares it significant, as
 * ArcGIS's fdrTransform does (cutoffs 0.10, 0.05, 0.01 scaled by rank / m). */
int sp_fdr_bins(const double *p, const double *z, int n, int fdr, signed char *bin);

#endif
