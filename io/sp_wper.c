/* sp_wper: a weights matrix per period (--w FILE, a LABEL=FILE list, a {} pattern, economic
 * distance recomputed per period); see sp_wper.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_econ.h"
#include "sp_error.h"
#include "sp_idmap.h"
#include "sp_table.h"
#include "sp_wio.h"
#include "sp_wper.h"

void sp_wper_free(sp_wper *w)
{
    if (!w)
        return;
    for (int i = 0; i < w->n; i++) {
        free(w->labels[i]), free(w->paths[i]);
        sp_weights_free(w->W[i]);
    }
    free(w->labels), free(w->paths), free(w->W);
    free(w->pattern), free(w->single);
    sp_weights_free(w->one);
    free(w->var), free(w->geo);
    sp_weights_free(w->geo_w);
    free(w->row_id), free(w->row_per), free(w->row_unit), free(w->row_val), free(w->unit_mean);
    free(w);
}

/* Room for one more entry. */
static int grow(sp_wper *w)
{
    if (w->n < w->cap)
        return SP_OK;
    int cap = w->cap ? 2 * w->cap : 8;
    char **l = sp_realloc(w->labels, (size_t)cap * sizeof *l);
    if (l)
        w->labels = l;
    char **p = l ? sp_realloc(w->paths, (size_t)cap * sizeof *p) : NULL;
    if (p)
        w->paths = p;
    sp_weights **m = p ? sp_realloc(w->W, (size_t)cap * sizeof *m) : NULL;
    if (m)
        w->W = m;
    if (!m)
        return SP_ENOMEM;
    w->cap = cap;
    return SP_OK;
}

static int add(sp_wper *w, const char *label, size_t llen, const char *path, size_t plen)
{
    int rc = grow(w);
    if (rc)
        return rc;
    w->labels[w->n] = strndup(label, llen);
    w->paths[w->n] = strndup(path, plen);
    w->W[w->n] = NULL;
    if (!w->labels[w->n] || !w->paths[w->n]) {
        free(w->labels[w->n]), free(w->paths[w->n]);
        return SP_ENOMEM;
    }
    w->n++;
    return SP_OK;
}

/* "2011=a.gal,2012=b.gal" */
static int parse_list(sp_wper *w, const char *spec)
{
    for (const char *s = spec; *s;) {
        const char *end = strchr(s, ','), *eq = strchr(s, '=');
        if (!end)
            end = s + strlen(s);
        if (!eq || eq > end || eq == s || eq + 1 == end)
            return sp_error_set(SP_EUSAGE, "--w: expected PERIOD=FILE[,PERIOD=FILE...], got '%.*s' "
                                           "in '%s'", (int)(end - s), s, spec);
        for (int i = 0; i < w->n; i++)
            if (strlen(w->labels[i]) == (size_t)(eq - s) && !strncmp(w->labels[i], s, eq - s))
                return sp_error_set(SP_EUSAGE, "--w: period %.*s named twice", (int)(eq - s), s);
        int rc = add(w, s, (size_t)(eq - s), eq + 1, (size_t)(end - eq - 1));
        if (rc)
            return rc;
        s = *end ? end + 1 : end;
    }
    return SP_OK;
}

/* "econ:VAR", "econ-mean:VAR", "nested:VAR:GEO", "nested-mean:VAR:GEO"; 0 when
 * spec is none of them (a file name). */
static int parse_econ(sp_wper *w, const char *spec, int *rc)
{
    static const char *const kinds[] = {"econ:", "econ-mean:", "nested:", "nested-mean:"};
    int k = 0;
    while (k < 4 && strncmp(spec, kinds[k], strlen(kinds[k])) != 0)
        k++;
    if (k == 4)
        return 0;
    w->econ = k < 2 ? 1 : 2, w->mean = k % 2;
    const char *v = spec + strlen(kinds[k]), *colon = strchr(v, ':');
    if (w->econ == 1 ? !*v || colon : !colon || colon == v || !colon[1]) {
        *rc = sp_error_set(SP_EUSAGE, "--w %s: expected %s", spec,
                           w->econ == 1 ? "econ:VAR or econ-mean:VAR"
                                        : "nested:VAR:GEOFILE or nested-mean:VAR:GEOFILE");
        return 1;
    }
    w->var = w->econ == 1 ? sp_strdup(v) : strndup(v, (size_t)(colon - v));
    w->geo = w->econ == 2 ? sp_strdup(colon + 1) : NULL;
    *rc = w->var && (w->econ == 1 || w->geo) ? SP_OK : SP_ENOMEM;
    return 1;
}

