/* Sparse spatial operations for the ML estimators (see sp_pops_sparse.h). */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <cholmod.h>
#include <umfpack.h>

#include "sp_dense.h"
#include "sp_error.h"
#include "sp_rng.h"
#include "sp_pops_sparse.h"
#include "sp_threads.h"

#define LANCZOS_STEPS 300

/* One factorisation of I - rho W, cached by rho. */
typedef struct factor_slot {
    double rho;
    int valid;
    cholmod_factor *L; /* CHOLMOD: LDL' of D - rho S */
    void *numeric;     /* UMFPACK */
    double lndet;
} factor_slot;

typedef struct sparse_ops {
    const sp_csr *W;
    int n, chol, probes, order;
    uint64_t seed;
    double *d, sum_log_d;   /* symmetrizer (CHOLMOD path) */
    cholmod_common cc;
    cholmod_sparse *A;      /* lower triangle of D - rho S (P (D - rho S) P' once analysed) */
    sp_threads_task *analysis; /* CHOLMOD's analysis running ahead (opts.factor_ahead), or NULL */
    int *mirror;            /* W's mirror positions (csr_mirror) until tr(W^2) is had, or NULL */
    int *perm;              /* P of the analysis (row k of P A P' is row perm[k] of A), or NULL */
    double *a_diag, *a_s;   /* per entry of A: d on the diagonal, S values */
    int *ap, *ai;           /* UMFPACK: CSR of I - rho W (read as CSC of its transpose) */
    double *ax, *aw;        /* values, and W's value at each entry */
    int *adiag;             /* 1 where the entry is diagonal */
    void *symbolic;
    double control[UMFPACK_CONTROL]; /* no iterative refinement: ax may hold another rho */
    factor_slot slot[3];    /* 0, 1: cached (rho and lambda of a SAC alternate); 2: scratch */
    int slots, next_slot;   /* cached slots in use (1 or 2), the next to replace */
    int effects_ahead;      /* opts.effects_ahead */
    double terms0[4];       /* the effects terms at rho = 0 (have_terms0: computed) */
    int have_terms0;
    int factorizations;     /* numeric factorisations so far */
    cholmod_common cc2;     /* the second thread's workspace (sparse_lndet_exact_pair) */
    double *ax2;            /* and its values of A (NULL until the first pair) */
    /* the effects' powers: 1 once a pair ran side by side (they then wait for
     * the next factorisation and run beside it, on powers_ahead, to powers_top) */
    int powers_beside, powers_top, powers_running;
    sp_threads_task *powers_ahead;
    double *r1, *r2;        /* refinement scratch (n each, allocated on first use) */
    double *trw;            /* tr(W^k)/n, k = 0..trw_top (grown on demand) */
    int trw_top, trw_cap;
    double *trwq;           /* each probe's own tr(W^k)/n (k-major, SP_POPS_SPARSE_POWER_PROBES a row) */
    /* the power-trace probes: signs z (bits, by rank), v = W^trw_top z and the
     * next power (n x SP_POPS_SPARSE_POWER_PROBES by rank: pv and pnext share
     * one block, whichever starts it) */
    double *pv, *pnext, *pblock;
    uint32_t *psign;
    int *rp, *rj;           /* W in breadth-first ranks (rows rp, columns rj, values rx) */
    double *rx;
    double step_sum[SP_POPS_SPARSE_POWER_PROBES]; /* z_q . W^k z_q of the latest power step */
    int threads;
    double radius;          /* spectral radius bound of W (for series truncation) */
    double rho_lo, rho_hi;  /* the admissible interval */
    int approx, cheb_degree;
    int polish;             /* SP_LNDET_AUTO's Chebyshev: exact values at hand (lndet_exact) */
    double *trc;            /* tr(T_j(W))/n, j = 0..cheb_degree (Chebyshev) */
    int row_stochastic;
    int stochastic, n_empty; /* sp_csr_stochastic_islands: closed-form effects terms */
    double *w1, *t1, *t2, *t3;
} sparse_ops;

void sp_pops_sparse_opts_default(sp_pops_sparse_opts *o)
{
    o->probes = SP_POPS_SPARSE_PROBES;
    o->order = SP_POPS_SPARSE_ORDER;
    o->seed = 12345;
    o->force_lu = 0;
    o->approx = SP_LNDET_EXACT;
    o->cheb_degree = SP_POPS_SPARSE_CHEB_DEGREE;
    o->threads = 1;
    o->slots = 2;
    o->effects_ahead = 0;
    o->factor_ahead = 0;
    o->have_eig_range = 0;
    o->eig_lo = o->eig_hi = 0.0;
}

/* d from the neighbour graph (sp_pops_sparse_symmetrizer) with the mirror
 * positions of sp_csr_mirror; queue: n ints of scratch. */
static int symmetrizer_from(const sp_csr *W, const int *mirror, int *queue, double *d)
{
    int n = W->nrow, ok = 1;
    for (int i = 0; i < n; i++)
        d[i] = 0.0;
    for (int root = 0; root < n && ok; root++) {
        if (d[root] != 0.0)
            continue;
        int head = 0, tail = 0;
        d[root] = 1.0;
        queue[tail++] = root;
        while (head < tail && ok) {
            int i = queue[head++];
            for (int q = W->p[i]; q < W->p[i + 1] && ok; q++) {
                int j = W->j[q];
                double wij = W->x[q], wji = W->x[mirror[q]];
                if (!(wij > 0.0 && wji > 0.0))
                    ok = 0;
                else if (d[j] == 0.0) {
                    d[j] = d[i] * wij / wji;
                    queue[tail++] = j;
                } else if (fabs(d[i] * wij - d[j] * wji) > 1e-12 * fabs(d[i] * wij))
                    ok = 0;
            }
        }
    }
    return ok;
}

/* The symmetrizer d, and W's mirror positions in *mirror (sp_csr_mirror; the
 * caller frees them) when d exists, else NULL there and 0 returned (also
 * without memory). */
static int symmetrizer_mirror(const sp_csr *W, double *d, int **mirror)
{
    int n = W->nrow;
    int *m = sp_malloc((size_t)sp_csr_nnz(W) * sizeof *m + 1);
    int *scratch = sp_malloc((size_t)n * sizeof *scratch + 1);
    int ok = m && scratch && sp_csr_mirror(W, m, scratch) && symmetrizer_from(W, m, scratch, d);
    free(scratch);
    if (!ok) {
        free(m);
        m = NULL;
    }
    *mirror = m;
    return ok;
}

int sp_pops_sparse_symmetrizer(const sp_csr *W, double *d)
{
    int *mirror, ok = symmetrizer_mirror(W, d, &mirror);
    free(mirror);
    return ok;
}

/* LAPACK (the plugin's, OpenBLAS through CHOLMOD's liblapack.so.3): the
 * eigenvalues of a symmetric matrix, Householder tridiagonalisation (dsytrd)
 * then root-free QR (dsterf), no vectors. */
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
            double *w, double *work, const int *lwork, int *info);

int sp_pops_sparse_eigen_symm(int n, double *a, double *ev)
{
    sp_threads_libraries_calm(); /* single-threaded BLAS: the same bits on any --threads */
    int lwork = -1, info = 0;
    double query = 0.0;
    dsyev_("N", "L", &n, a, &n, ev, &query, &lwork, &info);
    lwork = info ? 3 * n : (int)query;
    double *work = sp_malloc((size_t)(lwork > 1 ? lwork : 1) * sizeof *work);
    if (!work)
        return sp_error_set(SP_ENOMEM, "out of memory for %d eigenvalues", n);
    dsyev_("N", "L", &n, a, &n, ev, work, &lwork, &info);
    free(work);
    return info ? sp_error_set(SP_ENUMERIC, "eigenvalues of W failed (LAPACK dsyev: %d)", info)
                : SP_OK;
}

void dsytrd_(const char *uplo, const int *n, double *a, const int *lda, double *d, double *e,
             double *tau, double *work, const int *lwork, int *info);

int sp_pops_sparse_tridiag_symm(int n, double *a, double *d, double *e)
{
    sp_threads_libraries_calm(); /* single-threaded BLAS: the same bits on any --threads */
    int lwork = -1, info = 0;
    double query = 0.0;
    dsytrd_("L", &n, a, &n, d, e, NULL, &query, &lwork, &info);
    lwork = info || query < n ? n : (int)query;
    double *work = sp_malloc((size_t)(lwork + n) * sizeof *work + 1);
    if (!work)
        return sp_error_set(SP_ENOMEM, "out of memory for a %d x %d tridiagonalisation", n, n);
    dsytrd_("L", &n, a, &n, d, e, work + lwork, work, &lwork, &info);
    free(work);
    return info ? sp_error_set(SP_ENUMERIC, "tridiagonalisation of W failed (LAPACK dsytrd: "
                                            "%d)", info)
                : SP_OK;
}

