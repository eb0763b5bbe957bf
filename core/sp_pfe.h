/* sp_pfe: fixed-effects (and pooled) spatial panel models by maximum
 * likelihood: OLS, SLX, SAR, SDM, SEM, SDEM, SAC with no, unit, time or
 * two-way effects; the residual terms of the panel LM tests (the tests
 * themselves, Wald and Hausman are in core/sp_ptest.h).
 *
 * The estimator is the ML estimator of the model with unit and/or period
 * dummies, the dummies concentrated out (docs/panel.md):
 *   - every spatial lag is taken on the raw data, then within-transformed:
 *     y~ = Q y, (Wy)~ = Q (I_T (x) W) y, X~, (WX)~, (WWy)~;
 *   - SAC residuals e = y~ - (rho + lambda)(Wy)~ + rho lambda (WWy)~
 *     - (X~ - lambda (WX)~) beta (SAR: lambda = 0; SEM: rho = 0);
 *   - log-likelihood -NT/2 ln(2 pi sigma2) + T ln|I - rho W| + T ln|I - lambda W|
 *     - e'e / (2 sigma2), with sigma2 = e'e / NT at the maximum;
 *   - beta and sigma2 are concentrated out; rho and/or lambda by Brent's
 *     method (nested for SAC) on cross-products computed once; on an
 *     approximate log-determinant with an exact one at hand (sp_pops
 *     lndet_exact), the approximate optimum is polished: the exact-minus-
 *     approximate difference, evaluated at the optimum and next to it, is
 *     interpolated (up to a quadratic through the three latest points) and
 *     the corrected likelihood maximised again, until the optimum stops
 *     moving (1e-6): usually three exact log-determinants instead of a
 *     whole search of them (an exact search when it does not settle);
 *   - covariance (sp_vcov): the inverse of the analytic information matrix of
 *     the dummy model with the dummies partialled out (spatialreg's
 *     asymptotic covariance on the same problem), T times the n x n trace
 *     terms; or the inverse of the observed information, minus the Hessian
 *     of the log-likelihood, analytic in (beta, rho, lambda, sigma2) from the
 *     cross-products except d^2 ln|I - rho W| / d rho^2, which sp_pops
 *     supplies (exact, or differenced numerically on exact log-determinants):
 *     spatialreg's fdHess covariance for large n, without its
 *     finite-difference error in the beta block;
 *   - Lee-Yu correction (core/sp_within.h) on top, the covariance evaluated
 *     again at the corrected values; the ML values stay available.
 * Data are stacked period by period (core/sp_within.h).  Durbin models (SDM,
 * SDEM, SLX) add W x for every regressor x (the intercept of a pooled model
 * is not lagged).
 *
 * The n x n spatial work (log-determinants, solves, traces) goes through
 * sp_pops, so the estimator never forms anything NT x NT; sp_pops_dense()
 * provides it for small and moderate n (eigenvalues and a dense inverse).
 *
 * Ownership: results belong to the caller (sp_pfe_result_free).  Errors
 * follow sp_error.h: a regressor with no variation left after the
 * transformation is SP_EDATA naming it; collinearity, a singular information
 * matrix or an optimum on the boundary of the parameter space is SP_ENUMERIC. */
#ifndef SP_PFE_H
#define SP_PFE_H

#include "sp_csr.h"
#include "sp_pmodel.h"
#include "sp_pops.h"
#include "sp_ptest.h"
#include "sp_leeyu.h"
#include "sp_within.h"

/* Covariance: SP_VCOV_INFO falls back to the Hessian (and says so in
 * sp_pfe_result.vcov) when the information matrix is singular. */
typedef enum sp_vcov { SP_VCOV_INFO, SP_VCOV_HESSIAN } sp_vcov;

/* "info" or "hessian". */
const char *sp_pfe_vcov_name(sp_vcov v);

/* sigma^2 behind the standard errors of a model without spatial parameters
 * (OLS, SLX) and without fixed effects: the ML e'e/NT (spatialreg's
 * convention, the C default) or e'e/(NT - k) (R lm, Stata regress, spreg:
 * the CLI default).  The log-likelihood is the ML one either way. */
typedef enum sp_sigma { SP_SIGMA_ML, SP_SIGMA_DF } sp_sigma;

/* "ml" or "df". */
const char *sp_pfe_sigma_name(sp_sigma s);
struct sp_pfe_result;

/* A bias correction in place of Lee-Yu's (the dynamic panels' of
 * core/sp_pdyn.h): called with the p x p information matrix at the ML
 * estimates (row-major, not divided by n*t) and theta = the ML estimates,
 * which it corrects in place; returns an sp_error.h status. */
