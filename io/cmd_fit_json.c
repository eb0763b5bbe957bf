/* spill fit --json: the fit as one JSON object (docs/cli-contract.md has the keys). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_fit.h"
#include "sp_cli.h"
#include "sp_error.h"
#include "sp_gapio.h"
#include "sp_pops_sparse.h"
#include "sp_wper.h"

static json_t *stat_json(sp_ptest_stat e)
{
    return json_pack("{s:o, s:o, s:o, s:o}", "est", sp_json_real(e.est), "se", sp_json_real(e.se),
                     "z", sp_json_real(e.z), "p", sp_json_real(e.p));
}

static json_t *test_json(const sp_ptest *t)
{
    return json_pack("{s:o, s:i, s:o}", "stat", sp_json_real(t->stat), "df", t->df, "p",
                     sp_json_real(t->p));
}

/* rho / lambda / sigma2 / coefficients of one parameter vector into obj;
 * with dyn (a dynamic fit), tau and eta beside rho, not among the coefficients. */
static void params_json(json_t *obj, const sp_pfe_result *r, const double *theta,
                        const double *cov, const sp_pdyn_result *dyn)
{
    int itau = dyn ? dyn->itau : -1, ieta = dyn ? dyn->ieta : -1;
    if (itau >= 0)
        json_object_set_new(obj, "tau", stat_json(sp_cmd_fit_stat(r, theta, cov, itau)));
    if (ieta >= 0)
        json_object_set_new(obj, "eta", stat_json(sp_cmd_fit_stat(r, theta, cov, ieta)));
    if (r->has_rho)
        json_object_set_new(obj, "rho", stat_json(sp_cmd_fit_stat(r, theta, cov, sp_pfe_irho(r))));
    if (r->has_lambda)
        json_object_set_new(obj, "lambda", stat_json(sp_cmd_fit_stat(r, theta, cov, sp_pfe_ilambda(r))));
    json_object_set_new(obj, "sigma2", sp_json_real(theta[r->p - 1]));
    json_t *coefs = json_array();
    for (int j = 0; j < r->k; j++) {
        if (j == itau || j == ieta)
            continue;
        json_t *c = json_pack("{s:s}", "name", r->names[j]);
        json_object_update_new(c, stat_json(sp_cmd_fit_stat(r, theta, cov, j)));
        json_array_append_new(coefs, c);
    }
    json_object_set_new(obj, "coefficients", coefs);
}

static json_t *peff_stat_json(const sp_peff_stat *s)
{
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o}", "est", sp_json_real(s->est), "se",
                          sp_json_real(s->se), "z", sp_json_real(s->z), "p", sp_json_real(s->p),
                          "se_delta", sp_json_real(s->se_delta));
    json_object_set_new(o, "se_trace", sp_json_real(s->se_trace));
    if (isfinite(s->mean)) {
        json_object_set_new(o, "mean", sp_json_real(s->mean));
        json_object_set_new(o, "ci95", json_pack("[o, o]", sp_json_real(s->lo),
                                                 sp_json_real(s->hi)));
    }
    return o;
}

static json_t *effects_json(const sp_peff *e)
{
    json_t *list = json_array();
    for (int v = 0; v < e->nvar; v++)
        json_array_append_new(
            list, json_pack("{s:s, s:o, s:o, s:o}", "name", e->rows[v].name, "direct",
                            peff_stat_json(&e->rows[v].direct), "indirect",
                            peff_stat_json(&e->rows[v].indirect), "total",
                            peff_stat_json(&e->rows[v].total)));
    return list;
}

static json_t *lm_json(const sp_ptest lm[4])
{
    return json_pack("{s:o, s:o, s:o, s:o}", "lm_lag", test_json(&lm[0]), "lm_error",
                     test_json(&lm[1]), "robust_lm_lag", test_json(&lm[2]), "robust_lm_error",
                     test_json(&lm[3]));
}

/* The stated error of an approximate log-determinant at the estimates: the
 * exact value there (from the factorisation the solves use) and, for the
 * Monte Carlo series, its truncation bound. */
