/* Unit tests of sp_detector: q, F and lambda of a hand-checkable table (exact
 * fractions), the noncentral F upper tail against scipy.stats.ncf.sf (scipy
 * 1.10.1, Boost's noncentral beta), compaction, overlays and the five-way
 * interaction classes. */
#include <math.h>

#include "harness.h"
#include "sp_detector.h"
#include "sp_error.h"

/* y = 1 3 5 7 2 4 6 8 with strata a a b b c c c c: SSW = 24, SST = 42. */
static void test_factor_hand(void)
{
    const double y[8] = {1, 3, 5, 7, 2, 4, 6, 8};
    const int h[8] = {0, 0, 1, 1, 2, 2, 2, 2};
    sp_detector_q q;
    CHECK_INT(sp_detector_factor(y, 8, h, 3, &q), SP_OK);
    CHECK_REL(q.q, 3.0 / 7.0, 1e-15);
    CHECK_REL(q.F, 15.0 / 8.0, 1e-14);
    CHECK_REL(q.lambda, (65.0 - (8 * sqrt(2.0) + 10) * (8 * sqrt(2.0) + 10) / 8) / 6, 1e-13);
    CHECK_INT(q.df1, 2);
    CHECK_INT(q.df2, 5);
    CHECK_REL(q.p, 0.4123363850930876, 1e-12);  /* scipy ncf.sf(1.875, 2, 5, lambda) */
    const int one[8] = {0};
    CHECK_INT(sp_detector_factor(y, 8, one, 1, &q), SP_EDATA);
    const double c[8] = {2, 2, 2, 2, 2, 2, 2, 2};
    CHECK_INT(sp_detector_factor(c, 8, h, 3, &q), SP_EDATA);
}

static void test_ncf_scipy(void)
{
    CHECK_REL(sp_detector_ncf_upper(28.256118897688445, 4, 180, 101.37462679678488),
              0.3632362881496966, 1e-12);
    CHECK_REL(sp_detector_ncf_upper(4.5, 1, 6, 0.75), 0.16360512159485519, 1e-12);
    CHECK_REL(sp_detector_ncf_upper(38.7, 8, 176, 152.04), 0.00011942585084101665, 1e-11);
    CHECK_REL(sp_detector_ncf_upper(500.0, 10, 1000, 4000.0), 3.479268171167065e-05, 1e-10);
    CHECK_REL(sp_detector_ncf_upper(0.5, 2, 30, 20.0), 0.9998793863002035, 1e-12);
    CHECK_REL(sp_detector_ncf_upper(3.0, 3, 20, 0.0), 0.054858618668295125, 1e-12); /* f.sf */
    CHECK(sp_detector_ncf_upper(INFINITY, 3, 20, 1.0) == 0.0);
}

static void test_overlay_classify(void)
{
    const int a[6] = {0, 0, 1, 1, 2, 2}, b[6] = {0, 1, 0, 1, 0, 0};
    int h[6], L;
    CHECK_INT(sp_detector_overlay(a, 3, b, 2, 6, h, &L), SP_OK);
    CHECK_INT(L, 5);
    CHECK(h[4] == h[5] && h[0] != h[1]);
    const int c[5] = {7, 3, 7, 9, 3};
    int map[10];
    CHECK_INT(sp_detector_compact(c, 5, h, &L, map), SP_OK);
    CHECK_INT(L, 3);
    CHECK(h[0] == 1 && h[1] == 0 && h[3] == 2 && map[5] == -1);
    CHECK_INT(sp_detector_classify(0.3, 0.4, 0.2), SP_DETECTOR_NONLINEAR_WEAKEN);
    CHECK_INT(sp_detector_classify(0.3, 0.4, 0.35), SP_DETECTOR_UNI_WEAKEN);
    CHECK_INT(sp_detector_classify(0.3, 0.4, 0.5), SP_DETECTOR_BI_ENHANCE);
    CHECK_INT(sp_detector_classify(0.3, 0.4, 0.7), SP_DETECTOR_INDEPENDENT);
    CHECK_INT(sp_detector_classify(0.3, 0.4, 0.8), SP_DETECTOR_NONLINEAR_ENHANCE);
    CHECK_STR(sp_detector_interaction_name(SP_DETECTOR_BI_ENHANCE), "bivariate enhancement");
}

/* Welch's t between strata {1, 3} and {2, 4, 6, 8}: t = -3 / sqrt(1 + 20/12). */
static void test_risk(void)
{
    const double y[6] = {1, 3, 2, 4, 6, 8};
    const int h[6] = {0, 0, 1, 1, 1, 1};
    sp_detector_risk r;
    CHECK_INT(sp_detector_risk_compute(y, 6, h, 2, 0.05, &r), SP_OK);
    CHECK_REL(r.mean[1], 5.0, 1e-15);
    CHECK_REL(r.var[1], 20.0 / 3.0, 1e-14);
    CHECK_REL(r.t[0], -3.0 / sqrt(1.0 + 20.0 / 12.0), 1e-14);
    double va = 1.0, vb = 20.0 / 12.0;
    CHECK_REL(r.df[0], (va + vb) * (va + vb) / (va * va / 1 + vb * vb / 3), 1e-14);
    sp_detector_risk_free(&r);
}

/* Optimal discretisation: three flat steps of y along x are found exactly
 * (q = 1 with 3 classes, the first method that reaches it). */
static void test_optimal(void)
{
    const double x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, y[9] = {1, 1, 1, 5, 5, 5, 9, 9, 9};
    const sp_classify_method m[2] = {SP_CLASSIFY_SD, SP_CLASSIFY_EQUAL};
    double b[4], qs[4];
    sp_detector_opt o;
    CHECK_INT(sp_detector_optimal(y, x, 9, m, 2, 3, 4, &o, b, qs), SP_OK);
    CHECK_INT(o.method, SP_CLASSIFY_EQUAL);      /* sd's 3 classes hold 2, 5 and 2 units */
    CHECK_INT(o.k, 3);
    CHECK_REL(o.q, 1.0, 1e-15);
    CHECK_REL(b[0], 1 + 8.0 / 3, 1e-15);
    CHECK(qs[0] < 1.0 && qs[1] < 1.0);            /* sd 3, 4: classes {1,2} {3..7} {8,9}, ... */
    CHECK(qs[2] == 1.0 && qs[3] < 1.0);           /* equal 3 exact; equal 4 {1,2,3} {4,5} ... */
    /* 5 and 6 classes: a class of one unit (equal), an empty or repeated class (sd) */
    CHECK_INT(sp_detector_optimal(y, x, 9, m, 2, 5, 6, &o, b, qs), SP_EDATA);
    CHECK(isnan(qs[0]) && isnan(qs[1]) && isnan(qs[2]) && isnan(qs[3]));
    CHECK_INT(sp_detector_optimal(y, x, 9, m, 2, 4, 3, &o, b, qs), SP_EUSAGE);
}

int main(void)
{
    RUN(test_factor_hand);
    RUN(test_ncf_scipy);
    RUN(test_overlay_classify);
    RUN(test_risk);
    RUN(test_optimal);
    return th_report("t_detector");
}
