/* spill markov: classic, spatial and LISA Markov chains of a panel variable
 * (core/sp_markov.h has the definitions). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_clock.h"
#include "sp_cli.h"
#include "sp_error.h"
#include "sp_gapio.h"
#include "sp_grid.h"
#include "sp_markov.h"
#include "sp_pdata.h"
#include "sp_period.h"
#include "sp_table.h"
#include "sp_wio.h"

static const char help[] =
    "usage: spill markov DATA --id ID --var V --by TIME [--k 5] [--pooled] [--relative]\n"
    "                   [--cutoffs a,b,...] [--discrete] [--w W [--m 5] [--lag-cutoffs a,b,...]]\n"
    "                   [--lisa] [--lag D] [--gaps error|skip | --consecutive-periods]\n"
    "                   [--json | --csv | --markdown | --latex] [-o FILE]\n"
    "\n"
    "Markov chain of V's classes between periods (PySAL giddy's definitions): transition\n"
    "counts, probabilities, steady state, mean first passage times and Prais mobility;\n"
    "with --w the spatial Markov chain conditioned on the class of the neighbours'\n"
    "spatial lag at the origin period, its steady states and the homogeneity tests;\n"
    "with --lisa the chain of the LISA quadrants and the test that own and neighbours'\n"
    "moves are independent.  DATA is a balanced long table (one\n"
    "row per unit and period).\n"
    "\n"
    "classes:\n"
    "  --k K                classes (default 5): type-7 quantiles of each period\n"
    "  --pooled             quantiles over all periods (giddy fixed=True)\n"
    "  --cutoffs a,b,...    given cut-offs: (-inf, a], (a, b], ..., (last, inf)\n"
    "  --discrete           V's own values are the states\n"
    "  --relative           divide each period by its mean first\n"
    "  --lag D              transitions from period s to s + D (default 1)\n"
    "  --fill-empty         1 on the diagonal of a class no unit leaves (default 0s)\n"
    SP_GAPIO_HELP("the transitions across the gap are left out\n"
                  "                       (counted in skipped_transitions)")
    "spatial Markov:\n"
    "  --w FILE             weights (.gal .gwt .swm .mtx .csv), matched by --id\n"
    "  --m M                lag classes (default 5): quantiles of the lag, per period\n"
    "                       (pooled with --pooled)\n"
    "  --lag-cutoffs a,...  given cut-offs of the lag\n"
    "  --standardize S      row (default), binary, none, minmax, spectral\n"
    "  --strict             units of W without data are an error (default: W is\n"
    "                       restricted to the units with data, with a warning)\n"
    "  --lisa               the chain of the LISA quadrants HH, LH, LL, HL (needs --w)\n"
    "data and output:\n"
    "  --id FIELD, --by TIME, --var V, --layer NAME, --where FIELD=V1[,V2...]\n"
    "  --origin-columns     print origin classes in columns (n as the last row)\n"
    "  --json               one JSON object (contract keys: transitions, p,\n"
    "                       steady_state, prais; conditional, homogeneity with --w)\n"
    "  --csv, --markdown, --latex   table formats; -o FILE writes the tables there,\n"
    "                       in its extension's format (.csv .md .tex .txt; .json: the\n"
    "                       --json object; CSV for other names)\n"
    "  --timing             seconds spent reading and computing, on stderr\n"
    "\n"
    "A class no unit leaves has a zero row in p (n = 0; Prais undefined, printed -),\n"
    "as giddy; steady state and passage times treat it as absorbing.  Mean first\n"
    "passage times are inf where a class cannot be reached.  See docs/distribution.md.\n";

static const sp_optspec spec[] = {
    {"id", 1},      {"var", 1},       {"by", 1},          {"layer", 1},       {"where", 1},
    {"k", 1},       {"pooled", 0},    {"relative", 0},    {"cutoffs", 1},     {"discrete", 0},
    {"w", 1},       {"m", 1},         {"lag-cutoffs", 1}, {"standardize", 1}, {"lisa", 0},
    {"lag", 1},     {"fill-empty", 0}, {"origin-columns", 0}, {"output", 1},  {"json", 0},
    {"timing", 0},  {"strict", 0},  {"w-by", 1}, SP_GAPIO_OPTS,
    SP_GRID_FORMAT_OPTS, {NULL, 0},
};

/* The options of spill markov, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_markov_opts(void) { return spec; }

typedef struct mk_cli {
    const char *src, *id, *var, *by, *layer, *where, *wpath;
    sp_markov_opts o;
    double cut[100], lcut[100];
    int lisa, origin_columns, json, timing, strict;
    sp_gapio_mode gaps;
    sp_std std;
    sp_grid_dest dest;
} mk_cli;

/* "a,b,c" as up to 99 finite numbers; *count of them. */
static int parse_list(const char *opt, const char *s, double *v, int *count)
{
    *count = 0;
    const char *p = s;
    while (*p) {
        char *end;
        if (*count == 99)
            return sp_error_set(SP_EUSAGE, "--%s: at most 99 values", opt);
        v[*count] = strtod(p, &end);
        if (end == p || (*end && *end != ',') || !isfinite(v[*count]))
            return sp_error_set(SP_EUSAGE, "--%s: '%s' is not a list of numbers", opt, s);
        (*count)++;
        p = *end ? end + 1 : end;
    }
    if (!*count)
        return sp_error_set(SP_EUSAGE, "--%s: no values", opt);
    return SP_OK;
}

