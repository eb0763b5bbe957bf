/* sp_layer_csv: GDAL's CSV bytes for a layer without geometry, from one buffer; see
 * sp_layer_csv.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_string.h>

#include "sp_error.h"
#include "sp_layer_csv.h"
#include "sp_threads.h"

enum { BUF_SIZE = 1 << 20, CHUNK_ROWS = 8192 };

/* An output buffer: flushed to f when full, or, with f NULL (a chunk of
 * rows formatted on a worker thread), grown. */
typedef struct csvbuf {
    FILE *f;
    char *b;
    size_t n, cap;
    int err;
} csvbuf;

static void flush(csvbuf *w)
{
    if (w->n && fwrite(w->b, 1, w->n, w->f) != w->n)
        w->err = 1;
    w->n = 0;
}

static void put(csvbuf *w, const char *s, size_t len)
{
    if (w->n + len > w->cap && !w->f) {
        size_t cap = 2 * (w->n + len);
        char *grown = sp_realloc(w->b, cap);
        if (!grown) {
            w->err = 1;
            return;
        }
        w->b = grown, w->cap = cap;
    }
    if (w->n + len > w->cap)
        flush(w);
    if (len > w->cap) {
        if (fwrite(s, 1, len, w->f) != len)
            w->err = 1;
        return;
    }
    memcpy(w->b + w->n, s, len);
    w->n += len;
}

/* A value the way the driver escapes it (CPLES_CSV; forced quoting when the
 * text reads as a number, STRING_QUOTING=IF_AMBIGUOUS); GDAL's own
 * CPLEscapeString where quotes must be doubled.  Returns its length. */
static size_t put_escaped(csvbuf *w, const char *s, int force)
{
    size_t len = strlen(s);
    int special = strcspn(s, "\",;\t\n\r") != len;
    if (!special && !force) {
        put(w, s, len);
        return len;
    }
    if (!strchr(s, '"')) {
        put(w, "\"", 1);
        put(w, s, len);
        put(w, "\"", 1);
        return len + 2;
    }
    char *e = CPLEscapeString(s, -1, force ? CPLES_CSV_FORCE_QUOTING : CPLES_CSV);
    if (!e) {
        w->err = 1;
        return 0;
    }
    size_t elen = strlen(e);
    put(w, e, elen);
    CPLFree(e);
    return elen;
}

/* A text value (the driver's branch for every type but Real and lists). */
static size_t put_text(csvbuf *w, const char *s)
{
    return put_escaped(w, s, CPLGetValueType(s) != CPL_VALUE_STRING);
}

/* An added field's value in row r: reals as OGRFeature::GetFieldAsString
 * prints them (%.15g) and unquoted, integers and texts through put_text,
 * NaN, SP_FIELD_INT_NULL and NULL texts empty. */
static size_t put_added(csvbuf *w, const sp_field *fd, int r)
{
    char num[64];
    switch (fd->type) {
    case SP_FIELD_REAL:
        if (!isfinite(fd->real[r]))
            return 0;
        int len = snprintf(num, sizeof num, "%.15g", fd->real[r]); /* C locale */
        put(w, num, (size_t)len);
        return (size_t)len;
    case SP_FIELD_INT:
        if (fd->integer[r] == SP_FIELD_INT_NULL)
            return 0;
        snprintf(num, sizeof num, "%d", fd->integer[r]);
        return put_text(w, num);
    case SP_FIELD_TEXT:
        return fd->text[r] ? put_text(w, fd->text[r]) : 0;
    }
    return 0;
}

/* Whether an input field type prints through GetFieldAsString as the driver
 * prints it. */
static int type_fits(OGRFieldDefnH fd)
{
    switch (OGR_Fld_GetType(fd)) {
    case OFTString: case OFTInteger: case OFTInteger64:
    case OFTDate: case OFTTime: case OFTDateTime:
        return 1;
    case OFTReal:
        return OGR_Fld_GetSubType(fd) != OFSTFloat32;
    default:
        return 0;
    }
}

int sp_layer_csv_fits(OGRLayerH in, const int *map, const sp_field *fields, int nfields)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(in);
    if (OGR_L_GetGeomType(in) != wkbNone || OGR_FD_GetGeomFieldCount(defn) > 0)
        return 0;
    const char *env = getenv("SPILL_CSV_WRITER");
    if (env && strcmp(env, "gdal") == 0)
        return 0;
    int nin = OGR_FD_GetFieldCount(defn), nout = nfields;
    const char **names = sp_malloc(((size_t)nin + (size_t)nfields + 1) * sizeof *names);
    if (!names)
        return 0;
    for (int c = 0; c < nin; c++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, c);
        if (map[c] >= 0 && !type_fits(fd)) {
            free(names);
            return 0;
        }
        if (map[c] >= 0)
            names[map[c]] = OGR_Fld_GetNameRef(fd), nout++;
    }
    for (int k = 0; k < nfields; k++)
        names[nout - nfields + k] = fields[k].name;
    int fits = nout > 0;
    for (int a = 0; fits && a < nout; a++)
        for (int b = a + 1; fits && b < nout; b++)
            fits = strcasecmp(names[a], names[b]) != 0;
    free(names);
    return fits;
}

/* The header line: names escaped (CPLES_CSV), one column followed by a
 * comma (the driver's fake second field). */
