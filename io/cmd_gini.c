/* spill gini: inequality of a variable per period: Gini, Dagum's (1997)
 * decomposition by groups, Theil T and L, the (population-weighted) CV
 * (docs/distribution.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_distio.h"
#include "sp_error.h"
#include "sp_gini.h"
#include "sp_grid.h"
#include "sp_output.h"

static const char help[] =
    "usage: spill gini DATA --var V [--id ID --by TIME] [--group COL] [--weight POP\n"
    "                  [--weighted]] [--cv-divisor n|n-1] [-o OUT] [--csv|--markdown|--latex|--json]\n"
    "\n"
    "Gini coefficient of V (no n - 1 correction), Theil T and L and the coefficient of\n"
    "variation, per period with --by.  With --group: Dagum's (1997) decomposition\n"
    "G = G_w + G_nb + G_t, the within-group Gini G_jj, the between-group G_jh and\n"
    "D_jh, and the contributions in %; Theil T and L split into within and between.\n"
    "Groups are ordered by increasing mean, as Dagum requires (so D_jh >= 0 for the\n"
    "richer group j); pairs are printed richer-poorer.  V must be >= 0 (Theil L\n"
    "needs V > 0 and is left out, with a note, when a value is 0).\n"
    "\n"
    "options:\n"
    "  --var V             the variable\n"
    "  --id ID             unit id field (needed with --by)\n"
    "  --by TIME           period field of a long-format table: one result per period\n"
    "  --group COL         group field (e.g. region: East, Central, West)\n"
    "  --weight POP        population field: adds Williamson's population-weighted CV\n"
    "  --weighted          with --weight: the Gini and Dagum's decomposition weighted by\n"
    "                      POP (unit i counts POP_i times; p_j population shares, s_j\n"
    "                      income shares); Theil and CV stay unweighted\n"
    "  --cv-divisor D      n (default) or n-1 for the unweighted CV's standard deviation\n"
    "  --layer NAME        layer of DATA\n"
    "  -o OUT              one row per period with every statistic (by extension:\n"
    "                      .csv, .md, .tex, .json, .txt; else CSV)\n"
    "  --csv, --markdown, --latex  the printed tables in that format\n"
    "  --json              results as one JSON object on stdout\n"
    "  --timing            seconds spent reading and computing, on stderr\n";

static const sp_optspec spec[] = {{"var", 1},   {"id", 1},     {"by", 1},         {"group", 1},
                                  {"weight", 1}, {"layer", 1}, {"cv-divisor", 1}, {"output", 1},
                                  {"json", 0},   {"timing", 0}, {"weighted", 0},
                                  SP_GRID_FORMAT_OPTS, {NULL, 0}};

/* The options of spill gini, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_gini_opts(void) { return spec; }

typedef struct gini_res {
    int n;
    double gini, cv, cvw;
    sp_gini_dagum d;     /* with --group */
    sp_gini_theil th;
} gini_res;

typedef struct gini_job {
    sp_distio *D;
    const char *var, *weight;
    int ddof, weighted;   /* weighted: Gini and Dagum by the --weight population */
    gini_res *res;
} gini_job;

/* Notes on stderr about handling that readers should know of. */
static void notes(const gini_job *job, int g, const char *what)
{
    const gini_res *r = &job->res[g];
    if (!r->th.has_l)
        fprintf(stderr, "spill gini: %s: a value of %s is 0: Theil L (mean log deviation) is left out\n",
                what, job->var);
    for (int j = 0; job->D->code && j < r->d.k; j++)
        if (r->d.size[j] == 1)
            fprintf(stderr, "spill gini: %s: group '%s' has one unit: its within-group Gini is 0\n",
                    what, job->D->groups[r->d.order[j]]);
}

/* Every statistic of period g. */
static int run_period(gini_job *job, int g, double *x, double *w, int *codes, const char **ids)
{
    gini_res *r = &job->res[g];
    char what[512], subject[640];
    sp_panel_describe(job->D->P, g, what, sizeof what);
    snprintf(subject, sizeof subject, "%s: %s", what, job->var);
    int rc = sp_distio_period(job->D, g, job->var, ids, x, job->D->code ? codes : NULL);
    if (!rc && job->weight)
        rc = sp_panel_numeric(job->D->P, g, job->weight, w);
    r->n = job->D->P->periods[g].n;
    const double *gw = job->weighted ? w : NULL;
    if (!rc && !job->D->code)
        rc = sp_gini_weighted(x, gw, r->n, ids, subject, &r->gini);
    if (!rc)
        rc = sp_gini_theil_compute(x, job->D->code ? codes : NULL, r->n, job->D->ngroups, ids,
                                   subject, &r->th);
    if (!rc)
        rc = sp_gini_cv(x, NULL, r->n, job->ddof, ids, subject, &r->cv);
    r->cvw = NAN;
    if (!rc && job->weight)
        rc = sp_gini_cv(x, w, r->n, 0, ids, subject, &r->cvw);
    if (!rc && job->D->code)
        rc = sp_gini_dagum_weighted(x, gw, codes, r->n, job->D->ngroups, ids, subject, &r->d);
    if (!rc && job->D->code)
        r->gini = r->d.gini;      /* the same G, from the decomposition's sort */
    if (!rc)
        notes(job, g, what);
    return rc;
}

