/* sp_pdata: a balanced long-format panel table turned into stacked vectors and W; see
 * sp_pdata.h. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_idmap.h"
#include "sp_panel.h"
#include "sp_pdata.h"

#define LIST_MAX 10

/* Append item to a comma-separated list of at most LIST_MAX items (then "..."). */
static void list_add(char *buf, size_t size, int *count, const char *item)
{
    size_t len = strlen(buf);
    if (*count < LIST_MAX)
        snprintf(buf + len, size - len, "%s%s", *count ? ", " : "", item);
    else if (*count == LIST_MAX)
        snprintf(buf + len, size - len, ", ...");
    (*count)++;
}

int sp_pdata_parse_panel(const char *spec, char *id, char *time, size_t size)
{
    const char *comma = spec ? strchr(spec, ',') : NULL;
    if (!comma || comma == spec || !comma[1] || strchr(comma + 1, ',') ||
        (size_t)(comma - spec) >= size || strlen(comma + 1) >= size)
        return sp_error_set(SP_EUSAGE, "--panel wants ID,TIME (two column names), got '%s'",
                            spec ? spec : "");
    memcpy(id, spec, (size_t)(comma - spec));
    id[comma - spec] = '\0';
    strcpy(time, comma + 1);
    return SP_OK;
}

void sp_pdata_free(sp_pdata *D)
{
    if (!D)
        return;
    free(D->units);
    free(D->idbuf);
    free(D->periods);
    free(D->rows);
    free(D->present);
    sp_weights_free(D->W);
    free(D->v);
    free(D);
}

/* --where FIELD=V1[,V2...]: the column and a private copy of the values. */
typedef struct where_spec {
    int col;
    char *buf;      /* "V1\0V2\0..." */
    const char **vals;
    int nvals;
    const char *field;
} where_spec;

static void where_free(where_spec *w)
{
    free(w->buf);
    free(w->vals);
}

/* SP_EDATA when --where value v is in no row of column col (a typo would
 * otherwise drop its units without a word), naming the column's values (up
 * to 12). */
static int where_value_present(const sp_table *tab, const where_spec *w, const char *v)
{
    for (int r = 0; r < tab->nrow; r++) {
        const char *s = sp_table_cell(tab, r, w->col);
        if (s && strcmp(s, v) == 0)
            return SP_OK;
    }
    char seen[600] = "";
    size_t len = 0;
    int shown = 0;
    for (int r = 0; r < tab->nrow && r < 20000 && shown < 12; r++) { /* on error only */
        const char *s = sp_table_cell(tab, r, w->col);
        int first = 1;
        for (int q = 0; s && q < r && first; q++) {
            const char *o = sp_table_cell(tab, q, w->col);
            first = !(o && strcmp(o, s) == 0);
        }
        if (s && first && len + strlen(s) + 3 < sizeof seen) {
            len += (size_t)snprintf(seen + len, sizeof seen - len, "%s%s", shown ? ", " : "", s);
            shown++;
        }
    }
    return sp_error_set(SP_EDATA, "%s: --where %s=%s: no row has %s '%s' (the values are %s%s)",
                        tab->source, w->field, v, w->field, v, seen, shown == 12 ? ", ..." : "");
}

static int where_parse(const sp_table *tab, const char *spec, where_spec *w)
{
    memset(w, 0, sizeof *w);
    w->col = -1;
    if (!spec)
        return SP_OK;
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || !eq[1])
        return sp_error_set(SP_EUSAGE, "--where wants FIELD=VALUE[,VALUE...], got '%s'", spec);
    if (!(w->buf = sp_strdup(spec)))
        return SP_ENOMEM;
    w->buf[eq - spec] = '\0';
    w->field = w->buf;
    int rc = sp_table_require(tab, w->field, &w->col);
    if (rc)
        return rc;
    char *vals = w->buf + (eq - spec) + 1;
    w->nvals = 1;
    for (char *c = vals; *c; c++)
        w->nvals += *c == ',';
    if (!(w->vals = sp_malloc((size_t)w->nvals * sizeof *w->vals)))
        return SP_ENOMEM;
    int k = 0;
    for (char *tok = vals;; tok++) {
        w->vals[k++] = tok;
        tok = strchr(tok, ',');
        if (!tok)
            break;
        *tok = '\0';
    }
    for (k = 0; k < w->nvals && !rc; k++)
        rc = where_value_present(tab, w, w->vals[k]);
    return rc;
}

