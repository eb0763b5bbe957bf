/* sp_plugin: the functions the spill binary calls in its three plugins.
 *
 * libspill-gdal.so holds the code that calls GDAL, GEOS or PROJ (the
 * PLUGIN_GDAL_SRC files of the Makefile: sp_gdal, sp_layer, sp_layer_write,
 * sp_shapes, sp_cartog, sp_shard, sp_geos, sp_contig, sp_points, sp_crs, sp_geod,
 * sp_layer_csv, sp_gpkg_rtree, sp_gpkg_db; GeoPackage rows through libsqlite3);
 * libspill-sparse.so the sparse factorisations (sp_pops_sparse: CHOLMOD,
 * UMFPACK and their BLAS/LAPACK); libspill-draw.so the figures (sp_canvas,
 * sp_chart, sp_mapdraw, cmd_plot: cairo, pango, fontconfig, libpng).  The
 * binary dlopen()s a plugin the first time it calls one of its functions:
 * commands that read only CSV tables and weights files never load GDAL's
 * ~150 libraries, only fits load SuiteSparse and only figures cairo.  A
 * plugin calling another's function goes through the binary's wrapper too.  The unit tests link the same code statically
 * (libspill.a) and do not use this file.
 *
 * Each plugin's list names the functions that cross, as X(return type, name,
 * (parameters), (arguments)), or V(name, (parameters), (arguments)) when it
 * returns void; io/sp_plugin.c defines, for each, a wrapper of the same name
 * that loads the plugin once, with every symbol resolved (dlsym), and calls
 * it.  The RELEASES lists hold functions that only release what the plugin
 * made: their wrappers do nothing while the plugin is not loaded.  A function
 * of a plugin's files called from outside them must join its plugin's list
 * (the link of build/spill fails on an undefined symbol otherwise).  The
 * plugins call spill's own functions in the binary (linked -rdynamic).
 *
 * Where the plugins are: in $SPILL_PLUGIN_DIR when set; else next to the
 * binary (the build tree), else in DIR/../lib/spill of the binary's DIR
 * (`make install`).  When one cannot be loaded, the wrapper prints "spill:
 * cannot load the plugin PATH (needed for ...): REASON" and exits with
 * status 2 (a data/environment error of the contract), never a crash. */
#ifndef SP_PLUGIN_H
#define SP_PLUGIN_H

#include <jansson.h>

#include "sp_canvas.h"
#include "sp_cartog.h"
#include "sp_cli.h"
#include "sp_contig.h"
#include "sp_crs.h"
#include "sp_gdal.h"
#include "sp_geod.h"
#include "sp_geos.h"
#include "sp_layer.h"
#include "sp_layer_write.h"
#include "sp_mapdraw.h"
#include "sp_points.h"
#include "sp_pops_sparse.h"
#include "sp_shapes.h"
#include "sp_shard.h"