/* The class scheme from --pooled, --cutoffs, --discrete, --k. */
static int scheme_args(const sp_args *a, mk_cli *c)
{
    int ncut = 0, rc, given = sp_args_flag(a, "pooled") + !!sp_args_get(a, "cutoffs") +
                          sp_args_flag(a, "discrete");
    if (given > 1)
        return sp_error_set(SP_EUSAGE, "--pooled, --cutoffs and --discrete exclude each other");
    if ((rc = sp_args_int(a, "k", 5, 2, &c->o.cls.k)))
        return rc;
    c->o.cls.scheme = sp_args_flag(a, "pooled")     ? SP_MARKOV_POOLED
                      : sp_args_flag(a, "discrete") ? SP_MARKOV_DISCRETE
                                                    : SP_MARKOV_PERIOD;
    if (sp_args_get(a, "cutoffs")) {
        if ((rc = parse_list("cutoffs", sp_args_get(a, "cutoffs"), c->cut, &ncut)))
            return rc;
        if (sp_args_get(a, "k") && c->o.cls.k != ncut + 1)
            return sp_error_set(SP_EUSAGE, "--k %d but --cutoffs gives %d classes", c->o.cls.k,
                                ncut + 1);
        c->o.cls.scheme = SP_MARKOV_CUTOFFS;
        c->o.cls.k = ncut + 1;
        c->o.cls.cutoffs = c->cut;
    }
    c->o.cls.relative = sp_args_flag(a, "relative");
    return SP_OK;
}

/* Spatial options: --w, --m, --lag-cutoffs, --standardize, --lisa. */
static int spatial_args(const sp_args *a, mk_cli *c)
{
    int rc, nl = 0;
    c->wpath = sp_args_get(a, "w");
    c->lisa = sp_args_flag(a, "lisa");
    c->strict = sp_args_flag(a, "strict");
    if (sp_args_get(a, "w-by") || (c->wpath && strstr(c->wpath, "{}")))
        return sp_error_set(SP_EUSAGE, "markov conditions every period on one W: a weights "
                                       "matrix per period (--w-by, --w 'w_{}.gal') is not "
                                       "supported");
    if (c->strict && !c->wpath)
        return sp_error_set(SP_EUSAGE, "--strict goes with --w");
    if (!c->wpath && (c->lisa || sp_args_get(a, "m") || sp_args_get(a, "lag-cutoffs")))
        return sp_error_set(SP_EUSAGE, "--%s needs --w", c->lisa ? "lisa"
                                                         : sp_args_get(a, "m") ? "m"
                                                                               : "lag-cutoffs");
    if (c->lisa && (c->o.cls.scheme != SP_MARKOV_PERIOD || c->o.cls.relative ||
                    sp_args_get(a, "k")))
        return sp_error_set(SP_EUSAGE, "--lisa takes the LISA quadrants as states: no --k, "
                                       "--pooled, --cutoffs, --discrete or --relative");
    if ((rc = sp_args_int(a, "m", 5, 2, &c->o.m)))
        return rc;
    if (sp_args_get(a, "lag-cutoffs")) {
        if ((rc = parse_list("lag-cutoffs", sp_args_get(a, "lag-cutoffs"), c->lcut, &nl)))
            return rc;
        if (sp_args_get(a, "m") && c->o.m != nl + 1)
            return sp_error_set(SP_EUSAGE, "--m %d but --lag-cutoffs gives %d classes", c->o.m,
                                nl + 1);
        c->o.m = nl + 1;
        c->o.lag_cutoffs = c->lcut;
    }
    if ((sp_args_get(a, "m") || nl) && c->o.cls.scheme == SP_MARKOV_DISCRETE)
        return sp_error_set(SP_EUSAGE, "--discrete: the lag classes are the states (no --m "
                                       "or --lag-cutoffs)");
    c->std = SP_STD_ROW;
    const char *s = sp_args_get(a, "standardize");
    return s ? sp_weights_std_parse(s, &c->std) : SP_OK;
}

