/* sp_within: balanced spatial panels stacked period by period, their within
 * transformations (the Lee-Yu corrections are in core/sp_leeyu.h).
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

#endif
