/* sp_grid: the shared table writer (text, CSV, Markdown, LaTeX, JSON, .xlsx); see sp_grid.h. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <xlsxwriter.h>

#include "sp_args.h"
#include "sp_json.h"
#include "sp_error.h"
#include "sp_grid.h"
#include "sp_table.h"

typedef struct cell {
    char *text;        /* as shown in text, Markdown and LaTeX (stars apart) */
    const char *stars; /* sp_grid_est: "", "*", "**" or "***"; NULL otherwise */
    int numeric;       /* 1: value is the number (empty in CSV when not finite; JSON) */
    double value;
    double p;          /* sp_grid_est: the p-value behind the stars */
} cell;

struct sp_grid {
    char *title;
    sp_grid_col *cols;
    int ncol, gap, indent, header; /* text layout (sp_grid_text_layout) */
    int nrow, cap, fill; /* rows, allocated rows, cells of the last row so far */
    cell *cells;         /* nrow * ncol */
    char **notes;
    int nnote;
    int status;          /* the first failure (sticky) */
};

/* ---- building ---- */

/* Record the first failure and return it. */
static int fail(sp_grid *g, int rc)
{
    if (g && !g->status)
        g->status = rc;
    return g ? g->status : SP_ENOMEM;
}

sp_grid *sp_grid_new(const char *title, const sp_grid_col *cols, int ncol)
{
    sp_grid *g = sp_calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->ncol = ncol;
    g->gap = 2;
    g->header = 1;
    g->cols = sp_calloc((size_t)ncol, sizeof *g->cols);
    g->title = title ? sp_strdup(title) : NULL;
    if (!g->cols || (title && !g->title)) {
        sp_grid_free(g);
        return NULL;
    }
    for (int c = 0; c < ncol; c++) {
        g->cols[c] = cols[c];
        g->cols[c].name = sp_strdup(cols[c].name ? cols[c].name : "");
        g->cols[c].key = cols[c].key ? sp_strdup(cols[c].key) : NULL;
        if (!g->cols[c].name || (cols[c].key && !g->cols[c].key))
            g->status = SP_ENOMEM;
    }
    return g;
}

void sp_grid_free(sp_grid *g)
{
    if (!g)
        return;
    for (int i = 0; i < g->nrow * g->ncol; i++)
        free(g->cells[i].text);
    for (int c = 0; c < g->ncol && g->cols; c++) {
        free((char *)g->cols[c].name);
        free((char *)g->cols[c].key);
    }
    for (int k = 0; k < g->nnote; k++)
        free(g->notes[k]);
    free(g->notes);
    free(g->cells);
    free(g->cols);
    free(g->title);
    free(g);
}

void sp_grid_text_layout(sp_grid *g, int indent, int gap, int header)
{
    if (g)
        g->indent = indent, g->gap = gap, g->header = header;
}

int sp_grid_nrow(const sp_grid *g)
{
    return g ? g->nrow : 0;
}

int sp_grid_row(sp_grid *g)
{
    if (!g || g->status)
        return fail(g, SP_ENOMEM);
    if (g->nrow == g->cap) {
        int cap = g->cap ? 2 * g->cap : 16;
        cell *p = sp_realloc(g->cells, (size_t)cap * (size_t)g->ncol * sizeof *p);
        if (!p)
            return fail(g, SP_ENOMEM);
        g->cells = p;
        g->cap = cap;
    }
    memset(&g->cells[(size_t)g->nrow * g->ncol], 0, (size_t)g->ncol * sizeof *g->cells);
    g->nrow++;
    g->fill = 0;
    return SP_OK;
}

/* The next cell of the current row, with its text copied. */
static cell *next_cell(sp_grid *g, const char *text)
{
    if (!g || g->status)
        return fail(g, SP_ENOMEM), NULL;
    if (g->nrow == 0 || g->fill == g->ncol) {
        fail(g, sp_error_set(SP_EUSAGE, "table '%s': more cells than its %d columns",
                             g->title ? g->title : "", g->ncol));
        return NULL;
    }
    cell *c = &g->cells[(size_t)(g->nrow - 1) * g->ncol + g->fill];
    if (!(c->text = sp_strdup(text ? text : ""))) {
        fail(g, SP_ENOMEM);
        return NULL;
    }
    g->fill++;
    return c;
}

int sp_grid_str(sp_grid *g, const char *s)
{
    return next_cell(g, s) ? SP_OK : fail(g, SP_ENOMEM);
}