static int run_all(gini_job *job)
{
    int m = sp_distio_maxn(job->D), np = job->D->P->nperiods, rc = SP_OK;
    double *x = sp_malloc((size_t)m * sizeof *x), *w = sp_malloc((size_t)m * sizeof *w);
    int *codes = sp_malloc((size_t)m * sizeof *codes);
    const char **ids = sp_malloc((size_t)m * sizeof *ids);
    job->res = sp_calloc((size_t)np, sizeof *job->res);
    if (!x || !w || !codes || !ids || !job->res)
        rc = SP_ENOMEM;
    for (int g = 0; !rc && g < np; g++)
        rc = run_period(job, g, x, w, codes, ids);
    free(x), free(w), free(codes), free(ids);
    return rc;
}

/* Rank in period g of the caller's group code c. */
static int rank_of(const sp_gini_dagum *d, int c)
{
    for (int j = 0; j < d->k; j++)
        if (d->order[j] == c)
            return j;
    return -1;
}

static json_t *dagum_json(const gini_job *job, const sp_gini_dagum *d)
{
    json_t *groups = json_array(), *pairs = json_array();
    int k = d->k;
    for (int j = 0; j < k; j++) {
        json_t *gj = json_pack("{s:s, s:i, s:o, s:o}", "group", job->D->groups[d->order[j]], "n",
                               d->size[j], "mean", sp_json_real(d->gmean[j]), "gini",
                               sp_json_real(d->gjj[j]));
        if (job->weighted)
            json_object_set_new(gj, "population", sp_json_real(d->weight[j]));
        json_array_append_new(groups, gj);
    }
    for (int j = k - 1; j > 0; j--)
        for (int h = j - 1; h >= 0; h--)
            json_array_append_new(pairs, json_pack("{s:s, s:s, s:o, s:o}", "a", job->D->groups[d->order[j]],
                                                   "b", job->D->groups[d->order[h]], "gini",
                                                   sp_json_real(d->gjh[j * k + h]), "D",
                                                   sp_json_real(d->djh[j * k + h])));
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o}", "within", sp_json_real(d->within), "between",
                          sp_json_real(d->between), "transvariation", sp_json_real(d->transvariation),
                          "groups", groups, "pairs", pairs);
    json_object_set_new(o, "contributions",
                        json_pack("{s:o, s:o, s:o}", "within", sp_json_real(d->pct_within),
                                  "between", sp_json_real(d->pct_between), "transvariation",
                                  sp_json_real(d->pct_transvariation)));
    return o;
}

static int print_json(const gini_job *job)
{
    json_t *results = json_array();
    for (int g = 0; g < job->D->P->nperiods; g++) {
        const gini_res *r = &job->res[g];
        json_t *o = json_pack("{s:o, s:i, s:o}", "by", sp_distio_by_json(job->D, g), "n", r->n, "gini",
                              sp_json_real(r->gini));
        if (job->D->code) {
            json_t *d = dagum_json(job, &r->d);
            json_object_update(o, d);
            json_decref(d);
        }
        json_object_set_new(o, "theil", json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "T", sp_json_real(r->th.t),
                                                  "T_within", sp_json_real(r->th.t_within), "T_between",
                                                  sp_json_real(r->th.t_between), "L", sp_json_real(r->th.l),
                                                  "L_within", sp_json_real(r->th.l_within), "L_between",
                                                  sp_json_real(r->th.l_between)));
        json_object_set_new(o, "cv", sp_json_real(r->cv));
        if (job->weight)
            json_object_set_new(o, "cv_weighted", sp_json_real(r->cvw));
        json_array_append_new(results, o);
    }
    json_t *root = json_pack("{s:s, s:o}", "var", job->var, "results", results);
    if (job->D->code)
        json_object_set_new(root, "group_order", json_string(job->weighted
                                                    ? "increasing population-weighted mean (Dagum 1997)"
                                                    : "increasing mean (Dagum 1997)"));
    json_object_set_new(root, "weighted", json_boolean(job->weighted));
    json_object_set_new(root, "cv_divisor", json_string(job->ddof ? "n-1" : "n"));
    return sp_json_print(root);
}

/* The summary table: one row per period (wide = 1 adds Dagum's terms, the
 * groups and the pairs as columns named by their labels, for -o). */
