/* Unit tests of sp_markov: Kemeny & Snell's Land of Oz chain (steady state and
 * mean first passage times, also giddy's docstring), empty and absorbing
 * classes, unreachable states, the homogeneity and chi-square tests on small
 * tables, classes and their errors. */
#include <math.h>
#include <stdlib.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_markov.h"

/* P = [.5 .25 .25; .5 0 .5; .25 .25 .5]: pi = (.4, .2, .4). */
static void test_oz(void)
{
    const double counts[9] = {2, 1, 1, 2, 0, 2, 1, 1, 2};
    const double mfpt[9] = {2.5, 4, 10.0 / 3, 8.0 / 3, 5, 8.0 / 3, 10.0 / 3, 4, 2.5};
    sp_markov_chain C;
    CHECK_INT(sp_markov_chain_from(counts, 3, 0, &C), SP_OK);
    CHECK_INT(C.nrecurrent, 1);
    CHECK_REL(C.steady[0], 0.4, 1e-14);
    CHECK_REL(C.steady[1], 0.2, 1e-14);
    for (int i = 0; i < 9; i++)
        CHECK_REL(C.mfpt[i], mfpt[i], 1e-13);
    CHECK_REL(C.prais[1], 1.0, 1e-15);
    CHECK_REL(C.p[5], 0.5, 1e-15);
    sp_markov_chain_free(&C);
}

/* Class 2 is never left (n = 0) but entered: a zero row, absorbing for the
 * steady state; class 3 never occurs: left out (NaN passage times). */
