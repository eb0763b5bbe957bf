/* sp_layer: a vector layer read with GDAL: unit ids, GEOS geometries, attributes; see
 * sp_layer.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <ogr_srs_api.h>

#include "sp_error.h"
#include "sp_gdal.h"
#include "sp_gpkg.h"
#include "sp_gpkg_db.h"
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
    free(L->xy);
    free(L->vstart);
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

/* g as a GEOS geometry (NULL when empty) through its WKB; wkb/cap: a buffer
 * kept between calls. */
static int geos_from_ogr(GEOSWKBReader *reader, OGRGeometryH g, unsigned char **wkb, size_t *cap,
                         GEOSGeometry **out)
{
    *out = NULL;
    if (!g || OGR_G_IsEmpty(g))
        return SP_OK;
    size_t size = (size_t)OGR_G_WkbSize(g);
    if (size > *cap) {
        unsigned char *grown = sp_realloc(*wkb, size);
        if (!grown)
            return SP_ENOMEM;
        *wkb = grown, *cap = size;
    }
    if (OGR_G_ExportToWkb(g, wkbNDR, *wkb) == OGRERR_NONE)
        *out = GEOSWKBReader_read_r(sp_geos(), reader, *wkb, size);
    return SP_OK;
}

static int empty_error(const sp_layer *L, int i)
{
    return sp_error_set(SP_EDATA, "%s: unit '%s' (feature %d) has an empty or NULL geometry",
                        L->path, L->ids[i], i + 1);
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
        rc = geos_from_ogr(reader, OGR_F_GetGeometryRef(f), &wkb, &cap, &L->geoms[i]);
        OGR_F_Destroy(f);
        if (!rc && need && !L->geoms[i])
            rc = empty_error(L, i);
    }
    free(wkb);
    if (reader)
        GEOSWKBReader_destroy_r(ctx, reader);
    return rc;
}

/* Room for `more` vertices in L->xy (cap counts vertices). */
static int vertices_reserve(sp_layer *L, size_t used, size_t more, size_t *cap)
{
    if (used + more <= *cap)
        return SP_OK;
    size_t grown_cap = *cap ? 2 * *cap : 8 * (size_t)L->n + 64;
    while (grown_cap < used + more)
        grown_cap *= 2;
    double *grown = sp_realloc(L->xy, 2 * grown_cap * sizeof *grown);
    if (!grown)
        return SP_ENOMEM;
    L->xy = grown;
    *cap = grown_cap;
    return SP_OK;
}

/* Append every vertex of g (rings, lines, points, parts) to L->xy. */
static int vertices_append(sp_layer *L, OGRGeometryH g, size_t *used, size_t *cap)
{
    int parts = OGR_G_GetGeometryCount(g);
    if (parts > 0) { /* polygon rings, or the parts of a collection */
        int rc = SP_OK;
        for (int p = 0; p < parts && !rc; p++)
            rc = vertices_append(L, OGR_G_GetGeometryRef(g, p), used, cap);
        return rc;
    }
    int count = OGR_G_GetPointCount(g);
    if (count <= 0)
        return SP_OK;
    if (vertices_reserve(L, *used, (size_t)count, cap))
        return SP_ENOMEM;
    double *xy = L->xy + 2 * *used;
    OGR_G_GetPoints(g, xy, 2 * sizeof *xy, xy + 1, 2 * sizeof *xy, NULL, 0);
    *used += (size_t)count;
    return SP_OK;
}

/* SP_LAYER_VERTICES: the vertices of every feature, without GEOS. */
static int layer_read_vertices(sp_layer *L, OGRLayerH layer, int need)
{
    size_t used = 0, cap = 0;
    L->vstart = sp_calloc((size_t)L->n + 1, sizeof *L->vstart);
    int rc = L->vstart ? SP_OK : SP_ENOMEM;
    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    for (int i = 0; !rc && i < L->n && (f = OGR_L_GetNextFeature(layer)) != NULL; i++) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        L->vstart[i] = used;
        if (g && !OGR_G_IsEmpty(g))
            rc = vertices_append(L, g, &used, &cap);
        OGR_F_Destroy(f);
        if (!rc && need && used == L->vstart[i])
            rc = empty_error(L, i);
    }
    if (L->vstart)
        L->vstart[L->n] = used;
    return rc;
}

/* Feature i's vertices (SP_LAYER_VERTICES) or GEOS geometry from its blob;
 * *bad: what is wrong when it holds no geometry.  A blob that sp_gpkg does
 * not take (curves, Z/M, NaN points, ...) goes through an OGR geometry, as
 * GDAL's driver reads it. */
static int blob_geometry(sp_layer *L, int i, const unsigned char *blob, size_t len, size_t *used,
                         size_t *cap, GEOSWKBReader *reader, unsigned char **wkb, size_t *wcap,
                         const char **bad)
{
    sp_gpkg_geom g;
    *bad = NULL;
    if (!blob)
        return SP_OK;
    const char *why;
    if (L->vstart) {
        if (vertices_reserve(L, *used, len / 16 + 1, cap))
            return SP_ENOMEM;
        why = sp_gpkg_parse(blob, len, L->xy + 2 * *used, &g);
        if (!why && g.plain) {
            *used += g.nvert;
            return SP_OK;
        }
    } else {
        why = sp_gpkg_parse(blob, len, NULL, &g);
        if (!why && g.plain && !g.has_z && !g.has_m) { /* the WKB OGR would export */
            if (g.nvert)
                L->geoms[i] = GEOSWKBReader_read_r(sp_geos(), reader, g.wkb, g.wkb_len);
            return SP_OK;
        }
    }
    OGRGeometryH o = NULL;
    if (why || OGR_G_CreateFromWkb(g.wkb, NULL, &o, (int)g.wkb_len) != OGRERR_NONE) {
        *bad = why ? why : "unreadable WKB";
        return SP_OK;
    }
    int rc = SP_OK;
    if (L->vstart && !OGR_G_IsEmpty(o))
        rc = vertices_append(L, o, used, cap);
    else if (!L->vstart)
        rc = geos_from_ogr(reader, o, wkb, wcap, &L->geoms[i]);
    OGR_G_DestroyGeometry(o);
    return rc;
}

