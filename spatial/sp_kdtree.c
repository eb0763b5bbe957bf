/* sp_kdtree: a static k-d tree over points in 3-D; see sp_kdtree.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_kdtree.h"

#define KD_LEAF 8

/* Nodes are stored implicitly over a permutation of the points: node
 * (lo, hi) splits at mid = (lo + hi) / 2 on axis `axis`, chosen as the axis of
 * widest spread; the split value is the coordinate of point perm[mid]. */
typedef struct kd_node {
    int lo, hi, axis;
    double split;
    int left, right; /* child node indices, -1 for a leaf */
    double box_lo[3], box_hi[3];
} kd_node;

struct sp_kdtree {
    int n;
    double *xyz;
    int *perm;
    kd_node *nodes;
    int n_nodes;
};

static double coord(const sp_kdtree *t, int point, int axis) { return t->xyz[3 * point + axis]; }

/* Quickselect on perm[lo..hi) so perm[mid] has the median coordinate on axis. */
static void kd_select(sp_kdtree *t, int lo, int hi, int mid, int axis)
{
    int *p = t->perm;
    while (hi - lo > 1) {
        double pivot = coord(t, p[lo + (hi - lo) / 2], axis);
        int i = lo, j = hi - 1;
        while (i <= j) {
            while (coord(t, p[i], axis) < pivot) i++;
            while (coord(t, p[j], axis) > pivot) j--;
            if (i <= j) {
                int tmp = p[i]; p[i] = p[j]; p[j] = tmp;
                i++; j--;
            }
        }
        if (mid <= j)
            hi = j + 1;
        else if (mid >= i)
            lo = i;
        else
            return;
    }
}

static int kd_build(sp_kdtree *t, int lo, int hi)
{
    int id = t->n_nodes++;
    kd_node *nd = &t->nodes[id];
    nd->lo = lo;
    nd->hi = hi;
    nd->left = nd->right = -1;
    for (int a = 0; a < 3; a++) {
        nd->box_lo[a] = INFINITY;
        nd->box_hi[a] = -INFINITY;
    }
    for (int k = lo; k < hi; k++)
        for (int a = 0; a < 3; a++) {
            double c = coord(t, t->perm[k], a);
            nd->box_lo[a] = fmin(nd->box_lo[a], c);
            nd->box_hi[a] = fmax(nd->box_hi[a], c);
        }
    if (hi - lo <= KD_LEAF)
        return id;
    int axis = 0;
    for (int a = 1; a < 3; a++)
        if (nd->box_hi[a] - nd->box_lo[a] > nd->box_hi[axis] - nd->box_lo[axis])
            axis = a;
    int mid = lo + (hi - lo) / 2;
    kd_select(t, lo, hi, mid, axis);
    nd->axis = axis;
    nd->split = coord(t, t->perm[mid], axis);
    int left = kd_build(t, lo, mid);
    int right = kd_build(t, mid, hi);
    t->nodes[id].left = left; /* nodes[] does not move: allocated up front */
    t->nodes[id].right = right;
    return id;
}

int sp_kdtree_build(const double *xyz, int n, sp_kdtree **out)
{
    *out = NULL;
    sp_kdtree *t = sp_calloc(1, sizeof *t);
    if (!t)
        return SP_ENOMEM;
    t->n = n;
    t->xyz = sp_malloc((size_t)n * 3 * sizeof *t->xyz);
    t->perm = sp_malloc((size_t)n * sizeof *t->perm);
    /* Leaves hold at least KD_LEAF / 2 points, so n + 2 nodes always suffice. */
    t->nodes = sp_malloc(((size_t)n + 2) * sizeof *t->nodes);
    if (!t->xyz || !t->perm || !t->nodes) {
        sp_kdtree_free(t);
        return SP_ENOMEM;
    }
    memcpy(t->xyz, xyz, (size_t)n * 3 * sizeof *xyz);
    for (int i = 0; i < n; i++)
        t->perm[i] = i;
    if (n > 0)
        kd_build(t, 0, n);
    *out = t;
    return SP_OK;
}

