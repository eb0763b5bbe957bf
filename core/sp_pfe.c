/* sp_pfe: fixed-effects (and pooled) spatial panel models by maximum likelihood; see sp_pfe.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "sp_dense.h"
#include "sp_error.h"
#include "sp_opt.h"
#include "sp_pfe.h"
#include "sp_pre.h"

const char *sp_pfe_vcov_name(sp_vcov v) { return v == SP_VCOV_HESSIAN ? "hessian" : "info"; }
/* ---- the design: lagged, then transformed ---- */

/* Columns of Z (each n*t): y~, (Wy)~, (WWy)~, X~_1..k, (WX)~_1..k. */
typedef struct design {
    int n, t, k, nz;
    long nt;
    double *z;       /* nz columns */
    char **names;    /* k */
    double tss;      /* raw y around its mean */
    double *S;       /* nz x nz cross-products of z once computed (design_cross), or NULL */
    void (*within)(void *ctx, double *v); /* sp_pfe_opts.within, or NULL */
    void *within_ctx;
    int mean_unprojected; /* sp_pfe_opts.info_mean_unprojected */
} design;

/* The within transformation of one column: sp_within, or the caller's. */
static void transform(const design *d, double *v, sp_fe fe)
{
    if (d->within)
        d->within(d->within_ctx, v);
    else
        sp_within(v, d->n, d->t, fe);
}

#define ZY 0
#define ZWY 1
#define ZWWY 2
#define ZX(j) (3 + (j))
#define ZWX(d, j) (3 + (d)->k + (j))

static double *zcol(const design *d, int c) { return d->z + (long)c * d->nt; }

static void design_free(design *d)
{
    sp_pmodel_names_free(d->names, d->k);
    free(d->z), free(d->S);
}

static void lag(const sp_csr *W, const design *d, const double *v, double *out)
{
    sp_within_lag(W, v, d->n, d->t, out);
}

static int design_build(int n, int t, const double *y, int k0, const double *X,
                        const char *const *xnames, const sp_csr *W, sp_pmodel model, sp_fe fe,
                        design *d)
{
    int pooled = fe == SP_FE_NONE, durbin = sp_pmodel_durbin(model);
    void (*within)(void *, double *) = d->within;
    void *within_ctx = d->within_ctx;
    int unprojected = d->mean_unprojected;
    memset(d, 0, sizeof *d); /* the caller's settings kept */
    d->within = within, d->within_ctx = within_ctx, d->mean_unprojected = unprojected;
    d->n = n, d->t = t, d->nt = (long)n * t;
    d->k = pooled + k0 + durbin * k0;
    d->nz = 3 + 2 * d->k;
    d->z = sp_malloc((size_t)d->nz * d->nt * sizeof *d->z);
    d->names = sp_calloc((size_t)d->k + 1, sizeof *d->names);
    if (!d->z || !d->names)
        return SP_ENOMEM;
    long nt = d->nt;
    memcpy(zcol(d, ZY), y, nt * sizeof *y);
    double mean = 0.0;
    for (long i = 0; i < nt; i++)
        mean += y[i];
    mean /= nt;
    for (long i = 0; i < nt; i++)
        d->tss += (y[i] - mean) * (y[i] - mean);
    lag(W, d, y, zcol(d, ZWY));
    lag(W, d, zcol(d, ZWY), zcol(d, ZWWY));
    int j = 0;
    if (pooled) {
        for (long i = 0; i < nt; i++)
            zcol(d, ZX(0))[i] = 1.0;
        d->names[j++] = sp_strdup("const");
    }
    for (int v = 0; v < k0; v++, j++) {
        memcpy(zcol(d, ZX(j)), X + (long)v * nt, nt * sizeof *X);
        d->names[j] = sp_strdup(xnames[v]);
    }
    for (int v = 0; durbin && v < k0; v++, j++) {
        lag(W, d, X + (long)v * nt, zcol(d, ZX(j)));
        size_t len = strlen(xnames[v]) + 3;
        if ((d->names[j] = sp_malloc(len)))
            snprintf(d->names[j], len, "W*%s", xnames[v]);
    }
    for (j = 0; j < d->k; j++) {
        if (!d->names[j])
            return SP_ENOMEM;
        lag(W, d, zcol(d, ZX(j)), zcol(d, ZWX(d, j)));
    }
    for (int c = 0; c < d->nz; c++) {
        double *v = zcol(d, c);
        double before = c >= ZX(0) && c < ZX(d->k) ? sp_dense_dot(v, v, nt) : 0.0;
        transform(d, v, fe);
        if (c >= ZX(0) && c < ZX(d->k) && !(sp_dense_dot(v, v, nt) > 1e-24 * before))
            return sp_error_set(SP_EDATA,
                                "regressor %s does not vary once the %s fixed effects are "
                                "removed (it is absorbed by them): leave it out",
                                d->names[c - ZX(0)], sp_within_fe_name(fe));
    }
    return SP_OK;
}

/* ---- concentrated likelihood on cross-products ---- */

/* The exact-minus-approximate ln|I - x W| known at n points near one spatial
 * parameter's optimum (the polish, sp_pfe.h). */
typedef struct polish_fix {
    int n;
    double x[3], diff[3];
} polish_fix;

typedef struct conc {
    const design *d;
    const sp_pops *ops;
    int has_rho, has_lam;
    double *S;            /* nz x nz cross-products */
    double *xx, *xy, *b;  /* k x k, k, k scratch */
    double fixed;         /* the other parameter, for nested searches */
    int singular;
    double lo[2], hi[2];  /* search intervals of rho and lambda */
    polish_fix fix[2];    /* polish corrections near rho and near lambda */
    int exact;            /* 1: search on ops->lndet_exact (the polish's fallback) */
} conc;

