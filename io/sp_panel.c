/* sp_panel: a long-format table grouped by period; see sp_panel.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_idmap.h"
#include "sp_panel.h"

void sp_panel_free(sp_panel *P)
{
    if (!P)
        return;
    for (int g = 0; P->periods && g < P->nperiods; g++) {
        free(P->periods[g].rows);
        free(P->periods[g].ids);
        sp_idmap_free(P->periods[g].map);
    }
    free(P->periods);
    free(P->ids);
    free(P->idbuf);
    free(P);
}

static const char *cell_or_empty(const sp_table *t, int row, int col)
{
    const char *s = col >= 0 ? sp_table_cell(t, row, col) : "";
    return s ? s : "";
}

/* Row order sorted by period label: numerically when all labels are numbers
 * (key[r], parsed once; NULL otherwise), ties by the label's text, then by row. */
typedef struct sort_ctx {
    const sp_table *t;
    int col;
    const double *key;
} sort_ctx;

static int row_cmp(const void *pa, const void *pb, void *arg)
{
    const sort_ctx *s = arg;
    int a = *(const int *)pa, b = *(const int *)pb;
    if (s->key && s->key[a] != s->key[b])
        return s->key[a] < s->key[b] ? -1 : 1;
    int c = strcmp(cell_or_empty(s->t, a, s->col), cell_or_empty(s->t, b, s->col));
    return c ? c : a - b;
}

static int id_cmp(const void *pa, const void *pb, void *arg)
{
    const char **ids = arg;
    int a = *(const int *)pa, b = *(const int *)pb;
    int c = strcmp(ids[a], ids[b]);
    return c ? c : a - b;
}

/* The error for a unit repeated within a period, naming both table rows. */
static int repeated_unit(const sp_panel *P, const sp_panel_period *per, const char *time_field)
{
    int *rows = sp_malloc((size_t)per->n * sizeof *rows);
    if (!rows)
        return SP_ENOMEM;
    memcpy(rows, per->rows, (size_t)per->n * sizeof *rows);
    qsort_r(rows, (size_t)per->n, sizeof *rows, id_cmp, (void *)P->ids);
    int rc = SP_OK;
    for (int k = 1; k < per->n && !rc; k++)
        if (strcmp(P->ids[rows[k - 1]], P->ids[rows[k]]) == 0)
            rc = sp_error_set(SP_EDATA, "%s: unit %s appears twice%s%s%s%s (rows %d and %d)",
                              P->table->source, P->ids[rows[k]], time_field ? " in " : "",
                              time_field ? time_field : "", time_field ? " " : "",
                              time_field ? per->label : "", rows[k - 1] + 1, rows[k] + 1);
    free(rows);
    if (!rc) /* cannot happen: the id map found a duplicate */
        rc = sp_error_set(SP_EDATA, "%s: repeated unit id", P->table->source);
    return rc;
}

static int panel_ids(sp_panel *P, const char *id_field)
{
    const sp_table *t = P->table;
    if (id_field) {
        int rc = sp_table_require(t, id_field, &P->id_col);
        if (rc)
            return rc;
        for (int r = 0; r < t->nrow; r++)
            if (!(P->ids[r] = sp_table_cell(t, r, P->id_col)))
                return sp_error_set(SP_EDATA, "%s: row %d has no value in id field '%s'",
                                    t->source, r + 1, id_field);
        return SP_OK;
    }
    P->id_col = -1;
    if (!(P->idbuf = sp_malloc((size_t)t->nrow * 12 + 1)))
        return SP_ENOMEM;
    for (int r = 0; r < t->nrow; r++) {
        P->ids[r] = P->idbuf + (size_t)r * 12;
        snprintf(P->idbuf + (size_t)r * 12, 12, "%d", r + 1);
    }
    return SP_OK;
}

/* Split the rows (sorted by period) into periods and check that no unit is
 * repeated within one. */
static int panel_periods(sp_panel *P, const int *order, const char *time_field)
{
    const sp_table *t = P->table;
    int n = t->nrow;
    P->periods = sp_calloc((size_t)n + 1, sizeof *P->periods);
    if (!P->periods)
        return SP_ENOMEM;
    for (int a = 0; a < n;) {
        const char *label = cell_or_empty(t, order[a], P->time_col);
        int b = a;
        while (b < n && strcmp(cell_or_empty(t, order[b], P->time_col), label) == 0)
            b++;
        sp_panel_period *per = &P->periods[P->nperiods++];
        per->label = label;
        per->n = b - a;
        if (!(per->rows = sp_malloc((size_t)per->n * sizeof *per->rows)))
            return SP_ENOMEM;
        memcpy(per->rows, order + a, (size_t)per->n * sizeof *per->rows); /* table order: stable sort */
        if (!(per->ids = sp_malloc((size_t)per->n * sizeof *per->ids)))
            return SP_ENOMEM;
        for (int k = 0; k < per->n; k++)
            per->ids[k] = P->ids[per->rows[k]];
        int rc = sp_idmap_build(per->ids, per->n, t->source, &per->map);
        if (rc == SP_EDATA)
            rc = repeated_unit(P, per, time_field);
        if (rc)
            return rc;
        a = b;
    }
    return SP_OK;
}

/* Two numeric period labels of the same number ("2015", "2015.0": rows
 * appended from another export) would be two periods: SP_EDATA naming both.
 * key: each row's label as a number; the periods are in numeric order. */
