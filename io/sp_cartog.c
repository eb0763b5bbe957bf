/* sp_cartog: projected unit shapes and the map furniture (north arrow, scale
 * bar, legend, small-multiples grid) drawn on an sp_canvas. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_cartog.h"
#include "sp_error.h"
#include "sp_points.h"

void sp_cartog_free(sp_cartog *G)
{
    if (!G)
        return;
    free(G->ring0), free(G->pt0), free(G->x), free(G->y);
    free(G->cx), free(G->cy), free(G->ix), free(G->iy), free(G->crs);
    sp_crs_close(G->to_geo);
    free(G);
}

/* Growing vertex and ring arrays while the shapes are read. */
typedef struct shapes {
    sp_cartog *G;
    int cap_pts, cap_rings, npts;
} shapes;

static int add_ring(shapes *b, const GEOSGeometry *ring)
{
    GEOSContextHandle_t h = sp_geos();
    sp_cartog *G = b->G;
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned int np = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &np))
        return sp_error_set(SP_EDATA, "a ring cannot be read (%s)", sp_geos_last_error());
    if (b->npts + (int)np > b->cap_pts) {
        int cap = 2 * (b->npts + (int)np) + 1024;
        double *x = sp_realloc(G->x, (size_t)cap * sizeof *x);
        if (x)
            G->x = x;
        double *y = sp_realloc(G->y, (size_t)cap * sizeof *y);
        if (y)
            G->y = y;
        if (!x || !y)
            return SP_ENOMEM;
        b->cap_pts = cap;
    }
    if (G->nrings + 2 > b->cap_rings) {
        int cap = 2 * G->nrings + 256;
        int *p = sp_realloc(G->pt0, (size_t)cap * sizeof *p);
        if (!p)
            return SP_ENOMEM;
        G->pt0 = p, b->cap_rings = cap;
    }
    if (np && !GEOSCoordSeq_copyToArrays_r(h, cs, G->x + b->npts, G->y + b->npts, NULL, NULL))
        return sp_error_set(SP_EDATA, "a ring cannot be read (%s)", sp_geos_last_error());
    G->pt0[G->nrings++] = b->npts;
    b->npts += (int)np;
    G->pt0[G->nrings] = b->npts;
    return SP_OK;
}

/* The rings of a polygon, multipolygon or collection of them. */
static int add_shape(shapes *b, const GEOSGeometry *g, const char *path, const char *id)
{
    GEOSContextHandle_t h = sp_geos();
    int type = GEOSGeomTypeId_r(h, g), rc = SP_OK;
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(h, g))
            return SP_OK;
        if ((rc = add_ring(b, GEOSGetExteriorRing_r(h, g))))
            return rc;
        int nh = GEOSGetNumInteriorRings_r(h, g);
        for (int k = 0; k < nh && !rc; k++)
            rc = add_ring(b, GEOSGetInteriorRingN_r(h, g, k));
        return rc;
    }
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int np = GEOSGetNumGeometries_r(h, g);
        for (int k = 0; k < np && !rc; k++)
            rc = add_shape(b, GEOSGetGeometryN_r(h, g, k), path, id);
        return rc;
    }
    return sp_error_set(SP_EDATA, "%s: unit '%s' is not a polygon: maps draw polygon layers",
                        path, id);
}

/* Interior points (GEOS point on surface) in the layer's coordinates. */
static int interior_points(const sp_layer *L, double *x, double *y)
{
    GEOSContextHandle_t h = sp_geos();
    for (int i = 0; i < L->n; i++) {
        GEOSGeometry *p = GEOSPointOnSurface_r(h, L->geoms[i]);
        if (!p || GEOSGeomGetX_r(h, p, &x[i]) != 1 || GEOSGeomGetY_r(h, p, &y[i]) != 1) {
            if (p)
                GEOSGeom_destroy_r(h, p);
            return sp_error_set(SP_EDATA, "%s: unit '%s' has no interior point (%s)", L->path,
                                L->ids[i], sp_geos_last_error());
        }
        GEOSGeom_destroy_r(h, p);
    }
    return SP_OK;
}

