/* sp_contig: queen and rook contiguity from polygon boundaries; see sp_contig.h. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_contig.h"
#include "sp_error.h"
#include "sp_sort.h"

/* Vertices as structure of arrays: x, y interleaved in xy, the unit of each,
 * and (once sorted) the grid cell of each, column * rows + row: a linear key
 * in (column, row) order with as few bits as the grid needs (fewer radix
 * passes); rows leaves one spare row so that row + 1 stays in its column. */
typedef struct vertex_list {
    size_t count, cap;
    uint64_t rows;
    double *xy;
    int *unit;
    uint64_t *cell;
} vertex_list;

static void vertex_list_free(vertex_list *l)
{
    free(l->xy);
    free(l->unit);
    free(l->cell);
    *l = (vertex_list){0};
}

static int vertex_list_reserve(vertex_list *l, size_t more)
{
    if (l->count + more <= l->cap)
        return SP_OK;
    size_t cap = l->cap ? 2 * l->cap : 4096;
    while (cap < l->count + more)
        cap *= 2;
    double *xy = sp_realloc(l->xy, 2 * cap * sizeof *xy);
    if (!xy)
        return SP_ENOMEM;
    l->xy = xy;
    int *unit = sp_realloc(l->unit, cap * sizeof *unit);
    if (!unit)
        return SP_ENOMEM;
    l->unit = unit;
    l->cap = cap;
    return SP_OK;
}

static int collect_seq(GEOSContextHandle_t ctx, const GEOSGeometry *g, int unit, vertex_list *l)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(ctx, g);
    unsigned int size = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx, seq, &size) || size == 0)
        return SP_OK;
    if (vertex_list_reserve(l, size))
        return SP_ENOMEM;
    GEOSCoordSeq_copyToBuffer_r(ctx, seq, l->xy + 2 * l->count, 0, 0); /* x, y interleaved */
    for (unsigned int k = 0; k < size; k++)
        l->unit[l->count++] = unit;
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

/* Order within a cell: unit, then x, then y. */
static int vertex_before(const vertex_list *l, size_t a, size_t b)
{
    if (l->unit[a] != l->unit[b]) return l->unit[a] < l->unit[b];
    if (l->xy[2 * a] != l->xy[2 * b]) return l->xy[2 * a] < l->xy[2 * b];
    return l->xy[2 * a + 1] < l->xy[2 * b + 1];
}

static void vertex_swap(vertex_list *l, size_t a, size_t b)
{
    double x = l->xy[2 * a], y = l->xy[2 * a + 1];
    int u = l->unit[a];
    l->xy[2 * a] = l->xy[2 * b]; l->xy[2 * a + 1] = l->xy[2 * b + 1]; l->unit[a] = l->unit[b];
    l->xy[2 * b] = x; l->xy[2 * b + 1] = y; l->unit[b] = u;
}

/* Sort l[s, e) by (unit, x, y): insertion sort for the few vertices most
 * cells hold, heap sort (no allocation) for crowded cells. */
static void sort_cell(vertex_list *l, size_t s, size_t e)
{
    size_t m = e - s;
    if (m <= 16) {
        for (size_t a = s + 1; a < e; a++)
            for (size_t b = a; b > s && vertex_before(l, b, b - 1); b--)
                vertex_swap(l, b, b - 1);
        return;
    }
    for (size_t start = m / 2; start-- > 0;) /* heapify, then pop the largest */
        for (size_t root = start, child; (child = 2 * root + 1) < m; root = child) {
            if (child + 1 < m && vertex_before(l, s + child, s + child + 1)) child++;
            if (!vertex_before(l, s + root, s + child)) break;
            vertex_swap(l, s + root, s + child);
        }
    for (size_t end = m - 1; end > 0; end--) {
        vertex_swap(l, s, s + end);
        for (size_t root = 0, child; (child = 2 * root + 1) < end; root = child) {
            if (child + 1 < end && vertex_before(l, s + child, s + child + 1)) child++;
            if (!vertex_before(l, s + root, s + child)) break;
            vertex_swap(l, s + root, s + child);
        }
    }
}

/* Grid cells of size >= snap, numbered from the lower-left corner; the cell
 * size grows when needed so that rows and columns fit in 31 bits. */