int sp_grid_strf(sp_grid *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *buf = len >= 0 ? sp_malloc((size_t)len + 1) : NULL;
    if (!buf)
        return fail(g, SP_ENOMEM);
    va_start(ap, fmt);
    vsnprintf(buf, (size_t)len + 1, fmt, ap);
    va_end(ap);
    int rc = sp_grid_str(g, buf);
    free(buf);
    return rc;
}

int sp_grid_num(sp_grid *g, const char *fmt, double v)
{
    char buf[64];
    if (isfinite(v))
        snprintf(buf, sizeof buf, fmt, v);
    else
        snprintf(buf, sizeof buf, "-");
    cell *c = next_cell(g, buf);
    if (!c)
        return fail(g, SP_ENOMEM);
    c->numeric = 1;
    c->value = v;
    return SP_OK;
}

int sp_grid_int(sp_grid *g, long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", v);
    cell *c = next_cell(g, buf);
    if (!c)
        return fail(g, SP_ENOMEM);
    c->numeric = 1;
    c->value = (double)v;
    return SP_OK;
}

int sp_grid_est(sp_grid *g, const char *fmt, double v, double p)
{
    int rc = sp_grid_num(g, fmt, v);
    if (!rc) {
        cell *c = &g->cells[(size_t)(g->nrow - 1) * g->ncol + g->fill - 1];
        c->stars = isfinite(v) ? sp_grid_stars(p) : "";
        c->p = isfinite(v) ? p : NAN;
    }
    return rc;
}

int sp_grid_note(sp_grid *g, const char *note)
{
    if (!g || g->status)
        return fail(g, SP_ENOMEM);
    char **p = sp_realloc(g->notes, (size_t)(g->nnote + 1) * sizeof *p);
    if (!p)
        return fail(g, SP_ENOMEM);
    g->notes = p;
    if (!(p[g->nnote] = sp_strdup(note)))
        return fail(g, SP_ENOMEM);
    g->nnote++;
    return SP_OK;
}

/* ---- small helpers ---- */

const char *sp_grid_stars(double p)
{
    return !isfinite(p) ? "" : p < 0.01 ? "***" : p < 0.05 ? "**" : p < 0.1 ? "*" : "";
}

const char *sp_grid_tex_stars(double p)
{
    static const char *const tex[] = {"", "^{*}", "^{**}", "^{***}"};
    return tex[strlen(sp_grid_stars(p))];
}

void sp_grid_latex_escape(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (strchr("_&%$#{}", *s))
            fputc('\\', f);
        if (*s == '*')
            fputs("$\\ast$", f);
        else if (*s == '\\') /* markov's "from \ to": not a control space */
            fputs("\\textbackslash{}", f);
        else
            fputc(*s, f);
    }
}

/* East Asian wide or full-width code points (Unicode EastAsianWidth W and F,
 * the blocks tables use: Hangul, CJK, kana, full-width forms, emoji). */
static int wide(unsigned long u)
{
    return (u >= 0x1100 && u <= 0x115F) || (u >= 0x2E80 && u <= 0x303E) ||
           (u >= 0x3041 && u <= 0x33FF) || (u >= 0x3400 && u <= 0x4DBF) ||
           (u >= 0x4E00 && u <= 0x9FFF) || (u >= 0xA000 && u <= 0xA4CF) ||
           (u >= 0xAC00 && u <= 0xD7A3) || (u >= 0xF900 && u <= 0xFAFF) ||
           (u >= 0xFE30 && u <= 0xFE4F) || (u >= 0xFF00 && u <= 0xFF60) ||
           (u >= 0xFFE0 && u <= 0xFFE6) || (u >= 0x1F300 && u <= 0x1F64F) ||
           (u >= 0x1F900 && u <= 0x1F9FF) || (u >= 0x20000 && u <= 0x3FFFD);
}

/* Combining marks, which take no column of their own. */
static int zero_width(unsigned long u)
{
    return (u >= 0x0300 && u <= 0x036F) || (u >= 0x200B && u <= 0x200F) ||
           (u >= 0xFE00 && u <= 0xFE0F) || (u >= 0x20D0 && u <= 0x20FF);
}

int sp_grid_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int w = 0;
    while (*p) {
        int len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3
                : (*p & 0xF8) == 0xF0 ? 4 : 0;
        unsigned long u = len == 1 ? *p : len == 2 ? *p & 0x1F : len == 3 ? *p & 0x0F : *p & 0x07;
        int k = 1;
        for (; k < len && (p[k] & 0xC0) == 0x80; k++)
            u = (u << 6) | (p[k] & 0x3F);
        if (len == 0 || k < len) { /* an invalid byte: one column */
            w++, p++;
            continue;
        }
        w += wide(u) ? 2 : zero_width(u) ? 0 : 1;
        p += len;
    }
    return w;
}

