/* spill hotspot: Getis-Ord Gi* (Gi with --no-self) hot and cold spots as an
 * output layer with ArcGIS Hot Spot Analysis's fields (core/sp_getis.h has
 * the formulas). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sp_acio.h"
#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_error.h"
#include "sp_grid.h"
#include "sp_getis.h"

static const char help[] =
    "usage: spill hotspot SRC --w W --var V -o OUT [--perm N] [--fdr] [--no-self] [--json]\n"
    "\n"
    "Getis-Ord Gi* of V, as ArcGIS Hot Spot Analysis computes it for the same\n"
    "weights.  OUT copies SRC's features and attributes and adds GiZScore,\n"
    "GiPValue, Gi_Bin (-3..3: 99/95/90 % cold .. hot, 0 not significant) and\n"
    "NNeighbors (neighbours other than the feature itself); the format follows\n"
    "OUT's extension (.gpkg .shp .geojson .fgb .csv ...).\n"
    "\n"
    "options:\n"
    SP_ACIO_LOCAL_INPUT_HELP
    "  --self-weight W      Gi*: the weight of a feature to itself where W has none\n"
    "                       (default 1, ArcGIS's default Self Potential)\n"
    "  --no-self            Gi instead of Gi*: no self weight (Ord and Getis 1995,\n"
    "                       spdep localG without include.self)\n"
    "  --standardize S      none (default: the weights as in the file, binary for\n"
    "                       GAL), row, binary, ...; applied after the self weight.\n"
    "                       Scaling a row does not change Gi*, so row and none agree\n"
    "  --perm N             conditional permutations (default 0: normal p-values);\n"
    "                       GiPValue is then the folded pseudo p-value\n"
    SP_ACIO_LOCAL_SEED_HELP
    "  --fdr                false discovery rate correction of Gi_Bin, as ArcGIS\n"
    SP_ACIO_LOCAL_OUTPUT_HELP
    "\n"
    "GiZScore = (sum_j w_ij x_j - mean(x) W_i) / (S sqrt((n S1_i - W_i^2)/(n-1))),\n"
    "S the population standard deviation of x, sums including the self weight:\n"
    "ArcGIS's formula, equal to spdep localG on include.self() weights.  GiPValue is\n"
    "two-sided.  Units without neighbours get NULL GiZScore/GiPValue and Gi_Bin 0,\n"
    "with a warning naming them.\n";

static const sp_optspec spec[] = {
    {"w", 1},       {"var", 1},       {"id", 1},          {"layer", 1},   {"data", 1},
    {"data-id", 1}, {"id-order", 0}, {"strict", 0}, {"layout", 1}, {"by", 1}, {"w-by", 1},        {"self-weight", 1}, {"no-self", 0}, {"standardize", 1},
    {"perm", 1},    {"seed", 1}, {"perm-method", 1},      {"threads", 1},     {"fdr", 0},     {"output", 1}, {"shard", 1},
    {"json", 0},    {"timing", 0},    SP_GRID_FORMAT_OPTS, {NULL, 0},
};

/* The options of spill hotspot, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_hotspot_opts(void) { return spec; }

typedef struct hot_run {
    sp_acio_local b; /* first: the frame shared with lisa */
    sp_std style;
    double self_weight;
    sp_getis_opts o;
    int warned_row;
} hot_run;

static json_t *period_json(const sp_acio_period *p, const sp_getis *G, json_t *islands)
{
    const int *b = G->bins;
    return json_pack("{s:o, s:i, s:o, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "by",
                     sp_acio_by_json(p->label), "n", p->n, "islands", islands, "hot_99", b[6],
                     "hot_95", b[5], "hot_90", b[4], "not_significant", b[3], "cold_90", b[2],
                     "cold_95", b[1], "cold_99", b[0]);
}

/* Gi*: add the self weight where W has none, then standardise.  Whether W is
 * row-standardised is asked of W as read (the period's W restricted to the
 * units with data no longer has rows summing to 1). */
static int prepare_weights(hot_run *run, sp_acio_period *p)
{
    const sp_weights *as_read = run->b.A->W ? run->b.A->W : p->W;
    if (run->o.star && !run->warned_row && sp_weights_is_row_standardized(as_read) &&
        run->style == SP_STD_NONE && run->self_weight == 1.0) {
        sp_acio_warn(run->b.A, "%s is row-standardised: a self weight of 1 outweighs every "
                     "neighbour; use binary weights or --standardize binary", run->b.A->a.wpath);
        run->warned_row = 1;
    }
    if (run->o.star) {
        sp_csr *w;
        int rc = sp_getis_add_self(p->W->w, run->self_weight, &w);
        if (rc)
            return rc;
        sp_csr_free(p->W->w);
        p->W->w = w;
    }
    return sp_weights_standardize(p->W, run->style);
}

static int hot_prepare(void *ctx, sp_acio_period *p) { return prepare_weights(ctx, p); }