static int assign_cells(const double *xy, size_t count, double snap, uint64_t **cells,
                        uint64_t *rows)
{
    double xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
    for (size_t k = 0; k < count; k++) {
        xmin = fmin(xmin, xy[2 * k]); xmax = fmax(xmax, xy[2 * k]);
        ymin = fmin(ymin, xy[2 * k + 1]); ymax = fmax(ymax, xy[2 * k + 1]);
    }
    double range = fmax(xmax - xmin, ymax - ymin);
    double cell = fmax(snap, fmax(range / 1073741824.0, 1e-300));
    uint64_t *c = sp_malloc(count * sizeof *c + 1);
    if (!c)
        return SP_ENOMEM;
    uint64_t R = count ? (uint64_t)floor((ymax - ymin) / cell) + 2 : 2;
    for (size_t k = 0; k < count; k++) {
        uint64_t col = (uint64_t)floor((xy[2 * k] - xmin) / cell);
        uint64_t row = (uint64_t)floor((xy[2 * k + 1] - ymin) / cell);
        c[k] = col * R + row;
    }
    *rows = R;
    *cells = c;
    return SP_OK;
}

/* The vertices (xy, unit; count of them) in cell order (radix), within each
 * cell by (unit, x, y), without repeated vertices of one unit (closing
 * points, parts sharing a corner): a new list in *out. */
static int sort_and_dedupe(const double *xy, const int *unit, size_t count, double snap,
                           vertex_list *out)
{
    uint64_t *cells, rows;
    int rc = assign_cells(xy, count, snap, &cells, &rows);
    if (rc)
        return rc;
    if (count > UINT32_MAX) {
        free(cells);
        return sp_error_set(SP_EDATA, "contiguity: more than %u vertices", UINT32_MAX);
    }
    uint32_t *order = sp_malloc(count * sizeof *order + 1);
    rc = order ? SP_OK : SP_ENOMEM;
    for (size_t k = 0; k < count && !rc; k++)
        order[k] = (uint32_t)k;
    if (!rc)
        rc = sp_sort_u64(cells, order, count);
    vertex_list l = {.count = count, .cap = count, .rows = rows, .cell = cells};
    if (!rc && (!(l.xy = sp_malloc(2 * count * sizeof *l.xy + 1)) ||
                !(l.unit = sp_malloc(count * sizeof *l.unit + 1))))
        rc = SP_ENOMEM;
    for (size_t k = 0; k < count && !rc; k++) {
        uint32_t v = order[k];
        l.xy[2 * k] = xy[2 * v];
        l.xy[2 * k + 1] = xy[2 * v + 1];
        l.unit[k] = unit[v];
    }
    free(order);
    if (rc) {
        vertex_list_free(&l);
        return rc;
    }
    size_t kept = 0;
    for (size_t s = 0; s < l.count;) {
        size_t e = s + 1;
        while (e < l.count && l.cell[e] == l.cell[s])
            e++;
        sort_cell(&l, s, e);
        for (size_t k = s; k < e; k++) {
            if (k > s && l.unit[kept - 1] == l.unit[k] && l.xy[2 * kept - 2] == l.xy[2 * k] &&
                l.xy[2 * kept - 1] == l.xy[2 * k + 1])
                continue;
            l.cell[kept] = l.cell[k];
            l.xy[2 * kept] = l.xy[2 * k];
            l.xy[2 * kept + 1] = l.xy[2 * k + 1];
            l.unit[kept++] = l.unit[k];
        }
        s = e;
    }
    l.count = kept;
    *out = l;
    return SP_OK;
}

static int key_push(uint64_t **keys, size_t *used, size_t *cap, int u, int v, int n)
{
    if (*used == *cap) {
        *cap *= 2;
        uint64_t *grown = sp_realloc(*keys, *cap * sizeof *grown);
        if (!grown)
            return SP_ENOMEM;
        *keys = grown;
    }
    (*keys)[(*used)++] = u < v ? (uint64_t)u * (uint64_t)n + (uint64_t)v
                               : (uint64_t)v * (uint64_t)n + (uint64_t)u;
    return SP_OK;
}

/* Matching vertex pairs of different units as min unit * n + max unit keys.
 * Each unordered vertex pair is visited once, from the vertex that comes first
 * in the sorted order: the rest of its own cell and the cell above it
 * (contiguous in the list), then the three cells of the next column, whose
 * start only moves forward as the vertices are visited in order. */
