/* sp_pops_blocks: the spatial operations (core/sp_pops.h) of a block-diagonal
 * W_bd = diag(W_1, ..., W_T), the unbalanced panels' weights
 * (core/sp_punbal.h), one implementation per block for ln|I - rho W_b|: the
 * tridiagonal form (core/sp_pops_tridiag.h) for a W_b similar to a symmetric
 * matrix and stochastic (a row-standardised W), else the dense eigenvalues
 * (core/sp_pops.c); and one sparse factorisation per block for the solves and
 * the information matrix's traces (exact, sp_pops_traces_by_solves).
 * ln|I - rho W_bd| = sum of the blocks', solves block by block, trace terms
 * summed, effects terms over W_bd (tr / N: power moments tr(W_bd^k) summed
 * to a 1e-16 tail bound, else each block's exact terms), the interval for rho
 * the intersection of the blocks' intervals, the eigenvalues (eig_re) only
 * when every block is dense.  Equal blocks (periods with the same units and the
 * same W_t) share one dense implementation, built once; the distinct blocks'
 * eigenvalues and trace terms are computed on `threads` threads (each block
 * by one thread, combined in block order: the results do not depend on the
 * number of threads).
 *
 * Ownership: sp_pops_blocks_new fills *ops whose ctx (the blocks, their
 * dense operations, the eigenvalues) it owns; sp_pops_blocks_free releases
 * it.  W_bd must outlive ops.  Errors follow sp_error.h. */
#ifndef SP_POPS_BLOCKS_H
#define SP_POPS_BLOCKS_H

#include "sp_pops.h"

/* W_bd (N x N) with nb diagonal blocks, block b the rows and columns
 * start[b]..start[b+1]-1 (start has nb + 1 entries, start[nb] = N); entries
 * outside the blocks are an SP_EUSAGE error; threads >= 1. */
int sp_pops_blocks_new(const sp_csr *W, int nb, const int *start, int threads, sp_pops *ops);
void sp_pops_blocks_free(sp_pops *ops);

#endif