static int power_traces_to(sparse_ops *o, int top);
static int power_traces_run(sparse_ops *o, int top);
static void power_release(sparse_ops *o);
static int series_order(const sparse_ops *o, double rho);

/* ---- CHOLMOD: D - rho S, lower triangle, analysed once ------------------- */

static int chol_setup(sparse_ops *o)
{
    const sp_csr *W = o->W;
    int n = o->n;
    sp_threads_libraries_calm();
    cholmod_start(&o->cc);
    o->cc.supernodal = CHOLMOD_AUTO; /* supernodal (BLAS) when the flops per entry of L are many */
    o->cc.final_ll = 0;
    o->cc.print = 0;
    int *count = sp_calloc((size_t)n + 1, sizeof *count);
    if (!count)
        return SP_ENOMEM;
    size_t nnz = (size_t)n;
    for (int i = 0; i < n; i++)
        for (int q = W->p[i]; q < W->p[i + 1]; q++)
            if (W->j[q] < i) {
                count[W->j[q]]++;
                nnz++;
            }
    o->A = cholmod_allocate_sparse(n, n, nnz, 1, 1, -1, CHOLMOD_REAL, &o->cc);
    o->a_diag = sp_calloc(nnz, sizeof *o->a_diag);
    o->a_s = sp_calloc(nnz, sizeof *o->a_s);
    if (!o->A || !o->a_diag || !o->a_s) {
        free(count);
        return SP_ENOMEM;
    }
    int *Ap = o->A->p, *Ai = o->A->i;
    Ap[0] = 0;
    for (int j = 0; j < n; j++)
        Ap[j + 1] = Ap[j] + 1 + count[j];
    for (int j = 0; j < n; j++) { /* the diagonal first in each column */
        Ai[Ap[j]] = j;
        o->a_diag[Ap[j]] = o->d[j];
        o->a_s[Ap[j]] = o->d[j] * sp_csr_get(W, j, j);
        count[j] = Ap[j] + 1;
    }
    for (int i = 0; i < n; i++) /* rows ascending, so each column stays sorted */
        for (int q = W->p[i]; q < W->p[i + 1]; q++)
            if (W->j[q] < i) {
                int slot = count[W->j[q]]++;
                Ai[slot] = i;
                o->a_s[slot] = o->d[i] * W->x[q];
            }
    free(count);
    o->sum_log_d = 0.0;
    for (int i = 0; i < n; i++)
        o->sum_log_d += log(o->d[i]);
    return SP_OK;
}

/* ln|D - rho S| from the pivots of the factor (LDL' or LL', simplicial or
 * supernodal); 0 in *ok when one is not positive (D - rho S not positive
 * definite: LDL' runs on indefinite matrices, LL' stops at L->minor). */
static double factor_lndet(const cholmod_factor *L, int *ok)
{
    double sum = 0.0;
    *ok = L->minor == L->n;
    if (L->is_super) {
        const int *super = L->super, *pi = L->pi, *px = L->px;
        const double *x = L->x;
        for (size_t s = 0; s < L->nsuper && *ok; s++) {
            int nrow = pi[s + 1] - pi[s];
            const double *Ls = x + px[s];
            for (int j = 0; j < super[s + 1] - super[s]; j++) {
                double v = Ls[(size_t)j * nrow + j];
                *ok &= v > 0.0;
                sum += 2.0 * log(v);
            }
        }
        return sum;
    }
    const int *Lp = L->p;
    const double *Lx = L->x;
    for (size_t j = 0; j < L->n && *ok; j++) {
        double v = Lx[Lp[j]];
        *ok &= v > 0.0;
        sum += L->is_ll ? 2.0 * log(v) : log(v);
    }
    return sum;
}

/* Hands CHOLMOD the matrix in its fill-reducing order, once, after the
 * analysis: A becomes the lower triangle of P A P' (P = L->Perm, AMD and its
 * postorder; columns sorted), the matrix cholmod_factorize would otherwise
 * form by two transposes at every factorisation (0.2 s each at 10^6 Voronoi
 * units), with a_diag and a_s in the same order, and the factor is marked as
 * being in the natural order, so that factorisations read A as it is; solves
 * permute b and x here (o->perm) as cholmod_solve would.  The same matrix and
 * the same arithmetic: the same bits.  Entries are placed by their new row
 * (a counting sort), so each column's rows come out ascending. */
static int chol_permute(sparse_ops *o, cholmod_factor *L)
{
    int n = o->n, nnz = ((const int *)o->A->p)[n];
    const int *Ap = o->A->p, *Ai = o->A->i, *perm = L->Perm;
    int *iperm = sp_malloc(((size_t)n * 2 + 1) * sizeof *iperm), *start = iperm ? iperm + n : NULL;
    int *byrow = sp_malloc((size_t)nnz * 2 * sizeof *byrow + 1), *newcol = byrow ? byrow + nnz : NULL;
    cholmod_sparse *B = cholmod_allocate_sparse(n, n, nnz, 1, 1, -1, CHOLMOD_REAL, &o->cc);
    double *bd = sp_malloc((size_t)nnz * sizeof *bd + 1), *bs = sp_malloc((size_t)nnz * sizeof *bs + 1);
    o->perm = sp_malloc((size_t)n * sizeof *o->perm + 1);
    if (!iperm || !byrow || !B || !bd || !bs || !o->perm) { /* A and L stay as they were */
        free(iperm), free(byrow), free(bd), free(bs), free(o->perm);
        o->perm = NULL;
        cholmod_free_sparse(&B, &o->cc);
        return SP_ENOMEM;
    }
    int *Bp = B->p, *Bi = B->i;
    for (int k = 0; k < n; k++)
        iperm[perm[k]] = k, o->perm[k] = perm[k];
    memset(start, 0, ((size_t)n + 1) * sizeof *start);
    memset(Bp, 0, ((size_t)n + 1) * sizeof *Bp);
    for (int j = 0; j < n; j++)
        for (int q = Ap[j]; q < Ap[j + 1]; q++) { /* A(i, j), i >= j, goes to (max, min) */
            int a = iperm[Ai[q]], b = iperm[j];
            start[(a > b ? a : b) + 1]++;
            Bp[(a > b ? b : a) + 1]++;
            newcol[q] = a > b ? b : a;
        }
    for (int k = 0; k < n; k++)
        start[k + 1] += start[k], Bp[k + 1] += Bp[k];
    for (int j = 0; j < n; j++)
        for (int q = Ap[j]; q < Ap[j + 1]; q++) {
            int a = iperm[Ai[q]], b = iperm[j];
            byrow[start[a > b ? a : b]++] = q;
        }
    memcpy(iperm, Bp, (size_t)n * sizeof *iperm); /* now each new column's next slot */
    for (int e = 0, r = 0; e < nnz; e++) { /* in new-row order: each column fills ascending */
        int q = byrow[e], slot = iperm[newcol[q]]++;
        while (e >= start[r]) /* start[r] is now the end of new row r */
            r++;
        Bi[slot] = r, bd[slot] = o->a_diag[q], bs[slot] = o->a_s[q];
    }
    free(iperm), free(byrow);
    cholmod_free_sparse(&o->A, &o->cc);
    free(o->a_diag), free(o->a_s);
    o->A = B, o->a_diag = bd, o->a_s = bs;
    L->ordering = CHOLMOD_NATURAL; /* A is P A P' now: read as it is */
    return SP_OK;
}

/* The symbolic analysis of A into slot 0's factor, and A handed over in its
 * order (chol_permute): at the first factorisation, or ahead on a thread of
 * its own (opts.factor_ahead) while the caller computes the power traces or
 * the interval, which touch none of o->A, o->cc and the slots (chol_factor
 * and sp_pops_sparse_free wait for it first). */
static int chol_analyse(void *ctx)
{
    sparse_ops *o = ctx;
    factor_slot *first = &o->slot[0];
    if (!(first->L = cholmod_analyze(o->A, &o->cc)))
        return SP_ENUMERIC;
    return first->L->ordering != CHOLMOD_NATURAL ? chol_permute(o, first->L) : SP_OK;
}

/* The analysis of slot 0: waits for the one running ahead, or runs it. */
static int chol_analysed(sparse_ops *o)
{
    int rc = SP_OK;
    if (o->analysis) {
        rc = sp_threads_join(o->analysis);
        o->analysis = NULL;
    } else if (!o->slot[0].L) {
        rc = chol_analyse(o);
    }
    return rc == SP_ENOMEM ? sp_error_set(rc, "out of memory in the analysis of I - rho W")
           : rc ? sp_error_set(SP_ENUMERIC, "CHOLMOD analysis of I - rho W failed") : SP_OK;
}

/* The effects' powers on their thread (effects_powers), then the probes released. */
static int powers_work(void *ctx)
{
    sparse_ops *o = ctx;
    int rc = power_traces_run(o, o->powers_top);
    if (!rc)
        power_release(o);
    return rc;
}

