/* Tests for sp_gpkg (GeoPackage blobs) and sp_gpkg_db (GeoPackage rows through
 * SQLite): hand-made blobs parse as the GeoPackage spec says; a generated
 * GeoPackage (multipolygons with holes, NULL and empty geometries, 3D, a
 * curve, M, two layers) reads through SQLite exactly as through GDAL
 * (SPILL_GPKG_IO=gdal): attributes, vertices and GEOS geometries; written
 * GeoPackage to GeoPackage the same rows, blobs, extent, count and index;
 * an invalid blob is an error naming the file and the feature. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "harness.h"
#include "sp_gdal.h"
#include "sp_gpkg.h"
#include "sp_layer.h"
#include "sp_layer_write.h"

static char dir[64] = "/tmp/t_gpkg_XXXXXX";

/* ---- blobs ---- */

static size_t put_u32(unsigned char *p, unsigned v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (unsigned char)(v >> (8 * k));
    return 4;
}

static size_t put_f64(unsigned char *p, double d)
{
    memcpy(p, &d, 8);
    return 8;
}

/* A little-endian WKB geometry's first bytes: type, then a count. */
static size_t wkb_head(unsigned char *p, unsigned type, unsigned count)
{
    p[0] = 1;
    put_u32(p + 1, type);
    put_u32(p + 5, count);
    return 9;
}

/* A blob: header (flags, srs 4326, envelope of env_n doubles) + WKB bytes. */
static size_t blob(unsigned char *b, int flags, const double *env, int env_n,
                   const unsigned char *wkb, size_t wlen)
{
    size_t n = 0;
    b[n++] = 'G', b[n++] = 'P', b[n++] = 0, b[n++] = (unsigned char)flags;
    n += put_u32(b + n, 4326);
    for (int k = 0; k < env_n; k++)
        n += put_f64(b + n, env[k]);
    memcpy(b + n, wkb, wlen);
    return n + wlen;
}

static void test_blob_parse(void)
{
    unsigned char wkb[256], b[512];
    sp_gpkg_geom g;
    double xy[64];
    /* a triangle: POLYGON((0 0, 2 0, 1 3, 0 0)) */
    size_t w = wkb_head(wkb, 3, 1);
    w += put_u32(wkb + w, 4);
    const double pts[8] = {0, 0, 2, 0, 1, 3, 0, 0};
    for (int k = 0; k < 8; k++)
        w += put_f64(wkb + w, pts[k]);
    const double env[4] = {0, 2, 0, 3};
    size_t n = blob(b, 0x03, env, 4, wkb, w);
    CHECK(sp_gpkg_parse(b, n, xy, &g) == NULL);
    CHECK(g.walked && g.plain && g.nvert == 4 && g.type == 3 && g.srs_id == 4326);
    CHECK(xy[4] == 1 && xy[5] == 3);
    CHECK(g.env[0] == 0 && g.env[1] == 2 && g.env[2] == 0 && g.env[3] == 3);
    CHECK(sp_gpkg_as_gdal(&g));
    /* the same with a wrong envelope, or none: not GDAL's bytes */
    const double bad_env[4] = {0, 2, 0, 4};
    n = blob(b, 0x03, bad_env, 4, wkb, w);
    CHECK(sp_gpkg_parse(b, n, NULL, &g) == NULL && g.plain && !sp_gpkg_as_gdal(&g));
    n = blob(b, 0x01, NULL, 0, wkb, w);
    CHECK(sp_gpkg_parse(b, n, NULL, &g) == NULL && g.plain && !sp_gpkg_as_gdal(&g));
    /* big-endian WKB: walked (same vertices), not plain */
    unsigned char be[256];
    size_t e = 0;
    be[e++] = 0;
    const unsigned ints[3] = {3, 1, 4};
    for (int k = 0; k < 3; k++, e += 4)
        for (int j = 0; j < 4; j++)
            be[e + j] = (unsigned char)(ints[k] >> (8 * (3 - j)));
    for (int k = 0; k < 8; k++, e += 8) {
        unsigned char le[8];
        memcpy(le, &pts[k], 8);
        for (int j = 0; j < 8; j++)
            be[e + j] = le[7 - j];
    }
    n = blob(b, 0x03, env, 4, be, e);
    CHECK(sp_gpkg_parse(b, n, xy, &g) == NULL && g.walked && !g.plain && g.nvert == 4);
    CHECK(xy[4] == 1 && xy[5] == 3);
    /* truncated WKB: not walked; a circular string (8): not walked either */
    n = blob(b, 0x03, env, 4, wkb, w - 8);
    CHECK(sp_gpkg_parse(b, n, NULL, &g) == NULL && !g.walked);
    unsigned char cs[64];
    size_t c = wkb_head(cs, 8, 0);
    n = blob(b, 0x01, NULL, 0, cs, c);
    CHECK(sp_gpkg_parse(b, n, NULL, &g) == NULL && !g.walked && !g.plain);
    /* empty polygon: GDAL writes flags 0x11, no envelope */
    unsigned char em[16];
    size_t m = wkb_head(em, 3, 0);
    n = blob(b, 0x11, NULL, 0, em, m);
    CHECK(sp_gpkg_parse(b, n, NULL, &g) == NULL && g.plain && g.nvert == 0 && sp_gpkg_as_gdal(&g));
    double box[4];
    CHECK(!sp_gpkg_box(&g, box));
    /* not a blob at all, an unknown envelope code, a short blob */
    CHECK(sp_gpkg_parse((const unsigned char *)"XY\0\1abcdefgh", 12, NULL, &g) != NULL);
    n = blob(b, 0x0B, NULL, 0, wkb, w);
    CHECK(sp_gpkg_parse(b, n, NULL, &g) != NULL);
    CHECK(sp_gpkg_parse(b, 6, NULL, &g) != NULL);
}

