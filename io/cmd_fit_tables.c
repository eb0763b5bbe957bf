/* spill fit: the readable tables (text, --csv, --markdown; --latex with --re) through io/sp_grid.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_fit.h"
#include "sp_cli.h"
#include "sp_error.h"
#include "sp_grid.h"

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

static int stat_row(sp_grid *g, const char *name, sp_ptest_stat e)
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
        stat_row(g, r->names[j], sp_cmd_fit_stat(r, r->theta, r->cov, j));
    if (r->has_rho)
        stat_row(g, "rho", sp_cmd_fit_stat(r, r->theta, r->cov, sp_pfe_irho(r)));
    if (r->has_lambda)
        stat_row(g, "lambda", sp_cmd_fit_stat(r, r->theta, r->cov, sp_pfe_ilambda(r)));
    stat_row(g, "sigma2", sp_ptest_z(r->theta[r->p - 1], NAN));
    return g;
}

static sp_grid *re_grid(const sp_pre_result *re)
{
    int p = re->k + 3;
    sp_grid *g = sp_grid_new("coefficients", coef_cols, 5);
    for (int j = 0; j < re->k; j++)
        stat_row(g, re->names[j], sp_ptest_z(re->beta[j], re->cov[j * p + j]));
    stat_row(g, "rho", sp_ptest_z(re->rho, re->cov[re->k * p + re->k]));
    stat_row(g, "theta", sp_ptest_z(re->theta, re->cov[(re->k + 1) * (p + 1)]));
    stat_row(g, "sigma2", sp_ptest_z(re->sigma2, NAN));
    stat_row(g, "sigma2_mu", sp_ptest_z(re->sigma2_mu, NAN));
    return g;
}

static sp_grid *tests_grid(const fp_run *R)
{
    static const sp_grid_col cols[] = {
        {.name = "test", .align = SP_GRID_LEFT}, {.name = "statistic"}, {.name = "df"},
        {.name = "p"}};
    fp_test list[16];
    int n = sp_cmd_fit_tests(R, list);
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
                sp_ptest_stat e = sp_cmd_fit_stat(r, r->theta, r->cov, idx);
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

static void print_vcov(FILE *f, const sp_pfe_result *r)
{
    if (!r)
        return;
    fprintf(f, "standard errors: %s%s%s\n",
           r->vcov == SP_VCOV_HESSIAN ? "observed information (Hessian)"
                                      : "analytic information matrix",
           r->vcov_fallback ? " (the information matrix is singular)" : "",
           r->sigma_df ? ", sigma2 = e'e/(n - k) as R lm (--sigma ml: e'e/n)"
           : r->m == 0 && r->fe == SP_FE_NONE ? ", sigma2 = e'e/n (ML; --sigma df: e'e/(n - k))"
                                               : "");
    if (!r->lndet_approx)
        return;
    fprintf(f, "note: the estimates rest on an approximate log-determinant (--logdet chol or lu "
           "for exact values)");
    for (int a = 0; a < 2; a++)
        if (a ? r->has_lambda : r->has_rho)
            fprintf(f, "; ln|I - %.6g W| = %.8g (exact %.8g)",
                   r->theta_ml[a ? sp_pfe_ilambda(r) : sp_pfe_irho(r)], r->lndet_at[a],
                   r->lndet_exact_at[a]);
    fprintf(f, "\n");
}

static void print_header(const fp_run *R)
{
    const fp_opts *o = R->o;
    const sp_pdata *D = R->D;
    if (o->out != SP_GRID_TEXT)
        return;
    if (o->cross) {
        fprintf(R->out, "Spatial %s, cross-section: %d observations, ML\n", sp_pmodel_name(o->model), D->n);
        char how[400];
        fprintf(R->out, "data %s, weights %s (%s); units matched to W by %s\n", o->data, o->wpath,
               sp_weights_std_name(o->std), sp_idmatch_describe(&R->match, how, sizeof how));
        print_vcov(R->out, R->fit);
        fputc('\n', R->out);
        return;
    }
    if (o->re)
        fprintf(R->out, "Spatial panel %s, random unit effects%s: %d units x %d periods = %d "
               "observations\n",
               sp_pmodel_name(o->model), o->fe == SP_FE_TIME ? " and fixed time effects" : "",
               D->n, D->t, D->n * D->t);
    else if (o->compare)
        fprintf(R->out, "Spatial panel %s with no, unit, time and two-way fixed effects: %d units x %d "
               "periods = %d observations\n",
               sp_pmodel_name(o->model), D->n, D->t, D->n * D->t);
    else
        fprintf(R->out, "Spatial panel %s, %s fixed effects: %d units x %d periods = %d observations\n",
               sp_pmodel_name(o->model), sp_within_fe_name(o->fe), D->n, D->t, D->n * D->t);
    fprintf(R->out, "data %s (%s, %s %s..%s), weights %s (%s)%s%s\n", o->data, o->idf, o->timef,
           D->periods[0], D->periods[D->t - 1], o->wpath, sp_weights_std_name(o->std),
           o->where ? ", " : "", o->where ? D->note : "");
    const sp_pfe_result *r = o->re ? R->re_fe : R->fit;
    if (o->compare)
        fprintf(R->out, "Lee-Yu bias correction of the fixed-effects columns: %s\n",
               o->leeyu == SP_LY_NONE ? "off (--no-lee-yu): maximum likelihood estimates"
               : o->leeyu == SP_LY_ELHORST
                   ? "on (Elhorst's convention; --no-lee-yu for the ML estimates)"
                   : "on (Lee-Yu convention; --no-lee-yu for the ML estimates)");
    else if (r->fe != SP_FE_NONE)
        fprintf(R->out, "Lee-Yu bias correction%s: %s\n", o->re ? " of the fixed-effects fit" : "",
               sp_cmd_fit_leeyu_text(r));
    if (!o->re)
        print_vcov(R->out, r);
    fputc('\n', R->out);
}


/* Write one table in the chosen format, a blank line after it, and free it. */
static int put_grid(FILE *f, sp_grid *g, sp_grid_format out)
{
    int rc = sp_grid_write(g, out, f);
    sp_grid_free(g);
    if (!rc)
        fputc('\n', f);
    return rc;
}

