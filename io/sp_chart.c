/* sp_chart: plotting boxes, axes and colour ramps for `spill plot`. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sp_chart.h"

#define TICK_PT 6.5
#define LABEL_PT 7.5

void sp_chart_nice(double lo, double hi, int ticks, double *nlo, double *nhi, double *step)
{
    if (!(hi > lo)) {
        double d = fabs(lo) > 0 ? 0.1 * fabs(lo) : 1.0;
        lo -= d, hi += d;
    }
    double raw = (hi - lo) / (ticks > 0 ? ticks : 5);
    double p = pow(10.0, floor(log10(raw))), f = raw / p;
    double s = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    *nlo = floor(lo / s + 1e-9) * s;
    *nhi = ceil(hi / s - 1e-9) * s;
    *step = s;
}

void sp_chart_init(sp_chart *C, double x0, double y0, double w, double h, double xlo,
                   double xhi, double ylo, double yhi)
{
    C->x0 = x0, C->y0 = y0, C->w = w, C->h = h;
    sp_chart_nice(xlo, xhi, 5, &C->xlo, &C->xhi, &C->xstep);
    sp_chart_nice(ylo, yhi, 5, &C->ylo, &C->yhi, &C->ystep);
}

void sp_chart_tick_label(double v, double step, char *buf, int size)
{
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (fabs(v) < 1e-9 * step)
        v = 0.0;
    if (fabs(v) >= 1e5 || (v != 0 && fabs(v) < 1e-4))
        snprintf(buf, (size_t)size, "%.3g", v);
    else
        snprintf(buf, (size_t)size, "%.*f", dec, v);
}

/* Ticks, grid and labels along one axis (x when horizontal). */
static void axis_ticks(sp_canvas *c, const sp_chart *C, int horizontal)
{
    double lo = horizontal ? C->xlo : C->ylo, hi = horizontal ? C->xhi : C->yhi;
    double step = horizontal ? C->xstep : C->ystep;
    if (step <= 0)
        return;
    cairo_t *cr = sp_canvas_cairo(c);
    sp_canvas_style st = {TICK_PT, horizontal ? 0.5 : 1.0, horizontal ? 0.0 : 0.5, 0, 0,
                        {0.15, 0.15, 0.15}};
    int n = (int)floor((hi - lo) / step + 1e-6);
    for (int k = 0; k <= n; k++) {
        double v = lo + k * step, p = horizontal ? sp_chart_x(C, v) : sp_chart_y(C, v);
        cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
        cairo_set_line_width(cr, 0.4);
        if (horizontal)
            cairo_move_to(cr, p, C->y0), cairo_line_to(cr, p, C->y0 + C->h);
        else
            cairo_move_to(cr, C->x0, p), cairo_line_to(cr, C->x0 + C->w, p);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        if (horizontal)
            cairo_move_to(cr, p, C->y0 + C->h), cairo_line_to(cr, p, C->y0 + C->h + 2.5);
        else
            cairo_move_to(cr, C->x0, p), cairo_line_to(cr, C->x0 - 2.5, p);
        cairo_stroke(cr);
        char buf[32];
        sp_chart_tick_label(v, step, buf, sizeof buf);
        if (horizontal)
            sp_canvas_text(c, p, C->y0 + C->h + 3.5, buf, &st, NULL);
        else
            sp_canvas_text(c, C->x0 - 4, p, buf, &st, NULL);
    }
}

void sp_chart_axes(sp_canvas *c, const sp_chart *C, const char *xlabel, const char *ylabel)
{
    cairo_t *cr = sp_canvas_cairo(c);
    axis_ticks(c, C, 1);
    axis_ticks(c, C, 0);
    cairo_rectangle(cr, C->x0, C->y0, C->w, C->h);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
    sp_canvas_style st = {LABEL_PT, 0.5, 0.0, 0, 0, {0, 0, 0}};
    if (xlabel)
        sp_canvas_text(c, C->x0 + 0.5 * C->w, C->y0 + C->h + 6 + TICK_PT, xlabel, &st, NULL);
    if (ylabel) {
        st.ay = 1.0, st.angle = 90;
        sp_canvas_text(c, C->x0 - 24, C->y0 + 0.5 * C->h, ylabel, &st, NULL);
    }
}

sp_canvas_rgb sp_chart_viridis(double t)
{
    static const char *const v[] = {"#440154", "#482878", "#3E4A89", "#31688E", "#26828E",
                                    "#1F9E89", "#35B779", "#6DCD59", "#B4DE2C", "#FDE725"};
    return sp_canvas_ramp(v, 10, t);
}

sp_canvas_rgb sp_chart_blues(double t)
{
    static const char *const v[] = {"#F7FBFF", "#DEEBF7", "#C6DBEF", "#9ECAE1", "#6BAED6",
                                    "#4292C6", "#2171B5", "#08519C", "#08306B"};
    return sp_canvas_ramp(v, 9, t);
}

sp_canvas_rgb sp_chart_series(int k)
{
    static const char *const v[] = {"#E41A1C", "#377EB8", "#4DAF4A", "#984EA3",
                                    "#FF7F00", "#A65628", "#F781BF", "#999999"};
    return sp_canvas_hex(v[k % 8]);
}