/* Every option, checked before any file is read. */
static int cli_args(const sp_args *a, mk_cli *c)
{
    int rc;
    memset(c, 0, sizeof *c);
    if ((rc = sp_args_positional(a, 1, "DATA")))
        return rc;
    c->src = a->pos[0];
    c->id = sp_args_get(a, "id");
    c->var = sp_args_get(a, "var");
    c->by = sp_args_get(a, "by");
    c->layer = sp_args_get(a, "layer");
    c->where = sp_args_get(a, "where");
    if (!c->var || !c->id || !c->by)
        return sp_error_set(SP_EUSAGE, "markov needs --%s", !c->var ? "var"
                                                            : !c->id ? "id"
                                                                     : "by");
    if ((rc = scheme_args(a, c)) || (rc = spatial_args(a, c)) ||
        (rc = sp_args_int(a, "lag", 1, 1, &c->o.lag)) || (rc = sp_gapio_args(a, &c->gaps)) ||
        (rc = sp_grid_dest_args(a, "output", &c->dest)) ||
        (rc = sp_grid_dest_by_extension(&c->dest, SP_GRID_CSV)))
        return rc;
    c->o.fill_empty = sp_args_flag(a, "fill-empty");
    c->origin_columns = sp_args_flag(a, "origin-columns");
    c->json = c->dest.format == SP_GRID_JSON; /* --json, or -o FILE.json */
    if (c->json && c->dest.flag && c->dest.path)
        return sp_error_set(SP_EUSAGE, "--json prints on standard output; -o FILE.json "
                                       "writes the same object to FILE (drop --json)");
    c->timing = sp_args_flag(a, "timing");
    return SP_OK;
}

/* W aligned to the panel's units (units of W without data left out, with a
 * warning), standardised; islands warned about. */
static int panel_weights(const mk_cli *c, const sp_pdata *D, sp_weights **out)
{
    sp_weights *W = NULL, *A = NULL;
    int rc = sp_wio_read(c->wpath, &W);
    if (!rc)
        rc = sp_weights_align(W, D->units, D->n, c->src, &A);
    if (!rc && W->n > D->n && c->strict)
        rc = sp_error_set(SP_EDATA, "%s: %d unit%s of %s %s no data in %s (--strict; without "
                          "it W is restricted to the units with data and standardised)",
                          c->src, W->n - D->n, W->n - D->n == 1 ? "" : "s", c->wpath,
                          W->n - D->n == 1 ? "has" : "have", c->src);
    else if (!rc && W->n > D->n)
        fprintf(stderr, "spill markov: warning: %d unit%s of %s without data left out (W "
                        "standardised on the %d units of %s)\n", W->n - D->n,
                W->n - D->n == 1 ? "" : "s", c->wpath, D->n, c->src);
    if (!rc)
        rc = sp_weights_standardize(A, c->std);
    int isl = 0;
    char names[400] = "";
    for (int i = 0; !rc && i < A->n; i++)
        if (sp_weights_cardinality(A, i) == 0 && isl++ < 10)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                     isl > 1 ? ", " : "", A->ids[i]);
    if (!rc && isl)
        fprintf(stderr, "spill markov: warning: %d unit%s without neighbours (%s%s): %s\n", isl,
                isl == 1 ? "" : "s", names, isl > 10 ? ", ..." : "",
                c->lisa ? "no LISA quadrant, left out of the LISA chain"
                        : "no lag class, left out of the conditional chains");
    sp_weights_free(W);
    if (rc)
        sp_weights_free(A);
    else
        *out = A;
    return rc;
}

