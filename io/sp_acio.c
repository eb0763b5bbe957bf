/* sp_acio: the input side and the command frame shared by moran, lisa and hotspot; see
 * sp_acio.h. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_acio.h"
#include "sp_shard.h"
#include "sp_cli.h"
#include "sp_clock.h"
#include "sp_error.h"
#include "sp_gdal.h"
#include "sp_grid.h"
#include "sp_layer_write.h"
#include "sp_readpair.h"
#include "sp_wio.h"
#include "sp_wper.h"

void sp_acio_warn(const sp_acio *A, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "spill %s: warning: ", A->a.cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void sp_acio_close(sp_acio *A)
{
    if (!A)
        return;
    sp_panel_free(A->P);
    sp_idmap_free(A->fmap);
    sp_panel_free(A->units);
    sp_table_free(A->table);
    sp_table_free(A->features);
    sp_wper_free(A->wp);
    sp_weights_free(A->W_renamed);
    free(A);
}

/* Decide which field of t names W's units (sp_idmatch); with --id-order W's
 * units are renamed after the rows (a copy A owns).  With a weights matrix
 * per period the id field must be named: no single W says which it is. */
static int acio_match(sp_acio *A, const sp_table *t, const char *id)
{
    if (!A->W) {
        if (!id || A->a.id_order)
            return sp_error_set(SP_EUSAGE, "a weights matrix per period (--w %s) needs --id "
                                "FIELD naming the units (and no --id-order)", A->a.wpath);
        A->match.rule = SP_IDMATCH_OPTION;
        snprintf(A->match.field, sizeof A->match.field, "%s", id);
        return SP_OK;
    }
    int rc = sp_idmatch_resolve(t, id, A->a.id_order, A->a.wpath, A->W, &A->match);
    if (rc)
        return rc;
    if (A->match.warning[0])
        sp_acio_warn(A, "%s", A->match.warning);
    sp_weights *renamed;
    if ((rc = sp_idmatch_order_weights(&A->match, t, A->a.wpath, A->W, &renamed)) || !renamed)
        return rc;
    sp_weights_free(A->W_renamed);
    A->W = A->W_renamed = renamed;
    return SP_OK;
}

const char *sp_acio_matched(const sp_acio *A, char *buf, size_t size)
{
    char how[400];
    snprintf(buf, size, "units matched to W by %s",
             sp_idmatch_describe(&A->match, how, sizeof how));
    return buf;
}

/* The units and periods of the data: the table of sp_panel_build, with its
 * id field; economic per-period weights take their values from it. */
static int acio_panel(sp_acio *A, const sp_table *t, const char *id, sp_panel **out)
{
    int rc = sp_panel_build(t, id, A->a.by, out);
    return rc || !A->a.by ? rc : sp_wper_bind(A->wp, t, id, A->a.by);
}

/* The two reads of sp_acio_inputs that can run at once (sp_readpair): W
 * (one file), and SRC's table (DATA, or the layer's attributes). */
static int read_w(void *ctx)
{
    sp_acio *A = ctx;
    return sp_wper_get(A->wp, NULL, &A->W, &A->wfile);
}

static int read_src(void *ctx)
{
    sp_acio *A = ctx;
    return sp_table_read(A->a.src, A->a.layer, A->a.need_layer ? &A->features : &A->table);
}

static void drop_src(void *ctx)
{
    sp_acio *A = ctx;
    sp_table_free(A->a.need_layer ? A->features : A->table);
    A->features = A->table = NULL;
}

