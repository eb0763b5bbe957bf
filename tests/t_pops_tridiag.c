/* Unit tests for core/sp_pops_tridiag: the operations from the tridiagonal form
 * (log-determinant and its curvature, interval, moments tr(W^k), traces of the
 * inverse, effects terms) against the dense eigenvalue implementation
 * (core/sp_pops.c), on the China cities' W with units removed (a period of an
 * unbalanced panel: several components and islands) and whole. */
#include <math.h>
#include <stdlib.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_pops_tridiag.h"
#include "sp_wio.h"

/* The cities' W without every unit whose number is a multiple of `drop`
 * (none when drop = 0), row-standardised on the units kept. */
static sp_csr *cities(int drop)
{
    sp_weights *W = NULL;
    sp_csr *out = NULL;
    if (sp_wio_read(TH_FIXTURES "/panel/cities.gal", &W) != SP_OK)
        return NULL;
    int n = W->n, m = 0, nnz = 0, *keep = malloc(n * sizeof *keep);
    for (int i = 0; i < n; i++)
        keep[i] = drop && i % drop == 0 ? -1 : m++;
    int *ti = malloc(W->w->p[n] * sizeof *ti), *tj = malloc(W->w->p[n] * sizeof *tj);
    double *tx = malloc(W->w->p[n] * sizeof *tx);
    for (int i = 0; i < n; i++) {
        int deg = 0;
        for (int q = W->w->p[i]; q < W->w->p[i + 1]; q++)
            deg += keep[i] >= 0 && keep[W->w->j[q]] >= 0;
        for (int q = W->w->p[i]; q < W->w->p[i + 1]; q++)
            if (keep[i] >= 0 && keep[W->w->j[q]] >= 0)
                ti[nnz] = keep[i], tj[nnz] = keep[W->w->j[q]], tx[nnz++] = 1.0 / deg;
    }
    sp_csr_from_triplets(m, m, nnz, ti, tj, tx, &out);
    free(keep), free(ti), free(tj), free(tx);
    sp_weights_free(W);
    return out;
}

static void compare(sp_csr *W, const char *what)
{
    sp_pops dense, tri;
    int ok = 0, n = W->nrow;
    CHECK_INT(sp_pops_dense(W, &dense), SP_OK);
    CHECK_INT(sp_pops_tridiag_new(W, &tri, &ok), SP_OK);
    CHECK(ok);
    printf("  %s: n = %d, interval (%.6f, %.6f)\n", what, n, tri.lo, tri.hi);
    CHECK_REL(tri.lo, dense.lo, 1e-13);
    CHECK_REL(tri.hi, dense.hi, 1e-13);
    double radius = 0.0;
    for (int i = 0; i < n; i++)
        radius = fmax(radius, fabs(dense.eig_re[i]));
    CHECK_REL(sp_pops_tridiag_radius(&tri), radius, 1e-13);
    double rhos[] = {0.9 * dense.lo, -0.3, 0.05, 0.26, 0.7, 0.99 * dense.hi};
    for (int r = 0; r < 6; r++) {
        double rho = rhos[r], td[4], tt[4], tr[2];
        CHECK_REL(tri.lndet(tri.ctx, rho), dense.lndet(dense.ctx, rho), 1e-11);
        CHECK_REL(tri.lndet_d2(tri.ctx, rho), dense.lndet_d2(dense.ctx, rho), 1e-10);
        CHECK_INT(dense.terms(dense.ctx, rho, td), SP_OK);
        CHECK_INT(tri.terms(tri.ctx, rho, tt), SP_OK);
        sp_pops_tridiag_traces(&tri, rho, tr);
        CHECK_REL(tr[0], td[0], 1e-12);
        CHECK_REL(tr[1], td[1], fabs(rho) < 0.1 ? 1e-10 : 1e-12); /* (tr A^-1 - n) / rho */
        for (int k = 0; k < 4; k++)
            CHECK_REL(tt[k], td[k], fabs(rho) < 0.1 ? 1e-10 : 1e-12);
    }
    int K = 60;
    double m[60];
    CHECK_INT(sp_pops_tridiag_moments(&tri, K, m), SP_OK);
    for (int k = 0; k < K; k++) { /* sum mu^k / n, |mu| <= 1: absolute 1e-13 */
        double s = 0.0;
        for (int i = 0; i < n; i++)
            s += pow(dense.eig_re[i], k);
        CHECK_ABS(m[k], s / n, 1e-13);
    }
    double m8[8];
    CHECK_INT(sp_pops_tridiag_moments(&tri, 8, m8), SP_OK); /* fewer: the ones kept */
    for (int k = 0; k < 8; k++)
        CHECK_ABS(m8[k], m[k], 0.0);
    sp_pops_tridiag_free(&tri);
    sp_pops_dense_free(&dense);
}

static void test_cities_periods(void)
{
    for (int drop = 0; drop <= 7; drop += 7) {
        sp_csr *W = cities(drop);
        CHECK(W != NULL);
        if (W)
            compare(W, drop ? "cities without every 7th unit" : "cities");
        sp_csr_free(W);
    }
    sp_csr *W = cities(3); /* falls apart into many components and islands */
    CHECK(W != NULL);
    if (W)
        compare(W, "cities without every 3rd unit");
    sp_csr_free(W);
}

/* A W not similar to a symmetric matrix, or not stochastic: no tridiagonal
 * operations (ok = 0), the caller keeps the dense ones. */
static void test_not_applicable(void)
{
    int ti[] = {0, 1, 1, 2}, tj[] = {1, 0, 2, 1};
    double tx[] = {1.0, 0.5, 0.5, 1.0}, ty[] = {2.0, 1.0, 1.0, 2.0};
    sp_csr *W = NULL, *B = NULL;
    sp_pops ops;
    int ok = 1;
    sp_csr_from_triplets(3, 3, 4, ti, tj, tx, &W);
    sp_csr_from_triplets(3, 3, 4, ti, tj, ty, &B);
    CHECK_INT(sp_pops_tridiag_new(W, &ops, &ok), SP_OK);
    CHECK(ok);
    sp_pops_tridiag_free(&ops);
    CHECK_INT(sp_pops_tridiag_new(B, &ops, &ok), SP_OK);
    CHECK(!ok);
    CHECK(ops.ctx == NULL);
    sp_csr_free(W), sp_csr_free(B);
}

int main(void)
{
    RUN(test_cities_periods);
    RUN(test_not_applicable);
    return th_report("t_pops_tridiag");
}
