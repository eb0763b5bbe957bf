/* sp_moran: global Moran's I and Geary's C with normality, randomisation and permutation
 * inference; see sp_moran.h. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_moran.h"
#include "sp_threads.h"

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

/* Calls fn(i, j, w_ij, w_ji) for every (i, j) with w_ij or w_ji non-zero, by
 * merging row i of W with row i of W' (both sorted by column). */
typedef void (*pair_fn)(void *ctx, int i, int j, double wij, double wji);

static int each_pair(const sp_csr *w, pair_fn fn, void *ctx)
{
    sp_csr *t;
    int rc = sp_csr_transpose(w, &t);
    if (rc)
        return rc;
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
    sp_csr_free(t);
    return SP_OK;
}

static void add_s1(void *ctx, int i, int j, double wij, double wji)
{
    (void)i;
    (void)j;
    *(double *)ctx += (wij + wji) * (wij + wji);
}

int sp_moran_constants(const sp_csr *w, double *S0, double *S1, double *S2)
{
    int n = w->nrow;
    double *rs = sp_calloc((size_t)n + 1, sizeof *rs), *cs = sp_calloc((size_t)n + 1, sizeof *cs);
    if (!rs || !cs) {
        free(rs);
        free(cs);
        return sp_error_set(SP_ENOMEM, "out of memory (weights constants, n = %d)", n);
    }
    double s0 = 0.0, s1 = 0.0, s2 = 0.0;
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
    int rc = each_pair(w, add_s1, &s1);
    if (rc)
        return rc;
    *S0 = s0;
    *S1 = 0.5 * s1;
    *S2 = s2;
    return SP_OK;
}

/* ---- the symmetric form used by permutations ----
 * z'Wz = z'((W + W')/2)z, so each permutation needs only the upper triangle
 * u_ij = w_ij + w_ji (i < j): q = sum_{i<j} u_ij z_i z_j.  Geary's numerator is
 * sum_ij w_ij (z_i - z_j)^2 = sum_i d_i z_i^2 - 2 q with d_i = w_i. + w_.i. */

typedef struct upper {
    int n, len, cap;
    int *p, *j;
    double *x;
} upper;

static void add_upper(void *ctx, int i, int j, double wij, double wji)
{
    upper *u = ctx;
    if (j <= i || u->len < 0)
        return;
    if (u->len == u->cap) {
        int cap = u->cap ? 2 * u->cap : 1024;
        int *nj = sp_realloc(u->j, (size_t)cap * sizeof *nj);
        double *nx = nj ? sp_realloc(u->x, (size_t)cap * sizeof *nx) : NULL;
        if (nj)
            u->j = nj;
        if (!nx) {
            u->len = -1;
            return;
        }
        u->x = nx;
        u->cap = cap;
    }
    u->j[u->len] = j;
    u->x[u->len++] = wij + wji;
    u->p[i + 1] = u->len;
}

static void upper_free(upper *u)
{
    free(u->p);
    free(u->j);
    free(u->x);
}

static int upper_build(const sp_csr *w, upper *u)
{
    memset(u, 0, sizeof *u);
    u->n = w->nrow;
    if (!(u->p = sp_calloc((size_t)w->nrow + 1, sizeof *u->p)))
        return sp_error_set(SP_ENOMEM, "out of memory (n = %d)", w->nrow);
    int rc = each_pair(w, add_upper, u);
    if (!rc && u->len < 0)
        rc = sp_error_set(SP_ENOMEM, "out of memory (symmetric weights)");
    if (rc) {
        upper_free(u);
        return rc;
    }
    for (int i = 0; i < u->n; i++) /* rows without upper entries */
        if (u->p[i + 1] < u->p[i])
            u->p[i + 1] = u->p[i];
    return SP_OK;
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

typedef struct global_job {
    const upper *u;
    const double *z, *d;
    const sp_perm_opts *o;
    double *q, *g; /* per permutation */
    atomic_int next;
} global_job;

/* upper_form and diag_form of the BLOCK interleaved vectors of zb; the
 * sums run in the same order as upper_form's, so the results are the same
 * bits as one vector at a time. */
static void block_forms(const upper *u, const double *d, const double *zb, double *q, double *g)
{
    double qa[BLOCK] = {0}, ga[BLOCK] = {0};
    for (int i = 0; i < u->n; i++) {
        double s[BLOCK] = {0};
        for (int k = u->p[i]; k < u->p[i + 1]; k++) {
            if (k + GATHER_AHEAD < u->len)
                __builtin_prefetch(zb + (size_t)u->j[k + GATHER_AHEAD] * BLOCK);
            const double *zj = zb + (size_t)u->j[k] * BLOCK;
            for (int b = 0; b < BLOCK; b++)
                s[b] += u->x[k] * zj[b];
        }
        const double *zi = zb + (size_t)i * BLOCK;
        for (int b = 0; b < BLOCK; b++) {
            qa[b] += zi[b] * s[b];
            ga[b] += d[i] * zi[b] * zi[b];
        }
    }
    memcpy(q, qa, sizeof qa);
    memcpy(g, ga, sizeof ga);
}

/* Fisher-Yates shuffle of zp[0..n-1] by the draws of d: for i = n-1 .. 1,
 * swap zp[i] and zp[j], j uniform in [0, i].  The draws are made in the same
 * order DRAW_AHEAD at a time and their slots prefetched before the swaps. */
static void shuffle(sp_perm_draw *d, double *zp, int n)
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

/* One worker: blocks of BLOCK permutations, each shuffled in its own
 * compact copy (zs, lane b at zs[b * n]) and then interleaved into zb in one
 * sequential pass (writing a lane at a time into zb would touch every cache
 * line of zb BLOCK times). */
static int global_work(void *ctx)
{
    global_job *job = ctx;
    int n = job->u->n, perm = job->o->perm;
    double *zb = sp_malloc((size_t)n * BLOCK * sizeof *zb), *zs = sp_malloc((size_t)n * BLOCK * sizeof *zs);
    if (!zb || !zs) {
        free(zb);
        free(zs);
        return SP_ENOMEM;
    }
    uint64_t key = sp_perm_key(job->o->seed, SP_PERM_GLOBAL);
    for (;;) {
        int start = atomic_fetch_add(&job->next, BLOCK);
        if (start >= perm)
            break;
        for (int b = 0; b < BLOCK; b++) {
            double *zp = zs + (size_t)b * n;
            memcpy(zp, job->z, (size_t)n * sizeof *zp);
            if (start + b < perm) {
                sp_perm_draw d;
                sp_perm_draw_init(&d, key, (uint32_t)(start + b));
                shuffle(&d, zp, n);
            }
        }
        for (int i = 0; i < n; i++)
            for (int b = 0; b < BLOCK; b++)
                zb[(size_t)i * BLOCK + b] = zs[(size_t)b * n + i];
        double q[BLOCK], g[BLOCK];
        block_forms(job->u, job->d, zb, q, g);
        for (int b = 0; b < BLOCK && start + b < perm; b++) {
            job->q[start + b] = q[b];
            job->g[start + b] = g[b];
        }
    }
    free(zb);
    free(zs);
    return SP_OK;
}

/* sign: +1 for I, -1 for C, so that z_perm has the sign of z_norm and z_rand. */
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
    t->z_perm = t->sd_perm > 0.0 ? sign * (t->stat - t->mean_perm) / t->sd_perm : NAN;
}

