/* sp_crs: coordinate transformations with PROJ, for computing in an
 * equal-area projection.
 *
 * sp_crs_albers_for() writes a PROJ string for an Albers equal-area
 * conic suited to lon/lat points: standard parallels at 1/6 and 5/6 of the
 * latitude range, origin at the middle latitude, central meridian at the
 * middle longitude, WGS 84, metres (for China: about 20-46 N, 105 E).
 *
 * An sp_crs owns its PROJ context and transformation; sp_crs_close()
 * frees them.  Axis order is always x = easting/longitude, y = northing/latitude.
 * Errors follow sp_error.h: an unknown CRS is SP_EUSAGE, a failed transformation SP_EDATA. */
#ifndef SP_CRS_H
#define SP_CRS_H

#include <stddef.h>

typedef struct sp_crs sp_crs;

/* From `src` (any CRS definition PROJ accepts: WKT, EPSG:xxxx, proj string) to `dst`. */
int sp_crs_open(const char *src, const char *dst, sp_crs **out);
void sp_crs_close(sp_crs *p);

/* Transform n points in place, forward (src -> dst) or inverse. */
int sp_crs_forward(sp_crs *p, double *x, double *y, int n);
int sp_crs_inverse(sp_crs *p, double *x, double *y, int n);

void sp_crs_albers_for(const double *lon, const double *lat, int n, char *buf, size_t size);

#endif
