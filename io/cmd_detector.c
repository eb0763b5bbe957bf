/* spill detector: the geographical detector (factor, interaction, risk and
 * ecological detectors; core/sp_detector.h has the formulas), per period with
 * --by. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_acio.h"
#include "sp_classify.h"
#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_detector.h"
#include "sp_error.h"
#include "sp_grid.h"
#include "sp_panel.h"
#include "sp_table.h"

static const char help[] =
    "usage: spill detector DATA --y Y --x X1,X2,... [--continuous X2,...] [--classes K]\n"
    "                     [--discretize quantile|equal|jenks|sd|optimal] [--by TIME] [--alpha A]\n"
    "                     [--json | --csv | --markdown | --latex] [-o FILE]\n"
    "\n"
    "Geographical detector (Wang & Xu 2017) of Y against the factors X: the factor\n"
    "detector q with its F statistic and noncentral-F p-value (as R's geodetector),\n"
    "the interaction detector q(Xa n Xb) with its five-way class, the risk detector\n"
    "(stratum means, Welch t tests) and the ecological detector (F of the within sums\n"
    "of squares).  A factor's strata are its distinct values; the factors named by\n"
    "--continuous are first cut into --classes classes, or, with --discretize optimal,\n"
    "by the method and class count with the largest q (the R package GD's optidisc).\n"
    "\n"
    "options:\n"
    "  --y Y                the explained variable (numeric)\n"
    "  --x X1,X2,...        the factors (at most 32)\n"
    "  --continuous LIST    factors (among --x) to discretise\n"
    "  --classes K          classes of a continuous factor (default 5); with optimal the\n"
    "                       most classes tried (default 7)\n"
    "  --min-classes K      with optimal: the fewest classes tried (default 3)\n"
    "  --optimal-methods L  with optimal: the methods tried (default quantile,equal,\n"
    "                       jenks,sd); a candidate needs 2 units in every class\n"
    "  --discretize M       quantile (default: type-7 quantiles), equal, jenks (exact\n"
    "                       Fisher-Jenks natural breaks), sd (mean +- standard deviations)\n"
    "  --by TIME            one detector per period\n"
    "  --id FIELD, --layer NAME\n"
    "  --alpha A            significance level of the risk and ecological detectors\n"
    "                       (default 0.05)\n"
    "  --json               one JSON object: results, one per period\n"
    "  --csv, --markdown, --latex   table formats; -o FILE writes the tables there,\n"
    "                       in its extension's format (.csv .md .tex .txt; .json: the\n"
    "                       --json object; CSV for other names)\n"
    "  --timing             seconds spent reading, computing and writing, on stderr\n";

static const sp_optspec spec[] = {
    {"y", 1},          {"var", 1},   {"x", 1},     {"continuous", 1}, {"classes", 1},
    {"discretize", 1}, {"by", 1},    {"id", 1},    {"layer", 1},      {"alpha", 1},
    {"min-classes", 1}, {"optimal-methods", 1},
    {"output", 1},     {"json", 0},  {"timing", 0}, SP_GRID_FORMAT_OPTS, {NULL, 0},
};

/* The options of spill detector, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_detector_opts(void) { return spec; }

#define DT_MAXX 32

typedef struct dt_cli {
    const char *src, *layer, *id, *by, *y;
    char xbuf[2048], cbuf[2048];
    const char *x[DT_MAXX];
    int nx, classes, json;
    unsigned char cont[DT_MAXX];
    sp_classify_method method;
    int optimal, kmin, nmethods;          /* --discretize optimal: methods x kmin..classes */
    sp_classify_method methods[8];
    double alpha;
    sp_grid_dest dest;
} dt_cli;

