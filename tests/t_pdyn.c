/* Unit tests for core/sp_pdyn (dynamic spatial panels): a Monte Carlo
 * recovery on the China cities graph (the bias-corrected tau and rho near the
 * truth, the uncorrected visibly biased, T = 10 and 20), the long-run total
 * effect against its closed form, and bad input.  The estimates themselves
 * are checked against R in tests/cli/t_fit_dynamic.sh. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_pdyn.h"
#include "sp_pops_sparse.h"
#include "sp_rng.h"
#include "sp_weights.h"
#include "sp_wio.h"

#define CITIES TH_FIXTURES "/weights/china_cities_queen.gal"

typedef struct mc {
    sp_weights *W;
    sp_pops ops;
    int n;
} mc;

static int mc_open(mc *m)
{
    memset(m, 0, sizeof *m);
    if (sp_wio_read(CITIES, &m->W) || sp_weights_standardize(m->W, SP_STD_ROW) ||
        sp_pops_dense(m->W->w, &m->ops))
        return 1;
    m->n = m->W->n;
    return 0;
}

static void mc_close(mc *m)
{
    sp_pops_dense_free(&m->ops);
    sp_weights_free(m->W);
}

/* y_t = tau y_{t-1} + rho W y_t + eta W y_{t-1} + x_t beta + mu + e_t, t = 0..T
 * (y_0 after a burn-in), stacked period by period; x = 0.5 mu + N(0, 1). */
static int simulate(const mc *m, int t, double tau, double rho, double eta, double beta,
                    uint64_t seed, double *y, double *x)
{
    int n = m->n;
    sp_rng r;
    sp_rng_init(&r, seed, 0, 0);
    double *mu = malloc(n * sizeof *mu), *prev = calloc(n, sizeof *prev);
    double *rhs = malloc(n * sizeof *rhs), *wp = malloc(n * sizeof *wp);
    for (int i = 0; i < n; i++)
        mu[i] = sp_rng_normal(&r);
    int rc = 0;
    for (int s = -30; s < t && !rc; s++) {
        sp_csr_matvec(m->W->w, prev, wp);
        double *xs = s >= 0 ? x + (long)s * n : rhs;
        for (int i = 0; i < n; i++) {
            double xi = 0.5 * mu[i] + sp_rng_normal(&r);
            rhs[i] = tau * prev[i] + eta * wp[i] + beta * xi + mu[i] + sp_rng_normal(&r);
            if (s >= 0)
                xs[i] = xi;
        }
        rc = m->ops.solve(m->ops.ctx, rho, rhs, prev);
        if (s >= 0)
            memcpy(y + (long)s * n, prev, n * sizeof *y);
    }
    free(mu), free(prev), free(rhs), free(wp);
    return rc;
}

/* Mean estimates of tau and rho over reps replications, corrected and not. */
static void recover(const mc *m, int t, int reps, double out[4])
{
    double tau = 0.5, rho = 0.3, eta = -0.1;
    long nt = (long)m->n * t;
    double *y = malloc(nt * sizeof *y), *x = malloc(nt * sizeof *x);
    const char *xn[] = {"x"};
    sp_pdyn_opts o = {.model = SP_PM_SAR, .fe = SP_FE_UNIT, .lags = SP_PDYN_TAU | SP_PDYN_ETA,
                      .bias_correct = 1, .vcov = SP_VCOV_INFO};
    memset(out, 0, 4 * sizeof *out);
    for (int k = 0; k < reps; k++) {
        sp_pdyn_result *r = NULL;
        CHECK(simulate(m, t, tau, rho, eta, 1.0, 1000 + k, y, x) == SP_OK);
        CHECK(sp_pdyn_fit(m->n, t, y, "y", 1, x, xn, m->W->w, &m->ops, &o, &r) == SP_OK);
        if (!r)
            continue;
        int ir = sp_pfe_irho(r->fit);
        out[0] += r->fit->theta[r->itau] / reps, out[1] += r->fit->theta[ir] / reps;
        out[2] += r->fit->theta_ml[r->itau] / reps, out[3] += r->fit->theta_ml[ir] / reps;
        sp_pdyn_result_free(r);
    }
    free(y), free(x);
}

/* Bounds: with n = 280+ cities the standard error of one tau estimate is
 * about 0.015 (T = 10), so a mean of 4 replications is within 0.03 of the
 * truth; the uncorrected tau is biased by about -(1 + tau)/T (Nickell),
 * -0.15 at T = 10 and -0.075 at T = 20 before the spatial terms. */
