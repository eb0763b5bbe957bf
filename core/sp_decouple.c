/* sp_decouple: Tapio decoupling elasticity and states. */
#include <math.h>

#include "sp_decouple.h"
#include "sp_error.h"

static const char *const name_en[SP_DECOUPLE_NSTATES + 1] = {
    "undefined", "strong decoupling", "weak decoupling", "recessive decoupling",
    "expansive coupling", "recessive coupling", "expansive negative decoupling",
    "weak negative decoupling", "strong negative decoupling"};
static const char *const name_zh[SP_DECOUPLE_NSTATES + 1] = {
    "无法判定", "强脱钩", "弱脱钩", "衰退脱钩", "扩张连接", "衰退连接", "扩张负脱钩",
    "弱负脱钩", "强负脱钩"};

/* The band of e: 0 below 0, 1 in [0, lo), 2 in [lo, hi], 3 above hi.  An e
 * within 1e-12 (relative) of lo or hi counts as on the edge, so that
 * 0.08 / 0.1 = 0.7999999999999999 is 0.8, as printed. */
static int band(double e, double lo, double hi)
{
    const double tol = 1e-12;
    return e < 0 ? 0 : e < lo * (1 - tol) ? 1 : e <= hi * (1 + tol) ? 2 : 3;
}

int sp_decouple_state(double c0, double c1, double a0, double a1, double lo, double hi,
                      const char *what, sp_decouple_change *out)
{
    if (!isfinite(c0) || !isfinite(c1) || !isfinite(a0) || !isfinite(a1))
        return sp_error_set(SP_EDATA, "%s: a value is not finite", what);
    if (!(c0 > 0) || !(a0 > 0))
        return sp_error_set(SP_EDATA, "%s: the base values must be positive for growth rates "
                            "(pressure %g, driver %g)", what, c0, a0);
    double gc = (c1 - c0) / c0, ga = (a1 - a0) / a0;
    out->growth_var = gc, out->growth_driver = ga;
    if (ga == 0) {
        out->elasticity = NAN, out->code = 0;
        return SP_OK;
    }
    double e = gc / ga;
    static const int growth[4] = {1, 2, 4, 6}, recession[4] = {8, 7, 5, 3};
    out->elasticity = e;
    out->code = ga > 0 ? growth[band(e, lo, hi)] : recession[band(e, lo, hi)];
    return SP_OK;
}

const char *sp_decouple_name_en(int code)
{
    return code >= 0 && code <= SP_DECOUPLE_NSTATES ? name_en[code] : "";
}

const char *sp_decouple_name_zh(int code)
{
    return code >= 0 && code <= SP_DECOUPLE_NSTATES ? name_zh[code] : "";
}
