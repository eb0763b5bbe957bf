/* spill plot: statistical figures (Moran scatterplots, kernel densities by
 * period as curves or a 3-D surface, coefficient and effects plots from a saved
 * `fit --json`, Markov transition heat maps from `markov --json`), drawn by
 * the kinds in `kinds[]`: adding a kind is one function and one table row. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <jansson.h>

#include "sp_acio.h"
#include "sp_canvas.h"
#include "sp_chart.h"
#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_error.h"
#include "sp_kde.h"
#include "sp_lisa.h"
#include "sp_moran.h"
#include "sp_panel.h"

static const char help[] =
    "usage: spill plot [DATA] KIND -o OUT.png|svg|pdf\n"
    "\n"
    "KIND (one of):\n"
    "  --moran V            Moran scatterplot of V (standardised z against its spatial\n"
    "                       lag Wz) with the line of slope I and the quadrants; needs\n"
    "                       DATA and --w; one panel per period with --by\n"
    "  --kde V              Gaussian kernel densities of V, one curve per period (--by)\n"
    "                       on shared axes; --surface: a 3-D surface (value x period x\n"
    "                       density); --group COL: one panel per group\n"
    "  --effects FIT.json   coefficients and direct, indirect and total effects with\n"
    "                       confidence intervals, from a saved `spill fit --json`\n"
    "  --markov M.json      transition probability heat map from `spill markov --json`\n"
    "                       (and one panel per lag class when it has `conditional`)\n"
    "\n"
    "options:\n"
    "  --id FIELD           unit id field of DATA (needed with --by)\n"
    "  --layer NAME         layer of DATA\n"
    "  --by TIME            period field of DATA\n"
    "  --w FILE             weights (moran), row-standardised as `spill moran`\n"
    "                       ('w_{}.gal': one per period)\n"
    "  --w-by TIME          the period field of a weights pattern (the same as --by)\n"
    "  --strict             units of W without data are an error (default: W is\n"
    "                       restricted to the units with data, with a warning)\n"
    "  --label FIELD        moran: label the points with this field of DATA\n"
    "  --group COL          kde: one panel per value of COL\n"
    "  --bw B               kde bandwidth: silverman (default, R's bw.nrd0), scott or\n"
    "                       a number\n"
    "  --surface            kde: the 3-D surface instead of the curves\n"
    "  --level L            effects: confidence level in % (default 95; the draws'\n"
    "                       ci95 where the fit saved them, else est -/+ z se)\n"
    "  --long-run           effects of a dynamic fit (--dynamic): the long-run effects\n"
    "                       (default: the short-run ones); tau, eta are coefficients\n"
    "  --title T            the title (\"\" for none)\n"
    "  --width IN           figure width in inches (default 6.5)\n"
    "  --dpi N              PNG resolution (default 300)\n"
    "  --font FAMILY        font family (default Noto Sans CJK SC), via fontconfig\n"
    "  -o, --output OUT     the figure: .png, .svg or .pdf\n"
    "  --json               the file written and the plotted statistics on stdout\n"
    "  --timing             seconds spent reading and drawing, and writing, on stderr\n";

static const sp_optspec spec[] = {
    {"moran", 1}, {"kde", 1},   {"effects", 1}, {"markov", 1},  {"id", 1},     {"layer", 1},
    {"by", 1},    {"w", 1},     {"label", 1},   {"group", 1},   {"bw", 1},     {"surface", 0},
    {"level", 1}, {"title", 1}, {"width", 1},   {"dpi", 1},     {"font", 1},   {"output", 1},
    {"json", 0},  {"timing", 0}, {"strict", 0}, {"w-by", 1}, {"long-run", 0}, {NULL, 0}};

/* The options of spill plot, for the keys of YAML jobs (sp_cli.h). */
const sp_optspec *sp_cmd_plot_opts(void) { return spec; }

/* What every kind shares: the options and the JSON it adds to. */
typedef struct plot_ctx {
    const sp_args *a;
    const char *output, *title;
    char font[128];
    double dpi, width;  /* width in points */
    json_t *info;       /* the --json object; kinds add their keys */
    double t_drawn;     /* sp_clock_seconds() when the figure is drawn (for --timing) */
} plot_ctx;

#define MARGIN 10.0
#define GAP 26.0
#define TITLE_PT 10.0
#define PANEL_PT 8.5

/* ---- shared page helpers ---- */

static const char *title_or(const plot_ctx *P, const char *dflt)
{
    return P->title ? P->title : dflt;
}

/* Open the page and draw the title; *top = where the panels start. */
static int page_open(plot_ctx *P, double h, const char *title, sp_canvas **c, double *top)
{
    int rc = sp_canvas_open(P->output, P->width, h, P->dpi, P->font, c);
    *top = MARGIN;
    if (!rc && title && title[0]) {
        sp_canvas_style st = {TITLE_PT, 0.5, 0.0, 1, 0, {0, 0, 0}};
        double box[4];
        sp_canvas_text(*c, 0.5 * P->width, MARGIN - 3, title, &st, box);
        *top = box[3] + 4;
    }
    return rc;
}

/* Close the page (warning about glyphs no font holds) and record the file. */
static int page_close(plot_ctx *P, sp_canvas *c, int rc)
{
    P->t_drawn = sp_clock_seconds();
    if (!rc && c && sp_canvas_missing_glyphs(c))
        fprintf(stderr, "spill plot: warning: %s: %d character(s) have no glyph in the installed "
                "fonts (drawn as boxes); install fonts-noto-cjk or pick --font\n", P->output,
                sp_canvas_missing_glyphs(c));
    rc = sp_canvas_close(c, rc);
    if (!rc)
        json_object_set_new(P->info, "output", json_string(P->output));
    return rc;
}

/* Panel k of n in a grid of `cols` columns below `top`, each w x h plus room
 * for axes (left 34, bottom 26) and a panel title (14). */
static void panel_box(const plot_ctx *P, int k, int cols, double top, double h, double *x0,
                      double *y0, double *w)
{
    *w = (P->width - 2 * MARGIN - cols * 34 - (cols - 1) * 8) / cols;
    *x0 = MARGIN + 34 + (k % cols) * (*w + 34 + 8);
    *y0 = top + 14 + (k / cols) * (h + 14 + GAP);
}

static int grid_cols(int n) { return n <= 1 ? 1 : n <= 4 ? 2 : n <= 9 ? 3 : 4; }

