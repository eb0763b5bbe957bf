/* Unit tests for core/sp_moran, sp_lisa, sp_getis, sp_fdr, sp_autocorr:
 * values against R spdep (fixtures from scripts/ref-autocorr.R), ArcGIS's Gi*
 * formula, permutation properties and thread-count independence. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sp_error.h"
#include "sp_fdr.h"
#include "sp_getis.h"
#include "sp_lisa.h"
#include "sp_moran.h"
#include "sp_rng.h"
#include "sp_simd.h"
#include "sp_table.h"
#include "sp_weights.h"
#include "sp_wio.h"

#define FIX TH_FIXTURES "/autocorr/"
#define TOL 1e-9

/* Relative to max(|want|, 1e-6): z-scores of exactly zero come out as +-1e-16. */
#define CHECK_NEAR(got, want, rel)                                            \
    do {                                                                      \
        double cn_w = (want);                                                 \
        CHECK_ABS((got), cn_w, (rel) * fmax(fabs(cn_w), 1e-6));               \
    } while (0)

/* ---- fixtures ---- */

static sp_table *table(const char *name)
{
    sp_table *t = NULL;
    char path[256];
    snprintf(path, sizeof path, "%s%s", FIX, name);
    if (sp_table_read(path, NULL, &t) != SP_OK)
        fprintf(stderr, "cannot read %s: %s\n", path, sp_error_msg());
    return t;
}

/* Rows of t whose `label` is label: their indices into rows[], count returned. */
static int rows_of(const sp_table *t, const char *label, int *rows)
{
    int c = sp_table_col(t, "label"), k = 0;
    for (int r = 0; r < t->nrow; r++)
        if (strcmp(sp_table_cell(t, r, c), label) == 0)
            rows[k++] = r;
    return k;
}

/* Numeric cell; NaN when empty (R's NA). */
static double num(const sp_table *t, int row, const char *col)
{
    const char *s = sp_table_cell(t, row, sp_table_col(t, col));
    double v;
    return s && sp_table_parse_double(s, &v) == 0 ? v : NAN;
}

static const char *str(const sp_table *t, int row, const char *col)
{
    return sp_table_cell(t, row, sp_table_col(t, col));
}

/* Weights file aligned to ids[] and standardised. */
static sp_weights *weights(const char *file, const char *const *ids, int n, sp_std style)
{
    char path[256];
    snprintf(path, sizeof path, "%s%s", FIX, file);
    sp_weights *W = NULL, *A = NULL;
    if (sp_wio_read(path, &W) || sp_weights_align(W, ids, n, path, &A) ||
        sp_weights_standardize(A, style)) {
        fprintf(stderr, "weights %s: %s\n", path, sp_error_msg());
        sp_weights_free(W);
        sp_weights_free(A);
        return NULL;
    }
    sp_weights_free(W);
    return A;
}

/* The variable of one label in a local fixture, with its ids. */
typedef struct series {
    int n;
    int rows[64];
    const char *ids[64];
    double x[64];
} series;

static void series_of(const sp_table *t, const char *label, series *s)
{
    s->n = rows_of(t, label, s->rows);
    for (int k = 0; k < s->n; k++) {
        s->ids[k] = str(t, s->rows[k], "id");
        s->x[k] = num(t, s->rows[k], "x");
    }
}

static const sp_moran_opts moran_plain = {0, {0, 12345, 1, SP_PERM_EXACT, NULL}};

/* ---- global Moran and Geary ---- */

static void check_global(const sp_table *ref, int row, const sp_moran_result *r)
{
    CHECK_INT(r->n, (int)num(ref, row, "n"));
    CHECK_REL(r->I.stat, num(ref, row, "I"), TOL);
    CHECK_REL(r->I.expect, num(ref, row, "EI"), TOL);
    CHECK_REL(r->I.var_norm, num(ref, row, "var_norm"), TOL);
    CHECK_REL(r->I.z_norm, num(ref, row, "z_norm"), TOL);
    CHECK_REL(r->I.p_norm, num(ref, row, "p_norm"), 1e-8);
    CHECK_REL(r->I.var_rand, num(ref, row, "var_rand"), TOL);
    CHECK_REL(r->I.z_rand, num(ref, row, "z_rand"), TOL);
    CHECK_REL(r->I.p_rand, num(ref, row, "p_rand"), 1e-8);
    CHECK_REL(r->C.stat, num(ref, row, "C"), TOL);
    CHECK_REL(r->C.var_norm, num(ref, row, "c_var_norm"), TOL);
    CHECK_REL(r->C.z_norm, num(ref, row, "c_z_norm"), TOL);
    CHECK_REL(r->C.p_norm, num(ref, row, "c_p_norm"), 1e-8);
    CHECK_REL(r->C.var_rand, num(ref, row, "c_var_rand"), TOL);
    CHECK_REL(r->C.z_rand, num(ref, row, "c_z_rand"), TOL);
    CHECK_REL(r->C.p_rand, num(ref, row, "c_p_rand"), 1e-8);
    CHECK(isnan(r->I.p_perm));
}

static sp_table *columbus_data(const char ***ids, int *n)
{
    sp_table *t = NULL;
    if (sp_table_read(TH_FIXTURES "/data/columbus.dbf", NULL, &t))
        return NULL;
    *n = t->nrow;
    *ids = malloc((size_t)t->nrow * sizeof **ids);
    int c = sp_table_col(t, "POLYID");
    for (int r = 0; r < t->nrow; r++)
        (*ids)[r] = sp_table_cell(t, r, c);
    return t;
}

