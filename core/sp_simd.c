/* sp_simd: the vector level the kernels take (CPU's, capped for tests); see sp_simd.h. */
#include "sp_simd.h"

static int simd_cap = SP_SIMD_AVX512;

/* The highest level this CPU runs (x86-64 microarchitecture levels 3 and 4). */
static int simd_cpu(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4"))
        return SP_SIMD_AVX512;
    if (__builtin_cpu_supports("avx2"))
        return SP_SIMD_AVX2;
#endif
    return SP_SIMD_PLAIN;
}

int sp_simd_level(void)
{
    int cpu = simd_cpu();
    return cpu < simd_cap ? cpu : simd_cap;
}

void sp_simd_cap(int level)
{
    simd_cap = level < SP_SIMD_PLAIN ? SP_SIMD_PLAIN : level;
}
