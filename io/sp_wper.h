/* sp_wper: a weights matrix per period (spill fit, moran, lisa, hotspot):
 *   --w FILE                       one W for every period
 *   --w 2011=a.gal,2012=b.gal      a list: the W of each period label
 *   --w 'w_{}.gal' [--w-by TIME]   a pattern: {} replaced by the period label
 * (an economic-distance W recomputed each period is a pattern over the files
 * `spill weights --type econ --years Y-Y` writes, docs/panel.md).
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
} sp_wper;

int sp_wper_parse(const char *spec, sp_wper **out);
void sp_wper_free(sp_wper *w);

/* 1 when the weights differ by period (a list or a pattern). */
static inline int sp_wper_multi(const sp_wper *w) { return w->single == NULL; }

/* The W of period `label` (any label with one file) and its path. */
int sp_wper_get(sp_wper *w, const char *label, const sp_weights **W, const char **path);

#endif
