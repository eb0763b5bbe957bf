/* sp_layer_write: an output layer copying the features of an input layer, with new fields; see
 * sp_layer_write.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>

#include "sp_error.h"
#include "sp_gdal.h"
#include "sp_gpkg_db.h"
#include "sp_gpkg_rtree.h"
#include "sp_layer_csv.h"
#include "sp_layer_write.h"
#include "sp_output.h"
#include "sp_readopt.h"
#include "sp_text.h"

/* The input's features, in reading order. */
typedef struct source {
    GDALDatasetH ds;
    OGRLayerH layer;
    OGRFeatureH *feat;
    int n;
} source;

static void source_close(source *s)
{
    for (int i = 0; i < s->n; i++)
        OGR_F_Destroy(s->feat[i]);
    free(s->feat);
    if (s->ds)
        sp_gdal_close(s->ds);
    memset(s, 0, sizeof *s);
}

static int source_open(const char *path, const char *layer_name, source *s)
{
    memset(s, 0, sizeof *s);
    int rc = sp_gdal_open_layer(path, layer_name, &s->ds, &s->layer);
    if (rc)
        return rc;
    int cap = 1024;
    s->feat = sp_malloc((size_t)cap * sizeof *s->feat);
    if (!s->feat) {
        source_close(s);
        return SP_ENOMEM;
    }
    OGR_L_ResetReading(s->layer);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(s->layer)) != NULL) {
        if (s->n == cap) {
            OGRFeatureH *grown = sp_realloc(s->feat, (size_t)cap * 2 * sizeof *grown);
            if (!grown) {
                OGR_F_Destroy(f);
                source_close(s);
                return SP_ENOMEM;
            }
            s->feat = grown;
            cap *= 2;
        }
        s->feat[s->n++] = f;
    }
    return SP_OK;
}

/* The output's geometry type: the input layer's, unless its features mix
 * single and multi parts (Shapefiles declare Polygon and hold MultiPolygons):
 * then the multi type, and single geometries are promoted on writing, since
 * strict formats (FlatGeobuf, GeoPackage) reject a mismatch. */
static OGRwkbGeometryType output_geom_type(const source *s)
{
    OGRwkbGeometryType declared = OGR_L_GetGeomType(s->layer);
    OGRwkbGeometryType multi = OGR_GT_GetCollection(declared);
    int mixed = 0, other = 0;
    for (int i = 0; i < s->n; i++) {
        OGRGeometryH g = OGR_F_GetGeometryRef(s->feat[i]);
        OGRwkbGeometryType t = g ? OGR_G_GetGeometryType(g) : declared;
        mixed |= t != declared;
        other |= t != declared && t != multi;
    }
    if (!mixed)
        return declared;
    return other || multi == wkbUnknown ? wkbUnknown : multi;
}

static const char *base_name(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    snprintf(buf, size, "%s", slash ? slash + 1 : path);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
    return buf;
}

static int is_added(const char *name, const sp_field *fields, int nfields)
{
    for (int k = 0; k < nfields; k++)
        if (strcasecmp(name, fields[k].name) == 0)
            return 1;
    return 0;
}

/* A field name the output holds: a shapefile's DBF keeps 10 bytes, so a
 * longer name is cut on a UTF-8 character boundary (GDAL would cut inside a
 * character: 人工智能指数 is 18 bytes), made unique with _N, with a warning
 * pointing to GeoPackage. */
static void output_name(OGRLayerH out, const char *name, int dbf, const char *path, char *buf,
                        size_t cap)
{
    snprintf(buf, cap, "%s", name);
    if (!dbf || strlen(name) <= 10)
        return;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(out);
    size_t keep = sp_text_cut(name, 10);
    snprintf(buf, cap, "%.*s", (int)keep, name);
    for (int k = 1; OGR_FD_GetFieldIndex(defn, buf) >= 0 && k < 100; k++) {
        char tail[16];
        snprintf(tail, sizeof tail, "_%d", k);
        keep = sp_text_cut(name, 10 - strlen(tail));
        snprintf(buf, cap, "%.*s%s", (int)keep, name, tail);
    }
    sp_readopt_warn("%s: field '%s' is written as '%s' (shapefile field names hold 10 bytes; "
                    "write .gpkg to keep the full names)", path, name, buf);
}

