/* Unit tests for core/sp_csr, core/sp_weights and core/sp_idmap. */
#include <stdlib.h>

#include "harness.h"
#include "sp_csr.h"
#include "sp_error.h"
#include "sp_idmap.h"
#include "sp_rng.h"
#include "sp_weights.h"

/* A path graph 0-1-2-3 plus an island 4. */
static sp_weights *path_with_island(void)
{
    int ti[] = {0, 1, 1, 2, 2, 3}, tj[] = {1, 0, 2, 1, 3, 2};
    sp_csr *w;
    sp_weights *W;
    sp_csr_from_triplets(5, 5, 6, ti, tj, NULL, &w);
    const char *ids[] = {"a", "b", "c", "d", "e"};
    sp_weights_new(5, ids, w, &W);
    return W;
}

static void test_triplets_sum_duplicates(void)
{
    int ti[] = {1, 0, 1, 1}, tj[] = {2, 1, 0, 2};
    double tx[] = {1.5, 2.0, 3.0, 0.5};
    sp_csr *a;
    CHECK_INT(sp_csr_from_triplets(2, 3, 4, ti, tj, tx, &a), SP_OK);
    CHECK_INT(sp_csr_nnz(a), 3);
    CHECK_REL(sp_csr_get(a, 1, 2), 2.0, 0);
    CHECK_REL(sp_csr_get(a, 1, 0), 3.0, 0);
    CHECK_INT(a->j[a->p[1]], 0); /* rows sorted */
    sp_csr *t, *tt;
    sp_csr_transpose(a, &t);
    sp_csr_transpose(t, &tt);
    CHECK(sp_csr_equal(a, tt));
    sp_csr_free(a); sp_csr_free(t); sp_csr_free(tt);
}

static void test_multiply_and_matvec(void)
{
    int ti[] = {0, 0, 1}, tj[] = {0, 1, 1};
    double tx[] = {1, 2, 3};
    sp_csr *a, *c;
    sp_csr_from_triplets(2, 2, 3, ti, tj, tx, &a);
    CHECK_INT(sp_csr_multiply(a, a, &c), SP_OK); /* [[1,8],[0,9]] */
    CHECK_REL(sp_csr_get(c, 0, 1), 8.0, 0);
    CHECK_REL(sp_csr_get(c, 1, 1), 9.0, 0);
    double x[] = {1, 1}, y[2];
    sp_csr_matvec(a, x, y);
    CHECK_REL(y[0], 3.0, 0);
    sp_csr_matvec_t(a, x, y);
    CHECK_REL(y[1], 5.0, 0);
    sp_csr_free(a); sp_csr_free(c);
}

static void test_standardize(void)
{
    sp_weights *W = path_with_island();
    CHECK_INT(sp_weights_standardize(W, SP_STD_ROW), SP_OK);
    CHECK_REL(sp_csr_get(W->w, 1, 0), 0.5, 1e-15);
    CHECK(sp_weights_is_row_standardized(W));
    CHECK(!sp_csr_is_symmetric(W->w, 0));
    sp_weights_standardize(W, SP_STD_BINARY);
    CHECK(sp_csr_is_symmetric(W->w, 0));
    /* Spectral radius of the path P4 is 2 cos(pi/5). */
    sp_weights_standardize(W, SP_STD_SPECTRAL);
    CHECK_REL(sp_csr_get(W->w, 0, 1), 1.0 / (2 * cos(M_PI / 5)), 1e-10);
    sp_weights_standardize(W, SP_STD_BINARY);
    sp_weights_standardize(W, SP_STD_MINMAX); /* max row sum 2 */
    CHECK_REL(sp_csr_get(W->w, 0, 1), 0.5, 1e-15);
    sp_weights_free(W);
}

static void test_summary_islands_components(void)
{
    sp_weights *W = path_with_island();
    sp_weights_summary s;
    CHECK_INT(sp_weights_summarize(W, &s), SP_OK);
    CHECK_INT(s.n, 5);
    CHECK_INT(s.nnz, 6);
    CHECK_INT(s.n_islands, 1);
    CHECK_INT(s.min_neighbors, 0);
    CHECK_INT(s.max_neighbors, 2);
    CHECK_INT(s.components, 2);
    CHECK(s.symmetric);
    int *isl, count;
    sp_weights_islands(W, &isl, &count);
    CHECK_INT(count, 1);
    CHECK_INT(isl[0], 4);
    free(isl);
    sp_weights_free(W);
}

