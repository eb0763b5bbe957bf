/* sp_weights: a spatial weights matrix with its unit identifiers: standardisation, summaries;
 * see sp_weights.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_idmap.h"
#include "sp_strdist.h"
#include "sp_weights.h"

/* Copies of ids (or "1".."n") as one block of text: W->ids[i] point into
 * W->idtext (one allocation instead of n). */
static int copy_ids(sp_weights *W, int n, const char *const *ids)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += ids ? strlen(ids[i]) + 1 : 12;
    W->ids = sp_malloc(((size_t)n + 1) * sizeof *W->ids);
    W->idtext = sp_malloc(total + 1);
    if (!W->ids || !W->idtext) {
        free(W->ids);
        free(W->idtext);
        return SP_ENOMEM;
    }
    char *at = W->idtext;
    for (int i = 0; i < n; i++) {
        W->ids[i] = at;
        if (ids) {
            size_t len = strlen(ids[i]) + 1;
            memcpy(at, ids[i], len);
            at += len;
        } else {
            at += snprintf(at, 12, "%d", i + 1) + 1;
        }
    }
    return SP_OK;
}

int sp_weights_new(int n, const char *const *ids, sp_csr *w, sp_weights **out)
{
    *out = NULL;
    if (w->nrow != n || w->ncol != n)
        return sp_error_set(SP_EUSAGE, "sp_weights_new: matrix is not %d x %d", n, n);
    sp_weights *W = sp_calloc(1, sizeof *W);
    if (!W || copy_ids(W, n < 0 ? 0 : n, ids)) {
        free(W);
        return SP_ENOMEM;
    }
    W->n = n;
    W->w = w;
    *out = W;
    return SP_OK;
}

int sp_weights_adopt(int n, char **ids, char *idtext, sp_csr *w, sp_weights **out)
{
    *out = NULL;
    if (w->nrow != n || w->ncol != n)
        return sp_error_set(SP_EUSAGE, "sp_weights_adopt: matrix is not %d x %d", n, n);
    sp_weights *W = sp_calloc(1, sizeof *W);
    if (!W)
        return SP_ENOMEM;
    *W = (sp_weights){.n = n, .ids = ids, .idtext = idtext, .w = w};
    *out = W;
    return SP_OK;
}

void sp_weights_free(sp_weights *W)
{
    if (!W)
        return;
    free(W->ids);
    free(W->idtext);
    sp_csr_free(W->w);
    free(W);
}

int sp_weights_copy(const sp_weights *W, sp_weights **out)
{
    sp_csr *w;
    int rc = sp_csr_copy(W->w, &w);
    if (rc)
        return rc;
    rc = sp_weights_new(W->n, (const char *const *)W->ids, w, out);
    if (rc)
        sp_csr_free(w);
    else
        (*out)->unnamed = W->unnamed;
    return rc;
}

static const char *const std_names[] = {"none", "binary", "row", "minmax", "spectral"};

int sp_weights_std_parse(const char *name, sp_std *out)
{
    for (int s = 0; s < 5; s++)
        if (strcmp(name, std_names[s]) == 0) {
            *out = (sp_std)s;
            return SP_OK;
        }
    const char *near = sp_strdist_closest(name, std_names, 5);
    return sp_error_set(SP_EUSAGE, "unknown standardisation '%s' (%s%s%srow, binary, none, "
                        "minmax, spectral)", name, near ? "did you mean " : "", near ? near : "",
                        near ? "? " : "");
}

const char *sp_weights_std_name(sp_std style) { return std_names[style]; }

/* Spectral radius of a non-negative matrix by power iteration on W + I,
 * which is primitive, so the iteration converges to the Perron root + 1. */
