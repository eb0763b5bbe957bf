/* sp_pops_blocks: spatial operations of a block-diagonal W, one dense sp_pops per block
 * (sp_pops_blocks.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_pops_blocks.h"

typedef struct blocks_ops {
    int nb, n;
    int *start;       /* nb + 1 */
    sp_csr **w;       /* nb blocks */
    sp_pops *sub;     /* nb dense operations */
    double *re, *im;  /* n eigenvalues */
} blocks_ops;

/* sum_b f_b(rho) over the blocks, f the block's lndet (d2 = 0) or its second
 * derivative (d2 = 1): ln|I - rho W_bd| = sum_b ln|I - rho W_b|. */
static double blocks_sum(const blocks_ops *o, double rho, int d2)
{
    double s = 0.0;
    for (int b = 0; b < o->nb; b++)
        s += (d2 ? o->sub[b].lndet_d2 : o->sub[b].lndet)(o->sub[b].ctx, rho);
    return s;
}

static double blocks_lndet(void *ctx, double rho) { return blocks_sum(ctx, rho, 0); }

static double blocks_lndet_d2(void *ctx, double rho) { return blocks_sum(ctx, rho, 1); }

static int blocks_solve(void *ctx, double rho, const double *x, double *y)
{
    const blocks_ops *o = ctx;
    for (int b = 0; b < o->nb; b++) {
        int rc = o->sub[b].solve(o->sub[b].ctx, rho, x + o->start[b], y + o->start[b]);
        if (rc)
            return rc;
    }
    return SP_OK;
}

static int blocks_traces(void *ctx, double rho, double lambda, double *tr)
{
    const blocks_ops *o = ctx;
    memset(tr, 0, SP_TR_COUNT * sizeof *tr);
    for (int b = 0; b < o->nb; b++) {
        double t[SP_TR_COUNT];
        int rc = o->sub[b].traces(o->sub[b].ctx, rho, lambda, t);
        if (rc)
            return rc;
        for (int k = 0; k < SP_TR_COUNT; k++)
            tr[k] += t[k];
    }
    return SP_OK;
}

/* tr(A^-1)/N etc. over W_bd: the blocks' terms weighted by their sizes. */
static int blocks_terms(void *ctx, double rho, double out[4])
{
    const blocks_ops *o = ctx;
    memset(out, 0, 4 * sizeof *out);
    for (int b = 0; b < o->nb; b++) {
        double t[4], w = (double)(o->start[b + 1] - o->start[b]) / o->n;
        int rc = o->sub[b].terms(o->sub[b].ctx, rho, t);
        if (rc)
            return rc;
        for (int k = 0; k < 4; k++)
            out[k] += w * t[k];
    }
    return SP_OK;
}

void sp_pops_blocks_free(sp_pops *ops)
{
    blocks_ops *o = ops ? ops->ctx : NULL;
    if (!o)
        return;
    for (int b = 0; o->sub && b < o->nb; b++)
        if (o->sub[b].ctx)
            sp_pops_dense_free(&o->sub[b]);
    for (int b = 0; o->w && b < o->nb; b++)
        sp_csr_free(o->w[b]);
    free(o->sub), free(o->w), free(o->start), free(o->re), free(o->im);
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

int sp_pops_blocks_new(const sp_csr *W, int nb, const int *start, sp_pops *ops)
{
    memset(ops, 0, sizeof *ops);
    blocks_ops *o = sp_calloc(1, sizeof *o);
    if (!o)
        return SP_ENOMEM;
    ops->ctx = o;
    o->nb = nb, o->n = W->nrow;
    o->start = sp_malloc((size_t)(nb + 1) * sizeof *o->start);
    o->w = sp_calloc((size_t)nb, sizeof *o->w);
    o->sub = sp_calloc((size_t)nb, sizeof *o->sub);
    o->re = sp_malloc((size_t)o->n * sizeof *o->re + 1);
    o->im = sp_malloc((size_t)o->n * sizeof *o->im + 1);
    int rc = o->start && o->w && o->sub && o->re && o->im ? SP_OK : SP_ENOMEM;
    if (!rc)
        memcpy(o->start, start, (size_t)(nb + 1) * sizeof *start);
    ops->lo = -INFINITY, ops->hi = INFINITY;
    for (int b = 0; !rc && b < nb; b++) {
        rc = block_csr(W, start[b], start[b + 1], &o->w[b]);
        if (!rc)
            rc = sp_pops_dense(o->w[b], &o->sub[b]);
        if (rc)
            break;
        int m = start[b + 1] - start[b];
        memcpy(o->re + start[b], o->sub[b].eig_re, (size_t)m * sizeof *o->re);
        memcpy(o->im + start[b], o->sub[b].eig_im, (size_t)m * sizeof *o->im);
        ops->lo = fmax(ops->lo, o->sub[b].lo);
        ops->hi = fmin(ops->hi, o->sub[b].hi);
    }
    if (rc) {
        sp_pops_blocks_free(ops);
        return rc;
    }
    ops->lndet = blocks_lndet;
    ops->lndet_d2 = blocks_lndet_d2;
    ops->solve = blocks_solve;
    ops->traces = blocks_traces;
    ops->terms = blocks_terms;
    ops->eig_re = o->re, ops->eig_im = o->im;
    return SP_OK;
}
