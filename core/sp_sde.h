/* sp_sde: the weighted mean centre and standard deviational ellipse of
 * planar points (projected coordinates in metres), and the migration of the
 * centre between periods.
 *
 * With weights w_i and deviations dx_i, dy_i from the weighted mean centre,
 * the weighted covariance C = [Sxx Sxy; Sxy Syy] / D has eigenvalues
 * l1 >= l2; the semi-axes are
 *   a = k sqrt(2 l1), b = k sqrt(2 l2)           (k = 1, 2, 3 standard deviations)
 * with divisor D = sum w (ArcGIS Directional Distribution) or
 * D = sum w (n - 2) / n (CrimeStat's n - 2 degrees of freedom; pointpats
 * method "crimestat" when unweighted).  Both apply the sqrt(2) of a 2-D
 * standard distance.  The rotation is the azimuth of the major axis, degrees
 * clockwise from north (the +y axis), in [0, 180).  sx and sy are the
 * semi-axes across and along that direction (ArcGIS's XStdDist and
 * YStdDist when its Rotation is the major axis's azimuth), so sy = a and
 * sx = b.  Area pi a b, perimeter by Ramanujan's
 * approximation pi (3(a + b) - sqrt((3a + b)(a + 3b))), flattening 1 - b/a.
 *
 * Nothing is allocated; errors follow sp_error.h (SP_EDATA for negative or
 * all-zero weights, fewer than 3 points, non-finite values; `what` names the
 * data in messages). */
#ifndef SP_ELLIPSE_H
#define SP_ELLIPSE_H

typedef enum sp_sde_convention { SP_SDE_ARCGIS, SP_SDE_CRIMESTAT } sp_sde_convention;

typedef struct sp_sde {
    int n;
    double cx, cy;        /* weighted mean centre */
    double major, minor;  /* semi-axes a >= b, same units as the input */
    double sx, sy;        /* ArcGIS-style: sx across, sy along the rotation direction */
    double rotation;      /* azimuth of the major axis, degrees clockwise from north, [0, 180) */
    double area, perimeter, flattening;
} sp_sde;

int sp_sde_compute(const double *x, const double *y, const double *w, int n, int k,
                   sp_sde_convention conv, const char *what, sp_sde *out);

/* Point on the ellipse at parameter t (radians): centre + a cos t u + b sin t v. */
void sp_sde_point(const sp_sde *e, double t, double *x, double *y);

/* The move of the weighted mean centre from ellipse a to ellipse b: distance
 * (in the CRS's units, metres for a projected CRS) and bearing (sp_sde_bearing). */
void sp_sde_move(const sp_sde *a, const sp_sde *b, double *distance, double *bearing);

/* Bearing from (x0, y0) to (x1, y1): degrees clockwise from north in [0, 360),
 * and its 8-point compass label (N, NE, E, SE, S, SW, W, NW). */
double sp_sde_bearing(double x0, double y0, double x1, double y1);
const char *sp_sde_compass(double bearing);

#endif
