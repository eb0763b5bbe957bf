/* sp_dense: small dense-matrix helpers (p x p, row-major) shared by the
 * estimators: the inverse and the dot product.  They allocate nothing the
 * caller keeps; errors follow sp_error.h. */
#ifndef SP_DENSE_H
#define SP_DENSE_H

/* a := a^-1 (LU); SP_ENUMERIC "WHAT: singular information matrix" when a is
 * singular or the inverse is not finite (a is then undefined), SP_ENOMEM. */
int sp_dense_invert(double *a, int p, const char *what);

/* sum_i a[i] b[i], in index order. */
double sp_dense_dot(const double *a, const double *b, long n);

#endif