static void test_higher_order(void)
{
    sp_weights *W = path_with_island(), *W2, *C2;
    CHECK_INT(sp_weights_order(W, 2, 0, &W2), SP_OK);
    CHECK_INT(sp_csr_nnz(W2->w), 4); /* a-c, b-d both ways */
    CHECK_REL(sp_csr_get(W2->w, 0, 2), 1.0, 0);
    CHECK_REL(sp_csr_get(W2->w, 0, 1), 0.0, 0);
    CHECK_INT(sp_weights_order(W, 2, 1, &C2), SP_OK);
    CHECK_INT(sp_csr_nnz(C2->w), 10);
    sp_weights_free(W); sp_weights_free(W2); sp_weights_free(C2);
}

static void test_link_and_align(void)
{
    sp_weights *W = path_with_island(), *A;
    CHECK_INT(sp_weights_add_link(W, 4, 0, 1.0), SP_OK);
    CHECK_INT(sp_csr_nnz(W->w), 8);
    CHECK(sp_csr_is_symmetric(W->w, 0));
    const char *order[] = {"e", "a", "b"};
    CHECK_INT(sp_weights_align(W, order, 3, "data", &A), SP_OK);
    CHECK_STR(A->ids[0], "e");
    CHECK_REL(sp_csr_get(A->w, 0, 1), 1.0, 0); /* e-a */
    CHECK_REL(sp_csr_get(A->w, 2, 1), 1.0, 0); /* b-a */
    CHECK_INT(sp_csr_nnz(A->w), 4);
    sp_weights_free(A);
    const char *bad[] = {"a", "zz"};
    CHECK_INT(sp_weights_align(W, bad, 2, "data.csv", &A), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "zz") != NULL);
    CHECK_INT(sp_weights_add_link(W, 1, 1, 1.0), SP_EUSAGE);
    sp_weights_free(W);
}

/* Whether two weights hold the same ids, row pointers, columns and values. */
static int same_weights(const sp_weights *a, const sp_weights *b)
{
    if (a->n != b->n || a->unnamed != b->unnamed || sp_csr_nnz(a->w) != sp_csr_nnz(b->w))
        return 0;
    int nnz = sp_csr_nnz(a->w);
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->ids[i], b->ids[i]) != 0 || a->w->p[i + 1] != b->w->p[i + 1])
            return 0;
    return memcmp(a->w->j, b->w->j, (size_t)nnz * sizeof *a->w->j) == 0 &&
           memcmp(a->w->x, b->w->x, (size_t)nnz * sizeof *a->w->x) == 0;
}

/* sp_weights_align_take: W itself when the ids are W's, in W's order (rows
 * put in order as the aligned copy has them), else the aligned copy with W
 * kept; sp_weights_in_order says which. */
static void test_align_take(void)
{
    sp_weights *W = path_with_island(), *A, *T;
    const char *own[] = {"a", "b", "c", "d", "e"}, *other[] = {"e", "a", "b", "c", "d"};
    CHECK_INT(W->n, 5);
    CHECK(sp_weights_in_order(W, own, 5));
    CHECK(!sp_weights_in_order(W, other, 5));
    CHECK(!sp_weights_in_order(W, own, 4));
    int k = W->w->p[1], tmp = W->w->j[k]; /* row b unsorted: a rare file */
    W->w->j[k] = W->w->j[k + 1], W->w->j[k + 1] = tmp;
    W->unnamed = 2;
    CHECK_INT(sp_weights_align(W, own, 5, "data", &A), SP_OK);
    sp_weights *kept = W;
    CHECK_INT(sp_weights_align_take(&W, own, 5, "data", &T), SP_OK);
    CHECK(W == NULL);
    CHECK(T == kept);
    CHECK(same_weights(T, A));
    sp_weights_free(A);
    W = T;
    CHECK_INT(sp_weights_align(W, other, 5, "data", &A), SP_OK);
    CHECK_INT(sp_weights_align_take(&W, other, 5, "data", &T), SP_OK);
    CHECK(W == kept);
    CHECK(same_weights(T, A));
    sp_weights_free(A); sp_weights_free(T);
    const char *bad[] = {"a", "zz"};
    CHECK_INT(sp_weights_align_take(&W, bad, 2, "data.csv", &T), SP_EDATA);
    CHECK(W == kept);
    sp_weights_free(W);
}