typedef int (*sp_pfe_correct_fn)(void *ctx, const struct sp_pfe_result *r, const double *info,
                                 double *theta);

typedef struct sp_pfe_opts {
    sp_pmodel model;
    sp_fe fe;
    sp_leeyu leeyu; /* SP_LY_ELHORST is the CLI default */
    sp_vcov vcov;
    sp_sigma sigma; /* applies to OLS and SLX without fixed effects */
    sp_pfe_correct_fn correct; /* NULL: Lee-Yu per leeyu; else this one (leeyu ignored) */
    void *correct_ctx;
    /* The within transformation of one column of n*t values in place, in place
     * of sp_within (unbalanced panels, core/sp_punbal.h), or NULL. */
    void (*within)(void *ctx, double *v);
    void *within_ctx;
    /* 1: the analytic information's mean term of the rho row is G X~b as it
     * is (Elhorst's sar_panel_FE), not its projection Q G X~b (0, the
     * information of the likelihood with the dummies concentrated out): the
     * two differ by O(1/N) with period effects, moving the two-way Lee-Yu
     * estimates and the standard errors; the same with unit effects. */
    int info_mean_unprojected;
} sp_pfe_opts;

typedef struct sp_pfe_result {
    sp_pmodel model;
    sp_fe fe;
    sp_leeyu leeyu;   /* the correction applied (SP_LY_NONE when none applies) */
    int corrected;    /* 1: theta differs from theta_ml (Lee-Yu or opts.correct) */
    sp_vcov vcov;     /* the covariance used (the Hessian after a fallback) */
    int vcov_fallback;/* 1: the information matrix was singular */
    int sigma_df;     /* 1: theta's sigma2 (and cov) use e'e/(NT - k) (SP_SIGMA_DF) */
    int lndet_approx; /* 1: the estimates rest on an approximate log-determinant */
    /* ... and then, for rho and lambda (those the model has), the approximate
     * and the exact ln|I - x W| at the estimate x (exact NAN when unknown) */
    double lndet_at[2], lndet_exact_at[2];
    /* d2 ln|I - x W| / dx2 at the polished estimate from the polish's exact
     * points (NAN when the estimate was not polished) */
    double lndet_d2_at[2];
    int n, t, k, m, p; /* units, periods, coefficients, spatial parameters, k + m + 1 */
    char **names;     /* k coefficient names: "const", "x", "W*x" */
    int has_rho, has_lambda;
    /* parameter vectors (beta_1..k, [rho], [lambda], sigma2) and p x p covariances */
    double *theta, *cov;       /* reported: corrected when a correction applies */
    double *theta_ml, *cov_ml; /* the ML estimates and the covariance there */
    double loglik;             /* at the ML estimates */
    double r2, corr2;          /* Elhorst's R^2 and squared correlation (docs/panel.md) */
    double *resid;             /* n*t transformed residuals at the ML estimates */
} sp_pfe_result;

/* y: n*t raw values; X: k0 raw regressors (column-major, X + j*n*t) named
 * xnames; W: the n x n weights (already standardised). */
int sp_pfe_fit(int n, int t, const double *y, int k0, const double *X,
               const char *const *xnames, const sp_csr *W, const sp_pops *ops,
               const sp_pfe_opts *o, sp_pfe_result **out);
void sp_pfe_result_free(sp_pfe_result *r);

/* Index of rho / lambda / sigma2 in theta (-1 when absent). */
static inline int sp_pfe_irho(const sp_pfe_result *r) { return r->has_rho ? r->k : -1; }
static inline int sp_pfe_ilambda(const sp_pfe_result *r) { return r->has_lambda ? r->k + r->has_rho : -1; }

struct sp_pre_result;

/* Random-effects SAR or SDM (core/sp_pre.h) on the same design: an intercept
 * with fe SP_FE_NONE, period effects removed (lag, then transform) with
 * SP_FE_TIME; other fe are a usage error.  The result carries the names. */
int sp_pfe_fit_re(int n, int t, const double *y, int k0, const double *X,
                  const char *const *xnames, const sp_csr *W, const sp_pops *ops,
                  sp_pmodel model, sp_fe fe, struct sp_pre_result **out);

/* LM tests on the residuals of the non-spatial model with the same effects
 * (Anselin, Le Gallo & Jayet 2008; Elhorst 2010), as spdep's lm.LMtests on the
 * dummy regression with the block-diagonal W: lag, error, robust lag, robust
 * error (in that order in out[4]). */
int sp_pfe_lmtests(int n, int t, const double *y, int k0, const double *X, const sp_csr *W,
                   sp_fe fe, sp_ptest out[4]);

#endif
