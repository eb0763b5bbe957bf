/* sp_idmatch: the rule that matches a table's rows to the units of W (see sp_idmatch.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sp_error.h"
#include "sp_idmap.h"
#include "sp_idmatch.h"
#include "sp_wio.h"

/* Column of name in t: exact, else the one column equal ignoring case (a DBF
 * upper-cases names), else -1. */
static int column_like(const sp_table *t, const char *name)
{
    int c = sp_table_col(t, name), like = -1, count = 0;
    if (c >= 0)
        return c;
    for (int k = 0; k < t->ncol; k++)
        if (strcasecmp(t->names[k], name) == 0)
            like = k, count++;
    return count == 1 ? like : -1;
}

/* 1 when every row of column c holds a distinct id of W; *ordered = 1 when
 * they also come in W's order.  seen has W->n places. */
static int holds_ids(const sp_table *t, int c, const sp_idmap *map, char *seen, int *ordered)
{
    int last = -1;
    *ordered = 1;
    for (int r = 0; r < t->nrow; r++) {
        const char *s = sp_table_cell(t, r, c);
        int i = s ? sp_idmap_find(map, s) : -1;
        if (i < 0 || seen[i])
            return 0;
        seen[i] = 1;
        *ordered &= i > last;
        last = i;
    }
    return 1;
}

/* The first column holding every id of W once in W's order (*same) and the
 * first holding them in another order (*other), -1 where none (tables of
 * fewer than 3 rows never: any column would do). */
static int id_columns(const sp_table *t, const char *wpath, const sp_weights *W, int *same,
                      int *other)
{
    sp_idmap *map = NULL;
    char *seen = sp_malloc((size_t)W->n + 1);
    int rc = seen ? sp_idmap_build((const char *const *)W->ids, W->n, wpath, &map) : SP_ENOMEM;
    *same = *other = -1;
    for (int c = 0; !rc && c < t->ncol && t->nrow >= 3 && *same < 0; c++) {
        int ordered;
        memset(seen, 0, (size_t)W->n);
        if (holds_ids(t, c, map, seen, &ordered)) {
            if (ordered)
                *same = c;
            else if (*other < 0)
                *other = c;
        }
    }
    sp_idmap_free(map);
    free(seen);
    return rc;
}

/* No --id and no header field: a column with W's ids in W's order, else an error. */
static int find_same_order(const sp_table *t, const char *wpath, const sp_weights *W,
                           sp_idmatch *m)
{
    int same, other, rc = id_columns(t, wpath, W, &same, &other);
    if (!rc && same >= 0) {
        m->rule = SP_IDMATCH_SAME;
        snprintf(m->field, sizeof m->field, "%s", t->names[same]);
    }
    if (rc || m->rule == SP_IDMATCH_SAME)
        return rc;
    if (other >= 0)
        return sp_error_set(SP_EDATA, "%s: the rows are not in the order of the units of %s, "
                            "whose ids are in column '%s': give --id %s to match by it (or "
                            "--id-order to match row r to unit r regardless)", t->source, wpath,
                            t->names[other], t->names[other]);
    return sp_error_set(SP_EDATA, "%s: cannot tell which row is which unit of %s (its header "
                        "names no id field and no column holds its ids in its order): give "
                        "--id FIELD, the column holding the units' ids, or --id-order to match "
                        "row r to unit r of %s", t->source, wpath, wpath);
}

/* --id-order on a table with a column that holds W's ids in another order:
 * row r would be unit r although the rows say otherwise; a warning. */
static int order_misfit(const sp_table *t, const char *wpath, const sp_weights *W, sp_idmatch *m)
{
    int same = -1, other = -1, rc = t->nrow == W->n ? id_columns(t, wpath, W, &same, &other)
                                                      : SP_OK;
    if (!rc && same < 0 && other >= 0)
        snprintf(m->warning, sizeof m->warning, "--id-order matches row r to unit r of %s, "
                 "but column '%s' of %s holds its ids in another order (--id %s matches the "
                 "rows by it)", wpath, t->names[other], t->source, t->names[other]);
    return rc;
}

int sp_idmatch_resolve(const sp_table *t, const char *id, int id_order, const char *wpath,
                       const sp_weights *W, sp_idmatch *m)
{
    memset(m, 0, sizeof *m);
    if (id && id_order)
        return sp_error_set(SP_EUSAGE, "--id and --id-order contradict each other");
    int rc = sp_wio_id_field(wpath, m->wfield, sizeof m->wfield);
    if (rc)
        return rc;
    if (id) {
        m->rule = SP_IDMATCH_OPTION;
        snprintf(m->field, sizeof m->field, "%s", id);
        if (m->wfield[0] && strcmp(m->wfield, id) != 0 && column_like(t, m->wfield) >= 0)
            snprintf(m->warning, sizeof m->warning, "%s names the id field '%s' and %s has it, "
                     "but --id %s matches the rows by '%s'", wpath, m->wfield, t->source, id, id);
        return SP_OK;
    }
    if (id_order) {
        m->rule = SP_IDMATCH_ORDER;
        return order_misfit(t, wpath, W, m);
    }
    if (m->wfield[0]) {
        int c = column_like(t, m->wfield);
        if (c < 0)
            return sp_error_set(SP_EDATA, "%s: the header of %s names the id field '%s', which "
                                "%s does not have: give --id FIELD, the column holding the "
                                "units' ids, or --id-order to match row r to unit r", wpath,
                                wpath, m->wfield, t->source);
        m->rule = SP_IDMATCH_HEADER;
        snprintf(m->field, sizeof m->field, "%s", t->names[c]);
        return SP_OK;
    }
    return find_same_order(t, wpath, W, m);
}

const char *sp_idmatch_field(const sp_idmatch *m)
{
    return m->rule == SP_IDMATCH_ORDER ? NULL : m->field;
}

int sp_idmatch_order_weights(const sp_idmatch *m, const sp_table *t, const char *wpath,
                             const sp_weights *W, sp_weights **out)
{
    *out = NULL;
    if (m->rule != SP_IDMATCH_ORDER)
        return SP_OK;
    if (t->nrow != W->n)
        return sp_error_set(SP_EDATA, "--id-order: %s has %d rows but %s has %d units; row r "
                            "can only be unit r when the counts agree (use --id FIELD)",
                            t->source, t->nrow, wpath, W->n);
    sp_csr *w = NULL;
    int rc = sp_csr_copy(W->w, &w);
    if (!rc && (rc = sp_weights_new(W->n, NULL, w, out)))
        sp_csr_free(w);
    return rc;
}

const char *sp_idmatch_describe(const sp_idmatch *m, char *buf, size_t size)
{
    static const char *const why[] = {"--id", "the id field named in W's header",
                                      "its values are W's ids, in W's order", ""};
    if (m->rule == SP_IDMATCH_ORDER)
        snprintf(buf, size, "row order (--id-order)");
    else
        snprintf(buf, size, "%s (%s)", m->field, why[m->rule]);
    return buf;
}

json_t *sp_idmatch_json(const sp_idmatch *m)
{
    static const char *const rule[] = {"id", "weights_header", "same_order", "row_order"};
    return json_pack("{s:o, s:s}", "field",
                     m->rule == SP_IDMATCH_ORDER ? json_null() : json_string(m->field), "rule",
                     rule[m->rule]);
}
