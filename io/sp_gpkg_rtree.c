/* sp_gpkg_rtree: a GeoPackage R-tree index packed in bulk; see sp_gpkg_rtree.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include <cpl_error.h>
#include <ogr_srs_api.h>

#include "sp_error.h"
#include "sp_sort.h"
#include "sp_gpkg_rtree.h"

/* Run one SQL statement; a result set (when query) hands its first row's
 * first field to *text (owned by the caller). */
static int sql(GDALDatasetH ds, const char *q, char **text, const char *path)
{
    CPLErrorReset();
    OGRLayerH res = GDALDatasetExecuteSQL(ds, q, NULL, NULL);
    if (text) {
        *text = NULL;
        OGRFeatureH f = res ? OGR_L_GetNextFeature(res) : NULL;
        if (f && OGR_F_IsFieldSetAndNotNull(f, 0)) {
            const char *s = OGR_F_GetFieldAsString(f, 0);
            if ((*text = sp_malloc(strlen(s) + 1)))
                strcpy(*text, s);
        }
        if (f)
            OGR_F_Destroy(f);
    }
    if (res)
        GDALDatasetReleaseResultSet(ds, res);
    if (CPLGetLastErrorType() >= CE_Failure)
        return sp_error_set(SP_EDATA, "%s: spatial index: %s", path, CPLGetLastErrorMsg());
    return SP_OK;
}

/* The index's triggers in creation order: their SQL, joined by NUL bytes
 * into t->triggers, and one DROP statement per trigger into drops. */
static int save_triggers(GDALDatasetH ds, sp_gpkg_rtree *t, char **drops, const char *path)
{
    char q[800];
    snprintf(q, sizeof q, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND "
             "substr(name, 1, %d) = '%s_' ORDER BY rowid", (int)strlen(t->name) + 1, t->name);
    CPLErrorReset();
    OGRLayerH res = GDALDatasetExecuteSQL(ds, q, NULL, NULL);
    size_t n = 0, nd = 0, cap = 1024, capd = 1024;
    t->triggers = sp_malloc(cap), *drops = sp_malloc(capd);
    int rc = res && t->triggers && *drops ? SP_OK : SP_ENOMEM;
    OGRFeatureH f;
    while (!rc && (f = OGR_L_GetNextFeature(res)) != NULL) {
        const char *name = OGR_F_GetFieldAsString(f, 0), *text = OGR_F_GetFieldAsString(f, 1);
        size_t need = strlen(text) + 1, needd = strlen(name) + 32;
        char *a = n + need + 1 > cap ? sp_realloc(t->triggers, cap = 2 * (n + need + 1))
                                     : t->triggers;
        char *b = nd + needd + 1 > capd ? sp_realloc(*drops, capd = 2 * (nd + needd + 1))
                                        : *drops;
        if (a)
            t->triggers = a;
        if (b)
            *drops = b;
        if (!a || !b) {
            rc = SP_ENOMEM;
        } else {
            memcpy(t->triggers + n, text, need);
            n += need;
            nd += (size_t)snprintf(*drops + nd, capd - nd, "DROP TRIGGER \"%s\"", name) + 1;
            t->ntriggers++;
        }
        OGR_F_Destroy(f);
    }
    if (res)
        GDALDatasetReleaseResultSet(ds, res);
    if (!rc && t->ntriggers == 0)
        rc = sp_error_set(SP_EDATA, "%s: spatial index %s has no triggers", path, t->name);
    return rc;
}

int sp_gpkg_rtree_wanted(const char *driver_name, OGRwkbGeometryType type, const char *layer_name)
{
    const char *env = getenv("SPILL_GPKG_RTREE");
    return strcmp(driver_name, "GPKG") == 0 && type != wkbNone && !strpbrk(layer_name, "'\"") &&
           strlen(layer_name) < 200 && !(env && strcmp(env, "gdal") == 0);
}

int sp_gpkg_rtree_begin(GDALDatasetH ds, OGRLayerH layer, sp_gpkg_rtree *t, const char *path)
{
    memset(t, 0, sizeof *t);
    char q[800], *size = NULL, *drops = NULL;
    snprintf(t->name, sizeof t->name, "rtree_%s_%s", OGR_L_GetName(layer),
             OGR_L_GetGeometryColumn(layer));
    snprintf(q, sizeof q, "SELECT CreateSpatialIndex('%s', '%s')", OGR_L_GetName(layer),
             OGR_L_GetGeometryColumn(layer));
    int rc = sql(ds, q, NULL, path);
    snprintf(q, sizeof q, "SELECT length(data) FROM \"%s_node\" WHERE nodeno = 1", t->name);
    if (!rc)
        rc = sql(ds, q, &size, path);
    t->node_size = size ? atoi(size) : 0;
    free(size);
    if (!rc && t->node_size < 4 + 2 * 24)
        rc = sp_error_set(SP_EDATA, "%s: spatial index %s: unexpected layout", path, t->name);
    if (!rc)
        rc = save_triggers(ds, t, &drops, path);
    const char *d = drops;
    for (int k = 0; !rc && k < t->ntriggers; k++, d += strlen(d) + 1)
        rc = sql(ds, d, NULL, path);
    free(drops);
    if (rc)
        sp_gpkg_rtree_free(t);
    return rc;
}