/* e'e at (rho, lambda) with beta concentrated out (beta written when asked). */
static double conc_ssr(conc *c, double rho, double lam, double *beta)
{
    const design *d = c->d;
    int k = d->k, nz = d->nz;
    const double *S = c->S;
    double a[3] = {1.0, -(rho + lam), rho * lam};
#define SS(i, j) S[(i) * nz + (j)]
    double yy = 0.0;
    for (int i = 0; i < 3; i++)
        for (int l = 0; l < 3; l++)
            yy += a[i] * a[l] * SS(i, l);
    for (int j = 0; j < k; j++) {
        double s = 0.0;
        for (int i = 0; i < 3; i++)
            s += a[i] * (SS(ZX(j), i) - lam * SS(ZWX(d, j), i));
        c->xy[j] = s;
        for (int l = 0; l < k; l++)
            c->xx[j * k + l] = SS(ZX(j), ZX(l)) - lam * SS(ZX(j), ZWX(d, l)) -
                               lam * SS(ZWX(d, j), ZX(l)) + lam * lam * SS(ZWX(d, j), ZWX(d, l));
    }
#undef SS
    gsl_matrix_view A = gsl_matrix_view_array(c->xx, (size_t)k, (size_t)k);
    gsl_vector_view xy = gsl_vector_view_array(c->xy, (size_t)k);
    gsl_vector_view b = gsl_vector_view_array(c->b, (size_t)k);
    int bad = gsl_linalg_cholesky_decomp1(&A.matrix) ||
              gsl_linalg_cholesky_solve(&A.matrix, &xy.vector, &b.vector);
    if (bad) {
        c->singular = 1;
        return NAN;
    }
    if (beta)
        memcpy(beta, c->b, (size_t)k * sizeof *beta);
    return yy - sp_dense_dot(c->b, c->xy, k);
}

/* The approximate ln|I - x W| for spatial parameter `which` (0 rho, 1
 * lambda), corrected by the polynomial through its polish points. */
static double conc_lndet(const conc *c, int which, double x)
{
    if (c->exact)
        return c->ops->lndet_exact(c->ops->ctx, x);
    const polish_fix *p = &c->fix[which];
    double v = c->ops->lndet(c->ops->ctx, x);
    for (int i = 0; i < p->n; i++) { /* Lagrange */
        double w = p->diff[i];
        for (int j = 0; j < p->n; j++)
            if (j != i)
                w *= (x - p->x[j]) / (p->x[i] - p->x[j]);
        v += w;
    }
    return v;
}

static double conc_loglik(conc *c, double rho, double lam)
{
    const design *d = c->d;
    double nt = (double)d->nt, ssr = conc_ssr(c, rho, lam, NULL);
    if (!(ssr > 0.0))
        return -INFINITY;
    double ll = -0.5 * nt * (log(2.0 * M_PI) + 1.0 + log(ssr / nt));
    if (c->has_rho)
        ll += d->t * conc_lndet(c, 0, rho);
    if (c->has_lam)
        ll += d->t * conc_lndet(c, 1, lam);
    return ll;
}

static double f_rho(void *ctx, double rho)
{
    conc *c = ctx;
    return conc_loglik(c, rho, c->fixed);
}

static double f_lam(void *ctx, double lam)
{
    conc *c = ctx;
    return conc_loglik(c, c->fixed, lam);
}

#define SEARCH_TOL 1e-11

/* SAC: lambda maximised for each rho. */
static double f_rho_profile(void *ctx, double rho)
{
    conc *c = ctx;
    double ll;
    c->fixed = rho;
    sp_opt_maximize(f_lam, c, c->lo[1], c->hi[1], SEARCH_TOL, &ll);
    return ll;
}

/* The optimum of the concentrated likelihood within c->lo, c->hi. */
static void conc_search(conc *c, double *rho, double *lam)
{
    *rho = *lam = 0.0;
    if (c->has_rho && c->has_lam) {
        *rho = sp_opt_maximize(f_rho_profile, c, c->lo[0], c->hi[0], SEARCH_TOL, NULL);
        c->fixed = *rho;
        *lam = sp_opt_maximize(f_lam, c, c->lo[1], c->hi[1], SEARCH_TOL, NULL);
    } else if (c->has_rho) {
        c->fixed = 0.0;
        *rho = sp_opt_maximize(f_rho, c, c->lo[0], c->hi[0], SEARCH_TOL, NULL);
    } else if (c->has_lam) {
        c->fixed = 0.0;
        *lam = sp_opt_maximize(f_lam, c, c->lo[1], c->hi[1], SEARCH_TOL, NULL);
    }
}

static void conc_full_interval(conc *c)
{
    for (int a = 0; a < 2; a++)
        c->lo[a] = c->ops->lo, c->hi[a] = c->ops->hi;
}

/* Adds diff, the exact-minus-approximate difference at x, to p, replacing
 * the point farthest from x when there are three. */
static int polish_add(polish_fix *p, double x, double diff)
{
    if (!isfinite(diff))
        return SP_ENUMERIC;
    int slot = p->n;
    if (slot == 3) {
        slot = 0;
        for (int i = 1; i < 3; i++)
            if (fabs(p->x[i] - x) > fabs(p->x[slot] - x))
                slot = i;
    } else {
        p->n++;
    }
    p->x[slot] = x, p->diff[slot] = diff;
    return SP_OK;
}

/* polish_add at x, the exact value computed here. */
static int polish_point(const sp_pops *ops, polish_fix *p, double x)
{
    return polish_add(p, x, ops->lndet_exact(ops->ctx, x) - ops->lndet(ops->ctx, x));
}

