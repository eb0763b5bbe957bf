/* sp_punbal: unbalanced panels (the layout, W_bd, the within projection); see sp_punbal.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "sp_error.h"
#include "sp_punbal.h"

void sp_punbal_free(sp_punbal *u)
{
    if (!u)
        return;
    free(u->unit), free(u->period), free(u->start), free(u->tcount), free(u->chol);
    free(u);
}

/* Unit means of v into mean (n), over each unit's periods. */
static void unit_means(const sp_punbal *u, const double *v, double *mean)
{
    memset(mean, 0, (size_t)u->n * sizeof *mean);
    for (int o = 0; o < u->nobs; o++)
        mean[u->unit[o]] += v[o];
    for (int i = 0; i < u->n; i++)
        if (u->tcount[i])
            mean[i] /= u->tcount[i];
}

/* C = D_t' M_u D_t over the first t-1 periods: delta_sr n_s - sum_i p_is p_ir / T_i. */
static int twoway_factor(sp_punbal *u)
{
    int m = u->t - 1;
    if (m < 1)
        return SP_OK;
    double *C = u->chol = sp_calloc((size_t)m * m, sizeof *C);
    int *seen = sp_malloc((size_t)u->t * sizeof *seen);
    if (!C || !seen) {
        free(seen);
        return SP_ENOMEM;
    }
    for (int s = 0; s < m; s++)
        C[s * m + s] = u->start[s + 1] - u->start[s];
    /* per unit: the periods it is present in */
    int *first = sp_malloc((size_t)u->n * sizeof *first), *next = sp_malloc((size_t)u->nobs * sizeof *next);
    int rc = first && next ? SP_OK : SP_ENOMEM;
    for (int i = 0; !rc && i < u->n; i++)
        first[i] = -1;
    for (int o = u->nobs - 1; !rc && o >= 0; o--)
        next[o] = first[u->unit[o]], first[u->unit[o]] = o;
    for (int i = 0; !rc && i < u->n; i++) {
        int k = 0;
        for (int o = first[i]; o >= 0; o = next[o])
            seen[k++] = u->period[o];
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
                if (seen[a] < m && seen[b] < m)
                    C[seen[a] * m + seen[b]] -= 1.0 / u->tcount[i];
    }
    free(first), free(next), free(seen);
    if (rc)
        return rc;
    gsl_matrix_view V = gsl_matrix_view_array(C, (size_t)m, (size_t)m);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int bad = gsl_linalg_cholesky_decomp1(&V.matrix);
    gsl_set_error_handler(old);
    return bad ? sp_error_set(SP_EDATA, "unbalanced panel: the unit and period effects are not "
                                        "separately identified (periods not connected through "
                                        "units observed in several of them)")
               : SP_OK;
}

int sp_punbal_new(int n, int t, const unsigned char *present, const char *const *names,
                  sp_fe fe, sp_punbal **out)
{
    *out = NULL;
    sp_punbal *u = sp_calloc(1, sizeof *u);
    long nt = (long)n * t;
    int rc = u ? SP_OK : SP_ENOMEM;
    for (long c = 0; !rc && c < nt; c++)
        u->nobs += present[c] != 0;
    if (!rc) {
        u->n = n, u->t = t, u->fe = fe;
        u->unit = sp_malloc((size_t)u->nobs * sizeof *u->unit + 1);
        u->period = sp_malloc((size_t)u->nobs * sizeof *u->period + 1);
        u->start = sp_malloc((size_t)(t + 1) * sizeof *u->start);
        u->tcount = sp_calloc((size_t)n, sizeof *u->tcount);
        rc = u->unit && u->period && u->start && u->tcount ? SP_OK : SP_ENOMEM;
    }
    for (int s = 0, o = 0; !rc && s < t; s++) {
        u->start[s] = o;
        for (int i = 0; i < n; i++)
            if (present[(long)s * n + i])
                u->unit[o] = i, u->period[o] = s, u->tcount[i]++, o++;
        u->start[s + 1] = o;
    }
    for (int i = 0; !rc && i < n && sp_fe_has_unit(fe); i++)
        if (u->tcount[i] == 1)
            rc = sp_error_set(SP_EDATA, "unit %s is present in only one period: its unit effect "
                              "absorbs it (drop it or use --fe time)", names ? names[i] : "?");
    for (int s = 0; !rc && s < t; s++)
        if (u->start[s + 1] == u->start[s])
            rc = sp_error_set(SP_EDATA, "unbalanced panel: period %d has no unit", s + 1);
    if (!rc && fe == SP_FE_TWOWAY)
        rc = twoway_factor(u);
    if (rc) {
        sp_punbal_free(u);
        return rc;
    }
    *out = u;
    return SP_OK;
}

/* v -= the period means over the units present. */
static void time_demean(const sp_punbal *u, double *v)
{
    for (int s = 0; s < u->t; s++) {
        double m = 0.0;
        for (int o = u->start[s]; o < u->start[s + 1]; o++)
            m += v[o];
        m /= u->start[s + 1] - u->start[s];
        for (int o = u->start[s]; o < u->start[s + 1]; o++)
            v[o] -= m;
    }
}

