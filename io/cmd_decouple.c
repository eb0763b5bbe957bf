/* spill decouple: Tapio decoupling elasticity of a pressure variable on a
 * driver between periods, per unit, with its eight states (usable as Markov
 * states; docs/distribution.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_decouple.h"
#include "sp_distio.h"
#include "sp_error.h"
#include "sp_gapio.h"
#include "sp_grid.h"
#include "sp_idmap.h"
#include "sp_output.h"

static const char help[] =
    "usage: spill decouple DATA --var C --driver A --id ID --by TIME\n"
    "                      [--base previous|first] [--gaps error|skip | --consecutive-periods]\n"
    "                      [--bands LO,HI] [-o OUT] [--csv|--markdown|--latex|--json]\n"
    "\n"
    "Tapio's decoupling elasticity e = (dC/C0) / (dA/A0) of a pressure C (e.g.\n"
    "emissions) on a driver A (e.g. GDP) for every unit between consecutive periods\n"
    "(or from the first period), and its state from the signs of dA, dC and the\n"
    "bands [0, LO), [LO, HI], (HI, inf) (LO = 0.8, HI = 1.2): 1 strong decoupling,\n"
    "2 weak decoupling, 3 recessive decoupling, 4 expansive coupling, 5 recessive\n"
    "coupling, 6 expansive negative decoupling, 7 weak negative decoupling, 8 strong\n"
    "negative decoupling; 0 when A did not change (no elasticity).  The state codes\n"
    "serve as discrete Markov states.  C0 and A0 must be positive.\n"
    "\n"
    "options:\n"
    "  --var C             the pressure variable\n"
    "  --driver A          the driver variable\n"
    "  --id ID, --by TIME  unit id and period fields (both required)\n"
    "  --base B            previous (default: consecutive periods) or first\n"
    SP_GAPIO_HELP("with --base previous the intervals across the gap are\n"
                  "                       left out (listed in period_gaps)")
    "  --bands LO,HI       the coupling band (default 0.8,1.2)\n"
    "  --layer NAME        layer of DATA\n"
    "  -o OUT              one row per unit and interval: id, from, to, growth rates,\n"
    "                      elasticity, state code and names (format by extension)\n"
    "  --csv, --markdown, --latex  the printed table in that format\n"
    "  --json              results per interval as one JSON object on stdout\n"
    "  --timing            seconds spent reading, computing and writing, on stderr\n";

static const sp_optspec spec[] = {{"var", 1},  {"driver", 1}, {"id", 1},    {"by", 1},
                                  {"base", 1}, {"bands", 1},  {"layer", 1}, {"output", 1},
                                  {"json", 0}, {"timing", 0}, SP_GAPIO_OPTS,
                                  SP_GRID_FORMAT_OPTS, {NULL, 0}};

/* The options of spill decouple, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_decouple_opts(void) { return spec; }

/* One unit's change over one interval. */
typedef struct dec_row {
    const char *id;
    int from, to;          /* periods */
    sp_decouple_change ch;
} dec_row;

typedef struct dec_job {
    sp_distio *D;
    const char *var, *driver, *by;
    int first;
    sp_gapio_mode gaps;
    sp_gapio G;            /* --base previous: the gaps between the periods */
    const char **labels;   /* the period labels, for G */
    double lo, hi;
    dec_row *rows;
    int nrows;
    int *left_out;         /* per interval: units without a row in one of the two periods */
} dec_job;

