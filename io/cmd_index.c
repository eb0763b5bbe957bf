/* spill index: composite index of many indicators (entropy, entropy-TOPSIS,
 * CRITIC or CV weights) and the coupling coordination degree of subsystems,
 * written as a table joinable by unit and period (docs/distribution.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_coupling.h"
#include "sp_distio.h"
#include "sp_dstat.h"
#include "sp_error.h"
#include "sp_grid.h"
#include "sp_index.h"
#include "sp_output.h"

static const char help[] =
    "usage: spill index DATA --ind X1,X2,... [--negative X3,...] [--id ID --by TIME]\n"
    "                   [--method entropy|topsis|critic|cv] [--normalize minmax|zscore]\n"
    "                   [--zeros limit|shift] [--shift D] [--per-period] [--scale K]\n"
    "                   -o OUT [--csv|--markdown|--latex|--json]\n"
    "       spill index DATA --coupling U1,U2[,...] [--coupling-form standard|two|variant]\n"
    "                   [--alpha A1,A2,...] [--id ID --by TIME] -o OUT [--json]\n"
    "\n"
    "A composite score per unit and period: the indicators normalised (min-max, the\n"
    "papers' efficacy coefficient, or z-score; --negative ones reversed), weighted\n"
    "by entropy (e_j, d_j = 1 - e_j, w_j), CRITIC or the coefficient of variation,\n"
    "summed (x K with --scale); --method topsis adds the entropy-TOPSIS closeness.\n"
    "Normalisation and weights are pooled over every period (default: the pooled\n"
    "panel entropy, N = n T) or per period.  Zeros in the entropy: limit (0 ln 0 =\n"
    "0, default) or shift (every normalised value + D, default 0.0001).\n"
    "With --coupling: C (standard n-system form, or the variant sqrt(u1 u2)/(u1+u2)\n"
    "whose maximum is 0.5), T = sum a_i u_i, D = sqrt(C T) and D's class on the\n"
    "ten-class scale (English and Chinese).  Scores must lie in [0, 1].\n"
    "\n"
    "options:\n"
    "  --ind LIST          the indicators (comma-separated fields)\n"
    "  --negative LIST     cost indicators among them (larger is worse)\n"
    "  --method M          entropy (default), topsis, critic or cv\n"
    "  --normalize N       minmax (default) or zscore (not with entropy or topsis)\n"
    "  --zeros Z           limit (default) or shift\n"
    "  --shift D           the shift (default 0.0001; implies --zeros shift)\n"
    "  --per-period        normalise and weigh each period on its own\n"
    "  --scale K           multiply the score by K (e.g. 100)\n"
    "  --coupling LIST     subsystem scores (two or more fields) for coupling coordination\n"
    "  --coupling-form F   standard (default), two (the same for two systems) or variant\n"
    "  --alpha LIST        the weights a_i of T (default 1/s each)\n"
    "  --id ID, --by TIME  unit id and period fields (written to OUT)\n"
    "  --layer NAME        layer of DATA\n"
    "  -o OUT              the table: id, period, score (closeness) or C, T, D, class\n"
    "                      (format by extension: .csv, .md, .tex, .json, .txt; else CSV)\n"
    "  --csv, --markdown, --latex  the printed table in that format\n"
    "  --json              weights (or the classes per period) as one JSON object\n"
    "  --timing            seconds spent reading and computing (with writing), on stderr\n";

static const sp_optspec spec[] = {
    {"ind", 1},      {"negative", 1}, {"method", 1},   {"normalize", 1},     {"zeros", 1},
    {"shift", 1},    {"per-period", 0}, {"scale", 1},  {"coupling", 1},      {"coupling-form", 1},
    {"alpha", 1},    {"id", 1},       {"by", 1},       {"layer", 1},         {"output", 1},
    {"json", 0},     {"timing", 0},   SP_GRID_FORMAT_OPTS, {NULL, 0}};

/* The options of spill index, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_index_opts(void) { return spec; }

#define MAXIND 64

typedef struct index_job {
    sp_distio *D;
    char buf[4096], nbuf[4096], abuf[1024];
    const char *names[MAXIND];
    int m;                       /* indicators or subsystems */
    int negative[MAXIND];
    double alpha[MAXIND];
    int has_alpha;
    sp_index_opts o;
    int form;                    /* coupling: 0 standard, 1 two, 2 variant */
    int n;                       /* rows, period by period */
    double *x;                   /* n x m */
    int *period;                 /* n */
    const char **ids;            /* n */
    const char *out;             /* -o */
    sp_grid_format format;       /* of the printed table */
} index_job;