static int spectral_radius(const sp_csr *w, double *radius)
{
    int n = w->nrow;
    double *v = sp_malloc((size_t)n * sizeof *v), *wv = sp_malloc((size_t)n * sizeof *wv);
    if (!v || !wv) {
        free(v);
        free(wv);
        return SP_ENOMEM;
    }
    for (int i = 0; i < n; i++)
        v[i] = 1.0 / sqrt((double)n);
    double lambda = 0.0, previous = -1.0;
    for (int iter = 0; iter < 100000 && fabs(lambda - previous) > 1e-14 * fabs(lambda); iter++) {
        previous = lambda;
        sp_csr_matvec(w, v, wv);
        double norm = 0.0, rayleigh = 0.0;
        for (int i = 0; i < n; i++) {
            wv[i] += v[i];
            rayleigh += v[i] * wv[i];
            norm += wv[i] * wv[i];
        }
        norm = sqrt(norm);
        lambda = rayleigh;
        for (int i = 0; i < n; i++)
            v[i] = wv[i] / norm;
    }
    /* The Rayleigh quotient is exact only for symmetric W; finish with the
     * ratio ||(W+I)v|| / ||v|| which converges for any primitive matrix. */
    sp_csr_matvec(w, v, wv);
    double norm = 0.0;
    for (int i = 0; i < n; i++) {
        wv[i] += v[i];
        norm += wv[i] * wv[i];
    }
    *radius = sqrt(norm) - 1.0;
    free(v);
    free(wv);
    return SP_OK;
}

int sp_weights_standardize(sp_weights *W, sp_std style)
{
    sp_csr *w = W->w;
    int nnz = sp_csr_nnz(w);
    for (int i = 0; i < W->n; i++)
        for (int k = w->p[i]; k < w->p[i + 1]; k++)
            if (!(w->x[k] >= 0.0) || !isfinite(w->x[k]))
                return sp_error_set(SP_EDATA, "weights: unit %s has a negative or non-finite "
                                    "weight %g to unit %s", W->ids[i], w->x[k], W->ids[w->j[k]]);
    double scale = 1.0;
    switch (style) {
    case SP_STD_NONE:
        return SP_OK;
    case SP_STD_BINARY:
        for (int k = 0; k < nnz; k++)
            w->x[k] = 1.0;
        return SP_OK;
    case SP_STD_ROW:
        for (int i = 0; i < w->nrow; i++) {
            double s = 0.0;
            for (int k = w->p[i]; k < w->p[i + 1]; k++)
                s += w->x[k];
            for (int k = w->p[i]; k < w->p[i + 1]; k++)
                w->x[k] /= s;
        }
        return SP_OK;
    case SP_STD_MINMAX: {
        double *rows = sp_calloc((size_t)w->nrow, sizeof *rows);
        double *cols = sp_calloc((size_t)w->ncol, sizeof *cols);
        if (!rows || !cols) {
            free(rows);
            free(cols);
            return SP_ENOMEM;
        }
        sp_csr_row_sums(w, rows);
        for (int k = 0; k < nnz; k++)
            cols[w->j[k]] += w->x[k];
        double max_row = 0.0, max_col = 0.0;
        for (int i = 0; i < w->nrow; i++) {
            max_row = fmax(max_row, rows[i]);
            max_col = fmax(max_col, cols[i]);
        }
        free(rows);
        free(cols);
        scale = fmin(max_row, max_col);
        break;
    }
    case SP_STD_SPECTRAL: {
        int rc = spectral_radius(w, &scale);
        if (rc)
            return rc;
        break;
    }
    }
    if (!(scale > 0.0))
        return sp_error_set(SP_EDATA, "weights: %s standardisation of an empty matrix",
                            sp_weights_std_name(style));
    for (int k = 0; k < nnz; k++)
        w->x[k] /= scale;
    return SP_OK;
}

int sp_weights_islands(const sp_weights *W, int **list, int *count)
{
    *count = 0;
    *list = sp_malloc((size_t)W->n * sizeof **list);
    if (!*list)
        return SP_ENOMEM;
    for (int i = 0; i < W->n; i++)
        if (sp_weights_cardinality(W, i) == 0)
            (*list)[(*count)++] = i;
    return SP_OK;
}

static int uf_find(int *parent, int a)
{
    while (parent[a] != a) {
        parent[a] = parent[parent[a]];
        a = parent[a];
    }
    return a;
}

