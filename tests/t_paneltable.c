/* Unit tests for io/sp_panel: grouping a long table by period, ids,
 * values, alignment to weights, and bad input. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_panel.h"
#include "sp_table.h"
#include "sp_weights.h"

#define SMALL TH_FIXTURES "/autocorr/panel_small.csv"

static sp_weights *line_abcd(void)
{
    int ti[] = {0, 1, 1, 2, 2, 3}, tj[] = {1, 0, 2, 1, 3, 2};
    const char *ids[] = {"a", "b", "c", "d"};
    sp_csr *w;
    sp_weights *W;
    sp_csr_from_triplets(4, 4, 6, ti, tj, NULL, &w);
    sp_weights_new(4, ids, w, &W);
    return W;
}

static void test_periods(void)
{
    sp_table *t;
    sp_panel *P;
    CHECK_INT(sp_table_read(SMALL, NULL, &t), SP_OK);
    CHECK_INT(sp_panel_build(t, "unit", "t", &P), SP_OK);
    CHECK_INT(P->nperiods, 3);
    CHECK_STR(P->periods[0].label, "2009");
    CHECK_STR(P->periods[2].label, "2011");
    CHECK_INT(P->periods[0].n, 3);
    CHECK_INT(P->periods[1].n, 3);
    CHECK_INT(P->periods[2].n, 1);
    const char *ids[3];
    sp_panel_ids(P, 1, ids); /* table order within the period */
    CHECK_STR(ids[0], "b");
    CHECK_STR(ids[1], "a");
    CHECK_STR(ids[2], "c");
    double v[3];
    CHECK_INT(sp_panel_numeric(P, 1, "v", v), SP_OK);
    CHECK(v[0] == 1.5 && v[1] == 2 && v[2] == 6);
    CHECK(!sp_panel_balanced(P));
    char buf[128];
    CHECK_STR(sp_panel_describe(P, 2, buf, sizeof buf), SMALL " (t 2011)");

    sp_weights *W = line_abcd(), *A;
    CHECK_INT(sp_panel_align(P, 1, W, &A), SP_OK);
    CHECK_INT(A->n, 3);
    CHECK_STR(A->ids[0], "b");
    CHECK(sp_csr_get(A->w, 0, 1) == 1.0); /* b - a */
    CHECK(sp_csr_get(A->w, 1, 2) == 0.0); /* a - c: not neighbours */
    CHECK_INT(sp_panel_unmatched(P, 1, W, buf, sizeof buf), 1);
    CHECK_STR(buf, "d");
    CHECK_INT(sp_panel_unmatched(P, 2, W, buf, sizeof buf), 3);
    CHECK_STR(buf, "b, c, d");
    sp_weights_free(A);
    sp_weights_free(W);
    sp_panel_free(P);

    /* no period field: one period with every row; no id field: row numbers */
    CHECK_INT(sp_panel_build(t, NULL, NULL, &P), SP_OK);
    CHECK_INT(P->nperiods, 1);
    CHECK_INT(P->periods[0].n, 7);
    CHECK_STR(P->periods[0].label, "");
    CHECK_STR(P->ids[6], "7");
    CHECK(sp_panel_balanced(P));
    sp_panel_free(P);
    sp_table_free(t);
}

static void test_text_periods_and_balance(void)
{
    const char *names[] = {"id", "q"};
    char *cells[] = {"x", "Q2", "y", "Q2", "x", "Q1", "y", "Q1"};
    sp_table t = {.source = "mem", .nrow = 4, .ncol = 2, .names = (char **)names, .cells = cells};
    sp_panel *P;
    CHECK_INT(sp_panel_build(&t, "id", "q", &P), SP_OK);
    CHECK_STR(P->periods[0].label, "Q1"); /* text labels sort as text */
    CHECK(sp_panel_balanced(P));
    sp_panel_free(P);
}

static void test_bad_input(void)
{
    const char *names[] = {"id", "t", "v"};
    char *dup[] = {"x", "1", "1", "y", "1", "2", "x", "1", "3"};
    sp_table t = {.source = "mem.csv", .nrow = 3, .ncol = 3, .names = (char **)names, .cells = dup};
    sp_panel *P = NULL;
    CHECK_INT(sp_panel_build(&t, "id", "t", &P), SP_EDATA);
    CHECK_STR(sp_error_msg(), "mem.csv: unit x appears twice in t 1 (rows 1 and 3)");
    CHECK(P == NULL);
    char *noperiod[] = {"x", "1", "1", "y", NULL, "2"};
    t.nrow = 2;
    t.cells = noperiod;
    CHECK_INT(sp_panel_build(&t, "id", "t", &P), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "row 2 (unit y) has no value in period field 't'") != NULL);
    CHECK_INT(sp_panel_build(&t, NULL, "t", &P), SP_EUSAGE);
    CHECK_INT(sp_panel_build(&t, "nope", NULL, &P), SP_EDATA);
    char *badv[] = {"x", "1", "1", "y", "1", "abc"};
    t.cells = badv;
    CHECK_INT(sp_panel_build(&t, "id", "t", &P), SP_OK);
    double v[2];
    CHECK_INT(sp_panel_numeric(P, 0, "v", v), SP_EDATA);
    CHECK_STR(sp_error_msg(), "mem.csv: row 2 (unit y, t 1): v 'abc' is not a finite number");
    sp_weights *W = line_abcd(), *A = NULL;
    CHECK_INT(sp_panel_align(P, 0, W, &A), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "mem.csv (t 1): 2 units not in the weights: x, y") != NULL);
    sp_weights_free(W);
    sp_panel_free(P);
}

int main(void)
{
    RUN(test_periods);
    RUN(test_text_periods_and_balance);
    RUN(test_bad_input);
    return th_report("t_paneltable");
}
