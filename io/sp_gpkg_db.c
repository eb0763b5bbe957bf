/* sp_gpkg_db: GeoPackage tables read and written through SQLite; see sp_gpkg_db.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sp_error.h"
#include "sp_gdal.h"
#include "sp_gpkg_db.h"
#include "sp_text.h"

/* "name" with its double quotes doubled, for SQL, into buf. */
static const char *ident(const char *name, char *buf, size_t cap)
{
    size_t n = 0;
    buf[n++] = '"';
    for (const char *p = name; *p && n + 3 < cap; p++) {
        if (*p == '"')
            buf[n++] = '"';
        buf[n++] = *p;
    }
    buf[n++] = '"';
    buf[n] = '\0';
    return buf;
}

static int db_error(sqlite3 *db, const char *path)
{
    return sp_error_set(SP_EDATA, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
}

int sp_gpkg_db_fits(GDALDatasetH ds, OGRLayerH layer)
{
    const char *env = getenv("SPILL_GPKG_IO");
    GDALDriverH d = GDALGetDatasetDriver(ds);
    if ((env && strcmp(env, "gdal") == 0) || !d || strcmp(GDALGetDriverShortName(d), "GPKG") ||
        !OGR_L_GetFIDColumn(layer)[0])
        return 0;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    for (int c = 0; c < OGR_FD_GetFieldCount(defn); c++) {
        OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, c));
        if (t != OFTInteger && t != OFTInteger64 && t != OFTReal && t != OFTString)
            return 0;
    }
    /* a table (a view may not keep GDAL's order), read by name as GDAL does */
    sqlite3 *db = GDALGetInternalHandle(ds, "SQLITE_HANDLE");
    sqlite3_stmt *st = NULL;
    int table = db && sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                         "AND lower(name) = lower(?)", -1, &st, NULL) == SQLITE_OK;
    if (table) {
        sqlite3_bind_text(st, 1, OGR_L_GetName(layer), -1, SQLITE_TRANSIENT);
        table = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return table;
}

/* ---- reading ---- */

/* The scan's SELECT: the FID, the geometry, the fields, from FID lo on. */
static int scan_sql(OGRLayerH layer, int geometry, int fields, char **out, int *geom,
                    int *nfield)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int n = fields ? OGR_FD_GetFieldCount(defn) : 0;
    size_t cap = 512 + 2 * (strlen(OGR_L_GetName(layer)) + strlen(OGR_L_GetFIDColumn(layer)) +
                            strlen(OGR_L_GetGeometryColumn(layer)));
    for (int c = 0; c < n; c++)
        cap += 2 * strlen(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, c))) + 8;
    char *q = sp_malloc(cap), *b = sp_malloc(cap);
    if (!q || !b) {
        free(q);
        free(b);
        return SP_ENOMEM;
    }
    char fid[1024];
    ident(OGR_L_GetFIDColumn(layer), fid, sizeof fid);
    size_t len = (size_t)snprintf(q, cap, "SELECT %s", fid);
    *geom = -1;
    if (geometry && OGR_L_GetGeometryColumn(layer)[0]) {
        len += (size_t)snprintf(q + len, cap - len, ", %s",
                                ident(OGR_L_GetGeometryColumn(layer), b, cap));
        *geom = 1;
    }
    for (int c = 0; c < n; c++)
        len += (size_t)snprintf(q + len, cap - len, ", %s",
                                ident(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, c)), b, cap));
    snprintf(q + len, cap - len, " FROM %s WHERE %s >= ? ORDER BY %s",
             ident(OGR_L_GetName(layer), b, cap), fid, fid);
    free(b);
    *out = q;
    *nfield = n;
    return SP_OK;
}