/* The gaps between the periods (sp_gapio): an error under --gaps error (the
 * default); under --gaps skip the origin periods whose transitions span a
 * gap, into *skip and c->o.skip (sp_period_span_gaps). */
static int period_gaps(mk_cli *c, const sp_pdata *D, sp_gapio *G, unsigned char **skip)
{
    char breaks[200];
    int lag = c->o.lag;
    snprintf(breaks, sizeof breaks, "so a transition across the gap spans more than %d period%s "
             "and would mix with the %d-period ones", lag, lag == 1 ? "" : "s", lag);
    int rc = sp_gapio_find(G, c->gaps, D->t, (const char *const *)D->periods, c->src, c->by,
                           breaks, "the transitions across the gap (counted in "
                           "skipped_transitions)");
    if (!rc && G->numeric)
        sp_gapio_warn_uneven(stderr, "markov", D->t, (const char *const *)D->periods, G->gap,
                             G->step, c->src, c->by, "a transition's origin");
    if (rc || !G->ngaps)
        return rc;
    if (!(*skip = sp_malloc((size_t)D->t)))
        return SP_ENOMEM;
    sp_period_span_gaps(D->t, G->gap, lag, *skip);
    int left = 0;
    for (int s = 0; s + lag < D->t; s++)
        left += !(*skip)[s];
    if (!left)
        return sp_error_set(SP_EDATA, "%s: --gaps skip: every transition over %d period%s "
                            "spans a gap between the %s labels: none is left", c->src, lag,
                            lag == 1 ? "" : "s", c->by);
    c->o.skip = *skip;
    return SP_OK;
}

/* ---- JSON */

static json_t *vec_json(const double *v, int k)
{
    json_t *a = json_array();
    for (int i = 0; i < k; i++)
        json_array_append_new(a, sp_json_real(v[i]));
    return a;
}

/* Rows of a row-major matrix as a JSON array of arrays. */
static json_t *mat_json(const double *m, int r, int k)
{
    json_t *a = json_array();
    for (int i = 0; i < r; i++)
        json_array_append_new(a, vec_json(m + (size_t)i * k, k));
    return a;
}

/* counts, p, n, steady state(s), mfpt, prais of one chain into o. */
static void chain_json(json_t *o, const sp_markov_chain *C)
{
    int k = C->k;
    json_object_set_new(o, "transitions", mat_json(C->counts, k, k));
    json_object_set_new(o, "p", mat_json(C->p, k, k));
    json_object_set_new(o, "n", vec_json(C->n, k));
    json_object_set_new(o, "steady_state", C->steady ? vec_json(C->steady, k) : json_null());
    json_object_set_new(o, "steady_states", mat_json(C->steadies, C->nrecurrent, k));
    json_object_set_new(o, "mfpt", mat_json(C->mfpt, k, k));
    json_object_set_new(o, "prais", vec_json(C->prais, k));
}

static const char *scheme_name(const mk_cli *c)
{
    static const char *names[] = {"quantiles per period", "pooled quantiles", "cutoffs",
                                  "discrete"};
    return c->lisa ? "LISA quadrants" : names[c->o.cls.scheme];
}

/* The class labels: 1..k, the discrete values, or the LISA quadrants. */
static void class_label(const mk_cli *c, const sp_markov_result *r, int i, char *buf, size_t n)
{
    if (c->lisa)
        snprintf(buf, n, "%s", sp_markov_lisa_name(i));
    else if (r->states)
        snprintf(buf, n, "%.15g", r->states[i]);
    else
        snprintf(buf, n, "%d", i + 1);
}

/* The class labels (numbers for discrete states). */
static json_t *labels_json(const mk_cli *c, const sp_markov_result *r)
{
    json_t *a = json_array();
    char b[64];
    for (int i = 0; i < r->k; i++) {
        class_label(c, r, i, b, sizeof b);
        json_array_append_new(a, r->states ? json_real(r->states[i]) : json_string(b));
    }
    return a;
}

/* A chi-square test as {stat, df, p}. */
static json_t *test_json(double stat, int df, double p)
{
    return json_pack("{s:o, s:i, s:o}", "stat", sp_json_real(stat), "df", df, "p",
                     sp_json_real(p));
}

