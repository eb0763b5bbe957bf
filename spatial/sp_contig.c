/* sp_contig: queen and rook contiguity from polygon boundaries; see sp_contig.h.
 *
 * The build runs in passes over the vertices, each shared out over threads
 * in fixed pieces whose results land in fixed places, so that the matrix
 * does not depend on the thread count:
 * 1. bounds: the bounding box, and a check that every coordinate is finite;
 * 2. grid: cells of size max(snap, range / 2^30) numbered col * rows + row,
 *    the columns grouped into strips of about STRIP_TARGET vertices (from a
 *    histogram of coarse column bins, so that crowded areas get narrow strips);
 * 3. scatter: every vertex (index, column, unit) into its strip, in vertex
 *    order (a stable partition);
 * 4. per strip, in cache: its vertices' records (x, y, column, row, unit)
 *    sorted by cell (stable), without a unit's repeated vertices (closing
 *    points, parts sharing a corner), and the same for the first column of
 *    the next strip; then the pairs of vertices of different units within
 *    snap, in the same or adjacent cells, each unordered pair once, as
 *    (low unit, high unit);
 * 5. the pairs grouped by low unit (a counting sort) and counted: those seen
 *    at least once (queen) or twice (rook) are the links of the matrix. */
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_contig.h"
#include "sp_error.h"
#include "sp_sort.h"
#include "sp_threads.h"
#include "sp_vec.h"

#define STRIP_TARGET 8192   /* vertices per strip: its sort and matching stay in L2 cache */
#define COARSE_BINS 65536   /* column bins the strips are made of */
#define MAX_THREADS 8       /* more bring nothing to passes this memory-bound */
#define SMALL_GROUP 16      /* a unit's vertices in one cell compared pairwise up to this */
#define AGG_CHUNKS 64        /* unit ranges the pairs are counted in */
#define COUNT_WIDTH(m) (4 * (m) + 1024) /* columns up to which a strip is counting-sorted */

/* A vertex in its strip before sorting: its index, unit and grid column. */
typedef struct vref {
    uint32_t idx, col;
    int32_t unit;
} vref;

/* A vertex being matched: coordinates, grid cell (column, row) and unit. */
typedef struct cvert {
    double x, y;
    uint32_t col, row;
    int32_t unit, pad;
} cvert;

/* What one thread keeps between strips: scratch and its vertex pairs. */
typedef struct contig_worker {
    uint64_t *keys, *kscratch;
    uint32_t *pay, *pscratch, *count;
    cvert *rec, *tmp, *own;
    size_t cap, count_cap;
    uint64_t *pairs; /* low unit << 32 | high unit */
    size_t npairs, pairs_cap;
} contig_worker;

typedef struct contig_job {
    const double *xy;
    const size_t *start;
    int n, need, nchunks, nworkers;
    double snap;
    int chunk_unit[MAX_THREADS + 1]; /* chunk c: units chunk_unit[c] .. chunk_unit[c + 1] - 1 */
    double lo[MAX_THREADS][2], hi[MAX_THREADS][2];
    int bad[MAX_THREADS];            /* first unit with a non-finite coordinate, or -1 */
    double xmin, ymin, cell;
    uint64_t rows;
    uint32_t last_col;
    int shift, nbins, nstrips;
    uint32_t *hist;       /* nchunks x nbins vertices per chunk and column bin */
    uint32_t *strip_of;   /* nbins: the strip of each column bin */
    uint32_t *col0;       /* nstrips + 1: first column of each strip */
    size_t *offset;       /* nchunks x nstrips: where a chunk's vertices of a strip go */
    size_t *strip_start;  /* nstrips + 1 */
    vref *refs;           /* the vertices by strip */
    uint32_t *cnt[MAX_THREADS]; /* per worker list: pairs per low unit, then slots */
    size_t *bstart;       /* n + 1: the bucket of each low unit */
    uint32_t *bucket;     /* the high units of the pairs, by low unit */
    int *nhi;             /* links of each unit to higher units */
    contig_worker *workers;
    int (*task)(struct contig_job *, contig_worker *, int);
    int ntasks;
    atomic_int next_task, next_worker;
} contig_job;