int sp_gpkg_db_scan_open(const char *path, OGRLayerH layer, int geometry, int fields,
                         sp_gpkg_db_scan *s)
{
    memset(s, 0, sizeof *s);
    s->row = -1;
    char *q = NULL;
    int rc = scan_sql(layer, geometry, fields, &q, &s->geom, &s->nfield);
    if (rc)
        return rc;
    s->path = sp_strdup(path);
    s->type = sp_malloc(((size_t)s->nfield + 1) * sizeof *s->type);
    rc = s->path && s->type ? SP_OK : SP_ENOMEM;
    s->first_field = s->geom >= 0 ? 2 : 1;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    for (int c = 0; !rc && c < s->nfield; c++)
        s->type[c] = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, c));
    if (!rc && sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        rc = db_error(s->db, path);
    if (!rc && sqlite3_prepare_v2(s->db, q, -1, &s->st, NULL) != SQLITE_OK)
        rc = db_error(s->db, path);
    if (!rc)
        sqlite3_bind_int64(s->st, 1, -9223372036854775807LL - 1);
    free(q);
    if (rc)
        sp_gpkg_db_scan_close(s);
    return rc;
}

int sp_gpkg_db_scan_next(sp_gpkg_db_scan *s, int *more)
{
    int step = sqlite3_step(s->st);
    *more = step == SQLITE_ROW;
    if (!*more)
        return step == SQLITE_DONE ? SP_OK : db_error(s->db, s->path);
    s->row++;
    if (s->row == s->nfid) { /* a row seen for the first time */
        if (s->nfid == s->capfid) {
            long cap = s->capfid ? 2 * s->capfid : 4096;
            long long *grown = sp_realloc(s->fid, (size_t)cap * sizeof *grown);
            if (!grown)
                return SP_ENOMEM;
            s->fid = grown, s->capfid = cap;
        }
        s->fid[s->nfid++] = sqlite3_column_int64(s->st, 0);
    }
    return SP_OK;
}

int sp_gpkg_db_scan_seek(sp_gpkg_db_scan *s, long index)
{
    if (index < s->row) { /* back: start again at its FID */
        sqlite3_reset(s->st);
        sqlite3_bind_int64(s->st, 1, s->fid[index]);
        s->row = index - 1;
    }
    int more = 1, rc = SP_OK;
    while (!rc && more && s->row < index)
        rc = sp_gpkg_db_scan_next(s, &more);
    if (!rc && !more)
        rc = sp_error_set(SP_EDATA, "%s: no feature %ld", s->path, index + 1);
    return rc;
}

void sp_gpkg_db_scan_close(sp_gpkg_db_scan *s)
{
    sqlite3_finalize(s->st);
    sqlite3_close(s->db);
    free(s->path);
    free(s->type);
    free(s->fid);
    memset(s, 0, sizeof *s);
}

const unsigned char *sp_gpkg_db_scan_blob(const sp_gpkg_db_scan *s, size_t *len)
{
    *len = 0;
    if (s->geom < 0 || sqlite3_column_type(s->st, s->geom) == SQLITE_NULL)
        return NULL;
    const unsigned char *b = sqlite3_column_blob(s->st, s->geom);
    *len = (size_t)sqlite3_column_bytes(s->st, s->geom);
    return b;
}

/* v in decimal ("%lld") into buf (at least 24 bytes). */
static const char *int_text(long long v, char *buf, size_t cap)
{
    char tmp[24];
    int n = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do
        tmp[n++] = (char)('0' + u % 10);
    while ((u /= 10) > 0 && n < 23);
    size_t k = 0;
    if (v < 0 && k + 1 < cap)
        buf[k++] = '-';
    while (n > 0 && k + 1 < cap)
        buf[k++] = tmp[--n];
    buf[k] = '\0';
    return buf;
}

const char *sp_gpkg_db_scan_text(const sp_gpkg_db_scan *s, int c, char *buf, size_t cap)
{
    int col = s->first_field + c;
    if (sqlite3_column_type(s->st, col) == SQLITE_NULL)
        return NULL;
    switch (s->type[c]) {
    case OFTInteger: /* GDAL's GPKG driver reads sqlite3_column_int */
        return int_text(sqlite3_column_int(s->st, col), buf, cap);
    case OFTInteger64:
        return int_text(sqlite3_column_int64(s->st, col), buf, cap);
    case OFTReal:
        sp_table_number_text(sqlite3_column_double(s->st, col), buf, cap);
        return buf;
    default:
        return (const char *)sqlite3_column_text(s->st, col);
    }
}

