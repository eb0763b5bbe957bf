/* sp_chart: statistical charts on an sp_canvas: a plotting box with nice
 * axis ranges (1, 2 or 5 times a power of ten), ticks, tick labels, axis
 * titles and light grid lines, and the colour ramps the plots share.
 *
 * Data coordinates map linearly into the box (y up).  Nothing is allocated. */
#ifndef SP_CHART_H
#define SP_CHART_H

#include "sp_canvas.h"

typedef struct sp_chart {
    double x0, y0, w, h;      /* the box on the page, points */
    double xlo, xhi, ylo, yhi;
    double xstep, ystep;      /* tick spacing; 0: no ticks on that axis */
} sp_chart;

/* A nice range holding [lo, hi] with about `ticks` steps. */
void sp_chart_nice(double lo, double hi, int ticks, double *nlo, double *nhi, double *step);

/* The box and its ranges made nice (about 5 ticks each). */
void sp_chart_init(sp_chart *C, double x0, double y0, double w, double h, double xlo,
                   double xhi, double ylo, double yhi);

static inline double sp_chart_x(const sp_chart *C, double x)
{
    return C->x0 + (x - C->xlo) / (C->xhi - C->xlo) * C->w;
}
static inline double sp_chart_y(const sp_chart *C, double y)
{
    return C->y0 + C->h - (y - C->ylo) / (C->yhi - C->ylo) * C->h;
}

/* Grid lines, the box, ticks and tick labels, and the axis titles (NULL for
 * none); axes with a zero step get neither ticks nor grid. */
void sp_chart_axes(sp_canvas *c, const sp_chart *C, const char *xlabel, const char *ylabel);

/* Tick label text of v with spacing step (no "-0", no trailing noise). */
void sp_chart_tick_label(double v, double step, char *buf, int size);

/* Colour t in [0, 1] along viridis (sequential) or along white-to-blue. */
sp_canvas_rgb sp_chart_viridis(double t);
sp_canvas_rgb sp_chart_blues(double t);
/* The k-th of eight distinct line colours (ColorBrewer Set1 without yellow). */
sp_canvas_rgb sp_chart_series(int k);

#endif
