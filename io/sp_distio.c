/* sp_distio: table, periods and groups for the distribution commands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_acio.h"
#include "sp_args.h"
#include "sp_distio.h"
#include "sp_error.h"

void sp_distio_close(sp_distio *D)
{
    if (!D)
        return;
    sp_panel_free(D->P);
    sp_table_free(D->t);
    free(D->groups);
    free(D->code);
    free(D);
}

/* Codes of the group column, in order of first appearance. */
static int read_groups(sp_distio *D, const char *group)
{
    const sp_table *t = D->t;
    int rc = sp_table_require(t, group, &D->group_col);
    if (rc)
        return rc;
    D->code = sp_malloc((size_t)(t->nrow + 1) * sizeof *D->code);
    D->groups = sp_malloc((size_t)(t->nrow + 1) * sizeof *D->groups);
    if (!D->code || !D->groups)
        return SP_ENOMEM;
    for (int r = 0; r < t->nrow; r++) {
        const char *v = sp_table_cell(t, r, D->group_col);
        if (!v || !*v)
            return sp_error_set(SP_EDATA, "%s: row %d has no value in group field '%s'", D->path,
                                r + 1, group);
        int c = 0;
        while (c < D->ngroups && strcmp(D->groups[c], v) != 0)
            c++;
        if (c == D->ngroups)
            D->groups[D->ngroups++] = v;
        D->code[r] = c;
    }
    return SP_OK;
}

int sp_distio_open(const char *path, const char *layer, const char *id, const char *by,
                   const char *group, sp_distio **out)
{
    sp_distio *D = sp_calloc(1, sizeof *D);
    if (!D)
        return SP_ENOMEM;
    D->path = path;
    D->group_col = -1;
    int rc = sp_table_read(path, layer, &D->t);
    if (!rc)
        rc = sp_panel_build(D->t, id, by, &D->P);
    if (!rc && group)
        rc = read_groups(D, group);
    if (rc) {
        sp_distio_close(D);
        return rc;
    }
    *out = D;
    return SP_OK;
}

int sp_distio_period(const sp_distio *D, int g, const char *var, const char **ids, double *x,
                     int *codes)
{
    const sp_panel_period *per = &D->P->periods[g];
    if (ids)
        sp_panel_ids(D->P, g, ids);
    int rc = var && x ? sp_panel_numeric(D->P, g, var, x) : SP_OK;
    if (rc || !codes)
        return rc;
    for (int c = 0; c < D->ngroups; c++) {
        int found = 0;
        for (int k = 0; k < per->n && !found; k++)
            found = D->code[per->rows[k]] == c;
        if (!found) {
            char what[512];
            sp_panel_describe(D->P, g, what, sizeof what);
            return sp_error_set(SP_EDATA, "%s: group '%s' has no unit in this period", what, D->groups[c]);
        }
    }
    for (int k = 0; k < per->n; k++)
        codes[k] = D->code[per->rows[k]];
    return SP_OK;
}

int sp_distio_maxn(const sp_distio *D)
{
    int m = 1;
    for (int g = 0; g < D->P->nperiods; g++)
        m = D->P->periods[g].n > m ? D->P->periods[g].n : m;
    return m;
}

json_t *sp_distio_by_json(const sp_distio *D, int g)
{
    return sp_acio_by_json(D->P->time_col >= 0 ? D->P->periods[g].label : NULL);
}

int sp_distio_split(const char *s, char *buf, size_t bufsize, const char **names, int max)
{
    snprintf(buf, bufsize, "%s", s);
    int n = 0;
    for (char *p = buf, *tok; (tok = strsep(&p, ","));) {
        if (!*tok || n == max)
            return -1;
        names[n++] = tok;
    }
    return n;
}

const char *sp_distio_numfmt(sp_grid_format format)
{
    return format == SP_GRID_CSV || format == SP_GRID_JSON ? "%.17g" : "%.4f";
}

int sp_distio_emit(sp_grid *g, sp_grid_format format, const char *path)
{
    int rc = path ? sp_grid_save(g, sp_grid_format_for(path, SP_GRID_CSV), path) : sp_grid_write(g, format, stdout);
    sp_grid_free(g);
    return rc;
}

int sp_distio_args(int argc, char **argv, const sp_optspec *spec, const char *help, sp_args *a,
                   sp_grid_format *format)
{
    sp_grid_dest dest;
    int rc = sp_args_parse(argc, argv, spec, help, a);
    if (!rc)
        rc = sp_args_positional(a, 1, "DATA");
    if (!rc)
        rc = sp_grid_dest_args(a, NULL, &dest);
    if (!rc)
        *format = dest.format;
    return rc;
}

int sp_distio_open_args(const sp_args *a, sp_distio **out)
{
    return sp_distio_open(a->pos[0], sp_args_get(a, "layer"), sp_args_get(a, "id"), sp_args_get(a, "by"),
                          sp_args_get(a, "group"), out);
}

void sp_distio_cols_add(sp_distio_cols *c, int align, const char *fmt, ...)
{
    if (c->failed)
        return;
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 16;
        sp_grid_col *grown = sp_realloc(c->cols, (size_t)cap * sizeof *grown);
        if (!grown) {
            c->failed = 1;
            return;
        }
        c->cols = grown, c->cap = cap;
    }
    char name[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    c->cols[c->n] = (sp_grid_col){.name = sp_strdup(name), .align = align};
    if (!c->cols[c->n].name)
        c->failed = 1;
    else
        c->n++;
}

sp_grid *sp_distio_cols_grid(sp_distio_cols *c, const char *title)
{
    sp_grid *g = c->failed ? NULL : sp_grid_new(title, c->cols, c->n);
    for (int k = 0; k < c->n; k++)
        free((char *)c->cols[k].name);
    free(c->cols);
    memset(c, 0, sizeof *c);
    return g;
}
