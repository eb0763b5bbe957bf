/* spill fit: spatial regression by maximum likelihood, cross-sections (the
 * one-period case: T = 1, no fixed effects) and panels (--panel ID,TIME).
 *
 * Fixed effects (core/sp_pfe.h) with the Lee-Yu correction on by default,
 * random effects (core/sp_pre.h) with the Hausman test, panel LM tests, Wald
 * and LR tests, effects (core/sp_peff.h), --compare columns, --where
 * subsets.  docs/panel.md has every formula and convention. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cdf.h>

#include "sp_cli.h"
#include "sp_error.h"
#include "sp_grid.h"
#include "sp_pdata.h"
#include "sp_peff.h"
#include "sp_pfe.h"
#include "sp_pre.h"
#include "sp_pops_sparse.h"
#include "sp_table.h"
#include "sp_weights.h"
#include "sp_wio.h"

#define MAX_X 32
#define DENSE_MAX 4000  /* --logdet eigen: dense n x n eigenvalues and inverses */
#define DENSE_AUTO 1500 /* --logdet auto: dense up to here, sparse beyond */

static const char help[] =
    "usage: spill fit DATA --panel ID,TIME --w W --y Y --x X1,X2,... [options]\n"
    "\n"
    "Spatial panel models by maximum likelihood on a long-format table (one row per\n"
    "unit and period; the panel must be balanced).  Data are stacked period by period,\n"
    "W acts on each period and the log-determinant is T ln|I - rho W|.\n"
    "\n"
    "options:\n"
    "  --model M           sdm (default), sar, sem, sdem, slx, sac, ols\n"
    "  --fe F              twoway (default), unit, time, none: fixed effects, removed by\n"
    "                      the within transformation (the ML estimator of the model\n"
    "                      with unit/period dummies)\n"
    "  --lee-yu            Lee-Yu bias correction of fixed-effects estimates (default,\n"
    "                      as Elhorst's code): unit sigma2*T/(T-1); time sigma2*N/(N-1);\n"
    "                      twoway the full 1/N correction then sigma2*T/(T-1)\n"
    "  --no-lee-yu         report the ML estimates (always in the JSON as \"uncorrected\")\n"
    "  --lee-yu-convention C  elhorst (default) or leeyu: Lee & Yu (2010)'s full 1/N\n"
    "                      correction for time effects too\n"
    "  --re                random unit effects (sar, sdm; --fe none or time, default\n"
    "                      time) with the Hausman test against the fixed-effects model\n"
    "  --compare           the model with no, unit, time and two-way effects side by\n"
    "                      side, with LR tests of the unit and time effects\n"
    "  --tests             also the LR tests that need other fits: unit and time effects,\n"
    "                      SDM against SAR and SEM (LM and Wald tests are always shown)\n"
    "  --effects           direct, indirect and total effects\n"
    "  --draws N           simulation draws for the effects' inference (default 1000;\n"
    "                      0: delta method)\n"
    "  --seed N            random seed (default 12345)\n"
    "  --where F=V[,V..]   keep the units whose F is one of the values (e.g.\n"
    "                      region=East); W is restricted to them and standardised again\n"
    "  --standardize S     W standardisation: row (default), binary, none, minmax,\n"
    "                      spectral\n"
    "  --layer NAME        layer of DATA\n"
    "  --logdet M          auto (default: eigen up to 1500 units; beyond, for a\n"
    "                      row-standardised symmetric W, a Chebyshev search polished\n"
    "                      to the exact optimum by cholmod, else chol or lu),\n"
    "                      eigen (eigenvalues and dense inverses, exact, up to 4000\n"
    "                      units), chol or lu (sparse factorisations, exact\n"
    "                      log-determinants; the effects' terms are then Hutchinson\n"
    "                      estimates of tr(W^k) from 16 probes), cheb (Chebyshev,\n"
    "                      degree 20) or mc (Barry-Pace Monte Carlo, 100 terms):\n"
    "                      approximate log-determinants for very large n\n"
    "  --vcov V            auto (default: info with eigen, hessian on the sparse paths,\n"
    "                      as spatialreg), info (the analytic information matrix; its\n"
    "                      traces are Hutchinson estimates on the sparse paths) or\n"
    "                      hessian (the observed information: analytic except the\n"
    "                      second derivative of ln|I - rho W|, numerically differenced\n"
    "                      on exact log-determinants); a singular information matrix\n"
    "                      falls back to the Hessian\n"
    "  --json | --csv | --markdown | --latex   output (default a readable table)\n"
    "  --threads N         threads for the sparse paths' power traces (default: all\n"
    "                      cores); results do not depend on it\n"
    "  --timing            seconds spent reading and fitting, on stderr\n";

static const sp_optspec spec[] = {
    {"panel", 1}, {"w", 1}, {"y", 1}, {"x", 1}, {"model", 1}, {"fe", 1}, {"lee-yu", 0},
    {"no-lee-yu", 0}, {"lee-yu-convention", 1}, {"re", 0}, {"compare", 0}, {"tests", 0},
    {"effects", 0}, {"draws", 1}, {"seed", 1}, {"where", 1}, {"standardize", 1}, {"layer", 1},
    {"logdet", 1}, {"json", 0}, {"csv", 0}, {"markdown", 0}, {"latex", 0}, {"threads", 1},
    {"timing", 0}, {"id", 1}, {"vcov", 1}, {NULL, 0},
};

typedef enum { OUT_TEXT, OUT_JSON, OUT_CSV, OUT_MARKDOWN, OUT_LATEX } out_format;

typedef struct fp_opts {
    const char *data, *wpath, *yname, *layer, *where;
    char idf[256], timef[256];
    char xbuf[1024];
    const char *x[MAX_X];
    int k0;
    sp_pmodel model;
    sp_fe fe;
    sp_leeyu leeyu;
    sp_std std;
    int re, compare, tests, effects, draws, seed, timing;
    int cross;       /* no --panel: a cross-section (one period, no effects) */
    int threads;
    int logdet;      /* LOGDET_* */
    int vcov;        /* VCOV_* */
    out_format out;
} fp_opts;

enum { LOGDET_AUTO, LOGDET_EIGEN, LOGDET_CHOL, LOGDET_LU, LOGDET_CHEB, LOGDET_MC };
enum { VCOV_AUTO, VCOV_INFO, VCOV_HESSIAN };

/* Everything fitted, for the printers. */
typedef struct fp_run {
    const fp_opts *o;
    sp_table *D_table; /* D points into it */
    sp_pdata *D;
    sp_pops ops;
    int sparse_ops;         /* ops from sp_pops_sparse_new (else sp_pops_dense) */
    sp_pfe_result *fit;     /* the main fixed-effects (or pooled) fit */
    sp_pfe_result *cmp[4];  /* --compare: none, unit, time, twoway (cmp[fe] may alias fit) */
    sp_pre_result *re;      /* --re */
    sp_pfe_result *re_fe;   /* the fixed-effects counterpart for the Hausman test */
    sp_ptest lm[4], wald_x, wald_cf, hausman;
    int hausman_definite;
    sp_ptest lm_cmp[4][4];  /* --compare: LM tests per column */
    sp_ptest lr_unit, lr_time, lr_sar, lr_sem;
    int have_lr_fe, have_lr_models;
    sp_peff *eff;
    double t_read, t_fit;
} fp_run;