static void test_global_columbus(void)
{
    const char **ids;
    int n;
    sp_table *data = columbus_data(&ids, &n), *ref = table("global_columbus.csv");
    CHECK(data && ref);
    if (!data || !ref)
        return;
    static const struct {
        const char *label, *var, *file;
        sp_std style;
        int adjust;
    } cases[] = {
        {"CRIME_W", "CRIME", "columbus_queen.gal", SP_STD_ROW, 0},
        {"INC_W", "INC", "columbus_queen.gal", SP_STD_ROW, 0},
        {"HOVAL_W", "HOVAL", "columbus_queen.gal", SP_STD_ROW, 0},
        {"CRIME_B", "CRIME", "columbus_queen.gal", SP_STD_BINARY, 0},
        {"CRIME_KNN_W", "CRIME", "columbus_knn4_idw.gwt", SP_STD_ROW, 0},
        {"CRIME_KNN_NONE", "CRIME", "columbus_knn4_idw.gwt", SP_STD_NONE, 0},
        {"CRIME_ISLAND_W", "CRIME", "columbus_island.gal", SP_STD_ROW, 0},
        {"CRIME_ISLAND_W_ADJ", "CRIME", "columbus_island.gal", SP_STD_ROW, 1},
    };
    double x[64];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        th_current = cases[c].label;
        int row;
        CHECK_INT(rows_of(ref, cases[c].label, &row), 1);
        CHECK_INT(sp_table_numeric(data, cases[c].var, NULL, x), SP_OK);
        sp_weights *W = weights(cases[c].file, ids, n, cases[c].style);
        CHECK(W != NULL);
        if (!W)
            continue;
        sp_moran_opts o = moran_plain;
        o.adjust_n = cases[c].adjust;
        sp_moran_result r;
        CHECK_INT(sp_moran_compute(W->w, x, cases[c].var, &o, &r), SP_OK);
        check_global(ref, row, &r);
        if (strstr(cases[c].label, "ISLAND")) {
            CHECK_INT(r.n_islands, 1);
            CHECK_INT(r.m, cases[c].adjust ? n - 1 : n);
        }
        sp_weights_free(W);
    }
    free(ids);
    sp_table_free(data);
    sp_table_free(ref);
}

static void test_global_china(void)
{
    sp_table *ref = table("global_china.csv"), *loc = table("local_china.csv");
    CHECK(ref && loc);
    if (!ref || !loc)
        return;
    for (int row = 0; row < ref->nrow; row++) {
        series s;
        series_of(loc, str(ref, row, "label"), &s);
        CHECK_INT(s.n, 31);
        sp_weights *W = weights("china_queen.gal", s.ids, s.n, SP_STD_ROW);
        CHECK(W != NULL);
        if (!W)
            continue;
        sp_moran_result r;
        CHECK_INT(sp_moran_compute(W->w, s.x, "ai_index", &moran_plain, &r), SP_OK);
        check_global(ref, row, &r);
        CHECK_INT(r.n_islands, 0);
        sp_weights_free(W);
    }
    sp_table_free(ref);
    sp_table_free(loc);
}

/* ---- local Moran ---- */

static void check_local(const sp_table *ref, const char *label, const char *file)
{
    series s;
    series_of(ref, label, &s);
    CHECK(s.n > 0);
    sp_weights *W = weights(file, s.ids, s.n, SP_STD_ROW);
    CHECK(W != NULL);
    if (!W)
        return;
    static const struct {
        sp_lisa_scale scale;
        sp_lisa_moments moments;
        const char *I, *E, *V, *Z, *P;
    } kinds[] = {
        {SP_LISA_SAMPLE, SP_LISA_TOTAL, "Ii", "EIi", "VIi", "ZIi", "PIi"},
        {SP_LISA_SAMPLE, SP_LISA_CONDITIONAL, "Ii", "EIi_c", "VIi_c", "ZIi_c", "PIi_c"},
        {SP_LISA_ML, SP_LISA_CONDITIONAL, "Ii_ml", "EIi_ml", "VIi_ml", "ZIi_ml", "PIi_ml"},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        sp_lisa_opts o = {kinds[k].scale, kinds[k].moments, 0.05, 0, {0, 12345, 1, SP_PERM_EXACT, NULL}};
        sp_lisa *L;
        CHECK_INT(sp_lisa_compute(W->w, s.x, label, &o, &L), SP_OK);
        for (int i = 0; i < s.n; i++) {
            int row = s.rows[i];
            int card = (int)num(ref, row, "card");
            CHECK_INT(L->nneigh[i], card);
            if (card == 0) { /* island: no local statistic */
                CHECK(isnan(L->I[i]) && isnan(L->zscore[i]) && L->quad[i] == SP_QUAD_NONE);
                CHECK(!L->sig[i]);
                continue;
            }
            CHECK_NEAR(L->I[i], num(ref, row, kinds[k].I), TOL);
            CHECK_NEAR(L->EI[i], num(ref, row, kinds[k].E), TOL);
            CHECK_REL(L->VI[i], num(ref, row, kinds[k].V), TOL);
            CHECK_NEAR(L->zscore[i], num(ref, row, kinds[k].Z), TOL);
            CHECK_REL(L->p_norm[i], num(ref, row, kinds[k].P), 1e-8);
            CHECK_INT(L->sig[i], L->p_norm[i] <= 0.05);
            if (kinds[k].scale == SP_LISA_SAMPLE) {
                CHECK_REL(L->z[i], num(ref, row, "z"), TOL);
                CHECK_REL(L->wz[i], num(ref, row, "wz"), TOL);
                CHECK_REL(L->z[i] * L->wz[i], L->I[i], TOL);
            }
        }
        sp_lisa_free(L);
    }
    sp_weights_free(W);
}