static json_t *lndet_error_json(const fp_run *R, const sp_pfe_result *r)
{
    json_t *list = json_array();
    for (int a = 0; a < 2; a++) {
        if (!(a ? r->has_lambda : r->has_rho))
            continue;
        double at = r->theta_ml[a ? sp_pfe_ilambda(r) : sp_pfe_irho(r)];
        json_array_append_new(list, json_pack(
            "{s:s, s:o, s:o, s:o, s:o, s:o}", "parameter", a ? "lambda" : "rho", "at",
            sp_json_real(at), "approximate", sp_json_real(r->lndet_at[a]), "exact",
            sp_json_real(r->lndet_exact_at[a]), "difference",
            sp_json_real(r->lndet_at[a] - r->lndet_exact_at[a]), "truncation_bound",
            sp_json_real(sp_pops_sparse_lndet_bound(&R->ops, at))));
    }
    return list;
}

static json_t *stab_json(const sp_pdyn_stab *s)
{
    return json_pack("{s:o, s:o, s:b}", "tau_rho_eta", sp_json_real(s->sum), "max_root",
                     sp_json_real(s->root), "stationary", s->stationary);
}

/* How y(t-1) finds period t - 1 (docs/panel.md, "Gaps between periods"):
 * `period_order`, a sentence, and `period_gaps`, the periods after a gap
 * (their unit-periods are in dropped_no_lag). */
static void period_order_json(json_t *o, const fp_run *R)
{
    sp_gapio g = {.mode = R->o->consecutive ? SP_GAPIO_CONSECUTIVE : SP_GAPIO_SKIP,
                  .t = R->D->t, .numeric = R->periods_numeric, .ngaps = R->n_gaps,
                  .step = R->period_step, .gap = R->gap,
                  .periods = (const char *const *)R->D->periods};
    sp_gapio_json(&g, "y(t-1)", o);
}

/* The dynamic panel's keys (sp_pdyn.h): periods used, the bias correction,
 * the uncorrected estimates, stationarity at both. */
static void dynamic_json(json_t *o, const fp_run *R, const sp_pdyn_result *dyn)
{
    const sp_pfe_result *r = R->fit;
    const sp_pdata *D = R->D;
    json_object_set_new(o, "dynamic", json_string(sp_pdyn_name(R->o->dynamic)));
    json_object_set_new(o, "t_data", json_integer(D->t));
    json_object_set_new(o, "periods_used", json_pack("[s, s]", D->periods[1],
                                                     D->periods[D->t - 1]));
    char note[640];
    snprintf(note, sizeof note, "the first period (%s %s) is lost: it enters only as y(t-1)",
             R->o->timef, D->periods[0]);
    json_object_set_new(o, "first_period_lost", json_string(note));
    if (R->unb_lag) /* unbalanced or a W per period: unit-periods without their lag */
        json_object_set_new(o, "dropped_no_lag", json_integer(R->dyn_dropped));
    period_order_json(o, R);
    json_object_set_new(o, "bias_correction",
                        json_pack("{s:b, s:s, s:o}", "applied", dyn->bc != SP_PDYN_BC_NONE,
                                  "method", sp_pdyn_bc_name(dyn->bc), "note",
                                  dyn->bc_note ? json_string(dyn->bc_note) : json_null()));
    json_t *u = json_object();
    params_json(u, r, r->theta_ml, r->cov_ml, dyn);
    json_object_set_new(u, "stationarity", stab_json(&dyn->stab_ml));
    json_object_set_new(o, "uncorrected", u);
    json_t *st = stab_json(&dyn->stab);
    json_object_set_new(st, "eigenvalue_range", json_pack("[o, o]", sp_json_real(dyn->wmin),
                                                          sp_json_real(dyn->wmax)));
    json_object_set_new(o, "stationarity", st);
    json_object_set_new(o, "tests", json_object());
}

/* --unbalanced: units, periods and observations, what is missing and each
 * period's W_t (core/sp_punbal.h). */