/* Read the rings, centroids and interior points of every unit. */
static int read_shapes(const sp_layer *L, sp_cartog *G)
{
    shapes b = {G, 0, 0, 0};
    size_t n = (size_t)L->n + 1;
    G->ring0 = sp_malloc(n * sizeof *G->ring0);
    G->cx = sp_malloc(n * sizeof *G->cx), G->cy = sp_malloc(n * sizeof *G->cy);
    G->ix = sp_malloc(n * sizeof *G->ix), G->iy = sp_malloc(n * sizeof *G->iy);
    G->pt0 = sp_malloc(sizeof *G->pt0);
    if (!G->ring0 || !G->cx || !G->cy || !G->ix || !G->iy || !G->pt0)
        return SP_ENOMEM;
    G->pt0[0] = 0;
    int rc = SP_OK;
    for (int i = 0; i < L->n && !rc; i++) {
        G->ring0[i] = G->nrings;
        rc = add_shape(&b, L->geoms[i], L->path, L->ids[i]);
    }
    G->ring0[L->n] = G->nrings;
    if (!rc)
        rc = sp_points_centroids(L->geoms, L->n, (const char *const *)L->ids, G->cx, G->cy);
    if (!rc)
        rc = interior_points(L, G->ix, G->iy);
    return rc;
}

/* Leave out the vertices closer than tol (layer units, in x and in y) to
 * the last one kept, in place; rings keep their ends and at least 4 points. */
static void thin_rings(sp_cartog *G, double tol)
{
    int out = 0;
    for (int r = 0; r < G->nrings; r++) {
        int a = G->pt0[r], b = G->pt0[r + 1], start = out;
        for (int k = a; k < b; k++) {
            int last = out - 1;
            if (k > a && k < b - 1 && fabs(G->x[k] - G->x[last]) < tol &&
                fabs(G->y[k] - G->y[last]) < tol)
                continue;
            G->x[out] = G->x[k], G->y[out] = G->y[k], out++;
        }
        if (out - start < 4 && b - a >= 4) { /* collapsed: keep the ring whole */
            out = start;
            for (int k = a; k < b; k++)
                G->x[out] = G->x[k], G->y[out] = G->y[k], out++;
        }
        G->pt0[r] = start;
    }
    G->pt0[G->nrings] = out;
}

/* Choose the CRS drawn in and project every coordinate into it. */
static int project_all(const sp_layer *L, const char *crs, const char *cmd, sp_cartog *G)
{
    if (!L->has_crs) {
        if (crs)
            return sp_error_set(SP_EDATA, "%s: the layer has no CRS to transform from", L->path);
        fprintf(stderr, "spill %s: warning: %s has no CRS: drawn as it is\n", cmd, L->path);
        return SP_OK;
    }
    char albers[512];
    if (!crs && L->geographic)
        sp_crs_albers_for(G->cx, G->cy, L->n, albers, sizeof albers);
    free(G->crs);
    if (!(G->crs = sp_strdup(crs ? crs : L->geographic ? albers : L->crs_wkt)))
        return SP_ENOMEM; /* a WKT can be longer than any fixed buffer */
    int rc;
    if (!crs && !L->geographic) /* drawn in the layer's own projected CRS */
        return sp_crs_open(G->crs, "EPSG:4326", &G->to_geo);
    sp_crs *fwd;
    if ((rc = sp_crs_open(L->crs_wkt, G->crs, &fwd)))
        return rc;
    int npts = G->pt0[G->nrings];
    if (!(rc = sp_crs_forward(fwd, G->x, G->y, npts)) &&
        !(rc = sp_crs_forward(fwd, G->cx, G->cy, L->n)))
        rc = sp_crs_forward(fwd, G->ix, G->iy, L->n);
    sp_crs_close(fwd);
    if (!rc)
        rc = sp_crs_open(G->crs, "EPSG:4326", &G->to_geo);
    return rc;
}