/* One factor in one period: strata, labels, the detectors of it alone. */
typedef struct dt_factor {
    int L;
    int *h;               /* n strata */
    char **labels;        /* L labels */
    int k;                /* continuous: classes cut (before empty ones are dropped) */
    sp_classify_method method;
    double breaks[64];    /* continuous: the class breaks */
    double *qs;           /* optimal: the q of every candidate (methods x classes) */
    sp_detector_q q;
    sp_detector_risk risk;
} dt_factor;

/* Splits "a,b,c" (copied into buf) into at most DT_MAXX names. */
static int split_names(const char *opt, const char *s, char *buf, size_t size, const char **v,
                       int *n)
{
    if (strlen(s) >= size)
        return sp_error_set(SP_EUSAGE, "--%s: the list is too long", opt);
    strcpy(buf, s);
    *n = 0;
    for (char *p = strtok(buf, ","); p; p = strtok(NULL, ",")) {
        if (*n == DT_MAXX)
            return sp_error_set(SP_EUSAGE, "--%s: at most %d names", opt, DT_MAXX);
        v[(*n)++] = p;
    }
    return *n ? SP_OK : sp_error_set(SP_EUSAGE, "--%s: no names", opt);
}

/* Whether --discretize optimal was asked for. */
static int asks_optimal(const sp_args *a)
{
    const char *m = sp_args_get(a, "discretize");
    return m && !strcmp(m, "optimal");
}

/* --discretize optimal: --min-classes and --optimal-methods (GD's discitv and
 * discmethod). */
static int optimal_args(const sp_args *a, dt_cli *c)
{
    int rc = sp_args_int(a, "min-classes", c->classes < 3 ? c->classes : 3, 2, &c->kmin);
    if (rc)
        return rc;
    if (c->kmin > c->classes)
        return sp_error_set(SP_EUSAGE, "--min-classes %d is more than --classes %d", c->kmin,
                            c->classes);
    const char *s = sp_args_get(a, "optimal-methods"), *v[DT_MAXX];
    char buf[256];
    int n = 0;
    if (!s) {
        static const sp_classify_method all[] = {SP_CLASSIFY_QUANTILE, SP_CLASSIFY_EQUAL,
                                                 SP_CLASSIFY_JENKS, SP_CLASSIFY_SD};
        memcpy(c->methods, all, sizeof all);
        c->nmethods = 4;
        return SP_OK;
    }
    if ((rc = split_names("optimal-methods", s, buf, sizeof buf, v, &n)))
        return rc;
    if (n > 8)
        return sp_error_set(SP_EUSAGE, "--optimal-methods: at most 8 methods");
    for (int k = 0; k < n; k++)
        if ((rc = sp_classify_parse(v[k], &c->methods[k])))
            return sp_error_prefix(rc, "--optimal-methods");
    c->nmethods = n;
    return SP_OK;
}

/* --continuous: flags of the factors to discretise. */
static int continuous_args(const sp_args *a, dt_cli *c)
{
    const char *s = sp_args_get(a, "continuous"), *v[DT_MAXX];
    int n = 0, rc;
    if (!s) {
        if (sp_args_get(a, "classes") || sp_args_get(a, "discretize") ||
            sp_args_get(a, "min-classes") || sp_args_get(a, "optimal-methods"))
            return sp_error_set(SP_EUSAGE, "--classes and --discretize need --continuous "
                                           "(the factors to discretise)");
        return SP_OK;
    }
    if (!asks_optimal(a) && (sp_args_get(a, "min-classes") || sp_args_get(a, "optimal-methods")))
        return sp_error_set(SP_EUSAGE, "--min-classes and --optimal-methods go with "
                                       "--discretize optimal");
    if ((rc = split_names("continuous", s, c->cbuf, sizeof c->cbuf, v, &n)))
        return rc;
    for (int k = 0; k < n; k++) {
        int found = 0;
        for (int j = 0; j < c->nx; j++)
            if (!strcmp(v[k], c->x[j]))
                found = c->cont[j] = 1;
        if (!found)
            return sp_error_set(SP_EUSAGE, "--continuous: '%s' is not one of --x", v[k]);
    }
    const char *m = sp_args_get(a, "discretize");
    c->optimal = m && !strcmp(m, "optimal");
    if (m && !c->optimal && (rc = sp_classify_parse(m, &c->method)))
        return sp_error_prefix(rc, "--discretize");
    if ((rc = sp_args_int(a, "classes", c->optimal ? 7 : 5, 2, &c->classes)))
        return rc;
    if (c->classes > 64)
        return sp_error_set(SP_EUSAGE, "--classes: at most 64");
    return c->optimal ? optimal_args(a, c) : SP_OK;
}