/* Once the Chebyshev search is done (at the first factorisation of the
 * polish), the effects' powers to the order rho needs (opts.effects_ahead),
 * then the probes released (the largest thing held besides a factor): here;
 * or, once a pair ran side by side (a factor small enough for two), beside
 * the next factorisation on a thread of their own (pair: 1 when called for
 * a pair, which leaves them for that).  Later powers continue the same
 * sequence: the values never depend on where they were computed. */
static int effects_powers(sparse_ops *o, double rho, int pair)
{
    if (o->powers_ahead || !o->pblock || !o->polish)
        return SP_OK;
    int rc = SP_OK;
    if (o->effects_ahead && !o->powers_top) /* the first factorisation's */
        o->powers_top = series_order(o, rho + 0.05 * (1.0 - rho)) + 1;
    if (pair && o->effects_ahead)
        return SP_OK;
    if (o->effects_ahead && o->powers_beside) {
        o->powers_running = 1; /* their power steps on one thread */
        return sp_threads_start(powers_work, o, &o->powers_ahead);
    }
    if (o->effects_ahead)
        rc = power_traces_to(o, o->powers_top);
    if (!rc)
        power_release(o);
    return rc;
}

/* What precedes a factorisation of D - rho S in slot s (pair: one of a pair
 * side by side): effects_powers, the symbolic analysis (into slot 0's
 * factor, copied for the other slots). */
static int chol_prepare(sparse_ops *o, factor_slot *s, double rho, int pair)
{
    factor_slot *first = &o->slot[0];
    int rc = effects_powers(o, rho, pair);
    if (rc)
        return rc;
    rc = chol_analysed(o);
    if (rc)
        return rc;
    if (!s->L && !(s->L = cholmod_copy_factor(first->L, &o->cc)))
        return SP_ENOMEM;
    return SP_OK;
}

/* The numeric factorisation of D - rho S into the prepared slot s, with the
 * values of A (its pattern, o->A's) in ax and CHOLMOD's workspace cc:
 * SP_ENUMERIC (no message, not_definite says it) when D - rho S is not
 * positive definite.  Touches nothing else of o: two can run at once. */
static int chol_numeric(const sparse_ops *o, cholmod_common *cc, double *ax, factor_slot *s,
                        double rho)
{
    cholmod_sparse A = *o->A; /* after the analysis: it may have reordered A */
    A.x = ax;
    for (size_t k = 0; k < A.nzmax; k++)
        ax[k] = o->a_diag[k] - rho * o->a_s[k];
    int ok = cholmod_factorize(&A, s->L, cc) && cc->status == CHOLMOD_OK;
    double sum = ok ? factor_lndet(s->L, &ok) : 0.0;
    s->lndet = sum - o->sum_log_d;
    return ok ? SP_OK : SP_ENUMERIC;
}

static int not_definite(double rho)
{
    return sp_error_set(SP_ENUMERIC, "I - %g W is not positive definite: rho outside its "
                        "admissible interval", rho);
}

/* The factor of D - rho S in slot s: the symbolic analysis once, a numeric
 * factorisation per rho. */
static int chol_factor(sparse_ops *o, factor_slot *s, double rho)
{
    int rc = chol_prepare(o, s, rho, 0);
    if (rc)
        return rc;
    o->factorizations++;
    return chol_numeric(o, &o->cc, o->A->x, s, rho) ? not_definite(rho) : SP_OK;
}

/* X = (D - rho S)^-1 diag(scale) B for k columns (n x k, column-major; scale
 * NULL: none) through the slot's factor of P (D - rho S) P':
 * x = P' L'^-1 L^-1 P (scale b), cholmod_solve's CHOLMOD_A with the
 * permutation (and the scaling, the same products) done here. */
static int chol_solve_raw(sparse_ops *o, factor_slot *s, int k, const double *scale,
                          const double *b, double *x)
{
    size_t n = (size_t)o->n;
    const int *perm = o->perm;
    cholmod_dense *B = cholmod_allocate_dense(n, (size_t)k, n, CHOLMOD_REAL, &o->cc);
    if (!B)
        return SP_ENOMEM;
    double *bx = B->x;
    for (size_t c = 0; c < (size_t)k; c++)
        for (size_t r = 0; r < n; r++) {
            size_t i = perm ? (size_t)perm[r] : r;
            bx[c * n + r] = scale ? scale[i] * b[c * n + i] : b[c * n + i];
        }
    cholmod_dense *X = cholmod_solve(CHOLMOD_LDLt, s->L, B, &o->cc);
    cholmod_free_dense(&B, &o->cc);
    if (!X)
        return sp_error_set(SP_ENUMERIC, "CHOLMOD solve failed");
    const double *xx = X->x;
    for (size_t c = 0; c < (size_t)k; c++)
        for (size_t r = 0; r < n; r++)
            x[c * n + (perm ? (size_t)perm[r] : r)] = xx[c * n + r];
    cholmod_free_dense(&X, &o->cc);
    return SP_OK;
}

/* ---- UMFPACK: I - rho W as CSR (= CSC of its transpose) ------------------ */

static int lu_setup(sparse_ops *o)
{
    const sp_csr *W = o->W;
    int n = o->n;
    size_t nnz = (size_t)sp_csr_nnz(W) + (size_t)n;
    o->ap = sp_malloc(((size_t)n + 1) * sizeof *o->ap);
    o->ai = sp_malloc(nnz * sizeof *o->ai);
    o->ax = sp_malloc(nnz * sizeof *o->ax);
    o->aw = sp_malloc(nnz * sizeof *o->aw);
    o->adiag = sp_malloc(nnz * sizeof *o->adiag);
    if (!o->ap || !o->ai || !o->ax || !o->aw || !o->adiag)
        return SP_ENOMEM;
    int k = 0;
    for (int i = 0; i < n; i++) {
        o->ap[i] = k;
        int placed = 0;
        for (int q = W->p[i]; q <= W->p[i + 1]; q++) {
            int j = q < W->p[i + 1] ? W->j[q] : n;
            if (!placed && j >= i) {
                o->ai[k] = i;
                o->aw[k] = j == i ? W->x[q] : 0.0;
                o->adiag[k++] = 1;
                placed = 1;
                if (j == i)
                    continue;
            }
            if (q < W->p[i + 1]) {
                o->ai[k] = j;
                o->aw[k] = W->x[q];
                o->adiag[k++] = 0;
            }
        }
    }
    o->ap[n] = k;
    for (int q = 0; q < k; q++)
        o->ax[q] = (o->adiag[q] ? 1.0 : 0.0) - 0.5 * o->aw[q];
    umfpack_di_defaults(o->control);
    o->control[UMFPACK_IRSTEP] = 0;
    if (umfpack_di_symbolic(n, n, o->ap, o->ai, o->ax, &o->symbolic, o->control, NULL) != UMFPACK_OK)
        return sp_error_set(SP_ENUMERIC, "UMFPACK analysis of I - rho W failed");
    return SP_OK;
}

static int lu_factor(sparse_ops *o, factor_slot *s, double rho)
{
    o->factorizations++;
    for (int q = 0; q < o->ap[o->n]; q++)
        o->ax[q] = (o->adiag[q] ? 1.0 : 0.0) - rho * o->aw[q];
    if (s->numeric)
        umfpack_di_free_numeric(&s->numeric);
    double mx, ex;
    if (umfpack_di_numeric(o->ap, o->ai, o->ax, o->symbolic, &s->numeric, o->control, NULL) != UMFPACK_OK ||
        umfpack_di_get_determinant(&mx, &ex, s->numeric, NULL) != UMFPACK_OK || mx == 0.0)
        return sp_error_set(SP_ENUMERIC, "I - %g W is singular", rho);
    s->lndet = log(fabs(mx)) + ex * log(10.0);
    return SP_OK;
}

/* ---- the cached factorisation of I - rho W -------------------------------- */

static int factor_for(sparse_ops *o, double rho, factor_slot **out)
{
    for (int k = 0; k < 2; k++)
        if (o->slot[k].valid && o->slot[k].rho == rho) {
            *out = &o->slot[k];
            return SP_OK;
        }
    factor_slot *s = &o->slot[o->next_slot];
    o->next_slot = (o->next_slot + 1) % o->slots;
    s->valid = 0;
    int rc = o->chol ? chol_factor(o, s, rho) : lu_factor(o, s, rho);
    if (rc)
        return rc;
    s->rho = rho;
    s->valid = 1;
    *out = s;
    return SP_OK;
}

static int cheb_traces(sparse_ops *o);

static double mc_lndet(sparse_ops *o, double rho)
{
    if (power_traces_to(o, o->order))
        return NAN;
    double s = 0.0, pk = 1.0;
    for (int k = 1; k <= o->order; k++) {
        pk *= rho;
        s -= pk * o->trw[k] / k;
    }
    return o->n * s;
}

/* f(x) = ln(1 - rho x) (deriv 0) or its second derivative in rho,
 * -x^2 / (1 - rho x)^2 (deriv 2). */