int sp_weights_components(const sp_weights *W, int *labels, int *count)
{
    int n = W->n;
    int *parent = sp_malloc((size_t)n * sizeof *parent);
    int *label = sp_malloc((size_t)n * sizeof *label);
    if (!parent || !label) {
        free(parent);
        free(label);
        return SP_ENOMEM;
    }
    for (int i = 0; i < n; i++) {
        parent[i] = i;
        label[i] = -1;
    }
    for (int i = 0; i < n; i++)
        for (int k = W->w->p[i]; k < W->w->p[i + 1]; k++) {
            int a = uf_find(parent, i), b = uf_find(parent, W->w->j[k]);
            if (a != b)
                parent[a < b ? b : a] = a < b ? a : b;
        }
    int next = 0;
    for (int i = 0; i < n; i++) {
        int root = uf_find(parent, i);
        if (label[root] < 0)
            label[root] = next++;
        if (labels)
            labels[i] = label[root];
    }
    *count = next;
    free(parent);
    free(label);
    return SP_OK;
}

int sp_weights_is_row_standardized(const sp_weights *W)
{
    for (int i = 0; i < W->n; i++) {
        if (sp_weights_cardinality(W, i) == 0)
            continue;
        double s = 0.0;
        for (int k = W->w->p[i]; k < W->w->p[i + 1]; k++)
            s += W->w->x[k];
        if (fabs(s - 1.0) > 1e-12)
            return 0;
    }
    return 1;
}

int sp_weights_summarize(const sp_weights *W, sp_weights_summary *s)
{
    memset(s, 0, sizeof *s);
    s->n = W->n;
    s->nnz = sp_csr_nnz(W->w);
    s->min_neighbors = W->n > 0 ? sp_weights_cardinality(W, 0) : 0;
    for (int i = 0; i < W->n; i++) {
        int card = sp_weights_cardinality(W, i);
        if (card == 0)
            s->n_islands++;
        if (card < s->min_neighbors)
            s->min_neighbors = card;
        if (card > s->max_neighbors)
            s->max_neighbors = card;
    }
    s->n += W->unnamed; /* a GWT's islands without ids: units without neighbours */
    s->n_islands += W->unnamed;
    if (W->unnamed)
        s->min_neighbors = 0;
    s->mean_neighbors = s->n > 0 ? (double)s->nnz / s->n : 0.0;
    s->density = s->nnz / ((double)s->n * s->n);
    s->symmetric = sp_csr_is_symmetric(W->w, 0.0);
    s->row_standardized = sp_weights_is_row_standardized(W);
    int rc = sp_weights_components(W, NULL, &s->components);
    s->components += W->unnamed;
    return rc;
}

/* Breadth-first search from each unit to depth `order`; distances[] is a
 * scratch array reset after each search so the whole pass is O(sum of ball sizes). */
int sp_weights_order(const sp_weights *W, int order, int cumulative, sp_weights **out)
{
    *out = NULL;
    if (order < 1)
        return sp_error_set(SP_EUSAGE, "contiguity order must be at least 1 (got %d)", order);
    int n = W->n;
    int *depth = sp_malloc((size_t)n * sizeof *depth);
    int *queue = sp_malloc((size_t)n * sizeof *queue);
    size_t cap = (size_t)sp_csr_nnz(W->w) + 16, used = 0;
    int *ti = sp_malloc(cap * sizeof *ti), *tj = sp_malloc(cap * sizeof *tj);
    int rc = SP_OK;
    if (!depth || !queue || !ti || !tj) {
        rc = SP_ENOMEM;
        goto done;
    }
    for (int i = 0; i < n; i++)
        depth[i] = -1;
    for (int src = 0; src < n && !rc; src++) {
        int head = 0, tail = 0;
        queue[tail++] = src;
        depth[src] = 0;
        while (head < tail) {
            int u = queue[head++];
            if (depth[u] == order)
                continue;
            for (int k = W->w->p[u]; k < W->w->p[u + 1]; k++) {
                int v = W->w->j[k];
                if (depth[v] >= 0)
                    continue;
                depth[v] = depth[u] + 1;
                queue[tail++] = v;
                if (depth[v] != order && !cumulative)
                    continue;
                if (used == cap) {
                    cap *= 2;
                    int *ni = sp_realloc(ti, cap * sizeof *ti), *nj;
                    if (ni)
                        ti = ni;
                    nj = ni ? sp_realloc(tj, cap * sizeof *tj) : NULL;
                    if (!nj) {
                        rc = SP_ENOMEM;
                        break;
                    }
                    tj = nj;
                }
                ti[used] = src;
                tj[used] = v;
                used++;
            }
            if (rc)
                break;
        }
        for (int q = 0; q < tail; q++)
            depth[queue[q]] = -1;
    }
    if (!rc) {
        sp_csr *w;
        rc = sp_csr_from_triplets(n, n, (int)used, ti, tj, NULL, &w);
        if (!rc) {
            rc = sp_weights_new(n, (const char *const *)W->ids, w, out);
            if (rc)
                sp_csr_free(w);
        }
    }
done:
    free(depth);
    free(queue);
    free(ti);
    free(tj);
    return rc;
}

