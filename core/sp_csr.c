/* sp_csr: compressed sparse row matrices, the one sparse type of spill; see sp_csr.h. */
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "sp_csr.h"
#include "sp_error.h"

int sp_csr_alloc(int nrow, int ncol, int nnz, sp_csr **out)
{
    *out = NULL;
    if (nrow < 0 || ncol < 0 || nnz < 0)
        return sp_error_set(SP_EUSAGE, "sp_csr_alloc: negative size");
    sp_csr *a = sp_calloc(1, sizeof *a);
    if (!a)
        return SP_ENOMEM;
    a->nrow = nrow;
    a->ncol = ncol;
    a->p = sp_calloc((size_t)nrow + 1, sizeof *a->p);
    a->j = sp_malloc((size_t)nnz * sizeof *a->j);
    a->x = sp_malloc((size_t)nnz * sizeof *a->x);
    if (!a->p || !a->j || !a->x) {
        sp_csr_free(a);
        return SP_ENOMEM;
    }
    *out = a;
    return SP_OK;
}

void sp_csr_free(sp_csr *a)
{
    if (!a)
        return;
    free(a->p);
    free(a->j);
    free(a->x);
    free(a);
}

/* Sort one row's (column, value) pairs by column: insertion sort, rows are short. */
static void csr_sort_row(int *j, double *x, int len)
{
    for (int s = 1; s < len; s++) {
        int col = j[s];
        double val = x[s];
        int t = s - 1;
        while (t >= 0 && j[t] > col) {
            j[t + 1] = j[t];
            x[t + 1] = x[t];
            t--;
        }
        j[t + 1] = col;
        x[t + 1] = val;
    }
}

void sp_csr_canonicalize(sp_csr *a)
{
    int out = 0;
    for (int i = 0; i < a->nrow; i++) {
        int start = a->p[i], end = a->p[i + 1];
        csr_sort_row(a->j + start, a->x + start, end - start);
        a->p[i] = out;
        for (int k = start; k < end; k++) {
            if (out > a->p[i] && a->j[out - 1] == a->j[k]) {
                a->x[out - 1] += a->x[k];
            } else {
                a->j[out] = a->j[k];
                a->x[out] = a->x[k];
                out++;
            }
        }
    }
    a->p[a->nrow] = out;
}

int sp_csr_from_triplets(int nrow, int ncol, int nnz, const int *ti,
                         const int *tj, const double *tx, sp_csr **out)
{
    sp_csr *a;
    int rc = sp_csr_alloc(nrow, ncol, nnz, &a);
    if (rc)
        return rc;
    for (int k = 0; k < nnz; k++) {
        if (ti[k] < 0 || ti[k] >= nrow || tj[k] < 0 || tj[k] >= ncol) {
            sp_csr_free(a);
            *out = NULL;
            return sp_error_set(SP_EUSAGE, "sp_csr_from_triplets: entry %d out of range", k);
        }
        a->p[ti[k] + 1]++;
    }
    for (int i = 0; i < nrow; i++)
        a->p[i + 1] += a->p[i];
    int *next = sp_malloc((size_t)(nrow + 1) * sizeof *next);
    if (!next) {
        sp_csr_free(a);
        *out = NULL;
        return SP_ENOMEM;
    }
    memcpy(next, a->p, (size_t)(nrow + 1) * sizeof *next);
    for (int k = 0; k < nnz; k++) {
        int slot = next[ti[k]]++;
        a->j[slot] = tj[k];
        a->x[slot] = tx ? tx[k] : 1.0;
    }
    free(next);
    sp_csr_canonicalize(a);
    *out = a;
    return SP_OK;
}

int sp_csr_copy(const sp_csr *a, sp_csr **out)
{
    int nnz = sp_csr_nnz(a);
    int rc = sp_csr_alloc(a->nrow, a->ncol, nnz, out);
    if (rc)
        return rc;
    memcpy((*out)->p, a->p, (size_t)(a->nrow + 1) * sizeof *a->p);
    memcpy((*out)->j, a->j, (size_t)nnz * sizeof *a->j);
    memcpy((*out)->x, a->x, (size_t)nnz * sizeof *a->x);
    return SP_OK;
}

int sp_csr_transpose(const sp_csr *a, sp_csr **out)
{
    int nnz = sp_csr_nnz(a);
    sp_csr *t;
    int rc = sp_csr_alloc(a->ncol, a->nrow, nnz, &t);
    if (rc)
        return rc;
    for (int k = 0; k < nnz; k++)
        t->p[a->j[k] + 1]++;
    for (int i = 0; i < a->ncol; i++)
        t->p[i + 1] += t->p[i];
    int *next = sp_malloc((size_t)(a->ncol + 1) * sizeof *next);
    if (!next) {
        sp_csr_free(t);
        *out = NULL;
        return SP_ENOMEM;
    }
    memcpy(next, t->p, (size_t)(a->ncol + 1) * sizeof *next);
    /* Visiting rows in order leaves each transposed row sorted. */
    for (int i = 0; i < a->nrow; i++)
        for (int k = a->p[i]; k < a->p[i + 1]; k++) {
            int slot = next[a->j[k]]++;
            t->j[slot] = i;
            t->x[slot] = a->x[k];
        }
    free(next);
    *out = t;
    return SP_OK;
}

