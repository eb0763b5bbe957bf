/* sp_gpkg_db: GeoPackage tables read and written through SQLite directly,
 * GDAL opening the file and naming the layer, its columns and CRS.
 *
 * Reading: GDAL's GPKG driver builds an OGRFeature and an OGRGeometry per
 * row (1.6 s for 10^6 Voronoi cells); a prepared SELECT over the same table in
 * the order GDAL reads it (the FID) takes 0.25 s (GDAL 3.6's Arrow stream:
 * 0.4 s).  A scan gives each row's values as GDAL would (Integer through
 * sqlite3_column_int, Integer64, Real, String; NULL as NULL) and the
 * geometry blob as stored (sp_gpkg.h parses it).
 *
 * Writing: GDAL creates the output's tables, fields and spatial index (empty;
 * sp_gpkg_rtree), then sp_gpkg_db_out fills them in one transaction of
 * prepared INSERTs: geometry blobs copied as they are (when sp_gpkg_as_gdal:
 * the bytes GDAL writes for them, with the output's srs_id), the feature count
 * and extent set in gpkg_ogr_contents and gpkg_contents, the R-tree packed,
 * the tables' triggers suspended while the rows go in and restored in their
 * order.  A row GDAL would write otherwise (a blob not in GDAL's form, a
 * geometry type other than the layer's, text that is not UTF-8) sets
 * o->redo: the caller writes the file again through GDAL.
 *
 * SPILL_GPKG_IO=gdal in the environment makes sp_gpkg_db_fits 0 (the GDAL
 * paths; tests compare both).
 *
 * Ownership: a scan or an output owns its connection and statements; close
 * them with sp_gpkg_db_scan_close / sp_gpkg_db_out_close.  Errors follow
 * sp_error.h: SP_EDATA naming the file (and the feature), SP_ENOMEM. */
#ifndef SP_GPKG_DB_H
#define SP_GPKG_DB_H

#include <sqlite3.h>

#include <gdal.h>
#include <ogr_api.h>

#include "sp_gpkg.h"
#include "sp_gpkg_rtree.h"
#include "sp_layer_write.h"
#include "sp_table.h"

/* 1 when the layer of ds (opened by sp_gdal_open_layer) is a GeoPackage
 * table with an FID column whose fields are Integer, Integer64, Real or
 * String, and SPILL_GPKG_IO is not "gdal". */
int sp_gpkg_db_fits(GDALDatasetH ds, OGRLayerH layer);

/* A scan of a table in FID order: column 0 the FID, then the geometry (when
 * asked), then the layer's fields (all, in the layer's order). */
typedef struct sp_gpkg_db_scan {
    sqlite3 *db;
    sqlite3_stmt *st;
    char *path;
    int geom;          /* the geometry's column, -1 without */
    int first_field;   /* column of field 0 */
    int nfield;
    OGRFieldType *type;
    long row;          /* 0-based index of the current row, -1 before the first */
    long long *fid;    /* fid[k] of the rows read so far (for sp_gpkg_db_scan_seek) */
    long nfid, capfid;
} sp_gpkg_db_scan;

int sp_gpkg_db_scan_open(const char *path, OGRLayerH layer, int geometry, int fields,
                         sp_gpkg_db_scan *s);
/* The next row: *more = 0 at the end. */
int sp_gpkg_db_scan_next(sp_gpkg_db_scan *s, int *more);
/* Make row `index` (0-based, in FID order) current: forwards by reading on,
 * backwards by restarting at its FID; SP_EDATA past the end. */
int sp_gpkg_db_scan_seek(sp_gpkg_db_scan *s, long index);
void sp_gpkg_db_scan_close(sp_gpkg_db_scan *s);

/* The current row's geometry blob (NULL, 0 when NULL). */
const unsigned char *sp_gpkg_db_scan_blob(const sp_gpkg_db_scan *s, size_t *len);