void sp_kdtree_free(sp_kdtree *t)
{
    if (!t)
        return;
    free(t->xyz);
    free(t->perm);
    free(t->nodes);
    free(t);
}

static double box_dist2(const kd_node *nd, const double *q)
{
    double s = 0.0;
    for (int a = 0; a < 3; a++) {
        double d = q[a] < nd->box_lo[a] ? nd->box_lo[a] - q[a]
                 : q[a] > nd->box_hi[a] ? q[a] - nd->box_hi[a] : 0.0;
        s += d * d;
    }
    return s;
}

static double point_dist2(const sp_kdtree *t, int i, const double *q)
{
    double dx = t->xyz[3 * i] - q[0], dy = t->xyz[3 * i + 1] - q[1], dz = t->xyz[3 * i + 2] - q[2];
    return dx * dx + dy * dy + dz * dz;
}

/* The current k best, kept sorted by (distance, index). */
typedef struct kd_best {
    int k, count;
    int *idx;
    double *d2;
} kd_best;

static void best_offer(kd_best *b, int i, double d2)
{
    if (b->count == b->k &&
        (d2 > b->d2[b->k - 1] || (d2 == b->d2[b->k - 1] && i > b->idx[b->k - 1])))
        return;
    int pos = b->count < b->k ? b->count++ : b->k - 1;
    while (pos > 0 && (b->d2[pos - 1] > d2 || (b->d2[pos - 1] == d2 && b->idx[pos - 1] > i))) {
        b->d2[pos] = b->d2[pos - 1];
        b->idx[pos] = b->idx[pos - 1];
        pos--;
    }
    b->d2[pos] = d2;
    b->idx[pos] = i;
}

static void kd_knn(const sp_kdtree *t, int node, const double *q, int skip, kd_best *b)
{
    const kd_node *nd = &t->nodes[node];
    if (b->count == b->k && box_dist2(nd, q) > b->d2[b->k - 1])
        return;
    if (nd->left < 0) {
        for (int k = nd->lo; k < nd->hi; k++)
            if (t->perm[k] != skip)
                best_offer(b, t->perm[k], point_dist2(t, t->perm[k], q));
        return;
    }
    int first = q[nd->axis] < nd->split ? nd->left : nd->right;
    kd_knn(t, first, q, skip, b);
    kd_knn(t, first == nd->left ? nd->right : nd->left, q, skip, b);
}

int sp_kdtree_knn(const sp_kdtree *t, const double *q, int k, int skip, int *idx, double *dist)
{
    int avail = t->n - (skip >= 0 ? 1 : 0);
    if (k > avail)
        k = avail;
    if (k <= 0 || t->n == 0)
        return 0;
    kd_best b = {k, 0, idx, dist};
    kd_knn(t, 0, q, skip, &b);
    for (int m = 0; m < b.count; m++)
        dist[m] = sqrt(dist[m]);
    return b.count;
}

static void kd_radius(const sp_kdtree *t, int node, const double *q, double r2,
                      void (*fn)(int, double, void *), void *ctx)
{
    const kd_node *nd = &t->nodes[node];
    if (box_dist2(nd, q) > r2)
        return;
    if (nd->left < 0) {
        for (int k = nd->lo; k < nd->hi; k++) {
            double d2 = point_dist2(t, t->perm[k], q);
            if (d2 <= r2)
                fn(t->perm[k], sqrt(d2), ctx);
        }
        return;
    }
    kd_radius(t, nd->left, q, r2, fn, ctx);
    kd_radius(t, nd->right, q, r2, fn, ctx);
}

void sp_kdtree_radius(const sp_kdtree *t, const double *q, double radius,
                      void (*fn)(int i, double d, void *ctx), void *ctx)
{
    if (t->n > 0)
        kd_radius(t, 0, q, radius * radius, fn, ctx);
}