static const char *const methods[] = {"entropy", "topsis", "critic", "cv"};
static const char *const norms[] = {"minmax", "zscore"};
static const char *const zeros[] = {"limit", "shift"};
static const char *const forms[] = {"standard", "two", "variant"};

/* --negative names must be among --ind. */
static int parse_negative(const sp_args *a, index_job *job)
{
    const char *neg = sp_args_get(a, "negative"), *list[MAXIND];
    if (!neg)
        return SP_OK;
    int nn = sp_distio_split(neg, job->nbuf, sizeof job->nbuf, list, MAXIND);
    if (nn < 0)
        return sp_error_set(SP_EUSAGE, "--negative: expected a comma-separated list of fields");
    for (int k = 0; k < nn; k++) {
        int j = 0;
        while (j < job->m && strcmp(job->names[j], list[k]))
            j++;
        if (j == job->m)
            return sp_error_set(SP_EUSAGE, "--negative: '%s' is not one of --ind", list[k]);
        job->negative[j] = 1;
    }
    return SP_OK;
}

/* --alpha: s non-negative numbers summing to 1. */
static int parse_alpha(const sp_args *a, index_job *job)
{
    const char *al = sp_args_get(a, "alpha"), *list[MAXIND];
    if (!al)
        return SP_OK;
    int na = sp_distio_split(al, job->abuf, sizeof job->abuf, list, MAXIND);
    if (na != job->m)
        return sp_error_set(SP_EUSAGE, "--alpha: expected %d numbers, one per subsystem", job->m);
    double sum = 0;
    for (int k = 0; k < na; k++) {
        if (sp_table_parse_double(list[k], &job->alpha[k]) || job->alpha[k] < 0)
            return sp_error_set(SP_EUSAGE, "--alpha: '%s' is not a non-negative number", list[k]);
        sum += job->alpha[k];
    }
    if (fabs(sum - 1) > 1e-9)
        return sp_error_set(SP_EUSAGE, "--alpha: the weights sum to %g, not 1", sum);
    job->has_alpha = 1;
    return SP_OK;
}

static int parse_options(const sp_args *a, index_job *job)
{
    const char *ind = sp_args_get(a, "ind"), *cp = sp_args_get(a, "coupling");
    if (!!ind == !!cp)
        return sp_error_set(SP_EUSAGE, "give --ind (a composite index) or --coupling (see --help)");
    if (!sp_args_get(a, "output"))
        return sp_error_set(SP_EUSAGE, "-o OUT is required (the table of scores)");
    job->m = sp_distio_split(ind ? ind : cp, job->buf, sizeof job->buf, job->names, MAXIND);
    if (job->m < (cp ? 2 : 1))
        return sp_error_set(SP_EUSAGE, "--%s: expected %s comma-separated fields (at most %d, none empty)",
                            ind ? "ind" : "coupling", cp ? "two or more" : "one or more", MAXIND);
    int method = 0, norm = 0, z = 0, rc;
    if ((rc = sp_args_distinct(ind ? "ind" : "coupling", job->names, job->m)))
        return rc;
    job->o.shift = 1e-4;
    if ((rc = sp_args_choice(a, "method", methods, 4, &method)) ||
        (rc = sp_args_choice(a, "normalize", norms, 2, &norm)) ||
        (rc = sp_args_choice(a, "zeros", zeros, 2, &z)) ||
        (rc = sp_args_choice(a, "coupling-form", forms, 3, &job->form)) ||
        (rc = sp_args_double(a, "shift", 1e-4, &job->o.shift)) ||
        (rc = sp_args_double(a, "scale", 1, &job->o.scale)))
        return rc;
    if (sp_args_get(a, "shift"))
        z = 1;
    if (job->o.shift < 0 || !(job->o.scale > 0))
        return sp_error_set(SP_EUSAGE, "--shift must be >= 0 and --scale > 0");
    if (norm == 1 && method <= 1)
        return sp_error_set(SP_EUSAGE, "--normalize zscore gives negative values: entropy and topsis "
                            "need --normalize minmax");
    if (job->form == 1 && cp && job->m != 2)
        return sp_error_set(SP_EUSAGE, "--coupling-form two needs exactly two subsystems (got %d)", job->m);
    job->o.method = method, job->o.norm = norm, job->o.zeros = z;
    job->o.per_period = sp_args_flag(a, "per-period");
    if ((rc = parse_negative(a, job)))
        return rc;
    return parse_alpha(a, job);
}