int sp_gpkg_db_scan_row(const sp_gpkg_db_scan *s, sp_table *t)
{
    char **row, buf[64];
    int rc = sp_gdal_table_row(t, &row);
    for (int c = 0; c < t->ncol && !rc; c++)
        rc = sp_gdal_cell_keep(sp_gpkg_db_scan_text(s, c, buf, sizeof buf), s->path,
                               t->names[c], &row[c]);
    return rc;
}

int sp_gpkg_db_table(const char *path, OGRLayerH layer, sp_table **out)
{
    *out = NULL;
    sp_table *t;
    int rc = sp_gdal_table_new(layer, path, &t);
    if (rc)
        return rc;
    sp_gpkg_db_scan s;
    if ((rc = sp_gpkg_db_scan_open(path, layer, 0, 1, &s))) {
        sp_table_free(t);
        return rc;
    }
    int more = 1;
    while (!rc && !(rc = sp_gpkg_db_scan_next(&s, &more)) && more)
        rc = sp_gpkg_db_scan_row(&s, t);
    sp_gpkg_db_scan_close(&s);
    if (rc) {
        sp_table_free(t);
        return rc;
    }
    *out = t;
    return SP_OK;
}

int sp_gpkg_db_count(const char *path, OGRLayerH layer, long *n)
{
    char q[1100], b[1024];
    snprintf(q, sizeof q, "SELECT count(*) FROM %s", ident(OGR_L_GetName(layer), b, sizeof b));
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
                     sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK &&
                     sqlite3_step(st) == SQLITE_ROW
                 ? SP_OK : db_error(db, path);
    *n = rc ? 0 : (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

/* ---- writing ---- */

static int exec(sp_gpkg_db_out *o, const char *q)
{
    return sqlite3_exec(o->db, q, NULL, NULL, NULL) == SQLITE_OK ? SP_OK
                                                                 : db_error(o->db, o->path);
}

int sp_gpkg_db_out_open(const char *tmp_path, const char *path, sp_gpkg_db_out *o)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    if (sqlite3_open_v2(tmp_path, &o->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        int rc = db_error(o->db, path);
        sqlite3_close(o->db);
        o->db = NULL;
        return rc;
    }
    /* a temporary file of sp_output: renamed into place once complete */
    int rc = exec(o, "PRAGMA synchronous = OFF");
    rc = rc ? rc : exec(o, "PRAGMA journal_mode = MEMORY");
    rc = rc ? rc : exec(o, "PRAGMA cache_size = -65536");
    return rc ? rc : exec(o, "BEGIN");
}

/* Run a one-value query on the output (? bound to o->table). */
static int query_int(sp_gpkg_db_out *o, const char *q, int *value)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(o->db, q, -1, &st, NULL) != SQLITE_OK)
        return db_error(o->db, o->path);
    sqlite3_bind_text(st, 1, o->table, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    *value = step == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return step == SQLITE_ROW || step == SQLITE_DONE ? SP_OK : db_error(o->db, o->path);
}

/* Save and drop the table's triggers (GDAL's feature count triggers): each
 * row's would run an UPDATE; restored by out_table_end. */
static int triggers_suspend(sp_gpkg_db_out *o)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(o->db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                           "AND lower(tbl_name) = lower(?) ORDER BY rowid", -1, &st, NULL))
        return db_error(o->db, o->path);
    sqlite3_bind_text(st, 1, o->table, -1, SQLITE_STATIC);
    size_t n = 0, cap = 0;
    char *names = NULL;
    size_t nn = 0, capn = 0;
    int rc = SP_OK;
    while (!rc && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *text = (const char *)sqlite3_column_text(st, 1);
        size_t need = strlen(text) + 1, needn = 2 * strlen(name) + 32;
        char *a = n + need > cap ? sp_realloc(o->triggers, cap = 2 * (n + need)) : o->triggers;
        char *b = nn + needn > capn ? sp_realloc(names, capn = 2 * (nn + needn)) : names;
        o->triggers = a ? a : o->triggers;
        names = b ? b : names;
        if (!a || !b) {
            rc = SP_ENOMEM;
            break;
        }
        memcpy(o->triggers + n, text, need);
        n += need;
        char q[600];
        nn += (size_t)snprintf(names + nn, capn - nn, "DROP TRIGGER %s", ident(name, q, sizeof q)) + 1;
        o->ntriggers++;
    }
    sqlite3_finalize(st);
    const char *d = names;
    for (int k = 0; !rc && k < o->ntriggers; k++, d += strlen(d) + 1)
        rc = exec(o, d);
    free(names);
    return rc;
}

