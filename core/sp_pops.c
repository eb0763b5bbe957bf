/* sp_pops: the dense spatial operations of the ML estimators (sp_pops_dense,
 * see sp_pops.h): eigenvalues of W for ln|I - rho W|, a cached dense LU of
 * I - rho W for solves, dense inverses for the trace terms, 1'(I - rho W)^-1 1
 * in closed form (row-stochastic W) or as a power series (W >= 0, row sums
 * <= 1: islands). */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "sp_dense.h"
#include "sp_error.h"
#include "sp_pops.h"
#include "sp_pops_sparse.h" /* sp_pops_sparse_symmetrizer */
#include "sp_pops_tridiag.h" /* sp_pops_tridiag_eigen */

typedef struct dense_ops {
    const sp_csr *W;
    int n;
    int row_stochastic;    /* every row sums to 1: W 1 = 1 */
    int stochastic;        /* the same on the non-empty rows, islands nobody's
                              neighbour (sp_csr_stochastic_islands) */
    int n_empty;           /* empty rows (islands) */
    double *w1, *x;        /* W 1 and scratch (n) */
    double *re, *im;       /* eigenvalues */
    double *d;             /* d_i w_ij = d_j w_ji (W similar to the symmetric
                              S = D^1/2 W D^-1/2), or NULL */
    gsl_matrix *lu;        /* LU of I - rho W at lu_rho (NULL until factor() needs it) */
    gsl_permutation *perm;
    double lu_rho;
    int have_lu;
    /* 1'W^k 1 and 1'W^k W1 for k < nmom (grown on demand), when W >= 0 with
     * row sums <= 1 (series_ok): the power series of 1'A^-1 1, 1'A^-1 W 1 */
    int series_ok, nmom, cap;
    double *mom0, *mom1, *pw; /* pw = W^nmom 1 */
} dense_ops;

static double dense_lndet(void *ctx, double rho)
{
    const dense_ops *o = ctx;
    double s = 0.0;
    for (int i = 0; i < o->n; i++) {
        double a = 1.0 - rho * o->re[i], b = rho * o->im[i];
        s += o->im[i] == 0.0 ? log(fabs(a)) : 0.5 * log(a * a + b * b);
    }
    return s;
}

/* d^2/d rho^2 ln|I - rho W| = -sum (mu / (1 - rho mu))^2 over the eigenvalues mu
 * (a conjugate pair adds twice the real part of one term). */
static double dense_lndet_d2(void *ctx, double rho)
{
    const dense_ops *o = ctx;
    double s = 0.0;
    for (int i = 0; i < o->n; i++) {
        double complex mu = o->re[i] + I * o->im[i], g = mu / (1.0 - rho * mu);
        s -= creal(g * g);
    }
    return s;
}

/* I - rho W as a dense matrix. */
static void fill_a(const dense_ops *o, double rho, gsl_matrix *A)
{
    gsl_matrix_set_identity(A);
    const sp_csr *W = o->W;
    for (int i = 0; i < o->n; i++)
        for (int q = W->p[i]; q < W->p[i + 1]; q++)
            A->data[(size_t)i * A->tda + W->j[q]] -= rho * W->x[q];
}

/* The LU of I - rho W, cached; its n x n storage allocated on first use (a
 * fit whose solves and inverses all take the symmetric path needs none). */
static int factor(dense_ops *o, double rho)
{
    if (o->have_lu && o->lu_rho == rho)
        return SP_OK;
    if (!o->lu && !(o->lu = gsl_matrix_alloc((size_t)o->n, (size_t)o->n)))
        return sp_error_set(SP_ENOMEM, "out of memory for a %d x %d matrix", o->n, o->n);
    int sign;
    fill_a(o, rho, o->lu);
    o->have_lu = 0;
    if (gsl_linalg_LU_decomp(o->lu, o->perm, &sign))
        return sp_error_set(SP_ENUMERIC, "I - %g W is singular", rho);
    o->have_lu = 1;
    o->lu_rho = rho;
    return SP_OK;
}