static void test_local_columbus(void)
{
    sp_table *ref = table("local_columbus.csv");
    CHECK(ref != NULL);
    if (!ref)
        return;
    check_local(ref, "CRIME_W", "columbus_queen.gal");
    check_local(ref, "CRIME_ISLAND_W", "columbus_island.gal");
    sp_table_free(ref);
}

static void test_local_china(void)
{
    sp_table *ref = table("local_china.csv");
    CHECK(ref != NULL);
    if (!ref)
        return;
    static const char *const years[] = {"2011", "2015", "2019", "2022"};
    for (int y = 0; y < 4; y++)
        check_local(ref, years[y], "china_queen.gal");
    sp_table_free(ref);
}

static void test_local_loo_and_quadrants(void)
{
    /* A line of 5 units; row-standardised path weights. */
    int ti[] = {0, 1, 1, 2, 2, 3, 3, 4}, tj[] = {1, 0, 2, 1, 3, 2, 4, 3};
    double tx[] = {1, .5, .5, .5, .5, .5, .5, 1};
    sp_csr *w;
    CHECK_INT(sp_csr_from_triplets(5, 5, 8, ti, tj, tx, &w), SP_OK);
    double x[] = {1, 2, 3, 10, 9};
    sp_lisa_opts o = {SP_LISA_LOO, SP_LISA_TOTAL, 0.05, 0, {0, 1, 1, SP_PERM_EXACT, NULL}};
    sp_lisa *L;
    CHECK_INT(sp_lisa_compute(w, x, "x", &o, &L), SP_OK);
    double mean = 5.0, D = 16 + 9 + 4 + 25 + 16;
    double d[] = {-4, -3, -2, 5, 4};
    double lag1 = 0.5 * d[0] + 0.5 * d[2];
    CHECK_REL(L->I[1], d[1] * lag1 / ((D - d[1] * d[1]) / 4.0), 1e-14);
    CHECK_INT(L->quad[0], SP_QUAD_LL);
    CHECK_INT(L->quad[3], SP_QUAD_HH);
    CHECK_INT(L->quad[2], SP_QUAD_LH); /* low value, mean of neighbours above the mean */
    CHECK_STR(sp_lisa_quad_name(SP_QUAD_HL), "HL");
    (void)mean;
    sp_lisa_free(L);
    sp_csr_free(w);
}

/* ---- Getis-Ord ---- */

static void check_localg(const sp_table *ref, const char *label, const char *file)
{
    series s;
    series_of(ref, label, &s);
    CHECK(s.n > 0);
    for (int style = 0; style < 2; style++) {
        /* Gi*: the file's weights plus self weight 1 (binary or the GWT values),
         * then optionally row-standardised: z is the same. */
        sp_weights *W = weights(file, s.ids, s.n, strstr(file, ".gal") ? SP_STD_BINARY : SP_STD_NONE);
        CHECK(W != NULL);
        if (!W)
            return;
        sp_csr *ws;
        CHECK_INT(sp_getis_add_self(W->w, 1.0, &ws), SP_OK);
        sp_csr_free(W->w);
        W->w = ws;
        if (style == 1)
            CHECK_INT(sp_weights_standardize(W, SP_STD_ROW), SP_OK);
        sp_getis_opts o = {1, 0, {0, 1, 1, SP_PERM_EXACT, NULL}};
        sp_getis *G;
        CHECK_INT(sp_getis_compute(W->w, s.x, label, &o, &G), SP_OK);
        for (int i = 0; i < s.n; i++) {
            int row = s.rows[i];
            CHECK_NEAR(G->zscore[i], num(ref, row, style ? "gstar_w" : "gstar_b"), TOL);
            CHECK_NEAR(G->zscore[i], num(ref, row, "gstar_arcgis"), TOL);
            CHECK_REL(G->p_norm[i], num(ref, row, "gstar_p"), 1e-8);
            CHECK_INT(G->nneigh[i], (int)num(ref, row, "card"));
            double p = G->p_norm[i], z = G->zscore[i];
            int b = p <= 0.01 ? 3 : p <= 0.05 ? 2 : p <= 0.10 ? 1 : 0;
            CHECK_INT(G->bin[i], z > 0 ? b : -b);
        }
        sp_getis_free(G);
        /* Gi without self: the diagonal is ignored */
        o.star = 0;
        sp_weights_free(W);
        W = weights(file, s.ids, s.n, strstr(file, ".gal") ? SP_STD_BINARY : SP_STD_NONE);
        CHECK_INT(sp_getis_compute(W->w, s.x, label, &o, &G), SP_OK);
        for (int i = 0; i < s.n; i++) {
            CHECK_NEAR(G->zscore[i], num(ref, s.rows[i], "gi_b"), TOL);
            CHECK_REL(G->p_norm[i], num(ref, s.rows[i], "gi_p"), 1e-8);
        }
        sp_getis_free(G);
        sp_weights_free(W);
    }
}

static void test_localg(void)
{
    sp_table *ref = table("localg_columbus.csv"), *china = table("localg_china.csv");
    CHECK(ref && china);
    if (!ref || !china)
        return;
    check_localg(ref, "CRIME_QUEEN", "columbus_queen.gal");
    check_localg(ref, "CRIME_KNN_IDW", "columbus_knn4_idw.gwt");
    static const char *const years[] = {"2011", "2015", "2019", "2022"};
    for (int y = 0; y < 4; y++)
        check_localg(china, years[y], "china_queen.gal");
    sp_table_free(ref);
    sp_table_free(china);
}

/* ---- FDR ---- */