/* The INSERT of m rows: "INSERT INTO t (cols) VALUES (?, ...), (?, ...)". */
static int prepare_rows(sp_gpkg_db_out *o, int m, sqlite3_stmt **st)
{
    size_t head = strlen(o->insert_sql), tuple = 3 * (size_t)o->width + 4;
    char *q = sp_malloc(head + (size_t)m * tuple + 1);
    if (!q)
        return SP_ENOMEM;
    size_t len = (size_t)sprintf(q, "%s", o->insert_sql);
    for (int r = 0; r < m; r++) {
        len += (size_t)sprintf(q + len, "%s(", r ? ", " : "");
        for (int k = 0; k < o->width; k++)
            len += (size_t)sprintf(q + len, "%s?", k ? ", " : "");
        q[len++] = ')';
    }
    q[len] = '\0';
    int rc = sqlite3_prepare_v2(o->db, q, -1, st, NULL) == SQLITE_OK ? SP_OK
                                                                     : db_error(o->db, o->path);
    free(q);
    return rc;
}

int sp_gpkg_db_out_table(sp_gpkg_db_out *o, const char *table, const char *geom,
                         const char *const *cols, int ncol, OGRwkbGeometryType type,
                         sp_gpkg_rtree *rt)
{
    snprintf(o->table, sizeof o->table, "%s", table);
    o->has_geom = geom != NULL, o->ncol = ncol, o->rt = rt, o->rows = 0, o->has_ext = 0;
    o->width = o->has_geom + ncol, o->slot = 0, o->want_type = 0, o->any_z = o->any_m = 0;
    o->batch = o->width ? 999 / o->width : 64; /* bound parameters: at most 999 */
    o->batch = o->batch < 1 ? 1 : o->batch > 64 ? 64 : o->batch;
    OGRwkbGeometryType flat = OGR_GT_Flatten(type);
    if (geom && flat >= wkbPoint && flat <= wkbGeometryCollection)
        o->want_type = (unsigned)flat + 1000u * (unsigned)((OGR_GT_HasZ(type) ? 1 : 0) +
                                                           (OGR_GT_HasM(type) ? 2 : 0));
    else if (geom && flat != wkbUnknown)
        o->redo = 1; /* curves and the like: GDAL's business */
    int rc = geom ? query_int(o, "SELECT srs_id FROM gpkg_geometry_columns WHERE "
                              "lower(table_name) = lower(?)", &o->srs_id) : SP_OK;
    if (!rc)
        rc = triggers_suspend(o);
    size_t cap = 256 + strlen(table) * 2 + (geom ? 2 * strlen(geom) : 0);
    for (int k = 0; k < ncol; k++)
        cap += 2 * strlen(cols[k]) + 8;
    free(o->insert_sql);
    free(o->val);
    free(o->boxes);
    o->insert_sql = rc ? NULL : sp_malloc(cap);
    char *b = rc ? NULL : sp_malloc(cap);
    o->val = rc ? NULL : sp_calloc((size_t)o->batch * (size_t)o->width + 1, sizeof *o->val);
    o->boxes = rc ? NULL : sp_calloc((size_t)o->batch, sizeof *o->boxes);
    if (!rc && (!o->insert_sql || !b || !o->val || !o->boxes))
        rc = SP_ENOMEM;
    if (!rc) {
        char *q = o->insert_sql;
        size_t len = (size_t)snprintf(q, cap, "INSERT INTO %s (", ident(table, b, cap));
        int n = 0;
        if (geom)
            len += (size_t)snprintf(q + len, cap - len, "%s", ident(geom, b, cap)), n++;
        for (int k = 0; k < ncol; k++, n++)
            len += (size_t)snprintf(q + len, cap - len, "%s%s", n ? ", " : "",
                                    ident(cols[k], b, cap));
        snprintf(q + len, cap - len, ") VALUES ");
        rc = prepare_rows(o, o->batch, &o->ins);
    }
    free(b);
    return rc;
}