/* polish_point at x[0], then at x[1]: the two exact values side by side
 * where the operators can (ops->lndet_exact_pair), the same values. */
static int polish_pair(const sp_pops *ops, polish_fix *p, const double x[2])
{
    double v[2];
    if (!ops->lndet_exact_pair)
        return polish_point(ops, p, x[0]) || polish_point(ops, p, x[1]) ? SP_ENUMERIC : SP_OK;
    int rc = ops->lndet_exact_pair(ops->ctx, x, v);
    for (int i = 0; i < 2 && !rc; i++)
        rc = polish_add(p, x[i], v[i] - ops->lndet(ops->ctx, x[i]));
    return rc;
}

/* Moves the approximate optimum (x[0] = rho, x[1] = lambda, those the model
 * has) to the exact one (sp_pfe.h).  The corrected likelihood is searched
 * within POLISH_REACH of the latest points, where the interpolated
 * corrections hold; it stops when the optimum moves less than POLISH_TOL,
 * about the resolution of a concentrated likelihood whose values agree to
 * 1e-11 relative (the exact Brent search is no more precise).  The
 * factorisation at the final point is the one the solves at the estimate need
 * anyway. */
#define POLISH_STEP 1e-3
#define POLISH_REACH 4e-3
#define POLISH_TOL 1e-6
static int polish(conc *c, double x[2])
{
    const sp_pops *ops = c->ops;
    int on[2] = {c->has_rho, c->has_lam}, rc = SP_OK;
    double last[2] = {x[0], x[1]}, h = POLISH_STEP;
    for (int a = 0; a < 2 && !rc; a++)
        if (on[a]) { /* x -+ h, where both are well inside; else x and x -+ h */
            int both = x[a] - 2.0 * h > ops->lo && x[a] + 2.0 * h < ops->hi;
            double step = x[a] + h < ops->hi ? h : -h;
            double at[2] = {both ? x[a] - h : x[a], x[a] + step};
            rc = polish_pair(ops, &c->fix[a], at);
        }
    for (int iter = 0; !rc && iter < 10; iter++) {
        for (int a = 0; a < 2; a++)
            c->lo[a] = fmax(ops->lo, last[a] - POLISH_REACH),
            c->hi[a] = fmin(ops->hi, last[a] + POLISH_REACH);
        double next[2];
        conc_search(c, &next[0], &next[1]);
        if (iter && fabs(next[0] - last[0]) <= POLISH_TOL && fabs(next[1] - last[1]) <= POLISH_TOL) {
            x[0] = next[0], x[1] = next[1];
            conc_full_interval(c);
            return SP_OK;
        }
        for (int a = 0; a < 2 && !rc; a++)
            if (on[a])
                rc = polish_point(ops, &c->fix[a], next[a]);
        last[0] = next[0], last[1] = next[1];
    }
    conc_full_interval(c);
    if (rc)
        return rc;
    c->exact = 1; /* not settled: the exact search, as without the approximation */
    conc_search(c, &x[0], &x[1]);
    return SP_OK;
}

/* d2/dx2 ln|I - x W| at the polished estimate x of parameter `which`: the
 * approximation's own second derivative plus that of the quadratic through
 * the three exact-minus-approximate points (2 g[x1, x2, x3]), when they are
 * placed for it: at least h/2 apart, within 3h in all, x among them (h =
 * POLISH_STEP), as they are at large n, where the approximate optimum is
 * close (x0 - h, x0 + h and x near x0).  The rounding is then about
 * 1e-11 |ln|A|| / h^2 (exact values good to about 1e-11 relative): 1e-6 of
 * tr(G^2) or better; the truncation about g'''(x) (x - x0), the third
 * derivative of the approximation's sampling error times the optimum's move.
 * NAN otherwise (the caller then asks ops->lndet_d2 for exact differences). */
static double polish_curvature(const conc *c, int which, double x)
{
    const polish_fix *p = &c->fix[which];
    if (c->exact || p->n < 3 || !c->ops->lndet_d2_approx)
        return NAN;
    double v[3][2];
    for (int i = 0; i < 3; i++) { /* sorted by x */
        int k = i;
        for (; k > 0 && v[k - 1][0] > p->x[i]; k--)
            v[k][0] = v[k - 1][0], v[k][1] = v[k - 1][1];
        v[k][0] = p->x[i], v[k][1] = p->diff[i];
    }
    double h = POLISH_STEP;
    if (!(v[1][0] - v[0][0] >= 0.5 * h && v[2][0] - v[1][0] >= 0.5 * h &&
          v[2][0] - v[0][0] <= 3.0 * h && x >= v[0][0] && x <= v[2][0]))
        return NAN;
    double d01 = (v[1][1] - v[0][1]) / (v[1][0] - v[0][0]);
    double d12 = (v[2][1] - v[1][1]) / (v[2][0] - v[1][0]);
    return c->ops->lndet_d2_approx(c->ops->ctx, x) + 2.0 * (d12 - d01) / (v[2][0] - v[0][0]);
}

/* ---- residuals, information matrix ---- */

/* e = y_f - X_f beta at (beta, rho, lambda); xf (k columns) receives X_f when not NULL. */
static void residuals(const design *d, const double *beta, double rho, double lam, double *e,
                      double *xf)
{
    long nt = d->nt;
    const double *y = zcol(d, ZY), *wy = zcol(d, ZWY), *wwy = zcol(d, ZWWY);
    for (long i = 0; i < nt; i++)
        e[i] = y[i] - (rho + lam) * wy[i] + rho * lam * wwy[i];
    for (int j = 0; j < d->k; j++) {
        const double *x = zcol(d, ZX(j)), *wx = zcol(d, ZWX(d, j));
        for (long i = 0; i < nt; i++) {
            double v = x[i] - lam * wx[i];
            e[i] -= beta[j] * v;
            if (xf)
                xf[j * nt + i] = v;
        }
    }
}

