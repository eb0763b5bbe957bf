/* sp_pops_tridiag: spatial operations from the tridiagonal form of W's symmetric form,
 * component by component (sp_pops_tridiag.h); and the eigenvalues the same way. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_pops_sparse.h" /* sp_pops_sparse_symmetrizer, _eigen_symm, _tridiag_symm */
#include "sp_pops_tridiag.h"

typedef struct tri_ops {
    int n, n_empty;
    double *a, *e;     /* T: diagonal t_kk (n), e[k] = t_k+1,k (n, 0 between components) */
    double lmin, lmax; /* extreme eigenvalues */
    double *mom;       /* tr(T^k)/n, k < nmom */
    int nmom;
    double *q;         /* scratch (n): backward pivots */
} tri_ops;

static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The connected components of W's pattern (symmetric here: W similar to a
 * symmetric matrix, sp_csr_bfs): order lists the units component by
 * component, component c being order[cstart[c] .. cstart[c+1]-1] in
 * ascending order; pos[i] is unit i's place within its component.  Returns
 * the number of components. */
static int components(const sp_csr *W, int *order, int *pos, int *cstart)
{
    int nc = sp_csr_bfs(W, order, pos, cstart);
    for (int c = 0; c < nc; c++) { /* each component in W's order (a connected W: as is) */
        qsort(order + cstart[c], (size_t)(cstart[c + 1] - cstart[c]), sizeof *order, int_cmp);
        for (int r = cstart[c]; r < cstart[c + 1]; r++)
            pos[order[r]] = r - cstart[c];
    }
    return nc;
}

/* fn(m, A, off, ctx) for each component of W: A its m x m block of the
 * symmetric form (s_ij = w_ij sqrt(d_i / d_j), row-major, destroyed by fn),
 * off its first place in the component order.  S is block diagonal on W's
 * components, so a W that falls apart (a panel's period with units missing)
 * costs sum m_c^3 instead of n^3. */
typedef int (*component_fn)(int m, double *A, int off, void *ctx);
static int for_components(const sp_csr *W, const double *d, component_fn fn, void *ctx)
{
    int n = W->nrow, *ws = sp_malloc((3 * (size_t)n + 1) * sizeof *ws);
    if (!ws)
        return sp_error_set(SP_ENOMEM, "out of memory for the components of W (%d units)", n);
    int *order = ws, *pos = ws + n, *cstart = ws + 2 * n;
    int nc = components(W, order, pos, cstart), big = 0, rc = SP_OK;
    for (int c = 0; c < nc; c++)
        big = cstart[c + 1] - cstart[c] > big ? cstart[c + 1] - cstart[c] : big;
    double *A = sp_malloc((size_t)big * big * sizeof *A + 1);
    if (!A)
        rc = sp_error_set(SP_ENOMEM, "out of memory for a %d x %d block of W", big, big);
    for (int c = 0; !rc && c < nc; c++) {
        int m = cstart[c + 1] - cstart[c];
        memset(A, 0, (size_t)m * m * sizeof *A);
        for (int r = cstart[c]; r < cstart[c + 1]; r++) {
            int i = order[r];
            for (int q = W->p[i]; q < W->p[i + 1]; q++)
                A[(size_t)pos[i] * m + pos[W->j[q]]] = W->x[q] * sqrt(d[i] / d[W->j[q]]);
        }
        rc = fn(m, A, cstart[c], ctx);
    }
    free(A), free(ws);
    return rc;
}

static int eigen_fn(int m, double *A, int off, void *ctx)
{
    double *re = ctx;
    if (m == 1) {
        re[off] = A[0];
        return SP_OK;
    }
    return sp_pops_sparse_eigen_symm(m, A, re + off); /* LAPACK: 2.5x GSL's */
}

int sp_pops_tridiag_eigen(const sp_csr *W, const double *d, double *re)
{
    return for_components(W, d, eigen_fn, re);
}

static int tridiag_fn(int m, double *A, int off, void *ctx)
{
    tri_ops *o = ctx;
    int rc = m == 1 ? (o->a[off] = A[0], SP_OK)
                    : sp_pops_sparse_tridiag_symm(m, A, o->a + off, o->e + off);
    o->e[off + m - 1] = 0.0; /* no coupling to the next component */
    return rc;
}

/* ln|I - rho W| = sum_k ln|p_k|, p_k = 1 - rho a_k - rho^2 e_k-1^2 / p_k-1. */
static double tri_lndet(void *ctx, double rho)
{
    const tri_ops *o = ctx;
    double s = 0.0, prev = 1.0;
    for (int k = 0; k < o->n; k++) {
        double p = 1.0 - rho * o->a[k];
        if (k > 0 && o->e[k - 1] != 0.0)
            p -= rho * rho * o->e[k - 1] * o->e[k - 1] / prev;
        s += log(fabs(p));
        prev = p;
    }
    return s;
}

/* d^2/d rho^2 ln|I - rho W| = sum_k (p_k'' / p_k - (p_k' / p_k)^2), the
 * pivots' derivatives by differentiating their recurrence: with u = rho^2 b,
 * b = e_k-1^2, r = 1 / p_k-1:  p = 1 - rho a - u r,  p' = -a - u' r - u r',
 * p'' = -u'' r - 2 u' r' - u r'',  r' = -p'_k-1 r^2, r'' = (2 p'_k-1^2 r - p''_k-1) r^2. */