static double cheb_f(double rho, double x, int deriv)
{
    double a = 1.0 - rho * x;
    return deriv ? -x * x / (a * a) : log(a);
}

/* n sum_j c_j tr(T_j(W))/n with c_j the Chebyshev interpolation coefficients
 * of cheb_f on [-1, 1]. */
static double cheb_sum(sparse_ops *o, double rho, int deriv)
{
    if (!o->trc && cheb_traces(o))
        return NAN;
    int q = o->cheb_degree;
    double s = 0.0;
    for (int j = 0; j <= q; j++) {
        double c = 0.0;
        for (int k = 0; k <= q; k++) {
            double theta = M_PI * (k + 0.5) / (q + 1);
            c += cheb_f(rho, cos(theta), deriv) * cos(j * theta);
        }
        c *= 2.0 / (q + 1);
        s += (j == 0 ? 0.5 * c : c) * o->trc[j];
    }
    return o->n * s;
}

double sp_pops_sparse_lndet_bound(const sp_pops *ops, double rho)
{
    const sparse_ops *o = ops->ctx;
    if (o->approx != SP_LNDET_MC || fabs(rho) >= 1.0)
        return 0.0;
    return o->n * pow(fabs(rho), o->order + 1) / ((o->order + 1) * (1.0 - fabs(rho)));
}

static double sparse_lndet_exact(void *ctx, double rho)
{
    factor_slot *s;
    return rho == 0.0 ? 0.0 : factor_for(ctx, rho, &s) ? NAN : s->lndet;
}

/* The second thread's factorisation in sparse_lndet_exact_pair. */
typedef struct pair_job {
    sparse_ops *o;
    factor_slot *s;
    double rho;
} pair_job;

static int pair_work(void *ctx)
{
    pair_job *j = ctx;
    sp_threads_libraries_calm_thread(); /* CHOLMOD's OpenMP regions, on this thread too */
    return chol_numeric(j->o, &j->o->cc2, j->o->ax2, j->s, j->rho);
}

/* Whether the pair may run side by side: CHOLMOD with two threads, neither
 * point 0 nor cached (the size of L is asked later, once it is known). */
static int pair_candidate(const sparse_ops *o, const double x[2])
{
    if (!o->chol || o->threads < 2 || x[0] == 0.0 || x[1] == 0.0 || x[0] == x[1])
        return 0;
    for (int k = 0; k < 2; k++)
        if (o->slot[k].valid && (o->slot[k].rho == x[0] || o->slot[k].rho == x[1]))
            return 0;
    return 1;
}

/* The second thread's workspace and values of A, once. */
static int pair_workspace(sparse_ops *o)
{
    if (o->ax2)
        return SP_OK;
    cholmod_start(&o->cc2);
    o->cc2.supernodal = o->cc.supernodal, o->cc2.final_ll = o->cc.final_ll;
    o->cc2.print = o->cc.print;
    if (!(o->ax2 = sp_malloc(o->A->nzmax * sizeof *o->ax2 + 1))) {
        cholmod_finish(&o->cc2);
        return SP_ENOMEM;
    }
    return SP_OK;
}

/* ops->lndet_exact_pair: the two factorisations at once, x[0]'s on a thread
 * of its own (its own workspace cc2 and values ax2; the same symbolic factor,
 * the same arithmetic, the same bits), x[1]'s here, when L has at most
 * PAIR_MAX_LNZ entries (128 MB: with one cached slot x[0]'s factor is an
 * extra one, the scratch slot's, freed after unless it was there) or two
 * slots are cached anyway.  The slots end as after two factor_for calls:
 * with two, x[0] and x[1] in the next two; with one, x[1] in it.  While the
 * analysis still runs, the effects' powers run first, beside it, as before
 * one factorisation; else (a small L) they wait for the next factorisation
 * and run beside it (effects_powers). */
#define PAIR_MAX_LNZ (1 << 24)
static int sparse_lndet_exact_pair(void *ctx, const double x[2], double v[2])
{
    sparse_ops *o = ctx;
    int side = pair_candidate(o, x), rc = SP_OK;
    if (side && o->analysis && !sp_threads_done(o->analysis))
        rc = effects_powers(o, x[0], 0);
    if (!rc && side)
        rc = chol_analysed(o);
    if (rc)
        return rc;
    int small = side && o->cc.lnz <= PAIR_MAX_LNZ;
    if (!side || !(small || o->slots == 2)) {
        v[0] = sparse_lndet_exact(ctx, x[0]);
        v[1] = isfinite(v[0]) ? sparse_lndet_exact(ctx, x[1]) : NAN;
        return isfinite(v[0]) && isfinite(v[1]) ? SP_OK : SP_ENUMERIC;
    }
    factor_slot *s0 = o->slots == 2 ? &o->slot[o->next_slot] : &o->slot[2];
    factor_slot *s1 = o->slots == 2 ? &o->slot[1 - o->next_slot] : &o->slot[o->next_slot];
    int had_scratch = o->slot[2].L != NULL;
    s0->valid = s1->valid = 0;
    o->powers_beside = small;
    rc = chol_prepare(o, s0, x[0], small);
    if (!rc)
        rc = chol_prepare(o, s1, x[1], small);
    if (!rc)
        rc = pair_workspace(o);
    sp_threads_task *task = NULL;
    pair_job job = {.o = o, .s = s0, .rho = x[0]};
    if (!rc)
        rc = sp_threads_start(pair_work, &job, &task);
    if (rc)
        return rc;
    int rc1 = chol_numeric(o, &o->cc, o->A->x, s1, x[1]), rc0 = sp_threads_join(task);
    o->factorizations += 2;
    rc = rc0 == SP_ENUMERIC ? not_definite(x[0]) : rc0 ? rc0 : rc1 ? not_definite(x[1]) : SP_OK;
    v[0] = s0->lndet, v[1] = s1->lndet;
    if (!rc) {
        s1->rho = x[1], s1->valid = 1;
        if (o->slots == 2)
            s0->rho = x[0], s0->valid = 1;
    }
    o->next_slot = o->slots == 2 ? o->next_slot : (o->next_slot + 1) % o->slots;
    if (o->slots == 1 && !had_scratch)
        cholmod_free_factor(&o->slot[2].L, &o->cc);
    return rc;
}

static double sparse_lndet(void *ctx, double rho)
{
    sparse_ops *so = ctx;
    if (so->approx == SP_LNDET_MC)
        return mc_lndet(so, rho);
    if (so->approx == SP_LNDET_CHEB)
        return cheb_sum(so, rho, 0);
    return sparse_lndet_exact(ctx, rho);
}

/* The exact ln|I - rho W| through the scratch slot, leaving the cache alone. */
static double scratch_lndet(sparse_ops *o, double rho)
{
    factor_slot *s = &o->slot[2];
    for (int k = 0; k < 2; k++)
        if (o->slot[k].valid && o->slot[k].rho == rho)
            return o->slot[k].lndet;
    int rc = o->chol ? chol_factor(o, s, rho) : lu_factor(o, s, rho);
    return rc ? NAN : s->lndet;
}

/* d^2/d rho^2 of the approximate ln|I - rho W| (ops->lndet_d2_approx):
 * the Chebyshev sum of the second derivative, or the Monte Carlo series'. */
static double sparse_lndet_d2_approx(void *ctx, double rho)
{
    sparse_ops *o = ctx;
    if (o->approx == SP_LNDET_CHEB)
        return cheb_sum(o, rho, 2);
    if (power_traces_to(o, o->order))
        return NAN;
    double s = 0.0, pk = 1.0;
    for (int k = 2; k <= o->order; k++, pk *= rho)
        s -= (k - 1) * pk * o->trw[k];
    return o->n * s;
}

/* d^2/d rho^2 ln|I - rho W| = -tr(G^2): the analytic derivative of the
 * approximations (without polish); for the exact paths the central second
 * difference of the exact log-determinant with step h = LNDET_D2_STEP.  Its
 * truncation error is about h^2 / (2 d^2), d the distance to the nearer end
 * of the interval (the nearest pole of ln|I - rho W|), and its rounding
 * about 1e-15 |ln|A|| / h^2: 1e-7 relative for d >= 0.5 (the Voronoi and
 * Columbus tests).  Closer to the end, Richardson's extrapolation from h and
 * h/2 (two more factorisations) takes the truncation to O((h/d)^4). */
#define LNDET_D2_STEP 3e-4
static double sparse_lndet_d2(void *ctx, double rho)
{
    sparse_ops *o = ctx;
    if (o->approx != SP_LNDET_EXACT && !o->polish)
        return sparse_lndet_d2_approx(ctx, rho);
    double d = fmin(rho - o->rho_lo, o->rho_hi - rho), h = fmin(LNDET_D2_STEP, 0.25 * d);
    double f0 = scratch_lndet(o, rho);
    double c = (scratch_lndet(o, rho + h) - 2.0 * f0 + scratch_lndet(o, rho - h)) / (h * h);
    if (d >= 0.5)
        return c;
    h *= 0.5;
    double c2 = (scratch_lndet(o, rho + h) - 2.0 * f0 + scratch_lndet(o, rho - h)) / (h * h);
    return (4.0 * c2 - c) / 3.0;
}