/* Value k of the row being bound: text or blob bytes go to the arena. */
static int put_val(sp_gpkg_db_out *o, int k, int type, long long i, double d, const void *bytes,
                   size_t len)
{
    sp_gpkg_db_val *v = &o->val[(size_t)o->slot * (size_t)o->width + (size_t)k];
    v->type = type, v->i = i, v->d = d, v->len = len, v->off = o->arena_n;
    if (type == SQLITE_TEXT || type == SQLITE_BLOB) {
        if (o->arena_n + len > o->arena_cap) {
            size_t cap = 2 * (o->arena_n + len) + 4096;
            unsigned char *grown = sp_realloc(o->arena, cap);
            if (!grown)
                return SP_ENOMEM;
            o->arena = grown, o->arena_cap = cap;
        }
        memcpy(o->arena + o->arena_n, bytes, len);
        o->arena_n += len;
    }
    return SP_OK;
}

/* The extent of the rows so far, and the box of the row being bound. */
static void record_box(sp_gpkg_db_out *o, const sp_gpkg_geom *g)
{
    sp_gpkg_db_box *b = &o->boxes[o->slot];
    if (!(b->has = sp_gpkg_box(g, b->box)))
        return;
    if (!o->has_ext) {
        memcpy(o->ext, b->box, sizeof b->box);
        o->has_ext = 1;
    }
    for (int a = 0; a < 4; a += 2) { /* OGREnvelope::Merge */
        o->ext[a] = b->box[a] < o->ext[a] ? b->box[a] : o->ext[a];
        o->ext[a + 1] = b->box[a + 1] > o->ext[a + 1] ? b->box[a + 1] : o->ext[a + 1];
    }
}

int sp_gpkg_db_out_geom(sp_gpkg_db_out *o, const sp_gpkg_db_scan *s)
{
    if (!o->has_geom)
        return SP_OK;
    o->boxes[o->slot].has = 0;
    size_t len;
    const unsigned char *blob = sp_gpkg_db_scan_blob(s, &len);
    if (!blob)
        return put_val(o, 0, SQLITE_NULL, 0, 0.0, NULL, 0);
    sp_gpkg_geom g;
    const char *why = sp_gpkg_parse(blob, len, NULL, &g);
    OGRGeometryH ogr = NULL;
    if (!why && !g.walked && OGR_G_CreateFromWkb(g.wkb, NULL, &ogr, (int)g.wkb_len) != OGRERR_NONE)
        why = "unreadable WKB";
    if (ogr)
        OGR_G_DestroyGeometry(ogr);
    if (why) /* GDAL would write a NULL geometry (and say so to a silenced handler) */
        return sp_error_set(SP_EDATA, "%s: feature %ld: invalid GeoPackage geometry blob: %s",
                            s->path, s->row + 1, why);
    if (!sp_gpkg_as_gdal(&g) || (o->want_type && g.type != o->want_type)) {
        o->redo = 1; /* GDAL would write other bytes */
        return SP_OK;
    }
    record_box(o, &g);
    o->any_z |= g.has_z, o->any_m |= g.has_m;
    size_t at = o->arena_n;
    int rc = put_val(o, 0, SQLITE_BLOB, 0, 0.0, blob, len);
    if (!rc && g.srs_id != o->srs_id) { /* the output's srs_id, as GDAL stamps it */
        unsigned v = (unsigned)o->srs_id;
        for (int k = 0; k < 4; k++)
            o->arena[at + 4 + k] = (unsigned char)(v >> (8 * k));
    }
    return rc;
}