static void panel_title(sp_canvas *c, const sp_chart *C, const char *text)
{
    sp_canvas_style st = {PANEL_PT, 0.5, 1.0, 1, 0, {0, 0, 0}};
    sp_canvas_text(c, C->x0 + 0.5 * C->w, C->y0 - 3, text, &st, NULL);
}

/* ---- moran: scatterplots ---- */

typedef struct moran_panel {
    char label[64];
    int n;
    double *z, *wz, I;
    const char **text;  /* point labels or NULL */
} moran_panel;

/* One period: z and Wz (core/sp_lisa), I (core/sp_moran), labels. */
static int moran_period(sp_acio *A, int g, int label_col, moran_panel *mp)
{
    sp_acio_period p;
    int rc = sp_acio_load(A, g, &p);
    if (rc)
        return rc;
    sp_lisa *L = NULL;
    sp_lisa_opts lo = {.alpha = 0.05};
    sp_moran_opts mo = {0};
    sp_moran_result r;
    if (!(rc = sp_acio_no_self(A, &p, "Moran's I")) &&
        !(rc = sp_weights_standardize(p.W, SP_STD_ROW)) &&
        !(rc = sp_lisa_compute(p.W->w, p.x, p.subject, &lo, &L)))
        rc = sp_moran_compute(p.W->w, p.x, p.subject, &mo, &r);
    mp->n = p.n;
    snprintf(mp->label, sizeof mp->label, "%s", p.label ? p.label : "");
    mp->z = sp_malloc((size_t)p.n * sizeof *mp->z + 1);
    mp->wz = sp_malloc((size_t)p.n * sizeof *mp->wz + 1);
    mp->text = label_col >= 0 ? sp_calloc((size_t)p.n + 1, sizeof *mp->text) : NULL;
    if (!rc && (!mp->z || !mp->wz || (label_col >= 0 && !mp->text)))
        rc = SP_ENOMEM;
    for (int k = 0; !rc && k < p.n; k++) {
        mp->z[k] = L->z[k], mp->wz[k] = L->wz[k];
        if (mp->text)
            mp->text[k] = sp_table_cell(A->table, A->P->periods[g].rows[k], label_col);
    }
    if (!rc)
        mp->I = r.I.stat;
    sp_lisa_free(L);
    sp_acio_period_free(&p);
    return rc;
}

/* A scatterplot: points, quadrant lines, the line of slope I, labels. */
static void moran_draw(sp_canvas *c, const moran_panel *mp, double x0, double y0, double w,
                       const char *var)
{
    double lim = 1.0;
    for (int k = 0; k < mp->n; k++)
        if (!isnan(mp->wz[k]))
            lim = fmax(lim, fmax(fabs(mp->z[k]), fabs(mp->wz[k])));
    sp_chart C;
    sp_chart_init(&C, x0, y0, w, w, -1.08 * lim, 1.08 * lim, -1.08 * lim, 1.08 * lim);
    char xl[160], yl[160], t[160];
    snprintf(xl, sizeof xl, "%s (standardised)", var);
    snprintf(yl, sizeof yl, "spatial lag of %s", var);
    sp_chart_axes(c, &C, xl, yl);
    cairo_t *cr = sp_canvas_cairo(c);
    cairo_save(cr);
    cairo_rectangle(cr, C.x0, C.y0, C.w, C.h);
    cairo_clip(cr);
    static const double dash[] = {2.0, 1.5};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, sp_chart_x(&C, 0), C.y0), cairo_line_to(cr, sp_chart_x(&C, 0), C.y0 + C.h);
    cairo_move_to(cr, C.x0, sp_chart_y(&C, 0)), cairo_line_to(cr, C.x0 + C.w, sp_chart_y(&C, 0));
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    sp_canvas_style qs = {7.0, 0, 0, 1, 0, {0.6, 0.6, 0.6}};
    static const char *const quad[] = {"HH", "LH", "LL", "HL"};
    for (int q = 0; q < 4; q++) {
        qs.ax = q == 0 || q == 3 ? 1.0 : 0.0, qs.ay = q < 2 ? 0.0 : 1.0;
        sp_canvas_text(c, qs.ax ? C.x0 + C.w - 3 : C.x0 + 3, qs.ay ? C.y0 + C.h - 3 : C.y0 + 3,
                       quad[q], &qs, NULL);
    }
    for (int k = 0; k < mp->n; k++) {
        if (isnan(mp->wz[k]))
            continue;
        cairo_arc(cr, sp_chart_x(&C, mp->z[k]), sp_chart_y(&C, mp->wz[k]), 1.7, 0, 2 * M_PI);
        cairo_set_source_rgb(cr, 0.27, 0.46, 0.71);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.1, 0.2, 0.4);
        cairo_set_line_width(cr, 0.35);
        cairo_stroke(cr);
    }
    cairo_set_source_rgb(cr, 0.84, 0.15, 0.16);
    cairo_set_line_width(cr, 1.0);
    cairo_move_to(cr, sp_chart_x(&C, C.xlo), sp_chart_y(&C, mp->I * C.xlo));
    cairo_line_to(cr, sp_chart_x(&C, C.xhi), sp_chart_y(&C, mp->I * C.xhi));
    cairo_stroke(cr);
    sp_canvas_style ls = {4.5, 0.0, 0.5, 0, 0, {0.2, 0.2, 0.2}};
    for (int k = 0; mp->text && k < mp->n; k++)
        if (!isnan(mp->wz[k]) && mp->text[k])
            sp_canvas_text(c, sp_chart_x(&C, mp->z[k]) + 2.2, sp_chart_y(&C, mp->wz[k]),
                           mp->text[k], &ls, NULL);
    cairo_restore(cr);
    snprintf(t, sizeof t, "%s%sMoran's I = %.4f", mp->label, mp->label[0] ? ": " : "", mp->I);
    panel_title(c, &C, t);
}

static void moran_free(moran_panel *mp, int n)
{
    for (int g = 0; mp && g < n; g++)
        free(mp[g].z), free(mp[g].wz), free(mp[g].text);
    free(mp);
}

