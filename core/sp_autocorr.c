/* sp_autocorr: what the spatial autocorrelation statistics share (moments, p-values,
 * permutations); see sp_autocorr.h. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sp_autocorr.h"
#include "sp_simd.h"
#include "sp_sort.h"
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
    const int *tcol;  /* the same table by column: entry (p, m) at m * perm + p */
    const uint64_t *flips; /* its entries sorted by index: index << 32 | (m * perm + p) */
    atomic_int next;
} local_job;

/* Unit i's row without its self weight: k neighbours into col/wt, the
 * observed lag and the tie tolerance.  Returns k. */
static int unit_row(const local_job *job, int i, int *col, double *wt, double *lag, double *tol)
{
    const sp_csr *w = job->w;
    int k = 0;
    double l = 0.0, wabs = 0.0;
    for (int q = w->p[i]; q < w->p[i + 1]; q++) {
        if (w->j[q] == i)
            continue;
        col[k] = w->j[q];
        wt[k] = w->x[q];
        l += wt[k] * job->v[col[k]];
        wabs += fabs(wt[k]);
        k++;
    }
    *lag = l;
    *tol = 1e-12 * wabs * job->vmax;
    return k;
}

/* A unit that is not permuted (no neighbours, or outside the mask). */
static void unit_skip(local_job *job, int i)
{
    if (job->ge)
        job->ge[i] = -1;
    if (job->le)
        job->le[i] = -1;
    if (job->mean)
        job->mean[i] = NAN;
    if (job->sd)
        job->sd[i] = NAN;
}

/* The running sums of one unit over its permuted lags. */
typedef struct unit_sums {
    int i, ge, le;
    double lag, tol, s1, s2;
} unit_sums;

/* u's counts, mean and sd (divisor perm - 1) into the job's outputs. */
static void sums_store(local_job *job, const unit_sums *u)
{
    int i = u->i, perm = job->o->perm;
    if (job->ge)
        job->ge[i] = u->ge;
    if (job->le)
        job->le[i] = u->le;
    if (job->mean)
        job->mean[i] = u->lag + u->s1 / perm;
    if (job->sd)
        job->sd[i] = perm > 1 ? sqrt(fmax(0.0, (u->s2 - u->s1 * u->s1 / perm) / (perm - 1))) : NAN;
}

/* Both schemes make the lags of SUM_UNITS units first and then run their
 * sums side by side (independent additions). */
#define SUM_UNITS 8 /* even: the sums run in pairs of units (two lanes) */

/* Two doubles (two lanes); the operators act lane by lane, each lane with the
 * same IEEE operation as the scalar code, so the lanes hold the same bits. */
typedef double v2d __attribute__((vector_size(16)));
typedef long long v2i __attribute__((vector_size(16)));

static v2d v2d_load(const double *p)
{
    v2d r;
    memcpy(&r, p, sizeof r);
    return r;
}

/* The counts and shifted sums of `cnt` units over their permuted lags
 * l[a * perm + p]: for each lag y in permutation order,
 *   ge += y >= lag - tol,  le += y <= lag + tol,
 *   s1 += y - lag,  s2 += (y - lag)^2   (shifted: the variance stays accurate),
 * two units a lane pair, all pairs side by side (independent additions, each
 * lane the scalar sequence); then sums_store.  Missing units of the last
 * pair repeat unit 0 and are not stored. */
static void sums_lanes(local_job *job, unit_sums *u, int cnt, const double *l)
{
    enum { PAIRS = SUM_UNITS / 2 };
    int perm = job->o->perm;
    const double *x[SUM_UNITS];
    v2d lag[PAIRS], lo[PAIRS], hi[PAIRS], s1[PAIRS], s2[PAIRS];
    v2i ge[PAIRS], le[PAIRS];
    for (int a = 0; a < SUM_UNITS; a++)
        x[a] = l + (size_t)(a < cnt ? a : 0) * (size_t)perm;
    for (int q = 0; q < PAIRS; q++) {
        const unit_sums *u0 = &u[2 * q < cnt ? 2 * q : 0], *u1 = &u[2 * q + 1 < cnt ? 2 * q + 1 : 0];
        lag[q] = (v2d){u0->lag, u1->lag};
        lo[q] = lag[q] - (v2d){u0->tol, u1->tol};
        hi[q] = lag[q] + (v2d){u0->tol, u1->tol};
        s1[q] = s2[q] = (v2d){0.0, 0.0};
        ge[q] = le[q] = (v2i){0, 0};
    }
    for (int p = 0; p < perm; p++)
        for (int q = 0; q < PAIRS; q++) {
            v2d y = {x[2 * q][p], x[2 * q + 1][p]};
            ge[q] -= y >= lo[q]; /* a true comparison is -1 in its lane */
            le[q] -= y <= hi[q];
            v2d dl = y - lag[q];
            s1[q] += dl;
            s2[q] += dl * dl;
        }
    for (int a = 0; a < cnt; a++) {
        int q = a / 2, b = a % 2;
        u[a].ge = (int)ge[q][b];
        u[a].le = (int)le[q][b];
        u[a].s1 = s1[q][b];
        u[a].s2 = s2[q][b];
        sums_store(job, &u[a]);
    }
}

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