/* (I - rho W) x = b, or (I - rho W)' x = b when transpose, through slot s
 * (rho = s->rho). */
static int solve_slot(sparse_ops *o, factor_slot *s, int transpose, const double *b, double *x)
{
    int n = o->n, rc;
    if (o->chol) { /* I - rho W = D^-1 (D - rho S); its transpose (D - rho S) D^-1 */
        if (!transpose)
            return chol_solve_raw(o, s, 1, o->d, b, x);
        rc = chol_solve_raw(o, s, 1, NULL, b, x);
        for (int i = 0; !rc && i < n; i++)
            x[i] *= o->d[i];
        return rc;
    }
    memcpy(o->t3, b, (size_t)n * sizeof *b);
    int sys = transpose ? UMFPACK_A : UMFPACK_At; /* the stored matrix is (I - rho W)' */
    if (umfpack_di_solve(sys, o->ap, o->ai, o->ax, x, o->t3, s->numeric, o->control, NULL) != UMFPACK_OK)
        return sp_error_set(SP_ENUMERIC, "UMFPACK solve failed");
    return SP_OK;
}

/* The same system at rho from the cached factor at a nearby rho' (within
 * REFINE_REACH of the distance d from rho to the nearer end of the interval:
 * the polish leaves the factorisation of its last point, next to the
 * estimate), by iterative refinement
 *   x <- x + (I - rho' W)^-1 (b - (I - rho W) x),
 * which contracts by about |rho - rho'| ||W (I - rho' W)^-1|| <~ |rho - rho'| / d
 * a step (at most 1e-4: four steps to REFINE_TOL); *done
 * is 1 when the correction fell to REFINE_TOL of x within REFINE_STEPS
 * (a solve as accurate as a factorisation at rho), else 0 and the caller
 * factorises. */
#define REFINE_REACH 1e-4
#define REFINE_STEPS 6
#define REFINE_TOL 1e-14
static int refine_solve(sparse_ops *o, factor_slot *s, double rho, int transpose,
                        const double *b, double *x, int *done)
{
    int n = o->n;
    *done = 0;
    if (!o->r1 && !(o->r1 = sp_malloc(2 * (size_t)n * sizeof *o->r1)))
        return SP_ENOMEM;
    o->r2 = o->r1 + n;
    int rc = solve_slot(o, s, transpose, b, x);
    for (int step = 0; !rc && step < REFINE_STEPS && !*done; step++) {
        if (transpose)
            sp_csr_matvec_t(o->W, x, o->r1);
        else
            sp_csr_matvec(o->W, x, o->r1);
        for (int i = 0; i < n; i++)
            o->r1[i] = b[i] - (x[i] - rho * o->r1[i]);
        rc = solve_slot(o, s, transpose, o->r1, o->r2);
        double dmax = 0.0, xmax = 0.0;
        for (int i = 0; !rc && i < n; i++) {
            x[i] += o->r2[i];
            dmax = fmax(dmax, fabs(o->r2[i]));
            xmax = fmax(xmax, fabs(x[i]));
        }
        *done = dmax <= REFINE_TOL * xmax;
    }
    return rc;
}

/* (I - rho W) x = b, or (I - rho W)' x = b when transpose: through the
 * factorisation at rho when cached, else refined from a nearby cached one,
 * else a new factorisation. */
static int solve_any(sparse_ops *o, double rho, int transpose, const double *b, double *x)
{
    if (rho == 0.0) {
        memmove(x, b, (size_t)o->n * sizeof *x);
        return SP_OK;
    }
    factor_slot *near = NULL;
    double reach = REFINE_REACH * fmin(rho - o->rho_lo, o->rho_hi - rho);
    for (int k = 0; k < o->slots; k++) {
        factor_slot *s = &o->slot[k];
        if (s->valid && s->rho == rho)
            return solve_slot(o, s, transpose, b, x);
        if (s->valid && fabs(s->rho - rho) <= reach &&
            (!near || fabs(s->rho - rho) < fabs(near->rho - rho)))
            near = s;
    }
    int done = 0, rc = near && b != x ? refine_solve(o, near, rho, transpose, b, x, &done) : SP_OK;
    if (rc || done)
        return rc;
    factor_slot *s;
    rc = factor_for(o, rho, &s);
    return rc ? rc : solve_slot(o, s, transpose, b, x);
}

static int sparse_solve(void *ctx, double rho, const double *b, double *x)
{
    return solve_any(ctx, rho, 0, b, x);
}

/* (I - rho W) X = B for k columns (n x k, column-major) through the CHOLMOD
 * factorisation at rho, in one solve (its kernels take several columns per
 * pass over the factor); only set on the CHOLMOD path. */
static int sparse_solve_many(void *ctx, double rho, int k, const double *b, double *x)
{
    sparse_ops *o = ctx;
    size_t n = (size_t)o->n;
    if (rho == 0.0) {
        memmove(x, b, n * k * sizeof *x);
        return SP_OK;
    }
    factor_slot *s;
    int rc = factor_for(o, rho, &s);
    if (rc)
        return rc;
    return chol_solve_raw(o, s, k, o->d, b, x); /* I - rho W = D^-1 (D - rho S) */
}

/* ---- Hutchinson trace terms ----------------------------------------------- */

/* y = (I - lam W) x. */
static void b_times(const sp_csr *W, double lam, const double *x, double *y, double *tmp)
{
    sp_csr_matvec(W, x, tmp);
    for (int i = 0; i < W->nrow; i++)
        y[i] = x[i] - lam * tmp[i];
}

static int sparse_traces(void *ctx, double rho, double lam, double *tr)
{
    sparse_ops *o = ctx;
    int n = o->n, rc = SP_OK;
    double *buf = sp_malloc((size_t)n * 8 * sizeof *buf);
    if (!buf)
        return SP_ENOMEM;
    double *z = buf, *u = z + n, *v = u + n, *kz = v + n, *ktz = kz + n, *hz = ktz + n,
           *htz = hz + n, *tmp = htz + n;
    memset(tr, 0, SP_TR_COUNT * sizeof *tr);
    for (int p = 0; p < o->probes && !rc; p++) {
        sp_rng r;
        sp_rng_init(&r, o->seed, (uint32_t)p, 0x74726365u);
        for (int i = 0; i < n; i++)
            z[i] = (sp_rng_u32(&r) & 1u) ? 1.0 : -1.0;
        /* K z = B W A^-1 B^-1 z; H z = W B^-1 z */
        rc = solve_any(o, lam, 0, z, u);
        if (!rc)
            sp_csr_matvec(o->W, u, hz);
        if (!rc)
            rc = solve_any(o, rho, 0, u, v);
        if (!rc) {
            sp_csr_matvec(o->W, v, tmp);
            b_times(o->W, lam, tmp, kz, v);
        }
        /* K' z = B^-T A^-T W' B' z; H' z = B^-T W' z */
        if (!rc) {
            sp_csr_matvec_t(o->W, z, tmp);
            for (int i = 0; i < n; i++)
                u[i] = z[i] - lam * tmp[i];
            sp_csr_matvec_t(o->W, u, v);
            rc = solve_any(o, rho, 1, v, u);
        }
        if (!rc)
            rc = solve_any(o, lam, 1, u, ktz);
        if (!rc) {
            sp_csr_matvec_t(o->W, z, tmp);
            rc = solve_any(o, lam, 1, tmp, htz);
        }
        if (rc)
            break;
        /* z'G z = z' W A^-1 z: with lam = 0, K = G. */
        rc = solve_any(o, rho, 0, z, u);
        if (!rc) {
            sp_csr_matvec(o->W, u, v);
            tr[SP_TR_G] += sp_dense_dot(z, v, n);
            tr[SP_TR_H] += sp_dense_dot(z, hz, n);
            tr[SP_TR_KK] += sp_dense_dot(ktz, kz, n);
            tr[SP_TR_KtK] += sp_dense_dot(kz, kz, n);
            tr[SP_TR_HH] += sp_dense_dot(htz, hz, n);
            tr[SP_TR_HtH] += sp_dense_dot(hz, hz, n);
            tr[SP_TR_KH] += sp_dense_dot(ktz, hz, n);
            tr[SP_TR_KHt] += sp_dense_dot(ktz, htz, n);
        }
    }
    for (int t = 0; t < SP_TR_COUNT; t++)
        tr[t] /= o->probes;
    free(buf);
    return rc;
}

/* tr(W)/n and tr(W^2)/n = sum_ij w_ij w_ji / n, exactly; w_ji through the
 * mirror positions where the operators have them (then freed: only these
 * traces need them), else by search. */