static void test_fdr(void)
{
    double p[] = {0.001, 0.04, 0.03, NAN, 0.2, 0.011};
    unsigned char sig[6];
    double cut;
    /* m = 5 sorted: .001 .011 .03 .04 .2; k alpha/m at alpha .05: .01 .02 .03 .04 .05 */
    CHECK_INT(sp_fdr_bh(p, 6, 0.05, sig, &cut), SP_OK);
    CHECK_REL(cut, 0.04, 0);
    CHECK(sig[0] && sig[1] && sig[2] && !sig[3] && !sig[4] && sig[5]);
    CHECK_INT(sp_fdr_bh(p, 6, 0.001, sig, &cut), SP_OK);
    CHECK(!sig[0] && cut == 0.0);
    double q[] = {0.0004, 0.02, 0.07, 0.5};
    double z[] = {3.5, -2.3, 1.8, 0.6};
    signed char bin[4];
    CHECK_INT(sp_fdr_bins(q, z, 4, 0, bin), SP_OK);
    CHECK(bin[0] == 3 && bin[1] == -2 && bin[2] == 1 && bin[3] == 0);
    /* FDR cutoffs r/m x level: .01 rank 1 -> .0025; .05: .0125 .025 ...; .10: .025 .05 .075 .1 */
    CHECK_INT(sp_fdr_bins(q, z, 4, 1, bin), SP_OK);
    CHECK(bin[0] == 3 && bin[1] == -2 && bin[2] == 1 && bin[3] == 0);
    double r[] = {0.004, 0.02, 0.09, 0.5};
    CHECK_INT(sp_fdr_bins(r, z, 4, 1, bin), SP_OK);
    CHECK(bin[0] == 2 && bin[1] == -2 && bin[2] == 0 && bin[3] == 0);
}

/* ---- permutations ---- */

static sp_weights *columbus_queen_row(const char ***ids, double *x, sp_table **data)
{
    int n;
    *data = columbus_data(ids, &n);
    if (!*data)
        return NULL;
    sp_table_numeric(*data, "CRIME", NULL, x);
    return weights("columbus_queen.gal", *ids, n, SP_STD_ROW);
}

static void test_perm_global(void)
{
    const char **ids;
    sp_table *data;
    double x[64];
    sp_weights *W = columbus_queen_row(&ids, x, &data);
    CHECK(W != NULL);
    if (!W)
        return;
    sp_moran_opts o = {0, {9999, 2024, 1, SP_PERM_EXACT, NULL}};
    sp_moran_result a, b, c;
    CHECK_INT(sp_moran_compute(W->w, x, "CRIME", &o, &a), SP_OK);
    o.perm.threads = 2;
    CHECK_INT(sp_moran_compute(W->w, x, "CRIME", &o, &b), SP_OK);
    CHECK(memcmp(&a, &b, sizeof a) == 0); /* bit for bit across thread counts */
    o.perm.seed = 2025;
    CHECK_INT(sp_moran_compute(W->w, x, "CRIME", &o, &c), SP_OK);
    CHECK(c.I.mean_perm != a.I.mean_perm);
    /* Permutation moments are the randomisation moments. */
    double se = a.I.sd_perm / sqrt(9999.0);
    CHECK_ABS(a.I.mean_perm, a.I.expect, 5 * se);
    CHECK_REL(a.I.sd_perm * a.I.sd_perm, a.I.var_rand, 0.06);
    CHECK_ABS(a.C.mean_perm, 1.0, 5 * a.C.sd_perm / sqrt(9999.0));
    CHECK_REL(a.C.sd_perm * a.C.sd_perm, a.C.var_rand, 0.06);
    /* I = 0.50 is far in the tail: nothing permuted reaches it */
    CHECK_REL(a.I.p_perm, 1.0 / 10000.0, 0);
    CHECK_REL(a.C.p_perm, 1.0 / 10000.0, 0);
    CHECK(a.I.z_perm > 4.5);
    sp_weights_free(W);
    free(ids);
    sp_table_free(data);
}

/* Local permutations: moments equal the conditional ones (exact for the
 * conditional permutation null), p in range, determinism across threads.
 * Both schemes: the lookup table (sp_perm_method) gives every unit the same
 * conditional null, so the same moments hold for it unit by unit. */
static void check_perm_local_method(const sp_csr *w, const double *x, int n, int perm,
                                    sp_perm_method method)
{
    sp_lisa_opts o = {SP_LISA_ML, SP_LISA_CONDITIONAL, 0.05, 0, {perm, 99, 1, method, NULL}};
    sp_lisa *a, *b;
    CHECK_INT(sp_lisa_compute(w, x, "x", &o, &a), SP_OK);
    o.perm.threads = 2;
    CHECK_INT(sp_lisa_compute(w, x, "x", &o, &b), SP_OK);
    CHECK(memcmp(a->p_perm, b->p_perm, (size_t)n * sizeof(double)) == 0);
    CHECK(memcmp(a->perm_mean, b->perm_mean, (size_t)n * sizeof(double)) == 0);
    CHECK(memcmp(a->perm_sd, b->perm_sd, (size_t)n * sizeof(double)) == 0);
    int bad_mean = 0, bad_var = 0, bad_p = 0;
    for (int i = 0; i < n; i++) {
        if (a->nneigh[i] == 0)
            continue;
        double se = sqrt(a->VI[i] / perm);
        bad_mean += fabs(a->perm_mean[i] - a->EI[i]) > 5 * se + 1e-12;
        bad_var += fabs(a->perm_sd[i] * a->perm_sd[i] - a->VI[i]) > 0.1 * a->VI[i] + 1e-12;
        double k = a->p_perm[i] * (perm + 1);
        bad_p += !(a->p_perm[i] >= 1.0 / (perm + 1) && a->p_perm[i] <= 1.0 &&
                   fabs(k - round(k)) < 1e-6 && a->p[i] == a->p_perm[i]);
    }
    CHECK_INT(bad_mean, 0);
    CHECK_INT(bad_var, 0);
    CHECK_INT(bad_p, 0);
    sp_lisa_free(a);
    sp_lisa_free(b);
}