static int acio_inputs(sp_acio *A)
{
    const sp_acio_args *a = &A->a;
    int rc = sp_wper_parse(a->wpath, &A->wp);
    if (!rc && sp_wper_multi(A->wp) && !a->by)
        rc = sp_error_set(SP_EUSAGE, "--w with a weights matrix per period (a list or a {} "
                                     "pattern) needs --by TIME (or --w-by TIME)");
    if (!rc && !sp_wper_multi(A->wp)) /* as read_w then read_src */
        rc = sp_readpair_run(sp_readpair_threads(a->wpath, a->threads), read_w, A, read_src, A, drop_src);
    else if (!rc)
        rc = read_src(A);
    if (rc)
        return rc;
    if (!a->need_layer) {
        if ((rc = acio_match(A, A->table, a->id)))
            return rc;
        return acio_panel(A, A->table, sp_idmatch_field(&A->match), &A->P);
    }
    if (!a->data) {
        if ((rc = acio_match(A, A->features, a->id)))
            return rc;
        return sp_panel_build(A->features, sp_idmatch_field(&A->match), NULL, &A->P);
    }
    if ((rc = sp_panel_build(A->features, a->id, NULL, &A->units)))
        return rc;
    if ((rc = sp_idmap_build(A->units->ids, A->features->nrow, a->src, &A->fmap)))
        return rc;
    if ((rc = sp_table_read(a->data, NULL, &A->table)) ||
        (rc = acio_match(A, A->table, a->data_id ? a->data_id : a->id)))
        return rc;
    return acio_panel(A, A->table, a->data_id ? a->data_id : a->id, &A->P);
}

int sp_acio_open(const sp_acio_args *a, sp_acio **out)
{
    *out = NULL;
    sp_acio *A = sp_calloc(1, sizeof *A);
    if (!A)
        return SP_ENOMEM;
    A->a = *a;
    int rc = acio_inputs(A);
    if (rc) {
        sp_acio_close(A);
        return rc;
    }
    *out = A;
    return SP_OK;
}

void sp_acio_period_free(sp_acio_period *p)
{
    free(p->ids);
    free(p->feature);
    free(p->x);
    sp_weights_free(p->W);
    memset(p, 0, sizeof *p);
}

static int period_features(const sp_acio *A, int g, sp_acio_period *p)
{
    if (!A->features)
        return SP_OK;
    if (!(p->feature = sp_malloc((size_t)p->n * sizeof *p->feature)))
        return SP_ENOMEM;
    const sp_panel_period *per = &A->P->periods[g];
    for (int k = 0; k < p->n; k++) {
        if (!A->fmap) { /* the layer's own attributes: row r is feature r */
            p->feature[k] = per->rows[k];
            continue;
        }
        p->feature[k] = sp_idmap_find(A->fmap, p->ids[k]);
        if (p->feature[k] < 0)
            return sp_error_set(SP_EDATA, "%s: row %d: unit %s has no feature in %s (field %s)",
                                p->what, per->rows[k] + 1, p->ids[k], A->a.src, A->a.id);
    }
    return SP_OK;
}

/* p->W: W restricted to period g's units, in their order (sp_panel_align).
 * For the last period, when W is the one file's and its units are the
 * period's in W's order (the usual pair of files), W itself, handed over
 * (sp_weights_align_take) instead of copied: no later period needs it, and a
 * later load would read the file again. */
static int period_weights(sp_acio *A, int g, sp_acio_period *p)
{
    const sp_panel_period *per = &A->P->periods[g];
    sp_weights *own = NULL;
    if (g == A->P->nperiods - 1 && A->W != A->W_renamed &&
        sp_weights_in_order(A->W, per->ids, per->n))
        own = sp_wper_release(A->wp, A->W);
    if (!own)
        return sp_panel_align(A->P, g, A->W, &p->W);
    A->W = NULL;
    char what[512];
    sp_panel_describe(A->P, g, what, sizeof what);
    int rc = sp_weights_align_take(&own, per->ids, per->n, what, &p->W);
    sp_weights_free(own); /* NULL: handed over */
    return rc;
}

/* 1 the first time `list` is seen in slot k (a new list), 0 for a repeat. */
static int first_time(sp_acio *A, int k, const char *list)
{
    if (strcmp(A->said[k], list) == 0)
        return 0;
    snprintf(A->said[k], sizeof A->said[k], "%s", list);
    return 1;
}

