/* sp_wio: spatial weights files: GAL, GWT, ArcGIS SWM, Matrix Market, dense CSV,
 * and to read dense matrices on a workbook sheet and Stata spmatrix export text.
 *
 * The format follows the file extension (.gal .gwt .swm .mtx .csv, .xlsx .xls
 * .ods, .txt).  Dense CSV, sheets and spmatrix files may or may not carry ids
 * (sp_wdense.h).  Text files that are not UTF-8 are decoded as --encoding says
 * or as GB18030 with a warning (sp_readopt.h).
 * Writing then reading a file gives back the same ids and matrix bit for bit
 * (values are written with 17 significant digits, SWM as binary doubles);
 * GAL stores neighbours only, so it reads back as binary weights, and dense
 * CSV cannot store an explicit zero weight.  Ids: GAL and GWT ids are tokens
 * without blanks, SWM ids are 32-bit integers, Matrix Market keeps any id in
 * "% id K NAME" comment lines, CSV quotes ids as needed.  GWT writes an island
 * as the line "ID ID 0" (a self-pair of weight 0 names a unit, adds no link).
 *
 * Ownership: sp_wio_read() returns a new sp_weights the caller frees.
 * Errors follow sp_error.h: unreadable, truncated or malformed files and
 * unknown ids are SP_EDATA naming the file and the line (or record); an
 * unknown extension is SP_EUSAGE.  Writing goes to a temporary file in the
 * target folder that is renamed on success, so a failed write leaves no
 * partial file. */
#ifndef SP_WIO_H
#define SP_WIO_H

#include <stddef.h>

#include "sp_weights.h"

typedef enum sp_wformat {
    SP_WF_UNKNOWN, SP_WF_GAL, SP_WF_GWT, SP_WF_SWM, SP_WF_MTX, SP_WF_CSV,
    SP_WF_SHEET, /* dense n x n on a workbook sheet (.xlsx .xls .ods): read only */
    SP_WF_SPMAT  /* Stata spmatrix export text (.txt) */
} sp_wformat;

sp_wformat sp_wio_format(const char *path);

int sp_wio_read(const char *path, sp_weights **out);
int sp_wio_write(const char *path, const sp_weights *W);

/* sp_wio_write() that also names, in the headers of the formats that have
 * one, the layer and the id field the ids come from (GAL and GWT
 * "0 n LAYER IDFIELD", SWM UNIQUEID@IDFIELD), so GeoDa and ArcGIS can join the
 * file to the layer.  Either may be NULL ("Unknown"). */
int sp_wio_write_named(const char *path, const sp_weights *W, const char *layer,
                       const char *id_field);

/* "GAL", "GWT", "SWM", "Matrix Market", "CSV", "sheet", "Stata spmatrix" or
 * "unknown". */

/* The id field a weights file's header names, into buf ("" when it names
 * none): GAL and GWT "0 n LAYER IDFIELD" (GeoDa, spill), SWM "UNIQUEID@FIELD"
 * (ArcGIS 10.1) or "FIELD;SPATIALREF" (older ArcGIS).  "Unknown" (any case)
 * counts as none; Matrix Market and CSV name no field.  SP_EDATA when the
 * file cannot be read. */
int sp_wio_id_field(const char *path, char *buf, size_t size);

/* "GAL", "GWT", "SWM", "Matrix Market", "CSV" or "unknown". */
const char *sp_wio_format_name(sp_wformat fmt);

/* The same from memory, for tests and fuzzing (path names messages; not
 * SP_WF_SHEET). */
int sp_wio_read_buffer(const char *data, size_t size, sp_wformat fmt,
                       const char *path, sp_weights **out);

#endif