#define SP_PLUGIN_GDAL_CALLS(X, V)                                                              \
    X(int, sp_gdal_read_table, (const char *path, const char *layer, sp_table **out),           \
      (path, layer, out))                                                                       \
    X(int, sp_gdal_read_file, (const char *path, char **data, size_t *size),                    \
      (path, data, size))                                                                       \
    X(const char *, sp_gdal_driver_for, (const char *path), (path))                             \
    X(int, sp_layer_read,                                                                       \
      (const char *path, const char *layer, const char *id, int flags, sp_layer **out),         \
      (path, layer, id, flags, out))                                                            \
    X(int, sp_layer_numeric, (const sp_layer *L, const char *field, double *out),               \
      (L, field, out))                                                                          \
    X(int, sp_layer_write_many,                                                                 \
      (const char *src, const char *src_layer, const char *out, const sp_layer_part *parts,     \
       int nparts),                                                                             \
      (src, src_layer, out, parts, nparts))                                                     \
    X(int, sp_layer_write_multi, (const char *out_path), (out_path))                            \
    X(int, sp_shapes_write, (const char *path, const sp_shapes *s), (path, s))                  \
    X(int, sp_shard_parse, (const char *s, const char *option, int *shard, int *count),         \
      (s, option, shard, count))                                                                \
    V(sp_shard_range, (int n, int shard, int count, int *lo, int *hi), (n, shard, count, lo, hi)) \
    V(sp_shard_fingerprint, (int argc, char **argv, char hex[65]), (argc, argv, hex))           \
    X(int, sp_shard_record_write, (const char *out_path, const sp_shard_record *r), (out_path, r)) \
    X(int, sp_shard_merge, (const char *out_path, const char *const *files, int n),             \
      (out_path, files, n))                                                                     \
    X(int, sp_contig_build,                                                                     \
      (GEOSGeometry *const *geoms, int n, sp_contig_rule rule, double snap, sp_csr **out),      \
      (geoms, n, rule, snap, out))                                                              \
    X(int, sp_contig_build_xy,                                                                  \
      (const double *xy, const size_t *start, int n, sp_contig_rule rule, double snap,          \
       sp_csr **out),                                                                           \
      (xy, start, n, rule, snap, out))                                                          \
    X(int, sp_contig_build_xy_threads,                                                          \
      (const double *xy, const size_t *start, int n, sp_contig_rule rule, double snap,          \
       int threads, sp_csr **out),                                                              \
      (xy, start, n, rule, snap, threads, out))                                                 \
    X(double, sp_contig_default_snap, (int has_crs, int geographic), (has_crs, geographic))     \
    X(int, sp_points_centroids,                                                                 \
      (GEOSGeometry *const *geoms, int n, const char *const *ids, double *x, double *y),        \
      (geoms, n, ids, x, y))                                                                    \
    X(double, sp_geod_km, (double lon1, double lat1, double lon2, double lat2),                 \
      (lon1, lat1, lon2, lat2))                                                                 \
    X(int, sp_crs_open, (const char *src, const char *dst, sp_crs **out), (src, dst, out))      \
    X(int, sp_crs_forward, (sp_crs *p, double *x, double *y, int n), (p, x, y, n))              \
    V(sp_crs_albers_for,                                                                        \
      (const double *lon, const double *lat, int n, char *buf, size_t size),                    \
      (lon, lat, n, buf, size))                                                                 \
    X(int, sp_cartog_project,                                                                   \
      (const sp_layer *L, const char *crs, const char *cmd, double pixels, sp_cartog **out),    \
      (L, crs, cmd, pixels, out))                                                               \
    X(int, sp_cartog_set_extent, (sp_cartog *G, const sp_layer *L, const char *extent),         \
      (G, L, extent))                                                                           \
    V(sp_cartog_fit,                                                                            \
      (const sp_cartog *G, double x0, double y0, double w, double h, sp_cartog_frame *f),       \
      (G, x0, y0, w, h, f))                                                                     \
    V(sp_cartog_fit_box,                                                                        \
      (const double ext[4], double x0, double y0, double w, double h, sp_cartog_frame *f),      \
      (ext, x0, y0, w, h, f))                                                                   \
    V(sp_cartog_units,                                                                          \
      (sp_canvas *c, const sp_cartog *G, const sp_cartog_frame *f, const sp_canvas_rgb *fill,   \
       sp_canvas_rgb stroke, double line_width),                                                \
      (c, G, f, fill, stroke, line_width))                                                      \
    V(sp_cartog_labels,                                                                         \
      (sp_canvas *c, const sp_cartog *G, const sp_cartog_frame *f, const char *const *labels,   \
       const sp_canvas_rgb *fill, double size),                                                 \
      (c, G, f, labels, fill, size))                                                            \
    V(sp_cartog_north,                                                                          \
      (sp_canvas *c, const sp_cartog *G, const sp_cartog_frame *f, double x, double y,          \
       double h),                                                                               \
      (c, G, f, x, y, h))                                                                       \
    V(sp_cartog_scalebar,                                                                       \
      (sp_canvas *c, const sp_cartog_frame *f, double x, double y, double max_w),               \
      (c, f, x, y, max_w))                                                                      \
    V(sp_cartog_arrow,                                                                          \
      (sp_canvas *c, double x0, double y0, double x1, double y1, double head),                  \
      (c, x0, y0, x1, y1, head))                                                                \
    V(sp_cartog_legend_size,                                                                    \
      (sp_canvas *c, const char *title, const sp_cartog_item *items, int n, double size,        \
       double *w, double *h),                                                                   \
      (c, title, items, n, size, w, h))                                                         \
    V(sp_cartog_legend,                                                                         \
      (sp_canvas *c, double x, double y, const char *title, const sp_cartog_item *items,        \
       int n, double size, double box[4]),                                                      \
      (c, x, y, title, items, n, size, box))                                                    \
    V(sp_cartog_grid, (int k, int *cols, int *rows), (k, cols, rows))