/* sp_threads_run's work: take the tasks of the current pass in turn. */
static int job_work(void *ctx)
{
    contig_job *j = ctx;
    contig_worker *w = &j->workers[atomic_fetch_add(&j->next_worker, 1)];
    int rc = SP_OK;
    for (int t; !rc && (t = atomic_fetch_add(&j->next_task, 1)) < j->ntasks;)
        rc = j->task(j, w, t);
    return rc;
}

/* One pass: ntasks calls of task on the job's threads. */
static int job_pass(contig_job *j, int (*task)(contig_job *, contig_worker *, int), int ntasks)
{
    j->task = task;
    j->ntasks = ntasks;
    atomic_store(&j->next_task, 0);
    atomic_store(&j->next_worker, 0);
    return sp_threads_run(j->nworkers, job_work, j);
}

/* The grid column of a vertex: x - xmin in cells. */
static inline uint32_t cell_col(const contig_job *j, double x)
{
    return (uint32_t)floor((x - j->xmin) / j->cell);
}

/* The grid row of a vertex: y - ymin in cells. */
static inline uint32_t cell_row(const contig_job *j, double y)
{
    return (uint32_t)floor((y - j->ymin) / j->cell);
}

/* Pass 1, chunk c: bounding box and the first non-finite coordinate. */
static int task_bounds(contig_job *j, contig_worker *w, int c)
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    j->bad[c] = -1;
    for (int u = j->chunk_unit[c]; u < j->chunk_unit[c + 1] && j->bad[c] < 0; u++)
        for (size_t k = j->start[u]; k < j->start[u + 1]; k++) {
            double x = j->xy[2 * k], y = j->xy[2 * k + 1];
            if (!isfinite(x) || !isfinite(y)) {
                j->bad[c] = u;
                break;
            }
            x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
            y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
        }
    j->lo[c][0] = x0, j->lo[c][1] = y0, j->hi[c][0] = x1, j->hi[c][1] = y1;
    return SP_OK;
}

/* Pass 2, chunk c: vertices per coarse column bin. */
static int task_hist(contig_job *j, contig_worker *w, int c)
{
    uint32_t *h = j->hist + (size_t)c * (size_t)j->nbins;
    for (size_t k = j->start[j->chunk_unit[c]]; k < j->start[j->chunk_unit[c + 1]]; k++)
        h[cell_col(j, j->xy[2 * k]) >> j->shift]++;
    return SP_OK;
}

/* Pass 3, chunk c: every vertex (index, column, unit) into its strip. */
static int task_scatter(contig_job *j, contig_worker *w, int c)
{
    size_t *off = j->offset + (size_t)c * (size_t)j->nstrips;
    for (int u = j->chunk_unit[c]; u < j->chunk_unit[c + 1]; u++)
        for (size_t k = j->start[u]; k < j->start[u + 1]; k++) {
            uint32_t col = cell_col(j, j->xy[2 * k]);
            j->refs[off[j->strip_of[col >> j->shift]]++] = (vref){(uint32_t)k, col, u};
        }
    return SP_OK;
}

/* Scratch for a strip of m vertices and width counted columns. */
static int worker_reserve(contig_worker *w, size_t m, size_t width)
{
    if (width > w->count_cap) {
        free(w->count);
        w->count_cap = (w->count = sp_malloc(width * sizeof *w->count)) ? width : 0;
        if (!w->count)
            return SP_ENOMEM;
    }
    if (m <= w->cap)
        return SP_OK;
    free(w->keys), free(w->kscratch), free(w->pay), free(w->pscratch);
    free(w->rec), free(w->tmp), free(w->own);
    w->keys = sp_malloc(m * sizeof *w->keys);
    w->kscratch = sp_malloc(m * sizeof *w->kscratch);
    w->pay = sp_malloc(m * sizeof *w->pay);
    w->pscratch = sp_malloc(m * sizeof *w->pscratch);
    w->rec = sp_malloc(m * sizeof *w->rec);
    w->tmp = sp_malloc(m * sizeof *w->tmp);
    w->own = sp_malloc(m * sizeof *w->own);
    w->cap = w->keys && w->kscratch && w->pay && w->pscratch && w->rec && w->tmp && w->own ? m : 0;
    return w->cap ? SP_OK : SP_ENOMEM;
}

