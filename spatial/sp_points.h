/* sp_points: where a unit sits, for distance-based weights and ellipses.
 *
 * sp_points_centroids() writes the GEOS centroid of each geometry (planar,
 * area-weighted over parts, as sf::st_centroid without s2 and GeoDa compute
 * it) into caller-provided x[n], y[n].  Empty geometries are SP_EDATA naming
 * the unit (ids may be NULL). */
#ifndef SP_POINTS_H
#define SP_POINTS_H

#include "sp_geos.h"

int sp_points_centroids(GEOSGeometry *const *geoms, int n, const char *const *ids, double *x,
                        double *y);

#endif