int sp_gpkg_db_out_copy(sp_gpkg_db_out *o, int k, const sp_gpkg_db_scan *s, int c)
{
    int col = s->first_field + c, at = o->has_geom + k;
    sqlite3_stmt *st = s->st;
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return put_val(o, at, SQLITE_NULL, 0, 0.0, NULL, 0);
    if (s->type[c] == OFTInteger)
        return put_val(o, at, SQLITE_INTEGER, sqlite3_column_int(st, col), 0.0, NULL, 0);
    if (s->type[c] == OFTInteger64)
        return put_val(o, at, SQLITE_INTEGER, sqlite3_column_int64(st, col), 0.0, NULL, 0);
    if (s->type[c] == OFTReal)
        return put_val(o, at, SQLITE_FLOAT, 0, sqlite3_column_double(st, col), NULL, 0);
    const char *text = (const char *)sqlite3_column_text(st, col);
    size_t len = (size_t)sqlite3_column_bytes(st, col);
    if (!sp_text_utf8_valid(text, len, NULL))
        o->redo = 1; /* GDAL warns and may change it */
    return put_val(o, at, SQLITE_TEXT, 0, 0.0, text, len);
}

int sp_gpkg_db_out_added(sp_gpkg_db_out *o, int k, const sp_field *f, int r)
{
    int at = o->has_geom + k;
    switch (f->type) {
    case SP_FIELD_REAL:
        return isfinite(f->real[r]) ? put_val(o, at, SQLITE_FLOAT, 0, f->real[r], NULL, 0)
                                    : put_val(o, at, SQLITE_NULL, 0, 0.0, NULL, 0);
    case SP_FIELD_INT:
        return f->integer[r] == SP_FIELD_INT_NULL
                   ? put_val(o, at, SQLITE_NULL, 0, 0.0, NULL, 0)
                   : put_val(o, at, SQLITE_INTEGER, f->integer[r], 0.0, NULL, 0);
    case SP_FIELD_TEXT:
        if (!f->text[r])
            return put_val(o, at, SQLITE_NULL, 0, 0.0, NULL, 0);
        if (!sp_text_utf8_valid(f->text[r], strlen(f->text[r]), NULL))
            o->redo = 1;
        return put_val(o, at, SQLITE_TEXT, 0, 0.0, f->text[r], strlen(f->text[r]));
    }
    return SP_OK;
}

/* Insert the rows bound so far (o->slot of them) in one statement; their
 * FIDs follow one another up to the last one SQLite gave. */
static int out_flush(sp_gpkg_db_out *o)
{
    int m = o->slot, rc = SP_OK;
    if (m == 0)
        return SP_OK;
    sqlite3_stmt *st = o->ins;
    if (m < o->batch && (rc = prepare_rows(o, m, &st)))
        return rc;
    for (int k = 0; k < m * o->width; k++) {
        const sp_gpkg_db_val *v = &o->val[k];
        const void *bytes = o->arena + v->off;
        int e = v->type == SQLITE_INTEGER ? sqlite3_bind_int64(st, k + 1, v->i)
              : v->type == SQLITE_FLOAT   ? sqlite3_bind_double(st, k + 1, v->d)
              : v->type == SQLITE_TEXT    ? sqlite3_bind_text(st, k + 1, bytes, (int)v->len,
                                                              SQLITE_STATIC)
              : v->type == SQLITE_BLOB    ? sqlite3_bind_blob(st, k + 1, bytes, (int)v->len,
                                                              SQLITE_STATIC)
                                          : sqlite3_bind_null(st, k + 1);
        if (e != SQLITE_OK)
            rc = db_error(o->db, o->path);
    }
    if (!rc && sqlite3_step(st) != SQLITE_DONE)
        rc = sp_error_set(SP_EDATA, "%s: cannot write features %ld to %ld: %s", o->path,
                          o->rows - m + 1, o->rows, sqlite3_errmsg(o->db));
    sqlite3_reset(st);
    if (st != o->ins)
        sqlite3_finalize(st);
    long long last = sqlite3_last_insert_rowid(o->db);
    for (int j = 0; !rc && o->rt && j < m; j++)
        if (o->boxes[j].has)
            rc = sp_gpkg_rtree_add_box(o->rt, last - m + 1 + j, o->boxes[j].box);
    o->slot = 0, o->arena_n = 0;
    return rc;
}

