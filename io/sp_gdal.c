/* sp_gdal: opening vector sources with GDAL, with the reader options of
 * sp_readopt.h: the text encoding of shapefiles and CSV files, spreadsheet
 * sheets and title rows. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include "sp_error.h"
#include "sp_gdal.h"
#include "sp_gpkg_db.h"
#include "sp_readopt.h"
#include "sp_text.h"
#include "sp_strdist.h"

/* GDAL error handler that prints nothing (spill reports its own errors). */
static void gdal_quiet(CPLErr cls, CPLErrorNum num, const char *msg) { (void)cls; (void)num; (void)msg; }

void sp_gdal_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    GDALAllRegister();
    CPLSetErrorHandler(gdal_quiet);
}

/* Whether path ends in one of the extensions (a NULL-terminated list). */
static int has_ext(const char *path, const char *const *exts)
{
    const char *dot = strrchr(path, '.');
    for (; dot && *exts; exts++)
        if (strcasecmp(dot, *exts) == 0)
            return 1;
    return 0;
}

int sp_gdal_is_spreadsheet(const char *path)
{
    static const char *const ext[] = {".xlsx", ".xlsm", ".xls", ".ods", NULL};
    return has_ext(path, ext);
}

/* Whether path is a delimited text table by its extension. */
static int is_csv(const char *path)
{
    static const char *const ext[] = {".csv", ".tsv", ".txt", ".psv", NULL};
    return has_ext(path, ext);
}

