/* spill lisa: local Moran's I (LISA) clusters and outliers as an output layer
 * with ArcGIS's field names (core/sp_lisa.h has the formulas). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_acio.h"
#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_error.h"
#include "sp_grid.h"
#include "sp_table.h"
#include "sp_lisa.h"
#include "sp_output.h"

static const char help[] =
    "usage: spill lisa SRC --w W --var V -o OUT [--perm N] [--alpha A] [--fdr] [--json]\n"
    "\n"
    "Local Moran's I of V.  OUT copies SRC's features and attributes and adds\n"
    "LMiIndex, LMiZScore, LMiPValue, COType (HH, LL, HL, LH, or empty when not\n"
    "significant) and NNeighbors; the format follows OUT's extension (.gpkg .shp\n"
    ".geojson .fgb .csv ...).\n"
    "\n"
    "options:\n"
    SP_ACIO_LOCAL_INPUT_HELP
    "  --standardize S      row (default, as GeoDa and spdep style W), binary, none, ...\n"
    "  --variance S         scaling of LMiIndex: sample (default: sum z^2/(n-1), as\n"
    "                       GeoDa, esda and spdep localmoran(mlvar = FALSE)), n (spdep's\n"
    "                       default mlvar = TRUE), loo (ArcGIS's leave-one-out S_i^2)\n"
    "  --moments M          total (default: Anselin 1995, ArcGIS, spdep conditional =\n"
    "                       FALSE) or conditional (spdep's default) for LMiZScore\n"
    "  --perm N             conditional permutations (default 999; 0: normal p-values)\n"
    SP_ACIO_LOCAL_SEED_HELP
    "  --alpha A            significance level for COType (default 0.05)\n"
    "  --fdr                Benjamini-Hochberg false discovery rate control at alpha\n"
    "  --scatter FILE.csv   Moran scatterplot data: id, [period,] z, Wz\n"
    SP_ACIO_LOCAL_OUTPUT_HELP
    "\n"
    "LMiPValue is the folded pseudo p-value (min(#>=, #<=) + 1) / (N + 1) of the\n"
    "conditional permutation test (GeoDa, esda), or with --perm 0 the two-sided\n"
    "normal p-value of LMiZScore.  COType: H/L of the value against the mean, then\n"
    "of the neighbours' mean (the spatial lag).  Units without neighbours get NULL\n"
    "statistics and an empty COType, with a warning naming them.\n";

static const sp_optspec spec[] = {
    {"w", 1},       {"var", 1},      {"id", 1},     {"layer", 1},   {"data", 1},
    {"data-id", 1}, {"id-order", 0}, {"strict", 0}, {"layout", 1}, {"by", 1}, {"w-by", 1},       {"standardize", 1}, {"variance", 1}, {"moments", 1},
    {"perm", 1},    {"seed", 1}, {"perm-method", 1},     {"threads", 1}, {"alpha", 1},  {"fdr", 0},
    {"scatter", 1}, {"output", 1}, {"shard", 1},   {"json", 0},   {"timing", 0}, SP_GRID_FORMAT_OPTS,
    {NULL, 0},
};

/* The options of spill lisa, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_lisa_opts(void) { return spec; }

enum { COL_I, COL_Z, COL_P };

/* CSV field, quoted when it holds a separator or a quote. */

/* The scatterplot rows of one period: id, [period,] z, Wz (empty Wz for islands). */
static void scatter_rows(FILE *f, const sp_acio_period *p, const sp_lisa *L)
{
    for (int i = 0; i < p->n; i++) {
        sp_table_csv_field(f, p->ids[i]);
        if (p->label) {
            fputc(',', f);
            sp_table_csv_field(f, p->label);
        }
        fprintf(f, ",%.17g,", L->z[i]);
        if (!isnan(L->wz[i]))
            fprintf(f, "%.17g", L->wz[i]);
        fputc('\n', f);
    }
}

