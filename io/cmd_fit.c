/* spill fit: spatial regression by maximum likelihood, cross-sections (the
 * one-period case: T = 1, no fixed effects) and panels (--panel ID,TIME).
 *
 * Fixed effects (core/sp_pfe.h) with the Lee-Yu correction on by default,
 * random effects (core/sp_pre.h) with the Hausman test, panel LM tests, Wald
 * and LR tests, effects (core/sp_peff.h), --compare columns, --where
 * subsets.  This file holds the options, the loading and the fitting; the
 * printers are io/cmd_fit_json.c, cmd_fit_tables.c and cmd_fit_latex.c
 * (cmd_fit.h).  docs/panel.md has every formula and convention. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_fit.h"
#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_error.h"
#include "sp_gapio.h"
#include "sp_grid.h"
#include "sp_pops_blocks.h"
#include "sp_pops_sparse.h"
#include "sp_readpair.h"
#include "sp_threads.h"
#include "sp_wper.h"
#include "sp_wio.h"


static const char help[] =
    "usage: spill fit DATA --w W --y Y --x X1,X2,... [--id FIELD] [options]   (cross-section)\n"
    "       spill fit DATA --panel ID,TIME --w W --y Y --x X1,X2,... [options]  (panel)\n"
    "\n"
    "Spatial regression by maximum likelihood.  A cross-section has one row per unit,\n"
    "matched to W by --id (default: the id field W's header names; see docs/data.md).\n"
    "A panel is a long-format table (one row per unit and period; the panel must be\n"
    "balanced).  Data are stacked period by period, W acts on each period and the\n"
    "log-determinant is T ln|I - rho W|.\n"
    "\n"
    "options:\n"
    "  --id FIELD          cross-sections: the unit id field\n"
    "  --id-order          cross-sections: row r is W's unit r (only when asked)\n"
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
    "  --info-mean M       the information matrix's rho term with time or two-way\n"
    "                      effects: projected (default: Q G X~b, the concentrated\n"
    "                      likelihood's) or elhorst (G X~b, as his sar_panel_FE): the\n"
    "                      two-way Lee-Yu estimates and the SEs then match his code\n"
    "  --dynamic D         dynamic panel: time (y(t-1)), spacetime (W y(t-1)) or both;\n"
    "                      the first period is lost; quasi-ML with the Yu-de Jong-Lee\n"
    "                      (unit effects) / Lee-Yu (time effects) bias correction\n"
    "  --no-bias-correction  with --dynamic: the uncorrected quasi-ML estimates (always\n"
    "                      in the JSON as \"uncorrected\")\n"
    "  --consecutive-periods  with --dynamic: the sorted period labels are consecutive\n"
    "                      periods even when they are numbers with gaps (codes such as\n"
    "                      YYYYMM); by default a missing number (2011 between 2010 and\n"
    "                      2012) is an error, or with --unbalanced drops 2012\n"
    "  --unbalanced        accept missing unit-periods: ML with ln|I - rho W_t| over the\n"
    "                      units present in each period (W_t the submatrix of W,\n"
    "                      row-standardised again), fixed effects by the within\n"
    "                      transformation of unbalanced data (no Lee-Yu correction);\n"
    "                      with --dynamic, unit-periods without the period before are\n"
    "                      dropped (counted) and the estimates are uncorrected\n"
    "  --w-by TIME         a weights matrix per period: --w 'w_{}.gal' ({} = the period\n"
    "                      label) or --w 2011=a.gal,2012=b.gal; TIME is --panel's;\n"
    "                      with --unbalanced when periods lack units (W_t: the\n"
    "                      period's W on its units)\n"
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
    "  --strict            units of W without data are an error (default: W is\n"
    "                      restricted to the units with data and standardised again,\n"
    "                      with a warning naming them)\n"
    "  --layer NAME        layer of DATA\n"
    "  --logdet M          auto (default: eigen up to "
    SP_ARGS_STR(SP_POPS_DENSE_AUTO) " units; beyond, for a\n"
    "                      row-standardised symmetric W, a Chebyshev search polished\n"
    "                      to the exact optimum by cholmod, else chol or lu),\n"
    "                      eigen (eigenvalues and dense inverses, exact, up to "
    SP_ARGS_STR(SP_POPS_DENSE_MAX) "\n"
    "                      units), chol or lu (sparse factorisations, exact\n"
    "                      log-determinants; the effects' terms are then Hutchinson\n"
    "                      estimates of tr(W^k) from "
    SP_ARGS_STR(SP_POPS_SPARSE_POWER_PROBES) " probes), cheb (Chebyshev,\n"
    "                      degree " SP_ARGS_STR(SP_POPS_SPARSE_CHEB_DEGREE)
    ") or mc (Barry-Pace Monte Carlo, " SP_ARGS_STR(SP_POPS_SPARSE_ORDER) " terms):\n"
    "                      approximate log-determinants for very large n\n"
    "  --vcov V            auto (default: info with eigen, hessian on the sparse paths,\n"
    "                      as spatialreg), info (the analytic information matrix; its\n"
    "                      traces are Hutchinson estimates on the sparse paths) or\n"
    "                      hessian (the observed information: analytic except the\n"
    "                      second derivative of ln|I - rho W|, numerically differenced\n"
    "                      on exact log-determinants); a singular information matrix\n"
    "                      falls back to the Hessian\n"
    "  --sigma S           OLS and SLX without fixed effects: df (default, as R lm,\n"
    "                      Stata regress and spreg: sigma2 = e'e/(n - k) behind the\n"
    "                      standard errors) or ml (e'e/n, spatialreg's ML convention);\n"
    "                      the log-likelihood is the ML one either way\n"
    "  --json | --csv | --markdown | --latex   output (default a readable table)\n"
    "  -o, --output FILE   write the output to FILE (atomically) instead of stdout\n"
    "  --threads N         threads for the sparse paths' power traces (default: all\n"
    "                      cores); results do not depend on it\n"
    "  --timing            seconds spent reading and fitting, on stderr\n";

static const sp_optspec spec[] = {
    {"panel", 1}, {"w", 1}, {"y", 1}, {"x", 1}, {"model", 1}, {"fe", 1}, {"lee-yu", 0},
    {"no-lee-yu", 0}, {"lee-yu-convention", 1}, {"info-mean", 1}, {"re", 0}, {"compare", 0}, {"tests", 0},
    {"effects", 0}, {"draws", 1}, {"seed", 1}, {"where", 1}, {"standardize", 1}, {"layer", 1},
    {"logdet", 1}, {"json", 0}, SP_GRID_FORMAT_OPTS, {"threads", 1},
    {"timing", 0}, {"id", 1}, {"vcov", 1}, {"output", 1}, {"id-order", 0}, {"strict", 0}, {"sigma", 1},
    {"dynamic", 1}, {"no-bias-correction", 0}, {"unbalanced", 0}, {"w-by", 1},
    {"consecutive-periods", 0}, {NULL, 0},
};

/* The options of spill fit, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_fit_opts(void) { return spec; }

/* ---- options ---- */