/* The scatterplots of every period, with the I values in the JSON. */
static int moran_page(plot_ctx *P, moran_panel *mp, int np, const char *var)
{
    int cols = grid_cols(np), rows = (np + cols - 1) / cols;
    double x0, y0, w, top;
    panel_box(P, 0, cols, 0, 0, &x0, &y0, &w);
    w = fmin(w, 260.0);
    char title[256];
    snprintf(title, sizeof title, np == 1 ? "Moran scatterplot of %s" : "Moran scatterplots of %s",
             var);
    const char *t = title_or(P, title);
    double head = t[0] ? TITLE_PT + 8 : 0;
    sp_canvas *c = NULL;
    int rc = page_open(P, MARGIN + head + rows * (w + 14 + GAP) + MARGIN, t, &c, &top);
    json_t *res = json_array();
    for (int g = 0; !rc && g < np; g++) {
        panel_box(P, g, cols, top, w, &x0, &y0, &w);
        w = fmin(w, 260.0);
        moran_draw(c, &mp[g], x0, y0, w, var);
        json_array_append_new(res, json_pack("{s:o, s:i, s:f}", "by", sp_acio_by_json(
                                                 mp[g].label[0] ? mp[g].label : NULL), "n",
                                             mp[g].n, "I", mp[g].I));
    }
    json_object_set_new(P->info, "results", res);
    return page_close(P, c, rc);
}

static int plot_moran(plot_ctx *P, const char *var)
{
    const sp_args *a = P->a;
    int rc = sp_args_positional(a, 1, "DATA");
    if (rc)
        return rc;
    if (!sp_args_get(a, "w"))
        return sp_error_set(SP_EUSAGE, "--moran needs --w WEIGHTS");
    sp_acio_args io = {.cmd = "plot", .src = a->pos[0], .layer = sp_args_get(a, "layer"),
                       .id = sp_args_get(a, "id"), .var = var, .by = sp_args_get(a, "by"),
                       .wpath = sp_args_get(a, "w"), .strict = sp_args_flag(a, "strict")};
    if ((rc = sp_acio_wby(a, &io.by)))
        return rc;
    sp_acio *A = NULL;
    moran_panel *mp = NULL;
    int np = 0, label_col = -1;
    if ((rc = sp_acio_args_check(&io)))
        return rc;
    if (!(rc = sp_acio_open(&io, &A)) && sp_args_get(a, "label"))
        rc = sp_table_require(A->table, sp_args_get(a, "label"), &label_col);
    if (!rc && !(mp = sp_calloc((size_t)A->P->nperiods, sizeof *mp)))
        rc = SP_ENOMEM;
    for (int g = 0; !rc && g < A->P->nperiods; g++, np++)
        rc = moran_period(A, g, label_col, &mp[g]);
    if (!rc)
        rc = moran_page(P, mp, np, var);
    moran_free(mp, A ? A->P->nperiods : 0);
    sp_acio_close(A);
    return rc;
}

/* ---- kde: density curves or a 3-D surface ---- */

#define KDE_GRID 256

typedef struct kde_set {
    int nper, ngroup;
    char **group;       /* ngroup names ("" without --group) */
    const char **per;   /* nper period labels */
    double *h;          /* [group][period] bandwidth, NaN when the cell has < 2 values */
    double *dens;       /* [group][period][KDE_GRID] */
    double grid[KDE_GRID];
    double dmax;
} kde_set;

static void kde_free(kde_set *K)
{
    for (int k = 0; K->group && k < K->ngroup; k++)
        free(K->group[k]);
    free(K->group), free(K->per), free(K->h), free(K->dens);
}

/* The distinct values of column col (sorted as text), "" for one group. */
static int kde_groups(const sp_table *t, int col, kde_set *K)
{
    K->group = sp_calloc((size_t)t->nrow + 1, sizeof *K->group);
    if (!K->group)
        return SP_ENOMEM;
    if (col < 0)
        return (K->group[K->ngroup++] = sp_strdup("")) ? SP_OK : SP_ENOMEM;
    for (int r = 0; r < t->nrow; r++) {
        const char *v = sp_table_cell(t, r, col) ? sp_table_cell(t, r, col) : "";
        int k = 0;
        while (k < K->ngroup && strcmp(K->group[k], v) != 0)
            k++;
        if (k == K->ngroup && !(K->group[K->ngroup++] = sp_strdup(v)))
            return SP_ENOMEM;
    }
    for (int i = 1; i < K->ngroup; i++) /* insertion sort: few groups */
        for (int j = i; j > 0 && strcmp(K->group[j - 1], K->group[j]) > 0; j--) {
            char *s = K->group[j];
            K->group[j] = K->group[j - 1], K->group[j - 1] = s;
        }
    return SP_OK;
}

/* Values of group k in period g into x; returns their number. */
static int kde_cell(const sp_panel *P, int g, int gcol, const char *group, const double *v,
                    double *x)
{
    const sp_panel_period *per = &P->periods[g];
    int m = 0;
    for (int k = 0; k < per->n; k++) {
        const char *cell = gcol >= 0 ? sp_table_cell(P->table, per->rows[k], gcol) : "";
        if (strcmp(cell ? cell : "", group) == 0)
            x[m++] = v[k];
    }
    return m;
}

/* Bandwidths of every (group, period) cell, the shared grid and densities
 * (core/sp_kde; cut 3 as R's density). */
static int kde_compute(const sp_panel *P, const char *var, int gcol, const char *bw, kde_set *K)
{
    int n = P->table->nrow, rc = SP_OK, cells = K->ngroup * K->nper;
    double *v = sp_malloc((size_t)n * sizeof *v + 1), *x = sp_malloc((size_t)n * sizeof *x + 1);
    double fixed = NAN;
    sp_kde_rule rule = SP_KDE_SILVERMAN;
    if (bw && strcmp(bw, "scott") == 0)
        rule = SP_KDE_SCOTT;
    else if (bw && strcmp(bw, "silverman") != 0 &&
             (sp_table_parse_double(bw, &fixed) || fixed <= 0))
        rc = sp_error_set(SP_EUSAGE, "--bw: expected silverman, scott or a positive number "
                          "(got '%s')", bw);
    K->h = sp_malloc((size_t)cells * sizeof *K->h);
    K->dens = sp_calloc((size_t)cells * KDE_GRID, sizeof *K->dens);
    if (!rc && (!v || !x || !K->h || !K->dens))
        rc = SP_ENOMEM;
    double lo = INFINITY, hi = -INFINITY;
    for (int pass = 0; pass < 2 && !rc; pass++) {
        if (pass == 1)
            sp_kde_grid(lo, hi, KDE_GRID, K->grid);
        for (int g = 0; g < K->nper && !rc; g++) {
            char what[512];
            sp_panel_describe(P, g, what, sizeof what);
            if ((rc = sp_panel_numeric(P, g, var, v)))
                break;
            for (int k = 0; k < K->ngroup && !rc; k++) {
                int m = kde_cell(P, g, gcol, K->group[k], v, x);
                double *h = &K->h[k * K->nper + g];
                if (pass == 0) {
                    *h = NAN;
                    if (m >= 2 && !(rc = isnan(fixed) ? sp_kde_bandwidth(x, m, rule, what, h)
                                                      : (*h = fixed, SP_OK)))
                        sp_kde_range(x, m, *h, 3.0, &lo, &hi);
                } else if (!isnan(*h)) {
                    rc = sp_kde_eval(x, m, *h, SP_KDE_GAUSSIAN, K->grid, KDE_GRID,
                                     &K->dens[(size_t)(k * K->nper + g) * KDE_GRID]);
                }
            }
        }
        if (pass == 0 && !rc && !(hi > lo))
            rc = sp_error_set(SP_EDATA, "%s: %s: no period has two values to estimate a density",
                              P->table->source, var);
    }
    K->dmax = 0;
    for (size_t k = 0; !rc && k < (size_t)cells * KDE_GRID; k++)
        K->dmax = fmax(K->dmax, K->dens[k]);
    free(v), free(x);
    return rc;
}