int sp_acio_load(sp_acio *A, int g, sp_acio_period *p)
{
    memset(p, 0, sizeof *p);
    const sp_panel_period *per = &A->P->periods[g];
    p->label = A->a.by ? per->label : NULL;
    p->n = per->n;
    sp_panel_describe(A->P, g, p->what, sizeof p->what);
    snprintf(p->subject, sizeof p->subject, "%s: %s", p->what, A->a.var);
    p->ids = sp_malloc((size_t)p->n * sizeof *p->ids);
    p->x = sp_malloc((size_t)p->n * sizeof *p->x);
    int rc = p->ids && p->x ? SP_OK : SP_ENOMEM;
    if (!rc) {
        sp_panel_ids(A->P, g, p->ids);
        rc = period_features(A, g, p);
    }
    if (!rc)
        rc = sp_panel_numeric(A->P, g, A->a.var, p->x);
    if (!rc && (sp_wper_multi(A->wp) || !A->W)) /* a W per period, or W handed over */
        rc = sp_wper_get(A->wp, p->label, &A->W, &A->wfile);
    if (!rc)
        rc = period_weights(A, g, p);
    if (!rc) { /* W handed over to p->W: the period's units are all of W's */
        char list[512];
        int missing = sp_panel_unmatched(A->P, g, A->W ? A->W : p->W, list, sizeof list);
        if (missing > 0 && A->a.strict)
            rc = sp_error_set(SP_EDATA, "%s: %d unit%s of %s %s no data: %s (--strict; without "
                              "it W is restricted to the units with data and standardised "
                              "again)", p->what, missing, missing > 1 ? "s" : "", A->wfile,
                              missing > 1 ? "have" : "has", list);
        else if (missing > 0 && first_time(A, 0, list))
            sp_acio_warn(A, "%s: %d unit%s of %s %s no data and %s left out (W is "
                         "restricted to the units with data; --strict refuses): %s", p->what,
                         missing, missing > 1 ? "s" : "", A->wfile, missing > 1 ? "have" : "has",
                         missing > 1 ? "are" : "is", list);
    }
    if (rc)
        sp_acio_period_free(p);
    return rc;
}

int sp_acio_islands(sp_acio *A, const sp_acio_period *p, const char *consequence,
                    json_t **list)
{
    *list = json_array();
    char names[512] = "";
    int count = 0;
    for (int i = 0; i < p->n; i++) {
        int others = 0;
        for (int k = p->W->w->p[i]; k < p->W->w->p[i + 1]; k++)
            others += p->W->w->j[k] != i;
        if (others)
            continue;
        json_array_append_new(*list, json_string(p->ids[i]));
        size_t len = strlen(names);
        if (count < 10)
            snprintf(names + len, sizeof names - len, "%s%s", count ? ", " : "", p->ids[i]);
        else if (count == 10)
            snprintf(names + len, sizeof names - len, ", ...");
        count++;
    }
    if (count && first_time(A, 1, names))
        sp_acio_warn(A, "%s: %d unit%s without neighbours in %s (%s): %s", p->what, count,
                     count > 1 ? "s" : "", A->wfile, names, consequence);
    return count;
}

int sp_acio_no_self(const sp_acio *A, const sp_acio_period *p, const char *statistic)
{
    const sp_csr *w = p->W->w;
    for (int i = 0; i < p->n; i++)
        for (int k = w->p[i]; k < w->p[i + 1]; k++)
            if (w->j[k] == i && w->x[k] != 0.0)
                return sp_error_set(SP_EDATA, "%s: unit %s has a self weight (%g); %s needs "
                                    "weights without the unit itself", A->wfile, p->ids[i],
                                    w->x[k], statistic);
    return SP_OK;
}

json_t *sp_acio_by_json(const char *label)
{
    double v;
    if (!label)
        return json_null();
    if (sp_table_parse_double(label, &v) == 0) {
        if (v == floor(v) && fabs(v) < 9e15)
            return json_integer((json_int_t)v);
        return json_real(v);
    }
    return json_string(label);
}

/* ---- output rows ---- */

static int grow(void **p, size_t elem, int cap)
{
    void *q = sp_realloc(*p, (size_t)cap * elem);
    if (!q)
        return SP_ENOMEM;
    *p = q;
    return SP_OK;
}

