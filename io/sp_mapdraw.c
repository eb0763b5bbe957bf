/* sp_mapdraw: page layout and drawing of `spill map` figures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_chart.h"
#include "sp_cli.h"
#include "sp_error.h"
#include "sp_mapdraw.h"
#include "sp_output.h"

#define MARGIN 12.0
#define GAP 8.0
#define TITLE_PT 12.0
#define SUB_PT 9.0
#define LEGEND_PT 7.5

/* Where everything goes on the page, points. */
typedef struct layout {
    double W, H, title_h, sub_h, pw, ph, lw, lh, lx, ly;
    int cols, rows;
} layout;

/* The legend of panels[0..np-1]: the kind's classes (the optional ones only
 * when used; counts when one panel), "No data" when a unit lacks data; for
 * ellipse maps the periods. */
static int legend_items(const sp_mapjob *J, const int *panels, int np, sp_cartog_item *items,
                        char (*lab)[128])
{
    int n = 0;
    if (J->kind == SP_MAPJOB_ELLIPSE) {
        for (int g = 0; g < J->npanels && n < 16; g++, n++) {
            snprintf(lab[n], 128, "%s", J->panels[g].label[0] ? J->panels[g].label : J->var);
            items[n] = (sp_cartog_item){sp_chart_series(g), lab[n], SP_CARTOG_LINE};
        }
        return n;
    }
    int count[SP_MAPJOB_CLASSES + 1] = {0};
    for (int k = 0; k < np; k++)
        for (int i = 0; i < J->L->n; i++)
            count[J->panels[panels[k]].cls[i] + 1]++;
    for (int c = 0; c < J->nclass; c++) {
        if (J->optional[c] && count[c + 1] == 0)
            continue;
        if (np == 1)
            snprintf(lab[n], 128, "%s (%d)", J->class_label[c], count[c + 1]);
        else
            snprintf(lab[n], 128, "%s", J->class_label[c]);
        items[n] = (sp_cartog_item){J->color[c], lab[n], SP_CARTOG_BOX};
        n++;
    }
    if (count[0] > 0) {
        if (np == 1)
            snprintf(lab[n], 128, "No data (%d)", count[0]);
        else
            snprintf(lab[n], 128, "No data");
        items[n] = (sp_cartog_item){sp_canvas_hex(SP_MAPJOB_NODATA), lab[n], SP_CARTOG_BOX};
        n++;
    }
    return n;
}

static const char *title_of(const sp_mapjob *J) { return J->title ? J->title : J->title_buf; }

/* Panel grid, legend column and page height for np panels. */
static void compute_layout(sp_canvas *m, const sp_mapjob *J, int np, const char *ltitle,
                           const sp_cartog_item *items, int nitems, layout *Lo)
{
    memset(Lo, 0, sizeof *Lo);
    Lo->W = J->width_in * 72.0;
    double w, h;
    if (title_of(J)[0]) {
        sp_canvas_text_size(m, title_of(J), TITLE_PT, 1, &w, &h);
        Lo->title_h = h + 6;
    }
    sp_cartog_legend_size(m, ltitle, items, nitems, LEGEND_PT, &Lo->lw, &Lo->lh);
    sp_cartog_grid(np, &Lo->cols, &Lo->rows);
    Lo->sub_h = np > 1 || J->panels[0].label[0] ? SUB_PT + 4 : 0;
    if (J->kind == SP_MAPJOB_ELLIPSE)
        Lo->sub_h = 0;
    double aw = Lo->W - 2 * MARGIN - Lo->lw - GAP;
    Lo->pw = (aw - (Lo->cols - 1) * GAP) / Lo->cols;
    const double *e = J->G->ext;
    Lo->ph = Lo->pw * (e[3] - e[1]) / fmax(e[2] - e[0], 1e-12);
    double body = Lo->rows * (Lo->sub_h + Lo->ph) + (Lo->rows - 1) * GAP;
    Lo->H = MARGIN + Lo->title_h + fmax(body, Lo->lh) + MARGIN;
    Lo->lx = Lo->W - MARGIN - Lo->lw;
    Lo->ly = MARGIN + Lo->title_h + fmax(0.0, 0.5 * (body - Lo->lh));
}

