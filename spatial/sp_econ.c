/* sp_econ: economic-distance and nested economic-geographic weights; see sp_econ.h. */
#include <math.h>
#include <stdlib.h>

#include "sp_econ.h"
#include "sp_error.h"

int sp_econ_distance(const double *means, int n, const char *const *ids, sp_csr **out)
{
    *out = NULL;
    if (n < 2)
        return sp_error_set(SP_EDATA, "economic distance needs at least 2 units");
    sp_csr *w;
    int rc = sp_csr_alloc(n, n, n * (n - 1), &w);
    if (rc)
        return rc;
    int k = 0;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            if (j == i)
                continue;
            double gap = fabs(means[i] - means[j]);
            if (!(gap > 0.0)) {
                sp_csr_free(w);
                if (ids)
                    return sp_error_set(SP_EDATA, "units '%s' and '%s' have the same mean (%g): "
                                        "their economic distance weight 1/0 is undefined",
                                        ids[i], ids[j], means[i]);
                return sp_error_set(SP_EDATA, "units %d and %d have the same mean (%g)", i + 1,
                                    j + 1, means[i]);
            }
            w->j[k] = j;
            w->x[k++] = 1.0 / gap;
        }
        w->p[i + 1] = k;
    }
    *out = w;
    return SP_OK;
}

int sp_econ_nested(const sp_csr *w_geo, const double *means, sp_csr **out)
{
    int n = w_geo->nrow;
    double mbar = 0.0;
    for (int i = 0; i < n; i++)
        mbar += means[i];
    mbar /= n;
    if (!(mbar != 0.0) || !isfinite(mbar))
        return sp_error_set(SP_EDATA, "nested weights: the mean of the variable is %g", mbar);
    int rc = sp_csr_copy(w_geo, out);
    if (rc)
        return rc;
    for (int k = 0; k < sp_csr_nnz(*out); k++)
        (*out)->x[k] *= means[(*out)->j[k]] / mbar;
    return SP_OK;
}

void sp_econ_unit_means(const int *unit, const double *value, int nrow, int n, double *mean,
                        int *count)
{
    for (int u = 0; u < n; u++)
        mean[u] = 0.0, count[u] = 0;
    for (int r = 0; r < nrow; r++)
        if (unit[r] >= 0) {
            mean[unit[r]] += value[r];
            count[unit[r]]++;
        }
    for (int u = 0; u < n; u++)
        mean[u] = count[u] > 0 ? mean[u] / count[u] : NAN;
}
