/* sp_layer: a vector layer read with GDAL: unit ids, GEOS geometries,
 * attributes and CRS.
 *
 * A GeoPackage table is read through SQLite (sp_gpkg_db.h), with what GDAL's
 * driver gives; an invalid geometry blob is SP_EDATA naming the feature.
 *
 * Ownership: the layer owns everything it points to; sp_layer_free()
 * releases it (geometries through the sp_geos() context).
 * Errors follow sp_error.h: a missing id field, a missing or duplicate id, or
 * an empty or NULL geometry (when geometry is required) is SP_EDATA naming the
 * file and the feature. */
#ifndef SP_LAYER_H
#define SP_LAYER_H

#include "sp_geos.h"
#include "sp_table.h"

typedef struct sp_layer {
    char *path;
    int n;
    char **ids;             /* id field as text, or "1".."n" */
    GEOSGeometry **geoms;   /* n geometries (NULL entries only if not required);
                               NULL with SP_LAYER_VERTICES */
    double *xy;             /* SP_LAYER_VERTICES: every vertex, x and y interleaved */
    size_t *vstart;         /* unit i's vertices are vstart[i] <= k < vstart[i + 1] */
    sp_table *attrs;        /* attributes; row i is unit i */
    int has_crs;
    int geographic;         /* CRS in degrees of longitude/latitude */
    char *crs_wkt;          /* NULL without CRS */
} sp_layer;

/* Flags: NEED_GEOMETRY makes an empty or NULL geometry an error; VERTICES
 * keeps only the vertices of every ring, line and point (xy, vstart) instead
 * of GEOS geometries: what contiguity needs, at a fraction of the memory and
 * time. */
enum { SP_LAYER_NEED_GEOMETRY = 1, SP_LAYER_VERTICES = 2 };

int sp_layer_read(const char *path, const char *layer_name, const char *id_field,
                  int flags, sp_layer **out);
void sp_layer_free(sp_layer *L);

/* Numeric attribute as n finite doubles (see sp_table_numeric). */
int sp_layer_numeric(const sp_layer *L, const char *field, double *out);

#endif