/* Every option, checked before any file is read. */
static int cli_args(const sp_args *a, dt_cli *c)
{
    int rc;
    memset(c, 0, sizeof *c);
    if ((rc = sp_args_positional(a, 1, "DATA")))
        return rc;
    c->src = a->pos[0];
    c->layer = sp_args_get(a, "layer");
    c->id = sp_args_get(a, "id");
    c->by = sp_args_get(a, "by");
    c->y = sp_args_get(a, "y") ? sp_args_get(a, "y") : sp_args_get(a, "var");
    if (!c->y || !sp_args_get(a, "x"))
        return sp_error_set(SP_EUSAGE, "detector needs --%s", c->y ? "x" : "y");
    if ((rc = split_names("x", sp_args_get(a, "x"), c->xbuf, sizeof c->xbuf, c->x, &c->nx)))
        return rc;
    for (int j = 0; j < c->nx; j++)
        if (!strcmp(c->x[j], c->y))
            return sp_error_set(SP_EUSAGE, "'%s' is both --y and a factor", c->y);
    if ((rc = continuous_args(a, c)) || (rc = sp_args_double(a, "alpha", 0.05, &c->alpha)))
        return rc;
    if (!(c->alpha > 0.0 && c->alpha < 1.0))
        return sp_error_set(SP_EUSAGE, "--alpha must lie in (0, 1)");
    if ((rc = sp_grid_dest_args(a, "output", &c->dest)) ||
        (rc = sp_grid_dest_by_extension(&c->dest, SP_GRID_CSV)))
        return rc;
    c->json = c->dest.format == SP_GRID_JSON; /* --json, or -o FILE.json */
    if (c->json && c->dest.flag && c->dest.path)
        return sp_error_set(SP_EUSAGE, "--json prints on standard output; -o FILE.json "
                                       "writes the same object to FILE (drop --json)");
    return SP_OK;
}

/* ---- strata of one factor in one period */

static void factor_free(dt_factor *f)
{
    for (int c = 0; f->labels && c < f->L; c++)
        free(f->labels[c]);
    free(f->labels);
    free(f->h);
    free(f->qs);
    sp_detector_risk_free(&f->risk);
    memset(f, 0, sizeof *f);
}

/* Numbers in numeric order, other texts by strcmp. */
static int cmp_str(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    double u, v;
    if (!sp_table_parse_double(x, &u) && !sp_table_parse_double(y, &v) && u != v)
        return u < v ? -1 : 1;       /* numbers in numeric order */
    return strcmp(x, y);
}