static double tri_lndet_d2(void *ctx, double rho)
{
    const tri_ops *o = ctx;
    double s = 0.0, p0 = 1.0, d0 = 0.0, dd0 = 0.0;
    for (int k = 0; k < o->n; k++) {
        double p = 1.0 - rho * o->a[k], d = -o->a[k], dd = 0.0;
        if (k > 0 && o->e[k - 1] != 0.0) {
            double b = o->e[k - 1] * o->e[k - 1], r = 1.0 / p0;
            double r1 = -d0 * r * r, r2 = (2.0 * d0 * d0 * r - dd0) * r * r;
            double u = rho * rho * b, u1 = 2.0 * rho * b, u2 = 2.0 * b;
            p -= u * r;
            d -= u1 * r + u * r1;
            dd -= u2 * r + 2.0 * u1 * r1 + u * r2;
        }
        s += dd / p - (d / p) * (d / p);
        p0 = p, d0 = d, dd0 = dd;
    }
    return s;
}

/* The number of eigenvalues of T below x (Sturm: the negative pivots of T - x). */
static int sturm_below(const tri_ops *o, double x)
{
    int count = 0;
    double q = 1.0;
    for (int k = 0; k < o->n; k++) {
        double b = k > 0 ? o->e[k - 1] * o->e[k - 1] : 0.0;
        q = o->a[k] - x - (b != 0.0 ? b / q : 0.0);
        if (q == 0.0)
            q = -DBL_MIN; /* x an eigenvalue of the leading block: count it as below */
        count += q < 0.0;
    }
    return count;
}

/* The eigenvalue with `below` eigenvalues under it (0: the smallest, n - 1:
 * the largest), by bisection inside the Gershgorin interval until the
 * bracket is a few ulps wide. */
static double tri_eigenvalue(const tri_ops *o, int below)
{
    double lo = INFINITY, hi = -INFINITY;
    for (int k = 0; k < o->n; k++) {
        double r = (k > 0 ? fabs(o->e[k - 1]) : 0.0) + fabs(o->e[k]);
        lo = fmin(lo, o->a[k] - r), hi = fmax(hi, o->a[k] + r);
    }
    for (int it = 0; it < 200 && hi - lo > 4.0 * DBL_EPSILON * fmax(fabs(lo), fabs(hi)); it++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi)
            break;
        if (sturm_below(o, mid) > below)
            hi = mid;
        else
            lo = mid;
    }
    return 0.5 * (lo + hi);
}

/* tr((I - rho T)^-1) = sum_k 1 / (p_k + q_k - (1 - rho a_k)), p forward and q
 * backward pivots of I - rho T (positive definite inside the interval). */
void sp_pops_tridiag_traces(const sp_pops *ops, double rho, double out[2])
{
    const tri_ops *o = ops->ctx;
    int n = o->n;
    double t0 = 0.0, t1 = 0.0;
    for (int k = n - 1; k >= 0; k--) {
        double q = 1.0 - rho * o->a[k];
        if (k < n - 1 && o->e[k] != 0.0)
            q -= rho * rho * o->e[k] * o->e[k] / o->q[k + 1];
        o->q[k] = q;
        t1 += o->a[k];
    }
    double prev = 1.0;
    for (int k = 0; k < n; k++) {
        double p = 1.0 - rho * o->a[k];
        if (k > 0 && o->e[k - 1] != 0.0)
            p -= rho * rho * o->e[k - 1] * o->e[k - 1] / prev;
        t0 += 1.0 / (p + o->q[k] - (1.0 - rho * o->a[k]));
        prev = p;
    }
    out[0] = t0 / n;
    out[1] = rho == 0.0 ? t1 / n : (t0 - n) / (rho * n); /* A^-1 - I = rho A^-1 W */
}

/* Q = T P for the band P of bandwidth m (rows padded: row -1 and row n are
 * zero; w columns around c, zero beyond the band and outside the matrix),
 * into Q's band m + 1: (T P)_ij = t_ii P_ij + t_i,i-1 P_i-1,j + t_i,i+1 P_i+1,j;
 * s[0] = sum P_ij^2, s[1] = sum P_ij (T P)_ij.  Four columns at a time (zeros
 * beyond the band give zeros), so the compiler vectorises it at -O2. */
static void band_times(const tri_ops *o, const double *restrict P, double *restrict Q, int m,
                       int w, int c, double s[2])
{
    int n = o->n, d0 = -m - 1, chunks = (2 * m + 3 + 3) / 4;
    double s2[4] = {0}, s3[4] = {0};
    for (int i = 0; i < n; i++) {
        const double *p = P + (size_t)(i + 1) * w + c + d0, *up = p - w + 1, *dn = p + w - 1;
        double *q = Q + (size_t)(i + 1) * w + c + d0;
        double a = o->a[i], eu = i > 0 ? o->e[i - 1] : 0.0, ed = o->e[i];
        for (int k = 0; k < chunks; k++, p += 4, up += 4, dn += 4, q += 4)
            for (int l = 0; l < 4; l++) {
                q[l] = a * p[l] + eu * up[l] + ed * dn[l];
                s2[l] += p[l] * p[l], s3[l] += p[l] * q[l];
            }
    }
    s[0] = (s2[0] + s2[1]) + (s2[2] + s2[3]);
    s[1] = (s3[0] + s3[1]) + (s3[2] + s3[3]);
}

