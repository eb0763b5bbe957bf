/* spill kde: kernel density of a variable per period, evaluated exactly on
 * one grid shared by every period, with the density's peaks
 * (docs/distribution.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_distio.h"
#include "sp_error.h"
#include "sp_grid.h"
#include "sp_kde.h"
#include "sp_output.h"

static const char help[] =
    "usage: spill kde DATA --var V [--id ID --by TIME] [--bw silverman|scott|H]\n"
    "                 [--kernel gaussian|epanechnikov] [--grid N] [-o OUT] [--csv|--markdown|--latex|--json]\n"
    "\n"
    "Kernel density of V per period, evaluated exactly (no binning) at the N points\n"
    "of one grid shared by every period: from min_t(min V_t - 3 h_t) to\n"
    "max_t(max V_t + 3 h_t) unless --from/--to are given.  The bandwidth h is the\n"
    "kernel's standard deviation, as R's density(bw = ...): Silverman's rule\n"
    "0.9 min(sd, IQR/1.34) n^-1/5 (R's bw.nrd0, the default), Scott's 1.06 ...\n"
    "(R's bw.nrd), or the number H.  Peaks: the grid's local maxima.\n"
    "\n"
    "options:\n"
    "  --var V             the variable\n"
    "  --id ID             unit id field (needed with --by)\n"
    "  --by TIME           period field of a long-format table: one curve per period\n"
    "  --bw B              silverman (default), scott or a positive number\n"
    "  --kernel K          gaussian (default) or epanechnikov (support +-sqrt(5) h)\n"
    "  --grid N            grid points (default 512, as R's density)\n"
    "  --cut C             the grid reaches C bandwidths past the data (default 3)\n"
    "  --from X, --to X    the grid's ends instead\n"
    "  --layer NAME        layer of DATA\n"
    "  -o OUT              the curves: by,x,density (one row per period and grid\n"
    "                      point; by extension: .csv .md .tex .json .txt, else CSV)\n"
    "  --csv, --markdown, --latex  the printed table in that format\n"
    "  --json              results as one JSON object on stdout\n"
    "  --timing            seconds spent reading, computing and writing, on stderr\n";

static const sp_optspec spec[] = {{"var", 1},  {"id", 1},   {"by", 1},    {"bw", 1},    {"kernel", 1},
                                  {"grid", 1}, {"cut", 1},  {"from", 1},  {"to", 1},    {"layer", 1},
                                  {"output", 1}, {"json", 0}, {"timing", 0}, SP_GRID_FORMAT_OPTS,
                                  {NULL, 0}};

/* The options of spill kde, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_kde_opts(void) { return spec; }

typedef struct kde_job {
    sp_distio *D;
    const char *var;
    sp_kde_opts o;
    sp_kde_set set;       /* one curve per period on one grid */
} kde_job;

static const char *const rule_names[] = {"silverman", "scott", "given"};

/* Options: bandwidth rule or value, kernel, grid. */
static int parse_options(const sp_args *a, kde_job *job)
{
    const char *bw = sp_args_get(a, "bw");
    job->o.rule = bw && !strcmp(bw, "scott") ? SP_KDE_SCOTT : SP_KDE_SILVERMAN;
    if (bw && strcmp(bw, "silverman") && strcmp(bw, "scott")) {
        if (sp_table_parse_double(bw, &job->o.h) || !(job->o.h > 0))
            return sp_error_set(SP_EUSAGE, "--bw: expected silverman, scott or a positive number, got '%s'", bw);
        job->o.rule = SP_KDE_GIVEN;
    }
    static const char *const kernels[] = {"gaussian", "epanechnikov"};
    int k = 0, rc = sp_args_choice(a, "kernel", kernels, 2, &k);
    job->o.kernel = k ? SP_KDE_EPANECHNIKOV : SP_KDE_GAUSSIAN;
    if (!rc)
        rc = sp_args_int(a, "grid", 512, 2, &job->o.m);
    if (!rc)
        rc = sp_args_double(a, "cut", 3, &job->o.cut);
    if (!rc && job->o.cut < 0)
        rc = sp_error_set(SP_EUSAGE, "--cut must be >= 0");
    if (!rc)
        rc = sp_args_double(a, "from", NAN, &job->o.from);
    if (!rc)
        rc = sp_args_double(a, "to", NAN, &job->o.to);
    if (!rc && isfinite(job->o.from) && isfinite(job->o.to) && !(job->o.to > job->o.from))
        rc = sp_error_set(SP_EUSAGE, "--to must be greater than --from");
    return rc;
}

/* Every period's values, then the curves on one grid (sp_kde_set_compute). */
static int run_all(kde_job *job)
{
    const sp_panel *P = job->D->P;
    int np = P->nperiods, mx = sp_distio_maxn(job->D), rc = SP_OK;
    double *x = sp_malloc((size_t)np * mx * sizeof *x);
    const double **xs = sp_malloc((size_t)np * sizeof *xs);
    int *n = sp_malloc((size_t)np * sizeof *n);
    char *names = sp_malloc((size_t)np * 640);
    const char **what = sp_malloc((size_t)np * sizeof *what);
    if (!x || !xs || !n || !names || !what)
        rc = SP_ENOMEM;
    for (int g = 0; !rc && g < np; g++) {
        char per[512];
        sp_panel_describe(P, g, per, sizeof per);
        snprintf(names + (long)g * 640, 640, "%s: %s", per, job->var);
        what[g] = names + (long)g * 640, xs[g] = x + (long)g * mx, n[g] = P->periods[g].n;
        rc = sp_distio_period(job->D, g, job->var, NULL, x + (long)g * mx, NULL);
    }
    if (!rc)
        rc = sp_kde_set_compute(xs, n, np, &job->o, what, &job->set);
    free(x), free(xs), free(n), free(names), free(what);
    return rc;
}