/* ---- a generated GeoPackage ---- */

static const char *const wkt[] = {
    "MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0),(2 2,2 4,4 4,4 2,2 2)),((20 0,30 0,30 10,20 0)))",
    "POLYGON((10 0,20 0,20 10,10 10,10 0))",
    NULL, /* a NULL geometry */
    "POLYGON EMPTY",
    "POLYGON Z((0 10,10 10 1,10 20 2,0 10 3))",
    "CURVEPOLYGON(CIRCULARSTRING(30 0,35 5,40 0,35 -5,30 0))",
    "POLYGON M((40 0 1,50 0 2,50 10 3,40 0 1))",
    "MULTIPOLYGON(((0 20,10 20,10 30,0 20)),((50 50,60 50,60 60,50 50),(52 51,58 51,58 58,52 51)))",
};
enum { NFEAT = sizeof wkt / sizeof *wkt };

static int make_gpkg(const char *path, int curve)
{
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 32650);
    int ok = ds != NULL;
    for (int L = 0; ok && L < 2; L++) {
        OGRLayerH l = GDALDatasetCreateLayer(ds, L ? "second" : "units", srs, wkbUnknown, NULL);
        OGRFieldDefnH f[4] = {OGR_Fld_Create("code", OFTString), OGR_Fld_Create("n", OFTInteger),
                              OGR_Fld_Create("v", OFTReal), OGR_Fld_Create("big", OFTInteger64)};
        for (int k = 0; k < 4; k++) {
            ok &= OGR_L_CreateField(l, f[k], TRUE) == OGRERR_NONE;
            OGR_Fld_Destroy(f[k]);
        }
        for (int i = 0; ok && i < NFEAT; i++) {
            if (i == 5 && !curve)
                continue;
            OGRFeatureH ft = OGR_F_Create(OGR_L_GetLayerDefn(l));
            char code[16];
            snprintf(code, sizeof code, "%c%d", L ? 'S' : 'U', i);
            OGR_F_SetFieldString(ft, 0, code);
            OGR_F_SetFieldInteger(ft, 1, i * 7 - 3);
            if (i != 1)
                OGR_F_SetFieldDouble(ft, 2, 0.1 * i + 1e-17);
            OGR_F_SetFieldInteger64(ft, 3, 1LL << (40 + i));
            if (wkt[i]) {
                OGRGeometryH g = NULL;
                char *p = (char *)wkt[i];
                ok &= OGR_G_CreateFromWkt(&p, srs, &g) == OGRERR_NONE;
                OGR_F_SetGeometryDirectly(ft, g);
            }
            ok &= OGR_L_CreateFeature(l, ft) == OGRERR_NONE;
            OGR_F_Destroy(ft);
        }
    }
    OSRDestroySpatialReference(srs);
    if (ds)
        GDALClose(ds);
    return ok;
}

