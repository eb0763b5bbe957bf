/* sp_pdyn: dynamic spatial panels by quasi-maximum likelihood with fixed
 * effects (Yu, de Jong & Lee 2008; Lee & Yu 2010; Elhorst 2012, 2014):
 *   y_t = tau y_{t-1} + rho W y_t + eta W y_{t-1} + X_t beta + W X_t theta
 *         + mu + alpha_t + e_t,                        t = 2..T
 * (SAR, SDM; SEM, SDEM, SAC, SLX, OLS with the same lags, uncorrected for
 * the models with lambda).
 *
 * The estimator (docs/panel.md):
 *   - the quasi-ML estimator conditional on the first period, which is lost:
 *     exactly the static ML estimator (core/sp_pfe.h) on periods 2..T with
 *     y_{t-1} and W y_{t-1} as regressors (the "uncorrected" estimates);
 *   - the bias correction theta_bc = theta + Sigma^-1 (b1 / T' + b2 / n),
 *     Sigma the information matrix divided by n T' (T' = T - 1 periods used):
 *       b1 (unit effects, Yu, de Jong & Lee 2008): tr(J C)/n for tau,
 *         tr(J W C)/n for eta, 0 for beta and theta, [tau tr(J G C) + eta
 *         tr(J G W C) + tr(J G)]/n for rho, 1/(2 sigma2) for sigma2,
 *         with S = I - rho W, G = W S^-1, C = sum_h A^h S^-1 = ((1 - tau) I -
 *         (rho + eta) W)^-1, A = S^-1 (tau I + eta W), J = I (unit effects) or
 *         J = I - 11'/n with time effects too (Lee & Yu 2010, Econometric Theory:
 *         the direction the period effects remove does not enter);
 *       b2 (time effects, Lee & Yu 2010's direct approach): 1'G1/n for rho
 *         (1/(1 - rho) for a row-standardised W) and 1/(2 sigma2) for sigma2;
 *     the covariance is the inverse information at the corrected values;
 *   - stationarity (Elhorst 2012): the roots (tau + eta w) / (1 - rho w) over
 *     the eigenvalues w of W in [w_min, w_max] lie inside the unit circle; for a
 *     row-standardised W (w_max = 1) the binding condition is tau + rho + eta < 1.
 *
 * Effects (Debarsy, Ertur & LeSage 2012; Elhorst 2014): short run
 * (I - rho W)^-1 (beta I + theta W), long run ((1 - tau) I - (rho + eta) W)^-1
 * (beta I + theta W), by core/sp_peff.h with its simulated and delta-method
 * inference.
 *
 * Ownership: results belong to the caller (sp_pdyn_result_free,
 * sp_peff_free).  Errors follow sp_error.h: fewer than three periods is
 * SP_EDATA; a non-stationary estimate is SP_ENUMERIC naming the condition. */
#ifndef SP_PDYN_H
#define SP_PDYN_H

#include <stdint.h>

#include "sp_peff.h"
#include "sp_pfe.h"

/* Which lags of y: bits of `lags`. */
enum { SP_PDYN_TAU = 1, SP_PDYN_ETA = 2 };

/* "time" (y_{t-1}), "spacetime" (W y_{t-1}), "both". */
int sp_pdyn_parse(const char *name, int *lags);
const char *sp_pdyn_name(int lags);

/* The bias correction applied. */
typedef enum sp_pdyn_bc {
    SP_PDYN_BC_NONE,  /* uncorrected: asked for, no fixed effects, or not defined */
    SP_PDYN_BC_YDJL,  /* unit effects: Yu, de Jong & Lee (2008) */
    SP_PDYN_BC_LEEYU  /* time or two-way effects: Lee & Yu (2010) */
} sp_pdyn_bc;

const char *sp_pdyn_bc_name(sp_pdyn_bc bc);

typedef struct sp_pdyn_opts {
    sp_pmodel model;
    sp_fe fe;
    int lags;          /* SP_PDYN_TAU | SP_PDYN_ETA, not 0 */
    int bias_correct;  /* 1: the default */
    sp_vcov vcov;
} sp_pdyn_opts;

/* Stationarity at one parameter vector. */
typedef struct sp_pdyn_stab {
    double sum;       /* tau + rho + eta */
    double root;      /* max |(tau + eta w) / (1 - rho w)| over w = w_min, w_max */
    int stationary;   /* root < 1 and tau < 1 */
} sp_pdyn_stab;

