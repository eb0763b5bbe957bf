/* sp_geod: the geodesic distance on the WGS 84 ellipsoid (Karney's
 * algorithm, PROJ's geodesic.h), kept apart from sp_dist so that only the
 * GDAL plugin (io/sp_plugin.h) links PROJ.  Thread-safe; no errors. */
#ifndef SP_GEOD_H
#define SP_GEOD_H

/* Distance in km between (lon1, lat1) and (lon2, lat2), degrees. */
double sp_geod_km(double lon1, double lat1, double lon2, double lat2);

#endif
