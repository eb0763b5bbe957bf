/* sp_geod: WGS 84 geodesic distances through PROJ's geodesic.h. */
#include <pthread.h>

#include <geodesic.h>

#include "sp_geod.h"

#define WGS84_A 6378137.0
#define WGS84_F (1.0 / 298.257223563)

static struct geod_geodesic wgs84;
static pthread_once_t wgs84_once = PTHREAD_ONCE_INIT;

static void wgs84_init(void) { geod_init(&wgs84, WGS84_A, WGS84_F); }

double sp_geod_km(double lon1, double lat1, double lon2, double lat2)
{
    pthread_once(&wgs84_once, wgs84_init);
    double metres;
    geod_inverse(&wgs84, lat1, lon1, lat2, lon2, &metres, NULL, NULL);
    return metres / 1000.0;
}