static int parse_options(const sp_args *a, dec_job *job)
{
    job->var = sp_args_get(a, "var"), job->driver = sp_args_get(a, "driver");
    if (!job->var || !job->driver || !sp_args_get(a, "id") || !sp_args_get(a, "by"))
        return sp_error_set(SP_EUSAGE, "--var, --driver, --id and --by are required (see --help)");
    static const char *const bases[] = {"previous", "first"};
    int rc = sp_args_choice(a, "base", bases, 2, &job->first);
    if (!rc)
        rc = sp_gapio_args(a, &job->gaps);
    if (rc)
        return rc;
    if (job->first && (sp_args_get(a, "gaps") || sp_args_flag(a, "consecutive-periods")))
        return sp_error_set(SP_EUSAGE, "--%s goes with --base previous (from the first period "
                            "there is no period before to miss)",
                            sp_args_get(a, "gaps") ? "gaps" : "consecutive-periods");
    job->by = sp_args_get(a, "by");
    job->lo = 0.8, job->hi = 1.2;
    const char *bands = sp_args_get(a, "bands"), *list[3];
    char buf[128];
    if (bands && (sp_distio_split(bands, buf, sizeof buf, list, 3) != 2 || sp_table_parse_double(list[0], &job->lo) ||
                  sp_table_parse_double(list[1], &job->hi) || !(job->lo > 0 && job->hi > job->lo)))
        return sp_error_set(SP_EUSAGE, "--bands: expected LO,HI with 0 < LO < HI, got '%s'", bands);
    return SP_OK;
}

/* Values of both variables and the id map of period g. */
typedef struct dec_period {
    int n;
    const char **ids;
    double *c, *a;
    sp_idmap *map;
} dec_period;

static void period_free(dec_period *p)
{
    free(p->ids), free(p->c), free(p->a);
    sp_idmap_free(p->map);
    memset(p, 0, sizeof *p);
}

static int period_load(const dec_job *job, int g, dec_period *p)
{
    char what[512];
    p->n = job->D->P->periods[g].n;
    p->ids = sp_malloc((size_t)p->n * sizeof *p->ids + 1);
    p->c = sp_malloc((size_t)p->n * sizeof *p->c + 1), p->a = sp_malloc((size_t)p->n * sizeof *p->a + 1);
    if (!p->ids || !p->c || !p->a)
        return SP_ENOMEM;
    int rc = sp_distio_period(job->D, g, job->var, p->ids, p->c, NULL);
    if (!rc)
        rc = sp_panel_numeric(job->D->P, g, job->driver, p->a);
    if (!rc)
        rc = sp_idmap_build(p->ids, p->n, sp_panel_describe(job->D->P, g, what, sizeof what), &p->map);
    return rc;
}

/* The units of period `to` that also have a row in period `from`; the others
 * are counted in job->left_out[to - 1]. */
static int interval(dec_job *job, const dec_period *p0, const dec_period *p1, int from, int to)
{
    int matched = 0;
    for (int k = 0; k < p1->n; k++) {
        int u = sp_idmap_find(p0->map, p1->ids[k]);
        if (u < 0)
            continue;
        dec_row *r = &job->rows[job->nrows];
        char what[640];
        snprintf(what, sizeof what, "%s: unit %s from %s to %s", job->D->path, p1->ids[k],
                 job->D->P->periods[from].label, job->D->P->periods[to].label);
        int rc = sp_decouple_state(p0->c[u], p1->c[k], p0->a[u], p1->a[k], job->lo, job->hi, what, &r->ch);
        if (rc)
            return rc;
        r->id = p1->ids[k], r->from = from, r->to = to;
        job->nrows++, matched++;
    }
    job->left_out[to - 1] = p0->n + p1->n - 2 * matched;
    return SP_OK;
}

/* --base previous: the gaps between the periods (sp_gapio), an error unless
 * --gaps skip (the intervals after a gap left out, job->G.gap) or
 * --consecutive-periods; --base first: none. */
static int period_gaps(dec_job *job)
{
    const sp_panel *P = job->D->P;
    int np = P->nperiods;
    if (!(job->labels = sp_malloc((size_t)np * sizeof *job->labels)))
        return SP_ENOMEM;
    for (int g = 0; g < np; g++)
        job->labels[g] = P->periods[g].label;
    int rc = sp_gapio_find(&job->G, job->first ? SP_GAPIO_CONSECUTIVE : job->gaps, np,
                           job->labels, job->D->path, job->by,
                           "so the change into it spans more than one period and would mix "
                           "with the one-period changes", "the intervals across the gap "
                           "(listed in period_gaps)");
    if (!rc && job->G.numeric)
        sp_gapio_warn_uneven(stderr, "decouple", np, job->labels, job->G.gap, job->G.step,
                             job->D->path, job->by, "the start of each change");
    return rc;
}

/* 1 when interval g (into period g) is computed: not after a skipped gap. */
static int interval_used(const dec_job *job, int g)
{
    return job->first || !job->G.gap[g];
}