static int print_json(const kde_job *job)
{
    json_t *results = json_array();
    for (int g = 0; g < job->D->P->nperiods; g++) {
        json_t *xs = json_array(), *ds = json_array(), *pk = json_array();
        const double *dg = job->set.dens + (long)g * job->set.m;
        for (int k = 0; k < job->set.m; k++) {
            json_array_append_new(xs, sp_json_real(job->set.grid[k]));
            json_array_append_new(ds, sp_json_real(dg[k]));
        }
        for (int p = 0; p < job->set.npeaks[g]; p++) {
            int k = job->set.peaks[(long)g * (job->set.m / 2 + 1) + p];
            json_array_append_new(pk, json_pack("{s:o, s:o}", "x", sp_json_real(job->set.grid[k]), "density",
                                                sp_json_real(dg[k])));
        }
        json_array_append_new(results, json_pack("{s:o, s:i, s:o, s:i, s:o, s:o, s:o}", "by",
                                                 sp_distio_by_json(job->D, g), "n", job->D->P->periods[g].n,
                                                 "bandwidth", sp_json_real(job->set.h[g]), "npeaks",
                                                 job->set.npeaks[g], "peaks", pk, "x", xs, "density", ds));
    }
    return sp_json_print(json_pack("{s:s, s:s, s:s, s:i, s:o}", "var", job->var, "kernel",
                                   job->o.kernel == SP_KDE_GAUSSIAN ? "gaussian" : "epanechnikov", "bw",
                                   rule_names[job->o.rule], "grid", job->set.m, "results", results));
}

/* Per period: n, bandwidth and the peaks (position and density). */
static int print_table(const kde_job *job, sp_grid_format format)
{
    static const sp_grid_col cols[] = {{.name = "by", .align = SP_GRID_LEFT}, {.name = "n"},
                                       {.name = "bandwidth"}, {.name = "peaks", .key = "npeaks"},
                                       {.name = "peak at (density)", .align = SP_GRID_LEFT, .key = "peak_list"}};
    char title[512];
    snprintf(title, sizeof title, "kernel density of %s (%s kernel, bandwidth %s, %d grid points on [%.6g, %.6g])",
             job->var, job->o.kernel == SP_KDE_GAUSSIAN ? "Gaussian" : "Epanechnikov", rule_names[job->o.rule],
             job->set.m, job->set.grid[0], job->set.grid[job->set.m - 1]);
    sp_grid *g = sp_grid_new(title, cols, 5);
    for (int p = 0; p < job->D->P->nperiods; p++) {
        char list[2048] = "";
        size_t len = 0;
        for (int q = 0; q < job->set.npeaks[p] && len + 64 < sizeof list; q++) {
            int k = job->set.peaks[(long)p * (job->set.m / 2 + 1) + q];
            len += snprintf(list + len, sizeof list - len, "%s%.6g (%.4g)", q ? "; " : "", job->set.grid[k],
                            job->set.dens[(long)p * job->set.m + k]);
        }
        sp_grid_row(g);
        sp_grid_str(g, job->D->P->periods[p].label);
        sp_grid_int(g, job->D->P->periods[p].n);
        sp_grid_num(g, format == SP_GRID_CSV || format == SP_GRID_JSON ? "%.17g" : "%.6g", job->set.h[p]);
        sp_grid_int(g, job->set.npeaks[p]);
        sp_grid_str(g, list);
    }
    return sp_distio_emit(g, format, NULL);
}

/* -o: the curves, one row per period and grid point. */
static int save_curves(const kde_job *job, const char *path)
{
    static const sp_grid_col cols[] = {{.name = "by", .align = SP_GRID_LEFT}, {.name = "x"}, {.name = "density"}};
    sp_grid_format f = sp_grid_format_for(path, SP_GRID_CSV);
    const char *fmt = f == SP_GRID_CSV || f == SP_GRID_JSON ? "%.17g" : "%.6g";
    sp_grid *g = sp_grid_new(NULL, cols, 3);
    for (int p = 0; p < job->D->P->nperiods; p++)
        for (int k = 0; k < job->set.m; k++) {
            sp_grid_row(g);
            sp_grid_str(g, job->D->P->periods[p].label);
            sp_grid_num(g, fmt, job->set.grid[k]);
            sp_grid_num(g, fmt, job->set.dens[(long)p * job->set.m + k]);
        }
    return sp_distio_emit(g, f, path);
}

int sp_cmd_kde(int argc, char **argv)
{
    sp_args a;
    sp_grid_format format;
    int rc = sp_distio_args(argc, argv, spec, help, &a, &format);
    if (rc)
        return rc;
    kde_job job = {0};
    job.var = sp_args_get(&a, "var");
    if (!job.var)
        return sp_error_set(SP_EUSAGE, "--var is required (see --help)");
    const char *out = sp_args_get(&a, "output");
    if ((rc = parse_options(&a, &job)))
        return rc;
    double t0 = sp_clock_seconds();
    rc = sp_distio_open_args(&a, &job.D);
    double t1 = sp_clock_seconds();
    if (!rc)
        rc = run_all(&job);
    double t2 = sp_clock_seconds();
    if (!rc && out)
        rc = save_curves(&job, out);
    if (!rc && sp_args_flag(&a, "json"))
        rc = print_json(&job);
    else if (!rc)
        rc = print_table(&job, format);
    if (!rc && sp_args_flag(&a, "timing"))
        sp_clock_report("kde", t1 - t0, t2 - t1, sp_clock_seconds() - t2);
    sp_kde_set_free(&job.set);
    sp_distio_close(job.D);
    return rc;
}
