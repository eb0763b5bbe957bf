/* sp_geos: the process-wide GEOS reentrant context used by spatial/ and io/.
 *
 * sp_geos() creates the context on first use (not thread-safe: call it once
 * from the main thread before starting workers) and routes GEOS notices and
 * errors into sp_error's message.  sp_geos_finish() destroys it. */
#ifndef SP_GEOS_H
#define SP_GEOS_H

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

GEOSContextHandle_t sp_geos(void);
void sp_geos_finish(void);

/* The last GEOS error text ("" if none). */
const char *sp_geos_last_error(void);

#endif