/* Records v[0..m) sorted by key[] (stable), into out. */
static void sort_by_keys(contig_worker *w, const cvert *v, size_t m, cvert *out)
{
    for (size_t i = 0; i < m; i++)
        w->pay[i] = (uint32_t)i;
    sp_sort_u64_buf(w->keys, w->pay, m, w->kscratch, w->pscratch);
    for (size_t i = 0; i < m; i++)
        out[i] = v[w->pay[i]];
}

/* v[0..m) (columns col0 .. col0 + width - 1) in cell order, stable, into
 * out (which may be v): a counting sort by column, then each column by row
 * (insertion sort for a few, radix sort for many); radix sort of the whole
 * cell numbers when the strip has many more columns than vertices. */
static void sort_cells(contig_worker *w, const cvert *v, size_t m, uint32_t col0, size_t width,
                       uint64_t rows, cvert *out)
{
    if (width > COUNT_WIDTH(m)) {
        for (size_t i = 0; i < m; i++)
            w->keys[i] = (uint64_t)(v[i].col - col0) * rows + v[i].row;
        sort_by_keys(w, v, m, w->tmp);
        memcpy(out, w->tmp, m * sizeof *out);
        return;
    }
    uint32_t *c = w->count;
    memset(c, 0, width * sizeof *c);
    for (size_t i = 0; i < m; i++)
        c[v[i].col - col0]++;
    uint32_t at = 0;
    for (size_t k = 0; k < width; k++) {
        uint32_t t = c[k];
        c[k] = at;
        at += t;
    }
    for (size_t i = 0; i < m; i++)
        w->tmp[c[v[i].col - col0]++] = v[i];
    for (size_t s = 0; s < m;) {
        size_t e = s + 1;
        while (e < m && w->tmp[e].col == w->tmp[s].col)
            e++;
        if (e - s > 32) {
            for (size_t i = s; i < e; i++)
                w->keys[i - s] = w->tmp[i].row;
            sort_by_keys(w, w->tmp + s, e - s, out + s);
        } else {
            for (size_t a = s; a < e; a++) {
                cvert x = w->tmp[a];
                size_t b = a;
                for (; b > s && out[b - 1].row > x.row; b--)
                    out[b] = out[b - 1];
                out[b] = x;
            }
        }
        s = e;
    }
}

/* (x, y) order within one unit's vertices of a cell. */
static int vertex_before(const cvert *a, const cvert *b)
{
    return a->x != b->x ? a->x < b->x : a->y < b->y;
}

/* Heap sort of one unit's many vertices in one cell by (x, y). */
static void sort_group(cvert *g, size_t m)
{
    for (size_t end = m, start = m / 2; end > 1;) {
        if (start > 0)
            start--; /* heapify from the middle, then pop the largest */
        else {
            cvert t = g[0]; g[0] = g[--end]; g[end] = t;
        }
        for (size_t root = start, child; (child = 2 * root + 1) < end; root = child) {
            if (child + 1 < end && vertex_before(&g[child], &g[child + 1]))
                child++;
            if (!vertex_before(&g[root], &g[child]))
                break;
            cvert t = g[root]; g[root] = g[child]; g[child] = t;
        }
    }
}

/* The cell-sorted records t[0..m) without a unit's repeated vertices, in
 * place: within a cell a unit's vertices are adjacent (vertex order); a few
 * are compared pairwise, many sorted by (x, y).  Returns the count kept. */
