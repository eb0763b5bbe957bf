/* sp_cartog: cartography on an sp_canvas: a layer's units projected (an
 * Albers equal-area conic fitted to the data, as `spill ellipse` computes in,
 * or a given CRS), fitted into a panel, filled, labelled, with a north arrow,
 * a scale bar in km, a legend and the grid of small multiples.
 *
 * Coordinates: "map" coordinates are the projection's metres; "page"
 * coordinates are points from the top-left corner of the canvas.  An
 * sp_cartog_frame maps one to the other for one panel (uniform scale, north
 * up in the projection's grid, the extent centred in the panel).
 *
 * Drawing leaves out vertices closer than half a pixel (PNG) or a twentieth
 * of a point (SVG, PDF) to the last one kept (nothing visible changes; a
 * 50,000-cell layer draws in a fraction of the time); outlines of PNGs are
 * drawn with cairo's fast antialiasing.  Units are filled with the even-odd
 * rule (holes stay holes) and each unit is one path, so an SVG holds one
 * evenodd path per unit and panel.
 *
 * Ownership: sp_cartog_project returns a new sp_cartog freed with
 * sp_cartog_free; the layer is not kept.  Errors follow sp_error.h. */
#ifndef SP_CARTOG_H
#define SP_CARTOG_H

#include "sp_canvas.h"
#include "sp_crs.h"
#include "sp_layer.h"

typedef struct sp_cartog {
    int n;             /* units, in the layer's order */
    int *ring0;        /* n + 1: unit i holds rings ring0[i] .. ring0[i + 1] - 1 */
    int *pt0;          /* nrings + 1: ring r holds points pt0[r] .. pt0[r + 1] - 1 */
    int nrings;
    double *x, *y;     /* projected vertices, metres */
    double *cx, *cy;   /* unit centroids (of the layer's coordinates), projected */
    double *ix, *iy;   /* interior points (GEOS point on surface), projected */
    double ext[4];     /* xmin, ymin, xmax, ymax shown (all units, or --extent) */
    char *crs;         /* the CRS drawn in (NULL when the layer has none) */
    sp_crs *to_geo;    /* map -> lon/lat, NULL without a CRS */
} sp_cartog;

/* Project the layer's geometries (polygons and multipolygons): into `crs`
 * when given, else an Albers conic fitted to the unit centroids when the layer
 * is geographic (sp_crs_albers_for, as ellipse), else the layer's own CRS.
 * A layer without a CRS is drawn as it is, with a warning naming `cmd`.
 * pixels > 0: the layer will be drawn at most that many pixels across, so
 * vertices closer than a fifth of a pixel to the last one kept are left out
 * before projecting (0: keep every vertex, e.g. before cropping to an extent). */
int sp_cartog_project(const sp_layer *L, const char *crs, const char *cmd, double pixels,
                      sp_cartog **out);
void sp_cartog_free(sp_cartog *G);

/* Crop to "XMIN,YMIN,XMAX,YMAX" given in the layer's CRS (lon/lat for a
 * geographic layer); SP_EUSAGE when malformed or empty. */
int sp_cartog_set_extent(sp_cartog *G, const sp_layer *L, const char *extent);

typedef struct sp_cartog_frame {
    double x0, y0, w, h;  /* the panel on the page, points */
    double s;             /* points per metre */
    double ox, oy;        /* page position of map (ext[0], ext[3]) */
} sp_cartog_frame;

/* The frame that fits G's extent into the panel (x0, y0, w, h). */
void sp_cartog_fit(const sp_cartog *G, double x0, double y0, double w, double h,
                   sp_cartog_frame *f);
/* The same for any box ext[4] = xmin, ymin, xmax, ymax of map coordinates. */
void sp_cartog_fit_box(const double ext[4], double x0, double y0, double w, double h,
                       sp_cartog_frame *f);
static inline void sp_cartog_page(const sp_cartog_frame *f, double x, double y, double *px,
                                  double *py)
{
    *px = f->ox + x * f->s;
    *py = f->oy - y * f->s;
}

/* Fill every unit with fill[i] (clipped to the panel) and outline it. */
void sp_cartog_units(sp_canvas *c, const sp_cartog *G, const sp_cartog_frame *f,
                     const sp_canvas_rgb *fill, sp_canvas_rgb stroke, double line_width);
/* Text at each unit's interior point (labels[i] NULL or "" for none), white
 * on dark fills (relative luminance below 0.4), near-black otherwise. */
void sp_cartog_labels(sp_canvas *c, const sp_cartog *G, const sp_cartog_frame *f,
                      const char *const *labels, const sp_canvas_rgb *fill, double size);
/* A north arrow of height h (points) whose foot is at (x, y), pointing to
 * true north at the centre of the map. */
void sp_cartog_north(sp_canvas *c, const sp_cartog *G, const sp_cartog_frame *f, double x,
                     double y, double h);
/* A scale bar in km, at most max_w points long, its left end at (x, y). */
void sp_cartog_scalebar(sp_canvas *c, const sp_cartog_frame *f, double x, double y,
                        double max_w);

/* A line from (x0, y0) to (x1, y1) with an arrowhead of length head at its end
 * (page coordinates, current source colour). */
void sp_cartog_arrow(sp_canvas *c, double x0, double y0, double x1, double y1, double head);

/* Legend entries: a filled box, or a line with a dot (kind SP_CARTOG_LINE). */
enum { SP_CARTOG_BOX = 0, SP_CARTOG_LINE = 1 };
typedef struct sp_cartog_item {
    sp_canvas_rgb color;
    const char *label;
    int kind;
} sp_cartog_item;

/* Size (w, h) of the legend sp_cartog_legend would draw. */
void sp_cartog_legend_size(sp_canvas *c, const char *title, const sp_cartog_item *items, int n,
                           double size, double *w, double *h);
/* The legend with its top-left corner at (x, y); box[4] gets its extent. */
void sp_cartog_legend(sp_canvas *c, double x, double y, const char *title,
                      const sp_cartog_item *items, int n, double size, double box[4]);

/* The grid of k small multiples: columns and rows (2 x 2 for four periods,
 * at most 4 columns). */
void sp_cartog_grid(int k, int *cols, int *rows);

#endif