int sp_gpkg_db_out_insert(sp_gpkg_db_out *o)
{
    o->rows++;
    return ++o->slot == o->batch ? out_flush(o) : SP_OK;
}

/* The feature count and extent GDAL keeps for the table. */
static int table_contents(sp_gpkg_db_out *o)
{
    sqlite3_stmt *st;
    int rc = SP_OK;
    if (sqlite3_table_column_metadata(o->db, NULL, "gpkg_ogr_contents", "feature_count", NULL,
                                      NULL, NULL, NULL, NULL) == SQLITE_OK) {
        if (sqlite3_prepare_v2(o->db, "UPDATE gpkg_ogr_contents SET feature_count = ? WHERE "
                               "lower(table_name) = lower(?)", -1, &st, NULL) != SQLITE_OK)
            return db_error(o->db, o->path);
        sqlite3_bind_int64(st, 1, o->rows);
        sqlite3_bind_text(st, 2, o->table, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SP_OK : db_error(o->db, o->path);
        sqlite3_finalize(st);
    }
    /* GDAL marks Z and M "optional" (2) in a layer of any type that got them */
    for (int k = 0; !rc && k < 2 && o->has_geom && !o->want_type; k++) {
        if (!(k ? o->any_m : o->any_z))
            continue;
        if (sqlite3_prepare_v2(o->db, k ? "UPDATE gpkg_geometry_columns SET m = 2 WHERE m = 0 "
                                          "AND lower(table_name) = lower(?)"
                                        : "UPDATE gpkg_geometry_columns SET z = 2 WHERE z = 0 "
                                          "AND lower(table_name) = lower(?)", -1, &st, NULL))
            return db_error(o->db, o->path);
        sqlite3_bind_text(st, 1, o->table, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SP_OK : db_error(o->db, o->path);
        sqlite3_finalize(st);
    }
    if (rc || !o->has_ext)
        return rc;
    /* as GDAL writes it: SQLite's printf, whose %.18g keeps 16 significant digits */
    char *q = sqlite3_mprintf("UPDATE gpkg_contents SET min_x = %.18g, min_y = %.18g, max_x = "
                              "%.18g, max_y = %.18g WHERE lower(table_name) = lower('%q') AND "
                              "Lower(data_type) = 'features'", o->ext[0], o->ext[2], o->ext[1],
                              o->ext[3], o->table);
    rc = q ? exec(o, q) : SP_ENOMEM;
    sqlite3_free(q);
    return rc;
}

int sp_gpkg_db_out_table_end(sp_gpkg_db_out *o)
{
    int rc = out_flush(o);
    sqlite3_finalize(o->ins);
    o->ins = NULL;
    rc = rc ? rc : o->rt ? sp_gpkg_rtree_end_db(o->db, o->rt, o->path) : SP_OK;
    const char *t = o->triggers;
    for (int k = 0; !rc && k < o->ntriggers; k++, t += strlen(t) + 1)
        rc = exec(o, t);
    free(o->triggers);
    o->triggers = NULL;
    o->ntriggers = 0;
    return rc ? rc : table_contents(o);
}

int sp_gpkg_db_out_close(sp_gpkg_db_out *o, int commit)
{
    int rc = SP_OK;
    sqlite3_finalize(o->ins);
    free(o->val);
    free(o->arena);
    free(o->boxes);
    free(o->insert_sql);
    if (o->db)
        rc = commit ? exec(o, "COMMIT") : (sqlite3_exec(o->db, "ROLLBACK", NULL, NULL, NULL),
                                           SP_OK);
    if (o->db && sqlite3_close(o->db) != SQLITE_OK && !rc)
        rc = db_error(o->db, o->path);
    free(o->triggers);
    memset(o, 0, sizeof *o);
    return rc;
}