static void put_header(csvbuf *w, OGRFeatureDefnH defn, const int *map, const sp_field *fields,
                       int nfields)
{
    int nin = OGR_FD_GetFieldCount(defn), col = 0;
    for (int c = 0; c < nin; c++) {
        if (map[c] < 0)
            continue;
        if (col++)
            put(w, ",", 1);
        put_escaped(w, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, c)), 0);
    }
    for (int k = 0; k < nfields; k++) {
        if (col++)
            put(w, ",", 1);
        put_escaped(w, fields[k].name, 0);
    }
    put(w, col == 1 ? ",\n" : "\n", col == 1 ? 2 : 1);
}

/* Output row r from input feature f. */
static void put_row(csvbuf *w, OGRFeatureH f, const char *is_real, int nin, const int *map,
                    const sp_field *fields, int nfields, int r)
{
    int col = 0;
    size_t written = 0;
    for (int c = 0; c < nin; c++) {
        if (map[c] < 0)
            continue;
        if (col++)
            put(w, ",", 1);
        const char *s = OGR_F_GetFieldAsString(f, c);
        if (is_real[c]) {
            size_t len = strlen(s);
            put(w, s, len);
            written += len;
        } else {
            written += put_text(w, s);
        }
    }
    for (int k = 0; k < nfields; k++) {
        if (col++)
            put(w, ",", 1);
        written += put_added(w, &fields[k], r);
    }
    if (col == 1 && written == 0)
        put(w, ",", 1);
    put(w, "\n", 1);
}

/* The rows shared out in chunks of CHUNK_ROWS: a round formats up to
 * nchunk chunks, one buffer each, on the worker threads, then the calling
 * thread writes them in order. */
typedef struct rows_job {
    const OGRFeatureH *feat;
    const int *src_row, *map;
    const char *is_real;
    const sp_field *fields;
    int nin, nfields, nrow, first, nchunk;
    csvbuf *chunk;
    _Atomic int next;
} rows_job;

static int format_chunks(void *ctx)
{
    rows_job *J = ctx;
    for (int k; (k = J->next++) < J->nchunk;) {
        csvbuf *w = &J->chunk[k];
        w->n = 0;
        int r0 = J->first + k * CHUNK_ROWS, r1 = r0 + CHUNK_ROWS;
        for (int r = r0; r < r1 && r < J->nrow && !w->err; r++)
            put_row(w, J->feat[J->src_row ? J->src_row[r] : r], J->is_real, J->nin, J->map,
                    J->fields, J->nfields, r);
    }
    return SP_OK;
}

/* Threads for the rows: the cores (up to 8) when every copied input field
 * is a string (OGR_F_GetFieldAsString then only reads the feature, which
 * several rows may share), else 1. */
static int row_threads(OGRFeatureDefnH defn, const int *map)
{
    for (int c = 0; c < OGR_FD_GetFieldCount(defn); c++)
        if (map[c] >= 0 && OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, c)) != OFTString)
            return 1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores < 1 ? 1 : cores > 8 ? 8 : (int)cores;
}

static int write_rows(csvbuf *out, rows_job *J, int threads)
{
    int per_round = 4 * threads, rc = SP_OK;
    J->chunk = sp_calloc((size_t)per_round, sizeof *J->chunk);
    if (!J->chunk)
        return SP_ENOMEM;
    for (J->first = 0; J->first < J->nrow && !rc && !out->err;
         J->first += per_round * CHUNK_ROWS) {
        int left = (J->nrow - J->first + CHUNK_ROWS - 1) / CHUNK_ROWS;
        J->nchunk = left < per_round ? left : per_round;
        J->next = 0;
        rc = sp_threads_run(threads < J->nchunk ? threads : J->nchunk, format_chunks, J);
        for (int k = 0; k < J->nchunk && !rc; k++) {
            out->err |= J->chunk[k].err;
            put(out, J->chunk[k].b, J->chunk[k].n);
        }
    }
    for (int k = 0; k < per_round; k++)
        free(J->chunk[k].b);
    free(J->chunk);
    return rc;
}

int sp_layer_csv_write(const char *path, const char *out_path, OGRLayerH in,
                       const OGRFeatureH *feat, int nrow, const int *src_row, const int *map,
                       const sp_field *fields, int nfields)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(in);
    int nin = OGR_FD_GetFieldCount(defn);
    csvbuf w = {fopen(path, "wb"), sp_malloc(BUF_SIZE), 0, BUF_SIZE, 0};
    char *is_real = sp_malloc((size_t)nin + 1);
    if (!w.f || !w.b || !is_real) {
        int rc = w.f ? SP_ENOMEM : sp_error_set(SP_EDATA, "%s: cannot create", out_path);
        if (w.f)
            fclose(w.f);
        free(w.b);
        free(is_real);
        return rc;
    }
    for (int c = 0; c < nin; c++)
        is_real[c] = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, c)) == OFTReal;
    put_header(&w, defn, map, fields, nfields);
    rows_job J = {feat, src_row, map, is_real, fields, nin, nfields, nrow, 0, 0, NULL, 0};
    int rc = write_rows(&w, &J, row_threads(defn, map));
    flush(&w);
    w.err |= fclose(w.f) != 0;
    free(w.b);
    free(is_real);
    if (rc)
        return rc;
    return w.err ? sp_error_set(SP_EDATA, "%s: cannot write", out_path) : SP_OK;
}