sp_grid_format sp_grid_format_for(const char *path, sp_grid_format other)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return other;
    return strcasecmp(dot, ".csv") == 0    ? SP_GRID_CSV
           : strcasecmp(dot, ".md") == 0   ? SP_GRID_MARKDOWN
           : strcasecmp(dot, ".tex") == 0  ? SP_GRID_LATEX
           : strcasecmp(dot, ".json") == 0 ? SP_GRID_JSON
           : strcasecmp(dot, ".txt") == 0  ? SP_GRID_TEXT
           : strcasecmp(dot, ".xlsx") == 0 ? SP_GRID_XLSX
                                           : other;
}

static const cell *at(const sp_grid *g, int r, int c)
{
    return &g->cells[(size_t)r * g->ncol + c];
}

static const char *key_of(const sp_grid *g, int c)
{
    return g->cols[c].key ? g->cols[c].key : g->cols[c].name;
}

static int plain_width(const cell *x)
{
    return sp_grid_width(x->text ? x->text : "") + (x->stars ? (int)strlen(x->stars) : 0);
}

/* ---- the five formats ---- */

/* s padded to width w by display width, left or right aligned (a left-aligned
 * last cell is not padded: no trailing blanks). */
static void put_padded(FILE *f, const char *s, const char *stars, int w, int align, int last)
{
    int pad = w - sp_grid_width(s) - (stars ? (int)strlen(stars) : 0);
    if (align != SP_GRID_LEFT)
        for (; pad > 0; pad--)
            fputc(' ', f);
    fputs(s, f);
    if (stars)
        fputs(stars, f);
    for (; pad > 0 && !last; pad--)
        fputc(' ', f);
}

static int write_text(const sp_grid *g, FILE *f)
{
    int *width = sp_calloc((size_t)g->ncol, sizeof *width);
    if (!width)
        return SP_ENOMEM;
    for (int c = 0; c < g->ncol; c++) {
        int head = g->header ? sp_grid_width(g->cols[c].name) : 0;
        width[c] = g->cols[c].width > head ? g->cols[c].width : head;
        for (int r = 0; r < g->nrow; r++)
            if (plain_width(at(g, r, c)) > width[c])
                width[c] = plain_width(at(g, r, c));
    }
    if (g->title)
        fprintf(f, "%s\n", g->title);
    for (int r = g->header ? -1 : 0; r < g->nrow; r++) {
        for (int c = 0; c < g->ncol; c++) {
            fprintf(f, "%*s", c ? g->gap : g->indent, "");
            const cell *x = r < 0 ? NULL : at(g, r, c);
            put_padded(f, x ? (x->text ? x->text : "") : g->cols[c].name, x ? x->stars : NULL,
                       width[c], g->cols[c].align, c + 1 == g->ncol);
        }
        fputc('\n', f);
    }
    for (int k = 0; k < g->nnote; k++)
        fprintf(f, "%s\n", g->notes[k]);
    free(width);
    return SP_OK;
}

static void write_csv(const sp_grid *g, FILE *f)
{
    for (int c = 0; c < g->ncol; c++) {
        sp_table_csv_field(f, key_of(g, c));
        fputc(c + 1 < g->ncol ? ',' : '\n', f);
    }
    for (int r = 0; r < g->nrow; r++)
        for (int c = 0; c < g->ncol; c++) {
            const cell *x = at(g, r, c);
            if (!x->numeric || isfinite(x->value))
                sp_table_csv_field(f, x->text ? x->text : "");
            fputc(c + 1 < g->ncol ? ',' : '\n', f);
        }
}

/* Markdown text: '|' escaped. */
static void md_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', f);
        fputc(*s, f);
    }
}

static void write_markdown(const sp_grid *g, FILE *f)
{
    if (g->title)
        fprintf(f, "**%s**\n\n", g->title);
    for (int c = 0; c < g->ncol; c++) {
        fputs("| ", f);
        md_text(f, g->cols[c].name);
        fputc(' ', f);
    }
    fputs("|\n", f);
    for (int c = 0; c < g->ncol; c++)
        fputs(g->cols[c].align == SP_GRID_LEFT ? "|:---" : "|---:", f);
    fputs("|\n", f);
    for (int r = 0; r < g->nrow; r++) {
        for (int c = 0; c < g->ncol; c++) {
            const cell *x = at(g, r, c);
            fputs("| ", f);
            md_text(f, x->text ? x->text : "");
            fprintf(f, "%s ", x->stars ? x->stars : "");
        }
        fputs("|\n", f);
    }
    for (int k = 0; k < g->nnote; k++)
        fprintf(f, "%s%s\n", k ? "" : "\n", g->notes[k]);
}

