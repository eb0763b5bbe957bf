/* sp_dist: distances between unit points and the distance-based weights
 * built from them (k nearest neighbours, distance band, inverse distance).
 *
 * Points are given as x[], y[] arrays: CRS units for SP_METRIC_EUCLID, and
 * longitude/latitude in degrees for the arc metrics, which return kilometres:
 *   SP_METRIC_GEODESIC  exact WGS 84 geodesic (PROJ's geod_inverse, Karney 2013)
 *   SP_METRIC_ANDOYER   Andoyer-Lambert first-order WGS 84 approximation, the
 *                       formula of R sp/spdep (spDists, dnearneigh, knearneigh)
 *   SP_METRIC_SPHERE    great circle on a sphere of radius 6371.0 km
 *                       (haversine; GeoDa, libpysal)
 * Neighbour search uses a k-d tree (on the unit sphere for arc metrics), never
 * an n^2 loop.  Results are n x n sp_csr matrices whose values are the
 * distances (the caller turns them into weights); the caller frees them.
 * Errors follow sp_error.h. */
#ifndef SP_DIST_H
#define SP_DIST_H

#include "sp_csr.h"

typedef enum sp_metric {
    SP_METRIC_EUCLID,
    SP_METRIC_GEODESIC,
    SP_METRIC_ANDOYER,
    SP_METRIC_SPHERE
} sp_metric;

int sp_dist_metric_parse(const char *name, sp_metric *out);
const char *sp_dist_metric_name(sp_metric m);

/* Distance between points (x1, y1) and (x2, y2). */
double sp_dist_pair(sp_metric m, double x1, double y1, double x2, double y2);

/* Longitudes in [-180, 360] and latitudes in [-90, 90] for arc metrics;
 * SP_EDATA naming the unit otherwise (ids may be NULL). */
int sp_dist_check_lonlat(const double *x, const double *y, int n, const char *const *ids);

/* For each unit its k nearest other units (ties broken by position). */
int sp_dist_knn(const double *x, const double *y, int n, int k, sp_metric m, sp_csr **out);

/* All pairs with lower <= d <= upper (self excluded). */
int sp_dist_band(const double *x, const double *y, int n, double lower, double upper,
                 sp_metric m, sp_csr **out);

/* The nearest other unit of unit i and its distance. */
int sp_dist_nearest(const double *x, const double *y, int n, int i, sp_metric m,
                    int *nearest, double *dist);

#endif