typedef struct sp_pdyn_result {
    /* the fit on periods 2..T (fit->t = T - 1): theta corrected, theta_ml the
     * uncorrected quasi-ML estimates; coefficient names "Y(t-1)", "W*Y(t-1)",
     * then the regressors and their W*x; fit->model is the model asked for */
    sp_pfe_result *fit;
    int itau, ieta;          /* their indices in theta (-1 when absent) */
    sp_pdyn_bc bc;
    const char *bc_note;     /* why no correction, or NULL */
    sp_pdyn_stab stab, stab_ml; /* at theta and at theta_ml */
    double wmin, wmax;       /* the eigenvalue bounds used */
} sp_pdyn_result;

/* y: n*t raw values, X: k0 raw regressors (column-major, X + j*n*t), both
 * stacked period by period (core/sp_within.h); yname names y in the lag
 * coefficients' names; W the n x n weights of ops. */
int sp_pdyn_fit(int n, int t, const double *y, const char *yname, int k0, const double *X,
                const char *const *xnames, const sp_csr *W, const sp_pops *ops,
                const sp_pdyn_opts *o, sp_pdyn_result **out);
void sp_pdyn_result_free(sp_pdyn_result *r);

/* Period labels as time (docs/panel.md, "Gaps between periods"): when every
 * label is a number, the step is the smallest difference between consecutive
 * labels (ascending), and period s >= 1 follows a gap when it lies more than a
 * step after period s - 1: gap[s] = 1 (t entries, gap[0] = 0), its y_{t-1} is
 * not period s - 1's.  Returns 1 when the labels are numbers (*step set), 0
 * when not: their order is taken as consecutive periods (gap all 0). */
int sp_pdyn_gaps(int t, const char *const *periods, unsigned char *gap, double *step);

/* Unbalanced panels and a weights matrix per period (docs/panel.md).  The
 * estimation sample: unit i enters period s >= 2 when it is observed in s
 * and in s - 1 and period s does not follow a gap (gap from sp_pdyn_gaps, or
 * NULL: none).  The sample has *t2 periods, the periods 2..t that do not
 * follow a gap: *out (n * *t2, caller frees) marks it (index s2 * n + i) and
 * (*period_of)[s2] (caller frees) is the data's period of the sample's s2;
 * *dropped counts the unit-periods of periods 2..t left out because the
 * period before is missing (every unit of a period after a gap).  SP_EDATA
 * naming the period (periods[s]) when one that follows no gap has no unit
 * with its lag, or naming the unit (units[i]) when with unit effects (fe) a
 * unit has a single usable period. */
struct sp_punbal;
int sp_pdyn_present(int n, int t, const unsigned char *present, const unsigned char *gap,
                    const char *const *units, const char *const *periods, sp_fe fe,
                    unsigned char **out, int *t2, int **period_of, long *dropped);

/* The uncorrected quasi-ML fit of an unbalanced dynamic panel: exactly the
 * static unbalanced ML estimator (core/sp_punbal.h) on u2's observations
 * (the sample of sp_pdyn_present, W2 = its W_bd, ops on W2; u2's period s2
 * is u's period period_of[s2], its lag u's period period_of[s2] - 1)
 * with y_{t-1} and W_{t-1} y_{t-1} as regressors, where W_{t-1} y_{t-1} is
 * period t-1's own spatial lag (Wlag = u's W_bd, each period's W on all the
 * units observed then).  u: all observations, v: y then the k0 regressors
 * stacked over u's observations (u->nobs each).  No bias correction (the
 * result says so in bc_note); stationarity and effects as sp_pdyn_fit's. */
int sp_pdyn_fit_unbalanced(const struct sp_punbal *u, const double *v, const sp_csr *Wlag,
                           const struct sp_punbal *u2, const int *period_of, const sp_csr *W2,
                           const sp_pops *ops,
                           const char *yname, int k0, const char *const *xnames,
                           const sp_pdyn_opts *o, sp_pdyn_result **out);

/* Short-run (longrun = 0) or long-run effects of every regressor of X at the
 * reported estimates.  SP_EUSAGE for models without spillovers (ols, sem). */
int sp_pdyn_effects(const sp_pops *ops, const sp_pdyn_result *r, int longrun, int draws,
                    uint64_t seed, sp_peff **out);

/* The bias terms (b1 without the sigma2 entry) at (tau, rho, eta): out[0..4] =
 * tr(J C)/n, tr(J W C)/n, tr(J G C)/n, tr(J G W C)/n, tr(J G)/n, with J = I or,
 * when jn = 1, I - 11'/n; out[5] = 1'G1/n.  Exact, by n solves through ops. */
int sp_pdyn_traces(const sp_pops *ops, const sp_csr *W, double tau, double rho, double eta,
                   int jn, double out[6]);

#endif