/* The exact scheme's lags of unit i (k neighbours, weights wt, key `key`)
 * by the scalar draws, l[p] = sum_m wt_m v[idx_p[m]] from 0.0 in order m:
 * permutation p + DRAW_AHEAD is drawn into p's slot after p's gather and its
 * values prefetched, so the cache misses overlap.  The reference for the
 * lanes below. */
static void exact_lags_scalar(const local_job *job, int i, int k, const double *wt, uint64_t key,
                              int *idx, int *slots, int *swapped, double *l)
{
    const double *v = job->v;
    int n = job->w->nrow, perm = job->o->perm, kmax = job->kmax;
    for (int a = 0; a < DRAW_AHEAD && a < perm; a++)
        draw_ahead(key, (uint32_t)a, n, i, k, idx + (size_t)a * (size_t)kmax, v, slots, swapped);
    for (int p = 0; p < perm; p++) {
        int *cur = idx + (size_t)(p % DRAW_AHEAD) * (size_t)kmax;
        double x = 0.0;
        for (int m = 0; m < k; m++)
            x += wt[m] * v[cur[m]];
        if (p + DRAW_AHEAD < perm)
            draw_ahead(key, (uint32_t)(p + DRAW_AHEAD), n, i, k, cur, v, slots, swapped);
        l[p] = x;
    }
}

/* ---- the exact scheme, eight permutations side by side ----
 * With AVX-512 (and rows of at most LINEAR_MAX neighbours) the draws of
 * permutations p0..p0+7 run in the eight lanes of a vector: lane q steps the
 * SplitMix64 state of permutation p0 + q (sp_perm_draw_init), takes the high
 * then the low 32 bits of each output (sp_perm_u32's order), maps them to
 * [0, n - 1) by Lemire's multiply (sp_perm_below), checks all pairs for a
 * repeat and forms the lag with the same multiplications and additions in
 * the same order as exact_lags_scalar (no fused multiply-add: the build's
 * -ffp-contract=off keeps it so).  A lane whose draw Lemire's method would
 * reject (low 32 bits of the product below (2^32 - b) mod b: the scalar draw then takes
 * another number, which moves the rest of the stream) or whose indices
 * repeat (draw_linear then draws again) is redone by the scalar draw.  So
 * every lag has the scalar bits.  Taken when sp_simd_level() is AVX-512
 * (SPILL_SIMD=plain or avx2 takes the scalar draws).  At 10^4 Voronoi cells: ~1 ns per neighbour
 * and permutation on one core, against ~4.5 ns for the scalar draws.  (An
 * AVX2 copy of the same code was slower than the scalar draws on the
 * machine measured: its 64-bit multiplies are emulated; it is not kept.) */
/* What the lanes need of one unit. */
typedef struct lanes_unit {
    const double *v, *wt;
    uint64_t key, bound, thr, i; /* bound = n - 1; thr = (2^32 - bound) mod bound */
    int n, k, perm;
} lanes_unit;

/* Permutation p's lag by the scalar draws (a lane that must be redone). */
static double lanes_redo(const lanes_unit *u, uint32_t p)
{
    int idx[LINEAR_MAX];
    sp_perm_draw d;
    sp_perm_draw_init(&d, u->key, p);
    draw_linear(&d, u->n, (int)u->i, u->k, idx);
    double x = 0.0;
    for (int m = 0; m < u->k; m++)
        x += u->wt[m] * u->v[idx[m]];
    return x;
}

#if defined(__x86_64__) && defined(__GNUC__) /* the lanes: x86-64 with GCC or Clang only */
#include <immintrin.h>
#define SP_LANES 1
#define LANES 8
#define AVX512 __attribute__((target("avx512f,avx512dq")))
typedef uint64_t u64x8 __attribute__((vector_size(8 * LANES)));
typedef double f64x8 __attribute__((vector_size(8 * LANES)));