static int hot_compute(void *ctx, const sp_acio_period *p, void **stat, const int **nneigh)
{
    hot_run *run = ctx;
    sp_getis *G;
    sp_getis_opts o = run->o;
    o.perm.only = run->b.only; /* --shard: permute the shard's units only */
    int rc = sp_getis_compute(p->W->w, p->x, p->subject, &o, &G);
    if (rc)
        return rc;
    *stat = G;
    *nneigh = G->nneigh;
    return SP_OK;
}

/* The layer's fields, the JSON result and the table row. */
static int hot_record(void *ctx, const sp_acio_period *p, void *stat, int base, json_t *islands)
{
    hot_run *run = ctx;
    const sp_getis *G = stat;
    for (int i = 0; i < p->n; i++) {
        run->b.out.real[0][base + i] = G->zscore[i];
        run->b.out.real[1][base + i] = G->p[i];
        run->b.out.integer[0][base + i] = G->bin[i];
    }
    json_array_append_new(run->b.results, period_json(p, G, islands));
    int rc = sp_grid_row(run->b.table);
    rc = rc ? rc : sp_grid_str(run->b.table, p->label ? p->label : "-");
    rc = rc ? rc : sp_grid_int(run->b.table, p->n);
    for (int k = 6; k >= 0 && !rc; k--) /* hot99 .. cold99 */
        rc = sp_grid_int(run->b.table, G->bins[k]);
    return rc;
}

static void hot_free_stat(void *stat) { sp_getis_free(stat); }

static const sp_acio_local_stat hot_stat = {
    .islands = "GiZScore and GiPValue NULL, Gi_Bin 0",
    .real_name = {"GiZScore", "GiPValue"}, .int_name = {"Gi_Bin"},
    .prepare = hot_prepare, .compute = hot_compute, .record = hot_record,
    .free = hot_free_stat};

static int hot_options(const sp_args *a, void *ctx)
{
    hot_run *run = ctx;
    int rc;
    const char *std_name = sp_args_get(a, "standardize");
    run->style = SP_STD_NONE;
    if ((std_name && (rc = sp_weights_std_parse(std_name, &run->style))) ||
        (rc = sp_args_double(a, "self-weight", 1.0, &run->self_weight)) ||
        (rc = sp_args_int(a, "perm", 0, 0, &run->o.perm.perm)) ||
        (rc = sp_args_threads(a, &run->o.perm.threads)))
        return rc;
    if (!(run->self_weight >= 0.0))
        return sp_error_set(SP_EUSAGE, "--self-weight must be >= 0 (got %g)", run->self_weight);
    run->o.star = !sp_args_flag(a, "no-self");
    if (!run->o.star && sp_args_get(a, "self-weight"))
        return sp_error_set(SP_EUSAGE, "--self-weight and --no-self exclude each other");
    run->o.fdr = sp_args_flag(a, "fdr");
    run->o.perm.seed = (uint64_t)run->b.seed;
    run->o.perm.method = (sp_perm_method)run->b.perm_method;
    return SP_OK;
}

int sp_cmd_hotspot(int argc, char **argv)
{
    hot_run run = {0};
    sp_args a;
    int rc = sp_acio_local_start(&run.b, argc, argv, spec, help, "hotspot", hot_options, &run, &a);
    if (rc)
        return sp_acio_local_end(&run.b, rc);
    const char *by = run.b.io.by;
    sp_grid_col cols[] = {{.name = by ? by : "by", .width = 10, .align = SP_GRID_LEFT},
                          {.name = "n", .width = 6}, {.name = "hot99", .width = 6},
                          {.name = "hot95", .width = 6}, {.name = "hot90", .width = 6},
                          {.name = "n.s.", .width = 6, .key = "ns"},
                          {.name = "cold90", .width = 6}, {.name = "cold95", .width = 6},
                          {.name = "cold99", .width = 6}};
    char matched[512];
    run.b.table = sp_grid_new(sp_acio_matched(run.b.A, matched, sizeof matched), cols, 9);
    sp_grid_text_layout(run.b.table, 0, 1, 1);
    rc = sp_acio_local_periods(&run.b, &hot_stat, &run);
    if (!rc && run.b.json) {
        json_t *root = json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:s, s:i, s:i, s:b, s:O}", "var",
                                 run.b.io.var, "weights", run.b.io.wpath, "output", run.b.output,
                                 "statistic", run.o.star ? "Gi*" : "Gi", "star", run.o.star,
                                 "self_weight",
                                 run.o.star ? json_real(run.self_weight) : json_null(),
                                 "standardize", sp_weights_std_name(run.style), "perm", run.o.perm.perm,
                                 "seed", run.b.seed, "fdr", run.o.fdr, "results", run.b.results);
        json_object_set_new(root, "id_match", sp_idmatch_json(&run.b.A->match));
        rc = sp_json_print(root);
    }
    return sp_acio_local_end(&run.b, rc);
}