/* Room for row i in L->vstart (one more: the end) or L->geoms; cap counts rows. */
static int rows_reserve(sp_layer *L, int i, int *cap)
{
    if (i + 1 < *cap)
        return SP_OK;
    int grown_cap = 2 * *cap;
    if (L->vstart) {
        size_t *grown = sp_realloc(L->vstart, ((size_t)grown_cap + 1) * sizeof *grown);
        if (!grown)
            return SP_ENOMEM;
        L->vstart = grown;
    } else {
        GEOSGeometry **grown = sp_realloc(L->geoms, (size_t)grown_cap * sizeof *grown);
        if (!grown)
            return SP_ENOMEM;
        memset(grown + *cap, 0, (size_t)(grown_cap - *cap) * sizeof *grown);
        L->geoms = grown;
    }
    *cap = grown_cap;
    return SP_OK;
}

/* A GeoPackage table through SQLite (sp_gpkg_db) in one pass: the
 * attributes, the geometries; *bad, *why: the first feature whose blob holds
 * no geometry (-1: none), reported once the ids are known. */
static int layer_read_db(sp_layer *L, OGRLayerH layer, int vertices, int *bad, const char **why)
{
    size_t used = 0, vcap = 0, wcap = 0;
    unsigned char *wkb = NULL;
    int cap = 4096, more = 1, i = 0;
    *bad = -1;
    GEOSWKBReader *reader = vertices ? NULL : GEOSWKBReader_create_r(sp_geos());
    if (vertices)
        L->vstart = sp_calloc((size_t)cap + 1, sizeof *L->vstart);
    else
        L->geoms = sp_calloc((size_t)cap, sizeof *L->geoms);
    int rc = (vertices ? L->vstart != NULL : L->geoms && reader) ? SP_OK : SP_ENOMEM;
    if (!rc)
        rc = sp_gdal_table_new(layer, L->path, &L->attrs);
    sp_gpkg_db_scan s;
    if (!rc && (rc = sp_gpkg_db_scan_open(L->path, layer, 1, 1, &s)))
        memset(&s, 0, sizeof s);
    for (; !rc && !(rc = sp_gpkg_db_scan_next(&s, &more)) && more; i++) {
        size_t len;
        const unsigned char *blob = sp_gpkg_db_scan_blob(&s, &len);
        const char *wrong = NULL;
        rc = sp_gpkg_db_scan_row(&s, L->attrs);
        if (!rc)
            rc = rows_reserve(L, i, &cap);
        if (!rc && vertices)
            L->vstart[i] = used;
        if (!rc)
            rc = blob_geometry(L, i, blob, len, &used, &vcap, reader, &wkb, &wcap, &wrong);
        if (wrong && *bad < 0)
            *bad = i, *why = wrong;
    }
    L->n = i;
    if (L->vstart)
        L->vstart[L->n] = used;
    sp_gpkg_db_scan_close(&s);
    free(wkb);
    if (reader)
        GEOSWKBReader_destroy_r(sp_geos(), reader);
    return rc;
}

/* After layer_read_db: the first feature without a geometry, in order: a
 * blob that is none, or (need) an empty or NULL one. */
static int db_geometry_check(const sp_layer *L, int need, int bad, const char *why)
{
    int empty = -1;
    for (int i = 0; need && empty < 0 && i < L->n && (bad < 0 || i < bad); i++)
        if (L->vstart ? L->vstart[i + 1] == L->vstart[i] : !L->geoms[i])
            empty = i;
    if (empty >= 0)
        return empty_error(L, empty);
    if (bad >= 0)
        return sp_error_set(SP_EDATA, "%s: unit '%s' (feature %d): invalid GeoPackage geometry "
                            "blob: %s", L->path, L->ids[bad], bad + 1, why);
    return SP_OK;
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
        sp_gdal_close(ds);
        return SP_ENOMEM;
    }
    /* Two light passes through GDAL: attributes without geometry, then
     * geometry alone; a GeoPackage table in one pass through SQLite. */
    int db = sp_gpkg_db_fits(ds, layer), bad = -1;
    const char *why = NULL;
    const char *no_geometry[] = {"OGR_GEOMETRY", NULL};
    if (db) {
        rc = layer_read_db(L, layer, flags & SP_LAYER_VERTICES, &bad, &why);
    } else {
        OGR_L_SetIgnoredFields(layer, no_geometry);
        rc = sp_gdal_layer_table(layer, path, &L->attrs);
        if (!rc)
            rc = layer_ignore_attributes(layer, L->attrs);
        if (!rc)
            L->n = L->attrs->nrow;
    }
    if (!rc && L->n == 0)
        rc = sp_error_set(SP_EDATA, "%s: the layer has no features", path);
    if (!rc)
        rc = layer_read_ids(L, id_field);
    if (!rc && db)
        rc = db_geometry_check(L, flags & SP_LAYER_NEED_GEOMETRY, bad, why);
    else if (!rc)
        rc = flags & SP_LAYER_VERTICES
                 ? layer_read_vertices(L, layer, flags & SP_LAYER_NEED_GEOMETRY)
                 : layer_read_geoms(L, layer, flags & SP_LAYER_NEED_GEOMETRY);
    if (!rc)
        rc = layer_read_crs(L, layer);
    sp_gdal_close(ds);
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
