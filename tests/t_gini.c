/* Unit tests for core/sp_gini: Dagum's decomposition, Gini, Theil T and L and
 * the CV against their all-pairs definitions in R (scripts/ref-distribution.R)
 * on random data (unequal groups, ties, a group of one), the AI index by
 * East/Central/West and a China cities panel; plus speed-independent checks
 * and bad input. */
#include <stdlib.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_gini.h"
#include "sp_table.h"

#define MAXN 400

typedef struct sample {
    int n, k;
    double y[MAXN], pop[MAXN];
    int g[MAXN];
    char labels[8][16];
} sample;

/* Rows of a table where column fcol == key (and ycol/gcol give value/group). */
static void load(const sp_table *t, int fcol, const char *key, int ycol, int gcol, int pcol,
                 sample *s)
{
    s->n = s->k = 0;
    for (int r = 0; r < t->nrow; r++) {
        if (fcol >= 0 && strcmp(sp_table_cell(t, r, fcol), key) != 0)
            continue;
        const char *lab = sp_table_cell(t, r, gcol);
        int c = 0;
        while (c < s->k && strcmp(s->labels[c], lab) != 0)
            c++;
        if (c == s->k)
            snprintf(s->labels[s->k++], 16, "%s", lab);
        sp_table_parse_double(sp_table_cell(t, r, ycol), &s->y[s->n]);
        if (pcol >= 0)
            sp_table_parse_double(sp_table_cell(t, r, pcol), &s->pop[s->n]);
        s->g[s->n++] = c;
    }
}

static int label_rank(const sp_gini_dagum *d, const sample *s, const char *lab)
{
    for (int j = 0; j < d->k; j++)
        if (strcmp(s->labels[d->order[j]], lab) == 0)
            return j;
    return -1;
}

/* Every fixture row of (case, by) against the computed values. */
static int compare(const sp_table *ref, const char *cas, const char *by, const sample *s)
{
    sp_gini_dagum d;
    sp_gini_theil th;
    double g, cv, cv1, cvp = 0;
    CHECK_INT(sp_gini_dagum_compute(s->y, s->g, s->n, s->k, NULL, cas, &d), SP_OK);
    CHECK_INT(sp_gini_theil_compute(s->y, s->g, s->n, s->k, NULL, cas, &th), SP_OK);
    CHECK_INT(sp_gini_plain(s->y, s->n, NULL, cas, &g), SP_OK);
    CHECK_INT(sp_gini_cv(s->y, NULL, s->n, 0, NULL, cas, &cv), SP_OK);
    CHECK_INT(sp_gini_cv(s->y, NULL, s->n, 1, NULL, cas, &cv1), SP_OK);
    if (strcmp(cas, "cities") == 0)
        CHECK_INT(sp_gini_cv(s->y, s->pop, s->n, 0, NULL, cas, &cvp), SP_OK);
    int checked = 0;
    for (int r = 0; r < ref->nrow; r++) {
        if (strcmp(sp_table_cell(ref, r, 0), cas) || strcmp(sp_table_cell(ref, r, 1) ? sp_table_cell(ref, r, 1) : "", by))
            continue;
        const char *st = sp_table_cell(ref, r, 2), *a = sp_table_cell(ref, r, 3), *b = sp_table_cell(ref, r, 4);
        double want, got = NAN;
        if (sp_table_parse_double(sp_table_cell(ref, r, 5), &want))
            want = NAN;                          /* "NA": Theil L with a zero value */
        int ja = a ? label_rank(&d, s, a) : -1, jb = b ? label_rank(&d, s, b) : -1;
        if (!strcmp(st, "gini")) {
            got = d.gini;
            CHECK_REL(g, want, 1e-12);
        } else if (!strcmp(st, "within")) got = d.within;
        else if (!strcmp(st, "between")) got = d.between;
        else if (!strcmp(st, "transvariation")) got = d.transvariation;
        else if (!strcmp(st, "group_gini")) got = d.gjj[ja];
        else if (!strcmp(st, "group_n")) got = d.size[ja];
        else if (!strcmp(st, "group_mean")) got = d.gmean[ja];
        else if (!strcmp(st, "group_rank")) got = ja + 1;
        else if (!strcmp(st, "pair_gini")) got = d.gjh[ja * d.k + jb];
        else if (!strcmp(st, "pair_D")) got = d.djh[ja * d.k + jb];
        else if (!strcmp(st, "theil_t")) got = th.t;
        else if (!strcmp(st, "theil_t_within")) got = th.t_within;
        else if (!strcmp(st, "theil_t_between")) got = th.t_between;
        else if (!strcmp(st, "theil_l")) got = th.l;
        else if (!strcmp(st, "theil_l_within")) got = th.l_within;
        else if (!strcmp(st, "theil_l_between")) got = th.l_between;
        else if (!strcmp(st, "cv")) got = cv;
        else if (!strcmp(st, "cv_sample")) got = cv1;
        else if (!strcmp(st, "cv_pop")) got = cvp;
        TH_RECORD((isnan(want) && isnan(got)) || fabs(got - want) <= 1e-10 * fmax(fabs(want), 1e-12), "%s %s %s %s %s: %.17g, want %.17g",
                  cas, by, st, a ? a : "", b ? b : "", got, want);
        checked++;
    }
    CHECK_REL(d.within + d.between + d.transvariation, d.gini, 1e-12);
    sp_gini_dagum_free(&d);
    return checked;
}

