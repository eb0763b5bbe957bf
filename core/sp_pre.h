/* sp_pre: random-effects spatial lag panels (SAR; SDM when the caller passes
 * the WX columns among the regressors) by maximum likelihood.
 *
 * Model (Elhorst's sar_panel_RE; Baltagi): y_t = rho W y_t + X_t beta + mu +
 * e_t, mu ~ N(0, sigma2_mu I) independent of X, e ~ N(0, sigma2 I).  With
 * theta^2 = sigma2 / (T sigma2_mu + sigma2) and v* = v - (1 - theta) vbar_i
 * (vbar_i: unit i's mean over the periods), the log-likelihood is
 *   L = -NT/2 ln(2 pi sigma2) + N ln theta + T ln|I - rho W| - e'e / (2 sigma2),
 *   e = y* - rho (Wy)* - X* beta.
 * beta and sigma2 are concentrated out; (rho, theta) maximise the rest
 * (Brent in rho inside Brent in theta).  Covariance: the inverse of the
 * analytic observed information in (beta, rho, theta, sigma2).
 *
 * Data are stacked period by period (core/sp_within.h); wy = (I_T (x) W) y.
 * Time fixed effects are the caller's: transform y, wy and X by
 * sp_within(SP_FE_TIME) after lagging and pass no intercept.
 *
 * Ownership: the result belongs to the caller (sp_pre_result_free).  Errors
 * follow sp_error.h: collinear regressors or a failed optimisation are
 * SP_ENUMERIC. */
#ifndef SP_PRE_H
#define SP_PRE_H

/* ln|I - rho W| and tr((W (I - rho W)^-1)^2) for the n x n W, and the rho
 * interval to search. */
typedef struct sp_pre_lndet {
    double (*lndet)(void *ctx, double rho);
    double (*tr_g2)(void *ctx, double rho);
    void *ctx;
    double lo, hi;
} sp_pre_lndet;

typedef struct sp_pre_result {
    int k;
    char **names;     /* k coefficient names when built by sp_pfe_fit_re, else NULL */
    double *beta;     /* k coefficients */
    double rho, theta, sigma2, sigma2_mu, loglik;
    double *cov;      /* (k+3) x (k+3), row-major: beta_1..beta_k, rho, theta, sigma2 */
    double *resid;    /* n*t residuals e of the transformed model */
} sp_pre_result;

/* X: k columns of n*t values (column-major, X + j*n*t). */
int sp_pre_fit(int n, int t, int k, const double *y, const double *wy, const double *X,
               const sp_pre_lndet *L, sp_pre_result **out);
void sp_pre_result_free(sp_pre_result *r);

#endif
