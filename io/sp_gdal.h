/* sp_gdal: opening vector sources with GDAL (the only place io/ calls
 * GDALOpenEx) and shared helpers.  Errors follow sp_error.h: a file that
 * cannot be opened, or a missing layer, is SP_EDATA naming the file. */
#ifndef SP_GDAL_H
#define SP_GDAL_H

#include <gdal.h>
#include <ogr_api.h>

#include "sp_table.h"

/* Register GDAL drivers once and silence GDAL's own stderr printing. */
void sp_gdal_init(void);

/* Open path read-only and pick the named layer (NULL: the first).  The caller
 * closes *ds with GDALClose(); *layer belongs to *ds. */
int sp_gdal_open_layer(const char *path, const char *layer_name, GDALDatasetH *ds,
                       OGRLayerH *layer);

/* Read every feature's attributes as an sp_table (see sp_table.h). */
int sp_table_from_layer(OGRLayerH layer, const char *source, sp_table **out);

/* The GDAL vector driver for an output file name, chosen by extension
 * (.gpkg .shp .geojson .json .fgb .csv .gml .kml .sqlite); NULL if unknown. */
const char *sp_gdal_driver_for(const char *path);

#endif
