/* sp_pdyn: dynamic spatial panels (quasi-ML on periods 2..T through sp_pfe,
 * the Yu-de Jong-Lee / Lee-Yu bias correction, stationarity, short- and
 * long-run effects); sp_pdyn.h has the formulas.  The bias terms are sums
 * over the eigenvalues of W when the spatial operations have them (dense),
 * else exact column-by-column solves. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_dense.h"
#include "sp_error.h"
#include "sp_pdyn.h"
#include "sp_punbal.h"

int sp_pdyn_parse(const char *name, int *lags)
{
    if (strcmp(name, "time") == 0)
        *lags = SP_PDYN_TAU;
    else if (strcmp(name, "spacetime") == 0)
        *lags = SP_PDYN_ETA;
    else if (strcmp(name, "both") == 0)
        *lags = SP_PDYN_TAU | SP_PDYN_ETA;
    else
        return sp_error_set(SP_EUSAGE, "--dynamic: expected time, spacetime or both, got '%s'",
                            name);
    return SP_OK;
}

const char *sp_pdyn_name(int lags)
{
    return lags == SP_PDYN_TAU ? "time" : lags == SP_PDYN_ETA ? "spacetime" : "both";
}

const char *sp_pdyn_bc_name(sp_pdyn_bc bc)
{
    return bc == SP_PDYN_BC_YDJL ? "yu-de-jong-lee-2008"
         : bc == SP_PDYN_BC_LEEYU ? "lee-yu-2010" : "none";
}

void sp_pdyn_result_free(sp_pdyn_result *r)
{
    if (!r)
        return;
    sp_pfe_result_free(r->fit);
    free(r);
}

/* ---- the bias terms ---- */

/* x = (I - c W)^-1 b * scale for a block of nb columns (n each). */
static int solve_block(const sp_pops *ops, double c, double scale, const double *b, double *x,
                       int n, int nb)
{
    for (int j = 0; j < nb; j++) {
        const double *bj = b + (long)j * n;
        double *xj = x + (long)j * n;
        int rc = c == 0.0 ? (memcpy(xj, bj, (size_t)n * sizeof *xj), SP_OK)
                          : ops->solve(ops->ctx, c, bj, xj);
        if (rc)
            return rc;
        for (int i = 0; scale != 1.0 && i < n; i++)
            xj[i] *= scale;
    }
    return SP_OK;
}

/* (W v)_i: row i of W times v. */
static double wrow(const sp_csr *W, int i, const double *v)
{
    double s = 0.0;
    for (int q = W->p[i]; q < W->p[i + 1]; q++)
        s += W->x[q] * v[W->j[q]];
    return s;
}

/* The five products M e for the columns e of E (nb columns): C e, W C e,
 * S^-1 C e, S^-1 W C e, S^-1 e, into out (5 blocks of nb columns). */
static int products(const sp_pops *ops, const sp_csr *W, double tau, double rho, double eta,
                    const double *E, int n, int nb, double *out)
{
    long blk = (long)n * nb;
    double *c = out, *wc = out + blk, *p = out + 2 * blk, *q = out + 3 * blk, *g = out + 4 * blk;
    int rc = solve_block(ops, (rho + eta) / (1.0 - tau), 1.0 / (1.0 - tau), E, c, n, nb);
    for (int j = 0; !rc && j < nb; j++)
        sp_csr_matvec(W, c + (long)j * n, wc + (long)j * n);
    if (!rc)
        rc = solve_block(ops, rho, 1.0, c, p, n, nb);
    if (!rc)
        rc = solve_block(ops, rho, 1.0, wc, q, n, nb);
    if (!rc)
        rc = solve_block(ops, rho, 1.0, E, g, n, nb);
    return rc;
}

/* The five traces over the eigenvalues w of W (tr f(W) = sum f(w), exact
 * for any W): C = 1/((1 - tau) - (rho + eta) w), S^-1 = 1/(1 - rho w). */
