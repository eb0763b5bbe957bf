/* sp_wfast: one-pass readers of the GAL and GWT files of large
 * tessellations, whose ids are decimal integers (1..n and the like).
 *
 * sp_wfast_gal reads what sp_wio's GAL parser reads, in one pass over the
 * bytes without copying or cutting them: every id and neighbour a decimal
 * integer below 10^9 written without sign or leading zero, the largest id at
 * most 4n + 1024, lines ending in LF or CRLF (trailing blanks and blank
 * lines anywhere).  The result is bit for bit the sp_weights sp_wio gives.
 * sp_wfast_gwt the same for GWT: lines "ORIGIN DESTINATION WEIGHT" with
 * integer ids as above (the largest at most 4n + 1024 for the header's n),
 * weights as sp_table_parse_double reads them, units numbered in order of
 * first appearance as origin, then as destination, "ID ID 0" naming a unit
 * without adding a link, sp_weights.unnamed the units the header counts
 * beyond those the lines name.
 * Anything else, and every error, they decline (*out NULL, SP_OK): sp_wio's
 * general parser then reads the file and names the file and line of what is
 * wrong, so the messages stay those of one parser.  SPILL_WIO_PARSER=general
 * in the environment makes sp_wio skip them (tests compare both).
 *
 * Ownership: *out (when set) is the caller's, freed with sp_weights_free.
 * Errors follow sp_error.h: only SP_ENOMEM is returned. */
#ifndef SP_WFAST_H
#define SP_WFAST_H

#include <stddef.h>

#include "sp_weights.h"

int sp_wfast_gal(const char *data, size_t size, sp_weights **out);
int sp_wfast_gwt(const char *data, size_t size, sp_weights **out);

#endif
