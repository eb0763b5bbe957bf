/* sp_geos: the process-wide GEOS reentrant context; see sp_geos.h. */
#include <stdarg.h>
#include <stdio.h>

#include "sp_geos.h"

static GEOSContextHandle_t geos_ctx;
static char geos_error[512];

static void geos_on_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(geos_error, sizeof geos_error, fmt, ap);
    va_end(ap);
}

static void geos_on_notice(const char *fmt, ...) { (void)fmt; }

GEOSContextHandle_t sp_geos(void)
{
    if (!geos_ctx) {
        geos_ctx = GEOS_init_r();
        GEOSContext_setErrorHandler_r(geos_ctx, geos_on_error);
        GEOSContext_setNoticeHandler_r(geos_ctx, geos_on_notice);
    }
    return geos_ctx;
}

void sp_geos_finish(void)
{
    if (geos_ctx)
        GEOS_finish_r(geos_ctx);
    geos_ctx = NULL;
}

const char *sp_geos_last_error(void) { return geos_error; }