/* Both schemes pass; they are different draws (not the same p-values). */
static void check_perm_local(const sp_csr *w, const double *x, int n, int perm)
{
    check_perm_local_method(w, x, n, perm, SP_PERM_EXACT);
    check_perm_local_method(w, x, n, perm, SP_PERM_LOOKUP);
    sp_lisa_opts o = {SP_LISA_ML, SP_LISA_CONDITIONAL, 0.05, 0, {99, 99, 1, SP_PERM_EXACT, NULL}};
    sp_lisa *a, *b;
    CHECK_INT(sp_lisa_compute(w, x, "x", &o, &a), SP_OK);
    o.perm.method = SP_PERM_LOOKUP;
    CHECK_INT(sp_lisa_compute(w, x, "x", &o, &b), SP_OK);
    CHECK(n < 10 || memcmp(a->perm_mean, b->perm_mean, (size_t)n * sizeof(double)) != 0);
    sp_lisa_free(a);
    sp_lisa_free(b);
}

static void test_perm_local(void)
{
    const char **ids;
    sp_table *data;
    double x[64];
    sp_weights *W = columbus_queen_row(&ids, x, &data);
    CHECK(W != NULL);
    if (!W)
        return;
    check_perm_local(W->w, x, W->n, 20000);
    /* Small n, dense rows: repeated draws are frequent (the rejection path). */
    {
        int ti[32], tj[32], nnz = 0;
        for (int a = 0; a < 6; a++)
            for (int b = 0; b < 6; b++)
                if (a != b && (a + b) % 5 != 0)
                    ti[nnz] = a, tj[nnz++] = b;
        sp_csr *w6;
        sp_csr_from_triplets(6, 6, nnz, ti, tj, NULL, &w6);
        double x6[] = {3, 1, 4, 1.5, 9, 2.6};
        check_perm_local(w6, x6, 6, 20000);
        sp_csr_free(w6);
    }
    /* Rows longer than 16 neighbours take the partial-shuffle path. */
    sp_weights *W3;
    CHECK_INT(sp_weights_order(W, 3, 1, &W3), SP_OK);
    int kmax = 0;
    for (int i = 0; i < W3->n; i++)
        kmax = sp_weights_cardinality(W3, i) > kmax ? sp_weights_cardinality(W3, i) : kmax;
    CHECK(kmax > 16);
    sp_weights_standardize(W3, SP_STD_ROW);
    check_perm_local(W3->w, x, W3->n, 20000);
    /* A mask (one shard's units): the masked units get the same bits as in the
     * full run, both methods; the others -1 counts and NaN moments. */
    for (int method = SP_PERM_EXACT; method <= SP_PERM_LOOKUP; method++) {
        int n = W->n, ge[64], le[64], ge2[64], le2[64];
        double mean[64], sd[64], mean2[64], sd2[64];
        unsigned char only[64];
        for (int i = 0; i < n; i++)
            only[i] = i % 3 == 1;
        sp_perm_opts po = {999, 11, 2, (sp_perm_method)method, NULL};
        CHECK_INT(sp_autocorr_perm_local(W->w, x, &po, ge, le, mean, sd), SP_OK);
        po.only = only;
        po.threads = 1;
        CHECK_INT(sp_autocorr_perm_local(W->w, x, &po, ge2, le2, mean2, sd2), SP_OK);
        int same = 1, skipped = 1;
        for (int i = 0; i < n; i++) {
            if (only[i])
                same &= ge[i] == ge2[i] && le[i] == le2[i] && memcmp(&mean[i], &mean2[i], 8) == 0 &&
                        memcmp(&sd[i], &sd2[i], 8) == 0;
            else
                skipped &= ge2[i] == -1 && le2[i] == -1 && isnan(mean2[i]) && isnan(sd2[i]);
        }
        TH_RECORD(same, "mask (method %d): the shard's units as in the full run", method);
        TH_RECORD(skipped, "mask (method %d): the other units skipped", method);
    }
    /* Gi and Gi* on binary weights: the same seed gives the same p across
     * threads.  The conditional permutation null of Gi has exactly the
     * moments of the analytic Gi, so strong analytic hot spots stay strong. */
    sp_weights *B;
    sp_weights_copy(W, &B);
    sp_weights_standardize(B, SP_STD_BINARY);
    sp_csr *ws;
    sp_getis_add_self(B->w, 1.0, &ws);
    sp_getis_opts go = {1, 0, {999, 5, 1, SP_PERM_EXACT, NULL}};
    sp_getis *g1, *g2, *g0;
    CHECK_INT(sp_getis_compute(ws, x, "CRIME", &go, &g1), SP_OK);
    go.perm.threads = 2;
    CHECK_INT(sp_getis_compute(ws, x, "CRIME", &go, &g2), SP_OK);
    CHECK(memcmp(g1->p_perm, g2->p_perm, (size_t)W->n * sizeof(double)) == 0);
    CHECK(memcmp(g1->bin, g2->bin, (size_t)W->n) == 0);
    go.star = 0;
    CHECK_INT(sp_getis_compute(B->w, x, "CRIME", &go, &g0), SP_OK);
    int strong = 0, agree = 0;
    for (int i = 0; i < W->n; i++)
        if (fabs(g0->zscore[i]) > 3.0) {
            strong++;
            agree += g0->p_perm[i] <= 0.01;
        }
    CHECK(strong > 0);
    CHECK_INT(agree, strong);
    sp_getis_free(g0);
    sp_weights_free(B);
    sp_getis_free(g1);
    sp_getis_free(g2);
    sp_csr_free(ws);
    sp_weights_free(W3);
    sp_weights_free(W);
    free(ids);
    sp_table_free(data);
}