/* Unit labels from --label, NULL when none. */
static const char **labels_of(const sp_mapjob *J)
{
    if (J->label_col < 0)
        return NULL;
    const char **lab = sp_malloc((size_t)J->L->n * sizeof *lab + 1);
    for (int i = 0; lab && i < J->L->n; i++)
        lab[i] = sp_table_cell(J->L->attrs, i, J->label_col);
    return lab;
}

/* Unit vector pointing away from centre g's neighbours on the path (where
 * its label goes), page coordinates. */
static void label_dir(const double *x, const double *y, int n, int g, double *ux, double *uy)
{
    double dx = 0, dy = 0;
    if (g > 0)
        dx += x[g] - x[g - 1], dy += y[g] - y[g - 1];
    if (g < n - 1)
        dx += x[g] - x[g + 1], dy += y[g] - y[g + 1];
    double len = hypot(dx, dy);
    if (len < 1e-9 && n > 1) { /* straight through: the normal */
        int a = g > 0 ? g - 1 : g, b = g > 0 ? g : g + 1;
        dx = -(y[b] - y[a]), dy = x[b] - x[a], len = hypot(dx, dy);
    }
    *ux = len > 1e-9 ? dx / len : 0.7071, *uy = len > 1e-9 ? dy / len : -0.7071;
}

/* The centres (dots in the period colours) and their path; with `pt` > 0
 * arrows and period labels of that size. */
static void centre_path(sp_canvas *c, const sp_mapjob *J, const sp_cartog_frame *f, double pt)
{
    cairo_t *cr = sp_canvas_cairo(c);
    int n = J->npanels < 64 ? J->npanels : 64;
    double x[64], y[64];
    for (int g = 0; g < n; g++)
        sp_cartog_page(f, J->panels[g].sde.cx, J->panels[g].sde.cy, &x[g], &y[g]);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, 0.6);
    for (int g = 1; g < n; g++) {
        if (pt > 0) {
            sp_cartog_arrow(c, x[g - 1], y[g - 1], x[g], y[g], 0.9 * pt);
        } else {
            cairo_move_to(cr, x[g - 1], y[g - 1]), cairo_line_to(cr, x[g], y[g]);
            cairo_stroke(cr);
        }
    }
    for (int g = 0; g < n; g++) {
        double r = pt > 0 ? 0.3 * pt : 1.4;
        cairo_arc(cr, x[g], y[g], r, 0, 2 * M_PI);
        sp_canvas_set_rgb(c, sp_chart_series(g));
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 0.3);
        cairo_stroke(cr);
        if (pt <= 0 || !J->panels[g].label[0])
            continue;
        double ux, uy;
        label_dir(x, y, n, g, &ux, &uy);
        sp_canvas_style st = {pt, 0.5 - 0.5 * ux, 0.5 - 0.5 * uy, 0, 0, {0.1, 0.1, 0.1}};
        sp_canvas_text(c, x[g] + 0.6 * pt * ux, y[g] + 0.6 * pt * uy, J->panels[g].label, &st,
                       NULL);
    }
}

/* Points of the ellipses' outlines (page coordinates) inside the square of
 * side w at (x0, y0): how much of them an inset there would hide. */
static int ellipse_points_in(const sp_mapjob *J, const sp_cartog_frame *f, double x0, double y0,
                             double w)
{
    int hidden = 0;
    for (int g = 0; g < J->npanels; g++)
        for (int k = 0; J->panels[g].has_sde && k < 180; k++) {
            double x, y;
            sp_sde_point(&J->panels[g].sde, 2 * M_PI * k / 180.0, &x, &y);
            sp_cartog_page(f, x, y, &x, &y);
            hidden += x >= x0 && x <= x0 + w && y >= y0 && y <= y0 + w;
        }
    return hidden;
}

/* Where the inset goes: the right-hand corner (lower first) that hides the
 * fewest points of the ellipses (the left-hand corners hold the north arrow
 * and the scale bar). */
static void inset_corner(const sp_mapjob *J, const sp_cartog_frame *f, double w, double *x0,
                         double *y0)
{
    double x = f->x0 + f->w - w - 4, lower = f->y0 + f->h - w - 4, upper = f->y0 + 4;
    *x0 = x;
    *y0 = ellipse_points_in(J, f, x, upper, w) < ellipse_points_in(J, f, x, lower, w) ? upper
                                                                                     : lower;
}