static double clock_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* ---- options ---- */

static int parse_x(fp_opts *o, const char *list)
{
    if (strlen(list) >= sizeof o->xbuf)
        return sp_error_set(SP_EUSAGE, "--x: list too long");
    strcpy(o->xbuf, list);
    o->k0 = 0;
    for (char *tok = strtok(o->xbuf, ","); tok; tok = strtok(NULL, ",")) {
        if (o->k0 == MAX_X)
            return sp_error_set(SP_EUSAGE, "--x: at most %d regressors", MAX_X);
        o->x[o->k0++] = tok;
    }
    if (o->k0 == 0)
        return sp_error_set(SP_EUSAGE, "--x names no regressor");
    return SP_OK;
}

static int parse_opts(const sp_args *a, fp_opts *o)
{
    memset(o, 0, sizeof *o);
    int rc = sp_args_positional(a, 1, "DATA");
    if (rc)
        return rc;
    o->data = a->pos[0];
    o->wpath = sp_args_get(a, "w");
    o->yname = sp_args_get(a, "y");
    const char *x = sp_args_get(a, "x");
    if (!o->wpath || !o->yname || !x)
        return sp_error_set(SP_EUSAGE, "--w, --y and --x are required (see --help)");
    if ((rc = parse_x(o, x)))
        return rc;
    o->cross = !sp_args_get(a, "panel");
    if (o->cross) {
        snprintf(o->idf, sizeof o->idf, "%s", sp_args_get(a, "id") ? sp_args_get(a, "id") : "");
    } else if ((rc = sp_pdata_parse_panel(sp_args_get(a, "panel"), o->idf, o->timef,
                                          sizeof o->idf))) {
        return rc;
    } else if (sp_args_get(a, "id")) {
        return sp_error_set(SP_EUSAGE, "with --panel the unit id is the first --panel column");
    }
    o->layer = sp_args_get(a, "layer");
    o->where = sp_args_get(a, "where");
    o->model = SP_PM_SDM;
    o->re = sp_args_flag(a, "re");
    o->fe = o->cross ? SP_FE_NONE : o->re ? SP_FE_TIME : SP_FE_TWOWAY;
    o->leeyu = o->cross ? SP_LY_NONE : SP_LY_ELHORST;
    o->std = SP_STD_ROW;
    const char *s;
    if ((s = sp_args_get(a, "model")) && (rc = sp_pmodel_parse(s, &o->model)))
        return rc;
    if ((s = sp_args_get(a, "fe")) && (rc = sp_within_fe_parse(s, &o->fe)))
        return rc;
    if ((s = sp_args_get(a, "lee-yu-convention")) && (rc = sp_leeyu_parse(s, &o->leeyu)))
        return rc;
    if (sp_args_flag(a, "lee-yu") && sp_args_flag(a, "no-lee-yu"))
        return sp_error_set(SP_EUSAGE, "--lee-yu and --no-lee-yu contradict each other");
    if (sp_args_flag(a, "no-lee-yu"))
        o->leeyu = SP_LY_NONE;
    if ((s = sp_args_get(a, "standardize")) && (rc = sp_weights_std_parse(s, &o->std)))
        return rc;
    if (o->cross && (o->fe != SP_FE_NONE || o->re || o->compare || o->where))
        return sp_error_set(SP_EUSAGE, "--fe, --re, --compare and --where need --panel ID,TIME");
    static const char *const logdets[] = {"auto", "eigen", "chol", "lu", "cheb", "mc"};
    static const char *const vcovs[] = {"auto", "info", "hessian"};
    o->logdet = LOGDET_AUTO, o->vcov = VCOV_AUTO;
    if ((rc = sp_args_choice(a, "logdet", logdets, 6, &o->logdet)) ||
        (rc = sp_args_choice(a, "vcov", vcovs, 3, &o->vcov)))
        return rc;
    if ((rc = sp_args_int(a, "draws", 1000, 0, &o->draws)) ||
        (rc = sp_args_int(a, "seed", 12345, 0, &o->seed)) || (rc = sp_args_threads(a, &o->threads)))
        return rc;
    o->compare = sp_args_flag(a, "compare");
    if (o->cross && (o->compare || o->where))
        return sp_error_set(SP_EUSAGE, "--compare and --where need --panel ID,TIME");
    o->tests = sp_args_flag(a, "tests");
    o->effects = sp_args_flag(a, "effects");
    o->timing = sp_args_flag(a, "timing");
    int nout = 0;
    static const char *outs[] = {"json", "csv", "markdown", "latex"};
    for (int k = 0; k < 4; k++)
        if (sp_args_flag(a, outs[k]))
            o->out = (out_format)(k + 1), nout++;
    if (nout > 1)
        return sp_error_set(SP_EUSAGE, "choose one of --json, --csv, --markdown, --latex");
    if (o->re && (o->model != SP_PM_SAR && o->model != SP_PM_SDM))
        return sp_error_set(SP_EUSAGE, "--re: random effects are for --model sar or sdm");
    if (o->re && o->fe != SP_FE_NONE && o->fe != SP_FE_TIME)
        return sp_error_set(SP_EUSAGE, "--re goes with --fe none or --fe time (random unit "
                                       "effects); got --fe %s", sp_within_fe_name(o->fe));
    if (o->re && o->compare)
        return sp_error_set(SP_EUSAGE, "--re and --compare cannot be combined");
    if (o->effects && (o->model == SP_PM_OLS || o->model == SP_PM_SEM))
        return sp_error_set(SP_EUSAGE, "--effects: a %s model has no spillovers (its "
                                       "coefficients are the direct effects)",
                            sp_pmodel_name(o->model));
    return SP_OK;
}

/* ---- data ---- */