/* out = (I_T (x) A^-1) v, period by period. */
static int solve_periods(const design *d, const sp_pops *ops, double rho, const double *v,
                         double *out)
{
    for (int s = 0; s < d->t; s++) {
        int rc = ops->solve(ops->ctx, rho, v + (long)s * d->n, out + (long)s * d->n);
        if (rc)
            return rc;
    }
    return SP_OK;
}

/* The p x p information matrix at theta = (beta, [rho], [lambda], sigma2). */
static int information(const design *d, const sp_pops *ops, const sp_csr *W, sp_fe fe,
                       int has_rho, int has_lam, const double *theta, double *M)
{
    int k = d->k, p = k + has_rho + has_lam + 1;
    int ir = k, il = k + has_rho, is = p - 1;
    long nt = d->nt;
    double rho = has_rho ? theta[ir] : 0.0, lam = has_lam ? theta[il] : 0.0, s2 = theta[is];
    double T = d->t;
    double *xf = sp_malloc((size_t)k * nt * sizeof *xf + 1);
    double *e = sp_malloc((size_t)nt * sizeof *e), *m = sp_malloc((size_t)nt * sizeof *m);
    double *tmp = sp_malloc((size_t)nt * sizeof *tmp);
    double tr[SP_TR_COUNT] = {0};
    int rc = xf && e && m && tmp ? SP_OK : SP_ENOMEM;
    memset(M, 0, (size_t)p * p * sizeof *M);
    if (!rc)
        residuals(d, theta, rho, lam, e, xf);
    if (!rc && (has_rho || has_lam))
        rc = ops->traces(ops->ctx, rho, lam, tr);
    if (!rc && has_rho && !has_lam && d->within) {
        /* a transformation that does not commute with W (unbalanced panels):
         * m = Q G (X beta + D alpha) with the dummies' fitted part, i.e.
         * Q G (S y - e) = (Wy)~ - Q G e (G S = W; e the residuals) */
        rc = solve_periods(d, ops, rho, e, tmp);
        if (!rc) {
            sp_within_lag(W, tmp, d->n, d->t, m);
            transform(d, m, fe);
            const double *wy = zcol(d, ZWY);
            for (long i = 0; i < nt; i++)
                m[i] = wy[i] - m[i];
        }
    } else if (!rc && has_rho) {
        /* m = Q (I_T (x) B G) X~ beta */
        for (long i = 0; i < nt; i++)
            tmp[i] = 0.0;
        for (int j = 0; j < k; j++) {
            const double *x = zcol(d, ZX(j));
            for (long i = 0; i < nt; i++)
                tmp[i] += theta[j] * x[i];
        }
        rc = solve_periods(d, ops, rho, tmp, m);
        if (!rc) {
            sp_within_lag(W, m, d->n, d->t, tmp); /* G X beta */
            if (has_lam) {
                sp_within_lag(W, tmp, d->n, d->t, m);
                for (long i = 0; i < nt; i++)
                    m[i] = tmp[i] - lam * m[i];
            } else {
                memcpy(m, tmp, (size_t)nt * sizeof *m);
            }
            if (!d->mean_unprojected) /* Elhorst's sar_panel_FE keeps G X~b as it is */
                transform(d, m, fe);
        }
    }
    if (!rc) {
        for (int j = 0; j < k; j++) {
            for (int l = j; l < k; l++)
                M[j * p + l] = M[l * p + j] = sp_dense_dot(xf + j * nt, xf + l * nt, nt) / s2;
            if (has_rho)
                M[j * p + ir] = M[ir * p + j] = sp_dense_dot(xf + j * nt, m, nt) / s2;
        }
        if (has_rho) {
            M[ir * p + ir] = T * (tr[SP_TR_KK] + tr[SP_TR_KtK]) + sp_dense_dot(m, m, nt) / s2;
            M[ir * p + is] = M[is * p + ir] = T * tr[SP_TR_G] / s2;
        }
        if (has_lam) {
            M[il * p + il] = T * (tr[SP_TR_HH] + tr[SP_TR_HtH]);
            M[il * p + is] = M[is * p + il] = T * tr[SP_TR_H] / s2;
        }
        if (has_rho && has_lam)
            M[ir * p + il] = M[il * p + ir] = T * (tr[SP_TR_KH] + tr[SP_TR_KHt]);
        M[is * p + is] = nt / (2.0 * s2 * s2);
    }
    free(xf), free(e), free(m), free(tmp);
    return rc;
}

static int cross_products(const design *d, double *S);

/* e = Z u: the coefficients u (nz) of the residual on the columns of Z at
 * (beta, rho, lambda), and du[a] = d u / d theta_a for a = beta_1..k, [rho],
 * [lambda] (the second derivatives are constant: d2u/drho dlambda has 1 at
 * ZWWY, d2u/dlambda dbeta_j 1 at ZWX(j), the rest 0). */
static void residual_coefs(const design *d, int has_rho, int has_lam, const double *theta,
                           double *u, double *du)
{
    int k = d->k, nz = d->nz, q = k + has_rho + has_lam;
    double rho = has_rho ? theta[k] : 0.0, lam = has_lam ? theta[k + has_rho] : 0.0;
    memset(u, 0, (size_t)nz * sizeof *u);
    memset(du, 0, (size_t)q * nz * sizeof *du);
    u[ZY] = 1.0, u[ZWY] = -(rho + lam), u[ZWWY] = rho * lam;
    for (int j = 0; j < k; j++) {
        u[ZX(j)] = -theta[j], u[ZWX(d, j)] = lam * theta[j];
        du[j * nz + ZX(j)] = -1.0, du[j * nz + ZWX(d, j)] = lam;
    }
    if (has_rho)
        du[k * nz + ZWY] = -1.0, du[k * nz + ZWWY] = lam;
    if (has_lam) {
        double *dl = du + (k + has_rho) * nz;
        dl[ZWY] = -1.0, dl[ZWWY] = rho;
        for (int j = 0; j < k; j++)
            dl[ZWX(d, j)] = theta[j];
    }
}