/* Group k's curves, one per period, with a legend. */
static void kde_curves(sp_canvas *c, const kde_set *K, int k, double x0, double y0, double w,
                       double h, const char *var)
{
    sp_chart C;
    sp_chart_init(&C, x0, y0, w, h, K->grid[0], K->grid[KDE_GRID - 1], 0, K->dmax * 1.05);
    C.ylo = 0;
    sp_chart_axes(c, &C, var, "density");
    cairo_t *cr = sp_canvas_cairo(c);
    sp_canvas_style st = {6.5, 0, 0.5, 0, 0, {0, 0, 0}};
    for (int g = 0; g < K->nper; g++) {
        const double *d = &K->dens[(size_t)(k * K->nper + g) * KDE_GRID];
        if (isnan(K->h[k * K->nper + g]))
            continue;
        for (int i = 0; i < KDE_GRID; i++) {
            double px = sp_chart_x(&C, K->grid[i]), py = sp_chart_y(&C, d[i]);
            i ? cairo_line_to(cr, px, py) : cairo_move_to(cr, px, py);
        }
        sp_canvas_set_rgb(c, sp_chart_series(g));
        cairo_set_line_width(cr, 1.1);
        cairo_stroke(cr);
        double ly = C.y0 + 8 + 9 * g, lx = C.x0 + C.w - 52;
        cairo_move_to(cr, lx, ly), cairo_line_to(cr, lx + 12, ly);
        cairo_stroke(cr);
        sp_canvas_text(c, lx + 15, ly, K->per[g][0] ? K->per[g] : var, &st, NULL);
    }
    if (K->group[k][0])
        panel_title(c, &C, K->group[k]);
}

/* Oblique view of the surface: (u, v, w) in [0, 1]^3 to the page. */
typedef struct view3 {
    double cx, cy, sx, sz, ca, sa, ce, se;
} view3;

static void v3(const view3 *V, double u, double v, double w, double *px, double *py,
               double *depth)
{
    double a = (u - 0.5) * V->ca + (v - 0.5) * V->sa;  /* periods recede to the right */
    double d = -(u - 0.5) * V->sa + (v - 0.5) * V->ca; /* larger: farther, drawn higher */
    *px = V->cx + V->sx * a;
    *py = V->cy - V->sz * w * V->ce - V->sx * d * V->se;
    if (depth)
        *depth = d;
}

/* The three axes of the surface: value along the front, periods along the
 * right side, density up the front-left edge. */
static void surface_axes(sp_canvas *c, const view3 *V, const kde_set *K, const char *var)
{
    cairo_t *cr = sp_canvas_cairo(c);
    double x, y, x1, y1, lo, hi, step;
    sp_canvas_style st = {6.0, 0.5, 0.0, 0, 0, {0.15, 0.15, 0.15}};
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 0.5);
    v3(V, 0, 0, 0, &x, &y, NULL), v3(V, 1, 0, 0, &x1, &y1, NULL);
    cairo_move_to(cr, x, y), cairo_line_to(cr, x1, y1), cairo_stroke(cr);
    sp_chart_nice(K->grid[0], K->grid[KDE_GRID - 1], 4, &lo, &hi, &step);
    double span = K->grid[KDE_GRID - 1] - K->grid[0];
    for (double t = lo; t <= hi + 1e-9 * step; t += step) {
        double u = (t - K->grid[0]) / span;
        if (u < -1e-9 || u > 1 + 1e-9)
            continue;
        char buf[32];
        sp_chart_tick_label(t, step, buf, sizeof buf);
        v3(V, u, 0, 0, &x, &y, NULL);
        sp_canvas_text(c, x, y + 2, buf, &st, NULL);
    }
    v3(V, 0.5, -0.12, 0, &x, &y, NULL);
    sp_canvas_text(c, x, y + 6, var, &st, NULL);
    v3(V, 1, 0, 0, &x, &y, NULL), v3(V, 1, 1, 0, &x1, &y1, NULL);
    cairo_move_to(cr, x, y), cairo_line_to(cr, x1, y1), cairo_stroke(cr);
    st.ax = 0.0, st.ay = 0.5;
    for (int g = 0; g < K->nper; g++) {
        v3(V, 1, K->nper > 1 ? (double)g / (K->nper - 1) : 0, 0, &x, &y, NULL);
        sp_canvas_text(c, x + 3, y + 2, K->per[g], &st, NULL);
    }
    v3(V, 0, 0, 0, &x, &y, NULL), v3(V, 0, 0, 1, &x1, &y1, NULL);
    cairo_move_to(cr, x, y), cairo_line_to(cr, x1, y1), cairo_stroke(cr);
    sp_chart_nice(0, K->dmax, 4, &lo, &hi, &step);
    st.ax = 1.0;
    for (double t = 0; t <= K->dmax * (1 + 1e-9); t += step) {
        char buf[32];
        sp_chart_tick_label(t, step, buf, sizeof buf);
        v3(V, 0, 0, t / K->dmax, &x, &y, NULL);
        cairo_move_to(cr, x - 2, y), cairo_line_to(cr, x, y), cairo_stroke(cr);
        sp_canvas_text(c, x - 3, y, buf, &st, NULL);
    }
    v3(V, 0, 0, 1.08, &x, &y, NULL);
    st.ax = 0.5, st.ay = 1.0;
    sp_canvas_text(c, x, y, "density", &st, NULL);
}

