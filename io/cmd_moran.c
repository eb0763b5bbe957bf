/* spill moran: global Moran's I and Geary's C, for a cross-section or for
 * every period of a long-format table (core/sp_moran.h has the formulas). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_acio.h"
#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_error.h"
#include "sp_grid.h"
#include "sp_moran.h"

static const char help[] =
    "usage: spill moran DATA --w W --var V [--id FIELD] [--by TIME] [--perm N]\n"
    "                  [--json | --csv | --markdown | --latex] [-o FILE]\n"
    "\n"
    "Global Moran's I (and Geary's C) of V, one result per period with --by.\n"
    "DATA is any table GDAL reads (CSV, or a layer's attributes); rows are units, or\n"
    "(unit, period) pairs with --by.  Every unit must be in W; units of W without\n"
    "data are left out (a warning names them) and W is standardised on the rest.\n"
    "\n"
    "options:\n"
    "  --w FILE             weights (.gal .gwt .swm .mtx .csv)\n"
    "  --var V              the variable\n"
    "  --id FIELD           unit id field (default: the field W's header names, or a\n"
    "                       column holding W's ids in W's order; needed with --by)\n"
    "  --id-order           match row r to W's unit r (only when asked: see\n"
    "                       docs/data.md, \"Matching data to W\")\n"
    "  --strict             units of W without data are an error (default: W is\n"
    "                       restricted to the units with data, with a warning)\n"
    "  --by TIME            period field of a long-format table\n"
    "  --w-by TIME          a weights matrix per period: --w 'w_{}.gal' ({} = the period\n"
    "                       label) or --w 2011=a.gal,2012=b.gal; TIME as --by\n"
    "  --layer NAME         layer of DATA\n"
    "  --standardize S      row (default, as spdep style W and GeoDa), binary, none,\n"
    "                       minmax, spectral\n"
    "  --adjust-n           n minus the units without neighbours, as spdep's default\n"
    "                       adjust.n = TRUE (default: all n, as ArcGIS and esda)\n"
    "  --perm N             permutations (default 0: none); p_perm is the folded\n"
    "                       pseudo p-value (min(#>=, #<=) + 1) / (N + 1)\n"
    "  --seed N             random seed (default 12345)\n"
    "  --threads N          threads (default: all cores); results do not depend on it\n"
    "  --json               one JSON object on stdout\n"
    "  --csv | --markdown | --latex   the table as CSV, Markdown or LaTeX (booktabs)\n"
    "  -o FILE              write the table to FILE instead of stdout\n"
    "  --timing             seconds spent reading and computing, on stderr\n"
    "\n"
    "I, E(I), variance and z under normality and under randomisation (spdep\n"
    "moran.test), p-values two-sided; Geary's C as spdep geary.test (z > 0 means\n"
    "positive autocorrelation).  Units without neighbours have a zero spatial lag\n"
    "(spdep zero.policy = TRUE) and are reported.\n";

static const sp_optspec spec[] = {
    {"w", 1}, {"var", 1}, {"id", 1}, {"by", 1}, {"w-by", 1}, {"layer", 1}, {"standardize", 1},
    {"adjust-n", 0}, {"id-order", 0}, {"strict", 0}, {"perm", 1}, {"seed", 1}, {"threads", 1},
    {"json", 0}, {"timing", 0}, {"output", 1}, SP_GRID_FORMAT_OPTS, {NULL, 0},
};

/* The options of spill moran, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_moran_opts(void) { return spec; }

static json_t *gtest_json(const sp_gtest *t, const char *stat, const char *expect)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", stat,
                     sp_json_real(t->stat), expect, sp_json_real(t->expect), "var_norm",
                     sp_json_real(t->var_norm), "z_norm", sp_json_real(t->z_norm), "p_norm",
                     sp_json_real(t->p_norm), "var_rand", sp_json_real(t->var_rand), "z_rand",
                     sp_json_real(t->z_rand), "p_rand", sp_json_real(t->p_rand), "p_perm",
                     sp_json_real(t->p_perm), "z_perm", sp_json_real(t->z_perm), "mean_perm",
                     sp_json_real(t->mean_perm), "sd_perm", sp_json_real(t->sd_perm));
}

/* The contract's keys at the top level of each result, Geary's C nested. */
static json_t *result_json(const sp_acio_period *p, const sp_moran_result *r, json_t *islands)
{
    json_t *o = json_object();
    json_object_set_new(o, "by", sp_acio_by_json(p->label));
    json_object_set_new(o, "n", json_integer(r->n));
    json_t *moran = gtest_json(&r->I, "I", "EI");
    json_object_update(o, moran);
    json_decref(moran);
    json_object_set_new(o, "n_used", json_integer(r->m));
    json_object_set_new(o, "islands", islands);
    json_object_set_new(o, "S0", sp_json_real(r->S0));
    json_object_set_new(o, "S1", sp_json_real(r->S1));
    json_object_set_new(o, "S2", sp_json_real(r->S2));
    json_object_set_new(o, "geary", gtest_json(&r->C, "C", "EC"));
    return o;
}

