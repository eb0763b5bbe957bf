/* sp_csr: compressed sparse row matrices, the one sparse type of spill.
 *
 * Row i holds entries p[i] .. p[i+1]-1; column indices j[] are strictly
 * increasing within a row (no duplicates).  Values x[] are doubles.
 *
 * Ownership: a matrix returned through an sp_csr ** belongs to the caller,
 * who frees it with sp_csr_free().  Functions never keep pointers to their
 * arguments.  Errors follow sp_error.h (status return, message recorded,
 * nothing allocated on failure). */
#ifndef SP_CSR_H
#define SP_CSR_H

typedef struct sp_csr {
    int nrow, ncol;
    int *p;    /* nrow + 1 row pointers */
    int *j;    /* p[nrow] column indices */
    double *x; /* p[nrow] values */
} sp_csr;

/* An nrow x ncol matrix with room for nnz entries; p[] zeroed. */
int sp_csr_alloc(int nrow, int ncol, int nnz, sp_csr **out);
void sp_csr_free(sp_csr *a);

static inline int sp_csr_nnz(const sp_csr *a) { return a->p[a->nrow]; }

/* Build from (row, col, value) triplets; duplicates are summed. */
int sp_csr_from_triplets(int nrow, int ncol, int nnz, const int *ti,
                         const int *tj, const double *tx, sp_csr **out);

/* Sort each row by column and sum duplicate columns in place, compacting
 * the arrays (p[nrow] drops by the number of duplicates). */
void sp_csr_canonicalize(sp_csr *a);

int sp_csr_copy(const sp_csr *a, sp_csr **out);
int sp_csr_transpose(const sp_csr *a, sp_csr **out);

/* C = A * B (sparse product). */
int sp_csr_multiply(const sp_csr *a, const sp_csr *b, sp_csr **out);

/* y = A x and y = A' x (y must not alias x). */
void sp_csr_matvec(const sp_csr *a, const double *x, double *y);
void sp_csr_matvec_t(const sp_csr *a, const double *x, double *y);

/* Value of entry (i, k), 0 when absent (binary search). */
double sp_csr_get(const sp_csr *a, int i, int k);

/* 1 if A equals A' to relative tolerance tol (tol = 0: exactly). */
int sp_csr_is_symmetric(const sp_csr *a, double tol);

/* mirror[q] (nnz ints) = the position of entry (j, i) for each entry q =
 * (i, j) of the square A, found in one pass over the rows (cursor: nrow ints
 * of scratch); 0 when the pattern is not symmetric (mirror then unspecified). */
int sp_csr_mirror(const sp_csr *a, int *mirror, int *cursor);

/* 1 if the pattern of A equals the pattern of A'. */
int sp_csr_pattern_symmetric(const sp_csr *a);

/* sums[i] = sum of row i. */
void sp_csr_row_sums(const sp_csr *a, double *sums);

/* 1 when every non-empty row of the square A sums to 1 (to 1e-12) and no
 * row links to an empty row: a row-standardised W whose units without
 * neighbours (islands) are nobody's neighbour.  Then (I - rho A)^-1 1 is
 * 1/(1 - rho) on the non-empty rows and 1 on the empty ones, and
 * (I - rho A)^-1 A 1 is 1/(1 - rho) and 0.  *empty = the empty rows. */
int sp_csr_stochastic_islands(const sp_csr *a, int *empty);

/* A breadth-first order of a's units along its links (rows to columns), each
 * component from its lowest unit not yet placed: order[r] is the unit at
 * rank r, pos[i] the rank of unit i (n each); when cstart (n + 1) is given,
 * component c holds ranks cstart[c] .. cstart[c+1]-1 (the components of a
 * symmetric pattern).  Returns the number of components. */
int sp_csr_bfs(const sp_csr *a, int *order, int *pos, int *cstart);

/* 1 if A and B have identical shape, pattern and (bitwise) values. */
int sp_csr_equal(const sp_csr *a, const sp_csr *b);

#endif