int sp_acio_out_reserve(sp_acio_out *out, int more)
{
    if (out->n + more <= out->cap)
        return SP_OK;
    int cap = out->cap ? out->cap : 64;
    while (cap < out->n + more)
        cap *= 2;
    int rc = grow((void **)&out->feature, sizeof *out->feature, cap);
    if (!rc)
        rc = grow((void **)&out->period, sizeof *out->period, cap);
    if (!rc)
        rc = grow((void **)&out->x, sizeof *out->x, cap);
    if (!rc)
        rc = grow((void **)&out->nneigh, sizeof *out->nneigh, cap);
    for (int k = 0; !rc && k < out->nreal; k++)
        rc = grow((void **)&out->real[k], sizeof *out->real[k], cap);
    for (int k = 0; !rc && k < out->ntext; k++)
        rc = grow((void **)&out->text[k], sizeof *out->text[k], cap);
    for (int k = 0; !rc && k < out->nint; k++)
        rc = grow((void **)&out->integer[k], sizeof *out->integer[k], cap);
    if (!rc)
        out->cap = cap;
    return rc;
}

void sp_acio_out_free(sp_acio_out *out)
{
    free(out->feature);
    free(out->period);
    free(out->x);
    free(out->nneigh);
    for (int k = 0; k < SP_ACIO_COLS; k++) {
        free(out->real[k]);
        free((void *)out->text[k]);
        free(out->integer[k]);
    }
    memset(out, 0, sizeof *out);
}

int sp_acio_out_period(sp_acio_out *out, const sp_acio_period *p, const int *nneigh)
{
    int rc = sp_acio_out_reserve(out, p->n);
    if (rc)
        return rc;
    for (int k = 0; k < p->n; k++) {
        out->feature[out->n + k] = p->feature[k];
        out->period[out->n + k] = p->label;
        out->x[out->n + k] = p->x[k];
        out->nneigh[out->n + k] = nneigh[k];
    }
    out->n += p->n;
    return SP_OK;
}

/* ---- output layouts (docs/autocorrelation.md "Output layers") ---- */

/* The output fields under construction (room for cap): the arrays and names
 * they point to are owned (sheet_own). */
typedef struct sheet {
    sp_field *f;
    int nf, cap;
    void **owned;
    int nowned, owned_cap;
} sheet;

/* Record p as owned (freed by sheet_free); NULL (and p freed) when out of memory. */
static void *sheet_own(sheet *sh, void *p)
{
    if (p && sh->nowned == sh->owned_cap) {
        int cap = sh->owned_cap ? 2 * sh->owned_cap : 64;
        void **grown = sp_realloc(sh->owned, (size_t)cap * sizeof *grown);
        if (grown)
            sh->owned = grown, sh->owned_cap = cap;
    }
    if (p && sh->nowned < sh->owned_cap)
        return sh->owned[sh->nowned++] = p;
    free(p);
    return NULL;
}

static void sheet_free(sheet *sh)
{
    for (int k = 0; k < sh->nowned; k++)
        free(sh->owned[k]);
    free(sh->owned);
    free(sh->f);
    memset(sh, 0, sizeof *sh);
}

/* A field name from name and the period label: "LMiIndex_2011" (characters
 * other than letters, digits and '_' in the label become '_'). */
static char *suffixed(sheet *sh, const char *name, const char *label)
{
    size_t n = strlen(name), m = label ? strlen(label) : 0;
    char *s = sheet_own(sh, sp_malloc(n + m + 2));
    if (!s)
        return NULL;
    memcpy(s, name, n);
    s[n] = '\0';
    if (label) {
        s[n] = '_';
        for (size_t k = 0; k < m; k++) {
            unsigned char c = (unsigned char)label[k];
            s[n + 1 + k] = (isalnum(c) || c == '_' || c >= 0x80) ? (char)c : '_';
        }
        s[n + 1 + m] = '\0';
    }
    return s;
}

/* dst = src gathered at the rows cell[0..m-1] (-1: NULL), named name. */
static int gather(sheet *sh, const sp_field *src, const int *cell, int m, const char *name)
{
    if (!name || sh->nf == sh->cap) /* the caller sized f */
        return SP_ENOMEM;
    sp_field *d = &sh->f[sh->nf];
    *d = (sp_field){name, src->type, .width = src->width};
    size_t size = src->type == SP_FIELD_REAL ? sizeof(double)
                : src->type == SP_FIELD_INT ? sizeof(int) : sizeof(char *);
    void *v = sheet_own(sh, sp_malloc((size_t)m * size + 1));
    if (!v)
        return SP_ENOMEM;
    for (int i = 0; i < m; i++) {
        int r = cell[i];
        if (src->type == SP_FIELD_REAL)
            ((double *)v)[i] = r >= 0 ? src->real[r] : NAN;
        else if (src->type == SP_FIELD_INT)
            ((int *)v)[i] = r >= 0 ? src->integer[r] : SP_FIELD_INT_NULL;
        else
            ((const char **)v)[i] = r >= 0 ? src->text[r] : NULL;
    }
    d->real = v, d->integer = v, d->text = v;
    sh->nf++;
    return SP_OK;
}

