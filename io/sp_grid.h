/* sp_grid: the shared table writer.  Every command that prints a table builds
 * an sp_grid (named columns, rows of text and number cells, a title and notes)
 * and writes it in the format the user chose: aligned text, CSV, Markdown,
 * LaTeX (booktabs, significance stars) or JSON.
 *
 *   static const sp_grid_col cols[] = {
 *       {.name = "term", .align = SP_GRID_LEFT}, {.name = "estimate"}, {.name = "p"}};
 *   sp_grid *g = sp_grid_new("coefficients", cols, 3);
 *   sp_grid_row(g);
 *   sp_grid_str(g, "x1");
 *   sp_grid_num(g, "%.4f", 0.5);
 *   sp_grid_num(g, "%.3g", p);
 *   rc = sp_grid_write(g, SP_GRID_TEXT, stdout);   // the first failure of any call above
 *   sp_grid_free(g);
 *
 * In a command (io/cmd_NAME.c), the flags and -o FILE the same way everywhere:
 *
 *   static const sp_optspec spec[] = {..., {"output", 1}, {"json", 0},
 *                                     SP_GRID_FORMAT_OPTS, {NULL, 0}};
 *   sp_grid_dest d;
 *   if ((rc = sp_grid_dest_args(&a, "output", &d)))   // before any file is read
 *       return rc;
 *   ... compute, build g (d.format == SP_GRID_JSON: the command's own --json) ...
 *   if ((rc = sp_grid_dest_open(&d)) == SP_OK)
 *       rc = sp_grid_dest_close(&d, sp_grid_write(g, d.format, d.f));
 *
 * Errors (core/sp_error.h) are sticky, as stdio's ferror: the building calls
 * return a status, but a caller may ignore them, because the grid remembers
 * the first failure (out of memory, too many cells in a row) and
 * sp_grid_write/sp_grid_save return it and write nothing.  Every function
 * accepts a NULL grid (what sp_grid_new returns out of memory) and then
 * returns SP_ENOMEM.
 *
 * Formats:
 *   text      a title line, the header, the rows; columns separated by `gap`
 *             spaces (default 2), each padded to the widest of its cells and
 *             its stated minimum width, by display width (a Chinese character
 *             takes two columns), left or right aligned (a left-aligned last
 *             column is not padded); notes as lines after.
 *   CSV       a header of the column keys, then the rows (RFC 4180 quoting):
 *             cells as shown (a number with its format; give "%.17g" for full
 *             precision), a number that is not finite empty; no title, notes.
 *   Markdown  "**title**", a pipe table (":---" left, "---:" right), notes.
 *   LaTeX     table/tabular with booktabs rules (\toprule \midrule
 *             \bottomrule), the title as caption, text escaped, notes as a
 *             footnote-size multicolumn row; estimates with stars in math mode.
 *   JSON      {"title", "columns": [keys], "rows": [{key: value}], "notes"}:
 *             numbers as numbers (null when not finite), text as strings.
 *   .xlsx     (sp_grid_save only: a workbook is a file, not a stream) one
 *             worksheet, the keys in its first row (bold), numbers as numbers with
 *             their full value (empty when not finite), text as strings; the
 *             title as the document's, no notes.
 * Nothing is written after the table: a caller printing several tables adds
 * its own blank line between them.
 *
 * Ownership: the grid copies every string it is given; sp_grid_free frees it
 * all.  sp_grid_dest holds no allocation between open and close. */
#ifndef SP_GRID_H
#define SP_GRID_H

#include <stdio.h>

#include "sp_output.h"

struct sp_args;

typedef enum sp_grid_format {
    SP_GRID_TEXT,
    SP_GRID_CSV,
    SP_GRID_MARKDOWN,
    SP_GRID_LATEX,
    SP_GRID_JSON,
    SP_GRID_XLSX
} sp_grid_format;

enum { SP_GRID_RIGHT = 0, SP_GRID_LEFT = 1 };

/* A column: its header, a minimum text width (0: as wide as its cells), its
 * alignment (SP_GRID_RIGHT by default) and the key naming it in CSV and JSON
 * (NULL: the header). */
typedef struct sp_grid_col {
    const char *name;
    int width;
    int align;
    const char *key;
} sp_grid_col;

typedef struct sp_grid sp_grid;

/* A table of ncol columns (the array is copied); title may be NULL.  NULL when
 * out of memory (the message is set). */