static int load(const fp_opts *o, fp_run *R)
{
    sp_table *tab = NULL;
    sp_weights *W = NULL;
    int rc = sp_table_read(o->data, o->layer, &tab);
    if (!rc)
        rc = sp_wio_read(o->wpath, &W);
    const char *vars[MAX_X + 1];
    vars[0] = o->yname;
    for (int j = 0; j < o->k0; j++)
        vars[j + 1] = o->x[j];
    sp_pdata_opts po = {.id = o->idf[0] ? o->idf : NULL, .time = o->cross ? NULL : o->timef,
                        .where = o->where, .std = o->std};
    if (!rc)
        rc = sp_pdata_build(tab, W, vars, o->k0 + 1, &po, &R->D);
    if (!rc && !o->cross && R->D->t < 2)
        rc = sp_error_set(SP_EDATA, "%s: one period (%s %s): a panel needs at least two",
                          o->data, o->timef, R->D->periods[0]);
    if (!rc && o->logdet == LOGDET_EIGEN && R->D->n > DENSE_MAX)
        rc = sp_error_set(SP_EUSAGE, "--logdet eigen: %d units is too many for dense "
                                     "eigenvalues (up to %d); use auto, chol or lu",
                          R->D->n, DENSE_MAX);
    if (!rc && o->where)
        fprintf(stderr, "spill fit: %s\n", R->D->note);
    else if (!rc && R->D->n_islands)
        fprintf(stderr, "spill fit: warning: %d unit%s without neighbours (zero spatial lag): "
                        "%s\n", R->D->n_islands, R->D->n_islands > 1 ? "s" : "", R->D->islands);
    /* Exact eigenvalues and dense traces for small n (the asymptotic covariance
     * of spatialreg's method = "eigen"); sparse factorisations beyond. */
    R->sparse_ops = o->logdet >= LOGDET_CHOL ||
                    (o->logdet == LOGDET_AUTO && !rc && R->D->n > DENSE_AUTO);
    if (!rc && R->sparse_ops) {
        sp_pops_sparse_opts so;
        sp_pops_sparse_opts_default(&so);
        so.force_lu = o->logdet == LOGDET_LU;
        so.approx = o->logdet == LOGDET_MC ? SP_LNDET_MC
                  : o->logdet == LOGDET_CHEB ? SP_LNDET_CHEB
                  : o->logdet == LOGDET_AUTO ? SP_LNDET_AUTO : SP_LNDET_EXACT;
        so.seed = (uint64_t)o->seed;
        so.threads = o->threads;
        rc = sp_pops_sparse_new(R->D->W->w, &so, &R->ops);
        if (!rc)
            fprintf(stderr, "spill fit: %d units: %s log-determinants%s%s%s\n", R->D->n,
                    sp_pops_sparse_lndet_name(&R->ops),
                    strcmp(sp_pops_sparse_lndet_name(&R->ops), sp_pops_sparse_method(&R->ops))
                        ? ", solves by sparse factorisation" : "",
                    o->effects ? "; effects from stochastic tr(W^k) (16 probes)" : "",
                    o->vcov == VCOV_INFO ? "; information-matrix traces from 64 probes" : "");
    } else if (!rc) {
        rc = sp_pops_dense(R->D->W->w, &R->ops);
    }
    /* the panel points into the table's strings: keep the table with it */
    if (rc)
        sp_table_free(tab);
    else
        R->D_table = tab;
    sp_weights_free(W);
    return rc;
}

/* ---- fitting ---- */

static int fit_one(fp_run *R, sp_pmodel model, sp_fe fe, sp_pfe_result **out)
{
    const fp_opts *o = R->o;
    const sp_pdata *D = R->D;
    int hessian = o->vcov == VCOV_HESSIAN || (o->vcov == VCOV_AUTO && R->sparse_ops);
    sp_pfe_opts po = {.model = model, .fe = fe, .leeyu = o->leeyu,
                      .vcov = hessian ? SP_VCOV_HESSIAN : SP_VCOV_INFO};
    long nt = (long)D->n * D->t;
    int rc = sp_pfe_fit(D->n, D->t, D->v, o->k0, D->v + nt, o->x, D->W->w, &R->ops, &po, out);
    if (rc)
        sp_error_prefix(rc, "%s, %s effects", sp_pmodel_name(model), sp_within_fe_name(fe));
    return rc;
}

static void lr_test(sp_ptest *t, double ll_big, double ll_small, int df)
{
    t->stat = 2.0 * (ll_big - ll_small);
    t->df = df;
    t->p = sp_ptest_pchisq(t->stat, df);
}

static int lm_tests(fp_run *R, sp_fe fe, sp_ptest out[4])
{
    const sp_pdata *D = R->D;
    long nt = (long)D->n * D->t;
    return sp_pfe_lmtests(D->n, D->t, D->v, R->o->k0, D->v + nt, D->W->w, fe, out);
}

/* LR tests of the unit and time effects: two-way against time-only and unit-only. */
static int lr_effects(fp_run *R, sp_pfe_result *const fits[4])
{
    const sp_pdata *D = R->D;
    lr_test(&R->lr_unit, fits[SP_FE_TWOWAY]->loglik, fits[SP_FE_TIME]->loglik, D->n - 1);
    lr_test(&R->lr_time, fits[SP_FE_TWOWAY]->loglik, fits[SP_FE_UNIT]->loglik, D->t - 1);
    R->have_lr_fe = 1;
    return SP_OK;
}

static int fit_tests(fp_run *R)
{
    const fp_opts *o = R->o;
    sp_pfe_result *f[4] = {NULL, NULL, NULL, NULL}, *sar = NULL, *sem = NULL;
    int rc = SP_OK;
    for (int fe = SP_FE_UNIT; fe <= SP_FE_TWOWAY && !rc && !o->cross; fe++)
        rc = fe == (int)o->fe ? SP_OK : fit_one(R, o->model, (sp_fe)fe, &f[fe]);
    if (!rc && !o->cross) { /* a cross-section has no unit or time effects to test */
        sp_pfe_result *use[4] = {NULL, f[1], f[2], f[3]};
        use[o->fe] = R->fit;
        if (o->fe != SP_FE_NONE)
            f[o->fe] = NULL;
        rc = lr_effects(R, use);
    }
    if (!rc && o->model == SP_PM_SDM) {
        rc = fit_one(R, SP_PM_SAR, o->fe, &sar);
        if (!rc)
            rc = fit_one(R, SP_PM_SEM, o->fe, &sem);
        if (!rc) {
            lr_test(&R->lr_sar, R->fit->loglik, sar->loglik, o->k0);
            lr_test(&R->lr_sem, R->fit->loglik, sem->loglik, o->k0);
            R->have_lr_models = 1;
        }
    }
    for (int fe = 0; fe < 4; fe++)
        sp_pfe_result_free(f[fe]);
    sp_pfe_result_free(sar);
    sp_pfe_result_free(sem);
    return rc;
}

/* Effects spec for the random-effects fit. */
static int effects_re(fp_run *R)
{
    const sp_pre_result *re = R->re;
    int pooled = strcmp(re->names[0], "const") == 0, durbin = R->o->model == SP_PM_SDM;
    int k0 = durbin ? (re->k - pooled) / 2 : re->k - pooled;
    int ib[MAX_X], it[MAX_X];
    const char *names[MAX_X];
    double *theta = sp_malloc((size_t)(re->k + 3) * sizeof *theta);
    if (!theta)
        return SP_ENOMEM;
    memcpy(theta, re->beta, (size_t)re->k * sizeof *theta);
    theta[re->k] = re->rho, theta[re->k + 1] = re->theta, theta[re->k + 2] = re->sigma2;
    for (int j = 0; j < k0; j++) {
        ib[j] = pooled + j;
        it[j] = durbin ? pooled + k0 + j : -1;
        names[j] = re->names[pooled + j];
    }
    sp_peff_spec s = {.nvar = k0, .ib = ib, .it = it, .names = names, .irho = re->k,
                      .p = re->k + 3, .theta = theta, .cov = re->cov, .draws = R->o->draws,
                      .seed = (uint64_t)R->o->seed};
    int rc = sp_peff_compute(&R->ops, &s, &R->eff);
    free(theta);
    return rc;
}

