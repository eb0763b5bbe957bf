/* sp_layer: a vector layer read with GDAL: unit ids, GEOS geometries,
 * attributes and CRS.
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
    GEOSGeometry **geoms;   /* n geometries (NULL entries only if not required) */
    sp_table *attrs;        /* attributes; row i is unit i */
    int has_crs;
    int geographic;         /* CRS in degrees of longitude/latitude */
    char *crs_wkt;          /* NULL without CRS */
} sp_layer;

enum { SP_LAYER_NEED_GEOMETRY = 1 };

int sp_layer_read(const char *path, const char *layer_name, const char *id_field,
                  int flags, sp_layer **out);
void sp_layer_free(sp_layer *L);

/* Numeric attribute as n finite doubles (see sp_table_numeric). */
int sp_layer_numeric(const sp_layer *L, const char *field, double *out);

#endif
