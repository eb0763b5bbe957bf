/* sp_pops_sparse: the spatial operations of the ML estimators (sp_pops, see
 * sp_pfe.h) for large n, with no dense n x n matrix anywhere.
 *
 *   ln|I - rho W|   exact, by a sparse factorisation analysed once and
 *                   refactorised for every rho:
 *                   - CHOLMOD (LDL') when W is similar to a symmetric matrix
 *                     (d_i w_ij = d_j w_ji for some d > 0, as for a
 *                     row-standardised symmetric W): I - rho W =
 *                     D^-1 (D - rho S) with S = D W symmetric, so
 *                     ln|I - rho W| = ln|D - rho S| - sum ln d_i;
 *                   - UMFPACK (LU) otherwise: ln|det| from its mantissa and
 *                     exponent.
 *   its curvature   d2/drho2 ln|I - rho W| = -tr(G^2): the central second
 *                   difference of exact values (Richardson near the
 *                   interval's ends), or the approximation's own derivative.
 *   solves          with the factorisation cached for the last two rho
 *                   (opts.slots), or refined from a cached one at a rho
 *                   within 1e-4 of the distance to the interval's end.
 *   trace terms     Hutchinson estimates with `probes` seeded Rademacher
 *                   vectors (z'Mz averaged; each probe costs a few solves);
 *                   relative error about sqrt(2/probes) of the spread.
 *   effects terms   tr(A^-1)/n and tr(A^-1 W)/n from the power series
 *                   sum_k rho^k tr(W^k)/n with tr(W^k) estimated by 16
 *                   probes (tr(W) and tr(W^2) exact), summed until the tail
 *                   is below 1e-10 (at most 1000 powers), the powers computed
 *                   on demand and kept; each draw then costs O(powers).
 *   interval        (1/lambda_min, 1/lambda_max): Lanczos on the symmetric
 *                   form for similar-to-symmetric W; otherwise
 *                   (-1/r, 1/r) with r the spectral radius (power iteration);
 *                   (-1, 1) on the polished Chebyshev path (row-stochastic W,
 *                   spectrum in [-1, 1]: no eigenvalue search).
 *
 * Ownership: sp_pops_sparse_new fills *ops, whose context is released by
 * sp_pops_sparse_free; W must outlive ops.  Errors follow sp_error.h: a
 * singular I - rho W or a failed factorisation is SP_ENUMERIC. */
#ifndef SP_SPARSE_OPS_H
#define SP_SPARSE_OPS_H

#include <stdint.h>

#include "sp_pops.h"

/* Defaults, exported once (the CLI's help and messages print them from here):
 * Hutchinson probes of the information-matrix traces, terms of the Monte
 * Carlo log-determinant, Chebyshev degree, and the probes carried together
 * for the effects' power traces tr(W^k) (as spatialreg's trW, p = 16). */
#define SP_POPS_SPARSE_PROBES 64
#define SP_POPS_SPARSE_ORDER 100
#define SP_POPS_SPARSE_CHEB_DEGREE 20
#define SP_POPS_SPARSE_POWER_PROBES 16

typedef struct sp_pops_sparse_opts {
    int probes;     /* Hutchinson probes (default SP_POPS_SPARSE_PROBES) */
    int order;      /* terms of the Monte Carlo log-determinant (default SP_POPS_SPARSE_ORDER) */
    uint64_t seed;  /* probe seed (default 12345) */
    int force_lu;   /* 1: UMFPACK even when CHOLMOD would do */
    int approx;     /* ln|I - rho W| approximated: SP_LNDET_EXACT, _MC or _CHEB */
    int cheb_degree;/* Chebyshev degree (default SP_POPS_SPARSE_CHEB_DEGREE) */
    int threads;    /* threads for the power traces (default 1; results do not depend on it) */
    int slots;      /* factorisations kept (default 2, the rho and lambda of a SAC; 1
                       halves the memory of models with one spatial parameter) */
    int effects_ahead; /* 1: effects terms will be asked near the estimate: on the polished
                          path their powers (to the order rho0 + 0.05 (1 - rho0) needs, rho0
                          the first exact point) are computed before the first factorisation;
                          the probe block is freed then either way (recomputed, to the same
                          values, if more powers are asked later) */
    int factor_ahead;  /* 1: factorisations will follow (a model with a spatial parameter):
                          with threads > 1, CHOLMOD's analysis (the fill-reducing
                          order, about 2 s at 10^6 units) runs on a thread of its own
                          from the start, next to the power traces or the interval's
                          search, which take one thread fewer meanwhile; the same
                          results either way */
    int have_eig_range; /* 1: W's smallest and largest eigenvalues are known (eig_lo, eig_hi,
                           e.g. from a dense decomposition): the interval without Lanczos */
    double eig_lo, eig_hi;
} sp_pops_sparse_opts;

