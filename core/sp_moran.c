/* sp_moran: global Moran's I and Geary's C with normality, randomisation and permutation
 * inference; see sp_moran.h. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_moran.h"
#include "sp_simd.h"
#include "sp_threads.h"
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

/* Permutations evaluated together in one pass over the weights: the pass
 * streams the matrix once for BLOCK permutations and one gather fetches the
 * values of all of them (unit i's values sit at zb[i * BLOCK + b], one
 * 64-byte cache line per unit). */
#define BLOCK 8
/* Fisher-Yates draws made (and their slots prefetched) ahead of the swaps,
 * and how far ahead the gather over W prefetches: both hide the latency of
 * random reads in vectors larger than the caches without changing a bit. */
#define DRAW_AHEAD 64
#define GATHER_AHEAD 24
/* The interleaved vectors are made just ahead of the rows that read them,
 * ROWS rows at a time and at least STEP units at once, so that with
 * neighbours near in the units' order they are read from the cache. */
#define ROWS 1024
#define STEP 4096

/* Calls fn(i, j, w_ij, w_ji) for every (i, j) with w_ij or w_ji non-zero, by
 * merging row i of W with row i of t = W' (both sorted by column). */
typedef void (*pair_fn)(void *ctx, int i, int j, double wij, double wji);

static void each_pair(const sp_csr *w, const sp_csr *t, pair_fn fn, void *ctx)
{
    for (int i = 0; i < w->nrow; i++) {
        int a = w->p[i], b = t->p[i];
        while (a < w->p[i + 1] || b < t->p[i + 1]) {
            int ja = a < w->p[i + 1] ? w->j[a] : w->ncol;
            int jb = b < t->p[i + 1] ? t->j[b] : w->ncol;
            int j = ja < jb ? ja : jb;
            double wij = ja == j ? w->x[a++] : 0.0;
            double wji = jb == j ? t->x[b++] : 0.0;
            fn(ctx, i, j, wij, wji);
        }
    }
}

/* Calls fn for every pair of w as each_pair does: when w's pattern is
 * symmetric (contiguity, k-nearest made symmetric, every GAL of GeoDa) row i
 * of W' has row i's columns, so the pairs are row i's entries with w_ji at
 * their mirror positions (sp_csr_mirror: nnz + n ints, a third of a
 * transpose's memory); else by merging with the transpose. */
static int pairs_walk(const sp_csr *w, pair_fn fn, void *ctx)
{
    int *mirror = sp_malloc((size_t)sp_csr_nnz(w) * sizeof *mirror + 1);
    int *cursor = mirror ? sp_malloc((size_t)w->nrow * sizeof *cursor + 1) : NULL;
    int symmetric = cursor && sp_csr_mirror(w, mirror, cursor);
    free(cursor);
    if (symmetric)
        for (int i = 0; i < w->nrow; i++)
            for (int q = w->p[i]; q < w->p[i + 1]; q++)
                fn(ctx, i, w->j[q], w->x[q], w->x[mirror[q]]);
    free(mirror);
    if (symmetric)
        return SP_OK;
    sp_error_clear(); /* a failed allocation above: the transpose tries again */
    sp_csr *t;
    if (sp_csr_transpose(w, &t))
        return SP_ENOMEM;
    each_pair(w, t, fn, ctx);
    sp_csr_free(t);
    return SP_OK;
}

/* S0 and S2 of w: sums of the weights and of (w_i. + w_.i)^2. */
static int constants_s0_s2(const sp_csr *w, double *S0, double *S2)
{
    int n = w->nrow;
    double *rs = sp_calloc((size_t)n + 1, sizeof *rs), *cs = sp_calloc((size_t)n + 1, sizeof *cs);
    if (!rs || !cs) {
        free(rs);
        free(cs);
        return sp_error_set(SP_ENOMEM, "out of memory (weights constants, n = %d)", n);
    }
    double s0 = 0.0, s2 = 0.0;
    for (int i = 0; i < n; i++)
        for (int k = w->p[i]; k < w->p[i + 1]; k++) {
            rs[i] += w->x[k];
            cs[w->j[k]] += w->x[k];
            s0 += w->x[k];
        }
    for (int i = 0; i < n; i++)
        s2 += (rs[i] + cs[i]) * (rs[i] + cs[i]);
    free(rs);
    free(cs);
    *S0 = s0;
    *S2 = s2;
    return SP_OK;
}