int sp_gdal_read_file(const char *path, char **data, size_t *size)
{
    *data = NULL;
    *size = 0;
    errno = 0;
    VSILFILE *f = VSIFOpenL(path, "rb");
    if (!f)
        return sp_error_set(SP_EDATA, "%s: cannot open: %s", path,
                            errno ? strerror(errno) : "no such file or not readable");
    size_t cap = 1 << 16, n = 0;
    char *buf = sp_malloc(cap + 1);
    while (buf) {
        n += VSIFReadL(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *grown = sp_realloc(buf, 2 * cap + 1);
        if (!grown) {
            free(buf);
            buf = NULL;
        } else {
            buf = grown;
            cap *= 2;
        }
    }
    VSIFCloseL(f);
    if (!buf)
        return SP_ENOMEM;
    buf[n] = '\0';
    *data = buf;
    *size = n;
    return SP_OK;
}

/* Whether a file exists (GDAL's VSI paths included). */
static int exists(const char *path)
{
    VSIStatBufL st;
    return VSIStatL(path, &st) == 0;
}

/* Unsigned little-endian integer of `bytes` bytes at p. */
static unsigned long le(const unsigned char *p, int bytes)
{
    unsigned long v = 0;
    for (int k = bytes - 1; k >= 0; k--)
        v = v << 8 | p[k];
    return v;
}

/* The text of a DBF (field names and character fields, '\n'-separated) for
 * encoding detection; *declared = 1 when the header's language driver byte
 * names a code page (GDAL then decodes by itself). */
static int dbf_text(const char *dbf, char **text, size_t *len, int *declared)
{
    char *raw;
    size_t size;
    *text = NULL;
    int rc = sp_gdal_read_file(dbf, &raw, &size);
    if (rc)
        return rc;
    const unsigned char *u = (const unsigned char *)raw;
    if (size < 33) {
        free(raw);
        return SP_OK; /* GDAL reports the broken file */
    }
    *declared = u[29] != 0;
    size_t hlen = le(u + 8, 2), rlen = le(u + 10, 2), nrec = le(u + 4, 4);
    int offs[256], lens[256], nf = 0, pos = 1;
    /* Out: names (12 bytes each at most), then per record its character
     * fields (fewer bytes than the record) and a newline each (at most one
     * per byte, zero-length fields skipped): under 2 * size in all. */
    char *out = sp_malloc(2 * size + 256 * 12 + 1), *w = out;
    for (size_t f = 32; out && f + 32 <= size && f < hlen && u[f] != 0x0D && nf < 256; f += 32) {
        size_t nlen = strnlen(raw + f, 11);
        memcpy(w, raw + f, nlen);
        w += nlen;
        *w++ = '\n';
        if (raw[f + 11] == 'C' && u[f + 16] > 0)
            offs[nf] = pos, lens[nf++] = u[f + 16];
        pos += u[f + 16];
    }
    for (size_t r = 0; out && r < nrec && hlen + (r + 1) * rlen <= size; r++)
        for (int f = 0; f < nf; f++)
            if (offs[f] + lens[f] <= (int)rlen) {
                memcpy(w, raw + hlen + r * rlen + offs[f], (size_t)lens[f]);
                w += lens[f];
                *w++ = '\n';
            }
    free(raw);
    if (!out)
        return SP_ENOMEM;
    *text = out;
    *len = (size_t)(w - out);
    return SP_OK;
}

/* ENCODING= for a shapefile without .cpg or code page byte (else NULL: GDAL
 * follows the declared one): --encoding, or what the DBF's bytes are. */
static int shapefile_encoding(const char *path, const char **enc)
{
    *enc = NULL;
    size_t stem = strlen(path) - 4;
    char cpg[4096], dbf[4096];
    snprintf(cpg, sizeof cpg, "%.*s.cpg", (int)stem, path);
    snprintf(dbf, sizeof dbf, "%.*s.dbf", (int)stem, path);
    int has_cpg = exists(cpg);
    snprintf(cpg, sizeof cpg, "%.*s.CPG", (int)stem, path);
    const char *asked = sp_readopt_current()->encoding;
    if (has_cpg || exists(cpg)) { /* the declared encoding wins: say so when asked otherwise */
        if (asked)
            sp_readopt_warn("%s: --encoding %s not applied: the shapefile's .cpg declares its "
                            "encoding", path, asked);
        return SP_OK;
    }
    if (!exists(dbf))
        return SP_OK;
    char *text;
    size_t len;
    int declared = 0, rc = dbf_text(dbf, &text, &len, &declared);
    if (!rc && declared && asked)
        sp_readopt_warn("%s: --encoding %s not applied: the DBF's code page byte declares its "
                        "encoding", dbf, asked);
    if (!rc && text && !declared)
        rc = sp_readopt_encoding(dbf, text, len, enc);
    /* No .cpg: GDAL would read UTF-8 bytes as ISO-8859-1; say what they are. */
    if (!rc && text && !declared && !*enc && sp_text_detect(text, len) == SP_TEXT_UTF8)
        *enc = "UTF-8";
    free(text);
    return rc;
}

/* A CSV that is not UTF-8, or has title lines to skip, as an in-memory
 * UTF-8 copy; *mem names it (empty: read the file itself). */
static int csv_prepare(const char *path, char *mem, size_t cap)
{
    const sp_readopt *o = sp_readopt_current();
    char *data;
    size_t size;
    mem[0] = '\0';
    int rc = sp_gdal_read_file(path, &data, &size);
    if (rc)
        return rc;
    const char *enc = NULL, *start = data;
    for (int k = 0; k < o->skip_rows && *start; k++) {
        const char *nl = strchr(start, '\n');
        start = nl ? nl + 1 : data + size;
    }
    size_t len = size - (size_t)(start - data);
    rc = sp_readopt_encoding(path, start, len, &enc);
    char *text = NULL;
    if (!rc && enc)
        rc = sp_text_recode(start, len, enc, path, &text, &len);
    if (!rc && (enc || o->skip_rows > 0)) {
        static int serial;
        const char *slash = strrchr(path, '/');
        snprintf(mem, cap, "/vsimem/spill_%d/%s", ++serial, slash ? slash + 1 : path);
        GByte *copy = CPLMalloc(len + 1);
        memcpy(copy, text ? text : start, len);
        VSIFCloseL(VSIFileFromMemBuffer(mem, copy, (vsi_l_offset)len, TRUE));
    }
    free(text);
    free(data);
    return rc;
}

/* "Sheet1, Data, 2011" for the message of a missing sheet or field. */
void sp_gdal_layer_names(GDALDatasetH ds, char *buf, size_t cap)
{
    buf[0] = '\0';
    int n = GDALDatasetGetLayerCount(ds);
    for (int k = 0; k < n && strlen(buf) + 80 < cap; k++)
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", k ? ", " : "",
                 OGR_L_GetName(GDALDatasetGetLayer(ds, k)));
}