/* Every row's values, period by period. */
static int load(index_job *job)
{
    const sp_panel *P = job->D->P;
    int total = 0, mx = sp_distio_maxn(job->D), rc = SP_OK;
    for (int g = 0; g < P->nperiods; g++)
        total += P->periods[g].n;
    job->x = sp_malloc((size_t)total * job->m * sizeof *job->x);
    job->period = sp_malloc((size_t)total * sizeof *job->period);
    job->ids = sp_malloc((size_t)total * sizeof *job->ids);
    double *col = sp_malloc((size_t)mx * sizeof *col);
    if (!job->x || !job->period || !job->ids || !col)
        rc = SP_ENOMEM;
    for (int g = 0; !rc && g < P->nperiods; g++) {
        int base = job->n, ng = P->periods[g].n;
        sp_distio_period(job->D, g, NULL, job->ids + base, NULL, NULL);
        for (int j = 0; !rc && j < job->m; j++) {
            rc = sp_panel_numeric(P, g, job->names[j], col);
            for (int k = 0; !rc && k < ng; k++)
                job->x[(long)(base + k) * job->m + j] = col[k];
        }
        for (int k = 0; k < ng; k++)
            job->period[base + k] = g;
        job->n += ng;
    }
    free(col);
    return rc;
}

typedef struct coupling_rows {
    double *C, *T, *Dd;
    int *cls;
} coupling_rows;

/* -o: the id and period fields by their names, then the scores (closeness) or
 * C, T, D and the class; format by the file's extension. */
static int save_rows(const index_job *job, const sp_index_result *r, const coupling_rows *c, const char *path)
{
    const sp_panel *P = job->D->P;
    int with_t = P->time_col >= 0, nc = 0;
    sp_grid_col cols[9];
    cols[nc++] = (sp_grid_col){.name = P->id_col >= 0 ? job->D->t->names[P->id_col] : "id", .align = SP_GRID_LEFT};
    if (with_t)
        cols[nc++] = (sp_grid_col){.name = job->D->t->names[P->time_col], .align = SP_GRID_LEFT};
    static const char *const cc[] = {"C", "T", "D", "class", "class_en", "class_zh"};
    for (int k = 0; c && k < 6; k++)
        cols[nc++] = (sp_grid_col){.name = cc[k], .align = k > 3 ? SP_GRID_LEFT : SP_GRID_RIGHT};
    if (!c)
        cols[nc++] = (sp_grid_col){.name = "score"};
    if (!c && r->closeness)
        cols[nc++] = (sp_grid_col){.name = "closeness"};
    sp_grid_format f = sp_grid_format_for(path, SP_GRID_CSV);
    const char *fmt = sp_distio_numfmt(f);
    sp_grid *g = sp_grid_new(NULL, cols, nc);
    for (int i = 0; i < job->n; i++) {
        sp_grid_row(g);
        sp_grid_str(g, job->ids[i]);
        if (with_t)
            sp_grid_str(g, P->periods[job->period[i]].label);
        if (c) {
            sp_grid_num(g, fmt, c->C[i]), sp_grid_num(g, fmt, c->T[i]), sp_grid_num(g, fmt, c->Dd[i]);
            sp_grid_int(g, c->cls[i]);
            sp_grid_str(g, sp_coupling_class_en(c->cls[i])), sp_grid_str(g, sp_coupling_class_zh(c->cls[i]));
            continue;
        }
        sp_grid_num(g, fmt, r->score[i]);
        if (r->closeness)
            sp_grid_num(g, fmt, r->closeness[i]);
    }
    return sp_distio_emit(g, f, path);
}

/* The weight table papers print (a `by` column with --per-period). */
static int print_weights(const index_job *job, const sp_index_result *r, sp_grid_format format)
{
    int ent = job->o.method <= 1, nc = 0, per = job->o.per_period;
    sp_grid_col cols[5];
    if (per)
        cols[nc++] = (sp_grid_col){.name = "by", .align = SP_GRID_LEFT};
    cols[nc++] = (sp_grid_col){.name = "indicator", .align = SP_GRID_LEFT};
    if (ent)
        cols[nc++] = (sp_grid_col){.name = "e_j", .key = "e"}, cols[nc++] = (sp_grid_col){.name = "d_j", .key = "d"};
    else
        cols[nc++] = (sp_grid_col){.name = job->o.method == 2 ? "C_j" : "v_j", .key = "info"};
    cols[nc++] = (sp_grid_col){.name = "w_j", .key = "w"};
    char title[256];
    snprintf(title, sizeof title, "%s weights (%s normalisation, %s, zeros: %s)", methods[job->o.method],
             norms[job->o.norm], per ? "per period" : "pooled over every period",
             job->o.zeros ? "shift" : "0 ln 0 = 0");
    const char *fmt = format == SP_GRID_CSV || format == SP_GRID_JSON ? "%.17g" : "%.6f";
    sp_grid *g = sp_grid_new(title, cols, nc);
    for (int sc = 0; sc < r->nscope; sc++)
        for (int j = 0; j < job->m; j++) {
            long at = (long)sc * job->m + j;
            sp_grid_row(g);
            if (per)
                sp_grid_str(g, job->D->P->periods[sc].label);
            sp_grid_str(g, job->names[j]);
            if (ent)
                sp_grid_num(g, fmt, r->e[at]), sp_grid_num(g, fmt, r->d[at]);
            else
                sp_grid_num(g, fmt, r->info[at]);
            sp_grid_num(g, fmt, r->w[at]);
        }
    char note[1200];
    snprintf(note, sizeof note, "scores of %d rows written to %s", job->n, job->out);
    sp_grid_note(g, note);
    return sp_distio_emit(g, format, NULL);
}

