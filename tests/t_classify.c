/* Unit tests of sp_classify: quantile breaks against scipy's scoreatpercentile
 * (mapclassify.Quantiles), equal intervals and sd by their definitions,
 * Fisher-Jenks against a brute-force search over every partition. */
#include <math.h>
#include <stdlib.h>

#include "harness.h"
#include "sp_classify.h"
#include "sp_error.h"
#include "sp_rng.h"

static const double X[13] = {3.1, 0.5, 7.2, 7.2, 2.2, 9.9, 4.4, 1.0, 5.5, 6.1, 8.0, 2.2, 0.3};

/* scipy.stats.scoreatpercentile(X, 100 c / k), printed by Python 3 / scipy. */
static void test_quantile_scipy(void)
{
    double b[5];
    CHECK_INT(sp_classify_quantile(X, 13, 5, b), SP_OK);
    CHECK_REL(b[0], 1.4800000000000004, 1e-12);
    CHECK_REL(b[1], 2.920000000000001, 1e-12);
    CHECK_REL(b[2], 5.619999999999999, 1e-12);
    CHECK_REL(b[3], 7.199999999999999, 1e-12);
    CHECK_REL(b[4], 9.9, 1e-15);
    CHECK_INT(sp_classify_quantile(X, 13, 4, b), SP_OK);
    CHECK_REL(b[0], 2.2, 1e-12);
    CHECK_REL(b[1], 4.4, 1e-12);
    CHECK_REL(b[2], 7.2, 1e-12);
    int cls[13];
    sp_classify_assign(X, 13, b, 4, cls);
    CHECK_INT(cls[4], 0);  /* 2.2 <= 2.2: closed on the right */
    CHECK_INT(cls[0], 1);
    CHECK_INT(cls[2], 2);
    CHECK_INT(cls[5], 3);
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The selection-based quantiles equal type 7 on a fully sorted copy, on random
 * samples of many sizes with and without ties. */
static void test_quantile_select(void)
{
    sp_rng r;
    int bad = 0;
    for (int t = 0; t < 300; t++) {
        sp_rng_init(&r, 5, (uint32_t)t, 0);
        int n = 1 + (int)sp_rng_below(&r, 400), k = 2 + t % 9;
        double x[400], s[400], b[12];
        for (int i = 0; i < n; i++)
            x[i] = s[i] = t % 2 ? floor(8 * sp_rng_uniform(&r)) : sp_rng_normal(&r);
        qsort(s, (size_t)n, sizeof *s, cmpd);
        sp_classify_quantile(x, n, k, b);
        for (int c = 0; c < k - 1; c++) {
            double h = (n - 1) * ((double)(c + 1) / k);
            int lo = (int)floor(h);
            double want = lo + 1 < n ? s[lo] + (h - lo) * (s[lo + 1] - s[lo]) : s[n - 1];
            bad += b[c] != want;
        }
        bad += b[k - 1] != s[n - 1];
    }
    CHECK_INT(bad, 0);
}

static void test_quantile_ties(void)
{
    const double t[6] = {1, 1, 1, 1, 2, 3};
    double b[4];
    CHECK_INT(sp_classify_quantile(t, 6, 4, b), SP_OK);
    CHECK(b[0] == 1.0 && b[1] == 1.0);
    CHECK_INT(sp_classify_one(1.0, b, 4), 0);
    CHECK_INT(sp_classify_unique(b, 4), 3);
}

static void test_equal_sd(void)
{
    double b[5];
    CHECK_INT(sp_classify_equal(X, 13, 4, b), SP_OK);
    CHECK_REL(b[0], 0.3 + 9.6 / 4, 1e-12);
    CHECK_REL(b[2], 0.3 + 3 * 9.6 / 4, 1e-12);
    CHECK(b[3] == 9.9);
    double mean = 4.430769230769231, s = 3.1348536955187707; /* numpy, ddof = 1 */
    CHECK_INT(sp_classify_sd(X, 13, 5, b), SP_OK);
    CHECK_REL(b[0], mean - 2 * s, 1e-12);
    CHECK_REL(b[1], mean - s, 1e-12);
    CHECK_REL(b[2], mean + s, 1e-12);
    CHECK_REL(b[3], mean + 2 * s, 1e-12);
    CHECK(b[4] == b[3]); /* mean + 2 s > max: the top class is empty */
    CHECK_INT(sp_classify_sd(X, 13, 4, b), SP_OK);
    CHECK_REL(b[1], mean, 1e-12);
    CHECK_REL(b[2], mean + s, 1e-12);
    const double c[5] = {7, 7, 7, 7, 7};
    CHECK_INT(sp_classify_equal(c, 5, 3, b), SP_EDATA);
    CHECK_INT(sp_classify_sd(c, 5, 3, b), SP_EDATA);
    CHECK_INT(sp_classify_jenks(c, 5, 3, b), SP_EDATA);
}

static void test_user(void)
{
    const double cut[3] = {0.8, 1.0, 1.2};
    double b[4];
    CHECK_INT(sp_classify_user(cut, 3, b), SP_OK);
    CHECK(isinf(b[3]));
    CHECK_INT(sp_classify_one(0.8, b, 4), 0);
    CHECK_INT(sp_classify_one(0.81, b, 4), 1);
    CHECK_INT(sp_classify_one(5.0, b, 4), 3);
    const double bad[2] = {1.0, 1.0};
    CHECK_INT(sp_classify_user(bad, 2, b), SP_EUSAGE);
}

/* Least SSW over all placements of k-1 cuts between distinct sorted values. */
static double brute_ssw(const double *s, int n, int k, int first, int left)
{
    if (left == 1) {
        double m = 0, ss = 0;
        for (int i = first; i < n; i++)
            m += s[i];
        m /= n - first;
        for (int i = first; i < n; i++)
            ss += (s[i] - m) * (s[i] - m);
        return ss;
    }
    double best = INFINITY;
    for (int end = first; end < n - left + 1; end++) {
        if (end + 1 < n && s[end + 1] == s[end])
            continue;                    /* never split equal values */
        double m = 0, ss = 0;
        for (int i = first; i <= end; i++)
            m += s[i];
        m /= end - first + 1;
        for (int i = first; i <= end; i++)
            ss += (s[i] - m) * (s[i] - m);
        double v = ss + brute_ssw(s, n, k, end + 1, left - 1);
        if (v < best)
            best = v;
    }
    return best;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_jenks_brute(void)
{
    sp_rng r;
    int ok = 0, trials = 0;
    for (int t = 0; t < 60; t++) {
        sp_rng_init(&r, 99, (uint32_t)t, 0);
        int n = 6 + t % 9, k = 2 + t % 4;
        double x[16], s[16], b[6];
        int cls[16];
        for (int i = 0; i < n; i++)   /* rounded: some ties */
            x[i] = s[i] = floor(20.0 * sp_rng_uniform(&r)) / 2.0;
        qsort(s, (size_t)n, sizeof *s, cmp);
        int m = 1;
        for (int i = 1; i < n; i++)
            m += s[i] != s[i - 1];
        if (m < k)
            continue;
        trials++;
        double want = brute_ssw(s, n, k, 0, k), got;
        if (sp_classify_jenks(x, n, k, b) != SP_OK)
            continue;
        sp_classify_assign(x, n, b, k, cls);
        if (sp_classify_ssw(x, n, cls, k, &got) == SP_OK && fabs(got - want) <= 1e-9 * (1 + want))
            ok++;
        else
            fprintf(stderr, "jenks trial %d: n %d k %d ssw %.12g, brute force %.12g\n", t, n, k,
                    got, want);
    }
    CHECK(trials > 40);
    CHECK_INT(ok, trials);
}

/* Three obvious clusters: the breaks are their maxima. */
static void test_jenks_clusters(void)
{
    const double y[9] = {10, 1, 2, 3, 11, 12, 30, 31, 29};
    double b[3];
    CHECK_INT(sp_classify_jenks(y, 9, 3, b), SP_OK);
    CHECK(b[0] == 3 && b[1] == 12 && b[2] == 31);
    CHECK_INT(sp_classify_jenks(y, 9, 10, b), SP_EDATA);
}

/* R classInt 0.4.9, classIntervals(x, 6, style = "fisher") and "jenks" on
 * x_i = ((7919 i) mod 1000) / 10 + (i mod 7)^2, i = 1..200: the class maxima
 * 20.8, 40.4, 62, 80.6, 101.2, 133.8 ("jenks" prints them, "fisher" the
 * midpoints between classes) and the within sum of squares 7310.8415381896302. */
static void test_jenks_classint(void)
{
    double x[200], b[6], ssw;
    int cls[200];
    for (int i = 1; i <= 200; i++)
        x[i - 1] = ((7919 * i) % 1000) / 10.0 + (i % 7) * (i % 7);
    CHECK_INT(sp_classify_jenks(x, 200, 6, b), SP_OK);
    const double want[6] = {20.8, 40.4, 62, 80.6, 101.2, 133.8};
    for (int c = 0; c < 6; c++)
        CHECK_REL(b[c], want[c], 1e-15);
    sp_classify_assign(x, 200, b, 6, cls);
    CHECK_INT(sp_classify_ssw(x, 200, cls, 6, &ssw), SP_OK);
    CHECK_REL(ssw, 7310.8415381896302, 1e-12);
    const double y[13] = {3.1, 0.5, 7.2, 7.2, 2.2, 9.9, 4.4, 1.0, 5.5, 6.1, 8.0, 2.2, 0.3};
    CHECK_INT(sp_classify_jenks(y, 13, 3, b), SP_OK);  /* classInt "jenks": 3.1, 6.1 */
    CHECK(b[0] == 3.1 && b[1] == 6.1 && b[2] == 9.9);
}

int main(void)
{
    RUN(test_quantile_scipy);
    RUN(test_quantile_select);
    RUN(test_quantile_ties);
    RUN(test_equal_sd);
    RUN(test_user);
    RUN(test_jenks_brute);
    RUN(test_jenks_clusters);
    RUN(test_jenks_classint);
    return th_report("t_classify");
}
