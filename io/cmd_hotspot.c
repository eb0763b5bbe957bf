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
    "  --w FILE             weights (.gal .gwt .swm .mtx .csv)\n"
    "  --var V              the variable (a field of SRC, or of --data)\n"
    "  --id FIELD           unit id field of SRC (default: feature order 1..n)\n"
    "  --layer NAME         layer of SRC\n"
    "  --data TABLE         take V from a table joined to SRC by unit id (features\n"
    "                       without a row in the table are not written)\n"
    "  --data-id FIELD      the table's unit id field (default: the --id name)\n"
    "  --by TIME            period field of --data: one analysis per period, written\n"
    "                       as one long layer (each feature once per period, with\n"
    "                       the period and V as fields)\n"
    "  --w-by TIME          a weights matrix per period: --w 'w_{}.gal' ({} = the period\n"
    "                       label) or --w 2011=a.gal,2012=b.gal; TIME as --by\n"
    "  --self-weight W      Gi*: the weight of a feature to itself where W has none\n"
    "                       (default 1, ArcGIS's default Self Potential)\n"
    "  --no-self            Gi instead of Gi*: no self weight (Ord and Getis 1995,\n"
    "                       spdep localG without include.self)\n"
    "  --standardize S      none (default: the weights as in the file, binary for\n"
    "                       GAL), row, binary, ...; applied after the self weight.\n"
    "                       Scaling a row does not change Gi*, so row and none agree\n"
    "  --perm N             conditional permutations (default 0: normal p-values);\n"
    "                       GiPValue is then the folded pseudo p-value\n"
    "  --seed N             random seed (default 12345)\n"
    "  --threads N          threads (default: all cores); results do not depend on it\n"
    "  --fdr                false discovery rate correction of Gi_Bin, as ArcGIS\n"
    "  -o, --output OUT     the output layer\n"
    "  --json               one JSON summary object on stdout\n"
    "  --csv | --markdown | --latex   the summary table as CSV, Markdown or LaTeX\n"
    "  --timing             seconds spent reading, computing and writing, on stderr\n"
    "\n"
    "GiZScore = (sum_j w_ij x_j - mean(x) W_i) / (S sqrt((n S1_i - W_i^2)/(n-1))),\n"
    "S the population standard deviation of x, sums including the self weight:\n"
    "ArcGIS's formula, equal to spdep localG on include.self() weights.  GiPValue is\n"
    "two-sided.  Units without neighbours get NULL GiZScore/GiPValue and Gi_Bin 0,\n"
    "with a warning naming them.\n";

static const sp_optspec spec[] = {
    {"w", 1},       {"var", 1},       {"id", 1},          {"layer", 1},   {"data", 1},
    {"data-id", 1}, {"by", 1}, {"w-by", 1},        {"self-weight", 1}, {"no-self", 0}, {"standardize", 1},
    {"perm", 1},    {"seed", 1},      {"threads", 1},     {"fdr", 0},     {"output", 1},
    {"json", 0},    {"timing", 0},    SP_GRID_FORMAT_OPTS, {NULL, 0},
};

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