/* Both readers' layers: same ids, cells, vertices; GEOS geometries equal. */
static int same_layer(const sp_layer *a, const sp_layer *b)
{
    if (a->n != b->n || a->attrs->ncol != b->attrs->ncol || a->has_crs != b->has_crs)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->ids[i], b->ids[i]))
            return 0;
    for (long k = 0; k < (long)a->n * a->attrs->ncol; k++) {
        const char *x = a->attrs->cells[k], *y = b->attrs->cells[k];
        if ((x == NULL) != (y == NULL) || (x && strcmp(x, y)))
            return 0;
    }
    if ((a->vstart == NULL) != (b->vstart == NULL))
        return 0;
    if (a->vstart)
        return memcmp(a->vstart, b->vstart, ((size_t)a->n + 1) * sizeof *a->vstart) == 0 &&
               memcmp(a->xy, b->xy, 2 * a->vstart[a->n] * sizeof *a->xy) == 0;
    for (int i = 0; i < a->n; i++) {
        if ((a->geoms[i] == NULL) != (b->geoms[i] == NULL))
            return 0;
        if (a->geoms[i] && GEOSEqualsExact_r(sp_geos(), a->geoms[i], b->geoms[i], 0.0) != 1)
            return 0;
    }
    return 1;
}

static void read_both(const char *path, const char *layer, int flags, sp_layer **db,
                      sp_layer **gdal)
{
    unsetenv("SPILL_GPKG_IO");
    if (sp_layer_read(path, layer, "code", flags, db))
        fprintf(stderr, "read: %s\n", sp_error_msg());
    setenv("SPILL_GPKG_IO", "gdal", 1);
    if (sp_layer_read(path, layer, "code", flags, gdal))
        fprintf(stderr, "read (gdal): %s\n", sp_error_msg());
    unsetenv("SPILL_GPKG_IO");
}

static void test_read_identity(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/in.gpkg", dir);
    CHECK(make_gpkg(path, 1));
    for (int flags = 0; flags <= SP_LAYER_VERTICES; flags += SP_LAYER_VERTICES) {
        for (int L = 0; L < 2; L++) {
            sp_layer *a = NULL, *b = NULL;
            read_both(path, L ? "second" : NULL, flags, &a, &b);
            CHECK(a && b && a->n == NFEAT && same_layer(a, b));
            CHECK(a && a->has_crs && strcmp(a->ids[0], L ? "S0" : "U0") == 0);
            if (a && a->vstart) /* the multipolygon: 5 + 5 + 4 vertices, hole included */
                CHECK(a->vstart[1] == 14 && a->xy[2 * 5] == 2 && a->xy[2 * 5 + 1] == 2);
            if (a && a->geoms) /* NULL and empty geometries are NULL */
                CHECK(a->geoms[0] && !a->geoms[2] && !a->geoms[3] && a->geoms[4]);
            sp_layer_free(a);
            sp_layer_free(b);
        }
    }
    /* the table reader (lisa's --data-less layer, fit's attributes) */
    sp_table *t1 = NULL, *t2 = NULL;
    CHECK(sp_gdal_read_table(path, "second", &t1) == SP_OK);
    setenv("SPILL_GPKG_IO", "gdal", 1);
    CHECK(sp_gdal_read_table(path, "second", &t2) == SP_OK);
    unsetenv("SPILL_GPKG_IO");
    CHECK(t1 && t2 && t1->nrow == NFEAT && t2->nrow == NFEAT && t1->ncol == 4);
    int same = t1 && t2;
    for (long k = 0; same && k < (long)t1->nrow * t1->ncol; k++)
        same = (!t1->cells[k] && !t2->cells[k]) ||
               (t1->cells[k] && t2->cells[k] && strcmp(t1->cells[k], t2->cells[k]) == 0);
    CHECK(same);
    CHECK(t1 && strcmp(sp_table_cell(t1, 1, 2) ? "x" : "", "") == 0); /* NULL real */
    CHECK(t1 && strcmp(sp_table_cell(t1, 0, 1), "-3") == 0);
    sp_table_free(t1);
    sp_table_free(t2);
}