static void eigen_traces(const sp_pops *ops, int n, double tau, double rho, double eta,
                         double tr[5])
{
    for (int i = 0; i < n; i++) {
        double complex w = ops->eig_re[i] + I * ops->eig_im[i];
        double complex c = 1.0 / ((1.0 - tau) - (rho + eta) * w), si = 1.0 / (1.0 - rho * w);
        tr[0] += creal(c), tr[1] += creal(w * c), tr[2] += creal(w * si * c);
        tr[3] += creal(w * w * si * c), tr[4] += creal(w * si);
    }
}

/* 1 when every row of W sums to 1 (then W 1 = 1 and 1'f(W)1/n = f(1)). */
static int row_stochastic(const sp_csr *W)
{
    for (int i = 0; i < W->nrow; i++) {
        double s = 0.0;
        for (int q = W->p[i]; q < W->p[i + 1]; q++)
            s += W->x[q];
        if (fabs(s - 1.0) > 1e-12)
            return 0;
    }
    return 1;
}

#define TRACE_BLOCK 64
#define TRACE_WHOLE 1500 /* up to here all columns at once (two factorisations in all) */

int sp_pdyn_traces(const sp_pops *ops, const sp_csr *W, double tau, double rho, double eta,
                   int jn, double out[6])
{
    int n = W->nrow, eig = ops->eig_re != NULL, stoch = row_stochastic(W);
    int nb = eig ? (stoch ? 0 : 1) : n <= TRACE_WHOLE ? n : TRACE_BLOCK;
    long blk = (long)n * (nb > 0 ? nb : 1);
    double *E = sp_calloc((size_t)blk, sizeof *E), *M = sp_malloc((size_t)blk * 5 * sizeof *M);
    double tr[5] = {0}, one[5] = {0};
    int rc = E && M ? SP_OK : SP_ENOMEM;
    if (!(fabs(1.0 - tau) > 0.0))
        rc = sp_error_set(SP_ENUMERIC, "bias correction: tau = 1 (a unit root)");
    if (!rc && eig)
        eigen_traces(ops, n, tau, rho, eta, tr);
    for (int j0 = 0; !rc && !eig && j0 < n; j0 += nb) {
        int m = j0 + nb <= n ? nb : n - j0;
        memset(E, 0, (size_t)blk * sizeof *E);
        for (int j = 0; j < m; j++)
            E[(long)j * n + j0 + j] = 1.0;
        rc = products(ops, W, tau, rho, eta, E, n, m, M);
        for (int j = 0; !rc && j < m; j++) {
            long col = (long)j * n;
            int i = j0 + j;
            tr[0] += M[col + i];                       /* C */
            tr[1] += M[blk + col + i];                 /* W C */
            tr[2] += wrow(W, i, M + 2 * blk + col);    /* W S^-1 C = G C */
            tr[3] += wrow(W, i, M + 3 * blk + col);    /* G W C */
            tr[4] += wrow(W, i, M + 4 * blk + col);    /* G */
        }
    }
    /* 1'M1 for J = I - 11'/n and for 1'G1: f(1) n when W 1 = 1, else solves */
    if (!rc && stoch) {
        double c = 1.0 / ((1.0 - tau) - (rho + eta)), si = 1.0 / (1.0 - rho);
        double f1[5] = {c, c, si * c, si * c, si};
        for (int a = 0; a < 5; a++)
            one[a] = n * f1[a];
    }
    for (int i = 0; !rc && !stoch && i < n; i++)
        E[i] = 1.0;
    if (!rc && !stoch)
        rc = products(ops, W, tau, rho, eta, E, n, 1, M);
    for (int i = 0; !rc && !stoch && i < n; i++) {
        one[0] += M[i], one[1] += M[n + i];
        one[2] += wrow(W, i, M + 2 * n), one[3] += wrow(W, i, M + 3 * n);
        one[4] += wrow(W, i, M + 4 * n);
    }
    for (int a = 0; !rc && a < 5; a++)
        out[a] = (tr[a] - (jn ? one[a] / n : 0.0)) / n;
    if (!rc)
        out[5] = one[4] / n;
    for (int a = 0; !rc && a < 6; a++)
        if (!isfinite(out[a]))
            rc = sp_error_set(SP_ENUMERIC, "bias correction: a trace term is not finite "
                                           "(tau %g, rho %g, eta %g)", tau, rho, eta);
    free(E), free(M);
    return rc;
}

