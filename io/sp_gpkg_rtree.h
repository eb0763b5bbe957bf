/* sp_gpkg_rtree: a GeoPackage layer's R-tree spatial index built in bulk
 * (features sorted along a Hilbert curve, packed into full nodes) instead of
 * one R*-tree insertion per feature (about 25-45 us each at 10^6).
 *
 *   sp_gpkg_rtree t;
 *   sp_gpkg_rtree_begin(ds, layer, &t, path);  // layer created with SPATIAL_INDEX=NO
 *   ... OGR_L_CreateFeature(layer, f); sp_gpkg_rtree_add(&t, OGR_F_GetFID(f), geom) ...
 *   sp_gpkg_rtree_end(ds, &t, path);          // or sp_gpkg_rtree_free(&t) on failure
 *
 * begin has GDAL create the index (rtree_<table>_<geom>, its triggers, the
 * gpkg_extensions row) on the empty table and drops its triggers for the
 * duration; end writes the R-tree's node, rowid and parent tables by prepared
 * statements on the file's SQLite connection (the
 * layout of SQLite's rtree module; the rtreecheck() SQL function accepts
 * it) and recreates the triggers in their order, so later edits keep the
 * index current and the schema reads as GDAL's.  The
 * coordinates are rounded outward to float32 as the rtree module rounds
 * them.  Errors are SP_EDATA naming path, or SP_ENOMEM; end and free
 * release what begin and add allocated. */
#ifndef SP_GPKG_RTREE_H
#define SP_GPKG_RTREE_H

#include <sqlite3.h>

#include <gdal.h>
#include <ogr_api.h>

typedef struct sp_gpkg_rtree_cell {
    long long id;
    float box[4]; /* minx maxx miny maxy */
} sp_gpkg_rtree_cell;

typedef struct sp_gpkg_rtree {
    char name[300];     /* rtree_<table>_<geom> */
    char *triggers;     /* the index's triggers, dropped by begin: SQL texts, NUL-separated */
    int ntriggers;
    int node_size;      /* bytes of a node blob */
    sp_gpkg_rtree_cell *cell;
    long n, cap;
} sp_gpkg_rtree;

/* 1 when a new layer of driver_name gets its index packed here: a
 * GeoPackage layer with geometry, unless SPILL_GPKG_RTREE=gdal or a name with
 * quotes that the SQL would have to escape (then GDAL builds it, one
 * insertion a feature).  Create the layer with SPATIAL_INDEX=NO then. */
int sp_gpkg_rtree_wanted(const char *driver_name, OGRwkbGeometryType type, const char *layer_name);
int sp_gpkg_rtree_begin(GDALDatasetH ds, OGRLayerH layer, sp_gpkg_rtree *t, const char *path);
int sp_gpkg_rtree_add(sp_gpkg_rtree *t, long long fid, OGRGeometryH g);
/* A feature's box (minx maxx miny maxy) without a geometry object. */
int sp_gpkg_rtree_add_box(sp_gpkg_rtree *t, long long fid, const double box[4]);
int sp_gpkg_rtree_end(GDALDatasetH ds, sp_gpkg_rtree *t, const char *path);
/* end on an SQLite connection to the file (sp_gpkg_db's writer); end itself
 * runs this on GDAL's own connection (GDALGetInternalHandle "SQLITE_HANDLE"). */
int sp_gpkg_rtree_end_db(sqlite3 *db, sp_gpkg_rtree *t, const char *path);
void sp_gpkg_rtree_free(sp_gpkg_rtree *t);

#endif
