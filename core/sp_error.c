/* sp_error: the per-thread last error message and the allocation wrappers that record
 * SP_ENOMEM; see sp_error.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <gsl/gsl_errno.h>

#include "sp_error.h"

static _Thread_local char sp_error_buf[2048];

int sp_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sp_error_buf, sizeof sp_error_buf, fmt, ap);
    va_end(ap);
    return code;
}

int sp_error_prefix(int code, const char *fmt, ...)
{
    char prefix[1024], old[sizeof sp_error_buf];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, sp_error_buf, sizeof old);
    int len = snprintf(sp_error_buf, sizeof sp_error_buf, "%s: ", prefix);
    if (len > 0 && (size_t)len < sizeof sp_error_buf)
        memcpy(sp_error_buf + len, old, sizeof sp_error_buf - (size_t)len - 1);
    sp_error_buf[sizeof sp_error_buf - 1] = 0;
    return code;
}

const char *sp_error_msg(void) { return sp_error_buf; }

void sp_error_clear(void) { sp_error_buf[0] = '\0'; }

int sp_error_exit_code(int code)
{
    switch (code) {
    case SP_OK: return 0;
    case SP_EUSAGE: return 1;
    case SP_EDATA: return 2;
    default: return 3;
    }
}

/* Blocks of at least this many bytes are offered transparent huge pages. */
#define HUGE_MIN ((size_t)8 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

/* Asks the kernel to back the whole 2 MB pages inside a large block p[0..bytes)
 * with huge pages (Linux's transparent huge pages in their "madvise" mode,
 * the usual default): one page fault per 2 MB instead of one per 4 KB, which
 * is a quarter of the time it takes to read a million-unit table and W.
 * Only pages inside the block are advised, so a block never holds more
 * memory than its size; a refusal (no THP, another system) changes nothing
 * but the speed. */
static void *huge_pages(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    if (p && bytes >= HUGE_MIN) {
        uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        uintptr_t e = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
        if (e > a)
            (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
    }
#else
    (void)bytes;
#endif
    return p;
}

void *sp_malloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (!p)
        sp_error_set(SP_ENOMEM, "out of memory (%zu bytes)", bytes);
    return huge_pages(p, bytes);
}

void *sp_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        sp_error_set(SP_ENOMEM, "out of memory (%zu x %zu bytes)", count, size);
    return huge_pages(p, count * size);
}

void *sp_realloc(void *ptr, size_t bytes)
{
    void *p = realloc(ptr, bytes ? bytes : 1);
    if (!p)
        sp_error_set(SP_ENOMEM, "out of memory (%zu bytes)", bytes);
    return huge_pages(p, bytes);
}

char *sp_strdup(const char *s)
{
    size_t len = strlen(s) + 1;
    char *copy = sp_malloc(len);
    if (copy)
        memcpy(copy, s, len);
    return copy;
}

void sp_error_init(void)
{
    gsl_set_error_handler_off();
}