/* Every row of query q on path through SQLite, '|'-joined, in a buffer. */
static char *dump(const char *path, const char *q)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return NULL;
    size_t n = 0, cap = 1 << 16;
    char *out = calloc(cap, 1);
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW)
            for (int k = 0; k < sqlite3_column_count(st); k++) {
                const char *s = (const char *)sqlite3_column_text(st, k);
                size_t len = s ? strlen(s) : 4;
                if (n + len + 3 > cap)
                    out = realloc(out, cap = 2 * (n + len + 3));
                n += (size_t)sprintf(out + n, "%s%c", s ? s : "NULL",
                                     k + 1 == sqlite3_column_count(st) ? '\n' : '|');
            }
        sqlite3_finalize(st);
    } else {
        snprintf(out, cap, "error: %s", sqlite3_errmsg(db));
    }
    sqlite3_close(db);
    return out;
}

/* The two outputs hold the same rows, contents, count, index. */
static int same_output(const char *a, const char *b, const char *table)
{
    char q[6][400];
    snprintf(q[0], sizeof q[0], "SELECT fid, hex(geom), code, n, v, big, z, k FROM \"%s\"", table);
    snprintf(q[1], sizeof q[1], "SELECT data_type, identifier, min_x, min_y, max_x, max_y, srs_id "
             "FROM gpkg_contents WHERE table_name = '%s'", table);
    snprintf(q[2], sizeof q[2], "SELECT * FROM gpkg_ogr_contents WHERE table_name = '%s'", table);
    snprintf(q[3], sizeof q[3], "SELECT * FROM gpkg_geometry_columns WHERE table_name = '%s'", table);
    snprintf(q[4], sizeof q[4], "SELECT * FROM \"rtree_%s_geom\" ORDER BY id", table);
    snprintf(q[5], sizeof q[5], "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = '%s' "
             "ORDER BY name", table);
    int ok = 1;
    for (int k = 0; k < 6; k++) {
        char *x = dump(a, q[k]), *y = dump(b, q[k]);
        if (!x || !y || strcmp(x, y) || strncmp(x, "error", 5) == 0) {
            fprintf(stderr, "query %d differs:\n%s---\n%s\n", k, x ? x : "", y ? y : "");
            ok = 0;
        }
        free(x);
        free(y);
    }
    char check[200];
    snprintf(check, sizeof check, "SELECT rtreecheck('rtree_%s_geom')", table);
    char *c = dump(a, check), *i = dump(a, "PRAGMA integrity_check");
    ok = ok && c && strcmp(c, "ok\n") == 0 && i && strcmp(i, "ok\n") == 0;
    free(c);
    free(i);
    return ok;
}

/* Renumber the CRS 32650 of path as 99999 (gpkg_spatial_ref_sys, the layers and
 * every blob's srs_id), as another writer might have. */