/* ---- the correction (an sp_pfe_correct_fn) ---- */

typedef struct bc_ctx {
    const sp_pops *ops;
    const sp_csr *W;
    sp_fe fe;
    int itau, ieta; /* in theta */
    int n, t;       /* units, periods used */
} bc_ctx;

/* theta += info^-1 (n b1 + T' b2) (sp_pdyn.h). */
static int correct(void *ctx, const sp_pfe_result *r, const double *info, double *theta)
{
    const bc_ctx *c = ctx;
    int p = r->p, ir = sp_pfe_irho(r), unit = sp_fe_has_unit(c->fe), time = sp_fe_has_time(c->fe);
    double tau = c->itau >= 0 ? theta[c->itau] : 0.0, eta = c->ieta >= 0 ? theta[c->ieta] : 0.0;
    double rho = ir >= 0 ? theta[ir] : 0.0, s2 = theta[p - 1], tr[6];
    double *a = sp_calloc((size_t)p, sizeof *a), *V = sp_malloc((size_t)p * p * sizeof *V);
    int rc = a && V ? SP_OK : SP_ENOMEM;
    if (!rc)
        rc = sp_pdyn_traces(c->ops, c->W, tau, rho, eta, time, tr);
    if (!rc && unit) {
        if (c->itau >= 0)
            a[c->itau] += c->n * tr[0];
        if (c->ieta >= 0)
            a[c->ieta] += c->n * tr[1];
        if (ir >= 0)
            a[ir] += c->n * (tau * tr[2] + eta * tr[3] + tr[4]);
        a[p - 1] += c->n / (2.0 * s2);
    }
    if (!rc && time) {
        if (ir >= 0)
            a[ir] += c->t * tr[5];
        a[p - 1] += c->t / (2.0 * s2);
    }
    if (!rc) {
        memcpy(V, info, (size_t)p * p * sizeof *V);
        rc = sp_dense_invert(V, p, "bias correction");
    }
    for (int i = 0; !rc && i < p; i++)
        theta[i] += sp_dense_dot(V + (long)i * p, a, p);
    free(a), free(V);
    return rc;
}

/* ---- stationarity ---- */

static sp_pdyn_stab stability(const sp_pdyn_result *r, const double *theta)
{
    const sp_pfe_result *f = r->fit;
    double tau = r->itau >= 0 ? theta[r->itau] : 0.0, eta = r->ieta >= 0 ? theta[r->ieta] : 0.0;
    double rho = f->has_rho ? theta[sp_pfe_irho(f)] : 0.0;
    sp_pdyn_stab s = {tau + rho + eta, 0.0, 0};
    double w[2] = {r->wmin, r->wmax};
    for (int a = 0; a < 2; a++) {
        double d = 1.0 - rho * w[a];
        double v = d > 0.0 ? fabs((tau + eta * w[a]) / d) : INFINITY;
        if (!(v <= s.root))
            s.root = v;
    }
    s.stationary = s.root < 1.0 && tau < 1.0;
    return s;
}

/* ---- the fit ---- */

/* The static model sp_pfe fits on the expanded regressors: W X is passed as
 * regressors, so the Durbin models become their non-Durbin counterparts. */
static sp_pmodel static_model(sp_pmodel m)
{
    return m == SP_PM_SDM ? SP_PM_SAR : m == SP_PM_SDEM ? SP_PM_SEM : m == SP_PM_SLX ? SP_PM_OLS : m;
}