static void unbalanced_json(json_t *o, const fp_run *R)
{
    const sp_pdata *D = R->D;
    const sp_punbal *u = R->unb;
    const int *pmap = R->unb_lag ? R->dyn_period : NULL; /* a dynamic panel's sample */
    json_object_set_new(o, "n", json_integer(D->n));
    json_object_set_new(o, "t", json_integer(u->t));
    json_object_set_new(o, "nobs", json_integer(u->nobs));
    json_t *per = json_array();
    for (int s = 0; s < u->t; s++) {
        int without = 0;
        for (int ob = u->start[s]; ob < u->start[s + 1]; ob++)
            without += R->wbd->p[ob + 1] == R->wbd->p[ob];
        json_array_append_new(per, json_pack("{s:s, s:i, s:i}", "period", D->periods[pmap ? pmap[s] : s], "n",
                                             u->start[s + 1] - u->start[s], "without_neighbors",
                                             without));
    }
    if (R->o->perperiod) {
        json_t *wl = json_array();
        for (int s = 0; s < u->t; s++) {
            const sp_weights *Wt;
            const char *path = "";
            const char *label = D->periods[pmap ? pmap[s] : s];
            if (sp_wper_get(R->o->wp, label, &Wt, &path) == SP_OK)
                json_array_append_new(wl, json_pack("{s:s, s:s}", "period", label,
                                                    "file", path));
        }
        json_object_set_new(o, "w_by_period", wl);
    }
    json_object_set_new(o, "unbalanced", json_pack(
        "{s:i, s:s, s:o, s:s}", "missing", D->n_missing, "missing_pairs", D->missing, "periods",
        per, "w_t", R->o->std == SP_STD_ROW
                        ? "the submatrix of W on the units present, row-standardised again"
                        : "the submatrix of W on the units present"));
}

static json_t *fit_json(const fp_run *R, const sp_pfe_result *r, const sp_ptest lm[4])
{
    json_t *o = json_pack("{s:s, s:i, s:i, s:i, s:s, s:o, s:o, s:o, s:o}", "model",
                          sp_pmodel_name(r->model), "n", r->n, "t", r->t, "nobs", r->n * r->t,
                          "fe", sp_within_fe_name(r->fe), "loglik", sp_json_real(r->loglik), "r2",
                          sp_json_real(r->r2), "corr2", sp_json_real(r->corr2), "aic",
                          sp_json_real(sp_ptest_aic(r->loglik, r->p)));
    const sp_pdyn_result *dyn = R->dyn && r == R->fit ? R->dyn : NULL;
    params_json(o, r, r->theta, r->cov, dyn);
    json_object_set_new(o, "vcov", json_string(sp_pfe_vcov_name(r->vcov)));
    json_object_set_new(o, "sigma2_divisor", json_string(r->sigma_df ? "n-k" : "n"));
    json_object_set_new(o, "sigma2_ml", sp_json_real(r->theta_ml[r->p - 1]));
    json_object_set_new(o, "logdet", json_string(R->sparse_ops ? sp_pops_sparse_lndet_name(&R->ops)
                                                               : "eigen"));
    json_object_set_new(o, "logdet_approximate", json_boolean(r->lndet_approx));
    if (r->lndet_approx)
        json_object_set_new(o, "logdet_error", lndet_error_json(R, r));
    if (r->vcov_fallback)
        json_object_set_new(o, "vcov_fallback", json_true());
    if (dyn) {
        dynamic_json(o, R, dyn);
        if (R->unb)
            unbalanced_json(o, R);
        return o;
    }
    json_object_set_new(o, "lee_yu",
                        json_pack("{s:b, s:s, s:s}", "applied", r->leeyu != SP_LY_NONE,
                                  "convention", sp_leeyu_name(R->o->leeyu), "description",
                                  sp_cmd_fit_leeyu_text(r)));
    if (r->leeyu != SP_LY_NONE) {
        json_t *u = json_object();
        params_json(u, r, r->theta_ml, r->cov_ml, NULL);
        json_object_set_new(o, "uncorrected", u);
    }
    json_t *tests = json_object();
    if (R->unb)
        unbalanced_json(o, R);
    else
        json_object_update_new(tests, lm_json(lm));
    json_object_set_new(o, "tests", tests);
    return o;
}