static void test_empty_rows(void)
{
    const double counts[16] = {3, 1, 1, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    sp_markov_chain C;
    CHECK_INT(sp_markov_chain_from(counts, 4, 0, &C), SP_OK);
    CHECK_INT(C.nempty, 2);
    CHECK(C.p[8] == 0.0 && C.p[10] == 0.0);
    CHECK(isnan(C.prais[2]));
    CHECK_INT(C.nrecurrent, 1);
    CHECK_REL(C.steady[2], 1.0, 1e-15);
    CHECK(isinf(C.mfpt[2 * 4 + 0]));       /* from the absorbing class: never */
    CHECK(isnan(C.mfpt[3 * 4 + 0]) && isnan(C.mfpt[0 * 4 + 3]));
    /* to 2: m0 = 1 + .6 m0 + .2 m1, m1 = 1 + .25 m0 + .75 m1: m0 = 9, m1 = 13 */
    CHECK_REL(C.mfpt[0 * 4 + 2], 9.0, 1e-13);
    CHECK_REL(C.mfpt[1 * 4 + 2], 13.0, 1e-13);
    sp_markov_chain_free(&C);
    CHECK_INT(sp_markov_chain_from(counts, 4, 1, &C), SP_OK);
    CHECK(C.p[10] == 1.0);
    sp_markov_chain_free(&C);
}

/* Two closed classes {0} and {1, 2}: two steady states, no unique one; 0 never
 * reaches 1. */
static void test_two_recurrent(void)
{
    const double counts[9] = {5, 0, 0, 0, 1, 1, 0, 1, 1};
    sp_markov_chain C;
    CHECK_INT(sp_markov_chain_from(counts, 3, 0, &C), SP_OK);
    CHECK_INT(C.nrecurrent, 2);
    CHECK(C.steady == NULL);
    CHECK_REL(C.steadies[0], 1.0, 1e-15);
    CHECK_REL(C.steadies[3 + 1], 0.5, 1e-15);
    CHECK(isinf(C.mfpt[0 * 3 + 1]) && isinf(C.mfpt[1 * 3 + 0]));
    CHECK_REL(C.mfpt[1 * 3 + 2], 2.0, 1e-14);
    sp_markov_chain_free(&C);
}

/* Homogeneity of two identical lag classes: Q = LR = 0, df = sum (b - 1)(a - 1). */
static void test_homogeneity(void)
{
    const double T[8] = {3, 1, 1, 3, 3, 1, 1, 3};
    sp_markov_homog h;
    CHECK_INT(sp_markov_homogeneity(T, 2, 2, &h), SP_OK);
    CHECK_ABS(h.Q, 0.0, 1e-15);
    CHECK_ABS(h.LR, 0.0, 1e-15);
    CHECK_INT(h.df, 2);
    const double U[8] = {4, 0, 0, 4, 0, 4, 4, 0};    /* p = .5 pooled; p_l = 1 or 0 */
    CHECK_INT(sp_markov_homogeneity(U, 2, 2, &h), SP_OK);
    CHECK_REL(h.Q, 16.0, 1e-14);                     /* 4 rows x 4 x (.5^2/.5 + .5^2/.5) */
    CHECK_REL(h.LR, 2 * 16 * log(2.0), 1e-14);
    double x2, p;
    int df;
    sp_markov_chi2(T, T, 2, &x2, &df, &p);
    CHECK_ABS(x2, 0.0, 1e-15);
    CHECK_INT(df, 1);
}

/* LISA independence: a quadrant chain that is the product of an own and a
 * lag chain has X2 = 0; the expected counts keep each origin's total. */
static void test_lisa_independence(void)
{
    /* own chain Po = [.9 .1; .2 .8], lag chain Pl = [.7 .3; .4 .6]; quadrants
     * HH (H,H), LH (L,H), LL (L,L), HL (H,L); 100 transitions from each */
    const double Po[4] = {.9, .1, .2, .8}, Pl[4] = {.7, .3, .4, .6};
    const int own[4] = {0, 1, 1, 0}, nb[4] = {0, 0, 1, 1};
    double T[16], E[16];
    for (int c = 0; c < 4; c++)
        for (int d = 0; d < 4; d++)
            T[c * 4 + d] = 100 * Po[own[c] * 2 + own[d]] * Pl[nb[c] * 2 + nb[d]];
    sp_markov_test t = sp_markov_lisa_independence(T, E);
    CHECK_ABS(t.stat, 0.0, 1e-12);
    CHECK_INT(t.df, 9);
    for (int c = 0; c < 16; c++)
        CHECK_REL(E[c], T[c], 1e-12);
    /* moves that always go together (own and lag switch at once): not independent */
    const double U[16] = {50, 0, 50, 0, 0, 50, 0, 50, 50, 0, 50, 0, 0, 50, 0, 50};
    t = sp_markov_lisa_independence(U, E);
    CHECK(t.stat > 100 && t.p < 1e-10);
    CHECK_REL(E[0] + E[1] + E[2] + E[3], 100.0, 1e-14);
    /* shtest: equal steady states give 0; s_j = 0 where S_j > 0 is undefined */
    const double s[3] = {.5, .5, 0}, S[3] = {.5, .5, 0}, S2[3] = {.4, .4, .2};
    sp_markov_test h = sp_markov_shtest(s, S, 3, 40);
    CHECK_ABS(h.stat, 0.0, 1e-15);
    CHECK_INT(h.df, 1);
    h = sp_markov_shtest(s, S2, 3, 40);
    CHECK(isnan(h.stat) && isnan(h.p));
    const double s3[2] = {.5, .5}, S3[2] = {.25, .75};
    h = sp_markov_shtest(s3, S3, 2, 40);                 /* 2 (40 .25)^2 / 20 = 10 */
    CHECK_REL(h.stat, 10.0, 1e-14);
}

static void test_classes(void)
{
    /* 3 units x 2 periods, period-major */
    const double x[6] = {1, 2, 3, 30, 10, 20};
    int cls[6];
    sp_markov_classes c = {.scheme = SP_MARKOV_PERIOD, .k = 3};
    CHECK_INT(sp_markov_classify(x, 3, 2, &c, cls, NULL, NULL), SP_OK);
    CHECK(cls[0] == 0 && cls[2] == 2 && cls[3] == 2 && cls[4] == 0);
    c.k = 4;
    CHECK_INT(sp_markov_classify(x, 3, 2, &c, cls, NULL, NULL), SP_EDATA); /* n < k */
    const double flat[6] = {1, 1, 1, 2, 3, 4};
    c.k = 2;
    CHECK_INT(sp_markov_classify(flat, 3, 2, &c, cls, NULL, NULL), SP_EDATA);
    c.scheme = SP_MARKOV_POOLED;
    CHECK_INT(sp_markov_classify(flat, 3, 2, &c, cls, NULL, NULL), SP_OK);
    const double neg[6] = {-1, -2, 0, 1, 2, 3};
    c.relative = 1;
    CHECK_INT(sp_markov_classify(neg, 3, 2, &c, cls, NULL, NULL), SP_EDATA);
    const double d[6] = {2, 5, 2, 5, 5, 9};
    double *states;
    c = (sp_markov_classes){.scheme = SP_MARKOV_DISCRETE};
    CHECK_INT(sp_markov_classify(d, 3, 2, &c, cls, &states, NULL), SP_OK);
    CHECK_INT(c.k, 3);
    CHECK(states[2] == 9 && cls[5] == 2 && cls[0] == 0);
    free(states);
    sp_markov_opts o = {.cls = {.scheme = SP_MARKOV_PERIOD, .k = 2}, .lag = 2};
    sp_markov_result r;
    CHECK_INT(sp_markov_run(x, 3, 2, NULL, &o, &r), SP_EDATA);     /* lag >= t */
    o.lag = 1;
    CHECK_INT(sp_markov_run(x, 3, 2, NULL, &o, &r), SP_OK);
    CHECK_REL(r.chain.counts[0 * 2 + 1] + r.chain.counts[1 * 2 + 0], 2.0, 1e-15);
    sp_markov_result_free(&r);
}

int main(void)
{
    RUN(test_oz);
    RUN(test_empty_rows);
    RUN(test_two_recurrent);
    RUN(test_homogeneity);
    RUN(test_lisa_independence);
    RUN(test_classes);
    return th_report("t_markov");
}