/* The names of [y_{t-1}] [W y_{t-1}] X [W X] into names (k + 1 slots, zeroed). */
static int lag_names(const char *yname, int tau, int eta, int k0, const char *const *xnames,
                     int durbin, char **names)
{
    int j = 0;
    size_t len = strlen(yname) + 16;
    if (tau && ((names[j++] = sp_malloc(len))))
        snprintf(names[j - 1], len, "%s(t-1)", yname);
    if (eta && ((names[j++] = sp_malloc(len))))
        snprintf(names[j - 1], len, "W*%s(t-1)", yname);
    for (int v = 0; v < k0; v++, j++)
        names[j] = sp_strdup(xnames[v]);
    for (int v = 0; durbin && v < k0; v++, j++) {
        size_t l = strlen(xnames[v]) + 3;
        if ((names[j] = sp_malloc(l)))
            snprintf(names[j], l, "W*%s", xnames[v]);
    }
    for (int q = 0; q < j; q++)
        if (!names[q])
            return SP_ENOMEM;
    return SP_OK;
}

/* Regressors for periods 2..t: [y_{t-1}] [W y_{t-1}] X [W X], with names. */
static int build(int n, int t, const double *y, const char *yname, int k0, const double *X,
                 const char *const *xnames, const sp_csr *W, const sp_pdyn_opts *o, double **Z,
                 char ***names, int *kz)
{
    long n1 = (long)n * (t - 1), nt = (long)n * t;
    int durbin = sp_pmodel_durbin(o->model), tau = !!(o->lags & SP_PDYN_TAU);
    int eta = !!(o->lags & SP_PDYN_ETA);
    int k = tau + eta + k0 * (1 + durbin);
    *kz = k;
    *Z = sp_malloc((size_t)(k * n1 + n1) * sizeof **Z);
    *names = sp_calloc((size_t)k + 1, sizeof **names);
    if (!*Z || !*names)
        return SP_ENOMEM;
    double *z = *Z;
    int j = 0;
    if (tau)
        memcpy(z + j++ * n1, y, (size_t)n1 * sizeof *z);
    if (eta)
        sp_within_lag(W, y, n, t - 1, z + j++ * n1);
    for (int v = 0; v < k0; v++, j++)
        memcpy(z + j * n1, X + v * nt + n, (size_t)n1 * sizeof *z);
    for (int v = 0; durbin && v < k0; v++, j++)
        sp_within_lag(W, X + v * nt + n, n, t - 1, z + j * n1);
    return lag_names(yname, tau, eta, k0, xnames, durbin, *names);
}

static void free_names(char **names, int k)
{
    if (names)
        for (int j = 0; j < k; j++)
            free(names[j]);
    free(names);
}

/* Why the correction does not apply (NULL when it does). */
static const char *bc_skip(const sp_pdyn_opts *o)
{
    if (!o->bias_correct)
        return "off (--no-bias-correction)";
    if (o->fe == SP_FE_NONE)
        return "not applicable (no fixed effects)";
    if (sp_pmodel_has_lambda(o->model))
        return "not defined for models with a spatial error (Yu, de Jong & Lee 2008 cover sar "
               "and sdm): uncorrected";
    return NULL;
}

/* The fitted model's name and stationarity at both estimates; a
 * non-stationary reported estimate is SP_ENUMERIC. */
static int finish(sp_pdyn_result *r, const sp_pdyn_opts *o)
{
    r->fit->model = o->model;
    r->stab = stability(r, r->fit->theta);
    r->stab_ml = stability(r, r->fit->theta_ml);
    if (r->stab.stationary)
        return SP_OK;
    return sp_error_set(SP_ENUMERIC,
                        "the %sestimates are not stationary: tau + rho + eta = %.4g, "
                        "largest root |(tau + eta w)/(1 - rho w)| = %.4g >= 1 (Elhorst 2012)%s",
                        r->bc ? "bias-corrected " : "", r->stab.sum, r->stab.root,
                        r->bc && r->stab_ml.stationary
                            ? "; the uncorrected estimates are stationary "
                              "(--no-bias-correction)"
                            : ": an explosive process, not a dynamic spatial panel");
}

