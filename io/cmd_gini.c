/* spill gini: inequality of a variable per period: Gini, Dagum's (1997)
 * decomposition by groups, Theil T and L, the (population-weighted) CV
 * (docs/distribution.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cli.h"
#include "sp_distio.h"
#include "sp_error.h"
#include "sp_gini.h"
#include "sp_output.h"

static const char help[] =
    "usage: spill gini DATA --var V [--id ID --by TIME] [--group COL] [--weight POP]\n"
    "                  [--cv-divisor n|n-1] [-o OUT.csv] [--json]\n"
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
    "  --cv-divisor D      n (default) or n-1 for the unweighted CV's standard deviation\n"
    "  --layer NAME        layer of DATA\n"
    "  -o OUT.csv          one row per period with every statistic\n"
    "  --json              results as one JSON object on stdout\n";

static const sp_optspec spec[] = {{"var", 1},   {"id", 1},     {"by", 1},         {"group", 1},
                                  {"weight", 1}, {"layer", 1}, {"cv-divisor", 1}, {"output", 1},
                                  {"json", 0},   {NULL, 0}};

typedef struct gini_res {
    int n;
    double gini, cv, cvw;
    sp_gini_dagum d;     /* with --group */
    sp_gini_theil th;
} gini_res;

typedef struct gini_job {
    sp_distio *D;
    const char *var, *weight;
    int ddof;
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
    if (!rc)
        rc = sp_gini_plain(x, r->n, ids, subject, &r->gini);
    if (!rc)
        rc = sp_gini_theil_compute(x, job->D->code ? codes : NULL, r->n, job->D->ngroups, ids,
                                   subject, &r->th);
    if (!rc)
        rc = sp_gini_cv(x, NULL, r->n, job->ddof, ids, subject, &r->cv);
    r->cvw = NAN;
    if (!rc && job->weight)
        rc = sp_gini_cv(x, w, r->n, 0, ids, subject, &r->cvw);
    if (!rc && job->D->code)
        rc = sp_gini_dagum_compute(x, codes, r->n, job->D->ngroups, ids, subject, &r->d);
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
    for (int j = 0; j < k; j++)
        json_array_append_new(groups, json_pack("{s:s, s:i, s:o, s:o}", "group",
                                                job->D->groups[d->order[j]], "n", d->size[j], "mean",
                                                sp_json_real(d->gmean[j]), "gini", sp_json_real(d->gjj[j])));
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
        json_object_set_new(root, "group_order", json_string("increasing mean (Dagum 1997)"));
    json_object_set_new(root, "cv_divisor", json_string(job->ddof ? "n-1" : "n"));
    return sp_json_print(root);
}

/* A number, or "-" for an absent value. */
static void cell(double v, int width)
{
    if (isfinite(v))
        printf(" %*.4f", width, v);
    else
        printf(" %*s", width, "-");
}

/* Dagum's tables: components, G_jj per group, G_jh and D_jh per pair. */
static void print_dagum(const gini_job *job)
{
    const sp_distio *D = job->D;
    const sp_gini_dagum *d0 = &job->res[0].d;
    int k = D->ngroups, np = D->P->nperiods;
    printf("\nDagum decomposition (groups in increasing order of mean, Dagum 1997; columns in the\n"
           "first period's order: a negative D means the means' order flipped)\n");
    printf("%-10s %8s %8s %8s %8s %8s %8s %8s\n", "by", "G", "G_w", "G_nb", "G_t", "G_w%", "G_nb%", "G_t%");
    for (int g = 0; g < np; g++) {
        const sp_gini_dagum *d = &job->res[g].d;
        printf("%-10s", D->P->periods[g].label);
        double v[7] = {d->gini, d->within, d->between, d->transvariation, d->pct_within,
                       d->pct_between, d->pct_transvariation};
        for (int c = 0; c < 7; c++)
            cell(v[c], 8);
        printf("\n");
    }
    printf("\n%-10s", "G_jj");
    for (int j = 0; j < k; j++)
        printf(" %12.12s", D->groups[d0->order[j]]);
    printf("\n");
    for (int g = 0; g < np; g++) {
        printf("%-10s", D->P->periods[g].label);
        for (int j = 0; j < k; j++)
            cell(job->res[g].d.gjj[rank_of(&job->res[g].d, d0->order[j])], 12);
        printf("\n");
    }
    for (int which = 0; which < 2; which++) {
        printf("\n%-10s", which ? "D_jh" : "G_jh");
        for (int j = k - 1; j > 0; j--)
            for (int h = j - 1; h >= 0; h--) {
                char pair[64];
                snprintf(pair, sizeof pair, "%.8s-%.8s", D->groups[d0->order[j]], D->groups[d0->order[h]]);
                printf(" %17s", pair);
            }
        printf("\n");
        for (int g = 0; g < np; g++) {
            const sp_gini_dagum *d = &job->res[g].d;
            printf("%-10s", D->P->periods[g].label);
            for (int j = k - 1; j > 0; j--)
                for (int h = j - 1; h >= 0; h--) {
                    int a = rank_of(d, d0->order[j]), b = rank_of(d, d0->order[h]);
                    cell((which ? d->djh : d->gjh)[a * k + b], 17);
                }
            printf("\n");
        }
    }
}