/* The spatial Markov keys: conditional chains, lag breaks, homogeneity. */
static json_t *spatial_json(const sp_markov_result *r, json_t *root)
{
    json_t *cond = json_array();
    for (int l = 0; l < r->m; l++) {
        json_t *o = json_pack("{s:i}", "lag_class", l + 1);
        chain_json(o, &r->cond[l]);
        json_object_set_new(o, "chi2", test_json(r->chi2[l], r->chi2_df[l], r->chi2_p[l]));
        json_object_set_new(o, "shtest", test_json(r->shtest[l].stat, r->shtest[l].df,
                                                   r->shtest[l].p));
        json_array_append_new(cond, o);
    }
    json_object_set_new(root, "x2", test_json(r->x2.stat, r->x2.df, r->x2.p));
    json_object_set_new(root, "m", json_integer(r->m));
    json_object_set_new(root, "islands", json_integer(r->islands));
    if (r->lag_breaks)
        json_object_set_new(root, "lag_breaks",
                            r->nlag_breaks == 1 ? vec_json(r->lag_breaks, r->m)
                                                : mat_json(r->lag_breaks, r->nlag_breaks, r->m));
    json_object_set_new(root, "conditional", cond);
    const sp_markov_homog *h = &r->homog;
    json_object_set_new(root, "homogeneity",
                        json_pack("{s:o, s:o, s:i, s:o, s:o}", "Q", sp_json_real(h->Q), "LR",
                                  sp_json_real(h->LR), "df", h->df, "p_Q", sp_json_real(h->p_Q),
                                  "p_LR", sp_json_real(h->p_LR)));
    return root;
}

/* The whole JSON object (contract keys at the top level). */
static json_t *result_json(const mk_cli *c, const sp_pdata *D, const sp_gapio *G,
                           const sp_markov_result *r)
{
    json_t *per = json_array();
    for (int s = 0; s < D->t; s++)
        json_array_append_new(per, json_string(D->periods[s]));
    json_t *root = json_pack("{s:s, s:s, s:s, s:i, s:i, s:o, s:i, s:s, s:b, s:i}", "var", c->var,
                             "id", c->id, "by", c->by, "n", D->n, "t", D->t, "periods", per,
                             "lag", c->o.lag, "classes", scheme_name(c), "relative",
                             c->o.cls.relative, "k", r->k);
    json_object_set_new(root, "labels", labels_json(c, r));
    static const char *const modes[] = {"error", "skip", "consecutive"};
    json_object_set_new(root, "gaps", json_string(modes[G->mode]));
    sp_gapio_json(G, "t-1", root);
    json_object_set_new(root, "skipped_transitions", json_integer(r->skipped));
    if (r->breaks)
        json_object_set_new(root, "breaks", r->nbreaks == 1 ? vec_json(r->breaks, r->k)
                                                            : mat_json(r->breaks, r->nbreaks,
                                                                       r->k));
    chain_json(root, &r->chain);
    if (r->cond)
        spatial_json(r, root);
    if (r->expected) {
        const sp_markov_test *t = &r->independence;
        json_t *o = test_json(t->stat, t->df, t->p);
        json_object_set_new(o, "expected", mat_json(r->expected, 4, 4));
        json_object_set_new(root, "independence", o);
    }
    return root;
}

/* ---- tables */

static int grid_cell(sp_grid *g, const char *f, double v)
{
    return isinf(v) ? sp_grid_str(g, "inf") : sp_grid_num(g, f, v);
}

/* A k x k matrix with the origin in rows (and an n column), or in columns
 * (and an n row). */
static sp_grid *matrix_grid(const mk_cli *c, const sp_markov_result *r, const char *title,
                            const double *M, const double *n, const char *f)
{
    int k = r->k;
    sp_grid_col cols[102];
    char names[102][64];
    snprintf(names[0], 64, "%s", c->origin_columns ? "to \\ from" : "from \\ to");
    cols[0] = (sp_grid_col){.name = names[0], .align = SP_GRID_LEFT};
    for (int j = 0; j < k; j++) {
        class_label(c, r, j, names[j + 1], 64);
        cols[j + 1] = (sp_grid_col){.name = names[j + 1]};
    }
    int nc = k + 1;
    if (n && !c->origin_columns)
        cols[nc++] = (sp_grid_col){.name = "n"};
    sp_grid *g = sp_grid_new(title, cols, nc);
    for (int i = 0; i < k; i++) {
        sp_grid_row(g);
        sp_grid_str(g, names[i + 1]);
        for (int j = 0; j < k; j++)
            grid_cell(g, f, c->origin_columns ? M[j * k + i] : M[i * k + j]);
        if (n && !c->origin_columns)
            sp_grid_num(g, "%.0f", n[i]);
    }
    if (n && c->origin_columns) {
        sp_grid_row(g);
        sp_grid_str(g, "n");
        for (int j = 0; j < k; j++)
            sp_grid_num(g, "%.0f", n[j]);
    }
    return g;
}