/* mom[k] = tr(T^k)/n for k <= 2M + 1 from the powers P_m = T^m, m <= M, kept
 * as bands (P_m has bandwidth m; entry (i, j) at P[(i + 1) w + c + j - i]):
 * tr(T^2m) = sum P_ij^2, tr(T^2m+1) = sum P_ij (T P)_ij (T symmetric). */
static int grow_moments(tri_ops *o, int K)
{
    int n = o->n, M = K / 2 + 1, w = 2 * M + 10, c = M + 3; /* margins: band_times */
    double *mom = sp_realloc(o->mom, (2 * (size_t)M + 2) * sizeof *mom);
    if (mom)
        o->mom = mom;
    double *P = mom ? sp_calloc((size_t)(n + 2) * w, sizeof *P) : NULL;
    double *Q = P ? sp_calloc((size_t)(n + 2) * w, sizeof *Q) : NULL;
    if (!Q) {
        free(P);
        return sp_error_set(SP_ENOMEM, "out of memory for %d moments of W", K);
    }
    for (int i = 0; i < n; i++)
        P[(size_t)(i + 1) * w + c] = 1.0;
    for (int m = 0; m <= M; m++) {
        double sums[2];
        band_times(o, P, Q, m, w, c, sums);
        mom[2 * m] = sums[0] / n;
        mom[2 * m + 1] = sums[1] / n;
        double *t = P;
        P = Q, Q = t;
    }
    o->nmom = 2 * M + 2;
    free(P), free(Q);
    return SP_OK;
}

int sp_pops_tridiag_moments(const sp_pops *ops, int K, double *m)
{
    tri_ops *o = ops->ctx;
    int rc = K > o->nmom ? grow_moments(o, K) : SP_OK;
    if (!rc)
        memcpy(m, o->mom, (size_t)K * sizeof *m);
    return rc;
}

double sp_pops_tridiag_radius(const sp_pops *ops)
{
    const tri_ops *o = ops->ctx;
    return fmax(fabs(o->lmin), fabs(o->lmax));
}

/* The effects terms of one W (sp_pops.terms), exact, O(n): the traces, then
 * the closed forms of a stochastic W. */
static int tri_terms(void *ctx, double rho, double out[4])
{
    const tri_ops *o = ctx;
    sp_pops ops = {.ctx = ctx};
    sp_pops_tridiag_traces(&ops, rho, out);
    sp_pops_stochastic_terms(o->n, o->n_empty, rho, out + 2);
    return SP_OK;
}

void sp_pops_tridiag_free(sp_pops *ops)
{
    tri_ops *o = ops ? ops->ctx : NULL;
    if (!o)
        return;
    free(o->a), free(o->e), free(o->mom), free(o->q);
    free(o);
    ops->ctx = NULL;
}

int sp_pops_tridiag_new(const sp_csr *W, sp_pops *ops, int *ok)
{
    memset(ops, 0, sizeof *ops);
    int n = W->nrow, n_empty = 0;
    double *d = sp_malloc((size_t)n * sizeof *d + 1);
    if (!d)
        return SP_ENOMEM;
    *ok = sp_csr_stochastic_islands(W, &n_empty) && sp_pops_sparse_symmetrizer(W, d);
    tri_ops *o = *ok ? sp_calloc(1, sizeof *o) : NULL;
    if (!*ok || !o) {
        free(d);
        return *ok ? SP_ENOMEM : SP_OK;
    }
    ops->ctx = o;
    o->n = n, o->n_empty = n_empty;
    o->a = sp_calloc((size_t)n + 1, sizeof *o->a);
    o->e = sp_calloc((size_t)n + 1, sizeof *o->e);
    o->q = sp_malloc(((size_t)n + 1) * sizeof *o->q);
    int rc = o->a && o->e && o->q ? for_components(W, d, tridiag_fn, o) : SP_ENOMEM;
    free(d);
    if (rc) {
        sp_pops_tridiag_free(ops);
        return rc;
    }
    o->lmin = tri_eigenvalue(o, 0);
    /* a W stochastic with islands has the eigenvalue 1 (Perron) unless every
     * row is empty, and none above */
    o->lmax = n_empty < n ? 1.0 : tri_eigenvalue(o, n - 1);
    double lo = fmin(0.0, o->lmin), hi = fmax(0.0, o->lmax);
    ops->lo = lo < 0.0 ? 1.0 / lo : -1.0;
    ops->hi = hi > 0.0 ? 1.0 / hi : 1.0;
    ops->lndet = tri_lndet;
    ops->lndet_d2 = tri_lndet_d2;
    ops->terms = tri_terms;
    return SP_OK;
}
