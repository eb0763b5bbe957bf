#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "sp_contig.h"
#include "sp_error.h"

typedef struct contig_vertex {
    int64_t cx, cy; /* grid cell */
    double x, y;
    int unit;
} contig_vertex;

typedef struct vertex_list {
    size_t count, cap;
    contig_vertex *v;
} vertex_list;

static int vertex_push(vertex_list *l, double x, double y, int unit)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4096;
        contig_vertex *grown = sp_realloc(l->v, cap * sizeof *grown);
        if (!grown)
            return SP_ENOMEM;
        l->v = grown;
        l->cap = cap;
    }
    l->v[l->count++] = (contig_vertex){0, 0, x, y, unit};
    return SP_OK;
}

static int collect_seq(GEOSContextHandle_t ctx, const GEOSGeometry *g, int unit, vertex_list *l)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(ctx, g);
    unsigned int size = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx, seq, &size))
        return SP_OK;
    for (unsigned int k = 0; k < size; k++) {
        double x, y;
        GEOSCoordSeq_getXY_r(ctx, seq, k, &x, &y);
        int rc = vertex_push(l, x, y, unit);
        if (rc)
            return rc;
    }
    return SP_OK;
}

/* Every vertex of every ring, line or point of g. */
static int collect_vertices(GEOSContextHandle_t ctx, const GEOSGeometry *g, int unit,
                            vertex_list *l)
{
    int rc = SP_OK;
    switch (GEOSGeomTypeId_r(ctx, g)) {
    case GEOS_POINT:
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        return collect_seq(ctx, g, unit, l);
    case GEOS_POLYGON: {
        rc = collect_seq(ctx, GEOSGetExteriorRing_r(ctx, g), unit, l);
        int holes = GEOSGetNumInteriorRings_r(ctx, g);
        for (int h = 0; h < holes && !rc; h++)
            rc = collect_seq(ctx, GEOSGetInteriorRingN_r(ctx, g, h), unit, l);
        return rc;
    }
    default: {
        int parts = GEOSGetNumGeometries_r(ctx, g);
        for (int p = 0; p < parts && !rc; p++)
            rc = collect_vertices(ctx, GEOSGetGeometryN_r(ctx, g, p), unit, l);
        return rc;
    }
    }
}

static int vertex_by_cell(const void *a, const void *b)
{
    const contig_vertex *u = a, *v = b;
    if (u->cx != v->cx) return u->cx < v->cx ? -1 : 1;
    if (u->cy != v->cy) return u->cy < v->cy ? -1 : 1;
    if (u->unit != v->unit) return u->unit < v->unit ? -1 : 1;
    if (u->x != v->x) return u->x < v->x ? -1 : 1;
    return (u->y > v->y) - (u->y < v->y);
}

