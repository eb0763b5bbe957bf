/* sp_leeyu: the Lee-Yu bias corrections of fixed-effects ML estimates (Elhorst's and Lee & Yu's conventions). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "sp_error.h"
#include "sp_leeyu.h"

int sp_leeyu_parse(const char *name, sp_leeyu *out)
{
    if (strcmp(name, "elhorst") == 0)
        *out = SP_LY_ELHORST;
    else if (strcmp(name, "leeyu") == 0 || strcmp(name, "lee-yu") == 0)
        *out = SP_LY_LEEYU;
    else if (strcmp(name, "none") == 0)
        *out = SP_LY_NONE;
    else
        return sp_error_set(SP_EUSAGE, "unknown Lee-Yu convention '%s' (elhorst, leeyu, none)",
                            name);
    return SP_OK;
}

const char *sp_leeyu_name(sp_leeyu conv)
{
    switch (conv) {
    case SP_LY_ELHORST: return "elhorst";
    case SP_LY_LEEYU: return "leeyu";
    default: return "none";
    }
}

int sp_leeyu_applies(sp_leeyu conv, sp_fe fe) { return conv != SP_LY_NONE && fe != SP_FE_NONE; }

/* theta += (info / (n t))^-1 a / n. */
static int leeyu_full(int n, int t, int k, int m, const double *info, double *theta)
{
    int p = k + m + 1;
    if (!info)
        return sp_error_set(SP_EUSAGE, "sp_leeyu_correct: the information matrix is needed");
    double *a = sp_calloc((size_t)p, sizeof *a);
    double *h = sp_malloc((size_t)p * p * sizeof *h);
    gsl_permutation *perm = gsl_permutation_alloc((size_t)p);
    if (!a || !h || !perm) {
        free(a), free(h);
        if (perm)
            gsl_permutation_free(perm);
        return sp_error_set(SP_ENOMEM, "out of memory");
    }
    int rc = SP_OK;
    for (int j = 0; j < m && !rc; j++) {
        double psi = theta[k + j];
        if (!(psi < 1.0))
            rc = sp_error_set(SP_ENUMERIC, "Lee-Yu correction: spatial parameter %g is not below 1",
                              psi);
        a[k + j] = 1.0 / (1.0 - psi);
    }
    a[p - 1] = 1.0 / (2.0 * theta[p - 1]);
    double nt = (double)n * t;
    for (int i = 0; i < p * p; i++)
        h[i] = info[i] / nt;
    gsl_matrix_view H = gsl_matrix_view_array(h, (size_t)p, (size_t)p);
    gsl_vector_view av = gsl_vector_view_array(a, (size_t)p);
    int sign;
    if (!rc && (gsl_linalg_LU_decomp(&H.matrix, perm, &sign) ||
                gsl_linalg_LU_svx(&H.matrix, perm, &av.vector)))
        rc = sp_error_set(SP_ENUMERIC, "Lee-Yu correction: singular information matrix");
    for (int i = 0; !rc && i < p; i++) {
        if (!isfinite(a[i]))
            rc = sp_error_set(SP_ENUMERIC, "Lee-Yu correction: singular information matrix");
        theta[i] += a[i] / n;
    }
    if (!rc && !(theta[p - 1] > 0.0))
        rc = sp_error_set(SP_ENUMERIC, "Lee-Yu correction gives sigma2 = %g", theta[p - 1]);
    free(a), free(h);
    gsl_permutation_free(perm);
    return rc;
}

int sp_leeyu_correct(sp_leeyu conv, sp_fe fe, int n, int t, int k, int m, const double *info,
                     double *theta)
{
    int p = k + m + 1, rc = SP_OK;
    if (!sp_leeyu_applies(conv, fe))
        return SP_OK;
    if ((fe == SP_FE_TIME && n < 2) || (sp_fe_has_unit(fe) && t < 2))
        return sp_error_set(SP_EDATA, "Lee-Yu correction needs at least 2 %s",
                            fe == SP_FE_TIME ? "units" : "periods");
    double *copy = sp_malloc((size_t)p * sizeof *copy);
    if (!copy)
        return SP_ENOMEM;
    memcpy(copy, theta, (size_t)p * sizeof *copy);
    switch (fe) {
    case SP_FE_UNIT:
        copy[p - 1] *= (double)t / (t - 1);
        break;
    case SP_FE_TIME:
        if (conv == SP_LY_ELHORST)
            copy[p - 1] *= (double)n / (n - 1);
        else
            rc = leeyu_full(n, t, k, m, info, copy);
        break;
    default: /* twoway */
        rc = leeyu_full(n, t, k, m, info, copy);
        copy[p - 1] *= (double)t / (t - 1);
        break;
    }
    if (!rc)
        memcpy(theta, copy, (size_t)p * sizeof *copy);
    free(copy);
    return rc;
}
