/* sp_detector: factor, interaction, risk and ecological detectors of the
 * geographical detector (formulas in sp_detector.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

#include "sp_detector.h"
#include "sp_error.h"
#include "sp_sort.h"

/* I_x(a, b) without GSL's error handler (0 or 1 at the ends). */
static double beta_inc(double a, double b, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    gsl_sf_result r;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int st = gsl_sf_beta_inc_e(a, b, x, &r);
    gsl_set_error_handler(old);
    return st == GSL_SUCCESS ? r.val : NAN;
}

/* Poisson(mu) weight of j, from logs. */
static double pois(double mu, int j)
{
    if (mu == 0.0)
        return j == 0 ? 1.0 : 0.0;
    return exp(-mu + j * log(mu) - lgamma(j + 1.0));
}

/* Noncentral F upper tail as a Poisson mixture of incomplete beta functions. */
double sp_detector_ncf_upper(double f, double d1, double d2, double lambda)
{
    if (!(f > 0.0))
        return 1.0;
    if (isinf(f))
        return 0.0;
    double mu = lambda / 2.0, y = d2 / (d2 + d1 * f), sum = 0.0;
    int mode = (int)floor(mu);
    for (int j = mode; j >= 0; j--) {       /* down from the mode: w falls, I rises to <= 1 */
        double w = pois(mu, j);
        sum += w * beta_inc(d2 / 2.0, d1 / 2.0 + j, y);
        if (w < 1e-16 * fmax(sum, 1e-300))
            break;
    }
    for (int j = mode + 1; j < mode + 1000000; j++) { /* up: both w and I fall */
        double term = pois(mu, j) * beta_inc(d2 / 2.0, d1 / 2.0 + j, y);
        sum += term;
        if (term < 1e-16 * fmax(sum, 1e-300))
            break;
    }
    return sum < 1.0 ? sum : 1.0;
}

/* Stratum counts, sums and the within sum of squares (two passes). */
static int strata_moments(const double *y, int n, const int *h, int L, double *cnt, double *mean,
                          double *ssw)
{
    for (int c = 0; c < L; c++)
        cnt[c] = mean[c] = 0.0;
    for (int i = 0; i < n; i++) {
        if (h[i] < 0 || h[i] >= L)
            return sp_error_set(SP_EUSAGE, "unit %d: stratum %d outside 0..%d", i + 1, h[i],
                                L - 1);
        cnt[h[i]] += 1.0;
        mean[h[i]] += y[i];
    }
    for (int c = 0; c < L; c++) {
        if (cnt[c] == 0.0)
            return sp_error_set(SP_EUSAGE, "stratum %d has no unit", c + 1);
        mean[c] /= cnt[c];
    }
    *ssw = 0.0;
    for (int i = 0; i < n; i++)
        *ssw += (y[i] - mean[h[i]]) * (y[i] - mean[h[i]]);
    return SP_OK;
}

/* q, F, lambda and the noncentral-F p of one factor. */
int sp_detector_factor(const double *y, int n, const int *h, int L, sp_detector_q *out)
{
    memset(out, 0, sizeof *out);
    if (L < 2)
        return sp_error_set(SP_EDATA, "one stratum: the factor does not divide the units");
    if (n - L < 1)
        return sp_error_set(SP_EDATA, "%d strata for %d units: no residual degrees of freedom "
                                      "(N - L = %d)", L, n, n - L);
    double *cnt = sp_malloc((size_t)L * 2 * sizeof *cnt);
    if (!cnt)
        return SP_ENOMEM;
    double *mean = cnt + L, ybar = 0.0, sst = 0.0, ssw, a = 0.0, b = 0.0;
    int rc = strata_moments(y, n, h, L, cnt, mean, &ssw);
    for (int i = 0; i < n && !rc; i++)
        ybar += y[i] / n;
    for (int i = 0; i < n && !rc; i++)
        sst += (y[i] - ybar) * (y[i] - ybar);
    if (!rc && !(sst > 0.0))
        rc = sp_error_set(SP_EDATA, "the explained variable is constant (all %g)", y[0]);
    for (int c = 0; c < L && !rc; c++) {
        a += mean[c] * mean[c];                 /* sum_h ybar_h^2 */
        b += sqrt(cnt[c]) * mean[c];            /* sum_h sqrt(N_h) ybar_h */
    }
    free(cnt);
    if (rc)
        return rc;
    *out = (sp_detector_q){.n = n, .L = L, .ssw = ssw, .sst = sst, .df1 = L - 1, .df2 = n - L};
    out->q = 1.0 - ssw / sst;
    out->lambda = (a - b * b / n) / (sst / (n - 1));
    out->F = out->q < 1.0 ? (double)(n - L) / (L - 1) * out->q / (1.0 - out->q) : INFINITY;
    out->p = sp_detector_ncf_upper(out->F, L - 1, n - L, out->lambda);
    return SP_OK;
}

