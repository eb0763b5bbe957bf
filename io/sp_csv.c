/* sp_csv: plain CSV tables read without GDAL, as GDAL's CSV driver reads
 * them (see sp_csv.h for the rules and the files left to GDAL). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sp_csv.h"
#include "sp_error.h"
#include "sp_readopt.h"
#include "sp_text.h"

#define UTF8_BOM "\xEF\xBB\xBF"

/* One record's fields: their unquoted text, NUL-terminated, back to back. */
typedef struct csv_rec {
    char *buf;
    size_t len, cap;
    size_t *start; /* field k begins at buf + start[k] */
    int n, cap_fields;
    int open_quote; /* the record ended at the end of the file inside quotes */
} csv_rec;

/* The text being read and its separator; cls[c] says what byte c is: 0 a
 * plain byte, 1 the separator, 2 a quote, 3 a line end. */
typedef struct csv_in {
    const char *p, *end;
    unsigned char cls[256];
} csv_in;

int sp_csv_handles(const char *path)
{
    const char *dot = strrchr(path, '.');
    return strncmp(path, "/vsi", 4) != 0 && dot &&
           (strcasecmp(dot, ".csv") == 0 || strcasecmp(dot, ".tsv") == 0);
}

/* Bytes of the line end at p: CR LF and LF CR count as one, as GDAL's
 * CPLReadLine takes them. */
static size_t line_end_len(const char *p, const char *end)
{
    if (p + 1 < end && (p[1] == '\n' || p[1] == '\r') && p[1] != p[0])
        return 2;
    return 1;
}

/* Append n bytes to the record (0, or SP_ENOMEM). */
static int rec_put(csv_rec *r, const char *s, size_t n)
{
    if (r->len + n + 1 > r->cap) {
        size_t cap = 2 * (r->len + n + 1) + 256;
        char *grown = sp_realloc(r->buf, cap);
        if (!grown)
            return SP_ENOMEM;
        r->buf = grown;
        r->cap = cap;
    }
    memcpy(r->buf + r->len, s, n);
    r->len += n;
    return SP_OK;
}

/* Open the next field where the record's text is now. */
static int rec_open(csv_rec *r)
{
    if (r->n == r->cap_fields) {
        int cap = 2 * r->cap_fields + 16;
        size_t *grown = sp_realloc(r->start, (size_t)cap * sizeof *grown);
        if (!grown)
            return SP_ENOMEM;
        r->start = grown;
        r->cap_fields = cap;
    }
    r->start[r->n++] = r->len;
    return SP_OK;
}

/* The next record into r: 1, or 0 at the end of the text, or SP_ENOMEM as
 * -1.  Blank lines are skipped; a quote toggles quoting anywhere in a field
 * ("" inside quotes is a quote); a line end inside quotes joins the next
 * line with "\n" (none after the last line, as GDAL joins lines). */
static int next_record(csv_in *in, csv_rec *r)
{
    const char *p = in->p, *end = in->end;
    while (p < end && (*p == '\n' || *p == '\r'))
        p += line_end_len(p, end);
    if (p == end) {
        in->p = p;
        return 0;
    }
    r->len = 0;
    r->n = 0;
    int quoted = 0, newline = 0, rc = rec_open(r);
    while (p < end && !rc) {
        const char *q = p;
        while (q < end && !in->cls[(unsigned char)*q])
            q++;
        if (q > p) {
            if (newline)
                rc = rec_put(r, "\n", 1), newline = 0;
            rc = rc ? rc : rec_put(r, p, (size_t)(q - p));
            p = q;
            continue;
        }
        int cls = in->cls[(unsigned char)*p];
        if (cls == 3) {
            p += line_end_len(p, end);
            if (!quoted)
                break;
            if (newline)
                rc = rec_put(r, "\n", 1);
            newline = 1;
            continue;
        }
        if (newline)
            rc = rec_put(r, "\n", 1), newline = 0;
        if (cls == 2 && quoted && p + 1 < end && p[1] == '"')
            rc = rc ? rc : rec_put(r, "\"", 1), p++;
        else if (cls == 2)
            quoted = !quoted;
        else if (quoted)
            rc = rc ? rc : rec_put(r, p, 1);
        else
            rc = rc ? rc : rec_put(r, "", 1) ? SP_ENOMEM : rec_open(r);
        p++;
    }
    in->p = p;
    r->open_quote = quoted;
    if (!rc)
        rc = rec_put(r, "", 1);
    return rc ? -1 : 1;
}