void sp_punbal_within(void *ctx, double *v)
{
    const sp_punbal *u = ctx;
    if (u->fe == SP_FE_NONE)
        return;
    if (u->fe == SP_FE_TIME) {
        time_demean(u, v);
        return;
    }
    double *mean = sp_malloc((size_t)u->n * sizeof *mean), stack[64];
    int m = u->t - 1;
    double *a = u->fe == SP_FE_TWOWAY && m > 64 ? sp_malloc((size_t)m * sizeof *a) : stack;
    if (!mean || !a) { /* no memory: leave v NaN, the estimator reports it */
        for (int o = 0; o < u->nobs; o++)
            v[o] = NAN;
        free(mean);
        return;
    }
    unit_means(u, v, mean);
    for (int o = 0; o < u->nobs; o++)
        v[o] -= mean[u->unit[o]]; /* M_u v */
    if (u->fe == SP_FE_TWOWAY && m >= 1) {
        memset(a, 0, (size_t)m * sizeof *a); /* b_s = d_s' M_u v */
        for (int o = 0; o < u->nobs; o++)
            if (u->period[o] < m)
                a[u->period[o]] += v[o];
        gsl_matrix_const_view L = gsl_matrix_const_view_array(u->chol, (size_t)m, (size_t)m);
        gsl_vector_view av = gsl_vector_view_array(a, (size_t)m);
        gsl_linalg_cholesky_svx(&L.matrix, &av.vector);
        /* v -= M_u D_t a: a_s minus the unit's mean of a over its periods */
        for (int i = 0; i < u->n; i++)
            mean[i] = 0.0;
        for (int o = 0; o < u->nobs; o++)
            if (u->period[o] < m)
                mean[u->unit[o]] += a[u->period[o]];
        for (int o = 0; o < u->nobs; o++)
            v[o] -= (u->period[o] < m ? a[u->period[o]] : 0.0) - mean[u->unit[o]] / u->tcount[u->unit[o]];
    }
    free(mean);
    if (a != stack)
        free(a);
}

int sp_punbal_weights(const sp_punbal *u, const sp_csr *W, int row, sp_csr **out, int *islands)
{
    *out = NULL;
    int *pos = sp_malloc((size_t)u->n * sizeof *pos), nnz = 0;
    if (!pos)
        return SP_ENOMEM;
    /* count */
    for (int s = 0; s < u->t; s++) {
        for (int i = 0; i < u->n; i++)
            pos[i] = -1;
        for (int o = u->start[s]; o < u->start[s + 1]; o++)
            pos[u->unit[o]] = o;
        for (int o = u->start[s]; o < u->start[s + 1]; o++) {
            int i = u->unit[o];
            for (int q = W->p[i]; q < W->p[i + 1]; q++)
                nnz += pos[W->j[q]] >= 0;
        }
    }
    sp_csr *B = NULL;
    int rc = sp_csr_alloc(u->nobs, u->nobs, nnz, &B), isl = 0;
    for (int s = 0, k = 0; !rc && s < u->t; s++) {
        for (int i = 0; i < u->n; i++)
            pos[i] = -1;
        for (int o = u->start[s]; o < u->start[s + 1]; o++)
            pos[u->unit[o]] = o;
        for (int o = u->start[s]; o < u->start[s + 1]; o++) {
            int i = u->unit[o], k0 = k;
            double sum = 0.0;
            B->p[o] = k;
            for (int q = W->p[i]; q < W->p[i + 1]; q++)
                if (pos[W->j[q]] >= 0)
                    B->j[k] = pos[W->j[q]], B->x[k] = W->x[q], sum += W->x[q], k++;
            for (int q = k0; row && sum != 0.0 && q < k; q++)
                B->x[q] /= sum;
            isl += k == k0;
        }
        B->p[u->start[s + 1]] = k;
    }
    free(pos);
    if (rc) {
        sp_csr_free(B);
        return rc;
    }
    if (islands)
        *islands = isl;
    *out = B;
    return SP_OK;
}

int sp_punbal_stack(const sp_punbal *u, const sp_csr *const *blocks, sp_csr **out)
{
    *out = NULL;
    int nnz = 0;
    for (int s = 0; s < u->t; s++) {
        if (blocks[s]->nrow != u->start[s + 1] - u->start[s])
            return sp_error_set(SP_EUSAGE, "period %d: a %d x %d block for %d units", s + 1,
                                blocks[s]->nrow, blocks[s]->nrow, u->start[s + 1] - u->start[s]);
        nnz += sp_csr_nnz(blocks[s]);
    }
    sp_csr *B = NULL;
    int rc = sp_csr_alloc(u->nobs, u->nobs, nnz, &B);
    for (int s = 0, k = 0; !rc && s < u->t; s++) {
        const sp_csr *b = blocks[s];
        int off = u->start[s];
        for (int i = 0; i < b->nrow; i++) {
            B->p[off + i] = k;
            for (int q = b->p[i]; q < b->p[i + 1]; q++, k++)
                B->j[k] = b->j[q] + off, B->x[k] = b->x[q];
        }
        B->p[u->start[s + 1]] = k;
    }
    if (rc)
        return rc;
    *out = B;
    return SP_OK;
}
