/* sp_distio: the input side shared by the distribution commands (gini, kde,
 * index, decouple): read a table (any GDAL source, typically CSV), split it
 * into periods with --by, and give each period its unit ids, values and the
 * codes of a --group column.
 *
 * Groups are numbered in the order of their first appearance in the table;
 * a missing group value is an SP_EDATA error naming the row.  Values come
 * from sp_panel_numeric (missing or non-numeric values are errors naming the
 * row, unit and period).
 *
 * Ownership: sp_distio_open returns a new sp_distio freed by sp_distio_close;
 * period buffers are the caller's.  Errors follow sp_error.h. */
#ifndef SP_DISTIO_H
#define SP_DISTIO_H

#include <jansson.h>

#include "sp_grid.h"
#include "sp_panel.h"
#include "sp_table.h"

typedef struct sp_distio {
    const char *path;
    sp_table *t;
    sp_panel *P;
    int group_col;        /* -1 without --group */
    int ngroups;
    const char **groups;  /* ngroups labels (pointers into the table) */
    int *code;            /* per table row: its group (0..ngroups-1), or NULL */
} sp_distio;

int sp_distio_open(const char *path, const char *layer, const char *id, const char *by,
                   const char *group, sp_distio **out);
void sp_distio_close(sp_distio *D);

/* Period g's ids (may be NULL), values of var into x (may be NULL when var
 * is NULL) and group codes (may be NULL); every group must have a unit in
 * the period when codes are asked for (SP_EDATA naming the group). */
int sp_distio_period(const sp_distio *D, int g, const char *var, const char **ids, double *x,
                     int *codes);

/* The largest number of rows in a period. */
int sp_distio_maxn(const sp_distio *D);

/* JSON value of a period label: a number when it is one, else a string;
 * null without --by. */
json_t *sp_distio_by_json(const sp_distio *D, int g);

/* Parse a comma-separated list of names ("a,b,c") into at most max
 * pointers into buf (a copy of s of size bufsize); returns the count or -1
 * when there are too many or an empty name. */
int sp_distio_split(const char *s, char *buf, size_t bufsize, const char **names, int max);

/* A growing list of table columns with names made on the fly (groups,
 * pairs, periods): add columns, make the grid (which copies them), free. */
typedef struct sp_distio_cols {
    int n, cap, failed;
    sp_grid_col *cols;
} sp_distio_cols;

/* Append a column named by a printf format (align: SP_GRID_LEFT or _RIGHT);
 * out of memory is remembered and reported by sp_distio_cols_grid. */
void sp_distio_cols_add(sp_distio_cols *c, int align, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The grid of these columns (NULL when out of memory: sp_grid calls then
 * return SP_ENOMEM); frees the list. */
sp_grid *sp_distio_cols_grid(sp_distio_cols *c, const char *title);

struct sp_args;
struct sp_optspec;
/* The command line of a distribution command: the options (sp_args_parse),
 * exactly one DATA argument, and the printed tables' format (--csv,
 * --markdown, --latex; sp_grid_dest_args).  SP_HELP_SHOWN after --help. */
int sp_distio_args(int argc, char **argv, const struct sp_optspec *spec, const char *help,
                   struct sp_args *a, sp_grid_format *format);

/* sp_distio_open of the parsed command line: the DATA argument, --layer,
 * --id, --by and --group (each NULL when absent or not an option of the
 * command). */
int sp_distio_open_args(const struct sp_args *a, sp_distio **out);

/* Write g (then free it) to path in its extension's format, or to stdout in
 * `format` when path is NULL; the first failure, as sp_grid_write/save. */
int sp_distio_emit(sp_grid *g, sp_grid_format format, const char *path);

/* The printf format of numbers in a table: full precision ("%.17g") for
 * CSV and JSON, "%.4f" for text, Markdown and LaTeX. */
const char *sp_distio_numfmt(sp_grid_format format);

#endif