static int run_all(dec_job *job)
{
    const sp_panel *P = job->D->P;
    int np = P->nperiods, total = 0, rc = SP_OK;
    if (np < 2)
        return sp_error_set(SP_EDATA, "%s: decoupling needs at least two periods (found %d)", job->D->path, np);
    if ((rc = period_gaps(job)))
        return rc;
    for (int g = 0; g < np; g++)
        total += P->periods[g].n;
    job->rows = sp_malloc((size_t)total * sizeof *job->rows);
    job->left_out = sp_calloc((size_t)np, sizeof *job->left_out);
    dec_period *per = sp_calloc((size_t)np, sizeof *per);
    if (!job->rows || !job->left_out || !per)
        rc = SP_ENOMEM;
    for (int g = 0; !rc && g < np; g++)
        rc = period_load(job, g, &per[g]);
    for (int g = 1; !rc && g < np; g++) {
        int from = job->first ? 0 : g - 1;
        if (!interval_used(job, g)) {
            fprintf(stderr, "spill decouple: --gaps skip: the interval %s-%s spans a gap and is "
                            "left out\n", P->periods[from].label, P->periods[g].label);
            continue;
        }
        rc = interval(job, &per[from], &per[g], from, g);
        if (!rc && job->left_out[g - 1])
            fprintf(stderr, "spill decouple: %d units of %s or %s have no row in the other period and are left out\n",
                    job->left_out[g - 1], P->periods[from].label, P->periods[g].label);
    }
    for (int g = 0; per && g < np; g++)
        period_free(&per[g]);
    free(per);
    return rc;
}

static json_t *interval_json(const dec_job *job, int to)
{
    json_t *units = json_array(), *states = json_array();
    int count[SP_DECOUPLE_NSTATES + 1] = {0}, n = 0, from = -1;
    for (int i = 0; i < job->nrows; i++) {
        const dec_row *r = &job->rows[i];
        if (r->to != to)
            continue;
        from = r->from, n++, count[r->ch.code]++;
        json_array_append_new(units, json_pack("{s:s, s:o, s:o, s:o, s:i, s:s}", "id", r->id, "growth_var",
                                               sp_json_real(r->ch.growth_var), "growth_driver", sp_json_real(r->ch.growth_driver),
                                               "elasticity", sp_json_real(r->ch.elasticity), "code", r->ch.code, "state",
                                               sp_decouple_name_en(r->ch.code)));
    }
    for (int c = 0; c <= SP_DECOUPLE_NSTATES; c++)
        json_array_append_new(states, json_pack("{s:i, s:s, s:s, s:i}", "code", c, "name_en", sp_decouple_name_en(c),
                                                "name_zh", sp_decouple_name_zh(c), "n", count[c]));
    return json_pack("{s:o, s:o, s:i, s:i, s:o, s:o}", "by", sp_distio_by_json(job->D, to), "from",
                     from >= 0 ? sp_distio_by_json(job->D, from) : json_null(), "n", n, "left_out",
                     job->left_out[to - 1], "states", states, "units", units);
}

static int print_json(const dec_job *job)
{
    json_t *results = json_array();
    for (int g = 1; g < job->D->P->nperiods; g++)
        if (interval_used(job, g))
            json_array_append_new(results, interval_json(job, g));
    json_t *root = json_pack("{s:s, s:s, s:s, s:[f, f], s:o}", "var", job->var, "driver", job->driver,
                             "base", job->first ? "first" : "previous", "bands", job->lo, job->hi,
                             "results", results);
    if (!job->first) {
        static const char *const modes[] = {"error", "skip", "consecutive"};
        json_object_set_new(root, "gaps", json_string(modes[job->gaps]));
        sp_gapio_json(&job->G, "the previous period", root);
    }
    return sp_json_print(root);
}