/* The period column for m rows of periods g(i) = g0 + i / per: integers when
 * every label is one, else text. */
static int period_column(sheet *sh, const sp_acio *A, int g0, int m, int per)
{
    int *years = sheet_own(sh, sp_malloc((size_t)m * sizeof(int) + 1));
    const char **text = sheet_own(sh, sp_malloc((size_t)m * sizeof(char *) + 1));
    if (!years || !text)
        return SP_ENOMEM;
    int integers = 1;
    for (int i = 0; i < m; i++) {
        const char *label = A->P->periods[g0 + i / per].label;
        double d;
        text[i] = label;
        if (sp_table_parse_double(label, &d) != 0 || d != floor(d) || fabs(d) > 2e9)
            integers = 0;
        else
            years[i] = (int)d;
    }
    if (sh->nf == sh->cap)
        return SP_ENOMEM;
    sh->f[sh->nf++] = integers ? (sp_field){A->a.by, SP_FIELD_INT, .integer = years}
                               : (sp_field){A->a.by, SP_FIELD_TEXT, .text = text};
    return SP_OK;
}

/* The collected columns over out's rows: the variable (with --data), the
 * command's columns, NNeighbors. */
static int source_columns(const sp_acio *A, const sp_acio_out *out, sp_field *src)
{
    int nf = 0;
    if (A->a.data)
        src[nf++] = (sp_field){A->a.var, SP_FIELD_REAL, .real = out->x};
    for (int k = 0; k < out->nreal; k++)
        src[nf++] = (sp_field){out->real_name[k], SP_FIELD_REAL, .real = out->real[k]};
    for (int k = 0; k < out->ntext; k++)
        src[nf++] = (sp_field){out->text_name[k], SP_FIELD_TEXT, .text = out->text[k],
                               .width = out->text_width[k]};
    for (int k = 0; k < out->nint; k++)
        src[nf++] = (sp_field){out->int_name[k], SP_FIELD_INT, .integer = out->integer[k]};
    src[nf++] = (sp_field){"NNeighbors", SP_FIELD_INT, .integer = out->nneigh};
    return nf;
}

/* cell[g * nfeat + f] = the row of feature f in period g, -1 when none. */
static int *cell_table(const sp_acio *A, const sp_acio_out *out, int nfeat)
{
    int G = A->P->nperiods;
    int *cell = sp_malloc((size_t)G * nfeat * sizeof *cell + 1);
    for (long c = 0; cell && c < (long)G * nfeat; c++)
        cell[c] = -1;
    for (int r = 0, g = 0; cell && r < out->n; r++) {
        while (g < G - 1 && out->period[r] != A->P->periods[g].label)
            g++; /* rows come period by period */
        cell[(long)g * nfeat + out->feature[r]] = r;
    }
    return cell;
}

