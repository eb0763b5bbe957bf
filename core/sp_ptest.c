/* sp_ptest: tests and information criteria of the ML estimators (chi-squared, LR, LM, Wald, Hausman, z, AIC/BIC, model choice). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>

#include "sp_dense.h"
#include "sp_error.h"
#include "sp_pfe.h"
#include "sp_pre.h"
#include "sp_ptest.h"

/* ---- distributions and simple tests ---- */

double sp_ptest_pchisq(double stat, int df)
{
    return df > 0 && isfinite(stat) ? gsl_cdf_chisq_Q(fabs(stat), df) : NAN;
}

void sp_ptest_chisq(sp_ptest *t, double stat, int df)
{
    t->stat = stat;
    t->df = df;
    t->p = sp_ptest_pchisq(stat, df);
}

void sp_ptest_lr(sp_ptest *t, double ll_big, double ll_small, int df)
{
    sp_ptest_chisq(t, 2.0 * (ll_big - ll_small), df);
}

sp_ptest_stat sp_ptest_z(double est, double var)
{
    sp_ptest_stat e = {est, var >= 0.0 ? sqrt(var) : NAN, NAN, NAN};
    e.z = est / e.se;
    e.p = sp_ptest_pnorm2(e.z);
    return e;
}

sp_ptest_stat sp_ptest_t(double est, double var, long df)
{
    sp_ptest_stat e = sp_ptest_z(est, var);
    e.p = df > 0 && isfinite(e.z) ? 2.0 * gsl_cdf_tdist_Q(fabs(e.z), (double)df) : NAN;
    return e;
}

double sp_ptest_pnorm2(double z)
{
    return 2.0 * gsl_cdf_ugaussian_Q(fabs(z));
}

double sp_ptest_aic(double loglik, int npar) { return -2.0 * loglik + 2.0 * npar; }

double sp_ptest_bic(double loglik, int npar, long nobs)
{
    return -2.0 * loglik + log((double)nobs) * npar;
}

/* ---- LM tests ---- */

void sp_ptest_lm(double ewy, double ewe, double tw, double J, sp_ptest out[4])
{
    sp_ptest_chisq(&out[0], ewy * ewy / J, 1);
    sp_ptest_chisq(&out[1], ewe * ewe / tw, 1);
    sp_ptest_chisq(&out[2], (ewy - ewe) * (ewy - ewe) / (J - tw), 1);
    double r = ewe - tw / J * ewy;
    sp_ptest_chisq(&out[3], r * r / (tw * (1.0 - tw / J)), 1);
}

/* ---- Wald tests ---- */

/* g' (J V J')^-1 g for q restrictions g with Jacobian J (q x p). */
static int wald(const sp_pfe_result *r, int q, const double *g, const double *J, sp_ptest *out)
{
    int p = r->p;
    double *jv = sp_calloc((size_t)q * p, sizeof *jv), *m = sp_calloc((size_t)q * q, sizeof *m);
    int rc = jv && m ? SP_OK : SP_ENOMEM;
    for (int a = 0; !rc && a < q; a++)
        for (int b = 0; b < p; b++)
            for (int c = 0; c < p; c++)
                jv[a * p + b] += J[a * p + c] * r->cov[c * p + b];
    for (int a = 0; !rc && a < q; a++)
        for (int b = 0; b < q; b++)
            for (int c = 0; c < p; c++)
                m[a * q + b] += jv[a * p + c] * J[b * p + c];
    if (!rc)
        rc = sp_dense_invert(m, q, "Wald test");
    double w = 0.0;
    for (int a = 0; !rc && a < q; a++)
        for (int b = 0; b < q; b++)
            w += g[a] * m[a * q + b] * g[b];
    if (!rc)
        sp_ptest_chisq(out, w, q);
    free(jv), free(m);
    return rc;
}

int sp_ptest_wald_sdm(const sp_pfe_result *r, sp_ptest *no_lag_x, sp_ptest *common_factor)
{
    int pooled = r->fe == SP_FE_NONE, p = r->p;
    int k0 = (r->k - pooled) / 2;
    sp_ptest_chisq(no_lag_x, NAN, 0);
    sp_ptest_chisq(common_factor, NAN, 0);
    if (!sp_pmodel_durbin(r->model) || k0 < 1)
        return SP_OK;
    double *g = sp_malloc((size_t)k0 * sizeof *g), *J = sp_calloc((size_t)k0 * p, sizeof *J);
    int rc = g && J ? SP_OK : SP_ENOMEM;
    for (int j = 0; !rc && j < k0; j++) { /* theta_j = 0 */
        int it = pooled + k0 + j;
        g[j] = r->theta[it];
        J[j * p + it] = 1.0;
    }
    if (!rc)
        rc = wald(r, k0, g, J, no_lag_x);
    if (!rc && r->model == SP_PM_SDM) { /* theta_j + rho beta_j = 0 */
        int ir = sp_pfe_irho(r);
        double rho = r->theta[ir];
        memset(J, 0, (size_t)k0 * p * sizeof *J);
        for (int j = 0; j < k0; j++) {
            int ib = pooled + j, it = pooled + k0 + j;
            g[j] = r->theta[it] + rho * r->theta[ib];
            J[j * p + ib] = rho;
            J[j * p + it] = 1.0;
            J[j * p + ir] = r->theta[ib];
        }
        rc = wald(r, k0, g, J, common_factor);
    }
    free(g), free(J);
    return rc;
}

