/* sp_opt: one-dimensional searches shared by the ML estimators (core/sp_pfe.h,
 * core/sp_pre.h): Brent's maximiser on an interval and the check that an
 * optimum is interior.  Nothing is allocated; errors follow sp_error.h. */
#ifndef SP_OPT_H
#define SP_OPT_H

/* Brent's minimisation-free maximiser of f on [lo, hi] (R's optimize /
 * netlib fmin), to absolute tolerance tol: returns the argmax, *fmax the value. */
double sp_opt_maximize(double (*f)(void *ctx, double x), void *ctx, double lo, double hi,
                       double tol, double *fmax);

/* SP_ENUMERIC, naming `name` and the interval, when the optimum x lies within
 * 1e-6 of the interval's width of an end of (lo, hi): the search stopped
 * there because it could go no further, so the likelihood has no interior
 * maximum (spatialreg warns "on interval bound - results should not be
 * used"); SP_OK otherwise. */
int sp_opt_interior(const char *name, double x, double lo, double hi);

#endif
