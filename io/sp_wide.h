/* sp_wide: a wide table (one column per period: gdp2011, gdp2012, ...) as a
 * long one (one row per unit and period), for --wide (sp_readopt.h).
 *
 * Each spec VAR:PREFIX{TIME}SUFFIX takes the columns named PREFIX p SUFFIX
 * whose period text p is not empty and begins with a digit (2011, 2011Q1,
 * 2011m03).  Every other column is kept and repeated on each period's row;
 * the period goes to column TIME and each spec's value to column VAR (empty
 * where a spec has no column for that period).  Periods are sorted
 * numerically when all are numbers, else kept in column order; rows come unit
 * by unit, periods inside.
 * Ownership: *out is a new table (the caller frees both).  A table with no
 * matching column is copied unchanged through *out = NULL and SP_OK.  Errors
 * follow sp_error.h: a kept column named like TIME or a VAR is SP_EDATA. */
#ifndef SP_WIDE_H
#define SP_WIDE_H

#include "sp_readopt.h"
#include "sp_table.h"

int sp_wide_reshape(const sp_table *t, const sp_readopt_wide *specs, int nspecs, sp_table **out);

#endif