/* The k indices of permutations p0..p0+7 into idx[0..k-1]; returns the mask
 * of lanes to redo.  Without comparisons (every value is below 2^32, so a
 * difference that goes below zero sets bit 63): a draw is rejected when
 * lo - thr < 0 (lo the product's low 32 bits), two indices repeat when
 * (a ^ b) - 1 < 0, and j + (j >= i) is j + ((i - 1 - j) >> 63). */
AVX512 static inline __attribute__((always_inline)) unsigned
lanes_draw(const lanes_unit *u, uint32_t p0, int k, u64x8 *idx)
{
    const u64x8 lane = {0, 1, 2, 3, 4, 5, 6, 7};
    u64x8 s = u->key + ((uint64_t)p0 + 1 + lane) * SP_PERM_G2, bad = {0}, rep = {0};
    uint64_t bound = u->bound, thr = u->thr, im1 = u->i - 1;
    for (int m = 0; m < k; m += 2) {
        u64x8 z = s += SP_PERM_GAMMA; /* sp_perm_mix, 8 lanes */
        z = (z ^ (z >> 30)) * SP_PERM_MIX1;
        z = (z ^ (z >> 27)) * SP_PERM_MIX2;
        z ^= z >> 31;
        u64x8 prod = (z >> 32) * bound; /* the high half first, as sp_perm_u32 */
        bad |= (prod & 0xffffffffu) - thr;
        idx[m] = (prod >> 32) + ((im1 - (prod >> 32)) >> 63);
        if (m + 1 < k) {
            prod = (z & 0xffffffffu) * bound;
            bad |= (prod & 0xffffffffu) - thr;
            idx[m + 1] = (prod >> 32) + ((im1 - (prod >> 32)) >> 63);
        }
    }
    for (int m = 1; m < k; m++)
        for (int q = 0; q < m; q++)
            rep |= (idx[q] ^ idx[m]) - 1;
    return _mm512_movepi64_mask((__m512i)(bad | rep));
}

/* l[p], p = 0..perm-1, for a unit with k <= LINEAR_MAX neighbours. */
AVX512 static void lanes_lags(const lanes_unit *u, double *l)
{
    const double *v = u->v;
    int k = u->k;
    for (int p0 = 0; p0 < u->perm; p0 += LANES) {
        u64x8 idx[LINEAR_MAX];
        unsigned redo = lanes_draw(u, (uint32_t)p0, k, idx);
        f64x8 acc = {0};
        for (int m = 0; m < k; m++) {
            f64x8 g;
            for (int q = 0; q < LANES; q++)
                g[q] = v[idx[m][q]];
            acc = acc + u->wt[m] * g;
        }
        int cnt = u->perm - p0 < LANES ? u->perm - p0 : LANES;
        if (!redo && cnt == LANES) {
            memcpy(l + p0, &acc, sizeof acc);
            continue;
        }
        for (int q = 0; q < cnt; q++)
            l[p0 + q] = redo >> q & 1u ? lanes_redo(u, (uint32_t)(p0 + q)) : acc[q];
    }
}
#endif

/* The lanes' function at the vector level sp_simd allows (AVX-512), NULL for
 * the scalar draws. */
static void (*lanes_pick(void))(const lanes_unit *, double *)
{
#ifdef SP_LANES
    return sp_simd_level() >= SP_SIMD_AVX512 ? lanes_lags : NULL;
#else
    return NULL;
#endif
}

/* A worker's buffers for the exact scheme. */
typedef struct exact_ws {
    int *col, *idx, *slots, *swapped;
    double *wt, *l;
    void (*lanes)(const lanes_unit *, double *);
} exact_ws;

/* Unit i's permuted lags into l (perm values); returns k, or 0 when the unit
 * is not permuted (no neighbours, or outside the mask: unit_skip done). */
static int exact_unit(local_job *job, int i, exact_ws *ws, unit_sums *u, double *l)
{
    *u = (unit_sums){.i = i};
    int k = unit_row(job, i, ws->col, ws->wt, &u->lag, &u->tol);
    if (k == 0 || (job->o->only && !job->o->only[i])) {
        unit_skip(job, i);
        return 0;
    }
    uint64_t key = sp_perm_key(job->o->seed, (uint32_t)i);
    if (k <= LINEAR_MAX && ws->lanes) {
        uint32_t bound = (uint32_t)(job->w->nrow - 1);
        lanes_unit lu = {.v = job->v, .wt = ws->wt, .key = key, .bound = bound,
                         .thr = (uint32_t)(-bound) % bound, .i = (uint64_t)i,
                         .n = job->w->nrow, .k = k, .perm = job->o->perm};
        ws->lanes(&lu, l);
    } else
        exact_lags_scalar(job, i, k, ws->wt, key, ws->idx, ws->slots, ws->swapped, l);
    return k;
}

