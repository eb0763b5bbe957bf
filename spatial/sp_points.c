/* sp_points: where a unit sits (centroids, coordinate fields); see sp_points.h. */
#include <math.h>

#include "sp_error.h"
#include "sp_points.h"

int sp_points_centroids(GEOSGeometry *const *geoms, int n, const char *const *ids, double *x,
                        double *y)
{
    GEOSContextHandle_t ctx = sp_geos();
    for (int i = 0; i < n; i++) {
        GEOSGeometry *c = geoms[i] ? GEOSGetCentroid_r(ctx, geoms[i]) : NULL;
        int ok = c && !GEOSisEmpty_r(ctx, c) && GEOSGeomGetX_r(ctx, c, &x[i]) &&
                 GEOSGeomGetY_r(ctx, c, &y[i]) && isfinite(x[i]) && isfinite(y[i]);
        if (c)
            GEOSGeom_destroy_r(ctx, c);
        if (!ok)
            return ids ? sp_error_set(SP_EDATA, "unit '%s' has no centroid (empty geometry?)", ids[i])
                       : sp_error_set(SP_EDATA, "unit %d has no centroid (empty geometry?)", i + 1);
    }
    return SP_OK;
}