static void print_text(const gini_job *job)
{
    const sp_distio *D = job->D;
    printf("inequality of %s (Gini without n - 1 correction; CV divisor %s)\n", job->var,
           job->ddof ? "n - 1" : "n");
    printf("%-10s %6s %8s %8s %8s %8s %8s %8s %8s %8s", "by", "n", "Gini", "Theil_T", "T_within",
           "T_betw", "Theil_L", "L_within", "L_betw", "CV");
    printf(job->weight ? " %8s\n" : "\n", "CV_pop");
    for (int g = 0; g < D->P->nperiods; g++) {
        const gini_res *r = &job->res[g];
        printf("%-10s %6d", D->P->periods[g].label, r->n);
        double v[8] = {r->gini, r->th.t, r->th.t_within, r->th.t_between, r->th.l, r->th.l_within,
                       r->th.l_between, r->cv};
        for (int c = 0; c < 8; c++)
            cell(v[c], 8);
        if (job->weight)
            cell(r->cvw, 8);
        printf("\n");
    }
    if (D->code)
        print_dagum(job);
}

/* One CSV value, empty when absent. */
static void csv_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, ",%.17g", v);
    else
        fputc(',', f);
}

/* -o: one row per period; groups and pairs as columns named by their labels. */
static void write_rows(const gini_job *job, FILE *f)
{
    const sp_distio *D = job->D;
    int k = D->ngroups;
    fputs("by,n,gini,theil_t,theil_t_within,theil_t_between,theil_l,theil_l_within,theil_l_between,cv", f);
    fputs(job->weight ? ",cv_weighted" : "", f);
    if (D->code) {
        fputs(",within,between,transvariation,within_pct,between_pct,transvariation_pct", f);
        for (int j = 0; j < k; j++)
            fprintf(f, ",gini_%s,mean_%s", D->groups[j], D->groups[j]);
        for (int j = 0; j < k; j++)
            for (int h = j + 1; h < k; h++)
                fprintf(f, ",gini_%s_%s,D_%s_%s", D->groups[j], D->groups[h], D->groups[j], D->groups[h]);
    }
    fputc('\n', f);
    for (int g = 0; g < D->P->nperiods; g++) {
        const gini_res *r = &job->res[g];
        const sp_gini_dagum *d = &r->d;
        sp_table_csv_field(f, D->P->periods[g].label);
        fprintf(f, ",%d", r->n);
        double v[9] = {r->gini, r->th.t, r->th.t_within, r->th.t_between, r->th.l, r->th.l_within,
                       r->th.l_between, r->cv, r->cvw};
        for (int c = 0; c < (job->weight ? 9 : 8); c++)
            csv_num(f, v[c]);
        if (D->code) {
            double c6[6] = {d->within, d->between, d->transvariation, d->pct_within,
                            d->pct_between, d->pct_transvariation};
            for (int c = 0; c < 6; c++)
                csv_num(f, c6[c]);
            for (int j = 0; j < k; j++)
                csv_num(f, d->gjj[rank_of(d, j)]), csv_num(f, d->gmean[rank_of(d, j)]);
            for (int j = 0; j < k; j++)
                for (int h = j + 1; h < k; h++)
                    csv_num(f, d->gjh[rank_of(d, j) * k + rank_of(d, h)]),
                        csv_num(f, d->djh[rank_of(d, j) * k + rank_of(d, h)]);
        }
        fputc('\n', f);
    }
}

static int write_csv(const gini_job *job, const char *path)
{
    sp_output o;
    int rc = sp_output_begin(path, &o);
    if (rc)
        return rc;
    FILE *f = fopen(o.tmp_path, "w");
    if (!f) {
        sp_output_abort(&o);
        return sp_error_set(SP_EDATA, "%s: cannot write", path);
    }
    write_rows(job, f);
    if (fclose(f) != 0) {
        sp_output_abort(&o);
        return sp_error_set(SP_EDATA, "%s: cannot write", path);
    }
    return sp_output_commit(&o);
}

int sp_cmd_gini(int argc, char **argv)
{
    sp_args a;
    int rc = sp_args_parse(argc, argv, spec, help, &a);
    if (rc)
        return rc;
    if ((rc = sp_args_positional(&a, 1, "DATA")))
        return rc;
    gini_job job = {0};
    job.var = sp_args_get(&a, "var"), job.weight = sp_args_get(&a, "weight");
    if (!job.var)
        return sp_error_set(SP_EUSAGE, "--var is required (see --help)");
    static const char *const divisors[] = {"n", "n-1"};
    if ((rc = sp_args_choice(&a, "cv-divisor", divisors, 2, &job.ddof)))
        return rc;
    const char *out = sp_args_get(&a, "output");
    if (out && !strstr(out, ".csv"))
        return sp_error_set(SP_EUSAGE, "-o %s: gini writes a .csv table", out);
    rc = sp_distio_open(a.pos[0], sp_args_get(&a, "layer"), sp_args_get(&a, "id"), sp_args_get(&a, "by"),
                        sp_args_get(&a, "group"), &job.D);
    if (!rc)
        rc = run_all(&job);
    if (!rc && out)
        rc = write_csv(&job, out);
    if (!rc && sp_args_flag(&a, "json"))
        rc = print_json(&job);
    else if (!rc)
        print_text(&job);
    for (int g = 0; job.res && g < job.D->P->nperiods; g++)
        sp_gini_dagum_free(&job.res[g].d);
    free(job.res);
    sp_distio_close(job.D);
    return rc;
}