static int dense_solve(void *ctx, double rho, const double *b, double *x)
{
    dense_ops *o = ctx;
    int rc = factor(o, rho);
    if (!rc) {
        gsl_vector_const_view bv = gsl_vector_const_view_array(b, (size_t)o->n);
        gsl_vector_view xv = gsl_vector_view_array(x, (size_t)o->n);
        if (b == x ? gsl_linalg_LU_svx(o->lu, o->perm, &xv.vector)
                   : gsl_linalg_LU_solve(o->lu, o->perm, &bv.vector, &xv.vector))
            rc = sp_error_set(SP_ENUMERIC, "I - %g W is singular", rho);
    }
    return rc;
}

/* out = W * D (sparse times dense, n x n). */
static void w_times(const dense_ops *o, const gsl_matrix *D, gsl_matrix *out)
{
    const sp_csr *W = o->W;
    gsl_matrix_set_zero(out);
    for (int i = 0; i < o->n; i++)
        for (int q = W->p[i]; q < W->p[i + 1]; q++) {
            gsl_vector_view dst = gsl_matrix_row(out, (size_t)i);
            gsl_vector_const_view src = gsl_matrix_const_row(D, (size_t)W->j[q]);
            gsl_blas_daxpy(W->x[q], &src.vector, &dst.vector);
        }
}

/* inv = (I - rho W)^-1 through the symmetric form: I - rho W =
 * D^-1/2 (I - rho S) D^1/2, so inv_ij = (I - rho S)^-1_ij sqrt(d_j / d_i), by
 * a Cholesky factorisation (half the work of an LU inverse); 0 when I - rho S
 * is not positive definite (rho outside the interval: the caller uses LU). */
static int inverse_symmetric(const dense_ops *o, double rho, gsl_matrix *inv)
{
    const sp_csr *W = o->W;
    gsl_matrix_set_identity(inv);
    for (int i = 0; i < o->n; i++)
        for (int q = W->p[i]; q < W->p[i + 1]; q++)
            inv->data[(size_t)i * inv->tda + W->j[q]] -=
                rho * W->x[q] * sqrt(o->d[i] / o->d[W->j[q]]);
    /* GSL's error handler is off (sp_error.h start-up): a failure only returns */
    int ok = !gsl_linalg_cholesky_decomp1(inv) && !gsl_linalg_cholesky_invert(inv);
    for (int i = 0; ok && i < o->n; i++)
        for (int j = 0; j < o->n; j++)
            inv->data[(size_t)i * inv->tda + j] *= sqrt(o->d[j] / o->d[i]);
    return ok;
}

/* inv = (I - rho W)^-1 (the LU path leaves the LU cached for later solves). */
static int inverse(dense_ops *o, double rho, gsl_matrix *inv)
{
    if (rho == 0.0) {
        gsl_matrix_set_identity(inv);
        return SP_OK;
    }
    if (o->d && inverse_symmetric(o, rho, inv))
        return SP_OK;
    int rc = factor(o, rho);
    if (!rc && gsl_linalg_LU_invert(o->lu, o->perm, inv))
        rc = sp_error_set(SP_ENUMERIC, "I - %g W is singular", rho);
    return rc;
}

static double trace(const gsl_matrix *A)
{
    double s = 0.0;
    for (size_t i = 0; i < A->size1; i++)
        s += gsl_matrix_get(A, i, i);
    return s;
}

/* tr(A B) and tr(A B'). */
static void trace_products(const gsl_matrix *A, const gsl_matrix *B, double *ab, double *abt)
{
    double s = 0.0, u = 0.0;
    size_t n = A->size1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double a = A->data[i * A->tda + j];
            s += a * B->data[j * B->tda + i];
            u += a * B->data[i * B->tda + j];
        }
    *ab = s;
    *abt = u;
}

