/* sp_ptest: the tests and information criteria of the ML estimators, used by
 * the estimators (core/sp_pfe.h, core/sp_pre.h, core/sp_peff.h) and by every
 * printer (io/ computes no statistic):
 *   - chi-squared tests (statistic, df, upper-tail p) and the LR test;
 *   - Anselin's LM lag, LM error and their robust forms, from the residual
 *     terms sp_pfe_lmtests computes;
 *   - the SDM's Wald tests and the Hausman test of fixed against random effects;
 *   - z statistics with two-sided normal p-values; AIC and BIC;
 *   - the model-choice summary (Elhorst 2010, 2014) built on them.
 * docs/panel.md has the formulas.  Ownership: results go into the caller's
 * structs; nothing is kept.  Errors follow sp_error.h (a singular covariance
 * is SP_ENUMERIC). */
#ifndef SP_PTEST_H
#define SP_PTEST_H

#include <stddef.h>

/* A chi-squared test: statistic, degrees of freedom, p-value (upper tail). */
typedef struct sp_ptest {
    double stat;
    int df;
    double p;
} sp_ptest;

/* An estimate with its standard error, z = est / se and two-sided normal p. */
typedef struct sp_ptest_stat {
    double est, se, z, p;
} sp_ptest_stat;

/* Upper tail of the chi-squared distribution at |stat| (NAN when df < 1 or
 * stat is not finite). */
double sp_ptest_pchisq(double stat, int df);
/* t = (stat, df, sp_ptest_pchisq(stat, df)). */
void sp_ptest_chisq(sp_ptest *t, double stat, int df);
/* The LR test 2 (ll_big - ll_small) on df restrictions. */
void sp_ptest_lr(sp_ptest *t, double ll_big, double ll_small, int df);

/* est with variance var: se = sqrt(var) (NAN when var < 0 or NAN), z, p. */
sp_ptest_stat sp_ptest_z(double est, double var);
/* The same with the two-sided p-value of Student's t with df degrees of
 * freedom (R lm's Pr(>|t|)); z holds the t statistic. */
sp_ptest_stat sp_ptest_t(double est, double var, long df);
/* Two-sided normal p-value 2 (1 - Phi(|z|)), through GSL.  sp_autocorr_p2
 * computes the same through erfc for the autocorrelation statistics; the two
 * differ in the last bits (at most 2.5e-14 relative) and are kept apart so
 * that every printed value stays what it was (issue 11). */
double sp_ptest_pnorm2(double z);

/* AIC = -2 ll + 2 k; BIC = -2 ll + k ln(n). */
double sp_ptest_aic(double loglik, int npar);
double sp_ptest_bic(double loglik, int npar, long nobs);

/* LM tests from the residual terms of the non-spatial model (Anselin 1988;
 * Anselin, Le Gallo & Jayet 2008): ewy = e'(W y)/s2, ewe = e'(W e)/s2,
 * tw = T tr(W'W + W W), J = (W X b)' M (W X b)/s2 + tw.  out: lag, error,
 * robust lag, robust error. */
void sp_ptest_lm(double ewy, double ewe, double tw, double J, sp_ptest out[4]);

/* The model-choice summary (Elhorst 2010, 2014) into buf: the robust LM
 * tests (lm as sp_ptest_lm orders them) point to a lag or an error model;
 * for an SDM (wald_x and wald_cf not NULL) the Wald tests say whether it
 * reduces to SAR (theta = 0) or SEM (theta + rho beta = 0).  5 % level. */
void sp_ptest_choice(const sp_ptest lm[4], const sp_ptest *wald_x, const sp_ptest *wald_cf,
                     char *buf, size_t size);

struct sp_pfe_result;
struct sp_pre_result;

/* Wald tests of an SDM (or SDEM): theta = 0 (against SAR / SEM... the
 * non-Durbin model) and theta + rho beta = 0 (SDM against SEM), on the
 * reported estimates and covariance; (NAN, 0, NAN) for a model without W X. */
int sp_ptest_wald_sdm(const struct sp_pfe_result *r, sp_ptest *no_lag_x,
                      sp_ptest *common_factor);

/* Hausman test of fixed against random effects over the slope coefficients
 * and rho (Elhorst's demos): d' (V_fe - V_re)^-1 d, df = their number; the
 * p-value uses |stat| (V_fe - V_re need not be positive definite, then the
 * statistic can be negative; *definite says whether it was). */
int sp_ptest_hausman(const struct sp_pfe_result *fe, const struct sp_pre_result *re,
                     sp_ptest *out, int *definite);

#endif
