/* Unit tests for core/sp_index: entropy (pooled and per year, 0 ln 0 and the
 * 0.0001 shift), TOPSIS, CRITIC and CV weights and scores against the published
 * formulas in R (scripts/ref-distribution.R) on a China cities panel; bad input. */
#include <stdlib.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_index.h"
#include "sp_table.h"

#define M 5

typedef struct panel {
    int n;
    double *x;
    int *period;
} panel;

static void load_panel(const sp_table *t, panel *p)
{
    p->n = t->nrow;
    p->x = malloc(sizeof(double) * p->n * M);
    p->period = malloc(sizeof(int) * p->n);
    for (int r = 0; r < p->n; r++) {
        const char *y = sp_table_cell(t, r, 1);
        p->period[r] = !strcmp(y, "2015") ? 0 : !strcmp(y, "2018") ? 1 : 2;
        for (int j = 0; j < M; j++)
            sp_table_parse_double(sp_table_cell(t, r, 3 + j), &p->x[r * M + j]);
    }
}

/* One case of the fixtures: weights (per scope) and every row's score. */
static void check_case(const panel *p, const sp_table *W, const sp_table *S, const char *cas,
                       sp_index_opts o)
{
    static const char *names[M] = {"x1", "x2", "x3", "x4", "x5"}, *years[3] = {"2015", "2018", "2021"};
    int negative[M] = {0, 0, 0, 0, 1};
    sp_index_result r;
    CHECK_INT(sp_index_compute(p->x, p->n, M, negative, p->period, 3, &o, names, years, &r), SP_OK);
    if (!r.w)
        return;
    int nw = 0, ns = 0;
    for (int i = 0; i < W->nrow; i++) {
        if (strcmp(sp_table_cell(W, i, 0), cas))
            continue;
        int j = sp_table_cell(W, i, 2)[1] - '1', s = nw / M;
        double want;
        for (int c = 0; c < 3; c++) {
            const char *cell = sp_table_cell(W, i, 3 + c);
            double got = (c == 0 ? r.e : c == 1 ? r.d : r.w)[s * M + j];
            if (!cell || sp_table_parse_double(cell, &want))
                CHECK(isnan(got));
            else
                TH_RECORD(fabs(got - want) <= 1e-10 * fabs(want), "%s weight %d,%d: %.17g want %.17g",
                          cas, s, j, got, want);
        }
        nw++;
    }
    CHECK_INT(nw, M * r.nscope);
    /* rows of a case are in the panel's order within each scope, scopes by year */
    int *seen = calloc(p->n, sizeof *seen), k = 0;
    for (int sc = 0; sc < r.nscope; sc++)
        for (int i = 0; i < p->n; i++)
            if (!o.per_period || p->period[i] == sc)
                seen[k++] = i;
    for (int i = 0; i < S->nrow; i++) {
        if (strcmp(sp_table_cell(S, i, 0), cas))
            continue;
        int row = seen[ns++];
        double want;
        sp_table_parse_double(sp_table_cell(S, i, 3), &want);
        TH_RECORD(fabs(r.score[row] - want) <= 1e-10 * fabs(want), "%s score %d: %.17g want %.17g",
                  cas, row, r.score[row], want);
        if (r.closeness) {
            sp_table_parse_double(sp_table_cell(S, i, 4), &want);
            CHECK_REL(r.closeness[row], want, 1e-10);
        }
    }
    CHECK_INT(ns, p->n);
    free(seen);
    sp_index_free(&r);
}

static void test_against_r(void)
{
    sp_table *cp, *W, *S;
    CHECK_INT(sp_table_read(TH_FIXTURES "/distribution/cities_panel.csv", NULL, &cp), SP_OK);
    CHECK_INT(sp_table_read(TH_FIXTURES "/distribution/index_weights.csv", NULL, &W), SP_OK);
    CHECK_INT(sp_table_read(TH_FIXTURES "/distribution/index_scores.csv", NULL, &S), SP_OK);
    if (!cp || !W || !S)
        return;
    panel p;
    load_panel(cp, &p);
    sp_index_opts base = {SP_INDEX_MINMAX, SP_INDEX_ZEROS_LIMIT, 0, SP_INDEX_ENTROPY, 0, 1};
    sp_index_opts o = base;
    check_case(&p, W, S, "entropy", o);
    o.zeros = SP_INDEX_ZEROS_SHIFT, o.shift = 1e-4;
    check_case(&p, W, S, "entropy_shift", o);
    o = base, o.per_period = 1, o.scale = 100;
    check_case(&p, W, S, "entropy_year", o);
    o = base, o.method = SP_INDEX_TOPSIS;
    check_case(&p, W, S, "topsis", o);
    o = base, o.method = SP_INDEX_CRITIC;
    check_case(&p, W, S, "critic", o);
    o = base, o.method = SP_INDEX_CV;
    check_case(&p, W, S, "cv", o);
    o = base, o.method = SP_INDEX_CRITIC, o.norm = SP_INDEX_ZSCORE;
    check_case(&p, W, S, "critic_z", o);
    free(p.x), free(p.period);
    sp_table_free(cp), sp_table_free(W), sp_table_free(S);
}

static void test_bad(void)
{
    const char *names[2] = {"a", "b"}, *scopes[2] = {"2000", "2001"};
    int neg[2] = {0, 0}, per[4] = {0, 0, 1, 1};
    double x[8] = {1, 5, 2, 5, 3, 6, 4, 7};   /* b constant in 2000 */
    sp_index_opts o = {SP_INDEX_MINMAX, SP_INDEX_ZEROS_LIMIT, 0, SP_INDEX_ENTROPY, 0, 1};
    sp_index_result r;
    CHECK_INT(sp_index_compute(x, 4, 2, neg, per, 2, &o, names, scopes, &r), SP_OK);
    sp_index_free(&r);
    o.per_period = 1;
    CHECK_INT(sp_index_compute(x, 4, 2, neg, per, 2, &o, names, scopes, &r), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "indicator 'b' is constant (5) in period 2000") != NULL);
    o.per_period = 0, o.norm = SP_INDEX_ZSCORE;
    CHECK_INT(sp_index_compute(x, 4, 2, neg, per, 2, &o, names, scopes, &r), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "non-negative") != NULL);
    double z[8] = {0, 1, 0, 2, 0, 3, 0, 4};
    o.norm = SP_INDEX_MINMAX, o.method = SP_INDEX_CV;
    CHECK_INT(sp_index_compute(z, 4, 2, neg, per, 2, &o, names, scopes, &r), SP_EDATA);  /* a constant */
    double y[8] = {-1, 1, 1, 2, -1, 3, 1, 4};
    CHECK_INT(sp_index_compute(y, 4, 2, neg, per, 2, &o, names, scopes, &r), SP_EDATA);  /* mean 0 */
    CHECK(strstr(sp_error_msg(), "mean 0") != NULL);
    o.per_period = 1, o.method = SP_INDEX_ENTROPY;
    int per1[4] = {0, 0, 0, 1};
    CHECK_INT(sp_index_compute(x, 4, 2, neg, per1, 2, &o, names, scopes, &r), SP_EDATA);  /* 1 row */
    CHECK(strstr(sp_error_msg(), "at least 2 rows") != NULL);
}

int main(void)
{
    RUN(test_against_r);
    RUN(test_bad);
    return th_report("t_index");
}
