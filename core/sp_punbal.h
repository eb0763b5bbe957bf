/* sp_punbal: unbalanced spatial panels: observations stacked period by
 * period over the units present in each period, the block-diagonal weights
 * W_bd = diag(W_1, ..., W_T) with W_t the submatrix of W on the units present
 * in t (row-standardised again when W was), and the within transformation of
 * unbalanced data (the exact projection off the unit and/or period dummies).
 *
 * With these, the fixed-effects ML estimator of core/sp_pfe.h applies
 * unchanged as one "period" of N = sum_t n_t observations: its
 * log-determinant ln|I - rho W_bd| = sum_t ln|I - rho W_t|, its solves and
 * traces are those of W_bd, and sp_pfe_opts.within replaces the balanced
 * transformation by sp_punbal_within (docs/panel.md has the derivation).
 *
 * The projection (M = I - D (D'D)^+ D', D the dummies):
 *   unit   v - the unit's mean over its periods;
 *   time   v - the period's mean over its units;
 *   twoway M_u v - M_u D_t a, M_u the unit demeaning, D_t the period dummies
 *          without the last, a solving (D_t' M_u D_t) a = D_t' M_u v (a small
 *          (T-1) x (T-1) Cholesky system).
 *
 * Ownership: sp_punbal_new returns a context the caller frees with
 * sp_punbal_free; sp_punbal_weights returns an sp_csr the caller frees.
 * Errors follow sp_error.h: with unit effects, a unit present in only one
 * period is SP_EDATA naming it (its unit effect absorbs it). */
#ifndef SP_PUNBAL_H
#define SP_PUNBAL_H

#include "sp_csr.h"
#include "sp_within.h"

typedef struct sp_punbal {
    int n, t, nobs;   /* units, periods, observations */
    int *unit, *period; /* per observation (stacked period by period) */
    int *start;       /* t + 1: observations of period s are start[s]..start[s+1]-1 */
    int *tcount;      /* n: periods unit i is present in */
    sp_fe fe;
    double *chol;     /* (t-1)^2: Cholesky factor of D_t' M_u D_t (twoway) */
} sp_punbal;

/* present[s*n + i] != 0 when unit i is observed in period s; names[i] name
 * the units in messages. */
int sp_punbal_new(int n, int t, const unsigned char *present, const char *const *names,
                  sp_fe fe, sp_punbal **out);
void sp_punbal_free(sp_punbal *u);

/* v (nobs) := M v, the projection off the dummies of u->fe (an
 * sp_pfe_opts.within callback: ctx is the sp_punbal). */
void sp_punbal_within(void *ctx, double *v);

/* The nobs x nobs block-diagonal W_bd from the n x n W; row = 1
 * re-standardises each block's rows (empty rows stay empty).  *islands
 * (may be NULL) receives the number of observations left without neighbours. */
int sp_punbal_weights(const sp_punbal *u, const sp_csr *W, int row, sp_csr **out, int *islands);

/* W_bd from the periods' own matrices: blocks[s] (n_s x n_s, rows and
 * columns in the order of the units present in period s, already
 * standardised) stacked on the diagonal.  SP_EUSAGE when a block's size is
 * not its period's number of units. */
int sp_punbal_stack(const sp_punbal *u, const sp_csr *const *blocks, sp_csr **out);

#endif