/* Categorical strata: the distinct cell texts, numbers in numeric order. */
static int categorical(const sp_panel *P, int g, int col, dt_factor *f)
{
    const sp_panel_period *per = &P->periods[g];
    const char **v = sp_malloc((size_t)per->n * sizeof *v + 1);
    if (!v)
        return SP_ENOMEM;
    for (int k = 0; k < per->n; k++) {
        v[k] = sp_table_cell(P->table, per->rows[k], col);
        if (!v[k] || !*v[k]) {
            free(v);
            return sp_error_set(SP_EDATA, "row %d (unit %s): no value in %s",
                                per->rows[k] + 1, P->ids[per->rows[k]], P->table->names[col]);
        }
    }
    const char **u = sp_malloc((size_t)per->n * sizeof *u + 1);
    f->labels = sp_calloc((size_t)per->n + 1, sizeof *f->labels);
    int rc = u && f->labels ? SP_OK : SP_ENOMEM;
    if (!rc) {
        memcpy(u, v, (size_t)per->n * sizeof *u);
        qsort(u, (size_t)per->n, sizeof *u, cmp_str);
        for (int k = 0; k < per->n; k++)
            if (!f->L || cmp_str(&u[k], &u[f->L - 1]))
                u[f->L++] = u[k];
        for (int c = 0; c < f->L && !rc; c++)
            if (!(f->labels[c] = sp_strdup(u[c])))
                rc = SP_ENOMEM;
        for (int k = 0; k < per->n && !rc; k++)
            f->h[k] = (int)((const char **)bsearch(&v[k], u, (size_t)f->L, sizeof *u, cmp_str) - u);
    }
    free(u);
    free(v);
    return rc;
}

/* The breaks of x: --discretize's method, or the optimal method and k. */
static int cut_factor(const dt_cli *c, const double *y, const double *x, int n, dt_factor *f)
{
    f->k = c->classes;
    f->method = c->method;
    if (!c->optimal)
        return sp_classify_breaks(c->method, x, n, c->classes, f->breaks);
    sp_detector_opt o;
    size_t m = (size_t)c->nmethods * (c->classes - c->kmin + 1);
    if (!(f->qs = sp_malloc(m * sizeof *f->qs)))
        return SP_ENOMEM;
    int rc = sp_detector_optimal(y, x, n, c->methods, c->nmethods, c->kmin, c->classes, &o,
                                 f->breaks, f->qs);
    f->k = o.k;
    f->method = o.method;
    return rc;
}

/* Continuous strata: classes of the values, empty classes dropped. */
static int continuous(const dt_cli *c, const sp_panel *P, int g, const char *name,
                      const double *y, dt_factor *f)
{
    int n = P->periods[g].n, K, map[64], L;
    double *x = sp_malloc((size_t)n * sizeof *x + 1);
    int *cls = sp_malloc((size_t)n * sizeof *cls + 1);
    int rc = x && cls ? sp_panel_numeric(P, g, name, x) : SP_ENOMEM;
    if (!rc)
        rc = cut_factor(c, y, x, n, f);
    K = f->k;
    if (!rc) {
        sp_classify_assign(x, n, f->breaks, K, cls);
        rc = sp_detector_compact(cls, n, f->h, &L, map);
    }
    if (!rc && !(f->labels = sp_calloc((size_t)K, sizeof *f->labels)))
        rc = SP_ENOMEM;
    for (int k = 0; k < K && !rc; k++)
        if (map[k] >= 0) {
            char b[16];
            snprintf(b, sizeof b, "%d", k + 1);
            if (!(f->labels[map[k]] = sp_strdup(b)))
                rc = SP_ENOMEM;
        }
    f->L = L;
    free(x);
    free(cls);
    return rc;
}

/* Strata of factor j in period g and its factor and risk detectors. */
static int factor_load(const dt_cli *c, const sp_panel *P, int g, int j, const double *y,
                       dt_factor *f)
{
    char what[600];
    int n = P->periods[g].n, col, rc;
    sp_panel_describe(P, g, what, sizeof what);
    memset(f, 0, sizeof *f);
    if ((rc = sp_table_require(P->table, c->x[j], &col)))
        return rc;
    if (!(f->h = sp_malloc((size_t)n * sizeof *f->h + 1)))
        return SP_ENOMEM;
    rc = c->cont[j] ? continuous(c, P, g, c->x[j], y, f) : categorical(P, g, col, f);
    if (!rc)
        rc = sp_detector_factor(y, n, f->h, f->L, &f->q);
    if (!rc)
        rc = sp_detector_risk_compute(y, n, f->h, f->L, c->alpha, &f->risk);
    if (rc && !strstr(sp_error_msg(), P->table->source))   /* table errors name it */
        sp_error_prefix(rc, "%s: factor %s", what, c->x[j]);
    return rc;
}