static void latex_cell(FILE *f, const cell *x)
{
    if (x->stars && isfinite(x->value))
        fprintf(f, "$%s%s$", x->text, sp_grid_tex_stars(x->p));
    else
        sp_grid_latex_escape(f, x->text ? x->text : "");
}

static void write_latex(const sp_grid *g, FILE *f)
{
    fputs("\\begin{table}[htbp]\\centering\n", f);
    if (g->title) {
        fputs("\\caption{", f);
        sp_grid_latex_escape(f, g->title);
        fputs("}\n", f);
    }
    fputs("\\begin{tabular}{", f);
    for (int c = 0; c < g->ncol; c++)
        fputc(g->cols[c].align == SP_GRID_LEFT ? 'l' : 'r', f);
    fputs("}\n\\toprule\n", f);
    for (int c = 0; c < g->ncol; c++) {
        fputs(c ? " & " : "", f);
        sp_grid_latex_escape(f, g->cols[c].name);
    }
    fputs(" \\\\\n\\midrule\n", f);
    for (int r = 0; r < g->nrow; r++) {
        for (int c = 0; c < g->ncol; c++) {
            fputs(c ? " & " : "", f);
            latex_cell(f, at(g, r, c));
        }
        fputs(" \\\\\n", f);
    }
    fputs("\\bottomrule\n", f);
    for (int k = 0; k < g->nnote; k++) {
        fprintf(f, "\\multicolumn{%d}{l}{\\footnotesize ", g->ncol);
        sp_grid_latex_escape(f, g->notes[k]);
        fputs(k + 1 < g->nnote ? "} \\\\\n" : "}\n", f);
    }
    fputs("\\end{tabular}\n\\end{table}\n", f);
}

static int write_json(const sp_grid *g, FILE *f)
{
    json_t *root = json_object(), *cols = json_array(), *rows = json_array(), *notes = json_array();
    for (int c = 0; c < g->ncol; c++)
        json_array_append_new(cols, json_string(key_of(g, c)));
    for (int r = 0; r < g->nrow; r++) {
        json_t *row = json_object();
        for (int c = 0; c < g->ncol; c++) {
            const cell *x = at(g, r, c);
            json_object_set_new(row, key_of(g, c),
                                x->numeric ? sp_json_real(x->value) : json_string(x->text ? x->text : ""));
        }
        json_array_append_new(rows, row);
    }
    for (int k = 0; k < g->nnote; k++)
        json_array_append_new(notes, json_string(g->notes[k]));
    json_object_set_new(root, "title", g->title ? json_string(g->title) : json_null());
    json_object_set_new(root, "columns", cols);
    json_object_set_new(root, "rows", rows);
    json_object_set_new(root, "notes", notes);
    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) == 0 ? SP_OK : SP_ENOMEM;
    if (!rc)
        fputc('\n', f);
    json_decref(root);
    return rc;
}

int sp_grid_write(const sp_grid *g, sp_grid_format format, FILE *f)
{
    if (!g)
        return SP_ENOMEM;
    if (g->status)
        return g->status;
    int rc = SP_OK;
    switch (format) {
    case SP_GRID_TEXT: rc = write_text(g, f); break;
    case SP_GRID_CSV: write_csv(g, f); break;
    case SP_GRID_MARKDOWN: write_markdown(g, f); break;
    case SP_GRID_LATEX: write_latex(g, f); break;
    case SP_GRID_JSON: rc = write_json(g, f); break;
    case SP_GRID_XLSX:
        return sp_error_set(SP_EUSAGE, "table '%s': a workbook is written to a file "
                            "(sp_grid_save), not a stream", g->title ? g->title : "");
    }
    if (!rc && ferror(f))
        rc = sp_error_set(SP_EDATA, "cannot write the table '%s'", g->title ? g->title : "");
    return rc;
}

/* The table as the one worksheet of a workbook at file (shown: the name for
 * messages): the column keys in the first row, in bold (as CSV: the header
 * spill reads back), numbers as numbers with their full value (a number that is
 * not finite an empty cell), text as strings; the title as the document's.
 * The creation date is fixed so that the same table gives the same bytes. */
