/* sp_wio: spatial weights files (GAL, GWT, ArcGIS SWM, Matrix Market, dense CSV).
 *
 * Every reader works on a memory buffer (sp_wio_read_buffer) and never reads
 * past it: the text formats parse a private NUL-terminated copy in place, the
 * SWM reader checks each record's length before touching it.  Readers collect
 * ids and (row, column, value) links, then build the matrix once, so every
 * format shares the checks for duplicate ids, duplicate links and empty files.
 *
 * Conventions beyond the classic formats (see docs/weights.md):
 * - GWT cannot list a unit without neighbours.  An island is left out, as
 *   libpysal and GeoDa write it (the header's n counts it); libpysal reads a
 *   line "ID ID 0" as a self-neighbour.  On reading both forms are accepted:
 *   a self-pair with weight 0 names a unit and adds no link (files of spill
 *   before 0.2, GeoDa skips such lines too), and units the header counts but
 *   no line names become sp_weights.unnamed (data units missing from the file
 *   are then taken as these islands).  Units are numbered in order of first
 *   appearance as origin, then as destination.
 * - Matrix Market keeps unit ids in comment lines "% id K NAME" (K 1-based);
 *   a file without them gets ids 1..n.
 * - SWM islands carry no weight sum (as ArcGIS, GeoDa and libpysal read them);
 *   files from libpysal's writer, which adds one, are read too. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sp_error.h"
#include "sp_idmap.h"
#include "sp_output.h"
#include "sp_readopt.h"
#include "sp_table.h"
#include "sp_text.h"
#include "sp_vec.h"
#include "sp_wdense.h"
#include "sp_wfast.h"
#include "sp_wio.h"

#define WIO_MAX_IMPLICIT_N 10000000 /* MTX without id comments: ids 1..n are made up */

static const char *const format_names[] = {"unknown", "GAL", "GWT", "SWM", "Matrix Market",
                                           "CSV", "sheet", "Stata spmatrix"};
#define WIO_FORMATS "(use .gal .gwt .swm .mtx .csv .txt; to read also .xlsx .xls .ods)"

sp_wformat sp_wio_format(const char *path)
{
    static const struct { const char *ext; sp_wformat fmt; } map[] = {
        {".gal", SP_WF_GAL},   {".gwt", SP_WF_GWT},   {".swm", SP_WF_SWM},
        {".mtx", SP_WF_MTX},   {".csv", SP_WF_CSV},   {".xlsx", SP_WF_SHEET},
        {".xls", SP_WF_SHEET}, {".ods", SP_WF_SHEET}, {".txt", SP_WF_SPMAT},
    };
    const char *dot = path ? strrchr(path, '.') : NULL;
    for (size_t k = 0; dot && dot != path && k < sizeof map / sizeof map[0]; k++)
        if (strcasecmp(dot, map[k].ext) == 0)
            return map[k].fmt;
    return SP_WF_UNKNOWN;
}

const char *sp_wio_format_name(sp_wformat fmt)
{
    return format_names[fmt >= SP_WF_GAL && fmt <= SP_WF_SPMAT ? fmt : 0];
}

/* ------------------------------------------------------------------------ */
/* What every reader collects: ids in unit order and links by unit index.   */

typedef struct wio_ids {
    char **v;
    int n;
    size_t cap;
} wio_ids;

typedef struct wio_links {
    int *i, *j, *where; /* where: line or record, for messages */
    double *x;
    size_t n, cap;
} wio_links;

static void ids_free(wio_ids *ids)
{
    for (int k = 0; k < ids->n; k++)
        free(ids->v[k]);
    free(ids->v);
    memset(ids, 0, sizeof *ids);
}

static int ids_push(wio_ids *ids, const char *id)
{
    if (ids->n == INT_MAX)
        return sp_error_set(SP_EDATA, "too many units");
    if (SP_VEC_RESERVE(ids->v, ids->cap, (size_t)ids->n + 1, 64))
        return SP_ENOMEM;
    if (!(ids->v[ids->n] = sp_strdup(id)))
        return SP_ENOMEM;
    ids->n++;
    return SP_OK;
}

static void links_free(wio_links *l)
{
    free(l->i);
    free(l->j);
    free(l->where);
    free(l->x);
    memset(l, 0, sizeof *l);
}

static int links_push(wio_links *l, int i, int j, double x, int where)
{
    if (l->n == l->cap) {
        if (l->n >= (size_t)INT_MAX)
            return sp_error_set(SP_EDATA, "too many links");
        size_t ci = l->cap, cj = l->cap, cw = l->cap, cx = l->cap; /* four arrays, one count */
        if (sp_vec_reserve(&l->i, &ci, l->n + 1, sizeof *l->i, 256) ||
            sp_vec_reserve(&l->j, &cj, l->n + 1, sizeof *l->j, 256) ||
            sp_vec_reserve(&l->where, &cw, l->n + 1, sizeof *l->where, 256) ||
            sp_vec_reserve(&l->x, &cx, l->n + 1, sizeof *l->x, 256))
            return SP_ENOMEM;
        l->cap = ci;
    }
    l->i[l->n] = i;
    l->j[l->n] = j;
    l->x[l->n] = x;
    l->where[l->n] = where;
    l->n++;
    return SP_OK;
}

typedef struct link_key {
    int i, j, where;
} link_key;

static int link_key_cmp(const void *a, const void *b)
{
    const link_key *p = a, *q = b;
    if (p->i != q->i)
        return p->i < q->i ? -1 : 1;
    if (p->j != q->j)
        return p->j < q->j ? -1 : 1;
    return (p->where > q->where) - (p->where < q->where);
}

/* The error for a repeated link (only called when there is one). */
static int links_duplicate_error(const wio_links *l, const wio_ids *ids, const char *path,
                                 const char *where_name)
{
    link_key *k = sp_malloc(l->n * sizeof *k);
    if (!k)
        return SP_ENOMEM;
    for (size_t t = 0; t < l->n; t++)
        k[t] = (link_key){l->i[t], l->j[t], l->where[t]};
    qsort(k, l->n, sizeof *k, link_key_cmp);
    int rc = sp_error_set(SP_EDATA, "%s: the same link is given twice", path);
    for (size_t t = 1; t < l->n; t++)
        if (k[t].i == k[t - 1].i && k[t].j == k[t - 1].j) {
            rc = sp_error_set(SP_EDATA, "%s: %s %d: link %s -> %s is given twice (also %s %d)",
                              path, where_name, k[t].where, ids->v[k[t].i], ids->v[k[t].j],
                              where_name, k[t - 1].where);
            break;
        }
    free(k);
    return rc;
}

/* Build the sp_weights from what a reader collected; frees ids and links. */
static int wio_finish(const char *path, const char *where_name, wio_ids *ids, wio_links *l,
                      sp_weights **out)
{
    sp_csr *w = NULL;
    int rc = SP_OK;
    sp_idmap *map = NULL;
    if (ids->n == 0)
        rc = sp_error_set(SP_EDATA, "%s: no units in the file", path);
    if (!rc)
        rc = sp_idmap_build((const char *const *)ids->v, ids->n, path, &map); /* repeated ids */
    sp_idmap_free(map);
    if (!rc)
        rc = sp_csr_from_triplets(ids->n, ids->n, (int)l->n, l->i, l->j, l->x, &w);
    if (!rc && (size_t)sp_csr_nnz(w) != l->n)
        rc = links_duplicate_error(l, ids, path, where_name);
    if (!rc) {
        rc = sp_weights_new(ids->n, (const char *const *)ids->v, w, out);
        w = rc ? w : NULL;
    }
    sp_csr_free(w);
    ids_free(ids);
    links_free(l);
    return rc;
}

