/* sp_wdense: dense n x n weights as other tools keep them: a CSV matrix with
 * or without an id row and column, a matrix on a workbook sheet, and Stata's
 * spmatrix export text (first line n, then one line per unit: its id and the
 * n weights; `noid` files without the ids).
 *
 * The readers of sp_wio split the text into a grid of cells; this module
 * finds the layout and builds the matrix.  Layouts of a grid of R rows:
 *   corner cell empty or not a number: header "id,ID1..IDn", rows "IDi,w..."
 *   ... unless (n+1) x n, row 1 opening with a number: a header of n ids
 *   all numbers, R x R:              no ids (units 1..n)
 *   all numbers, (n+1) x n:          a header row of ids, no id column
 *   all numbers, n x (n+1):          an id column, no header row
 * A zero cell is no link.  Ownership: *out belongs to the caller.  Errors
 * follow sp_error.h: a grid that is not square, a cell that is not a finite
 * number, an empty cell or a repeated id is SP_EDATA naming the file, the
 * line (or sheet row) and the unit. */
#ifndef SP_WDENSE_H
#define SP_WDENSE_H

#include "sp_weights.h"

#define SP_WDENSE_MAX_N 10000 /* n^2 cells */

typedef struct sp_wdense_grid {
    const char *path;
    const char *where;        /* "line" or "row", for messages */
    int nrows;
    const int *start;         /* row r is cells[start[r] .. start[r + 1]) */
    const char *const *cells; /* NULL or "" is an empty cell */
    const int *lineno;        /* per row, for messages */
    int spmat;                /* Stata spmatrix export: row 0 is "n" */
} sp_wdense_grid;

int sp_wdense_from_grid(const sp_wdense_grid *g, sp_weights **out);

/* The first (or --sheet) sheet of a workbook as a dense matrix. */
int sp_wdense_read_sheet(const char *path, sp_weights **out);

#endif