static void test_idmap_duplicates(void)
{
    const char *ids[] = {"x", "y", "x"};
    sp_idmap *m;
    CHECK_INT(sp_idmap_build(ids, 3, "f.csv", &m), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "duplicate id 'x'") != NULL);
    CHECK_INT(sp_idmap_build(ids, 2, "f.csv", &m), SP_OK);
    CHECK_INT(sp_idmap_find(m, "y"), 1);
    CHECK_INT(sp_idmap_find(m, "q"), -1);
    sp_idmap_free(m);
}

static void test_negative_weight_rejected(void)
{
    int ti[] = {0, 1}, tj[] = {1, 0};
    double tx[] = {-1, 1};
    sp_csr *w;
    sp_weights *W;
    sp_csr_from_triplets(2, 2, 2, ti, tj, tx, &w);
    sp_weights_new(2, NULL, w, &W);
    CHECK_STR(W->ids[1], "2");
    CHECK_INT(sp_weights_standardize(W, SP_STD_ROW), SP_EDATA);
    sp_weights_free(W);
}

/* The one-walk symmetry checks against entry-by-entry look-ups on random
 * small matrices: symmetric ones, then with one entry dropped, added or
 * changed. */
static void test_symmetry_walk(void)
{
    sp_rng r;
    sp_rng_init(&r, 5, 0, 0);
    int wrong = 0;
    for (int iter = 0; iter < 2000; iter++) {
        int n = 1 + (int)sp_rng_below(&r, 9), m = 0, ti[200], tj[200];
        double tx[200];
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
                if (sp_rng_uniform(&r) < 0.3) {
                    double v = 1 + (double)sp_rng_below(&r, 3);
                    ti[m] = i, tj[m] = j, tx[m++] = v;
                    if (i != j)
                        ti[m] = j, tj[m] = i, tx[m++] = v;
                }
        int change = (int)sp_rng_below(&r, 4); /* 0 none, 1 drop, 2 add, 3 value */
        if (change == 1 && m > 0)
            m--;
        if (change == 2)
            ti[m] = (int)sp_rng_below(&r, (uint32_t)n), tj[m] = (int)sp_rng_below(&r, (uint32_t)n),
            tx[m++] = 1.0;
        if (change == 3 && m > 0)
            tx[0] += 0.5;
        sp_csr *a;
        if (sp_csr_from_triplets(n, n, m, ti, tj, tx, &a))
            continue;
        int pat = 1, val = 1;
        for (int i = 0; i < n; i++)
            for (int k = a->p[i]; k < a->p[i + 1]; k++) {
                double w = sp_csr_get(a, a->j[k], i);
                int has = 0;
                for (int q = a->p[a->j[k]]; q < a->p[a->j[k] + 1]; q++)
                    has |= a->j[q] == i;
                pat &= has;
                val &= has && w == a->x[k];
            }
        wrong += sp_csr_pattern_symmetric(a) != pat || sp_csr_is_symmetric(a, 0.0) != val;
        sp_csr_free(a);
    }
    CHECK_INT(wrong, 0);
}

int main(void)
{
    RUN(test_triplets_sum_duplicates);
    RUN(test_multiply_and_matvec);
    RUN(test_standardize);
    RUN(test_summary_islands_components);
    RUN(test_higher_order);
    RUN(test_link_and_align);
    RUN(test_align_take);
    RUN(test_idmap_duplicates);
    RUN(test_negative_weight_rejected);
    RUN(test_symmetry_walk);
    return th_report("t_weights");
}
