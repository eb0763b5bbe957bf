/* sp_panel: a long-format table (one row per unit and period) grouped by
 * period, with each period's units aligned to a weights matrix.
 *
 * Use it for any statistic that runs once per period of a panel (yearly
 * Moran's I, yearly hot spots, yearly ellipses) or that needs the units of
 * every period in the order of W (panel regression):
 *
 *   sp_panel *P;
 *   sp_panel_build(table, "adcode", "year", &P);     // validates ids and periods
 *   for (int g = 0; g < P->nperiods; g++) {
 *       const sp_panel_period *per = &P->periods[g];  // label, n, rows
 *       sp_panel_numeric(P, g, "ai_index", x);        // x[k] for row per->rows[k]
 *       sp_panel_align(P, g, W, &Wg);                 // W on these units, this order
 *   }
 *
 * Numeric period labels sort as numbers; two labels of the same number
 * ("2015", "2015.0") are SP_EDATA naming both, never two periods.
 * Without a time field the panel has one period (label "") holding every row,
 * so cross-sections and panels share one code path.  Without an id field the
 * ids are the row numbers "1".."nrow" (the CLI's default feature order); a
 * time field needs an id field.
 *
 * Periods are sorted numerically when every label is a number (2011 < 2015 <
 * 2019), else as text.  Within a period rows keep the table's order.
 *
 * Ownership: the panel points into the table (which must outlive it) and owns
 * only its own arrays; sp_panel_free releases them.  Errors follow sp_error.h:
 * a missing id or period value, or a unit appearing twice in one period, is
 * SP_EDATA naming the table, the row(s), the unit and the period. */
#ifndef SP_PANEL_H
#define SP_PANEL_H

#include <stddef.h>

#include "sp_table.h"
#include "sp_weights.h"

typedef struct sp_panel_period {
    const char *label; /* the period's value as text ("" without a time field) */
    int n;             /* rows (units) in this period */
    int *rows;         /* their table rows (0-based), in table order */
    const char **ids;  /* their unit ids (pointers into the table or idbuf) */
    struct sp_idmap *map; /* unit id -> k, built once (the duplicate check) */
} sp_panel_period;

typedef struct sp_panel {
    const sp_table *table;   /* not owned */
    const char **ids;        /* per table row: the unit id (points into the table
                                or into idbuf) */
    char *idbuf;             /* generated row-number ids, when no id field */
    int id_col, time_col;    /* -1 when absent */
    int nperiods;
    sp_panel_period *periods;
} sp_panel;

int sp_panel_build(const sp_table *t, const char *id_field, const char *time_field,
                   sp_panel **out);
void sp_panel_free(sp_panel *P);

/* ids[k] = the unit of period g's k-th row (pointers into P; ids has
 * P->periods[g].n places). */
void sp_panel_ids(const sp_panel *P, int g, const char **ids);

/* out[k] = the numeric value of `field` in period g's k-th row.  A missing or
 * non-numeric value is SP_EDATA naming the table, row, unit and period. */
int sp_panel_numeric(const sp_panel *P, int g, const char *field, double *out);

/* W restricted to period g's units, in the period's row order (see
 * sp_weights_align: a unit absent from W is an SP_EDATA error listing them).
 * Units of W that have no row in the period are left out; count them with
 * sp_panel_unmatched. */
int sp_panel_align(const sp_panel *P, int g, const sp_weights *W, sp_weights **out);

/* Number of units of W with no row in period g (looked up in the period's
 * id map, built once by sp_panel_build); their ids (up to 10, then
 * "...") go into buf as a comma-separated list. */
int sp_panel_unmatched(const sp_panel *P, int g, const sp_weights *W, char *buf, size_t size);

/* A short description of period g for messages: "TABLE" or "TABLE (TIME
 * LABEL)", into buf. */
const char *sp_panel_describe(const sp_panel *P, int g, char *buf, size_t size);

/* 1 when every period holds the same set of units. */
int sp_panel_balanced(const sp_panel *P);

#endif
