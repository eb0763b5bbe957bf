/* sp_within: panels stacked period by period and their within transformations; see sp_within.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_strdist.h"
#include "sp_within.h"

int sp_within_fe_parse(const char *name, sp_fe *out)
{
    static const struct { const char *name; sp_fe fe; } names[] = {
        {"none", SP_FE_NONE},         {"pooled", SP_FE_NONE}, {"unit", SP_FE_UNIT},
        {"individual", SP_FE_UNIT},   {"spatial", SP_FE_UNIT}, {"time", SP_FE_TIME},
        {"twoway", SP_FE_TWOWAY},     {"both", SP_FE_TWOWAY},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].fe;
            return SP_OK;
        }
    static const char *const words[] = {"none", "unit", "time", "twoway", NULL};
    const char *near = sp_strdist_closest(name, words, -1);
    return sp_error_set(SP_EUSAGE, "unknown fixed effects '%s' (%s%s%snone, unit, time, twoway)",
                        name, near ? "did you mean " : "", near ? near : "", near ? "? " : "");
}

const char *sp_within_fe_name(sp_fe fe)
{
    switch (fe) {
    case SP_FE_UNIT: return "unit";
    case SP_FE_TIME: return "time";
    case SP_FE_TWOWAY: return "twoway";
    default: return "none";
    }
}

void sp_within_unit_means(const double *v, int n, int t, double *mean)
{
    for (int i = 0; i < n; i++)
        mean[i] = 0.0;
    for (int s = 0; s < t; s++)
        for (int i = 0; i < n; i++)
            mean[i] += v[(long)s * n + i];
    for (int i = 0; i < n; i++)
        mean[i] /= t;
}

/* Subtract each period's mean; returns the mean of those means (the grand mean). */
static double remove_period_means(double *v, int n, int t)
{
    double grand = 0.0;
    for (int s = 0; s < t; s++) {
        double *b = v + (long)s * n, m = 0.0;
        for (int i = 0; i < n; i++)
            m += b[i];
        m /= n;
        for (int i = 0; i < n; i++)
            b[i] -= m;
        grand += m;
    }
    return grand / t;
}

void sp_within(double *v, int n, int t, sp_fe fe)
{
    if (sp_fe_has_unit(fe)) {
        /* unit means are small (n doubles): compute, then subtract in place;
         * plain malloc: without memory the loop below does the same, so a
         * failure is not an error */
        double *mean = malloc((size_t)n * sizeof *mean);
        if (mean) {
            sp_within_unit_means(v, n, t, mean);
            for (int s = 0; s < t; s++)
                for (int i = 0; i < n; i++)
                    v[(long)s * n + i] -= mean[i];
            free(mean);
        } else { /* no memory for n doubles: the same, one unit at a time */
            for (int i = 0; i < n; i++) {
                double m = 0.0;
                for (int s = 0; s < t; s++)
                    m += v[(long)s * n + i];
                m /= t;
                for (int s = 0; s < t; s++)
                    v[(long)s * n + i] -= m;
            }
        }
    }
    /* after unit demeaning every period mean is (period mean - grand mean), so
     * removing period means completes the two-way transformation exactly */
    if (sp_fe_has_time(fe))
        remove_period_means(v, n, t);
}

void sp_within_lag(const sp_csr *W, const double *v, int n, int t, double *out)
{
    for (int s = 0; s < t; s++)
        sp_csr_matvec(W, v + (long)s * n, out + (long)s * n);
}