static void add_s1(void *ctx, int i, int j, double wij, double wji)
{
    (void)i;
    (void)j;
    *(double *)ctx += (wij + wji) * (wij + wji); /* S1 = 1/2 sum_ij (w_ij + w_ji)^2 */
}

int sp_moran_constants(const sp_csr *w, double *S0, double *S1, double *S2)
{
    double s1 = 0.0;
    int rc = constants_s0_s2(w, S0, S2);
    if (!rc && !(rc = pairs_walk(w, add_s1, &s1)))
        *S1 = 0.5 * s1;
    return rc;
}

/* ---- the symmetric form used by permutations ----
 * z'Wz = z'((W + W')/2)z, so each permutation needs only the upper triangle
 * u_ij = w_ij + w_ji (i < j): q = sum_{i<j} u_ij z_i z_j.  Geary's numerator is
 * sum_ij w_ij (z_i - z_j)^2 = sum_i d_i z_i^2 - 2 q with d_i = w_i. + w_.i. */

typedef struct upper {
    int n, len;
    double s1;     /* S1, twice over, summed in add_s1's order */
    int *p, *j;
    double *x;
    int *need;     /* need[c]: rows c*ROWS .. read units below need[c] (a multiple of 4, or n) */
    unsigned mask; /* unit i's line in the ring of interleaved vectors: i & mask */
    int ring;      /* units in that ring: a power of 2 >= every chunk's span + STEP, or n */
} upper;

/* Appends u_ij = w_ij + w_ji for j > i (pairs come row by row, j ascending;
 * u->j and u->x hold nnz(W) entries: no pair is missing from W's pattern
 * both ways) and adds the pair's term of S1 to u->s1, as add_s1 does. */
static void add_upper(void *ctx, int i, int j, double wij, double wji)
{
    upper *u = ctx;
    u->s1 += (wij + wji) * (wij + wji);
    if (j <= i)
        return;
    u->j[u->len] = j;
    u->x[u->len++] = wij + wji;
    u->p[i + 1] = u->len;
}

static void upper_free(upper *u)
{
    free(u->need);
    free(u->p);
    free(u->j);
    free(u->x);
    memset(u, 0, sizeof *u);
}

/* The chunks' reach (need) and the ring that holds every chunk's span of
 * interleaved vectors: rows r0..r1-1 read units r0 .. need - 1 (j > i), and
 * the units interleaved ahead of them are at most STEP past need. */
static int upper_plan(upper *u)
{
    int chunks = (u->n + ROWS - 1) / ROWS, span = 0;
    if (!(u->need = sp_malloc((size_t)chunks * sizeof *u->need)))
        return sp_error_set(SP_ENOMEM, "out of memory (n = %d)", u->n);
    for (int c = 0, top = 0; c < chunks; c++) {
        int r0 = c * ROWS, r1 = r0 + ROWS < u->n ? r0 + ROWS : u->n;
        for (int i = r0; i < r1; i++)
            if (u->p[i + 1] > u->p[i] && u->j[u->p[i + 1] - 1] + 1 > top)
                top = u->j[u->p[i + 1] - 1] + 1;
        top = top > r1 ? top : r1;
        top = (top + 3) / 4 * 4 < u->n ? (top + 3) / 4 * 4 : u->n;
        u->need[c] = top;
        span = top - r0 > span ? top - r0 : span;
    }
    long ring = 4;
    while (ring < (long)span + STEP)
        ring *= 2;
    u->ring = ring < u->n ? (int)ring : u->n;
    u->mask = ring < u->n ? (unsigned)ring - 1 : ~0u;
    return SP_OK;
}

/* The upper triangle of W + W' (and S1 on the way: one walk over the pairs
 * serves both). */
