/* sp_table: an attribute table held as strings: the one table reader of
 * every command.
 *
 * sp_table_read() reads any GDAL vector source (CSV, Excel .xlsx/.xls, ODS,
 * a layer's attributes), and Stata/SPSS/SAS files through ReadStat
 * (sp_readstat.h), with the reader options of sp_readopt.h (--encoding,
 * --sheet, --skip-rows, --wide).  Every string is UTF-8.
 * Cells are kept as text so numeric conversion can name the row and the value
 * that is wrong; numbers stored as doubles (spreadsheets, DBF, dta) become
 * their shortest round-trip text, so parsing a cell gives the stored double.
 * A table owns its strings; sp_table_free() releases all.
 * Errors follow sp_error.h; missing files and fields are SP_EDATA. */
#ifndef SP_TABLE_H
#define SP_TABLE_H

#include <stdio.h>

typedef struct sp_table {
    char *source;   /* file name, for messages */
    int nrow, ncol;
    char **names;   /* ncol column names */
    char **cells;   /* nrow * ncol, row-major; NULL where the value is missing */
    char *hint;     /* NULL, or what a missing-field message adds (the sheets) */
    char *block;    /* NULL, or the one allocation every cell lies in (sp_csv):
                       then the cells are freed with it, not one by one */
} sp_table;

/* Read the first (or the named) layer of any GDAL vector source, typically CSV. */
int sp_table_read(const char *path, const char *layer, sp_table **out);

/* From now on, keep each table read (up to 64) and answer later reads of the
 * same path and layer, while the file's size and modification time are
 * unchanged, with a copy instead of reading the file again.  For `spill run`:
 * its workers, forked after the job was validated, inherit the tables read
 * then.  The kept tables live until the process ends.  Not thread-safe: for
 * processes that read tables from one thread. */
void sp_table_cache_enable(void);
void sp_table_free(sp_table *t);

/* Column index of name, or -1. */
int sp_table_col(const sp_table *t, const char *name);

/* Column index of name; an SP_EDATA error listing the columns if absent. */
int sp_table_require(const sp_table *t, const char *name, int *col);

static inline const char *sp_table_cell(const sp_table *t, int row, int col)
{
    return t->cells[(long)row * t->ncol + col];
}

/* Parse a whole column as finite doubles into out[nrow].  Empty, non-numeric,
 * NaN or infinite values are SP_EDATA errors naming the row (1-based data row)
 * and, when ids is not NULL, the unit ids[row]. */
int sp_table_numeric(const sp_table *t, const char *name, const char *const *ids, double *out);

/* Cell (row, col) as a finite double; an SP_EDATA error naming the file, the
 * row (1-based), the unit (id may be NULL) and the column otherwise. */
int sp_table_number(const sp_table *t, int row, int col, const char *id, double *out);

/* Write s as one CSV field: quoted (with "" for ") when it holds a comma, a
 * quote, a line break or leading/trailing blanks, as-is otherwise. */
void sp_table_csv_field(FILE *f, const char *s);

/* Parse one string as a finite double; 0 on success. */
int sp_table_parse_double(const char *s, double *out);

/* A plain decimal [+-]DIGITS[.DIGITS] of at most 15 significant digits (leading
 * zeros aside) and 22 after the point at s (len bytes,
 * or up to its NUL when len is SIZE_MAX), followed by the end or a blank,
 * into *out with strtod's bits without calling it.  Returns the end of the
 * number, or NULL for anything else (the caller then uses strtod). */
const char *sp_table_plain_decimal(const char *s, size_t len, double *out);

/* x as the shortest text (15 to 17 significant digits) that parses back to
 * the same double, into buf (cap >= 32). */
void sp_table_number_text(double x, char *buf, size_t cap);

#endif