static size_t drop_repeats(cvert *t, size_t m)
{
    size_t kept = 0;
    for (size_t g = 0; g < m;) {
        size_t e = g + 1, first = kept;
        while (e < m && t[e].col == t[g].col && t[e].row == t[g].row && t[e].unit == t[g].unit)
            e++;
        int many = e - g > SMALL_GROUP;
        if (many)
            sort_group(t + g, e - g);
        for (size_t k = g; k < e; k++) {
            int seen = 0;
            for (size_t q = many && kept > first ? kept - 1 : first; q < kept && !seen; q++)
                seen = t[q].x == t[k].x && t[q].y == t[k].y;
            if (!seen)
                t[kept++] = t[k];
        }
        g = e;
    }
    return kept;
}

/* A pair of vertices of different units within snap of each other. */
static inline int pair_push(contig_worker *w, const cvert *a, const cvert *b, double snap)
{
    double dx = a->x - b->x, dy = a->y - b->y;
    if (a->unit == b->unit || fabs(dx) > snap || fabs(dy) > snap || hypot(dx, dy) > snap)
        return SP_OK;
    if (SP_VEC_RESERVE(w->pairs, w->pairs_cap, w->npairs + 1, 1 << 16))
        return SP_ENOMEM;
    uint32_t lo = (uint32_t)(a->unit < b->unit ? a->unit : b->unit);
    uint32_t hi = (uint32_t)(a->unit < b->unit ? b->unit : a->unit);
    w->pairs[w->npairs++] = (uint64_t)lo << 32 | hi;
    return SP_OK;
}

/* The cell number col * rows + row: cell order is column, then row. */
static inline uint64_t cell_of(uint64_t rows, const cvert *v)
{
    return (uint64_t)v->col * rows + v->row;
}

/* Each unordered pair of vertices once, from the one first in cell order:
 * the rest of its cell and the cell above (next in v), then the three cells
 * of the next column (in v, or in next when that column begins the next
 * strip), whose start only moves forward with a. */
static int match(contig_worker *w, const cvert *v, size_t m, const cvert *next, size_t nm,
                 uint32_t next_col0, uint64_t R, double snap)
{
    size_t own = 0, far = 0;
    int rc = SP_OK;
    for (size_t a = 0; a < m && !rc; a++) {
        uint64_t cell = cell_of(R, &v[a]), col = v[a].col, row = v[a].row;
        for (size_t b = a + 1; b < m && cell_of(R, &v[b]) <= cell + 1 && !rc; b++)
            rc = pair_push(w, &v[a], &v[b], snap);
        int in_next = col + 1 >= next_col0;
        const cvert *c = in_next ? next : v;
        size_t cm = in_next ? nm : m, *pos = in_next ? &far : &own;
        uint64_t first = (col + 1) * R + (row > 0 ? row - 1 : row), last = (col + 1) * R + row + 1;
        while (*pos < cm && cell_of(R, &c[*pos]) < first)
            (*pos)++;
        for (size_t b = *pos; b < cm && cell_of(R, &c[b]) <= last && !rc; b++)
            rc = pair_push(w, &v[a], &c[b], snap);
    }
    return rc;
}

/* Records of the strip vertices r[0..m) with column `col` (all when col is
 * UINT32_MAX) into out; returns how many. */
static size_t load_records(const contig_job *j, const vref *r, size_t m, uint32_t col, cvert *out)
{
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        if (col != UINT32_MAX && r[i].col != col)
            continue;
        double x = j->xy[2 * (size_t)r[i].idx], y = j->xy[2 * (size_t)r[i].idx + 1];
        out[k++] = (cvert){x, y, r[i].col, cell_row(j, y), r[i].unit, 0};
    }
    return k;
}

/* Pass 4, strip s: its records and those of the next strip's first column,
 * each sorted by cell without repeats, then the pairs within snap. */
