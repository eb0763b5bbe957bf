/* spill hotspot: Getis-Ord Gi* (Gi with --no-self) hot and cold spots as an
 * output layer with ArcGIS Hot Spot Analysis's fields (core/sp_getis.h has
 * the formulas). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sp_autocorr_io.h"
#include "sp_cli.h"
#include "sp_error.h"
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
    "  --timing             seconds spent reading, computing and writing, on stderr\n"
    "\n"
    "GiZScore = (sum_j w_ij x_j - mean(x) W_i) / (S sqrt((n S1_i - W_i^2)/(n-1))),\n"
    "S the population standard deviation of x, sums including the self weight:\n"
    "ArcGIS's formula, equal to spdep localG on include.self() weights.  GiPValue is\n"
    "two-sided.  Units without neighbours get NULL GiZScore/GiPValue and Gi_Bin 0,\n"
    "with a warning naming them.\n";

static const sp_optspec spec[] = {
    {"w", 1},       {"var", 1},       {"id", 1},          {"layer", 1},   {"data", 1},
    {"data-id", 1}, {"by", 1},        {"self-weight", 1}, {"no-self", 0}, {"standardize", 1},
    {"perm", 1},    {"seed", 1},      {"threads", 1},     {"fdr", 0},     {"output", 1},
    {"json", 0},    {"timing", 0},    {NULL, 0},
};

typedef struct hot_run {
    sp_acio *A;
    sp_std style;
    double self_weight;
    sp_getis_opts o;
    sp_acio_out out;
    json_t *results;
    int json, warned_row;
    double t_read, t_stat, t_write; /* seconds, for --timing */
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
        sp_acio_warn(run->A, "%s is row-standardised: a self weight of 1 outweighs every "
                     "neighbour; use binary weights or --standardize binary", run->A->a.wpath);
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

static int hot_period(hot_run *run, int g)
{
    sp_acio_period p;
    double t0 = sp_acio_clock();
    int rc = sp_acio_load(run->A, g, &p);
    if (rc)
        return rc;
    json_t *islands = NULL;
    sp_getis *G = NULL;
    rc = prepare_weights(run, &p);
    double t1 = sp_acio_clock();
    if (!rc) {
        sp_acio_islands(run->A, &p, "GiZScore and GiPValue NULL, Gi_Bin 0", &islands);
        rc = sp_getis_compute(p.W->w, p.x, p.subject, &run->o, &G);
    }
    run->t_read += t1 - t0;
    run->t_stat += sp_acio_clock() - t1;
    if (!rc)
        rc = sp_acio_out_period(&run->out, &p, G->nneigh);
    if (!rc) {
        int base = run->out.n - p.n;
        for (int i = 0; i < p.n; i++) {
            run->out.real[0][base + i] = G->zscore[i];
            run->out.real[1][base + i] = G->p[i];
            run->out.integer[0][base + i] = G->bin[i];
        }
        json_array_append_new(run->results, period_json(&p, G, islands));
        islands = NULL;
        if (!run->json) {
            const int *b = G->bins;
            printf("%-10s %6d %6d %6d %6d %6d %6d %6d %6d\n", p.label ? p.label : "-", p.n,
                   b[6], b[5], b[4], b[3], b[2], b[1], b[0]);
        }
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
    if ((std_name && (rc = sp_std_parse(std_name, &run->style))) ||
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
    sp_acio_args io;
    if ((rc = sp_acio_args_from(&a, "hotspot", 1, &io)))
        return rc;
    const char *output = sp_args_get(&a, "output");
    if (!output)
        return sp_error_set(SP_EUSAGE, "--w, --var and -o are required (see --help)");
    hot_run run = {.json = sp_args_flag(&a, "json")};
    int seed;
    if ((rc = hot_options(&a, &run, &seed)))
        return rc;
    double t0 = sp_acio_clock();
    if ((rc = sp_acio_open(&io, &run.A)))
        return rc;
    run.t_read = sp_acio_clock() - t0;
    run.out.nreal = 2;
    run.out.real_name[0] = "GiZScore";
    run.out.real_name[1] = "GiPValue";
    run.out.nint = 1;
    run.out.int_name[0] = "Gi_Bin";
    run.results = json_array();
    if (!run.json)
        printf("%-10s %6s %6s %6s %6s %6s %6s %6s %6s\n", io.by ? io.by : "by", "n", "hot99",
               "hot95", "hot90", "n.s.", "cold90", "cold95", "cold99");
    for (int g = 0; !rc && g < run.A->P->nperiods; g++)
        rc = hot_period(&run, g);
    t0 = sp_acio_clock();
    if (!rc)
        rc = sp_acio_out_write(run.A, &run.out, output);
    run.t_write = sp_acio_clock() - t0;
    if (!rc && run.json) {
        json_t *root = json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:s, s:i, s:i, s:b, s:o}", "var",
                                 io.var, "weights", io.wpath, "output", output, "statistic",
                                 run.o.star ? "Gi*" : "Gi", "star", run.o.star, "self_weight",
                                 run.o.star ? json_real(run.self_weight) : json_null(),
                                 "standardize", sp_std_name(run.style), "perm", run.o.perm.perm,
                                 "seed", seed, "fdr", run.o.fdr, "results", run.results);
        run.results = NULL;
        rc = sp_json_print(root);
    }
    if (!rc && sp_args_flag(&a, "timing"))
        fprintf(stderr, "spill hotspot: timing: read %.3f s, statistics %.3f s, write %.3f s\n",
                run.t_read, run.t_stat, run.t_write);
    json_decref(run.results);
    sp_acio_out_free(&run.out);
    sp_acio_close(run.A);
    return rc;
}
