/* sp_pops_blocks: the spatial operations (core/sp_pops.h) of a block-diagonal
 * W_bd = diag(W_1, ..., W_T), one dense implementation per block: the
 * unbalanced panels' weights (core/sp_punbal.h).  ln|I - rho W_bd| = sum of
 * the blocks', solves block by block, trace terms summed, effects terms
 * averaged over the blocks weighted by their size (tr over W_bd / N), the
 * interval for rho the intersection of the blocks' intervals, the eigenvalues
 * the blocks' together.  Equal blocks (periods with the same units and the
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
