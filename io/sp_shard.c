/* sp_shard: shards of lisa and hotspot over features, and their merge; see sp_shard.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <jansson.h>
#include <ogr_api.h>

#include "sp_error.h"
#include "sp_gdal.h"
#include "sp_gpkg_db.h"
#include "sp_gpkg_rtree.h"
#include "sp_hash.h"
#include "sp_output.h"
#include "sp_shard.h"

#define SHARD_MAX 100000

int sp_shard_parse(const char *s, const char *option, int *shard, int *count)
{
    int i, n;
    char end;
    if (sscanf(s, "%d/%d%c", &i, &n, &end) != 2 || n < 1 || i < 1 || i > n)
        return sp_error_set(SP_EUSAGE, "%s %s: expected I/N with 1 <= I <= N", option, s);
    if (n > SHARD_MAX)
        return sp_error_set(SP_EUSAGE, "%s %s: at most %d shards", option, s, SHARD_MAX);
    *shard = i, *count = n;
    return SP_OK;
}

void sp_shard_range(int n, int shard, int count, int *lo, int *hi)
{
    *lo = (int)((long long)(shard - 1) * n / count); /* floor((I-1) n / N) */
    *hi = (int)((long long)shard * n / count);
}

/* 1 when argv[k] is an option left out of the fingerprint; *skip: how many
 * words it takes (2 with a separate value). */
static int ignored(char *const *argv, int argc, int k, int *skip)
{
    static const char *const valued[] = {"--shard", "-o", "--output", "--threads"};
    static const char *const flags[] = {"--timing", "--json", "--csv", "--markdown", "--latex"};
    for (size_t f = 0; f < sizeof flags / sizeof *flags; f++)
        if (strcmp(argv[k], flags[f]) == 0)
            return *skip = 1;
    for (size_t v = 0; v < sizeof valued / sizeof *valued; v++) {
        size_t len = strlen(valued[v]);
        if (strncmp(argv[k], valued[v], len) == 0 && argv[k][len] == '=')
            return *skip = 1;
        if (strcmp(argv[k], valued[v]) == 0) {
            *skip = k + 1 < argc ? 2 : 1;
            return 1;
        }
    }
    return 0;
}

void sp_shard_fingerprint(int argc, char **argv, char hex[65])
{
    size_t size = 1;
    for (int k = 0; k < argc; k++)
        size += strlen(argv[k]) + 1;
    char *buf = sp_malloc(size), *s = buf;
    for (int k = 0, skip; buf && k < argc; k += skip) {
        skip = 1;
        if (ignored(argv, argc, k, &skip))
            continue;
        size_t len = strlen(argv[k]) + 1; /* words joined by NUL bytes */
        memcpy(s, argv[k], len);
        s += len;
    }
    sp_hash_sha256(buf ? buf : "", buf ? (size_t)(s - buf) : 0, hex);
    free(buf);
}

int sp_shard_record_write(const char *out_path, const sp_shard_record *r)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s.shard.json", out_path);
    sp_output o;
    int rc = sp_output_begin(path, &o);
    if (rc)
        return rc;
    json_t *j = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i}", "command", r->cmd, "run",
                          r->run, "shard", r->shard, "of", r->count, "features", r->features,
                          "first", r->lo + 1, "last", r->hi);
    rc = j && json_dump_file(j, o.tmp_path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0
             ? SP_OK : sp_error_set(SP_EDATA, "%s: cannot write", path);
    json_decref(j);
    if (rc) {
        sp_output_abort(&o);
        return rc;
    }
    return sp_output_commit(&o);
}

/* ---- merge ---- */

typedef struct shard_in {
    const char *path;
    char run[65];
    int shard, count, features, first, last;
} shard_in;

static int read_record(const char *path, shard_in *s)
{
    char rec[PATH_MAX];
    snprintf(rec, sizeof rec, "%s.shard.json", path);
    json_t *o = json_load_file(rec, 0, NULL);
    const char *run = NULL;
    s->path = path;
    if (!o || json_unpack(o, "{s:s, s:i, s:i, s:i, s:i, s:i}", "run", &run, "shard", &s->shard,
                          "of", &s->count, "features", &s->features, "first", &s->first, "last",
                          &s->last) != 0 || strlen(run) != 64) {
        json_decref(o);
        return sp_error_set(SP_EDATA, "%s: not a shard output of spill lisa or hotspot --shard "
                            "(no valid %s)", path, rec);
    }
    snprintf(s->run, sizeof s->run, "%s", run);
    json_decref(o);
    return SP_OK;
}