/* Codes renumbered 0..L-1 in increasing order through a look-up table. */
int sp_detector_compact(const int *c, int n, int *h, int *L, int *map)
{
    int top = -1;
    for (int i = 0; i < n; i++)
        if (c[i] > top)
            top = c[i];
    int *m = map ? map : sp_malloc(((size_t)top + 2) * sizeof *m);
    if (!m)
        return SP_ENOMEM;
    for (int v = 0; v <= top; v++)
        m[v] = -1;
    for (int i = 0; i < n; i++)
        m[c[i]] = 1;
    *L = 0;
    for (int v = 0; v <= top; v++)
        if (m[v] > 0)
            m[v] = (*L)++;
    for (int i = 0; i < n; i++)
        h[i] = m[c[i]];
    if (!map)
        free(m);
    return SP_OK;
}

/* The pair of strata as one 64-bit code a Lb + b, renumbered in code order by a
 * radix sort of (code, unit) (core/sp_sort.h): O(n) whatever La Lb is. */
int sp_detector_overlay(const int *a, int La, const int *b, int Lb, int n, int *h, int *L)
{
    uint64_t *key = sp_malloc((size_t)n * sizeof *key + 1);
    uint32_t *unit = sp_malloc((size_t)n * sizeof *unit + 1);
    int rc = key && unit ? SP_OK : SP_ENOMEM;
    for (int i = 0; i < n && !rc; i++) {
        key[i] = (uint64_t)a[i] * (uint64_t)Lb + (uint64_t)b[i];
        unit[i] = (uint32_t)i;
    }
    if (!rc)
        rc = sp_sort_u64(key, unit, (size_t)n);
    *L = 0;
    for (int i = 0; i < n && !rc; i++) {
        if (i == 0 || key[i] != key[i - 1])
            (*L)++;
        h[unit[i]] = *L - 1;
    }
    free(key);
    free(unit);
    (void)La;                      /* the codes need only Lb */
    return rc;
}

/* Wang & Xu's five interaction classes, tested in this order. */
sp_detector_interaction sp_detector_classify(double qa, double qb, double qab)
{
    double lo = fmin(qa, qb), hi = fmax(qa, qb), sum = qa + qb;
    if (qab < lo)
        return SP_DETECTOR_NONLINEAR_WEAKEN;
    if (qab < hi)
        return SP_DETECTOR_UNI_WEAKEN;
    if (fabs(qab - sum) <= 1e-12 * fmax(sum, 1e-300))
        return SP_DETECTOR_INDEPENDENT;
    return qab > sum ? SP_DETECTOR_NONLINEAR_ENHANCE : SP_DETECTOR_BI_ENHANCE;
}

/* The class's name. */
const char *sp_detector_interaction_name(sp_detector_interaction t)
{
    static const char *names[] = {"nonlinear weakening", "univariate weakening",
                                  "bivariate enhancement", "independent",
                                  "nonlinear enhancement"};
    return names[t];
}

/* Frees the risk detector's arrays. */
void sp_detector_risk_free(sp_detector_risk *r)
{
    free(r->mean);
    free(r->count);
    free(r->t);
    free(r->significant);
    memset(r, 0, sizeof *r);
}

/* Welch's test of strata a and b into pair slot k. */
static void welch(const sp_detector_risk *r, int a, int b, int k, double alpha)
{
    double na = r->count[a], nb = r->count[b];
    r->t[k] = r->df[k] = r->p[k] = NAN;
    r->significant[k] = 0;
    if (na < 2 || nb < 2)
        return;
    double va = r->var[a] / na, vb = r->var[b] / nb, se2 = va + vb;
    if (!(se2 > 0.0))
        return;
    double t = (r->mean[a] - r->mean[b]) / sqrt(se2);
    double df = se2 * se2 / (va * va / (na - 1) + vb * vb / (nb - 1));
    r->t[k] = t;
    r->df[k] = df;
    r->p[k] = 2.0 * gsl_cdf_tdist_Q(fabs(t), df);
    r->significant[k] = fabs(t) > gsl_cdf_tdist_Qinv(alpha / 2.0, round(df));
}