static int print_weights_json(const index_job *job, const sp_index_result *r, const char *out)
{
    json_t *w = json_array();
    for (int s = 0; s < r->nscope; s++)
        for (int j = 0; j < job->m; j++) {
            long at = (long)s * job->m + j;
            json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:o}", "indicator", job->names[j], "e",
                                  sp_json_real(r->e[at]), "d", sp_json_real(r->d[at]), "w",
                                  sp_json_real(r->w[at]), "info", sp_json_real(r->info[at]));
            if (job->o.per_period)
                json_object_set_new(o, "by", sp_distio_by_json(job->D, s));
            json_array_append_new(w, o);
        }
    return sp_json_print(json_pack("{s:s, s:s, s:s, s:o, s:b, s:f, s:i, s:o, s:s}", "method",
                                   methods[job->o.method], "normalize", norms[job->o.norm], "zeros",
                                   zeros[job->o.zeros], "shift",
                                   job->o.zeros ? json_real(job->o.shift) : json_null(), "pooled",
                                   !job->o.per_period, "scale", job->o.scale, "n", job->n, "weights", w,
                                   "output", out));
}

static int run_index(index_job *job, int as_json)
{
    const char **scopes = sp_malloc((size_t)job->D->P->nperiods * sizeof *scopes);
    if (!scopes)
        return SP_ENOMEM;
    for (int g = 0; g < job->D->P->nperiods; g++)
        scopes[g] = job->D->P->periods[g].label;
    const char *out = job->out;
    sp_index_result r;
    int rc = sp_index_compute(job->x, job->n, job->m, job->negative, job->period, job->D->P->nperiods,
                              &job->o, job->names, scopes, &r);
    free(scopes);
    if (rc)
        return rc;
    rc = save_rows(job, &r, NULL, out);
    if (!rc && as_json)
        rc = print_weights_json(job, &r, out);
    else if (!rc)
        rc = print_weights(job, &r, job->format);
    sp_index_free(&r);
    return rc;
}

/* Per period: n, mean C, T, D and how many rows fall in each class. */
static json_t *coupling_json(const index_job *job, const coupling_rows *c)
{
    json_t *results = json_array();
    for (int g = 0, start = 0; g < job->D->P->nperiods; g++) {
        int ng = job->D->P->periods[g].n, count[11] = {0};
        for (int i = start; i < start + ng; i++)
            count[c->cls[i]]++;
        json_t *cl = json_array();
        for (int k = 1; k <= 10; k++)
            json_array_append_new(cl, json_pack("{s:i, s:s, s:s, s:i}", "class", k, "name_en",
                                                sp_coupling_class_en(k), "name_zh", sp_coupling_class_zh(k),
                                                "n", count[k]));
        json_array_append_new(results, json_pack("{s:o, s:i, s:o, s:o, s:o, s:o}", "by", sp_distio_by_json(job->D, g),
                                                 "n", ng, "C_mean", sp_json_real(sp_dstat_mean(c->C + start, ng)),
                                                 "T_mean", sp_json_real(sp_dstat_mean(c->T + start, ng)),
                                                 "D_mean", sp_json_real(sp_dstat_mean(c->Dd + start, ng)),
                                                 "classes", cl));
        start += ng;
    }
    return results;
}