int sp_cartog_project(const sp_layer *L, const char *crs, const char *cmd, double pixels,
                      sp_cartog **out)
{
    *out = NULL;
    sp_cartog *G = sp_calloc(1, sizeof *G);
    if (!G)
        return SP_ENOMEM;
    G->n = L->n;
    int rc = read_shapes(L, G);
    if (!rc && pixels > 0 && G->nrings > 0) {
        double e[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
        for (int k = 0; k < G->pt0[G->nrings]; k++) {
            e[0] = fmin(e[0], G->x[k]), e[2] = fmax(e[2], G->x[k]);
            e[1] = fmin(e[1], G->y[k]), e[3] = fmax(e[3], G->y[k]);
        }
        thin_rings(G, 0.2 * fmax(e[2] - e[0], e[3] - e[1]) / pixels);
    }
    if (!rc)
        rc = project_all(L, crs, cmd, G);
    if (rc) {
        sp_cartog_free(G);
        return rc;
    }
    int npts = G->pt0[G->nrings];
    G->ext[0] = G->ext[1] = INFINITY, G->ext[2] = G->ext[3] = -INFINITY;
    for (int k = 0; k < npts; k++) {
        G->ext[0] = fmin(G->ext[0], G->x[k]), G->ext[2] = fmax(G->ext[2], G->x[k]);
        G->ext[1] = fmin(G->ext[1], G->y[k]), G->ext[3] = fmax(G->ext[3], G->y[k]);
    }
    if (npts == 0) {
        sp_cartog_free(G);
        return sp_error_set(SP_EDATA, "%s: no polygon to draw", L->path);
    }
    *out = G;
    return SP_OK;
}

int sp_cartog_set_extent(sp_cartog *G, const sp_layer *L, const char *extent)
{
    double e[4];
    char tail;
    if (sscanf(extent, "%lf,%lf,%lf,%lf%c", &e[0], &e[1], &e[2], &e[3], &tail) != 4 ||
        !(e[0] < e[2]) || !(e[1] < e[3]))
        return sp_error_set(SP_EUSAGE, "--extent: expected XMIN,YMIN,XMAX,YMAX with XMIN < XMAX "
                            "and YMIN < YMAX (got '%s')", extent);
    enum { SIDE = 16 };
    double x[4 * SIDE], y[4 * SIDE];
    for (int k = 0; k < SIDE; k++) {
        double t = (double)k / SIDE;
        x[k] = e[0] + t * (e[2] - e[0]), y[k] = e[1];
        x[SIDE + k] = e[2], y[SIDE + k] = e[1] + t * (e[3] - e[1]);
        x[2 * SIDE + k] = e[2] - t * (e[2] - e[0]), y[2 * SIDE + k] = e[3];
        x[3 * SIDE + k] = e[0], y[3 * SIDE + k] = e[3] - t * (e[3] - e[1]);
    }
    if (G->crs) {
        sp_crs *fwd;
        int rc = sp_crs_open(L->crs_wkt, G->crs, &fwd);
        if (!rc)
            rc = sp_crs_forward(fwd, x, y, 4 * SIDE);
        sp_crs_close(fwd);
        if (rc)
            return sp_error_prefix(rc, "--extent %s", extent);
    }
    G->ext[0] = G->ext[1] = INFINITY, G->ext[2] = G->ext[3] = -INFINITY;
    for (int k = 0; k < 4 * SIDE; k++) {
        G->ext[0] = fmin(G->ext[0], x[k]), G->ext[2] = fmax(G->ext[2], x[k]);
        G->ext[1] = fmin(G->ext[1], y[k]), G->ext[3] = fmax(G->ext[3], y[k]);
    }
    return SP_OK;
}

void sp_cartog_fit(const sp_cartog *G, double x0, double y0, double w, double h,
                   sp_cartog_frame *f)
{
    sp_cartog_fit_box(G->ext, x0, y0, w, h, f);
}

void sp_cartog_fit_box(const double ext[4], double x0, double y0, double w, double h,
                       sp_cartog_frame *f)
{
    double W = ext[2] - ext[0], H = ext[3] - ext[1];
    f->x0 = x0, f->y0 = y0, f->w = w, f->h = h;
    f->s = fmin(w / (W > 0 ? W : 1.0), h / (H > 0 ? H : 1.0));
    f->ox = x0 + 0.5 * (w - f->s * W) - ext[0] * f->s;
    f->oy = y0 + 0.5 * (h - f->s * H) + ext[3] * f->s;
}

/* Unit i's rings as one path, vertices closer than `tol` points to the last
 * one kept left out (the first and last of each ring always kept). */
static void unit_path(cairo_t *cr, const sp_cartog *G, const sp_cartog_frame *f, int i,
                      double tol)
{
    for (int r = G->ring0[i]; r < G->ring0[i + 1]; r++) {
        int a = G->pt0[r], b = G->pt0[r + 1];
        if (b - a < 3)
            continue;
        double lx, ly;
        sp_cartog_page(f, G->x[a], G->y[a], &lx, &ly);
        cairo_move_to(cr, lx, ly);
        for (int k = a + 1; k < b; k++) {
            double px, py;
            sp_cartog_page(f, G->x[k], G->y[k], &px, &py);
            if (k < b - 1 && fabs(px - lx) < tol && fabs(py - ly) < tol)
                continue;
            cairo_line_to(cr, px, py);
            lx = px, ly = py;
        }
        cairo_close_path(cr);
    }
}

void sp_cartog_units(sp_canvas *c, const sp_cartog *G, const sp_cartog_frame *f,
                     const sp_canvas_rgb *fill, sp_canvas_rgb stroke, double line_width)
{
    cairo_t *cr = sp_canvas_cairo(c);
    /* half a pixel in a PNG; a twentieth of a point in vector formats */
    double tol = sp_canvas_fmt(c) == SP_CANVAS_PNG ? 0.5 / sp_canvas_scale(c) : 0.05;
    cairo_save(cr);
    cairo_rectangle(cr, f->x0, f->y0, f->w, f->h);
    cairo_clip(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_line_width(cr, line_width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL); /* round joins cost an arc per vertex */
    for (int i = 0; i < G->n; i++) {
        cairo_new_path(cr);
        unit_path(cr, G, f, i, tol);
        sp_canvas_set_rgb(c, fill[i]);
        cairo_fill_preserve(cr);
        sp_canvas_set_rgb(c, stroke);
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_FAST);
        cairo_stroke(cr);
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
    }
    cairo_restore(cr);
}

void sp_cartog_labels(sp_canvas *c, const sp_cartog *G, const sp_cartog_frame *f,
                      const char *const *labels, const sp_canvas_rgb *fill, double size)
{
    sp_canvas_style st = {size, 0.5, 0.5, 0, 0, {0.1, 0.1, 0.1}};
    cairo_t *cr = sp_canvas_cairo(c);
    cairo_save(cr);
    cairo_rectangle(cr, f->x0, f->y0, f->w, f->h);
    cairo_clip(cr);
    for (int i = 0; i < G->n; i++) {
        if (!labels[i] || !labels[i][0])
            continue;
        double px, py;
        sp_cartog_page(f, G->ix[i], G->iy[i], &px, &py);
        double lum = 0.2126 * fill[i].r + 0.7152 * fill[i].g + 0.0722 * fill[i].b;
        st.color = lum < 0.4 ? (sp_canvas_rgb){1, 1, 1} : (sp_canvas_rgb){0.1, 0.1, 0.1};
        if (px >= f->x0 && px <= f->x0 + f->w && py >= f->y0 && py <= f->y0 + f->h)
            sp_canvas_text(c, px, py, labels[i], &st, NULL);
    }
    cairo_restore(cr);
}

/* Direction of true north at the map centre: radians clockwise from page up. */
static double north_angle(const sp_cartog *G)
{
    if (!G->to_geo)
        return 0.0;
    double x = 0.5 * (G->ext[0] + G->ext[2]), y = 0.5 * (G->ext[1] + G->ext[3]);
    double d = 0.01 * (G->ext[3] - G->ext[1]);
    double lx[2] = {x, x}, ly[2] = {y, y + d};
    if (sp_crs_forward(G->to_geo, lx, ly, 2))
        return 0.0;
    /* the meridian through the centre: project (lon, lat + dlat) back */
    double mx[2] = {lx[0], lx[0]}, my[2] = {ly[0], ly[0] + 0.1};
    if (sp_crs_inverse(G->to_geo, mx, my, 2))
        return 0.0;
    return atan2(mx[1] - mx[0], my[1] - my[0]);
}

void sp_cartog_north(sp_canvas *c, const sp_cartog *G, const sp_cartog_frame *f, double x,
                     double y, double h)
{
    cairo_t *cr = sp_canvas_cairo(c);
    double a = north_angle(G), w = 0.32 * h;
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, a);
    cairo_set_line_width(cr, 0.5);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    /* left half black, right half white, both outlined */
    cairo_move_to(cr, 0, -h), cairo_line_to(cr, -w, 0), cairo_line_to(cr, 0, -0.28 * h);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_fill_preserve(cr), cairo_stroke(cr);
    cairo_move_to(cr, 0, -h), cairo_line_to(cr, w, 0), cairo_line_to(cr, 0, -0.28 * h);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_stroke(cr);
    sp_canvas_style st = {0.45 * h, 0.5, 1.0, 1, 0, {0, 0, 0}};
    sp_canvas_text(c, 0, -h - 0.05 * h, "N", &st, NULL);
    cairo_restore(cr);
}