/* a'S b for nz-vectors. */
static double quad(const double *S, int nz, const double *a, const double *b)
{
    double s = 0.0;
    for (int i = 0; i < nz; i++)
        for (int j = 0; j < nz; j++)
            s += a[i] * S[i * nz + j] * b[j];
    return s;
}

/* The p x p observed information -d2 l / d theta d theta' at theta =
 * (beta, [rho], [lambda], sigma2), l = -NT/2 ln(2 pi sigma2) + T ln|A| + T ln|B|
 * - Q / (2 sigma2), Q = e'e = u'Su. */
static int observed_information(const design *d, const sp_pops *ops, const sp_pfe_result *r,
                                const double *theta, double *M)
{
    int has_rho = r->has_rho, has_lam = r->has_lambda;
    int k = d->k, nz = d->nz, q = k + has_rho + has_lam, p = q + 1;
    int ir = k, il = k + has_rho, is = p - 1;
    double s2 = theta[is], T = d->t;
    double *S = sp_malloc((size_t)nz * nz * sizeof *S), *u = sp_malloc((size_t)nz * sizeof *u);
    double *du = sp_malloc((size_t)q * nz * sizeof *du), *Su = sp_malloc((size_t)nz * sizeof *Su);
    int rc = S && u && du && Su ? SP_OK : SP_ENOMEM;
    if (rc) {
        free(S), free(u), free(du), free(Su);
        return rc;
    }
    cross_products(d, S);
    residual_coefs(d, has_rho, has_lam, theta, u, du);
    for (int i = 0; i < nz; i++)
        Su[i] = sp_dense_dot(S + (long)i * nz, u, nz);
    double Q = sp_dense_dot(u, Su, nz);
    for (int a = 0; a < q; a++) {
        for (int b = a; b < q; b++) {
            double second = 0.0; /* u_ab' S u */
            if (has_rho && has_lam && ((a == ir && b == il) || (a == il && b == ir)))
                second = Su[ZWWY];
            else if (has_lam && b == il && a < k)
                second = Su[ZWX(d, a)];
            M[a * p + b] = M[b * p + a] = (quad(S, nz, du + a * nz, du + b * nz) + second) / s2;
        }
        M[a * p + is] = M[is * p + a] = -sp_dense_dot(du + a * nz, Su, nz) / (s2 * s2);
    }
    M[is * p + is] = -d->nt / (2.0 * s2 * s2) + Q / (s2 * s2 * s2);
    for (int a = 0; a < 2; a++) {
        int i = a ? il : ir;
        if (!(a ? has_lam : has_rho))
            continue;
        /* at the polished estimate, the curvature from the polish's points */
        double d2 = theta[i] == r->theta_ml[i] && isfinite(r->lndet_d2_at[a])
                        ? r->lndet_d2_at[a] : ops->lndet_d2(ops->ctx, theta[i]);
        if (!isfinite(M[i * p + i] -= T * d2))
            rc = sp_error_set(SP_ENUMERIC, "the second derivative of ln|I - %s W| failed",
                              a ? "lambda" : "rho");
    }
    free(S), free(u), free(du), free(Su);
    return rc;
}

/* Elhorst's R^2 = 1 - u'u / TSS (u = y~ - rho (Wy)~ - X~ beta, TSS of the raw y) and
 * corr2 = squared correlation of y~ with (I - rho W)^-1 X~ beta (about y~'s mean). */
static int goodness_of_fit(const design *d, const sp_pops *ops, int has_rho,
                           const double *theta, double *r2, double *corr2)
{
    long nt = d->nt;
    double rho = has_rho ? theta[d->k] : 0.0;
    double *xb = sp_calloc((size_t)nt, sizeof *xb), *yh = sp_malloc((size_t)nt * sizeof *yh);
    int rc = xb && yh ? SP_OK : SP_ENOMEM;
    if (!rc) {
        for (int j = 0; j < d->k; j++) {
            const double *x = zcol(d, ZX(j));
            for (long i = 0; i < nt; i++)
                xb[i] += theta[j] * x[i];
        }
        const double *y = zcol(d, ZY), *wy = zcol(d, ZWY);
        double uu = 0.0, ym = 0.0;
        for (long i = 0; i < nt; i++) {
            double u = y[i] - rho * wy[i] - xb[i];
            uu += u * u;
            ym += y[i];
        }
        ym /= nt;
        *r2 = 1.0 - uu / d->tss;
        if (has_rho)
            rc = solve_periods(d, ops, rho, xb, yh);
        else
            memcpy(yh, xb, (size_t)nt * sizeof *yh);
        double s12 = 0.0, s11 = 0.0, s22 = 0.0;
        for (long i = 0; !rc && i < nt; i++) {
            double a = y[i] - ym, b = yh[i] - ym;
            s12 += a * b, s11 += a * a, s22 += b * b;
        }
        *corr2 = s12 * s12 / (s11 * s22);
    }
    free(xb), free(yh);
    return rc;
}

/* ---- the fit ---- */

void sp_pfe_result_free(sp_pfe_result *r)
{
    if (!r)
        return;
    sp_pmodel_names_free(r->names, r->k);
    free(r->theta), free(r->cov), free(r->theta_ml), free(r->cov_ml), free(r->resid);
    free(r);
}

