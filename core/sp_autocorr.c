/* sp_autocorr: what the spatial autocorrelation statistics share (moments, p-values,
 * permutations); see sp_autocorr.h. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sp_autocorr.h"
#include "sp_threads.h"
#include "sp_error.h"

/* Rows with at most this many neighbours draw by rejection with a linear
 * duplicate check; longer rows use a partial Fisher-Yates shuffle. */
#define LINEAR_MAX 16
#define UNITS_PER_TASK 64
/* The exact scheme draws this many permutations ahead of the one it sums and
 * prefetches their values: the gathers are random reads of v, and one
 * permutation's draws take far less time than a read from memory. */
#define DRAW_AHEAD 8

int sp_autocorr_check(const double *x, int n, const char *what)
{
    if (n < 3)
        return sp_error_set(SP_EDATA, "%s: %d unit%s; spatial autocorrelation needs at least 3",
                            what, n, n == 1 ? "" : "s");
    double mean = 0.0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            return sp_error_set(SP_EDATA, "%s: unit %d has a non-finite value", what, i + 1);
        mean += x[i];
    }
    mean /= n;
    for (int i = 0; i < n; i++)
        if (x[i] != mean)
            return SP_OK;
    return sp_error_set(SP_EDATA, "%s is constant (%g for all %d units): zero variance", what,
                        x[0], n);
}

int sp_autocorr_check_weights(const sp_csr *w, int allow_diagonal)
{
    if (w->nrow != w->ncol)
        return sp_error_set(SP_EUSAGE, "weights are %d x %d, not square", w->nrow, w->ncol);
    for (int i = 0; i < w->nrow; i++)
        for (int k = w->p[i]; k < w->p[i + 1]; k++) {
            if (!isfinite(w->x[k]) || w->x[k] < 0.0)
                return sp_error_set(SP_EDATA, "weights: unit %d has a negative or non-finite weight %g",
                                    i + 1, w->x[k]);
            if (w->j[k] == i && !allow_diagonal && w->x[k] != 0.0)
                return sp_error_set(SP_EDATA, "weights: unit %d has a self weight (%g); this "
                                    "statistic needs a zero diagonal", i + 1, w->x[k]);
        }
    return SP_OK;
}

double sp_autocorr_mean(const double *x, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += x[i];
    s /= n;
    double t = 0.0;
    for (int i = 0; i < n; i++)
        t += x[i] - s;
    return s + t / n;
}

double sp_autocorr_p2(double z)
{
    if (isnan(z))
        return NAN;
    return erfc(fabs(z) / sqrt(2.0));
}

double sp_autocorr_pseudo_p(int ge, int le, int perm)
{
    if (ge < 0 || le < 0 || perm <= 0)
        return NAN;
    return ((ge < le ? ge : le) + 1.0) / (perm + 1.0);
}

int sp_autocorr_islands(const sp_csr *w)
{
    int count = 0;
    for (int i = 0; i < w->nrow; i++) {
        int others = 0;
        for (int q = w->p[i]; q < w->p[i + 1]; q++)
            others += w->j[q] != i;
        count += others == 0;
    }
    return count;
}

/* ---- conditional permutation of local statistics ---- */

typedef struct local_job {
    const sp_csr *w;
    const double *v;
    const sp_perm_opts *o;
    int *ge, *le;
    double *mean, *sd;
    double vmax;   /* max |v|, scales the tie tolerance */
    int kmax;      /* longest row (off-diagonal entries) */
    const int *table; /* SP_PERM_LOOKUP: perm rows of kmax indices in 0..n-2 */
    atomic_int next;
} local_job;

/* k distinct indices from {0..n-1} \ {i}, into idx[].  Draw k at once and
 * check all pairs without branching; on a repeat (rare: about k^2/2n) start
 * again by one-at-a-time rejection.  Both give a uniform random k-subset in
 * random order, so their mixture does too. */
static void draw_linear(sp_perm_draw *d, int n, int i, int k, int *idx)
{
    for (int m = 0; m < k; m++) {
        int j = (int)sp_perm_below(d, (uint32_t)(n - 1));
        idx[m] = j + (j >= i);
    }
    int dup = 0;
    for (int m = 1; m < k; m++)
        for (int q = 0; q < m; q++)
            dup |= idx[q] == idx[m];
    if (!dup)
        return;
    for (int m = 0; m < k; m++) {
        for (;;) {
            int j = (int)sp_perm_below(d, (uint32_t)(n - 1));
            j += j >= i;
            dup = 0;
            for (int q = 0; q < m; q++)
                dup |= idx[q] == j;
            if (!dup) {
                idx[m] = j;
                break;
            }
        }
    }
}