/* Period g's density curve along the surface, dark. */
static void surface_curve(sp_canvas *c, const view3 *V, const double *D, int T, int g,
                          double dmax)
{
    cairo_t *cr = sp_canvas_cairo(c);
    for (int i = 0; i < KDE_GRID; i++) {
        double px, py;
        v3(V, (double)i / (KDE_GRID - 1), (double)g / (T - 1), D[g * KDE_GRID + i] / dmax, &px,
           &py, NULL);
        i ? cairo_line_to(cr, px, py) : cairo_move_to(cr, px, py);
    }
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
}

/* Group k's density surface: quadrilaterals between consecutive periods,
 * coloured by height (viridis), drawn from the back to the front. */
static void kde_surface(sp_canvas *c, const kde_set *K, int k, double x0, double y0, double w,
                        double h, const char *var)
{
    view3 V = {0, 0, 1, 0.8, cos(0.45), sin(0.45), cos(0.5), sin(0.5)};
    double bb[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY}; /* the unit cube's corners */
    for (int q = 0; q < 8; q++) {
        double px, py;
        v3(&V, q & 1, (q >> 1) & 1, (q >> 2) & 1, &px, &py, NULL);
        bb[0] = fmin(bb[0], px), bb[1] = fmin(bb[1], py);
        bb[2] = fmax(bb[2], px), bb[3] = fmax(bb[3], py);
    }
    double sc = fmin(0.8 * w / (bb[2] - bb[0]), 0.86 * h / (bb[3] - bb[1]));
    V.sx = sc, V.sz = 0.8 * sc;
    V.cx = x0 + 0.5 * w - sc * 0.5 * (bb[0] + bb[2]);
    V.cy = y0 + 0.5 * h - sc * 0.5 * (bb[1] + bb[3]);
    cairo_t *cr = sp_canvas_cairo(c);
    int T = K->nper;
    const double *D = &K->dens[(size_t)k * K->nper * KDE_GRID];
    surface_curve(c, &V, D, T, T - 1, K->dmax);
    for (int g = T - 2; g >= 0; g--) { /* the back (later periods, small values) first */
        for (int i = 0; i + 1 < KDE_GRID; i++) {
            double u0 = (double)i / (KDE_GRID - 1), u1 = (double)(i + 1) / (KDE_GRID - 1);
            double v0 = (double)g / (T - 1), v1 = (double)(g + 1) / (T - 1);
            const double *a = D + g * KDE_GRID + i, *b = D + (g + 1) * KDE_GRID + i;
            double px, py;
            v3(&V, u0, v0, a[0] / K->dmax, &px, &py, NULL), cairo_move_to(cr, px, py);
            v3(&V, u1, v0, a[1] / K->dmax, &px, &py, NULL), cairo_line_to(cr, px, py);
            v3(&V, u1, v1, b[1] / K->dmax, &px, &py, NULL), cairo_line_to(cr, px, py);
            v3(&V, u0, v1, b[0] / K->dmax, &px, &py, NULL), cairo_line_to(cr, px, py);
            cairo_close_path(cr);
            sp_canvas_set_rgb(c, sp_chart_viridis(0.25 * (a[0] + a[1] + b[0] + b[1]) / K->dmax));
            cairo_set_line_width(cr, 0.25);
            cairo_fill_preserve(cr);
            cairo_stroke(cr); /* the fill's colour: no seams between quadrilaterals */
        }
        surface_curve(c, &V, D, T, g, K->dmax);
    }
    surface_axes(c, &V, K, var);
    if (K->group[k][0]) {
        sp_canvas_style st = {PANEL_PT, 0.5, 1.0, 1, 0, {0, 0, 0}};
        sp_canvas_text(c, x0 + 0.5 * w, y0 - 3, K->group[k], &st, NULL);
    }
}

static int kde_page(plot_ctx *P, const kde_set *K, const char *var, int surface)
{
    int cols = grid_cols(K->ngroup), rows = (K->ngroup + cols - 1) / cols;
    double x0, y0, w, top;
    panel_box(P, 0, cols, 0, 0, &x0, &y0, &w);
    double h = surface ? 0.55 * w : 0.62 * w;
    char title[256];
    snprintf(title, sizeof title, "Kernel density of %s%s", var,
             K->nper > 1 ? " by period" : "");
    const char *t = title_or(P, title);
    double head = t[0] ? TITLE_PT + 8 : 0;
    sp_canvas *c = NULL;
    int rc = page_open(P, MARGIN + head + rows * (h + 14 + GAP) + MARGIN, t, &c, &top);
    for (int k = 0; !rc && k < K->ngroup; k++) {
        panel_box(P, k, cols, top, h, &x0, &y0, &w);
        (surface ? kde_surface : kde_curves)(c, K, k, x0, y0, w, h, var);
    }
    json_t *res = json_array();
    for (int k = 0; k < K->ngroup; k++)
        for (int g = 0; g < K->nper; g++)
            json_array_append_new(res, json_pack("{s:o, s:s, s:o}", "by",
                                                 sp_acio_by_json(K->per[g][0] ? K->per[g] : NULL),
                                                 "group", K->group[k], "bandwidth",
                                                 sp_json_real(K->h[k * K->nper + g])));
    json_object_set_new(P->info, "results", res);
    return page_close(P, c, rc);
}