/* Pick the named layer (NULL: the first) or say which exist. */
static int pick_layer(GDALDatasetH d, const char *path, const char *name, OGRLayerH *layer)
{
    int sheet = sp_gdal_is_spreadsheet(path);
    *layer = name ? GDALDatasetGetLayerByName(d, name)
                  : GDALDatasetGetLayerCount(d) > 0 ? GDALDatasetGetLayer(d, 0) : NULL;
    if (*layer)
        return SP_OK;
    char list[1024];
    sp_gdal_layer_names(d, list, sizeof list);
    if (!name)
        return sp_error_set(SP_EDATA, "%s: no %s in this data source", path,
                            sheet ? "sheet" : "layer");
    enum { MAX_NAMES = 64 };
    const char *names[MAX_NAMES];
    int m = 0;
    for (int k = 0; k < GDALDatasetGetLayerCount(d) && m < MAX_NAMES; k++)
        names[m++] = OGR_L_GetName(GDALDatasetGetLayer(d, k));
    const char *near = sp_strdist_closest(name, names, m);
    return sp_error_set(SP_EDATA, "%s: no %s named '%s' (%ss: %s%s%s%s; choose with %s NAME)",
                        path, sheet ? "sheet" : "layer", name, sheet ? "sheet" : "layer",
                        m ? list : "none", near ? "; did you mean " : "", near ? near : "",
                        near ? "?" : "", sheet ? "--sheet" : "--layer");
}

/* Message for a file GDAL cannot open, naming what spill reads. */
static int open_error(const char *path)
{
    const char *why = CPLGetLastErrorMsg();
    if (!exists(path))
        return sp_error_set(SP_EDATA, "%s: cannot open: no such file or not readable", path);
    return sp_error_set(SP_EDATA, "%s: cannot read this file%s%s; spill reads vector layers "
                        "(Shapefile, GeoPackage, GeoJSON, FlatGeobuf, ... any GDAL format), "
                        "tables as CSV, Excel .xlsx/.xls, OpenDocument .ods, Stata .dta, SPSS "
                        ".sav/.zsav/.por and SAS .sas7bdat/.xpt", path, why && *why ? ": " : "",
                        why ? why : "");
}

/* The header rule of GDAL's spreadsheet drivers for this thread (NULL: back
 * to GDAL's default).  The drivers read it when they parse a sheet, which
 * the XLSX and XLS drivers do on the layer's first use, not on opening: a
 * rule dropped right after GDALOpenEx left GDAL's guess in force, which takes
 * a text row above numbers as the header (sp_table then took the first data
 * row for names).  ODS parses every sheet on the first layer lookup. */
static void sheet_headers(const char *rule)
{
    CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", rule);
    CPLSetThreadLocalConfigOption("OGR_XLS_HEADERS", rule);
    CPLSetThreadLocalConfigOption("OGR_ODS_HEADERS", rule);
}

int sp_gdal_open_layer(const char *path, const char *layer_name, GDALDatasetH *ds,
                       OGRLayerH *layer)
{
    sp_gdal_init();
    *ds = NULL;
    *layer = NULL;
    CPLErrorReset();
    const sp_readopt *o = sp_readopt_current();
    char mem[4200] = "", enc_opt[160] = "";
    const char *enc = NULL;
    static const char *const shp_ext[] = {".shp", ".dbf", NULL};
    int rc = SP_OK, sheet = sp_gdal_is_spreadsheet(path);
    if (has_ext(path, shp_ext))
        rc = shapefile_encoding(path, &enc);
    else if (is_csv(path))
        rc = csv_prepare(path, mem, sizeof mem);
    if (rc)
        return rc;
    /* CSV: the first line is always the header (GDAL's default guesses, and
     * takes a header of numeric names, e.g. unit codes, for data).  Sheets
     * are read without a header, which sp_table takes from the first row
     * after --skip-rows (GDAL's guess fails on years as column names). */
    const char *options[4] = {NULL};
    int k = 0;
    options[k++] = sheet ? "HEADERS=DISABLE" : "HEADERS=YES";
    if (sheet)
        sheet_headers("DISABLE");
    if (enc) {
        snprintf(enc_opt, sizeof enc_opt, "ENCODING=%s", enc);
        options[k++] = enc_opt;
    }
    GDALDatasetH d = GDALOpenEx(mem[0] ? mem : path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                                options, NULL);
    if (!d) {
        if (sheet)
            sheet_headers(NULL);
        if (mem[0])
            VSIUnlink(mem);
        return open_error(path);
    }
    if (mem[0])
        GDALSetMetadataItem(d, "SPILL_VSIMEM", mem, "SPILL");
    if (!layer_name && sheet)
        layer_name = o->sheet;
    rc = pick_layer(d, path, layer_name, layer);
    if (sheet) { /* the sheet is parsed on first use: parse it while the option holds */
        if (!rc)
            OGR_L_GetLayerDefn(*layer);
        sheet_headers(NULL);
    }
    if (rc) {
        sp_gdal_close(d);
        return rc;
    }
    *ds = d;
    return SP_OK;
}