/* The same by a partial Fisher-Yates shuffle of slots[0..n-2] (identity on
 * entry and on return: the swaps are undone). */
static void draw_shuffle(sp_perm_draw *d, int n, int i, int k, int *idx, int *slots, int *swapped)
{
    for (int m = 0; m < k; m++) {
        int r = m + (int)sp_perm_below(d, (uint32_t)(n - 1 - m));
        int t = slots[m];
        slots[m] = slots[r];
        slots[r] = t;
        swapped[m] = r;
        idx[m] = slots[m] + (slots[m] >= i);
    }
    for (int m = k - 1; m >= 0; m--) {
        int r = swapped[m], t = slots[m];
        slots[m] = slots[r];
        slots[r] = t;
    }
}

/* Permutation p of the unit with key `key`: k distinct others into idx. */
static void draw_perm(uint64_t key, uint32_t p, int n, int i, int k, int *idx, int *slots,
                      int *swapped)
{
    sp_perm_draw d;
    sp_perm_draw_init(&d, key, p);
    if (k <= LINEAR_MAX)
        draw_linear(&d, n, i, k, idx);
    else
        draw_shuffle(&d, n, i, k, idx, slots, swapped);
}

/* draw_perm, then a prefetch of the values the permutation will read. */
static void draw_ahead(uint64_t key, uint32_t p, int n, int i, int k, int *idx, const double *v,
                       int *slots, int *swapped)
{
    draw_perm(key, p, n, i, k, idx, slots, swapped);
    for (int m = 0; m < k; m++)
        __builtin_prefetch(&v[idx[m]]);
}

static void local_unit(local_job *job, int i, int *col, double *wt, int *idx, int *slots,
                       int *swapped)
{
    const sp_csr *w = job->w;
    const double *v = job->v;
    int n = w->nrow, k = 0, perm = job->o->perm;
    double lag = 0.0, wabs = 0.0;
    for (int q = w->p[i]; q < w->p[i + 1]; q++) {
        if (w->j[q] == i)
            continue;
        col[k] = w->j[q];
        wt[k] = w->x[q];
        lag += wt[k] * v[col[k]];
        wabs += fabs(wt[k]);
        k++;
    }
    if (k == 0 || (job->o->only && !job->o->only[i])) {
        if (job->ge)
            job->ge[i] = -1;
        if (job->le)
            job->le[i] = -1;
        if (job->mean)
            job->mean[i] = NAN;
        if (job->sd)
            job->sd[i] = NAN;
        return;
    }
    double tol = 1e-12 * wabs * job->vmax;
    int ge = 0, le = 0;
    double s1 = 0.0, s2 = 0.0;
    uint64_t key = sp_perm_key(job->o->seed, (uint32_t)i);
    for (int p = 0; p < perm; p++) {
        double l = 0.0;
        if (job->table) { /* the shared row, focal unit skipped */
            const int *row = job->table + (size_t)p * (size_t)job->kmax;
            for (int m = 0; m < k; m++)
                l += wt[m] * v[row[m] + (row[m] >= i)];
        } else { /* permutation p + DRAW_AHEAD is drawn into p's slot after p's
                    gather and its values prefetched, so the cache misses overlap */
            int *cur = idx + (size_t)(p % DRAW_AHEAD) * (size_t)job->kmax;
            if (p == 0)
                for (int a = 0; a < DRAW_AHEAD && a < perm; a++)
                    draw_ahead(key, (uint32_t)a, n, i, k, idx + (size_t)a * (size_t)job->kmax, v,
                               slots, swapped);
            for (int m = 0; m < k; m++)
                l += wt[m] * v[cur[m]];
            if (p + DRAW_AHEAD < perm)
                draw_ahead(key, (uint32_t)(p + DRAW_AHEAD), n, i, k, cur, v, slots, swapped);
        }
        ge += l >= lag - tol;
        le += l <= lag + tol;
        double dl = l - lag; /* shifted sums keep the variance accurate */
        s1 += dl;
        s2 += dl * dl;
    }
    if (job->ge)
        job->ge[i] = ge;
    if (job->le)
        job->le[i] = le;
    if (job->mean)
        job->mean[i] = lag + s1 / perm;
    if (job->sd)
        job->sd[i] = perm > 1 ? sqrt(fmax(0.0, (s2 - s1 * s1 / perm) / (perm - 1))) : NAN;
}