/* Significant units per quadrant, count[SP_QUAD_*]. */
static json_t *period_json(const sp_acio_period *p, const sp_lisa *L, const int count[5],
                           json_t *islands)
{
    json_t *o = json_pack("{s:o, s:i, s:o, s:i, s:i, s:i, s:i, s:i}", "by",
                          sp_acio_by_json(p->label), "n", p->n, "islands", islands,
                          "significant", L->n_significant, "HH", count[SP_QUAD_HH], "LL",
                          count[SP_QUAD_LL], "HL", count[SP_QUAD_HL], "LH", count[SP_QUAD_LH]);
    json_object_set_new(o, "fdr_cutoff", sp_json_real(L->fdr_cutoff));
    return o;
}

typedef struct lisa_run {
    sp_acio_local b; /* first: the frame shared with hotspot */
    sp_std style;
    sp_lisa_opts o;
    FILE *scatter;
} lisa_run;

static int lisa_prepare(void *ctx, sp_acio_period *p)
{
    lisa_run *run = ctx;
    int rc = sp_acio_no_self(run->b.A, p, "local Moran's I");
    return rc ? rc : sp_weights_standardize(p->W, run->style);
}

static int lisa_compute(void *ctx, const sp_acio_period *p, void **stat, const int **nneigh)
{
    lisa_run *run = ctx;
    sp_lisa *L;
    sp_lisa_opts o = run->o;
    o.perm.only = run->b.only; /* --shard: permute the shard's units only */
    int rc = sp_lisa_compute(p->W->w, p->x, p->subject, &o, &L);
    if (rc)
        return rc;
    int undefined = 0;
    for (int i = 0; i < p->n; i++)
        undefined += L->nneigh[i] > 0 && isnan(L->zscore[i]);
    if (undefined)
        sp_acio_warn(run->b.A, "%s: %d unit%s with a non-positive variance of I_i: LMiZScore is NULL",
                     p->what, undefined, undefined > 1 ? "s" : "");
    *stat = L;
    *nneigh = L->nneigh;
    return SP_OK;
}

/* The layer's fields, the scatter rows, the JSON result and the table row. */
static int lisa_record(void *ctx, const sp_acio_period *p, void *stat, int base, json_t *islands)
{
    lisa_run *run = ctx;
    const sp_lisa *L = stat;
    for (int i = 0; i < p->n; i++) {
        run->b.out.real[COL_I][base + i] = L->I[i];
        run->b.out.real[COL_Z][base + i] = L->zscore[i];
        run->b.out.real[COL_P][base + i] = L->p[i];
        run->b.out.text[0][base + i] = sp_lisa_cotype(L, i);
    }
    if (run->scatter)
        scatter_rows(run->scatter, p, L);
    int count[5];
    sp_lisa_counts(L, count);
    json_array_append_new(run->b.results, period_json(p, L, count, islands));
    int cells[] = {p->n, L->n_significant, count[SP_QUAD_HH], count[SP_QUAD_LL],
                   count[SP_QUAD_HL], count[SP_QUAD_LH]};
    int rc = sp_grid_row(run->b.table);
    rc = rc ? rc : sp_grid_str(run->b.table, p->label ? p->label : "-");
    for (int k = 0; k < 6 && !rc; k++)
        rc = sp_grid_int(run->b.table, cells[k]);
    return rc;
}

static void lisa_free_stat(void *stat) { sp_lisa_free(stat); }

static const sp_acio_local_stat lisa_stat = {
    .islands = "no local statistic (NULL), empty COType",
    .real_name = {[COL_I] = "LMiIndex", [COL_Z] = "LMiZScore", [COL_P] = "LMiPValue"},
    .text_name = {"COType"}, .text_width = {2},
    .prepare = lisa_prepare, .compute = lisa_compute, .record = lisa_record,
    .free = lisa_free_stat};

