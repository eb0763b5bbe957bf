/* Report tables from JSON and their CSV, Markdown, LaTeX, .xlsx and HTML
 * writers (see sp_jobtab.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_grid.h"
#include "sp_jobtab.h"

sp_jobtab *sp_jobtab_new(const char *name, const char *title)
{
    sp_jobtab *t = sp_calloc(1, sizeof *t);
    if (t && (!(t->name = sp_strdup(name)) || !(t->title = sp_strdup(title)))) {
        sp_jobtab_free(t);
        return NULL;
    }
    return t;
}

void sp_jobtab_free(sp_jobtab *t)
{
    if (!t)
        return;
    for (int k = 0; k < t->ncol; k++)
        free(t->head[k]);
    for (long k = 0; k < (long)t->nrow * t->cap_col; k++)
        json_decref(t->cell[k]);
    free(t->head);
    free(t->cell);
    free(t->name);
    free(t->title);
    free(t);
}

/* The column named name (added when new); -1 when out of memory. */
static int column(sp_jobtab *t, const char *name)
{
    for (int k = 0; k < t->ncol; k++)
        if (strcmp(t->head[k], name) == 0)
            return k;
    if (t->ncol == t->cap_col) {   /* re-lay the cells for twice the columns */
        int cap = t->cap_col ? 2 * t->cap_col : 16;
        char **head = sp_realloc(t->head, (size_t)cap * sizeof *head);
        json_t **cell = sp_calloc((size_t)(t->cap_row ? t->cap_row : 1) * cap, sizeof *cell);
        if (head)
            t->head = head;
        if (!head || !cell) {
            free(cell);
            return -1;
        }
        for (int r = 0; r < t->nrow; r++)
            memcpy(cell + (long)r * cap, t->cell + (long)r * t->cap_col,
                   (size_t)t->cap_col * sizeof *cell);
        free(t->cell);
        t->cell = cell;
        t->cap_col = cap;
    }
    if (!(t->head[t->ncol] = sp_strdup(name)))
        return -1;
    return t->ncol++;
}

static int put(sp_jobtab *t, const char *name, json_t *v)
{
    int c = column(t, name);
    if (c < 0)
        return SP_ENOMEM;
    json_t **slot = &t->cell[(long)(t->nrow - 1) * t->cap_col + c];
    json_decref(*slot);
    *slot = json_incref(v);
    return SP_OK;
}

/* Arrays of scalars as one blank-separated string. */
static json_t *joined(json_t *a)
{
    size_t len = 1, i;
    json_t *e;
    char buf[64];
    json_array_foreach(a, i, e) len += (json_is_string(e) ? strlen(json_string_value(e)) : 32) + 1;
    char *s = sp_calloc(len, 1);
    if (!s)
        return NULL;
    json_array_foreach(a, i, e) {
        if (i)
            strcat(s, " ");
        if (json_is_string(e))
            strcat(s, json_string_value(e));
        else if (json_is_number(e))
            snprintf(buf, sizeof buf, "%.17g", json_number_value(e)), strcat(s, buf);
    }
    json_t *v = json_string(s);
    free(s);
    return v;
}

static int flatten(sp_jobtab *t, const char *prefix, json_t *v)
{
    char name[512];
    int rc = SP_OK;
    if (json_is_object(v)) {
        const char *key;
        json_t *m;
        json_object_foreach(v, key, m) {
            snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "." : "", key);
            if ((rc = flatten(t, name, m)))
                return rc;
        }
        return rc;
    }
    if (sp_jobtab_is_matrix(v)) /* a table of its own (sp_jobtab_add_matrix), not a cell */
        return SP_OK;
    if (json_is_array(v) && json_array_size(v) && json_is_object(json_array_get(v, 0))) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            json_t *nm = json_object_get(e, "name");
            char label[32];
            snprintf(label, sizeof label, "%zu", i + 1);
            snprintf(name, sizeof name, "%s.%s", prefix,
                     json_is_string(nm) ? json_string_value(nm) : label);
            json_t *rest = json_deep_copy(e);
            if (!rest)
                return SP_ENOMEM;
            json_object_del(rest, "name");
            rc = flatten(t, name, rest);
            json_decref(rest);
            if (rc)
                return rc;
        }
        return rc;
    }
    if (json_is_array(v)) {
        json_t *s = joined(v);
        rc = s ? put(t, prefix, s) : SP_ENOMEM;
        json_decref(s);
        return rc;
    }
    return put(t, prefix, v);
}

int sp_jobtab_is_matrix(const json_t *v)
{
    return json_is_array(v) && json_array_size(v) && json_is_array(json_array_get(v, 0));
}

/* Label i of labels (a string, or a number as text), else i + 1. */
static void label_text(const json_t *labels, size_t i, char *buf, size_t size)
{
    const json_t *l = labels ? json_array_get(labels, i) : NULL;
    if (json_is_string(l))
        snprintf(buf, size, "%s", json_string_value(l));
    else if (json_is_number(l))
        snprintf(buf, size, "%.17g", json_number_value(l));
    else
        snprintf(buf, size, "%zu", i + 1);
}

/* Element (i, j) of the table of m: m[i][j], or m[j][i] transposed. */
static json_t *matrix_cell(const json_t *m, size_t i, size_t j, int transpose)
{
    return json_array_get(json_array_get(m, transpose ? j : i), transpose ? i : j);
}

