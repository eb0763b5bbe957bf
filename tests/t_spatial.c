/* Unit tests for spatial/: k-d tree, distances, knn and band weights against
 * brute force, and contiguity on the bundled China layers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sp_contig.h"
#include "sp_dist.h"
#include "sp_error.h"
#include "sp_kdtree.h"
#include "sp_layer.h"
#include "sp_points.h"
#include "sp_table.h"
#include "sp_rng.h"

#define NPTS 600

static void random_points(int arc, double *x, double *y)
{
    sp_rng r;
    sp_rng_init(&r, 7, arc, 0);
    for (int i = 0; i < NPTS; i++) {
        x[i] = arc ? 70 + 65 * sp_rng_uniform(&r) : 1000 * sp_rng_uniform(&r);
        y[i] = arc ? 15 + 40 * sp_rng_uniform(&r) : 1000 * sp_rng_uniform(&r);
    }
}

/* Brute-force k nearest of unit i, by (distance, index): selection by scanning. */
static void brute_knn(const double *x, const double *y, int i, int k, sp_metric m, int *idx)
{
    double last_d = -1.0;
    int last_j = -1;
    for (int r = 0; r < k; r++) {
        double best_d = INFINITY;
        int best_j = -1;
        for (int j = 0; j < NPTS; j++) {
            double d = sp_dist_pair(m, x[i], y[i], x[j], y[j]);
            int after = d > last_d || (d == last_d && j > last_j);
            if (j != i && after && (d < best_d || (d == best_d && j < best_j))) {
                best_d = d;
                best_j = j;
            }
        }
        idx[r] = best_j;
        last_d = best_d;
        last_j = best_j;
    }
}