static int plot_kde(plot_ctx *P, const char *var)
{
    const sp_args *a = P->a;
    int rc = sp_args_positional(a, 1, "DATA");
    if (rc)
        return rc;
    const char *by = sp_args_get(a, "by"), *id = sp_args_get(a, "id");
    if (by && !id)
        return sp_error_set(SP_EUSAGE, "--kde with --by needs --id FIELD (each unit once per "
                            "period)");
    sp_table *t = NULL;
    sp_panel *Pn = NULL;
    kde_set K = {0};
    int gcol = -1;
    if (!(rc = sp_table_read(a->pos[0], sp_args_get(a, "layer"), &t)) &&
        !(rc = sp_panel_build(t, id, by, &Pn)) && sp_args_get(a, "group"))
        rc = sp_table_require(t, sp_args_get(a, "group"), &gcol);
    if (!rc)
        rc = kde_groups(t, gcol, &K);
    if (!rc) {
        K.nper = Pn->nperiods;
        if (!(K.per = sp_malloc((size_t)K.nper * sizeof *K.per)))
            rc = SP_ENOMEM;
        for (int g = 0; !rc && g < K.nper; g++)
            K.per[g] = Pn->periods[g].label;
    }
    if (!rc)
        rc = kde_compute(Pn, var, gcol, sp_args_get(a, "bw"), &K);
    if (!rc && sp_args_flag(a, "surface") && K.nper < 2)
        rc = sp_error_set(SP_EUSAGE, "--surface needs at least two periods (--by TIME)");
    if (!rc)
        rc = kde_page(P, &K, var, sp_args_flag(a, "surface"));
    kde_free(&K);
    sp_panel_free(Pn);
    sp_table_free(t);
    return rc;
}

/* ---- effects: coefficient plots from fit --json ---- */

typedef struct est_row {
    const char *name;
    double est, lo, hi;
} est_row;

/* est and the interval of a {est, se, ci95?} object at level z (95 %: the
 * saved ci95 when there is one). */
static int est_of(json_t *o, double z, int use_ci95, const char *file, const char *name,
                  est_row *r)
{
    json_t *e = json_object_get(o, "est"), *se = json_object_get(o, "se");
    json_t *ci = json_object_get(o, "ci95");
    if (!json_is_number(e))
        return sp_error_set(SP_EDATA, "%s: '%s' has no numeric est", file, name);
    r->name = name, r->est = json_number_value(e);
    if (use_ci95 && json_is_array(ci) && json_array_size(ci) == 2 &&
        json_is_number(json_array_get(ci, 0)) && json_is_number(json_array_get(ci, 1))) {
        r->lo = json_number_value(json_array_get(ci, 0));
        r->hi = json_number_value(json_array_get(ci, 1));
    } else {
        double s = json_is_number(se) ? json_number_value(se) : NAN;
        r->lo = r->est - z * s, r->hi = r->est + z * s;
    }
    return SP_OK;
}

/* One dot-and-whisker panel of rows[0..n-1], names on the left when `names`. */
static void effects_panel(sp_canvas *c, const est_row *rows, int n, double x0, double y0,
                          double w, double h, const char *title, int names)
{
    double lo = 0, hi = 0;
    for (int k = 0; k < n; k++) {
        lo = fmin(lo, isnan(rows[k].lo) ? rows[k].est : rows[k].lo);
        hi = fmax(hi, isnan(rows[k].hi) ? rows[k].est : rows[k].hi);
    }
    sp_chart C;
    sp_chart_init(&C, x0, y0, w, h, lo, hi, 0, 1);
    C.ylo = 0, C.yhi = n, C.ystep = 0;
    sp_chart_axes(c, &C, "estimate", NULL);
    panel_title(c, &C, title);
    cairo_t *cr = sp_canvas_cairo(c);
    static const double dash[] = {2.0, 1.5};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, sp_chart_x(&C, 0), C.y0), cairo_line_to(cr, sp_chart_x(&C, 0), C.y0 + C.h);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    sp_canvas_style st = {6.5, 1.0, 0.5, 0, 0, {0, 0, 0}};
    for (int k = 0; k < n; k++) {
        double y = sp_chart_y(&C, n - k - 0.5);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_set_line_width(cr, 0.9);
        if (!isnan(rows[k].lo)) {
            cairo_move_to(cr, sp_chart_x(&C, rows[k].lo), y);
            cairo_line_to(cr, sp_chart_x(&C, rows[k].hi), y);
            cairo_stroke(cr);
        }
        cairo_arc(cr, sp_chart_x(&C, rows[k].est), y, 1.9, 0, 2 * M_PI);
        cairo_set_source_rgb(cr, 0.84, 0.15, 0.16);
        cairo_fill(cr);
        if (names)
            sp_canvas_text(c, C.x0 - 4, y, rows[k].name, &st, NULL);
    }
}

/* The effects of a fit's JSON: "effects", or for a dynamic fit (which has
 * none) "effects_short_run", or "effects_long_run" with --long-run; *which
 * names the kind for the title ("" for a static fit). */
static json_t *effects_list(json_t *root, int long_run, const char **which)
{
    json_t *es = json_object_get(root, "effects");
    *which = "";
    if (!es && json_object_get(root, "effects_short_run")) {
        *which = long_run ? "long-run " : "short-run ";
        es = json_object_get(root, long_run ? "effects_long_run" : "effects_short_run");
    }
    return es;
}

/* Rows of the coefficients (with rho/lambda, and a dynamic fit's tau and
 * eta: y(t-1) and W y(t-1)) and of each effect column of es. */
static int effects_rows(json_t *root, json_t *es, const char *file, double z, int ci95,
                        est_row *coef, int *nc, est_row *eff[3], int *ne)
{
    json_t *cs = json_object_get(root, "coefficients");
    static const char *const spatial[] = {"rho", "lambda", "tau", "eta"};
    int rc = SP_OK;
    *nc = *ne = 0;
    for (size_t k = 0; !rc && k < json_array_size(cs) && *nc < 64; k++) {
        json_t *o = json_array_get(cs, k);
        const char *name = json_string_value(json_object_get(o, "name"));
        rc = est_of(o, z, 0, file, name ? name : "?", &coef[(*nc)++]);
    }
    for (int s = 0; !rc && s < 4 && *nc < 64; s++)
        if (json_is_object(json_object_get(root, spatial[s])))
            rc = est_of(json_object_get(root, spatial[s]), z, 0, file, spatial[s], &coef[(*nc)++]);
    static const char *const parts[] = {"direct", "indirect", "total"};
    for (size_t k = 0; !rc && k < json_array_size(es) && *ne < 64; k++, (*ne)++) {
        json_t *o = json_array_get(es, k);
        const char *name = json_string_value(json_object_get(o, "name"));
        for (int p = 0; !rc && p < 3; p++)
            rc = est_of(json_object_get(o, parts[p]), z, ci95, file, name ? name : "?",
                        &eff[p][*ne]);
    }
    if (!rc && *nc == 0)
        rc = sp_error_set(SP_EDATA, "%s: no 'coefficients' list: expected the JSON of `spill fit "
                          "--json`", file);
    return rc;
}