/* ---- the kernels' bits (issue 17) ----
 * A 90 x 90 queen lattice whose cells are numbered in a shuffled order (as
 * arbitrary ids are), and its third order (rows longer than 16): FNV-1a
 * hashes of every unit's counts and moment bits (local) and of the moment
 * bits of I and C (global), with 1 and 2 threads, against the values the
 * kernels gave before issue 17's rewrite (commit 0311cb9; PERM_BITS_PRINT
 * prints them). */
#define LAT 90

static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
    const unsigned char *b = p;
    for (size_t k = 0; k < len; k++)
        h = (h ^ b[k]) * 1099511628211ull;
    return h;
}

static sp_csr *shuffled_lattice(double *x)
{
    int n = LAT * LAT, *lab = malloc((size_t)n * sizeof *lab), nnz = 0;
    int *ti = malloc((size_t)n * 8 * sizeof *ti), *tj = malloc((size_t)n * 8 * sizeof *tj);
    double *tx = malloc((size_t)n * 8 * sizeof *tx);
    sp_rng r;
    sp_rng_init(&r, 17, 0, 0);
    for (int c = 0; c < n; c++)
        lab[c] = c;
    for (int c = n - 1; c > 0; c--) {
        int j = (int)sp_rng_below(&r, (uint32_t)c + 1), t = lab[c];
        lab[c] = lab[j];
        lab[j] = t;
    }
    for (int c = 0; c < n; c++) {
        int a = c / LAT, b = c % LAT, k = 0;
        for (int da = -1; da <= 1; da++)
            for (int db = -1; db <= 1; db++)
                k += (da || db) && a + da >= 0 && a + da < LAT && b + db >= 0 && b + db < LAT;
        for (int da = -1; da <= 1; da++)
            for (int db = -1; db <= 1; db++)
                if ((da || db) && a + da >= 0 && a + da < LAT && b + db >= 0 && b + db < LAT) {
                    ti[nnz] = lab[c];
                    tj[nnz] = lab[(a + da) * LAT + b + db];
                    tx[nnz++] = 1.0 / k;
                }
        x[lab[c]] = a + 0.5 * b + 10.0 * sp_rng_uniform(&r); /* a trend and noise */
    }
    sp_csr *w = NULL;
    sp_csr_from_triplets(n, n, nnz, ti, tj, tx, &w);
    free(lab);
    free(ti);
    free(tj);
    free(tx);
    return w;
}

static uint64_t local_bits(const sp_csr *w, const double *x, int perm, sp_perm_method method,
                           int threads)
{
    int n = w->nrow, *ge = malloc((size_t)n * sizeof *ge), *le = malloc((size_t)n * sizeof *le);
    double *mean = malloc((size_t)n * sizeof *mean), *sd = malloc((size_t)n * sizeof *sd);
    sp_perm_opts o = {perm, 12345, threads, method, NULL};
    uint64_t h = 14695981039346656037ull;
    if (sp_autocorr_perm_local(w, x, &o, ge, le, mean, sd) == SP_OK)
        for (int i = 0; i < n; i++) {
            h = fnv(h, &ge[i], sizeof ge[i]);
            h = fnv(h, &le[i], sizeof le[i]);
            h = fnv(h, &mean[i], sizeof mean[i]);
            h = fnv(h, &sd[i], sizeof sd[i]);
        }
    free(ge);
    free(le);
    free(mean);
    free(sd);
    return h;
}

static uint64_t global_bits(const sp_csr *w, const double *x, int perm, int threads)
{
    sp_moran_opts o = {0, {perm, 12345, threads, SP_PERM_EXACT, NULL}};
    sp_moran_result r;
    uint64_t h = 14695981039346656037ull;
    if (sp_moran_compute(w, x, "x", &o, &r) == SP_OK) {
        const sp_gtest *t[2] = {&r.I, &r.C};
        for (int k = 0; k < 2; k++) {
            h = fnv(h, &t[k]->p_perm, sizeof(double));
            h = fnv(h, &t[k]->mean_perm, sizeof(double));
            h = fnv(h, &t[k]->sd_perm, sizeof(double));
        }
    }
    return h;
}

static void test_perm_bits(void)
{
    static const struct {
        int order, perm, method; /* method -1: global Moran */
        uint64_t want;
    } cases[] = {
        {1, 999, 1, 0x5cef4d3b9878d65cull},
        {1, 5, 1, 0x47609771cc3e4736ull},
        {1, 999, 0, 0xc3d0efe86388340dull},
        {1, 5, 0, 0xa6fa10af868ac68aull},
        {1, 999, -1, 0x9ff6635a50cafd1cull},
        {1, 13, -1, 0xe3b3b8d82145e823ull},
        {3, 999, 1, 0x7a0562ed266dcabdull},
        {3, 199, 0, 0xdee0f52f2ee6dbafull},
        {3, 99, -1, 0x62234f2554306bfbull},
    };
    double *x = malloc(LAT * LAT * sizeof *x);
    sp_csr *w1 = shuffled_lattice(x), *w3 = NULL;
    sp_weights *W;
    CHECK_INT(sp_weights_new(LAT * LAT, NULL, w1, &W), SP_OK);
    sp_weights *W3;
    CHECK_INT(sp_weights_order(W, 3, 1, &W3), SP_OK);
    sp_weights_standardize(W3, SP_STD_ROW);
    w3 = W3->w;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (int threads = 1; threads <= 2; threads++) {
            const sp_csr *w = cases[c].order == 1 ? W->w : w3;
            uint64_t h = cases[c].method < 0 ? global_bits(w, x, cases[c].perm, threads)
                                             : local_bits(w, x, cases[c].perm,
                                                          (sp_perm_method)cases[c].method, threads);
            if (getenv("PERM_BITS_PRINT") && threads == 1)
                printf("    {%d, %d, %d, 0x%016llxull},\n", cases[c].order, cases[c].perm,
                       cases[c].method, (unsigned long long)h);
            TH_RECORD(h == cases[c].want, "order %d, %d permutations, method %d, %d thread%s: "
                      "bits %016llx, want %016llx", cases[c].order, cases[c].perm,
                      cases[c].method, threads, threads > 1 ? "s" : "", (unsigned long long)h,
                      (unsigned long long)cases[c].want);
        }
    sp_weights_free(W3);
    sp_weights_free(W);
    free(x);
}