/* The separator of a first line as GDAL's CSVDetectSeperator picks it: the
 * first comma, semicolon or tab outside quotes, or a comma when two of them
 * appear; 0 when there is none (GDAL would then take spaces, or one column). */
static char detect_separator(const char *line, size_t len)
{
    char sep = 0;
    int quoted = 0;
    for (size_t k = 0; k < len; k++) {
        char c = line[k];
        if (c == '"') {
            if (quoted && k + 1 < len && line[k + 1] == '"')
                k++;
            else
                quoted = !quoted;
        } else if (!quoted && (c == ',' || c == ';' || c == '\t')) {
            if (sep && sep != c)
                return ',';
            sep = c;
        }
    }
    return sep;
}

/* Whether a case-insensitive "_WKT" occurs in s[0..len). */
static int has_wkt_prefix(const char *s, size_t len)
{
    for (size_t k = 0; k + 4 <= len; k++)
        if (strncasecmp(s + k, "_WKT", 4) == 0)
            return 1;
    return 0;
}

/* The separator of text (the file after --skip-rows, before recoding), or 0
 * when the file is one sp_csv leaves to GDAL (the list in sp_csv.h).  The
 * tests are on the bytes as they are: separators, quotes and line ends are
 * ASCII bytes that no GB18030 trail byte takes; a backslash or "_WKT" seen
 * in trail bytes only sends a file to GDAL that spill could have read. */
static char plain_separator(const char *path, const char *text, size_t len)
{
    char sidecar[4200];
    const char *dot = strrchr(path, '.');
    int stem = (int)(dot ? (size_t)(dot - path) : strlen(path));
    snprintf(sidecar, sizeof sidecar, "%.*s.csvt", stem, path);
    int typed = access(sidecar, F_OK) == 0;
    snprintf(sidecar, sizeof sidecar, "%.*s.CSVT", stem, path);
    if (typed || access(sidecar, F_OK) == 0 || memchr(text, '\0', len))
        return 0;
    if (len >= 3 && memcmp(text, UTF8_BOM, 3) == 0)
        text += 3, len -= 3;
    size_t n = 0, quotes = 0;
    while (n < len && text[n] != '\n' && text[n] != '\r')
        quotes += text[n++] == '"';
    char sep = detect_separator(text, n);
    if (n == 0 || quotes % 2 || !sep || (sep != '\t' && memchr(text, '\t', n)) ||
        memchr(text, '\\', n) || has_wkt_prefix(text, n))
        return 0;
    return sep;
}

