/* sp_kdtree: a static k-d tree over points in 3-D (2-D points use z = 0),
 * for k-nearest-neighbour and fixed-radius queries in Euclidean distance.
 *
 * The tree copies the coordinates it is given; free it with
 * sp_kdtree_free().  Query results are written to caller-provided buffers.
 * Queries are read-only, so threads may share one tree. */
#ifndef SP_KDTREE_H
#define SP_KDTREE_H

typedef struct sp_kdtree sp_kdtree;

/* Points are xyz[3*i .. 3*i+2], i = 0..n-1. */
int sp_kdtree_build(const double *xyz, int n, sp_kdtree **out);
void sp_kdtree_free(sp_kdtree *t);

/* The k points nearest to q (excluding point `skip`, -1 for none), sorted by
 * distance then index; idx[] and dist[] receive min(k, n - 1) entries (the
 * count is returned). */
int sp_kdtree_knn(const sp_kdtree *t, const double *q, int k, int skip, int *idx,
                  double *dist);

/* Calls fn(i, d, ctx) for every point i with Euclidean distance d <= radius
 * from q.  Order is unspecified. */
void sp_kdtree_radius(const sp_kdtree *t, const double *q, double radius,
                      void (*fn)(int i, double d, void *ctx), void *ctx);

#endif
