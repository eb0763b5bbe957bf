/* sp_table: reading tables (sp_csv, GDAL, ReadStat) and parsing their cells. */
#include <errno.h>
#include <float.h>
#include <stdio.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sp_csv.h"
#include "sp_error.h"
#include "sp_gdal.h"
#include "sp_readopt.h"
#include "sp_readstat.h"
#include "sp_table.h"
#include "sp_text.h"
#include "sp_wide.h"

void sp_table_free(sp_table *t)
{
    if (!t)
        return;
    if (t->cells && !t->block)
        for (long k = 0; k < (long)t->nrow * t->ncol; k++)
            free(t->cells[k]);
    if (t->names)
        for (int c = 0; c < t->ncol; c++)
            free(t->names[c]);
    free(t->cells);
    free(t->names);
    free(t->source);
    free(t->hint);
    free(t->block);
    free(t);
}

void sp_table_number_text(double x, char *buf, size_t cap)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, cap, "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

/* The tables kept after sp_table_cache_enable, keyed by the file as it is
 * now and the reader options: "path\nlayer\nsize\nmtime\noptions".  The
 * lock guards n and the lists: reads may run on several threads (a fit's
 * table beside its W, sp_readpair; `spill run`'s threaded fits). */
#define TABLE_CACHE_MAX 64
static struct {
    int on, n;
    char *key[TABLE_CACHE_MAX];
    sp_table *table[TABLE_CACHE_MAX];
    pthread_mutex_t lock;
} table_cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

void sp_table_cache_enable(void) { table_cache.on = 1; }

/* A deep copy of t (NULL when out of memory). */
static sp_table *table_copy(const sp_table *t)
{
    sp_table *c = sp_calloc(1, sizeof *c);
    long cells = (long)t->nrow * t->ncol;
    if (!c || !(c->source = sp_strdup(t->source)) ||
        !(c->names = sp_calloc((size_t)t->ncol + 1, sizeof *c->names)) ||
        !(c->cells = sp_calloc((size_t)cells + 1, sizeof *c->cells)) ||
        (t->hint && !(c->hint = sp_strdup(t->hint)))) {
        sp_table_free(c);
        return NULL;
    }
    c->nrow = t->nrow;
    c->ncol = t->ncol;
    int failed = 0;
    for (int k = 0; k < t->ncol; k++)
        failed |= !(c->names[k] = sp_strdup(t->names[k]));
    for (long k = 0; k < cells; k++)
        failed |= t->cells[k] && !(c->cells[k] = sp_strdup(t->cells[k]));
    if (failed) {
        sp_table_free(c);
        return NULL;
    }
    return c;
}

/* The cache key of a file as it is now and of the reader options that shape
 * the table (encoding, sheet, title rows, --wide), or 0 when the file cannot
 * be stat'ed or the key does not fit. */