/* Units [start, end): their lags, then their sums SUM_UNITS at a time. */
static void exact_task(local_job *job, int start, int end, exact_ws *ws)
{
    unit_sums u[SUM_UNITS];
    int cnt = 0, perm = job->o->perm;
    for (int i = start; i < end; i++) {
        if (!exact_unit(job, i, ws, &u[cnt], ws->l + (size_t)cnt * (size_t)perm))
            continue;
        if (++cnt == SUM_UNITS) {
            sums_lanes(job, u, cnt, ws->l);
            cnt = 0;
        }
    }
    if (cnt > 0)
        sums_lanes(job, u, cnt, ws->l);
}

/* One worker of the exact scheme: tasks of UNITS_PER_TASK units. */
static int exact_work(local_job *job)
{
    int n = job->w->nrow, kmax = job->kmax > 0 ? job->kmax : 1;
    exact_ws ws = {.col = sp_malloc((size_t)kmax * sizeof(int)),
                   .idx = sp_malloc(DRAW_AHEAD * (size_t)kmax * sizeof(int)),
                   .swapped = sp_malloc((size_t)kmax * sizeof(int)),
                   .wt = sp_malloc((size_t)kmax * sizeof(double)),
                   .l = sp_malloc((size_t)job->o->perm * SUM_UNITS * sizeof(double)),
                   .lanes = lanes_pick()};
    int rc = SP_OK;
    if (!ws.col || !ws.idx || !ws.swapped || !ws.wt || !ws.l)
        rc = SP_ENOMEM;
    if (!rc && kmax > LINEAR_MAX) {
        if (!(ws.slots = sp_malloc((size_t)n * sizeof(int))))
            rc = SP_ENOMEM;
        else
            for (int s = 0; s < n; s++)
                ws.slots[s] = s;
    }
    while (!rc) {
        int start = atomic_fetch_add(&job->next, UNITS_PER_TASK);
        if (start >= n)
            break;
        exact_task(job, start, start + UNITS_PER_TASK < n ? start + UNITS_PER_TASK : n, &ws);
    }
    free(ws.col);
    free(ws.idx);
    free(ws.swapped);
    free(ws.wt);
    free(ws.l);
    free(ws.slots);
    return rc;
}

/* ---- the lookup scheme by values ----
 * Unit i reads table entry (p, m) = t as the value val_i(t) = v[t + (t >= i)].
 * A worker keeps those values for its current unit in `vals` (by column,
 * entry (p, m) at m * perm + p): going from unit i to i + 1 changes only the
 * entries t = i (v[i + 1] -> v[i]), each entry once over all units, found in
 * job->flips.  Unit i's permuted lags are then
 *   l_p = sum_m wt_m vals[m * perm + p]   (m = 0..k-1, in this order),
 * the same numbers in the same order as the gather v[t + (t >= i)], so the
 * same bits; but every unit reads the same small, cached array instead of
 * k x perm random entries of v. */
#define LOOKUP_TASK 1024 /* units per task: one full build of vals each */

/* l[p] = sum_{m<k} wt[m] vals[m * perm + p], p = 0..perm-1, the sum over m
 * from 0.0 in order (as l += wt[m] * v[...]), eight permutations at a time. */
static void lookup_lags(const double *vals, const double *wt, int k, int perm, double *l)
{
    int p = 0;
    for (; p + 8 <= perm; p += 8) {
        v2d a0 = {0.0, 0.0}, a1 = a0, a2 = a0, a3 = a0;
        for (int m = 0; m < k; m++) {
            const double *c = vals + (size_t)m * (size_t)perm + p;
            v2d wm = {wt[m], wt[m]};
            a0 += wm * v2d_load(c);
            a1 += wm * v2d_load(c + 2);
            a2 += wm * v2d_load(c + 4);
            a3 += wm * v2d_load(c + 6);
        }
        memcpy(l + p, &a0, sizeof a0);
        memcpy(l + p + 2, &a1, sizeof a1);
        memcpy(l + p + 4, &a2, sizeof a2);
        memcpy(l + p + 6, &a3, sizeof a3);
    }
    for (; p < perm; p++) {
        double x = 0.0;
        for (int m = 0; m < k; m++)
            x += wt[m] * vals[(size_t)m * (size_t)perm + p];
        l[p] = x;
    }
}