static sp_grid *summary_grid(const gini_job *job, const char *fmt, int wide)
{
    static const char *const keys[] = {"gini", "theil_t", "theil_t_within", "theil_t_between", "theil_l",
                                       "theil_l_within", "theil_l_between", "cv", "cv_weighted",
                                       "within", "between", "transvariation", "within_pct",
                                       "between_pct", "transvariation_pct"};
    static const char *const names[] = {"Gini", "Theil_T", "T_within", "T_between", "Theil_L",
                                        "L_within", "L_between", "CV", "CV_pop"};
    const sp_distio *D = job->D;
    int k = D->ngroups, dagum = wide && D->code, show[15];
    for (int j = 0; j < 15; j++)      /* Theil's split only with groups, CV_pop only with --weight */
        show[j] = (j != 8 || job->weight) && (j < 9 || dagum) &&
                  (D->code || (j != 2 && j != 3 && j != 5 && j != 6));
    sp_distio_cols c = {0};
    sp_distio_cols_add(&c, SP_GRID_LEFT, "by");
    sp_distio_cols_add(&c, SP_GRID_RIGHT, "n");
    for (int j = 0; j < 15; j++)
        if (show[j])
            sp_distio_cols_add(&c, SP_GRID_RIGHT, "%s", wide || j > 8 ? keys[j] : names[j]);
    for (int j = 0; dagum && j < k; j++) {
        sp_distio_cols_add(&c, SP_GRID_RIGHT, "gini_%s", D->groups[j]);
        sp_distio_cols_add(&c, SP_GRID_RIGHT, "mean_%s", D->groups[j]);
    }
    for (int j = 0; dagum && j < k; j++)
        for (int h = j + 1; h < k; h++) {
            sp_distio_cols_add(&c, SP_GRID_RIGHT, "gini_%s_%s", D->groups[j], D->groups[h]);
            sp_distio_cols_add(&c, SP_GRID_RIGHT, "D_%s_%s", D->groups[j], D->groups[h]);
        }
    char title[256];
    snprintf(title, sizeof title, "inequality of %s (Gini%s without n - 1 correction; CV divisor %s)",
             job->var, job->weighted ? " weighted by the population," : "", job->ddof ? "n - 1" : "n");
    sp_grid *g = sp_distio_cols_grid(&c, title);
    for (int p = 0; p < D->P->nperiods; p++) {
        const gini_res *r = &job->res[p];
        const sp_gini_dagum *d = &r->d;
        sp_grid_row(g);
        sp_grid_str(g, D->P->periods[p].label);
        sp_grid_int(g, r->n);
        double v[15] = {r->gini, r->th.t, r->th.t_within, r->th.t_between, r->th.l, r->th.l_within,
                        r->th.l_between, r->cv, r->cvw, d->within, d->between, d->transvariation,
                        d->pct_within, d->pct_between, d->pct_transvariation};
        for (int j = 0; j < 15; j++)
            if (show[j])
                sp_grid_num(g, fmt, v[j]);
        for (int j = 0; dagum && j < k; j++)
            sp_grid_num(g, fmt, d->gjj[rank_of(d, j)]), sp_grid_num(g, fmt, d->gmean[rank_of(d, j)]);
        for (int j = 0; dagum && j < k; j++)
            for (int h = j + 1; h < k; h++)
                sp_grid_num(g, fmt, d->gjh[rank_of(d, j) * k + rank_of(d, h)]),
                    sp_grid_num(g, fmt, d->djh[rank_of(d, j) * k + rank_of(d, h)]);
    }
    return g;
}

/* Dagum's components per period. */
static sp_grid *dagum_grid(const gini_job *job, const char *fmt)
{
    static const sp_grid_col cols[] = {{.name = "by", .align = SP_GRID_LEFT}, {.name = "G", .key = "gini"},
                                       {.name = "G_w", .key = "within"}, {.name = "G_nb", .key = "between"},
                                       {.name = "G_t", .key = "transvariation"}, {.name = "G_w%", .key = "within_pct"},
                                       {.name = "G_nb%", .key = "between_pct"},
                                       {.name = "G_t%", .key = "transvariation_pct"}};
    sp_grid *g = sp_grid_new(job->weighted ? "Dagum (1997) decomposition G = G_w + G_nb + G_t, "
                                             "population-weighted"
                                           : "Dagum (1997) decomposition G = G_w + G_nb + G_t",
                             cols, 8);
    for (int p = 0; p < job->D->P->nperiods; p++) {
        const sp_gini_dagum *d = &job->res[p].d;
        double v[7] = {d->gini, d->within, d->between, d->transvariation, d->pct_within, d->pct_between,
                       d->pct_transvariation};
        sp_grid_row(g);
        sp_grid_str(g, job->D->P->periods[p].label);
        for (int c = 0; c < 7; c++)
            sp_grid_num(g, fmt, v[c]);
    }
    return g;
}