static int fit_all(fp_run *R)
{
    const fp_opts *o = R->o;
    const sp_pdata *D = R->D;
    long nt = (long)D->n * D->t;
    int rc = SP_OK;
    if (o->re) {
        rc = sp_pfe_fit_re(D->n, D->t, D->v, o->k0, D->v + nt, o->x, D->W->w, &R->ops, o->model,
                           o->fe, &R->re);
        if (!rc)
            rc = fit_one(R, o->model, o->fe == SP_FE_NONE ? SP_FE_UNIT : SP_FE_TWOWAY, &R->re_fe);
        if (!rc)
            rc = sp_pfe_hausman(R->re_fe, R->re, &R->hausman, &R->hausman_definite);
        if (!rc)
            rc = lm_tests(R, o->fe, R->lm);
        if (!rc && o->effects)
            rc = effects_re(R);
        return rc;
    }
    if (o->compare) {
        for (int fe = 0; fe < 4 && !rc; fe++)
            rc = fit_one(R, o->model, (sp_fe)fe, &R->cmp[fe]);
        for (int fe = 0; fe < 4 && !rc; fe++)
            rc = lm_tests(R, (sp_fe)fe, R->lm_cmp[fe]);
        if (!rc) {
            R->fit = R->cmp[o->fe];
            memcpy(R->lm, R->lm_cmp[o->fe], sizeof R->lm);
            rc = lr_effects(R, R->cmp);
        }
    } else {
        rc = fit_one(R, o->model, o->fe, &R->fit);
        if (!rc)
            rc = lm_tests(R, o->fe, R->lm);
        if (!rc && o->tests)
            rc = fit_tests(R);
    }
    if (!rc)
        rc = sp_pfe_wald(R->fit, &R->wald_x, &R->wald_cf);
    if (!rc && o->effects) {
        int ib[2 * MAX_X + 1], it[2 * MAX_X + 1];
        const char *names[2 * MAX_X + 1];
        sp_peff_spec s;
        rc = sp_peff_spec_fe(R->fit, ib, it, names, &s);
        s.draws = o->draws;
        s.seed = (uint64_t)o->seed;
        if (!rc)
            rc = sp_peff_compute(&R->ops, &s, &R->eff);
    }
    return rc;
}

static void run_free(fp_run *R)
{
    for (int fe = 0; fe < 4; fe++)
        if (R->cmp[fe] != R->fit)
            sp_pfe_result_free(R->cmp[fe]);
    sp_pfe_result_free(R->fit);
    sp_pre_result_free(R->re);
    sp_pfe_result_free(R->re_fe);
    sp_peff_free(R->eff);
    if (R->sparse_ops)
        sp_pops_sparse_free(&R->ops);
    else
        sp_pops_dense_free(&R->ops);
    sp_pdata_free(R->D);
    sp_table_free(R->D_table);
}

/* ---- numbers shared by every printer ---- */

typedef struct estat {
    double est, se, z, p;
} estat;

static estat make_stat(double est, double var)
{
    estat e = {est, var >= 0.0 ? sqrt(var) : NAN, NAN, NAN};
    e.z = est / e.se;
    e.p = 2.0 * gsl_cdf_ugaussian_Q(fabs(e.z));
    return e;
}

static estat fe_stat(const sp_pfe_result *r, const double *theta, const double *cov, int i)
{
    return make_stat(theta[i], cov[i * r->p + i]);
}

static const char *leeyu_description(const sp_pfe_result *r)
{
    if (r->fe == SP_FE_NONE)
        return "not applicable (no fixed effects)";
    switch (r->leeyu) {
    case SP_LY_NONE:
        return "off (--no-lee-yu): maximum likelihood estimates";
    case SP_LY_ELHORST:
        return r->fe == SP_FE_UNIT   ? "on (Elhorst's convention): sigma2 * T/(T-1)"
               : r->fe == SP_FE_TIME ? "on (Elhorst's convention): sigma2 * N/(N-1)"
                                     : "on (Elhorst's convention): theta + (H/NT)^-1 a / N, "
                                       "then sigma2 * T/(T-1)";
    default:
        return r->fe == SP_FE_UNIT ? "on (Lee-Yu convention): sigma2 * T/(T-1)"
               : r->fe == SP_FE_TIME
                   ? "on (Lee-Yu convention): theta + (H/NT)^-1 a / N"
                   : "on (Lee-Yu convention): theta + (H/NT)^-1 a / N, then sigma2 * T/(T-1)";
    }
}

static double aic_of(const sp_pfe_result *r) { return -2.0 * r->loglik + 2.0 * r->p; }

/* ---- JSON ---- */

static json_t *stat_json(estat e)
{
    return json_pack("{s:o, s:o, s:o, s:o}", "est", sp_json_real(e.est), "se", sp_json_real(e.se),
                     "z", sp_json_real(e.z), "p", sp_json_real(e.p));
}

static json_t *test_json(const sp_ptest *t)
{
    return json_pack("{s:o, s:i, s:o}", "stat", sp_json_real(t->stat), "df", t->df, "p",
                     sp_json_real(t->p));
}

/* rho / lambda / sigma2 / coefficients of one parameter vector into obj. */
static void params_json(json_t *obj, const sp_pfe_result *r, const double *theta,
                        const double *cov)
{
    if (r->has_rho)
        json_object_set_new(obj, "rho", stat_json(fe_stat(r, theta, cov, sp_pfe_irho(r))));
    if (r->has_lambda)
        json_object_set_new(obj, "lambda", stat_json(fe_stat(r, theta, cov, sp_pfe_ilambda(r))));
    json_object_set_new(obj, "sigma2", sp_json_real(theta[r->p - 1]));
    json_t *coefs = json_array();
    for (int j = 0; j < r->k; j++) {
        json_t *c = json_pack("{s:s}", "name", r->names[j]);
        json_object_update_new(c, stat_json(fe_stat(r, theta, cov, j)));
        json_array_append_new(coefs, c);
    }
    json_object_set_new(obj, "coefficients", coefs);
}

static json_t *peff_stat_json(const sp_peff_stat *s)
{
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o}", "est", sp_json_real(s->est), "se",
                          sp_json_real(s->se), "z", sp_json_real(s->z), "p", sp_json_real(s->p),
                          "se_delta", sp_json_real(s->se_delta));
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

static json_t *fit_json(const fp_run *R, const sp_pfe_result *r, const sp_ptest lm[4])
{
    json_t *o = json_pack("{s:s, s:i, s:i, s:i, s:s, s:o, s:o, s:o, s:o}", "model",
                          sp_pmodel_name(r->model), "n", r->n, "t", r->t, "nobs", r->n * r->t,
                          "fe", sp_within_fe_name(r->fe), "loglik", sp_json_real(r->loglik), "r2",
                          sp_json_real(r->r2), "corr2", sp_json_real(r->corr2), "aic",
                          sp_json_real(aic_of(r)));
    params_json(o, r, r->theta, r->cov);
    json_object_set_new(o, "vcov", json_string(sp_pfe_vcov_name(r->vcov)));
    json_object_set_new(o, "logdet", json_string(R->sparse_ops ? sp_pops_sparse_lndet_name(&R->ops)
                                                               : "eigen"));
    json_object_set_new(o, "logdet_approximate", json_boolean(r->lndet_approx));
    if (r->lndet_approx)
        json_object_set_new(o, "logdet_error", lndet_error_json(R, r));
    if (r->vcov_fallback)
        json_object_set_new(o, "vcov_fallback", json_true());
    json_object_set_new(o, "lee_yu",
                        json_pack("{s:b, s:s, s:s}", "applied", r->leeyu != SP_LY_NONE,
                                  "convention", sp_leeyu_name(R->o->leeyu), "description",
                                  leeyu_description(r)));
    if (r->leeyu != SP_LY_NONE) {
        json_t *u = json_object();
        params_json(u, r, r->theta_ml, r->cov_ml);
        json_object_set_new(o, "uncorrected", u);
    }
    json_t *tests = json_object();
    json_object_update_new(tests, lm_json(lm));
    json_object_set_new(o, "tests", tests);
    return o;
}