/* Per class: n, steady state(s), Prais mobility. */
static sp_grid *summary_grid(const mk_cli *c, const sp_markov_result *r,
                             const sp_markov_chain *C, const char *title)
{
    sp_grid_col cols[8] = {{.name = "class", .align = SP_GRID_LEFT}, {.name = "n"}};
    char names[6][32];
    int nc = 2, ns = C->nrecurrent < 5 ? C->nrecurrent : 5;
    for (int s = 0; s < ns; s++) {
        snprintf(names[s], 32, ns == 1 ? "steady state" : "steady state %d", s + 1);
        cols[nc++] = (sp_grid_col){.name = names[s]};
    }
    cols[nc++] = (sp_grid_col){.name = "prais"};
    sp_grid *g = sp_grid_new(title, cols, nc);
    char lab[64];
    for (int i = 0; i < C->k; i++) {
        class_label(c, r, i, lab, sizeof lab);
        sp_grid_row(g);
        sp_grid_str(g, lab);
        sp_grid_num(g, "%.0f", C->n[i]);
        for (int s = 0; s < ns; s++)
            sp_grid_num(g, "%.4f", C->steadies[(size_t)s * C->k + i]);
        sp_grid_num(g, "%.4f", C->prais[i]);
    }
    if (C->nrecurrent > 1)
        sp_grid_note(g, "the chain has several recurrent classes: no unique steady state");
    return g;
}

/* Writes and frees one table, a blank line before all but the first. */
static int write_grid(const mk_cli *c, sp_grid *g, int *first)
{
    if (!*first && c->dest.format != SP_GRID_CSV)
        fputc('\n', c->dest.f);
    *first = 0;
    int rc = sp_grid_write(g, c->dest.format, c->dest.f);
    sp_grid_free(g);
    return rc;
}

/* The tables of one chain: probabilities (with n), the summary, and for the
 * classic chain the counts and the passage times. */
static int chain_tables(const mk_cli *c, const sp_markov_result *r, const sp_markov_chain *C,
                        const char *what, int full, int *first)
{
    char t[160];
    const char *lay = c->origin_columns ? "origin in columns" : "origin in rows";
    int rc = SP_OK;
    if (full) {
        snprintf(t, sizeof t, "%stransition counts (%s)", what, lay);
        rc = write_grid(c, matrix_grid(c, r, t, C->counts, C->n, "%.0f"), first);
    }
    snprintf(t, sizeof t, "%stransition probabilities (%s)", what, lay);
    if (!rc)
        rc = write_grid(c, matrix_grid(c, r, t, C->p, C->n, "%.4f"), first);
    snprintf(t, sizeof t, "%ssteady state and Prais mobility", what);
    if (!rc)
        rc = write_grid(c, summary_grid(c, r, C, t), first);
    snprintf(t, sizeof t, "%smean first passage times (%s)", what, lay);
    if (!rc && full)
        rc = write_grid(c, matrix_grid(c, r, t, C->mfpt, NULL, "%.2f"), first);
    return rc;
}

/* One row of a test table: name, statistic, df, p ("-" when undefined). */
static void test_row(sp_grid *g, const char *name, double stat, int df, double p)
{
    sp_grid_row(g);
    sp_grid_str(g, name);
    sp_grid_num(g, "%.4f", stat);
    isnan(stat) ? sp_grid_str(g, "-") : sp_grid_int(g, df);
    sp_grid_num(g, "%.4g", p);
}