static int parse_x(fp_opts *o, const char *list)
{
    if (strlen(list) >= sizeof o->xbuf)
        return sp_error_set(SP_EUSAGE, "--x: list too long");
    strcpy(o->xbuf, list);
    o->k0 = 0;
    char *save = NULL; /* strtok_r: fits run in threads (sp_cmd_fit_run) */
    for (char *tok = strtok_r(o->xbuf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (o->k0 == MAX_X)
            return sp_error_set(SP_EUSAGE, "--x: at most %d regressors", MAX_X);
        o->x[o->k0++] = tok;
    }
    if (o->k0 == 0)
        return sp_error_set(SP_EUSAGE, "--x names no regressor");
    return sp_args_distinct("x", o->x, o->k0);
}

/* --dynamic and --no-bias-correction, and what they exclude. */
static int dynamic_opts(const sp_args *a, fp_opts *o)
{
    const char *d = sp_args_get(a, "dynamic");
    int rc = d ? sp_pdyn_parse(d, &o->dynamic) : SP_OK;
    o->bias_correct = !sp_args_flag(a, "no-bias-correction");
    o->consecutive = sp_args_flag(a, "consecutive-periods");
    if (!rc && !d && !o->bias_correct)
        rc = sp_error_set(SP_EUSAGE, "--no-bias-correction goes with --dynamic (static panels: "
                                     "--no-lee-yu)");
    if (!rc && !d && o->consecutive)
        rc = sp_error_set(SP_EUSAGE, "--consecutive-periods goes with --dynamic (the order of "
                                     "the periods matters only for y(t-1))");
    if (!rc && d && (o->cross || o->re || o->compare || o->tests))
        rc = sp_error_set(SP_EUSAGE, "--dynamic needs --panel ID,TIME and goes without --re, "
                                     "--compare and --tests");
    if (!rc && d && (sp_args_flag(a, "lee-yu") || sp_args_flag(a, "no-lee-yu") ||
                     sp_args_get(a, "lee-yu-convention")))
        rc = sp_error_set(SP_EUSAGE, "--dynamic has its own bias correction (Yu, de Jong & "
                                     "Lee 2008): --no-bias-correction, not --lee-yu options");
    return rc;
}

/* The inputs: DATA, --w, --y, --x, --panel or --id, --id-order, --strict,
 * --layer and --where. */
static int parse_inputs(const sp_args *a, fp_opts *o)
{
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
    } else if (sp_args_get(a, "id") || sp_args_flag(a, "id-order")) {
        return sp_error_set(SP_EUSAGE, "with --panel the unit id is the first --panel column");
    }
    o->id_order = sp_args_flag(a, "id-order");
    o->strict = sp_args_flag(a, "strict");
    if (o->id_order && o->idf[0])
        return sp_error_set(SP_EUSAGE, "--id and --id-order contradict each other");
    o->layer = sp_args_get(a, "layer");
    o->where = sp_args_get(a, "where");
    return SP_OK;
}

/* --unbalanced, a weights matrix per period (--w) and --w-by, and what they
 * exclude (after the model's options: reads o->re, compare, tests, dynamic). */
