/* sp_error: status codes and the last error message.
 *
 * Convention used by every spill function that can fail: it returns an int
 * status (SP_OK == 0 on success).  On failure it has already recorded a
 * message with sp_error_set(), naming the file, row or unit concerned, and it
 * has freed anything it allocated, so no output argument needs freeing.
 *
 * The status values double as the process exit codes of the CLI contract:
 *   1 usage error, 2 bad input data, 3 numerical failure.
 *
 * The message buffer is per thread; worker threads inside numerical kernels
 * never set it (they report through return values to the calling thread). */
#ifndef SP_ERROR_H
#define SP_ERROR_H

#include <stddef.h>

enum sp_status {
    SP_OK = 0,
    SP_EUSAGE = 1,   /* bad command line or bad argument to a function */
    SP_EDATA = 2,    /* bad input data: files, ids, values, geometry */
    SP_ENUMERIC = 3, /* non-convergence, singular matrix, out-of-range parameter */
    SP_ENOMEM = 4    /* out of memory (reported with exit code 3) */
};

/* Record a printf-style message and return code, so a caller can write
 *   return sp_error_set(SP_EDATA, "%s: row %d: ...", path, row); */
int sp_error_set(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefix the current message with "prefix: " (adds context on the way up). */
int sp_error_prefix(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The last message recorded in this thread ("" if none). */
const char *sp_error_msg(void);

void sp_error_clear(void);

/* Once at start-up (main, the test harness; before any thread starts): turn
 * GSL's error handler off, so a GSL failure (a singular matrix, a failed
 * decomposition) comes back as the function's status, which spill checks at
 * every call, instead of aborting the process.  No module switches it again. */
void sp_error_init(void);

/* Process exit status for a status code, per the CLI contract. */
int sp_error_exit_code(int code);

/* malloc/calloc/realloc/strdup that record SP_ENOMEM ("out of memory") on
 * failure; every allocation in spill goes through them (a worker thread's
 * record stays in its own buffer; the worker returns SP_ENOMEM).  Plain
 * malloc only where a failure is not an error (a fallback, said there). */
void *sp_malloc(size_t bytes);
void *sp_calloc(size_t count, size_t size);
void *sp_realloc(void *ptr, size_t bytes);
char *sp_strdup(const char *s);

#endif