/* Units [start, end): vals built for `start`, then moved unit by unit. */
static void lookup_task(local_job *job, int start, int end, double *vals, double *l, int *col,
                        double *wt)
{
    const double *v = job->v;
    int perm = job->o->perm;
    size_t len = (size_t)perm * (size_t)job->kmax, f = 0, hi = len;
    for (size_t t = 0; t < len; t++) {
        int r = job->tcol[t];
        vals[t] = v[r + (r >= start)];
    }
    while (f < hi) { /* the first flip of an index >= start */
        size_t mid = f + (hi - f) / 2;
        if ((int)(job->flips[mid] >> 32) < start)
            f = mid + 1;
        else
            hi = mid;
    }
    unit_sums u[SUM_UNITS];
    int cnt = 0;
    for (int i = start; i < end; i++) {
        for (; f < len && (int)(job->flips[f] >> 32) < i; f++) {
            int r = (int)(job->flips[f] >> 32);
            vals[(uint32_t)job->flips[f]] = v[r];
        }
        unit_sums *a = &u[cnt];
        *a = (unit_sums){.i = i};
        int k = unit_row(job, i, col, wt, &a->lag, &a->tol);
        if (k == 0 || (job->o->only && !job->o->only[i])) {
            unit_skip(job, i);
            continue;
        }
        lookup_lags(vals, wt, k, perm, l + (size_t)cnt * (size_t)perm);
        if (++cnt == SUM_UNITS) {
            sums_lanes(job, u, cnt, l);
            cnt = 0;
        }
    }
    if (cnt > 0)
        sums_lanes(job, u, cnt, l);
}

/* One worker of the lookup scheme: tasks of LOOKUP_TASK units, each with
 * its own build of vals. */
static int lookup_work(local_job *job)
{
    int n = job->w->nrow, kmax = job->kmax > 0 ? job->kmax : 1, perm = job->o->perm;
    double *vals = sp_malloc((size_t)perm * (size_t)kmax * sizeof *vals);
    double *l = sp_malloc((size_t)perm * SUM_UNITS * sizeof *l);
    int *col = sp_malloc((size_t)kmax * sizeof *col);
    double *wt = sp_malloc((size_t)kmax * sizeof *wt);
    int rc = vals && l && col && wt ? SP_OK : SP_ENOMEM;
    while (!rc) {
        int start = atomic_fetch_add(&job->next, LOOKUP_TASK);
        if (start >= n)
            break;
        lookup_task(job, start, start + LOOKUP_TASK < n ? start + LOOKUP_TASK : n, vals, l, col, wt);
    }
    free(vals);
    free(l);
    free(col);
    free(wt);
    return rc;
}

/* sp_threads_run's work function: the scheme the job asks for. */
static int local_work(void *ctx)
{
    local_job *job = ctx;
    return job->table ? lookup_work(job) : exact_work(job);
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

/* The lookup table by column (tcol) and its entries sorted by index (flips),
 * for lookup_task. */
static int lookup_index(const int *table, int perm, int kmax, int **tcol, uint64_t **flips)
{
    size_t len = (size_t)perm * (size_t)kmax;
    if (len > UINT32_MAX) /* flips hold an entry's place in 32 bits */
        return sp_error_set(SP_EUSAGE, "permutations: a lookup table of %d x %d is too large",
                            perm, kmax);
    int *tc = sp_malloc(len * sizeof *tc);
    uint64_t *fl = sp_malloc(len * sizeof *fl);
    int rc = tc && fl ? SP_OK : SP_ENOMEM;
    for (size_t p = 0; !rc && p < (size_t)perm; p++)
        for (size_t m = 0; m < (size_t)kmax; m++) {
            size_t t = m * (size_t)perm + p;
            tc[t] = table[p * (size_t)kmax + m];
            fl[t] = (uint64_t)tc[t] << 32 | t;
        }
    if (!rc)
        rc = sp_sort_u64(fl, NULL, len);
    if (rc) {
        free(tc);
        free(fl);
        return sp_error_set(SP_ENOMEM, "out of memory (lookup table of %d x %d)", perm, kmax);
    }
    *tcol = tc;
    *flips = fl;
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
    int *table = NULL, *tcol = NULL;
    uint64_t *flips = NULL;
    int rc = SP_OK;
    if (o->method == SP_PERM_LOOKUP && job.kmax > 0) {
        rc = perm_table(w->nrow, job.kmax, o, &table);
        if (!rc)
            rc = lookup_index(table, o->perm, job.kmax, &tcol, &flips);
        job.table = table;
        job.tcol = tcol;
        job.flips = flips;
    }
    if (!rc)
        rc = sp_threads_run(o->threads, local_work, &job);
    free(table);
    free(tcol);
    free(flips);
    return rc;
}