/* The model-choice summary (Elhorst 2010, 2014): the robust LM tests on the
 * non-spatial model point to a lag or an error model; the SDM's Wald tests
 * say whether it reduces to SAR (theta = 0) or SEM (theta + rho beta = 0).
 * 5 % level.  Written into buf; "" when no test applies. */
static void model_choice(const fp_run *R, char *buf, size_t size)
{
    const sp_ptest *lm = R->lm;
    int lag = lm[2].p < 0.05, err = lm[3].p < 0.05;
    const char *lm_says = lag && err ? "both robust LM tests reject: a model with both "
                                       "spatial terms (SDM) is needed"
                          : lag ? "robust LM tests favour the lag model (SAR)"
                          : err ? "robust LM tests favour the error model (SEM)"
                                : "neither robust LM test rejects (OLS or SLX may do)";
    if (R->o->re || R->o->model != SP_PM_SDM) {
        snprintf(buf, size, "%s", lm_says);
        return;
    }
    int not_sar = R->wald_x.p < 0.05, not_sem = R->wald_cf.p < 0.05;
    const char *verdict = not_sar && not_sem ? "the SDM reduces neither to SAR nor to SEM: "
                                               "report the SDM"
                          : !not_sar && lag && !err ? "the SDM reduces to SAR (theta = 0 not "
                                                       "rejected), in line with the LM tests"
                          : !not_sem && err && !lag ? "the SDM reduces to SEM (common factor not "
                                                       "rejected), in line with the LM tests"
                          : "the tests disagree: keep the SDM (it nests both)";
    snprintf(buf, size, "%s; Wald: %s", lm_says, verdict);
}