static int where_keeps(const sp_table *tab, const where_spec *w, int row)
{
    if (w->col < 0)
        return 1;
    const char *s = sp_table_cell(tab, row, w->col);
    for (int k = 0; s && k < w->nvals; k++)
        if (strcmp(s, w->vals[k]) == 0)
            return 1;
    return 0;
}

typedef struct idrow {
    const char *id;
    int order; /* position of the row among the rows considered */
} idrow;

static int idrow_cmp(const void *pa, const void *pb)
{
    const idrow *a = pa, *b = pb;
    int c = strcmp(a->id, b->id);
    return c ? c : (a->order > b->order) - (a->order < b->order);
}

static int int_cmp(const void *pa, const void *pb)
{
    int a = *(const int *)pa, b = *(const int *)pb;
    return (a > b) - (a < b);
}

/* The units of the kept rows in order of first appearance when every kept
 * row of a later period is a unit kept in the first (a cross-section, a
 * balanced panel): the first period's kept ids, found through its id map
 * without sorting; *done = 1.  *done = 0 (nothing set) when some later row
 * is another unit, or no row is kept. */
static int units_of_first(const sp_panel *P, const where_spec *w, sp_pdata *D, int *done)
{
    const sp_table *tab = P->table;
    const sp_panel_period *first = &P->periods[0];
    char *kept = sp_malloc((size_t)first->n + 1);
    *done = 0;
    if (!kept)
        return SP_ENOMEM;
    int n = 0, ok = 1;
    for (int k = 0; k < first->n; k++)
        n += kept[k] = (char)where_keeps(tab, w, first->rows[k]);
    for (int g = 1; ok && g < P->nperiods; g++)
        for (int k = 0; ok && k < P->periods[g].n; k++) {
            int r = P->periods[g].rows[k], i;
            ok = !where_keeps(tab, w, r) ||
                 ((i = sp_idmap_find(first->map, P->ids[r])) >= 0 && kept[i]);
        }
    int rc = SP_OK;
    if (ok && n > 0 && !(D->units = sp_malloc((size_t)n * sizeof *D->units)))
        rc = SP_ENOMEM;
    if (!rc && ok && n > 0) {
        for (int k = 0; k < first->n; k++)
            if (kept[k])
                D->units[D->n++] = first->ids[k];
        *done = 1;
    }
    free(kept);
    return rc;
}

/* The units of the kept rows, in order of first appearance (periods in order). */
static int collect_units(const sp_panel *P, const where_spec *w, sp_pdata *D)
{
    const sp_table *tab = P->table;
    int done, rc0 = units_of_first(P, w, D, &done);
    if (rc0 || done)
        return rc0;
    idrow *all = sp_malloc((size_t)tab->nrow * sizeof *all + 1);
    if (!all)
        return SP_ENOMEM;
    int m = 0;
    for (int g = 0; g < P->nperiods; g++)
        for (int k = 0; k < P->periods[g].n; k++) {
            int r = P->periods[g].rows[k];
            if (where_keeps(tab, w, r))
                all[m] = (idrow){P->ids[r], m}, m++;
        }
    qsort(all, (size_t)m, sizeof *all, idrow_cmp);
    int *first = sp_malloc((size_t)m * sizeof *first + 1);
    const char **byorder = sp_malloc((size_t)m * sizeof *byorder + 1);
    int rc = first && byorder ? SP_OK : SP_ENOMEM;
    int n = 0;
    for (int a = 0; !rc && a < m; a++)
        if (a == 0 || strcmp(all[a].id, all[a - 1].id) != 0) {
            first[n] = all[a].order;
            byorder[all[a].order] = all[a].id;
            n++;
        }
    if (!rc) {
        qsort(first, (size_t)n, sizeof *first, int_cmp);
        D->n = n;
        if (!(D->units = sp_malloc((size_t)n * sizeof *D->units + 1)))
            rc = SP_ENOMEM;
        for (int i = 0; !rc && i < n; i++)
            D->units[i] = byorder[first[i]];
    }
    free(first);
    free(byorder);
    free(all);
    if (!rc && n == 0)
        rc = w->col >= 0
                 ? sp_error_set(SP_EDATA, "%s: no row has %s in {%s...} (--where)", tab->source,
                                w->field, w->vals[0])
                 : sp_error_set(SP_EDATA, "%s: the table has no rows", tab->source);
    return rc;
}

