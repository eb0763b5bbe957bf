/* sp_gapio: the --gaps / --consecutive-periods policy of the commands that
 * take the period before as t - 1 (sp_gapio.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_gapio.h"
#include "sp_period.h"

int sp_gapio_args(const sp_args *a, sp_gapio_mode *mode)
{
    static const char *const modes[] = {"error", "skip"};
    int skip = 0, rc = sp_args_choice(a, "gaps", modes, 2, &skip);
    if (rc)
        return rc;
    if (sp_args_flag(a, "consecutive-periods") && sp_args_get(a, "gaps"))
        return sp_error_set(SP_EUSAGE, "--gaps and --consecutive-periods exclude each other "
                                       "(with --consecutive-periods there is no gap)");
    *mode = sp_args_flag(a, "consecutive-periods") ? SP_GAPIO_CONSECUTIVE
            : skip                                 ? SP_GAPIO_SKIP
                                                   : SP_GAPIO_ERROR;
    return SP_OK;
}

int sp_gapio_find(sp_gapio *g, sp_gapio_mode mode, int t, const char *const *periods,
                  const char *src, const char *by, const char *breaks, const char *skipped)
{
    memset(g, 0, sizeof *g);
    g->mode = mode, g->t = t, g->periods = periods;
    if (!(g->gap = sp_calloc((size_t)t + 1, 1)))
        return SP_ENOMEM;
    if (mode == SP_GAPIO_CONSECUTIVE) /* the labels' order, as told: no gap */
        return SP_OK;
    g->numeric = sp_period_gaps(t, periods, g->gap, &g->step);
    int rc = g->numeric ? SP_OK : sp_gapio_same(t, periods, src, by);
    if (rc) {
        sp_gapio_free(g);
        return rc;
    }
    int first = 0;
    for (int s = t - 1; s >= 1; s--)
        if (g->gap[s])
            g->ngaps++, first = s;
    if (!g->ngaps || mode == SP_GAPIO_SKIP)
        return SP_OK;
    char what[400];
    sp_period_gap_text(periods, first, g->step, what, sizeof what);
    rc = sp_error_set(SP_EDATA, "%s: %s: the period before %s %s in the data is not t-1, "
                      "%s%s; add the missing period's rows, use --gaps skip to leave out "
                      "%s, or --consecutive-periods when the labels are codes whose order "
                      "is the time (YYYYMM)", src, what, by, periods[first], breaks,
                      g->ngaps > 1 ? " (and more gaps after it)" : "", skipped);
    sp_gapio_free(g);
    return rc;
}

void sp_gapio_warn_uneven(FILE *err, const char *cmd, int t, const char *const *periods,
                          const unsigned char *gap, double step, const char *src,
                          const char *by, const char *before)
{
    int s = sp_period_uneven(t, periods, gap, step);
    if (s)
        fprintf(err, "spill %s: warning: %s: the %s periods are not equally spaced (%s after %s "
                "is %g apart, the step is %g): %s is the period listed before, over unequal "
                "intervals; --consecutive-periods says this is meant and silences this\n", cmd,
                src, by, periods[s], periods[s - 1],
                strtod(periods[s], NULL) - strtod(periods[s - 1], NULL), step, before);
}

int sp_gapio_same(int t, const char *const *periods, const char *src, const char *by)
{
    int s = sp_period_same(t, periods);
    if (!s)
        return SP_OK;
    return sp_error_set(SP_EDATA, "%s: the %s labels %s and %s are the same number (one period "
                        "written two ways?): write each period one way", src, by,
                        periods[s - 1], periods[s]);
}

void sp_gapio_free(sp_gapio *g)
{
    free(g->gap);
    g->gap = NULL;
}

/* The periods after a gap as [{period, previous, note}]. */
static json_t *gaps_json(int t, const char *const *periods, const unsigned char *gap,
                         double step)
{
    json_t *gaps = json_array();
    for (int s = 1; s < t; s++)
        if (gap[s]) {
            char what[400];
            sp_period_gap_text(periods, s, step, what, sizeof what);
            json_array_append_new(gaps, json_pack("{s:s, s:s, s:s}", "period", periods[s],
                                                  "previous", periods[s - 1], "note", what));
        }
    return gaps;
}

void sp_gapio_json(const sp_gapio *g, const char *before, json_t *o)
{
    char note[300];
    if (g->mode == SP_GAPIO_CONSECUTIVE)
        snprintf(note, sizeof note, "--consecutive-periods: the sorted labels are taken as "
                 "consecutive periods (%s is the label before)", before);
    else if (g->numeric)
        snprintf(note, sizeof note, "numeric labels, step %.10g: %s is the period one step "
                 "before", g->step, before);
    else
        snprintf(note, sizeof note, "labels are not numbers: their sorted order is taken as "
                 "consecutive periods (%s is the label before)", before);
    json_object_set_new(o, "period_order", json_string(note));
    json_object_set_new(o, "period_gaps", gaps_json(g->t, g->periods, g->gap, g->step));
}