static int match_pairs(const vertex_list *l, int n, double snap, uint64_t **keys, size_t *count)
{
    size_t cap = l->count / 2 + 1024, used = 0;
    uint64_t *k = sp_malloc(cap * sizeof *k);
    if (!k)
        return SP_ENOMEM;
    size_t next_col = 0; /* start of cell (col + 1, row - 1): moves forward with a */
    for (size_t a = 0; a < l->count; a++) {
        uint64_t R = l->rows, col = l->cell[a] / R, row = l->cell[a] % R;
        uint64_t first_next = (col + 1) * R + (row > 0 ? row - 1 : row);
        double xa = l->xy[2 * a], ya = l->xy[2 * a + 1];
        while (next_col < l->count && l->cell[next_col] < first_next)
            next_col++;
        for (int dx = 0; dx <= 1; dx++) {
            uint64_t last = (col + dx) * R + (row + 1);
            size_t b = dx ? next_col : a + 1;
            for (; b < l->count && l->cell[b] <= last; b++) {
                double ddx = xa - l->xy[2 * b], ddy = ya - l->xy[2 * b + 1];
                if (l->unit[b] == l->unit[a] || fabs(ddx) > snap || fabs(ddy) > snap ||
                    hypot(ddx, ddy) > snap)
                    continue;
                if (key_push(&k, &used, &cap, l->unit[a], l->unit[b], n)) {
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

/* The binary symmetric matrix of the unit pairs that occur at least `need`
 * times among the sorted keys. */
static int pairs_to_csr(uint64_t *keys, size_t n_keys, int n, int need, sp_csr **out)
{
    size_t links = 0;
    for (size_t s = 0; s < n_keys;) {
        size_t e = s;
        while (e < n_keys && keys[e] == keys[s])
            e++;
        links += (e - s) >= (size_t)need;
        s = e;
    }
    if (2 * links > INT32_MAX)
        return sp_error_set(SP_EDATA, "contiguity: more than %d links", INT32_MAX);
    int *ti = sp_malloc((2 * links + 1) * sizeof *ti);
    int *tj = sp_malloc((2 * links + 1) * sizeof *tj);
    int rc = ti && tj ? SP_OK : SP_ENOMEM, used = 0;
    for (size_t s = 0; s < n_keys && !rc;) {
        size_t e = s;
        while (e < n_keys && keys[e] == keys[s])
            e++;
        if (e - s >= (size_t)need) {
            int u = (int)(keys[s] / (uint64_t)n), v = (int)(keys[s] % (uint64_t)n);
            ti[used] = u; tj[used++] = v;
            ti[used] = v; tj[used++] = u;
        }
        s = e;
    }
    if (!rc)
        rc = sp_csr_from_triplets(n, n, used, ti, tj, NULL, out);
    free(ti);
    free(tj);
    return rc;
}

/* Contiguity from vertices given as xy (interleaved) with their units. */
static int contig_from_vertices(const double *xy, const int *unit, size_t count, int n,
                                sp_contig_rule rule, double snap, vertex_list *owned,
                                sp_csr **out)
{
    vertex_list l = {0};
    int rc = sort_and_dedupe(xy, unit, count, snap, &l);
    if (owned)
        vertex_list_free(owned); /* the unsorted copy is no longer needed */
    uint64_t *keys = NULL;
    size_t n_keys = 0;
    if (!rc) {
        rc = match_pairs(&l, n, snap, &keys, &n_keys);
        vertex_list_free(&l);
    }
    if (!rc)
        rc = sp_sort_u64(keys, NULL, n_keys);
    if (!rc)
        rc = pairs_to_csr(keys, n_keys, n, rule == SP_CONTIG_QUEEN ? 1 : 2, out);
    free(keys);
    return rc;
}

static int check_snap(double snap)
{
    if (!(snap >= 0.0) || !isfinite(snap))
        return sp_error_set(SP_EUSAGE, "snap distance must be a finite number >= 0 (got %g)", snap);
    return SP_OK;
}

int sp_contig_build(GEOSGeometry *const *geoms, int n, sp_contig_rule rule, double snap,
                    sp_csr **out)
{
    *out = NULL;
    int rc = check_snap(snap);
    if (rc)
        return rc;
    GEOSContextHandle_t ctx = sp_geos();
    vertex_list l = {0};
    for (int i = 0; i < n && !rc; i++)
        if (geoms[i])
            rc = collect_vertices(ctx, geoms[i], i, &l);
    if (rc) {
        vertex_list_free(&l);
        return rc;
    }
    return contig_from_vertices(l.xy, l.unit, l.count, n, rule, snap, &l, out);
}

int sp_contig_build_xy(const double *xy, const size_t *start, int n, sp_contig_rule rule,
                       double snap, sp_csr **out)
{
    *out = NULL;
    int rc = check_snap(snap);
    if (rc)
        return rc;
    size_t count = start[n];
    vertex_list l = {.count = count, .cap = count};
    if (!(l.unit = sp_malloc(count * sizeof *l.unit + 1)))
        return SP_ENOMEM;
    for (int i = 0; i < n; i++)
        for (size_t k = start[i]; k < start[i + 1]; k++)
            l.unit[k] = i;
    return contig_from_vertices(xy, l.unit, count, n, rule, snap, &l, out);
}

double sp_contig_default_snap(int has_crs, int geographic)
{
    if (!has_crs)
        return sqrt(DBL_EPSILON);
    return geographic ? 1e-7 : 0.01;
}