/* Counts of the states per interval. */
static int print_table(const dec_job *job, sp_grid_format format)
{
    const sp_panel *P = job->D->P;
    char title[512];
    sp_distio_cols cols = {0};
    sp_distio_cols_add(&cols, SP_GRID_RIGHT, "code");
    sp_distio_cols_add(&cols, SP_GRID_LEFT, "state");
    sp_distio_cols_add(&cols, SP_GRID_LEFT, "state_zh");
    for (int g = 1; g < P->nperiods; g++)
        if (interval_used(job, g))
            sp_distio_cols_add(&cols, SP_GRID_RIGHT, "%s-%s", P->periods[job->first ? 0 : g - 1].label,
                               P->periods[g].label);
    snprintf(title, sizeof title, "Tapio decoupling of %s on %s (bands [0, %g), [%g, %g], (%g, inf); base %s)",
             job->var, job->driver, job->lo, job->lo, job->hi, job->hi,
             job->first ? "first period" : "previous period");
    sp_grid *t = sp_distio_cols_grid(&cols, title);
    for (int c = 1; c <= SP_DECOUPLE_NSTATES + 1; c++) {
        int code = c % (SP_DECOUPLE_NSTATES + 1);
        sp_grid_row(t);
        sp_grid_int(t, code);
        sp_grid_str(t, sp_decouple_name_en(code));
        sp_grid_str(t, sp_decouple_name_zh(code));
        for (int g = 1; g < P->nperiods; g++) {
            if (!interval_used(job, g))
                continue;
            int n = 0;
            for (int i = 0; i < job->nrows; i++)
                n += job->rows[i].to == g && job->rows[i].ch.code == code;
            sp_grid_int(t, n);
        }
    }
    return sp_distio_emit(t, format, NULL);
}

/* -o: one row per unit and interval (format by extension). */
static int save_rows(const dec_job *job, const char *path)
{
    const sp_panel *P = job->D->P;
    sp_grid_col cols[] = {{.name = job->D->t->names[P->id_col], .align = SP_GRID_LEFT},
                          {.name = "from", .align = SP_GRID_LEFT}, {.name = "to", .align = SP_GRID_LEFT},
                          {.name = "growth_var"}, {.name = "growth_driver"}, {.name = "elasticity"},
                          {.name = "state_code"}, {.name = "state_en", .align = SP_GRID_LEFT},
                          {.name = "state_zh", .align = SP_GRID_LEFT}};
    sp_grid_format f = sp_grid_format_for(path, SP_GRID_CSV);
    const char *fmt = sp_distio_numfmt(f);
    sp_grid *g = sp_grid_new(NULL, cols, 9);
    for (int i = 0; i < job->nrows; i++) {
        const dec_row *r = &job->rows[i];
        sp_grid_row(g);
        sp_grid_str(g, r->id);
        sp_grid_str(g, P->periods[r->from].label);
        sp_grid_str(g, P->periods[r->to].label);
        sp_grid_num(g, fmt, r->ch.growth_var);
        sp_grid_num(g, fmt, r->ch.growth_driver);
        sp_grid_num(g, fmt, r->ch.elasticity);
        sp_grid_int(g, r->ch.code);
        sp_grid_str(g, sp_decouple_name_en(r->ch.code));
        sp_grid_str(g, sp_decouple_name_zh(r->ch.code));
    }
    return sp_distio_emit(g, f, path);
}

int sp_cmd_decouple(int argc, char **argv)
{
    sp_args a;
    sp_grid_format format;
    int rc = sp_distio_args(argc, argv, spec, help, &a, &format);
    if (rc)
        return rc;
    dec_job job = {0};
    if ((rc = parse_options(&a, &job)))
        return rc;
    double t0 = sp_clock_seconds();
    rc = sp_distio_open_args(&a, &job.D);
    double t1 = sp_clock_seconds();
    if (!rc)
        rc = run_all(&job);
    double t2 = sp_clock_seconds();
    if (!rc && sp_args_get(&a, "output"))
        rc = save_rows(&job, sp_args_get(&a, "output"));
    if (!rc && sp_args_flag(&a, "json"))
        rc = print_json(&job);
    else if (!rc)
        rc = print_table(&job, format);
    if (!rc && sp_args_flag(&a, "timing"))
        sp_clock_report("decouple", t1 - t0, t2 - t1, sp_clock_seconds() - t2);
    free(job.rows), free(job.left_out), free(job.labels);
    sp_gapio_free(&job.G);
    sp_distio_close(job.D);
    return rc;
}