/* Field c of the current row as the text sp_gdal_layer_table keeps (Real in
 * its shortest round-trip form, "" and NULL as NULL), into *out (NULL or a
 * pointer into buf or into the statement's row, valid until the next step). */
const char *sp_gpkg_db_scan_text(const sp_gpkg_db_scan *s, int c, char *buf, size_t cap);

/* The current row's fields appended to t (a table of sp_gdal_table_new). */
int sp_gpkg_db_scan_row(const sp_gpkg_db_scan *s, sp_table *t);

/* The layer's attributes as sp_gdal_layer_table reads them. */
int sp_gpkg_db_table(const char *path, OGRLayerH layer, sp_table **out);

/* The number of rows of the layer's table. */
int sp_gpkg_db_count(const char *path, OGRLayerH layer, long *n);

/* An output GeoPackage being filled (see above): rows are bound into a
 * batch of values and inserted `batch` at a time by one multi-row INSERT. */
typedef struct sp_gpkg_db_val {
    int type;               /* SQLITE_NULL, _INTEGER, _FLOAT, _TEXT, _BLOB */
    long long i;
    double d;
    size_t off, len;        /* text and blob bytes in the arena */
} sp_gpkg_db_val;

typedef struct sp_gpkg_db_box {
    int has;
    double box[4];          /* minx maxx miny maxy */
} sp_gpkg_db_box;

typedef struct sp_gpkg_db_out {
    sqlite3 *db;
    const char *path;       /* the output's name, for messages */
    char table[256];
    char *insert_sql;       /* "INSERT INTO t (cols) VALUES " */
    sqlite3_stmt *ins;      /* its statement for `batch` rows */
    int has_geom, ncol, width, srs_id, batch, slot;
    unsigned want_type;     /* the layer's ISO geometry code, 0: any */
    sp_gpkg_rtree *rt;      /* NULL: no spatial index */
    char *triggers;         /* the table's other triggers, NUL-separated */
    int ntriggers;
    long rows;
    double ext[4];          /* minx maxx miny maxy of the rows so far */
    int has_ext;
    int any_z, any_m;       /* a row had Z, M */
    sp_gpkg_db_val *val;    /* batch x width values */
    sp_gpkg_db_box *boxes;  /* batch boxes */
    unsigned char *arena;
    size_t arena_n, arena_cap;
    int redo;               /* a row GDAL writes otherwise: write the file through GDAL */
} sp_gpkg_db_out;

/* Open tmp_path (created by GDAL, closed since) and begin the transaction. */
int sp_gpkg_db_out_open(const char *tmp_path, const char *path, sp_gpkg_db_out *o);
/* Start filling table (its geometry column geom, NULL: none; cols its
 * attribute columns in order): prepares the INSERT, suspends the triggers.
 * rt: the index of sp_gpkg_rtree_begin (NULL: none), owned by the caller and
 * finished by sp_gpkg_db_out_table_end. */
int sp_gpkg_db_out_table(sp_gpkg_db_out *o, const char *table, const char *geom,
                         const char *const *cols, int ncol, OGRwkbGeometryType type,
                         sp_gpkg_rtree *rt);
/* Bind the current row's geometry (from the scan) and attribute k, from
 * field c of the scan or row r of an added field; then insert the row. */
int sp_gpkg_db_out_geom(sp_gpkg_db_out *o, const sp_gpkg_db_scan *s);
int sp_gpkg_db_out_copy(sp_gpkg_db_out *o, int k, const sp_gpkg_db_scan *s, int c);
int sp_gpkg_db_out_added(sp_gpkg_db_out *o, int k, const sp_field *f, int r);
int sp_gpkg_db_out_insert(sp_gpkg_db_out *o);
/* Finish the table: the R-tree, its triggers and the others, count, extent. */
int sp_gpkg_db_out_table_end(sp_gpkg_db_out *o);
/* Commit (commit = 1) or roll back, and close. */
int sp_gpkg_db_out_close(sp_gpkg_db_out *o, int commit);

#endif