static int task_strip(contig_job *j, contig_worker *w, int s)
{
    int last = s + 1 == j->nstrips;
    size_t m = j->strip_start[s + 1] - j->strip_start[s], nm = 0;
    size_t nmax = last ? 0 : j->strip_start[s + 2] - j->strip_start[s + 1];
    uint32_t c0 = j->col0[s], c1 = last ? j->last_col + 1 : j->col0[s + 1];
    size_t width = c1 - c0;
    if (worker_reserve(w, m > nmax ? m : nmax, width <= COUNT_WIDTH(m) ? width : 1))
        return SP_ENOMEM;
    m = load_records(j, j->refs + j->strip_start[s], m, UINT32_MAX, w->rec);
    sort_cells(w, w->rec, m, c0, width, j->rows, w->own);
    m = drop_repeats(w->own, m);
    if (!last) { /* the next strip's first column, sorted by row */
        nm = load_records(j, j->refs + j->strip_start[s + 1], nmax, c1, w->rec);
        sort_cells(w, w->rec, nm, c1, 1, j->rows, w->rec);
        nm = drop_repeats(w->rec, nm);
    }
    return match(w, w->own, m, w->rec, nm, last ? UINT32_MAX : c1, j->rows, j->snap);
}

/* Chunks of units with about equal numbers of vertices (fixed by the data). */
static void make_chunks(contig_job *j, size_t count)
{
    j->chunk_unit[0] = 0;
    for (int c = 1; c < j->nchunks; c++) {
        size_t target = count / (size_t)j->nchunks * (size_t)c;
        int lo = j->chunk_unit[c - 1], hi = j->n; /* first unit starting at or after target */
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (j->start[mid] < target) lo = mid + 1; else hi = mid;
        }
        j->chunk_unit[c] = lo;
    }
    j->chunk_unit[j->nchunks] = j->n;
}

/* Passes 1-2: bounds, the grid and its strips, the chunks' offsets. */
static int make_grid(contig_job *j)
{
    int rc = job_pass(j, task_bounds, j->nchunks);
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (int c = 0; c < j->nchunks && !rc; c++) {
        if (j->bad[c] >= 0)
            return sp_error_set(SP_EDATA, "contiguity: unit %d has a vertex with a non-finite "
                                "coordinate", j->bad[c] + 1);
        x0 = fmin(x0, j->lo[c][0]), y0 = fmin(y0, j->lo[c][1]);
        x1 = fmax(x1, j->hi[c][0]), y1 = fmax(y1, j->hi[c][1]);
    }
    if (rc)
        return rc;
    double range = fmax(x1 - x0, y1 - y0);
    j->xmin = x0, j->ymin = y0;
    j->cell = fmax(j->snap, fmax(range / 1073741824.0, 1e-300));
    j->rows = (uint64_t)floor((y1 - y0) / j->cell) + 2; /* a spare row: row + 1 stays in its column */
    j->last_col = cell_col(j, x1);
    while ((j->last_col >> j->shift) >= COARSE_BINS)
        j->shift++;
    j->nbins = (int)(j->last_col >> j->shift) + 1;
    if (!(j->hist = sp_calloc((size_t)j->nchunks * (size_t)j->nbins, sizeof *j->hist)) ||
        !(j->strip_of = sp_malloc((size_t)j->nbins * sizeof *j->strip_of)) ||
        !(j->col0 = sp_malloc(((size_t)j->nbins + 1) * sizeof *j->col0)))
        return SP_ENOMEM;
    return job_pass(j, task_hist, j->nchunks);
}

/* Column bins into strips of about STRIP_TARGET vertices; each chunk's
 * place in each strip (strips in order, chunks in order within a strip). */
static int make_strips(contig_job *j)
{
    size_t acc = 0;
    j->nstrips = 1;
    j->col0[0] = 0;
    for (int b = 0; b < j->nbins; b++) {
        size_t here = 0;
        for (int c = 0; c < j->nchunks; c++)
            here += j->hist[(size_t)c * (size_t)j->nbins + (size_t)b];
        if (acc >= STRIP_TARGET && here > 0) { /* the strip is full: a new one from here */
            j->col0[j->nstrips++] = (uint32_t)b << j->shift;
            acc = 0;
        }
        j->strip_of[b] = (uint32_t)j->nstrips - 1;
        acc += here;
    }
    j->col0[j->nstrips] = UINT32_MAX; /* no column beyond the last strip */
    size_t S = (size_t)j->nstrips;
    if (!(j->offset = sp_calloc((size_t)j->nchunks * S, sizeof *j->offset)) ||
        !(j->strip_start = sp_calloc(S + 1, sizeof *j->strip_start)))
        return SP_ENOMEM;
    for (int c = 0; c < j->nchunks; c++)
        for (int b = 0; b < j->nbins; b++)
            j->offset[c * S + j->strip_of[b]] += j->hist[(size_t)c * (size_t)j->nbins + (size_t)b];
    size_t at = 0;
    for (size_t s = 0; s < S; s++) {
        j->strip_start[s] = at;
        for (int c = 0; c < j->nchunks; c++) {
            size_t k = j->offset[c * S + s];
            j->offset[c * S + s] = at;
            at += k;
        }
    }
    j->strip_start[S] = at;
    return SP_OK;
}

