/* sp_pre: random-effects spatial lag panels by maximum likelihood; see sp_pre.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "sp_dense.h"
#include "sp_error.h"
#include "sp_opt.h"
#include "sp_pmodel.h"
#include "sp_pre.h"
#include "sp_within.h"

void sp_pre_result_free(sp_pre_result *r)
{
    if (!r)
        return;
    sp_pmodel_names_free(r->names, r->k);
    free(r->beta);
    free(r->cov);
    free(r->resid);
    free(r);
}

/* Cross-products of Z = [y, wy, X] (m = k + 2 columns): S = Z'Z and
 * B = Zbar'Zbar summed over all n*t rows, Zbar the unit means. */
typedef struct pre_ctx {
    int n, t, k, m;
    const sp_pre_lndet *L;
    double *S, *B;   /* m x m */
    double *M, *xx;  /* scratch m x m, k x k */
    double *xu, *xw; /* scratch k */
    double theta;    /* for the inner search */
    int singular;
} pre_ctx;

static const double *column(const pre_ctx *c, const double *y, const double *wy,
                            const double *X, int j)
{
    return j == 0 ? y : j == 1 ? wy : X + (long)(j - 2) * c->n * c->t;
}

static int cross_products(pre_ctx *c, const double *y, const double *wy, const double *X)
{
    int m = c->m, n = c->n, t = c->t;
    long nt = (long)n * t;
    double *bar = sp_malloc((size_t)m * n * sizeof *bar);
    if (!bar)
        return SP_ENOMEM;
    for (int a = 0; a < m; a++)
        sp_within_unit_means(column(c, y, wy, X, a), n, t, bar + (long)a * n);
    for (int a = 0; a < m; a++)
        for (int b = a; b < m; b++) {
            const double *za = column(c, y, wy, X, a), *zb = column(c, y, wy, X, b);
            double s = 0.0, q = 0.0;
            for (long i = 0; i < nt; i++)
                s += za[i] * zb[i];
            for (int i = 0; i < n; i++)
                q += bar[(long)a * n + i] * bar[(long)b * n + i];
            c->S[a * m + b] = c->S[b * m + a] = s;
            c->B[a * m + b] = c->B[b * m + a] = t * q;
        }
    free(bar);
    return SP_OK;
}

/* e'e of the transformed model at (rho, theta), beta concentrated out. */
static double pre_ssr(pre_ctx *c, double rho, double theta, double *beta)
{
    int m = c->m, k = c->k;
    double g = 1.0 - theta * theta;
    for (int i = 0; i < m * m; i++)
        c->M[i] = c->S[i] - g * c->B[i];
    const double *M = c->M;
    double uu = M[0] - 2.0 * rho * M[1] + rho * rho * M[m + 1];
    for (int j = 0; j < k; j++) {
        c->xu[j] = M[(j + 2) * m] - rho * M[(j + 2) * m + 1];
        for (int l = 0; l < k; l++)
            c->xx[j * k + l] = M[(j + 2) * m + l + 2];
    }
    gsl_matrix_view A = gsl_matrix_view_array(c->xx, (size_t)k, (size_t)k);
    gsl_vector_view xu = gsl_vector_view_array(c->xu, (size_t)k);
    gsl_vector_view b = gsl_vector_view_array(c->xw, (size_t)k);
    if (k > 0 && (gsl_linalg_cholesky_decomp1(&A.matrix) ||
                  gsl_linalg_cholesky_solve(&A.matrix, &xu.vector, &b.vector))) {
        c->singular = 1;
        return NAN;
    }
    double fit = 0.0;
    for (int j = 0; j < k; j++)
        fit += c->xu[j] * c->xw[j];
    if (beta)
        memcpy(beta, c->xw, (size_t)k * sizeof *beta);
    return uu - fit;
}

static double pre_loglik(pre_ctx *c, double rho, double theta)
{
    double nt = (double)c->n * c->t, ssr = pre_ssr(c, rho, theta, NULL);
    if (!(ssr > 0.0))
        return -INFINITY;
    return -0.5 * nt * (log(2.0 * M_PI) + 1.0 + log(ssr / nt)) + c->n * log(theta) +
           c->t * c->L->lndet(c->L->ctx, rho);
}

