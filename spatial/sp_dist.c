/* sp_dist: distances between unit points and the distance-based weights; see sp_dist.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sp_dist.h"
#include "sp_error.h"
#include "sp_geod.h"
#include "sp_kdtree.h"

#define WGS84_A 6378.137
#define WGS84_F (1.0 / 298.257223563)
#define SPHERE_R 6371.0
#define DEG (M_PI / 180.0)
/* Ellipsoidal and spherical (R = 6371 km) distances differ by well under 1 %,
 * so a tree search on the sphere widened by this factor finds every candidate. */
#define ARC_SLACK 1.01

static const char *const metric_names[] = {"euclid", "geodesic", "andoyer", "sphere"};

int sp_dist_metric_parse(const char *name, sp_metric *out)
{
    for (int m = 0; m < 4; m++)
        if (strcmp(name, metric_names[m]) == 0) {
            *out = (sp_metric)m;
            return SP_OK;
        }
    if (strcmp(name, "arc") == 0) {
        *out = SP_METRIC_GEODESIC;
        return SP_OK;
    }
    return sp_error_set(SP_EUSAGE, "unknown metric '%s' (arc, euclid, geodesic, andoyer, sphere)",
                        name);
}

const char *sp_dist_metric_name(sp_metric m) { return metric_names[m]; }

/* Andoyer-Lambert: the spherical angle 2w on the auxiliary sphere, corrected
 * to first order in the flattening f. */
static double dist_andoyer(double lon1, double lat1, double lon2, double lat2)
{
    if (fabs(lat1 - lat2) < 2.220446e-16 && fabs(fmod(lon1 - lon2, 360.0)) < 2.220446e-16)
        return 0.0;
    double F = (lat1 + lat2) * DEG / 2.0, G = (lat1 - lat2) * DEG / 2.0;
    double L = (lon1 - lon2) * DEG / 2.0;
    double sG = sin(G) * sin(G), cG = cos(G) * cos(G);
    double sF = sin(F) * sin(F), cF = cos(F) * cos(F);
    double sL = sin(L) * sin(L), cL = cos(L) * cos(L);
    double S = sG * cL + cF * sL, C = cG * cL + sF * sL;
    double w = atan(sqrt(S / C)), R = sqrt(S * C) / w;
    double H1 = (3.0 * R - 1.0) / (2.0 * C), H2 = (3.0 * R + 1.0) / (2.0 * S);
    return 2.0 * w * WGS84_A * (1.0 + WGS84_F * H1 * sF * cG - WGS84_F * H2 * cF * sG);
}

static double dist_sphere(double lon1, double lat1, double lon2, double lat2)
{
    double dlat = (lat2 - lat1) * DEG, dlon = (lon2 - lon1) * DEG;
    double h = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * DEG) * cos(lat2 * DEG) * sin(dlon / 2) * sin(dlon / 2);
    return 2.0 * SPHERE_R * asin(fmin(1.0, sqrt(h)));
}

double sp_dist_pair(sp_metric m, double x1, double y1, double x2, double y2)
{
    switch (m) {
    case SP_METRIC_GEODESIC: return sp_geod_km(x1, y1, x2, y2);
    case SP_METRIC_ANDOYER: return dist_andoyer(x1, y1, x2, y2);
    case SP_METRIC_SPHERE: return dist_sphere(x1, y1, x2, y2);
    default: return hypot(x1 - x2, y1 - y2);
    }
}

int sp_dist_check_lonlat(const double *x, const double *y, int n, const char *const *ids)
{
    for (int i = 0; i < n; i++)
        if (!(x[i] >= -180.0 && x[i] <= 360.0 && y[i] >= -90.0 && y[i] <= 90.0)) {
            if (ids)
                return sp_error_set(SP_EDATA, "unit '%s': (%g, %g) is not a longitude/latitude",
                                    ids[i], x[i], y[i]);
            return sp_error_set(SP_EDATA, "unit %d: (%g, %g) is not a longitude/latitude", i + 1,
                                x[i], y[i]);
        }
    return SP_OK;
}

static int is_arc(sp_metric m) { return m != SP_METRIC_EUCLID; }