static int dense_traces(void *ctx, double rho, double lam, double *tr)
{
    dense_ops *o = ctx;
    size_t n = (size_t)o->n;
    gsl_matrix *inv = gsl_matrix_alloc(n, n), *G = gsl_matrix_alloc(n, n);
    gsl_matrix *H = gsl_matrix_alloc(n, n), *K = gsl_matrix_alloc(n, n);
    gsl_matrix *tmp = gsl_matrix_alloc(n, n);
    if (!inv || !G || !H || !K || !tmp) {
        gsl_matrix *all[] = {inv, G, H, K, tmp};
        for (int i = 0; i < 5; i++)
            if (all[i])
                gsl_matrix_free(all[i]);
        return sp_error_set(SP_ENOMEM, "out of memory for the %zu x %zu trace terms", n, n);
    }
    int rc = inverse(o, rho, inv);
    if (!rc) {
        w_times(o, inv, G); /* G = W A^-1 */
        rc = inverse(o, lam, inv);
    }
    if (!rc) {
        w_times(o, inv, H);   /* H = W B^-1 */
        w_times(o, G, tmp);   /* K = (G - lam W G) B^-1 */
        gsl_matrix_scale(tmp, -lam);
        gsl_matrix_add(tmp, G);
        if (lam == 0.0)
            gsl_matrix_memcpy(K, tmp);
        else
            gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, tmp, inv, 0.0, K);
        tr[SP_TR_G] = trace(G);
        tr[SP_TR_H] = trace(H);
        trace_products(K, K, &tr[SP_TR_KK], &tr[SP_TR_KtK]);
        trace_products(H, H, &tr[SP_TR_HH], &tr[SP_TR_HtH]);
        trace_products(K, H, &tr[SP_TR_KH], &tr[SP_TR_KHt]);
    }
    gsl_matrix_free(inv), gsl_matrix_free(G), gsl_matrix_free(H), gsl_matrix_free(K);
    gsl_matrix_free(tmp);
    return rc;
}

/* Column j of out := W x (out row-major n x n). */
static void set_w_column(const sp_csr *W, const double *x, int j, double *wx, gsl_matrix *out)
{
    sp_csr_matvec(W, x, wx);
    for (int i = 0; i < W->nrow; i++)
        out->data[(size_t)i * out->tda + j] = wx[i];
}

/* The trace terms from the columns of G = W A^-1, H = W B^-1 and
 * K = B G B^-1 = B W A^-1 B^-1, each column by 3 solves with `solver`
 * (A e_j, B e_j, A (B^-1 e_j)); lambda != 0 (traces_lag otherwise). */
static int columns_by_solves(const sp_csr *W, const sp_pops *solver, double rho, double lam,
                             gsl_matrix *G, gsl_matrix *H, gsl_matrix *K, double *v)
{
    int n = W->nrow, rc = SP_OK;
    double *e = v, *x = v + n, *y = v + 2 * n, *wx = v + 3 * n;
    memset(e, 0, (size_t)n * sizeof *e);
    for (int j = 0; !rc && j < n; j++) {
        e[j] = 1.0;
        rc = solver->solve(solver->ctx, rho, e, x);            /* x = A^-1 e_j */
        if (!rc) {
            set_w_column(W, x, j, wx, G);
            rc = solver->solve(solver->ctx, lam, e, y);        /* y = B^-1 e_j */
        }
        if (!rc) {
            set_w_column(W, y, j, wx, H);
            rc = solver->solve(solver->ctx, rho, y, x);        /* x = A^-1 B^-1 e_j */
        }
        if (!rc) {
            sp_csr_matvec(W, x, y);                            /* y = W A^-1 B^-1 e_j */
            set_w_column(W, y, j, wx, K);
            for (int i = 0; i < n; i++)                        /* K e_j = (I - lam W) y */
                K->data[(size_t)i * K->tda + j] = y[i] - lam * K->data[(size_t)i * K->tda + j];
        }
        e[j] = 0.0;
    }
    return rc;
}

/* The trace terms in H = W (lambda = 0) and G (tr[SP_TR_G..] as sp_pops.traces
 * with K = G, H = W), g the n x n G column-major (g[j n + i] = G_ij):
 *   tr(KH) = sum_ij G_ij w_ji,  tr(KH') = sum_ij G_ij w_ij,           one pass over W
 *   tr(H) = sum w_ii, tr(HH) = sum_ij w_ij w_ji, tr(HH') = sum w_ij^2,
 *   tr(GG) = sum_ij G_ij G_ji = sum_i G_ii^2 + 2 sum_{i<j} G_ij G_ji. */