static double inner_f(void *ctx, double rho)
{
    pre_ctx *c = ctx;
    return pre_loglik(c, rho, c->theta);
}

static double best_rho(pre_ctx *c, double theta, double *ll)
{
    c->theta = theta;
    return sp_opt_maximize(inner_f, c, c->L->lo, c->L->hi, 1e-11, ll);
}

static double outer_f(void *ctx, double theta)
{
    double ll;
    best_rho(ctx, theta, &ll);
    return ll;
}

/* -Hessian of the full log-likelihood in (beta, rho, theta, sigma2) at r. */
static int observed_information(const pre_ctx *c, const double *y, const double *wy,
                                const double *X, sp_pre_result *r, double *info)
{
    int n = c->n, t = c->t, k = c->k, p = k + 3, q = k + 2;
    long nt = (long)n * t;
    double th = r->theta, rho = r->rho, s2 = r->sigma2, g = 1.0 - th;
    double *D = sp_malloc((size_t)q * nt * sizeof *D); /* de/dbeta, de/drho, de/dtheta */
    double *bar = sp_malloc((size_t)(k + 2) * n * sizeof *bar);
    if (!D || !bar) {
        free(D), free(bar);
        return SP_ENOMEM;
    }
    /* unit means of y, wy, X */
    for (int a = 0; a < k + 2; a++)
        sp_within_unit_means(column(c, y, wy, X, a), n, t, bar + (long)a * n);
    const double *ybar = bar, *wybar = bar + n, *xbar = bar + 2L * n;
    for (long i = 0; i < nt; i++) {
        int u = (int)(i % n);
        double dt = ybar[u] - rho * wybar[u];
        for (int j = 0; j < k; j++) {
            D[j * nt + i] = -(X[j * nt + i] - g * xbar[(long)j * n + u]);
            dt -= xbar[(long)j * n + u] * r->beta[j];
        }
        D[k * nt + i] = -(wy[i] - g * wybar[u]);
        D[(k + 1) * nt + i] = dt;
    }
    double ee = 0.0;
    for (long i = 0; i < nt; i++)
        ee += r->resid[i] * r->resid[i];
    for (int a = 0; a < q; a++) {
        for (int b = a; b < q; b++) {
            double s = 0.0;
            for (long i = 0; i < nt; i++)
                s += D[a * nt + i] * D[b * nt + i];
            info[a * p + b] = info[b * p + a] = s / s2;
        }
        double de = 0.0;
        for (long i = 0; i < nt; i++)
            de += D[a * nt + i] * r->resid[i];
        info[a * p + q] = info[q * p + a] = -de / (s2 * s2);
    }
    /* e' d2e/dbeta dtheta = -xbar'e and e' d2e/drho dtheta = -wybar'e */
    double *esum = sp_calloc((size_t)n, sizeof *esum);
    if (!esum) {
        free(D), free(bar);
        return SP_ENOMEM;
    }
    for (long i = 0; i < nt; i++)
        esum[i % n] += r->resid[i];
    for (int j = 0; j <= k; j++) {
        const double *zb = j < k ? xbar + (long)j * n : wybar;
        double s = 0.0;
        for (int u = 0; u < n; u++)
            s += zb[u] * esum[u];
        info[j * p + k + 1] -= s / s2;
        info[(k + 1) * p + j] = info[j * p + k + 1];
    }
    info[(k + 1) * p + k + 1] += n / (th * th);
    info[k * p + k] += t * c->L->tr_g2(c->L->ctx, rho);
    info[q * p + q] = -(nt / (2.0 * s2 * s2) - ee / (s2 * s2 * s2));
    free(esum), free(D), free(bar);
    return SP_OK;
}