/* Approximate log-determinants for very large n, from the same stochastic
 * traces (the factorisation is then only used for solves):
 *   SP_LNDET_MC    Barry and Pace (1999): -n sum_{k=1..order} rho^k tr(W^k)/(n k);
 *                  truncation error at most n |rho|^(order+1) / ((order+1)(1-|rho|))
 *                  plus the probes' sampling error;
 *   SP_LNDET_CHEB  Pace and LeSage (2004): ln(1 - rho x) interpolated at the
 *                  Chebyshev nodes of [-1, 1] to degree q, summed against
 *                  tr(T_j(W)); for W with real spectrum in [-1, 1] (a
 *                  row-standardised W); the error grows as |rho| -> 1. */
enum { SP_LNDET_EXACT, SP_LNDET_MC, SP_LNDET_CHEB, SP_LNDET_AUTO, SP_LNDET_CHEB_POLISH };
/* SP_LNDET_CHEB_POLISH: Chebyshev for the search, with the exact CHOLMOD value
 * as lndet_exact for the estimator's polish (sp_pfe.h) and exact second
 * derivatives; when W is row-standardised and similar to a symmetric matrix
 * (real spectrum in [-1, 1]), exact otherwise.
 * SP_LNDET_AUTO: SP_LNDET_CHEB_POLISH above SP_LNDET_AUTO_POLISH units (below,
 * the probes' sampling error makes the Chebyshev optimum a poor start and
 * factorisations are cheap), exact otherwise.  The threshold is the one
 * below which the estimators' automatic choice is the dense operations
 * (SP_POPS_DENSE_AUTO, sp_pops.h). */
#define SP_LNDET_AUTO_POLISH SP_POPS_DENSE_AUTO

/* The log-determinant method sp_pops_sparse_new chose: "cholmod", "umfpack",
 * "chebyshev", "chebyshev+cholmod" (polished) or "monte-carlo". */
const char *sp_pops_sparse_lndet_name(const sp_pops *ops);

/* The truncation bound of the MC approximation at rho (0 for the others). */
double sp_pops_sparse_lndet_bound(const sp_pops *ops, double rho);

void sp_pops_sparse_opts_default(sp_pops_sparse_opts *o);

int sp_pops_sparse_new(const sp_csr *W, const sp_pops_sparse_opts *o, sp_pops *ops);
void sp_pops_sparse_free(sp_pops *ops);

/* Numeric factorisations (CHOLMOD or UMFPACK) done so far (for --timing). */
int sp_pops_sparse_factorizations(const sp_pops *ops);

/* Which factorisation sp_pops_sparse_new chose: "cholmod" or "umfpack". */
const char *sp_pops_sparse_method(const sp_pops *ops);

/* d with d_i w_ij = d_j w_ji on every link (found along the neighbour graph),
 * so that diag(d) W is symmetric; returns 1 when such d exists, else 0. */
int sp_pops_sparse_symmetrizer(const sp_csr *W, double *d);

/* The n eigenvalues (ascending) of the symmetric n x n matrix a (dense, its
 * lower triangle read, a destroyed) into ev, by LAPACK with a single-threaded
 * BLAS (this plugin's: the binary links no LAPACK).  SP_ENUMERIC when LAPACK
 * fails, SP_ENOMEM. */
int sp_pops_sparse_eigen_symm(int n, double *a, double *ev);
/* The symmetric tridiagonal T = Q' a Q of the symmetric n x n matrix a
 * (Householder, LAPACK dsytrd; lower triangle read, a destroyed): its
 * diagonal into d (n), its off-diagonal into e (n - 1).  Errors as above. */
int sp_pops_sparse_tridiag_symm(int n, double *a, double *d, double *e);

#endif
