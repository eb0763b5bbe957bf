/* sp_wdense: dense weights matrices (CSV, workbook sheets, Stata spmatrix). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_csr.h"
#include "sp_error.h"
#include "sp_idmap.h"
#include "sp_table.h"
#include "sp_wdense.h"

/* Where the ids and weights are in the grid. */
typedef struct layout {
    int n;
    int header;   /* row 0 (after an spmat size line) holds ids */
    int idcol;    /* column 0 holds ids */
    int first;    /* first row of weights */
} layout;

/* Cell c of row r ("" when empty). */
static const char *cell(const sp_wdense_grid *g, int r, int c)
{
    const char *s = g->cells[g->start[r] + c];
    return s ? s : "";
}

/* Number of cells of row r. */
static int width(const sp_wdense_grid *g, int r) { return g->start[r + 1] - g->start[r]; }

/* SP_EDATA "path: line|row L: msg" (msg a format of a, x, y). */
static int grid_error(const sp_wdense_grid *g, int r, const char *msg, const char *a, int x, int y)
{
    char text[400];
    snprintf(text, sizeof text, msg, a, x, y);
    return sp_error_set(SP_EDATA, "%s: %s %d: %s", g->path, g->where, g->lineno[r], text);
}

/* Layout of a Stata spmatrix export: "n", then n rows of id + n or of n. */
static int spmat_layout(const sp_wdense_grid *g, layout *L)
{
    double x;
    if (g->nrows == 0)
        return sp_error_set(SP_EDATA, "%s: empty file", g->path);
    if (width(g, 0) != 1 || sp_table_parse_double(cell(g, 0, 0), &x) != 0 || x < 1 ||
        x > SP_WDENSE_MAX_N || x != (int)x)
        return grid_error(g, 0, "expected the matrix size n alone (Stata spmatrix export)%s",
                          "", 0, 0);
    L->n = (int)x;
    L->first = 1;
    L->header = 0;
    L->idcol = g->nrows > 1 && width(g, 1) == L->n + 1;
    return SP_OK;
}

/* Layout of a CSV or sheet grid (see sp_wdense.h). */
static int grid_layout(const sp_wdense_grid *g, layout *L)
{
    double x;
    memset(L, 0, sizeof *L);
    if (g->spmat)
        return spmat_layout(g, L);
    if (g->nrows == 0 || width(g, 0) == 0)
        return sp_error_set(SP_EDATA, "%s: empty file", g->path);
    int R = g->nrows, w0 = width(g, 0), m = R > 1 ? width(g, 1) : w0;
    if (sp_table_parse_double(cell(g, 0, 0), &x) != 0) {
        /* a header of ids: n ids over n rows of n numbers (pandas
         * to_csv(index = False)), else "id,ID1..IDn" over rows "IDi,w..." */
        double y;
        if (R == m + 1 && w0 == m && sp_table_parse_double(cell(g, 1, 0), &y) == 0) {
            L->n = m, L->header = 1, L->first = 1;
        } else {
            if (w0 < 2)
                return grid_error(g, 0, "expected the header 'id,ID1,ID2,...'%s", "", 0, 0);
            L->n = w0 - 1, L->header = 1, L->idcol = 1, L->first = 1;
        }
    } else if (R == m) {
        L->n = m;
    } else if (R == m + 1 && w0 == m) {
        L->n = m, L->header = 1, L->first = 1;
    } else if (R + 1 == m) {
        L->n = R, L->idcol = 1;
    } else {
        return grid_error(g, R - 1, "%s%d rows of %d cells: not an n x n matrix (with or without "
                          "an id row and column)", "", R, m);
    }
    if (L->n > SP_WDENSE_MAX_N)
        return grid_error(g, 0, "%s%d units: too many for a dense weights file", "", L->n, 0);
    return SP_OK;
}

/* The ids: from the header row, the id column, or 1..n. */
static int grid_ids(const sp_wdense_grid *g, const layout *L, char ***ids)
{
    char **v = sp_calloc((size_t)L->n, sizeof *v);
    if (!v)
        return SP_ENOMEM;
    *ids = v;
    for (int i = 0; i < L->n; i++) {
        char num[32];
        const char *s = num;
        snprintf(num, sizeof num, "%d", i + 1);
        int hr = L->first - 1;
        if (L->header)
            s = cell(g, hr, i + L->idcol);
        else if (L->idcol && L->first + i < g->nrows && width(g, L->first + i) > 0)
            s = cell(g, L->first + i, 0);
        if (!*s && L->header)
            return grid_error(g, hr, "%scolumn %d has no id", "", i + 1 + L->idcol, 0);
        if (!*s)
            return grid_error(g, L->first + i, "%sunit %d has no id", "", i + 1, 0);
        if (!(v[i] = sp_strdup(s)))
            return SP_ENOMEM;
    }
    return SP_OK;
}