static int renumber_srs(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *st, *up;
    int ok = sqlite3_open(path, &db) == SQLITE_OK &&
             sqlite3_exec(db, "PRAGMA foreign_keys = OFF; BEGIN; "
                          "UPDATE gpkg_spatial_ref_sys SET srs_id = 99999, organization = 'x' "
                          "WHERE srs_id = 32650; UPDATE gpkg_geometry_columns SET srs_id = 99999; "
                          "UPDATE gpkg_contents SET srs_id = 99999", NULL, NULL, NULL) == SQLITE_OK;
    for (int L = 0; ok && L < 2; L++) {
        char q[200];
        for (int k = 1; ok && k <= 4; k++) { /* they call GDAL's SQL functions */
            snprintf(q, sizeof q, "DROP TRIGGER rtree_%s_geom_update%d", L ? "second" : "units", k);
            ok = sqlite3_exec(db, q, NULL, NULL, NULL) == SQLITE_OK;
        }
        snprintf(q, sizeof q, "SELECT fid, geom FROM %s WHERE geom IS NOT NULL", L ? "second" : "units");
        ok = sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK;
        snprintf(q, sizeof q, "UPDATE %s SET geom = ? WHERE fid = ?", L ? "second" : "units");
        ok = ok && sqlite3_prepare_v2(db, q, -1, &up, NULL) == SQLITE_OK;
        while (ok && sqlite3_step(st) == SQLITE_ROW) {
            int len = sqlite3_column_bytes(st, 1);
            unsigned char *b = malloc((size_t)len);
            memcpy(b, sqlite3_column_blob(st, 1), (size_t)len);
            put_u32(b + 4, 99999);
            sqlite3_bind_blob(up, 1, b, len, free);
            sqlite3_bind_int64(up, 2, sqlite3_column_int64(st, 0));
            ok = sqlite3_step(up) == SQLITE_DONE;
            sqlite3_reset(up);
        }
        sqlite3_finalize(st);
        sqlite3_finalize(up);
    }
    ok = ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

static void write_both(const char *src, const char *layer, const char *name, const int *rows,
                       int nrow, int nparts)
{
    static const double z[2 * NFEAT] = {1.5, -2, 0, 3.25, 1e300, -0.0, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    static const int k[2 * NFEAT] = {1, SP_FIELD_INT_NULL, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    sp_field f[] = {{"z", SP_FIELD_REAL, .real = z}, {"k", SP_FIELD_INT, .integer = k}};
    sp_layer_part parts[2] = {{"p1", nrow, rows, f, 2}, {"p2", nrow, rows, f, 2}};
    char a[160], b[160];
    snprintf(a, sizeof a, "%s/db/%s.gpkg", dir, name);
    snprintf(b, sizeof b, "%s/gdal/%s.gpkg", dir, name);
    unsetenv("SPILL_GPKG_IO");
    int rc = nparts ? sp_layer_write_many(src, layer, a, parts, nparts)
                    : sp_layer_write(src, layer, a, nrow, rows, f, 2);
    CHECK(rc == SP_OK);
    setenv("SPILL_GPKG_IO", "gdal", 1);
    rc = nparts ? sp_layer_write_many(src, layer, b, parts, nparts)
                : sp_layer_write(src, layer, b, nrow, rows, f, 2);
    unsetenv("SPILL_GPKG_IO");
    CHECK(rc == SP_OK);
    if (nparts) {
        CHECK(same_output(a, b, "p1"));
        CHECK(same_output(a, b, "p2"));
    } else {
        CHECK(same_output(a, b, name));
    }
}

static void test_write_identity(void)
{
    char path[128], curved[128], sub[160];
    snprintf(path, sizeof path, "%s/plain.gpkg", dir);
    snprintf(curved, sizeof curved, "%s/in.gpkg", dir);
    CHECK(make_gpkg(path, 0));
    snprintf(sub, sizeof sub, "%s/db", dir);
    mkdir(sub, 0755);
    snprintf(sub, sizeof sub, "%s/gdal", dir);
    mkdir(sub, 0755);
    write_both(path, NULL, "plain", NULL, NFEAT - 1, 0);
    /* rows repeated and out of order (a long layout): the scan seeks back */
    const int rows[] = {6, 0, 0, 3, 2, 1, 5, 4};
    write_both(path, "second", "again", rows, 8, 0);
    write_both(path, NULL, "two", rows, 8, 2); /* two layers of one file */
    write_both(curved, NULL, "curved", NULL, NFEAT, 0); /* a curve: GDAL writes it all */
    /* a source whose srs_id is not the output's (GDAL numbers its CRS 32650 in the output):
     * the copied blobs get the output's */
    CHECK(renumber_srs(path));
    write_both(path, NULL, "srs", NULL, NFEAT - 1, 0);
    char out[160];
    snprintf(out, sizeof out, "%s/db/srs.gpkg", dir);
    char *ids = dump(out, "SELECT DISTINCT hex(substr(geom, 5, 4)) FROM srs WHERE geom IS NOT NULL");
    CHECK(ids && strcmp(ids, "8A7F0000\n") == 0); /* 32650 */
    free(ids);
}

static void test_bad_blob(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/bad.gpkg", dir);
    CHECK(make_gpkg(path, 0));
    sqlite3 *db;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "DROP TRIGGER rtree_units_geom_update1; DROP TRIGGER "
                       "rtree_units_geom_update2; DROP TRIGGER rtree_units_geom_update3; DROP "
                       "TRIGGER rtree_units_geom_update4; UPDATE units SET geom = x'58590001' "
                       "WHERE fid = 2", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    sp_layer *L = NULL;
    CHECK(sp_layer_read(path, NULL, "code", SP_LAYER_VERTICES, &L) == SP_EDATA && !L);
    CHECK(strstr(sp_error_msg(), "bad.gpkg: unit 'U1' (feature 2): invalid GeoPackage geometry "
                                 "blob") != NULL);
}

int main(void)
{
    sp_error_init();
    sp_gdal_init();
    if (!mkdtemp(dir))
        return 1;
    RUN(test_blob_parse);
    RUN(test_read_identity);
    RUN(test_write_identity);
    RUN(test_bad_blob);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "%s %s", getenv("KEEP") ? "echo" : "rm -rf", dir);
    if (system(cmd) != 0)
        return 1;
    return th_report("t_gpkg");
}