static int upper_build(const sp_csr *w, upper *u)
{
    memset(u, 0, sizeof *u);
    u->n = w->nrow;
    size_t nnz = (size_t)sp_csr_nnz(w) + 1;
    u->p = sp_calloc((size_t)w->nrow + 1, sizeof *u->p);
    u->j = sp_malloc(nnz * sizeof *u->j);
    u->x = sp_malloc(nnz * sizeof *u->x);
    if (!u->p || !u->j || !u->x || pairs_walk(w, add_upper, u)) {
        upper_free(u);
        return sp_error_set(SP_ENOMEM, "out of memory (symmetric weights, n = %d)", w->nrow);
    }
    for (int i = 0; i < u->n; i++) /* rows without upper entries */
        if (u->p[i + 1] < u->p[i])
            u->p[i + 1] = u->p[i];
    int rc = upper_plan(u);
    if (rc)
        upper_free(u);
    return rc;
}

static double upper_form(const upper *u, const double *z)
{
    double q = 0.0;
    for (int i = 0; i < u->n; i++) {
        double s = 0.0;
        for (int k = u->p[i]; k < u->p[i + 1]; k++)
            s += u->x[k] * z[u->j[k]];
        q += z[i] * s;
    }
    return q;
}

static double diag_form(const double *d, const double *z, int n)
{
    double g = 0.0;
    for (int i = 0; i < n; i++)
        g += d[i] * z[i] * z[i];
    return g;
}

/* Rows [i0, i1) of upper_form and diag_form of the BLOCK interleaved vectors
 * of the ring zb, added to q and g; over all rows in order the sums run in
 * the same order as upper_form's, so the results are the same bits as one
 * vector at a time.  One body, compiled for each vector level below. */
static inline __attribute__((always_inline)) void
forms_body(const upper *u, const double *d, const double *zb, int i0, int i1, double *q, double *g)
{
    double qa[BLOCK], ga[BLOCK];
    memcpy(qa, q, sizeof qa);
    memcpy(ga, g, sizeof ga);
    for (int i = i0; i < i1; i++) {
        double s[BLOCK] = {0};
        for (int k = u->p[i]; k < u->p[i + 1]; k++) {
            if (k + GATHER_AHEAD < u->len)
                __builtin_prefetch(zb + (size_t)(u->j[k + GATHER_AHEAD] & u->mask) * BLOCK);
            const double *zj = zb + (size_t)(u->j[k] & u->mask) * BLOCK;
            for (int b = 0; b < BLOCK; b++)
                s[b] += u->x[k] * zj[b];
        }
        const double *zi = zb + (size_t)(i & u->mask) * BLOCK;
        for (int b = 0; b < BLOCK; b++) {
            qa[b] += zi[b] * s[b];
            ga[b] += d[i] * zi[b] * zi[b];
        }
    }
    memcpy(q, qa, sizeof qa);
    memcpy(g, ga, sizeof ga);
}

typedef void (*forms_fn)(const upper *u, const double *d, const double *zb, int i0, int i1,
                         double *q, double *g);

/* forms_body compiled for each level (kernels_pick chooses). */
static void forms_plain(const upper *u, const double *d, const double *zb, int i0, int i1, double *q,
                        double *g)
{
    forms_body(u, d, zb, i0, i1, q, g);
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) static void forms_avx2(const upper *u, const double *d, const double *zb,
                                                       int i0, int i1, double *q, double *g)
{
    forms_body(u, d, zb, i0, i1, q, g);
}

__attribute__((target("arch=x86-64-v4"))) static void
forms_avx512(const upper *u, const double *d, const double *zb, int i0, int i1, double *q, double *g)
{
    forms_body(u, d, zb, i0, i1, q, g);
}
#endif

/* Fisher-Yates shuffle of zp[0..n-1] by the draws of d: for i = n-1 .. 1,
 * swap zp[i] and zp[j], j uniform in [0, i].  The draws are made in the same
 * order DRAW_AHEAD at a time and their slots prefetched before the swaps
 * (for writing where the CPU has PREFETCHW: the line comes exclusive, no
 * second request when the swap writes it). */
static inline __attribute__((always_inline)) void shuffle_body(sp_perm_draw *d, double *zp, int n)
{
    uint32_t jb[DRAW_AHEAD];
    for (int i = n - 1; i > 0;) {
        int m = i < DRAW_AHEAD ? i : DRAW_AHEAD;
        for (int t = 0; t < m; t++) {
            jb[t] = sp_perm_below(d, (uint32_t)(i - t) + 1);
            __builtin_prefetch(zp + jb[t], 1);
        }
        for (int t = 0; t < m; t++, i--) {
            double x = zp[i];
            zp[i] = zp[jb[t]];
            zp[jb[t]] = x;
        }
    }
}