/* SQLite rtree's float32 rounding: minima down, maxima up. */
static float round_down(double d)
{
    float f = (float)d;
    return f > d ? (float)(d * (d < 0 ? 1.0 + 1.0 / 8388608.0 : 1.0 - 1.0 / 8388608.0)) : f;
}

static float round_up(double d)
{
    float f = (float)d;
    return f < d ? (float)(d * (d < 0 ? 1.0 - 1.0 / 8388608.0 : 1.0 + 1.0 / 8388608.0)) : f;
}

int sp_gpkg_rtree_add_box(sp_gpkg_rtree *t, long long fid, const double box[4])
{
    if (t->n == t->cap) {
        long cap = t->cap ? 2 * t->cap : 4096;
        sp_gpkg_rtree_cell *grown = sp_realloc(t->cell, (size_t)cap * sizeof *grown);
        if (!grown)
            return SP_ENOMEM;
        t->cell = grown, t->cap = cap;
    }
    sp_gpkg_rtree_cell *c = &t->cell[t->n++];
    c->id = fid;
    c->box[0] = round_down(box[0]), c->box[1] = round_up(box[1]);
    c->box[2] = round_down(box[2]), c->box[3] = round_up(box[3]);
    return SP_OK;
}

int sp_gpkg_rtree_add(sp_gpkg_rtree *t, long long fid, OGRGeometryH g)
{
    if (!g || OGR_G_IsEmpty(g))
        return SP_OK;
    OGREnvelope e;
    OGR_G_GetEnvelope(g, &e);
    double box[4] = {e.MinX, e.MaxX, e.MinY, e.MaxY};
    return sp_gpkg_rtree_add_box(t, fid, box);
}

/* Position of (x, y) in [0, 65536)^2 along a Hilbert curve. */
static unsigned long long hilbert(unsigned x, unsigned y)
{
    unsigned long long d = 0;
    for (unsigned s = 1u << 15; s > 0; s >>= 1) {
        unsigned rx = (x & s) > 0, ry = (y & s) > 0;
        d += (unsigned long long)s * s * ((3 * rx) ^ ry);
        if (!ry) {
            if (rx)
                x = 65535 - x, y = 65535 - y;
            unsigned tmp = x;
            x = y, y = tmp;
        }
    }
    return d;
}

/* Sort the cells along the Hilbert curve of their centres (stable: ties in
 * the order added). */
static int hilbert_sort(sp_gpkg_rtree *t)
{
    double lo[2] = {1e308, 1e308}, hi[2] = {-1e308, -1e308};
    for (long i = 0; i < t->n; i++)
        for (int a = 0; a < 2; a++) {
            double m = 0.5 * ((double)t->cell[i].box[2 * a] + t->cell[i].box[2 * a + 1]);
            lo[a] = m < lo[a] ? m : lo[a];
            hi[a] = m > hi[a] ? m : hi[a];
        }
    uint64_t *key = sp_malloc((size_t)t->n * sizeof *key);
    uint32_t *at = sp_malloc((size_t)t->n * sizeof *at);
    sp_gpkg_rtree_cell *sorted = sp_malloc((size_t)t->n * sizeof *sorted);
    int rc = key && at && sorted ? SP_OK : SP_ENOMEM;
    for (long i = 0; !rc && i < t->n; i++) {
        unsigned g[2];
        for (int a = 0; a < 2; a++) {
            double m = 0.5 * ((double)t->cell[i].box[2 * a] + t->cell[i].box[2 * a + 1]);
            g[a] = hi[a] > lo[a] ? (unsigned)((m - lo[a]) / (hi[a] - lo[a]) * 65535.0) : 0;
        }
        key[i] = hilbert(g[0], g[1]);
        at[i] = (uint32_t)i;
    }
    if (!rc)
        rc = sp_sort_u64(key, at, (size_t)t->n);
    for (long i = 0; !rc && i < t->n; i++)
        sorted[i] = t->cell[at[i]];
    free(key);
    free(at);
    if (rc) {
        free(sorted);
        return rc;
    }
    free(t->cell);
    t->cell = sorted;
    return SP_OK;
}

static void put_be(unsigned char *p, unsigned long long v, int bytes)
{
    for (int b = bytes - 1; b >= 0; b--, v >>= 8)
        p[b] = (unsigned char)(v & 0xff);
}

