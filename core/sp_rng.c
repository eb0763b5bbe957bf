/* sp_rng: counter-based random numbers (Random123's Philox4x32-10); see sp_rng.h. */
#include <math.h>

#include <Random123/philox.h>

#include "sp_rng.h"

void sp_rng_init(sp_rng *r, uint64_t seed, uint32_t a, uint32_t b)
{
    r->key[0] = (uint32_t)seed;
    r->key[1] = (uint32_t)(seed >> 32);
    r->ctr[0] = 0;
    r->ctr[1] = 0;
    r->ctr[2] = a;
    r->ctr[3] = b;
    r->avail = 0;
    r->has_spare = 0;
}

static void rng_refill(sp_rng *r)
{
    philox4x32_ctr_t c = {{r->ctr[0], r->ctr[1], r->ctr[2], r->ctr[3]}};
    philox4x32_key_t k = {{r->key[0], r->key[1]}};
    philox4x32_ctr_t out = philox4x32(c, k);
    for (int i = 0; i < 4; i++)
        r->buf[i] = out.v[i];
    r->avail = 4;
    if (++r->ctr[0] == 0)
        r->ctr[1]++;
}

uint32_t sp_rng_u32(sp_rng *r)
{
    if (r->avail == 0)
        rng_refill(r);
    return r->buf[--r->avail];
}

double sp_rng_uniform(sp_rng *r)
{
    uint64_t hi = sp_rng_u32(r) >> 5, lo = sp_rng_u32(r) >> 6; /* 27 + 26 bits */
    return ((double)hi * 67108864.0 + (double)lo) / 9007199254740992.0;
}

uint32_t sp_rng_below(sp_rng *r, uint32_t bound)
{
    uint64_t m = (uint64_t)sp_rng_u32(r) * bound;
    uint32_t low = (uint32_t)m;
    if (low < bound) {
        uint32_t threshold = (uint32_t)(-bound) % bound;
        while (low < threshold) {
            m = (uint64_t)sp_rng_u32(r) * bound;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

double sp_rng_normal(sp_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, v, s;
    do {
        u = 2.0 * sp_rng_uniform(r) - 1.0;
        v = 2.0 * sp_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}
