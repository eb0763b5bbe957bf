/* sp_gdal: opening vector sources with GDAL (the only place io/ calls
 * GDALOpenEx) and shared helpers.  Errors follow sp_error.h: a file that
 * cannot be opened, or a missing layer, is SP_EDATA naming the file (and the
 * formats spill reads, or the layers/sheets that exist).
 *
 * The reader options (sp_readopt.h) apply here: a shapefile without .cpg is
 * opened with ENCODING= the encoding found in its DBF (UTF-8, else GB18030
 * with a warning, or --encoding); a CSV that is not UTF-8 or has --skip-rows
 * is read from an in-memory UTF-8 copy; a spreadsheet opens --sheet. */
#ifndef SP_GDAL_H
#define SP_GDAL_H

#include <gdal.h>
#include <ogr_api.h>

#include "sp_table.h"

/* Register GDAL drivers once and silence GDAL's own stderr printing. */
void sp_gdal_init(void);

/* Open path read-only and pick the named layer (NULL: the first, or --sheet
 * for a spreadsheet).  The caller closes *ds with sp_gdal_close(); *layer
 * belongs to *ds. */
int sp_gdal_open_layer(const char *path, const char *layer_name, GDALDatasetH *ds,
                       OGRLayerH *layer);

/* A whole file (through GDAL's VSI: /vsimem/, /vsizip/ ... work too) into a
 * new NUL-terminated buffer of *size bytes (plus the NUL) the caller frees;
 * SP_EDATA naming the file when it cannot be opened. */
int sp_gdal_read_file(const char *path, char **data, size_t *size);

/* Close a dataset of sp_gdal_open_layer (and free its in-memory copy). */
void sp_gdal_close(GDALDatasetH ds);

/* Close a dataset written to path (GDALCreate): the status rc, or SP_EDATA
 * naming path when rc is SP_OK and GDAL failed to flush it. */
int sp_gdal_close_written(GDALDatasetH ds, const char *path, int rc);

/* Whether path is a workbook (.xlsx .xlsm .xls .ods) by its extension. */
int sp_gdal_is_spreadsheet(const char *path);

/* The dataset's layer (sheet) names, comma-separated, into buf. */
void sp_gdal_layer_names(GDALDatasetH ds, char *buf, size_t cap);

/* A GDAL source as a table (sp_table_read's reader for every format but
 * ReadStat's): the layer (or --sheet), title rows, the sheet names for a
 * missing-field message. */
int sp_gdal_read_table(const char *path, const char *layer_name, sp_table **out);

/* Read every feature's attributes as an sp_table (see sp_table.h). */
int sp_gdal_layer_table(OGRLayerH layer, const char *source, sp_table **out);

/* The parts of sp_gdal_layer_table other readers of a layer share: a table
 * with the layer's field names and no rows; one more row (*row: its ncol
 * cells, NULL); a cell's text kept as the table keeps it (NULL for NULL or
 * "", else UTF-8, recoded from --encoding; field names the column in a
 * message). */
int sp_gdal_table_new(OGRLayerH layer, const char *source, sp_table **out);
int sp_gdal_table_row(sp_table *t, char ***row);
int sp_gdal_cell_keep(const char *s, const char *source, const char *field, char **out);

/* The GDAL vector driver for an output file name, chosen by extension
 * (.gpkg .shp .geojson .json .fgb .csv .gml .kml .sqlite); NULL if unknown. */
const char *sp_gdal_driver_for(const char *path);

#endif