int sp_weights_add_link(sp_weights *W, int a, int b, double value)
{
    if (a >= 0 && a < W->n && a == b)
        return sp_error_set(SP_EUSAGE, "cannot link unit %s to itself", W->ids[a]);
    if (a < 0 || b < 0 || a >= W->n || b >= W->n)
        return sp_error_set(SP_EUSAGE, "cannot link unit %d to unit %d (units 1..%d)", a + 1,
                            b + 1, W->n);
    sp_csr *w = W->w;
    int nnz = sp_csr_nnz(w);
    int *ti = sp_malloc(((size_t)nnz + 2) * sizeof *ti), *tj = sp_malloc(((size_t)nnz + 2) * sizeof *tj);
    double *tx = sp_malloc(((size_t)nnz + 2) * sizeof *tx);
    if (!ti || !tj || !tx) {
        free(ti); free(tj); free(tx);
        return SP_ENOMEM;
    }
    int used = 0;
    for (int i = 0; i < w->nrow; i++)
        for (int k = w->p[i]; k < w->p[i + 1]; k++) {
            if ((i == a && w->j[k] == b) || (i == b && w->j[k] == a))
                continue;
            ti[used] = i; tj[used] = w->j[k]; tx[used] = w->x[k];
            used++;
        }
    ti[used] = a; tj[used] = b; tx[used++] = value;
    ti[used] = b; tj[used] = a; tx[used++] = value;
    sp_csr *linked;
    int rc = sp_csr_from_triplets(W->n, W->n, used, ti, tj, tx, &linked);
    free(ti); free(tj); free(tx);
    if (rc)
        return rc;
    sp_csr_free(W->w);
    W->w = linked;
    return SP_OK;
}

int sp_weights_find(const sp_weights *W, const char *id)
{
    for (int i = 0; i < W->n; i++)
        if (strcmp(W->ids[i], id) == 0)
            return i;
    return -1;
}

/* Append "id" to a bounded, comma-separated list for error messages. */
static void list_append(char *buf, size_t size, int *listed, const char *id)
{
    size_t len = strlen(buf);
    if (*listed == 10) {
        snprintf(buf + len, size - len, ", ...");
    } else if (*listed < 10) {
        snprintf(buf + len, size - len, "%s%s", *listed ? ", " : "", id);
    }
    (*listed)++;
}

int sp_weights_in_order(const sp_weights *W, const char *const *ids, int n)
{
    int same = n == W->n;
    for (int r = 0; r < n && same; r++)
        same = strcmp(ids[r], W->ids[r]) == 0;
    return same;
}

/* Data row r -> W's unit pos[r] (-1 when W lacks it: listed in missing) and
 * W's unit u -> data row inv[u] (-1 without data).  When the ids are W's own,
 * in W's order (the usual pair of files), no id map is needed (*same 1). */
static int align_positions(const sp_weights *W, const char *const *ids, int n, int *pos,
                           int *inv, char *missing, size_t size, int *n_missing, int *same_out)
{
    int same = *same_out = sp_weights_in_order(W, ids, n);
    for (int i = 0; i < W->n; i++)
        inv[i] = same ? i : -1;
    if (same) {
        for (int r = 0; r < n; r++)
            pos[r] = r;
        return SP_OK;
    }
    sp_idmap *map;
    int rc = sp_idmap_build((const char *const *)W->ids, W->n, "weights", &map);
    if (rc)
        return rc;
    for (int r = 0; r < n; r++) {
        pos[r] = sp_idmap_find(map, ids[r]);
        if (pos[r] < 0)
            list_append(missing, size, n_missing, ids[r]);
        else
            inv[pos[r]] = r;
    }
    sp_idmap_free(map);
    return SP_OK;
}