/* ---- the exact scheme's kernels (issue 17) ----
 * The AVX-512 lanes against the scalar draws (sp_simd_cap plain), bit for bit (counts, mean and
 * sd of every unit), with 1 and 2 threads: the shuffled lattice (8100 units,
 * where a permutation's indices often repeat and the lanes are redone) and
 * its third order (rows over 16: the scalar path in both), and a map of
 * 3 * 10^6 units of which 300 are permuted (rows of 1..16 neighbours), where
 * Lemire's method rejects about 2 in 10^4 draws (n - 1 = 3 * 10^6, 2^32 mod
 * n - 1 = 967296): the test counts the repeats and rejections the scalar
 * streams meet (sp_perm_u32), so the redone lanes are known to be exercised. */
static int kernels_same(const sp_csr *w, const double *x, int perm, uint64_t seed, int threads,
                        const unsigned char *only)
{
    int n = w->nrow, same = 1;
    int *ge[2], *le[2];
    double *mean[2], *sd[2];
    for (int k = 0; k < 2; k++) {
        ge[k] = malloc((size_t)n * sizeof(int));
        le[k] = malloc((size_t)n * sizeof(int));
        mean[k] = malloc((size_t)n * sizeof(double));
        sd[k] = malloc((size_t)n * sizeof(double));
        sp_perm_opts o = {perm, seed, threads, SP_PERM_EXACT, only};
        sp_simd_cap(k == 0 ? SP_SIMD_PLAIN : SP_SIMD_AVX512);
        same &= sp_autocorr_perm_local(w, x, &o, ge[k], le[k], mean[k], sd[k]) == SP_OK;
    }
    sp_simd_cap(SP_SIMD_AVX512);
    same &= memcmp(ge[0], ge[1], (size_t)n * sizeof(int)) == 0 &&
            memcmp(le[0], le[1], (size_t)n * sizeof(int)) == 0 &&
            memcmp(mean[0], mean[1], (size_t)n * sizeof(double)) == 0 &&
            memcmp(sd[0], sd[1], (size_t)n * sizeof(double)) == 0;
    for (int k = 0; k < 2; k++) {
        free(ge[k]);
        free(le[k]);
        free(mean[k]);
        free(sd[k]);
    }
    return same;
}

/* Over the permutations of the units with mask[i] (NULL: all) and at most 16
 * neighbours: how many first draws repeat an index (*rep) and how many of
 * the draws Lemire's method rejects (*rej), by the scalar stream. */
static void stream_events(const sp_csr *w, const unsigned char *mask, int perm, uint64_t seed,
                          long *rep, long *rej)
{
    uint32_t bound = (uint32_t)(w->nrow - 1), thr = (uint32_t)(-bound) % bound;
    *rep = *rej = 0;
    for (int i = 0; i < w->nrow; i++) {
        int k = w->p[i + 1] - w->p[i];
        if (k == 0 || k > 16 || (mask && !mask[i]))
            continue;
        uint64_t key = sp_perm_key(seed, (uint32_t)i);
        for (int p = 0; p < perm; p++) {
            sp_perm_draw d;
            sp_perm_draw_init(&d, key, (uint32_t)p);
            uint32_t j[16];
            int dup = 0;
            for (int m = 0; m < k; m++) {
                uint64_t prod = (uint64_t)sp_perm_u32(&d) * bound;
                *rej += (uint32_t)prod < thr;
                j[m] = (uint32_t)(prod >> 32);
                for (int q = 0; q < m; q++)
                    dup |= j[q] == j[m];
            }
            *rep += dup;
        }
    }
}