/* The table's columns: the widths of the plain-text layout, keys for CSV and JSON. */
static const sp_grid_col moran_cols[] = {
    {.name = "by", .width = 10, .align = SP_GRID_LEFT}, {.name = "n", .width = 6},
    {.name = "I", .width = 9}, {.name = "E(I)", .width = 9, .key = "EI"},
    {.name = "z_norm", .width = 8}, {.name = "p_norm", .width = 9},
    {.name = "z_rand", .width = 8}, {.name = "p_rand", .width = 9},
    {.name = "p_perm", .width = 9}, {.name = "C", .width = 9},
    {.name = "z_rand", .width = 8, .key = "C_z_rand"},
    {.name = "p_rand", .width = 9, .key = "C_p_rand"},
    {.name = "p_perm", .width = 9, .key = "C_p_perm"}};
#define MORAN_NCOL ((int)(sizeof moran_cols / sizeof moran_cols[0]))

/* An empty table titled with the variable, W, the conventions and the ids
 * that matched the rows to W. */
static sp_grid *moran_grid(const sp_acio *A, sp_std style, int adjust_n)
{
    const sp_acio_args *io = &A->a;
    char matched[512];
    sp_grid_col cols[MORAN_NCOL];
    memcpy(cols, moran_cols, sizeof cols);
    if (io->by)
        cols[0].name = io->by;
    char title[1024];
    snprintf(title, sizeof title, "Moran's I and Geary's C of %s, weights %s (%s)%s; p-values "
             "two-sided; %s", io->var, io->wpath, sp_weights_std_name(style),
             adjust_n ? ", n adjusted for islands" : "",
             sp_acio_matched(A, matched, sizeof matched));
    sp_grid *g = sp_grid_new(title, cols, MORAN_NCOL);
    sp_grid_text_layout(g, 0, 1, 1);
    return g;
}

/* A statistic as printf shows it ("nan" included), a number for CSV and JSON. */
static void stat_cell(sp_grid *g, const char *fmt, double v)
{
    if (isfinite(v))
        sp_grid_num(g, fmt, v);
    else
        sp_grid_strf(g, fmt, v);
}

/* One period's row. */
static void moran_row(sp_grid *g, const sp_acio_period *p, const sp_moran_result *r)
{
    sp_grid_row(g);
    sp_grid_str(g, p->label ? p->label : "-");
    sp_grid_int(g, r->n);
    stat_cell(g, "%.5f", r->I.stat);
    stat_cell(g, "%.5f", r->I.expect);
    stat_cell(g, "%.3f", r->I.z_norm);
    sp_grid_num(g, "%.3g", r->I.p_norm);
    stat_cell(g, "%.3f", r->I.z_rand);
    sp_grid_num(g, "%.3g", r->I.p_rand);
    sp_grid_num(g, "%.3g", r->I.p_perm);
    stat_cell(g, "%.5f", r->C.stat);
    stat_cell(g, "%.3f", r->C.z_rand);
    sp_grid_num(g, "%.3g", r->C.p_rand);
    sp_grid_num(g, "%.3g", r->C.p_perm);
}

/* One run of the command: its options and what it has computed so far. */
typedef struct moran_run {
    sp_acio_args io;
    sp_std style;
    sp_moran_opts o;
    int seed, json;
    sp_grid_dest dest;
    sp_acio *A;
    json_t *results;
    sp_grid *table; /* without --json */
    double t_stat;
} moran_run;