/* Pass 6a, list t: how many of worker t's pairs each low unit has. */
static int task_count(contig_job *j, contig_worker *w, int t)
{
    const contig_worker *src = &j->workers[t];
    uint32_t *c = j->cnt[t];
    for (size_t k = 0; k < src->npairs; k++)
        c[src->pairs[k] >> 32]++;
    return SP_OK;
}

/* Pass 6b, list t: worker t's pairs into their buckets (its own slots). */
static int task_bucket(contig_job *j, contig_worker *w, int t)
{
    contig_worker *src = &j->workers[t];
    uint32_t *at = j->cnt[t];
    for (size_t k = 0; k < src->npairs; k++) {
        uint64_t p = src->pairs[k];
        j->bucket[j->bstart[p >> 32] + at[p >> 32]++] = (uint32_t)p;
    }
    free(src->pairs);
    src->pairs = NULL;
    return SP_OK;
}

/* qsort's order of unit indices. */
static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Sort a bucket: insertion sort for the few pairs of most units, qsort for
 * the rare unit with very many. */
static void sort_bucket(uint32_t *v, size_t m)
{
    if (m > 64) {
        qsort(v, m, sizeof *v, u32_cmp);
        return;
    }
    for (size_t a = 1; a < m; a++) {
        uint32_t x = v[a];
        size_t b = a;
        for (; b > 0 && v[b - 1] > x; b--)
            v[b] = v[b - 1];
        v[b] = x;
    }
}

/* Pass 6c, units of chunk c: each bucket sorted, its high units seen at
 * least `need` times kept once at its start (nhi[u] of them). */
static int task_links(contig_job *j, contig_worker *w, int c)
{
    int u0 = (int)((int64_t)j->n * c / AGG_CHUNKS), u1 = (int)((int64_t)j->n * (c + 1) / AGG_CHUNKS);
    for (int u = u0; u < u1; u++) {
        uint32_t *v = j->bucket + j->bstart[u];
        size_t m = j->bstart[u + 1] - j->bstart[u], kept = 0;
        sort_bucket(v, m);
        for (size_t k = 0; k < m;) {
            size_t r = k + 1;
            while (r < m && v[r] == v[k])
                r++;
            if (r - k >= (size_t)j->need)
                v[kept++] = v[k];
            k = r;
        }
        j->nhi[u] = (int)kept;
    }
    return SP_OK;
}

/* Passes 6a-c: every worker's pairs into buckets by low unit (bucket u is
 * bucket[bstart[u] .. bstart[u + 1])), each worker's in its own slots, then
 * the links of each bucket; the workers' lists are freed. */
static int bucket_links(contig_job *j)
{
    int n = j->n, W = j->nworkers;
    size_t total = 0;
    for (int t = 0; t < W; t++)
        total += j->workers[t].npairs;
    j->bstart = sp_malloc(((size_t)n + 1) * sizeof *j->bstart);
    j->bucket = sp_malloc(total * sizeof *j->bucket + 1);
    j->nhi = sp_malloc(((size_t)n + 1) * sizeof *j->nhi);
    int rc = j->bstart && j->bucket && j->nhi ? SP_OK : SP_ENOMEM;
    for (int t = 0; t < W && !rc; t++)
        if (!(j->cnt[t] = sp_calloc((size_t)n + 1, sizeof *j->cnt[t])))
            rc = SP_ENOMEM;
    if (!rc)
        rc = job_pass(j, task_count, W);
    size_t at = 0;
    for (int u = 0; u < n && !rc; u++) { /* bucket starts; each list's place in them */
        j->bstart[u] = at;
        uint32_t here = 0;
        for (int t = 0; t < W; t++) {
            uint32_t k = j->cnt[t][u];
            j->cnt[t][u] = here;
            here += k;
        }
        at += here;
        j->bstart[u + 1] = at;
    }
    if (!rc)
        rc = job_pass(j, task_bucket, W);
    if (!rc)
        rc = job_pass(j, task_links, AGG_CHUNKS);
    return rc;
}