/* 1 when id is usable: non-empty, no control characters. */
static int id_ok(const char *id)
{
    if (!*id)
        return 0;
    for (const unsigned char *s = (const unsigned char *)id; *s; s++)
        if (*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

/* Whole-string integer in [lo, hi]. */
static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Text: lines of a private NUL-terminated copy, cut in place.              */

typedef struct wio_text {
    const char *path;
    char *buf, *next, *end;
    int line; /* number of the line last returned (1-based) */
} wio_text;

static int text_open(wio_text *t, const char *data, size_t size, const char *path)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    const char *nul = memchr(data, '\0', size);
    if (nul) {
        int line = 1;
        for (const char *s = data; s < nul; s++)
            line += *s == '\n';
        return sp_error_set(SP_EDATA, "%s: line %d: NUL byte: not a text weights file", path, line);
    }
    if (!(t->buf = sp_malloc(size + 1)))
        return SP_ENOMEM;
    memcpy(t->buf, data, size);
    t->buf[size] = '\0';
    t->next = t->buf;
    t->end = t->buf + size;
    if (size >= 3 && memcmp(t->buf, "\xEF\xBB\xBF", 3) == 0) /* UTF-8 byte order mark */
        t->next += 3;
    return SP_OK;
}

static void text_close(wio_text *t) { free(t->buf); }

/* The next line without its end of line and trailing blanks, or NULL at the end. */
static char *text_line(wio_text *t)
{
    if (t->next >= t->end)
        return NULL;
    char *start = t->next, *e = memchr(start, '\n', (size_t)(t->end - start));
    if (e) {
        t->next = e + 1;
    } else {
        e = t->end;
        t->next = t->end;
    }
    *e = '\0';
    while (e > start && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
        *--e = '\0';
    t->line++;
    return start;
}

static char *skip_blank(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* The next line that is not empty. */
static char *text_nonblank(wio_text *t)
{
    char *s;
    while ((s = text_line(t)) != NULL)
        if (*skip_blank(s))
            return s;
    return NULL;
}

/* The next blank-separated token of *s, cut in place; NULL when none is left. */
static char *next_token(char **s)
{
    char *tok = skip_blank(*s), *e = tok;
    if (!*tok)
        return NULL;
    while (*e && *e != ' ' && *e != '\t')
        e++;
    *s = *e ? e + 1 : e;
    *e = '\0';
    return tok;
}

/* Split at blanks in place; stores up to max tokens, returns how many there are. */
static int split_blank(char *s, char **tok, int max)
{
    int n = 0;
    for (char *t; (t = next_token(&s)) != NULL; n++)
        if (n < max)
            tok[n] = t;
    return n;
}

/* SP_EDATA "path: line L: message". */
static int text_error(const wio_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int text_error(const wio_text *t, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sp_error_set(SP_EDATA, "%s: line %d: %s", t->path, t->line, msg);
}

/* Reject ids with control characters (a token cannot be empty). */
static int text_id(const wio_text *t, const char *id)
{
    return id_ok(id) ? SP_OK : text_error(t, "id '%s' contains a control character", id);
}

/* A weight: finite number. */
static int text_weight(const wio_text *t, const char *s, const char *from, const char *to, double *x)
{
    if (sp_table_parse_double(s, x) == 0)
        return SP_OK;
    return text_error(t, "weight '%s' of link %s -> %s is not a finite number", s, from, to);
}

/* The unit count of a GAL/GWT header: "n" or "0 n layer idfield". */
static int text_header_n(wio_text *t, const char *what, int *n)
{
    char *line = text_nonblank(t), *tok[2];
    if (!line)
        return sp_error_set(SP_EDATA, "%s: empty file", t->path);
    int count = split_blank(line, tok, 2);
    const char *s = tok[count > 1 ? 1 : 0];
    if (parse_int(s, 0, INT_MAX, n) != 0)
        return text_error(t, "%s header: expected the number of units, got '%s'", what, s);
    if (*n == 0)
        return text_error(t, "%s header: no units (n = 0)", what);
    return SP_OK;
}

/* ------------------------------------------------------------------------ */
/* Pending links by name (GAL, GWT), resolved once all ids are known.       */

typedef struct name_link {
    const char *a, *b; /* point into the text buffer */
    double x;
    int line;
    int ai;            /* a's unit index when the reader knows it (GAL), else -1 */
} name_link;

typedef struct name_links {
    name_link *v;
    size_t n, cap;
} name_links;

static int names_push(name_links *l, const char *a, int ai, const char *b, double x, int line)
{
    if (l->n >= (size_t)INT_MAX)
        return sp_error_set(SP_EDATA, "too many links");
    if (SP_VEC_RESERVE(l->v, l->cap, l->n + 1, 256))
        return SP_ENOMEM;
    l->v[l->n++] = (name_link){a, b, x, line, ai};
    return SP_OK;
}

/* The error for a link to a name that is not a unit. */
static int unknown_unit(const char *path, int line, const char *name, const char *a, const char *b)
{
    return sp_error_set(SP_EDATA, "%s: line %d: unit '%s' of link %s -> %s is not a unit of the "
                        "file", path, line, name, a, b);
}

/* Map names to unit indices; with skip_marker, "ID ID 0" adds no link (GWT). */
static int names_resolve(const name_links *nl, const wio_ids *ids, const char *path,
                         int skip_marker, wio_links *out)
{
    sp_idmap *map;
    int rc = sp_idmap_build((const char *const *)ids->v, ids->n, path, &map);
    if (rc)
        return rc;
    for (size_t k = 0; k < nl->n && !rc; k++) {
        const name_link *e = &nl->v[k];
        int i = e->ai >= 0 ? e->ai : sp_idmap_find(map, e->a), j = sp_idmap_find(map, e->b);
        if (i < 0 || j < 0)
            rc = unknown_unit(path, e->line, i < 0 ? e->a : e->b, e->a, e->b);
        else if (!(skip_marker && i == j && e->x == 0.0))
            rc = links_push(out, i, j, e->x, e->line);
    }
    sp_idmap_free(map);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* GAL: header, then per unit "ID K" and a line of K neighbour ids.          */

/* What the GAL reader collects: the neighbour names of each unit in file
 * order (unit u's are tok[start[u] .. start[u + 1] - 1], pointing into the
 * text) and the line that lists them. */
typedef struct gal_rows {
    const char **tok;
    size_t ntok, cap, hint; /* hint: the first capacity */
    size_t *start; /* n + 1 */
    int *line;     /* n */
} gal_rows;

static void gal_rows_free(gal_rows *g)
{
    free(g->tok);
    free(g->start);
    free(g->line);
}

static int gal_push(gal_rows *g, const char *nb)
{
    if (g->ntok >= (size_t)INT_MAX)
        return sp_error_set(SP_EDATA, "too many links");
    if (SP_VEC_RESERVE(g->tok, g->cap, g->ntok + 1, g->hint))
        return SP_ENOMEM;
    g->tok[g->ntok++] = nb;
    return SP_OK;
}

/* Unit u's "ID K" line and its list of K names. */
static int gal_unit(wio_text *t, wio_ids *ids, int n, gal_rows *g)
{
    char *line = text_nonblank(t), *tok[2];
    if (!line)
        return sp_error_set(SP_EDATA, "%s: line %d: file ends after %d of %d units", t->path,
                            t->line, ids->n, n);
    int k, rc;
    if (split_blank(line, tok, 2) != 2 || parse_int(tok[1], 0, INT_MAX, &k) != 0)
        return text_error(t, "expected 'ID COUNT' for unit %d of %d", ids->n + 1, n);
    if ((rc = text_id(t, tok[0])) || (rc = ids_push(ids, tok[0])))
        return rc;
    const char *id = ids->v[ids->n - 1];
    g->line[ids->n - 1] = t->line;
    if (k == 0)
        return SP_OK;
    char *list = text_nonblank(t);
    if (!list)
        return sp_error_set(SP_EDATA, "%s: line %d: unit '%s': file ends before its %d "
                            "neighbour%s", t->path, t->line, id, k, k == 1 ? "" : "s");
    g->line[ids->n - 1] = t->line;
    int got = 0;
    for (char *nb; (nb = next_token(&list)) != NULL; got++) {
        if (got == k)
            return text_error(t, "unit '%s' has %d neighbour%s but the line lists more", id, k,
                              k == 1 ? "" : "s");
        if ((rc = gal_push(g, nb)))
            return rc;
    }
    if (got != k)
        return text_error(t, "unit '%s' has %d neighbour%s but the line lists %d", id, k,
                          k == 1 ? "" : "s", got);
    return SP_OK;
}

static int read_gal(wio_text *t, wio_ids *ids, gal_rows *g)
{
    memset(g, 0, sizeof *g);
    g->hint = 4096 + (size_t)(t->end - t->next) / 8; /* about one name per 8 bytes */
    int n, rc = text_header_n(t, "GAL", &n);
    if (!rc && (!(g->start = sp_malloc(((size_t)n + 1) * sizeof *g->start)) ||
                !(g->line = sp_malloc((size_t)n * sizeof *g->line))))
        rc = SP_ENOMEM;
    while (!rc && ids->n < n) {
        g->start[ids->n] = g->ntok;
        rc = gal_unit(t, ids, n, g);
    }
    if (!rc)
        g->start[n] = g->ntok;
    if (!rc && text_nonblank(t))
        rc = text_error(t, "more units than the %d of the header", n);
    return rc;
}

/* The links of g as wio_links (for the repeated-link message). */
static int gal_links(const gal_rows *g, int n, const sp_idmap *map, wio_links *l)
{
    int rc = SP_OK;
    for (int u = 0; u < n && !rc; u++)
        for (size_t k = g->start[u]; k < g->start[u + 1] && !rc; k++)
            rc = links_push(l, u, sp_idmap_find(map, g->tok[k]), 1.0, g->line[u]);
    return rc;
}

/* Resolve the names of g into the matrix (weights 1, rows sorted) and build
 * the sp_weights; frees ids.  The messages are those of names_resolve and
 * wio_finish. */
static int gal_finish(const char *path, wio_ids *ids, const gal_rows *g, sp_weights **out)
{
    int n = ids->n, nnz = (int)g->ntok;
    sp_idmap *map = NULL;
    sp_csr *w = NULL;
    int rc = sp_idmap_build((const char *const *)ids->v, n, path, &map);
    if (!rc)
        rc = sp_csr_alloc(n, n, nnz, &w);
    for (int u = 0; u < n && !rc; u++) {
        w->p[u + 1] = (int)g->start[u + 1];
        for (size_t k = g->start[u]; k < g->start[u + 1] && !rc; k++) {
            w->x[k] = 1.0;
            if ((w->j[k] = sp_idmap_find(map, g->tok[k])) < 0)
                rc = unknown_unit(path, g->line[u], g->tok[k], ids->v[u], g->tok[k]);
        }
    }
    if (w)
        sp_csr_canonicalize(w);
    if (!rc && sp_csr_nnz(w) != nnz) {
        wio_links l = {0};
        rc = gal_links(g, n, map, &l);
        rc = rc ? rc : links_duplicate_error(&l, ids, path, "line");
        links_free(&l);
    }
    sp_idmap_free(map);
    if (!rc) {
        rc = sp_weights_new(n, (const char *const *)ids->v, w, out);
        w = rc ? w : NULL;
    }
    sp_csr_free(w);
    ids_free(ids);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* GWT: header, then "I J W" lines.                                          */

typedef struct name_pos {
    const char *name;
    size_t pos;
} name_pos;

static int name_pos_by_name(const void *a, const void *b)
{
    const name_pos *p = a, *q = b;
    int c = strcmp(p->name, q->name);
    return c ? c : (p->pos > q->pos) - (p->pos < q->pos);
}

static int name_pos_by_pos(const void *a, const void *b)
{
    const name_pos *p = a, *q = b;
    return (p->pos > q->pos) - (p->pos < q->pos);
}

/* Distinct names in order of first appearance: origins first, then destinations. */
static int gwt_ids(const name_links *nl, wio_ids *ids)
{
    size_t m = 2 * nl->n, kept = 0;
    name_pos *v = sp_malloc((m ? m : 1) * sizeof *v);
    if (!v)
        return SP_ENOMEM;
    for (size_t k = 0; k < nl->n; k++) {
        v[k] = (name_pos){nl->v[k].a, k};
        v[nl->n + k] = (name_pos){nl->v[k].b, nl->n + k};
    }
    qsort(v, m, sizeof *v, name_pos_by_name);
    for (size_t k = 0; k < m; k++)
        if (k == 0 || strcmp(v[k].name, v[kept - 1].name) != 0)
            v[kept++] = v[k];
    qsort(v, kept, sizeof *v, name_pos_by_pos);
    int rc = SP_OK;
    for (size_t k = 0; k < kept && !rc; k++)
        rc = ids_push(ids, v[k].name);
    free(v);
    return rc;
}

static int read_gwt(wio_text *t, wio_ids *ids, name_links *nl, int *unnamed)
{
    int n, rc = text_header_n(t, "GWT", &n);
    char *line;
    while (!rc && (line = text_nonblank(t)) != NULL) {
        char *tok[3];
        double x;
        if (split_blank(line, tok, 3) != 3)
            return text_error(t, "expected 'ORIGIN DESTINATION WEIGHT'");
        if ((rc = text_id(t, tok[0])) || (rc = text_id(t, tok[1])) ||
            (rc = text_weight(t, tok[2], tok[0], tok[1], &x)))
            return rc;
        rc = names_push(nl, tok[0], -1, tok[1], x, t->line);
    }
    if (!rc)
        rc = gwt_ids(nl, ids);
    if (!rc && ids->n > n)
        rc = sp_error_set(SP_EDATA, "%s: the header gives %d units but the lines name %d",
                          t->path, n, ids->n);
    *unnamed = rc ? 0 : n - ids->n;
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Matrix Market coordinate format.                                          */

typedef struct mtx_id {
    int k, line;
    const char *name;
} mtx_id;

/* "% id K NAME": 1 and fills *e when the comment names a unit, else 0 (any other comment). */
static int mtx_id_comment(char *line, int lineno, mtx_id *e)
{
    char *s = skip_blank(line + 1);
    if (strncmp(s, "id", 2) != 0 || (s[2] != ' ' && s[2] != '\t'))
        return 0;
    s = skip_blank(s + 2);
    char *num = s;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    char *name = skip_blank(s);
    *s = '\0';
    if (parse_int(num, 1, INT_MAX, &e->k) != 0 || !*name)
        return 0;
    e->name = name;
    e->line = lineno;
    return 1;
}

typedef struct mtx_kind {
    int pattern, symmetric;
} mtx_kind;

static int mtx_banner(wio_text *t, mtx_kind *kind)
{
    char *line = text_nonblank(t), *tok[6];
    if (!line)
        return sp_error_set(SP_EDATA, "%s: empty file", t->path);
    int count = split_blank(line, tok, 6);
    if (count != 5 || strcasecmp(tok[0], "%%MatrixMarket") != 0)
        return text_error(t, "expected '%%%%MatrixMarket matrix coordinate real general'");
    if (strcasecmp(tok[1], "matrix") != 0 || strcasecmp(tok[2], "coordinate") != 0)
        return text_error(t, "only 'matrix coordinate' Matrix Market files hold weights, not "
                          "'%s %s'", tok[1], tok[2]);
    kind->pattern = strcasecmp(tok[3], "pattern") == 0;
    if (!kind->pattern && strcasecmp(tok[3], "real") != 0 && strcasecmp(tok[3], "integer") != 0)
        return text_error(t, "field '%s' is not real, integer or pattern", tok[3]);
    kind->symmetric = strcasecmp(tok[4], "symmetric") == 0;
    if (!kind->symmetric && strcasecmp(tok[4], "general") != 0)
        return text_error(t, "symmetry '%s' is not general or symmetric", tok[4]);
    return SP_OK;
}

/* ids from the "% id" comments (all of 1..n, once each) or 1..n. */
static int mtx_ids(wio_text *t, const mtx_id *named, int nnamed, int n, wio_ids *ids)
{
    if (nnamed == 0) {
        if (n > WIO_MAX_IMPLICIT_N)
            return sp_error_set(SP_EDATA, "%s: %d units without '%% id' comments: too many",
                                t->path, n);
        for (int k = 1; k <= n; k++) {
            char num[16];
            snprintf(num, sizeof num, "%d", k);
            int rc = ids_push(ids, num);
            if (rc)
                return rc;
        }
        return SP_OK;
    }
    if (nnamed != n)
        return sp_error_set(SP_EDATA, "%s: %d '%% id' comment lines for %d units", t->path,
                            nnamed, n);
    const char **slot = sp_calloc((size_t)n, sizeof *slot);
    if (!slot)
        return SP_ENOMEM;
    int rc = SP_OK;
    for (int k = 0; k < nnamed && !rc; k++) {
        const mtx_id *e = &named[k];
        if (e->k > n || slot[e->k - 1])
            rc = sp_error_set(SP_EDATA, "%s: line %d: unit number %d is %s", t->path, e->line,
                              e->k, e->k > n ? "out of range" : "named twice");
        else if (!id_ok(e->name))
            rc = sp_error_set(SP_EDATA, "%s: line %d: id '%s' contains a control character",
                              t->path, e->line, e->name);
        else
            slot[e->k - 1] = e->name;
    }
    for (int k = 0; k < n && !rc; k++)
        rc = ids_push(ids, slot[k]);
    free(slot);
    return rc;
}

static int mtx_entry(wio_text *t, char *line, const mtx_kind *kind, int n, wio_links *l)
{
    char *tok[4];
    int want = kind->pattern ? 2 : 3, i, j;
    double x = 1.0;
    if (split_blank(line, tok, 4) != want)
        return text_error(t, "expected '%s'", kind->pattern ? "ROW COLUMN" : "ROW COLUMN VALUE");
    if (parse_int(tok[0], 1, n, &i) != 0 || parse_int(tok[1], 1, n, &j) != 0)
        return text_error(t, "row or column '%s %s' is not in 1..%d", tok[0], tok[1], n);
    if (!kind->pattern && sp_table_parse_double(tok[2], &x) != 0)
        return text_error(t, "value '%s' is not a finite number", tok[2]);
    if (kind->symmetric && j > i)
        return text_error(t, "entry %d %d above the diagonal of a symmetric matrix", i, j);
    int rc = links_push(l, i - 1, j - 1, x, t->line);
    if (!rc && kind->symmetric && i != j)
        rc = links_push(l, j - 1, i - 1, x, t->line);
    return rc;
}

static int read_mtx(wio_text *t, wio_ids *ids, wio_links *l)
{
    mtx_kind kind = {0, 0};
    int rc = mtx_banner(t, &kind), n = -1, nnz = 0, nnamed = 0;
    size_t cap = 0;
    mtx_id *named = NULL;
    char *line;
    while (!rc && (line = text_nonblank(t)) != NULL) {
        line = skip_blank(line);
        if (*line == '%') {
            mtx_id e;
            if (!mtx_id_comment(line, t->line, &e))
                continue;
            if (nnamed == INT_MAX) {
                rc = text_error(t, "too many '%% id' lines");
                break;
            }
            if ((rc = SP_VEC_RESERVE(named, cap, (size_t)nnamed + 1, 64)))
                break;
            named[nnamed++] = e;
        } else if (n < 0) {
            char *tok[4];
            int rows, cols;
            if (split_blank(line, tok, 4) != 3 || parse_int(tok[0], 0, INT_MAX, &rows) ||
                parse_int(tok[1], 0, INT_MAX, &cols) || parse_int(tok[2], 0, INT_MAX, &nnz))
                rc = text_error(t, "expected the size line 'ROWS COLUMNS ENTRIES'");
            else if (rows != cols)
                rc = text_error(t, "the matrix is %d x %d, not square", rows, cols);
            else if (rows == 0)
                rc = text_error(t, "no units (0 x 0 matrix)");
            n = rows;
        } else if (--nnz < 0) {
            rc = text_error(t, "more entries than the size line gives");
        } else {
            rc = mtx_entry(t, line, &kind, n, l);
        }
    }
    if (!rc && n < 0)
        rc = sp_error_set(SP_EDATA, "%s: line %d: no size line 'ROWS COLUMNS ENTRIES'", t->path,
                          t->line);
    if (!rc && nnz > 0)
        rc = sp_error_set(SP_EDATA, "%s: line %d: file ends %d entr%s short of the size line",
                          t->path, t->line, nnz, nnz == 1 ? "y" : "ies");
    if (!rc)
        rc = mtx_ids(t, named, nnamed, n, ids);
    free(named);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Dense CSV: "id,ID1,...,IDn", then n rows "IDi,w_i1,...,w_in".             */

typedef struct csv_row {
    char **cell;
    int n;
    size_t cap;
} csv_row;

static int csv_row_push(csv_row *row, char *cell)
{
    if (row->n == INT_MAX)
        return sp_error_set(SP_EDATA, "too many cells");
    if (SP_VEC_RESERVE(row->cell, row->cap, (size_t)row->n + 1, 64))
        return SP_ENOMEM;
    row->cell[row->n++] = cell;
    return SP_OK;
}

/* Split a line into cells at sep, in place (RFC 4180 quotes; unquoted cells
 * trimmed). */
static int csv_split(wio_text *t, char *s, char sep, csv_row *row)
{
    row->n = 0;
    for (;;) {
        s = skip_blank(s);
        char *cell = s, *w = s;
        if (*s == '"') {
            for (s++;; s++) {
                if (!*s)
                    return text_error(t, "cell %d: unterminated quote", row->n + 1);
                if (*s == '"' && s[1] == '"')
                    *w++ = *s++;
                else if (*s == '"')
                    break;
                else
                    *w++ = *s;
            }
            s = skip_blank(s + 1);
            if (*s && *s != sep)
                return text_error(t, "cell %d: text after the closing quote", row->n + 1);
        } else {
            while (*s && *s != sep)
                s++;
            w = s;
            while (w > cell && (w[-1] == ' ' || w[-1] == '\t'))
                w--;
        }
        int more = *s == sep, rc;
        *w = '\0';
        if ((rc = csv_row_push(row, cell)))
            return rc;
        if (!more)
            return SP_OK;
        s++;
    }
}

/* The lines of a dense CSV (cells split at sep) or of a Stata spmatrix file
 * (at blanks) as a grid, then sp_wdense finds the layout. */
static int read_dense(wio_text *t, int spmat, sp_weights **out)
{
    csv_row row = {0};
    const char **cells = NULL;
    int *start = NULL, *line = NULL, nrows = 0, rc = SP_OK;
    size_t ncells = 0, ccap = 0, rcap = 0;
    char sep = ',';
    for (char *s; !rc && (s = text_nonblank(t)) != NULL; nrows++) {
        if (nrows == 0 && !spmat && !strchr(s, ','))
            sep = strchr(s, ';') ? ';' : strchr(s, '\t') ? '\t' : ',';
        if (spmat) {
            row.n = 0;
            for (char *tok; !rc && (tok = next_token(&s)) != NULL;)
                rc = csv_row_push(&row, tok);
        } else {
            rc = csv_split(t, s, sep, &row);
        }
        size_t lcap = rcap; /* start and line: one count */
        if (!rc && (SP_VEC_RESERVE(start, rcap, (size_t)nrows + 2, 256) ||
                    SP_VEC_RESERVE(line, lcap, (size_t)nrows + 2, 256)))
            rc = SP_ENOMEM;
        if (!rc && SP_VEC_RESERVE(cells, ccap, ncells + (size_t)row.n + 1, 4096))
            rc = SP_ENOMEM;
        if (!rc && (ncells > (size_t)SP_WDENSE_MAX_N * (SP_WDENSE_MAX_N + 2) ||
                    nrows > SP_WDENSE_MAX_N + 2))
            rc = text_error(t, "too many cells for a dense weights file");
        if (rc)
            break;
        start[nrows] = (int)ncells;
        line[nrows] = t->line;
        for (int c = 0; c < row.n; c++)
            cells[ncells++] = row.cell[c];
    }
    if (!rc) {
        if (!start && !(start = sp_malloc(sizeof *start)))
            rc = SP_ENOMEM;
        else
            start[nrows] = (int)ncells;
    }
    if (!rc) {
        sp_wdense_grid g = {t->path, "line", nrows, start, cells, line, spmat};
        rc = sp_wdense_from_grid(&g, out);
    }
    free(row.cell);
    free((void *)cells);
    free(start);
    free(line);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* ArcGIS SWM: a header line, then little-endian binary records.            */

typedef struct swm_in {
    const unsigned char *p;
    size_t size, pos;
} swm_in;

static int32_t swm_i32(swm_in *in)
{
    const unsigned char *b = in->p + in->pos;
    in->pos += 4;
    return (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                     (uint32_t)b[3] << 24);
}

static double swm_f64(swm_in *in)
{
    const unsigned char *b = in->p + in->pos;
    uint64_t u = 0;
    for (int k = 7; k >= 0; k--)
        u = u << 8 | b[k];
    in->pos += 8;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static int swm_left(const swm_in *in, size_t bytes) { return in->size - in->pos >= bytes; }

/* Header line: "VERSION@10.1;KEY@VALUE;..." (FIXEDWEIGHTS@True: one weight per record) or,
 * before ArcGIS 10.1, "IDFIELD;SPATIALREFERENCE". */
static int swm_header(swm_in *in, const char *path, int *fixed)
{
    const unsigned char *nl = memchr(in->p, '\n', in->size);
    if (!nl)
        return sp_error_set(SP_EDATA, "%s: no header line: not an ArcGIS SWM file", path);
    size_t len = (size_t)(nl - in->p);
    char *h = sp_malloc(len + 1);
    if (!h)
        return SP_ENOMEM;
    memcpy(h, in->p, len);
    h[len] = '\0';
    in->pos = len + 1;
    *fixed = 0;
    if (strncasecmp(h, "VERSION@", 8) == 0) {
        char *save;
        for (char *item = strtok_r(h, ";\r", &save); item; item = strtok_r(NULL, ";\r", &save))
            if (strncasecmp(item, "FIXEDWEIGHTS@", 13) == 0)
                *fixed = strncasecmp(item + 13, "true", 4) == 0;
    }
    free(h);
    return SP_OK;
}

/* SP_EDATA naming the record (and its unit id unless INT_MIN). */
static int swm_error(const char *path, int rec, int n, int id, const char *what)
{
    if (id == INT_MIN)
        return sp_error_set(SP_EDATA, "%s: record %d of %d: %s", path, rec, n, what);
    return sp_error_set(SP_EDATA, "%s: record %d of %d (unit %d): %s", path, rec, n, id, what);
}

/* One pass over the records; island_sum: islands carry a weight sum (libpysal's writer). */
static int swm_records(const char *data, size_t size, const char *path, int island_sum,
                       wio_ids *ids, wio_links *l)
{
    swm_in in = {(const unsigned char *)data, size, 0};
    int fixed = 0, rc = swm_header(&in, path, &fixed);
    if (rc)
        return rc;
    if (!swm_left(&in, 8))
        return sp_error_set(SP_EDATA, "%s: file ends inside the unit count", path);
    int n = swm_i32(&in);
    (void)swm_i32(&in); /* row-standardised flag: the weights are stored as used */
    if (n <= 0)
        return sp_error_set(SP_EDATA, "%s: the header gives %d units", path, n);
    if ((size_t)n > (in.size - in.pos) / 8)
        return sp_error_set(SP_EDATA, "%s: the header gives %d units but the file holds at most "
                            "%zu records", path, n, (in.size - in.pos) / 8);
    sp_idmap *map = NULL;
    int *nbr_id = NULL; /* neighbour ids as stored, resolved once all origins are known */
    size_t cap = 0;
    for (int r = 1; r <= n && !rc; r++) {
        if (!swm_left(&in, 8)) {
            rc = swm_error(path, r, n, INT_MIN, "file ends");
            break;
        }
        int id = swm_i32(&in), cnt = swm_i32(&in);
        char num[16];
        snprintf(num, sizeof num, "%d", id);
        if ((rc = ids_push(ids, num)))
            break;
        if (cnt < 0 || cnt > n) {
            rc = swm_error(path, r, n, id, "bad neighbour count");
            break;
        }
        size_t weights = fixed ? 1 : (size_t)cnt;
        size_t need = cnt > 0 ? 4 * (size_t)cnt + 8 * weights + 8 : island_sum ? 8 : 0;
        if (!swm_left(&in, need)) {
            rc = swm_error(path, r, n, id, "file ends inside the record");
            break;
        }
        if (SP_VEC_RESERVE(nbr_id, cap, l->n + (size_t)cnt, 2 * (size_t)cnt)) {
            rc = SP_ENOMEM;
            break;
        }
        for (int k = 0; k < cnt; k++)
            nbr_id[l->n + (size_t)k] = swm_i32(&in);
        double shared = cnt > 0 && fixed ? swm_f64(&in) : 0.0;
        for (int k = 0; k < cnt && !rc; k++) {
            double x = fixed ? shared : swm_f64(&in);
            if (!isfinite(x))
                rc = swm_error(path, r, n, id, "weight is not a finite number");
            else
                rc = links_push(l, r - 1, -1, x, r);
        }
        if (cnt > 0 || island_sum)
            in.pos += 8; /* the sum of the weights: not needed */
    }
    if (!rc && in.pos != in.size)
        rc = sp_error_set(SP_EDATA, "%s: %zu bytes after the last of %d records", path,
                          in.size - in.pos, n);
    if (!rc)
        rc = sp_idmap_build((const char *const *)ids->v, ids->n, path, &map);
    for (size_t k = 0; k < l->n && !rc; k++) {
        char num[16];
        snprintf(num, sizeof num, "%d", nbr_id[k]);
        if ((l->j[k] = sp_idmap_find(map, num)) < 0)
            rc = sp_error_set(SP_EDATA, "%s: record %d of %d (unit %s): neighbour %d is not a "
                              "unit of the file", path, l->where[k], n, ids->v[l->i[k]], nbr_id[k]);
    }
    sp_idmap_free(map);
    free(nbr_id);
    return rc;
}

static int read_swm(const char *data, size_t size, const char *path, wio_ids *ids, wio_links *l)
{
    int rc = swm_records(data, size, path, 0, ids, l);
    if (rc != SP_EDATA)
        return rc;
    char first[1024];
    snprintf(first, sizeof first, "%s", sp_error_msg());
    ids_free(ids);
    links_free(l);
    if (swm_records(data, size, path, 1, ids, l) == SP_OK)
        return SP_OK;
    ids_free(ids);
    links_free(l);
    return sp_error_set(SP_EDATA, "%s", first);
}

/* ------------------------------------------------------------------------ */

int sp_wio_read_buffer(const char *data, size_t size, sp_wformat fmt, const char *path,
                       sp_weights **out)
{
    *out = NULL;
    wio_ids ids = {0};
    wio_links links = {0};
    int rc, unnamed = 0;
    const char *where = "line";
    if (fmt == SP_WF_SWM) {
        rc = read_swm(data, size, path, &ids, &links);
        where = "record";
    } else if (fmt >= SP_WF_GAL && fmt <= SP_WF_SPMAT && fmt != SP_WF_SHEET) {
        wio_text t;
        name_links names = {0};
        const char *parser = getenv("SPILL_WIO_PARSER"); /* "general": tests compare both */
        int general = parser && strcmp(parser, "general") == 0;
        if (!general && fmt == SP_WF_GAL && ((rc = sp_wfast_gal(data, size, out)) || *out))
            return rc; /* integer ids: one pass; else (and on errors) the parser below */
        if (!general && fmt == SP_WF_GWT && ((rc = sp_wfast_gwt(data, size, out)) || *out))
            return rc;
        rc = text_open(&t, data, size, path);
        if (!rc && fmt == SP_WF_GAL) {
            gal_rows g;
            rc = read_gal(&t, &ids, &g);
            if (!rc)
                rc = gal_finish(path, &ids, &g, out);
            gal_rows_free(&g);
            text_close(&t);
            if (rc)
                ids_free(&ids);
            return rc;
        } else if (!rc && fmt == SP_WF_GWT)
            rc = read_gwt(&t, &ids, &names, &unnamed);
        else if (!rc && fmt == SP_WF_MTX)
            rc = read_mtx(&t, &ids, &links);
        else if (!rc) {
            rc = read_dense(&t, fmt == SP_WF_SPMAT, out);
            free(names.v);
            text_close(&t);
            return rc;
        }
        if (!rc && fmt == SP_WF_GWT)
            rc = names_resolve(&names, &ids, path, fmt == SP_WF_GWT, &links);
        free(names.v);
        text_close(&t);
    } else {
        rc = sp_error_set(SP_EUSAGE, "%s: unknown weights format " WIO_FORMATS,
                          path);
    }
    if (rc) {
        ids_free(&ids);
        links_free(&links);
        return rc;
    }
    rc = wio_finish(path, where, &ids, &links, out);
    if (!rc)
        (*out)->unnamed = unnamed;
    return rc;
}

int sp_wio_read(const char *path, sp_weights **out)
{
    *out = NULL;
    sp_wformat fmt = sp_wio_format(path);
    if (fmt == SP_WF_UNKNOWN)
        return sp_error_set(SP_EUSAGE, "%s: unknown weights format " WIO_FORMATS,
                            path);
    if (fmt == SP_WF_SHEET)
        return sp_wdense_read_sheet(path, out);
    char *data;
    size_t size;
    int rc = sp_text_read_file(path, &data, &size);
    const char *enc = NULL;
    if (!rc && fmt != SP_WF_SWM)
        rc = sp_readopt_encoding(path, data, size, &enc);
    if (!rc && enc) {
        char *utf8;
        if (!(rc = sp_text_recode(data, size, enc, path, &utf8, &size))) {
            free(data);
            data = utf8;
        }
    }
    if (!rc)
        rc = sp_wio_read_buffer(data, size, fmt, path, out);
    free(data);
    if (!rc && (*out)->unnamed > 0)
        sp_readopt_warn("%s: the header counts %d units, the lines name %d: the %d other%s "
                        "(islands, as libpysal and GeoDa leave them out) have no id here; data "
                        "units missing from the file are taken as %s", path,
                        (*out)->n + (*out)->unnamed, (*out)->n, (*out)->unnamed,
                        (*out)->unnamed == 1 ? "" : "s", (*out)->unnamed == 1 ? "it" : "them");
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Writing.                                                                  */

/* Whether W's ids fit the format; SP_EDATA naming the first that does not. */
static int check_ids(const sp_weights *W, sp_wformat fmt, const char *path)
{
    for (int i = 0; i < W->n; i++) {
        const char *id = W->ids[i];
        size_t len = strlen(id);
        if (!id_ok(id))
            return sp_error_set(SP_EDATA, "%s: unit %d: id '%s' is empty or contains a control "
                                "character", path, i + 1, id);
        if ((fmt == SP_WF_GAL || fmt == SP_WF_GWT) && strpbrk(id, " \t"))
            return sp_error_set(SP_EDATA, "%s: unit '%s': %s ids cannot contain blanks (use .mtx "
                                "or .csv)", path, id, format_names[fmt]);
        if (fmt == SP_WF_MTX && (id[0] == ' ' || id[0] == '\t' || id[len - 1] == ' ' ||
                                 id[len - 1] == '\t'))
            return sp_error_set(SP_EDATA, "%s: unit '%s': Matrix Market ids cannot begin or end "
                                "with a blank", path, id);
        if (fmt == SP_WF_SWM || fmt == SP_WF_SPMAT) {
            int v;
            char canon[16];
            if (parse_int(id, INT32_MIN, INT32_MAX, &v) == 0)
                snprintf(canon, sizeof canon, "%d", v);
            if (parse_int(id, INT32_MIN, INT32_MAX, &v) != 0 || strcmp(canon, id) != 0)
                return sp_error_set(SP_EDATA, "%s: unit '%s': %s files need integer ids "
                                    "(write .gwt, .gal, .mtx or .csv instead)", path, id,
                                    fmt == SP_WF_SWM ? "ArcGIS SWM" : "Stata spmatrix");
        }
    }
    return SP_OK;
}

static int check_values(const sp_weights *W, const char *path)
{
    for (int i = 0; i < W->n; i++)
        for (int k = W->w->p[i]; k < W->w->p[i + 1]; k++)
            if (!isfinite(W->w->x[k]))
                return sp_error_set(SP_EDATA, "%s: weight of link %s -> %s is not a finite number",
                                    path, W->ids[i], W->ids[W->w->j[k]]);
    return SP_OK;
}

/* A header name without the separators of the formats (blanks, ';', '@'). */
static void header_name(char *dst, size_t cap, const char *name)
{
    snprintf(dst, cap, "%s", name && *name ? name : "Unknown");
    for (char *s = dst; *s; s++)
        if (*s == ' ' || *s == '\t' || *s == ';' || *s == '@' || (unsigned char)*s < 0x20)
            *s = '_';
}

/* Text written through one buffer: GAL, GWT and Matrix Market files of 10^6
 * units have millions of lines, and stdio's calls and printf's format
 * parsing cost more than the bytes.  Write errors show in ferror(f). */
typedef struct wio_out {
    FILE *f;
    size_t n;
    double last;      /* the weight formatted last, */
    int last_len;     /* its length in last_text (0: none yet) */
    char last_text[32];
    char buf[1 << 16];
} wio_out;

static void out_bytes(wio_out *o, const char *s, size_t len)
{
    if (o->n + len > sizeof o->buf) {
        fwrite(o->buf, 1, o->n, o->f);
        o->n = 0;
        if (len > sizeof o->buf) {
            fwrite(s, 1, len, o->f);
            return;
        }
    }
    memcpy(o->buf + o->n, s, len);
    o->n += len;
}

static void out_char(wio_out *o, char c)
{
    if (o->n == sizeof o->buf)
        out_bytes(o, &c, 1);
    else
        o->buf[o->n++] = c;
}

/* A non-negative integer in decimal ("%d"). */
static void out_uint(wio_out *o, unsigned v)
{
    char d[16];
    int k = sizeof d;
    do
        d[--k] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    out_bytes(o, d + k, sizeof d - (size_t)k);
}

/* A weight as "%.17g" (exact round trip); the last one is kept, since
 * standardised rows repeat one value. */
static void out_weight(wio_out *o, double x)
{
    if (!o->last_len || memcmp(&x, &o->last, sizeof x) != 0) {
        o->last = x;
        o->last_len = snprintf(o->last_text, sizeof o->last_text, "%.17g", x);
    }
    out_bytes(o, o->last_text, (size_t)o->last_len);
}

static void out_flush(wio_out *o)
{
    if (o->n)
        fwrite(o->buf, 1, o->n, o->f);
    o->n = 0;
}

/* The lengths of W's ids (NULL when out of memory: the writer then stops). */
static unsigned *id_lengths(const sp_weights *W)
{
    unsigned *len = sp_malloc((size_t)W->n * sizeof *len + 1);
    for (int i = 0; len && i < W->n; i++)
        len[i] = (unsigned)strlen(W->ids[i]);
    return len;
}

/* A GAL file holds neighbour lists only, read back as equal weights (then
 * standardised): weights that differ within a row (inverse distance,
 * economic distance) would come back as other weights, so they are refused. */
static int check_gal_weights(const sp_weights *W, const char *path)
{
    const sp_csr *w = W->w;
    for (int i = 0; i < W->n; i++)
        for (int k = w->p[i] + 1; k < w->p[i + 1]; k++)
            if (w->x[k] != w->x[w->p[i]])
                return sp_error_set(SP_EUSAGE, "%s: a GAL file holds neighbour lists only and "
                                    "unit '%s' has unequal weights (%.6g to '%s', %.6g to '%s'): "
                                    "they would be read back as equal; write .gwt, .mtx or .csv",
                                    path, W->ids[i], w->x[w->p[i]], W->ids[w->j[w->p[i]]],
                                    w->x[k], W->ids[w->j[k]]);
    return SP_OK;
}

static int write_gal(wio_out *o, const sp_weights *W, const char *layer, const char *id_field)
{
    char head[600];
    if (layer || id_field) {
        char a[256], b[256];
        header_name(a, sizeof a, layer);
        header_name(b, sizeof b, id_field);
        snprintf(head, sizeof head, "0 %d %s %s\n", W->n, a, b);
    } else {
        snprintf(head, sizeof head, "%d\n", W->n);
    }
    unsigned *len = id_lengths(W);
    if (!len)
        return SP_ENOMEM;
    out_bytes(o, head, strlen(head));
    const sp_csr *w = W->w;
    for (int i = 0; i < W->n; i++) {
        out_bytes(o, W->ids[i], len[i]);
        out_char(o, ' ');
        out_uint(o, (unsigned)(w->p[i + 1] - w->p[i]));
        out_char(o, '\n');
        for (int k = w->p[i]; k < w->p[i + 1]; k++) {
            if (k > w->p[i])
                out_char(o, ' ');
            out_bytes(o, W->ids[w->j[k]], len[w->j[k]]);
        }
        out_char(o, '\n');
    }
    free(len);
    return SP_OK;
}

static int write_gwt(wio_out *o, const sp_weights *W, const char *layer, const char *id_field)
{
    char a[256], b[256], head[600];
    header_name(a, sizeof a, layer);
    header_name(b, sizeof b, id_field);
    snprintf(head, sizeof head, "0 %d %s %s\n", W->n + W->unnamed, a, b);
    unsigned *len = id_lengths(W);
    if (!len)
        return SP_ENOMEM;
    out_bytes(o, head, strlen(head));
    const sp_csr *w = W->w;
    for (int i = 0; i < W->n; i++) /* an island has no line (libpysal, GeoDa) */
        for (int k = w->p[i]; k < w->p[i + 1]; k++) {
            out_bytes(o, W->ids[i], len[i]);
            out_char(o, ' ');
            out_bytes(o, W->ids[w->j[k]], len[w->j[k]]);
            out_char(o, ' ');
            out_weight(o, w->x[k]);
            out_char(o, '\n');
        }
    free(len);
    return SP_OK;
}

static int write_mtx(wio_out *o, const sp_weights *W)
{
    char line[64];
    const char *banner = "%%MatrixMarket matrix coordinate real general\n"
                         "% spatial weights written by spill; unit ids: '% id K NAME'\n";
    out_bytes(o, banner, strlen(banner));
    for (int i = 0; i < W->n; i++) {
        out_bytes(o, "% id ", 5);
        out_uint(o, (unsigned)i + 1);
        out_char(o, ' ');
        out_bytes(o, W->ids[i], strlen(W->ids[i]));
        out_char(o, '\n');
    }
    const sp_csr *w = W->w;
    snprintf(line, sizeof line, "%d %d %d\n", W->n, W->n, sp_csr_nnz(w));
    out_bytes(o, line, strlen(line));
    for (int i = 0; i < W->n; i++)
        for (int k = w->p[i]; k < w->p[i + 1]; k++) {
            out_uint(o, (unsigned)i + 1);
            out_char(o, ' ');
            out_uint(o, (unsigned)w->j[k] + 1);
            out_char(o, ' ');
            out_weight(o, w->x[k]);
            out_char(o, '\n');
        }
    return SP_OK;
}

static void write_csv(FILE *f, const sp_weights *W)
{
    const sp_csr *w = W->w;
    fputs("id", f);
    for (int i = 0; i < W->n; i++) {
        fputc(',', f);
        sp_table_csv_field(f, W->ids[i]);
    }
    fputc('\n', f);
    for (int i = 0; i < W->n; i++) {
        sp_table_csv_field(f, W->ids[i]);
        int k = w->p[i];
        for (int c = 0; c < W->n; c++) {
            if (k < w->p[i + 1] && w->j[k] == c)
                fprintf(f, ",%.17g", w->x[k++]);
            else
                fputs(",0", f);
        }
        fputc('\n', f);
    }
}

/* Stata spmatrix export text: n, then per unit its id and its n weights. */
static void write_spmat(FILE *f, const sp_weights *W)
{
    const sp_csr *w = W->w;
    fprintf(f, "%d\n", W->n);
    for (int i = 0; i < W->n; i++) {
        fputs(W->ids[i], f);
        int k = w->p[i];
        for (int c = 0; c < W->n; c++) {
            if (k < w->p[i + 1] && w->j[k] == c)
                fprintf(f, " %.17g", w->x[k++]);
            else
                fputs(" 0", f);
        }
        fputc('\n', f);
    }
}

static void swm_put_i32(FILE *f, int32_t v)
{
    uint32_t u = (uint32_t)v;
    unsigned char b[4] = {u & 0xff, u >> 8 & 0xff, u >> 16 & 0xff, u >> 24 & 0xff};
    fwrite(b, 1, 4, f);
}

static void swm_put_f64(FILE *f, double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    unsigned char b[8];
    for (int k = 0; k < 8; k++)
        b[k] = (unsigned char)(u >> (8 * k) & 0xff);
    fwrite(b, 1, 8, f);
}

/* The ArcGIS 10.1 layout; WTYPE 8 is ArcGIS's "converted from table" weights. */
static void write_swm(FILE *f, const sp_weights *W, const char *id_field)
{
    char b[256];
    header_name(b, sizeof b, id_field);
    fprintf(f, "VERSION@10.1;UNIQUEID@%s;SPATIALREFNAME@Unknown;INPUTFC@#;WTYPE@8;"
            "DISTANCEMETHOD@#;EXPONENT@#;THRESHOLD@#;NUMNEIGHS@#;INPUTTABLE@#;TIMEFIELD@#;"
            "TIMETYPE@#;TIMEVALUE@#;INPUTNET@#;IMPEDANCEFIELD@#;BARRIERFC@#;UTURNPOLICY@#;"
            "RESTRICTIONS@#;USEHIERARCHY@#;SEARCHTOLERANCE@#;ADDCONCEPT@#;FIXEDWEIGHTS@False;"
            "HASZ@False\n", b);
    swm_put_i32(f, W->n);
    swm_put_i32(f, sp_weights_is_row_standardized(W));
    const sp_csr *w = W->w;
    for (int i = 0; i < W->n; i++) {
        swm_put_i32(f, atoi(W->ids[i]));
        swm_put_i32(f, w->p[i + 1] - w->p[i]);
        if (w->p[i] == w->p[i + 1])
            continue;
        double sum = 0.0;
        for (int k = w->p[i]; k < w->p[i + 1]; k++)
            swm_put_i32(f, atoi(W->ids[w->j[k]]));
        for (int k = w->p[i]; k < w->p[i + 1]; k++) {
            swm_put_f64(f, w->x[k]);
            sum += w->x[k];
        }
        swm_put_f64(f, sum);
    }
}

int sp_wio_write_named(const char *path, const sp_weights *W, const char *layer,
                       const char *id_field)
{
    sp_wformat fmt = sp_wio_format(path);
    if (fmt == SP_WF_UNKNOWN)
        return sp_error_set(SP_EUSAGE, "%s: unknown weights format " WIO_FORMATS,
                            path);
    if (W->n <= 0)
        return sp_error_set(SP_EDATA, "%s: no units to write", path);
    if (fmt == SP_WF_SHEET)
        return sp_error_set(SP_EUSAGE, "%s: spill reads weights from workbooks but does not "
                            "write them (write .csv, which Excel opens)", path);
    if ((fmt == SP_WF_CSV || fmt == SP_WF_SPMAT) && W->n > SP_WDENSE_MAX_N)
        return sp_error_set(SP_EUSAGE, "%s: %d units: too many for a dense CSV of %d x %d cells "
                            "(write .mtx or .gwt)", path, W->n, W->n, W->n);
    int rc = check_ids(W, fmt, path);
    if (!rc && fmt != SP_WF_GAL)
        rc = check_values(W, path);
    else if (!rc)
        rc = check_gal_weights(W, path);
    sp_output o;
    if (rc || (rc = sp_output_begin(path, &o)))
        return rc;
    FILE *f = fopen(o.tmp_path, "wb");
    if (!f) {
        rc = sp_error_set(SP_EDATA, "%s: cannot write: %s", path, strerror(errno));
        sp_output_abort(&o);
        return rc;
    }
    wio_out *text = fmt == SP_WF_GAL || fmt == SP_WF_GWT || fmt == SP_WF_MTX
                        ? sp_malloc(sizeof *text) : NULL;
    if (text) {
        text->f = f, text->n = 0, text->last_len = 0;
        rc = fmt == SP_WF_GAL ? write_gal(text, W, layer, id_field)
             : fmt == SP_WF_GWT ? write_gwt(text, W, layer, id_field) : write_mtx(text, W);
        out_flush(text);
        free(text);
    } else if (fmt == SP_WF_GAL || fmt == SP_WF_GWT || fmt == SP_WF_MTX)
        rc = SP_ENOMEM;
    else if (fmt == SP_WF_SWM)
        write_swm(f, W, id_field);
    else if (fmt == SP_WF_SPMAT)
        write_spmat(f, W);
    else
        write_csv(f, W);
    int failed = ferror(f);
    failed |= fclose(f) != 0;
    if (rc) {
        sp_output_abort(&o);
        return rc;
    }
    if (failed) {
        rc = sp_error_set(SP_EDATA, "%s: cannot write: %s", path, strerror(errno));
        sp_output_abort(&o);
        return rc;
    }
    return sp_output_commit(&o);
}

int sp_wio_write(const char *path, const sp_weights *W)
{
    return sp_wio_write_named(path, W, NULL, NULL);
}

/* The header line's id field: the 4th blank-separated token of a GAL/GWT
 * "0 n LAYER IDFIELD", SWM's UNIQUEID@FIELD item or the first item of an old
 * "FIELD;SPATIALREF" header. */
static void header_field(char *line, sp_wformat fmt, char *buf, size_t size)
{
    char *tok[4] = {NULL}, *s = line;
    if (fmt == SP_WF_GAL || fmt == SP_WF_GWT) {
        int count = 0;
        while (count < 4 && (tok[count] = next_token(&s)))
            count++;
        if (count == 4 && !next_token(&s))
            snprintf(buf, size, "%s", tok[3]);
    } else if (strncasecmp(line, "VERSION@", 8) == 0) {
        char *save;
        for (char *item = strtok_r(line, ";", &save); item; item = strtok_r(NULL, ";", &save))
            if (strncasecmp(item, "UNIQUEID@", 9) == 0)
                snprintf(buf, size, "%s", item + 9);
    } else if ((s = strchr(line, ';'))) {
        *s = '\0';
        snprintf(buf, size, "%s", line);
    }
    if (strcasecmp(buf, "unknown") == 0 || strcmp(buf, "#") == 0)
        buf[0] = '\0';
}

int sp_wio_id_field(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    sp_wformat fmt = sp_wio_format(path);
    if (fmt != SP_WF_GAL && fmt != SP_WF_GWT && fmt != SP_WF_SWM)
        return SP_OK;
    FILE *f = fopen(path, "rb");
    if (!f)
        return sp_error_set(SP_EDATA, "%s: cannot open: %s", path, strerror(errno));
    char line[4096];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        found = *skip_blank(line) != '\0' || fmt == SP_WF_SWM;
    }
    fclose(f);
    if (found)
        header_field(line, fmt, buf, size);
    return SP_OK;
}