/* --dynamic: periods used, the bias correction and stationarity (text only). */
static void print_dynamic(const fp_run *R)
{
    const sp_pdyn_result *d = R->dyn;
    const sp_pdata *D = R->D;
    if (R->o->out != SP_GRID_TEXT)
        return;
    fprintf(R->out, "Dynamic spatial panel %s (%s lags), %s fixed effects: %d units x %d periods "
           "(%s..%s) = %d observations\n",
           sp_pmodel_name(R->o->model), sp_pdyn_name(R->o->dynamic), sp_within_fe_name(R->o->fe),
           D->n, R->unb_lag ? R->unb->t : D->t - 1, D->periods[1], D->periods[D->t - 1],
           R->unb ? R->unb->nobs : D->n * (D->t - 1));
    fprintf(R->out, "the first period (%s %s) is lost: it enters only as y(t-1)\n", R->o->timef,
           D->periods[0]);
    if (R->unb_lag)
        fprintf(R->out, "unbalanced: %ld unit-period%s of %s..%s left out (the period before is "
                "missing); W y(t-1) is the period before's own spatial lag W_{t-1} y_{t-1}\n",
                R->dyn_dropped, R->dyn_dropped == 1 ? "" : "s", D->periods[1],
                D->periods[D->t - 1]);
    for (int s = 1; s < D->t; s++)
        if (R->gap[s]) {
            char what[400];
            sp_cmd_fit_gap_text(R, s, what, sizeof what);
            fprintf(R->out, "%s: %s has no y(t-1) and is left out\n", what, D->periods[s]);
        }
    if (R->o->consecutive)
        fprintf(R->out, "--consecutive-periods: the %s labels' order is taken as consecutive "
                "periods\n", R->o->timef);
    else if (!R->periods_numeric)
        fprintf(R->out, "the %s labels are not numbers: their order is taken as consecutive "
                "periods\n", R->o->timef);
    char how[400];
    fprintf(R->out, "data %s, weights %s (%s); units matched to W by %s\n", R->o->data,
            R->o->wpath, sp_weights_std_name(R->o->std),
            sp_idmatch_describe(&R->match, how, sizeof how));
    fprintf(R->out, "bias correction: %s\n", d->bc ? sp_pdyn_bc_name(d->bc) : d->bc_note);
    fprintf(R->out, "stationarity (Elhorst 2012): tau + rho + eta = %.4f, largest root %.4f "
           "(uncorrected %.4f, %.4f)\n\n", d->stab.sum, d->stab.root, d->stab_ml.sum,
           d->stab_ml.root);
}

int sp_cmd_fit_tables(const fp_run *R)
{
    const fp_opts *o = R->o;
    int rc;
    if (o->dynamic) {
        print_dynamic(R);
        rc = put_grid(R->out, coef_grid(R->fit), o->out);
        for (int k = 0; !rc && R->eff && k < 2; k++)
            rc = put_grid(R->out, effects_grid(k ? R->eff_long : R->eff,
                                               k ? "long-run effects" : "short-run effects"),
                          o->out);
        return !rc && fflush(R->out) != 0 ? sp_error_set(SP_EDATA, "cannot write the tables") : rc;
    }
    print_header(R);
    if (o->re) {
        rc = put_grid(R->out, re_grid(R->re), o->out);
        if (!rc && o->out == SP_GRID_TEXT)
            fprintf(R->out, "log-likelihood %.4f   AIC %.4f   theta^2 = sigma2 / (T sigma2_mu + sigma2)\n\n",
                   R->re->loglik, sp_ptest_aic(R->re->loglik, R->re->k + 3));
    } else if (o->compare) {
        rc = put_grid(R->out, compare_grid(R), o->out);
    } else {
        rc = put_grid(R->out, coef_grid(R->fit), o->out);
        if (!rc && o->out == SP_GRID_TEXT)
            fprintf(R->out, "log-likelihood %.4f   AIC %.4f   R2 %.4f   corr2 %.4f\n\n", R->fit->loglik,
                   sp_ptest_aic(R->fit->loglik, R->fit->p), R->fit->r2, R->fit->corr2);
    }
    if (!rc)
        rc = put_grid(R->out, tests_grid(R), o->out);
    if (!rc && o->out == SP_GRID_TEXT) {
        char choice[512];
        sp_cmd_fit_choice(R, choice, sizeof choice);
        fprintf(R->out, "model choice: %s\n\n", choice);
    }
    if (!rc && R->eff) {
        char title[160];
        if (R->eff->draws)
            snprintf(title, sizeof title, "effects (standard errors from %d draws, seed %d)",
                     R->eff->draws, o->seed);
        else
            snprintf(title, sizeof title, "effects (delta-method standard errors)");
        rc = put_grid(R->out, effects_grid(R->eff, title), o->out);
    }
    if (!rc && fflush(R->out) != 0)
        rc = sp_error_set(SP_EDATA, "cannot write the tables");
    return rc;
}