/* What the run read and how it was asked, so that a batch can be traced:
 * the files (path, bytes, SHA-256), the variables, the model options, the
 * seed, spill's version and the command line (without --threads). */
static json_t *inputs_json(const fp_run *R)
{
    const fp_opts *o = R->o;
    static const char *const logdets[] = {"auto", "eigen", "chol", "lu", "cheb", "mc"};
    static const char *const vcovs[] = {"auto", "info", "hessian"};
    json_t *x = json_array(), *cmd = json_array();
    for (int j = 0; j < o->k0; j++)
        json_array_append_new(x, json_string(o->x[j]));
    for (int k = 0; k < o->argc; k++) { /* --threads changes no result: left out, so the
                                          * JSON is the same bytes for any thread count */
        if (strcmp(o->argv[k], "--threads") == 0 && k + 1 < o->argc) {
            k++;
            continue;
        }
        if (strncmp(o->argv[k], "--threads=", 10) != 0)
            json_array_append_new(cmd, json_string(o->argv[k]));
    }
    json_t *in = json_pack("{s:o, s:o, s:o, s:s, s:o, s:s, s:s, s:b, s:b, s:b, s:i, s:i}",
                           "data", sp_json_file(o->data, R->hash), "layer",
                           o->layer ? json_string(o->layer) : json_null(), "weights",
                           sp_json_file(o->wpath, R->hash), "y", o->yname, "x", x, "model",
                           sp_pmodel_name(o->model), "fe", sp_within_fe_name(o->fe), "re", o->re,
                           "compare", o->compare, "effects", o->effects, "draws", o->draws,
                           "seed", o->seed);
    json_object_set_new(in, "id", o->idf[0] ? json_string(o->idf) : json_null());
    json_object_set_new(in, "time", o->cross ? json_null() : json_string(o->timef));
    json_object_set_new(in, "where", o->where ? json_string(o->where) : json_null());
    json_object_set_new(in, "standardize", json_string(sp_weights_std_name(o->std)));
    json_object_set_new(in, "lee_yu", json_string(sp_leeyu_name(o->leeyu)));
    json_object_set_new(in, "logdet", json_string(logdets[o->logdet]));
    json_object_set_new(in, "vcov", json_string(vcovs[o->vcov]));
    json_object_set_new(in, "sigma", json_string(sp_pfe_sigma_name(o->sigma)));
    json_object_set_new(in, "id_order", json_boolean(o->id_order));
    json_object_set_new(in, "strict", json_boolean(o->strict));
    json_object_set_new(in, "spill_version", json_string(SP_VERSION));
    json_object_set_new(in, "command", cmd);
    return in;
}

/* The random-effects fit (--re): rho, theta, sigma2_mu, the coefficients, the
 * LM and Hausman tests and the fixed-effects fit it is compared with. */