/* Row r of the result is W's row pos[r] with its columns renumbered by inv
 * (links to units without data left out), written in place and sorted as
 * sp_csr keeps rows (unless already sorted, as in W's own order): what
 * triplets would give, without sorting them. */
static int align_matrix(const sp_weights *W, const int *pos, const int *inv, int n,
                        sp_csr **out)
{
    const sp_csr *a = W->w;
    int rc = sp_csr_alloc(n, n, sp_csr_nnz(a), out);
    if (rc)
        return rc;
    sp_csr *w = *out;
    int used = 0, sorted = 1;
    for (int r = 0; r < n; r++) {
        int u = pos[r];
        for (int k = u < 0 ? 0 : a->p[u]; u >= 0 && k < a->p[u + 1]; k++) {
            int c = inv[a->j[k]];
            if (c < 0)
                continue;
            sorted &= used == w->p[r] || c > w->j[used - 1];
            w->j[used] = c;
            w->x[used] = a->x[k];
            used++;
        }
        w->p[r + 1] = used;
    }
    if (!sorted) /* rows already in increasing column order need nothing more */
        sp_csr_canonicalize(w);
    return SP_OK;
}

/* Whether every row's columns increase strictly (as sp_csr keeps rows). */
static int rows_increasing(const sp_csr *a)
{
    for (int r = 0; r < a->nrow; r++)
        for (int k = a->p[r] + 1; k < a->p[r + 1]; k++)
            if (a->j[k] <= a->j[k - 1])
                return 0;
    return 1;
}

/* Whether W's units are named 1..n in order (spdep's write.nb.gal and
 * write.sn2gwt do so unless given the region ids). */
static int ids_ordinal(const sp_weights *W)
{
    char want[16];
    for (int i = 0; i < W->n; i++) {
        snprintf(want, sizeof want, "%d", i + 1);
        if (!W->ids[i] || strcmp(W->ids[i], want) != 0)
            return 0;
    }
    return W->n > 0;
}

int sp_weights_align(const sp_weights *W, const char *const *ids, int n,
                     const char *what, sp_weights **out)
{
    *out = NULL;
    int *pos = sp_malloc((size_t)n * sizeof *pos + 1);     /* data row -> W unit */
    int *inv = sp_malloc((size_t)W->n * sizeof *inv + 1);  /* W unit -> data row */
    char missing[512] = "";
    int n_missing = 0, same = 0;
    int rc = pos && inv ? align_positions(W, ids, n, pos, inv, missing, sizeof missing,
                                          &n_missing, &same)
                        : SP_ENOMEM;
    if (!rc && n_missing > W->unnamed)
        rc = sp_error_set(SP_EDATA, "%s: %d unit%s not in the weights: %s%s", what, n_missing,
                          n_missing > 1 ? "s" : "", missing,
                          n_missing == n && ids_ordinal(W)
                              ? " (the weights name their units 1..N, as spdep's write.nb.gal "
                                "and write.sn2gwt write them unless given the region ids: "
                                "match the rows to W's units by their order, or write W with "
                                "the ids)" : "");
    sp_csr *w = NULL;
    if (!rc && same) { /* W's own order: the matrix as it is, as align_matrix gives it */
        if (!(rc = sp_csr_copy(W->w, &w)) && !rows_increasing(w))
            sp_csr_canonicalize(w);
    } else if (!rc)
        rc = align_matrix(W, pos, inv, n, &w);
    if (!rc && (rc = sp_weights_new(n, ids, w, out)))
        sp_csr_free(w);
    free(pos);
    free(inv);
    return rc;
}

int sp_weights_align_take(sp_weights **W, const char *const *ids, int n, const char *what,
                          sp_weights **out)
{
    if (!sp_weights_in_order(*W, ids, n))
        return sp_weights_align(*W, ids, n, what, out);
    *out = *W;
    *W = NULL;
    (*out)->unnamed = 0;
    if (!rows_increasing((*out)->w))
        sp_csr_canonicalize((*out)->w);
    return SP_OK;
}
