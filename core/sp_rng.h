/* sp_rng: counter-based random numbers (Random123's Philox4x32-10).
 *
 * A stream is named by (seed, a, b), e.g. (seed, unit, permutation) or
 * (seed, draw, 0): the numbers of a stream depend on nothing else, so results
 * are the same whatever the number of threads or the order of work.
 * An sp_rng is a small value type; no allocation, nothing to free. */
#ifndef SP_RNG_H
#define SP_RNG_H

#include <stdint.h>

typedef struct sp_rng {
    uint32_t key[2];
    uint32_t ctr[4];
    uint32_t buf[4];
    int avail;
    int has_spare;      /* normal deviates come in pairs */
    double spare;
} sp_rng;

void sp_rng_init(sp_rng *r, uint64_t seed, uint32_t a, uint32_t b);

uint32_t sp_rng_u32(sp_rng *r);

/* Uniform on [0, 1) with 53 random bits. */
double sp_rng_uniform(sp_rng *r);

/* Uniform integer in [0, bound), unbiased (Lemire's method); bound > 0. */
uint32_t sp_rng_below(sp_rng *r, uint32_t bound);

/* Standard normal deviate (Marsaglia's polar method). */
double sp_rng_normal(sp_rng *r);

#endif