static void test_against_r(void)
{
    sp_table *ref, *rnd, *ai, *cp;
    CHECK_INT(sp_table_read(TH_FIXTURES "/distribution/gini.csv", NULL, &ref), SP_OK);
    CHECK_INT(sp_table_read(TH_FIXTURES "/distribution/gini_random.csv", NULL, &rnd), SP_OK);
    CHECK_INT(sp_table_read("shapefiles/ai_index_province.csv", NULL, &ai), SP_OK);
    CHECK_INT(sp_table_read(TH_FIXTURES "/distribution/cities_panel.csv", NULL, &cp), SP_OK);
    if (!ref || !rnd || !ai || !cp)
        return;
    static sample s;
    int checked = 0;
    load(rnd, 0, "random", 2, 1, -1, &s);
    checked += compare(ref, "random", "", &s);
    load(rnd, 0, "random4", 2, 1, -1, &s);
    CHECK_INT(s.n, 60);
    checked += compare(ref, "random4", "", &s);
    const char *years[] = {"2011", "2015", "2019", "2022"}, *cyears[] = {"2015", "2018", "2021"};
    for (int y = 0; y < 4; y++) {
        load(ai, 2, years[y], 3, 4, -1, &s);
        checked += compare(ref, "ai", years[y], &s);
    }
    for (int y = 0; y < 3; y++) {
        load(cp, 1, cyears[y], 3, 2, 8, &s);
        CHECK_INT(s.n, 364);
        checked += compare(ref, "cities", cyears[y], &s);
    }
    CHECK_INT(checked, ref->nrow);
    sp_table_free(ref), sp_table_free(rnd), sp_table_free(ai), sp_table_free(cp);
}

/* A large sample: the merge-based sums agree with the total Gini's identity. */
static void test_large(void)
{
    int n = 100000, k = 3;
    double *y = malloc(n * sizeof *y);
    int *g = malloc(n * sizeof *g);
    unsigned s = 7;
    for (int i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        g[i] = i % k;
        y[i] = (g[i] + 1) * (1 + (s >> 8) % 1000) / 10.0;
    }
    sp_gini_dagum d;
    CHECK_INT(sp_gini_dagum_compute(y, g, n, k, NULL, "large", &d), SP_OK);
    CHECK_REL(d.within + d.between + d.transvariation, d.gini, 1e-10);
    CHECK_INT(d.order[0], 0);
    CHECK_INT(d.order[2], 2);
    sp_gini_dagum_free(&d);
    free(y), free(g);
}

/* Weighted Dagum: integer weights give the unweighted values of the units
 * repeated w_i times; unit weights give the unweighted values. */