/* An inset in a corner of the panel (inset_corner) zooming on the centres' path. */
static void centre_inset(sp_canvas *c, const sp_mapjob *J, const sp_cartog_frame *f,
                         const sp_canvas_rgb *fill)
{
    double e[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (int g = 0; g < J->npanels; g++) {
        e[0] = fmin(e[0], J->panels[g].sde.cx), e[2] = fmax(e[2], J->panels[g].sde.cx);
        e[1] = fmin(e[1], J->panels[g].sde.cy), e[3] = fmax(e[3], J->panels[g].sde.cy);
    }
    double span = fmax(fmax(e[2] - e[0], e[3] - e[1]) * 1.5, 50e3);
    double mx = 0.5 * (e[0] + e[2]), my = 0.5 * (e[1] + e[3]);
    double box[4] = {mx - span / 2, my - span / 2, mx + span / 2, my + span / 2};
    double w = 0.3 * f->w, x0, y0;
    inset_corner(J, f, w, &x0, &y0);
    cairo_t *cr = sp_canvas_cairo(c);
    sp_cartog_frame fi;
    sp_cartog_fit_box(box, x0, y0, w, w, &fi);
    cairo_rectangle(cr, x0, y0, w, w);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill(cr);
    sp_cartog_units(c, J->G, &fi, fill, sp_canvas_hex("#BDBDBD"), 0.3);
    centre_path(c, J, &fi, 6.0);
    sp_canvas_style st = {6.0, 0.0, 0.0, 1, 0, {0.2, 0.2, 0.2}};
    sp_canvas_text(c, x0 + 3, y0 + 2, "Mean centre", &st, NULL);
    sp_cartog_scalebar(c, &fi, x0 + 4, y0 + w - 11, 0.4 * w);
    cairo_rectangle(cr, x0, y0, w, w);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
}

/* Every period's ellipse and centre, the path, and the inset. */
static void draw_ellipses(sp_canvas *c, const sp_mapjob *J, const sp_cartog_frame *f,
                          const sp_canvas_rgb *fill)
{
    cairo_t *cr = sp_canvas_cairo(c);
    cairo_save(cr);
    cairo_rectangle(cr, f->x0, f->y0, f->w, f->h);
    cairo_clip(cr);
    for (int g = 0; g < J->npanels; g++) {
        if (!J->panels[g].has_sde)
            continue;
        for (int k = 0; k <= 180; k++) {
            double x, y;
            sp_sde_point(&J->panels[g].sde, 2 * M_PI * k / 180.0, &x, &y);
            sp_cartog_page(f, x, y, &x, &y);
            k ? cairo_line_to(cr, x, y) : cairo_move_to(cr, x, y);
        }
        cairo_close_path(cr);
        sp_canvas_set_rgb(c, sp_chart_series(g));
        cairo_set_line_width(cr, 1.1);
        cairo_stroke(cr);
    }
    centre_path(c, J, f, J->npanels > 1 ? 0.0 : 6.0);
    cairo_restore(cr);
    if (J->npanels > 1)
        centre_inset(c, J, f, fill);
}

/* One panel: units, labels, overlays, north arrow, scale bar, subtitle. */
static void draw_panel(sp_canvas *c, const sp_mapjob *J, int g, const sp_cartog_frame *f,
                       sp_canvas_rgb *fill, const char **labels, double sub_h)
{
    const sp_mapjob_panel *p = &J->panels[g];
    for (int i = 0; i < J->L->n; i++)
        fill[i] = sp_mapjob_fill(J, p, i);
    double lw = J->L->n > 5000 ? 0.05 : J->L->n > 500 ? 0.15 : 0.35;
    sp_canvas_rgb edge = sp_canvas_hex(J->kind == SP_MAPJOB_ELLIPSE ? "#9E9E9E" : "#5A5A5A");
    sp_cartog_units(c, J->G, f, fill, edge, lw);
    if (labels)
        sp_cartog_labels(c, J->G, f, labels, fill,
                         fmax(2.0, fmin(6.0, 12.0 / sqrt(J->L->n)) * fmin(1.0, f->w / 300.0) * 2.2));
    if (J->kind == SP_MAPJOB_ELLIPSE)
        draw_ellipses(c, J, f, fill);
    double d = fmin(f->w, f->h);
    double nh = fmax(10.0, fmin(24.0, 0.12 * d));
    sp_cartog_north(c, J->G, f, f->x0 + 0.04 * d + 0.35 * nh, f->y0 + 0.04 * d + 1.45 * nh, nh);
    sp_cartog_scalebar(c, f, f->x0 + 4, f->y0 + f->h - 12, 0.25 * f->w);
    cairo_t *cr = sp_canvas_cairo(c);
    cairo_rectangle(cr, f->x0, f->y0, f->w, f->h);
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
    cairo_set_line_width(cr, 0.4);
    cairo_stroke(cr);
    if (sub_h > 0) {
        sp_canvas_style st = {SUB_PT, 0.5, 1.0, 1, 0, {0, 0, 0}};
        sp_canvas_text(c, f->x0 + 0.5 * f->w, f->y0 - 2, p->label, &st, NULL);
    }
}

/* The --debug-points file: pixel positions of the interior points. */
static int write_debug(const sp_mapjob *J, const char *path, sp_canvas *c, const layout *Lo,
                       const int *panels, const sp_cartog_frame *fr, int np, const double *lbox)
{
    double s = sp_canvas_scale(c);
    json_t *root = json_object(), *arr = json_array();
    json_object_set_new(root, "width", json_integer((json_int_t)ceil(Lo->W * s - 1e-9)));
    json_object_set_new(root, "height", json_integer((json_int_t)ceil(Lo->H * s - 1e-9)));
    json_object_set_new(root, "legend", json_pack("[f,f,f,f]", lbox[0] * s, lbox[1] * s,
                                                  lbox[2] * s, lbox[3] * s));
    for (int k = 0; k < np; k++) {
        const sp_mapjob_panel *p = &J->panels[panels[k]];
        json_t *units = json_array();
        for (int i = 0; i < J->L->n; i++) {
            double x, y;
            sp_cartog_page(&fr[k], J->G->ix[i], J->G->iy[i], &x, &y);
            char hex[8];
            sp_canvas_hexstr(sp_mapjob_fill(J, p, i), hex);
            json_array_append_new(units, json_pack("{s:s, s:f, s:f, s:i, s:s}", "id",
                                                   J->L->ids[i], "x", x * s, "y", y * s,
                                                   "class", p->cls[i], "color", hex));
        }
        json_array_append_new(arr, json_pack("{s:s, s:o}", "by", p->label, "units", units));
    }
    json_object_set_new(root, "panels", arr);
    sp_output o;
    int rc = sp_output_begin(path, &o);
    if (!rc && json_dump_file(root, o.tmp_path, JSON_INDENT(1)) != 0)
        rc = sp_error_set(SP_EDATA, "%s: cannot write", path);
    json_decref(root);
    if (rc && o.tmp_dir)
        sp_output_abort(&o);
    return rc ? rc : sp_output_commit(&o);
}

/* Draw panels[0..np-1] into one figure at path (and its debug points). */
static int draw_file(sp_mapjob *J, const char *path, const char *debug, const int *panels,
                     int np)
{
    sp_cartog_item items[SP_MAPJOB_CLASSES + 17];
    char lab[SP_MAPJOB_CLASSES + 17][128];
    sp_canvas *m = NULL, *c = NULL;
    int rc = sp_canvas_open(NULL, 1, 1, 72, J->font, &m);
    if (rc)
        return rc;
    int nitems = legend_items(J, panels, np, items, lab);
    layout Lo;
    compute_layout(m, J, np, J->legend_title, items, nitems, &Lo);
    sp_canvas_close(m, SP_OK);
    sp_canvas_rgb *fill = sp_malloc((size_t)J->L->n * sizeof *fill + 1);
    const char **labels = labels_of(J);
    sp_cartog_frame fr[64];
    if (!fill || (J->label_col >= 0 && !labels))
        rc = SP_ENOMEM;
    if (!rc)
        rc = sp_canvas_open(path, Lo.W, Lo.H, J->dpi, J->font, &c);
    if (!rc && title_of(J)[0]) {
        sp_canvas_style st = {TITLE_PT, 0.5, 0.0, 1, 0, {0, 0, 0}};
        sp_canvas_text(c, 0.5 * Lo.W, MARGIN - 2, title_of(J), &st, NULL);
    }
    for (int k = 0; !rc && k < np && k < 64; k++) {
        int row = k / Lo.cols, col = k % Lo.cols;
        double x0 = MARGIN + col * (Lo.pw + GAP);
        double y0 = MARGIN + Lo.title_h + row * (Lo.sub_h + Lo.ph + GAP) + Lo.sub_h;
        double pad = 0.04 * fmin(Lo.pw, Lo.ph);
        sp_cartog_fit(J->G, x0 + pad, y0 + pad, Lo.pw - 2 * pad, Lo.ph - 2 * pad, &fr[k]);
        fr[k].x0 = x0, fr[k].y0 = y0, fr[k].w = Lo.pw, fr[k].h = Lo.ph; /* clip: the panel */
        draw_panel(c, J, panels[k], &fr[k], fill, labels, Lo.sub_h);
    }
    double lbox[4] = {0};
    if (!rc)
        sp_cartog_legend(c, Lo.lx, Lo.ly, J->legend_title, items, nitems, LEGEND_PT, lbox);
    if (!rc && sp_canvas_missing_glyphs(c))
        fprintf(stderr, "spill map: warning: %s: %d character(s) have no glyph in the installed "
                "fonts (drawn as boxes); install fonts-noto-cjk or pick --font\n", path,
                sp_canvas_missing_glyphs(c));
    if (!rc && debug)
        rc = write_debug(J, debug, c, &Lo, panels, fr, np < 64 ? np : 64, lbox);
    rc = sp_canvas_close(c, rc);
    free(fill), free(labels);
    return rc;
}

/* path with "_LABEL" before its extension, into buf. */
static void suffixed(const char *path, const char *label, char *buf, size_t size)
{
    const char *dot = strrchr(path, '.');
    int stem = dot ? (int)(dot - path) : (int)strlen(path);
    snprintf(buf, size, "%.*s_%s%s", stem, path, label, dot ? dot : "");
}

static int record(sp_mapjob *J, const char *path)
{
    char **f = sp_realloc(J->files, (size_t)(J->nfiles + 1) * sizeof *f);
    if (!f)
        return SP_ENOMEM;
    J->files = f;
    return (J->files[J->nfiles] = sp_strdup(path)) ? (J->nfiles++, SP_OK) : SP_ENOMEM;
}

int sp_mapdraw_all(sp_mapjob *J)
{
    int rc = SP_OK;
    if (J->each) {
        for (int g = 0; !rc && g < J->npanels; g++) {
            char path[4096], debug[4096];
            suffixed(J->output, J->panels[g].label, path, sizeof path);
            if (J->debug)
                suffixed(J->debug, J->panels[g].label, debug, sizeof debug);
            if (!(rc = draw_file(J, path, J->debug ? debug : NULL, &g, 1)))
                rc = record(J, path);
        }
        return rc;
    }
    int np = J->kind == SP_MAPJOB_ELLIPSE ? 1 : J->npanels;
    if (np > 64)
        return sp_error_set(SP_EUSAGE, "%d periods are too many panels for one figure (at most "
                            "64): use --each", np);
    int *panels = sp_malloc((size_t)np * sizeof *panels);
    if (!panels)
        return SP_ENOMEM;
    for (int k = 0; k < np; k++)
        panels[k] = k;
    rc = draw_file(J, J->output, J->debug, panels, np);
    free(panels);
    return rc ? rc : record(J, J->output);
}

json_t *sp_mapdraw_json(const sp_mapjob *J)
{
    static const char *const kinds[] = {"lisa", "hotspot", "choropleth", "ellipse"};
    json_t *files = json_array(), *classes = json_array();
    for (int k = 0; k < J->nfiles; k++)
        json_array_append_new(files, json_string(J->files[k]));
    for (int c = 0; c < J->nclass && J->kind != SP_MAPJOB_ELLIPSE; c++) {
        char hex[8];
        sp_canvas_hexstr(J->color[c], hex);
        json_array_append_new(classes, json_pack("{s:s, s:s, s:i}", "label", J->class_label[c],
                                                 "color", hex, "count", J->count[c]));
    }
    return json_pack("{s:s, s:s, s:s, s:i, s:o, s:o, s:i}", "kind", kinds[J->kind], "var",
                     J->var, "crs", J->G->crs ? J->G->crs : "", "panels", J->npanels, "files",
                     files, "classes", classes, "no_data", J->nodata);
}