/* Read every record and order the shards 1..N: each once, all of one run. */
static int order_shards(const char *const *files, int n, shard_in **out)
{
    shard_in *in = sp_calloc((size_t)n, sizeof *in), *by = NULL;
    int rc = in ? SP_OK : SP_ENOMEM;
    for (int k = 0; k < n && !rc; k++) {
        rc = read_record(files[k], &in[k]);
        if (!rc && k > 0 && (strcmp(in[k].run, in[0].run) || in[k].count != in[0].count ||
                             in[k].features != in[0].features))
            rc = sp_error_set(SP_EDATA, "%s: a shard of another run (or another N) than %s",
                              files[k], files[0]);
    }
    if (!rc && !(by = sp_calloc((size_t)in[0].count, sizeof *by)))
        rc = SP_ENOMEM;
    for (int k = 0; k < n && !rc; k++) {
        shard_in *slot = &by[in[k].shard - 1];
        if (slot->path)
            rc = sp_error_set(SP_EDATA, "%s: shard %d/%d given twice (also %s)", files[k],
                              in[k].shard, in[k].count, slot->path);
        *slot = in[k];
    }
    for (int s = 0; !rc && s < in[0].count; s++)
        if (!by[s].path)
            rc = sp_error_set(SP_EDATA, "shard %d/%d is missing", s + 1, in[0].count);
    free(in);
    if (rc) {
        free(by);
        return rc;
    }
    *out = by;
    return SP_OK;
}

/* Append path's bytes to f, from the start of its second line when skip_header. */
static int append_csv(FILE *f, const char *path, int skip_header)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return sp_error_set(SP_EDATA, "%s: cannot read", path);
    int c = 0;
    while (skip_header && (c = getc(in)) != EOF && c != '\n')
        ;
    char buf[1 << 16];
    size_t got;
    int rc = SP_OK;
    while ((got = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, got, f) != got)
            rc = sp_error_set(SP_EDATA, "cannot write the merged file");
    if (ferror(in))
        rc = sp_error_set(SP_EDATA, "%s: cannot read", path);
    fclose(in);
    return rc;
}

static int merge_csv(const char *tmp, const shard_in *by, int count)
{
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return sp_error_set(SP_EDATA, "%s: cannot write", tmp);
    int rc = SP_OK;
    for (int s = 0; s < count && !rc; s++)
        rc = append_csv(f, by[s].path, s > 0);
    if (fclose(f) != 0 && !rc)
        rc = sp_error_set(SP_EDATA, "%s: cannot write", tmp);
    return rc;
}

/* The output layer: the first shard's name rule (the output's base name),
 * CRS, geometry type and fields; a GeoPackage's spatial index packed by
 * sp_gpkg_rtree (*packed = 1, rt begun). */
static int merge_layer(GDALDatasetH ds, const char *driver_name, OGRLayerH first,
                       const char *out_path, OGRLayerH *out, sp_gpkg_rtree *rt, int *packed)
{
    char name[256];
    const char *slash = strrchr(out_path, '/'), *dot;
    snprintf(name, sizeof name, "%s", slash ? slash + 1 : out_path);
    if ((dot = strrchr(name, '.')) && dot != name)
        name[dot - name] = '\0';
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(first);
    OGRwkbGeometryType type = OGR_FD_GetGeomType(defn);
    *packed = sp_gpkg_rtree_wanted(driver_name, type, name);
    char **options = *packed ? CSLSetNameValue(NULL, "SPATIAL_INDEX", "NO") : NULL;
    *out = GDALDatasetCreateLayer(ds, name, OGR_L_GetSpatialRef(first), type, options);
    CSLDestroy(options);
    if (!*out)
        return sp_error_set(SP_EDATA, "%s: cannot create the layer: %s", out_path,
                            CPLGetLastErrorMsg());
    for (int k = 0; k < OGR_FD_GetFieldCount(defn); k++)
        if (OGR_L_CreateField(*out, OGR_FD_GetFieldDefn(defn, k), TRUE) != OGRERR_NONE)
            return sp_error_set(SP_EDATA, "%s: cannot create field %d: %s", out_path, k + 1,
                                CPLGetLastErrorMsg());
    int rc = *packed ? sp_gpkg_rtree_begin(ds, *out, rt, out_path) : SP_OK;
    if (rc)
        *packed = 0;
    return rc;
}