/* The weights of row i into the triplets; checks the row's shape and id. */
static int grid_row(const sp_wdense_grid *g, const layout *L, char **ids, int i, int *ti,
                    int *tj, double *tx, int *used)
{
    int r = L->first + i, want = L->n + L->idcol;
    if (r >= g->nrows)
        return grid_error(g, g->nrows - 1, "%sfile ends after %d of %d rows", "", i, L->n);
    if (width(g, r) != want)
        return grid_error(g, r, "%s%d cells, expected %d (not a square matrix)", "", width(g, r),
                          want);
    if (L->idcol && L->header && strcmp(cell(g, r, 0), ids[i]) != 0) {
        char what[300];
        snprintf(what, sizeof what, "row id '%s' differs from column %d's id '%s'", cell(g, r, 0),
                 i + 2, ids[i]);
        return grid_error(g, r, "%s", what, 0, 0);
    }
    for (int j = 0; j < L->n; j++) {
        const char *s = cell(g, r, j + L->idcol);
        double x;
        if (sp_table_parse_double(s, &x) != 0) {
            char what[300];
            snprintf(what, sizeof what, "unit '%s', column '%s': '%s' is not a finite number%s",
                     ids[i], ids[j], s, *s ? "" : " (write 0 for no link)");
            return grid_error(g, r, "%s", what, 0, 0);
        }
        if (x != 0.0) {
            ti[*used] = i, tj[*used] = j, tx[*used] = x;
            (*used)++;
        }
    }
    return SP_OK;
}

/* Free n ids and the array. */
static void ids_free(char **ids, int n)
{
    for (int i = 0; ids && i < n; i++)
        free(ids[i]);
    free(ids);
}

int sp_wdense_from_grid(const sp_wdense_grid *g, sp_weights **out)
{
    *out = NULL;
    layout L;
    int rc = grid_layout(g, &L);
    if (rc)
        return rc;
    char **ids = NULL;
    sp_idmap *map = NULL;
    size_t cap = (size_t)L.n * L.n + 1;
    int *ti = sp_malloc(cap * sizeof *ti), *tj = sp_malloc(cap * sizeof *tj), used = 0;
    double *tx = sp_malloc(cap * sizeof *tx);
    rc = ti && tj && tx ? grid_ids(g, &L, &ids) : SP_ENOMEM;
    if (!rc)
        rc = sp_idmap_build((const char *const *)ids, L.n, g->path, &map);
    sp_idmap_free(map);
    for (int i = 0; i < L.n && !rc; i++)
        rc = grid_row(g, &L, ids, i, ti, tj, tx, &used);
    if (!rc && L.first + L.n < g->nrows)
        rc = grid_error(g, L.first + L.n, L.header ? "%smore rows than the %d columns of the "
                        "header: not a square matrix" : "%smore rows than the %d units", "", L.n, 0);
    sp_csr *w = NULL;
    if (!rc)
        rc = sp_csr_from_triplets(L.n, L.n, used, ti, tj, tx, &w);
    if (!rc && (rc = sp_weights_new(L.n, (const char *const *)ids, w, out)))
        sp_csr_free(w);
    free(ti);
    free(tj);
    free(tx);
    ids_free(ids, L.n);
    return rc;
}

int sp_wdense_read_sheet(const char *path, sp_weights **out)
{
    *out = NULL;
    sp_table *t;
    int rc = sp_table_read(path, NULL, &t);
    if (rc)
        return rc;
    /* The sheet's header row came out as names: put it back as row 0. */
    int R = t->nrow + 1;
    int *start = sp_malloc((size_t)(R + 1) * sizeof *start), *line = sp_malloc((size_t)R * sizeof *line);
    const char **cells = sp_malloc(((size_t)R * t->ncol + 1) * sizeof *cells);
    int k = 0;
    for (int r = 0; start && line && cells && r < R; r++) {
        const char *const *row = r == 0 ? (const char *const *)t->names
                                        : (const char *const *)t->cells + (long)(r - 1) * t->ncol;
        int w = t->ncol; /* data rows: without trailing empty cells */
        while (r > 0 && w > 0 && (!row[w - 1] || !*row[w - 1]))
            w--;
        start[r] = k;
        line[r] = r + 1;
        for (int c = 0; c < w; c++)
            cells[k++] = row[c];
    }
    if (start && line && cells) {
        start[R] = k;
        sp_wdense_grid g = {path, "row", R, start, cells, line, 0};
        rc = sp_wdense_from_grid(&g, out);
    } else {
        rc = SP_ENOMEM;
    }
    free(start);
    free(line);
    free(cells);
    sp_table_free(t);
    return rc;
}