int sp_acio_out_write(const sp_acio *A, const sp_acio_out *out, const char *path)
{
    int nfeat = A->features->nrow, G = A->P->nperiods;
    int layout = A->a.by ? A->a.layout : SP_ACIO_LONG;
    sp_field src[3 * SP_ACIO_COLS + 3];
    int nsrc = source_columns(A, out, src);
    int *cell = cell_table(A, out, nfeat);
    sheet sh_ = {.cap = G * (nsrc + 1)}, *sh = &sh_;
    sh->f = sp_malloc((size_t)sh->cap * sizeof *sh->f);
    int *rows = sp_malloc((size_t)G * nfeat * sizeof *rows + 1);
    sp_layer_part *parts = sp_calloc((size_t)G, sizeof *parts);
    int rc = cell && sh->f && rows && parts ? SP_OK : SP_ENOMEM, nparts = 0;
    for (long c = 0; !rc && c < (long)G * nfeat; c++)
        rows[c] = (int)(c % nfeat);
    if (!rc && layout == SP_ACIO_LONG && !A->a.by && out->last > out->first) { /* a shard */
        for (int k = 0; !rc && k < nsrc; k++)
            rc = gather(sh, &src[k], cell + out->first, out->last - out->first, src[k].name);
        parts[nparts++] = (sp_layer_part){NULL, out->last - out->first, rows + out->first, sh->f,
                                          sh->nf};
    } else if (!rc && layout == SP_ACIO_LONG) { /* one layer, each feature once per period */
        if (A->a.by)
            rc = period_column(sh, A, 0, G * nfeat, nfeat);
        for (int k = 0; !rc && k < nsrc; k++)
            rc = gather(sh, &src[k], cell, G * nfeat, src[k].name);
        parts[nparts++] = (sp_layer_part){NULL, G * nfeat, rows, sh->f, sh->nf};
    } else if (!rc && layout == SP_ACIO_WIDE) { /* one feature per unit, fields per period */
        for (int g = 0; !rc && g < G; g++)
            for (int k = 0; !rc && k < nsrc; k++)
                rc = gather(sh, &src[k], cell + (long)g * nfeat, nfeat,
                            suffixed(sh, src[k].name, A->P->periods[g].label));
        parts[nparts++] = (sp_layer_part){NULL, nfeat, NULL, sh->f, sh->nf};
    } else if (!rc) { /* a layer per period, named BASE_LABEL */
        char base[256];
        const char *slash = strrchr(path, '/'), *dot;
        snprintf(base, sizeof base, "%s", slash ? slash + 1 : path);
        if ((dot = strrchr(base, '.')) && dot != base)
            base[dot - base] = '\0';
        for (int g = 0; !rc && g < G; g++) {
            int first = sh->nf;
            rc = period_column(sh, A, g, nfeat, nfeat);
            for (int k = 0; !rc && k < nsrc; k++)
                rc = gather(sh, &src[k], cell + (long)g * nfeat, nfeat, src[k].name);
            parts[nparts++] = (sp_layer_part){suffixed(sh, base, A->P->periods[g].label), nfeat,
                                              NULL, sh->f + first, sh->nf - first};
        }
    }
    if (!rc)
        rc = sp_layer_write_many(A->a.src, A->a.layer, path, parts, nparts);
    sheet_free(sh);
    free(cell), free(rows), free(parts);
    return rc;
}

int sp_acio_args_from(const sp_args *a, const char *cmd, int need_layer, sp_acio_args *io)
{
    int rc = sp_args_positional(a, 1, need_layer ? "SRC" : "DATA");
    if (rc)
        return rc;
    *io = (sp_acio_args){.cmd = cmd, .src = a->pos[0], .layer = sp_args_get(a, "layer"),
                         .id = sp_args_get(a, "id"), .data = sp_args_get(a, "data"),
                         .data_id = sp_args_get(a, "data-id"), .var = sp_args_get(a, "var"),
                         .by = sp_args_get(a, "by"), .wpath = sp_args_get(a, "w"),
                         .need_layer = need_layer, .id_order = sp_args_flag(a, "id-order"),
                         .strict = sp_args_flag(a, "strict")};
    if (sp_args_threads(a, &io->threads)) /* the command names a bad value in its turn */
        io->threads = 1;
    if (!io->wpath || !io->var)
        return sp_error_set(SP_EUSAGE, "--w and --var are required (see --help)");
    static const char *const layouts[] = {"wide", "layers", "long"};
    io->layout = SP_ACIO_WIDE;
    if ((rc = sp_args_choice(a, "layout", layouts, 3, &io->layout)))
        return rc;
    if (sp_args_get(a, "layout") && !io->by)
        return sp_error_set(SP_EUSAGE, "--layout arranges the periods of --by; without --by "
                            "there is one layer");
    return sp_acio_wby(a, &io->by);
}

