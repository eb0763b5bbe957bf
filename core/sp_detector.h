/* sp_detector: the geographical detector (Wang et al. 2010; Wang, Zhang & Fu
 * 2016; Wang & Xu 2017), with the R package geodetector's formulas.
 *
 * y[0..n-1] is the explained variable; a factor X is given by each unit's
 * stratum h[i] in 0..L-1 (every stratum occupied; see sp_detector_compact).
 *   Factor detector:  q = 1 - SSW / SST, SSW = sum_h sum_{i in h} (y_i - ybar_h)^2,
 *                     SST = sum_i (y_i - ybar)^2.
 *                     F = (N - L) / (L - 1) * q / (1 - q) ~ noncentral
 *                     F(L - 1, N - L; lambda),
 *                     lambda = (sum_h ybar_h^2 - (sum_h sqrt(N_h) ybar_h)^2 / N) / s^2,
 *                     s^2 = SST / (N - 1) (geodetector factor_detector); p = P(F' > F).
 *                     A stratum with one unit counts (its SSW is 0), as geodetector.
 *   Interaction:      q of the overlay strata (every non-empty pair (h_a, h_b)),
 *                     classed against q_a, q_b (Wang & Xu 2017, table 1):
 *                       q_ab < min             nonlinear weakening
 *                       min <= q_ab < max      univariate weakening (min < q_ab)
 *                       q_ab = q_a + q_b       independent (to 1e-12 relative)
 *                       q_ab > q_a + q_b       nonlinear enhancement
 *                       otherwise (>= max)     bivariate enhancement
 *                     (geodetector tests q_ab <= min first and lets "bivariate
 *                     enhancement" overwrite "independent"; see docs).
 *   Risk detector:    stratum means; for each pair of strata with at least two
 *                     units each, Welch's t = (ybar_a - ybar_b) / sqrt(s_a^2/n_a +
 *                     s_b^2/n_b) with Welch-Satterthwaite df; p two-sided with that
 *                     df; significant as geodetector: |t| > t_{1-alpha/2}(round(df)).
 *                     Pairs with a one-unit stratum or a zero denominator are not
 *                     tested (t, df, p NaN, significant 0), as geodetector skips them.
 *   Ecological:       F = N_a (N_b - 1) SSW_a / (N_b (N_a - 1) SSW_b) = SSW_a / SSW_b
 *                     (N_a = N_b = N) ~ F(N - 1, N - 1) (Wang & Xu 2017); p
 *                     two-sided, significant when p < alpha.
 *
 * Ownership: outputs are caller-owned; sp_detector_risk fills a struct whose
 * arrays sp_detector_risk_free releases.  Errors (sp_error.h): SP_EDATA for a
 * constant y, one stratum, or N - L < 1 (no residual degrees of freedom);
 * SP_ENUMERIC never; SP_ENOMEM. */
#ifndef SP_DETECTOR_H
#define SP_DETECTOR_H

typedef struct sp_detector_q {
    int n, L;
    double q, F, lambda, p;   /* F = +inf when q = 1 (p = 0) */
    double ssw, sst;
    int df1, df2;
} sp_detector_q;

/* The factor detector of strata h (0..L-1, all occupied). */
int sp_detector_factor(const double *y, int n, const int *h, int L, sp_detector_q *out);

/* P(F' > f) for F' ~ noncentral F(d1, d2; lambda): the Poisson mixture
 * sum_j e^{-lambda/2} (lambda/2)^j / j! I_{d2/(d2 + d1 f)}(d2/2, d1/2 + j),
 * summed outwards from the Poisson mode to a relative 1e-15. */
double sp_detector_ncf_upper(double f, double d1, double d2, double lambda);

/* Renumber arbitrary stratum codes c[0..n-1] (>= 0) to 0..L-1 in increasing
 * code order, dropping unused codes; *L receives the count.  map (may be
 * NULL, room for max code + 1) receives the new number of each code or -1. */
int sp_detector_compact(const int *c, int n, int *h, int *L, int *map);

/* Overlay strata of two factors: h = the pair (a_i, b_i) renumbered 0..L-1. */
int sp_detector_overlay(const int *a, int La, const int *b, int Lb, int n, int *h, int *L);

typedef enum {
    SP_DETECTOR_NONLINEAR_WEAKEN,
    SP_DETECTOR_UNI_WEAKEN,
    SP_DETECTOR_BI_ENHANCE,
    SP_DETECTOR_INDEPENDENT,
    SP_DETECTOR_NONLINEAR_ENHANCE
} sp_detector_interaction;

sp_detector_interaction sp_detector_classify(double qa, double qb, double qab);
/* "nonlinear weakening", "univariate weakening", "bivariate enhancement",
 * "independent", "nonlinear enhancement". */
const char *sp_detector_interaction_name(sp_detector_interaction t);

typedef struct sp_detector_risk {
    int L;
    double *mean, *var;       /* L stratum means and sample variances (n-1; NaN for n = 1) */
    int *count;               /* L stratum sizes */
    int npairs;               /* L (L - 1) / 2, pairs (a < b) in order (0,1), (0,2), ... */
    double *t, *df, *p;
    unsigned char *significant;
} sp_detector_risk;

int sp_detector_risk_compute(const double *y, int n, const int *h, int L, double alpha,
                             sp_detector_risk *out);
void sp_detector_risk_free(sp_detector_risk *r);

typedef struct sp_detector_eco {
    double F, p;
    int df1, df2, significant;
} sp_detector_eco;

/* The ecological detector of two factors from their factor results. */
void sp_detector_ecological(const sp_detector_q *a, const sp_detector_q *b, double alpha,
                            sp_detector_eco *out);

/* ---- optimal discretisation (the R package GD's optidisc; Song et al. 2020) */

#include "sp_classify.h"

/* The discretisation of a continuous factor x with the largest q: every
 * method m of methods[0..nm-1] with every class count k = kmin..kmax
 * (method-major, as GD's candidate table); a candidate is admissible when
 * its breaks are distinct and each of its k classes holds at least 2 units
 * (GD: duplicated intervals and intervals with fewer than 2 values are NA);
 * ties keep the first.  Out: the chosen method, k, q and the k breaks
 * (room for kmax); qs (may be NULL; nm (kmax - kmin + 1) values, row m
 * for method m) the q of every candidate, NaN when not admissible.
 * Errors: SP_EUSAGE for 2 > kmin or kmin > kmax; SP_EDATA when no candidate
 * is admissible or y is constant; SP_ENOMEM. */
typedef struct sp_detector_opt {
    sp_classify_method method;
    int k;
    double q;
} sp_detector_opt;

int sp_detector_optimal(const double *y, const double *x, int n,
                        const sp_classify_method *methods, int nm, int kmin, int kmax,
                        sp_detector_opt *out, double *breaks, double *qs);

#endif
