/* sp_pops_blocks: spatial operations of a block-diagonal W, one tridiagonal or dense
 * sp_pops per block (sp_pops_blocks.h), equal blocks sharing one, built and traced on
 * several threads. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_pops_blocks.h"
#include "sp_pops_sparse.h"
#include "sp_pops_tridiag.h"
#include "sp_threads.h"

typedef struct blocks_ops {
    int nb, n;
    int *start;       /* nb + 1 */
    sp_csr **w;       /* nb blocks */
    int *same;        /* nb: the first block equal to block b (b itself when none) */
    int *count;       /* nb: for a distinct block, how many blocks equal it (0 otherwise) */
    sp_pops *sub;     /* nb operations for ln|I - rho W_b|, for the distinct blocks only:
                         tridiagonal (tri[b] = 1: a W_b similar to a symmetric matrix and
                         stochastic, core/sp_pops_tridiag.h) or dense (eigenvalues) */
    unsigned char *tri;
    int *n_empty;     /* nb: a tridiagonal block's empty rows (sp_csr_stochastic_islands) */
    sp_pops *fac;     /* nb sparse factorisations (solves, traces), the same blocks */
    double *re, *im;  /* n eigenvalues (the dense blocks' places only) */
    int have_eig;     /* every block dense: re, im hold all n eigenvalues */
    int threads;
    int have_tr;                 /* tr holds the trace terms at (tr_rho, tr_lambda) */
    double tr_rho, tr_lambda, tr[SP_TR_COUNT];
    /* the effects' trace terms by power moments (blocks_terms): mom[k] =
     * tr(W_bd^k) / n, k < nmom (grown on demand); radius = max |mu| over the
     * eigenvalues; all_real: no complex mu */
    double *mom, radius;
    int nmom, all_real;
} blocks_ops;

/* sum_b f_b(rho) over the blocks, f the block's lndet (d2 = 0) or its second
 * derivative (d2 = 1): ln|I - rho W_bd| = sum_b ln|I - rho W_b|, each distinct
 * block once times its count. */
static double blocks_sum(const blocks_ops *o, double rho, int d2)
{
    double s = 0.0;
    for (int b = 0; b < o->nb; b++)
        if (o->count[b])
            s += o->count[b] * (d2 ? o->sub[b].lndet_d2 : o->sub[b].lndet)(o->sub[b].ctx, rho);
    return s;
}

static double blocks_lndet(void *ctx, double rho) { return blocks_sum(ctx, rho, 0); }

static double blocks_lndet_d2(void *ctx, double rho) { return blocks_sum(ctx, rho, 1); }

static int blocks_solve(void *ctx, double rho, const double *x, double *y)
{
    const blocks_ops *o = ctx;
    for (int b = 0; b < o->nb; b++) {
        const sp_pops *s = &o->fac[o->same[b]];
        int rc = s->solve(s->ctx, rho, x + o->start[b], y + o->start[b]);
        if (rc)
            return rc;
    }
    return SP_OK;
}

/* Work shared out over the distinct blocks (sp_threads.h): task b builds
 * block b's dense operations (build = 1) or its trace terms at (rho, lambda)
 * into tr[b * SP_TR_COUNT] (build = 0); status[b] its return value.  A worker
 * never sets the error message: a failed block is redone by the caller. */
typedef struct blocks_job {
    blocks_ops *o;
    int build;
    double rho, lambda;
    double *tr;
    int *status;
    atomic_int next;
} blocks_job;

/* Frees block b's operations (tridiagonal or dense). */
static void sub_free(blocks_ops *o, int b)
{
    if (o->tri[b])
        sp_pops_tridiag_free(&o->sub[b]);
    else
        sp_pops_dense_free(&o->sub[b]);
}

static int block_task(blocks_ops *o, int build, double rho, double lambda, double *tr, int b)
{
    if (build) { /* the factorisation takes its interval from the block's */
        int ok = 0, rc = sp_pops_tridiag_new(o->w[b], &o->sub[b], &ok);
        o->tri[b] = ok;
        if (!rc && ok)
            sp_csr_stochastic_islands(o->w[b], &o->n_empty[b]);
        if (!rc && !ok)
            rc = sp_pops_dense(o->w[b], &o->sub[b]);
        if (rc)
            return rc;
        sp_pops_sparse_opts opts;
        sp_pops_sparse_opts_default(&opts);
        opts.have_eig_range = 1; /* (1/lo, 1/hi) is the interval (lo = -1: none below 0) */
        opts.eig_lo = 1.0 / o->sub[b].lo;
        opts.eig_hi = 1.0 / o->sub[b].hi;
        return sp_pops_sparse_new(o->w[b], &opts, &o->fac[b]);
    }
    return sp_pops_traces_by_solves(o->w[b], &o->fac[b], rho, lambda,
                                    tr + (size_t)b * SP_TR_COUNT);
}