static void exact_traces(sparse_ops *o, double *t1, double *t2)
{
    const sp_csr *W = o->W;
    double s1 = 0.0, s2 = 0.0;
    for (int i = 0; i < W->nrow; i++)
        for (int q = W->p[i]; q < W->p[i + 1]; q++) {
            if (W->j[q] == i)
                s1 += W->x[q];
            s2 += W->x[q] * (o->mirror ? W->x[o->mirror[q]] : sp_csr_get(W, W->j[q], i));
        }
    *t1 = s1 / W->nrow;
    *t2 = s2 / W->nrow;
    free(o->mirror);
    o->mirror = NULL;
}

/* A breadth-first order of W's units (each component from its lowest unit
 * not yet placed): order[r] is the unit at rank r, pos[i] the rank of unit i.
 * On a mesh a unit's neighbours are a ring or two of the search away. */
static void bfs_order(const sp_csr *W, int *order, int *pos)
{
    sp_csr_bfs(W, order, pos, NULL);
}

/* One power of the probe block, next = W v, in POWER_CHUNKS blocks of ranks
 * shared among the threads; step_sum[q] = z_q . next_q, added chunk by
 * chunk in order, so the values do not depend on the number of threads.
 * W is read in rank space (o->rp, rj, rx) and the probes' signs are bits
 * (bit q of psign[rank] set: +1). */
#define POWER_CHUNKS 32
#define PROBES SP_POPS_SPARSE_POWER_PROBES
_Static_assert(PROBES <= 32 && PROBES <= SP_POPS_PROBES_MAX,
               "the probes' signs are the bits of a uint32_t");
typedef struct power_job {
    sparse_ops *o;
    atomic_int next;
    double sum[POWER_CHUNKS][PROBES];
} power_job;

/* The 16 probes' sums stay in registers (unrolled), 4 to an AVX2 register
 * where the processor has them (a second copy of the function, chosen when
 * the plugin loads; no fused multiply-add, so the same bits as the SSE2
 * copy): at 10^6 Voronoi units 20 steps take 1.2 s of one core instead of
 * 2.6 s. */
__attribute__((target_clones("avx2", "default"))) static int power_work(void *ctx)
{
    power_job *job = ctx;
    const sparse_ops *o = job->o;
    const int *rp = o->rp, *rj = o->rj, n = o->n;
    const uint32_t *sign = o->psign;
    const double *rx = o->rx, *restrict v = o->pv;
    double *restrict next = o->pnext;
    for (int c; (c = atomic_fetch_add(&job->next, 1)) < POWER_CHUNKS;) {
        int r0 = (int)((long)n * c / POWER_CHUNKS), r1 = (int)((long)n * (c + 1) / POWER_CHUNKS);
        double sum[PROBES] = {0};
        for (int r = r0; r < r1; r++) {
            double acc[PROBES] = {0};
            for (int e = rp[r]; e < rp[r + 1]; e++) {
                const double *in = v + (size_t)rj[e] * PROBES;
#pragma GCC unroll 16
                for (int q = 0; q < PROBES; q++)
                    acc[q] += rx[e] * in[q];
            }
            memcpy(next + (size_t)r * PROBES, acc, sizeof acc);
            for (int q = 0; q < PROBES; q++)
                sum[q] += (sign[r] >> q & 1u) ? acc[q] : -acc[q];
        }
        memcpy(job->sum[c], sum, sizeof sum);
    }
    return SP_OK;
}

static int power_step(sparse_ops *o)
{
    power_job job = {.o = o};
    atomic_init(&job.next, 0);
    /* a core analyses, or factorises (the effects' powers beside it) */
    int busy = (o->analysis && !sp_threads_done(o->analysis)) || o->powers_running;
    int rc = sp_threads_run(o->threads - busy, power_work, &job);
    for (int q = 0; q < PROBES; q++) {
        o->step_sum[q] = 0.0;
        for (int c = 0; c < POWER_CHUNKS; c++)
            o->step_sum[q] += job.sum[c][q];
    }
    return rc;
}

/* The probe block: W renumbered in breadth-first ranks (rp, rj, rx: the
 * probe rows one power step reads then sit close together in memory, W's
 * rows are read in order), Rademacher signs (probe q's stream over the
 * units in their own order, stored by rank), v = z. */
static int power_setup(sparse_ops *o)
{
    const sp_csr *W = o->W;
    int n = o->n, p = PROBES, nnz = W->p[n];
    int *order = sp_malloc((size_t)n * 2 * sizeof *order), *pos = order ? order + n : NULL;
    o->pblock = o->pv = sp_malloc((size_t)n * p * 2 * sizeof *o->pv); /* by rank, n x p */
    o->psign = sp_calloc((size_t)n, sizeof *o->psign);
    o->rp = sp_malloc(((size_t)n + 1) * sizeof *o->rp);
    o->rj = sp_malloc((size_t)nnz * sizeof *o->rj + 1);
    o->rx = sp_malloc((size_t)nnz * sizeof *o->rx + 1);
    if (!order || !o->pblock || !o->psign || !o->rp || !o->rj || !o->rx) {
        free(order);
        return SP_ENOMEM;
    }
    o->pnext = o->pv + (size_t)n * p;
    bfs_order(W, order, pos);
    o->rp[0] = 0;
    for (int r = 0; r < n; r++) {
        int i = order[r], e0 = o->rp[r];
        for (int e = W->p[i]; e < W->p[i + 1]; e++)
            o->rj[e0 + e - W->p[i]] = pos[W->j[e]], o->rx[e0 + e - W->p[i]] = W->x[e];
        o->rp[r + 1] = e0 + W->p[i + 1] - W->p[i];
    }
    for (int q = 0; q < p; q++) {
        sp_rng r;
        sp_rng_init(&r, o->seed, (uint32_t)q, 0x706f7773u);
        for (int i = 0; i < n; i++)
            if (sp_rng_u32(&r) & 1u)
                o->psign[pos[i]] |= 1u << q;
    }
    for (int r = 0; r < n; r++)
        for (int q = 0; q < p; q++)
            o->pv[(size_t)r * p + q] = (o->psign[r] >> q & 1u) ? 1.0 : -1.0;
    free(order);
    return SP_OK;
}

/* tr(W^k)/n for k = 0..top: exact for k <= 2, Hutchinson beyond with
 * PROBES probes carried together (one pass over W per power), as
 * spatialreg's trW(type = "MC") with p = 16; trwq[k p + q] is probe q's own
 * estimate (the exact value for k <= 2), for standard errors.  The probes
 * and the last power are kept, so a later call with a higher top continues
 * the sequence: the values never depend on how far earlier calls went. */
static int power_traces_to(sparse_ops *o, int top)
{
    if (o->powers_ahead) { /* the effects' powers running beside a factorisation */
        int rc = sp_threads_join(o->powers_ahead);
        o->powers_ahead = NULL;
        o->powers_running = 0;
        if (rc)
            return sp_error_set(rc, "the power traces of W failed (out of memory?)");
    }
    return power_traces_run(o, top);
}

/* power_traces_to without waiting for the powers ahead (their own thread). */
static int power_traces_run(sparse_ops *o, int top)
{
    int n = o->n, p = PROBES;
    if (top <= o->trw_top && o->trw)
        return SP_OK;
    int redo = o->pblock ? 0 : o->trw_top; /* released (power_release): recompute to here */
    int rc = !o->pblock ? power_setup(o) : SP_OK;
    for (int k = 1; !rc && k <= redo; k++) { /* the same steps, the same values */
        rc = power_step(o);
        double *t = o->pv;
        o->pv = o->pnext;
        o->pnext = t;
    }
    if (rc)
        return rc;
    if (top + 1 > o->trw_cap) { /* room for k = 0..top, and at least the exact 0..2 */
        int cap = 2 * o->trw_cap > top + 1 ? 2 * o->trw_cap : top + 1;
        cap = cap > 3 ? cap : 3;
        double *t = sp_realloc(o->trw, (size_t)cap * sizeof *t);
        if (t)
            o->trw = t;
        double *tq = t ? sp_realloc(o->trwq, (size_t)cap * p * sizeof *tq) : NULL;
        if (!tq)
            return SP_ENOMEM;
        o->trwq = tq;
        if (!o->trw_cap) {
            t[0] = 1.0;
            exact_traces(o, &t[1], &t[2]);
            for (int k = 0; k < 3; k++)
                for (int q = 0; q < p; q++)
                    tq[k * p + q] = t[k];
        }
        o->trw_cap = cap;
    }
    for (int k = o->trw_top + 1; k <= top; k++) {
        if ((rc = power_step(o)))
            return rc;
        if (k > 2) {
            double s = 0.0;
            for (int q = 0; q < p; q++) {
                o->trwq[(size_t)k * p + q] = o->step_sum[q] / n;
                s += o->step_sum[q];
            }
            o->trw[k] = s / ((double)p * n);
        }
        double *t = o->pv;
        o->pv = o->pnext;
        o->pnext = t;
    }
    o->trw_top = top > o->trw_top ? top : o->trw_top;
    return SP_OK;
}