/* Copy the features of one shard (its fields as the first shard's). */
static int merge_features(const char *path, OGRLayerH out, int nfield, sp_gpkg_rtree *rt,
                          const char *out_path)
{
    GDALDatasetH ds;
    OGRLayerH in;
    int rc = sp_gdal_open_layer(path, NULL, &ds, &in);
    if (rc)
        return rc;
    if (OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(in)) != nfield)
        rc = sp_error_set(SP_EDATA, "%s: %d fields, the first shard has %d", path,
                          OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(in)), nfield);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(out);
    OGRFeatureH f;
    OGR_L_ResetReading(in);
    while (!rc && (f = OGR_L_GetNextFeature(in)) != NULL) {
        OGRFeatureH g = OGR_F_Create(defn);
        if (OGR_F_SetFrom(g, f, TRUE) != OGRERR_NONE || OGR_L_CreateFeature(out, g) != OGRERR_NONE)
            rc = sp_error_set(SP_EDATA, "%s: cannot copy a feature of %s: %s", out_path, path,
                              CPLGetLastErrorMsg());
        if (!rc && rt)
            rc = sp_gpkg_rtree_add(rt, OGR_F_GetFID(g), OGR_F_GetGeometryRef(g));
        OGR_F_Destroy(g);
        OGR_F_Destroy(f);
    }
    sp_gdal_close(ds);
    return rc;
}

/* Through GDAL, feature by feature, in one transaction. */
static int merge_gdal(const char *tmp, const char *out_path, const char *driver_name,
                      const shard_in *by, int count)
{
    GDALDatasetH first_ds;
    OGRLayerH first;
    int rc = sp_gdal_open_layer(by[0].path, NULL, &first_ds, &first);
    if (rc)
        return rc;
    GDALDriverH driver = GDALGetDriverByName(driver_name);
    GDALDatasetH ds = driver ? GDALCreate(driver, tmp, 0, 0, 0, GDT_Unknown, NULL) : NULL;
    OGRLayerH out = NULL;
    sp_gpkg_rtree rt;
    int packed = 0;
    if (!ds)
        rc = sp_error_set(SP_EDATA, "%s: cannot create: %s", out_path, CPLGetLastErrorMsg());
    if (!rc)
        rc = merge_layer(ds, driver_name, first, out_path, &out, &rt, &packed);
    int nfield = OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(first));
    sp_gdal_close(first_ds);
    int transaction = !rc && GDALDatasetStartTransaction(ds, FALSE) == OGRERR_NONE;
    for (int s = 0; s < count && !rc; s++)
        rc = merge_features(by[s].path, out, nfield, packed ? &rt : NULL, out_path);
    if (packed)
        rc = rc ? (sp_gpkg_rtree_free(&rt), rc) : sp_gpkg_rtree_end(ds, &rt, out_path);
    if (transaction && GDALDatasetCommitTransaction(ds) != OGRERR_NONE && !rc)
        rc = sp_error_set(SP_EDATA, "%s: cannot commit: %s", out_path, CPLGetLastErrorMsg());
    rc = sp_gdal_close_written(ds, out_path, rc);
    return rc;
}

/* The rows of one GeoPackage shard appended through SQLite (sp_gpkg_db):
 * its fields must be the first shard's, by name and type. */
static int merge_db_shard(sp_gpkg_db_out *o, const char *path, OGRFeatureDefnH want)
{
    GDALDatasetH ds;
    OGRLayerH in;
    int rc = sp_gdal_open_layer(path, NULL, &ds, &in);
    if (rc)
        return rc;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(in);
    int n = OGR_FD_GetFieldCount(defn), same = n == OGR_FD_GetFieldCount(want) &&
                                             sp_gpkg_db_fits(ds, in);
    for (int c = 0; same && c < n; c++) {
        OGRFieldDefnH a = OGR_FD_GetFieldDefn(defn, c), b = OGR_FD_GetFieldDefn(want, c);
        same = strcmp(OGR_Fld_GetNameRef(a), OGR_Fld_GetNameRef(b)) == 0 &&
               OGR_Fld_GetType(a) == OGR_Fld_GetType(b);
    }
    sp_gpkg_db_scan sc;
    if (!same)
        o->redo = 1; /* GDAL's path maps the fields (and says what differs) */
    else if (!(rc = sp_gpkg_db_scan_open(path, in, 1, 1, &sc))) {
        int more = 1;
        while (!rc && !o->redo && !(rc = sp_gpkg_db_scan_next(&sc, &more)) && more) {
            rc = sp_gpkg_db_out_geom(o, &sc);
            for (int c = 0; !rc && c < n; c++)
                rc = sp_gpkg_db_out_copy(o, c, &sc, c);
            if (!rc && !o->redo)
                rc = sp_gpkg_db_out_insert(o);
        }
        sp_gpkg_db_scan_close(&sc);
    }
    sp_gdal_close(ds);
    return rc;
}

/* GeoPackage shards: GDAL creates the empty layer, SQLite copies the rows
 * with their geometry blobs; *redo = 1 when GDAL must write the file. */