static int blocks_work(void *ctx)
{
    blocks_job *job = ctx;
    for (int b; (b = atomic_fetch_add(&job->next, 1)) < job->o->nb;)
        if (job->o->count[b])
            job->status[b] = block_task(job->o, job->build, job->rho, job->lambda, job->tr, b);
    return SP_OK;
}

/* Runs the job over the distinct blocks on o->threads threads; a failed block
 * is run again in the calling thread, which sets its message. */
static int blocks_run(blocks_ops *o, int build, double rho, double lambda, double *tr)
{
    int *status = sp_calloc((size_t)o->nb, sizeof *status);
    if (!status)
        return SP_ENOMEM;
    blocks_job job = {o, build, rho, lambda, tr, status, 0};
    atomic_init(&job.next, 0);
    int rc = sp_threads_run(o->nb > 1 ? o->threads : 1, blocks_work, &job);
    for (int b = 0; !rc && b < o->nb; b++)
        if (status[b]) {
            if (build && o->sub[b].ctx)
                sub_free(o, b);
            if (build && o->fac[b].ctx)
                sp_pops_sparse_free(&o->fac[b]);
            rc = block_task(o, build, rho, lambda, tr, b);
            if (!rc) /* the worker's failure was not reproduced: keep its status */
                rc = sp_error_set(status[b], "block %d of W failed in a worker thread", b + 1);
        }
    free(status);
    return rc;
}

/* The trace terms summed over the blocks; the last call's are kept (the
 * estimator asks twice at the same estimate when nothing is corrected). */
static int blocks_traces(void *ctx, double rho, double lambda, double *tr)
{
    blocks_ops *o = ctx;
    if (o->have_tr && o->tr_rho == rho && o->tr_lambda == lambda) {
        memcpy(tr, o->tr, sizeof o->tr);
        return SP_OK;
    }
    double *t = sp_calloc((size_t)o->nb * SP_TR_COUNT, sizeof *t);
    if (!t)
        return SP_ENOMEM;
    int rc = blocks_run(o, 0, rho, lambda, t);
    memset(tr, 0, SP_TR_COUNT * sizeof *tr);
    for (int b = 0; !rc && b < o->nb; b++)
        for (int k = 0; k < SP_TR_COUNT; k++)
            tr[k] += o->count[b] * t[(size_t)b * SP_TR_COUNT + k];
    free(t);
    if (!rc) {
        memcpy(o->tr, tr, sizeof o->tr);
        o->tr_rho = rho, o->tr_lambda = lambda, o->have_tr = 1;
    }
    return rc;
}

/* The power moments to k terms (mom[0..k-1], 8 more for the next draws):
 * the blocks' tr(W_b^j) weighted by their counts, from the tridiagonal form
 * or the eigenvalues' powers.  SP_ENOMEM. */
static int grow_moments(blocks_ops *o, int k)
{
    k += 8;
    double *m = sp_calloc((size_t)k, sizeof *m), *mb = sp_malloc((size_t)k * sizeof *mb);
    int rc = m && mb ? SP_OK : SP_ENOMEM;
    for (int b = 0; !rc && b < o->nb; b++) {
        int nb = o->start[b + 1] - o->start[b];
        if (!o->count[b])
            continue;
        if (o->tri[b])
            rc = sp_pops_tridiag_moments(&o->sub[b], k, mb);
        for (int j = 0; !rc && !o->tri[b] && j < k; j++)
            mb[j] = 0.0;
        for (int i = 0; !rc && !o->tri[b] && i < nb; i++) { /* sum mu^j / n_b */
            double pw = 1.0;
            for (int j = 0; j < k; j++, pw *= o->sub[b].eig_re[i])
                mb[j] += pw / nb;
        }
        for (int j = 0; !rc && j < k; j++)
            m[j] += (double)o->count[b] * nb * mb[j] / o->n;
    }
    free(mb);
    if (rc) {
        free(m);
        return rc;
    }
    free(o->mom);
    o->mom = m, o->nmom = k;
    return SP_OK;
}

/* Terms of the power series beyond which the tails of
 *   tr(A^-1)/N = sum_k rho^k mom[k],  tr(A^-1 W)/N = sum_k rho^k mom[k+1]
 * are below 1e-16 (|mom[k]| <= r^k with r = radius, so the tail after K terms
 * is at most q^K max(1, r) / (1 - q), q = |rho| r; tr(A^-1)/N >= 1/(1 + q)
 * for rho in the interval, so that is a relative error of 2e-16); 0 when that
 * takes more than MOMENTS_MAX terms (|rho| r above about 0.69: then each
 * block's exact terms are summed). */
