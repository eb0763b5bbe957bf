/* sp_readstat: Stata .dta, SPSS .sav/.zsav/.por and SAS .sas7bdat/.xpt
 * files read through ReadStat into an sp_table (see sp_table.h).
 *
 * Numbers become their shortest round-trip text, missing values (system,
 * Stata's tagged .a-.z, SPSS user-defined) NULL cells, and a labelled value
 * its value label (Stata and SPSS value labels, as haven's as_factor).
 * Strings are UTF-8: ReadStat decodes with the file's declared encoding, or
 * with --encoding (sp_readopt.h) for files that declare none.
 * Ownership: *out belongs to the caller (sp_table_free).  Errors follow
 * sp_error.h: an unreadable or truncated file is SP_EDATA naming the file
 * and ReadStat's reason. */
#ifndef SP_READSTAT_H
#define SP_READSTAT_H

#include "sp_table.h"

/* Whether the extension is one ReadStat reads (.dta .sav .zsav .por
 * .sas7bdat .xpt). */
int sp_readstat_handles(const char *path);

int sp_readstat_read(const char *path, sp_table **out);

#endif