/* Pass 6d: row u is its lower neighbours (written while the loop passes
 * them, so ascending), then its higher ones; every weight 1. */
static void fill_csr(const contig_job *j, sp_csr *a, int *pos)
{
    int n = a->nrow;
    for (int u = 0; u < n; u++)
        pos[u] = j->nhi[u];
    for (int u = 0; u < n; u++)
        for (int k = 0; k < j->nhi[u]; k++)
            pos[j->bucket[j->bstart[u] + (size_t)k]]++;
    for (int u = 0; u < n; u++)
        a->p[u + 1] = a->p[u] + pos[u];
    memcpy(pos, a->p, (size_t)n * sizeof *pos);
    for (int u = 0; u < n; u++) {
        const uint32_t *hi = j->bucket + j->bstart[u];
        for (int k = 0; k < j->nhi[u]; k++) {
            a->j[pos[u]++] = (int)hi[k];
            a->j[pos[hi[k]]++] = u;
        }
    }
    for (int k = 0; k < a->p[n]; k++)
        a->x[k] = 1.0;
}

/* Pass 6: the units linked by at least `need` vertex pairs as the
 * symmetric binary matrix. */
static int pairs_to_csr(contig_job *j, sp_csr **out)
{
    int rc = bucket_links(j);
    size_t links = 0;
    for (int u = 0; u < j->n && !rc; u++)
        links += (size_t)j->nhi[u];
    if (!rc && 2 * links > INT32_MAX)
        rc = sp_error_set(SP_EDATA, "contiguity: more than %d links", INT32_MAX);
    int *pos = rc ? NULL : sp_malloc(((size_t)j->n + 1) * sizeof *pos);
    if (!rc && !pos)
        rc = SP_ENOMEM;
    if (!rc)
        rc = sp_csr_alloc(j->n, j->n, (int)(2 * links), out);
    if (!rc)
        fill_csr(j, *out, pos);
    free(pos);
    return rc;
}

/* Everything the job and its workers hold. */
static void job_free(contig_job *j)
{
    for (int t = 0; t < j->nworkers && j->workers; t++) {
        contig_worker *w = &j->workers[t];
        free(w->keys), free(w->kscratch), free(w->pay), free(w->pscratch), free(w->count);
        free(w->rec), free(w->tmp), free(w->own), free(w->pairs);
    }
    free(j->workers), free(j->hist), free(j->strip_of), free(j->col0);
    free(j->offset), free(j->strip_start), free(j->refs);
    for (int t = 0; t < MAX_THREADS; t++)
        free(j->cnt[t]);
    free(j->bstart), free(j->bucket), free(j->nhi);
}

/* Contiguity from unit i's vertices xy[2k], xy[2k + 1], start[i] <= k < start[i + 1]. */
static int contig_vertices(const double *xy, const size_t *start, int n, sp_contig_rule rule,
                           double snap, int threads, sp_csr **out)
{
    size_t count = start[n];
    if (count > UINT32_MAX)
        return sp_error_set(SP_EDATA, "contiguity: more than %u vertices", UINT32_MAX);
    contig_job j = {.xy = xy, .start = start, .n = n, .snap = snap,
                    .need = rule == SP_CONTIG_QUEEN ? 1 : 2};
    j.nworkers = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
    j.nchunks = j.nworkers;
    if (count == 0 || n == 0)
        return sp_csr_alloc(n, n, 0, out);
    make_chunks(&j, count);
    int rc = (j.workers = sp_calloc((size_t)j.nworkers, sizeof *j.workers)) ? SP_OK : SP_ENOMEM;
    if (!rc)
        rc = make_grid(&j);
    if (!rc)
        rc = make_strips(&j);
    if (!rc && !(j.refs = sp_malloc(count * sizeof *j.refs)))
        rc = SP_ENOMEM;
    if (!rc)
        rc = job_pass(&j, task_scatter, j.nchunks);
    if (!rc)
        rc = job_pass(&j, task_strip, j.nstrips);
    free(j.refs);
    j.refs = NULL;
    if (!rc)
        rc = pairs_to_csr(&j, out);
    job_free(&j);
    return rc;
}

