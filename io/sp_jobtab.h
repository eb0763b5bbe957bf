/* sp_jobtab: the tables of a job's report, made from the commands' JSON
 * output, written as CSV, Markdown, LaTeX and Excel .xlsx through the shared
 * table writer (io/sp_grid.h) and as HTML.
 *
 * A JSON array of objects is one table, a row per element; columns are the
 * members in first-seen order, nested objects flattened with dotted names
 * (rho.est), arrays of objects named by their "name" member
 * (coefficients.x1.est), arrays of scalars joined with blanks; matrices
 * (arrays of arrays) are left out, each being a table of its own
 * (sp_jobtab_add_matrix).  Numbers keep
 * full precision in CSV (%.17g), 16 significant digits in .xlsx (stored as
 * numbers; libxlsxwriter writes %.16G) and show six significant digits in
 * Markdown, LaTeX and HTML.
 *
 * Ownership: tables from sp_jobtab_new are freed with sp_jobtab_free.
 * Errors: SP_ENOMEM, SP_EDATA when a file cannot be written. */
#ifndef SP_JOBTAB_H
#define SP_JOBTAB_H

#include <stdio.h>

#include <jansson.h>

typedef struct sp_jobtab {
    char *name;        /* file stem, e.g. moran_ai_results */
    char *title;
    int nrow, ncol;
    char **head;       /* ncol */
    json_t **cell;     /* rows of cap_col references held by the table (NULL: empty) */
    int cap_row, cap_col;
} sp_jobtab;

sp_jobtab *sp_jobtab_new(const char *name, const char *title);
void sp_jobtab_free(sp_jobtab *t);

/* Append one row from a JSON object, flattening as above; prefix columns
 * (e.g. the specification) go first when given as {key: value} in `lead`. */
int sp_jobtab_add_object(sp_jobtab *t, json_t *lead, json_t *obj);

/* 1 when v is a matrix: a non-empty array whose first element is an array. */
int sp_jobtab_is_matrix(const json_t *v);

/* Append the rows of matrix m: a first column rowhead holding the row's label
 * (rows[i], else i + 1), then one column per element named by cols[j] (else
 * j + 1).  transpose: the rows of the table are m's columns (labelled by
 * cols), its columns m's rows (labelled by rows). */
int sp_jobtab_add_matrix(sp_jobtab *t, const json_t *m, const json_t *rows, const char *rowhead,
                         const json_t *cols, int transpose);

/* Write STEM.csv, STEM.md, STEM.tex and STEM.xlsx. */
int sp_jobtab_write_all(const sp_jobtab *t, const char *stem);

int sp_jobtab_markdown(FILE *f, const sp_jobtab *t);
void sp_jobtab_html(FILE *f, const sp_jobtab *t);

/* HTML-escape s into f. */
void sp_jobtab_html_text(FILE *f, const char *s);

#endif
