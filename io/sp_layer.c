/* sp_layer: a vector layer read with GDAL: unit ids, GEOS geometries, attributes; see
 * sp_layer.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <ogr_srs_api.h>

#include "sp_error.h"
#include "sp_gdal.h"
#include "sp_idmap.h"
#include "sp_layer.h"

void sp_layer_free(sp_layer *L)
{
    if (!L)
        return;
    for (int i = 0; i < L->n; i++) {
        if (L->ids)
            free(L->ids[i]);
        if (L->geoms && L->geoms[i])
            GEOSGeom_destroy_r(sp_geos(), L->geoms[i]);
    }
    free(L->ids);
    free(L->geoms);
    sp_table_free(L->attrs);
    free(L->crs_wkt);
    free(L->path);
    free(L);
}

static int layer_read_crs(sp_layer *L, OGRLayerH layer)
{
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    if (!srs)
        return SP_OK;
    L->has_crs = 1;
    L->geographic = OSRIsGeographic(srs) ? 1 : 0;
    char *wkt = NULL;
    if (OSRExportToWkt(srs, &wkt) == OGRERR_NONE && wkt)
        L->crs_wkt = sp_strdup(wkt);
    CPLFree(wkt);
    return SP_OK;
}

static int layer_read_ids(sp_layer *L, const char *id_field)
{
    L->ids = sp_calloc((size_t)L->n ? (size_t)L->n : 1, sizeof *L->ids);
    if (!L->ids)
        return SP_ENOMEM;
    int col = -1;
    if (id_field) {
        int rc = sp_table_require(L->attrs, id_field, &col);
        if (rc)
            return rc;
    }
    for (int i = 0; i < L->n; i++) {
        char num[32];
        const char *id = num;
        if (col < 0) {
            snprintf(num, sizeof num, "%d", i + 1);
        } else if (!(id = sp_table_cell(L->attrs, i, col))) {
            return sp_error_set(SP_EDATA, "%s: feature %d has no value in id field '%s'",
                                L->path, i + 1, id_field);
        }
        if (!(L->ids[i] = sp_strdup(id)))
            return SP_ENOMEM;
    }
    sp_idmap *map;
    int rc = sp_idmap_build((const char *const *)L->ids, L->n, L->path, &map);
    sp_idmap_free(map);
    return rc;
}

static int layer_ignore_attributes(OGRLayerH layer, const sp_table *attrs)
{
    const char **names = sp_calloc((size_t)attrs->ncol + 1, sizeof *names);
    if (!names)
        return SP_ENOMEM;
    for (int c = 0; c < attrs->ncol; c++)
        names[c] = attrs->names[c];
    OGR_L_SetIgnoredFields(layer, names);
    free(names);
    return SP_OK;
}

static int layer_read_geoms(sp_layer *L, OGRLayerH layer, int need)
{
    GEOSContextHandle_t ctx = sp_geos();
    L->geoms = sp_calloc((size_t)L->n ? (size_t)L->n : 1, sizeof *L->geoms);
    GEOSWKBReader *reader = GEOSWKBReader_create_r(ctx);
    unsigned char *wkb = NULL;
    size_t cap = 0;
    int rc = L->geoms && reader ? SP_OK : SP_ENOMEM;
    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    for (int i = 0; !rc && i < L->n && (f = OGR_L_GetNextFeature(layer)) != NULL; i++) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g && !OGR_G_IsEmpty(g)) {
            size_t size = (size_t)OGR_G_WkbSize(g);
            if (size > cap) {
                unsigned char *grown = sp_realloc(wkb, size);
                rc = grown ? SP_OK : SP_ENOMEM;
                wkb = grown ? grown : wkb;
                cap = grown ? size : cap;
            }
            if (!rc && OGR_G_ExportToWkb(g, wkbNDR, wkb) == OGRERR_NONE)
                L->geoms[i] = GEOSWKBReader_read_r(ctx, reader, wkb, size);
        }
        OGR_F_Destroy(f);
        if (!rc && need && !L->geoms[i])
            rc = sp_error_set(SP_EDATA, "%s: unit '%s' (feature %d) has an empty or NULL geometry",
                              L->path, L->ids[i], i + 1);
    }
    free(wkb);
    if (reader)
        GEOSWKBReader_destroy_r(ctx, reader);
    return rc;
}

int sp_layer_read(const char *path, const char *layer_name, const char *id_field,
                  int flags, sp_layer **out)
{
    *out = NULL;
    GDALDatasetH ds;
    OGRLayerH layer;
    int rc = sp_gdal_open_layer(path, layer_name, &ds, &layer);
    if (rc)
        return rc;
    sp_layer *L = sp_calloc(1, sizeof *L);
    if (!L || !(L->path = sp_strdup(path))) {
        free(L);
        GDALClose(ds);
        return SP_ENOMEM;
    }
    /* Two light passes: attributes without geometry, then geometry alone. */
    const char *no_geometry[] = {"OGR_GEOMETRY", NULL};
    OGR_L_SetIgnoredFields(layer, no_geometry);
    rc = sp_table_from_layer(layer, path, &L->attrs);
    if (!rc)
        rc = layer_ignore_attributes(layer, L->attrs);
    if (!rc) {
        L->n = L->attrs->nrow;
        if (L->n == 0)
            rc = sp_error_set(SP_EDATA, "%s: the layer has no features", path);
    }
    if (!rc)
        rc = layer_read_ids(L, id_field);
    if (!rc)
        rc = layer_read_geoms(L, layer, flags & SP_LAYER_NEED_GEOMETRY);
    if (!rc)
        rc = layer_read_crs(L, layer);
    GDALClose(ds);
    if (rc) {
        sp_layer_free(L);
        return rc;
    }
    *out = L;
    return SP_OK;
}

int sp_layer_numeric(const sp_layer *L, const char *field, double *out)
{
    return sp_table_numeric(L->attrs, field, (const char *const *)L->ids, out);
}