static int unbalanced_opts(const sp_args *a, fp_opts *o)
{
    o->unbalanced = sp_args_flag(a, "unbalanced");
    int rc = sp_wper_parse(o->wpath, &o->wp);
    if (rc)
        return rc;
    o->perperiod = sp_wper_multi(o->wp);
    const char *wby = sp_args_get(a, "w-by");
    if (wby && (o->cross || strcmp(wby, o->timef) != 0))
        return sp_error_set(SP_EUSAGE, "--w-by %s: the period field is --panel's (%s)", wby,
                            o->cross ? "none" : o->timef);
    if ((o->unbalanced || o->perperiod) &&
        (o->cross || o->re || o->compare || o->tests || o->where))
        return sp_error_set(SP_EUSAGE, "--unbalanced and a weights matrix per period need "
                                       "--panel ID,TIME and go without --re, --compare, --tests "
                                       "and --where");
    if (o->unbalanced || o->perperiod)
        o->leeyu = SP_LY_NONE;
    return SP_OK;
}

/* The whole command line into *o: the inputs, the model and its options,
 * --dynamic, --unbalanced; usage errors in the order the checks stand. */
static int parse_opts(const sp_args *a, FILE *err, fp_opts *o)
{
    memset(o, 0, sizeof *o);
    o->err = err;
    int rc = parse_inputs(a, o);
    if (rc)
        return rc;
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
    static const char *const means[] = {"projected", "elhorst"};
    if ((rc = sp_args_choice(a, "info-mean", means, 2, &o->info_elhorst)))
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
    static const char *const sigmas[] = {"ml", "df"};
    o->logdet = LOGDET_AUTO, o->vcov = VCOV_AUTO;
    int sigma = SP_SIGMA_DF;
    if ((rc = sp_args_choice(a, "logdet", logdets, 6, &o->logdet)) ||
        (rc = sp_args_choice(a, "vcov", vcovs, 3, &o->vcov)) ||
        (rc = sp_args_choice(a, "sigma", sigmas, 2, &sigma)))
        return rc;
    o->sigma = (sp_sigma)sigma;
    if ((rc = sp_args_int(a, "draws", 1000, 0, &o->draws)) ||
        (rc = sp_args_int(a, "seed", 12345, 0, &o->seed)) || (rc = sp_args_threads(a, &o->threads)))
        return rc;
    o->compare = sp_args_flag(a, "compare");
    if (o->cross && (o->compare || o->where))
        return sp_error_set(SP_EUSAGE, "--compare and --where need --panel ID,TIME");
    o->tests = sp_args_flag(a, "tests");
    o->effects = sp_args_flag(a, "effects");
    o->timing = sp_args_flag(a, "timing");
    if ((rc = sp_grid_dest_args(a, "output", &o->dest)))
        return rc;
    o->out = o->dest.format;
    if (o->re && (o->model != SP_PM_SAR && o->model != SP_PM_SDM))
        return sp_error_set(SP_EUSAGE, "--re: random effects are for --model sar or sdm");
    if (o->re && o->fe != SP_FE_NONE && o->fe != SP_FE_TIME)
        return sp_error_set(SP_EUSAGE, "--re goes with --fe none or --fe time (random unit "
                                       "effects); got --fe %s", sp_within_fe_name(o->fe));
    if (o->re && o->compare)
        return sp_error_set(SP_EUSAGE, "--re and --compare cannot be combined");
    if ((rc = dynamic_opts(a, o)) || (rc = unbalanced_opts(a, o)))
        return rc;
    if (o->effects && (o->model == SP_PM_OLS || o->model == SP_PM_SEM)) {
        fprintf(o->err, "spill fit: warning: --effects: a %s model has no spillovers (its "
                        "coefficients are the direct effects); no effects computed\n",
                sp_pmodel_name(o->model));
        o->effects = 0;
    }
    return SP_OK;
}

/* ---- data ---- */

/* The field matching the rows to W (io/sp_idmatch.h); with --id-order
 * *renamed is a new copy of W named after the rows (else NULL). */
static int match_ids(const fp_opts *o, const sp_table *tab, const sp_weights *W, sp_idmatch *m,
                     sp_weights **renamed)
{
    *renamed = NULL;
    int rc = sp_idmatch_resolve(tab, o->idf[0] ? o->idf : NULL, o->id_order, o->wpath, W, m);
    if (rc)
        return rc;
    if (m->warning[0])
        fprintf(o->err, "spill fit: warning: %s\n", m->warning);
    return sp_idmatch_order_weights(m, tab, o->wpath, W, renamed);
}

/* The weights the estimator sees: W, or W_bd of an unbalanced panel. */
static const sp_csr *fit_w(const fp_run *R)
{
    return R->wbd ? R->wbd : R->D->W->w;
}

/* A weights matrix per period: W_t aligned to the units of u in t (all of
 * them must be in it), standardised, stacked into *wbd; u's period s is the
 * data's period pmap[s] (a dynamic panel's sample), or s when pmap is NULL. */