/* A unit kept by --where must be kept in every period it appears in. */
static int check_where_constant(const sp_panel *P, const where_spec *w, const sp_idmap *units)
{
    const sp_table *tab = P->table;
    for (int r = 0; w->col >= 0 && r < tab->nrow; r++) {
        if (sp_idmap_find(units, P->ids[r]) < 0 || where_keeps(tab, w, r))
            continue;
        const char *s = sp_table_cell(tab, r, w->col);
        return sp_error_set(SP_EDATA,
                            "%s: row %d: unit %s has %s = '%s' in %s %s but one of the --where "
                            "values in another period; --where needs a value that does not "
                            "change over time",
                            tab->source, r + 1, P->ids[r], w->field, s ? s : "",
                            tab->names[P->time_col], sp_table_cell(tab, r, P->time_col));
    }
    return SP_OK;
}

/* rows[s*n + i] for every unit and period; unbalanced panels are an error. */
static int fill_rows(const sp_panel *P, const where_spec *w, const sp_idmap *units,
                     int unbalanced, sp_pdata *D)
{
    const sp_table *tab = P->table;
    int n = D->n, t = D->t;
    if (!(D->rows = sp_malloc((size_t)n * t * sizeof *D->rows)) ||
        !(D->periods = sp_malloc((size_t)t * sizeof *D->periods)))
        return SP_ENOMEM;
    for (long c = 0; c < (long)n * t; c++)
        D->rows[c] = -1;
    for (int s = 0; s < t; s++) {
        const sp_panel_period *per = &P->periods[s];
        D->periods[s] = per->label;
        for (int k = 0; k < per->n; k++) {
            int r = per->rows[k];
            int i = where_keeps(tab, w, r) ? sp_idmap_find(units, P->ids[r]) : -1;
            if (i >= 0)
                D->rows[(long)s * n + i] = r;
        }
    }
    char list[768] = "", pair[256];
    int missing = 0;
    for (int s = 0; s < t; s++)
        for (int i = 0; i < n; i++)
            if (D->rows[(long)s * n + i] < 0) {
                snprintf(pair, sizeof pair, "%s in %s", D->units[i], D->periods[s]);
                list_add(list, sizeof list, &missing, pair);
            }
    if (missing && !unbalanced)
        return sp_error_set(SP_EDATA,
                            "%s: the panel is not balanced: %d of %ld (unit, %s) pairs have no "
                            "row: %s; every unit is needed in every period (spill fit: or "
                            "--unbalanced)",
                            tab->source, missing, (long)n * t, tab->names[P->time_col], list);
    if (!(D->present = sp_malloc((size_t)n * t)))
        return SP_ENOMEM;
    for (long c = 0; c < (long)n * t; c++)
        D->present[c] = D->rows[c] >= 0;
    D->n_missing = missing;
    snprintf(D->missing, sizeof D->missing, "%s", list);
    return SP_OK;
}

/* W on the panel's units, in their order, standardised; W units absent from
 * the panel are listed in D->w_unused (an error with `strict`, unless --where
 * chose the subset). */
static int align_weights(const sp_pdata_opts *o, const where_spec *w, const sp_weights *W,
                         const sp_idmap *units, const char *source, sp_pdata *D)
{
    char what[600];
    snprintf(what, sizeof what, "%s (--panel %s,%s)", source, o->id, o->time);
    int wn = W->n; /* W itself may become D->W */
    int rc = o->own_w && *o->own_w == W
                 ? sp_weights_align_take(o->own_w, D->units, D->n, what, &D->W)
                 : sp_weights_align(W, D->units, D->n, what, &D->W);
    if (rc)
        return rc;
    if (w->col < 0 && wn > D->n) { /* then W was not handed over */
        for (int i = 0; i < W->n; i++)
            if (sp_idmap_find(units, W->ids[i]) < 0)
                list_add(D->w_unused, sizeof D->w_unused, &D->n_w_unused, W->ids[i]);
        if (o->strict)
            return sp_error_set(SP_EDATA, "%s: %d unit%s of the weights %s no rows: %s "
                                "(--strict; without it W is restricted to the units with data "
                                "and standardised again)", source, D->n_w_unused,
                                D->n_w_unused > 1 ? "s" : "", D->n_w_unused > 1 ? "have" : "has",
                                D->w_unused);
    }
    if ((rc = sp_weights_standardize(D->W, o->std)))
        return rc;
    for (int i = 0; i < D->n; i++)
        if (sp_weights_cardinality(D->W, i) == 0)
            list_add(D->islands, sizeof D->islands, &D->n_islands, D->units[i]);
    if (w->col >= 0)
        snprintf(D->note, sizeof D->note,
                 "--where %.200s: %d of %d units kept (%d of the weights' %d), %d periods; W restricted "
                 "to them and %s-standardised again%s%s",
                 o->where, D->n, D->n + D->n_where_dropped, D->n, wn, D->t,
                 sp_weights_std_name(o->std), D->n_islands ? "; without neighbours now: " : "",
                 D->n_islands ? D->islands : "");
    return SP_OK;
}