/* map[c] = output index of input field c, -1 when an added field of the
 * same name replaces it (create_fields' numbering). */
static void keep_map(OGRLayerH in, const sp_field *fields, int nfields, int *map)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(in);
    int next = 0;
    for (int c = 0; c < OGR_FD_GetFieldCount(defn); c++)
        map[c] = is_added(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, c)), fields, nfields)
                     ? -1 : next++;
}

/* Create the output layer's fields; map[c] = output index of input field c
 * (-1: dropped), first_added = output index of fields[0].  dbf: the output
 * is a shapefile (names cut to 10 bytes). */
static int create_fields(OGRLayerH in, OGRLayerH out, const sp_field *fields, int nfields,
                         int *map, int *first_added, int dbf, const char *path)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(in);
    int nin = OGR_FD_GetFieldCount(defn), next = 0;
    char name[256];
    keep_map(in, fields, nfields, map);
    for (int c = 0; c < nin; c++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, c);
        if (map[c] < 0)
            continue;
        output_name(out, OGR_Fld_GetNameRef(fd), dbf, path, name, sizeof name);
        OGRFieldDefnH copy = OGR_Fld_Create(name, OGR_Fld_GetType(fd));
        OGR_Fld_SetWidth(copy, OGR_Fld_GetWidth(fd));
        OGR_Fld_SetPrecision(copy, OGR_Fld_GetPrecision(fd));
        OGR_Fld_SetSubType(copy, OGR_Fld_GetSubType(fd));
        OGRErr err = OGR_L_CreateField(out, copy, TRUE);
        OGR_Fld_Destroy(copy);
        if (err != OGRERR_NONE)
            return sp_error_set(SP_EDATA, "%s: cannot create field '%s': %s", path,
                                OGR_Fld_GetNameRef(fd), CPLGetLastErrorMsg());
        next++;
    }
    *first_added = next;
    for (int k = 0; k < nfields; k++) {
        static const OGRFieldType types[] = {OFTReal, OFTInteger, OFTString};
        output_name(out, fields[k].name, dbf, path, name, sizeof name);
        OGRFieldDefnH fd = OGR_Fld_Create(name, types[fields[k].type]);
        if (fields[k].type == SP_FIELD_TEXT && fields[k].width > 0)
            OGR_Fld_SetWidth(fd, fields[k].width);
        OGRErr err = OGR_L_CreateField(out, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (err != OGRERR_NONE)
            return sp_error_set(SP_EDATA, "%s: cannot create field '%s': %s", path,
                                fields[k].name, CPLGetLastErrorMsg());
    }
    return SP_OK;
}

static void set_added(OGRFeatureH f, int index, const sp_field *fd, int r)
{
    switch (fd->type) {
    case SP_FIELD_REAL:
        if (isfinite(fd->real[r]))
            OGR_F_SetFieldDouble(f, index, fd->real[r]);
        else
            OGR_F_SetFieldNull(f, index);
        break;
    case SP_FIELD_INT:
        if (fd->integer[r] == SP_FIELD_INT_NULL)
            OGR_F_SetFieldNull(f, index);
        else
            OGR_F_SetFieldInteger(f, index, fd->integer[r]);
        break;
    case SP_FIELD_TEXT:
        if (fd->text[r])
            OGR_F_SetFieldString(f, index, fd->text[r]);
        else
            OGR_F_SetFieldNull(f, index);
        break;
    }
}

/* Write the rows in one transaction; rt (NULL: GDAL's own index) collects
 * the features' boxes and packs the spatial index before the commit. */
