/* sp_layer_write: write an output layer that copies features of an input
 * layer (geometry, CRS and every attribute) and adds computed fields.
 *
 *   sp_field f[] = {{"GiZScore", SP_FIELD_REAL, .real = z},
 *                   {"Gi_Bin", SP_FIELD_INT, .integer = bins}};
 *   sp_layer_write("in.shp", NULL, "hot.gpkg", n, NULL, f, 2);
 *
 * Output row r copies input feature src_row[r] (features counted 0.. in the
 * order GDAL reads the input, the order of sp_layer_read); src_row NULL means
 * row r copies feature r.  A feature may be copied many times, e.g. once per
 * period for a long-format layer.  Added fields come after the input's; an
 * input field with the same name (case-insensitive) as an added field is
 * dropped, so writing over a previous run's output replaces its fields.
 *
 * The GDAL driver follows the extension of out_path (sp_gdal_driver_for):
 * .gpkg .shp .geojson .json .fgb .csv .gml .kml .sqlite.  CSV gets the
 * geometry as a WKT column; Shapefiles are written in UTF-8.  NaN reals and
 * NULL texts are written as NULL (as empty in formats without NULL).
 * A GeoPackage written from a GeoPackage table gets its rows through SQLite,
 * geometry blobs copied (sp_gpkg_db.h), with the bytes GDAL's path writes.
 * The file is written through sp_output, so a failure leaves no partial
 * output.  Errors follow sp_error.h: an unknown extension is SP_EUSAGE, an
 * unreadable input or a failed write SP_EDATA naming the file. */
#ifndef SP_LAYER_WRITE_H
#define SP_LAYER_WRITE_H

typedef enum sp_field_type { SP_FIELD_REAL, SP_FIELD_INT, SP_FIELD_TEXT } sp_field_type;

#define SP_FIELD_INT_NULL (-2147483647 - 1) /* an integer written as NULL (INT_MIN) */

typedef struct sp_field {
    const char *name;
    sp_field_type type;
    const double *real;       /* SP_FIELD_REAL: nrow values */
    const int *integer;       /* SP_FIELD_INT (SP_FIELD_INT_NULL: NULL) */
    const char *const *text;  /* SP_FIELD_TEXT */
    int width;                /* text width, 0: the driver's default */
} sp_field;

int sp_layer_write(const char *src_path, const char *src_layer, const char *out_path, int nrow,
                   const int *src_row, const sp_field *fields, int nfields);

/* One layer of sp_layer_write_many: name (NULL: the output's base name), its
 * rows (src_row as in sp_layer_write) and its added fields. */
typedef struct sp_layer_part {
    const char *name;
    int nrow;
    const int *src_row;
    const sp_field *fields;
    int nfields;
} sp_layer_part;

/* Several layers into one data source (GeoPackage, SQLite); a format that
 * holds one layer gets SP_EUSAGE when nparts > 1. */
int sp_layer_write_many(const char *src_path, const char *src_layer, const char *out_path,
                        const sp_layer_part *parts, int nparts);

/* 1 when the format of out_path holds several layers (.gpkg, .sqlite). */
int sp_layer_write_multi(const char *out_path);

#endif