sp_grid *sp_grid_new(const char *title, const sp_grid_col *cols, int ncol);
void sp_grid_free(sp_grid *g);

/* Text layout: spaces before the first column (default 0) and between
 * columns (default 2), and whether the header line is printed (default 1;
 * 0 for a list of labelled values). */
void sp_grid_text_layout(sp_grid *g, int indent, int gap, int header);

/* Start a new row; the cells below fill it left to right (missing cells at the
 * end are empty; a cell beyond the last column is an SP_EUSAGE error). */
int sp_grid_row(sp_grid *g);
/* A text cell (NULL: empty). */
int sp_grid_str(sp_grid *g, const char *s);
int sp_grid_strf(sp_grid *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A number shown with the printf format fmt (one double conversion), "-" when
 * v is not finite. */
int sp_grid_num(sp_grid *g, const char *fmt, double v);
int sp_grid_int(sp_grid *g, long v);
/* An estimate with significance stars from its p-value (sp_grid_stars):
 * "0.512**" in text, "$0.512^{**}$" in LaTeX; "-" when v is not finite. */
int sp_grid_est(sp_grid *g, const char *fmt, double v, double p);
/* A note printed under the table (text, Markdown, LaTeX, JSON). */
int sp_grid_note(sp_grid *g, const char *note);

int sp_grid_nrow(const sp_grid *g);

/* Write the table to f; the first recorded failure, or SP_EDATA when f reports
 * a write error. */
int sp_grid_write(const sp_grid *g, sp_grid_format format, FILE *f);
/* Write the table to path atomically (io/sp_output.h: no partial file). */
int sp_grid_save(const sp_grid *g, sp_grid_format format, const char *path);

/* "***" p < 0.01, "**" p < 0.05, "*" p < 0.1, else "" (and for NaN). */
const char *sp_grid_stars(double p);
/* The same as a LaTeX superscript: "^{***}", "^{**}", "^{*}" or "". */
const char *sp_grid_tex_stars(double p);
/* Write s to f with LaTeX's special characters escaped (_ & % $ # { } and *
 * as $\ast$). */
void sp_grid_latex_escape(FILE *f, const char *s);
/* Display width of a UTF-8 string in a terminal: East Asian wide and
 * full-width characters count 2, combining marks 0, others 1 (an invalid
 * byte counts 1). */
int sp_grid_width(const char *s);
/* The format a file name asks for: .csv, .md, .tex, .json, .txt (text),
 * .xlsx; `other` for any other name. */
sp_grid_format sp_grid_format_for(const char *path, sp_grid_format other);

/* Where a command's tables go: the format from --csv, --markdown, --latex or
 * --json (at most one; none: text) and the file from the option `path_opt`
 * (usually "output", i.e. -o FILE; NULL: always stdout). */
typedef struct sp_grid_dest {
    sp_grid_format format;
    const char *flag; /* the format flag given ("csv", ...), NULL: none */
    const char *path; /* NULL: stdout */
    FILE *f;          /* between open and close: where to write */
    sp_output out;
} sp_grid_dest;

/* The option-table entries sp_grid_dest_args reads (put them in a command's
 * sp_optspec array). */
#define SP_GRID_FORMAT_OPTS {"csv", 0}, {"markdown", 0}, {"latex", 0}

/* Read the format flags and the output option; two format flags are an
 * SP_EUSAGE error naming both. */
int sp_grid_dest_args(const struct sp_args *a, const char *path_opt, sp_grid_dest *d);
/* Where -o FILE (d->path) takes its tables' format from its extension, as
 * the distribution commands' -o: .csv, .md, .tex, .json, .txt (text);
 * `other` for any other name; a format flag keeps its format.  A flag that
 * names another format than the extension, and .xlsx (a stream of tables is
 * text), are SP_EUSAGE naming both.  Without -o nothing changes. */
int sp_grid_dest_by_extension(sp_grid_dest *d, sp_grid_format other);
/* d->f = stdout, or a temporary file that close renames onto d->path. */
int sp_grid_dest_open(sp_grid_dest *d);
/* Finish: with rc == SP_OK flush (stdout) or close and commit (a file), and
 * return the write status; with rc != SP_OK remove the temporary file and
 * return rc. */
int sp_grid_dest_close(sp_grid_dest *d, int rc);

#endif