/* A node blob of the rtree module: depth (root only), count, then per cell
 * a big-endian 64-bit id and four big-endian float32 coordinates. */
static void node_blob(unsigned char *blob, int size, int depth, const sp_gpkg_rtree_cell *c,
                      int n)
{
    memset(blob, 0, (size_t)size);
    put_be(blob, (unsigned)depth, 2);
    put_be(blob + 2, (unsigned)n, 2);
    for (int i = 0; i < n; i++) {
        unsigned char *p = blob + 4 + 24 * i;
        put_be(p, (unsigned long long)c[i].id, 8);
        for (int a = 0; a < 4; a++) {
            unsigned bits;
            memcpy(&bits, &c[i].box[a], 4);
            put_be(p + 8 + 4 * a, bits, 4);
        }
    }
}

static int db_error(sqlite3 *db, const char *path)
{
    return sp_error_set(SP_EDATA, "%s: spatial index: %s", path, sqlite3_errmsg(db));
}

/* The prepared INSERTs of the index's three tables. */
typedef struct writer {
    sqlite3 *db;
    sqlite3_stmt *st[3]; /* node (nodeno, data), rowid (rowid, nodeno), parent (nodeno, parentnode) */
    const char *path;
    int rc;
    uint64_t *fid;       /* the leaves' (rowid, nodeno) rows, inserted sorted by rowid */
    uint32_t *node;
    long nleaf;
} writer;

enum { ROWID_BATCH = 256 }; /* rows of one INSERT into the rowid table */

/* The rowid rows in rowid order (appends to its B-tree), ROWID_BATCH a statement. */
static int put_rowids(writer *w, const sp_gpkg_rtree *t)
{
    int rc = sp_sort_u64(w->fid, w->node, (size_t)w->nleaf);
    char *q = rc ? NULL : sp_malloc(400 + 8 * ROWID_BATCH);
    sqlite3_stmt *full = NULL;
    if (!rc && !q)
        rc = SP_ENOMEM;
    for (long k = 0; !rc && k < w->nleaf; k += ROWID_BATCH) {
        int m = (int)(w->nleaf - k < ROWID_BATCH ? w->nleaf - k : ROWID_BATCH);
        sqlite3_stmt *st = m == ROWID_BATCH ? full : NULL;
        if (!st) {
            int len = snprintf(q, 400, "INSERT INTO \"%s_rowid\" (rowid, nodeno) VALUES ", t->name);
            for (int r = 0; r < m; r++)
                len += sprintf(q + len, "%s(?,?)", r ? "," : "");
            if (sqlite3_prepare_v2(w->db, q, -1, &st, NULL) != SQLITE_OK) {
                rc = db_error(w->db, w->path);
                break;
            }
            if (m == ROWID_BATCH)
                full = st;
        }
        for (int r = 0; r < m; r++) {
            sqlite3_bind_int64(st, 2 * r + 1, (long long)w->fid[k + r]);
            sqlite3_bind_int64(st, 2 * r + 2, (long long)w->node[k + r]);
        }
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(w->db, w->path);
        sqlite3_reset(st);
        if (st != full)
            sqlite3_finalize(st);
    }
    sqlite3_finalize(full);
    free(q);
    return rc;
}

/* Bind (a, blob) or (a, v) to statement k and run it. */
static void put_row(writer *w, int k, long long a, const unsigned char *blob, int size, long long v)
{
    if (w->rc)
        return;
    sqlite3_stmt *st = w->st[k];
    sqlite3_bind_int64(st, 1, a);
    if (k == 1) { /* a leaf's cell: kept for put_rowids */
        w->fid[w->nleaf] = (uint64_t)a;
        w->node[w->nleaf++] = (uint32_t)v;
        return;
    }
    if (blob)
        sqlite3_bind_blob(st, 2, blob, size, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 2, v);
    if (sqlite3_step(st) != SQLITE_DONE)
        w->rc = db_error(w->db, w->path);
    sqlite3_reset(st);
}

static int writer_open(writer *w, sqlite3 *db, const sp_gpkg_rtree *t, const char *path)
{
    static const char *const fmt[3] = {
        "INSERT OR REPLACE INTO \"%s_node\" (nodeno, data) VALUES (?, ?)",
        "INSERT INTO \"%s_rowid\" (rowid, nodeno) VALUES (?, ?)",
        "INSERT INTO \"%s_parent\" (nodeno, parentnode) VALUES (?, ?)"};
    memset(w, 0, sizeof *w);
    w->db = db, w->path = path;
    for (int k = 0; k < 3 && !w->rc; k++) {
        char q[400];
        snprintf(q, sizeof q, fmt[k], t->name);
        if (sqlite3_prepare_v2(db, q, -1, &w->st[k], NULL) != SQLITE_OK)
            w->rc = db_error(db, path);
    }
    return w->rc;
}