static void test_perm_kernels(void)
{
    if (sp_simd_level() < SP_SIMD_AVX512) {
        printf("t_autocorr: no AVX-512 here: the lanes are not tested\n");
        return;
    }
    double *x = malloc(LAT * LAT * sizeof *x);
    sp_csr *w1 = shuffled_lattice(x);
    sp_weights *W, *W3;
    CHECK_INT(sp_weights_new(LAT * LAT, NULL, w1, &W), SP_OK);
    CHECK_INT(sp_weights_order(W, 3, 1, &W3), SP_OK);
    sp_weights_standardize(W3, SP_STD_ROW);
    long rep, rej;
    stream_events(W->w, NULL, 999, 12345, &rep, &rej);
    TH_RECORD(rep > 1000, "lattice: %ld permutations with a repeated index", rep);
    static const int perms[] = {999, 5, 1, 8, 17};
    for (size_t c = 0; c < sizeof perms / sizeof perms[0]; c++)
        for (int t = 1; t <= 2; t++)
            TH_RECORD(kernels_same(W->w, x, perms[c], 12345, t, NULL),
                      "lattice, %d permutations, %d thread(s): AVX-512 = scalar", perms[c], t);
    TH_RECORD(kernels_same(W3->w, x, 99, 7, 2, NULL),
              "third-order lattice (rows to 48), 99 permutations: AVX-512 = scalar");
    sp_weights_free(W3);
    sp_weights_free(W);
    free(x);

    /* 3 * 10^6 units, 300 of them with 1..16 neighbours (weights 1/k) */
    int n = 3000001, units = 300, nnz = 0;
    int *ti = malloc(units * 16 * sizeof *ti), *tj = malloc(units * 16 * sizeof *tj);
    double *tx = malloc(units * 16 * sizeof *tx), *v = malloc((size_t)n * sizeof *v);
    unsigned char *mask = calloc((size_t)n, 1);
    sp_rng r;
    sp_rng_init(&r, 99, 0, 0);
    for (int i = 0; i < n; i++)
        v[i] = sp_rng_uniform(&r) - 0.5;
    for (int a = 0; a < units; a++) {
        int i = a * 9973, k = 1 + a % 16;
        mask[i] = 1;
        for (int m = 0; m < k; m++) {
            ti[nnz] = i;
            tj[nnz] = (i + 1 + m * 7) % n;
            tx[nnz++] = 1.0 / k;
        }
    }
    sp_csr *big;
    CHECK_INT(sp_csr_from_triplets(n, n, nnz, ti, tj, tx, &big), SP_OK);
    stream_events(big, mask, 999, 3, &rep, &rej);
    TH_RECORD(rej > 100, "3e6 units: %ld draws rejected by Lemire's method", rej);
    TH_RECORD(kernels_same(big, v, 999, 3, 2, mask), "3e6 units, 999 permutations: AVX-512 = scalar");
    TH_RECORD(kernels_same(big, v, 1, 3, 1, mask), "3e6 units, 1 permutation: AVX-512 = scalar");
    sp_csr_free(big);
    free(ti);
    free(tj);
    free(tx);
    free(v);
    free(mask);
}

/* ---- bad input ---- */

static void test_bad_input(void)
{
    int ti[] = {0, 1, 1, 2, 2, 3}, tj[] = {1, 0, 2, 1, 3, 2};
    sp_csr *w;
    sp_csr_from_triplets(4, 4, 6, ti, tj, NULL, &w);
    sp_moran_result r;
    double constant[] = {2, 2, 2, 2};
    CHECK_INT(sp_moran_compute(w, constant, "v", &moran_plain, &r), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "constant") != NULL);
    double bad[] = {1, NAN, 2, 3};
    CHECK_INT(sp_moran_compute(w, bad, "v", &moran_plain, &r), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "unit 2") != NULL);
    sp_csr *w2;
    int ui[] = {0, 1}, uj[] = {1, 0};
    sp_csr_from_triplets(2, 2, 2, ui, uj, NULL, &w2);
    double two[] = {1, 2};
    CHECK_INT(sp_moran_compute(w2, two, "v", &moran_plain, &r), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "at least 3") != NULL);
    /* self weight: Moran and LISA refuse it, Gi* takes it */
    int si[] = {0, 0, 1, 1, 2, 2, 3}, sj[] = {0, 1, 0, 2, 1, 3, 2};
    sp_csr *ws;
    sp_csr_from_triplets(4, 4, 7, si, sj, NULL, &ws);
    double ok[] = {1, 2, 4, 3};
    CHECK_INT(sp_moran_compute(ws, ok, "v", &moran_plain, &r), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "self weight") != NULL);
    sp_getis_opts go = {1, 0, {0, 1, 1, SP_PERM_EXACT, NULL}};
    sp_getis *G;
    CHECK_INT(sp_getis_compute(ws, ok, "v", &go, &G), SP_OK);
    sp_getis_free(G);
    /* all islands */
    sp_csr *empty;
    sp_csr_from_triplets(4, 4, 0, NULL, NULL, NULL, &empty);
    CHECK_INT(sp_moran_compute(empty, ok, "v", &moran_plain, &r), SP_EDATA);
    /* n = 4: randomisation variance defined; n = 3 it is not (m - 3 = 0) */
    CHECK_INT(sp_moran_compute(w, ok, "v", &moran_plain, &r), SP_OK);
    CHECK(isfinite(r.I.var_rand));
    sp_csr *w3;
    int ai[] = {0, 1, 1, 2}, aj[] = {1, 0, 2, 1};
    sp_csr_from_triplets(3, 3, 4, ai, aj, NULL, &w3);
    CHECK_INT(sp_moran_compute(w3, ok, "v", &moran_plain, &r), SP_OK);
    CHECK(isnan(r.I.var_rand) && isfinite(r.I.var_norm));
    sp_lisa_opts lo = {SP_LISA_SAMPLE, SP_LISA_TOTAL, 1.5, 0, {0, 1, 1, SP_PERM_EXACT, NULL}};
    sp_lisa *L;
    CHECK_INT(sp_lisa_compute(w, ok, "v", &lo, &L), SP_EUSAGE);
    sp_csr_free(w);
    sp_csr_free(w2);
    sp_csr_free(ws);
    sp_csr_free(empty);
    sp_csr_free(w3);
}

int main(void)
{
    RUN(test_global_columbus);
    RUN(test_global_china);
    RUN(test_local_columbus);
    RUN(test_local_china);
    RUN(test_local_loo_and_quadrants);
    RUN(test_localg);
    RUN(test_fdr);
    RUN(test_perm_global);
    RUN(test_perm_local);
    RUN(test_perm_bits);
    RUN(test_perm_kernels);
    RUN(test_bad_input);
    return th_report("t_autocorr");
}