typedef void (*shuffle_fn)(sp_perm_draw *d, double *zp, int n);

/* shuffle_body without and with PREFETCHW (kernels_pick chooses). */
static void shuffle_plain(sp_perm_draw *d, double *zp, int n)
{
    shuffle_body(d, zp, n);
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("prfchw"))) static void shuffle_prefetchw(sp_perm_draw *d, double *zp, int n)
{
    shuffle_body(d, zp, n);
}
#endif

/* Units [i0, i1) of the BLOCK shuffled lanes of zs interleaved into the
 * ring zb, zb[(i & mask) * BLOCK + b] = zs[b * n + i], and each lane reset to
 * z for the next block (the lines are in the cache just then: no separate
 * copy pass). */
static void interleave_plain(double *zs, const double *z, int n, int i0, int i1, unsigned mask,
                             double *zb)
{
    for (int i = i0; i < i1; i++)
        for (int b = 0; b < BLOCK; b++) {
            zb[(size_t)(i & mask) * BLOCK + b] = zs[(size_t)b * n + i];
            zs[(size_t)b * n + i] = z[i];
        }
}

#if defined(__x86_64__) && defined(__GNUC__)
/* The same by 4 x 4 transposes in AVX registers: lanes g..g+3 of units
 * i..i+3 become half lines of those units (i a multiple of 4, and so is
 * the ring's size: the 4 lines are consecutive in zb). */
__attribute__((target("avx2"))) static void interleave_avx2(double *zs, const double *z, int n, int i0,
                                                            int i1, unsigned mask, double *zb)
{
    int i = i0;
    for (; i + 4 <= i1; i += 4) {
        __m256d zi = _mm256_loadu_pd(z + i);
        double *o = zb + (size_t)(i & mask) * BLOCK;
        for (int g = 0; g < BLOCK; g += 4, o += 4) {
            double *r = zs + (size_t)g * n + i;
            __m256d r0 = _mm256_loadu_pd(r), r1 = _mm256_loadu_pd(r + n);
            __m256d r2 = _mm256_loadu_pd(r + 2 * (size_t)n), r3 = _mm256_loadu_pd(r + 3 * (size_t)n);
            for (int k = 0; k < 4; k++)
                _mm256_storeu_pd(r + k * (size_t)n, zi);
            __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
            __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
            _mm256_store_pd(o, _mm256_permute2f128_pd(t0, t2, 0x20));
            _mm256_store_pd(o + BLOCK, _mm256_permute2f128_pd(t1, t3, 0x20));
            _mm256_store_pd(o + 2 * BLOCK, _mm256_permute2f128_pd(t0, t2, 0x31));
            _mm256_store_pd(o + 3 * BLOCK, _mm256_permute2f128_pd(t1, t3, 0x31));
        }
    }
    interleave_plain(zs, z, n, i, i1, mask, zb);
}
#endif

typedef void (*interleave_fn)(double *zs, const double *z, int n, int i0, int i1, unsigned mask,
                              double *zb);

/* The kernels of one vector level, picked once per test (sp_simd_level):
 * AVX2 for the interleave and the shuffles' PREFETCHW (every AVX2 CPU
 * decodes it; it is a hint), AVX-512 or AVX2 for the pass over W. */
typedef struct kernels {
    shuffle_fn shuffle;
    interleave_fn interleave;
    forms_fn forms;
} kernels;

static kernels kernels_pick(void)
{
    kernels k = {shuffle_plain, interleave_plain, forms_plain};
#if defined(__x86_64__) && defined(__GNUC__)
    int level = sp_simd_level();
    if (level >= SP_SIMD_AVX2)
        k = (kernels){shuffle_prefetchw, interleave_avx2, forms_avx2};
    if (level >= SP_SIMD_AVX512)
        k.forms = forms_avx512;
#endif
    return k;
}

typedef struct global_job {
    const upper *u;
    const double *z, *d;
    const sp_perm_opts *o;
    kernels k;
    double *q, *g; /* per permutation */
    atomic_int next;
} global_job;

/* q[b] and g[b], the forms of the BLOCK shuffled lanes of zs: chunk by chunk
 * of ROWS rows, the lanes interleaved into the ring zb just ahead of the
 * rows that read them (and reset to z). */