static int result_alloc(const design *d, const sp_pfe_opts *o, sp_pfe_result **out)
{
    sp_pfe_result *r = sp_calloc(1, sizeof *r);
    if (!r)
        return SP_ENOMEM;
    r->model = o->model, r->fe = o->fe, r->vcov = o->vcov;
    r->leeyu = sp_leeyu_applies(o->leeyu, o->fe) ? o->leeyu : SP_LY_NONE;
    r->n = d->n, r->t = d->t, r->k = d->k;
    r->has_rho = sp_pmodel_has_rho(o->model);
    r->has_lambda = sp_pmodel_has_lambda(o->model);
    r->m = r->has_rho + r->has_lambda;
    r->p = r->k + r->m + 1;
    size_t p = (size_t)r->p;
    r->theta = sp_malloc(p * sizeof *r->theta);
    r->theta_ml = sp_malloc(p * sizeof *r->theta_ml);
    r->cov = sp_malloc(p * p * sizeof *r->cov);
    r->cov_ml = sp_malloc(p * p * sizeof *r->cov_ml);
    r->resid = sp_malloc((size_t)d->nt * sizeof *r->resid);
    *out = r;
    return r->theta && r->theta_ml && r->cov && r->cov_ml && r->resid ? SP_OK : SP_ENOMEM;
}

/* S = Z'Z (nz x nz): d->S when computed already (design_cross). */
static int cross_products(const design *d, double *S)
{
    if (d->S) {
        memcpy(S, d->S, (size_t)d->nz * d->nz * sizeof *S);
        return SP_OK;
    }
    for (int a = 0; a < d->nz; a++)
        for (int b = a; b < d->nz; b++)
            S[a * d->nz + b] = S[b * d->nz + a] = sp_dense_dot(zcol(d, a), zcol(d, b), d->nt);
    return SP_OK;
}

/* d->S = Z'Z, once. */
static int design_cross(design *d)
{
    double *S = sp_malloc((size_t)d->nz * d->nz * sizeof *S);
    if (!S)
        return SP_ENOMEM;
    cross_products(d, S);
    d->S = S;
    return SP_OK;
}

/* An optimum at an end of the interval is an error (sp_opt_interior). */
static int check_interior(const sp_pops *ops, int has_rho, double rho, int has_lam, double lam)
{
    int rc = has_rho ? sp_opt_interior("rho", rho, ops->lo, ops->hi) : SP_OK;
    return !rc && has_lam ? sp_opt_interior("lambda", lam, ops->lo, ops->hi) : rc;
}

static int estimate(const design *d, const sp_pops *ops, sp_pfe_result *r)
{
    int k = d->k, nz = d->nz;
    conc c = {.d = d, .ops = ops, .has_rho = r->has_rho, .has_lam = r->has_lambda};
    c.S = sp_malloc((size_t)nz * nz * sizeof *c.S);
    c.xx = sp_malloc((size_t)k * k * sizeof *c.xx + 1);
    c.xy = sp_malloc((size_t)k * sizeof *c.xy + 1);
    c.b = sp_malloc((size_t)k * sizeof *c.b + 1);
    int rc = c.S && c.xx && c.xy && c.b ? SP_OK : SP_ENOMEM;
    double rho = 0.0, lam = 0.0;
    int polished = 0;
    r->lndet_d2_at[0] = r->lndet_d2_at[1] = NAN;
    if (!rc) {
        cross_products(d, c.S);
        if (conc_ssr(&c, 0.0, 0.0, NULL), c.singular)
            rc = sp_error_set(SP_ENUMERIC, "the regressors are collinear (after the %s "
                              "transformation)", sp_within_fe_name(r->fe));
    }
    if (!rc) {
        conc_full_interval(&c);
        conc_search(&c, &rho, &lam);
        r->lndet_approx = ops->approx && (r->has_rho || r->has_lambda);
        if (ops->polish && ops->lndet_exact && r->lndet_approx) {
            double x[2] = {rho, lam};
            rc = polish(&c, x);
            rho = x[0], lam = x[1];
            polished = 1;
            r->lndet_approx = 0;
        }
        c.singular = 0;
    }
    if (!rc)
        rc = check_interior(ops, r->has_rho, rho, r->has_lambda, lam);
    if (!rc) {
        if (!isfinite(conc_ssr(&c, rho, lam, r->theta_ml)) || c.singular)
            rc = sp_error_set(SP_ENUMERIC, "the likelihood search failed (rho %g, lambda %g)",
                              rho, lam);
    }
    if (!rc) {
        if (r->has_rho)
            r->theta_ml[k] = rho;
        if (r->has_lambda)
            r->theta_ml[k + r->has_rho] = lam;
        residuals(d, r->theta_ml, rho, lam, r->resid, NULL);
        double ee = sp_dense_dot(r->resid, r->resid, d->nt);
        r->theta_ml[r->p - 1] = ee / d->nt;
        r->loglik = -0.5 * d->nt * (log(2.0 * M_PI * ee / d->nt) + 1.0);
        double at[2] = {rho, lam};
        for (int a = 0; a < 2; a++) {
            if (!(a ? r->has_lambda : r->has_rho))
                continue;
            r->lndet_at[a] = ops->lndet(ops->ctx, at[a]);
            r->lndet_d2_at[a] = polished ? polish_curvature(&c, a, at[a]) : NAN;
            /* polished: the approximation corrected through the exact points
             * around the estimate (no factorisation at the estimate itself) */
            r->lndet_exact_at[a] = !ops->approx ? r->lndet_at[a]
                                 : polished && !c.exact ? conc_lndet(&c, a, at[a])
                                 : ops->lndet_exact ? ops->lndet_exact(ops->ctx, at[a]) : NAN;
            r->loglik += d->t * (r->lndet_approx ? r->lndet_at[a] : r->lndet_exact_at[a]);
        }
        if (!(ee > 0.0) || !isfinite(r->loglik))
            rc = sp_error_set(SP_ENUMERIC, "the model fits the data exactly (sigma2 = 0)");
    }
    free(c.S), free(c.xx), free(c.xy), free(c.b);
    return rc;
}