/* Tree coordinates: the point itself, or its place on a sphere of radius SPHERE_R. */
static void tree_point(sp_metric m, double x, double y, double *p)
{
    if (!is_arc(m)) {
        p[0] = x; p[1] = y; p[2] = 0.0;
        return;
    }
    p[0] = SPHERE_R * cos(y * DEG) * cos(x * DEG);
    p[1] = SPHERE_R * cos(y * DEG) * sin(x * DEG);
    p[2] = SPHERE_R * sin(y * DEG);
}

/* Tree (chord) radius that covers every point within distance d in metric m. */
static double tree_radius(sp_metric m, double d)
{
    if (!is_arc(m))
        return d * (1.0 + 1e-12);
    double angle = fmin(d * ARC_SLACK / SPHERE_R, M_PI);
    return 2.0 * SPHERE_R * sin(angle / 2.0) + 1e-9;
}

static int build_tree(const double *x, const double *y, int n, sp_metric m, sp_kdtree **tree)
{
    double *xyz = sp_malloc((size_t)n * 3 * sizeof *xyz);
    if (!xyz)
        return SP_ENOMEM;
    for (int i = 0; i < n; i++)
        tree_point(m, x[i], y[i], xyz + 3 * i);
    int rc = sp_kdtree_build(xyz, n, tree);
    free(xyz);
    return rc;
}

/* A growable list of (unit, distance) candidates. */
typedef struct cand_list {
    int count, cap;
    int *idx;
    double *d;
    int failed;
} cand_list;

static void cand_push(int i, double d, void *ctx)
{
    cand_list *c = ctx;
    if (c->count == c->cap) {
        int cap = c->cap ? 2 * c->cap : 64;
        int *ni = sp_realloc(c->idx, (size_t)cap * sizeof *ni);
        if (ni)
            c->idx = ni;
        double *nd = ni ? sp_realloc(c->d, (size_t)cap * sizeof *nd) : NULL;
        if (!nd) {
            c->failed = 1;
            return;
        }
        c->d = nd;
        c->cap = cap;
    }
    c->idx[c->count] = i;
    c->d[c->count++] = d;
}

/* Triplet accumulator for the result matrix. */
typedef struct trip_list {
    size_t count, cap;
    int *ti, *tj;
    double *tx;
} trip_list;

static int trip_push(trip_list *t, int i, int j, double x)
{
    if (t->count == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        int *ni = sp_realloc(t->ti, cap * sizeof *ni);
        if (!ni)
            return SP_ENOMEM;
        t->ti = ni;
        int *nj = sp_realloc(t->tj, cap * sizeof *nj);
        if (!nj)
            return SP_ENOMEM;
        t->tj = nj;
        double *nx = sp_realloc(t->tx, cap * sizeof *nx);
        if (!nx)
            return SP_ENOMEM;
        t->tx = nx;
        t->cap = cap;
    }
    t->ti[t->count] = i;
    t->tj[t->count] = j;
    t->tx[t->count++] = x;
    return SP_OK;
}

static int trip_finish(trip_list *t, int n, int rc, sp_csr **out)
{
    if (!rc)
        rc = sp_csr_from_triplets(n, n, (int)t->count, t->ti, t->tj, t->tx, out);
    free(t->ti);
    free(t->tj);
    free(t->tx);
    return rc;
}

/* Exact distances from unit i to every tree candidate within `reach`. */
static int exact_candidates(const sp_kdtree *tree, const double *x, const double *y, int i,
                            double reach, sp_metric m, cand_list *c)
{
    double q[3];
    tree_point(m, x[i], y[i], q);
    c->count = 0;
    sp_kdtree_radius(tree, q, tree_radius(m, reach), cand_push, c);
    if (c->failed)
        return sp_error_set(SP_ENOMEM, "out of memory in neighbour search");
    for (int k = 0; k < c->count; k++)
        c->d[k] = sp_dist_pair(m, x[i], y[i], x[c->idx[k]], y[c->idx[k]]);
    return SP_OK;
}

