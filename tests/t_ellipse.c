/* Unit tests for core/sp_sde against ArcGIS's and CrimeStat's formulas
 * computed independently (scripts/ref-ellipse.py) and a synthetic ellipse. */
#include <stdlib.h>

#include "harness.h"
#include "sp_sde.h"
#include "sp_error.h"
#include "sp_table.h"

static void test_against_reference(void)
{
    sp_table *pts, *exp;
    CHECK_INT(sp_table_read(TH_FIXTURES "/ellipse/points.csv", NULL, &pts), SP_OK);
    CHECK_INT(sp_table_read(TH_FIXTURES "/ellipse/expected.csv", NULL, &exp), SP_OK);
    if (!pts || !exp)
        return;
    double *x = malloc(sizeof(double) * pts->nrow), *y = malloc(sizeof(double) * pts->nrow),
           *w = malloc(sizeof(double) * pts->nrow);
    int checked = 0;
    for (int r = 0; r < exp->nrow; r++) {
        const char *name = sp_table_cell(exp, r, 0);
        int n = 0;
        for (int i = 0; i < pts->nrow; i++)
            if (strcmp(sp_table_cell(pts, i, 0), name) == 0) {
                sp_table_parse_double(sp_table_cell(pts, i, 1), &x[n]);
                sp_table_parse_double(sp_table_cell(pts, i, 2), &y[n]);
                sp_table_parse_double(sp_table_cell(pts, i, 3), &w[n]);
                n++;
            }
        double v[10];
        for (int c = 0; c < 9; c++)
            sp_table_parse_double(sp_table_cell(exp, r, c + 2), &v[c]);
        sp_sde e;
        sp_sde_convention conv = strcmp(sp_table_cell(exp, r, 1), "arcgis") == 0 ? SP_SDE_ARCGIS
                                                                                  : SP_SDE_CRIMESTAT;
        CHECK_INT(sp_sde_compute(x, y, w, n, (int)v[0], conv, name, &e), SP_OK);
        CHECK_REL(e.cx, v[1], 1e-12);
        CHECK_REL(e.cy, v[2], 1e-12);
        CHECK_REL(e.major, v[3], 1e-9);
        CHECK_REL(e.minor, v[4], 1e-9);
        CHECK_REL(e.rotation, v[5], 1e-9);
        CHECK_REL(e.area, v[6], 1e-9);
        CHECK_REL(e.perimeter, v[7], 1e-9);
        CHECK_REL(e.flattening, v[8], 1e-9);
        CHECK_REL(e.sy, e.major, 0);
        checked++;
    }
    CHECK_INT(checked, 9);
    free(x), free(y), free(w);
    sp_table_free(pts);
    sp_table_free(exp);
}

/* Points spread evenly on an ellipse with semi-axes 5 and 2 whose major axis
 * points to azimuth az: the ArcGIS ellipse (sqrt 2 times the standard
 * deviations) is that ellipse. */
static void check_synthetic(double az)
{
    enum { N = 360 };
    double x[N], y[N], w[N];
    double r = az * M_PI / 180.0, ux = sin(r), uy = cos(r);
    for (int i = 0; i < N; i++) {
        double t = 2 * M_PI * i / N;
        x[i] = 100 + 5 * cos(t) * ux + 2 * sin(t) * uy;
        y[i] = -50 + 5 * cos(t) * uy - 2 * sin(t) * ux;
        w[i] = 1.0;
    }
    sp_sde e;
    CHECK_INT(sp_sde_compute(x, y, w, N, 1, SP_SDE_ARCGIS, "synthetic", &e), SP_OK);
    CHECK_REL(e.major, 5.0, 1e-12);
    CHECK_REL(e.minor, 2.0, 1e-12);
    CHECK_ABS(e.rotation, az, 1e-9);
    CHECK_ABS(e.cx, 100.0, 1e-12);
    CHECK_ABS(e.cy, -50.0, 1e-12);
    double px, py;
    sp_sde_point(&e, 0.0, &px, &py); /* the end of the major axis */
    CHECK_ABS(hypot(px - 100.0, py + 50.0), 5.0, 1e-9);
}

static void test_synthetic_rotations(void)
{
    double azimuths[] = {0.0, 30.0, 90.0, 135.0, 179.0};
    for (int k = 0; k < 5; k++)
        check_synthetic(azimuths[k]);
}

static void test_bearings_and_errors(void)
{
    CHECK_ABS(sp_sde_bearing(0, 0, 0, 1), 0.0, 1e-12);
    CHECK_ABS(sp_sde_bearing(0, 0, 1, 0), 90.0, 1e-12);
    CHECK_ABS(sp_sde_bearing(0, 0, -1, -1), 225.0, 1e-12);
    CHECK_STR(sp_sde_compass(0.0), "N");
    CHECK_STR(sp_sde_compass(350.0), "N");
    CHECK_STR(sp_sde_compass(100.0), "E");
    CHECK_STR(sp_sde_compass(225.0), "SW");
    double x[3] = {0, 1, 2}, y[3] = {0, 1, 0}, w[3] = {1, -1, 1}, z[3] = {0, 0, 0};
    sp_sde e;
    CHECK_INT(sp_sde_compute(x, y, w, 3, 1, SP_SDE_ARCGIS, "t", &e), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "negative weight") != NULL);
    CHECK_INT(sp_sde_compute(x, y, z, 3, 1, SP_SDE_ARCGIS, "t", &e), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "all weights are zero") != NULL);
    CHECK_INT(sp_sde_compute(x, y, w, 2, 1, SP_SDE_ARCGIS, "t", &e), SP_EDATA);
    CHECK(strstr(sp_error_msg(), "at least 3") != NULL);
}

int main(void)
{
    RUN(test_against_reference);
    RUN(test_synthetic_rotations);
    RUN(test_bearings_and_errors);
    return th_report("t_ellipse");
}