/* ---- model choice ---- */

/* Elhorst's reading of the tests: LM first, then the SDM's Wald tests. */
void sp_ptest_choice(const sp_ptest lm[4], const sp_ptest *wald_x, const sp_ptest *wald_cf,
                     char *buf, size_t size)
{
    int lag = lm[2].p < 0.05, err = lm[3].p < 0.05;
    const char *lm_says = lag && err ? "both robust LM tests reject: a model with both "
                                       "spatial terms (SDM) is needed"
                          : lag ? "robust LM tests favour the lag model (SAR)"
                          : err ? "robust LM tests favour the error model (SEM)"
                                : "neither robust LM test rejects (OLS or SLX may do)";
    if (!wald_x || !wald_cf) {
        snprintf(buf, size, "%s", lm_says);
        return;
    }
    int not_sar = wald_x->p < 0.05, not_sem = wald_cf->p < 0.05;
    const char *verdict = not_sar && not_sem ? "the SDM reduces neither to SAR nor to SEM: "
                                               "report the SDM"
                          : !not_sar && lag && !err ? "the SDM reduces to SAR (theta = 0 not "
                                                       "rejected), in line with the LM tests"
                          : !not_sem && err && !lag ? "the SDM reduces to SEM (common factor not "
                                                       "rejected), in line with the LM tests"
                          : "the tests disagree: keep the SDM (it nests both)";
    snprintf(buf, size, "%s; Wald: %s", lm_says, verdict);
}

/* ---- Hausman ---- */

int sp_ptest_hausman(const sp_pfe_result *fe, const sp_pre_result *re, sp_ptest *out,
                   int *definite)
{
    /* common parameters: FE coefficients found by name in RE, then rho */
    int q = 0, pf = fe->p, pr = re->k + 3;
    int *iff = sp_malloc((size_t)(fe->k + 1) * sizeof *iff);
    int *irr = sp_malloc((size_t)(fe->k + 1) * sizeof *irr);
    int rc = iff && irr ? SP_OK : SP_ENOMEM;
    for (int j = 0; !rc && j < fe->k; j++)
        for (int l = 0; l < re->k; l++)
            if (re->names && strcmp(fe->names[j], re->names[l]) == 0 &&
                strcmp(fe->names[j], "const") != 0) {
                iff[q] = j, irr[q] = l, q++;
                break;
            }
    if (!rc && (!fe->has_rho || fe->has_lambda))
        rc = sp_error_set(SP_EUSAGE, "the Hausman test compares sar or sdm models");
    double *d = NULL, *v = NULL;
    if (!rc) {
        iff[q] = sp_pfe_irho(fe), irr[q] = re->k, q++;
        d = sp_malloc((size_t)q * sizeof *d);
        v = sp_malloc((size_t)q * q * sizeof *v);
        rc = d && v ? SP_OK : SP_ENOMEM;
    }
    for (int a = 0; !rc && a < q; a++) {
        d[a] = fe->theta[iff[a]] - (irr[a] < re->k ? re->beta[irr[a]] : re->rho);
        for (int b = 0; b < q; b++)
            v[a * q + b] = fe->cov[iff[a] * pf + iff[b]] - re->cov[irr[a] * pr + irr[b]];
    }
    if (!rc) {
        /* positive definite? (Cholesky of a copy) */
        double *c = sp_malloc((size_t)q * q * sizeof *c);
        if (!c)
            rc = SP_ENOMEM;
        else {
            memcpy(c, v, (size_t)q * q * sizeof *c);
            gsl_matrix_view C = gsl_matrix_view_array(c, (size_t)q, (size_t)q);
            *definite = gsl_linalg_cholesky_decomp1(&C.matrix) == 0;
            free(c);
        }
    }
    if (!rc)
        rc = sp_dense_invert(v, q, "Hausman test");
    if (!rc) {
        double h = 0.0;
        for (int a = 0; a < q; a++)
            for (int b = 0; b < q; b++)
                h += d[a] * v[a * q + b] * d[b];
        sp_ptest_chisq(out, h, q);
    }
    free(iff), free(irr), free(d), free(v);
    return rc;
}