/* Residuals of the transformed model, sigma2 and the log-likelihood at r. */
static void finish(const pre_ctx *c, const double *y, const double *wy, const double *X,
                   sp_pre_result *r, double *ybar_scratch)
{
    int n = c->n, t = c->t, k = c->k;
    long nt = (long)n * t;
    double g = 1.0 - r->theta;
    double *bar = ybar_scratch; /* n */
    for (long i = 0; i < nt; i++)
        r->resid[i] = 0.0;
    for (int a = 0; a < k + 2; a++) {
        const double *z = column(c, y, wy, X, a);
        double coef = a == 0 ? 1.0 : a == 1 ? -r->rho : -r->beta[a - 2];
        sp_within_unit_means(z, n, t, bar);
        for (long i = 0; i < nt; i++)
            r->resid[i] += coef * (z[i] - g * bar[i % n]);
    }
    double ee = 0.0;
    for (long i = 0; i < nt; i++)
        ee += r->resid[i] * r->resid[i];
    r->sigma2 = ee / nt;
    r->sigma2_mu = r->sigma2 * (1.0 / (r->theta * r->theta) - 1.0) / t;
    r->loglik = -0.5 * nt * (log(2.0 * M_PI * r->sigma2) + 1.0) + n * log(r->theta) +
                t * c->L->lndet(c->L->ctx, r->rho);
}

int sp_pre_fit(int n, int t, int k, const double *y, const double *wy, const double *X,
               const sp_pre_lndet *L, sp_pre_result **out)
{
    *out = NULL;
    if (n < 2 || t < 2)
        return sp_error_set(SP_EDATA, "random effects need at least 2 units and 2 periods");
    if ((long)n * t <= k + 3)
        return sp_error_set(SP_EDATA, "random effects: %d observations for %d parameters",
                            n * t, k + 3);
    pre_ctx c = {.n = n, .t = t, .k = k, .m = k + 2, .L = L};
    int m = c.m, p = k + 3;
    sp_pre_result *r = sp_calloc(1, sizeof *r);
    c.S = sp_malloc((size_t)m * m * sizeof *c.S);
    c.B = sp_malloc((size_t)m * m * sizeof *c.B);
    c.M = sp_malloc((size_t)m * m * sizeof *c.M);
    c.xx = sp_malloc((size_t)k * k * sizeof *c.xx + 1);
    c.xu = sp_malloc((size_t)k * sizeof *c.xu + 1);
    c.xw = sp_malloc((size_t)k * sizeof *c.xw + 1);
    double *scratch = sp_malloc((size_t)n * sizeof *scratch);
    int rc = r && c.S && c.B && c.M && c.xx && c.xu && c.xw && scratch ? SP_OK : SP_ENOMEM;
    if (!rc) {
        r->k = k;
        r->beta = sp_malloc((size_t)k * sizeof *r->beta + 1);
        r->cov = sp_calloc((size_t)p * p, sizeof *r->cov);
        r->resid = sp_malloc((size_t)n * t * sizeof *r->resid);
        rc = r->beta && r->cov && r->resid ? SP_OK : SP_ENOMEM;
    }
    if (!rc)
        rc = cross_products(&c, y, wy, X);
    if (!rc) {
        double ll;
        r->theta = sp_opt_maximize(outer_f, &c, 1e-8, 1.0, 1e-11, &ll);
        r->rho = best_rho(&c, r->theta, &ll);
        c.singular = 0; /* the search may have touched a degenerate theta */
        pre_ssr(&c, r->rho, r->theta, r->beta);
        if (c.singular || !isfinite(ll))
            rc = sp_error_set(SP_ENUMERIC, "random effects: the regressors are collinear");
        else
            rc = sp_opt_interior("rho", r->rho, c.L->lo, c.L->hi);
    }
    if (!rc) {
        finish(&c, y, wy, X, r, scratch);
        rc = observed_information(&c, y, wy, X, r, r->cov);
    }
    if (!rc)
        rc = sp_dense_invert(r->cov, p, "random effects");
    free(c.S), free(c.B), free(c.M), free(c.xx), free(c.xu), free(c.xw), free(scratch);
    if (rc) {
        sp_pre_result_free(r);
        return rc;
    }
    *out = r;
    return SP_OK;
}