/* ---- output: one JSON object per period, rows in five tables */

typedef struct dt_out {
    json_t *results;
    sp_grid *factor, *inter, *means, *ttest, *eco;
} dt_out;

static const sp_grid_col factor_cols[] = {
    {.name = "by", .align = SP_GRID_LEFT}, {.name = "factor", .align = SP_GRID_LEFT},
    {.name = "strata"}, {.name = "q"}, {.name = "F"}, {.name = "df1"}, {.name = "df2"},
    {.name = "lambda"}, {.name = "p"}};
static const sp_grid_col inter_cols[] = {
    {.name = "by", .align = SP_GRID_LEFT}, {.name = "a", .align = SP_GRID_LEFT},
    {.name = "b", .align = SP_GRID_LEFT}, {.name = "q(a)"}, {.name = "q(b)"},
    {.name = "q(a n b)"}, {.name = "interaction", .align = SP_GRID_LEFT}};
static const sp_grid_col means_cols[] = {
    {.name = "by", .align = SP_GRID_LEFT}, {.name = "factor", .align = SP_GRID_LEFT},
    {.name = "stratum", .align = SP_GRID_LEFT}, {.name = "n"}, {.name = "mean"}};
static const sp_grid_col ttest_cols[] = {
    {.name = "by", .align = SP_GRID_LEFT}, {.name = "factor", .align = SP_GRID_LEFT},
    {.name = "a", .align = SP_GRID_LEFT}, {.name = "b", .align = SP_GRID_LEFT},
    {.name = "t"}, {.name = "df"}, {.name = "p"}, {.name = "sig", .align = SP_GRID_LEFT}};
static const sp_grid_col eco_cols[] = {
    {.name = "by", .align = SP_GRID_LEFT}, {.name = "a", .align = SP_GRID_LEFT},
    {.name = "b", .align = SP_GRID_LEFT}, {.name = "F"}, {.name = "df1"}, {.name = "df2"},
    {.name = "p"}, {.name = "sig", .align = SP_GRID_LEFT}};

/* The JSON list and the five tables. */
static int out_init(dt_out *o)
{
    o->results = json_array();
    o->factor = sp_grid_new("factor detector (q, noncentral F as geodetector)", factor_cols, 9);
    o->inter = sp_grid_new("interaction detector", inter_cols, 7);
    o->means = sp_grid_new("risk detector: stratum means", means_cols, 5);
    o->ttest = sp_grid_new("risk detector: Welch t tests between strata", ttest_cols, 8);
    o->eco = sp_grid_new("ecological detector: F = SSW(a) / SSW(b), two-sided", eco_cols, 8);
    return o->results && o->factor && o->inter && o->means && o->ttest && o->eco ? SP_OK
                                                                                : SP_ENOMEM;
}

/* Frees the JSON list and the tables. */
static void out_free(dt_out *o)
{
    json_decref(o->results);
    sp_grid_free(o->factor);
    sp_grid_free(o->inter);
    sp_grid_free(o->means);
    sp_grid_free(o->ttest);
    sp_grid_free(o->eco);
}

/* The optimal search's candidates: {method, classes, q} (q null: not admissible). */
static json_t *candidates_json(const dt_cli *c, const dt_factor *f)
{
    json_t *a = json_array();
    int nk = c->classes - c->kmin + 1;
    for (int m = 0; m < c->nmethods; m++)
        for (int k = c->kmin; k <= c->classes; k++)
            json_array_append_new(a, json_pack("{s:s, s:i, s:o}", "method",
                                               sp_classify_name(c->methods[m]), "classes", k,
                                               "q", sp_json_real(f->qs[m * nk + k - c->kmin])));
    return a;
}