/* A snap distance is finite and >= 0. */
static int check_snap(double snap)
{
    if (!(snap >= 0.0) || !isfinite(snap))
        return sp_error_set(SP_EUSAGE, "snap distance must be a finite number >= 0 (got %g)", snap);
    return SP_OK;
}

/* Every vertex of every ring, line and point of GEOS geometries. */
typedef struct vertex_list {
    double *xy;
    size_t count, cap;
} vertex_list;

/* The coordinates of one ring, line or point, appended. */
static int collect_seq(GEOSContextHandle_t ctx, const GEOSGeometry *g, vertex_list *l)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(ctx, g);
    unsigned int size = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx, seq, &size) || size == 0)
        return SP_OK;
    if (SP_VEC_RESERVE(l->xy, l->cap, 2 * (l->count + size), 8192))
        return SP_ENOMEM;
    GEOSCoordSeq_copyToBuffer_r(ctx, seq, l->xy + 2 * l->count, 0, 0); /* x, y interleaved */
    l->count += size;
    return SP_OK;
}

/* Every ring, line and point of g, parts and holes included. */
static int collect_vertices(GEOSContextHandle_t ctx, const GEOSGeometry *g, vertex_list *l)
{
    int rc = SP_OK;
    switch (GEOSGeomTypeId_r(ctx, g)) {
    case GEOS_POINT:
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        return collect_seq(ctx, g, l);
    case GEOS_POLYGON: {
        rc = collect_seq(ctx, GEOSGetExteriorRing_r(ctx, g), l);
        int holes = GEOSGetNumInteriorRings_r(ctx, g);
        for (int h = 0; h < holes && !rc; h++)
            rc = collect_seq(ctx, GEOSGetInteriorRingN_r(ctx, g, h), l);
        return rc;
    }
    default: {
        int parts = GEOSGetNumGeometries_r(ctx, g);
        for (int p = 0; p < parts && !rc; p++)
            rc = collect_vertices(ctx, GEOSGetGeometryN_r(ctx, g, p), l);
        return rc;
    }
    }
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
    size_t *start = sp_malloc(((size_t)n + 1) * sizeof *start);
    rc = start ? SP_OK : SP_ENOMEM;
    for (int i = 0; i < n && !rc; i++) {
        start[i] = l.count;
        if (geoms[i])
            rc = collect_vertices(ctx, geoms[i], &l);
    }
    if (!rc) {
        start[n] = l.count;
        rc = contig_vertices(l.xy, start, n, rule, snap, 1, out);
    }
    free(l.xy);
    free(start);
    return rc;
}

int sp_contig_build_xy_threads(const double *xy, const size_t *start, int n, sp_contig_rule rule,
                               double snap, int threads, sp_csr **out)
{
    *out = NULL;
    int rc = check_snap(snap);
    return rc ? rc : contig_vertices(xy, start, n, rule, snap, threads, out);
}

int sp_contig_build_xy(const double *xy, const size_t *start, int n, sp_contig_rule rule,
                       double snap, sp_csr **out)
{
    return sp_contig_build_xy_threads(xy, start, n, rule, snap, 1, out);
}

double sp_contig_default_snap(int has_crs, int geographic)
{
    if (!has_crs)
        return sqrt(DBL_EPSILON);
    return geographic ? 1e-7 : 0.01;
}
