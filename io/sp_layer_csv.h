/* sp_layer_csv: sp_layer_write's CSV output for a layer without geometry,
 * written by spill's own buffered formatter with the bytes GDAL's CSV driver
 * writes (its defaults: LF line ends, no BOM, no .csvt, STRING_QUOTING
 * IF_AMBIGUOUS: a value that reads as a number is quoted, reals %.15g
 * unquoted, NULL empty, a one-column line that would be empty gets a comma).
 *
 * sp_layer_csv_fits says whether the formatter covers the input layer (no
 * geometry; fields of type String, Integer, Integer64, Date, Time, DateTime
 * or Real other than Float32; distinct output names); otherwise, or when the
 * environment sets SPILL_CSV_WRITER=gdal (tests compare both), sp_layer_write
 * uses GDAL's driver.  sp_layer_csv_write writes path (a temporary file of
 * sp_output); map[c] is the output index of input field c or -1 (dropped).
 * The caller owns every argument; errors (SP_EDATA naming out_path,
 * SP_ENOMEM) follow sp_error.h and may leave path partly written. */
#ifndef SP_LAYER_CSV_H
#define SP_LAYER_CSV_H

#include <ogr_api.h>

#include "sp_layer_write.h"

int sp_layer_csv_fits(OGRLayerH in, const int *map, const sp_field *fields, int nfields);

int sp_layer_csv_write(const char *path, const char *out_path, OGRLayerH in,
                       const OGRFeatureH *feat, int nrow, const int *src_row, const int *map,
                       const sp_field *fields, int nfields);

#endif