/* G_jj per group (which = 0), or G_jh (1) / D_jh (2) per pair, columns in the
 * first period's order of increasing mean (pairs richer-poorer: ranks j > h). */
static sp_grid *group_grid(const gini_job *job, const char *fmt, int which)
{
    static const char *const titles[] = {
        "within-group Gini G_jj (groups by increasing mean of the first period)",
        "between-group Gini G_jh (pairs richer-poorer in the first period)",
        "relative economic affluence D_jh (negative: the means' order flipped)"};
    const sp_distio *D = job->D;
    const int *first = job->res[0].d.order;     /* rank -> group code in the first period */
    int k = D->ngroups;
    sp_distio_cols c = {0};
    sp_distio_cols_add(&c, SP_GRID_LEFT, "by");
    for (int j = 0; !which && j < k; j++)
        sp_distio_cols_add(&c, SP_GRID_RIGHT, "%s", D->groups[first[j]]);
    for (int j = k - 1; which && j > 0; j--)
        for (int h = j - 1; h >= 0; h--)
            sp_distio_cols_add(&c, SP_GRID_RIGHT, "%s-%s", D->groups[first[j]], D->groups[first[h]]);
    sp_grid *g = sp_distio_cols_grid(&c, titles[which]);
    for (int p = 0; p < D->P->nperiods; p++) {
        const sp_gini_dagum *d = &job->res[p].d;
        sp_grid_row(g);
        sp_grid_str(g, D->P->periods[p].label);
        for (int j = 0; !which && j < k; j++)
            sp_grid_num(g, fmt, d->gjj[rank_of(d, first[j])]);
        for (int j = k - 1; which && j > 0; j--)
            for (int h = j - 1; h >= 0; h--) {
                int a = rank_of(d, first[j]), b = rank_of(d, first[h]);
                sp_grid_num(g, fmt, (which == 2 ? d->djh : d->gjh)[a * k + b]);
            }
    }
    return g;
}

/* Every table to stdout in the chosen format, blank lines between them. */
static int print_tables(const gini_job *job, sp_grid_format format)
{
    const char *fmt = sp_distio_numfmt(format);
    sp_grid *g[5] = {summary_grid(job, fmt, 0), NULL, NULL, NULL, NULL};
    if (job->D->code) {
        g[1] = dagum_grid(job, fmt);
        for (int w = 0; w < 3; w++)
            g[2 + w] = group_grid(job, fmt, w);
    }
    int rc = SP_OK;
    for (int t = 0; t < 5 && g[t]; t++) {
        if (!rc && t)
            fputc('\n', stdout);
        if (!rc)
            rc = sp_grid_write(g[t], format, stdout);
    }
    for (int t = 0; t < 5; t++)
        sp_grid_free(g[t]);
    return rc;
}

int sp_cmd_gini(int argc, char **argv)
{
    sp_args a;
    sp_grid_format format;
    int rc = sp_distio_args(argc, argv, spec, help, &a, &format);
    if (rc)
        return rc;
    gini_job job = {0};
    job.var = sp_args_get(&a, "var"), job.weight = sp_args_get(&a, "weight");
    if (!job.var)
        return sp_error_set(SP_EUSAGE, "--var is required (see --help)");
    static const char *const divisors[] = {"n", "n-1"};
    if ((rc = sp_args_choice(&a, "cv-divisor", divisors, 2, &job.ddof)))
        return rc;
    job.weighted = sp_args_flag(&a, "weighted");
    if (job.weighted && !job.weight)
        return sp_error_set(SP_EUSAGE, "--weighted needs --weight POP (the population field)");
    const char *out = sp_args_get(&a, "output");
    double t0 = sp_clock_seconds();
    rc = sp_distio_open_args(&a, &job.D);
    double t1 = sp_clock_seconds();
    if (!rc)
        rc = run_all(&job);
    if (!rc && sp_args_flag(&a, "timing"))
        sp_clock_report("gini", t1 - t0, sp_clock_seconds() - t1, -1.0);
    if (!rc && out) {
        rc = sp_distio_emit(summary_grid(&job, sp_distio_numfmt(sp_grid_format_for(out, SP_GRID_CSV)), 1), SP_GRID_TEXT, out);
    }
    if (!rc && sp_args_flag(&a, "json"))
        rc = print_json(&job);
    else if (!rc)
        rc = print_tables(&job, format);
    for (int g = 0; job.res && g < job.D->P->nperiods; g++)
        sp_gini_dagum_free(&job.res[g].d);
    free(job.res);
    sp_distio_close(job.D);
    return rc;
}