int sp_acio_wby(const sp_args *a, const char **by)
{
    const char *wby = sp_args_get(a, "w-by");
    if (wby && *by && strcmp(wby, *by) != 0)
        return sp_error_set(SP_EUSAGE, "--w-by %s and --by %s name different period fields", wby,
                            *by);
    if (wby)
        *by = wby;
    return SP_OK;
}

int sp_acio_args_check(const sp_acio_args *io)
{
    int need_layer = io->need_layer;
    /* the combinations of the input options, checked before any file is read (moran's
     * --by without --id may take the id field W's header names: sp_idmatch) */
    if (io->id_order && (io->id || io->data))
        return sp_error_set(SP_EUSAGE, "--id-order matches rows to W by position: it goes "
                            "without --id and --data");
    if (need_layer && io->by && !io->data)
        return sp_error_set(SP_EUSAGE, "--by needs --data TABLE: the layer holds one feature per "
                            "unit, the periods come from a long-format table");
    if (need_layer && io->data && !io->id)
        return sp_error_set(SP_EUSAGE, "--data needs --id FIELD, the unit id that joins %s to %s",
                            io->data, io->src);
    return SP_OK;
}

/* ---- the frame of lisa and hotspot ---- */

int sp_acio_local_args(sp_acio_local *L, const sp_args *a, const char *cmd)
{
    L->cmd = cmd;
    int rc = sp_acio_args_from(a, cmd, 1, &L->io);
    if (rc)
        return rc;
    if (!(L->output = sp_args_get(a, "output")))
        return sp_error_set(SP_EUSAGE, "--w, --var and -o are required (see --help)");
    if ((rc = sp_acio_args_check(&L->io)))
        return rc;
    const char *driver = sp_gdal_driver_for(L->output);
    if (L->io.by && L->io.layout == SP_ACIO_LAYERS && !sp_layer_write_multi(L->output))
        return sp_error_set(SP_EUSAGE, "--layout layers: %s holds one layer; write .gpkg (or "
                            "choose --layout wide or long)", L->output);
    if (L->io.by && L->io.layout == SP_ACIO_WIDE && driver &&
        strcmp(driver, "ESRI Shapefile") == 0)
        return sp_error_set(SP_EUSAGE, "--layout wide (the --by default): field names such as "
                            "NNeighbors_2011 exceed a Shapefile's 10 characters; write .gpkg, "
                            "or choose --layout long");
    sp_grid_dest dest;
    if ((rc = sp_grid_dest_args(a, NULL, &dest)))
        return rc;
    L->format = dest.format;
    L->json = dest.format == SP_GRID_JSON;
    L->timing = sp_args_flag(a, "timing");
    const char *shard = sp_args_get(a, "shard");
    if (shard && (rc = sp_shard_parse(shard, "--shard", &L->shard, &L->nshard)))
        return rc;
    if (shard && L->io.by)
        return sp_error_set(SP_EUSAGE, "--shard splits the features of one analysis; it goes "
                            "without --by");
    if (shard && sp_args_flag(a, "fdr"))
        return sp_error_set(SP_EUSAGE, "--shard with --fdr: the false discovery rate needs the "
                            "p-values of all units; run without --shard");
    static const char *const methods[] = {"exact", "lookup"};
    L->perm_method = 0; /* SP_PERM_EXACT */
    if ((rc = sp_args_choice(a, "perm-method", methods, 2, &L->perm_method)))
        return rc;
    return sp_args_int(a, "seed", 12345, 0, &L->seed);
}

int sp_acio_local_start(sp_acio_local *L, int argc, char **argv, const sp_optspec *spec,
                        const char *help, const char *cmd,
                        int (*options)(const sp_args *a, void *run), void *run, sp_args *a)
{
    int rc = sp_args_parse(argc, argv, spec, help, a);
    if (!rc)
        rc = sp_acio_local_args(L, a, cmd);
    if (!rc)
        rc = options(a, run);
    if (!rc && L->nshard)
        sp_shard_fingerprint(argc, argv, L->run);
    return rc ? rc : sp_acio_local_open(L);
}