static void check_knn(sp_metric m)
{
    double x[NPTS], y[NPTS];
    random_points(m != SP_METRIC_EUCLID, x, y);
    sp_csr *w;
    CHECK_INT(sp_dist_knn(x, y, NPTS, 5, m, &w), SP_OK);
    int bad = 0;
    for (int i = 0; i < NPTS; i++) {
        int idx[5];
        brute_knn(x, y, i, 5, m, idx);
        for (int r = 0; r < 5; r++)
            if (sp_csr_get(w, i, idx[r]) == 0.0)
                bad++;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(sp_csr_nnz(w), NPTS * 5);
    sp_csr_free(w);
}

static void test_knn_matches_brute_force(void)
{
    check_knn(SP_METRIC_EUCLID);
    check_knn(SP_METRIC_GEODESIC);
    check_knn(SP_METRIC_SPHERE);
}

static void test_band_matches_brute_force(void)
{
    double x[NPTS], y[NPTS];
    random_points(1, x, y);
    sp_csr *w;
    CHECK_INT(sp_dist_band(x, y, NPTS, 100, 400, SP_METRIC_ANDOYER, &w), SP_OK);
    int expected = 0, bad = 0;
    for (int i = 0; i < NPTS; i++)
        for (int j = 0; j < NPTS; j++) {
            double d = sp_dist_pair(SP_METRIC_ANDOYER, x[i], y[i], x[j], y[j]);
            if (i == j || d < 100 || d > 400)
                continue;
            expected++;
            if (sp_csr_get(w, i, j) != d)
                bad++;
        }
    CHECK_INT(sp_csr_nnz(w), expected);
    CHECK_INT(bad, 0);
    sp_csr_free(w);
}

static void test_distance_formulas(void)
{
    /* Beijing - Shanghai: R sp::spDists(longlat = TRUE) gives 1065.6204002284246;
     * PROJ/GeographicLib geodesic 1065.615456586989 km. */
    CHECK_REL(sp_dist_pair(SP_METRIC_ANDOYER, 116.4, 39.9, 121.47, 31.23), 1065.6204002284246, 1e-13);
    CHECK_REL(sp_dist_pair(SP_METRIC_GEODESIC, 116.4, 39.9, 121.47, 31.23), 1065.615456586989, 1e-12);
    /* Quarter meridian on the sphere: pi/2 * 6371. */
    CHECK_REL(sp_dist_pair(SP_METRIC_SPHERE, 0, 0, 0, 90), M_PI / 2 * 6371.0, 1e-14);
    CHECK_REL(sp_dist_pair(SP_METRIC_EUCLID, 0, 0, 3, 4), 5.0, 0);
    CHECK_ABS(sp_dist_pair(SP_METRIC_ANDOYER, 10, 10, 10, 10), 0.0, 0);
    double bad_lat[] = {95};
    double lon[] = {10};
    CHECK_INT(sp_dist_check_lonlat(lon, bad_lat, 1, NULL), SP_EDATA);
}

static void test_knn_rejects_bad_k(void)
{
    double x[3] = {0, 1, 2}, y[3] = {0, 0, 0};
    sp_csr *w;
    CHECK_INT(sp_dist_knn(x, y, 3, 3, SP_METRIC_EUCLID, &w), SP_EUSAGE);
    CHECK_INT(sp_dist_band(x, y, 3, 2, 1, SP_METRIC_EUCLID, &w), SP_EUSAGE);
}

static void test_kdtree_radius_count(void)
{
    double xyz[3 * 100];
    for (int i = 0; i < 100; i++) {
        xyz[3 * i] = i % 10;
        xyz[3 * i + 1] = i / 10;
        xyz[3 * i + 2] = 0;
    }
    sp_kdtree *t;
    CHECK_INT(sp_kdtree_build(xyz, 100, &t), SP_OK);
    int idx[4];
    double d[4];
    double q[3] = {5, 5, 0};
    CHECK_INT(sp_kdtree_knn(t, q, 4, 55, idx, d), 4);
    CHECK_REL(d[0], 1.0, 0);
    CHECK_INT(idx[0], 45); /* ties by index */
    sp_kdtree_free(t);
}

static void test_contiguity_provinces(void)
{
    sp_layer *L;
    CHECK_INT(sp_layer_read("shapefiles/china_provinces.shp", NULL, "adcode",
                            SP_LAYER_NEED_GEOMETRY, &L), SP_OK);
    if (!L)
        return;
    CHECK_INT(L->n, 34);
    CHECK(L->geographic);
    sp_csr *q, *r;
    CHECK_INT(sp_contig_build(L->geoms, L->n, SP_CONTIG_QUEEN, 1e-7, &q), SP_OK);
    CHECK_INT(sp_contig_build(L->geoms, L->n, SP_CONTIG_ROOK, 1e-7, &r), SP_OK);
    CHECK(sp_csr_is_symmetric(q, 0));
    CHECK_INT(sp_csr_nnz(q), 140); /* R spdep poly2nb: 140 queen links, 138 rook */
    CHECK_INT(sp_csr_nnz(r), 138);
    sp_csr_free(q);
    sp_csr_free(r);
    sp_layer_free(L);
}

/* Two matrices with the same pattern (contiguity is binary). */
static int same_pattern(const sp_csr *a, const sp_csr *b)
{
    if (a->nrow != b->nrow || sp_csr_nnz(a) != sp_csr_nnz(b))
        return 0;
    for (int i = 0; i <= a->nrow; i++)
        if (a->p[i] != b->p[i])
            return 0;
    for (int k = 0; k < sp_csr_nnz(a); k++)
        if (a->j[k] != b->j[k])
            return 0;
    return 1;
}

/* The vertex-only path (SP_LAYER_VERTICES + sp_contig_build_xy, what
 * spill weights uses) equals the GEOS path, queen and rook, on both layers. */
static void check_contiguity_vertices(const char *path, const char *id)
{
    sp_layer *G, *V;
    CHECK_INT(sp_layer_read(path, NULL, id, SP_LAYER_NEED_GEOMETRY, &G), SP_OK);
    CHECK_INT(sp_layer_read(path, NULL, id, SP_LAYER_NEED_GEOMETRY | SP_LAYER_VERTICES, &V),
              SP_OK);
    if (!G || !V)
        return;
    CHECK(V->geoms == NULL && V->xy != NULL && V->vstart[V->n] > (size_t)V->n);
    for (int rule = 0; rule < 2; rule++) {
        sp_csr *a = NULL, *b = NULL;
        CHECK_INT(sp_contig_build(G->geoms, G->n, (sp_contig_rule)rule, 1e-7, &a), SP_OK);
        CHECK_INT(sp_contig_build_xy(V->xy, V->vstart, V->n, (sp_contig_rule)rule, 1e-7, &b),
                  SP_OK);
        CHECK(a && b && same_pattern(a, b));
        sp_csr_free(a);
        sp_csr_free(b);
    }
    sp_layer_free(G);
    sp_layer_free(V);
}

static void test_contiguity_vertices(void)
{
    check_contiguity_vertices("shapefiles/china_provinces.shp", "adcode");
    check_contiguity_vertices("shapefiles/china_cities.shp", "adcode");
}

/* A G x G grid of unit squares, each side cut into S segments (rings closed),
 * unit 0's upper-right corner repeated 20 times: queen links the 8 around a
 * unit, rook the 4 that share a side (a corner is one point, however often
 * a unit repeats it). */
#define GRID_G 60
#define GRID_S 10

static double *grid_vertices(size_t *start)
{
    size_t per = 4 * GRID_S + 1, count = (size_t)GRID_G * GRID_G * per + 20;
    double *xy = malloc(2 * count * sizeof *xy), *at = xy;
    for (int u = 0; u < GRID_G * GRID_G; u++) {
        int r = u / GRID_G, c = u % GRID_G;
        start[u] = (size_t)(at - xy) / 2;
        for (int side = 0; side < 4; side++)
            for (int k = 0; k < GRID_S; k++) {
                double t = (double)k / GRID_S, x, y;
                if (side == 0) x = c + t, y = r;               /* bottom, left to right */
                else if (side == 1) x = c + 1, y = r + t;      /* right, upwards */
                else if (side == 2) x = c + 1 - t, y = r + 1;  /* top, right to left */
                else x = c, y = r + 1 - t;                     /* left, downwards */
                if (side == 1 && k == 0 && u == 0)
                    for (int rep = 0; rep < 20; rep++)          /* (1, 0) repeated */
                        *at++ = x, *at++ = y;
                *at++ = x, *at++ = y;
            }
        *at++ = c, *at++ = r; /* closing point */
    }
    start[GRID_G * GRID_G] = (size_t)(at - xy) / 2;
    return xy;
}

/* Whether w links exactly the grid neighbours of the rule. */
static int grid_expected(const sp_csr *w, sp_contig_rule rule)
{
    int n = GRID_G * GRID_G;
    for (int u = 0; u < n; u++) {
        int r = u / GRID_G, c = u % GRID_G, count = 0;
        for (int dr = -1; dr <= 1; dr++)
            for (int dc = -1; dc <= 1; dc++) {
                int rr = r + dr, cc = c + dc;
                if ((!dr && !dc) || rr < 0 || cc < 0 || rr >= GRID_G || cc >= GRID_G ||
                    (rule == SP_CONTIG_ROOK && dr && dc))
                    continue;
                count++;
                if (sp_csr_get(w, u, rr * GRID_G + cc) != 1.0)
                    return 0;
            }
        if (w->p[u + 1] - w->p[u] != count)
            return 0;
    }
    return 1;
}

/* The same matrix on 1, 2, 3 and 8 threads, right on the grid, with the
 * default-sized cells (columns counted into strips) and tiny ones (strips
 * far wider than their vertices: radix-sorted); the China cities too. */
static void test_contiguity_threads(void)
{
    size_t *start = malloc((GRID_G * GRID_G + 1) * sizeof *start);
    double *xy = grid_vertices(start);
    const double snaps[2] = {0.01, 1e-12};
    for (int rule = 0; rule < 2; rule++)
        for (int s = 0; s < 2; s++) {
            sp_csr *one = NULL;
            CHECK_INT(sp_contig_build_xy_threads(xy, start, GRID_G * GRID_G, (sp_contig_rule)rule,
                                                 snaps[s], 1, &one), SP_OK);
            TH_RECORD(one && grid_expected(one, (sp_contig_rule)rule), "grid rule %d snap %g",
                      rule, snaps[s]);
            for (int t = 2; t <= 8 && one; t = t == 3 ? 8 : t + 1) {
                sp_csr *w = NULL;
                CHECK_INT(sp_contig_build_xy_threads(xy, start, GRID_G * GRID_G,
                                                     (sp_contig_rule)rule, snaps[s], t, &w), SP_OK);
                TH_RECORD(w && sp_csr_equal(one, w), "grid rule %d snap %g: %d threads differ",
                          rule, snaps[s], t);
                sp_csr_free(w);
            }
            sp_csr_free(one);
        }
    free(xy);
    free(start);
    sp_layer *V;
    CHECK_INT(sp_layer_read("shapefiles/china_cities.shp", NULL, "adcode",
                            SP_LAYER_NEED_GEOMETRY | SP_LAYER_VERTICES, &V), SP_OK);
    for (int rule = 0; V && rule < 2; rule++) {
        sp_csr *a = NULL, *b = NULL;
        CHECK_INT(sp_contig_build_xy_threads(V->xy, V->vstart, V->n, (sp_contig_rule)rule, 1e-7,
                                             1, &a), SP_OK);
        CHECK_INT(sp_contig_build_xy_threads(V->xy, V->vstart, V->n, (sp_contig_rule)rule, 1e-7,
                                             2, &b), SP_OK);
        CHECK(a && b && sp_csr_equal(a, b));
        sp_csr_free(a);
        sp_csr_free(b);
    }
    sp_layer_free(V);
}

/* A vertex with a non-finite coordinate is an error naming its unit. */
static void test_contiguity_nonfinite(void)
{
    double xy[8] = {0, 0, 1, 0, 1, NAN, 0, 1};
    size_t start[3] = {0, 2, 4};
    sp_csr *w = NULL;
    CHECK_INT(sp_contig_build_xy(xy, start, 2, SP_CONTIG_QUEEN, 0.01, &w), SP_EDATA);
    CHECK(w == NULL && strstr(sp_error_msg(), "unit 2 has a vertex with a non-finite") != NULL);
}

/* GEOS centroids equal sf::st_centroid (s2 off) from scripts/ref-weights.R. */
static void check_centroids(const char *layer_path, const char *id, const char *fixture)
{
    sp_layer *L;
    sp_table *t;
    CHECK_INT(sp_layer_read(layer_path, NULL, id, SP_LAYER_NEED_GEOMETRY, &L), SP_OK);
    CHECK_INT(sp_table_read(fixture, NULL, &t), SP_OK);
    if (!L || !t)
        return;
    CHECK_INT(t->nrow, L->n);
    double *x = malloc(sizeof(double) * L->n), *y = malloc(sizeof(double) * L->n);
    double *rx = malloc(sizeof(double) * L->n), *ry = malloc(sizeof(double) * L->n);
    CHECK_INT(sp_points_centroids(L->geoms, L->n, NULL, x, y), SP_OK);
    CHECK_INT(sp_table_numeric(t, "x", NULL, rx), SP_OK);
    CHECK_INT(sp_table_numeric(t, "y", NULL, ry), SP_OK);
    int bad = 0;
    for (int i = 0; i < L->n; i++) {
        bad += strcmp(sp_table_cell(t, i, 0), L->ids[i]) != 0;
        bad += fabs(x[i] - rx[i]) > 1e-9 * fabs(rx[i]) || fabs(y[i] - ry[i]) > 1e-9 * fabs(ry[i]);
    }
    CHECK_INT(bad, 0);
    free(x); free(y); free(rx); free(ry);
    sp_table_free(t);
    sp_layer_free(L);
}

static void test_centroids_match_r(void)
{
    check_centroids("tests/fixtures/data/columbus.shp", "POLYID",
                    TH_FIXTURES "/weights/columbus_centroids.csv");
    check_centroids("shapefiles/china_provinces.shp", "adcode",
                    TH_FIXTURES "/weights/china_provinces_centroids.csv");
    check_centroids("shapefiles/china_cities.shp", "adcode",
                    TH_FIXTURES "/weights/china_cities_centroids.csv");
}

/* The Andoyer-Lambert distances equal R sp::spDists(longlat = TRUE). */
static void test_capital_distances_match_r(void)
{
    sp_table *caps, *dist;
    CHECK_INT(sp_table_read(TH_FIXTURES "/weights/capitals.csv", NULL, &caps), SP_OK);
    CHECK_INT(sp_table_read(TH_FIXTURES "/weights/capitals_dist.csv", NULL, &dist), SP_OK);
    if (!caps || !dist)
        return;
    int n = caps->nrow, bad = 0;
    double lon[64], lat[64];
    CHECK_INT(sp_table_numeric(caps, "cap_lon", NULL, lon), SP_OK);
    CHECK_INT(sp_table_numeric(caps, "cap_lat", NULL, lat), SP_OK);
    double worst_geodesic = 0.0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double want, got = sp_dist_pair(SP_METRIC_ANDOYER, lon[i], lat[i], lon[j], lat[j]);
            sp_table_parse_double(sp_table_cell(dist, i, j + 1), &want);
            bad += fabs(got - want) > 1e-12 * fmax(want, 1.0);
            if (i != j)
                worst_geodesic = fmax(worst_geodesic,
                    fabs(sp_dist_pair(SP_METRIC_GEODESIC, lon[i], lat[i], lon[j], lat[j]) - want) / want);
        }
    CHECK_INT(bad, 0);
    CHECK(worst_geodesic < 1e-4); /* the first-order formula is good to ~1e-5 */
    sp_table_free(caps);
    sp_table_free(dist);
}

int main(void)
{
    RUN(test_centroids_match_r);
    RUN(test_capital_distances_match_r);
    RUN(test_knn_matches_brute_force);
    RUN(test_band_matches_brute_force);
    RUN(test_distance_formulas);
    RUN(test_knn_rejects_bad_k);
    RUN(test_kdtree_radius_count);
    RUN(test_contiguity_provinces);
    RUN(test_contiguity_vertices);
    RUN(test_contiguity_threads);
    RUN(test_contiguity_nonfinite);
    return th_report("t_spatial");
}
