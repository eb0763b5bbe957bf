/* sp_period: period labels as time -- the gaps between numeric labels
 * (docs/panel.md, "Gaps between periods"), shared by every command that takes
 * "the period before" as t - 1 (dynamic panels, Markov transitions,
 * decoupling between consecutive periods).
 *
 * Ownership: the caller owns every buffer.  Nothing here fails. */
#ifndef SP_PERIOD_H
#define SP_PERIOD_H

#include <stddef.h>

/* The gaps between t sorted labels: when every label is a number, the step is
 * the smallest difference between consecutive labels (ascending), and period
 * s >= 1 follows a gap when it lies more than a step (half a step of slack)
 * after period s - 1: gap[s] = 1 (t entries, gap[0] = 0).  Returns 1 when the
 * labels are numbers (*step set), 0 when not: their order is taken as
 * consecutive periods (gap all 0). */
int sp_period_gaps(int t, const char *const *periods, unsigned char *gap, double *step);

/* The first s >= 1 (after sp_period_gaps with `step`) that follows no gap but
 * lies more than a step after period s - 1 (2011, 2015, 2019, 2022: step 3,
 * 2015 after 2011), or 0 when every interval without a gap is the step (to
 * 1e-9 relative): the half step of slack takes such labels as consecutive,
 * over intervals that are not equal. */
int sp_period_uneven(int t, const char *const *periods, const unsigned char *gap, double step);

/* The first s >= 1 whose label is the same number as label s - 1 ("2010",
 * "2010.0": one period written two ways, which sp_period_gaps takes as not
 * numbers), or 0 when there is none. */
int sp_period_same(int t, const char *const *periods);

/* The sentence naming what is missing before period s (a gap found with
 * `step`): "period 2011 is missing between 2010 and 2012", or "periods
 * 2011..2013 are missing between 2010 and 2014", into buf. */
void sp_period_gap_text(const char *const *periods, int s, double step, char *buf, size_t size);

/* The gaps among the `lag` periods after each origin: skip[s] = 1 (t
 * entries) when a gap lies in s + 1 .. s + lag (the transition from s to
 * s + lag spans more than lag steps); 0 for s + lag >= t. */
void sp_period_span_gaps(int t, const unsigned char *gap, int lag, unsigned char *skip);

#endif
