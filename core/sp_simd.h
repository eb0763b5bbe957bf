/* sp_simd: which vector instruction paths the kernels may take.
 *
 * Kernels with vector paths (x86-64 AVX2, AVX-512) keep a plain C path that
 * gives the same bits (the vector code does the same operations in the same
 * order per lane; the Makefile's -ffp-contract=off keeps the compiler from
 * fusing multiply-adds).  The
 * level is the CPU's (checked at run time), capped by sp_simd_cap, so that
 * tests can run the plain path on any machine.  No allocation, no errors. */
#ifndef SP_SIMD_H
#define SP_SIMD_H

enum {
    SP_SIMD_PLAIN = 1, /* no vector extension beyond the x86-64 (or other) baseline */
    SP_SIMD_AVX2 = 3,  /* x86-64-v3: AVX2 */
    SP_SIMD_AVX512 = 4 /* x86-64-v4: AVX-512 F/BW/DQ/VL */
};

/* The level the kernels take: the CPU's, at most the cap. */
int sp_simd_level(void);

/* Caps the level (SP_SIMD_PLAIN .. SP_SIMD_AVX512) for the rest of the
 * process; call before any thread starts. */
void sp_simd_cap(int level);

#endif
