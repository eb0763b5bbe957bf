/* sp_wide: wide-to-long reshaping of a table for --wide. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_wide.h"

typedef struct wide_plan {
    int *spec_of;   /* per input column: its spec, or -1 (kept) */
    int *period_of; /* per input column: its period index */
    char **periods; /* distinct period texts (first: point into column names) */
    size_t *plen;   /* their lengths while they point into names */
    int nperiods;
    int *order;     /* output period k is periods[order[k]] */
    int numeric;    /* every period text is a number */
} wide_plan;

/* Free the plan's arrays (not the period copies). */
static void plan_free(wide_plan *p)
{
    free(p->spec_of);
    free(p->period_of);
    free(p->periods);
    free(p->plen);
    free(p->order);
}

/* The period text of name under spec s, or NULL. */
static const char *match(const char *name, const sp_readopt_wide *s, size_t *len)
{
    size_t n = strlen(name), a = strlen(s->prefix), b = strlen(s->suffix);
    if (n <= a + b || strncmp(name, s->prefix, a) != 0 || strcmp(name + n - b, s->suffix) != 0 ||
        !isdigit((unsigned char)name[a]))
        return NULL;
    *len = n - a - b;
    return name + a;
}

/* Order of periods i, j (indices into the plan's periods): by value when
 * all are numbers (ctx is the plan), by first appearance otherwise. */
static int period_cmp(const void *x, const void *y, void *ctx)
{
    const wide_plan *p = ctx;
    int i = *(const int *)x, j = *(const int *)y;
    if (p->numeric) {
        double a = strtod(p->periods[i], NULL), b = strtod(p->periods[j], NULL);
        if (a != b)
            return a < b ? -1 : 1;
    }
    return i - j;
}

/* Which columns are which spec and period; nperiods 0 when none matches. */
static int plan_build(const sp_table *t, const sp_readopt_wide *specs, int nspecs, wide_plan *p)
{
    memset(p, 0, sizeof *p);
    int nc = t->ncol ? t->ncol : 1;
    p->spec_of = sp_malloc((size_t)nc * sizeof *p->spec_of);
    p->period_of = sp_malloc((size_t)nc * sizeof *p->period_of);
    p->periods = sp_malloc((size_t)nc * sizeof *p->periods);
    p->order = sp_malloc((size_t)nc * sizeof *p->order);
    p->plen = sp_malloc((size_t)nc * sizeof *p->plen);
    if (!p->spec_of || !p->period_of || !p->periods || !p->order || !p->plen)
        return SP_ENOMEM;
    for (int c = 0; c < t->ncol; c++) {
        p->spec_of[c] = -1;
        for (int s = 0; s < nspecs && p->spec_of[c] < 0; s++) {
            size_t len;
            const char *per = match(t->names[c], &specs[s], &len);
            if (!per)
                continue;
            int k = 0;
            while (k < p->nperiods && (p->plen[k] != len || strncmp(p->periods[k], per, len) != 0))
                k++;
            if (k == p->nperiods) {
                p->plen[k] = len;
                p->periods[p->nperiods++] = (char *)per;
            }
            p->spec_of[c] = s;
            p->period_of[c] = k;
        }
    }
    return SP_OK;
}

/* Copy the period texts (parts of column names) and sort them. */
static int plan_periods(wide_plan *p)
{
    for (int k = 0; k < p->nperiods; k++) {
        size_t len = p->plen[k];
        const char *per = p->periods[k];
        char *copy = sp_malloc(len + 1);
        if (!copy) {
            for (int j = 0; j < k; j++)
                free(p->periods[j]);
            p->nperiods = 0;
            return SP_ENOMEM;
        }
        memcpy(copy, per, len);
        copy[len] = '\0';
        p->periods[k] = copy;
        p->order[k] = k;
    }
    p->numeric = 1;
    for (int k = 0; k < p->nperiods; k++) {
        char *end;
        strtod(p->periods[k], &end);
        p->numeric &= *end == '\0';
    }
    qsort_r(p->order, (size_t)p->nperiods, sizeof *p->order, period_cmp, p);
    return SP_OK;
}

