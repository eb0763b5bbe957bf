/* spill fit --latex: journal-style three-line (booktabs) tables with stars. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_fit.h"
#include "sp_cli.h"
#include "sp_error.h"
#include "sp_grid.h"

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
    FILE *f = R->out;
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
                sp_ptest_stat e = j >= 0 ? sp_cmd_fit_stat(cols[c], cols[c]->theta, cols[c]->cov, j)
                                 : (sp_ptest_stat){NAN, NAN, NAN, NAN};
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
                sp_ptest_stat e = sp_cmd_fit_stat(cols[c], cols[c]->theta, cols[c]->cov, j);
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
    FILE *f = R->out;
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
    FILE *f = R->out;
    fp_test list[16];
    int n = sp_cmd_fit_tests(R, list);
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

int sp_cmd_fit_latex(const fp_run *R)
{
    journal_estimates(R);
    if (R->eff)
        journal_effects(R);
    journal_tests(R);
    return fflush(R->out) == 0 ? SP_OK : sp_error_set(SP_EDATA, "cannot write the LaTeX tables");
}
