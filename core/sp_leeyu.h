/* sp_leeyu: the Lee-Yu bias corrections of fixed-effects ML estimates of a
 * spatial panel (docs/panel.md): sigma2 * T/(T-1) for unit effects, N/(N-1)
 * or the full 1/N correction for time effects, both for two-way effects.
 * Ownership: sp_leeyu_correct works in the caller's theta.  Errors follow
 * sp_error.h. */
#ifndef SP_LEEYU_H
#define SP_LEEYU_H

#include "sp_within.h"

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