int sp_csr_multiply(const sp_csr *a, const sp_csr *b, sp_csr **out)
{
    *out = NULL;
    if (a->ncol != b->nrow)
        return sp_error_set(SP_EUSAGE, "sp_csr_multiply: shapes do not conform");
    /* Gustavson's algorithm: one dense accumulator row, two passes. */
    int *mark = sp_malloc((size_t)b->ncol * sizeof *mark);
    double *acc = sp_calloc((size_t)b->ncol, sizeof *acc);
    int *rowp = sp_calloc((size_t)a->nrow + 1, sizeof *rowp);
    if (!mark || !acc || !rowp) {
        free(mark); free(acc); free(rowp);
        return SP_ENOMEM;
    }
    for (int c = 0; c < b->ncol; c++)
        mark[c] = -1;
    for (int i = 0; i < a->nrow; i++) {
        int count = 0;
        for (int k = a->p[i]; k < a->p[i + 1]; k++)
            for (int m = b->p[a->j[k]]; m < b->p[a->j[k] + 1]; m++)
                if (mark[b->j[m]] != i) {
                    mark[b->j[m]] = i;
                    count++;
                }
        rowp[i + 1] = rowp[i] + count;
    }
    sp_csr *c;
    int rc = sp_csr_alloc(a->nrow, b->ncol, rowp[a->nrow], &c);
    if (rc) {
        free(mark); free(acc); free(rowp);
        return rc;
    }
    memcpy(c->p, rowp, (size_t)(a->nrow + 1) * sizeof *rowp);
    for (int col = 0; col < b->ncol; col++)
        mark[col] = -1;
    for (int i = 0; i < a->nrow; i++) {
        int fill = c->p[i];
        for (int k = a->p[i]; k < a->p[i + 1]; k++)
            for (int m = b->p[a->j[k]]; m < b->p[a->j[k] + 1]; m++) {
                int col = b->j[m];
                if (mark[col] != i) {
                    mark[col] = i;
                    c->j[fill++] = col;
                }
                acc[col] += a->x[k] * b->x[m];
            }
        for (int k = c->p[i]; k < c->p[i + 1]; k++) {
            c->x[k] = acc[c->j[k]];
            acc[c->j[k]] = 0.0;
        }
        csr_sort_row(c->j + c->p[i], c->x + c->p[i], c->p[i + 1] - c->p[i]);
    }
    free(mark); free(acc); free(rowp);
    *out = c;
    return SP_OK;
}

void sp_csr_matvec(const sp_csr *a, const double *x, double *y)
{
    for (int i = 0; i < a->nrow; i++) {
        double s = 0.0;
        for (int k = a->p[i]; k < a->p[i + 1]; k++)
            s += a->x[k] * x[a->j[k]];
        y[i] = s;
    }
}

void sp_csr_matvec_t(const sp_csr *a, const double *x, double *y)
{
    for (int c = 0; c < a->ncol; c++)
        y[c] = 0.0;
    for (int i = 0; i < a->nrow; i++)
        for (int k = a->p[i]; k < a->p[i + 1]; k++)
            y[a->j[k]] += a->x[k] * x[i];
}

double sp_csr_get(const sp_csr *a, int i, int k)
{
    int lo = a->p[i], hi = a->p[i + 1] - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (a->j[mid] == k)
            return a->x[mid];
        if (a->j[mid] < k)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0.0;
}