/* Gi*: add the self weight where W has none, then standardise. */
static int prepare_weights(hot_run *run, sp_acio_period *p)
{
    if (run->o.star && !run->warned_row && sp_weights_is_row_standardized(p->W) &&
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

static int hot_period(void *ctx, int g)
{
    hot_run *run = ctx;
    sp_acio_period p;
    double t0 = sp_clock_seconds();
    int rc = sp_acio_load(run->b.A, g, &p);
    if (rc)
        return rc;
    json_t *islands = NULL;
    sp_getis *G = NULL;
    rc = prepare_weights(run, &p);
    double t1 = sp_clock_seconds();
    if (!rc) {
        sp_acio_islands(run->b.A, &p, "GiZScore and GiPValue NULL, Gi_Bin 0", &islands);
        rc = sp_getis_compute(p.W->w, p.x, p.subject, &run->o, &G);
    }
    run->b.t_read += t1 - t0;
    run->b.t_stat += sp_clock_seconds() - t1;
    if (!rc)
        rc = sp_acio_out_period(&run->b.out, &p, G->nneigh);
    if (!rc) {
        int base = run->b.out.n - p.n;
        for (int i = 0; i < p.n; i++) {
            run->b.out.real[0][base + i] = G->zscore[i];
            run->b.out.real[1][base + i] = G->p[i];
            run->b.out.integer[0][base + i] = G->bin[i];
        }
        json_array_append_new(run->b.results, period_json(&p, G, islands));
        islands = NULL;
        sp_grid_row(run->b.table);
        sp_grid_str(run->b.table, p.label ? p.label : "-");
        sp_grid_int(run->b.table, p.n);
        for (int k = 6; k >= 0; k--) /* hot99 .. cold99 */
            sp_grid_int(run->b.table, G->bins[k]);
    }
    json_decref(islands);
    sp_getis_free(G);
    sp_acio_period_free(&p);
    return rc;
}

static int hot_options(const sp_args *a, hot_run *run, int *seed)
{
    int rc;
    const char *std_name = sp_args_get(a, "standardize");
    run->style = SP_STD_NONE;
    if ((std_name && (rc = sp_weights_std_parse(std_name, &run->style))) ||
        (rc = sp_args_double(a, "self-weight", 1.0, &run->self_weight)) ||
        (rc = sp_args_int(a, "perm", 0, 0, &run->o.perm.perm)) ||
        (rc = sp_args_int(a, "seed", 12345, 0, seed)) ||
        (rc = sp_args_threads(a, &run->o.perm.threads)))
        return rc;
    if (!(run->self_weight >= 0.0))
        return sp_error_set(SP_EUSAGE, "--self-weight must be >= 0 (got %g)", run->self_weight);
    run->o.star = !sp_args_flag(a, "no-self");
    if (!run->o.star && sp_args_get(a, "self-weight"))
        return sp_error_set(SP_EUSAGE, "--self-weight and --no-self exclude each other");
    run->o.fdr = sp_args_flag(a, "fdr");
    run->o.perm.seed = (uint64_t)*seed;
    return SP_OK;
}

int sp_cmd_hotspot(int argc, char **argv)
{
    sp_args a;
    int rc = sp_args_parse(argc, argv, spec, help, &a);
    if (rc)
        return rc;
    hot_run run = {0};
    int seed;
    if ((rc = sp_acio_local_args(&run.b, &a, "hotspot")) || (rc = hot_options(&a, &run, &seed)) ||
        (rc = sp_acio_local_open(&run.b)))
        return sp_acio_local_end(&run.b, rc);
    sp_acio_out *out = &run.b.out;
    out->nreal = 2;
    out->real_name[0] = "GiZScore";
    out->real_name[1] = "GiPValue";
    out->nint = 1;
    out->int_name[0] = "Gi_Bin";
    const char *by = run.b.io.by;
    sp_grid_col cols[] = {{.name = by ? by : "by", .width = 10, .align = SP_GRID_LEFT},
                          {.name = "n", .width = 6}, {.name = "hot99", .width = 6},
                          {.name = "hot95", .width = 6}, {.name = "hot90", .width = 6},
                          {.name = "n.s.", .width = 6, .key = "ns"},
                          {.name = "cold90", .width = 6}, {.name = "cold95", .width = 6},
                          {.name = "cold99", .width = 6}};
    run.b.table = sp_grid_new(NULL, cols, 9);
    sp_grid_text_layout(run.b.table, 0, 1, 1);
    rc = sp_acio_local_periods(&run.b, hot_period, &run);
    if (!rc && run.b.json) {
        json_t *root = json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:s, s:i, s:i, s:b, s:O}", "var",
                                 run.b.io.var, "weights", run.b.io.wpath, "output", run.b.output,
                                 "statistic", run.o.star ? "Gi*" : "Gi", "star", run.o.star,
                                 "self_weight",
                                 run.o.star ? json_real(run.self_weight) : json_null(),
                                 "standardize", sp_weights_std_name(run.style), "perm", run.o.perm.perm,
                                 "seed", seed, "fdr", run.o.fdr, "results", run.b.results);
        rc = sp_json_print(root);
    }
    return sp_acio_local_end(&run.b, rc);
}