#define MOMENTS_MAX 100 /* the tridiagonal's banded powers cost O(n K^2) */
static int moment_terms(const blocks_ops *o, double rho)
{
    double q = fabs(rho) * o->radius;
    if (!o->all_real || !(q < 1.0))
        return 0;
    if (q == 0.0)
        return 2;
    double k = ceil(log(1e-16 * (1.0 - q) / fmax(1.0, o->radius)) / log(q));
    return k <= MOMENTS_MAX ? (int)k + 1 : 0;
}

/* tr(A^-1)/N and tr(A^-1 W)/N over W_bd: the power moments (moment_terms:
 * 1000 draws then cost ~40 terms each instead of N divisions), or, when the
 * series would be long or an eigenvalue complex, the blocks' own exact
 * terms (1/(1 - rho mu) summed over a dense block's eigenvalues; the
 * tridiagonal's O(n) trace of the inverse) weighted by their sizes. */
static int trace_terms(blocks_ops *o, double rho, double out[2])
{
    int k = moment_terms(o, rho), rc = k && k + 1 > o->nmom ? grow_moments(o, k + 1) : SP_OK;
    out[0] = out[1] = 0.0;
    double pk = 1.0;
    for (int j = 0; !rc && j < k; j++, pk *= rho) {
        out[0] += pk * o->mom[j];
        out[1] += pk * o->mom[j + 1];
    }
    for (int b = 0; !rc && !k && b < o->nb; b++) {
        if (!o->count[b])
            continue;
        double t[4], w = (double)o->count[b] * (o->start[b + 1] - o->start[b]) / o->n;
        if (o->tri[b] && rho != 0.0)
            sp_pops_tridiag_traces(&o->sub[b], rho, t);
        else
            rc = o->sub[b].terms(o->sub[b].ctx, rho, t);
        out[0] += w * t[0];
        out[1] += w * t[1];
    }
    return rc;
}

/* tr(A^-1)/N etc. over W_bd: the traces (trace_terms), 1'A^-1 1/N and
 * 1'A^-1 W 1/N the blocks' weighted by their sizes. */
static int blocks_terms(void *ctx, double rho, double out[4])
{
    blocks_ops *o = ctx;
    int rc = trace_terms(o, rho, out);
    out[2] = out[3] = 0.0;
    for (int b = 0; !rc && b < o->nb; b++) {
        if (!o->count[b])
            continue;
        double t[2], w = (double)o->count[b] * (o->start[b + 1] - o->start[b]) / o->n;
        int nb = o->start[b + 1] - o->start[b];
        if (o->tri[b])
            sp_pops_stochastic_terms(nb, o->n_empty[b], rho, t);
        else
            rc = sp_pops_dense_ones_terms(&o->sub[b], rho, t);
        out[2] += w * t[0];
        out[3] += w * t[1];
    }
    return rc;
}

void sp_pops_blocks_free(sp_pops *ops)
{
    blocks_ops *o = ops ? ops->ctx : NULL;
    if (!o)
        return;
    for (int b = 0; o->sub && b < o->nb; b++)
        if (o->sub[b].ctx)
            sub_free(o, b);
    for (int b = 0; o->fac && b < o->nb; b++)
        if (o->fac[b].ctx)
            sp_pops_sparse_free(&o->fac[b]);
    for (int b = 0; o->w && b < o->nb; b++)
        sp_csr_free(o->w[b]);
    free(o->sub), free(o->fac), free(o->w), free(o->same), free(o->count), free(o->start);
    free(o->re), free(o->im), free(o->mom), free(o->tri), free(o->n_empty);
    free(o);
    ops->ctx = NULL;
}

/* Block b of W as its own csr (columns shifted). */
static int block_csr(const sp_csr *W, int lo, int hi, sp_csr **out)
{
    int nnz = W->p[hi] - W->p[lo];
    int rc = sp_csr_alloc(hi - lo, hi - lo, nnz, out);
    for (int i = lo; !rc && i < hi; i++) {
        (*out)->p[i - lo] = W->p[i] - W->p[lo];
        for (int q = W->p[i]; q < W->p[i + 1]; q++) {
            if (W->j[q] < lo || W->j[q] >= hi)
                return sp_error_set(SP_EUSAGE, "W has a link (%d, %d) outside its diagonal "
                                               "blocks", i, W->j[q]);
            (*out)->j[q - W->p[lo]] = W->j[q] - lo;
            (*out)->x[q - W->p[lo]] = W->x[q];
        }
    }
    if (!rc)
        (*out)->p[hi - lo] = nnz;
    return rc;
}