static int plot_effects(plot_ctx *P, const char *file)
{
    double level;
    int rc = sp_args_double(P->a, "level", 95, &level);
    if (rc)
        return rc;
    if (!(level > 0 && level < 100))
        return sp_error_set(SP_EUSAGE, "--level must lie between 0 and 100 (got %g)", level);
    json_error_t jerr;
    json_t *root = json_load_file(file, 0, &jerr);
    if (!root)
        return sp_error_set(SP_EDATA, "%s: line %d: not JSON (%s)", file, jerr.line, jerr.text);
    static est_row coef[64], d[64], in[64], tot[64];
    est_row *eff[3] = {d, in, tot};
    int nc = 0, ne = 0;
    double z = gsl_cdf_ugaussian_Pinv(0.5 + level / 200.0);
    const char *which;
    int long_run = sp_args_flag(P->a, "long-run");
    json_t *es = effects_list(root, long_run, &which);
    if (long_run && !which[0])
        rc = sp_error_set(SP_EUSAGE, "--long-run: %s is not a dynamic fit (no "
                          "effects_long_run)", file);
    if (!rc)
        rc = effects_rows(root, es, file, z, level == 95, coef, &nc, eff, &ne);
    int cols = ne ? 4 : 1;
    double w = (P->width - 2 * MARGIN - 40 - (cols - 1) * 34) / cols;
    int nmax = nc > ne ? nc : ne;
    double h = 12.0 * nmax + 10, top;
    char title[256];
    const char *model = json_string_value(json_object_get(root, "model"));
    snprintf(title, sizeof title, "%s%s%s%s%s (%g%% confidence intervals)", model ? model : "",
             model ? ": " : "", ne ? "coefficients and " : "coefficients", ne ? which : "",
             ne ? "effects" : "", level);
    const char *t = title_or(P, title);
    sp_canvas *c = NULL;
    if (!rc)
        rc = page_open(P, MARGIN + (t[0] ? TITLE_PT + 8 : 0) + 14 + h + 30 + MARGIN, t, &c, &top);
    static const char *const heads[] = {"Coefficients", "Direct", "Indirect", "Total"};
    for (int k = 0; !rc && k < cols; k++)
        effects_panel(c, k ? eff[k - 1] : coef, k ? ne : nc, MARGIN + 40 + k * (w + 34),
                      top + 14, w, k ? 12.0 * ne + 10 : 12.0 * nc + 10, heads[k], 1);
    json_decref(root);
    json_object_set_new(P->info, "level", json_real(level));
    json_object_set_new(P->info, "effects", json_string(!ne ? "none" : which[0] == 'l' ? "long_run"
                                                        : which[0] == 's' ? "short_run" : "static"));
    json_object_set_new(P->info, "coefficients", json_integer(nc));
    return c ? page_close(P, c, rc) : rc;
}

/* ---- markov: transition heat maps ---- */

/* Read a k x k matrix (list of lists of numbers). */
static int read_matrix(json_t *m, const char *file, const char *key, int *k, double *out)
{
    int n = (int)json_array_size(m);
    if (n < 1 || n > 20)
        return sp_error_set(SP_EDATA, "%s: '%s' is not a k x k matrix (1 <= k <= 20)", file, key);
    for (int i = 0; i < n; i++) {
        json_t *row = json_array_get(m, (size_t)i);
        if ((int)json_array_size(row) != n)
            return sp_error_set(SP_EDATA, "%s: '%s' row %d has %d entries, expected %d", file,
                                key, i + 1, (int)json_array_size(row), n);
        for (int j = 0; j < n; j++) {
            json_t *v = json_array_get(row, (size_t)j);
            if (!json_is_number(v))
                return sp_error_set(SP_EDATA, "%s: '%s'[%d][%d] is not a number", file, key,
                                    i + 1, j + 1);
            out[i * n + j] = json_number_value(v);
        }
    }
    *k = n;
    return SP_OK;
}

/* One heat map of p (k x k) with counts n (NULL when absent), classes
 * named by labels (markov's `labels`; NULL: 1..k). */
static void markov_panel(sp_canvas *c, const double *p, const double *n, int k, double x0,
                         double y0, double w, const char *title, json_t *labels)
{
    cairo_t *cr = sp_canvas_cairo(c);
    double cell = w / k;
    sp_canvas_style st = {fmin(7.0, 0.26 * cell), 0.5, 0.5, 0, 0, {0, 0, 0}};
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            double v = p[i * k + j];
            cairo_rectangle(cr, x0 + j * cell, y0 + i * cell, cell, cell);
            sp_canvas_set_rgb(c, sp_chart_blues(v));
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_set_line_width(cr, 0.6);
            cairo_stroke(cr);
            char buf[64];
            if (n)
                snprintf(buf, sizeof buf, "%.3f\n(%g)", v, n[i * k + j]);
            else
                snprintf(buf, sizeof buf, "%.3f", v);
            st.color = v > 0.55 ? (sp_canvas_rgb){1, 1, 1} : (sp_canvas_rgb){0, 0, 0};
            sp_canvas_text(c, x0 + (j + 0.5) * cell, y0 + (i + 0.5) * cell, buf, &st, NULL);
        }
    sp_canvas_style ls = {6.5, 0.5, 0.0, 0, 0, {0, 0, 0}};
    for (int i = 0; i < k; i++) {
        char buf[64];
        const char *name = json_string_value(json_array_get(labels, (size_t)i));
        if (name && (int)json_array_size(labels) == k)
            snprintf(buf, sizeof buf, "%s", name);
        else
            snprintf(buf, sizeof buf, "%d", i + 1);
        sp_canvas_text(c, x0 + (i + 0.5) * cell, y0 + w + 2, buf, &ls, NULL);
        ls.ax = 1.0, ls.ay = 0.5;
        sp_canvas_text(c, x0 - 3, y0 + (i + 0.5) * cell, buf, &ls, NULL);
        ls.ax = 0.5, ls.ay = 0.0;
    }
    sp_canvas_text(c, x0 + 0.5 * w, y0 + w + 11, "class in the next period", &ls, NULL);
    ls.angle = 90, ls.ay = 1.0;
    sp_canvas_text(c, x0 - 12, y0 + 0.5 * w, "class in the period", &ls, NULL);
    sp_canvas_style ts = {PANEL_PT, 0.5, 1.0, 1, 0, {0, 0, 0}};
    sp_canvas_text(c, x0 + 0.5 * w, y0 - 3, title, &ts, NULL);
}

