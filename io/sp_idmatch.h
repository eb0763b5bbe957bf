/* sp_idmatch: which field of a table names the units of a weights matrix,
 * decided once for every command that matches data rows to W (moran, lisa,
 * hotspot, fit).  docs/data.md "Matching data to W" states the rule:
 *
 *   --id FIELD            the table's FIELD holds W's ids;
 *   no --id, W's header   GAL/GWT "0 n LAYER FIELD" or SWM UNIQUEID@FIELD
 *   names a field         that the table has: FIELD (a header field the
 *                         table lacks is an error);
 *   no --id, no field     a column whose values are W's ids in W's order
 *                         (then matching by position is provably the same);
 *                         a column holding W's ids in another order, or no
 *                         such column, is an error naming --id and --id-order;
 *   --id-order            row r is W's unit r, as the user asked.
 *
 * Ownership: an sp_idmatch is a plain value (no pointers).  Errors follow
 * sp_error.h: the refusals above are SP_EDATA naming the files and the
 * fields; --id with --id-order is SP_EUSAGE. */
#ifndef SP_IDMATCH_H
#define SP_IDMATCH_H

#include <stddef.h>

#include <jansson.h>

#include "sp_table.h"
#include "sp_weights.h"

typedef enum sp_idmatch_rule {
    SP_IDMATCH_OPTION, /* --id FIELD */
    SP_IDMATCH_HEADER, /* the field W's header names */
    SP_IDMATCH_SAME,   /* a column holding W's ids in W's order */
    SP_IDMATCH_ORDER   /* --id-order: row r is W's unit r */
} sp_idmatch_rule;

typedef struct sp_idmatch {
    sp_idmatch_rule rule;
    char field[256];   /* the table's id field; "" with SP_IDMATCH_ORDER */
    char wfield[256];  /* the id field W's header names ("" when none) */
    char warning[640]; /* a doubt worth a warning ("" when none): --id differs
                          from a header field the table also has */
} sp_idmatch;

/* Decide how the rows of t match the units of W (read from wpath).  id: the
 * --id value or NULL; id_order: --id-order was given. */
int sp_idmatch_resolve(const sp_table *t, const char *id, int id_order, const char *wpath,
                       const sp_weights *W, sp_idmatch *m);

/* The field to build the table's ids from, NULL with --id-order. */
const char *sp_idmatch_field(const sp_idmatch *m);

/* With --id-order: a copy of W whose units are named "1".."n" like the rows
 * of an id-less table (row r = unit r); t must have W->n rows (else SP_EDATA).
 * Without --id-order *out is NULL.  The caller frees *out. */
int sp_idmatch_order_weights(const sp_idmatch *m, const sp_table *t, const char *wpath,
                             const sp_weights *W, sp_weights **out);

/* "POLYID (the id field of W's header)", "row order (--id-order)", ... */
const char *sp_idmatch_describe(const sp_idmatch *m, char *buf, size_t size);

/* {"field": FIELD or null, "rule": "id" | "weights_header" | "same_order" |
 * "row_order"}; the caller owns the object. */
json_t *sp_idmatch_json(const sp_idmatch *m);

#endif