static void test_monte_carlo_cities(void)
{
    mc m;
    CHECK(mc_open(&m) == 0);
    if (!m.W)
        return;
    double e10[4], e20[4];
    recover(&m, 11, 4, e10); /* T = 10 periods used */
    recover(&m, 21, 4, e20); /* T = 20 */
    fprintf(stderr, "  monte carlo T=10: tau %.4f (uncorrected %.4f), rho %.4f (%.4f)\n", e10[0],
            e10[2], e10[1], e10[3]);
    fprintf(stderr, "  monte carlo T=20: tau %.4f (uncorrected %.4f), rho %.4f (%.4f)\n", e20[0],
            e20[2], e20[1], e20[3]);
    CHECK_ABS(e10[0], 0.5, 0.03);
    CHECK_ABS(e10[1], 0.3, 0.03);
    CHECK_ABS(e20[0], 0.5, 0.02);
    CHECK_ABS(e20[1], 0.3, 0.02);
    CHECK(e10[2] < 0.5 - 0.05); /* the uncorrected tau visibly biased */
    CHECK(e20[2] < 0.5 - 0.025);
    CHECK(fabs(e10[0] - 0.5) < 0.5 * fabs(e10[2] - 0.5));
    mc_close(&m);
}

/* Long-run total of x: (beta + theta) / (1 - tau - rho - eta) for a
 * row-standardised W without islands (the closed form at the estimate). */
static void test_longrun_total_closed_form(void)
{
    mc m;
    CHECK(mc_open(&m) == 0);
    if (!m.W)
        return;
    int t = 8;
    long nt = (long)m.n * t;
    double *y = malloc(nt * sizeof *y), *x = malloc(nt * sizeof *x);
    const char *xn[] = {"x"};
    CHECK(simulate(&m, t, 0.4, 0.2, 0.1, 1.0, 77, y, x) == SP_OK);
    sp_pdyn_opts o = {.model = SP_PM_SDM, .fe = SP_FE_TWOWAY, .lags = SP_PDYN_TAU | SP_PDYN_ETA,
                      .bias_correct = 1, .vcov = SP_VCOV_INFO};
    sp_pdyn_result *r = NULL;
    sp_peff *lr = NULL, *sr = NULL;
    CHECK(sp_pdyn_fit(m.n, t, y, "y", 1, x, xn, m.W->w, &m.ops, &o, &r) == SP_OK);
    if (r) {
        CHECK(sp_pdyn_effects(&m.ops, r, 1, 0, 1, &lr) == SP_OK);
        CHECK(sp_pdyn_effects(&m.ops, r, 0, 0, 1, &sr) == SP_OK);
        const double *th = r->fit->theta;
        int ir = sp_pfe_irho(r->fit), ib = 2, it = 3;
        CHECK_STR(r->fit->names[ib], "x");
        CHECK_STR(r->fit->names[it], "W*x");
        int islands = 0;
        for (int i = 0; i < m.n; i++)
            islands += sp_weights_cardinality(m.W, i) == 0;
        if (lr && sr && !islands) {
            CHECK_REL(lr->rows[0].total.est,
                      (th[ib] + th[it]) / (1.0 - th[r->itau] - th[ir] - th[r->ieta]), 1e-9);
            CHECK_REL(sr->rows[0].total.est, (th[ib] + th[it]) / (1.0 - th[ir]), 1e-9);
        }
        CHECK(r->stab.stationary);
        CHECK_REL(r->stab.sum, th[r->itau] + th[ir] + th[r->ieta], 1e-15);
    }
    sp_peff_free(lr), sp_peff_free(sr);
    sp_pdyn_result_free(r);
    free(y), free(x);
    mc_close(&m);
}

/* The bias terms from the eigenvalues (dense) equal those from column solves
 * (sparse LU), for a row-standardised W (1'f(W)1/n = f(1)) and a binary one. */