/* The largest 1, 2 or 5 times a power of ten not above v. */
static double nice_floor(double v)
{
    double p = pow(10.0, floor(log10(v)));
    return v >= 5 * p ? 5 * p : v >= 2 * p ? 2 * p : p;
}

void sp_cartog_scalebar(sp_canvas *c, const sp_cartog_frame *f, double x, double y, double max_w)
{
    double km_per_pt = 1.0 / (f->s * 1000.0);
    double km = nice_floor(max_w * km_per_pt), len = km / km_per_pt, bh = 2.5;
    cairo_t *cr = sp_canvas_cairo(c);
    cairo_save(cr);
    cairo_set_line_width(cr, 0.5);
    for (int k = 0; k < 4; k++) {
        cairo_rectangle(cr, x + k * len / 4, y - bh, len / 4, bh);
        if (k % 2 == 0)
            cairo_set_source_rgb(cr, 0, 0, 0);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
    sp_canvas_style st = {6.0, 0.5, 0.0, 0, 0, {0, 0, 0}};
    char buf[64];
    sp_canvas_text(c, x, y + 1.0, "0", &st, NULL);
    snprintf(buf, sizeof buf, "%g km", km);
    st.ax = 0.25;
    sp_canvas_text(c, x + len, y + 1.0, buf, &st, NULL);
}

void sp_cartog_arrow(sp_canvas *c, double x0, double y0, double x1, double y1, double head)
{
    cairo_t *cr = sp_canvas_cairo(c);
    double a = atan2(y1 - y0, x1 - x0), L = hypot(x1 - x0, y1 - y0);
    double hl = fmin(head, 0.6 * L);
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1 - 0.8 * hl * cos(a), y1 - 0.8 * hl * sin(a));
    cairo_stroke(cr);
    cairo_move_to(cr, x1, y1);
    cairo_line_to(cr, x1 - hl * cos(a - 0.4), y1 - hl * sin(a - 0.4));
    cairo_line_to(cr, x1 - hl * cos(a + 0.4), y1 - hl * sin(a + 0.4));
    cairo_close_path(cr);
    cairo_fill(cr);
}