int sp_wper_parse(const char *spec, sp_wper **out)
{
    *out = NULL;
    sp_wper *w = sp_calloc(1, sizeof *w);
    if (!w)
        return SP_ENOMEM;
    int rc = SP_OK;
    if (parse_econ(w, spec, &rc))
        ;
    else if (strstr(spec, "{}"))
        rc = (w->pattern = sp_strdup(spec)) ? SP_OK : SP_ENOMEM;
    else if (strchr(spec, '='))
        rc = parse_list(w, spec);
    else
        rc = (w->single = sp_strdup(spec)) ? SP_OK : SP_ENOMEM;
    if (rc) {
        sp_wper_free(w);
        return rc;
    }
    *out = w;
    return SP_OK;
}

/* ---- economic distance per period ---- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct units of the rows (row_unit, nunit) and their means of var. */
static int econ_units(sp_wper *w)
{
    const char **u = sp_malloc((size_t)w->nrow * sizeof *u + 1);
    if (!u)
        return SP_ENOMEM;
    memcpy(u, w->row_id, (size_t)w->nrow * sizeof *u);
    qsort(u, (size_t)w->nrow, sizeof *u, cmp_str);
    int m = 0;
    for (int r = 0; r < w->nrow; r++)
        if (m == 0 || strcmp(u[m - 1], u[r]) != 0)
            u[m++] = u[r];
    w->nunit = m;
    sp_idmap *map = NULL;
    int *count = sp_malloc((size_t)m * sizeof *count + 1);
    w->unit_mean = sp_malloc((size_t)m * sizeof *w->unit_mean + 1);
    int rc = count && w->unit_mean ? sp_idmap_build(u, m, "--w econ", &map) : SP_ENOMEM;
    for (int r = 0; !rc && r < w->nrow; r++)
        w->row_unit[r] = sp_idmap_find(map, w->row_id[r]);
    if (!rc)
        sp_econ_unit_means(w->row_unit, w->row_val, w->nrow, m, w->unit_mean, count);
    sp_idmap_free(map);
    free(count), free(u);
    return rc;
}

int sp_wper_bind(sp_wper *w, const sp_table *tab, const char *idf, const char *timef)
{
    if (!w->econ)
        return SP_OK;
    int ic, tc, vc, rc;
    if ((rc = sp_table_require(tab, idf, &ic)) || (rc = sp_table_require(tab, timef, &tc)) ||
        (rc = sp_table_require(tab, w->var, &vc)))
        return sp_error_prefix(rc, "--w %s", w->econ == 1 ? "econ" : "nested");
    w->nrow = tab->nrow;
    w->row_id = sp_malloc((size_t)w->nrow * sizeof *w->row_id + 1);
    w->row_per = sp_malloc((size_t)w->nrow * sizeof *w->row_per + 1);
    w->row_unit = sp_malloc((size_t)w->nrow * sizeof *w->row_unit + 1);
    w->row_val = sp_malloc((size_t)w->nrow * sizeof *w->row_val + 1);
    rc = w->row_id && w->row_per && w->row_unit && w->row_val ? SP_OK : SP_ENOMEM;
    for (int r = 0; !rc && r < w->nrow; r++) {
        w->row_id[r] = sp_table_cell(tab, r, ic);
        w->row_per[r] = sp_table_cell(tab, r, tc);
        if (!w->row_id[r] || !w->row_per[r])
            rc = sp_error_set(SP_EDATA, "%s: row %d: no %s", tab->source, r + 1,
                              w->row_id[r] ? timef : idf);
        else
            rc = sp_table_number(tab, r, vc, w->row_id[r], &w->row_val[r]);
    }
    if (!rc)
        rc = econ_units(w);
    if (!rc && w->econ == 2)
        rc = sp_wio_read(w->geo, &w->geo_w);
    return rc;
}

