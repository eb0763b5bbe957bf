/* sp_opt: one-dimensional searches for the ML estimators (Brent's maximiser, the interior check). */
#include <float.h>
#include <math.h>

#include "sp_error.h"
#include "sp_opt.h"

double sp_opt_maximize(double (*f)(void *ctx, double x), void *ctx, double lo, double hi,
                       double tol, double *fmax)
{
    /* Brent (1973) fmin on -f: golden section with parabolic steps */
    const double c = (3.0 - sqrt(5.0)) * 0.5, eps = sqrt(DBL_EPSILON);
    double a = lo, b = hi, v = a + c * (b - a), w = v, x = v, d = 0.0, e = 0.0;
    double fx = -f(ctx, x), fv = fx, fw = fx, tol3 = tol / 3.0;
    for (;;) {
        double xm = 0.5 * (a + b), tol1 = eps * fabs(x) + tol3, t2 = 2.0 * tol1;
        if (fabs(x - xm) <= t2 - 0.5 * (b - a))
            break;
        double p = 0.0, q = 0.0, r = 0.0, u;
        if (fabs(e) > tol1) {
            r = (x - w) * (fx - fv);
            q = (x - v) * (fx - fw);
            p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if (q > 0.0)
                p = -p;
            else
                q = -q;
            r = e;
            e = d;
        }
        if (fabs(p) >= fabs(0.5 * q * r) || p <= q * (a - x) || p >= q * (b - x)) {
            e = x < xm ? b - x : a - x;
            d = c * e;
        } else {
            d = p / q;
            u = x + d;
            if (u - a < t2 || b - u < t2)
                d = x >= xm ? -tol1 : tol1;
        }
        u = fabs(d) >= tol1 ? x + d : (d > 0.0 ? x + tol1 : x - tol1);
        double fu = -f(ctx, u);
        if (isnan(fu)) /* outside the domain: never move there */
            fu = INFINITY;
        if (fu <= fx) {
            if (u < x)
                b = x;
            else
                a = x;
            v = w, fv = fw;
            w = x, fw = fx;
            x = u, fx = fu;
        } else {
            if (u < x)
                a = u;
            else
                b = u;
            if (fu <= fw || w == x) {
                v = w, fv = fw;
                w = u, fw = fu;
            } else if (fu <= fv || v == x || v == w) {
                v = u, fv = fu;
            }
        }
    }
    if (fmax)
        *fmax = -fx;
    return x;
}

int sp_opt_interior(const char *name, double x, double lo, double hi)
{
    double tol = 1e-6 * (hi - lo);
    if (x - lo < tol || hi - x < tol)
        return sp_error_set(SP_ENUMERIC, "%s = %.6g is at the end of its interval (%.6g, %.6g): "
                            "the likelihood has no interior maximum; the model does not suit "
                            "these data and W", name, x, lo, hi);
    return SP_OK;
}
