/* sp_pops: the spatial operations of the ML estimators, a table of functions
 * on an n x n W (log-determinants, solves, trace terms, effects terms), so an
 * estimator never forms anything NT x NT and the dense (core/sp_pops.c) and
 * sparse (core/sp_pops_sparse.h) implementations are interchangeable.
 *
 * Ownership: the implementation's constructor fills an sp_pops whose ctx it
 * owns; its _free releases ctx.  Functions returning int follow sp_error.h. */
#ifndef SP_POPS_H
#define SP_POPS_H

#include "sp_csr.h"

/* Trace terms of the information matrix for A = I - rho W, B = I - lambda W,
 * G = W A^-1, H = W B^-1, K = B G B^-1 (n x n, not multiplied by T). */
enum { SP_TR_G, SP_TR_H, SP_TR_KK, SP_TR_KtK, SP_TR_HH, SP_TR_HtH, SP_TR_KH, SP_TR_KHt,
       SP_TR_COUNT };

typedef struct sp_pops {
    double (*lndet)(void *ctx, double rho);                         /* ln|I - rho W| */
    double (*lndet_d2)(void *ctx, double rho);  /* its second derivative, -tr(G^2) */
    /* When lndet is an approximation (approx = 1) and the exact value can be
     * had (NULL otherwise): the exact ln|I - rho W|.  With polish = 1 the
     * estimator searches on lndet and moves to the exact optimum; without,
     * it reports the approximation's error at the estimate. */
    double (*lndet_exact)(void *ctx, double rho);
    /* With lndet_exact, or NULL: the exact value at two points, v[i] at x[i],
     * the same values, factorisations kept and errors as lndet_exact at x[0]
     * then at x[1]; the implementation may factorise the two side by side
     * (sp_pops_sparse: on two threads).  SP_OK or an sp_error.h status. */
    int (*lndet_exact_pair)(void *ctx, const double x[2], double v[2]);
    /* With approx = 1: the second derivative of the approximation itself
     * (lndet_d2 is then the exact one, by differences), else NULL. */
    double (*lndet_d2_approx)(void *ctx, double rho);
    int approx, polish;
    int (*solve)(void *ctx, double rho, const double *b, double *x); /* (I - rho W) x = b */
    /* the same for k right-hand sides at once (b, x column-major n x k), or
     * NULL when the implementation has no faster way than k solves */
    int (*solve_many)(void *ctx, double rho, int k, const double *b, double *x);
    int (*traces)(void *ctx, double rho, double lambda, double *tr); /* SP_TR_COUNT values */
    /* effects terms tr(A^-1)/n, tr(A^-1 W)/n, 1'A^-1 1/n, 1'A^-1 W 1/n (sp_peff.h) */
    int (*terms)(void *ctx, double rho, double out[4]);
    /* When terms estimates tr(A^-1)/n and tr(A^-1 W)/n from random probes
     * (sparse), else NULL (exact terms): each probe's own estimate of the two
     * at rho, q0[j] and q1[j] for j < *count (room for SP_POPS_PROBES_MAX
     * each; the terms are their means; *count = 0 where the terms are exact,
     * as at rho = 0), for the estimates' sampling error (sp_peff's se_trace). */
    int (*terms_probes)(void *ctx, double rho, double *q0, double *q1, int *count);
    void *ctx;
    double lo, hi; /* interval for rho and lambda: (1/lambda_min, 1/lambda_max) */
    /* The n eigenvalues of W (real and imaginary parts, owned by ctx) when the
     * implementation has them (dense), else NULL: traces of functions of W. */
    const double *eig_re, *eig_im;
} sp_pops;

/* Where the dense implementation is used: automatically up to
 * SP_POPS_DENSE_AUTO units (exact eigenvalues, the asymptotic covariance of
 * spatialreg's method = "eigen"), on request up to SP_POPS_DENSE_MAX. */
#define SP_POPS_DENSE_AUTO 1500
#define SP_POPS_PROBES_MAX 32
#define SP_POPS_DENSE_MAX 4000

/* Dense implementation for an n x n W: eigenvalues (real when W is similar
 * to a symmetric matrix, as a row-standardised symmetric W is; complex
 * otherwise) and dense inverses.  O(n^3) once plus O(n^3) per trace call;
 * use up to a few thousand units.  Free with sp_pops_dense_free. */
int sp_pops_dense(const sp_csr *W, sp_pops *ops);
void sp_pops_dense_free(sp_pops *ops);
/* The same with W's n eigenvalues given (re, im: ops->eig_re/eig_im of an
 * sp_pops_dense of a W with the same entries, copied, not kept), so that
 * fits on one W share its decomposition; NULL re: computed as by
 * sp_pops_dense.  The operators are then identical to sp_pops_dense's. */
int sp_pops_dense_given(const sp_csr *W, const double *re, const double *im, sp_pops *ops);
/* The last two effects terms of an sp_pops_dense, 1'A^-1 1/n and
 * 1'A^-1 W 1/n at rho (out[2], out[3] of its terms), without the sums over
 * the eigenvalues (for callers that have those another way). */
int sp_pops_dense_ones_terms(const sp_pops *ops, double rho, double out[2]);
/* The same for a W stochastic with islands (sp_csr_stochastic_islands: every
 * non-empty row sums to 1, the n_empty empty rows nobody's neighbour), in
 * closed form: m/(1 - rho) + (1 - m) and m/(1 - rho), m = (n - n_empty)/n. */
void sp_pops_stochastic_terms(int n, int n_empty, double rho, double out[2]);

/* The exact trace terms (tr[SP_TR_COUNT], as sp_pops.traces) of the n x n W
 * from the columns of G, H and K, each by solves with solver->solve (1 per
 * unit when lambda = 0, 3 otherwise) and n x n dense storage: with a sparse
 * factorisation (core/sp_pops_sparse.h) O(n nnz(L)) instead of the O(n^3) of
 * dense inverses. */
int sp_pops_traces_by_solves(const sp_csr *W, const sp_pops *solver, double rho, double lam,
                             double *tr);

#endif
