/* sp_wfast: one-pass readers of GAL files with integer ids; see sp_wfast.h. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
#include "sp_table.h"
#include "sp_vec.h"
#include "sp_wfast.h"

#define DECLINE (-1) /* not a file of the fast path: the general parser reads it */

typedef struct fcur {
    const char *p, *end;
} fcur;

/* The tokens of the next line as canonical integers (below 10^9, no sign,
 * no leading zero) into v[0..max): their count (0 for a blank line), or
 * DECLINE when the line holds anything else or more than max tokens.  A CR
 * may only trail (CRLF, as the general parser strips it). */
static int line_ints(fcur *c, uint32_t *v, int max)
{
    const char *p = c->p, *e = c->end;
    int count = 0;
    for (;;) {
        while (p < e && (*p == ' ' || *p == '\t'))
            p++;
        if (p < e && *p == '\r') {
            while (p < e && (*p == '\r' || *p == ' ' || *p == '\t'))
                p++;
            if (p < e && *p != '\n')
                return DECLINE;
        }
        if (p == e || *p == '\n')
            break;
        const char *s = p;
        uint32_t x = 0;
        while (p < e && (unsigned char)(*p - '0') < 10)
            x = 10 * x + (uint32_t)(*p++ - '0');
        size_t len = (size_t)(p - s);
        if (len == 0 || len > 9 || (s[0] == '0' && len > 1) || count == max ||
            (p < e && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n'))
            return DECLINE;
        v[count++] = x;
    }
    c->p = p < e ? p + 1 : p;
    return count;
}

/* The next line that is not blank (DECLINE at the end of the bytes). */
static int next_ints(fcur *c, uint32_t *v, int max)
{
    int k = 0;
    while (k == 0 && c->p < c->end)
        k = line_ints(c, v, max);
    return k > 0 ? k : DECLINE;
}

/* The unit count of the header "N" or "0 N LAYER IDFIELD" (the second of
 * several blank-separated tokens, after trailing CR and blanks are cut, as
 * the general parser does), when it is canonical; else DECLINE. */
static long header_n(fcur *c)
{
    for (;;) {
        const char *p = c->p, *e = memchr(p, '\n', (size_t)(c->end - p));
        e = e ? e : c->end;
        c->p = e < c->end ? e + 1 : e;
        if (memchr(p, '\0', (size_t)(e - p)))
            return DECLINE;
        while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            e--;
        const char *tok[2] = {NULL, NULL};
        size_t len[2] = {0, 0};
        int count = 0;
        while (p < e) {
            while (p < e && (*p == ' ' || *p == '\t'))
                p++;
            const char *s = p;
            while (p < e && *p != ' ' && *p != '\t')
                p++;
            if (p > s && count < 2)
                tok[count] = s, len[count] = (size_t)(p - s);
            count += p > s;
        }
        if (count == 0 && c->p < c->end)
            continue; /* a blank line */
        int k = count > 1 ? 1 : 0;
        if (!tok[k] || len[k] > 9 || tok[k][0] == '0')
            return DECLINE; /* also n = 0, an error the general parser names */
        long n = 0;
        for (size_t i = 0; i < len[k]; i++) {
            if ((unsigned char)(tok[k][i] - '0') >= 10)
                return DECLINE;
            n = 10 * n + (tok[k][i] - '0');
        }
        return n;
    }
}

/* The bytes after a UTF-8 byte order mark, and the header's unit count
 * (header_n). */
static long open_text(const char *data, size_t size, fcur *c)
{
    *c = (fcur){data, data + size};
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        c->p += 3;
    return header_n(c);
}

/* The rows of the file: ids[u], and unit u's neighbour ids nb[p[u] .. p[u + 1]). */
typedef struct fgal {
    long n;
    uint32_t *ids, *nb;
    size_t *p, ntok, cap;
} fgal;

/* What an fgal holds. */
static void fgal_free(fgal *g)
{
    free(g->ids), free(g->nb), free(g->p);
}

/* Every unit's "ID K" line and its list of K ids; then only blank lines. */
static int parse_rows(fcur *c, fgal *g)
{
    for (long u = 0; u < g->n; u++) {
        uint32_t head[2];
        if (next_ints(c, head, 2) != 2)
            return DECLINE;
        g->ids[u] = head[0];
        g->p[u] = g->ntok;
        size_t k = head[1];
        if (k > 0 && (k > (size_t)(c->end - c->p) || g->ntok + k > (size_t)INT_MAX))
            return DECLINE; /* more neighbours than bytes: the general parser says so */
        if (k > 0 && SP_VEC_RESERVE(g->nb, g->cap, g->ntok + k, (size_t)(c->end - c->p) / 8 + 64))
            return SP_ENOMEM;
        if (k > 0 && next_ints(c, g->nb + g->ntok, (int)k) != (int)k)
            return DECLINE;
        g->ntok += k;
    }
    g->p[g->n] = g->ntok;
    for (const char *s = c->p; s < c->end; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return DECLINE; /* more units than the header's */
    return SP_OK;
}

/* qsort's order of unit indices. */
static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Neighbour ids to unit indices through a table by value, rows sorted
 * (as sp_csr keeps them); DECLINE on an unknown or repeated id or link. */
static int resolve(fgal *g, int **table_out)
{
    uint32_t max = 0;
    for (long u = 0; u < g->n; u++)
        max = g->ids[u] > max ? g->ids[u] : max;
    if (max > 4 * (uint64_t)g->n + 1024)
        return DECLINE;
    int *table = sp_malloc(((size_t)max + 1) * sizeof *table);
    if (!table)
        return SP_ENOMEM;
    *table_out = table;
    memset(table, 0xff, ((size_t)max + 1) * sizeof *table);
    for (long u = 0; u < g->n; u++) {
        if (table[g->ids[u]] >= 0)
            return DECLINE;
        table[g->ids[u]] = (int)u;
    }
    for (long u = 0; u < g->n; u++) {
        uint32_t *row = g->nb + g->p[u];
        size_t len = g->p[u + 1] - g->p[u];
        int sorted = 1;
        for (size_t k = 0; k < len; k++) {
            if (row[k] > max || table[row[k]] < 0)
                return DECLINE;
            row[k] = (uint32_t)table[row[k]];
            sorted &= k == 0 || row[k] > row[k - 1];
        }
        if (!sorted)
            qsort(row, len, sizeof *row, u32_cmp);
        for (size_t k = 1; k < len && !sorted; k++)
            if (row[k] == row[k - 1])
                return DECLINE;
    }
    return SP_OK;
}

/* The sp_weights of w and the ids value[0..n) written back as text, into the
 * block the sp_weights keeps (no second copy). */
static int to_weights(sp_csr *w, const uint32_t *value, int n, sp_weights **out)
{
    char *text = sp_malloc((size_t)n * 11 + 1);
    char **ids = text ? sp_malloc(((size_t)n + 1) * sizeof *ids) : NULL;
    int rc = ids ? SP_OK : SP_ENOMEM;
    char *at = text;
    for (int u = 0; u < n && !rc; u++) {
        char d[12];
        int k = sizeof d;
        uint32_t v = value[u];
        do
            d[--k] = (char)('0' + v % 10);
        while ((v /= 10) != 0);
        memcpy(at, d + k, sizeof d - (size_t)k);
        ids[u] = at;
        at += sizeof d - (size_t)k;
        *at++ = '\0';
    }
    if (!rc)
        rc = sp_weights_adopt(n, ids, text, w, out);
    if (rc) {
        sp_csr_free(w);
        free(text);
        free(ids);
    }
    return rc;
}

/* The resolved rows of g as an sp_weights: the neighbour indices become the
 * matrix's columns where they are (g->nb is handed over, NULL after). */
static int gal_weights(fgal *g, sp_weights **out)
{
    int n = (int)g->n;
    sp_csr *w = sp_calloc(1, sizeof *w);
    if (!w)
        return SP_ENOMEM;
    *w = (sp_csr){.nrow = n, .ncol = n, .j = (int *)g->nb}; /* indices below n <= INT_MAX */
    g->nb = NULL;
    w->p = sp_malloc(((size_t)n + 1) * sizeof *w->p);
    w->x = sp_malloc(g->ntok * sizeof *w->x + 1);
    if (!w->j)
        w->j = sp_malloc(1); /* no links at all */
    if (!w->p || !w->j || !w->x) {
        sp_csr_free(w);
        return SP_ENOMEM;
    }
    for (int u = 0; u <= n; u++)
        w->p[u] = (int)g->p[u];
    for (size_t k = 0; k < g->ntok; k++)
        w->x[k] = 1.0;
    return to_weights(w, g->ids, n, out);
}

int sp_wfast_gal(const char *data, size_t size, sp_weights **out)
{
    *out = NULL;
    fcur c;
    fgal g = {0};
    g.n = open_text(data, size, &c);
    if (g.n <= 0 || (size_t)g.n > size / 4 + 1)
        return SP_OK;
    int *table = NULL;
    int rc = (g.ids = sp_malloc((size_t)g.n * sizeof *g.ids)) &&
                     (g.p = sp_malloc(((size_t)g.n + 1) * sizeof *g.p))
                 ? SP_OK : SP_ENOMEM;
    if (!rc)
        rc = parse_rows(&c, &g);
    if (!rc)
        rc = resolve(&g, &table);
    if (!rc)
        rc = gal_weights(&g, out);
    free(table);
    fgal_free(&g);
    return rc == DECLINE ? SP_OK : rc;
}

/* ------------------------------------------------------------------------ */
/* GWT: "ORIGIN DESTINATION WEIGHT" lines.                                   */

/* One canonical integer token at *pp and the blanks after it. */
static int int_token(const char **pp, const char *e, uint32_t *out)
{
    const char *p = *pp, *s = p;
    uint32_t x = 0;
    while (p < e && (unsigned char)(*p - '0') < 10)
        x = 10 * x + (uint32_t)(*p++ - '0');
    size_t len = (size_t)(p - s);
    if (len == 0 || len > 9 || (s[0] == '0' && len > 1) || p == e || (*p != ' ' && *p != '\t'))
        return DECLINE;
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    *pp = p;
    *out = x;
    return SP_OK;
}

/* A weight token as the general parser reads it (sp_table_parse_double):
 * plain decimals by its fast path, others by strtod on a copy. */
static int weight_token(const char *s, size_t len, double *x)
{
    if (sp_table_plain_decimal(s, len, x) == s + len)
        return SP_OK;
    char buf[64];
    if (len >= sizeof buf)
        return DECLINE;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return sp_table_parse_double(buf, x) == 0 ? SP_OK : DECLINE;
}

/* The weight token read last and its value: standardised rows repeat one. */
typedef struct gwt_weight_cache {
    const char *text;
    size_t len;
    double x;
} gwt_weight_cache;

/* The next line's origin, destination and weight: 1, 0 for a blank line,
 * DECLINE for anything else (the trailing CR and blanks cut first, as the
 * general parser does). */
static int gwt_line(fcur *c, uint32_t *a, uint32_t *b, double *x, gwt_weight_cache *wc)
{
    const char *p = c->p, *e = memchr(p, '\n', (size_t)(c->end - p));
    e = e ? e : c->end;
    c->p = e < c->end ? e + 1 : e;
    while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
        e--;
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    if (p == e)
        return 0;
    if (int_token(&p, e, a) || int_token(&p, e, b))
        return DECLINE;
    const char *w = p;
    while (p < e && *p != ' ' && *p != '\t')
        p++;
    size_t len = (size_t)(p - w);
    if (p != e || len == 0 || memchr(w, '\0', len))
        return DECLINE; /* a fourth token, or none */
    if (!(wc->text && wc->len == len && memcmp(wc->text, w, len) == 0)) {
        if (weight_token(w, len, &wc->x))
            return DECLINE;
        wc->text = w, wc->len = len;
    }
    *x = wc->x;
    return 1;
}

/* The links of a GWT file: origin and destination ids, weights, in file order. */
typedef struct fgwt {
    long n;
    uint32_t *a, *b;
    double *x;
    size_t count, cap, ca, cb;
} fgwt;

/* What an fgwt holds. */
static void fgwt_free(fgwt *g)
{
    free(g->a), free(g->b), free(g->x);
}

/* Every line after the header as a link (DECLINE when there is none). */
static int gwt_parse(fcur *c, fgwt *g)
{
    gwt_weight_cache wc = {0};
    while (c->p < c->end) {
        uint32_t a, b;
        double x;
        int k = gwt_line(c, &a, &b, &x, &wc);
        if (k == DECLINE)
            return DECLINE;
        if (k == 0)
            continue;
        if (g->count == (size_t)INT_MAX)
            return DECLINE;
        size_t first = (size_t)(c->end - c->p) / 16 + 64;
        if (g->count == g->cap) {
            size_t ca = g->ca, cb = g->cb; /* three arrays, one count */
            if (SP_VEC_RESERVE(g->a, ca, g->count + 1, first) ||
                SP_VEC_RESERVE(g->b, cb, g->count + 1, first) ||
                SP_VEC_RESERVE(g->x, g->cap, g->count + 1, first))
                return SP_ENOMEM;
            g->ca = ca, g->cb = cb;
        }
        g->a[g->count] = a, g->b[g->count] = b, g->x[g->count++] = x;
    }
    return g->count ? SP_OK : DECLINE;
}

/* Units in order of first appearance, origins first, then destinations (as
 * the general parser numbers them), through a table by value: their ids in
 * value[0..*units), the links' ids turned into unit indices in place. */
static int gwt_units(fgwt *g, uint32_t **value_out, long *units_out)
{
    uint32_t max = 0;
    for (size_t k = 0; k < g->count; k++)
        max = g->a[k] > max ? g->a[k] : max, max = g->b[k] > max ? g->b[k] : max;
    if (max > 4 * (uint64_t)g->n + 1024)
        return DECLINE;
    int *table = sp_malloc(((size_t)max + 1) * sizeof *table);
    uint32_t *value = sp_malloc(((size_t)g->n + 1) * sizeof *value);
    *value_out = value;
    if (!table || !value) {
        free(table);
        return SP_ENOMEM;
    }
    memset(table, 0xff, ((size_t)max + 1) * sizeof *table);
    long units = 0;
    int rc = SP_OK;
    for (int side = 0; side < 2 && !rc; side++) {
        uint32_t *id = side ? g->b : g->a;
        for (size_t k = 0; k < g->count && !rc; k++)
            if (table[id[k]] < 0 && units == g->n)
                rc = DECLINE; /* more units than the header's */
            else if (table[id[k]] < 0)
                value[units] = id[k], table[id[k]] = (int)units++;
    }
    for (size_t k = 0; k < g->count && !rc; k++)
        g->a[k] = (uint32_t)table[g->a[k]], g->b[k] = (uint32_t)table[g->b[k]];
    free(table);
    *units_out = units;
    return rc;
}

/* One entry of a row being sorted: column and value. */
typedef struct fentry {
    uint32_t j;
    double x;
} fentry;

/* qsort's order of entries: by column. */
static int fentry_cmp(const void *a, const void *b)
{
    uint32_t x = ((const fentry *)a)->j, y = ((const fentry *)b)->j;
    return (x > y) - (x < y);
}

/* Insertion sort of one row's entries by column; qsort of many. */
static void sort_row(fentry *r, size_t m)
{
    if (m > 32) {
        qsort(r, m, sizeof *r, fentry_cmp); /* columns are distinct when it matters */
        return;
    }
    for (size_t a = 1; a < m; a++) {
        fentry t = r[a];
        size_t b = a;
        for (; b > 0 && r[b - 1].j > t.j; b--)
            r[b] = r[b - 1];
        r[b] = t;
    }
}

/* The matrix of the links (a self-pair of weight 0 names a unit and adds no
 * link), rows sorted; DECLINE on a repeated link. */
static int gwt_matrix(const fgwt *g, int units, sp_csr **out)
{
    size_t m = 0;
    for (size_t k = 0; k < g->count; k++)
        m += !(g->a[k] == g->b[k] && g->x[k] == 0.0);
    fentry *e = sp_malloc(m * sizeof *e + 1);
    int rc = e ? sp_csr_alloc(units, units, (int)m, out) : SP_ENOMEM;
    if (rc) {
        free(e);
        return rc;
    }
    sp_csr *w = *out;
    int *at = sp_malloc((size_t)units * sizeof *at + 1);
    if (!at) {
        free(e);
        sp_csr_free(w);
        *out = NULL;
        return SP_ENOMEM;
    }
    for (size_t k = 0; k < g->count; k++)
        w->p[g->a[k] + 1] += !(g->a[k] == g->b[k] && g->x[k] == 0.0);
    for (int u = 0; u < units; u++)
        w->p[u + 1] += w->p[u];
    memcpy(at, w->p, (size_t)units * sizeof *at);
    for (size_t k = 0; k < g->count; k++)
        if (!(g->a[k] == g->b[k] && g->x[k] == 0.0))
            e[at[g->a[k]]++] = (fentry){g->b[k], g->x[k]};
    free(at);
    for (int u = 0; u < units && !rc; u++) {
        fentry *r = e + w->p[u];
        size_t len = (size_t)(w->p[u + 1] - w->p[u]);
        sort_row(r, len);
        for (size_t k = 0; k < len && !rc; k++) {
            if (k > 0 && r[k].j == r[k - 1].j)
                rc = DECLINE;
            w->j[w->p[u] + (int)k] = (int)r[k].j;
            w->x[w->p[u] + (int)k] = r[k].x;
        }
    }
    free(e);
    if (rc) {
        sp_csr_free(w);
        *out = NULL;
    }
    return rc;
}

int sp_wfast_gwt(const char *data, size_t size, sp_weights **out)
{
    *out = NULL;
    fcur c;
    fgwt g = {0};
    g.n = open_text(data, size, &c);
    if (g.n <= 0 || (size_t)g.n > size + 1)
        return SP_OK;
    uint32_t *value = NULL;
    long units = 0;
    sp_csr *w = NULL;
    int rc = gwt_parse(&c, &g);
    if (!rc)
        rc = gwt_units(&g, &value, &units);
    if (!rc)
        rc = gwt_matrix(&g, (int)units, &w);
    if (!rc && !(rc = to_weights(w, value, (int)units, out)))
        (*out)->unnamed = (int)(g.n - units);
    free(value);
    fgwt_free(&g);
    return rc == DECLINE ? SP_OK : rc;
}