void sp_gdal_close(GDALDatasetH ds)
{
    if (!ds)
        return;
    const char *mem = GDALGetMetadataItem(ds, "SPILL_VSIMEM", "SPILL");
    char copy[4200] = "";
    if (mem)
        snprintf(copy, sizeof copy, "%s", mem);
    GDALClose(ds);
    if (copy[0])
        VSIUnlink(copy);
}

int sp_gdal_close_written(GDALDatasetH ds, const char *path, int rc)
{
    if (!ds)
        return rc;
    CPLErrorReset();
    GDALClose(ds);
    if (!rc && CPLGetLastErrorType() >= CE_Failure)
        rc = sp_error_set(SP_EDATA, "%s: writing failed: %s", path, CPLGetLastErrorMsg());
    return rc;
}

const char *sp_gdal_driver_for(const char *path)
{
    static const char *const map[][2] = {
        {".gpkg", "GPKG"},     {".shp", "ESRI Shapefile"}, {".geojson", "GeoJSON"},
        {".json", "GeoJSON"},  {".fgb", "FlatGeobuf"},     {".csv", "CSV"},
        {".gml", "GML"},       {".kml", "KML"},            {".sqlite", "SQLite"},
    };
    const char *dot = strrchr(path, '.');
    if (!dot)
        return NULL;
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (strcasecmp(dot, map[k][0]) == 0)
            return map[k][1];
    return NULL;
}

/* A string of the layer as UTF-8: as is when valid, recoded from --encoding
 * otherwise (formats where GDAL has no encoding option), else an error. */
static int utf8_copy(const char *s, const char *source, const char *field, char **out)
{
    size_t len = strlen(s);
    if (sp_text_utf8_valid(s, len, NULL))
        return (*out = sp_strdup(s)) ? SP_OK : SP_ENOMEM;
    const char *enc = sp_readopt_current()->encoding;
    if (enc) {
        char what[512];
        snprintf(what, sizeof what, "%s: field %s", source, field);
        return sp_text_recode(s, len, enc, what, out, NULL);
    }
    return sp_error_set(SP_EDATA, "%s: field %s holds text that is not UTF-8: give the file's "
                        "encoding with --encoding ENC (e.g. GB18030)", source, field);
}

int sp_gdal_cell_keep(const char *s, const char *source, const char *field, char **out)
{
    *out = NULL;
    if (!s || s[0] == '\0')
        return SP_OK;
    return utf8_copy(s, source, field, out);
}

/* Cell c of feature f as text (NULL when unset or empty): doubles in their
 * shortest round-trip form (GDAL's own keeps 15 digits). */
static int cell_text(OGRFeatureH f, OGRFieldDefnH fd, int c, const char *source, char **out)
{
    *out = NULL;
    if (!OGR_F_IsFieldSetAndNotNull(f, c))
        return SP_OK;
    char buf[64];
    const char *s;
    if (OGR_Fld_GetType(fd) == OFTReal) {
        sp_table_number_text(OGR_F_GetFieldAsDouble(f, c), buf, sizeof buf);
        s = buf;
    } else {
        s = OGR_F_GetFieldAsString(f, c);
    }
    return sp_gdal_cell_keep(s, source, OGR_Fld_GetNameRef(fd), out);
}

int sp_gdal_table_new(OGRLayerH layer, const char *source, sp_table **out)
{
    *out = NULL;
    sp_table *t = sp_calloc(1, sizeof *t);
    if (!t)
        return SP_ENOMEM;
    t->source = sp_strdup(source);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    t->ncol = OGR_FD_GetFieldCount(defn);
    t->names = sp_calloc((size_t)t->ncol + 1, sizeof *t->names);
    t->cells = sp_calloc(64 * ((size_t)t->ncol + 1), sizeof *t->cells);
    int rc = t->source && t->names && t->cells ? SP_OK : SP_ENOMEM;
    for (int c = 0; c < t->ncol && !rc; c++)
        rc = utf8_copy(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, c)), source, "name",
                       &t->names[c]);
    if (rc) {
        sp_table_free(t);
        return rc;
    }
    *out = t;
    return SP_OK;
}