/* Frees the probe block (its 8 n PROBES doubles and the renumbered W are the
 * largest thing the operators hold besides a factorisation); a later
 * power_traces_to beyond trw_top recomputes the sequence from the start,
 * which gives the same values. */
static void power_release(sparse_ops *o)
{
    free(o->pblock), free(o->psign), free(o->rp), free(o->rj), free(o->rx);
    o->pblock = o->pv = o->pnext = NULL;
    o->psign = NULL, o->rp = o->rj = NULL, o->rx = NULL;
}

/* Power-series terms needed at rho: the tail sum_{k>m} |rho r|^k, r the
 * spectral radius, below 1e-10, capped at SERIES_MAX. */
#define SERIES_MAX 1000
static int series_order(const sparse_ops *o, double rho)
{
    double q = fabs(rho) * o->radius;
    if (q < 1e-3)
        return 4;
    if (q >= 1.0)
        return SERIES_MAX;
    double m = ceil(log(1e-10 * (1.0 - q)) / log(q));
    return m < 4 ? 4 : m > SERIES_MAX ? SERIES_MAX : (int)m;
}

/* tr(T_j(W))/n for j = 0..q from the power traces: T_j = sum_k a_jk x^k with
 * T_0 = 1, T_1 = x, T_(j+1) = 2x T_j - T_(j-1), so the same probes give the
 * same Hutchinson estimate as running the recursion on them (the monomial
 * coefficients reach about 2^q; at q = 20 the cancellation costs 1e-9
 * relative, far below the probes' sampling error). */
static int cheb_traces(sparse_ops *o)
{
    int q = o->cheb_degree, rc = power_traces_to(o, q);
    if (rc)
        return rc;
    double *trc = sp_calloc((size_t)q + 1, sizeof *trc);
    double *a = sp_calloc((size_t)(q + 1) * 3, sizeof *a); /* T_(j-1), T_j, T_(j+1) */
    if (!trc || !a) {
        free(trc), free(a);
        return SP_ENOMEM;
    }
    o->trc = trc;
    double *prev = a, *cur = a + q + 1, *next = cur + q + 1;
    prev[0] = 1.0; /* T_0 */
    cur[1] = 1.0;  /* T_1 */
    o->trc[0] = 1.0;
    if (q >= 1)
        o->trc[1] = o->trw[1];
    for (int j = 1; j < q; j++) {
        for (int k = 0; k <= q; k++)
            next[k] = (k ? 2.0 * cur[k - 1] : 0.0) - prev[k];
        double t = 0.0;
        for (int k = 0; k <= j + 1; k++)
            t += next[k] * o->trw[k];
        o->trc[j + 1] = t;
        double *tmp = prev;
        prev = cur, cur = next, next = tmp;
    }
    free(a);
    return SP_OK;
}

static int sparse_terms(void *ctx, double rho, double out[4])
{
    sparse_ops *o = ctx;
    if (rho == 0.0) { /* A = I (SLX): tr(W)/n and 1'W1/n, exactly, no power traces */
        if (!o->have_terms0) {
            double t2, sum = 0.0;
            exact_traces(o, &o->terms0[1], &t2);
            for (int i = 0; i < o->n; i++)
                sum += o->w1[i];
            o->terms0[0] = o->terms0[2] = 1.0;
            o->terms0[3] = o->stochastic ? (double)(o->n - o->n_empty) / o->n : sum / o->n;
            o->have_terms0 = 1;
        }
        memcpy(out, o->terms0, sizeof o->terms0);
        return SP_OK;
    }
    int m = series_order(o, rho), rc = power_traces_to(o, m + 1);
    if (rc)
        return rc;
    double s0 = 0.0, s1 = 0.0, pk = 1.0;
    for (int k = 0; k <= m; k++) {
        s0 += pk * o->trw[k];
        s1 += pk * o->trw[k + 1];
        pk *= rho;
    }
    out[0] = s0;
    out[1] = s1;
    if (o->stochastic) { /* closed forms (sp_csr_stochastic_islands): no solve per rho */
        double share = (double)(o->n - o->n_empty) / o->n;
        out[2] = share / (1.0 - rho) + (1.0 - share);
        out[3] = share / (1.0 - rho);
        return SP_OK;
    }
    int n = o->n;
    for (int i = 0; i < n; i++)
        o->t1[i] = 1.0;
    rc = solve_any(o, rho, 0, o->t1, o->t2);
    out[2] = rc ? NAN : sp_dense_dot(o->t2, o->t1, n) / n;
    if (!rc)
        rc = solve_any(o, rho, 0, o->w1, o->t2);
    out[3] = rc ? NAN : sp_dense_dot(o->t2, o->t1, n) / n;
    return rc;
}

/* Each probe's own tr(A^-1)/n and tr(A^-1 W)/n at rho (ops->terms_probes):
 * the series of sparse_terms on probe q's tr(W^k)/n (exact for k <= 2). */
static int sparse_terms_probes(void *ctx, double rho, double *q0, double *q1, int *count)
{
    sparse_ops *o = ctx;
    *count = 0;
    if (rho == 0.0)
        return SP_OK;
    int m = series_order(o, rho), p = PROBES, rc = power_traces_to(o, m + 1);
    for (int q = 0; !rc && q < p; q++) {
        double s0 = 0.0, s1 = 0.0, pk = 1.0;
        for (int k = 0; k <= m; k++) {
            s0 += pk * o->trwq[(size_t)k * p + q];
            s1 += pk * o->trwq[(size_t)(k + 1) * p + q];
            pk *= rho;
        }
        q0[q] = s0, q1[q] = s1;
    }
    *count = rc ? 0 : p;
    return rc;
}

/* ---- the admissible interval ---------------------------------------------- */

/* The number of eigenvalues below x of the symmetric tridiagonal (alpha,
 * beta) (Sturm sequence of the LDL' pivots). */
static int sturm_count(const double *alpha, const double *beta, int m, double x)
{
    int count = 0;
    double q = 1.0;
    for (int k = 0; k < m; k++) {
        double b2 = k ? beta[k - 1] * beta[k - 1] : 0.0;
        q = alpha[k] - x - (k ? b2 / q : 0.0);
        if (q == 0.0)
            q = 1e-300;
        count += q < 0.0;
    }
    return count;
}

/* The smallest and largest eigenvalues of the tridiagonal, by bisection
 * inside its Gershgorin interval. */
static void tridiag_extremes(const double *alpha, const double *beta, int m, double *lo,
                             double *hi)
{
    double glo = INFINITY, ghi = -INFINITY;
    for (int k = 0; k < m; k++) {
        double r = (k ? fabs(beta[k - 1]) : 0.0) + (k + 1 < m ? fabs(beta[k]) : 0.0);
        glo = fmin(glo, alpha[k] - r);
        ghi = fmax(ghi, alpha[k] + r);
    }
    for (int want = 0; want < 2; want++) { /* 0: count >= 1 (lowest), 1: count >= m (highest) */
        double a = glo, b = ghi;
        while (b - a > 1e-15 * fmax(1.0, fmax(fabs(a), fabs(b)))) {
            double mid = 0.5 * (a + b);
            if (mid <= a || mid >= b)
                break;
            if (sturm_count(alpha, beta, m, mid) >= (want ? m : 1))
                b = mid;
            else
                a = mid;
        }
        *(want ? hi : lo) = 0.5 * (a + b);
    }
}

/* Extreme eigenvalues of the symmetric D^1/2 W D^-1/2 by Lanczos (no
 * reorthogonalisation: the extreme Ritz values converge first), stopped when
 * both (the lowest only, when lo_only: the top of a row-stochastic W is 1,
 * where eigenvalues cluster and Ritz values creep) have settled to 1e-10. */
static int lanczos_extremes(sparse_ops *o, int lo_only, double *lo, double *hi)
{
    int n = o->n, steps = n < LANCZOS_STEPS ? n : LANCZOS_STEPS;
    double *q = sp_calloc((size_t)n * 5, sizeof *q), *alpha = sp_calloc((size_t)steps + 1, sizeof *alpha),
           *beta = sp_calloc((size_t)steps + 1, sizeof *beta);
    if (!q || !alpha || !beta) {
        free(q); free(alpha); free(beta);
        return SP_ENOMEM;
    }
    double *qprev = q, *qcur = q + n, *w = q + 2 * n, *sd = q + 3 * n, *isd = q + 4 * n;
    double norm = 0.0, prev_lo = NAN, prev_hi = NAN;
    for (int i = 0; i < n; i++) {
        sd[i] = sqrt(o->d[i]);
        isd[i] = 1.0 / sd[i];
    }
    sp_rng r;
    sp_rng_init(&r, o->seed, 0, 0x6c616e63u);
    for (int i = 0; i < n; i++) {
        qcur[i] = sp_rng_uniform(&r) - 0.5;
        norm += qcur[i] * qcur[i];
    }
    for (int i = 0; i < n; i++)
        qcur[i] /= sqrt(norm);
    int m = 0;
    while (m < steps) {
        for (int i = 0; i < n; i++)
            o->t1[i] = qcur[i] * isd[i];
        sp_csr_matvec(o->W, o->t1, w);
        double a = 0.0;
        for (int i = 0; i < n; i++) {
            w[i] *= sd[i];
            a += w[i] * qcur[i];
        }
        alpha[m] = a;
        double bb = 0.0;
        for (int i = 0; i < n; i++) {
            w[i] -= a * qcur[i] + (m ? beta[m - 1] * qprev[i] : 0.0);
            bb += w[i] * w[i];
        }
        beta[m] = sqrt(bb);
        m++;
        if (beta[m - 1] < 1e-12)
            break;
        for (int i = 0; i < n; i++) {
            qprev[i] = qcur[i];
            qcur[i] = w[i] / beta[m - 1];
        }
        if (m % 10 == 0) {
            tridiag_extremes(alpha, beta, m, lo, hi);
            if (fabs(*lo - prev_lo) < 1e-10 && (lo_only || fabs(*hi - prev_hi) < 1e-10))
                break;
            prev_lo = *lo, prev_hi = *hi;
        }
    }
    tridiag_extremes(alpha, beta, m, lo, hi);
    free(q); free(alpha); free(beta);
    return SP_OK;
}