/* The factor detector's entry and row of factor j. */
static json_t *factor_out(const dt_cli *c, const char *by, int j, const dt_factor *f, dt_out *o)
{
    const sp_detector_q *q = &f->q;
    json_t *strata = json_array(), *pairs = json_array();
    for (int s = 0; s < f->L; s++) {
        json_array_append_new(strata, json_pack("{s:s, s:i, s:o}", "stratum", f->labels[s], "n",
                                                f->risk.count[s], "mean",
                                                sp_json_real(f->risk.mean[s])));
        sp_grid_row(o->means);
        sp_grid_str(o->means, by);
        sp_grid_str(o->means, c->x[j]);
        sp_grid_str(o->means, f->labels[s]);
        sp_grid_int(o->means, f->risk.count[s]);
        sp_grid_num(o->means, "%.6g", f->risk.mean[s]);
    }
    for (int a = 0, k = 0; a < f->L; a++)
        for (int b = a + 1; b < f->L; b++, k++) {
            const sp_detector_risk *r = &f->risk;
            json_array_append_new(pairs, json_pack("{s:s, s:s, s:o, s:o, s:o, s:b}", "a",
                                                   f->labels[a], "b", f->labels[b], "t",
                                                   sp_json_real(r->t[k]), "df",
                                                   sp_json_real(r->df[k]), "p",
                                                   sp_json_real(r->p[k]), "significant",
                                                   r->significant[k]));
            sp_grid_row(o->ttest);
            sp_grid_str(o->ttest, by);
            sp_grid_str(o->ttest, c->x[j]);
            sp_grid_str(o->ttest, f->labels[a]);
            sp_grid_str(o->ttest, f->labels[b]);
            sp_grid_num(o->ttest, "%.4f", r->t[k]);
            sp_grid_num(o->ttest, "%.2f", r->df[k]);
            sp_grid_num(o->ttest, "%.4g", r->p[k]);
            sp_grid_str(o->ttest, isnan(r->t[k]) ? "-" : r->significant[k] ? "Y" : "N");
        }
    sp_grid_row(o->factor);
    sp_grid_str(o->factor, by);
    sp_grid_str(o->factor, c->x[j]);
    sp_grid_int(o->factor, f->L);
    sp_grid_num(o->factor, "%.6f", q->q);
    isinf(q->F) ? sp_grid_str(o->factor, "inf") : sp_grid_num(o->factor, "%.4f", q->F);
    sp_grid_int(o->factor, q->df1);
    sp_grid_int(o->factor, q->df2);
    sp_grid_num(o->factor, "%.4f", q->lambda);
    sp_grid_num(o->factor, "%.4g", q->p);
    json_t *e = json_pack("{s:s, s:i, s:o, s:o, s:i, s:i, s:o, s:o, s:o, s:o}", "x", c->x[j],
                          "strata", f->L, "q", sp_json_real(q->q), "F", sp_json_real(q->F),
                          "df1", q->df1, "df2", q->df2, "lambda", sp_json_real(q->lambda), "p",
                          sp_json_real(q->p), "means", strata, "t_tests", pairs);
    if (c->cont[j]) {
        json_t *b = json_array();
        char note[1200];
        const char *period = strcmp(by, "-") ? by : "";    /* "2011 X: ..." with --by */
        char chosen[64] = "";
        if (c->optimal)
            snprintf(chosen, sizeof chosen, ", %d classes (largest q)", f->k);
        int len = snprintf(note, sizeof note, "%s%s%s: %s%s breaks%s (upper bounds)", period,
                           *period ? " " : "", c->x[j], c->optimal ? "optimal: " : "",
                           sp_classify_name(f->method), chosen);
        len = len > 0 ? len : 0;
        json_object_set_new(e, "method", json_string(sp_classify_name(f->method)));
        json_object_set_new(e, "classes", json_integer(f->k));
        if (c->optimal)
            json_object_set_new(e, "candidates", candidates_json(c, f));
        for (int k = 0; k < f->k; k++) {
            json_array_append_new(b, sp_json_real(f->breaks[k]));
            if ((size_t)len < sizeof note)
                len += snprintf(note + len, sizeof note - len, "%s%.6g", k ? ", " : " ",
                                f->breaks[k]);
        }
        json_object_set_new(e, "breaks", b);
        sp_grid_note(o->factor, note);
    }
    return e;
}