/* First vertex at or after cell (cx, cy) in the sorted list. */
static size_t cell_lower_bound(const vertex_list *l, int64_t cx, int64_t cy)
{
    size_t lo = 0, hi = l->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const contig_vertex *v = &l->v[mid];
        if (v->cx < cx || (v->cx == cx && v->cy < cy))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int u64_compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Drop repeated vertices of the same unit (closing points, shared part edges). */
static void dedupe_within_units(vertex_list *l)
{
    size_t out = 0;
    for (size_t k = 0; k < l->count; k++) {
        if (out > 0 && l->v[out - 1].unit == l->v[k].unit && l->v[out - 1].x == l->v[k].x &&
            l->v[out - 1].y == l->v[k].y && l->v[out - 1].cx == l->v[k].cx)
            continue;
        l->v[out++] = l->v[k];
    }
    l->count = out;
}

/* Grid cells: size at least snap, and not so small that cell numbers overflow. */
static void assign_cells(vertex_list *l, double snap)
{
    double extent = 0.0;
    for (size_t k = 0; k < l->count; k++)
        extent = fmax(extent, fmax(fabs(l->v[k].x), fabs(l->v[k].y)));
    double cell = fmax(snap, fmax(extent, 1.0) * 1e-12);
    for (size_t k = 0; k < l->count; k++) {
        l->v[k].cx = (int64_t)floor(l->v[k].x / cell);
        l->v[k].cy = (int64_t)floor(l->v[k].y / cell);
    }
}

/* Matching vertex pairs (a in unit u, b in unit v > u) as (u << 32 | v) keys. */
static int match_pairs(const vertex_list *l, double snap, uint64_t **keys, size_t *count)
{
    size_t cap = 1024, used = 0;
    uint64_t *k = sp_malloc(cap * sizeof *k);
    if (!k)
        return SP_ENOMEM;
    for (size_t a = 0; a < l->count; a++) {
        const contig_vertex *va = &l->v[a];
        for (int dx = -1; dx <= 1; dx++)
            for (int dy = -1; dy <= 1; dy++) {
                size_t b = cell_lower_bound(l, va->cx + dx, va->cy + dy);
                for (; b < l->count && l->v[b].cx == va->cx + dx && l->v[b].cy == va->cy + dy; b++) {
                    const contig_vertex *vb = &l->v[b];
                    if (vb->unit <= va->unit || fabs(va->x - vb->x) > snap ||
                        fabs(va->y - vb->y) > snap || hypot(va->x - vb->x, va->y - vb->y) > snap)
                        continue;
                    if (used == cap) {
                        cap *= 2;
                        uint64_t *grown = sp_realloc(k, cap * sizeof *grown);
                        if (!grown) {
                            free(k);
                            return SP_ENOMEM;
                        }
                        k = grown;
                    }
                    k[used++] = (uint64_t)va->unit << 32 | (uint32_t)vb->unit;
                }
            }
    }
    *keys = k;
    *count = used;
    return SP_OK;
}

int sp_contig_build(GEOSGeometry *const *geoms, int n, sp_contig_rule rule, double snap,
                    sp_csr **out)
{
    *out = NULL;
    if (!(snap >= 0.0) || !isfinite(snap))
        return sp_error_set(SP_EUSAGE, "snap distance must be a finite number >= 0 (got %g)", snap);
    GEOSContextHandle_t ctx = sp_geos();
    vertex_list l = {0};
    int rc = SP_OK;
    for (int i = 0; i < n && !rc; i++)
        if (geoms[i])
            rc = collect_vertices(ctx, geoms[i], i, &l);
    uint64_t *keys = NULL;
    size_t n_keys = 0;
    if (!rc) {
        assign_cells(&l, snap);
        qsort(l.v, l.count, sizeof *l.v, vertex_by_cell);
        dedupe_within_units(&l);
        rc = match_pairs(&l, snap, &keys, &n_keys);
    }
    free(l.v);
    if (rc)
        return rc;
    qsort(keys, n_keys, sizeof *keys, u64_compare);
    int need = rule == SP_CONTIG_QUEEN ? 1 : 2;
    int *ti = sp_malloc((2 * n_keys + 1) * sizeof *ti), *tj = sp_malloc((2 * n_keys + 1) * sizeof *tj);
    int used = 0;
    if (!ti || !tj)
        rc = SP_ENOMEM;
    for (size_t s = 0; s < n_keys && !rc;) {
        size_t e = s;
        while (e < n_keys && keys[e] == keys[s])
            e++;
        if ((int)(e - s) >= need) {
            int u = (int)(keys[s] >> 32), v = (int)(uint32_t)keys[s];
            ti[used] = u; tj[used++] = v;
            ti[used] = v; tj[used++] = u;
        }
        s = e;
    }
    if (!rc)
        rc = sp_csr_from_triplets(n, n, used, ti, tj, NULL, out);
    free(keys);
    free(ti);
    free(tj);
    return rc;
}

double sp_contig_default_snap(int has_crs, int geographic)
{
    if (!has_crs)
        return sqrt(DBL_EPSILON);
    return geographic ? 1e-7 : 0.01;
}