static int write_xlsx(const sp_grid *g, const char *file, const char *shown)
{
    lxw_workbook *wb = workbook_new(file);
    if (!wb)
        return sp_error_set(SP_EDATA, "%s: cannot create the workbook", shown);
    lxw_doc_properties props = {.title = g->title, .author = "spill"};
    props.created = 946684800; /* 2000-01-01 00:00 UTC */
    workbook_set_properties(wb, &props);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    for (int c = 0; c < g->ncol; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, key_of(g, c), bold);
    for (int r = 0; r < g->nrow; r++)
        for (int c = 0; c < g->ncol; c++) {
            const cell *x = at(g, r, c);
            if (x->numeric && isfinite(x->value))
                worksheet_write_number(ws, (lxw_row_t)r + 1, (lxw_col_t)c, x->value, NULL);
            else if (!x->numeric && x->text && *x->text)
                worksheet_write_string(ws, (lxw_row_t)r + 1, (lxw_col_t)c, x->text, NULL);
        }
    lxw_error err = workbook_close(wb);
    return err == LXW_NO_ERROR ? SP_OK : sp_error_set(SP_EDATA, "%s: %s", shown, lxw_strerror(err));
}

int sp_grid_save(const sp_grid *g, sp_grid_format format, const char *path)
{
    sp_grid_dest d = {.format = format, .path = path};
    int rc = g ? g->status : SP_ENOMEM;
    if (rc)
        return rc;
    if (format == SP_GRID_XLSX) { /* libxlsxwriter writes the temporary file by name */
        if ((rc = sp_output_begin(path, &d.out)))
            return rc;
        if ((rc = write_xlsx(g, d.out.tmp_path, path))) {
            sp_output_abort(&d.out);
            return rc;
        }
        return sp_output_commit(&d.out);
    }
    if ((rc = sp_grid_dest_open(&d)))
        return rc;
    return sp_grid_dest_close(&d, sp_grid_write(g, format, d.f));
}

/* ---- destinations ---- */

int sp_grid_dest_args(const sp_args *a, const char *path_opt, sp_grid_dest *d)
{
    static const char *const flags[] = {"csv", "markdown", "latex", "json"};
    static const sp_grid_format formats[] = {SP_GRID_CSV, SP_GRID_MARKDOWN, SP_GRID_LATEX,
                                             SP_GRID_JSON};
    memset(d, 0, sizeof *d);
    d->format = SP_GRID_TEXT;
    const char *given = NULL;
    for (int k = 0; k < 4; k++) {
        if (!sp_args_flag(a, flags[k]))
            continue;
        if (given)
            return sp_error_set(SP_EUSAGE, "--%s and --%s: choose one output format", given,
                                flags[k]);
        given = flags[k];
        d->format = formats[k];
    }
    d->flag = given;
    d->path = path_opt ? sp_args_get(a, path_opt) : NULL;
    return SP_OK;
}

int sp_grid_dest_by_extension(sp_grid_dest *d, sp_grid_format other)
{
    static const char *const flags[] = {"", "csv", "markdown", "latex", "json", ""};
    if (!d->path)
        return SP_OK;
    sp_grid_format ext = sp_grid_format_for(d->path, (sp_grid_format)-1);
    if (ext == SP_GRID_XLSX)
        return sp_error_set(SP_EUSAGE, "-o %s: these tables are written as text: name the file "
                            ".csv, .md, .tex, .json or .txt", d->path);
    if (d->flag && (int)ext >= 0 && ext != d->format)
        return sp_error_set(SP_EUSAGE, "--%s and -o %s: the extension asks for %s; drop the "
                            "flag or change the extension", d->flag, d->path,
                            ext == SP_GRID_TEXT ? "text" : flags[ext]);
    if (!d->flag)
        d->format = (int)ext >= 0 ? ext : other;
    return SP_OK;
}

int sp_grid_dest_open(sp_grid_dest *d)
{
    if (!d->path) {
        d->f = stdout;
        return SP_OK;
    }
    int rc = sp_output_begin(d->path, &d->out);
    if (rc)
        return rc;
    if (!(d->f = fopen(d->out.tmp_path, "w"))) {
        sp_output_abort(&d->out);
        return sp_error_set(SP_EDATA, "%s: cannot write", d->path);
    }
    return SP_OK;
}

int sp_grid_dest_close(sp_grid_dest *d, int rc)
{
    if (!d->f)
        return rc;
    if (!d->path) {
        if (!rc && (fflush(stdout) != 0 || ferror(stdout)))
            rc = sp_error_set(SP_EDATA, "cannot write to standard output");
        d->f = NULL;
        return rc;
    }
    int closed = fclose(d->f);
    d->f = NULL;
    if (!rc && closed != 0)
        rc = sp_error_set(SP_EDATA, "%s: cannot write", d->path);
    if (rc) {
        sp_output_abort(&d->out);
        return rc;
    }
    return sp_output_commit(&d->out);
}