/* Interaction and ecological detectors of the pair (a, b). */
static int pair_out(const dt_cli *c, const char *by, int a, int b, const dt_factor *F,
                    const double *y, int n, json_t *inter, json_t *eco, dt_out *o)
{
    int *h = sp_malloc((size_t)n * sizeof *h + 1), L;
    sp_detector_q qab;
    int rc = h ? sp_detector_overlay(F[a].h, F[a].L, F[b].h, F[b].L, n, h, &L) : SP_ENOMEM;
    if (!rc && (rc = sp_detector_factor(y, n, h, L, &qab)))
        sp_error_prefix(rc, "interaction of %s and %s", c->x[a], c->x[b]);
    free(h);
    if (rc)
        return rc;
    const char *kind = sp_detector_interaction_name(
        sp_detector_classify(F[a].q.q, F[b].q.q, qab.q));
    json_array_append_new(inter, json_pack("{s:s, s:s, s:o, s:o, s:o, s:i, s:s}", "a", c->x[a],
                                           "b", c->x[b], "q_a", sp_json_real(F[a].q.q), "q_b",
                                           sp_json_real(F[b].q.q), "q", sp_json_real(qab.q),
                                           "strata", L, "interaction", kind));
    sp_grid_row(o->inter);
    sp_grid_str(o->inter, by);
    sp_grid_str(o->inter, c->x[a]);
    sp_grid_str(o->inter, c->x[b]);
    sp_grid_num(o->inter, "%.6f", F[a].q.q);
    sp_grid_num(o->inter, "%.6f", F[b].q.q);
    sp_grid_num(o->inter, "%.6f", qab.q);
    sp_grid_str(o->inter, kind);
    sp_detector_eco e;
    sp_detector_ecological(&F[a].q, &F[b].q, c->alpha, &e);
    json_array_append_new(eco, json_pack("{s:s, s:s, s:o, s:i, s:i, s:o, s:b}", "a", c->x[a],
                                         "b", c->x[b], "F", sp_json_real(e.F), "df1", e.df1,
                                         "df2", e.df2, "p", sp_json_real(e.p), "significant",
                                         e.significant));
    sp_grid_row(o->eco);
    sp_grid_str(o->eco, by);
    sp_grid_str(o->eco, c->x[a]);
    sp_grid_str(o->eco, c->x[b]);
    sp_grid_num(o->eco, "%.4f", e.F);
    sp_grid_int(o->eco, e.df1);
    sp_grid_int(o->eco, e.df2);
    sp_grid_num(o->eco, "%.4g", e.p);
    sp_grid_str(o->eco, e.significant ? "Y" : "N");
    return SP_OK;
}

/* Every detector of period g. */
static int period(const dt_cli *c, const sp_panel *P, int g, dt_out *o)
{
    int n = P->periods[g].n, rc;
    const char *by = c->by ? P->periods[g].label : "-";
    double *y = sp_malloc((size_t)n * sizeof *y + 1);
    dt_factor F[DT_MAXX] = {0};
    json_t *factors = json_array(), *inter = json_array(), *eco = json_array();
    rc = y ? sp_panel_numeric(P, g, c->y, y) : SP_ENOMEM;
    for (int j = 0; j < c->nx && !rc; j++)
        if (!(rc = factor_load(c, P, g, j, y, &F[j])))
            json_array_append_new(factors, factor_out(c, by, j, &F[j], o));
    for (int a = 0; a < c->nx && !rc; a++)
        for (int b = a + 1; b < c->nx && !rc; b++)
            rc = pair_out(c, by, a, b, F, y, n, inter, eco, o);
    if (!rc)
        json_array_append_new(o->results, json_pack("{s:o, s:i, s:O, s:O, s:O}", "by",
                                                    sp_acio_by_json(c->by ? by : NULL), "n", n,
                                                    "factor", factors, "interaction", inter,
                                                    "ecological", eco));
    json_decref(factors);
    json_decref(inter);
    json_decref(eco);
    for (int j = 0; j < c->nx; j++)
        factor_free(&F[j]);
    free(y);
    return rc;
}