/* The period's units and values g (its own, or the units' means). */
static int econ_values(const sp_wper *w, const char *label, const char ***ids, double **g,
                       int *n)
{
    int m = 0;
    for (int r = 0; r < w->nrow; r++)
        m += strcmp(w->row_per[r], label) == 0;
    *ids = sp_malloc((size_t)m * sizeof **ids + 1);
    *g = sp_malloc((size_t)m * sizeof **g + 1);
    if (!*ids || !*g)
        return SP_ENOMEM;
    *n = 0;
    for (int r = 0; r < w->nrow; r++)
        if (strcmp(w->row_per[r], label) == 0) {
            (*ids)[*n] = w->row_id[r];
            (*g)[(*n)++] = w->mean ? w->unit_mean[w->row_unit[r]] : w->row_val[r];
        }
    if (m == 0)
        return sp_error_set(SP_EDATA, "--w %s:%s: no row of period %s", w->econ == 1 ? "econ"
                            : "nested", w->var, label);
    return SP_OK;
}

/* Period label's economic W, built and kept as an entry of w. */
static int econ_get(sp_wper *w, const char *label, const sp_weights **W, const char **path)
{
    if (!w->row_id)
        return sp_error_set(SP_EUSAGE, "--w %s:%s needs the data (sp_wper_bind)",
                            w->econ == 1 ? "econ" : "nested", w->var);
    const char **ids = NULL;
    double *g = NULL;
    int n = 0;
    sp_csr *csr = NULL;
    sp_weights *geo = NULL, *out = NULL;
    char what[600];
    snprintf(what, sizeof what, "%s%s:%s%s%s (%s %s)", w->econ == 1 ? "econ" : "nested",
             w->mean ? "-mean" : "", w->var, w->geo ? ":" : "", w->geo ? w->geo : "",
             label, w->mean ? "with the means over the periods" : "values");
    int rc = econ_values(w, label, &ids, &g, &n);
    if (!rc && w->econ == 1)
        rc = sp_econ_distance(g, n, ids, &csr);
    else if (!rc && !(rc = sp_weights_align(w->geo_w, ids, n, what, &geo)))
        rc = sp_econ_nested(geo->w, g, &csr);
    if (!rc && (rc = sp_weights_new(n, ids, csr, &out))) /* takes csr on success */
        sp_csr_free(csr);
    if (!rc && (rc = add(w, label, strlen(label), what, strlen(what))))
        sp_weights_free(out);
    if (!rc) {
        w->W[w->n - 1] = out;
        *W = out;
        *path = w->paths[w->n - 1];
    }
    sp_weights_free(geo);
    free(ids), free(g);
    return rc ? sp_error_prefix(rc, "--w %s", what) : SP_OK;
}

int sp_wper_get(sp_wper *w, const char *label, const sp_weights **W, const char **path)
{
    *W = NULL;
    if (w->single) {
        *path = w->single;
        int rc = w->one ? SP_OK : sp_wio_read(w->single, &w->one);
        *W = w->one;
        return rc;
    }
    for (int i = 0; i < w->n; i++)
        if (strcmp(w->labels[i], label) == 0) {
            *path = w->paths[i];
            int rc = w->W[i] ? SP_OK : sp_wio_read(w->paths[i], &w->W[i]);
            *W = w->W[i];
            return rc;
        }
    if (w->econ)
        return econ_get(w, label, W, path);
    if (!w->pattern)
        return sp_error_set(SP_EDATA, "--w names no weights for period %s (it lists %d period%s)",
                            label, w->n, w->n == 1 ? "" : "s");
    /* a pattern: {} -> label, read and kept */
    const char *at = strstr(w->pattern, "{}");
    size_t len = strlen(w->pattern) + strlen(label);
    char *p = sp_malloc(len);
    if (!p)
        return SP_ENOMEM;
    snprintf(p, len, "%.*s%s%s", (int)(at - w->pattern), w->pattern, label, at + 2);
    int rc = add(w, label, strlen(label), p, strlen(p));
    free(p);
    if (rc)
        return rc;
    *path = w->paths[w->n - 1];
    rc = sp_wio_read(*path, &w->W[w->n - 1]);
    *W = w->W[w->n - 1];
    return rc ? sp_error_prefix(rc, "--w pattern, period %s", label) : SP_OK;
}

sp_weights *sp_wper_release(sp_wper *w, const sp_weights *W)
{
    if (!w->single || !W || w->one != W)
        return NULL;
    sp_weights *own = w->one;
    w->one = NULL;
    return own;
}