static int write_features(source *s, GDALDatasetH ds, OGRLayerH out, int nrow, const int *src_row,
                          const sp_field *fields, int nfields, const int *map, int first_added,
                          sp_gpkg_rtree *rt, const char *path)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(out);
    int transaction = GDALDatasetStartTransaction(ds, FALSE) == OGRERR_NONE;
    int rc = SP_OK;
    for (int r = 0; r < nrow && !rc; r++) {
        OGRFeatureH f = OGR_F_Create(defn);
        OGRFeatureH from = s->feat[src_row ? src_row[r] : r];
        if (OGR_F_SetFromWithMap(f, from, TRUE, (int *)map) != OGRERR_NONE)
            rc = sp_error_set(SP_EDATA, "%s: cannot copy feature %d", path, r + 1);
        OGRwkbGeometryType want = OGR_FD_GetGeomType(defn);
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (!rc && g && want != wkbUnknown && OGR_G_GetGeometryType(g) != want)
            OGR_F_SetGeometryDirectly(f, OGR_G_ForceTo(OGR_F_StealGeometry(f), want, NULL));
        for (int k = 0; !rc && k < nfields; k++)
            set_added(f, first_added + k, &fields[k], r);
        if (!rc && OGR_L_CreateFeature(out, f) != OGRERR_NONE)
            rc = sp_error_set(SP_EDATA, "%s: cannot write feature %d: %s", path, r + 1,
                              CPLGetLastErrorMsg());
        if (!rc && rt)
            rc = sp_gpkg_rtree_add(rt, OGR_F_GetFID(f), OGR_F_GetGeometryRef(f));
        OGR_F_Destroy(f);
    }
    if (rt)
        rc = rc ? (sp_gpkg_rtree_free(rt), rc) : sp_gpkg_rtree_end(ds, rt, path);
    if (transaction && GDALDatasetCommitTransaction(ds) != OGRERR_NONE && !rc)
        rc = sp_error_set(SP_EDATA, "%s: cannot commit the features: %s", path,
                          CPLGetLastErrorMsg());
    return rc;
}

/* CSV without geometry through spill's formatter (sp_layer_csv): 1 when
 * written (rc set), 0 when GDAL's driver must write it. */
static int csv_own(const source *s, const char *driver_name, const char *tmp_path,
                   const char *out_path, const sp_layer_part *p, int *rc)
{
    if (strcmp(driver_name, "CSV") != 0)
        return 0;
    int nin = OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(s->layer));
    int *map = sp_malloc(((size_t)nin + 1) * sizeof *map);
    if (!map) {
        *rc = SP_ENOMEM;
        return 1;
    }
    keep_map(s->layer, p->fields, p->nfields, map);
    int own = sp_layer_csv_fits(s->layer, map, p->fields, p->nfields);
    if (own)
        *rc = sp_layer_csv_write(tmp_path, out_path, s->layer, s->feat, p->nrow, p->src_row, map,
                                 p->fields, p->nfields);
    free(map);
    return own;
}

/* Check a part's rows against the source's feature count. */
static int check_rows(const source *s, const sp_layer_part *p, const char *out_path)
{
    for (int r = 0; p->src_row && r < p->nrow; r++)
        if (p->src_row[r] < 0 || p->src_row[r] >= s->n)
            return sp_error_set(SP_EUSAGE, "%s: row %d refers to feature %d of %d", out_path,
                                r + 1, p->src_row[r] + 1, s->n);
    if (!p->src_row && p->nrow != s->n)
        return sp_error_set(SP_EUSAGE, "%s: %d rows for %d features", out_path, p->nrow, s->n);
    return SP_OK;
}

/* An output layer created in its data source: map and first_added as
 * create_fields sets them; when packed, the empty R-tree of sp_gpkg_rtree_begin. */
typedef struct made {
    OGRLayerH out;
    int *map, first_added, packed;
    sp_gpkg_rtree rt;
} made;

static void made_free(made *m)
{
    free(m->map);
    if (m->packed)
        sp_gpkg_rtree_free(&m->rt);
    memset(m, 0, sizeof *m);
}

