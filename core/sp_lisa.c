/* sp_lisa: local Moran's I with analytic and conditional-permutation inference; see sp_lisa.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_fdr.h"
#include "sp_lisa.h"

void sp_lisa_free(sp_lisa *L)
{
    if (!L)
        return;
    free(L->z);
    free(L->wz);
    free(L->I);
    free(L->EI);
    free(L->VI);
    free(L->zscore);
    free(L->p_norm);
    free(L->p_perm);
    free(L->perm_mean);
    free(L->perm_sd);
    free(L->p);
    free(L->nneigh);
    free(L->quad);
    free(L->sig);
    free(L);
}

static sp_lisa *lisa_alloc(int n, int perm)
{
    sp_lisa *L = sp_calloc(1, sizeof *L);
    if (!L)
        return NULL;
    size_t nd = (size_t)n * sizeof(double);
    L->n = n;
    L->z = sp_malloc(nd);
    L->wz = sp_malloc(nd);
    L->I = sp_malloc(nd);
    L->EI = sp_malloc(nd);
    L->VI = sp_malloc(nd);
    L->zscore = sp_malloc(nd);
    L->p_norm = sp_malloc(nd);
    L->p = sp_malloc(nd);
    L->nneigh = sp_malloc((size_t)n * sizeof *L->nneigh);
    L->quad = sp_calloc((size_t)n, 1);
    L->sig = sp_calloc((size_t)n, 1);
    int ok = L->z && L->wz && L->I && L->EI && L->VI && L->zscore && L->p_norm && L->p &&
             L->nneigh && L->quad && L->sig;
    if (ok && perm > 0) {
        L->p_perm = sp_malloc(nd);
        L->perm_mean = sp_malloc(nd);
        L->perm_sd = sp_malloc(nd);
        ok = L->p_perm && L->perm_mean && L->perm_sd;
    }
    if (!ok) {
        sp_lisa_free(L);
        return NULL;
    }
    return L;
}

const char *sp_lisa_quad_name(int quad)
{
    static const char *const names[] = {"", "HH", "LL", "LH", "HL"};
    return quad >= 0 && quad <= 4 ? names[quad] : "";
}

const char *sp_lisa_cotype(const sp_lisa *L, int i)
{
    return L->sig[i] ? sp_lisa_quad_name(L->quad[i]) : "";
}

static int quadrant(double d, double lag)
{
    if (d > 0)
        return lag > 0 ? SP_QUAD_HH : SP_QUAD_HL;
    return lag > 0 ? SP_QUAD_LH : SP_QUAD_LL;
}

/* Permutation p-values and moments of I_i from the permuted lags of d. */
static int lisa_permute(const sp_csr *w, const double *d, const double *s2, const sp_lisa_opts *o,
                        sp_lisa *L)
{
    int n = L->n;
    int *ge = sp_malloc((size_t)n * sizeof *ge), *le = sp_malloc((size_t)n * sizeof *le);
    int rc = ge && le ? SP_OK : sp_error_set(SP_ENOMEM, "out of memory (n = %d)", n);
    if (!rc)
        rc = sp_autocorr_perm_local(w, d, &o->perm, ge, le, L->perm_mean, L->perm_sd);
    for (int i = 0; !rc && i < n; i++) {
        if (L->nneigh[i] == 0) {
            L->p_perm[i] = L->perm_mean[i] = L->perm_sd[i] = NAN;
            continue;
        }
        /* I_i = (d_i / s2_i) lag: a positive multiple of the lag keeps the counts */
        double f = d[i] / s2[i];
        L->p_perm[i] = d[i] == 0.0 ? 1.0 : sp_autocorr_pseudo_p(ge[i], le[i], o->perm.perm);
        L->perm_mean[i] *= f;
        L->perm_sd[i] *= fabs(f);
    }
    free(ge);
    free(le);
    return rc;
}

/* The moments every unit's analytic inference uses. */
typedef struct lisa_moments {
    double N, D, m2, s2, s, A, B; /* s2: the variance of x under opts.scale, s = sqrt(s2) */
} lisa_moments;

/* Unit i's I_i, E(I_i), Var(I_i), z, p and quadrant; islands get NaN and no
 * quadrant.  s2[i] is the variance its I_i is scaled by. */