int sp_pdyn_fit(int n, int t, const double *y, const char *yname, int k0, const double *X,
                const char *const *xnames, const sp_csr *W, const sp_pops *ops,
                const sp_pdyn_opts *o, sp_pdyn_result **out)
{
    *out = NULL;
    if (t < 3)
        return sp_error_set(SP_EDATA, "a dynamic panel needs at least three periods (the first "
                                      "is lost to y(t-1)); got %d", t);
    if (!o->lags)
        return sp_error_set(SP_EUSAGE, "dynamic panel without a lag of y");
    double *Z = NULL;
    char **names = NULL;
    int kz = 0, pooled = o->fe == SP_FE_NONE;
    sp_pdyn_result *r = sp_calloc(1, sizeof *r);
    int rc = r ? build(n, t, y, yname, k0, X, xnames, W, o, &Z, &names, &kz) : SP_ENOMEM;
    bc_ctx c = {ops, W, o->fe, -1, -1, n, t - 1};
    if (!rc) {
        int j = pooled;
        r->itau = o->lags & SP_PDYN_TAU ? j++ : -1;
        r->ieta = o->lags & SP_PDYN_ETA ? j++ : -1;
        c.itau = r->itau, c.ieta = r->ieta;
        r->bc_note = bc_skip(o);
        r->bc = r->bc_note ? SP_PDYN_BC_NONE
              : o->fe == SP_FE_UNIT ? SP_PDYN_BC_YDJL : SP_PDYN_BC_LEEYU;
        r->wmin = 1.0 / ops->lo, r->wmax = 1.0 / ops->hi;
        sp_pfe_opts po = {.model = static_model(o->model), .fe = o->fe, .leeyu = SP_LY_NONE,
                          .vcov = o->vcov, .correct = r->bc ? correct : NULL, .correct_ctx = &c};
        rc = sp_pfe_fit(n, t - 1, y + n, kz, Z, (const char *const *)names, W, ops, &po, &r->fit);
    }
    if (!rc)
        rc = finish(r, o);
    free(Z);
    free_names(names, kz);
    if (rc) {
        sp_pdyn_result_free(r);
        return rc;
    }
    *out = r;
    return SP_OK;
}

/* ---- unbalanced panels and a W per period ---- */

/* 1 when s is a whole number (strtod takes all of it) into *x. */
static int label_number(const char *s, double *x)
{
    char *end;
    *x = strtod(s, &end);
    return *s && end != s && *end == '\0' && isfinite(*x);
}

int sp_pdyn_gaps(int t, const char *const *periods, unsigned char *gap, double *step)
{
    memset(gap, 0, (size_t)t);
    *step = 0.0;
    double prev = 0.0, x = 0.0, d = INFINITY;
    for (int s = 0; s < t; s++, prev = x) {
        if (!label_number(periods[s], &x))
            return 0;
        if (s > 0)
            d = fmin(d, x - prev);
    }
    if (t > 1 && !(d > 0.0)) /* two labels of the same number (2010, 2010.0): not a time */
        return 0;
    *step = t > 1 ? d : 1.0;
    for (int s = 1; s < t; s++) { /* more than a step (half a step of slack) after s - 1 */
        double a = 0.0, b = 0.0;
        label_number(periods[s - 1], &a);
        label_number(periods[s], &b);
        gap[s] = b - a > 1.5 * *step;
    }
    return 1;
}

/* The sample's periods: the periods 2..t that do not follow a gap, into
 * period_of (*t2 of them). */
static int sample_periods(int t, const unsigned char *gap, int **period_of, int *t2)
{
    *t2 = 0;
    if (!(*period_of = sp_malloc((size_t)t * sizeof **period_of)))
        return SP_ENOMEM;
    for (int s = 1; s < t; s++)
        if (!gap || !gap[s])
            (*period_of)[(*t2)++] = s;
    return SP_OK;
}

