/* sp_autocorr: what the spatial autocorrelation statistics share (global
 * Moran/Geary in sp_moran, local Moran in sp_lisa, Getis-Ord in sp_getis):
 * checks of the variable, normal p-values, pseudo p-values and the
 * conditional permutation engine.
 *
 * Weights are an sp_csr (row i lists unit i's neighbours j with weight w_ij)
 * already aligned to the data order; values are plain double arrays.  Nothing
 * here allocates anything the caller must free.  Errors follow sp_error.h and
 * name the unit by its 1-based position (the CLI layer checks ids first).
 *
 * Permutations.  The numbers of permutation p of unit i are a function of
 * (seed, i, p) alone (sp_perm_draw below, keyed through sp_rng's Philox): they
 * do not depend on the thread count or on the order of work.  Whole-map
 * permutations (global statistics) use (seed, SP_PERM_GLOBAL, p).  Memory is
 * O(n) per thread, never n x permutations.
 *
 * Pseudo p-value (folded, GeoDa/esda style):
 *   p = (min(#{perm >= observed}, #{perm <= observed}) + 1) / (perm + 1),
 * where ">=" and "<=" allow a relative tolerance of 1e-12 so that a permuted
 * value equal to the observed one up to rounding counts as a tie on both sides.
 * It is about half a two-sided p-value and never below 1/(perm + 1). */
#ifndef SP_AUTOCORR_H
#define SP_AUTOCORR_H

#include <stdint.h>

#include "sp_csr.h"
#include "sp_rng.h"

#define SP_PERM_GLOBAL 0xFFFFFFFFu /* the "unit" of whole-map permutations */
#define SP_PERM_TABLE 0xFFFFFFFEu  /* the "unit" of the lookup table's rows */

/* How local permutations are drawn.  EXACT (the default): every unit draws
 * its own permutations, keyed by (seed, unit, permutation).  LOOKUP (GeoDa's
 * and libgeoda's lookup-table scheme, esda's crand): one table of perm rows
 * of kmax distinct indices from {0..n-2}, keyed by (seed, SP_PERM_TABLE, row),
 * shared by every unit; unit i uses the first k_i indices of each row with
 * j >= i read as j + 1.  Each unit's permuted lags follow the same
 * conditional null as EXACT (a uniform random k_i-subset of the other
 * units), but the units share their permutations, so their pseudo p-values
 * are dependent (a different joint null: counts of significant units and FDR
 * over units inherit that dependence).  Several times faster: no random
 * numbers per unit. */
typedef enum sp_perm_method { SP_PERM_EXACT = 0, SP_PERM_LOOKUP = 1 } sp_perm_method;

typedef struct sp_perm_opts {
    int perm;      /* number of permutations; 0: none */
    uint64_t seed;
    int threads;   /* worker threads (>= 1) */
    sp_perm_method method;
    /* NULL: every unit; else only units with only[i] != 0 are permuted (the
     * others get ge = le = -1 and NaN moments), e.g. one shard's units.  A
     * unit's permutations are keyed by its index, so they are the same bits
     * whatever the mask. */
    const unsigned char *only;
} sp_perm_opts;

/* The random numbers of one permutation.  A unit's key is the first 64 bits
 * of the Philox stream sp_rng_init(seed, unit, 0); permutation p of that unit
 * starts from state key + (p + 1) G2 and steps as SplitMix64, each
 * 64-bit output giving two 32-bit draws.  So the numbers are a function of
 * (seed, unit, permutation) alone (a counter-based generator with counter p),
 * and the costly Philox block is drawn once per unit, not once per
 * permutation.  Whole-map permutations use the key of unit SP_PERM_GLOBAL. */
/* The stream's constants, shared with the vector lanes of sp_autocorr.c:
 * SplitMix64's increment and output mix, and G2, the stride between the
 * permutations' starting states. */
#define SP_PERM_GAMMA 0x9e3779b97f4a7c15ull
#define SP_PERM_G2 0xd1b54a32d192ed03ull
#define SP_PERM_MIX1 0xbf58476d1ce4e5b9ull
#define SP_PERM_MIX2 0x94d049bb133111ebull