static void lisa_unit(const sp_csr *w, const double *d, int i, const lisa_moments *m,
                      const sp_lisa_opts *o, double *s2, sp_lisa *L)
{
    double N = m->N;
    s2[i] = o->scale == SP_LISA_LOO ? (m->D - d[i] * d[i]) / (N - 1.0) : m->s2;
    double lag = 0.0, Wi = 0.0, W2i = 0.0;
    int k = 0;
    for (int q = w->p[i]; q < w->p[i + 1]; q++) {
        if (w->j[q] == i)
            continue; /* an explicit zero self weight */
        lag += w->x[q] * d[w->j[q]];
        Wi += w->x[q];
        W2i += w->x[q] * w->x[q];
        k++;
    }
    L->nneigh[i] = k;
    L->z[i] = d[i] / m->s;
    if (k == 0) {
        L->n_islands++;
        L->wz[i] = L->I[i] = L->EI[i] = L->VI[i] = L->zscore[i] = L->p_norm[i] = NAN;
        L->quad[i] = SP_QUAD_NONE;
        return;
    }
    L->wz[i] = lag / m->s;
    L->I[i] = d[i] * lag / s2[i];
    if (o->moments == SP_LISA_CONDITIONAL) {
        double m2 = m->m2;
        L->EI[i] = -(d[i] * d[i] * Wi) / ((N - 1.0) * m2);
        L->VI[i] = (d[i] / m2) * (d[i] / m2) * (N / (N - 2.0)) * (W2i - Wi * Wi / (N - 1.0)) *
                   (m2 - d[i] * d[i] / (N - 1.0));
    } else {
        L->EI[i] = -Wi / (N - 1.0);
        L->VI[i] = m->A * W2i + m->B * (Wi * Wi - W2i) - L->EI[i] * L->EI[i];
    }
    L->zscore[i] = L->VI[i] > 0.0 ? (L->I[i] - L->EI[i]) / sqrt(L->VI[i]) : NAN;
    L->p_norm[i] = sp_autocorr_p2(L->zscore[i]);
    L->quad[i] = (unsigned char)quadrant(d[i], lag);
}

/* d = x - mean and the moments of d (b2 the kurtosis behind A and B). */
static lisa_moments lisa_center(const double *x, int n, const sp_lisa_opts *o, double *d)
{
    double mean = sp_autocorr_mean(x, n), D = 0.0, D4 = 0.0;
    for (int i = 0; i < n; i++) {
        d[i] = x[i] - mean;
        D += d[i] * d[i];
        D4 += d[i] * d[i] * d[i] * d[i];
    }
    lisa_moments m = {.N = n, .D = D, .m2 = D / n};
    double N = n;
    m.s2 = o->scale == SP_LISA_ML ? D / N : D / (N - 1.0);
    double b2 = (o->scale == SP_LISA_ML ? N : N - 1.0) * D4 / (D * D);
    m.A = (N - b2) / (N - 1.0);
    m.B = (2.0 * b2 - N) / ((N - 1.0) * (N - 2.0));
    m.s = sqrt(m.s2);
    return m;
}

/* The p-values used (permutation or analytic), significance at alpha (after
 * FDR with o->fdr) and the count of significant units. */
static int lisa_significance(sp_lisa *L, int n, const sp_lisa_opts *o)
{
    memcpy(L->p, o->perm.perm > 0 ? L->p_perm : L->p_norm, (size_t)n * sizeof *L->p);
    L->fdr_cutoff = NAN;
    if (o->fdr) {
        int rc = sp_fdr_bh(L->p, n, o->alpha, L->sig, &L->fdr_cutoff);
        if (rc)
            return rc;
    } else {
        for (int i = 0; i < n; i++)
            L->sig[i] = !isnan(L->p[i]) && L->p[i] <= o->alpha;
    }
    for (int i = 0; i < n; i++)
        L->n_significant += L->sig[i];
    return SP_OK;
}

int sp_lisa_compute(const sp_csr *w, const double *x, const char *what, const sp_lisa_opts *o,
                    sp_lisa **out)
{
    *out = NULL;
    int n = w->nrow;
    int rc = sp_autocorr_check(x, n, what);
    if (!rc)
        rc = sp_autocorr_check_weights(w, 0);
    if (!rc && !(o->alpha > 0.0 && o->alpha < 1.0))
        rc = sp_error_set(SP_EUSAGE, "alpha must lie in (0, 1) (got %g)", o->alpha);
    if (rc)
        return rc;
    sp_lisa *L = lisa_alloc(n, o->perm.perm);
    double *d = sp_malloc((size_t)n * sizeof *d), *s2 = sp_malloc((size_t)n * sizeof *s2);
    if (!L || !d || !s2) {
        sp_lisa_free(L);
        free(d);
        free(s2);
        return sp_error_set(SP_ENOMEM, "out of memory (local Moran, n = %d)", n);
    }
    lisa_moments m = lisa_center(x, n, o, d);
    for (int i = 0; i < n; i++)
        lisa_unit(w, d, i, &m, o, s2, L);
    if (o->perm.perm > 0)
        rc = lisa_permute(w, d, s2, o, L);
    free(d);
    free(s2);
    if (!rc)
        rc = lisa_significance(L, n, o);
    if (rc) {
        sp_lisa_free(L);
        return rc;
    }
    *out = L;
    return SP_OK;
}

void sp_lisa_counts(const sp_lisa *L, int count[5])
{
    memset(count, 0, 5 * sizeof *count);
    for (int i = 0; i < L->n; i++)
        if (L->sig[i])
            count[L->quad[i]]++;
}