int sp_pdyn_present(int n, int t, const unsigned char *present, const unsigned char *gap,
                    const char *const *units, const char *const *periods, sp_fe fe,
                    unsigned char **out, int *t2, int **period_of, long *dropped)
{
    *out = NULL;
    *dropped = 0;
    for (int s = 1; gap && s < t; s++) /* every unit of a period after a gap: no y(t-1) */
        for (int i = 0; gap[s] && i < n; i++)
            *dropped += present[(long)s * n + i] != 0;
    int rc = sample_periods(t, gap, period_of, t2);
    unsigned char *p2 = rc ? NULL : sp_calloc((size_t)n * *t2 + 1, 1);
    int *count = sp_calloc((size_t)n + 1, sizeof *count);
    rc = p2 && count ? SP_OK : SP_ENOMEM;
    for (int s2 = 0; !rc && s2 < *t2; s2++) {
        int m = 0, s = (*period_of)[s2];
        for (int i = 0; i < n; i++) {
            long c = (long)s * n + i;
            p2[(long)s2 * n + i] = present[c] && present[c - n];
            *dropped += present[c] && !present[c - n];
            m += p2[(long)s2 * n + i], count[i] += p2[(long)s2 * n + i];
        }
        if (!m)
            rc = sp_error_set(SP_EDATA, "dynamic panel: no unit is observed in period %s and the "
                              "period before (%s): nothing to estimate there",
                              periods[s], periods[s - 1]);
    }
    if (!rc && *t2 == 0)
        rc = sp_error_set(SP_EDATA, "dynamic panel: every period follows a gap: nothing to "
                                    "estimate");
    for (int i = 0; !rc && i < n && sp_fe_has_unit(fe); i++)
        if (count[i] == 1)
            rc = sp_error_set(SP_EDATA, "unit %s has only one period observed together with the "
                              "period before (y(t-1)): its unit effect absorbs it (drop it or "
                              "use --fe time)", units[i]);
    free(count);
    if (rc) {
        free(p2), free(*period_of);
        *period_of = NULL;
        return rc;
    }
    *out = p2;
    return SP_OK;
}

/* The stacked data of u2's observations: y, then the columns of Z
 * ([y_{t-1}] [W_{t-1} y_{t-1}] X [W2 X]); at is u's observation of (unit,
 * period) or -1, wy = W_bd y over u's observations. */
static void unbalanced_design(const sp_punbal *u, const double *v, const int *at,
                              const double *wy, const sp_punbal *u2, const int *period_of,
                              const sp_csr *W2, int k0, int tau, int eta, int durbin, double *y2,
                              double *Z)
{
    long m = u2->nobs, nobs = u->nobs;
    for (long ob = 0; ob < m; ob++) {
        int i = u2->unit[ob], s = period_of[u2->period[ob]]; /* its lag: period s - 1 */
        long cur = at[(long)s * u->n + i], prev = at[(long)(s - 1) * u->n + i];
        int j = 0;
        y2[ob] = v[cur];
        if (tau)
            Z[j++ * m + ob] = v[prev];
        if (eta)
            Z[j++ * m + ob] = wy[prev];
        for (int q = 0; q < k0; q++)
            Z[(j + q) * m + ob] = v[(1 + q) * nobs + cur];
    }
    int first = tau + eta;
    for (int q = 0; durbin && q < k0; q++)
        sp_csr_matvec(W2, Z + (long)(first + q) * m, Z + (long)(first + k0 + q) * m);
}

