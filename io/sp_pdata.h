/* sp_pdata: a balanced long-format panel table turned into the stacked
 * layout of core/sp_within.h (period by period, units in a fixed order) with
 * its weights matrix, for spatial panel regression (spill fit --panel).
 *
 *   sp_pdata_opts o = {.id = "adcode", .time = "year", .where = "region=East",
 *                      .std = SP_STD_ROW};
 *   const char *vars[] = {"y", "x1", "x2"};
 *   sp_pdata *D;
 *   sp_pdata_build(table, W, vars, 3, &o, &D);   // D->v + j*n*t is variable j
 *
 * Rows are grouped by period with io/sp_panel.h (periods sorted numerically
 * when they are numbers); units are ordered as in the first period.  Errors
 * (SP_EDATA), each naming the table and listing up to 10 offenders with the
 * total count: a unit twice in one period (with both rows); an unbalanced
 * panel (the missing unit-period pairs); panel units absent from W; with
 * `strict`, units of W absent from the panel (else W is restricted to the
 * panel's units and D->w_unused lists the units left out); a --where value
 * that changes over time for a unit; a missing or non-numeric value (row,
 * unit, column).  With opts.unbalanced missing unit-periods are allowed and
 * listed in D->missing instead.
 *
 * --where FIELD=V1[,V2...] keeps the units whose FIELD is one of the values
 * (in every period).  W is then restricted to those units; in every case W
 * is standardised with `std` on the units kept.  D->note says what --where
 * did, D->islands lists units left without neighbours (their lag is zero).
 *
 * W may be NULL (a panel without weights, e.g. a Markov chain): D->W is then
 * NULL and nothing is checked against weights.
 *
 * Ownership: D points into the table (ids, labels), which must outlive it;
 * D owns its arrays, its W and the row-number ids of a table without an id
 * field; sp_pdata_free releases them. */
#ifndef SP_PANELDATA_H
#define SP_PANELDATA_H

#include "sp_table.h"
#include "sp_weights.h"

typedef struct sp_pdata_opts {
    const char *id, *time; /* --panel ID,TIME */
    const char *where;     /* "FIELD=V1[,V2...]" or NULL */
    sp_std std;            /* standardisation of W on the units kept */
    int strict;            /* units of W without rows are an error (--strict) */
    int unbalanced;        /* 1: missing unit-periods allowed (D->present, D->missing) */
    sp_weights **own_w;    /* NULL, or the caller's W (*own_w == W): handed over to D->W
                              when the units are W's in W's order (*own_w NULL after;
                              sp_weights_align_take), instead of copied */
} sp_pdata_opts;

typedef struct sp_pdata {
    int n, t;
    const char **units;   /* n unit ids (into the table, or into idbuf) */
    char *idbuf;          /* the units' ids when the table has no id field */
    const char **periods; /* t period labels, ascending */
    int *rows;            /* n*t table rows (0-based): rows[s*n + i]; -1 when missing */
    unsigned char *present; /* n*t: 1 where the unit-period has a row (all 1 when balanced) */
    int n_missing;        /* missing unit-periods (only with opts.unbalanced) */
    char missing[768];    /* the first of them, "unit in period, ..." */
    sp_weights *W;        /* n x n on these units, in this order, standardised (NULL
                             when sp_pdata_build had no W) */
    int nvar;
    double *v;            /* nvar vectors of n*t values: v + j*n*t, period by period
                             (NaN where missing) */
    int n_where_dropped;  /* units (of the table) that --where left out */
    char note[1024];      /* what --where did ("" without --where) */
    char islands[512];    /* units without neighbours in W ("" if none) */
    int n_islands;
    char w_unused[768];   /* units of W without rows, left out ("" if none) */
    int n_w_unused;
} sp_pdata;

int sp_pdata_build(const sp_table *tab, const sp_weights *W, const char *const *vars, int nvar,
                   const sp_pdata_opts *o, sp_pdata **out);
void sp_pdata_free(sp_pdata *D);

/* Parse "ID,TIME" into two fields written to id and time (each of size `size`). */
int sp_pdata_parse_panel(const char *spec, char *id, char *time, size_t size);

#endif
