/* sp_crs: coordinate transformations with PROJ (the Albers projection fitted to the data); see
 * sp_crs.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <proj.h>

#include "sp_error.h"
#include "sp_crs.h"

struct sp_crs {
    PJ_CONTEXT *ctx;
    PJ *pj;
};

void sp_crs_close(sp_crs *p)
{
    if (!p)
        return;
    if (p->pj)
        proj_destroy(p->pj);
    if (p->ctx)
        proj_context_destroy(p->ctx);
    free(p);
}

int sp_crs_open(const char *src, const char *dst, sp_crs **out)
{
    *out = NULL;
    sp_crs *p = sp_calloc(1, sizeof *p);
    if (!p)
        return SP_ENOMEM;
    p->ctx = proj_context_create();
    proj_log_level(p->ctx, PJ_LOG_NONE);
    PJ *raw = proj_create_crs_to_crs(p->ctx, src, dst, NULL);
    if (raw) {
        p->pj = proj_normalize_for_visualization(p->ctx, raw);
        proj_destroy(raw);
    }
    if (!p->pj) {
        sp_crs_close(p);
        return sp_error_set(SP_EUSAGE, "cannot transform coordinates to '%s' (unknown CRS?)", dst);
    }
    *out = p;
    return SP_OK;
}

static int project(sp_crs *p, double *x, double *y, int n, PJ_DIRECTION dir)
{
    for (int i = 0; i < n; i++) {
        PJ_COORD c = proj_coord(x[i], y[i], 0, 0);
        PJ_COORD r = proj_trans(p->pj, dir, c);
        if (!isfinite(r.xy.x) || !isfinite(r.xy.y) || r.xy.x == HUGE_VAL)
            return sp_error_set(SP_EDATA, "point %d (%g, %g) cannot be projected", i + 1, x[i], y[i]);
        x[i] = r.xy.x;
        y[i] = r.xy.y;
    }
    return SP_OK;
}

int sp_crs_forward(sp_crs *p, double *x, double *y, int n) { return project(p, x, y, n, PJ_FWD); }
int sp_crs_inverse(sp_crs *p, double *x, double *y, int n) { return project(p, x, y, n, PJ_INV); }

void sp_crs_albers_for(const double *lon, const double *lat, int n, char *buf, size_t size)
{
    double lon0 = INFINITY, lon1 = -INFINITY, lat0 = INFINITY, lat1 = -INFINITY;
    for (int i = 0; i < n; i++) {
        lon0 = fmin(lon0, lon[i]), lon1 = fmax(lon1, lon[i]);
        lat0 = fmin(lat0, lat[i]), lat1 = fmax(lat1, lat[i]);
    }
    double span = lat1 - lat0;
    snprintf(buf, size, "+proj=aea +lat_1=%.4f +lat_2=%.4f +lat_0=%.4f +lon_0=%.4f "
             "+x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs",
             lat0 + span / 6.0, lat1 - span / 6.0, 0.5 * (lat0 + lat1), 0.5 * (lon0 + lon1));
}
