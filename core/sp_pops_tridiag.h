/* sp_pops_tridiag: the spatial operations (core/sp_pops.h) of a W similar to
 * a symmetric matrix from the tridiagonal form of its symmetric form, without
 * its eigenvalues.  S = D^1/2 W D^-1/2 (s_ij = w_ij sqrt(d_i / d_j), d from
 * sp_pops_sparse_symmetrizer) is block diagonal on W's connected components;
 * each component's block is reduced to a tridiagonal T_c = Q' S_c Q by
 * Householder (LAPACK dsytrd, in the sparse plugin), and T = diag(T_c) has
 * W's eigenvalues.  Then, each O(n) or less per rho:
 *   ln|I - rho W| = ln det(I - rho T) = sum_k ln|p_k|, the LDL' pivots
 *                   p_k = 1 - rho t_kk - rho^2 t_k,k-1^2 / p_{k-1};
 *   its second derivative from the pivots' derivatives (the same recurrence
 *                   differentiated twice);
 *   the interval    (1/lambda_min, 1/lambda_max): lambda_min of T by Sturm
 *                   bisection to the last bits, lambda_max = 1 (W is stochastic);
 *   tr(W^k)         exactly (in exact arithmetic) from banded powers of T:
 *                   tr(T^2m) = |T^m|_F^2, tr(T^2m+1) = <T^m, T^m+1>_F
 *                   (sp_pops_tridiag_moments);
 *   tr((I - rho W)^-1) = sum_i 1 / (p_i + q_i - (1 - rho t_ii)), p and q the
 *                   forward and backward pivots (sp_pops_tridiag_traces).
 * This spares the eigenvalues' QR iteration (dsterf), as long as the
 * tridiagonalisation itself, for the unbalanced panels' periods
 * (core/sp_pops_blocks.h).  Solves and the information matrix's traces are
 * not provided (solve, traces NULL); terms only for a W that is stochastic
 * with islands (sp_csr_stochastic_islands: the 1'A^-1 1 terms in closed form).
 *
 * Ownership: sp_pops_tridiag_new fills *ops, whose ctx sp_pops_tridiag_free
 * releases; W must outlive ops.  Errors follow sp_error.h. */
#ifndef SP_POPS_TRIDIAG_H
#define SP_POPS_TRIDIAG_H

#include "sp_pops.h"

/* The tridiagonal operations of W when W is similar to a symmetric matrix and
 * stochastic with islands (*ok = 1), else *ok = 0 and nothing is made. */
int sp_pops_tridiag_new(const sp_csr *W, sp_pops *ops, int *ok);
void sp_pops_tridiag_free(sp_pops *ops);

/* m[k] = tr(W^k) / n for k = 0..K-1 (K >= 1). */
int sp_pops_tridiag_moments(const sp_pops *ops, int K, double *m);

/* out[0] = tr((I - rho W)^-1) / n, out[1] = tr((I - rho W)^-1 W) / n, rho
 * inside the interval and not 0 (the second from the first: (tr A^-1 - n) / rho). */
void sp_pops_tridiag_traces(const sp_pops *ops, double rho, double out[2]);

/* The largest |eigenvalue| of W. */
double sp_pops_tridiag_radius(const sp_pops *ops);

/* The eigenvalues of the symmetric form (s_ij = w_ij sqrt(d_i / d_j)) into re,
 * component by component (LAPACK dsyev per component; a unit alone is its
 * s_ii): what sp_pops_dense uses for a W similar to a symmetric matrix. */
int sp_pops_tridiag_eigen(const sp_csr *W, const double *d, double *re);

#endif