static int fill_values(const sp_table *tab, const char *const *vars, sp_pdata *D)
{
    long nt = (long)D->n * D->t;
    if (!(D->v = sp_malloc((size_t)(D->nvar * nt) * sizeof *D->v + 1)))
        return SP_ENOMEM;
    for (int j = 0; j < D->nvar; j++) {
        int col, rc = sp_table_require(tab, vars[j], &col);
        if (rc)
            return rc;
        for (long c = 0; c < nt; c++) {
            int r = D->rows[c];
            if (r < 0) {
                D->v[j * nt + c] = NAN;
                continue;
            }
            if ((rc = sp_table_number(tab, r, col, D->units[c % D->n], &D->v[j * nt + c])))
                return rc;
        }
    }
    return SP_OK;
}

/* Copy row-number ids (a table without an id field: they live in the
 * sp_panel, which sp_pdata_build frees) into D->idbuf. */
static int own_ids(sp_pdata *D)
{
    size_t size = 1;
    for (int i = 0; i < D->n; i++)
        size += strlen(D->units[i]) + 1;
    if (!(D->idbuf = sp_malloc(size)))
        return SP_ENOMEM;
    char *s = D->idbuf;
    for (int i = 0; i < D->n; i++) {
        size_t len = strlen(D->units[i]) + 1;
        memcpy(s, D->units[i], len);
        D->units[i] = s;
        s += len;
    }
    return SP_OK;
}

static int str_cmp(const void *pa, const void *pb)
{
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* Number of distinct units of the table that are not in `units`. */
static int count_dropped(const sp_panel *P, const sp_idmap *units, int *count)
{
    const sp_table *tab = P->table;
    const char **ids = sp_malloc((size_t)tab->nrow * sizeof *ids + 1);
    if (!ids)
        return SP_ENOMEM;
    int m = 0;
    for (int r = 0; r < tab->nrow; r++)
        if (sp_idmap_find(units, P->ids[r]) < 0)
            ids[m++] = P->ids[r];
    qsort(ids, (size_t)m, sizeof *ids, str_cmp);
    *count = 0;
    for (int a = 0; a < m; a++)
        *count += a == 0 || strcmp(ids[a], ids[a - 1]) != 0;
    free(ids);
    return SP_OK;
}

int sp_pdata_build(const sp_table *tab, const sp_weights *W, const char *const *vars, int nvar,
                   const sp_pdata_opts *o, sp_pdata **out)
{
    *out = NULL;
    sp_panel *P = NULL;
    sp_idmap *units = NULL;
    where_spec w;
    sp_pdata *D = sp_calloc(1, sizeof *D);
    int rc = D ? where_parse(tab, o->where, &w) : SP_ENOMEM;
    if (!rc)
        rc = sp_panel_build(tab, o->id, o->time, &P);
    if (!rc) {
        D->t = P->nperiods;
        D->nvar = nvar;
        rc = collect_units(P, &w, D);
    }
    if (!rc && !o->id)
        rc = own_ids(D);
    if (!rc)
        rc = sp_idmap_build(D->units, D->n, tab->source, &units);
    if (!rc && w.col >= 0 && !(rc = check_where_constant(P, &w, units)))
        rc = count_dropped(P, units, &D->n_where_dropped);
    if (!rc)
        rc = fill_rows(P, &w, units, o->unbalanced, D);
    if (!rc && W)
        rc = align_weights(o, &w, W, units, tab->source, D);
    if (!rc)
        rc = fill_values(tab, vars, D);
    sp_idmap_free(units);
    sp_panel_free(P);
    if (D)
        where_free(&w);
    if (rc) {
        sp_pdata_free(D);
        return rc;
    }
    *out = D;
    return SP_OK;
}
