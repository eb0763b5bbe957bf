/* sp_table: an attribute table held as strings, read with GDAL; see sp_table.h. */
#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>

#include "sp_error.h"
#include "sp_table.h"
#include "sp_gdal.h"

void sp_table_free(sp_table *t)
{
    if (!t)
        return;
    if (t->cells)
        for (long k = 0; k < (long)t->nrow * t->ncol; k++)
            free(t->cells[k]);
    if (t->names)
        for (int c = 0; c < t->ncol; c++)
            free(t->names[c]);
    free(t->cells);
    free(t->names);
    free(t->source);
    free(t);
}

int sp_table_from_layer(OGRLayerH layer, const char *source, sp_table **out)
{
    *out = NULL;
    sp_table *t = sp_calloc(1, sizeof *t);
    if (!t)
        return SP_ENOMEM;
    t->source = sp_strdup(source);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    t->ncol = OGR_FD_GetFieldCount(defn);
    t->names = sp_calloc((size_t)t->ncol, sizeof *t->names);
    if (!t->source || !t->names)
        goto nomem;
    for (int c = 0; c < t->ncol; c++)
        if (!(t->names[c] = sp_strdup(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, c)))))
            goto nomem;
    long cap = 64;
    t->cells = sp_calloc((size_t)cap * (t->ncol ? t->ncol : 1), sizeof *t->cells);
    if (!t->cells)
        goto nomem;
    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        if (t->nrow == cap) {
            char **grown = sp_realloc(t->cells, (size_t)cap * 2 * (t->ncol ? t->ncol : 1) * sizeof *grown);
            if (!grown) {
                OGR_F_Destroy(f);
                goto nomem;
            }
            memset(grown + cap * t->ncol, 0, (size_t)cap * t->ncol * sizeof *grown);
            t->cells = grown;
            cap *= 2;
        }
        for (int c = 0; c < t->ncol; c++) {
            if (!OGR_F_IsFieldSetAndNotNull(f, c))
                continue;
            const char *s = OGR_F_GetFieldAsString(f, c);
            if (s[0] == '\0')
                continue;
            if (!(t->cells[(long)t->nrow * t->ncol + c] = sp_strdup(s))) {
                OGR_F_Destroy(f);
                goto nomem;
            }
        }
        t->nrow++;
        OGR_F_Destroy(f);
    }
    *out = t;
    return SP_OK;
nomem:
    sp_table_free(t);
    return SP_ENOMEM;
}

int sp_table_read(const char *path, const char *layer_name, sp_table **out)
{
    *out = NULL;
    GDALDatasetH ds;
    OGRLayerH layer;
    int rc = sp_gdal_open_layer(path, layer_name, &ds, &layer);
    if (rc)
        return rc;
    rc = sp_table_from_layer(layer, path, out);
    GDALClose(ds);
    return rc;
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
    return sp_error_set(SP_EDATA, "%s: no field '%s' (fields: %s)", t->source, name, list);
}

int sp_table_parse_double(const char *s, double *out)
{
    if (!s)
        return -1;
    while (*s == ' ' || *s == '\t')
        s++;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno == ERANGE)
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
