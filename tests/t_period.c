/* Unit tests for core/sp_period (gaps between numeric period labels, their
 * wording, the transitions spanning them) and sp_markov_count's skip. */
#include <string.h>

#include "harness.h"
#include "sp_markov.h"
#include "sp_period.h"

static void test_gaps(void)
{
    const char *years[] = {"2009", "2010", "2012", "2013", "2017"};
    unsigned char gap[5];
    double step = 0.0;
    CHECK_INT(sp_period_gaps(5, years, gap, &step), 1);
    CHECK_REL(step, 1.0, 0.0);
    CHECK(!gap[0] && !gap[1] && gap[2] && !gap[3] && gap[4]);
    char buf[200];
    sp_period_gap_text(years, 2, step, buf, sizeof buf);
    CHECK_STR(buf, "period 2011 is missing between 2010 and 2012");
    sp_period_gap_text(years, 4, step, buf, sizeof buf);
    CHECK_STR(buf, "periods 2014..2016 are missing between 2013 and 2017");
    const char *every3[] = {"2015", "2018", "2021"};
    CHECK_INT(sp_period_gaps(3, every3, gap, &step), 1);
    CHECK(!gap[1] && !gap[2]);
    CHECK_REL(step, 3.0, 0.0);
    CHECK_INT(sp_period_uneven(3, every3, gap, step), 0);
    /* the bundled AI index's years: step 3, 4-year intervals within the slack */
    const char *ai[] = {"2011", "2015", "2019", "2022"};
    CHECK_INT(sp_period_gaps(4, ai, gap, &step), 1);
    CHECK(!gap[1] && !gap[2] && !gap[3]);
    CHECK_INT(sp_period_uneven(4, ai, gap, step), 1);
    CHECK_INT(sp_period_uneven(5, years, (unsigned char[]){0, 0, 1, 0, 1}, 1.0), 0);
    const char *tenths[] = {"0.1", "0.2", "0.3"}; /* 0.3 - 0.2 is not 0.1 in binary */
    CHECK_INT(sp_period_gaps(3, tenths, gap, &step), 1);
    CHECK_INT(sp_period_uneven(3, tenths, gap, step), 0);
    const char *text[] = {"2010Q1", "2010Q3"};
    CHECK_INT(sp_period_gaps(2, text, gap, &step), 0);
    CHECK(!gap[1]);
    const char *same[] = {"2010", "2010.0"};
    CHECK_INT(sp_period_gaps(2, same, gap, &step), 0);
    CHECK_INT(sp_period_same(2, same), 1);
    CHECK_INT(sp_period_same(2, text), 0);
    CHECK_INT(sp_period_same(5, years), 0);
}

static void test_span(void)
{
    /* periods 0 1 | 2 3 4 | 5 (gaps before 2 and 5) */
    const unsigned char gap[6] = {0, 0, 1, 0, 0, 1};
    unsigned char skip[6];
    sp_period_span_gaps(6, gap, 1, skip);
    CHECK(!skip[0] && skip[1] && !skip[2] && !skip[3] && skip[4] && !skip[5]);
    sp_period_span_gaps(6, gap, 2, skip);
    CHECK(skip[0] && skip[1] && !skip[2] && skip[3] && skip[4]);
}

static void test_count_skip(void)
{
    /* 2 units, 3 periods; the transitions from period 1 skipped */
    const int cls[] = {0, 1, 1, 1, 0, 0};
    const unsigned char skip[] = {0, 1, 0};
    double counts[4] = {0};
    CHECK_INT(sp_markov_count(cls, NULL, 2, 3, 2, 1, skip, counts), 2);
    CHECK(counts[0] == 0 && counts[1] == 1 && counts[2] == 0 && counts[3] == 1);
    memset(counts, 0, sizeof counts);
    CHECK_INT(sp_markov_count(cls, NULL, 2, 3, 2, 1, NULL, counts), 0);
    CHECK(counts[0] + counts[1] + counts[2] + counts[3] == 4);
}

int main(void)
{
    RUN(test_gaps);
    RUN(test_span);
    RUN(test_count_skip);
    return th_report("t_period");
}