static void test_weighted(void)
{
    const double y[] = {3, 1, 4, 1.5, 9, 2.6, 5, 3.5}, w[] = {2, 1, 3, 1, 1, 4, 2, 1};
    const int g[] = {0, 1, 0, 1, 2, 2, 1, 0};
    double yr[64], one[8];
    int gr[64], m = 0;
    for (int i = 0; i < 8; i++) {
        one[i] = 1;
        for (int c = 0; c < w[i]; c++)
            yr[m] = y[i], gr[m++] = g[i];
    }
    sp_gini_dagum a, b, u, v;
    CHECK_INT(sp_gini_dagum_weighted(y, w, g, 8, 3, NULL, "w", &a), SP_OK);
    CHECK_INT(sp_gini_dagum_compute(yr, gr, m, 3, NULL, "rep", &b), SP_OK);
    CHECK_REL(a.gini, b.gini, 1e-14);
    CHECK_REL(a.within, b.within, 1e-14);
    CHECK_REL(a.between, b.between, 1e-14);
    CHECK_REL(a.transvariation, b.transvariation, 1e-13);
    CHECK_REL(a.total, (double)m, 1e-15);
    for (int j = 0; j < 3; j++) {
        CHECK_INT(a.order[j], b.order[j]);
        CHECK_REL(a.weight[j], (double)b.size[j], 1e-15);
        CHECK_REL(a.gjj[j], b.gjj[j], 1e-14);
        for (int h = 0; h < 3; h++)
            CHECK_ABS(a.djh[j * 3 + h], b.djh[j * 3 + h], 1e-14);
    }
    double gw, gp;
    CHECK_INT(sp_gini_weighted(y, w, 8, NULL, "w", &gw), SP_OK);
    CHECK_INT(sp_gini_plain(yr, m, NULL, "rep", &gp), SP_OK);
    CHECK_REL(gw, gp, 1e-14);
    CHECK_INT(sp_gini_dagum_weighted(y, one, g, 8, 3, NULL, "1", &u), SP_OK);
    CHECK_INT(sp_gini_dagum_compute(y, g, 8, 3, NULL, "0", &v), SP_OK);
    CHECK_REL(u.gini, v.gini, 1e-14);
    CHECK_REL(u.between, v.between, 1e-14);
    sp_gini_dagum_free(&a), sp_gini_dagum_free(&b), sp_gini_dagum_free(&u), sp_gini_dagum_free(&v);
}

static void test_bad(void)
{
    double y[] = {1, 2, -3, 4}, z[] = {0, 0, 0, 0}, c[] = {2, 2, 2, 2}, w[] = {1, -1, 1, 1};
    const char *ids[] = {"a", "b", "c", "d"};
    int g[] = {0, 0, 1, 1}, g1[] = {0, 0, 0, 2};
    double out;
    sp_gini_dagum d;
    sp_gini_theil th;
    CHECK_INT(sp_gini_plain(y, 4, ids, "t", &out), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "unit c has -3") != NULL);
    CHECK_INT(sp_gini_plain(z, 4, ids, "t", &out), SP_EDATA);
    CHECK_INT(sp_gini_plain(y, 1, ids, "t", &out), SP_EDATA);
    CHECK_INT(sp_gini_plain(c, 4, ids, "t", &out), SP_OK);     /* constant: Gini 0 */
    CHECK_ABS(out, 0, 0);
    CHECK_INT(sp_gini_dagum_compute(c, g1, 4, 3, ids, "t", &d), SP_EDATA);  /* empty group 2 */
    CHECK(strstr(sp_error_msg(), "has no unit") != NULL);
    double zg[] = {0, 0, 1, 2};
    CHECK_INT(sp_gini_dagum_compute(zg, g, 4, 2, ids, "t", &d), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "every value of group 1 is 0") != NULL);
    CHECK_INT(sp_gini_theil_compute(zg, g, 4, 2, ids, "t", &th), SP_OK);   /* T fine, L undefined */
    CHECK_INT(th.has_l, 0);
    CHECK(isfinite(th.t) && th.t > 0);
    CHECK_INT(sp_gini_cv(c, w, 4, 0, ids, "t", &out), SP_EDATA);
    CHECK_INT(sp_gini_cv(c, NULL, 4, 0, ids, "t", &out), SP_OK);
    CHECK_ABS(out, 0, 0);
}

int main(void)
{
    RUN(test_against_r);
    RUN(test_large);
    RUN(test_weighted);
    RUN(test_bad);
    return th_report("t_gini");
}
