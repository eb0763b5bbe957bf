/* sp_wper: a weights matrix per period (spill fit, moran, lisa, hotspot):
 *   --w FILE                       one W for every period
 *   --w 2011=a.gal,2012=b.gal      a list: the W of each period label
 *   --w 'w_{}.gal' [--w-by TIME]   a pattern: {} replaced by the period label
 *   --w econ:VAR                   economic distance recomputed each period from
 *                                  the period's values of VAR in the data:
 *                                  w_ij = 1/|g_i - g_j| (spatial/sp_econ.h)
 *   --w econ-mean:VAR              the same from each unit's mean of VAR over all
 *                                  the periods (one matrix, restricted to the
 *                                  period's units)
 *   --w nested:VAR:GEO, nested-mean:VAR:GEO   the nested economic-geographic W:
 *                                  GEO's W with column j scaled by g_j / mean(g)
 *                                  over the period's units
 * (docs/panel.md).  The economic kinds need the data: sp_wper_bind.
 *
 * sp_wper_parse reads no file (usage errors come before any reading); the
 * matrices are read when first asked for and kept.
 *
 * Ownership: sp_wper_parse returns a new sp_wper freed with sp_wper_free;
 * the weights sp_wper_get returns belong to it.  Errors follow sp_error.h: a
 * malformed list is SP_EUSAGE; a period without a W in the list is SP_EDATA
 * naming it. */
#ifndef SP_WPER_H
#define SP_WPER_H

#include "sp_weights.h"

typedef struct sp_wper {
    int n;              /* list entries (0 for one file or a pattern) */
    char **labels, **paths;
    sp_weights **W;     /* n (list), or the files read for a pattern, by label */
    char *pattern;      /* the pattern, or NULL */
    char *single;       /* the one file, or NULL */
    sp_weights *one;
    int cap;            /* entries allocated (pattern: grows) */
    /* economic distance (econ = 1) or nested (econ = 2) per period, mean = 1
     * for the mean-over-periods values; var the variable, geo the file */
    int econ, mean;
    char *var, *geo;
    sp_weights *geo_w;
    /* the data, after sp_wper_bind: per row its unit's id and index, its
     * period label (into the table) and value; the units' means */
    int nrow, nunit;
    const char **row_id, **row_per;
    int *row_unit;
    double *row_val, *unit_mean;
} sp_wper;

int sp_wper_parse(const char *spec, sp_wper **out);
void sp_wper_free(sp_wper *w);

/* 1 when the weights differ by period (a list or a pattern). */
static inline int sp_wper_multi(const sp_wper *w) { return w->single == NULL; }

/* 1 for the economic kinds (they need sp_wper_bind before sp_wper_get). */
static inline int sp_wper_econ(const sp_wper *w) { return w->econ != 0; }

/* The economic kinds' data: tab's rows, the unit in column idf, the period
 * label in timef, the variable w->var (finite numbers: else SP_EDATA naming
 * the row and unit).  tab must outlive w; a no-op for the other kinds. */
struct sp_table;
int sp_wper_bind(sp_wper *w, const struct sp_table *tab, const char *idf, const char *timef);

/* The W of period `label` (any label with one file) and its path (for the
 * economic kinds a description, "econ:VAR (2011 values)"). */
int sp_wper_get(sp_wper *w, const char *label, const sp_weights **W, const char **path);

/* The one file's W (W, as sp_wper_get gave it), handed over to the caller
 * who frees it; a later sp_wper_get reads the file again.  NULL when W is
 * not the one file's (a list, a pattern, the economic kinds). */
sp_weights *sp_wper_release(sp_wper *w, const sp_weights *W);

#endif