static int local_work(void *ctx)
{
    local_job *job = ctx;
    int n = job->w->nrow, kmax = job->kmax > 0 ? job->kmax : 1;
    int *col = sp_malloc((size_t)kmax * sizeof *col), *idx = sp_malloc(DRAW_AHEAD * (size_t)kmax * sizeof *idx);
    int *swapped = sp_malloc((size_t)kmax * sizeof *swapped);
    double *wt = sp_malloc((size_t)kmax * sizeof *wt);
    int *slots = NULL;
    int rc = SP_OK;
    if (!col || !idx || !swapped || !wt)
        rc = SP_ENOMEM;
    if (!rc && kmax > LINEAR_MAX && !job->table) {
        if (!(slots = sp_malloc((size_t)n * sizeof *slots)))
            rc = SP_ENOMEM;
        else
            for (int s = 0; s < n; s++)
                slots[s] = s;
    }
    while (!rc) {
        int start = atomic_fetch_add(&job->next, UNITS_PER_TASK);
        if (start >= n)
            break;
        int end = start + UNITS_PER_TASK < n ? start + UNITS_PER_TASK : n;
        for (int i = start; i < end; i++)
            local_unit(job, i, col, wt, idx, slots, swapped);
    }
    free(col);
    free(idx);
    free(swapped);
    free(wt);
    free(slots);
    return rc;
}

/* The lookup table: row p holds kmax distinct indices from {0..n-2}, drawn
 * with the key of SP_PERM_TABLE and counter p (the same draws as a unit
 * n - 1 would make), so the table depends on (seed, n, kmax, perm) only. */
static int perm_table(int n, int kmax, const sp_perm_opts *o, int **out)
{
    if (n - 1 < kmax)
        return sp_error_set(SP_EDATA, "permutations: a unit has %d neighbours among %d units",
                            kmax, n);
    int *t = sp_malloc((size_t)o->perm * (size_t)kmax * sizeof *t);
    int *slots = kmax > LINEAR_MAX ? sp_malloc((size_t)n * sizeof *slots) : NULL;
    int *swapped = sp_malloc((size_t)kmax * sizeof *swapped);
    if (!t || !swapped || (kmax > LINEAR_MAX && !slots)) {
        free(t); free(slots); free(swapped);
        return SP_ENOMEM;
    }
    for (int s = 0; slots && s < n; s++)
        slots[s] = s;
    uint64_t key = sp_perm_key(o->seed, SP_PERM_TABLE);
    for (int p = 0; p < o->perm; p++) {
        sp_perm_draw d;
        sp_perm_draw_init(&d, key, (uint32_t)p);
        int *row = t + (size_t)p * (size_t)kmax;
        if (kmax <= LINEAR_MAX)
            draw_linear(&d, n, n - 1, kmax, row);
        else
            draw_shuffle(&d, n, n - 1, kmax, row, slots, swapped);
    }
    free(slots);
    free(swapped);
    *out = t;
    return SP_OK;
}

int sp_autocorr_perm_local(const sp_csr *w, const double *v, const sp_perm_opts *o,
                           int *ge, int *le, double *mean, double *sd)
{
    if (o->perm < 1)
        return sp_error_set(SP_EUSAGE, "permutations: need at least 1 (got %d)", o->perm);
    local_job job = {.w = w, .v = v, .o = o, .ge = ge, .le = le, .mean = mean, .sd = sd};
    atomic_init(&job.next, 0);
    for (int i = 0; i < w->nrow; i++) {
        job.vmax = fmax(job.vmax, fabs(v[i]));
        int k = 0;
        for (int q = w->p[i]; q < w->p[i + 1]; q++)
            k += w->j[q] != i;
        if (k > job.kmax)
            job.kmax = k;
    }
    int *table = NULL;
    if (o->method == SP_PERM_LOOKUP && job.kmax > 0) {
        int rc = perm_table(w->nrow, job.kmax, o, &table);
        if (rc)
            return rc;
        job.table = table;
    }
    int rc = sp_threads_run(o->threads, local_work, &job);
    free(table);
    return rc;
}