/* M = the information at theta: analytic or observed, per r->vcov. */
static int info_matrix(const design *d, const sp_pops *ops, const sp_csr *W, sp_fe fe,
                       const sp_pfe_result *r, const double *theta, double *M)
{
    if (r->vcov == SP_VCOV_HESSIAN)
        return observed_information(d, ops, r, theta, M);
    return information(d, ops, W, fe, r->has_rho, r->has_lambda, theta, M);
}

/* M inverted in place, its diagonal positive. */
static int invert_checked(double *M, int p, const char *what)
{
    int rc = sp_dense_invert(M, p, what);
    for (int i = 0; !rc && i < p; i++)
        if (!(M[i * p + i] > 0.0))
            rc = sp_error_set(SP_ENUMERIC, "%s: the information matrix is not positive "
                              "definite (not at a maximum?)", what);
    return rc;
}

/* M (the information at theta) inverted in place; a singular information
 * matrix is replaced by the observed information (r->vcov_fallback). */
static int invert_info(const design *d, const sp_pops *ops, sp_pfe_result *r,
                       const double *theta, double *M)
{
    int rc = invert_checked(M, r->p, sp_pmodel_name(r->model));
    if (rc == SP_ENUMERIC && r->vcov == SP_VCOV_INFO) {
        sp_error_clear();
        r->vcov = SP_VCOV_HESSIAN;
        r->vcov_fallback = 1;
        rc = observed_information(d, ops, r, theta, M);
        if (!rc)
            rc = invert_checked(M, r->p, sp_pmodel_name(r->model));
    }
    return rc;
}

const char *sp_pfe_sigma_name(sp_sigma s) { return s == SP_SIGMA_DF ? "df" : "ml"; }

int sp_pfe_fit(int n, int t, const double *y, int k0, const double *X,
               const char *const *xnames, const sp_csr *W, const sp_pops *ops,
               const sp_pfe_opts *o, sp_pfe_result **out)
{
    *out = NULL;
    design d = {.within = o->within, .within_ctx = o->within_ctx,
                .mean_unprojected = o->info_mean_unprojected};
    sp_pfe_result *r = NULL;
    int rc = design_build(n, t, y, k0, X, xnames, W, o->model, o->fe, &d);
    if (!rc) /* Z'Z once, for the search and the Hessian */
        rc = design_cross(&d);
    if (!rc && (long)n * t <= d.k + 3)
        rc = sp_error_set(SP_EDATA, "%ld observations for %d coefficients", (long)n * t, d.k);
    if (!rc)
        rc = result_alloc(&d, o, &r);
    if (!rc)
        rc = estimate(&d, ops, r);
    if (!rc)
        rc = info_matrix(&d, ops, W, o->fe, r, r->theta_ml, r->cov_ml);
    if (!rc) {
        memcpy(r->theta, r->theta_ml, (size_t)r->p * sizeof *r->theta);
        if (o->correct) {
            r->leeyu = SP_LY_NONE;
            rc = o->correct(o->correct_ctx, r, r->cov_ml, r->theta);
        } else {
            rc = sp_leeyu_correct(r->leeyu, o->fe, n, t, r->k, r->m, r->cov_ml, r->theta);
        }
        for (int i = 0; i < r->p; i++)
            r->corrected |= r->theta[i] != r->theta_ml[i];
    }
    if (!rc)
        rc = invert_info(&d, ops, r, r->theta_ml, r->cov_ml);
    if (!rc && o->sigma == SP_SIGMA_DF && r->m == 0 && o->fe == SP_FE_NONE) {
        long nt = (long)n * t;                       /* sigma2 = e'e/(NT - k), as R lm */
        r->theta[r->p - 1] = r->theta_ml[r->p - 1] * (double)nt / (double)(nt - r->k);
        r->sigma_df = 1;
    }
    if (!rc && (r->corrected || r->sigma_df)) {
        rc = info_matrix(&d, ops, W, o->fe, r, r->theta, r->cov);
        if (!rc)
            rc = invert_info(&d, ops, r, r->theta, r->cov);
    } else if (!rc) {
        memcpy(r->cov, r->cov_ml, (size_t)r->p * r->p * sizeof *r->cov);
    }
    if (!rc)
        rc = goodness_of_fit(&d, ops, r->has_rho, r->theta, &r->r2, &r->corr2);
    if (!rc) {
        r->names = d.names;
        d.names = NULL;
    }
    design_free(&d);
    if (rc) {
        sp_pfe_result_free(r);
        return rc;
    }
    *out = r;
    return SP_OK;
}

/* ---- LM tests ---- */

/* tr(W W) + tr(W'W). */
static double trace_ww(const sp_csr *W)
{
    int *mirror = sp_malloc((size_t)sp_csr_nnz(W) * sizeof *mirror + 1);
    int *cursor = sp_malloc((size_t)W->nrow * sizeof *cursor + 1);
    if (!(mirror && cursor && sp_csr_mirror(W, mirror, cursor))) /* w_ji by binary search */
        free(mirror), mirror = NULL;
    double s = 0.0;
    for (int i = 0; i < W->nrow; i++)
        for (int q = W->p[i]; q < W->p[i + 1]; q++)
            s += W->x[q] * (W->x[q] + (mirror ? W->x[mirror[q]] : sp_csr_get(W, W->j[q], i)));
    free(mirror), free(cursor);
    return s;
}