int sp_dist_band(const double *x, const double *y, int n, double lower, double upper,
                 sp_metric m, sp_csr **out)
{
    *out = NULL;
    if (!(lower >= 0.0) || !(upper >= lower))
        return sp_error_set(SP_EUSAGE, "distance band [%g, %g] is empty", lower, upper);
    sp_kdtree *tree;
    int rc = build_tree(x, y, n, m, &tree);
    if (rc)
        return rc;
    cand_list c = {0};
    trip_list t = {0};
    for (int i = 0; i < n && !rc; i++) {
        rc = exact_candidates(tree, x, y, i, upper, m, &c);
        for (int k = 0; k < c.count && !rc; k++)
            if (c.idx[k] != i && c.d[k] >= lower && c.d[k] <= upper)
                rc = trip_push(&t, i, c.idx[k], c.d[k]);
    }
    free(c.idx);
    free(c.d);
    sp_kdtree_free(tree);
    return trip_finish(&t, n, rc, out);
}

static int pair_compare(const void *a, const void *b)
{
    const double *da = a, *db = b; /* pairs (distance, index) stored as doubles */
    if (da[0] != db[0])
        return da[0] < db[0] ? -1 : 1;
    return (da[1] > db[1]) - (da[1] < db[1]);
}

int sp_dist_knn(const double *x, const double *y, int n, int k, sp_metric m, sp_csr **out)
{
    *out = NULL;
    if (k < 1 || k >= n)
        return sp_error_set(SP_EUSAGE, "k = %d nearest neighbours needs 1 <= k < n = %d", k, n);
    sp_kdtree *tree;
    int rc = build_tree(x, y, n, m, &tree);
    if (rc)
        return rc;
    int *idx = sp_malloc((size_t)k * sizeof *idx);
    double *d = sp_malloc((size_t)k * sizeof *d);
    double *pairs = NULL;
    size_t pairs_cap = 0;
    cand_list c = {0};
    trip_list t = {0};
    if (!idx || !d)
        rc = SP_ENOMEM;
    for (int i = 0; i < n && !rc; i++) {
        double q[3];
        tree_point(m, x[i], y[i], q);
        int found = sp_kdtree_knn(tree, q, k, i, idx, d);
        if (!is_arc(m)) {
            for (int r = 0; r < found && !rc; r++)
                rc = trip_push(&t, i, idx[r], sp_dist_pair(m, x[i], y[i], x[idx[r]], y[idx[r]]));
            continue;
        }
        /* Tree order is spherical: re-rank exactly within the widened k-th distance. */
        double reach = 0.0;
        for (int r = 0; r < found; r++)
            reach = fmax(reach, sp_dist_pair(m, x[i], y[i], x[idx[r]], y[idx[r]]));
        rc = exact_candidates(tree, x, y, i, reach * ARC_SLACK, m, &c);
        if (rc)
            break;
        if ((size_t)c.count * 2 > pairs_cap) {
            pairs_cap = (size_t)c.count * 2;
            double *grown = sp_realloc(pairs, pairs_cap * sizeof *grown);
            if (!grown) {
                rc = SP_ENOMEM;
                break;
            }
            pairs = grown;
        }
        int used = 0;
        for (int r = 0; r < c.count; r++)
            if (c.idx[r] != i) {
                pairs[2 * used] = c.d[r];
                pairs[2 * used + 1] = c.idx[r];
                used++;
            }
        qsort(pairs, (size_t)used, 2 * sizeof *pairs, pair_compare);
        for (int r = 0; r < k && r < used && !rc; r++)
            rc = trip_push(&t, i, (int)pairs[2 * r + 1], pairs[2 * r]);
    }
    free(idx);
    free(d);
    free(pairs);
    free(c.idx);
    free(c.d);
    sp_kdtree_free(tree);
    return trip_finish(&t, n, rc, out);
}

int sp_dist_nearest(const double *x, const double *y, int n, int i, sp_metric m, int *nearest,
                    double *dist)
{
    *nearest = -1;
    *dist = INFINITY;
    for (int j = 0; j < n; j++) { /* one query per island: a linear scan is fine */
        if (j == i)
            continue;
        double d = sp_dist_pair(m, x[i], y[i], x[j], y[j]);
        if (d < *dist) {
            *dist = d;
            *nearest = j;
        }
    }
    return *nearest >= 0 ? SP_OK : sp_error_set(SP_EDATA, "no other unit to link unit %d to", i + 1);
}