int sp_jobtab_add_matrix(sp_jobtab *t, const json_t *m, const json_t *rows, const char *rowhead,
                         const json_t *cols, int transpose)
{
    size_t nr = json_array_size(m), nc = json_array_size(json_array_get(m, 0));
    if (transpose) {
        const json_t *swap = rows;
        size_t n = nr;
        rows = cols, cols = swap, nr = nc, nc = n;
    }
    char label[256];
    int rc = SP_OK;
    for (size_t i = 0; i < nr && !rc; i++) {
        json_t *row = json_object();
        label_text(rows, i, label, sizeof label);
        rc = row && !json_object_set_new(row, rowhead, json_string(label)) ? SP_OK : SP_ENOMEM;
        for (size_t j = 0; j < nc && !rc; j++) {
            json_t *v = matrix_cell(m, i, j, transpose);
            label_text(cols, j, label, sizeof label);
            if (v && json_object_set(row, label, v))
                rc = SP_ENOMEM;
        }
        if (!rc)
            rc = sp_jobtab_add_object(t, NULL, row);
        json_decref(row);
    }
    return rc;
}

int sp_jobtab_add_object(sp_jobtab *t, json_t *lead, json_t *obj)
{
    if (t->nrow == t->cap_row) {
        int cap = t->cap_row ? 2 * t->cap_row : 16, cols = t->cap_col ? t->cap_col : 16;
        json_t **cell = sp_realloc(t->cell, (size_t)cap * cols * sizeof *cell);
        if (cell)
            t->cell = cell;
        if (!t->head && !(t->head = sp_calloc((size_t)cols, sizeof *t->head)))
            return SP_ENOMEM;
        if (!cell)
            return SP_ENOMEM;
        memset(cell + (long)t->cap_row * cols, 0, (size_t)(cap - t->cap_row) * cols * sizeof *cell);
        t->cell = cell;
        t->cap_row = cap;
        t->cap_col = cols;
    }
    t->nrow++;
    int rc = lead ? flatten(t, "", lead) : SP_OK;
    return rc ? rc : flatten(t, "", obj);
}

/* ---- writers ---- */

static const json_t *cell(const sp_jobtab *t, int r, int c)
{
    return t->cell[(long)r * t->cap_col + c];
}

/* The text of a cell: numbers with %.17g (full) or %.6g (display). */
static const char *text(const json_t *v, int full, char *buf, size_t size)
{
    if (!v || json_is_null(v))
        return "";
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_true(v))
        return "true";
    if (json_is_false(v))
        return "false";
    if (json_is_integer(v))
        snprintf(buf, size, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, size, full ? "%.17g" : "%.6g", json_real_value(v));
    else
        return "";
    return buf;
}

/* The table as an sp_grid (io/sp_grid.h, the shared writer): numbers with
 * %.17g (full) or %.6g; the first column left-aligned.  NULL out of memory. */
static sp_grid *to_grid(const sp_jobtab *t, int full, int titled)
{
    sp_grid_col *cols = sp_calloc((size_t)t->ncol + 1, sizeof *cols);
    if (!cols)
        return NULL;
    for (int c = 0; c < t->ncol; c++)
        cols[c] = (sp_grid_col){.name = t->head[c], .align = c ? SP_GRID_RIGHT : SP_GRID_LEFT};
    sp_grid *g = sp_grid_new(titled ? t->title : NULL, cols, t->ncol);
    free(cols);
    char buf[64];
    for (int r = 0; r < t->nrow; r++) {
        sp_grid_row(g);
        for (int c = 0; c < t->ncol; c++) {
            const json_t *v = cell(t, r, c);
            if (json_is_real(v))
                sp_grid_num(g, full ? "%.17g" : "%.6g", json_real_value(v));
            else if (json_is_integer(v)) /* a number in .xlsx too */
                sp_grid_int(g, (long)json_integer_value(v));
            else
                sp_grid_str(g, text(v, full, buf, sizeof buf));
        }
    }
    return g;
}

int sp_jobtab_markdown(FILE *f, const sp_jobtab *t)
{
    sp_grid *g = to_grid(t, 0, 0);
    int rc = sp_grid_write(g, SP_GRID_MARKDOWN, f);
    sp_grid_free(g);
    return rc;
}

void sp_jobtab_html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '"')
            fputs("&quot;", f);
        else
            fputc(*s, f);
    }
}

void sp_jobtab_html(FILE *f, const sp_jobtab *t)
{
    char buf[64];
    fputs("<div class=\"table\"><table>\n<thead><tr>", f);
    for (int c = 0; c < t->ncol; c++)
        fputs("<th>", f), sp_jobtab_html_text(f, t->head[c]), fputs("</th>", f);
    fputs("</tr></thead>\n<tbody>\n", f);
    for (int r = 0; r < t->nrow; r++) {
        fputs("<tr>", f);
        for (int c = 0; c < t->ncol; c++) {
            const json_t *v = cell(t, r, c);
            fputs(json_is_number(v) ? "<td class=\"num\">" : "<td>", f);
            sp_jobtab_html_text(f, text(v, 0, buf, sizeof buf));
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table></div>\n", f);
}

int sp_jobtab_write_all(const sp_jobtab *t, const char *stem)
{
    static const char *const ext[] = {"csv", "md", "tex", "xlsx"};
    static const sp_grid_format fmt[] = {SP_GRID_CSV, SP_GRID_MARKDOWN, SP_GRID_LATEX,
                                         SP_GRID_XLSX};
    char path[4096];
    int rc = SP_OK;
    for (int k = 0; k < 4 && !rc; k++) {
        sp_grid *g = to_grid(t, k == 0 || k == 3, 1);
        snprintf(path, sizeof path, "%s.%s", stem, ext[k]);
        rc = sp_grid_save(g, fmt[k], path);
        sp_grid_free(g);
    }
    return rc;
}