/* Legend metrics: swatch width and height, row height, gap. */
#define LEG_SW 1.6
#define LEG_SH 1.05
#define LEG_ROW 1.55
#define LEG_PAD 4.0

void sp_cartog_legend_size(sp_canvas *c, const char *title, const sp_cartog_item *items, int n,
                           double size, double *w, double *h)
{
    double tw = 0, th = 0, lw = 0;
    if (title && title[0])
        sp_canvas_text_size(c, title, size, 1, &tw, &th);
    for (int k = 0; k < n; k++) {
        double iw, ih;
        sp_canvas_text_size(c, items[k].label, size, 0, &iw, &ih);
        lw = fmax(lw, iw);
    }
    *w = 2 * LEG_PAD + fmax(tw, LEG_SW * size + 0.5 * size + lw);
    *h = 2 * LEG_PAD + (th > 0 ? th + 0.3 * size : 0) + n * LEG_ROW * size;
}

void sp_cartog_legend(sp_canvas *c, double x, double y, const char *title,
                      const sp_cartog_item *items, int n, double size, double box[4])
{
    double w, h;
    sp_cartog_legend_size(c, title, items, n, size, &w, &h);
    cairo_t *cr = sp_canvas_cairo(c);
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    cairo_set_line_width(cr, 0.4);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_stroke(cr);
    double cy = y + LEG_PAD;
    sp_canvas_style st = {size, 0, 0, 1, 0, {0, 0, 0}};
    if (title && title[0]) {
        double tb[4];
        sp_canvas_text(c, x + LEG_PAD, cy, title, &st, tb);
        cy = tb[3] + 0.3 * size;
    }
    st.bold = 0, st.ay = 0.5;
    for (int k = 0; k < n; k++) {
        double ry = cy + (k + 0.5) * LEG_ROW * size, sx = x + LEG_PAD;
        if (items[k].kind == SP_CARTOG_LINE) {
            sp_canvas_set_rgb(c, items[k].color);
            cairo_set_line_width(cr, 1.2);
            cairo_move_to(cr, sx, ry), cairo_line_to(cr, sx + LEG_SW * size, ry);
            cairo_stroke(cr);
            cairo_arc(cr, sx + 0.5 * LEG_SW * size, ry, 0.22 * size, 0, 2 * M_PI);
            cairo_fill(cr);
        } else {
            cairo_rectangle(cr, sx, ry - 0.5 * LEG_SH * size, LEG_SW * size, LEG_SH * size);
            sp_canvas_set_rgb(c, items[k].color);
            cairo_fill_preserve(cr);
            cairo_set_line_width(cr, 0.3);
            cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
            cairo_stroke(cr);
        }
        sp_canvas_text(c, sx + (LEG_SW + 0.5) * size, ry, items[k].label, &st, NULL);
    }
    cairo_restore(cr);
    if (box)
        box[0] = x, box[1] = y, box[2] = x + w, box[3] = y + h;
}

void sp_cartog_grid(int k, int *cols, int *rows)
{
    *cols = k <= 1 ? 1 : k <= 4 ? 2 : k <= 9 ? 3 : 4;
    *rows = (k + *cols - 1) / *cols;
}
