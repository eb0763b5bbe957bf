/* sp_period: gaps between numeric period labels and their wording
 * (sp_period.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_period.h"

/* 1 when s is a whole number (strtod takes all of it) into *x. */
static int label_number(const char *s, double *x)
{
    char *end;
    *x = strtod(s, &end);
    return *s && end != s && *end == '\0' && isfinite(*x);
}

int sp_period_gaps(int t, const char *const *periods, unsigned char *gap, double *step)
{
    memset(gap, 0, (size_t)t);
    *step = 0.0;
    double prev = 0.0, x = 0.0, d = INFINITY;
    for (int s = 0; s < t; s++, prev = x) {
        if (!label_number(periods[s], &x))
            return 0;
        if (s > 0)
            d = fmin(d, x - prev);
    }
    if (t > 1 && !(d > 0.0)) /* two labels of the same number (2010, 2010.0): not a time */
        return 0;
    *step = t > 1 ? d : 1.0;
    double a = t > 0 ? strtod(periods[0], NULL) : 0.0; /* every label is a number by now */
    for (int s = 1; s < t; s++) { /* more than a step (half a step of slack) after s - 1 */
        double b = strtod(periods[s], NULL);
        gap[s] = b - a > 1.5 * *step;
        a = b;
    }
    return 1;
}

int sp_period_uneven(int t, const char *const *periods, const unsigned char *gap, double step)
{
    for (int s = 1; s < t; s++) {
        double d = strtod(periods[s], NULL) - strtod(periods[s - 1], NULL);
        if (!gap[s] && d - step > 1e-9 * step)
            return s;
    }
    return 0;
}

int sp_period_same(int t, const char *const *periods)
{
    double a = 0.0, b;
    for (int s = 0; s < t; s++, a = b) {
        if (!label_number(periods[s], &b))
            return 0;
        if (s > 0 && b == a)
            return s;
    }
    return 0;
}

/* The missing label k steps after x (numbers as the labels write them:
 * whole numbers without decimals). */
static void gap_label(double x, int k, double step, char *buf, size_t size)
{
    double v = x + k * step;
    if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.10g", v);
}

void sp_period_gap_text(const char *const *periods, int s, double step, char *buf, size_t size)
{
    double a = strtod(periods[s - 1], NULL), b = strtod(periods[s], NULL);
    int k = (int)floor((b - a) / step + 0.5) - 1; /* labels missing between */
    char first[64], last[64];
    gap_label(a, 1, step, first, sizeof first);
    gap_label(a, k, step, last, sizeof last);
    if (k <= 1)
        snprintf(buf, size, "period %s is missing between %s and %s", first, periods[s - 1],
                 periods[s]);
    else
        snprintf(buf, size, "periods %s..%s are missing between %s and %s", first, last,
                 periods[s - 1], periods[s]);
}

void sp_period_span_gaps(int t, const unsigned char *gap, int lag, unsigned char *skip)
{
    for (int s = 0; s < t; s++) {
        skip[s] = 0;
        for (int d = 1; d <= lag && s + d < t; d++)
            skip[s] |= gap[s + d];
    }
}
