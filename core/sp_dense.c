/* sp_dense: small dense-matrix helpers (p x p, row-major) shared by the estimators. */
#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "sp_dense.h"
#include "sp_error.h"

int sp_dense_invert(double *a, int p, const char *what)
{
    gsl_matrix_view A = gsl_matrix_view_array(a, (size_t)p, (size_t)p);
    gsl_matrix *inv = gsl_matrix_alloc((size_t)p, (size_t)p);
    gsl_permutation *perm = gsl_permutation_alloc((size_t)p);
    int rc = inv && perm ? SP_OK : sp_error_set(SP_ENOMEM, "out of memory"), sign;
    if (!rc && (gsl_linalg_LU_decomp(&A.matrix, perm, &sign) ||
                gsl_linalg_LU_invert(&A.matrix, perm, inv)))
        rc = sp_error_set(SP_ENUMERIC, "%s: singular information matrix", what);
    for (int i = 0; !rc && i < p * p; i++)
        if (!isfinite(a[i] = gsl_matrix_get(inv, (size_t)(i / p), (size_t)(i % p))))
            rc = sp_error_set(SP_ENUMERIC, "%s: singular information matrix", what);
    if (inv)
        gsl_matrix_free(inv);
    if (perm)
        gsl_permutation_free(perm);
    return rc;
}

double sp_dense_dot(const double *a, const double *b, long n)
{
    double s = 0.0;
    for (long i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}