/* Create one output layer of geometry type `type` in ds, with its fields. */
static int create_part(const source *s, GDALDatasetH ds, const char *driver_name,
                       const sp_layer_part *p, OGRwkbGeometryType type, const char *out_path,
                       made *m)
{
    memset(m, 0, sizeof *m);
    int nin = OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(s->layer));
    if (!(m->map = sp_malloc(((size_t)nin + 1) * sizeof *m->map)))
        return SP_ENOMEM;
    char name[256];
    char **options = NULL;
    if (strcmp(driver_name, "CSV") == 0)
        options = CSLSetNameValue(options, "GEOMETRY", "AS_WKT");
    if (strcmp(driver_name, "ESRI Shapefile") == 0)
        options = CSLSetNameValue(options, "ENCODING", "UTF-8");
    const char *layer_name = p->name ? p->name : base_name(out_path, name, sizeof name);
    int packed = sp_gpkg_rtree_wanted(driver_name, type, layer_name);
    if (packed)
        options = CSLSetNameValue(options, "SPATIAL_INDEX", "NO");
    CPLErrorReset();
    m->out = GDALDatasetCreateLayer(ds, layer_name, OGR_L_GetSpatialRef(s->layer), type, options);
    CSLDestroy(options);
    int rc = m->out ? SP_OK : sp_error_set(SP_EDATA, "%s: cannot create the output layer: %s",
                                           out_path, CPLGetLastErrorMsg());
    if (!rc)
        rc = create_fields(s->layer, m->out, p->fields, p->nfields, m->map, &m->first_added,
                           strcmp(driver_name, "ESRI Shapefile") == 0, out_path);
    if (!rc && packed && !(rc = sp_gpkg_rtree_begin(ds, m->out, &m->rt, out_path)))
        m->packed = 1;
    return rc;
}

/* Create one output layer in ds and write its features. */
static int write_part(source *s, GDALDatasetH ds, const char *driver_name, const sp_layer_part *p,
                      const char *out_path)
{
    made m;
    int rc = create_part(s, ds, driver_name, p, output_geom_type(s), out_path, &m);
    if (!rc)
        rc = write_features(s, ds, m.out, p->nrow, p->src_row, p->fields, p->nfields, m.map,
                            m.first_added, m.packed ? &m.rt : NULL, out_path);
    m.packed = 0; /* write_features finished or freed the index */
    made_free(&m);
    return rc;
}

/* ---- GeoPackage to GeoPackage through SQLite (sp_gpkg_db.h) ---- */

/* A layer GDAL created, with the names its rows are written under. */
typedef struct fast_part {
    made m;
    char table[256], geom[256];
    char **cols;
    int ncol;
    OGRwkbGeometryType type;
} fast_part;

static void fast_part_free(fast_part *f)
{
    for (int k = 0; f->cols && k < f->ncol; k++)
        free(f->cols[k]);
    free(f->cols);
    made_free(&f->m);
}

/* Create the layer through GDAL and keep its table, geometry and column names. */
static int fast_create(const source *s, GDALDatasetH ds, const sp_layer_part *p,
                       const char *out_path, fast_part *f)
{
    memset(f, 0, sizeof *f);
    f->type = OGR_L_GetGeomType(s->layer); /* a row of another type: written by GDAL */
    int rc = create_part(s, ds, "GPKG", p, f->type, out_path, &f->m);
    if (rc)
        return rc;
    snprintf(f->table, sizeof f->table, "%s", OGR_L_GetName(f->m.out));
    snprintf(f->geom, sizeof f->geom, "%s", OGR_L_GetGeometryColumn(f->m.out));
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(f->m.out);
    f->ncol = OGR_FD_GetFieldCount(defn);
    f->cols = sp_calloc((size_t)f->ncol + 1, sizeof *f->cols);
    for (int k = 0; f->cols && k < f->ncol; k++)
        if (!(f->cols[k] = sp_strdup(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, k)))))
            return SP_ENOMEM;
    return f->cols ? SP_OK : SP_ENOMEM;
}