/* Permutation tests of I and C; fills p_perm, mean_perm, sd_perm, z_perm. */
static int moran_permute(const sp_csr *w, const double *z, double zz, const sp_moran_opts *o,
                         sp_moran_result *r)
{
    int n = w->nrow, perm = o->perm.perm;
    upper u;
    int rc = upper_build(w, &u);
    if (rc)
        return rc;
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
    global_job job = {.u = &u, .z = z, .d = d, .o = &o->perm, .q = q, .g = g};
    atomic_init(&job.next, 0);
    if ((rc = sp_threads_run(o->perm.threads, global_work, &job)))
        goto done;
    /* The statistics from the same formula as the permuted ones, so that ties compare exactly. */
    double q0 = upper_form(&u, z), g0 = diag_form(d, z, n), zmax = 0.0, uabs = 0.0, dsum = 0.0;
    for (int i = 0; i < n; i++) {
        zmax = fmax(zmax, fabs(z[i]));
        dsum += d[i];
    }
    for (int k = 0; k < u.len; k++)
        uabs += fabs(u.x[k]);
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
    upper_free(&u);
    free(d);
    free(q);
    free(g);
    return rc;
}

static void gtest_tests(sp_gtest *t, int sign)
{
    t->z_norm = t->var_norm > 0.0 ? sign * (t->stat - t->expect) / sqrt(t->var_norm) : NAN;
    t->z_rand = t->var_rand > 0.0 ? sign * (t->stat - t->expect) / sqrt(t->var_rand) : NAN;
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
    if (!rc)
        rc = sp_moran_constants(w, &r->S0, &r->S1, &r->S2);
    if (rc)
        return rc;
    if (!(r->S0 > 0.0))
        return sp_error_set(SP_EDATA, "%s: the weights have no links (S0 = 0)", what);
    r->n = n;
    r->n_islands = sp_autocorr_islands(w);
    r->m = o->adjust_n ? n - r->n_islands : n;
    if (r->m < 3)
        return sp_error_set(SP_EDATA, "%s: %d units with neighbours; need at least 3", what, r->m);

    double *z = sp_malloc((size_t)n * sizeof *z), *lag = sp_malloc((size_t)n * sizeof *lag);
    if (!z || !lag) {
        free(z);
        free(lag);
        return sp_error_set(SP_ENOMEM, "out of memory (n = %d)", n);
    }
    double mean = sp_autocorr_mean(x, n), zz = 0.0, z4 = 0.0, q = 0.0, geary = 0.0;
    for (int i = 0; i < n; i++) {
        z[i] = x[i] - mean;
        zz += z[i] * z[i];
        z4 += z[i] * z[i] * z[i] * z[i];
    }
    sp_csr_matvec(w, z, lag);
    for (int i = 0; i < n; i++) {
        q += z[i] * lag[i];
        for (int k = w->p[i]; k < w->p[i + 1]; k++) {
            double dz = z[i] - z[w->j[k]];
            geary += w->x[k] * dz * dz;
        }
    }
    free(lag);

    moran_I(r, n, q, zz, z4);
    geary_C(r, n, geary, zz, z4);

    if (o->perm.perm > 0)
        rc = moran_permute(w, z, zz, o, r);
    free(z);
    return rc;
}
