/* sp_decouple: Tapio's (2005) decoupling elasticity of a pressure C (e.g.
 * emissions) on a driver A (e.g. GDP) between a base and a later period, and
 * its eight states (docs/distribution.md).
 *
 *   e = (dC / C0) / (dA / A0)
 * With bands (-inf, 0), [0, lo), [lo, hi], (hi, inf) (lo = 0.8, hi = 1.2 by
 * default) and the signs of dA and dC:
 *   code 1 strong decoupling          dA > 0, dC < 0          (e < 0)
 *   code 2 weak decoupling            dA > 0, dC >= 0, 0 <= e < lo
 *   code 3 recessive decoupling       dA < 0, dC < 0, e > hi
 *   code 4 expansive coupling         dA > 0, dC > 0, lo <= e <= hi
 *   code 5 recessive coupling         dA < 0, dC < 0, lo <= e <= hi
 *   code 6 expansive negative decoupling  dA > 0, dC > 0, e > hi
 *   code 7 weak negative decoupling   dA < 0, dC <= 0, 0 <= e < lo
 *   code 8 strong negative decoupling dA < 0, dC > 0          (e < 0)
 *   code 0 undefined                  dA = 0 (no elasticity)
 * dC = 0 gives e = 0, in the band [0, lo).  An e within 1e-12 (relative) of
 * lo or hi counts as on that edge (floating-point quotients of printed data).  The codes serve as discrete
 * Markov states.
 *
 * Errors (sp_error.h): SP_EDATA for a base value C0 or A0 that is not
 * positive, or a non-finite value, with `what` naming the unit. */
#ifndef SP_DECOUPLE_H
#define SP_DECOUPLE_H

#define SP_DECOUPLE_NSTATES 8

typedef struct sp_decouple_change {
    double growth_var, growth_driver;  /* dC / C0, dA / A0 */
    double elasticity;                 /* NAN when dA = 0 */
    int code;                          /* 0..8 */
} sp_decouple_change;

/* The change from (c0, a0) to (c1, a1): growth rates, elasticity, state. */
int sp_decouple_state(double c0, double c1, double a0, double a1, double lo, double hi,
                      const char *what, sp_decouple_change *out);

/* Names of state code 0..8 in English and Chinese. */
const char *sp_decouple_name_en(int code);
const char *sp_decouple_name_zh(int code);

#endif
