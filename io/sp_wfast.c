/* sp_wfast: one-pass readers of GAL files with integer ids; see sp_wfast.h. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_error.h"
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

/* The rows of the file: ids[u], and unit u's neighbour ids nb[p[u] .. p[u + 1]). */
typedef struct fgal {
    long n;
    uint32_t *ids, *nb;
    size_t *p, ntok, cap;
} fgal;

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

/* The sp_weights of the resolved rows, ids written back as text. */
static int to_weights(const fgal *g, sp_weights **out)
{
    int n = (int)g->n;
    sp_csr *w;
    int rc = sp_csr_alloc(n, n, (int)g->ntok, &w);
    char *text = rc ? NULL : sp_malloc((size_t)n * 11 + 1);
    const char **ids = text ? sp_malloc((size_t)n * sizeof *ids) : NULL;
    if (!rc && !ids)
        rc = SP_ENOMEM;
    for (int u = 0; u < n && !rc; u++) {
        w->p[u + 1] = (int)g->p[u + 1];
        char d[12], *at = text + (size_t)u * 11;
        int k = sizeof d;
        uint32_t v = g->ids[u];
        do
            d[--k] = (char)('0' + v % 10);
        while ((v /= 10) != 0);
        memcpy(at, d + k, sizeof d - (size_t)k);
        at[sizeof d - (size_t)k] = '\0';
        ids[u] = at;
    }
    for (size_t k = 0; k < g->ntok && !rc; k++) {
        w->j[k] = (int)g->nb[k];
        w->x[k] = 1.0;
    }
    if (!rc)
        rc = sp_weights_new(n, ids, w, out);
    if (rc)
        sp_csr_free(w);
    free(text);
    free(ids);
    return rc;
}

int sp_wfast_gal(const char *data, size_t size, sp_weights **out)
{
    *out = NULL;
    fcur c = {data, data + size};
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte order mark */
        c.p += 3;
    fgal g = {0};
    g.n = header_n(&c);
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
        rc = to_weights(&g, out);
    free(table);
    fgal_free(&g);
    return rc == DECLINE ? SP_OK : rc;
}