/* Spectral radius of a non-negative W by power iteration on W + I. */
static double spectral_radius(sparse_ops *o)
{
    int n = o->n;
    double lambda = 0.0;
    for (int i = 0; i < n; i++)
        o->t2[i] = 1.0 / sqrt((double)n);
    for (int iter = 0; iter < 2000; iter++) {
        sp_csr_matvec(o->W, o->t2, o->t1);
        double norm = 0.0;
        for (int i = 0; i < n; i++) {
            o->t1[i] += o->t2[i];
            norm += o->t1[i] * o->t1[i];
        }
        norm = sqrt(norm);
        for (int i = 0; i < n; i++)
            o->t2[i] = o->t1[i] / norm;
        if (fabs(norm - 1.0 - lambda) < 1e-12 * (1.0 + lambda))
            return norm - 1.0;
        lambda = norm - 1.0;
    }
    return lambda;
}

/* ---- setup and teardown --------------------------------------------------- */

void sp_pops_sparse_free(sp_pops *ops)
{
    sparse_ops *o = ops ? ops->ctx : NULL;
    if (!o)
        return;
    if (o->analysis)
        sp_threads_join(o->analysis);
    if (o->powers_ahead)
        sp_threads_join(o->powers_ahead);
    for (int k = 0; k < 3; k++) {
        if (o->slot[k].L)
            cholmod_free_factor(&o->slot[k].L, &o->cc);
        if (o->slot[k].numeric)
            umfpack_di_free_numeric(&o->slot[k].numeric);
    }
    if (o->A)
        cholmod_free_sparse(&o->A, &o->cc);
    if (o->chol)
        cholmod_finish(&o->cc);
    if (o->ax2)
        cholmod_finish(&o->cc2);
    free(o->ax2);
    if (o->symbolic)
        umfpack_di_free_symbolic(&o->symbolic);
    free(o->d), free(o->a_diag), free(o->a_s), free(o->perm), free(o->mirror);
    free(o->ap), free(o->ai), free(o->ax), free(o->aw), free(o->adiag);
    free(o->trw), free(o->trwq), free(o->pblock), free(o->psign), free(o->rp), free(o->rj), free(o->rx), free(o->r1), free(o->trc), free(o->w1), free(o->t1), free(o->t2), free(o->t3);
    free(o);
    ops->ctx = NULL;
}

const char *sp_pops_sparse_lndet_name(const sp_pops *ops)
{
    const sparse_ops *o = ops->ctx;
    return o->approx == SP_LNDET_CHEB && o->polish ? "chebyshev+cholmod"
           : o->approx == SP_LNDET_CHEB ? "chebyshev"
           : o->approx == SP_LNDET_MC ? "monte-carlo" : sp_pops_sparse_method(ops);
}

int sp_pops_sparse_factorizations(const sp_pops *ops)
{
    const sparse_ops *o = ops->ctx;
    return o ? o->factorizations : 0;
}

const char *sp_pops_sparse_method(const sp_pops *ops)
{
    const sparse_ops *o = ops->ctx;
    return o && o->chol ? "cholmod" : "umfpack";
}

/* The operations table of ops for the operators o. */
static void ops_table(const sparse_ops *o, sp_pops *ops)
{
    ops->approx = o->approx != SP_LNDET_EXACT;
    ops->polish = o->polish;
    ops->lndet_exact = ops->approx ? sparse_lndet_exact : NULL;
    ops->lndet_exact_pair = ops->approx ? sparse_lndet_exact_pair : NULL;
    ops->lndet = sparse_lndet;
    ops->lndet_d2 = sparse_lndet_d2;
    ops->lndet_d2_approx = ops->approx ? sparse_lndet_d2_approx : NULL;
    ops->solve = sparse_solve;
    ops->solve_many = o->chol ? sparse_solve_many : NULL;
    ops->traces = sparse_traces;
    ops->terms = sparse_terms;
    ops->terms_probes = sparse_terms_probes;
}

int sp_pops_sparse_new(const sp_csr *W, const sp_pops_sparse_opts *opts, sp_pops *ops)
{
    memset(ops, 0, sizeof *ops);
    sp_pops_sparse_opts dflt;
    if (!opts) {
        sp_pops_sparse_opts_default(&dflt);
        opts = &dflt;
    }
    int n = W->nrow;
    sparse_ops *o = sp_calloc(1, sizeof *o);
    if (!o)
        return SP_ENOMEM;
    ops->ctx = o;
    o->W = W, o->n = n, o->probes = opts->probes, o->order = opts->order, o->seed = opts->seed;
    o->approx = opts->approx, o->cheb_degree = opts->cheb_degree;
    o->threads = opts->threads > 0 ? opts->threads : 1;
    o->slots = opts->slots == 1 ? 1 : 2;
    o->effects_ahead = opts->effects_ahead;
    o->d = sp_malloc((size_t)n * sizeof *o->d);
    o->w1 = sp_malloc((size_t)n * sizeof *o->w1);
    o->t1 = sp_malloc((size_t)n * sizeof *o->t1);
    o->t2 = sp_malloc((size_t)n * sizeof *o->t2);
    o->t3 = sp_malloc((size_t)n * sizeof *o->t3);
    int rc = (!o->d || !o->w1 || !o->t1 || !o->t2 || !o->t3) ? SP_ENOMEM : SP_OK;
    if (!rc) {
        o->chol = !opts->force_lu && symmetrizer_mirror(W, o->d, &o->mirror);
        rc = o->chol ? chol_setup(o) : lu_setup(o);
    }
    if (!rc && o->chol && opts->factor_ahead && o->threads > 1)
        rc = sp_threads_start(chol_analyse, o, &o->analysis);
    if (!rc) {
        sp_csr_row_sums(W, o->w1);
        o->row_stochastic = 1;
        for (int i = 0; i < n; i++)
            o->row_stochastic &= fabs(o->w1[i] - 1.0) <= 1e-12;
        o->stochastic = sp_csr_stochastic_islands(W, &o->n_empty);
    }
    if (o->approx == SP_LNDET_AUTO || o->approx == SP_LNDET_CHEB_POLISH) {
        o->polish = o->chol && o->row_stochastic &&
                    (o->approx == SP_LNDET_CHEB_POLISH || n > SP_LNDET_AUTO_POLISH);
        o->approx = o->polish ? SP_LNDET_CHEB : SP_LNDET_EXACT;
    }
    /* The polished Chebyshev path: the spectrum of a row-stochastic W similar
     * to a symmetric matrix lies in [-1, 1], the interval where the
     * approximation holds; its ends bound the admissible interval from inside
     * (spatialreg's sparse methods search (-1, 0.999) too), no eigenvalue search. */
    double lo = -1.0, hi = 1.0;
    if (!rc && opts->have_eig_range && !o->polish) {
        lo = opts->eig_lo;
        hi = opts->eig_hi;
    } else if (!rc && o->chol && !o->polish) {
        rc = lanczos_extremes(o, o->row_stochastic, &lo, &hi);
        lo -= 1e-9 * fabs(lo); /* Ritz values lie inside the spectrum */
        hi += 1e-9 * fabs(hi);
    } else if (!rc && !o->chol) {
        double radius = spectral_radius(o);
        lo = -radius;
        hi = radius;
    }
    if (rc) {
        sp_pops_sparse_free(ops);
        return rc;
    }
    if (o->row_stochastic)
        hi = 1.0;
    o->radius = fmax(fabs(lo), fabs(hi));
    ops_table(o, ops);
    ops->lo = o->rho_lo = lo < 0.0 ? 1.0 / lo : -1.0;
    ops->hi = o->rho_hi = hi > 0.0 ? 1.0 / hi : 1.0;
    return SP_OK;
}