static int merge_db(const char *tmp, const char *out_path, const shard_in *by, int count,
                    int *redo)
{
    GDALDatasetH first_ds, ds;
    OGRLayerH first, out = NULL;
    *redo = 1;
    int rc = sp_gdal_open_layer(by[0].path, NULL, &first_ds, &first);
    if (rc || !sp_gpkg_db_fits(first_ds, first)) {
        sp_gdal_close(first_ds);
        return rc;
    }
    sp_gpkg_rtree rt;
    int packed = 0;
    ds = GDALCreate(GDALGetDriverByName("GPKG"), tmp, 0, 0, 0, GDT_Unknown, NULL);
    rc = ds ? merge_layer(ds, "GPKG", first, out_path, &out, &rt, &packed)
            : sp_error_set(SP_EDATA, "%s: cannot create: %s", out_path, CPLGetLastErrorMsg());
    /* an index GDAL builds itself has triggers calling GDAL's SQL functions */
    int unindexed = !rc && OGR_L_GetGeomType(first) != wkbNone && !packed;
    OGRFeatureDefnH want = OGR_L_GetLayerDefn(first); /* first_ds stays open */
    char table[256], geom[256];
    snprintf(table, sizeof table, "%s", out ? OGR_L_GetName(out) : "");
    snprintf(geom, sizeof geom, "%s", out ? OGR_L_GetGeometryColumn(out) : "");
    OGRwkbGeometryType type = OGR_FD_GetGeomType(want);
    int n = OGR_FD_GetFieldCount(want);
    const char **cols = sp_calloc((size_t)n + 1, sizeof *cols);
    for (int c = 0; cols && c < n; c++)
        cols[c] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(want, c));
    rc = sp_gdal_close_written(ds, out_path, rc);
    if (unindexed) {
        free(cols);
        sp_gdal_close(first_ds);
        return rc;
    }
    sp_gpkg_db_out o;
    int opened = !rc && cols && !(rc = sp_gpkg_db_out_open(tmp, out_path, &o));
    if (!rc && !cols)
        rc = SP_ENOMEM;
    if (!rc)
        rc = sp_gpkg_db_out_table(&o, table, type != wkbNone ? geom : NULL, cols, n, type,
                                  packed ? &rt : NULL);
    for (int s = 0; !rc && !o.redo && s < count; s++)
        rc = merge_db_shard(&o, by[s].path, want);
    if (!rc && !o.redo)
        rc = sp_gpkg_db_out_table_end(&o);
    *redo = opened && o.redo;
    if (opened) {
        int rc2 = sp_gpkg_db_out_close(&o, !rc && !*redo);
        rc = rc ? rc : rc2;
    }
    if (packed)
        sp_gpkg_rtree_free(&rt);
    free(cols);
    sp_gdal_close(first_ds);
    return rc;
}

static int merge_ogr(const char *tmp, const char *out_path, const char *driver_name,
                     const shard_in *by, int count)
{
    sp_gdal_init();
    int redo = 1, rc = strcmp(driver_name, "GPKG") == 0
                           ? merge_db(tmp, out_path, by, count, &redo) : SP_OK;
    if (rc || !redo)
        return rc;
    VSIUnlink(tmp); /* a first attempt's file */
    return merge_gdal(tmp, out_path, driver_name, by, count);
}

int sp_shard_merge(const char *out_path, const char *const *files, int n)
{
    const char *driver = sp_gdal_driver_for(out_path);
    if (!driver)
        return sp_error_set(SP_EUSAGE, "%s: unknown output format (use .gpkg .shp .geojson .fgb "
                            ".csv .gml .kml .sqlite)", out_path);
    for (int k = 0; k < n; k++) {
        const char *d = sp_gdal_driver_for(files[k]);
        if (!d || strcmp(d, driver) != 0)
            return sp_error_set(SP_EUSAGE, "%s: the shards and -o %s must have one format",
                                files[k], out_path);
    }
    shard_in *by;
    int rc = order_shards(files, n, &by);
    if (rc)
        return rc;
    sp_output o;
    if (!(rc = sp_output_begin(out_path, &o))) {
        rc = strcmp(driver, "CSV") == 0 ? merge_csv(o.tmp_path, by, by[0].count)
                                        : merge_ogr(o.tmp_path, out_path, driver, by, by[0].count);
        rc ? sp_output_abort(&o) : (void)(rc = sp_output_commit(&o));
    }
    if (!rc)
        fprintf(stderr, "spill merge: %d shards, %d features -> %s\n", by[0].count,
                by[0].features, out_path);
    free(by);
    return rc;
}
