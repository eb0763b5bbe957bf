/* sp_fdr: significance after multiple testing for local statistics (Benjamini-Hochberg); see
 * sp_fdr.h. */
#include <math.h>
#include <stdlib.h>

#include "sp_error.h"
#include "sp_fdr.h"

typedef struct ranked {
    double p;
    int i;
} ranked;

static int ranked_cmp(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->p != y->p)
        return x->p < y->p ? -1 : 1;
    return x->i - y->i;
}

/* The BH cutoff p_(k) at each of the levels alpha[0..nlevels-1] (-1 when none). */
static int bh_cutoffs(const double *p, int n, const double *alpha, int nlevels, double *cutoff)
{
    ranked *r = sp_malloc(((size_t)n + 1) * sizeof *r);
    if (!r)
        return sp_error_set(SP_ENOMEM, "out of memory sorting %d p-values", n);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(p[i]))
            r[m++] = (ranked){p[i], i};
    qsort(r, (size_t)m, sizeof *r, ranked_cmp);
    for (int l = 0; l < nlevels; l++) {
        cutoff[l] = -1.0;
        for (int k = m; k >= 1; k--)
            if (r[k - 1].p <= k * alpha[l] / m) {
                cutoff[l] = r[k - 1].p;
                break;
            }
    }
    free(r);
    return SP_OK;
}

int sp_fdr_bh(const double *p, int n, double alpha, unsigned char *sig, double *cutoff)
{
    double c;
    int rc = bh_cutoffs(p, n, &alpha, 1, &c);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++)
        sig[i] = !isnan(p[i]) && p[i] <= c;
    if (cutoff)
        *cutoff = c < 0.0 ? 0.0 : c;
    return SP_OK;
}

int sp_fdr_bins(const double *p, const double *z, int n, int fdr, signed char *bin)
{
    static const double level[3] = {0.10, 0.05, 0.01};
    double cut[3] = {0.10, 0.05, 0.01};
    if (fdr) {
        int rc = bh_cutoffs(p, n, level, 3, cut);
        if (rc)
            return rc;
    }
    for (int i = 0; i < n; i++) {
        bin[i] = 0;
        if (isnan(p[i]) || isnan(z[i]) || z[i] == 0.0)
            continue;
        int b = 0;
        for (int l = 0; l < 3; l++)
            if (p[i] <= cut[l])
                b = l + 1;
        bin[i] = (signed char)(z[i] > 0 ? b : -b);
    }
    return SP_OK;
}