static void lag_terms(const sp_csr *W, const double *g, double *tr)
{
    size_t n = (size_t)W->nrow;
    double h = 0.0, hh = 0.0, hht = 0.0, kh = 0.0, kht = 0.0, gg = 0.0;
    for (size_t i = 0; i < n; i++)
        for (int q = W->p[i]; q < W->p[i + 1]; q++) {
            size_t j = (size_t)W->j[q];
            double w = W->x[q];
            h += j == i ? w : 0.0;
            hh += w * sp_csr_get(W, (int)j, (int)i);
            hht += w * w;
            kht += w * g[j * n + i];
            kh += w * g[i * n + j];
        }
    for (size_t j = 0; j < n; j++) {
        double off = 0.0;
        for (size_t i = 0; i < j; i++)
            off += g[j * n + i] * g[i * n + j];
        gg += 2.0 * off + g[j * n + j] * g[j * n + j];
    }
    tr[SP_TR_H] = h, tr[SP_TR_HH] = hh, tr[SP_TR_HtH] = hht;
    tr[SP_TR_KH] = kh, tr[SP_TR_KHt] = kht, tr[SP_TR_KK] = gg;
}

/* Columns j0 .. j0+k-1 of A^-1 into x (n x k, column-major): one
 * solve_many when the solver has it, else k solves; e is n x k scratch,
 * zero on entry and on return. */
#define TRACE_CHUNK 32
static int inverse_columns(const sp_pops *solver, double rho, size_t n, size_t j0, int k,
                           double *e, double *x)
{
    for (int c = 0; c < k; c++)
        e[(size_t)c * n + j0 + (size_t)c] = 1.0;
    int rc = SP_OK;
    if (solver->solve_many)
        rc = solver->solve_many(solver->ctx, rho, k, e, x);
    for (int c = 0; !solver->solve_many && !rc && c < k; c++)
        rc = solver->solve(solver->ctx, rho, e + (size_t)c * n, x + (size_t)c * n);
    for (int c = 0; c < k; c++)
        e[(size_t)c * n + j0 + (size_t)c] = 0.0;
    return rc;
}

/* col = G e_j = W A^-1 e_j from x = A^-1 e_j: (x - e_j) / rho (A^-1 - I =
 * rho W A^-1), which amplifies x's rounding by 1/|rho| (at most 20 here:
 * relative errors of a few 1e-15), else W x, a sparse product. */
#define TRACE_RHO_DIVIDE 0.05
static void g_column(const sp_csr *W, double rho, const double *x, size_t j, double *col)
{
    size_t n = (size_t)W->nrow;
    if (fabs(rho) < TRACE_RHO_DIVIDE) {
        sp_csr_matvec(W, x, col);
        return;
    }
    double r = 1.0 / rho;
    for (size_t i = 0; i < n; i++)
        col[i] = x[i] * r;
    col[j] = (x[j] - 1.0) * r;
}

/* sp_pops_traces_by_solves when lambda = 0 (SAR, SDM): column j of
 * G = W A^-1 is W (A^-1 e_j), the columns of A^-1 TRACE_CHUNK at a time;
 * tr G and tr G'G = sum_j |G e_j|^2 on the way, the rest from one n x n
 * buffer (lag_terms). */
static int traces_lag(const sp_csr *W, const sp_pops *solver, double rho, double *tr)
{
    size_t n = (size_t)W->nrow;
    double *g = sp_malloc(n * n * sizeof *g + 1);
    double *e = sp_calloc(2 * n * TRACE_CHUNK + 1, sizeof *e), *x = e ? e + n * TRACE_CHUNK : NULL;
    int rc = g && e ? SP_OK : sp_error_set(SP_ENOMEM, "out of memory for the %zu x %zu trace "
                                                      "terms", n, n);
    double tg = 0.0, gtg = 0.0;
    for (size_t j0 = 0; !rc && j0 < n; j0 += TRACE_CHUNK) {
        int k = n - j0 < TRACE_CHUNK ? (int)(n - j0) : TRACE_CHUNK;
        rc = inverse_columns(solver, rho, n, j0, k, e, x);        /* x = A^-1 e_j */
        for (int c = 0; !rc && c < k; c++) {
            size_t j = j0 + (size_t)c;
            double *col = g + j * n;
            g_column(W, rho, x + (size_t)c * n, j, col);          /* G e_j = W x */
            tg += col[j];
            gtg += sp_dense_dot(col, col, (long)n);
        }
    }
    if (!rc) {
        lag_terms(W, g, tr);
        tr[SP_TR_G] = tg;
        tr[SP_TR_KtK] = gtg;
    }
    free(g), free(e);
    return rc;
}