/* Header field k: stripped of spaces (after unquoting), "field_N" when empty. */
static char *header_name(const char *s, int k)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    char name[32];
    if (n == 0) {
        snprintf(name, sizeof name, "field_%d", k + 1);
        return sp_strdup(name);
    }
    char *out = sp_malloc(n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

/* The record's cells as row t->nrow of t (growing t->cells, *cap rows), their
 * text copied to t->block at *at: the unquoted text of a cell and its NUL
 * take at most the bytes of the cell and of the separator or line end after
 * it (one more for a last line without line end), so a block of the text's
 * length plus one holds every cell. */
static int add_row(sp_table *t, const csv_rec *r, long *cap, char **at, const char *end)
{
    if (t->nrow == *cap) {
        long grown_cap = 2 * *cap + 1024;
        char **grown = sp_realloc(t->cells, (size_t)grown_cap * t->ncol * sizeof *grown);
        if (!grown)
            return SP_ENOMEM;
        t->cells = grown;
        *cap = grown_cap;
    }
    char **row = t->cells + (long)t->nrow * t->ncol;
    memset(row, 0, (size_t)t->ncol * sizeof *row);
    t->nrow++; /* counted before its cells: sp_table_free frees what was copied */
    for (int c = 0; c < t->ncol && c < r->n; c++) {
        const char *s = r->buf + r->start[c];
        size_t n = (c + 1 < r->n ? r->start[c + 1] - 1 : r->len - 1) - r->start[c];
        if (n == 0)
            continue;
        if (n + 1 > (size_t)(end - *at)) /* cannot happen (above); never past the block */
            return sp_error_set(SP_ENOMEM, "%s: row %d: cells longer than the file", t->source,
                                t->nrow);
        row[c] = memcpy(*at, s, n + 1);
        *at += n + 1;
    }
    return SP_OK;
}

/* The UTF-8 text (BOM dropped) as a table: the header record, then rows. */
static int parse_table(const char *path, const char *text, size_t len, char sep, sp_table *t)
{
    csv_in in = {.p = text, .end = text + len};
    if (len >= 3 && memcmp(text, UTF8_BOM, 3) == 0)
        in.p += 3;
    in.cls[(unsigned char)sep] = 1;
    in.cls['"'] = 2;
    in.cls['\n'] = in.cls['\r'] = 3;
    csv_rec r = {0};
    int got = next_record(&in, &r), rc = got < 0 ? SP_ENOMEM : SP_OK;
    if (got > 0) {
        t->ncol = r.n;
        t->names = sp_calloc((size_t)r.n, sizeof *t->names);
        rc = t->names ? SP_OK : SP_ENOMEM;
        for (int c = 0; c < r.n && !rc; c++)
            rc = (t->names[c] = header_name(r.buf + r.start[c], c)) ? SP_OK : SP_ENOMEM;
    }
    long cap = 64;
    if (!rc && got > 0 && (!(t->cells = sp_calloc((size_t)cap * t->ncol, sizeof *t->cells)) ||
                           !(t->block = sp_malloc((size_t)(in.end - in.p) + 1))))
        rc = SP_ENOMEM;
    char *at = t->block, *block_end = at ? at + (in.end - in.p) + 1 : NULL;
    while (!rc && got > 0 && (got = next_record(&in, &r)) > 0) {
        rc = add_row(t, &r, &cap, &at, block_end);
        if (!rc && r.open_quote)
            sp_readopt_warn("%s: row %d: a quoted field is not closed: it takes the rest of the "
                            "file", path, t->nrow);
    }
    if (got < 0)
        rc = SP_ENOMEM;
    free(r.buf);
    free(r.start);
    return rc;
}

int sp_csv_read(const char *path, sp_table **out)
{
    *out = NULL;
    char *data, *utf8 = NULL;
    size_t size;
    int rc = sp_text_read_file(path, &data, &size);
    if (rc)
        return rc;
    if (size == 0) {
        free(data);
        return sp_error_set(SP_EDATA, "%s: the file is empty (no header row)", path);
    }
    const char *start = data;
    for (int k = 0; k < sp_readopt_current()->skip_rows && *start; k++) {
        const char *nl = strchr(start, '\n');
        start = nl ? nl + 1 : data + size;
    }
    size_t len = size - (size_t)(start - data);
    const char *enc = NULL;
    char sep = plain_separator(path, start, len);
    if (sep)
        rc = sp_readopt_encoding(path, start, len, &enc);
    if (sep && !rc && enc && !(rc = sp_text_recode(start, len, enc, path, &utf8, &len)))
        start = utf8;
    sp_table *t = sep && !rc ? sp_calloc(1, sizeof *t) : NULL;
    if (t && !(t->source = sp_strdup(path)))
        rc = SP_ENOMEM;
    if (t && !rc)
        rc = parse_table(path, start, len, sep, t);
    if (sep && !rc && !t)
        rc = SP_ENOMEM;
    free(utf8);
    free(data);
    if (rc)
        sp_table_free(t);
    else
        *out = t;
    return rc;
}