static void test_traces_eigen_vs_solves(void)
{
    for (int binary = 0; binary < 2; binary++) {
        sp_weights *W = NULL;
        CHECK(sp_wio_read(TH_FIXTURES "/panel/provinces.gal", &W) == SP_OK);
        if (!W)
            return;
        CHECK(sp_weights_standardize(W, binary ? SP_STD_BINARY : SP_STD_ROW) == SP_OK);
        sp_pops dense, sparse;
        sp_pops_sparse_opts so;
        sp_pops_sparse_opts_default(&so);
        so.force_lu = 1;
        so.approx = SP_LNDET_EXACT;
        CHECK(sp_pops_dense(W->w, &dense) == SP_OK);
        CHECK(sp_pops_sparse_new(W->w, &so, &sparse) == SP_OK);
        CHECK(sparse.eig_re == NULL && dense.eig_re != NULL);
        double a[6], b[6], rho = binary ? 0.05 : 0.3;
        for (int jn = 0; jn < 2; jn++) {
            CHECK(sp_pdyn_traces(&dense, W->w, 0.4, rho, -0.1 * rho, jn, a) == SP_OK);
            CHECK(sp_pdyn_traces(&sparse, W->w, 0.4, rho, -0.1 * rho, jn, b) == SP_OK);
            for (int k = 0; k < 6; k++)
                CHECK_ABS(a[k], b[k], 1e-10 * (1.0 + fabs(b[k])));
        }
        sp_pops_dense_free(&dense);
        sp_pops_sparse_free(&sparse);
        sp_weights_free(W);
    }
}

/* 1'(I - rho W)^-1 1 / n and 1'(I - rho W)^-1 W 1 / n of the dense operations
 * for a W >= 0 whose rows sum to at most 1 (the power series) equal solves. */
static void test_terms_series(void)
{
    sp_weights *W = NULL;
    CHECK(sp_wio_read(TH_FIXTURES "/panel/provinces.gal", &W) == SP_OK);
    if (!W)
        return;
    CHECK(sp_weights_standardize(W, SP_STD_ROW) == SP_OK);
    for (int q = W->w->p[0]; q < W->w->p[1]; q++) /* row 0 sums to 1/2 */
        W->w->x[q] *= 0.5;
    sp_pops ops;
    CHECK(sp_pops_dense(W->w, &ops) == SP_OK);
    int n = W->n;
    double *one = malloc(n * sizeof *one), *x = malloc(n * sizeof *x), *w1 = malloc(n * sizeof *w1);
    for (int i = 0; i < n; i++)
        one[i] = 1.0;
    sp_csr_matvec(W->w, one, w1);
    double rhos[] = {-0.9, -0.3, 0.0, 0.4, 0.95};
    for (int k = 0; k < 5; k++) {
        double t[4], s0 = 0.0, s1 = 0.0;
        CHECK(ops.terms(ops.ctx, rhos[k], t) == SP_OK);
        CHECK(ops.solve(ops.ctx, rhos[k], one, x) == SP_OK);
        for (int i = 0; i < n; i++)
            s0 += x[i] / n;
        CHECK(ops.solve(ops.ctx, rhos[k], w1, x) == SP_OK);
        for (int i = 0; i < n; i++)
            s1 += x[i] / n;
        CHECK_REL(t[2], s0, 1e-12);
        CHECK_REL(t[3], s1, 1e-12);
    }
    free(one), free(x), free(w1);
    sp_pops_dense_free(&ops);
    sp_weights_free(W);
}

static void test_bad_input(void)
{
    mc m;
    CHECK(mc_open(&m) == 0);
    if (!m.W)
        return;
    long nt = (long)m.n * 2;
    double *y = calloc(nt, sizeof *y), *x = calloc(nt, sizeof *x);
    const char *xn[] = {"x"};
    sp_pdyn_opts o = {.model = SP_PM_SAR, .fe = SP_FE_UNIT, .lags = SP_PDYN_TAU,
                      .bias_correct = 1, .vcov = SP_VCOV_INFO};
    sp_pdyn_result *r = NULL;
    CHECK(sp_pdyn_fit(m.n, 2, y, "y", 1, x, xn, m.W->w, &m.ops, &o, &r) == SP_EDATA);
    CHECK(r == NULL);
    CHECK(strstr(sp_error_msg(), "at least three periods") != NULL);
    int lags;
    CHECK(sp_pdyn_parse("both", &lags) == SP_OK && lags == 3);
    CHECK(sp_pdyn_parse("lag", &lags) == SP_EUSAGE);
    free(y), free(x);
    mc_close(&m);
}

int main(void)
{
    RUN(test_monte_carlo_cities);
    RUN(test_longrun_total_closed_form);
    RUN(test_traces_eigen_vs_solves);
    RUN(test_terms_series);
    RUN(test_bad_input);
    return th_report("t_pdyn");
}
