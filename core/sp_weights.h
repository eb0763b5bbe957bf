/* sp_weights: a spatial weights matrix with its unit identifiers.
 *
 * W is n x n sparse (row i lists unit i's neighbours j with weight w_ij; the
 * diagonal is normally empty).  ids[i] names unit i.  An sp_weights owns its
 * ids and its matrix; sp_weights_free() releases both.  Functions that return
 * a new sp_weights through an sp_weights ** hand ownership to the caller.
 * Errors follow sp_error.h. */
#ifndef SP_WEIGHTS_H
#define SP_WEIGHTS_H

#include "sp_csr.h"

typedef enum sp_std {
    SP_STD_NONE,    /* keep the values */
    SP_STD_BINARY,  /* every link 1 */
    SP_STD_ROW,     /* rows sum to 1 (islands stay empty) */
    SP_STD_MINMAX,  /* divide by min(max row sum, max column sum) (Kelejian-Prucha) */
    SP_STD_SPECTRAL /* divide by the spectral radius */
} sp_std;

typedef struct sp_weights {
    int n;
    char **ids;  /* n unit identifiers, pointing into idtext */
    char *idtext;
    sp_csr *w;   /* n x n */
    int unnamed; /* units a file counts but does not name: the islands of a GWT
                    written by libpysal or GeoDa (not part of ids or w) */
} sp_weights;

typedef struct sp_weights_summary {
    int n, nnz;
    int n_islands;
    int min_neighbors, max_neighbors;
    double mean_neighbors;
    double density;       /* nnz / n^2, the share of all pairs that are links */
    int symmetric;        /* values equal to the transpose's */
    int components;       /* connected components of the undirected graph */
    int row_standardized; /* every non-empty row sums to 1 (1e-12) */
} sp_weights_summary;

/* Take ownership of w (n x n) and copy ids (into one block, idtext: ids[i]
 * are not separately allocated).  ids may be NULL: "1".."n". */
int sp_weights_new(int n, const char *const *ids, sp_csr *w, sp_weights **out);
/* The same without copying: take ownership of w, of ids (n + 1 places) and of
 * idtext, the block of text they point into (a reader that wrote them there).
 * On failure the caller keeps all three. */
int sp_weights_adopt(int n, char **ids, char *idtext, sp_csr *w, sp_weights **out);
void sp_weights_free(sp_weights *W);
int sp_weights_copy(const sp_weights *W, sp_weights **out);

/* Parse "row", "binary", "none", "minmax", "spectral". */
int sp_weights_std_parse(const char *name, sp_std *out);
const char *sp_weights_std_name(sp_std style);

/* Standardise in place.  Negative weights are an SP_EDATA error. */
int sp_weights_standardize(sp_weights *W, sp_std style);

static inline int sp_weights_cardinality(const sp_weights *W, int i)
{
    return W->w->p[i + 1] - W->w->p[i];
}

/* Units with no neighbour, as a malloc'd list of indices (caller frees). */
int sp_weights_islands(const sp_weights *W, int **list, int *count);

/* Connected components of the undirected neighbour graph.  labels (may be
 * NULL) receives each unit's component number, 0-based in first-seen order. */
int sp_weights_components(const sp_weights *W, int *labels, int *count);

int sp_weights_is_row_standardized(const sp_weights *W);
/* The summary of W; units a file counts without naming them (W->unnamed:
 * a libpysal/GeoDa GWT's islands) count as units, islands and components. */
int sp_weights_summarize(const sp_weights *W, sp_weights_summary *s);

/* Binary weights of contiguity order `order` (units exactly `order` steps
 * apart in the neighbour graph), or of orders 1..order when cumulative. */
int sp_weights_order(const sp_weights *W, int order, int cumulative, sp_weights **out);

/* Add the symmetric link a <-> b with weight value (replacing any value). */
int sp_weights_add_link(sp_weights *W, int a, int b, double value);

/* Position of an id, or -1. Linear scan: for one-off look-ups only;
 * use sp_idmap for many. */
int sp_weights_find(const sp_weights *W, const char *id);

/* W reordered (and restricted) to the units ids[0..n-1], e.g. a data table's
 * order.  Each id must be in W; ids missing from W are an SP_EDATA error that
 * lists them, with `what` naming the data source, unless there are no more of
 * them than W->unnamed: they are then W's unnamed islands (empty rows).  When
 * n < W->n the matrix is the sub-matrix on those units (not re-standardised). */
int sp_weights_align(const sp_weights *W, const char *const *ids, int n,
                     const char *what, sp_weights **out);

/* 1 when ids[0..n) are W's own ids in W's order (n = W->n), else 0. */
int sp_weights_in_order(const sp_weights *W, const char *const *ids, int n);

/* sp_weights_align's result made from *W itself when ids[0..n) are W's own
 * in W's order (sp_weights_in_order): *W is handed over to *out (NULL
 * after; its rows put in sp_csr's order, unnamed 0, the values those of the
 * aligned copy) instead of copied; otherwise sp_weights_align, *W kept. */
int sp_weights_align_take(sp_weights **W, const char *const *ids, int n, const char *what,
                          sp_weights **out);

#endif