static void lanes_forms(const kernels *k, const upper *u, const double *d, double *zs,
                        const double *z, double *zb, double *q, double *g)
{
    int n = u->n;
    memset(q, 0, BLOCK * sizeof *q);
    memset(g, 0, BLOCK * sizeof *g);
    for (int r0 = 0, f = 0, c = 0; r0 < n; r0 += ROWS, c++) {
        while (f < u->need[c]) {
            int f2 = f + STEP > u->need[c] ? f + STEP : u->need[c];
            f2 = f2 < n ? f2 : n;
            k->interleave(zs, z, n, f, f2, u->mask, zb);
            f = f2;
        }
        k->forms(u, d, zb, r0, r0 + ROWS < n ? r0 + ROWS : n, q, g);
    }
}

/* One worker: blocks of BLOCK permutations, each shuffled in its own copy
 * of z (zs, lane b at zs[b * n]), then their forms (lanes_forms). */
static int global_work(void *ctx)
{
    global_job *job = ctx;
    int n = job->u->n, perm = job->o->perm;
    /* 64-byte aligned: a unit's BLOCK values are one cache line */
    size_t zb_bytes = ((size_t)job->u->ring * BLOCK * sizeof(double) + 63) / 64 * 64;
    double *zb = aligned_alloc(64, zb_bytes), *zs = sp_malloc((size_t)n * BLOCK * sizeof *zs);
    if (!zb || !zs) {
        free(zb);
        free(zs);
        return sp_error_set(SP_ENOMEM, "out of memory (permutations of %d units)", n);
    }
    for (int b = 0; b < BLOCK; b++)
        memcpy(zs + (size_t)b * n, job->z, (size_t)n * sizeof *zs);
    uint64_t key = sp_perm_key(job->o->seed, SP_PERM_GLOBAL);
    for (;;) {
        int start = atomic_fetch_add(&job->next, BLOCK);
        if (start >= perm)
            break;
        for (int b = 0; b < BLOCK && start + b < perm; b++) {
            sp_perm_draw d;
            sp_perm_draw_init(&d, key, (uint32_t)(start + b));
            job->k.shuffle(&d, zs + (size_t)b * n, n);
        }
        double q[BLOCK], g[BLOCK];
        lanes_forms(&job->k, job->u, job->d, zs, job->z, zb, q, g);
        for (int b = 0; b < BLOCK && start + b < perm; b++) {
            job->q[start + b] = q[b];
            job->g[start + b] = g[b];
        }
    }
    free(zb);
    free(zs);
    return SP_OK;
}

/* sign: +1 for I, -1 for C, so that z_perm has the sign of z_norm and z_rand;
 * tol: the statistic's rounding scale (ties within it count both ways). */
static void perm_summary(const double *v, int perm, double obs, double tol, int sign, sp_gtest *t)
{
    int ge = 0, le = 0;
    double s1 = 0.0, s2 = 0.0;
    for (int p = 0; p < perm; p++) {
        ge += v[p] >= obs - tol;
        le += v[p] <= obs + tol;
        s1 += v[p] - obs;
        s2 += (v[p] - obs) * (v[p] - obs);
    }
    t->p_perm = sp_autocorr_pseudo_p(ge, le, perm);
    t->mean_perm = obs + s1 / perm;
    t->sd_perm = perm > 1 ? sqrt(fmax(0.0, (s2 - s1 * s1 / perm) / (perm - 1))) : NAN;
    /* an sd within the ties' tolerance is rounding noise of a constant
     * statistic (e.g. every unit the neighbour of every other): no z */
    t->z_perm = t->sd_perm > tol ? sign * (t->stat - t->mean_perm) / t->sd_perm : NAN;
}