static int table_key(const char *path, const char *layer_name, char *key, size_t size)
{
    struct stat st;
    const sp_readopt *o = sp_readopt_current();
    if (stat(path, &st) != 0)
        return 0;
    int len = snprintf(key, size, "%s\n%s\n%lld\n%lld.%09ld\n%s\n%s\n%d\n%d", path,
                       layer_name ? layer_name : "", (long long)st.st_size,
                       (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec,
                       o->encoding ? o->encoding : "", o->sheet ? o->sheet : "", o->skip_rows,
                       o->codes);
    for (int k = 0; k < o->nwide && len >= 0 && (size_t)len < size; k++)
        len += snprintf(key + len, size - (size_t)len, "\n%s", o->wide[k]);
    return len >= 0 && (size_t)len < size;
}

/* Keeps a copy of t under key (nothing when the cache is full or memory short:
 * the read itself succeeded). */
static void table_keep(const char *key, const sp_table *t)
{
    pthread_mutex_lock(&table_cache.lock);
    int full = table_cache.n >= TABLE_CACHE_MAX;
    pthread_mutex_unlock(&table_cache.lock);
    if (full)
        return;
    sp_table *kept = table_copy(t);
    char *k = kept ? sp_strdup(key) : NULL;
    if (!k)
        sp_error_clear();
    pthread_mutex_lock(&table_cache.lock);
    if (k && table_cache.n < TABLE_CACHE_MAX) { /* another thread may have filled it */
        table_cache.key[table_cache.n] = k;
        table_cache.table[table_cache.n++] = kept;
        k = NULL, kept = NULL;
    }
    pthread_mutex_unlock(&table_cache.lock);
    free(k);
    sp_table_free(kept);
}

/* A copy of the table kept under key into *out: 1 when there is one (*out
 * NULL when the copy ran out of memory), else 0. */
static int table_cached(const char *key, sp_table **out)
{
    int found = 0;
    pthread_mutex_lock(&table_cache.lock);
    for (int k = 0; k < table_cache.n && !found; k++)
        if (strcmp(table_cache.key[k], key) == 0) {
            *out = table_copy(table_cache.table[k]);
            found = 1;
        }
    pthread_mutex_unlock(&table_cache.lock);
    return found;
}

/* --wide: the long form of t, when t has columns the specs match. */
static int apply_wide(sp_table **t)
{
    const sp_readopt *o = sp_readopt_current();
    sp_readopt_wide specs[SP_READOPT_MAX_WIDE];
    int rc = SP_OK;
    for (int k = 0; k < o->nwide && !rc; k++)
        rc = sp_readopt_parse_wide(o->wide[k], &specs[k]);
    sp_table *L = NULL;
    if (!rc && o->nwide)
        rc = sp_wide_reshape(*t, specs, o->nwide, &L);
    if (L) {
        L->hint = (*t)->hint;
        (*t)->hint = NULL;
        sp_table_free(*t);
        *t = L;
    }
    return rc;
}

/* Whether sp_csv reads path: a .csv or .tsv file, unless SPILL_CSV_READER=gdal
 * (the tests compare both readers) asks for GDAL's CSV driver. */
static int native_csv(const char *path)
{
    const char *reader = getenv("SPILL_CSV_READER");
    return sp_csv_handles(path) && !(reader && strcmp(reader, "gdal") == 0);
}

int sp_table_read(const char *path, const char *layer_name, sp_table **out)
{
    *out = NULL;
    char key[4400];
    int keyed = table_cache.on && table_key(path, layer_name, key, sizeof key);
    if (keyed && table_cached(key, out))
        return *out ? SP_OK : SP_ENOMEM;
    sp_table *t = NULL;
    int rc = SP_OK;
    if (sp_readstat_handles(path))
        rc = sp_readstat_read(path, &t);
    else if (!layer_name && native_csv(path))
        rc = sp_csv_read(path, &t); /* t stays NULL for a file left to GDAL */
    if (!rc && !t)
        rc = sp_gdal_read_table(path, layer_name, &t);
    if (!rc)
        rc = apply_wide(&t);
    if (rc) {
        sp_table_free(t);
        return rc;
    }
    if (keyed)
        table_keep(key, t);
    *out = t;
    return SP_OK;
}

int sp_table_col(const sp_table *t, const char *name)
{
    for (int c = 0; c < t->ncol; c++)
        if (strcmp(t->names[c], name) == 0)
            return c;
    /* GDAL may change case for some drivers (e.g. DBF); accept a case-insensitive match. */
    for (int c = 0; c < t->ncol; c++)
        if (strcasecmp(t->names[c], name) == 0)
            return c;
    return -1;
}

int sp_table_require(const sp_table *t, const char *name, int *col)
{
    *col = sp_table_col(t, name);
    if (*col >= 0)
        return SP_OK;
    char list[512] = "";
    for (int c = 0; c < t->ncol && strlen(list) < 400; c++) {
        strcat(list, c ? ", " : "");
        strncat(list, t->names[c], 64);
    }
    /* the name among the first rows' cells: the real header is below title lines */
    char below[160] = "";
    for (int r = 0; r < t->nrow && r < 5 && !below[0]; r++)
        for (int c = 0; c < t->ncol; c++) {
            const char *s = sp_table_cell(t, r, c);
            if (s && strcasecmp(s, name) == 0) {
                int skip = r + 1 + sp_readopt_current()->skip_rows;
                snprintf(below, sizeof below, "; '%s' is in row %d: title lines above the "
                         "header? --skip-rows %d", name, r + 1, skip);
                break;
            }
        }
    return sp_error_set(SP_EDATA, "%s: no field '%s' (fields: %s%s%s)%s", t->source, name, list,
                        t->hint ? "; " : "", t->hint ? t->hint : "", below);
}

/* See sp_table.h.  m < 10^15 < 2^53 and 10^k (k <= 22) are exact doubles, so
 * the one division m / 10^k is correctly rounded and equals strtod's result
 * (Clinger's fast path).  Leading zeros add nothing to m: -0.626453810742332,
 * as R writes numbers below 1 (15 significant digits), takes the fast path. */
const char *sp_table_plain_decimal(const char *s, size_t len, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *end = s + len;
    if (len == SIZE_MAX)
        end = NULL; /* NUL-terminated: the NUL ends it */
    int neg = s != end && *s == '-';
    s += s != end && (neg || *s == '+');
    int64_t m = 0;
    int digits = 0, sig = 0, frac = 0, point = 0;
    for (; s != end; s++) {
        if (*s >= '0' && *s <= '9') {
            if (sig == 15)
                return NULL; /* more digits than the fast path is exact for */
            m = 10 * m + (*s - '0');
            digits++;
            sig += m != 0; /* from the first non-zero digit on */
            frac += point;
        } else if (*s == '.' && !point) {
            point = 1;
        } else {
            break;
        }
    }
    if (digits == 0 || frac > 22 || (s != end && *s && *s != ' ' && *s != '\t' && *s != '\r'))
        return NULL;
    double v = (double)m / pow10[frac];
    *out = neg ? -v : v;
    return s;
}

int sp_table_parse_double(const char *s, double *out)
{
    if (!s)
        return -1;
    while (*s == ' ' || *s == '\t')
        s++;
    double v;
    const char *fast = sp_table_plain_decimal(s, SIZE_MAX, &v);
    char *end = (char *)fast;
    errno = 0;
    if (!fast)
        v = strtod(s, &end);
    /* ERANGE on underflow (8.3e-311, a density far in a tail) leaves the
     * subnormal or 0 that R and Python read too; on overflow v is infinite */
    if (end == s || (errno == ERANGE && !(fabs(v) <= DBL_MIN)))
        return -1;
    while (*end == ' ' || *end == '\t' || *end == '\r')
        end++;
    if (*end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int sp_table_number(const sp_table *t, int row, int col, const char *id, double *out)
{
    const char *s = sp_table_cell(t, row, col);
    if (sp_table_parse_double(s, out) == 0)
        return SP_OK;
    return sp_error_set(SP_EDATA, "%s: row %d%s%s%s: %s '%s' is %s", t->source, row + 1,
                        id ? " (unit " : "", id ? id : "", id ? ")" : "", t->names[col],
                        s ? s : "", s ? "not a finite number" : "missing");
}

int sp_table_numeric(const sp_table *t, const char *name, const char *const *ids, double *out)
{
    int col;
    int rc = sp_table_require(t, name, &col);
    for (int r = 0; r < t->nrow && !rc; r++)
        rc = sp_table_number(t, r, col, ids ? ids[r] : NULL, &out[r]);
    return rc;
}

void sp_table_csv_field(FILE *f, const char *s)
{
    size_t len = strlen(s);
    int blank_edge = len > 0 && (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t');
    if (!strpbrk(s, ",\"\n\r") && !blank_edge) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