/* Homogeneity: Q, LR, the chi-square and steady-state test of each lag class, x2. */
static sp_grid *homog_grid(const sp_markov_result *r)
{
    static const sp_grid_col cols[] = {
        {.name = "test", .align = SP_GRID_LEFT}, {.name = "statistic"}, {.name = "df"},
        {.name = "p"}};
    sp_grid *g = sp_grid_new("homogeneity across lag classes (Bickenbach-Bode; chi-square of "
                             "each lag class against the pooled chain, giddy)", cols, 4);
    const sp_markov_homog *h = &r->homog;
    sp_grid_row(g);
    sp_grid_str(g, "Q");
    sp_grid_num(g, "%.4f", h->Q);
    sp_grid_int(g, h->df);
    sp_grid_num(g, "%.4g", h->p_Q);
    sp_grid_row(g);
    sp_grid_str(g, "LR");
    sp_grid_num(g, "%.4f", h->LR);
    sp_grid_int(g, h->df);
    sp_grid_num(g, "%.4g", h->p_LR);
    char name[64];
    for (int l = 0; l < r->m; l++) {
        snprintf(name, sizeof name, "chi2 lag class %d", l + 1);
        test_row(g, name, r->chi2[l], r->chi2_df[l], r->chi2_p[l]);
    }
    test_row(g, "x2 (sum of the chi2)", r->x2.stat, r->x2.df, r->x2.p);
    for (int l = 0; l < r->m; l++) {
        snprintf(name, sizeof name, "steady state lag class %d", l + 1);
        test_row(g, name, r->shtest[l].stat, r->shtest[l].df, r->shtest[l].p);
    }
    return g;
}

/* The header line and every table of the run. */
/* Class breaks (upper bounds): one row per period, or one row for all. */
static sp_grid *breaks_grid(const sp_pdata *D, const char *title, const double *b, int sets,
                            int k)
{
    sp_grid_col cols[102] = {{.name = "period", .align = SP_GRID_LEFT}};
    char names[101][16];
    for (int j = 0; j < k; j++) {
        snprintf(names[j], sizeof names[j], "%d", j + 1);
        cols[j + 1] = (sp_grid_col){.name = names[j]};
    }
    sp_grid *g = sp_grid_new(title, cols, k + 1);
    for (int s = 0; s < sets; s++) {
        sp_grid_row(g);
        sp_grid_str(g, sets == 1 ? "all" : D->periods[s]);
        for (int j = 0; j < k; j++)
            isinf(b[(size_t)s * k + j]) ? sp_grid_str(g, "inf")
                                        : sp_grid_num(g, "%.6g", b[(size_t)s * k + j]);
    }
    return g;
}

static int print_tables(const mk_cli *c, const sp_pdata *D, const sp_markov_result *r)
{
    if (c->dest.format == SP_GRID_TEXT && r->skipped)
        fprintf(c->dest.f, "--gaps skip: %ld transition%s across gaps between the %s labels "
                "left out\n", r->skipped, r->skipped == 1 ? "" : "s", c->by);
    else if (c->dest.format == SP_GRID_TEXT && c->gaps == SP_GAPIO_CONSECUTIVE)
        fprintf(c->dest.f, "--consecutive-periods: the %s labels' order is taken as "
                "consecutive periods\n", c->by);
    int first = 1, rc = SP_OK;
    if (c->dest.format == SP_GRID_TEXT)
        fprintf(c->dest.f, "Markov chain of %s%s: %d units, %d periods (%s..%s), classes: %s, "
                "k = %d, transitions over %d period%s\n\n", c->o.cls.relative ? "relative " : "",
                c->var, D->n, D->t, D->periods[0], D->periods[D->t - 1], scheme_name(c), r->k,
                c->o.lag, c->o.lag == 1 ? "" : "s");
    rc = chain_tables(c, r, &r->chain, "", 1, &first);
    char what[64];
    for (int l = 0; l < r->m && r->cond && !rc; l++) {
        snprintf(what, sizeof what, "lag class %d: ", l + 1);
        rc = chain_tables(c, r, &r->cond[l], what, 0, &first);
    }
    if (!rc && r->cond)
        rc = write_grid(c, homog_grid(r), &first);
    if (!rc && r->expected) {
        const sp_markov_test *t = &r->independence;
        char title[160];
        snprintf(title, sizeof title, "transitions expected if own and neighbours' moves were "
                 "independent (%s)", c->origin_columns ? "origin in columns" : "origin in rows");
        rc = write_grid(c, matrix_grid(c, r, title, r->expected, NULL, "%.2f"), &first);
        static const sp_grid_col cols[] = {
            {.name = "test", .align = SP_GRID_LEFT}, {.name = "statistic"}, {.name = "df"},
            {.name = "p"}};
        sp_grid *g = sp_grid_new("independence of own and neighbours' moves (chi-square)",
                                 cols, 4);
        test_row(g, "chi2", t->stat, t->df, t->p);
        if (!rc)
            rc = write_grid(c, g, &first);
        else
            sp_grid_free(g);
    }
    if (!rc && r->breaks)
        rc = write_grid(c, breaks_grid(D, "class breaks (upper bounds, classes closed on the "
                                          "right)", r->breaks, r->nbreaks, r->k), &first);
    if (!rc && r->lag_breaks)
        rc = write_grid(c, breaks_grid(D, "lag class breaks", r->lag_breaks, r->nlag_breaks,
                                       r->m), &first);
    return rc;
}

