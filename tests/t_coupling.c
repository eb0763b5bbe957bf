/* Unit tests for core/sp_coupling: C, T, D and classes of two and three
 * subsystems against the formulas in R (scripts/ref-distribution.R) on a China
 * cities panel; hand-checked values and bad input. */
#include "harness.h"
#include "sp_coupling.h"
#include "sp_error.h"
#include "sp_table.h"

static double cell(const sp_table *t, int r, const char *name)
{
    double v = NAN;
    sp_table_parse_double(sp_table_cell(t, r, sp_table_col(t, name)), &v);
    return v;
}

static void test_against_r(void)
{
    sp_table *t;
    CHECK_INT(sp_table_read(TH_FIXTURES "/distribution/coupling.csv", NULL, &t), SP_OK);
    if (!t)
        return;
    double a3[3] = {0.5, 0.3, 0.2};
    int bad = 0;
    for (int r = 0; r < t->nrow; r++) {
        double u[3] = {cell(t, r, "u1"), cell(t, r, "u2"), cell(t, r, "u3")}, C, T, D;
        bad += sp_coupling_degree(u, 2, NULL, SP_COUPLING_STANDARD, "row", &C, &T, &D) != SP_OK;
        bad += fabs(C - cell(t, r, "C2")) > 1e-12 * cell(t, r, "C2") || fabs(T - cell(t, r, "T2")) > 1e-12 * T ||
               fabs(D - cell(t, r, "D2")) > 1e-12 * D || sp_coupling_class(D) != (int)cell(t, r, "class2");
        bad += sp_coupling_degree(u, 2, NULL, SP_COUPLING_VARIANT, "row", &C, &T, &D) != SP_OK;
        bad += fabs(C - cell(t, r, "C2v")) > 1e-12 * C || fabs(D - cell(t, r, "D2v")) > 1e-12 * D;
        bad += sp_coupling_degree(u, 3, a3, SP_COUPLING_STANDARD, "row", &C, &T, &D) != SP_OK;
        bad += fabs(C - cell(t, r, "C3")) > 1e-12 * C || fabs(T - cell(t, r, "T3")) > 1e-12 * T ||
               fabs(D - cell(t, r, "D3")) > 1e-12 * D || sp_coupling_class(D) != (int)cell(t, r, "class3");
    }
    CHECK_INT(bad, 0);
    CHECK_INT(t->nrow, 1092);
    sp_table_free(t);
}

static void test_hand(void)
{
    double u[2] = {0.36, 0.64}, C, T, D;
    CHECK_INT(sp_coupling_degree(u, 2, NULL, SP_COUPLING_STANDARD, "x", &C, &T, &D), SP_OK);
    CHECK_REL(C, 2 * 0.48, 1e-15);                  /* 2 sqrt(.2304) / 1 */
    CHECK_REL(T, 0.5, 1e-15);
    CHECK_REL(D, sqrt(0.48), 1e-15);
    CHECK_INT(sp_coupling_class(D), 7);             /* 0.693: primary coordination */
    CHECK_STR(sp_coupling_class_en(7), "primary coordination");
    CHECK_STR(sp_coupling_class_zh(10), "优质协调");
    CHECK_INT(sp_coupling_class(0), 1);
    CHECK_INT(sp_coupling_class(0.3), 4);
    CHECK_INT(sp_coupling_class(1), 10);
    double eq[2] = {0.7, 0.7};
    CHECK_INT(sp_coupling_degree(eq, 2, NULL, SP_COUPLING_VARIANT, "x", &C, &T, &D), SP_OK);
    CHECK_REL(C, 0.5, 1e-15);                       /* the variant's maximum */
    double z[2] = {0, 0.5};
    CHECK_INT(sp_coupling_degree(z, 2, NULL, SP_COUPLING_STANDARD, "x", &C, &T, &D), SP_OK);
    CHECK_ABS(C, 0, 0);
}

static void test_bad(void)
{
    double C, T, D, big[2] = {0.5, 1.5}, zero[2] = {0, 0};
    CHECK_INT(sp_coupling_degree(big, 2, NULL, SP_COUPLING_STANDARD, "unit 7", &C, &T, &D), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "unit 7: subsystem 2 scores 1.5") != NULL);
    CHECK_INT(sp_coupling_degree(zero, 2, NULL, SP_COUPLING_STANDARD, "unit 8", &C, &T, &D), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "undefined") != NULL);
}

int main(void)
{
    RUN(test_against_r);
    RUN(test_hand);
    RUN(test_bad);
    return th_report("t_coupling");
}