static json_t *re_json(const fp_run *R)
{
    const fp_opts *o = R->o;
    const sp_pre_result *re = R->re;
    int p = re->k + 3;
    json_t *root = json_pack("{s:s, s:i, s:i, s:i, s:s, s:s, s:o, s:o, s:o, s:o}", "model",
                             sp_pmodel_name(o->model), "n", R->D->n, "t", R->D->t, "nobs",
                             R->D->n * R->D->t, "fe", sp_within_fe_name(o->fe), "effects_type",
                             "random", "loglik", sp_json_real(re->loglik), "r2", json_null(),
                             "aic", sp_json_real(sp_ptest_aic(re->loglik, p)), "sigma2",
                             sp_json_real(re->sigma2));
    json_object_set_new(root, "rho", stat_json(sp_ptest_z(re->rho, re->cov[re->k * p + re->k])));
    json_object_set_new(root, "theta", stat_json(sp_ptest_z(re->theta,
                                                          re->cov[(re->k + 1) * (p + 1)])));
    json_object_set_new(root, "sigma2_mu", sp_json_real(re->sigma2_mu));
    json_t *coefs = json_array();
    for (int j = 0; j < re->k; j++) {
        json_t *c = json_pack("{s:s}", "name", re->names[j]);
        json_object_update_new(c, stat_json(sp_ptest_z(re->beta[j], re->cov[j * p + j])));
        json_array_append_new(coefs, c);
    }
    json_object_set_new(root, "coefficients", coefs);
    json_t *h = test_json(&R->hausman);
    json_object_set_new(h, "positive_definite", json_boolean(R->hausman_definite));
    json_object_set_new(h, "against", json_string(sp_within_fe_name(R->re_fe->fe)));
    json_t *tests = json_object();
    json_object_update_new(tests, lm_json(R->lm));
    json_object_set_new(tests, "hausman", h);
    json_object_set_new(root, "tests", tests);
    json_object_set_new(root, "fixed_effects_fit", fit_json(R, R->re_fe, R->lm));
    return root;
}

int sp_cmd_fit_json(const fp_run *R)
{
    const fp_opts *o = R->o;
    json_t *root;
    if (o->re) {
        root = re_json(R);
    } else if (o->compare) {
        root = fit_json(R, R->fit, R->lm);
        json_t *cmp = json_array();
        for (int fe = 0; fe < 4; fe++)
            json_array_append_new(cmp, fit_json(R, R->cmp[fe], R->lm_cmp[fe]));
        json_object_set_new(root, "compare", cmp);
    } else {
        root = fit_json(R, R->fit, R->lm);
    }
    json_t *tests = json_object_get(root, "tests");
    char choice[512];
    sp_cmd_fit_choice(R, choice, sizeof choice);
    if (!o->dynamic && !o->unbalanced)
        json_object_set_new(root, "model_choice", json_string(choice));
    if (!o->re && !o->dynamic && sp_pmodel_durbin(o->model)) {
        json_object_set_new(tests, "wald_no_wx", test_json(&R->wald_x));
        if (o->model == SP_PM_SDM)
            json_object_set_new(tests, "wald_common_factor", test_json(&R->wald_cf));
    }
    if (R->have_lr_fe) {
        json_object_set_new(tests, "lr_unit_effects", test_json(&R->lr_unit));
        json_object_set_new(tests, "lr_time_effects", test_json(&R->lr_time));
    }
    if (R->have_lr_models) {
        json_object_set_new(tests, "lr_sdm_sar", test_json(&R->lr_sar));
        json_object_set_new(tests, "lr_sdm_sem", test_json(&R->lr_sem));
    }
    if (R->eff && R->eff_long) {
        json_object_set_new(root, "effects_short_run", effects_json(R->eff));
        json_object_set_new(root, "effects_long_run", effects_json(R->eff_long));
    } else if (R->eff) {
        json_object_set_new(root, "effects", effects_json(R->eff));
    }
    if (R->eff) {
        json_object_set_new(root, "effects_draws", json_integer(R->eff->draws));
        json_object_set_new(root, "effects_discarded", json_integer(R->eff->discarded));
        json_object_set_new(root, "seed", json_integer(o->seed));
    }
    json_object_set_new(root, "where", o->where ? json_string(R->D->note) : json_null());
    json_t *isl = json_array();
    for (int i = 0; i < R->D->n; i++)
        if (R->D->W && sp_weights_cardinality(R->D->W, i) == 0)
            json_array_append_new(isl, json_string(R->D->units[i]));
    json_object_set_new(root, "units_without_neighbors", isl);
    json_object_set_new(root, "id_match", sp_idmatch_json(&R->match));
    json_object_set_new(root, "weights_units_without_data", json_integer(R->D->n_w_unused));
    json_object_set_new(root, "standardize", json_string(sp_weights_std_name(o->std)));
    json_object_set_new(root, "spill_version", json_string(SP_VERSION));
    json_object_set_new(root, "inputs", inputs_json(R));
    return sp_json_write(root, R->out);
}