/* The matrices to draw: the top level, then each lag class of `conditional`. */
static int markov_load(json_t *root, const char *file, int *np, int *k, double *p, double *n,
                       int *has_n, char (*titles)[64])
{
    json_t *cond = json_object_get(root, "conditional");
    int rc = SP_OK, kk;
    *np = 0;
    for (int q = -1; !rc && q < (int)json_array_size(cond) && *np < 16; q++) {
        json_t *o = q < 0 ? root : json_array_get(cond, (size_t)q);
        json_t *pm = json_object_get(o, "p"), *tm = json_object_get(o, "transitions");
        if (!pm)
            return sp_error_set(SP_EDATA, "%s: no '%s' matrix: expected the JSON of `spill markov "
                                "--json`", file, q < 0 ? "p" : "conditional[].p");
        double *pp = p + (size_t)*np * 400, *nn = n + (size_t)*np * 400;
        if ((rc = read_matrix(pm, file, "p", &kk, pp)))
            break;
        has_n[*np] = tm && !(rc = read_matrix(tm, file, "transitions", &kk, nn));
        if (*np > 0 && kk != *k)
            rc = sp_error_set(SP_EDATA, "%s: conditional matrices are %d x %d, the global one "
                              "%d x %d", file, kk, kk, *k, *k);
        *k = kk;
        json_t *lag = q < 0 ? NULL : json_object_get(o, "lag_class");
        if (q < 0)
            snprintf(titles[*np], 64, "all units");
        else if (json_is_integer(lag))
            snprintf(titles[*np], 64, "neighbours in class %d", (int)json_integer_value(lag));
        else
            snprintf(titles[*np], 64, "lag class %d", q + 1);
        (*np)++;
    }
    return rc;
}

static int plot_markov(plot_ctx *P, const char *file)
{
    json_error_t jerr;
    json_t *root = json_load_file(file, 0, &jerr);
    if (!root)
        return sp_error_set(SP_EDATA, "%s: line %d: not JSON (%s)", file, jerr.line, jerr.text);
    static double p[16 * 400], n[16 * 400];
    static char titles[16][64];
    int has_n[16], np = 0, k = 0;
    int rc = markov_load(root, file, &np, &k, p, n, has_n, titles);
    if (rc) {
        json_decref(root);
        return rc;
    }
    int cols = grid_cols(np), rows = (np + cols - 1) / cols;
    double x0, y0, w, top;
    panel_box(P, 0, cols, 0, 0, &x0, &y0, &w);
    w = fmin(w, 280.0);
    const char *t = title_or(P, "Markov transition probabilities");
    sp_canvas *c = NULL;
    rc = page_open(P, MARGIN + (t[0] ? TITLE_PT + 8 : 0) + rows * (w + 14 + GAP) + MARGIN, t, &c,
                   &top);
    for (int q = 0; !rc && q < np; q++) {
        panel_box(P, q, cols, top, w, &x0, &y0, &w);
        w = fmin(w, 280.0);
        markov_panel(c, p + (size_t)q * 400, has_n[q] ? n + (size_t)q * 400 : NULL, k, x0, y0, w,
                     titles[q], json_object_get(root, "labels"));
    }
    json_decref(root);
    json_object_set_new(P->info, "k", json_integer(k));
    json_object_set_new(P->info, "panels", json_integer(np));
    return page_close(P, c, rc);
}

/* ---- the kinds ---- */

typedef struct plot_kind {
    const char *option;                            /* --OPTION VALUE selects the kind */
    int (*run)(plot_ctx *P, const char *value);
} plot_kind;

static const plot_kind kinds[] = {
    {"moran", plot_moran},
    {"kde", plot_kde},
    {"effects", plot_effects},
    {"markov", plot_markov},
};
enum { NKINDS = sizeof kinds / sizeof kinds[0] };

int sp_cmd_plot(int argc, char **argv)
{
    sp_args a;
    int rc = sp_args_parse(argc, argv, spec, help, &a);
    if (rc)
        return rc;
    const plot_kind *kind = NULL;
    int found = 0;
    for (int k = 0; k < NKINDS; k++)
        if (sp_args_get(&a, kinds[k].option))
            kind = &kinds[k], found++;
    if (found != 1)
        return sp_error_set(SP_EUSAGE, "give one plot kind: --moran V, --kde V, --effects "
                            "FIT.json or --markov MARKOV.json (see --help)");
    if (strcmp(kind->option, "moran") && (sp_args_flag(&a, "strict") || sp_args_get(&a, "w-by")))
        return sp_error_set(SP_EUSAGE, "--%s goes with --moran (the only plot that takes --w)",
                            sp_args_flag(&a, "strict") ? "strict" : "w-by");
    plot_ctx P = {.a = &a, .output = sp_args_get(&a, "output"), .title = sp_args_get(&a, "title")};
    sp_canvas_format fmt;
    double width_in;
    if (!P.output)
        return sp_error_set(SP_EUSAGE, "-o OUT.png|svg|pdf is required (see --help)");
    if ((rc = sp_canvas_format_of(P.output, &fmt)) ||
        (rc = sp_args_double(&a, "dpi", SP_CANVAS_DPI, &P.dpi)) ||
        (rc = sp_args_double(&a, "width", 6.5, &width_in)))
        return rc;
    if (!(P.dpi >= 10 && P.dpi <= 2400))
        return sp_error_set(SP_EUSAGE, "--dpi must lie between 10 and 2400 (got %g)", P.dpi);
    if (!(width_in >= 2 && width_in <= 40))
        return sp_error_set(SP_EUSAGE, "--width must lie between 2 and 40 inches (got %g)",
                            width_in);
    P.width = 72.0 * width_in;
    sp_canvas_font_resolve("plot", sp_args_get(&a, "font"), P.font, sizeof P.font);
    P.info = json_pack("{s:s}", "kind", kind->option);
    double t0 = sp_clock_seconds();
    rc = kind->run(&P, sp_args_get(&a, kind->option));
    if (!rc && sp_args_flag(&a, "timing")) {
        static const char *const names[] = {"read and draw", "write"};
        const double secs[] = {P.t_drawn - t0, sp_clock_seconds() - P.t_drawn};
        sp_clock_phases("plot", names, secs, 2);
    }
    if (!rc && sp_args_flag(&a, "json"))
        return sp_json_print(P.info);
    json_decref(P.info);
    return rc;
}