/* Warnings about empty classes, repeated breaks and several steady states. */
static void warn_result(const mk_cli *c, const sp_markov_result *r)
{
    char lab[64];
    for (int i = 0; i < r->k; i++)
        if (r->chain.n[i] == 0.0) {
            class_label(c, r, i, lab, sizeof lab);
            fprintf(stderr, "spill markov: warning: no transition starts in class %s: its row "
                            "of p is 0 (see --fill-empty), Prais mobility undefined\n", lab);
        }
    if (r->repeated)
        fprintf(stderr, "spill markov: warning: ties repeat a quantile break in %d set%s of "
                        "breaks: the classes above a repeated break are empty there\n",
                r->repeated, r->repeated == 1 ? "" : "s");
    if (r->chain.nrecurrent > 1)
        fprintf(stderr, "spill markov: warning: the chain has %d recurrent classes: no unique "
                        "steady state (steady_state null; steady_states lists each)\n",
                r->chain.nrecurrent);
}

/* Read, align, compute, print. */
static int run(mk_cli *c)
{
    sp_table *tab = NULL;
    sp_pdata *D = NULL;
    sp_weights *W = NULL;
    sp_markov_result r = {0};
    sp_gapio G = {0};
    unsigned char *skip = NULL;
    const char *vars[] = {c->var};
    sp_pdata_opts po = {.id = c->id, .time = c->by, .where = c->where};
    double t0 = sp_clock_seconds(), t1 = 0.0, t2 = 0.0;
    int rc = sp_table_read(c->src, c->layer, &tab);
    if (!rc)
        rc = sp_pdata_build(tab, NULL, vars, 1, &po, &D);
    if (!rc)
        rc = period_gaps(c, D, &G, &skip);
    if (!rc && c->wpath)
        rc = panel_weights(c, D, &W);
    if (!rc) {
        t1 = sp_clock_seconds();
        if (c->lisa)
            rc = sp_markov_lisa(D->v, D->n, D->t, W->w, c->o.lag, c->o.fill_empty, skip, &r);
        else
            rc = sp_markov_run(D->v, D->n, D->t, W ? W->w : NULL, &c->o, &r);
        if (rc)                                     /* the core names periods, not files */
            sp_error_prefix(rc, "%s: %s (periods 1..%d are %s %s..%s)", c->src, c->var, D->t,
                            c->by, D->periods[0], D->periods[D->t - 1]);
        t2 = sp_clock_seconds();
    }
    if (!rc)
        warn_result(c, &r);
    if (!rc && r.skipped)
        fprintf(stderr, "spill markov: --gaps skip: %ld transition%s across gaps between the %s "
                        "labels left out (skipped_transitions)\n", r.skipped,
                r.skipped == 1 ? "" : "s", c->by);
    if (!rc && !(rc = sp_grid_dest_open(&c->dest)))
        rc = sp_grid_dest_close(&c->dest, c->json ? sp_json_write(result_json(c, D, &G, &r),
                                                                  c->dest.f)
                                                  : print_tables(c, D, &r));
    if (!rc && c->timing)
        fprintf(stderr, "spill markov: timing: read %.4f s, statistics %.4f s, whole %.4f s\n",
                t1 - t0, t2 - t1, sp_clock_seconds() - t0);
    sp_markov_result_free(&r);
    sp_gapio_free(&G);
    free(skip);
    sp_weights_free(W);
    sp_pdata_free(D);
    sp_table_free(tab);
    return rc;
}

/* spill markov. */
int sp_cmd_markov(int argc, char **argv)
{
    sp_args a;
    mk_cli c;
    int rc = sp_args_parse(argc, argv, spec, help, &a);
    if (!rc)
        rc = cli_args(&a, &c);
    if (!rc)
        rc = run(&c);
    return rc;
}