/* Binary search for (i, k); 1 if present. */
static int csr_has(const sp_csr *a, int i, int k)
{
    int lo = a->p[i], hi = a->p[i + 1] - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (a->j[mid] == k)
            return 1;
        if (a->j[mid] < k)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

int sp_csr_stochastic_islands(const sp_csr *a, int *empty)
{
    *empty = 0;
    for (int i = 0; i < a->nrow; i++) {
        if (a->p[i] == a->p[i + 1]) {
            (*empty)++;
            continue;
        }
        double s = 0.0;
        for (int q = a->p[i]; q < a->p[i + 1]; q++) {
            int j = a->j[q];
            if (a->p[j] == a->p[j + 1])
                return 0; /* a link to an empty row */
            s += a->x[q];
        }
        if (fabs(s - 1.0) > 1e-12)
            return 0;
    }
    return 1;
}

/* Whether A equals A' (pattern; values to tol unless tol < 0) in one walk:
 * rows in order, an entry (i, j) above the diagonal must meet (j, i) as the
 * next unvisited entry of row j (rows are sorted), and in the end no row may
 * keep an unvisited entry below its diagonal.  -1 when the cursors cannot be
 * allocated (plain malloc: the caller then searches entry by entry). */
static int csr_symmetric_walk(const sp_csr *a, double tol)
{
    int n = a->nrow, *cur = malloc(((size_t)n + 1) * sizeof *cur), sym = 1;
    if (!cur)
        return -1;
    memcpy(cur, a->p, (size_t)n * sizeof *cur);
    for (int i = 0; i < n && sym; i++)
        for (int k = a->p[i]; k < a->p[i + 1] && sym; k++) {
            int j = a->j[k], c = j > i ? cur[j]++ : -1;
            if (c < 0)
                continue;
            double v = a->x[k], w = c < a->p[j + 1] ? a->x[c] : 0.0;
            sym = c < a->p[j + 1] && a->j[c] == i &&
                  !(tol >= 0.0 && fabs(v - w) > tol * fmax(fabs(v), fabs(w)));
        }
    for (int j = 0; j < n && sym; j++)
        sym = !(cur[j] < a->p[j + 1] && a->j[cur[j]] < j);
    free(cur);
    return sym;
}

/* See sp_csr.h.  mirror[q] = the position of W's entry (j, i) for its entry
 * q = (i, j), in one pass over the rows in order (cursor: n ints of scratch): row j's
 * entries in columns below i have all been matched when row i asks for
 * (j, i), so each row's cursor points at it; 0 when the pattern is not
 * symmetric (an entry without its mirror).  One look-up per entry instead of
 * a binary search in a row far away in memory (sp_csr_get). */
int sp_csr_mirror(const sp_csr *W, int *mirror, int *cursor)
{
    int n = W->nrow;
    if (n != W->ncol)
        return 0;
    memcpy(cursor, W->p, (size_t)n * sizeof *cursor);
    for (int i = 0; i < n; i++)
        for (int q = W->p[i]; q < W->p[i + 1]; q++) {
            int j = W->j[q], c = cursor[j];
            if (c >= W->p[j + 1] || W->j[c] != i)
                return 0;
            mirror[q] = c;
            cursor[j] = c + 1;
        }
    for (int j = 0; j < n; j++)
        if (cursor[j] != W->p[j + 1])
            return 0;
    return 1;
}

int sp_csr_pattern_symmetric(const sp_csr *a)
{
    if (a->nrow != a->ncol)
        return 0;
    int walk = csr_symmetric_walk(a, -1.0);
    if (walk >= 0)
        return walk;
    for (int i = 0; i < a->nrow; i++)
        for (int k = a->p[i]; k < a->p[i + 1]; k++)
            if (!csr_has(a, a->j[k], i))
                return 0;
    return 1;
}

int sp_csr_is_symmetric(const sp_csr *a, double tol)
{
    int walk = a->nrow == a->ncol ? csr_symmetric_walk(a, tol) : 0;
    if (walk >= 0)
        return walk;
    if (!sp_csr_pattern_symmetric(a))
        return 0;
    for (int i = 0; i < a->nrow; i++)
        for (int k = a->p[i]; k < a->p[i + 1]; k++) {
            double v = a->x[k], w = sp_csr_get(a, a->j[k], i);
            if (fabs(v - w) > tol * fmax(fabs(v), fabs(w)))
                return 0;
        }
    return 1;
}

void sp_csr_row_sums(const sp_csr *a, double *sums)
{
    for (int i = 0; i < a->nrow; i++) {
        double s = 0.0;
        for (int k = a->p[i]; k < a->p[i + 1]; k++)
            s += a->x[k];
        sums[i] = s;
    }
}

int sp_csr_equal(const sp_csr *a, const sp_csr *b)
{
    if (a->nrow != b->nrow || a->ncol != b->ncol)
        return 0;
    int nnz = sp_csr_nnz(a);
    if (memcmp(a->p, b->p, (size_t)(a->nrow + 1) * sizeof *a->p) != 0)
        return 0;
    return memcmp(a->j, b->j, (size_t)nnz * sizeof *a->j) == 0 &&
           memcmp(a->x, b->x, (size_t)nnz * sizeof *a->x) == 0;
}

int sp_csr_bfs(const sp_csr *a, int *order, int *pos, int *cstart)
{
    int n = a->nrow, tail = 0, nc = 0;
    for (int i = 0; i < n; i++)
        pos[i] = -1;
    for (int root = 0; root < n; root++) {
        if (pos[root] >= 0)
            continue;
        int head = tail;
        if (cstart)
            cstart[nc] = tail;
        nc++;
        pos[root] = tail, order[tail++] = root;
        while (head < tail) {
            int i = order[head++];
            for (int q = a->p[i]; q < a->p[i + 1]; q++)
                if (pos[a->j[q]] < 0)
                    pos[a->j[q]] = tail, order[tail++] = a->j[q];
        }
    }
    if (cstart)
        cstart[nc] = n;
    return nc;
}
