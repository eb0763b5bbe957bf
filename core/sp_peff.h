/* sp_peff: direct, indirect and total effects (LeSage & Pace 2009) of a
 * fitted spatial panel model, with simulated and delta-method inference.
 *
 * For regressor r with coefficient beta_r and, in Durbin models, theta_r on
 * W x_r, S_r(W) = (I - rho W)^-1 (beta_r I + theta_r W) (rho = 0 without a
 * spatial lag of y):
 *   direct_r   = tr(S_r) / n = beta_r t0 + theta_r t1,
 *   total_r    = 1' S_r 1 / n = beta_r s0 + theta_r s1,
 *   indirect_r = total_r - direct_r,
 * with t0 = tr(A^-1)/n, t1 = tr(A^-1 W)/n, s0 = 1'A^-1 1/n, s1 = 1'A^-1 W 1/n
 * (for a row-standardised W without islands s0 = s1 = 1/(1 - rho)).  With
 * panels the n x n W of one period is enough: tr((I_T (x) W)^k)/(nT) =
 * tr(W^k)/n.
 *
 * Estimates are the plug-in values at the estimates.  Simulated inference
 * (LeSage's and spatialreg's): `draws` vectors from N(estimates, covariance)
 * of (beta, theta, rho), draws with rho outside the search interval
 * discarded and replaced; se = standard deviation of the draws' effects,
 * mean and 2.5 / 97.5 % quantiles reported too.  Delta method: the gradient
 * of each effect in (beta_r, theta_r, rho) (the rho derivative by central
 * differences of the exact terms) with the same covariance.  Draw d uses the
 * random stream (seed, d, 0): results do not depend on threads.
 *
 * Ownership: the result belongs to the caller (sp_peff_free). */
#ifndef SP_PEFFECTS_H
#define SP_PEFFECTS_H

#include <stdint.h>

#include "sp_pfe.h"

typedef struct sp_peff_stat {
    double est, se, z, p; /* se: simulated when draws > 0, else the delta method */
    double se_delta;
    double mean, lo, hi;  /* of the draws (NaN without draws) */
    double se_trace;      /* est's error from stochastic traces (ops->terms_probes): the
                             standard deviation of the probes' own values over the square
                             root of their number; 0 with exact terms */
} sp_peff_stat;

typedef struct sp_peff_row {
    const char *name;                       /* points into the caller's names */
    sp_peff_stat direct, indirect, total;
} sp_peff_row;

typedef struct sp_peff {
    int nvar;
    sp_peff_row *rows;
    int draws, discarded; /* draws used; draws replaced because rho left the interval */
} sp_peff;

/* What to compute: regressor r has beta at theta[ib[r]], theta at theta[it[r]]
 * (-1 without), rho at theta[irho] (-1 without a spatial lag of y); cov is
 * p x p (row-major) over the same vector. */
typedef struct sp_peff_spec {
    int nvar;
    const int *ib, *it;
    const char *const *names;
    int irho, p;
    /* Long-run effects of a dynamic panel (core/sp_pdyn.h): with longrun = 1,
     * tau at theta[itau] (y_{t-1}) and eta at theta[ieta] (W y_{t-1}), each -1
     * when absent, the multiplier is ((1 - tau) I - (rho + eta) W)^-1 (beta I +
     * theta W) = S_r(W) at rho* = (rho + eta)/(1 - tau), beta and theta divided
     * by 1 - tau; draws with rho* outside the interval or tau >= 1 (not
     * stationary) are discarded and replaced like those with rho outside. */
    int longrun, itau, ieta;
    const double *theta, *cov;
    int draws;
    uint64_t seed;
} sp_peff_spec;

int sp_peff_compute(const sp_pops *ops, const sp_peff_spec *s, sp_peff **out);
void sp_peff_free(sp_peff *e);

/* The spec for a fixed-effects fit (every non-intercept regressor that is
 * not itself a W*x column).  ib, it need r->k places.  SP_EUSAGE for models
 * without spillovers (ols, sem). */
int sp_peff_spec_fe(const sp_pfe_result *r, int *ib, int *it, const char **names,
                    sp_peff_spec *s);

#endif