static int period_weights(const fp_opts *o, fp_run *R, const sp_punbal *u, const int *pmap,
                          sp_csr **wbd)
{
    const sp_pdata *D = R->D;
    sp_weights **blk = sp_calloc((size_t)u->t, sizeof *blk);
    const sp_csr **csr = sp_calloc((size_t)u->t, sizeof *csr);
    const char **ids = sp_malloc((size_t)D->n * sizeof *ids);
    int rc = blk && csr && ids ? SP_OK : SP_ENOMEM;
    for (int s = 0; !rc && s < u->t; s++) {
        const sp_weights *Wt;
        const char *path;
        char what[600];
        int m = 0, off = pmap ? pmap[s] - s : 0;
        for (int ob = u->start[s]; ob < u->start[s + 1]; ob++)
            ids[m++] = D->units[u->unit[ob]];
        rc = sp_wper_get(o->wp, D->periods[s + off], &Wt, &path);
        snprintf(what, sizeof what, "%s (%s %s, weights %s)", o->data, o->timef,
                 D->periods[s + off], path);
        if (!rc)
            rc = sp_weights_align(Wt, ids, m, what, &blk[s]);
        if (!rc)
            rc = sp_weights_standardize(blk[s], o->std);
        for (int i = 0; !rc && i < m; i++)
            R->unb_islands += sp_weights_cardinality(blk[s], i) == 0;
        if (!rc)
            csr[s] = blk[s]->w;
    }
    if (!rc)
        rc = sp_punbal_stack(u, csr, wbd);
    for (int s = 0; blk && s < u->t; s++)
        sp_weights_free(blk[s]);
    free(blk), free(csr), free(ids);
    return rc;
}

/* --dynamic on an unbalanced panel or with a W per period: the estimation
 * sample (periods 2..T, units observed in the period before too) becomes
 * R->unb and R->wbd; the observations and W_bd of all periods, for the
 * lags, move to R->unb_lag and R->wbd_lag (core/sp_pdyn.h). */
static int dynamic_setup(const fp_opts *o, fp_run *R)
{
    const sp_pdata *D = R->D;
    unsigned char *p2 = NULL;
    sp_punbal *u2 = NULL;
    sp_csr *w2 = NULL;
    int isl = 0;
    int t2 = 0;
    int rc = sp_pdyn_present(D->n, D->t, D->present, R->gap, (const char *const *)D->units,
                             (const char *const *)D->periods, o->fe, &p2, &t2, &R->dyn_period,
                             &R->dyn_dropped);
    if (!rc)
        rc = sp_punbal_new(D->n, t2, p2, (const char *const *)D->units, o->fe, &u2);
    free(p2);
    if (!rc && o->perperiod)
        rc = period_weights(o, R, u2, R->dyn_period, &w2);
    else if (!rc)
        rc = sp_punbal_weights(u2, D->W->w, o->std == SP_STD_ROW, &w2, &isl);
    if (rc) {
        sp_punbal_free(u2);
        return rc;
    }
    R->unb_lag = R->unb, R->wbd_lag = R->wbd;
    R->unb = u2, R->wbd = w2;
    if (!o->perperiod)
        R->unb_islands = isl;
    fprintf(o->err, "spill fit: dynamic panel: %ld unit-period%s of periods %s..%s left out "
                    "(the period before is missing, so is y(t-1)); %d observations used\n",
            R->dyn_dropped, R->dyn_dropped == 1 ? "" : "s", D->periods[1],
            D->periods[D->t - 1], u2->nobs);
    for (int s = 1; s < D->t; s++)
        if (R->gap[s]) {
            char what[400];
            sp_period_gap_text((const char *const *)D->periods, s, R->period_step, what, sizeof what);
            fprintf(o->err, "spill fit: dynamic panel: %s: y(t-1) is not defined for %s, whose "
                            "unit-periods are left out (counted in dropped_no_lag)\n", what,
                    D->periods[s]);
        }
    return SP_OK;
}

/* --dynamic: the gaps between the periods (sp_period_gaps); without
 * --unbalanced a gap is an error naming the first (the lag across it would
 * not be y(t-1)). */
static int period_gaps(const fp_opts *o, fp_run *R)
{
    const sp_pdata *D = R->D;
    if (!(R->gap = sp_malloc((size_t)D->t + 1)))
        return SP_ENOMEM;
    if (o->consecutive) { /* the labels' order, as told: no gap */
        memset(R->gap, 0, (size_t)D->t);
        return SP_OK;
    }
    R->periods_numeric = sp_period_gaps(D->t, (const char *const *)D->periods, R->gap,
                                      &R->period_step);
    int rc = R->periods_numeric ? SP_OK
                                : sp_gapio_same(D->t, (const char *const *)D->periods, o->data, o->timef);
    if (rc)
        return rc;
    if (R->periods_numeric)
        sp_gapio_warn_uneven(o->err, "fit", D->t, (const char *const *)D->periods, R->gap,
                             R->period_step, o->data, o->timef, "y(t-1)");
    int first = 0;
    for (int s = D->t - 1; s >= 1; s--)
        if (R->gap[s])
            R->n_gaps++, first = s;
    if (!R->n_gaps || o->unbalanced)
        return SP_OK;
    char what[400];
    sp_period_gap_text((const char *const *)D->periods, first, R->period_step, what,
                       sizeof what);
    return sp_error_set(SP_EDATA, "%s: %s: y(t-1) is not defined for %s %s (the period before "
                        "it in the data is not t-1)%s; add the missing period's rows, use "
                        "--unbalanced to leave the unit-periods after the gap out (counted in "
                        "dropped_no_lag), or --consecutive-periods when the labels are codes "
                        "whose order is the time (YYYYMM)", o->data, what, o->timef,
                        D->periods[first],
                        R->n_gaps > 1 ? " (and more gaps after it)" : "");
}