static void writer_close(writer *w)
{
    for (int k = 0; k < 3; k++)
        sqlite3_finalize(w->st[k]);
    free(w->fid);
    free(w->node);
}

/* Pack one level: groups of per cells become nodes numbered from *next
 * (the root, alone at the top, is node 1); their cells are written with
 * their rowid (leaves) or parent (inner) rows; the level above gets one
 * cell per node.  Returns the number of nodes or -1 on failure. */
static long pack_level(sp_gpkg_rtree *t, const sp_gpkg_rtree_cell *c, long n, int depth,
                       int root_depth, long *next, sp_gpkg_rtree_cell *up, writer *w)
{
    int per = (t->node_size - 4) / 24;
    long nn = (n + per - 1) / per;
    unsigned char *blob = sp_malloc((size_t)t->node_size);
    if (!blob)
        return -1;
    for (long k = 0; k < nn; k++) {
        const sp_gpkg_rtree_cell *g = c + k * per;
        int m = (int)(n - k * per < per ? n - k * per : per);
        long no = nn == 1 && depth == root_depth ? 1 : (*next)++;
        node_blob(blob, t->node_size, no == 1 ? root_depth : 0, g, m);
        put_row(w, 0, no, blob, t->node_size, 0);
        up[k].id = no;
        for (int a = 0; a < 4; a++)
            up[k].box[a] = g[0].box[a];
        for (int i = 0; i < m; i++) {
            for (int a = 0; a < 4; a += 2) {
                up[k].box[a] = g[i].box[a] < up[k].box[a] ? g[i].box[a] : up[k].box[a];
                up[k].box[a + 1] = g[i].box[a + 1] > up[k].box[a + 1] ? g[i].box[a + 1]
                                                                      : up[k].box[a + 1];
            }
            put_row(w, depth ? 2 : 1, g[i].id, NULL, 0, no);
        }
    }
    free(blob);
    return w->rc ? -1 : nn;
}

/* Write every level, the leaves' cells into rowid, inner nodes' cells into
 * parent (child, parent). */
static int pack(sqlite3 *db, sp_gpkg_rtree *t, const char *path)
{
    int per = (t->node_size - 4) / 24, root_depth = 0;
    for (long m = (t->n + per - 1) / per; m > 1; m = (m + per - 1) / per)
        root_depth++;
    writer w;
    int rc = writer_open(&w, db, t, path);
    w.fid = sp_malloc((size_t)t->n * sizeof *w.fid);
    w.node = sp_malloc((size_t)t->n * sizeof *w.node);
    if (!rc && (!w.fid || !w.node))
        rc = SP_ENOMEM;
    sp_gpkg_rtree_cell *level = t->cell, *up = NULL;
    long n = t->n, next = 2;
    for (int depth = 0; !rc && n > 0 && depth <= root_depth; depth++) {
        up = sp_malloc(((size_t)n / (size_t)per + 1) * sizeof *up);
        long nn = up ? pack_level(t, level, n, depth, root_depth, &next, up, &w) : -1;
        if (level != t->cell)
            free(level);
        level = up, n = nn;
        if (nn < 0)
            rc = w.rc ? w.rc : SP_ENOMEM;
    }
    if (level != t->cell)
        free(level);
    if (!rc)
        rc = put_rowids(&w, t);
    writer_close(&w);
    return rc;
}

int sp_gpkg_rtree_end_db(sqlite3 *db, sp_gpkg_rtree *t, const char *path)
{
    int rc = t->n > 0 ? hilbert_sort(t) : SP_OK;
    if (!rc && t->n > 0)
        rc = pack(db, t, path);
    const char *trigger = t->triggers;
    for (int k = 0; !rc && k < t->ntriggers; k++, trigger += strlen(trigger) + 1)
        if (sqlite3_exec(db, trigger, NULL, NULL, NULL) != SQLITE_OK)
            rc = db_error(db, path);
    sp_gpkg_rtree_free(t);
    return rc;
}

int sp_gpkg_rtree_end(GDALDatasetH ds, sp_gpkg_rtree *t, const char *path)
{
    sqlite3 *db = GDALGetInternalHandle(ds, "SQLITE_HANDLE");
    if (!db) {
        sp_gpkg_rtree_free(t);
        return sp_error_set(SP_EDATA, "%s: spatial index: GDAL gives no SQLite handle", path);
    }
    return sp_gpkg_rtree_end_db(db, t, path);
}

void sp_gpkg_rtree_free(sp_gpkg_rtree *t)
{
    free(t->triggers);
    free(t->cell);
    memset(t, 0, sizeof *t);
}