/* Stratum means and variances, then Welch's test of every pair. */
int sp_detector_risk_compute(const double *y, int n, const int *h, int L, double alpha,
                             sp_detector_risk *r)
{
    memset(r, 0, sizeof *r);
    r->L = L;
    r->npairs = L * (L - 1) / 2;
    r->mean = sp_malloc((size_t)L * 2 * sizeof *r->mean);
    r->count = sp_malloc((size_t)L * sizeof *r->count);
    r->t = sp_malloc(((size_t)r->npairs * 3 + 1) * sizeof *r->t);
    r->significant = sp_malloc((size_t)r->npairs + 1);
    double *cnt = sp_malloc((size_t)L * sizeof *cnt), ssw;
    int rc = r->mean && r->count && r->t && r->significant && cnt ? SP_OK : SP_ENOMEM;
    if (!rc) {
        r->var = r->mean + L;
        r->df = r->t + r->npairs;
        r->p = r->df + r->npairs;
        rc = strata_moments(y, n, h, L, cnt, r->mean, &ssw);
    }
    for (int c = 0; c < L && !rc; c++) {
        r->count[c] = (int)cnt[c];
        r->var[c] = 0.0;
    }
    for (int i = 0; i < n && !rc; i++)
        r->var[h[i]] += (y[i] - r->mean[h[i]]) * (y[i] - r->mean[h[i]]);
    for (int c = 0; c < L && !rc; c++)
        r->var[c] = cnt[c] > 1 ? r->var[c] / (cnt[c] - 1) : NAN;
    for (int a = 0, k = 0; a < L && !rc; a++)
        for (int b = a + 1; b < L; b++, k++)
            welch(r, a, b, k, alpha);
    free(cnt);
    if (rc)
        sp_detector_risk_free(r);
    return rc;
}

/* F of the within sums of squares with its two-sided p. */
void sp_detector_ecological(const sp_detector_q *a, const sp_detector_q *b, double alpha,
                            sp_detector_eco *out)
{
    double na = a->n, nb = b->n;
    out->df1 = a->n - 1;
    out->df2 = b->n - 1;
    out->F = b->ssw > 0.0 ? na * (nb - 1) * a->ssw / (nb * (na - 1) * b->ssw) : INFINITY;
    if (isinf(out->F)) {
        out->p = a->ssw > 0.0 ? 0.0 : NAN;
    } else {
        double lo = gsl_cdf_fdist_P(out->F, out->df1, out->df2);
        double hi = gsl_cdf_fdist_Q(out->F, out->df1, out->df2);
        out->p = fmin(1.0, 2.0 * fmin(lo, hi));
    }
    out->significant = out->p < alpha;
}

/* ---- optimal discretisation */

/* q of x cut by breaks b (k classes), or NaN when a class holds fewer than 2
 * units or two breaks coincide; rc for a failure other than that. */
static int candidate_q(const double *y, const double *x, int n, const double *b, int k,
                       int *cls, int *count, double *q)
{
    *q = NAN;
    for (int c = 1; c < k; c++)
        if (!(b[c] > b[c - 1]))
            return SP_OK;                          /* duplicated interval (GD: NA) */
    sp_classify_assign(x, n, b, k, cls);
    memset(count, 0, (size_t)k * sizeof *count);
    for (int i = 0; i < n; i++)
        count[cls[i]]++;
    for (int c = 0; c < k; c++)
        if (count[c] < 2)
            return SP_OK;                          /* fewer than 2 units (GD: NA) */
    sp_detector_q r;
    int rc = sp_detector_factor(y, n, cls, k, &r);
    if (!rc)
        *q = r.q;
    return rc;
}

/* Every (method, k) candidate; the admissible one with the largest q. */
int sp_detector_optimal(const double *y, const double *x, int n,
                        const sp_classify_method *methods, int nm, int kmin, int kmax,
                        sp_detector_opt *out, double *breaks, double *qs)
{
    if (kmin < 2 || kmax < kmin || nm < 1)
        return sp_error_set(SP_EUSAGE, "optimal discretisation needs 2 <= the fewest classes "
                                       "<= the most (got %d..%d) and a method", kmin, kmax);
    int *cls = sp_malloc((size_t)n * sizeof *cls + 1);
    int *count = sp_malloc((size_t)kmax * sizeof *count);
    double *b = sp_malloc((size_t)kmax * sizeof *b);
    int rc = cls && count && b ? SP_OK : SP_ENOMEM, nk = kmax - kmin + 1;
    out->k = 0;
    out->q = -1.0;
    for (int m = 0; m < nm && !rc; m++)
        for (int k = kmin; k <= kmax && !rc; k++) {
            double q = NAN;
            if (sp_classify_breaks(methods[m], x, n, k, b) == SP_OK)  /* cannot form: NA */
                rc = candidate_q(y, x, n, b, k, cls, count, &q);
            else
                sp_error_clear();
            if (qs)
                qs[m * nk + (k - kmin)] = q;
            if (!rc && q > out->q) {
                *out = (sp_detector_opt){methods[m], k, q};
                memcpy(breaks, b, (size_t)k * sizeof *b);
            }
        }
    if (!rc && !out->k)
        rc = sp_error_set(SP_EDATA, "no discretisation into %d..%d classes leaves at least 2 "
                                    "units in every class", kmin, kmax);
    free(cls), free(count), free(b);
    return rc;
}