/* Every option, checked before any file is read. */
static int moran_options(const sp_args *a, moran_run *run)
{
    int rc = sp_acio_args_from(a, "moran", 0, &run->io);
    if (rc || (rc = sp_acio_args_check(&run->io)))
        return rc;
    run->style = SP_STD_ROW;
    const char *std_name = sp_args_get(a, "standardize");
    if (std_name && (rc = sp_weights_std_parse(std_name, &run->style)))
        return rc;
    run->o = (sp_moran_opts){.adjust_n = sp_args_flag(a, "adjust-n")};
    if ((rc = sp_args_int(a, "perm", 0, 0, &run->o.perm.perm)) ||
        (rc = sp_args_int(a, "seed", 12345, 0, &run->seed)) ||
        (rc = sp_args_threads(a, &run->o.perm.threads)) ||
        (rc = sp_grid_dest_args(a, "output", &run->dest)))
        return rc;
    run->o.perm.seed = (uint64_t)run->seed;
    run->json = run->dest.format == SP_GRID_JSON;
    if (run->json && run->dest.path)
        return sp_error_set(SP_EUSAGE, "--json prints on standard output; -o FILE is for the "
                                       "table (--csv, --markdown, --latex or text)");
    return SP_OK;
}

/* Period g: Moran's I and Geary's C, a JSON result and a table row. */
static int moran_period(moran_run *run, int g)
{
    sp_acio *A = run->A;
    sp_acio_period p;
    int rc = sp_acio_load(A, g, &p);
    if (rc)
        return rc;
    rc = sp_acio_no_self(A, &p, "Moran's I");
    if (!rc)
        rc = sp_weights_standardize(p.W, run->style);
    json_t *islands = NULL;
    if (!rc)
        sp_acio_islands(A, &p, run->o.adjust_n ? "zero spatial lag, not counted in n"
                                               : "zero spatial lag, counted in n (see --adjust-n)",
                        &islands);
    sp_moran_result r;
    double t1 = sp_clock_seconds();
    if (!rc)
        rc = sp_moran_compute(p.W->w, p.x, p.subject, &run->o, &r);
    run->t_stat += sp_clock_seconds() - t1;
    if (!rc && isnan(r.I.z_norm)) /* var_norm within rounding of 0 (sp_moran.h) */
        sp_acio_warn(A, "%s: I is the same for every arrangement of the values (e.g. W makes "
                     "every unit an equal neighbour of every other: a GAL of distance weights "
                     "reads back so): no z-values and no normal p-values", p.what);
    else if (!rc && (isnan(r.I.z_rand) || isnan(r.C.z_rand)))
        sp_acio_warn(A, "%s: a randomisation variance is undefined (n < 4 or negative "
                     "variance: the distribution does not meet the test's assumptions)",
                     p.what);
    if (!rc) {
        json_array_append_new(run->results, result_json(&p, &r, islands));
        islands = NULL;
        if (!run->json)
            moran_row(run->table, &p, &r);
    }
    json_decref(islands);
    sp_acio_period_free(&p);
    return rc;
}

/* The results: one JSON object on stdout, or the table on stdout or in -o FILE. */
static int moran_print(moran_run *run)
{
    if (!run->json) {
        int rc = sp_grid_dest_open(&run->dest);
        return rc ? rc : sp_grid_dest_close(&run->dest,
                                            sp_grid_write(run->table, run->dest.format, run->dest.f));
    }
    json_t *root = json_pack("{s:s, s:s, s:o, s:s, s:b, s:i, s:i, s:o}", "var", run->io.var,
                             "weights", run->io.wpath, "id_match",
                             sp_idmatch_json(&run->A->match), "standardize",
                             sp_weights_std_name(run->style), "adjust_n", run->o.adjust_n, "perm",
                             run->o.perm.perm, "seed", run->seed, "results", run->results);
    run->results = NULL;
    return sp_json_print(root);
}

int sp_cmd_moran(int argc, char **argv)
{
    sp_args a;
    moran_run run = {0};
    int rc = sp_args_parse(argc, argv, spec, help, &a);
    if (rc || (rc = moran_options(&a, &run)))
        return rc;
    double t0 = sp_clock_seconds();
    if ((rc = sp_acio_open(&run.io, &run.A)))
        return rc;
    run.results = json_array();
    run.table = run.json ? NULL : moran_grid(run.A, run.style, run.o.adjust_n);
    for (int g = 0; g < run.A->P->nperiods && !rc; g++)
        rc = moran_period(&run, g);
    if (!rc)
        rc = moran_print(&run);
    if (!rc && sp_args_flag(&a, "timing"))
        fprintf(stderr, "spill moran: timing: read %.3f s, statistics %.3f s\n",
                sp_clock_seconds() - t0 - run.t_stat, run.t_stat);
    json_decref(run.results);
    sp_grid_free(run.table);
    sp_acio_close(run.A);
    return rc;
}