int sp_pops_traces_by_solves(const sp_csr *W, const sp_pops *solver, double rho, double lam,
                             double *tr)
{
    if (lam == 0.0)
        return traces_lag(W, solver, rho, tr);
    size_t n = (size_t)W->nrow;
    gsl_matrix *G = gsl_matrix_alloc(n, n), *H = gsl_matrix_alloc(n, n);
    gsl_matrix *K = gsl_matrix_alloc(n, n);
    double *v = sp_malloc(4 * n * sizeof *v + 1);
    int rc = G && H && K && v ? SP_OK
                              : sp_error_set(SP_ENOMEM, "out of memory for the %zu x %zu trace "
                                             "terms", n, n);
    if (!rc)
        rc = columns_by_solves(W, solver, rho, lam, G, H, K, v);
    if (!rc) {
        tr[SP_TR_G] = trace(G);
        tr[SP_TR_H] = trace(H);
        trace_products(K, K, &tr[SP_TR_KK], &tr[SP_TR_KtK]);
        trace_products(H, H, &tr[SP_TR_HH], &tr[SP_TR_HtH]);
        trace_products(K, H, &tr[SP_TR_KH], &tr[SP_TR_KHt]);
    }
    gsl_matrix *all[] = {G, H, K};
    for (int i = 0; i < 3; i++)
        if (all[i])
            gsl_matrix_free(all[i]);
    free(v);
    return rc;
}

static int eigenvalues(dense_ops *o)
{
    size_t n = (size_t)o->n;
    const sp_csr *W = o->W;
    double *d = sp_malloc(n * sizeof *d);
    int rc = d ? SP_OK : sp_error_set(SP_ENOMEM, "out of memory for %zu eigenvalues", n);
    if (!rc && sp_pops_sparse_symmetrizer(W, d)) { /* W similar to a symmetric matrix */
        rc = sp_pops_tridiag_eigen(W, d, o->re);
        for (size_t i = 0; !rc && i < n; i++)
            o->im[i] = 0.0;
        o->d = d, d = NULL;
    } else if (!rc) {
        gsl_matrix *A = gsl_matrix_calloc(n, n);
        gsl_vector_complex *ev = A ? gsl_vector_complex_alloc(n) : NULL;
        gsl_eigen_nonsymm_workspace *ws_ns = ev ? gsl_eigen_nonsymm_alloc(n) : NULL;
        for (size_t i = 0; ws_ns && i < n; i++)
            for (int q = W->p[i]; q < W->p[i + 1]; q++)
                gsl_matrix_set(A, i, (size_t)W->j[q], W->x[q]);
        if (!ws_ns || gsl_eigen_nonsymm(A, ev, ws_ns))
            rc = sp_error_set(SP_ENUMERIC, "eigenvalues of W failed");
        for (size_t i = 0; !rc && i < n; i++) {
            gsl_complex z = gsl_vector_complex_get(ev, i);
            o->re[i] = GSL_REAL(z), o->im[i] = GSL_IMAG(z);
        }
        if (ev)
            gsl_vector_complex_free(ev);
        if (ws_ns)
            gsl_eigen_nonsymm_free(ws_ns);
        if (A)
            gsl_matrix_free(A);
    }
    free(d);
    return rc;
}

