/* sp_gapio: what a command does about gaps between its period labels when it
 * takes "the period before" as t - 1 (Markov transitions, decoupling between
 * consecutive periods; docs/panel.md "Gaps between periods"): the options
 * --gaps error|skip and --consecutive-periods, the error naming the first gap,
 * and the JSON keys period_order and period_gaps.  The gaps themselves are
 * core/sp_period.h's.
 *
 * Ownership: sp_gapio_find fills a sp_gapio whose gap array the caller frees
 * with sp_gapio_free; the labels stay the caller's.  Errors follow
 * sp_error.h: usage errors SP_EUSAGE, a gap under --gaps error SP_EDATA. */
#ifndef SP_GAPIO_H
#define SP_GAPIO_H

#include <jansson.h>
#include <stdio.h>

#include "sp_args.h"

typedef enum sp_gapio_mode {
    SP_GAPIO_ERROR,       /* a gap is an error naming it (the default) */
    SP_GAPIO_SKIP,        /* --gaps skip: what spans a gap is left out */
    SP_GAPIO_CONSECUTIVE  /* --consecutive-periods: the labels' order is the time */
} sp_gapio_mode;

/* The option specs, for a command's sp_optspec list. */
#define SP_GAPIO_OPTS {"gaps", 1}, {"consecutive-periods", 0}

/* The help lines of the options (what --gaps skip leaves out: `skipped`). */
#define SP_GAPIO_HELP(skipped)                                                               \
    "  --gaps error|skip    numeric period labels with a gap (2010, 2012): an error naming\n" \
    "                       it (default), or skip: " skipped "\n"                              \
    "  --consecutive-periods  the sorted labels are consecutive periods even when they\n"     \
    "                       are numbers with gaps (codes such as YYYYMM)\n"

/* --gaps and --consecutive-periods into *mode (they exclude each other). */
int sp_gapio_args(const sp_args *a, sp_gapio_mode *mode);

typedef struct sp_gapio {
    sp_gapio_mode mode;
    int t, numeric, ngaps;      /* numeric: the labels are numbers, step their step */
    double step;
    unsigned char *gap;         /* t: gap[s] = 1 when period s follows a gap */
    const char *const *periods; /* the caller's t sorted labels */
} sp_gapio;

/* The gaps of t sorted labels (none under SP_GAPIO_CONSECUTIVE).  Under
 * SP_GAPIO_ERROR a gap is SP_EDATA: "SRC: period 2011 is missing between
 * 2010 and 2012: ..." naming BY and saying what the gap breaks (`breaks`,
 * e.g. "a transition from it would span more periods than the others") and
 * what --gaps skip leaves out (`skipped`). */
int sp_gapio_find(sp_gapio *g, sp_gapio_mode mode, int t, const char *const *periods,
                  const char *src, const char *by, const char *breaks, const char *skipped);
void sp_gapio_free(sp_gapio *g);

/* A warning on err when numeric labels are taken as consecutive over
 * unequal intervals (sp_period_uneven: 2011, 2015, 2019, 2022), naming the
 * first longer interval, the step, `src`, the period field `by` and what t-1
 * means to the command (`before`, e.g. "a transition's origin"); nothing
 * when the intervals are equal. */
void sp_gapio_warn_uneven(FILE *err, const char *cmd, int t, const char *const *periods,
                          const unsigned char *gap, double step, const char *src,
                          const char *by, const char *before);

/* SP_EDATA naming two labels of the same number (sp_period_same: "2010",
 * "2010.0", one period written two ways) with `src` and the period field
 * `by`, else SP_OK.  (sp_panel_build refuses such labels first: this guards
 * labels that reach the gap rules by another way.) */
int sp_gapio_same(int t, const char *const *periods, const char *src, const char *by);

/* period_order (a sentence: how "the period before" is found; `before`
 * names it, e.g. "a transition's origin") and period_gaps, the periods after a
 * gap as [{period, previous, note}] (note: sp_period_gap_text), into o. */
void sp_gapio_json(const sp_gapio *g, const char *before, json_t *o);

#endif