/* The tables that apply (pairs only with two factors or more). */
static int write_tables(dt_cli *c, dt_out *o)
{
    int rc = sp_grid_dest_open(&c->dest), m = 0;
    if (rc)
        return rc;
    sp_grid *g[5];
    g[m++] = o->factor;
    if (c->nx > 1)
        g[m++] = o->inter;
    g[m++] = o->means;
    g[m++] = o->ttest;
    if (c->nx > 1)
        g[m++] = o->eco;
    for (int k = 0; k < m && !rc; k++) {
        if (k && c->dest.format != SP_GRID_CSV)
            fputc('\n', c->dest.f);
        rc = sp_grid_write(g[k], c->dest.format, c->dest.f);
    }
    return sp_grid_dest_close(&c->dest, rc);
}

/* The JSON object, on stdout or into -o FILE.json. */
static int write_json(dt_cli *c, dt_out *o)
{
    json_t *x = json_array();
    for (int j = 0; j < c->nx; j++)
        json_array_append_new(x, json_string(c->x[j]));
    json_t *root = json_pack("{s:s, s:o, s:O}", "y", c->y, "x", x, "results", o->results);
    if (c->classes && !c->optimal)
        json_object_set_new(root, "discretize",
                            json_pack("{s:s, s:i}", "method", sp_classify_name(c->method),
                                      "classes", c->classes));
    if (c->optimal) {
        json_t *ms = json_array();
        for (int m = 0; m < c->nmethods; m++)
            json_array_append_new(ms, json_string(sp_classify_name(c->methods[m])));
        json_object_set_new(root, "discretize",
                            json_pack("{s:s, s:i, s:i, s:o}", "method", "optimal", "min_classes",
                                      c->kmin, "classes", c->classes, "methods", ms));
    }
    int rc = sp_grid_dest_open(&c->dest);
    if (rc) {
        json_decref(root);
        return rc;
    }
    return sp_grid_dest_close(&c->dest, sp_json_write(root, c->dest.f));
}

/* spill detector. */
int sp_cmd_detector(int argc, char **argv)
{
    sp_args a;
    dt_cli c;
    dt_out o = {0};
    sp_table *tab = NULL;
    sp_panel *P = NULL;
    int rc = sp_args_parse(argc, argv, spec, help, &a);
    if (!rc)
        rc = cli_args(&a, &c);
    if (!rc)
        rc = out_init(&o);
    double t0 = sp_clock_seconds(), t1 = 0.0, t2 = 0.0;
    if (!rc)
        rc = sp_table_read(c.src, c.layer, &tab);
    if (!rc)
        rc = sp_panel_build(tab, c.id, c.by, &P);
    t1 = sp_clock_seconds();
    for (int g = 0; !rc && g < P->nperiods; g++)
        rc = period(&c, P, g, &o);
    t2 = sp_clock_seconds();
    if (!rc)
        rc = c.json ? write_json(&c, &o) : write_tables(&c, &o);
    if (!rc && sp_args_flag(&a, "timing"))
        sp_clock_report("detector", t1 - t0, t2 - t1, sp_clock_seconds() - t2);
    out_free(&o);
    sp_panel_free(P);
    sp_table_free(tab);
    return rc;
}