/* Permutation tests of I and C; fills p_perm, mean_perm, sd_perm, z_perm. */
static int moran_permute(const sp_csr *w, const upper *u, const double *z, double zz,
                         const sp_moran_opts *o, sp_moran_result *r)
{
    int n = w->nrow, perm = o->perm.perm, rc = SP_OK;
    double *d = sp_calloc((size_t)n, sizeof *d);
    double *q = sp_malloc((size_t)perm * sizeof *q), *g = sp_malloc((size_t)perm * sizeof *g);
    if (!d || !q || !g) {
        rc = sp_error_set(SP_ENOMEM, "out of memory (%d permutations)", perm);
        goto done;
    }
    for (int i = 0; i < n; i++)
        for (int k = w->p[i]; k < w->p[i + 1]; k++) {
            d[i] += w->x[k];
            d[w->j[k]] += w->x[k];
        }
    global_job job = {.u = u, .z = z, .d = d, .o = &o->perm, .k = kernels_pick(), .q = q, .g = g};
    atomic_init(&job.next, 0);
    if ((rc = sp_threads_run(o->perm.threads, global_work, &job)))
        goto done;
    /* The statistics from the same formula as the permuted ones, so that ties compare exactly. */
    double q0 = upper_form(u, z), g0 = diag_form(d, z, n), zmax = 0.0, uabs = 0.0, dsum = 0.0;
    for (int i = 0; i < n; i++) {
        zmax = fmax(zmax, fabs(z[i]));
        dsum += d[i];
    }
    for (int k = 0; k < u->len; k++)
        uabs += fabs(u->x[k]);
    double fi = r->m / (r->S0 * zz), fc = (r->m - 1.0) / (2.0 * r->S0 * zz);
    double tol_i = 1e-12 * fi * uabs * zmax * zmax, tol_c = 1e-12 * fc * (dsum + 2 * uabs) * zmax * zmax;
    for (int p = 0; p < perm; p++) {
        double qp = q[p];
        q[p] = fi * qp;
        g[p] = fc * (g[p] - 2.0 * qp);
    }
    perm_summary(q, perm, fi * q0, tol_i, 1, &r->I);
    perm_summary(g, perm, fc * (g0 - 2.0 * q0), tol_c, -1, &r->C);
done:
    free(d);
    free(q);
    free(g);
    return rc;
}

static void gtest_tests(sp_gtest *t, int sign)
{
    /* a variance within rounding of 0 (a statistic constant under the null,
     * e.g. every unit the neighbour of every other) gives no z */
    double floor = 1e-12 * t->expect * t->expect;
    t->z_norm = t->var_norm > floor ? sign * (t->stat - t->expect) / sqrt(t->var_norm) : NAN;
    t->z_rand = t->var_rand > floor ? sign * (t->stat - t->expect) / sqrt(t->var_rand) : NAN;
    t->p_norm = sp_autocorr_p2(t->z_norm);
    t->p_rand = sp_autocorr_p2(t->z_rand);
    t->p_perm = t->mean_perm = t->sd_perm = t->z_perm = NAN;
}

/* Moran's I from q = z'Wz, zz = z'z and z4 = sum z^4, with its moments
 * under normality and randomisation (spdep moran.test). */
static void moran_I(sp_moran_result *r, int n, double q, double zz, double z4)
{
    double m = r->m, N = n, S0 = r->S0, S1 = r->S1, S2 = r->S2, S02 = S0 * S0, mm = m * m;
    /* spdep: moran() takes the kurtosis over all n values, geary() over m. */
    double K = N * z4 / (zz * zz);
    r->kurtosis = K;
    sp_gtest *I = &r->I;
    I->stat = (m / S0) * q / zz;
    I->expect = -1.0 / (m - 1.0);
    double ei2 = I->expect * I->expect;
    I->var_norm = (mm * S1 - m * S2 + 3.0 * S02) / (S02 * (mm - 1.0)) - ei2;
    I->var_rand = NAN;
    if (m > 3) {
        double a = m * (S1 * (mm - 3.0 * m + 3.0) - m * S2 + 3.0 * S02);
        double b = K * (S1 * (mm - m) - 2.0 * m * S2 + 6.0 * S02);
        I->var_rand = (a - b) / ((m - 1.0) * (m - 2.0) * (m - 3.0) * S02) - ei2;
    }
    gtest_tests(I, 1);
}

/* Geary's C from geary = sum w_ij (z_i - z_j)^2 (spdep geary.test), which uses
 * the full n (N) where it writes `n` and the adjusted m where it writes wc$n;
 * without islands the two agree. */