#define SP_PLUGIN_GDAL_RELEASES(V)                                                              \
    V(sp_geos_finish, (void), ())                                                               \
    V(sp_layer_free, (sp_layer *L), (L))                                                        \
    V(sp_crs_close, (sp_crs *p), (p))                                                           \
    V(sp_cartog_free, (sp_cartog *G), (G))

#define SP_PLUGIN_SPARSE_CALLS(X, V)                                                            \
    X(const char *, sp_pops_sparse_lndet_name, (const sp_pops *ops), (ops))                     \
    X(double, sp_pops_sparse_lndet_bound, (const sp_pops *ops, double rho), (ops, rho))         \
    V(sp_pops_sparse_opts_default, (sp_pops_sparse_opts *o), (o))                               \
    X(int, sp_pops_sparse_new, (const sp_csr *W, const sp_pops_sparse_opts *o, sp_pops *ops),   \
      (W, o, ops))                                                                              \
    X(const char *, sp_pops_sparse_method, (const sp_pops *ops), (ops))                         \
    X(int, sp_pops_sparse_symmetrizer, (const sp_csr *W, double *d), (W, d))                  \
    X(int, sp_pops_sparse_eigen_symm, (int n, double *a, double *ev), (n, a, ev))          \
    X(int, sp_pops_sparse_tridiag_symm, (int n, double *a, double *d, double *e), (n, a, d, e))

#define SP_PLUGIN_SPARSE_RELEASES(V) V(sp_pops_sparse_free, (sp_pops *ops), (ops))

#define SP_PLUGIN_DRAW_CALLS(X, V)                                                              \
    X(int, sp_cmd_plot, (int argc, char **argv), (argc, argv))                                  \
    X(const sp_optspec *, sp_cmd_plot_opts, (void), ())                                         \
    X(int, sp_canvas_format_of, (const char *path, sp_canvas_format *fmt), (path, fmt))         \
    V(sp_canvas_font_resolve, (const char *cmd, const char *font, char *used, size_t size),     \
      (cmd, font, used, size))                                                                  \
    X(cairo_t *, sp_canvas_cairo, (sp_canvas *c), (c))                                          \
    X(sp_canvas_format, sp_canvas_fmt, (const sp_canvas *c), (c))                               \
    X(double, sp_canvas_scale, (const sp_canvas *c), (c))                                       \
    V(sp_canvas_set_rgb, (sp_canvas *c, sp_canvas_rgb col), (c, col))                           \
    X(sp_canvas_rgb, sp_canvas_hex, (const char *hex), (hex))                                   \
    X(sp_canvas_rgb, sp_canvas_ramp, (const char *const *hex, int n, double t), (hex, n, t))    \
    V(sp_canvas_text,                                                                           \
      (sp_canvas *c, double x, double y, const char *text, const sp_canvas_style *st,           \
       double box[4]),                                                                          \
      (c, x, y, text, st, box))                                                                 \
    V(sp_canvas_text_size,                                                                      \
      (sp_canvas *c, const char *text, double size, int bold, double *w, double *h),            \
      (c, text, size, bold, w, h))                                                              \
    X(int, sp_mapdraw_all, (sp_mapjob *J), (J))                                                 \
    X(json_t *, sp_mapdraw_json, (const sp_mapjob *J), (J))

#define SP_PLUGIN_DRAW_RELEASES(V)

#endif