/* Grows the moments to k terms; SP_ENOMEM. */
static int grow_moments(dense_ops *o, int k)
{
    if (k > o->cap) {
        int cap = k > 2 * o->cap ? k : 2 * o->cap;
        double *m0 = sp_realloc(o->mom0, (size_t)cap * sizeof *m0);
        if (m0)
            o->mom0 = m0;
        double *m1 = m0 ? sp_realloc(o->mom1, (size_t)cap * sizeof *m1) : NULL;
        if (m1)
            o->mom1 = m1;
        if (!m0 || !m1)
            return SP_ENOMEM;
        o->cap = cap;
    }
    if (!o->pw && !(o->pw = sp_malloc((size_t)o->n * sizeof *o->pw)))
        return SP_ENOMEM;
    if (o->nmom == 0)
        for (int i = 0; i < o->n; i++)
            o->pw[i] = 1.0;
    for (; o->nmom < k; o->nmom++) { /* pw = W^nmom 1 */
        double s0 = 0.0, s1 = 0.0;
        sp_csr_matvec(o->W, o->pw, o->x);
        for (int i = 0; i < o->n; i++)
            s0 += o->pw[i], s1 += o->x[i];
        o->mom0[o->nmom] = s0, o->mom1[o->nmom] = s1;
        memcpy(o->pw, o->x, (size_t)o->n * sizeof *o->pw);
    }
    return SP_OK;
}

/* 1'A^-1 1 = sum_k rho^k 1'W^k 1 and 1'A^-1 W 1 = sum_k rho^k 1'W^k W 1 for a
 * W >= 0 with row sums <= 1 (every term at most n |rho|^k): summed until the
 * tail bound n |rho|^k / (1 - |rho|) is below 1e-15 n. */
static int series_terms(dense_ops *o, double rho, double *s0, double *s1)
{
    double a = fabs(rho), pk = 1.0;
    *s0 = *s1 = 0.0;
    if (!(a < 1.0))
        return sp_error_set(SP_ENUMERIC, "effects terms: |rho| = %g >= 1", rho);
    for (int k = 0;; k++) {
        if (k >= o->nmom) {
            int rc = grow_moments(o, k + 256);
            if (rc)
                return rc;
        }
        *s0 += pk * o->mom0[k], *s1 += pk * o->mom1[k];
        if (fabs(pk) / (1.0 - a) < 1e-15)
            return SP_OK;
        pk *= rho;
    }
}

/* 1'A^-1 1/n and 1'A^-1 W 1/n: closed forms for a (row-)stochastic W, the
 * power series for W >= 0 with row sums <= 1, two dense solves otherwise. */
void sp_pops_stochastic_terms(int n, int n_empty, double rho, double out[2])
{
    double m = (double)(n - n_empty) / n;
    out[0] = m / (1.0 - rho) + (1.0 - m);
    out[1] = m / (1.0 - rho);
}

static int ones_terms(dense_ops *o, double rho, double out[2])
{
    if (o->stochastic) { /* closed forms (sp_csr_stochastic_islands): no solve per rho */
        sp_pops_stochastic_terms(o->n, o->n_empty, rho, out);
        return SP_OK;
    }
    double s0 = 0.0, s1 = 0.0;
    if (o->series_ok) {
        int rc = series_terms(o, rho, &s0, &s1);
        out[0] = s0 / o->n;
        out[1] = s1 / o->n;
        return rc;
    }
    for (int i = 0; i < o->n; i++)
        o->x[i] = 1.0;
    int rc = dense_solve(o, rho, o->x, o->x);
    for (int i = 0; !rc && i < o->n; i++)
        s0 += o->x[i];
    if (!rc)
        rc = dense_solve(o, rho, o->w1, o->x);
    for (int i = 0; !rc && i < o->n; i++)
        s1 += o->x[i];
    out[0] = s0 / o->n;
    out[1] = s1 / o->n;
    return rc;
}

int sp_pops_dense_ones_terms(const sp_pops *ops, double rho, double out[2])
{
    return ones_terms(ops->ctx, rho, out);
}

/* tr(A^-1)/n = sum 1/(1 - rho mu)/n and tr(A^-1 W)/n = sum mu/(1 - rho mu)/n
 * over the eigenvalues mu, then ones_terms. */