/* Per period: mean C, T, D, then the rows in each class. */
static int print_classes(const index_job *job, const coupling_rows *c)
{
    const sp_panel *P = job->D->P;
    int np = P->nperiods;
    sp_distio_cols cols = {0};
    sp_distio_cols_add(&cols, SP_GRID_RIGHT, "class");
    sp_distio_cols_add(&cols, SP_GRID_LEFT, "class_en");
    sp_distio_cols_add(&cols, SP_GRID_LEFT, "class_zh");
    for (int g = 0; g < np; g++)
        sp_distio_cols_add(&cols, SP_GRID_RIGHT, "%s", P->time_col >= 0 ? P->periods[g].label : "n");
    char title[1200];
    snprintf(title, sizeof title, "coupling coordination of %d subsystems (%s C): rows per class of D; "
             "the rows are in %s", job->m, forms[job->form], job->out);
    sp_grid *t = sp_distio_cols_grid(&cols, title);
    const char *fmt = job->format == SP_GRID_CSV ? "%.17g" : "%.4f";
    static const char *const means[] = {"mean C", "mean T", "mean D"};
    for (int k = -2; k <= 10; k++) {
        sp_grid_row(t);
        if (k <= 0)
            sp_grid_str(t, ""), sp_grid_str(t, means[k + 2]), sp_grid_str(t, "");
        else
            sp_grid_int(t, k), sp_grid_str(t, sp_coupling_class_en(k)), sp_grid_str(t, sp_coupling_class_zh(k));
        for (int g = 0, start = 0; g < np; start += P->periods[g].n, g++) {
            int ng = P->periods[g].n, count = 0;
            const double *v = k == -2 ? c->C : k == -1 ? c->T : c->Dd;
            for (int i = start; i < start + ng; i++)
                count += c->cls[i] == k;
            if (k <= 0)
                sp_grid_num(t, fmt, sp_dstat_mean(v + start, ng));
            else
                sp_grid_int(t, count);
        }
    }
    return sp_distio_emit(t, job->format, NULL);
}

static int run_coupling(index_job *job, int as_json)
{
    const char *out = job->out;
    coupling_rows c;
    c.C = sp_malloc((size_t)job->n * sizeof *c.C), c.T = sp_malloc((size_t)job->n * sizeof *c.T);
    c.Dd = sp_malloc((size_t)job->n * sizeof *c.Dd), c.cls = sp_malloc((size_t)job->n * sizeof *c.cls);
    int rc = c.C && c.T && c.Dd && c.cls ? SP_OK : SP_ENOMEM;
    for (int i = 0; !rc && i < job->n; i++) {
        char what[512];
        snprintf(what, sizeof what, "%s: unit %s%s%s", job->D->path, job->ids[i],
                 job->D->P->time_col >= 0 ? " in period " : "",
                 job->D->P->time_col >= 0 ? job->D->P->periods[job->period[i]].label : "");
        rc = sp_coupling_degree(job->x + (long)i * job->m, job->m, job->has_alpha ? job->alpha : NULL,
                                job->form == 2 ? SP_COUPLING_VARIANT : SP_COUPLING_STANDARD, what, &c.C[i],
                                &c.T[i], &c.Dd[i]);
        if (!rc)
            c.cls[i] = sp_coupling_class(c.Dd[i]);
    }
    if (!rc)
        rc = save_rows(job, NULL, &c, out);
    if (!rc && as_json)
        rc = sp_json_print(json_pack("{s:s, s:i, s:o, s:s}", "form", forms[job->form], "subsystems", job->m,
                                     "results", coupling_json(job, &c), "output", out));
    else if (!rc)
        rc = print_classes(job, &c);
    free(c.C), free(c.T), free(c.Dd), free(c.cls);
    return rc;
}

int sp_cmd_index(int argc, char **argv)
{
    sp_args a;
    sp_grid_format format;
    int rc = sp_distio_args(argc, argv, spec, help, &a, &format);
    if (rc)
        return rc;
    static index_job job;
    memset(&job, 0, sizeof job);
    if ((rc = parse_options(&a, &job)))
        return rc;
    job.format = format, job.out = sp_args_get(&a, "output");
    double t0 = sp_clock_seconds();
    rc = sp_distio_open_args(&a, &job.D);
    if (!rc)
        rc = load(&job);
    double t1 = sp_clock_seconds();
    if (!rc)
        rc = sp_args_get(&a, "coupling") ? run_coupling(&job, sp_args_flag(&a, "json"))
                                         : run_index(&job, sp_args_flag(&a, "json"));
    if (!rc && sp_args_flag(&a, "timing"))   /* the scores are written as they are computed */
        sp_clock_report("index", t1 - t0, sp_clock_seconds() - t1, -1.0);
    free(job.x), free(job.period), free(job.ids);
    sp_distio_close(job.D);
    return rc;
}
