/* Tests for sp_gpkg_rtree: a GeoPackage written by sp_layer_write has a
 * spatial index that SQLite's rtreecheck() accepts, holding the same boxes
 * as the index GDAL builds one feature at a time (SPILL_GPKG_RTREE=gdal),
 * for one layer and for two layers of one file, rows repeated (two levels). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>

#include "harness.h"
#include "sp_gdal.h"
#include "sp_layer_write.h"

#define COL "tests/fixtures/data/columbus.shp"

static char dir[64] = "/tmp/t_gpkg_rtree_XXXXXX";

/* Every row of query q, fields joined by '|', rows by '\n' (caller frees). */
static char *rows(const char *path, const char *q)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    if (!ds)
        return NULL;
    OGRLayerH res = GDALDatasetExecuteSQL(ds, q, NULL, NULL);
    size_t n = 0, cap = 1 << 16;
    char *out = calloc(cap, 1);
    OGRFeatureH f;
    while (res && out && (f = OGR_L_GetNextFeature(res)) != NULL) {
        for (int k = 0; k < OGR_F_GetFieldCount(f); k++) {
            const char *s = OGR_F_GetFieldAsString(f, k);
            if (n + strlen(s) + 3 > cap)
                out = realloc(out, cap *= 2);
            n += (size_t)sprintf(out + n, "%s%s", k ? "|" : "", s);
        }
        out[n++] = '\n';
        out[n] = '\0';
        OGR_F_Destroy(f);
    }
    if (res)
        GDALDatasetReleaseResultSet(ds, res);
    GDALClose(ds);
    return out;
}

/* rtreecheck() says ok, and the boxes equal GDAL's own index's. */
static int index_ok(const char *ours, const char *gdal, const char *rtree)
{
    char q[256];
    snprintf(q, sizeof q, "SELECT rtreecheck('%s')", rtree);
    char *check = rows(ours, q);
    snprintf(q, sizeof q, "SELECT * FROM \"%s\" ORDER BY id", rtree);
    char *a = rows(ours, q), *b = rows(gdal, q);
    int ok = check && strcmp(check, "ok\n") == 0 && a && b && strlen(a) > 10 &&
             strcmp(a, b) == 0;
    if (!ok)
        fprintf(stderr, "%s: rtreecheck %s\n", rtree, check ? check : "(none)");
    free(check);
    free(a);
    free(b);
    return ok;
}

static void test_one_layer(void)
{
    char ours[128], gdal[128];
    snprintf(ours, sizeof ours, "%s/a.gpkg", dir);
    snprintf(gdal, sizeof gdal, "%s/b/a.gpkg", dir);
    double x[49];
    for (int i = 0; i < 49; i++)
        x[i] = i * 0.5;
    sp_field f[] = {{"x", SP_FIELD_REAL, .real = x}};
    CHECK(sp_layer_write(COL, NULL, ours, 49, NULL, f, 1) == SP_OK);
    setenv("SPILL_GPKG_RTREE", "gdal", 1);
    CHECK(sp_layer_write(COL, NULL, gdal, 49, NULL, f, 1) == SP_OK);
    unsetenv("SPILL_GPKG_RTREE");
    CHECK(index_ok(ours, gdal, "rtree_a_geom"));
    char *n = rows(ours, "SELECT count(*) FROM rtree_a_geom_rowid");
    CHECK(n && strcmp(n, "49\n") == 0);
    free(n);
}

static void test_two_layers(void)
{
    char ours[128], gdal[128];
    snprintf(ours, sizeof ours, "%s/m.gpkg", dir);
    snprintf(gdal, sizeof gdal, "%s/b/m.gpkg", dir);
    enum { N = 49 * 60 }; /* 58 leaves: a root over leaves */
    static int rows2[N];
    static double x[N];
    for (int i = 0; i < N; i++)
        rows2[i] = i % 49, x[i] = i;
    sp_field f[] = {{"x", SP_FIELD_REAL, .real = x}};
    sp_layer_part parts[] = {{"p1", 49, NULL, f, 1}, {"p2", N, rows2, f, 1}};
    CHECK(sp_layer_write_many(COL, NULL, ours, parts, 2) == SP_OK);
    setenv("SPILL_GPKG_RTREE", "gdal", 1);
    CHECK(sp_layer_write_many(COL, NULL, gdal, parts, 2) == SP_OK);
    unsetenv("SPILL_GPKG_RTREE");
    CHECK(index_ok(ours, gdal, "rtree_p1_geom"));
    CHECK(index_ok(ours, gdal, "rtree_p2_geom"));
}

/* A layer name with a quote: GDAL's own index (no SQL to escape). */
static void test_quoted_name(void)
{
    char ours[128];
    snprintf(ours, sizeof ours, "%s/q.gpkg", dir);
    double x[49] = {0};
    sp_field f[] = {{"x", SP_FIELD_REAL, .real = x}};
    sp_layer_part part = {"it's", 49, NULL, f, 1};
    CHECK(sp_layer_write_many(COL, NULL, ours, &part, 1) == SP_OK);
    char *n = rows(ours, "SELECT count(*) FROM \"rtree_it's_geom\"");
    CHECK(n && strcmp(n, "49\n") == 0);
    free(n);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char cmd[160];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/b", dir);
    if (system(cmd) != 0)
        return 1;
    sp_gdal_init();
    RUN(test_one_layer);
    RUN(test_two_layers);
    RUN(test_quoted_name);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return th_report("t_gpkg_rtree");
}
