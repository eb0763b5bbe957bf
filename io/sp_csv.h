/* sp_csv: spill's own reader of plain CSV tables (.csv, .tsv), the fast path
 * of sp_table_read: one read of the file, one pass over it, no GDAL.
 *
 * It produces the very table GDAL's CSV driver gives sp_table (the reader
 * it replaces, still used for everything else): the same reader options
 * (--skip-rows, --encoding, GB18030 detection, all through sp_readopt), the
 * separator detected from the first line as GDAL does (comma, semicolon or
 * tab), a UTF-8 BOM dropped, CRLF, CR and LF line ends, quotes toggling
 * anywhere in a field with "" for a quote, line breaks inside quotes kept as
 * "\n", blank lines skipped, header names stripped of spaces ("field_N" when
 * empty), empty cells and missing trailing cells NULL, extra cells dropped.
 * A file it cannot promise that for is left to GDAL: *out stays NULL with
 * SP_OK (a .csvt type sidecar, a first line with a tab that is not the
 * separator, a space-separated or one-column header, a header spanning
 * lines, NUL bytes, a backslash or "_WKT" in the first line, an empty first
 * line).  docs/data.md says which reader reads what.
 *
 * Ownership: *out is a new table the caller frees with sp_table_free().
 * Errors follow sp_error.h (SP_EDATA naming the file: unreadable, bytes in
 * no known encoding); a quoted field left open is read to the end of the
 * file, as GDAL does, with a warning naming the file and row. */
#ifndef SP_CSV_H
#define SP_CSV_H

#include "sp_table.h"

/* Whether path is a table sp_csv_read reads (by extension, not a GDAL
 * virtual path). */
int sp_csv_handles(const char *path);

int sp_csv_read(const char *path, sp_table **out);

#endif