/* --unbalanced: the observations present, W_bd and the stacked values. */
static int unbalanced_setup(const fp_opts *o, fp_run *R)
{
    const sp_pdata *D = R->D;
    int rc = sp_punbal_new(D->n, D->t, D->present, D->units, o->fe, &R->unb);
    if (!rc && o->perperiod)
        rc = period_weights(o, R, R->unb, NULL, &R->wbd);
    else if (!rc)
        rc = sp_punbal_weights(R->unb, D->W->w, o->std == SP_STD_ROW, &R->wbd, &R->unb_islands);
    long nt = (long)D->n * D->t, nobs = rc ? 0 : R->unb->nobs;
    if (!rc && !(R->yx = sp_malloc((size_t)(o->k0 + 1) * nobs * sizeof *R->yx)))
        rc = SP_ENOMEM;
    for (int j = 0; !rc && j <= o->k0; j++)
        for (long c = 0, ob = 0; c < nt; c++)
            if (D->present[c])
                R->yx[j * nobs + ob++] = D->v[j * nt + c];
    if (rc)
        return sp_error_prefix(rc, "%s", o->data);
    if (o->unbalanced)
        fprintf(o->err, "spill fit: unbalanced panel: %ld of %ld unit-periods present (%d "
                        "missing%s%s)%s\n", nobs, nt, D->n_missing, D->n_missing ? ": " : "",
                D->missing, R->unb_islands ? "; some units lose all neighbours in their "
                                             "period's W_t" : "");
    if (o->perperiod)
        fprintf(o->err, "spill fit: a weights matrix per period (%s)%s\n", o->wpath,
                R->unb_islands ? "; some units have no neighbours in their period's W" : "");
    return SP_OK;
}

/* The model's operators on W (R->sparse_ops chosen by load): sparse
 * factorisations (the log-determinant method said on stderr), one dense block
 * per period for W_bd, or dense. */
static int make_ops(const fp_opts *o, fp_run *R)
{
    if (R->unb && !R->sparse_ops) /* W_bd: one dense block per period */
        return sp_pops_blocks_new(R->wbd, R->unb->t, R->unb->start, o->threads, &R->ops);
    if (!R->sparse_ops) /* the eigenvalues once per distinct W with shared data */
        return R->shared ? sp_cmd_fit_shared_dense(R->shared, fit_w(R), &R->ops)
                         : sp_pops_dense(fit_w(R), &R->ops);
    sp_pops_sparse_opts so;
    sp_pops_sparse_opts_default(&so);
    so.force_lu = o->logdet == LOGDET_LU;
    so.approx = o->logdet == LOGDET_MC ? SP_LNDET_MC
              : o->logdet == LOGDET_CHEB ? SP_LNDET_CHEB
              : o->logdet == LOGDET_AUTO ? SP_LNDET_AUTO : SP_LNDET_EXACT;
    so.seed = (uint64_t)o->seed;
    so.threads = o->threads;
    so.slots = o->model == SP_PM_SAC ? 2 : 1; /* one factorisation kept: half the memory */
    so.effects_ahead = o->effects;
    so.factor_ahead = sp_pmodel_has_rho(o->model) || sp_pmodel_has_lambda(o->model);
    int rc = sp_pops_sparse_new(fit_w(R), &so, &R->ops);
    if (!rc)
        fprintf(o->err, "spill fit: %d units: %s log-determinants%s%s%s\n", R->D->n,
                sp_pops_sparse_lndet_name(&R->ops),
                strcmp(sp_pops_sparse_lndet_name(&R->ops), sp_pops_sparse_method(&R->ops))
                    ? ", solves by sparse factorisation" : "",
                o->effects ? "; effects from stochastic tr(W^k) (" SP_ARGS_STR(
                                 SP_POPS_SPARSE_POWER_PROBES) " probes)" : "",
                o->vcov == VCOV_INFO ? "; information-matrix traces from " SP_ARGS_STR(
                                           SP_POPS_SPARSE_PROBES) " probes" : "");
    return rc;
}

/* The sparse plugin's first call loads it (dlopen of CHOLMOD, UMFPACK, their
 * BLAS and LAPACK: 8 ms), here on a thread of its own while the panel is
 * built; later calls wait for the load.  Every fit needs the plugin (the
 * dense path's eigenvalues are LAPACK's), so loading it before --where or
 * missing data may bring n below SP_POPS_DENSE_AUTO fails no fit that could
 * have run. */
static int sparse_preload(void *ctx)
{
    sp_pops_sparse_opts so;
    sp_pops_sparse_opts_default(&so);
    return SP_OK;
}

/* The two reads of load() that can run at once (sp_readpair): the table,
 * and W (one file). */
typedef struct fit_reads {
    const fp_opts *o;
    sp_table *tab;
    sp_weights *W;
} fit_reads;

static int read_table(void *ctx)
{
    fit_reads *f = ctx;
    return sp_table_read(f->o->data, f->o->layer, &f->tab);
}

static int read_w(void *ctx)
{
    fit_reads *f = ctx;
    return sp_wio_read(f->o->wpath, &f->W);
}

static void drop_w(void *ctx)
{
    fit_reads *f = ctx;
    sp_weights_free(f->W);
    f->W = NULL;
}

/* The panel's periods and size against the model and --logdet, then the
 * warnings on what was left out (units of W without data, islands). */
