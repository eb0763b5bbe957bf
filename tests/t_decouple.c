/* Unit tests for core/sp_decouple: Tapio's elasticity and eight states
 * against an independent classification in R (scripts/ref-distribution.R) on
 * a China cities panel, the band edges by hand, bad input. */
#include "harness.h"
#include "sp_decouple.h"
#include "sp_error.h"
#include "sp_table.h"

static void test_against_r(void)
{
    sp_table *cp, *ref;
    CHECK_INT(sp_table_read(TH_FIXTURES "/distribution/cities_panel.csv", NULL, &cp), SP_OK);
    CHECK_INT(sp_table_read(TH_FIXTURES "/distribution/decouple.csv", NULL, &ref), SP_OK);
    if (!cp || !ref)
        return;
    int bad = 0, n = 364;
    for (int r = 0; r < ref->nrow; r++) {
        int first = !strcmp(sp_table_cell(ref, r, 0), "first");
        int unit = r % n, to = (r / n) % 2 + 1, from = first ? 0 : to - 1;   /* years 0, 1, 2 */
        double c0, c1, a0, a1, want;
        sp_decouple_change ch;
        sp_table_parse_double(sp_table_cell(cp, from * n + unit, 7), &c0);
        sp_table_parse_double(sp_table_cell(cp, to * n + unit, 7), &c1);
        sp_table_parse_double(sp_table_cell(cp, from * n + unit, 3), &a0);
        sp_table_parse_double(sp_table_cell(cp, to * n + unit, 3), &a1);
        bad += strcmp(sp_table_cell(cp, from * n + unit, 0), sp_table_cell(ref, r, 1)) != 0;
        bad += sp_decouple_state(c0, c1, a0, a1, 0.8, 1.2, "u", &ch) != SP_OK;
        if (sp_table_parse_double(sp_table_cell(ref, r, 6), &want))
            bad += !isnan(ch.elasticity);                     /* no driver growth: no elasticity */
        else
            bad += fabs(ch.elasticity - want) > 1e-12 * fabs(want);
        bad += strcmp(sp_decouple_name_en(ch.code), sp_table_cell(ref, r, 7)) != 0;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(ref->nrow, 4 * 364);
    sp_table_free(cp), sp_table_free(ref);
}

static void test_edges(void)
{
    sp_decouple_change ch;
    /* driver +10 %: pressure +8 % (e = 0.8, coupling), +12 % (1.2, coupling), +13 % (negative) */
    sp_decouple_state(100, 108, 100, 110, 0.8, 1.2, "u", &ch);
    CHECK_INT(ch.code, 4);
    sp_decouple_state(100, 112, 100, 110, 0.8, 1.2, "u", &ch);
    CHECK_INT(ch.code, 4);
    sp_decouple_state(100, 113, 100, 110, 0.8, 1.2, "u", &ch);
    CHECK_INT(ch.code, 6);
    sp_decouple_state(100, 100, 100, 110, 0.8, 1.2, "u", &ch);   /* dC = 0: e = 0 */
    CHECK_INT(ch.code, 2);
    sp_decouple_state(100, 100, 100, 90, 0.8, 1.2, "u", &ch);
    CHECK_INT(ch.code, 7);
    sp_decouple_state(100, 80, 100, 90, 0.8, 1.2, "u", &ch);     /* e = 2 */
    CHECK_INT(ch.code, 3);
    sp_decouple_state(100, 91, 100, 90, 0.8, 1.2, "u", &ch);     /* e = 0.9 */
    CHECK_INT(ch.code, 5);
    sp_decouple_state(100, 101, 100, 90, 0.8, 1.2, "u", &ch);
    CHECK_INT(ch.code, 8);
    sp_decouple_state(100, 90, 100, 110, 0.8, 1.2, "u", &ch);
    CHECK_INT(ch.code, 1);
    CHECK_INT(sp_decouple_state(100, 90, 100, 100, 0.8, 1.2, "u", &ch), SP_OK);
    CHECK_INT(ch.code, 0);
    CHECK(isnan(ch.elasticity));
    CHECK_STR(sp_decouple_name_zh(1), "强脱钩");
}

static void test_bad(void)
{
    sp_decouple_change ch;
    CHECK_INT(sp_decouple_state(0, 1, 1, 2, 0.8, 1.2, "unit 5", &ch), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "unit 5: the base values must be positive") != NULL);
    CHECK_INT(sp_decouple_state(1, 1, -1, 2, 0.8, 1.2, "u", &ch), SP_EDATA);
}

int main(void)
{
    RUN(test_against_r);
    RUN(test_edges);
    RUN(test_bad);
    return th_report("t_decouple");
}
