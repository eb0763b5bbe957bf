/* sp_within: balanced spatial panels stacked period by period, their within
 * transformations, and the Lee-Yu bias corrections of fixed-effects ML.
 *
 * Layout: a variable of a panel with n units and t periods is one vector of
 * n*t values, period by period (Elhorst's order): v[s*n + i] is unit i in
 * period s, units in the order of the weights matrix W (n x n), which acts
 * on each period's block: (I_t (x) W) v.
 *
 * Fixed effects are concentrated out: the ML estimator of the model with
 * unit and/or period dummies equals ML on the within-transformed data, with
 * every spatial lag taken on the raw data first and transformed after,
 * (Wv)~ = Q (I_t (x) W) v, and the log-determinant T ln|I - rho W|
 * (docs/panel.md has the derivation and the conventions).
 *
 * Ownership: the functions write into arrays the caller provides; nothing is
 * allocated except where a function says so.  Errors follow sp_error.h. */
#ifndef SP_WITHIN_H
#define SP_WITHIN_H

#include "sp_csr.h"

typedef enum sp_fe {
    SP_FE_NONE,  /* pooled: no effects (an intercept is a regressor) */
    SP_FE_UNIT,  /* unit (spatial) fixed effects */
    SP_FE_TIME,  /* period fixed effects */
    SP_FE_TWOWAY /* both */
} sp_fe;

/* "none", "unit", "time", "twoway" (also "individual", "spatial", "both"). */
int sp_within_fe_parse(const char *name, sp_fe *out);
const char *sp_within_fe_name(sp_fe fe);

static inline int sp_fe_has_unit(sp_fe fe) { return fe == SP_FE_UNIT || fe == SP_FE_TWOWAY; }
static inline int sp_fe_has_time(sp_fe fe) { return fe == SP_FE_TIME || fe == SP_FE_TWOWAY; }

/* The within transformation Q in place: subtract each unit's mean over the
 * periods (unit), each period's mean over the units (time), or both and add
 * back the grand mean (twoway).  SP_FE_NONE leaves v alone. */
void sp_within(double *v, int n, int t, sp_fe fe);

/* out = (I_t (x) W) v: W applied to each period's block (out must not alias v). */
void sp_within_lag(const sp_csr *W, const double *v, int n, int t, double *out);

/* mean[i] = unit i's mean over the t periods. */
void sp_within_unit_means(const double *v, int n, int t, double *mean);

/* Lee-Yu bias correction of fixed-effects ML estimates. */
typedef enum sp_leeyu {
    SP_LY_NONE,    /* the ML estimates as they are */
    SP_LY_ELHORST, /* Elhorst's sar_panel_FE (bc = 1): unit sigma2 T/(T-1); time
                      sigma2 N/(N-1); twoway the full correction, then sigma2 T/(T-1) */
    SP_LY_LEEYU    /* Lee & Yu (2010) bias-corrected direct estimator: as ELHORST but
                      the full 1/N correction for time effects too */
} sp_leeyu;

int sp_leeyu_parse(const char *name, sp_leeyu *out);
const char *sp_leeyu_name(sp_leeyu conv);

/* Correct theta in place.  theta = (beta_1..beta_k, psi_1..psi_m, sigma2): k
 * coefficients, m spatial parameters (rho and/or lambda), sigma2 last; p = k +
 * m + 1.  info is the p x p information matrix (row-major, not divided by
 * n*t) at the ML estimates; it is needed only when the correction has a 1/N
 * part (twoway; time with SP_LY_LEEYU), else it may be NULL.  The 1/N part is
 *   theta += (info / (n t))^-1 a / n,  a = (0..0, 1/(1-psi_1)..1/(1-psi_m), 1/(2 sigma2)).
 * SP_ENUMERIC when info is singular or a spatial parameter is 1. */
int sp_leeyu_correct(sp_leeyu conv, sp_fe fe, int n, int t, int k, int m, const double *info,
                     double *theta);

/* 1 when conv changes the estimates of a model with effects fe. */
int sp_leeyu_applies(sp_leeyu conv, sp_fe fe);

#endif