static int print_json(const fp_run *R)
{
    const fp_opts *o = R->o;
    json_t *root;
    if (o->re) {
        const sp_pre_result *re = R->re;
        int p = re->k + 3;
        root = json_pack("{s:s, s:i, s:i, s:i, s:s, s:s, s:o, s:o, s:o, s:o}", "model",
                         sp_pmodel_name(o->model), "n", R->D->n, "t", R->D->t, "nobs",
                         R->D->n * R->D->t, "fe", sp_within_fe_name(o->fe), "effects_type", "random",
                         "loglik", sp_json_real(re->loglik), "r2", json_null(), "aic",
                         sp_json_real(-2.0 * re->loglik + 2.0 * p), "sigma2",
                         sp_json_real(re->sigma2));
        json_object_set_new(root, "rho", stat_json(make_stat(re->rho, re->cov[re->k * p + re->k])));
        json_object_set_new(root, "theta", stat_json(make_stat(re->theta,
                                                              re->cov[(re->k + 1) * (p + 1)])));
        json_object_set_new(root, "sigma2_mu", sp_json_real(re->sigma2_mu));
        json_t *coefs = json_array();
        for (int j = 0; j < re->k; j++) {
            json_t *c = json_pack("{s:s}", "name", re->names[j]);
            json_object_update_new(c, stat_json(make_stat(re->beta[j], re->cov[j * p + j])));
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
    model_choice(R, choice, sizeof choice);
    json_object_set_new(root, "model_choice", json_string(choice));
    if (!o->re && sp_pmodel_durbin(o->model)) {
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
    if (R->eff) {
        json_object_set_new(root, "effects", effects_json(R->eff));
        json_object_set_new(root, "effects_draws", json_integer(R->eff->draws));
        json_object_set_new(root, "effects_discarded", json_integer(R->eff->discarded));
        json_object_set_new(root, "seed", json_integer(o->seed));
    }
    json_object_set_new(root, "where", o->where ? json_string(R->D->note) : json_null());
    json_t *isl = json_array();
    for (int i = 0; i < R->D->n; i++)
        if (sp_weights_cardinality(R->D->W, i) == 0)
            json_array_append_new(isl, json_string(R->D->units[i]));
    json_object_set_new(root, "units_without_neighbors", isl);
    json_object_set_new(root, "standardize", json_string(sp_weights_std_name(o->std)));
    return sp_json_print(root);
}


/* ---- tables: text, CSV, Markdown, LaTeX (io/sp_grid.h) ---- */

static void fmt(char *buf, size_t size, const char *f, double v)
{
    if (isfinite(v))
        snprintf(buf, size, f, v);
    else
        snprintf(buf, size, "-");
}

static void fmt_p(char *buf, size_t size, double p)
{
    if (!isfinite(p))
        snprintf(buf, size, "-");
    else if (p < 1e-4)
        snprintf(buf, size, "%.1e", p);
    else
        snprintf(buf, size, "%.4f", p);
}

/* Append one row of text cells. */
static int grid_row(sp_grid *g, const char *const *cells, int n)
{
    int rc = sp_grid_row(g);
    for (int c = 0; c < n && !rc; c++)
        rc = sp_grid_str(g, cells[c]);
    return rc;
}

static int stat_row(sp_grid *g, const char *name, estat e)
{
    char b[4][32];
    fmt(b[0], 32, "%.6g", e.est);
    fmt(b[1], 32, "%.6g", e.se);
    fmt(b[2], 32, "%.3f", e.z);
    fmt_p(b[3], 32, e.p);
    const char *cells[] = {name, b[0], b[1], b[2], b[3]};
    return grid_row(g, cells, 5);
}

static int test_row(sp_grid *g, const char *name, const sp_ptest *t)
{
    char b[3][32];
    fmt(b[0], 32, "%.4f", t->stat);
    snprintf(b[1], 32, "%d", t->df);
    fmt_p(b[2], 32, t->p);
    const char *cells[] = {name, b[0], b[1], b[2]};
    return grid_row(g, cells, 4);
}

/* The columns of a coefficient table. */
static const sp_grid_col coef_cols[] = {
    {.name = "term", .align = SP_GRID_LEFT}, {.name = "estimate"}, {.name = "std.error"},
    {.name = "z"}, {.name = "p"}};

static sp_grid *coef_grid(const sp_pfe_result *r)
{
    sp_grid *g = sp_grid_new("coefficients", coef_cols, 5);
    for (int j = 0; j < r->k; j++)
        stat_row(g, r->names[j], fe_stat(r, r->theta, r->cov, j));
    if (r->has_rho)
        stat_row(g, "rho", fe_stat(r, r->theta, r->cov, sp_pfe_irho(r)));
    if (r->has_lambda)
        stat_row(g, "lambda", fe_stat(r, r->theta, r->cov, sp_pfe_ilambda(r)));
    stat_row(g, "sigma2", make_stat(r->theta[r->p - 1], NAN));
    return g;
}

static sp_grid *re_grid(const sp_pre_result *re)
{
    int p = re->k + 3;
    sp_grid *g = sp_grid_new("coefficients", coef_cols, 5);
    for (int j = 0; j < re->k; j++)
        stat_row(g, re->names[j], make_stat(re->beta[j], re->cov[j * p + j]));
    stat_row(g, "rho", make_stat(re->rho, re->cov[re->k * p + re->k]));
    stat_row(g, "theta", make_stat(re->theta, re->cov[(re->k + 1) * (p + 1)]));
    stat_row(g, "sigma2", make_stat(re->sigma2, NAN));
    stat_row(g, "sigma2_mu", make_stat(re->sigma2_mu, NAN));
    return g;
}

/* The tests a run reports, in table order: plain and LaTeX names. */
typedef struct test_entry {
    const char *name, *tex;
    const sp_ptest *t;
} test_entry;

static int test_list(const fp_run *R, test_entry *list)
{
    const fp_opts *o = R->o;
    int n = 0;
#define ADD(name_, tex_, t_) (list[n++] = (test_entry){name_, tex_, t_})
    ADD("LM lag", "LM lag", &R->lm[0]);
    ADD("robust LM lag", "Robust LM lag", &R->lm[2]);
    ADD("LM error", "LM error", &R->lm[1]);
    ADD("robust LM error", "Robust LM error", &R->lm[3]);
    if (!o->re && sp_pmodel_durbin(o->model))
        ADD(o->model == SP_PM_SDM ? "Wald W*X = 0 (SDM vs SAR)" : "Wald W*X = 0",
            o->model == SP_PM_SDM ? "Wald $\\theta = 0$ (SDM vs SAR)" : "Wald $\\theta = 0$",
            &R->wald_x);
    if (!o->re && o->model == SP_PM_SDM)
        ADD("Wald W*X + rho X = 0 (SDM vs SEM)", "Wald $\\theta + \\rho\\beta = 0$ (SDM vs SEM)",
            &R->wald_cf);
    if (R->have_lr_models) {
        ADD("LR SDM vs SAR", "LR SDM vs SAR", &R->lr_sar);
        ADD("LR SDM vs SEM", "LR SDM vs SEM", &R->lr_sem);
    }
    if (R->have_lr_fe) {
        ADD("LR unit effects (two-way vs time)", "LR unit effects", &R->lr_unit);
        ADD("LR time effects (two-way vs unit)", "LR time effects", &R->lr_time);
    }
    if (o->re)
        ADD(R->hausman_definite ? "Hausman (FE vs RE)" : "Hausman (FE vs RE; V_FE - V_RE not p.d.)",
            "Hausman (FE vs RE)", &R->hausman);
#undef ADD
    return n;
}

static sp_grid *tests_grid(const fp_run *R)
{
    static const sp_grid_col cols[] = {
        {.name = "test", .align = SP_GRID_LEFT}, {.name = "statistic"}, {.name = "df"},
        {.name = "p"}};
    test_entry list[16];
    int n = test_list(R, list);
    sp_grid *g = sp_grid_new("tests", cols, 4);
    for (int i = 0; i < n; i++)
        test_row(g, list[i].name, list[i].t);
    return g;
}

static sp_grid *effects_grid(const sp_peff *e, const char *title)
{
    static const sp_grid_col cols[] = {
        {.name = "term", .align = SP_GRID_LEFT}, {.name = "effect"}, {.name = "estimate"},
        {.name = "std.error"}, {.name = "z"}, {.name = "p"}};
    sp_grid *g = sp_grid_new(title, cols, 6);
    static const char *kinds[] = {"direct", "indirect", "total"};
    for (int v = 0; v < e->nvar; v++) {
        const sp_peff_stat *st[3] = {&e->rows[v].direct, &e->rows[v].indirect, &e->rows[v].total};
        for (int k = 0; k < 3; k++) {
            char b[4][32];
            fmt(b[0], 32, "%.6g", st[k]->est);
            fmt(b[1], 32, "%.6g", st[k]->se);
            fmt(b[2], 32, "%.3f", st[k]->z);
            fmt_p(b[3], 32, st[k]->p);
            const char *cells[] = {e->rows[v].name, kinds[k], b[0], b[1], b[2], b[3]};
            grid_row(g, cells, 6);
        }
    }
    return g;
}

/* --compare: estimates with standard errors in parentheses, one column per fe. */
static sp_grid *compare_grid(const fp_run *R)
{
    static const sp_grid_col cols[] = {
        {.name = "", .align = SP_GRID_LEFT}, {.name = "none"}, {.name = "unit"},
        {.name = "time"}, {.name = "twoway"}};
    char b[4][48], se[4][48];
    sp_grid *g = sp_grid_new("estimates (standard errors); LM tests [p]", cols, 5);
    /* the union of terms: const (pooled only) then the two-way terms */
    const sp_pfe_result *pooled = R->cmp[SP_FE_NONE];
    int nterms = pooled->k + pooled->m;
    for (int i = 0; i < nterms; i++) {
        const char *name = i < pooled->k ? pooled->names[i]
                           : i == sp_pfe_irho(pooled) ? "rho" : "lambda";
        for (int fe = 0; fe < 4; fe++) {
            const sp_pfe_result *r = R->cmp[fe];
            int idx = -1;
            if (i >= pooled->k)
                idx = i - pooled->k + r->k;
            else
                for (int j = 0; j < r->k; j++)
                    if (strcmp(r->names[j], name) == 0)
                        idx = j;
            b[fe][0] = se[fe][0] = '\0';
            if (idx >= 0) {
                estat e = fe_stat(r, r->theta, r->cov, idx);
                fmt(b[fe], 48, "%.4f", e.est);
                fmt(se[fe], 48, "(%.4f)", e.se);
            }
        }
        const char *c1[] = {name, b[0], b[1], b[2], b[3]}, *c2[] = {"", se[0], se[1], se[2], se[3]};
        grid_row(g, c1, 5);
        grid_row(g, c2, 5);
    }
    struct { const char *name; int what; } rows[] = {
        {"sigma2", 0}, {"R2", 1}, {"corr2", 2}, {"log-likelihood", 3}, {"LM lag", 4},
        {"robust LM lag", 6}, {"LM error", 5}, {"robust LM error", 7}};
    for (size_t q = 0; q < sizeof rows / sizeof rows[0]; q++) {
        for (int fe = 0; fe < 4; fe++) {
            const sp_pfe_result *r = R->cmp[fe];
            switch (rows[q].what) {
            case 0: fmt(b[fe], 48, "%.4f", r->theta[r->p - 1]); break;
            case 1: fmt(b[fe], 48, "%.4f", r->r2); break;
            case 2: fmt(b[fe], 48, "%.4f", r->corr2); break;
            case 3: fmt(b[fe], 48, "%.3f", r->loglik); break;
            default: {
                const sp_ptest *t = &R->lm_cmp[fe][rows[q].what - 4];
                char p[24];
                fmt_p(p, sizeof p, t->p);
                snprintf(b[fe], 48, "%.3f [%s]", t->stat, p);
            }
            }
        }
        const char *c[] = {rows[q].name, b[0], b[1], b[2], b[3]};
        grid_row(g, c, 5);
    }
    return g;
}

static void print_vcov(const sp_pfe_result *r)
{
    if (!r)
        return;
    printf("standard errors: %s%s\n",
           r->vcov == SP_VCOV_HESSIAN ? "observed information (Hessian)"
                                      : "analytic information matrix",
           r->vcov_fallback ? " (the information matrix is singular)" : "");
    if (!r->lndet_approx)
        return;
    printf("note: the estimates rest on an approximate log-determinant (--logdet chol or lu "
           "for exact values)");
    for (int a = 0; a < 2; a++)
        if (a ? r->has_lambda : r->has_rho)
            printf("; ln|I - %.6g W| = %.8g (exact %.8g)",
                   r->theta_ml[a ? sp_pfe_ilambda(r) : sp_pfe_irho(r)], r->lndet_at[a],
                   r->lndet_exact_at[a]);
    printf("\n");
}

static void print_header(const fp_run *R)
{
    const fp_opts *o = R->o;
    const sp_pdata *D = R->D;
    if (o->out != OUT_TEXT)
        return;
    if (o->cross) {
        printf("Spatial %s, cross-section: %d observations, ML\n", sp_pmodel_name(o->model), D->n);
        printf("data %s (%s), weights %s (%s)\n", o->data, o->idf[0] ? o->idf : "row order",
               o->wpath, sp_weights_std_name(o->std));
        print_vcov(R->fit);
        putchar('\n');
        return;
    }
    if (o->re)
        printf("Spatial panel %s, random unit effects%s: %d units x %d periods = %d "
               "observations\n",
               sp_pmodel_name(o->model), o->fe == SP_FE_TIME ? " and fixed time effects" : "",
               D->n, D->t, D->n * D->t);
    else if (o->compare)
        printf("Spatial panel %s with no, unit, time and two-way fixed effects: %d units x %d "
               "periods = %d observations\n",
               sp_pmodel_name(o->model), D->n, D->t, D->n * D->t);
    else
        printf("Spatial panel %s, %s fixed effects: %d units x %d periods = %d observations\n",
               sp_pmodel_name(o->model), sp_within_fe_name(o->fe), D->n, D->t, D->n * D->t);
    printf("data %s (%s, %s %s..%s), weights %s (%s)%s%s\n", o->data, o->idf, o->timef,
           D->periods[0], D->periods[D->t - 1], o->wpath, sp_weights_std_name(o->std),
           o->where ? ", " : "", o->where ? D->note : "");
    const sp_pfe_result *r = o->re ? R->re_fe : R->fit;
    if (o->compare)
        printf("Lee-Yu bias correction of the fixed-effects columns: %s\n",
               o->leeyu == SP_LY_NONE ? "off (--no-lee-yu): maximum likelihood estimates"
               : o->leeyu == SP_LY_ELHORST
                   ? "on (Elhorst's convention; --no-lee-yu for the ML estimates)"
                   : "on (Lee-Yu convention; --no-lee-yu for the ML estimates)");
    else if (r->fe != SP_FE_NONE)
        printf("Lee-Yu bias correction%s: %s\n", o->re ? " of the fixed-effects fit" : "",
               leeyu_description(r));
    if (!o->re)
        print_vcov(r);
    putchar('\n');
}


/* ---- LaTeX: a three-line (booktabs) table as journals print it ---- */

/* "$-0.920^{***}$" and "$(0.335)$" cells. */
static void tex_cell(FILE *f, double est, double se, double p, int line)
{
    if (line == 0)
        isfinite(est) ? fprintf(f, " & $%.3f%s$", est, sp_grid_tex_stars(p)) : fputs(" & ", f);
    else
        isfinite(se) ? fprintf(f, " & $(%.3f)$", se) : fputs(" & ", f);
}

static void tex_name(FILE *f, const char *name)
{
    if (strcmp(name, "rho") == 0)
        fputs("$\\rho$", f);
    else if (strcmp(name, "lambda") == 0)
        fputs("$\\lambda$", f);
    else if (strncmp(name, "W*", 2) == 0) {
        fputs("$W \\times$ ", f);
        sp_grid_latex_escape(f, name + 2);
    } else
        sp_grid_latex_escape(f, name);
}

/* Index of coefficient `name` in fit r, or -1. */
static int coef_index(const sp_pfe_result *r, const char *name)
{
    for (int i = 0; i < r->k; i++)
        if (strcmp(r->names[i], name) == 0)
            return i;
    return -1;
}

/* Columns: the main fit, or with --compare the four fixed-effects designs. */
static int journal_columns(const fp_run *R, const sp_pfe_result **cols)
{
    if (!R->o->compare) {
        cols[0] = R->fit;
        return 1;
    }
    int n = 0;
    for (int fe = 0; fe < 4; fe++)
        if (R->cmp[fe])
            cols[n++] = R->cmp[fe];
    return n;
}

static void journal_estimates(const fp_run *R)
{
    FILE *f = stdout;
    const sp_pfe_result *cols[4];
    int nc = journal_columns(R, cols);
    const sp_pfe_result *r0 = cols[0];
    static const char *const titles[] = {"OLS", "SLX model", "Spatial lag model (SAR)",
        "Spatial Durbin model (SDM)", "Spatial error model (SEM)",
        "Spatial Durbin error model (SDEM)", "SAC model"};
    fprintf(f, "\\begin{table}[htbp]\\centering\n\\caption{%s}\n\\label{tab:spill-%s}\n",
            titles[r0->model], sp_pmodel_name(r0->model));
    fputs("\\begin{tabular}{l", f);
    for (int c = 0; c < nc; c++)
        fputc('c', f);
    fputs("}\n\\toprule\n", f);
    for (int c = 0; c < nc; c++)
        fprintf(f, " & (%d)", c + 1);
    fputs(" \\\\\n", f);
    for (int c = 0; c < nc && !R->o->cross; c++)
        fprintf(f, " & %s FE", cols[c]->fe == SP_FE_NONE ? "no" : sp_within_fe_name(cols[c]->fe));
    fputs(R->o->cross ? "\\midrule\n" : " \\\\\n\\midrule\n", f);
    for (int i = 0; i < r0->k; i++) {
        for (int line = 0; line < 2; line++) {
            if (line == 0)
                tex_name(f, r0->names[i]);
            for (int c = 0; c < nc; c++) {
                int j = coef_index(cols[c], r0->names[i]);
                estat e = j >= 0 ? fe_stat(cols[c], cols[c]->theta, cols[c]->cov, j)
                                 : (estat){NAN, NAN, NAN, NAN};
                tex_cell(f, e.est, e.se, e.p, line);
            }
            fputs(" \\\\\n", f);
        }
    }
    const char *spatial[2] = {"rho", "lambda"};
    for (int s = 0; s < 2; s++) {
        if (!(s == 0 ? r0->has_rho : r0->has_lambda))
            continue;
        for (int line = 0; line < 2; line++) {
            if (line == 0)
                tex_name(f, spatial[s]);
            for (int c = 0; c < nc; c++) {
                int j = s == 0 ? sp_pfe_irho(cols[c]) : sp_pfe_ilambda(cols[c]);
                estat e = fe_stat(cols[c], cols[c]->theta, cols[c]->cov, j);
                tex_cell(f, e.est, e.se, e.p, line);
            }
            fputs(" \\\\\n", f);
        }
    }
    fputs("\\midrule\n$\\sigma^2$", f);
    for (int c = 0; c < nc; c++)
        fprintf(f, " & %.4g", cols[c]->theta[cols[c]->p - 1]);
    fputs(" \\\\\nLog-likelihood", f);
    for (int c = 0; c < nc; c++)
        fprintf(f, " & %.3f", cols[c]->loglik);
    fputs(" \\\\\n$R^2$", f);
    for (int c = 0; c < nc; c++)
        fprintf(f, " & %.3f", cols[c]->r2);
    fputs(" \\\\\nObservations", f);
    for (int c = 0; c < nc; c++)
        fprintf(f, " & %d", cols[c]->n * cols[c]->t);
    fprintf(f, " \\\\\n\\bottomrule\n\\multicolumn{%d}{l}{\\footnotesize Standard errors in "
               "parentheses. $^{*}p<0.1$, $^{**}p<0.05$, $^{***}p<0.01$.}\n"
               "\\end{tabular}\n\\end{table}\n\n", nc + 1);
}

static void journal_effects(const fp_run *R)
{
    FILE *f = stdout;
    const sp_peff *e = R->eff;
    fputs("\\begin{table}[htbp]\\centering\n\\caption{Direct, indirect and total effects}\n"
          "\\label{tab:spill-effects}\n\\begin{tabular}{lccc}\n\\toprule\n"
          " & Direct & Indirect & Total \\\\\n\\midrule\n", f);
    for (int v = 0; v < e->nvar; v++)
        for (int line = 0; line < 2; line++) {
            if (line == 0)
                tex_name(f, e->rows[v].name);
            const sp_peff_stat *st[3] = {&e->rows[v].direct, &e->rows[v].indirect, &e->rows[v].total};
            for (int k = 0; k < 3; k++)
                tex_cell(f, st[k]->est, st[k]->se, st[k]->p, line);
            fputs(" \\\\\n", f);
        }
    fprintf(f, "\\bottomrule\n\\multicolumn{4}{l}{\\footnotesize Standard errors in parentheses "
               "(%s). $^{*}p<0.1$, $^{**}p<0.05$, $^{***}p<0.01$.}\n"
               "\\end{tabular}\n\\end{table}\n\n",
            e->draws ? "simulated" : "delta method");
}

static void journal_tests(const fp_run *R)
{
    FILE *f = stdout;
    test_entry list[16];
    int n = test_list(R, list);
    fputs("\\begin{table}[htbp]\\centering\n\\caption{Specification tests}\n"
          "\\label{tab:spill-tests}\n\\begin{tabular}{lccc}\n\\toprule\n"
          " & Statistic & df & $p$-value \\\\\n\\midrule\n", f);
    for (int i = 0; i < n; i++) {
        const sp_ptest *t = list[i].t;
        fprintf(f, "%s & $%.3f%s$ & %d & %.4f \\\\\n", list[i].tex, t->stat, sp_grid_tex_stars(t->p), t->df,
                t->p);
    }
    fputs("\\bottomrule\n\\multicolumn{4}{l}{\\footnotesize $^{*}p<0.1$, $^{**}p<0.05$, "
          "$^{***}p<0.01$.}\n\\end{tabular}\n\\end{table}\n\n", f);
}

/* Write one table in the chosen format, a blank line after it, and free it. */
static int put_grid(sp_grid *g, out_format out)
{
    static const sp_grid_format formats[] = {
        [OUT_TEXT] = SP_GRID_TEXT, [OUT_JSON] = SP_GRID_JSON, [OUT_CSV] = SP_GRID_CSV,
        [OUT_MARKDOWN] = SP_GRID_MARKDOWN, [OUT_LATEX] = SP_GRID_LATEX};
    int rc = sp_grid_write(g, formats[out], stdout);
    sp_grid_free(g);
    if (!rc)
        putchar('\n');
    return rc;
}

static int print_tables(const fp_run *R)
{
    const fp_opts *o = R->o;
    int rc;
    if (o->out == OUT_LATEX && !o->re) {
        journal_estimates(R);
        if (R->eff)
            journal_effects(R);
        journal_tests(R);
        return fflush(stdout) == 0 ? SP_OK : sp_error_set(SP_EDATA, "cannot write to standard output");
    }
    print_header(R);
    if (o->re) {
        rc = put_grid(re_grid(R->re), o->out);
        if (!rc && o->out == OUT_TEXT)
            printf("log-likelihood %.4f   AIC %.4f   theta^2 = sigma2 / (T sigma2_mu + sigma2)\n\n",
                   R->re->loglik, -2.0 * R->re->loglik + 2.0 * (R->re->k + 3));
    } else if (o->compare) {
        rc = put_grid(compare_grid(R), o->out);
    } else {
        rc = put_grid(coef_grid(R->fit), o->out);
        if (!rc && o->out == OUT_TEXT)
            printf("log-likelihood %.4f   AIC %.4f   R2 %.4f   corr2 %.4f\n\n", R->fit->loglik,
                   aic_of(R->fit), R->fit->r2, R->fit->corr2);
    }
    if (!rc)
        rc = put_grid(tests_grid(R), o->out);
    if (!rc && o->out == OUT_TEXT) {
        char choice[512];
        model_choice(R, choice, sizeof choice);
        printf("model choice: %s\n\n", choice);
    }
    if (!rc && R->eff) {
        char title[160];
        if (R->eff->draws)
            snprintf(title, sizeof title, "effects (standard errors from %d draws, seed %d)",
                     R->eff->draws, o->seed);
        else
            snprintf(title, sizeof title, "effects (delta-method standard errors)");
        rc = put_grid(effects_grid(R->eff, title), o->out);
    }
    if (!rc && fflush(stdout) != 0)
        rc = sp_error_set(SP_EDATA, "cannot write to standard output");
    return rc;
}

int sp_cmd_fit(int argc, char **argv)
{
    sp_args a;
    int rc = sp_args_parse(argc, argv, spec, help, &a);
    if (rc)
        return rc;
    fp_opts o;
    if ((rc = parse_opts(&a, &o)))
        return rc;
    fp_run R;
    memset(&R, 0, sizeof R);
    R.o = &o;
    double t0 = clock_s();
    rc = load(&o, &R);
    double t1 = clock_s();
    if (!rc)
        rc = fit_all(&R);
    double t2 = clock_s();
    if (!rc)
        rc = o.out == OUT_JSON ? print_json(&R) : print_tables(&R);
    if (!rc && o.timing)
        fprintf(stderr, "spill fit: timing: read %.3f s, fit %.3f s\n", t1 - t0, t2 - t1);
    run_free(&R);
    return rc;
}