int sp_gdal_table_row(sp_table *t, char ***row)
{
    long cap = 64; /* the cells hold 64 * 2^k rows, the fewest that hold nrow */
    while (cap < t->nrow)
        cap *= 2;
    if (t->nrow == cap) {
        size_t width = t->ncol ? (size_t)t->ncol : 1;
        char **grown = sp_realloc(t->cells, (size_t)cap * 2 * width * sizeof *grown);
        if (!grown)
            return SP_ENOMEM;
        memset(grown + (size_t)cap * width, 0, (size_t)cap * width * sizeof *grown);
        t->cells = grown;
    }
    *row = t->cells + (long)t->nrow * t->ncol;
    t->nrow++;
    return SP_OK;
}

int sp_gdal_layer_table(OGRLayerH layer, const char *source, sp_table **out)
{
    sp_table *t;
    int rc = sp_gdal_table_new(layer, source, &t);
    if (rc)
        return rc;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    while (!rc && (f = OGR_L_GetNextFeature(layer)) != NULL) {
        char **row;
        rc = sp_gdal_table_row(t, &row);
        for (int c = 0; c < t->ncol && !rc; c++)
            rc = cell_text(f, OGR_FD_GetFieldDefn(defn, c), c, source, &row[c]);
        OGR_F_Destroy(f);
    }
    if (rc) {
        sp_table_free(t);
        return rc;
    }
    *out = t;
    return SP_OK;
}

/* A sheet read without headers: drop the --skip-rows title rows and take the
 * next row's cells as the column names. */
static int take_header(sp_table *t, int skip)
{
    if (t->nrow <= skip)
        return sp_error_set(SP_EDATA, "%s: %s%d row%s, no header row", t->source,
                            skip ? "--skip-rows skips all " : "sheet has ", t->nrow,
                            t->nrow == 1 ? "" : "s");
    for (int c = 0; c < t->ncol; c++) {
        char **cell = &t->cells[(long)skip * t->ncol + c];
        free(t->names[c]);
        t->names[c] = *cell;
        *cell = NULL;
        if (!t->names[c]) {
            char name[32];
            snprintf(name, sizeof name, "Field%d", c + 1);
            if (!(t->names[c] = sp_strdup(name)))
                return SP_ENOMEM;
        }
    }
    long drop = (long)(skip + 1) * t->ncol, total = (long)t->nrow * t->ncol;
    for (long k = 0; k < drop; k++)
        free(t->cells[k]);
    memmove(t->cells, t->cells + drop, (size_t)(total - drop) * sizeof *t->cells);
    t->nrow -= skip + 1;
    return SP_OK;
}

/* A GDAL source as a table: the layer (or --sheet), title rows, the sheet
 * names for a missing-field message. */
int sp_gdal_read_table(const char *path, const char *layer_name, sp_table **out)
{
    GDALDatasetH ds;
    OGRLayerH layer;
    int rc = sp_gdal_open_layer(path, layer_name, &ds, &layer);
    if (rc)
        return rc;
    const char *no_geometry[] = {"OGR_GEOMETRY", NULL}; /* a table needs attributes only */
    OGR_L_SetIgnoredFields(layer, no_geometry);
    rc = sp_gpkg_db_fits(ds, layer) ? sp_gpkg_db_table(path, layer, out)
                                    : sp_gdal_layer_table(layer, path, out);
    if (!rc && sp_gdal_is_spreadsheet(path))
        rc = take_header(*out, sp_readopt_current()->skip_rows);
    if (!rc && sp_gdal_is_spreadsheet(path)) {
        char list[1024], hint[1200];
        sp_gdal_layer_names(ds, list, sizeof list);
        snprintf(hint, sizeof hint, "on sheet '%s'; sheets: %s; choose with --sheet NAME",
                 OGR_L_GetName(layer), list);
        if (!((*out)->hint = sp_strdup(hint)))
            rc = SP_ENOMEM;
        else if ((*out)->nrow == 0)
            rc = sp_error_set(SP_EDATA, "%s: sheet '%s' has no data rows (sheets: %s; choose "
                              "with --sheet NAME)", path, OGR_L_GetName(layer), list);
    }
    sp_gdal_close(ds);
    if (rc) {
        sp_table_free(*out);
        *out = NULL;
    }
    return rc;
}
