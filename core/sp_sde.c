/* sp_sde: the weighted mean centre and standard deviational ellipse of points; see sp_sde.h. */
#include <math.h>

#include "sp_sde.h"
#include "sp_error.h"

int sp_sde_compute(const double *x, const double *y, const double *w, int n, int k,
                   sp_sde_convention conv, const char *what, sp_sde *out)
{
    if (n < 3)
        return sp_error_set(SP_EDATA, "%s: %d unit%s: an ellipse needs at least 3", what, n,
                            n == 1 ? "" : "s");
    if (k < 1 || k > 3)
        return sp_error_set(SP_EUSAGE, "%s: the ellipse spans 1, 2 or 3 standard deviations (got %d)",
                            what, k);
    double sw = 0.0, mx = 0.0, my = 0.0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]) || !isfinite(w[i]))
            return sp_error_set(SP_EDATA, "%s: unit %d has a non-finite coordinate or weight", what, i + 1);
        if (w[i] < 0.0)
            return sp_error_set(SP_EDATA, "%s: unit %d has a negative weight (%g)", what, i + 1, w[i]);
        sw += w[i];
        mx += w[i] * x[i];
        my += w[i] * y[i];
    }
    if (!(sw > 0.0))
        return sp_error_set(SP_EDATA, "%s: all weights are zero", what);
    mx /= sw;
    my /= sw;
    double sxx = 0.0, syy = 0.0, sxy = 0.0;
    for (int i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;
        sxx += w[i] * dx * dx;
        syy += w[i] * dy * dy;
        sxy += w[i] * dx * dy;
    }
    double d = conv == SP_SDE_ARCGIS ? sw : sw * (n - 2.0) / n;
    sxx /= d, syy /= d, sxy /= d;
    double mean = 0.5 * (sxx + syy), half = hypot(0.5 * (sxx - syy), sxy);
    double l1 = mean + half, l2 = fmax(mean - half, 0.0);
    /* major-axis direction: angle from east, counter-clockwise */
    double phi = 0.5 * atan2(2.0 * sxy, sxx - syy);
    double az = 90.0 - phi * 180.0 / M_PI;
    az = fmod(az, 180.0);
    if (az < 0.0)
        az += 180.0;
    if (az >= 180.0)
        az -= 180.0;
    sp_sde e = {n, mx, my, k * sqrt(2.0 * l1), k * sqrt(2.0 * l2), 0, 0, az, 0, 0, 0};
    e.sx = e.minor;
    e.sy = e.major;
    double a = e.major, b = e.minor;
    e.area = M_PI * a * b;
    e.perimeter = M_PI * (3.0 * (a + b) - sqrt((3.0 * a + b) * (a + 3.0 * b)));
    e.flattening = a > 0.0 ? 1.0 - b / a : 0.0;
    *out = e;
    return SP_OK;
}

void sp_sde_point(const sp_sde *e, double t, double *x, double *y)
{
    double az = e->rotation * M_PI / 180.0;
    double ux = sin(az), uy = cos(az); /* major axis direction (azimuth) */
    double vx = uy, vy = -ux;          /* minor axis, perpendicular */
    *x = e->cx + e->major * cos(t) * ux + e->minor * sin(t) * vx;
    *y = e->cy + e->major * cos(t) * uy + e->minor * sin(t) * vy;
}

double sp_sde_bearing(double x0, double y0, double x1, double y1)
{
    double b = atan2(x1 - x0, y1 - y0) * 180.0 / M_PI;
    return b < 0.0 ? b + 360.0 : b;
}

void sp_sde_move(const sp_sde *a, const sp_sde *b, double *distance, double *bearing)
{
    *distance = hypot(b->cx - a->cx, b->cy - a->cy);
    *bearing = sp_sde_bearing(a->cx, a->cy, b->cx, b->cy);
}

const char *sp_sde_compass(double bearing)
{
    static const char *const labels[] = {"N", "NE", "E", "SE", "S", "SW", "W", "NW"};
    return labels[(int)floor(fmod(bearing + 22.5, 360.0) / 45.0) % 8];
}