static int same_number_periods(const sp_panel *P, const double *key, const char *time_field)
{
    for (int g = 1; g < P->nperiods; g++)
        if (key[P->periods[g].rows[0]] == key[P->periods[g - 1].rows[0]])
            return sp_error_set(SP_EDATA, "%s: the %s labels %s and %s are the same number "
                                "(one period written two ways?): write each period one way",
                                P->table->source, time_field, P->periods[g - 1].label,
                                P->periods[g].label);
    return SP_OK;
}

int sp_panel_build(const sp_table *t, const char *id_field, const char *time_field,
                   sp_panel **out)
{
    *out = NULL;
    if (time_field && !id_field)
        return sp_error_set(SP_EUSAGE, "%s: periods (%s) need a unit id field (--id)", t->source,
                            time_field);
    if (t->nrow == 0)
        return sp_error_set(SP_EDATA, "%s: the table has no rows", t->source);
    sp_panel *P = sp_calloc(1, sizeof *P);
    int *order = sp_malloc((size_t)t->nrow * sizeof *order);
    int rc = P && order ? SP_OK : SP_ENOMEM;
    if (!rc) {
        P->table = t;
        P->time_col = -1;
        P->ids = sp_calloc((size_t)t->nrow, sizeof *P->ids);
        rc = P->ids ? panel_ids(P, id_field) : SP_ENOMEM;
    }
    int numeric = 1;
    double *key = NULL;
    if (!rc && time_field) {
        rc = sp_table_require(t, time_field, &P->time_col);
        if (!rc && !(key = sp_malloc((size_t)(t->nrow ? t->nrow : 1) * sizeof *key)))
            rc = SP_ENOMEM;
        for (int r = 0; !rc && r < t->nrow; r++) {
            const char *s = sp_table_cell(t, r, P->time_col);
            if (!s)
                rc = sp_error_set(SP_EDATA, "%s: row %d (unit %s) has no value in period field '%s'",
                                  t->source, r + 1, P->ids[r], time_field);
            else if (numeric && sp_table_parse_double(s, &key[r]) != 0)
                numeric = 0;
        }
    }
    if (!rc) {
        for (int r = 0; r < t->nrow; r++)
            order[r] = r;
        sort_ctx ctx = {t, P->time_col, numeric ? key : NULL};
        if (P->time_col >= 0)
            qsort_r(order, (size_t)t->nrow, sizeof *order, row_cmp, &ctx);
        rc = panel_periods(P, order, time_field);
        if (!rc && numeric && P->time_col >= 0)
            rc = same_number_periods(P, key, time_field);
    }
    free(key);
    free(order);
    if (rc) {
        sp_panel_free(P);
        return rc;
    }
    *out = P;
    return SP_OK;
}

void sp_panel_ids(const sp_panel *P, int g, const char **ids)
{
    memcpy(ids, P->periods[g].ids, (size_t)P->periods[g].n * sizeof *ids);
}

const char *sp_panel_describe(const sp_panel *P, int g, char *buf, size_t size)
{
    if (P->time_col < 0)
        snprintf(buf, size, "%s", P->table->source);
    else
        snprintf(buf, size, "%s (%s %s)", P->table->source, P->table->names[P->time_col],
                 P->periods[g].label);
    return buf;
}

int sp_panel_numeric(const sp_panel *P, int g, const char *field, double *out)
{
    const sp_table *t = P->table;
    int col;
    int rc = sp_table_require(t, field, &col);
    if (rc)
        return rc;
    const sp_panel_period *per = &P->periods[g];
    for (int k = 0; k < per->n; k++) {
        int r = per->rows[k];
        const char *s = sp_table_cell(t, r, col);
        if (sp_table_parse_double(s, &out[k]) == 0)
            continue;
        char period[128] = "";
        if (P->time_col >= 0)
            snprintf(period, sizeof period, ", %s %s", t->names[P->time_col], per->label);
        return sp_error_set(SP_EDATA, "%s: row %d (unit %s%s): %s '%s' is %s", t->source, r + 1,
                            P->ids[r], period, field, s ? s : "",
                            s ? "not a finite number" : "missing");
    }
    return SP_OK;
}

int sp_panel_align(const sp_panel *P, int g, const sp_weights *W, sp_weights **out)
{
    const sp_panel_period *per = &P->periods[g];
    char what[512];
    return sp_weights_align(W, per->ids, per->n, sp_panel_describe(P, g, what, sizeof what), out);
}

int sp_panel_unmatched(const sp_panel *P, int g, const sp_weights *W, char *buf, size_t size)
{
    const sp_panel_period *per = &P->periods[g];
    if (buf && size)
        buf[0] = '\0';
    /* W's ids in W's order (the usual pair of files): none */
    int same = sp_weights_in_order(W, (const char *const *)per->ids, per->n);
    int count = 0;
    for (int i = 0; i < W->n && !same; i++) {
        if (sp_idmap_find(per->map, W->ids[i]) >= 0)
            continue;
        if (buf && size) {
            size_t len = strlen(buf);
            if (count < 10)
                snprintf(buf + len, size - len, "%s%s", count ? ", " : "", W->ids[i]);
            else if (count == 10)
                snprintf(buf + len, size - len, ", ...");
        }
        count++;
    }
    return count;
}

int sp_panel_balanced(const sp_panel *P)
{
    const sp_panel_period *first = &P->periods[0];
    int balanced = 1;
    for (int g = 1; balanced && g < P->nperiods; g++) {
        const sp_panel_period *per = &P->periods[g];
        balanced = per->n == first->n;
        for (int k = 0; balanced && k < per->n; k++)
            balanced = sp_idmap_find(first->map, per->ids[k]) >= 0;
    }
    return balanced;
}