static int panel_checks(const fp_opts *o, const fp_run *R)
{
    const sp_pdata *D = R->D;
    if (!o->cross && D->t < 2)
        return sp_error_set(SP_EDATA, "%s: one period (%s %s): a panel needs at least two",
                            o->data, o->timef, D->periods[0]);
    if (o->dynamic && D->t < 3)
        return sp_error_set(SP_EDATA, "%s: %d periods (%s %s..%s): a dynamic panel needs at "
                            "least three (the first is lost to y(t-1))", o->data, D->t, o->timef,
                            D->periods[0], D->periods[D->t - 1]);
    if (o->logdet == LOGDET_EIGEN && D->n > SP_POPS_DENSE_MAX)
        return sp_error_set(SP_EUSAGE, "--logdet eigen: %d units is too many for dense "
                                       "eigenvalues (up to %d); use auto, chol or lu",
                            D->n, SP_POPS_DENSE_MAX);
    if (D->n_w_unused)
        fprintf(o->err, "spill fit: warning: %d unit%s of %s %s no data and %s left out (W is "
                        "restricted to the units with data and %s-standardised again; --strict "
                        "refuses): %s\n", D->n_w_unused, D->n_w_unused > 1 ? "s" : "",
                o->wpath, D->n_w_unused > 1 ? "have" : "has", D->n_w_unused > 1 ? "are" : "is",
                sp_weights_std_name(o->std), D->w_unused);
    if (o->where)
        fprintf(o->err, "spill fit: %s\n", D->note);
    else if (D->n_islands)
        fprintf(o->err, "spill fit: warning: %d unit%s without neighbours (zero spatial lag): "
                        "%s\n", D->n_islands, D->n_islands > 1 ? "s" : "", D->islands);
    return SP_OK;
}

/* The table, W and the panel of the fit in R (R->D_table keeps the table the
 * panel points into), with the operators on W; warnings on stderr. */
static int load(const fp_opts *o, fp_run *R)
{
    sp_table *tab = NULL;
    const sp_table *table = NULL;
    sp_weights *W = NULL, *renamed = NULL;
    const sp_weights *Wuse = NULL; /* W, renamed, or the shared data's */
    int rc;
    if (R->shared) { /* read once for every fit (R->D_table stays NULL) */
        rc = sp_cmd_fit_shared_table(R->shared, o->data, o->layer, &table);
        if (!rc && !o->perperiod)
            rc = sp_cmd_fit_shared_weights(R->shared, o->wpath, &Wuse);
    } else {
        fit_reads fr = {o, NULL, NULL};
        if (o->perperiod)
            rc = read_table(&fr);
        else /* as read_table then read_w */
            rc = sp_readpair_run(sp_readpair_threads(o->wpath, o->threads), read_table, &fr, read_w, &fr, drop_w);
        tab = fr.tab, W = fr.W;
        table = tab, Wuse = W;
    }
    if (!rc && !o->perperiod) {
        rc = match_ids(o, table, Wuse, &R->match, &renamed);
        if (renamed)
            Wuse = renamed;
    } else if (!rc) { /* a W per period: the panel's id names the units of each W_t */
        R->match.rule = SP_IDMATCH_OPTION;
        snprintf(R->match.field, sizeof R->match.field, "%s", o->idf);
        rc = sp_wper_bind(o->wp, tab, o->idf, o->timef); /* economic W: the data's values */
    }
    const char *vars[MAX_X + 1];
    vars[0] = o->yname;
    for (int j = 0; j < o->k0; j++)
        vars[j + 1] = o->x[j];
    /* beside the pairing of rows to W (one thread): the inputs' digests (else
     * each is computed when printed) and the sparse paths (R->sparse_ops below) */
    if (!rc && o->out == SP_GRID_JSON && o->threads > 1)
        sp_hash_ahead_start(o->data, o->wpath, &R->hash);
    sp_threads_task *preload = NULL;
    if (!rc && Wuse && o->threads > 1 &&
        (o->logdet >= LOGDET_CHOL || (o->logdet == LOGDET_AUTO && Wuse->n > SP_POPS_DENSE_AUTO)))
        sp_threads_start(sparse_preload, NULL, &preload);
    sp_pdata_opts po = {.id = sp_idmatch_field(&R->match), .time = o->cross ? NULL : o->timef,
                        .where = o->where, .std = o->std, .strict = o->strict,
                        .unbalanced = o->unbalanced, /* W NULL with a W per period */
                        .own_w = Wuse && Wuse == W ? &W : NULL}; /* read here: D may take it */
    if (!rc)
        rc = sp_pdata_build(table, Wuse, vars, o->k0 + 1, &po, &R->D);
    if (!rc && o->dynamic && R->D->t >= 2)
        rc = period_gaps(o, R);
    if (!rc && (o->unbalanced || o->perperiod))
        rc = unbalanced_setup(o, R);
    if (!rc && R->unb && o->dynamic && R->D->t >= 3)
        rc = dynamic_setup(o, R);
    if (!rc)
        rc = panel_checks(o, R);
    /* Exact eigenvalues and dense traces for small n (the asymptotic covariance
     * of spatialreg's method = "eigen"); sparse factorisations beyond. */
    R->sparse_ops = o->logdet >= LOGDET_CHOL ||
                    (o->logdet == LOGDET_AUTO && !rc && R->D->n > SP_POPS_DENSE_AUTO);
    if (preload)
        sp_threads_join(preload);
    double t0 = sp_clock_seconds();
    if (!rc)
        rc = make_ops(o, R);
    R->t_setup = sp_clock_seconds() - t0;
    /* the panel points into the table's strings: keep the table with it */
    if (rc)
        sp_table_free(tab);
    else
        R->D_table = tab;
    sp_weights_free(W);
    sp_weights_free(renamed);
    return rc;
}

