/* sp_contig: queen and rook contiguity from polygon boundaries; see sp_contig.h. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "sp_contig.h"
#include "sp_error.h"
#include "sp_sort.h"

typedef struct contig_vertex {
    uint64_t cell; /* column << 32 | row of the grid */
    double x, y;
    int unit;
} contig_vertex;

typedef struct vertex_list {
    size_t count, cap;
    contig_vertex *v;
} vertex_list;

static int collect_seq(GEOSContextHandle_t ctx, const GEOSGeometry *g, int unit, vertex_list *l)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(ctx, g);
    unsigned int size = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx, seq, &size) || size == 0)
        return SP_OK;
    while (l->count + size > l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4096;
        contig_vertex *grown = sp_realloc(l->v, cap * sizeof *grown);
        if (!grown)
            return SP_ENOMEM;
        l->v = grown;
        l->cap = cap;
    }
    double *xy = sp_malloc(2 * (size_t)size * sizeof *xy);
    if (!xy)
        return SP_ENOMEM;
    GEOSCoordSeq_copyToBuffer_r(ctx, seq, xy, 0, 0); /* x, y interleaved */
    for (unsigned int k = 0; k < size; k++)
        l->v[l->count++] = (contig_vertex){0, xy[2 * k], xy[2 * k + 1], unit};
    free(xy);
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

static int vertex_in_cell_order(const void *a, const void *b)
{
    const contig_vertex *u = a, *v = b;
    if (u->unit != v->unit) return u->unit < v->unit ? -1 : 1;
    if (u->x != v->x) return u->x < v->x ? -1 : 1;
    return (u->y > v->y) - (u->y < v->y);
}

/* Grid cells of size >= snap, numbered from the lower-left corner; the cell
 * size grows when needed so that rows and columns fit in 31 bits. */
static void assign_cells(vertex_list *l, double snap)
{
    double xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
    for (size_t k = 0; k < l->count; k++) {
        xmin = fmin(xmin, l->v[k].x); xmax = fmax(xmax, l->v[k].x);
        ymin = fmin(ymin, l->v[k].y); ymax = fmax(ymax, l->v[k].y);
    }
    double range = fmax(xmax - xmin, ymax - ymin);
    double cell = fmax(snap, fmax(range / 1073741824.0, 1e-300));
    for (size_t k = 0; k < l->count; k++) {
        uint64_t col = (uint64_t)floor((l->v[k].x - xmin) / cell);
        uint64_t row = (uint64_t)floor((l->v[k].y - ymin) / cell);
        l->v[k].cell = col << 32 | row;
    }
}

/* Sort by cell (radix), then within each cell by (unit, x, y), and drop
 * repeated vertices of one unit (closing points, parts sharing a corner). */
static int sort_and_dedupe(vertex_list *l)
{
    uint64_t *keys = sp_malloc(l->count * sizeof *keys + 1);
    uint32_t *order = sp_malloc(l->count * sizeof *order + 1);
    contig_vertex *sorted = sp_malloc(l->count * sizeof *sorted + 1);
    if (!keys || !order || !sorted) {
        free(keys); free(order); free(sorted);
        return SP_ENOMEM;
    }
    for (size_t k = 0; k < l->count; k++) {
        keys[k] = l->v[k].cell;
        order[k] = (uint32_t)k;
    }
    int rc = sp_sort_u64(keys, order, l->count);
    for (size_t k = 0; k < l->count && !rc; k++)
        sorted[k] = l->v[order[k]];
    free(keys);
    free(order);
    if (rc) {
        free(sorted);
        return rc;
    }
    free(l->v);
    l->v = sorted;
    size_t out = 0;
    for (size_t s = 0; s < l->count;) {
        size_t e = s + 1;
        while (e < l->count && l->v[e].cell == l->v[s].cell)
            e++;
        if (e - s > 16) {
            qsort(l->v + s, e - s, sizeof *l->v, vertex_in_cell_order);
        } else { /* most cells hold a few vertices: insertion sort */
            for (size_t a = s + 1; a < e; a++) {
                contig_vertex v = l->v[a];
                size_t b = a;
                while (b > s && vertex_in_cell_order(&l->v[b - 1], &v) > 0) {
                    l->v[b] = l->v[b - 1];
                    b--;
                }
                l->v[b] = v;
            }
        }
        for (size_t k = s; k < e; k++) {
            const contig_vertex *prev = out > 0 ? &l->v[out - 1] : NULL;
            if (k > s && prev->unit == l->v[k].unit && prev->x == l->v[k].x && prev->y == l->v[k].y)
                continue;
            l->v[out++] = l->v[k];
        }
        s = e;
    }
    l->count = out;
    return SP_OK;
}

static int key_push(uint64_t **keys, size_t *used, size_t *cap, int u, int v)
{
    if (*used == *cap) {
        *cap *= 2;
        uint64_t *grown = sp_realloc(*keys, *cap * sizeof *grown);
        if (!grown)
            return SP_ENOMEM;
        *keys = grown;
    }
    (*keys)[(*used)++] = u < v ? (uint64_t)u << 32 | (uint32_t)v : (uint64_t)v << 32 | (uint32_t)u;
    return SP_OK;
}

/* Matching vertex pairs of different units as (min unit << 32 | max unit) keys.
 * Each unordered vertex pair is visited once, from the vertex that comes first
 * in the sorted order: the rest of its own cell and the cell above it
 * (contiguous in the list), then the three cells of the next column, whose
 * start only moves forward as the vertices are visited in order. */
static int match_pairs(const vertex_list *l, double snap, uint64_t **keys, size_t *count)
{
    size_t cap = 1024, used = 0;
    uint64_t *k = sp_malloc(cap * sizeof *k);
    if (!k)
        return SP_ENOMEM;
    size_t next_col = 0; /* start of cell (col + 1, row - 1): moves forward with a */
    for (size_t a = 0; a < l->count; a++) {
        const contig_vertex *va = &l->v[a];
        uint64_t col = va->cell >> 32, row = va->cell & 0xffffffffu;
        uint64_t first_next = (col + 1) << 32 | (row > 0 ? row - 1 : row);
        while (next_col < l->count && l->v[next_col].cell < first_next)
            next_col++;
        for (int dx = 0; dx <= 1; dx++) {
            uint64_t last = (col + dx) << 32 | (row + 1);
            size_t b = dx ? next_col : a + 1;
            for (; b < l->count && l->v[b].cell <= last; b++) {
                const contig_vertex *vb = &l->v[b];
                if (vb->unit == va->unit || fabs(va->x - vb->x) > snap ||
                    fabs(va->y - vb->y) > snap || hypot(va->x - vb->x, va->y - vb->y) > snap)
                    continue;
                if (key_push(&k, &used, &cap, va->unit, vb->unit)) {
                    free(k);
                    return SP_ENOMEM;
                }
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
        rc = sort_and_dedupe(&l);
    }
    if (!rc)
        rc = match_pairs(&l, snap, &keys, &n_keys);
    free(l.v);
    if (!rc)
        rc = sp_sort_u64(keys, NULL, n_keys);
    int need = rule == SP_CONTIG_QUEEN ? 1 : 2;
    int *ti = NULL, *tj = NULL, used = 0;
    if (!rc) {
        ti = sp_malloc((2 * n_keys + 1) * sizeof *ti);
        tj = sp_malloc((2 * n_keys + 1) * sizeof *tj);
        if (!ti || !tj)
            rc = SP_ENOMEM;
    }
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