int sp_acio_local_open(sp_acio_local *L)
{
    double t0 = sp_clock_seconds();
    int rc = sp_acio_open(&L->io, &L->A);
    L->t_read = sp_clock_seconds() - t0;
    if (!rc && L->nshard) {
        int nfeat = L->A->features->nrow;
        if (L->nshard > nfeat)
            return sp_error_set(SP_EUSAGE, "--shard %d/%d: %s has only %d feature%s", L->shard,
                                L->nshard, L->io.src, nfeat, nfeat == 1 ? "" : "s");
        sp_shard_range(nfeat, L->shard, L->nshard, &L->lo, &L->hi);
    }
    if (!rc && !(L->results = json_array()))
        rc = SP_ENOMEM;
    return rc;
}

/* Period g of a local statistic: load, prepare, compute (timed), record. */
static int local_period(sp_acio_local *L, const sp_acio_local_stat *S, void *run, int g)
{
    sp_acio_period p;
    double t0 = sp_clock_seconds();
    int rc = sp_acio_load(L->A, g, &p);
    if (rc)
        return rc;
    json_t *islands = NULL;
    void *stat = NULL;
    const int *nneigh = NULL;
    rc = S->prepare(run, &p);
    if (!rc && L->nshard && !(L->only = sp_malloc((size_t)p.n + 1)))
        rc = SP_ENOMEM;
    for (int k = 0; !rc && L->only && k < p.n; k++) /* the shard's units */
        L->only[k] = p.feature[k] >= L->lo && p.feature[k] < L->hi;
    double t1 = sp_clock_seconds();
    if (!rc) {
        sp_acio_islands(L->A, &p, S->islands, &islands);
        rc = S->compute(run, &p, &stat, &nneigh);
    }
    free(L->only);
    L->only = NULL;
    L->t_read += t1 - t0;
    L->t_stat += sp_clock_seconds() - t1;
    if (!rc)
        rc = sp_acio_out_period(&L->out, &p, nneigh);
    if (!rc) {
        rc = S->record(run, &p, stat, L->out.n - p.n, islands);
        islands = NULL;
    }
    json_decref(islands);
    if (stat)
        S->free(stat);
    sp_acio_period_free(&p);
    return rc;
}

/* The output layer's new fields, as S names them. */
static void local_fields(sp_acio_out *out, const sp_acio_local_stat *S)
{
    for (int k = 0; k < SP_ACIO_COLS; k++) {
        if (S->real_name[k])
            out->real_name[out->nreal++] = S->real_name[k];
        if (S->text_name[k]) {
            out->text_width[out->ntext] = S->text_width[k];
            out->text_name[out->ntext++] = S->text_name[k];
        }
        if (S->int_name[k])
            out->int_name[out->nint++] = S->int_name[k];
    }
}

int sp_acio_local_periods(sp_acio_local *L, const sp_acio_local_stat *S, void *run)
{
    int rc = SP_OK;
    local_fields(&L->out, S);
    for (int g = 0; !rc && g < L->A->P->nperiods; g++)
        rc = local_period(L, S, run, g);
    double t0 = sp_clock_seconds();
    L->out.first = L->lo, L->out.last = L->hi;
    if (!rc)
        rc = sp_acio_out_write(L->A, &L->out, L->output);
    if (!rc && L->nshard) {
        sp_shard_record r = {.cmd = L->cmd, .shard = L->shard, .count = L->nshard,
                             .features = L->A->features->nrow, .lo = L->lo, .hi = L->hi};
        memcpy(r.run, L->run, sizeof r.run);
        rc = sp_shard_record_write(L->output, &r);
    }
    L->t_write = sp_clock_seconds() - t0;
    if (!rc && !L->json && (rc = sp_grid_write(L->table, L->format, stdout)) == SP_OK &&
        fflush(stdout) != 0)
        rc = sp_error_set(SP_EDATA, "cannot write to standard output");
    return rc;
}

int sp_acio_local_end(sp_acio_local *L, int rc)
{
    if (!rc && L->timing)
        fprintf(stderr, "spill %s: timing: read %.3f s, statistics %.3f s, write %.3f s\n",
                L->cmd, L->t_read, L->t_stat, L->t_write);
    json_decref(L->results);
    L->results = NULL;
    sp_grid_free(L->table);
    L->table = NULL;
    sp_acio_out_free(&L->out);
    sp_acio_close(L->A);
    L->A = NULL;
    return rc;
}