int sp_pfe_lmtests(int n, int t, const double *y, int k0, const double *X, const sp_csr *W,
                   sp_fe fe, sp_ptest out[4])
{
    char **names = sp_calloc((size_t)k0 + 1, sizeof *names);
    design d = {0};
    memset(&d, 0, sizeof d);
    int rc = names ? SP_OK : SP_ENOMEM;
    for (int j = 0; !rc && j < k0; j++)
        if (!(names[j] = sp_malloc(16)))
            rc = SP_ENOMEM;
        else
            snprintf(names[j], 16, "x%d", j + 1);
    if (!rc)
        rc = design_build(n, t, y, k0, X, (const char *const *)names, W, SP_PM_OLS, fe, &d);
    int k = d.k;
    long nt = d.nt;
    double *S = sp_malloc((size_t)d.nz * d.nz * sizeof *S + 1);
    double *e = sp_malloc((size_t)nt * sizeof *e + 1), *wxb = sp_malloc((size_t)nt * sizeof *wxb + 1);
    double *tmp = sp_malloc((size_t)nt * sizeof *tmp + 1), *beta = sp_malloc((size_t)k * sizeof *beta + 1);
    double *xw = sp_malloc((size_t)k * sizeof *xw + 1);
    if (!rc && !(S && e && wxb && tmp && beta && xw))
        rc = SP_ENOMEM;
    conc c = {.d = &d};
    if (!rc) {
        c.S = S;
        c.xx = sp_malloc((size_t)k * k * sizeof *c.xx + 1);
        c.xy = sp_malloc((size_t)k * sizeof *c.xy + 1);
        c.b = sp_malloc((size_t)k * sizeof *c.b + 1);
        rc = c.xx && c.xy && c.b ? SP_OK : SP_ENOMEM;
    }
    if (!rc) {
        cross_products(&d, S);
        if (!isfinite(conc_ssr(&c, 0.0, 0.0, beta)))
            rc = sp_error_set(SP_ENUMERIC, "LM tests: the regressors are collinear");
    }
    if (!rc) {
        residuals(&d, beta, 0.0, 0.0, e, NULL);
        double s2 = sp_dense_dot(e, e, nt) / nt;
        sp_within_lag(W, e, n, t, tmp);
        double ewe = sp_dense_dot(e, tmp, nt) / s2, ewy = sp_dense_dot(e, zcol(&d, ZWY), nt) / s2;
        double tw = t * trace_ww(W);
        /* (Q W X~ b)' M (Q W X~ b), M the residual maker of X~ */
        for (long i = 0; i < nt; i++)
            tmp[i] = 0.0;
        for (int j = 0; j < k; j++)
            for (long i = 0; i < nt; i++)
                tmp[i] += beta[j] * zcol(&d, ZX(j))[i];
        sp_within_lag(W, tmp, n, t, wxb);
        sp_within(wxb, n, t, fe);
        conc_ssr(&c, 0.0, 0.0, NULL); /* leaves the Cholesky factor of X~'X~ in c.xx */
        gsl_matrix_view A = gsl_matrix_view_array(c.xx, (size_t)k, (size_t)k);
        for (int j = 0; j < k; j++)
            xw[j] = sp_dense_dot(zcol(&d, ZX(j)), wxb, nt);
        gsl_vector_view xv = gsl_vector_view_array(xw, (size_t)k);
        gsl_vector_view bv = gsl_vector_view_array(tmp, (size_t)k);
        gsl_linalg_cholesky_solve(&A.matrix, &xv.vector, &bv.vector);
        double wmw = sp_dense_dot(wxb, wxb, nt) - sp_dense_dot(xw, tmp, k);
        sp_ptest_lm(ewy, ewe, tw, wmw / s2 + tw, out);
    }
    free(c.xx), free(c.xy), free(c.b);
    free(S), free(e), free(wxb), free(tmp), free(beta), free(xw);
    sp_pmodel_names_free(names, k0);
    design_free(&d);
    return rc;
}

/* ---- random effects on the same design ---- */

static double pops_lndet(void *ctx, double rho)
{
    const sp_pops *ops = ctx;
    return ops->lndet(ops->ctx, rho);
}

static double pops_tr_g2(void *ctx, double rho)
{
    const sp_pops *ops = ctx;
    return -ops->lndet_d2(ops->ctx, rho);
}

int sp_pfe_fit_re(int n, int t, const double *y, int k0, const double *X,
                  const char *const *xnames, const sp_csr *W, const sp_pops *ops,
                  sp_pmodel model, sp_fe fe, sp_pre_result **out)
{
    *out = NULL;
    if (model != SP_PM_SAR && model != SP_PM_SDM)
        return sp_error_set(SP_EUSAGE, "random effects are for the sar and sdm models");
    if (fe != SP_FE_NONE && fe != SP_FE_TIME)
        return sp_error_set(SP_EUSAGE, "random unit effects go with no fixed effects or with "
                                       "fixed period effects only");
    design d = {0};
    int rc = design_build(n, t, y, k0, X, xnames, W, model, fe, &d);
    sp_pre_lndet L = {pops_lndet, pops_tr_g2, (void *)ops, ops->lo, ops->hi};
    if (!rc)
        rc = sp_pre_fit(n, t, d.k, zcol(&d, ZY), zcol(&d, ZWY), zcol(&d, ZX(0)), &L, out);
    if (!rc) {
        (*out)->names = d.names;
        d.names = NULL;
    }
    design_free(&d);
    return rc;
}