/* 1 when the two blocks are the same matrix (same size, pattern and values). */
static int csr_equal(const sp_csr *a, const sp_csr *b)
{
    if (a->nrow != b->nrow || a->p[a->nrow] != b->p[b->nrow])
        return 0;
    int nnz = a->p[a->nrow];
    return !memcmp(a->p, b->p, (size_t)(a->nrow + 1) * sizeof *a->p) &&
           !memcmp(a->j, b->j, (size_t)nnz * sizeof *a->j) &&
           !memcmp(a->x, b->x, (size_t)nnz * sizeof *a->x);
}

/* Splits W into its blocks and finds the equal ones: periods with the same
 * units and the same W share one set of dense operations. */
static int split_blocks(const sp_csr *W, blocks_ops *o)
{
    for (int b = 0; b < o->nb; b++) {
        int rc = block_csr(W, o->start[b], o->start[b + 1], &o->w[b]);
        if (rc)
            return rc;
        o->same[b] = b;
        for (int k = 0; k < b; k++)
            if (o->count[k] && csr_equal(o->w[k], o->w[b])) {
                o->same[b] = k;
                break;
            }
        o->count[o->same[b]]++;
    }
    return SP_OK;
}

/* The interval (the intersection of the blocks'), the spectral radius, and
 * the eigenvalues of the dense blocks at their places (all of W_bd's when
 * every block is dense: have_eig). */
static void combine_blocks(blocks_ops *o, sp_pops *ops)
{
    ops->lo = -INFINITY, ops->hi = INFINITY;
    o->all_real = o->have_eig = 1;
    for (int b = 0; b < o->nb; b++) {
        int f = o->same[b], m = o->start[b + 1] - o->start[b];
        const sp_pops *s = &o->sub[f];
        ops->lo = fmax(ops->lo, s->lo);
        ops->hi = fmin(ops->hi, s->hi);
        if (o->tri[f]) {
            o->have_eig = 0;
            o->radius = fmax(o->radius, sp_pops_tridiag_radius(s));
            continue;
        }
        memcpy(o->re + o->start[b], s->eig_re, (size_t)m * sizeof *o->re);
        memcpy(o->im + o->start[b], s->eig_im, (size_t)m * sizeof *o->im);
        for (int i = o->start[b]; i < o->start[b + 1]; i++) {
            o->radius = fmax(o->radius, hypot(o->re[i], o->im[i]));
            o->all_real &= o->im[i] == 0.0;
        }
    }
}

int sp_pops_blocks_new(const sp_csr *W, int nb, const int *start, int threads, sp_pops *ops)
{
    memset(ops, 0, sizeof *ops);
    blocks_ops *o = sp_calloc(1, sizeof *o);
    if (!o)
        return SP_ENOMEM;
    ops->ctx = o;
    o->nb = nb, o->n = W->nrow, o->threads = threads;
    o->start = sp_malloc((size_t)(nb + 1) * sizeof *o->start);
    o->w = sp_calloc((size_t)nb, sizeof *o->w);
    o->same = sp_calloc((size_t)nb, sizeof *o->same);
    o->count = sp_calloc((size_t)nb, sizeof *o->count);
    o->sub = sp_calloc((size_t)nb, sizeof *o->sub);
    o->tri = sp_calloc((size_t)nb, sizeof *o->tri);
    o->n_empty = sp_calloc((size_t)nb, sizeof *o->n_empty);
    o->fac = sp_calloc((size_t)nb, sizeof *o->fac);
    o->re = sp_malloc((size_t)o->n * sizeof *o->re + 1);
    o->im = sp_malloc((size_t)o->n * sizeof *o->im + 1);
    int rc = o->start && o->w && o->same && o->count && o->sub && o->tri && o->n_empty &&
             o->fac && o->re && o->im ? SP_OK : SP_ENOMEM;
    if (!rc) {
        memcpy(o->start, start, (size_t)(nb + 1) * sizeof *start);
        rc = split_blocks(W, o);
    }
    if (!rc)
        rc = blocks_run(o, 1, 0.0, 0.0, NULL);
    if (!rc)
        combine_blocks(o, ops);
    if (rc) {
        sp_pops_blocks_free(ops);
        return rc;
    }
    ops->lndet = blocks_lndet;
    ops->lndet_d2 = blocks_lndet_d2;
    ops->solve = blocks_solve;
    ops->traces = blocks_traces;
    ops->terms = blocks_terms;
    ops->eig_re = o->have_eig ? o->re : NULL, ops->eig_im = o->have_eig ? o->im : NULL;
    return SP_OK;
}