int sp_pdyn_fit_unbalanced(const sp_punbal *u, const double *v, const sp_csr *Wlag,
                           const sp_punbal *u2, const int *period_of, const sp_csr *W2,
                           const sp_pops *ops,
                           const char *yname, int k0, const char *const *xnames,
                           const sp_pdyn_opts *o, sp_pdyn_result **out)
{
    *out = NULL;
    if (!o->lags)
        return sp_error_set(SP_EUSAGE, "dynamic panel without a lag of y");
    int durbin = sp_pmodel_durbin(o->model), tau = !!(o->lags & SP_PDYN_TAU);
    int eta = !!(o->lags & SP_PDYN_ETA), k = tau + eta + k0 * (1 + durbin);
    long m = u2->nobs, nt = (long)u->n * u->t;
    sp_pdyn_result *r = sp_calloc(1, sizeof *r);
    int *at = sp_malloc((size_t)nt * sizeof *at);
    double *wy = sp_malloc((size_t)u->nobs * sizeof *wy + 1);
    double *y2 = sp_malloc((size_t)m * sizeof *y2 + 1);
    double *Z = sp_malloc((size_t)k * m * sizeof *Z + 1);
    char **names = sp_calloc((size_t)k + 1, sizeof *names);
    int rc = r && at && wy && y2 && Z && names ? SP_OK : SP_ENOMEM;
    if (!rc) {
        for (long c = 0; c < nt; c++)
            at[c] = -1;
        for (long ob = 0; ob < u->nobs; ob++)
            at[(long)u->period[ob] * u->n + u->unit[ob]] = (int)ob;
        sp_csr_matvec(Wlag, v, wy); /* each period's spatial lag over its own units */
        unbalanced_design(u, v, at, wy, u2, period_of, W2, k0, tau, eta, durbin, y2, Z);
        rc = lag_names(yname, tau, eta, k0, xnames, durbin, names);
    }
    if (!rc) {
        int j = o->fe == SP_FE_NONE;
        r->itau = tau ? j++ : -1;
        r->ieta = eta ? j++ : -1;
        r->bc = SP_PDYN_BC_NONE;
        r->bc_note = !o->bias_correct ? "off (--no-bias-correction)"
                   : "not defined for an unbalanced panel or a weights matrix per period (the "
                     "Yu-de Jong-Lee and Lee-Yu formulas assume a balanced panel and one W): "
                     "uncorrected";
        r->wmin = 1.0 / ops->lo, r->wmax = 1.0 / ops->hi;
        sp_pfe_opts po = {.model = static_model(o->model), .fe = o->fe, .leeyu = SP_LY_NONE,
                          .vcov = o->vcov, .within = sp_punbal_within,
                          .within_ctx = (void *)u2};
        rc = sp_pfe_fit((int)m, 1, y2, k, Z, (const char *const *)names, W2, ops, &po, &r->fit);
    }
    if (!rc)
        rc = finish(r, o);
    free(at), free(wy), free(y2), free(Z);
    free_names(names, k);
    if (rc) {
        sp_pdyn_result_free(r);
        return rc;
    }
    *out = r;
    return SP_OK;
}

/* ---- effects ---- */

int sp_pdyn_effects(const sp_pops *ops, const sp_pdyn_result *r, int longrun, int draws,
                    uint64_t seed, sp_peff **out)
{
    const sp_pfe_result *f = r->fit;
    *out = NULL;
    if (f->model == SP_PM_OLS || f->model == SP_PM_SEM)
        return sp_error_set(SP_EUSAGE, "a %s model has no spillovers: its coefficients are the "
                                       "direct effects", sp_pmodel_name(f->model));
    int pooled = f->fe == SP_FE_NONE, durbin = sp_pmodel_durbin(f->model);
    int first = pooled + (r->itau >= 0) + (r->ieta >= 0);
    int k0 = durbin ? (f->k - first) / 2 : f->k - first;
    int *ib = sp_malloc((size_t)(k0 + 1) * sizeof *ib), *it = sp_malloc((size_t)(k0 + 1) * sizeof *it);
    const char **names = sp_malloc((size_t)(k0 + 1) * sizeof *names);
    int rc = ib && it && names ? SP_OK : SP_ENOMEM;
    for (int j = 0; !rc && j < k0; j++) {
        ib[j] = first + j;
        it[j] = durbin ? first + k0 + j : -1;
        names[j] = f->names[first + j];
    }
    sp_peff_spec s = {.nvar = k0, .ib = ib, .it = it, .names = names,
                      .irho = f->has_rho ? sp_pfe_irho(f) : -1, .p = f->p, .theta = f->theta,
                      .cov = f->cov, .draws = draws, .seed = seed, .longrun = longrun,
                      .itau = r->itau, .ieta = r->ieta};
    if (!rc)
        rc = sp_peff_compute(ops, &s, out);
    free(ib), free(it), free(names);
    return rc;
}
