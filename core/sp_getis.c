/* sp_getis: Getis-Ord local statistics Gi* and Gi as z-scores with ArcGIS's bins; see
 * sp_getis.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_fdr.h"
#include "sp_getis.h"

void sp_getis_free(sp_getis *G)
{
    if (!G)
        return;
    free(G->zscore);
    free(G->p_norm);
    free(G->p_perm);
    free(G->p);
    free(G->nneigh);
    free(G->bin);
    free(G);
}

static sp_getis *getis_alloc(int n, int perm)
{
    sp_getis *G = sp_calloc(1, sizeof *G);
    if (!G)
        return NULL;
    size_t nd = (size_t)n * sizeof(double);
    G->n = n;
    G->zscore = sp_malloc(nd);
    G->p_norm = sp_malloc(nd);
    G->p = sp_malloc(nd);
    G->nneigh = sp_malloc((size_t)n * sizeof *G->nneigh);
    G->bin = sp_calloc((size_t)n, 1);
    int ok = G->zscore && G->p_norm && G->p && G->nneigh && G->bin;
    if (ok && perm > 0)
        ok = (G->p_perm = sp_malloc(nd)) != NULL;
    if (!ok) {
        sp_getis_free(G);
        return NULL;
    }
    return G;
}

int sp_getis_add_self(const sp_csr *w, double self, sp_csr **out)
{
    *out = NULL;
    int n = w->nrow, nnz = sp_csr_nnz(w);
    if (!(self >= 0.0) || !isfinite(self))
        return sp_error_set(SP_EUSAGE, "self weight must be finite and >= 0 (got %g)", self);
    int *ti = sp_malloc(((size_t)nnz + n + 1) * sizeof *ti), *tj = sp_malloc(((size_t)nnz + n + 1) * sizeof *tj);
    double *tx = sp_malloc(((size_t)nnz + n + 1) * sizeof *tx);
    if (!ti || !tj || !tx) {
        free(ti);
        free(tj);
        free(tx);
        return sp_error_set(SP_ENOMEM, "out of memory (n = %d)", n);
    }
    int used = 0;
    for (int i = 0; i < n; i++) {
        int has = 0;
        for (int k = w->p[i]; k < w->p[i + 1]; k++) {
            has |= w->j[k] == i;
            ti[used] = i;
            tj[used] = w->j[k];
            tx[used++] = w->x[k];
        }
        if (!has) {
            ti[used] = i;
            tj[used] = i;
            tx[used++] = self;
        }
    }
    int rc = sp_csr_from_triplets(n, n, used, ti, tj, tx, out);
    free(ti);
    free(tj);
    free(tx);
    return rc;
}

int sp_getis_compute(const sp_csr *w, const double *x, const char *what, const sp_getis_opts *o,
                     sp_getis **out)
{
    *out = NULL;
    int n = w->nrow;
    int rc = sp_autocorr_check(x, n, what);
    if (!rc)
        rc = sp_autocorr_check_weights(w, 1);
    if (rc)
        return rc;
    sp_getis *G = getis_alloc(n, o->perm.perm);
    double *d = sp_malloc((size_t)n * sizeof *d);
    if (!G || !d) {
        sp_getis_free(G);
        free(d);
        return sp_error_set(SP_ENOMEM, "out of memory (Getis-Ord, n = %d)", n);
    }
    double mean = sp_autocorr_mean(x, n), D = 0.0, N = n;
    for (int i = 0; i < n; i++) {
        d[i] = x[i] - mean;
        D += d[i] * d[i];
    }
    double S = sqrt(D / N);
    for (int i = 0; i < n; i++) {
        double num = 0.0, Wi = 0.0, S1i = 0.0;
        int k = 0;
        for (int q = w->p[i]; q < w->p[i + 1]; q++) {
            int self = w->j[q] == i;
            k += !self;
            if (self && !o->star)
                continue;
            num += w->x[q] * d[w->j[q]];
            Wi += w->x[q];
            S1i += w->x[q] * w->x[q];
        }
        G->nneigh[i] = k;
        double var;
        if (k == 0) {
            G->n_islands++;
            var = NAN;
        } else if (o->star) {
            var = S * S * (N * S1i - Wi * Wi) / (N - 1.0);
        } else {
            num += Wi * d[i] / (N - 1.0);
            double si2 = (D - N * d[i] * d[i] / (N - 1.0)) / (N - 1.0);
            var = si2 * ((N - 1.0) * S1i - Wi * Wi) / (N - 2.0);
        }
        G->zscore[i] = var > 0.0 ? num / sqrt(var) : NAN;
        G->p_norm[i] = sp_autocorr_p2(G->zscore[i]);
    }
    if (o->perm.perm > 0) {
        int *ge = sp_malloc((size_t)n * sizeof *ge), *le = sp_malloc((size_t)n * sizeof *le);
        rc = ge && le ? sp_autocorr_perm_local(w, d, &o->perm, ge, le, NULL, NULL)
                      : sp_error_set(SP_ENOMEM, "out of memory (n = %d)", n);
        for (int i = 0; !rc && i < n; i++)
            G->p_perm[i] = sp_autocorr_pseudo_p(ge[i], le[i], o->perm.perm);
        free(ge);
        free(le);
    }
    free(d);
    if (!rc) {
        memcpy(G->p, o->perm.perm > 0 ? G->p_perm : G->p_norm, (size_t)n * sizeof *G->p);
        rc = sp_fdr_bins(G->p, G->zscore, n, o->fdr, G->bin);
    }
    if (rc) {
        sp_getis_free(G);
        return rc;
    }
    for (int i = 0; i < n; i++)
        G->bins[G->bin[i] + 3]++;
    *out = G;
    return SP_OK;
}