static int lisa_options(const sp_args *a, void *ctx)
{
    lisa_run *run = ctx;
    static const char *const scales[] = {"sample", "n", "loo"};
    static const char *const moments[] = {"total", "conditional"};
    int scale = SP_LISA_SAMPLE, mom = SP_LISA_TOTAL, rc;
    const char *std_name = sp_args_get(a, "standardize");
    run->style = SP_STD_ROW;
    if ((std_name && (rc = sp_weights_std_parse(std_name, &run->style))) ||
        (rc = sp_args_choice(a, "variance", scales, 3, &scale)) ||
        (rc = sp_args_choice(a, "moments", moments, 2, &mom)) ||
        (rc = sp_args_int(a, "perm", 999, 0, &run->o.perm.perm)) ||
        (rc = sp_args_threads(a, &run->o.perm.threads)) ||
        (rc = sp_args_double(a, "alpha", 0.05, &run->o.alpha)))
        return rc;
    if (!(run->o.alpha > 0.0 && run->o.alpha < 1.0))
        return sp_error_set(SP_EUSAGE, "--alpha must lie between 0 and 1 (got %g)", run->o.alpha);
    run->o.scale = (sp_lisa_scale)scale;
    run->o.moments = (sp_lisa_moments)mom;
    run->o.fdr = sp_args_flag(a, "fdr");
    run->o.perm.seed = (uint64_t)run->b.seed;
    run->o.perm.method = (sp_perm_method)run->b.perm_method;
    return SP_OK;
}

static int lisa_run_all(lisa_run *run, const char *scatter_path)
{
    sp_output so = {0};
    int rc = SP_OK;
    if (scatter_path) {
        if (!(rc = sp_output_begin(scatter_path, &so)) && !(run->scatter = fopen(so.tmp_path, "w")))
            rc = sp_error_set(SP_EDATA, "%s: cannot write", scatter_path);
        if (run->scatter)
            fprintf(run->scatter, "id,%s%sz,Wz\n", run->b.A->a.by ? run->b.A->a.by : "",
                    run->b.A->a.by ? "," : "");
    }
    sp_grid_col cols[] = {
        {.name = run->b.A->a.by ? run->b.A->a.by : "by", .width = 10, .align = SP_GRID_LEFT},
        {.name = "n", .width = 6}, {.name = "signif", .width = 6}, {.name = "HH", .width = 6},
        {.name = "LL", .width = 6}, {.name = "HL", .width = 6}, {.name = "LH", .width = 6}};
    char matched[512];
    run->b.table = sp_grid_new(sp_acio_matched(run->b.A, matched, sizeof matched), cols, 7);
    sp_grid_text_layout(run->b.table, 0, 1, 1);
    if (!rc)
        rc = sp_acio_local_periods(&run->b, &lisa_stat, run);
    if (run->scatter && fclose(run->scatter) != 0 && !rc)
        rc = sp_error_set(SP_EDATA, "%s: cannot write", scatter_path);
    if (so.tmp_dir)
        rc ? sp_output_abort(&so) : (void)(rc = sp_output_commit(&so));
    return rc;
}

int sp_cmd_lisa(int argc, char **argv)
{
    lisa_run run = {0};
    sp_args a;
    int rc = sp_acio_local_start(&run.b, argc, argv, spec, help, "lisa", lisa_options, &run, &a);
    if (rc)
        return sp_acio_local_end(&run.b, rc);
    rc = lisa_run_all(&run, sp_args_get(&a, "scatter"));
    if (!rc && run.b.json) {
        static const char *const scales[] = {"sample", "n", "loo"};
        json_t *root = json_pack(
            "{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:f, s:b, s:O}", "var", run.b.io.var,
            "weights", run.b.io.wpath, "output", run.b.output, "standardize",
            sp_weights_std_name(run.style), "variance", scales[run.o.scale], "moments",
            run.o.moments == SP_LISA_TOTAL ? "total" : "conditional", "perm", run.o.perm.perm,
            "seed", run.b.seed, "alpha", run.o.alpha, "fdr", run.o.fdr, "results", run.b.results);
        json_object_set_new(root, "id_match", sp_idmatch_json(&run.b.A->match));
        rc = sp_json_print(root);
    }
    return sp_acio_local_end(&run.b, rc);
}