/* The long table's names: kept columns, TIME, then each VAR. */
static int long_names(const sp_table *t, const sp_readopt_wide *specs, int nspecs,
                      const wide_plan *p, sp_table *L)
{
    int k = 0;
    for (int c = 0; c < t->ncol; c++) {
        if (p->spec_of[c] >= 0)
            continue;
        for (int s = 0; s < nspecs; s++)
            if (strcmp(t->names[c], specs[s].time) == 0 || strcmp(t->names[c], specs[s].var) == 0)
                return sp_error_set(SP_EDATA, "%s: --wide: column '%s' exists already; name the "
                                    "new column otherwise (e.g. %s:%s{period}%s)", t->source,
                                    t->names[c], specs[s].var, specs[s].prefix, specs[s].suffix);
        if (!(L->names[k++] = sp_strdup(t->names[c])))
            return SP_ENOMEM;
    }
    if (!(L->names[k++] = sp_strdup(specs[0].time)))
        return SP_ENOMEM;
    for (int s = 0; s < nspecs; s++)
        if (!(L->names[k++] = sp_strdup(specs[s].var)))
            return SP_ENOMEM;
    return SP_OK;
}

/* Fill row (r, period k) of the long table. */
static int long_row(const sp_table *t, const wide_plan *p, int nkept, int nspecs, int r, int k,
                    char **dst)
{
    int j = 0, per = p->order[k];
    for (int c = 0; c < t->ncol; c++) {
        const char *s = sp_table_cell(t, r, c);
        if (p->spec_of[c] < 0) {
            if (s && !(dst[j] = sp_strdup(s)))
                return SP_ENOMEM;
            j++;
        } else if (p->period_of[c] == per && s) {
            if (!(dst[nkept + 1 + p->spec_of[c]] = sp_strdup(s)))
                return SP_ENOMEM;
        }
    }
    (void)nspecs;
    return (dst[nkept] = sp_strdup(p->periods[per])) ? SP_OK : SP_ENOMEM;
}

int sp_wide_reshape(const sp_table *t, const sp_readopt_wide *specs, int nspecs, sp_table **out)
{
    *out = NULL;
    wide_plan p;
    int rc = plan_build(t, specs, nspecs, &p);
    if (!rc)
        rc = plan_periods(&p);
    if (rc || p.nperiods == 0) {
        plan_free(&p);
        return rc;
    }
    int nkept = 0;
    for (int c = 0; c < t->ncol; c++)
        nkept += p.spec_of[c] < 0;
    sp_table *L = sp_calloc(1, sizeof *L);
    long nrow = (long)t->nrow * p.nperiods;
    if (L) {
        L->ncol = nkept + 1 + nspecs;
        L->source = sp_strdup(t->source);
        L->names = sp_calloc((size_t)L->ncol, sizeof *L->names);
        L->cells = sp_calloc((size_t)(nrow ? nrow : 1) * L->ncol, sizeof *L->cells);
    }
    rc = !L || !L->source || !L->names || !L->cells ? SP_ENOMEM : SP_OK;
    if (!rc && nrow > 0x7fffffffL)
        rc = sp_error_set(SP_EDATA, "%s: --wide: too many rows", t->source);
    if (!rc)
        rc = long_names(t, specs, nspecs, &p, L);
    for (int r = 0; r < t->nrow && !rc; r++)
        for (int k = 0; k < p.nperiods && !rc; k++, L->nrow++)
            rc = long_row(t, &p, nkept, nspecs, r, k, L->cells + (long)L->nrow * L->ncol);
    for (int k = 0; k < p.nperiods; k++)
        free(p.periods[k]);
    plan_free(&p);
    if (rc) {
        if (L)
            L->nrow = (int)(nrow < 0x7fffffffL ? nrow : 0);
        sp_table_free(L);
        return rc;
    }
    *out = L;
    return SP_OK;
}
