/* Monte Carlo recovery for the cross-section SDM on the China cities queen
 * graph (367 units, tests/fixtures/weights), data simulated from known
 * parameters; and the sparse (CHOLMOD) path against the dense one. */
#include <stdlib.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_pfe.h"
#include "sp_rng.h"
#include "sp_pops_sparse.h"
#include "sp_wio.h"

#define RHO 0.5

/* y = (I - rho W)^-1 (1 + x1 - 0.6 x2 + 0.4 W x1 + 0.2 W x2 + 0.8 e). */
static void simulate(const sp_csr *W, const sp_pops *ops, uint64_t seed, double *y, double *X)
{
    int n = W->nrow;
    sp_rng r;
    sp_rng_init(&r, seed, 0, 0);
    double *wx = malloc(2 * sizeof(double) * n), *b = malloc(sizeof(double) * n);
    for (int i = 0; i < n; i++) {
        X[i] = sp_rng_normal(&r);
        X[n + i] = sp_rng_normal(&r);
    }
    sp_csr_matvec(W, X, wx);
    sp_csr_matvec(W, X + n, wx + n);
    for (int i = 0; i < n; i++)
        b[i] = 1.0 + X[i] - 0.6 * X[n + i] + 0.4 * wx[i] + 0.2 * wx[n + i] + 0.8 * sp_rng_normal(&r);
    ops->solve(ops->ctx, RHO, b, y);
    free(wx);
    free(b);
}

static void test_recovery_cities(void)
{
    sp_weights *W = NULL;
    CHECK_INT(sp_wio_read(TH_FIXTURES "/weights/china_cities_queen.gal", &W), SP_OK);
    if (!W)
        return;
    sp_weights_standardize(W, SP_STD_ROW);
    int n = W->n, reps = 100, ok = 0;
    sp_pops dense, sparse;
    CHECK_INT(sp_pops_dense(W->w, &dense), SP_OK);
    CHECK_INT(sp_pops_sparse_new(W->w, NULL, &sparse), SP_OK);
    double *y = malloc(sizeof(double) * n), *X = malloc(2 * sizeof(double) * n);
    const char *names[] = {"x1", "x2"};
    sp_pfe_opts o = {.model = SP_PM_SDM, .fe = SP_FE_NONE, .leeyu = SP_LY_NONE, .vcov = SP_VCOV_INFO,
                     .sigma = SP_SIGMA_ML};
    double mean[6] = {0}, worst_rho = 0, worst_se = 0;
    for (int rep = 0; rep < reps; rep++) {
        simulate(W->w, &dense, 500 + rep, y, X);
        sp_pfe_result *a = NULL, *b = NULL;
        if (sp_pfe_fit(n, 1, y, 2, X, names, W->w, &dense, &o, &a) == SP_OK &&
            sp_pfe_fit(n, 1, y, 2, X, names, W->w, &sparse, &o, &b) == SP_OK) {
            int irho = sp_pfe_irho(a);
            for (int k = 0; k < 5; k++)
                mean[k] += a->theta[k];
            mean[5] += a->theta[irho];
            worst_rho = fmax(worst_rho, fabs(a->theta[irho] - b->theta[irho]));
            double se_a = sqrt(a->cov[irho * a->p + irho]), se_b = sqrt(b->cov[irho * b->p + irho]);
            worst_se = fmax(worst_se, fabs(se_a - se_b) / se_a);
            ok++;
        }
        sp_pfe_result_free(a);
        sp_pfe_result_free(b);
    }
    CHECK_INT(ok, reps);
    for (int k = 0; k < 6; k++)
        mean[k] /= ok;
    fprintf(stderr, "  cities SDM, %d reps: const %.4f x1 %.4f x2 %.4f Wx1 %.4f Wx2 %.4f rho %.4f "
                    "(true 1, 1, -0.6, 0.4, 0.2, 0.5); sparse vs dense: rho %.1e, se(rho) %.3f\n",
            reps, mean[0], mean[1], mean[2], mean[3], mean[4], mean[5], worst_rho, worst_se);
    CHECK_ABS(mean[1], 1.0, 0.02);
    CHECK_ABS(mean[2], -0.6, 0.02);
    CHECK_ABS(mean[3], 0.4, 0.05);
    CHECK_ABS(mean[4], 0.2, 0.05);
    CHECK_ABS(mean[5], RHO, 0.03);
    CHECK(worst_rho < 1e-6); /* both log-determinants are exact */
    CHECK(worst_se < 0.10);  /* stochastic trace terms */
    free(y);
    free(X);
    sp_pops_dense_free(&dense);
    sp_pops_sparse_free(&sparse);
    sp_weights_free(W);
}

int main(void)
{
    RUN(test_recovery_cities);
    return th_report("t_fit_mc");
}