static int dense_terms(void *ctx, double rho, double out[4])
{
    dense_ops *o = ctx;
    double t0 = 0.0, t1 = 0.0;
    for (int i = 0; i < o->n; i++) {
        double a = o->re[i], b = o->im[i], u = 1.0 - rho * a, v = rho * b, den = u * u + v * v;
        t0 += u / den;
        t1 += (a * u - b * v) / den;
    }
    out[0] = t0 / o->n;
    out[1] = t1 / o->n;
    return ones_terms(o, rho, out + 2);
}

void sp_pops_dense_free(sp_pops *ops)
{
    dense_ops *o = ops ? ops->ctx : NULL;
    if (!o)
        return;
    free(o->re), free(o->im), free(o->d), free(o->w1), free(o->x);
    free(o->mom0), free(o->mom1), free(o->pw);
    if (o->lu)
        gsl_matrix_free(o->lu);
    if (o->perm)
        gsl_permutation_free(o->perm);
    free(o);
    ops->ctx = NULL;
}

int sp_pops_dense(const sp_csr *W, sp_pops *ops)
{
    return sp_pops_dense_given(W, NULL, NULL, ops);
}

/* sp_pops_dense, the eigenvalues copied from re/im when given (the O(n^3)
 * decomposition skipped), computed otherwise. */
int sp_pops_dense_given(const sp_csr *W, const double *re, const double *im, sp_pops *ops)
{
    memset(ops, 0, sizeof *ops);
    int n = W->nrow;
    dense_ops *o = sp_calloc(1, sizeof *o);
    if (!o)
        return SP_ENOMEM;
    ops->ctx = o;
    o->W = W, o->n = n;
    o->re = sp_malloc((size_t)n * sizeof *o->re);
    o->im = sp_malloc((size_t)n * sizeof *o->im);
    o->perm = gsl_permutation_alloc((size_t)n);
    o->w1 = sp_malloc((size_t)n * sizeof *o->w1);
    o->x = sp_malloc((size_t)n * sizeof *o->x);
    if (!o->re || !o->im || !o->perm || !o->w1 || !o->x) {
        sp_pops_dense_free(ops);
        return sp_error_set(SP_ENOMEM, "out of memory for a %d x %d matrix", n, n);
    }
    int rc = SP_OK;
    if (re) { /* and the symmetric form eigenvalues() finds (the Cholesky inverses) */
        memcpy(o->re, re, (size_t)n * sizeof *o->re);
        memcpy(o->im, im, (size_t)n * sizeof *o->im);
        double *d = sp_malloc((size_t)n * sizeof *d);
        if (!d)
            rc = SP_ENOMEM;
        else if (sp_pops_sparse_symmetrizer(W, d))
            o->d = d;
        else
            free(d);
    } else {
        rc = eigenvalues(o);
    }
    if (rc) {
        sp_pops_dense_free(ops);
        return rc;
    }
    double lo = 0.0, hi = 0.0;
    for (int i = 0; i < n; i++) {
        lo = fmin(lo, o->re[i]);
        hi = fmax(hi, o->re[i]);
    }
    ops->lndet = dense_lndet;
    ops->lndet_d2 = dense_lndet_d2;
    ops->solve = dense_solve;
    ops->traces = dense_traces;
    ops->terms = dense_terms;
    ops->eig_re = o->re, ops->eig_im = o->im;
    sp_csr_row_sums(W, o->w1);
    o->row_stochastic = 1;
    o->series_ok = 1;
    for (int i = 0; i < n; i++) {
        o->row_stochastic &= fabs(o->w1[i] - 1.0) <= 1e-12;
        o->series_ok &= o->w1[i] <= 1.0 + 1e-12;
        for (int q = W->p[i]; q < W->p[i + 1]; q++)
            o->series_ok &= W->x[q] >= 0.0;
    }
    o->stochastic = sp_csr_stochastic_islands(W, &o->n_empty);
    ops->lo = lo < 0.0 ? 1.0 / lo : -1.0;
    ops->hi = hi > 0.0 ? 1.0 / hi : 1.0;
    return SP_OK;
}