typedef struct sp_perm_draw {
    uint64_t state;
    uint32_t spare;
    int has_spare;
} sp_perm_draw;

static inline uint64_t sp_perm_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * SP_PERM_MIX1;
    z = (z ^ (z >> 27)) * SP_PERM_MIX2;
    return z ^ (z >> 31);
}

static inline uint64_t sp_perm_key(uint64_t seed, uint32_t unit)
{
    sp_rng r;
    sp_rng_init(&r, seed, unit, 0);
    uint64_t hi = sp_rng_u32(&r);
    return hi << 32 | sp_rng_u32(&r);
}

static inline void sp_perm_draw_init(sp_perm_draw *d, uint64_t key, uint32_t perm)
{
    d->state = key + ((uint64_t)perm + 1) * SP_PERM_G2;
    d->has_spare = 0;
}

static inline uint32_t sp_perm_u32(sp_perm_draw *d)
{
    if (d->has_spare) {
        d->has_spare = 0;
        return d->spare;
    }
    uint64_t z = sp_perm_mix(d->state += SP_PERM_GAMMA);
    d->spare = (uint32_t)z;
    d->has_spare = 1;
    return (uint32_t)(z >> 32);
}

/* Uniform in [0, bound), 0 < bound, unbiased (Lemire's method). */
static inline uint32_t sp_perm_below(sp_perm_draw *d, uint32_t bound)
{
    uint64_t m = (uint64_t)sp_perm_u32(d) * bound;
    if ((uint32_t)m < bound) {
        uint32_t threshold = (uint32_t)(-bound) % bound;
        while ((uint32_t)m < threshold)
            m = (uint64_t)sp_perm_u32(d) * bound;
    }
    return (uint32_t)(m >> 32);
}

/* n >= 3, every x finite, and a non-zero variance; `what` names the variable
 * (and period) in the message.  SP_EDATA otherwise. */
int sp_autocorr_check(const double *x, int n, const char *what);

/* A weights matrix the statistics can use: n x n, finite non-negative
 * weights, and (unless allow_diagonal) no self weight.  SP_EDATA otherwise,
 * naming the unit by position. */
int sp_autocorr_check_weights(const sp_csr *w, int allow_diagonal);

/* Mean of x[0..n-1], with a second pass that adds back the rounding error
 * (as R's mean()). */
double sp_autocorr_mean(const double *x, int n);

/* Two-sided normal p-value 2 (1 - Phi(|z|)); NaN when z is NaN. */
double sp_autocorr_p2(double z);

/* Folded pseudo p-value from the counts of permuted values >= and <= the
 * observed one. */
double sp_autocorr_pseudo_p(int ge, int le, int perm);

/* Number of units with no neighbour other than themselves. */
int sp_autocorr_islands(const sp_csr *w);

/* Conditional permutation for local statistics whose value moves with the
 * spatial lag L_i = sum_{j != i} w_ij v_j (local Moran, Gi, Gi*; a self weight
 * is fixed under the null and ignored here).  For every unit with at least
 * one neighbour, each permutation draws as many distinct other units as it has
 * neighbours (v_i stays at i), forms the lag with the unit's own weights and
 * compares it with the observed lag.  Outputs (each n values, NULL to skip):
 *   ge, le     counts of permuted lags >= and <= the observed one
 *   mean, sd   mean and standard deviation (divisor perm - 1) of the permuted lags
 * Units without neighbours get ge = le = -1 and NaN moments.  Threads work on
 * blocks of units; results are identical for any thread count.  o->method
 * chooses the exact scheme or the lookup table (sp_perm_method above).  The
 * exact scheme needs per thread o->perm * 8 doubles (the lags of 8 units,
 * whose sums then run side by side) and, when a row is longer than 16, n
 * ints; the table needs o->perm * kmax ints (kmax = the longest row) and
 * n - 1 >= kmax, its index another 12 bytes per entry, and each thread
 * o->perm * (kmax + 8) doubles (the table's values for the current unit and
 * the lags of 8 units: the lookup kernel reads those instead of gathering v;
 * see sp_autocorr.c). */
int sp_autocorr_perm_local(const sp_csr *w, const double *v, const sp_perm_opts *o,
                           int *ge, int *le, double *mean, double *sd);

#endif