/* Fill one created layer: row r copies the source row src_row[r]. */
static int fast_fill(sp_gpkg_db_out *o, sp_gpkg_db_scan *sc, fast_part *f, const sp_layer_part *p)
{
    int rc = sp_gpkg_db_out_table(o, f->table, f->type != wkbNone ? f->geom : NULL,
                                  (const char *const *)f->cols, f->ncol, f->type,
                                  f->m.packed ? &f->m.rt : NULL);
    for (int r = 0; !rc && !o->redo && r < p->nrow; r++) {
        rc = sp_gpkg_db_scan_seek(sc, p->src_row ? p->src_row[r] : r);
        if (!rc)
            rc = sp_gpkg_db_out_geom(o, sc);
        for (int c = 0; !rc && c < sc->nfield; c++)
            if (f->m.map[c] >= 0)
                rc = sp_gpkg_db_out_copy(o, f->m.map[c], sc, c);
        for (int k = 0; !rc && k < p->nfields; k++)
            rc = sp_gpkg_db_out_added(o, f->m.first_added + k, &p->fields[k], r);
        if (!rc && !o->redo)
            rc = sp_gpkg_db_out_insert(o);
    }
    return rc || o->redo ? rc : sp_gpkg_db_out_table_end(o);
}

/* GDAL creates the layers (closed empty), then SQLite fills them. */
static int fast_write(const source *s, GDALDriverH driver, const char *tmp_path,
                      const char *src_path, const char *out_path, const sp_layer_part *parts,
                      int nparts, int *redo)
{
    fast_part *f = sp_calloc((size_t)nparts, sizeof *f);
    if (!f)
        return SP_ENOMEM;
    CPLErrorReset();
    GDALDatasetH ds = GDALCreate(driver, tmp_path, 0, 0, 0, GDT_Unknown, NULL);
    int rc = ds ? SP_OK : sp_error_set(SP_EDATA, "%s: cannot create: %s", out_path,
                                       CPLGetLastErrorMsg());
    for (int k = 0; !rc && k < nparts; k++)
        rc = fast_create(s, ds, &parts[k], out_path, &f[k]);
    rc = sp_gdal_close_written(ds, out_path, rc);
    sp_gpkg_db_out o;
    sp_gpkg_db_scan sc;
    int opened = !rc && !(rc = sp_gpkg_db_out_open(tmp_path, out_path, &o));
    if (!rc)
        rc = sp_gpkg_db_scan_open(src_path, s->layer, 1, 1, &sc);
    int scanning = opened && !rc;
    for (int k = 0; !rc && !o.redo && k < nparts; k++)
        rc = fast_fill(&o, &sc, &f[k], &parts[k]);
    *redo = opened && o.redo;
    if (scanning)
        sp_gpkg_db_scan_close(&sc);
    if (opened) {
        int rc2 = sp_gpkg_db_out_close(&o, !rc && !*redo);
        rc = rc ? rc : rc2;
    }
    for (int k = 0; k < nparts; k++)
        fast_part_free(&f[k]);
    free(f);
    return rc;
}

/* The fast path when the source is a GeoPackage table sp_gpkg_db reads and
 * the output a GeoPackage: *done = 1 when it wrote out_path (or failed), 0
 * when GDAL must (another kind of source, or a row GDAL writes otherwise). */