/* ---- fitting ---- */

static int fit_one(fp_run *R, sp_pmodel model, sp_fe fe, sp_pfe_result **out)
{
    const fp_opts *o = R->o;
    const sp_pdata *D = R->D;
    int hessian = o->vcov == VCOV_HESSIAN || (o->vcov == VCOV_AUTO && R->sparse_ops);
    sp_pfe_opts po = {.model = model, .fe = fe, .leeyu = o->leeyu,
                      .vcov = hessian ? SP_VCOV_HESSIAN : SP_VCOV_INFO, .sigma = o->sigma,
                      .info_mean_unprojected = o->info_elhorst};
    if (o->info_elhorst && (hessian || R->unb))
        return sp_error_set(SP_EUSAGE, "--info-mean elhorst: the analytic information of a "
                            "balanced panel (%s)", R->unb ? "not with --unbalanced"
                            : "this fit uses the observed information: give --vcov info");
    long nt = (long)D->n * D->t;
    int rc;
    if (R->unb) { /* one block of N observations, the unbalanced projection */
        po.within = sp_punbal_within, po.within_ctx = R->unb;
        long nobs = R->unb->nobs;
        rc = sp_pfe_fit((int)nobs, 1, R->yx, o->k0, R->yx + nobs, o->x, R->wbd, &R->ops, &po, out);
    } else {
        rc = sp_pfe_fit(D->n, D->t, D->v, o->k0, D->v + nt, o->x, D->W->w, &R->ops, &po, out);
    }
    if (rc)
        sp_error_prefix(rc, "%s, %s effects", sp_pmodel_name(model), sp_within_fe_name(fe));
    return rc;
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
    sp_ptest_lr(&R->lr_unit, fits[SP_FE_TWOWAY]->loglik, fits[SP_FE_TIME]->loglik, D->n - 1);
    sp_ptest_lr(&R->lr_time, fits[SP_FE_TWOWAY]->loglik, fits[SP_FE_UNIT]->loglik, D->t - 1);
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
            sp_ptest_lr(&R->lr_sar, R->fit->loglik, sar->loglik, o->k0);
            sp_ptest_lr(&R->lr_sem, R->fit->loglik, sem->loglik, o->k0);
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

/* --dynamic: the dynamic fit and its short- and long-run effects. */
static int fit_dynamic(fp_run *R)
{
    const fp_opts *o = R->o;
    const sp_pdata *D = R->D;
    int hessian = o->vcov == VCOV_HESSIAN || (o->vcov == VCOV_AUTO && R->sparse_ops);
    sp_pdyn_opts po = {.model = o->model, .fe = o->fe, .lags = o->dynamic,
                       .bias_correct = o->bias_correct,
                       .vcov = hessian ? SP_VCOV_HESSIAN : SP_VCOV_INFO};
    long nt = (long)D->n * D->t;
    int rc = R->unb_lag
           ? sp_pdyn_fit_unbalanced(R->unb_lag, R->yx, R->wbd_lag, R->unb, R->dyn_period,
                                    R->wbd, &R->ops, o->yname, o->k0, o->x, &po, &R->dyn)
           : sp_pdyn_fit(D->n, D->t, D->v, o->yname, o->k0, D->v + nt, o->x, D->W->w, &R->ops,
                         &po, &R->dyn);
    if (rc)
        return sp_error_prefix(rc, "dynamic %s, %s effects", sp_pmodel_name(o->model),
                               sp_within_fe_name(o->fe));
    if (o->effects)
        rc = sp_pdyn_effects(&R->ops, R->dyn, 0, o->draws, (uint64_t)o->seed, &R->eff);
    if (!rc && o->effects)
        rc = sp_pdyn_effects(&R->ops, R->dyn, 1, o->draws, (uint64_t)o->seed, &R->eff_long);
    R->fit = R->dyn->fit;
    R->dyn->fit = NULL;
    return rc;
}

static int fit_all(fp_run *R)
{
    const fp_opts *o = R->o;
    const sp_pdata *D = R->D;
    long nt = (long)D->n * D->t;
    int rc = SP_OK;
    if (o->dynamic)
        return fit_dynamic(R);
    if (o->re) {
        rc = sp_pfe_fit_re(D->n, D->t, D->v, o->k0, D->v + nt, o->x, D->W->w, &R->ops, o->model,
                           o->fe, &R->re);
        if (!rc)
            rc = fit_one(R, o->model, o->fe == SP_FE_NONE ? SP_FE_UNIT : SP_FE_TWOWAY, &R->re_fe);
        if (!rc)
            rc = sp_ptest_hausman(R->re_fe, R->re, &R->hausman, &R->hausman_definite);
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
        if (!rc && !R->unb) /* the LM tests are for balanced panels */
            rc = lm_tests(R, o->fe, R->lm);
        if (!rc && o->tests)
            rc = fit_tests(R);
    }
    if (!rc)
        rc = sp_ptest_wald_sdm(R->fit, &R->wald_x, &R->wald_cf);
    if (!rc && o->effects) {
        int ib[2 * MAX_X + 1], it[2 * MAX_X + 1];
        const char *names[2 * MAX_X + 1];
        sp_peff_spec s;
        rc = sp_peff_spec_fe(R->fit, ib, it, names, &s);
        s.draws = o->draws;
        s.seed = (uint64_t)o->seed;
        double t0 = sp_clock_seconds();
        if (!rc)
            rc = sp_peff_compute(&R->ops, &s, &R->eff);
        R->t_effects = sp_clock_seconds() - t0;
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
    sp_peff_free(R->eff_long);
    sp_pdyn_result_free(R->dyn);
    sp_punbal_free(R->unb);
    sp_csr_free(R->wbd);
    sp_punbal_free(R->unb_lag);
    sp_csr_free(R->wbd_lag);
    free(R->yx), free(R->dyn_period), free(R->gap);
    if (R->sparse_ops)
        sp_pops_sparse_free(&R->ops);
    else if (R->unb)
        sp_pops_blocks_free(&R->ops);
    else
        sp_pops_dense_free(&R->ops);
    sp_pdata_free(R->D);
    sp_table_free(R->D_table);
    sp_hash_ahead_free(R->hash);
}

/* ---- what the printers share (cmd_fit.h) ---- */

sp_ptest_stat sp_cmd_fit_stat(const sp_pfe_result *r, const double *theta, const double *cov,
                              int i)
{
    if (r->sigma_df && i < r->k) /* e'e/(n - k): t statistics on n - k df, as R lm */
        return sp_ptest_t(theta[i], cov[i * r->p + i], (long)r->n * r->t - r->k);
    return sp_ptest_z(theta[i], cov[i * r->p + i]);
}

const char *sp_cmd_fit_leeyu_text(const sp_pfe_result *r)
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

/* The model-choice summary of this run (sp_ptest_choice; the Wald tests only for an SDM). */
void sp_cmd_fit_choice(const fp_run *R, char *buf, size_t size)
{
    int sdm = !R->o->re && R->o->model == SP_PM_SDM;
    sp_ptest_choice(R->lm, sdm ? &R->wald_x : NULL, sdm ? &R->wald_cf : NULL, buf, size);
}

/* The tests a run reports, in table order: plain and LaTeX names. */
int sp_cmd_fit_tests(const fp_run *R, fp_test *list)
{
    const fp_opts *o = R->o;
    int n = 0;
#define ADD(name_, tex_, t_) (list[n++] = (fp_test){name_, tex_, t_})
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

/* Print the run in its format: on out, or -o FILE written atomically. */
static int print_run(fp_opts *o, fp_run *R, FILE *out)
{
    int rc;
    if (!o->dest.path)
        R->out = out;
    else if ((rc = sp_grid_dest_open(&o->dest)))
        return rc;
    else
        R->out = o->dest.f;
    rc = o->out == SP_GRID_JSON                          ? sp_cmd_fit_json(R)
         : o->out == SP_GRID_LATEX && !o->re && !o->dynamic ? sp_cmd_fit_latex(R)
                                                          : sp_cmd_fit_tables(R);
    if (o->dest.path)
        return sp_grid_dest_close(&o->dest, rc);
    if (!rc && (fflush(out) != 0 || ferror(out)))
        rc = sp_error_set(SP_EDATA, "cannot write to %s",
                          out == stdout ? "standard output" : "the output");
    return rc;
}

/* `spill fit` on argv, output on out, messages on err, data from shared
 * (NULL: read here); see cmd_fit.h. */
int sp_cmd_fit_run(int argc, char **argv, FILE *out, FILE *err, sp_cmd_fit_shared *shared)
{
    sp_args a;
    int rc = sp_args_parse(argc, argv, spec, help, &a);
    if (rc)
        return rc;
    fp_opts o;
    if ((rc = parse_opts(&a, err, &o))) {
        sp_wper_free(o.wp);
        return rc;
    }
    o.argc = argc, o.argv = argv;
    fp_run R;
    memset(&R, 0, sizeof R);
    R.o = &o;
    R.shared = shared;
    double t0 = sp_clock_seconds();
    rc = load(&o, &R);
    double t1 = sp_clock_seconds();
    if (!rc)
        rc = fit_all(&R);
    double t2 = sp_clock_seconds();
    if (!rc)
        rc = print_run(&o, &R, out);
    if (!rc && o.timing) /* read: the files; fit: the operators on W, the fits and effects */
        fprintf(err, "spill fit: timing: read %.3f s, fit %.3f s, setup %.3f s, estimation "
                     "%.3f s, effects %.3f s, write %.3f s\n",
                t1 - t0 - R.t_setup, t2 - t1 + R.t_setup, R.t_setup, t2 - t1 - R.t_effects,
                R.t_effects, sp_clock_seconds() - t2);
    run_free(&R);
    sp_wper_free(o.wp);
    return rc;
}

/* The command: on stdout and stderr, everything read here. */
int sp_cmd_fit(int argc, char **argv) { return sp_cmd_fit_run(argc, argv, stdout, stderr, NULL); }