static void geary_C(sp_moran_result *r, int n, double geary, double zz, double z4)
{
    double m = r->m, N = n, S0 = r->S0, S1 = r->S1, S2 = r->S2, S02 = S0 * S0, mm = m * m;
    double Kc = m * z4 / (zz * zz);
    sp_gtest *C = &r->C;
    C->stat = ((m - 1.0) / (2.0 * S0)) * geary / zz;
    C->expect = 1.0;
    C->var_norm = ((2.0 * S1 + S2) * (m - 1.0) - 4.0 * S02) / (2.0 * (N + 1.0) * S02);
    C->var_rand = NAN;
    if (m > 3) {
        double m1 = m - 1.0;
        double v = m1 * S1 * (mm - 3.0 * N + 3.0 - Kc * m1);
        v -= 0.25 * m1 * S2 * (mm + 3.0 * N - 6.0 - Kc * (mm - N + 2.0));
        v += S02 * (mm - 3.0 - Kc * m1 * m1);
        C->var_rand = v / (N * (m - 2.0) * (m - 3.0) * S02);
    }
    gtest_tests(C, -1);
}

/* S0, S1, S2 of w into r, and for permutations the upper triangle u (which
 * yields S1 from the same transpose and merge; u zeroed otherwise). */
static int moran_weights(const sp_csr *w, const char *what, int perm, sp_moran_result *r, upper *u)
{
    memset(u, 0, sizeof *u);
    int rc;
    if (perm > 0) {
        if (!(rc = upper_build(w, u)) && !(rc = constants_s0_s2(w, &r->S0, &r->S2)))
            r->S1 = 0.5 * u->s1;
    } else
        rc = sp_moran_constants(w, &r->S0, &r->S1, &r->S2);
    if (!rc && !(r->S0 > 0.0))
        rc = sp_error_set(SP_EDATA, "%s: the weights have no links (S0 = 0)", what);
    if (!rc) {
        r->n = w->nrow;
        r->n_islands = sp_autocorr_islands(w);
    }
    return rc;
}

/* I and C of z (centred) into r; q0 = z'Wz, the Geary sum directly. */
static void moran_stats(const sp_csr *w, const double *z, double zz, double z4, double *lag,
                        sp_moran_result *r)
{
    int n = w->nrow;
    double q = 0.0, geary = 0.0;
    sp_csr_matvec(w, z, lag);
    for (int i = 0; i < n; i++) {
        q += z[i] * lag[i];
        for (int k = w->p[i]; k < w->p[i + 1]; k++) {
            double dz = z[i] - z[w->j[k]];
            geary += w->x[k] * dz * dz;
        }
    }
    moran_I(r, n, q, zz, z4);
    geary_C(r, n, geary, zz, z4);
}

int sp_moran_compute(const sp_csr *w, const double *x, const char *what, const sp_moran_opts *o,
             sp_moran_result *r)
{
    memset(r, 0, sizeof *r);
    int n = w->nrow;
    int rc = sp_autocorr_check(x, n, what);
    if (!rc && w->ncol != n)
        rc = sp_error_set(SP_EUSAGE, "%s: %d values for %d x %d weights", what, n, w->nrow, w->ncol);
    if (!rc)
        rc = sp_autocorr_check_weights(w, 0);
    if (rc)
        return rc;
    upper u;
    double *z = NULL, *lag = NULL;
    if ((rc = moran_weights(w, what, o->perm.perm, r, &u)))
        goto done;
    r->m = o->adjust_n ? n - r->n_islands : n;
    if (r->m < 3) {
        rc = sp_error_set(SP_EDATA, "%s: %d units with neighbours; need at least 3", what, r->m);
        goto done;
    }
    z = sp_malloc((size_t)n * sizeof *z);
    lag = sp_malloc((size_t)n * sizeof *lag);
    if (!z || !lag) {
        rc = sp_error_set(SP_ENOMEM, "out of memory (n = %d)", n);
        goto done;
    }
    double mean = sp_autocorr_mean(x, n), zz = 0.0, z4 = 0.0;
    for (int i = 0; i < n; i++) {
        z[i] = x[i] - mean;
        zz += z[i] * z[i];
        z4 += z[i] * z[i] * z[i] * z[i];
    }
    moran_stats(w, z, zz, z4, lag, r);
    if (o->perm.perm > 0)
        rc = moran_permute(w, &u, z, zz, o, r);
done:
    upper_free(&u);
    free(z);
    free(lag);
    return rc;
}