static int gpkg_to_gpkg(const char *src_path, const char *src_layer, const char *out_path,
                        GDALDriverH driver, const sp_layer_part *parts, int nparts, int *done)
{
    *done = 0;
    source s;
    memset(&s, 0, sizeof s);
    int rc = sp_gdal_open_layer(src_path, src_layer, &s.ds, &s.layer);
    if (rc || !sp_gpkg_db_fits(s.ds, s.layer)) {
        source_close(&s);
        return rc;
    }
    /* a layer whose index GDAL builds (SPILL_GPKG_RTREE=gdal, a quoted name)
     * would have its triggers fire GDAL's SQL functions: GDAL writes it all */
    char name[256];
    for (int k = 0; k < nparts; k++)
        if (OGR_L_GetGeomType(s.layer) != wkbNone &&
            !sp_gpkg_rtree_wanted("GPKG", OGR_L_GetGeomType(s.layer),
                                  parts[k].name ? parts[k].name
                                                : base_name(out_path, name, sizeof name))) {
            source_close(&s);
            return SP_OK;
        }
    long n = 0;
    *done = 1;
    rc = sp_gpkg_db_count(src_path, s.layer, &n);
    s.n = (int)n;
    for (int k = 0; !rc && k < nparts; k++)
        rc = check_rows(&s, &parts[k], out_path);
    sp_output o;
    int redo = 0;
    if (!rc && !(rc = sp_output_begin(out_path, &o))) {
        rc = fast_write(&s, driver, o.tmp_path, src_path, out_path, parts, nparts, &redo);
        rc || redo ? sp_output_abort(&o) : (void)(rc = sp_output_commit(&o));
    }
    s.n = 0; /* no features were read */
    source_close(&s);
    *done = rc || !redo;
    return rc;
}

int sp_layer_write_multi(const char *out_path)
{
    const char *d = sp_gdal_driver_for(out_path);
    return d && (strcmp(d, "GPKG") == 0 || strcmp(d, "SQLite") == 0);
}

int sp_layer_write_many(const char *src_path, const char *src_layer, const char *out_path,
                        const sp_layer_part *parts, int nparts)
{
    const char *driver_name = sp_gdal_driver_for(out_path);
    if (!driver_name)
        return sp_error_set(SP_EUSAGE, "%s: unknown output format (use .gpkg .shp .geojson .fgb "
                            ".csv .gml .kml .sqlite)", out_path);
    if (nparts > 1 && !sp_layer_write_multi(out_path))
        return sp_error_set(SP_EUSAGE, "%s: %d layers need a format that holds several (.gpkg, "
                            ".sqlite)", out_path, nparts);
    sp_gdal_init();
    GDALDriverH driver = GDALGetDriverByName(driver_name);
    if (!driver)
        return sp_error_set(SP_EUSAGE, "%s: GDAL has no %s driver", out_path, driver_name);
    int done = 0, rc = strcmp(driver_name, "GPKG") == 0
                           ? gpkg_to_gpkg(src_path, src_layer, out_path, driver, parts, nparts,
                                          &done) : SP_OK;
    if (done)
        return rc;
    source s;
    rc = source_open(src_path, src_layer, &s);
    for (int k = 0; !rc && k < nparts; k++)
        rc = check_rows(&s, &parts[k], out_path);
    sp_output o;
    if (rc || (rc = sp_output_begin(out_path, &o))) {
        source_close(&s);
        return rc;
    }
    if (csv_own(&s, driver_name, o.tmp_path, out_path, &parts[0], &rc)) {
        source_close(&s);
        if (rc) {
            sp_output_abort(&o);
            return rc;
        }
        return sp_output_commit(&o);
    }
    CPLErrorReset();
    GDALDatasetH ds = GDALCreate(driver, o.tmp_path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds)
        rc = sp_error_set(SP_EDATA, "%s: cannot create: %s", out_path, CPLGetLastErrorMsg());
    for (int k = 0; !rc && k < nparts; k++)
        rc = write_part(&s, ds, driver_name, &parts[k], out_path);
    rc = sp_gdal_close_written(ds, out_path, rc);
    source_close(&s);
    if (rc) {
        sp_output_abort(&o);
        return rc;
    }
    return sp_output_commit(&o);
}

int sp_layer_write(const char *src_path, const char *src_layer, const char *out_path, int nrow,
                   const int *src_row, const sp_field *fields, int nfields)
{
    sp_layer_part part = {NULL, nrow, src_row, fields, nfields};
    return sp_layer_write_many(src_path, src_layer, out_path, &part, 1);
}
